//! Per-day prices and stock, bookable time slots, and goods published by shoppers.
//!
//! Days are 'YYYY-MM-DD' text in the shop's time zone (service::calendar checks them); `sku_id`
//! None is the goods itself. Money is fen.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// A goods' (or SKU's) price and stock on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct DayPrice {
    pub id: i64,
    pub goods_id: i64,
    pub sku_id: Option<i64>,
    pub day: String,
    pub price: i64,
    pub stores: i64,
    /// The goods' calendar version this row's last change moved it to (schema.sql).
    pub version: i64,
}

const DAY_COLUMNS: &str = "id, goods_id, sku_id, day, price, stores, version";

fn day_row(r: &Row) -> rusqlite::Result<DayPrice> {
    Ok(DayPrice {
        id: r.get(0)?,
        goods_id: r.get(1)?,
        sku_id: r.get(2)?,
        day: r.get(3)?,
        price: r.get(4)?,
        stores: r.get(5)?,
        version: r.get(6)?,
    })
}

/// The goods' calendar version: moved on by every change of its days and slots (bookings too).
pub fn calendar_version(c: &Connection, goods_id: i64) -> Result<Option<i64>> {
    Ok(c.prepare_cached("SELECT calendar_version FROM goods WHERE id = ?1")?
        .query_row([goods_id], |r| r.get(0))
        .optional()?)
}

/// Sets the price and stock of one day, replacing what was set before; the caller worked the
/// stock out from the row its write transaction read.
pub fn put_day(
    c: &Connection,
    goods_id: i64,
    sku_id: Option<i64>,
    day: &str,
    price: i64,
    stores: i64,
    now: i64,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO goods_day_prices (goods_id, sku_id, day, price, stores, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (goods_id, ifnull(sku_id, 0), day)
         DO UPDATE SET price = excluded.price, stores = excluded.stores, date_update = excluded.date_update",
    )?
    .execute(params![goods_id, sku_id, day, price, stores, now])?;
    Ok(())
}

/// The day's row of the goods (or SKU).
pub fn day(c: &Connection, goods_id: i64, sku_id: Option<i64>, day: &str) -> Result<Option<DayPrice>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {DAY_COLUMNS} FROM goods_day_prices
         WHERE goods_id = ?1 AND ifnull(sku_id, 0) = ifnull(?2, 0) AND day = ?3"
    ))?
    .query_row(params![goods_id, sku_id, day], day_row)
    .optional()?)
}

/// The goods' (or SKU's) days from `from` to `to` inclusive, in order, at most `limit`.
pub fn days(
    c: &Connection,
    goods_id: i64,
    sku_id: Option<i64>,
    from: &str,
    to: &str,
    limit: i64,
) -> Result<Vec<DayPrice>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {DAY_COLUMNS} FROM goods_day_prices
         WHERE goods_id = ?1 AND ifnull(sku_id, 0) = ifnull(?2, 0) AND day BETWEEN ?3 AND ?4
         ORDER BY day LIMIT ?5"
    ))?;
    let rows = st.query_map(params![goods_id, sku_id, from, to, limit], day_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every day row of a goods from `from` on, whatever the SKU (the console's overview).
pub fn all_days(c: &Connection, goods_id: i64, from: &str, limit: i64) -> Result<Vec<DayPrice>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {DAY_COLUMNS} FROM goods_day_prices WHERE goods_id = ?1 AND day >= ?2
         ORDER BY day, ifnull(sku_id, 0) LIMIT ?3"
    ))?;
    let rows = st.query_map(params![goods_id, from, limit], day_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Removes the goods' (or SKU's) days from `from` to `to`; how many went.
pub fn delete_days(
    c: &Connection,
    goods_id: i64,
    sku_id: Option<i64>,
    from: &str,
    to: &str,
) -> Result<usize> {
    Ok(c.prepare_cached(
        "DELETE FROM goods_day_prices
         WHERE goods_id = ?1 AND ifnull(sku_id, 0) = ifnull(?2, 0) AND day BETWEEN ?3 AND ?4",
    )?
    .execute(params![goods_id, sku_id, from, to])?)
}

