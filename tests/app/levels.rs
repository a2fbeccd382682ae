//! Member levels through the mini-program API: list, detail and prices as the templates read
//! them, buying from the balance (enough, short, concurrent, extend vs switch), the purchase
//! history, userDetail's level, and the expiry job.

// Balances are yuan with at most two decimals, the same f64 on both sides.
#![allow(clippy::float_cmp)]

use serde_json::Value;
use xiaodian::db;
use xiaodian::error::ApiError;
use xiaodian::jobs;
use xiaodian::service::ledger::Account;
use xiaodian::service::levels::DAY;

use crate::support::*;

pub const LIST: &str = "/shop/user/level/list";
pub const INFO: &str = "/shop/user/level/info";
pub const PRICES: &str = "/shop/user/level/prices";
pub const BUY: &str = "/shop/user/level/buy";
pub const LOGS: &str = "/shop/user/level/buyLogs";

pub fn buy(app: &TestApp, token: &str, price_id: i64, auto_renew: bool) -> Value {
    let (id, renew) = (price_id.to_string(), auto_renew.to_string());
    app.post(BUY, &[("token", token), ("userLevelPriceId", &id), ("isAutoRenew", &renew), ("remark", "测试")])
}

/// The shopper's current level and expiry, straight from the table.
fn current(app: &TestApp, uid: i64) -> Option<(i64, i64, bool)> {
    app.query(|c| {
        use rusqlite::OptionalExtension;
        c.query_row(
            "SELECT level_id, date_expire, auto_renew FROM user_levels_current WHERE user_id = ?1",
            [uid],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
    })
}

/// `a` within a minute of `b` (the test and the server read the clock at slightly different times).
#[track_caller]
fn near(a: i64, b: i64) {
    assert!((a - b).abs() <= 60, "{a} is not within a minute of {b}");
}

fn balance_of(app: &TestApp, token: &str) -> f64 {
    app.get("/shop/user/amount", &[("token", token)])["data"]["balance"].as_f64().unwrap()
}

#[test]
fn list_detail_and_prices_answer_what_the_templates_read() {
    let app = TestApp::new();
    assert_code(&app.post(LIST, &[]), 700);

    let gold = app.level("黄金会员", 2).rebate(88).gift(100).create();
    let silver = app.level("白银会员", 1).create();
    let hidden = app.level("内部会员", 9).rebate(50).hidden().create();
    let month = app.level_price(gold, 30, 1990, true);
    let year = app.level_price(gold, 365, 19900, true);
    app.level_price(gold, 7, 0, false);
    app.level_price(hidden, 30, 100, true);

    let res = app.post(LIST, &[("page", "1"), ("pageSize", "1")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["totalRow"], 2, "hidden levels are not listed");
    assert_eq!(res["data"]["totalPage"], 2);
    assert_eq!(res["data"]["result"][0]["name"], "白银会员", "paixu, then level");
    let all = app.post(LIST, &[("pageSize", "50")]);
    let g = &all["data"]["result"][1];
    assert_eq!(g["id"], gold);
    assert_eq!(g["level"], 2);
    assert_eq!(g["rebate"], 8.8);
    assert_eq!(g["upgradeSendScore"], 100);
    assert!(g["pic"].as_str().unwrap().starts_with("http://127.0.0.1:"), "{g}");
    assert_eq!(all["data"]["result"][0]["rebate"], 10.0);

    let res = app.get(INFO, &[("id", &gold.to_string())]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["info"]["name"], "黄金会员");
    assert_eq!(res["data"]["info"]["rebate"], 8.8);
    // Benefits keep the merchant's order.
    let keys: Vec<&String> = res["data"]["extJson"].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(res["data"]["extJson"]["专属客服"], "7×24 小时");
    let prices = res["data"]["prices"].as_array().unwrap();
    assert_eq!(prices.len(), 2, "prices not on sale are left out");

    let res = app.get(PRICES, &[("levelId", &gold.to_string())]);
    assert_code(&res, 0);
    let list = res["data"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], month);
    assert_eq!(list[0]["price"], 19.9);
    assert_eq!(list[0]["originalPrice"], 39.8);
    assert_eq!((list[0]["duration"].as_i64(), list[0]["unitStr"].as_str()), (Some(1), Some("个月")));
    assert_eq!(list[1]["id"], year);
    assert_eq!((list[1]["duration"].as_i64(), list[1]["unitStr"].as_str()), (Some(1), Some("年")));
    assert_eq!(list[1]["days"], 365);

    // A level without prices on sale, a hidden level, an unknown one, a missing parameter.
    assert_code(&app.get(PRICES, &[("levelId", &silver.to_string())]), 700);
    let res = app.get(INFO, &[("id", &hidden.to_string())]);
    assert_code(&res, 404);
    assert_eq!(res["msg"], "会员等级不存在");
    assert_code(&app.get(PRICES, &[("levelId", &hidden.to_string())]), 404);
    assert_code(&app.get(INFO, &[("id", "99999")]), 404);
    let res = app.get(INFO, &[]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("id"));
    assert!(app.get(PRICES, &[("levelId", "x")])["msg"].as_str().unwrap().contains("levelId"));
    assert_code(&app.post(LIST, &[("pageSize", "0")]), 300);
    // The client POSTs the list; a GET is told which method to use.
    assert_code(&app.get(LIST, &[]), 405);
}

#[test]
fn buying_with_enough_balance_pays_through_the_ledger_and_sets_the_level() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("alice");
    let gold = app.level("黄金会员", 2).rebate(88).gift(100).create();
    app.level("钻石会员", 3).rebate(70).create();
    let month = app.level_price(gold, 30, 1990, true);
    app.credit(uid, Account::Balance, 10_000);

    let detail = app.get("/shop/user/detail", &[("token", &token)]);
    assert_eq!(detail["data"]["userLevel"]["id"], 0);
    assert_eq!(detail["data"]["userLevel"]["name"], "普通会员");
    assert_eq!(detail["data"]["userLevel"]["canUpgrade"], true);
    assert_eq!(detail["data"]["base"]["levelExpire"], "");

    let res = buy(&app, &token, month, true);
    assert_code(&res, 0);
    let now = db::unix_now();
    assert_eq!(res["data"]["levelId"], gold);
    assert_eq!(res["data"]["money"], 19.9);
    assert_eq!(res["data"]["typeStr"], "开通");

    let amount = app.get("/shop/user/amount", &[("token", &token)]);
    assert_eq!(amount["data"]["balance"], 80.1);
    assert_eq!(amount["data"]["totleConsumed"], 19.9);
    assert_eq!(amount["data"]["score"], 100, "the level's upgrade gift");

    let (level_id, expire, auto_renew) = current(&app, uid).unwrap();
    assert_eq!(level_id, gold);
    assert!(auto_renew);
    near(expire, now + 30 * DAY);

    let detail = app.get("/shop/user/detail", &[("token", &token)]);
    let ul = &detail["data"]["userLevel"];
    assert_eq!(ul["id"], gold);
    assert_eq!(ul["level"], 2);
    assert_eq!(ul["name"], "黄金会员");
    assert_eq!(ul["rebate"], 8.8);
    assert_eq!(ul["canUpgrade"], true, "钻石会员 ranks higher");
    assert_eq!(detail["data"]["base"]["levelExpire"], db::format_unix(expire));
    assert_eq!(ul["dateExpire"], db::format_unix(expire));

    let logs = app.post(LOGS, &[("token", &token)]);
    assert_code(&logs, 0);
    assert_eq!(logs["data"]["totalRow"], 1);
    let log = &logs["data"]["result"][0];
    assert_eq!(log["levelId"], gold);
    assert_eq!(log["money"], 19.9);
    assert_eq!(log["remark"], "测试");
    assert_eq!(log["dateExpire"], db::format_unix(expire));
    assert!(log["orderNumber"].as_str().unwrap().starts_with("LV"), "{log}");

    // Debit and gift are ledger rows with their reasons; the balance is the sum of its rows.
    let reasons: Vec<(String, i64)> = app.query(|c| {
        let mut st = c.prepare(
            "SELECT reason, amount FROM ledger WHERE user_id = ?1 AND source_type = 'level_buy' ORDER BY id",
        )?;
        let rows = st.query_map([uid], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    });
    assert_eq!(
        reasons,
        [("购买会员 黄金会员".to_string(), -1990), ("升级会员 黄金会员 赠送积分".to_string(), 100)]
    );
    assert_eq!(app.balance_and_sum(uid), (8010, 8010));
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());
}

