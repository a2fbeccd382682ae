//! The shopper's pay password: set once, modify with the old one, reset by SMS code, and orderPay
//! asking for it (missing, wrong, right, and the lockout after 5 wrong tries).

use serde_json::Value;
use xiaodian::service::ledger::Account;

use crate::support::*;

const SET: &str = "/shop/user/paypwd/set";
const MODIFY: &str = "/shop/user/paypwd/modify";
const RESET: &str = "/shop/user/paypwd/reset";
const PAY: &str = "/shop/order/pay";

/// A shopper with 100.00 on the balance and an unpaid 19.90 order: (uid, token, order id).
fn shopper_with_order(app: &TestApp) -> (i64, String, String) {
    let (uid, token) = app.login_wechat("code-alice");
    app.credit(uid, Account::Balance, 10_000);
    let tea = app.goods().name("龙井茶").price(1990).stock(10).create();
    let res = create(app, &token, &one_line(tea, 1, ""), &[]);
    assert_code(&res, 0);
    let id = res["data"]["id"].as_i64().unwrap().to_string();
    (uid, token, id)
}

fn pay(app: &TestApp, token: &str, id: &str, pwd: Option<&str>) -> Value {
    let mut form = vec![("token", token), ("orderId", id)];
    if let Some(p) = pwd {
        form.push(("pwd", p));
    }
    app.post(PAY, &form)
}

fn msg(res: &Value) -> &str {
    res["msg"].as_str().unwrap_or_default()
}

#[test]
fn a_pay_password_is_six_digits_set_once_and_modified_with_the_old_one() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    for bad in ["12345", "1234567", "12a456"] {
        let res = app.post(SET, &[("token", &token), ("pwd", bad)]);
        assert_code(&res, 300);
        assert!(msg(&res).contains("pwd"), "{res}");
    }
    assert_code(&app.post(SET, &[("pwd", "123456")]), 2000);
    assert_code(&app.post(MODIFY, &[("token", &token), ("pwdOld", "123456"), ("pwdNew", "654321")]), 403);

    assert_code(&app.post(SET, &[("token", &token), ("pwd", "123456")]), 0);
    let again = app.post(SET, &[("token", &token), ("pwd", "111111")]);
    assert_code(&again, 403);
    assert!(msg(&again).contains("修改"), "{again}");

    let wrong = app.post(MODIFY, &[("token", &token), ("pwdOld", "000000"), ("pwdNew", "654321")]);
    assert_code(&wrong, 401);
    assert!(msg(&wrong).contains("4 次"), "{wrong}");
    let bad_new = app.post(MODIFY, &[("token", &token), ("pwdOld", "123456"), ("pwdNew", "6543")]);
    assert_code(&bad_new, 300);
    assert!(msg(&bad_new).contains("pwdNew"), "{bad_new}");
    assert_code(&app.post(MODIFY, &[("token", &token), ("pwdOld", "123456"), ("pwdNew", "654321")]), 0);
    assert_code(&app.post(MODIFY, &[("token", &token), ("pwdOld", "123456"), ("pwdNew", "222222")]), 401);
}

#[test]
fn order_pay_asks_for_the_pay_password_once_one_is_set() {
    let app = TestApp::new();
    let (uid, token, id) = shopper_with_order(&app);
    assert_code(&app.post(SET, &[("token", &token), ("pwd", "123456")]), 0);

    let missing = pay(&app, &token, &id, None);
    assert_code(&missing, 300);
    assert!(msg(&missing).contains("pwd") && msg(&missing).contains("请输入支付密码"), "{missing}");
    let wrong = pay(&app, &token, &id, Some("000000"));
    assert_code(&wrong, 401);
    assert!(msg(&wrong).contains("支付密码错误"), "{wrong}");
    assert_eq!(app.account(uid).balance, 10_000, "refused payments take nothing");

    let paid = pay(&app, &token, &id, Some("123456"));
    assert_code(&paid, 0);
    assert_eq!(paid["data"]["status"], 1);
    assert_eq!(app.account(uid).balance, 10_000 - 1990);
}

#[test]
fn order_pay_needs_no_password_when_none_is_set() {
    let app = TestApp::new();
    let (uid, token, id) = shopper_with_order(&app);
    assert_code(&pay(&app, &token, &id, None), 0);
    assert_eq!(app.account(uid).balance, 10_000 - 1990);
}

