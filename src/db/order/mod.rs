//! Orders and what hangs off them: lines (`order_goods`), parcels (`order_logistics`), after-sale
//! requests (`order_refunds`) and the event log (`order_events`); plus the stock moves orders make.
//!
//! Every status change is a conditional UPDATE on the status it leaves and answers whether it
//! happened, so two writers racing for one order (a job and a payment) change it at most once.

use super::Result;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

/// Order statuses as stored (`orders.status`).
pub mod status {
    pub const CLOSED: i64 = -1;
    pub const UNPAID: i64 = 0;
    pub const PAID: i64 = 1;
    pub const SHIPPED: i64 = 2;
    pub const RECEIVED: i64 = 3;
    pub const DONE: i64 = 4;

    /// The label shoppers see (`statusStr`): the one place these words live.
    pub fn label(status: i64) -> &'static str {
        match status {
            CLOSED => "已关闭",
            UNPAID => "待支付",
            PAID => "待发货",
            SHIPPED => "待收货",
            RECEIVED => "待评价",
            DONE => "已完成",
            _ => "未知",
        }
    }
}

/// Everything an order is created with.
#[derive(Debug, Clone, Default)]
pub struct NewOrder {
    pub user_id: i64,
    pub status: i64,
    pub amount_goods: i64,
    pub amount_logistics: i64,
    pub amount_coupon: i64,
    pub amount_score_deduction: i64,
    pub amount_real: i64,
    pub score: i64,
    pub score_deduction: i64,
    pub goods_number: i64,
    /// "kd" delivery or "zq" pick-up.
    pub peisong_type: String,
    pub shop_id_zt: Option<i64>,
    pub shop_name_zt: String,
    pub hx_number: Option<String>,
    pub coupon_user_id: Option<i64>,
    pub link_man: String,
    pub mobile: String,
    pub province_id: String,
    pub city_id: String,
    pub district_id: String,
    pub street_id: String,
    pub address: String,
    pub postcode: String,
    pub remark: String,
    pub ext_json: String,
    /// Deadline of an unpaid order (None once paid).
    pub close_at: Option<i64>,
    /// Set when the order is created paid.
    pub date_pay: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct OrderRow {
    pub id: i64,
    pub order_number: String,
    pub fields: NewOrder,
    pub amount_paid_balance: i64,
    pub has_refund: bool,
    pub user_deleted: bool,
    pub close_reason: String,
    pub date_add: i64,
    pub date_update: i64,
    pub date_ship: Option<i64>,
    pub date_receive: Option<i64>,
    pub date_close: Option<i64>,
    pub date_review: Option<i64>,
}

const ORDER_COLUMNS: &str =
    "id, order_number, user_id, status, amount_goods, amount_logistics, amount_coupon,
     amount_score_deduction, amount_real, score, score_deduction, goods_number, peisong_type,
     shop_id_zt, shop_name_zt, hx_number, coupon_user_id, link_man, mobile, province_id, city_id,
     district_id, street_id, address, postcode, remark, ext_json, close_at, date_pay,
     amount_paid_balance, has_refund, user_deleted, close_reason, date_add, date_update, date_ship,
     date_receive, date_close, date_review";

fn order_row(r: &Row) -> rusqlite::Result<OrderRow> {
    Ok(OrderRow {
        id: r.get(0)?,
        order_number: r.get(1)?,
        fields: NewOrder {
            user_id: r.get(2)?,
            status: r.get(3)?,
            amount_goods: r.get(4)?,
            amount_logistics: r.get(5)?,
            amount_coupon: r.get(6)?,
            amount_score_deduction: r.get(7)?,
            amount_real: r.get(8)?,
            score: r.get(9)?,
            score_deduction: r.get(10)?,
            goods_number: r.get(11)?,
            peisong_type: r.get(12)?,
            shop_id_zt: r.get(13)?,
            shop_name_zt: r.get(14)?,
            hx_number: r.get(15)?,
            coupon_user_id: r.get(16)?,
            link_man: r.get(17)?,
            mobile: r.get(18)?,
            province_id: r.get(19)?,
            city_id: r.get(20)?,
            district_id: r.get(21)?,
            street_id: r.get(22)?,
            address: r.get(23)?,
            postcode: r.get(24)?,
            remark: r.get(25)?,
            ext_json: r.get(26)?,
            close_at: r.get(27)?,
            date_pay: r.get(28)?,
        },
        amount_paid_balance: r.get(29)?,
        has_refund: r.get(30)?,
        user_deleted: r.get(31)?,
        close_reason: r.get(32)?,
        date_add: r.get(33)?,
        date_update: r.get(34)?,
        date_ship: r.get(35)?,
        date_receive: r.get(36)?,
        date_close: r.get(37)?,
        date_review: r.get(38)?,
    })
}

/// The order number for order `id` created at `date` ("20261123" in the shop's time zone):
/// readable, sortable and unique because the id is.
pub fn order_number(date: &str, id: i64) -> String {
    format!("{date}{id:08}")
}

/// Inserts an order; its id. `date` ("YYYYMMDD") goes into the order number. The caller's
/// transaction is the one writer, so the next id is known before the insert.
pub fn insert_order(c: &Connection, o: &NewOrder, date: &str, now: i64) -> Result<i64> {
    let id: i64 =
        c.prepare_cached("SELECT coalesce(max(id), 0) + 1 FROM orders")?.query_row([], |r| r.get(0))?;
    c.prepare_cached(
        "INSERT INTO orders (id, order_number, user_id, status, amount_goods, amount_logistics,
             amount_coupon, amount_score_deduction, amount_real, score, score_deduction, goods_number,
             peisong_type, shop_id_zt, shop_name_zt, hx_number, coupon_user_id, link_man, mobile,
             province_id, city_id, district_id, street_id, address, postcode, remark, ext_json,
             close_at, date_pay, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?30)",
    )?
    .execute(params![
        id,
        order_number(date, id),
        o.user_id,
        o.status,
        o.amount_goods,
        o.amount_logistics,
        o.amount_coupon,
        o.amount_score_deduction,
        o.amount_real,
        o.score,
        o.score_deduction,
        o.goods_number,
        o.peisong_type,
        o.shop_id_zt,
        o.shop_name_zt,
        o.hx_number,
        o.coupon_user_id,
        o.link_man,
        o.mobile,
        o.province_id,
        o.city_id,
        o.district_id,
        o.street_id,
        o.address,
        o.postcode,
        o.remark,
        o.ext_json,
        o.close_at,
        o.date_pay,
        now
    ])?;
    Ok(id)
}

