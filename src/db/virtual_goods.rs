//! Virtual goods (virtualTrader*): paid content and cards/codes sold for balance, their card stock
//! and the purchases. A card is sold by one conditional UPDATE, so it goes to one buyer only.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// kind 0: paid content, bought once per shopper; kind 1: one card per purchase.
pub const KIND_CONTENT: i64 = 0;
pub const KIND_CARDS: i64 = 1;

/// The fields the merchant edits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GoodsFields {
    pub name: String,
    pub pic: String,
    pub description: String,
    pub content: String,
    pub kind: i64,
    /// Fen.
    pub price: i64,
    pub status: i64,
    pub paixu: i64,
}

#[derive(Debug, Clone)]
pub struct Goods {
    pub id: i64,
    pub f: GoodsFields,
    pub number_sold: i64,
    /// Unsold cards (kind 1).
    pub cards_left: i64,
    pub date_add: i64,
    pub date_update: i64,
}

const COLUMNS: &str = "g.id, g.name, g.pic, g.description, g.content, g.kind, g.price, g.status, g.paixu,
    g.number_sold, (SELECT count(*) FROM virtual_goods_cards k WHERE k.goods_id = g.id AND k.buy_id IS NULL),
    g.date_add, g.date_update";

fn goods_row(r: &Row) -> rusqlite::Result<Goods> {
    Ok(Goods {
        id: r.get(0)?,
        f: GoodsFields {
            name: r.get(1)?,
            pic: r.get(2)?,
            description: r.get(3)?,
            content: r.get(4)?,
            kind: r.get(5)?,
            price: r.get(6)?,
            status: r.get(7)?,
            paixu: r.get(8)?,
        },
        number_sold: r.get(9)?,
        cards_left: r.get(10)?,
        date_add: r.get(11)?,
        date_update: r.get(12)?,
    })
}

pub fn by_id(c: &Connection, id: i64) -> Result<Option<Goods>> {
    Ok(c.prepare_cached(&format!("SELECT {COLUMNS} FROM virtual_goods g WHERE g.id = ?1"))?
        .query_row([id], goods_row)
        .optional()?)
}

