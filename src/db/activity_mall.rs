//! Activity pages (活动商城, `activity_malls`): what the template's pages/huodong shows.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(Debug, Clone, Default)]
pub struct ActivityPage {
    pub id: i64,
    pub title: String,
    pub title_sub: String,
    pub date_start: String,
    pub date_deadline: String,
    pub address: String,
    pub banner_type: String,
    pub coupon_rule_ids: String,
    pub goods_ids: String,
    pub disclaimer_page_key: String,
    /// 0 shown, 1 hidden.
    pub status: i64,
    pub date_add: i64,
    pub date_update: i64,
}

const COLUMNS: &str =
    "id, title, title_sub, date_start, date_deadline, address, banner_type, coupon_rule_ids, \
                       goods_ids, disclaimer_page_key, status, date_add, date_update";

fn page(r: &Row) -> rusqlite::Result<ActivityPage> {
    Ok(ActivityPage {
        id: r.get(0)?,
        title: r.get(1)?,
        title_sub: r.get(2)?,
        date_start: r.get(3)?,
        date_deadline: r.get(4)?,
        address: r.get(5)?,
        banner_type: r.get(6)?,
        coupon_rule_ids: r.get(7)?,
        goods_ids: r.get(8)?,
        disclaimer_page_key: r.get(9)?,
        status: r.get(10)?,
        date_add: r.get(11)?,
        date_update: r.get(12)?,
    })
}

pub fn get(c: &Connection, id: i64) -> Result<Option<ActivityPage>> {
    Ok(c.query_row(&format!("SELECT {COLUMNS} FROM activity_malls WHERE id = ?1"), [id], page).optional()?)
}

/// Every page, newest first.
pub fn all(c: &Connection) -> Result<Vec<ActivityPage>> {
    let mut st = c.prepare_cached(&format!("SELECT {COLUMNS} FROM activity_malls ORDER BY id DESC"))?;
    let rows = st.query_map([], page)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Inserts (`id` None) or replaces page `id`; its id, or None when `id` does not exist.
pub fn save(c: &Connection, id: Option<i64>, p: &ActivityPage, now: i64) -> Result<Option<i64>> {
    let args = params![
        p.title,
        p.title_sub,
        p.date_start,
        p.date_deadline,
        p.address,
        p.banner_type,
        p.coupon_rule_ids,
        p.goods_ids,
        p.disclaimer_page_key,
        p.status,
        now,
        id
    ];
    if id.is_some() {
        let n = c.execute(
            "UPDATE activity_malls SET title = ?1, title_sub = ?2, date_start = ?3, date_deadline = ?4,
                    address = ?5, banner_type = ?6, coupon_rule_ids = ?7, goods_ids = ?8,
                    disclaimer_page_key = ?9, status = ?10, date_update = ?11 WHERE id = ?12",
            args,
        )?;
        return Ok(id.filter(|_| n == 1));
    }
    c.execute(
        "INSERT INTO activity_malls (title, title_sub, date_start, date_deadline, address, banner_type,
                coupon_rule_ids, goods_ids, disclaimer_page_key, status, date_add, date_update, id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
        args,
    )?;
    Ok(Some(c.last_insert_rowid()))
}

pub fn delete(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM activity_malls WHERE id = ?1", [id])? == 1)
}
