//! JSON storage: per-shopper rows with a token, the shop's public rows without one.

use crate::support::*;

#[test]
fn a_shopper_sees_and_changes_only_their_own_rows() {
    let app = TestApp::new();
    let (_, alice) = app.shopper("alice");
    let (_, bob) = app.shopper("bob");
    let res = app.post(
        "/shop/json/set",
        &[("token", &alice), ("content", r#"{"times":1}"#), ("type", "feedback"), ("refId", "r1")],
    );
    assert_code(&res, 0);
    let id = res["data"]["id"].as_i64().unwrap().to_string();
    app.post("/shop/json/set", &[("token", &bob), ("content", r#"{"times":9}"#), ("type", "feedback")]);

    let mine = app.post("/shop/json/list", &[("token", &alice), ("type", "feedback")]);
    let rows = mine["data"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["refId"], "r1");
    assert_eq!(rows[0]["jsonData"]["times"], 1);
    assert_eq!(rows[0]["content"], r#"{"times":1}"#);

    // Bob can neither change nor delete Alice's row.
    assert_code(&app.post("/shop/json/set", &[("token", &bob), ("id", &id), ("content", "{}")]), 403);
    assert_code(&app.post("/shop/json/delete", &[("token", &bob), ("id", &id)]), 403);
    // Alice can.
    let res = app.post(
        "/shop/json/set",
        &[("token", &alice), ("id", &id), ("content", r#"{"times":2}"#), ("type", "feedback")],
    );
    assert_eq!(res["data"]["jsonData"]["times"], 2);
    assert_code(&app.post("/shop/json/delete", &[("token", &alice), ("id", &id)]), 0);
    assert_code(&app.post("/shop/json/list", &[("token", &alice)]), 700);
    assert_code(&app.post("/shop/json/delete", &[("token", &alice), ("id", &id)]), 404);
}

#[test]
fn anonymous_rows_are_public_and_write_once() {
    let app = TestApp::new();
    let res = app.post("/shop/json/set", &[("content", r#"{"a":1}"#), ("type", "t")]);
    let id = res["data"]["id"].as_i64().unwrap().to_string();
    assert_code(&app.post("/shop/json/set", &[("id", &id), ("content", "{}")]), 403);
    let (_, token) = app.shopper("c");
    assert_code(&app.post("/shop/json/set", &[("token", &token), ("id", &id), ("content", "{}")]), 403);
    let list = app.post("/shop/json/list", &[("type", "t")]);
    assert_eq!(list["data"][0]["jsonData"]["a"], 1);
    // A shopper's list does not include the shop's rows.
    assert_code(&app.post("/shop/json/list", &[("token", &token)]), 700);
}

#[test]
fn lists_page_and_filter() {
    let app = TestApp::new();
    let (_, token) = app.shopper("d");
    for i in 0..5 {
        let content = format!(r#"{{"i":{i}}}"#);
        app.post(
            "/shop/json/set",
            &[("token", &token), ("content", &content), ("refId", if i < 3 { "x" } else { "y" })],
        );
    }
    let page = app.post("/shop/json/list/v2", &[("token", &token), ("pageSize", "2")]);
    assert_eq!(page["data"]["totalRow"], 5);
    assert_eq!(page["data"]["totalPage"], 3);
    assert_eq!(page["data"]["result"][0]["jsonData"]["i"], 4);
    let xs = app.post("/shop/json/list", &[("token", &token), ("refId", "x")]);
    assert_eq!(xs["data"].as_array().unwrap().len(), 3);
}

#[test]
fn content_must_be_json_and_not_too_big() {
    let app = TestApp::new();
    let res = app.post("/shop/json/set", &[("content", "not json")]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("content"));
    let big = format!("\"{}\"", "x".repeat(70 * 1024));
    assert_code(&app.post("/shop/json/set", &[("content", &big)]), 300);
    assert_eq!(app.query(|c| c.query_row("SELECT count(*) FROM json_data", [], |r| r.get::<_, i64>(0))), 0);
}