/// One bookable slot of a day.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeSlot {
    pub id: i64,
    pub goods_id: i64,
    pub sku_id: Option<i64>,
    pub day: String,
    pub name: String,
    pub price: i64,
    pub stores: i64,
    /// As [`DayPrice::version`].
    pub version: i64,
}

const SLOT_COLUMNS: &str = "id, goods_id, sku_id, day, name, price, stores, version";

fn slot_row(r: &Row) -> rusqlite::Result<TimeSlot> {
    Ok(TimeSlot {
        id: r.get(0)?,
        goods_id: r.get(1)?,
        sku_id: r.get(2)?,
        day: r.get(3)?,
        name: r.get(4)?,
        price: r.get(5)?,
        stores: r.get(6)?,
        version: r.get(7)?,
    })
}

/// Sets a slot's price and stock on a day, adding the slot when the day does not have it yet; the
/// caller worked the stock out from the row its write transaction read.
#[allow(clippy::too_many_arguments)] // one column each: a struct would only rename them
pub fn put_slot(
    c: &Connection,
    goods_id: i64,
    sku_id: Option<i64>,
    day: &str,
    name: &str,
    price: i64,
    stores: i64,
    now: i64,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO goods_time_slots (goods_id, sku_id, day, name, price, stores, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (goods_id, ifnull(sku_id, 0), day, name)
         DO UPDATE SET price = excluded.price, stores = excluded.stores, date_update = excluded.date_update",
    )?
    .execute(params![goods_id, sku_id, day, name, price, stores, now])?;
    Ok(())
}

/// The slots of one day, earliest name first ("09:00-10:00" sorts before "14:00-15:00").
pub fn slots_of_day(c: &Connection, goods_id: i64, sku_id: Option<i64>, day: &str) -> Result<Vec<TimeSlot>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {SLOT_COLUMNS} FROM goods_time_slots
         WHERE goods_id = ?1 AND ifnull(sku_id, 0) = ifnull(?2, 0) AND day = ?3 ORDER BY name, id"
    ))?;
    let rows = st.query_map(params![goods_id, sku_id, day], slot_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The goods' (or SKU's) slots from `from` to `to` inclusive, by day then name.
