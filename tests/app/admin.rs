//! Console tests (login, CSRF, pages), through HTTP like a browser: cookies kept by hand, redirects
//! not followed so they can be asserted.

use xiaodian::service::site::{self, NoticeInput};

use crate::support::*;

const PASSWORD: &str = CONSOLE_PASSWORD;

#[test]
fn the_login_page_renders_and_other_pages_send_strangers_there() {
    let app = TestApp::new();
    let mut b = Browser::new(&app);
    let page = b.get("/admin/login");
    assert_eq!(page.status, 200);
    page.assert_has("小店管理后台").assert_has("name=\"password\"");
    let token = page.cookie("xiaodian_login").expect("double-submit cookie");
    assert!(token.contains("HttpOnly") && token.contains("SameSite=Strict"), "{token}");

    let res = Browser::new(&app).get("/admin/banners?kind=index");
    assert_eq!(res.status, 303);
    assert_eq!(res.location.as_deref(), Some("/admin/login?next=%2Fadmin%2Fbanners%3Fkind%3Dindex"));
    assert_eq!(Browser::new(&app).get("/admin/static/admin.css").status, 200);
}

#[test]
fn a_wrong_password_or_unknown_name_gets_one_message_and_no_session() {
    let app = TestApp::new();
    for (user, password) in [("admin", "wrong-password"), ("nobody", PASSWORD)] {
        let mut b = Browser::new(&app);
        let res = b.login(user, password);
        assert_eq!(res.status, 401);
        res.assert_has("用户名或密码错误");
        assert!(res.cookie("xiaodian_admin").is_none());
        assert_eq!(b.get("/admin").status, 303);
    }
    assert_eq!(app.count("admin_sessions"), 0);
}

#[test]
fn the_sixth_failure_in_a_row_is_rate_limited_even_with_the_right_password() {
    let app = TestApp::new();
    let mut b = Browser::new(&app);
    for _ in 0..5 {
        b.login("admin", "wrong-password").assert_has("用户名或密码错误");
    }
    let res = b.login("admin", PASSWORD);
    assert_eq!(res.status, 429);
    res.assert_has("尝试次数过多，请 15 分钟后再试");
    assert_eq!(app.count("admin_sessions"), 0);
    // Another account name is counted on its own.
    assert_eq!(b.login("someone-else", "x").status, 401);
}

