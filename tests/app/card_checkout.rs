//! Cards paying at checkout (orderCreate `cardId`): a count card takes one use per piece of the
//! goods it names, a value card what it holds of their price; the preview changes nothing, the
//! order takes it with a log row, closing or a full refund gives it back; refusals name `cardId`.

use serde_json::{json, Value};
use xiaodian::db::ledger::Account;

use crate::support::*;

const KEY: &str = "card-checkout-key";

fn card(app: &TestApp, body: &Value) -> i64 {
    let (status, res) = app.api("POST", "/cards", Some(body));
    assert_eq!(status, 201, "{res}");
    res["id"].as_i64().unwrap()
}

/// The shopper buys card `id` from a balance credited for it; the held card's id.
fn held(app: &TestApp, uid: i64, token: &str, id: i64, price_fen: i64) -> i64 {
    app.credit(uid, Account::Balance, price_fen);
    let res = app.post("/shop/card/buy", &[("token", token), ("id", &id.to_string())]);
    assert_code(&res, 0);
    res["data"]["id"].as_i64().unwrap()
}

fn holds(app: &TestApp, held: i64) -> i64 {
    app.query(|c| c.query_row("SELECT amount FROM card_users WHERE id = ?1", [held], |r| r.get(0)))
}

fn logs(app: &TestApp, held: i64) -> Vec<(i64, i64, String)> {
    app.query(|c| {
        let mut st =
            c.prepare("SELECT kind, amount, remark FROM card_logs WHERE card_user_id = ?1 ORDER BY id")?;
        let rows = st.query_map([held], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect();
        rows
    })
}

fn audit_is_clean(app: &TestApp) {
    let problems = app.query(xiaodian::service::audit::run_checks);
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn a_count_card_pays_the_pieces_it_covers_and_a_closed_order_gives_the_uses_back() {
    let app = TestApp::with_key(KEY);
    let water = app.goods().name("桶装水").price(1500).stock(100).create();
    let cup = app.goods().name("水杯").price(2000).stock(100).create();
    let water_card = card(
        &app,
        &json!({"name": "水卡", "kind": 0, "amount": 10, "price": 50, "refs": format!("{water}")}),
    );
    let (uid, token) = app.shopper("水卡用户");
    let held = held(&app, uid, &token, water_card, 5000);
    let lines = json!([{"goodsId": water, "number": 3}, {"goodsId": cup, "number": 1}]).to_string();
    let card_id = held.to_string();

    let preview = create(&app, &token, &lines, &[("cardId", &card_id), ("calculate", "true")]);
    assert_code(&preview, 0);
    assert_eq!(preview["data"]["cardId"], held);
    assert_eq!(preview["data"]["amountCard"], 45.0, "three waters paid by three uses");
    assert_eq!(preview["data"]["amountReal"], 20.0, "the cup is still to pay");
    assert_eq!(holds(&app, held), 10, "the preview changes nothing");

    let placed = create(&app, &token, &lines, &[("cardId", &card_id)]);
    assert_code(&placed, 0);
    assert_eq!(placed["data"]["amountReal"], 20.0);
    let order = order_id(&placed);
    assert_eq!(holds(&app, held), 7);
    let used = logs(&app, held);
    assert_eq!(used.last().map(|l| (l.0, l.1)), Some((4, -3)), "{used:?}");
    assert!(used.last().unwrap().2.contains("抵扣"));
    let mine = app.get("/shop/card/my", &[("token", &token)]);
    assert_eq!(mine["data"][0]["amount"], 7.0);
    audit_is_clean(&app);

    assert_code(&app.post("/shop/order/close", &[("token", &token), ("orderId", &order)]), 0);
    assert_eq!(holds(&app, held), 10, "the uses come back");
    assert_eq!(logs(&app, held).last().map(|l| (l.0, l.1)), Some((6, 3)));
    let again = app.post("/shop/order/close", &[("token", &token), ("orderId", &order)]);
    assert_ne!(again["code"], 0);
    assert_eq!(holds(&app, held), 10, "given back once");
    audit_is_clean(&app);
}

#[test]
fn a_value_card_pays_up_to_what_it_holds_and_a_full_refund_gives_it_back() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("茶叶").price(15000).stock(100).create();
    let value = card(
        &app,
        &json!({"name": "储值卡", "kind": 1, "amount": 100, "price": 90, "refs": format!("{tea}")}),
    );
    let (uid, token) = app.shopper("储值卡用户");
    let held = held(&app, uid, &token, value, 9000);
    let card_id = held.to_string();

    let placed = create(&app, &token, &one_line(tea, 1, ""), &[("cardId", &card_id)]);
    assert_code(&placed, 0);
    assert_eq!(placed["data"]["amountCard"], 100.0);
    assert_eq!(placed["data"]["amountReal"], 50.0);
    assert_eq!(holds(&app, held), 0, "a value card holds fen: all of it went");
    let order = order_id(&placed);
    assert_code(&app.post("/shop/order/close", &[("token", &token), ("orderId", &order)]), 0);
    assert_eq!(holds(&app, held), 10_000);

    // A cheaper order is paid by the card alone: created paid; refunded in full, it comes back.
    let cheap = app.goods().name("茶包").price(3000).stock(10).create();
    app.write(|c| {
        c.execute(
            "UPDATE cards SET refs = ?2 WHERE id = ?1",
            rusqlite::params![value, format!("{tea},{cheap}")],
        )
    });
    let paid = create(&app, &token, &one_line(cheap, 1, ""), &[("cardId", &card_id)]);
    assert_code(&paid, 0);
    assert_eq!(paid["data"]["amountReal"], 0.0);
    assert_eq!(paid["data"]["status"], 1, "nothing left to pay");
    assert_eq!(holds(&app, held), 7000);
    let order: i64 = order_id(&paid).parse().unwrap();
    let now = xiaodian::db::unix_now();
    assert!(app.write(|c| xiaodian::service::order::close_refunded(c, order, now)));
    assert_eq!(holds(&app, held), 10_000);
    audit_is_clean(&app);
}

#[test]
fn another_shoppers_an_expired_a_used_up_or_an_unrelated_card_is_refused_naming_card_id() {
    let app = TestApp::with_key(KEY);
    let water = app.goods().name("桶装水").price(1500).stock(100).create();
    let cup = app.goods().name("水杯").price(2000).stock(100).create();
    let water_card =
        card(&app, &json!({"name": "水卡", "kind": 0, "amount": 2, "price": 10, "refs": format!("{water}")}));
    let (uid, token) = app.shopper("持卡人");
    let (other_uid, other) = app.shopper("旁人");
    let mine = held(&app, uid, &token, water_card, 1000);
    let theirs = held(&app, other_uid, &other, water_card, 1000);
    let refused = |card: i64, goods: i64, why: &str| {
        let before = app.count("orders");
        for extra in [vec![("calculate", "true")], vec![]] {
            let mut form = vec![("cardId", card.to_string())];
            form.extend(extra.into_iter().map(|(k, v)| (k, v.to_string())));
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = create(&app, &token, &one_line(goods, 1, ""), &form);
            assert_code(&res, 300);
            let msg = res["msg"].as_str().unwrap();
            assert!(msg.contains("cardId") && msg.contains(why), "{why}: {res}");
        }
        assert_eq!(app.count("orders"), before, "nothing placed");
        assert_eq!(app.count("order_cards"), 0);
    };
    refused(theirs, water, "不属于您");
    refused(mine, cup, "不适用");
    refused(999, water, "不存在");
    let now = xiaodian::db::unix_now();
    app.write(|c| xiaodian::service::cards::use_up(c, mine, 2, "门店使用", now));
    refused(mine, water, "已用完");
    app.write(|c| c.execute("UPDATE card_users SET date_end = 1 WHERE id = ?1", [theirs]));
    let (_, theirs_token) = (other_uid, other);
    let res = create(&app, &theirs_token, &one_line(water, 1, ""), &[("cardId", &theirs.to_string())]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("已过期"), "{res}");
    assert_eq!(holds(&app, theirs), 2, "nothing changed");
    // No card, or the template's "none" (empty or 0), is an order without a card.
    assert_code(&create(&app, &token, &one_line(water, 1, ""), &[("cardId", "")]), 0);
    assert_code(&create(&app, &token, &one_line(water, 1, ""), &[("cardId", "0")]), 0);
    assert_code(&create(&app, &token, &one_line(water, 1, ""), &[("cardId", "abc")]), 300);
    audit_is_clean(&app);
}