#[test]
fn a_short_balance_answers_40000_with_the_amount_due_and_writes_nothing() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("bob");
    let gold = app.level("黄金会员", 2).rebate(88).gift(100).create();
    let month = app.level_price(gold, 30, 1990, true);

    // Never had any money: the whole price is due, and no accounts row appears.
    let res = buy(&app, &token, month, false);
    assert_code(&res, 40000);
    assert_eq!(res["msg"], "余额不足");
    assert_eq!(res["data"], 19.9);
    assert_eq!(app.count("user_accounts"), 0);

    app.credit(uid, Account::Balance, 500);
    let rows = app.ledger_rows(uid);
    let res = buy(&app, &token, month, false);
    assert_code(&res, 40000);
    assert!(res["data"].is_number(), "{res}");
    assert_eq!(res["data"], 14.9);

    assert_eq!(app.ledger_rows(uid), rows);
    assert_eq!(app.count("user_level_buys"), 0);
    assert_eq!(current(&app, uid), None);
    assert_eq!(balance_of(&app, &token), 5.0);
    assert_eq!(app.get("/shop/user/amount", &[("token", &token)])["data"]["score"], 0, "no gift either");
    assert_code(&app.post(LOGS, &[("token", &token)]), 700);
}

#[test]
fn twenty_concurrent_buys_with_balance_for_three_succeed_exactly_three_times() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("carol");
    let gold = app.level("黄金会员", 2).rebate(88).create();
    let month = app.level_price(gold, 30, 1990, true);
    app.credit(uid, Account::Balance, 3 * 1990);

    let codes: Vec<i64> = std::thread::scope(|s| {
        let handles: Vec<_> =
            (0..20).map(|_| s.spawn(|| buy(&app, &token, month, false)["code"].as_i64().unwrap())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 3, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 40000).count(), 17, "{codes:?}");

    assert_eq!(app.balance_and_sum(uid), (0, 0));
    let lowest: i64 =
        app.query(|c| c.query_row("SELECT min(after) FROM ledger WHERE user_id = ?1", [uid], |r| r.get(0)));
    assert_eq!(lowest, 0, "the balance never went below zero");
    assert_eq!(app.count("user_level_buys"), 3);
    // One new level and two extensions: 90 days in all.
    let (_, expire, _) = current(&app, uid).unwrap();
    near(expire, db::unix_now() + 90 * DAY);
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());
}

