//! Coupons: every fetchCoupons code, stock and per-user limits under concurrency, the shopper's
//! list, gifts, exchange codes, merges, and the checkout functions the orders module calls.

use serde_json::Value;
use xiaodian::db::coupons::{self as store, RuleFields};
use xiaodian::db::ledger::Account;
use xiaodian::error::ApiError;
use xiaodian::service::coupons::{self, CouponLine};
use xiaodian::service::ledger;

use crate::support::*;

const LIST: &str = "/shop/discounts/coupons";
const DETAIL: &str = "/shop/discounts/detail";
const FETCH: &str = "/shop/discounts/fetch";
const MY: &str = "/shop/discounts/my";
const SEND: &str = "/shop/discounts/send";
const EXCHANGE: &str = "/shop/discounts/exchange";
const MERGE_LIST: &str = "/shop/discounts/merge/list";
const MERGE: &str = "/shop/discounts/merge";

const DAY: i64 = 86_400;

/// 10 元 off orders from 100 元, valid for 30 days from now, 100 of them, 1 per shopper.
fn ten_off() -> RuleFields {
    RuleFields {
        name: "满100减10".into(),
        money_type: 0,
        money: 1000,
        money_hreshold: 10000,
        valid_type: 0,
        date_start: now() - 60,
        date_end: now() + 30 * DAY,
        number_total: 100,
        per_user: 1,
        ..Default::default()
    }
}

fn create_rule(app: &TestApp, f: RuleFields) -> i64 {
    app.coupon().fields(|r| *r = f).create()
}

fn fetch(app: &TestApp, token: &str, id: i64, extra: &[(&str, &str)]) -> Value {
    let id = id.to_string();
    let mut form = vec![("token", token), ("id", id.as_str())];
    form.extend_from_slice(extra);
    app.post(FETCH, &form)
}

fn credit(app: &TestApp, uid: i64, account: Account, amount: i64) {
    app.credit(uid, account, amount);
}

fn accounts(app: &TestApp, uid: i64) -> (i64, i64) {
    let a = app.query(|c| ledger::accounts_of(c, uid));
    (a.balance, a.score)
}

#[test]
fn a_shopper_sees_the_open_rules_takes_one_and_finds_it_in_their_list() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    let id = create_rule(&app, ten_off());
    create_rule(&app, RuleFields { name: "下架的券".into(), status: 1, ..ten_off() });

    let res = app.get(LIST, &[]);
    assert_code(&res, 0);
    let rules = res["data"].as_array().unwrap();
    assert_eq!(rules.len(), 1, "switched-off rules are not listed: {res}");
    assert_eq!(rules[0]["id"], id);
    assert_eq!(rules[0]["money"], 10.0);
    assert_eq!(rules[0]["moneyHreshold"], 100.0);
    assert_eq!(rules[0]["pwd"], false);
    assert_eq!(rules[0]["received"], false);

    let res = fetch(&app, &token, id, &[]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["status"], 0);
    assert_eq!(res["data"]["pid"], id);

    let res = app.get(LIST, &[("token", &token)]);
    assert_eq!(res["data"][0]["received"], true);
    assert_eq!(res["data"][0]["numberLeft"], 99);

    let res = app.get(MY, &[("token", &token)]);
    assert_code(&res, 0);
    let mine = res["data"].as_array().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["name"], "满100减10");
    assert_eq!(mine[0]["money"], 10.0);
    assert_eq!(mine[0]["statusStr"], "可使用");
    assert!(mine[0]["dateEnd"].as_str().unwrap().len() == 19);

    assert_code(&app.get(MY, &[("token", &token), ("status", "2,3")]), 700);
    assert_code(&app.get(MY, &[("token", &token), ("status", "0")]), 0);
    assert_code(&app.get(MY, &[("token", &token), ("consumAmount", "50")]), 700);
    assert_code(&app.get(MY, &[("token", &token), ("consumAmount", "120")]), 0);
    let res = app.get(MY, &[("token", &token), ("status", "7")]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("status"));
    assert_code(&app.get(MY, &[]), 2000);
}

