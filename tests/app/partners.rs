//! Partners and team leaders, per-goods commission percentages, claw-back after a refund, the
//! sales ranks and the city/team targets, and the console pages for them.

use serde_json::{json, Value};
use xiaodian::db::unix_now;
use xiaodian::service::ledger::Account;
use xiaodian::settings::keys::{fx as fx_keys, partner as keys};

use crate::order_admin::apply_refund;
use crate::support::{
    assert_code, create, one_line, order_id, prepay_of, sandbox_pay, ship, wxpay, Browser, TestApp,
};

const KEY: &str = "partner-key-123456";

fn open(app: &TestApp) {
    app.set_settings(&[
        (keys::OPEN, "1"),
        (keys::PERCENT_LEADER, "5"),
        (keys::PERCENT_PARTNER, "2"),
        (keys::PRICE_LEADER_FEN, "100"),
        (fx_keys::FREEZE_DAYS, "0"),
    ]);
}

fn detail(app: &TestApp, token: &str) -> Value {
    app.get("/shop/user/detail", &[("token", token)])["data"].clone()
}

/// `userAmount.fxCommisionPaying`, yuan.
fn pending(app: &TestApp, token: &str) -> Value {
    app.get("/shop/user/amount", &[("token", token)])["data"]["fxCommisionPaying"].clone()
}

fn check_clean(app: &TestApp) {
    let problems = app.query(xiaodian::service::audit::run_checks);
    assert!(problems.is_empty(), "{problems:?}");
}

fn appoint(app: &TestApp, uid: i64, role: i64) {
    let (status, body) = app.api("POST", "/fx/partners", Some(&json!({"userId": uid, "role": role})));
    assert_eq!(status, 204, "{body}");
}

/// A partner P, a leader L (bought from the balance) under P, a member M under L; (ids, tokens).
fn team(app: &TestApp) -> ([i64; 3], [String; 3]) {
    let (p, pt) = app.shopper("合伙人");
    let (l, lt) = app.shopper("团队长");
    let (m, mt) = app.shopper("成员");
    appoint(app, p, 3);
    app.credit(l, Account::Balance, 40);
    let short = app.post("/shop/partner/buy", &[("token", &lt)]);
    assert_code(&short, 40000);
    assert_eq!(short["data"], 0.6, "the amount due");
    assert_eq!(app.account(l).balance, 40, "nothing changed");
    assert_eq!(detail(app, &lt)["base"]["isTeamLeader"], false);
    app.credit(l, Account::Balance, 60);
    assert_code(&app.post("/shop/partner/buy", &[("token", &lt)]), 0);
    assert_eq!(app.account(l).balance, 0);
    assert_code(&app.post("/shop/user/bindPartner", &[("token", &lt), ("uid", &p.to_string())]), 0);
    assert_code(&app.post("/shop/partner/bindTeamLeader", &[("token", &mt), ("uid", &l.to_string())]), 0);
    ([p, l, m], [pt, lt, mt])
}

