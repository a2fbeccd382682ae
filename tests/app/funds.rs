//! Money pages over HTTP: withdrawals (raced applications never overdraw; approve and reject move
//! the money right), deposits (held in freeze, returned or refused), invoices (amounts checked
//! against the order), pay-bill (the discount is the server's) and the WeChat hooks for
//! nextAction types 4 and 5.

use serde_json::{json, Value};
use xiaodian::error::ApiError;
use xiaodian::service::ledger::{self, Account};
use xiaodian::service::{deposit, pay_bill, withdraw};

use crate::support::*;

const APPLY: &str = "/shop/user/withDraw/apply";
const LOGS: &str = "/shop/user/withDraw/list";
const DETAIL: &str = "/shop/user/withDraw/detail";
const AMOUNT: &str = "/shop/user/amount";

fn msg(res: &Value) -> &str {
    res["msg"].as_str().unwrap_or_default()
}

fn ledger_sum(app: &TestApp, uid: i64, source: &str) -> i64 {
    app.query(|c| {
        c.query_row(
            "SELECT coalesce(sum(amount), 0) FROM ledger WHERE user_id = ?1 AND source_type = ?2 AND account = 'balance'",
            rusqlite::params![uid, source],
            |r| r.get(0),
        )
    })
}

/// A shopper with `fen` on the balance.
fn rich(app: &TestApp, nick: &str, fen: i64) -> (i64, String) {
    let (uid, token) = app.shopper(nick);
    app.credit(uid, Account::Balance, fen);
    (uid, token)
}

#[test]
fn a_withdrawal_freezes_the_money_and_is_listed_for_its_shopper_only() {
    let app = TestApp::new();
    let (uid, token) = rich(&app, "alice", 50_000);
    assert_code(&app.post(APPLY, &[("money", "10")]), 2000);

    let res = app.post(APPLY, &[("token", &token), ("money", "120.5"), ("remark", "微信零钱")]);
    assert_code(&res, 0);
    let w = &res["data"];
    assert_eq!(w["money"], 120.5);
    assert_eq!(w["status"], 0);
    assert_eq!(w["statusStr"], "待审核");
    assert!(w["number"].as_str().unwrap().starts_with("TX"), "{res}");
    let a = app.account(uid);
    assert_eq!((a.balance, a.freeze), (50_000 - 12_050, 12_050));
    let amount = app.get(AMOUNT, &[("token", &token)]);
    assert_eq!(amount["data"]["freeze"], 120.5);

    let logs = app.post(LOGS, &[("token", &token), ("page", "1"), ("pageSize", "50")]);
    assert_code(&logs, 0);
    assert_eq!(logs["data"]["totalRow"], 1);
    assert_eq!(logs["data"]["result"][0]["money"], 120.5);
    let id = w["id"].as_i64().unwrap().to_string();
    let detail = app.get(DETAIL, &[("token", &token), ("id", &id)]);
    assert_eq!(detail["data"]["remark"], "微信零钱");
    // V3 paths on the common host answer the same.
    assert_eq!(app.post("/shop/user/withdrawal/list", &[("token", &token)])["data"]["totalRow"], 1);
    assert_code(&app.get("/shop/user/withdrawal/detail", &[("token", &token), ("id", &id)]), 0);

    let (_, bob) = app.shopper("bob");
    assert_code(&app.get(DETAIL, &[("token", &bob), ("id", &id)]), 404);
    assert_code(&app.post(LOGS, &[("token", &bob)]), 700);
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());
}

