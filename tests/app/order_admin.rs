//! The merchant's side of orders: the console (list, filters, search, CSV, ship, price, address,
//! close, write-off, after-sales, packing slip) and the merchant API (/orders, /refunds), each
//! through HTTP, with the refusals that must change nothing.

use serde_json::{json, Value};
use xiaodian::db::unix_now;
use xiaodian::service::ledger::{self, Account, Source};
use xiaodian::service::orders::{self, RefundInput};

use crate::support::*;

const KEY: &str = "orders-key-123";

/// A goods without specs at `fen` with `stores` in stock.
fn goods(app: &TestApp, name: &str, fen: i64, stores: i64) -> i64 {
    app.goods().name(name).price(fen).stock(stores).pic("/uploads/a.png").create()
}

/// Places a delivery order through the shopper API (orderCreate); `hx` asks for a pick-up code.
fn place(app: &TestApp, token: &str, goods_id: i64, number: i64, mobile: &str, hx: bool) -> i64 {
    let goods = json!([{ "goodsId": goods_id, "number": number }]).to_string();
    let res = app.post(
        "/shop/order/create",
        &[
            ("token", token),
            ("goodsJsonStr", &goods),
            ("peisongType", "kd"),
            ("linkMan", "张三"),
            ("mobile", mobile),
            ("provinceId", "110000"),
            ("cityId", "110100"),
            ("districtId", "110101"),
            ("address", "长安街 1 号"),
            ("isCanHx", if hx { "true" } else { "false" }),
        ],
    );
    assert_code(&res, 0);
    res["data"]["id"].as_i64().unwrap_or_else(|| panic!("no order id: {res}"))
}

/// Tops the shopper's balance up and pays the order from it.
fn pay(app: &TestApp, user_id: i64, order_id: i64) {
    app.write(|c| {
        let due = xiaodian::db::order::order(c, order_id)?.unwrap().fields.amount_real;
        ledger::post(c, user_id, Account::Balance, due, "测试充值", Source::Admin, "test")?;
        orders::pay_from_balance(c, user_id, order_id, unix_now())
    });
}

fn apply_refund(app: &TestApp, user_id: i64, order_id: i64, amount: Option<i64>) -> i64 {
    let r = RefundInput { order_id, reason: "不想要了".into(), amount, ..RefundInput::default() };
    app.write(|c| orders::apply_refund(c, user_id, &r, unix_now()))
}

fn order_status(app: &TestApp, id: i64) -> i64 {
    app.query(|c| c.query_row("SELECT status FROM orders WHERE id = ?1", [id], |r| r.get(0)))
}

fn order_number(app: &TestApp, id: i64) -> String {
    app.query(|c| c.query_row("SELECT order_number FROM orders WHERE id = ?1", [id], |r| r.get(0)))
}

fn stores(app: &TestApp, goods_id: i64) -> i64 {
    app.query(|c| c.query_row("SELECT stores FROM goods WHERE id = ?1", [goods_id], |r| r.get(0)))
}

fn balance(app: &TestApp, user_id: i64) -> i64 {
    app.query(|c| ledger::accounts_of(c, user_id)).balance
}

fn refund_rows(app: &TestApp, refund_id: i64) -> i64 {
    app.query(|c| {
        c.query_row(
            "SELECT count(*) FROM ledger WHERE source_type = 'refund' AND source_id = ?1",
            [refund_id.to_string()],
            |r| r.get(0),
        )
    })
}

// ---- Console.

