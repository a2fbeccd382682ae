//! Bargains (砍价): sets from the merchant API, the seven kanjia* methods, buying at the cut
//! price with `orderCreate(kjid)`, and the refusals that must change nothing.

use serde_json::{json, Value};
use xiaodian::service::ledger::Account;

use crate::support::*;

const KEY: &str = "merchant-key-kanjia-0123456789";
const SET: &str = "/shop/shop/goods/kanjia/set/v2";
const JOIN: &str = "/shop/shop/goods/kanjia/join";
const MY: &str = "/shop/shop/goods/kanjia/my";
const CLEAR: &str = "/shop/shop/goods/kanjia/clear";
const INFO: &str = "/shop/shop/goods/kanjia/info";
const HELP: &str = "/shop/shop/goods/kanjia/help";
const MY_HELP: &str = "/shop/shop/goods/kanjia/myHelp";
const PAY: &str = "/shop/order/pay";
const CLOSE: &str = "/shop/order/close";

/// A date `days` from now as the merchant API takes it.
fn days_ahead(days: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(now() + days * 86_400)
        .unwrap()
        .to_offset(time::macros::offset!(+8));
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    t.format(&f).unwrap()
}

/// A set through the merchant API: 100 元 → floor 60 元, cuts of 5–15 元, `number` to sell.
fn bargain_set(app: &TestApp, goods: i64, number: i64, cut: (f64, f64)) -> i64 {
    let body = json!({
        "goodsId": goods, "originalPrice": 100.0, "minPrice": 60.0,
        "helpPriceMin": cut.0, "helpPriceMax": cut.1, "number": number, "dateEnd": days_ahead(3),
    });
    let (status, s) = app.api("POST", "/kanjia-sets", Some(&body));
    assert_eq!(status, 201, "{s}");
    s["id"].as_i64().unwrap()
}

fn help(app: &TestApp, token: &str, kjid: i64, joiner: i64) -> Value {
    app.post(HELP, &[("token", token), ("kjid", &kjid.to_string()), ("joinerUser", &joiner.to_string())])
}

fn info(app: &TestApp, kjid: i64, joiner: &str) -> Value {
    app.get(INFO, &[("kjid", &kjid.to_string()), ("joiner", joiner)])
}

fn cur_price(app: &TestApp, kjid: i64, joiner: i64) -> f64 {
    let d = info(app, kjid, &joiner.to_string());
    assert_code(&d, 0);
    d["data"]["kanjiaInfo"]["curPrice"].as_f64().unwrap()
}

/// Fen as the answers carry yuan.
fn fen(yuan: f64) -> i64 {
    (yuan * 100.0).round() as i64
}

fn bargain_order(app: &TestApp, token: &str, goods: i64, kjid: i64, number: i64) -> Value {
    create(app, token, &one_line(goods, number, ""), &[("kjid", &kjid.to_string())])
}

