//! The console's 门店 and 商品评价 pages through HTTP like a browser: shops added, edited and
//! deleted after a confirmation, a shopper's application approved or rejected, reviews
//! filtered, replied to and hidden — each checked from the shopper's side of the API.

use serde_json::Value;

use crate::support::*;

fn shop_form<'a>(csrf: &'a str, typed: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("csrf", csrf),
        ("f.name", ""),
        ("f.pic", ""),
        ("f.characteristic", ""),
        ("f.introduce", ""),
        ("f.activity", ""),
        ("f.address", ""),
        ("f.link_man", ""),
        ("f.link_phone", ""),
        ("f.opening_hours", ""),
        ("f.number", ""),
        ("f.kind", ""),
        ("f.province_id", ""),
        ("f.city_id", ""),
        ("f.district_id", ""),
        ("f.latitude", ""),
        ("f.longitude", ""),
        ("f.paixu", "0"),
    ];
    for (name, value) in typed {
        match form.iter_mut().find(|(n, _)| n == name) {
            Some(f) => f.1 = value,
            None => form.push((name, value)),
        }
    }
    form
}

fn shop_detail(app: &TestApp, id: i64) -> Value {
    app.get("/shop/shop/subshop/detail/v2", &[("id", &id.to_string())])
}

fn pick_points(app: &TestApp) -> Value {
    app.post("/shop/shop/subshop/pickPoints", &[])
}

#[test]
fn shops_are_added_edited_searched_and_deleted_after_a_confirmation() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    b.get("/admin/shops").assert_has("<h1>门店").assert_has("没有符合条件的门店");
    let csrf = b.get("/admin/shops/new").assert_has("新增门店").csrf();

    // Bad coordinates come back with the reason and what was typed.
    let typed = [
        ("f.name", "西湖店"),
        ("f.address", "杭州市西湖区"),
        ("f.latitude", "95"),
        ("f.longitude", "120.15"),
    ];
    let bad = b.post("/admin/shops/new", &shop_form(&csrf, &typed));
    assert_eq!(bad.status, 422);
    bad.assert_has("纬度应在 -90 到 90 之间").assert_has("杭州市西湖区");
    let bad =
        b.post("/admin/shops/new", &shop_form(&csrf, &[("f.name", "西湖店"), ("f.latitude", "北纬30")]));
    bad.assert_has("纬度应为数字");
    let bad = b.post("/admin/shops/new", &shop_form(&csrf, &[("f.name", "  ")]));
    bad.assert_has("请填写名称");
    assert_eq!(app.query(|c| c.query_row("SELECT count(*) FROM shops", [], |r| r.get::<_, i64>(0))), 0);

    let typed = [
        ("f.name", "西湖店"),
        ("f.address", "杭州市西湖区"),
        ("f.link_phone", "0571-8888"),
        ("f.opening_hours", "09:00-21:00"),
        ("f.latitude", "30.2741"),
        ("f.longitude", "120.1551"),
        ("f.is_pick_point", "true"),
    ];
    let saved = b.post("/admin/shops/new", &shop_form(&csrf, &typed));
    assert_eq!((saved.status, saved.location()), (303, "/admin/shops"), "{}", saved.body);
    let id: i64 = app.query(|c| c.query_row("SELECT id FROM shops", [], |r| r.get(0)));
    let d = shop_detail(&app, id);
    assert_code(&d, 0);
    assert_eq!(d["data"]["info"]["name"].as_str().or(d["data"]["name"].as_str()), Some("西湖店"), "{d}");
    assert_code(&pick_points(&app), 0);

    b.get("/admin/shops").assert_has("西湖店").assert_has("09:00-21:00").assert_has("自提点");
    assert!(!b.get("/admin/shops?q=滨江").body.contains("西湖店"));
    b.get("/admin/shops?q=西湖&pick=true").assert_has("西湖店");

    // Edit: no longer a pick-up point.
    let edit = b.get(&format!("/admin/shops/{id}"));
    edit.assert_has("30.2741").assert_has("营业中");
    let typed = [("f.name", "西湖旗舰店"), ("f.latitude", "30.2741"), ("f.longitude", "120.1551")];
    let saved = b.post(&format!("/admin/shops/{id}"), &shop_form(&csrf, &typed));
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_code(&pick_points(&app), 700);
    b.get("/admin/shops").assert_has("西湖旗舰店");

    // Delete asks first; only the confirmed post with the token deletes.
    let ask = b.get(&format!("/admin/shops/{id}/delete"));
    ask.assert_has("确定要删除").assert_has("西湖旗舰店");
    assert_eq!(b.post(&format!("/admin/shops/{id}/delete"), &[("csrf", "x")]).status, 403);
    assert_code(&shop_detail(&app, id), 0);
    let gone = b.post(&format!("/admin/shops/{id}/delete"), &[("csrf", &csrf)]);
    assert_eq!(gone.status, 303);
    assert_ne!(shop_detail(&app, id)["code"], 0);
    assert_eq!(b.get(&format!("/admin/shops/{id}")).status, 404);
}

