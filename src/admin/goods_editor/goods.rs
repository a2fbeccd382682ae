//! The editor turned into a goods to save, and a stored goods turned into the editor.

use std::collections::HashSet;

use super::form::{check_original, form_fen, stock_typed, whole, Editor, Fields, SkuInput, SpecInput};
use super::specs::{combo_of, read_specs, regenerate, sku_values};
use crate::db::catalog::{GoodsFields, PropertyRow, SkuRow};
use crate::money;
use crate::service::catalog::{NewGoods, NewSku, NewSpec, StockPlan};

/// Turns the editor into a goods to save and how it changes stock; `base` holds the fields the
/// editor does not show.
pub(super) fn to_new_goods(e: &Editor, base: GoodsFields) -> Result<(NewGoods, StockPlan), String> {
    let f = &e.f;
    let specs = read_specs(&e.specs)?;
    let combos: Vec<Vec<String>> = e.skus.iter().map(combo_of).collect();
    // Too many combinations is refused here with its own reason, not as a stale table.
    let expected: Vec<Vec<String>> = regenerate(&specs, &[], "")?.iter().map(combo_of).collect();
    if combos != expected {
        return Err(
            "规格有改动，规格组合表还是旧的：请先点「生成规格组合」，填好新组合的价格和库存后再保存".into()
        );
    }
    let category = whole("分类", &f.category, 0, 0)?;
    let weight = whole("重量", &f.weight, 0, 0)?;
    let logistics = whole("运费模板", &f.logistics, 0, 0)?;
    let mut fields = GoodsFields {
        logistics_id: (logistics > 0).then_some(logistics),
        category_id: (category > 0).then_some(category),
        name: f.name.trim().to_string(),
        characteristic: f.characteristic.trim().to_string(),
        content: f.content.clone(),
        pic: e.pics.first().cloned().unwrap_or_default(),
        tags: f.tags.trim().to_string(),
        purchase_notes: f.purchase_notes.trim().to_string(),
        status: i64::from(!f.on_shelf),
        recommend_status: i64::from(f.recommend),
        paixu: whole("排序", &f.paixu, 0, i64::MIN)?,
        min_buy_number: whole("起购数量", &f.min_buy, 1, 1)?,
        weight,
        ext_json: if f.ext_json.trim().is_empty() { "{}".into() } else { f.ext_json.trim().to_string() },
        ..base
    };
    let mut skus = Vec::new();
    let mut plan = StockPlan::default();
    if specs.is_empty() {
        fields.min_price = form_fen("价格", &f.price, None)?;
        fields.original_price = form_fen("原价", &f.original_price, Some(0))?;
        check_original("", fields.min_price, fields.original_price)?;
        fields.min_score = whole("积分价", &f.score, 0, 0)?;
        plan.goods = stock_typed("库存", &f.stores, &f.stores_was)?;
        // What a new goods starts with; a stored one's stock changes by the plan alone.
        fields.stores = if f.stores_was.trim().is_empty() { plan.goods.fresh(0) } else { 0 };
        if fields.stores < 0 {
            return Err("库存不能为负数".into());
        }
    } else {
        let mut codes = HashSet::new();
        for (row, values) in e.skus.iter().zip(combos) {
            let what = format!("规格「{}」的", values.join(" / "));
            let price = form_fen(&format!("{what}价格"), &row.price, None)?;
            let original_price = form_fen(&format!("{what}原价"), &row.original_price, Some(0))?;
            check_original(&what, price, original_price)?;
            let code = row.code.trim().to_string();
            if code.chars().count() > 50 {
                return Err(format!("{what}编码太长，最多 50 个字"));
            }
            if !code.is_empty() && !codes.insert(code.clone()) {
                return Err(format!("规格编码「{code}」重复了"));
            }
            let stock = stock_typed(&format!("{what}库存"), &row.stores, &row.stores_was)?;
            let fresh = if row.stores_was.trim().is_empty() { stock.fresh(0) } else { 0 };
            if fresh < 0 {
                return Err(format!("{what}库存不能为负数"));
            }
            plan.skus.push(stock);
            skus.push(NewSku {
                price,
                original_price,
                score: whole(&format!("{what}积分"), &row.score, 0, 0)?,
                stores: fresh,
                weight: whole(&format!("{what}重量"), &row.weight, weight, 0)?,
                code,
                values,
            });
        }
        // The goods row's prices and stock follow its SKUs (schema triggers).
        fields.min_price = 0;
        fields.original_price = 0;
        fields.min_score = 0;
        fields.stores = 0;
    }
    Ok((NewGoods { fields, pics: e.pics.clone(), specs, skus }, plan))
}

