//! Purchase limits (限购): at most so many pieces of a goods (or one SKU) per order, or per
//! shopper within some natural days, weeks, months or years, or ever; optionally only for the
//! holders of one member level. Orders count a shopper's purchases against [`rules`].

use rusqlite::Connection;
use time::{Date, Duration, Month, OffsetDateTime, Time};

use crate::db::catalog;
use crate::db::goods_rules::{self, LimitRow, NewLimit};
use crate::service::catalog::{key_text, parse_key};
use crate::service::error::{Entity, Error, Result};

/// The period a limit counts over; the codes are the stored `unit` (0–2 are the real API's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitUnit {
    Day = 0,
    Month = 1,
    Year = 2,
    Week = 3,
    Order = 4,
    Ever = 5,
}

impl LimitUnit {
    pub fn from_code(code: i64) -> Option<LimitUnit> {
        Some(match code {
            0 => LimitUnit::Day,
            1 => LimitUnit::Month,
            2 => LimitUnit::Year,
            3 => LimitUnit::Week,
            4 => LimitUnit::Order,
            5 => LimitUnit::Ever,
            _ => return None,
        })
    }

    pub fn code(self) -> i64 {
        self as i64
    }

    /// The label the real API answers as `unitStr`.
    pub fn label(self) -> &'static str {
        match self {
            LimitUnit::Day => "自然日",
            LimitUnit::Month => "自然月",
            LimitUnit::Year => "自然年",
            LimitUnit::Week => "自然周",
            LimitUnit::Order => "每单",
            LimitUnit::Ever => "永久",
        }
    }

    /// Every unit, for forms.
    pub const ALL: [LimitUnit; 6] = [
        LimitUnit::Order,
        LimitUnit::Day,
        LimitUnit::Week,
        LimitUnit::Month,
        LimitUnit::Year,
        LimitUnit::Ever,
    ];
}

/// One limit as checkout applies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitRule {
    pub id: i64,
    pub goods_id: i64,
    /// None = every SKU of the goods together.
    pub sku_id: Option<i64>,
    /// The SKU's "pid:cid," key; None for the whole goods.
    pub property_child_ids: Option<String>,
    /// None = every shopper; else only holders of this member level.
    pub user_level_id: Option<i64>,
    pub user_level_name: Option<String>,
    pub unit: LimitUnit,
    /// How many units the window spans (3 自然日 = today and the two days before).
    pub duration: i64,
    /// At most this many pieces within the window (or in one order).
    pub buy_numbers: i64,
}

impl LimitRule {
    fn from_row(r: LimitRow) -> LimitRule {
        LimitRule {
            id: r.id,
            goods_id: r.goods_id,
            sku_id: r.sku_id,
            property_child_ids: r.property_child_ids,
            user_level_id: r.user_level_id,
            user_level_name: r.user_level_name,
            unit: LimitUnit::from_code(r.unit).unwrap_or(LimitUnit::Order),
            duration: r.duration.max(1),
            buy_numbers: r.buy_numbers,
        }
    }

    /// Unix second from which a shopper's purchases count against this rule, in the shop's time
    /// zone (UTC+8); 0 for "ever"; None for a per-order limit (only the order itself counts).
    pub fn window_start(&self, now: i64) -> Option<i64> {
        let offset = time::macros::offset!(+8);
        let today = OffsetDateTime::from_unix_timestamp(now).ok()?.to_offset(offset).date();
        let back = self.duration.max(1) - 1;
        let start: Date = match self.unit {
            LimitUnit::Order => return None,
            LimitUnit::Ever => return Some(0),
            LimitUnit::Day => today - Duration::days(back),
            LimitUnit::Week => {
                today
                    - Duration::days(i64::from(today.weekday().number_days_from_monday()))
                    - Duration::weeks(back)
            }
            LimitUnit::Month => {
                let months = i64::from(today.year()) * 12 + today.month() as i64 - 1 - back;
                let month = Month::try_from(u8::try_from(months.rem_euclid(12) + 1).ok()?).ok()?;
                Date::from_calendar_date(i32::try_from(months.div_euclid(12)).ok()?, month, 1).ok()?
            }
            LimitUnit::Year => {
                Date::from_calendar_date(today.year() - i32::try_from(back).ok()?, Month::January, 1).ok()?
            }
        };
        Some(start.with_time(Time::MIDNIGHT).assume_offset(offset).unix_timestamp())
    }
}

/// The limits that apply to buying `goods_id` with the spec `sku_key` (None for goods without
/// specs): the whole goods' rules and that SKU's. 404 for an unknown goods; a key that is not one
/// of its SKUs answers 300 naming propertyChildIds. Empty when nothing is limited.
pub fn rules(c: &Connection, goods_id: i64, sku_key: Option<&str>) -> Result<Vec<LimitRule>> {
    if catalog::goods(c, goods_id)?.is_none() {
        return Err(Error::NotFound(Entity::Goods));
    }
    let sku = sku_for_key(c, goods_id, sku_key)?;
    Ok(goods_rules::limits(c, goods_id)?
        .into_iter()
        .filter(|r| r.sku_id.is_none() || r.sku_id == sku)
        .map(LimitRule::from_row)
        .collect())
}

