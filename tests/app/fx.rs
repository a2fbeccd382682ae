//! Distribution (三级分销): chains, becoming a distributor, commissions on the ledger, the reports.

use serde_json::{json, Value};
use xiaodian::db::unix_now;
use xiaodian::jobs::fx_settle;
use xiaodian::service::fx;
use xiaodian::service::ledger::Account;
use xiaodian::settings::keys::fx as keys;

use crate::order_admin::apply_refund;
use crate::support::{assert_code, create, now, one_line, order_id, ship, TestApp};

const KEY: &str = "fx-key-123456";

fn open(app: &TestApp, freeze_days: &str) {
    app.set_settings(&[
        (keys::OPEN, "1"),
        (keys::LEVELS, "3"),
        (keys::PERCENT_1, "10"),
        (keys::PERCENT_2, "5"),
        (keys::PERCENT_3, "2"),
        (keys::FREEZE_DAYS, freeze_days),
    ]);
}

fn bind(app: &TestApp, token: &str, uid: i64) -> Value {
    app.post("/shop/user/bindSeller", &[("token", token), ("uid", &uid.to_string())])
}

/// Makes the shopper a distributor the way the merchant does: apply, then approval.
fn make_seller(app: &TestApp, token: &str) {
    assert_code(
        &app.post(
            "/shop/saleDistribution/apply",
            &[("token", token), ("name", "张三"), ("mobile", "13800000000")],
        ),
        0,
    );
    let progress = app.get("/shop/saleDistribution/apply/progress", &[("token", token)]);
    assert_eq!(progress["data"]["status"], 0, "{progress}");
    let id = progress["data"]["id"].as_i64().unwrap();
    app.write(|c| fx::decide(c, id, true, "", unix_now()));
    assert_eq!(app.get("/shop/saleDistribution/apply/progress", &[("token", token)])["data"]["status"], 2);
}

fn pending(app: &TestApp, token: &str) -> f64 {
    app.get("/shop/user/amount", &[("token", token)])["data"]["fxCommisionPaying"].as_f64().unwrap()
}

fn check_clean(app: &TestApp) {
    let problems = app.query(xiaodian::service::audit::run_checks);
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn binding_refuses_oneself_cycles_and_a_second_referrer_unless_allowed() {
    let app = TestApp::new();
    let (a, at) = app.shopper("阿");
    let (b, bt) = app.shopper("波");
    let (c, _) = app.shopper("茨");
    assert_code(&bind(&app, &bt, a), 403);
    open(&app, "0");
    let res = bind(&app, &at, a);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("自己"), "{res}");
    assert_code(&bind(&app, &bt, a), 0);
    // a below b would close a cycle.
    let res = bind(&app, &at, b);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("下级"), "{res}");
    // b already has a referrer: first binding wins.
    let res = bind(&app, &bt, c);
    assert_code(&res, 403);
    let referrer: Option<i64> =
        app.query(|x| x.query_row("SELECT referrer_id FROM users WHERE id = ?1", [b], |r| r.get(0)));
    assert_eq!(referrer, Some(a), "nothing changed");
    app.set_setting(keys::REBIND, "1");
    assert_code(&bind(&app, &bt, c), 0);
    assert_eq!(app.query(|x| xiaodian::db::fx::ancestors(x, b)), vec![(1, c)]);
}

#[test]
fn trace_seller_binds_to_the_nearest_distributor_above_and_registration_keeps_the_chain() {
    let app = TestApp::new();
    open(&app, "0");
    let (a, at) = app.login_wechat("code-fx-a");
    make_seller(&app, &at);
    let res = app.post("/shop/user/wxapp/authorize", &[("code", "code-fx-b"), ("referrer", &a.to_string())]);
    assert_code(&res, 0);
    let b = res["data"]["uid"].as_i64().unwrap();
    let (c, ct) = app.shopper("茨");
    let res = app
        .post("/shop/user/bindSeller", &[("token", &ct), ("uid", &b.to_string()), ("traceSeller", "true")]);
    assert_code(&res, 0);
    assert_eq!(res["data"], a, "b is no distributor: bound to a");
    assert_eq!(app.query(|x| xiaodian::db::fx::ancestors(x, c)), vec![(1, a)]);
    let stats = app.get("/shop/saleDistribution/members/statistics", &[("token", &at)]);
    assert_eq!(stats["data"]["totleFansLevel1"], 2, "{stats}");
    let members = app.post("/shop/saleDistribution/members", &[("token", &at), ("level", "1")]);
    assert_code(&members, 0);
    assert_eq!(members["data"]["totalRow"], 2);
    assert!(members["data"]["result"][0]["uids"].is_i64());
    assert_code(&app.post("/shop/saleDistribution/members", &[("token", &at), ("level", "2")]), 700);
    let detail = app.get("/shop/user/detail", &[("token", &at)]);
    assert_eq!(detail["data"]["base"]["isSeller"], true);
    let spread = app.get("/shop/user/detail/spreadUser", &[("token", &at), ("uid", &c.to_string())]);
    assert_code(&spread, 0);
    assert_eq!(spread["data"]["base"]["id"], c);
    let upward = app.get("/shop/user/detail/spreadUser", &[("token", &ct), ("uid", &a.to_string())]);
    assert_code(&upward, 403);
}

