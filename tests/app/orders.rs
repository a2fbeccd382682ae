//! Orders: checkout (preview and create), the lifecycle (pay, close, ship, receive, review,
//! write-off, after-sale), lists and statistics, and stock under concurrent buyers.

use serde_json::Value;
use xiaodian::db::unix_now;
use xiaodian::service::ledger::Account;

use crate::support::*;

const LIST: &str = "/shop/order/list";
const DETAIL: &str = "/shop/order/detail";
const CLOSE: &str = "/shop/order/close";
const PAY: &str = "/shop/order/pay";
const DELIVERY: &str = "/shop/order/delivery";
const REPUTATION: &str = "/shop/order/reputation";
const STATISTICS: &str = "/shop/order/statistics";
const DELETE: &str = "/shop/order/delete";
const HX: &str = "/shop/order/hx";

fn id_of(res: &Value) -> String {
    res["data"]["id"].as_i64().unwrap_or_else(|| panic!("no order id: {res}")).to_string()
}

#[test]
fn a_preview_prices_without_writing_and_an_order_takes_stock_per_sku() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("alice");
    let shirt = app.add_goods(tee("T恤"));
    app.ship_by_template(shirt);
    let key = app.tee_key(shirt, "蓝", "L");
    let json = one_line(shirt, 2, &key);

    let res = app.post(CREATE, &[("token", &token), ("goodsJsonStr", &json), ("calculate", "true")]);
    assert_code(&res, 0);
    let d = &res["data"];
    assert_eq!(d["amountTotle"], 120.0);
    assert_eq!(d["amountLogistics"], 10.0, "8 元 for the first piece, 2 元 for the second");
    assert_eq!(d["amountReal"], 130.0);
    assert_eq!(d["isNeedLogistics"], true);
    assert_eq!(d["couponUserList"], serde_json::json!([]));
    assert!(d["id"].is_null());
    assert_eq!(app.sku_stores(shirt, &key), 4, "a preview takes no stock");
    assert_eq!(app.query(|c| c.query_row("SELECT count(*) FROM orders", [], |r| r.get::<_, i64>(0))), 0);

    let res = create(&app, &token, &json, &[("remark", "请尽快发货")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["status"], 0);
    assert_eq!(res["data"]["amountReal"], 130.0);
    assert_eq!(app.sku_stores(shirt, &key), 2);
    assert_eq!(app.goods_stores(shirt), 1 + 2 + 3 + 2, "the goods' total follows its SKUs");
    let id = id_of(&res);

    let detail = app.get(DETAIL, &[("token", &token), ("id", &id)]);
    assert_code(&detail, 0);
    let info = &detail["data"]["orderInfo"];
    assert_eq!(info["statusStr"], "待支付");
    assert_eq!(info["remark"], "请尽快发货");
    assert_eq!(info["uid"], uid);
    assert!(info["orderNumber"].as_str().unwrap().ends_with(&format!("{:08}", id.parse::<i64>().unwrap())));
    let line = &detail["data"]["goods"][0];
    assert_eq!(line["goodsName"], "T恤");
    assert_eq!(line["number"], 2);
    assert_eq!(line["amountSingle"], 60.0);
    assert_eq!(line["property"], "颜色:蓝,尺码:L,");
    assert_eq!(detail["data"]["logistics"]["cityStr"], "深圳市");
    assert_eq!(detail["data"]["logs"][0]["typeStr"], "下单");

    let (_, bob) = app.shopper("bob");
    assert_code(&app.get(DETAIL, &[("token", &bob), ("id", &id)]), 404);
}

