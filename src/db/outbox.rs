//! Subscription-message templates (which WeChat template each shop event sends) and the message
//! outbox the sending job drains.

use super::Result;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

/// Outbox statuses.
pub mod status {
    pub const PENDING: i64 = 0;
    pub const SENT: i64 = 1;
    pub const FAILED: i64 = 2;

    pub fn label(s: i64) -> &'static str {
        match s {
            PENDING => "待发送",
            SENT => "已发送",
            FAILED => "发送失败",
            _ => "未知",
        }
    }
}

/// One event's template mapping as stored (`fields` is the JSON the service checked).
#[derive(Debug, Clone, Default)]
pub struct TemplateRow {
    pub event: String,
    pub template_id: String,
    pub page: String,
    pub fields: String,
    pub enabled: bool,
    pub date_update: i64,
}

fn template_row(r: &Row) -> rusqlite::Result<TemplateRow> {
    Ok(TemplateRow {
        event: r.get(0)?,
        template_id: r.get(1)?,
        page: r.get(2)?,
        fields: r.get(3)?,
        enabled: r.get(4)?,
        date_update: r.get(5)?,
    })
}

const TEMPLATE_COLUMNS: &str = "event, template_id, page, fields, enabled, date_update";

pub fn template(c: &Connection, event: &str) -> Result<Option<TemplateRow>> {
    Ok(c.query_row(
        &format!("SELECT {TEMPLATE_COLUMNS} FROM message_templates WHERE event = ?1"),
        [event],
        template_row,
    )
    .optional()?)
}

pub fn templates(c: &Connection) -> Result<Vec<TemplateRow>> {
    let mut st = c.prepare(&format!("SELECT {TEMPLATE_COLUMNS} FROM message_templates ORDER BY event"))?;
    let rows = st.query_map([], template_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn put_template(c: &Connection, t: &TemplateRow, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO message_templates (event, template_id, page, fields, enabled, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (event) DO UPDATE SET template_id = ?2, page = ?3, fields = ?4, enabled = ?5,
                                           date_update = ?6",
        params![t.event, t.template_id, t.page, t.fields, t.enabled, now],
    )?;
    Ok(())
}

pub fn delete_template(c: &Connection, event: &str) -> Result<bool> {
    Ok(c.execute("DELETE FROM message_templates WHERE event = ?1", [event])? == 1)
}

/// A message to put in the outbox.
#[derive(Debug, Clone, Default)]
pub struct NewMessage {
    pub user_id: i64,
    pub event: String,
    pub channel: String,
    pub touser: String,
    pub template_id: String,
    pub page: String,
    pub data: String,
    pub labels: String,
}

pub fn insert(c: &Connection, m: &NewMessage, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO message_outbox (user_id, event, channel, touser, template_id, page, data, labels,
                                     next_try_at, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?9)",
        params![m.user_id, m.event, m.channel, m.touser, m.template_id, m.page, m.data, m.labels, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// A message as the sending job and the console see it.
#[derive(Debug, Clone)]
pub struct MessageRow {
    pub id: i64,
    pub msg: NewMessage,
    pub status: i64,
    pub tries: i64,
    pub next_try_at: i64,
    pub last_code: i64,
    pub last_error: String,
    pub date_sent: i64,
    pub date_add: i64,
}

const COLUMNS: &str = "id, user_id, event, channel, touser, template_id, page, data, labels, status, tries,
                       next_try_at, last_code, last_error, date_sent, date_add";

fn message_row(r: &Row) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        id: r.get(0)?,
        msg: NewMessage {
            user_id: r.get(1)?,
            event: r.get(2)?,
            channel: r.get(3)?,
            touser: r.get(4)?,
            template_id: r.get(5)?,
            page: r.get(6)?,
            data: r.get(7)?,
            labels: r.get(8)?,
        },
        status: r.get(9)?,
        tries: r.get(10)?,
        next_try_at: r.get(11)?,
        last_code: r.get(12)?,
        last_error: r.get(13)?,
        date_sent: r.get(14)?,
        date_add: r.get(15)?,
    })
}

pub fn message(c: &Connection, id: i64) -> Result<Option<MessageRow>> {
    Ok(c.query_row(&format!("SELECT {COLUMNS} FROM message_outbox WHERE id = ?1"), [id], message_row)
        .optional()?)
}

/// Claims up to `limit` pending messages due at `now`: each gets one more try and its next try
/// pushed to `lease_until`, so a send that never reports back (a crash) is tried again then.
pub fn claim_due(c: &Connection, now: i64, lease_until: i64, limit: i64) -> Result<Vec<MessageRow>> {
    let mut st = c.prepare_cached(&format!(
        "UPDATE message_outbox SET tries = tries + 1, next_try_at = ?2, date_update = ?1
         WHERE id IN (SELECT id FROM message_outbox WHERE status = 0 AND next_try_at <= ?1
                      ORDER BY next_try_at, id LIMIT ?3)
         RETURNING {COLUMNS}"
    ))?;
    let rows = st.query_map(params![now, lease_until, limit], message_row)?;
    let mut out: Vec<MessageRow> = rows.collect::<rusqlite::Result<_>>()?;
    out.sort_by_key(|m| m.id);
    Ok(out)
}

/// Records a send WeChat accepted.
pub fn mark_sent(c: &Connection, id: i64, now: i64) -> Result<()> {
    c.prepare_cached(
        "UPDATE message_outbox SET status = 1, last_code = 0, last_error = '', date_sent = ?2, date_update = ?2
         WHERE id = ?1",
    )?
    .execute(params![id, now])?;
    Ok(())
}

/// Records a transient failure: the message stays pending until `next_try_at`.
pub fn mark_retry(c: &Connection, id: i64, code: i64, error: &str, next_try_at: i64, now: i64) -> Result<()> {
    c.prepare_cached(
        "UPDATE message_outbox SET last_code = ?2, last_error = ?3, next_try_at = ?4, date_update = ?5
         WHERE id = ?1 AND status = 0",
    )?
    .execute(params![id, code, error, next_try_at, now])?;
    Ok(())
}

/// Records a permanent failure: never tried again unless the merchant asks.
pub fn mark_failed(c: &Connection, id: i64, code: i64, error: &str, now: i64) -> Result<()> {
    c.prepare_cached(
        "UPDATE message_outbox SET status = 2, last_code = ?2, last_error = ?3, date_update = ?4 WHERE id = ?1",
    )?
    .execute(params![id, code, error, now])?;
    Ok(())
}

/// Puts a failed message back in the queue, due now ("retry now" in the console).
pub fn requeue(c: &Connection, id: i64, now: i64) -> Result<bool> {
    Ok(c.execute(
        "UPDATE message_outbox SET status = 0, tries = 0, next_try_at = ?2, date_update = ?2
         WHERE id = ?1 AND status = 2",
        params![id, now],
    )? == 1)
}

/// The console's filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<i64>,
    pub event: Option<String>,
    pub user_id: Option<i64>,
}

