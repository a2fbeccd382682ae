//! The CMS over HTTP: categories, article lists (paging, Chinese search, filters), the article
//! page and its view count, shoppers' articles, favourites, votes, pages, tags and comments.

use serde_json::Value;
use xiaodian::db::cms::{self, ArticleFields, CategoryFields};
use xiaodian::db::unix_now;
use xiaodian::service::cms::save_shop_article;

use crate::support::*;

const CATEGORIES: &str = "/shop/cms/category/list";
const CATEGORY: &str = "/shop/cms/category/info";
const LIST: &str = "/shop/cms/news/list";
const LIST_V2: &str = "/shop/cms/news/list/v2";
const DETAIL_V2: &str = "/shop/cms/news/detail/v2";
const PRE_NEXT: &str = "/shop/cms/news/preNext";
const PUT: &str = "/shop/cms/news/put";
const DEL: &str = "/shop/cms/news/del";
const USEFUL: &str = "/shop/cms/news/useful";
const USEFUL_LOGS: &str = "/shop/cms/news/useful/logs";
const PAGE: &str = "/shop/cms/page/info/v2";
const TAGS: &str = "/shop/cms/tags/list";
const FAV_ADD: &str = "/shop/cms/news/fav/add";
const FAV_CHECK: &str = "/shop/cms/news/fav/check";
const FAV_LIST: &str = "/shop/cms/news/fav/list";
const FAV_DELETE: &str = "/shop/cms/news/fav/delete";
const COMMENT_ADD: &str = "/shop/comment/add";
const COMMENT_LIST: &str = "/shop/comment/list";
const STATISTICS: &str = "/shop/site/statistics";

fn add_category(app: &TestApp, name: &str, kind: &str, is_use: bool) -> i64 {
    let f = CategoryFields {
        name: name.into(),
        kind: kind.into(),
        is_use,
        ext_json: "{}".into(),
        ..Default::default()
    };
    app.write(|c| cms::insert_category(c, &f, unix_now()))
}

fn add_article(app: &TestApp, category: Option<i64>, title: &str, tags: &str, paixu: i64) -> i64 {
    let f = ArticleFields {
        category_id: category,
        title: title.into(),
        content: format!("<p>{title}</p>"),
        tags: tags.into(),
        paixu,
        ..Default::default()
    };
    app.write(|c| save_shop_article(c, None, f, unix_now()))
}

fn ids(res: &Value) -> Vec<i64> {
    res["data"]["result"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect()
}

#[test]
fn categories_list_the_ones_in_use_and_detail_answers_info_and_ext_json() {
    let app = TestApp::new();
    assert_code(&app.get(CATEGORIES, &[]), 700);
    let help = add_category(&app, "帮助中心", "index", true);
    let off = add_category(&app, "停用", "", false);

    let res = app.get(CATEGORIES, &[]);
    assert_code(&res, 0);
    let list = res["data"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], help);
    assert_eq!(list[0]["type"], "index");
    assert_eq!(list[0]["pid"], 0);

    let detail = app.get(CATEGORY, &[("id", &help.to_string())]);
    assert_code(&detail, 0);
    assert_eq!(detail["data"]["info"]["name"], "帮助中心");
    assert!(detail["data"]["extJson"].is_object());
    assert_code(&app.get(CATEGORY, &[("id", &off.to_string())]), 404);
    let bad = app.get(CATEGORY, &[("id", "x")]);
    assert_code(&bad, 300);
    assert!(bad["msg"].as_str().unwrap().contains("id"));
}

