//! Content security over HTTP: with the shop's setting on, shoppers' comments, articles and reviews
//! pass msgSecCheck at the sandbox (a word list decides) before they are published.

use serde_json::{json, Value};
use xiaodian::db::catalog::GoodsFields;
use xiaodian::db::cms::ArticleFields;
use xiaodian::db::reputation::NewReputation;
use xiaodian::db::unix_now;
use xiaodian::service::catalog::{create_goods, NewGoods};
use xiaodian::service::cms::save_shop_article;
use xiaodian::service::reputation::add_checked_review;
use xiaodian::service::security::{check_text_blocking, Scene, Verdict};
use xiaodian::wechat::WeChat;

use crate::support::*;

const COMMENT_ADD: &str = "/shop/comment/add";
const COMMENT_LIST: &str = "/shop/comment/list";
const PUT: &str = "/shop/cms/news/put";
const DETAIL_V2: &str = "/shop/cms/news/detail/v2";
const SEC_WORDS: &str = "/sandbox/wechat/control/sec-words";

fn set(app: &TestApp, key: &str, value: &str) {
    app.set_setting(key, value);
}

/// Turns the shop's content check on, as the console does.
fn check_on(app: &TestApp) {
    set(app, "contentSecCheck", "1");
}

/// Points the WeChat client at a port nothing listens on.
fn wechat_down(app: &TestApp) {
    let dead = format!("http://127.0.0.1:{}", free_port());
    set(app, "wechatApiBase", &dead);
}

fn article(app: &TestApp) -> String {
    let f =
        ArticleFields {
            title: "活动通知".into(), content: "<p>周末活动</p>".into(), ..Default::default()
        };
    app.write(|c| save_shop_article(c, None, f, unix_now())).to_string()
}

fn comment_count(app: &TestApp) -> i64 {
    app.query(|c| c.query_row("SELECT count(*) FROM comments", [], |r| r.get(0)))
}

fn checks(app: &TestApp) -> Vec<(String, String, Option<i64>)> {
    app.query(|c| {
        let mut st = c.prepare("SELECT target, suggest, target_id FROM content_checks ORDER BY id")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect();
        rows
    })
}

#[test]
fn with_the_check_off_wechat_is_not_asked_and_text_is_published() {
    let app = TestApp::new();
    let (_, alice) = app.login_wechat("code-alice");
    // WeChat is down: any call would answer 502.
    wechat_down(&app);
    let res = app.post(COMMENT_ADD, &[("token", &alice), ("content", "这里有违禁词")]);
    assert_code(&res, 0);
    assert_eq!(app.post(COMMENT_LIST, &[])["data"]["totalRow"], 1);
    assert!(checks(&app).is_empty());
}

