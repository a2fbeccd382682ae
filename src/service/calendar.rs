//! Calendar goods: a price and stock per day (hotels, tickets) and bookable time slots per day,
//! each for the goods itself or for one of its SKUs. Days are 'YYYY-MM-DD' in the shop's time
//! zone (UTC+8, as every time the shop shows); "today" is that zone's today.

use rusqlite::Connection;
use time::{Date, Duration, OffsetDateTime};

use crate::db::calendar as cal;
use crate::db::catalog::{self, GoodsRow};
use crate::service::catalog::{key_text, parse_key, shown_goods, Applied, EditError, Stock, StockConflict};
use crate::service::error::{Entity, Error, Result};

pub use crate::db::calendar::{DayPrice, TimeSlot};

/// Longest range one write may cover, and most days a shopper's list shows.
pub const MAX_RANGE_DAYS: i64 = 366;
/// Longest slot name ("09:00-10:00", "上午场").
pub const MAX_SLOT_NAME: usize = 20;
/// Most slots one write may set per day.
pub const MAX_SLOTS_PER_DAY: usize = 48;

const DAY_FORMAT: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Today in the shop's time zone.
pub fn today() -> Date {
    OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date()
}

/// A day as stored and answered: "2026-11-23".
pub fn day_text(d: Date) -> String {
    d.format(DAY_FORMAT).unwrap_or_default()
}

/// Reads a 'YYYY-MM-DD' day; errors name the parameter.
pub fn parse_day(name: &'static str, text: &str) -> Result<Date> {
    Date::parse(text.trim(), DAY_FORMAT)
        .map_err(|_| Error::invalid(name, format!("应为 YYYY-MM-DD 格式的日期，收到“{}”", text.trim())))
}

/// Every day from `from` to `to` inclusive; a reversed or too long range is refused.
pub fn day_range(from: &str, to: &str) -> Result<Vec<String>> {
    let (first, last) = (parse_day("from", from)?, parse_day("to", to)?);
    if last < first {
        return Err(Error::invalid("to", "结束日期不能早于开始日期"));
    }
    if (last - first).whole_days() >= MAX_RANGE_DAYS {
        return Err(Error::invalid("to", format!("一次最多设置 {MAX_RANGE_DAYS} 天")));
    }
    let mut out = Vec::new();
    let mut d = first;
    while d <= last {
        out.push(day_text(d));
        d += Duration::days(1);
    }
    Ok(out)
}

fn any_goods(c: &Connection, goods_id: i64) -> Result<GoodsRow> {
    catalog::goods(c, goods_id)?.ok_or(Error::NotFound(Entity::Goods))
}

/// Which calendar a spec key names: None for goods without specs (no key allowed), the SKU's id
/// for goods with specs (a key is required and must be one of the goods' SKUs).
pub fn sku_of_key(c: &Connection, goods: &GoodsRow, key: Option<&str>) -> Result<Option<i64>> {
    let pairs = parse_key(key.unwrap_or(""))?;
    let bad = |why: &'static str| Err(Error::invalid("propertyChildIds", why));
    if goods.property_ids.is_empty() {
        return if pairs.is_empty() { Ok(None) } else { bad("该商品没有规格可选") };
    }
    if pairs.is_empty() {
        return bad("该商品有规格，请先选择规格");
    }
    match catalog::sku(c, goods.id, &key_text(&pairs))? {
        Some(sku) => Ok(Some(sku.id)),
        None => bad("该商品没有这个规格组合"),
    }
}

/// Which calendar a SKU id (goodsPriceDaily's `priceId`) names, checked as [`sku_of_key`].
fn sku_of_id(c: &Connection, goods: &GoodsRow, price_id: Option<i64>) -> Result<Option<i64>> {
    let bad = |why: &'static str| Err(Error::invalid("priceId", why));
    match (goods.property_ids.is_empty(), price_id) {
        (true, None) => Ok(None),
        (true, Some(_)) => bad("该商品没有规格，无需传 priceId"),
        (false, None) => bad("该商品有规格，请传所选规格的 id"),
        (false, Some(id)) => match catalog::skus(c, goods.id)?.into_iter().find(|s| s.id == id) {
            Some(_) => Ok(Some(id)),
            None => bad("该商品没有这个规格"),
        },
    }
}

