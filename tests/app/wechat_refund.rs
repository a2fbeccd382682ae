//! Refunds back to WeChat Pay, through real HTTP: after-sale decisions (merchant API and console),
//! the sandbox's refund and its encrypted notify, refundquery, retries with the same
//! out_refund_no, and the ledger staying consistent throughout.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use aes::cipher::{BlockCipherEncrypt, KeyInit};
use base64::Engine;
use md5::{Digest, Md5};
use serde_json::{json, Value};
use xiaodian::db::unix_now;
use xiaodian::service::ledger::{self, Account, Source};
use xiaodian::service::order::{self, RefundInput};
use xiaodian::wechat::pay::{self, SANDBOX_MCH_ID, SANDBOX_PAY_KEY};
use xiaodian::wechat::SANDBOX_APPID;

use crate::support::*;

const KEY: &str = "wxrefund-key-123";

fn app() -> TestApp {
    TestApp::with_key(KEY)
}

fn goods(app: &TestApp, name: &str, fen: i64) -> i64 {
    app.goods().name(name).price(fen).stock(100).pic("/uploads/a.png").create()
}

fn place(app: &TestApp, token: &str, goods_id: i64) -> i64 {
    let goods = json!([{ "goodsId": goods_id, "number": 1 }]).to_string();
    let res = app.post(
        "/shop/order/create",
        &[
            ("token", token),
            ("goodsJsonStr", &goods),
            ("peisongType", "kd"),
            ("linkMan", "张三"),
            ("mobile", "13800000001"),
            ("provinceId", "110000"),
            ("cityId", "110100"),
            ("districtId", "110101"),
            ("address", "长安街 1 号"),
        ],
    );
    assert_code(&res, 0);
    res["data"]["id"].as_i64().unwrap()
}

fn amount_of(app: &TestApp, order_id: i64) -> i64 {
    app.query(|c| c.query_row("SELECT amount_real FROM orders WHERE id = ?1", [order_id], |r| r.get(0)))
}

/// What the pay core's notify leaves behind: a paid payment row (status 1) for `orders`, its
/// money credited to the balance (Source::Payment) and each order paid from the balance.
/// `extra` fen more than the orders cost stays on the balance (a recharge when `orders` is empty).
fn paid_by_wechat(app: &TestApp, user_id: i64, orders: &[i64], extra: i64) -> i64 {
    let fen: i64 = orders.iter().map(|o| amount_of(app, *o)).sum::<i64>() + extra;
    let now = unix_now();
    let no = xiaodian::service::payment::new_out_trade_no(now);
    let transaction_id = format!("42000{}", &xiaodian::secret::new_token()[..16]);
    app.write(|c| {
        let p = xiaodian::db::payment::NewPayment {
            out_trade_no: &no,
            user_id,
            openid: "openid-test",
            money: fen,
            remark: "",
            next_action: "",
            action_type: if orders.is_empty() { -1 } else { 0 },
            sign_type: "MD5",
        };
        let payment = xiaodian::db::payment::insert(c, &p, orders, now)?;
        xiaodian::db::payment::mark_paid(c, payment, &transaction_id, fen, now)?;
        ledger::post(c, user_id, Account::Balance, fen, "微信支付", Source::Payment, &payment.to_string())?;
        for o in orders {
            order::pay_from_balance(c, user_id, *o, now)?;
        }
        Ok::<_, Failed>(payment)
    })
}

fn apply_refund(app: &TestApp, user_id: i64, order_id: i64, amount: Option<i64>) -> i64 {
    let r = RefundInput { order_id, reason: "不想要了".into(), amount, ..RefundInput::default() };
    app.write(|c| order::apply_refund(c, user_id, &r, unix_now()))
}

fn accounts(app: &TestApp, user_id: i64) -> ledger::Accounts {
    app.query(|c| ledger::accounts_of(c, user_id))
}

fn ledger_ok(app: &TestApp) {
    let problems = app.query(ledger::check);
    assert!(problems.is_empty(), "{problems:?}");
}

