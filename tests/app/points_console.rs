//! The 积分 console page, redemption codes, the shopper's 账户流水 with manual adjustments (reason
//! required, confirmation, never below zero), the merchant API's adjustments and ledger, and
//! `xiaodian check` on a clean and on a tampered data dir.

use std::process::Command;

use serde_json::json;
use xiaodian::service::ledger::Account;

use crate::support::*;

const KEY: &str = "points-test-key";

#[test]
fn the_points_page_saves_rates_and_sign_in_rules_and_refuses_bad_values() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let page = b.get("/admin/points");
    assert_eq!(page.status, 200);
    page.assert_has("签到送积分").assert_has("多少积分兑换 1 元余额");
    let csrf = page.csrf();
    let form = |cash: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("register", "10".into()),
            ("per_yuan_spent", "1".into()),
            ("share_group", "5".into()),
            ("share_group_daily_max", "3".into()),
            ("cash_rate", cash.to_string()),
            ("growth_rate", "10".into()),
            ("deduction_per_yuan", "100".into()),
            ("deduction_max_percent", "30".into()),
        ]
    };
    let bad = form("很多");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = b.post("/admin/points/settings", &bad);
    assert_eq!(res.status, 422);
    res.assert_has("多少积分兑换 1 元余额");
    assert_code(&app.post("/shop/score/send/rule", &[]), 700);

    let good = form("100");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = b.post("/admin/points/settings", &good);
    assert_eq!(res.status, 303, "{}", res.body);
    let rules = app.post("/shop/score/send/rule", &[]);
    assert_code(&rules, 0);
    assert_eq!(rules["data"].as_array().unwrap().len(), 3);
    let deduction = app.get("/shop/score/deduction/rules", &[]);
    assert_eq!(deduction["data"].as_array().unwrap().len(), 2);
    // Without the CSRF token nothing is saved.
    let forged = b.post("/admin/points/settings", &good[1..]);
    assert_eq!(forged.status, 403);

    let res = b.post("/admin/points/sign-rules", &[("csrf", &csrf), ("rules", "1 5\n7：20\n")]);
    assert_eq!(res.status, 303, "{}", res.body);
    let signs = app.get("/shop/score/sign/rules", &[]);
    assert_eq!(signs["data"], json!([{"continuous": 1, "score": 5}, {"continuous": 7, "score": 20}]));
    let res = b.post("/admin/points/sign-rules", &[("csrf", &csrf), ("rules", "1 5\n1 6")]);
    assert_eq!(res.status, 422);
    res.assert_has("重复");
    let res = b.post("/admin/points/sign-rules", &[("csrf", &csrf), ("rules", "每天 5")]);
    assert_eq!(res.status, 422);
    res.assert_has("第 1 行");
    assert_eq!(
        app.get("/shop/score/sign/rules", &[])["data"].as_array().unwrap().len(),
        2,
        "refusals change nothing"
    );
    b.get("/admin/points").assert_has("7 20");
}

#[test]
fn the_merchant_makes_a_batch_of_codes_and_sees_which_were_used() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let csrf = b.get("/admin/points/codes").csrf();
    let res = b.post(
        "/admin/points/codes",
        &[("csrf", &csrf), ("count", "0"), ("score", "50"), ("batch", ""), ("date_end", "")],
    );
    assert_eq!(res.status, 422);
    res.assert_has("数量");
    let res = b.post(
        "/admin/points/codes",
        &[("csrf", &csrf), ("count", "3"), ("score", "50"), ("batch", "开业"), ("date_end", "2999-12-31")],
    );
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(res.location().contains("batch="), "{}", res.location());
    let numbers: Vec<String> = app.query(|c| {
        let mut st = c.prepare("SELECT number FROM score_codes WHERE batch = '开业' ORDER BY id")?;
        let rows = st.query_map([], |r| r.get(0))?;
        rows.collect()
    });
    assert_eq!(numbers.len(), 3);
    assert!(numbers.iter().all(|n| n.len() == 12));

    let (alice, token) = app.shopper("alice");
    assert_code(&app.post("/shop/score/exchange", &[("token", &token), ("number", &numbers[0])]), 0);
    let used = b.get("/admin/points/codes?used=yes");
    used.assert_has(&numbers[0]).assert_has(&format!("/admin/users/{alice}"));
    assert!(!used.body.contains(&numbers[1]));
    b.get("/admin/points/codes?used=no").assert_has(&numbers[1]);
}

