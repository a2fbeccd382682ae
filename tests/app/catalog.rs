//! The shop window's reads: categories, goods lists and search, the goods page and SKU prices,
//! against the demo catalogue and against goods made here through the catalogue service.

use serde_json::Value;
use xiaodian::db::catalog::{self, CategoryFields, GoodsFields};
use xiaodian::db::unix_now;
use xiaodian::service::catalog::{create_goods, NewGoods, NewSku, NewSpec};

use crate::support::*;

const CATEGORIES: &str = "/shop/shop/goods/category/all";
const CATEGORY: &str = "/shop/shop/goods/category/info";
const LIST: &str = "/shop/shop/goods/list";
const LIST_V2: &str = "/shop/shop/goods/list/v2";
const DETAIL: &str = "/shop/shop/goods/detail";
const PRICE: &str = "/shop/shop/goods/price";

fn add_category(app: &TestApp, f: CategoryFields) -> i64 {
    app.write(|c| catalog::insert_category(c, &f, unix_now()))
}

/// A T-shirt in 红/蓝 × M/L; every SKU 50.00 except 蓝 L at 60.00; stock 1–4; 250 g a piece.
fn tee(name: &str) -> NewGoods {
    let sku = |c: &str, s: &str, price, stores| NewSku {
        values: vec![c.into(), s.into()],
        price,
        original_price: 8000,
        stores,
        weight: 250,
        ..NewSku::default()
    };
    NewGoods {
        fields: GoodsFields { name: name.into(), ..GoodsFields::default() },
        specs: vec![
            NewSpec { name: "颜色".into(), values: vec!["红".into(), "蓝".into()] },
            NewSpec { name: "尺码".into(), values: vec!["M".into(), "L".into()] },
        ],
        skus: vec![
            sku("红", "M", 5000, 1),
            sku("红", "L", 5000, 2),
            sku("蓝", "M", 5000, 3),
            sku("蓝", "L", 6000, 4),
        ],
        ..NewGoods::default()
    }
}

fn names(res: &Value) -> Vec<String> {
    let list = if res["data"].is_array() { &res["data"] } else { &res["data"]["result"] };
    list.as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap().to_string()).collect()
}

fn v2(app: &TestApp, form: &[(&str, &str)]) -> Value {
    app.post(LIST_V2, form)
}

/// The first goods whose name contains `word`, as goodsv2 lists it.
fn listed(app: &TestApp, word: &str) -> Value {
    let res = v2(app, &[("nameLike", word)]);
    assert_code(&res, 0);
    res["data"]["result"][0].clone()
}

fn id_of(goods: &Value) -> String {
    goods["id"].as_i64().unwrap().to_string()
}

#[track_caller]
fn assert_names_param(res: &Value, param: &str) {
    assert_code(res, 300);
    assert!(res["msg"].as_str().unwrap().contains(param), "the message should name {param}: {res}");
}

#[test]
fn demo_categories_come_as_one_flat_list_with_the_fields_templates_read() {
    let app = TestApp::with(|c| c.demo = true);
    let res = app.get(CATEGORIES, &[]);
    assert_code(&res, 0);
    let list = res["data"].as_array().unwrap();
    assert!(list.len() >= 4, "{res}");
    for c in list {
        assert!(c["id"].is_i64() && c["pid"].is_i64() && c["level"].is_i64() && c["paixu"].is_i64(), "{c}");
        assert!(c["name"].is_string() && c["type"].is_string() && c["key"].is_string(), "{c}");
        assert_eq!(c["isUse"], true);
        assert!(c["icon"].as_str().unwrap().starts_with(&format!("{}/uploads/", app.base)), "{c}");
    }
    let teas = list.iter().find(|c| c["name"] == "茶叶").expect("茶叶 is a demo category");
    assert_eq!((teas["pid"].as_i64(), teas["level"].as_i64()), (Some(0), Some(1)));
    let children: Vec<&Value> = list.iter().filter(|c| c["pid"] == teas["id"]).collect();
    assert_eq!(children.len(), 2, "绿茶 and 红茶 sit under 茶叶");
    assert!(children.iter().all(|c| c["level"] == 2));
    let first_child = list.iter().position(|c| c["level"] == 2).unwrap();
    assert!(list[..first_child].iter().all(|c| c["level"] == 1), "parents come first");
}

