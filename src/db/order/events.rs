//! An order's event log (`order_events`).

use crate::db::Result;
use rusqlite::{params, Connection};

#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: i64,
    pub order_id: i64,
    pub kind: String,
    pub remark: String,
    pub date_add: i64,
}

pub fn add_event(c: &Connection, order_id: i64, kind: &str, remark: &str, now: i64) -> Result<()> {
    c.prepare_cached("INSERT INTO order_events (order_id, type, remark, date_add) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![order_id, kind, remark, now])?;
    Ok(())
}

/// An order's events, oldest first.
pub fn events(c: &Connection, order_id: i64) -> Result<Vec<EventRow>> {
    let mut st = c.prepare_cached(
        "SELECT id, order_id, type, remark, date_add FROM order_events WHERE order_id = ?1 ORDER BY id",
    )?;
    let rows = st.query_map([order_id], |r| {
        Ok(EventRow {
            id: r.get(0)?,
            order_id: r.get(1)?,
            kind: r.get(2)?,
            remark: r.get(3)?,
            date_add: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