/// The price and stock of a goods (or the SKU of `sku_key`) on `day`, for checkout: None when the
/// merchant has not set that day. Unknown goods answer 404, a wrong key or day 300. The goods'
/// shelf state is the caller's to check.
pub fn day_price(
    c: &Connection,
    goods_id: i64,
    sku_key: Option<&str>,
    day: &str,
) -> Result<Option<DayPrice>> {
    let day = day_text(parse_day("day", day)?);
    let goods = any_goods(c, goods_id)?;
    let sku_id = sku_of_key(c, &goods, sku_key)?;
    Ok(cal::day(c, goods_id, sku_id, &day)?)
}

/// goodsPriceDaily: an on-shelf goods' days from today on (at most a year), in order.
pub fn shown_days(c: &Connection, goods_id: i64, price_id: Option<i64>) -> Result<Vec<DayPrice>> {
    let goods = shown_goods(c, goods_id)?;
    let sku_id = sku_of_id(c, &goods, price_id)?;
    let from = today();
    let to = from + Duration::days(MAX_RANGE_DAYS - 1);
    Ok(cal::days(c, goods_id, sku_id, &day_text(from), &day_text(to), MAX_RANGE_DAYS)?)
}

/// goodsTimesDays: the days from today on that still have a slot with stock.
pub fn bookable_days(c: &Connection, goods_id: i64, sku_key: Option<&str>) -> Result<Vec<String>> {
    let goods = shown_goods(c, goods_id)?;
    let sku_id = sku_of_key(c, &goods, sku_key)?;
    Ok(cal::bookable_days(c, goods_id, sku_id, &day_text(today()), MAX_RANGE_DAYS)?)
}

/// goodsTimesDayItems: every slot of one day (sold-out ones too, with stock 0).
pub fn day_slots(c: &Connection, goods_id: i64, sku_key: Option<&str>, day: &str) -> Result<Vec<TimeSlot>> {
    let day = day_text(parse_day("day", day)?);
    let goods = shown_goods(c, goods_id)?;
    let sku_id = sku_of_key(c, &goods, sku_key)?;
    Ok(cal::slots_of_day(c, goods_id, sku_id, &day)?)
}

/// One slot of a day by name, for checkout; None when the day has no such slot.
pub fn time_slot(
    c: &Connection,
    goods_id: i64,
    sku_key: Option<&str>,
    day: &str,
    name: &str,
) -> Result<Option<TimeSlot>> {
    let day = day_text(parse_day("day", day)?);
    let goods = any_goods(c, goods_id)?;
    let sku_id = sku_of_key(c, &goods, sku_key)?;
    Ok(cal::slots_of_day(c, goods_id, sku_id, &day)?.into_iter().find(|s| s.name == name))
}

// ---- Orders: what a booking costs, takes and gives back.

/// What a checkout line books on a calendar goods, as the client sends it in `goodsJsonStr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Booking {
    /// `days` (pages/goods-details/day.js): these days, `number / days` units each.
    Days(Vec<String>),
    /// `goodsTimesDay` + `goodsTimesItem` (times02.js): one slot of one day, `number` units.
    Slot { day: String, name: String },
}

/// One booked day (or slot) with its price and the stock it had when priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookedUnit {
    pub day: String,
    /// The slot's name; None for a whole day.
    pub slot: Option<String>,
    /// Fen per unit.
    pub price: i64,
    pub stores: i64,
}

impl BookedUnit {
    /// How the day (and slot) is named to the shopper: "2026-12-01" or "2026-12-01 19:00-20:00".
    pub fn label(&self) -> String {
        match &self.slot {
            Some(name) => format!("{} {name}", self.day),
            None => self.day.clone(),
        }
    }
}

/// A booking priced: `per_unit` units on each of `units`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedBooking {
    pub per_unit: i64,
    pub units: Vec<BookedUnit>,
}

impl PricedBooking {
    /// Fen for all of it.
    pub fn amount(&self) -> i64 {
        self.units.iter().fold(0i64, |s, u| s.saturating_add(u.price.saturating_mul(self.per_unit)))
    }
}

/// Whether a goods sells by calendar from today on: (has days, has time slots).
pub fn calendar_kinds(c: &Connection, goods_id: i64) -> Result<(bool, bool)> {
    Ok(cal::calendar_kinds(c, goods_id, &day_text(today()))?)
}