#[test]
fn article_lists_page_filter_by_category_and_search_chinese_text() {
    let app = TestApp::new();
    let help = add_category(&app, "帮助", "", true);
    let stories = add_category(&app, "故事", "", true);
    let a = add_article(&app, Some(help), "如何申请退货退款", "售后", 0);
    let b = add_article(&app, Some(help), "发票开具说明", "发票", 1);
    let c = add_article(&app, Some(stories), "春茶采摘的一天", "绿茶,龙井", 0);

    let all = app.post(LIST_V2, &[("pageSize", "2")]);
    assert_code(&all, 0);
    assert_eq!(all["data"]["totalRow"], 3);
    assert_eq!(all["data"]["totalPage"], 2);
    assert_eq!(ids(&all), vec![c, a], "paixu first, newest first");
    assert_eq!(ids(&app.post(LIST_V2, &[("pageSize", "2"), ("page", "2")])), vec![b]);
    assert_code(&app.post(LIST_V2, &[("pageSize", "2"), ("page", "3")]), 700);

    assert_eq!(ids(&app.post(LIST, &[("categoryId", &help.to_string())])), vec![a, b]);
    // Three characters and more go through the trigram index, shorter through LIKE.
    assert_eq!(ids(&app.post(LIST_V2, &[("keywords", "退货退款")])), vec![a]);
    assert_eq!(ids(&app.post(LIST_V2, &[("nameLike", "发票")])), vec![b]);
    assert_eq!(ids(&app.post(LIST_V2, &[("tagsLike", "龙井")])), vec![c]);
    assert_code(&app.post(LIST_V2, &[("keywords", "不存在的词")]), 700);
    // The list leaves the rich text out.
    assert_eq!(all["data"]["result"][0]["content"], "");

    let bad = app.post(LIST_V2, &[("pageSize", "0")]);
    assert_code(&bad, 300);
    assert!(bad["msg"].as_str().unwrap().contains("pageSize"));
    let bad = app.post(LIST_V2, &[("isRecommend", "maybe")]);
    assert_code(&bad, 300);
    assert!(bad["msg"].as_str().unwrap().contains("isRecommend"));
}

