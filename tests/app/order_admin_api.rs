//! The merchant's side of orders through the merchant API (/orders, /refunds): list, read, ship,
//! price, close and refunds, with the refusals that must change nothing.

use serde_json::json;

use crate::order_admin::{
    apply_refund, balance, goods, order_number, order_status, pay, place, refund_rows, stores, KEY,
};
use crate::support::*;

#[test]
fn merchant_api_lists_filters_and_reads_orders() {
    let app = TestApp::with_key(KEY);
    let (alice, at) = app.shopper("爱丽丝");
    let tea = goods(&app, "龙井茶", 5000, 10);
    let cup = goods(&app, "青瓷杯", 1200, 10);
    let a = place(&app, &at, tea, 1, "13800000001", false);
    let b = place(&app, &at, cup, 2, "13800000002", false);
    pay(&app, alice, a);

    let (status, all) = app.api("GET", "/orders", None);
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["total"], 2);
    assert_eq!(all["items"][0]["id"], b, "newest first");
    assert_eq!(all["items"][0]["statusStr"], "待支付");
    assert_eq!(all["items"][0]["amountReal"], 24.0);
    assert_eq!(all["items"][0]["nick"], "爱丽丝");

    let (_, paid) = app.api("GET", "/orders?status=1", None);
    assert_eq!(paid["total"], 1);
    assert_eq!(paid["items"][0]["id"], a);
    let (_, found) = app.api("GET", "/orders?search=13800000002", None);
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["id"], b);
    let (_, by_goods) = app.api("GET", &format!("/orders?goods={tea}&pageSize=1"), None);
    assert_eq!((by_goods["total"].as_i64(), by_goods["items"][0]["id"].as_i64()), (Some(1), Some(a)));

    let (status, one) = app.api("GET", &format!("/orders/{a}"), None);
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["orderNumber"], order_number(&app, a));
    assert_eq!(one["goods"][0]["goodsName"], "龙井茶");
    assert_eq!(one["goods"][0]["amount"], 50.0);
    assert_eq!(one["linkMan"], "张三");
    assert!(one["logs"].as_array().unwrap().iter().any(|e| e["type"] == "pay"), "{one}");

    refused(app.api("GET", "/orders/999999", None), 404, None);
    refused(app.api("GET", "/orders?status=9", None), 422, Some("status"));
    refused(app.api("GET", "/orders?dateFrom=2026-13-01", None), 422, Some("dateFrom"));
    refused(app.api("GET", "/orders?hasRefund=maybe", None), 422, Some("hasRefund"));
}

#[test]
fn merchant_api_ships_paid_orders_and_refuses_unpaid_ones() {
    let app = TestApp::with_key(KEY);
    let (alice, at) = app.shopper("爱丽丝");
    let tea = goods(&app, "龙井茶", 5000, 10);
    let unpaid = place(&app, &at, tea, 1, "13800000001", false);
    let paid = place(&app, &at, tea, 1, "13800000001", false);
    pay(&app, alice, paid);
    let parcel = json!({"carrier": "顺丰速运", "trackingNumber": "SF1234567890"});

    refused(app.api("POST", &format!("/orders/{unpaid}/ship"), Some(&parcel)), 409, None);
    assert_eq!(order_status(&app, unpaid), 0);
    refused(app.api("POST", "/orders/999999/ship", Some(&parcel)), 404, None);
    refused(
        app.api("POST", &format!("/orders/{paid}/ship"), Some(&json!({"carrier": "顺丰速运"}))),
        422,
        Some("trackingNumber"),
    );
    refused(
        app.api("POST", &format!("/orders/{paid}/ship"), Some(&json!({"carrier": "顺丰", "tracking": "1"}))),
        422,
        Some("tracking"),
    );
    assert_eq!(order_status(&app, paid), 1, "refusals write nothing");

    let (status, shipped) = app.api("POST", &format!("/orders/{paid}/ship"), Some(&parcel));
    assert_eq!(status, 200, "{shipped}");
    assert_eq!(shipped["status"], 2);
    assert_eq!(shipped["logistics"][0]["carrier"], "顺丰速运");
    assert_eq!(shipped["logistics"][0]["trackingNumber"], "SF1234567890");
    refused(app.api("POST", &format!("/orders/{paid}/ship"), Some(&parcel)), 409, None);
}

