//! The merchant API (/admin/api/v1): keys, each resource's round trip through HTTP, what the shop
//! then answers, and failures that must name the field and write nothing.

use serde_json::{json, Value};
use xiaodian::db;

use crate::support::*;

const KEY: &str = "test-key-123";

/// Files under data/uploads, at any depth.
fn stored_files(app: &TestApp) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map_or(0, |rd| rd.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum())
    }
    walk(&app.cfg.uploads_dir())
}

fn banner(title: &str) -> Value {
    json!({"type": "index", "title": title, "picUrl": "https://img.example.com/a.png", "linkUrl": "/pages/a", "paixu": 1})
}

#[test]
fn calls_without_a_valid_key_get_401_with_a_bearer_challenge() {
    let app = TestApp::with_key(KEY);
    for auth in
        [None, Some("Bearer wrong-key".to_string()), Some(format!("Basic {KEY}")), Some("Bearer ".into())]
    {
        let res = Merchant::with_header(&app, auth.clone()).get("/settings");
        res.fails(401, None);
        assert_eq!(res.header("www-authenticate"), "Bearer", "{auth:?}");
    }
    let res = Merchant::with_header(&app, None).json("POST", "/banners", &banner("x"));
    res.fails(401, None);
    assert_eq!(app.count("banners"), 0);

    let res = Merchant::new(&app, KEY).get("/settings");
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["subDomain"], "shop");
}

#[test]
fn without_a_configured_key_only_console_keys_open_the_api() {
    let app = TestApp::new();
    Merchant::new(&app, "").get("/settings").fails(401, None);
    Merchant::new(&app, KEY).get("/settings").fails(401, None);
}

#[test]
fn keys_made_in_the_console_work_and_record_their_use() {
    let app = TestApp::new();
    let key = xiaodian::secret::new_token();
    let hash = xiaodian::secret::hash_token(&key);
    let id = app.write(|c| db::admin::insert_api_key(c, "ci", &key[..8], &hash, db::unix_now()));
    let used = || app.query(db::admin::api_keys).into_iter().find(|k| k.id == id).unwrap().date_used;
    assert_eq!(used(), None);

    let res = Merchant::new(&app, &key).get("/banners");
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body, json!([]));
    assert!(used().is_some_and(|t| t >= db::unix_now() - 5));

    app.write(|c| db::admin::delete_api_key(c, id));
    Merchant::new(&app, &key).get("/banners").fails(401, None);
}

#[test]
fn settings_are_read_and_patched_field_by_field() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let res = m.get("/settings");
    assert_eq!(res.body["shopName"], "小店");
    assert_eq!(res.body["subDomainFromEnvironment"], false);
    assert_eq!(res.body["uploadQuotaMb"], 10240);
    assert_eq!(res.body["apiBase"], format!("{}/shop", app.base));

    let res = m.json("PATCH", "/settings", &json!({"shopName": "  阿明的店 ", "uploadQuotaMb": 500}));
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["shopName"], "阿明的店");
    assert_eq!(res.body["uploadQuotaMb"], 500);
    assert_eq!(res.body["subDomain"], "shop");
    assert_eq!(m.get("/settings").body["shopName"], "阿明的店");
    assert_eq!(m.json("PATCH", "/settings", &json!({})).body["uploadQuotaMb"], 500);
}

#[test]
fn bad_settings_are_refused_naming_the_field_and_nothing_changes() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let cases = [
        (json!({"shopName": "新名字", "subDomain": "Admin"}), "subDomain"),
        (json!({"subDomain": "admin"}), "subDomain"),
        (json!({"shopName": "   "}), "shopName"),
        (json!({"shopName": "长".repeat(51)}), "shopName"),
        (json!({"uploadQuotaMb": 0}), "uploadQuotaMb"),
        (json!({"uploadQuotaMb": "100"}), "uploadQuotaMb"),
        (json!({"shopName": 7}), "shopName"),
        (json!({"shopname": "x"}), "shopname"),
    ];
    for (body, field) in cases {
        m.json("PATCH", "/settings", &body).fails(422, Some(field));
    }
    let now = m.get("/settings").body;
    assert_eq!((now["shopName"].as_str(), now["subDomain"].as_str()), (Some("小店"), Some("shop")));
    assert_eq!(app.db.read_sync(xiaodian::db::settings::all_settings).unwrap().len(), 0);
}

