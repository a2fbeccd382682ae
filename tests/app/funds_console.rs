//! The money pages of the console (提现, 押金, 发票, 买单) and the merchant API's withdrawals,
//! through HTTP: every decision asks first, refusals need a reason, and money moves exactly once.

use serde_json::json;
use xiaodian::service::ledger::{self, Account};

use crate::support::*;

const KEY: &str = "funds-key-123";

/// Alice with 100.00 who asked to withdraw 30.00: (uid, token, withdrawal id).
fn withdrawal(app: &TestApp) -> (i64, String, i64) {
    let (uid, token) = app.shopper("alice");
    app.credit(uid, Account::Balance, 10_000);
    let res = app.post("/shop/user/withDraw/apply", &[("token", &token), ("money", "30")]);
    assert_code(&res, 0);
    (uid, token, res["data"]["id"].as_i64().unwrap())
}

fn clean(app: &TestApp) {
    let problems = app.query(ledger::check);
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn the_merchant_confirms_a_payout_after_a_confirmation_page_and_it_is_recorded() {
    let app = TestApp::new();
    let (uid, _, id) = withdrawal(&app);
    let mut b = Browser::staff(&app);
    let list = b.get("/admin/withdrawals?status=0");
    assert_eq!(list.status, 200);
    list.assert_has("待审核").assert_has("30.00").assert_has("不会自动打款");

    let ask = b.get(&format!("/admin/withdrawals/{id}/approve"));
    ask.assert_has("确认已打款").assert_has("转账凭证号");
    let csrf = b.csrf();
    // Without the CSRF token nothing happens.
    let forged = b.post(&format!("/admin/withdrawals/{id}/approve"), &[("reference", "x")]);
    assert_eq!(forged.status, 403);
    assert_eq!(app.account(uid).freeze, 3_000);

    let done =
        b.post(&format!("/admin/withdrawals/{id}/approve"), &[("csrf", &csrf), ("reference", "BANK-778")]);
    assert_eq!(done.status, 303, "{}", done.body);
    let a = app.account(uid);
    assert_eq!((a.balance, a.freeze), (7_000, 0));
    let (by, reference): (String, String) = app.query(|c| {
        c.query_row("SELECT decided_by, pay_reference FROM withdrawals WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    });
    assert_eq!((by.as_str(), reference.as_str()), ("admin", "BANK-778"));
    b.get("/admin/withdrawals").assert_has("已确认打款").assert_has("BANK-778");

    // A second decision is refused with words, and moves nothing.
    let again = b.post(&format!("/admin/withdrawals/{id}/reject"), &[("csrf", &csrf), ("reason", "重复")]);
    assert_eq!(again.status, 303);
    b.get("/admin/withdrawals").assert_has("已处理");
    assert_eq!(app.account(uid).balance, 7_000);
    assert_eq!(b.get("/admin/withdrawals/999/approve").status, 404);
    clean(&app);
}

#[test]
fn rejecting_a_withdrawal_needs_a_reason_and_returns_the_money() {
    let app = TestApp::new();
    let (uid, token, id) = withdrawal(&app);
    let mut b = Browser::staff(&app);
    b.get(&format!("/admin/withdrawals/{id}/reject")).assert_has("拒绝原因");
    let csrf = b.csrf();
    let empty = b.post(&format!("/admin/withdrawals/{id}/reject"), &[("csrf", &csrf), ("reason", " ")]);
    assert_eq!(empty.status, 303);
    b.get("/admin/withdrawals").assert_has("请填写原因");
    assert_eq!(app.account(uid).freeze, 3_000);

    let done =
        b.post(&format!("/admin/withdrawals/{id}/reject"), &[("csrf", &csrf), ("reason", "请先绑定银行卡")]);
    assert_eq!(done.status, 303);
    let a = app.account(uid);
    assert_eq!((a.balance, a.freeze), (10_000, 0));
    let logs = app.post("/shop/user/withDraw/list", &[("token", &token)]);
    assert_eq!(logs["data"]["result"][0]["rejectionReason"], "请先绑定银行卡");
    clean(&app);
}

#[test]
fn the_withdrawal_rules_are_edited_on_the_page() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    b.get("/admin/withdrawals").assert_has("value=\"1.00\"").assert_has("value=\"3\"");
    let csrf = b.csrf();
    let bad =
        b.post("/admin/withdrawals/rules", &[("csrf", &csrf), ("min_yuan", "abc"), ("daily_count", "2")]);
    assert_eq!(bad.status, 303);
    assert_eq!(app.settings.get().get("withdrawMinFen"), None);
    let ok =
        b.post("/admin/withdrawals/rules", &[("csrf", &csrf), ("min_yuan", "100"), ("daily_count", "2")]);
    assert_eq!(ok.status, 303);
    assert_eq!(app.settings.get().get("withdrawMinFen"), Some("10000"));
    assert_eq!(app.settings.get().get("withdrawDailyCount"), Some("2"));
    let (uid, token) = app.shopper("alice");
    app.credit(uid, Account::Balance, 50_000);
    assert_code(&app.post("/shop/user/withDraw/apply", &[("token", &token), ("money", "99")]), 300);
}

#[test]
fn deposits_are_returned_or_refused_from_the_console() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("alice");
    app.credit(uid, Account::Balance, 10_000);
    let id =
        app.post("/shop/deposit/pay", &[("token", &token), ("amount", "60")])["data"]["id"].as_i64().unwrap();
    let mut b = Browser::staff(&app);
    let list = b.get("/admin/deposits");
    list.assert_has("60.00").assert_has("已支付");
    assert!(
        !list.body.contains(&format!("/admin/deposits/{id}/return")),
        "nothing to decide before a request"
    );
    assert_code(&app.post("/shop/deposit/back/apply", &[("token", &token), ("id", &id.to_string())]), 0);
    b.get("/admin/deposits?status=1").assert_has(&format!("/admin/deposits/{id}/return"));

    b.get(&format!("/admin/deposits/{id}/refuse")).assert_has("拒绝原因");
    let csrf = b.csrf();
    assert_eq!(
        b.post(&format!("/admin/deposits/{id}/refuse"), &[("csrf", &csrf), ("reason", "设备损坏")]).status,
        303
    );
    assert_eq!(app.account(uid).freeze, 6_000);
    assert_code(&app.post("/shop/deposit/back/apply", &[("token", &token), ("id", &id.to_string())]), 0);
    b.get(&format!("/admin/deposits/{id}/return")).assert_has("确认退回");
    assert_eq!(b.post(&format!("/admin/deposits/{id}/return"), &[("csrf", &csrf)]).status, 303);
    let a = app.account(uid);
    assert_eq!((a.balance, a.freeze), (10_000, 0));
    b.get("/admin/deposits").assert_has("押金已退回买家余额").assert_has("已退回");
    clean(&app);
}

#[test]
fn invoices_are_marked_issued_or_refused_from_the_console() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    let form = |com: &'static str| {
        vec![("comName", com), ("tfn", "91330100MA2XXXXX0A"), ("amount", "300"), ("consumption", "餐饮")]
    };
    let mut first = form("甲公司");
    first.push(("token", &token));
    let a = app.post("/shop/invoice/apply", &first)["data"]["id"].as_i64().unwrap();
    let mut second = form("乙公司");
    second.push(("token", &token));
    let z = app.post("/shop/invoice/apply", &second)["data"]["id"].as_i64().unwrap();

    let mut b = Browser::staff(&app);
    b.get("/admin/invoices?status=0").assert_has("甲公司").assert_has("乙公司");
    b.get(&format!("/admin/invoices/{a}/issue")).assert_has("发票号码");
    let csrf = b.csrf();
    let no_number = b.post(&format!("/admin/invoices/{a}/issue"), &[("csrf", &csrf), ("invoice_number", "")]);
    assert_eq!(no_number.status, 303);
    b.get("/admin/invoices").assert_has("请填写");
    let issued = b.post(
        &format!("/admin/invoices/{a}/issue"),
        &[("csrf", &csrf), ("invoice_number", "04400999"), ("file", "https://example.com/inv.pdf")],
    );
    assert_eq!(issued.status, 303);
    let refused = b.post(&format!("/admin/invoices/{z}/refuse"), &[("csrf", &csrf), ("reason", "抬头有误")]);
    assert_eq!(refused.status, 303);
    let list = app.post("/shop/invoice/list", &[("token", &token)]);
    let rows = list["data"]["result"].as_array().unwrap();
    let of = |id: i64| rows.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(of(a)["invoiceNumber"], "04400999");
    assert_eq!(of(a)["file"], "https://example.com/inv.pdf");
    assert_eq!(of(z)["refuseReason"], "抬头有误");
    assert_eq!(of(z)["statusStr"], "已拒绝");
}