#[test]
fn a_three_level_chain_earns_on_payment_settles_after_the_freeze_and_a_refund_cancels_pro_rata() {
    let app = TestApp::new();
    open(&app, "1");
    let (a, at) = app.shopper("一级");
    let (b, bt) = app.shopper("二级");
    let (c, ct) = app.shopper("三级");
    let (d, dt) = app.shopper("买家");
    for t in [&at, &bt, &ct] {
        make_seller(&app, t);
    }
    assert_code(&bind(&app, &bt, a), 0);
    assert_code(&bind(&app, &ct, b), 0);
    assert_code(&bind(&app, &dt, c), 0);
    app.credit(d, Account::Balance, 100_000);
    let goods = app.goods().name("茶叶").price(10_000).stock(10).create();
    let id = order_id(&create(&app, &dt, &one_line(goods, 1, ""), &[]));
    assert_code(&app.post("/shop/order/pay", &[("token", &dt), ("orderId", &id)]), 0);
    assert_eq!(pending(&app, &ct), 10.0, "level 1: 10%");
    assert_eq!(pending(&app, &bt), 5.0, "level 2: 5%");
    assert_eq!(pending(&app, &at), 2.0, "level 3: 2%");
    let log = app.post("/shop/saleDistribution/commision/log", &[("token", &ct)]);
    assert_code(&log, 0);
    assert_eq!(log["data"]["result"][0]["money"], 10.0);
    assert_eq!(log["data"]["result"][0]["bili"], 10);
    assert_eq!(log["data"]["result"][0]["isSettlement"], false);
    assert_eq!(log["data"]["goodsMap"][&id][0]["goodsName"], "茶叶");
    assert_eq!(log["data"]["orderList"][0]["id"].as_i64().unwrap().to_string(), id);
    // The fx home's month figures: siteStatisticsSaleroom with uid and yyyyMM.
    let month = xiaodian::db::now_text()[..7].replace('-', "");
    let q = |token: &str, uid: i64| {
        app.get(
            "/shop/site/statistics/saleroom",
            &[("token", token), ("uid", &uid.to_string()), ("dateBegin", &month), ("dateEnd", &month)],
        )
    };
    let mine = q(&ct, c);
    assert_eq!(
        (mine["data"][0]["estimateCommission"].clone(), mine["data"][0]["saleroom"].clone()),
        (json!(10.0), json!(100.0)),
        "{mine}"
    );
    assert_code(&q(&ct, a), 403);

    ship(&app, &id);
    assert_code(&app.post("/shop/order/delivery", &[("token", &dt), ("orderId", &id)]), 0);
    assert_eq!(fx_settle::run_once(&app.db, now()).unwrap(), 0, "frozen for a day");
    assert_eq!(fx_settle::run_once(&app.db, now() + 86_401).unwrap(), 3);
    assert_eq!(pending(&app, &ct), 0.0);
    assert_eq!(app.account(c).balance, 1000);
    assert_eq!(app.account(b).balance, 500);
    let stats = app.get("/shop/saleDistribution/my/commision", &[("token", &ct), ("days", "0")]);
    assert_eq!(stats["data"][0]["settlement"], 10.0, "{stats}");
    check_clean(&app);

    // A second order, partly refunded before settlement: 40 of 100 cancels 40% of each share.
    let id2 = order_id(&create(&app, &dt, &one_line(goods, 1, ""), &[]));
    assert_code(&app.post("/shop/order/pay", &[("token", &dt), ("orderId", &id2)]), 0);
    let part = apply_refund(&app, d, id2.parse().unwrap(), Some(4000));
    app.write(|x| xiaodian::service::order_admin::approve_refund(x, part, "", None, unix_now()));
    assert_eq!(pending(&app, &ct), 6.0);
    assert_eq!(pending(&app, &at), 1.2);
    let rest = apply_refund(&app, d, id2.parse().unwrap(), None);
    app.write(|x| xiaodian::service::order_admin::approve_refund(x, rest, "", None, unix_now()));
    assert_eq!(pending(&app, &ct), 0.0, "a full refund cancels the rest");
    assert_eq!(app.account(c).balance, 1000, "settled commission is not clawed back");
    check_clean(&app);
}