#[test]
fn checkout_refuses_what_it_cannot_sell_naming_the_problem() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    let shirt = app.add_goods(tee("T恤"));
    let tea = app.goods().name("龙井茶").price(1990).stock(3).create();
    let res = create(&app, &token, &one_line(shirt, 1, ""), &[]);
    assert_code(&res, 30002);
    let res = create(&app, &token, &one_line(tea, 4, ""), &[]);
    assert_code(&res, 30003);
    assert!(res["msg"].as_str().unwrap().contains("龙井茶"), "{res}");
    assert!(res["msg"].as_str().unwrap().contains("仅剩 3 件"), "{res}");
    assert_code(&create(&app, &token, "[{\"goodsId\":\"x\"}]", &[]), 300);
    app.ship_by_template(tea);
    let res = app
        .post(CREATE, &[("token", &token), ("goodsJsonStr", &one_line(tea, 1, "")), ("peisongType", "kd")]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("linkMan"), "a delivery needs an address: {res}");
    let res = create(&app, &token, &one_line(tea, 1, ""), &[("couponId", "7")]);
    assert_code(&res, 404);
    assert!(res["msg"].as_str().unwrap().contains("优惠券"), "{res}");
    app.set_shelf(tea, false);
    assert_code(&create(&app, &token, &one_line(tea, 1, ""), &[]), 404);
    assert_eq!(app.goods_stores(tea), 3, "refused orders take no stock");
}

#[test]
fn paying_from_the_balance_needs_enough_and_moves_the_order_and_the_sales() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("alice");
    let tea = app.goods().name("龙井茶").price(1990).stock(10).create();
    let id = id_of(&create(&app, &token, &one_line(tea, 2, ""), &[]));
    app.credit(uid, Account::Balance, 1000);
    let res = app.post(PAY, &[("token", &token), ("orderId", &id)]);
    assert_code(&res, 40000);
    assert_eq!(res["data"], 29.8);
    app.credit(uid, Account::Balance, 3000);
    let res = app.post(PAY, &[("token", &token), ("orderId", &id)]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["status"], 1);
    assert_eq!(app.account(uid).balance, 4000 - 3980);
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &id)]), 403);
    let (sells, orders): (i64, i64) = app.query(|c| {
        c.query_row("SELECT number_sells, number_orders FROM goods WHERE id = ?1", [tea], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    });
    assert_eq!((sells, orders), (2, 1));
    assert_code(&app.post(CLOSE, &[("token", &token), ("orderId", &id)]), 403);
    let stats = app.get(STATISTICS, &[("token", &token)]);
    assert_eq!(stats["data"]["count_id_no_transfer"], 1);
    assert_eq!(stats["data"]["count_id_no_pay"], 0);
}

#[test]
fn closing_returns_stock_and_points_once_however_often_it_is_asked() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("alice");
    app.set_setting("scoreDeductionPerYuan", "100");
    app.credit(uid, Account::Score, 500);
    let shirt = app.add_goods(tee("T恤"));
    let key = app.tee_key(shirt, "蓝", "M");
    let res = create(&app, &token, &one_line(shirt, 3, &key), &[("deductionScore", "300")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["deductionMoney"], 3.0);
    assert_eq!(res["data"]["amountReal"], 147.0);
    assert_eq!(app.account(uid).score, 200);
    assert_eq!(app.sku_stores(shirt, &key), 0);
    let id = id_of(&res);

    assert_code(&app.post(CLOSE, &[("token", &token), ("orderId", &id)]), 0);
    assert_eq!(app.sku_stores(shirt, &key), 3);
    assert_eq!(app.account(uid).score, 500);
    let again = app.post(CLOSE, &[("token", &token), ("orderId", &id)]);
    assert_code(&again, 403);
    assert!(again["msg"].as_str().unwrap().contains("已关闭"), "{again}");
    assert_eq!(app.sku_stores(shirt, &key), 3, "closing twice returns stock once");
    assert_eq!(app.account(uid).score, 500);
    let detail = app.get(DETAIL, &[("token", &token), ("id", &id)]);
    assert_eq!(detail["data"]["orderInfo"]["status"], -1);
    assert_eq!(detail["data"]["orderInfo"]["statusStr"], "已关闭");
    assert_code(&app.post(DELETE, &[("token", &token), ("orderId", &id)]), 0);
    assert_code(&app.get(DETAIL, &[("token", &token), ("id", &id)]), 404);
    assert_code(&app.post(LIST, &[("token", &token)]), 700);
}