#[test]
fn the_console_list_filters_by_status_shopper_and_goods_searches_and_exports_what_it_shows() {
    let app = TestApp::new();
    let (alice, at) = app.shopper("爱丽丝");
    let (bob, bt) = app.shopper("鲍勃");
    app.set_mobile(bob, "13900000002");
    let tea = goods(&app, "龙井茶", 5000, 10);
    let cup = goods(&app, "青瓷杯", 1200, 10);
    let a1 = place(&app, &at, tea, 1, "13800000001", false);
    let a2 = place(&app, &at, cup, 2, "13800000009", false);
    let b1 = place(&app, &bt, cup, 1, "13700000003", false);
    pay(&app, alice, a1);
    let (n1, n2, n3) = (order_number(&app, a1), order_number(&app, a2), order_number(&app, b1));
    let mut b = Browser::staff(&app);

    let all = b.get("/admin/orders");
    assert_eq!(all.status, 200);
    all.assert_has(&n1)
        .assert_has(&n2)
        .assert_has(&n3)
        .assert_has("龙井茶×1")
        .assert_has("/admin/orders/export.csv");

    let paid = b.get("/admin/orders?status=1");
    paid.assert_has(&n1);
    assert!(!paid.body.contains(&n2) && !paid.body.contains(&n3), "{}", paid.body);

    let by_goods = b.get("/admin/orders?goods=%E9%9D%92%E7%93%B7"); // 青瓷
    by_goods.assert_has(&n2).assert_has(&n3);
    assert!(!by_goods.body.contains(&n1));
    let by_goods_id = b.get(&format!("/admin/orders?goods={tea}"));
    by_goods_id.assert_has(&n1);
    assert!(!by_goods_id.body.contains(&n2));

    let by_shopper = b.get("/admin/orders?shopper=%E9%B2%8D%E5%8B%83"); // 鲍勃
    by_shopper.assert_has(&n3);
    assert!(!by_shopper.body.contains(&n1) && !by_shopper.body.contains(&n2));

    let by_number = b.get(&format!("/admin/orders?q={n2}"));
    by_number.assert_has(&n2);
    assert!(!by_number.body.contains(&n1) && !by_number.body.contains(&n3));
    // The order's contact phone and the shopper's account phone both find it.
    let by_phone = b.get("/admin/orders?q=13800000009");
    by_phone.assert_has(&n2);
    assert!(!by_phone.body.contains(&n1));
    b.get("/admin/orders?q=13900000002").assert_has(&n3);

    let today = xiaodian::db::now_text()[..10].to_string();
    b.get(&format!("/admin/orders?from={today}&to={today}")).assert_has(&n1).assert_has(&n3);
    let none = b.get("/admin/orders?from=2020-01-01&to=2020-01-02");
    assert!(!none.body.contains(&n1));
    none.assert_has("没有符合条件的订单");
    let bad = b.get("/admin/orders?from=yesterday");
    assert_eq!(bad.status, 200);
    bad.assert_has("开始日期应为 YYYY-MM-DD");

    let (_, stranger) = app.get_raw("/admin/orders/export.csv", &[]);
    assert!(!String::from_utf8_lossy(&stranger).contains(&n1), "the export needs a session");
    let csv = b.get("/admin/orders/export.csv?goods=%E9%9D%92%E7%93%B7");
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with('\u{feff}'), "a BOM for Excel");
    assert!(csv.body.contains("\"订单号\""));
    assert!(csv.body.contains(&n2) && csv.body.contains(&n3) && !csv.body.contains(&n1), "{}", csv.body);
    assert_eq!(csv.body.lines().count(), 3, "a header and two orders: {}", csv.body);
}

#[test]
fn shipping_in_the_console_records_every_parcel_and_moves_a_paid_order_to_shipped() {
    let app = TestApp::new();
    let (alice, at) = app.shopper("爱丽丝");
    let tea = goods(&app, "龙井茶", 5000, 10);
    let unpaid = place(&app, &at, tea, 1, "13800000001", false);
    let paid = place(&app, &at, tea, 2, "13800000001", false);
    pay(&app, alice, paid);
    let mut b = Browser::staff(&app);

    let page = b.get(&format!("/admin/orders/{paid}"));
    page.assert_has("发货").assert_has("name=\"tracking\"").assert_has("龙井茶");
    let csrf = page.csrf();
    let res = b.post(
        &format!("/admin/orders/{paid}/ship"),
        &[
            ("csrf", &csrf),
            ("carrier", "顺丰速运"),
            ("tracking", "SF1234567890"),
            ("carrier", "中通快递"),
            ("tracking", "ZT-998877"),
            ("carrier", ""),
            ("tracking", ""),
        ],
    );
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(order_status(&app, paid), 2);
    let page = b.get(res.location());
    page.assert_has("已发货").assert_has("SF1234567890").assert_has("ZT-998877").assert_has("商家发货");
    let parcels: i64 = app.query(|c| {
        c.query_row("SELECT count(*) FROM order_logistics WHERE order_id = ?1", [paid], |r| r.get(0))
    });
    assert_eq!(parcels, 2);

    // An unpaid order cannot be shipped: the reason comes back and nothing is written.
    let res = b.post(
        &format!("/admin/orders/{unpaid}/ship"),
        &[("csrf", &csrf), ("carrier", "顺丰速运"), ("tracking", "SF1")],
    );
    assert_eq!(res.status, 303);
    b.get(res.location()).assert_has("订单待支付，不能发货");
    assert_eq!(order_status(&app, unpaid), 0);
    // A tracking number that is not one is refused by name.
    let res = b.post(
        &format!("/admin/orders/{paid}/ship"),
        &[("csrf", &csrf), ("carrier", "顺丰"), ("tracking", "<x>")],
    );
    b.get(res.location()).assert_has("trackingNumber");
}