#[test]
fn a_hidden_category_hides_its_subtree_and_the_detail_of_a_shown_one_has_ext_json() {
    let app = TestApp::new();
    assert_code(&app.get(CATEGORIES, &[]), 700);
    let hidden =
        add_category(&app, CategoryFields { name: "季节限定".into(), is_use: false, ..Default::default() });
    let under_hidden =
        add_category(&app, CategoryFields { pid: Some(hidden), name: "冬季".into(), ..Default::default() });
    let shown = add_category(
        &app,
        CategoryFields {
            name: "文具".into(),
            kind: "index".into(),
            ext_json: r#"{"banner":"b.png"}"#.into(),
            ..Default::default()
        },
    );

    let res = app.get(CATEGORIES, &[]);
    assert_code(&res, 0);
    assert_eq!(names(&res), vec!["文具"]);
    assert_eq!(res["data"][0]["type"], "index");

    let detail = app.get(CATEGORY, &[("id", &shown.to_string())]);
    assert_code(&detail, 0);
    assert_eq!(detail["data"]["info"]["name"], "文具");
    assert_eq!(detail["data"]["extJson"]["banner"], "b.png");
    for id in [hidden, under_hidden, 9999] {
        let res = app.get(CATEGORY, &[("id", &id.to_string())]);
        assert_code(&res, 404);
        assert!(res["msg"].as_str().unwrap().contains("分类"), "{res}");
    }
    assert_names_param(&app.get(CATEGORY, &[]), "id");
    assert_names_param(&app.get(CATEGORY, &[("id", "abc")]), "id");
}

#[test]
fn goodsv2_lists_on_shelf_demo_goods_with_numbers_where_templates_compute() {
    let app = TestApp::with(|c| c.demo = true);
    let res = v2(&app, &[("page", "1"), ("pageSize", "50")]);
    assert_code(&res, 0);
    let data = &res["data"];
    assert!(data["totalRow"].as_i64().unwrap() >= 8, "{res}");
    assert_eq!(data["totalPage"], 1);
    for g in data["result"].as_array().unwrap() {
        for field in ["minPrice", "originalPrice", "weight", "pingtuanPrice", "kanjiaPrice"] {
            assert!(g[field].is_number(), "{field} must be a number: {g}");
        }
        for field in [
            "id",
            "categoryId",
            "stores",
            "minScore",
            "minBuyNumber",
            "numberSells",
            "numberOrders",
            "status",
        ] {
            assert!(g[field].is_i64(), "{field} must be an integer: {g}");
        }
        assert_eq!(g["status"], 0);
        assert_eq!(g["statusStr"], "上架");
        assert!(g["pic"].as_str().unwrap().starts_with(&format!("{}/uploads/", app.base)), "{g}");
        assert!(
            g["propertyIds"].is_string() && g["hasAddition"].is_boolean() && g["limitation"].is_boolean(),
            "{g}"
        );
    }
    let shirt = listed(&app, "T 恤");
    assert!(
        shirt["propertyIds"].as_str().unwrap().starts_with(','),
        "goods with specs announce them: {shirt}"
    );
    assert_eq!(shirt["minPrice"], 69.0, "the cheapest SKU's price");
    let honey = listed(&app, "洋槐蜂蜜");
    assert_eq!(honey["propertyIds"], "");
    assert_eq!((honey["minPrice"].as_f64(), honey["originalPrice"].as_f64()), (Some(49.9), Some(69.0)));
    assert_eq!(honey["weight"], 0.6, "grams are answered as kilograms");
}

#[test]
fn a_category_filter_takes_in_its_subcategories() {
    let app = TestApp::with(|c| c.demo = true);
    let cats = app.get(CATEGORIES, &[])["data"].clone();
    let id =
        |name: &str| cats.as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()["id"].to_string();

    let mut teas = names(&v2(&app, &[("categoryId", &id("茶叶"))]));
    teas.sort();
    assert_eq!(teas, vec!["云南滇红功夫红茶 200g", "西湖龙井 明前特级绿茶"]);
    assert_eq!(names(&v2(&app, &[("categoryId", &id("绿茶"))])), vec!["西湖龙井 明前特级绿茶"]);
    assert_eq!(
        v2(&app, &[("categoryId", "0")])["data"]["totalRow"].as_i64(),
        Some(10), // the demo catalogue's 8 and its two calendar goods
        "0 means every category"
    );
    assert_code(&v2(&app, &[("categoryId", "99999")]), 700);
    assert_names_param(&v2(&app, &[("categoryId", "-1")]), "categoryId");
    assert_names_param(&v2(&app, &[("categoryId", "茶")]), "categoryId");
}

