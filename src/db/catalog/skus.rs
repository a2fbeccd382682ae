//! SKUs: one per combination of spec values, each with its own price and stock.

use crate::db::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// What the merchant sets on a SKU.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SkuFields {
    /// The canonical "pid:cid,pid:cid," key (pairs sorted by property id).
    pub property_child_ids: String,
    pub price: i64,
    pub original_price: i64,
    pub score: i64,
    pub stores: i64,
    /// Grams.
    pub weight: i64,
    pub code: String,
}

#[derive(Debug, Clone)]
pub struct SkuRow {
    pub id: i64,
    pub goods_id: i64,
    pub fields: SkuFields,
}

const SKU_COLUMNS: &str =
    "id, goods_id, property_child_ids, price, original_price, score, stores, weight, code";

fn sku_row(r: &Row) -> rusqlite::Result<SkuRow> {
    Ok(SkuRow {
        id: r.get(0)?,
        goods_id: r.get(1)?,
        fields: SkuFields {
            property_child_ids: r.get(2)?,
            price: r.get(3)?,
            original_price: r.get(4)?,
            score: r.get(5)?,
            stores: r.get(6)?,
            weight: r.get(7)?,
            code: r.get(8)?,
        },
    })
}

pub fn insert_sku(c: &Connection, goods_id: i64, f: &SkuFields) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO goods_skus (goods_id, property_child_ids, price, original_price, score, stores,
                                 weight, code)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        goods_id,
        f.property_child_ids,
        f.price,
        f.original_price,
        f.score,
        f.stores,
        f.weight,
        f.code
    ])?;
    Ok(c.last_insert_rowid())
}

/// The goods' SKUs in key order.
pub fn skus(c: &Connection, goods_id: i64) -> Result<Vec<SkuRow>> {
    let mut st =
        c.prepare_cached(&format!("SELECT {SKU_COLUMNS} FROM goods_skus WHERE goods_id = ?1 ORDER BY id"))?;
    let rows = st.query_map([goods_id], sku_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The goods' SKU with the canonical key `property_child_ids`.
pub fn sku(c: &Connection, goods_id: i64, property_child_ids: &str) -> Result<Option<SkuRow>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {SKU_COLUMNS} FROM goods_skus WHERE goods_id = ?1 AND property_child_ids = ?2"
    ))?
    .query_row(params![goods_id, property_child_ids], sku_row)
    .optional()?)
}

/// Rewrites a SKU's price, stock and the rest; the goods row follows by trigger.
pub fn update_sku(c: &Connection, id: i64, f: &SkuFields) -> Result<()> {
    c.prepare_cached(
        "UPDATE goods_skus SET price = ?2, original_price = ?3, score = ?4, stores = ?5, weight = ?6,
                code = ?7
         WHERE id = ?1",
    )?
    .execute(params![id, f.price, f.original_price, f.score, f.stores, f.weight, f.code])?;
    Ok(())
}

/// Stock of one SKU, as the caller worked it out; the goods' total follows by trigger.
pub fn set_sku_stores(c: &Connection, sku_id: i64, stores: i64) -> Result<()> {
    c.prepare_cached("UPDATE goods_skus SET stores = ?2 WHERE id = ?1")?.execute(params![sku_id, stores])?;
    Ok(())
}

pub fn delete_sku(c: &Connection, id: i64) -> Result<()> {
    c.prepare_cached("DELETE FROM goods_skus WHERE id = ?1")?.execute([id])?;
    Ok(())
}
