//! Customer-service messages (kefu_messages, kefu_threads kept by a trigger) and asynchronous
//! media checks (media_checks).

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// A message WeChat pushed.
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    pub appid: &'a str,
    pub openid: &'a str,
    pub msg_type: &'a str,
    pub content: &'a str,
    /// The whole message as JSON.
    pub body: &'a str,
    /// MsgId, or FromUserName:CreateTime for events.
    pub dedup_key: &'a str,
    pub create_time: i64,
}

/// Stores a pushed message once: false when it was a retry already stored. One statement, linked
/// to the shopper whose openid (for this appid) it is.
pub fn insert_incoming(c: &Connection, m: &Incoming, now: i64) -> Result<bool> {
    let mut st = c.prepare_cached(
        "INSERT OR IGNORE INTO kefu_messages
             (openid, user_id, direction, msg_type, content, body, dedup_key, create_time, date_add)
         VALUES (?1, (SELECT user_id FROM wechat_accounts WHERE appid = ?2 AND openid = ?1), 'in',
                 ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let n = st.execute(params![
        m.openid,
        m.appid,
        m.msg_type,
        m.content,
        m.body,
        m.dedup_key,
        m.create_time,
        now
    ])?;
    Ok(n == 1)
}

/// A message the merchant sent, with WeChat's answer.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    pub appid: &'a str,
    pub openid: &'a str,
    pub msg_type: &'a str,
    pub content: &'a str,
    pub body: &'a str,
    pub errcode: i64,
    pub errmsg: &'a str,
}

pub fn insert_outgoing(c: &Connection, m: &Outgoing, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO kefu_messages
             (openid, user_id, direction, msg_type, content, body, errcode, errmsg, create_time, date_add)
         VALUES (?1, (SELECT user_id FROM wechat_accounts WHERE appid = ?2 AND openid = ?1), 'out',
                 ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![m.openid, m.appid, m.msg_type, m.content, m.body, m.errcode, m.errmsg, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// One conversation in the inbox.
#[derive(Debug, Clone)]
pub struct ThreadRow {
    pub openid: String,
    pub user_id: Option<i64>,
    pub nick: String,
    pub avatar_url: String,
    pub last_at: i64,
    pub last_in_at: i64,
    pub unread: i64,
    pub last_type: String,
    pub last_content: String,
    pub last_direction: String,
}

const THREAD_COLUMNS: &str =
    "t.openid, t.user_id, coalesce(u.nick, ''), coalesce(u.avatar_url, ''), t.last_at,
    t.last_in_at, t.unread, m.msg_type, m.content, m.direction";
const THREAD_FROM: &str = "kefu_threads t LEFT JOIN users u ON u.id = t.user_id
    JOIN kefu_messages m ON m.id = t.last_id";

fn thread_row(r: &rusqlite::Row) -> rusqlite::Result<ThreadRow> {
    Ok(ThreadRow {
        openid: r.get(0)?,
        user_id: r.get(1)?,
        nick: r.get(2)?,
        avatar_url: r.get(3)?,
        last_at: r.get(4)?,
        last_in_at: r.get(5)?,
        unread: r.get(6)?,
        last_type: r.get(7)?,
        last_content: r.get(8)?,
        last_direction: r.get(9)?,
    })
}

/// `q` as a LIKE pattern matching nick or openid ("" matches everything).
fn pattern(q: &str) -> String {
    let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// Conversations, newest first, optionally those whose shopper's nick or openid holds `q`.
pub fn threads(c: &Connection, q: &str, offset: i64, limit: i64) -> Result<Vec<ThreadRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {THREAD_COLUMNS} FROM {THREAD_FROM}
         WHERE ?1 = '' OR t.openid LIKE ?2 ESCAPE '\\' OR u.nick LIKE ?2 ESCAPE '\\'
         ORDER BY t.last_at DESC, t.openid LIMIT ?3 OFFSET ?4"
    ))?;
    let rows =
        st.query_map(params![q, pattern(q), limit, offset], thread_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn thread_count(c: &Connection, q: &str) -> Result<i64> {
    Ok(c.query_row(
        "SELECT count(*) FROM kefu_threads t LEFT JOIN users u ON u.id = t.user_id
         WHERE ?1 = '' OR t.openid LIKE ?2 ESCAPE '\\' OR u.nick LIKE ?2 ESCAPE '\\'",
        params![q, pattern(q)],
        |r| r.get(0),
    )?)
}

pub fn thread(c: &Connection, openid: &str) -> Result<Option<ThreadRow>> {
    Ok(c.query_row(
        &format!("SELECT {THREAD_COLUMNS} FROM {THREAD_FROM} WHERE t.openid = ?1"),
        [openid],
        thread_row,
    )
    .optional()?)
}

/// Unread shopper messages over all conversations.
pub fn unread_total(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT coalesce(sum(unread), 0) FROM kefu_threads", [], |r| r.get(0))?)
}

/// Marks a conversation read (the merchant opened it).
pub fn mark_read(c: &Connection, openid: &str) -> Result<()> {
    c.execute("UPDATE kefu_threads SET unread = 0 WHERE openid = ?1 AND unread != 0", [openid])?;
    Ok(())
}

/// One message in a thread.
#[derive(Debug, Clone)]
pub struct MessageRow {
    pub id: i64,
    pub direction: String,
    pub msg_type: String,
    pub content: String,
    pub body: String,
    pub errcode: Option<i64>,
    pub errmsg: String,
    pub create_time: i64,
}

/// The newest `limit` messages of a thread, oldest first.
pub fn messages(c: &Connection, openid: &str, limit: i64) -> Result<Vec<MessageRow>> {
    let mut st = c.prepare_cached(
        "SELECT id, direction, msg_type, content, body, errcode, errmsg, create_time FROM (
             SELECT * FROM kefu_messages WHERE openid = ?1 ORDER BY id DESC LIMIT ?2
         ) ORDER BY id",
    )?;
    let rows = st
        .query_map(params![openid, limit], |r| {
            Ok(MessageRow {
                id: r.get(0)?,
                direction: r.get(1)?,
                msg_type: r.get(2)?,
                content: r.get(3)?,
                body: r.get(4)?,
                errcode: r.get(5)?,
                errmsg: r.get(6)?,
                create_time: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

// ---- asynchronous media checks ----

/// A media check as stored.
#[derive(Debug, Clone)]
pub struct MediaCheck {
    pub id: i64,
    pub trace_id: Option<String>,
    pub kind: String,
    pub user_id: Option<i64>,
    pub upload_id: Option<i64>,
    pub url: String,
    pub fetch_key: String,
    pub status: String,
    pub label: i64,
    pub reason: String,
    pub date_add: i64,
    pub nick: String,
    /// The held upload's path under the uploads dir ("" for an avatar or a removed upload).
    pub path: String,
}

const CHECK_COLUMNS: &str = "k.id, k.trace_id, k.kind, k.user_id, k.upload_id, k.url, k.fetch_key, k.status,
    k.label, k.reason, k.date_add, coalesce(u.nick, ''), coalesce(f.path, '')";
const CHECK_FROM: &str =
    "media_checks k LEFT JOIN users u ON u.id = k.user_id LEFT JOIN uploads f ON f.id = k.upload_id";

fn check_row(r: &rusqlite::Row) -> rusqlite::Result<MediaCheck> {
    Ok(MediaCheck {
        id: r.get(0)?,
        trace_id: r.get(1)?,
        kind: r.get(2)?,
        user_id: r.get(3)?,
        upload_id: r.get(4)?,
        url: r.get(5)?,
        fetch_key: r.get(6)?,
        status: r.get(7)?,
        label: r.get(8)?,
        reason: r.get(9)?,
        date_add: r.get(10)?,
        nick: r.get(11)?,
        path: r.get(12)?,
    })
}

/// A check to record.
#[derive(Debug, Clone)]
pub struct NewMediaCheck<'a> {
    pub kind: &'a str,
    pub user_id: Option<i64>,
    pub upload_id: Option<i64>,
    pub url: &'a str,
    pub fetch_key: &'a str,
    /// pending (sent to WeChat) or review (could not be sent: the merchant decides).
    pub status: &'a str,
    pub reason: &'a str,
}

pub fn insert_check(c: &Connection, k: &NewMediaCheck, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO media_checks (kind, user_id, upload_id, url, fetch_key, status, reason, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![k.kind, k.user_id, k.upload_id, k.url, k.fetch_key, k.status, k.reason, now],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn set_trace(c: &Connection, id: i64, trace_id: &str) -> Result<()> {
    c.execute("UPDATE media_checks SET trace_id = ?2 WHERE id = ?1", params![id, trace_id])?;
    Ok(())
}

pub fn check_by_trace(c: &Connection, trace_id: &str) -> Result<Option<MediaCheck>> {
    Ok(c.query_row(
        &format!("SELECT {CHECK_COLUMNS} FROM {CHECK_FROM} WHERE k.trace_id = ?1"),
        [trace_id],
        check_row,
    )
    .optional()?)
}

pub fn check_by_id(c: &Connection, id: i64) -> Result<Option<MediaCheck>> {
    Ok(c.query_row(&format!("SELECT {CHECK_COLUMNS} FROM {CHECK_FROM} WHERE k.id = ?1"), [id], check_row)
        .optional()?)
}

/// A held file WeChat may download, by its secret key (only while the check is pending).
pub fn check_by_fetch_key(c: &Connection, key: &str) -> Result<Option<MediaCheck>> {
    Ok(c.query_row(
        &format!("SELECT {CHECK_COLUMNS} FROM {CHECK_FROM} WHERE k.fetch_key = ?1 AND k.fetch_key != ''"),
        [key],
        check_row,
    )
    .optional()?)
}

/// Moves a check from `from` to its verdict; false when it was not in `from` any more (a retried
/// push, or the merchant decided first).
pub fn decide(
    c: &Connection,
    id: i64,
    from: &str,
    status: &str,
    label: i64,
    reason: &str,
    now: i64,
) -> Result<bool> {
    let n = c.execute(
        "UPDATE media_checks SET status = ?3, label = ?4, reason = ?5, date_done = ?6
         WHERE id = ?1 AND status = ?2",
        params![id, from, status, label, reason, now],
    )?;
    Ok(n == 1)
}

/// Checks still waiting for WeChat or for the merchant, newest first.
pub fn open_checks(c: &Connection, limit: i64) -> Result<Vec<MediaCheck>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {CHECK_COLUMNS} FROM {CHECK_FROM} WHERE k.status IN ('pending', 'review') ORDER BY k.id DESC LIMIT ?1"
    ))?;
    let rows = st.query_map([limit], check_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The media check holding an upload, if any.
pub fn check_for_upload(c: &Connection, upload_id: i64) -> Result<Option<MediaCheck>> {
    Ok(c.query_row(
        &format!(
            "SELECT {CHECK_COLUMNS} FROM {CHECK_FROM} WHERE k.upload_id = ?1 ORDER BY k.id DESC LIMIT 1"
        ),
        [upload_id],
        check_row,
    )
    .optional()?)
}
