//! What a shopper sees of the catalogue: only goods on the shelf, priced by the specs chosen.

use rusqlite::Connection;

use super::{key_names, key_text, parse_key};
use crate::db::catalog::{self, CategoryRow, GoodsRow, PicRow, PropertyRow, SkuRow};
use crate::service::error::{Entity, Error, Result};

/// A goods a shopper may see: 404 when unknown, "已下架" when off the shelf.
pub fn shown_goods(c: &Connection, id: i64) -> Result<GoodsRow> {
    match catalog::goods(c, id)? {
        Some(g) if g.fields.status == 0 => Ok(g),
        Some(_) => Err(Error::OffShelf),
        None => Err(Error::NotFound(Entity::Goods)),
    }
}

/// Everything a goods page shows.
pub struct GoodsPage {
    pub goods: GoodsRow,
    pub pics: Vec<PicRow>,
    pub category: Option<CategoryRow>,
    pub specs: Vec<PropertyRow>,
    pub skus: Vec<SkuRow>,
}

/// The page of an on-shelf goods.
pub fn goods_page(c: &Connection, id: i64) -> Result<GoodsPage> {
    let goods = shown_goods(c, id)?;
    let category = match goods.fields.category_id {
        Some(cid) => catalog::category(c, cid)?,
        None => None,
    };
    Ok(GoodsPage {
        pics: catalog::pics(c, id)?,
        specs: catalog::properties(c, id)?,
        skus: catalog::skus(c, id)?,
        category,
        goods,
    })
}

/// What one choice of specs costs: its SKU, or the goods itself when it has no specs.
pub struct Quote {
    pub goods: GoodsRow,
    /// None for goods without specs.
    pub sku: Option<SkuRow>,
    /// "颜色:白,尺码:L,"; "" without specs.
    pub names: String,
}

/// The price of `goods_id` with the specs in `key` (any order of pairs). Goods without specs
/// answer their own price for an empty key; a key that is not one of the goods' SKUs is refused.
pub fn quote(c: &Connection, goods_id: i64, key: Option<&str>) -> Result<Quote> {
    let goods = shown_goods(c, goods_id)?;
    let pairs = parse_key(key.unwrap_or(""))?;
    let bad = |why: &'static str| Err(Error::invalid("propertyChildIds", why));
    if goods.property_ids.is_empty() {
        if !pairs.is_empty() {
            return bad("该商品没有规格可选");
        }
        return Ok(Quote { goods, sku: None, names: String::new() });
    }
    if pairs.is_empty() {
        return bad("该商品有规格，请先选择规格");
    }
    let key = key_text(&pairs);
    let Some(sku) = catalog::sku(c, goods_id, &key)? else {
        return bad("该商品没有这个规格组合");
    };
    let specs = catalog::properties(c, goods_id)?;
    Ok(Quote { names: key_names(&key, &specs), goods, sku: Some(sku) })
}
