//! Uploads: type and size checks, where files land, listings, downloads from a URL, expiry.

use crate::support::*;

#[test]
#[allow(clippy::case_sensitive_file_extension_comparisons)] // the server names uploads in lower case
fn an_upload_is_stored_inside_the_data_dir_and_served_back() {
    let app = TestApp::new();
    let png = tiny_png();
    let res = app.upload("/shop/dfs/upload/file", "upfile", "../../evil/a.png", &png, &[("token", "")]);
    assert_code(&res, 0);
    let url = res["data"]["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/uploads/", app.base)), "{url}");
    assert_eq!(res["data"]["name"], "a.png");
    assert_eq!(res["data"]["type"], "image/png");
    let path = res["data"]["path"].as_str().unwrap();
    assert!(path.ends_with(".png") && !path.contains(".."));
    let on_disk = app.dir.path().join("uploads").join(path);
    assert_eq!(std::fs::read(&on_disk).unwrap(), png);
    let (status, body) = app.get_raw(url.strip_prefix(&app.base).unwrap(), &[]);
    assert_eq!((status, body), (200, png));
}

#[test]
fn the_v2_upload_path_checks_the_subdomain_and_records_the_owner() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("u");
    let res =
        app.upload("/upload2", "upfile", "me.png", &tiny_png(), &[("token", &token), ("subDomain", "shop")]);
    assert_code(&res, 0);
    let owner: Option<i64> = app.query(|c| c.query_row("SELECT user_id FROM uploads", [], |r| r.get(0)));
    assert_eq!(owner, Some(uid));
    let res = app.upload("/upload2", "upfile", "me.png", &tiny_png(), &[("subDomain", "elsewhere")]);
    assert_code(&res, 406);
    let res = app.upload("/upload2", "upfile", "me.png", &tiny_png(), &[("token", "dead-token")]);
    assert_code(&res, 2000);
    // The shopper lists their own file; the shop's list does not include it.
    let mine = app.post("/shop/dfs/upload/list", &[("token", &token)]);
    assert_eq!(mine["data"].as_array().unwrap().len(), 1);
    assert_code(&app.post("/shop/dfs/upload/list", &[]), 700);
}

#[test]
fn disallowed_types_and_oversized_files_are_refused_and_nothing_is_written() {
    let app = TestApp::with(|c| c.upload_max_bytes = 1024);
    let res = app.upload("/shop/dfs/upload/file", "upfile", "x.png", b"<?php echo 1; ?>", &[]);
    assert_code(&res, 415);
    let big = [tiny_png(), vec![0u8; 4096]].concat();
    let res = app.upload("/shop/dfs/upload/file", "upfile", "big.png", &big, &[]);
    assert_code(&res, 413);
    let res = app.upload("/shop/dfs/upload/file", "other", "x.png", &tiny_png(), &[]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("upfile"));
    let res = app.upload("/shop/dfs/upload/file", "upfile", "x.png", &tiny_png(), &[("expireHours", "abc")]);
    assert_code(&res, 300);
    let rows: i64 = app.query(|c| c.query_row("SELECT count(*) FROM uploads", [], |r| r.get(0)));
    assert_eq!(rows, 0);
    let files = walk(&app.dir.path().join("uploads"));
    assert!(files.is_empty(), "no file may be left behind: {files:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.path().is_dir() {
                out.extend(walk(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

#[test]
fn listings_filter_by_folder_and_page() {
    let app = TestApp::new();
    for _ in 0..3 {
        app.upload("/shop/dfs/upload/file", "upfile", "a.png", &tiny_png(), &[]);
    }
    let now = time::OffsetDateTime::now_utc();
    let folder = format!("{:04}/{:02}", now.year(), now.month() as u8);
    let res = app.post("/shop/dfs/upload/list", &[("path", &folder)]);
    assert_eq!(res["data"].as_array().unwrap().len(), 3);
    assert_code(&app.post("/shop/dfs/upload/list", &[("path", "1999/01")]), 700);
    let page = app.post("/shop/dfs/upload/list/v2", &[("pageSize", "2"), ("page", "2")]);
    assert_eq!(page["data"]["totalRow"], 3);
    assert_eq!(page["data"]["result"].as_array().unwrap().len(), 1);
}

#[test]
fn a_remote_file_is_downloaded_when_loopback_is_allowed_and_refused_otherwise() {
    let app = TestApp::with(|c| c.fetch_allow_private = true);
    let first = app.upload("/shop/dfs/upload/file", "upfile", "a.png", &tiny_png(), &[]);
    let url = first["data"]["url"].as_str().unwrap().to_string();
    let res = app.post("/shop/dfs/upload/url", &[("remoteFileUrl", &url), ("ext", "png")]);
    assert_code(&res, 0);
    assert_ne!(res["data"]["url"], url);
    let res = app.post("/uploadByUrl", &[("remoteFileUrl", &url), ("subDomain", "shop")]);
    assert_code(&res, 0);
    let res = app.post(
        "/shop/dfs/upload/url",
        &[("remoteFileUrl", &format!("{}/uploads/2020/01/nothing.png", app.base))],
    );
    assert_code(&res, 502);

    let strict = TestApp::new();
    let res = strict.post("/shop/dfs/upload/url", &[("remoteFileUrl", &url)]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("内网"));
}

#[test]
fn the_cleanup_job_removes_expired_uploads() {
    let app = TestApp::new();
    let res = app.upload("/shop/dfs/upload/file", "upfile", "a.png", &tiny_png(), &[("expireHours", "1")]);
    let path = res["data"]["path"].as_str().unwrap().to_string();
    app.upload("/shop/dfs/upload/file", "upfile", "keep.png", &tiny_png(), &[]);
    let ctx =
        xiaodian::jobs::cleanup::Context { db: app.db.clone(), uploads_dir: app.dir.path().join("uploads") };
    assert_eq!(xiaodian::jobs::cleanup::run_once(&ctx, xiaodian::db::unix_now()).unwrap(), 0);
    let later = xiaodian::db::unix_now() + 3601;
    assert_eq!(xiaodian::jobs::cleanup::run_once(&ctx, later).unwrap(), 1);
    assert!(!app.dir.path().join("uploads").join(&path).exists());
    let rows: i64 = app.query(|c| c.query_row("SELECT count(*) FROM uploads", [], |r| r.get(0)));
    assert_eq!(rows, 1);
}

#[test]
fn the_file_store_quota_is_kept_and_nothing_is_left_behind() {
    let app = TestApp::new();
    app.write(|c| {
        xiaodian::db::settings::set_setting(c, "uploadQuotaMb", "1")?;
        Ok::<_, Failed>(())
    });
    let big = [tiny_png(), vec![0u8; 700 * 1024]].concat();
    assert_code(&app.upload("/shop/dfs/upload/file", "upfile", "a.png", &big, &[]), 0);
    let res = app.upload("/shop/dfs/upload/file", "upfile", "b.png", &big, &[]);
    assert_code(&res, 413);
    assert!(res["msg"].as_str().unwrap().contains("文件空间已满"));
    let rows: i64 = app.query(|c| c.query_row("SELECT count(*) FROM uploads", [], |r| r.get(0)));
    assert_eq!(rows, 1);
    assert_eq!(walk(&app.dir.path().join("uploads")).len(), 1, "the refused file was removed");
}