#[test]
fn withdrawals_refuse_bad_amounts_the_minimum_an_overdraft_and_the_daily_count() {
    let app = TestApp::new();
    let (uid, token) = rich(&app, "alice", 1_000);
    for bad in ["abc", "-5", "1.234", "0"] {
        let res = app.post(APPLY, &[("token", &token), ("money", bad)]);
        assert_code(&res, 300);
        assert!(msg(&res).contains("money"), "{res}");
    }
    assert_code(&app.post(APPLY, &[("token", &token)]), 300);
    app.set_setting("withdrawMinFen", "500");
    let low = app.post(APPLY, &[("token", &token), ("money", "4.99")]);
    assert_code(&low, 300);
    assert!(msg(&low).contains("5.00"), "{low}");

    let over = app.post(APPLY, &[("token", &token), ("money", "10.01")]);
    assert_code(&over, 40000);
    assert_eq!(over["data"], 0.01);
    assert_eq!(app.account(uid).balance, 1_000, "a refused withdrawal moves nothing");

    app.set_setting("withdrawDailyCount", "2");
    assert_code(&app.post(APPLY, &[("token", &token), ("money", "5")]), 0);
    app.credit(uid, Account::Balance, 1_000);
    assert_code(&app.post(APPLY, &[("token", &token), ("money", "5")]), 0);
    let third = app.post(APPLY, &[("token", &token), ("money", "5")]);
    assert_code(&third, 429);
    assert!(msg(&third).contains("2 次"), "{third}");
    assert!(app.ledger_check().is_empty());
}

#[test]
fn raced_withdrawals_never_take_more_than_the_balance() {
    let app = TestApp::new();
    let (uid, token) = rich(&app, "alice", 10_000);
    app.set_setting("withdrawDailyCount", "100");
    // 16 requests of 30 yuan against 100 yuan: exactly 3 can pass.
    let codes: Vec<i64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16)
            .map(|_| {
                s.spawn(|| app.post(APPLY, &[("token", &token), ("money", "30")])["code"].as_i64().unwrap())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 3, "{codes:?}");
    assert!(codes.iter().all(|c| *c == 0 || *c == 40000), "{codes:?}");
    let a = app.account(uid);
    assert_eq!((a.balance, a.freeze), (1_000, 9_000));
    let rows: i64 = app.query(|c| c.query_row("SELECT count(*) FROM withdrawals", [], |r| r.get(0)));
    assert_eq!(rows, 3, "a refused request leaves no record");
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());
}

#[test]
fn approving_pays_out_of_freeze_and_rejecting_puts_it_back_on_the_balance_once() {
    let app = TestApp::new();
    let (uid, token) = rich(&app, "alice", 10_000);
    let first = app.post(APPLY, &[("token", &token), ("money", "30")])["data"]["id"].as_i64().unwrap();
    let second = app.post(APPLY, &[("token", &token), ("money", "20")])["data"]["id"].as_i64().unwrap();

    let decide = |id, d: withdraw::Decision| {
        app.db
            .write_sync(|c| withdraw::decide(c, id, &d, "测试", xiaodian::db::unix_now()))
            .map_err(ApiError::from)
    };
    let paid = decide(first, withdraw::Decision::Approve { reference: "WX123".into() }).unwrap();
    assert_eq!((paid.status, paid.pay_reference.as_str(), paid.decided_by.as_str()), (1, "WX123", "测试"));
    assert!(paid.date_decide.is_some());
    let a = app.account(uid);
    assert_eq!((a.balance, a.freeze), (5_000, 2_000));

    let no_reason = decide(second, withdraw::Decision::Reject { reason: "  ".into() });
    assert_eq!(no_reason.unwrap_err().code(), 300);
    decide(second, withdraw::Decision::Reject { reason: "账户信息不全".into() }).unwrap();
    let a = app.account(uid);
    assert_eq!((a.balance, a.freeze), (7_000, 0));
    let twice = decide(second, withdraw::Decision::Approve { reference: String::new() });
    assert_eq!(twice.unwrap_err().code(), 403);
    assert_eq!(app.account(uid).balance, 7_000);

    let logs = app.post(LOGS, &[("token", &token), ("status", "2")]);
    assert_eq!(logs["data"]["totalRow"], 1);
    assert_eq!(logs["data"]["result"][0]["rejectionReason"], "账户信息不全");
    assert_eq!(logs["data"]["result"][0]["statusStr"], "已拒绝");
    assert!(app.ledger_check().is_empty());
}

const DEPOSIT_PAY: &str = "/shop/deposit/pay";
const DEPOSIT_LIST: &str = "/shop/deposit/list";
const DEPOSIT_INFO: &str = "/shop/deposit/info";
const DEPOSIT_BACK: &str = "/shop/deposit/back/apply";

