//! Status changes, each guarded by the status it leaves; and the job sweeps' overdue ids.

use crate::db::Result;
use rusqlite::{params, Connection};

/// 0 → 1: paid, `paid_balance` fen of it from the balance. False when the order was not unpaid.
pub fn mark_paid(c: &Connection, id: i64, paid_balance: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE orders SET status = 1, amount_paid_balance = ?2, date_pay = ?3, close_at = NULL,
                 date_update = ?3
             WHERE id = ?1 AND status = 0",
        )?
        .execute(params![id, paid_balance, now])?;
    Ok(n == 1)
}

/// 1 → 2: shipped. False when the order was not awaiting shipment.
pub fn mark_shipped(c: &Connection, id: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE orders SET status = 2, date_ship = ?2, date_update = ?2 WHERE id = ?1 AND status = 1",
        )?
        .execute(params![id, now])?;
    Ok(n == 1)
}

/// → 3 from one of `from` (2 for a confirmed receipt; 1 or 2 for a pick-up write-off).
pub fn mark_received(c: &Connection, id: i64, from: &[i64], now: i64) -> Result<bool> {
    let allowed = from.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let n = c.execute(
        &format!(
            "UPDATE orders SET status = 3, date_receive = ?2, date_update = ?2
             WHERE id = ?1 AND status IN ({allowed})"
        ),
        params![id, now],
    )?;
    Ok(n == 1)
}

/// 3 → 4: reviewed. False when the order was not awaiting review.
pub fn mark_reviewed(c: &Connection, id: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE orders SET status = 4, date_review = ?2, date_update = ?2 WHERE id = ?1 AND status = 3",
        )?
        .execute(params![id, now])?;
    Ok(n == 1)
}

/// 0 → -1: closed unpaid. False when the order was not unpaid (paid or closed meanwhile).
pub fn mark_closed(c: &Connection, id: i64, reason: &str, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE orders SET status = -1, close_reason = ?2, date_close = ?3, close_at = NULL,
                 date_update = ?3
             WHERE id = ?1 AND status = 0",
        )?
        .execute(params![id, reason, now])?;
    Ok(n == 1)
}

/// `from` → -1: a paid order whose money all went back. False when it was no longer in `from`.
pub fn mark_refunded_closed(c: &Connection, id: i64, from: i64, reason: &str, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE orders SET status = -1, close_reason = ?3, date_close = ?4, close_at = NULL,
                 date_update = ?4
             WHERE id = ?1 AND status = ?2 AND status > 0",
        )?
        .execute(params![id, from, reason, now])?;
    Ok(n == 1)
}

/// Hides a closed or completed order from its shopper; false when it is neither or not theirs.
pub fn user_delete(c: &Connection, user_id: i64, id: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE orders SET user_deleted = 1, date_update = ?3
             WHERE id = ?1 AND user_id = ?2 AND user_deleted = 0 AND status IN (-1, 4)",
        )?
        .execute(params![id, user_id, now])?;
    Ok(n == 1)
}

/// Marks an order as having had an after-sale request.
pub fn set_has_refund(c: &Connection, id: i64, now: i64) -> Result<()> {
    c.prepare_cached("UPDATE orders SET has_refund = 1, date_update = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(())
}

fn ids(c: &Connection, sql: &str, cutoff: i64, limit: i64) -> Result<Vec<i64>> {
    let mut st = c.prepare_cached(sql)?;
    let rows = st.query_map(params![cutoff, limit], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Unpaid orders whose `close_at` is at or before `now`.
pub fn unpaid_due(c: &Connection, now: i64, limit: i64) -> Result<Vec<i64>> {
    ids(c, "SELECT id FROM orders WHERE status = 0 AND close_at <= ?1 ORDER BY close_at LIMIT ?2", now, limit)
}

/// Shipped orders shipped at or before `cutoff`.
pub fn shipped_before(c: &Connection, cutoff: i64, limit: i64) -> Result<Vec<i64>> {
    ids(
        c,
        "SELECT id FROM orders WHERE status = 2 AND date_ship <= ?1 ORDER BY date_ship LIMIT ?2",
        cutoff,
        limit,
    )
}

/// Received orders received at or before `cutoff`.
pub fn received_before(c: &Connection, cutoff: i64, limit: i64) -> Result<Vec<i64>> {
    ids(
        c,
        "SELECT id FROM orders WHERE status = 3 AND date_receive <= ?1 ORDER BY date_receive LIMIT ?2",
        cutoff,
        limit,
    )
}
