//! Calendar goods: daily prices and stock (goodsPriceDaily) and bookable time slots
//! (goodsTimesDays / goodsTimesDayItems), set through the merchant API and read by the shop;
//! goodsRebate from the member level; videoDetail for a goods' uploaded video.

use serde_json::{json, Value};
use xiaodian::db;
use xiaodian::error::ApiError;
use xiaodian::service::calendar;

use crate::support::*;

const KEY: &str = "calendar-key-123";

#[track_caller]
fn refused(res: (u16, Value), status: u16, field: Option<&str>) {
    assert_eq!(res.0, status, "{}", res.1);
    assert_eq!(res.1["field"].as_str(), field, "{}", res.1);
}

/// The day `n` days after today in the shop's time zone.
fn day(n: i64) -> String {
    calendar::day_text(calendar::today() + time::Duration::days(n))
}

#[test]
fn daily_prices_are_set_for_a_range_and_read_from_today_on() {
    let app = TestApp::with_key(KEY);
    let room = app.api_goods(json!({"name": "湖景大床房", "minPrice": 388, "stores": 10}));
    let path = format!("/goods/{room}/calendar");
    let empty = app.get("/shop/shop/goods/price/day", &[("goodsId", &room.to_string())]);
    assert_code(&empty, 700);

    let (status, days) =
        app.api("PUT", &path, Some(&json!({"from": day(-1), "to": day(2), "price": 399.5, "stores": 3})));
    assert_eq!(status, 200, "{days}");
    assert_eq!(days.as_array().unwrap().len(), 4);
    // Day 1 is set already: a stock over it says which calendar version it is based on.
    let tag = app.merchant(KEY).get(&path).header("etag").to_string();
    let full = json!({"from": day(1), "to": day(1), "price": 599, "stores": 0});
    assert_eq!(app.merchant(KEY).if_match(Some(&tag)).json("PUT", &path, &full).status, 200);

    let res = app.get("/shop/shop/goods/price/day", &[("goodsId", &room.to_string()), ("priceId", "")]);
    assert_code(&res, 0);
    let list = res["data"].as_array().unwrap();
    assert_eq!(list.len(), 3, "yesterday is past: {res}");
    assert_eq!(list[0]["day"], day(0));
    assert_eq!(list[0]["price"], 399.5);
    assert_eq!(list[0]["stores"], 3);
    assert_eq!(list[0]["goodsId"], room);
    assert_eq!((list[1]["price"].as_f64(), list[1]["stores"].as_i64()), (Some(599.0), Some(0)));

    // Checkout's view of one day.
    let found = app.query(|c| calendar::day_price(c, room, None, &day(2))).unwrap();
    assert_eq!((found.price, found.stores), (39950, 3));
    assert!(app.query(|c| calendar::day_price(c, room, None, &day(30))).is_none());
    let bad = ApiError::from(app.db.read_sync(|c| calendar::day_price(c, room, None, "明天")).unwrap_err());
    assert!(bad.msg().contains("day"), "{}", bad.msg());

    let (status, gone) = app.api("DELETE", &format!("{path}?from={}&to={}", day(0), day(0)), None);
    assert_eq!((status, gone["removed"].as_i64()), (200, Some(1)));
    let (_, left) = app.api("GET", &path, None);
    assert_eq!(left.as_array().unwrap().len(), 2, "{left}");
}

