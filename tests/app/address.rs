//! Shipping addresses: the lifecycle, one default per shopper, ownership, and input checks.

use serde_json::Value;

use crate::support::*;

const ADD: &str = "/shop/user/shipping-address/add";
const UPDATE: &str = "/shop/user/shipping-address/update";
const DELETE: &str = "/shop/user/shipping-address/delete";
const LIST: &str = "/shop/user/shipping-address/list";
const LIST_V2: &str = "/shop/user/shipping-address/list/v2";
const DEFAULT: &str = "/shop/user/shipping-address/default/v2";
const DETAIL: &str = "/shop/user/shipping-address/detail/v2";

/// A valid address in 广东省 深圳市 南山区, as the address page sends it, plus `extra`.
fn nanshan<'a>(token: &'a str, link_man: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("token", token),
        ("linkMan", link_man),
        ("mobile", "13800138000"),
        ("provinceId", "440000"),
        ("cityId", "440300"),
        ("districtId", "440305"),
        ("address", "科技园南区 1 栋 101"),
        ("code", "518057"),
    ];
    form.extend_from_slice(extra);
    form
}

/// Adds an address and returns its id (as text, ready for a form).
fn add(app: &TestApp, form: &[(&str, &str)]) -> String {
    let res = app.post(ADD, form);
    assert_code(&res, 0);
    res["data"]["id"].as_i64().unwrap().to_string()
}

fn detail(app: &TestApp, token: &str, id: &str) -> Value {
    app.get(DETAIL, &[("token", token), ("id", id)])
}

/// Ids of the shopper's addresses that are marked default, straight from the database.
fn defaults_of(app: &TestApp, user_id: i64) -> Vec<i64> {
    app.query(|c| {
        let mut st = c.prepare("SELECT id FROM shipping_addresses WHERE user_id = ?1 AND is_default = 1")?;
        let ids = st.query_map([user_id], |r| r.get(0))?.collect();
        ids
    })
}

fn rows_of(app: &TestApp, user_id: i64) -> i64 {
    app.query(|c| {
        c.query_row("SELECT count(*) FROM shipping_addresses WHERE user_id = ?1", [user_id], |r| r.get(0))
    })
}

