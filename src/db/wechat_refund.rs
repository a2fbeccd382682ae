//! WeChat Pay refunds (`payment_refunds`) and the read side of the paid payments they come from.
//! Status changes are conditional UPDATEs on the status they leave, so a repeated notify, query
//! or retry changes a refund once.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// A paid WeChat payment, as refunds need it.
#[derive(Debug, Clone)]
pub struct PaidPayment {
    pub id: i64,
    pub user_id: i64,
    pub out_trade_no: String,
    pub transaction_id: String,
    /// What WeChat confirmed (total_fee of the refund call).
    pub paid_fen: i64,
    /// -1 recharge, 0 orders, ...
    pub action_type: i64,
    pub date_paid: i64,
}

fn paid_payment(r: &Row) -> rusqlite::Result<PaidPayment> {
    Ok(PaidPayment {
        id: r.get(0)?,
        user_id: r.get(1)?,
        out_trade_no: r.get(2)?,
        transaction_id: r.get(3)?,
        paid_fen: r.get(4)?,
        action_type: r.get(5)?,
        date_paid: r.get(6)?,
    })
}

const PAID_COLUMNS: &str = "p.id, p.user_id, p.out_trade_no, coalesce(p.transaction_id, ''), \
     coalesce(p.paid_fen, 0), p.action_type, coalesce(p.date_paid, 0)";

/// A payment that WeChat confirmed (status 1 applied, or 3 paid into the balance).
pub fn paid_payment_by_id(c: &Connection, id: i64) -> Result<Option<PaidPayment>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {PAID_COLUMNS} FROM payments p WHERE p.id = ?1 AND p.status IN (1, 3) AND p.paid_fen > 0"
    ))?
    .query_row([id], paid_payment)
    .optional()?)
}

/// A paid payment by our out_trade_no.
pub fn paid_payment_by_out_trade_no(c: &Connection, out_trade_no: &str) -> Result<Option<PaidPayment>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {PAID_COLUMNS} FROM payments p
         WHERE p.out_trade_no = ?1 AND p.status IN (1, 3) AND p.paid_fen > 0"
    ))?
    .query_row([out_trade_no], paid_payment)
    .optional()?)
}

/// The newest paid WeChat payment that paid `order_id`, if any.
pub fn paid_payment_of_order(c: &Connection, order_id: i64) -> Result<Option<PaidPayment>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {PAID_COLUMNS} FROM payment_orders po JOIN payments p ON p.id = po.payment_id
         WHERE po.order_id = ?1 AND p.status = 1 AND p.paid_fen > 0 ORDER BY p.id DESC LIMIT 1"
    ))?
    .query_row([order_id], paid_payment)
    .optional()?)
}

/// Fen of `payment_id` already refunded or on its way back (every refund but closed ones).
pub fn refunded_of_payment(c: &Connection, payment_id: i64) -> Result<i64> {
    Ok(c.prepare_cached(
        "SELECT coalesce(sum(refund_fee), 0) FROM payment_refunds WHERE payment_id = ?1 AND status <> 'closed'",
    )?
    .query_row([payment_id], |r| r.get(0))?)
}

/// True when any refund (whatever its state) returns money of `payment_id`.
pub fn payment_has_refunds(c: &Connection, payment_id: i64) -> Result<bool> {
    Ok(c.prepare_cached("SELECT EXISTS (SELECT 1 FROM payment_refunds WHERE payment_id = ?1)")?
        .query_row([payment_id], |r| r.get(0))?)
}

/// The status names, as stored.
pub mod state {
    pub const PENDING: &str = "pending";
    pub const PROCESSING: &str = "processing";
    pub const SUCCESS: &str = "success";
    pub const FAILED: &str = "failed";
    pub const CLOSED: &str = "closed";
    pub const ALL: [&str; 5] = [PENDING, PROCESSING, SUCCESS, FAILED, CLOSED];

    /// The console's word for a status.
    pub fn label(s: &str) -> &'static str {
        match s {
            PENDING => "待提交",
            PROCESSING => "退款中",
            SUCCESS => "已退款",
            FAILED => "失败",
            CLOSED => "已关闭（已退至余额）",
            _ => "未知",
        }
    }
}

