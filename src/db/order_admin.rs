//! The merchant's queries over orders and after-sale requests: filtered lists for the console and
//! the merchant API, price and address changes before payment, and the merchant's after-sale
//! decisions. Rows are read through `db::order`, so one row shape serves both sides.

use super::Result;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

use super::order::{self, EventRow, LineRow, OrderRow, ParcelRow, RefundRow};

/// Which orders a merchant's list shows; every field narrows it.
#[derive(Debug, Clone, Default)]
pub struct AdminFilter {
    pub status: Option<i64>,
    /// First day ("YYYY-MM-DD", shop time) the order was placed on, inclusive.
    pub from_day: Option<String>,
    /// Last day ("YYYY-MM-DD", shop time), inclusive.
    pub to_day: Option<String>,
    /// The shopper: a user id, or part of their nick, or their mobile.
    pub shopper: Option<String>,
    /// The goods: a goods id, or part of a line's goods name.
    pub goods: Option<String>,
    /// Part of an order number, or a phone (the order's contact or the shopper's account).
    pub q: Option<String>,
    /// true: only orders with an after-sale request.
    pub has_refund: Option<bool>,
}

/// An order in a merchant's list, with who placed it.
#[derive(Debug, Clone)]
pub struct ListedOrder {
    pub order: OrderRow,
    pub nick: String,
    pub user_mobile: String,
}

/// Adds a value; its parameter number.
fn push(v: Value, values: &mut Vec<Value>) -> usize {
    values.push(v);
    values.len()
}

/// The WHERE clause and its values for a filter (tables `o` orders, `u` users).
fn filter_sql(f: &AdminFilter) -> (String, Vec<Value>) {
    let mut cond = vec!["1 = 1".to_string()];
    let mut values: Vec<Value> = Vec::new();
    if let Some(s) = f.status {
        let i = push(s.into(), &mut values);
        cond.push(format!("o.status = ?{i}"));
    }
    if let Some(d) = &f.from_day {
        // The shop's days start at 00:00 UTC+8.
        let i = push(d.clone().into(), &mut values);
        cond.push(format!("o.date_add >= unixepoch(?{i}) - 28800"));
    }
    if let Some(d) = &f.to_day {
        let i = push(d.clone().into(), &mut values);
        cond.push(format!("o.date_add < unixepoch(?{i}, '+1 day') - 28800"));
    }
    if let Some(s) = &f.shopper {
        let i = push(s.clone().into(), &mut values);
        let by_id =
            s.parse::<i64>().map(|_| format!("o.user_id = CAST(?{i} AS INTEGER) OR ")).unwrap_or_default();
        cond.push(format!("({by_id}instr(u.nick, ?{i}) > 0 OR u.mobile = ?{i})"));
    }
    if let Some(g) = &f.goods {
        let i = push(g.clone().into(), &mut values);
        let by_id =
            g.parse::<i64>().map(|_| format!("l.goods_id = CAST(?{i} AS INTEGER) OR ")).unwrap_or_default();
        cond.push(format!(
            "EXISTS (SELECT 1 FROM order_goods l WHERE l.order_id = o.id AND ({by_id}instr(l.goods_name, ?{i}) > 0))"
        ));
    }
    if let Some(q) = &f.q {
        let i = push(q.clone().into(), &mut values);
        cond.push(format!("(instr(o.order_number, ?{i}) > 0 OR o.mobile = ?{i} OR u.mobile = ?{i})"));
    }
    if let Some(r) = f.has_refund {
        let i = push(i64::from(r).into(), &mut values);
        cond.push(format!("o.has_refund = ?{i}"));
    }
    (cond.join(" AND "), values)
}