/// Any order by id.
pub fn order(c: &Connection, id: i64) -> Result<Option<OrderRow>> {
    Ok(c.prepare_cached(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1"))?
        .query_row([id], order_row)
        .optional()?)
}

/// The shopper's own order (not one they deleted).
pub fn order_of(c: &Connection, user_id: i64, id: i64) -> Result<Option<OrderRow>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1 AND user_id = ?2 AND user_deleted = 0"
    ))?
    .query_row(params![id, user_id], order_row)
    .optional()?)
}

/// The order with this write-off code.
pub fn by_hx_number(c: &Connection, hx_number: &str) -> Result<Option<OrderRow>> {
    Ok(c.prepare_cached(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE hx_number = ?1"))?
        .query_row([hx_number], order_row)
        .optional()?)
}

/// True when a write-off code is taken.
pub fn hx_number_taken(c: &Connection, hx_number: &str) -> Result<bool> {
    Ok(c.prepare_cached("SELECT EXISTS (SELECT 1 FROM orders WHERE hx_number = ?1)")?
        .query_row([hx_number], |r| r.get(0))?)
}

/// Which of a shopper's orders a list shows.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub user_id: Option<i64>,
    pub status: Option<i64>,
    /// true: only orders with an after-sale request.
    pub has_refund: Option<bool>,
    pub order_number: Option<String>,
}

/// A page of orders, newest first, and how many match in all. Shoppers' lists leave out the
/// orders they deleted.
pub fn list(c: &Connection, f: &OrderFilter, offset: i64, limit: i64) -> Result<(Vec<OrderRow>, i64)> {
    let mut cond = vec!["1 = 1".to_string()];
    let mut values: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(uid) = f.user_id {
        values.push(uid.into());
        cond.push(format!("user_id = ?{} AND user_deleted = 0", values.len()));
    }
    if let Some(s) = f.status {
        values.push(s.into());
        cond.push(format!("status = ?{}", values.len()));
    }
    if let Some(r) = f.has_refund {
        values.push(i64::from(r).into());
        cond.push(format!("has_refund = ?{}", values.len()));
    }
    if let Some(n) = &f.order_number {
        values.push(n.clone().into());
        cond.push(format!("order_number = ?{}", values.len()));
    }
    let filter = cond.join(" AND ");
    let total: i64 = c
        .prepare_cached(&format!("SELECT count(*) FROM orders WHERE {filter}"))?
        .query_row(params_from_iter(values.iter()), |r| r.get(0))?;
    let (lim, off) = (values.len() + 1, values.len() + 2);
    values.push(limit.into());
    values.push(offset.into());
    let mut st = c.prepare_cached(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE {filter} ORDER BY id DESC LIMIT ?{lim} OFFSET ?{off}"
    ))?;
    let rows =
        st.query_map(params_from_iter(values.iter()), order_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}

