//! Parameters as apifm's Java backend reads them, in every section: numbers and booleans as text,
//! empty optionals as absent, numbers as strings inside JSON-in-a-string parameters — and still a
//! 300 naming the parameter for text that is not a number, a fraction for an id, a negative count
//! or a value too large. Then the module table: a method of a module the shop does not serve
//! answers 501 naming it, a typo stays the unknown path.

use serde_json::Value;

use crate::support::*;

fn refused_naming(res: &Value, name: &str) {
    assert_code(res, 300);
    assert!(res["msg"].as_str().unwrap().contains(name), "{name}: {res}");
}

#[test]
fn the_cart_takes_the_spec_ids_a_page_sends_as_strings() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    let shirt = app.add_goods(tee("T恤"));
    let id = shirt.to_string();
    let (color, size) = app.spec_ids(shirt, "蓝", "L");
    // What a page builds from propertyChildIds "1:2,": every id a string.
    let sku = format!(
        r#"[{{"optionId":"{}","optionValueId":"{}"}},{{"optionId":"{}","optionValueId":" {} "}}]"#,
        size.0, size.1, color.0, color.1
    );
    let res = app.post(
        "/shop/shopping-cart/add",
        &[("token", &token), ("goodsId", &id), ("number", " 2 "), ("sku", &sku)],
    );
    assert_code(&res, 0);
    assert_eq!(res["data"]["items"][0]["number"], 2);

    for bad in [r#"[{"optionId":"abc","optionValueId":"1"}]"#, r#"[{"optionId":"1.5","optionValueId":"1"}]"#]
    {
        refused_naming(
            &app.post("/shop/shopping-cart/add", &[("token", &token), ("goodsId", &id), ("sku", bad)]),
            "sku",
        );
    }
    for number in ["abc", "1.5", "-1", "99999999999999999999"] {
        let res = app.post(
            "/shop/shopping-cart/add",
            &[("token", &token), ("goodsId", &id), ("number", number), ("sku", &sku)],
        );
        refused_naming(&res, "number");
    }
    refused_naming(&app.post("/shop/shopping-cart/add", &[("token", &token), ("goodsId", "1.5")]), "goodsId");
}

