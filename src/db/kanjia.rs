//! Bargains (砍价): the merchant's sets per goods, the shoppers' bargains (joins) and their
//! friends' cuts (helps). Money in fen; times in Unix seconds.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// Set status codes (`goods_kanjia_sets.status`).
pub mod set_status {
    pub const ACTIVE: i64 = 0;
    pub const STOPPED: i64 = 1;
    pub const ENDED: i64 = 2;
}

/// Join status codes (`kanjia_joins.status`).
pub mod join_status {
    pub const GOING: i64 = 0;
    pub const BOUGHT: i64 = 1;
}

/// What the merchant sets up for one goods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetFields {
    pub goods_id: i64,
    pub original_price: i64,
    /// The floor no cut goes below.
    pub min_price: i64,
    pub help_min: i64,
    pub help_max: i64,
    /// How many may be bought at a bargain price.
    pub number: i64,
    pub date_end: i64,
}

#[derive(Debug, Clone)]
pub struct SetRow {
    pub id: i64,
    pub fields: SetFields,
    pub number_buy: i64,
    pub date_add: i64,
    pub status: i64,
}

const SET_COLUMNS: &str = "id, goods_id, original_price, min_price, help_min, help_max, number, \
                           date_end, number_buy, date_add, status";

fn set_row(r: &Row) -> rusqlite::Result<SetRow> {
    Ok(SetRow {
        id: r.get(0)?,
        fields: SetFields {
            goods_id: r.get(1)?,
            original_price: r.get(2)?,
            min_price: r.get(3)?,
            help_min: r.get(4)?,
            help_max: r.get(5)?,
            number: r.get(6)?,
            date_end: r.get(7)?,
        },
        number_buy: r.get(8)?,
        date_add: r.get(9)?,
        status: r.get(10)?,
    })
}