#[test]
fn pages_count_every_match_and_an_empty_page_answers_700() {
    let app = TestApp::new();
    assert_code(&v2(&app, &[]), 700);
    for i in 1..=5 {
        app.add_goods(plain(&format!("笔记本 {i}"), 1000 * i, 10));
    }
    let first = v2(&app, &[("page", "1"), ("pageSize", "2")]);
    assert_code(&first, 0);
    assert_eq!((first["data"]["totalRow"].as_i64(), first["data"]["totalPage"].as_i64()), (Some(5), Some(3)));
    assert_eq!(first["data"]["result"].as_array().unwrap().len(), 2);
    let last = v2(&app, &[("page", "3"), ("pageSize", "2")]);
    assert_eq!(last["data"]["result"].as_array().unwrap().len(), 1);
    assert_code(&v2(&app, &[("page", "4"), ("pageSize", "2")]), 700);
    // Templates ask for 10000 to mean "all": served, at most 500 a page.
    let all = v2(&app, &[("pageSize", "10000")]);
    assert_eq!(all["data"]["result"].as_array().unwrap().len(), 5);
    assert_eq!(all["data"]["totalPage"], 1);
    assert_names_param(&v2(&app, &[("page", "0")]), "page");
    assert_names_param(&v2(&app, &[("pageSize", "0")]), "pageSize");
    assert_names_param(&v2(&app, &[("pageSize", "x")]), "pageSize");
}

#[test]
fn lists_sort_by_price_sales_date_name_or_the_merchants_order() {
    let app = TestApp::new();
    let mut g = plain("乙 中价", 2000, 1);
    g.fields.paixu = 2;
    let mid = app.add_goods(g);
    let mut g = plain("甲 高价", 3000, 1);
    g.fields.paixu = 1;
    let high = app.add_goods(g);
    let mut g = plain("丙 低价", 1000, 1);
    g.fields.paixu = 3;
    let low = app.add_goods(g);
    // Sales come from orders; set them directly here.
    app.write(|c| {
        c.execute("UPDATE goods SET number_orders = 7 WHERE id = ?1", [low])?;
        c.execute("UPDATE goods SET number_orders = 3 WHERE id = ?1", [mid])?;
        Ok::<_, Failed>(())
    });
    let order = |by: &str| -> Vec<i64> {
        let res = v2(&app, &[("orderBy", by)]);
        assert_code(&res, 0);
        res["data"]["result"].as_array().unwrap().iter().map(|g| g["id"].as_i64().unwrap()).collect()
    };
    assert_eq!(order(""), vec![high, mid, low], "paixu, small first");
    assert_eq!(order("priceUp"), vec![low, mid, high]);
    assert_eq!(order("priceDown"), vec![high, mid, low]);
    assert_eq!(order("ordersDown"), vec![low, mid, high]);
    assert_eq!(order("ordersUp"), vec![high, mid, low]);
    assert_eq!(order("addedDown"), vec![low, high, mid]);
    assert_eq!(order("addedUp"), vec![mid, high, low]);
    assert_eq!(order("nameUp").len(), 3);
    assert_names_param(&v2(&app, &[("orderBy", "cheapest")]), "orderBy");
}