#[test]
fn a_shoppers_shop_application_is_approved_and_another_rejected() {
    let app = TestApp::new();
    let (_, token) = app.shopper("小王");
    let apply = |name: &str| -> i64 {
        let res = app.post(
            "/shop/shop/subshop/apply",
            &[("token", &token), ("name", name), ("address", "杭州市滨江区"), ("linkPhone", "13800000000")],
        );
        assert_code(&res, 0);
        res["data"]["id"].as_i64().or(res["data"]["info"]["id"].as_i64()).expect("application id")
    };
    let (good, bad) = (apply("小王便利店"), apply("小王水果店"));
    assert_ne!(shop_detail(&app, good)["code"], 0, "not shown before approval");

    let mut b = Browser::staff(&app);
    b.get("/admin").assert_has("href=\"/admin/shops\"");
    let waiting = b.get("/admin/shops?status=1");
    waiting.assert_has("待审核申请").assert_has("小王便利店").assert_has("小王水果店").assert_has("用户 #");
    let csrf = waiting.csrf();
    assert!(!b.get("/admin/shops").body.contains("小王便利店"), "applications are not listed as shops");

    assert_eq!(b.post(&format!("/admin/shops/{good}/approve"), &[("csrf", "x")]).status, 403);
    let approved = b.post(&format!("/admin/shops/{good}/approve"), &[("csrf", &csrf)]);
    assert_eq!((approved.status, approved.location()), (303, "/admin/shops?status=1"));
    b.get("/admin/shops?status=1").assert_has("已通过「小王便利店」的申请");
    assert_code(&shop_detail(&app, good), 0);
    b.get("/admin/shops").assert_has("小王便利店");

    let rejected = b.post(&format!("/admin/shops/{bad}/reject"), &[("csrf", &csrf)]);
    assert_eq!(rejected.status, 303);
    assert_ne!(shop_detail(&app, bad)["code"], 0);
    b.get("/admin/shops?status=2").assert_has("小王水果店");
    let mine = app.get("/shop/shop/subshop/my", &[("token", &token)]);
    assert_code(&mine, 0);
    let text = mine.to_string();
    assert!(text.contains("小王水果店") && text.contains("小王便利店"), "{text}");

    // An open shop is not an application: rejecting it is refused with a message.
    let again = b.post(&format!("/admin/shops/{good}/reject"), &[("csrf", &csrf)]);
    assert_eq!(again.location(), format!("/admin/shops/{good}"));
    b.get(&format!("/admin/shops/{good}")).assert_has("不是待审核的申请");
    assert_code(&shop_detail(&app, good), 0);
}

/// A goods with three reviews (good, medium, bad), the bad one with a picture; their ids.
fn goods_with_reviews(app: &TestApp) -> (i64, [i64; 3]) {
    let (alice, _) = app.shopper("阿丽");
    let (bob, _) = app.shopper("小博");
    let goods = app.goods().name("龙井茶").price(100).create();
    let cup = app.goods().name("茶杯").price(100).create();
    let mut ids = [0; 3];
    for (i, (user, level, remark)) in
        [(alice, 2, "香气很好"), (bob, 1, "一般般"), (bob, 0, "包装破了")].into_iter().enumerate()
    {
        let pics: &[&str] = if level == 0 { &["https://example.com/broken.png"] } else { &[] };
        ids[i] = app.review(goods, user, level, level + 3, remark, pics);
    }
    app.review(cup, alice, 2, 5, "杯子不错", &[]);
    (goods, ids)
}

