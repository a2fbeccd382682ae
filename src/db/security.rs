//! Content security: the texts WeChat's check held for the merchant or refused (content_checks).

use super::Result;
use rusqlite::{params, Connection};

/// A held or refused text as recorded.
#[derive(Debug, Clone)]
pub struct NewCheck<'a> {
    /// None for an anonymous upload.
    pub user_id: Option<i64>,
    /// comment, article, reputation, image.
    pub target: &'a str,
    /// The stored item; None when refused.
    pub target_id: Option<i64>,
    /// review or risky.
    pub suggest: &'a str,
    pub label: i64,
    pub reason: &'a str,
    pub excerpt: &'a str,
}

pub fn insert(c: &Connection, k: &NewCheck, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO content_checks (user_id, target, target_id, suggest, label, reason, excerpt, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![k.user_id, k.target, k.target_id, k.suggest, k.label, k.reason, k.excerpt, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// A recorded check with the shopper's nick.
#[derive(Debug, Clone)]
pub struct CheckRow {
    pub id: i64,
    pub user_id: Option<i64>,
    pub nick: String,
    pub target: String,
    pub target_id: Option<i64>,
    pub suggest: String,
    pub label: i64,
    pub reason: String,
    pub excerpt: String,
    pub date_add: i64,
}

/// The newest `limit` recorded checks.
pub fn latest(c: &Connection, limit: i64) -> Result<Vec<CheckRow>> {
    let mut st = c.prepare_cached(
        "SELECT k.id, k.user_id, coalesce(u.nick, ''), k.target, k.target_id, k.suggest, k.label, k.reason,
                k.excerpt, k.date_add
         FROM content_checks k LEFT JOIN users u ON u.id = k.user_id ORDER BY k.id DESC LIMIT ?1",
    )?;
    let rows = st
        .query_map([limit], |r| {
            Ok(CheckRow {
                id: r.get(0)?,
                user_id: r.get(1)?,
                nick: r.get(2)?,
                target: r.get(3)?,
                target_id: r.get(4)?,
                suggest: r.get(5)?,
                label: r.get(6)?,
                reason: r.get(7)?,
                excerpt: r.get(8)?,
                date_add: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
