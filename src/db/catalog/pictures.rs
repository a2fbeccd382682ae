//! A goods' picture gallery.

use crate::db::Result;
use rusqlite::{params, Connection};

#[derive(Debug, Clone)]
pub struct PicRow {
    pub id: i64,
    pub goods_id: i64,
    pub pic: String,
    pub paixu: i64,
}

pub fn insert_pic(c: &Connection, goods_id: i64, pic: &str, paixu: i64) -> Result<i64> {
    c.prepare_cached("INSERT INTO goods_pics (goods_id, pic, paixu) VALUES (?1, ?2, ?3)")?
        .execute(params![goods_id, pic, paixu])?;
    Ok(c.last_insert_rowid())
}

/// The goods' gallery in order.
pub fn pics(c: &Connection, goods_id: i64) -> Result<Vec<PicRow>> {
    let mut st = c.prepare_cached(
        "SELECT id, goods_id, pic, paixu FROM goods_pics WHERE goods_id = ?1 ORDER BY paixu, id",
    )?;
    let rows = st.query_map([goods_id], |r| {
        Ok(PicRow { id: r.get(0)?, goods_id: r.get(1)?, pic: r.get(2)?, paixu: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Removes a goods' gallery so it can be written again in its new order.
pub fn delete_pics(c: &Connection, goods_id: i64) -> Result<()> {
    c.prepare_cached("DELETE FROM goods_pics WHERE goods_id = ?1")?.execute([goods_id])?;
    Ok(())
}
