//! Customer service over HTTP: WeChat's message push at /wechat/callback (signatures, echostr, JSON
//! and XML, the encrypted mode, retries dropped, transfer), the console inbox replying through the
//! sandbox (text, picture, 45015, typing), and the asynchronous media checks (avatars, audio and
//! video uploads) whose verdict arrives as a push event.

use std::time::{Duration, Instant};

use base64::Engine;
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use serde_json::{json, Value};
use sha1::{Digest, Sha1};
use xiaodian::sandbox::wechat::openid_for;
use xiaodian::wechat::SANDBOX_APPID;

use crate::support::*;

const TOKEN: &str = "kefuToken123";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const KEFU_PUSH: &str = "/sandbox/wechat/control/kefu-push";

// ---- the shop's side of WeChat, written here from the published algorithm ----

fn sha1_sorted(parts: &[&str]) -> String {
    let mut v = parts.to_vec();
    v.sort_unstable();
    let mut h = Sha1::new();
    h.update(v.concat().as_bytes());
    hex::encode(h.finalize())
}

fn aes_key() -> Vec<u8> {
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    engine.decode(format!("{AES_KEY}=")).unwrap()
}

/// 16 random bytes + 4-byte big-endian length + msg + appid, PKCS#7 to 32, AES-256-CBC, IV = key[..16].
fn seal(msg: &str, appid: &str) -> String {
    let key = aes_key();
    let mut plain = b"0123456789abcdef".to_vec();
    plain.extend_from_slice(&u32::try_from(msg.len()).unwrap().to_be_bytes());
    plain.extend_from_slice(msg.as_bytes());
    plain.extend_from_slice(appid.as_bytes());
    let pad = 32 - plain.len() % 32;
    plain.extend(std::iter::repeat_n(u8::try_from(pad).expect("a pad is at most one block"), pad));
    let enc = cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &key[..16]).unwrap();
    base64::engine::general_purpose::STANDARD.encode(enc.encrypt_padded_vec::<NoPadding>(&plain))
}

fn open_sealed(sealed: &str) -> (String, String) {
    let key = aes_key();
    let data = base64::engine::general_purpose::STANDARD.decode(sealed).unwrap();
    let dec = cbc::Decryptor::<aes::Aes256>::new_from_slices(&key, &key[..16]).unwrap();
    let plain = dec.decrypt_padded_vec::<NoPadding>(&data).unwrap();
    let plain = &plain[..plain.len() - *plain.last().unwrap() as usize];
    let len = u32::from_be_bytes(plain[16..20].try_into().unwrap()) as usize;
    let msg = String::from_utf8(plain[20..20 + len].to_vec()).unwrap();
    let appid = String::from_utf8(plain[20 + len..].to_vec()).unwrap();
    (msg, appid)
}

fn push_on(app: &TestApp) {
    app.set_setting("kefuToken", TOKEN);
}

/// POSTs `body` to the callback signed with `token`; (status, answer).
fn push_signed(app: &TestApp, token: &str, content_type: &str, body: &str) -> (u16, String) {
    let (ts, nonce) = ("1700000000", "nonce1");
    let sig = sha1_sorted(&[token, ts, nonce]);
    app.post_raw(
        &format!("/wechat/callback?signature={sig}&timestamp={ts}&nonce={nonce}"),
        content_type,
        body.as_bytes(),
    )
}

fn text_json(openid: &str, msg_id: i64, content: &str) -> String {
    json!({
        "ToUserName": "gh_test", "FromUserName": openid, "CreateTime": 1700000000,
        "MsgType": "text", "Content": content, "MsgId": msg_id,
    })
    .to_string()
}

fn messages(app: &TestApp) -> Vec<(String, String, String, Option<i64>)> {
    app.query(|c| {
        let mut st = c.prepare("SELECT openid, msg_type, content, user_id FROM kefu_messages ORDER BY id")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect();
        rows
    })
}

/// Waits (up to 5 s) for `cond` — media-check verdicts arrive on their own a moment later.
fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        if cond() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}

// ---- the message push ----

