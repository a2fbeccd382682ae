//! Points and growth through HTTP: sign-in streaks (and a raced double sign-in), exchange rates,
//! redemption codes used once, points for shares to WeChat groups (sandbox-encrypted share info),
//! the points, growth and cash logs, and points for registering and for received orders.

use serde_json::json;
use xiaodian::db::points::SignRule;
use xiaodian::db::unix_now;
use xiaodian::service::ledger::Account;
use xiaodian::service::points::{self, keys, NewCodes};

use crate::support::*;

fn set_sign_rules(app: &TestApp, rules: &[(i64, i64)]) {
    let rules: Vec<SignRule> =
        rules.iter().map(|&(continuous, score)| SignRule { continuous, score }).collect();
    app.write(|c| points::save_sign_rules(c, &rules, unix_now()));
}

/// Pretends the shopper signed in yesterday with a streak of `continuous`.
fn signed_yesterday(app: &TestApp, user: i64, continuous: i64) {
    let day = points::local_day(unix_now()) - 1;
    app.write(|c| {
        Ok::<_, Failed>(xiaodian::db::points::insert_sign(c, user, day, continuous, 0, unix_now() - 86_400)?)
    });
}

#[test]
fn sign_in_counts_the_streak_pays_by_the_rules_and_refuses_a_second_sign_the_same_day() {
    let app = TestApp::new();
    set_sign_rules(&app, &[(1, 5), (7, 20)]);
    let rules = app.get("/shop/score/sign/rules", &[]);
    assert_code(&rules, 0);
    assert_eq!(rules["data"], json!([{"continuous": 1, "score": 5}, {"continuous": 7, "score": 20}]));

    let (alice, token) = app.shopper("alice");
    assert_code(&app.get("/shop/score/today-signed", &[("token", &token)]), 700);
    let res = app.post("/shop/score/sign", &[("token", &token)]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["continuous"], 1);
    assert_eq!(res["data"]["score"], 5);
    let again = app.post("/shop/score/sign", &[("token", &token)]);
    assert_code(&again, 10000);
    assert!(again["msg"].as_str().unwrap().contains("已经签到"));
    assert_eq!(app.account(alice).score, 5, "the second sign-in paid nothing");
    let today = app.get("/shop/score/today-signed", &[("token", &token)]);
    assert_code(&today, 0);
    assert_eq!(today["data"]["continuous"], 1);

    // Yesterday was day 6 of a streak: today is day 7 and pays the 7-day reward.
    let (bob, bob_token) = app.shopper("bob");
    signed_yesterday(&app, bob, 6);
    let res = app.post("/shop/score/sign", &[("token", &bob_token)]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["continuous"], 7);
    assert_eq!(res["data"]["score"], 20);
    assert_eq!(app.account(bob).score, 20);

    let logs = app.post("/shop/score/sign/logs", &[("token", &bob_token), ("page", "1"), ("pageSize", "10")]);
    assert_code(&logs, 0);
    assert_eq!(logs["data"]["totalRow"], 2);
    assert_eq!(logs["data"]["result"][0]["continuous"], 7);
    assert!(logs["data"]["result"][0]["dateAdd"].as_str().unwrap().len() == 19);
    let future = app.post("/shop/score/sign/logs", &[("token", &bob_token), ("dateAddBegin", "2999-01-01")]);
    assert_code(&future, 700);
    assert_code(&app.post("/shop/score/sign/logs", &[("token", &bob_token), ("dateAddBegin", "昨天")]), 300);

    let score_logs = app.post("/shop/score/logs", &[("token", &bob_token)]);
    assert_code(&score_logs, 0);
    let row = &score_logs["data"]["result"][0];
    assert_eq!((row["type"].as_i64(), row["typeStr"].as_str()), (Some(2), Some("每日签到")));
    assert_eq!(
        (row["behavior"].as_i64(), row["score"].as_i64(), row["scoreLeft"].as_i64()),
        (Some(0), Some(20), Some(20))
    );
    assert!(row["remark"].as_str().unwrap().contains("第 7 天"));
    assert_code(&app.post("/shop/score/sign", &[]), 2000);
}

#[test]
fn a_double_sign_in_raced_pays_once() {
    let app = TestApp::new();
    set_sign_rules(&app, &[(1, 5)]);
    let (alice, token) = app.shopper("alice");
    let codes: Vec<i64> = std::thread::scope(|s| {
        let calls: Vec<_> = (0..8)
            .map(|_| s.spawn(|| app.post("/shop/score/sign", &[("token", &token)])["code"].as_i64().unwrap()))
            .collect();
        calls.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 10000).count(), 7, "{codes:?}");
    assert_eq!(app.account(alice).score, 5);
    let rows: i64 = app.query(|c| c.query_row("SELECT count(*) FROM score_signs", [], |r| r.get(0)));
    assert_eq!(rows, 1);
}

