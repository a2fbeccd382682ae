//! WeChat Pay end to end through the sandbox over real HTTP: wxpay → the sandbox pays → its signed
//! notify → the purpose applied before the shopper's next call; forged and replayed notifies;
//! reconciliation; the other channels.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use xiaodian::db::ledger::Account;
use xiaodian::db::unix_now;
use xiaodian::service::payment::RECONCILE_AFTER_SECS;
use xiaodian::wechat::pay::{self, SignType, SANDBOX_MCH_ID, SANDBOX_PAY_KEY};
use xiaodian::wechat::{WeChat, SANDBOX_APPID};

use crate::support::*;

const NOTIFY: &str = "/notify/wxpay";

/// A shopper who logged in through WeChat (needed for an openid).
fn shopper(app: &TestApp, code: &str) -> (i64, String) {
    app.login_wechat(code)
}

/// An order of goods priced `fen`; its id.
fn order_of(app: &TestApp, token: &str, fen: i64) -> i64 {
    let g = app.goods().name("测试商品").price(fen).stock(10).create();
    let res = create(app, token, &one_line(g, 1, ""), &[]);
    assert_code(&res, 0);
    res["data"]["id"].as_i64().unwrap()
}

fn order_status(app: &TestApp, token: &str, id: i64) -> i64 {
    let res = app.get("/shop/order/detail", &[("token", token), ("id", &id.to_string())]);
    assert_code(&res, 0);
    res["data"]["orderInfo"]["status"].as_i64().unwrap()
}