fn state(app: &TestApp, kjid: i64, joiner: i64) -> (i64, i64, i64, Option<i64>) {
    app.query(|c| {
        c.query_row(
            "SELECT j.cur_price, j.help_number, j.status, j.order_id FROM kanjia_joins j
             WHERE j.set_id = ?1 AND j.user_id = ?2",
            [kjid, joiner],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
    })
}

#[test]
fn goods_without_an_active_set_answer_no_set_and_no_bargain_price() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    let res = app.get(SET, &[("goodsId", &tea.to_string())]);
    assert_code(&res, 700);
    let d = app.get("/shop/shop/goods/detail", &[("id", &tea.to_string())]);
    assert_eq!(d["data"]["basicInfo"]["kanjia"], false);
    assert_eq!(d["data"]["basicInfo"]["kanjiaPrice"], 0.0);

    let kjid = bargain_set(&app, tea, 5, (5.0, 15.0));
    let other = app.goods().name("普洱").price(5000).stock(10).create();
    let res = app.get(SET, &[("goodsId", &format!("{tea},{other}"))]);
    assert_code(&res, 0);
    assert_eq!(res["data"].as_array().unwrap().len(), 1);
    let s = &res["data"][0];
    assert_eq!((s["id"].as_i64(), s["goodsId"].as_i64()), (Some(kjid), Some(tea)));
    assert_eq!((s["number"].as_i64(), s["numberBuy"].as_i64()), (Some(5), Some(0)));
    assert_eq!((s["originalPrice"].as_f64(), s["minPrice"].as_f64()), (Some(100.0), Some(60.0)));
    assert!(s["dateEnd"].as_str().is_some_and(|d| d.len() == 19), "{s}");
    let d = app.get("/shop/shop/goods/detail", &[("id", &tea.to_string())]);
    assert_eq!(d["data"]["basicInfo"]["kanjia"], true);
    assert_eq!(d["data"]["basicInfo"]["kanjiaPrice"], 60.0);
    let list = app.post("/shop/shop/goods/list", &[]);
    let row = list["data"].as_array().unwrap().iter().find(|g| g["id"] == tea).unwrap().clone();
    assert_eq!(row["kanjiaPrice"], 60.0);

    assert_code(&app.get(SET, &[("goodsId", "1,x")]), 300);
    let (status, _) = app.api("POST", &format!("/kanjia-sets/{kjid}/stop"), None);
    assert_eq!(status, 200);
    assert_code(&app.get(SET, &[("goodsId", &tea.to_string())]), 700);
    let d = app.get("/shop/shop/goods/detail", &[("id", &tea.to_string())]);
    assert_eq!(d["data"]["basicInfo"]["kanjia"], false, "a stopped set leaves the goods page");
    let (status, _) = app.api("POST", &format!("/kanjia-sets/{kjid}/stop"), None);
    assert_eq!(status, 409);
}

#[test]
fn the_merchant_api_refuses_sets_that_break_the_rules() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    let base = json!({
        "goodsId": tea, "originalPrice": 100.0, "minPrice": 60.0, "helpPriceMin": 1.0,
        "helpPriceMax": 2.0, "number": 3, "dateEnd": days_ahead(1),
    });
    for (field, value) in [
        ("minPrice", json!(100.0)),
        ("helpPriceMax", json!(0.5)),
        ("number", json!(0)),
        ("dateEnd", json!("2001-01-01 00:00:00")),
    ] {
        let mut body = base.clone();
        body[field] = value;
        let (status, p) = app.api("POST", "/kanjia-sets", Some(&body));
        assert_eq!(status, 422, "{field}: {p}");
        assert_eq!(p["field"], field, "{p}");
    }
    let mut body = base.clone();
    body["goodsId"] = json!(9999);
    assert_eq!(app.api("POST", "/kanjia-sets", Some(&body)).0, 404);
    assert_eq!(app.count("goods_kanjia_sets"), 0);
}

