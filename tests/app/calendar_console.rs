//! The console's goods calendar (/admin/goods/<id>/calendar) and shopper goods review
//! (/admin/goods-review): forms that write what the shop then answers, CSRF refusals, and
//! messages for bad input.

use serde_json::json;
use xiaodian::service::calendar;

use crate::support::*;

fn day(n: i64) -> String {
    calendar::day_text(calendar::today() + time::Duration::days(n))
}

#[test]
fn the_calendar_page_sets_days_and_slots_that_the_shop_then_answers() {
    let app = TestApp::with_key("calendar-key-123");
    let id = app.api_goods(json!({"name": "山景双床房", "minPrice": 300, "stores": 5}));
    let gid = id.to_string();
    let path = format!("/admin/goods/{id}/calendar");
    let mut b = Browser::staff(&app);
    let page = b.get(&path);
    assert_eq!(page.status, 200);
    page.assert_has("山景双床房").assert_has("还没有设置今天以后的日期");
    let csrf = page.csrf();

    let days = format!("{path}/days");
    let (from, to) = (day(0), day(2));
    let forged = b.post(
        &days,
        &[("csrf", "x"), ("range.from", &from), ("range.to", &to), ("price", "1"), ("stores", "1")],
    );
    assert_eq!(forged.status, 403);
    let saved = b.post(
        &days,
        &[
            ("csrf", &csrf),
            ("range.sku", ""),
            ("range.from", &from),
            ("range.to", &to),
            ("price", "420.5"),
            ("stores", "4"),
        ],
    );
    assert_eq!((saved.status, saved.location()), (303, path.as_str()));
    b.get(&path).assert_has("已设置 3 天的价格和库存").assert_has("420.50").assert_has(&day(2));
    let shop = app.get("/shop/shop/goods/price/day", &[("goodsId", &gid)]);
    assert_eq!(shop["data"].as_array().unwrap().len(), 3);
    assert_eq!(shop["data"][0]["price"], 420.5);

    // Refused: the page again with the message and what was typed.
    let bad = b.post(
        &days,
        &[("csrf", &csrf), ("range.from", &to), ("range.to", &from), ("price", "1"), ("stores", "1")],
    );
    assert_eq!(bad.status, 422);
    bad.assert_has("结束日期不能早于开始日期").assert_has(&format!("name=\"range.from\" value=\"{to}\""));
    let bad = b.post(
        &days,
        &[("csrf", &csrf), ("range.from", &from), ("range.to", &to), ("price", "abc"), ("stores", "1")],
    );
    assert_eq!(bad.status, 422);
    bad.assert_has("价格应为").assert_has("name=\"price\" value=\"abc\"");

    let gone = b
        .post(&format!("{path}/days/delete"), &[("csrf", &csrf), ("range.from", &from), ("range.to", &from)]);
    assert_eq!(gone.status, 303);
    b.get(&path).assert_has("已删除 1 天");
    let shop = app.get("/shop/shop/goods/price/day", &[("goodsId", &gid)]);
    assert_eq!(shop["data"].as_array().unwrap().len(), 2);

    let slots = format!("{path}/slots");
    b.post(
        &slots,
        &[
            ("csrf", &csrf),
            ("range.from", &from),
            ("range.to", &from),
            ("names", "09:00-10:00\n14:00-15:00"),
            ("price", "60"),
            ("stores", "3"),
        ],
    );
    b.get(&path).assert_has("已设置 2 个时段").assert_has("14:00-15:00");
    let items = app.post("/shop/shop/goods/times/items", &[("day", &from), ("goodsId", &gid)]);
    assert_code(&items, 0);
    assert_eq!(items["data"].as_array().unwrap().len(), 2);
    let slot_id = items["data"][0]["id"].as_i64().unwrap();
    let one = b.post(&format!("{path}/slots/{slot_id}/delete"), &[("csrf", &csrf)]);
    assert_eq!(one.status, 303);
    let items = app.post("/shop/shop/goods/times/items", &[("day", &from), ("goodsId", &gid)]);
    assert_eq!(items["data"].as_array().unwrap().len(), 1);
    b.post(
        &format!("{path}/slots/delete"),
        &[("csrf", &csrf), ("range.from", &from), ("range.to", &from), ("name", "")],
    );
    assert_code(&app.post("/shop/shop/goods/times/items", &[("day", &from), ("goodsId", &gid)]), 700);

    assert_eq!(b.get("/admin/goods/999999/calendar").status, 404);
}

#[test]
fn the_review_page_approves_and_rejects_shoppers_goods() {
    let app = TestApp::new();
    let (_, alice) = app.login_wechat("code-alice");
    let put = |name: &str| {
        let res =
            app.post("/shop/shop/goods/putOrUpdate", &[("token", &alice), ("name", name), ("minPrice", "8")]);
        res["data"]["id"].as_i64().unwrap()
    };
    let (lamp, chair) = (put("旧台灯"), put("旧椅子"));
    let mut b = Browser::staff(&app);
    let page = b.get("/admin/goods-review");
    assert_eq!(page.status, 200);
    page.assert_has("旧台灯").assert_has("旧椅子").assert_has("商品审核");
    let csrf = page.csrf();

    assert_eq!(b.post(&format!("/admin/goods-review/{lamp}/approve"), &[("csrf", "x")]).status, 403);
    assert_eq!(b.post(&format!("/admin/goods-review/{lamp}/approve"), &[("csrf", &csrf)]).status, 303);
    assert_code(&app.get("/shop/shop/goods/detail", &[("id", &lamp.to_string())]), 0);

    b.post(&format!("/admin/goods-review/{chair}/reject"), &[("csrf", &csrf), ("reason", " ")]);
    b.get("/admin/goods-review").assert_has("请填写拒绝原因");
    b.post(&format!("/admin/goods-review/{chair}/reject"), &[("csrf", &csrf), ("reason", "图片太模糊")]);
    let rejected = b.get("/admin/goods-review?review=2");
    rejected.assert_has("旧椅子").assert_has("图片太模糊");
    assert!(!b.get("/admin/goods-review").body.contains("旧椅子"));
    let mine = app.post("/shop/shop/goods/mygoods", &[("token", &alice)]);
    let chair_row =
        mine["data"]["result"].as_array().unwrap().iter().find(|g| g["id"] == chair).unwrap().clone();
    assert_eq!(chair_row["reviewStatus"], 2);
    assert_eq!(chair_row["reviewRemark"], "图片太模糊");

    assert_eq!(b.post("/admin/goods-review/999999/approve", &[("csrf", &csrf)]).status, 404);
}