/// Goods on sale (`on_sale_only`) or all, searched by name; (page, total).
pub fn list(
    c: &Connection,
    on_sale_only: bool,
    q: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Goods>, i64)> {
    let like = q.map(|q| format!("%{}%", q.replace(['%', '_'], "")));
    let filter = "(?1 = 0 OR g.status = 0) AND (?2 IS NULL OR g.name LIKE ?2)";
    let total = c.query_row(
        &format!("SELECT count(*) FROM virtual_goods g WHERE {filter}"),
        params![on_sale_only, like],
        |r| r.get(0),
    )?;
    let order = if on_sale_only { "g.paixu, g.id DESC" } else { "g.id DESC" };
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM virtual_goods g WHERE {filter} ORDER BY {order} LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = st
        .query_map(params![on_sale_only, like, limit, offset], goods_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok((rows, total))
}

pub fn insert(c: &Connection, f: &GoodsFields, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO virtual_goods (name, pic, description, content, kind, price, status, paixu, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![f.name, f.pic, f.description, f.content, f.kind, f.price, f.status, f.paixu, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// Replaces the merchant's fields; false when there is none.
pub fn update(c: &Connection, id: i64, f: &GoodsFields, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE virtual_goods SET name = ?2, pic = ?3, description = ?4, content = ?5, kind = ?6, price = ?7,
            status = ?8, paixu = ?9, date_update = ?10 WHERE id = ?1",
        params![id, f.name, f.pic, f.description, f.content, f.kind, f.price, f.status, f.paixu, now],
    )?;
    Ok(n == 1)
}

/// How many purchases a goods has.
pub fn buy_count(c: &Connection, goods_id: i64) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM virtual_goods_buys WHERE goods_id = ?1", [goods_id], |r| r.get(0))?)
}

/// Deletes goods nobody bought (with its cards); false when there is none.
pub fn delete(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM virtual_goods WHERE id = ?1", [id])? == 1)
}

/// Adds a card to the stock.
pub fn add_card(c: &Connection, goods_id: i64, content: &str, now: i64) -> Result<()> {
    c.prepare_cached("INSERT INTO virtual_goods_cards (goods_id, content, date_add) VALUES (?1, ?2, ?3)")?
        .execute(params![goods_id, content, now])?;
    Ok(())
}

/// A card in the stock (console).
#[derive(Debug, Clone)]
pub struct Card {
    pub id: i64,
    pub content: String,
    pub buy_id: Option<i64>,
    pub date_add: i64,
}

/// A goods' cards, unsold first; at most 1000.
pub fn cards_of(c: &Connection, goods_id: i64) -> Result<Vec<Card>> {
    let mut st = c.prepare_cached(
        "SELECT id, content, buy_id, date_add FROM virtual_goods_cards WHERE goods_id = ?1
         ORDER BY buy_id IS NOT NULL, id LIMIT 1000",
    )?;
    let rows = st
        .query_map([goods_id], |r| {
            Ok(Card { id: r.get(0)?, content: r.get(1)?, buy_id: r.get(2)?, date_add: r.get(3)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Deletes an unsold card; false when there is none or it was sold.
pub fn delete_card(c: &Connection, goods_id: i64, card_id: i64) -> Result<bool> {
    Ok(c.execute(
        "DELETE FROM virtual_goods_cards WHERE id = ?1 AND goods_id = ?2 AND buy_id IS NULL",
        params![card_id, goods_id],
    )? == 1)
}

/// Sells the oldest unsold card of a goods to purchase `buy_id`; its content, or None when none is left.
pub fn sell_card(c: &Connection, goods_id: i64, buy_id: i64) -> Result<Option<String>> {
    Ok(c.prepare_cached(
        "UPDATE virtual_goods_cards SET buy_id = ?2
         WHERE id = (SELECT id FROM virtual_goods_cards WHERE goods_id = ?1 AND buy_id IS NULL ORDER BY id LIMIT 1)
         RETURNING content",
    )?
    .query_row(params![goods_id, buy_id], |r| r.get(0))
    .optional()?)
}

/// A purchase with the goods' name and (for buyers) its paid content.
#[derive(Debug, Clone)]
pub struct Buy {
    pub id: i64,
    pub goods_id: i64,
    pub user_id: i64,
    pub amount: i64,
    pub card: String,
    pub date_add: i64,
    pub name: String,
    pub pic: String,
    pub content: String,
}

const BUY_COLUMNS: &str =
    "b.id, b.goods_id, b.user_id, b.amount, b.card, b.date_add, g.name, g.pic, g.content";

fn buy_row(r: &Row) -> rusqlite::Result<Buy> {
    Ok(Buy {
        id: r.get(0)?,
        goods_id: r.get(1)?,
        user_id: r.get(2)?,
        amount: r.get(3)?,
        card: r.get(4)?,
        date_add: r.get(5)?,
        name: r.get(6)?,
        pic: r.get(7)?,
        content: r.get(8)?,
    })
}

/// Records a purchase (the card is set once sold); its id.
pub fn insert_buy(c: &Connection, goods_id: i64, user_id: i64, amount: i64, now: i64) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO virtual_goods_buys (goods_id, user_id, amount, date_add) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![goods_id, user_id, amount, now])?;
    Ok(c.last_insert_rowid())
}

pub fn set_buy_card(c: &Connection, buy_id: i64, card: &str) -> Result<()> {
    c.execute("UPDATE virtual_goods_buys SET card = ?2 WHERE id = ?1", params![buy_id, card])?;
    Ok(())
}

pub fn count_sold(c: &Connection, goods_id: i64) -> Result<()> {
    c.execute("UPDATE virtual_goods SET number_sold = number_sold + 1 WHERE id = ?1", [goods_id])?;
    Ok(())
}

/// The shopper's purchase `id`.
pub fn buy(c: &Connection, user_id: i64, id: i64) -> Result<Option<Buy>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {BUY_COLUMNS} FROM virtual_goods_buys b JOIN virtual_goods g ON g.id = b.goods_id
         WHERE b.id = ?1 AND b.user_id = ?2"
    ))?
    .query_row(params![id, user_id], buy_row)
    .optional()?)
}

/// The shopper's purchases, newest first; (page, total). `goods_id` narrows to one goods.
pub fn buys_of(
    c: &Connection,
    user_id: i64,
    goods_id: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Buy>, i64)> {
    let total = c.query_row(
        "SELECT count(*) FROM virtual_goods_buys WHERE user_id = ?1 AND (?2 IS NULL OR goods_id = ?2)",
        params![user_id, goods_id],
        |r| r.get(0),
    )?;
    let mut st = c.prepare_cached(&format!(
        "SELECT {BUY_COLUMNS} FROM virtual_goods_buys b JOIN virtual_goods g ON g.id = b.goods_id
         WHERE b.user_id = ?1 AND (?2 IS NULL OR b.goods_id = ?2) ORDER BY b.id DESC LIMIT ?3 OFFSET ?4"
    ))?;
    let rows =
        st.query_map(params![user_id, goods_id, limit, offset], buy_row)?.collect::<rusqlite::Result<_>>()?;
    Ok((rows, total))
}