fn payment_status(app: &TestApp, out_trade_no: &str) -> (i64, String) {
    app.query(|c| {
        c.query_row("SELECT status, apply_error FROM payments WHERE out_trade_no = ?1", [out_trade_no], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    })
}

fn out_trade_no_of(app: &TestApp, prepay_id: &str) -> String {
    app.query(|c| {
        c.query_row("SELECT out_trade_no FROM payments WHERE prepay_id = ?1", [prepay_id], |r| r.get(0))
    })
}

fn check_is_clean(app: &TestApp) {
    let problems = app.query(xiaodian::service::payment::check);
    assert!(problems.is_empty(), "{problems:?}");
    let problems = app.query(xiaodian::service::ledger::check);
    assert!(problems.is_empty(), "{problems:?}");
}

/// The five requestPayment fields, with paySign verified over appId/nonceStr/package/signType/timeStamp.
fn assert_request_payment(data: &Value, sign_type: SignType) {
    assert!(data["timeStamp"].is_string(), "timeStamp must be a string: {data}");
    assert!(data["package"].as_str().unwrap().starts_with("prepay_id=wx"));
    assert_eq!(data["signType"], sign_type.as_str());
    let mut m = BTreeMap::new();
    m.insert("appId".to_string(), SANDBOX_APPID.to_string());
    for k in ["timeStamp", "nonceStr", "package", "signType"] {
        m.insert(k.to_string(), data[k].as_str().unwrap().to_string());
    }
    assert_eq!(data["paySign"].as_str().unwrap(), pay::sign(&m, SANDBOX_PAY_KEY, sign_type));
}

#[test]
fn an_order_paid_by_wechat_is_paid_before_the_next_call() {
    let app = TestApp::new();
    let (uid, token) = shopper(&app, "code-alice");
    let id = order_of(&app, &token, 10000);
    let action = format!("{{\"type\":0,\"id\":{id}}}");
    let res = wxpay(&app, &token, "100", Some(&action));
    assert_request_payment(&res["data"], SignType::Md5);
    let prepay = prepay_of(&res);
    let no = out_trade_no_of(&app, &prepay);
    assert_eq!(payment_status(&app, &no).0, 0);
    assert_eq!(order_status(&app, &token, id), 0);

    let paid = sandbox_pay(&app, &prepay, true);
    assert_eq!(paid["delivered"], true, "{paid}");
    assert_eq!(order_status(&app, &token, id), 1, "the notify applied the order before the next call");
    assert_eq!(payment_status(&app, &no).0, 1);
    assert_eq!(app.account(uid).balance, 0, "credited then spent");

    // payLogs by the order number carries the nextAction as a JSON string; payQuery agrees.
    let number: String =
        app.query(|c| c.query_row("SELECT order_number FROM orders WHERE id = ?1", [id], |r| r.get(0)));
    let logs = app.post("/shop/user/payLogs", &[("token", &token), ("orderNo", &number)]);
    assert_code(&logs, 0);
    let next: Value = serde_json::from_str(logs["data"][0]["nextAction"].as_str().unwrap()).unwrap();
    assert_eq!(next["id"], id);
    assert_eq!(logs["data"][0]["money"], 100.0);
    let q = app.get("/shop/pay/query", &[("token", &token), ("outTradeId", &no)]);
    assert_code(&q, 0);
    assert_eq!(q["data"]["status"], 1);
    let (_, other) = shopper(&app, "code-bob");
    assert_code(&app.get("/shop/pay/query", &[("token", &other), ("outTradeId", &no)]), 404);
    assert_code(&app.post("/shop/user/payLogs", &[("token", &other)]), 700);
    check_is_clean(&app);
}

#[test]
fn hmac_sha256_signs_the_fields_and_the_notify() {
    let app = TestApp::new();
    app.set_setting("wxpaySignType", "HMAC-SHA256");
    let (uid, token) = shopper(&app, "code-alice");
    let res = wxpay(&app, &token, "12.34", None);
    assert_request_payment(&res["data"], SignType::HmacSha256);
    let paid = sandbox_pay(&app, &prepay_of(&res), true);
    assert_eq!(paid["delivered"], true, "{paid}");
    assert_eq!(app.account(uid).balance, 1234);
}

#[test]
fn the_rest_of_an_order_comes_from_the_balance() {
    let app = TestApp::new();
    let (uid, token) = shopper(&app, "code-alice");
    app.credit(uid, Account::Balance, 3000);
    let id = order_of(&app, &token, 10000);
    let res = wxpay(&app, &token, "70", Some(&format!("{{\"type\":0,\"id\":\"{id}\"}}")));
    sandbox_pay(&app, &prepay_of(&res), true);
    assert_eq!(order_status(&app, &token, id), 1);
    assert_eq!(app.account(uid).balance, 0);
    let amount = app.get("/shop/user/amount", &[("token", &token)]);
    assert_eq!(amount["data"]["balance"], 0.0);
    check_is_clean(&app);
}

#[test]
fn one_payment_pays_a_comma_list_of_orders() {
    let app = TestApp::new();
    let (uid, token) = shopper(&app, "code-alice");
    let (a, b) = (order_of(&app, &token, 1000), order_of(&app, &token, 2500));
    let res = wxpay(&app, &token, "35", Some(&format!("{{\"type\":0,\"id\":\"{a},{b}\"}}")));
    sandbox_pay(&app, &prepay_of(&res), true);
    assert_eq!(order_status(&app, &token, a), 1);
    assert_eq!(order_status(&app, &token, b), 1);
    assert_eq!(app.account(uid).balance, 0);
    check_is_clean(&app);
}

#[test]
fn a_recharge_gets_the_best_bonus_as_its_own_ledger_row() {
    let app = TestApp::new();
    assert_code(&app.get("/shop/user/recharge/send/rule", &[]), 700);
    app.write(|c| {
        xiaodian::db::payment::put_recharge_rule(c, 5000, 300, unix_now())?;
        xiaodian::db::payment::put_recharge_rule(c, 10000, 1000, unix_now())?;
        xiaodian::db::payment::put_recharge_rule(c, 20000, 3000, unix_now())
    });
    let rules = app.get("/shop/user/recharge/send/rule", &[]);
    assert_code(&rules, 0);
    assert_eq!(rules["data"][1]["confine"], 100.0);
    assert_eq!(rules["data"][1]["send"], 10.0);
    let (uid, token) = shopper(&app, "code-alice");
    let res = wxpay(&app, &token, "150", None);
    sandbox_pay(&app, &prepay_of(&res), true);
    assert_eq!(app.account(uid).balance, 16000, "150 paid + 10 bonus (best rule reached: 100 → 10)");
    assert_eq!(app.ledger_rows(uid), 2, "the payment and the bonus are two rows");
    let logs = app.post("/shop/user/payLogs", &[("token", &token)]);
    assert_eq!(logs["data"][0]["sendMoney"], 10.0);
    assert_eq!(logs["data"][0]["nextAction"], "");
    check_is_clean(&app);
}

#[test]
fn a_member_level_and_a_coupon_can_be_bought_by_wechat_pay() {
    let app = TestApp::new();
    let (uid, token) = shopper(&app, "code-alice");
    let gold = app.level("黄金会员", 1).rebate(95).create();
    let month = app.level_price(gold, 30, 1990, true);
    let res = wxpay(&app, &token, "19.9", Some(&format!("{{\"type\":6,\"userLevelPriceId\":{month}}}")));
    sandbox_pay(&app, &prepay_of(&res), true);
    let held = app.query(|c| xiaodian::service::levels::held(c, uid, unix_now()));
    assert_eq!(held.map(|(l, _)| l.id), Some(gold));

    let rule = xiaodian::db::coupons::RuleFields {
        name: "付费券".into(),
        money_type: 0,
        money: 1000,
        valid_type: 0,
        date_start: unix_now() - 60,
        date_end: unix_now() + 86_400,
        number_total: 10,
        per_user: 1,
        need_amount: 990,
        ..Default::default()
    };
    let rule_id = app.coupon().fields(|f| *f = rule).create();
    let res = wxpay(&app, &token, "9.9", Some(&format!("{{\"type\":7,\"couponRuleId\":{rule_id}}}")));
    sandbox_pay(&app, &prepay_of(&res), true);
    let owned: i64 = app.query(|c| {
        c.query_row(
            "SELECT COUNT(*) FROM coupon_users WHERE user_id = ?1 AND rule_id = ?2",
            [uid, rule_id],
            |r| r.get(0),
        )
    });
    assert_eq!(owned, 1);
    assert_eq!(app.account(uid).balance, 0);
    check_is_clean(&app);
}

#[test]
fn a_pay_bill_and_a_deposit_can_be_paid_by_wechat_pay() {
    let app = TestApp::new();
    let (uid, token) = shopper(&app, "code-alice");
    let res = wxpay(&app, &token, "25.5", Some(&format!("{{\"type\":4,\"uid\":{uid},\"money\":25.5}}")));
    sandbox_pay(&app, &prepay_of(&res), true);
    let bills: i64 =
        app.query(|c| c.query_row("SELECT COUNT(*) FROM pay_bills WHERE user_id = ?1", [uid], |r| r.get(0)));
    assert_eq!(bills, 1, "the bill is recorded once paid");
    assert_eq!(app.account(uid).balance, 0, "the WeChat money paid the bill, nothing left over");

    // A deposit of 50 paid 30 by WeChat takes the other 20 from the balance and is held frozen.
    app.credit(uid, Account::Balance, 2000);
    let res = wxpay(&app, &token, "30", Some("{\"type\":5,\"amount\":50}"));
    sandbox_pay(&app, &prepay_of(&res), true);
    let a = app.account(uid);
    assert_eq!((a.balance, a.freeze), (0, 5000));
    let deposits = app.post("/shop/deposit/list", &[("token", &token)]);
    assert_code(&deposits, 0);
    check_is_clean(&app);
    assert!(app.query(xiaodian::service::ledger::check).is_empty());
}

#[test]
fn wxpay_refuses_what_it_could_not_apply_naming_the_parameter() {
    let app = TestApp::new();
    let (_, token) = shopper(&app, "code-alice");
    let (_, bob) = shopper(&app, "code-bob");
    let id = order_of(&app, &token, 1000);
    let bobs = order_of(&app, &bob, 1000);
    // Types 13 (a distributorship) and 14 (a team leadership) are served and refused by their
    // rules (403 while off); 99 is no type at all.
    assert_code(&wxpay(&app, &token, "1", Some("{\"type\":14}")), 403);
    for bad in ["{\"type\":99}", "not json", "[1]", "{\"type\":0}"] {
        let res = wxpay(&app, &token, "1", Some(bad));
        assert_code(&res, 300);
        assert!(res["msg"].as_str().unwrap().contains("nextAction"), "{bad}: {res}");
    }
    // A pay-bill whose WeChat amount is not the bill, and a deposit paid beyond itself.
    assert_code(&wxpay(&app, &token, "1", Some("{\"type\":4,\"money\":2}")), 300);
    assert_code(&wxpay(&app, &token, "3", Some("{\"type\":5,\"amount\":2}")), 300);
    assert_code(&wxpay(&app, &token, "1", Some(&format!("{{\"type\":0,\"id\":{bobs}}}"))), 404);
    let too_much = wxpay(&app, &token, "10.01", Some(&format!("{{\"type\":0,\"id\":{id}}}")));
    assert_code(&too_much, 300);
    assert!(too_much["msg"].as_str().unwrap().contains("money"));
    for m in ["0", "-1", "abc", "1.234"] {
        assert_code(&wxpay(&app, &token, m, None), 300);
    }
    assert_code(&app.post(WXPAY, &[("token", &token)]), 300);
    assert_code(&app.post(WXPAY, &[("money", "1")]), 2000);
    // A shopper without WeChat login has no openid to pay with.
    let (_, plain_token) = app.shopper("carol");
    assert_code(&wxpay(&app, &plain_token, "1", None), 403);
    // The order paid meanwhile cannot be paid again.
    app.credit(
        app.query(|c| c.query_row("SELECT user_id FROM orders WHERE id = ?1", [id], |r| r.get(0))),
        Account::Balance,
        1000,
    );
    assert_code(&app.post("/shop/order/pay", &[("token", &token), ("orderId", &id.to_string())]), 0);
    assert_code(&wxpay(&app, &token, "1", Some(&format!("{{\"type\":0,\"id\":{id}}}"))), 403);
    let none: i64 = app.query(|c| c.query_row("SELECT COUNT(*) FROM payments", [], |r| r.get(0)));
    assert_eq!(none, 0, "nothing refused was recorded");
}

/// A notify XML signed with `key`.
fn signed_notify(fields: &[(&str, &str)], key: &str) -> String {
    let mut m: BTreeMap<String, String> =
        fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    pay::sign_request(&mut m, key, SignType::Md5);
    pay::to_xml(&m)
}

#[test]
fn forged_notifies_are_refused_and_a_replay_changes_nothing() {
    let app = TestApp::new();
    let (uid, token) = shopper(&app, "code-alice");
    let id = order_of(&app, &token, 5000);
    let prepay = prepay_of(&wxpay(&app, &token, "50", Some(&format!("{{\"type\":0,\"id\":{id}}}"))));
    let no = out_trade_no_of(&app, &prepay);
    let paid = sandbox_pay(&app, &prepay, false);
    assert!(paid["transaction_id"].is_string(), "{paid}");
    let forge = |tamper: Value| {
        let mut body = json!({ "out_trade_no": no });
        body.as_object_mut().unwrap().extend(tamper.as_object().unwrap().clone());
        app.sandbox_post("/sandbox/pay/control/notify", &body)
    };
    for tamper in [
        json!({"key": "someoneelseskey00000000000000000"}),
        json!({"mch_id": "1900000999"}),
        json!({"appid": "wxother0000000000"}),
        json!({"total_fee": 1}),
        json!({"result_code": "FAIL"}),
    ] {
        let res = forge(tamper.clone());
        assert_eq!(res["acknowledged"], false, "{tamper}: {res}");
        assert!(res["answer"].as_str().unwrap().contains("FAIL"));
    }
    // An unknown out_trade_no, properly signed.
    let unknown = signed_notify(
        &[
            ("return_code", "SUCCESS"),
            ("result_code", "SUCCESS"),
            ("appid", SANDBOX_APPID),
            ("mch_id", SANDBOX_MCH_ID),
            ("out_trade_no", "XD-nobody"),
            ("transaction_id", "4200000000000000000000000001"),
            ("total_fee", "5000"),
        ],
        SANDBOX_PAY_KEY,
    );
    let (status, body) = app.post_raw(NOTIFY, "text/xml", unknown.as_bytes());
    assert_eq!(status, 200);
    assert!(body.contains("FAIL"));
    let (_, garbage) = app.post_raw(NOTIFY, "text/xml", b"<!DOCTYPE x><xml></xml>");
    assert!(garbage.contains("FAIL"));
    assert_eq!(order_status(&app, &token, id), 0, "nothing changed");
    assert_eq!(app.ledger_rows(uid), 0);
    assert_eq!(payment_status(&app, &no).0, 0);

    // The genuine notify, then its replays: applied once; the answer is WeChat's exact bytes.
    let res = forge(json!({}));
    assert_eq!(
        res["answer"],
        "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>"
    );
    let rows = app.ledger_rows(uid);
    assert_eq!(rows, 2, "credit and order debit");
    for _ in 0..3 {
        assert_eq!(forge(json!({}))["acknowledged"], true);
    }
    assert_eq!(app.ledger_rows(uid), rows, "replays change nothing");
    let other_tx = forge(json!({"transaction_id": "4200000000000000000000000099"}));
    assert_eq!(other_tx["acknowledged"], false, "another transaction for a paid payment is refused");
    assert_eq!(app.ledger_rows(uid), rows);
    assert_eq!(order_status(&app, &token, id), 1);
    check_is_clean(&app);
}

#[test]
fn when_the_order_closed_meanwhile_the_money_stays_in_the_balance() {
    let app = TestApp::new();
    let (uid, token) = shopper(&app, "code-alice");
    let id = order_of(&app, &token, 5000);
    let prepay = prepay_of(&wxpay(&app, &token, "50", Some(&format!("{{\"type\":0,\"id\":{id}}}"))));
    assert_code(&app.post("/shop/order/close", &[("token", &token), ("orderId", &id.to_string())]), 0);
    let paid = sandbox_pay(&app, &prepay, true);
    assert_eq!(paid["delivered"], true, "WeChat must stop repeating: {paid}");
    let (status, why) = payment_status(&app, &out_trade_no_of(&app, &prepay));
    assert_eq!(status, 3);
    assert!(!why.is_empty());
    assert_eq!(app.account(uid).balance, 5000);
    assert_eq!(order_status(&app, &token, id), -1);
    check_is_clean(&app);
}

#[test]
fn two_concurrent_balance_payments_of_one_order_take_the_balance_once() {
    let app = TestApp::new();
    let (uid, token) = shopper(&app, "code-alice");
    app.credit(uid, Account::Balance, 10000);
    let id = order_of(&app, &token, 6000).to_string();
    let codes: Vec<i64> = std::thread::scope(|s| {
        let calls: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    app.post("/shop/order/pay", &[("token", &token), ("orderId", &id)])["code"]
                        .as_i64()
                        .unwrap()
                })
            })
            .collect();
        calls.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 1, "{codes:?}");
    assert_eq!(app.account(uid).balance, 4000);
}

