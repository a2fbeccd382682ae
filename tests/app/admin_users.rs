//! Console: WeChat settings (environment wins, the connection test) and shoppers.

use crate::support::*;

#[test]
fn wechat_settings_are_saved_checked_and_tested_against_the_sandbox() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let page = b.get("/admin/wechat");
    assert_eq!(page.status, 200);
    page.assert_has("<h1>微信设置").assert_has("尚未设置");
    let csrf = b.csrf();
    let res = b.post("/admin/wechat/test", &[("csrf", &csrf)]);
    assert_eq!(res.status, 303);
    b.get("/admin/wechat").assert_has("连接成功：沙箱模拟器已应答");

    let bad = b.post(
        "/admin/wechat",
        &[("csrf", &csrf), ("appid", "not-an-appid"), ("secret", ""), ("api_base", "")],
    );
    assert_eq!(bad.status, 422);
    bad.assert_has("AppID");
    assert!(app.settings.get().wechat_appid().is_none(), "nothing was saved");

    let ok = b.post(
        "/admin/wechat",
        &[
            ("csrf", &csrf),
            ("appid", "wx0123456789abcdef"),
            ("secret", "s3cret"),
            ("api_base", "http://127.0.0.1:9"),
        ],
    );
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(app.settings.get().wechat_appid(), Some("wx0123456789abcdef"));
    let page = b.get("/admin/wechat");
    page.assert_has("已设置，留空则不修改");
    assert!(!page.body.contains("s3cret"), "the secret is never shown back");
    // An unreachable WeChat: the test says so instead of pretending.
    b.post("/admin/wechat/test", &[("csrf", &csrf)]);
    b.get("/admin/wechat").assert_has("连接失败");
}

#[test]
fn wechat_keys_from_the_environment_win_and_are_shown_read_only() {
    let app = TestApp::with(|c| {
        c.wechat.appid = Some("wxfedcba9876543210".into());
        c.wechat.secret = Some("from-env".into());
    });
    let mut b = Browser::staff(&app);
    let page = b.get("/admin/wechat");
    page.assert_has("XIAODIAN_WECHAT_APPID").assert_has("wxfedcba9876543210");
    let csrf = b.csrf();
    b.post("/admin/wechat", &[("csrf", &csrf), ("appid", ""), ("secret", "x"), ("api_base", "")]);
    assert_eq!(app.settings.get().wechat_appid(), Some("wxfedcba9876543210"));
    assert!(!page.body.contains("沙箱模式：尚未配置"), "no sandbox banner with a real appid");
}

#[test]
fn shoppers_are_found_shown_and_disabled_with_confirmation() {
    let app = TestApp::new();
    let (referrer, _) = app.login_wechat("code-console-ref");
    let res = app.post(
        "/shop/user/wxapp/authorize",
        &[("code", "code-console-u"), ("referrer", &referrer.to_string())],
    );
    let (uid, token) =
        (res["data"]["uid"].as_i64().unwrap(), res["data"]["token"].as_str().unwrap().to_string());
    app.post("/shop/user/modify", &[("token", &token), ("nick", "小明")]);

    let mut b = Browser::staff(&app);
    let list = b.get("/admin/users");
    assert_eq!(list.status, 200);
    list.assert_has("<h1>用户").assert_has("小明");
    assert!(b.get("/admin/users?q=%E5%B0%8F%E6%98%8E").body.contains(&format!("/admin/users/{uid}")));
    b.get("/admin/users?q=nobody-like-this").assert_has("没有符合条件的用户");
    b.get(&format!("/admin/users/{uid}"))
        .assert_has("小明")
        .assert_has(&format!("/admin/users/{referrer}"))
        .assert_has("普通会员")
        .assert_has("¥0.00");

    let confirm = b.get(&format!("/admin/users/{uid}/disable"));
    confirm.assert_has("禁用用户");
    assert_code(&app.get("/shop/user/check-token", &[("token", &token)]), 0);
    let csrf = b.csrf();
    assert_eq!(b.post(&format!("/admin/users/{uid}/disable"), &[]).status, 403, "no csrf, no change");
    assert_code(&app.get("/shop/user/check-token", &[("token", &token)]), 0);
    assert_eq!(b.post(&format!("/admin/users/{uid}/disable"), &[("csrf", &csrf)]).status, 303);
    assert_code(&app.get("/shop/user/check-token", &[("token", &token)]), 2000);
    assert_code(&app.post("/shop/user/wxapp/authorize", &[("code", "code-console-u")]), 403);
    b.get("/admin/users?status=disabled").assert_has("小明");
    assert_eq!(b.post(&format!("/admin/users/{uid}/enable"), &[("csrf", &csrf)]).status, 303);
    assert_code(&app.post("/shop/user/wxapp/authorize", &[("code", "code-console-u")]), 0);
    assert_eq!(b.get("/admin/users/999999").status, 404);
}
