//! Returns, full refunds, rewards taken back: after-sales in the console and the merchant API,
//! through HTTP.

use serde_json::{json, Value};
use xiaodian::db::unix_now;
use xiaodian::service::ledger::{self, Account, Source};
use xiaodian::service::order::{self, RefundInput};

use crate::order_admin::{apply_refund, balance, goods, order_status, pay, place, refund_rows, stores, KEY};
use crate::support::*;

/// Ships an order as the console does (one parcel).
fn ship_it(app: &TestApp, id: i64) {
    let p = xiaodian::service::order_admin::ParcelInput {
        carrier: "顺丰速运".into(),
        tracking_number: "SF0001".into(),
    };
    app.write(|c| {
        let parcels = xiaodian::service::order_admin::parcels(&[p])?;
        xiaodian::service::order::ship(c, id, &parcels, unix_now())
    });
}

/// The shopper asks for a return of `number` pieces (0 = the whole order) through refundApply.
fn ask_return(app: &TestApp, token: &str, order_id: i64, number: i64) -> i64 {
    let id = order_id.to_string();
    let line = app.get("/shop/order/detail", &[("token", token), ("id", &id)])["data"]["goods"][0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let n = number.to_string();
    let mut form = vec![("token", token), ("orderId", id.as_str()), ("type", "1"), ("reason", "尺码不合适")];
    if number > 0 {
        form.extend_from_slice(&[("orderGoodsId", line.as_str()), ("number", n.as_str())]);
    }
    let res = app.post("/shop/order/refundApply/apply", &form);
    assert_code(&res, 0);
    res["data"].as_i64().unwrap()
}

/// The shopper's view of their request (refundApplyDetail's `baseInfo`).
fn shopper_view(app: &TestApp, token: &str, order_id: i64, refund: i64) -> Value {
    let info =
        app.get("/shop/order/refundApply/info", &[("token", token), ("orderId", &order_id.to_string())]);
    assert_code(&info, 0);
    info["data"].as_array().unwrap().iter().find(|r| r["baseInfo"]["id"] == refund).unwrap()["baseInfo"]
        .clone()
}

fn send_back(app: &TestApp, token: &str, order_id: i64, refund: i64) -> Value {
    app.post(
        "/shop/order/refundApply/setBackLogistics",
        &[
            ("token", token),
            ("orderId", &order_id.to_string()),
            ("applyId", &refund.to_string()),
            ("shipperName", "中通快递"),
            ("trackingNumber", "ZT7788990011"),
        ],
    )
}

fn refund_status_of(app: &TestApp, refund: i64) -> i64 {
    app.query(|c| c.query_row("SELECT status FROM order_refunds WHERE id = ?1", [refund], |r| r.get(0)))
}

#[test]
fn a_return_and_refund_waits_for_the_goods_then_restocks_if_chosen_and_refunds_in_the_console() {
    let app = TestApp::new();
    let (alice, at) = app.shopper("爱丽丝");
    let tea = goods(&app, "龙井茶", 5000, 10);
    let id = place(&app, &at, tea, 2, "13800000001", false);
    pay(&app, alice, id);
    ship_it(&app, id);
    assert_eq!(stores(&app, tea), 8);
    let refund = ask_return(&app, &at, id, 1);
    let mut b = Browser::staff(&app);

    let ask = b.get(&format!("/admin/refunds/{refund}/approve"));
    ask.assert_has("退货寄回地址").assert_has("name=\"link_man\"");
    // Approving a return without an address is refused and changes nothing.
    let res = b.post(&format!("/admin/refunds/{refund}/approve"), &[("csrf", &ask.csrf())]);
    b.get(res.location()).assert_has("linkMan");
    assert_eq!(refund_status_of(&app, refund), 0);
    let res = b.post(
        &format!("/admin/refunds/{refund}/approve"),
        &[
            ("csrf", &ask.csrf()),
            ("link_man", "售后部"),
            ("mobile", "0571-88880000"),
            ("address", "杭州市西湖区文三路 1 号"),
        ],
    );
    b.get(res.location()).assert_has("已同意售后申请").assert_has("待买家寄回").assert_has("文三路 1 号");
    assert_eq!(balance(&app, alice), 0, "no money before the goods are back");
    let view = shopper_view(&app, &at, id, refund);
    assert_eq!((view["status"].as_i64(), view["status2"].as_i64()), (Some(3), Some(1)));
    assert_eq!(view["statusStr"], "待买家寄回");
    let content: Value = serde_json::from_str(view["logisticsContent"].as_str().unwrap()).unwrap();
    assert_eq!(content["address"], "杭州市西湖区文三路 1 号");
    // The next return's form offers the address given last.
    b.get(&format!("/admin/refunds/{refund}/approve")).assert_has("售后部");

    // No receipt before the shopper sent the parcel.
    let page = b.get(&format!("/admin/refunds/{refund}/receive"));
    let res =
        b.post(&format!("/admin/refunds/{refund}/receive"), &[("csrf", &page.csrf()), ("restock", "1")]);
    b.get(res.location()).assert_has("尚未填写寄回快递单号");
    assert_eq!((balance(&app, alice), stores(&app, tea)), (0, 8));

    assert_code(&send_back(&app, &at, id, refund), 0);
    b.get("/admin/refunds")
        .assert_has("确认收货…")
        .assert_has("中通快递 ZT7788990011")
        .assert_has("待商家收货");
    let page = b.get(&format!("/admin/refunds/{refund}/receive"));
    page.assert_has("ZT7788990011").assert_has("¥50.00");
    let res = b.post(&format!("/admin/refunds/{refund}/receive"), &[("csrf", &page.csrf())]);
    b.get(res.location()).assert_has("请选择退货是否入库");
    let res =
        b.post(&format!("/admin/refunds/{refund}/receive"), &[("csrf", &page.csrf()), ("restock", "1")]);
    b.get(res.location()).assert_has("已确认收货，退货已入库并退款").assert_has("退货已入库");
    assert_eq!(stores(&app, tea), 9, "the one piece sent back is in stock again");
    assert_eq!(balance(&app, alice), 5000);
    let view = shopper_view(&app, &at, id, refund);
    assert_eq!((view["status"].as_i64(), view["statusStr"].as_str()), (Some(4), Some("已收货退款")));
    assert!(!view["dateReceived"].as_str().unwrap().is_empty());

    // Again: refused, nothing moves twice.
    let res =
        b.post(&format!("/admin/refunds/{refund}/receive"), &[("csrf", &page.csrf()), ("restock", "1")]);
    b.get(res.location()).assert_has("不能再处理");
    assert_eq!((balance(&app, alice), stores(&app, tea)), (5000, 9));
    assert_eq!(refund_rows(&app, refund), 1);
    assert_eq!(order_status(&app, id), 2, "half the order is still the shopper's");
    assert!(app.query(ledger::check).is_empty());
    b.get(&format!("/admin/orders/{id}")).assert_has("商家确认收到退货，1 件已入库");
}

#[test]
fn merchant_api_approves_a_return_with_an_address_and_receives_it_without_restocking() {
    let app = TestApp::with_key(KEY);
    let (alice, at) = app.shopper("爱丽丝");
    let tea = goods(&app, "龙井茶", 5000, 10);
    let id = place(&app, &at, tea, 1, "13800000001", false);
    pay(&app, alice, id);
    ship_it(&app, id);
    let refund = ask_return(&app, &at, id, 0);
    refused(app.api("POST", &format!("/refunds/{refund}/approve"), None), 422, Some("returnAddress"));
    let bad = json!({"returnAddress": {"linkMan": "售后部", "mobile": "电话", "address": "文三路 1 号"}});
    refused(app.api("POST", &format!("/refunds/{refund}/approve"), Some(&bad)), 422, Some("mobile"));
    assert_eq!(refund_status_of(&app, refund), 0);
    let body =
        json!({"returnAddress": {"linkMan": "售后部", "mobile": "0571-88880000", "address": "文三路 1 号"}});
    let (status, approved) = app.api("POST", &format!("/refunds/{refund}/approve"), Some(&body));
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["refund"]["status"], 3);
    assert_eq!(approved["refund"]["returnStage"], 1);
    assert_eq!(approved["refund"]["returnAddress"]["linkMan"], "售后部");
    assert_eq!(approved["refunded"], 0.0);
    let again = app.api("POST", &format!("/refunds/{refund}/approve"), Some(&body));
    refused(again, 409, None);

    let receive = |restock: Option<bool>| {
        let body = match restock {
            Some(r) => json!({ "restock": r }),
            None => json!({}),
        };
        app.api("POST", &format!("/refunds/{refund}/receive"), Some(&body))
    };
    refused(receive(None), 422, Some("restock"));
    let early = receive(Some(false));
    assert_eq!(early.0, 409, "{}", early.1);
    assert!(early.1["error"].as_str().unwrap().contains("寄回快递单号"), "{}", early.1);
    assert_code(&send_back(&app, &at, id, refund), 0);
    let (status, done) = receive(Some(false));
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["refund"]["status"], 4);
    assert_eq!(done["refund"]["restocked"], false);
    assert_eq!(done["refund"]["backTrackingNumber"], "ZT7788990011");
    assert_eq!(done["refunded"], 50.0);
    assert_eq!(done["orderClosed"], true, "the whole order came back");
    assert_eq!(stores(&app, tea), 9, "not restocked");
    refused(receive(Some(true)), 409, None);
    assert_eq!((balance(&app, alice), stores(&app, tea)), (5000, 9));
    let (_, order) = app.api("GET", &format!("/orders/{id}"), None);
    assert_eq!(order["status"], -1);
    // A refund only has no goods to receive.
    let other = place(&app, &at, tea, 1, "13800000001", false);
    pay(&app, alice, other);
    let plain = apply_refund(&app, alice, other, Some(100));
    refused(
        app.api("POST", &format!("/refunds/{plain}/receive"), Some(&json!({"restock": true}))),
        409,
        None,
    );
}