pub fn slots_between(
    c: &Connection,
    goods_id: i64,
    sku_id: Option<i64>,
    from: &str,
    to: &str,
) -> Result<Vec<TimeSlot>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {SLOT_COLUMNS} FROM goods_time_slots
         WHERE goods_id = ?1 AND ifnull(sku_id, 0) = ifnull(?2, 0) AND day BETWEEN ?3 AND ?4
         ORDER BY day, name, id"
    ))?;
    let rows = st.query_map(params![goods_id, sku_id, from, to], slot_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The days from `from` on that still have a slot with stock, in order, at most `limit`.
pub fn bookable_days(
    c: &Connection,
    goods_id: i64,
    sku_id: Option<i64>,
    from: &str,
    limit: i64,
) -> Result<Vec<String>> {
    let mut st = c.prepare_cached(
        "SELECT DISTINCT day FROM goods_time_slots
         WHERE goods_id = ?1 AND ifnull(sku_id, 0) = ifnull(?2, 0) AND day >= ?3 AND stores > 0
         ORDER BY day LIMIT ?4",
    )?;
    let rows = st.query_map(params![goods_id, sku_id, from, limit], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every slot of a goods from `from` on, whatever the SKU (the console's overview).
pub fn all_slots(c: &Connection, goods_id: i64, from: &str, limit: i64) -> Result<Vec<TimeSlot>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {SLOT_COLUMNS} FROM goods_time_slots WHERE goods_id = ?1 AND day >= ?2
         ORDER BY day, ifnull(sku_id, 0), name LIMIT ?3"
    ))?;
    let rows = st.query_map(params![goods_id, from, limit], slot_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Removes the goods' (or SKU's) slots from `from` to `to`, only those named `name` when given.
pub fn delete_slots(
    c: &Connection,
    goods_id: i64,
    sku_id: Option<i64>,
    from: &str,
    to: &str,
    name: Option<&str>,
) -> Result<usize> {
    Ok(c.prepare_cached(
        "DELETE FROM goods_time_slots
         WHERE goods_id = ?1 AND ifnull(sku_id, 0) = ifnull(?2, 0) AND day BETWEEN ?3 AND ?4
           AND (?5 IS NULL OR name = ?5)",
    )?
    .execute(params![goods_id, sku_id, from, to, name])?)
}

/// Removes one slot of the goods; false when the goods has no such slot.
pub fn delete_slot(c: &Connection, goods_id: i64, id: i64) -> Result<bool> {
    let n = c
        .prepare_cached("DELETE FROM goods_time_slots WHERE id = ?1 AND goods_id = ?2")?
        .execute(params![id, goods_id])?;
    Ok(n == 1)
}

// ---- Order side: what checkout takes and closing gives back.

/// Whether a goods has calendar days / time slots from `from` on (for any SKU).
pub fn calendar_kinds(c: &Connection, goods_id: i64, from: &str) -> Result<(bool, bool)> {
    Ok(c.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM goods_day_prices WHERE goods_id = ?1 AND day >= ?2),
                EXISTS (SELECT 1 FROM goods_time_slots WHERE goods_id = ?1 AND day >= ?2)",
    )?
    .query_row(params![goods_id, from], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// Takes `n` from a day's stock; false when fewer than `n` are left (or the day is not set).
pub fn take_day(c: &Connection, goods_id: i64, sku_id: Option<i64>, day: &str, n: i64) -> Result<bool> {
    let changed = c
        .prepare_cached(
            "UPDATE goods_day_prices SET stores = stores - ?4
             WHERE goods_id = ?1 AND ifnull(sku_id, 0) = ifnull(?2, 0) AND day = ?3 AND stores >= ?4",
        )?
        .execute(params![goods_id, sku_id, day, n])?;
    Ok(changed == 1)
}

/// Takes `n` from a slot's stock; false when fewer than `n` are left (or there is no such slot).
pub fn take_slot(
    c: &Connection,
    goods_id: i64,
    sku_id: Option<i64>,
    day: &str,
    name: &str,
    n: i64,
) -> Result<bool> {
    let changed = c
        .prepare_cached(
            "UPDATE goods_time_slots SET stores = stores - ?5
             WHERE goods_id = ?1 AND ifnull(sku_id, 0) = ifnull(?2, 0) AND day = ?3 AND name = ?4
               AND stores >= ?5",
        )?
        .execute(params![goods_id, sku_id, day, name, n])?;
    Ok(changed == 1)
}

/// Puts `n` back on a day (nothing when the merchant removed the day meanwhile).
pub fn return_day(c: &Connection, goods_id: i64, sku_id: Option<i64>, day: &str, n: i64) -> Result<()> {
    c.prepare_cached(
        "UPDATE goods_day_prices SET stores = stores + ?4
         WHERE goods_id = ?1 AND ifnull(sku_id, 0) = ifnull(?2, 0) AND day = ?3",
    )?
    .execute(params![goods_id, sku_id, day, n])?;
    Ok(())
}

/// Puts `n` back on a slot (nothing when the merchant removed the slot meanwhile).
pub fn return_slot(
    c: &Connection,
    goods_id: i64,
    sku_id: Option<i64>,
    day: &str,
    name: &str,
    n: i64,
) -> Result<()> {
    c.prepare_cached(
        "UPDATE goods_time_slots SET stores = stores + ?5
         WHERE goods_id = ?1 AND ifnull(sku_id, 0) = ifnull(?2, 0) AND day = ?3 AND name = ?4",
    )?
    .execute(params![goods_id, sku_id, day, name, n])?;
    Ok(())
}

/// Who published a shopper's goods and where its review stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Publisher {
    pub goods_id: i64,
    pub user_id: i64,
    /// 0 awaiting review, 1 approved, 2 rejected.
    pub review: i64,
    pub reason: String,
    pub date_add: i64,
    pub date_review: Option<i64>,
}

const PUBLISHER_COLUMNS: &str = "goods_id, user_id, review, reason, date_add, date_review";

fn publisher_row(r: &Row) -> rusqlite::Result<Publisher> {
    Ok(Publisher {
        goods_id: r.get(0)?,
        user_id: r.get(1)?,
        review: r.get(2)?,
        reason: r.get(3)?,
        date_add: r.get(4)?,
        date_review: r.get(5)?,
    })
}

pub fn insert_publisher(c: &Connection, goods_id: i64, user_id: i64, now: i64) -> Result<()> {
    c.prepare_cached("INSERT INTO goods_publishers (goods_id, user_id, date_add) VALUES (?1, ?2, ?3)")?
        .execute(params![goods_id, user_id, now])?;
    Ok(())
}

/// The publisher of a goods; None for the merchant's own goods.
pub fn publisher(c: &Connection, goods_id: i64) -> Result<Option<Publisher>> {
    Ok(c.prepare_cached(&format!("SELECT {PUBLISHER_COLUMNS} FROM goods_publishers WHERE goods_id = ?1"))?
        .query_row([goods_id], publisher_row)
        .optional()?)
}

/// Records a review decision (or, with review 0, sends the goods back to review).
pub fn set_review(c: &Connection, goods_id: i64, review: i64, reason: &str, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE goods_publishers SET review = ?2, reason = ?3,
                    date_review = CASE WHEN ?2 = 0 THEN NULL ELSE ?4 END
             WHERE goods_id = ?1",
        )?
        .execute(params![goods_id, review, reason, now])?;
    Ok(n == 1)
}

/// One page of a shopper's goods (newest first) and how many there are.
pub fn goods_of(c: &Connection, user_id: i64, offset: i64, limit: i64) -> Result<(Vec<Publisher>, i64)> {
    let total: i64 = c
        .prepare_cached("SELECT count(*) FROM goods_publishers WHERE user_id = ?1")?
        .query_row([user_id], |r| r.get(0))?;
    let mut st = c.prepare_cached(&format!(
        "SELECT {PUBLISHER_COLUMNS} FROM goods_publishers WHERE user_id = ?1
         ORDER BY goods_id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = st.query_map(params![user_id, limit, offset], publisher_row)?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}

/// One page of shoppers' goods in one review state (oldest first: first come, first reviewed).
pub fn by_review(c: &Connection, review: i64, offset: i64, limit: i64) -> Result<(Vec<Publisher>, i64)> {
    let total: i64 = c
        .prepare_cached("SELECT count(*) FROM goods_publishers WHERE review = ?1")?
        .query_row([review], |r| r.get(0))?;
    let mut st = c.prepare_cached(&format!(
        "SELECT {PUBLISHER_COLUMNS} FROM goods_publishers WHERE review = ?1
         ORDER BY goods_id LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = st.query_map(params![review, limit, offset], publisher_row)?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}

/// The main picture of the first goods that shows upload `video_id` (a video's cover); None when
/// no goods shows it or that goods has no picture.
pub fn cover_of_video(c: &Connection, video_id: i64) -> Result<Option<String>> {
    Ok(c.prepare_cached("SELECT pic FROM goods WHERE video_id = ?1 AND pic <> '' ORDER BY id LIMIT 1")?
        .query_row([video_id], |r| r.get(0))
        .optional()?)
}