#[test]
fn pay_bill_rules_are_edited_and_bills_listed_in_the_console() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    b.get("/admin/pay-bill").assert_has("还没有买单优惠");
    let csrf = b.csrf();
    let bad = b.post("/admin/pay-bill/rules", &[("csrf", &csrf), ("consume", "50"), ("discounts", "60")]);
    assert_eq!(bad.status, 303);
    b.get("/admin/pay-bill").assert_has("小于「消费满」");
    assert_eq!(
        b.post("/admin/pay-bill/rules", &[("csrf", &csrf), ("consume", "100"), ("discounts", "8")]).status,
        303
    );
    assert_eq!(
        b.post("/admin/pay-bill/rules", &[("csrf", &csrf), ("consume", "100"), ("discounts", "12")]).status,
        303
    );
    let d = app.get("/shop/payBill/discounts", &[]);
    assert_eq!(d["data"], json!([{"id": 1, "consume": 100.0, "discounts": 12.0}]), "same threshold replaced");

    let (uid, token) = app.shopper("alice");
    app.credit(uid, Account::Balance, 20_000);
    assert_code(&app.post("/shop/payBill/pay", &[("token", &token), ("money", "120")]), 0);
    b.get("/admin/pay-bill").assert_has("108.00").assert_has("12.00").assert_has("余额");

    b.get("/admin/pay-bill/rules/1/delete").assert_has("消费满 100.00 元减 12.00 元");
    assert_eq!(b.post("/admin/pay-bill/rules/1/delete", &[("csrf", &csrf)]).status, 303);
    assert_code(&app.get("/shop/payBill/discounts", &[]), 700);
    assert_eq!(b.post("/admin/pay-bill/rules/1/delete", &[("csrf", &csrf)]).status, 404);
}