#[test]
fn passing_text_is_published_and_risky_text_is_refused_with_87014_and_not_stored() {
    let app = TestApp::new();
    check_on(&app);
    let (_, alice) = app.login_wechat("code-alice");
    let a = article(&app);

    let ok =
        app.post(COMMENT_ADD, &[("token", &alice), ("type", "1"), ("refId", &a), ("content", "写得真好")]);
    assert_code(&ok, 0);
    let list = app.post(COMMENT_LIST, &[("type", "1"), ("refId", &a)]);
    assert_eq!(list["data"]["totalRow"], 1);
    assert_eq!(list["data"]["result"][0]["statusStr"], "显示");
    // WeChat drops our token: the check refreshes it once and retries.
    app.sandbox_post("/sandbox/wechat/control/expire-tokens", &json!({}));
    assert_code(&app.post(COMMENT_ADD, &[("token", &alice), ("content", "再来一条")]), 0);

    let risky = app
        .post(COMMENT_ADD, &[("token", &alice), ("type", "1"), ("refId", &a), ("content", "买违禁词请私聊")]);
    assert_code(&risky, 87014);
    assert!(risky["msg"].as_str().unwrap().contains("违法违规"), "{risky}");
    assert_eq!(comment_count(&app), 2);
    assert_eq!(app.get(DETAIL_V2, &[("id", &a)])["data"]["info"]["numberComment"], 1);

    // An article: risky words anywhere (here past WeChat's 2,500-character limit) refuse it whole.
    let long = format!("<p>{}</p><p>违禁词</p>", "好".repeat(3000));
    let res = app.post(PUT, &[("token", &alice), ("title", "我的心得"), ("content", &long)]);
    assert_code(&res, 87014);
    let articles: i64 = app.query(|c| c.query_row("SELECT count(*) FROM cms_articles", [], |r| r.get(0)));
    assert_eq!(articles, 1, "only the shop's own article");
    let fine = app.post(PUT, &[("token", &alice), ("title", "我的心得"), ("content", "<p>很好用</p>")]);
    assert_code(&fine, 0);
    let id = fine["data"].as_i64().unwrap().to_string();
    assert_eq!(app.get(DETAIL_V2, &[("id", &id)])["data"]["info"]["status"], 0);

    let log = checks(&app);
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|(_, suggest, target)| suggest == "risky" && target.is_none()), "{log:?}");
    assert_eq!(log[0].0, "comment");
    assert_eq!(log[1].0, "article");
}

#[test]
fn text_wechat_wants_reviewed_is_stored_awaiting_the_merchant() {
    let app = TestApp::new();
    check_on(&app);
    let (uid, alice) = app.login_wechat("code-alice");
    let a = article(&app);
    // The sandbox's word lists are settable; an empty entry is dropped.
    let words = app.sandbox_post(SEC_WORDS, &json!({"risky": ["违禁词", " "], "review": ["团购"]}));
    assert_eq!(words, json!({"risky": ["违禁词"], "review": ["团购"]}));
    assert_eq!(app.sandbox_get(SEC_WORDS, &[]), words);

    let res =
        app.post(COMMENT_ADD, &[("token", &alice), ("type", "1"), ("refId", &a), ("content", "有人团购吗")]);
    assert_code(&res, 0);
    let comment = res["data"].as_i64().unwrap();
    assert_code(&app.post(COMMENT_LIST, &[("type", "1"), ("refId", &a)]), 700);
    assert_eq!(app.get(DETAIL_V2, &[("id", &a)])["data"]["info"]["numberComment"], 0);
    let status: i64 =
        app.query(|c| c.query_row("SELECT status FROM comments WHERE id = ?1", [comment], |r| r.get(0)));
    assert_eq!(status, 2);

    let res = app.post(PUT, &[("token", &alice), ("title", "团购心得"), ("content", "<p>便宜</p>")]);
    assert_code(&res, 0);
    let held_article = res["data"].as_i64().unwrap();
    assert_code(&app.get(DETAIL_V2, &[("id", &held_article.to_string())]), 404);

    // A goods review written by orderReputation's service: checked, then stored hidden.
    let g = NewGoods {
        fields: GoodsFields {
            name: "测试商品".into(), min_price: 1000, stores: 5, ..GoodsFields::default()
        },
        ..NewGoods::default()
    };
    let goods = app.write(|c| create_goods(c, &g, unix_now()));
    let wx = WeChat::new(&app.cfg, app.db.clone(), app.settings.clone());
    let verdict = check_text_blocking(&app.db, &wx, uid, Scene::Reputation, "团购价太贵").unwrap();
    assert!(matches!(verdict, Verdict::Review { .. }), "{verdict:?}");
    let r = NewReputation {
        goods_id: goods,
        user_id: uid,
        reputation: 2,
        stars: 5,
        remark: "团购价太贵".into(),
        ..Default::default()
    };
    let review = app.write(|c| add_checked_review(c, &r, &verdict, unix_now()));
    let shown: i64 = app
        .query(|c| c.query_row("SELECT status FROM goods_reputations WHERE id = ?1", [review], |r| r.get(0)));
    assert_eq!(shown, 1);
    let passed = check_text_blocking(&app.db, &wx, uid, Scene::Reputation, "很好").unwrap();
    assert_eq!(passed, Verdict::Pass);

    assert_eq!(
        checks(&app),
        vec![
            ("comment".to_string(), "review".to_string(), Some(comment)),
            ("article".to_string(), "review".to_string(), Some(held_article)),
            ("reputation".to_string(), "review".to_string(), Some(review)),
        ]
    );

    // The merchant sees them: comments awaiting review, articles awaiting review, the log.
    let mut b = Browser::staff(&app);
    b.get("/admin/comments").assert_has("有人团购吗").assert_has("待审核").assert_has("通过并显示");
    b.get("/admin/articles").assert_has("团购心得").assert_has("待审核");
    b.get("/admin/wechat").assert_has("最近拦截与待审核的内容").assert_has("团购价太贵");
    let csrf = b.csrf();
    let shown =
        b.post(&format!("/admin/comments/{comment}/status"), &[("csrf", csrf.as_str()), ("status", "0")]);
    assert_eq!(shown.status, 303, "{}", shown.body);
    assert_eq!(app.post(COMMENT_LIST, &[("type", "1"), ("refId", &a)])["data"]["totalRow"], 1);
    assert_eq!(app.get(DETAIL_V2, &[("id", &a)])["data"]["info"]["numberComment"], 1);
}

