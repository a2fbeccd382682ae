//! Categories: a tree the goods hang in, levelled from the top.

use crate::db::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// What the merchant sets on a category.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryFields {
    /// None = top level.
    pub pid: Option<i64>,
    pub name: String,
    pub icon: String,
    pub kind: String,
    pub key: String,
    pub paixu: i64,
    pub is_use: bool,
    /// A JSON object as text.
    pub ext_json: String,
}

impl Default for CategoryFields {
    fn default() -> Self {
        CategoryFields {
            pid: None,
            name: String::new(),
            icon: String::new(),
            kind: String::new(),
            key: String::new(),
            paixu: 0,
            is_use: true,
            ext_json: "{}".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct CategoryRow {
    pub id: i64,
    pub fields: CategoryFields,
    pub level: i64,
    pub date_add: i64,
    pub date_update: i64,
}

const CATEGORY_COLUMNS: &str =
    "id, pid, name, icon, type, key, paixu, is_use, ext_json, level, date_add, date_update";

fn category_row(r: &Row) -> rusqlite::Result<CategoryRow> {
    Ok(CategoryRow {
        id: r.get(0)?,
        fields: CategoryFields {
            pid: r.get(1)?,
            name: r.get(2)?,
            icon: r.get(3)?,
            kind: r.get(4)?,
            key: r.get(5)?,
            paixu: r.get(6)?,
            is_use: r.get(7)?,
            ext_json: r.get(8)?,
        },
        level: r.get(9)?,
        date_add: r.get(10)?,
        date_update: r.get(11)?,
    })
}

/// Adds a category one level below its parent; an unknown parent fails the foreign key.
pub fn insert_category(c: &Connection, f: &CategoryFields, now: i64) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO goods_categories (pid, name, icon, type, key, paixu, is_use, ext_json, level,
                                       date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
                 coalesce((SELECT level + 1 FROM goods_categories WHERE id = ?1), 1), ?9, ?9)",
    )?
    .execute(params![f.pid, f.name, f.icon, f.kind, f.key, f.paixu, f.is_use, f.ext_json, now])?;
    Ok(c.last_insert_rowid())
}

/// Every category, shown or not, parents before children, each level in display order.
pub fn all_categories(c: &Connection) -> Result<Vec<CategoryRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {CATEGORY_COLUMNS} FROM goods_categories ORDER BY level, paixu, id"
    ))?;
    let rows = st.query_map([], category_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn category(c: &Connection, id: i64) -> Result<Option<CategoryRow>> {
    Ok(c.prepare_cached(&format!("SELECT {CATEGORY_COLUMNS} FROM goods_categories WHERE id = ?1"))?
        .query_row([id], category_row)
        .optional()?)
}

/// The category and all its descendants; empty when it does not exist.
pub fn category_subtree(c: &Connection, id: i64) -> Result<Vec<i64>> {
    // UNION (not UNION ALL) stops at ids already seen, so even a corrupt cycle terminates.
    let mut st = c.prepare_cached(
        "WITH RECURSIVE sub(id) AS (
             SELECT id FROM goods_categories WHERE id = ?1
             UNION SELECT c.id FROM goods_categories c JOIN sub ON c.pid = sub.id)
         SELECT id FROM sub",
    )?;
    let rows = st.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Rewrites a category's own fields and parent; the caller re-levels its subtree after a move.
pub fn update_category(c: &Connection, id: i64, f: &CategoryFields, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE goods_categories SET pid = ?2, name = ?3, icon = ?4, type = ?5, key = ?6, paixu = ?7,
                    is_use = ?8, ext_json = ?9, date_update = ?10
             WHERE id = ?1",
        )?
        .execute(params![id, f.pid, f.name, f.icon, f.kind, f.key, f.paixu, f.is_use, f.ext_json, now])?;
    Ok(n == 1)
}

/// Sets `level` of the category and every descendant from its parent's level, so a moved
/// subtree keeps "parent's level + 1" all the way down.
pub fn relevel_subtree(c: &Connection, id: i64) -> Result<()> {
    c.prepare_cached(
        "WITH RECURSIVE t(id, lvl) AS (
             SELECT c.id, coalesce((SELECT p.level + 1 FROM goods_categories p WHERE p.id = c.pid), 1)
               FROM goods_categories c WHERE c.id = ?1
             UNION SELECT ch.id, t.lvl + 1 FROM goods_categories ch JOIN t ON ch.pid = t.id)
         UPDATE goods_categories SET level = (SELECT lvl FROM t WHERE t.id = goods_categories.id)
         WHERE id IN (SELECT id FROM t)",
    )?
    .execute([id])?;
    Ok(())
}

/// How many direct children and goods a category has (a category in use cannot be deleted).
pub fn category_usage(c: &Connection, id: i64) -> Result<(i64, i64)> {
    Ok(c.prepare_cached(
        "SELECT (SELECT count(*) FROM goods_categories WHERE pid = ?1),
                (SELECT count(*) FROM goods WHERE category_id = ?1)",
    )?
    .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

pub fn delete_category(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.prepare_cached("DELETE FROM goods_categories WHERE id = ?1")?.execute([id])? == 1)
}