#[test]
fn a_team_members_order_gives_the_leader_and_the_partner_their_shares_on_the_ledger() {
    let app = TestApp::with_key(KEY);
    open(&app);
    let member_level = app.level("团队会员", 2).create();
    app.set_setting(keys::MEMBER_LEVEL_ID, &member_level.to_string());
    let setting = app.get("/shop/partner/setting", &[]);
    assert_eq!(
        (setting["data"]["isOpen"].clone(), setting["data"]["priceLeader"].clone()),
        (json!(true), json!(1.0))
    );
    let ([p, l, m], [pt, lt, mt]) = team(&app);

    let d = detail(&app, &mt);
    assert_eq!(d["base"]["isTeamMember"], true, "{d}");
    assert_eq!(d["base"]["teamId"], l);
    assert_eq!(d["parentTeamLeaderInfo"]["nick"], "团队长");
    assert_eq!(d["parentPartnerInfo"]["nick"], "合伙人");
    assert_eq!(d["userLevel"]["id"], member_level, "the seed's memberUserLevelId");
    assert_eq!(detail(&app, &lt)["base"]["isTeamLeader"], true);
    assert_eq!(detail(&app, &pt)["partnerInfo"]["leaders"], 1);
    assert!(detail(&app, &mt)["partnerInfo"].is_null());

    app.credit(m, Account::Balance, 100_000);
    let goods = app.goods().name("茶叶").price(10_000).stock(10).create();
    let id = order_id(&create(&app, &mt, &one_line(goods, 1, ""), &[]));
    assert_code(&app.post("/shop/order/pay", &[("token", &mt), ("orderId", &id)]), 0);
    assert_eq!(pending(&app, &lt), json!(5.0), "the leader: 5%");
    assert_eq!(pending(&app, &pt), json!(2.0), "the partner: 2%");

    let stats = app.get("/shop/partner/members/statistics", &[("token", &pt)]);
    assert_eq!((stats["data"]["leaders"].clone(), stats["data"]["members"].clone()), (json!(1), json!(1)));
    let members = app.post("/shop/partner/members", &[("token", &lt), ("type", "2")]);
    assert_code(&members, 0);
    assert_eq!(members["data"]["result"][0]["uid"], m);
    assert_eq!(members["data"]["statisticsCommisionMap"][m.to_string()]["amount"], 5.0, "{members}");
    let leaders = app.post("/shop/partner/members", &[("token", &pt), ("type", "1")]);
    assert_eq!(leaders["data"]["result"][0]["uid"], l, "{leaders}");
    assert_code(&app.post("/shop/partner/members", &[("token", &lt), ("type", "1")]), 700);

    // Received: with 0 freeze days settled at once, into the balance through the ledger.
    ship(&app, &id);
    assert_code(&app.post("/shop/order/delivery", &[("token", &mt), ("orderId", &id)]), 0);
    assert_eq!(pending(&app, &lt), json!(0.0));
    assert_eq!((app.account(l).balance, app.account(p).balance), (500, 200));
    check_clean(&app);

    // Refunded after settlement: nothing moves until the merchant claws back, with a reason.
    let leader_share: i64 = app.query(|c| {
        c.query_row("SELECT id FROM fx_commissions WHERE user_id = ?1 AND kind = 1", [l], |r| r.get(0))
    });
    let claw = format!("/fx/commissions/{leader_share}/clawback");
    let (status, body) = app.api("POST", &claw, Some(&json!({"reason": "订单已退款"})));
    assert_eq!(status, 409, "no refund yet: {body}");
    let r = apply_refund(&app, m, id.parse().unwrap(), None);
    app.write(|x| xiaodian::service::order_admin::approve_refund(x, r, "", None, unix_now()));
    assert_eq!(app.account(l).balance, 500, "no claw-back by default");
    let (status, body) = app.api("POST", &claw, Some(&json!({"reason": "  "})));
    assert_eq!(status, 422, "a reason is required: {body}");
    let (status, body) = app.api("POST", &claw, Some(&json!({"reason": "订单已退款", "amount": 300})));
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["clawed"].clone(), body["clawReason"].clone()), (json!(300), json!("订单已退款")));
    assert_eq!(app.account(l).balance, 200);
    // The rest exceeds what the earner still holds once they spent it: refused, nothing changes.
    app.credit(l, Account::Balance, -150);
    let (status, body) = app.api("POST", &claw, Some(&json!({"reason": "订单已退款"})));
    assert_eq!(status, 409, "{body}");
    assert_eq!(app.account(l).balance, 50);
    let (status, _) = app.api("POST", &claw, Some(&json!({"reason": "订单已退款", "amount": 201})));
    assert_eq!(status, 422, "more than is left");
    check_clean(&app);
}

