//! The stock orders take and give back, and the sales counters paid orders move.

use crate::db::Result;
use rusqlite::{params, Connection};

/// Takes `n` from a goods without specs; false when fewer than `n` are left.
pub fn take_goods_stock(c: &Connection, goods_id: i64, n: i64) -> Result<bool> {
    let changed = c
        .prepare_cached("UPDATE goods SET stores = stores - ?2 WHERE id = ?1 AND stores >= ?2")?
        .execute(params![goods_id, n])?;
    Ok(changed == 1)
}

/// Takes `n` from a SKU (the goods' total follows by trigger); false when fewer than `n` are left.
pub fn take_sku_stock(c: &Connection, sku_id: i64, n: i64) -> Result<bool> {
    let changed = c
        .prepare_cached("UPDATE goods_skus SET stores = stores - ?2 WHERE id = ?1 AND stores >= ?2")?
        .execute(params![sku_id, n])?;
    Ok(changed == 1)
}

/// Puts `n` back on a goods without specs (nothing when it was deleted meanwhile).
pub fn return_goods_stock(c: &Connection, goods_id: i64, n: i64) -> Result<()> {
    c.prepare_cached("UPDATE goods SET stores = stores + ?2 WHERE id = ?1")?.execute(params![goods_id, n])?;
    Ok(())
}

/// Puts `n` back on a SKU (nothing when it was deleted meanwhile).
pub fn return_sku_stock(c: &Connection, sku_id: i64, n: i64) -> Result<()> {
    c.prepare_cached("UPDATE goods_skus SET stores = stores + ?2 WHERE id = ?1")?
        .execute(params![sku_id, n])?;
    Ok(())
}

/// Counts a paid order in its goods' sales: each goods sold its lines' pieces more and is in one
/// more order, however many of its SKUs the order has.
pub fn add_sales(c: &Connection, order_id: i64) -> Result<()> {
    // The order's lines summed per goods first, through the order index: a correlated sum inside
    // the UPDATE let SQLite walk every line ever sold of a hot goods instead.
    let sold: Vec<(i64, i64)> = c
        .prepare_cached(
            "SELECT goods_id, sum(number) FROM order_goods WHERE order_id = ?1 GROUP BY goods_id",
        )?
        .query_map([order_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = c.prepare_cached(
        "UPDATE goods SET number_sells = number_sells + ?2, number_orders = number_orders + 1 WHERE id = ?1",
    )?;
    for (goods_id, number) in sold {
        st.execute([goods_id, number])?;
    }
    Ok(())
}
