//! The demo shop's checkout rules: freight templates on the demo goods, and one goods each with
//! price tiers, add-ons and a purchase limit, so every goods-page feature has something to show.

use rusqlite::Connection;

use crate::db::catalog::{self, GoodsRow, MerchantGoodsFilter};
use crate::db::freight::{self, Fees, FreeRule, RegionFees, TemplateFields};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::additions::{self, GroupInput};
use crate::service::limits::{self, LimitInput, LimitUnit};
use crate::service::tiers::{self, TierInput};

/// The demo goods whose name contains `word`.
fn find<'a>(all: &'a [GoodsRow], word: &str) -> Result<&'a GoodsRow, ApiError> {
    all.iter()
        .find(|g| g.fields.name.contains(word))
        .ok_or_else(|| ApiError::Internal(format!("demo goods “{word}” is missing")))
}

/// Adds the rules in one transaction; runs after the demo catalogue exists.
pub fn fill(db: &Db) -> Result<(), ApiError> {
    db.write_sync(|c| {
        let now = db::unix_now();
        let (all, _) = catalog::merchant_goods(c, &MerchantGoodsFilter::default(), 0, 1000)?;
        let express = freight::insert_template(c, &express(), now)?;
        let free = freight::insert_template(
            c,
            &TemplateFields {
                name: "卖家包邮".into(),
                fee_type: 0,
                is_free: true,
                fees: Fees { first_number: 1, first_amount: 0, add_number: 1, add_amount: 0 },
                region_fees: Vec::new(),
                free_rules: Vec::new(),
            },
            now,
        )?;
        let scarf = find(&all, "围巾")?.id;
        for g in &all {
            freight::set_goods_template(c, g.id, Some(if g.id == scarf { free } else { express }))?;
        }
        rules(c, &all)
    })
}

/// By piece: 8 元 for the first, 2 元 each further one; 新疆 and 西藏 15 元 + 5 元; free from 99 元.
fn express() -> TemplateFields {
    TemplateFields {
        name: "全国快递（满 99 元包邮）".into(),
        fee_type: 0,
        is_free: false,
        fees: Fees { first_number: 1, first_amount: 800, add_number: 1, add_amount: 200 },
        region_fees: vec![RegionFees {
            regions: vec!["540000".into(), "650000".into()],
            fees: Fees { first_number: 1, first_amount: 1500, add_number: 1, add_amount: 500 },
        }],
        free_rules: vec![FreeRule { regions: Vec::new(), min_amount: Some(9900), min_number: None }],
    }
}

fn rules(c: &Connection, all: &[GoodsRow]) -> Result<(), ApiError> {
    let honey = find(all, "蜂蜜")?;
    let base = honey.fields.min_price;
    tiers::save_tiers(
        c,
        honey.id,
        &[
            TierInput { property_child_ids: None, number: 3, price: base * 90 / 100 },
            TierInput { property_child_ids: None, number: 6, price: base * 80 / 100 },
        ],
    )?;
    let mug = find(all, "马克杯")?;
    additions::save_additions(
        c,
        mug.id,
        &[
            GroupInput {
                name: "包装".into(),
                required: true,
                multiple: false,
                items: vec![("简易包装".into(), 0), ("礼盒包装".into(), 1500)],
            },
            GroupInput {
                name: "定制".into(),
                required: false,
                multiple: true,
                items: vec![("杯底刻字".into(), 1000), ("加杯垫".into(), 800)],
            },
        ],
    )?;
    let longjing = find(all, "龙井")?;
    limits::save_limits(
        c,
        longjing.id,
        &[
            LimitInput {
                unit: LimitUnit::Order.code(),
                duration: 1,
                buy_numbers: 2,
                ..LimitInput::default()
            },
            LimitInput {
                unit: LimitUnit::Month.code(),
                duration: 1,
                buy_numbers: 5,
                ..LimitInput::default()
            },
        ],
    )?;
    Ok(())
}
