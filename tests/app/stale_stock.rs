//! An edit read before a shopper's order never writes its old stock back: the console's goods
//! editor and calendar, the merchant API's goods, stock and calendar writes, coupon rules, and a
//! shopper's own published goods. Also: a goods' `numberOrders` counts orders, not order lines.

use serde_json::{json, Value};
use xiaodian::db::coupons::RuleFields;
use xiaodian::db::ledger::Account;
use xiaodian::db::unix_now;
use xiaodian::service::calendar;

use crate::support::*;

const KEY: &str = "stale-stock-key-123";
const CLOSE: &str = "/shop/order/close";
const PAY: &str = "/shop/order/pay";

/// A merchant API call, with `If-Match` when given: (status, ETag, JSON body or Null).
fn api(
    app: &TestApp,
    method: &str,
    path: &str,
    body: Option<&Value>,
    if_match: Option<&str>,
) -> (u16, String, Value) {
    let res = app.merchant(KEY).if_match(if_match).call(method, path, body);
    (res.status, res.header("etag").to_string(), res.body)
}

/// Places a kd order of `number` pieces (SKU `key`, "" for none); its id.
fn order(app: &TestApp, token: &str, goods: i64, number: i64, key: &str) -> String {
    let res = create(app, token, &one_line(goods, number, key), &[]);
    assert_code(&res, 0);
    res["data"]["id"].as_i64().unwrap().to_string()
}

fn close(app: &TestApp, token: &str, order_id: &str) {
    assert_code(&app.post(CLOSE, &[("token", token), ("orderId", order_id)]), 0);
}

fn characteristic(app: &TestApp, goods: i64) -> String {
    app.query(|c| c.query_row("SELECT characteristic FROM goods WHERE id = ?1", [goods], |r| r.get(0)))
}

#[test]
fn a_console_form_opened_before_an_order_keeps_the_orders_stock_and_closing_it_oversells_nothing() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    let tea = app.goods().name("龙井茶").price(1990).stock(5).create();
    let path = format!("/admin/goods/{tea}");
    let mut b = Browser::staff(&app);

    // The sequence that lost stock: the editor shows 5, a shopper orders 3, the merchant saves a new
    // selling point only. The order's stock stands, and closing the order puts back exactly 3.
    let opened = b.get(&path);
    assert_eq!(value_of(&opened, "f.stores"), "5");
    let id = order(&app, &token, tea, 3, "");
    assert_eq!(app.goods_stores(tea), 2);
    let saved = press(&mut b, &path, &opened, &[("f.characteristic", "明前新茶")], "save");
    assert_eq!(id_from(&saved), tea);
    assert_eq!(characteristic(&app, tea), "明前新茶");
    assert_eq!(app.goods_stores(tea), 2, "the stale form did not write 5 back");
    close(&app, &token, &id);
    assert_eq!(app.goods_stores(tea), 5, "5 on the shelf, 5 in stock: nothing oversold");

    // A new number typed over stock that moved: refused, the stock now beside what was typed,
    // nothing written, every typed field kept and the stock field now based on the stock now.
    let opened = b.get(&path);
    order(&app, &token, tea, 2, "");
    let typed = [("f.characteristic", "雨前茶"), ("f.stores", "10")];
    let refused = press(&mut b, &path, &opened, &typed, "save");
    assert_eq!(refused.status, 409, "{}", refused.body);
    refused.assert_has("没有保存").assert_has("库存现在是 3（你打开页面时是 5），你填的是 10");
    assert_eq!(value_of(&refused, "f.characteristic"), "雨前茶");
    assert_eq!(value_of(&refused, "f.stores"), "10");
    assert_eq!(value_of(&refused, "f.stores_was"), "3");
    assert_eq!((app.goods_stores(tea), characteristic(&app, tea)), (3, "明前新茶".to_string()));
    // Saving again, now knowingly over 3, writes both.
    id_from(&press(&mut b, &path, &refused, &[], "save"));
    assert_eq!((app.goods_stores(tea), characteristic(&app, tea)), (10, "雨前茶".to_string()));

    // "+5" adds to whatever orders left; "-20" taking more than there is is refused.
    let opened = b.get(&path);
    order(&app, &token, tea, 1, "");
    id_from(&press(&mut b, &path, &opened, &[("f.stores", "+5")], "save"));
    assert_eq!(app.goods_stores(tea), 14);
    let opened = b.get(&path);
    let refused = press(&mut b, &path, &opened, &[("f.stores", "-20")], "save");
    assert_eq!(refused.status, 409, "{}", refused.body);
    refused.assert_has("库存现在是 14，不够减 20");
    assert_eq!(value_of(&refused, "f.stores"), "-20");
    assert_eq!(app.goods_stores(tea), 14);
    let bad = press(&mut b, &path, &opened, &[("f.stores", "很多")], "save");
    assert_eq!(bad.status, 422);
    bad.assert_has("库存「很多」应为整数");
}

