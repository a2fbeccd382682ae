//! The shop window's answer cache: goodsv2, goodsDetailV2 and goodsPriceV2 are answered from memory,
//! and every committed catalogue write — through the service, the merchant API, or plain SQL on
//! any `goods…` table, the way a future writer might — shows in the very next answer.

use serde_json::Value;
use xiaodian::db::catalog::{self, CategoryFields};
use xiaodian::db::unix_now;
use xiaodian::error::ApiError;

use crate::support::*;

const LIST_V2: &str = "/shop/shop/goods/list/v2";
const DETAIL: &str = "/shop/shop/goods/detail";
const PRICE: &str = "/shop/shop/goods/price";

fn add_goods(app: &TestApp, name: &str, category_id: Option<i64>, price: i64) -> i64 {
    app.goods().name(name).fields(|f| f.category_id = category_id).price(price).stock(10).create()
}

fn detail(app: &TestApp, id: i64) -> Value {
    app.get(DETAIL, &[("id", &id.to_string())])
}

/// Runs SQL on the writer, as any code in the shop writes.
fn write_sql(app: &TestApp, sql: &str, id: i64) {
    app.write(|c| c.execute(sql, [id]));
}

#[test]
fn a_price_change_and_a_shelf_off_show_in_the_next_list_and_goods_page() {
    let app = TestApp::new();
    let tea = add_goods(&app, "明前龙井茶", None, 9900);
    add_goods(&app, "安吉白茶", None, 5900);
    let list = || app.post(LIST_V2, &[("nameLike", "龙井茶")]);
    // Asked twice: the second answer comes from the cache.
    for _ in 0..2 {
        assert_eq!(list()["data"]["result"][0]["minPrice"], 99.0);
        assert_eq!(detail(&app, tea)["data"]["basicInfo"]["minPrice"], 99.0);
    }

    write_sql(&app, "UPDATE goods SET min_price = 8800 WHERE id = ?1", tea);
    assert_eq!(list()["data"]["result"][0]["minPrice"], 88.0);
    assert_eq!(detail(&app, tea)["data"]["basicInfo"]["minPrice"], 88.0);

    app.write(|c| catalog::set_goods_status(c, tea, 1, unix_now()));
    assert_code(&list(), 700);
    assert_eq!(detail(&app, tea)["msg"], "商品已下架");
    assert_eq!(app.post(LIST_V2, &[])["data"]["totalRow"], 1, "the cached total follows too");
}

#[test]
fn stock_taken_from_a_sku_shows_in_the_price_and_the_goods_page() {
    let app = TestApp::new();
    let id = app
        .goods()
        .name("保温杯")
        .spec("颜色", &["白", "黑"])
        .price(3000)
        .sku(&["白"], 3000, 5)
        .stock(7)
        .create();
    let page = detail(&app, id);
    let key = page["data"]["skuList"][0]["propertyChildIds"].as_str().unwrap().to_string();
    let price = || app.post(PRICE, &[("goodsId", &id.to_string()), ("propertyChildIds", &key)]);
    assert_eq!(price()["data"]["stores"], 5);
    assert_eq!(detail(&app, id)["data"]["basicInfo"]["stores"], 12);

    // As an order would take stock: a plain UPDATE of the SKU; the goods row follows by trigger.
    write_sql(&app, "UPDATE goods_skus SET stores = stores - 2 WHERE goods_id = ?1 AND stores = 5", id);
    assert_eq!(price()["data"]["stores"], 3);
    assert_eq!(detail(&app, id)["data"]["basicInfo"]["stores"], 10);
    assert_eq!(detail(&app, id)["data"]["skuList"][0]["stores"], 3);
}

