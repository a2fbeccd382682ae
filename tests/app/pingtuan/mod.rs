//! Group buy (拼团): sets from the merchant API, the pingtuan* methods, opening and joining with
//! `orderCreate(pingtuanOpenId)`, the group's state machine (listed once its opener paid, held
//! until full, refunded when it times out), the race for the last seat and the refusals that must
//! change nothing.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use xiaodian::service::ledger::Account;

use crate::support::*;

mod console;

const KEY: &str = "merchant-key-pingtuan-0123456789";
const SET: &str = "/shop/shop/goods/pingtuan/set";
const SETS: &str = "/shop/shop/goods/pingtuan/sets";
const OPEN: &str = "/shop/shop/goods/pingtuan/open";
const LIST: &str = "/shop/shop/goods/pingtuan/list/v2";
const JOINER: &str = "/shop/shop/goods/pingtuan/joiner";
const MY: &str = "/shop/shop/goods/pingtuan/my-join-list";
const DEFAULT: &str = "/shop/shop/goods/pingtuan/default";
const LEVELS: &str = "/shop/shop/goods/pingtuan/pingtuanMultilevel";
const TUAN: &str = "/shop/shop/goods/pingtuan/tuanInfo";
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

/// A set through the merchant API: the goods (100 元) at 60 元 in groups of `size`, 24 hours.
fn group_set(app: &TestApp, goods: i64, size: i64, refund_type: i64) -> i64 {
    let body = json!({
        "goodsId": goods, "pingtuanPrice": 60.0, "numberPersion": size, "timeoutHours": 24,
        "refundType": refund_type, "dateEnd": days_ahead(3),
    });
    let (status, s) = app.api("POST", "/pingtuan-sets", Some(&body));
    assert_eq!(status, 201, "{s}");
    s["id"].as_i64().unwrap()
}

/// pingtuanOpen: the group id.
fn open(app: &TestApp, token: &str, goods: i64) -> i64 {
    let res = app.post(OPEN, &[("token", token), ("goodsId", &goods.to_string())]);
    assert_code(&res, 0);
    res["data"]["id"].as_i64().unwrap()
}

fn group_order(app: &TestApp, token: &str, goods: i64, tuan: i64) -> Value {
    create(app, token, &one_line(goods, 1, ""), &[("pingtuanOpenId", &tuan.to_string())])
}

/// A shopper with 100 元 on the balance who orders into the group and pays: (uid, token, order id).
fn join_and_pay(app: &TestApp, nick: &str, goods: i64, tuan: i64) -> (i64, String, String) {
    let (uid, token) = app.shopper(nick);
    app.credit(uid, Account::Balance, 10000);
    let res = group_order(app, &token, goods, tuan);
    assert_code(&res, 0);
    let id = order_id(&res);
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &id)]), 0);
    (uid, token, id)
}

