//! Member levels in the console (会员等级 pages, CSRF) and in the merchant API (/member-levels).

use serde_json::{json, Value};
use xiaodian::db;
use xiaodian::error::ApiError;

use crate::levels::{buy, INFO, LIST};
use crate::support::*;

/// The console tests' browser, with the level form's upload shape.
struct Console<'a>(Browser<'a>);

impl<'a> Console<'a> {
    fn signed_in(app: &'a TestApp) -> Console<'a> {
        Console(Browser::staff(app))
    }

    fn get(&mut self, path: &str) -> Page {
        self.0.get(path)
    }

    fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        self.0.post(path, form)
    }

    fn post_file(&mut self, path: &str, fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Page {
        let (name, bytes) = file.unwrap_or(("", b""));
        self.0.post_file(path, fields, name, bytes)
    }

    /// The session's CSRF token, as a form on any page carries it.
    fn csrf(&mut self) -> String {
        self.get("/admin/levels/new").csrf()
    }
}

/// The level form's fields with `csrf`.
fn level_form<'a>(csrf: &'a str, name: &'a str, number: &'a str, rebate: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("f.name", name),
        ("f.level", number),
        ("f.pic", ""),
        ("f.remark", "尊享权益"),
        ("f.rebate", rebate),
        ("f.upgrade_send_score", "50"),
        ("f.benefits", "专属客服：7×24 小时\n生日礼=双倍积分"),
        ("f.paixu", "0"),
        ("f.status", "0"),
    ]
}

#[test]
fn levels_and_prices_are_made_in_the_console_and_reach_the_shop() {
    let app = TestApp::new();
    let mut b = Console::signed_in(&app);
    b.get("/admin").assert_has("href=\"/admin/levels\"").assert_has("会员等级");
    b.get("/admin/levels").assert_has("还没有会员等级");

    // A level with an uploaded picture; on to its page to add prices.
    let csrf = b.csrf();
    let png = tiny_png();
    let res = b.post_file(
        "/admin/levels/new",
        &level_form(&csrf, "黄金会员", "2", "8.8"),
        Some(("gold.png", &png)),
    );
    assert_eq!(res.status, 303, "{}", res.body);
    let id: i64 = res.location().rsplit('/').next().unwrap().parse().unwrap();
    b.get(res.location())
        .assert_has("会员等级已创建")
        .assert_has("还没有价格")
        .assert_has("专属客服：7×24 小时");
    assert_eq!(app.count("uploads"), 1);

    let res = app.get(INFO, &[("id", &id.to_string())]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["info"]["rebate"], 8.8);
    assert_eq!(res["data"]["info"]["upgradeSendScore"], 50);
    assert!(res["data"]["info"]["pic"].as_str().unwrap().contains("/uploads/"), "{res}");
    assert_eq!(res["data"]["extJson"]["生日礼"], "双倍积分");

    // Prices in yuan with two decimals become fen.
    let prices = format!("/admin/levels/{id}/prices/new");
    let csrf = b.csrf();
    let form = [
        ("csrf", csrf.as_str()),
        ("days", "90"),
        ("price", "49.9"),
        ("original_price", ""),
        ("paixu", "0"),
        ("status", "0"),
    ];
    let res = b.post(&prices, &form);
    assert_eq!(res.status, 303, "{}", res.body);
    b.get(res.location())
        .assert_has("价格已添加")
        .assert_has("3 个月")
        .assert_has("49.90")
        .assert_has("（90 天）");
    let stored: i64 = app.query(|c| c.query_row("SELECT price_fen FROM user_level_prices", [], |r| r.get(0)));
    assert_eq!(stored, 4990);
    let list = app.get("/shop/user/level/prices", &[("levelId", &id.to_string())]);
    assert_eq!(list["data"][0]["price"], 49.9);

    // Bad input comes back filled with the reason and saves nothing.
    for (price, days, why) in [("1.234", "30", "最多两位小数"), ("-1", "30", "价格"), ("10", "0", "天数")]
    {
        let form = [
            ("csrf", csrf.as_str()),
            ("days", days),
            ("price", price),
            ("original_price", ""),
            ("paixu", "0"),
            ("status", "0"),
        ];
        let res = b.post(&prices, &form);
        assert_eq!(res.status, 422, "{price}");
        res.assert_has(why).assert_has(&format!("value=\"{price}\""));
    }
    assert_eq!(app.count("user_level_prices"), 1);
    let res = b.post_file("/admin/levels/new", &level_form(&csrf, "重复", "2", "9"), None);
    assert_eq!(res.status, 422);
    res.assert_has("已被「黄金会员」使用").assert_has("value=\"重复\"");
    let res = b.post_file("/admin/levels/new", &level_form(&csrf, "折扣错", "3", "12"), None);
    assert_eq!(res.status, 422);
    res.assert_has("折扣");
    assert_eq!(app.count("user_levels"), 1);

    // Editing a price and the level.
    let price_id: i64 = app.query(|c| c.query_row("SELECT id FROM user_level_prices", [], |r| r.get(0)));
    let page = format!("/admin/levels/{id}/prices/{price_id}");
    b.get(&page).assert_has("value=\"49.90\"");
    let form = [
        ("csrf", csrf.as_str()),
        ("days", "365"),
        ("price", "199"),
        ("original_price", "299"),
        ("paixu", "1"),
        ("status", "0"),
    ];
    assert_eq!(b.post(&page, &form).status, 303);
    let list = app.get("/shop/user/level/prices", &[("levelId", &id.to_string())]);
    assert_eq!(
        (list["data"][0]["price"].as_f64(), list["data"][0]["originalPrice"].as_f64()),
        (Some(199.0), Some(299.0))
    );
    assert_eq!(list["data"][0]["unitStr"], "年");
    let mut form = level_form(&csrf, "黄金会员 Plus", "2", "10");
    form.retain(|(k, _)| *k != "f.status");
    form.push(("f.status", "1"));
    assert_eq!(b.post_file(&format!("/admin/levels/{id}"), &form, None).status, 303);
    b.get("/admin/levels").assert_has("黄金会员 Plus").assert_has("不打折").assert_has("隐藏");
    assert_code(&app.post(LIST, &[]), 700);

    // Deleting a price asks first.
    b.get(&format!("{page}/delete")).assert_has("确定要删除").assert_has("1 年");
    assert_eq!(b.post(&format!("{page}/delete"), &[("csrf", &csrf)]).status, 303);
    assert_eq!(app.count("user_level_prices"), 0);
}

