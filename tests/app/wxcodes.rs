//! Mini-program codes, QR codes, URL schemes, live rooms and the sandbox record, through HTTP
//! against the WeChat sandbox.

use serde_json::{json, Value};

use crate::support::*;

const KEY: &str = "test-key-wxcodes";

/// How many calls of `what` the sandbox has answered.
fn sandbox_calls(app: &TestApp, what: &str) -> i64 {
    app.sandbox_get("/sandbox/wechat/control/record", &[("what", what)])["total"].as_i64().unwrap()
}

/// The image behind an answered URL, and the text its QR code holds.
fn fetch_code(app: &TestApp, url: &str) -> (image::DynamicImage, String) {
    let path = url.strip_prefix(&app.base).unwrap_or_else(|| panic!("{url} is not on {}", app.base));
    let (status, bytes) = app.get_raw(path, &[]);
    assert_eq!(status, 200, "GET {path}");
    let img = image::load_from_memory(&bytes).expect("an image");
    let mut prepared = rqrr::PreparedImage::prepare(img.to_luma8());
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    let (_, text) = grids[0].decode().expect("the QR code decodes");
    (img, text)
}

fn wxa_code(app: &TestApp, form: &[(&str, &str)]) -> Value {
    app.post("/shop/qrcode/wxa/unlimit", form)
}

#[test]
fn a_mini_program_code_is_answered_as_a_url_and_made_only_once() {
    let app = TestApp::new();
    let form =
        [("scene", "12,7"), ("page", "pages/goods-details/index"), ("width", "430"), ("expireHours", "1")];

    let first = wxa_code(&app, &form);
    assert_code(&first, 0);
    let url = first["data"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("{}/uploads/", app.base)), "{url}");
    let (img, text) = fetch_code(&app, &url);
    assert_eq!(text, "pages/goods-details/index?scene=12,7");
    assert_eq!(img.width(), 430);
    assert_eq!(sandbox_calls(&app, "getwxacodeunlimit"), 1);

    let again = wxa_code(&app, &form);
    assert_code(&again, 0);
    assert_eq!(again["data"], first["data"], "the stored image is answered");
    assert_eq!(sandbox_calls(&app, "getwxacodeunlimit"), 1, "WeChat is not asked again");
    assert_eq!(app.query(|c| c.query_row("SELECT count(*) FROM wx_codes", [], |r| r.get::<_, i64>(0))), 1);

    let other = wxa_code(&app, &[("scene", "13,7"), ("page", "pages/goods-details/index")]);
    assert_code(&other, 0);
    assert_ne!(other["data"], first["data"]);
    assert_eq!(sandbox_calls(&app, "getwxacodeunlimit"), 2);
}