#[test]
fn an_order_goes_from_paid_to_shipped_to_received_to_reviewed() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("alice");
    let tea = app.goods().name("龙井茶").price(1990).stock(10).create();
    app.credit(uid, Account::Balance, 10_000);
    let id = id_of(&create(&app, &token, &one_line(tea, 1, ""), &[]));
    assert_code(&app.post(DELIVERY, &[("token", &token), ("orderId", &id)]), 403);
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &id)]), 0);
    ship(&app, &id);
    let detail = app.get(DETAIL, &[("token", &token), ("id", &id)]);
    assert_eq!(detail["data"]["orderInfo"]["statusStr"], "待收货");
    assert_eq!(detail["data"]["logistics"]["trackingNumber"], "SF1234567890");
    let traces: Value =
        serde_json::from_str(detail["data"]["orderLogisticsShippers"][0]["traces"].as_str().unwrap())
            .unwrap();
    assert_eq!(traces[0]["AcceptStation"], "已揽收");
    let list = app.post(LIST, &[("token", &token), ("status", "2")]);
    assert_code(&list, 0);
    assert_eq!(list["data"]["goodsMap"][&id][0]["goodsName"], "龙井茶");
    assert_eq!(list["data"]["logisticsMap"][&id]["shipperName"], "顺丰速运");
    assert_eq!(list["data"]["userMap"][uid.to_string()]["nick"], "alice");
    assert_code(&app.post(LIST, &[("token", &token), ("status", "0")]), 700);

    assert_code(&app.post(DELIVERY, &[("token", &token), ("orderId", &id)]), 0);
    let line_id =
        app.get(DETAIL, &[("token", &token), ("id", &id)])["data"]["goods"][0]["id"].as_i64().unwrap();
    let post = serde_json::json!({"token": token, "orderId": id, "reputations": [
        {"id": line_id, "reputation": 2, "reputationNumber": 5, "remark": "好茶", "pics": []}
    ]})
    .to_string();
    assert_code(&app.post(REPUTATION, &[("postJsonString", &post)]), 0);
    let detail = app.get(DETAIL, &[("token", &token), ("id", &id)]);
    assert_eq!(detail["data"]["orderInfo"]["status"], 4);
    let reviews = app.post("/shop/shop/goods/reputation/v2", &[("goodsId", &tea.to_string())]);
    assert_code(&reviews, 0);
    assert_eq!(reviews["data"]["result"][0]["goods"]["goodReputationRemark"], "好茶");
    let n: i64 = app.query(|c| {
        c.query_row("SELECT number_good_reputation FROM goods WHERE id = ?1", [tea], |r| r.get(0))
    });
    assert_eq!(n, 1);
    assert_code(&app.post(REPUTATION, &[("postJsonString", &post)]), 403);
    let stats = app.get(STATISTICS, &[("token", &token)]);
    assert_eq!(stats["data"]["count_id_success"], 1);
}

