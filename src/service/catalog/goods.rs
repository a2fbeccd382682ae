//! A goods as a whole: created in one transaction with its pictures, specs and SKU matrix,
//! replaced whole with its stock as the plan says, put on or off the shelf, deleted.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;

use super::{
    check_json_object, check_len, combinations, key_text, Applied, EditError, NewSku, NewSpec, StockConflict,
    StockPlan, MAX_LINE, MAX_SPECS,
};
use crate::db::catalog::{self, GoodsFields, SkuFields};
use crate::service::error::{Entity, Error, Result};

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
pub fn create_goods(c: &Connection, g: &NewGoods, now: i64) -> Result<i64> {
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

fn check_new_goods(g: &NewGoods) -> Result<()> {
    let f = &g.fields;
    if f.name.trim().is_empty() {
        return Err(Error::missing("name"));
    }
    for (name, v) in [
        ("stores", f.stores),
        ("minPrice", f.min_price),
        ("originalPrice", f.original_price),
        ("minScore", f.min_score),
        ("weight", f.weight),
    ] {
        if v < 0 {
            return Err(Error::invalid(name, "不能为负数"));
        }
    }
    if g.specs.len() > MAX_SPECS {
        return Err(Error::invalid("properties", format!("最多 {MAX_SPECS} 个规格")));
    }
    let mut spec_names = HashSet::new();
    for spec in &g.specs {
        if spec.name.trim().is_empty() || !spec_names.insert(spec.name.as_str()) {
            return Err(Error::invalid("properties", format!("规格名“{}”为空或重复", spec.name)));
        }
        let mut values = HashSet::new();
        if spec.values.is_empty() || spec.values.iter().any(|v| v.trim().is_empty() || !values.insert(v)) {
            return Err(Error::invalid("properties", format!("规格“{}”的规格值为空或重复", spec.name)));
        }
    }
    if g.specs.is_empty() != g.skus.is_empty() {
        return Err(Error::invalid("skuList", "有规格的商品必须有 SKU，没有规格的商品不能有 SKU"));
    }
    let mut combos = HashSet::new();
    for sku in &g.skus {
        let fits = sku.values.len() == g.specs.len()
            && sku.values.iter().zip(&g.specs).all(|(v, spec)| spec.values.contains(v));
        if !fits {
            return Err(Error::invalid("skuList", format!("SKU {:?} 与商品的规格不符", sku.values)));
        }
        if !combos.insert(&sku.values) {
            return Err(Error::invalid("skuList", format!("SKU {:?} 重复", sku.values)));
        }
        if [sku.price, sku.original_price, sku.score, sku.stores, sku.weight].iter().any(|&v| v < 0) {
            return Err(Error::invalid(
                "skuList",
                format!("SKU {:?} 的价格、积分、库存和重量不能为负数", sku.values),
            ));
        }
    }
    Ok(())
}

/// Longest goods name, in characters.
pub const MAX_GOODS_NAME: usize = 100;

/// Longest rich content, in characters.
pub const MAX_CONTENT: usize = 200_000;

/// Rich content as the shop may show it: scripts, event handlers and other active HTML removed.
pub fn sanitize_html(html: &str) -> String {
    ammonia::clean(html)
}

/// The merchant-set fields of a goods: lengths, flags, the category, JSON; content sanitised.
fn check_goods_fields(c: &Connection, f: &mut GoodsFields) -> Result<()> {
    if f.name.trim().is_empty() {
        return Err(Error::missing("name"));
    }
    check_len("name", &f.name, MAX_GOODS_NAME)?;
    check_len("characteristic", &f.characteristic, MAX_LINE)?;
    check_len("tags", &f.tags, MAX_LINE)?;
    check_len("purchaseNotes", &f.purchase_notes, 2000)?;
    check_len("pic", &f.pic, 500)?;
    check_len("content", &f.content, MAX_CONTENT)?;
    if !(0..=1).contains(&f.status) {
        return Err(Error::invalid("status", "应为 0（上架）或 1（下架）"));
    }
    if !(0..=1).contains(&f.recommend_status) {
        return Err(Error::invalid("recommendStatus", "应为 0 或 1"));
    }
    if f.min_buy_number < 1 {
        return Err(Error::invalid("minBuyNumber", "至少为 1"));
    }
    check_json_object("extJson", &f.ext_json)?;
    if let Some(cid) = f.category_id {
        if catalog::category(c, cid)?.is_none() {
            return Err(Error::invalid("categoryId", "分类不存在"));
        }
    }
    crate::service::freight::check_goods_template(c, f.logistics_id)?;
    if let Some(video_id) = f.video_id {
        crate::service::video::check_video(c, video_id, None)?;
    }
    f.content = sanitize_html(&f.content);
    Ok(())
}

/// Creates a goods the merchant sent: [`create_goods`] after the field checks and sanitising.
pub fn add_goods(c: &Connection, mut g: NewGoods, now: i64) -> Result<i64> {
    check_goods_fields(c, &mut g.fields)?;
    if g.pics.len() > 50 {
        return Err(Error::invalid("pics", "最多 50 张图片"));
    }
    if g.specs.len() <= MAX_SPECS && !g.specs.is_empty() && g.skus.is_empty() {
        g.skus = combinations(&g.specs)?.into_iter().map(|values| default_sku(&g.fields, values)).collect();
    }
    create_goods(c, &g, now)
}

/// A generated SKU: the goods' own price, no stock.
fn default_sku(f: &GoodsFields, values: Vec<String>) -> NewSku {
    NewSku {
        values,
        price: f.min_price,
        original_price: f.original_price,
        score: f.min_score,
        weight: f.weight,
        ..NewSku::default()
    }
}

/// Replaces a whole goods: fields, gallery, specs and SKUs, and its stock as `plan` says (never
/// from the fields' `stores`). Specs and values are matched by name, so SKUs whose combination
/// still exists keep their key. With specs but no SKUs sent, the SKU matrix is regenerated: every
/// combination, existing SKUs kept as they are (price and stock), new ones at the goods' price with
/// no stock, vanished ones removed. A stock that moved under the edit refuses it all.
#[allow(clippy::too_many_lines)] // one transaction over every table a goods row owns
pub fn replace_goods(
    c: &Connection,
    id: i64,
    mut g: NewGoods,
    plan: &StockPlan,
    now: i64,
) -> Result<(), EditError> {
    let Some(before) = catalog::goods(c, id)? else {
        return Err(Error::NotFound(Entity::Goods).into());
    };
    check_goods_fields(c, &mut g.fields)?;
    if g.pics.len() > 50 {
        return Err(Error::invalid("pics", "最多 50 张图片").into());
    }
    let regenerate = !g.specs.is_empty() && g.skus.is_empty();
    if regenerate && g.specs.len() <= MAX_SPECS {
        g.skus = combinations(&g.specs)?.into_iter().map(|values| default_sku(&g.fields, values)).collect();
    }
    check_new_goods(&g)?;
    plan.goods.check("stores", "库存")?;
    for s in &plan.skus {
        s.check("skuList", "SKU 的库存")?;
    }
    let mut conflicts = Vec::new();

    catalog::delete_pics(c, id)?;
    for (i, pic) in g.pics.iter().enumerate() {
        catalog::insert_pic(c, id, pic, i as i64)?;
    }
    // Specs by name: kept ones keep their ids (and so their SKUs' keys).
    let old_specs = catalog::properties(c, id)?;
    let mut value_ids: Vec<(i64, HashMap<&str, i64>)> = Vec::new();
    for (i, spec) in g.specs.iter().enumerate() {
        let old = old_specs.iter().find(|p| p.name == spec.name);
        let property_id = match old {
            Some(p) => {
                catalog::set_property(c, p.id, i as i64)?;
                p.id
            }
            None => catalog::insert_property(c, id, &spec.name, i as i64)?,
        };
        let mut ids = HashMap::new();
        for (j, value) in spec.values.iter().enumerate() {
            let kept = old.and_then(|p| p.children.iter().find(|v| &v.name == value));
            let vid = match kept {
                Some(v) => {
                    catalog::set_property_child(c, v.id, j as i64)?;
                    v.id
                }
                None => catalog::insert_property_child(c, property_id, value, j as i64)?,
            };
            ids.insert(value.as_str(), vid);
        }
        if let Some(p) = old {
            for v in p.children.iter().filter(|v| !spec.values.contains(&v.name)) {
                catalog::delete_property_child(c, v.id)?;
            }
        }
        value_ids.push((property_id, ids));
    }
    for p in old_specs.iter().filter(|p| !g.specs.iter().any(|s| s.name == p.name)) {
        catalog::delete_property(c, p.id)?;
    }
    // SKUs by key.
    let old_skus = catalog::skus(c, id)?;
    let mut keys = HashSet::new();
    for (i, sku) in g.skus.iter().enumerate() {
        let stock = plan.skus.get(i).copied().unwrap_or_default();
        let pairs: Vec<(i64, i64)> =
            value_ids.iter().zip(&sku.values).map(|((pid, ids), v)| (*pid, ids[v.as_str()])).collect();
        let mut fields = SkuFields {
            property_child_ids: key_text(&pairs),
            price: sku.price,
            original_price: sku.original_price,
            score: sku.score,
            stores: stock.fresh(sku.stores),
            weight: sku.weight,
            code: sku.code.clone(),
        };
        let what = || format!("规格「{}」的库存", sku.values.join(" / "));
        match old_skus.iter().find(|s| s.fields.property_child_ids == fields.property_child_ids) {
            Some(_) if regenerate => {}
            Some(old) => {
                fields.stores = match stock.over(old.fields.stores) {
                    Applied::Leave => old.fields.stores,
                    Applied::Write(n) => n,
                    Applied::Conflict => {
                        let key = fields.property_child_ids.clone();
                        conflicts.push(StockConflict {
                            what: what(),
                            key,
                            now: old.fields.stores,
                            edit: stock,
                        });
                        old.fields.stores
                    }
                };
                catalog::update_sku(c, old.id, &fields)?;
            }
            None if fields.stores < 0 => {
                return Err(Error::invalid("skuList", format!("{}不能为负数", what())).into());
            }
            None => {
                catalog::insert_sku(c, id, &fields)?;
            }
        }
        keys.insert(fields.property_child_ids);
    }
    for old in old_skus.iter().filter(|s| !keys.contains(&s.fields.property_child_ids)) {
        catalog::delete_sku(c, old.id)?;
    }
    // With SKUs the goods' stock and prices are theirs (the triggers just set them). Without, the
    // goods' own stock is worked out from the stock this transaction read first: for goods that
    // had specs until now, their total (the SKUs' removal just emptied it).
    let mut fields = g.fields;
    if g.specs.is_empty() {
        let was = before.fields.stores;
        let stores = match plan.goods.over(was) {
            Applied::Leave => was,
            Applied::Write(n) => n,
            Applied::Conflict => {
                let what = "库存".to_string();
                conflicts.push(StockConflict { what, key: String::new(), now: was, edit: plan.goods });
                was
            }
        };
        catalog::set_goods_stores(c, id, stores, now)?;
    } else {
        let now_row = catalog::goods(c, id)?.ok_or(Error::NotFound(Entity::Goods))?;
        fields.min_price = now_row.fields.min_price;
        fields.original_price = now_row.fields.original_price;
        fields.min_score = now_row.fields.min_score;
    }
    if !conflicts.is_empty() {
        return Err(EditError::Stale(conflicts));
    }
    catalog::update_goods(c, id, &fields, now)?;
    Ok(())
}

/// Puts goods on (`on`) or off the shelf; unknown ids are refused naming the first.
pub fn set_shelf(c: &Connection, ids: &[i64], on: bool, now: i64) -> Result<()> {
    for &id in ids {
        if !catalog::set_goods_status(c, id, i64::from(!on), now)? {
            return Err(Error::NotFound(Entity::Goods));
        }
    }
    Ok(())
}

/// Deletes goods with everything that belongs to them. Orders keep their own snapshot of each line
/// (`order_goods` has no foreign key to goods), so a deleted goods keeps its orders.
pub fn delete_goods(c: &Connection, ids: &[i64]) -> Result<()> {
    for &id in ids {
        if !catalog::delete_goods(c, id)? {
            return Err(Error::NotFound(Entity::Goods));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(check_new_goods(&g).unwrap_err().to_string().contains("skuList"));
        let mut twice = g.clone();
        twice.skus = vec![NewSku { values: vec!["白".into(), "M".into()], ..NewSku::default() }; 2];
        assert!(check_new_goods(&twice).unwrap_err().to_string().contains("重复"));
        let mut fine = g;
        fine.skus[0].values[1] = "M".into();
        check_new_goods(&fine).unwrap();
    }
}