#[test]
fn the_right_password_opens_a_strict_httponly_session_and_goes_on() {
    let app = TestApp::new();
    let mut b = Browser::new(&app);
    let token = b.get("/admin/login?next=/admin/notices").csrf();
    let res = b.post(
        "/admin/login",
        &[("username", "admin"), ("password", PASSWORD), ("csrf", &token), ("next", "/admin/notices")],
    );
    assert_eq!(res.status, 303);
    assert_eq!(res.location.as_deref(), Some("/admin/notices"));
    let cookie = res.cookie("xiaodian_admin").expect("session cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/admin"] {
        assert!(cookie.contains(flag), "{flag} missing in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http must not get a Secure cookie");
    // Only the token's hash is stored.
    let value = b.jar["xiaodian_admin"].clone();
    let stored: String =
        app.query(|c| c.query_row("SELECT token_hash FROM admin_sessions", [], |r| r.get(0)));
    assert_eq!(stored, xiaodian::secret::hash_token(&value));
    assert_eq!(b.get("/admin").status, 200);
    // A signed-in visit to the login page goes straight on.
    assert_eq!(b.get("/admin/login").location.as_deref(), Some("/admin"));
}

#[test]
fn a_login_post_without_the_login_pages_token_is_refused() {
    let app = TestApp::new();
    let mut b = Browser::new(&app);
    let res = b.post("/admin/login", &[("username", "admin"), ("password", PASSWORD), ("csrf", "x")]);
    assert_eq!(res.status, 403);
    assert!(res.cookie("xiaodian_admin").is_none());
    // An outside `next` is ignored.
    let token = b.get("/admin/login").csrf();
    let res = b.post(
        "/admin/login",
        &[("username", "admin"), ("password", PASSWORD), ("csrf", &token), ("next", "https://evil.example/")],
    );
    assert_eq!(res.location.as_deref(), Some("/admin"));
}

#[test]
fn https_deployments_get_a_secure_cookie() {
    let app = TestApp::with(|c| c.base_url = Some("https://shop.example.com".into()));
    let res = Browser::new(&app).login("admin", PASSWORD);
    assert!(res.cookie("xiaodian_admin").unwrap().contains("Secure"));
}

#[test]
fn every_console_page_renders_with_its_heading_the_nav_and_the_sandbox_banner() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let pages = [
        ("/admin", "概览"),
        ("/admin/shop", "店铺设置"),
        ("/admin/config", "系统参数"),
        ("/admin/config/new", "新增参数"),
        ("/admin/banners", "轮播图"),
        ("/admin/banners/new", "新增轮播图"),
        ("/admin/ads", "广告位"),
        ("/admin/ads/new", "新增广告位"),
        ("/admin/notices", "公告"),
        ("/admin/notices/new", "发布公告"),
        ("/admin/links", "友情链接"),
        ("/admin/links/new", "新增友情链接"),
        ("/admin/files", "文件"),
        ("/admin/keys", "API 密钥"),
        ("/admin/password", "修改密码"),
        ("/admin/codes", "验证码发件箱"),
        ("/admin/goods/new", "新增商品"),
        ("/admin/shops", "门店"),
        ("/admin/shops/new", "新增门店"),
        ("/admin/reputations", "商品评价"),
    ];
    for (path, heading) in pages {
        let page = b.get(path);
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        page.assert_has(&format!("<h1>{heading}"))
            .assert_has("沙箱模式：尚未配置微信 AppID，所有微信调用由小店自带的模拟器应答")
            .assert_has("href=\"/admin/keys\"")
            .assert_has("action=\"/admin/logout\"");
    }
    b.get("/admin").assert_has(&format!("{}/shop", app.base)).assert_has("/sdk/xiaodian.js");
    let missing = b.get("/admin/banners/999");
    assert_eq!(missing.status, 404);
    missing.assert_has("找不到这条记录").assert_has("href=\"/admin/banners\">回到轮播图");
    // A bad id is the same page, not a bare 422.
    let bad = b.get("/admin/banners/abc");
    assert_eq!(bad.status, 404);
    bad.assert_has("找不到这条记录").assert_has("回到轮播图");
    assert_eq!(b.get("/admin/no-such-page").status, 404);
}

#[test]
fn a_banner_made_in_the_console_shows_in_the_api_at_once() {
    let app = TestApp::new();
    assert_code(&app.get("/shop/banner/list", &[]), 700); // now cached as "none"
    let mut b = Browser::staff(&app);
    let csrf = b.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("f.pic_url", ""),
        ("f.title", "春季上新"),
        ("f.kind", "index"),
        ("f.link_type", "0"),
        ("f.appid", ""),
        ("f.link_url", "/pages/goods-details/index?id=1"),
        ("f.paixu", "1"),
        ("f.status", "0"),
        ("f.remark", ""),
    ];
    let res = b.post_file("/admin/banners/new", &fields, "spring.png", &tiny_png());
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some("/admin/banners"));
    b.get("/admin/banners").assert_has("轮播图已保存").assert_has("春季上新");

    let list = app.get("/shop/banner/list", &[("type", "index")]);
    assert_code(&list, 0);
    let pic = list["data"][0]["picUrl"].as_str().unwrap().to_string();
    assert!(pic.starts_with(&format!("{}/uploads/", app.base)), "{pic}");
    assert_eq!(list["data"][0]["title"], "春季上新");
    let (status, bytes) = app.get_raw(pic.trim_start_matches(&app.base), &[]);
    assert_eq!((status, bytes), (200, tiny_png()));
    // The file is the merchant's, listed on the files page.
    assert_eq!(
        app.query(
            |c| c.query_row("SELECT count(*) FROM uploads WHERE user_id IS NULL", [], |r| r.get::<_, i64>(0))
        ),
        1
    );
}

