//! The CMS leftovers over HTTP: deleting one's own comment, cmsTagsV2, an article's named counters
//! (cmsArticleModifyExtNumber) and sign-ups (cmsNewsSign*).

use xiaodian::db::cms::ArticleFields;
use xiaodian::db::unix_now;
use xiaodian::service::cms::save_shop_article;

use crate::support::*;

const COMMENT_ADD: &str = "/shop/comment/add";
const COMMENT_DEL: &str = "/shop/comment/del";
const COMMENT_LIST: &str = "/shop/comment/list";
const DETAIL_V2: &str = "/shop/cms/news/detail/v2";
const TAGS_V2: &str = "/shop/newsTag/list";
const EXT_NUMBER: &str = "/shop/cms/news/modifyExtNumber";
const SIGN_USERS: &str = "/shop/newsSign/signUsers";
const SIGN_ON: &str = "/shop/newsSign/signOnline";
const SIGN_OFF: &str = "/shop/newsSign/signOffline";
const SIGN_CHECK: &str = "/shop/newsSign/check";

fn article(app: &TestApp, title: &str, tags: &str, status: i64) -> String {
    let f = ArticleFields {
        title: title.into(),
        content: format!("<p>{title}</p>"),
        tags: tags.into(),
        status,
        ..Default::default()
    };
    app.write(|c| save_shop_article(c, None, f, unix_now())).to_string()
}

#[test]
fn only_the_author_deletes_a_comment_and_the_count_follows() {
    let app = TestApp::new();
    let (_, alice) = app.shopper("alice");
    let (_, bob) = app.shopper("bob");
    let a = article(&app, "文章", "", 0);
    let res = app.post(COMMENT_ADD, &[("token", &alice), ("type", "1"), ("refId", &a), ("content", "沙发")]);
    let id = res["data"].as_i64().unwrap().to_string();
    assert_eq!(app.get(DETAIL_V2, &[("id", &a)])["data"]["info"]["numberComment"], 1);

    assert_code(&app.post(COMMENT_DEL, &[("id", &id)]), 2000);
    assert_code(&app.post(COMMENT_DEL, &[("token", &alice)]), 300);
    assert_code(&app.post(COMMENT_DEL, &[("token", &alice), ("id", "abc")]), 300);
    let other = app.post(COMMENT_DEL, &[("token", &bob), ("id", &id)]);
    assert_code(&other, 404);
    assert!(other["msg"].as_str().unwrap().contains("评论"), "{other}");
    assert_eq!(app.post(COMMENT_LIST, &[("type", "1"), ("refId", &a)])["data"]["totalRow"], 1);

    assert_code(&app.post(COMMENT_DEL, &[("token", &alice), ("id", &id)]), 0);
    assert_code(&app.post(COMMENT_LIST, &[("type", "1"), ("refId", &a)]), 700);
    assert_eq!(app.get(DETAIL_V2, &[("id", &a)])["data"]["info"]["numberComment"], 0);
    assert_code(&app.post(COMMENT_DEL, &[("token", &alice), ("id", &id)]), 404);
}

#[test]
fn tags_v2_answers_the_published_articles_tags_most_used_first() {
    let app = TestApp::new();
    assert_code(&app.post(TAGS_V2, &[]), 700);
    article(&app, "一", "新品,优惠", 0);
    article(&app, "二", "优惠", 0);
    article(&app, "隐藏的", "秘密", 2);
    let res = app.post(TAGS_V2, &[]);
    assert_code(&res, 0);
    assert_eq!(
        res["data"],
        serde_json::json!([{"name": "优惠", "number": 2}, {"name": "新品", "number": 1}])
    );
}

