//! Withdrawals (提现): rows of `withdrawals`. The money itself moves in service::withdraw through
//! the ledger; these functions only record and find the requests.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// Withdrawal states (`withdrawals.status`).
pub mod status {
    pub const WAITING: i64 = 0;
    pub const APPROVED: i64 = 1;
    pub const REJECTED: i64 = 2;

    pub fn label(status: i64) -> &'static str {
        match status {
            WAITING => "待审核",
            APPROVED => "已打款",
            REJECTED => "已拒绝",
            _ => "未知",
        }
    }
}

#[derive(Debug, Clone)]
pub struct WithdrawalRow {
    pub id: i64,
    pub number: String,
    pub user_id: i64,
    pub money: i64,
    pub status: i64,
    pub remark: String,
    pub ext_json: String,
    pub rejection_reason: String,
    pub pay_reference: String,
    pub decided_by: String,
    pub date_decide: Option<i64>,
    pub date_add: i64,
    pub date_update: i64,
    /// The shopper's nickname (lists in the console).
    pub nick: String,
}

const COLUMNS: &str = "w.id, w.number, w.user_id, w.money, w.status, w.remark, w.ext_json,
    w.rejection_reason, w.pay_reference, w.decided_by, w.date_decide, w.date_add, w.date_update,
    coalesce(u.nick, '')";

fn row(r: &rusqlite::Row) -> rusqlite::Result<WithdrawalRow> {
    Ok(WithdrawalRow {
        id: r.get(0)?,
        number: r.get(1)?,
        user_id: r.get(2)?,
        money: r.get(3)?,
        status: r.get(4)?,
        remark: r.get(5)?,
        ext_json: r.get(6)?,
        rejection_reason: r.get(7)?,
        pay_reference: r.get(8)?,
        decided_by: r.get(9)?,
        date_decide: r.get(10)?,
        date_add: r.get(11)?,
        date_update: r.get(12)?,
        nick: r.get(13)?,
    })
}

/// Inserts a waiting withdrawal; its id. The number is "TX" + the shop's date + the id, so it is
/// unique because the id is (the caller's transaction is the one writer).
pub fn insert(
    c: &Connection,
    user_id: i64,
    money: i64,
    remark: &str,
    ext_json: &str,
    date: &str,
    now: i64,
) -> Result<i64> {
    let id: i64 = c.query_row("SELECT coalesce(max(id), 0) + 1 FROM withdrawals", [], |r| r.get(0))?;
    c.execute(
        "INSERT INTO withdrawals (id, number, user_id, money, remark, ext_json, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![id, format!("TX{date}{id:06}"), user_id, money, remark, ext_json, now],
    )?;
    Ok(id)
}

pub fn get(c: &Connection, id: i64) -> Result<Option<WithdrawalRow>> {
    Ok(c.query_row(
        &format!("SELECT {COLUMNS} FROM withdrawals w LEFT JOIN users u ON u.id = w.user_id WHERE w.id = ?1"),
        [id],
        row,
    )
    .optional()?)
}

/// How many withdrawals the shopper asked for since `since` (the daily limit).
pub fn count_since(c: &Connection, user_id: i64, since: i64) -> Result<i64> {
    Ok(c.query_row(
        "SELECT count(*) FROM withdrawals WHERE user_id = ?1 AND date_add >= ?2",
        params![user_id, since],
        |r| r.get(0),
    )?)
}

/// One page of withdrawals, newest first: of one shopper and/or in one state; and the total.
pub fn list(
    c: &Connection,
    user_id: Option<i64>,
    status: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<WithdrawalRow>, i64)> {
    let filter = "(?1 IS NULL OR w.user_id = ?1) AND (?2 IS NULL OR w.status = ?2)";
    let total = c.query_row(
        &format!("SELECT count(*) FROM withdrawals w WHERE {filter}"),
        params![user_id, status],
        |r| r.get(0),
    )?;
    let mut st = c.prepare(&format!(
        "SELECT {COLUMNS} FROM withdrawals w LEFT JOIN users u ON u.id = w.user_id
         WHERE {filter} ORDER BY w.id DESC LIMIT ?3 OFFSET ?4"
    ))?;
    let rows =
        st.query_map(params![user_id, status, limit, offset], row)?.collect::<rusqlite::Result<_>>()?;
    Ok((rows, total))
}

/// Records the merchant's decision on a waiting withdrawal; false when it was no longer waiting.
pub fn decide(
    c: &Connection,
    id: i64,
    to: i64,
    reason: &str,
    reference: &str,
    by: &str,
    now: i64,
) -> Result<bool> {
    let n = c.execute(
        "UPDATE withdrawals SET status = ?2, rejection_reason = ?3, pay_reference = ?4, decided_by = ?5,
                date_decide = ?6, date_update = ?6
         WHERE id = ?1 AND status = 0",
        params![id, to, reason, reference, by, now],
    )?;
    Ok(n == 1)
}
