//! Bytes a client should not have sent are the client's mistake, named as such: a body that is
//! not UTF-8 answers 300 on every route that reads one, an upload that is not multipart answers
//! 300, and WeChat's notifies get the XML FAIL answer whatever arrives.

use serde_json::Value;
use xiaodian::config::Config;

use crate::support::*;

/// Text with a byte that is not UTF-8 after a valid start.
const NOT_UTF8: &[u8] = b"remark=\xe5\xb0\x8f\xff\xfe&page=1";

/// Every POST route of the shop API, as a client would call it (dynamic segments filled in).
fn shop_post_paths() -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let (rocket, _) = xiaodian::build(Config::for_tests(dir.path())).unwrap();
    let mut paths: Vec<String> = rocket
        .routes()
        .filter(|r| r.method == rocket::http::Method::Post)
        .map(|r| r.uri.path().to_string())
        .filter(|p| !p.starts_with("/admin") && !p.starts_with("/sandbox") && !p.starts_with("/notify"))
        .map(|p| {
            let p = p.replacen(xiaodian::api::SHOP_BASE, "/shop", 1);
            p.split('/')
                .map(|seg| match seg {
                    s if s.starts_with('<') && s.ends_with("..>") => "x",
                    s if s.starts_with('<') => "1",
                    s => s,
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

#[test]
fn a_body_that_is_not_utf8_answers_300_naming_it_on_every_route() {
    let app = TestApp::new();
    let (_, token) = app.shopper("bytes");
    let paths = shop_post_paths();
    assert!(paths.len() > 150, "{} routes", paths.len());
    let mut named = 0;
    for path in &paths {
        for ct in ["application/x-www-form-urlencoded", "application/json", "text/plain"] {
            let (status, text) = app.post_raw(&format!("{path}?token={token}"), ct, NOT_UTF8);
            let res: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("POST {path} ({ct}): HTTP {status}, not JSON ({e}): {text}"));
            assert_ne!(res["code"], 500, "POST {path} ({ct}): {res}");
            if res["code"] == 300 && res["msg"].as_str().unwrap().contains("UTF-8") {
                named += 1;
            }
        }
    }
    // Every route that reads a body says which part is wrong; the few others refuse before reading
    // one (uploads want multipart, placeholder paths are unknown, unsupported channels answer 501).
    assert!(named >= 400, "{named} answers named the body, of {} routes", paths.len());
    let res = app.post_raw("/shop/json/set", "application/x-www-form-urlencoded", NOT_UTF8).1;
    let res: Value = serde_json::from_str(&res).unwrap();
    assert_code(&res, 300);
    let msg = res["msg"].as_str().unwrap();
    assert!(msg.contains("body") && msg.contains("UTF-8") && msg.contains("第 11 个字节"), "{msg}");
}

#[test]
fn an_upload_that_is_not_multipart_says_so() {
    let app = TestApp::new();
    for path in ["/upload2", "/shop/dfs/upload/file"] {
        for (ct, body) in [
            ("text/plain", &b"abc"[..]),
            ("application/json", &b"{\"upfile\":\"x\"}"[..]),
            ("application/octet-stream", &tiny_png()[..]),
            ("application/x-www-form-urlencoded", &b"upfile=x"[..]),
        ] {
            let (status, text) = app.post_raw(path, ct, body);
            assert_eq!(status, 200, "{path} {ct}: {text}");
            let res: Value = serde_json::from_str(&text).unwrap();
            assert_code(&res, 300);
            assert!(
                res["msg"].as_str().unwrap().contains("需要 multipart/form-data 上传"),
                "{path} {ct}: {res}"
            );
        }
        // A real multipart upload still works.
        assert_code(&app.upload(path, "upfile", "a.png", &tiny_png(), &[]), 0);
    }
}

#[test]
fn a_notify_too_large_or_not_utf8_gets_the_xml_fail_answer() {
    let app = TestApp::new();
    let too_large = vec![b'a'; 1024 * 1024 + 1];
    for path in ["/notify/wxpay", "/notify/wxpay/refund"] {
        for (what, body) in [("not UTF-8", NOT_UTF8), ("over 1 MiB", &too_large[..])] {
            let (status, text) = app.post_raw(path, "text/xml", body);
            assert_eq!(status, 200, "{path} {what}: {text}");
            let fields = xiaodian::wechat::pay::from_xml(&text)
                .unwrap_or_else(|e| panic!("{path} {what}: not XML ({e}): {text}"));
            assert_eq!(fields["return_code"], "FAIL", "{path} {what}: {text}");
            assert!(!fields["return_msg"].is_empty(), "{path} {what}: {text}");
        }
        // Well-formed but unsigned: still FAIL in XML, as before.
        let (_, text) = app.post_raw(path, "text/xml", b"<xml><return_code>SUCCESS</return_code></xml>");
        assert_eq!(xiaodian::wechat::pay::from_xml(&text).unwrap()["return_code"], "FAIL", "{text}");
    }
}