#[test]
fn the_url_check_answers_echostr_only_to_the_shops_signature() {
    let app = TestApp::new();
    let good = sha1_sorted(&[TOKEN, "1700000000", "n"]);
    let q =
        [("signature", good.as_str()), ("timestamp", "1700000000"), ("nonce", "n"), ("echostr", "echo-42")];
    // No Token configured yet: refused.
    assert_eq!(app.get_raw("/wechat/callback", &q).0, 403);
    push_on(&app);
    let (status, body) = app.get_raw("/wechat/callback", &q);
    assert_eq!((status, String::from_utf8(body).unwrap().as_str()), (200, "echo-42"));
    let bad = sha1_sorted(&["other", "1700000000", "n"]);
    let (status, body) = app.get_raw(
        "/wechat/callback",
        &[("signature", bad.as_str()), ("timestamp", "1700000000"), ("nonce", "n"), ("echostr", "echo-42")],
    );
    assert_eq!(status, 403);
    assert!(!String::from_utf8(body).unwrap().contains("echo-42"));
}

#[test]
fn a_push_with_a_bad_signature_is_refused_and_nothing_is_stored() {
    let app = TestApp::new();
    push_on(&app);
    let (status, _) = push_signed(&app, "not-the-token", "application/json", &text_json("o1", 1, "hi"));
    assert_eq!(status, 403);
    let (status, _) =
        app.post_raw("/wechat/callback", "application/json", text_json("o1", 2, "hi").as_bytes());
    assert_eq!(status, 403);
    assert!(messages(&app).is_empty());
}

#[test]
fn the_same_message_pushed_three_times_is_stored_once() {
    let app = TestApp::new();
    push_on(&app);
    for _ in 0..3 {
        let (status, body) = push_signed(&app, TOKEN, "application/json", &text_json("o1", 991, "在吗"));
        assert_eq!((status, body.as_str()), (200, "success"));
    }
    let event = json!({
        "ToUserName": "gh_test", "FromUserName": "o1", "CreateTime": 1700000100,
        "MsgType": "event", "Event": "user_enter_tempsession", "SessionFrom": "goods-1",
    })
    .to_string();
    for _ in 0..3 {
        assert_eq!(push_signed(&app, TOKEN, "application/json", &event).0, 200);
    }
    let rows = messages(&app);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((rows[0].1.as_str(), rows[0].2.as_str()), ("text", "在吗"));
    assert_eq!((rows[1].1.as_str(), rows[1].2.as_str()), ("event", "user_enter_tempsession"));
    let unread: i64 =
        app.query(|c| c.query_row("SELECT unread FROM kefu_threads WHERE openid = 'o1'", [], |r| r.get(0)));
    assert_eq!(unread, 1, "events are not unread messages");
}

#[test]
fn json_and_xml_bodies_are_both_read_and_linked_to_the_shopper() {
    let app = TestApp::new();
    push_on(&app);
    let (uid, _) = app.login_wechat("code-alice");
    let alice = openid_for("code-alice");
    let xml = format!(
        "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{alice}]]></FromUserName>\
         <CreateTime>1700000000</CreateTime><MsgType><![CDATA[image]]></MsgType>\
         <PicUrl><![CDATA[https://example.invalid/p.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId>\
         <MsgId>1234567890123456</MsgId></xml>"
    );
    assert_eq!(push_signed(&app, TOKEN, "text/xml", &xml), (200, "success".to_string()));
    let card = json!({
        "ToUserName": "gh_test", "FromUserName": "o-stranger", "CreateTime": 1700000001,
        "MsgType": "miniprogrampage", "MsgId": 77, "Title": "这件怎么样", "AppId": "wx1",
        "PagePath": "pages/goods/index?id=1", "ThumbUrl": "", "ThumbMediaId": "",
    })
    .to_string();
    assert_eq!(push_signed(&app, TOKEN, "application/json", &card).0, 200);
    let rows = messages(&app);
    assert_eq!(rows[0], (alice, "image".into(), "https://example.invalid/p.jpg".into(), Some(uid)));
    assert_eq!(rows[1], ("o-stranger".into(), "miniprogrampage".into(), "这件怎么样".into(), None));
    // Neither JSON nor XML: refused.
    assert_eq!(push_signed(&app, TOKEN, "text/plain", "hello").0, 400);
}