/// (status, count) of a shopper's orders (deleted ones left out); `need_logistics` keeps only
/// delivery (true) or pick-up (false) orders.
pub fn status_counts(c: &Connection, user_id: i64, need_logistics: Option<bool>) -> Result<Vec<(i64, i64)>> {
    let kind = match need_logistics {
        Some(true) => "AND peisong_type = 'kd'",
        Some(false) => "AND peisong_type = 'zq'",
        None => "",
    };
    let mut st = c.prepare_cached(&format!(
        "SELECT status, count(*) FROM orders WHERE user_id = ?1 AND user_deleted = 0 {kind} GROUP BY status"
    ))?;
    let rows = st.query_map([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---- Status changes: each guarded by the status it leaves.

/// 0 → 1: paid, `paid_balance` fen of it from the balance. False when the order was not unpaid.
pub fn mark_paid(c: &Connection, id: i64, paid_balance: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE orders SET status = 1, amount_paid_balance = ?2, date_pay = ?3, close_at = NULL,
                 date_update = ?3
             WHERE id = ?1 AND status = 0",
        )?
        .execute(params![id, paid_balance, now])?;
    Ok(n == 1)
}

/// 1 → 2: shipped. False when the order was not awaiting shipment.
pub fn mark_shipped(c: &Connection, id: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE orders SET status = 2, date_ship = ?2, date_update = ?2 WHERE id = ?1 AND status = 1",
        )?
        .execute(params![id, now])?;
    Ok(n == 1)
}

/// → 3 from one of `from` (2 for a confirmed receipt; 1 or 2 for a pick-up write-off).
pub fn mark_received(c: &Connection, id: i64, from: &[i64], now: i64) -> Result<bool> {
    let allowed = from.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let n = c.execute(
        &format!(
            "UPDATE orders SET status = 3, date_receive = ?2, date_update = ?2
             WHERE id = ?1 AND status IN ({allowed})"
        ),
        params![id, now],
    )?;
    Ok(n == 1)
}

/// 3 → 4: reviewed. False when the order was not awaiting review.
pub fn mark_reviewed(c: &Connection, id: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE orders SET status = 4, date_review = ?2, date_update = ?2 WHERE id = ?1 AND status = 3",
        )?
        .execute(params![id, now])?;
    Ok(n == 1)
}

/// 0 → -1: closed unpaid. False when the order was not unpaid (paid or closed meanwhile).
pub fn mark_closed(c: &Connection, id: i64, reason: &str, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE orders SET status = -1, close_reason = ?2, date_close = ?3, close_at = NULL,
                 date_update = ?3
             WHERE id = ?1 AND status = 0",
        )?
        .execute(params![id, reason, now])?;
    Ok(n == 1)
}

/// `from` → -1: a paid order whose money all went back. False when it was no longer in `from`.
pub fn mark_refunded_closed(c: &Connection, id: i64, from: i64, reason: &str, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE orders SET status = -1, close_reason = ?3, date_close = ?4, close_at = NULL,
                 date_update = ?4
             WHERE id = ?1 AND status = ?2 AND status > 0",
        )?
        .execute(params![id, from, reason, now])?;
    Ok(n == 1)
}

/// Hides a closed or completed order from its shopper; false when it is neither or not theirs.
pub fn user_delete(c: &Connection, user_id: i64, id: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE orders SET user_deleted = 1, date_update = ?3
             WHERE id = ?1 AND user_id = ?2 AND user_deleted = 0 AND status IN (-1, 4)",
        )?
        .execute(params![id, user_id, now])?;
    Ok(n == 1)
}

