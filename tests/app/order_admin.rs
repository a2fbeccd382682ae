//! The merchant's side of orders in the console: list, filters, search, CSV, ship, price, address,
//! close, write-off, after-sales, packing slip, each through HTTP, with the refusals that must
//! change nothing. The order helpers here serve the merchant API's and the returns' tests too.

use serde_json::json;
use xiaodian::db::unix_now;
use xiaodian::service::ledger::{self, Account, Source};
use xiaodian::service::order::{self, RefundInput};

use crate::support::*;

pub(crate) const KEY: &str = "orders-key-123";

/// A goods without specs at `fen` with `stores` in stock.
pub(crate) fn goods(app: &TestApp, name: &str, fen: i64, stores: i64) -> i64 {
    app.goods().name(name).price(fen).stock(stores).pic("/uploads/a.png").create()
}

/// Places a delivery order through the shopper API (orderCreate); `hx` asks for a pick-up code.
pub(crate) fn place(app: &TestApp, token: &str, goods_id: i64, number: i64, mobile: &str, hx: bool) -> i64 {
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
pub(crate) fn pay(app: &TestApp, user_id: i64, order_id: i64) {
    app.write(|c| {
        let due = xiaodian::db::order::order(c, order_id)?.unwrap().fields.amount_real;
        ledger::post(c, user_id, Account::Balance, due, "测试充值", Source::Admin, "test")?;
        order::pay_from_balance(c, user_id, order_id, unix_now())
    });
}

pub(crate) fn apply_refund(app: &TestApp, user_id: i64, order_id: i64, amount: Option<i64>) -> i64 {
    let r = RefundInput { order_id, reason: "不想要了".into(), amount, ..RefundInput::default() };
    app.write(|c| order::apply_refund(c, user_id, &r, unix_now()))
}

pub(crate) fn order_status(app: &TestApp, id: i64) -> i64 {
    app.query(|c| c.query_row("SELECT status FROM orders WHERE id = ?1", [id], |r| r.get(0)))
}

pub(crate) fn order_number(app: &TestApp, id: i64) -> String {
    app.query(|c| c.query_row("SELECT order_number FROM orders WHERE id = ?1", [id], |r| r.get(0)))
}

pub(crate) fn stores(app: &TestApp, goods_id: i64) -> i64 {
    app.query(|c| c.query_row("SELECT stores FROM goods WHERE id = ?1", [goods_id], |r| r.get(0)))
}

pub(crate) fn balance(app: &TestApp, user_id: i64) -> i64 {
    app.query(|c| ledger::accounts_of(c, user_id)).balance
}

pub(crate) fn refund_rows(app: &TestApp, refund_id: i64) -> i64 {
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

#[test]
fn the_order_page_slip_and_export_show_the_whole_address_the_price_change_and_how_it_was_paid() {
    let app = TestApp::new();
    let (alice, at) = app.shopper("爱丽丝");
    let tea = goods(&app, "龙井茶", 5000, 10);
    let id = place(&app, &at, tea, 1, "13800000001", false);
    let mut b = Browser::staff(&app);
    let page = b.get(&format!("/admin/orders/{id}"));
    page.assert_has("北京市 东城区 长安街 1 号");
    assert!(!page.body.contains("商家改价"), "no change yet");
    // The pickers hold the order's regions by name, and list a province's cities on demand.
    page.assert_has(r#"<option value="110101" selected>东城区</option>"#);
    let cities = b.get("/admin/regions/330000");
    assert_eq!(cities.status, 200);
    cities.assert_has(r#"{"id":"330100","name":"杭州市"}"#);
    assert_eq!(b.get("/admin/regions/999999").body, "[]");

    let csrf = page.csrf();
    b.post(&format!("/admin/orders/{id}/price"), &[("csrf", &csrf), ("amount", "38.8")]);
    b.get(&format!("/admin/orders/{id}")).assert_has("商家改价").assert_has("−¥11.20");
    pay(&app, alice, id);
    b.get(&format!("/admin/orders/{id}")).assert_has("余额支付 ¥38.80");
    b.get(&format!("/admin/orders/{id}/slip")).assert_has("北京市 东城区 长安街 1 号");
    b.get("/admin/orders/export.csv").assert_has("北京市 东城区 长安街 1 号");
}

#[test]
fn the_dashboard_counts_the_open_work_and_todays_sales_and_links_each_figure_to_its_list() {
    let app = TestApp::new();
    let (alice, at) = app.shopper("爱丽丝");
    let tea = goods(&app, "龙井茶", 5000, 3);
    let paid = place(&app, &at, tea, 1, "13800000001", false);
    pay(&app, alice, paid);
    place(&app, &at, tea, 1, "13800000001", false);
    let mut b = Browser::staff(&app);
    let page = b.get("/admin");
    assert_eq!(page.status, 200);
    page.assert_has(r#"href="/admin/orders?status=1"><b>1</b><span>待发货"#)
        .assert_has(r#"href="/admin/orders?status=0"><b>1</b><span>待付款"#)
        .assert_has("<b>¥50.00</b><span>今日成交 · 1 单")
        .assert_has("龙井茶</a> <span class=\"muted\">1 件 · ¥50.00")
        // Three in stock, two taken by the orders: low.
        .assert_has("剩 1")
        .assert_has("<svg class=\"chart\"");
}