#[test]
fn fetch_coupons_answers_each_code_the_templates_check() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("alice");
    let t = now();

    let off = create_rule(&app, RuleFields { status: 1, ..ten_off() });
    let res = fetch(&app, &token, off, &[]);
    assert_code(&res, 20001);

    let later = create_rule(&app, RuleFields { date_start: t + DAY, date_end: t + 2 * DAY, ..ten_off() });
    assert_code(&fetch(&app, &token, later, &[]), 20001);

    let ended = create_rule(&app, RuleFields { date_start: t - 2 * DAY, date_end: t - DAY, ..ten_off() });
    let res = fetch(&app, &token, ended, &[]);
    assert_code(&res, 20004);

    let none_left = create_rule(&app, RuleFields { number_total: 0, ..ten_off() });
    let res = fetch(&app, &token, none_left, &[]);
    assert_code(&res, 20002);

    let once = create_rule(&app, ten_off());
    assert_code(&fetch(&app, &token, once, &[]), 0);
    let res = fetch(&app, &token, once, &[]);
    assert_code(&res, 20003);

    let for_points = create_rule(&app, RuleFields { need_score: 50, ..ten_off() });
    credit(&app, uid, Account::Score, 30);
    let res = fetch(&app, &token, for_points, &[]);
    assert_code(&res, 30001);
    assert_eq!(res["data"], 20, "data = the points still missing");
    credit(&app, uid, Account::Score, 30);
    assert_code(&fetch(&app, &token, for_points, &[]), 0);
    assert_eq!(accounts(&app, uid).1, 10, "50 points paid");

    let for_money = create_rule(&app, RuleFields { need_amount: 990, ..ten_off() });
    credit(&app, uid, Account::Balance, 500);
    let res = fetch(&app, &token, for_money, &[]);
    assert_code(&res, 30002);
    assert_eq!(res["data"], 4.9, "data = the yuan still due, for WeChat Pay: {res}");
    assert_eq!(accounts(&app, uid).0, 500, "a refused take keeps the balance");
    credit(&app, uid, Account::Balance, 490);
    assert_code(&fetch(&app, &token, for_money, &[]), 0);
    assert_eq!(accounts(&app, uid).0, 0, "9.90 taken from the balance");
    assert!(app.query(ledger::check).is_empty(), "ledger consistent");

    let secret = create_rule(&app, RuleFields { pwd: "8888".into(), ..ten_off() });
    let res = fetch(&app, &token, secret, &[]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("pwd"));
    assert_code(&fetch(&app, &token, secret, &[("pwd", "1234")]), 300);
    assert_code(&fetch(&app, &token, secret, &[("pwd", "8888"), ("detect", "true")]), 0);
    assert_code(&app.get(MY, &[("token", &token), ("status", "0")]), 0);
    let before = app.get(MY, &[("token", &token)])["data"].as_array().unwrap().len();
    assert_code(&fetch(&app, &token, secret, &[("pwd", "8888")]), 0);
    let after = app.get(MY, &[("token", &token)])["data"].as_array().unwrap().len();
    assert_eq!(after, before + 1, "detect wrote nothing, the real take did");

    assert_code(&app.post(FETCH, &[("id", &once.to_string())]), 2000);
    assert_code(&fetch(&app, &token, 999_999, &[]), 404);
    let res = app.post(FETCH, &[("token", &token), ("id", "abc")]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("id"));
}

