//! Cards (次卡 / 储值卡): defined through the merchant API and the console, bought from the
//! balance or by WeChat Pay, redeemed by password, shared with a friend, used at the counter;
//! each change logged and money on the ledger.

use serde_json::{json, Value};
use xiaodian::db::ledger::Account;

use crate::support::*;

const KEY: &str = "cards-key-123";
const LIST: &str = "/shop/card/list";
const INFO: &str = "/shop/card/info";
const BUY: &str = "/shop/card/buy";
const MY: &str = "/shop/card/my";
const LOGS: &str = "/shop/card/logs";
const EXCHANGE: &str = "/shop/card/exchange";
const OPEN: &str = "/shop/card/share/open";
const CLOSE: &str = "/shop/card/share/close";
const FETCH: &str = "/shop/card/share/fetch";

/// A card made through the merchant API; its id.
fn card(app: &TestApp, body: &Value) -> i64 {
    let (status, res) = app.api("POST", "/cards", Some(body));
    assert_eq!(status, 201, "{res}");
    res["id"].as_i64().unwrap()
}

/// A ten-use water card for `goods` at 50 yuan, valid 30 days.
fn water_card(app: &TestApp, goods: i64) -> i64 {
    card(
        app,
        &json!({"name": "水卡", "kind": 0, "amount": 10, "price": 50, "days": 30, "refs": format!("{goods}"),
                "content": "每次送一桶"}),
    )
}

fn buy(app: &TestApp, token: &str, id: i64) -> Value {
    app.post(BUY, &[("token", token), ("id", &id.to_string())])
}

fn my_cards(app: &TestApp, token: &str) -> Value {
    app.get(MY, &[("token", token)])
}

#[test]
fn the_merchant_defines_cards_and_a_shopper_buys_one_from_the_balance() {
    let app = TestApp::with_key(KEY);
    let goods = app.goods().name("桶装水").price(1500).stock(100).create();
    assert_code(&app.get(LIST, &[]), 700);
    let water = water_card(&app, goods);
    let value = card(&app, &json!({"name": "储值卡", "kind": 1, "amount": 120.5, "price": 100}));
    let gift = card(&app, &json!({"name": "礼品卡", "kind": 0, "amount": 3, "price": 0}));
    card(&app, &json!({"name": "停售卡", "kind": 0, "amount": 3, "price": 9, "status": 1}));

    let list = app.get(LIST, &[("status", "0")]);
    assert_code(&list, 0);
    let names: Vec<&str> =
        list["data"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["水卡", "储值卡", "礼品卡"], "off-sale cards are not listed");
    assert_eq!(list["data"][0]["refs"], goods.to_string());
    assert_eq!(list["data"][0]["price"], 50.0);
    assert_eq!(list["data"][1]["amount"], 120.5, "a value card holds yuan");
    let info = app.get(INFO, &[("id", &value.to_string())]);
    assert_eq!(info["data"]["typeStr"], "储值卡");
    assert_code(&app.get(INFO, &[("id", "999")]), 404);
    assert_code(&app.get(INFO, &[("id", "abc")]), 300);

    let (uid, token) = app.shopper("小明");
    assert_code(&my_cards(&app, &token), 700);
    app.credit(uid, Account::Balance, 3000);
    let short = buy(&app, &token, water);
    assert_code(&short, 40000);
    assert_eq!(short["data"], 20.0, "the amount still due");
    assert_eq!(app.count("card_users"), 0, "nothing written when the balance is short");

    app.credit(uid, Account::Balance, 2000);
    let bought = buy(&app, &token, water);
    assert_code(&bought, 0);
    assert_eq!(bought["data"]["amount"], 10.0);
    assert_eq!(app.account(uid).balance, 0);
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());
    let source: String = app.query(|c| {
        c.query_row(
            "SELECT source_type FROM ledger WHERE user_id = ?1 ORDER BY id DESC LIMIT 1",
            [uid],
            |r| r.get(0),
        )
    });
    assert_eq!(source, "card");

    let mine = my_cards(&app, &token);
    assert_code(&mine, 0);
    let held = &mine["data"][0];
    assert_eq!(held["status"], 0);
    assert_eq!(held["amount"], 10.0);
    assert_eq!(held["cardInfo"]["name"], "水卡");
    assert_eq!(held["cardInfo"]["refs"], goods.to_string());
    assert!(!held["dateEnd"].as_str().unwrap().is_empty(), "a 30-day card ends");
    let logs = app.post(LOGS, &[("token", &token), ("cardId", &held["id"].to_string()), ("page", "1")]);
    assert_code(&logs, 0);
    assert_eq!(logs["data"]["result"][0]["typeStr"], "购买");
    assert_eq!(logs["data"]["result"][0]["amount"], 10);
    assert_eq!(logs["data"]["result"][0]["balance"], 10);

    // Refusals: not for sale, off sale, unknown, bad parameters, someone else's logs.
    assert_code(&buy(&app, &token, gift), 403);
    assert_code(&buy(&app, &token, 999), 404);
    let bad = app.post(BUY, &[("token", &token), ("id", "1.5")]);
    assert_code(&bad, 300);
    assert!(bad["msg"].as_str().unwrap().contains("id"), "{bad}");
    assert_code(&app.post(BUY, &[("id", &water.to_string())]), 2000);
    let (_, other) = app.shopper("小红");
    assert_code(&app.post(LOGS, &[("token", &other), ("cardId", &held["id"].to_string())]), 404);
    assert_code(&app.post(LOGS, &[("token", &token), ("pageSize", "0")]), 300);
}