/// A refund to WeChat, with the payment it returns money of.
#[derive(Debug, Clone)]
pub struct RefundRow {
    pub id: i64,
    pub payment_id: i64,
    pub user_id: i64,
    pub out_refund_no: String,
    pub refund_fee: i64,
    pub reason: String,
    pub order_refund_id: Option<i64>,
    pub status: String,
    pub refund_id: String,
    pub err_code: String,
    pub err_code_des: String,
    pub settlement_refund_fee: Option<i64>,
    pub recv_account: String,
    pub success_time: String,
    pub attempts: i64,
    pub queries: i64,
    pub date_add: i64,
    pub date_update: i64,
    pub date_done: Option<i64>,
    /// Of the payment: what the refund call names and the total it sends.
    pub out_trade_no: String,
    pub transaction_id: String,
    pub total_fee: i64,
    /// The order of the after-sale request (None for a direct payment refund).
    pub order_id: Option<i64>,
}

const COLUMNS: &str = "r.id, r.payment_id, r.user_id, r.out_refund_no, r.refund_fee, r.reason, \
     r.order_refund_id, r.status, r.refund_id, r.err_code, r.err_code_des, r.settlement_refund_fee, \
     r.recv_account, r.success_time, r.attempts, r.queries, r.date_add, r.date_update, r.date_done, \
     p.out_trade_no, coalesce(p.transaction_id, ''), coalesce(p.paid_fen, 0), o.order_id \
     FROM payment_refunds r JOIN payments p ON p.id = r.payment_id \
     LEFT JOIN order_refunds o ON o.id = r.order_refund_id";

fn refund_row(r: &Row) -> rusqlite::Result<RefundRow> {
    Ok(RefundRow {
        id: r.get(0)?,
        payment_id: r.get(1)?,
        user_id: r.get(2)?,
        out_refund_no: r.get(3)?,
        refund_fee: r.get(4)?,
        reason: r.get(5)?,
        order_refund_id: r.get(6)?,
        status: r.get(7)?,
        refund_id: r.get(8)?,
        err_code: r.get(9)?,
        err_code_des: r.get(10)?,
        settlement_refund_fee: r.get(11)?,
        recv_account: r.get(12)?,
        success_time: r.get(13)?,
        attempts: r.get(14)?,
        queries: r.get(15)?,
        date_add: r.get(16)?,
        date_update: r.get(17)?,
        date_done: r.get(18)?,
        out_trade_no: r.get(19)?,
        transaction_id: r.get(20)?,
        total_fee: r.get(21)?,
        order_id: r.get(22)?,
    })
}

/// What a new refund row holds.
#[derive(Debug, Clone)]
pub struct NewRefund<'a> {
    pub payment_id: i64,
    pub user_id: i64,
    pub refund_fee: i64,
    pub reason: &'a str,
    pub order_refund_id: Option<i64>,
}