#[test]
fn a_free_order_is_created_paid_and_a_pick_up_order_is_written_off_by_staff() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    let (staff_id, staff) = app.shopper("店员");
    let gift = app.goods().name("赠品").price(0).stock(5).create();
    let res = create(&app, &token, &one_line(gift, 1, ""), &[]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["status"], 1, "nothing to pay: created paid");

    let shop = app
        .write(|c| {
            let f = xiaodian::db::shops::ShopFields { name: "东站自提点".into(), ..Default::default() };
            xiaodian::db::shops::insert(c, &f, None, 0, unix_now())
        })
        .to_string();
    let tea = app.goods().name("龙井茶").price(0).stock(5).create();
    let res = app.post(
        CREATE,
        &[
            ("token", &token),
            ("goodsJsonStr", &one_line(tea, 1, "")),
            ("peisongType", "zq"),
            ("shopIdZt", &shop),
        ],
    );
    assert_code(&res, 0);
    let hx = res["data"]["hxNumber"].as_str().unwrap().to_string();
    assert_eq!(hx.len(), 10);
    assert_code(&app.get(DETAIL, &[("token", &staff), ("hxNumber", &hx)]), 403);
    assert_code(&app.post(HX, &[("token", &staff), ("hxNumber", &hx)]), 403);
    app.set_setting("orderHxStaff", &staff_id.to_string());
    let seen = app.get(DETAIL, &[("token", &staff), ("hxNumber", &hx)]);
    assert_code(&seen, 0);
    assert_eq!(seen["data"]["orderInfo"]["shopNameZt"], "东站自提点");
    assert!(seen["data"]["logistics"].is_null());
    let res = app.post(HX, &[("token", &staff), ("hxNumber", &hx), ("extJsonStr", r#"{"核销人":"小王"}"#)]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["status"], 3);
    assert_code(&app.post(HX, &[("token", &staff), ("hxNumber", &hx)]), 403);
    assert_eq!(app.get(DETAIL, &[("token", &token), ("hxNumber", &hx)])["data"]["extJson"]["核销人"], "小王");
}

const REFUND_APPLY: &str = "/shop/order/refundApply/apply";
const REFUND_INFO: &str = "/shop/order/refundApply/info";
const REFUND_CANCEL: &str = "/shop/order/refundApply/cancel";
const REFUNDS: &str = "/shop/order/refund";

/// A paid order of `number` teas for a new shopper: (uid, token, order id, tea id).
fn paid_order(app: &TestApp, nick: &str, number: i64) -> (i64, String, String, i64) {
    let (uid, token) = app.shopper(nick);
    let tea = app.goods().name("龙井茶").price(1990).stock(10).create();
    app.credit(uid, Account::Balance, 100_000);
    let id = id_of(&create(app, &token, &one_line(tea, number, ""), &[]));
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &id)]), 0);
    (uid, token, id, tea)
}

