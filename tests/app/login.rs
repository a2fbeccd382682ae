//! WeChat login through the sandbox over real HTTP: registration, tokens, phone numbers, data.

use serde_json::json;

use crate::support::*;

#[test]
fn authorize_registers_once_and_logs_in_again_as_the_same_shopper() {
    let app = TestApp::new();
    let (uid, token) = app.login_wechat("code-alice");
    let (again, token2) = app.login_wechat("code-alice");
    assert_eq!(uid, again);
    assert_ne!(token, token2);
    assert_code(&app.get("/shop/user/check-token", &[("token", &token)]), 0);
    assert_code(&app.get("/shop/user/check-token", &[("token", &token2)]), 0);
    let (bob, _) = app.login_wechat("code-bob");
    assert_ne!(bob, uid);
    let users: i64 = app.query(|c| c.query_row("SELECT count(*) FROM users", [], |r| r.get(0)));
    assert_eq!(users, 2);
}

#[test]
fn login_wx_answers_10000_for_an_unknown_openid_and_the_four_fields_otherwise() {
    let app = TestApp::new();
    let res = app.post("/shop/user/wxapp/login", &[("code", "code-carol"), ("type", "2")]);
    assert_code(&res, 10000);
    let (uid, _) = app.login_wechat("code-carol");
    for path in ["/shop/user/wxapp/login", "/shop/user/wxappService/login"] {
        let res = app.post(path, &[("code", "code-carol"), ("type", "2")]);
        assert_code(&res, 0);
        assert_eq!(res["data"]["uid"], uid);
        assert!(res["data"]["token"].as_str().unwrap().len() >= 32);
        assert_eq!(res["data"]["openid"], xiaodian::sandbox::wechat::openid_for("code-carol"));
        assert_eq!(res["data"]["mobile"], "");
    }
    // wxappServiceLogin with autoReg registers like authorize.
    let res = app.post("/shop/user/wxappService/login", &[("code", "code-dan"), ("autoReg", "true")]);
    assert_code(&res, 0);
    assert_code(&app.post("/shop/user/wxapp/login", &[("code", "invalid-code")]), 300);
    assert_code(&app.post("/shop/user/wxapp/login", &[]), 300);
}

#[test]
fn loginout_revokes_the_token_and_bad_tokens_answer_2000() {
    let app = TestApp::new();
    let (_, token) = app.login_wechat("code-erin");
    // A guarded call first, so the token sits in the token cache when it is revoked.
    assert_code(&app.get("/shop/user/check-token", &[("token", &token)]), 0);
    assert_code(&app.get("/shop/user/loginout", &[("token", &token)]), 0);
    assert_code(&app.get("/shop/user/check-token", &[("token", &token)]), 2000);
    assert_code(&app.get("/shop/user/detail", &[("token", &token)]), 2000);
    assert_code(&app.get("/shop/user/check-token", &[("token", "garbage")]), 2000);
    assert_code(&app.get("/shop/user/check-token", &[]), 2000);
}