#[test]
fn friends_cut_within_the_range_once_each_and_the_last_cut_reaches_the_floor_exactly() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    let kjid = bargain_set(&app, tea, 5, (15.0, 30.0));
    let (owner, token) = app.shopper("owner");
    let res = app.post(JOIN, &[("token", &token), ("kjid", &kjid.to_string())]);
    assert_code(&res, 0);
    assert_eq!((res["data"]["curPrice"].as_f64(), res["data"]["kjId"].as_i64()), (Some(100.0), Some(kjid)));
    assert_eq!(res["data"]["uid"], owner);
    let again = app.post(JOIN, &[("token", &token), ("kjid", &kjid.to_string())]);
    assert_eq!(again["data"]["dateAdd"], res["data"]["dateAdd"], "joining again returns the same bargain");
    assert_eq!(app.count("kanjia_joins"), 1);

    let mut price = fen(100.0);
    let mut cuts = Vec::new();
    for n in 0..6 {
        let (_, friend) = app.shopper(&format!("friend{n}"));
        let res = help(&app, &friend, kjid, owner);
        if price == fen(60.0) {
            assert_code(&res, 403);
            assert!(res["msg"].as_str().unwrap().contains("底价"), "{res}");
            continue;
        }
        assert_code(&res, 0);
        let cut = fen(res["data"]["cutPrice"].as_f64().unwrap());
        let left = price - fen(60.0);
        assert!(cut == left || (1500..=3000).contains(&cut), "cut {cut} of {left} left");
        assert!(cut <= left, "never below the floor");
        price -= cut;
        cuts.push(cut);
        let mine = app.get(
            MY_HELP,
            &[("token", &friend), ("kjid", &kjid.to_string()), ("joinerUser", &owner.to_string())],
        );
        assert_code(&mine, 0);
        assert_eq!(fen(mine["data"]["cutPrice"].as_f64().unwrap()), cut);
        let twice = help(&app, &friend, kjid, owner);
        assert_code(&twice, 403);
        assert!(twice["msg"].as_str().unwrap().contains("砍过"), "{twice}");
    }
    assert_eq!(price, fen(60.0), "three cuts of at most 30 元 reach a 40 元 gap by the sixth help");
    assert_eq!(cur_price(&app, kjid, owner), 60.0);
    let d = info(&app, kjid, &owner.to_string());
    assert_eq!(d["data"]["kanjiaInfo"]["helpNumber"].as_i64().unwrap(), cuts.len() as i64);
    assert_eq!(d["data"]["joiner"]["nick"], "owner");
    assert_eq!(d["data"]["helps"].as_array().unwrap().len(), cuts.len());
    assert_eq!(cuts.iter().sum::<i64>(), fen(40.0));
    assert!(app.ledger_check().is_empty());
}

#[test]
fn the_page_traps_answer_no_data_rather_than_success_or_a_crash() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    let kjid = bargain_set(&app, tea, 5, (5.0, 15.0));
    let (owner, token) = app.shopper("owner");
    // Nobody has joined: the page must offer "我也要报名参与".
    assert_code(&info(&app, kjid, &owner.to_string()), 700);
    assert_code(&app.get(MY, &[("token", &token), ("kjid", &kjid.to_string())]), 700);
    // Before login the template sends '' or 'undefined'.
    for joiner in ["", "undefined"] {
        assert_code(&info(&app, kjid, joiner), 700);
        let res = app.get(MY_HELP, &[("token", &token), ("kjid", &kjid.to_string()), ("joinerUser", joiner)]);
        assert_code(&res, 700);
        let res = app.post(HELP, &[("token", &token), ("kjid", &kjid.to_string()), ("joinerUser", joiner)]);
        assert_code(&res, 300);
    }
    assert_code(&info(&app, kjid, "abc"), 300);
    assert_code(&app.post(JOIN, &[("kjid", &kjid.to_string())]), 2000);
    assert_code(&app.post(JOIN, &[("token", &token), ("kjid", "999")]), 404);
    app.post(JOIN, &[("token", &token), ("kjid", &kjid.to_string())]);
    // A friend who has not helped: 700 keeps the help button.
    let (_, friend) = app.shopper("friend");
    let res = app
        .get(MY_HELP, &[("token", &friend), ("kjid", &kjid.to_string()), ("joinerUser", &owner.to_string())]);
    assert_code(&res, 700);
}

#[test]
fn self_help_is_a_setting_and_helpers_have_a_daily_cap() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    let kjid = bargain_set(&app, tea, 50, (0.01, 0.02));
    let (owner, token) = app.shopper("owner");
    app.post(JOIN, &[("token", &token), ("kjid", &kjid.to_string())]);
    let res = help(&app, &token, kjid, owner);
    assert_code(&res, 403);
    assert!(res["msg"].as_str().unwrap().contains("自己"), "{res}");
    assert_eq!(state(&app, kjid, owner).1, 0, "nothing changed");
    app.set_setting("kanjiaSelfHelp", "1");
    assert_code(&help(&app, &token, kjid, owner), 0);
    assert_code(&help(&app, &token, kjid, owner), 403);

    app.set_setting("kanjiaHelpsPerDay", "2");
    let (_, farmer) = app.shopper("farmer");
    let mut owners = Vec::new();
    for n in 0..3 {
        let (uid, t) = app.shopper(&format!("o{n}"));
        app.post(JOIN, &[("token", &t), ("kjid", &kjid.to_string())]);
        owners.push(uid);
    }
    assert_code(&help(&app, &farmer, kjid, owners[0]), 0);
    assert_code(&help(&app, &farmer, kjid, owners[1]), 0);
    let res = help(&app, &farmer, kjid, owners[2]);
    assert_code(&res, 429);
    assert!(res["msg"].as_str().unwrap().contains("上限"), "{res}");
    assert_eq!(state(&app, kjid, owners[2]).1, 0);
}

