//! WeChat Pay payments (`payments`, `payment_orders`) and the recharge bonus rules
//! (`recharge_rules`). Status moves are conditional UPDATEs on the status they leave, so a notify
//! and a reconciliation racing each other apply a payment once.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// Payment statuses (`payments.status`).
pub mod status {
    pub const PENDING: i64 = 0;
    pub const PAID: i64 = 1;
    pub const CLOSED: i64 = 2;
    /// Paid, but the purpose failed: the money stayed in the shopper's balance.
    pub const APPLY_FAILED: i64 = 3;

    pub fn label(s: i64) -> &'static str {
        match s {
            PENDING => "待支付",
            PAID => "已支付",
            CLOSED => "已关闭",
            APPLY_FAILED => "已支付（已转入余额）",
            _ => "未知",
        }
    }
}

/// A payment about to be asked of WeChat.
pub struct NewPayment<'a> {
    pub out_trade_no: &'a str,
    pub user_id: i64,
    pub openid: &'a str,
    pub money: i64,
    pub remark: &'a str,
    pub next_action: &'a str,
    pub action_type: i64,
    pub sign_type: &'a str,
}

#[derive(Debug, Clone)]
pub struct Payment {
    pub id: i64,
    pub out_trade_no: String,
    pub user_id: i64,
    pub openid: String,
    pub money: i64,
    pub remark: String,
    pub next_action: String,
    pub action_type: i64,
    pub status: i64,
    pub prepay_id: String,
    pub sign_type: String,
    pub transaction_id: Option<String>,
    pub paid_fen: Option<i64>,
    pub bonus_fen: i64,
    pub apply_error: String,
    pub query_count: i64,
    pub date_add: i64,
    pub date_update: i64,
    pub date_paid: Option<i64>,
    pub date_close: Option<i64>,
}

const COLUMNS: &str = "id, out_trade_no, user_id, openid, money, remark, next_action, action_type, status,
    prepay_id, sign_type, transaction_id, paid_fen, bonus_fen, apply_error, query_count, date_add,
    date_update, date_paid, date_close";

fn row(r: &Row) -> rusqlite::Result<Payment> {
    Ok(Payment {
        id: r.get(0)?,
        out_trade_no: r.get(1)?,
        user_id: r.get(2)?,
        openid: r.get(3)?,
        money: r.get(4)?,
        remark: r.get(5)?,
        next_action: r.get(6)?,
        action_type: r.get(7)?,
        status: r.get(8)?,
        prepay_id: r.get(9)?,
        sign_type: r.get(10)?,
        transaction_id: r.get(11)?,
        paid_fen: r.get(12)?,
        bonus_fen: r.get(13)?,
        apply_error: r.get(14)?,
        query_count: r.get(15)?,
        date_add: r.get(16)?,
        date_update: r.get(17)?,
        date_paid: r.get(18)?,
        date_close: r.get(19)?,
    })
}

/// Inserts a pending payment and the orders it pays; its id.
pub fn insert(c: &Connection, p: &NewPayment, order_ids: &[i64], now: i64) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO payments (out_trade_no, user_id, openid, money, remark, next_action, action_type,
             sign_type, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![
        p.out_trade_no,
        p.user_id,
        p.openid,
        p.money,
        p.remark,
        p.next_action,
        p.action_type,
        p.sign_type,
        now
    ])?;
    let id = c.last_insert_rowid();
    for o in order_ids {
        c.prepare_cached("INSERT OR IGNORE INTO payment_orders (payment_id, order_id) VALUES (?1, ?2)")?
            .execute(params![id, o])?;
    }
    Ok(id)
}

pub fn by_id(c: &Connection, id: i64) -> Result<Option<Payment>> {
    Ok(c.prepare_cached(&format!("SELECT {COLUMNS} FROM payments WHERE id = ?1"))?
        .query_row([id], row)
        .optional()?)
}

pub fn by_out_trade_no(c: &Connection, no: &str) -> Result<Option<Payment>> {
    Ok(c.prepare_cached(&format!("SELECT {COLUMNS} FROM payments WHERE out_trade_no = ?1"))?
        .query_row([no], row)
        .optional()?)
}

/// The WeChat payment that paid an order (the latest, should there be more), if one did.
pub fn paid_for_order(c: &Connection, order_id: i64) -> Result<Option<Payment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payments WHERE status IN (?2, ?3)
           AND id IN (SELECT payment_id FROM payment_orders WHERE order_id = ?1)
         ORDER BY id DESC LIMIT 1"
    );
    Ok(c.prepare_cached(&sql)?
        .query_row(params![order_id, status::PAID, status::APPLY_FAILED], row)
        .optional()?)
}

