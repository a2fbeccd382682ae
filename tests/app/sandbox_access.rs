//! Who may play WeChat against the sandbox: its controls (pay an order, read a shopper's code, set
//! faults, push events) want the console session or a merchant API key; what the shop itself
//! calls as "WeChat" stays open; a person pays on the console's 沙箱记录 page.

use serde_json::{json, Value};
use xiaodian::db::payment::status;

use crate::support::*;

/// Every control route, with a body that would do something.
fn controls() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        ("POST", "/sandbox/pay/control/pay", json!({ "out_trade_no": "x", "notify": false })),
        ("POST", "/sandbox/pay/control/notify", json!({ "out_trade_no": "x" })),
        ("POST", "/sandbox/pay/control/schedule", json!({ "ms": [1] })),
        ("POST", "/sandbox/pay/control/refund-next", json!({ "mode": "succeed" })),
        ("POST", "/sandbox/pay/control/refund-settle/R1", json!({})),
        ("GET", "/sandbox/codes/latest?target=13800138000", Value::Null),
        ("GET", "/sandbox/wechat/control/codes", Value::Null),
        ("POST", "/sandbox/wechat/control/codes", json!({ "codeQuota": 0 })),
        ("GET", "/sandbox/wechat/control/record", Value::Null),
        ("POST", "/sandbox/wechat/control/kefu-push", json!({ "code": "alice", "content": "hi" })),
        ("GET", "/sandbox/wechat/control/kefu-sent", Value::Null),
        ("GET", "/sandbox/wechat/control/messages", Value::Null),
        ("POST", "/sandbox/wechat/control/messages", json!({ "down": true })),
        ("POST", "/sandbox/wechat/control/expire-tokens", json!({})),
        ("POST", "/sandbox/wechat/control/encrypt", json!({ "openid": "o", "data": {} })),
        ("GET", "/sandbox/wechat/control/sec-words", Value::Null),
        ("POST", "/sandbox/wechat/control/sec-words", json!({ "risky": [], "review": [] })),
    ]
}

/// Calls a route with optional extra headers; status and JSON body (Null when not JSON).
fn call(app: &TestApp, method: &str, path: &str, body: &Value, headers: &[(&str, &str)]) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut req = ureq::http::Request::builder().method(method).uri(app.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut res = if body.is_null() {
        agent.run(req.body(()).unwrap())
    } else {
        agent.run(req.header("Content-Type", "application/json").body(body.to_string()).unwrap())
    }
    .unwrap();
    let text = res.body_mut().read_to_string().unwrap();
    (res.status().as_u16(), serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[test]
fn every_sandbox_control_refuses_a_caller_without_a_session_or_key() {
    let app = TestApp::new();
    for (method, path, body) in controls() {
        for headers in [
            &[][..],
            &[("Authorization", "Bearer not-a-key")][..],
            &[("Cookie", "xiaodian_admin=forged")][..],
        ] {
            let (status, res) = call(&app, method, path, &body, headers);
            assert_eq!(status, 401, "{method} {path} with {headers:?}: {res}");
            assert_eq!(res["errcode"], 41001, "{method} {path}: {res}");
            assert!(res["errmsg"].as_str().unwrap().contains("Bearer"), "{res}");
        }
        let key = format!("Bearer {SANDBOX_OPERATOR_KEY}");
        let (status, res) = call(&app, method, path, &body, &[("Authorization", &key)]);
        assert_ne!(status, 401, "{method} {path} with the merchant key: {res}");
    }
}

#[test]
fn an_anonymous_caller_cannot_pay_an_order_or_read_a_shoppers_code() {
    let app = TestApp::new();
    let (_, token) = app.login_wechat("code-victim");
    let prepay = prepay_of(&wxpay(&app, &token, "67.90", None));
    let paid = |app: &TestApp| -> i64 {
        app.query(|c| {
            c.query_row("SELECT status FROM payments WHERE prepay_id = ?1", [&prepay], |r| r.get(0))
        })
    };
    let (status, _) = call(&app, "POST", "/sandbox/pay/control/pay", &json!({ "prepay_id": prepay }), &[]);
    assert_eq!(status, 401);
    let (status, _) = app.post_raw(
        "/sandbox/pay/confirm",
        "application/x-www-form-urlencoded",
        format!("prepay_id={prepay}").as_bytes(),
    );
    assert_eq!(status, 401);
    assert_eq!(paid(&app), status::PENDING);

    let code = sms_code(&app, "13800138007");
    let (status, body) = app.get_raw("/sandbox/codes/latest", &[("target", "13800138007")]);
    assert_eq!(status, 401);
    assert!(!String::from_utf8_lossy(&body).contains(&code));
    assert_eq!(app.sandbox_get("/sandbox/codes/latest", &[("target", "13800138007")])["code"], code.as_str());

    // With the key, the same call pays.
    assert_eq!(
        app.sandbox_post("/sandbox/pay/control/pay", &json!({ "prepay_id": prepay }))["delivered"],
        true
    );
    assert_eq!(paid(&app), status::PAID);
}

#[test]
fn what_the_shop_calls_as_wechat_stays_open() {
    let app = TestApp::new();
    let (status, body) = app.get_raw(
        "/sandbox/wechat/sns/jscode2session",
        &[
            ("appid", xiaodian::wechat::SANDBOX_APPID),
            ("secret", xiaodian::wechat::SANDBOX_SECRET),
            ("js_code", "alice"),
            ("grant_type", "authorization_code"),
        ],
    );
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("session_key"));
    let (status, text) = app.post_raw("/sandbox/pay/pay/orderquery", "text/xml", b"<xml></xml>");
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("FAIL"), "the merchant's own call is judged by its signature: {text}");
    // And the shop's own WeChat calls still work end to end.
    app.login_wechat("code-open");
}