#[test]
fn fifty_shoppers_racing_for_ten_coupons_get_exactly_ten() {
    let app = TestApp::new();
    let id = create_rule(&app, RuleFields { number_total: 10, ..ten_off() });
    let tokens: Vec<String> = (0..50).map(|i| app.shopper(&format!("s{i}")).1).collect();
    let codes: Vec<i64> = std::thread::scope(|s| {
        let handles: Vec<_> =
            tokens.iter().map(|t| s.spawn(|| fetch(&app, t, id, &[])["code"].as_i64().unwrap())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 10, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 20002).count(), 40, "{codes:?}");
    let (held, taken): (i64, i64) = app.query(|c| {
        Ok::<_, Failed>((
            c.query_row("SELECT count(*) FROM coupon_users WHERE rule_id = ?1", [id], |r| r.get(0))?,
            c.query_row("SELECT number_taken FROM coupon_rules WHERE id = ?1", [id], |r| r.get(0))?,
        ))
    });
    assert_eq!((held, taken), (10, 10));
}

#[test]
fn one_shopper_racing_for_a_limited_coupon_gets_only_the_limit() {
    let app = TestApp::new();
    let id = create_rule(&app, RuleFields { per_user: 2, ..ten_off() });
    let (uid, token) = app.shopper("greedy");
    let codes: Vec<i64> = std::thread::scope(|s| {
        let handles: Vec<_> =
            (0..20).map(|_| s.spawn(|| fetch(&app, &token, id, &[])["code"].as_i64().unwrap())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 2, "{codes:?}");
    assert!(codes.iter().all(|c| *c == 0 || *c == 20003), "{codes:?}");
    let held: i64 = app
        .query(|c| c.query_row("SELECT count(*) FROM coupon_users WHERE user_id = ?1", [uid], |r| r.get(0)));
    assert_eq!(held, 2);
}

/// Gives `uid` a coupon of a new rule built from `f`; the held coupon's id.
fn give(app: &TestApp, uid: i64, f: RuleFields) -> i64 {
    app.coupon().fields(|r| *r = f).give_to(uid, "admin")
}

fn line(goods_id: i64, category_id: Option<i64>, amount: i64) -> CouponLine {
    CouponLine { goods_id, category_id, amount }
}

#[test]
fn checkout_discounts_respect_threshold_scope_and_never_exceed_the_scoped_amount() {
    let app = TestApp::new();
    let (uid, _) = app.shopper("alice");
    let (other, _) = app.shopper("bob");
    let all = give(&app, uid, ten_off());
    let big = give(&app, uid, RuleFields { money: 50_000, money_hreshold: 0, ..ten_off() });
    let goods_only = give(&app, uid, RuleFields { scope: 1, refs: vec![7], money_hreshold: 0, ..ten_off() });
    let cat_discount = give(
        &app,
        uid,
        RuleFields { money_type: 1, money: 80, scope: 2, refs: vec![3], money_hreshold: 0, ..ten_off() },
    );
    let t = now();
    let lines = [line(7, Some(1), 3000), line(8, Some(3), 9000)];

    let d = |id: i64, lines: &[CouponLine]| {
        app.db.read_sync(|c| coupons::discount(c, uid, id, lines, t)).map_err(ApiError::from)
    };
    assert_eq!(d(all, &lines).unwrap(), 1000);
    assert_eq!(d(big, &lines).unwrap(), 12000, "capped at the order's amount");
    assert_eq!(d(goods_only, &lines).unwrap(), 1000);
    assert_eq!(d(goods_only, &[line(7, None, 600)]).unwrap(), 600, "capped at the in-scope amount");
    assert_eq!(d(cat_discount, &lines).unwrap(), 1800, "20% of the category's 90 元");
    let below = d(all, &[line(8, Some(3), 5000)]).unwrap_err();
    assert_eq!(below.code(), 20001, "{below:?}");
    assert!(below.msg().contains("100.00"));
    assert_eq!(d(goods_only, &[line(9, None, 5000)]).unwrap_err().code(), 20001);
    let not_mine =
        ApiError::from(app.db.read_sync(|c| coupons::discount(c, other, all, &lines, t)).unwrap_err());
    assert_eq!(not_mine.code(), 404);

    let usable = app.query(|c| coupons::usable(c, uid, &lines, t));
    let ids: Vec<i64> = usable.iter().map(|u| u.id).collect();
    assert_eq!(ids, vec![big, cat_discount, all, goods_only], "biggest discount first");
    assert_eq!(usable[0].discount_fen, 12000);
    let json = serde_json::to_value(&usable[1]).unwrap();
    assert_eq!(json["moneyType"], 1);
    assert_eq!(json["money"], 8.0);
    assert!(json.get("moneyHreshold").is_some() && json.get("name").is_some());
    let small = app.query(|c| coupons::usable(c, uid, &[line(8, Some(3), 5000)], t));
    assert!(small.iter().all(|u| u.id != all), "below the threshold is not offered");
}

fn status_of(app: &TestApp, id: i64) -> (i64, Option<i64>) {
    app.query(|c| {
        c.query_row("SELECT status, order_id FROM coupon_users WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    })
}

#[test]
fn a_coupon_locks_to_one_order_only_and_release_is_idempotent() {
    let app = TestApp::new();
    let (uid, _) = app.shopper("alice");
    let id = give(&app, uid, ten_off());
    let t = now();

    app.write(|c| coupons::lock(c, uid, id, 501, t));
    assert_eq!(status_of(&app, id), (1, Some(501)));
    let second = ApiError::from(app.db.write_sync(|c| coupons::lock(c, uid, id, 502, t)).unwrap_err());
    assert_eq!(second.code(), 20001, "{second:?}");
    assert_eq!(status_of(&app, id), (1, Some(501)), "the first order keeps it");

    app.write(|c| coupons::release(c, 501, t));
    app.write(|c| coupons::release(c, 501, t));
    assert_eq!(status_of(&app, id), (0, None));

    app.write(|c| coupons::lock(c, uid, id, 502, t));
    assert_eq!(app.write(|c| coupons::use_locked(c, 502, t)), 1);
    assert_eq!(status_of(&app, id).0, 2);
    app.write(|c| coupons::release(c, 502, t));
    assert_eq!(status_of(&app, id).0, 2, "releasing a paid order's coupon changes nothing");
    let used = ApiError::from(app.db.write_sync(|c| coupons::lock(c, uid, id, 503, t)).unwrap_err());
    assert_eq!(used.code(), 20001);
}

#[test]
fn racing_orders_lock_a_coupon_once() {
    let app = TestApp::new();
    let (uid, _) = app.shopper("alice");
    let id = give(&app, uid, ten_off());
    let t = now();
    let wins: usize = std::thread::scope(|s| {
        let hs: Vec<_> = (0..20)
            .map(|order| {
                let app = &app;
                s.spawn(move || app.db.write_sync(|c| coupons::lock(c, uid, id, 1000 + order, t)).is_ok())
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).filter(|ok| *ok).count()
    });
    assert_eq!(wins, 1);
}

#[test]
fn the_expiry_job_expires_ended_coupons_and_a_released_late_coupon_comes_back_expired() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("alice");
    let short = give(&app, uid, RuleFields { valid_type: 1, valid_days: 1, ..ten_off() });
    let locked = give(&app, uid, RuleFields { valid_type: 1, valid_days: 1, ..ten_off() });
    let long = give(&app, uid, ten_off());
    let t = now();
    app.write(|c| coupons::lock(c, uid, locked, 77, t));

    let n = xiaodian::jobs::coupons::run_once(&app.db, t + 2 * DAY).unwrap();
    assert_eq!(n, 1);
    assert_eq!(status_of(&app, short).0, 3);
    assert_eq!(status_of(&app, locked).0, 1, "an order in progress keeps its coupon");
    assert_eq!(status_of(&app, long).0, 0);
    assert_eq!(xiaodian::jobs::coupons::run_once(&app.db, t + 2 * DAY).unwrap(), 0, "nothing twice");

    app.write(|c| coupons::release(c, 77, t + 2 * DAY));
    assert_eq!(status_of(&app, locked), (3, None));
    let res = app.get(MY, &[("token", &token), ("status", "3")]);
    assert_eq!(res["data"].as_array().unwrap().len(), 2);
}

#[test]
fn a_shopper_gives_a_usable_coupon_to_another_by_id_or_mobile() {
    let app = TestApp::new();
    let (alice, a_token) = app.shopper("alice");
    let (bob, b_token) = app.new_shopper("bob").mobile("13900001111").create();
    let first = give(&app, alice, ten_off());
    let second = give(&app, alice, ten_off());

    let res = app.post(SEND, &[("token", &a_token), ("id", &first.to_string()), ("uid", &bob.to_string())]);
    assert_code(&res, 0);
    let res = app.post(SEND, &[("token", &a_token), ("id", &second.to_string()), ("mobile", "13900001111")]);
    assert_code(&res, 0);
    assert_code(&app.get(MY, &[("token", &a_token)]), 700);
    assert_eq!(app.get(MY, &[("token", &b_token)])["data"].as_array().unwrap().len(), 2);

    let res = app.post(SEND, &[("token", &a_token), ("id", &first.to_string()), ("uid", &bob.to_string())]);
    assert_code(&res, 404);
    let res = app.post(SEND, &[("token", &b_token), ("id", &first.to_string()), ("uid", &bob.to_string())]);
    assert_code(&res, 300);
    app.write(|c| coupons::lock(c, bob, first, 9, now()));
    let res = app.post(SEND, &[("token", &b_token), ("id", &first.to_string()), ("uid", &alice.to_string())]);
    assert_code(&res, 20001);
    let res = app.post(SEND, &[("token", &b_token), ("id", &second.to_string())]);
    assert_code(&res, 300);
    let res = app.post(SEND, &[("token", &b_token), ("id", &second.to_string()), ("mobile", "13000000000")]);
    assert_code(&res, 404);
}

#[test]
fn an_exchange_code_gives_one_coupon_once() {
    let app = TestApp::new();
    let (_, a_token) = app.shopper("alice");
    let (_, b_token) = app.shopper("bob");
    let rule = create_rule(&app, RuleFields { number_total: 0, ..ten_off() });
    app.write(|c| store::insert_code(c, rule, "C0001", "P123", now()));

    let res = app.post(EXCHANGE, &[("token", &a_token), ("number", "C0001"), ("pwd", "wrong")]);
    assert_code(&res, 300);
    let res = app.post(EXCHANGE, &[("token", &a_token), ("number", "C0001"), ("pwd", "P123")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["pid"], rule);
    assert_eq!(res["data"]["source"], "exchange");
    let res = app.post(EXCHANGE, &[("token", &b_token), ("number", "C0001"), ("pwd", "P123")]);
    assert_code(&res, 20001);
    assert!(res["msg"].as_str().unwrap().contains("已被使用"));
    assert_code(&app.get(MY, &[("token", &b_token)]), 700);
    assert_code(&app.post(EXCHANGE, &[("token", &b_token), ("number", "C0001")]), 300);
}

#[test]
fn merging_hands_in_exactly_the_listed_coupons_for_a_better_one() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("alice");
    assert_code(&app.get(MERGE_LIST, &[]), 700);
    let small = create_rule(&app, RuleFields { name: "小券".into(), ..ten_off() });
    let prize = create_rule(&app, RuleFields { name: "大券".into(), money: 5000, ..ten_off() });
    let merge_id = app.write(|c| store::insert_merge(c, "三张小券换大券", prize, &[(small, 3)], now()));
    let res = app.get(MERGE_LIST, &[]);
    assert_code(&res, 0);
    assert_eq!(res["data"][0]["name"], "三张小券换大券");
    assert_eq!(res["data"][0]["rules"][0]["number"], 3);
    assert_eq!(res["data"][0]["rules"][0]["couponId"], small);

    let held: Vec<i64> = (0..3)
        .map(|_| {
            app.write(|c| {
                let r = store::rule(c, small)?.unwrap();
                coupons::grant(c, &r, uid, "admin", now())
            })
        })
        .collect();
    let two = format!("{},{}", held[0], held[1]);
    let res = app.post(MERGE, &[("token", &token), ("mergeId", &merge_id.to_string()), ("couponIds", &two)]);
    assert_code(&res, 300);
    let all = format!("{},{},{}", held[0], held[1], held[2]);
    let res = app.post(MERGE, &[("token", &token), ("mergeId", &merge_id.to_string()), ("couponIds", &all)]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["name"], "大券");
    assert_eq!(res["data"]["money"], 50.0);
    let usable = app.get(MY, &[("token", &token), ("status", "0")]);
    assert_eq!(usable["data"].as_array().unwrap().len(), 1);
    let res = app.post(MERGE, &[("token", &token), ("mergeId", &merge_id.to_string()), ("couponIds", &all)]);
    assert_code(&res, 20001);
}

#[test]
fn coupon_detail_lists_what_a_scoped_rule_applies_to() {
    let app = TestApp::new();
    let id = create_rule(&app, RuleFields { scope: 2, refs: vec![5, 3], ..ten_off() });
    let res = app.get(DETAIL, &[("id", &id.to_string())]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["name"], "满100减10");
    assert_eq!(res["data"]["isRange"], true);
    assert_eq!(res["data"]["couponRefs"][0]["type"], 1);
    assert_eq!(res["data"]["couponRefs"][0]["refId"], 3);
    assert_eq!(res["data"]["couponRefs"].as_array().unwrap().len(), 2);
    assert_code(&app.get(DETAIL, &[("id", "424242")]), 404);
    assert_code(&app.get(DETAIL, &[]), 300);
}