#[test]
fn chinese_names_are_found_by_substring_with_and_without_the_trigram_index() {
    let app = TestApp::with(|c| c.demo = true);
    // Two characters: below the trigram size, matched with LIKE.
    assert_eq!(names(&v2(&app, &[("nameLike", "蜂蜜")])), vec!["洋槐蜂蜜 500g 瓶装"]);
    // Three or more: answered from the trigram index.
    assert_eq!(names(&v2(&app, &[("nameLike", "槐蜂蜜")])), vec!["洋槐蜂蜜 500g 瓶装"]);
    assert_eq!(names(&v2(&app, &[("nameLike", "马克杯")])), vec!["手工粗陶马克杯 350ml"]);
    assert_eq!(names(&v2(&app, &[("nameLike", "西湖龙井")])), vec!["西湖龙井 明前特级绿茶"]);
    // Every word must match, long and short ones mixed.
    assert_eq!(names(&v2(&app, &[("nameLike", "龙井 绿茶")])), vec!["西湖龙井 明前特级绿茶"]);
    assert_code(&v2(&app, &[("nameLike", "龙井 红茶")]), 700);
    assert_code(&v2(&app, &[("nameLike", "咖啡豆")]), 700);
    // LIKE wildcards and FTS syntax are taken literally.
    assert_code(&v2(&app, &[("nameLike", "%")]), 700);
    assert_code(&v2(&app, &[("nameLike", "\"OR\" *")]), 700);
    // Latin letters ignore case.
    assert_eq!(names(&v2(&app, &[("nameLike", "350ML")])), vec!["手工粗陶马克杯 350ml"]);
    // k searches name, tags and the selling point; tagsLike only tags.
    assert_eq!(names(&v2(&app, &[("k", "秋冬")])), vec!["羊毛混纺格纹围巾"]);
    assert_eq!(names(&v2(&app, &[("k", "免洗即食")])), vec!["宁夏中宁枸杞 特级头茬"]);
    let mut dishes = names(&v2(&app, &[("tagsLike", "餐具")]));
    dishes.sort();
    assert_eq!(dishes, vec!["手工粗陶马克杯 350ml", "釉下彩陶瓷饭碗 4 只装"]);
    assert_names_param(&v2(&app, &[("nameLike", &"长".repeat(101))]), "nameLike");
}