/// Signs in to the console by hand; the `xiaodian_admin=…` cookie pair.
fn console_cookie(app: &TestApp) -> String {
    let agent: ureq::Agent =
        ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let cookie_of = |res: &ureq::http::Response<ureq::Body>, name: &str| -> String {
        res.headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} cookie"))
    };
    let mut page = agent.get(&app.url("/admin/login")).call().unwrap();
    let login_cookie = cookie_of(&page, "xiaodian_login");
    let body = page.body_mut().read_to_string().unwrap();
    let at = body.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = body[at..at + 64].to_string();
    let res = agent
        .post(&app.url("/admin/login"))
        .header("Cookie", &login_cookie)
        .send_form([
            ("username", "admin"),
            ("password", "test-admin-password"),
            ("csrf", &csrf),
            ("next", "/admin"),
        ])
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    cookie_of(&res, "xiaodian_admin")
}

#[test]
fn the_console_session_cookie_is_an_operator_too() {
    let app = TestApp::with(|c| c.admin_api_key = None);
    let session = console_cookie(&app);
    let (status, res) =
        call(&app, "GET", "/sandbox/wechat/control/sec-words", &Value::Null, &[("Cookie", &session)]);
    assert_eq!(status, 200, "{res}");
    assert_eq!(res["risky"][0], "违禁词");
    let (status, _) = call(&app, "GET", "/sandbox/wechat/control/sec-words", &Value::Null, &[]);
    assert_eq!(status, 401);
    // A key that is sent is judged on its own: a wrong one is not rescued by the cookie.
    let both = [("Cookie", session.as_str()), ("Authorization", "Bearer wrong")];
    assert_eq!(call(&app, "GET", "/sandbox/wechat/control/sec-words", &Value::Null, &both).0, 401);
}

#[test]
fn a_person_pays_a_sandbox_order_on_the_console_page() {
    let app = TestApp::new();
    let (_, token) = app.login_wechat("code-console-pay");
    let prepay = prepay_of(&wxpay(&app, &token, "12.30", None));
    let no: String = app.query(|c| {
        c.query_row("SELECT out_trade_no FROM payments WHERE prepay_id = ?1", [&prepay], |r| r.get(0))
    });

    // The old pay page sends a person to the console.
    let (status, _) = {
        let agent: ureq::Agent =
            ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
        let res = agent.get(&app.url(&format!("/sandbox/pay/confirm?prepay_id={prepay}"))).call().unwrap();
        let to = res.headers().get("location").unwrap().to_str().unwrap().to_string();
        assert_eq!(to, "/admin/sandbox#pay");
        (res.status().as_u16(), to)
    };
    assert_eq!(status, 303);

    let mut b = Browser::staff(&app);
    let page = b.get("/admin/sandbox");
    page.assert_has("待支付的沙箱订单").assert_has(&no).assert_has("12.30").assert_has("确认支付");
    let csrf = page.csrf();
    // Without the form's CSRF token nothing is paid.
    assert_eq!(b.post("/admin/sandbox/pay", &[("prepay_id", &prepay)]).status, 403);
    let res = b.post("/admin/sandbox/pay", &[("csrf", &csrf), ("prepay_id", &prepay)]);
    assert_eq!(res.status, 303, "{}", res.body);
    let back = b.get("/admin/sandbox");
    back.assert_has("已支付，商户已确认");
    assert!(!back.body.contains(&prepay), "a paid order leaves the list");
    let paid: i64 = app
        .query(|c| c.query_row("SELECT status FROM payments WHERE prepay_id = ?1", [&prepay], |r| r.get(0)));
    assert_eq!(paid, status::PAID);
    // Paying again is refused with WeChat's words.
    let again = b.post("/admin/sandbox/pay", &[("csrf", &csrf), ("prepay_id", &prepay)]);
    assert_eq!(again.status, 303);
    b.get("/admin/sandbox").assert_has("该订单已支付");
}