fn wechat_refund(app: &TestApp, id: i64) -> Value {
    let (status, r) = app.api("GET", &format!("/wechat-refunds/{id}"), None);
    assert_eq!(status, 200, "{r}");
    r
}

/// Waits (up to 10 s) for refund `id` to reach `status` (the sandbox notifies on its own thread).
fn wait_for(app: &TestApp, id: i64, status: &str) -> Value {
    let start = Instant::now();
    loop {
        let r = wechat_refund(app, id);
        if r["status"] == status {
            return r;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "refund {id} stayed {}", r["status"]);
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn sandbox_next(app: &TestApp, mode: &str, err_code: &str) {
    let res =
        app.sandbox_post("/sandbox/pay/control/refund-next", &json!({ "mode": mode, "errCode": err_code }));
    assert_eq!(res["errcode"], 0, "{res}");
}

fn approve(app: &TestApp, refund: i64) -> Value {
    let (status, done) = app.api("POST", &format!("/refunds/{refund}/approve"), None);
    assert_eq!(status, 200, "{done}");
    done
}

#[test]
fn a_wechat_paid_order_is_refunded_to_wechat_and_the_ledger_stays_whole() {
    let app = app();
    let (alice, at) = app.login_wechat("code-alice");
    let tea = goods(&app, "龙井茶", 5000);
    let order = place(&app, &at, tea);
    paid_by_wechat(&app, alice, &[order], 0);
    assert_eq!(accounts(&app, alice).balance, 0);
    let refund = apply_refund(&app, alice, order, Some(3000));

    let done = approve(&app, refund);
    assert_eq!(done["toWechat"], 30.0);
    assert_eq!(done["refunded"], 0.0, "nothing goes to the balance");
    let id = done["wechatRefundId"].as_i64().unwrap();

    let r = wait_for(&app, id, "success");
    assert_eq!(r["amount"], 30.0);
    assert!(r["outRefundNo"].as_str().unwrap().starts_with("XDR"));
    assert!(!r["refundId"].as_str().unwrap().is_empty());
    assert_eq!(r["recvAccount"], "支付用户的零钱");
    assert_eq!(r["orderId"], order);
    let a = accounts(&app, alice);
    assert_eq!((a.balance, a.freeze), (0, 0), "the money left through WeChat, not the balance");
    let rows: Vec<(i64, String, String)> = app.query(|c| {
        c.prepare(
            "SELECT amount, account, reason FROM ledger WHERE user_id = ?1 AND source_type = 'wechat_refund' ORDER BY id",
        )?
        .query_map([alice], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect()
    });
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((rows[0].0, rows[1].0), (3000, -3000));
    assert!(rows[1].2.contains("退回微信支付"), "{rows:?}");
    ledger_ok(&app);
    let events: String = app.query(|c| {
        c.query_row("SELECT group_concat(remark, '|') FROM order_events WHERE order_id = ?1", [order], |r| {
            r.get(0)
        })
    });
    assert!(events.contains("原路退回微信支付"), "{events}");

    // The merchant API lists it under its status; a bad status is refused naming the parameter.
    let (status, list) = app.api("GET", "/wechat-refunds?status=success", None);
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], id);
    let (status, bad) = app.api("GET", "/wechat-refunds?status=paid", None);
    assert_eq!(status, 422, "{bad}");
    assert_eq!(app.api("GET", "/wechat-refunds/999", None).0, 404);
}

#[test]
fn one_payment_for_two_orders_is_refunded_in_parts_never_beyond_what_it_paid() {
    let app = app();
    let (alice, at) = app.login_wechat("code-alice");
    let tea = goods(&app, "龙井茶", 5000);
    let cup = goods(&app, "茶杯", 2000);
    let a = place(&app, &at, tea);
    let b = place(&app, &at, cup);
    // WeChat paid 60 of the 70 due; the other 10 came from the balance.
    app.write(|c| ledger::post(c, alice, Account::Balance, 1000, "测试充值", Source::Admin, "t"));
    let payment = paid_by_wechat(&app, alice, &[a, b], -1000);

    let ra = apply_refund(&app, alice, a, None);
    let done = approve(&app, ra);
    assert_eq!(done["toWechat"], 50.0);
    wait_for(&app, done["wechatRefundId"].as_i64().unwrap(), "success");

    // Only 10 of the payment is left for order b's 20: the other 10 goes to the balance.
    let rb = apply_refund(&app, alice, b, None);
    let done = approve(&app, rb);
    assert_eq!(done["toWechat"], 10.0);
    assert_eq!(done["refunded"], 10.0);
    wait_for(&app, done["wechatRefundId"].as_i64().unwrap(), "success");

    let refunded: i64 = app.query(|c| {
        c.query_row(
            "SELECT sum(refund_fee) FROM payment_refunds WHERE payment_id = ?1 AND status = 'success'",
            [payment],
            |r| r.get(0),
        )
    });
    assert_eq!(refunded, 6000);
    assert_eq!(accounts(&app, alice).balance, 1000);
    assert_eq!(accounts(&app, alice).freeze, 0);
    ledger_ok(&app);
}

/// The refund notify as WeChat sends it, with `req_info` encrypted by this test's own AES-256-ECB.
fn notify_xml(appid: &str, mch_id: &str, key: &str, info: &[(&str, String)]) -> String {
    let mut inner = String::from("<root>");
    for (k, v) in info {
        let _ = write!(inner, "<{k}><![CDATA[{v}]]></{k}>");
    }
    inner.push_str("</root>");
    let aes_key = hex::encode(Md5::digest(key.as_bytes()));
    let cipher = aes::Aes256::new_from_slice(aes_key.as_bytes()).unwrap();
    let mut data = inner.into_bytes();
    let pad = 16 - data.len() % 16;
    data.extend(std::iter::repeat_n(u8::try_from(pad).expect("a pad is at most one block"), pad));
    for block in data.chunks_exact_mut(16) {
        cipher.encrypt_block(block.try_into().unwrap());
    }
    let req_info = base64::engine::general_purpose::STANDARD.encode(data);
    let mut outer = BTreeMap::new();
    for (k, v) in [
        ("return_code", "SUCCESS"),
        ("appid", appid),
        ("mch_id", mch_id),
        ("nonce_str", "abc"),
        ("req_info", &req_info),
    ] {
        outer.insert(k.to_string(), v.to_string());
    }
    pay::to_xml(&outer)
}

fn send_notify(app: &TestApp, body: &str) -> (bool, String) {
    let (status, text) = app.post_raw("/notify/wxpay/refund", "text/xml", body.as_bytes());
    assert_eq!(status, 200, "{text}");
    let m = pay::from_xml(&text).unwrap();
    (m["return_code"] == "SUCCESS", text)
}

#[test]
fn the_refund_notify_applies_once_and_refuses_what_is_not_ours() {
    let app = app();
    let (alice, at) = app.login_wechat("code-alice");
    let tea = goods(&app, "龙井茶", 5000);
    let order = place(&app, &at, tea);
    paid_by_wechat(&app, alice, &[order], 0);
    let refund = apply_refund(&app, alice, order, None);
    // WeChat accepts but has not notified yet.
    sandbox_next(&app, "hold", "");
    let id = approve(&app, refund)["wechatRefundId"].as_i64().unwrap();
    let r = wait_for(&app, id, "processing");
    assert_eq!(accounts(&app, alice).freeze, 5000, "held while WeChat works on it");
    let no = r["outRefundNo"].as_str().unwrap().to_string();
    let info = |status: &str, fee: i64| {
        vec![
            ("out_refund_no", no.clone()),
            ("refund_id", "5000123".to_string()),
            ("refund_fee", fee.to_string()),
            ("settlement_refund_fee", fee.to_string()),
            ("refund_status", status.to_string()),
            ("success_time", "2026-11-23 16:00:00".to_string()),
            ("refund_recv_accout", "招商银行信用卡0403".to_string()),
        ]
    };

    // Not ours: another merchant, another appid, a key that is not ours, garbage, another amount.
    for body in [
        notify_xml(SANDBOX_APPID, "1900000999", SANDBOX_PAY_KEY, &info("SUCCESS", 5000)),
        notify_xml("wxother", SANDBOX_MCH_ID, SANDBOX_PAY_KEY, &info("SUCCESS", 5000)),
        notify_xml(SANDBOX_APPID, SANDBOX_MCH_ID, "not-the-key-000000000000000000000", &info("SUCCESS", 5000)),
        notify_xml(SANDBOX_APPID, SANDBOX_MCH_ID, SANDBOX_PAY_KEY, &info("SUCCESS", 4999)),
        "<xml><return_code>SUCCESS</return_code><appid>wxsandbox00000000</appid><mch_id>1900000109</mch_id><req_info>AAAA</req_info></xml>".to_string(),
        "not xml".to_string(),
    ] {
        let (ok, text) = send_notify(&app, &body);
        assert!(!ok, "accepted: {body} → {text}");
    }
    assert_eq!(wechat_refund(&app, id)["status"], "processing");
    assert_eq!(accounts(&app, alice).freeze, 5000);

    // The real one applies once; replays answer SUCCESS and change nothing.
    let good = notify_xml(SANDBOX_APPID, SANDBOX_MCH_ID, SANDBOX_PAY_KEY, &info("SUCCESS", 5000));
    for _ in 0..3 {
        let (ok, text) = send_notify(&app, &good);
        assert!(ok, "{text}");
        assert_eq!(text, pay::notify_answer(true, "OK"));
    }
    let r = wechat_refund(&app, id);
    assert_eq!(r["status"], "success");
    assert_eq!(r["recvAccount"], "招商银行信用卡0403");
    let a = accounts(&app, alice);
    assert_eq!((a.balance, a.freeze), (0, 0));
    let rows: i64 = app.query(|c| {
        c.query_row("SELECT count(*) FROM ledger WHERE source_type = 'wechat_refund'", [], |r| r.get(0))
    });
    assert_eq!(rows, 2, "one hold and one release, however often WeChat repeats");
    // A closing notify after success changes nothing either.
    assert!(
        send_notify(
            &app,
            &notify_xml(SANDBOX_APPID, SANDBOX_MCH_ID, SANDBOX_PAY_KEY, &info("REFUNDCLOSE", 5000))
        )
        .0
    );
    assert_eq!(accounts(&app, alice).balance, 0);
    ledger_ok(&app);
}

#[test]
fn a_failed_refund_is_retried_from_the_console_with_the_same_out_refund_no() {
    let app = app();
    let (alice, at) = app.login_wechat("code-alice");
    let tea = goods(&app, "龙井茶", 5000);
    let order = place(&app, &at, tea);
    paid_by_wechat(&app, alice, &[order], 0);
    let refund = apply_refund(&app, alice, order, Some(2000));
    sandbox_next(&app, "fail", "NOTENOUGH");

    let mut b = Browser::staff(&app);
    let ask = b.get(&format!("/admin/refunds/{refund}/approve"));
    ask.assert_has("¥20.00 原路退回微信支付");
    let csrf = b.csrf();
    let res = b.post(&format!("/admin/refunds/{refund}/approve"), &[("csrf", &csrf)]);
    assert_eq!(res.status, 303, "{}", res.body);
    b.get("/admin/refunds").assert_has("原路退回微信支付失败").assert_has("基本账户余额不足");

    let id: i64 = app.query(|c| c.query_row("SELECT id FROM payment_refunds", [], |r| r.get(0)));
    let failed = wechat_refund(&app, id);
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["errCode"], "NOTENOUGH");
    assert_eq!(accounts(&app, alice).freeze, 2000, "the money stays held for the retry");
    let no = failed["outRefundNo"].as_str().unwrap().to_string();

    let page = b.get(&format!("/admin/wechat-refunds/{id}"));
    page.assert_has("失败").assert_has("重试退款").assert_has(&no);
    b.get("/admin/wechat-refunds?status=failed").assert_has(&no);
    let res = b.post(&format!("/admin/wechat-refunds/{id}/retry"), &[("csrf", &csrf)]);
    assert_eq!(res.status, 303, "{}", res.body);
    let r = wait_for(&app, id, "success");
    assert_eq!(r["outRefundNo"], no.as_str(), "the retry reuses the number");
    assert_eq!(r["attempts"], 2);
    // A second retry of a settled refund is refused without calling WeChat.
    let res = b.post(&format!("/admin/wechat-refunds/{id}/retry"), &[("csrf", &csrf)]);
    b.get(res.location()).assert_has("无需重试");
    assert_eq!(accounts(&app, alice).freeze, 0);
    ledger_ok(&app);
    // The order's after-sale view links to the WeChat refund.
    b.get(&format!("/admin/orders/{order}"))
        .assert_has(&format!("/admin/wechat-refunds?orderRefund={refund}"));
    b.get(&format!("/admin/wechat-refunds?orderRefund={refund}")).assert_has(&no);
}