fn wechat_of(app: &TestApp) -> WeChat {
    WeChat::new(&app.cfg, app.db.clone(), app.settings.clone())
}

#[test]
fn reconciliation_applies_a_lost_notify_once_even_racing_the_notify() {
    let app = TestApp::new();
    let (uid, token) = shopper(&app, "code-alice");
    let id = order_of(&app, &token, 5000);
    let prepay = prepay_of(&wxpay(&app, &token, "50", Some(&format!("{{\"type\":0,\"id\":{id}}}"))));
    let no = out_trade_no_of(&app, &prepay);
    sandbox_pay(&app, &prepay, false);
    let wx = wechat_of(&app);
    // Too young to be queried: the notify may still come.
    assert_eq!(xiaodian::jobs::pay_reconcile::run_once(&app.db, &wx, unix_now()).unwrap(), 0);
    let later = unix_now() + RECONCILE_AFTER_SECS + 1;
    std::thread::scope(|s| {
        let job = s.spawn(|| xiaodian::jobs::pay_reconcile::run_once(&app.db, &wx, later).unwrap());
        let notify =
            s.spawn(|| app.sandbox_post("/sandbox/pay/control/notify", &json!({ "out_trade_no": no })));
        job.join().unwrap();
        assert_eq!(notify.join().unwrap()["acknowledged"], true);
    });
    assert_eq!(order_status(&app, &token, id), 1);
    assert_eq!(app.ledger_rows(uid), 2, "one credit, one debit");
    assert_eq!(payment_status(&app, &no).0, 1);
    check_is_clean(&app);
}

