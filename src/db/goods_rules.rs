//! A goods' checkout rules: purchase limits, price tiers and add-on groups. Each list is written
//! whole by its replace_* function inside the caller's transaction. Money in fen.

use super::Result;
use rusqlite::{params, Connection};

/// A purchase limit as stored; `unit` codes are in schema.sql (goods_limits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitRow {
    pub id: i64,
    pub goods_id: i64,
    /// None = the whole goods.
    pub sku_id: Option<i64>,
    /// The SKU's "pid:cid," key; None for the whole goods.
    pub property_child_ids: Option<String>,
    /// None = every shopper.
    pub user_level_id: Option<i64>,
    /// The level's name; None for every shopper.
    pub user_level_name: Option<String>,
    pub unit: i64,
    pub duration: i64,
    pub buy_numbers: i64,
}

/// A limit to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLimit {
    pub sku_id: Option<i64>,
    pub user_level_id: Option<i64>,
    pub unit: i64,
    pub duration: i64,
    pub buy_numbers: i64,
}

/// The goods' limits (whole goods first, then per SKU).
pub fn limits(c: &Connection, goods_id: i64) -> Result<Vec<LimitRow>> {
    let mut st = c.prepare_cached(
        "SELECT l.id, l.goods_id, l.sku_id, s.property_child_ids, l.user_level_id, v.name, l.unit,
                l.duration, l.buy_numbers
         FROM goods_limits l
         LEFT JOIN goods_skus s ON s.id = l.sku_id
         LEFT JOIN user_levels v ON v.id = l.user_level_id
         WHERE l.goods_id = ?1 ORDER BY l.sku_id IS NOT NULL, l.sku_id, l.id",
    )?;
    let rows = st.query_map([goods_id], |r| {
        Ok(LimitRow {
            id: r.get(0)?,
            goods_id: r.get(1)?,
            sku_id: r.get(2)?,
            property_child_ids: r.get(3)?,
            user_level_id: r.get(4)?,
            user_level_name: r.get(5)?,
            unit: r.get(6)?,
            duration: r.get(7)?,
            buy_numbers: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Replaces all of the goods' limits.
pub fn replace_limits(c: &Connection, goods_id: i64, list: &[NewLimit]) -> Result<()> {
    c.prepare_cached("DELETE FROM goods_limits WHERE goods_id = ?1")?.execute([goods_id])?;
    let mut st = c.prepare_cached(
        "INSERT INTO goods_limits (goods_id, sku_id, user_level_id, unit, duration, buy_numbers)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for l in list {
        st.execute(params![goods_id, l.sku_id, l.user_level_id, l.unit, l.duration, l.buy_numbers])?;
    }
    Ok(())
}

/// A price tier as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierRow {
    pub id: i64,
    pub goods_id: i64,
    pub sku_id: Option<i64>,
    pub property_child_ids: Option<String>,
    /// From this many pieces on…
    pub number: i64,
    /// …each costs this many fen.
    pub price: i64,
}

/// A tier to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTier {
    pub sku_id: Option<i64>,
    pub number: i64,
    pub price: i64,
}

/// The goods' tiers: whole goods first, then per SKU, each by quantity.
pub fn tiers(c: &Connection, goods_id: i64) -> Result<Vec<TierRow>> {
    let mut st = c.prepare_cached(
        "SELECT t.id, t.goods_id, t.sku_id, s.property_child_ids, t.number, t.price
         FROM goods_price_tiers t LEFT JOIN goods_skus s ON s.id = t.sku_id
         WHERE t.goods_id = ?1 ORDER BY t.sku_id IS NOT NULL, t.sku_id, t.number",
    )?;
    let rows = st.query_map([goods_id], |r| {
        Ok(TierRow {
            id: r.get(0)?,
            goods_id: r.get(1)?,
            sku_id: r.get(2)?,
            property_child_ids: r.get(3)?,
            number: r.get(4)?,
            price: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Replaces all of the goods' tiers; a repeated (SKU, number) fails the unique index.
pub fn replace_tiers(c: &Connection, goods_id: i64, list: &[NewTier]) -> Result<()> {
    c.prepare_cached("DELETE FROM goods_price_tiers WHERE goods_id = ?1")?.execute([goods_id])?;
    let mut st = c.prepare_cached(
        "INSERT INTO goods_price_tiers (goods_id, sku_id, number, price) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for t in list {
        st.execute(params![goods_id, t.sku_id, t.number, t.price])?;
    }
    Ok(())
}

/// An add-on choice (微辣, 鸡蛋).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdditionItem {
    pub id: i64,
    pub group_id: i64,
    pub name: String,
    pub price: i64,
}

/// An add-on group (口味) with its items in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdditionGroup {
    pub id: i64,
    pub goods_id: i64,
    pub name: String,
    pub required: bool,
    pub multiple: bool,
    pub items: Vec<AdditionItem>,
}

/// The goods' add-on groups with their items, in display order.
pub fn additions(c: &Connection, goods_id: i64) -> Result<Vec<AdditionGroup>> {
    let mut st = c.prepare_cached(
        "SELECT g.id, g.goods_id, g.name, g.required, g.multiple, i.id, i.name, i.price
         FROM goods_addition_groups g LEFT JOIN goods_addition_items i ON i.group_id = g.id
         WHERE g.goods_id = ?1 ORDER BY g.paixu, g.id, i.paixu, i.id",
    )?;
    let mut rows = st.query([goods_id])?;
    let mut out: Vec<AdditionGroup> = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if out.last().is_none_or(|g| g.id != id) {
            out.push(AdditionGroup {
                id,
                goods_id: r.get(1)?,
                name: r.get(2)?,
                required: r.get(3)?,
                multiple: r.get(4)?,
                items: Vec::new(),
            });
        }
        if let Some(item_id) = r.get::<_, Option<i64>>(5)? {
            let item = AdditionItem { id: item_id, group_id: id, name: r.get(6)?, price: r.get(7)? };
            if let Some(g) = out.last_mut() {
                g.items.push(item);
            }
        }
    }
    Ok(out)
}

pub fn insert_addition_group(
    c: &Connection,
    goods_id: i64,
    name: &str,
    required: bool,
    multiple: bool,
    paixu: i64,
) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO goods_addition_groups (goods_id, name, required, multiple, paixu)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![goods_id, name, required, multiple, paixu])?;
    Ok(c.last_insert_rowid())
}

pub fn update_addition_group(
    c: &Connection,
    id: i64,
    required: bool,
    multiple: bool,
    paixu: i64,
) -> Result<()> {
    c.prepare_cached(
        "UPDATE goods_addition_groups SET required = ?2, multiple = ?3, paixu = ?4 WHERE id = ?1",
    )?
    .execute(params![id, required, multiple, paixu])?;
    Ok(())
}

pub fn delete_addition_group(c: &Connection, id: i64) -> Result<()> {
    c.prepare_cached("DELETE FROM goods_addition_groups WHERE id = ?1")?.execute([id])?;
    Ok(())
}

pub fn insert_addition_item(
    c: &Connection,
    group_id: i64,
    name: &str,
    price: i64,
    paixu: i64,
) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO goods_addition_items (group_id, name, price, paixu) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![group_id, name, price, paixu])?;
    Ok(c.last_insert_rowid())
}

pub fn update_addition_item(c: &Connection, id: i64, price: i64, paixu: i64) -> Result<()> {
    c.prepare_cached("UPDATE goods_addition_items SET price = ?2, paixu = ?3 WHERE id = ?1")?
        .execute(params![id, price, paixu])?;
    Ok(())
}

pub fn delete_addition_item(c: &Connection, id: i64) -> Result<()> {
    c.prepare_cached("DELETE FROM goods_addition_items WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// The id of the goods' SKU with the canonical key, if any.
pub fn sku_id(c: &Connection, goods_id: i64, key: &str) -> Result<Option<i64>> {
    use rusqlite::OptionalExtension;
    Ok(c.prepare_cached("SELECT id FROM goods_skus WHERE goods_id = ?1 AND property_child_ids = ?2")?
        .query_row(params![goods_id, key], |r| r.get(0))
        .optional()?)
}

/// The SKU's goods, if the SKU exists.
pub fn sku_goods(c: &Connection, sku_id: i64) -> Result<Option<(i64, String)>> {
    use rusqlite::OptionalExtension;
    Ok(c.prepare_cached("SELECT goods_id, property_child_ids FROM goods_skus WHERE id = ?1")?
        .query_row([sku_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// What lists show about a goods' rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleFlags {
    pub has_limits: bool,
    pub has_additions: bool,
}

/// The rule flags of each goods in `ids` (goods without rules are left out).
pub fn flags(c: &Connection, ids: &[i64]) -> Result<std::collections::HashMap<i64, RuleFlags>> {
    let mut out = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    // Placeholders, not the ids inlined: one prepared statement per page size, reused by every page.
    let marks = vec!["?"; ids.len()].join(",");
    let mut st = c.prepare_cached(&format!(
        "SELECT g.id,
                EXISTS (SELECT 1 FROM goods_limits l WHERE l.goods_id = g.id),
                EXISTS (SELECT 1 FROM goods_addition_groups a WHERE a.goods_id = g.id)
         FROM goods g WHERE g.id IN ({marks})"
    ))?;
    let mut rows = st.query(rusqlite::params_from_iter(ids.iter()))?;
    while let Some(r) = rows.next()? {
        let f = RuleFlags { has_limits: r.get(1)?, has_additions: r.get(2)? };
        if f != RuleFlags::default() {
            out.insert(r.get(0)?, f);
        }
    }
    Ok(out)
}