#[test]
fn a_shopper_wechat_cannot_check_is_held_not_refused() {
    let app = TestApp::new();
    check_on(&app);
    // Logged in without WeChat: no openid to send.
    let (_, bob) = app.shopper("bob");
    let res = app.post(COMMENT_ADD, &[("token", &bob), ("content", "没有微信身份")]);
    assert_code(&res, 0);
    assert_code(&app.post(COMMENT_LIST, &[]), 700);
    let reason: String = app.query(|c| c.query_row("SELECT reason FROM content_checks", [], |r| r.get(0)));
    assert!(reason.contains("微信身份"), "{reason}");
}

#[test]
fn wechat_unreachable_while_the_check_is_on_answers_502_and_publishes_nothing() {
    let app = TestApp::new();
    check_on(&app);
    let (_, alice) = app.login_wechat("code-alice");
    // A first check fetches and caches the token; then WeChat goes away.
    assert_code(&app.post(COMMENT_ADD, &[("token", &alice), ("content", "第一条")]), 0);
    wechat_down(&app);
    let res = app.post(COMMENT_ADD, &[("token", &alice), ("content", "第二条")]);
    assert_code(&res, 502);
    assert!(res["msg"].as_str().unwrap().contains("内容安全"), "{res}");
    let res = app.post(PUT, &[("token", &alice), ("title", "标题"), ("content", "<p>正文</p>")]);
    assert_code(&res, 502);
    assert_eq!(comment_count(&app), 1);
    let articles: i64 = app.query(|c| c.query_row("SELECT count(*) FROM cms_articles", [], |r| r.get(0)));
    assert_eq!(articles, 0);
}

#[test]
fn the_console_and_the_merchant_api_switch_the_check() {
    let app = TestApp::with_key("sec-test-key");
    assert!(!app.settings.get().content_sec_check(), "off by default");
    let mut b = Browser::staff(&app);
    b.get("/admin/wechat").assert_has("内容安全检测").assert_has("还没有被拦截或待审核的内容");
    let csrf = b.csrf();
    let on = b.post("/admin/wechat/security", &[("csrf", csrf.as_str()), ("enabled", "1")]);
    assert_eq!(on.status, 303, "{}", on.body);
    assert!(app.settings.get().content_sec_check());
    let csrf = b.csrf();
    b.post("/admin/wechat/security", &[("csrf", csrf.as_str())]);
    assert!(!app.settings.get().content_sec_check());

    let (status, body) = merchant_patch(&app, &json!({"contentSecCheck": true}));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["contentSecCheck"], true);
    assert!(app.settings.get().content_sec_check());
    let (status, body) = merchant_patch(&app, &json!({"contentSecCheck": "yes"}));
    assert_eq!(status, 422, "{body}");
}