/// Marks an order as having had an after-sale request.
pub fn set_has_refund(c: &Connection, id: i64, now: i64) -> Result<()> {
    c.prepare_cached("UPDATE orders SET has_refund = 1, date_update = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(())
}

// ---- Job sweeps: ids whose deadline has passed.

fn ids(c: &Connection, sql: &str, cutoff: i64, limit: i64) -> Result<Vec<i64>> {
    let mut st = c.prepare_cached(sql)?;
    let rows = st.query_map(params![cutoff, limit], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Unpaid orders whose `close_at` is at or before `now`.
pub fn unpaid_due(c: &Connection, now: i64, limit: i64) -> Result<Vec<i64>> {
    ids(c, "SELECT id FROM orders WHERE status = 0 AND close_at <= ?1 ORDER BY close_at LIMIT ?2", now, limit)
}

/// Shipped orders shipped at or before `cutoff`.
pub fn shipped_before(c: &Connection, cutoff: i64, limit: i64) -> Result<Vec<i64>> {
    ids(
        c,
        "SELECT id FROM orders WHERE status = 2 AND date_ship <= ?1 ORDER BY date_ship LIMIT ?2",
        cutoff,
        limit,
    )
}

/// Received orders received at or before `cutoff`.
pub fn received_before(c: &Connection, cutoff: i64, limit: i64) -> Result<Vec<i64>> {
    ids(
        c,
        "SELECT id FROM orders WHERE status = 3 AND date_receive <= ?1 ORDER BY date_receive LIMIT ?2",
        cutoff,
        limit,
    )
}

// ---- Lines.

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
    let mut st = c.prepare(&format!(
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

// ---- Stock and sales counters.

/// Takes `n` from a goods without specs; false when fewer than `n` are left.
pub fn take_goods_stock(c: &Connection, goods_id: i64, n: i64) -> Result<bool> {
    let changed = c
        .prepare_cached("UPDATE goods SET stores = stores - ?2 WHERE id = ?1 AND stores >= ?2")?
        .execute(params![goods_id, n])?;
    Ok(changed == 1)
}

/// Takes `n` from a SKU (the goods' total follows by trigger); false when fewer than `n` are left.
pub fn take_sku_stock(c: &Connection, sku_id: i64, n: i64) -> Result<bool> {
    let changed = c
        .prepare_cached("UPDATE goods_skus SET stores = stores - ?2 WHERE id = ?1 AND stores >= ?2")?
        .execute(params![sku_id, n])?;
    Ok(changed == 1)
}

/// Puts `n` back on a goods without specs (nothing when it was deleted meanwhile).
pub fn return_goods_stock(c: &Connection, goods_id: i64, n: i64) -> Result<()> {
    c.prepare_cached("UPDATE goods SET stores = stores + ?2 WHERE id = ?1")?.execute(params![goods_id, n])?;
    Ok(())
}

/// Puts `n` back on a SKU (nothing when it was deleted meanwhile).
pub fn return_sku_stock(c: &Connection, sku_id: i64, n: i64) -> Result<()> {
    c.prepare_cached("UPDATE goods_skus SET stores = stores + ?2 WHERE id = ?1")?
        .execute(params![sku_id, n])?;
    Ok(())
}

/// Counts a paid order in its goods' sales: each goods sold its lines' pieces more and is in one
/// more order, however many of its SKUs the order has.
pub fn add_sales(c: &Connection, order_id: i64) -> Result<()> {
    c.prepare_cached(
        "UPDATE goods SET
             number_sells = number_sells
                 + (SELECT sum(l.number) FROM order_goods l WHERE l.order_id = ?1 AND l.goods_id = goods.id),
             number_orders = number_orders + 1
         WHERE id IN (SELECT goods_id FROM order_goods WHERE order_id = ?1)",
    )?
    .execute([order_id])?;
    Ok(())
}

// ---- Parcels.

/// A parcel as the merchant ships it.
#[derive(Debug, Clone, Default)]
pub struct NewParcel {
    pub shipper_code: String,
    pub shipper_name: String,
    pub tracking_number: String,
    /// JSON array of {AcceptStation, AcceptTime}.
    pub traces: String,
}

#[derive(Debug, Clone)]
pub struct ParcelRow {
    pub id: i64,
    pub order_id: i64,
    pub parcel: NewParcel,
    pub date_add: i64,
}

fn parcel_row(r: &Row) -> rusqlite::Result<ParcelRow> {
    Ok(ParcelRow {
        id: r.get(0)?,
        order_id: r.get(1)?,
        parcel: NewParcel {
            shipper_code: r.get(2)?,
            shipper_name: r.get(3)?,
            tracking_number: r.get(4)?,
            traces: r.get(5)?,
        },
        date_add: r.get(6)?,
    })
}

const PARCEL_COLUMNS: &str = "id, order_id, shipper_code, shipper_name, tracking_number, traces, date_add";

pub fn insert_parcel(c: &Connection, order_id: i64, p: &NewParcel, now: i64) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO order_logistics (order_id, shipper_code, shipper_name, tracking_number, traces, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![order_id, p.shipper_code, p.shipper_name, p.tracking_number, p.traces, now])?;
    Ok(c.last_insert_rowid())
}

/// Replaces a parcel's traces (JSON array).
pub fn set_traces(c: &Connection, parcel_id: i64, traces: &str) -> Result<bool> {
    Ok(c.prepare_cached("UPDATE order_logistics SET traces = ?2 WHERE id = ?1")?
        .execute(params![parcel_id, traces])?
        == 1)
}

/// The parcels of several orders, by order then parcel.
pub fn parcels_of(c: &Connection, order_ids: &[i64]) -> Result<Vec<ParcelRow>> {
    if order_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = (1..=order_ids.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    let mut st = c.prepare(&format!(
        "SELECT {PARCEL_COLUMNS} FROM order_logistics WHERE order_id IN ({marks}) ORDER BY order_id, id"
    ))?;
    let rows = st.query_map(params_from_iter(order_ids.iter()), parcel_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---- After-sale requests.

/// refund status values (`order_refunds.status`).
pub mod refund_status {
    pub const PENDING: i64 = 0;
    pub const CANCELLED: i64 = 1;
    pub const REJECTED: i64 = 2;
    pub const APPROVED: i64 = 3;
    pub const DONE: i64 = 4;

    pub fn label(status: i64) -> &'static str {
        match status {
            PENDING => "待处理",
            CANCELLED => "已撤销",
            REJECTED => "已拒绝",
            APPROVED => "已同意",
            DONE => "已完成",
            _ => "未知",
        }
    }

    /// Refund only (`order_refunds.type`).
    pub const REFUND_ONLY: i64 = 0;
    /// Return and refund: the goods come back before the money goes.
    pub const RETURN_REFUND: i64 = 1;
    pub const EXCHANGE: i64 = 2;

    /// What the shopper asked for (`order_refunds.type`).
    pub fn type_label(kind: i64) -> &'static str {
        match kind {
            REFUND_ONLY => "仅退款",
            RETURN_REFUND => "退货退款",
            EXCHANGE => "换货",
            _ => "未知",
        }
    }

    /// Where a return stands (`status2` to the shopper): 0 no parcel asked for, 1 approved and
    /// awaiting the shopper's parcel, 2 parcel sent (and later received).
    pub fn return_stage(r: &super::RefundRow) -> i64 {
        if r.refund.kind != RETURN_REFUND || r.return_address.is_empty() {
            0
        } else if r.back_tracking_number.is_empty() {
            1
        } else {
            2
        }
    }

    /// The request's state in words, with a return's step while it waits for the goods.
    pub fn label_of(r: &super::RefundRow) -> &'static str {
        match (r.status, return_stage(r)) {
            (APPROVED, 1) => "待买家寄回",
            (APPROVED, 2) => "待商家收货",
            (DONE, _) if r.refund.kind == RETURN_REFUND && r.date_received.is_some() => "已收货退款",
            (s, _) => label(s),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewRefund {
    pub order_id: i64,
    /// 0 = the whole order.
    pub order_goods_id: i64,
    pub user_id: i64,
    pub kind: i64,
    pub logistics_status: i64,
    pub reason: String,
    pub amount: i64,
    pub remark: String,
    /// JSON array of picture URLs.
    pub pics: String,
    /// Pieces asked for; 0 = all of the line (or of the order).
    pub number: i64,
}

#[derive(Debug, Clone)]
pub struct RefundRow {
    pub id: i64,
    pub refund: NewRefund,
    pub status: i64,
    pub back_shipper_name: String,
    pub back_tracking_number: String,
    pub merchant_remark: String,
    pub date_add: i64,
    pub date_update: i64,
    /// Where a return goes: JSON {linkMan, mobile, address}; "" until a return is approved.
    pub return_address: String,
    pub date_back_sent: Option<i64>,
    pub date_received: Option<i64>,
    /// Whether the returned goods went back into stock (None until received).
    pub restocked: Option<bool>,
    pub score_back: i64,
    pub score_back_short: i64,
    pub growth_back: i64,
    pub growth_back_short: i64,
}

const REFUND_COLUMNS: &str =
    "id, order_id, order_goods_id, user_id, type, logistics_status, reason, amount, remark,
     pics, status, back_shipper_name, back_tracking_number, merchant_remark, date_add, date_update,
     number, return_address, date_back_sent, date_received, restocked, score_back, score_back_short,
     growth_back, growth_back_short";

fn refund_row(r: &Row) -> rusqlite::Result<RefundRow> {
    Ok(RefundRow {
        id: r.get(0)?,
        refund: NewRefund {
            order_id: r.get(1)?,
            order_goods_id: r.get(2)?,
            user_id: r.get(3)?,
            kind: r.get(4)?,
            logistics_status: r.get(5)?,
            reason: r.get(6)?,
            amount: r.get(7)?,
            remark: r.get(8)?,
            pics: r.get(9)?,
            number: r.get(16)?,
        },
        status: r.get(10)?,
        back_shipper_name: r.get(11)?,
        back_tracking_number: r.get(12)?,
        merchant_remark: r.get(13)?,
        date_add: r.get(14)?,
        date_update: r.get(15)?,
        return_address: r.get(17)?,
        date_back_sent: r.get(18)?,
        date_received: r.get(19)?,
        restocked: r.get(20)?,
        score_back: r.get(21)?,
        score_back_short: r.get(22)?,
        growth_back: r.get(23)?,
        growth_back_short: r.get(24)?,
    })
}

/// Stores a pending request; None when one is already open for that order line.
pub fn insert_refund(c: &Connection, r: &NewRefund, now: i64) -> Result<Option<i64>> {
    let n = c
        .prepare_cached(
            "INSERT INTO order_refunds (order_id, order_goods_id, user_id, type, logistics_status, reason,
                 amount, remark, pics, number, status, date_add, date_update)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?11)
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![
            r.order_id,
            r.order_goods_id,
            r.user_id,
            r.kind,
            r.logistics_status,
            r.reason,
            r.amount,
            r.remark,
            r.pics,
            r.number,
            now
        ])?;
    Ok((n == 1).then(|| c.last_insert_rowid()))
}

/// Every request of an order, oldest first.
pub fn refunds(c: &Connection, order_id: i64) -> Result<Vec<RefundRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {REFUND_COLUMNS} FROM order_refunds WHERE order_id = ?1 ORDER BY id"
    ))?;
    let rows = st.query_map([order_id], refund_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One request by id.
pub fn refund(c: &Connection, id: i64) -> Result<Option<RefundRow>> {
    Ok(c.prepare_cached(&format!("SELECT {REFUND_COLUMNS} FROM order_refunds WHERE id = ?1"))?
        .query_row([id], refund_row)
        .optional()?)
}

/// Cancels the shopper's open requests on an order (one line, or all when `order_goods_id` is None)
/// that the goods have not been sent back for; how many were cancelled.
pub fn cancel_refunds(c: &Connection, order_id: i64, order_goods_id: Option<i64>, now: i64) -> Result<usize> {
    Ok(c.prepare_cached(
        "UPDATE order_refunds SET status = 1, date_update = ?3
         WHERE order_id = ?1 AND (status = 0 OR (status = 3 AND back_tracking_number = ''))
           AND (?2 IS NULL OR order_goods_id = ?2)",
    )?
    .execute(params![order_id, order_goods_id, now])?)
}

/// Sets the parcel the shopper sends back for an approved return (request `id`) that the
/// merchant has not received yet; false when there is no such return.
pub fn set_back_logistics(
    c: &Connection,
    id: i64,
    shipper_name: &str,
    tracking_number: &str,
    now: i64,
) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE order_refunds SET back_shipper_name = ?2, back_tracking_number = ?3,
                 date_back_sent = ?4, date_update = ?4
             WHERE id = ?1 AND type = 1 AND status = 3 AND return_address <> '' AND date_received IS NULL",
        )?
        .execute(params![id, shipper_name, tracking_number, now])?;
    Ok(n == 1)
}

/// Moves a request from one status to another (the merchant's decisions); false when it was not
/// in `from`.
pub fn set_refund_status(
    c: &Connection,
    id: i64,
    from: i64,
    to: i64,
    merchant_remark: &str,
    now: i64,
) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE order_refunds SET status = ?3, merchant_remark = ?4, date_update = ?5
             WHERE id = ?1 AND status = ?2",
        )?
        .execute(params![id, from, to, merchant_remark, now])?;
    Ok(n == 1)
}

