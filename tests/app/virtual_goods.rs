//! Virtual goods: listing, buying from the balance, cards sold once, content for buyers only.

use xiaodian::db::ledger::Account;
use xiaodian::db::virtual_goods::GoodsFields;
use xiaodian::service::ledger;
use xiaodian::service::virtual_goods;

use crate::support::*;

const LIST: &str = "/shop/virtualTrader/list";
const INFO: &str = "/shop/virtualTrader/info";
const BUY: &str = "/shop/virtualTrader/buy";
const LOGS: &str = "/shop/virtualTrader/buy/logs";

fn create(app: &TestApp, f: GoodsFields) -> i64 {
    app.write(|c| virtual_goods::save(c, None, f, now()))
}

fn course() -> GoodsFields {
    GoodsFields {
        name: "摄影入门课".into(),
        description: "十节视频课".into(),
        content: "https://example.com/course-secret".into(),
        kind: 0,
        price: 990,
        ..Default::default()
    }
}

fn cards(price: i64) -> GoodsFields {
    GoodsFields { name: "视频会员月卡".into(), kind: 1, price, ..Default::default() }
}

fn credit(app: &TestApp, uid: i64, fen: i64) {
    app.credit(uid, Account::Balance, fen);
}

fn balance(app: &TestApp, uid: i64) -> i64 {
    app.query(|c| ledger::accounts_of(c, uid)).balance
}

#[test]
fn paid_content_is_shown_only_after_buying_it_from_the_balance() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("alice");
    assert_code(&app.post(LIST, &[]), 700);
    let id = create(&app, course());
    create(&app, GoodsFields { name: "下架课".into(), status: 1, ..course() });

    let res = app.post(LIST, &[("page", "1"), ("pageSize", "10")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["totalRow"], 1);
    assert_eq!(res["data"]["result"][0]["price"], 9.9);
    assert!(res["data"]["result"][0]["stores"].is_null());

    let id_s = id.to_string();
    let res = app.get(INFO, &[("id", &id_s), ("token", &token)]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["bought"], false);
    assert!(res["data"]["content"].is_null(), "no content before buying: {res}");

    credit(&app, uid, 500);
    let res = app.post(BUY, &[("token", &token), ("id", &id_s)]);
    assert_code(&res, 40000);
    assert_eq!(res["data"], 4.9);
    assert_eq!(balance(&app, uid), 500);
    credit(&app, uid, 1000);
    let res = app.post(BUY, &[("token", &token), ("id", &id_s)]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["content"], "https://example.com/course-secret");
    assert_eq!(balance(&app, uid), 510);
    assert_code(&app.post(BUY, &[("token", &token), ("id", &id_s)]), 403);
    assert_eq!(balance(&app, uid), 510, "bought once only");

    let res = app.get(INFO, &[("id", &id_s), ("token", &token)]);
    assert_eq!(res["data"]["bought"], true);
    assert_eq!(res["data"]["content"], "https://example.com/course-secret");
    assert!(app.get(INFO, &[("id", &id_s)])["data"]["content"].is_null());

    let res = app.post(LOGS, &[("token", &token)]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["result"][0]["name"], "摄影入门课");
    assert_eq!(res["data"]["result"][0]["amount"], 9.9);
    assert!(app.query(ledger::check).is_empty());

    assert_code(&app.post(LOGS, &[]), 2000);
    assert_code(&app.post(BUY, &[("token", &token), ("id", "999")]), 404);
    let res = app.post(BUY, &[("token", &token)]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("id"));
}

#[test]
fn each_card_is_sold_once_and_goes_to_its_buyer() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    let (_, other) = app.shopper("bob");
    let id = create(&app, cards(0));
    app.write(|c| virtual_goods::add_cards(c, id, "CARD-A\n\n CARD-B \n", now()));
    let id_s = id.to_string();
    assert_eq!(app.post(LIST, &[])["data"]["result"][0]["stores"], 2);

    let a = app.post(BUY, &[("token", &token), ("id", &id_s)]);
    assert_code(&a, 0);
    assert_eq!(a["data"]["card"], "CARD-A");
    let b = app.post(BUY, &[("token", &other), ("id", &id_s)]);
    assert_eq!(b["data"]["card"], "CARD-B");
    let res = app.post(BUY, &[("token", &token), ("id", &id_s)]);
    assert_code(&res, 20002);

    let res = app.get(INFO, &[("id", &id_s), ("token", &token)]);
    assert_eq!(res["data"]["cards"], serde_json::json!(["CARD-A"]));
    assert_eq!(res["data"]["info"]["stores"], 0);
    let logs = app.post(LOGS, &[("token", &other)]);
    assert_eq!(logs["data"]["result"][0]["card"], "CARD-B");
}

#[test]
fn two_shoppers_racing_for_the_last_card_give_one_sale() {
    let app = TestApp::new();
    let id = create(&app, cards(100));
    app.write(|c| virtual_goods::add_cards(c, id, "LAST-ONE", now()));
    let buyers: Vec<(i64, String)> = (0..8).map(|i| app.shopper(&format!("b{i}"))).collect();
    for (uid, _) in &buyers {
        credit(&app, *uid, 100);
    }
    let id_s = id.to_string();
    let codes: Vec<i64> = std::thread::scope(|s| {
        let hs: Vec<_> = buyers
            .iter()
            .map(|(_, t)| {
                let (app, id_s) = (&app, &id_s);
                s.spawn(move || app.post(BUY, &[("token", t), ("id", id_s)])["code"].as_i64().unwrap())
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 20002).count(), 7, "{codes:?}");
    let paid: i64 = buyers.iter().map(|(uid, _)| 100 - balance(&app, *uid)).sum();
    assert_eq!(paid, 100, "only the buyer paid");
    let sold: i64 = app.query(|c| c.query_row("SELECT count(*) FROM virtual_goods_buys", [], |r| r.get(0)));
    assert_eq!(sold, 1);
}
