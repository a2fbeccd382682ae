//! After-sale requests (`order_refunds`): refunds, returns and exchanges.

use crate::db::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

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