#[test]
fn a_level_shoppers_hold_cannot_be_deleted_and_forms_need_the_csrf_token() {
    let app = TestApp::new();
    let gold = app.level("黄金会员", 2).rebate(88).create();
    let month = app.level_price(gold, 30, 100, true);
    let (uid, token) = app.shopper("alice");
    app.credit(uid, xiaodian::service::ledger::Account::Balance, 1000);
    assert_code(&buy(&app, &token, month, false), 0);

    let mut b = Console::signed_in(&app);
    b.get("/admin/levels").assert_has("黄金会员");
    let confirm = b.get(&format!("/admin/levels/{gold}/delete"));
    confirm.assert_has("确定要删除").assert_has("黄金会员");
    let csrf = confirm.csrf();

    // Without the token (or with a wrong one) nothing happens.
    let delete = format!("/admin/levels/{gold}/delete");
    assert_eq!(b.post(&delete, &[]).status, 403);
    assert_eq!(b.post(&delete, &[("csrf", &"0".repeat(64))]).status, 403);
    let price_form = [("days", "7"), ("price", "1"), ("original_price", ""), ("paixu", "0"), ("status", "0")];
    assert_eq!(b.post(&format!("/admin/levels/{gold}/prices/new"), &price_form).status, 403);
    assert_eq!(b.post_file("/admin/levels/new", &level_form("nope", "x", "5", "9")[..], None).status, 403);
    assert_eq!(b.post(&format!("/admin/levels/{gold}/prices/{month}/delete"), &[]).status, 403);
    assert_eq!((app.count("user_levels"), app.count("user_level_prices")), (1, 1));

    // With it, the delete is refused while Alice holds the level.
    let res = b.post(&delete, &[("csrf", &csrf)]);
    assert_eq!(res.status, 303);
    b.get(res.location()).assert_has("还有 1 位会员持有这个等级");
    assert_eq!(app.count("user_levels"), 1);

    // Once her level has run out, it goes (her purchase record stays, without the level).
    app.write(|c| {
        c.execute("UPDATE user_levels_current SET date_expire = ?1", [db::unix_now() - 1])
            .map_err(ApiError::from)
    });
    let res = b.post(&delete, &[("csrf", &csrf)]);
    assert_eq!(res.status, 303);
    b.get(res.location()).assert_has("会员等级已删除");
    assert_eq!((app.count("user_levels"), app.count("user_level_prices")), (0, 0));
    assert_eq!(app.count("user_levels_current"), 0);
    let logs = app.post("/shop/user/level/buyLogs", &[("token", &token)]);
    assert_eq!(logs["data"]["result"][0]["levelName"], "黄金会员");
    assert_eq!(logs["data"]["result"][0]["levelId"], 0);
    assert_eq!(b.get(&format!("/admin/levels/{gold}")).status, 404);
}