#[test]
fn sku_stock_in_a_stale_console_form_is_checked_row_by_row() {
    let app = TestApp::new();
    let (_, token) = app.shopper("alice");
    let shirt = app.add_goods(tee("T恤"));
    let (blue_l, red_m, blue_m) =
        (app.tee_key(shirt, "蓝", "L"), app.tee_key(shirt, "红", "M"), app.tee_key(shirt, "蓝", "M"));
    let path = format!("/admin/goods/{shirt}");
    let mut b = Browser::staff(&app);

    // Orders on two rows while the merchant restocks a third: each keeps its own change.
    let opened = b.get(&path);
    order(&app, &token, shirt, 2, &blue_l);
    order(&app, &token, shirt, 1, &red_m);
    let row = format!("skus[{}].stores", row_of(&opened, "蓝 / M"));
    id_from(&press(&mut b, &path, &opened, &[(&row, "8")], "save"));
    assert_eq!(
        (app.sku_stores(shirt, &blue_m), app.sku_stores(shirt, &blue_l), app.sku_stores(shirt, &red_m)),
        (8, 2, 0)
    );
    assert_eq!(app.goods_stores(shirt), 12, "the goods' total follows its SKUs: 0 + 2 + 8 + 2");

    // A number typed over a row an order changed: refused naming that row; the rows left alone
    // take the stock now, the typed one keeps what was typed; saving again writes it.
    let opened = b.get(&path);
    order(&app, &token, shirt, 1, &blue_l);
    order(&app, &token, shirt, 1, &blue_m);
    let row = format!("skus[{}].stores", row_of(&opened, "蓝 / L"));
    let refused = press(&mut b, &path, &opened, &[(&row, "6")], "save");
    assert_eq!(refused.status, 409, "{}", refused.body);
    refused.assert_has("规格「蓝 / L」的库存现在是 1（你打开页面时是 2），你填的是 6");
    assert_eq!(value_of(&refused, &row), "6");
    let untouched = format!("skus[{}].stores", row_of(&refused, "蓝 / M"));
    assert_eq!(value_of(&refused, &untouched), "7", "a row left alone shows the stock now");
    assert_eq!(app.sku_stores(shirt, &blue_l), 1);
    id_from(&press(&mut b, &path, &refused, &[], "save"));
    assert_eq!((app.sku_stores(shirt, &blue_l), app.sku_stores(shirt, &blue_m)), (6, 7));
}