#[test]
fn a_card_can_be_bought_by_wechat_pay() {
    let app = TestApp::with_key(KEY);
    let goods = app.goods().name("桶装水").price(1500).stock(100).create();
    let water = water_card(&app, goods);
    let (uid, token) = app.login_wechat("code-card");
    let action = format!("{{\"type\":10,\"id\":{water}}}");
    let too_much = wxpay(&app, &token, "60", Some(&action));
    assert_code(&too_much, 300);
    let res = wxpay(&app, &token, "50", Some(&action));
    sandbox_pay(&app, &prepay_of(&res), true);
    let mine = my_cards(&app, &token);
    assert_code(&mine, 0);
    assert_eq!(mine["data"][0]["cardInfo"]["id"], water);
    assert_eq!(app.account(uid).balance, 0, "the payment went into the balance and out for the card");
    assert!(app.ledger_check().is_empty());
}

#[test]
fn a_card_password_is_redeemed_once() {
    let app = TestApp::with_key(KEY);
    let gift = card(&app, &json!({"name": "礼品卡", "kind": 0, "amount": 3, "price": 0}));
    let (status, res) = app.api("POST", &format!("/cards/{gift}/passwords"), Some(&json!({"count": 2})));
    assert_eq!(status, 201, "{res}");
    let pwds: Vec<String> =
        res["passwords"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().into()).collect();
    assert_eq!(pwds.len(), 2);
    assert_ne!(pwds[0], pwds[1]);
    let stored: i64 = app.query(|c| {
        c.query_row("SELECT count(*) FROM card_passwords WHERE pwd_hash = ?1", [&pwds[0]], |r| r.get(0))
    });
    assert_eq!(stored, 0, "only the hash is kept");
    assert_eq!(app.api("POST", &format!("/cards/{gift}/passwords"), Some(&json!({"count": 0}))).0, 422);

    let (_, token) = app.shopper("小明");
    // Typed as a person might: lower case, with spaces.
    let typed = format!(" {} {} ", &pwds[0][..8].to_lowercase(), &pwds[0][8..]);
    let res = app.post(EXCHANGE, &[("token", &token), ("number", &typed)]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["cardInfo"]["name"], "礼品卡");
    assert_eq!(res["data"]["amount"], 3.0);
    let again = app.post(EXCHANGE, &[("token", &token), ("number", &pwds[0])]);
    assert_code(&again, 700);
    assert!(again["msg"].as_str().unwrap().contains("卡密"), "{again}");
    assert_code(&app.post(EXCHANGE, &[("token", &token), ("number", "NOPE")]), 700);
    let missing = app.post(EXCHANGE, &[("token", &token)]);
    assert_code(&missing, 300);
    assert!(missing["msg"].as_str().unwrap().contains("number"));
    let logs = app.post(LOGS, &[("token", &token)]);
    assert_eq!(logs["data"]["result"][0]["typeStr"], "卡密兑换");
    assert_eq!(my_cards(&app, &token)["data"].as_array().unwrap().len(), 1);
}