/// Every limit of the goods, the whole goods' and each SKU's.
pub fn all_rules(c: &Connection, goods_id: i64) -> Result<Vec<LimitRule>> {
    Ok(goods_rules::limits(c, goods_id)?.into_iter().map(LimitRule::from_row).collect())
}

/// The id of the goods' SKU `key` ("2:10,1:4" in any order); None for no key. A key that is not
/// one of the goods' SKUs answers 300 naming propertyChildIds.
pub fn sku_for_key(c: &Connection, goods_id: i64, key: Option<&str>) -> Result<Option<i64>> {
    let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else { return Ok(None) };
    let canonical = key_text(&parse_key(key)?);
    match goods_rules::sku_id(c, goods_id, &canonical)? {
        Some(id) => Ok(Some(id)),
        None => Err(Error::invalid("propertyChildIds", "该商品没有这个规格组合")),
    }
}

/// A limit as the merchant sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LimitInput {
    /// The SKU's key; None = the whole goods.
    pub property_child_ids: Option<String>,
    pub user_level_id: Option<i64>,
    pub unit: i64,
    pub duration: i64,
    pub buy_numbers: i64,
}

/// Most limits one goods may have.
pub const MAX_LIMITS: usize = 50;

/// Replaces the goods' limits; errors name the field and nothing is written.
pub fn save_limits(c: &Connection, goods_id: i64, list: &[LimitInput]) -> Result<()> {
    if catalog::goods(c, goods_id)?.is_none() {
        return Err(Error::NotFound(Entity::Goods));
    }
    if list.len() > MAX_LIMITS {
        return Err(Error::invalid("limits", format!("最多 {MAX_LIMITS} 条限购规则")));
    }
    let mut rows = Vec::with_capacity(list.len());
    for l in list {
        if LimitUnit::from_code(l.unit).is_none() {
            return Err(Error::invalid(
                "unit",
                "应为 0 自然日、1 自然月、2 自然年、3 自然周、4 每单或 5 永久",
            ));
        }
        if !(1..=1000).contains(&l.duration) {
            return Err(Error::invalid("duration", "应在 1 到 1000 之间"));
        }
        if !(1..=1_000_000).contains(&l.buy_numbers) {
            return Err(Error::invalid("buyNumbers", "应在 1 到 1000000 之间"));
        }
        if let Some(level) = l.user_level_id {
            if crate::db::levels::level_by_id(c, level)?.is_none() {
                return Err(Error::invalid("userLevelId", "会员等级不存在"));
            }
        }
        let sku_id = sku_for_key(c, goods_id, l.property_child_ids.as_deref())?;
        rows.push(NewLimit {
            sku_id,
            user_level_id: l.user_level_id,
            unit: l.unit,
            duration: l.duration,
            buy_numbers: l.buy_numbers,
        });
    }
    goods_rules::replace_limits(c, goods_id, &rows)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(unit: LimitUnit, duration: i64) -> LimitRule {
        LimitRule {
            id: 1,
            goods_id: 1,
            sku_id: None,
            property_child_ids: None,
            user_level_id: None,
            user_level_name: None,
            unit,
            duration,
            buy_numbers: 1,
        }
    }

    #[test]
    fn windows_start_at_natural_boundaries_in_the_shops_time_zone() {
        // 2026-11-25 (a Wednesday) 01:30 in Shanghai = 2026-11-24 17:30 UTC.
        let now = 1_795_539_600 + 30 * 60;
        let at = |s: &str| {
            let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
            time::PrimitiveDateTime::parse(s, &f)
                .unwrap()
                .assume_offset(time::macros::offset!(+8))
                .unix_timestamp()
        };
        assert_eq!(crate::db::format_unix(now), "2026-11-25 01:30:00");
        assert_eq!(rule(LimitUnit::Day, 1).window_start(now), Some(at("2026-11-25 00:00:00")));
        assert_eq!(rule(LimitUnit::Day, 3).window_start(now), Some(at("2026-11-23 00:00:00")));
        assert_eq!(rule(LimitUnit::Week, 1).window_start(now), Some(at("2026-11-23 00:00:00")));
        assert_eq!(rule(LimitUnit::Month, 2).window_start(now), Some(at("2026-10-01 00:00:00")));
        assert_eq!(rule(LimitUnit::Month, 12).window_start(now), Some(at("2025-12-01 00:00:00")));
        assert_eq!(rule(LimitUnit::Year, 1).window_start(now), Some(at("2026-01-01 00:00:00")));
        assert_eq!(rule(LimitUnit::Ever, 1).window_start(now), Some(0));
        assert_eq!(rule(LimitUnit::Order, 1).window_start(now), None);
    }
}