#[test]
fn goods_with_specs_keep_a_calendar_per_sku() {
    let app = TestApp::with_key(KEY);
    let id = app.api_goods(json!({"name": "景区门票", "properties": [{"name": "票种", "values": ["成人", "儿童"]}],
               "skuList": [{"values": ["成人"], "price": 120, "stores": 9}, {"values": ["儿童"], "price": 60, "stores": 9}]}),
    );
    let detail = app.get("/shop/shop/goods/detail", &[("id", &id.to_string())]);
    let skus = detail["data"]["skuList"].as_array().unwrap().clone();
    let (adult_key, child_key) =
        (skus[0]["propertyChildIds"].as_str().unwrap(), skus[1]["propertyChildIds"].as_str().unwrap());
    let path = format!("/goods/{id}/calendar");
    let (s, _) = app.api(
        "PUT",
        &path,
        Some(
            &json!({"propertyChildIds": adult_key, "from": day(0), "to": day(1), "price": 150, "stores": 5}),
        ),
    );
    assert_eq!(s, 200);
    app.api(
        "PUT",
        &path,
        Some(&json!({"propertyChildIds": child_key, "from": day(0), "to": day(0), "price": 70, "stores": 5})),
    );
    refused(
        app.api("PUT", &path, Some(&json!({"from": day(0), "to": day(0), "price": 1, "stores": 1}))),
        422,
        Some("propertyChildIds"),
    );

    let gid = id.to_string();
    let no_sku = app.get("/shop/shop/goods/price/day", &[("goodsId", &gid)]);
    assert_code(&no_sku, 300);
    assert!(no_sku["msg"].as_str().unwrap().contains("priceId"));
    let adult_id = skus[0]["id"].to_string();
    let adult = app.get("/shop/shop/goods/price/day", &[("goodsId", &gid), ("priceId", &adult_id)]);
    assert_code(&adult, 0);
    assert_eq!(adult["data"].as_array().unwrap().len(), 2);
    assert_eq!(adult["data"][0]["price"], 150.0);
    assert_eq!(adult["data"][0]["priceId"], skus[0]["id"]);
    let stranger = app.get("/shop/shop/goods/price/day", &[("goodsId", &gid), ("priceId", "999999")]);
    assert_code(&stranger, 300);

    // Keys arrive in any order and are read the same way.
    let child = app.query(|c| calendar::day_price(c, id, Some(child_key), &day(0))).unwrap();
    assert_eq!(child.price, 7000);
}

#[test]
fn time_slots_answer_bookable_days_and_each_days_slots() {
    let app = TestApp::with_key(KEY);
    let id = app.api_goods(json!({"name": "羽毛球场地", "minPrice": 50, "stores": 100}));
    let path = format!("/goods/{id}/time-slots");
    let gid = id.to_string();
    assert_code(&app.post("/shop/shop/goods/times/days", &[("goodsId", &gid)]), 700);

    let body = json!({"from": day(0), "to": day(2), "slots": [
        {"name": "09:00-10:00", "price": 50, "stores": 2},
        {"name": "19:00-20:00", "price": 80.5, "stores": 1}
    ]});
    let (status, slots) = app.api("PUT", &path, Some(&body));
    assert_eq!(status, 200, "{slots}");
    assert_eq!(slots.as_array().unwrap().len(), 6);
    // Day 1 is sold out in both slots.
    let sold_out = json!({"from": day(1), "to": day(1), "slots": [
        {"name": "09:00-10:00", "price": 50, "stores": 0}, {"name": "19:00-20:00", "price": 80.5, "stores": 0}
    ]});
    let tag = app.merchant(KEY).get(&path).header("etag").to_string();
    assert_eq!(app.merchant(KEY).if_match(Some(&tag)).json("PUT", &path, &sold_out).status, 200);

    let days = app.post("/shop/shop/goods/times/days", &[("goodsId", &gid), ("propertyChildIds", "")]);
    assert_code(&days, 0);
    assert_eq!(days["data"], json!([day(0), day(2)]));

    let items = app.post("/shop/shop/goods/times/items", &[("day", &day(2)), ("goodsId", &gid)]);
    assert_code(&items, 0);
    let list = items["data"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["name"], "09:00-10:00");
    assert_eq!((list[1]["price"].as_f64(), list[1]["stores"].as_i64()), (Some(80.5), Some(1)));
    let slot = app.query(|c| calendar::time_slot(c, id, None, &day(2), "19:00-20:00")).unwrap();
    assert_eq!(slot.price, 8050);

    let bad_day = app.post("/shop/shop/goods/times/items", &[("day", "12月1日"), ("goodsId", &gid)]);
    assert_code(&bad_day, 300);
    assert!(bad_day["msg"].as_str().unwrap().contains("day"));
    let spec = app.post("/shop/shop/goods/times/days", &[("goodsId", &gid), ("propertyChildIds", "1:2,")]);
    assert_code(&spec, 300);
    assert_code(&app.post("/shop/shop/goods/times/days", &[("goodsId", "999999")]), 404);

    let (s, removed) =
        app.api("DELETE", &format!("{path}?from={}&to={}&name=09:00-10:00", day(0), day(2)), None);
    assert_eq!((s, removed["removed"].as_i64()), (200, Some(3)));
    let items = app.post("/shop/shop/goods/times/items", &[("day", &day(0)), ("goodsId", &gid)]);
    assert_eq!(items["data"].as_array().unwrap().len(), 1);

    // Off the shelf: the shop no longer answers its calendar.
    app.api("POST", &format!("/goods/{id}/off-shelf"), None);
    let off = app.post("/shop/shop/goods/times/days", &[("goodsId", &gid)]);
    assert_code(&off, 404);
    assert!(off["msg"].as_str().unwrap().contains("下架"));
}

