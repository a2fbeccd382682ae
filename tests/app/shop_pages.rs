//! The templates' remaining pages: order rules (orderSet), the withdrawal bank card, pinned and
//! highlighted JSON rows, deposits the merchant asks for, activity pages, the number-bomb game,
//! and the merchant transfer that is not connected.

use serde_json::{json, Value};
use xiaodian::db::ledger::Account;

use crate::support::*;

const KEY: &str = "shop-pages-key-1";

#[test]
fn order_set_answers_the_shops_order_rules() {
    let app = TestApp::new();
    app.set_settings(&[("orderCloseMinutes", "45"), ("orderAutoConfirmDays", "10")]);
    let res = app.get("/shop/order/set", &[]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["closeMinutes"], 45);
    assert_eq!(res["data"]["autoConfirmDays"], 10);
    assert_eq!(res["data"]["autoReviewDays"], 7, "the default when unset");
}

#[test]
fn a_shopper_binds_one_bank_card_sees_it_masked_and_unbinds_it() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("bank");
    let banks = app.get("/shop/userBank/banks", &[]);
    assert_code(&banks, 0);
    assert!(banks["data"].as_array().unwrap().iter().any(|b| b["bankName"] == "招商银行"));
    assert_code(&app.get("/shop/userBank/info", &[("token", &token)]), 700);

    let form = |number: &str| {
        vec![
            ("token", token.clone()),
            ("bankName", "招商银行".to_string()),
            ("bankBranch", "深圳分行".to_string()),
            ("name", "张三".to_string()),
            ("bankCardNumber", number.to_string()),
            ("provinceId", "440000".to_string()),
            ("cityId", "440300".to_string()),
        ]
    };
    let send = |f: Vec<(&str, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.post("/shop/userBank/bind", &pairs)
    };
    let bad = send(form("12ab"));
    assert_code(&bad, 300);
    assert!(bad["msg"].as_str().unwrap().contains("bankCardNumber"));
    let mut unknown_region = form("6214 8300 0000 1234");
    unknown_region[5].1 = "999999".into();
    assert_code(&send(unknown_region), 300);
    assert_eq!(app.count("user_banks"), 0, "a refused bind writes nothing");

    assert_code(&send(form("6214 8300 0000 1234")), 0);
    let info = app.get("/shop/userBank/info", &[("token", &token)]);
    assert_code(&info, 0);
    let card = &info["data"]["info"];
    assert_eq!(card["bankCardNumber"], "6214********1234");
    assert_eq!(card["bankName"], "招商银行");
    assert_eq!(card["provinceStr"], "广东省");
    assert_eq!(card["uid"], uid);
    let stored: String = app
        .query(|c| c.query_row("SELECT card_number FROM user_banks WHERE user_id = ?1", [uid], |r| r.get(0)));
    assert_eq!(stored, "6214830000001234", "the whole number is kept for the payout");
    assert_code(&send(form("6214830000005678")), 403);

    assert_code(&app.post("/shop/userBank/unbind", &[("token", &token)]), 0);
    assert_code(&app.get("/shop/userBank/info", &[("token", &token)]), 700);
    assert_code(&app.post("/shop/userBank/unbind", &[("token", &token)]), 700);
    assert_code(&app.get("/shop/userBank/info", &[]), 2000);
}