#[test]
fn a_fully_refunded_order_is_closed_and_gives_back_its_points_and_unshipped_stock_a_partly_refunded_one_stays(
) {
    let app = TestApp::new();
    app.set_setting("scoreDeductionPerYuan", "100");
    let (alice, at) = app.shopper("爱丽丝");
    app.credit(alice, Account::Score, 500);
    let tea = goods(&app, "龙井茶", 5000, 10);
    let goods_json = json!([{ "goodsId": tea, "number": 2 }]).to_string();
    let res = app.post(
        "/shop/order/create",
        &[
            ("token", &at),
            ("goodsJsonStr", &goods_json),
            ("peisongType", "kd"),
            ("linkMan", "张三"),
            ("mobile", "13800000001"),
            ("provinceId", "110000"),
            ("cityId", "110100"),
            ("districtId", "110101"),
            ("address", "长安街 1 号"),
            ("deductionScore", "300"),
        ],
    );
    assert_code(&res, 0);
    let id = res["data"]["id"].as_i64().unwrap();
    pay(&app, alice, id);
    assert_eq!((app.account(alice).score, stores(&app, tea)), (200, 8));

    let part = apply_refund(&app, alice, id, Some(4000));
    app.write(|c| xiaodian::service::order_admin::approve_refund(c, part, "", None, unix_now()));
    assert_eq!(order_status(&app, id), 1, "a partial refund leaves the order open");
    assert_eq!(stores(&app, tea), 8);

    let rest = apply_refund(&app, alice, id, None);
    let d = app.write(|c| xiaodian::service::order_admin::approve_refund(c, rest, "", None, unix_now()));
    assert_eq!(d.refunded, 10_000 - 300 - 4000);
    assert!(d.order_closed);
    let detail = app.get("/shop/order/detail", &[("token", &at), ("id", &id.to_string())]);
    assert_eq!(detail["data"]["orderInfo"]["status"], -1);
    assert_eq!(detail["data"]["orderInfo"]["closeReason"], "订单已全额退款");
    assert_eq!(detail["data"]["goods"][0]["afterSale"], "");
    assert_eq!(balance(&app, alice), 9700, "all the money");
    assert_eq!(app.account(alice).score, 500, "and the points spent to lower the price");
    assert_eq!(stores(&app, tea), 10, "never shipped: the goods are still in the shop");
    assert_code(
        &app.post(
            "/shop/order/refundApply/apply",
            &[("token", &at), ("orderId", &id.to_string()), ("reason", "x")],
        ),
        403,
    );
    assert!(app.query(ledger::check).is_empty());

    // A shipped order fully refunded closes too, but its goods are with the shopper.
    let shipped = place(&app, &at, tea, 1, "13800000001", false);
    pay(&app, alice, shipped);
    ship_it(&app, shipped);
    let all = apply_refund(&app, alice, shipped, None);
    app.write(|c| xiaodian::service::order_admin::approve_refund(c, all, "", None, unix_now()));
    assert_eq!(order_status(&app, shipped), -1);
    assert_eq!(stores(&app, tea), 9);
}