/// (status, seats, paid members) of a group.
fn tuan_state(app: &TestApp, tuan: i64) -> (i64, i64, i64) {
    app.query(|c| {
        c.query_row("SELECT status, seats, help_number FROM pingtuan_tuans WHERE id = ?1", [tuan], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
    })
}

fn order_status(app: &TestApp, id: &str) -> i64 {
    app.query(|c| c.query_row("SELECT status FROM orders WHERE id = ?1", [id], |r| r.get(0)))
}

/// The `statusStr` orderList answers for the shopper's order `id` (in all of their orders, and in
/// the 待发货 tab, status 1).
fn listed_status(app: &TestApp, token: &str, id: &str) -> String {
    let mut said = Vec::new();
    for status in [None, Some("1")] {
        let mut form = vec![("token", token)];
        form.extend(status.map(|s| ("status", s)));
        let list = app.post("/shop/order/list", &form);
        assert_code(&list, 0);
        let order = list["data"]["orderList"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"].as_i64().is_some_and(|n| n.to_string() == id));
        said.push(order.unwrap_or_else(|| panic!("order {id} not listed: {list}"))["statusStr"].clone());
    }
    assert_eq!(said[0], said[1], "every list says the same");
    said[0].as_str().unwrap().to_string()
}

fn ship(app: &TestApp, id: &str) -> (u16, Value) {
    let parcel = json!({"carrier": "顺丰速运", "trackingNumber": "SF1234567890"});
    app.api("POST", &format!("/orders/{id}/ship"), Some(&parcel))
}

fn checks_clean(app: &TestApp) {
    let problems = app.query(xiaodian::service::audit::run_checks);
    assert!(problems.is_empty(), "{problems:?}");
}

/// Runs the group job at `at` with a WeChat refund client of its own (as after a restart).
fn sweep(app: &TestApp, at: i64) -> xiaodian::jobs::pingtuan::Swept {
    let wx = xiaodian::service::wechat_refund::WxRefunds::new(&app.cfg, app.settings.clone());
    xiaodian::jobs::pingtuan::run_once(&app.db, Some(&wx), at).unwrap()
}

#[test]
fn goods_answer_a_group_price_only_while_a_set_is_active() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    assert_code(&app.get(SET, &[("goodsId", &tea.to_string())]), 700);
    let d = app.get("/shop/shop/goods/detail", &[("id", &tea.to_string())]);
    assert_eq!(d["data"]["basicInfo"]["pingtuan"], false);
    assert_eq!(d["data"]["basicInfo"]["pingtuanPrice"], 0.0);
    let listed = app.post("/shop/shop/goods/list", &[("pingtuan", "true")]);
    assert_code(&listed, 700);

    let set = group_set(&app, tea, 3, 0);
    let s = app.get(SET, &[("goodsId", &tea.to_string())]);
    assert_code(&s, 0);
    assert_eq!((s["data"]["id"].as_i64(), s["data"]["numberPersion"].as_i64()), (Some(set), Some(3)));
    assert_eq!(s["data"]["timeoutHours"], 24);
    assert_eq!(s["data"]["numberSucccess"], 0);
    assert_eq!(s["data"]["refundTypeStr"], "用户钱包余额");
    let other = app.goods().name("普洱").price(5000).stock(10).create();
    let both = app.get(SETS, &[("goodsId", &format!("{tea},{other}"))]);
    assert_eq!(both["data"].as_array().unwrap().len(), 1);
    let d = app.get("/shop/shop/goods/detail", &[("id", &tea.to_string())]);
    assert_eq!(d["data"]["basicInfo"]["pingtuan"], true);
    assert_eq!(d["data"]["basicInfo"]["pingtuanPrice"], 60.0);
    let price = app.post("/shop/shop/goods/price", &[("goodsId", &tea.to_string())]);
    assert_eq!(price["data"]["pingtuanPrice"], 60.0, "{price}");
    let listed = app.post("/shop/shop/goods/list", &[("pingtuan", "true")]);
    let ids: Vec<i64> =
        listed["data"].as_array().unwrap().iter().map(|g| g["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![tea]);
    let levels = app.get(LEVELS, &[("goodsId", &tea.to_string())]);
    assert_eq!(levels["data"][0]["number"], 3);

    // A second active set on the goods is refused; a stopped set leaves the goods page.
    let body = json!({"goodsId": tea, "pingtuanPrice": 50.0, "numberPersion": 2, "timeoutHours": 1,
                      "dateEnd": days_ahead(1)});
    assert_eq!(app.api("POST", "/pingtuan-sets", Some(&body)).0, 409);
    assert_eq!(app.api("POST", &format!("/pingtuan-sets/{set}/stop"), None).0, 200);
    assert_code(&app.get(SET, &[("goodsId", &tea.to_string())]), 700);
    let d = app.get("/shop/shop/goods/detail", &[("id", &tea.to_string())]);
    assert_eq!(d["data"]["basicInfo"]["pingtuan"], false);
    assert_eq!(app.api("POST", &format!("/pingtuan-sets/{set}/stop"), None).0, 409);
}

#[test]
fn the_merchant_api_refuses_sets_that_break_the_rules() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    let base = json!({"goodsId": tea, "pingtuanPrice": 60.0, "numberPersion": 3, "timeoutHours": 24,
                      "refundType": 0, "dateEnd": days_ahead(1)});
    for (field, value) in [
        ("pingtuanPrice", json!(100.0)),
        ("pingtuanPrice", json!(0.0)),
        ("numberPersion", json!(1)),
        ("timeoutHours", json!(0)),
        ("refundType", json!(5)),
        ("dateEnd", json!("2001-01-01 00:00:00")),
        ("skuPrices", json!([{"skuId": 999, "price": 10.0}])),
    ] {
        let mut body = base.clone();
        body[field] = value;
        let (status, p) = app.api("POST", "/pingtuan-sets", Some(&body));
        assert_eq!(status, 422, "{field}: {p}");
        assert_eq!(p["field"], field, "{p}");
    }
    let mut body = base.clone();
    body["goodsId"] = json!(9999);
    assert_eq!(app.api("POST", "/pingtuan-sets", Some(&body)).0, 404);
    assert_eq!(app.count("goods_pingtuan_sets"), 0);
}

#[test]
fn a_group_of_three_is_listed_once_its_opener_paid_and_ships_when_full() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    let set = group_set(&app, tea, 3, 0);
    let (opener, token) = app.shopper("opener");
    let tuan = open(&app, &token, tea);
    assert_eq!(open(&app, &token, tea), tuan, "opening again answers the same unordered group");
    assert_code(&app.post(LIST, &[("goodsId", &tea.to_string()), ("status", "0")]), 700);

    // Others cannot join before the opener paid.
    let (_, early) = app.shopper("early");
    let res = group_order(&app, &early, tea, tuan);
    assert_code(&res, 403);
    assert!(res["msg"].as_str().unwrap().contains("尚未开团"), "{res}");

    // The opener is charged the group price; the group lists once paid.
    app.credit(opener, Account::Balance, 10000);
    let res = group_order(&app, &token, tea, tuan);
    assert_code(&res, 0);
    assert_eq!(res["data"]["amountReal"].as_f64(), Some(60.0));
    let first = order_id(&res);
    assert_code(&app.post(LIST, &[("goodsId", &tea.to_string())]), 700);
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &first)]), 0);
    let list = app.post(LIST, &[("goodsId", &tea.to_string()), ("status", "0")]);
    assert_code(&list, 0);
    assert_eq!(list["data"]["result"][0]["id"], tuan);
    assert_eq!(list["data"]["result"][0]["helpNumber"], 1);
    assert!(list["data"]["result"][0]["apiExtUser"]["nick"].is_string(), "{list}");
    assert!(list["data"]["result"][0]["dateEnd"].as_str().is_some_and(|d| d.len() == 19));
    assert_eq!(app.get(DEFAULT, &[("goodsId", &tea.to_string())])["data"]["id"], tuan);

    // Paid but waiting: not shippable, the console says why, and the shopper's order reads 拼团中.
    assert_eq!(order_status(&app, &first), 1);
    let detail = app.get("/shop/order/detail", &[("token", &token), ("id", &first)]);
    assert_eq!(detail["data"]["orderInfo"]["statusStr"], "拼团中", "{detail}");
    assert_eq!(listed_status(&app, &token, &first), "拼团中");
    let (status, p) = ship(&app, &first);
    assert_eq!(status, 409, "{p}");
    assert!(p.to_string().contains("拼团中"), "{p}");

    let (_, _, second) = join_and_pay(&app, "second", tea, tuan);
    assert_eq!(tuan_state(&app, tuan), (0, 2, 2));
    checks_clean(&app);
    let (_, third_token, third) = join_and_pay(&app, "third", tea, tuan);
    assert_eq!(tuan_state(&app, tuan), (1, 3, 3), "full: succeeded");
    // The list (answered from the cache) follows every join at once.
    assert_code(&app.post(LIST, &[("goodsId", &tea.to_string()), ("status", "0")]), 700);
    let done = app.post(LIST, &[("goodsId", &tea.to_string()), ("status", "1")]);
    assert_eq!(done["data"]["result"][0]["id"], tuan, "{done}");
    assert_eq!(done["data"]["result"][0]["helpNumber"], 3, "{done}");
    let (_, s) = app.api("GET", &format!("/pingtuan-sets/{set}"), None);
    assert_eq!((s["numberSuccess"].as_i64(), s["numberDoing"].as_i64()), (Some(1), Some(0)), "{s}");

    let joiners = app.get(JOINER, &[("tuanId", &tuan.to_string())]);
    assert_eq!(joiners["data"].as_array().unwrap().len(), 3);
    assert_eq!(joiners["data"][0]["isOpener"], true);
    let info = app.get(TUAN, &[("tuanId", &tuan.to_string())]);
    assert_eq!(info["data"]["tuanInfo"]["status"], 1);
    assert_eq!(info["data"]["pingtuanSet"]["id"], set);
    let mine = app.post(MY, &[("token", &third_token)]);
    assert_eq!(mine["data"]["result"][0]["tuanInfo"]["id"], tuan, "{mine}");
    assert_eq!(mine["data"]["totalRow"], 1);

    let detail = app.get("/shop/order/detail", &[("token", &token), ("id", &first)]);
    assert_eq!(detail["data"]["orderInfo"]["statusStr"], "待发货", "full: ready to ship");
    assert_eq!(listed_status(&app, &token, &first), "待发货");
    for id in [&first, &second, &third] {
        let (status, p) = ship(&app, id);
        assert_eq!(status, 200, "{p}");
    }
    assert_eq!(app.goods_stores(tea), 7);
    checks_clean(&app);
}

