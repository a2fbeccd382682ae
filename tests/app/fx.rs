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

/// `userAmount.fxCommisionPaying`, yuan.
fn pending(app: &TestApp, token: &str) -> Value {
    app.get("/shop/user/amount", &[("token", token)])["data"]["fxCommisionPaying"].clone()
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
    assert_eq!(pending(&app, &ct), json!(10.0), "level 1: 10%");
    assert_eq!(pending(&app, &bt), json!(5.0), "level 2: 5%");
    assert_eq!(pending(&app, &at), json!(2.0), "level 3: 2%");
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
    assert_eq!(pending(&app, &ct), json!(0.0));
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
    assert_eq!(pending(&app, &ct), json!(6.0));
    assert_eq!(pending(&app, &at), json!(1.2));
    let rest = apply_refund(&app, d, id2.parse().unwrap(), None);
    app.write(|x| xiaodian::service::order_admin::approve_refund(x, rest, "", None, unix_now()));
    assert_eq!(pending(&app, &ct), json!(0.0), "a full refund cancels the rest");
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

/// fxMembers of a downline of a few hundred: `totalRow`/`totalPage` count them all, a page (newest
/// link first) holds its 20 members, and `statisticsCommisionMap`/`userCashMap` have exactly the
/// page's members with each one's own figures — on the first page, a deep one and the last. Pinned
/// against the query that computed figures for the whole downline before paging (issue 16), so
/// the page-first query cannot silently change an answer.
#[test]
fn a_page_of_a_large_downline_has_its_members_figures_and_the_totals_of_all() {
    let app = TestApp::new();
    open(&app, "1");
    let (d, dt) = app.shopper("分销商");
    make_seller(&app, &dt);
    let mut members = Vec::new();
    for i in 0..300 {
        let (uid, token) = app.new_shopper(&format!("会员{i}")).mobile(&format!("139{i:08}")).create();
        assert_code(&bind(&app, &token, d), 0);
        members.push((uid, token));
    }
    members.reverse(); // newest link (highest uid) first, as the pages list them
                       // Figures for three members: the newest (page 1), one on page 8 and the oldest (page 15).
    let goods = app.goods().name("茶叶").price(10_000).stock(100).create();
    let buys = [(0, 2), (150, 1), (299, 3)];
    for &(i, orders) in &buys {
        let (uid, token) = &members[i];
        app.credit(*uid, Account::Balance, 100_000);
        for _ in 0..orders {
            let id = order_id(&create(&app, token, &one_line(goods, 1, ""), &[]));
            assert_code(&app.post("/shop/order/pay", &[("token", token), ("orderId", &id)]), 0);
        }
    }
    make_seller(&app, &members[1].1);
    // A member of a member: level 2 of the distributor, not level 1.
    let (_, grand) = app.shopper("孙");
    assert_code(&bind(&app, &grand, members[0].0), 0);

    let page = |page: &str, extra: &[(&str, &str)]| {
        let mut form = vec![("token", dt.as_str()), ("level", "1"), ("pageSize", "20"), ("page", page)];
        form.extend_from_slice(extra);
        let res = app.post("/shop/saleDistribution/members", &form);
        assert_code(&res, 0);
        res["data"].clone()
    };
    for (n, first) in [("1", 0), ("8", 140), ("15", 280)] {
        let data = page(n, &[]);
        assert_eq!((data["totalRow"].clone(), data["totalPage"].clone()), (json!(300), json!(15)), "{n}");
        let uids: Vec<i64> =
            data["result"].as_array().unwrap().iter().map(|m| m["uids"].as_i64().unwrap()).collect();
        let want: Vec<i64> = members[first..first + 20].iter().map(|m| m.0).collect();
        assert_eq!(uids, want, "page {n}: its 20 members, newest link first");
        for map in ["statisticsCommisionMap", "userCashMap"] {
            let mut keys: Vec<i64> =
                data[map].as_object().unwrap().keys().map(|k| k.parse().unwrap()).collect();
            keys.sort_unstable();
            let mut page_uids = uids.clone();
            page_uids.sort_unstable();
            assert_eq!(keys, page_uids, "page {n}: {map} has the page's members only");
        }
        for (k, m) in data["result"].as_array().unwrap().iter().enumerate() {
            let i = first + k;
            let uid = m["uids"].as_i64().unwrap().to_string();
            let orders = buys.iter().find(|b| b.0 == i).map_or(0, |b| b.1);
            let yuan = json!(f64::from(orders) * 100.0);
            assert_eq!(m["nicks"], format!("会员{}", 299 - i));
            assert_eq!(m["mobileMasks"], format!("139****{:04}", 299 - i));
            assert_eq!(m["isSeller"], i == 1, "member {i}");
            assert_eq!(m["lastOrderDate"].as_str().unwrap().is_empty(), orders == 0, "member {i}");
            assert!(!m["dateAdd"].as_str().unwrap().is_empty());
            let sales = &data["statisticsCommisionMap"][&uid];
            assert_eq!(
                (sales["saleroom"].clone(), sales["numberOrder"].clone()),
                (yuan.clone(), json!(orders))
            );
            let cash = &data["userCashMap"][&uid];
            assert_eq!(
                (
                    cash["totalPayNumber"].clone(),
                    cash["totalPayAmount"].clone(),
                    cash["totleConsumed"].clone()
                ),
                (json!(orders), yuan.clone(), yuan),
                "member {i}: {cash}"
            );
        }
    }
    assert_code(&app.post("/shop/saleDistribution/members", &[("token", &dt), ("page", "16")]), 700);
    // Filters: one member by uid, and level 2.
    let one = page("1", &[("uids", &members[150].0.to_string())]);
    assert_eq!(
        (one["totalRow"].clone(), one["result"][0]["uids"].clone()),
        (json!(1), json!(members[150].0))
    );
    assert_eq!(one["statisticsCommisionMap"].as_object().unwrap().len(), 1);
    let level2 = app.post("/shop/saleDistribution/members", &[("token", &dt), ("level", "2")]);
    assert_eq!(level2["data"]["totalRow"], 1, "{level2}");
    let stats = app.get("/shop/saleDistribution/members/statistics", &[("token", &dt)]);
    assert_eq!(
        (stats["data"]["totleFansLevel1"].clone(), stats["data"]["totleChildFxsLevel1"].clone()),
        (json!(300), json!(1))
    );
}
