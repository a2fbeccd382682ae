//! Comments, on articles and elsewhere, with their authors' nick and avatar.

use crate::db::Result;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use std::fmt::Write as _;

/// A new comment as checked by the API.
#[derive(Debug, Clone)]
pub struct NewComment {
    pub user_id: Option<i64>,
    pub kind: i64,
    pub ref_id: i64,
    pub pid: i64,
    pub content: String,
    pub ext_json: String,
}

#[derive(Debug, Clone)]
pub struct CommentRow {
    pub id: i64,
    pub user_id: Option<i64>,
    pub nick: String,
    pub avatar_url: String,
    pub kind: i64,
    pub ref_id: i64,
    pub pid: i64,
    pub content: String,
    pub ext_json: String,
    pub status: i64,
    pub date_add: i64,
}

const COMMENT_COLUMNS: &str = "m.id, m.user_id, coalesce(u.nick, ''), coalesce(u.avatar_url, ''), m.type, \
    m.ref_id, m.pid, m.content, m.ext_json, m.status, m.date_add";

fn comment_row(r: &Row) -> rusqlite::Result<CommentRow> {
    Ok(CommentRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        nick: r.get(2)?,
        avatar_url: r.get(3)?,
        kind: r.get(4)?,
        ref_id: r.get(5)?,
        pid: r.get(6)?,
        content: r.get(7)?,
        ext_json: r.get(8)?,
        status: r.get(9)?,
        date_add: r.get(10)?,
    })
}

pub fn insert_comment(c: &Connection, m: &NewComment, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO comments (user_id, type, ref_id, pid, content, ext_json, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![m.user_id, m.kind, m.ref_id, m.pid, m.content, m.ext_json, now],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn comment(c: &Connection, id: i64) -> Result<Option<CommentRow>> {
    Ok(c.query_row(
        &format!(
            "SELECT {COMMENT_COLUMNS} FROM comments m LEFT JOIN users u ON u.id = m.user_id WHERE m.id = ?1"
        ),
        [id],
        comment_row,
    )
    .optional()?)
}

/// Shows (0) or hides (1) a comment; false when there is none.
pub fn set_comment_status(c: &Connection, id: i64, status: i64) -> Result<bool> {
    Ok(c.execute("UPDATE comments SET status = ?2 WHERE id = ?1", params![id, status])? == 1)
}

pub fn delete_comment(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM comments WHERE id = ?1", [id])? == 1)
}

/// Deletes a comment its author wrote; false when there is none by that author.
pub fn delete_own_comment(c: &Connection, id: i64, user: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM comments WHERE id = ?1 AND user_id = ?2", params![id, user])? == 1)
}

/// Which comments a list shows.
#[derive(Debug, Clone, Default)]
pub struct CommentFilter {
    /// None = any (console).
    pub status: Option<i64>,
    pub kind: Option<i64>,
    pub ref_id: Option<i64>,
    pub pid: Option<i64>,
    pub user_id: Option<i64>,
}

/// One page of comments, newest first, and how many match.
pub fn comments(
    c: &Connection,
    f: &CommentFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<CommentRow>, i64)> {
    let mut sql = String::from("1 = 1");
    let mut args: Vec<Value> = Vec::new();
    for (column, v) in [
        ("m.status", f.status),
        ("m.type", f.kind),
        ("m.ref_id", f.ref_id),
        ("m.pid", f.pid),
        ("m.user_id", f.user_id),
    ] {
        if let Some(v) = v {
            let _ = write!(sql, " AND {column} = ?");
            args.push(Value::Integer(v));
        }
    }
    let total: i64 = c
        .prepare_cached(&format!("SELECT count(*) FROM comments m WHERE {sql}"))?
        .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
    args.push(Value::Integer(limit));
    args.push(Value::Integer(offset));
    let mut st = c.prepare_cached(&format!(
        "SELECT {COMMENT_COLUMNS} FROM comments m LEFT JOIN users u ON u.id = m.user_id
         WHERE {sql} ORDER BY m.id DESC LIMIT ? OFFSET ?"
    ))?;
    let rows =
        st.query_map(params_from_iter(args.iter()), comment_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}