#[test]
fn merchant_api_edits_and_category_renames_show_at_once() {
    let app = TestApp::with_key("cache-key-123");
    let cat = app.write(|c| {
        let f = CategoryFields { name: "茶叶".into(), ..CategoryFields::default() };
        catalog::insert_category(c, &f, unix_now())
    });
    let id = add_goods(&app, "铁观音 250g", Some(cat), 6800);
    let in_category = || app.post(LIST_V2, &[("categoryId", &cat.to_string())]);
    assert_eq!(in_category()["data"]["totalRow"], 1);
    assert_eq!(detail(&app, id)["data"]["category"]["name"], "茶叶");

    write_sql(&app, "UPDATE goods_categories SET name = '乌龙茶' WHERE id = ?1", cat);
    assert_eq!(detail(&app, id)["data"]["category"]["name"], "乌龙茶");
    add_goods(&app, "大红袍 100g", Some(cat), 12800);
    assert_eq!(in_category()["data"]["totalRow"], 2, "a new goods counts at once");

    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let res = agent
        .post(&app.url(&format!("/admin/api/v1/goods/{id}/off-shelf")))
        .header("Authorization", "Bearer cache-key-123")
        .send_empty()
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(in_category()["data"]["totalRow"], 1);
    assert_eq!(detail(&app, id)["msg"], "商品已下架");
}

#[test]
fn only_committed_catalogue_writes_start_a_new_cache_epoch() {
    let app = TestApp::new();
    let before = app.db.catalogue_epoch();
    app.login_wechat("code-epoch");
    assert_eq!(app.db.catalogue_epoch(), before, "a login writes no catalogue table");

    let id = add_goods(&app, "猕猴桃", None, 3900);
    let after_insert = app.db.catalogue_epoch();
    assert!(after_insert > before);
    let failed = app.db.write_sync(|c| {
        c.execute("UPDATE goods SET min_price = 1 WHERE id = ?1", [id])?;
        Err::<(), _>(ApiError::Empty)
    });
    assert!(failed.is_err());
    assert_eq!(app.db.catalogue_epoch(), after_insert, "a rolled-back write changes nothing");
    assert_eq!(detail(&app, id)["data"]["basicInfo"]["minPrice"], 39.0);
}

#[test]
fn deep_pages_in_every_order_match_the_whole_sorted_list() {
    let app = TestApp::new();
    for (i, name) in ["苹果", "香蕉", "橙子", "葡萄", "西瓜", "芒果", "草莓"].iter().enumerate()
    {
        add_goods(&app, name, None, [500, 300, 900, 100, 700, 300, 800][i]);
    }
    for order in ["priceUp", "priceDown", "addedUp", "addedDown", "ordersDown", "nameUp"] {
        let all = app.post(LIST_V2, &[("orderBy", order), ("pageSize", "7")]);
        let whole: Vec<Value> = all["data"]["result"].as_array().unwrap().clone();
        let mut paged = Vec::new();
        for page in 1..=3 {
            let res =
                app.post(LIST_V2, &[("orderBy", order), ("pageSize", "3"), ("page", &page.to_string())]);
            assert_code(&res, 0);
            assert_eq!(res["data"]["totalRow"], 7);
            assert_eq!(res["data"]["totalPage"], 3);
            paged.extend(res["data"]["result"].as_array().unwrap().iter().cloned());
        }
        let ids = |l: &[Value]| l.iter().map(|g| g["id"].as_i64().unwrap()).collect::<Vec<_>>();
        assert_eq!(ids(&paged), ids(&whole), "{order}");
    }
    assert_code(&app.post(LIST_V2, &[("pageSize", "3"), ("page", "4")]), 700);
}

/// GET `path` over a plain socket with the `Host` header `host`; the answer's body.
fn get_with_host(app: &TestApp, path: &str, host: &str) -> Value {
    use std::io::{Read, Write};
    let addr = app.url("").trim_start_matches("http://").to_string();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let body = &raw[raw.find("\r\n\r\n").unwrap() + 4..];
    // The answer may come chunked: its JSON starts at the first brace and ends at the last.
    serde_json::from_str(&body[body.find('{').unwrap()..=body.rfind('}').unwrap()]).unwrap()
}

#[test]
fn without_a_base_url_only_a_few_hosts_are_cached_and_the_rest_still_answer() {
    let app = TestApp::new();
    let tea = add_goods(&app, "明前龙井茶", None, 9900);
    app.write(|c| c.execute("UPDATE goods SET pic = '/uploads/tea.png' WHERE id = ?1", [tea]));
    let path = format!("{DETAIL}?id={tea}");
    for i in 0..xiaodian::cache::MAX_HOSTS {
        get_with_host(&app, &path, &format!("shop{i}.example"));
    }
    let full = app.cache.bytes();
    assert!(full > 0);
    // A client varying Host gets its answers, with its own links, and the cache does not grow.
    for i in 0..50 {
        let host = format!("flood{i}.example");
        let answer = get_with_host(&app, &path, &host);
        assert_eq!(answer["code"], 0, "{answer}");
        assert_eq!(answer["data"]["basicInfo"]["pic"], format!("http://{host}/uploads/tea.png"));
    }
    assert_eq!(app.cache.bytes(), full, "answers for hosts past the first few are not stored");
}

