//! Inbox messages (messageList / messageRead / messageDelete) and the console's record of sends.
//!
//! Every inbox read and write is scoped to one shopper (`user_id`), so a handler cannot forget the
//! ownership check.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(Debug, Clone)]
pub struct MessageRow {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub title: String,
    pub content: String,
    pub is_read: bool,
    pub date_add: i64,
    pub date_read: Option<i64>,
}

/// messageList's optional filters.
#[derive(Debug, Clone, Default)]
pub struct MessageFilter {
    pub is_read: Option<bool>,
    pub kind: Option<String>,
}

/// What a new message says.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub content: &'a str,
    /// The console send it belongs to; None when a feature sent it.
    pub send_id: Option<i64>,
}

const COLUMNS: &str = "id, user_id, kind, title, content, is_read, date_add, date_read";

fn message_row(r: &Row) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        kind: r.get(2)?,
        title: r.get(3)?,
        content: r.get(4)?,
        is_read: r.get(5)?,
        date_add: r.get(6)?,
        date_read: r.get(7)?,
    })
}

/// Puts a message in one shopper's inbox; its id.
pub fn insert(c: &Connection, user_id: i64, m: &NewMessage, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO user_messages (user_id, kind, title, content, send_id, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![user_id, m.kind, m.title, m.content, m.send_id, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// Puts a message in the inbox of every shopper whose account is not disabled; how many.
pub fn insert_for_all(c: &Connection, m: &NewMessage, now: i64) -> Result<i64> {
    let n = c.execute(
        "INSERT INTO user_messages (user_id, kind, title, content, send_id, date_add)
         SELECT id, ?1, ?2, ?3, ?4, ?5 FROM users WHERE status = 0 ORDER BY id",
        params![m.kind, m.title, m.content, m.send_id, now],
    )?;
    Ok(n as i64)
}

/// The shopper's message `id`; None when it does not exist or is someone else's.
pub fn owned(c: &Connection, user_id: i64, id: i64) -> Result<Option<MessageRow>> {
    Ok(c.prepare_cached(&format!("SELECT {COLUMNS} FROM user_messages WHERE id = ?1 AND user_id = ?2"))?
        .query_row(params![id, user_id], message_row)
        .optional()?)
}

/// One page of the shopper's inbox, newest first (stable while messages are being read), and
/// how many match in all.
pub fn list_of(
    c: &Connection,
    user_id: i64,
    f: &MessageFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<MessageRow>, i64)> {
    let cond = "user_id = ?1 AND (?2 IS NULL OR is_read = ?2) AND (?3 IS NULL OR kind = ?3)";
    let total = c
        .prepare_cached(&format!("SELECT count(*) FROM user_messages WHERE {cond}"))?
        .query_row(params![user_id, f.is_read, f.kind], |r| r.get(0))?;
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM user_messages WHERE {cond} ORDER BY id DESC LIMIT ?4 OFFSET ?5"
    ))?;
    let rows = st.query_map(params![user_id, f.is_read, f.kind, limit, offset], message_row)?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}

/// Marks the shopper's message read (keeping the first read time); false when it is not theirs.
pub fn mark_read(c: &Connection, user_id: i64, id: i64, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE user_messages SET is_read = 1, date_read = coalesce(date_read, ?3)
         WHERE id = ?1 AND user_id = ?2",
        params![id, user_id, now],
    )?;
    Ok(n == 1)
}

/// Deletes the shopper's message; false when it is not theirs.
pub fn delete(c: &Connection, user_id: i64, id: i64) -> Result<bool> {
    let n = c.execute("DELETE FROM user_messages WHERE id = ?1 AND user_id = ?2", params![id, user_id])?;
    Ok(n == 1)
}

/// A send made from the console, with what became of it.
#[derive(Debug, Clone)]
pub struct SendRow {
    pub id: i64,
    /// The one shopper it went to; None for a send to all.
    pub user_id: Option<i64>,
    /// That shopper's nickname now ("" when the account is gone or has none).
    pub user_nick: String,
    pub to_all: bool,
    pub kind: String,
    pub title: String,
    pub content: String,
    pub recipients: i64,
    /// How many of its messages have been read (deleted ones no longer count).
    pub read: i64,
    pub sent_by: String,
    pub date_add: i64,
}

/// What the console is about to send.
#[derive(Debug, Clone)]
pub struct NewSend<'a> {
    pub user_id: Option<i64>,
    pub kind: &'a str,
    pub title: &'a str,
    pub content: &'a str,
    pub sent_by: &'a str,
}

/// Records a console send (its recipient count is set once the messages are written); its id.
pub fn insert_send(c: &Connection, s: &NewSend, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO message_sends (user_id, to_all, kind, title, content, recipients, sent_by, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7)",
        params![s.user_id, s.user_id.is_none(), s.kind, s.title, s.content, s.sent_by, now],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn set_recipients(c: &Connection, send_id: i64, recipients: i64) -> Result<()> {
    c.execute("UPDATE message_sends SET recipients = ?2 WHERE id = ?1", params![send_id, recipients])?;
    Ok(())
}

pub fn count_sends(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM message_sends", [], |r| r.get(0))?)
}

/// One page of console sends, latest first.
pub fn sends(c: &Connection, offset: i64, limit: i64) -> Result<Vec<SendRow>> {
    let mut st = c.prepare_cached(
        "SELECT s.id, s.user_id, coalesce(u.nick, ''), s.to_all, s.kind, s.title, s.content, s.recipients,
                (SELECT count(*) FROM user_messages m WHERE m.send_id = s.id AND m.is_read = 1),
                s.sent_by, s.date_add
         FROM message_sends s LEFT JOIN users u ON u.id = s.user_id
         ORDER BY s.id DESC LIMIT ?1 OFFSET ?2",
    )?;
    let rows = st.query_map(params![limit, offset], |r| {
        Ok(SendRow {
            id: r.get(0)?,
            user_id: r.get(1)?,
            user_nick: r.get(2)?,
            to_all: r.get(3)?,
            kind: r.get(4)?,
            title: r.get(5)?,
            content: r.get(6)?,
            recipients: r.get(7)?,
            read: r.get(8)?,
            sent_by: r.get(9)?,
            date_add: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
