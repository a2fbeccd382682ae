//! Order rows: creating, reading and listing orders, their extension fields and daily sales.

use crate::db::Result;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

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

/// Replaces an order's extension fields (a JSON object).
pub fn set_ext_json(c: &Connection, id: i64, ext_json: &str, now: i64) -> Result<()> {
    c.prepare_cached("UPDATE orders SET ext_json = ?2, date_update = ?3 WHERE id = ?1")?
        .execute(params![id, ext_json, now])?;
    Ok(())
}

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
