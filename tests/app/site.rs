//! Config values, banners, ad slots, notices, friendly links, statistics, regions.

use xiaodian::db::site::BannerInput;
use xiaodian::error::ApiError;
use xiaodian::service::site::{self, AdInput, NoticeInput, PartnerInput};

use crate::support::*;

fn banner(kind: &str, title: &str, paixu: i64, status: i64) -> BannerInput {
    BannerInput {
        kind: kind.into(),
        title: title.into(),
        pic_url: format!("https://img.example.com/{title}.png"),
        link_url: "/pages/index/index".into(),
        paixu,
        status,
        ..BannerInput::default()
    }
}

#[test]
fn config_values_are_served_one_or_many_and_follow_edits() {
    let app = TestApp::new();
    assert_code(&app.get("/shop/config/value", &[("key", "mallName")]), 700);
    assert_code(&app.get("/shop/config/values", &[("keys", "mallName,x")]), 700);
    block_on(site::put_config_value(
        &app.db,
        &app.settings,
        "mallName".into(),
        "我的小店".into(),
        String::new(),
    ))
    .unwrap();
    block_on(site::put_config_value(
        &app.db,
        &app.settings,
        "order_pay_user_balance".into(),
        "1".into(),
        String::new(),
    ))
    .unwrap();
    let res = app.get("/shop/config/value", &[("key", "mallName")]);
    assert_code(&res, 0);
    assert_eq!(res["data"], "我的小店");
    let res = app.get("/shop/config/values", &[("keys", "mallName, order_pay_user_balance,nope")]);
    let list = res["data"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1]["key"], "order_pay_user_balance");
    assert_eq!(list[1]["value"], "1");
    assert!(list[0]["dateUpdate"].as_str().unwrap().len() == 19);

    block_on(site::put_config_value(
        &app.db,
        &app.settings,
        "mallName".into(),
        "新名字".into(),
        String::new(),
    ))
    .unwrap();
    assert_eq!(app.get("/shop/config/value", &[("key", "mallName")])["data"], "新名字");
    assert!(block_on(site::delete_config_value(&app.db, &app.settings, "mallName".into())).unwrap());
    assert_code(&app.get("/shop/config/value", &[("key", "mallName")]), 700);
    let bad =
        block_on(site::put_config_value(&app.db, &app.settings, "a,b".into(), "1".into(), String::new()));
    assert!(bad.map_err(ApiError::from).unwrap_err().msg().contains("key"));
}

