//! 订单设置 in the console: the order jobs' timeouts, points deduction and write-off staff.

use crate::support::*;

const PAGE: &str = "/admin/order-settings";

fn form<'a>(csrf: &'a str, close_minutes: &'a str, staff: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("close_minutes", close_minutes),
        ("auto_confirm_days", "10"),
        ("auto_review_days", "15"),
        ("score_per_yuan", "100"),
        ("score_max_percent", "20"),
        ("hx_staff", staff),
        ("coupon_interval_secs", "300"),
    ]
}

fn setting(app: &TestApp, key: &str) -> Option<String> {
    app.settings.get().get(key).map(str::to_string)
}

#[test]
fn the_merchant_sets_the_order_rules_and_new_orders_follow_them() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let page = b.get(PAGE);
    assert_eq!(page.status, 200);
    page.assert_has("未付款自动关闭（分钟）").assert_has("value=\"30\"");

    let csrf = b.csrf();
    let saved = b.post(PAGE, &form(&csrf, "45", "12，35"));
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(setting(&app, "orderCloseMinutes").as_deref(), Some("45"));
    assert_eq!(setting(&app, "orderHxStaff").as_deref(), Some("12,35"));
    assert_eq!(setting(&app, "scoreDeductionPerYuan").as_deref(), Some("100"));
    assert_eq!(setting(&app, "couponExpiryIntervalSecs").as_deref(), Some("300"));
    b.get(PAGE).assert_has("value=\"45\"").assert_has("value=\"12,35\"");

    // A new order closes 45 minutes after it was placed.
    let (_, token) = app.shopper("alice");
    let tea = app.goods().name("龙井茶").price(1990).stock(10).create();
    let order = create(&app, &token, &one_line(tea, 1, ""), &[]);
    assert_code(&order, 0);
    let id = order["data"]["id"].as_i64().unwrap();
    let window: i64 = app
        .query(|c| c.query_row("SELECT close_at - date_add FROM orders WHERE id = ?1", [id], |r| r.get(0)));
    assert_eq!(window, 45 * 60);
}

#[test]
fn a_bad_value_is_refused_with_its_reason_and_nothing_is_saved() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let csrf = b.csrf();
    let refused = b.post(PAGE, &form(&csrf, "0", ""));
    assert_eq!(refused.status, 422);
    refused.assert_has("「未付款自动关闭（分钟）」应为 1 到 43200 之间的整数").assert_has("value=\"0\"");
    let refused = b.post(PAGE, &form(&csrf, "30", "12,abc"));
    assert_eq!(refused.status, 422);
    refused.assert_has("“abc”不是编号");
    assert_eq!(setting(&app, "orderCloseMinutes"), None);
    assert_eq!(setting(&app, "orderHxStaff"), None);
    // Without the form's CSRF token nothing is saved either.
    let forged = b.post(PAGE, &form("forged", "45", ""));
    assert_ne!(forged.status, 303);
    assert_eq!(setting(&app, "orderCloseMinutes"), None);
}
