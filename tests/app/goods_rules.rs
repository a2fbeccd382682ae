//! Purchase limits, price tiers and add-ons: set through the merchant API, read by the shop
//! (goodsLimitations, goodsPriceMultilevels, goodsAddition, basicInfo flags) and applied by the
//! services checkout calls; refusals name the field and write nothing.

use serde_json::{json, Value};
use xiaodian::error::ApiError;
use xiaodian::service::{additions, limits, tiers};

use crate::support::*;

const LIMITATION: &str = "/shop/shop/goods/limitation";
const TIERS: &str = "/shop/shop/goods/priceMultilevels";
const ADDITION: &str = "/shop/shop/goods/goodsAddition";
const DETAIL: &str = "/shop/shop/goods/detail";
const LIST_V2: &str = "/shop/shop/goods/list/v2";

/// A tee in 白/黑 (50 元); answers (goods id, the 黑 SKU's key, its id).
fn tee(app: &TestApp) -> (i64, String, i64) {
    let body = json!({
        "name": "T恤", "minPrice": 50,
        "properties": [{"name": "颜色", "values": ["白", "黑"]}],
        "skuList": [{"values": ["白"], "price": 50, "stores": 9}, {"values": ["黑"], "price": 60, "stores": 9}]
    });
    let (status, g) = app.api("POST", "/goods", Some(&body));
    assert_eq!(status, 201, "{g}");
    let black = &g["skuList"][1];
    (
        g["id"].as_i64().unwrap(),
        black["propertyChildIds"].as_str().unwrap().to_string(),
        black["id"].as_i64().unwrap(),
    )
}

fn noodles(app: &TestApp) -> i64 {
    let (status, g) =
        app.api("POST", "/goods", Some(&json!({"name": "牛肉面", "minPrice": 18, "stores": 99})));
    assert_eq!(status, 201, "{g}");
    g["id"].as_i64().unwrap()
}

fn put(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    app.api("PUT", path, Some(&body))
}

#[test]
fn limits_round_trip_and_the_shop_answers_them_per_sku() {
    let app = TestApp::with_key("freight-key-123");
    let (id, black, black_id) = tee(&app);
    let res = app.get(LIMITATION, &[("goodsId", &id.to_string())]);
    assert_code(&res, 700);
    let (status, body) = put(
        &app,
        &format!("/goods/{id}/limits"),
        json!({"items": [
            {"unit": 4, "buyNumbers": 2},
            {"propertyChildIds": black, "unit": 0, "duration": 3, "buyNumbers": 5}
        ]}),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"][1]["propertyChildIds"], black.as_str());
    let all = app.get(LIMITATION, &[("goodsId", &id.to_string())]);
    assert_code(&all, 0);
    assert_eq!(all["data"].as_array().unwrap().len(), 2);
    assert_eq!(all["data"][0]["unitStr"], "每单");
    assert_eq!(all["data"][0]["priceId"], 0);
    assert_eq!(all["data"][1]["priceId"], black_id);
    assert_eq!(all["data"][1]["unitStr"], "自然日");
    assert_eq!(all["data"][1]["duration"], 3);
    assert_eq!(all["data"][1]["userLevelName"], "所有用户");
    // goodsLimitationsV2 by key: the SKU's rule and the whole goods'.
    let by_key = app.get(LIMITATION, &[("goodsId", &id.to_string()), ("propertyChildIds", &black)]);
    assert_eq!(by_key["data"].as_array().unwrap().len(), 2);
    let by_price = app.get(LIMITATION, &[("goodsId", &id.to_string()), ("priceId", &black_id.to_string())]);
    assert_eq!(by_price["data"].as_array().unwrap().len(), 2);
    let res = app.get(DETAIL, &[("id", &id.to_string())]);
    assert_eq!(res["data"]["basicInfo"]["limitation"], true);
    let list = app.post(LIST_V2, &[("nameLike", "T恤")]);
    assert_eq!(list["data"]["result"][0]["limitation"], true);
    // The service checkout calls: goods-wide rules only without a key.
    let rules = app.query(move |c| limits::rules(c, id, None));
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].buy_numbers, 2);
    let key = black.clone();
    let rules = app.query(move |c| limits::rules(c, id, Some(&key)));
    assert_eq!(rules.len(), 2);
    assert!(rules[1].window_start(xiaodian::db::unix_now()).is_some());
}