#[test]
fn the_merchant_api_lists_approves_and_rejects_withdrawals() {
    let app = TestApp::with_key(KEY);
    let (uid, token, first) = withdrawal(&app);
    let second = app.post("/shop/user/withDraw/apply", &[("token", &token), ("money", "20")])["data"]["id"]
        .as_i64()
        .unwrap();
    let (status, list) = app.api("GET", "/withdrawals?status=0", None);
    assert_eq!(status, 200);
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["moneyFen"], 2_000);
    assert_eq!(app.merchant("wrong").get("/withdrawals").status, 401);
    assert_eq!(app.api("GET", "/withdrawals?status=9", None).0, 422);

    let body = json!({"reference": "WX-1"});
    let (status, w) = app.api("POST", &format!("/withdrawals/{first}/approve"), Some(&body));
    assert_eq!(status, 200, "{w}");
    assert_eq!(w["status"], 1);
    assert_eq!(w["payReference"], "WX-1");
    assert!(w["decidedBy"].as_str().unwrap().contains("API"));
    assert_eq!(app.api("POST", &format!("/withdrawals/{first}/approve"), None).0, 409);

    let (status, e) = app.api("POST", &format!("/withdrawals/{second}/reject"), Some(&json!({})));
    assert_eq!(status, 422, "{e}");
    let (status, w) =
        app.api("POST", &format!("/withdrawals/{second}/reject"), Some(&json!({"reason": "信息有误"})));
    assert_eq!(status, 200);
    assert_eq!(w["statusStr"], "已拒绝");
    assert_eq!(app.api("POST", "/withdrawals/999/approve", None).0, 404);
    let a = app.account(uid);
    assert_eq!((a.balance, a.freeze), (7_000, 0));
    clean(&app);
}