#[test]
fn a_non_image_in_the_banner_form_is_refused_and_the_form_comes_back_filled() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let csrf = b.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("f.pic_url", ""),
        ("f.title", "不是图片"),
        ("f.kind", "index"),
        ("f.link_type", "0"),
        ("f.appid", ""),
        ("f.link_url", ""),
        ("f.paixu", "3"),
        ("f.status", "0"),
        ("f.remark", ""),
    ];
    let res = b.post_file("/admin/banners/new", &fields, "notes.txt", b"just some text");
    assert_eq!(res.status, 422);
    res.assert_has("只能上传 jpg、png、gif 或 webp 图片").assert_has("value=\"不是图片\"");
    assert_eq!(app.count("banners"), 0);
    assert_eq!(app.count("uploads"), 0);
}

#[test]
fn a_banner_without_a_picture_is_sent_back_with_the_reason() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let csrf = b.csrf();
    let form = [
        ("csrf", csrf.as_str()),
        ("f.pic_url", "  "),
        ("f.title", "没有图"),
        ("f.kind", "index"),
        ("f.link_type", "1"),
        ("f.appid", ""),
        ("f.link_url", "/pages/index/index"),
        ("f.paixu", "2"),
        ("f.status", "1"),
        ("f.remark", "备注文字"),
    ];
    let res = b.post_file("/admin/banners/new", &form, "", b"");
    assert_eq!(res.status, 422);
    res.assert_has("请上传图片，或填写图片地址")
        .assert_has("value=\"没有图\"")
        .assert_has("value=\"备注文字\"")
        .assert_has("<option value=\"1\" selected>其他小程序");
    // With a URL but jumping to another mini-program without its AppID: the service's check.
    let mut form = form;
    form[1] = ("f.pic_url", "https://img.example.com/a.png");
    let res = b.post_file("/admin/banners/new", &form, "", b"");
    assert_eq!(res.status, 422);
    res.assert_has("小程序 AppID跳转其他小程序时必须填写 appid");
    assert_eq!(app.count("banners"), 0);
}

#[test]
fn posts_without_or_with_a_wrong_csrf_token_are_refused_and_change_nothing() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let notice = [("title", "公告"), ("kind", ""), ("content", "x"), ("is_show", "true")];
    let res = b.post("/admin/notices/new", &notice);
    assert_eq!(res.status, 403);
    res.assert_has("表单已过期");
    let mut wrong = notice.to_vec();
    wrong.push(("csrf", "0000000000000000000000000000000000000000000000000000000000000000"));
    assert_eq!(b.post("/admin/notices/new", &wrong).status, 403);
    let res = b.post_file(
        "/admin/banners/new",
        &[("csrf", "nope"), ("f.pic_url", "https://x/a.png")],
        "a.png",
        &tiny_png(),
    );
    assert_eq!(res.status, 403);
    assert_eq!(b.post("/admin/shop", &[("shop_name", "黑店"), ("quota_mb", "1")]).status, 403);
    assert_eq!(b.post("/admin/keys", &[("name", "k")]).status, 403);
    assert_eq!(app.count("notices") + app.count("banners") + app.count("uploads") + app.count("api_keys"), 0);
    assert_eq!(app.settings.get().shop_name(), "小店");
    // Another session's token is no good either.
    let mut other = Browser::staff(&app);
    let theirs = other.csrf();
    let mut stolen = notice.to_vec();
    stolen.push(("csrf", theirs.as_str()));
    assert_eq!(b.post("/admin/notices/new", &stolen).status, 403);
    // The right token works.
    let mut right = notice.to_vec();
    let mine = b.csrf();
    right.push(("csrf", mine.as_str()));
    assert_eq!(b.post("/admin/notices/new", &right).status, 303);
    assert_eq!(app.count("notices"), 1);
}