#[test]
fn merchant_api_changes_the_price_only_before_payment_and_closes_once() {
    let app = TestApp::with_key(KEY);
    let (alice, at) = app.shopper("爱丽丝");
    let tea = goods(&app, "龙井茶", 5000, 10);
    let id = place(&app, &at, tea, 2, "13800000001", false);

    let (status, changed) =
        app.api("POST", &format!("/orders/{id}/price"), Some(&json!({"amountRealFen": 8888})));
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["amountReal"], 88.88);
    assert!(changed["logs"].as_array().unwrap().iter().any(|e| e["type"] == "price"), "{changed}");
    refused(
        app.api("POST", &format!("/orders/{id}/price"), Some(&json!({"amountRealFen": -1}))),
        422,
        Some("amountRealFen"),
    );
    refused(
        app.api("POST", &format!("/orders/{id}/price"), Some(&json!({"amountReal": 1}))),
        422,
        Some("amountReal"),
    );
    refused(app.api("POST", "/orders/999999/price", Some(&json!({"amountRealFen": 1}))), 404, None);

    let other = place(&app, &at, tea, 1, "13800000001", false);
    pay(&app, alice, other);
    refused(
        app.api("POST", &format!("/orders/{other}/price"), Some(&json!({"amountRealFen": 1}))),
        409,
        None,
    );
    refused(app.api("POST", &format!("/orders/{other}/close"), None), 409, None);

    assert_eq!(stores(&app, tea), 7);
    let (status, closed) = app.api("POST", &format!("/orders/{id}/close"), None);
    assert_eq!(status, 200, "{closed}");
    assert_eq!(closed["status"], -1);
    assert_eq!(stores(&app, tea), 9);
    refused(app.api("POST", &format!("/orders/{id}/close"), None), 409, None);
    assert_eq!(stores(&app, tea), 9);
    refused(app.api("POST", "/orders/999999/close", None), 404, None);
}

#[test]
fn merchant_api_approves_refunds_to_the_balance_once_and_rejects_with_a_reason() {
    let app = TestApp::with_key(KEY);
    let (alice, at) = app.shopper("爱丽丝");
    let tea = goods(&app, "龙井茶", 5000, 10);
    let a = place(&app, &at, tea, 1, "13800000001", false);
    let b = place(&app, &at, tea, 1, "13800000001", false);
    pay(&app, alice, a);
    pay(&app, alice, b);
    let ra = apply_refund(&app, alice, a, None);
    let rb = apply_refund(&app, alice, b, Some(100));

    let (status, queue) = app.api("GET", "/refunds?status=0", None);
    assert_eq!(status, 200, "{queue}");
    assert_eq!(queue["total"], 2);
    assert_eq!(queue["items"][0]["statusStr"], "待处理");
    refused(app.api("GET", "/refunds?status=7", None), 422, Some("status"));

    let (status, done) = app.api("POST", &format!("/refunds/{ra}/approve"), None);
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["refund"]["status"], 4);
    assert_eq!(done["refunded"], 50.0);
    assert_eq!(done["balance"], 50.0);
    refused(app.api("POST", &format!("/refunds/{ra}/approve"), None), 409, None);
    assert_eq!(balance(&app, alice), 5000);
    assert_eq!(refund_rows(&app, ra), 1);

    refused(app.api("POST", &format!("/refunds/{rb}/reject"), Some(&json!({}))), 422, Some("remark"));
    let (status, rejected) =
        app.api("POST", &format!("/refunds/{rb}/reject"), Some(&json!({"remark": "超过售后期"})));
    assert_eq!(status, 200, "{rejected}");
    assert_eq!(rejected["refund"]["status"], 2);
    assert_eq!(rejected["refund"]["merchantRemark"], "超过售后期");
    refused(app.api("POST", &format!("/refunds/{rb}/approve"), None), 409, None);
    assert_eq!(balance(&app, alice), 5000);
    refused(app.api("POST", "/refunds/999999/approve", None), 404, None);
    refused(app.api("POST", "/refunds/999999/reject", Some(&json!({"remark": "x"}))), 404, None);
    let (_, order) = app.api("GET", &format!("/orders/{a}"), None);
    assert_eq!(order["refunds"][0]["status"], 4);
    assert_eq!(order["hasRefund"], true);
}
