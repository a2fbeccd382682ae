//! Single pages, one per key.

use crate::db::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(Debug, Clone)]
pub struct PageRow {
    pub id: i64,
    pub key: String,
    pub title: String,
    pub content: String,
    pub date_add: i64,
    pub date_update: i64,
}

fn page_row(r: &Row) -> rusqlite::Result<PageRow> {
    Ok(PageRow {
        id: r.get(0)?,
        key: r.get(1)?,
        title: r.get(2)?,
        content: r.get(3)?,
        date_add: r.get(4)?,
        date_update: r.get(5)?,
    })
}

/// Creates or replaces the page under `key`.
pub fn save_page(c: &Connection, key: &str, title: &str, content: &str, now: i64) -> Result<i64> {
    Ok(c.query_row(
        "INSERT INTO cms_pages (key, title, content, date_add, date_update) VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT(key) DO UPDATE SET title = excluded.title, content = excluded.content,
             date_update = excluded.date_update
         RETURNING id",
        params![key, title, content, now],
        |r| r.get(0),
    )?)
}

pub fn page(c: &Connection, key: &str) -> Result<Option<PageRow>> {
    Ok(c.query_row(
        "SELECT id, key, title, content, date_add, date_update FROM cms_pages WHERE key = ?1",
        [key],
        page_row,
    )
    .optional()?)
}

/// Every single page, by key.
pub fn pages(c: &Connection) -> Result<Vec<PageRow>> {
    let mut st = c.prepare_cached(
        "SELECT id, key, title, content, date_add, date_update FROM cms_pages ORDER BY key",
    )?;
    let rows = st.query_map([], page_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn delete_page(c: &Connection, key: &str) -> Result<bool> {
    Ok(c.execute("DELETE FROM cms_pages WHERE key = ?1", [key])? == 1)
}