#[test]
fn a_refund_wechat_never_notifies_is_settled_by_query_and_a_closed_one_goes_to_the_balance() {
    let app = app();
    let (alice, at) = app.login_wechat("code-alice");
    let tea = goods(&app, "龙井茶", 5000);
    let a = place(&app, &at, tea);
    let b = place(&app, &at, tea);
    paid_by_wechat(&app, alice, &[a], 0);
    paid_by_wechat(&app, alice, &[b], 0);

    sandbox_next(&app, "hold", "");
    let id = approve(&app, apply_refund(&app, alice, a, None))["wechatRefundId"].as_i64().unwrap();
    let no = wait_for(&app, id, "processing")["outRefundNo"].as_str().unwrap().to_string();
    let res = app.sandbox_post(&format!("/sandbox/pay/control/refund-settle/{no}"), &json!({}));
    assert_eq!(res["errcode"], 0);
    let mut br = Browser::staff(&app);
    let csrf = br.csrf();
    let res = br.post(&format!("/admin/wechat-refunds/{id}/query"), &[("csrf", &csrf)]);
    br.get(res.location()).assert_has("已向微信查询：已退款");
    assert_eq!(wechat_refund(&app, id)["status"], "success");

    sandbox_next(&app, "close", "");
    let id = approve(&app, apply_refund(&app, alice, b, None))["wechatRefundId"].as_i64().unwrap();
    let r = wait_for(&app, id, "closed");
    assert!(r["errCodeDes"].as_str().unwrap().contains("余额"), "{r}");
    let acc = accounts(&app, alice);
    assert_eq!((acc.balance, acc.freeze), (5000, 0), "closed by WeChat: the shopper keeps it as balance");
    ledger_ok(&app);
}