#[test]
fn one_after_sale_request_per_line_is_open_at_a_time() {
    let app = TestApp::new();
    let (_, token, id, _) = paid_order(&app, "alice", 2);
    ship(&app, &id);
    let line = app.get(DETAIL, &[("token", &token), ("id", &id)])["data"]["goods"][0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    assert_code(&app.get(REFUND_INFO, &[("token", &token), ("orderId", &id)]), 700);
    let form = [
        ("token", token.as_str()),
        ("orderId", id.as_str()),
        ("orderGoodsId", line.as_str()),
        ("type", "1"),
        ("logisticsStatus", "1"),
        ("reason", "茶叶受潮"),
        ("amount", "19.9"),
        ("pic", "/uploads/a.png,/uploads/b.png"),
        ("remark", "请退一盒"),
    ];
    assert_code(&app.post(REFUND_APPLY, &form), 0);
    let again = app.post(REFUND_APPLY, &form);
    assert_code(&again, 20000);
    let info = app.get(REFUND_INFO, &[("token", &token), ("orderId", &id)]);
    assert_code(&info, 0);
    let first = &info["data"][0];
    assert_eq!(first["baseInfo"]["orderGoodsId"].as_i64().unwrap().to_string(), line);
    assert_eq!(first["baseInfo"]["statusStr"], "待处理");
    assert_eq!(first["baseInfo"]["typeStr"], "退货退款");
    assert_eq!(first["baseInfo"]["amount"], 19.9);
    assert_eq!(first["goodInfo"]["goodsName"], "龙井茶");
    assert_eq!(first["pics"].as_array().unwrap().len(), 2);
    let list = app.post(LIST, &[("token", &token), ("hasRefund", "true")]);
    assert_code(&list, 0);
    assert_eq!(list["data"]["orderList"][0]["hasRefund"], true);

    let too_much = [("token", token.as_str()), ("orderId", id.as_str()), ("reason", "x"), ("amount", "100")];
    assert_code(&app.post(REFUND_APPLY, &too_much), 300);
    assert_code(&app.post(REFUND_CANCEL, &[("token", &token), ("orderId", &id), ("orderGoodsId", &line)]), 0);
    assert_code(&app.post(REFUND_CANCEL, &[("token", &token), ("orderId", &id)]), 404);
    assert_code(&app.post(REFUND_APPLY, &form), 0);
    let all = app.get(REFUNDS, &[("token", &token), ("orderId", &id)]);
    assert_code(&all, 0);
    let statuses: Vec<&str> =
        all["data"].as_array().unwrap().iter().map(|r| r["statusStr"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["已撤销", "待处理"]);

    let (_, bob) = app.shopper("bob");
    assert_code(&app.get(REFUNDS, &[("token", &bob), ("orderId", &id)]), 404);
    let (_, unpaid_token) = app.shopper("carol");
    let tea = app.goods().name("红茶").price(100).stock(5).create();
    let unpaid = id_of(&create(&app, &unpaid_token, &one_line(tea, 1, ""), &[]));
    assert_code(
        &app.post(REFUND_APPLY, &[("token", &unpaid_token), ("orderId", &unpaid), ("reason", "x")]),
        403,
    );
}

#[test]
fn purchases_show_in_the_dynamic_the_history_and_the_daily_sales() {
    let app = TestApp::new();
    assert_code(&app.get("/shop/site/goods/dynamic", &[]), 700);
    let (_, token, id, tea) = paid_order(&app, "alice", 3);
    let dynamic = app.get("/shop/site/goods/dynamic", &[("type", "1")]);
    assert_code(&dynamic, 0);
    assert_eq!(dynamic["data"][0]["nick"], "alice");
    assert_eq!(dynamic["data"][0]["number"], 3);
    assert_code(&app.get("/shop/site/goods/dynamic/v2", &[("type", "2")]), 300);

    let his = app.post("/shop/shop/goods/his/list", &[("token", &token)]);
    assert_code(&his, 0);
    assert_eq!(his["data"]["totalRow"], 1);
    assert_eq!(his["data"]["result"][0]["goodsId"], tea);
    assert_eq!(his["data"]["result"][0]["orderId"].as_i64().unwrap().to_string(), id);
    assert_code(
        &app.post("/shop/shop/goods/his/delete", &[("token", &token), ("goodsId", &tea.to_string())]),
        0,
    );
    assert_code(&app.post("/shop/shop/goods/his/list", &[("token", &token)]), 700);
    assert_code(&app.post("/shop/shop/goods/his/delete", &[("token", &token)]), 300);

    let sales = app.get("/shop/site/statistics/saleroom", &[("token", &token)]);
    assert_code(&sales, 403);
    app.write(|c| {
        Ok::<_, Failed>(xiaodian::db::settings::put_config_value(
            c,
            "statistics_saleroom_open",
            "1",
            "",
            unix_now(),
        )?)
    });
    app.query(|c| app.settings.reload(c));
    let sales = app.get("/shop/site/statistics/saleroom", &[("token", &token)]);
    assert_code(&sales, 0);
    assert_eq!(sales["data"][0]["saleroom"], 59.7);
    assert_eq!(sales["data"][0]["amount"], 59.7);
    assert_eq!(sales["data"][0]["number"], 1);
    let bad = app.get("/shop/site/statistics/saleroom", &[("token", &token), ("dateBegin", "2026-13-01")]);
    assert_code(&bad, 300);
}

#[test]
fn checkout_applies_price_tiers_add_ons_and_purchase_limits() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    let tea = app.goods().name("奶茶").price(1000).stock(100).create();
    app.price_tier(tea, 3, 800);
    let (group, pearl) = app.add_on(tea, "加料", "珍珠", 200);
    let line = |n: i64, add: bool| {
        let mut l = serde_json::json!({"goodsId": tea, "number": n});
        if add {
            l["goodsAdditionList"] = serde_json::json!([{"id": pearl, "pid": group}]);
        }
        serde_json::json!([l]).to_string()
    };
    let res =
        app.post(CREATE, &[("token", &token), ("goodsJsonStr", &line(2, false)), ("calculate", "true")]);
    assert_eq!(res["data"]["amountReal"], 20.0);
    let res =
        app.post(CREATE, &[("token", &token), ("goodsJsonStr", &line(3, false)), ("calculate", "true")]);
    assert_eq!(res["data"]["amountReal"], 24.0, "from 3 pieces the tier price 8 元 applies");
    let res = app.post(CREATE, &[("token", &token), ("goodsJsonStr", &line(3, true)), ("calculate", "true")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["amountReal"], 30.0, "the add-on adds 2 元 a piece");
    assert_eq!(res["data"]["goodsAdditionalPriceMap"][tea.to_string()], 6.0);
    let bad =
        serde_json::json!([{"goodsId": tea, "number": 1, "goodsAdditionList": [{"id": 999, "pid": group}]}])
            .to_string();
    assert_code(&app.post(CREATE, &[("token", &token), ("goodsJsonStr", &bad), ("calculate", "true")]), 300);

    // At most 4 per shopper ever.
    app.purchase_limit(tea, 5, 1, 4);
    assert_code(&create(&app, &token, &line(3, false), &[]), 0);
    let res = create(&app, &token, &line(2, false), &[]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("还可以买 1 件"), "{res}");
    assert_code(&create(&app, &token, &line(1, false), &[]), 0);
}

/// A coupon of 10 元 off from 30 元, held by `user`; the held coupon's id.
fn ten_off_coupon(app: &TestApp, user: i64) -> i64 {
    let now = unix_now();
    app.coupon()
        .name("满30减10")
        .threshold(3000)
        .valid(now - 60, now + 86_400)
        .per_user(5)
        .give_to(user, "test")
}

#[test]
fn a_coupon_is_offered_used_once_and_given_back_when_the_order_closes() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("alice");
    let tea = app.goods().name("龙井茶").price(1990).stock(10).create();
    let coupon = ten_off_coupon(&app, uid).to_string();
    let json = one_line(tea, 2, "");
    let res = app.post(CREATE, &[("token", &token), ("goodsJsonStr", &json), ("calculate", "true")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["couponUserList"][0]["id"].as_i64().unwrap().to_string(), coupon);
    assert_eq!(res["data"]["couponUserList"][0]["name"], "满30减10");
    let res = create(&app, &token, &json, &[("couponId", &coupon)]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["couponAmount"], 10.0);
    assert_eq!(res["data"]["amountReal"], 29.8);
    let id = id_of(&res);
    let again = create(&app, &token, &json, &[("couponId", &coupon)]);
    assert_code(&again, 20001);
    assert_code(&app.post(CLOSE, &[("token", &token), ("orderId", &id)]), 0);
    let res = create(&app, &token, &json, &[("couponId", &coupon)]);
    assert_code(&res, 0);
    app.credit(uid, Account::Balance, 10_000);
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &id_of(&res))]), 0);
    let state: i64 =
        app.query(|c| c.query_row("SELECT status FROM coupon_users WHERE id = ?1", [&coupon], |r| r.get(0)));
    assert_eq!(state, 2, "used once the order is paid");
    assert_code(&create(&app, &token, &json, &[("couponId", &coupon)]), 20001);
}