fn shown_reviews(app: &TestApp, goods: i64) -> Value {
    app.post("/shop/shop/goods/reputation/v2", &[("goodsId", &goods.to_string())])
}

#[test]
fn reviews_are_filtered_replied_to_hidden_and_shown_again() {
    let app = TestApp::new();
    let (goods, [good, _medium, bad]) = goods_with_reviews(&app);
    let mut b = Browser::staff(&app);
    let all = b.get("/admin/reputations");
    assert_eq!(all.status, 200);
    all.assert_has("<h1>商品评价").assert_has("香气很好").assert_has("包装破了").assert_has("杯子不错");
    all.assert_has("https://example.com/broken.png").assert_has("阿丽");
    let only_bad = b.get("/admin/reputations?level=0");
    only_bad.assert_has("包装破了");
    assert!(!only_bad.body.contains("香气很好"));
    let by_goods = b.get(&format!("/admin/reputations?goods={goods}"));
    assert!(by_goods.body.contains("一般般") && !by_goods.body.contains("杯子不错"));
    let by_name = b.get("/admin/reputations?q=茶杯");
    assert!(by_name.body.contains("杯子不错") && !by_name.body.contains("香气很好"));
    let csrf = all.csrf();

    // Reply: the shopper sees it at once.
    let back = "/admin/reputations?level=2&page=1";
    let replied = b.post(
        &format!("/admin/reputations/{good}/reply"),
        &[("csrf", &csrf), ("reply", "谢谢喜欢！"), ("back", back)],
    );
    assert_eq!((replied.status, replied.location()), (303, back));
    b.get(back).assert_has("回复已保存").assert_has("谢谢喜欢！");
    let shown = shown_reviews(&app, goods);
    assert_code(&shown, 0);
    assert!(shown.to_string().contains("谢谢喜欢！"), "{shown}");
    let long = "长".repeat(501);
    let refused = b.post(&format!("/admin/reputations/{good}/reply"), &[("csrf", &csrf), ("reply", &long)]);
    assert_eq!(refused.location(), "/admin/reputations");
    b.get("/admin/reputations").assert_has("回复最多 500 个字");
    // A foreign "back" never leaves the console.
    let outside = b.post(
        &format!("/admin/reputations/{good}/reply"),
        &[("csrf", &csrf), ("reply", "谢谢"), ("back", "https://evil.example/")],
    );
    assert_eq!(outside.location(), "/admin/reputations");

    // Hide: gone from the shop and from the goods' count; hidden filter finds it; show again.
    let count = || -> i64 {
        app.query(|c| c.query_row("SELECT number_reputation FROM goods WHERE id = ?1", [goods], |r| r.get(0)))
    };
    assert_eq!(count(), 3);
    assert_eq!(b.post(&format!("/admin/reputations/{bad}/hide"), &[("csrf", "x")]).status, 403);
    let hidden = b.post(&format!("/admin/reputations/{bad}/hide"), &[("csrf", &csrf)]);
    assert_eq!(hidden.status, 303);
    assert_eq!(count(), 2);
    assert!(!shown_reviews(&app, goods).to_string().contains("包装破了"));
    let list = b.get("/admin/reputations?hidden=1");
    list.assert_has("评价已隐藏").assert_has("包装破了").assert_has("重新显示");
    assert!(!list.body.contains("香气很好"));
    b.post(&format!("/admin/reputations/{bad}/show"), &[("csrf", &csrf)]);
    assert_eq!(count(), 3);
    assert!(shown_reviews(&app, goods).to_string().contains("包装破了"));

    let missing = b.post("/admin/reputations/99999/hide", &[("csrf", &csrf)]);
    assert_eq!(missing.status, 303);
    b.get("/admin/reputations").assert_has("评价不存在");
}