/// A page of orders matching `f`, newest first, and how many match in all.
pub fn list(c: &Connection, f: &AdminFilter, offset: i64, limit: i64) -> Result<(Vec<ListedOrder>, i64)> {
    let (filter, mut values) = filter_sql(f);
    let from = "FROM orders o JOIN users u ON u.id = o.user_id";
    let total: i64 = c
        .prepare_cached(&format!("SELECT count(*) {from} WHERE {filter}"))?
        .query_row(params_from_iter(values.iter()), |r| r.get(0))?;
    let (lim, off) = (values.len() + 1, values.len() + 2);
    values.push(limit.into());
    values.push(offset.into());
    let mut st = c.prepare_cached(&format!(
        "SELECT o.id, u.nick, coalesce(u.mobile, '') {from} WHERE {filter}
         ORDER BY o.id DESC LIMIT ?{lim} OFFSET ?{off}"
    ))?;
    let found = st
        .query_map(params_from_iter(values.iter()), |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<(i64, String, String)>>>()?;
    let mut rows = Vec::with_capacity(found.len());
    for (id, nick, user_mobile) in found {
        // Read in the same connection (and snapshot) as the ids; an order is never deleted.
        if let Some(order) = order::order(c, id)? {
            rows.push(ListedOrder { order, nick, user_mobile });
        }
    }
    Ok((rows, total))
}

/// How many orders there are in each status: (status, count).
pub fn status_counts(c: &Connection) -> Result<Vec<(i64, i64)>> {
    let mut st = c.prepare_cached("SELECT status, count(*) FROM orders GROUP BY status ORDER BY status")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The shopper's nick and account mobile ("" when none).
pub fn shopper_of(c: &Connection, user_id: i64) -> Result<(String, String)> {
    Ok(c.prepare_cached("SELECT nick, coalesce(mobile, '') FROM users WHERE id = ?1")?
        .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// Everything the merchant sees of one order.
#[derive(Debug, Clone)]
pub struct OrderDetail {
    pub listed: ListedOrder,
    pub lines: Vec<LineRow>,
    pub parcels: Vec<ParcelRow>,
    pub refunds: Vec<RefundRow>,
    pub events: Vec<EventRow>,
    /// The WeChat payment that paid it, if one did.
    pub payment: Option<super::payment::Payment>,
}

/// One order with its lines, parcels, after-sale requests and events; None when there is none.
pub fn detail(c: &Connection, id: i64) -> Result<Option<OrderDetail>> {
    let Some(o) = order::order(c, id)? else { return Ok(None) };
    let (nick, user_mobile) = shopper_of(c, o.fields.user_id)?;
    Ok(Some(OrderDetail {
        lines: order::lines(c, id)?,
        parcels: order::parcels_of(c, &[id])?,
        refunds: order::refunds(c, id)?,
        events: order::events(c, id)?,
        payment: super::payment::paid_for_order(c, id)?,
        listed: ListedOrder { order: o, nick, user_mobile },
    }))
}

/// Sets what an unpaid order costs; false when the order was not unpaid.
pub fn set_amount_real(c: &Connection, id: i64, fen: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached("UPDATE orders SET amount_real = ?2, date_update = ?3 WHERE id = ?1 AND status = 0")?
        .execute(params![id, fen, now])?;
    Ok(n == 1)
}

/// Where a delivery order goes.
#[derive(Debug, Clone, Default)]
pub struct Destination {
    pub link_man: String,
    pub mobile: String,
    pub province_id: String,
    pub city_id: String,
    pub district_id: String,
    pub address: String,
    pub postcode: String,
}

/// Replaces the address of an unpaid delivery order; false when it is not one.
pub fn set_destination(c: &Connection, id: i64, d: &Destination, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE orders SET link_man = ?2, mobile = ?3, province_id = ?4, city_id = ?5,
                 district_id = ?6, street_id = '', address = ?7, postcode = ?8, date_update = ?9
             WHERE id = ?1 AND status = 0 AND peisong_type = 'kd'",
        )?
        .execute(params![
            id,
            d.link_man,
            d.mobile,
            d.province_id,
            d.city_id,
            d.district_id,
            d.address,
            d.postcode,
            now
        ])?;
    Ok(n == 1)
}

/// An after-sale request in the merchant's queue, with its order number and shopper.
#[derive(Debug, Clone)]
pub struct QueuedRefund {
    pub refund: RefundRow,
    pub order_number: String,
    pub nick: String,
}

/// A page of after-sale requests (in one status, or all), open ones first then newest first,
/// and how many in all.
pub fn refund_queue(
    c: &Connection,
    status: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<QueuedRefund>, i64)> {
    let total: i64 = c
        .prepare_cached("SELECT count(*) FROM order_refunds WHERE ?1 IS NULL OR status = ?1")?
        .query_row([status], |r| r.get(0))?;
    let mut st = c.prepare_cached(
        "SELECT r.id, o.order_number, u.nick FROM order_refunds r
         JOIN orders o ON o.id = r.order_id JOIN users u ON u.id = r.user_id
         WHERE ?1 IS NULL OR r.status = ?1
         ORDER BY r.status IN (0, 3) DESC, r.id DESC LIMIT ?2 OFFSET ?3",
    )?;
    let found = st
        .query_map(params![status, limit, offset], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<(i64, String, String)>>>()?;
    let mut rows = Vec::with_capacity(found.len());
    for (id, order_number, nick) in found {
        if let Some(refund) = order::refund(c, id)? {
            rows.push(QueuedRefund { refund, order_number, nick });
        }
    }
    Ok((rows, total))
}

/// Fen already given back on an order's finished requests (an exchange gives no money back,
/// whatever amount it names).
pub fn refunded_total(c: &Connection, order_id: i64) -> Result<i64> {
    Ok(c.prepare_cached(
        "SELECT coalesce(sum(amount), 0) FROM order_refunds WHERE order_id = ?1 AND status = 4 AND type <> 2",
    )?
    .query_row([order_id], |r| r.get(0))?)
}

/// Approves a pending return and refund (0 → 3), asking for the goods at `address` (JSON);
/// false when it was not pending.
pub fn approve_return(
    c: &Connection,
    id: i64,
    address: &str,
    merchant_remark: &str,
    now: i64,
) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE order_refunds SET status = 3, return_address = ?2, merchant_remark = ?3, date_update = ?4
             WHERE id = ?1 AND status = 0 AND type = 1",
        )?
        .execute(params![id, address, merchant_remark, now])?;
    Ok(n == 1)
}

/// The merchant has the returned goods (3 → 4), restocked or not; false unless the return was
/// approved, its parcel sent and not yet received, so the refund after it runs once.
pub fn receive_return(
    c: &Connection,
    id: i64,
    restocked: bool,
    merchant_remark: &str,
    now: i64,
) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE order_refunds SET status = 4, date_received = ?2, restocked = ?3,
                 merchant_remark = CASE WHEN ?4 = '' THEN merchant_remark ELSE ?4 END, date_update = ?2
             WHERE id = ?1 AND type = 1 AND status = 3 AND back_tracking_number <> ''
               AND date_received IS NULL",
        )?
        .execute(params![id, now, restocked, merchant_remark])?;
    Ok(n == 1)
}

