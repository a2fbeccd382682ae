//! Accounts by mobile, username and e-mail: registration, password and code logins, resets,
//! binding, password changes — and the failures: wrong, used and expired codes, taken names,
//! wrong passwords (one answer for unknown accounts), the rate limit, disabled shoppers.

use serde_json::Value;

use crate::support::*;

const M_REGISTER: &str = "/shop/user/m/register";
const M_LOGIN: &str = "/shop/user/m/login";
const M_CODE_LOGIN: &str = "/shop/user/m/loginMobile";
const M_RESET: &str = "/shop/user/m/reset-pwd";
const M_BIND: &str = "/shop/user/m/bind-mobile";
const U_REGISTER: &str = "/shop/user/username/register";
const U_LOGIN: &str = "/shop/user/username/login";
const U_BIND: &str = "/shop/user/username/bindUsername";
const U_MODIFY: &str = "/shop/user/username/modifyPassword";
const E_REGISTER: &str = "/shop/user/email/register";
const E_LOGIN: &str = "/shop/user/email/login";
const E_BIND: &str = "/shop/user/email/bindEmail";
const E_RESET: &str = "/shop/user/email/reset-pwd";
const MODIFY: &str = "/shop/user/modify/password";

fn msg(res: &Value) -> &str {
    res["msg"].as_str().unwrap()
}

fn token_of(res: &Value) -> String {
    res["data"]["token"].as_str().unwrap_or_else(|| panic!("no token in {res}")).to_string()
}

fn token_alive(app: &TestApp, token: &str) -> bool {
    app.get("/shop/user/check-token", &[("token", token)])["code"] == 0
}

/// Registers a mobile account with a password and autoLogin; the login answer.
fn mobile_account(app: &TestApp, mobile: &str, pwd: &str) -> Value {
    let code = sms_code(app, mobile);
    let res =
        app.post(M_REGISTER, &[("mobile", mobile), ("code", &code), ("pwd", pwd), ("autoLogin", "true")]);
    assert_code(&res, 0);
    res
}

/// A code that is not the right one.
fn not(code: &str) -> &'static str {
    if code == "000000" {
        "111111"
    } else {
        "000000"
    }
}