#[test]
fn deleting_a_notice_asks_first_and_needs_a_post_with_the_token() {
    let app = TestApp::new();
    let input =
        NoticeInput {
            kind: String::new(), title: "五一放假".into(), content: "休息".into(), is_show: true
        };
    let id = block_on(site::save_notice(&app.db, &app.cache, None, input)).unwrap();
    assert_code(&app.post("/shop/notice/list", &[]), 0);
    let mut b = Browser::staff(&app);

    let confirm = b.get(&format!("/admin/notices/{id}/delete"));
    assert_eq!(confirm.status, 200);
    confirm
        .assert_has("确定要删除")
        .assert_has("五一放假")
        .assert_has(&format!("action=\"/admin/notices/{id}/delete\""));
    assert_eq!(app.count("notices"), 1, "the GET only asks");

    assert_eq!(b.post(&format!("/admin/notices/{id}/delete"), &[]).status, 403);
    assert_eq!(app.count("notices"), 1);

    let csrf = confirm.csrf();
    let res = b.post(&format!("/admin/notices/{id}/delete"), &[("csrf", &csrf)]);
    assert_eq!(res.status, 303);
    assert_eq!(app.count("notices"), 0);
    b.get("/admin/notices").assert_has("公告已删除");
    assert_code(&app.post("/shop/notice/list", &[]), 700);
}

#[test]
fn changing_the_password_checks_it_ends_other_sessions_and_retires_the_old_one() {
    let app = TestApp::new();
    let mut mine = Browser::staff(&app);
    let mut laptop = Browser::staff(&app);
    let csrf = mine.csrf();
    let change = |b: &mut Browser, current: &str, new: &str, repeat: &str| {
        b.post(
            "/admin/password",
            &[("csrf", &csrf), ("current", current), ("password", new), ("repeat", repeat)],
        )
    };
    let res = change(&mut mine, PASSWORD, "short", "short");
    assert_eq!(res.status, 422);
    res.assert_has("新密码至少需要 8 个字符");
    change(&mut mine, PASSWORD, "new-password-1", "new-password-2").assert_has("两次输入的新密码不一致");
    change(&mut mine, "not-my-password", "new-password-1", "new-password-1").assert_has("当前密码不正确");

    let res = change(&mut mine, PASSWORD, "new-password-1", "new-password-1");
    assert_eq!(res.status, 303);
    mine.get("/admin").assert_has("密码已修改");
    assert_eq!(laptop.get("/admin").status, 303, "other sessions end");
    assert_eq!(app.count("admin_sessions"), 1);

    assert_eq!(Browser::new(&app).login("admin", PASSWORD).status, 401);
    assert_eq!(Browser::new(&app).login("admin", "new-password-1").status, 303);
}

#[test]
fn logging_out_ends_the_session_for_good() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let stolen = b.jar.clone();
    let csrf = b.csrf();
    let res = b.post("/admin/logout", &[("csrf", &csrf)]);
    assert_eq!(res.status, 303);
    assert_eq!(res.location.as_deref(), Some("/admin/login"));
    assert!(!b.jar.contains_key("xiaodian_admin"), "the cookie is cleared");
    b.get("/admin/login").assert_has("已退出登录");
    assert_eq!(app.count("admin_sessions"), 0);
    // Replaying the old cookie does not work.
    let mut replay = Browser::new(&app);
    replay.jar = stolen;
    assert_eq!(replay.get("/admin").status, 303);
}

#[test]
fn a_new_api_key_is_shown_once_and_only_its_hash_is_kept() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let csrf = b.csrf();
    let res = b.post("/admin/keys", &[("csrf", &csrf), ("name", "  ")]);
    assert_eq!(res.status, 422);
    res.assert_has("请给密钥起个名字");

    let res = b.post("/admin/keys", &[("csrf", &csrf), ("name", "ERP 同步")]);
    assert_eq!(res.status, 200);
    let at = res.body.find("id=\"new-key\">").unwrap() + 13;
    let key = res.body[at..at + 67].to_string();
    assert!(key.starts_with("xd_") && key[3..].bytes().all(|c| c.is_ascii_hexdigit()), "{key}");

    let (name, prefix, hash): (String, String, String) = app.query(|c| {
        c.query_row("SELECT name, prefix, key_hash FROM api_keys", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
    });
    assert_eq!((name.as_str(), prefix.as_str()), ("ERP 同步", &key[..10]));
    assert_eq!(hash, xiaodian::secret::hash_token(&key));
    let list = b.get("/admin/keys");
    list.assert_has("ERP 同步").assert_has(&key[..10]);
    assert!(!list.body.contains(&key), "the full key is never shown again");

    let id: i64 = app.query(|c| c.query_row("SELECT id FROM api_keys", [], |r| r.get(0)));
    b.get(&format!("/admin/keys/{id}/delete")).assert_has("确定要删除");
    assert_eq!(b.post(&format!("/admin/keys/{id}/delete"), &[("csrf", &csrf)]).status, 303);
    assert_eq!(app.count("api_keys"), 0);
}