#[test]
fn calendar_writes_refuse_bad_ranges_and_unknown_goods_and_need_the_key() {
    let app = TestApp::with_key(KEY);
    let id = app.api_goods(json!({"name": "房间", "minPrice": 1}));
    let path = format!("/goods/{id}/calendar");
    refused(
        app.api("PUT", &path, Some(&json!({"from": day(3), "to": day(1), "price": 1, "stores": 1}))),
        422,
        Some("to"),
    );
    refused(
        app.api("PUT", &path, Some(&json!({"from": day(0), "to": day(400), "price": 1, "stores": 1}))),
        422,
        Some("to"),
    );
    refused(
        app.api("PUT", &path, Some(&json!({"from": "tomorrow", "to": day(1), "price": 1, "stores": 1}))),
        422,
        Some("from"),
    );
    refused(
        app.api("PUT", &path, Some(&json!({"from": day(0), "to": day(1), "price": -1, "stores": 1}))),
        422,
        Some("price"),
    );
    refused(
        app.api("PUT", &path, Some(&json!({"from": day(0), "to": day(1), "price": 1, "stores": -5}))),
        422,
        Some("stores"),
    );
    let slots = format!("/goods/{id}/time-slots");
    let twice = json!({"from": day(0), "to": day(0), "slots": [{"name": "上午", "price": 1, "stores": 1}, {"name": "上午", "price": 1, "stores": 1}]});
    refused(app.api("PUT", &slots, Some(&twice)), 422, Some("name"));
    refused(app.api("PUT", &slots, Some(&json!({"from": day(0), "to": day(0)}))), 422, Some("slots"));
    let (status, _) = app.api(
        "PUT",
        "/goods/999999/calendar",
        Some(&json!({"from": day(0), "to": day(0), "price": 1, "stores": 1})),
    );
    assert_eq!(status, 404);
    let count: i64 = app.query(|c| c.query_row("SELECT count(*) FROM goods_day_prices", [], |r| r.get(0)));
    assert_eq!(count, 0, "refused writes leave nothing behind");

    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let res = agent.get(&app.url(&format!("/admin/api/v1{path}"))).call().unwrap();
    assert_eq!(res.status().as_u16(), 401);
}

#[test]
fn the_rebate_is_the_members_level_discount() {
    let app = TestApp::with_key(KEY);
    let id = app.api_goods(json!({"name": "茶叶", "minPrice": 100, "stores": 1})).to_string();
    let anyone = app.get("/shop/shop/goods/rebate/v2", &[("goodsId", &id), ("token", "")]);
    assert_code(&anyone, 0);
    assert_eq!(anyone["data"], 10.0);

    let (uid, token) = app.shopper("会员");
    let plain = app.get("/shop/shop/goods/rebate/v2", &[("goodsId", &id), ("token", &token)]);
    assert_eq!(plain["data"], 10.0);
    app.write(|c| {
        let now = db::unix_now();
        let f = db::levels::LevelFields {
            name: "金卡".into(),
            level: 1,
            rebate_percent: 88,
            ext_json: "{}".into(),
            ..Default::default()
        };
        let level_id = db::levels::insert_level(c, &f, now)?;
        let cur = db::levels::Current {
            user_id: uid,
            level_id,
            price_id: None,
            auto_renew: false,
            date_expire: now + 86400,
        };
        db::levels::set_current(c, &cur, now)?;
        Ok::<_, Failed>(())
    });
    let member = app.get("/shop/shop/goods/rebate/v2", &[("goodsId", &id), ("token", &token)]);
    assert_code(&member, 0);
    assert_eq!(member["data"], 8.8);

    assert_code(&app.get("/shop/shop/goods/rebate/v2", &[("goodsId", &id), ("token", "forged")]), 2000);
    assert_code(&app.get("/shop/shop/goods/rebate/v2", &[("goodsId", "999999")]), 404);
    assert_code(&app.get("/shop/shop/goods/rebate/v2", &[("goodsId", "abc")]), 300);
}

