//! Waiting for sold-out goods (goodsOutofstockRegistration): registering once however often, the
//! merchant's list, and the subscription message when the stock comes back.

use serde_json::json;

use crate::support::*;

const KEY: &str = "stock-notice-key";
const REGISTER: &str = "/shop/shop/goods/outofstockRegistration";

fn register(app: &TestApp, token: &str, goods: i64) -> serde_json::Value {
    app.post(REGISTER, &[("token", token), ("goodsId", &goods.to_string())])
}

fn status_of(app: &TestApp, id: i64) -> i64 {
    app.query(|c| c.query_row("SELECT status FROM stock_notices WHERE id = ?1", [id], |r| r.get(0)))
}

#[test]
fn a_waiting_shopper_is_told_once_when_the_goods_is_back() {
    let app = TestApp::with_key(KEY);
    app.map_event(
        "back_in_stock",
        "TPL_BACK",
        "pages/goods-details/index",
        vec![
            template_field("thing1", "商品", "goods_name", ""),
            template_field("phrase2", "状态", "status", ""),
        ],
    );
    let sold_out = app.goods().name("限量茶杯").price(3000).stock(0).create();
    let in_stock = app.goods().name("普通茶杯").price(1000).stock(5).create();
    let (uid, token) = app.login_wechat("code-waiting");

    let first = register(&app, &token, sold_out);
    assert_code(&first, 0);
    let id = first["data"]["id"].as_i64().unwrap();
    assert_eq!(register(&app, &token, sold_out)["data"]["id"], id, "registering twice is one registration");
    assert_eq!(app.count("stock_notices"), 1);
    assert_code(&register(&app, &token, in_stock), 403);
    assert_code(&register(&app, &token, 999_999), 404);
    assert_code(&app.post(REGISTER, &[("token", &token), ("goodsId", "abc")]), 300);
    assert_code(&app.post(REGISTER, &[("token", &token), ("goodsId", "-3")]), 300);
    assert_code(&app.post(REGISTER, &[("goodsId", &sold_out.to_string())]), 2000);

    // The merchant sees who waits for which goods.
    let (status, list) = app.api("GET", &format!("/stock-notices?goodsId={sold_out}"), None);
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["items"][0]["userId"], uid, "{list}");
    assert_eq!(list["items"][0]["status"], 0);
    let (_, other) = app.api("GET", &format!("/stock-notices?goodsId={in_stock}"), None);
    assert_eq!(other["total"], 0);
    let (status, _) = app.api("GET", "/stock-notices?status=7", None);
    assert_eq!(status, 422);

    // Still sold out: nothing is sent.
    let now = xiaodian::db::unix_now();
    assert_eq!(xiaodian::jobs::stock_notice::run_once(&app.db, now).unwrap(), 0);
    assert!(app.outbox().is_empty());
    let (status, body) = app.api("PUT", &format!("/goods/{sold_out}/stock"), Some(&json!({"add": 3})));
    assert_eq!(status, 200, "{body}");
    assert_eq!(xiaodian::jobs::stock_notice::run_once(&app.db, now).unwrap(), 1);
    assert_eq!(status_of(&app, id), 1);
    let queued = app.outbox();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].msg.user_id, uid);
    assert!(queued[0].msg.data.contains("限量茶杯"), "{}", queued[0].msg.data);
    assert_eq!(xiaodian::jobs::stock_notice::run_once(&app.db, now).unwrap(), 0, "told once");
    assert_eq!(app.outbox().len(), 1);
    let (_, told) = app.api("GET", "/stock-notices?status=1", None);
    assert_eq!(told["total"], 1);

    // Sold out again, the shopper may wait again.
    app.write(|c| c.execute("UPDATE goods SET stores = 0 WHERE id = ?1", [sold_out]));
    assert_eq!(register(&app, &token, sold_out)["data"]["id"], id);
    assert_eq!(status_of(&app, id), 0);
}