#[test]
fn shop_settings_move_the_api_and_bad_values_come_back_with_a_message() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let csrf = b.csrf();
    let res = b.post(
        "/admin/shop",
        &[("csrf", &csrf), ("shop_name", "阿花的店"), ("sub_domain", "Bad Name"), ("quota_mb", "100")],
    );
    assert_eq!(res.status, 422);
    res.assert_has("API 子域名只能包含小写字母、数字、- 和 _").assert_has("value=\"阿花的店\"");
    assert_eq!(app.settings.get().shop_name(), "小店", "nothing saved");

    let res = b.post(
        "/admin/shop",
        &[("csrf", &csrf), ("shop_name", "阿花的店"), ("sub_domain", "ahua"), ("quota_mb", "100")],
    );
    assert_eq!(res.status, 303);
    assert_eq!(app.settings.get().shop_name(), "阿花的店");
    assert_eq!(app.settings.get().upload_quota_bytes(), 100 * 1024 * 1024);
    assert_code(&app.get("/ahua/config/value", &[("key", "x")]), 700);
    b.get("/admin").assert_has(&format!("{}/ahua", app.base)).assert_has("阿花的店");
}

#[test]
fn a_subdomain_fixed_by_the_environment_is_shown_read_only_and_kept() {
    let app = TestApp::with(|c| c.subdomain = Some("envshop".into()));
    let mut b = Browser::staff(&app);
    let page = b.get("/admin/shop");
    page.assert_has("XIAODIAN_SUBDOMAIN").assert_has("value=\"envshop\" disabled");
    let csrf = page.csrf();
    let res = b.post(
        "/admin/shop",
        &[("csrf", &csrf), ("shop_name", "店"), ("sub_domain", "other"), ("quota_mb", "5")],
    );
    assert_eq!(res.status, 303);
    assert_eq!(app.settings.get().subdomain(), "envshop");
}

#[test]
fn config_values_are_added_searched_paged_edited_and_deleted() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let csrf = b.csrf();
    for i in 0..30 {
        let key = format!("flag_{i:02}");
        let res =
            b.post("/admin/config/new", &[("csrf", &csrf), ("key", &key), ("value", "1"), ("remark", "")]);
        assert_eq!(res.status, 303, "{}", res.body);
    }
    b.get("/admin/config").assert_has("第 1 / 2 页").assert_has("flag_00");
    let second = b.get("/admin/config?page=2");
    second.assert_has("第 2 / 2 页").assert_has("flag_29");
    assert!(!second.body.contains("flag_00"));
    let found = b.get("/admin/config?q=FLAG_1");
    found.assert_has("flag_15").assert_has("共 10 条");

    let dup =
        b.post("/admin/config/new", &[("csrf", &csrf), ("key", "flag_01"), ("value", "2"), ("remark", "")]);
    assert_eq!(dup.status, 422);
    dup.assert_has("已存在");
    let bad =
        b.post("/admin/config/new", &[("csrf", &csrf), ("key", "a,b"), ("value", "2"), ("remark", "r")]);
    bad.assert_has("参数名不能包含逗号").assert_has("value=\"r\"");

    let res = b.post(
        "/admin/config/edit",
        &[("csrf", &csrf), ("key", "mallName"), ("value", "阿花"), ("remark", "")],
    );
    assert_eq!(res.status, 303);
    assert_eq!(app.get("/shop/config/value", &[("key", "mallName")])["data"], "阿花");
    b.get("/admin/config/delete?key=mallName").assert_has("确定要删除");
    assert_eq!(b.post("/admin/config/delete?key=mallName", &[("csrf", &csrf)]).status, 303);
    assert_code(&app.get("/shop/config/value", &[("key", "mallName")]), 700);
}

