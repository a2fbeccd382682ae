//! Price tiers (阶梯价, priceMultilevels): the unit price falls as the quantity bought rises.
//! Tiers belong to the whole goods or to one SKU; a SKU with tiers of its own uses only those.

use std::collections::HashSet;

use rusqlite::Connection;

use crate::db::catalog;
use crate::db::goods_rules::{self, NewTier, TierRow};
use crate::service::error::{Entity, Error, Result};
use crate::service::limits::sku_for_key;

/// The tiers that apply to one SKU (or to goods without specs), by quantity.
fn applicable(all: Vec<TierRow>, sku: Option<i64>) -> Vec<TierRow> {
    let own: Vec<TierRow> = all.iter().filter(|t| sku.is_some() && t.sku_id == sku).cloned().collect();
    if own.is_empty() {
        all.into_iter().filter(|t| t.sku_id.is_none()).collect()
    } else {
        own
    }
}

/// The unit price in fen of `number` pieces of `goods_id` (spec `sku_key`) whose price without
/// tiers is `base_fen`: the price of the highest tier `number` reaches, never above `base_fen`
/// (a tier is a discount for buying more). A key that is not one of the goods' SKUs answers 300
/// naming propertyChildIds; a number below 1 answers 300 naming number.
pub fn unit_price(
    c: &Connection,
    goods_id: i64,
    sku_key: Option<&str>,
    number: i64,
    base_fen: i64,
) -> Result<i64> {
    if number < 1 {
        return Err(Error::invalid("number", "购买数量至少为 1"));
    }
    let sku = sku_for_key(c, goods_id, sku_key)?;
    let tiers = applicable(goods_rules::tiers(c, goods_id)?, sku);
    let tier = tiers.iter().filter(|t| t.number <= number).max_by_key(|t| t.number);
    Ok(tier.map_or(base_fen, |t| t.price.min(base_fen)))
}

/// The tiers a shopper sees for one SKU (or the goods' own tiers when `sku_key` is None and the
/// goods has no SKU tiers chosen), by quantity.
pub fn tiers_for(c: &Connection, goods_id: i64, sku_key: Option<&str>) -> Result<Vec<TierRow>> {
    let sku = sku_for_key(c, goods_id, sku_key)?;
    Ok(applicable(goods_rules::tiers(c, goods_id)?, sku))
}

/// A tier as the merchant sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TierInput {
    /// The SKU's key; None = the whole goods.
    pub property_child_ids: Option<String>,
    pub number: i64,
    /// Fen per piece.
    pub price: i64,
}

/// Most tiers one goods may have.
pub const MAX_TIERS: usize = 100;

/// Replaces the goods' tiers; errors name the field and nothing is written.
pub fn save_tiers(c: &Connection, goods_id: i64, list: &[TierInput]) -> Result<()> {
    if catalog::goods(c, goods_id)?.is_none() {
        return Err(Error::NotFound(Entity::Goods));
    }
    if list.len() > MAX_TIERS {
        return Err(Error::invalid("tiers", format!("最多 {MAX_TIERS} 档阶梯价")));
    }
    let mut seen = HashSet::new();
    let mut rows = Vec::with_capacity(list.len());
    for t in list {
        if !(2..=1_000_000).contains(&t.number) {
            return Err(Error::invalid("number", "阶梯价的起购数量应在 2 到 1000000 之间"));
        }
        if !(0..=100_000_000).contains(&t.price) {
            return Err(Error::invalid("price", "阶梯单价应在 0 到 100 万元之间"));
        }
        let sku_id = sku_for_key(c, goods_id, t.property_child_ids.as_deref())?;
        if !seen.insert((sku_id, t.number)) {
            return Err(Error::invalid("number", format!("起购数量 {} 重复了", t.number)));
        }
        rows.push(NewTier { sku_id, number: t.number, price: t.price });
    }
    goods_rules::replace_tiers(c, goods_id, &rows)?;
    Ok(())
}