#[test]
fn reconciliation_closes_payments_of_closed_orders_and_expired_ones() {
    let app = TestApp::new();
    let (_, token) = shopper(&app, "code-alice");
    let id = order_of(&app, &token, 5000);
    let prepay = prepay_of(&wxpay(&app, &token, "50", Some(&format!("{{\"type\":0,\"id\":{id}}}"))));
    let no = out_trade_no_of(&app, &prepay);
    let recharge = out_trade_no_of(&app, &prepay_of(&wxpay(&app, &token, "8", None)));
    let wx = wechat_of(&app);
    assert_code(&app.post("/shop/order/close", &[("token", &token), ("orderId", &id.to_string())]), 0);
    assert_eq!(xiaodian::jobs::pay_reconcile::run_once(&app.db, &wx, unix_now()).unwrap(), 1);
    assert_eq!(payment_status(&app, &no).0, 2, "closed soon after its order");
    assert_eq!(payment_status(&app, &recharge).0, 0, "a young recharge waits");
    // The shopper can no longer pay it at WeChat.
    let late = sandbox_pay(&app, &prepay, true);
    assert!(late["error"].is_string(), "{late}");
    let expired = unix_now() + xiaodian::service::payment::PAY_WINDOW_SECS + 1;
    assert_eq!(xiaodian::jobs::pay_reconcile::run_once(&app.db, &wx, expired).unwrap(), 1);
    assert_eq!(payment_status(&app, &recharge).0, 2);
}