#[test]
fn every_setting_that_is_not_secret_is_read_with_its_type() {
    let app = TestApp::with_key(KEY);
    let res = Merchant::new(&app, KEY).get("/settings");
    assert_eq!(res.status, 200, "{}", res.body);
    let b = &res.body;
    // Text, whole numbers (null when unset without a default) and flags, each with its default.
    assert_eq!(
        (&b["miniprogramState"], &b["kefuFormat"], &b["smtpHost"]),
        (&json!("formal"), &json!("json"), &json!(""))
    );
    assert_eq!(
        (&b["orderCloseMinutes"], &b["withdrawDailyCount"], &b["smtpPort"]),
        (&json!(30), &json!(3), &Value::Null)
    );
    assert_eq!((&b["kefuTransfer"], &b["smsNeedPicCode"]), (&json!(false), &json!(false)));
    for secret in ["wechatSecret", "wxpayKey", "smsSecretKey", "smtpPassword"] {
        assert!(b.get(secret).is_none(), "{secret} answered: {b}");
    }
    assert_eq!((&b["secretsSet"], &b["fromEnvironment"]), (&json!([]), &json!([])));
    for s in xiaodian::settings::REGISTRY.iter().filter(|s| !s.secret) {
        assert!(b.get(s.key).is_some(), "{} missing: {b}", s.key);
    }
}

#[test]
fn any_setting_is_patched_with_its_type_and_secrets_are_written_but_never_answered() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let body = json!({
        "kefuFormat": " xml ",
        "orderCloseMinutes": 45,
        "smtpPort": 587,
        "kefuTransfer": true,
        "contentSecCheck": null,
        "smtpPassword": "hunter2-secret",
        "wxpayKey": "k".repeat(32),
    });
    let res = m.json("PATCH", "/settings", &body);
    assert_eq!(res.status, 200, "{}", res.body);
    let b = &res.body;
    assert_eq!(
        (&b["kefuFormat"], &b["orderCloseMinutes"], &b["smtpPort"]),
        (&json!("xml"), &json!(45), &json!(587))
    );
    assert_eq!((&b["kefuTransfer"], &b["contentSecCheck"]), (&json!(true), &json!(false)));
    assert_eq!(b["secretsSet"], json!(["smtpPassword", "wxpayKey"]));
    let text = m.get("/settings").body.to_string();
    assert!(!text.contains("hunter2") && !text.contains(&"k".repeat(32)), "{text}");

    // The shop runs on what was written.
    let snap = app.settings.get();
    assert!(snap.kefu_xml() && snap.kefu_transfer());
    assert_eq!(snap.get("smtpPassword"), Some("hunter2-secret"));
    assert_eq!(xiaodian::service::order::OrderRules::of(&snap).close_minutes, 45);
    assert_eq!(m.json("PATCH", "/settings", &json!({"kefuTransfer": false})).body["kefuTransfer"], false);
}