#[test]
fn the_owner_pins_and_highlights_a_json_row_and_nobody_else_can() {
    let app = TestApp::new();
    let (_, token) = app.shopper("json");
    let (_, other) = app.shopper("other");
    let row =
        app.post("/shop/json/set", &[("token", &token), ("content", r#"{"t":"牛奶"}"#), ("type", "qingdan")]);
    assert_code(&row, 0);
    assert_eq!(row["data"]["isTop"], false);
    let id = row["data"]["id"].as_i64().unwrap().to_string();

    let top = app.post("/shop/json/top", &[("token", &token), ("id", &id), ("isTop", "true")]);
    assert_code(&top, 0);
    assert_eq!(top["data"]["isTop"], true);
    let hl = app.post("/shop/json/highlight", &[("token", &token), ("id", &id), ("isHighlight", "1")]);
    assert_eq!(hl["data"]["isHighlight"], true);
    let list = app.post("/shop/json/list", &[("token", &token), ("type", "qingdan")]);
    assert_eq!(list["data"][0]["isTop"], true);
    assert_eq!(list["data"][0]["isHighlight"], true);
    let off = app.post("/shop/json/top", &[("token", &token), ("id", &id), ("isTop", "false")]);
    assert_eq!(off["data"]["isTop"], false);

    assert_code(&app.post("/shop/json/top", &[("token", &other), ("id", &id), ("isTop", "true")]), 403);
    assert_code(&app.post("/shop/json/top", &[("token", &token), ("id", &id)]), 300);
    assert_code(
        &app.post("/shop/json/highlight", &[("token", &token), ("id", "99999"), ("isHighlight", "1")]),
        404,
    );
}

#[test]
fn the_merchant_asks_for_a_deposit_and_the_shopper_pays_it_from_the_balance() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let (uid, token) = app.shopper("deposit");
    let (status, asked) =
        m.json("POST", "/deposits", &json!({"userId": uid, "amount": 50, "remark": "租借押金"})).pair();
    assert_eq!(status, 201, "{asked}");
    assert_eq!(asked["status"], -1);
    assert_eq!(asked["statusStr"], "待支付");
    let id = asked["id"].as_i64().unwrap().to_string();
    m.json("POST", "/deposits", &json!({"userId": 999_999, "amount": 5})).fails(404, None);
    m.json("POST", "/deposits", &json!({"userId": uid, "amount": -1})).fails(422, Some("amount"));

    let list = app.post("/shop/deposit/list", &[("token", &token)]);
    assert_eq!(list["data"]["result"][0]["status"], -1);
    let short = app.post("/shop/deposit/payStatus", &[("token", &token), ("id", &id)]);
    assert_code(&short, 40000);
    assert_eq!(short["data"], 50.0);
    assert_eq!(app.ledger_rows(uid), 0, "a refused payment moves nothing");

    app.credit(uid, Account::Balance, 8000);
    let paid = app.post("/shop/deposit/payStatus", &[("token", &token), ("id", &id)]);
    assert_code(&paid, 0);
    assert_eq!(paid["data"]["status"], 0);
    let acc = app.account(uid);
    assert_eq!((acc.balance, acc.freeze), (3000, 5000));
    assert_code(&app.post("/shop/deposit/payStatus", &[("token", &token), ("id", &id)]), 403);
    let (_, stranger) = app.shopper("stranger");
    assert_code(&app.post("/shop/deposit/payStatus", &[("token", &stranger), ("id", &id)]), 404);
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());
}

#[test]
fn an_activity_page_made_through_the_merchant_api_is_shown_until_hidden() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let body = json!({"title": "双十二", "titleSub": "全场满减", "dateStart": "2026-12-12", "bannerType": "huodong",
                      "goodsIds": "1, 2", "couponRuleIds": ""});
    let (status, made) = m.json("POST", "/activity-pages", &body).pair();
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["goodsIds"], "1,2");
    let id = made["id"].as_i64().unwrap();
    m.json("POST", "/activity-pages", &json!({"title": ""})).fails(422, Some("title"));
    m.json("POST", "/activity-pages", &json!({"title": "x", "goodsIds": "a"})).fails(422, Some("goodsIds"));

    let info = app.get("/shop/activityMallInfo/info", &[("id", &id.to_string())]);
    assert_code(&info, 0);
    assert_eq!(info["data"]["info"]["title"], "双十二");
    assert_eq!(info["data"]["info"]["bannerType"], "huodong");
    assert_eq!(info["data"]["info"]["dateDeadline"], "");

    let mut hidden = body.clone();
    hidden["status"] = json!(1);
    assert_eq!(m.json("PUT", &format!("/activity-pages/{id}"), &hidden).status, 200);
    assert_code(&app.get("/shop/activityMallInfo/info", &[("id", &id.to_string())]), 404);
    assert_code(&app.get("/shop/activityMallInfo/info", &[("id", "x")]), 300);
    assert_eq!(m.delete(&format!("/activity-pages/{id}")).status, 204);
    assert_eq!(m.delete(&format!("/activity-pages/{id}")).status, 404);
}

/// The hidden bomb of round `id`.
fn bomb(app: &TestApp, id: i64) -> i64 {
    app.query(|c| c.query_row("SELECT bomb FROM number_bomb_games WHERE id = ?1", [id], |r| r.get(0)))
}

fn begin(app: &TestApp, token: &str) -> Value {
    app.post("/shop/gameNumberBomb/begin", &[("token", token)])
}

fn guess(app: &TestApp, token: &str, id: i64, n: i64) -> Value {
    app.post(
        "/shop/gameNumberBomb/guess",
        &[("token", token), ("id", &id.to_string()), ("number", &n.to_string())],
    )
}