#[test]
fn search_finds_exactly_the_matching_goods_among_many() {
    let app = TestApp::new();
    let words = ["枣花蜜", "荆条蜜", "椴树蜜", "百花蜜"];
    app.write(|c| {
        for i in 0..400 {
            let g = plain(&format!("{} 第{i}号", words[i % 4]), 100, 1);
            create_goods(c, &g, unix_now())?;
        }
        Ok::<_, Failed>(())
    });
    let res = v2(&app, &[("nameLike", "枣花蜜"), ("pageSize", "500")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["totalRow"], 100);
    assert!(names(&res).iter().all(|n| n.starts_with("枣花蜜")));
    assert_eq!(names(&v2(&app, &[("nameLike", "第17号")])), vec!["荆条蜜 第17号"]);
}

#[test]
fn recommend_and_marketing_flags_filter_the_list() {
    let app = TestApp::with(|c| c.demo = true);
    let mut picks = names(&v2(&app, &[("recommendStatus", "1")]));
    picks.sort();
    assert_eq!(picks, vec!["洋槐蜂蜜 500g 瓶装", "纯棉圆领短袖 T 恤", "西湖龙井 明前特级绿茶"]);
    assert_names_param(&v2(&app, &[("recommendStatus", "2")]), "recommendStatus");
    assert_code(&v2(&app, &[("miaosha", "true")]), 700);
    let mut flash = plain("秒杀 保温杯", 2900, 5);
    flash.fields.miaosha = true;
    app.add_goods(flash);
    assert_eq!(names(&v2(&app, &[("miaosha", "true")])), vec!["秒杀 保温杯"]);
    assert_eq!(v2(&app, &[("miaosha", "false")])["data"]["totalRow"], 11, "false does not filter");
    assert_names_param(&v2(&app, &[("kanjia", "maybe")]), "kanjia");
    let cheap = names(&v2(&app, &[("priceMin", "30"), ("priceMax", "50")]));
    assert_eq!(cheap.len(), 3, "枸杞 35, 马克杯 39, 蜂蜜 49.9: {cheap:?}");
    assert_names_param(&v2(&app, &[("priceMin", "-1")]), "priceMin");
    assert_code(&v2(&app, &[("shopId", "3")]), 700);
    assert_eq!(v2(&app, &[("shopId", "0")])["data"]["totalRow"], 11);
    assert_names_param(&v2(&app, &[("shopId", "a,b")]), "shopId");
}

#[test]
fn the_v1_list_answers_a_bare_array() {
    let app = TestApp::with(|c| c.demo = true);
    let res = app.post(LIST, &[("categoryId", ""), ("page", "1"), ("pageSize", "100000")]);
    assert_code(&res, 0);
    assert_eq!(res["data"].as_array().unwrap().len(), 10, "8 demo goods and 2 demo calendar goods");
    assert!(res["data"][0]["minPrice"].is_number());
    assert_code(&app.post(LIST, &[("nameLike", "不存在的商品")]), 700);
}

#[test]
fn off_shelf_goods_leave_the_lists_and_their_page_says_so() {
    let app = TestApp::new();
    let kept = app.goods().name("台灯").price(9900).stock(3).create();
    let gone = app.goods().name("落地灯").price(19900).stock(3).create();
    app.write(|c| catalog::set_goods_status(c, gone, 1, unix_now()));

    assert_eq!(names(&v2(&app, &[])), vec!["台灯"]);
    assert_code(&v2(&app, &[("nameLike", "落地灯")]), 700);
    assert_code(&app.get(DETAIL, &[("id", &kept.to_string())]), 0);
    for res in
        [app.get(DETAIL, &[("id", &gone.to_string())]), app.post(PRICE, &[("goodsId", &gone.to_string())])]
    {
        assert_code(&res, 404);
        assert_eq!(res["msg"], "商品已下架");
    }
    for res in [app.get(DETAIL, &[("id", "424242")]), app.post(PRICE, &[("goodsId", "424242")])] {
        assert_code(&res, 404);
        assert_eq!(res["msg"], "商品不存在");
    }
    assert_names_param(&app.get(DETAIL, &[]), "id");
    assert_names_param(&app.get(DETAIL, &[("id", "one")]), "id");
}

#[test]
fn the_page_of_goods_with_specs_has_properties_values_and_every_sku() {
    let app = TestApp::with(|c| c.demo = true);
    let res = app.get(DETAIL, &[("id", &id_of(&listed(&app, "T 恤")))]);
    assert_code(&res, 0);
    let d = &res["data"];
    let info = &d["basicInfo"];
    assert_eq!(info["name"], "纯棉圆领短袖 T 恤");
    assert!(info["minPrice"].is_number() && info["stores"].is_i64() && info["minBuyNumber"] == 1, "{info}");
    assert_eq!(info["weight"], 0.22);

    let props = d["properties"].as_array().unwrap();
    assert_eq!(props.iter().map(|p| p["name"].as_str().unwrap()).collect::<Vec<_>>(), vec!["颜色", "尺码"]);
    assert_eq!(props[0]["childsCurGoods"].as_array().unwrap().len(), 3);
    assert_eq!(props[1]["childsCurGoods"].as_array().unwrap().len(), 4);
    for p in props {
        for v in p["childsCurGoods"].as_array().unwrap() {
            assert_eq!(v["propertyId"], p["id"], "each value names its spec: {v}");
            assert!(v["id"].is_i64() && v["name"].is_string());
        }
    }
    let skus = d["skuList"].as_array().unwrap();
    assert_eq!(skus.len(), 12, "the full colour × size matrix");
    let stock: i64 = skus.iter().map(|s| s["stores"].as_i64().unwrap()).sum();
    assert_eq!(info["stores"].as_i64(), Some(stock), "the goods' stock is its SKUs' stock");
    for s in skus {
        let key = s["propertyChildIds"].as_str().unwrap();
        let pids: Vec<i64> = key
            .trim_end_matches(',')
            .split(',')
            .map(|p| p.split(':').next().unwrap().parse().unwrap())
            .collect();
        assert!(
            key.ends_with(',') && pids.len() == 2 && pids[0] < pids[1],
            "pairs sorted by property: {key}"
        );
        assert!(s["price"].is_number() && s["stores"].is_i64(), "{s}");
        assert!(s["propertyChildNames"].as_str().unwrap().starts_with("颜色:"), "{s}");
    }
    assert!(d["pics"].as_array().unwrap().len() >= 2);
    assert!(d["pics"][0]["pic"].as_str().unwrap().starts_with(&app.base));
    let content = d["content"].as_str().unwrap();
    assert!(
        content.contains(&format!("src=\"{}/uploads/", app.base)),
        "pictures in the content are absolute: {content}"
    );
    assert_eq!(d["category"]["name"], "服饰");
    assert!(d["extJson"].is_object());
}

#[test]
fn the_page_of_goods_without_specs_has_no_properties_at_all() {
    let app = TestApp::new();
    let mut g = plain("帆布袋", 2500, 9);
    g.fields.ext_json = r#"{"产地":"义乌"}"#.into();
    g.pics = vec!["https://img.example.com/bag.png".into()];
    let id = app.add_goods(g);
    let res = app.get(DETAIL, &[("id", &id.to_string())]);
    assert_code(&res, 0);
    let d = res["data"].as_object().unwrap();
    // Templates test `if (data.properties)`: an empty array would demand a spec that does not exist.
    assert!(!d.contains_key("properties") && !d.contains_key("skuList"), "{res}");
    assert!(!d.contains_key("category"), "no category, no object: {res}");
    assert_eq!(d["extJson"]["产地"], "义乌");
    assert_eq!(d["pics"][0]["pic"], "https://img.example.com/bag.png", "links elsewhere stay as they are");
    assert_eq!(d["basicInfo"]["minPrice"], 25.0);
}

#[test]
fn a_sku_price_is_found_whatever_the_order_of_its_pairs() {
    let app = TestApp::new();
    let id = app.add_goods(tee("T 恤")).to_string();
    let page = app.get(DETAIL, &[("id", &id)]);
    let props = page["data"]["properties"].as_array().unwrap().clone();
    let value = |p: usize, name: &str| -> String {
        let v = props[p]["childsCurGoods"].as_array().unwrap().iter().find(|v| v["name"] == name).unwrap();
        format!("{}:{}", props[p]["id"], v["id"])
    };
    let (blue, large, red) = (value(0, "蓝"), value(1, "L"), value(0, "红"));

    // The template builds the key in the order the specs are shown, with a trailing comma.
    let shown_order = app.post(PRICE, &[("goodsId", &id), ("propertyChildIds", &format!("{blue},{large},"))]);
    assert_code(&shown_order, 0);
    let reversed = app.post(PRICE, &[("goodsId", &id), ("propertyChildIds", &format!("{large},{blue}"))]);
    assert_eq!(shown_order["data"], reversed["data"]);
    let d = &shown_order["data"];
    assert_eq!(
        (d["price"].as_f64(), d["originalPrice"].as_f64()),
        (Some(60.0), Some(80.0)),
        "蓝 L costs more"
    );
    assert_eq!((d["stores"].as_i64(), d["score"].as_i64()), (Some(4), Some(0)));
    assert_eq!(d["pingtuanPrice"], 0.0);
    assert_eq!(d["weight"], 0.25);
    assert_eq!(d["propertyChildIds"], format!("{blue},{large},"));
    assert_eq!(d["propertyChildNames"], "颜色:蓝,尺码:L,");
    let red_large = app.post(PRICE, &[("goodsId", &id), ("propertyChildIds", &format!("{red},{large}"))]);
    assert_eq!(red_large["data"]["price"], 50.0, "the spec chosen changes the price");

    // A value of another goods, half a choice, nonsense, or no choice at all: refused by name.
    let other = app.add_goods(tee("另一件 T 恤")).to_string();
    let other_page = app.get(DETAIL, &[("id", &other)]);
    let foreign = format!(
        "{}:{},{large}",
        other_page["data"]["properties"][0]["id"],
        other_page["data"]["properties"][0]["childsCurGoods"][0]["id"]
    );
    for key in [foreign.as_str(), blue.as_str(), "1:2:3", "颜色:蓝", ""] {
        let res = app.post(PRICE, &[("goodsId", &id), ("propertyChildIds", key)]);
        assert_names_param(&res, "propertyChildIds");
    }
    assert_names_param(&app.post(PRICE, &[("propertyChildIds", &blue)]), "goodsId");
}

#[test]
fn goods_without_specs_answer_their_own_price() {
    let app = TestApp::new();
    let id = app.goods().name("保温杯").price(8900).stock(6).create().to_string();
    let res = app.post(PRICE, &[("goodsId", &id), ("propertyChildIds", "")]);
    assert_code(&res, 0);
    assert_eq!((res["data"]["price"].as_f64(), res["data"]["stores"].as_i64()), (Some(89.0), Some(6)));
    assert_names_param(
        &app.post(PRICE, &[("goodsId", &id), ("propertyChildIds", "1:1")]),
        "propertyChildIds",
    );
}

#[test]
fn a_sold_out_demo_sku_answers_no_stock() {
    let app = TestApp::with(|c| c.demo = true);
    let mug = app.get(DETAIL, &[("id", &id_of(&listed(&app, "马克杯")))]);
    let sold_out =
        mug["data"]["skuList"].as_array().unwrap().iter().find(|s| s["stores"] == 0).unwrap().clone();
    let res = app.post(
        PRICE,
        &[
            ("goodsId", &mug["data"]["basicInfo"]["id"].to_string()),
            ("propertyChildIds", sold_out["propertyChildIds"].as_str().unwrap()),
        ],
    );
    assert_code(&res, 0);
    assert_eq!(res["data"]["stores"], 0);
    assert_eq!(res["data"]["propertyChildNames"], "颜色:雾蓝,");
}