#[test]
fn a_mobile_account_registers_with_a_code_and_logs_in_with_its_password() {
    let app = TestApp::new();
    let code = sms_code(&app, "13800138000");
    let form = [
        ("mobile", "13800138000"),
        ("code", code.as_str()),
        ("pwd", "secret-1"),
        ("nick", "阿花"),
        ("city", "深圳市"),
        ("postJsonString", r#"{"from":"poster"}"#),
        ("autoLogin", "true"),
    ];
    let res = app.post(M_REGISTER, &form);
    assert_code(&res, 0);
    let d = &res["data"];
    let uid = d["uid"].as_i64().unwrap();
    assert_eq!(d["openid"], "");
    assert_eq!(d["mobile"], "13800138000");
    let token = token_of(&res);
    let detail = app.get("/shop/user/detail", &[("token", &token)]);
    assert_eq!(detail["data"]["base"]["nick"], "阿花");
    assert_eq!(detail["data"]["base"]["city"], "深圳市");
    assert_eq!(detail["data"]["base"]["source"], "mobile");
    assert_eq!(detail["data"]["base"]["hasPassword"], true);
    assert_eq!(detail["data"]["ext"]["from"], "poster");
    let hash: String = app.query(|c| c.query_row("SELECT password_hash FROM users", [], |r| r.get(0)));
    assert!(hash.starts_with("$argon2"), "{hash}");

    let login = app.post(M_LOGIN, &[("mobile", "13800138000"), ("pwd", "secret-1"), ("deviceId", "d")]);
    assert_code(&login, 0);
    assert_eq!(login["data"]["uid"], uid);
    assert_ne!(token_of(&login), token);

    // Without autoLogin the account is made and nothing is logged in.
    let code = sms_code(&app, "13800138001");
    let quiet = app.post(M_REGISTER, &[("mobile", "13800138001"), ("code", &code), ("pwd", "secret-2")]);
    assert_code(&quiet, 0);
    assert_eq!(quiet["data"], Value::Null);
    assert_code(&app.post(M_LOGIN, &[("mobile", "13800138001"), ("pwd", "secret-2")]), 0);
}

#[test]
fn mobile_registration_refuses_wrong_used_and_expired_codes_and_taken_numbers() {
    let app = TestApp::new();
    let code = sms_code(&app, "13800138002");
    let register = |code: &str, extra: &[(&str, &str)]| {
        let mut form = vec![("mobile", "13800138002"), ("code", code), ("pwd", "secret-1")];
        form.extend_from_slice(extra);
        app.post(M_REGISTER, &form)
    };
    let wrong = register(not(&code), &[]);
    assert_code(&wrong, 302);
    assert!(msg(&wrong).contains("验证码错误"), "{wrong}");
    assert_code(&register(&code, &[]), 0);
    let replay = register(&code, &[]);
    assert_code(&replay, 302);
    assert!(msg(&replay).contains("已使用"), "{replay}");

    // Taken: 409 only with the right code (a wrong one learns nothing), and the fresh code stays
    // usable; with autoLogin the code proves the number.
    age_codes(&app, "13800138002", 61);
    let fresh = sms_code(&app, "13800138002");
    assert_code(&register(not(&fresh), &[]), 302);
    let taken = register(&fresh, &[]);
    assert_code(&taken, 409);
    assert!(msg(&taken).contains("手机号"), "{taken}");
    let back = register(&fresh, &[("autoLogin", "true")]);
    assert_code(&back, 0);
    let uid: i64 =
        app.query(|c| c.query_row("SELECT id FROM users WHERE mobile = '13800138002'", [], |r| r.get(0)));
    assert_eq!(back["data"]["uid"], uid);
    let again = register(&fresh, &[("autoLogin", "true")]);
    assert_code(&again, 302);
    assert!(msg(&again).contains("已使用"), "{again}");

    let code = sms_code(&app, "13800138003");
    age_codes(&app, "13800138003", 601);
    let late = app.post(M_REGISTER, &[("mobile", "13800138003"), ("code", &code), ("pwd", "secret-1")]);
    assert_code(&late, 302);
    assert!(msg(&late).contains("过期"), "{late}");

    let never_sent =
        app.post(M_REGISTER, &[("mobile", "13800138004"), ("code", "123456"), ("pwd", "123456")]);
    assert_code(&never_sent, 302);
    assert!(msg(&never_sent).contains("请先获取验证码"), "{never_sent}");
    let short = app.post(M_REGISTER, &[("mobile", "13800138004"), ("code", "123456"), ("pwd", "12345")]);
    assert_code(&short, 300);
    assert!(msg(&short).contains("pwd"), "{short}");
    let bad_json = app.post(
        M_REGISTER,
        &[("mobile", "13800138004"), ("code", "123456"), ("pwd", "123456"), ("postJsonString", "[1]")],
    );
    assert_code(&bad_json, 300);
}

#[test]
fn a_wrong_password_answers_the_same_for_unknown_accounts_and_five_of_them_lock_the_door() {
    let app = TestApp::new();
    mobile_account(&app, "13800138005", "right-password");
    let wrong = app.post(M_LOGIN, &[("mobile", "13800138005"), ("pwd", "wrong-password")]);
    let unknown = app.post(M_LOGIN, &[("mobile", "13900000000"), ("pwd", "wrong-password")]);
    assert_code(&wrong, 401);
    assert_code(&unknown, 401);
    assert_eq!(wrong, unknown, "the same answer whether the account exists or not");
    assert_eq!(msg(&wrong), "账号或密码错误");

    for _ in 0..4 {
        assert_code(&app.post(M_LOGIN, &[("mobile", "13800138005"), ("pwd", "wrong-password")]), 401);
    }
    let locked = app.post(M_LOGIN, &[("mobile", "13800138005"), ("pwd", "right-password")]);
    assert_code(&locked, 429);
    assert!(msg(&locked).contains("15 分钟后再试"), "{locked}");
    // Another account from the same address is not held up.
    mobile_account(&app, "13800138006", "other-password");
    assert_code(&app.post(M_LOGIN, &[("mobile", "13800138006"), ("pwd", "other-password")]), 0);
}

#[test]
fn disabled_shoppers_cannot_log_in_by_password_or_code_nor_reset() {
    let app = TestApp::new();
    let res = mobile_account(&app, "13800138007", "secret-7");
    let uid = res["data"]["uid"].as_i64().unwrap();
    app.disable_keeping_logins(uid);
    let by_pwd = app.post(M_LOGIN, &[("mobile", "13800138007"), ("pwd", "secret-7")]);
    assert_code(&by_pwd, 403);
    assert!(msg(&by_pwd).contains("禁用"), "{by_pwd}");
    // A wrong password still says only that it is wrong.
    assert_code(&app.post(M_LOGIN, &[("mobile", "13800138007"), ("pwd", "secret-x")]), 401);
    age_codes(&app, "13800138007", 61);
    let code = sms_code(&app, "13800138007");
    assert_code(&app.post(M_CODE_LOGIN, &[("mobile", "13800138007"), ("code", &code)]), 403);
    assert_code(
        &app.post(M_RESET, &[("mobile", "13800138007"), ("code", &code), ("pwd", "new-secret")]),
        403,
    );
    assert_code(&app.get("/shop/user/check-token", &[("token", &token_of(&res))]), 403);
}

#[test]
fn a_code_login_finds_the_number_or_registers_it_when_asked() {
    let app = TestApp::new();
    let code = sms_code(&app, "13800138008");
    let unknown = app.post(M_CODE_LOGIN, &[("mobile", "13800138008"), ("code", &code)]);
    assert_code(&unknown, 404);
    // The refusal left the code usable: register with it.
    let reg = app.post(M_CODE_LOGIN, &[("mobile", "13800138008"), ("code", &code), ("autoReg", "true")]);
    assert_code(&reg, 0);
    let uid = reg["data"]["uid"].as_i64().unwrap();
    assert_eq!(reg["data"]["mobile"], "13800138008");
    let replay = app.post(M_CODE_LOGIN, &[("mobile", "13800138008"), ("code", &code), ("autoReg", "true")]);
    assert_code(&replay, 302);

    age_codes(&app, "13800138008", 61);
    let code = sms_code(&app, "13800138008");
    assert_code(&app.post(M_CODE_LOGIN, &[("mobile", "13800138008"), ("code", not(&code))]), 302);
    let again = app.post(M_CODE_LOGIN, &[("mobile", "13800138008"), ("code", &code)]);
    assert_code(&again, 0);
    assert_eq!(again["data"]["uid"], uid);
    // Registered by code: no password, so password logins fail like any wrong one.
    assert_code(&app.post(M_LOGIN, &[("mobile", "13800138008"), ("pwd", "anything")]), 401);
}

#[test]
fn resetting_by_mobile_code_sets_the_password_and_ends_old_sessions() {
    let app = TestApp::new();
    let old = token_of(&mobile_account(&app, "13800138009", "old-secret"));
    age_codes(&app, "13800138009", 61);
    let code = sms_code(&app, "13800138009");
    assert_code(
        &app.post(M_RESET, &[("mobile", "13800138009"), ("code", not(&code)), ("pwd", "new-secret")]),
        302,
    );
    assert_code(&app.post(M_RESET, &[("mobile", "13800138009"), ("code", &code), ("pwd", "new-secret")]), 0);
    assert!(!token_alive(&app, &old));
    assert_code(&app.post(M_LOGIN, &[("mobile", "13800138009"), ("pwd", "old-secret")]), 401);
    assert_code(&app.post(M_LOGIN, &[("mobile", "13800138009"), ("pwd", "new-secret")]), 0);
    assert_code(
        &app.post(M_RESET, &[("mobile", "13800138009"), ("code", &code), ("pwd", "other-secret")]),
        302,
    );

    let code = sms_code(&app, "13900000001");
    let nobody = app.post(M_RESET, &[("mobile", "13900000001"), ("code", &code), ("pwd", "new-secret")]);
    assert_code(&nobody, 404);
}

#[test]
fn a_wechat_shopper_binds_a_mobile_by_code_and_can_then_log_in_with_it() {
    let app = TestApp::new();
    let (uid, token) = app.login_wechat("code-alice");
    assert_code(&app.post(M_BIND, &[("mobile", "13800138010"), ("code", "123456")]), 2000);
    let code = sms_code(&app, "13800138010");
    assert_code(
        &app.post(M_BIND, &[("token", &token), ("mobile", "13800138010"), ("code", not(&code))]),
        302,
    );
    let bound = app.post(
        M_BIND,
        &[("token", &token), ("mobile", "13800138010"), ("code", &code), ("pwd", "bound-secret")],
    );
    assert_code(&bound, 0);
    let login = app.post(M_LOGIN, &[("mobile", "13800138010"), ("pwd", "bound-secret")]);
    assert_code(&login, 0);
    assert_eq!(login["data"]["uid"], uid);
    assert!(
        !login["data"]["openid"].as_str().unwrap().is_empty(),
        "the WeChat identity comes along: {login}"
    );

    // Another shopper cannot take the number; the code is left for a retry.
    let (_, bob) = app.login_wechat("code-bob");
    age_codes(&app, "13800138010", 61);
    let code = sms_code(&app, "13800138010");
    let taken = app.post(M_BIND, &[("token", &bob), ("mobile", "13800138010"), ("code", &code)]);
    assert_code(&taken, 409);
    assert_code(&app.post("/shop/verification/sms/check", &[("mobile", "13800138010"), ("code", &code)]), 0);
}

#[test]
fn username_accounts_register_log_in_bind_and_change_passwords() {
    let app = TestApp::new();
    let reg = app.post(U_REGISTER, &[("username", "alice_1"), ("pwd", "secret-1"), ("nick", "Alice")]);
    assert_code(&reg, 0);
    assert_eq!(reg["data"], Value::Null);
    let taken = app.post(U_REGISTER, &[("username", "ALICE_1"), ("pwd", "secret-1")]);
    assert_code(&taken, 409);
    assert!(msg(&taken).contains("用户名"), "{taken}");
    for bad in ["ab", "alice-1", "阿花阿花"] {
        let res = app.post(U_REGISTER, &[("username", bad), ("pwd", "secret-1")]);
        assert_code(&res, 300);
        assert!(msg(&res).contains("username"), "{res}");
    }
    let auto = app.post(U_REGISTER, &[("username", "bob_2"), ("pwd", "secret-2"), ("autoLogin", "true")]);
    assert_code(&auto, 0);
    assert_eq!(auto["data"]["mobile"], "");

    let login = app.post(U_LOGIN, &[("username", "Alice_1"), ("pwd", "secret-1"), ("deviceName", "x")]);
    assert_code(&login, 0);
    let first = token_of(&login);
    let wrong = app.post(U_LOGIN, &[("username", "alice_1"), ("pwd", "secret-x")]);
    let unknown = app.post(U_LOGIN, &[("username", "nobody_here"), ("pwd", "secret-x")]);
    assert_eq!(wrong, unknown);
    assert_code(&wrong, 401);

    // modifyPassword by username: the old password is checked; every session ends.
    let bad_old =
        app.post(U_MODIFY, &[("username", "alice_1"), ("pwdOld", "secret-x"), ("pwdNew", "secret-new")]);
    assert_code(&bad_old, 401);
    assert_code(
        &app.post(U_MODIFY, &[("username", "alice_1"), ("pwdOld", "secret-1"), ("pwdNew", "secret-new")]),
        0,
    );
    assert!(!token_alive(&app, &first));
    assert_code(&app.post(U_LOGIN, &[("username", "alice_1"), ("pwd", "secret-new")]), 0);

    // A WeChat shopper takes a username (and a password with it).
    let (uid, token) = app.login_wechat("code-carol");
    let clash = app.post(U_BIND, &[("token", &token), ("username", "BOB_2")]);
    assert_code(&clash, 409);
    assert_code(&app.post(U_BIND, &[("token", &token), ("username", "carol_3"), ("pwd", "")]), 0);
    assert_code(&app.post(U_BIND, &[("token", &token), ("username", "Carol_3"), ("pwd", "carol-secret")]), 0);
    let carol = app.post(U_LOGIN, &[("username", "carol_3"), ("pwd", "carol-secret")]);
    assert_code(&carol, 0);
    assert_eq!(carol["data"]["uid"], uid);
    assert_code(&app.post(U_BIND, &[("username", "dave_4")]), 2000);
}

#[test]
fn email_accounts_register_log_in_bind_and_reset_by_mail_code() {
    let app = TestApp::new();
    let code = mail_code(&app, "alice@example.com");
    let wrong =
        app.post(E_REGISTER, &[("email", "alice@example.com"), ("code", not(&code)), ("pwd", "secret-1")]);
    assert_code(&wrong, 302);
    let reg = app.post(
        E_REGISTER,
        &[("email", "Alice@Example.com"), ("code", &code), ("pwd", "secret-1"), ("autoLogin", "true")],
    );
    assert_code(&reg, 0);
    let uid = reg["data"]["uid"].as_i64().unwrap();
    let stored: String = app.query(|c| c.query_row("SELECT email FROM users", [], |r| r.get(0)));
    assert_eq!(stored, "alice@example.com");
    let replay =
        app.post(E_REGISTER, &[("email", "alice@example.com"), ("code", &code), ("pwd", "secret-1")]);
    assert_code(&replay, 302);

    let login = app.post(E_LOGIN, &[("email", "ALICE@example.com"), ("pwd", "secret-1")]);
    assert_code(&login, 0);
    assert_eq!(login["data"]["uid"], uid);
    let wrong = app.post(E_LOGIN, &[("email", "alice@example.com"), ("pwd", "secret-x")]);
    let unknown = app.post(E_LOGIN, &[("email", "zed@example.com"), ("pwd", "secret-x")]);
    assert_eq!(wrong, unknown);
    assert_code(&app.post(E_LOGIN, &[("email", "not-an-address"), ("pwd", "secret-x")]), 300);

    // Reset by mail code.
    age_codes(&app, "alice@example.com", 61);
    let code = mail_code(&app, "alice@example.com");
    assert_code(
        &app.post(E_RESET, &[("email", "alice@example.com"), ("code", &code), ("pwd", "secret-2")]),
        0,
    );
    assert_code(&app.post(E_LOGIN, &[("email", "alice@example.com"), ("pwd", "secret-2")]), 0);
    assert_code(
        &app.post(E_RESET, &[("email", "alice@example.com"), ("code", &code), ("pwd", "secret-3")]),
        302,
    );

    // A WeChat shopper binds an address; another cannot take it.
    let (bob_uid, bob) = app.login_wechat("code-bob");
    let code = mail_code(&app, "bob@example.com");
    assert_code(
        &app.post(E_BIND, &[("token", &bob), ("email", "bob@example.com"), ("code", not(&code))]),
        302,
    );
    assert_code(
        &app.post(
            E_BIND,
            &[("token", &bob), ("email", "bob@example.com"), ("code", &code), ("pwd", "bob-secret")],
        ),
        0,
    );
    let bob_login = app.post(E_LOGIN, &[("email", "bob@example.com"), ("pwd", "bob-secret")]);
    assert_eq!(bob_login["data"]["uid"], bob_uid);
    age_codes(&app, "alice@example.com", 61);
    let code = mail_code(&app, "alice@example.com");
    let taken = app.post(E_BIND, &[("token", &bob), ("email", "alice@example.com"), ("code", &code)]);
    assert_code(&taken, 409);
    assert!(msg(&taken).contains("邮箱"), "{taken}");
}

#[test]
fn modify_password_checks_the_old_one_and_keeps_only_the_current_session() {
    let app = TestApp::new();
    // A WeChat shopper without a password sets one without pwdOld.
    let (_, token) = app.login_wechat("code-erin");
    assert_code(&app.post(MODIFY, &[("pwdOld", "x"), ("pwdNew", "erin-secret")]), 2000);
    assert_code(&app.post(MODIFY, &[("token", &token), ("pwdNew", "erin-secret")]), 0);
    assert_code(&app.post(U_BIND, &[("token", &token), ("username", "erin_5")]), 0);
    assert_code(&app.post(U_LOGIN, &[("username", "erin_5"), ("pwd", "erin-secret")]), 0);

    let res = mobile_account(&app, "13800138011", "old-secret");
    let current = token_of(&res);
    let other = token_of(&app.post(M_LOGIN, &[("mobile", "13800138011"), ("pwd", "old-secret")]));
    let missing = app.post(MODIFY, &[("token", &current), ("pwdNew", "new-secret")]);
    assert_code(&missing, 300);
    assert!(msg(&missing).contains("pwdOld"), "{missing}");
    let wrong = app.post(MODIFY, &[("token", &current), ("pwdOld", "not-it"), ("pwdNew", "new-secret")]);
    assert_code(&wrong, 300);
    assert!(msg(&wrong).contains("原密码"), "{wrong}");
    let short = app.post(MODIFY, &[("token", &current), ("pwdOld", "old-secret"), ("pwdNew", "123")]);
    assert_code(&short, 300);
    assert_code(
        &app.post(MODIFY, &[("token", &current), ("pwdOld", "old-secret"), ("pwdNew", "new-secret")]),
        0,
    );
    assert!(token_alive(&app, &current));
    assert!(!token_alive(&app, &other));
    assert_code(&app.post(M_LOGIN, &[("mobile", "13800138011"), ("pwd", "new-secret")]), 0);

    // Guessing the old password is limited like a login.
    for _ in 0..5 {
        app.post(MODIFY, &[("token", &current), ("pwdOld", "guess-1"), ("pwdNew", "whatever-1")]);
    }
    let locked = app.post(MODIFY, &[("token", &current), ("pwdOld", "new-secret"), ("pwdNew", "whatever-1")]);
    assert_code(&locked, 429);
}