#[test]
fn a_shared_card_goes_to_the_friend_who_fetches_it_once() {
    let app = TestApp::with_key(KEY);
    let goods = app.goods().name("桶装水").price(1500).stock(100).create();
    let water = water_card(&app, goods);
    let (alice, a_token) = app.shopper("小明");
    let (bob, b_token) = app.shopper("小红");
    let (_, c_token) = app.shopper("小刚");
    app.credit(alice, Account::Balance, 5000);
    let held = buy(&app, &a_token, water)["data"]["id"].as_i64().unwrap();
    let id = held.to_string();

    assert_code(&app.post(OPEN, &[("token", &b_token), ("id", &id)]), 404);
    let opened = app.post(OPEN, &[("token", &a_token), ("id", &id), ("remark", "请你喝水")]);
    assert_code(&opened, 0);
    let share = opened["data"].as_str().unwrap().to_string();
    // Opening again renews the token; the old link stops working.
    let share2 = app.post(OPEN, &[("token", &a_token), ("id", &id)])["data"].as_str().unwrap().to_string();
    assert_ne!(share, share2);
    let fetch = |token: &str, share: &str, calculate: &str| {
        app.post(FETCH, &[("token", token), ("id", &id), ("shareToken", share), ("calculate", calculate)])
    };
    assert_code(&fetch(&b_token, &share, "false"), 403);
    assert_code(&fetch(&a_token, &share2, "true"), 403);

    let preview = fetch(&b_token, &share2, "true");
    assert_code(&preview, 0);
    assert_eq!(preview["data"]["user"]["nick"], "小明");
    assert_eq!(preview["data"]["cardInfo"]["name"], "水卡");
    assert_eq!(preview["data"]["cardUser"]["amount"], 10.0);
    assert_code(&my_cards(&app, &b_token), 700);

    let taken = fetch(&b_token, &share2, "false");
    assert_code(&taken, 0);
    assert_eq!(taken["data"]["cardUser"]["uid"], bob);
    assert_eq!(taken["data"]["cardUser"]["amount"], 10.0);
    assert_code(&fetch(&c_token, &share2, "false"), 403);
    let a_cards = my_cards(&app, &a_token);
    assert_eq!(a_cards["data"][0]["status"], 1, "shared away");
    assert_eq!(a_cards["data"][0]["amount"], 0.0);
    assert_eq!(app.post(LOGS, &[("token", &a_token)])["data"]["result"][0]["typeStr"], "转赠");
    assert_eq!(app.post(LOGS, &[("token", &b_token)])["data"]["result"][0]["typeStr"], "好友赠送");
    assert_code(&app.post(OPEN, &[("token", &a_token), ("id", &id)]), 403);

    // A closed share cannot be fetched.
    let b_held = taken["data"]["cardUser"]["id"].to_string();
    let token3 =
        app.post(OPEN, &[("token", &b_token), ("id", &b_held)])["data"].as_str().unwrap().to_string();
    assert_code(&app.post(CLOSE, &[("token", &b_token), ("id", &b_held)]), 0);
    assert_code(&app.post(CLOSE, &[("token", &b_token), ("id", &b_held)]), 403);
    let res = app.post(FETCH, &[("token", &c_token), ("id", &b_held), ("shareToken", &token3)]);
    assert_code(&res, 403);
    let missing = app.post(FETCH, &[("token", &c_token), ("id", &b_held)]);
    assert_code(&missing, 300);
    assert!(missing["msg"].as_str().unwrap().contains("shareToken"));
}