#[test]
fn a_deposit_is_held_in_freeze_and_returned_to_the_balance_on_request() {
    let app = TestApp::new();
    let (uid, token) = rich(&app, "alice", 10_000);
    let short = app.post(DEPOSIT_PAY, &[("token", &token), ("amount", "150")]);
    assert_code(&short, 40000);
    assert_eq!(short["data"], 50.0);
    assert_code(&app.post(DEPOSIT_LIST, &[("token", &token)]), 700);
    assert_code(&app.post(DEPOSIT_PAY, &[("token", &token), ("amount", "0")]), 300);

    let paid = app.post(DEPOSIT_PAY, &[("token", &token), ("amount", "80"), ("remark", "租借雨伞")]);
    assert_code(&paid, 0);
    let id = paid["data"]["id"].as_i64().unwrap();
    assert_eq!(paid["data"]["statusStr"], "已支付");
    let a = app.account(uid);
    assert_eq!((a.balance, a.freeze), (2_000, 8_000));
    let list = app.post(DEPOSIT_LIST, &[("token", &token), ("page", "1")]);
    assert_eq!(list["data"]["result"][0]["amount"], 80.0);
    assert_eq!(list["data"]["result"][0]["remark"], "租借雨伞");

    let (_, bob) = app.shopper("bob");
    assert_code(&app.get(DEPOSIT_INFO, &[("token", &bob), ("id", &id.to_string())]), 404);
    assert_code(&app.post(DEPOSIT_BACK, &[("token", &bob), ("id", &id.to_string())]), 404);

    let asked = app.post(DEPOSIT_BACK, &[("token", &token), ("id", &id.to_string())]);
    assert_eq!(asked["data"]["status"], 1, "{asked}");
    assert_code(&app.post(DEPOSIT_BACK, &[("token", &token), ("id", &id.to_string())]), 403);

    let now = xiaodian::db::unix_now();
    let refused = app.write(|c| deposit::decide(c, id, false, "雨伞未归还", "测试", now));
    assert_eq!((refused.status, refused.refuse_reason.as_str()), (0, "雨伞未归还"));
    assert_eq!(app.account(uid).freeze, 8_000, "a refusal keeps it held");
    let info = app.get(DEPOSIT_INFO, &[("token", &token), ("id", &id.to_string())]);
    assert_eq!(info["data"]["refuseReason"], "雨伞未归还");

    assert_code(&app.post(DEPOSIT_BACK, &[("token", &token), ("id", &id.to_string())]), 0);
    app.write(|c| deposit::decide(c, id, true, "", "测试", now));
    let a = app.account(uid);
    assert_eq!((a.balance, a.freeze), (10_000, 0));
    let again = app.db.write_sync(|c| deposit::decide(c, id, true, "", "测试", now)).map_err(ApiError::from);
    assert_eq!(again.unwrap_err().code(), 403, "returned once only");
    assert_eq!(app.post(DEPOSIT_LIST, &[("token", &token), ("status", "2")])["data"]["totalRow"], 1);
    assert!(app.ledger_check().is_empty());
}

const INVOICE_APPLY: &str = "/shop/invoice/apply";
const INVOICE_LIST: &str = "/shop/invoice/list";
const INVOICE_INFO: &str = "/shop/invoice/info";

fn invoice_form<'a>(token: &'a str, amount: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("token", token),
        ("comName", "杭州小店科技有限公司"),
        ("tfn", "91330100MA2XXXXX0A"),
        ("amount", amount),
        ("consumption", "办公用品"),
        ("email", "finance@example.com"),
    ]
}