#[test]
fn a_bad_setting_is_refused_naming_it_and_nothing_is_written() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let cases = [
        (
            json!({"kefuFormat": "xml", "orderCloseMinutes": 0}),
            "orderCloseMinutes",
            "应为 1 到 43200 之间的整数",
        ),
        (json!({"orderCloseMinutes": "45"}), "orderCloseMinutes", "whole number"),
        (json!({"kefuFormat": "yaml"}), "kefuFormat", "应为 json 或 xml"),
        (json!({"kefuTransfer": 1}), "kefuTransfer", "true or false"),
        (json!({"wxpayKey": "too-short"}), "wxpayKey", "API 密钥应为 32 位字母或数字"),
        (json!({"smtpFrom": "not a mailbox"}), "smtpFrom", "应为邮箱地址"),
        (json!({"apiBase": "https://elsewhere"}), "apiBase", "not a setting"),
        (json!({"secretsSet": []}), "secretsSet", "not a setting"),
    ];
    for (body, field, words) in cases {
        let res = m.json("PATCH", "/settings", &body);
        res.fails(422, Some(field));
        let error = res.body["error"].as_str().unwrap();
        assert!(error.starts_with(&format!("{field}: ")) && error.contains(words), "{error}");
    }
    assert_eq!(app.query(xiaodian::db::settings::all_settings).len(), 0);
    assert_eq!(m.get("/settings").body["kefuFormat"], "json");
}

#[test]
fn settings_the_environment_fixes_are_shown_but_cannot_be_patched() {
    let app = TestApp::with(|c| {
        c.admin_api_key = Some(KEY.into());
        c.wechat.appid = Some("wx0123456789abcdef".into());
        c.wechat.secret = Some("from-the-environment".into());
    });
    let m = Merchant::new(&app, KEY);
    let b = m.get("/settings").body;
    assert_eq!(b["wechatAppid"], "wx0123456789abcdef");
    assert_eq!(
        (&b["fromEnvironment"], &b["secretsSet"]),
        (&json!(["wechatAppid", "wechatSecret"]), &json!(["wechatSecret"]))
    );
    assert!(!b.to_string().contains("from-the-environment"));
    let res = m.json("PATCH", "/settings", &json!({"shopName": "x", "wechatAppid": "wx1111111111111111"}));
    res.fails(409, None);
    assert!(res.body["error"].as_str().unwrap().contains("XIAODIAN_WECHAT_APPID"), "{}", res.body);
    assert_eq!(m.get("/settings").body["shopName"], "小店");
}

#[test]
fn patching_the_subdomain_moves_the_shop() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    assert_code(&app.get("/shop/config/vipLevel", &[]), 0);
    let res = m.json("PATCH", "/settings", &json!({"subDomain": "newshop"}));
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["subDomain"], "newshop");
    assert_eq!(res.body["apiBase"], format!("{}/newshop", app.base));
    assert_code(&app.get("/newshop/config/vipLevel", &[]), 0);
    assert_code(&app.get("/shop/config/vipLevel", &[]), 406);
}

#[test]
fn a_subdomain_fixed_by_the_environment_cannot_be_patched() {
    let app = TestApp::with(|c| {
        c.admin_api_key = Some(KEY.into());
        c.subdomain = Some("envshop".into());
    });
    let m = Merchant::new(&app, KEY);
    assert_eq!(m.get("/settings").body["subDomainFromEnvironment"], true);
    m.json("PATCH", "/settings", &json!({"subDomain": "other", "shopName": "x"})).fails(409, None);
    assert_eq!(m.get("/settings").body["shopName"], "小店");
    assert_code(&app.get("/envshop/config/vipLevel", &[]), 0);
}

