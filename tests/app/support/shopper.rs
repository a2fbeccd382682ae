//! The mini-program side: envelopes, shoppers and their logins, checkout, WeChat Pay through the
//! sandbox, and verification codes read back from the outbox.

use serde_json::{json, Value};

use super::TestApp;

/// Asserts an envelope's code, showing the whole answer when it differs.
#[track_caller]
pub fn assert_code(res: &Value, code: i64) {
    assert_eq!(res["code"], code, "expected code {code}, got {res}");
    assert!(res["msg"].as_str().is_some_and(|m| !m.is_empty()), "msg must be a non-empty string: {res}");
}

impl TestApp {
    /// Creates a shopper and a live token for them, without going through a login.
    pub fn shopper(&self, nick: &str) -> (i64, String) {
        self.new_shopper(nick).create()
    }

    /// Logs in through WeChat (the sandbox) with a login code; returns (uid, token).
    pub fn login_wechat(&self, code: &str) -> (i64, String) {
        let res = self.post("/shop/user/wxapp/authorize", &[("code", code)]);
        assert_code(&res, 0);
        (res["data"]["uid"].as_i64().unwrap(), res["data"]["token"].as_str().unwrap().to_string())
    }
}

/// A goodsJsonStr with one line.
pub fn one_line(goods: i64, number: i64, key: &str) -> String {
    json!([{ "goodsId": goods, "number": number, "propertyChildIds": key, "logisticsType": 0 }]).to_string()
}

pub const CREATE: &str = "/shop/order/create";

/// Creates a kd order with one line; the answer.
pub fn create(app: &TestApp, token: &str, goods_json: &str, extra: &[(&str, &str)]) -> Value {
    let mut form = vec![
        ("token", token),
        ("goodsJsonStr", goods_json),
        ("peisongType", "kd"),
        ("linkMan", "张三"),
        ("mobile", "13800138000"),
        ("provinceId", "440000"),
        ("cityId", "440300"),
        ("districtId", "440305"),
        ("address", "科技园南区 1 栋 101"),
    ];
    form.extend_from_slice(extra);
    app.post(CREATE, &form)
}

/// The order id in an order/create answer.
#[track_caller]
pub fn order_id(res: &Value) -> String {
    res["data"]["id"].as_i64().unwrap_or_else(|| panic!("no order id: {res}")).to_string()
}

pub const WXPAY: &str = "/shop/pay/wx/wxapp";

/// wxpay with `money` yuan and an optional nextAction; the answer.
pub fn wxpay(app: &TestApp, token: &str, money: &str, next_action: Option<&str>) -> Value {
    let mut form = vec![("token", token), ("money", money), ("remark", "测试支付")];
    if let Some(a) = next_action {
        form.push(("nextAction", a));
    }
    app.post(WXPAY, &form)
}

/// The prepay_id in a wxpay answer's `package`.
pub fn prepay_of(res: &Value) -> String {
    assert_code(res, 0);
    res["data"]["package"].as_str().unwrap().trim_start_matches("prepay_id=").to_string()
}

/// The sandbox pays a prepay and notifies the shop (`notify` false: paid silently).
pub fn sandbox_pay(app: &TestApp, prepay_id: &str, notify: bool) -> Value {
    app.sandbox_post("/sandbox/pay/control/pay", &json!({ "prepay_id": prepay_id, "notify": notify }))
}

pub const SMS_GET: &str = "/shop/verification/sms/get";
pub const MAIL_GET: &str = "/shop/verification/mail/get";

/// The first run of exactly six digits in a text.
pub fn six_digits(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit()).find(|run| run.len() == 6).map(str::to_string)
}

/// The newest outbox message to a target, from the database.
pub fn outbox(app: &TestApp, target: &str) -> (String, String) {
    app.query(|c| {
        c.query_row(
            "SELECT content, status FROM code_outbox WHERE target = ?1 ORDER BY id DESC LIMIT 1",
            [target],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    })
}

/// Sends an SMS code and reads it back from the outbox.
pub fn sms_code(app: &TestApp, mobile: &str) -> String {
    assert_code(&app.get(SMS_GET, &[("mobile", mobile)]), 0);
    let (content, status) = outbox(app, mobile);
    assert_eq!(status, "outbox");
    six_digits(&content).unwrap_or_else(|| panic!("no code in {content}"))
}

/// Sends an e-mail code and reads it back from the outbox.
pub fn mail_code(app: &TestApp, mail: &str) -> String {
    assert_code(&app.get(MAIL_GET, &[("mail", mail)]), 0);
    six_digits(&outbox(app, mail).0).unwrap()
}

/// Moves every stored send of a target back in time, as if it happened `secs` earlier (the clock
/// cannot be moved, so the rows are).
pub fn age_codes(app: &TestApp, target: &str, secs: i64) {
    app.write(|c| {
        c.execute(
            "UPDATE verification_codes SET date_add = date_add - ?2, expires_at = expires_at - ?2
             WHERE target = ?1",
            rusqlite::params![target, secs],
        )
    });
}