#[test]
fn ads_notices_and_links_are_edited_through_their_forms() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let csrf = b.csrf();
    let ad = [
        ("csrf", csrf.as_str()),
        ("f.key", "indexPop"),
        ("f.val", ""),
        ("f.url", "/pages/a"),
        ("f.remark", ""),
        ("f.status", "0"),
    ];
    assert_eq!(b.post_file("/admin/ads/new", &ad, "pop.png", &tiny_png()).status, 303);
    let res = app.get("/shop/site/adPosition/info", &[("key", "indexPop")]);
    assert_code(&res, 0);
    assert!(res["data"]["val"].as_str().unwrap().contains("/uploads/"));
    assert_eq!(b.post_file("/admin/ads/new", &ad, "", b"").status, 422, "the name is taken");

    let notice =
        [("csrf", csrf.as_str()), ("kind", ""), ("title", ""), ("content", "正文"), ("is_show", "true")];
    let res = b.post("/admin/notices/new", &notice);
    assert_eq!(res.status, 422);
    res.assert_has("请填写标题").assert_has("正文");

    let link = [
        ("csrf", csrf.as_str()),
        ("f.kind", ""),
        ("f.title", "合作伙伴"),
        ("f.pic_url", ""),
        ("f.link_url", "https://x.example"),
        ("f.paixu", "x"),
        ("f.status", "0"),
    ];
    b.post_file("/admin/links/new", &link, "", b"").assert_has("排序应为整数");
    let mut link = link;
    link[5] = ("f.paixu", "2");
    assert_eq!(b.post_file("/admin/links/new", &link, "", b"").status, 303);
    b.get("/admin/links").assert_has("合作伙伴");
}

#[test]
fn files_are_uploaded_listed_and_deleted_with_confirmation() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let csrf = b.csrf();
    let res = b.post_file("/admin/files", &[("csrf", &csrf)], "logo.png", &tiny_png());
    assert_eq!(res.status, 303);
    let page = b.get("/admin/files");
    page.assert_has("已上传 logo.png").assert_has("logo.png").assert_has("/uploads/");
    assert_eq!(b.post_file("/admin/files", &[("csrf", &csrf)], "x.exe", b"MZ\x90\x00").status, 303);
    b.get("/admin/files").assert_has("不支持的文件类型");

    let (id, path): (i64, String) =
        app.query(|c| c.query_row("SELECT id, path FROM uploads", [], |r| Ok((r.get(0)?, r.get(1)?))));
    b.get(&format!("/admin/files/{id}/delete")).assert_has("确定要删除").assert_has("logo.png");
    assert_eq!(b.post(&format!("/admin/files/{id}/delete"), &[("csrf", &csrf)]).status, 303);
    assert_eq!(app.count("uploads"), 0);
    assert!(!app.cfg.uploads_dir().join(path).exists());
}

#[test]
fn the_merchant_api_under_admin_api_keeps_its_own_json_errors() {
    let app = TestApp::new();
    let res = Browser::new(&app).get("/admin/api/v1/no-such-thing");
    assert_ne!(res.status, 303, "never sent to the console's login page");
    assert!(res.body.trim_start().starts_with('{'), "JSON, not the console's HTML: {}", res.body);
}