#[test]
fn the_job_sends_a_refund_left_pending_and_queries_one_left_processing() {
    let app = app();
    let (alice, at) = app.login_wechat("code-alice");
    let tea = goods(&app, "龙井茶", 5000);
    let order = place(&app, &at, tea);
    paid_by_wechat(&app, alice, &[order], 0);
    let refund = apply_refund(&app, alice, order, None);
    // The decision committed but the process stopped before calling WeChat.
    let decided =
        app.write(|c| xiaodian::service::order_admin::approve_refund(c, refund, "", None, unix_now()));
    let id = decided.wechat_refund.unwrap();
    assert_eq!(wechat_refund(&app, id)["status"], "pending");
    let wx = xiaodian::service::wechat_refund::WxRefunds::new(&app.cfg, app.settings.clone());
    let later = unix_now() + xiaodian::jobs::wechat_refund::IDLE + 1;
    // WeChat accepts it and then never notifies.
    sandbox_next(&app, "hold", "");
    assert_eq!(xiaodian::jobs::wechat_refund::run_once(&app.db, &wx, later).unwrap(), 1);
    let no = wait_for(&app, id, "processing")["outRefundNo"].as_str().unwrap().to_string();
    assert_eq!(
        xiaodian::jobs::wechat_refund::run_once(&app.db, &wx, unix_now()).unwrap(),
        0,
        "just touched: left alone"
    );
    app.sandbox_post(&format!("/sandbox/pay/control/refund-settle/{no}"), &json!({}));
    assert_eq!(xiaodian::jobs::wechat_refund::run_once(&app.db, &wx, later + 120).unwrap(), 1);
    let r = wechat_refund(&app, id);
    assert_eq!(r["status"], "success");
    assert_eq!(r["attempts"], 1);
    assert_eq!(
        xiaodian::jobs::wechat_refund::run_once(&app.db, &wx, later + 240).unwrap(),
        0,
        "nothing left open"
    );
    ledger_ok(&app);
}

