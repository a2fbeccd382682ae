//! Subscription messages and the outbox: events put messages in the outbox inside their own
//! transaction, the job sends them to the WeChat sandbox over HTTP, transient failures stay queued
//! and go out later, permanent ones are recorded, and nothing is lost across a restart.

use std::time::{Duration, Instant};

use serde_json::json;
use xiaodian::db::outbox as store;
use xiaodian::db::unix_now;
use xiaodian::jobs::outbox::{self as job, Drained, LEASE_SECS};
use xiaodian::sandbox::wechat::openid_for;
use xiaodian::service::ledger::Account;
use xiaodian::wechat::WeChat;

use crate::support::*;

const PAY: &str = "/shop/order/pay";

#[test]
fn a_paid_order_sends_one_subscription_message_with_the_mapped_fields() {
    let app = TestApp::new();
    app.map_paid();
    let long_name = "西湖龙井明前特级绿茶礼盒装二百五十克家庭装";
    let (uid, _, id) = app.paid_by_wechat_shopper("code-alice", long_name);
    let number: String =
        app.query(|c| c.query_row("SELECT order_number FROM orders WHERE id = ?1", [&id], |r| r.get(0)));

    let queued = app.outbox();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].status, store::status::PENDING);
    assert_eq!(queued[0].msg.user_id, uid);

    assert_eq!(app.drain(), Drained { sent: 1, retry: 0, failed: 0 });
    let got = app.received();
    assert_eq!(got["total"], 1, "{got}");
    let m = &got["messages"][0];
    assert_eq!(m["kind"], "subscribe");
    assert_eq!(m["touser"], openid_for("code-alice"));
    assert_eq!(m["templateId"], "TPL_PAID");
    assert_eq!(m["page"], "pages/order-details/index");
    assert_eq!(m["miniprogramState"], "formal");
    assert_eq!(m["data"]["character_string1"]["value"], number.as_str());
    let goods = m["data"]["thing2"]["value"].as_str().unwrap();
    assert_eq!(goods.chars().count(), 20, "cut to WeChat's 20 characters: {goods}");
    assert!(goods.starts_with("西湖龙井") && goods.ends_with('…'));
    assert_eq!(m["data"]["amount3"]["value"], "¥19.90");
    assert_eq!(m["data"]["phrase5"]["value"], "已支付");
    assert!(m["data"]["time4"]["value"].as_str().unwrap().contains('年'));

    let row = &app.outbox()[0];
    assert_eq!(row.status, store::status::SENT);
    assert_eq!(row.tries, 1);
    // Sent is sent: a second run finds nothing to do.
    assert_eq!(app.drain(), Drained::default());
    assert_eq!(app.received()["total"], 1);
}

#[test]
fn nothing_is_queued_for_an_unmapped_event_or_a_shopper_without_wechat() {
    let app = TestApp::new();
    // Not mapped yet: paying queues nothing.
    app.paid_by_wechat_shopper("code-bob", "龙井茶");
    assert!(app.outbox().is_empty());
    // Mapped, but the shopper signed up without WeChat: nothing either.
    app.map_paid();
    let (uid, token) = app.shopper("无微信");
    let goods = app.goods().name("碧螺春").price(1000).stock(5).create();
    app.credit(uid, Account::Balance, 10_000);
    let id = create(&app, &token, &one_line(goods, 1, ""), &[])["data"]["id"].as_i64().unwrap().to_string();
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &id)]), 0);
    assert!(app.outbox().is_empty());
}

#[test]
fn wechat_down_or_busy_leaves_the_message_queued_until_it_recovers() {
    let app = TestApp::new();
    app.map_paid();
    app.paid_by_wechat_shopper("code-carol", "龙井茶");
    let now = unix_now() + 1;

    app.faults(json!({ "down": true }));
    assert_eq!(app.drain_at(now), Drained { sent: 0, retry: 1, failed: 0 });
    let row = &app.outbox()[0];
    assert_eq!(row.status, store::status::PENDING);
    assert_eq!(row.tries, 1);
    assert!(row.next_try_at > now, "backed off");
    assert!(row.last_error.contains("微信暂时无法访问"), "{}", row.last_error);
    // Not due again before its back-off ends.
    assert_eq!(app.drain_at(now), Drained::default());

    app.faults(json!({ "down": false, "busy": 1 }));
    assert_eq!(app.drain_at(now + 60), Drained { sent: 0, retry: 1, failed: 0 });
    let row = &app.outbox()[0];
    assert_eq!((row.tries, row.last_code), (2, -1));
    assert!(row.next_try_at - (now + 60) >= 10, "the back-off doubles");
    assert_eq!(app.received()["total"], 0);

    // WeChat recovered: it goes out, once.
    assert_eq!(app.drain_at(now + 3600), Drained { sent: 1, retry: 0, failed: 0 });
    assert_eq!(app.received()["total"], 1);
    assert_eq!(app.outbox()[0].status, store::status::SENT);
}