#[test]
fn bad_limits_are_refused_naming_the_field_and_keep_the_old_ones() {
    let app = TestApp::with_key("freight-key-123");
    let (id, _, black_id) = tee(&app);
    let path = format!("/goods/{id}/limits");
    put(&app, &path, json!({"items": [{"unit": 4, "buyNumbers": 2}]}));
    for (item, field) in [
        (json!({"unit": 9, "buyNumbers": 1}), "unit"),
        (json!({"unit": 0, "buyNumbers": 0}), "buyNumbers"),
        (json!({"unit": 0, "buyNumbers": 1, "duration": 0}), "duration"),
        (json!({"unit": 0, "buyNumbers": 1, "propertyChildIds": "1:999,"}), "propertyChildIds"),
        (json!({"unit": 0, "buyNumbers": 1, "userLevelId": 999}), "userLevelId"),
    ] {
        let (status, body) = put(&app, &path, json!({"items": [item]}));
        assert_eq!((status, body["field"].as_str()), (422, Some(field)), "{body}");
    }
    let (_, now) = app.api("GET", &path, None);
    assert_eq!(
        now["items"],
        json!([{"propertyChildIds": "", "userLevelId": 0, "unit": 4, "duration": 1, "buyNumbers": 2}])
    );
    let res =
        app.get(LIMITATION, &[("goodsId", &id.to_string()), ("priceId", &(black_id + 100).to_string())]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("priceId"));
    let res = app.get(LIMITATION, &[("goodsId", "9999")]);
    assert_code(&res, 404);
    let (status, _) = put(&app, "/goods/9999/limits", json!({"items": []}));
    assert_eq!(status, 404);
}

#[test]
fn tiers_lower_the_unit_price_by_quantity_and_sku_tiers_win() {
    let app = TestApp::with_key("freight-key-123");
    let (id, black, _) = tee(&app);
    let (status, body) = put(
        &app,
        &format!("/goods/{id}/tiers"),
        json!({"items": [
            {"number": 3, "price": 45}, {"number": 10, "price": 40},
            {"propertyChildIds": black, "number": 5, "price": 55}
        ]}),
    );
    assert_eq!(status, 200, "{body}");
    let res = app.get(TIERS, &[("goodsId", &id.to_string())]);
    assert_code(&res, 0);
    assert_eq!(res["data"][0]["number"], 3);
    assert_eq!(res["data"][0]["price"], 45.0);
    let res = app.get(TIERS, &[("goodsId", &id.to_string()), ("propertyChildIds", &black)]);
    assert_eq!(res["data"].as_array().unwrap().len(), 1);
    assert_eq!(res["data"][0]["price"], 55.0);
    let page = app.get(DETAIL, &[("id", &id.to_string())]);
    assert_eq!(page["data"]["basicInfo"]["priceMultilevels"][1]["number"], 10);
    assert_eq!(page["data"]["priceMultilevels"][1]["price"], 40.0);
    let price = |key: Option<&str>, n: i64, base: i64| {
        let key = key.map(str::to_string);
        app.query(move |c| tiers::unit_price(c, id, key.as_deref(), n, base))
    };
    assert_eq!(price(None, 2, 5000), 5000);
    assert_eq!(price(None, 3, 5000), 4500);
    assert_eq!(price(None, 12, 5000), 4000);
    assert_eq!(price(Some(&black), 4, 6000), 6000);
    assert_eq!(price(Some(&black), 12, 6000), 5500);
    // A tier never raises a price.
    assert_eq!(price(None, 3, 4200), 4200);
    let e = app.db.read_sync(move |c| tiers::unit_price(c, id, Some("1:999,"), 1, 1)).unwrap_err();
    let e = xiaodian::error::ApiError::from(e);
    assert!(e.msg().contains("propertyChildIds"));
    let (status, body) = put(
        &app,
        &format!("/goods/{id}/tiers"),
        json!({"items": [{"number": 3, "price": 1}, {"number": 3, "price": 2}]}),
    );
    assert_eq!((status, body["field"].as_str()), (422, Some("number")), "{body}");
    let (status, body) =
        put(&app, &format!("/goods/{id}/tiers"), json!({"items": [{"number": 1, "price": 1}]}));
    assert_eq!((status, body["field"].as_str()), (422, Some("number")), "{body}");
    let res = app.get(TIERS, &[("goodsId", &id.to_string())]);
    assert_eq!(res["data"].as_array().unwrap().len(), 2, "the refused writes changed nothing");
    let plain = noodles(&app);
    assert_code(&app.get(TIERS, &[("goodsId", &plain.to_string())]), 700);
}