#[test]
fn the_article_page_counts_views_and_neighbours_follow_the_list_order() {
    let app = TestApp::new();
    let help = add_category(&app, "帮助", "", true);
    let first = add_article(&app, Some(help), "第一篇", "", 0);
    let second = add_article(&app, Some(help), "第二篇", "", 1);
    let third = add_article(&app, Some(help), "第三篇", "", 2);

    for _ in 0..3 {
        assert_code(&app.get(DETAIL_V2, &[("id", &second.to_string())]), 0);
    }
    let res = app.get(DETAIL_V2, &[("id", &second.to_string()), ("token", "")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["info"]["title"], "第二篇");
    assert_eq!(res["data"]["info"]["content"], "<p>第二篇</p>");
    assert_eq!(res["data"]["info"]["numberRead"], 4);
    assert_eq!(res["data"]["category"]["name"], "帮助");
    assert_eq!(res["data"]["isFav"], false);

    let pn = app.get(PRE_NEXT, &[("id", &second.to_string())]);
    assert_code(&pn, 0);
    assert_eq!(pn["data"]["pre"]["id"], first);
    assert_eq!(pn["data"]["next"]["id"], third);
    let ends = app.get(PRE_NEXT, &[("id", &first.to_string())]);
    assert!(ends["data"]["pre"].is_null());

    assert_code(&app.get(DETAIL_V2, &[("id", "999")]), 404);
    assert_code(&app.get(DETAIL_V2, &[]), 300);
}

#[test]
fn shoppers_write_sanitised_articles_and_only_edit_or_delete_their_own() {
    let app = TestApp::new();
    let (_, alice) = app.shopper("alice");
    let (_, bob) = app.shopper("bob");
    let html = r#"<p onclick="steal()">好文<script>alert(1)</script><iframe src="https://e.com"></iframe><a href="javascript:alert(1)">链接</a></p>"#;

    assert_code(&app.post(PUT, &[("title", "t"), ("content", "c")]), 2000);
    let res = app.post(PUT, &[("token", &alice), ("title", "我的心得"), ("content", html), ("tags", "心得")]);
    assert_code(&res, 0);
    let id = res["data"].as_i64().unwrap().to_string();
    let detail = app.get(DETAIL_V2, &[("id", &id)]);
    let content = detail["data"]["info"]["content"].as_str().unwrap();
    assert!(content.contains("好文"), "{content}");
    for bad in ["script", "iframe", "onclick", "javascript"] {
        assert!(!content.contains(bad), "{bad} survived: {content}");
    }

    let edit = app.post(PUT, &[("token", &bob), ("id", &id), ("title", "改"), ("content", "x")]);
    assert_code(&edit, 404);
    assert_code(&app.post(DEL, &[("token", &bob), ("id", &id)]), 404);
    assert_code(
        &app.post(PUT, &[("token", &alice), ("id", &id), ("title", "我的心得二"), ("content", "<b>新</b>")]),
        0,
    );
    assert_eq!(app.get(DETAIL_V2, &[("id", &id)])["data"]["info"]["title"], "我的心得二");

    let long = "长".repeat(101);
    let bad = app.post(PUT, &[("token", &alice), ("title", &long), ("content", "x")]);
    assert_code(&bad, 300);
    assert!(bad["msg"].as_str().unwrap().contains("title"));
    let bad = app.post(PUT, &[("token", &alice), ("title", "t"), ("content", "x"), ("categoryId", "77")]);
    assert_code(&bad, 300);
    assert!(bad["msg"].as_str().unwrap().contains("categoryId"));

    assert_code(&app.post(DEL, &[("token", &alice), ("id", &id)]), 0);
    assert_code(&app.get(DETAIL_V2, &[("id", &id)]), 404);
}

#[test]
fn favourites_are_idempotent_counted_and_private() {
    let app = TestApp::new();
    let (_, alice) = app.shopper("alice");
    let (_, bob) = app.shopper("bob");
    let a = add_article(&app, None, "收藏我", "", 0).to_string();

    assert_code(&app.get(FAV_CHECK, &[("token", &alice), ("newsId", &a)]), -1);
    assert_code(&app.post(FAV_ADD, &[("token", &alice), ("newsId", &a)]), 0);
    assert_code(&app.post(FAV_ADD, &[("token", &alice), ("newsId", &a)]), 0);
    assert_code(&app.post(FAV_ADD, &[("token", &bob), ("newsId", &a)]), 0);
    assert_code(&app.get(FAV_CHECK, &[("token", &alice), ("newsId", &a)]), 0);
    assert_eq!(app.get(DETAIL_V2, &[("id", &a)])["data"]["info"]["numberFav"], 2);
    assert_eq!(app.get(DETAIL_V2, &[("id", &a), ("token", &alice)])["data"]["isFav"], true);
    assert_code(&app.post(FAV_ADD, &[("token", &alice), ("newsId", "999")]), 404);

    let list = app.post(FAV_LIST, &[("token", &alice)]);
    assert_code(&list, 0);
    assert_eq!(list["data"]["totalRow"], 1);
    let fav_id = list["data"]["result"][0]["id"].as_i64().unwrap().to_string();
    assert_eq!(list["data"]["result"][0]["news"]["title"], "收藏我");

    // Bob cannot delete Alice's favourite by its id.
    assert_code(&app.post(FAV_DELETE, &[("token", &bob), ("id", &fav_id)]), 404);
    assert_code(&app.post(FAV_DELETE, &[("token", &alice), ("id", &fav_id)]), 0);
    assert_code(&app.post(FAV_DELETE, &[("token", &bob), ("newsId", &a)]), 0);
    assert_code(&app.post(FAV_DELETE, &[("token", &bob), ("newsId", &a)]), 404);
    assert_code(&app.post(FAV_LIST, &[("token", &alice)]), 700);
    assert_eq!(app.get(DETAIL_V2, &[("id", &a)])["data"]["info"]["numberFav"], 0);
    let bad = app.post(FAV_DELETE, &[("token", &alice)]);
    assert_code(&bad, 300);
    assert!(bad["msg"].as_str().unwrap().contains("id"));
}

#[test]
fn one_attitude_per_shopper_moves_the_counters_and_checking_stores_nothing() {
    let app = TestApp::new();
    let (_, alice) = app.shopper("alice");
    let (_, bob) = app.shopper("bob");
    let a = add_article(&app, None, "有用吗", "", 0).to_string();

    let check = app.post(USEFUL, &[("token", &alice), ("id", &a), ("isUseful", "true"), ("isCheck", "true")]);
    assert_code(&check, 0);
    assert_eq!(check["data"]["numberUseful"], 1);
    assert_code(&app.post(USEFUL_LOGS, &[("id", &a)]), 700);

    assert_code(&app.post(USEFUL, &[("token", &alice), ("id", &a), ("isUseful", "true")]), 0);
    assert_code(&app.post(USEFUL, &[("token", &alice), ("id", &a), ("isUseful", "true")]), 0);
    let res = app.post(USEFUL, &[("token", &bob), ("id", &a), ("isUseful", "false")]);
    assert_eq!(
        (res["data"]["numberUseful"].as_i64(), res["data"]["numberUseless"].as_i64()),
        (Some(1), Some(1))
    );
    let res = app.post(USEFUL, &[("token", &alice), ("id", &a), ("isUseful", "false")]);
    assert_eq!(
        (res["data"]["numberUseful"].as_i64(), res["data"]["numberUseless"].as_i64()),
        (Some(0), Some(2))
    );

    let logs = app.post(USEFUL_LOGS, &[("id", &a)]);
    assert_code(&logs, 0);
    assert_eq!(logs["data"]["totalRow"], 2);
    let mut votes: Vec<(String, bool)> = logs["data"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["nick"].as_str().unwrap().to_string(), v["isUseful"].as_bool().unwrap()))
        .collect();
    votes.sort();
    assert_eq!(votes, vec![("alice".to_string(), false), ("bob".to_string(), false)]);

    let bad = app.post(USEFUL, &[("token", &alice), ("id", &a)]);
    assert_code(&bad, 300);
    assert!(bad["msg"].as_str().unwrap().contains("isUseful"));
    assert_code(&app.post(USEFUL, &[("id", &a), ("isUseful", "true")]), 2000);
}

