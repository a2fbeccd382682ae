//! Deposits (押金): rows of `deposits`. The money moves in service::deposit through the ledger.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// Deposit states (`deposits.status`).
pub mod status {
    /// Asked for by the merchant, not paid yet.
    pub const UNPAID: i64 = -1;
    pub const HELD: i64 = 0;
    pub const RETURN_ASKED: i64 = 1;
    pub const RETURNED: i64 = 2;

    pub fn label(status: i64) -> &'static str {
        match status {
            UNPAID => "待支付",
            HELD => "已支付",
            RETURN_ASKED => "申请退回中",
            RETURNED => "已退回",
            _ => "未知",
        }
    }
}

#[derive(Debug, Clone)]
pub struct DepositRow {
    pub id: i64,
    pub number: String,
    pub user_id: i64,
    pub amount: i64,
    pub status: i64,
    pub ref_code: String,
    pub remark: String,
    pub ext_json: String,
    pub refuse_reason: String,
    pub decided_by: String,
    pub date_back_apply: Option<i64>,
    pub date_decide: Option<i64>,
    pub date_add: i64,
    pub date_update: i64,
    pub nick: String,
}

/// What the shopper sends with a deposit.
#[derive(Debug, Clone, Default)]
pub struct NewDeposit {
    pub amount: i64,
    pub ref_code: String,
    pub remark: String,
    pub ext_json: String,
}

const COLUMNS: &str = "d.id, d.number, d.user_id, d.amount, d.status, d.ref_code, d.remark, d.ext_json,
    d.refuse_reason, d.decided_by, d.date_back_apply, d.date_decide, d.date_add, d.date_update,
    coalesce(u.nick, '')";

fn row(r: &rusqlite::Row) -> rusqlite::Result<DepositRow> {
    Ok(DepositRow {
        id: r.get(0)?,
        number: r.get(1)?,
        user_id: r.get(2)?,
        amount: r.get(3)?,
        status: r.get(4)?,
        ref_code: r.get(5)?,
        remark: r.get(6)?,
        ext_json: r.get(7)?,
        refuse_reason: r.get(8)?,
        decided_by: r.get(9)?,
        date_back_apply: r.get(10)?,
        date_decide: r.get(11)?,
        date_add: r.get(12)?,
        date_update: r.get(13)?,
        nick: r.get(14)?,
    })
}

/// Inserts a deposit in `status` (held, or unpaid when the merchant asks for it); its id.
/// Number: "YJ" + the shop's date + the id.
pub fn insert(
    c: &Connection,
    user_id: i64,
    d: &NewDeposit,
    status: i64,
    date: &str,
    now: i64,
) -> Result<i64> {
    let id: i64 = c.query_row("SELECT coalesce(max(id), 0) + 1 FROM deposits", [], |r| r.get(0))?;
    c.execute(
        "INSERT INTO deposits (id, number, user_id, amount, ref_code, remark, ext_json, status, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![id, format!("YJ{date}{id:06}"), user_id, d.amount, d.ref_code, d.remark, d.ext_json, status, now],
    )?;
    Ok(id)
}

/// Unpaid → held; false when the deposit is not the shopper's or not unpaid.
pub fn mark_paid(c: &Connection, user_id: i64, id: i64, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE deposits SET status = 0, date_update = ?3 WHERE id = ?1 AND user_id = ?2 AND status = -1",
        params![id, user_id, now],
    )?;
    Ok(n == 1)
}

/// The shopper's oldest deposit the merchant asked for (unpaid) of exactly `amount` fen.
pub fn oldest_asked(c: &Connection, user_id: i64, amount: i64) -> Result<Option<i64>> {
    Ok(c.query_row(
        "SELECT id FROM deposits WHERE user_id = ?1 AND amount = ?2 AND status = -1 ORDER BY id LIMIT 1",
        params![user_id, amount],
        |r| r.get(0),
    )
    .optional()?)
}

pub fn get(c: &Connection, id: i64) -> Result<Option<DepositRow>> {
    Ok(c.query_row(
        &format!("SELECT {COLUMNS} FROM deposits d LEFT JOIN users u ON u.id = d.user_id WHERE d.id = ?1"),
        [id],
        row,
    )
    .optional()?)
}

/// One page of deposits, newest first, of one shopper and/or in one state; and the total.
pub fn list(
    c: &Connection,
    user_id: Option<i64>,
    status: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<DepositRow>, i64)> {
    let filter = "(?1 IS NULL OR d.user_id = ?1) AND (?2 IS NULL OR d.status = ?2)";
    let total = c.query_row(
        &format!("SELECT count(*) FROM deposits d WHERE {filter}"),
        params![user_id, status],
        |r| r.get(0),
    )?;
    let mut st = c.prepare(&format!(
        "SELECT {COLUMNS} FROM deposits d LEFT JOIN users u ON u.id = d.user_id
         WHERE {filter} ORDER BY d.id DESC LIMIT ?3 OFFSET ?4"
    ))?;
    let rows =
        st.query_map(params![user_id, status, limit, offset], row)?.collect::<rusqlite::Result<_>>()?;
    Ok((rows, total))
}

/// Held → return asked for; false when the deposit is not the shopper's or not held.
pub fn ask_return(c: &Connection, user_id: i64, id: i64, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE deposits SET status = 1, date_back_apply = ?3, refuse_reason = '', date_update = ?3
         WHERE id = ?1 AND user_id = ?2 AND status = 0",
        params![id, user_id, now],
    )?;
    Ok(n == 1)
}

/// The merchant's answer to a return request: `to` 2 (returned) or 0 (refused, with the reason);
/// false when no return was asked for.
pub fn decide(c: &Connection, id: i64, to: i64, reason: &str, by: &str, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE deposits SET status = ?2, refuse_reason = ?3, decided_by = ?4, date_decide = ?5, date_update = ?5
         WHERE id = ?1 AND status = 1",
        params![id, to, reason, by, now],
    )?;
    Ok(n == 1)
}
