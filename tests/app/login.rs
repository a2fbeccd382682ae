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
    app.disable(uid);
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

// Password floods: every try is counted in the database before argon2 runs, so however many
// arrive together, at most 5 per account and address (and 20 per address) are ever checked.

mod floods {
    use std::collections::BTreeMap;
    use std::sync::Barrier;
    use std::time::Duration;

    use serde_json::Value;
    use xiaodian::service::attempts::{self, Door};
    use xiaodian::service::error::Error as ServiceError;

    use crate::support::*;

    const ADMIN_PASSWORD: &str = "test-admin-password";
    const U_REGISTER: &str = "/shop/user/username/register";
    const U_LOGIN: &str = "/shop/user/username/login";
    const M_REGISTER: &str = "/shop/user/m/register";
    const M_LOGIN: &str = "/shop/user/m/login";
    const E_REGISTER: &str = "/shop/user/email/register";
    const E_LOGIN: &str = "/shop/user/email/login";

    fn agent() -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(Duration::from_mins(1)))
            .build()
            .into()
    }

    /// A form POST with extra headers: HTTP status and body.
    fn post(
        agent: &ureq::Agent,
        url: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> (u16, String) {
        let mut req = agent.post(url);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut res = req.send_form(form.iter().copied()).unwrap();
        (res.status().as_u16(), res.body_mut().read_to_string().unwrap())
    }

    /// An API call: the envelope.
    fn api(agent: &ureq::Agent, app: &TestApp, path: &str, form: &[(&str, &str)], ip: Option<&str>) -> Value {
        let headers: Vec<(&str, &str)> = ip.map(|ip| ("X-Real-IP", ip)).into_iter().collect();
        let (status, body) = post(agent, &app.url(path), form, &headers);
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    /// Runs `f(i, own client)` on `n` threads released together; the answers in order.
    fn together<T: Send>(n: usize, f: impl Fn(usize, &ureq::Agent) -> T + Sync) -> Vec<T> {
        let start = Barrier::new(n);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..n)
                .map(|i| {
                    let (start, f) = (&start, &f);
                    s.spawn(move || {
                        let agent = agent();
                        start.wait();
                        f(i, &agent)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    }

    fn tally(keys: impl IntoIterator<Item = i64>) -> BTreeMap<i64, usize> {
        let mut t = BTreeMap::new();
        for k in keys {
            *t.entry(k).or_default() += 1;
        }
        t
    }

    fn codes(answers: &[Value]) -> BTreeMap<i64, usize> {
        tally(answers.iter().map(|a| a["code"].as_i64().unwrap()))
    }

    /// The console login form's token (the same value goes in the cookie and the form).
    fn console_token(app: &TestApp) -> String {
        let res = agent().get(&app.url("/admin/login")).call().unwrap();
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("xiaodian_login="))
            .expect("login cookie")
            .to_string();
        cookie["xiaodian_login=".len()..].split(';').next().unwrap().to_string()
    }

    /// Posts the console login form: HTTP status and page.
    fn console_login(
        agent: &ureq::Agent,
        app: &TestApp,
        token: &str,
        user: &str,
        password: &str,
        ip: Option<&str>,
    ) -> (u16, String) {
        let cookie = format!("xiaodian_login={token}");
        let mut headers = vec![("Cookie", cookie.as_str())];
        headers.extend(ip.map(|ip| ("X-Real-IP", ip)));
        post(
            agent,
            &app.url("/admin/login"),
            &[("username", user), ("password", password), ("csrf", token)],
            &headers,
        )
    }

    fn count(app: &TestApp, sql: &str) -> i64 {
        app.query(|c| c.query_row(sql, [], |r| r.get(0)))
    }

    fn register_username(app: &TestApp, name: &str, pwd: &str) {
        assert_code(&app.post(U_REGISTER, &[("username", name), ("pwd", pwd)]), 0);
    }

    #[test]
    fn sixty_wrong_console_passwords_sent_together_are_checked_five_times_and_then_the_right_one_waits() {
        let app = TestApp::new();
        let token = console_token(&app);
        let answers = together(60, |_, a| console_login(a, &app, &token, "admin", "wrong-password", None));
        let statuses = tally(answers.iter().map(|(s, _)| i64::from(*s)));
        assert_eq!(statuses, BTreeMap::from([(401, 5), (429, 55)]), "only five passwords may be checked");
        for (status, page) in &answers {
            if *status == 429 {
                assert!(page.contains("尝试次数过多，请 15 分钟后再试"), "{page}");
            }
        }
        let (status, page) = console_login(&agent(), &app, &token, "admin", ADMIN_PASSWORD, None);
        assert_eq!(status, 429, "locked, even with the right password");
        assert!(page.contains("分钟后再试"), "{page}");
        assert_eq!(count(&app, "SELECT count(*) FROM admin_sessions"), 0);
    }

    #[test]
    fn wrong_shopper_passwords_sent_together_are_checked_five_times_for_each_way_of_logging_in() {
        let app = TestApp::new();
        register_username(&app, "flood_user", "right-secret");
        let code = sms_code(&app, "13800138100");
        let mobile = [("mobile", "13800138100"), ("code", code.as_str()), ("pwd", "right-secret")];
        assert_code(&app.post(M_REGISTER, &mobile), 0);
        let code = mail_code(&app, "flood@example.com");
        let mail = [("email", "flood@example.com"), ("code", code.as_str()), ("pwd", "right-secret")];
        assert_code(&app.post(E_REGISTER, &mail), 0);

        for (path, who, id) in [
            (U_LOGIN, "username", "FLOOD_USER"),
            (M_LOGIN, "mobile", "13800138100"),
            (E_LOGIN, "email", "flood@example.com"),
        ] {
            let answers =
                together(30, |_, a| api(a, &app, path, &[(who, id), ("pwd", "wrong-secret")], None));
            assert_eq!(codes(&answers), BTreeMap::from([(401, 5), (429, 25)]), "{path}");
            let locked = answers.iter().find(|a| a["code"] == 429).unwrap();
            assert!(locked["msg"].as_str().unwrap().contains("请 15 分钟后再试"), "{locked}");
            let right = app.post(path, &[(who, id), ("pwd", "right-secret")]);
            assert_code(&right, 429);
            assert!(right["msg"].as_str().unwrap().contains("分钟后再试"), "{right}");
        }
        assert_eq!(count(&app, "SELECT count(*) FROM user_tokens"), 0, "nobody logged in");
    }

    #[test]
    fn unknown_names_count_against_the_address_so_a_spray_of_names_stops_at_twenty() {
        let app = TestApp::with(|c| c.ip_header = Some("X-Real-IP".into()));
        let token = console_token(&app);
        let answers = together(30, |i, a| {
            console_login(a, &app, &token, &format!("nobody-{i}"), "guess", Some("10.1.1.1")).0
        });
        assert_eq!(tally(answers.into_iter().map(i64::from)), BTreeMap::from([(401, 20), (429, 10)]));
        let (status, _) = console_login(&agent(), &app, &token, "admin", ADMIN_PASSWORD, Some("10.1.1.1"));
        assert_eq!(status, 429, "the address has no tries left, whatever the name");
        let (status, _) = console_login(&agent(), &app, &token, "admin", ADMIN_PASSWORD, Some("10.1.1.2"));
        assert_eq!(status, 303, "another address is not held up");

        // Shopper logins count on their own, with the same rule.
        let answers = together(30, |i, a| {
            api(
                a,
                &app,
                U_LOGIN,
                &[("username", &format!("ghost_{i}")), ("pwd", "guess-1")],
                Some("10.1.1.1"),
            )
        });
        assert_eq!(codes(&answers), BTreeMap::from([(401, 20), (429, 10)]));
    }

    #[test]
    fn registrations_are_limited_per_address_however_concurrent() {
        let app = TestApp::with(|c| c.ip_header = Some("X-Real-IP".into()));
        let a = agent();
        for i in 0..18 {
            let form = [("username", format!("reg_{i}")), ("pwd", "secret-1".into())];
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_code(&api(&a, &app, U_REGISTER, &form, Some("10.2.0.1")), 0);
        }
        let answers = together(7, |i, a| {
            api(
                a,
                &app,
                U_REGISTER,
                &[("username", &format!("late_{i}")), ("pwd", "secret-1")],
                Some("10.2.0.1"),
            )
        });
        assert_eq!(codes(&answers), BTreeMap::from([(0, 2), (429, 5)]));
        let refused = answers.iter().find(|a| a["code"] == 429).unwrap();
        assert!(refused["msg"].as_str().unwrap().contains("注册过于频繁，请 60 分钟后再试"), "{refused}");
        assert_eq!(count(&app, "SELECT count(*) FROM users"), 20);

        // Mobile registrations share the count; the refused code stays usable.
        let code = sms_code(&app, "13800138200");
        let form = [("mobile", "13800138200"), ("code", code.as_str()), ("pwd", "secret-2")];
        assert_code(&api(&a, &app, M_REGISTER, &form, Some("10.2.0.1")), 429);
        assert_code(&api(&a, &app, M_REGISTER, &form, Some("10.2.0.2")), 0);
        let form = [("username", "other_place"), ("pwd", "secret-3")];
        assert_code(&api(&a, &app, U_REGISTER, &form, Some("10.2.0.3")), 0);
    }

    #[test]
    fn a_lockout_survives_a_restart_and_says_how_long_is_left() {
        let data = tempfile::tempdir().unwrap();
        let dir = data.path().to_path_buf();
        {
            let app = TestApp::with(|c| c.data_dir = dir.clone());
            register_username(&app, "restart_user", "right-secret");
            for _ in 0..5 {
                assert_code(&app.post(U_LOGIN, &[("username", "restart_user"), ("pwd", "wrong-1")]), 401);
            }
            let token = console_token(&app);
            for _ in 0..5 {
                assert_eq!(console_login(&agent(), &app, &token, "admin", "wrong-1", None).0, 401);
            }
            // Three minutes pass.
            app.write(|c| c.execute("UPDATE login_attempts SET until = until - 180", []));
        }
        let app = TestApp::with(|c| c.data_dir = dir.clone());
        let res = app.post(U_LOGIN, &[("username", "restart_user"), ("pwd", "right-secret")]);
        assert_code(&res, 429);
        assert!(res["msg"].as_str().unwrap().contains("请 12 分钟后再试"), "{res}");
        let token = console_token(&app);
        let (status, page) = console_login(&agent(), &app, &token, "admin", ADMIN_PASSWORD, None);
        assert_eq!(status, 429);
        assert!(page.contains("尝试次数过多，请 12 分钟后再试"), "{page}");
    }

    #[test]
    fn a_right_password_forgets_the_failures_and_a_try_never_checked_does_not_count() {
        let app = TestApp::new();
        register_username(&app, "careful", "right-secret");
        for _ in 0..4 {
            assert_code(&app.post(U_LOGIN, &[("username", "careful"), ("pwd", "typo-1")]), 401);
        }
        assert_code(&app.post(U_LOGIN, &[("username", "careful"), ("pwd", "right-secret")]), 0);
        for _ in 0..4 {
            assert_code(&app.post(U_LOGIN, &[("username", "careful"), ("pwd", "typo-2")]), 401);
        }
        assert_code(&app.post(U_LOGIN, &[("username", "careful"), ("pwd", "right-secret")]), 0);

        let rows = || count(&app, "SELECT count(*) FROM login_attempts WHERE key LIKE 'shop|%'");
        let rt = rocket::tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let before = rows();
            let attempt = attempts::reserve_try(&app.db, Door::Shop, "username:careful", None).await.unwrap();
            let attempt = attempt.unwrap();
            assert_eq!(rows(), before + 1);
            let busy: Result<(), ServiceError> =
                attempts::unless_busy(&app.db, &attempt, Err(ServiceError::Busy)).await;
            assert!(matches!(busy, Err(ServiceError::Busy)));
            assert_eq!(rows(), before, "the pool never checked it");
            let wrong: Result<(), ServiceError> =
                attempts::unless_busy(&app.db, &attempt, Err(ServiceError::BadLogin)).await;
            assert!(wrong.is_err());
        });
    }
}
