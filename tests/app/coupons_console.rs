//! The console's 优惠券 and 虚拟商品 sections and the merchant API's /coupons, through HTTP.

use serde_json::json;

use crate::support::*;

fn count(app: &TestApp, sql: &str) -> i64 {
    app.query(|c| c.query_row(sql, [], |r| r.get(0)))
}

fn rule_form<'a>(csrf: &'a str, name: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("csrf", csrf),
        ("name", name),
        ("kind", ""),
        ("money_type", "0"),
        ("money", "10"),
        ("money_max", ""),
        ("money_hreshold", "100"),
        ("scope", "0"),
        ("refs", ""),
        ("valid_type", "1"),
        ("date_start", ""),
        ("date_end", ""),
        ("valid_days", "7"),
        ("number_total", "50"),
        ("per_user", "1"),
        ("need_score", "0"),
        ("need_amount", ""),
        ("pwd", ""),
        ("status", "0"),
        ("paixu", "0"),
    ];
    for (k, v) in extra {
        if let Some(slot) = form.iter_mut().find(|(name, _)| name == k) {
            slot.1 = v;
        }
    }
    form
}

#[test]
fn the_merchant_creates_edits_switches_off_issues_and_deletes_a_coupon_in_the_console() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    b.get("/admin/coupons").assert_has("还没有优惠券");
    let csrf = b.get("/admin/coupons/new").csrf();

    let res = b.post("/admin/coupons/new", &rule_form(&csrf, "", &[]));
    assert_eq!(res.status, 422);
    res.assert_has("请填写名称");
    let res = b.post("/admin/coupons/new", &rule_form(&csrf, "七天券", &[("money", "abc")]));
    assert_eq!(res.status, 422);
    res.assert_has("面额应为");
    let res = b.post("/admin/coupons/new", &rule_form(&csrf, "七天券", &[("valid_days", "0")]));
    assert_eq!(res.status, 422);
    res.assert_has("有效天数");
    assert_eq!(count(&app, "SELECT count(*) FROM coupon_rules"), 0);

    let res = b.post("/admin/coupons/new", &rule_form(&csrf, "七天券", &[]));
    assert_eq!(res.status, 303, "{}", res.body);
    let id: i64 = app.query(|c| c.query_row("SELECT id FROM coupon_rules", [], |r| r.get(0)));
    b.get("/admin/coupons").assert_has("七天券").assert_has("减 10.00 元").assert_has("满 100.00 元");
    b.get("/admin/coupons?q=七天").assert_has("七天券");
    b.get("/admin/coupons?q=没有").assert_has("没有名称包含");

    let res = b.post(
        &format!("/admin/coupons/{id}"),
        &rule_form(
            &csrf,
            "八折券",
            &[
                ("money_type", "1"),
                ("money", "80"),
                ("valid_type", "0"),
                ("date_start", "2026-01-01 00:00"),
                ("date_end", "2099-12-31 23:59"),
            ],
        ),
    );
    assert_eq!(res.status, 303, "{}", res.body);
    b.get(&format!("/admin/coupons/{id}")).assert_has("八折券").assert_has("2099-12-31 23:59");
    let shopper = app.get("/shop/discounts/coupons", &[]);
    assert_eq!(shopper["data"][0]["money"], 8.0);

    let res = b.post(&format!("/admin/coupons/{id}/off"), &[("csrf", &csrf)]);
    assert_eq!(res.status, 303);
    assert_code(&app.get("/shop/discounts/coupons", &[]), 700);
    b.post(&format!("/admin/coupons/{id}/on"), &[("csrf", &csrf)]);
    assert_code(&app.get("/shop/discounts/coupons", &[]), 0);

    let (_, token) = app.new_shopper("alice").mobile("13800001234").create();
    b.get(&format!("/admin/coupons/{id}/issue")).assert_has("八折券");
    let res = b.post(&format!("/admin/coupons/{id}/issue"), &[("csrf", &csrf), ("users", "99999")]);
    assert_eq!(res.status, 422);
    res.assert_has("找不到用户");
    let res = b.post(&format!("/admin/coupons/{id}/issue"), &[("csrf", &csrf), ("users", "13800001234")]);
    assert_eq!(res.status, 303, "{}", res.body);
    let mine = app.get("/shop/discounts/my", &[("token", &token)]);
    assert_eq!(mine["data"][0]["source"], "admin");

    b.get(&format!("/admin/coupons/{id}/delete")).assert_has("确定要删除");
    let res = b.post(&format!("/admin/coupons/{id}/delete"), &[("csrf", &csrf)]);
    assert_eq!(res.status, 303);
    assert_eq!(count(&app, "SELECT count(*) FROM coupon_rules"), 1, "a rule shoppers hold stays");
    b.get("/admin/coupons").assert_has("不能删除");

    b.post("/admin/coupons/new", &rule_form(&csrf, "无人领", &[]));
    let spare: i64 =
        app.query(|c| c.query_row("SELECT id FROM coupon_rules WHERE name = '无人领'", [], |r| r.get(0)));
    let res = b.post(&format!("/admin/coupons/{spare}/delete"), &[("csrf", &csrf)]);
    assert_eq!(res.status, 303);
    assert_eq!(count(&app, "SELECT count(*) FROM coupon_rules"), 1);
    assert_eq!(b.post(&format!("/admin/coupons/{id}/delete"), &[("csrf", "wrong")]).status, 403);
}