#[test]
fn buying_the_same_level_extends_it_and_another_level_starts_now() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("dave");
    let silver = app.level("白银会员", 1).rebate(95).gift(10).create();
    let gold = app.level("黄金会员", 2).rebate(88).gift(100).create();
    let silver_month = app.level_price(silver, 30, 100, true);
    let gold_month = app.level_price(gold, 30, 200, true);
    let gold_week = app.level_price(gold, 7, 50, true);
    app.credit(uid, Account::Balance, 10_000);
    let score =
        |app: &TestApp| app.get("/shop/user/amount", &[("token", &token)])["data"]["score"].as_i64().unwrap();

    assert_code(&buy(&app, &token, gold_month, false), 0);
    let (_, first, _) = current(&app, uid).unwrap();
    assert_eq!(score(&app), 100);

    // Same level: from the current expiry, and no second gift.
    let res = buy(&app, &token, gold_week, true);
    assert_code(&res, 0);
    assert_eq!(res["data"]["typeStr"], "续费");
    let (level_id, extended, auto_renew) = current(&app, uid).unwrap();
    assert_eq!((level_id, extended, auto_renew), (gold, first + 7 * DAY, true));
    assert_eq!(score(&app), 100);

    // Another level: starts now, replacing the old one; moving down brings no gift.
    let res = buy(&app, &token, silver_month, false);
    assert_code(&res, 0);
    assert_eq!(res["data"]["typeStr"], "开通");
    let (level_id, switched, _) = current(&app, uid).unwrap();
    assert_eq!(level_id, silver);
    near(switched, db::unix_now() + 30 * DAY);
    assert_eq!(score(&app), 100);
    let detail = app.get("/shop/user/detail", &[("token", &token)]);
    assert_eq!(detail["data"]["userLevel"]["name"], "白银会员");
    assert_eq!(detail["data"]["userLevel"]["canUpgrade"], true);

    // Moving up again gives the gift again, and at the top there is nothing to upgrade to.
    assert_code(&buy(&app, &token, gold_month, false), 0);
    assert_eq!(score(&app), 200);
    let detail = app.get("/shop/user/detail", &[("token", &token)]);
    assert_eq!(detail["data"]["userLevel"]["id"], gold);
    assert_eq!(detail["data"]["userLevel"]["canUpgrade"], false);

    let logs = app.post(LOGS, &[("token", &token), ("pageSize", "3")]);
    assert_eq!(logs["data"]["totalRow"], 4);
    assert_eq!(logs["data"]["totalPage"], 2);
    assert_eq!(logs["data"]["result"][0]["levelId"], gold, "newest first");
    assert_eq!(app.balance_and_sum(uid), (10_000 - 550, 10_000 - 550));
}