fn merchant_patch(app: &TestApp, body: &Value) -> (u16, Value) {
    app.api("PATCH", "/settings", Some(body))
}

#[test]
fn the_sandbox_checks_like_wechat() {
    let app = TestApp::new();
    let wx = WeChat::new(&app.cfg, app.db.clone(), app.settings.clone());
    let token = wx.access_token().unwrap();
    let call = |body: Value| {
        app.post_json(&format!("/sandbox/wechat/wxa/msg_sec_check?access_token={token}"), &body)
    };
    let openid = xiaodian::sandbox::wechat::openid_for("code-carol");
    // WeChat wants a user it has seen lately.
    let unseen = call(json!({"version": 2, "openid": openid, "scene": 2, "content": "你好"}));
    assert_eq!(unseen["errcode"], 61010);
    app.login_wechat("code-carol");
    let ok = call(json!({"version": 2, "openid": openid, "scene": 2, "content": "你好"}));
    assert_eq!(ok["result"], json!({"suggest": "pass", "label": 100}));
    let bad = call(json!({"version": 2, "openid": openid, "scene": 2, "content": "违禁词"}));
    assert_eq!(bad["result"]["suggest"], "risky");
    assert_eq!(bad["detail"][0]["keyword"], "违禁词");
    assert_eq!(call(json!({"version": 2, "openid": openid, "scene": 9, "content": "x"}))["errcode"], 47001);
    assert_eq!(call(json!({"openid": openid, "scene": 2, "content": "x"}))["errcode"], 47001);
    let stale = app.post_json("/sandbox/wechat/wxa/msg_sec_check?access_token=nope", &json!({"version": 2}));
    assert_eq!(stale["errcode"], 40001);
}

fn png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(w, h, image::Rgb(rgb)).write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn upload_count(app: &TestApp) -> i64 {
    app.query(|c| c.query_row("SELECT count(*) FROM uploads", [], |r| r.get(0)))
}

#[test]
fn pictures_pass_img_sec_check_before_they_are_stored() {
    const UPLOAD: &str = "/shop/dfs/upload/file";
    let app = TestApp::new();
    let (_, alice) = app.login_wechat("code-alice");
    let red = png(1000, 2000, [255, 0, 0]);
    // Off: not checked.
    assert_code(&app.upload(UPLOAD, "upfile", "a.png", &red, &[("token", &alice)]), 0);

    check_on(&app);
    // Larger than WeChat takes: shrunk before it is sent; the original is what is stored.
    let green = png(1000, 2000, [20, 200, 40]);
    let ok = app.upload(UPLOAD, "upfile", "green.png", &green, &[("token", &alice)]);
    assert_code(&ok, 0);
    assert_eq!(ok["data"]["size"], green.len());
    let risky = app.upload(UPLOAD, "upfile", "red.png", &red, &[("token", &alice)]);
    assert_code(&risky, 87014);
    // Anonymous uploads are checked too.
    assert_code(&app.upload(UPLOAD, "upfile", "red.png", &red, &[]), 87014);
    assert_eq!(upload_count(&app), 2);
    // Files that are not pictures are not sent.
    assert_code(&app.upload(UPLOAD, "upfile", "a.pdf", b"%PDF-1.4 hello", &[("token", &alice)]), 0);
    assert_eq!(
        checks(&app),
        vec![
            ("image".to_string(), "risky".to_string(), None),
            ("image".to_string(), "risky".to_string(), None)
        ]
    );

    wechat_down(&app);
    let down = app.upload(UPLOAD, "upfile", "green.png", &green, &[("token", &alice)]);
    assert_code(&down, 502);
    assert_eq!(upload_count(&app), 3);
}