#[test]
fn with_the_content_check_on_a_risky_review_is_refused_and_a_doubtful_one_is_stored_hidden() {
    let app = TestApp::new();
    app.set_setting("contentSecCheck", "1");
    let (uid, token) = app.login_wechat("code-reviewer");
    let tea = app.goods().name("龙井茶").price(1990).stock(10).create();
    app.credit(uid, Account::Balance, 10_000);
    let received = |app: &TestApp| {
        let id = id_of(&create(app, &token, &one_line(tea, 1, ""), &[]));
        assert_code(&app.post(PAY, &[("token", &token), ("orderId", &id)]), 0);
        ship(app, &id);
        assert_code(&app.post(DELIVERY, &[("token", &token), ("orderId", &id)]), 0);
        let line = app.get(DETAIL, &[("token", &token), ("id", &id)])["data"]["goods"][0]["id"].clone();
        (id, line)
    };
    let review = |id: &str, line: &Value, remark: &str| {
        let post = serde_json::json!({"token": token, "orderId": id, "reputations": [
            {"id": line, "reputation": 2, "reputationNumber": 5, "remark": remark, "pics": []}
        ]});
        app.post(REPUTATION, &[("postJsonString", &post.to_string())])
    };
    let stored = |app: &TestApp| -> Vec<i64> {
        app.query(|c| {
            let mut q = c.prepare("SELECT status FROM goods_reputations WHERE goods_id = ?1 ORDER BY id")?;
            let rows = q.query_map([tea], |r| r.get(0))?.collect();
            rows
        })
    };

    let (risky, line) = received(&app);
    assert_code(&review(&risky, &line, "这是违禁词"), 87014);
    assert!(stored(&app).is_empty(), "nothing is stored");
    let d = app.get(DETAIL, &[("token", &token), ("id", &risky)]);
    assert_eq!(d["data"]["orderInfo"]["status"], 3, "the order still awaits its review");

    let (held, line) = received(&app);
    assert_code(&review(&held, &line, "有待审词的评价"), 0);
    assert_eq!(stored(&app), vec![1], "held: stored hidden");
    assert_code(&app.post("/shop/shop/goods/reputation/v2", &[("goodsId", &tea.to_string())]), 700);

    assert_code(&review(&risky, &line_of(&app, &token, &risky), "好茶"), 0);
    assert_eq!(stored(&app), vec![1, 0], "a clean text is published");
}