/// A page of messages, newest first, and how many match.
pub fn page(c: &Connection, f: &Filter, offset: i64, limit: i64) -> Result<(Vec<MessageRow>, i64)> {
    let mut clauses = Vec::new();
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(s) = f.status {
        args.push(s.into());
        clauses.push(format!("status = ?{}", args.len()));
    }
    if let Some(e) = &f.event {
        args.push(e.clone().into());
        clauses.push(format!("event = ?{}", args.len()));
    }
    if let Some(u) = f.user_id {
        args.push(u.into());
        clauses.push(format!("user_id = ?{}", args.len()));
    }
    let filter = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
    let total: i64 = c.query_row(
        &format!("SELECT count(*) FROM message_outbox {filter}"),
        params_from_iter(args.iter()),
        |r| r.get(0),
    )?;
    args.push(limit.into());
    args.push(offset.into());
    let n = args.len();
    let mut st = c.prepare(&format!(
        "SELECT {COLUMNS} FROM message_outbox {filter} ORDER BY id DESC LIMIT ?{} OFFSET ?{n}",
        n - 1
    ))?;
    let rows = st.query_map(params_from_iter(args.iter()), message_row)?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}

/// When the earliest pending message is due (None when nothing is pending).
pub fn next_due(c: &Connection) -> Result<Option<i64>> {
    Ok(c.query_row("SELECT min(next_try_at) FROM message_outbox WHERE status = 0", [], |r| r.get(0))?)
}

/// How many messages are pending.
pub fn pending_count(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM message_outbox WHERE status = 0", [], |r| r.get(0))?)
}