#[test]
fn a_level_past_its_expiry_reads_as_lapsed_before_the_job_runs() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("erin");
    let gold = app.level("黄金会员", 2).rebate(88).create();
    let month = app.level_price(gold, 30, 0, true);
    assert_code(&buy(&app, &token, month, false), 0);
    app.write(|c| {
        c.execute(
            "UPDATE user_levels_current SET date_expire = ?2 WHERE user_id = ?1",
            [uid, db::unix_now() - 1],
        )
        .map_err(ApiError::from)
    });
    let detail = app.get("/shop/user/detail", &[("token", &token)]);
    assert_eq!(detail["data"]["userLevel"]["id"], 0);
    assert_eq!(detail["data"]["base"]["levelExpire"], "");
    // Buying again after it ran out starts from now, as a new level.
    let res = buy(&app, &token, month, false);
    assert_eq!(res["data"]["typeStr"], "开通");
    near(current(&app, uid).unwrap().1, db::unix_now() + 30 * DAY);
}

#[test]
fn the_job_renews_with_balance_and_lapses_without() {
    let app = TestApp::new();
    let gold = app.level("黄金会员", 2).rebate(88).gift(100).create();
    let month = app.level_price(gold, 30, 1990, true);
    let (rich, rich_token) = app.shopper("rich");
    let (poor, poor_token) = app.shopper("poor");
    let (once, once_token) = app.shopper("once");
    app.credit(rich, Account::Balance, 2 * 1990);
    app.credit(poor, Account::Balance, 1990 + 500);
    app.credit(once, Account::Balance, 2 * 1990);
    assert_code(&buy(&app, &rich_token, month, true), 0);
    assert_code(&buy(&app, &poor_token, month, true), 0);
    assert_code(&buy(&app, &once_token, month, false), 0);
    let (_, expire, _) = current(&app, rich).unwrap();
    let run = |now: i64| jobs::levels::run_once(&app.db, now).unwrap();

    // Nothing is due yet.
    assert_eq!(run(db::unix_now()), jobs::levels::Swept::default());

    // Ten minutes before expiry: the one who can pay is renewed; the others keep their level for now.
    let swept = run(expire - 10 * 60);
    assert_eq!((swept.renewed, swept.lapsed, swept.failed), (1, 0, 0));
    let (_, renewed_to, _) = current(&app, rich).unwrap();
    assert_eq!(renewed_to, expire + 30 * DAY, "renewal continues from the old expiry");
    assert!(current(&app, poor).is_some() && current(&app, once).is_some());

    // Past expiry: the short balance and the one without auto-renew lapse.
    let swept = run(expire + 60);
    assert_eq!((swept.renewed, swept.lapsed, swept.failed), (0, 2, 0));
    assert_eq!(current(&app, poor), None);
    assert_eq!(current(&app, once), None);
    assert_eq!(current(&app, rich).unwrap().1, renewed_to);
    assert_eq!(app.get("/shop/user/detail", &[("token", &poor_token)])["data"]["userLevel"]["id"], 0);

    // The renewal paid through the ledger once, with no second upgrade gift.
    assert_eq!(balance_of(&app, &rich_token), 0.0);
    assert_eq!(balance_of(&app, &poor_token), 5.0);
    let reasons: Vec<String> = app.query(|c| {
        let mut st = c.prepare(
            "SELECT reason FROM ledger WHERE user_id = ?1 AND source_type = 'level_buy' ORDER BY id",
        )?;
        let rows = st.query_map([rich], |r| r.get(0))?;
        rows.collect()
    });
    assert_eq!(reasons, ["购买会员 黄金会员", "升级会员 黄金会员 赠送积分", "自动续费会员 黄金会员"]);
    let logs = app.post(LOGS, &[("token", &rich_token)]);
    assert_eq!(logs["data"]["result"][0]["typeStr"], "自动续费");
    assert_eq!(logs["data"]["result"][0]["isAutoRenew"], true);
    assert_eq!(app.get("/shop/user/amount", &[("token", &rich_token)])["data"]["totleConsumed"], 39.8);

    // Running again at the same moment changes nothing.
    assert_eq!(run(expire + 60), jobs::levels::Swept::default());
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());
}

