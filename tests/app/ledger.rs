//! The ledger: userAmount, posting with its overdraft refusals, immutable rows, and the check
//! that every account equals the sum of its rows.

use serde_json::Value;
use xiaodian::error::ApiError;
use xiaodian::service::ledger::{self, Account, Source};

use crate::support::*;

const AMOUNT: &str = "/shop/user/amount";

/// Posts one ledger change in its own transaction, as a caller would.
pub fn post(app: &TestApp, uid: i64, account: Account, amount: i64) -> Result<i64, ApiError> {
    app.db
        .write_sync(|c| ledger::post(c, uid, account, amount, "测试调整", Source::Admin, "t"))
        .map_err(ApiError::from)
}

/// Credits `fen` to the shopper's balance.
pub fn credit(app: &TestApp, uid: i64, fen: i64) {
    post(app, uid, Account::Balance, fen).unwrap();
}

#[test]
fn a_new_shopper_has_zero_amounts_as_numbers_and_strangers_get_2000() {
    let app = TestApp::new();
    assert_code(&app.get(AMOUNT, &[]), 2000);
    assert_code(&app.get(AMOUNT, &[("token", "dead-token")]), 2000);

    let (uid, token) = app.shopper("alice");
    let res = app.get(AMOUNT, &[("token", &token)]);
    assert_code(&res, 0);
    for field in ["balance", "freeze", "score", "growth", "totleConsumed", "fxCommisionPaying"] {
        assert!(res["data"][field].is_number(), "{field}: {res}");
        assert_eq!(res["data"][field].as_f64(), Some(0.0), "{field}: {res}");
    }
    // Reading the amounts creates nothing.
    assert_eq!(
        app.query(|c| c.query_row("SELECT count(*) FROM user_accounts", [], |r| r.get::<_, i64>(0))),
        0
    );
    assert_eq!(app.ledger_rows(uid), 0);
}

#[test]
fn credits_show_in_user_amount_as_yuan_numbers() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("bob");
    assert_eq!(post(&app, uid, Account::Balance, 1990).unwrap(), 1990);
    assert_eq!(post(&app, uid, Account::Balance, 5).unwrap(), 1995);
    post(&app, uid, Account::Freeze, 300).unwrap();
    post(&app, uid, Account::Score, 120).unwrap();
    post(&app, uid, Account::Growth, 7).unwrap();
    assert_eq!(post(&app, uid, Account::Score, -20).unwrap(), 100);

    let res = app.get(AMOUNT, &[("token", &token)]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["balance"], 19.95);
    assert_eq!(res["data"]["freeze"], 3.0);
    assert_eq!(res["data"]["score"], 100);
    assert_eq!(res["data"]["growth"], 7);
    assert_eq!(res["data"]["totleConsumed"], 0.0);

    // Each change is one row whose `after` is the account's value after it.
    let rows: Vec<(String, i64, i64)> = app.query(|c| {
        let mut st = c.prepare("SELECT account, amount, after FROM ledger WHERE user_id = ?1 ORDER BY id")?;
        let rows = st.query_map([uid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect()
    });
    let expected = [
        ("balance", 1990, 1990),
        ("balance", 5, 1995),
        ("freeze", 300, 300),
        ("score", 120, 120),
        ("growth", 7, 7),
        ("score", -20, 100),
    ];
    assert_eq!(rows.len(), expected.len());
    for (row, (account, amount, after)) in rows.iter().zip(expected) {
        assert_eq!((row.0.as_str(), row.1, row.2), (account, amount, after));
    }
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());
}