#[test]
fn banners_are_filtered_by_type_ordered_and_hidden_ones_left_out() {
    let app = TestApp::new();
    assert_code(&app.get("/shop/banner/list", &[]), 700);
    block_on(site::save_banner(&app.db, &app.cache, None, banner("index", "b", 2, 0))).unwrap();
    block_on(site::save_banner(&app.db, &app.cache, None, banner("index", "a", 1, 0))).unwrap();
    let hidden = block_on(site::save_banner(&app.db, &app.cache, None, banner("index", "h", 0, 1))).unwrap();
    block_on(site::save_banner(&app.db, &app.cache, None, banner("mall", "m", 0, 0))).unwrap();

    let res = app.get("/shop/banner/list", &[("type", "index")]);
    assert_code(&res, 0);
    let titles: Vec<&str> =
        res["data"].as_array().unwrap().iter().map(|b| b["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["a", "b"]);
    let first = &res["data"][0];
    assert!(first["id"].is_i64() && first["linkType"].is_i64() && first["picUrl"].is_string());
    assert_eq!(app.get("/shop/banner/list", &[])["data"].as_array().unwrap().len(), 3);
    assert_code(&app.get("/shop/banner/list", &[("type", "nope")]), 700);
    assert_eq!(app.get("/shop/banner/types", &[])["data"], serde_json::json!(["index", "mall"]));

    // A cached answer is dropped by the next edit.
    let mut b = banner("index", "h", 0, 0);
    b.title = "shown now".into();
    block_on(site::save_banner(&app.db, &app.cache, Some(hidden), b)).unwrap();
    let res = app.get("/shop/banner/list", &[("type", "index")]);
    assert_eq!(res["data"][0]["title"], "shown now");
    assert!(block_on(site::delete_banner(&app.db, &app.cache, hidden)).unwrap());
    assert_eq!(app.get("/shop/banner/list", &[("type", "index")])["data"].as_array().unwrap().len(), 2);
}

#[test]
fn banner_edits_are_checked_before_anything_is_written() {
    let app = TestApp::new();
    let mut b = banner("index", "x", 0, 0);
    b.pic_url = String::new();
    assert!(block_on(site::save_banner(&app.db, &app.cache, None, b))
        .map_err(ApiError::from)
        .unwrap_err()
        .msg()
        .contains("picUrl"));
    let mut b = banner("index", "x", 0, 0);
    b.link_type = 1;
    assert!(block_on(site::save_banner(&app.db, &app.cache, None, b))
        .map_err(ApiError::from)
        .unwrap_err()
        .msg()
        .contains("appid"));
    let b = banner("index", &"长".repeat(101), 0, 0);
    assert!(block_on(site::save_banner(&app.db, &app.cache, None, b))
        .map_err(ApiError::from)
        .unwrap_err()
        .msg()
        .contains("title"));
    let missing = block_on(site::save_banner(&app.db, &app.cache, Some(999), banner("index", "x", 0, 0)));
    assert_eq!(missing.map_err(ApiError::from).unwrap_err().code(), 404);
    assert_eq!(app.query(|c| c.query_row("SELECT count(*) FROM banners", [], |r| r.get::<_, i64>(0))), 0);
}

#[test]
fn ad_positions_answer_by_key_and_in_batches() {
    let app = TestApp::new();
    assert_code(&app.get("/shop/site/adPosition/info", &[("key", "indexPop")]), 700);
    let ad = |key: &str, status| AdInput {
        key: key.into(),
        val: format!("https://img.example.com/{key}.png"),
        url: "/pages/coupons/index".into(),
        status,
        ..AdInput::default()
    };
    block_on(site::put_ad_position(&app.db, &app.cache, ad("indexPop", 0))).unwrap();
    block_on(site::put_ad_position(&app.db, &app.cache, ad("hiddenOne", 1))).unwrap();
    let res = app.get("/shop/site/adPosition/info", &[("key", "indexPop")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["val"], "https://img.example.com/indexPop.png");
    assert_eq!(res["data"]["url"], "/pages/coupons/index");
    assert_code(&app.get("/shop/site/adPosition/info", &[("key", "hiddenOne")]), 700);
    let res = app.get("/shop/site/adPosition/batch", &[("keys", "indexPop,hiddenOne,nope")]);
    assert_eq!(res["data"].as_array().unwrap().len(), 1);
}

#[test]
fn notices_list_newest_first_page_and_detail() {
    let app = TestApp::new();
    assert_code(&app.get("/shop/notice/last-one", &[]), 700);
    assert_code(&app.post("/shop/notice/list", &[]), 700);
    let mut ids = Vec::new();
    for i in 0..5 {
        let n = NoticeInput {
            kind: if i % 2 == 0 { "a".into() } else { "b".into() },
            title: format!("公告{i}"),
            content: format!("内容{i}"),
            is_show: i != 4,
        };
        ids.push(block_on(site::save_notice(&app.db, &app.cache, None, n)).unwrap());
    }
    let last = app.get("/shop/notice/last-one", &[]);
    assert_eq!(last["data"]["title"], "公告3");
    assert_eq!(app.get("/shop/notice/last-one", &[("type", "a")])["data"]["title"], "公告2");
    let page = app.post("/shop/notice/list", &[("page", "1"), ("pageSize", "3")]);
    assert_code(&page, 0);
    assert_eq!(page["data"]["totalRow"], 4);
    assert_eq!(page["data"]["totalPage"], 2);
    assert_eq!(page["data"]["dataList"].as_array().unwrap().len(), 3);
    assert_eq!(page["data"]["dataList"][0]["title"], "公告3");
    let page2 = app.post("/shop/notice/list", &[("page", "2"), ("pageSize", "3")]);
    assert_eq!(page2["data"]["dataList"].as_array().unwrap().len(), 1);
    assert_code(&app.post("/shop/notice/list", &[("page", "3"), ("pageSize", "3")]), 700);
    let detail = app.get("/shop/notice/detail", &[("id", &ids[1].to_string())]);
    assert_eq!(detail["data"]["content"], "内容1");
    assert_code(&app.get("/shop/notice/detail", &[("id", &ids[4].to_string())]), 404);
    assert_code(&app.get("/shop/notice/detail", &[("id", "424242")]), 404);
}

#[test]
fn friendly_links_are_listed_by_type() {
    let app = TestApp::new();
    assert_code(&app.post("/shop/friendly-partner/list", &[]), 700);
    let link = |kind: &str, title: &str| PartnerInput {
        kind: kind.into(),
        title: title.into(),
        link_url: "https://example.com".into(),
        ..PartnerInput::default()
    };
    block_on(site::save_partner(&app.db, &app.cache, None, link("", "甲"))).unwrap();
    block_on(site::save_partner(&app.db, &app.cache, None, link("bank", "乙"))).unwrap();
    assert_eq!(app.post("/shop/friendly-partner/list", &[])["data"].as_array().unwrap().len(), 2);
    let res = app.post("/shop/friendly-partner/list", &[("type", "bank")]);
    assert_eq!(res["data"][0]["title"], "乙");
}

#[test]
fn site_statistics_count_the_file_store_and_name_the_appid() {
    let app = TestApp::new();
    let res = app.get("/shop/site/statistics", &[]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["dfs"]["count"], 0);
    app.upload("/shop/dfs/upload/file", "upfile", "a.png", &tiny_png(), &[]);
    let res = app.get("/shop/site/statistics", &[]);
    assert_eq!(res["data"]["dfs"]["count"], 1);
    assert_eq!(res["data"]["dfs"]["capacity"], tiny_png().len() as i64);
    assert_eq!(res["data"]["wxAppid"], "");
    assert!(res["data"]["cmsArticle"]["numbers"].is_i64());
    assert!(res["data"]["dfs"]["capacityStr"].is_string());
}

#[test]
fn the_shop_is_found_by_its_appid_only() {
    let app = TestApp::new();
    assert_code(&app.get("/subdomain/appid/wxapp", &[("appid", "wx123")]), 700);
    app.write(|c| {
        xiaodian::db::settings::set_setting(c, "wechatAppid", "wx123")?;
        app.settings.reload(c)?;
        Ok::<_, Failed>(())
    });
    let res = app.get("/subdomain/appid/wxapp", &[("appid", "wx123")]);
    assert_code(&res, 0);
    assert_eq!(res["data"], "shop");
    assert_code(&app.get("/subdomain/appid/wxapp", &[("appid", "wx999")]), 700);
}

#[test]
fn regions_walk_from_province_to_district() {
    let app = TestApp::new();
    let provinces = app.get("/common/region/v2/province", &[]);
    assert_eq!(provinces["data"].as_array().unwrap().len(), 31);
    assert_eq!(app.get("/shop/region/province", &[])["data"], provinces["data"]);
    let cities = app.get("/common/region/v2/child", &[("pid", "440000")]);
    assert!(cities["data"].as_array().unwrap().iter().any(|c| c["name"] == "深圳市" && c["id"] == "440300"));
    let districts = app.get("/shop/region/child", &[("pid", "440300")]);
    assert!(districts["data"].as_array().unwrap().iter().any(|d| d["name"] == "南山区" && d["level"] == 3));
    assert_code(&app.get("/shop/region/child", &[("pid", "440305")]), 700);
}

#[test]
fn subdomain_changes_take_effect_at_once() {
    let app = TestApp::new();
    block_on(site::set_settings(&app.db, &app.settings, vec![("subDomain".into(), "newshop".into())]))
        .unwrap();
    assert_code(&app.get("/newshop/config/vipLevel", &[]), 0);
    assert_code(&app.get("/shop/config/vipLevel", &[]), 406);
    let bad =
        block_on(site::set_settings(&app.db, &app.settings, vec![("subDomain".into(), "admin".into())]));
    assert!(bad.map_err(ApiError::from).unwrap_err().msg().contains("subDomain"));
}

#[test]
fn demo_fills_an_empty_shop_once() {
    let app = TestApp::with(|c| c.demo = true);
    let res = app.get("/shop/banner/list", &[("type", "index")]);
    assert_eq!(res["data"].as_array().unwrap().len(), 3);
    let pic = res["data"][0]["picUrl"].as_str().unwrap().to_string();
    let path = pic.strip_prefix(&app.base).expect("demo pictures live in this shop's uploads");
    let (status, body) = app.get_raw(path, &[]);
    assert_eq!(status, 200);
    assert!(body.starts_with(b"\x89PNG"));
    assert_eq!(app.get("/shop/config/value", &[("key", "wxpay_api_url")])["data"], "/pay/wx/wxapp");
    assert_code(&app.get("/shop/notice/last-one", &[]), 0);
    assert!(!xiaodian::demo::fill_if_empty(&app.db, &app.cfg).unwrap(), "a second fill writes nothing");
}
