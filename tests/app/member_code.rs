//! The member code (dynamicUserCode): a short-lived 18-digit code, stored hashed, that the console
//! and the merchant API turn back into the shopper while it is live.

use crate::support::*;

const CODE: &str = "/shop/user/dynamicUserCode";

#[test]
fn a_member_code_names_its_shopper_for_five_minutes_and_only_the_newest_works() {
    let app = TestApp::with_key("member-key-123");
    let (uid, token) = app.shopper("小明");
    assert_code(&app.get(CODE, &[]), 2000);
    let res = app.get(CODE, &[("token", &token)]);
    assert_code(&res, 0);
    let code = res["data"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 18);
    assert!(code.chars().all(|c| c.is_ascii_digit()), "{code}");
    let stored: i64 = app.query(|c| {
        c.query_row("SELECT count(*) FROM user_member_codes WHERE code_hash = ?1", [&code], |r| r.get(0))
    });
    assert_eq!(stored, 0, "only the hash is kept");

    let (status, member) = app.api("GET", &format!("/member-codes/{code}"), None);
    assert_eq!(status, 200, "{member}");
    assert_eq!(member["user"]["id"], uid);
    assert_eq!(member["balance"], 0.0);

    let mut b = Browser::staff(&app);
    b.get("/admin").assert_has("href=\"/admin/member-code\"");
    let page = b.get(&format!("/admin/member-code?code={code}"));
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), format!("/admin/users/{uid}"));

    // A new code replaces the old one.
    let newer = app.get(CODE, &[("token", &token)])["data"].as_str().unwrap().to_string();
    assert_ne!(newer, code);
    assert_eq!(app.api("GET", &format!("/member-codes/{code}"), None).0, 404);
    b.get(&format!("/admin/member-code?code={code}")).assert_has("会员码（或已过期）");
    assert_eq!(app.api("GET", &format!("/member-codes/{newer}"), None).0, 200);

    // Expired after five minutes.
    app.write(|c| c.execute("UPDATE user_member_codes SET expires_at = ?1", [now() - 1]));
    assert_eq!(app.api("GET", &format!("/member-codes/{newer}"), None).0, 404);
    refused(app.api("GET", "/member-codes/12345", None), 422, Some("code"));
    b.get("/admin/member-code?code=abc").assert_has("18 位数字");
}