#[test]
fn an_invoice_is_asked_for_checked_against_its_order_and_issued() {
    use xiaodian::service::invoice::Decision;

    let app = TestApp::new();
    let (_, token) = rich(&app, "alice", 100_000);
    let res = app.post(INVOICE_APPLY, &invoice_form(&token, "100"));
    assert_code(&res, 0);
    let id = res["data"]["id"].as_i64().unwrap();
    assert_eq!(res["data"]["statusStr"], "待开票");
    assert_eq!(res["data"]["amount"], 100.0);

    let mut no_tfn = invoice_form(&token, "100");
    no_tfn.retain(|(k, _)| *k != "tfn");
    assert_code(&app.post(INVOICE_APPLY, &no_tfn), 300);
    no_tfn.push(("type", "1"));
    assert_code(&app.post(INVOICE_APPLY, &no_tfn), 0);
    let mut bad_mail = invoice_form(&token, "100");
    bad_mail[5] = ("email", "not-mail");
    assert!(msg(&app.post(INVOICE_APPLY, &bad_mail)).contains("email"));
    assert_code(&app.post(INVOICE_APPLY, &invoice_form(&token, "1.001")), 300);

    // Against an order: its own, paid, and not above what was paid for it.
    let tea = app.goods().name("龙井茶").price(19_900).stock(10).create();
    let order = create(&app, &token, &one_line(tea, 1, ""), &[]);
    let order_id = order["data"]["id"].as_i64().unwrap().to_string();
    let mut on_order = invoice_form(&token, "100");
    on_order.push(("orderId", &order_id));
    assert_code(&app.post(INVOICE_APPLY, &on_order), 403);
    assert_code(&app.post("/shop/order/pay", &[("token", &token), ("orderId", &order_id)]), 0);
    let real: i64 =
        app.query(|c| c.query_row("SELECT amount_real FROM orders WHERE id = ?1", [&order_id], |r| r.get(0)));
    assert!(real >= 19_900, "{real}");
    assert_code(&app.post(INVOICE_APPLY, &on_order), 0);
    let left = xiaodian::money::format(real - 10_000);
    let mut too_much = invoice_form(&token, "200");
    too_much.push(("orderId", &order_id));
    let over = app.post(INVOICE_APPLY, &too_much);
    assert_code(&over, 300);
    assert!(msg(&over).contains(&left), "{over}");
    let (_, bob) = app.shopper("bob");
    let mut bobs = invoice_form(&bob, "1");
    bobs.push(("orderId", &order_id));
    assert_code(&app.post(INVOICE_APPLY, &bobs), 404);

    let now = xiaodian::db::unix_now();
    let issue = |d| {
        app.db
            .write_sync(|c| xiaodian::service::invoice::decide(c, id, &d, "测试", now))
            .map_err(ApiError::from)
    };
    assert_eq!(issue(Decision::Issue { number: " ".into(), file: String::new() }).unwrap_err().code(), 300);
    let js = Decision::Issue { number: "0001".into(), file: "javascript:alert(1)".into() };
    assert_eq!(issue(js).unwrap_err().code(), 300);
    issue(Decision::Issue { number: "04400123".into(), file: "/uploads/2026/11/inv.pdf".into() }).unwrap();
    let info = app.get(INVOICE_INFO, &[("token", &token), ("id", &id.to_string())]);
    assert_eq!(info["data"]["status"], 1);
    assert_eq!(info["data"]["invoiceNumber"], "04400123");
    assert!(info["data"]["file"].as_str().unwrap().starts_with("http"), "{info}");
    assert!(info["data"]["file"].as_str().unwrap().ends_with("/uploads/2026/11/inv.pdf"));
    assert_code(&app.get(INVOICE_INFO, &[("token", &bob), ("id", &id.to_string())]), 404);
    let list = app.post(INVOICE_LIST, &[("token", &token)]);
    assert_eq!(list["data"]["totalRow"], 3);
    assert_eq!(list["data"]["result"][2]["comName"], "杭州小店科技有限公司");
}

const BILL: &str = "/shop/payBill/pay";

fn rules(app: &TestApp) {
    app.write(|c| {
        pay_bill::put_rule(c, 10_000, 1_000, 0)?;
        pay_bill::put_rule(c, 20_000, 3_000, 0)
    });
}