/// Records what a refund took back of the points and growth given for its order.
pub fn set_reward_back(c: &Connection, id: i64, score: (i64, i64), growth: (i64, i64)) -> Result<()> {
    c.prepare_cached(
        "UPDATE order_refunds SET score_back = ?2, score_back_short = ?3, growth_back = ?4,
             growth_back_short = ?5
         WHERE id = ?1",
    )?
    .execute(params![id, score.0, score.1, growth.0, growth.1])?;
    Ok(())
}

/// What an order's refunds have settled of the points and growth given for it so far (taken
/// back or found spent): (points, growth).
pub fn reward_back_total(c: &Connection, order_id: i64) -> Result<(i64, i64)> {
    Ok(c.prepare_cached(
        "SELECT coalesce(sum(score_back + score_back_short), 0), coalesce(sum(growth_back + growth_back_short), 0)
         FROM order_refunds WHERE order_id = ?1",
    )?
    .query_row([order_id], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// The return address the merchant gave last (JSON; "" when none yet): the console offers it again.
pub fn last_return_address(c: &Connection) -> Result<String> {
    Ok(c.prepare_cached(
        "SELECT return_address FROM order_refunds WHERE return_address <> '' ORDER BY date_update DESC, id DESC LIMIT 1",
    )?
    .query_row([], |r| r.get(0))
    .optional()
    .map(Option::unwrap_or_default)?)
}

/// Closes an open request (pending, or approved awaiting the return) with the merchant's
/// decision `to` (2 rejected, 4 done); false when it was not open, so a decision applies once.
pub fn decide_refund(c: &Connection, id: i64, to: i64, merchant_remark: &str, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE order_refunds SET status = ?2, merchant_remark = ?3, date_update = ?4
             WHERE id = ?1 AND status IN (0, 3)",
        )?
        .execute(params![id, to, merchant_remark, now])?;
    Ok(n == 1)
}