#[test]
fn an_address_goes_from_added_to_default_to_edited_to_deleted() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("alice");

    // The first address becomes the default even without isDefault.
    let res = app.post(ADD, &nanshan(&token, "张三", &[("latitude", "22.54"), ("longitude", "113.95")]));
    assert_code(&res, 0);
    let info = &res["data"];
    let first = info["id"].as_i64().unwrap().to_string();
    assert_eq!(info["uid"], uid);
    assert_eq!(info["isDefault"], true);
    assert_eq!(info["provinceId"], "440000");
    assert_eq!(info["provinceStr"], "广东省");
    assert_eq!(info["cityStr"], "深圳市");
    assert_eq!(info["areaStr"], "南山区");
    assert_eq!(info["districtStr"], "南山区");
    assert_eq!(info["latitude"], 22.54);
    assert_eq!(info["longitude"], 113.95);
    assert_eq!(info["code"], "518057");
    assert_eq!(info["streetId"], Value::Null);
    assert_eq!(info["status"], 0);
    assert!(info["dateAdd"].as_str().unwrap().len() == 19, "{info}");

    // The default, as the checkout page reads it.
    let res = app.get(DEFAULT, &[("token", &token)]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["info"]["linkMan"], "张三");
    assert_eq!(res["data"]["info"]["mobile"], "13800138000");
    assert_eq!(res["data"]["info"]["districtId"], "440305");
    assert_eq!(res["data"]["extJson"], serde_json::json!({}));

    // A second one sent with isDefault=true (as the address page does) takes the default over.
    let ext = r#"{"楼层":"3"}"#;
    let second = add(
        &app,
        &[
            ("token", &token),
            ("linkMan", "李四"),
            ("mobile", "+85291234567"),
            ("provinceId", "440000"),
            ("cityId", "441900"),
            ("address", "东城街道 8 号"),
            ("isDefault", "true"),
            ("extJsonStr", ext),
        ],
    );
    let res = detail(&app, &token, &second);
    assert_eq!(res["data"]["info"]["isDefault"], true);
    assert_eq!(res["data"]["info"]["cityStr"], "东莞市");
    assert_eq!(res["data"]["info"]["districtId"], Value::Null);
    assert_eq!(res["data"]["info"]["areaStr"], "");
    assert_eq!(res["data"]["info"]["extJsonStr"], ext);
    assert_eq!(res["data"]["extJson"]["楼层"], "3");
    assert_eq!(detail(&app, &token, &first)["data"]["info"]["isDefault"], false);
    assert_eq!(defaults_of(&app, uid), [second.parse::<i64>().unwrap()]);

    // Both lists: the default first.
    let res = app.get(LIST, &[("token", &token)]);
    assert_code(&res, 0);
    let rows = res["data"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"].to_string(), second);
    let page = app.post(LIST_V2, &[("token", &token), ("pageSize", "1")]);
    assert_code(&page, 0);
    assert_eq!(page["data"]["totalRow"], 2);
    assert_eq!(page["data"]["totalPage"], 2);
    assert_eq!(page["data"]["result"][0]["linkMan"], "李四");
    let found = app.post(LIST_V2, &[("token", &token), ("nameLike", "张"), ("mobileLike", "0013")]);
    assert_eq!(found["data"]["result"].as_array().unwrap().len(), 1);
    assert_code(&app.post(LIST_V2, &[("token", &token), ("nameLike", "王")]), 700);

    // The address list picks one by sending only id + isDefault; nothing else changes.
    let res = app.post(UPDATE, &[("token", &token), ("id", &first), ("isDefault", "true")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["isDefault"], true);
    assert_eq!(res["data"]["address"], "科技园南区 1 栋 101");
    assert_eq!(res["data"]["latitude"], 22.54);
    assert_eq!(detail(&app, &token, &second)["data"]["info"]["isDefault"], false);

    // An edit of the text and the region together.
    let res = app.post(
        UPDATE,
        &[
            ("token", &token),
            ("id", &first),
            ("linkMan", "张三丰"),
            ("provinceId", "110000"),
            ("cityId", "110100"),
            ("districtId", "110105"),
            ("code", ""),
        ],
    );
    assert_code(&res, 0);
    assert_eq!(res["data"]["linkMan"], "张三丰");
    assert_eq!(res["data"]["provinceStr"], "北京市");
    assert_eq!(res["data"]["areaStr"], "朝阳区");
    assert_eq!(res["data"]["isDefault"], true, "an edit keeps the default where it is");
    assert_eq!(res["data"]["mobile"], "13800138000");
    assert_eq!(res["data"]["code"], "518057", "an empty value counts as not sent");

    // Deleting the default hands it to the remaining one; deleting that leaves nothing.
    assert_code(&app.post(DELETE, &[("token", &token), ("id", &first)]), 0);
    assert_code(&detail(&app, &token, &first), 404);
    assert_eq!(app.get(DEFAULT, &[("token", &token)])["data"]["info"]["id"].to_string(), second);
    assert_code(&app.post(DELETE, &[("token", &token), ("id", &second)]), 0);
    assert_code(&app.get(DEFAULT, &[("token", &token)]), 700);
    assert_code(&app.get(LIST, &[("token", &token)]), 700);
    assert_code(&app.post(DELETE, &[("token", &token), ("id", &second)]), 404);
}

#[test]
fn a_shopper_always_has_exactly_one_default_whatever_they_edit() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("bob");
    let (carol_id, carol) = app.shopper("carol");
    let carols = add(&app, &nanshan(&carol, "卡罗尔", &[]));

    let ids: Vec<String> =
        ["甲", "乙", "丙", "丁"].iter().map(|name| add(&app, &nanshan(&token, name, &[]))).collect();
    let id = |i: usize| ids[i].parse::<i64>().unwrap();
    // Added without isDefault, only the first is the default.
    assert_eq!(defaults_of(&app, uid), [id(0)]);

    for (step, pick) in [2, 1, 1, 3, 0].into_iter().enumerate() {
        let res = app.post(UPDATE, &[("token", &token), ("id", &ids[pick]), ("isDefault", "true")]);
        assert_code(&res, 0);
        assert_eq!(defaults_of(&app, uid), [id(pick)], "step {step}");
    }
    // isDefault=false never leaves the shopper without a default.
    app.post(UPDATE, &[("token", &token), ("id", &ids[0]), ("isDefault", "false"), ("linkMan", "甲甲")]);
    assert_eq!(defaults_of(&app, uid), [id(0)]);
    // A new address sent with isDefault=true takes it.
    let newest = add(&app, &nanshan(&token, "戊", &[("isDefault", "true")]));
    assert_eq!(defaults_of(&app, uid), [newest.parse::<i64>().unwrap()]);
    // Deleting a non-default address leaves the default alone; deleting the default promotes the newest.
    app.post(DELETE, &[("token", &token), ("id", &ids[3])]);
    assert_eq!(defaults_of(&app, uid), [newest.parse::<i64>().unwrap()]);
    app.post(DELETE, &[("token", &token), ("id", &newest)]);
    assert_eq!(defaults_of(&app, uid), [id(2)]);

    // Carol's default never moved.
    assert_eq!(defaults_of(&app, carol_id), [carols.parse::<i64>().unwrap()]);
}

