//! Inbox messages: sent by features through service::message::send and by the console's
//! 「站内消息」 page; listed newest first, read and deleted only by their owner.

use serde_json::Value;
use xiaodian::error::ApiError;
use xiaodian::service::message;

use crate::support::*;

const LIST: &str = "/shop/user/message/list";
const READ: &str = "/shop/user/message/read";
const DELETE: &str = "/shop/user/message/del";

fn send(app: &TestApp, uid: i64, title: &str, kind: &str) -> i64 {
    app.write(|c| message::send(c, uid, title, &format!("{title}的内容"), kind))
}

fn inbox(app: &TestApp, token: &str, extra: &[(&str, &str)]) -> Value {
    let mut form = vec![("token", token)];
    form.extend_from_slice(extra);
    app.post(LIST, &form)
}

fn titles(page: &Value) -> Vec<String> {
    page["data"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["title"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn messages_are_listed_newest_first_read_once_filtered_and_deleted() {
    let app = TestApp::new();
    let (uid, token) = app.login_wechat("code-alice");
    assert_code(&inbox(&app, &token, &[]), 700);
    let paid = send(&app, uid, "订单已支付", "order");
    send(&app, uid, "欢迎光临", "system");
    let shipped = send(&app, uid, "订单已发货", "order");

    let all = inbox(&app, &token, &[]);
    assert_code(&all, 0);
    assert_eq!(titles(&all), ["订单已发货", "欢迎光临", "订单已支付"]);
    assert_eq!(all["data"]["totalRow"], 3);
    let m = &all["data"]["result"][0];
    assert_eq!(m["id"], shipped);
    assert_eq!(m["uid"], uid);
    assert_eq!(m["type"], "order");
    assert_eq!(m["content"], "订单已发货的内容");
    assert_eq!(m["isRead"], false);
    assert_eq!(m["dateRead"], "");
    assert_eq!(m["dateAdd"].as_str().unwrap().len(), 19);

    let read = app.post(READ, &[("token", &token), ("id", &paid.to_string())]);
    assert_code(&read, 0);
    assert_eq!(read["data"]["isRead"], true);
    let first_read = read["data"]["dateRead"].as_str().unwrap().to_string();
    assert_eq!(first_read.len(), 19);
    // Reading again is fine and keeps the first read time.
    let again = app.post(READ, &[("token", &token), ("id", &paid.to_string())]);
    assert_code(&again, 0);
    assert_eq!(again["data"]["dateRead"], first_read.as_str());

    assert_eq!(titles(&inbox(&app, &token, &[("isRead", "true")])), ["订单已支付"]);
    let unread = inbox(&app, &token, &[("isRead", "false")]);
    assert_eq!(titles(&unread), ["订单已发货", "欢迎光临"]);
    assert_eq!(unread["data"]["totalRow"], 2);
    assert_eq!(titles(&inbox(&app, &token, &[("type", "order")])), ["订单已发货", "订单已支付"]);
    assert_code(&inbox(&app, &token, &[("type", "coupon")]), 700);
    let paged = inbox(&app, &token, &[("pageSize", "2"), ("page", "2")]);
    assert_eq!(titles(&paged), ["订单已支付"]);
    assert_eq!(paged["data"]["totalPage"], 2);

    assert_code(&app.post(DELETE, &[("token", &token), ("id", &shipped.to_string())]), 0);
    assert_eq!(titles(&inbox(&app, &token, &[])), ["欢迎光临", "订单已支付"]);
    let gone = app.post(DELETE, &[("token", &token), ("id", &shipped.to_string())]);
    assert_code(&gone, 404);
    assert!(gone["msg"].as_str().unwrap().contains("消息不存在"));
}

#[test]
fn another_shoppers_message_is_not_found_and_bad_requests_are_named() {
    let app = TestApp::new();
    let (alice, alice_token) = app.login_wechat("code-alice");
    let (_, bob_token) = app.login_wechat("code-bob");
    let id = send(&app, alice, "只给 alice", "system").to_string();

    assert_code(&app.post(READ, &[("token", &bob_token), ("id", &id)]), 404);
    assert_code(&app.post(DELETE, &[("token", &bob_token), ("id", &id)]), 404);
    assert_code(&inbox(&app, &bob_token, &[]), 700);
    let still = inbox(&app, &alice_token, &[]);
    assert_eq!(titles(&still), ["只给 alice"]);
    assert_eq!(still["data"]["result"][0]["isRead"], false);

    for path in [LIST, READ, DELETE] {
        assert_code(&app.post(path, &[("id", &id)]), 2000);
        assert_code(&app.post(path, &[("token", "dead"), ("id", &id)]), 2000);
    }
    for (path, name, value) in [
        (READ, "id", ""),
        (READ, "id", "abc"),
        (DELETE, "id", "1;2"),
        (LIST, "isRead", "maybe"),
        (LIST, "page", "0"),
    ] {
        let res = app.post(path, &[("token", &alice_token), (name, value)]);
        assert_code(&res, 300);
        assert!(res["msg"].as_str().unwrap().contains(name), "{path} {name}: {res}");
    }
}

#[test]
fn the_send_function_checks_its_input_and_its_shopper() {
    let app = TestApp::new();
    let (uid, _) = app.login_wechat("code-alice");
    let try_send = |uid: i64, title: &str, kind: &str| {
        app.db.write_sync(|c| message::send(c, uid, title, "", kind)).map_err(ApiError::from)
    };
    assert!(matches!(try_send(999_999, "订单已支付", "order"), Err(ApiError::NotFound("用户"))));
    assert!(matches!(try_send(uid, "  ", "order"), Err(ApiError::Missing("title"))));
    assert!(matches!(
        try_send(uid, &"长".repeat(101), "order"),
        Err(ApiError::Invalid { name: "title", .. })
    ));
    assert!(matches!(try_send(uid, "好", "订单"), Err(ApiError::Invalid { name: "type", .. })));
    let rows: i64 = app.query(|c| c.query_row("SELECT count(*) FROM user_messages", [], |r| r.get(0)));
    assert_eq!(rows, 0);
    assert!(try_send(uid, "好", "").is_ok(), "the kind may be empty");
}

/// A signed-in console browser (the console tests' one), answering (status, body).
struct Console<'a>(Browser<'a>);

impl<'a> Console<'a> {
    fn signed_in(app: &'a TestApp) -> Console<'a> {
        Console(Browser::staff(app))
    }

    fn get(&mut self, path: &str) -> (u16, String) {
        let page = self.0.get(path);
        (page.status, page.body)
    }

    fn post(&mut self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let page = self.0.post(path, form);
        (page.status, page.body)
    }

    /// Sends the form on /admin/messages/new as a person would.
    fn send(&mut self, fields: &[(&str, &str)]) -> (u16, String) {
        let csrf = csrf_of(&self.get("/admin/messages/new").1);
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.post("/admin/messages/new", &form)
    }
}

fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("page has a csrf field") + 19;
    page[at..at + 64].to_string()
}

#[test]
fn the_console_sends_to_one_shopper_or_to_all_and_lists_what_it_sent() {
    let app = TestApp::new();
    let (alice, alice_token) = app.login_wechat("code-alice");
    let (_, bob_token) = app.login_wechat("code-bob");
    let (dave, dave_token) = app.login_wechat("code-dave");
    assert_code(&app.post("/shop/user/modify", &[("token", &alice_token), ("nick", "小爱")]), 0);
    let mut b = Console::signed_in(&app);

    let (status, page) = b.get("/admin/messages");
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("<h1>站内消息")
            && page.contains("还没有发送过消息")
            && page.contains("href=\"/admin/messages\"")
    );
    let (status, page) = b.get(&format!("/admin/messages/new?uid={alice}"));
    assert_eq!(status, 200);
    assert!(page.contains("<h1>发送消息") && page.contains(&format!("name=\"uid\" value=\"{alice}\"")));

    let uid = alice.to_string();
    let (status, _) = b.send(&[
        ("to", "one"),
        ("uid", &uid),
        ("title", "您的专属优惠"),
        ("content", "满百减十"),
        ("kind", ""),
    ]);
    assert_eq!(status, 303);
    let (_, page) = b.get("/admin/messages");
    assert!(page.contains("消息已发送给 1 位顾客"), "{page}");
    assert!(page.contains(&format!("顾客 #{alice} 小爱")) && page.contains("您的专属优惠"), "{page}");
    let mine = inbox(&app, &alice_token, &[]);
    assert_eq!(titles(&mine), ["您的专属优惠"]);
    assert_eq!(mine["data"]["result"][0]["type"], "shop");
    assert_eq!(mine["data"]["result"][0]["content"], "满百减十");
    assert_code(&inbox(&app, &bob_token, &[]), 700);

    // To all: every shopper whose account is not disabled.
    app.disable_keeping_logins(dave);
    let (status, _) =
        b.send(&[("to", "all"), ("uid", ""), ("title", "国庆放假通知"), ("content", ""), ("kind", "notice")]);
    assert_eq!(status, 303);
    assert_eq!(titles(&inbox(&app, &alice_token, &[])), ["国庆放假通知", "您的专属优惠"]);
    assert_eq!(titles(&inbox(&app, &bob_token, &[("type", "notice")])), ["国庆放假通知"]);
    let to_dave: i64 = app.query(|c| {
        c.query_row("SELECT count(*) FROM user_messages WHERE user_id = ?1", [dave], |r| r.get(0))
    });
    assert_eq!(to_dave, 0);
    assert_code(&inbox(&app, &dave_token, &[]), 403);

    // The record counts reads.
    let id = inbox(&app, &bob_token, &[])["data"]["result"][0]["id"].as_i64().unwrap().to_string();
    assert_code(&app.post(READ, &[("token", &bob_token), ("id", &id)]), 0);
    let (_, page) = b.get("/admin/messages");
    assert!(page.contains("消息已发送给 2 位顾客"), "{page}");
    assert!(page.contains("全部顾客") && page.contains("<td>2</td>\n      <td>1</td>"), "{page}");
}

#[test]
fn console_sends_with_problems_come_back_with_the_reason_and_send_nothing() {
    let app = TestApp::new();
    let mut b = Console::signed_in(&app);
    // Nobody to send to yet.
    let (status, page) =
        b.send(&[("to", "all"), ("uid", ""), ("title", "你好"), ("content", ""), ("kind", "")]);
    assert_eq!(status, 422);
    assert!(page.contains("还没有可以接收消息的顾客"), "{page}");

    let (alice, _) = app.login_wechat("code-alice");
    let uid = alice.to_string();
    for (fields, says) in [
        (vec![("to", "one"), ("uid", ""), ("title", "你好")], "请填写顾客编号"),
        (vec![("to", "one"), ("uid", "abc"), ("title", "你好")], "顾客编号应为整数"),
        (vec![("to", "one"), ("uid", "999999"), ("title", "你好")], "用户不存在"),
        (vec![("to", "one"), ("uid", &uid), ("title", " ")], "请填写标题"),
        (vec![("to", "one"), ("uid", &uid), ("title", "你好"), ("kind", "中文")], "类型只能包含"),
    ] {
        let mut form = vec![("content", "正文"), ("kind", "")];
        form.retain(|(k, _)| !fields.iter().any(|(f, _)| f == k));
        form.extend(fields);
        let (status, page) = b.send(&form);
        assert_eq!(status, 422, "{says}: {page}");
        assert!(page.contains(says), "expected {says}: {page}");
        assert!(page.contains("正文"), "the form comes back filled");
    }
    let (status, _) = b.post(
        "/admin/messages/new",
        &[("to", "all"), ("title", "no csrf"), ("uid", ""), ("content", ""), ("kind", "")],
    );
    assert_eq!(status, 403);
    let sent: i64 = app.query(|c| c.query_row("SELECT count(*) FROM message_sends", [], |r| r.get(0)));
    let inboxes: i64 = app.query(|c| c.query_row("SELECT count(*) FROM user_messages", [], |r| r.get(0)));
    assert_eq!((sent, inboxes), (0, 0));

    // Strangers are sent to the login page.
    let anonymous: ureq::Agent =
        ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let res = anonymous.get(&app.url("/admin/messages")).call().unwrap();
    assert_eq!(res.status().as_u16(), 303);
}