#[test]
fn without_sign_in_rules_sign_in_is_refused_and_the_rules_answer_700() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    assert_code(&app.get("/shop/score/sign/rules", &[]), 700);
    let res = app.post("/shop/score/sign", &[("token", &token)]);
    assert_code(&res, 403);
    assert!(res["msg"].as_str().unwrap().contains("签到"));
    assert_code(&app.post("/shop/score/send/rule", &[]), 700);
}

#[test]
fn points_buy_balance_and_growth_at_the_shops_rates_in_one_step() {
    let app = TestApp::new();
    let (alice, token) = app.shopper("alice");
    app.credit(alice, Account::Score, 250);

    // Off until the merchant sets a rate.
    assert_code(&app.post("/shop/score/exchange/cash", &[("token", &token), ("deductionScore", "100")]), 403);
    app.set_setting(keys::CASH_RATE, "100");
    assert_code(&app.post("/shop/score/exchange/cash", &[("token", &token), ("deductionScore", "abc")]), 300);
    assert_code(&app.post("/shop/score/exchange/cash", &[("token", &token), ("deductionScore", "-5")]), 300);
    // 250 points buy 2.50 yuan.
    let res = app.post("/shop/score/exchange/cash", &[("token", &token), ("deductionScore", "250")]);
    assert_code(&res, 0);
    assert_eq!((res["data"]["score"].as_i64(), res["data"]["amount"].as_f64()), (Some(250), Some(2.5)));
    let a = app.account(alice);
    assert_eq!((a.score, a.balance), (0, 250));
    // More points than the shopper has: 30001, and nothing moves.
    let short = app.post("/shop/score/exchange/cash", &[("token", &token), ("deductionScore", "100")]);
    assert_code(&short, 30001);
    assert_eq!(app.account(alice).balance, 250);

    app.credit(alice, Account::Score, 55);
    assert_code(&app.post("/shop/growth/exchange", &[("token", &token), ("deductionScore", "55")]), 403);
    app.set_setting(keys::GROWTH_RATE, "10");
    let res = app.post("/shop/growth/exchange", &[("token", &token), ("deductionScore", "55")]);
    assert_code(&res, 0);
    assert_eq!((res["data"]["score"].as_i64(), res["data"]["growth"].as_i64()), (Some(50), Some(5)));
    let a = app.account(alice);
    assert_eq!((a.score, a.growth), (5, 5));

    let growth = app.post("/shop/growth/logs", &[("token", &token)]);
    assert_code(&growth, 0);
    assert_eq!(growth["data"]["result"][0]["growth"], 5);
    assert_eq!(growth["data"]["result"][0]["growthLeft"], 5);
    assert_eq!(growth["data"]["result"][0]["type"], 9);

    // The points ledger, filtered as the client sends it.
    let spent = app.post("/shop/score/logs", &[("token", &token), ("behavior", "1")]);
    assert_code(&spent, 0);
    assert_eq!(spent["data"]["totalRow"], 2);
    assert!(spent["data"]["result"].as_array().unwrap().iter().all(|r| r["behavior"] == 1));
    let by_type = app.post("/shop/score/logs", &[("token", &token), ("type", "4")]);
    assert_eq!(by_type["data"]["totalRow"], 2, "the two test credits are admin rows: {by_type}");
    let by_remark = app.post("/shop/score/logs", &[("token", &token), ("remark", "成长值")]);
    assert_eq!(by_remark["data"]["totalRow"], 1);
    assert_code(&app.post("/shop/score/logs", &[("token", &token), ("behavior", "3")]), 300);
    assert_code(&app.post("/shop/score/logs", &[("token", &token), ("type", "77")]), 300);

    let rules = app.get("/shop/score/deduction/rules", &[("type", "1")]);
    assert_code(&rules, 0);
    assert_eq!(rules["data"], json!([{"type": 1, "score": 10, "money": 1.0, "loop": true}]));
    assert_code(&app.get("/shop/score/deduction/rules", &[("type", "0")]), 700);
    app.set_setting("scoreDeductionPerYuan", "100");
    let money = app.get("/shop/score/deduction/rules", &[]);
    assert_eq!(money["data"][0], json!({"type": 0, "score": 100, "money": 1.0, "loop": true}));
    assert_code(&app.get("/shop/score/deduction/rules", &[("type", "5")]), 300);
}

