//! Freight (运费): the merchant's templates checked and saved, and the quote checkout asks for.
//!
//! A goods with no template (`logistics_id` NULL) needs no delivery and adds no freight, like the
//! real API's `logisticsId: 0`. Lines sharing a template are charged together: pieces (or grams)
//! are summed, a free-shipping rule of the destination is looked for, else the destination's
//! region fees (or the template's default fees) apply: the first fee covers `first_number`, each
//! further `add_number` started adds `add_amount`.

use std::collections::BTreeMap;

use rusqlite::Connection;

use crate::db::freight::{self, Fees, FreeRule, RegionFees, TemplateFields};
use crate::regions::Regions;
use crate::service::error::{Entity, Error, Result};

/// One line of an order or cart, as freight sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreightLine {
    /// The goods' freight template; None = no delivery needed, no freight.
    pub logistics_id: Option<i64>,
    /// Pieces.
    pub number: i64,
    /// Grams per piece (the SKU's weight, else the goods').
    pub unit_weight: i64,
    /// Fen the line costs in all (free-shipping thresholds compare against it).
    pub amount: i64,
}

/// Where the parcel goes: region ids of src/regions.rs; None when not known yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Destination {
    pub province_id: Option<String>,
    pub city_id: Option<String>,
    pub district_id: Option<String>,
}

impl Destination {
    fn ids(&self) -> impl Iterator<Item = &str> {
        [&self.province_id, &self.city_id, &self.district_id].into_iter().flatten().map(String::as_str)
    }

    /// True when `regions` is empty (everywhere) or lists the province, city or district.
    fn within(&self, regions: &[String]) -> bool {
        regions.is_empty() || self.ids().any(|id| regions.iter().any(|r| r == id))
    }

    /// How closely a region list names the destination: 3 district, 2 city, 1 province, 0 none.
    fn closeness(&self, regions: &[String]) -> u8 {
        let has = |id: &Option<String>| id.as_ref().is_some_and(|id| regions.contains(id));
        if has(&self.district_id) {
            3
        } else if has(&self.city_id) {
            2
        } else {
            u8::from(has(&self.province_id))
        }
    }
}

/// What a set of lines costs to ship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreightQuote {
    /// Fen.
    pub amount: i64,
    /// True when some line has a freight template (checkout then needs an address).
    pub needs_logistics: bool,
}

/// The freight of `lines` sent to `dest`, for checkout (orderCreate with or without `calculate`).
///
/// Lines without a template add nothing; lines sharing a template are charged together (pieces or
/// grams summed, free-shipping rules checked against their summed amount and pieces). A template
/// id that no longer exists answers 404 "运费模板不存在"; a negative number or weight answers 300.
pub fn quote(c: &Connection, lines: &[FreightLine], dest: &Destination) -> Result<FreightQuote> {
    // Per template: (pieces, grams, fen).
    let mut groups: BTreeMap<i64, (i64, i64, i64)> = BTreeMap::new();
    for line in lines {
        if line.number < 0 || line.unit_weight < 0 || line.amount < 0 {
            return Err(Error::invalid("number", "数量、重量和金额不能为负数"));
        }
        let Some(id) = line.logistics_id else { continue };
        let g = groups.entry(id).or_default();
        g.0 = g.0.saturating_add(line.number);
        g.1 = g.1.saturating_add(line.number.saturating_mul(line.unit_weight));
        g.2 = g.2.saturating_add(line.amount);
    }
    let mut amount = 0i64;
    for (&id, &(pieces, grams, fen)) in &groups {
        let t = freight::template(c, id)?.ok_or(Error::NotFound(Entity::FreightTemplate))?;
        amount = amount.saturating_add(charge_template(&t.fields, dest, pieces, grams, fen));
    }
    Ok(FreightQuote { amount, needs_logistics: !groups.is_empty() })
}

/// The freight one template charges for lines of `pieces`, `grams` and `fen` in all.
pub fn charge_template(t: &TemplateFields, dest: &Destination, pieces: i64, grams: i64, fen: i64) -> i64 {
    if t.is_free || free_rule_met(&t.free_rules, dest, pieces, fen) {
        return 0;
    }
    let units = if t.fee_type == 1 { grams } else { pieces };
    charge(&fees_for(t, dest), units)
}