// ---- Calendar bookings.

/// A day (or a day's slot) an order line booked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewBooking {
    pub goods_id: i64,
    pub sku_id: Option<i64>,
    pub day: String,
    /// The slot's name; None for a whole day.
    pub slot: Option<String>,
    pub number: i64,
    /// Fen per unit.
    pub price: i64,
}

#[derive(Debug, Clone)]
pub struct BookingRow {
    pub id: i64,
    pub order_id: i64,
    pub order_goods_id: i64,
    pub booking: NewBooking,
    pub returned: bool,
}

pub fn insert_booking(c: &Connection, order_id: i64, line_id: i64, b: &NewBooking) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO order_line_bookings (order_id, order_goods_id, goods_id, sku_id, day, slot, number, price)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![order_id, line_id, b.goods_id, b.sku_id, b.day, b.slot, b.number, b.price])?;
    Ok(())
}

/// The bookings of several orders, by order then booking.
pub fn bookings_of(c: &Connection, order_ids: &[i64]) -> Result<Vec<BookingRow>> {
    if order_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = (1..=order_ids.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    let mut st = c.prepare(&format!(
        "SELECT id, order_id, order_goods_id, goods_id, sku_id, day, slot, number, price, returned
         FROM order_line_bookings WHERE order_id IN ({marks}) ORDER BY order_id, id"
    ))?;
    let rows = st.query_map(params_from_iter(order_ids.iter()), |r| {
        Ok(BookingRow {
            id: r.get(0)?,
            order_id: r.get(1)?,
            order_goods_id: r.get(2)?,
            booking: NewBooking {
                goods_id: r.get(3)?,
                sku_id: r.get(4)?,
                day: r.get(5)?,
                slot: r.get(6)?,
                number: r.get(7)?,
                price: r.get(8)?,
            },
            returned: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Marks a booking's units as given back; false when they were already.
pub fn mark_booking_returned(c: &Connection, id: i64) -> Result<bool> {
    let n = c
        .prepare_cached("UPDATE order_line_bookings SET returned = 1 WHERE id = ?1 AND returned = 0")?
        .execute([id])?;
    Ok(n == 1)
}

// ---- Events.

#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: i64,
    pub order_id: i64,
    pub kind: String,
    pub remark: String,
    pub date_add: i64,
}

pub fn add_event(c: &Connection, order_id: i64, kind: &str, remark: &str, now: i64) -> Result<()> {
    c.prepare_cached("INSERT INTO order_events (order_id, type, remark, date_add) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![order_id, kind, remark, now])?;
    Ok(())
}

/// An order's events, oldest first.
pub fn events(c: &Connection, order_id: i64) -> Result<Vec<EventRow>> {
    let mut st = c.prepare_cached(
        "SELECT id, order_id, type, remark, date_add FROM order_events WHERE order_id = ?1 ORDER BY id",
    )?;
    let rows = st.query_map([order_id], |r| {
        Ok(EventRow {
            id: r.get(0)?,
            order_id: r.get(1)?,
            kind: r.get(2)?,
            remark: r.get(3)?,
            date_add: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---- Statistics.

/// Paid sales per day in the shop's time zone (UTC+8) between two days ("YYYY-MM-DD", inclusive):
/// (day, fen, orders), oldest first. Closed orders are left out.
pub fn saleroom(c: &Connection, from_day: &str, to_day: &str) -> Result<Vec<(String, i64, i64)>> {
    let mut st = c.prepare_cached(
        "SELECT date(date_pay + 28800, 'unixepoch') AS day, sum(amount_real), count(*)
         FROM orders WHERE date_pay IS NOT NULL AND status <> -1
           AND date_pay >= unixepoch(?1) - 28800 AND date_pay < unixepoch(?2, '+1 day') - 28800
         GROUP BY day ORDER BY day",
    )?;
    let rows = st.query_map(params![from_day, to_day], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Replaces an order's extension fields (a JSON object).
pub fn set_ext_json(c: &Connection, id: i64, ext_json: &str, now: i64) -> Result<()> {
    c.prepare_cached("UPDATE orders SET ext_json = ?2, date_update = ?3 WHERE id = ?1")?
        .execute(params![id, ext_json, now])?;
    Ok(())
}
