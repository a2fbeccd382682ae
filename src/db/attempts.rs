//! Counted password tries and registrations (table `login_attempts`); the rules are in
//! `service::attempts`.

use super::Result;
use rusqlite::{params, Connection};

/// Deletes the rows that no longer count.
pub fn prune(c: &Connection, now: i64) -> Result<usize> {
    Ok(c.prepare_cached("DELETE FROM login_attempts WHERE until <= ?1")?.execute([now])?)
}

/// When each row of `key` that still counts stops counting, soonest first.
pub fn live(c: &Connection, key: &str, now: i64) -> Result<Vec<i64>> {
    let mut st =
        c.prepare_cached("SELECT until FROM login_attempts WHERE key = ?1 AND until > ?2 ORDER BY until")?;
    let rows = st.query_map(params![key, now], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Counts one attempt against `key` until `until`; returns its id.
pub fn insert(c: &Connection, key: &str, until: i64) -> Result<i64> {
    c.prepare_cached("INSERT INTO login_attempts (key, until) VALUES (?1, ?2)")?
        .execute(params![key, until])?;
    Ok(c.last_insert_rowid())
}

/// Stops counting one attempt.
pub fn delete(c: &Connection, id: i64) -> Result<()> {
    c.prepare_cached("DELETE FROM login_attempts WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// Forgets every attempt of `key`.
pub fn clear(c: &Connection, key: &str) -> Result<()> {
    c.prepare_cached("DELETE FROM login_attempts WHERE key = ?1")?.execute([key])?;
    Ok(())
}