#[test]
fn joining_a_full_failed_own_or_other_goods_group_is_refused_and_changes_nothing() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    let other = app.goods().name("普洱").price(10000).stock(10).create();
    group_set(&app, tea, 2, 0);
    group_set(&app, other, 2, 0);
    let (opener, token) = app.shopper("opener");
    let tuan = open(&app, &token, tea);
    app.credit(opener, Account::Balance, 20000);
    let first = order_id(&group_order(&app, &token, tea, tuan));
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &first)]), 0);
    let orders = app.count("orders");

    // Own group, another goods' group, bargain and group together, an unknown group.
    let res = group_order(&app, &token, tea, tuan);
    assert_code(&res, 403);
    assert!(res["msg"].as_str().unwrap().contains("团长"), "{res}");
    let (_, friend) = app.shopper("friend");
    let res = group_order(&app, &friend, other, tuan);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("该团的商品"), "{res}");
    let both =
        create(&app, &friend, &one_line(tea, 1, ""), &[("pingtuanOpenId", &tuan.to_string()), ("kjid", "1")]);
    assert_code(&both, 300);
    assert!(both["msg"].as_str().unwrap().contains("砍价和拼团"), "{both}");
    assert_code(&group_order(&app, &friend, tea, 99_999), 300);
    assert_eq!(app.count("orders"), orders);
    assert_eq!(tuan_state(&app, tuan), (0, 1, 1));

    // Full.
    join_and_pay(&app, "second", tea, tuan);
    let res = group_order(&app, &friend, tea, tuan);
    assert_code(&res, 403);
    assert!(res["msg"].as_str().unwrap().contains("满员"), "{res}");

    // Failed.
    let (o2, t2) = app.shopper("opener2");
    let tuan2 = open(&app, &t2, tea);
    app.credit(o2, Account::Balance, 10000);
    let id = order_id(&group_order(&app, &t2, tea, tuan2));
    assert_code(&app.post(PAY, &[("token", &t2), ("orderId", &id)]), 0);
    assert_eq!(app.api("POST", &format!("/pingtuan-groups/{tuan2}/fail"), None).0, 200);
    let res = group_order(&app, &friend, tea, tuan2);
    assert_code(&res, 403);
    assert!(res["msg"].as_str().unwrap().contains("失败"), "{res}");
    assert_eq!(app.api("POST", &format!("/pingtuan-groups/{tuan2}/fail"), None).0, 409, "once");
    assert_eq!(app.count("orders"), orders + 2);
    checks_clean(&app);
}