/// A booked day must be a real day from today on; errors name `goodsJsonStr`.
fn bookable_day(text: &str) -> Result<String> {
    let bad = |why: String| Error::invalid("goodsJsonStr", why);
    let day = Date::parse(text.trim(), DAY_FORMAT)
        .map_err(|_| bad(format!("预订日期应为 YYYY-MM-DD，收到“{}”", text.trim())))?;
    if day < today() {
        return Err(bad(format!("{} 已过，不能预订", day_text(day))));
    }
    Ok(day_text(day))
}

/// Prices what a line books on the goods' (or SKU's) calendar: every day (slot) must be set by
/// the merchant and from today on; `number` units spread evenly over the days. Writes nothing;
/// the stock is checked by the caller (all lines together) and taken by [`take`].
pub fn quote_booking(
    c: &Connection,
    goods: &GoodsRow,
    sku_id: Option<i64>,
    booking: &Booking,
    number: i64,
) -> Result<PricedBooking> {
    let bad = |why: String| Error::invalid("goodsJsonStr", why);
    let name = &goods.fields.name;
    match booking {
        Booking::Days(days) => {
            if days.is_empty() {
                return Err(bad(format!("“{name}”请至少选择一天")));
            }
            if days.len() as i64 > MAX_RANGE_DAYS {
                return Err(bad(format!("一次最多预订 {MAX_RANGE_DAYS} 天")));
            }
            let count = days.len() as i64;
            if number % count != 0 {
                return Err(Error::invalid("number", format!("应为所选天数（{count}）的整数倍")));
            }
            let mut units: Vec<BookedUnit> = Vec::with_capacity(days.len());
            for text in days {
                let day = bookable_day(text)?;
                if units.iter().any(|u| u.day == day) {
                    return Err(bad(format!("{day} 重复选择")));
                }
                let d = cal::day(c, goods.id, sku_id, &day)?
                    .ok_or_else(|| bad(format!("“{name}”{day} 不可预订")))?;
                units.push(BookedUnit { day, slot: None, price: d.price, stores: d.stores });
            }
            Ok(PricedBooking { per_unit: number / count, units })
        }
        Booking::Slot { day, name: slot } => {
            let day = bookable_day(day)?;
            let s = cal::slots_of_day(c, goods.id, sku_id, &day)?
                .into_iter()
                .find(|s| s.name == slot.trim())
                .ok_or_else(|| bad(format!("“{name}”{day} 没有“{}”时段", slot.trim())))?;
            let unit = BookedUnit { day, slot: Some(s.name), price: s.price, stores: s.stores };
            Ok(PricedBooking { per_unit: number, units: vec![unit] })
        }
    }
}

/// Takes one booked unit's stock in the caller's transaction by a conditional UPDATE; false
/// when fewer than `n` are left (another order took them first).
pub fn take(c: &Connection, goods_id: i64, sku_id: Option<i64>, unit: &BookedUnit, n: i64) -> Result<bool> {
    Ok(match &unit.slot {
        Some(name) => cal::take_slot(c, goods_id, sku_id, &unit.day, name, n)?,
        None => cal::take_day(c, goods_id, sku_id, &unit.day, n)?,
    })
}

/// Gives a booking's units back to its day (slot) once: false when they were already given back.
pub fn give_back(c: &Connection, b: &crate::db::order::BookingRow) -> Result<bool> {
    if !crate::db::order::mark_booking_returned(c, b.id)? {
        return Ok(false);
    }
    let k = &b.booking;
    match &k.slot {
        Some(name) => cal::return_slot(c, k.goods_id, k.sku_id, &k.day, name, k.number)?,
        None => cal::return_day(c, k.goods_id, k.sku_id, &k.day, k.number)?,
    }
    Ok(true)
}

/// Most stock one day or slot may hold.
pub const MAX_DAY_STOCK: i64 = 1_000_000;

/// A price and stock for every day of a range. Days and slots are booked by shoppers while the
/// merchant edits, so stock is never written from an old read: `stores` says how it changes, and
/// a stock set as a number over days already set is checked against `based_on`.
#[derive(Debug, Clone)]
pub struct DaySetting {
    pub from: String,
    pub to: String,
    /// Fen; None leaves the price of days already set (a day not set yet needs one).
    pub price: Option<i64>,
    /// Keep leaves the stock of days already set (a day not set yet needs one); Put sets it; Add
    /// adds to (or takes from) each day, a day not set yet starting from 0.
    pub stores: Stock,
    /// The goods' calendar version the edit was read at: a day changed since (a booking, another
    /// edit) is not overwritten by a Put. Without it a Put may only create days.
    pub based_on: Option<i64>,
}