fn line_of(app: &TestApp, token: &str, id: &str) -> Value {
    app.get(DETAIL, &[("token", token), ("id", id)])["data"]["goods"][0]["id"].clone()
}

/// The line id of an order's first line, as text.
fn first_line(app: &TestApp, token: &str, id: &str) -> String {
    app.get(DETAIL, &[("token", token), ("id", id)])["data"]["goods"][0]["id"].as_i64().unwrap().to_string()
}

#[test]
fn a_line_offers_the_after_sales_its_order_allows_and_a_return_needs_the_goods_shipped() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    let tea = app.goods().name("龙井茶").price(1990).stock(10).create();
    let unpaid = id_of(&create(&app, &token, &one_line(tea, 1, ""), &[]));
    let d = app.get(DETAIL, &[("token", &token), ("id", &unpaid)]);
    assert_eq!(d["data"]["goods"][0]["afterSale"], "", "nothing before payment");

    let (_, token, id, _) = paid_order(&app, "bob", 2);
    let d = app.get(DETAIL, &[("token", &token), ("id", &id)]);
    assert_eq!(d["data"]["goods"][0]["afterSale"], "0", "refund only until it ships: {d}");
    let list = app.post(LIST, &[("token", &token)]);
    assert_eq!(list["data"]["goodsMap"][&id][0]["afterSale"], "0");
    let line = first_line(&app, &token, &id);
    let ask = |kind: &str| {
        app.post(
            REFUND_APPLY,
            &[
                ("token", &token),
                ("orderId", &id),
                ("orderGoodsId", &line),
                ("type", kind),
                ("reason", "不要了"),
            ],
        )
    };
    let res = ask("1");
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("type"), "{res}");
    assert_code(&ask("2"), 300);
    assert_code(&app.get(REFUND_INFO, &[("token", &token), ("orderId", &id)]), 700);

    ship(&app, &id);
    let d = app.get(DETAIL, &[("token", &token), ("id", &id)]);
    assert_eq!(d["data"]["goods"][0]["afterSale"], "0,1,2");
    // The template's own arithmetic: amountSingle × number for part of the line.
    let res = app.post(
        REFUND_APPLY,
        &[
            ("token", &token),
            ("orderId", &id),
            ("orderGoodsId", &line),
            ("type", "1"),
            ("number", "3"),
            ("reason", "不要了"),
        ],
    );
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("number"), "{res}");
    let res = app.post(
        REFUND_APPLY,
        &[
            ("token", &token),
            ("orderId", &id),
            ("orderGoodsId", &line),
            ("type", "1"),
            ("number", "1"),
            ("reason", "不要了"),
        ],
    );
    assert_code(&res, 0);
    let info = app.get(REFUND_INFO, &[("token", &token), ("orderId", &id)]);
    let base = &info["data"][0]["baseInfo"];
    assert_eq!(base["number"], 1);
    assert_eq!(base["amount"], 19.9, "one of the two pieces");
    assert_eq!(base["status2"], 0, "nothing to send back before the merchant agrees");
    assert_eq!(base["logisticsContent"], "");
}

