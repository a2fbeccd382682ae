//! Follows (userAttention*): one-way, idempotent, counted right, listed with who follows back, and
//! refused for oneself, strangers to the shop and disabled accounts.

use serde_json::Value;

use crate::support::*;

const CHECK: &str = "/shop/user/attention/check";
const ADD: &str = "/shop/user/attention/add";
const REMOVE: &str = "/shop/user/attention/remove";
const FANS: &str = "/shop/user/attention/attention-me";
const MINE: &str = "/shop/user/attention/my-attention";
const DETAIL: &str = "/shop/user/attention/detail";
const STATISTICS: &str = "/shop/user/attention/statistics";

fn follow(app: &TestApp, token: &str, uid: i64) -> Value {
    app.post(ADD, &[("token", token), ("uid", &uid.to_string())])
}

fn unfollow(app: &TestApp, token: &str, uid: i64) -> Value {
    app.post(REMOVE, &[("token", token), ("uid", &uid.to_string())])
}

/// (myAttentionCount, attentionMeCount), checking the answer's shape.
fn counts(app: &TestApp, token: &str) -> (i64, i64) {
    let res = app.get(STATISTICS, &[("token", token)]);
    assert_code(&res, 0);
    assert_eq!(res["data"].as_object().unwrap().len(), 2, "{res}");
    (res["data"]["myAttentionCount"].as_i64().unwrap(), res["data"]["attentionMeCount"].as_i64().unwrap())
}

fn uids_in(page: &Value) -> Vec<i64> {
    page["data"]["result"].as_array().unwrap().iter().map(|f| f["uid"].as_i64().unwrap()).collect()
}

#[test]
fn following_is_one_way_idempotent_and_counted_right() {
    let app = TestApp::new();
    let (alice, alice_token) = app.login_wechat("code-alice");
    let (bob, bob_token) = app.login_wechat("code-bob");
    assert_code(
        &app.post(
            "/shop/user/modify",
            &[("token", &bob_token), ("nick", "bob"), ("avatarUrl", "/uploads/b.png")],
        ),
        0,
    );
    assert_eq!(counts(&app, &alice_token), (0, 0));
    let no = app.get(CHECK, &[("token", &alice_token), ("uid", &bob.to_string())]);
    assert_code(&no, -1);
    assert_eq!(no["msg"], "未关注");

    // Twice, like a double tap: one follow.
    assert_code(&follow(&app, &alice_token, bob), 0);
    assert_code(&follow(&app, &alice_token, bob), 0);
    assert_eq!(counts(&app, &alice_token), (1, 0));
    assert_eq!(counts(&app, &bob_token), (0, 1));
    let yes = app.get(CHECK, &[("token", &alice_token), ("uid", &bob.to_string())]);
    assert_code(&yes, 0);
    assert_eq!(yes["data"], "已关注");
    assert_code(&app.get(CHECK, &[("token", &bob_token), ("uid", &alice.to_string())]), -1);

    let mine = app.post(MINE, &[("token", &alice_token)]);
    assert_code(&mine, 0);
    assert_eq!(uids_in(&mine), vec![bob]);
    let item = &mine["data"]["result"][0];
    assert_eq!(item["nick"], "bob");
    assert_eq!(item["avatarUrl"], format!("{}/uploads/b.png", app.base));
    assert_eq!(item["mutual"], false);
    assert_eq!(item["dateAdd"].as_str().unwrap().len(), 19);
    assert_eq!(mine["data"]["totalRow"], 1);
    assert_code(&app.post(FANS, &[("token", &alice_token)]), 700);
    let fans = app.post(FANS, &[("token", &bob_token)]);
    assert_eq!(uids_in(&fans), vec![alice]);
    assert_eq!(fans["data"]["result"][0]["mutual"], false);

    // Bob follows back: both lists say so.
    assert_code(&follow(&app, &bob_token, alice), 0);
    assert_eq!(app.post(MINE, &[("token", &alice_token)])["data"]["result"][0]["mutual"], true);
    assert_eq!(app.post(FANS, &[("token", &bob_token)])["data"]["result"][0]["mutual"], true);
    let card = app.get(DETAIL, &[("token", &alice_token), ("uid", &bob.to_string())]);
    assert_code(&card, 0);
    let c = &card["data"];
    assert_eq!((c["uid"].as_i64(), c["nick"].as_str()), (Some(bob), Some("bob")));
    assert_eq!((c["myAttentionCount"].as_i64(), c["attentionMeCount"].as_i64()), (Some(1), Some(1)));
    assert_eq!((c["isAttention"].as_bool(), c["isAttentionMe"].as_bool()), (Some(true), Some(true)));
    assert!(!card.to_string().contains("mobile"));

    // Unfollowing twice: one unfollow, and the counts follow.
    assert_code(&unfollow(&app, &alice_token, bob), 0);
    assert_code(&unfollow(&app, &alice_token, bob), 0);
    assert_eq!(counts(&app, &alice_token), (0, 1));
    assert_eq!(counts(&app, &bob_token), (1, 0));
    assert_code(&app.post(MINE, &[("token", &alice_token)]), 700);
    let card = app.get(DETAIL, &[("token", &alice_token), ("uid", &bob.to_string())]);
    assert_eq!(
        (card["data"]["isAttention"].as_bool(), card["data"]["isAttentionMe"].as_bool()),
        (Some(false), Some(true))
    );
}

