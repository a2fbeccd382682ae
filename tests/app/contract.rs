//! The envelope contract: codes, catchers, subDomains, methods, parameters from every source.

use serde_json::json;

use crate::support::*;

#[test]
fn unknown_paths_wrong_methods_and_wrong_shops_answer_envelopes_not_html() {
    let app = TestApp::new();
    let res = app.get("/shop/no/such/path", &[]);
    assert_code(&res, 404);
    assert!(res["msg"].as_str().unwrap().contains("/shop/no/such/path"));

    let res = app.get("/shop/notice/list", &[]);
    assert_code(&res, 405);
    assert!(res["msg"].as_str().unwrap().contains("POST"), "{res}");

    let res = app.get("/othershop/config/vipLevel", &[]);
    assert_code(&res, 406);
    assert!(res["msg"].as_str().unwrap().contains("othershop"));

    // The internal mount point cannot be reached directly.
    assert_code(&app.get("/_shop/config/vipLevel", &[]), 404);
    assert_code(&app.get("/", &[]), 404);
}

#[test]
fn the_subdomain_setting_decides_which_prefix_answers() {
    let app = TestApp::with(|c| c.subdomain = Some("myshop".into()));
    assert_code(&app.get("/myshop/config/vipLevel", &[]), 0);
    assert_code(&app.get("/shop/config/vipLevel", &[]), 406);
}

#[test]
fn parameters_come_from_query_form_or_json_alike() {
    let app = TestApp::new();
    let (_, token) = app.shopper("甲");
    let res = app.post("/shop/json/set?type=q", &[("token", &token), ("content", "{\"n\":1}")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["type"], "q");
    let res = app.post_json("/shop/json/set", &json!({"token": token, "content": "{\"n\":2}", "type": "j"}));
    assert_code(&res, 0);
    assert_eq!(res["data"]["jsonData"]["n"], 2);
    let res = app.post("/shop/json/list", &[("token", &token)]);
    assert_eq!(res["data"].as_array().unwrap().len(), 2);
}

#[test]
fn malformed_bodies_are_refused_clearly() {
    let app = TestApp::new();
    let (status, text) = app.post_raw("/shop/json/set", "application/json", b"{not json");
    assert_eq!(status, 200);
    let res: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("body"));

    let (_, text) = app.post_raw("/shop/json/set", "application/json", b"[1,2]");
    let res: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_code(&res, 300);

    let big = vec![b'a'; 1100 * 1024];
    let (status, text) = app.post_raw("/shop/notice/list", "application/x-www-form-urlencoded", &big);
    assert_eq!(status, 200);
    let res: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_code(&res, 413);
}

/// Method, path, parameters, the expected code, and a word the message must contain.
type Case<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, i64, &'a str);

