//! SMS / e-mail verification codes (only their hashes) and the code outbox.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// `verification_codes.status`.
pub const LIVE: i64 = 0;
pub const USED: i64 = 1;
/// Too many wrong tries, replaced by a newer code, or never delivered.
pub const DEAD: i64 = 2;

/// One code as stored.
#[derive(Debug, Clone)]
pub struct CodeRow {
    pub id: i64,
    pub code_hash: String,
    pub tries: i64,
    pub status: i64,
    pub expires_at: i64,
}

/// Stores a new code; returns its id.
pub fn insert_code(
    c: &Connection,
    channel: &str,
    target: &str,
    code_hash: &str,
    client_ip: &str,
    expires_at: i64,
    now: i64,
) -> Result<i64> {
    c.execute(
        "INSERT INTO verification_codes (channel, target, code_hash, client_ip, expires_at, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![channel, target, code_hash, client_ip, expires_at, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// Kills the target's live codes (a new one replaces them).
pub fn retire_live(c: &Connection, channel: &str, target: &str) -> Result<usize> {
    Ok(c.execute(
        "UPDATE verification_codes SET status = ?3 WHERE channel = ?1 AND target = ?2 AND status = ?4",
        params![channel, target, DEAD, LIVE],
    )?)
}

/// The newest code sent to a target, whatever its state.
pub fn latest(c: &Connection, channel: &str, target: &str) -> Result<Option<CodeRow>> {
    Ok(c.query_row(
        "SELECT id, code_hash, tries, status, expires_at FROM verification_codes
         WHERE channel = ?1 AND target = ?2 ORDER BY date_add DESC, id DESC LIMIT 1",
        params![channel, target],
        |r| {
            Ok(CodeRow {
                id: r.get(0)?,
                code_hash: r.get(1)?,
                tries: r.get(2)?,
                status: r.get(3)?,
                expires_at: r.get(4)?,
            })
        },
    )
    .optional()?)
}

pub fn set_status(c: &Connection, id: i64, status: i64) -> Result<()> {
    c.execute("UPDATE verification_codes SET status = ?2 WHERE id = ?1", params![id, status])?;
    Ok(())
}

/// Counts a wrong guess; `kill` also retires the code.
pub fn add_wrong_try(c: &Connection, id: i64, kill: bool) -> Result<()> {
    c.execute(
        "UPDATE verification_codes SET tries = tries + 1,
             status = CASE WHEN ?2 THEN ?3 ELSE status END
         WHERE id = ?1",
        params![id, kill, DEAD],
    )?;
    Ok(())
}

/// When the `nth` newest send to a target after `since` happened (None when there are fewer).
pub fn nth_send_to_target(
    c: &Connection,
    channel: &str,
    target: &str,
    since: i64,
    nth: i64,
) -> Result<Option<i64>> {
    Ok(c.query_row(
        "SELECT date_add FROM verification_codes
         WHERE channel = ?1 AND target = ?2 AND date_add > ?3
         ORDER BY date_add DESC LIMIT 1 OFFSET ?4",
        params![channel, target, since, nth - 1],
        |r| r.get(0),
    )
    .optional()?)
}

/// When the `nth` newest send from a client IP after `since` happened.
pub fn nth_send_from_ip(c: &Connection, client_ip: &str, since: i64, nth: i64) -> Result<Option<i64>> {
    Ok(c.query_row(
        "SELECT date_add FROM verification_codes WHERE client_ip = ?1 AND date_add > ?2
         ORDER BY date_add DESC LIMIT 1 OFFSET ?3",
        params![client_ip, since, nth - 1],
        |r| r.get(0),
    )
    .optional()?)
}

/// Deletes up to 20 of the oldest codes if they are older than `before` (each send prunes a
/// little, so the table holds only what the rate limits still look at).
pub fn prune_codes(c: &Connection, before: i64) -> Result<usize> {
    Ok(c.execute(
        "DELETE FROM verification_codes
         WHERE id IN (SELECT id FROM verification_codes ORDER BY id LIMIT 20) AND date_add < ?1",
        [before],
    )?)
}

/// One message in the code outbox.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub id: i64,
    pub channel: String,
    pub target: String,
    pub content: String,
    /// outbox (kept here, not delivered), sent, failed.
    pub status: String,
    pub error: String,
    pub date_add: i64,
}

fn outbox_row(r: &rusqlite::Row) -> rusqlite::Result<OutboxRow> {
    Ok(OutboxRow {
        id: r.get(0)?,
        channel: r.get(1)?,
        target: r.get(2)?,
        content: r.get(3)?,
        status: r.get(4)?,
        error: r.get(5)?,
        date_add: r.get(6)?,
    })
}

pub fn insert_outbox(
    c: &Connection,
    channel: &str,
    target: &str,
    content: &str,
    status: &str,
    error: &str,
    now: i64,
) -> Result<i64> {
    c.execute(
        "INSERT INTO code_outbox (channel, target, content, status, error, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![channel, target, content, status, error, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// Deletes up to 20 of the oldest outbox messages if they are older than `before`.
pub fn prune_outbox(c: &Connection, before: i64) -> Result<usize> {
    Ok(c.execute(
        "DELETE FROM code_outbox
         WHERE id IN (SELECT id FROM code_outbox ORDER BY id LIMIT 20) AND date_add < ?1",
        [before],
    )?)
}

/// A page of the outbox, newest first, optionally only targets containing `search`; and the total.
pub fn outbox_page(
    c: &Connection,
    search: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<OutboxRow>, i64)> {
    let pattern =
        search.map(|s| format!("%{}%", s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let filter = "(?1 IS NULL OR target LIKE ?1 ESCAPE '\\')";
    let total =
        c.query_row(&format!("SELECT count(*) FROM code_outbox WHERE {filter}"), [&pattern], |r| r.get(0))?;
    let mut st = c.prepare(&format!(
        "SELECT id, channel, target, content, status, error, date_add FROM code_outbox
         WHERE {filter} ORDER BY id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows =
        st.query_map(params![pattern, limit, offset], outbox_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}

/// The newest outbox message to a target.
pub fn latest_outbox(c: &Connection, target: &str) -> Result<Option<OutboxRow>> {
    Ok(c.query_row(
        "SELECT id, channel, target, content, status, error, date_add FROM code_outbox
         WHERE target = ?1 ORDER BY id DESC LIMIT 1",
        [target],
        outbox_row,
    )
    .optional()?)
}