#[test]
fn another_shoppers_address_is_not_found_and_stays_untouched() {
    let app = TestApp::new();
    let (alice_id, alice) = app.shopper("alice");
    let (mallory_id, mallory) = app.shopper("mallory");
    let id = add(&app, &nanshan(&alice, "爱丽丝", &[]));
    add(&app, &nanshan(&mallory, "马洛里", &[]));
    let before = detail(&app, &alice, &id)["data"].clone();

    let attempts = [
        detail(&app, &mallory, &id),
        app.post(UPDATE, &[("token", &mallory), ("id", &id), ("linkMan", "改掉"), ("isDefault", "true")]),
        app.post(DELETE, &[("token", &mallory), ("id", &id)]),
    ];
    for res in &attempts {
        assert_code(res, 404);
        assert_eq!(res["msg"], "收货地址不存在");
        assert_eq!(res["data"], Value::Null);
    }
    // The same answer as for an id that does not exist at all.
    assert_eq!(app.post(DELETE, &[("token", &mallory), ("id", "999999")])["msg"], "收货地址不存在");

    assert_eq!(detail(&app, &alice, &id)["data"], before);
    assert_eq!(rows_of(&app, alice_id), 1);
    assert_eq!(rows_of(&app, mallory_id), 1);
    assert_eq!(defaults_of(&app, alice_id), [id.parse::<i64>().unwrap()]);
    let theirs = app.get(LIST, &[("token", &mallory)]);
    assert_eq!(theirs["data"].as_array().unwrap().len(), 1);
    assert_eq!(theirs["data"][0]["linkMan"], "马洛里");
}

/// `form` with each of `extra`'s parameters set (replacing any value it had).
fn replaced<'a>(mut form: Vec<(&'a str, &'a str)>, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    for (k, v) in extra {
        form.retain(|(key, _)| key != k);
        form.push((k, v));
    }
    form
}

/// Form, expected code, and the parameter the message must name.
type Case<'a> = (Vec<(&'a str, &'a str)>, i64, &'a str);