/// Every site, file and tool route, called with missing and malformed values: a clear envelope each time.
#[test]
fn every_route_answers_bad_input_with_a_named_parameter_and_no_panic() {
    let app = TestApp::new();
    let long = "x".repeat(300);
    let cases: Vec<Case> = vec![
        ("GET", "/shop/config/value", vec![], 300, "key"),
        ("GET", "/shop/config/value", vec![("key", &long)], 300, "key"),
        ("GET", "/shop/config/values", vec![], 300, "keys"),
        ("GET", "/subdomain/appid/wxapp", vec![], 300, "appid"),
        ("GET", "/common/region/v2/child", vec![], 300, "pid"),
        ("GET", "/common/region/v2/child", vec![("pid", "abc")], 404, "地区"),
        ("GET", "/shop/region/child", vec![("pid", "' OR 1=1 --")], 404, "地区"),
        ("GET", "/shop/site/adPosition/info", vec![], 300, "key"),
        ("GET", "/shop/site/adPosition/batch", vec![], 300, "keys"),
        ("GET", "/shop/notice/detail", vec![], 300, "id"),
        ("GET", "/shop/notice/detail", vec![("id", "abc")], 300, "id"),
        ("GET", "/shop/notice/detail", vec![("id", "99999999999999999999")], 300, "id"),
        ("POST", "/shop/notice/list", vec![("page", "-1")], 300, "page"),
        ("POST", "/shop/notice/list", vec![("pageSize", "100000")], 300, "pageSize"),
        ("POST", "/shop/notice/list", vec![("page", "x")], 300, "page"),
        ("POST", "/shop/json/set", vec![], 300, "content"),
        ("POST", "/shop/json/set", vec![("content", "{")], 300, "content"),
        ("POST", "/shop/json/set", vec![("content", "{}"), ("id", "1.5")], 300, "id"),
        ("POST", "/shop/json/set", vec![("content", "{}"), ("token", "nope")], 2000, ""),
        ("POST", "/shop/json/list", vec![("page", "0")], 300, "page"),
        ("POST", "/shop/json/list/v2", vec![("pageSize", "0")], 300, "pageSize"),
        ("POST", "/shop/json/delete", vec![], 2000, ""),
        ("POST", "/shop/dfs/upload/url", vec![], 300, "remoteFileUrl"),
        ("POST", "/shop/dfs/upload/url", vec![("remoteFileUrl", "file:///etc/passwd")], 300, "remoteFileUrl"),
        (
            "POST",
            "/shop/dfs/upload/url",
            vec![("remoteFileUrl", "http://127.0.0.1:1/x.png")],
            300,
            "remoteFileUrl",
        ),
        ("POST", "/uploadByUrl", vec![("subDomain", "other"), ("remoteFileUrl", "http://x/y")], 406, "other"),
        ("POST", "/shop/dfs/upload/list", vec![("path", &long)], 300, "path"),
        ("POST", "/shop/dfs/upload/file", vec![("token", "")], 300, "upfile"),
        ("POST", "/upload2", vec![], 300, "upfile"),
        ("GET", "/shop/verification/pic/get", vec![], 300, "key"),
        ("GET", "/shop/verification/pic/get", vec![("key", &long)], 300, "key"),
        ("POST", "/shop/verification/pic/check", vec![("key", "k")], 300, "code"),
        ("POST", "/shop/verification/pic/check", vec![("code", "k")], 300, "key"),
        ("GET", "/shop/uniqueId/sequence", vec![("defValue", "x")], 300, "defValue"),
        ("GET", "/common/map/distance", vec![], 300, "lat1"),
        (
            "GET",
            "/common/map/distance",
            vec![("lat1", "91"), ("lng1", "0"), ("lat2", "0"), ("lng2", "0")],
            300,
            "lat1",
        ),
        (
            "GET",
            "/common/map/distance",
            vec![("lat1", "NaN"), ("lng1", "0"), ("lat2", "0"), ("lng2", "0")],
            300,
            "lat1",
        ),
        (
            "GET",
            "/common/map/distance",
            vec![("lat1", "1"), ("lng1", "inf"), ("lat2", "0"), ("lng2", "0")],
            300,
            "lng1",
        ),
    ];
    for (method, path, params, code, names) in cases {
        let res = if method == "GET" { app.get(path, &params) } else { app.post(path, &params) };
        assert_eq!(res["code"], code, "{method} {path} {params:?} → {res}");
        let msg = res["msg"].as_str().unwrap_or_default();
        assert!(!msg.is_empty() && msg.contains(names), "{method} {path}: msg {msg:?} should name {names:?}");
    }
    let res = app.post("/jdvop/0/goods/list", &[]);
    assert_code(&res, 501);
    // The app is still healthy afterwards.
    assert_eq!(app.get_raw("/healthz", &[]).0, 200);
}

#[test]
fn a_disabled_shopper_is_refused_even_with_a_live_token() {
    let app = TestApp::new();
    let (id, token) = app.shopper("乙");
    app.disable_keeping_logins(id);
    let res = app.post("/shop/json/set", &[("token", &token), ("content", "{}")]);
    assert_code(&res, 403);
}

#[test]
fn an_expired_token_answers_2000() {
    let app = TestApp::new();
    let (_, token) = app.shopper("丙");
    app.write(|c| {
        c.execute("UPDATE user_tokens SET expires_at = 0", [])?;
        Ok::<_, Failed>(())
    });
    assert_code(&app.post("/shop/json/delete", &[("token", &token), ("id", "1")]), 2000);
}

#[test]
fn healthz_answers_and_the_sdk_is_served() {
    let app = TestApp::new();
    let (status, body) = app.get_raw("/healthz", &[]);
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("ok"));
    let (status, body) = app.get_raw("/sdk/xiaodian.js", &[]);
    assert_eq!(status, 200);
    let on_disk = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/static/sdk/xiaodian.js")).unwrap();
    assert_eq!(body, on_disk);
}

#[test]
fn client_address_headers_are_trusted_only_when_a_proxy_header_is_configured() {
    let rt = rocket::tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let ip_header = |header: Option<&str>| {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = xiaodian::config::Config::for_tests(dir.path());
        cfg.ip_header = header.map(str::to_string);
        let (rocket, _) = xiaodian::build(cfg).unwrap();
        rt.block_on(async {
            rocket.ignite().await.unwrap().config().ip_header.as_ref().map(ToString::to_string)
        })
    };
    assert_eq!(ip_header(None), None);
    assert_eq!(ip_header(Some("X-Forwarded-For")).as_deref(), Some("X-Forwarded-For"));
}
