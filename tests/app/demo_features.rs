//! The demo shop does what its config values advertise: a shopper of the demo signs in for
//! points, sees recharge bonuses, gets the pay-bill discount, buys a card, finds pick-up shops,
//! plays the game and opens the activity page.

use xiaodian::db::ledger::Account;

use crate::support::*;

/// The demo's config value `key`.
fn config(app: &TestApp, key: &str) -> String {
    app.get("/shop/config/value", &[("key", key)])["data"].as_str().unwrap_or_default().to_string()
}

#[test]
fn every_feature_the_demo_advertises_works() {
    let app = TestApp::with(|c| c.demo = true);
    let (uid, token) = app.shopper("demo");

    assert_eq!(config(&app, "show_score_sign"), "1");
    assert_code(&app.get("/shop/score/sign/rules", &[]), 0);
    let signed = app.post("/shop/score/sign", &[("token", &token)]);
    assert_code(&signed, 0);
    assert!(app.account(uid).score > 0, "signing in earns points");

    assert!(config(&app, "recharge_amount_min").parse::<f64>().unwrap() > 0.0);
    let bonuses = app.get("/shop/user/recharge/send/rule", &[]);
    assert_code(&bonuses, 0);
    assert!(bonuses["data"][0]["send"].as_f64().unwrap() > 0.0);

    assert_code(&app.get("/shop/payBill/discounts", &[]), 0);
    let quote = app.post("/shop/payBill/pay", &[("token", &token), ("money", "150"), ("calculate", "true")]);
    assert_code(&quote, 0);
    assert_eq!(quote["data"]["realMoney"], 140.0, "{quote}");

    assert_eq!(config(&app, "order_pay_user_balance"), "1");
    app.credit(uid, Account::Balance, 100_000);
    let cards = app.get("/shop/card/list", &[]);
    assert_code(&cards, 0);
    let card = cards["data"].as_array().unwrap().iter().find(|c| c["price"].as_f64().unwrap() > 0.0).unwrap();
    assert_code(&app.post("/shop/card/buy", &[("token", &token), ("id", &card["id"].to_string())]), 0);

    assert_eq!(config(&app, "ALLOW_SELF_COLLECTION"), "1");
    assert_code(&app.post("/shop/shop/subshop/list", &[]), 0);

    let round = app.post("/shop/gameNumberBomb/begin", &[("token", &token)]);
    assert_code(&round, 0);
    assert_code(&app.get("/shop/activityMallInfo/info", &[("id", "1")]), 0);

    let goods = app.post("/shop/shop/goods/list/v2", &[]);
    assert!(goods["data"]["result"][0]["gotScore"].as_i64().unwrap() > 0, "purchases earn points");
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());
}