fn menu() -> Value {
    json!({"groups": [
        {"name": "口味", "required": true, "items": [{"name": "不辣"}, {"name": "微辣"}]},
        {"name": "加料", "multiple": true, "items": [{"name": "鸡蛋", "price": 2}, {"name": "牛肉", "price": 8}]}
    ]})
}

#[test]
fn additions_are_listed_and_a_choice_is_priced_and_labelled() {
    let app = TestApp::with_key("freight-key-123");
    let id = noodles(&app);
    assert_code(&app.get(ADDITION, &[("goodsId", &id.to_string())]), 700);
    let (status, body) = put(&app, &format!("/goods/{id}/additions"), menu());
    assert_eq!(status, 200, "{body}");
    let res = app.get(ADDITION, &[("goodsId", &id.to_string())]);
    assert_code(&res, 0);
    let groups = res["data"].as_array().unwrap();
    assert_eq!(
        (groups[0]["name"].clone(), groups[0]["required"].clone(), groups[0]["type"].clone()),
        (json!("口味"), json!(true), json!(0))
    );
    assert_eq!(groups[1]["type"], 1);
    assert_eq!(groups[1]["items"][1]["price"], 8.0);
    assert_eq!(groups[1]["items"][1]["pid"], groups[1]["id"]);
    let page = app.get(DETAIL, &[("id", &id.to_string())]);
    assert_eq!(page["data"]["basicInfo"]["hasAddition"], true);
    let (spicy, g1) = (groups[0]["items"][1]["id"].as_i64().unwrap(), groups[0]["id"].as_i64().unwrap());
    let (egg, beef, g2) = (
        groups[1]["items"][0]["id"].as_i64().unwrap(),
        groups[1]["items"][1]["id"].as_i64().unwrap(),
        groups[1]["id"].as_i64().unwrap(),
    );
    let chosen =
        format!(r#"[{{"id":{beef},"pid":{g2}}},{{"id":"{egg}","pid":"{g2}"}},{{"id":{spicy},"pid":{g1}}}]"#);
    let pick = app.query(move |c| additions::pick(c, id, &chosen));
    assert_eq!(pick.extra, 1000);
    assert_eq!(pick.label, "口味:微辣，加料:鸡蛋、牛肉");
    assert_eq!(
        pick.json,
        format!(r#"[{{"id":{spicy},"pid":{g1}}},{{"id":{egg},"pid":{g2}}},{{"id":{beef},"pid":{g2}}}]"#)
    );
    // Saving again by the same names keeps the ids carts hold.
    put(&app, &format!("/goods/{id}/additions"), menu());
    let again = app.get(ADDITION, &[("goodsId", &id.to_string())]);
    assert_eq!(again["data"][0]["items"][1]["id"], spicy);
}

#[test]
fn a_bad_choice_of_additions_is_refused_naming_the_parameter() {
    let app = TestApp::with_key("freight-key-123");
    let id = noodles(&app);
    let other = noodles(&app);
    put(&app, &format!("/goods/{id}/additions"), menu());
    put(&app, &format!("/goods/{other}/additions"), menu());
    let groups = app.get(ADDITION, &[("goodsId", &id.to_string())])["data"].clone();
    let theirs = app.get(ADDITION, &[("goodsId", &other.to_string())])["data"].clone();
    let item = |g: &Value, gi: usize, ii: usize| {
        format!(r#"{{"id":{},"pid":{}}}"#, g[gi]["items"][ii]["id"], g[gi]["id"])
    };
    let mild = item(&groups, 0, 0);
    let cases = [
        ("[]".to_string(), "请选择口味"),
        (format!("[{}]", item(&theirs, 0, 0)), "不属于"),
        (format!("[{mild},{}]", item(&groups, 0, 1)), "只能选一项"),
        ("{\"id\":1}".to_string(), "JSON"),
        (format!(r#"[{{"id":{},"pid":{}}}]"#, groups[0]["items"][0]["id"], groups[1]["id"]), "不属于"),
    ];
    for (json, why) in cases {
        let e = ApiError::from(app.db.read_sync(move |c| additions::pick(c, id, &json)).unwrap_err());
        assert_eq!(e.code(), 300);
        assert!(e.msg().contains("addition") && e.msg().contains(why), "{}", e.msg());
    }
    let ok = app.query(move |c| additions::pick(c, id, &format!("[{mild}]")));
    assert_eq!((ok.extra, ok.label.as_str()), (0, "口味:不辣"));
    let none = app.query(move |c| additions::pick(c, other + 1000, ""));
    assert_eq!(none.json, "[]");
    let (status, body) =
        put(&app, &format!("/goods/{id}/additions"), json!({"groups": [{"name": "口味", "items": []}]}));
    assert_eq!((status, body["field"].as_str()), (422, Some("items")), "{body}");
    let (status, body) = put(
        &app,
        &format!("/goods/{id}/additions"),
        json!({"groups": [{"name": "口味", "items": [{"name": "a"}]}, {"name": "口味", "items": [{"name": "b"}]}]}),
    );
    assert_eq!((status, body["field"].as_str()), (422, Some("groups")), "{body}");
    assert_eq!(app.get(ADDITION, &[("goodsId", &id.to_string())])["data"], groups);
}

#[test]
fn rules_of_goods_off_the_shelf_are_not_shown() {
    let app = TestApp::with_key("freight-key-123");
    let id = noodles(&app);
    put(&app, &format!("/goods/{id}/additions"), menu());
    let (status, _) = app.api("POST", &format!("/goods/{id}/off-shelf"), None);
    assert_eq!(status, 200);
    let res = app.get(ADDITION, &[("goodsId", &id.to_string())]);
    assert_code(&res, 404);
    assert!(res["msg"].as_str().unwrap().contains("下架"));
}

#[test]
fn the_demo_shop_has_freight_tiers_addons_and_a_limit_to_show() {
    let app = TestApp::with(|c| c.demo = true);
    let find = |word: &str| {
        let res = app.post(LIST_V2, &[("nameLike", word)]);
        assert_code(&res, 0);
        res["data"]["result"][0].clone()
    };
    let tea = find("龙井");
    assert_eq!(tea["limitation"], true);
    assert_ne!(tea["logisticsId"], 0);
    let mug = find("马克杯");
    assert_eq!(mug["hasAddition"], true);
    let honey = find("蜂蜜");
    let page = app.get(DETAIL, &[("id", &honey["id"].to_string())]);
    assert_eq!(page["data"]["basicInfo"]["priceMultilevels"][0]["number"], 3);
    assert_eq!(page["data"]["logistics"]["freeRules"][0]["minAmount"], 99.0);
    let scarf = find("围巾");
    let page = app.get(DETAIL, &[("id", &scarf["id"].to_string())]);
    assert_eq!(page["data"]["logistics"]["isFree"], true);
}