#[test]
fn bad_team_input_is_refused_and_changes_nothing() {
    let app = TestApp::with_key(KEY);
    let (l, lt) = app.shopper("团队长");
    let (m, mt) = app.shopper("成员");
    let (o, ot) = app.shopper("路人");
    // Off: writes 403, reads 700, the setting says so.
    assert_code(&app.post("/shop/partner/buy", &[("token", &lt)]), 403);
    assert_code(&app.get("/shop/partner/members/statistics", &[("token", &lt)]), 700);
    assert_eq!(app.get("/shop/partner/setting", &[])["data"]["isOpen"], false);
    open(&app);
    appoint(&app, l, 2);
    let me = app.post("/shop/partner/bindTeamLeader", &[("token", &lt), ("uid", &l.to_string())]);
    assert_code(&me, 300);
    assert!(me["msg"].as_str().unwrap().contains("自己"), "{me}");
    let not_leader = app.post("/shop/partner/bindTeamLeader", &[("token", &mt), ("uid", &o.to_string())]);
    assert_code(&not_leader, 403);
    assert_code(&app.post("/shop/partner/bindTeamLeader", &[("token", &mt), ("uid", &l.to_string())]), 0);
    appoint(&app, o, 2);
    let twice = app.post("/shop/partner/bindTeamLeader", &[("token", &mt), ("uid", &o.to_string())]);
    assert_code(&twice, 403);
    assert!(twice["msg"].as_str().unwrap().contains("其他团队"), "{twice}");
    let kept = app.query(|c| xiaodian::db::partner::role_of(c, m)).map(|r| (r.role, r.parent_id));
    assert_eq!(kept, Some((1, Some(l))), "still in the first team");
    assert_eq!(app.query(|c| xiaodian::db::partner::role_of(c, l)).map(|r| r.role), Some(2));
    assert_code(&app.post("/shop/partner/buy", &[("token", &lt)]), 403);
    assert_code(&app.post("/shop/user/bindPartner", &[("token", &lt), ("uid", &o.to_string())]), 403);
    assert_code(&app.post("/shop/partner/buyPartner", &[("token", &ot)]), 403);
    assert_code(&app.post("/shop/partner/members", &[("token", &lt), ("type", "9")]), 300);

    // Percentages: the levels with the team shares may not give away more than 100%.
    app.set_settings(&[(fx_keys::PERCENT_1, "10"), (fx_keys::PERCENT_2, "5")]);
    let (status, body) = app.api("PATCH", "/settings", Some(&json!({"partnerPercentLeader": 90})));
    assert_eq!(status, 422, "{body}");
    assert_eq!(app.settings.get().get(keys::PERCENT_LEADER), Some("5"), "nothing changed");
    let (status, _) = app.api("PATCH", "/settings", Some(&json!({"partnerMemberLevelId": 999})));
    assert_eq!(status, 422, "no such level");
    let goods = app.goods().name("高佣商品").price(1000).stock(5).create();
    let path = format!("/fx/goods-percents/{goods}");
    let (status, _) =
        app.api("PUT", &path, Some(&json!({"percent1": 95, "percent2": null, "percent3": null})));
    assert_eq!(status, 422, "95 + 5 + 5 + 2 > 100");
    let (status, _) =
        app.api("PUT", &path, Some(&json!({"percent1": 150, "percent2": null, "percent3": null})));
    assert_eq!(status, 422);
    let (status, _) = app.api("PUT", "/fx/goods-percents/999999", Some(&json!({"percent1": 1})));
    assert_eq!(status, 404);
    assert!(app.api("GET", "/fx/goods-percents", None).1.as_array().unwrap().is_empty());
    let (status, _) = app.api("POST", "/fx/partners", Some(&json!({"userId": o, "role": 7})));
    assert_eq!(status, 422);
}

