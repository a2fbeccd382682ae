//! Order lines (`order_goods`): what was bought, and the shopper's purchase history.

use crate::db::Result;
use rusqlite::{params, params_from_iter, Connection, Row};

/// An order line as bought.
#[derive(Debug, Clone, Default)]
pub struct NewLine {
    pub goods_id: i64,
    pub sku_id: Option<i64>,
    pub property_child_ids: String,
    pub property: String,
    pub goods_name: String,
    pub pic: String,
    pub additions: String,
    pub amount_single: i64,
    pub amount: i64,
    pub score_single: i64,
    pub number: i64,
}

#[derive(Debug, Clone)]
pub struct LineRow {
    pub id: i64,
    pub order_id: i64,
    pub user_id: i64,
    pub line: NewLine,
    pub date_add: i64,
}

const LINE_COLUMNS: &str =
    "id, order_id, user_id, goods_id, sku_id, property_child_ids, property, goods_name,
     pic, additions, amount_single, amount, score_single, number, date_add";

fn line_row(r: &Row) -> rusqlite::Result<LineRow> {
    Ok(LineRow {
        id: r.get(0)?,
        order_id: r.get(1)?,
        user_id: r.get(2)?,
        line: NewLine {
            goods_id: r.get(3)?,
            sku_id: r.get(4)?,
            property_child_ids: r.get(5)?,
            property: r.get(6)?,
            goods_name: r.get(7)?,
            pic: r.get(8)?,
            additions: r.get(9)?,
            amount_single: r.get(10)?,
            amount: r.get(11)?,
            score_single: r.get(12)?,
            number: r.get(13)?,
        },
        date_add: r.get(14)?,
    })
}

pub fn insert_line(c: &Connection, order_id: i64, user_id: i64, l: &NewLine, now: i64) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO order_goods (order_id, user_id, goods_id, sku_id, property_child_ids, property,
             goods_name, pic, additions, amount_single, amount, score_single, number, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        order_id,
        user_id,
        l.goods_id,
        l.sku_id,
        l.property_child_ids,
        l.property,
        l.goods_name,
        l.pic,
        l.additions,
        l.amount_single,
        l.amount,
        l.score_single,
        l.number,
        now
    ])?;
    Ok(c.last_insert_rowid())
}

/// An order's lines in order.
pub fn lines(c: &Connection, order_id: i64) -> Result<Vec<LineRow>> {
    let mut st =
        c.prepare_cached(&format!("SELECT {LINE_COLUMNS} FROM order_goods WHERE order_id = ?1 ORDER BY id"))?;
    let rows = st.query_map([order_id], line_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The lines of several orders (a list page), by order then line.
pub fn lines_of(c: &Connection, order_ids: &[i64]) -> Result<Vec<LineRow>> {
    if order_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = (1..=order_ids.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    let mut st = c.prepare_cached(&format!(
        "SELECT {LINE_COLUMNS} FROM order_goods WHERE order_id IN ({marks}) ORDER BY order_id, id"
    ))?;
    let rows = st.query_map(params_from_iter(order_ids.iter()), line_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A recent purchase for goodsDynamic: the line and its buyer's nick and avatar.
#[derive(Debug, Clone)]
pub struct RecentLine {
    pub line: LineRow,
    pub nick: String,
    pub avatar_url: String,
}

/// The newest order lines (paid ones only when `paid_only`), with their buyers.
pub fn recent_lines(c: &Connection, paid_only: bool, limit: i64) -> Result<Vec<RecentLine>> {
    let cols = LINE_COLUMNS.split(',').map(|s| format!("l.{}", s.trim())).collect::<Vec<_>>().join(", ");
    let paid = if paid_only { "AND o.date_pay IS NOT NULL" } else { "" };
    let mut st = c.prepare_cached(&format!(
        "SELECT {cols}, u.nick, u.avatar_url FROM order_goods l
         JOIN orders o ON o.id = l.order_id JOIN users u ON u.id = l.user_id
         WHERE 1 = 1 {paid} ORDER BY l.id DESC LIMIT ?1"
    ))?;
    let rows = st.query_map([limit], |r| {
        Ok(RecentLine { line: line_row(r)?, nick: r.get(15)?, avatar_url: r.get(16)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A page of the goods a shopper bought (lines of orders not closed, not hidden), newest first,
/// and how many in all.
pub fn bought_lines(c: &Connection, user_id: i64, offset: i64, limit: i64) -> Result<(Vec<LineRow>, i64)> {
    let cols = LINE_COLUMNS.split(',').map(|s| format!("l.{}", s.trim())).collect::<Vec<_>>().join(", ");
    let from = "FROM order_goods l JOIN orders o ON o.id = l.order_id
                WHERE l.user_id = ?1 AND l.his_deleted = 0 AND o.status <> -1";
    let total: i64 =
        c.prepare_cached(&format!("SELECT count(*) {from}"))?.query_row([user_id], |r| r.get(0))?;
    let mut st = c.prepare_cached(&format!("SELECT {cols} {from} ORDER BY l.id DESC LIMIT ?2 OFFSET ?3"))?;
    let rows =
        st.query_map(params![user_id, limit, offset], line_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}

/// Hides purchases from the shopper's history: the line `id`, or every line of `goods_id`.
pub fn hide_bought(c: &Connection, user_id: i64, id: Option<i64>, goods_id: Option<i64>) -> Result<usize> {
    Ok(c.prepare_cached(
        "UPDATE order_goods SET his_deleted = 1
         WHERE user_id = ?1 AND his_deleted = 0 AND (id = ?2 OR goods_id = ?3)",
    )?
    .execute(params![user_id, id, goods_id])?)
}

/// Pieces of `goods_id` (of one SKU when given) the shopper ordered since `since`, closed orders
/// left out (purchase limits).
pub fn bought_since(
    c: &Connection,
    user_id: i64,
    goods_id: i64,
    sku_id: Option<i64>,
    since: i64,
) -> Result<i64> {
    Ok(c.prepare_cached(
        "SELECT coalesce(sum(l.number), 0) FROM order_goods l JOIN orders o ON o.id = l.order_id
         WHERE l.user_id = ?1 AND l.goods_id = ?2 AND (?3 IS NULL OR l.sku_id = ?3)
           AND l.date_add >= ?4 AND o.status <> -1",
    )?
    .query_row(params![user_id, goods_id, sku_id, since], |r| r.get(0))?)
}