#[test]
#[allow(clippy::case_sensitive_file_extension_comparisons)] // the server names uploads in lower case
fn a_goods_video_must_be_an_uploaded_video_and_video_detail_answers_its_url_and_cover() {
    let app = TestApp::with_key(KEY);
    let video = app.upload("/shop/dfs/upload/file", "upfile", "demo.mp4", &tiny_mp4(), &[]);
    assert_code(&video, 0);
    let video_id = video["data"]["id"].as_i64().unwrap();
    let picture = app.upload("/shop/dfs/upload/file", "upfile", "a.png", &tiny_png(), &[]);
    let picture_id = picture["data"]["id"].as_i64().unwrap();

    refused(
        app.api("POST", "/goods", Some(&json!({"name": "x", "videoId": picture_id}))),
        422,
        Some("videoId"),
    );
    refused(app.api("POST", "/goods", Some(&json!({"name": "x", "videoId": 999999}))), 422, Some("videoId"));
    let id = app.api_goods(json!({"name": "有视频的商品", "pic": "https://example.com/cover.png", "minPrice": 1, "videoId": video_id}),
    );
    let detail = app.get("/shop/shop/goods/detail", &[("id", &id.to_string())]);
    assert_eq!(detail["data"]["basicInfo"]["videoId"], video_id.to_string());

    let res = app.get("/shop/media/video/detail", &[("videoId", &video_id.to_string())]);
    assert_code(&res, 0);
    let url = res["data"]["fdMp4"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/uploads/", app.base)) && url.ends_with(".mp4"), "{url}");
    assert_eq!(res["data"]["coverUrl"], "https://example.com/cover.png");
    let (status, _) = app.get_raw(&url[app.base.len()..], &[]);
    assert_eq!(status, 200);

    assert_code(&app.get("/shop/media/video/detail", &[("videoId", &picture_id.to_string())]), 404);
    assert_code(&app.get("/shop/media/video/detail", &[("videoId", "999999")]), 404);
    assert_code(&app.get("/shop/media/video/detail", &[]), 300);
}

// ---- Orders of calendar goods: the chosen day's (slot's) stock, taken once and given back once.

const CREATE: &str = "/shop/order/create";

/// orderCreate as day.js sends it: `days`, one unit a day.
fn book_days(app: &TestApp, token: &str, goods: i64, days: &[String], number: usize) -> Value {
    let json = json!([{ "goodsId": goods, "number": number, "days": days }]).to_string();
    app.post(CREATE, &[("token", token), ("goodsJsonStr", &json)])
}

/// orderCreate as times02.js sends it: `goodsTimesDay` + `goodsTimesItem`.
fn book_slot(app: &TestApp, token: &str, goods: i64, on: &str, slot: &str) -> Value {
    let json =
        json!([{ "goodsId": goods, "number": 1, "goodsTimesDay": on, "goodsTimesItem": slot }]).to_string();
    app.post(CREATE, &[("token", token), ("goodsJsonStr", &json)])
}

/// Stock of the goods' own calendar day.
fn day_stores(app: &TestApp, goods: i64, on: &str) -> i64 {
    app.query(|c| calendar::day_price(c, goods, None, on)).unwrap().stores
}

fn slot_stores(app: &TestApp, goods: i64, on: &str, slot: &str) -> i64 {
    app.query(|c| calendar::time_slot(c, goods, None, on, slot)).unwrap().stores
}

fn goods_stores(app: &TestApp, goods: i64) -> i64 {
    app.query(|c| c.query_row("SELECT stores FROM goods WHERE id = ?1", [goods], |r| r.get(0)))
}

/// A hotel room: 399.50 a night with 1 room from today for three days, 599 with 2 rooms tomorrow.
fn room(app: &TestApp) -> i64 {
    let id = app.api_goods(json!({"name": "湖景大床房", "minPrice": 388, "stores": 50}));
    let path = format!("/goods/{id}/calendar");
    let all = json!({"from": day(0), "to": day(2), "price": 399.5, "stores": 1});
    assert_eq!(app.api("PUT", &path, Some(&all)).0, 200);
    // Tomorrow is already set: a stock number over it names the calendar version it was read at.
    let version = app.db.read_sync(|c| db::calendar::calendar_version(c, id)).unwrap().unwrap();
    let tomorrow = json!({"from": day(1), "to": day(1), "price": 599, "stores": 2, "version": version});
    assert_eq!(app.api("PUT", &path, Some(&tomorrow)).0, 200);
    id
}

/// A court: 19:00-20:00 (80 元, one court) and 20:00-21:00 (2 courts) on the next three days.
fn court(app: &TestApp) -> i64 {
    let id = app.api_goods(json!({"name": "羽毛球场地", "minPrice": 50, "stores": 100}));
    let body = json!({"from": day(0), "to": day(2), "slots": [
        {"name": "19:00-20:00", "price": 80, "stores": 1},
        {"name": "20:00-21:00", "price": 60, "stores": 2}
    ]});
    assert_eq!(app.api("PUT", &format!("/goods/{id}/time-slots"), Some(&body)).0, 200);
    id
}

#[test]
fn a_stay_takes_each_nights_stock_at_its_price_and_closing_gives_it_back_once() {
    let app = TestApp::with_key(KEY);
    let room = room(&app);
    let (_, alice) = app.shopper("alice");
    let (_, bob) = app.shopper("bob");
    let nights = [day(0), day(1)];

    let res = book_days(&app, &alice, room, &nights, 2);
    assert_code(&res, 0);
    assert_eq!(res["data"]["amountReal"], 998.5, "399.50 + 599.00");
    let id = res["data"]["id"].as_i64().unwrap().to_string();
    assert_eq!((day_stores(&app, room, &day(0)), day_stores(&app, room, &day(1))), (0, 1));
    assert_eq!(goods_stores(&app, room), 50, "a stay takes the nights' stock, not the goods'");
    let detail = app.get("/shop/order/detail", &[("token", &alice), ("id", &id)]);
    assert_eq!(detail["data"]["goods"][0]["days"], json!(nights));
    assert_eq!(detail["data"]["goods"][0]["amount"], 998.5);
    let daily = app.get("/shop/shop/goods/price/day", &[("goodsId", &room.to_string())]);
    assert_eq!(daily["data"][0]["stores"], 0, "goodsPriceDaily shows tonight as full");

    let full = book_days(&app, &bob, room, &[day(0)], 1);
    assert_code(&full, 30003);
    assert!(full["msg"].as_str().unwrap().contains(&day(0)), "{full}");
    assert_code(&book_days(&app, &bob, room, &[day(1)], 1), 0);
    assert_eq!(day_stores(&app, room, &day(1)), 0);

    assert_code(&app.post("/shop/order/close", &[("token", &alice), ("orderId", &id)]), 0);
    assert_eq!((day_stores(&app, room, &day(0)), day_stores(&app, room, &day(1))), (1, 1));
    assert_code(&app.post("/shop/order/close", &[("token", &alice), ("orderId", &id)]), 403);
    assert_eq!((day_stores(&app, room, &day(0)), day_stores(&app, room, &day(1))), (1, 1), "once");

    // The unpaid-order job gives the nights back the same way, once (Bob's night too).
    let res = book_days(&app, &alice, room, &[day(0)], 1);
    assert_code(&res, 0);
    assert_eq!(day_stores(&app, room, &day(0)), 0);
    let later = db::unix_now() + 31 * 60;
    assert_eq!(xiaodian::jobs::close_unpaid::run_once(&app.db, later).unwrap(), 2);
    assert_eq!(xiaodian::jobs::close_unpaid::run_once(&app.db, later + 60).unwrap(), 0);
    assert_eq!((day_stores(&app, room, &day(0)), day_stores(&app, room, &day(1))), (1, 2));
    assert_eq!(goods_stores(&app, room), 50);
}

#[test]
fn a_booking_must_name_a_day_the_merchant_set_from_today_on() {
    let app = TestApp::with_key(KEY);
    let room = room(&app);
    let (_, alice) = app.shopper("alice");
    let plain = json!([{ "goodsId": room, "number": 1 }]).to_string();
    let res = app.post(CREATE, &[("token", &alice), ("goodsJsonStr", &plain)]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("日期"), "a calendar goods needs a day: {res}");
    let cases: [(&[String], usize, &str); 5] = [
        (&[day(-1)], 1, "已过"),
        (&[day(30)], 1, "不可预订"),
        (&[day(0), day(0)], 2, "重复"),
        (&[day(0), day(1)], 3, "number"),
        (&[], 1, "至少"),
    ];
    for (days, number, says) in cases {
        let res = book_days(&app, &alice, room, days, number);
        assert_code(&res, 300);
        assert!(res["msg"].as_str().unwrap().contains(says), "{days:?}: {res}");
    }
    let both =
        json!([{ "goodsId": room, "number": 1, "days": [day(0)], "goodsTimesDay": day(0) }]).to_string();
    assert_code(&app.post(CREATE, &[("token", &alice), ("goodsJsonStr", &both)]), 300);
    assert_eq!(day_stores(&app, room, &day(0)), 1, "nothing refused took stock");
    let orders: i64 = app.query(|c| c.query_row("SELECT count(*) FROM orders", [], |r| r.get(0)));
    assert_eq!(orders, 0);
}

#[test]
fn a_slot_is_sold_once_and_comes_back_when_its_order_closes() {
    let app = TestApp::with_key(KEY);
    let court = court(&app);
    let (_, alice) = app.shopper("alice");
    let (_, bob) = app.shopper("bob");
    let on = day(1);

    let res = book_slot(&app, &alice, court, &on, "19:00-20:00");
    assert_code(&res, 0);
    assert_eq!(res["data"]["amountReal"], 80.0);
    let id = res["data"]["id"].as_i64().unwrap().to_string();
    let items = app.post("/shop/shop/goods/times/items", &[("day", &on), ("goodsId", &court.to_string())]);
    assert_eq!(items["data"][0]["stores"], 0, "goodsTimesDayItems shows it taken");
    let detail = app.get("/shop/order/detail", &[("token", &alice), ("id", &id)]);
    assert_eq!(detail["data"]["goods"][0]["goodsTimesDay"], on);
    assert_eq!(detail["data"]["goods"][0]["goodsTimesItem"], "19:00-20:00");

    let twice = book_slot(&app, &bob, court, &on, "19:00-20:00");
    assert_code(&twice, 30003);
    assert!(twice["msg"].as_str().unwrap().contains("19:00-20:00"), "{twice}");
    assert_code(&book_slot(&app, &bob, court, &on, "07:00-08:00"), 300);
    let half = json!([{ "goodsId": court, "number": 1, "goodsTimesDay": on }]).to_string();
    let res = app.post(CREATE, &[("token", &bob), ("goodsJsonStr", &half)]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("goodsTimesItem"), "{res}");
    let plain = json!([{ "goodsId": court, "number": 1 }]).to_string();
    let res = app.post(CREATE, &[("token", &bob), ("goodsJsonStr", &plain)]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("时段"), "{res}");

    assert_code(&app.post("/shop/order/close", &[("token", &alice), ("orderId", &id)]), 0);
    assert_eq!(slot_stores(&app, court, &on, "19:00-20:00"), 1);
    assert_code(&book_slot(&app, &bob, court, &on, "19:00-20:00"), 0);
    assert_eq!(slot_stores(&app, court, &on, "19:00-20:00"), 0);
    assert_eq!(goods_stores(&app, court), 100);
}

#[test]
fn twenty_shoppers_racing_for_a_slot_with_stock_one_make_exactly_one_order() {
    use std::sync::{Arc, Barrier};
    let app = TestApp::with_key(KEY);
    let court = court(&app);
    let on = day(2);
    let json = Arc::new(
        json!([{ "goodsId": court, "number": 1, "goodsTimesDay": on, "goodsTimesItem": "19:00-20:00" }])
            .to_string(),
    );
    let url = Arc::new(app.url(CREATE));
    let tokens: Vec<String> = (0..20).map(|i| app.shopper(&format!("player{i}")).1).collect();
    let start = Arc::new(Barrier::new(tokens.len()));
    let threads: Vec<_> = tokens
        .into_iter()
        .map(|token| {
            let (json, url, start) = (json.clone(), url.clone(), start.clone());
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(std::time::Duration::from_mins(1)))
                    .build()
                    .into();
                start.wait();
                let form = [("token", token.as_str()), ("goodsJsonStr", json.as_str())];
                let mut res = agent.post(url.as_str()).send_form(form).unwrap();
                let v: Value = serde_json::from_str(&res.body_mut().read_to_string().unwrap()).unwrap();
                v["code"].as_i64().unwrap()
            })
        })
        .collect();
    let codes: Vec<i64> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(codes.iter().filter(|&&c| c == 0).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|&&c| c == 30003).count(), 19, "{codes:?}");
    assert_eq!(slot_stores(&app, court, &on, "19:00-20:00"), 0, "never below zero");
    let orders: i64 = app.query(|c| c.query_row("SELECT count(*) FROM orders", [], |r| r.get(0)));
    assert_eq!(orders, 1);
}