#[test]
fn exchange_codes_are_generated_listed_exported_and_redeemed_once() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let csrf = b.get("/admin/coupons/new").csrf();
    b.post("/admin/coupons/new", &rule_form(&csrf, "兑换券", &[("number_total", "0")]));
    let id: i64 = app.query(|c| c.query_row("SELECT id FROM coupon_rules", [], |r| r.get(0)));

    let res = b.post(&format!("/admin/coupons/{id}/codes"), &[("csrf", &csrf), ("count", "0")]);
    assert_eq!(res.status, 303);
    let res = b.post(&format!("/admin/coupons/{id}/codes"), &[("csrf", &csrf), ("count", "5")]);
    assert_eq!(res.status, 303);
    assert_eq!(count(&app, "SELECT count(*) FROM coupon_codes"), 5);
    b.get(&format!("/admin/coupons/{id}/codes")).assert_has("未使用");

    let csv = b.get(&format!("/admin/coupons/{id}/codes.csv"));
    assert_eq!(csv.status, 200);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 6);
    assert!(lines[0].contains("兑换码,密码"));
    let first: Vec<&str> = lines[1].split(',').collect();

    let (_, token) = app.shopper("alice");
    let res =
        app.post("/shop/discounts/exchange", &[("token", &token), ("number", first[0]), ("pwd", first[1])]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["name"], "兑换券");
    let res =
        app.post("/shop/discounts/exchange", &[("token", &token), ("number", first[0]), ("pwd", first[1])]);
    assert_code(&res, 20001);
    assert!(b.get(&format!("/admin/coupons/{id}/codes.csv")).body.contains("已使用"));
}

#[test]
fn virtual_goods_and_their_cards_are_managed_in_the_console() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    b.get("/admin/virtual-goods").assert_has("还没有虚拟商品");
    let csrf = b.get("/admin/virtual-goods/new").csrf();
    let form = |name: &'static str, kind: &'static str, price: &'static str| {
        vec![
            ("name", name),
            ("pic", ""),
            ("description", "介绍"),
            ("content", "买后可见"),
            ("kind", kind),
            ("price", price),
            ("status", "0"),
            ("paixu", "0"),
        ]
    };
    let mut bad = form("月卡", "1", "x");
    bad.push(("csrf", &csrf));
    let res = b.post("/admin/virtual-goods/new", &bad);
    assert_eq!(res.status, 422);
    res.assert_has("价格应为");
    let mut good = form("月卡", "1", "0");
    good.push(("csrf", &csrf));
    assert_eq!(b.post("/admin/virtual-goods/new", &good).status, 303);
    let id: i64 = app.query(|c| c.query_row("SELECT id FROM virtual_goods", [], |r| r.get(0)));
    b.get("/admin/virtual-goods").assert_has("月卡").assert_has("卡密库存");

    let res = b.post(&format!("/admin/virtual-goods/{id}/cards"), &[("csrf", &csrf), ("cards", "AAA\nBBB")]);
    assert_eq!(res.status, 303);
    b.get(&format!("/admin/virtual-goods/{id}/cards")).assert_has("AAA").assert_has("剩余 2 张");
    let card: i64 = app
        .query(|c| c.query_row("SELECT id FROM virtual_goods_cards WHERE content = 'BBB'", [], |r| r.get(0)));
    b.post(&format!("/admin/virtual-goods/{id}/cards/{card}/delete"), &[("csrf", &csrf)]);
    assert_eq!(count(&app, "SELECT count(*) FROM virtual_goods_cards"), 1);

    let (_, token) = app.shopper("alice");
    let res = app.post("/shop/virtualTrader/buy", &[("token", &token), ("id", &id.to_string())]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["card"], "AAA");
    b.post(&format!("/admin/virtual-goods/{id}/delete"), &[("csrf", &csrf)]);
    assert_eq!(count(&app, "SELECT count(*) FROM virtual_goods"), 1, "sold goods are kept");
    b.get("/admin/virtual-goods").assert_has("不能删除");
}

const KEY: &str = "test-key-coupons";