#[test]
fn auto_renewal_stops_when_its_price_is_taken_off_sale() {
    let app = TestApp::new();
    let gold = app.level("黄金会员", 2).rebate(88).create();
    let month = app.level_price(gold, 30, 100, true);
    let (uid, token) = app.shopper("gina");
    app.credit(uid, Account::Balance, 1000);
    assert_code(&buy(&app, &token, month, true), 0);
    let (_, expire, _) = current(&app, uid).unwrap();
    app.set_price_on_sale(month, false);
    let swept = jobs::levels::run_once(&app.db, expire + 1).unwrap();
    assert_eq!((swept.renewed, swept.lapsed), (0, 1));
    assert_eq!(balance_of(&app, &token), 9.0);
}

#[test]
fn a_free_price_needs_no_balance_and_moves_no_money() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("hank");
    let trial = app.level("体验会员", 1).create();
    let week = app.level_price(trial, 7, 0, true);
    let res = buy(&app, &token, week, false);
    assert_code(&res, 0);
    assert_eq!(res["data"]["money"], 0.0);
    assert_eq!(app.ledger_rows(uid), 0);
    near(current(&app, uid).unwrap().1, db::unix_now() + 7 * DAY);
}

#[test]
fn buying_needs_a_token_valid_parameters_and_a_price_on_sale() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("ivan");
    app.credit(uid, Account::Balance, 10_000);
    let gold = app.level("黄金会员", 2).rebate(88).create();
    let hidden_level = app.level("内部会员", 9).rebate(50).hidden().create();
    let on_sale = app.level_price(gold, 30, 100, true);
    let off_sale = app.level_price(gold, 7, 10, false);
    let of_hidden = app.level_price(hidden_level, 30, 100, true);
    let id = on_sale.to_string();

    assert_code(&app.post(BUY, &[("userLevelPriceId", &id)]), 2000);
    assert_code(&app.post(BUY, &[("token", "nope"), ("userLevelPriceId", &id)]), 2000);
    assert_code(&app.post(LOGS, &[]), 2000);
    for (form, name) in [
        (vec![("token", token.as_str())], "userLevelPriceId"),
        (vec![("token", &token), ("userLevelPriceId", "abc")], "userLevelPriceId"),
        (vec![("token", &token), ("userLevelPriceId", &id), ("isAutoRenew", "maybe")], "isAutoRenew"),
    ] {
        let res = app.post(BUY, &form);
        assert_code(&res, 300);
        assert!(res["msg"].as_str().unwrap().contains(name), "{name}: {res}");
    }
    let long = "备".repeat(201);
    let res = app.post(BUY, &[("token", &token), ("userLevelPriceId", &id), ("remark", &long)]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("remark"));
    for (price_id, what) in [(off_sale, "会员价格"), (of_hidden, "会员等级"), (99_999, "会员价格")]
    {
        let res = buy(&app, &token, price_id, false);
        assert_code(&res, 404);
        assert_eq!(res["msg"], format!("{what}不存在"));
    }
    assert_eq!(app.count("user_level_buys"), 0);
    assert_eq!(balance_of(&app, &token), 100.0);
    // JSON bodies work as forms do.
    let body = serde_json::json!({"token": token, "userLevelPriceId": on_sale, "isAutoRenew": true});
    assert_code(&app.post_json(BUY, &body), 0);
    assert_eq!(current(&app, uid).map(|c| c.2), Some(true));
}