#[test]
fn the_code_outbox_lists_codes_newest_first_and_searches_by_target() {
    let app = TestApp::new();
    let code = sms_code(&app, "13800138000");
    mail_code(&app, "alice@example.com");
    let mut b = Browser::staff(&app);
    let page = b.get("/admin/codes");
    assert_eq!(page.status, 200);
    page.assert_has("13800138000").assert_has(&code).assert_has("alice@example.com").assert_has("仅发件箱");
    assert!(
        page.body.find("alice@example.com").unwrap() < page.body.find("13800138000").unwrap(),
        "newest first"
    );
    page.assert_has("只进入本发件箱");
    let found = b.get("/admin/codes?q=138001");
    found.assert_has("13800138000");
    assert!(!found.body.contains("alice@example.com"));
    b.get("/admin/codes?q=nobody").assert_has("没有发给“nobody”的验证码");
    assert_eq!(Browser::new(&app).get("/admin/codes").status, 303, "staff only");
}

/// The shop form as the page sends it, with the code-delivery section.
fn shop_form<'a>(csrf: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("csrf", csrf),
        ("shop_name", "小店"),
        ("sub_domain", "shop"),
        ("quota_mb", "100"),
        ("codes_section", "1"),
    ];
    form.extend_from_slice(extra);
    form
}

#[test]
fn sms_and_smtp_settings_are_saved_and_their_secrets_never_shown_back() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let csrf = b.csrf();
    let res = b.post(
        "/admin/shop",
        &shop_form(
            &csrf,
            &[
                ("codes.sms_need_pic_code", "true"),
                ("codes.sms_secret_id", "AKIDexample"),
                ("codes.sms_secret_key", "very-secret-key"),
                ("codes.sms_sdk_app_id", "1400000001"),
                ("codes.sms_sign_name", "小店"),
                ("codes.sms_template_id", "123456"),
                ("codes.smtp_host", "smtp.example.com"),
                ("codes.smtp_port", "465"),
                ("codes.smtp_security", "ssl"),
                ("codes.smtp_user", "shop@example.com"),
                ("codes.smtp_password", "mail-secret"),
                ("codes.smtp_from", "小店 <shop@example.com>"),
            ],
        ),
    );
    assert_eq!(res.status, 303, "{}", res.body);
    let snap = app.settings.get();
    assert_eq!(snap.get("smsNeedPicCode"), Some("1"));
    assert_eq!(snap.get("smsSecretKey"), Some("very-secret-key"));
    assert_eq!(snap.get("smtpPassword"), Some("mail-secret"));
    assert_eq!(snap.get("smtpFrom"), Some("小店 <shop@example.com>"));
    let page = b.get("/admin/shop");
    page.assert_has("邮件 (SMTP)").assert_has("value=\"AKIDexample\"").assert_has("已设置");
    assert!(!page.body.contains("very-secret-key") && !page.body.contains("mail-secret"));

    // Empty secret fields keep the saved ones; the tick box clears one.
    let csrf = page.csrf();
    let res = b.post("/admin/shop", &shop_form(&csrf, &[("codes.clear_smtp_password", "true")]));
    assert_eq!(res.status, 303, "{}", res.body);
    let snap = app.settings.get();
    assert_eq!(snap.get("smsSecretKey"), Some("very-secret-key"));
    assert_eq!(snap.get("smtpPassword"), None);
    assert_eq!(snap.get("smsNeedPicCode"), Some("0"), "an unticked box turns it off");

    // A bad sender comes back with a message, and the typed secret is not echoed.
    let bad = b.post(
        "/admin/shop",
        &shop_form(&csrf, &[("codes.smtp_from", "not an address"), ("codes.smtp_password", "typed-secret")]),
    );
    assert_eq!(bad.status, 422);
    bad.assert_has("发件人应为邮箱地址");
    assert!(!bad.body.contains("typed-secret"));
    assert_eq!(app.settings.get().get("smtpPassword"), None, "nothing saved");
}

#[test]
fn a_form_the_console_cannot_read_comes_back_as_its_own_page_naming_the_field() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let csrf = b.csrf();
    let page = b.post("/admin/comments/1/status", &[("csrf", csrf.as_str()), ("status", "abc")]);
    assert_eq!(page.status, 422);
    page.assert_has("提交的内容有误").assert_has("「status」应为整数").assert_has("回到评论");
    assert!(!page.body.contains("HTTP 422"), "{}", page.body);
}