#[test]
fn an_access_token_expired_mid_send_is_refreshed_once_and_the_send_retried() {
    let app = TestApp::new();
    app.map_paid();
    app.paid_by_wechat_shopper("code-dan", "龙井茶");
    assert_eq!(app.drain().sent, 1);
    // The token the shop holds (in memory and in the database) goes stale at WeChat.
    assert_eq!(app.sandbox_post("/sandbox/wechat/control/expire-tokens", &json!({}))["errcode"], 0);
    app.paid_by_wechat_shopper("code-erin", "碧螺春");
    let wechat = WeChat::new(&app.cfg, app.db.clone(), app.settings.clone());
    let before = wechat.access_token().unwrap();
    assert_eq!(
        job::run_once(&app.db, &wechat, unix_now()).unwrap(),
        Drained { sent: 1, retry: 0, failed: 0 }
    );
    let after = wechat.access_token().unwrap();
    assert_ne!(before, after, "a new token was fetched");
    let rows = app.outbox();
    assert!(rows.iter().all(|r| r.status == store::status::SENT && r.tries == 1));
    assert_eq!(app.received()["total"], 2);
}

#[test]
fn a_shopper_who_refused_is_recorded_as_failed_and_not_retried_until_the_merchant_asks() {
    let app = TestApp::new();
    app.map_paid();
    app.faults(json!({ "refuse": [openid_for("code-fay")] }));
    app.paid_by_wechat_shopper("code-fay", "龙井茶");
    let now = unix_now() + 1;
    assert_eq!(app.drain_at(now), Drained { sent: 0, retry: 0, failed: 1 });
    let row = app.outbox().remove(0);
    assert_eq!((row.status, row.last_code, row.tries), (store::status::FAILED, 43101, 1));
    assert!(row.last_error.contains("用户拒绝接收"), "{}", row.last_error);
    assert_eq!(app.drain_at(now + 86_400), Drained::default(), "permanent errors are not retried");

    // The console shows it with WeChat's reason and sends it again on request (with confirmation).
    let mut b = Browser::staff(&app);
    let page = b.get("/admin/outbox?status=2");
    assert_eq!(page.status, 200);
    page.assert_has("43101").assert_has("发送失败").assert_has("商品：龙井茶");
    let confirm = b.get(&format!("/admin/outbox/{}/retry", row.id));
    confirm.assert_has("确认重新发送");
    app.faults(json!({ "refuse": [] }));
    let res = b.post(&format!("/admin/outbox/{}/retry", row.id), &[("csrf", &confirm.csrf())]);
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(app.drain().sent, 1);
    assert_eq!(app.received()["total"], 1);
    // A sent message cannot be "retried" into a duplicate.
    let res = b.post(&format!("/admin/outbox/{}/retry", row.id), &[("csrf", &confirm.csrf())]);
    assert_eq!(res.status, 303);
    assert_eq!(app.drain(), Drained::default());
}

#[test]
fn pending_and_interrupted_messages_survive_a_restart_and_go_out_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_path_buf();
    // A clock a little ahead, so both messages are due whatever second they were written in.
    let now = unix_now() + 5;
    {
        let app = TestApp::with(|c| c.data_dir = data.clone());
        app.map_paid();
        app.paid_by_wechat_shopper("code-gus", "龙井茶");
        app.paid_by_wechat_shopper("code-hal", "碧螺春");
        // A send that was claimed and then the process died before it reported back.
        let claimed = app.write(|c| store::claim_due(c, now, now + LEASE_SECS, 1));
        assert_eq!(claimed.len(), 1);
    }
    let app = TestApp::with(|c| c.data_dir = data.clone());
    assert_eq!(app.outbox().len(), 2);
    assert_eq!(app.drain_at(now), Drained { sent: 1, retry: 0, failed: 0 }, "the unclaimed one goes at once");
    assert_eq!(
        app.drain_at(now + LEASE_SECS),
        Drained { sent: 1, retry: 0, failed: 0 },
        "the other when its lease ends"
    );
    assert!(app.outbox().iter().all(|r| r.status == store::status::SENT));
    assert_eq!(app.received()["total"], 2);
}