#[test]
fn the_encrypted_mode_opens_sealed_pushes_and_seals_its_answer() {
    let app = TestApp::new();
    push_on(&app);
    app.set_setting("kefuAesKey", AES_KEY);
    app.set_setting("kefuTransfer", "1");
    let (ts, nonce) = ("1700000000", "nonce9");
    let sig = sha1_sorted(&[TOKEN, ts, nonce]);
    let send = |sealed: &str, msg_sig: &str| {
        let body = json!({ "ToUserName": "gh_test", "Encrypt": sealed }).to_string();
        app.post_raw(
            &format!(
                "/wechat/callback?signature={sig}&timestamp={ts}&nonce={nonce}&encrypt_type=aes&msg_signature={msg_sig}"
            ),
            "application/json",
            body.as_bytes(),
        )
    };
    let sealed = seal(&text_json("o-safe", 5, "加密的消息"), SANDBOX_APPID);
    let (status, answer) = send(&sealed, &sha1_sorted(&[TOKEN, ts, nonce, &sealed]));
    assert_eq!(status, 200, "{answer}");
    // The transfer answer comes back sealed and signed the same way.
    let reply: Value = serde_json::from_str(&answer).unwrap();
    let inner = reply["Encrypt"].as_str().unwrap();
    let reply_sig =
        sha1_sorted(&[TOKEN, &reply["TimeStamp"].to_string(), reply["Nonce"].as_str().unwrap(), inner]);
    assert_eq!(reply["MsgSignature"], reply_sig);
    let (msg, appid) = open_sealed(inner);
    assert_eq!(appid, SANDBOX_APPID);
    let msg: Value = serde_json::from_str(&msg).unwrap();
    assert_eq!(msg["MsgType"], "transfer_customer_service");
    assert_eq!(msg["ToUserName"], "o-safe");
    assert_eq!(messages(&app)[0].2, "加密的消息");

    // A wrong msg_signature, another appid's packet, or a plain packet in safe mode: refused.
    let other = seal(&text_json("o-safe", 6, "x"), "wxanotherapp00000");
    assert_eq!(send(&sealed, "0000").0, 403);
    assert_eq!(send(&other, &sha1_sorted(&[TOKEN, ts, nonce, &other])).0, 400);
    assert_eq!(push_signed(&app, TOKEN, "application/json", &text_json("o-safe", 7, "plain")).0, 400);
    assert_eq!(messages(&app).len(), 1);
}

#[test]
fn transfer_mode_hands_messages_to_wechats_customer_service_in_the_pushed_format() {
    let app = TestApp::new();
    push_on(&app);
    app.set_setting("kefuTransfer", "1");
    let (status, answer) = push_signed(&app, TOKEN, "application/json", &text_json("o2", 1, "人工"));
    assert_eq!(status, 200);
    let a: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(
        (a["MsgType"].as_str(), a["ToUserName"].as_str(), a["FromUserName"].as_str()),
        (Some("transfer_customer_service"), Some("o2"), Some("gh_test"))
    );
    let xml = "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[o3]]></FromUserName>\
               <CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>\
               <Content><![CDATA[hi]]></Content><MsgId>2</MsgId></xml>";
    let (_, answer) = push_signed(&app, TOKEN, "text/xml", xml);
    assert!(
        answer.starts_with("<xml>") && answer.contains("<![CDATA[transfer_customer_service]]>"),
        "{answer}"
    );
    assert!(answer.contains("<ToUserName><![CDATA[o3]]></ToUserName>"));
    // Events are never transferred.
    let event = json!({ "FromUserName": "o2", "CreateTime": 9, "MsgType": "event", "Event": "user_enter_tempsession" });
    assert_eq!(push_signed(&app, TOKEN, "application/json", &event.to_string()).1, "success");
}

// ---- the console inbox ----

fn sandbox_push(app: &TestApp, code: &str, content: &str) -> Value {
    let res = app.sandbox_post(KEFU_PUSH, &json!({ "code": code, "content": content }));
    assert_eq!(res["status"], 200, "{res}");
    res
}

fn sent_to(app: &TestApp, openid: &str) -> Vec<Value> {
    app.sandbox_get("/sandbox/wechat/control/kefu-sent", &[("openid", openid)]).as_array().unwrap().clone()
}

fn out_results(app: &TestApp) -> Vec<(String, i64)> {
    app.query(|c| {
        let mut st =
            c.prepare("SELECT msg_type, errcode FROM kefu_messages WHERE direction = 'out' ORDER BY id")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect();
        rows
    })
}