#[test]
fn bad_inputs_are_refused_naming_the_parameter_and_nothing_is_saved() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("dave");
    let t = token.as_str();
    let long_name = "名".repeat(31);
    let long_address = "路".repeat(201);
    let base = || nanshan(t, "戴夫", &[]);
    let without = |name: &str| base().into_iter().filter(|(k, _)| *k != name).collect::<Vec<_>>();
    let cases: Vec<Case> = vec![
        (without("linkMan"), 300, "linkMan"),
        (nanshan(t, &long_name, &[]), 300, "linkMan"),
        (without("mobile"), 300, "mobile"),
        (replaced(base(), &[("mobile", "12345")]), 300, "mobile"),
        (replaced(base(), &[("mobile", "1380013800a")]), 300, "mobile"),
        (replaced(base(), &[("mobile", "+86 138")]), 300, "mobile"),
        (without("provinceId"), 300, "provinceId"),
        (replaced(base(), &[("provinceId", "990000")]), 300, "provinceId"),
        (replaced(base(), &[("provinceId", "440300")]), 300, "provinceId"),
        (without("cityId"), 300, "cityId"),
        (replaced(base(), &[("cityId", "abc")]), 300, "cityId"),
        (without("districtId"), 300, "districtId"),
        (replaced(base(), &[("districtId", "440399")]), 300, "districtId"),
        (without("address"), 300, "address"),
        (replaced(base(), &[("address", &long_address)]), 300, "address"),
        (replaced(base(), &[("latitude", "91")]), 300, "latitude"),
        (replaced(base(), &[("longitude", "-180.5")]), 300, "longitude"),
        (replaced(base(), &[("latitude", "north")]), 300, "latitude"),
        (replaced(base(), &[("extJsonStr", "{oops")]), 300, "extJsonStr"),
        (replaced(base(), &[("extJsonStr", "[1]")]), 300, "extJsonStr"),
        (replaced(base(), &[("isDefault", "yes")]), 300, "isDefault"),
        (replaced(base(), &[("status", "7")]), 300, "status"),
        (replaced(base(), &[("code", "51<80>")]), 300, "code"),
        (replaced(base(), &[("streetId", "x1")]), 300, "streetId"),
    ];
    for (form, code, name) in &cases {
        let res = app.post(ADD, form);
        assert_code(&res, *code);
        assert!(res["msg"].as_str().unwrap().contains(name), "{name}: {res}");
    }
    assert_eq!(rows_of(&app, uid), 0);

    // The mobile message says which forms are accepted.
    let msg = app.post(ADD, &replaced(base(), &[("mobile", "12345")]))["msg"].as_str().unwrap().to_string();
    assert!(msg.contains("11 位") && msg.contains('+'), "{msg}");

    // Updates check what they change, and need an id.
    let id = add(&app, &nanshan(t, "戴夫", &[]));
    assert_code(&app.post(UPDATE, &[("token", t), ("linkMan", "x")]), 300);
    let res = app.post(UPDATE, &[("token", t), ("id", &id), ("mobile", "000")]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("mobile"));
    assert_code(&app.post(UPDATE, &[("token", t), ("id", "abc")]), 300);
    assert_code(&app.get(DETAIL, &[("token", t)]), 300);
    assert_code(&app.post(LIST_V2, &[("token", t), ("pageSize", "0")]), 300);
    assert_eq!(detail(&app, t, &id)["data"]["info"]["mobile"], "13800138000");
}

#[test]
fn regions_must_nest_province_city_district() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("erin");
    let t = token.as_str();
    let region = |p: &'static str, c: &'static str, d: &'static str| {
        let mut form =
            vec![("token", t), ("linkMan", "艾琳"), ("mobile", "13900139000"), ("address", "x 路 1 号")];
        form.extend([("provinceId", p), ("cityId", c), ("districtId", d)]);
        form
    };
    // 深圳市 is not in 北京市; 朝阳区 (Beijing) is not in 深圳市; a city id is no district.
    for (form, name) in [
        (region("110000", "440300", "440305"), "cityId"),
        (region("440000", "440300", "110105"), "districtId"),
        (region("440000", "440300", "440300"), "districtId"),
        (region("440000", "440000", "440305"), "cityId"),
    ] {
        let res = app.post(ADD, &form);
        assert_code(&res, 300);
        assert!(res["msg"].as_str().unwrap().contains(name), "{name}: {res}");
    }
    let res = app.post(ADD, &region("110000", "440300", "440305"));
    assert!(res["msg"].as_str().unwrap().contains("深圳市"), "{res}");
    assert_eq!(rows_of(&app, uid), 0);

    // 东莞市 has no districts, so none is needed; a municipality's district is.
    assert_code(&app.post(ADD, &region("440000", "441900", "")), 0);
    let id = add(&app, &region("110000", "110100", "110105"));

    // An update that moves the region must send it whole and consistent; a refused one changes nothing.
    let res = app.post(UPDATE, &[("token", t), ("id", &id), ("cityId", "440300")]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("provinceId"), "{res}");
    let res = app.post(
        UPDATE,
        &[
            ("token", t),
            ("id", &id),
            ("provinceId", "440000"),
            ("cityId", "440300"),
            ("districtId", "110105"),
        ],
    );
    assert_code(&res, 300);
    assert_eq!(detail(&app, t, &id)["data"]["info"]["districtStr"], "朝阳区");
}