#[test]
fn the_price_and_the_address_change_before_payment_and_not_after() {
    let app = TestApp::new();
    let (alice, at) = app.shopper("爱丽丝");
    let tea = goods(&app, "龙井茶", 5000, 10);
    let id = place(&app, &at, tea, 1, "13800000001", false);
    let mut b = Browser::staff(&app);
    let csrf = b.get(&format!("/admin/orders/{id}")).assert_has("修改价格").csrf();

    let res = b.post(&format!("/admin/orders/{id}/price"), &[("csrf", &csrf), ("amount", "38.8")]);
    assert_eq!(res.status, 303);
    b.get(res.location()).assert_has("价格已修改").assert_has("商家改价：¥50.00 → ¥38.80");
    let real: i64 =
        app.query(|c| c.query_row("SELECT amount_real FROM orders WHERE id = ?1", [id], |r| r.get(0)));
    assert_eq!(real, 3880);
    let res = b.post(&format!("/admin/orders/{id}/price"), &[("csrf", &csrf), ("amount", "-1")]);
    b.get(res.location()).assert_has("新价格应为");

    let res = b.post(
        &format!("/admin/orders/{id}/address"),
        &[
            ("csrf", &csrf),
            ("link_man", "李四"),
            ("mobile", "13600000006"),
            ("province_id", ""),
            ("city_id", ""),
            ("district_id", ""),
            ("address", "西湖路 8 号"),
            ("postcode", "310000"),
        ],
    );
    assert_eq!(res.status, 303);
    b.get(res.location()).assert_has("收货地址已修改").assert_has("西湖路 8 号");
    let res = b.post(
        &format!("/admin/orders/{id}/address"),
        &[
            ("csrf", &csrf),
            ("link_man", ""),
            ("mobile", "13600000006"),
            ("province_id", ""),
            ("city_id", ""),
            ("district_id", ""),
            ("address", "x"),
            ("postcode", ""),
        ],
    );
    b.get(res.location()).assert_has("请填写收货人");

    // Once paid (the changed price), neither can change.
    pay(&app, alice, id);
    let res = b.post(&format!("/admin/orders/{id}/price"), &[("csrf", &csrf), ("amount", "1")]);
    b.get(res.location()).assert_has("订单待发货，不能改价");
    let real: i64 =
        app.query(|c| c.query_row("SELECT amount_real FROM orders WHERE id = ?1", [id], |r| r.get(0)));
    assert_eq!(real, 3880);
    let page = b.get(&format!("/admin/orders/{id}"));
    assert!(!page.body.contains("修改价格") && !page.body.contains("修改地址"), "{}", page.body);
}

#[test]
fn closing_an_order_asks_first_needs_the_token_and_gives_the_stock_back_once() {
    let app = TestApp::new();
    let (_alice, at) = app.shopper("爱丽丝");
    let tea = goods(&app, "龙井茶", 5000, 10);
    let id = place(&app, &at, tea, 3, "13800000001", false);
    assert_eq!(stores(&app, tea), 7);
    let mut b = Browser::staff(&app);

    let ask = b.get(&format!("/admin/orders/{id}/close"));
    assert_eq!(ask.status, 200);
    ask.assert_has("确定要关闭订单").assert_has("确认关闭");
    assert_eq!(order_status(&app, id), 0, "asking changes nothing");

    let res = b.post(&format!("/admin/orders/{id}/close"), &[("csrf", "wrong")]);
    assert_eq!(res.status, 403);
    assert_eq!(order_status(&app, id), 0);

    let res = b.post(&format!("/admin/orders/{id}/close"), &[("csrf", &ask.csrf())]);
    assert_eq!(res.status, 303);
    b.get(res.location()).assert_has("订单已关闭").assert_has("商家关闭订单");
    assert_eq!(order_status(&app, id), -1);
    assert_eq!(stores(&app, tea), 10);

    let res = b.post(&format!("/admin/orders/{id}/close"), &[("csrf", &ask.csrf())]);
    b.get(res.location()).assert_has("订单已关闭，不能关闭");
    assert_eq!(stores(&app, tea), 10, "closing twice returns the stock once");
    assert_eq!(b.get("/admin/orders/999999/close").status, 404);
}

#[test]
fn a_pick_up_code_is_looked_up_shown_and_written_off_once() {
    let app = TestApp::new();
    let (alice, at) = app.login_wechat("code-alice");
    let tea = goods(&app, "龙井茶", 5000, 10);
    let id = place(&app, &at, tea, 1, "13800000001", true);
    pay(&app, alice, id);
    let hx: String =
        app.query(|c| c.query_row("SELECT hx_number FROM orders WHERE id = ?1", [id], |r| r.get(0)));
    let mut b = Browser::staff(&app);

    b.get("/admin/writeoff").assert_has("核销提货码");
    b.get("/admin/writeoff?hx=000").assert_has("核销码不存在");
    let page = b.get(&format!("/admin/writeoff?hx={hx}"));
    page.assert_has(&order_number(&app, id)).assert_has("龙井茶×1").assert_has(">确认核销</button>");
    assert_eq!(order_status(&app, id), 1, "looking up changes nothing");

    let res = b.post("/admin/writeoff", &[("csrf", &page.csrf()), ("hx", &hx)]);
    assert_eq!(res.status, 303);
    let after = b.get(res.location());
    after.assert_has("已核销").assert_has("订单待评价，不能核销");
    assert!(!after.body.contains(">确认核销</button>"), "{}", after.body);
    assert_eq!(order_status(&app, id), 3);

    let res = b.post("/admin/writeoff", &[("csrf", &page.csrf()), ("hx", &hx)]);
    b.get(res.location()).assert_has("不能核销");
}