#[test]
fn ext_numbers_move_by_name_never_below_zero_and_show_on_the_article() {
    let app = TestApp::new();
    let (_, alice) = app.shopper("alice");
    let a = article(&app, "视频", "", 0);
    let hidden = article(&app, "草稿", "", 2);

    assert_code(&app.post(EXT_NUMBER, &[("id", &a), ("key", "share")]), 2000);
    let res = app.post(EXT_NUMBER, &[("token", &alice), ("id", &a), ("key", "share")]);
    assert_code(&res, 0);
    assert_eq!(res["data"], serde_json::json!([{"key": "share", "value": 1}]));
    let res = app.post(EXT_NUMBER, &[("token", &alice), ("id", &a), ("key", "play"), ("number", "5")]);
    assert_eq!(res["data"], serde_json::json!([{"key": "play", "value": 5}, {"key": "share", "value": 1}]));
    let res = app.post(EXT_NUMBER, &[("token", &alice), ("id", &a), ("key", "play"), ("number", "-9")]);
    assert_eq!(res["data"][0], serde_json::json!({"key": "play", "value": 0}));
    let detail = app.get(DETAIL_V2, &[("id", &a)]);
    assert_eq!(detail["data"]["extNumbers"][1], serde_json::json!({"key": "share", "value": 1}));

    for (form, name) in [
        (vec![("id", a.as_str())], "key"),
        (vec![("id", a.as_str()), ("key", "分享")], "key"),
        (vec![("id", a.as_str()), ("key", "share"), ("number", "1001")], "number"),
        (vec![("id", a.as_str()), ("key", "share"), ("number", "x")], "number"),
        (vec![("key", "share")], "id"),
    ] {
        let mut form = form.clone();
        form.push(("token", &alice));
        let bad = app.post(EXT_NUMBER, &form);
        assert_code(&bad, 300);
        assert!(bad["msg"].as_str().unwrap().contains(name), "{name}: {bad}");
    }
    assert_code(&app.post(EXT_NUMBER, &[("token", &alice), ("id", &hidden), ("key", "share")]), 404);
    assert_code(&app.post(EXT_NUMBER, &[("token", &alice), ("id", "999"), ("key", "share")]), 404);
}

#[test]
fn shoppers_sign_up_once_check_cancel_and_everyone_sees_the_list() {
    let app = TestApp::new();
    let (alice_id, alice) = app.shopper("alice");
    let (_, bob) = app.shopper("bob");
    let a = article(&app, "周末读书会", "", 0);
    let hidden = article(&app, "未发布", "", 1);

    assert_code(&app.post(SIGN_USERS, &[("newsId", &a)]), 700);
    assert_code(&app.post(SIGN_ON, &[("newsId", &a)]), 2000);
    let checked = app.get(SIGN_CHECK, &[("token", &alice), ("newsId", &a)]);
    assert_code(&checked, -1);
    assert_eq!(checked["msg"], "未报名");

    let ext = r#"{"name":"爱丽丝","mobile":"13800138000"}"#;
    assert_code(&app.post(SIGN_ON, &[("token", &alice), ("newsId", &a), ("extJsonStr", ext)]), 0);
    assert_code(&app.get(SIGN_CHECK, &[("token", &alice), ("newsId", &a)]), 0);
    let again = app.post(SIGN_ON, &[("token", &alice), ("newsId", &a)]);
    assert_code(&again, 403);
    assert!(again["msg"].as_str().unwrap().contains("已报名"), "{again}");
    assert_code(&app.post(SIGN_ON, &[("token", &bob), ("newsId", &a)]), 0);

    let list = app.post(SIGN_USERS, &[("newsId", &a), ("pageSize", "1")]);
    assert_code(&list, 0);
    assert_eq!(list["data"]["totalRow"], 2);
    assert_eq!(list["data"]["totalPage"], 2);
    let first = &list["data"]["result"][0];
    assert_eq!(first["uid"], alice_id);
    assert_eq!(first["nick"], "alice");
    assert_eq!(first["extJson"]["name"], "爱丽丝");
    assert_eq!(
        app.post(SIGN_USERS, &[("newsId", &a), ("page", "2"), ("pageSize", "1")])["data"]["result"][0]
            ["nick"],
        "bob"
    );

    assert_code(&app.post(SIGN_OFF, &[("token", &alice), ("newsId", &a)]), 0);
    assert_code(&app.get(SIGN_CHECK, &[("token", &alice), ("newsId", &a)]), -1);
    assert_code(&app.post(SIGN_OFF, &[("token", &alice), ("newsId", &a)]), 404);
    assert_eq!(app.post(SIGN_USERS, &[("newsId", &a)])["data"]["totalRow"], 1);

    let bad = app.post(SIGN_ON, &[("token", &alice), ("newsId", &a), ("extJsonStr", "[1]")]);
    assert_code(&bad, 300);
    assert!(bad["msg"].as_str().unwrap().contains("extJsonStr"));
    assert_code(&app.post(SIGN_ON, &[("token", &alice)]), 300);
    assert_code(&app.post(SIGN_ON, &[("token", &alice), ("newsId", &hidden)]), 404);
    assert_code(&app.post(SIGN_USERS, &[("newsId", &hidden)]), 404);
    assert_code(&app.post(SIGN_USERS, &[]), 300);
}