#[test]
fn the_merchant_api_refuses_a_stale_goods_put_with_the_goods_as_it_is_now() {
    let app = TestApp::with_key(KEY);
    let (_, token) = app.shopper("alice");
    let (s, etag, g) =
        api(&app, "POST", "/goods", Some(&json!({"name": "龙井茶", "minPrice": 19.9, "stores": 5})), None);
    assert_eq!(s, 201, "{g}");
    let id = g["id"].as_i64().unwrap();
    assert_eq!(etag, format!("\"{}\"", g["version"]));
    let path = format!("/goods/{id}");

    // The sequence that lost stock: read at 5, a shopper orders 3, a PUT without stock changes the selling
    // point and leaves the stock alone; closing the order puts back exactly 3.
    let order_id = order(&app, &token, id, 3, "");
    let put = json!({"name": "龙井茶", "minPrice": 19.9, "characteristic": "明前新茶"});
    let (s, _, g2) = api(&app, "PUT", &path, Some(&put), None);
    assert_eq!(s, 200, "{g2}");
    assert_eq!((g2["stores"].as_i64(), g2["characteristic"].as_str()), (Some(2), Some("明前新茶")));
    close(&app, &token, &order_id);
    assert_eq!(app.goods_stores(id), 5);

    // Stock sent with the version it was read at, after an order moved it: 409 with the goods as
    // it is now and its version as the ETag; nothing written.
    let (_, read_at, _) = api(&app, "GET", &path, None, None);
    order(&app, &token, id, 2, "");
    let stale = json!({"name": "龙井茶", "minPrice": 19.9, "characteristic": "雨前茶", "stores": 10});
    let (s, now_tag, body) = api(&app, "PUT", &path, Some(&stale), Some(&read_at));
    assert_eq!(s, 409, "{body}");
    assert!(body["error"].as_str().unwrap().contains("changed since version"), "{body}");
    assert_eq!(body["current"]["stores"], 3);
    assert_eq!(body["current"]["characteristic"], "明前新茶");
    assert_eq!(now_tag, format!("\"{}\"", body["current"]["version"]));
    assert_ne!(now_tag, read_at);
    assert_eq!((app.goods_stores(id), characteristic(&app, id)), (3, "明前新茶".to_string()));
    // Stock without a version: 428 naming `version`. Against the version now: written.
    let (s, _, body) = api(&app, "PUT", &path, Some(&stale), None);
    assert_eq!((s, body["field"].as_str()), (428, Some("version")), "{body}");
    let mut fresh = stale.clone();
    fresh["version"] = body_version(&now_tag);
    let (s, _, g3) = api(&app, "PUT", &path, Some(&fresh), None);
    assert_eq!((s, g3["stores"].as_i64()), (200, Some(10)), "{g3}");
    // The body's version and If-Match must agree; If-Match must be an ETag.
    let (s, _, body) = api(&app, "PUT", &path, Some(&fresh), Some("\"1\""));
    assert_eq!((s, body["field"].as_str()), (422, Some("version")), "{body}");
    let (s, _, body) = api(&app, "PUT", &path, Some(&put), Some("*"));
    assert_eq!((s, body["field"].as_str()), (422, Some("If-Match")), "{body}");
}

/// The version an ETag names, as a JSON number.
fn body_version(etag: &str) -> Value {
    json!(etag.trim_matches('"').parse::<i64>().unwrap())
}

#[test]
fn the_stock_endpoint_sets_against_a_version_and_adds_without_one() {
    let app = TestApp::with_key(KEY);
    let (_, token) = app.shopper("alice");
    let (_, _, g) =
        api(&app, "POST", "/goods", Some(&json!({"name": "茶杯", "minPrice": 12.5, "stores": 5})), None);
    let id = g["id"].as_i64().unwrap();
    let path = format!("/goods/{id}/stock");
    let (_, read_at, _) = api(&app, "GET", &format!("/goods/{id}"), None, None);
    order(&app, &token, id, 2, "");

    let (s, _, body) = api(&app, "PUT", &path, Some(&json!({"stores": 9})), None);
    assert_eq!((s, body["field"].as_str()), (428, Some("version")), "{body}");
    let (s, tag, body) = api(&app, "PUT", &path, Some(&json!({"stores": 9})), Some(&read_at));
    assert_eq!((s, body["current"]["stores"].as_i64()), (409, Some(3)), "{body}");
    assert_eq!(app.goods_stores(id), 3);
    let (s, _, body) = api(&app, "PUT", &path, Some(&json!({"stores": 9})), Some(&tag));
    assert_eq!((s, body["stores"].as_i64()), (200, Some(9)), "{body}");

    // `add` needs no version: it changes whatever orders left; below zero is refused.
    order(&app, &token, id, 4, "");
    let (s, _, body) = api(&app, "PUT", &path, Some(&json!({"add": 10})), None);
    assert_eq!((s, body["stores"].as_i64()), (200, Some(15)), "{body}");
    let (s, _, body) = api(&app, "PUT", &path, Some(&json!({"add": -16})), None);
    assert_eq!((s, body["current"]["stores"].as_i64()), (409, Some(15)), "{body}");
    assert!(body["error"].as_str().unwrap().contains("不够减 16"), "{body}");
    let (s, _, body) = api(&app, "PUT", &path, Some(&json!({"stores": 1, "add": 1})), None);
    assert_eq!((s, body["field"].as_str()), (422, Some("stores")), "{body}");

    // Per SKU the same: a stale absolute is refused naming the SKU, `add` works.
    let (_, _, shirt) = api(
        &app,
        "POST",
        "/goods",
        Some(&json!({"name": "T恤", "properties": [{"name": "颜色", "values": ["白", "黑"]}],
                     "skuList": [{"values": ["白"], "price": 59, "stores": 3}, {"values": ["黑"], "price": 59, "stores": 4}]})),
        None,
    );
    let sid = shirt["id"].as_i64().unwrap();
    let white = shirt["skuList"][0]["propertyChildIds"].as_str().unwrap().to_string();
    let read_at = format!("\"{}\"", shirt["version"]);
    order(&app, &token, sid, 1, &white);
    let spath = format!("/goods/{sid}/stock");
    let set = json!({"skus": [{"propertyChildIds": white, "stores": 10}]});
    let (s, _, body) = api(&app, "PUT", &spath, Some(&set), Some(&read_at));
    assert_eq!(s, 409, "{body}");
    assert_eq!(body["current"]["skuList"][0]["stores"], 2);
    let add = json!({"skus": [{"propertyChildIds": white, "add": 8}]});
    let (s, _, body) = api(&app, "PUT", &spath, Some(&add), None);
    assert_eq!(
        (s, body["skuList"][0]["stores"].as_i64(), body["stores"].as_i64()),
        (200, Some(10), Some(14))
    );
}