#[test]
fn pages_by_key_and_tags_by_use() {
    let app = TestApp::new();
    assert_code(&app.get(PAGE, &[("key", "about")]), 700);
    assert_code(&app.get(PAGE, &[]), 300);
    app.write(|c| cms::save_page(c, "about", "关于我们", "<p>你好</p>", unix_now()));
    let res = app.get(PAGE, &[("key", "about")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["info"]["title"], "关于我们");
    assert_eq!(res["data"]["info"]["content"], "<p>你好</p>");

    assert_code(&app.get(TAGS, &[]), 700);
    add_article(&app, None, "一", "茶,蜜", 0);
    add_article(&app, None, "二", "茶", 0);
    let tags = app.get(TAGS, &[]);
    assert_code(&tags, 0);
    assert_eq!(tags["data"][0]["name"], "茶");
    assert_eq!(tags["data"][0]["number"], 2);
    assert_eq!(tags["data"][1]["name"], "蜜");
}

#[test]
fn comments_need_a_login_a_real_article_and_count_when_shown() {
    let app = TestApp::new();
    let (uid, alice) = app.shopper("alice");
    let a = add_article(&app, None, "评论我", "", 0).to_string();

    assert_code(&app.post(COMMENT_ADD, &[("content", "你好")]), 2000);
    let fb = app.post(COMMENT_ADD, &[("token", &alice), ("content", "建议多上新品")]);
    assert_code(&fb, 0);
    let res =
        app.post(COMMENT_ADD, &[("token", &alice), ("type", "1"), ("refId", &a), ("content", "写得好")]);
    assert_code(&res, 0);
    let first = res["data"].as_i64().unwrap();
    let reply = app.post(
        COMMENT_ADD,
        &[("token", &alice), ("type", "1"), ("refId", &a), ("pid", &first.to_string()), ("content", "同意")],
    );
    assert_code(&reply, 0);
    assert_eq!(app.get(DETAIL_V2, &[("id", &a)])["data"]["info"]["numberComment"], 2);

    let list = app.post(COMMENT_LIST, &[("type", "1"), ("refId", &a)]);
    assert_code(&list, 0);
    assert_eq!(list["data"]["totalRow"], 2);
    assert_eq!(list["data"]["result"][1]["content"], "写得好");
    assert_eq!(list["data"]["result"][1]["nick"], "alice");
    assert_eq!(list["data"]["result"][1]["uid"], uid);
    assert_eq!(app.post(COMMENT_LIST, &[("type", "1"), ("refId", &a), ("pid", "0")])["data"]["totalRow"], 1);

    // Hiding takes it out of the list and the count.
    app.write(|c| cms::set_comment_status(c, first, 1));
    assert_eq!(app.get(DETAIL_V2, &[("id", &a)])["data"]["info"]["numberComment"], 1);
    assert_eq!(app.post(COMMENT_LIST, &[("type", "1"), ("refId", &a)])["data"]["totalRow"], 1);

    for (params, name) in [
        (vec![("type", "1"), ("refId", "999"), ("content", "x")], "refId"),
        (vec![("type", "9"), ("content", "x")], "type"),
        (vec![("content", "   ")], "content"),
        (vec![("pid", "999"), ("content", "x")], "pid"),
        (vec![("content", "x"), ("extJsonStr", "[1]")], "extJsonStr"),
    ] {
        let mut form = params.clone();
        form.push(("token", &alice));
        let bad = app.post(COMMENT_ADD, &form);
        assert_code(&bad, 300);
        assert!(bad["msg"].as_str().unwrap().contains(name), "{name}: {bad}");
    }
    let long = "字".repeat(1001);
    assert_code(&app.post(COMMENT_ADD, &[("token", &alice), ("content", &long)]), 300);
}

#[test]
fn site_statistics_count_published_articles_views_favs_and_comments() {
    let app = TestApp::new();
    let (_, alice) = app.shopper("alice");
    let a = add_article(&app, None, "统计", "", 0).to_string();
    add_article(&app, None, "另一篇", "", 0);
    app.get(DETAIL_V2, &[("id", &a)]);
    app.post(FAV_ADD, &[("token", &alice), ("newsId", &a)]);
    app.post(COMMENT_ADD, &[("token", &alice), ("type", "1"), ("refId", &a), ("content", "好")]);
    let res = app.get(STATISTICS, &[]);
    assert_code(&res, 0);
    let cms = &res["data"]["cmsArticle"];
    assert_eq!((cms["numbers"].as_i64(), cms["views"].as_i64()), (Some(2), Some(1)));
    assert_eq!((cms["fav"].as_i64(), cms["comments"].as_i64()), (Some(1), Some(1)));
}

/// A merchant API call with the test key: (status, JSON body or Null).

#[test]
fn the_merchant_api_creates_lists_updates_and_deletes_articles() {
    let app = TestApp::with_key("cms-test-key");
    let help = add_category(&app, "帮助", "", true);
    let body = serde_json::json!({
        "categoryId": help, "title": "配送说明", "content": "<p>次日达<script>x()</script></p>", "tags": "配送"
    });
    let (status, created) = app.api("POST", "/articles", Some(&body));
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["content"], "<p>次日达</p>");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(ids(&app.post(LIST_V2, &[("keywords", "配送说明")])), vec![id]);

    let (status, list) = app.api("GET", "/articles?search=配送&page=1&pageSize=10", None);
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 1);

    let hidden = serde_json::json!({ "categoryId": help, "title": "配送说明", "status": 2 });
    assert_eq!(app.api("PUT", &format!("/articles/{id}"), Some(&hidden)).0, 200);
    assert_code(&app.get(DETAIL_V2, &[("id", &id.to_string())]), 404);
    assert_eq!(app.api("GET", "/articles?status=2", None).1["total"], 1);

    for (bad, field) in [
        (serde_json::json!({ "title": "" }), "title"),
        (serde_json::json!({ "title": "x", "status": 7 }), "status"),
        (serde_json::json!({ "title": "x", "categoryId": 999 }), "categoryId"),
    ] {
        let (status, res) = app.api("POST", "/articles", Some(&bad));
        assert_eq!(status, 422, "{res}");
        assert_eq!(res["field"], field, "{res}");
    }
    assert_eq!(app.api("PUT", "/articles/999", Some(&hidden)).0, 404);
    assert_eq!(app.api("DELETE", &format!("/articles/{id}"), None).0, 204);
    assert_eq!(app.api("DELETE", &format!("/articles/{id}"), None).0, 404);
}

