//! WeRun steps and the signed cardExt: the server halves of wx.getWeRunData and wx.addCard, with the
//! sandbox sealing the data and issuing the api_ticket over real HTTP.

use serde_json::json;

use crate::support::*;

const WERUN: &str = "/shop/wx/werun";
const CARD_EXT: &str = "/shop/wx/card/ext";

/// 2025-12-06 00:30 and 23:30 in UTC+8 (one shop-local day), and 2025-12-07 08:00 in UTC+8.
const DEC6_EARLY: i64 = 1_764_952_200;
const DEC6_LATE: i64 = 1_765_035_000;
const DEC7: i64 = 1_765_065_600;

#[test]
fn werun_steps_are_opened_with_the_session_key_and_kept_per_local_day() {
    let app = TestApp::new();
    let (_, token) = app.login_wechat("code-runner");
    let seal = |list: serde_json::Value| app.sandbox_encrypt("code-runner", json!({ "stepInfoList": list }));
    let send = |sealed: &serde_json::Value| {
        app.post(
            WERUN,
            &[
                ("token", &token),
                ("encryptedData", sealed["encryptedData"].as_str().unwrap()),
                ("iv", sealed["iv"].as_str().unwrap()),
            ],
        )
    };
    assert_code(&app.get(WERUN, &[("token", &token)]), 700);
    let res =
        send(&seal(json!([{"timestamp": DEC6_EARLY, "step": 3000}, {"timestamp": DEC7, "step": 8123}])));
    assert_code(&res, 0);
    assert_eq!(
        res["data"],
        json!([{"day": "2025-12-07", "steps": 8123}, {"day": "2025-12-06", "steps": 3000}])
    );
    // A later report of the same local day replaces it.
    send(&seal(json!([{"timestamp": DEC6_LATE, "step": 4500}])));
    let list = app.get(WERUN, &[("token", &token)]);
    assert_eq!(list["data"][1], json!({"day": "2025-12-06", "steps": 4500}));

    // Odd data is refused whole and nothing changes.
    for bad in [json!([{"timestamp": DEC7, "step": -1}]), json!([{"timestamp": DEC7, "step": 999_999}])] {
        let res = send(&seal(bad));
        assert_code(&res, 300);
        assert!(res["msg"].as_str().unwrap().contains("encryptedData"), "{res}");
    }
    assert_eq!(app.get(WERUN, &[("token", &token)])["data"][0]["steps"], 8123);
    // Data sealed for another session key: the shopper must wx.login again (2001).
    app.login_wechat("code-someone-else");
    let other = app.sandbox_encrypt("code-someone-else", json!({"stepInfoList": []}));
    assert_code(&send(&other), 2001);
    assert_code(&app.post(WERUN, &[("encryptedData", "x"), ("iv", "y")]), 2000);
}

#[test]
fn a_card_ext_is_signed_over_the_sorted_values_with_a_fresh_nonce() {
    let app = TestApp::new();
    let (_, token) = app.login_wechat("code-card");
    let ticket = xiaodian::sandbox::wechat::card_ticket();
    let ext_of = |res: &serde_json::Value| -> serde_json::Value {
        assert_code(res, 0);
        serde_json::from_str(res["data"]["cardExt"].as_str().unwrap()).unwrap()
    };
    let first = ext_of(&app.post(CARD_EXT, &[("token", &token), ("cardId", "pFS7Fjg8kV1IdDz01r4SQwMkuCKc")]));
    let (ts, nonce) = (first["timestamp"].as_str().unwrap(), first["nonce_str"].as_str().unwrap());
    let want = xiaodian::wechat::card::signature(&[&ticket, ts, nonce, "pFS7Fjg8kV1IdDz01r4SQwMkuCKc"]);
    assert_eq!(first["signature"], want.as_str());
    assert!(first.get("openid").is_none() && first.get("code").is_none());

    let second = ext_of(&app.post(
        CARD_EXT,
        &[
            ("token", &token),
            ("cardId", "pFS7Fjg8kV1IdDz01r4SQwMkuCKc"),
            ("code", "1234567890"),
            ("bindOpenid", "true"),
        ],
    ));
    assert_ne!(second["nonce_str"], first["nonce_str"], "a fresh nonce each time");
    let openid = xiaodian::sandbox::wechat::openid_for("code-card");
    assert_eq!(second["openid"], openid.as_str());
    let want = xiaodian::wechat::card::signature(&[
        &ticket,
        second["timestamp"].as_str().unwrap(),
        second["nonce_str"].as_str().unwrap(),
        "pFS7Fjg8kV1IdDz01r4SQwMkuCKc",
        "1234567890",
        &openid,
    ]);
    assert_eq!(second["signature"], want.as_str());

    let bad = app.post(CARD_EXT, &[("token", &token), ("cardId", "p<script>")]);
    assert_code(&bad, 300);
    assert!(bad["msg"].as_str().unwrap().contains("cardId"));
    assert_code(&app.post(CARD_EXT, &[("cardId", "p1")]), 2000);
}