#[test]
fn points_given_for_an_order_are_taken_back_in_proportion_and_what_was_spent_is_recorded() {
    let app = TestApp::new();
    app.set_setting("scorePerYuanSpent", "2");
    let (alice, at) = app.shopper("爱丽丝");
    let tea = goods(&app, "龙井茶", 10_000, 10);
    let id = place(&app, &at, tea, 1, "13800000001", false);
    pay(&app, alice, id);
    ship_it(&app, id);
    assert_code(&app.post("/shop/order/delivery", &[("token", &at), ("orderId", &id.to_string())]), 0);
    assert_eq!(app.account(alice).score, 200, "2 points a yuan on receipt");
    // Growth given for the same order goes back the same way.
    app.write(|c| {
        ledger::post(c, alice, Account::Growth, 50, "订单成长值", Source::OrderReward, &id.to_string())
    });

    let first = apply_refund(&app, alice, id, Some(3000));
    let d = app.write(|c| xiaodian::service::order_admin::approve_refund(c, first, "", None, unix_now()));
    assert_eq!(d.refund.score_back, 60, "30% of the points");
    assert_eq!(d.refund.growth_back, 15);
    assert_eq!((app.account(alice).score, app.account(alice).growth), (140, 35));
    let reason: String = app.query(|c| {
        c.query_row(
            "SELECT reason FROM ledger WHERE source_type = 'refund' AND account = 'score' AND source_id = ?1",
            [first.to_string()],
            |r| r.get(0),
        )
    });
    assert!(reason.contains("扣回"), "{reason}");

    // The shopper spends most of the rest before the second refund.
    app.write(|c| xiaodian::service::points::adjust(c, alice, Account::Score, -130, "兑换礼品"));
    let second = apply_refund(&app, alice, id, None);
    let mut b = Browser::staff(&app);
    let ask = b.get(&format!("/admin/refunds/{second}/approve"));
    let res = b.post(&format!("/admin/refunds/{second}/approve"), &[("csrf", &ask.csrf())]);
    b.get(res.location()).assert_has("订单已全额退款并关闭").assert_has("积分已被使用，130 未能扣回");
    let r = app.query(|c| xiaodian::db::order::refund(c, second)).unwrap();
    assert_eq!((r.score_back, r.score_back_short), (10, 130), "the rest of the 140 due: 10 there, 130 spent");
    assert_eq!((r.growth_back, r.growth_back_short), (35, 0));
    assert_eq!((app.account(alice).score, app.account(alice).growth), (0, 0), "never below zero");
    assert!(app.query(ledger::check).is_empty(), "the ledger adds up");
    assert!(app.query(xiaodian::service::audit::run_checks).is_empty(), "xiaodian check is clean");
    b.get(&format!("/admin/orders/{id}")).assert_has("扣回赠送的积分 10");
}