fn free_rule_met(rules: &[FreeRule], dest: &Destination, pieces: i64, fen: i64) -> bool {
    rules.iter().any(|r| {
        dest.within(&r.regions)
            && r.min_amount.is_none_or(|min| fen >= min)
            && r.min_number.is_none_or(|min| pieces >= min)
    })
}

/// The fees for a destination: the region row naming it most closely (district, city, province;
/// the first such row), else the template's default fees.
pub fn fees_for(t: &TemplateFields, dest: &Destination) -> Fees {
    let mut best: Option<(u8, &RegionFees)> = None;
    for r in &t.region_fees {
        let score = dest.closeness(&r.regions);
        if score > 0 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, r));
        }
    }
    best.map_or(t.fees, |(_, r)| r.fees)
}

/// First fee for up to `first_number` units, then `add_amount` per `add_number` started.
pub fn charge(f: &Fees, units: i64) -> i64 {
    let over = (units - f.first_number).max(0);
    let steps = (over + f.add_number.max(1) - 1) / f.add_number.max(1);
    f.first_amount.saturating_add(steps.saturating_mul(f.add_amount))
}

/// Longest template name.
pub const MAX_NAME: usize = 50;
/// Most region rows and free rules one template may have.
pub const MAX_RULES: usize = 100;
/// Largest fee, in fen (10,000 元).
const MAX_FEE: i64 = 1_000_000;
/// Largest piece or gram number (1,000 t).
const MAX_NUMBER: i64 = 1_000_000_000;

fn check_fees(name: &'static str, f: &Fees) -> Result<()> {
    if !(1..=MAX_NUMBER).contains(&f.first_number) || !(1..=MAX_NUMBER).contains(&f.add_number) {
        return Err(Error::invalid(name, "首件（首重）和续件（续重）应大于 0"));
    }
    if !(0..=MAX_FEE).contains(&f.first_amount) || !(0..=MAX_FEE).contains(&f.add_amount) {
        return Err(Error::invalid(name, "运费应在 0 到 10000 元之间"));
    }
    Ok(())
}

fn check_regions(name: &'static str, ids: &[String], regions: &Regions) -> Result<()> {
    for id in ids {
        match regions.get(id) {
            Some(r) if r.level <= 2 => {}
            Some(r) => return Err(Error::invalid(name, format!("“{}”是区县，请选择省份或城市", r.name))),
            None => return Err(Error::invalid(name, format!("地区代码“{id}”不存在"))),
        }
    }
    Ok(())
}

/// A template that passed [`check_template`]; only it can be saved.
#[derive(Debug, Clone)]
pub struct CheckedTemplate(TemplateFields);

/// Checks a template as the merchant sent it: the name, fees, region ids (provinces or cities)
/// and free rules; errors name the part that is wrong. Runs outside the write transaction (the
/// region data is request state).
pub fn check_template(mut t: TemplateFields, regions: &Regions) -> Result<CheckedTemplate> {
    let f = &mut t;
    f.name = f.name.trim().to_string();
    if f.name.is_empty() {
        return Err(Error::missing("name"));
    }
    if f.name.chars().count() > MAX_NAME {
        return Err(Error::invalid("name", format!("最多 {MAX_NAME} 个字")));
    }
    if !(0..=1).contains(&f.fee_type) {
        return Err(Error::invalid("feeType", "应为 0（按件数）或 1（按重量）"));
    }
    check_fees("fees", &f.fees)?;
    if f.region_fees.len() > MAX_RULES || f.free_rules.len() > MAX_RULES {
        return Err(Error::invalid("regions", format!("地区运费和包邮条件各最多 {MAX_RULES} 条")));
    }
    for r in &mut f.region_fees {
        r.regions.sort();
        r.regions.dedup();
        if r.regions.is_empty() {
            return Err(Error::invalid("regions", "每条地区运费至少要选一个地区"));
        }
        check_regions("regions", &r.regions, regions)?;
        check_fees("regions", &r.fees)?;
    }
    for r in &mut f.free_rules {
        r.regions.sort();
        r.regions.dedup();
        check_regions("freeRules", &r.regions, regions)?;
        if r.min_amount.is_none() && r.min_number.is_none() {
            return Err(Error::invalid("freeRules", "每条包邮条件要设满多少元或满多少件"));
        }
        if r.min_amount.is_some_and(|a| !(0..=100_000_000).contains(&a)) {
            return Err(Error::invalid("freeRules", "包邮金额应在 0 到 100 万元之间"));
        }
        if r.min_number.is_some_and(|n| !(1..=MAX_NUMBER).contains(&n)) {
            return Err(Error::invalid("freeRules", "包邮件数应大于 0"));
        }
    }
    Ok(CheckedTemplate(t))
}

