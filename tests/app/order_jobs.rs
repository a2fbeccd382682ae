//! The order jobs, run directly (`run_once(db, now)`), and orders under concurrent load: the last
//! units of a SKU among 200 buyers, and the close job racing payments.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use serde_json::Value;
use xiaodian::jobs::{auto_review, close_unpaid, confirm_receipt};
use xiaodian::service::ledger::Account;

use crate::support::*;

const PAY: &str = "/shop/order/pay";
const DETAIL: &str = "/shop/order/detail";
const DAY: i64 = 86_400;

fn status_of(app: &TestApp, id: &str) -> i64 {
    app.query(|c| c.query_row("SELECT status FROM orders WHERE id = ?1", [id], |r| r.get(0)))
}

/// A form POST on its own HTTP client (a separate buyer).
fn post_alone(agent: &ureq::Agent, url: &str, form: &[(&str, &str)]) -> Value {
    let mut res = agent.post(url).send_form(form.iter().copied()).unwrap();
    serde_json::from_str(&res.body_mut().read_to_string().unwrap()).unwrap()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_mins(1)))
        .build()
        .into()
}

#[test]
fn unpaid_orders_close_at_their_deadline_and_give_their_stock_back_once() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    let tea = app.goods().name("龙井茶").price(1990).stock(5).create();
    let res = create(&app, &token, &one_line(tea, 2, ""), &[]);
    let id = res["data"]["id"].as_i64().unwrap().to_string();
    assert_eq!(app.goods_stores(tea), 3);

    assert_eq!(close_unpaid::run_once(&app.db, now() + 29 * 60).unwrap(), 0, "30 minutes by default");
    assert_eq!(close_unpaid::run_once(&app.db, now() + 31 * 60).unwrap(), 1);
    assert_eq!(status_of(&app, &id), -1);
    assert_eq!(app.goods_stores(tea), 5);
    assert_eq!(close_unpaid::run_once(&app.db, now() + 62 * 60).unwrap(), 0);
    assert_eq!(app.goods_stores(tea), 5, "a second run returns nothing again");
    let detail = app.get(DETAIL, &[("token", &token), ("id", &id)]);
    assert_eq!(detail["data"]["orderInfo"]["closeReason"], "超时未支付，系统自动关闭");

    app.set_setting("orderCloseMinutes", "5");
    let res = create(&app, &token, &one_line(tea, 1, ""), &[]);
    let id = res["data"]["id"].as_i64().unwrap().to_string();
    assert_eq!(close_unpaid::run_once(&app.db, now() + 6 * 60).unwrap(), 1);
    assert_eq!(status_of(&app, &id), -1);
}

#[test]
fn shipped_orders_are_received_and_then_reviewed_after_the_set_days() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("alice");
    let tea = app.goods().name("龙井茶").price(1990).stock(5).create();
    app.credit(uid, Account::Balance, 10_000);
    let res = create(&app, &token, &one_line(tea, 1, ""), &[]);
    let id = res["data"]["id"].as_i64().unwrap().to_string();
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &id)]), 0);
    ship(&app, &id);
    assert_eq!(confirm_receipt::run_once(&app.db, now() + 6 * DAY).unwrap(), 0);
    assert_eq!(confirm_receipt::run_once(&app.db, now() + 7 * DAY + 60).unwrap(), 1);
    assert_eq!(status_of(&app, &id), 3);
    let received_at = now() + 7 * DAY + 60;
    app.set_setting("orderAutoReviewDays", "2");
    assert_eq!(auto_review::run_once(&app.db, received_at + DAY).unwrap(), 0);
    assert_eq!(auto_review::run_once(&app.db, received_at + 2 * DAY + 60).unwrap(), 1);
    assert_eq!(status_of(&app, &id), 4);
    let (n, good): (i64, i64) = app.query(|c| {
        c.query_row("SELECT number_reputation, number_good_reputation FROM goods WHERE id = ?1", [tea], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    });
    assert_eq!((n, good), (1, 1));
    assert_eq!(auto_review::run_once(&app.db, received_at + 30 * DAY).unwrap(), 0);
}