#[test]
fn the_owner_buys_one_at_the_cut_price_and_payment_counts_against_the_quota() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    let kjid = bargain_set(&app, tea, 1, (5.0, 15.0));
    let (owner, token) = app.shopper("owner");
    app.post(JOIN, &[("token", &token), ("kjid", &kjid.to_string())]);
    let (_, friend) = app.shopper("friend");
    assert_code(&help(&app, &friend, kjid, owner), 0);
    let price = cur_price(&app, kjid, owner);
    assert!(price < 100.0);

    // Someone else's bargain, two pieces, another goods, kjid with pingtuanOpenId: refused.
    let other = app.goods().name("普洱").price(5000).stock(10).create();
    let res = bargain_order(&app, &friend, tea, kjid, 1);
    assert_code(&res, 403);
    assert!(res["msg"].as_str().unwrap().contains("自己"), "{res}");
    assert_code(&bargain_order(&app, &token, tea, kjid, 2), 300);
    assert_code(&bargain_order(&app, &token, other, kjid, 1), 300);
    let both =
        create(&app, &token, &one_line(tea, 1, ""), &[("kjid", &kjid.to_string()), ("pingtuanOpenId", "3")]);
    assert_code(&both, 300);
    assert_eq!(app.count("orders"), 0);
    assert_eq!(app.goods_stores(tea), 10);

    // The preview and the order charge the current price.
    let preview =
        create(&app, &token, &one_line(tea, 1, ""), &[("kjid", &kjid.to_string()), ("calculate", "true")]);
    assert_code(&preview, 0);
    assert_eq!(preview["data"]["amount"].as_f64(), Some(price));
    let res = bargain_order(&app, &token, tea, kjid, 1);
    assert_code(&res, 0);
    assert_eq!(res["data"]["amountReal"].as_f64(), Some(price));
    let id = order_id(&res);
    assert_code(&bargain_order(&app, &token, tea, kjid, 1), 403);

    // Closing the unpaid order gives the bargain back; a new order buys it.
    assert_code(&app.post(CLOSE, &[("token", &token), ("orderId", &id)]), 0);
    assert_eq!(state(&app, kjid, owner).3, None);
    let id = order_id(&bargain_order(&app, &token, tea, kjid, 1));
    assert_code(&app.post(CLEAR, &[("token", &token), ("kjid", &kjid.to_string())]), 403);
    app.credit(owner, Account::Balance, 10000);
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &id)]), 0);
    assert_eq!(app.account(owner).balance, 10000 - fen(price));
    let (_, _, status, _) = state(&app, kjid, owner);
    assert_eq!(status, 1, "the bargain is bought");
    let (_, s) = app.api("GET", &format!("/kanjia-sets/{kjid}"), None);
    assert_eq!(s["numberBuy"], 1, "{s}");
    assert_eq!(s["joins"][0]["helps"].as_array().unwrap().len(), 1);

    // Bought and sold out: no more helps, orders or sets on the goods page.
    let (_, late) = app.shopper("late");
    let res = help(&app, &late, kjid, owner);
    assert_code(&res, 403);
    assert_code(&bargain_order(&app, &token, tea, kjid, 1), 403);
    assert_code(&app.get(SET, &[("goodsId", &tea.to_string())]), 700);
    let (late_uid, late_token) = app.shopper("late2");
    let res = app.post(JOIN, &[("token", &late_token), ("kjid", &kjid.to_string())]);
    assert_code(&res, 403);
    assert!(res["msg"].as_str().unwrap().contains("抢光"), "{res}");
    assert_code(&info(&app, kjid, &late_uid.to_string()), 700);
    assert!(app.ledger_check().is_empty());
}