/// After a refusal for stock that moved: every stock field shows the stock now. A field the
/// merchant left as the page showed takes the new value; a typed number keeps what was typed but
/// is now based on the new value (so saving again writes it knowingly); "+n" / "-n" stay.
pub(super) fn refresh_stock(e: &mut Editor, goods: i64, skus: &[(Vec<String>, i64)]) {
    fn refresh(typed: &mut String, was: &mut String, now: i64) {
        let untouched = typed.trim() == was.trim();
        let number = typed.trim().parse::<i64>().is_ok();
        if untouched {
            *typed = now.to_string();
        }
        if untouched || number {
            *was = now.to_string();
        }
    }
    refresh(&mut e.f.stores, &mut e.f.stores_was, goods);
    for row in &mut e.skus {
        let combo = combo_of(row);
        if let Some((_, now)) = skus.iter().find(|(values, _)| *values == combo) {
            refresh(&mut row.stores, &mut row.stores_was, *now);
        }
    }
}

/// The editor for a stored goods.
pub(super) fn editor_of(
    g: &crate::db::catalog::GoodsRow,
    pics: Vec<String>,
    props: &[PropertyRow],
    skus: &[SkuRow],
) -> Editor {
    let x = &g.fields;
    let specs = props
        .iter()
        .map(|p| SpecInput {
            name: p.name.clone(),
            values: p.children.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join("，"),
        })
        .collect();
    // Rows in the order the table generates them, so an untouched goods saves unchanged.
    let new_specs: Vec<NewSpec> = props
        .iter()
        .map(|p| NewSpec {
            name: p.name.clone(),
            values: p.children.iter().map(|v| v.name.clone()).collect(),
        })
        .collect();
    let stored: Vec<SkuInput> = skus
        .iter()
        .filter_map(|s| {
            let values = sku_values(&s.fields.property_child_ids, props)?;
            Some(SkuInput {
                combo: serde_json::to_string(&values).ok()?,
                price: money::format(s.fields.price),
                original_price: money::format(s.fields.original_price),
                score: s.fields.score.to_string(),
                stores: s.fields.stores.to_string(),
                stores_was: s.fields.stores.to_string(),
                code: s.fields.code.clone(),
                weight: s.fields.weight.to_string(),
            })
        })
        .collect();
    let rows = regenerate(&new_specs, &stored, &x.weight.to_string()).unwrap_or(stored);
    Editor {
        f: Fields {
            name: x.name.clone(),
            category: x.category_id.unwrap_or(0).to_string(),
            characteristic: x.characteristic.clone(),
            tags: x.tags.clone(),
            recommend: x.recommend_status == 1,
            on_shelf: x.status == 0,
            paixu: x.paixu.to_string(),
            min_buy: x.min_buy_number.to_string(),
            weight: x.weight.to_string(),
            logistics: x.logistics_id.unwrap_or(0).to_string(),
            purchase_notes: x.purchase_notes.clone(),
            ext_json: x.ext_json.clone(),
            price: money::format(x.min_price),
            original_price: money::format(x.original_price),
            score: x.min_score.to_string(),
            stores: x.stores.to_string(),
            stores_was: x.stores.to_string(),
            content: x.content.clone(),
            caret: String::new(),
        },
        pics,
        specs,
        skus: rows,
    }
}