#[test]
fn colours_and_transparency_reach_wechat_and_shape_the_image() {
    let app = TestApp::new();
    let res = wxa_code(
        &app,
        &[("scene", "a=1"), ("is_hyaline", "true"), ("postJsonString", r#"{"r":"200","g":"0","b":"0"}"#)],
    );
    assert_code(&res, 0);
    let (img, text) = fetch_code(&app, res["data"].as_str().unwrap());
    assert_eq!(text, "?scene=a=1", "no page: the home page");
    let rgba = img.to_rgba8();
    assert_eq!(rgba.get_pixel(0, 0).0[3], 0, "transparent background");
    assert!(rgba.pixels().any(|p| p.0 == [200, 0, 0, 255]), "red lines");
}

#[test]
fn a_page_that_is_not_released_answers_41030_unless_the_path_check_is_off() {
    let app = TestApp::new();
    let res = wxa_code(&app, &[("scene", "1"), ("page", "pages/new-page/index")]);
    assert_code(&res, 41030);
    assert!(res["msg"].as_str().unwrap().contains("pages/new-page/index"), "{res}");

    let trial = wxa_code(
        &app,
        &[
            ("scene", "1"),
            ("page", "pages/new-page/index"),
            ("check_path", "false"),
            ("env_version", "trial"),
        ],
    );
    assert_code(&trial, 0);
    let (_, text) = fetch_code(&app, trial["data"].as_str().unwrap());
    assert_eq!(text, "pages/new-page/index?scene=1");
}

#[test]
fn bad_parameters_answer_300_naming_them_without_calling_wechat() {
    let app = TestApp::new();
    for (form, name) in [
        (vec![("scene", "1"), ("width", "100")], "width"),
        (vec![("scene", "1"), ("width", "wide")], "width"),
        (vec![("scene", "x".repeat(33).leak() as &str)], "scene"),
        (vec![("scene", "中文")], "scene"),
        (vec![("page", "pages/index/index")], "scene"),
        (vec![("scene", "1"), ("page", "/pages/index/index")], "page"),
        (vec![("scene", "1"), ("page", "pages/index/index?id=1")], "page"),
        (vec![("scene", "1"), ("postJsonString", r#"{"r":300,"g":0,"b":0}"#)], "postJsonString"),
        (vec![("scene", "1"), ("env_version", "beta")], "env_version"),
        (vec![("scene", "1"), ("is_hyaline", "maybe")], "is_hyaline"),
        (vec![("scene", "1"), ("expireHours", "0")], "expireHours"),
    ] {
        let res = wxa_code(&app, &form);
        assert_code(&res, 300);
        assert!(res["msg"].as_str().unwrap().contains(name), "{form:?} → {res}");
    }
    assert_eq!(sandbox_calls(&app, "getwxacodeunlimit"), 0);
}

#[test]
fn wechat_quota_and_expired_tokens_are_handled() {
    let app = TestApp::new();
    assert_code(&wxa_code(&app, &[("scene", "warm-up")]), 0);
    // WeChat forgets the token: the client refreshes it once and the code is still made.
    app.sandbox_post("/sandbox/wechat/control/expire-tokens", &json!({}));
    assert_code(&wxa_code(&app, &[("scene", "after-expiry")]), 0);

    app.sandbox_post("/sandbox/wechat/control/codes", &json!({ "codeQuota": 0 }));
    let res = wxa_code(&app, &[("scene", "over-quota")]);
    assert_code(&res, 502);
    assert!(res["msg"].as_str().unwrap().contains("上限"), "{res}");
    // What was stored before still answers without WeChat.
    assert_code(&wxa_code(&app, &[("scene", "warm-up")]), 0);
}

#[test]
fn common_qrcode_draws_any_text_locally_at_the_width_asked() {
    let app = TestApp::new();
    let text = "https://example.com/活动?id=1&from=海报";
    let res = app.post("/shop/qrcode/content", &[("content", text), ("width", "360")]);
    assert_code(&res, 0);
    let (img, decoded) = fetch_code(&app, res["data"].as_str().unwrap());
    assert_eq!(decoded, text);
    assert_eq!((img.width(), img.height()), (360, 360));

    let default = app.post("/shop/qrcode/content", &[("content", "hello")]);
    assert_eq!(fetch_code(&app, default["data"].as_str().unwrap()).0.width(), 300);
    let again = app.post("/shop/qrcode/content", &[("content", text), ("width", "360")]);
    assert_eq!(again["data"], res["data"], "stored once");
    assert_eq!(sandbox_calls(&app, "getwxacodeunlimit"), 0, "drawn here, not by WeChat");

    let too_narrow = app.post("/shop/qrcode/content", &[("content", "hello"), ("width", "50")]);
    assert_code(&too_narrow, 300);
    assert!(too_narrow["msg"].as_str().unwrap().contains("width"));
    assert_code(&app.post("/shop/qrcode/content", &[("width", "300")]), 300);
    let long = "长".repeat(900);
    let crowded = app.post("/shop/qrcode/content", &[("content", &long), ("width", "100")]);
    assert_code(&crowded, 300);
}

#[test]
fn url_schemes_are_made_and_listed_through_the_merchant_api() {
    let app = TestApp::with_key(KEY);
    let body = json!({ "path": "pages/index/index", "query": "id=1&from=sms", "expireType": 1, "expireInterval": 7, "remark": "短信" });
    let (status, made) = app.api("POST", "/url-schemes", Some(&body));
    assert_eq!(status, 201, "{made}");
    assert!(made["openlink"].as_str().unwrap().starts_with("weixin://dl/business/?t="), "{made}");
    assert_eq!(made["expireInterval"], 7);
    assert!(made["expiresAt"].is_string());
    assert_eq!(sandbox_calls(&app, "generatescheme"), 1);

    let (status, list) = app.api("GET", "/url-schemes", None);
    assert_eq!(status, 200);
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["openlink"], made["openlink"]);
    let (status, one) = app.api("GET", &format!("/url-schemes/{}", made["id"]), None);
    assert_eq!((status, &one["query"]), (200, &json!("id=1&from=sms")));

    for (body, field) in [
        (json!({ "expireType": 1, "expireInterval": 60 }), "expireInterval"),
        (json!({ "expireType": 0 }), "expireTime"),
        (json!({ "expireTime": 1 }), "expireTime"),
        (json!({ "path": "/pages/index/index" }), "path"),
        (json!({ "query": "a=<b>" }), "query"),
        (json!({ "envVersion": "beta" }), "envVersion"),
        (json!({ "colour": "red" }), "colour"),
    ] {
        let (status, res) = app.api("POST", "/url-schemes", Some(&body));
        assert_eq!(status, 422, "{body} → {res}");
        assert_eq!(res["field"], field, "{body} → {res}");
    }
    // WeChat refuses a page that is not released: passed on as the path's fault.
    let (status, res) = app.api("POST", "/url-schemes", Some(&json!({ "path": "pages/secret/index" })));
    assert_eq!((status, &res["field"]), (422, &json!("path")), "{res}");
    assert_eq!(app.api("GET", "/url-schemes", None).1["total"], 1);
}

#[test]
fn live_rooms_and_replays_are_cached_so_a_burst_costs_one_wechat_call() {
    let app = TestApp::new();
    let first = app.get("/shop/wx/live/rooms", &[]);
    assert_code(&first, 0);
    assert_eq!(first["data"][0]["roomid"], 1);
    assert!(first["data"][0]["name"].is_string());
    assert!(first["data"][0]["start_time"].is_i64(), "WeChat's field names, as templates read them");
    let second = app.get("/shop/wx/live/rooms", &[]);
    assert_eq!(second, first);
    assert_eq!(sandbox_calls(&app, "getliveinfo"), 1);

    let his = app.get("/shop/wx/live/his", &[("roomId", "1")]);
    assert_code(&his, 0);
    assert!(his["data"][0]["media_url"].as_str().unwrap().contains("replay"));
    app.get("/shop/wx/live/his", &[("roomId", "1")]);
    assert_eq!(sandbox_calls(&app, "getliveinfo"), 2);

    assert_code(&app.get("/shop/wx/live/his", &[]), 300);
    assert_code(&app.get("/shop/wx/live/his", &[("roomId", "x")]), 300);
    assert_code(&app.get("/shop/wx/live/his", &[("roomId", "99")]), 404);
}

#[test]
fn a_shop_without_live_rooms_answers_700() {
    let app = TestApp::new();
    app.sandbox_post("/sandbox/wechat/control/codes", &json!({ "rooms": [] }));
    assert_code(&app.get("/shop/wx/live/rooms", &[]), 700);
}

#[test]
fn the_console_makes_codes_and_schemes_and_shows_the_sandbox_record() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let csrf = b.get("/admin/wxcodes").assert_has("小程序码").csrf();

    let res = b.post(
        "/admin/wxcodes",
        &[
            ("csrf", &csrf),
            ("kind", "unlimit"),
            ("page", "pages/index/index"),
            ("scene", "poster-1"),
            ("width", "600"),
        ],
    );
    assert_eq!(res.status, 303, "{}", res.body);
    let page = b.get("/admin/wxcodes");
    page.assert_has("pages/index/index?scene=poster-1").assert_has("下载");
    let res = b.post(
        "/admin/wxcodes",
        &[("csrf", &csrf), ("kind", "c"), ("path", "pages/goods-details/index?id=3")],
    );
    assert_eq!(res.status, 303, "{}", res.body);
    b.get("/admin/wxcodes").assert_has("pages/goods-details/index?id=3").assert_has("小程序二维码");

    let refused = b.post(
        "/admin/wxcodes",
        &[
            ("csrf", &csrf),
            ("kind", "unlimit"),
            ("page", "pages/draft/index"),
            ("scene", "x"),
            ("check_path", "true"),
        ],
    );
    assert_eq!(refused.status, 422);
    refused.assert_has("pages/draft/index").assert_has("尚未发布");
    let bad =
        b.post("/admin/wxcodes", &[("csrf", &csrf), ("kind", "unlimit"), ("scene", "x"), ("width", "9999")]);
    assert_eq!(bad.status, 422);
    bad.assert_has("宽度");
    let forged = b.post("/admin/wxcodes", &[("csrf", "forged"), ("kind", "unlimit"), ("scene", "x")]);
    assert_eq!(forged.status, 403);

    let res = b.post(
        "/admin/wxcodes/schemes",
        &[
            ("csrf", &csrf),
            ("path", "pages/index/index"),
            ("query", "a=1"),
            ("env_version", "release"),
            ("expiry", "days"),
            ("expire_interval", "3"),
            ("remark", "海报"),
        ],
    );
    assert_eq!(res.status, 303, "{}", res.body);
    b.get("/admin/wxcodes/schemes").assert_has("weixin://dl/business/?t=").assert_has("海报");
    let bad = b.post(
        "/admin/wxcodes/schemes",
        &[
            ("csrf", &csrf),
            ("path", "pages/index/index"),
            ("env_version", "release"),
            ("expiry", "at"),
            ("expire_time", "2000-01-01T00:00"),
        ],
    );
    assert_eq!(bad.status, 422);
    bad.assert_has("失效时间");

    let record = b.get("/admin/sandbox");
    record.assert_has("沙箱记录").assert_has("getwxacodeunlimit").assert_has("generatescheme");
    let only = b.get("/admin/sandbox?call=generatescheme");
    only.assert_has("weixin://dl/business/?t=");
    assert!(!only.body.contains("poster-1"), "filtered to one call");
}