const KEY: &str = "levels-key";

/// Calls the merchant API; (status, Location, JSON body or Null).
fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    body: Option<&Value>,
    key: Option<&str>,
) -> (u16, String, Value) {
    let res = Merchant::with_header(app, key.map(|k| format!("Bearer {k}"))).call(method, path, body);
    (res.status, res.header("location").to_string(), res.body)
}

#[test]
#[allow(clippy::too_many_lines)] // one walk through the whole resource
fn the_merchant_api_creates_reads_replaces_and_deletes_levels_and_prices() {
    let app = TestApp::with_key(KEY);
    let api = |method: &str, path: &str, body: Option<&Value>| call(&app, method, path, body, Some(KEY));

    for (method, path) in
        [("GET", "/member-levels"), ("POST", "/member-levels"), ("DELETE", "/member-levels/1")]
    {
        let body = (method == "POST").then(|| json!({}));
        let (status, _, res) = call(&app, method, path, body.as_ref(), None);
        assert_eq!(status, 401, "{method} {path}");
        assert!(res["error"].is_string());
        assert_eq!(call(&app, method, path, body.as_ref(), Some("wrong")).0, 401);
    }

    let gold = json!({"name": "黄金会员", "level": 2, "rebate": 8.8, "upgradeSendScore": 100,
                      "extJson": {"专属客服": "7×24 小时", "包邮": "全场"}, "remark": "尊享"});
    let (status, location, body) = api("POST", "/member-levels", Some(&gold));
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    assert_eq!(location, format!("/admin/api/v1/member-levels/{id}"));
    assert_eq!(body["rebate"], 8.8);
    assert_eq!(body["status"], 0);
    assert_eq!(body["holders"], 0);
    assert_eq!(body["prices"], json!([]));
    let keys: Vec<&String> = body["extJson"].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 2);

    let (status, location, p) = api(
        "POST",
        &format!("/member-levels/{id}/prices"),
        Some(&json!({"days": 30, "price": 19.9, "originalPrice": 29.9})),
    );
    assert_eq!(status, 201, "{p}");
    let price_id = p["id"].as_i64().unwrap();
    assert_eq!(location, format!("/admin/api/v1/member-levels/{id}/prices/{price_id}"));
    assert_eq!(
        (p["price"].as_f64(), p["days"].as_i64(), p["levelId"].as_i64()),
        (Some(19.9), Some(30), Some(id))
    );
    let fen: i64 = app.query(|c| c.query_row("SELECT price_fen FROM user_level_prices", [], |r| r.get(0)));
    assert_eq!(fen, 1990);

    let (status, _, body) = api("GET", &format!("/member-levels/{id}"), None);
    assert_eq!(status, 200);
    assert_eq!(body["prices"][0]["id"], price_id);
    let (_, _, page) = api("GET", "/member-levels?page=1&pageSize=10", None);
    assert_eq!((page["total"].as_i64(), page["items"][0]["id"].as_i64()), (Some(1), Some(id)));
    assert_code(&app.get(INFO, &[("id", &id.to_string())]), 0);

    // PUT replaces the whole level: what is left out returns to its default.
    let (status, _, body) =
        api("PUT", &format!("/member-levels/{id}"), Some(&json!({"name": "金卡", "level": 3, "status": 1})));
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["name"].as_str(), body["rebate"].as_f64(), body["remark"].as_str()),
        (Some("金卡"), Some(10.0), Some(""))
    );
    assert_code(&app.get(INFO, &[("id", &id.to_string())]), 404);
    let (status, _, p) = api(
        "PUT",
        &format!("/member-levels/{id}/prices/{price_id}"),
        Some(&json!({"days": 365, "price": 199})),
    );
    assert_eq!(status, 200, "{p}");
    assert_eq!((p["price"].as_f64(), p["originalPrice"].as_f64()), (Some(199.0), Some(0.0)));

    // Refusals name the field and write nothing.
    let before = (app.count("user_levels"), app.count("user_level_prices"));
    for (path, body, field) in [
        ("/member-levels".to_string(), json!({"level": 4}), "name"),
        ("/member-levels".to_string(), json!({"name": "x", "level": 0}), "level"),
        ("/member-levels".to_string(), json!({"name": "x", "level": 4, "rebate": 11}), "rebate"),
        ("/member-levels".to_string(), json!({"name": "x", "level": 4, "rebate": 8.85}), "rebate"),
        ("/member-levels".to_string(), json!({"name": "x", "level": 3}), "level"),
        ("/member-levels".to_string(), json!({"name": "x", "level": 4, "extJson": {"a": 1}}), "extJson"),
        ("/member-levels".to_string(), json!({"name": "x", "level": 4, "colour": "red"}), "colour"),
        (format!("/member-levels/{id}/prices"), json!({"days": 30}), "price"),
        (format!("/member-levels/{id}/prices"), json!({"days": 30, "price": 1.005}), "price"),
        (format!("/member-levels/{id}/prices"), json!({"days": 30, "price": -1}), "price"),
        (format!("/member-levels/{id}/prices"), json!({"days": 0, "price": 1}), "days"),
        (format!("/member-levels/{id}/prices"), json!({"days": 30, "price": 1, "status": 2}), "status"),
    ] {
        let (status, _, res) = api("POST", &path, Some(&body));
        assert_eq!(status, 422, "{body}: {res}");
        assert_eq!(res["field"], field, "{body}: {res}");
    }
    assert_eq!((app.count("user_levels"), app.count("user_level_prices")), before);

    // Unknown things are 404.
    assert_eq!(api("GET", "/member-levels/999", None).0, 404);
    assert_eq!(api("PUT", "/member-levels/999", Some(&json!({"name": "x", "level": 5}))).0, 404);
    assert_eq!(api("POST", "/member-levels/999/prices", Some(&json!({"days": 1, "price": 1}))).0, 404);
    assert_eq!(
        api("PUT", &format!("/member-levels/{id}/prices/999"), Some(&json!({"days": 1, "price": 1}))).0,
        404
    );
    assert_eq!(api("DELETE", &format!("/member-levels/{id}/prices/999"), None).0, 404);

    // A level a shopper holds cannot be deleted (409); its price can.
    app.write(|c| {
        c.execute("UPDATE user_levels SET status = 0", []).map_err(ApiError::from)?;
        Ok::<_, Failed>(())
    });
    let (uid, token) = app.shopper("bob");
    app.credit(uid, xiaodian::service::ledger::Account::Balance, 100_000);
    assert_code(&buy(&app, &token, price_id, false), 0);
    let (status, _, body) = api("DELETE", &format!("/member-levels/{id}"), None);
    assert_eq!(status, 409, "{body}");
    assert!(body["error"].as_str().unwrap().contains("1 位会员"), "{body}");
    assert_eq!(api("GET", &format!("/member-levels/{id}"), None).2["holders"], 1);
    assert_eq!(api("DELETE", &format!("/member-levels/{id}/prices/{price_id}"), None).0, 204);
    assert_eq!(app.count("user_level_prices"), 0);

    let (_, _, other) = api("POST", "/member-levels", Some(&json!({"name": "白银", "level": 1})));
    assert_eq!(api("DELETE", &format!("/member-levels/{}", other["id"]), None).0, 204);
    assert_eq!(api("DELETE", &format!("/member-levels/{}", other["id"]), None).0, 404);
}