#[test]
fn a_recharge_is_refunded_only_while_the_balance_still_holds_it() {
    let app = app();
    let (alice, at) = app.login_wechat("code-alice");
    let payment = paid_by_wechat(&app, alice, &[], 10000);
    let out_trade_no: String = app
        .query(|c| c.query_row("SELECT out_trade_no FROM payments WHERE id = ?1", [payment], |r| r.get(0)));
    let mut b = Browser::staff(&app);
    let csrf = b.csrf();
    b.get(&format!("/admin/wechat-refunds/new?payment={out_trade_no}"))
        .assert_has("余额充值")
        .assert_has("100.00");
    b.get("/admin/wechat-refunds/new?payment=nope").assert_has("没有找到已支付的微信支付");
    let p = payment.to_string();

    // A reason and the confirmation are required.
    let res = b.post(
        "/admin/wechat-refunds/new",
        &[("csrf", &csrf), ("payment", &p), ("amount", "30"), ("reason", "")],
    );
    assert_eq!(res.status, 200);
    res.assert_has("请填写退款原因");
    let res = b.post(
        "/admin/wechat-refunds/new",
        &[("csrf", &csrf), ("payment", &p), ("amount", "30"), ("reason", "充错了")],
    );
    res.assert_has("请勾选确认");
    assert_eq!(accounts(&app, alice).balance, 10000);

    let res = b.post(
        "/admin/wechat-refunds/new",
        &[("csrf", &csrf), ("payment", &p), ("amount", "30"), ("reason", "充错了"), ("confirm", "true")],
    );
    assert_eq!(res.status, 303, "{}", res.body);
    let id: i64 = app.query(|c| c.query_row("SELECT id FROM payment_refunds", [], |r| r.get(0)));
    wait_for(&app, id, "success");
    assert_eq!(accounts(&app, alice).balance, 7000);

    // The shopper spends most of the rest: refunding 50 more is refused and says why.
    let tea = goods(&app, "龙井茶", 5000);
    let order = place(&app, &at, tea);
    app.write(|c| order::pay_from_balance(c, alice, order, unix_now()));
    let res = b.post(
        "/admin/wechat-refunds/new",
        &[("csrf", &csrf), ("payment", &p), ("amount", "50"), ("reason", "退款"), ("confirm", "true")],
    );
    assert_eq!(res.status, 200);
    res.assert_has("已被消费");
    // More than the payment still holds is refused too.
    let res = b.post(
        "/admin/wechat-refunds/new",
        &[("csrf", &csrf), ("payment", &p), ("amount", "80"), ("reason", "退款"), ("confirm", "true")],
    );
    res.assert_has("最多还能退 ¥70.00");
    assert_eq!(accounts(&app, alice).balance, 2000);
    ledger_ok(&app);
    b.get("/admin/wechat-refunds").assert_has("充错了").assert_has("已退款");
}