#[test]
fn shipping_refunds_pick_up_and_timeouts_send_their_own_templates() {
    let app = TestApp::new();
    app.map_event(
        "order_shipped",
        "TPL_SHIP",
        "",
        vec![
            template_field("thing1", "快递公司", "express_company", ""),
            template_field("character_string2", "快递单号", "express_number", ""),
            template_field("thing3", "备注", "text", "请留意查收"),
        ],
    );
    app.map_event(
        "refund_decided",
        "TPL_REFUND",
        "pages/order/refund",
        vec![template_field("phrase1", "结果", "status", ""), template_field("thing2", "说明", "reason", "")],
    );
    app.map_event("order_closed", "TPL_CLOSE", "", vec![template_field("thing1", "原因", "reason", "")]);
    let (_, token, id) = app.paid_by_wechat_shopper("code-ivy", "龙井茶");
    ship(&app, &id);
    let res = app.post(
        "/shop/order/refundApply/apply",
        &[
            ("token", &token),
            ("orderId", &id),
            ("type", "0"),
            ("logisticsStatus", "0"),
            ("reason", "不想要了"),
            ("amount", "19.9"),
        ],
    );
    assert_code(&res, 0);
    let refund_id: i64 = app.query(|c| c.query_row("SELECT id FROM order_refunds", [], |r| r.get(0)));
    app.write(|c| xiaodian::service::order_admin::reject_refund(c, refund_id, "商品已拆封", unix_now()));
    // An unpaid order past its deadline is closed by the order job.
    let goods = app.goods().name("碧螺春").price(1000).stock(5).create();
    let unpaid = create(&app, &token, &one_line(goods, 1, ""), &[])["data"]["id"].as_i64().unwrap();
    app.write(|c| c.execute("UPDATE orders SET close_at = 1 WHERE id = ?1", [unpaid]));
    assert_eq!(xiaodian::jobs::close_unpaid::run_once(&app.db, unix_now()).unwrap(), 1);

    // A pick-up order the merchant marks ready ("ships" without a parcel).
    app.map_event(
        "pickup_ready",
        "TPL_PICKUP",
        "",
        vec![template_field("character_string1", "提货码", "pickup_code", "")],
    );
    let shop = app
        .write(|c| {
            let f = xiaodian::db::shops::ShopFields { name: "东站自提点".into(), ..Default::default() };
            xiaodian::db::shops::insert(c, &f, None, 0, unix_now())
        })
        .to_string();
    let gift = app.goods().name("赠品").price(0).stock(5).create();
    let res = app.post(
        "/shop/order/create",
        &[
            ("token", &token),
            ("goodsJsonStr", &one_line(gift, 1, "")),
            ("peisongType", "zq"),
            ("shopIdZt", &shop),
        ],
    );
    assert_code(&res, 0);
    let hx = res["data"]["hxNumber"].as_str().unwrap().to_string();
    let pickup = res["data"]["id"].as_i64().unwrap();
    app.write(|c| xiaodian::service::order::ship(c, pickup, &[], unix_now()));

    assert_eq!(app.drain().sent, 4);
    let got = app.received();
    let by =
        |t: &str| got["messages"].as_array().unwrap().iter().find(|m| m["templateId"] == t).cloned().unwrap();
    let shipped = by("TPL_SHIP");
    assert_eq!(shipped["data"]["thing1"]["value"], "顺丰速运");
    assert_eq!(shipped["data"]["character_string2"]["value"], "SF1234567890");
    assert_eq!(shipped["data"]["thing3"]["value"], "请留意查收");
    let refund = by("TPL_REFUND");
    assert_eq!(refund["data"]["phrase1"]["value"], "已拒绝");
    assert_eq!(refund["data"]["thing2"]["value"], "商品已拆封");
    assert_eq!(by("TPL_CLOSE")["data"]["thing1"]["value"], "超时未支付，系统自动关闭");
    assert_eq!(by("TPL_PICKUP")["data"]["character_string1"]["value"], hx.as_str());
}