#[test]
fn config_values_round_trip_and_reach_the_shop() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    m.get("/config-values/mallName").fails(404, None);

    let res = m.json("PUT", "/config-values/mallName", &json!({"value": "我的小店", "remark": "店名"}));
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!((res.body["key"].as_str(), res.body["value"].as_str()), (Some("mallName"), Some("我的小店")));
    assert_eq!(res.body["dateUpdate"].as_str().unwrap().len(), 19);
    assert_eq!(app.get("/shop/config/value", &[("key", "mallName")])["data"], "我的小店");

    let id = res.body["id"].clone();
    let res = m.json("PUT", "/config-values/mallName", &json!({"value": "新名字"}));
    assert_eq!((res.body["id"].clone(), res.body["remark"].as_str()), (id, Some("")));
    assert_eq!(app.get("/shop/config/value", &[("key", "mallName")])["data"], "新名字");
    m.json("PUT", "/config-values/order_pay_user_balance", &json!({"value": "1", "remark": "余额支付"}));

    let keys = |path: &str| -> Vec<String> {
        m.get(path).body.as_array().unwrap().iter().map(|v| v["key"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(keys("/config-values"), ["mallName", "order_pay_user_balance"]);
    assert_eq!(keys("/config-values?search=余额"), ["order_pay_user_balance"]);
    assert_eq!(m.get("/config-values/mallName").body["value"], "新名字");

    assert_eq!(m.delete("/config-values/mallName").status, 204);
    assert_code(&app.get("/shop/config/value", &[("key", "mallName")]), 700);
    m.get("/config-values/mallName").fails(404, None);
    m.delete("/config-values/mallName").fails(404, None);
}

#[test]
fn bad_config_values_name_the_field_and_write_nothing() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    m.json("PUT", "/config-values/a,b", &json!({"value": "1"})).fails(422, Some("key"));
    m.json("PUT", "/config-values/k", &json!({"value": "x".repeat(20_001)})).fails(422, Some("value"));
    m.json("PUT", "/config-values/k", &json!({"remark": "no value"})).fails(422, Some("value"));
    m.json("PUT", "/config-values/k", &json!({"value": 1})).fails(422, Some("value"));
    m.json("PUT", "/config-values/k", &json!({"value": "1", "note": "typo"})).fails(422, Some("note"));
    assert_eq!(app.count("config_values"), 0);
}

#[test]
fn banners_round_trip_and_the_shop_follows_every_change() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let res = m.json("POST", "/banners", &banner("春季上新"));
    assert_eq!(res.status, 201, "{}", res.body);
    let id = res.body["id"].as_i64().unwrap();
    assert_eq!(res.header("location"), format!("/admin/api/v1/banners/{id}"));
    assert_eq!(res.body["picUrl"], "https://img.example.com/a.png");
    assert_eq!((res.body["linkType"].as_i64(), res.body["status"].as_i64()), (Some(0), Some(0)));

    let shop = app.get("/shop/banner/list", &[]);
    assert_code(&shop, 0);
    assert_eq!(shop["data"][0]["title"], "春季上新");
    assert_eq!(m.get(&format!("/banners/{id}")).body["title"], "春季上新");

    // PUT replaces the whole banner: what it leaves out goes back to its default.
    let res = m.json(
        "PUT",
        &format!("/banners/{id}"),
        &json!({"title": "夏季", "picUrl": "https://img.example.com/b.png"}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        (res.body["title"].as_str(), res.body["type"].as_str(), res.body["paixu"].as_i64()),
        (Some("夏季"), Some(""), Some(0))
    );
    assert_eq!(app.get("/shop/banner/list", &[])["data"][0]["title"], "夏季");

    m.json("POST", "/banners", &banner("mall"));
    assert_eq!(m.get("/banners").body.as_array().unwrap().len(), 2);
    assert_eq!(m.get("/banners?type=index").body.as_array().unwrap().len(), 1);

    assert_eq!(m.delete(&format!("/banners/{id}")).status, 204);
    assert_eq!(app.get("/shop/banner/list", &[])["data"].as_array().unwrap().len(), 1);
    m.get(&format!("/banners/{id}")).fails(404, None);
    m.delete(&format!("/banners/{id}")).fails(404, None);
    m.json("PUT", &format!("/banners/{id}"), &banner("gone")).fails(404, None);
}

#[test]
fn bad_banners_are_refused_naming_the_field_and_nothing_is_written() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let mut long_title = banner("");
    long_title["title"] = json!("长".repeat(101));
    let mut no_appid = banner("x");
    no_appid["linkType"] = json!(1);
    let mut wrong_type = banner("x");
    wrong_type["linkType"] = json!("one");
    let mut typo = banner("x");
    typo["titel"] = json!("x");
    let cases = [
        (json!({"title": "no picture"}), "picUrl"),
        (long_title, "title"),
        (no_appid, "appid"),
        (wrong_type, "linkType"),
        (typo, "titel"),
        (json!({"picUrl": null}), "picUrl"),
    ];
    for (body, field) in cases {
        m.json("POST", "/banners", &body).fails(422, Some(field));
    }
    m.raw("POST", "/banners", "{\"title\": ").fails(422, None);
    m.raw("POST", "/banners", "").fails(422, None);
    m.raw("POST", "/banners", "[1, 2]").fails(422, None);
    m.get("/banners/abc").fails(422, Some("id"));
    assert_eq!(app.count("banners"), 0);
}

