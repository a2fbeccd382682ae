//! Friends: made both ways and ended both ways, idempotent, filtered and paged, and a friend's
//! profile shown only to friends and without private fields.

use serde_json::Value;

use crate::support::*;

const LIST: &str = "/shop/user/friend/list";
const ADD: &str = "/shop/user/friend/add";
const DELETE: &str = "/shop/user/friend/delete";
const DETAIL: &str = "/shop/user/friend/detail";

/// Gives a shopper a profile through the API, and a mobile and e-mail straight in the database
/// (so tests can check they never leak).
fn profile(app: &TestApp, uid: i64, token: &str, nick: &str) {
    let avatar = format!("/uploads/2026/11/{nick}.png");
    let res = app.post(
        "/shop/user/modify",
        &[("token", token), ("nick", nick), ("avatarUrl", &avatar), ("gender", "2"), ("city", "深圳")],
    );
    assert_code(&res, 0);
    app.set_mobile(uid, &format!("1380013{uid:04}"));
    app.set_email(uid, &format!("{nick}@example.com"));
}

fn friends_of(app: &TestApp, token: &str, extra: &[(&str, &str)]) -> Value {
    let mut form = vec![("token", token)];
    form.extend_from_slice(extra);
    app.post(LIST, &form)
}

fn uids_in(page: &Value) -> Vec<i64> {
    page["data"]["result"].as_array().unwrap().iter().map(|f| f["uid"].as_i64().unwrap()).collect()
}

#[test]
fn a_friendship_is_made_both_ways_answered_with_the_friends_card_and_ended_both_ways() {
    let app = TestApp::new();
    let (alice, alice_token) = app.login_wechat("code-alice");
    let (bob, bob_token) = app.login_wechat("code-bob");
    profile(&app, alice, &alice_token, "alice");
    profile(&app, bob, &bob_token, "bob");

    let res = app.post(ADD, &[("token", &alice_token), ("uid", &bob.to_string())]);
    assert_code(&res, 0);
    let card = &res["data"];
    assert_eq!(card["uid"], bob);
    assert_eq!(card["nick"], "bob");
    assert_eq!(card["avatarUrl"], format!("{}/uploads/2026/11/bob.png", app.base));
    assert_eq!(card["dateAdd"].as_str().unwrap().len(), 19, "{card}");

    // Both sides see each other.
    let mine = friends_of(&app, &alice_token, &[]);
    assert_code(&mine, 0);
    assert_eq!(uids_in(&mine), vec![bob]);
    assert_eq!(mine["data"]["totalRow"], 1);
    assert_eq!(mine["data"]["totalPage"], 1);
    let theirs = friends_of(&app, &bob_token, &[]);
    assert_eq!(uids_in(&theirs), vec![alice]);
    assert_eq!(theirs["data"]["result"][0]["nick"], "alice");

    // Adding again (from either side) changes nothing and answers the same friendship.
    let again = app.post(ADD, &[("token", &alice_token), ("uid", &bob.to_string())]);
    assert_code(&again, 0);
    assert_eq!(again["data"]["dateAdd"], card["dateAdd"]);
    assert_code(&app.post(ADD, &[("token", &bob_token), ("uid", &alice.to_string())]), 0);
    assert_eq!(friends_of(&app, &alice_token, &[])["data"]["totalRow"], 1);
    let rows: i64 = app.query(|c| c.query_row("SELECT count(*) FROM user_friends", [], |r| r.get(0)));
    assert_eq!(rows, 2, "one row per direction");

    // A friend sees nick, avatar, gender and city, never the mobile or e-mail.
    let detail = app.get(DETAIL, &[("token", &alice_token), ("uid", &bob.to_string())]);
    assert_code(&detail, 0);
    let d = &detail["data"];
    assert_eq!((d["uid"].as_i64(), d["nick"].as_str()), (Some(bob), Some("bob")));
    assert_eq!(d["gender"], 2);
    assert_eq!(d["city"], "深圳");
    assert_eq!(d["avatarUrl"], format!("{}/uploads/2026/11/bob.png", app.base));
    let text = detail.to_string();
    assert!(!text.contains("mobile") && !text.contains("1380013") && !text.contains("example.com"), "{text}");
    assert!(!friends_of(&app, &alice_token, &[]).to_string().contains("1380013"));

    // Either side ends it for both; ending it again is fine.
    assert_code(&app.post(DELETE, &[("token", &bob_token), ("uid", &alice.to_string())]), 0);
    assert_code(&friends_of(&app, &alice_token, &[]), 700);
    assert_code(&friends_of(&app, &bob_token, &[]), 700);
    assert_code(&app.get(DETAIL, &[("token", &alice_token), ("uid", &bob.to_string())]), 403);
    assert_code(&app.post(DELETE, &[("token", &alice_token), ("uid", &bob.to_string())]), 0);
}