#[test]
fn the_number_bomb_game_costs_points_hints_and_pays_a_win() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("bomb");
    assert_code(&begin(&app, &token), 403);
    app.set_settings(&[
        ("numberBombOn", "1"),
        ("numberBombMaxNumber", "50"),
        ("numberBombMaxGuess", "6"),
        ("numberBombUseScore", "5"),
        ("numberBombWinScore", "30"),
    ]);
    assert_code(&begin(&app, &token), 30001);
    app.credit(uid, Account::Score, 10);

    let round = begin(&app, &token);
    assert_code(&round, 0);
    assert_eq!(round["data"]["setting"]["maxNumber"], 50);
    assert_eq!(round["data"]["setting"]["maxGuessTime"], 6);
    assert_eq!(round["data"]["bombLog"]["useScore"], 5);
    assert!(round["data"]["bombLog"]["num"].is_null(), "the bomb stays hidden while playing");
    let id = round["data"]["bombLog"]["id"].as_i64().unwrap();
    let b = bomb(&app, id);
    assert!((1..=50).contains(&b));
    assert_eq!(app.account(uid).score, 5);

    assert_code(&guess(&app, &token, id, 51), 300);
    if b > 1 {
        assert_code(&guess(&app, &token, id, b - 1), 40001);
    }
    if b < 50 {
        assert_code(&guess(&app, &token, id, b + 1), 40000);
    }
    let won = guess(&app, &token, id, b);
    assert_code(&won, 0);
    assert_eq!(won["data"]["status"], 2);
    assert_eq!(won["data"]["num"], b);
    assert_eq!(app.account(uid).score, 35);
    assert_code(&guess(&app, &token, id, b), 20000);

    // A lost round: every guess misses until none is left.
    let id2 = begin(&app, &token)["data"]["bombLog"]["id"].as_i64().unwrap();
    let b2 = bomb(&app, id2);
    let misses: Vec<i64> = (1..=50).filter(|n| *n != b2).take(6).collect();
    for n in &misses[..5] {
        let r = guess(&app, &token, id2, *n);
        assert!(r["code"] == 40000 || r["code"] == 40001, "{r}");
    }
    assert_code(&guess(&app, &token, id2, misses[5]), 30000);
    assert_eq!(app.account(uid).score, 30, "a lost round pays nothing back");

    // Beginning again gives up an unfinished round.
    let id3 = begin(&app, &token)["data"]["bombLog"]["id"].as_i64().unwrap();
    begin(&app, &token);
    assert_code(&guess(&app, &token, id3, 1), 20000);
    let (_, other) = app.shopper("other");
    assert_code(&guess(&app, &other, id3, 1), 404);

    let logs = app.post("/shop/gameNumberBomb/logs", &[("token", &token), ("page", "1"), ("pageSize", "20")]);
    assert_code(&logs, 0);
    let statuses: Vec<i64> =
        logs["data"]["result"].as_array().unwrap().iter().map(|r| r["status"].as_i64().unwrap()).collect();
    assert_eq!(statuses, [0, 3, 1, 2]);
    assert_eq!(logs["data"]["result"][3]["winScore"], 30);
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());
}

#[test]
fn the_merchant_transfer_is_not_connected_and_says_so() {
    let app = TestApp::new();
    let (_, token) = app.shopper("tx");
    let res =
        app.get("/shop/user/withdrawal/requestMerchantTransfer", &[("token", &token), ("number", "TX1")]);
    assert_code(&res, 501);
    assert!(res["msg"].as_str().unwrap().contains("商家转账"), "{res}");
    assert_eq!(res["data"]["state"], "notConnected");
}

#[test]
fn members_get_their_levels_monthly_points_and_coupons_once_a_month() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let gold = app.level("金卡", 2).create();
    let coupon = app.coupon().name("会员月券").create();
    let (member, _) = app.shopper("member");
    let (lapsed, _) = app.shopper("lapsed");
    let now = now();
    app.write(|c| {
        for (user, expire) in [(member, now + 86_400 * 40), (lapsed, now - 10)] {
            let cur = xiaodian::db::levels::Current {
                user_id: user,
                level_id: gold,
                price_id: None,
                auto_renew: false,
                date_expire: expire,
            };
            xiaodian::db::levels::set_current(c, &cur, now)?;
        }
        Ok::<_, xiaodian::db::Error>(())
    });

    let path = format!("/member-levels/{gold}/monthly");
    m.json("PUT", &path, &json!({"sendPerMonthScore": -1})).fails(422, Some("sendPerMonthScore"));
    m.json("PUT", &path, &json!({"sendPerMonthCoupons": "999"})).fails(422, Some("sendPerMonthCoupons"));
    m.json("PUT", "/member-levels/9999/monthly", &json!({"sendPerMonthScore": 5})).fails(404, None);
    let body = json!({"sendPerMonthScore": 100, "sendPerMonthCoupons": coupon.to_string()});
    assert_eq!(m.json("PUT", &path, &body).status, 200);
    assert_eq!(m.get(&path).body["sendPerMonthScore"], 100);

    let detail = app.get("/shop/user/level/info", &[("id", &gold.to_string())]);
    assert_eq!(detail["data"]["info"]["sendPerMonthScore"], 100);
    assert_eq!(detail["data"]["info"]["sendPerMonthCoupons"], coupon.to_string());

    assert_eq!(
        xiaodian::jobs::level_monthly::run_once(&app.db, now).unwrap(),
        1,
        "the lapsed member gets nothing"
    );
    assert_eq!(app.account(member).score, 100);
    assert_eq!(app.account(lapsed).score, 0);
    let coupons: i64 = app.query(|c| {
        c.query_row("SELECT count(*) FROM coupon_users WHERE user_id = ?1", [member], |r| r.get(0))
    });
    assert_eq!(coupons, 1);
    assert_eq!(xiaodian::jobs::level_monthly::run_once(&app.db, now + 60).unwrap(), 0, "once a month");
    assert_eq!(app.account(member).score, 100);
    let next_month = now + 32 * 86_400;
    assert_eq!(xiaodian::jobs::level_monthly::run_once(&app.db, next_month).unwrap(), 1);
    assert_eq!(app.account(member).score, 200);
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());
}
