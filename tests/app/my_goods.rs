//! Goods shoppers publish (pushNewGoods, mygoods, deleteMyGoods): stored off the shelf until the
//! merchant approves, only the owner may change or delete them, and bad input names the field.

use serde_json::json;
use xiaodian::service::publish;

use crate::support::*;

const PUT: &str = "/shop/shop/goods/putOrUpdate";
const DETAIL: &str = "/shop/shop/goods/detail";

fn approve(app: &TestApp, id: i64) {
    app.write(|c| publish::review(c, id, true, "", xiaodian::db::unix_now()));
}

#[test]
fn a_shoppers_goods_waits_off_the_shelf_until_approved_and_goes_back_to_review_when_edited() {
    let app = TestApp::new();
    let (_, alice) = app.login_wechat("code-alice");
    let res = app.post(
        PUT,
        &[
            ("token", &alice),
            ("name", "二手自行车"),
            ("minPrice", "150.5"),
            ("content", "<p>九成新</p><script>alert(1)</script>"),
            ("pics", r#"["https://example.com/bike.png","https://example.com/bike2.png"]"#),
        ],
    );
    assert_code(&res, 0);
    let id = res["data"]["id"].as_i64().unwrap();
    assert_eq!(res["data"]["status"], 1, "off the shelf: {res}");
    assert_eq!(res["data"]["reviewStatus"], 0);
    assert_eq!(res["data"]["reviewStatusStr"], "待审核");
    assert_eq!(res["data"]["minPrice"], 150.5);
    assert_eq!(res["data"]["stores"], 1);
    assert_eq!(res["data"]["pic"], "https://example.com/bike.png");
    let sid = id.to_string();
    assert_code(&app.get(DETAIL, &[("id", &sid)]), 404);
    let content: String =
        app.query(|c| c.query_row("SELECT content FROM goods WHERE id = ?1", [id], |r| r.get(0)));
    assert!(content.contains("九成新") && !content.contains("script"), "{content}");

    approve(&app, id);
    let shown = app.get(DETAIL, &[("id", &sid)]);
    assert_code(&shown, 0);
    assert_eq!(shown["data"]["basicInfo"]["name"], "二手自行车");
    let mine = app.post("/shop/shop/goods/mygoods", &[("token", &alice)]);
    assert_code(&mine, 0);
    assert_eq!(mine["data"]["totalRow"], 1);
    assert_eq!(mine["data"]["result"][0]["reviewStatus"], 1);

    let edited =
        app.post(PUT, &[("token", &alice), ("id", &sid), ("name", "二手山地车"), ("minPrice", "140")]);
    assert_code(&edited, 0);
    assert_eq!(edited["data"]["id"], id);
    assert_eq!(edited["data"]["reviewStatus"], 0);
    assert_code(&app.get(DETAIL, &[("id", &sid)]), 404);

    app.write(|c| publish::review(c, id, false, "图片不清楚", xiaodian::db::unix_now()));
    let mine = app.post("/shop/shop/goods/mygoods", &[("token", &alice)]);
    assert_eq!(mine["data"]["result"][0]["reviewStatus"], 2);
    assert_eq!(mine["data"]["result"][0]["reviewRemark"], "图片不清楚");
    let no_reason = app.db.write_sync(|c| publish::review(c, id, false, " ", 0)).unwrap_err();
    assert!(xiaodian::error::ApiError::from(no_reason).msg().contains("reason"));
}

#[test]
fn only_the_owner_may_edit_or_delete_and_the_merchants_goods_are_nobodys() {
    let app = TestApp::with_key("calendar-key-123");
    let (_, alice) = app.login_wechat("code-alice");
    let (_, bob) = app.login_wechat("code-bob");
    let res = app.post(PUT, &[("token", &alice), ("name", "旧书"), ("minPrice", "5")]);
    let id = res["data"]["id"].as_i64().unwrap().to_string();
    let shop_goods = app.api_goods(json!({"name": "店铺自营", "minPrice": 9})).to_string();

    assert_code(&app.post(PUT, &[("token", &bob), ("id", &id), ("name", "抢走"), ("minPrice", "1")]), 403);
    assert_code(&app.post("/shop/shop/goods/del", &[("token", &bob), ("id", &id)]), 403);
    assert_code(&app.post("/shop/shop/goods/del", &[("token", &alice), ("id", &shop_goods)]), 403);
    assert_code(
        &app.post(PUT, &[("token", &alice), ("id", &shop_goods), ("name", "改"), ("minPrice", "1")]),
        403,
    );
    assert_code(&app.post("/shop/shop/goods/del", &[("token", &alice), ("id", "999999")]), 404);
    assert_code(&app.post("/shop/shop/goods/del", &[("id", &id)]), 2000);
    assert_code(&app.post("/shop/shop/goods/mygoods", &[("token", &bob)]), 700);
    let name: String =
        app.query(|c| c.query_row("SELECT name FROM goods WHERE id = ?1", [&id], |r| r.get(0)));
    assert_eq!(name, "旧书");

    assert_code(&app.post("/shop/shop/goods/del", &[("token", &alice), ("id", &id)]), 0);
    let left: i64 = app.query(|c| c.query_row("SELECT count(*) FROM goods_publishers", [], |r| r.get(0)));
    assert_eq!(left, 0);
    assert_code(&app.post("/shop/shop/goods/del", &[("token", &alice), ("id", &id)]), 404);
    assert_code(&app.get(DETAIL, &[("id", &shop_goods)]), 0);
}

#[test]
fn bad_goods_are_refused_naming_the_field_and_nothing_is_stored() {
    let app = TestApp::new();
    let (_, alice) = app.login_wechat("code-alice");
    let (_, bob) = app.login_wechat("code-bob");
    let long = "长".repeat(101);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("minPrice", "1")], "name"),
        (vec![("name", &long), ("minPrice", "1")], "name"),
        (vec![("name", "书")], "minPrice"),
        (vec![("name", "书"), ("minPrice", "-1")], "minPrice"),
        (vec![("name", "书"), ("minPrice", "1.001")], "minPrice"),
        (vec![("name", "书"), ("minPrice", "1"), ("stores", "-2")], "stores"),
        (vec![("name", "书"), ("minPrice", "1"), ("pic", "javascript:alert(1)")], "pic"),
        (vec![("name", "书"), ("minPrice", "1"), ("pics", "[1,2]")], "pics"),
        (vec![("name", "书"), ("minPrice", "1"), ("categoryId", "424242")], "categoryId"),
        (vec![("name", "书"), ("minPrice", "1"), ("videoId", "424242")], "videoId"),
    ];
    for (form, field) in cases {
        let mut form = form;
        form.push(("token", &alice));
        let res = app.post(PUT, &form);
        assert_code(&res, 300);
        assert!(res["msg"].as_str().unwrap().contains(field), "{field}: {res}");
    }
    // A video someone else uploaded is not yours to show.
    let up = app.upload("/shop/dfs/upload/file", "upfile", "v.mp4", &tiny_mp4(), &[("token", &bob)]);
    let vid = up["data"]["id"].as_i64().unwrap().to_string();
    let res = app.post(PUT, &[("token", &alice), ("name", "书"), ("minPrice", "1"), ("videoId", &vid)]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("videoId"));
    let own = app.post(PUT, &[("token", &bob), ("name", "书"), ("minPrice", "1"), ("videoId", &vid)]);
    assert_code(&own, 0);
    assert_eq!(own["data"]["videoId"], vid);

    let stored: i64 = app.query(|c| c.query_row("SELECT count(*) FROM goods", [], |r| r.get(0)));
    assert_eq!(stored, 1, "only bob's goods was stored");
    assert_code(&app.post(PUT, &[("name", "书"), ("minPrice", "1")]), 2000);
}
