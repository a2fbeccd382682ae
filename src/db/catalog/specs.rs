//! Specs: a goods' properties (颜色) and their values (红, XL).

use crate::db::Result;
use rusqlite::{params, Connection};

/// A spec value (红, XL).
#[derive(Debug, Clone)]
pub struct PropertyChildRow {
    pub id: i64,
    pub property_id: i64,
    pub name: String,
    pub paixu: i64,
}

/// A spec (颜色) with its values in order.
#[derive(Debug, Clone)]
pub struct PropertyRow {
    pub id: i64,
    pub goods_id: i64,
    pub name: String,
    pub paixu: i64,
    pub children: Vec<PropertyChildRow>,
}

pub fn insert_property(c: &Connection, goods_id: i64, name: &str, paixu: i64) -> Result<i64> {
    c.prepare_cached("INSERT INTO goods_properties (goods_id, name, paixu) VALUES (?1, ?2, ?3)")?
        .execute(params![goods_id, name, paixu])?;
    Ok(c.last_insert_rowid())
}

pub fn insert_property_child(c: &Connection, property_id: i64, name: &str, paixu: i64) -> Result<i64> {
    c.prepare_cached("INSERT INTO goods_property_children (property_id, name, paixu) VALUES (?1, ?2, ?3)")?
        .execute(params![property_id, name, paixu])?;
    Ok(c.last_insert_rowid())
}

/// The goods' specs, each with its values, in display order.
pub fn properties(c: &Connection, goods_id: i64) -> Result<Vec<PropertyRow>> {
    let mut st = c.prepare_cached(
        "SELECT p.id, p.goods_id, p.name, p.paixu, ch.id, ch.name, ch.paixu
         FROM goods_properties p LEFT JOIN goods_property_children ch ON ch.property_id = p.id
         WHERE p.goods_id = ?1
         ORDER BY p.paixu, p.id, ch.paixu, ch.id",
    )?;
    let mut rows = st.query([goods_id])?;
    let mut out: Vec<PropertyRow> = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if out.last().is_none_or(|p| p.id != id) {
            out.push(PropertyRow {
                id,
                goods_id: r.get(1)?,
                name: r.get(2)?,
                paixu: r.get(3)?,
                children: Vec::new(),
            });
        }
        if let Some(child_id) = r.get::<_, Option<i64>>(4)? {
            let child = PropertyChildRow { id: child_id, property_id: id, name: r.get(5)?, paixu: r.get(6)? };
            if let Some(p) = out.last_mut() {
                p.children.push(child);
            }
        }
    }
    Ok(out)
}

pub fn set_property(c: &Connection, id: i64, paixu: i64) -> Result<()> {
    c.prepare_cached("UPDATE goods_properties SET paixu = ?2 WHERE id = ?1")?.execute(params![id, paixu])?;
    Ok(())
}

pub fn delete_property(c: &Connection, id: i64) -> Result<()> {
    c.prepare_cached("DELETE FROM goods_properties WHERE id = ?1")?.execute([id])?;
    Ok(())
}

pub fn set_property_child(c: &Connection, id: i64, paixu: i64) -> Result<()> {
    c.prepare_cached("UPDATE goods_property_children SET paixu = ?2 WHERE id = ?1")?
        .execute(params![id, paixu])?;
    Ok(())
}

pub fn delete_property_child(c: &Connection, id: i64) -> Result<()> {
    c.prepare_cached("DELETE FROM goods_property_children WHERE id = ?1")?.execute([id])?;
    Ok(())
}