#[test]
fn a_closed_unpaid_order_frees_its_seat_and_an_openers_takes_the_group() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    group_set(&app, tea, 2, 0);
    let (_, token) = app.shopper("opener");
    let tuan = open(&app, &token, tea);
    let id = order_id(&group_order(&app, &token, tea, tuan));
    assert_code(&app.post(CLOSE, &[("token", &token), ("orderId", &id)]), 0);
    assert_eq!(app.count("pingtuan_tuans"), 0, "the opener's unpaid group goes with the order");

    let (o, token) = app.shopper("opener2");
    let tuan = open(&app, &token, tea);
    app.credit(o, Account::Balance, 10000);
    let id = order_id(&group_order(&app, &token, tea, tuan));
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &id)]), 0);
    let (_, friend) = app.shopper("friend");
    let held = order_id(&group_order(&app, &friend, tea, tuan));
    assert_eq!(tuan_state(&app, tuan), (0, 2, 1), "the unpaid order holds the last seat");
    let (_, late) = app.shopper("late");
    assert_code(&group_order(&app, &late, tea, tuan), 403);
    assert_code(&app.post(CLOSE, &[("token", &friend), ("orderId", &held)]), 0);
    assert_eq!(tuan_state(&app, tuan), (0, 1, 1), "closing it frees the seat");
    assert_code(&group_order(&app, &late, tea, tuan), 0);
    checks_clean(&app);
}