#[test]
fn a_put_of_goods_with_specs_leaves_each_skus_stock_it_does_not_send() {
    let app = TestApp::with_key(KEY);
    let (_, token) = app.shopper("alice");
    let body = json!({"name": "T恤", "properties": [{"name": "颜色", "values": ["白", "黑"]}],
                      "skuList": [{"values": ["白"], "price": 59, "stores": 3}, {"values": ["黑"], "price": 59, "stores": 4}]});
    let (_, _, g) = api(&app, "POST", "/goods", Some(&body), None);
    let id = g["id"].as_i64().unwrap();
    let black = g["skuList"][1]["propertyChildIds"].as_str().unwrap().to_string();
    order(&app, &token, id, 3, &black);
    // New prices, a new colour, no stock anywhere: black keeps what the order left, red starts at 0.
    let edit = json!({"name": "T恤", "properties": [{"name": "颜色", "values": ["白", "黑", "红"]}],
                      "skuList": [{"values": ["白"], "price": 69}, {"values": ["黑"], "price": 69}, {"values": ["红"], "price": 69}]});
    let (s, _, g2) = api(&app, "PUT", &format!("/goods/{id}"), Some(&edit), None);
    assert_eq!(s, 200, "{g2}");
    let stores: Vec<i64> =
        g2["skuList"].as_array().unwrap().iter().map(|s| s["stores"].as_i64().unwrap()).collect();
    assert_eq!(stores, vec![3, 1, 0]);
    assert_eq!(g2["minPrice"], 69.0);
}

/// The hidden `name` field of the first form on `page` that has one.
fn hidden(page: &Page, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = page.body.find(&key).unwrap_or_else(|| panic!("no {name} on the page")) + key.len();
    page.body[at..at + page.body[at..].find('"').unwrap()].to_string()
}

fn day(n: i64) -> String {
    calendar::day_text(calendar::today() + time::Duration::days(n))
}

/// What a booking's order does to a day's stock (calendar orders are the orders module's).
fn book_day(app: &TestApp, goods: i64, day: &str) {
    assert!(app.write(|c| xiaodian::db::calendar::take_day(c, goods, None, day, 1)));
}

fn book_slot(app: &TestApp, goods: i64, day: &str, name: &str) {
    assert!(app.write(|c| xiaodian::db::calendar::take_slot(c, goods, None, day, name, 1)));
}

fn day_stock(app: &TestApp, goods: i64) -> Vec<(String, i64, i64)> {
    let rows =
        app.db.read_sync(|c| xiaodian::db::calendar::days(c, goods, None, &day(0), &day(9), 10)).unwrap();
    rows.into_iter().map(|d| (d.day, d.price, d.stores)).collect()
}