#[test]
fn the_console_lists_conversations_and_replies_reach_the_shopper() {
    let app = TestApp::new();
    push_on(&app);
    app.login_wechat("code-alice");
    let alice = openid_for("code-alice");
    app.set_setting("kefuFormat", "xml");
    sandbox_push(&app, "code-alice", "请问什么时候发货？");
    let mut b = Browser::staff(&app);
    b.get("/admin/kefu").assert_has("请问什么时候发货？").assert_has("1 条未读");
    b.get(&format!("/admin/kefu?q={}", &alice[..10])).assert_has(&alice);
    b.get("/admin/kefu?q=nobody-like-this").assert_has("没有昵称或 openid 包含");
    let thread = format!("/admin/kefu/{alice}");
    let page = b.get(&thread);
    page.assert_has("请问什么时候发货？").assert_has("可回复");
    let csrf = page.csrf();
    let unread: i64 = app.query(|c| c.query_row("SELECT unread FROM kefu_threads", [], |r| r.get(0)));
    assert_eq!(unread, 0, "opening the thread reads it");

    let res = b.post(&format!("{thread}/text"), &[("csrf", &csrf), ("content", "今天下午发出")]);
    assert_eq!(res.status, 303);
    b.get(&thread).assert_has("已发送").assert_has("今天下午发出");
    let res = b.post_file(&format!("{thread}/image"), &[("csrf", &csrf)], "p.png", &tiny_png());
    assert_eq!(res.status, 303);
    b.get(&thread).assert_has("已发送");
    let res = b.post(
        &format!("{thread}/link"),
        &[
            ("csrf", &csrf),
            ("title", "发货说明"),
            ("description", "点开看看"),
            ("url", "https://example.com/a"),
            ("thumb_url", ""),
        ],
    );
    assert_eq!(res.status, 303);
    let res = b.post_file(
        &format!("{thread}/card"),
        &[("csrf", &csrf), ("title", "新品"), ("pagepath", "pages/index/index")],
        "c.png",
        &tiny_png(),
    );
    assert_eq!(res.status, 303);

    let sent = sent_to(&app, &alice);
    assert_eq!(sent[0]["text"]["content"], "今天下午发出");
    assert!(sent[1]["image"]["media_id"].as_str().unwrap().starts_with("sandbox-media-"));
    assert_eq!(sent[2]["link"]["url"], "https://example.com/a");
    assert_eq!(sent[3]["miniprogrampage"]["pagepath"], "pages/index/index");
    let results = out_results(&app);
    assert_eq!(
        results,
        vec![
            ("text".to_string(), 0),
            ("image".to_string(), 0),
            ("link".to_string(), 0),
            ("miniprogrampage".to_string(), 0)
        ]
    );

    // Bad input is explained, nothing is sent.
    let res = b.post(&format!("{thread}/text"), &[("csrf", &csrf), ("content", "  ")]);
    assert_eq!(res.status, 303);
    b.get(&thread).assert_has("回复内容应为");
    let res = b.post(
        &format!("{thread}/link"),
        &[("csrf", &csrf), ("title", "t"), ("description", "d"), ("url", "ftp://x"), ("thumb_url", "")],
    );
    assert_eq!(res.status, 303);
    b.get(&thread).assert_has("链接地址应以");
    assert_eq!(sent_to(&app, &alice).len(), 4);
}

#[test]
fn a_reply_outside_the_48_hour_window_shows_wechats_45015() {
    let app = TestApp::new();
    push_on(&app);
    // WeChat (the sandbox) never saw this shopper write: the push came from elsewhere.
    assert_eq!(push_signed(&app, TOKEN, "application/json", &text_json("o-old", 1, "旧消息")).0, 200);
    let mut b = Browser::staff(&app);
    let csrf = b.get("/admin/kefu/o-old").csrf();
    b.post("/admin/kefu/o-old/text", &[("csrf", &csrf), ("content", "抱歉回复晚了")]);
    b.get("/admin/kefu/o-old").assert_has("发送失败").assert_has("45015").assert_has("48 小时");
    assert_eq!(out_results(&app), vec![("text".to_string(), 45015)]);
    assert!(sent_to(&app, "o-old").is_empty());
}

#[test]
fn six_replies_to_one_message_meet_wechats_quota() {
    let app = TestApp::new();
    push_on(&app);
    app.login_wechat("code-bob");
    let bob = openid_for("code-bob");
    sandbox_push(&app, "code-bob", "你好");
    let mut b = Browser::staff(&app);
    let thread = format!("/admin/kefu/{bob}");
    let csrf = b.get(&thread).csrf();
    for i in 0..6 {
        b.post(&format!("{thread}/text"), &[("csrf", &csrf), ("content", &format!("第 {i} 条"))]);
    }
    b.get(&thread).assert_has("45047");
    assert_eq!(out_results(&app).last().unwrap().1, 45047);
    assert_eq!(sent_to(&app, &bob).len(), 5);
}