#[test]
fn two_hundred_buyers_for_the_last_ten_units_make_exactly_ten_orders() {
    let app = TestApp::new();
    let shirt = app.add_goods(tee("T恤"));
    let key = app.tee_key(shirt, "蓝", "L");
    app.set_sku_stock(shirt, &key, 10);
    let json = Arc::new(one_line(shirt, 1, &key));
    let url = Arc::new(app.url("/shop/order/create"));
    let start = Arc::new(Barrier::new(200));
    let tokens: Vec<String> = (0..200).map(|i| app.shopper(&format!("buyer{i}")).1).collect();
    let threads: Vec<_> = tokens
        .into_iter()
        .map(|token| {
            let (json, url, start) = (json.clone(), url.clone(), start.clone());
            std::thread::spawn(move || {
                let agent = agent();
                start.wait();
                let form = [
                    ("token", token.as_str()),
                    ("goodsJsonStr", json.as_str()),
                    ("peisongType", "kd"),
                    ("linkMan", "张三"),
                    ("mobile", "13800138000"),
                    ("provinceId", "440000"),
                    ("cityId", "440300"),
                    ("address", "科技园"),
                ];
                post_alone(&agent, &url, &form)["code"].as_i64().unwrap()
            })
        })
        .collect();
    let codes: Vec<i64> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let ok = codes.iter().filter(|&&c| c == 0).count();
    let short = codes.iter().filter(|&&c| c == 30003).count();
    assert_eq!(ok, 10, "{codes:?}");
    assert_eq!(short, 190, "{codes:?}");
    assert_eq!(app.sku_stores(shirt, &key), 0);
    let orders: i64 = app.query(|c| c.query_row("SELECT count(*) FROM orders", [], |r| r.get(0)));
    assert_eq!(orders, 10);
    let sold: i64 = app.query(|c| c.query_row("SELECT sum(number) FROM order_goods", [], |r| r.get(0)));
    assert_eq!(sold, 10);
}

#[test]
fn the_close_job_racing_payments_never_closes_a_paid_order() {
    let app = TestApp::new();
    let tea = app.goods().name("龙井茶").price(1990).stock(100).create();
    let mut buyers = Vec::new();
    for i in 0..40 {
        let (uid, token) = app.shopper(&format!("buyer{i}"));
        app.credit(uid, Account::Balance, 1990);
        let res = create(&app, &token, &one_line(tea, 1, ""), &[]);
        buyers.push((uid, token, res["data"]["id"].as_i64().unwrap().to_string()));
    }
    assert_eq!(app.goods_stores(tea), 60);
    let pay_url = Arc::new(app.url(PAY));
    let start = Arc::new(Barrier::new(buyers.len() + 1));
    let payers: Vec<_> = buyers
        .iter()
        .map(|(_, token, id)| {
            let (url, start, token, id) = (pay_url.clone(), start.clone(), token.clone(), id.clone());
            std::thread::spawn(move || {
                let agent = agent();
                start.wait();
                post_alone(&agent, &url, &[("token", &token), ("orderId", &id)])["code"].as_i64().unwrap()
            })
        })
        .collect();
    start.wait();
    let mut closed = 0;
    for _ in 0..20 {
        closed += close_unpaid::run_once(&app.db, now() + 3600).unwrap();
    }
    let codes: Vec<i64> = payers.into_iter().map(|t| t.join().unwrap()).collect();
    closed += close_unpaid::run_once(&app.db, now() + 3600).unwrap();

    let mut paid = 0;
    for ((uid, _, id), code) in buyers.iter().zip(&codes) {
        let status = status_of(&app, id);
        let balance = app.account(*uid).balance;
        match status {
            1 => {
                assert_eq!(*code, 0, "order {id} paid but the payment answered {code}");
                assert_eq!(balance, 0);
                paid += 1;
            }
            -1 => {
                assert_eq!(*code, 403, "order {id} closed but the payment answered {code}");
                assert_eq!(balance, 1990, "a closed order's shopper keeps their money");
            }
            other => panic!("order {id} left in status {other}"),
        }
    }
    assert_eq!(paid + closed, buyers.len());
    assert_eq!(app.goods_stores(tea), 100 - paid as i64, "stock held by paid orders only");
}