#[test]
fn strangers_yourself_unknown_and_disabled_shoppers_are_refused() {
    let app = TestApp::new();
    let (alice, token) = app.login_wechat("code-alice");
    let (carol, _) = app.login_wechat("code-carol");
    let (dave, _) = app.login_wechat("code-dave");
    app.disable(dave);

    for (path, get) in [(LIST, false), (ADD, false), (DELETE, false), (DETAIL, true)] {
        let form = [("uid", carol.to_string())];
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = if get { app.get(path, &form) } else { app.post(path, &form) };
        assert_code(&res, 2000);
        let bad = [("token", "not-a-live-token"), form[0]];
        let res = if get { app.get(path, &bad) } else { app.post(path, &bad) };
        assert_code(&res, 2000);
    }

    let refused = |res: Value, code: i64, says: &str| {
        assert_code(&res, code);
        assert!(res["msg"].as_str().unwrap().contains(says), "expected “{says}” in {res}");
    };
    refused(app.post(ADD, &[("token", &token)]), 300, "uid");
    refused(app.post(ADD, &[("token", &token), ("uid", "abc")]), 300, "uid");
    refused(app.post(ADD, &[("token", &token), ("uid", &alice.to_string())]), 300, "自己");
    refused(app.post(DELETE, &[("token", &token), ("uid", &alice.to_string())]), 300, "自己");
    refused(app.post(ADD, &[("token", &token), ("uid", "999999")]), 404, "用户不存在");
    refused(app.post(DELETE, &[("token", &token), ("uid", "999999")]), 404, "用户不存在");
    refused(app.post(ADD, &[("token", &token), ("uid", &dave.to_string())]), 404, "用户不存在");
    refused(app.get(DETAIL, &[("token", &token)]), 300, "uid");
    refused(app.get(DETAIL, &[("token", &token), ("uid", "999999")]), 404, "用户不存在");
    refused(app.get(DETAIL, &[("token", &token), ("uid", &carol.to_string())]), 403, "好友");
    refused(app.get(DETAIL, &[("token", &token), ("uid", &alice.to_string())]), 403, "好友");
    assert_code(&friends_of(&app, &token, &[]), 700);
    let rows: i64 = app.query(|c| c.query_row("SELECT count(*) FROM user_friends", [], |r| r.get(0)));
    assert_eq!(rows, 0);
}

#[test]
fn the_list_pages_and_filters_by_uids_and_friendship_dates() {
    let app = TestApp::new();
    let (alice, token) = app.login_wechat("code-alice");
    let mut others = Vec::new();
    for code in ["code-b", "code-c", "code-d"] {
        let (uid, _) = app.login_wechat(code);
        assert_code(&app.post(ADD, &[("token", &token), ("uid", &uid.to_string())]), 0);
        others.push(uid);
    }
    // The first friendship was made at noon on 2020-01-01 in Shanghai (04:00 UTC).
    app.write(|c| {
        c.execute(
            "UPDATE user_friends SET date_add = 1577851200 WHERE friend_id = ?1 OR user_id = ?1",
            [others[0]],
        )
        .map_err(xiaodian::error::ApiError::from)
    });

    let first = friends_of(&app, &token, &[("pageSize", "2")]);
    assert_code(&first, 0);
    assert_eq!(first["data"]["totalRow"], 3);
    assert_eq!(first["data"]["totalPage"], 2);
    assert_eq!(uids_in(&first), vec![others[2], others[1]], "newest friendship first");
    let second = friends_of(&app, &token, &[("pageSize", "2"), ("page", "2")]);
    assert_eq!(uids_in(&second), vec![others[0]]);
    assert_eq!(second["data"]["result"][0]["dateAdd"], "2020-01-01 12:00:00");
    assert_code(&friends_of(&app, &token, &[("pageSize", "2"), ("page", "3")]), 700);

    let some = format!("{},{}", others[0], others[2]);
    let picked = friends_of(&app, &token, &[("uids", &some)]);
    assert_eq!(uids_in(&picked), vec![others[2], others[0]]);
    assert_eq!(picked["data"]["totalRow"], 2);
    assert_code(&friends_of(&app, &token, &[("uids", &alice.to_string())]), 700);

    let that_day = friends_of(&app, &token, &[("dateAddBegin", "2020-01-01"), ("dateAddEnd", "2020-01-01")]);
    assert_eq!(uids_in(&that_day), vec![others[0]]);
    let since = friends_of(&app, &token, &[("dateAddBegin", "2020-01-02")]);
    assert_eq!(uids_in(&since), vec![others[2], others[1]]);
    let to_noon = friends_of(&app, &token, &[("dateAddEnd", "2020-01-01 11:59:59")]);
    assert_code(&to_noon, 700);
    let at_noon = friends_of(&app, &token, &[("dateAddEnd", "2020-01-01 12:00:00")]);
    assert_eq!(uids_in(&at_noon), vec![others[0]]);

    for (name, value) in [
        ("uids", "1,x"),
        ("dateAddBegin", "2020/01/01"),
        ("dateAddEnd", "2020-13-01"),
        ("pageSize", "0"),
        ("page", "zero"),
    ] {
        let res = friends_of(&app, &token, &[(name, value)]);
        assert_code(&res, 300);
        assert!(res["msg"].as_str().unwrap().contains(name), "{name}: {res}");
    }
}