#[test]
fn an_order_takes_goods_json_with_numbers_as_strings_and_booleans_as_text() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    let tea = app.goods().name("龙井茶").price(1990).stock(10).create();
    let json =
        format!(r#"[{{"goodsId":"{tea}","number":"2","propertyChildIds":"","goodsAdditionList":""}}]"#);
    let preview =
        create(&app, &token, &json, &[("calculate", "1"), ("couponId", ""), ("cityId", " 440300 ")]);
    assert_code(&preview, 0);
    assert_eq!(preview["data"]["amountTotle"], 39.8);
    assert!(preview["data"]["id"].is_null(), "calculate=1 is a preview: {preview}");

    let bad = [
        (format!(r#"[{{"goodsId":"{tea}","number":"two"}}]"#), "goodsJsonStr"),
        (format!(r#"[{{"goodsId":"{tea}.5","number":1}}]"#), "goodsJsonStr"),
        (format!(r#"[{{"goodsId":{tea},"number":"-1"}}]"#), "number"),
    ];
    for (json, name) in bad {
        refused_naming(&create(&app, &token, &json, &[]), name);
    }
    refused_naming(&create(&app, &token, &json, &[("calculate", "yes")]), "calculate");
}

#[test]
fn lists_and_details_take_numbers_as_text_and_empty_optionals_as_absent() {
    let app = TestApp::new();
    let tea = app.goods().name("龙井茶").price(1990).stock(10).create();
    // catalogue
    let list =
        app.post("/shop/shop/goods/list/v2", &[("page", "1"), ("pageSize", " 5 "), ("categoryId", "")]);
    assert_code(&list, 0);
    assert_code(&app.get("/shop/shop/goods/detail", &[("id", &format!(" {tea} "))]), 0);
    for bad in ["abc", "1.5", "99999999999999999999"] {
        refused_naming(&app.get("/shop/shop/goods/detail", &[("id", bad)]), "id");
    }
    refused_naming(&app.post("/shop/shop/goods/list/v2", &[("pageSize", "-1")]), "pageSize");
    // content and site
    assert!(matches!(
        app.post("/shop/cms/news/list/v2", &[("page", "1"), ("pageSize", "10"), ("categoryId", "")])["code"]
            .as_i64(),
        Some(0 | 700)
    ));
    assert!(matches!(
        app.post("/shop/notice/list", &[("pageSize", "5"), ("type", "")])["code"].as_i64(),
        Some(0 | 700)
    ));
}

#[test]
fn a_shopper_s_own_sections_read_text_booleans_and_numbers() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    // address: a second one with isDefault "1" takes the default over; coordinates as text
    let add = |name: &str, default: &str| {
        let form = [
            ("token", token.as_str()),
            ("linkMan", name),
            ("mobile", "13800138000"),
            ("provinceId", "440000"),
            ("cityId", "440300"),
            ("districtId", "440305"),
            ("address", "科技园南区 1 栋 101"),
            ("latitude", " 22.54 "),
            ("isDefault", default),
        ];
        app.post("/shop/user/shipping-address/add", &form)
    };
    assert_code(&add("张三", ""), 0);
    assert_code(&add("李四", "1"), 0);
    let def = app.get("/shop/user/shipping-address/default/v2", &[("token", &token)]);
    assert_eq!(def["data"]["info"]["linkMan"], "李四", "{def}");
    refused_naming(&add("王五", "maybe"), "isDefault");
    // messages: isRead as "0", paging as text
    assert!(matches!(
        app.post("/shop/user/message/list", &[("token", &token), ("isRead", "0"), ("page", "1")])["code"]
            .as_i64(),
        Some(0 | 700)
    ));
    // ledger: a JSON-in-a-string filter with numbers as strings
    let res = app.post(
        "/shop/user/cashLog/v2",
        &[("token", &token), ("postJsonString", r#"{"behavior":"0","page":"1"}"#)],
    );
    assert!(matches!(res["code"].as_i64(), Some(0 | 700)), "{res}");
    refused_naming(&app.post("/shop/user/cashLog/v2", &[("token", &token), ("behavior", "x")]), "behavior");
}

#[test]
fn payments_read_next_action_numbers_as_strings() {
    let app = TestApp::new();
    let (_, token) = app.login_wechat("code-lenient-pay");
    let tea = app.goods().name("龙井茶").price(1990).stock(10).create();
    let json = format!(r#"[{{"goodsId":{tea},"number":1}}]"#);
    let order = create(&app, &token, &json, &[]);
    assert_code(&order, 0);
    let id = order["data"]["id"].as_i64().unwrap();
    let action = format!(r#"{{"type":"0","id":"{id}"}}"#);
    let res =
        app.post("/shop/pay/wx/wxapp", &[("token", &token), ("money", "19.90"), ("nextAction", &action)]);
    assert_code(&res, 0);
    for bad in [r#"{"type":"zero","id":"1"}"#, r#"{"type":"0","id":"1.5"}"#] {
        refused_naming(
            &app.post("/shop/pay/wx/wxapp", &[("token", &token), ("money", "1"), ("nextAction", bad)]),
            "nextAction",
        );
    }
}

#[test]
fn a_module_the_shop_does_not_serve_answers_501_naming_it_and_a_typo_stays_unknown() {
    let app = TestApp::new();
    let res = app.post("/shop/collectCard/bind", &[("id", "1")]);
    assert_code(&res, 501);
    assert_eq!(res["data"]["module"], "collect-card");
    assert_eq!(res["data"]["state"], "notYet");
    assert!(res["msg"].as_str().unwrap().contains("集卡"), "{res}");

    let cps = app.get("/shop/cpsJdGoods/detail", &[("id", "1")]);
    assert_code(&cps, 501);
    assert_eq!(cps["data"]["state"], "notConnected");
    assert!(cps["msg"].as_str().unwrap().contains("京东联盟"), "{cps}");
    assert_eq!(cps["data"]["service"], "京东联盟");

    let other = app.post("/shop/training/list", &[]);
    assert_code(&other, 501);
    assert_eq!(other["data"]["state"], "notOffered");

    // Root paths the client calls without a subDomain, and the JD ones with any merchant id.
    assert_eq!(app.get("/common/ip", &[])["data"]["module"], "ip");
    assert_eq!(app.post("/jdvop/46/goods/list", &[])["data"]["module"], "jdvop");
    assert_eq!(app.post("/shop/pay/alipay/gate/qrcode", &[])["data"]["module"], "pay-other");

    for typo in ["/shop/shop/goods/kanjia/jion", "/shop/cpsJdGoods", "/shop/pay/nothing/here"] {
        let res = app.post(typo, &[]);
        assert_code(&res, 404);
        assert!(res["msg"].as_str().unwrap().starts_with("接口不存在"), "{typo}: {res}");
    }
    // A client path of a subDomain module sent without one is another shop, as before.
    assert_code(&app.post("/training/list", &[]), 406);
}
