//! A deposit the merchant asked for, paid by WeChat (nextAction type 5): the asked deposit is paid,
//! not a new one made beside it, and a repeated notify pays it once.

use serde_json::json;
use xiaodian::db::ledger::Account;

use crate::support::*;

const KEY: &str = "deposit-wxpay-key";

fn asked(m: &Merchant, uid: i64, yuan: i64) -> i64 {
    let (status, d) = m.json("POST", "/deposits", &json!({"userId": uid, "amount": yuan})).pair();
    assert_eq!(status, 201, "{d}");
    d["id"].as_i64().unwrap()
}

fn statuses(app: &TestApp, uid: i64) -> Vec<(i64, i64)> {
    app.query(|c| {
        let mut st = c.prepare("SELECT id, status FROM deposits WHERE user_id = ?1 ORDER BY id")?;
        let rows = st.query_map([uid], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<Vec<_>>>();
        rows
    })
}

fn out_trade_no(app: &TestApp, prepay: &str) -> String {
    app.query(|c| {
        c.query_row("SELECT out_trade_no FROM payments WHERE prepay_id = ?1", [prepay], |r| r.get(0))
    })
}

#[test]
fn an_asked_deposit_paid_by_wechat_is_that_deposit_and_a_repeated_notify_pays_it_once() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let (uid, token) = app.login_wechat("code-deposit-wx");
    let first = asked(&m, uid, 30);
    let second = asked(&m, uid, 50);
    // The template's asset page: payStatusDepositV2 answers 40000, then wxpay with the asked id.
    let short = app.post("/shop/deposit/payStatus", &[("token", &token), ("id", &second.to_string())]);
    assert_code(&short, 40000);
    let action = format!("{{\"type\":5,\"amount\":50,\"id\":\"{second}\"}}");
    let prepay = prepay_of(&wxpay(&app, &token, "50", Some(&action)));
    let paid = sandbox_pay(&app, &prepay, true);
    assert_eq!(paid["delivered"], true, "{paid}");
    assert_eq!(statuses(&app, uid), vec![(first, -1), (second, 0)], "the asked deposit is paid, no new one");
    let acc = app.account(uid);
    assert_eq!((acc.balance, acc.freeze), (0, 5000));
    let rows = app.ledger_rows(uid);
    for _ in 0..2 {
        let again = app.sandbox_post(
            "/sandbox/pay/control/notify",
            &json!({"out_trade_no": out_trade_no(&app, &prepay)}),
        );
        assert_eq!(again["acknowledged"], true, "{again}");
    }
    assert_eq!(app.ledger_rows(uid), rows, "a repeated notify changes nothing");
    assert_eq!(app.account(uid).freeze, 5000);
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());
}

#[test]
fn without_an_id_the_oldest_asked_deposit_of_that_amount_is_paid() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let (uid, token) = app.login_wechat("code-deposit-amount");
    let asked_id = asked(&m, uid, 30);
    // uni-app-mall sends only the amount; 10 yuan come from the balance, 20 from WeChat.
    app.credit(uid, Account::Balance, 1000);
    let prepay = prepay_of(&wxpay(&app, &token, "20", Some("{\"type\":5,\"amount\":\"30\"}")));
    sandbox_pay(&app, &prepay, true);
    assert_eq!(statuses(&app, uid), vec![(asked_id, 0)]);
    assert_eq!(app.account(uid).freeze, 3000);
    // A deposit of an amount nobody asked for is a new one, as before.
    let prepay = prepay_of(&wxpay(&app, &token, "12", Some("{\"type\":5,\"amount\":12}")));
    sandbox_pay(&app, &prepay, true);
    assert_eq!(statuses(&app, uid).len(), 2);
    assert_eq!(app.account(uid).freeze, 4200);
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());
}

#[test]
fn a_paid_or_someone_elses_asked_deposit_is_refused_before_wechat_is_asked() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let (uid, token) = app.login_wechat("code-deposit-owner");
    let (_, stranger) = app.login_wechat("code-deposit-stranger");
    let id = asked(&m, uid, 30);
    let action = format!("{{\"type\":5,\"amount\":30,\"id\":{id}}}");
    assert_code(&wxpay(&app, &stranger, "30", Some(&action)), 404);
    assert_code(&wxpay(&app, &token, "31", Some(&action)), 300);
    app.credit(uid, Account::Balance, 3000);
    assert_code(&app.post("/shop/deposit/payStatus", &[("token", &token), ("id", &id.to_string())]), 0);
    let again = wxpay(&app, &token, "30", Some(&action));
    assert_code(&again, 403);
    assert_eq!(app.count("payments"), 0, "nothing was asked of WeChat");
}