#[test]
fn ad_positions_are_put_by_key_and_deleted_by_id() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let slot = json!({"val": "https://img.example.com/pop.png", "url": "/pages/coupons/index", "remark": "首页弹窗"});
    let res = m.json("PUT", "/ad-positions/indexPop", &slot);
    assert_eq!(res.status, 200, "{}", res.body);
    let id = res.body["id"].as_i64().unwrap();
    assert_eq!(
        app.get("/shop/site/adPosition/info", &[("key", "indexPop")])["data"]["val"],
        "https://img.example.com/pop.png"
    );

    let res = m.json("PUT", "/ad-positions/indexPop", &json!({"val": "text", "type": 1}));
    assert_eq!(
        (res.body["id"].as_i64(), res.body["type"].as_i64(), res.body["url"].as_str()),
        (Some(id), Some(1), Some(""))
    );
    assert_eq!(app.get("/shop/site/adPosition/info", &[("key", "indexPop")])["data"]["val"], "text");
    assert_eq!(m.get("/ad-positions").body.as_array().unwrap().len(), 1);
    assert_eq!(m.get("/ad-positions/indexPop").body["val"], "text");

    m.json("PUT", "/ad-positions/x", &json!({"status": 5})).fails(422, Some("status"));
    m.json("PUT", "/ad-positions/x", &json!({"value": "typo"})).fails(422, Some("value"));
    assert_eq!(app.count("ad_positions"), 1);

    assert_eq!(m.delete(&format!("/ad-positions/{id}")).status, 204);
    assert_code(&app.get("/shop/site/adPosition/info", &[("key", "indexPop")]), 700);
    m.delete(&format!("/ad-positions/{id}")).fails(404, None);
    m.get("/ad-positions/indexPop").fails(404, None);
}

#[test]
fn notices_round_trip_with_paging_and_search() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    m.json("POST", "/notices", &json!({"content": "no title"})).fails(422, Some("title"));
    m.json("POST", "/notices", &json!({"title": "x".repeat(101)})).fails(422, Some("title"));
    m.json("POST", "/notices", &json!({"title": "x", "isShow": "yes"})).fails(422, Some("isShow"));
    assert_eq!(app.count("notices"), 0);

    let mut ids = Vec::new();
    for i in 0..3 {
        let res =
            m.json("POST", "/notices", &json!({"title": format!("公告{i}"), "content": format!("内容{i}")}));
        assert_eq!(res.status, 201, "{}", res.body);
        assert_eq!(res.body["isShow"], true);
        assert_eq!(res.header("location"), format!("/admin/api/v1/notices/{}", res.body["id"]));
        ids.push(res.body["id"].as_i64().unwrap());
    }
    assert_eq!(app.get("/shop/notice/last-one", &[])["data"]["title"], "公告2");

    let page = m.get("/notices?page=2&pageSize=2").body;
    assert_eq!(
        (page["total"].as_i64(), page["page"].as_i64(), page["pageSize"].as_i64()),
        (Some(3), Some(2), Some(2))
    );
    assert_eq!(page["items"][0]["title"], "公告0");
    assert_eq!(m.get("/notices?search=公告1").body["items"].as_array().unwrap().len(), 1);
    m.get("/notices?pageSize=0").fails(422, Some("pageSize"));
    m.get("/notices?page=abc").fails(422, Some("page"));

    let res = m.json("PUT", &format!("/notices/{}", ids[2]), &json!({"title": "撤下", "isShow": false}));
    assert_eq!((res.status, res.body["content"].as_str()), (200, Some("")));
    assert_eq!(app.get("/shop/notice/last-one", &[])["data"]["title"], "公告1");
    assert_eq!(m.get(&format!("/notices/{}", ids[2])).body["isShow"], false);

    assert_eq!(m.delete(&format!("/notices/{}", ids[1])).status, 204);
    assert_eq!(app.get("/shop/notice/last-one", &[])["data"]["title"], "公告0");
    m.get(&format!("/notices/{}", ids[1])).fails(404, None);
    m.delete(&format!("/notices/{}", ids[1])).fails(404, None);
    m.json("PUT", "/notices/424242", &json!({"title": "x"})).fails(404, None);
}

