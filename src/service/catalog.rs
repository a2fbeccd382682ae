//! Catalogue rules that span tables: a goods is created whole (pictures, specs, the SKU matrix) in
//! one transaction, a spec key is read in any order and checked against the goods' own specs, and
//! the shopper sees only goods on the shelf.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;

use crate::db::catalog::{self, CategoryRow, GoodsFields, GoodsRow, PicRow, PropertyRow, SkuFields, SkuRow};
use crate::error::ApiError;

/// Most specs (颜色, 尺码...) one goods may have, and so most pairs in a spec key.
pub const MAX_SPECS: usize = 8;

/// A spec and its values, in display order.
#[derive(Debug, Clone)]
pub struct NewSpec {
    pub name: String,
    pub values: Vec<String>,
}

/// One spec combination: `values` names one value per spec, in the specs' order.
#[derive(Debug, Clone, Default)]
pub struct NewSku {
    pub values: Vec<String>,
    pub price: i64,
    pub original_price: i64,
    pub score: i64,
    pub stores: i64,
    pub weight: i64,
    pub code: String,
}

/// A goods with everything that belongs to it.
#[derive(Debug, Clone, Default)]
pub struct NewGoods {
    pub fields: GoodsFields,
    /// The gallery, in order ("/uploads/…" or absolute URLs).
    pub pics: Vec<String>,
    pub specs: Vec<NewSpec>,
    /// With specs: at least one combination, each at most once.
    pub skus: Vec<NewSku>,
}

/// Creates a goods with its pictures, specs and SKUs; the caller's transaction makes it all or
/// nothing. Errors name the part that is wrong.
pub fn create_goods(c: &Connection, g: &NewGoods, now: i64) -> Result<i64, ApiError> {
    check_new_goods(g)?;
    let id = catalog::insert_goods(c, &g.fields, now)?;
    for (i, pic) in g.pics.iter().enumerate() {
        catalog::insert_pic(c, id, pic, i as i64)?;
    }
    // Value ids by spec, looked up by name to build each SKU's key.
    let mut value_ids: Vec<(i64, HashMap<&str, i64>)> = Vec::new();
    for (i, spec) in g.specs.iter().enumerate() {
        let property_id = catalog::insert_property(c, id, &spec.name, i as i64)?;
        let mut ids = HashMap::new();
        for (j, value) in spec.values.iter().enumerate() {
            ids.insert(value.as_str(), catalog::insert_property_child(c, property_id, value, j as i64)?);
        }
        value_ids.push((property_id, ids));
    }
    for sku in &g.skus {
        let pairs: Vec<(i64, i64)> =
            value_ids.iter().zip(&sku.values).map(|((pid, ids), v)| (*pid, ids[v.as_str()])).collect();
        let fields = SkuFields {
            property_child_ids: key_text(&pairs),
            price: sku.price,
            original_price: sku.original_price,
            score: sku.score,
            stores: sku.stores,
            weight: sku.weight,
            code: sku.code.clone(),
        };
        catalog::insert_sku(c, id, &fields)?;
    }
    Ok(id)
}

fn check_new_goods(g: &NewGoods) -> Result<(), ApiError> {
    let f = &g.fields;
    if f.name.trim().is_empty() {
        return Err(ApiError::Missing("name"));
    }
    for (name, v) in [
        ("stores", f.stores),
        ("minPrice", f.min_price),
        ("originalPrice", f.original_price),
        ("minScore", f.min_score),
        ("weight", f.weight),
    ] {
        if v < 0 {
            return Err(ApiError::invalid(name, "不能为负数"));
        }
    }
    if g.specs.len() > MAX_SPECS {
        return Err(ApiError::invalid("properties", format!("最多 {MAX_SPECS} 个规格")));
    }
    let mut spec_names = HashSet::new();
    for spec in &g.specs {
        if spec.name.trim().is_empty() || !spec_names.insert(spec.name.as_str()) {
            return Err(ApiError::invalid("properties", format!("规格名“{}”为空或重复", spec.name)));
        }
        let mut values = HashSet::new();
        if spec.values.is_empty() || spec.values.iter().any(|v| v.trim().is_empty() || !values.insert(v)) {
            return Err(ApiError::invalid("properties", format!("规格“{}”的规格值为空或重复", spec.name)));
        }
    }
    if g.specs.is_empty() != g.skus.is_empty() {
        return Err(ApiError::invalid("skuList", "有规格的商品必须有 SKU，没有规格的商品不能有 SKU"));
    }
    let mut combos = HashSet::new();
    for sku in &g.skus {
        let fits = sku.values.len() == g.specs.len()
            && sku.values.iter().zip(&g.specs).all(|(v, spec)| spec.values.contains(v));
        if !fits {
            return Err(ApiError::invalid("skuList", format!("SKU {:?} 与商品的规格不符", sku.values)));
        }
        if !combos.insert(&sku.values) {
            return Err(ApiError::invalid("skuList", format!("SKU {:?} 重复", sku.values)));
        }
        if [sku.price, sku.original_price, sku.score, sku.stores, sku.weight].iter().any(|&v| v < 0) {
            return Err(ApiError::invalid(
                "skuList",
                format!("SKU {:?} 的价格、积分、库存和重量不能为负数", sku.values),
            ));
        }
    }
    Ok(())
}

