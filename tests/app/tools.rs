//! The image captcha, unique ids, sequences and distances.

use crate::support::*;

#[test]
fn the_captcha_is_a_png_and_each_key_checks_once() {
    let app = TestApp::new();
    let (status, png) = app.get_raw("/shop/verification/pic/get", &[("key", "k1")]);
    assert_eq!(status, 200);
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let code = app.captchas.peek("k1").expect("a code was issued for k1");
    assert_code(
        &app.post("/shop/verification/pic/check", &[("key", "k1"), ("code", &code.to_lowercase())]),
        0,
    );
    assert_code(&app.post("/shop/verification/pic/check", &[("key", "k1"), ("code", &code)]), 301);

    app.get_raw("/shop/verification/pic/get", &[("key", "k2")]);
    let code = app.captchas.peek("k2").unwrap();
    assert_code(&app.post("/shop/verification/pic/check", &[("key", "k2"), ("code", "WRONG")]), 301);
    assert_code(&app.post("/shop/verification/pic/check", &[("key", "k2"), ("code", &code)]), 301);
    assert_code(&app.post("/shop/verification/pic/check", &[("key", "never"), ("code", "ABCD")]), 301);
}

#[test]
fn unique_ids_increase_and_sequences_count_per_type() {
    let app = TestApp::new();
    let a = app.get("/shop/uniqueId/get", &[])["data"].as_u64().unwrap();
    let b = app.get("/shop/uniqueId/get", &[("type", "order")])["data"].as_u64().unwrap();
    assert!(b > a);
    assert_eq!(app.get("/shop/uniqueId/sequence", &[("type", "no"), ("defValue", "100")])["data"], 100);
    assert_eq!(app.get("/shop/uniqueId/sequence", &[("type", "no"), ("defValue", "100")])["data"], 101);
    assert_eq!(app.get("/shop/uniqueId/sequence", &[("type", "other")])["data"], 1);
}

#[test]
fn straight_line_distance_in_kilometres() {
    let app = TestApp::new();
    let res = app.get(
        "/common/map/distance",
        &[("lat1", "39.9042"), ("lng1", "116.4074"), ("lat2", "31.2304"), ("lng2", "121.4737")],
    );
    assert_code(&res, 0);
    let km = res["data"].as_f64().unwrap();
    assert!((1060.0..1075.0).contains(&km), "{km}");
}