#[test]
fn friendly_links_round_trip() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    m.json("POST", "/friendly-links", &json!({"linkUrl": "https://example.com"})).fails(422, Some("title"));
    let res = m.json(
        "POST",
        "/friendly-links",
        &json!({"title": "甲", "linkUrl": "https://example.com", "type": "bank"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let id = res.body["id"].as_i64().unwrap();
    assert_eq!(res.header("location"), format!("/admin/api/v1/friendly-links/{id}"));
    assert_eq!(app.post("/shop/friendly-partner/list", &[("type", "bank")])["data"][0]["title"], "甲");

    let res = m.json("PUT", &format!("/friendly-links/{id}"), &json!({"title": "乙", "status": 1}));
    assert_eq!(
        (res.body["title"].as_str(), res.body["type"].as_str(), res.body["status"].as_i64()),
        (Some("乙"), Some(""), Some(1))
    );
    assert_code(&app.post("/shop/friendly-partner/list", &[]), 700);
    assert_eq!(m.get("/friendly-links").body.as_array().unwrap().len(), 1);
    assert_eq!(m.get(&format!("/friendly-links/{id}")).body["title"], "乙");

    assert_eq!(m.delete(&format!("/friendly-links/{id}")).status, 204);
    m.delete(&format!("/friendly-links/{id}")).fails(404, None);
    m.json("PUT", &format!("/friendly-links/{id}"), &json!({"title": "x"})).fails(404, None);
}

#[test]
fn uploads_are_stored_listed_served_and_deleted() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let png = tiny_png();
    let res = m.upload("file", "logo.png", &png);
    assert_eq!(res.status, 201, "{}", res.body);
    let id = res.body["id"].as_i64().unwrap();
    assert_eq!(res.header("location"), format!("/admin/api/v1/uploads/{id}"));
    assert_eq!((res.body["name"].as_str(), res.body["mime"].as_str()), (Some("logo.png"), Some("image/png")));
    assert_eq!(res.body["size"], png.len());
    let url = res.body["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("{}/uploads/", app.base)), "{url}");
    let served = app.get_raw(url.strip_prefix(&app.base).unwrap(), &[]);
    assert_eq!((served.0, served.1), (200, png.clone()));

    // A shopper's file is not the merchant's.
    let (_, token) = app.shopper("alice");
    let theirs = app.upload("/shop/dfs/upload/file", "upfile", "a.png", &png, &[("token", &token)]);
    let theirs = theirs["data"]["id"].as_i64().unwrap();
    let list = m.get("/uploads").body;
    assert_eq!((list["total"].as_i64(), list["items"][0]["id"].as_i64()), (Some(1), Some(id)));
    let year = res.body["path"].as_str().unwrap()[..4].to_string();
    assert_eq!(m.get(&format!("/uploads?path={year}")).body["total"], 1);
    assert_eq!(m.get("/uploads?path=1999").body["total"], 0);
    assert_eq!(m.get(&format!("/uploads/{id}")).body["url"], url);
    m.get(&format!("/uploads/{theirs}")).fails(404, None);
    m.delete(&format!("/uploads/{theirs}")).fails(404, None);

    assert_eq!(m.delete(&format!("/uploads/{id}")).status, 204);
    assert_eq!(app.get_raw(url.strip_prefix(&app.base).unwrap(), &[]).0, 404);
    m.delete(&format!("/uploads/{id}")).fails(404, None);
    assert_eq!(app.count("uploads"), 1);
}

#[test]
fn bad_uploads_name_the_file_field_and_store_nothing() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    m.upload("file", "evil.html", b"<script>alert(1)</script>").fails(422, Some("file"));
    m.upload("file", "empty.png", b"").fails(422, Some("file"));
    m.upload("upfile", "a.png", &tiny_png()).fails(422, Some("file"));
    m.raw("POST", "/uploads", "{}").fails(415, Some("file"));
    assert_eq!((app.count("uploads"), stored_files(&app)), (0, 0));
}

#[test]
fn oversized_uploads_get_413_and_store_nothing() {
    let app = TestApp::with(|c| {
        c.admin_api_key = Some(KEY.into());
        c.upload_max_bytes = 1024;
    });
    let mut big = tiny_png();
    big.resize(2000, 0);
    Merchant::new(&app, KEY).upload("file", "big.png", &big).fails(413, Some("file"));
    assert_eq!((app.count("uploads"), stored_files(&app)), (0, 0));
}

#[test]
fn unknown_routes_wrong_methods_and_broken_bodies_answer_json() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    m.get("/nope").fails(404, None);
    Merchant::with_header(&app, None).get("/nope").fails(404, None);
    let res = m.delete("/settings");
    res.fails(405, None);
    assert_eq!(res.header("allow"), "GET, PATCH");
    m.raw("PATCH", "/settings", "{not json").fails(422, None);
    m.raw("PATCH", "/settings", "{\"shopName\": \"a\",}").fails(422, None);
    let huge = json!({"title": "x", "content": "a".repeat(1024 * 1024 + 1)});
    m.json("POST", "/notices", &huge).fails(413, None);
    assert_eq!(app.count("notices"), 0);

    // Outside v1 but under /admin/api: still JSON, never HTML.
    let (status, body) = app.get_raw("/admin/api/v2/banners", &[]);
    assert_eq!(status, 404);
    let body: Value = serde_json::from_slice(&body).expect("JSON, not HTML");
    assert!(body["error"].is_string());
}