#[test]
fn the_distributorship_is_bought_from_the_balance_or_refused_with_the_amount_due() {
    let app = TestApp::new();
    open(&app, "0");
    let (uid, token) = app.shopper("买资格");
    assert_code(&app.post("/shop/saleDistribution/buy", &[("token", &token)]), 403);
    app.set_setting(keys::PRICE_FEN, "100");
    assert_eq!(app.get("/shop/saleDistribution/setting", &[])["data"]["canBuy"], true);
    app.credit(uid, Account::Balance, 40);
    let res = app.post("/shop/saleDistribution/buy", &[("token", &token)]);
    assert_code(&res, 40000);
    assert_eq!(res["data"], 0.6);
    assert_eq!(app.account(uid).balance, 40, "nothing changed");
    app.credit(uid, Account::Balance, 60);
    assert_code(&app.post("/shop/saleDistribution/buy", &[("token", &token)]), 0);
    assert_eq!(app.account(uid).balance, 0);
    assert_eq!(app.get("/shop/user/detail", &[("token", &token)])["data"]["base"]["isSeller"], true);
    assert_code(&app.post("/shop/saleDistribution/buy", &[("token", &token)]), 403);
    check_clean(&app);
}

#[test]
fn a_rejected_application_keeps_its_reason_and_percentages_over_100_are_refused() {
    let app = TestApp::with_key(KEY);
    open(&app, "0");
    let (_, token) = app.shopper("申请人");
    assert_code(&app.get("/shop/saleDistribution/apply/progress", &[("token", &token)]), 700);
    assert_code(
        &app.post(
            "/shop/saleDistribution/apply",
            &[("token", &token), ("name", "李四"), ("mobile", "13800000001")],
        ),
        0,
    );
    let id = app.get("/shop/saleDistribution/apply/progress", &[("token", &token)])["data"]["id"]
        .as_i64()
        .unwrap();
    let p = app.get("/shop/saleDistribution/apply/progress", &[("token", &token)]);
    assert_eq!(p["data"]["status"], 0);
    app.write(|c| fx::decide(c, id, false, "资料不全", unix_now()));
    let p = app.get("/shop/saleDistribution/apply/progress", &[("token", &token)]);
    assert_eq!((p["data"]["status"].clone(), p["data"]["remark"].clone()), (json!(1), json!("资料不全")));

    let (status, body) = app.api("PATCH", "/settings", Some(&json!({"fxPercent1": 90, "fxPercent2": 20})));
    assert_eq!(status, 422, "{body}");
    assert_eq!(app.settings.get().get(keys::PERCENT_1), Some("10"), "nothing changed");
}

#[test]
fn the_demo_sells_the_distributorship_for_one_yuan_and_has_a_distributor_with_a_team() {
    let app = TestApp::with(|c| c.demo = true);
    let s = app.get("/shop/saleDistribution/setting", &[]);
    assert_eq!(
        (s["data"]["isOpen"].clone(), s["data"]["canBuy"].clone(), s["data"]["price"].clone()),
        (json!(true), json!(true), json!(1.0))
    );
    assert_eq!((s["data"]["levels"].clone(), s["data"]["freezeDays"].clone()), (json!(2), json!(0)));
    let seller: i64 = app.query(|c| c.query_row("SELECT user_id FROM fx_sellers", [], |r| r.get(0)));
    let counts = app.query(|c| xiaodian::db::fx::downline_counts(c, seller));
    assert_eq!((counts[0].0, counts[1].0), (2, 1));
}