#[test]
fn the_console_maps_an_event_checking_keys_against_wechats_rules() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let page = b.get("/admin/subscribe-messages");
    assert_eq!(page.status, 200);
    page.assert_has("订单支付成功").assert_has("提现处理结果").assert_has("未设置");
    let csrf = b.get("/admin/subscribe-messages/order_shipped").csrf();
    let base = [
        ("csrf", csrf.as_str()),
        ("template_id", "TPL_SHIP"),
        ("page", "/pages/order/index"),
        ("enabled", "true"),
    ];

    // A phrase key cannot hold a goods name; a fixed text must fit its kind.
    let mut bad = base.to_vec();
    bad.extend([
        ("fields[0].key", "phrase1"),
        ("fields[0].label", "商品"),
        ("fields[0].source", "goods_name"),
        ("fields[0].text", ""),
    ]);
    let res = b.post("/admin/subscribe-messages/order_shipped", &bad);
    assert_eq!(res.status, 422);
    res.assert_has("phrase");
    let mut bad = base.to_vec();
    bad.extend([
        ("fields[0].key", "phrase1"),
        ("fields[0].label", "状态"),
        ("fields[0].source", "text"),
        ("fields[0].text", "包裹已经发出啦"),
    ]);
    b.post("/admin/subscribe-messages/order_shipped", &bad).assert_has("5 个以内汉字");
    let mut bad = base.to_vec();
    bad.extend([
        ("fields[0].key", "colour1"),
        ("fields[0].label", ""),
        ("fields[0].source", "text"),
        ("fields[0].text", "x"),
    ]);
    b.post("/admin/subscribe-messages/order_shipped", &bad).assert_has("colour1");

    let mut good = base.to_vec();
    good.extend([
        ("fields[0].key", "character_string1"),
        ("fields[0].label", "快递单号"),
        ("fields[0].source", "express_number"),
        ("fields[0].text", ""),
        ("fields[1].key", ""),
        ("fields[1].label", ""),
        ("fields[1].source", "text"),
        ("fields[1].text", ""),
    ]);
    let res = b.post("/admin/subscribe-messages/order_shipped", &good);
    assert_eq!(res.status, 303, "{}", res.body);
    let row = app.query(|c| store::template(c, "order_shipped")).unwrap();
    assert_eq!(row.template_id, "TPL_SHIP");
    assert_eq!(row.page, "pages/order/index", "the leading slash WeChat refuses is dropped");
    b.get("/admin/subscribe-messages").assert_has("TPL_SHIP");

    // The sending settings are checked too.
    let res = b.post(
        "/admin/subscribe-messages/settings",
        &[("csrf", &csrf), ("miniprogram_state", "beta"), ("interval_secs", "30"), ("official_appid", "")],
    );
    assert_eq!(res.status, 422);
    let res = b.post(
        "/admin/subscribe-messages/settings",
        &[("csrf", &csrf), ("miniprogram_state", "trial"), ("interval_secs", "5"), ("official_appid", "")],
    );
    assert_eq!(res.status, 303, "{}", res.body);
    app.map_paid();
    app.paid_by_wechat_shopper("code-jay", "龙井茶");
    app.drain();
    assert_eq!(app.received()["messages"][0]["miniprogramState"], "trial");
}

