//! JSON storage rows (jsonSet / jsonList / jsonDelete).

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(Debug, Clone)]
pub struct JsonRow {
    pub id: i64,
    pub user_id: Option<i64>,
    pub kind: String,
    pub ref_id: String,
    pub content: String,
    pub date_add: i64,
    pub date_update: i64,
    pub is_top: bool,
    pub is_highlight: bool,
}

/// Which rows a list asks for; `user_id` None = the shop's public rows.
#[derive(Debug, Clone, Default)]
pub struct JsonFilter {
    pub user_id: Option<i64>,
    pub id: Option<i64>,
    pub kind: Option<String>,
    pub ref_id: Option<String>,
}

const COLUMNS: &str = "id, user_id, type, ref_id, content, date_add, date_update, is_top, is_highlight";

fn json_row(r: &Row) -> rusqlite::Result<JsonRow> {
    Ok(JsonRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        kind: r.get(2)?,
        ref_id: r.get(3)?,
        content: r.get(4)?,
        date_add: r.get(5)?,
        date_update: r.get(6)?,
        is_top: r.get(7)?,
        is_highlight: r.get(8)?,
    })
}

pub fn by_id(c: &Connection, id: i64) -> Result<Option<JsonRow>> {
    Ok(c.query_row(&format!("SELECT {COLUMNS} FROM json_data WHERE id = ?1"), [id], json_row).optional()?)
}

/// One page of rows (newest first) and the total that match.
pub fn list(c: &Connection, f: &JsonFilter, offset: i64, limit: i64) -> Result<(Vec<JsonRow>, i64)> {
    let cond = "user_id IS ?1 AND (?2 IS NULL OR id = ?2) AND (?3 IS NULL OR type = ?3)
                AND (?4 IS NULL OR ref_id = ?4)";
    let args = params![f.user_id, f.id, f.kind, f.ref_id];
    let total: i64 =
        c.query_row(&format!("SELECT count(*) FROM json_data WHERE {cond}"), args, |r| r.get(0))?;
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM json_data WHERE {cond} ORDER BY id DESC LIMIT ?5 OFFSET ?6"
    ))?;
    let rows = st.query_map(params![f.user_id, f.id, f.kind, f.ref_id, limit, offset], json_row)?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}

pub fn insert(
    c: &Connection,
    user_id: Option<i64>,
    kind: &str,
    ref_id: &str,
    content: &str,
    now: i64,
) -> Result<i64> {
    c.execute(
        "INSERT INTO json_data (user_id, type, ref_id, content, date_add, date_update) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![user_id, kind, ref_id, content, now],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn update(c: &Connection, id: i64, kind: &str, ref_id: &str, content: &str, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE json_data SET type = ?2, ref_id = ?3, content = ?4, date_update = ?5 WHERE id = ?1",
        params![id, kind, ref_id, content, now],
    )?;
    Ok(n == 1)
}

pub fn delete(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM json_data WHERE id = ?1", [id])? == 1)
}

/// A flag its owner sets on a row.
#[derive(Debug, Clone, Copy)]
pub enum Flag {
    Top,
    Highlight,
}

pub fn set_flag(c: &Connection, id: i64, flag: Flag, on: bool, now: i64) -> Result<bool> {
    let sql = match flag {
        Flag::Top => "UPDATE json_data SET is_top = ?2, date_update = ?3 WHERE id = ?1",
        Flag::Highlight => "UPDATE json_data SET is_highlight = ?2, date_update = ?3 WHERE id = ?1",
    };
    Ok(c.execute(sql, params![id, on, now])? == 1)
}