fn check_price_stock(price: Option<i64>, stores: Stock) -> Result<()> {
    if price.is_some_and(|p| p < 0) {
        return Err(Error::invalid("price", "不能为负数"));
    }
    let bad = match stores {
        Stock::Keep => false,
        Stock::Set { to, .. } | Stock::Put(to) => !(0..=MAX_DAY_STOCK).contains(&to),
        Stock::Add(n) => !(-MAX_DAY_STOCK..=MAX_DAY_STOCK).contains(&n),
    };
    if bad {
        return Err(Error::invalid("stores", format!("应在 0 到 {MAX_DAY_STOCK} 之间")));
    }
    Ok(())
}

/// The stock an edit writes over a day or slot that exists (`stores` now, `version` its stamp),
/// or the conflict it runs into.
fn stock_over(
    edit: Stock,
    based_on: Option<i64>,
    stores: i64,
    version: i64,
    what: impl FnOnce() -> (String, String),
) -> Result<Result<i64, StockConflict>, EditError> {
    let moved = match (edit, based_on) {
        (Stock::Put(_) | Stock::Set { .. }, None) => return Err(EditError::NeedsVersion),
        (Stock::Put(_) | Stock::Set { .. }, Some(v)) => version > v,
        _ => false,
    };
    let applied = if moved { Applied::Conflict } else { edit.over(stores) };
    Ok(match applied {
        Applied::Leave => Ok(stores),
        Applied::Write(n) if n <= MAX_DAY_STOCK => Ok(n),
        Applied::Write(_) | Applied::Conflict => {
            let (what, key) = what();
            Err(StockConflict { what, key, now: stores, edit })
        }
    })
}

/// The stock a new day or slot starts with; a price and a stock are needed for one.
fn fresh_stock(edit: Stock, what: &str) -> Result<i64> {
    let n = match edit {
        Stock::Keep => return Err(Error::invalid("stores", format!("{what}还没有设置过，需要填写库存"))),
        other => other.fresh(0),
    };
    if n < 0 {
        return Err(Error::invalid("stores", format!("{what}还没有设置过，库存不能为负数")));
    }
    Ok(n)
}

/// Sets the price and stock of every day in the range as `s` says; how many days. A day whose
/// stock changed since `s.based_on`, or would go below zero, refuses the whole range.
pub fn set_days(
    c: &Connection,
    goods_id: i64,
    sku_key: Option<&str>,
    s: &DaySetting,
    now: i64,
) -> Result<usize, EditError> {
    let goods = any_goods(c, goods_id)?;
    let sku_id = sku_of_key(c, &goods, sku_key)?;
    let days = day_range(&s.from, &s.to)?;
    check_price_stock(s.price, s.stores)?;
    let set = cal::days(c, goods_id, sku_id, &days[0], &days[days.len() - 1], MAX_RANGE_DAYS)?;
    let mut conflicts = Vec::new();
    for day in &days {
        let (price, stores) = if let Some(d) = set.iter().find(|d| &d.day == day) {
            let what = || (format!("{day} 的库存"), day.clone());
            match stock_over(s.stores, s.based_on, d.stores, d.version, what)? {
                Ok(n) => (s.price.unwrap_or(d.price), n),
                Err(conflict) => {
                    conflicts.push(conflict);
                    continue;
                }
            }
        } else {
            let price = s
                .price
                .ok_or_else(|| Error::invalid("price", format!("{day} 还没有设置过，需要填写价格")))?;
            (price, fresh_stock(s.stores, &format!("{day} "))?)
        };
        cal::put_day(c, goods_id, sku_id, day, price, stores, now)?;
    }
    if !conflicts.is_empty() {
        return Err(EditError::Stale(conflicts));
    }
    Ok(days.len())
}

/// Removes the days of a range; how many there were.
pub fn remove_days(
    c: &Connection,
    goods_id: i64,
    sku_key: Option<&str>,
    from: &str,
    to: &str,
) -> Result<usize> {
    let goods = any_goods(c, goods_id)?;
    let sku_id = sku_of_key(c, &goods, sku_key)?;
    let days = day_range(from, to)?;
    Ok(cal::delete_days(c, goods_id, sku_id, &days[0], &days[days.len() - 1])?)
}

/// A slot to offer on each day of a range; `price` and `stores` as in [`DaySetting`].
#[derive(Debug, Clone)]
pub struct NewSlot {
    pub name: String,
    /// Fen.
    pub price: Option<i64>,
    pub stores: Stock,
}