/// Adds (`id` None) or rewrites a template with its rules; 404 for an unknown id.
pub fn save_template(c: &Connection, id: Option<i64>, t: &CheckedTemplate, now: i64) -> Result<i64> {
    let f = &t.0;
    match id {
        None => Ok(freight::insert_template(c, f, now)?),
        Some(id) if freight::update_template(c, id, f, now)? => Ok(id),
        Some(_) => Err(Error::NotFound(Entity::FreightTemplate)),
    }
}

/// Deletes a template no goods uses; one in use is refused saying how many goods use it.
pub fn delete_template(c: &Connection, id: i64) -> Result<()> {
    if !freight::exists(c, id)? {
        return Err(Error::NotFound(Entity::FreightTemplate));
    }
    let used = freight::goods_using(c, id)?;
    if used > 0 {
        return Err(Error::refused(format!(
            "有 {used} 个商品在用这个运费模板，请先给这些商品换一个模板再删除"
        )));
    }
    freight::delete_template(c, id)?;
    Ok(())
}

/// Checks a goods' `logisticsId`: None or an existing template.
pub fn check_goods_template(c: &Connection, id: Option<i64>) -> Result<()> {
    match id {
        Some(id) if !freight::exists(c, id)? => Err(Error::invalid("logisticsId", "运费模板不存在")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fees(first_number: i64, first_amount: i64, add_number: i64, add_amount: i64) -> Fees {
        Fees { first_number, first_amount, add_number, add_amount }
    }

    fn to(province: &str, city: &str) -> Destination {
        Destination { province_id: Some(province.into()), city_id: Some(city.into()), district_id: None }
    }

    #[test]
    fn the_first_fee_covers_the_first_units_and_each_started_step_adds() {
        let f = fees(1, 800, 2, 300);
        assert_eq!(charge(&f, 0), 800);
        assert_eq!(charge(&f, 1), 800);
        assert_eq!(charge(&f, 2), 1100);
        assert_eq!(charge(&f, 3), 1100);
        assert_eq!(charge(&f, 4), 1400);
    }

    #[test]
    fn the_closest_region_row_wins_and_free_rules_need_every_condition() {
        let t = TemplateFields {
            name: "t".into(),
            fee_type: 0,
            is_free: false,
            fees: fees(1, 1000, 1, 500),
            region_fees: vec![
                RegionFees { regions: vec!["440000".into()], fees: fees(1, 600, 1, 100) },
                RegionFees { regions: vec!["440300".into()], fees: fees(1, 300, 1, 100) },
            ],
            free_rules: vec![FreeRule { regions: vec![], min_amount: Some(9900), min_number: Some(2) }],
        };
        assert_eq!(charge_template(&t, &to("440000", "440100"), 1, 0, 100), 600);
        assert_eq!(charge_template(&t, &to("440000", "440300"), 1, 0, 100), 300);
        assert_eq!(charge_template(&t, &to("110000", "110100"), 2, 0, 100), 1500);
        assert_eq!(charge_template(&t, &Destination::default(), 1, 0, 100), 1000);
        assert_eq!(charge_template(&t, &to("110000", "110100"), 1, 0, 9900), 1000);
        assert_eq!(charge_template(&t, &to("110000", "110100"), 2, 0, 9900), 0);
    }
}
