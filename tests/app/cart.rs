//! The shopping cart: adding (specs required, stock respected), the totals the templates read,
//! editing, selecting and removing lines, separate carts per `type`.

use serde_json::Value;

use crate::support::*;

const INFO: &str = "/shop/shopping-cart/info";
const ADD: &str = "/shop/shopping-cart/add";
const MODIFY: &str = "/shop/shopping-cart/modifyNumber";
const REMOVE: &str = "/shop/shopping-cart/remove";
const SELECT: &str = "/shop/shopping-cart/select";
const EMPTY: &str = "/shop/shopping-cart/empty";

fn info(app: &TestApp, token: &str) -> Value {
    app.get(INFO, &[("token", token)])
}

#[test]
fn a_cart_adds_sums_edits_selects_and_empties_with_the_totals_templates_read() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    let tea = app.goods().name("龙井茶").price(1990).stock(10).create().to_string();
    let cup = app.goods().name("茶杯").price(500).stock(10).create().to_string();
    assert_code(&info(&app, &token), 700);

    assert_code(&app.post(ADD, &[("token", &token), ("goodsId", &tea), ("number", "2")]), 0);
    assert_code(&app.post(ADD, &[("token", &token), ("goodsId", &tea), ("number", "1")]), 0);
    let res = app.post(ADD, &[("token", &token), ("goodsId", &cup), ("number", "1")]);
    assert_code(&res, 0);
    let cart = &res["data"];
    assert_eq!(cart["number"], 4);
    assert_eq!(cart["price"], 64.7);
    assert_eq!(cart["items"].as_array().unwrap().len(), 2);
    let first = &cart["items"][0];
    assert_eq!(first["goodsId"].as_i64().unwrap().to_string(), tea);
    assert_eq!(first["number"], 3);
    assert_eq!(first["price"], 19.9);
    assert_eq!(first["stores"], 10);
    assert_eq!(first["status"], 0);
    assert_eq!(first["selected"], true);
    assert_eq!(first["name"], "龙井茶");
    assert_eq!(cart["shopList"][0]["id"], 0);
    let tea_key = first["key"].as_str().unwrap().to_string();
    let cup_key = cart["items"][1]["key"].as_str().unwrap().to_string();

    let res = app.post(MODIFY, &[("token", &token), ("key", &tea_key), ("number", "1")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["price"], 24.9);

    let res = app.post(SELECT, &[("token", &token), ("key", &cup_key), ("selected", "false")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["price"], 19.9);
    assert_eq!(res["data"]["number"], 2, "number counts every unit, selected or not");

    let res = app.post(REMOVE, &[("token", &token), ("key", &format!("{tea_key},nope"))]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["items"].as_array().unwrap().len(), 1);

    assert_code(&app.post(EMPTY, &[("token", &token)]), 0);
    assert_code(&info(&app, &token), 700);
}

#[test]
fn goods_with_specs_need_a_spec_and_the_chosen_values_are_named() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    let shirt = app.add_goods(tee("T恤"));
    let id = shirt.to_string();
    let res = app.post(ADD, &[("token", &token), ("goodsId", &id), ("number", "1")]);
    assert_code(&res, 30002);
    assert!(res["msg"].as_str().unwrap().contains("规格"));

    let (color, size) = app.spec_ids(shirt, "蓝", "L");
    let sku = format!(
        r#"[{{"optionId":{},"optionValueId":{}}},{{"optionId":{},"optionValueId":{}}}]"#,
        size.0, size.1, color.0, color.1
    );
    let res = app.post(ADD, &[("token", &token), ("goodsId", &id), ("number", "2"), ("sku", &sku)]);
    assert_code(&res, 0);
    let item = &res["data"]["items"][0];
    assert_eq!(item["price"], 60.0);
    assert_eq!(item["stores"], 4);
    let names: Vec<&str> =
        item["sku"].as_array().unwrap().iter().map(|s| s["optionValueName"].as_str().unwrap()).collect();
    assert_eq!(names, ["蓝", "L"]);
    assert_eq!(item["sku"][0]["optionName"], "颜色");

    let res = app.post(ADD, &[("token", &token), ("goodsId", &id), ("number", "3"), ("sku", &sku)]);
    assert_code(&res, 30003);
    assert!(res["msg"].as_str().unwrap().contains("库存不足"), "{res}");
    let res = app.post(ADD, &[("token", &token), ("goodsId", &id), ("sku", "not json")]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("sku"));
}

#[test]
fn carts_are_per_shopper_and_per_type_and_need_a_login() {
    let app = TestApp::new();
    let (_, alice) = app.shopper("alice");
    let (_, bob) = app.shopper("bob");
    let tea = app.goods().name("龙井茶").price(1990).stock(10).create().to_string();
    assert_code(&app.post(ADD, &[("goodsId", &tea), ("number", "1")]), 2000);
    assert_code(&app.post(ADD, &[("token", &alice), ("goodsId", &tea), ("number", "1"), ("type", "vop")]), 0);
    assert_code(&info(&app, &alice), 700);
    assert_code(&info(&app, &bob), 700);
    let res = app.get(INFO, &[("token", &alice), ("type", "vop")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["number"], 1);
    let key = res["data"]["items"][0]["key"].as_str().unwrap().to_string();
    assert_code(&app.post(MODIFY, &[("token", &bob), ("key", &key), ("number", "5")]), 404);
    assert_code(
        &app.post(MODIFY, &[("token", &alice), ("key", &key), ("number", "0"), ("type", "vop")]),
        300,
    );
}

#[test]
fn a_line_whose_goods_left_the_shelf_stays_as_invalid() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    let tea = app.goods().name("龙井茶").price(1990).stock(10).create();
    assert_code(&app.post(ADD, &[("token", &token), ("goodsId", &tea.to_string()), ("number", "1")]), 0);
    app.set_shelf(tea, false);
    let res = info(&app, &token);
    assert_code(&res, 0);
    assert_eq!(res["data"]["items"][0]["status"], 1);
    assert_eq!(res["data"]["price"], 0.0);
}