#[test]
fn five_wrong_tries_lock_paying_for_fifteen_minutes_even_with_the_right_password() {
    let app = TestApp::new();
    let (uid, token, id) = shopper_with_order(&app);
    assert_code(&app.post(SET, &[("token", &token), ("pwd", "123456")]), 0);
    for left in (1..=4).rev() {
        let res = pay(&app, &token, &id, Some("000000"));
        assert_code(&res, 401);
        assert!(msg(&res).contains(&format!("{left} 次")), "{res}");
    }
    let fifth = pay(&app, &token, &id, Some("000000"));
    assert_code(&fifth, 429);
    assert!(msg(&fifth).contains("15 分钟"), "{fifth}");
    let right = pay(&app, &token, &id, Some("123456"));
    assert_code(&right, 429);
    assert_eq!(app.account(uid).balance, 10_000);

    // Once the lockout has passed, the right password pays.
    app.write(|c| {
        c.execute(
            "UPDATE pay_passwords SET locked_until = locked_until - 15 * 60 WHERE user_id = ?1",
            [uid],
        )?;
        Ok::<_, Failed>(())
    });
    assert_code(&pay(&app, &token, &id, Some("123456")), 0);
}

#[test]
fn a_right_password_clears_earlier_wrong_tries() {
    let app = TestApp::new();
    let (_, token, id) = shopper_with_order(&app);
    assert_code(&app.post(SET, &[("token", &token), ("pwd", "123456")]), 0);
    for _ in 0..4 {
        assert_code(&pay(&app, &token, &id, Some("000000")), 401);
    }
    assert_code(&app.post(MODIFY, &[("token", &token), ("pwdOld", "123456"), ("pwdNew", "654321")]), 0);
    let res = pay(&app, &token, &id, Some("000000"));
    assert!(msg(&res).contains("4 次"), "the count started again: {res}");
}

#[test]
fn an_sms_code_resets_a_forgotten_pay_password_and_lifts_the_lockout() {
    let app = TestApp::new();
    let (uid, token, id) = shopper_with_order(&app);
    let mobile = "13900139000";
    app.set_mobile(uid, mobile);
    assert_code(&app.post(SET, &[("token", &token), ("pwd", "123456")]), 0);
    for _ in 0..5 {
        pay(&app, &token, &id, Some("000000"));
    }
    assert_code(&pay(&app, &token, &id, Some("123456")), 429);

    let code = sms_code(&app, mobile);
    let wrong_code = if code == "000000" { "111111" } else { "000000" };
    assert_code(&app.post(RESET, &[("mobile", mobile), ("code", wrong_code), ("pwd", "777777")]), 302);
    let bad = app.post(RESET, &[("mobile", mobile), ("code", &code), ("pwd", "777")]);
    assert_code(&bad, 300);
    assert!(msg(&bad).contains("pwd"), "{bad}");
    assert_code(&app.post(RESET, &[("mobile", mobile), ("code", &code), ("pwd", "777777")]), 0);
    assert_code(&app.post(RESET, &[("mobile", mobile), ("code", &code), ("pwd", "888888")]), 302);

    assert_code(&pay(&app, &token, &id, Some("123456")), 401);
    assert_code(&pay(&app, &token, &id, Some("777777")), 0);
}

#[test]
fn resetting_for_an_unknown_mobile_is_refused() {
    let app = TestApp::new();
    let code = sms_code(&app, "13700137000");
    let res = app.post(RESET, &[("mobile", "13700137000"), ("code", &code), ("pwd", "777777")]);
    assert_code(&res, 404);
}

#[test]
fn thirty_wrong_pay_passwords_sent_together_are_checked_five_times_then_paying_is_locked() {
    let app = TestApp::new();
    let (uid, token, id) = shopper_with_order(&app);
    assert_code(&app.post(SET, &[("token", &token), ("pwd", "123456")]), 0);
    let url = app.url(PAY);
    let start = std::sync::Barrier::new(30);
    let codes: Vec<i64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..30)
            .map(|_| {
                s.spawn(|| {
                    let agent: ureq::Agent =
                        ureq::Agent::config_builder().http_status_as_error(false).build().into();
                    start.wait();
                    let form = [("token", token.as_str()), ("orderId", id.as_str()), ("pwd", "000000")];
                    let mut res = agent.post(&url).send_form(form).unwrap();
                    let body: Value =
                        serde_json::from_str(&res.body_mut().read_to_string().unwrap()).unwrap();
                    body["code"].as_i64().unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    // Tries 1–4 are wrong (401), the 5th is wrong and locks (429); the rest were never checked.
    assert_eq!(codes.iter().filter(|&&c| c == 401).count(), 4, "{codes:?}");
    assert_eq!(codes.iter().filter(|&&c| c == 429).count(), 26, "{codes:?}");
    let right = pay(&app, &token, &id, Some("123456"));
    assert_code(&right, 429);
    assert!(msg(&right).contains("分钟后再试"), "{right}");
    assert_eq!(app.account(uid).balance, 10_000);
}