#[test]
fn the_console_edits_articles_and_hides_shows_and_deletes_comments() {
    let app = TestApp::new();
    let help = add_category(&app, "帮助中心", "", true);
    let mut b = Browser::staff(&app);
    b.get("/admin/articles").assert_has("<h1>文章").assert_has("还没有文章");
    b.get("/admin/articles/new").assert_has("<h1>发布文章").assert_has("帮助中心");
    b.get("/admin/comments").assert_has("<h1>评论").assert_has("还没有评论");

    let csrf = b.csrf();
    let help_id = help.to_string();
    let form = article_form(&csrf, "售后政策", &help_id, "<p>七天无理由<script>x()</script></p>");
    let saved = b.post("/admin/articles/new", &form);
    assert_eq!(saved.status, 303, "{}", saved.body);
    let list = app.post(LIST_V2, &[("keywords", "售后政策")]);
    assert_code(&list, 0);
    let id = ids(&list)[0];
    let detail = app.get(DETAIL_V2, &[("id", &id.to_string())]);
    assert_eq!(detail["data"]["info"]["content"], "<p>七天无理由</p>");
    b.get("/admin/articles?q=售后").assert_has("售后政策");

    // A bad form comes back filled with a message, and nothing is written.
    let csrf = b.csrf();
    let bad = b.post("/admin/articles/new", &article_form(&csrf, "", "", "x"));
    assert_eq!(bad.status, 422);
    bad.assert_has("请填写标题");

    b.get(&format!("/admin/articles/{id}/delete")).assert_has("售后政策");

    let (_, alice) = app.shopper("alice");
    let a = id.to_string();
    let res =
        app.post(COMMENT_ADD, &[("token", &alice), ("type", "1"), ("refId", &a), ("content", "说得清楚")]);
    let comment = res["data"].as_i64().unwrap();
    b.get("/admin/comments").assert_has("说得清楚").assert_has("alice");
    let csrf = b.csrf();
    let hidden =
        b.post(&format!("/admin/comments/{comment}/status"), &[("csrf", csrf.as_str()), ("status", "1")]);
    assert_eq!(hidden.status, 303, "{}", hidden.body);
    assert_code(&app.post(COMMENT_LIST, &[("type", "1"), ("refId", &a)]), 700);
    assert_eq!(app.get(DETAIL_V2, &[("id", &a)])["data"]["info"]["numberComment"], 0);
    let csrf = b.csrf();
    b.post(&format!("/admin/comments/{comment}/status"), &[("csrf", csrf.as_str()), ("status", "0")]);
    assert_eq!(app.post(COMMENT_LIST, &[("type", "1"), ("refId", &a)])["data"]["totalRow"], 1);
    let csrf = b.csrf();
    let gone = b.post(&format!("/admin/comments/{comment}/delete"), &[("csrf", csrf.as_str())]);
    assert_eq!(gone.status, 303, "{}", gone.body);
    assert_code(&app.post(COMMENT_LIST, &[("type", "1"), ("refId", &a)]), 700);

    let csrf = b.csrf();
    assert_eq!(b.post(&format!("/admin/articles/{id}/delete"), &[("csrf", csrf.as_str())]).status, 303);
    assert_code(&app.get(DETAIL_V2, &[("id", &a)]), 404);
}