#[test]
fn orders_paid_from_the_balance_are_still_refunded_to_the_balance() {
    let app = app();
    let (alice, at) = app.login_wechat("code-alice");
    let tea = goods(&app, "龙井茶", 5000);
    let order = place(&app, &at, tea);
    app.write(|c| {
        ledger::post(c, alice, Account::Balance, 5000, "测试充值", Source::Admin, "t")?;
        order::pay_from_balance(c, alice, order, unix_now())
    });
    let done = approve(&app, apply_refund(&app, alice, order, None));
    assert_eq!(done["refunded"], 50.0);
    assert_eq!(done["toWechat"], 0.0);
    assert!(done["wechatRefundId"].is_null());
    assert_eq!(accounts(&app, alice).balance, 5000);
    let n: i64 = app.query(|c| c.query_row("SELECT count(*) FROM payment_refunds", [], |r| r.get(0)));
    assert_eq!(n, 0);
    ledger_ok(&app);
}

#[test]
fn the_sandbox_refuses_unsigned_calls_and_refunds_beyond_the_payment() {
    let app = app();
    let mut p = BTreeMap::new();
    for (k, v) in [
        ("appid", SANDBOX_APPID),
        ("mch_id", SANDBOX_MCH_ID),
        ("transaction_id", "42000x"),
        ("out_refund_no", "T1"),
        ("total_fee", "100"),
        ("refund_fee", "80"),
    ] {
        p.insert(k.to_string(), v.to_string());
    }
    let call = |p: &BTreeMap<String, String>| {
        let (status, text) =
            app.post_raw("/sandbox/pay/secapi/pay/refund", "text/xml", pay::to_xml(p).as_bytes());
        assert_eq!(status, 200);
        pay::from_xml(&text).unwrap()
    };
    let unsigned = call(&p);
    assert_eq!(unsigned["return_code"], "FAIL");
    let mut signed = p.clone();
    pay::sign_request(&mut signed, SANDBOX_PAY_KEY, pay::SignType::Md5);
    let first = call(&signed);
    assert_eq!(first["result_code"], "SUCCESS", "{first:?}");
    assert!(pay::verify(&first, SANDBOX_PAY_KEY));
    assert_eq!(call(&signed)["refund_id"], first["refund_id"], "same number, same refund");
    let mut more = p.clone();
    more.insert("out_refund_no".into(), "T2".into());
    more.insert("refund_fee".into(), "30".into());
    pay::sign_request(&mut more, SANDBOX_PAY_KEY, pay::SignType::Md5);
    let over = call(&more);
    assert_eq!(over["result_code"], "FAIL");
    assert!(over["err_code_des"].contains("大于"), "{over:?}");
}