#[test]
fn typing_is_shown_once_and_needs_a_recent_exchange() {
    let app = TestApp::new();
    push_on(&app);
    app.login_wechat("code-carol");
    let carol = openid_for("code-carol");
    sandbox_push(&app, "code-carol", "在吗");
    let mut b = Browser::staff(&app);
    let thread = format!("/admin/kefu/{carol}");
    let csrf = b.get(&thread).csrf();
    b.post(&format!("{thread}/typing"), &[("csrf", &csrf), ("command", "typing")]);
    b.get(&thread).assert_has("对方正在输入");
    b.post(&format!("{thread}/typing"), &[("csrf", &csrf), ("command", "typing")]);
    b.get(&thread).assert_has("45081");
    b.post(&format!("{thread}/typing"), &[("csrf", &csrf), ("command", "cancel")]);
    b.get(&thread).assert_has("已取消");
    let commands: Vec<Value> = sent_to(&app, &carol).into_iter().map(|v| v["command"].clone()).collect();
    assert_eq!(commands, vec![json!("Typing"), json!("CancelTyping")]);
}

#[test]
fn the_push_settings_are_checked_in_the_console() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let page = b.get("/admin/wechat");
    page.assert_has("/wechat/callback");
    let csrf = page.csrf();
    b.post("/admin/wechat/push", &[("csrf", &csrf), ("token", "a b"), ("aes_key", ""), ("format", "json")]);
    b.get("/admin/wechat").assert_has("与微信后台填写的一致");
    assert!(app.settings.get().kefu_token().is_none());
    b.post(
        "/admin/wechat/push",
        &[("csrf", &csrf), ("token", TOKEN), ("aes_key", "short"), ("format", "json")],
    );
    b.get("/admin/wechat").assert_has("43 位");
    b.post(
        "/admin/wechat/push",
        &[("csrf", &csrf), ("token", TOKEN), ("aes_key", AES_KEY), ("format", "xml"), ("transfer", "1")],
    );
    let snap = app.settings.get();
    assert_eq!(
        (snap.kefu_token(), snap.kefu_aes_key(), snap.kefu_xml(), snap.kefu_transfer()),
        (Some(TOKEN), Some(AES_KEY), true, true)
    );
    // The sandbox pushes sealed XML now, and the shop reads it.
    app.login_wechat("code-dave");
    let res = sandbox_push(&app, "code-dave", "加密 XML");
    assert!(res["answer"].as_str().unwrap().contains("<Encrypt>"), "{res}");
    assert_eq!(messages(&app)[0].2, "加密 XML");
}

// ---- content security: nicknames, avatars, audio and video ----

fn check_on(app: &TestApp) {
    push_on(app);
    app.set_setting("contentSecCheck", "1");
}

fn avatar(app: &TestApp, uid: i64) -> String {
    app.query(|c| c.query_row("SELECT avatar_url FROM users WHERE id = ?1", [uid], |r| r.get(0)))
}

fn check_status(app: &TestApp, kind: &str) -> Vec<String> {
    app.query(|c| {
        let mut st = c.prepare("SELECT status FROM media_checks WHERE kind = ?1 ORDER BY id")?;
        let rows = st.query_map([kind], |r| r.get(0))?.collect();
        rows
    })
}