#[test]
fn an_overdraft_is_refused_with_what_is_due_and_writes_nothing() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("carol");
    credit(&app, uid, 500);
    post(&app, uid, Account::Score, 30).unwrap();
    let rows_before = app.ledger_rows(uid);

    let err = post(&app, uid, Account::Balance, -800).unwrap_err();
    assert!(matches!(err, ApiError::NotEnoughBalance { due_fen: 300 }), "{err:?}");
    assert_eq!(err.code(), 40000);
    assert_eq!(err.msg(), "余额不足");
    assert_eq!(err.data(), Value::from(3.0));

    let err = post(&app, uid, Account::Score, -31).unwrap_err();
    assert!(matches!(err, ApiError::NotEnoughScore { due: 1 }), "{err:?}");
    assert_eq!(err.code(), 30001);
    assert_eq!(err.msg(), "积分不足");

    assert_eq!(post(&app, uid, Account::Freeze, -1).unwrap_err().code(), 403);
    assert_eq!(post(&app, uid, Account::Growth, -1).unwrap_err().code(), 403);

    assert_eq!(app.ledger_rows(uid), rows_before);
    let res = app.get(AMOUNT, &[("token", &token)]);
    assert_eq!(res["data"]["balance"], 5.0);
    assert_eq!(res["data"]["score"], 30);

    // Spending exactly everything is fine and leaves zero.
    assert_eq!(post(&app, uid, Account::Balance, -500).unwrap(), 0);
    // A refused first use leaves no accounts row behind (the transaction rolled back).
    let (dave, _) = app.shopper("dave");
    assert!(post(&app, dave, Account::Balance, -1).is_err());
    let rows: i64 = app.query(|c| {
        c.query_row("SELECT count(*) FROM user_accounts WHERE user_id = ?1", [dave], |r| r.get(0))
    });
    assert_eq!(rows, 0);
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());
}

#[test]
fn a_zero_amount_writes_no_row() {
    let app = TestApp::new();
    let (uid, _) = app.shopper("erin");
    credit(&app, uid, 100);
    assert_eq!(post(&app, uid, Account::Balance, 0).unwrap(), 100);
    assert_eq!(app.ledger_rows(uid), 1);
}

#[test]
fn ledger_rows_cannot_be_edited_or_deleted() {
    let app = TestApp::new();
    let (uid, _) = app.shopper("frank");
    credit(&app, uid, 100);
    for sql in ["UPDATE ledger SET amount = 1000000", "DELETE FROM ledger"] {
        let res = app.db.write_sync(|c| c.execute(sql, []).map_err(ApiError::from));
        let err = res.expect_err(sql);
        assert!(format!("{err:?}").contains("immutable"), "{sql}: {err:?}");
    }
    assert_eq!(app.balance_and_sum(uid), (100, 100));
}

#[test]
fn the_check_finds_a_hand_corrupted_account_and_a_broken_chain() {
    let app = TestApp::new();
    let (gina, _) = app.shopper("gina");
    let (hank, _) = app.shopper("hank");
    credit(&app, gina, 1000);
    post(&app, gina, Account::Balance, -250).unwrap();
    post(&app, hank, Account::Score, 40).unwrap();
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());

    // Someone edits a balance by hand, outside the ledger.
    app.write(|c| {
        c.execute("UPDATE user_accounts SET balance = balance + 1 WHERE user_id = ?1", [gina])
            .map_err(ApiError::from)
    });
    let problems = app.ledger_check();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains(&format!("用户 {gina}")) && problems[0].contains("balance"), "{problems:?}");
    assert!(problems[0].contains("751") && problems[0].contains("750"), "{problems:?}");

    // Hank's points are right, but a row written past the rules (triggers do not stop inserts)
    // both breaks the sum and the chain of `after` values.
    app.write(|c| {
        c.execute(
            "INSERT INTO ledger (user_id, account, amount, after, reason, source_type, date_add)
                 VALUES (?1, 'score', 5, 99, '伪造', 'admin', 0)",
            [hank],
        )
        .map_err(ApiError::from)
    });
    let problems = app.ledger_check();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(
        problems.iter().any(|p| p.contains(&format!("用户 {hank}")) && p.contains("score")),
        "{problems:?}"
    );
    assert!(problems.iter().any(|p| p.contains("流水 #") && p.contains("45")), "{problems:?}");
}
