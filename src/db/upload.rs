//! Rows describing the files in data/uploads.

use super::Result;
use rusqlite::{params, Connection, Row};

#[derive(Debug, Clone)]
pub struct Upload {
    pub id: i64,
    pub user_id: Option<i64>,
    /// Relative to data/uploads, with '/' separators.
    pub path: String,
    pub name: String,
    pub mime: String,
    pub size: i64,
    pub expires_at: Option<i64>,
    pub date_add: i64,
}

const COLUMNS: &str = "id, user_id, path, name, mime, size, expires_at, date_add";

fn upload(r: &Row) -> rusqlite::Result<Upload> {
    Ok(Upload {
        id: r.get(0)?,
        user_id: r.get(1)?,
        path: r.get(2)?,
        name: r.get(3)?,
        mime: r.get(4)?,
        size: r.get(5)?,
        expires_at: r.get(6)?,
        date_add: r.get(7)?,
    })
}

pub fn insert(c: &Connection, u: &Upload) -> Result<i64> {
    c.execute(
        "INSERT INTO uploads (user_id, path, name, mime, size, expires_at, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![u.user_id, u.path, u.name, u.mime, u.size, u.expires_at, u.date_add],
    )?;
    Ok(c.last_insert_rowid())
}

/// Files of one owner (None = the merchant's) whose path starts with `prefix`, newest first.
pub fn list(
    c: &Connection,
    user_id: Option<i64>,
    prefix: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Upload>, i64)> {
    // `path >= prefix AND path < prefix || x'ff'` would use the index, but counts are small per owner.
    let cond = "user_id IS ?1 AND substr(path, 1, length(?2)) = ?2";
    let total: i64 =
        c.query_row(&format!("SELECT count(*) FROM uploads WHERE {cond}"), params![user_id, prefix], |r| {
            r.get(0)
        })?;
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM uploads WHERE {cond} ORDER BY id DESC LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = st.query_map(params![user_id, prefix, limit, offset], upload)?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}

pub fn by_id(c: &Connection, id: i64) -> Result<Option<Upload>> {
    use rusqlite::OptionalExtension;
    Ok(c.query_row(&format!("SELECT {COLUMNS} FROM uploads WHERE id = ?1"), [id], upload).optional()?)
}

pub fn delete(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM uploads WHERE id = ?1", [id])? == 1)
}

/// Files whose expiry has passed (the cleanup job deletes them), at most `limit`.
pub fn expired(c: &Connection, now: i64, limit: i64) -> Result<Vec<Upload>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM uploads WHERE expires_at IS NOT NULL AND expires_at <= ?1 LIMIT ?2"
    ))?;
    let rows = st.query_map(params![now, limit], upload)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