/// The orders a payment pays (nextAction type 0), in id order.
pub fn orders_of(c: &Connection, payment_id: i64) -> Result<Vec<i64>> {
    let mut st =
        c.prepare_cached("SELECT order_id FROM payment_orders WHERE payment_id = ?1 ORDER BY order_id")?;
    let ids = st.query_map([payment_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Records WeChat's prepay_id for a pending payment.
pub fn set_prepay(c: &Connection, id: i64, prepay_id: &str, now: i64) -> Result<()> {
    c.execute(
        "UPDATE payments SET prepay_id = ?2, date_update = ?3 WHERE id = ?1",
        params![id, prepay_id, now],
    )?;
    Ok(())
}

/// Pending (or closed by us, but paid at WeChat all the same) → paid, once: false when another
/// delivery got there first.
pub fn mark_paid(c: &Connection, id: i64, transaction_id: &str, paid_fen: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE payments SET status = 1, transaction_id = ?2, paid_fen = ?3, date_paid = ?4,
                 date_update = ?4
             WHERE id = ?1 AND status IN (0, 2) AND transaction_id IS NULL",
        )?
        .execute(params![id, transaction_id, paid_fen, now])?;
    Ok(n == 1)
}

/// Paid → paid but not applied, with the reason (the money stays in the balance).
pub fn mark_apply_failed(c: &Connection, id: i64, error: &str, now: i64) -> Result<()> {
    c.execute(
        "UPDATE payments SET status = 3, apply_error = ?2, date_update = ?3 WHERE id = ?1 AND status = 1",
        params![id, error, now],
    )?;
    Ok(())
}

pub fn set_bonus(c: &Connection, id: i64, bonus_fen: i64) -> Result<()> {
    c.execute("UPDATE payments SET bonus_fen = ?2 WHERE id = ?1", params![id, bonus_fen])?;
    Ok(())
}

/// Pending → closed; false when it was no longer pending, or when money of it is being (or was)
/// refunded: a payment with refunds was paid, whatever its row says, and closing it would hide
/// the money those refunds return.
pub fn mark_closed(c: &Connection, id: i64, why: &str, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE payments SET status = 2, apply_error = ?2, date_close = ?3, date_update = ?3
         WHERE id = ?1 AND status = 0
           AND NOT EXISTS (SELECT 1 FROM payment_refunds r WHERE r.payment_id = payments.id)",
        params![id, why, now],
    )?;
    Ok(n == 1)
}

pub fn count_query(c: &Connection, id: i64, now: i64) -> Result<()> {
    c.execute(
        "UPDATE payments SET query_count = query_count + 1, date_update = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// Pending payments the reconciliation should look at: made before `cutoff`, or paying orders
/// that are all closed now (whatever their age). A payment with refunds is never one of them.
pub fn to_reconcile(c: &Connection, cutoff: i64, limit: i64) -> Result<Vec<i64>> {
    let mut st = c.prepare_cached(
        "SELECT p.id FROM payments p
         WHERE p.status = 0 AND NOT EXISTS (SELECT 1 FROM payment_refunds r WHERE r.payment_id = p.id)
           AND (p.date_add < ?1 OR (
             EXISTS (SELECT 1 FROM payment_orders po WHERE po.payment_id = p.id)
             AND NOT EXISTS (SELECT 1 FROM payment_orders po JOIN orders o ON o.id = po.order_id
                             WHERE po.payment_id = p.id AND o.status <> -1)))
         ORDER BY p.id LIMIT ?2",
    )?;
    let ids = st.query_map(params![cutoff, limit], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// True when the payment pays orders and every one of them is closed.
pub fn orders_all_closed(c: &Connection, payment_id: i64) -> Result<bool> {
    Ok(c.query_row(
        "SELECT EXISTS (SELECT 1 FROM payment_orders WHERE payment_id = ?1)
            AND NOT EXISTS (SELECT 1 FROM payment_orders po JOIN orders o ON o.id = po.order_id
                            WHERE po.payment_id = ?1 AND o.status <> -1)",
        [payment_id],
        |r| r.get(0),
    )?)
}

/// Filters of the console's and merchant API's payment lists.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub status: Option<i64>,
    pub user_id: Option<i64>,
    pub out_trade_no: Option<String>,
    /// Only payments paying this order (payLogs `orderNo`).
    pub order_id: Option<i64>,
}

/// A page of payments, newest first, and the total that match.
pub fn list(c: &Connection, f: &Filter, offset: i64, limit: i64) -> Result<(Vec<Payment>, i64)> {
    let mut cond = vec!["1 = 1".to_string()];
    let mut values: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(s) = f.status {
        values.push(s.into());
        cond.push(format!("status = ?{}", values.len()));
    }
    if let Some(u) = f.user_id {
        values.push(u.into());
        cond.push(format!("user_id = ?{}", values.len()));
    }
    if let Some(n) = &f.out_trade_no {
        values.push(n.clone().into());
        cond.push(format!("out_trade_no = ?{}", values.len()));
    }
    if let Some(o) = f.order_id {
        values.push(o.into());
        cond.push(format!(
            "id IN (SELECT payment_id FROM payment_orders WHERE order_id = ?{})",
            values.len()
        ));
    }
    let cond = cond.join(" AND ");
    let total: i64 = c.query_row(
        &format!("SELECT COUNT(*) FROM payments WHERE {cond}"),
        rusqlite::params_from_iter(values.iter()),
        |r| r.get(0),
    )?;
    values.push(limit.into());
    values.push(offset.into());
    let n = values.len();
    let mut st = c.prepare(&format!(
        "SELECT {COLUMNS} FROM payments WHERE {cond} ORDER BY id DESC LIMIT ?{} OFFSET ?{n}",
        n - 1
    ))?;
    let rows = st
        .query_map(rusqlite::params_from_iter(values.iter()), row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}

/// Paid payments (status 1 or 3) whose Source::Payment balance credit is not exactly `paid_fen`
/// plus the bonus: (payment id, paid_fen + bonus, what the ledger holds).
pub fn uncredited(c: &Connection) -> Result<Vec<(i64, i64, i64)>> {
    let mut st = c.prepare(
        "SELECT p.id, COALESCE(p.paid_fen, 0) + p.bonus_fen,
                COALESCE((SELECT SUM(l.amount) FROM ledger l WHERE l.source_type = 'payment'
                          AND l.source_id = CAST(p.id AS TEXT) AND l.account = 'balance'
                          AND l.amount > 0), 0) AS credited
         FROM payments p WHERE p.status IN (1, 3)
           AND COALESCE(p.paid_fen, 0) + p.bonus_fen <> credited",
    )?;
    let rows =
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Paid orders (a `date_pay`, whatever their status now) whose balance debit is not their
/// `amount_paid_balance`: (order id, order number, expected debit, what the ledger holds).
pub fn unpaid_paid_orders(c: &Connection) -> Result<Vec<(i64, String, i64, i64)>> {
    let mut st = c.prepare(
        "SELECT o.id, o.order_number, o.amount_paid_balance,
                COALESCE((SELECT -SUM(l.amount) FROM ledger l WHERE l.source_type = 'order'
                          AND l.source_id = CAST(o.id AS TEXT) AND l.account = 'balance'
                          AND l.amount < 0), 0) AS debited
         FROM orders o WHERE o.date_pay IS NOT NULL AND o.amount_paid_balance <> debited",
    )?;
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

// ---- recharge bonus rules ----

#[derive(Debug, Clone)]
pub struct RechargeRule {
    pub id: i64,
    pub confine: i64,
    pub send: i64,
}

pub fn recharge_rules(c: &Connection) -> Result<Vec<RechargeRule>> {
    let mut st = c.prepare_cached("SELECT id, confine, send FROM recharge_rules ORDER BY confine")?;
    let rows = st
        .query_map([], |r| Ok(RechargeRule { id: r.get(0)?, confine: r.get(1)?, send: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The biggest bonus a recharge of `fen` earns (0 when no rule matches).
pub fn best_bonus(c: &Connection, fen: i64) -> Result<i64> {
    Ok(c.prepare_cached("SELECT COALESCE(MAX(send), 0) FROM recharge_rules WHERE confine <= ?1")?
        .query_row([fen], |r| r.get(0))?)
}

/// Adds a rule, or changes the bonus of the rule with the same threshold.
pub fn put_recharge_rule(c: &Connection, confine: i64, send: i64, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO recharge_rules (confine, send, date_add) VALUES (?1, ?2, ?3)
         ON CONFLICT (confine) DO UPDATE SET send = excluded.send",
        params![confine, send, now],
    )?;
    Ok(())
}

pub fn delete_recharge_rule(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM recharge_rules WHERE id = ?1", [id])? == 1)
}

/// The order id for an order number (payLogs `orderNo`).
pub fn order_id_by_number(c: &Connection, user_id: i64, number: &str) -> Result<Option<i64>> {
    Ok(c.query_row(
        "SELECT id FROM orders WHERE order_number = ?1 AND user_id = ?2",
        params![number, user_id],
        |r| r.get(0),
    )
    .optional()?)
}