#[test]
fn a_manual_adjustment_needs_a_reason_a_confirmation_and_never_goes_below_zero() {
    let app = TestApp::new();
    let (alice, _) = app.shopper("alice");
    app.credit(alice, Account::Score, 40);
    let mut b = Browser::staff(&app);
    b.get(&format!("/admin/users/{alice}")).assert_has(&format!("/admin/users/{alice}/ledger"));
    let page = b.get(&format!("/admin/users/{alice}/ledger"));
    assert_eq!(page.status, 200);
    page.assert_has("测试入账");
    let csrf = page.csrf();
    let path = format!("/admin/users/{alice}/ledger/adjust");

    // No reason: refused, nothing written.
    let res = b.post(&path, &[("csrf", &csrf), ("account", "score"), ("amount", "100"), ("reason", " ")]);
    assert_eq!(res.status, 422);
    res.assert_has("请填写调整原因");
    // With a reason: a confirmation first, which changes nothing yet.
    let res =
        b.post(&path, &[("csrf", &csrf), ("account", "balance"), ("amount", "12.5"), ("reason", "补偿运费")]);
    assert_eq!(res.status, 200);
    res.assert_has("确认调整").assert_has("余额 +¥12.50");
    assert_eq!(app.account(alice).balance, 0);
    let res = b.post(
        &path,
        &[
            ("csrf", &csrf),
            ("account", "balance"),
            ("amount", "12.5"),
            ("reason", "补偿运费"),
            ("confirmed", "true"),
        ],
    );
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(app.account(alice).balance, 1250);
    // Taking away more points than there are: refused in the form, nothing written.
    let res = b.post(
        &path,
        &[
            ("csrf", &csrf),
            ("account", "score"),
            ("amount", "-50"),
            ("reason", "扣回"),
            ("confirmed", "true"),
        ],
    );
    assert_eq!(res.status, 422);
    res.assert_has("积分不足");
    assert_eq!(app.account(alice).score, 40);
    let res = b.post(
        &path,
        &[
            ("csrf", &csrf),
            ("account", "score"),
            ("amount", "-40"),
            ("reason", "扣回"),
            ("confirmed", "true"),
        ],
    );
    assert_eq!(res.status, 303);
    assert_eq!(app.account(alice).score, 0);
    let forged =
        b.post(&path, &[("account", "score"), ("amount", "5"), ("reason", "x"), ("confirmed", "true")]);
    assert_eq!(forged.status, 403);
    assert_eq!(app.account(alice).score, 0);

    let page = b.get(&format!("/admin/users/{alice}/ledger?account=balance"));
    page.assert_has("补偿运费").assert_has("+¥12.50");
    assert!(!page.body.contains("扣回"));
    let source: String = app.query(|c| {
        c.query_row("SELECT source_type FROM ledger WHERE reason = '补偿运费'", [], |r| r.get(0))
    });
    assert_eq!(source, "admin");
    assert_eq!(b.get("/admin/users/999999/ledger").status, 404);
}

#[test]
fn the_merchant_api_adjusts_accounts_with_a_reason_and_lists_the_ledger() {
    let app = TestApp::with_key(KEY);
    let (alice, _) = app.shopper("alice");
    let call = |method: &str, path: &str, body: Option<&serde_json::Value>| app.api(method, path, body);
    let adjust = format!("/users/{alice}/adjustments");

    let (status, body) = call("POST", &adjust, Some(&json!({"account": "score", "amount": 100})));
    assert_eq!(status, 422, "{body}");
    let (status, _) = call("POST", &adjust, Some(&json!({"account": "cash", "amount": 100, "reason": "x"})));
    assert_eq!(status, 422);
    let (status, body) =
        call("POST", &adjust, Some(&json!({"account": "score", "amount": 100, "reason": "活动奖励"})));
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["value"], 100);
    let (status, body) =
        call("POST", &adjust, Some(&json!({"account": "balance", "amount": -1, "reason": "扣款"})));
    assert_eq!(status, 409, "{body}");
    let (status, _) = call(
        "POST",
        "/users/999999/adjustments",
        Some(&json!({"account": "growth", "amount": 1, "reason": "x"})),
    );
    assert_eq!(status, 404);
    let (status, body) =
        call("POST", &adjust, Some(&json!({"account": "growth", "amount": 3, "reason": "老客户"})));
    assert_eq!((status, body["value"].as_i64()), (201, Some(3)));

    let (status, page) = call("GET", &format!("/users/{alice}/ledger"), None);
    assert_eq!(status, 200);
    assert_eq!(page["total"], 2);
    assert_eq!(page["items"][0]["reason"], "老客户");
    assert_eq!(page["items"][0]["sourceType"], "admin");
    let (_, scores) = call("GET", &format!("/users/{alice}/ledger?account=score"), None);
    assert_eq!(scores["total"], 1);
    assert_eq!(scores["items"][0]["after"], 100);
    let (status, _) = call("GET", &format!("/users/{alice}/ledger?account=cash"), None);
    assert_eq!(status, 422);
    let (status, _) = call("GET", "/users/999999/ledger", None);
    assert_eq!(status, 404);
    assert_eq!(app.account(alice).score, 100);
}

/// Runs `xiaodian check` on the app's data dir: (exit code, stdout).
fn check(app: &TestApp) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xiaodian"))
        .args(["check", "--data"])
        .arg(app.dir.path())
        .env("XIAODIAN_LOG_LEVEL", "critical")
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn xiaodian_check_passes_on_a_clean_shop_and_names_a_tampered_account() {
    let app = TestApp::new();
    let (alice, _) = app.shopper("alice");
    app.credit(alice, Account::Balance, 500);
    app.credit(alice, Account::Score, 30);
    let (code, out) = check(&app);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("all accounts agree with the ledger"), "{out}");

    // Someone edits the balance behind the ledger's back.
    let db = rusqlite::Connection::open(app.cfg.db_path()).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    db.execute("UPDATE user_accounts SET balance = 99999 WHERE user_id = ?1", [alice]).unwrap();
    drop(db);
    let (code, out) = check(&app);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("用户 {alice} 的 balance 为 99999，但流水合计为 500")), "{out}");
    assert!(!out.contains("score"), "only the tampered account is named: {out}");
}
