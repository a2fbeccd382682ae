//! WeChat Pay in the console (支付记录 with 向微信查询, 微信支付设置, 充值赠送) and the merchant API.

use serde_json::Value;

use crate::support::*;

/// A pending WeChat payment of a 20 元 order: (out_trade_no, prepay_id, order id).
fn pending_order_payment(app: &TestApp) -> (String, String, i64) {
    let (_, token) = app.login_wechat("code-alice");
    let g = app.goods().name("控制台商品").price(2000).stock(5).create();
    let order = create(app, &token, &one_line(g, 1, ""), &[]);
    let id = order["data"]["id"].as_i64().unwrap();
    let prepay = prepay_of(&wxpay(app, &token, "20", Some(&format!("{{\"type\":0,\"id\":{id}}}"))));
    let no: String = app.query(|c| {
        c.query_row("SELECT out_trade_no FROM payments WHERE prepay_id = ?1", [&prepay], |r| r.get(0))
    });
    (no, prepay, id)
}

fn payment_id(app: &TestApp, no: &str) -> i64 {
    app.query(|c| c.query_row("SELECT id FROM payments WHERE out_trade_no = ?1", [no], |r| r.get(0)))
}

#[test]
fn the_payment_list_filters_and_query_now_applies_a_paid_payment() {
    let app = TestApp::new();
    let (no, prepay, order) = pending_order_payment(&app);
    let mut b = Browser::staff(&app);
    b.get("/admin/payments").assert_has(&no).assert_has("支付订单").assert_has("待支付");
    b.get("/admin/payments?status=1").assert_has("没有符合条件的支付记录");
    b.get(&format!("/admin/payments?no={no}")).assert_has(&no);
    let id = payment_id(&app, &no);
    let detail = b.get(&format!("/admin/payments/{id}"));
    detail.assert_has("向微信查询");
    assert!(
        detail.body.contains("&#34;type&#34;:0") || detail.body.contains("&quot;type&quot;:0"),
        "{}",
        detail.body
    );

    // Not paid yet: the query says so and changes nothing.
    let csrf = detail.csrf();
    let res = b.post(&format!("/admin/payments/{id}/query"), &[("csrf", &csrf)]);
    assert_eq!(res.status, 303, "{}", res.body);
    b.get(&format!("/admin/payments/{id}")).assert_has("尚未支付");
    // Paid at WeChat but the notify was lost: the query applies it.
    sandbox_pay(&app, &prepay, false);
    let res = b.post(&format!("/admin/payments/{id}/query"), &[("csrf", &csrf)]);
    assert_eq!(res.status, 303);
    b.get(&format!("/admin/payments/{id}")).assert_has("已入账").assert_has("已支付");
    let status: i64 =
        app.query(|c| c.query_row("SELECT status FROM orders WHERE id = ?1", [order], |r| r.get(0)));
    assert_eq!(status, 1);
    // Without the CSRF token nothing runs; an unknown payment is a 404 page.
    assert_eq!(b.post(&format!("/admin/payments/{id}/query"), &[("csrf", "x")]).status, 403);
    assert_eq!(b.get("/admin/payments/99999").status, 404);
}