#[test]
fn user_detail_always_has_base_ext_and_user_level_and_follows_edits() {
    let app = TestApp::new();
    let (referrer, _) = app.login_wechat("code-ref");
    let res = app
        .post("/shop/user/wxapp/authorize", &[("code", "code-frank"), ("referrer", &referrer.to_string())]);
    let token = res["data"]["token"].as_str().unwrap().to_string();
    let d = app.get("/shop/user/detail", &[("token", &token)]);
    assert_code(&d, 0);
    assert_eq!(d["data"]["base"]["nick"], "");
    assert_eq!(d["data"]["base"]["avatarUrl"], "");
    assert!(d["data"]["ext"].is_object());
    assert!(d["data"]["userLevel"].is_object());
    assert_eq!(d["data"]["referrer"]["id"], referrer);
    let res = app.post(
        "/shop/user/modify",
        &[
            ("token", &token),
            ("nick", "弗兰克"),
            ("gender", "1"),
            ("avatarUrl", "https://img.example.com/a.png"),
            ("extJsonStr", r#"{"vip":true}"#),
        ],
    );
    assert_code(&res, 0);
    let d = app.get("/shop/user/detail", &[("token", &token)]);
    assert_eq!(d["data"]["base"]["nick"], "弗兰克");
    assert_eq!(d["data"]["base"]["gender"], 1);
    assert_eq!(d["data"]["base"]["avatarUrl"], "https://img.example.com/a.png");
    assert_eq!(d["data"]["ext"]["vip"], true);
    assert_code(&app.post("/shop/user/modify", &[("token", &token), ("gender", "7")]), 300);
    assert_code(&app.post("/shop/user/modify", &[("token", &token), ("extJsonStr", "[1]")]), 300);
    assert_code(&app.post("/shop/user/modify", &[("token", &token), ("nick", &"长".repeat(31))]), 300);
    let info = app.get("/shop/user/wxinfo", &[("token", &token)]);
    assert_eq!(info["data"]["openid"], xiaodian::sandbox::wechat::openid_for("code-frank"));
}

#[test]
fn a_referrer_that_is_not_a_shopper_is_ignored() {
    let app = TestApp::new();
    let res = app.post("/shop/user/wxapp/authorize", &[("code", "code-gina"), ("referrer", "999999")]);
    assert_code(&res, 0);
    let token = res["data"]["token"].as_str().unwrap();
    assert!(app.get("/shop/user/detail", &[("token", token)])["data"]["referrer"].is_null());
}

#[test]
fn encrypted_data_is_decrypted_with_the_watermark_checked_and_tampering_refused() {
    let app = TestApp::new();
    app.login_wechat("code-hank#1");
    let sealed = app.sandbox_encrypt("code-hank", json!({"stepInfoList": [{"timestamp": 1, "step": 100}]}));
    let decode = |code: &str| {
        app.post(
            "/shop/user/wxapp/decode/encryptedData",
            &[
                ("code", code),
                ("encryptedData", sealed["encryptedData"].as_str().unwrap()),
                ("iv", sealed["iv"].as_str().unwrap()),
            ],
        )
    };
    // The same login code within seconds is one code2Session: the data opens.
    let res = decode("code-hank#1");
    assert_code(&res, 0);
    assert_eq!(res["data"]["stepInfoList"][0]["step"], 100);
    assert!(res["data"]["watermark"].is_null(), "the watermark is checked, not answered");
    // A new wx.login replaces the session key: data sealed before it no longer opens (2001).
    assert_code(&decode("code-hank#2"), 2001);

    let (_, token) = app.login_wechat("code-hank#3");
    let sealed = app.sandbox_encrypt(
        "code-hank",
        json!({"phoneNumber": "13800000001", "purePhoneNumber": "13800000001", "countryCode": "86"}),
    );
    let res = app.post(
        "/shop/user/wxapp/bindMobile",
        &[
            ("token", &token),
            ("encryptedData", sealed["encryptedData"].as_str().unwrap()),
            ("iv", sealed["iv"].as_str().unwrap()),
        ],
    );
    assert_code(&res, 0);
    assert_eq!(res["data"]["mobile"], "13800000001");
    assert_eq!(app.get("/shop/user/detail", &[("token", &token)])["data"]["base"]["mobile"], "13800000001");

    for (data, iv) in [
        ("%%%", "AAAAAAAAAAAAAAAAAAAAAA=="),
        ("AAAA", "AAAAAAAAAAAAAAAAAAAAAA=="),
        (sealed["encryptedData"].as_str().unwrap(), "AAAA"),
    ] {
        let res = app
            .post("/shop/user/wxapp/bindMobile", &[("token", &token), ("encryptedData", data), ("iv", iv)]);
        assert_code(&res, 300);
    }
    // A ciphertext that does not open with the session key: stale key → log in again (2001).
    let other = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let res = app.post(
        "/shop/user/wxapp/bindMobile",
        &[("token", &token), ("encryptedData", other), ("iv", sealed["iv"].as_str().unwrap())],
    );
    assert_code(&res, 2001);
}

#[test]
fn phone_login_registers_with_the_number_when_asked_to() {
    let app = TestApp::new();
    // The mini-program calls wx.login, then the shopper taps the phone button.
    let sealed = {
        app.post("/shop/user/wxapp/login", &[("code", "code-ivy#1")]);
        app.sandbox_encrypt(
            "code-ivy",
            json!({"phoneNumber": "13900000002", "purePhoneNumber": "13900000002", "countryCode": "86"}),
        )
    };
    let login = |auto: &str| {
        app.post(
            "/shop/user/wxapp/login/mobile",
            &[
                ("code", "code-ivy#1"),
                ("encryptedData", sealed["encryptedData"].as_str().unwrap()),
                ("iv", sealed["iv"].as_str().unwrap()),
                ("autoReg", auto),
            ],
        )
    };
    assert_code(&login("false"), 10000);
    let res = login("true");
    assert_code(&res, 0);
    assert_eq!(res["data"]["mobile"], "13900000002");

    // The V3 form takes the phone button's code instead.
    let v3 = |phone_code: &str, auto: &str| {
        app.post(
            "/shop/user/wxapp/login/mobile/v2",
            &[("code", "code-june"), ("codeMobile", phone_code), ("autoReg", auto)],
        )
    };
    assert_code(&v3("pa-13900000003", "false"), 10000);
    let res = v3("pb-13900000003", "true");
    assert_code(&res, 0);
    assert_eq!(res["data"]["mobile"], "13900000003");
    // Phone codes are single use, as on WeChat.
    assert_code(&v3("pb-13900000003", "true"), 300);
}

#[test]
fn a_number_bound_to_one_shopper_cannot_be_bound_to_another() {
    let app = TestApp::new();
    let (_, a) = app.login_wechat("code-jay");
    let (_, b) = app.login_wechat("code-kim");
    assert_code(&app.post("/shop/user/wxapp/bindMobile/v2", &[("token", &a), ("code", "pa-13700000003")]), 0);
    let res = app.post("/shop/user/wxapp/bindMobile/v2", &[("token", &b), ("code", "pb-13700000003")]);
    assert_code(&res, 409);
    assert!(app.get("/shop/user/detail", &[("token", &b)])["data"]["base"]["mobile"] == "");
}

#[test]
fn an_expired_access_token_is_refreshed_once_and_the_call_retried() {
    let app = TestApp::new();
    let (_, token) = app.login_wechat("code-leo");
    assert_code(
        &app.post("/shop/user/wxapp/bindMobile/v2", &[("token", &token), ("code", "a-13600000004")]),
        0,
    );
    let first: String =
        app.query(|c| c.query_row("SELECT access_token FROM wechat_tokens", [], |r| r.get(0)));
    app.sandbox_post("/sandbox/wechat/control/expire-tokens", &json!({}));
    let (_, token2) = app.login_wechat("code-mia");
    assert_code(
        &app.post("/shop/user/wxapp/bindMobile/v2", &[("token", &token2), ("code", "b-13600000005")]),
        0,
    );
    let second: String =
        app.query(|c| c.query_row("SELECT access_token FROM wechat_tokens", [], |r| r.get(0)));
    assert_ne!(first, second, "a new token was fetched and persisted");
}

#[test]
fn a_disabled_shopper_cannot_log_in_and_the_session_key_never_leaves_the_server() {
    let app = TestApp::new();
    let res = app.post("/shop/user/wxapp/authorize", &[("code", "code-ned")]);
    let uid = res["data"]["uid"].as_i64().unwrap();
    let key: String = app.query(|c| {
        c.query_row("SELECT session_key FROM wechat_accounts WHERE user_id = ?1", [uid], |r| r.get(0))
    });
    assert!(!key.is_empty());
    let token = res["data"]["token"].as_str().unwrap();
    for answer in [
        res.to_string(),
        app.get("/shop/user/detail", &[("token", token)]).to_string(),
        app.get("/shop/user/wxinfo", &[("token", token)]).to_string(),
    ] {
        assert!(!answer.contains(&key), "session_key leaked: {answer}");
    }
    app.db
        .write_sync(|c| {
            c.execute("UPDATE users SET status = 1 WHERE id = ?1", [uid])?;
            Ok::<_, xiaodian::error::ApiError>(())
        })
        .unwrap();
    assert_code(&app.post("/shop/user/wxapp/authorize", &[("code", "code-ned")]), 403);
}

#[test]
fn the_sandbox_is_off_once_a_real_appid_is_set() {
    let app = TestApp::with(|c| {
        c.wechat.appid = Some("wxrealappid".into());
        c.wechat.secret = Some("s".into());
        c.wechat.api_base = Some("http://127.0.0.1:9".into());
    });
    let (status, _) = app.get_raw("/sandbox/wechat/sns/jscode2session", &[("appid", "x")]);
    assert_eq!(status, 404);
    // WeChat unreachable: a clear 502, not a hang or a panic.
    assert_code(&app.post("/shop/user/wxapp/authorize", &[("code", "code-x")]), 502);
}

#[test]
fn concurrent_logins_with_one_code_make_one_shopper_and_all_succeed() {
    let app = TestApp::new();
    let uids: Vec<i64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    let res = app.post("/shop/user/wxapp/authorize", &[("code", "code-double-tap")]);
                    assert_code(&res, 0);
                    res["data"]["uid"].as_i64().unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(uids.windows(2).all(|w| w[0] == w[1]), "{uids:?}");
    let users: i64 = app.query(|c| c.query_row("SELECT count(*) FROM users", [], |r| r.get(0)));
    assert_eq!(users, 1);
}

#[test]
fn raw_data_is_checked_against_its_signature_when_sent() {
    let app = TestApp::new();
    app.login_wechat("code-oli#1");
    let sealed = app.sandbox_encrypt("code-oli", json!({"nickName": "奥利", "gender": 2}));
    let raw = sealed["rawData"].as_str().unwrap();
    let call = |raw: &str, sig: &str| {
        app.post(
            "/shop/user/wxapp/decode/encryptedData",
            &[
                ("code", "code-oli#1"),
                ("encryptedData", sealed["encryptedData"].as_str().unwrap()),
                ("iv", sealed["iv"].as_str().unwrap()),
                ("rawData", raw),
                ("signature", sig),
            ],
        )
    };
    let res = call(raw, sealed["signature"].as_str().unwrap());
    assert_code(&res, 0);
    assert_eq!(res["data"]["nickName"], "奥利");
    let forged = raw.replace("奥利", "别人");
    let res = call(&forged, sealed["signature"].as_str().unwrap());
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("signature"));
}
