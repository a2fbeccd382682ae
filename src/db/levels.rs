//! Member levels, their prices, purchases, and the level each shopper holds now.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// A member level as stored.
#[derive(Debug, Clone)]
pub struct Level {
    pub id: i64,
    pub fields: LevelFields,
    pub date_add: i64,
    pub date_update: i64,
}

/// What the merchant edits on a level.
#[derive(Debug, Clone, Default)]
pub struct LevelFields {
    pub name: String,
    pub level: i64,
    pub pic: String,
    pub remark: String,
    /// What a member pays of the list price, in percent (88 = 8.8折).
    pub rebate_percent: i64,
    pub upgrade_send_score: i64,
    /// A JSON object of further benefits, name → text.
    pub ext_json: String,
    pub paixu: i64,
    /// 0 shown, 1 hidden.
    pub status: i64,
}

const LEVEL_COLUMNS: &str =
    "id, name, level, pic, remark, rebate_percent, upgrade_send_score, ext_json, paixu,
    status, date_add, date_update";

fn level(r: &Row) -> rusqlite::Result<Level> {
    Ok(Level {
        id: r.get(0)?,
        fields: LevelFields {
            name: r.get(1)?,
            level: r.get(2)?,
            pic: r.get(3)?,
            remark: r.get(4)?,
            rebate_percent: r.get(5)?,
            upgrade_send_score: r.get(6)?,
            ext_json: r.get(7)?,
            paixu: r.get(8)?,
            status: r.get(9)?,
        },
        date_add: r.get(10)?,
        date_update: r.get(11)?,
    })
}

/// A page of the shown levels in display order, and how many there are.
pub fn shown_levels(c: &Connection, offset: i64, limit: i64) -> Result<(Vec<Level>, i64)> {
    let mut st = c.prepare(&format!(
        "SELECT {LEVEL_COLUMNS} FROM user_levels WHERE status = 0 ORDER BY paixu, level, id LIMIT ?1 OFFSET ?2"
    ))?;
    let rows = st.query_map(params![limit, offset], level)?.collect::<rusqlite::Result<Vec<_>>>()?;
    let total = c.query_row("SELECT count(*) FROM user_levels WHERE status = 0", [], |r| r.get(0))?;
    Ok((rows, total))
}

/// A page of every level (shown and hidden) by level number, and how many there are.
pub fn all_levels(c: &Connection, offset: i64, limit: i64) -> Result<(Vec<Level>, i64)> {
    let mut st =
        c.prepare(&format!("SELECT {LEVEL_COLUMNS} FROM user_levels ORDER BY level, id LIMIT ?1 OFFSET ?2"))?;
    let rows = st.query_map(params![limit, offset], level)?.collect::<rusqlite::Result<Vec<_>>>()?;
    let total = c.query_row("SELECT count(*) FROM user_levels", [], |r| r.get(0))?;
    Ok((rows, total))
}

pub fn level_by_id(c: &Connection, id: i64) -> Result<Option<Level>> {
    Ok(c.query_row(&format!("SELECT {LEVEL_COLUMNS} FROM user_levels WHERE id = ?1"), [id], level)
        .optional()?)
}

/// The level using a level number, if any.
pub fn level_by_number(c: &Connection, number: i64) -> Result<Option<Level>> {
    Ok(c.query_row(&format!("SELECT {LEVEL_COLUMNS} FROM user_levels WHERE level = ?1"), [number], level)
        .optional()?)
}

/// True when a shown level ranks above `number`.
pub fn higher_shown_exists(c: &Connection, number: i64) -> Result<bool> {
    Ok(c.query_row(
        "SELECT EXISTS (SELECT 1 FROM user_levels WHERE status = 0 AND level > ?1)",
        [number],
        |r| r.get(0),
    )?)
}

pub fn insert_level(c: &Connection, f: &LevelFields, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO user_levels (name, level, pic, remark, rebate_percent, upgrade_send_score, ext_json,
             paixu, status, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        params![
            f.name,
            f.level,
            f.pic,
            f.remark,
            f.rebate_percent,
            f.upgrade_send_score,
            f.ext_json,
            f.paixu,
            f.status,
            now
        ],
    )?;
    Ok(c.last_insert_rowid())
}

/// False when there is no such level.
pub fn update_level(c: &Connection, id: i64, f: &LevelFields, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE user_levels SET name = ?2, level = ?3, pic = ?4, remark = ?5, rebate_percent = ?6,
             upgrade_send_score = ?7, ext_json = ?8, paixu = ?9, status = ?10, date_update = ?11
         WHERE id = ?1",
        params![
            id,
            f.name,
            f.level,
            f.pic,
            f.remark,
            f.rebate_percent,
            f.upgrade_send_score,
            f.ext_json,
            f.paixu,
            f.status,
            now
        ],
    )?;
    Ok(n == 1)
}