#[test]
fn an_exchange_moves_no_money_and_does_not_count_as_refunded() {
    let app = TestApp::new();
    let (alice, at) = app.shopper("爱丽丝");
    let tea = goods(&app, "龙井茶", 5000, 10);
    let id = place(&app, &at, tea, 1, "13800000001", false);
    pay(&app, alice, id);
    ship_it(&app, id);
    let r = RefundInput {
        order_id: id,
        kind: 2,
        reason: "换一盒".into(),
        amount: Some(5000),
        ..Default::default()
    };
    let exchange = app.write(|c| order::apply_refund(c, alice, &r, unix_now()));
    let d = app.write(|c| xiaodian::service::order_admin::approve_refund(c, exchange, "", None, unix_now()));
    assert_eq!((d.refunded, d.order_closed), (0, false));
    assert_eq!(order_status(&app, id), 2);
    let refund = apply_refund(&app, alice, id, None);
    let d = app.write(|c| xiaodian::service::order_admin::approve_refund(c, refund, "", None, unix_now()));
    assert_eq!(d.refunded, 5000, "the exchange gave nothing back, so all 50 元 may still be refunded");
    assert_eq!(order_status(&app, id), -1);
}

#[test]
fn two_receipts_of_one_return_at_once_refund_and_restock_once() {
    use std::sync::{Arc, Barrier};
    let app = TestApp::with_key(KEY);
    let (alice, at) = app.shopper("爱丽丝");
    let tea = goods(&app, "龙井茶", 5000, 10);
    let id = place(&app, &at, tea, 1, "13800000001", false);
    pay(&app, alice, id);
    ship_it(&app, id);
    let refund = ask_return(&app, &at, id, 0);
    let body =
        json!({"returnAddress": {"linkMan": "售后部", "mobile": "0571-88880000", "address": "文三路 1 号"}});
    assert_eq!(app.api("POST", &format!("/refunds/{refund}/approve"), Some(&body)).0, 200);
    assert_code(&send_back(&app, &at, id, refund), 0);
    let start = Arc::new(Barrier::new(8));
    let codes: Vec<u16> = std::thread::scope(|s| {
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let start = start.clone();
                let app = &app;
                s.spawn(move || {
                    start.wait();
                    app.api("POST", &format!("/refunds/{refund}/receive"), Some(&json!({"restock": true}))).0
                })
            })
            .collect();
        calls.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(codes.iter().filter(|&&c| c == 200).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|&&c| c == 409).count(), 7, "{codes:?}");
    assert_eq!(balance(&app, alice), 5000, "refunded once");
    assert_eq!(stores(&app, tea), 10, "restocked once");
    assert_eq!(refund_rows(&app, refund), 1);
    assert_eq!(order_status(&app, id), -1);
    assert!(app.query(ledger::check).is_empty());
}