/// Sets the slots on every day of the range: each named slot is added or gets the new price and
/// stock; other slots of those days stay. How many day-slots were written. As [`set_days`], a
/// slot whose stock changed since `based_on`, or would go below zero, refuses the whole write.
#[allow(clippy::too_many_arguments)] // the range, the slots and what they were based on
pub fn set_slots(
    c: &Connection,
    goods_id: i64,
    sku_key: Option<&str>,
    from: &str,
    to: &str,
    slots: &[NewSlot],
    based_on: Option<i64>,
    now: i64,
) -> Result<usize, EditError> {
    let goods = any_goods(c, goods_id)?;
    let sku_id = sku_of_key(c, &goods, sku_key)?;
    let days = day_range(from, to)?;
    if slots.is_empty() {
        return Err(Error::missing("slots").into());
    }
    if slots.len() > MAX_SLOTS_PER_DAY {
        return Err(Error::invalid("slots", format!("每天最多 {MAX_SLOTS_PER_DAY} 个时段")).into());
    }
    let mut names = std::collections::HashSet::new();
    for s in slots {
        let name = s.name.trim();
        if name.is_empty() || name.chars().count() > MAX_SLOT_NAME {
            return Err(Error::invalid("name", format!("时段名称不能为空，最多 {MAX_SLOT_NAME} 个字")).into());
        }
        if !names.insert(name) {
            return Err(Error::invalid("name", format!("时段“{name}”重复")).into());
        }
        check_price_stock(s.price, s.stores)?;
    }
    let set = cal::slots_between(c, goods_id, sku_id, &days[0], &days[days.len() - 1])?;
    let mut conflicts = Vec::new();
    for day in &days {
        for s in slots {
            let name = s.name.trim();
            let (price, stores) = if let Some(t) = set.iter().find(|t| &t.day == day && t.name == name) {
                let what = || (format!("{day} {name} 的库存"), format!("{day} {name}"));
                match stock_over(s.stores, based_on, t.stores, t.version, what)? {
                    Ok(n) => (s.price.unwrap_or(t.price), n),
                    Err(conflict) => {
                        conflicts.push(conflict);
                        continue;
                    }
                }
            } else {
                let price = s.price.ok_or_else(|| {
                    Error::invalid("price", format!("{day} {name} 还没有设置过，需要填写价格"))
                })?;
                (price, fresh_stock(s.stores, &format!("{day} {name} "))?)
            };
            cal::put_slot(c, goods_id, sku_id, day, name, price, stores, now)?;
        }
    }
    if !conflicts.is_empty() {
        return Err(EditError::Stale(conflicts));
    }
    Ok(days.len() * slots.len())
}

/// Removes the slots of a range (only those named `name` when given); how many went.
pub fn remove_slots(
    c: &Connection,
    goods_id: i64,
    sku_key: Option<&str>,
    from: &str,
    to: &str,
    name: Option<&str>,
) -> Result<usize> {
    let goods = any_goods(c, goods_id)?;
    let sku_id = sku_of_key(c, &goods, sku_key)?;
    let days = day_range(from, to)?;
    Ok(cal::delete_slots(c, goods_id, sku_id, &days[0], &days[days.len() - 1], name)?)
}

/// The canonical spec key of a SKU id of the goods ("" for the goods itself): how views name it.
pub fn key_of_sku(c: &Connection, goods_id: i64, sku_id: Option<i64>) -> Result<String> {
    let Some(id) = sku_id else { return Ok(String::new()) };
    Ok(catalog::skus(c, goods_id)?
        .into_iter()
        .find(|s| s.id == id)
        .map(|s| s.fields.property_child_ids)
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_inclusive_and_bounded() {
        assert_eq!(
            day_range("2026-02-27", "2026-03-01").unwrap(),
            ["2026-02-27", "2026-02-28", "2026-03-01"]
        );
        assert_eq!(day_range("2026-01-01", "2026-01-01").unwrap().len(), 1);
        assert!(day_range("2026-01-02", "2026-01-01").unwrap_err().to_string().contains("to"));
        assert_eq!(day_range("2026-01-01", "2027-01-01").unwrap().len(), 366);
        assert!(day_range("2026-01-01", "2027-01-02").unwrap_err().to_string().contains("366"));
        assert!(day_range("2026-1-1", "2026-01-02").unwrap_err().to_string().contains("from"));
        assert!(day_range("2026-02-30", "2026-03-02").is_err());
    }
}