#[test]
fn send_temple_msg_queues_a_message_to_the_shopper_and_form_ids_are_refused_clearly() {
    let app = TestApp::new();
    let (_, token) = app.login_wechat("code-kim");
    let res =
        app.post("/shop/template-msg/wxa/formId", &[("token", &token), ("type", "form"), ("formId", "abc")]);
    assert_code(&res, 501);
    assert!(res["msg"].as_str().unwrap().contains("订阅"), "{res}");

    let data = r##"{"thing1":{"value":"您已确认收货，期待您的再次光临！立即好评可获得积分","color":"#173177"},"character_string2":{"value":"A123"}}"##;
    let send = |extra: &[(&str, &str)]| {
        let mut form = vec![("token", token.as_str()), ("template_id", "TPL_API"), ("postJsonString", data)];
        form.extend_from_slice(extra);
        app.post("/shop/template-msg/put", &form)
    };
    let res = send(&[("module", "immediately"), ("type", "0"), ("url", "/pages/order-details/index?id=1")]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["status"], "pending");
    assert_code(&send(&[("module", "order"), ("business_id", "1"), ("trigger", "-1")]), 501);
    assert_code(&send(&[("type", "1")]), 501);
    assert_code(&send(&[("type", "7")]), 300);
    let res = app.post(
        "/shop/template-msg/put",
        &[("token", &token), ("template_id", "T"), ("postJsonString", "[1]")],
    );
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("postJsonString"));
    let res = app.post(
        "/shop/template-msg/put",
        &[("token", &token), ("template_id", "T"), ("postJsonString", r#"{"keyword1":{"value":"x"}}"#)],
    );
    assert_code(&res, 300);
    assert_code(&app.post("/shop/template-msg/put", &[("template_id", "T"), ("postJsonString", data)]), 2000);

    // With an official account linked, type=1 goes out through uniform_send.
    app.set_setting("officialAppid", "wx1234567890abcdef");
    assert_code(&send(&[("type", "1")]), 0);
    assert_eq!(app.drain(), Drained { sent: 2, retry: 0, failed: 0 });
    let got = app.received();
    let msgs = got["messages"].as_array().unwrap();
    let sub = msgs.iter().find(|m| m["kind"] == "subscribe").unwrap();
    assert_eq!(sub["touser"], openid_for("code-kim"));
    assert_eq!(sub["page"], "pages/order-details/index?id=1");
    assert_eq!(sub["data"]["thing1"]["value"].as_str().unwrap().chars().count(), 20);
    let uni = msgs.iter().find(|m| m["kind"] == "uniform").unwrap();
    assert_eq!(uni["templateId"], "TPL_API");
}

#[test]
fn with_jobs_running_a_new_message_goes_out_promptly() {
    let app = TestApp::with(|c| c.jobs = true);
    app.set_setting("outboxIntervalSecs", "3600");
    app.map_paid();
    app.paid_by_wechat_shopper("code-lou", "龙井茶");
    let start = Instant::now();
    while app.received()["total"] != 1 {
        assert!(start.elapsed() < Duration::from_secs(5), "not sent within 5 s: {:?}", app.outbox()[0]);
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn with_jobs_running_a_busy_answer_is_retried_when_its_back_off_ends_not_at_the_next_sweep() {
    let app = TestApp::with(|c| c.jobs = true);
    app.set_setting("outboxIntervalSecs", "3600");
    app.faults(json!({ "busy": 1 }));
    app.map_paid();
    app.paid_by_wechat_shopper("code-max", "龙井茶");
    let start = Instant::now();
    while app.received()["total"] != 1 {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "not resent after its back-off: {:?}",
            app.outbox()[0]
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let row = &app.outbox()[0];
    assert_eq!((row.status, row.tries), (store::status::SENT, 2), "one busy answer, then sent");
}

#[test]
fn a_withdrawal_decision_sends_its_template() {
    use xiaodian::service::withdraw::{self, Decision};
    let app = TestApp::new();
    app.map_event(
        "withdrawal_decided",
        "TPL_WITHDRAW",
        "pages/asset/index",
        vec![
            template_field("amount1", "金额", "amount", ""),
            template_field("phrase2", "结果", "status", ""),
            template_field("thing3", "说明", "reason", ""),
        ],
    );
    let (uid, token) = app.login_wechat("code-wendy");
    app.credit(uid, Account::Balance, 5_000);
    let res = app.post("/shop/user/withDraw/apply", &[("token", &token), ("money", "30")]);
    assert_code(&res, 0);
    let id = res["data"]["id"].as_i64().unwrap();
    assert!(app.outbox().is_empty(), "asking for a withdrawal sends nothing");
    app.write(|c| {
        withdraw::decide(c, id, &Decision::Reject { reason: "账户信息不全".into() }, "测试", unix_now())
    });
    assert_eq!(app.drain(), Drained { sent: 1, retry: 0, failed: 0 });
    let m = &app.received()["messages"][0];
    assert_eq!(m["templateId"], "TPL_WITHDRAW");
    assert_eq!(m["touser"], openid_for("code-wendy"));
    assert_eq!(m["data"]["amount1"]["value"], "¥30.00");
    assert_eq!(m["data"]["phrase2"]["value"], "提现失败");
    assert_eq!(m["data"]["thing3"]["value"], "账户信息不全");
}