pub fn insert_set(c: &Connection, f: &SetFields, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO goods_kanjia_sets (goods_id, original_price, min_price, help_min, help_max, number,
                                        date_end, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![f.goods_id, f.original_price, f.min_price, f.help_min, f.help_max, f.number, f.date_end, now],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn set(c: &Connection, id: i64) -> Result<Option<SetRow>> {
    let sql = format!("SELECT {SET_COLUMNS} FROM goods_kanjia_sets WHERE id = ?1");
    Ok(c.query_row(&sql, [id], set_row).optional()?)
}

/// The sets shoppers can use now (active, before their end, not sold out) of the goods given,
/// oldest first.
pub fn active_sets(c: &Connection, goods_ids: &[i64], now: i64) -> Result<Vec<SetRow>> {
    let ids = serde_json::to_string(goods_ids).unwrap_or_else(|_| "[]".into());
    let sql = format!(
        "SELECT {SET_COLUMNS} FROM goods_kanjia_sets
         WHERE goods_id IN (SELECT value FROM json_each(?1)) AND status = 0 AND date_end > ?2
           AND number_buy < number
         ORDER BY id"
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st.query_map(params![ids, now], set_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every set, newest first (console and merchant API), optionally of one goods.
pub fn all_sets(c: &Connection, goods_id: Option<i64>) -> Result<Vec<SetRow>> {
    let sql = format!(
        "SELECT {SET_COLUMNS} FROM goods_kanjia_sets WHERE ?1 IS NULL OR goods_id = ?1 ORDER BY id DESC"
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st.query_map([goods_id], set_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Stops an active set; false when it was not active.
pub fn stop_set(c: &Connection, id: i64) -> Result<bool> {
    let n = c.execute("UPDATE goods_kanjia_sets SET status = 1 WHERE id = ?1 AND status = 0", [id])?;
    Ok(n == 1)
}

/// Marks active sets whose end has passed as ended (so cached goods answers drop their price).
pub fn end_expired(c: &Connection, now: i64) -> Result<usize> {
    Ok(c.execute("UPDATE goods_kanjia_sets SET status = 2 WHERE status = 0 AND date_end <= ?1", [now])?)
}

/// Bargains of a set held by unpaid orders (they reserve a place in the quota until paid or closed).
pub fn held_unpaid(c: &Connection, set_id: i64) -> Result<i64> {
    Ok(c.query_row(
        "SELECT count(*) FROM kanjia_joins WHERE set_id = ?1 AND status = 0 AND order_id IS NOT NULL",
        [set_id],
        |r| r.get(0),
    )?)
}

/// Counts one more paid bargain order against the set's quota.
pub fn add_bought(c: &Connection, set_id: i64) -> Result<()> {
    c.execute("UPDATE goods_kanjia_sets SET number_buy = number_buy + 1 WHERE id = ?1", [set_id])?;
    Ok(())
}

/// A shopper's bargain, with its set's goods and floor.
#[derive(Debug, Clone)]
pub struct JoinRow {
    pub id: i64,
    pub set_id: i64,
    pub user_id: i64,
    pub goods_id: i64,
    pub cur_price: i64,
    pub min_price: i64,
    pub help_number: i64,
    pub status: i64,
    /// The unpaid order holding this bargain.
    pub order_id: Option<i64>,
    pub date_add: i64,
    pub date_update: i64,
}

const JOIN_COLUMNS: &str = "j.id, j.set_id, j.user_id, s.goods_id, j.cur_price, s.min_price, j.help_number,
                            j.status, j.order_id, j.date_add, j.date_update";

fn join_row(r: &Row) -> rusqlite::Result<JoinRow> {
    Ok(JoinRow {
        id: r.get(0)?,
        set_id: r.get(1)?,
        user_id: r.get(2)?,
        goods_id: r.get(3)?,
        cur_price: r.get(4)?,
        min_price: r.get(5)?,
        help_number: r.get(6)?,
        status: r.get(7)?,
        order_id: r.get(8)?,
        date_add: r.get(9)?,
        date_update: r.get(10)?,
    })
}

/// The shopper's bargain on a set.
pub fn join_of(c: &Connection, set_id: i64, user_id: i64) -> Result<Option<JoinRow>> {
    let sql = format!(
        "SELECT {JOIN_COLUMNS} FROM kanjia_joins j JOIN goods_kanjia_sets s ON s.id = j.set_id
         WHERE j.set_id = ?1 AND j.user_id = ?2"
    );
    Ok(c.query_row(&sql, [set_id, user_id], join_row).optional()?)
}

/// The bargain an order was placed for.
pub fn join_by_order(c: &Connection, order_id: i64) -> Result<Option<JoinRow>> {
    let sql = format!(
        "SELECT {JOIN_COLUMNS} FROM kanjia_joins j JOIN goods_kanjia_sets s ON s.id = j.set_id
         WHERE j.order_id = ?1"
    );
    Ok(c.query_row(&sql, [order_id], join_row).optional()?)
}

/// The bargains of a set, newest first (console).
pub fn joins_of_set(c: &Connection, set_id: i64) -> Result<Vec<JoinRow>> {
    let sql = format!(
        "SELECT {JOIN_COLUMNS} FROM kanjia_joins j JOIN goods_kanjia_sets s ON s.id = j.set_id
         WHERE j.set_id = ?1 ORDER BY j.id DESC"
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st.query_map([set_id], join_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Starts a bargain at `price`; the existing one's id when the shopper has one on this set.
pub fn insert_join(c: &Connection, set_id: i64, user_id: i64, price: i64, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO kanjia_joins (set_id, user_id, cur_price, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (set_id, user_id) DO NOTHING",
        params![set_id, user_id, price, now],
    )?;
    Ok(())
}

/// Deletes a bargain and its helps; false when there was none.
pub fn delete_join(c: &Connection, join_id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM kanjia_joins WHERE id = ?1", [join_id])? == 1)
}

/// Lowers the bargain's price by one help's cut.
pub fn cut(c: &Connection, join_id: i64, cut: i64, now: i64) -> Result<()> {
    c.execute(
        "UPDATE kanjia_joins SET cur_price = cur_price - ?2, help_number = help_number + 1, date_update = ?3
         WHERE id = ?1",
        params![join_id, cut, now],
    )?;
    Ok(())
}

/// Ties an unpaid order to the bargain; false when another order holds it or it was bought.
pub fn hold_for_order(c: &Connection, join_id: i64, order_id: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE kanjia_joins SET order_id = ?2 WHERE id = ?1 AND order_id IS NULL AND status = 0",
        [join_id, order_id],
    )?;
    Ok(n == 1)
}

/// Lets go of a closed unpaid order: the bargain can be bought again.
pub fn release_order(c: &Connection, order_id: i64, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE kanjia_joins SET order_id = NULL, date_update = ?2 WHERE order_id = ?1 AND status = 0",
        [order_id, now],
    )?;
    Ok(n == 1)
}

/// Marks the bargain of a paid order bought; false when it was not in progress.
pub fn mark_bought(c: &Connection, join_id: i64, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE kanjia_joins SET status = 1, date_update = ?2 WHERE id = ?1 AND status = 0",
        [join_id, now],
    )?;
    Ok(n == 1)
}

/// One friend's cut, with the friend's card.
#[derive(Debug, Clone)]
pub struct HelpRow {
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
    pub cut_price: i64,
    pub remark: String,
    pub date_add: i64,
}

const HELP_COLUMNS: &str = "h.user_id, u.nick, u.avatar_url, h.cut_price, h.remark, h.date_add";

fn help_row(r: &Row) -> rusqlite::Result<HelpRow> {
    Ok(HelpRow {
        uid: r.get(0)?,
        nick: r.get(1)?,
        avatar_url: r.get(2)?,
        cut_price: r.get(3)?,
        remark: r.get(4)?,
        date_add: r.get(5)?,
    })
}

pub fn insert_help(
    c: &Connection,
    j: &JoinRow,
    helper: i64,
    cut_price: i64,
    remark: &str,
    now: i64,
) -> Result<()> {
    c.execute(
        "INSERT INTO kanjia_helps (join_id, set_id, user_id, cut_price, remark, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![j.id, j.set_id, helper, cut_price, remark, now],
    )?;
    Ok(())
}

/// The helper's cut on a bargain.
pub fn help_of(c: &Connection, join_id: i64, helper: i64) -> Result<Option<HelpRow>> {
    let sql = format!(
        "SELECT {HELP_COLUMNS} FROM kanjia_helps h JOIN users u ON u.id = h.user_id
         WHERE h.join_id = ?1 AND h.user_id = ?2"
    );
    Ok(c.query_row(&sql, [join_id, helper], help_row).optional()?)
}

/// A bargain's cuts, newest first.
pub fn helps_of(c: &Connection, join_id: i64) -> Result<Vec<HelpRow>> {
    let sql = format!(
        "SELECT {HELP_COLUMNS} FROM kanjia_helps h JOIN users u ON u.id = h.user_id
         WHERE h.join_id = ?1 ORDER BY h.id DESC"
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st.query_map([join_id], help_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many cuts the helper made on the set's bargains since `since`.
pub fn helps_since(c: &Connection, helper: i64, set_id: i64, since: i64) -> Result<i64> {
    Ok(c.query_row(
        "SELECT count(*) FROM kanjia_helps WHERE user_id = ?1 AND set_id = ?2 AND date_add >= ?3",
        [helper, set_id, since],
        |r| r.get(0),
    )?)
}

/// The sum of a bargain's cuts (`check`: equals original − current price).
pub fn cut_total(c: &Connection, join_id: i64) -> Result<i64> {
    Ok(c.query_row(
        "SELECT coalesce(sum(cut_price), 0) FROM kanjia_helps WHERE join_id = ?1",
        [join_id],
        |r| r.get(0),
    )?)
}

/// Bargains whose cuts do not add up to original − current price (`xiaodian check`).
pub fn mismatched_joins(c: &Connection) -> Result<Vec<(i64, i64, i64)>> {
    let mut st = c.prepare(
        "SELECT j.id, s.original_price - j.cur_price,
                (SELECT coalesce(sum(h.cut_price), 0) FROM kanjia_helps h WHERE h.join_id = j.id)
         FROM kanjia_joins j JOIN goods_kanjia_sets s ON s.id = j.set_id
         WHERE s.original_price - j.cur_price
               != (SELECT coalesce(sum(h.cut_price), 0) FROM kanjia_helps h WHERE h.join_id = j.id)
            OR j.cur_price < s.min_price",
    )?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A shopper's name and picture (the bargain's owner on its page).
pub fn card(c: &Connection, user_id: i64) -> Result<Option<(String, String)>> {
    Ok(c.query_row("SELECT nick, avatar_url FROM users WHERE id = ?1", [user_id], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()?)
}