#[test]
fn a_fully_refunded_booking_gives_its_night_back() {
    let app = TestApp::with_key(KEY);
    let room = room(&app);
    let (uid, alice) = app.shopper("alice");
    let res = book_days(&app, &alice, room, &[day(2)], 1);
    let id = res["data"]["id"].as_i64().unwrap();
    app.write(|c| {
        xiaodian::service::ledger::post(
            c,
            uid,
            xiaodian::service::ledger::Account::Balance,
            39950,
            "测试充值",
            xiaodian::service::ledger::Source::Admin,
            "",
        )?;
        xiaodian::service::order::pay_from_balance(c, uid, id, db::unix_now())
    });
    assert_eq!(day_stores(&app, room, &day(2)), 0);
    let r = xiaodian::service::order::RefundInput {
        order_id: id,
        reason: "行程取消".into(),
        ..Default::default()
    };
    let refund = app.write(|c| xiaodian::service::order::apply_refund(c, uid, &r, db::unix_now()));
    let (status, done) = app.api("POST", &format!("/refunds/{refund}/approve"), None);
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["orderClosed"], true);
    assert_eq!(day_stores(&app, room, &day(2)), 1, "the night is free again");
    assert_eq!(goods_stores(&app, room), 50);
}

#[test]
fn a_booking_closed_by_the_shopper_and_the_job_at_once_gives_its_night_back_once() {
    use std::sync::{Arc, Barrier};
    let app = TestApp::with_key(KEY);
    let room = room(&app);
    let (_, alice) = app.shopper("alice");
    let res = book_days(&app, &alice, room, &[day(1)], 1);
    let id = res["data"]["id"].as_i64().unwrap().to_string();
    assert_eq!(day_stores(&app, room, &day(1)), 1);
    let start = Arc::new(Barrier::new(9));
    let codes: Vec<i64> = std::thread::scope(|s| {
        let closers: Vec<_> = (0..8)
            .map(|_| {
                let (start, app, alice, id) = (start.clone(), &app, &alice, &id);
                s.spawn(move || {
                    start.wait();
                    app.post("/shop/order/close", &[("token", alice), ("orderId", id)])["code"]
                        .as_i64()
                        .unwrap()
                })
            })
            .collect();
        start.wait();
        let _ = xiaodian::jobs::close_unpaid::run_once(&app.db, db::unix_now() + 31 * 60).unwrap();
        closers.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(codes.iter().filter(|&&c| c == 0).count() <= 1, "{codes:?}");
    assert_eq!(day_stores(&app, room, &day(1)), 2, "the night comes back once");
}