/// Deletes a level with its prices (purchases keep their copy of the name); false when there was none.
pub fn delete_level(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM user_levels WHERE id = ?1", [id])? == 1)
}

/// How many shoppers hold the level at `now`.
pub fn holders_of(c: &Connection, level_id: i64, now: i64) -> Result<i64> {
    Ok(c.query_row(
        "SELECT count(*) FROM user_levels_current WHERE level_id = ?1 AND date_expire > ?2",
        params![level_id, now],
        |r| r.get(0),
    )?)
}

/// Per level: (level_id, shoppers holding it at `now`, prices).
pub fn level_counts(c: &Connection, now: i64) -> Result<Vec<(i64, i64, i64)>> {
    let mut st = c.prepare(
        "SELECT l.id,
                (SELECT count(*) FROM user_levels_current h WHERE h.level_id = l.id AND h.date_expire > ?1),
                (SELECT count(*) FROM user_level_prices p WHERE p.level_id = l.id)
         FROM user_levels l",
    )?;
    let rows = st.query_map([now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A price of a level as stored.
#[derive(Debug, Clone)]
pub struct Price {
    pub id: i64,
    pub level_id: i64,
    pub fields: PriceFields,
    pub date_add: i64,
    pub date_update: i64,
}

/// What the merchant edits on a price.
#[derive(Debug, Clone, Default)]
pub struct PriceFields {
    pub days: i64,
    pub price_fen: i64,
    /// The crossed-out price shown beside it; 0 for none.
    pub original_price_fen: i64,
    pub paixu: i64,
    /// 0 on sale, 1 hidden.
    pub status: i64,
}

const PRICE_COLUMNS: &str =
    "id, level_id, days, price_fen, original_price_fen, paixu, status, date_add, date_update";

fn price(r: &Row) -> rusqlite::Result<Price> {
    Ok(Price {
        id: r.get(0)?,
        level_id: r.get(1)?,
        fields: PriceFields {
            days: r.get(2)?,
            price_fen: r.get(3)?,
            original_price_fen: r.get(4)?,
            paixu: r.get(5)?,
            status: r.get(6)?,
        },
        date_add: r.get(7)?,
        date_update: r.get(8)?,
    })
}

/// A level's prices in display order; only those on sale when `on_sale_only`.
pub fn prices_of(c: &Connection, level_id: i64, on_sale_only: bool) -> Result<Vec<Price>> {
    let mut st = c.prepare(&format!(
        "SELECT {PRICE_COLUMNS} FROM user_level_prices WHERE level_id = ?1 AND (?2 = 0 OR status = 0)
         ORDER BY paixu, days, id"
    ))?;
    let rows = st.query_map(params![level_id, on_sale_only], price)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn price_by_id(c: &Connection, id: i64) -> Result<Option<Price>> {
    Ok(c.query_row(&format!("SELECT {PRICE_COLUMNS} FROM user_level_prices WHERE id = ?1"), [id], price)
        .optional()?)
}

pub fn insert_price(c: &Connection, level_id: i64, f: &PriceFields, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO user_level_prices (level_id, days, price_fen, original_price_fen, paixu, status,
             date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![level_id, f.days, f.price_fen, f.original_price_fen, f.paixu, f.status, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// False when the level has no such price.
pub fn update_price(c: &Connection, level_id: i64, id: i64, f: &PriceFields, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE user_level_prices SET days = ?3, price_fen = ?4, original_price_fen = ?5, paixu = ?6,
             status = ?7, date_update = ?8
         WHERE id = ?1 AND level_id = ?2",
        params![id, level_id, f.days, f.price_fen, f.original_price_fen, f.paixu, f.status, now],
    )?;
    Ok(n == 1)
}

/// False when the level has no such price.
pub fn delete_price(c: &Connection, level_id: i64, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM user_level_prices WHERE id = ?1 AND level_id = ?2", params![id, level_id])?
        == 1)
}

/// How a purchase came about (`user_level_buys.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuyKind {
    /// A level the shopper did not hold (first one, or a switch).
    New = 0,
    /// The level the shopper holds, extended from its expiry.
    Extend = 1,
    /// Bought again by the job when the level ran out.
    AutoRenew = 2,
}

impl BuyKind {
    fn from_i64(v: i64) -> BuyKind {
        match v {
            1 => BuyKind::Extend,
            2 => BuyKind::AutoRenew,
            _ => BuyKind::New,
        }
    }
}

/// A purchase as stored.
#[derive(Debug, Clone)]
pub struct Buy {
    pub id: i64,
    pub user_id: i64,
    pub level_id: Option<i64>,
    pub price_id: Option<i64>,
    pub level_name: String,
    pub days: i64,
    pub amount_fen: i64,
    pub kind: BuyKind,
    pub is_auto_renew: bool,
    pub remark: String,
    /// 0 awaiting payment, 1 paid.
    pub status: i64,
    pub date_add: i64,
    pub date_expire: i64,
}

const BUY_COLUMNS: &str =
    "id, user_id, level_id, price_id, level_name, days, amount_fen, kind, is_auto_renew,
    remark, status, date_add, date_expire";

fn buy(r: &Row) -> rusqlite::Result<Buy> {
    Ok(Buy {
        id: r.get(0)?,
        user_id: r.get(1)?,
        level_id: r.get(2)?,
        price_id: r.get(3)?,
        level_name: r.get(4)?,
        days: r.get(5)?,
        amount_fen: r.get(6)?,
        kind: BuyKind::from_i64(r.get(7)?),
        is_auto_renew: r.get(8)?,
        remark: r.get(9)?,
        status: r.get(10)?,
        date_add: r.get(11)?,
        date_expire: r.get(12)?,
    })
}

/// Records a paid purchase; returns its id.
pub fn insert_buy(c: &Connection, b: &Buy) -> Result<i64> {
    c.execute(
        "INSERT INTO user_level_buys (user_id, level_id, price_id, level_name, days, amount_fen, kind,
             is_auto_renew, remark, status, date_add, date_expire)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            b.user_id,
            b.level_id,
            b.price_id,
            b.level_name,
            b.days,
            b.amount_fen,
            b.kind as i64,
            b.is_auto_renew,
            b.remark,
            b.status,
            b.date_add,
            b.date_expire
        ],
    )?;
    Ok(c.last_insert_rowid())
}

/// A page of a shopper's purchases, newest first, and how many there are.
pub fn buys_of(c: &Connection, user_id: i64, offset: i64, limit: i64) -> Result<(Vec<Buy>, i64)> {
    let mut st = c.prepare(&format!(
        "SELECT {BUY_COLUMNS} FROM user_level_buys WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = st.query_map(params![user_id, limit, offset], buy)?.collect::<rusqlite::Result<Vec<_>>>()?;
    let total =
        c.query_row("SELECT count(*) FROM user_level_buys WHERE user_id = ?1", [user_id], |r| r.get(0))?;
    Ok((rows, total))
}

/// The level a shopper holds (or held, until the job removes a lapsed one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    pub user_id: i64,
    pub level_id: i64,
    pub price_id: Option<i64>,
    pub auto_renew: bool,
    pub date_expire: i64,
}

const CURRENT_COLUMNS: &str = "user_id, level_id, price_id, auto_renew, date_expire";

fn current(r: &Row) -> rusqlite::Result<Current> {
    Ok(Current {
        user_id: r.get(0)?,
        level_id: r.get(1)?,
        price_id: r.get(2)?,
        auto_renew: r.get(3)?,
        date_expire: r.get(4)?,
    })
}

pub fn current_of(c: &Connection, user_id: i64) -> Result<Option<Current>> {
    Ok(c.query_row(
        &format!("SELECT {CURRENT_COLUMNS} FROM user_levels_current WHERE user_id = ?1"),
        [user_id],
        current,
    )
    .optional()?)
}

/// Sets the shopper's level (replacing any they had).
pub fn set_current(c: &Connection, cur: &Current, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO user_levels_current (user_id, level_id, price_id, auto_renew, date_expire, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
         ON CONFLICT (user_id) DO UPDATE SET level_id = excluded.level_id, price_id = excluded.price_id,
             auto_renew = excluded.auto_renew, date_expire = excluded.date_expire, date_update = excluded.date_update",
        params![cur.user_id, cur.level_id, cur.price_id, cur.auto_renew, cur.date_expire, now],
    )?;
    Ok(())
}

/// Removes the shopper's level if it still expires at `date_expire` (a purchase meanwhile wins).
pub fn remove_current(c: &Connection, user_id: i64, date_expire: i64) -> Result<bool> {
    Ok(c.execute(
        "DELETE FROM user_levels_current WHERE user_id = ?1 AND date_expire = ?2",
        params![user_id, date_expire],
    )? == 1)
}

/// Removes lapsed holdings of a level (before the level itself is deleted).
pub fn remove_lapsed_of_level(c: &Connection, level_id: i64, now: i64) -> Result<usize> {
    Ok(c.execute(
        "DELETE FROM user_levels_current WHERE level_id = ?1 AND date_expire <= ?2",
        params![level_id, now],
    )?)
}

/// Holdings that expire at or before `until`, soonest first.
pub fn expiring(c: &Connection, until: i64, limit: i64) -> Result<Vec<Current>> {
    let mut st = c.prepare(&format!(
        "SELECT {CURRENT_COLUMNS} FROM user_levels_current WHERE date_expire <= ?1 ORDER BY date_expire LIMIT ?2"
    ))?;
    let rows = st.query_map(params![until, limit], current)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