#[test]
fn the_owner_gives_up_and_starts_again_and_an_ended_set_refuses_helps() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    let kjid = bargain_set(&app, tea, 5, (5.0, 15.0));
    let (owner, token) = app.shopper("owner");
    app.post(JOIN, &[("token", &token), ("kjid", &kjid.to_string())]);
    let (_, friend) = app.shopper("friend");
    assert_code(&help(&app, &friend, kjid, owner), 0);
    assert_code(&app.post(CLEAR, &[("token", &token), ("kjid", &kjid.to_string())]), 0);
    assert_eq!(app.count("kanjia_helps"), 0);
    assert_code(&app.get(MY, &[("token", &token), ("kjid", &kjid.to_string())]), 700);
    let res = app.post(JOIN, &[("token", &token), ("kjid", &kjid.to_string())]);
    assert_eq!(res["data"]["curPrice"], 100.0);

    app.write(|c| c.execute("UPDATE goods_kanjia_sets SET date_end = ?1 WHERE id = ?2", [now() - 1, kjid]));
    let res = help(&app, &friend, kjid, owner);
    assert_code(&res, 403);
    assert!(res["msg"].as_str().unwrap().contains("结束"), "{res}");
    assert_eq!(state(&app, kjid, owner).0, 10000);
    assert_code(&app.get(SET, &[("goodsId", &tea.to_string())]), 700);
    let ended = xiaodian::jobs::kanjia_expiry::run_once(&app.db, now()).unwrap();
    assert_eq!(ended, 1);
    let d = app.get("/shop/shop/goods/detail", &[("id", &tea.to_string())]);
    assert_eq!(d["data"]["basicInfo"]["kanjia"], false);
}

#[test]
fn many_helpers_racing_on_one_bargain_lose_and_double_no_cut() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    let kjid = bargain_set(&app, tea, 5, (0.01, 0.05));
    let (owner, token) = app.shopper("owner");
    app.post(JOIN, &[("token", &token), ("kjid", &kjid.to_string())]);
    let tokens: Vec<String> = (0..40).map(|n| app.shopper(&format!("h{n}")).1).collect();
    std::thread::scope(|s| {
        for t in &tokens {
            let app = &app;
            s.spawn(move || {
                assert_code(&help(app, t, kjid, owner), 0);
                assert_code(&help(app, t, kjid, owner), 403);
            });
        }
    });
    let (cur, helps, _, _) = state(&app, kjid, owner);
    assert_eq!(helps, 40);
    let sum: i64 = app.query(|c| c.query_row("SELECT sum(cut_price) FROM kanjia_helps", [], |r| r.get(0)));
    assert_eq!(sum, 10000 - cur);
    let problems = app.query(xiaodian::service::audit::run_checks);
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn a_bargain_order_paid_by_wechat_is_bought_and_counted() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    let kjid = bargain_set(&app, tea, 3, (5.0, 15.0));
    let (owner, token) = app.login_wechat("code-owner");
    app.post(JOIN, &[("token", &token), ("kjid", &kjid.to_string())]);
    let (_, friend) = app.shopper("friend");
    assert_code(&help(&app, &friend, kjid, owner), 0);
    let price = cur_price(&app, kjid, owner);
    let id = order_id(&bargain_order(&app, &token, tea, kjid, 1));
    let action = format!("{{\"type\":0,\"id\":{id}}}");
    let prepay = prepay_of(&wxpay(&app, &token, &format!("{price:.2}"), Some(&action)));
    let paid = sandbox_pay(&app, &prepay, true);
    assert_eq!(paid["delivered"], true, "{paid}");
    assert_eq!(state(&app, kjid, owner).2, 1, "bought once the notify applied the order");
    let (_, s) = app.api("GET", &format!("/kanjia-sets/{kjid}"), None);
    assert_eq!(s["numberBuy"], 1);
    assert_eq!(app.account(owner).balance, 0, "credited then spent");
    assert!(app.query(xiaodian::service::audit::run_checks).is_empty());
}