#[test]
fn nicknames_and_avatars_pass_the_content_check() {
    let app = TestApp::new();
    check_on(&app);
    let (uid, token) = app.login_wechat("code-erin");
    let res = app.post("/shop/user/modify", &[("token", &token), ("nick", "我是违禁词")]);
    assert_code(&res, 87014);
    assert_code(&app.post("/shop/user/modify", &[("token", &token), ("nick", "待审词小王")]), 0);
    let held: i64 = app.query(|c| {
        c.query_row(
            "SELECT count(*) FROM content_checks WHERE target = 'nick' AND suggest = 'review'",
            [],
            |r| r.get(0),
        )
    });
    assert_eq!(held, 1);

    // An avatar from elsewhere is applied only when WeChat's asynchronous check passes it.
    let fine = format!("http://localhost:{}/healthz", app.cfg.port);
    assert_code(&app.post("/shop/user/modify", &[("token", &token), ("avatarUrl", &fine)]), 0);
    assert_eq!(avatar(&app, uid), "");
    eventually("the avatar verdict", || avatar(&app, uid) == fine);
    let risky = "https://example.invalid/risky-face.png";
    assert_code(&app.post("/shop/user/modify", &[("token", &token), ("avatarUrl", risky)]), 0);
    eventually("the risky verdict", || check_status(&app, "avatar") == ["pass", "risky"]);
    assert_eq!(avatar(&app, uid), fine);
    // Our own uploads were checked when uploaded: applied at once.
    assert_code(
        &app.post("/shop/user/modify", &[("token", &token), ("avatarUrl", "/uploads/2026/11/x.png")]),
        0,
    );
    assert_eq!(avatar(&app, uid), "/uploads/2026/11/x.png");

    // With the check off, WeChat is not asked.
    app.set_setting("contentSecCheck", "0");
    assert_code(&app.post("/shop/user/modify", &[("token", &token), ("nick", "违禁词")]), 0);
}

fn mp3(marker: &str) -> Vec<u8> {
    let mut b = b"ID3\x03\x00\x00\x00\x00\x00\x00".to_vec();
    b.extend_from_slice(marker.as_bytes());
    b.extend_from_slice(&[0u8; 64]);
    b
}

#[test]
fn audio_is_held_until_the_media_check_event_and_video_waits_for_the_merchant() {
    let app = TestApp::new();
    check_on(&app);
    let (_, token) = app.login_wechat("code-fay");
    let up = app.upload("/shop/dfs/upload/file", "upfile", "voice.mp3", &mp3("hello"), &[("token", &token)]);
    assert_code(&up, 0);
    let url = up["data"]["url"].as_str().unwrap().to_string();
    let path = url.trim_start_matches(&app.base).to_string();
    eventually("the audio to pass", || app.get_raw(&path, &[]).0 == 200);

    let up = app.upload("/shop/dfs/upload/file", "upfile", "bad.mp3", &mp3("RISKY"), &[("token", &token)]);
    let bad = up["data"]["url"].as_str().unwrap().trim_start_matches(&app.base).to_string();
    assert_eq!(app.get_raw(&bad, &[]).0, 404);
    eventually("the risky audio to go", || {
        app.query(|c| {
            c.query_row("SELECT count(*) FROM media_checks WHERE status = 'risky'", [], |r| {
                r.get::<_, i64>(0)
            })
        }) == 1
    });
    assert_eq!(app.get_raw(&bad, &[]).0, 404);
    let uploads: i64 = app.query(|c| c.query_row("SELECT count(*) FROM uploads", [], |r| r.get(0)));
    assert_eq!(uploads, 1, "the risky file's row is gone");

    // The same verdict pushed again changes nothing (idempotent by trace_id).
    let trace: String = app
        .query(|c| c.query_row("SELECT trace_id FROM media_checks WHERE status = 'pass'", [], |r| r.get(0)));
    let event = json!({
        "ToUserName": "gh", "FromUserName": "o", "CreateTime": 1, "MsgType": "event", "Event": "wxa_media_check",
        "trace_id": trace, "version": 2, "result": { "suggest": "risky", "label": 20002 },
    });
    assert_eq!(push_signed(&app, TOKEN, "application/json", &event.to_string()).0, 200);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(app.get_raw(&path, &[]).0, 200);

    // Video: WeChat has no asynchronous video check; the merchant decides in the console.
    let mut mp4 = vec![0, 0, 0, 0x18];
    mp4.extend_from_slice(b"ftypisom");
    mp4.extend_from_slice(&[0u8; 32]);
    let up = app.upload("/shop/dfs/upload/file", "upfile", "v.mp4", &mp4, &[("token", &token)]);
    let video = up["data"]["url"].as_str().unwrap().trim_start_matches(&app.base).to_string();
    assert_eq!(app.get_raw(&video, &[]).0, 404);
    let mut b = Browser::staff(&app);
    let page = b.get("/admin/wechat");
    page.assert_has("待人工审核");
    let id: i64 =
        app.query(|c| c.query_row("SELECT id FROM media_checks WHERE status = 'review'", [], |r| r.get(0)));
    let res = b.post(&format!("/admin/wechat/media/{id}"), &[("csrf", &page.csrf()), ("action", "publish")]);
    assert_eq!(res.status, 303);
    assert_eq!(app.get_raw(&video, &[]).0, 200);
}