#[test]
fn a_day_booked_while_the_calendar_page_is_open_is_not_overwritten() {
    let app = TestApp::new();
    let room = app.goods().name("湖景大床房").price(38800).stock(10).create();
    let path = format!("/admin/goods/{room}/calendar");
    let days = format!("{path}/days");
    let mut b = Browser::staff(&app);
    let page = b.get(&path);
    let csrf = page.csrf();
    let form = |version: &str, price: &str, stores: &str| -> Vec<(String, String)> {
        [
            ("csrf", csrf.as_str()),
            ("range.sku", ""),
            ("range.from", day(0).as_str()),
            ("range.to", day(2).as_str()),
            ("price", price),
            ("stores", stores),
            ("version", version),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    let post = |b: &mut Browser, f: Vec<(String, String)>| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        b.post(&days, &f)
    };
    // New days need a price and a stock.
    let refused = post(&mut b, form(&hidden(&page, "version"), "", "5"));
    assert_eq!(refused.status, 422);
    refused.assert_has("还没有设置过，需要填写价格");
    let saved = post(&mut b, form(&hidden(&page, "version"), "388", "5"));
    assert_eq!(saved.status, 303, "{}", saved.body);

    // The page is opened, day 1 is booked, the merchant sets 6 rooms on days 0–2: refused,
    // naming day 1 and its stock now, the typed values still in the form, nothing written.
    let opened = b.get(&path);
    book_day(&app, room, &day(1));
    let refused = post(&mut b, form(&hidden(&opened, "version"), "399", "6"));
    assert_eq!(refused.status, 409, "{}", refused.body);
    refused.assert_has(&format!("{} 的库存在你读取之后变成了 4，你要改成 6", day(1)));
    refused.assert_has("name=\"price\" value=\"399\"").assert_has("name=\"stores\" value=\"6\"");
    let before = vec![(day(0), 38800, 5), (day(1), 38800, 4), (day(2), 38800, 5)];
    assert_eq!(day_stock(&app, room), before);
    // Saving the form as it came back (based on the calendar now) writes it.
    let saved = post(&mut b, form(&hidden(&refused, "version"), "399", "6"));
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(day_stock(&app, room), vec![(day(0), 39900, 6), (day(1), 39900, 6), (day(2), 39900, 6)]);

    // "+2" adds to each day whatever was booked; a price alone leaves every day's stock.
    let opened = b.get(&path);
    book_day(&app, room, &day(0));
    assert_eq!(post(&mut b, form(&hidden(&opened, "version"), "", "+2")).status, 303);
    book_day(&app, room, &day(2));
    assert_eq!(post(&mut b, form(&hidden(&opened, "version"), "420", "")).status, 303);
    assert_eq!(day_stock(&app, room), vec![(day(0), 42000, 7), (day(1), 42000, 8), (day(2), 42000, 7)]);

    // Slots the same way.
    let slots = format!("{path}/slots");
    let slot_form = |version: &str, stores: &str| -> Vec<(String, String)> {
        [
            ("csrf", csrf.as_str()),
            ("range.from", day(0).as_str()),
            ("range.to", day(0).as_str()),
            ("names", "09:00-10:00"),
            ("price", "50"),
            ("stores", stores),
            ("version", version),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    let post_slots = |b: &mut Browser, f: Vec<(String, String)>| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        b.post(&slots, &f)
    };
    let opened = b.get(&path);
    assert_eq!(post_slots(&mut b, slot_form(&hidden(&opened, "version"), "3")).status, 303);
    let opened = b.get(&path);
    book_slot(&app, room, &day(0), "09:00-10:00");
    let refused = post_slots(&mut b, slot_form(&hidden(&opened, "version"), "5"));
    assert_eq!(refused.status, 409, "{}", refused.body);
    refused.assert_has(&format!("{} 09:00-10:00 的库存在你读取之后变成了 2", day(0)));
    refused.assert_has("09:00-10:00</textarea>");
    let slot = app.query(|c| calendar::time_slot(c, room, None, &day(0), "09:00-10:00"));
    assert_eq!(slot.unwrap().stores, 2);
}

#[test]
fn calendar_stock_sent_as_a_number_needs_the_version_and_a_booked_day_is_not_overwritten() {
    let app = TestApp::with_key(KEY);
    let (_, _, g) = api(&app, "POST", "/goods", Some(&json!({"name": "湖景房", "minPrice": 388})), None);
    let room = g["id"].as_i64().unwrap();
    let path = format!("/goods/{room}/calendar");
    let set = |stores: i64| json!({"from": day(0), "to": day(1), "price": 388, "stores": stores});
    // Days not set yet need no version.
    let (s, tag, days) = api(&app, "PUT", &path, Some(&set(5)), None);
    assert_eq!((s, days.as_array().unwrap().len()), (200, 2), "{days}");
    let (_, read_tag, _) = api(&app, "GET", &path, None, None);
    assert_eq!(read_tag, tag);

    book_day(&app, room, &day(1));
    let (s, _, body) = api(&app, "PUT", &path, Some(&set(6)), None);
    assert_eq!((s, body["field"].as_str()), (428, Some("version")), "{body}");
    let (s, now_tag, body) = api(&app, "PUT", &path, Some(&set(6)), Some(&tag));
    assert_eq!(s, 409, "{body}");
    assert_eq!(body["current"][1]["stores"], 4);
    assert_ne!(now_tag, tag);
    assert!(body["error"].as_str().unwrap().contains(&day(1)), "{body}");
    let (s, _, body) = api(&app, "PUT", &path, Some(&set(6)), Some(&now_tag));
    assert_eq!((s, body[1]["stores"].as_i64()), (200, Some(6)), "{body}");

    // `addStores` and a price alone need no version; neither undoes a booking.
    book_day(&app, room, &day(0));
    let add = json!({"from": day(0), "to": day(1), "addStores": 1});
    let (s, _, body) = api(&app, "PUT", &path, Some(&add), None);
    assert_eq!((s, body[0]["stores"].as_i64(), body[1]["stores"].as_i64()), (200, Some(6), Some(7)));
    let price = json!({"from": day(0), "to": day(1), "price": 399});
    let (s, _, body) = api(&app, "PUT", &path, Some(&price), None);
    assert_eq!((s, body[0]["stores"].as_i64(), body[0]["price"].as_f64()), (200, Some(6), Some(399.0)));
    let (s, _, body) =
        api(&app, "PUT", &path, Some(&json!({"from": day(5), "to": day(5), "price": 1})), None);
    assert_eq!((s, body["field"].as_str()), (422, Some("stores")), "a new day needs a stock: {body}");

    // Slots: the same rule.
    let spath = format!("/goods/{room}/time-slots");
    let slot = |stores: i64| json!({"from": day(0), "to": day(0), "slots": [{"name": "上午", "price": 50, "stores": stores}]});
    let (s, tag, _) = api(&app, "PUT", &spath, Some(&slot(3)), None);
    assert_eq!(s, 200);
    book_slot(&app, room, &day(0), "上午");
    let (s, _, body) = api(&app, "PUT", &spath, Some(&slot(5)), Some(&tag));
    assert_eq!((s, body["current"][0]["stores"].as_i64()), (409, Some(2)), "{body}");
    let (s, _, body) = api(&app, "PUT", &spath, Some(&slot(5)), None);
    assert_eq!(s, 428, "{body}");
}

fn coupon_rule(total: i64) -> RuleFields {
    RuleFields {
        name: "满100减10".into(),
        money_type: 0,
        money: 1000,
        money_hreshold: 10000,
        valid_type: 1,
        valid_days: 7,
        number_total: total,
        per_user: 0,
        ..Default::default()
    }
}

fn coupon_counts(app: &TestApp, id: i64) -> (i64, i64) {
    app.query(|c| {
        c.query_row("SELECT number_total, number_taken FROM coupon_rules WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    })
}

#[test]
fn coupons_taken_while_a_rule_is_edited_stay_taken() {
    let app = TestApp::with_key(KEY);
    let (_, token) = app.shopper("alice");
    let id = app.coupon().fields(|f| *f = coupon_rule(10)).create();
    let path = format!("/admin/coupons/{id}");
    let mut b = Browser::staff(&app);
    let opened = b.get(&path);
    opened.assert_has("已被领取 0 张");
    let csrf = opened.csrf();
    for _ in 0..3 {
        assert_code(&app.post("/shop/discounts/fetch", &[("token", &token), ("id", &id.to_string())]), 0);
    }
    // The form read before the takes saves the total it showed; the takes stand.
    let form = |total: &'static str, name: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("csrf", csrf.clone()),
            ("name", name.into()),
            ("kind", String::new()),
            ("money_type", "0".into()),
            ("money", "10".into()),
            ("money_max", String::new()),
            ("money_hreshold", "100".into()),
            ("scope", "0".into()),
            ("refs", String::new()),
            ("valid_type", "1".into()),
            ("date_start", String::new()),
            ("date_end", String::new()),
            ("valid_days", "7".into()),
            ("number_total", total.into()),
            ("per_user", "0".into()),
            ("need_score", "0".into()),
            ("need_amount", String::new()),
            ("pwd", String::new()),
            ("status", "0".into()),
            ("paixu", "0".into()),
        ]
    };
    let post = |b: &mut Browser, f: Vec<(&str, String)>| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        b.post(&path, &f)
    };
    assert_eq!(post(&mut b, form("10", "满100减10（周末）")).status, 303);
    assert_eq!(coupon_counts(&app, id), (10, 3));
    // A total below what shoppers took since is refused with the count now, typed values kept.
    let refused = post(&mut b, form("2", "改名"));
    assert_eq!(refused.status, 422);
    refused
        .assert_has("已领取 3 张，发放总量不能少于它")
        .assert_has("已被领取 3 张")
        .assert_has("value=\"改名\"");
    assert_eq!(coupon_counts(&app, id), (10, 3));

    // The merchant API: a PUT without `numberTotal` leaves the total (and what was taken) alone.
    let body = json!({"name": "满100减10", "money": 10, "moneyHreshold": 100, "validType": 1, "validDays": 7, "perUser": 0});
    let (s, _, rule) = api(&app, "PUT", &format!("/coupons/{id}"), Some(&body), None);
    assert_eq!(
        (s, rule["numberTotal"].as_i64(), rule["numberTaken"].as_i64()),
        (200, Some(10), Some(3)),
        "{rule}"
    );
    let mut lower = body.clone();
    lower["numberTotal"] = json!(2);
    let (s, _, err) = api(&app, "PUT", &format!("/coupons/{id}"), Some(&lower), None);
    assert_eq!((s, err["field"].as_str()), (422, Some("numberTotal")), "{err}");
}

#[test]
fn a_shoppers_goods_edited_without_a_stock_keeps_what_orders_left() {
    let app = TestApp::new();
    let (_, alice) = app.login_wechat("code-alice");
    let (_, bob) = app.shopper("bob");
    let res = app.post(
        "/shop/shop/goods/putOrUpdate",
        &[("token", &alice), ("name", "旧台灯"), ("minPrice", "8"), ("stores", "5")],
    );
    assert_code(&res, 0);
    let id = res["data"]["id"].as_i64().unwrap();
    app.write(|c| xiaodian::service::publish::review(c, id, true, "", unix_now()));
    order(&app, &bob, id, 2, "");
    let res = app.post(
        "/shop/shop/goods/putOrUpdate",
        &[("token", &alice), ("id", &id.to_string()), ("name", "旧台灯（九成新）"), ("minPrice", "8")],
    );
    assert_code(&res, 0);
    assert_eq!(app.goods_stores(id), 3, "an edit without `stores` leaves the stock to the orders");
    let res = app.post(
        "/shop/shop/goods/putOrUpdate",
        &[("token", &alice), ("id", &id.to_string()), ("name", "旧台灯"), ("minPrice", "8"), ("stores", "4")],
    );
    assert_code(&res, 0);
    assert_eq!(app.goods_stores(id), 4);
}

#[test]
fn number_orders_counts_orders_not_order_lines() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("alice");
    app.credit(uid, Account::Balance, 100_000);
    let shirt = app.add_goods(tee("T恤"));
    let (red, blue) = (app.tee_key(shirt, "红", "L"), app.tee_key(shirt, "蓝", "L"));
    let two_skus = json!([
        {"goodsId": shirt, "number": 1, "propertyChildIds": red, "logisticsType": 0},
        {"goodsId": shirt, "number": 2, "propertyChildIds": blue, "logisticsType": 0}
    ])
    .to_string();
    let res = create(&app, &token, &two_skus, &[]);
    assert_code(&res, 0);
    let id = res["data"]["id"].as_i64().unwrap().to_string();
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &id)]), 0);
    let counts = || -> (i64, i64) {
        app.query(|c| {
            c.query_row("SELECT number_orders, number_sells FROM goods WHERE id = ?1", [shirt], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
        })
    };
    assert_eq!(counts(), (1, 3), "one order of two lines is one order of three pieces");
    let detail = app.get("/shop/shop/goods/detail", &[("id", &shirt.to_string())]);
    assert_eq!(detail["data"]["basicInfo"]["numberOrders"], 1);
    let id = order(&app, &token, shirt, 1, &red);
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &id)]), 0);
    assert_eq!(counts(), (2, 4));
}