#[test]
fn the_counter_uses_a_card_and_the_merchant_api_checks_what_it_is_given() {
    let app = TestApp::with_key(KEY);
    let goods = app.goods().name("桶装水").price(1500).stock(100).create();
    let water = water_card(&app, goods);
    let (uid, token) = app.shopper("小明");
    app.credit(uid, Account::Balance, 5000);
    let held = buy(&app, &token, water)["data"]["id"].as_i64().unwrap();

    let (status, res) = app.api(
        "POST",
        &format!("/card-users/{held}/use"),
        Some(&json!({"amount": 2, "remark": "送水 2 桶"})),
    );
    assert_eq!(status, 200, "{res}");
    assert_eq!(res["amount"], 8.0);
    let logs = app.post(LOGS, &[("token", &token), ("cardId", &held.to_string())]);
    assert_eq!(logs["data"]["result"][0]["typeStr"], "使用");
    assert_eq!(logs["data"]["result"][0]["amount"], -2);
    assert_eq!(logs["data"]["result"][0]["balance"], 8);
    assert_eq!(my_cards(&app, &token)["data"][0]["amount"], 8.0);
    assert_eq!(app.api("POST", &format!("/card-users/{held}/use"), Some(&json!({"amount": 9}))).0, 409);
    refused(
        app.api("POST", &format!("/card-users/{held}/use"), Some(&json!({"amount": 1.5}))),
        422,
        Some("amount"),
    );
    assert_eq!(app.api("POST", "/card-users/999/use", Some(&json!({"amount": 1}))).0, 404);

    let (status, page) = app.api("GET", &format!("/cards/{water}/holders?page=1"), None);
    assert_eq!(status, 200);
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["userId"], uid);

    refused(app.api("POST", "/cards", Some(&json!({"name": "", "amount": 1}))), 422, Some("name"));
    refused(app.api("POST", "/cards", Some(&json!({"name": "x", "amount": 0}))), 422, Some("amount"));
    refused(
        app.api("POST", "/cards", Some(&json!({"name": "x", "amount": 1, "refs": "99999"}))),
        422,
        Some("refs"),
    );
    refused(
        app.api("POST", "/cards", Some(&json!({"name": "x", "amount": 1, "kind": 3}))),
        422,
        Some("kind"),
    );
    refused(
        app.api("POST", "/cards", Some(&json!({"name": "x", "amount": 1, "price": -1}))),
        422,
        Some("price"),
    );
    let (status, res) = app.api(
        "PUT",
        &format!("/cards/{water}"),
        Some(&json!({"name": "大水卡", "amount": 20, "status": 1})),
    );
    assert_eq!(status, 200, "{res}");
    assert_eq!(res["name"], "大水卡");
    assert_code(&buy(&app, &token, water), 403);
    assert_eq!(my_cards(&app, &token)["data"][0]["amount"], 8.0, "a held card keeps what it holds");
    assert_eq!(app.api("PUT", "/cards/999", Some(&json!({"name": "x", "amount": 1}))).0, 404);
    assert_eq!(app.merchant("wrong").call("GET", "/cards", None).status, 401);
}

#[test]
fn the_console_defines_a_card_makes_passwords_and_uses_a_held_card() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    b.get("/admin").assert_has("href=\"/admin/cards\"");
    b.get("/admin/cards").assert_has("还没有会员卡");
    let csrf = b.get("/admin/cards/new").csrf();
    let form = |name: &'static str, amount: &'static str| {
        vec![
            ("f.name", name),
            ("f.kind", "0"),
            ("f.amount", amount),
            ("f.price", "30"),
            ("f.days", "0"),
            ("f.refs", ""),
            ("f.pic", ""),
            ("f.content", ""),
            ("f.paixu", "0"),
            ("f.status", "0"),
        ]
    };
    let mut bad = form("次卡", "0");
    bad.push(("csrf", &csrf));
    let page = b.post_file("/admin/cards/new", &bad, "", b"");
    assert_eq!(page.status, 422);
    page.assert_has("面值");
    let mut good = form("次卡", "5");
    good.push(("csrf", &csrf));
    let page = b.post_file("/admin/cards/new", &good, "", b"");
    assert_eq!(page.status, 303, "{}", page.body);
    let id: i64 = app.query(|c| c.query_row("SELECT id FROM cards", [], |r| r.get(0)));
    b.get("/admin/cards").assert_has("次卡").assert_has("5 次");

    let page = b.post(&format!("/admin/cards/{id}/passwords"), &[("csrf", &csrf), ("count", "3")]);
    page.assert_has("只显示这一次");
    assert_eq!(app.count("card_passwords"), 3);
    let pwd = page
        .body
        .split("<pre class=\"passwords\">")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .trim()
        .to_string();
    let (_, token) = app.shopper("小明");
    let held = app.post(EXCHANGE, &[("token", &token), ("number", &pwd)]);
    assert_code(&held, 0);
    let held = held["data"]["id"].as_i64().unwrap();
    b.get(&format!("/admin/cards/{id}")).assert_has("已兑换");

    let page =
        b.post(&format!("/admin/cards/held/{held}/use"), &[("csrf", &csrf), ("amount", "2"), ("remark", "")]);
    assert_eq!(page.status, 303);
    assert_eq!(my_cards(&app, &token)["data"][0]["amount"], 3.0);
    b.post(&format!("/admin/cards/held/{held}/use"), &[("csrf", &csrf), ("amount", "9"), ("remark", "")]);
    assert_eq!(my_cards(&app, &token)["data"][0]["amount"], 3.0, "too much is refused");
    let page = b.post(
        &format!("/admin/cards/held/{held}/use"),
        &[("csrf", "wrong"), ("amount", "1"), ("remark", "")],
    );
    assert_eq!(page.status, 403);
}
