//! The console pages of the templates' remaining features: who waits for sold-out goods, activity
//! pages, monthly member benefits and asking a shopper for a deposit — over HTTP, with CSRF,
//! confirmation before delete and the refusals in the merchant's words.

use xiaodian::db::ledger::Account;

use crate::support::*;

#[test]
fn the_console_lists_who_waits_for_which_goods_filtered_by_goods() {
    let app = TestApp::new();
    let cup = app.goods().name("限量茶杯").price(3000).stock(0).create();
    let pot = app.goods().name("紫砂壶").price(9000).stock(0).create();
    let (_, token) = app.shopper("等货的人");
    for g in [cup, pot] {
        let res = app.post(
            "/shop/shop/goods/outofstockRegistration",
            &[("token", &token), ("goodsId", &g.to_string())],
        );
        assert_code(&res, 0);
    }
    let mut b = Browser::staff(&app);
    b.get("/admin/stock-notices").assert_has("限量茶杯").assert_has("紫砂壶").assert_has("等货的人");
    let one = b.get(&format!("/admin/stock-notices?goods_id={cup}"));
    one.assert_has("限量茶杯");
    assert!(!one.body.contains("紫砂壶"), "filtered by goods");
    let told = b.get("/admin/stock-notices?status=1");
    told.assert_has("没有到货通知登记");
}

#[test]
fn activity_pages_are_made_edited_and_deleted_after_asking() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    b.get("/admin/activity-pages").assert_has("还没有活动页");
    let csrf = b.csrf();
    let form = |title: &str, goods: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("title", title.to_string()),
            ("title_sub", "年终回馈".to_string()),
            ("date_start", "2026-12-01".to_string()),
            ("date_deadline", "2026-12-31".to_string()),
            ("address", String::new()),
            ("banner_type", "huodong".to_string()),
            ("coupon_rule_ids", String::new()),
            ("goods_ids", goods.to_string()),
            ("disclaimer_page_key", String::new()),
            ("status", "0".to_string()),
        ]
    };
    let send = |b: &mut Browser, path: &str, f: Vec<(&str, String)>| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        b.post(path, &f)
    };
    let bad = send(&mut b, "/admin/activity-pages/new", form("双十二", "1,abc"));
    assert_eq!(bad.status, 422);
    bad.assert_has("商品").assert_has("双十二");
    assert_eq!(send(&mut b, "/admin/activity-pages/new", form("", "")).status, 422);
    let made = send(&mut b, "/admin/activity-pages/new", form("双十二", "1, 2"));
    assert_eq!(made.status, 303, "{}", made.body);
    let id: i64 = app.query(|c| c.query_row("SELECT id FROM activity_malls", [], |r| r.get(0)));
    let shown = app.get("/shop/activityMallInfo/info", &[("id", &id.to_string())]);
    assert_eq!(shown["data"]["info"]["title"], "双十二", "{shown}");
    b.get("/admin/activity-pages?q=双十二").assert_has("双十二");
    b.get("/admin/activity-pages?q=端午").assert_has("没有标题包含");
    let edited = send(&mut b, &format!("/admin/activity-pages/{id}"), form("双十二狂欢", "2"));
    assert_eq!(edited.status, 303);
    b.get(&format!("/admin/activity-pages/{id}")).assert_has("双十二狂欢");
    b.get(&format!("/admin/activity-pages/{id}/delete")).assert_has("删除活动页");
    assert_eq!(b.post(&format!("/admin/activity-pages/{id}/delete"), &[("csrf", "wrong")]).status, 403);
    assert_eq!(app.count("activity_malls"), 1, "a forged post deletes nothing");
    assert_eq!(b.post(&format!("/admin/activity-pages/{id}/delete"), &[("csrf", &csrf)]).status, 303);
    assert_eq!(app.count("activity_malls"), 0);
}

#[test]
fn a_levels_monthly_benefits_are_set_from_its_page() {
    let app = TestApp::new();
    let level = app.level("黄金会员", 1).create();
    let mut b = Browser::staff(&app);
    b.get(&format!("/admin/levels/{level}")).assert_has(&format!("/admin/levels/{level}/monthly"));
    b.get(&format!("/admin/levels/{level}/monthly")).assert_has("每月赠送积分");
    let csrf = b.csrf();
    let path = format!("/admin/levels/{level}/monthly");
    let bad = b.post(&path, &[("csrf", &csrf), ("score", "100"), ("coupon_rule_ids", "999")]);
    assert_eq!(bad.status, 422);
    bad.assert_has("每月赠送优惠券").assert_has("999");
    assert_eq!(b.post(&path, &[("csrf", &csrf), ("score", "-1"), ("coupon_rule_ids", "")]).status, 422);
    assert_eq!(b.post(&path, &[("csrf", &csrf), ("score", "100"), ("coupon_rule_ids", "")]).status, 303);
    let score: i64 = app.query(|c| {
        c.query_row("SELECT score FROM level_monthly_benefits WHERE level_id = ?1", [level], |r| r.get(0))
    });
    assert_eq!(score, 100);
    assert_eq!(b.get("/admin/levels/999999/monthly").status, 404);
}

#[test]
fn the_console_asks_a_shopper_for_a_deposit_the_shopper_then_pays() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("租客");
    let mut b = Browser::staff(&app);
    b.get("/admin/deposits").assert_has("/admin/deposits/ask");
    b.get("/admin/deposits/ask").assert_has("买家 ID");
    let csrf = b.csrf();
    let ask = |b: &mut Browser, user: &str, amount: &str| {
        b.post(
            "/admin/deposits/ask",
            &[("csrf", &csrf), ("user_id", user), ("amount", amount), ("remark", "租借押金")],
        )
    };
    assert_eq!(ask(&mut b, "999999", "50").status, 422);
    assert_eq!(ask(&mut b, &uid.to_string(), "-5").status, 422);
    assert_eq!(ask(&mut b, &uid.to_string(), "abc").status, 422);
    assert_eq!(app.count("deposits"), 0, "nothing asked by a refused form");
    assert_eq!(ask(&mut b, &uid.to_string(), "50").status, 303);
    b.get("/admin/deposits?status=-1").assert_has("待支付").assert_has("50.00");

    let id: i64 = app.query(|c| c.query_row("SELECT id FROM deposits", [], |r| r.get(0)));
    app.credit(uid, Account::Balance, 5_000);
    assert_code(&app.post("/shop/deposit/payStatus", &[("token", &token), ("id", &id.to_string())]), 0);
    assert_eq!(app.account(uid).freeze, 5_000);
    b.get("/admin/deposits?status=0").assert_has("已支付");
}