#[test]
fn empty_lists_and_no_default_answer_700() {
    let app = TestApp::new();
    let (_, token) = app.shopper("frank");
    for res in [
        app.get(LIST, &[("token", &token)]),
        app.post(LIST_V2, &[("token", &token)]),
        app.get(DEFAULT, &[("token", &token)]),
    ] {
        assert_code(&res, 700);
    }
    // Another shopper's addresses do not fill Frank's list.
    let (_, grace) = app.shopper("grace");
    add(&app, &nanshan(&grace, "格蕾丝", &[]));
    assert_code(&app.get(LIST, &[("token", &token)]), 700);
    assert_code(&app.get(DEFAULT, &[("token", &token)]), 700);
}

#[test]
fn every_address_method_needs_a_live_token() {
    let app = TestApp::new();
    let (_, token) = app.shopper("heidi");
    let id = add(&app, &nanshan(&token, "海蒂", &[]));
    for bad in [None, Some("not-a-token")] {
        let with_token = |mut form: Vec<(&'static str, &'static str)>| {
            if let Some(t) = bad {
                form.push(("token", t));
            }
            form
        };
        let res = [
            app.post(ADD, &with_token(vec![("linkMan", "x")])),
            app.post(UPDATE, &with_token(vec![("id", "1")])),
            app.post(DELETE, &with_token(vec![("id", "1")])),
            app.get(LIST, &with_token(vec![])),
            app.post(LIST_V2, &with_token(vec![])),
            app.get(DEFAULT, &with_token(vec![])),
            app.get(DETAIL, &with_token(vec![("id", "1")])),
        ];
        for r in &res {
            assert_code(r, 2000);
        }
    }
    assert_code(&detail(&app, &token, &id), 0);
}

#[test]
fn a_shopper_may_keep_at_most_fifty_addresses() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("ivan");
    for i in 0..50 {
        let name = format!("收件人{i}");
        add(&app, &nanshan(&token, &name, &[]));
    }
    let res = app.post(ADD, &nanshan(&token, "第五十一", &[]));
    assert_code(&res, 403);
    assert!(res["msg"].as_str().unwrap().contains("50"), "{res}");
    assert_eq!(rows_of(&app, uid), 50);
    // The bare list answers all of them.
    assert_eq!(app.get(LIST, &[("token", &token)])["data"].as_array().unwrap().len(), 50);
}

#[test]
fn parameters_may_come_as_json_and_the_list_answers_only_get() {
    let app = TestApp::new();
    let (_, token) = app.shopper("judy");
    let body = serde_json::json!({
        "token": token, "linkMan": "朱迪", "mobile": "13700137000", "provinceId": "440000",
        "cityId": "440300", "districtId": "440305", "address": "一号", "isDefault": true,
        "latitude": 22.5
    });
    let res = app.post_json(ADD, &body);
    assert_code(&res, 0);
    assert_eq!(res["data"]["latitude"], 22.5);
    // queryAddress is a GET in the client; a POST is told which method to use.
    let res = app.post(LIST, &[("token", &token)]);
    assert_code(&res, 405);
    assert!(res["msg"].as_str().unwrap().contains("GET"), "{res}");
}