fn payment_status_of(app: &TestApp, id: i64) -> i64 {
    app.query(|c| c.query_row("SELECT status FROM payments WHERE id = ?1", [id], |r| r.get(0)))
}

fn payment_of_prepay(app: &TestApp, prepay: &str) -> i64 {
    app.query(|c| c.query_row("SELECT id FROM payments WHERE prepay_id = ?1", [prepay], |r| r.get(0)))
}

#[test]
fn a_returned_wechat_paid_order_is_refunded_to_wechat_closed_and_its_payment_stays_paid() {
    let app = app();
    let (alice, at) = app.login_wechat("code-alice");
    let tea = goods(&app, "龙井茶", 5000);
    let order = place(&app, &at, tea);
    let action = format!("{{\"type\":0,\"id\":{order}}}");
    // The shopper taps pay twice; the second payment is the one paid.
    let unused = prepay_of(&wxpay(&app, &at, "50", Some(&action)));
    let paid = prepay_of(&wxpay(&app, &at, "50", Some(&action)));
    assert_eq!(sandbox_pay(&app, &paid, true)["delivered"], true);
    let (paid, unused) = (payment_of_prepay(&app, &paid), payment_of_prepay(&app, &unused));
    assert_eq!(payment_status_of(&app, paid), 1);
    app.write(|c| {
        let p = xiaodian::service::order_admin::ParcelInput {
            carrier: "顺丰速运".into(),
            tracking_number: "SF0001".into(),
        };
        let parcels = xiaodian::service::order_admin::parcels(&[p])?;
        xiaodian::service::order::ship(c, order, &parcels, unix_now())
    });

    let r = RefundInput { order_id: order, kind: 1, reason: "不合适".into(), ..RefundInput::default() };
    let refund = app.write(|c| order::apply_refund(c, alice, &r, unix_now()));
    let address =
        json!({"returnAddress": {"linkMan": "售后部", "mobile": "0571-88880000", "address": "文三路 1 号"}});
    let (status, approved) = app.api("POST", &format!("/refunds/{refund}/approve"), Some(&address));
    assert_eq!((status, approved["toWechat"].as_f64()), (200, Some(0.0)), "{approved}");
    let sent = app.post(
        "/shop/order/refundApply/setBackLogistics",
        &[
            ("token", &at),
            ("orderId", &order.to_string()),
            ("applyId", &refund.to_string()),
            ("shipperName", "中通快递"),
            ("trackingNumber", "ZT123"),
        ],
    );
    assert_code(&sent, 0);
    let (status, done) =
        app.api("POST", &format!("/refunds/{refund}/receive"), Some(&json!({"restock": true})));
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["toWechat"], 50.0);
    assert_eq!(done["orderClosed"], true);
    wait_for(&app, done["wechatRefundId"].as_i64().unwrap(), "success");

    // The reconciliation closes the unused payment of the closed order, never the refunded one.
    let wx = xiaodian::wechat::WeChat::new(&app.cfg, app.db.clone(), app.settings.clone());
    let later = unix_now() + xiaodian::service::payment::PAY_WINDOW_SECS + 1;
    assert_eq!(xiaodian::jobs::pay_reconcile::run_once(&app.db, &wx, later).unwrap(), 1);
    assert_eq!(payment_status_of(&app, unused), 2);
    assert_eq!(payment_status_of(&app, paid), 1);
    let a = accounts(&app, alice);
    assert_eq!((a.balance, a.freeze), (0, 0), "the 50 元 went back to WeChat");
    ledger_ok(&app);
    assert!(app.query(xiaodian::service::audit::run_checks).is_empty());
}