#[test]
fn many_shoppers_racing_for_the_last_seat_leave_exactly_one_with_it() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(100).create();
    group_set(&app, tea, 2, 0);
    let (o, token) = app.shopper("opener");
    let tuan = open(&app, &token, tea);
    app.credit(o, Account::Balance, 10000);
    let id = order_id(&group_order(&app, &token, tea, tuan));
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &id)]), 0);
    let tokens: Vec<String> = (0..16).map(|n| app.shopper(&format!("r{n}")).1).collect();
    let won = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for t in &tokens {
            let (app, won) = (&app, &won);
            s.spawn(move || {
                let res = group_order(app, t, tea, tuan);
                match res["code"].as_i64() {
                    Some(0) => {
                        won.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                    Some(403) => assert!(res["msg"].as_str().unwrap().contains("满员"), "{res}"),
                    _ => panic!("{res}"),
                }
            });
        }
    });
    assert_eq!(won.into_inner(), 1);
    assert_eq!(tuan_state(&app, tuan), (0, 2, 1));
    assert_eq!(app.count("orders"), 2);
    assert_eq!(app.goods_stores(tea), 98);
    checks_clean(&app);
}

/// Waits (up to 10 s) for WeChat refund `id` to reach `status` (the sandbox notifies on its own thread).
fn wait_refund(app: &TestApp, id: i64, status: &str) -> Value {
    let start = Instant::now();
    loop {
        let (_, r) = app.api("GET", &format!("/wechat-refunds/{id}"), None);
        if r["status"] == status {
            return r;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "refund {id} stayed {}", r["status"]);
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_group_that_times_out_refunds_every_member_by_balance_and_by_wechat_and_closes_their_orders() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    group_set(&app, tea, 3, 1);
    // The opener pays by WeChat in the sandbox.
    let (opener, token) = app.login_wechat("code-opener");
    let tuan = open(&app, &token, tea);
    let first = order_id(&group_order(&app, &token, tea, tuan));
    let action = format!("{{\"type\":0,\"id\":{first}}}");
    let prepay = prepay_of(&wxpay(&app, &token, "60.00", Some(&action)));
    assert_eq!(sandbox_pay(&app, &prepay, true)["delivered"], true);
    assert_eq!(tuan_state(&app, tuan), (0, 1, 1));
    // A member pays from the balance with a 10 元 coupon; another holds a seat unpaid.
    let (member, member_token) = app.shopper("member");
    app.credit(member, Account::Balance, 10000);
    let coupon = app.coupon().threshold(0).give_to(member, "admin");
    let res = create(
        &app,
        &member_token,
        &one_line(tea, 1, ""),
        &[("pingtuanOpenId", &tuan.to_string()), ("couponId", &coupon.to_string())],
    );
    assert_code(&res, 0);
    assert_eq!(res["data"]["amountReal"].as_f64(), Some(50.0), "{res}");
    let second = order_id(&res);
    assert_code(&app.post(PAY, &[("token", &member_token), ("orderId", &second)]), 0);
    let (_, waiting) = app.shopper("waiting");
    let unpaid = order_id(&group_order(&app, &waiting, tea, tuan));
    assert_eq!(app.goods_stores(tea), 7);
    assert_eq!(app.account(member).balance, 5000);

    // Before the deadline nothing happens; at it the group fails (and only once).
    let deadline: i64 =
        app.query(|c| c.query_row("SELECT date_end FROM pingtuan_tuans WHERE id = ?1", [tuan], |r| r.get(0)));
    assert!(deadline > now() + 23 * 3600);
    assert_eq!(sweep(&app, deadline - 1).failed, 0);
    let swept = sweep(&app, deadline + 30);
    assert_eq!((swept.failed, swept.wechat_refunds), (1, 1), "{swept:?}");
    assert_eq!(sweep(&app, deadline + 60).failed, 0, "idempotent");
    assert_eq!(tuan_state(&app, tuan).0, 2);

    // Balance member: refunded to the balance; WeChat member: back through WeChat; all closed.
    assert_eq!(app.account(member).balance, 10000);
    let refund: i64 = app.query(|c| c.query_row("SELECT id FROM payment_refunds", [], |r| r.get(0)));
    wait_refund(&app, refund, "success");
    assert_eq!(app.account(opener).balance, 0);
    assert_eq!(app.account(opener).freeze, 0, "the WeChat share left the shop");
    for id in [&first, &second, &unpaid] {
        assert_eq!(order_status(&app, id), -1, "order {id} closed");
    }
    assert_eq!(app.goods_stores(tea), 10, "stock returned");
    let coupon_status: i64 =
        app.query(|c| c.query_row("SELECT status FROM coupon_users WHERE id = ?1", [coupon], |r| r.get(0)));
    assert_eq!(coupon_status, 0, "the coupon is usable again");
    let (status, _) = ship(&app, &second);
    assert_eq!(status, 409);
    let mine = app.post(MY, &[("token", &member_token)]);
    assert_eq!(mine["data"]["result"][0]["status"], 2, "{mine}");
    checks_clean(&app);
}

#[test]
fn a_payment_for_a_group_that_can_no_longer_start_is_applied_and_refunded() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    let set = group_set(&app, tea, 2, 0);
    let (opener, token) = app.shopper("opener");
    let tuan = open(&app, &token, tea);
    app.credit(opener, Account::Balance, 10000);
    let id = order_id(&group_order(&app, &token, tea, tuan));
    // The merchant stops the set while the opener's order is unpaid; the payment still lands.
    assert_eq!(app.api("POST", &format!("/pingtuan-sets/{set}/stop"), None).0, 200);
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &id)]), 0);
    assert_eq!(order_status(&app, &id), -1, "refunded and closed");
    assert_eq!(app.account(opener).balance, 10000, "the money came back");
    assert_eq!(tuan_state(&app, tuan).0, 2);
    assert_eq!(app.goods_stores(tea), 10);
    checks_clean(&app);
}

