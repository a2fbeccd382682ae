//! Shoppers waiting for sold-out goods (到货通知): one row per shopper, goods and SKU.

use rusqlite::{params, Connection, OptionalExtension};

use super::Result;

/// Stock of the goods (`sku_id` 0) or of its SKU; None when there is no such goods or SKU.
pub fn stock_of(c: &Connection, goods_id: i64, sku_id: i64) -> Result<Option<i64>> {
    let sql = if sku_id == 0 {
        "SELECT stores FROM goods WHERE id = ?1 AND ?2 = 0"
    } else {
        "SELECT stores FROM goods_skus WHERE goods_id = ?1 AND id = ?2"
    };
    Ok(c.query_row(sql, params![goods_id, sku_id], |r| r.get(0)).optional()?)
}

/// Registers the shopper as waiting (again, when told before); the registration's id. Registering
/// while already waiting changes nothing.
pub fn register(c: &Connection, user_id: i64, goods_id: i64, sku_id: i64, now: i64) -> Result<i64> {
    Ok(c.query_row(
        "INSERT INTO stock_notices (user_id, goods_id, sku_id, date_add) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id, goods_id, sku_id) DO UPDATE
             SET status = 0, date_add = excluded.date_add, date_notified = NULL WHERE status = 1
         RETURNING id",
        params![user_id, goods_id, sku_id, now],
        |r| r.get(0),
    )
    .optional()?
    .map_or_else(
        || {
            c.query_row(
                "SELECT id FROM stock_notices WHERE user_id = ?1 AND goods_id = ?2 AND sku_id = ?3",
                params![user_id, goods_id, sku_id],
                |r| r.get(0),
            )
        },
        Ok,
    )?)
}

/// A registration as the merchant sees it.
#[derive(Debug, Clone)]
pub struct Notice {
    pub id: i64,
    pub user_id: i64,
    pub nick: String,
    pub mobile: String,
    pub goods_id: i64,
    pub goods_name: String,
    pub sku_id: i64,
    /// The SKU's property ids ("1:2,"), '' for the goods as a whole.
    pub sku_key: String,
    /// 0 waiting, 1 told.
    pub status: i64,
    pub date_add: i64,
    pub date_notified: Option<i64>,
}

const FILTER: &str = "(?1 IS NULL OR n.goods_id = ?1) AND (?2 IS NULL OR n.status = ?2)";

/// Registrations, newest first, of one goods and/or status, a page of them, and how many.
pub fn list(
    c: &Connection,
    goods_id: Option<i64>,
    status: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Notice>, i64)> {
    let mut st = c.prepare(&format!(
        "SELECT n.id, n.user_id, coalesce(u.nick, ''), coalesce(u.mobile, ''), n.goods_id, g.name, n.sku_id,
                coalesce(s.property_child_ids, ''), n.status, n.date_add, n.date_notified
         FROM stock_notices n JOIN goods g ON g.id = n.goods_id LEFT JOIN users u ON u.id = n.user_id
         LEFT JOIN goods_skus s ON s.id = n.sku_id
         WHERE {FILTER} ORDER BY n.id DESC LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = st
        .query_map(params![goods_id, status, limit, offset], |r| {
            Ok(Notice {
                id: r.get(0)?,
                user_id: r.get(1)?,
                nick: r.get(2)?,
                mobile: r.get(3)?,
                goods_id: r.get(4)?,
                goods_name: r.get(5)?,
                sku_id: r.get(6)?,
                sku_key: r.get(7)?,
                status: r.get(8)?,
                date_add: r.get(9)?,
                date_notified: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = c.query_row(
        &format!("SELECT count(*) FROM stock_notices n WHERE {FILTER}"),
        params![goods_id, status],
        |r| r.get(0),
    )?;
    Ok((rows, total))
}

/// Waiting registrations whose goods (on the shelf) or SKU has stock again, oldest first, at most
/// `limit`: (id, user, goods).
pub fn back_in_stock(c: &Connection, limit: i64) -> Result<Vec<(i64, i64, i64)>> {
    let mut st = c.prepare(
        "SELECT n.id, n.user_id, n.goods_id FROM stock_notices n JOIN goods g ON g.id = n.goods_id
         LEFT JOIN goods_skus s ON s.id = n.sku_id AND s.goods_id = n.goods_id
         WHERE n.status = 0 AND g.status = 0
           AND (CASE WHEN n.sku_id = 0 THEN g.stores ELSE coalesce(s.stores, 0) END) > 0
         ORDER BY n.id LIMIT ?1",
    )?;
    let rows = st
        .query_map([limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Marks a registration told; false when it was already.
pub fn mark_notified(c: &Connection, id: i64, now: i64) -> Result<bool> {
    Ok(c.execute(
        "UPDATE stock_notices SET status = 1, date_notified = ?2 WHERE id = ?1 AND status = 0",
        params![id, now],
    )? == 1)
}