#[test]
fn pay_settings_keep_the_key_write_only_and_check_the_certificates() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let page = b.get("/admin/payments/settings");
    page.assert_has("/notify/wxpay").assert_has("尚未设置");
    let csrf = page.csrf();
    let key = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";
    let form = |cert: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("mch_id", "1230000109".to_string()),
            ("key", key.to_string()),
            ("sign_type", "HMAC-SHA256".to_string()),
            ("cert_path", cert.to_string()),
            ("cert_key_path", String::new()),
            ("base", String::new()),
        ]
    };
    let post = |b: &mut Browser, f: Vec<(&str, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        b.post("/admin/payments/settings", &pairs)
    };
    let missing = post(&mut b, form("/nonexistent/apiclient_cert.pem"));
    assert_eq!(missing.status, 422);
    missing.assert_has("API 证书路径");
    assert!(!missing.body.contains(key), "the key is never shown back");
    let not_pem = app.dir.path().join("not.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    assert_eq!(post(&mut b, form(not_pem.to_str().unwrap())).status, 422);
    let pem = app.dir.path().join("apiclient_cert.pem");
    std::fs::write(&pem, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").unwrap();
    let saved = post(&mut b, form(pem.to_str().unwrap()));
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = b.get("/admin/payments/settings");
    page.assert_has("已设置，留空则不修改").assert_has("1230000109");
    assert!(!page.body.contains(key));
    let snap = app.settings.get();
    assert_eq!(snap.wxpay_key(), Some(key));
    assert_eq!(snap.wxpay_sign_type().as_str(), "HMAC-SHA256");
    // A blank key keeps the stored one.
    let mut keep = form(pem.to_str().unwrap());
    keep[2].1 = String::new();
    assert_eq!(post(&mut b, keep).status, 303);
    assert_eq!(app.settings.get().wxpay_key(), Some(key));
    // The sandbox pays with the chosen sign type.
    let (_, token) = app.login_wechat("code-alice");
    assert_eq!(wxpay(&app, &token, "1", None)["data"]["signType"], "HMAC-SHA256");
}

#[test]
fn recharge_bonus_rules_are_edited_in_the_console() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let page = b.get("/admin/payments/recharge");
    page.assert_has("还没有充值赠送规则");
    let csrf = page.csrf();
    for (confine, send) in [("0", "1"), ("abc", "1"), ("100", "0")] {
        let res =
            b.post("/admin/payments/recharge", &[("csrf", &csrf), ("confine", confine), ("send", send)]);
        assert_eq!(res.status, 422, "{confine} {send}");
    }
    let res = b.post("/admin/payments/recharge", &[("csrf", &csrf), ("confine", "100"), ("send", "8.8")]);
    assert_eq!(res.status, 303, "{}", res.body);
    let res = b.post("/admin/payments/recharge", &[("csrf", &csrf), ("confine", "100"), ("send", "10")]);
    assert_eq!(res.status, 303);
    b.get("/admin/payments/recharge").assert_has("100.00").assert_has("10.00");
    let rules = app.get("/shop/user/recharge/send/rule", &[]);
    assert_eq!(rules["data"].as_array().unwrap().len(), 1, "the same threshold changes its bonus");
    assert_eq!(rules["data"][0]["send"], 10.0);
    let id = rules["data"][0]["id"].as_i64().unwrap();
    let res = b.post(&format!("/admin/payments/recharge/{id}/delete"), &[("csrf", &csrf)]);
    assert_eq!(res.status, 303);
    assert_code(&app.get("/shop/user/recharge/send/rule", &[]), 700);
    assert_eq!(b.post(&format!("/admin/payments/recharge/{id}/delete"), &[("csrf", &csrf)]).status, 404);
}

const KEY: &str = "pay-key-123";

#[test]
fn the_merchant_api_lists_and_shows_payments() {
    let app = TestApp::with_key(KEY);
    let (no, prepay, order) = pending_order_payment(&app);
    sandbox_pay(&app, &prepay, true);
    let (status, list) = app.api("GET", "/payments?status=1", None);
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 1);
    let p = &list["items"][0];
    assert_eq!(p["outTradeNo"], no.as_str());
    assert_eq!(p["moneyFen"], 2000);
    assert_eq!(p["paidFen"], 2000);
    assert_eq!(p["orderIds"], Value::from(vec![order]));
    assert!(p["transactionId"].is_string());
    let (_, none) = app.api("GET", "/payments?status=0", None);
    assert_eq!(none["total"], 0);
    let (status, one) = app.api("GET", &format!("/payments/{}", p["id"]), None);
    assert_eq!(status, 200);
    assert_eq!(one["statusStr"], "已支付");
    assert_eq!(app.api("GET", "/payments/99999", None).0, 404);
    let (status, bad) = app.api("GET", "/payments?status=9", None);
    assert_eq!(status, 422, "{bad}");
    assert_eq!(app.merchant("wrong").get("/payments").status, 401);
}