#[test]
fn the_reconciliation_never_closes_a_payment_that_has_refunds() {
    let app = app();
    let (alice, _) = app.login_wechat("code-alice");
    let old = unix_now() - xiaodian::service::payment::PAY_WINDOW_SECS - 60;
    // A payment row still pending here although money of it is on its way back: WeChat does not
    // know its number (ORDERNOTEXIST), which would close any other pending payment past its window.
    let pending = |no: &'static str| xiaodian::db::payment::NewPayment {
        out_trade_no: no,
        user_id: alice,
        openid: "openid-test",
        money: 5000,
        remark: "",
        next_action: "",
        action_type: -1,
        sign_type: "MD5",
    };
    let payment = app.write(|c| {
        let id = xiaodian::db::payment::insert(c, &pending("XDPENDINGWITHREFUND"), &[], old)?;
        let refund = xiaodian::db::wechat_refund::NewRefund {
            payment_id: id,
            user_id: alice,
            refund_fee: 1000,
            reason: "测试",
            order_refund_id: None,
        };
        xiaodian::db::wechat_refund::insert(c, &refund, old)?;
        Ok::<_, Failed>(id)
    });
    let lone = app.write(|c| xiaodian::db::payment::insert(c, &pending("XDPENDINGALONE"), &[], old));
    let wx = xiaodian::wechat::WeChat::new(&app.cfg, app.db.clone(), app.settings.clone());
    assert_eq!(xiaodian::jobs::pay_reconcile::run_once(&app.db, &wx, unix_now()).unwrap(), 1);
    assert_eq!(payment_status_of(&app, lone), 2, "the job did run: the one without refunds closed");
    assert_eq!(payment_status_of(&app, payment), 0, "a payment with refunds is never closed");
    let closed = app.write(|c| xiaodian::db::payment::mark_closed(c, payment, "x", unix_now()));
    assert!(!closed);
}