#[test]
fn cash_logs_list_balance_rows_with_the_balance_after_each() {
    let app = TestApp::new();
    let (alice, token) = app.shopper("alice");
    assert_code(&app.post("/shop/user/cashLog", &[("token", &token)]), 700);
    app.credit(alice, Account::Balance, 1000);
    app.credit(alice, Account::Balance, -250);
    app.credit(alice, Account::Score, 9);
    for path in ["/shop/user/cashLog", "/shop/user/cashLog/v2"] {
        let res = app.post(path, &[("token", &token), ("page", "1"), ("pageSize", "10")]);
        assert_code(&res, 0);
        assert_eq!(res["data"]["totalRow"], 2, "points rows are not cash rows: {res}");
        let newest = &res["data"]["result"][0];
        assert_eq!(newest["amount"], 2.5);
        assert_eq!(newest["balance"], 7.5);
        assert_eq!(newest["behavior"], 1);
        assert_eq!(newest["typeStr"], "管理员调整");
        assert_eq!(newest["remark"], "测试入账");
        assert_eq!(newest["accountType"], "balance");
        assert_eq!(res["data"]["result"][1]["balance"], 10.0);
    }
    let income = app.post("/shop/user/cashLog/v2", &[("token", &token), ("behavior", "0")]);
    assert_eq!(income["data"]["totalRow"], 1);
    let json_filter =
        app.post("/shop/user/cashLog/v2", &[("token", &token), ("postJsonString", r#"{"behavior":1}"#)]);
    assert_eq!(json_filter["data"]["totalRow"], 1);
    assert_eq!(json_filter["data"]["result"][0]["behavior"], 1);
    assert_code(&app.post("/shop/user/cashLog/v2", &[("token", &token), ("postJsonString", "[1")]), 300);
    assert_code(&app.post("/shop/user/cashLog/v2", &[("token", &token), ("types", "4,x")]), 300);
    assert_eq!(
        app.post("/shop/user/cashLog/v2", &[("token", &token), ("types", "0,4")])["data"]["totalRow"],
        2
    );
    assert_code(&app.post("/shop/user/cashLog", &[("token", &token), ("orderId", "12345")]), 700);
    let amount = app.get("/shop/user/amount", &[("token", &token)]);
    assert_eq!((amount["data"]["balance"].as_f64(), amount["data"]["score"].as_i64()), (Some(7.5), Some(9)));
}

#[test]
fn a_redemption_code_gives_its_points_once() {
    let app = TestApp::new();
    let (alice, token) = app.shopper("alice");
    let (bob, bob_token) = app.shopper("bob");
    let new = NewCodes { count: 2, score: 80, batch: "双十一".into(), date_end: 0 };
    app.write(|c| points::create_codes(c, &new, unix_now()));
    let expired = NewCodes { count: 1, score: 80, batch: "旧券".into(), date_end: unix_now() - 1 };
    app.write(|c| points::create_codes(c, &expired, unix_now()));
    let number = |batch: &str| -> String {
        app.query(|c| {
            c.query_row("SELECT number FROM score_codes WHERE batch = ?1 LIMIT 1", [batch], |r| r.get(0))
        })
    };
    let code = number("双十一");

    let res = app.post("/shop/score/exchange", &[("token", &token), ("number", &code)]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["score"], 80);
    assert_eq!(app.account(alice).score, 80);
    let twice = app.post("/shop/score/exchange", &[("token", &bob_token), ("number", &code)]);
    assert_code(&twice, 403);
    assert!(twice["msg"].as_str().unwrap().contains("已被使用"));
    assert_eq!(app.account(bob).score, 0);
    assert_code(&app.post("/shop/score/exchange", &[("token", &bob_token), ("number", "NOSUCHCODE")]), 700);
    assert_code(
        &app.post("/shop/score/exchange", &[("token", &bob_token), ("number", &number("旧券"))]),
        403,
    );
    assert_code(&app.post("/shop/score/exchange", &[("token", &bob_token)]), 300);
    let used_by: Option<i64> = app
        .query(|c| c.query_row("SELECT used_by FROM score_codes WHERE number = ?1", [&code], |r| r.get(0)));
    assert_eq!(used_by, Some(alice));
}

/// The body of shareGroupGetScore for share info sealed with `code`'s session.
fn share_form(sealed: &serde_json::Value) -> (String, String) {
    (sealed["encryptedData"].as_str().unwrap().to_string(), sealed["iv"].as_str().unwrap().to_string())
}

#[test]
fn a_share_opened_in_a_group_pays_the_sharer_once_per_group_and_day_up_to_the_cap() {
    let app = TestApp::new();
    let (sharer, _) = app.shopper("sharer");
    let referrer = sharer.to_string();
    app.login_wechat("code-bob#1");
    let sealed = app.sandbox_encrypt("code-bob", json!({"openGId": "G-family"}));
    let (data, iv) = share_form(&sealed);
    let share = |code: &str, data: &str, iv: &str| {
        app.post(
            "/shop/score/share/wxa/group",
            &[("code", code), ("referrer", &referrer), ("encryptedData", data), ("iv", iv)],
        )
    };
    // Off until the merchant sets the points.
    assert_code(&share("code-bob#1", &data, &iv), 403);
    app.set_setting(keys::SHARE_GROUP, "7");
    app.set_setting(keys::SHARE_GROUP_DAILY_MAX, "2");

    let res = share("code-bob#1", &data, &iv);
    assert_code(&res, 0);
    assert_eq!(res["data"]["score"], 7);
    assert_eq!(app.account(sharer).score, 7);
    // The same group again today pays nothing.
    let again = share("code-bob#1", &data, &iv);
    assert_code(&again, 403);
    assert_eq!(app.account(sharer).score, 7);

    // A logged-in opener without a code: the stored session opens the data.
    let (_, carol) = app.login_wechat("code-carol#1");
    let sealed = app.sandbox_encrypt("code-carol", json!({"openGId": "G-work"}));
    let (data2, iv2) = share_form(&sealed);
    let res = app.post(
        "/shop/score/share/wxa/group",
        &[("token", &carol), ("referrer", &referrer), ("encryptedData", &data2), ("iv", &iv2)],
    );
    assert_code(&res, 0);
    assert_eq!(app.account(sharer).score, 14);

    // The daily cap of two groups.
    app.login_wechat("code-dave#1");
    let sealed = app.sandbox_encrypt("code-dave", json!({"openGId": "G-third"}));
    let (data3, iv3) = share_form(&sealed);
    let capped = share("code-dave#1", &data3, &iv3);
    assert_code(&capped, 403);
    assert!(capped["msg"].as_str().unwrap().contains("上限"));
    assert_eq!(app.account(sharer).score, 14);

    // Tampered data, data without a group, an unknown sharer, nothing to open it with.
    let mut bad = data3.clone();
    bad.replace_range(0..4, "AAAA");
    assert!(share("code-dave#1", &bad, &iv3)["code"] != 0);
    let sealed = app.sandbox_encrypt("code-dave", json!({"nickName": "戴夫"}));
    let (no_gid, iv4) = share_form(&sealed);
    assert_code(&share("code-dave#1", &no_gid, &iv4), 300);
    let unknown = app.post(
        "/shop/score/share/wxa/group",
        &[("code", "code-dave#1"), ("referrer", "999999"), ("encryptedData", &data3), ("iv", &iv3)],
    );
    assert_code(&unknown, 404);
    let no_code = app.post(
        "/shop/score/share/wxa/group",
        &[("referrer", &referrer), ("encryptedData", &data3), ("iv", &iv3)],
    );
    assert_code(&no_code, 300);
    let groups: i64 = app.query(|c| c.query_row("SELECT count(*) FROM score_share_groups", [], |r| r.get(0)));
    assert_eq!(groups, 2);
}

#[test]
fn the_shop_gives_points_for_registering_and_for_a_received_order() {
    let app = TestApp::new();
    app.set_setting(keys::REGISTER, "30");
    app.set_setting(keys::PER_YUAN_SPENT, "2");
    let rules = app.post("/shop/score/send/rule", &[]);
    assert_code(&rules, 0);
    let codes: Vec<&str> =
        rules["data"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["register", "order"]);
    let only = app.post("/shop/score/send/rule", &[("code", "order")]);
    assert_eq!(only["data"].as_array().unwrap().len(), 1);
    assert_eq!(only["data"][0]["score"], 2);

    let (uid, token) = app.login_wechat("code-erin");
    assert_eq!(app.account(uid).score, 30, "registration points");
    app.login_wechat("code-erin#2");
    assert_eq!(app.account(uid).score, 30, "a second login is no registration");

    app.credit(uid, Account::Balance, 10_000);
    let goods = app.goods().name("保温杯").price(4_550).stock(5).create();
    let order = create(&app, &token, &one_line(goods, 1, ""), &[]);
    assert_code(&order, 0);
    let id = order["data"]["id"].as_i64().unwrap().to_string();
    assert_code(&app.post("/shop/order/pay", &[("token", &token), ("orderId", &id)]), 0);
    ship(&app, &id);
    assert_eq!(app.account(uid).score, 30, "no points before the goods arrive");
    assert_code(&app.post("/shop/order/delivery", &[("token", &token), ("orderId", &id)]), 0);
    // 45.50 yuan paid: 45 whole yuan × 2.
    assert_eq!(app.account(uid).score, 120);
    let logs = app.post("/shop/score/logs", &[("token", &token), ("type", "6")]);
    assert_eq!(logs["data"]["result"][0]["score"], 90);
    let cash = app.post("/shop/user/cashLog", &[("token", &token), ("orderId", &id)]);
    assert_code(&cash, 0);
    assert_eq!(cash["data"]["result"][0]["orderId"].as_i64().unwrap().to_string(), id);
}
