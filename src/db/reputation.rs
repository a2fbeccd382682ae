//! Goods reviews (goods_reputations): written by orderReputation and the demo data, read by
//! goodsReputation, moderated in the console. goods.number_reputation / number_good_reputation
//! are kept by schema triggers.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// 0 bad, 1 medium, 2 good.
pub const GOOD: i64 = 2;

/// A review as written.
#[derive(Debug, Clone, Default)]
pub struct NewReputation {
    /// The order line reviewed; None when not from an order.
    pub order_goods_id: Option<i64>,
    pub goods_id: i64,
    pub user_id: i64,
    /// 0 bad, 1 medium, 2 good.
    pub reputation: i64,
    /// 1–5.
    pub stars: i64,
    pub remark: String,
    /// Picture URLs.
    pub pics: Vec<String>,
}

/// A stored review with its reviewer's nick and avatar and the goods' name and picture.
#[derive(Debug, Clone)]
pub struct ReputationRow {
    pub id: i64,
    pub order_goods_id: Option<i64>,
    pub goods_id: i64,
    pub goods_name: String,
    pub goods_pic: String,
    pub user_id: i64,
    pub nick: String,
    pub avatar_url: String,
    pub reputation: i64,
    pub stars: i64,
    pub remark: String,
    pub pics: Vec<String>,
    pub reply: String,
    /// 0 shown, 1 hidden.
    pub status: i64,
    pub date_add: i64,
    pub date_reply: Option<i64>,
}

/// Stores a review; its id. An order line already reviewed fails on the UNIQUE constraint.
pub fn insert(c: &Connection, r: &NewReputation, now: i64) -> Result<i64> {
    let pics = serde_json::to_string(&r.pics).unwrap_or_else(|_| "[]".into());
    c.execute(
        "INSERT INTO goods_reputations (order_goods_id, goods_id, user_id, reputation, stars, remark, pics, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![r.order_goods_id, r.goods_id, r.user_id, r.reputation, r.stars, r.remark, pics, now],
    )?;
    Ok(c.last_insert_rowid())
}

const SELECT: &str =
    "SELECT r.id, r.order_goods_id, r.goods_id, g.name, g.pic, r.user_id, u.nick, u.avatar_url,
        r.reputation, r.stars, r.remark, r.pics, r.reply, r.status, r.date_add, r.date_reply
     FROM goods_reputations r JOIN goods g ON g.id = r.goods_id JOIN users u ON u.id = r.user_id";

fn row(r: &Row) -> rusqlite::Result<ReputationRow> {
    let pics: String = r.get(11)?;
    Ok(ReputationRow {
        id: r.get(0)?,
        order_goods_id: r.get(1)?,
        goods_id: r.get(2)?,
        goods_name: r.get(3)?,
        goods_pic: r.get(4)?,
        user_id: r.get(5)?,
        nick: r.get(6)?,
        avatar_url: r.get(7)?,
        reputation: r.get(8)?,
        stars: r.get(9)?,
        remark: r.get(10)?,
        // Written only by `insert` as a JSON array; anything else reads as no pictures.
        pics: serde_json::from_str(&pics).unwrap_or_default(),
        reply: r.get(12)?,
        status: r.get(13)?,
        date_add: r.get(14)?,
        date_reply: r.get(15)?,
    })
}

/// One page of a goods' shown reviews, newest first, and how many there are.
pub fn shown_of_goods(
    c: &Connection,
    goods_id: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ReputationRow>, i64)> {
    let total = c.query_row(
        "SELECT count(*) FROM goods_reputations WHERE goods_id = ?1 AND status = 0",
        params![goods_id],
        |r| r.get(0),
    )?;
    let sql =
        format!("{SELECT} WHERE r.goods_id = ?1 AND r.status = 0 ORDER BY r.id DESC LIMIT ?2 OFFSET ?3");
    let rows = c
        .prepare(&sql)?
        .query_map(params![goods_id, limit, offset], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}

/// One page of every review (shown and hidden) for the console, newest first, optionally of one
/// goods; and how many there are.
pub fn for_admin(
    c: &Connection,
    goods_id: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ReputationRow>, i64)> {
    let total = c.query_row(
        "SELECT count(*) FROM goods_reputations WHERE ?1 IS NULL OR goods_id = ?1",
        params![goods_id],
        |r| r.get(0),
    )?;
    let sql = format!("{SELECT} WHERE ?1 IS NULL OR r.goods_id = ?1 ORDER BY r.id DESC LIMIT ?2 OFFSET ?3");
    let rows = c
        .prepare(&sql)?
        .query_map(params![goods_id, limit, offset], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}

/// One review by id.
pub fn get(c: &Connection, id: i64) -> Result<Option<ReputationRow>> {
    Ok(c.query_row(&format!("{SELECT} WHERE r.id = ?1"), params![id], row).optional()?)
}

/// Writes the merchant's reply ("" removes it); false when no such review.
pub fn set_reply(c: &Connection, id: i64, reply: &str, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE goods_reputations SET reply = ?2, date_reply = CASE WHEN ?2 = '' THEN NULL ELSE ?3 END WHERE id = ?1",
        params![id, reply, now],
    )?;
    Ok(n == 1)
}

/// Shows (0) or hides (1) a review; false when no such review.
pub fn set_status(c: &Connection, id: i64, status: i64) -> Result<bool> {
    Ok(c.execute("UPDATE goods_reputations SET status = ?2 WHERE id = ?1", params![id, status])? == 1)
}

/// True when the order line already has a review.
pub fn line_reviewed(c: &Connection, order_goods_id: i64) -> Result<bool> {
    Ok(c.query_row(
        "SELECT EXISTS (SELECT 1 FROM goods_reputations WHERE order_goods_id = ?1)",
        params![order_goods_id],
        |r| r.get(0),
    )?)
}

/// What the console's review list keeps; every set filter must hold.
#[derive(Debug, Clone, Default)]
pub struct ReviewFilter {
    pub goods_id: Option<i64>,
    /// A substring of the goods' name.
    pub goods_name: Option<String>,
    /// 0 bad, 1 medium, 2 good.
    pub reputation: Option<i64>,
    /// 0 shown, 1 hidden.
    pub status: Option<i64>,
}

/// One page of reviews matching the filter, newest first, and how many match.
pub fn filtered(
    c: &Connection,
    f: &ReviewFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ReputationRow>, i64)> {
    let pattern = f
        .goods_name
        .as_ref()
        .map(|n| format!("%{}%", n.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let filter = "(?1 IS NULL OR r.goods_id = ?1) AND (?2 IS NULL OR g.name LIKE ?2 ESCAPE '\\')
         AND (?3 IS NULL OR r.reputation = ?3) AND (?4 IS NULL OR r.status = ?4)";
    let total = c.query_row(
        &format!("SELECT count(*) FROM goods_reputations r JOIN goods g ON g.id = r.goods_id WHERE {filter}"),
        params![f.goods_id, pattern, f.reputation, f.status],
        |r| r.get(0),
    )?;
    let sql = format!("{SELECT} WHERE {filter} ORDER BY r.id DESC LIMIT ?5 OFFSET ?6");
    let rows = c
        .prepare(&sql)?
        .query_map(params![f.goods_id, pattern, f.reputation, f.status, limit, offset], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}