/// Inserts a pending refund and gives it its out_refund_no ("R" + payment + row id: unique and
/// stable, so every retry names the same refund); its id.
pub fn insert(c: &Connection, n: &NewRefund, now: i64) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO payment_refunds (payment_id, user_id, out_refund_no, refund_fee, reason, order_refund_id,
                                      date_add, date_update)
         VALUES (?1, ?2, 'new-' || hex(randomblob(16)), ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(params![n.payment_id, n.user_id, n.refund_fee, n.reason, n.order_refund_id, now])?;
    let id = c.last_insert_rowid();
    c.prepare_cached("UPDATE payment_refunds SET out_refund_no = printf('XDR%d%06d', ?2, ?1) WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(id)
}

pub fn get(c: &Connection, id: i64) -> Result<Option<RefundRow>> {
    Ok(c.prepare_cached(&format!("SELECT {COLUMNS} WHERE r.id = ?1"))?
        .query_row([id], refund_row)
        .optional()?)
}

pub fn by_out_refund_no(c: &Connection, out_refund_no: &str) -> Result<Option<RefundRow>> {
    Ok(c.prepare_cached(&format!("SELECT {COLUMNS} WHERE r.out_refund_no = ?1"))?
        .query_row([out_refund_no], refund_row)
        .optional()?)
}

/// The WeChat refunds of one after-sale request.
pub fn of_order_refund(c: &Connection, order_refund_id: i64) -> Result<Vec<RefundRow>> {
    Ok(c.prepare_cached(&format!("SELECT {COLUMNS} WHERE r.order_refund_id = ?1 ORDER BY r.id"))?
        .query_map([order_refund_id], refund_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// The WeChat refunds of one payment.
pub fn of_payment(c: &Connection, payment_id: i64) -> Result<Vec<RefundRow>> {
    Ok(c.prepare_cached(&format!("SELECT {COLUMNS} WHERE r.payment_id = ?1 ORDER BY r.id"))?
        .query_map([payment_id], refund_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// A page of refunds, newest first, optionally of one status; with the count of all matching.
pub fn list(c: &Connection, status: Option<&str>, offset: i64, limit: i64) -> Result<(Vec<RefundRow>, i64)> {
    let total = c
        .prepare_cached("SELECT count(*) FROM payment_refunds WHERE ?1 IS NULL OR status = ?1")?
        .query_row([status], |r| r.get(0))?;
    let rows = c
        .prepare_cached(&format!(
            "SELECT {COLUMNS} WHERE ?1 IS NULL OR r.status = ?1 ORDER BY r.id DESC LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(params![status, limit, offset], refund_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}

/// Refunds the job looks at: pending or processing ones not touched for `idle` seconds, and
/// failed ones whose error may pass (`transient` codes) with fewer than `max_attempts` calls.
pub fn open_for_job(
    c: &Connection,
    before: i64,
    transient: &[&str],
    max_attempts: i64,
    limit: i64,
) -> Result<Vec<RefundRow>> {
    let codes = transient.join(",");
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS} WHERE r.date_update <= ?1 AND (r.status IN ('pending', 'processing')
            OR (r.status = 'failed' AND r.attempts < ?3 AND instr(',' || ?2 || ',', ',' || r.err_code || ',') > 0))
         ORDER BY r.date_update LIMIT ?4"
    ))?
    .query_map(params![before, codes, max_attempts, limit], refund_row)?
    .collect::<rusqlite::Result<_>>()?)
}

/// Counts one refund call; false when the refund was not pending or failed (someone else sent it
/// or it is settled), so two senders cannot both go.
pub fn start_attempt(c: &Connection, id: i64, now: i64) -> Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE payment_refunds SET attempts = attempts + 1, date_update = ?2
         WHERE id = ?1 AND status IN ('pending', 'failed')",
    )?
    .execute(params![id, now])?
        == 1)
}

/// WeChat accepted the refund: pending/failed → processing.
pub fn mark_processing(c: &Connection, id: i64, refund_id: &str, now: i64) -> Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE payment_refunds SET status = 'processing', refund_id = ?2, err_code = '', err_code_des = '',
                date_update = ?3
         WHERE id = ?1 AND status IN ('pending', 'failed')",
    )?
    .execute(params![id, refund_id, now])?
        == 1)
}

/// WeChat refused or could not be reached: pending → failed (a processing refund stays as it is).
pub fn mark_failed(c: &Connection, id: i64, err_code: &str, err_code_des: &str, now: i64) -> Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE payment_refunds SET status = 'failed', err_code = ?2, err_code_des = ?3, date_update = ?4
         WHERE id = ?1 AND status IN ('pending', 'failed')",
    )?
    .execute(params![id, err_code, err_code_des, now])?
        == 1)
}

/// How WeChat finished a refund (notify or query).
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub refund_id: String,
    pub settlement_refund_fee: Option<i64>,
    pub recv_account: String,
    pub success_time: String,
    pub err_code_des: String,
}

/// Settles a refund as `to` ('success' or 'closed'); false when it was already settled, so the
/// money moves once however often WeChat tells us.
pub fn settle(c: &Connection, id: i64, to: &str, o: &Outcome, now: i64) -> Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE payment_refunds SET status = ?2,
                refund_id = CASE WHEN ?3 = '' THEN refund_id ELSE ?3 END,
                settlement_refund_fee = ?4, recv_account = ?5, success_time = ?6,
                err_code_des = ?7, date_update = ?8, date_done = ?8
         WHERE id = ?1 AND status IN ('pending', 'processing', 'failed')",
    )?
    .execute(params![
        id,
        to,
        o.refund_id,
        o.settlement_refund_fee,
        o.recv_account,
        o.success_time,
        o.err_code_des,
        now
    ])? == 1)
}

/// Counts a refundquery call.
pub fn count_query(c: &Connection, id: i64, now: i64) -> Result<()> {
    c.prepare_cached("UPDATE payment_refunds SET queries = queries + 1, date_update = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(())
}