#[test]
fn the_leadership_is_bought_by_wechat_pay_with_next_action_14() {
    let app = TestApp::new();
    open(&app);
    let (uid, token) = app.login_wechat("code-leader");
    let res = wxpay(&app, &token, "2", Some(r#"{"type":14}"#));
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("应付金额 1.00 元"), "more than the price: {res}");
    let prepay = prepay_of(&wxpay(&app, &token, "1", Some(r#"{"type":14}"#)));
    sandbox_pay(&app, &prepay, true);
    assert_eq!(detail(&app, &token)["base"]["isTeamLeader"], true);
    assert_eq!(app.account(uid).balance, 0, "the recharge paid the leadership");
    assert_code(&wxpay(&app, &token, "1", Some(r#"{"type":14}"#)), 403);
    check_clean(&app);
}

#[test]
fn a_goods_percent_overrides_the_level_and_distributors_rank_by_team_sales() {
    let app = TestApp::with_key(KEY);
    app.set_settings(&[(fx_keys::OPEN, "1"), (fx_keys::LEVELS, "2"), (fx_keys::SELLERS_ONLY, "0")]);
    let (s, st) = app.shopper("分销商");
    let (buyer, bt) = app.shopper("买家");
    assert_code(&app.post("/shop/user/bindSeller", &[("token", &bt), ("uid", &s.to_string())]), 0);
    let goods = app.goods().name("单独比例").price(10_000).stock(5).create();
    let path = format!("/fx/goods-percents/{goods}");
    let (status, body) =
        app.api("PUT", &path, Some(&json!({"percent1": 20, "percent2": null, "percent3": null})));
    assert_eq!(status, 204, "{body}");
    assert_code(&app.get("/shop/saleDistribution/sale-room-rank/total", &[]), 700);
    app.credit(buyer, Account::Balance, 100_000);
    let id = order_id(&create(&app, &bt, &one_line(goods, 1, ""), &[]));
    assert_code(&app.post("/shop/order/pay", &[("token", &bt), ("orderId", &id)]), 0);
    assert_eq!(pending(&app, &st), json!(20.0), "the goods' own 20%, not the shop's 10%");

    let rank = app.get("/shop/saleDistribution/sale-room-rank/total", &[("page", "1"), ("pageSize", "10")]);
    assert_code(&rank, 0);
    assert_eq!(
        (rank["data"]["result"][0]["uid"].clone(), rank["data"]["result"][0]["saleroom"].clone()),
        (json!(s), json!(100.0))
    );
    assert_eq!(rank["data"]["result"][0]["rank"], 1);
    let today = xiaodian::db::now_text()[..10].replace('-', "");
    let daily = app.get("/shop/saleDistribution/sale-room-rank/daily", &[("day", &today)]);
    assert_eq!(daily["data"]["totalRow"], 1, "{daily}");
    assert_code(&app.get("/shop/saleDistribution/sale-room-rank/daily", &[("day", "20200101")]), 700);
    assert_code(&app.get("/shop/saleDistribution/sale-room-rank/daily", &[("day", "2020-13-01")]), 300);

    // Targets: 700 until the merchant sets one, then the figures.
    assert_code(&app.get("/shop/saleDistribution/city/list", &[("token", &st)]), 700);
    assert_code(&app.post("/shop/saleDistribution/team/report", &[("token", &st)]), 700);
    let bad = json!({"provinceId": "440000", "cityId": "110100", "standardSaleroomFen": 100_000});
    let (status, body) = app.api("POST", "/fx/targets", Some(&bad));
    assert_eq!((status, body["field"].clone()), (422, json!("cityId")));
    let city = json!({"provinceId": "440000", "cityId": "440300", "standardSaleroomFen": 100_000});
    assert_eq!(app.api("POST", "/fx/targets", Some(&city)).0, 200);
    let cities = app.get("/shop/saleDistribution/city/list", &[("token", &st)]);
    assert_code(&cities, 0);
    assert_eq!(cities["data"][0]["cityName"], "深圳市", "{cities}");
    assert_eq!(cities["data"][0]["standardSaleroom"], 1000.0);
    assert_eq!(cities["data"][0]["curSaleroom"], 100.0, "the order went to Shenzhen");
    let report = app.post(
        "/shop/saleDistribution/city/report",
        &[("token", &st), ("provinceId", "440000"), ("cityId", "440300")],
    );
    assert_eq!(report["data"]["result"][0]["curSaleroom"], 100.0, "{report}");
    let elsewhere = app.post(
        "/shop/saleDistribution/city/report",
        &[("token", &st), ("provinceId", "110000"), ("cityId", "110100")],
    );
    assert_code(&elsewhere, 700);
    assert_eq!(app.api("POST", "/fx/targets", Some(&json!({"standardSaleroomFen": 50_000}))).0, 200);
    let team = app.post("/shop/saleDistribution/team/report", &[("token", &st)]);
    assert_code(&team, 0);
    let month = xiaodian::db::now_text()[..7].to_string();
    assert_eq!(team["data"]["result"][0]["month"], month);
    assert_eq!(team["data"]["result"][0]["curSaleroom"], 100.0);
    assert_eq!(team["data"]["result"][0]["standardSaleroom"], 500.0);
}

#[test]
fn the_console_shows_partners_rules_and_a_distributors_tree() {
    let app = TestApp::new();
    app.set_settings(&[(fx_keys::OPEN, "1")]);
    let (s, _) = app.shopper("树根");
    let (b, bt) = app.shopper("一级成员");
    let (_, ct) = app.shopper("二级成员");
    assert_code(&app.post("/shop/user/bindSeller", &[("token", &bt), ("uid", &s.to_string())]), 0);
    assert_code(&app.post("/shop/user/bindSeller", &[("token", &ct), ("uid", &b.to_string())]), 0);
    let mut browser = Browser::staff(&app);
    browser.get(&format!("/admin/fx/sellers/{s}/tree")).assert_has("一级成员").assert_has("二级成员");
    let csrf = browser.csrf();
    let saved = browser.post(
        "/admin/fx/partners/settings",
        &[
            ("csrf", &csrf),
            ("open", "1"),
            ("percent_leader", "95"),
            ("percent_partner", "2"),
            ("price_leader_yuan", "1"),
            ("price_partner_yuan", "0"),
            ("leader_level_id", "0"),
            ("member_level_id", "0"),
        ],
    );
    let page = browser.get(saved.location());
    page.assert_has("100%");
    assert_ne!(app.settings.get().get(keys::PERCENT_LEADER), Some("95"), "nothing saved");
    browser
        .post("/admin/fx/partners/appoint", &[("csrf", &csrf), ("user_id", &s.to_string()), ("role", "3")]);
    browser.get("/admin/fx/partners?role=3").assert_has("树根");
    browser.post(
        "/admin/fx/rules/targets",
        &[("csrf", &csrf), ("province_id", "440000"), ("city_id", "440300"), ("standard_yuan", "1000")],
    );
    browser.get("/admin/fx/rules").assert_has("深圳市");
    let goods = app.goods().name("控制台单独比例").price(1000).stock(5).create();
    let g = goods.to_string();
    let bad = browser.post(
        "/admin/fx/rules/goods",
        &[("csrf", &csrf), ("goods_id", &g), ("percent1", "abc"), ("percent2", ""), ("percent3", "")],
    );
    browser.get(bad.location()).assert_has("0 到 100 的整数");
    browser.post(
        "/admin/fx/rules/goods",
        &[("csrf", &csrf), ("goods_id", &g), ("percent1", "30"), ("percent2", ""), ("percent3", "")],
    );
    browser.get("/admin/fx/rules").assert_has("控制台单独比例").assert_has("30%");
    let own = app.query(|c| xiaodian::db::fx_rules::goods_percents(c, goods)).map(|p| p.percents);
    assert_eq!(own, Some([Some(30), None, None]));
}

#[test]
fn a_partnership_is_bought_from_the_balance_and_the_merchant_lists_roles_targets_and_trees() {
    let app = TestApp::with_key(KEY);
    open(&app);
    app.set_setting(keys::PRICE_PARTNER_FEN, "200");
    let (p, pt) = app.shopper("买来的合伙人");
    app.credit(p, Account::Balance, 100);
    let short = app.post("/shop/partner/buyPartner", &[("token", &pt)]);
    assert_code(&short, 40000);
    assert_eq!(short["data"], 1.0, "the amount due: {short}");
    assert_eq!(app.account(p).balance, 100, "nothing changed");
    assert!(detail(&app, &pt)["partnerInfo"].is_null());
    app.credit(p, Account::Balance, 100);
    assert_code(&app.post("/shop/partner/buyPartner", &[("token", &pt)]), 0);
    assert_eq!(app.account(p).balance, 0);
    assert_eq!(detail(&app, &pt)["partnerInfo"]["uid"], p);
    assert_code(&app.post("/shop/partner/buyPartner", &[("token", &pt)]), 403);

    // The merchant appoints a leader, who joins the partner; the lists say who is under whom.
    let (l, lt) = app.shopper("指定团队长");
    appoint(&app, l, 2);
    assert_code(&app.post("/shop/user/bindPartner", &[("token", &lt), ("uid", &p.to_string())]), 0);
    let twice = app.post("/shop/user/bindPartner", &[("token", &lt), ("uid", &l.to_string())]);
    assert_code(&twice, 300);
    let (status, partners) = app.api("GET", "/fx/partners?role=3", None);
    assert_eq!(status, 200, "{partners}");
    assert_eq!((partners["total"].clone(), partners["items"][0]["below"].clone()), (json!(1), json!(1)));
    assert_eq!(partners["items"][0]["source"], "buy");
    let (_, leaders) = app.api("GET", "/fx/partners?role=2", None);
    assert_eq!(leaders["items"][0]["parentId"], p, "{leaders}");
    assert_eq!(app.api("GET", "/fx/partners?role=5", None).0, 422);
    appoint(&app, p, 2);
    assert_eq!(detail(&app, &pt)["base"]["isTeamLeader"], true, "a partner made a leader");
    assert!(detail(&app, &lt)["parentPartnerInfo"].is_null(), "no leader under a leader");
    appoint(&app, p, 3);
    assert_code(&app.post("/shop/user/bindPartner", &[("token", &lt), ("uid", &p.to_string())]), 0);
    appoint(&app, p, 0);
    assert!(detail(&app, &pt)["partnerInfo"].is_null(), "the role taken away");
    assert!(detail(&app, &lt)["parentPartnerInfo"].is_null(), "the leader lost their partner");
    assert_eq!(app.api("POST", "/fx/partners", Some(&json!({"userId": 999_999, "role": 3}))).0, 404);

    // Targets: set, listed, removed (then 700 again); a distributor's tree.
    app.set_settings(&[(fx_keys::OPEN, "1")]);
    let (status, made) = app.api("POST", "/fx/targets", Some(&json!({"standardSaleroomFen": 30_000})));
    assert_eq!(status, 200, "{made}");
    let (_, listed) = app.api("GET", "/fx/targets", None);
    assert_eq!(
        (listed[0]["kind"].clone(), listed[0]["standardSaleroomFen"].clone()),
        (json!("team"), json!(30_000))
    );
    assert_code(&app.post("/shop/saleDistribution/team/report", &[("token", &pt)]), 0);
    let gone = format!("/fx/targets/{}", made["id"]);
    assert_eq!(app.api("DELETE", &gone, None).0, 204);
    assert_eq!(app.api("DELETE", &gone, None).0, 404);
    assert_code(&app.post("/shop/saleDistribution/team/report", &[("token", &pt)]), 700);
    let (status, _) = app.api("POST", "/fx/targets", Some(&json!({"standardSaleroomFen": 0})));
    assert_eq!(status, 422);

    let (b, bt) = app.shopper("下一级");
    let (_, ct) = app.shopper("下两级");
    assert_code(&app.post("/shop/user/bindSeller", &[("token", &bt), ("uid", &l.to_string())]), 0);
    assert_code(&app.post("/shop/user/bindSeller", &[("token", &ct), ("uid", &b.to_string())]), 0);
    let (status, tree) = app.api("GET", &format!("/fx/sellers/{l}/tree"), None);
    assert_eq!(status, 200, "{tree}");
    assert_eq!((tree[0]["level"].clone(), tree[0]["nick"].clone()), (json!(1), json!("下一级")));
    assert_eq!((tree[1]["level"].clone(), tree[1]["referrerId"].clone()), (json!(2), json!(b)));
    assert_eq!(app.api("GET", "/fx/sellers/999999/tree", None).0, 404);
}