#[test]
fn a_parcel_is_sent_back_only_for_an_approved_return() {
    let app = TestApp::new();
    let (_, token, id, _) = paid_order(&app, "alice", 1);
    ship(&app, &id);
    let back = |extra: &[(&str, &str)]| {
        let mut form = vec![("token", token.as_str()), ("orderId", id.as_str())];
        form.extend_from_slice(extra);
        app.post("/shop/order/refundApply/setBackLogistics", &form)
    };
    let parcel = [("shipperName", "顺丰速运"), ("trackingNumber", "SF100200300")];
    assert_code(&back(&parcel), 404);
    let apply = |kind: &str| {
        app.post(REFUND_APPLY, &[("token", &token), ("orderId", &id), ("type", kind), ("reason", "坏了")])
    };
    let refund_only = apply("0")["data"].as_i64().unwrap().to_string();
    let res = back(&[("applyId", &refund_only), ("shipperName", "顺丰速运"), ("trackingNumber", "SF1")]);
    assert_code(&res, 403);
    assert!(res["msg"].as_str().unwrap().contains("仅退款"), "{res}");
    assert_code(&app.post(REFUND_CANCEL, &[("token", &token), ("orderId", &id)]), 0);

    let ret = apply("1")["data"].as_i64().unwrap().to_string();
    let res = back(&[("applyId", &ret), ("shipperName", "顺丰速运"), ("trackingNumber", "SF1")]);
    assert_code(&res, 403);
    assert!(res["msg"].as_str().unwrap().contains("同意"), "not before the merchant agrees: {res}");
    let address = xiaodian::service::order_admin::ReturnAddress {
        link_man: "售后部".into(),
        mobile: "0571-88880000".into(),
        address: "杭州市西湖区文三路 1 号".into(),
    };
    let refund_id: i64 = ret.parse().unwrap();
    app.write(|c| {
        xiaodian::service::order_admin::approve_refund(c, refund_id, "", Some(&address), unix_now())
    });
    let res = back(&[("applyId", &ret), ("shipperName", "顺丰速运"), ("trackingNumber", "SF 1; DROP")]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("trackingNumber"), "{res}");
    assert_code(&back(&[("applyId", &ret), ("shipperName", "顺丰速运")]), 300);
    let (_, bob) = app.shopper("bob");
    let theirs = app.post(
        "/shop/order/refundApply/setBackLogistics",
        &[
            ("token", &bob),
            ("orderId", &id),
            ("applyId", &ret),
            ("shipperName", "x"),
            ("trackingNumber", "SF1"),
        ],
    );
    assert_code(&theirs, 404);
    assert_code(
        &back(&[("applyId", &ret), ("shipperName", "顺丰速运"), ("trackingNumber", "SF100200300")]),
        0,
    );
    let info = app.get(REFUND_INFO, &[("token", &token), ("orderId", &id)]);
    let base = &info["data"][0]["baseInfo"];
    assert_eq!(base["status"], 3);
    assert_eq!(base["status2"], 2);
    assert_eq!(base["statusStr"], "待商家收货");
    let content: Value = serde_json::from_str(base["logisticsContent"].as_str().unwrap()).unwrap();
    assert_eq!(content["linkMan"], "售后部");
    assert_eq!(content["trackingNumber"], "SF100200300");
    let cancel = app.post(REFUND_CANCEL, &[("token", &token), ("orderId", &id)]);
    assert_code(&cancel, 404);
    assert_eq!(
        app.get(REFUND_INFO, &[("token", &token), ("orderId", &id)])["data"][0]["baseInfo"]["status"],
        3,
        "goods on their way back: the return can no longer be withdrawn"
    );
}