#[test]
fn the_merchant_api_manages_coupon_rules_and_issues_coupons() {
    let app = TestApp::with_key(KEY);
    let body = json!({
        "name": "新人券", "moneyType": 0, "money": 5, "moneyHreshold": 30,
        "validType": 0, "dateStart": "2026-01-01 00:00:00", "dateEnd": "2099-01-01 00:00:00",
        "numberTotal": 100, "perUser": 1
    });
    let (status, created) = app.api("POST", "/coupons", Some(&body));
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["money"], 5.0);
    assert_eq!(created["dateEnd"], "2099-01-01 00:00:00");
    let id = created["id"].as_i64().unwrap();

    let (status, bad) = app.api("POST", "/coupons", Some(&json!({"name": "x", "money": 5, "validType": 1})));
    assert_eq!(status, 422, "{bad}");
    assert_eq!(bad["field"], "validDays");
    let (status, bad) = app.api("POST", "/coupons", Some(&json!({"name": "x", "colour": "red"})));
    assert_eq!(status, 422, "{bad}");

    let (status, page) = app.api("GET", "/coupons?search=新人", None);
    assert_eq!(status, 200);
    assert_eq!(page["total"], 1, "{page}");

    let put = json!({"name": "新人八折", "moneyType": 1, "discountPercent": 80, "validType": 1, "validDays": 3, "numberTotal": 100});
    let (status, replaced) = app.api("PUT", &format!("/coupons/{id}"), Some(&put));
    assert_eq!(status, 200, "{replaced}");
    assert_eq!(replaced["discountPercent"], 80);
    assert!(replaced["money"].is_null());

    let (uid, token) = app.shopper("alice");
    let (status, issued) = app.api("POST", &format!("/coupons/{id}/issue"), Some(&json!({"userIds": [uid]})));
    assert_eq!(status, 200, "{issued}");
    assert_eq!(issued["issued"], 1);
    assert_eq!(app.get("/shop/discounts/my", &[("token", &token)])["data"][0]["name"], "新人八折");
    let (status, _) = app.api("POST", &format!("/coupons/{id}/issue"), Some(&json!({"userIds": [424242]})));
    assert_eq!(status, 404);
    let (status, _) = app.api("POST", &format!("/coupons/{id}/issue"), Some(&json!({"userIds": []})));
    assert_eq!(status, 422);

    let (status, _) = app.api("DELETE", &format!("/coupons/{id}"), None);
    assert_eq!(status, 409, "held coupons keep their rule");
    let (status, _) = app.api("GET", "/coupons/424242", None);
    assert_eq!(status, 404);
    let (status, spare) = app.api("POST", "/coupons", Some(&body));
    assert_eq!(status, 201);
    let (status, _) = app.api("DELETE", &format!("/coupons/{}", spare["id"]), None);
    assert_eq!(status, 204);
}

#[test]
fn merge_rules_are_created_checked_and_deleted_in_the_console() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let csrf = b.get("/admin/coupons/new").csrf();
    b.post("/admin/coupons/new", &rule_form(&csrf, "小券", &[]));
    b.post("/admin/coupons/new", &rule_form(&csrf, "大券", &[]));
    let ids: Vec<i64> = app.query(|c| {
        let mut st = c.prepare("SELECT id FROM coupon_rules ORDER BY id")?;
        let ids = st.query_map([], |r| r.get(0))?.collect();
        ids
    });
    b.get("/admin/coupon-merges").assert_has("还没有合成规则");

    let (small, big) = (ids[0].to_string(), ids[1].to_string());
    let bad = b.post(
        "/admin/coupon-merges/new",
        &[("csrf", &csrf), ("name", "合成"), ("parts", "abc"), ("rule_id", &big)],
    );
    assert_eq!(bad.status, 422);
    bad.assert_has("优惠券编号x张数");
    let missing = b.post(
        "/admin/coupon-merges/new",
        &[("csrf", &csrf), ("name", "合成"), ("parts", "999x2"), ("rule_id", &big)],
    );
    assert_eq!(missing.status, 422);
    missing.assert_has("优惠券 999 不存在");
    let parts = format!("{small}x2");
    let res = b.post(
        "/admin/coupon-merges/new",
        &[("csrf", &csrf), ("name", "两小换一大"), ("parts", &parts), ("rule_id", &big)],
    );
    assert_eq!(res.status, 303, "{}", res.body);
    b.get("/admin/coupon-merges").assert_has("两小换一大").assert_has("小券");
    let listed = app.get("/shop/discounts/merge/list", &[]);
    assert_eq!(listed["data"][0]["rules"][0]["number"], 2);

    let id = listed["data"][0]["id"].as_i64().unwrap();
    b.get(&format!("/admin/coupon-merges/{id}/delete")).assert_has("两小换一大");
    assert_eq!(b.post(&format!("/admin/coupon-merges/{id}/delete"), &[("csrf", &csrf)]).status, 303);
    assert_code(&app.get("/shop/discounts/merge/list", &[]), 700);
}