#[test]
fn the_lists_page_latest_first() {
    let app = TestApp::new();
    let (star, star_token) = app.login_wechat("code-star");
    let mut fans = Vec::new();
    for i in 0..3 {
        let (uid, token) = app.login_wechat(&format!("code-fan-{i}"));
        assert_code(&follow(&app, &token, star), 0);
        fans.push(uid);
    }
    // Follows made in the same second keep the newest account first too.
    let first = app.post(FANS, &[("token", &star_token), ("pageSize", "2")]);
    assert_code(&first, 0);
    assert_eq!((first["data"]["totalRow"].as_i64(), first["data"]["totalPage"].as_i64()), (Some(3), Some(2)));
    assert_eq!(uids_in(&first), vec![fans[2], fans[1]]);
    let second = app.post(FANS, &[("token", &star_token), ("pageSize", "2"), ("page", "2")]);
    assert_eq!(uids_in(&second), vec![fans[0]]);
    assert_code(&app.post(FANS, &[("token", &star_token), ("page", "2")]), 700);
    let bad = app.post(MINE, &[("token", &star_token), ("pageSize", "501")]);
    assert_code(&bad, 300);
    assert!(bad["msg"].as_str().unwrap().contains("pageSize"));
}

#[test]
fn yourself_unknown_and_disabled_shoppers_and_callers_without_a_token_are_refused() {
    let app = TestApp::new();
    let (alice, token) = app.login_wechat("code-alice");
    let (dave, _) = app.login_wechat("code-dave");
    app.disable(dave);
    let uid = dave.to_string();
    for (path, get) in [
        (CHECK, true),
        (ADD, false),
        (REMOVE, false),
        (FANS, false),
        (MINE, false),
        (DETAIL, true),
        (STATISTICS, true),
    ] {
        let res = if get { app.get(path, &[("uid", &uid)]) } else { app.post(path, &[("uid", &uid)]) };
        assert_code(&res, 2000);
    }

    let refused = |res: Value, code: i64, says: &str| {
        assert_code(&res, code);
        assert!(res["msg"].as_str().unwrap().contains(says), "expected “{says}” in {res}");
    };
    refused(follow(&app, &token, alice), 300, "自己");
    refused(unfollow(&app, &token, alice), 300, "自己");
    refused(follow(&app, &token, 999_999), 404, "用户不存在");
    refused(unfollow(&app, &token, 999_999), 404, "用户不存在");
    refused(follow(&app, &token, dave), 404, "用户不存在");
    refused(app.get(DETAIL, &[("token", &token), ("uid", &uid)]), 404, "用户不存在");
    refused(app.post(ADD, &[("token", &token)]), 300, "uid");
    refused(app.post(ADD, &[("token", &token), ("uid", "1.5")]), 300, "uid");
    refused(app.get(CHECK, &[("token", &token)]), 300, "uid");
    refused(app.get(DETAIL, &[("token", &token), ("uid", "x")]), 300, "uid");
    assert_eq!(counts(&app, &token), (0, 0));
    // Looking at one's own card is fine.
    let me = app.get(DETAIL, &[("token", &token), ("uid", &alice.to_string())]);
    assert_code(&me, 0);
    assert_eq!(me["data"]["isAttention"], false);
}
