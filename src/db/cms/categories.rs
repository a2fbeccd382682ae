//! Article categories.

use crate::db::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// What the merchant sets on a category.
#[derive(Debug, Clone, Default)]
pub struct CategoryFields {
    pub pid: Option<i64>,
    pub name: String,
    pub kind: String,
    pub icon: String,
    pub paixu: i64,
    pub is_use: bool,
    pub ext_json: String,
}

#[derive(Debug, Clone)]
pub struct CategoryRow {
    pub id: i64,
    pub fields: CategoryFields,
    pub date_add: i64,
    pub date_update: i64,
}

fn category_row(r: &Row) -> rusqlite::Result<CategoryRow> {
    Ok(CategoryRow {
        id: r.get(0)?,
        fields: CategoryFields {
            pid: r.get(1)?,
            name: r.get(2)?,
            kind: r.get(3)?,
            icon: r.get(4)?,
            paixu: r.get(5)?,
            is_use: r.get(6)?,
            ext_json: r.get(7)?,
        },
        date_add: r.get(8)?,
        date_update: r.get(9)?,
    })
}

const CATEGORY_COLUMNS: &str = "id, pid, name, type, icon, paixu, is_use, ext_json, date_add, date_update";

pub fn insert_category(c: &Connection, f: &CategoryFields, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO cms_categories (pid, name, type, icon, paixu, is_use, ext_json, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![f.pid, f.name, f.kind, f.icon, f.paixu, f.is_use, f.ext_json, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// Categories in display order; `only_used` leaves out the ones switched off.
pub fn categories(c: &Connection, only_used: bool) -> Result<Vec<CategoryRow>> {
    let sql = format!(
        "SELECT {CATEGORY_COLUMNS} FROM cms_categories {} ORDER BY paixu, id",
        if only_used { "WHERE is_use = 1" } else { "" }
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st.query_map([], category_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn category(c: &Connection, id: i64) -> Result<Option<CategoryRow>> {
    Ok(c.query_row(
        &format!("SELECT {CATEGORY_COLUMNS} FROM cms_categories WHERE id = ?1"),
        [id],
        category_row,
    )
    .optional()?)
}

/// Replaces a category's fields; false when there is none.
pub fn update_category(c: &Connection, id: i64, f: &CategoryFields, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE cms_categories SET pid = ?2, name = ?3, type = ?4, icon = ?5, paixu = ?6, is_use = ?7,
             ext_json = ?8, date_update = ?9
         WHERE id = ?1",
        params![id, f.pid, f.name, f.kind, f.icon, f.paixu, f.is_use, f.ext_json, now],
    )?;
    Ok(n == 1)
}

/// Deletes a category; its articles become uncategorised (ON DELETE SET NULL).
pub fn delete_category(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM cms_categories WHERE id = ?1", [id])? == 1)
}