#[test]
fn users_are_listed_found_and_disabled_through_the_merchant_api() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let (uid, token) = app.login_wechat("code-merchant-user");
    app.post("/shop/user/modify", &[("token", &token), ("nick", "阿梅")]);
    let list = m.get("/users?search=%E9%98%BF%E6%A2%85");
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.body["items"][0]["id"], uid);
    assert_eq!(list.body["items"][0]["disabled"], false);
    assert_eq!(m.get(&format!("/users/{uid}")).body["nick"], "阿梅");
    m.get("/users/999999").fails(404, None);
    m.get("/users?status=odd").fails(422, Some("status"));

    let res = m.json("POST", &format!("/users/{uid}/disable"), &json!({}));
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["disabled"], true);
    assert_code(&app.get("/shop/user/check-token", &[("token", &token)]), 2000);
    assert_eq!(m.get("/users?status=disabled").body["total"], 1);
    let res = m.json("POST", &format!("/users/{uid}/enable"), &json!({}));
    assert_eq!(res.body["disabled"], false);
    Merchant::with_header(&app, None).get("/users").fails(401, None);
}

#[test]
fn shops_round_trip_and_applications_are_approved_by_status() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    m.json("POST", "/shops", &json!({"address": "no name"})).fails(422, Some("name"));
    m.json("POST", "/shops", &json!({"name": "x", "latitude": 91.0})).fails(422, Some("latitude"));
    m.json("POST", "/shops", &json!({"name": "x", "status": 5})).fails(422, Some("status"));
    m.json("POST", "/shops", &json!({"name": "x", "extJson": [1]})).fails(422, Some("extJson"));
    assert_eq!(app.count("shops"), 0);

    let res = m.json(
        "POST",
        "/shops",
        &json!({"name": "西湖店", "address": "湖滨路 1 号", "latitude": 30.259, "longitude": 120.165, "isPickPoint": true}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let id = res.body["id"].as_i64().unwrap();
    assert_eq!(res.header("location"), format!("/admin/api/v1/shops/{id}"));
    assert_eq!(app.post("/shop/shop/subshop/list", &[])["data"][0]["name"], "西湖店");
    assert_eq!(app.post("/shop/shop/subshop/pickPoints", &[])["data"]["totalRow"], 1);

    let (_, token) = app.shopper("阿丽");
    let applied = app.post("/shop/shop/subshop/apply", &[("token", &token), ("name", "阿丽水果店")]);
    let applied_id = applied["data"]["id"].as_i64().unwrap();
    let pending = m.get("/shops?status=1");
    assert_eq!(pending.body["total"], 1, "{}", pending.body);
    let mut approve = pending.body["items"][0].clone();
    let o = approve.as_object_mut().unwrap();
    for k in ["id", "userId", "dateAdd", "dateUpdate"] {
        o.remove(k);
    }
    o.insert("status".into(), json!(0));
    let res = m.json("PUT", &format!("/shops/{applied_id}"), &approve);
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(app.post("/shop/shop/subshop/list", &[])["data"].as_array().unwrap().len(), 2);

    assert_eq!(m.delete(&format!("/shops/{id}")).status, 204);
    assert_eq!(m.delete(&format!("/shops/{id}")).status, 404);
    assert_eq!(m.get(&format!("/shops/{id}")).status, 404);
}

#[test]
fn reviews_are_replied_to_hidden_and_shown() {
    use xiaodian::db::catalog::GoodsFields;
    use xiaodian::db::reputation::NewReputation;
    use xiaodian::service::catalog::{create_goods, NewGoods};
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let (uid, _) = app.shopper("阿丽");
    let g = NewGoods {
        fields: GoodsFields { name: "龙井".into(), ..GoodsFields::default() },
        ..NewGoods::default()
    };
    let goods = app.write(|c| create_goods(c, &g, xiaodian::db::unix_now()));
    let r = NewReputation {
        goods_id: goods,
        user_id: uid,
        reputation: 2,
        stars: 5,
        remark: "好".into(),
        ..NewReputation::default()
    };
    let id = app.write(|c| xiaodian::service::reputation::add_review(c, &r, xiaodian::db::unix_now()));

    let list = m.get(&format!("/reputations?goodsId={goods}"));
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.body["items"][0]["nick"], "阿丽");
    let res = m.json("PUT", &format!("/reputations/{id}/reply"), &json!({"reply": "谢谢惠顾"}));
    assert_eq!(res.status, 200, "{}", res.body);
    let shown = app.post("/shop/shop/goods/reputation", &[("goodsId", &goods.to_string())]);
    assert_eq!(shown["data"][0]["goods"]["goodReputationReply"], "谢谢惠顾");
    m.json("PUT", &format!("/reputations/{id}/reply"), &json!({"reply": "x".repeat(501)}))
        .fails(422, Some("reply"));

    assert_eq!(
        m.send("POST", &format!("/reputations/{id}/hide"), "application/json", None).body["hidden"],
        true
    );
    assert_eq!(app.post("/shop/shop/goods/reputation", &[("goodsId", &goods.to_string())])["code"], 700);
    assert_eq!(
        m.send("POST", &format!("/reputations/{id}/show"), "application/json", None).body["hidden"],
        false
    );
    assert_eq!(app.post("/shop/shop/goods/reputation", &[("goodsId", &goods.to_string())])["code"], 0);
    assert_eq!(m.send("POST", "/reputations/9999/hide", "application/json", None).status, 404);
}