#[test]
fn approving_a_refund_credits_the_balance_once_even_when_approved_twice() {
    let app = TestApp::new();
    let (alice, at) = app.shopper("爱丽丝");
    let tea = goods(&app, "龙井茶", 5000, 10);
    let id = place(&app, &at, tea, 1, "13800000001", false);
    pay(&app, alice, id);
    assert_eq!(balance(&app, alice), 0);
    let refund = apply_refund(&app, alice, id, Some(3000));
    let mut b = Browser::staff(&app);

    let queue = b.get("/admin/refunds");
    queue.assert_has(&order_number(&app, id)).assert_has("不想要了").assert_has("30.00").assert_has("待处理");
    queue.assert_has("微信原路退款");
    let ask = b.get(&format!("/admin/refunds/{refund}/approve"));
    ask.assert_has("退款 ¥30.00 到买家余额");
    assert_eq!(balance(&app, alice), 0, "asking refunds nothing");

    let res = b.post(&format!("/admin/refunds/{refund}/approve"), &[("csrf", &ask.csrf())]);
    assert_eq!(res.status, 303);
    b.get(res.location()).assert_has("已同意售后申请").assert_has("已完成");
    assert_eq!(balance(&app, alice), 3000);

    let res = b.post(&format!("/admin/refunds/{refund}/approve"), &[("csrf", &ask.csrf())]);
    b.get(res.location()).assert_has("售后申请已完成，不能再处理");
    assert_eq!(balance(&app, alice), 3000, "the second approval moves nothing");
    assert_eq!(refund_rows(&app, refund), 1);
    let reason: String = app
        .query(|c| c.query_row("SELECT reason FROM ledger WHERE source_type = 'refund'", [], |r| r.get(0)));
    assert!(reason.contains("售后退款"), "{reason}");
    assert!(app.query(ledger::check).is_empty(), "the ledger adds up");
    b.get(&format!("/admin/orders/{id}")).assert_has("退款 ¥30.00 至余额");

    // A rejection needs a reason and moves no money.
    let other = place(&app, &at, tea, 1, "13800000001", false);
    pay(&app, alice, other);
    let second = apply_refund(&app, alice, other, None);
    let before = balance(&app, alice);
    let res = b.post(&format!("/admin/refunds/{second}/reject"), &[("csrf", &ask.csrf()), ("remark", "")]);
    b.get(res.location()).assert_has("请填写拒绝原因");
    let res = b
        .post(&format!("/admin/refunds/{second}/reject"), &[("csrf", &ask.csrf()), ("remark", "商品已拆封")]);
    b.get(res.location()).assert_has("已拒绝售后申请").assert_has("商品已拆封");
    assert_eq!(balance(&app, alice), before);
}

#[test]
fn the_packing_slip_is_a_printable_page_of_the_order() {
    let app = TestApp::new();
    let (_alice, at) = app.shopper("爱丽丝");
    let tea = goods(&app, "龙井茶", 5000, 10);
    let id = place(&app, &at, tea, 2, "13800000001", false);
    let mut b = Browser::staff(&app);
    let slip = b.get(&format!("/admin/orders/{id}/slip"));
    assert_eq!(slip.status, 200);
    slip.assert_has("发货单")
        .assert_has(&order_number(&app, id))
        .assert_has("龙井茶")
        .assert_has("长安街 1 号");
    slip.assert_has("/admin/static/slip.css");
    let css = b.get("/admin/static/slip.css");
    assert_eq!(css.status, 200);
    assert!(css.body.contains("@media print"));
    assert_eq!(b.get("/admin/orders/999999/slip").status, 404);
}

// ---- Merchant API.

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

// ---- Returns, full refunds, rewards taken back.

/// Ships an order as the console does (one parcel).
fn ship_it(app: &TestApp, id: i64) {
    let p = xiaodian::service::order_admin::ParcelInput {
        carrier: "顺丰速运".into(),
        tracking_number: "SF0001".into(),
    };
    app.write(|c| {
        let parcels = xiaodian::service::order_admin::parcels(&[p])?;
        xiaodian::service::orders::ship(c, id, &parcels, unix_now())
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
    let exchange = app.write(|c| orders::apply_refund(c, alice, &r, unix_now()));
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