#[test]
fn pay_bill_applies_the_best_discount_and_takes_it_from_the_balance() {
    let app = TestApp::new();
    assert_code(&app.get("/shop/payBill/discounts", &[]), 700);
    rules(&app);
    let d = app.get("/shop/payBill/discounts", &[]);
    assert_eq!(
        d["data"],
        json!([{"id": 1, "consume": 100.0, "discounts": 10.0}, {"id": 2, "consume": 200.0, "discounts": 30.0}])
    );

    let (uid, token) = rich(&app, "alice", 30_000);
    let quote = app.post(BILL, &[("token", &token), ("money", "250"), ("calculate", "true")]);
    assert_eq!(
        (quote["data"]["realMoney"].as_f64(), quote["data"]["discounts"].as_f64()),
        (Some(220.0), Some(30.0))
    );
    assert_eq!(app.account(uid).balance, 30_000, "a calculation pays nothing");

    let stale = app.post(BILL, &[("token", &token), ("money", "250"), ("realMoney", "225")]);
    assert_code(&stale, 300);
    assert!(msg(&stale).contains("220.00"), "{stale}");

    let paid = app.post(BILL, &[("token", &token), ("money", "150"), ("realMoney", "140")]);
    assert_code(&paid, 0);
    assert_eq!(paid["data"]["realMoney"], 140.0);
    assert!(paid["data"]["number"].as_str().unwrap().starts_with("MD"));
    assert_eq!(app.account(uid).balance, 16_000);
    assert_eq!(ledger_sum(&app, uid, "pay_bill"), -14_000);
    assert_eq!(app.account(uid).totle_consumed, 14_000);

    let short = app.post(BILL, &[("token", &token), ("money", "250")]);
    assert_code(&short, 40000);
    assert_eq!(short["data"], 60.0);
    assert_code(&app.post(BILL, &[("token", &token), ("money", "50"), ("shopId", "99")]), 404);
    assert_code(&app.post(BILL, &[("token", &token), ("money", "-1")]), 300);
    assert_code(&app.post(BILL, &[("money", "10")]), 2000);

    // Once a pay password is set, paying asks for it.
    assert_code(&app.post("/shop/user/paypwd/set", &[("token", &token), ("pwd", "123456")]), 0);
    assert_code(&app.post(BILL, &[("token", &token), ("money", "10")]), 300);
    assert_code(&app.post(BILL, &[("token", &token), ("money", "10"), ("pwd", "000000")]), 401);
    assert_code(&app.post(BILL, &[("token", &token), ("money", "10"), ("pwd", "123456")]), 0);
    assert!(app.ledger_check().is_empty());
}

#[test]
fn the_wechat_hooks_check_and_apply_pay_bill_and_deposit_actions() {
    let app = TestApp::new();
    rules(&app);
    let (uid, _) = app.shopper("alice");
    let (other, _) = app.shopper("bob");
    let bill = json!({"type": 4, "uid": uid, "money": "150"});
    let check_bill = |action: &Value, fen| {
        app.db.read_sync(|c| pay_bill::check_wechat(c, uid, action, fen)).map_err(ApiError::from)
    };
    check_bill(&bill, 14_000).unwrap();
    assert_eq!(check_bill(&bill, 15_000).unwrap_err().code(), 300, "money mismatch");
    assert_eq!(check_bill(&json!({"type": 4, "uid": other, "money": 150}), 14_000).unwrap_err().code(), 300);
    assert_eq!(check_bill(&json!({"type": 4, "money": 150, "shopId": 7}), 14_000).unwrap_err().code(), 404);
    assert_eq!(check_bill(&json!({"type": 4}), 14_000).unwrap_err().code(), 300);

    // The notify credits the balance with what WeChat collected, then applies, in one transaction.
    let now = xiaodian::db::unix_now();
    app.write(|c| {
        ledger::post(c, uid, Account::Balance, 14_000, "微信支付", ledger::Source::Payment, "p1")?;
        pay_bill::apply_paid(c, uid, &bill, now)
    });
    assert_eq!(app.account(uid).balance, 0);
    let paid_by: String = app.query(|c| c.query_row("SELECT paid_by FROM pay_bills", [], |r| r.get(0)));
    assert_eq!(paid_by, "wxpay");

    let dep = json!({"type": 5, "amount": 80});
    let check_dep =
        |fen| app.db.read_sync(|c| deposit::check_wechat(c, uid, &dep, fen)).map_err(ApiError::from);
    check_dep(8_000).unwrap();
    check_dep(3_000).unwrap();
    assert_eq!(check_dep(9_000).unwrap_err().code(), 300);
    assert_eq!(check_dep(0).unwrap_err().code(), 300);
    app.credit(uid, Account::Balance, 5_000);
    app.write(|c| {
        ledger::post(c, uid, Account::Balance, 3_000, "微信支付", ledger::Source::Payment, "p2")?;
        deposit::apply_paid(c, uid, &dep, now)
    });
    let a = app.account(uid);
    assert_eq!((a.balance, a.freeze), (0, 8_000));
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());
}