#[test]
fn with_a_base_url_every_host_shares_one_cached_answer() {
    let app = TestApp::with(|c| c.base_url = Some("https://shop.example.com".into()));
    let tea = add_goods(&app, "明前龙井茶", None, 9900);
    let path = format!("{DETAIL}?id={tea}");
    get_with_host(&app, &path, "a.example");
    let one = app.cache.bytes();
    for i in 0..20 {
        get_with_host(&app, &path, &format!("other{i}.example"));
    }
    assert_eq!(app.cache.bytes(), one);
}

#[test]
fn the_home_page_categories_and_notices_are_cached_and_follow_every_write() {
    let app = TestApp::new();
    let cat = app.write(|c| {
        let f = CategoryFields { name: "水果".into(), ..CategoryFields::default() };
        catalog::insert_category(c, &f, unix_now())
    });
    let categories = || app.get("/shop/shop/goods/category/all", &[]);
    for _ in 0..2 {
        assert_eq!(categories()["data"][0]["name"], "水果");
    }
    write_sql(&app, "UPDATE goods_categories SET name = '时令水果' WHERE id = ?1", cat);
    assert_eq!(categories()["data"][0]["name"], "时令水果");
    write_sql(&app, "UPDATE goods_categories SET is_use = 0 WHERE id = ?1", cat);
    assert_code(&categories(), 700);

    let notice = |title: &str, is_show: bool| xiaodian::service::site::NoticeInput {
        kind: String::new(),
        title: title.into(),
        content: "内容".into(),
        is_show,
    };
    let id = block_on(xiaodian::service::site::save_notice(&app.db, &app.cache, None, notice("开业", true)))
        .unwrap();
    let notices = || app.post("/shop/notice/list", &[]);
    for _ in 0..2 {
        assert_eq!(notices()["data"]["dataList"][0]["title"], "开业");
    }
    block_on(xiaodian::service::site::save_notice(&app.db, &app.cache, Some(id), notice("开业大吉", true)))
        .unwrap();
    assert_eq!(notices()["data"]["dataList"][0]["title"], "开业大吉");
    block_on(xiaodian::service::site::save_notice(&app.db, &app.cache, Some(id), notice("开业大吉", false)))
        .unwrap();
    assert_code(&notices(), 700);
}

#[test]
fn the_memory_report_names_each_cache_within_the_one_budget() {
    let app = TestApp::with(|c| {
        c.admin_api_key = Some("memory-key-123".into());
        c.cache_bytes = 4 << 20;
    });
    add_goods(&app, "明前龙井茶", None, 9900);
    app.post(LIST_V2, &[]);
    app.get_raw("/shop/verification/pic/get", &[("key", "memory-1")]);
    let res = Merchant::new(&app, "memory-key-123").get("/memory");
    let body = res.body;
    assert_eq!(res.status, 200, "{body}");
    assert!(body["rssBytes"].as_u64().unwrap() > 1 << 20, "{body}");
    assert_eq!(body["cacheBudget"], 4 << 20);
    let caches = body["caches"].as_array().unwrap();
    let of =
        |name: &str| caches.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("{name}: {body}"));
    assert!(of("answers")["bytes"].as_u64().unwrap() > 0, "the list was cached: {body}");
    assert!(of("captchas")["bytes"].as_u64().unwrap() > 0, "a captcha is held: {body}");
    let budgets: u64 = caches.iter().map(|c| c["budget"].as_u64().unwrap()).sum();
    assert!(budgets <= 4 << 20, "the caches share the one budget: {body}");
    for c in caches {
        assert!(c["bytes"].as_u64() <= c["budget"].as_u64(), "{c}");
    }
    assert_eq!(Merchant::with_header(&app, None).get("/memory").status, 401);
}