#[test]
fn a_wechat_payment_arriving_after_the_group_failed_and_closed_the_order_goes_back_through_wechat() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    group_set(&app, tea, 3, 1);
    let (opener, token) = app.shopper("opener");
    let tuan = open(&app, &token, tea);
    app.credit(opener, Account::Balance, 10000);
    let first = order_id(&group_order(&app, &token, tea, tuan));
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &first)]), 0);
    // A member orders, opens WeChat Pay, and pays only after the merchant failed the group.
    let (member, member_token) = app.login_wechat("code-late-member");
    let id = order_id(&group_order(&app, &member_token, tea, tuan));
    let action = format!("{{\"type\":0,\"id\":{id}}}");
    let prepay = prepay_of(&wxpay(&app, &member_token, "60.00", Some(&action)));
    assert_eq!(app.api("POST", &format!("/pingtuan-groups/{tuan}/fail"), None).0, 200);
    assert_eq!(order_status(&app, &id), -1, "the unpaid member order closed with the group");
    assert_eq!(sandbox_pay(&app, &prepay, true)["delivered"], true);

    // Not kept in the balance: frozen on its way back to WeChat, then gone from the shop.
    assert_eq!(order_status(&app, &id), -1);
    assert_eq!(app.account(member).balance, 0, "not left in the balance");
    let (refund, fee): (i64, i64) = app.query(|c| {
        c.query_row(
            "SELECT r.id, r.refund_fee FROM payment_refunds r JOIN payments p ON p.id = r.payment_id
             WHERE p.user_id = ?1",
            [member],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    });
    assert_eq!(fee, 6000);
    assert_eq!(app.account(member).freeze, 6000);
    let wx = xiaodian::service::wechat_refund::WxRefunds::new(&app.cfg, app.settings.clone());
    xiaodian::jobs::wechat_refund::run_once(&app.db, &wx, now() + 3600).unwrap();
    wait_refund(&app, refund, "success");
    assert_eq!(app.account(member).freeze, 0, "the money left the shop through WeChat Pay");
    assert_eq!(app.account(member).balance, 0);
    let detail = app.get("/shop/order/detail", &[("token", &member_token), ("id", &id)]);
    assert!(detail.to_string().contains("原路退回微信支付"), "{detail}");
    // The opener, paid from the balance, was refunded to it by the failure (refund type 1 sends
    // only WeChat payments back to WeChat).
    assert_eq!(app.account(opener).balance, 10000);
    checks_clean(&app);
}