/// Every field of the console's article form, as a browser sends it.
fn article_form<'a>(
    csrf: &'a str,
    title: &'a str,
    category: &'a str,
    content: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("f.title", title),
        ("f.category_id", category),
        ("f.pic", ""),
        ("f.descript", ""),
        ("f.content", content),
        ("f.author", ""),
        ("f.tags", ""),
        ("f.keywords", ""),
        ("f.paixu", "0"),
        ("f.status", "0"),
    ]
}

#[test]
fn the_console_edits_article_categories_and_single_pages() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    b.get("/admin/article-categories").assert_has("<h1>文章分类").assert_has("还没有文章分类");
    b.get("/admin/pages").assert_has("<h1>单页").assert_has("还没有单页");

    let csrf = b.csrf();
    let form = [
        ("csrf", csrf.as_str()),
        ("name", "帮助中心"),
        ("kind", "index"),
        ("paixu", "0"),
        ("is_use", "true"),
    ];
    assert_eq!(b.post("/admin/article-categories", &form).status, 303);
    let cats = app.get(CATEGORIES, &[]);
    assert_eq!(cats["data"][0]["name"], "帮助中心");
    let id = cats["data"][0]["id"].as_i64().unwrap().to_string();
    b.get(&format!("/admin/article-categories?edit={id}")).assert_has("value=\"帮助中心\"");
    let csrf = b.csrf();
    let off = [("csrf", csrf.as_str()), ("id", id.as_str()), ("name", "帮助"), ("kind", ""), ("paixu", "1")];
    assert_eq!(b.post("/admin/article-categories", &off).status, 303);
    assert_code(&app.get(CATEGORIES, &[]), 700);
    let csrf = b.csrf();
    let bad = b.post("/admin/article-categories", &[("csrf", csrf.as_str()), ("name", "")]);
    assert_eq!(bad.status, 422);
    bad.assert_has("名称应为");

    let csrf = b.csrf();
    let page = [
        ("csrf", csrf.as_str()),
        ("key", "about"),
        ("title", "关于我们"),
        ("content", "<p>你好<script>x()</script></p>"),
    ];
    assert_eq!(b.post("/admin/pages", &page).status, 303);
    let res = app.get(PAGE, &[("key", "about")]);
    assert_eq!(res["data"]["info"]["content"], "<p>你好</p>");
    let csrf = b.csrf();
    let bad = b.post("/admin/pages", &[("csrf", csrf.as_str()), ("key", "关于"), ("title", "x")]);
    assert_eq!(bad.status, 422);
    bad.assert_has("编号应为");
    b.get("/admin/pages/about/delete").assert_has("关于我们");
    let csrf = b.csrf();
    assert_eq!(b.post("/admin/pages/about/delete", &[("csrf", csrf.as_str())]).status, 303);
    assert_code(&app.get(PAGE, &[("key", "about")]), 700);
    let csrf = b.csrf();
    assert_eq!(
        b.post(&format!("/admin/article-categories/{id}/delete"), &[("csrf", csrf.as_str())]).status,
        303
    );
}