/// Reads a spec key as the client sends it ("2:10,1:4" or "1:4,2:10,", spaces allowed) into
/// (property id, value id) pairs sorted by property id; errors name `propertyChildIds`.
pub fn parse_key(text: &str) -> Result<Vec<(i64, i64)>, ApiError> {
    let bad = |why: String| ApiError::invalid("propertyChildIds", why);
    let mut pairs = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let pair = part.split_once(':').and_then(|(p, c)| {
            let (p, c) = (p.trim().parse::<i64>().ok()?, c.trim().parse::<i64>().ok()?);
            (p > 0 && c > 0).then_some((p, c))
        });
        pairs.push(pair.ok_or_else(|| bad(format!("“{part}”应为“规格id:规格值id”")))?);
        if pairs.len() > MAX_SPECS {
            return Err(bad(format!("最多 {MAX_SPECS} 个规格")));
        }
    }
    pairs.sort_unstable();
    if pairs.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(bad("同一个规格选了两次".into()));
    }
    Ok(pairs)
}

/// The canonical key of sorted pairs: "pid:cid,pid:cid,".
pub fn key_text(pairs: &[(i64, i64)]) -> String {
    let mut sorted = pairs.to_vec();
    sorted.sort_unstable();
    sorted.iter().map(|(p, c)| format!("{p}:{c},")).collect()
}

/// "颜色:白,尺码:L," for a canonical key, from the goods' specs (unknown ids are left out).
pub fn key_names(key: &str, specs: &[PropertyRow]) -> String {
    let mut out = String::new();
    for (pid, cid) in parse_key(key).unwrap_or_default() {
        let Some(spec) = specs.iter().find(|s| s.id == pid) else { continue };
        if let Some(value) = spec.children.iter().find(|v| v.id == cid) {
            out.push_str(&format!("{}:{},", spec.name, value.name));
        }
    }
    out
}

/// A goods a shopper may see: 404 when unknown, "已下架" when off the shelf.
pub fn shown_goods(c: &Connection, id: i64) -> Result<GoodsRow, ApiError> {
    match catalog::goods(c, id)? {
        Some(g) if g.fields.status == 0 => Ok(g),
        Some(_) => Err(ApiError::OffShelf),
        None => Err(ApiError::NotFound("商品")),
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
pub fn goods_page(c: &Connection, id: i64) -> Result<GoodsPage, ApiError> {
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
pub fn quote(c: &Connection, goods_id: i64, key: Option<&str>) -> Result<Quote, ApiError> {
    let goods = shown_goods(c, goods_id)?;
    let pairs = parse_key(key.unwrap_or(""))?;
    let bad = |why: &'static str| Err(ApiError::invalid("propertyChildIds", why));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_keys_are_read_in_any_order_and_written_sorted() {
        assert_eq!(parse_key("2:10,1:4").unwrap(), vec![(1, 4), (2, 10)]);
        assert_eq!(key_text(&parse_key(" 2:10 , 1:4 ,").unwrap()), "1:4,2:10,");
        assert_eq!(key_text(&parse_key("10:3,9:1,").unwrap()), "9:1,10:3,");
        assert!(parse_key("").unwrap().is_empty());
    }

    #[test]
    fn malformed_spec_keys_name_the_parameter() {
        for bad in ["1", "a:b", "1:2,1:3", "0:1", "1:-2", "1:2:3"] {
            let e = parse_key(bad).unwrap_err();
            assert!(e.msg().contains("propertyChildIds"), "{bad}: {}", e.msg());
        }
    }

    #[test]
    fn a_sku_must_pick_one_value_of_each_spec() {
        let g = NewGoods {
            fields: GoodsFields { name: "T恤".into(), ..GoodsFields::default() },
            specs: vec![
                NewSpec { name: "颜色".into(), values: vec!["白".into(), "黑".into()] },
                NewSpec { name: "尺码".into(), values: vec!["M".into()] },
            ],
            skus: vec![NewSku { values: vec!["白".into(), "L".into()], price: 1, ..NewSku::default() }],
            ..NewGoods::default()
        };
        assert!(check_new_goods(&g).unwrap_err().msg().contains("skuList"));
        let mut twice = g.clone();
        twice.skus = vec![NewSku { values: vec!["白".into(), "M".into()], ..NewSku::default() }; 2];
        assert!(check_new_goods(&twice).unwrap_err().msg().contains("重复"));
        let mut fine = g;
        fine.skus[0].values[1] = "M".into();
        check_new_goods(&fine).unwrap();
    }
}