#[test]
fn the_merchant_succeeds_a_group_by_hand_and_its_paid_members_ship() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    group_set(&app, tea, 5, 0);
    let (o, token) = app.shopper("opener");
    let tuan = open(&app, &token, tea);
    app.credit(o, Account::Balance, 10000);
    let id = order_id(&group_order(&app, &token, tea, tuan));
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &id)]), 0);
    let (_, waiting) = app.shopper("waiting");
    let unpaid = order_id(&group_order(&app, &waiting, tea, tuan));
    let (status, g) = app.api("POST", &format!("/pingtuan-groups/{tuan}/succeed"), None);
    assert_eq!(status, 200, "{g}");
    assert_eq!(g["status"], 1);
    assert_eq!(order_status(&app, &unpaid), -1, "the unpaid seat holder is closed");
    assert_eq!(ship(&app, &id).0, 200);
    assert_eq!(app.api("POST", &format!("/pingtuan-groups/{tuan}/succeed"), None).0, 409);
    assert_eq!(app.api("POST", &format!("/pingtuan-groups/{tuan}/fail"), None).0, 409);
    checks_clean(&app);
}

#[test]
fn two_unpaid_bargain_orders_cannot_exceed_the_quota() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    let body = json!({
        "goodsId": tea, "originalPrice": 100.0, "minPrice": 60.0,
        "helpPriceMin": 1.0, "helpPriceMax": 2.0, "number": 1, "dateEnd": days_ahead(3),
    });
    let (_, s) = app.api("POST", "/kanjia-sets", Some(&body));
    let kjid = s["id"].as_i64().unwrap().to_string();
    let mut orders = Vec::new();
    for nick in ["a", "b"] {
        let (uid, token) = app.shopper(nick);
        app.credit(uid, Account::Balance, 10000);
        assert_code(&app.post("/shop/shop/goods/kanjia/join", &[("token", &token), ("kjid", &kjid)]), 0);
        let res = create(&app, &token, &one_line(tea, 1, ""), &[("kjid", &kjid)]);
        orders.push((token, res));
    }
    assert_code(&orders[0].1, 0);
    assert_code(&orders[1].1, 403);
    assert!(orders[1].1["msg"].as_str().unwrap().contains("名额"), "{}", orders[1].1);
    let (token, res) = &orders[0];
    assert_code(&app.post(PAY, &[("token", token), ("orderId", &order_id(res))]), 0);
    let (_, s) = app.api("GET", &format!("/kanjia-sets/{kjid}"), None);
    assert_eq!(s["numberBuy"], 1);
}

#[test]
fn the_goods_list_bargain_filter_follows_active_sets_not_the_old_flag() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    let flagged = app.goods().name("旧标记").price(10000).stock(10).create();
    app.write(|c| c.execute("UPDATE goods SET kanjia = 1 WHERE id = ?1", [flagged]));
    let body = json!({
        "goodsId": tea, "originalPrice": 100.0, "minPrice": 60.0,
        "helpPriceMin": 1.0, "helpPriceMax": 2.0, "number": 3, "dateEnd": days_ahead(3),
    });
    assert_eq!(app.api("POST", "/kanjia-sets", Some(&body)).0, 201);
    let listed = app.post("/shop/shop/goods/list", &[("kanjia", "true")]);
    let ids: Vec<i64> =
        listed["data"].as_array().unwrap().iter().map(|g| g["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![tea]);
}