#[test]
fn other_channels_answer_not_available_and_the_key_is_never_answered() {
    let app = TestApp::new();
    let (_, token) = shopper(&app, "code-alice");
    for path in ["fomo/wxapp", "fomo/payNow", "fomo/checkout", "wxfws/wxapp", "lcsw/wxapp", "wepayez/wxapp"] {
        assert_code(&app.post(&format!("/shop/pay/{path}"), &[("token", &token), ("money", "1")]), 501);
    }
    assert_code(&app.post("/shop/pay/alipay/semiAutomatic/payurl", &[("token", &token)]), 501);
    assert_code(&app.post("/shop/pay/alipay/gate/qrcode", &[("token", &token)]), 501);
    assert_code(&app.post("/shop/pay/nothing/here", &[("token", &token)]), 404);
    let res = wxpay(&app, &token, "1", None);
    let no = out_trade_no_of(&app, &prepay_of(&res));
    let q = app.get("/shop/pay/query", &[("token", &token), ("outTradeId", &no)]);
    let logs = app.post("/shop/user/payLogs", &[("token", &token)]);
    for answer in [res, q, logs] {
        assert!(!answer.to_string().contains(SANDBOX_PAY_KEY), "{answer}");
    }
}

/// A stand-in for the shop's public address: answers the first `fail` requests with HTTP 502 (a
/// proxy whose upstream is down), then relays each request to `target` and its answer back.
fn flaky_proxy(target: String, fail: usize) -> u16 {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut line, mut path, mut length) = (String::new(), String::new(), 0usize);
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                if path.is_empty() {
                    path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if line == "\r\n" {
                    break;
                }
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let answer = if n < fail {
                "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string()
            } else {
                let mut res = agent
                    .post(format!("{target}{path}"))
                    .header("Content-Type", "text/xml")
                    .send(&body[..])
                    .unwrap();
                let text = res.body_mut().read_to_string().unwrap();
                format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}", text.len())
            };
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    port
}

#[test]
fn the_sandbox_repeats_a_failed_notify_until_the_shop_says_success() {
    let app_port = free_port();
    let proxy = flaky_proxy(format!("http://127.0.0.1:{app_port}"), 2);
    let app = TestApp::with(|c| {
        c.port = app_port;
        c.base_url = Some(format!("http://127.0.0.1:{proxy}"));
    });
    app.sandbox_post("/sandbox/pay/control/schedule", &json!({ "ms": [100, 100, 100, 100] }));
    let (uid, token) = shopper(&app, "code-alice");
    let paid = sandbox_pay(&app, &prepay_of(&wxpay(&app, &token, "3", None)), true);
    assert_eq!(paid["delivered"], false, "the first delivery failed: {paid}");
    assert_eq!(app.account(uid).balance, 0);
    for _ in 0..50 {
        if app.account(uid).balance == 300 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(app.account(uid).balance, 300, "a repeat got through");
    assert_eq!(app.ledger_rows(uid), 1);
}
