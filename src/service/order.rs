//! The order lifecycle after checkout: pay from the balance, close (by the shopper or the job),
//! confirm receipt, review, pick-up write-off and after-sale requests, plus the shop's order rules.
//!
//! Each change is one guarded status move (`db::order::mark_*`) in the caller's transaction, and
//! whatever goes with it (stock, points, coupon, sales counters) happens only when the move did:
//! closing an order twice returns its stock once, and a job never closes an order paid meanwhile.

use rusqlite::Connection;

use crate::db::order::{self, refund_status, status, NewRefund, OrderRow};
use crate::db::reputation::NewReputation;
use crate::service::coupons;
use crate::service::error::{Entity, Error, Result};
use crate::service::ledger::{self, Account, Source};
use crate::service::outbox::ShopEvent;
use crate::service::reputation;
use crate::service::security::Verdict;
use crate::settings::registry;

/// Setting keys (the `settings` table; edited on the console's 订单设置 page).
pub mod keys {
    pub use crate::settings::keys::orders::*;
}

/// The shop's points-for-money rule as the preview answers it (`scoreDeductionRules`).
#[derive(Debug, Clone, Copy)]
pub struct ScoreRule {
    /// Points per 1 yuan.
    pub score: i64,
    /// Fen those points are worth (100 = 1 yuan).
    pub money: i64,
}

/// The shop's order rules, read from its settings.
#[derive(Debug, Clone)]
pub struct OrderRules {
    pub close_minutes: i64,
    pub auto_confirm_days: i64,
    pub auto_review_days: i64,
    pub score_per_yuan: i64,
    pub score_max_percent: i64,
    pub hx_staff: Vec<i64>,
    pub job_interval_secs: i64,
}

impl Default for OrderRules {
    /// The settings registry's defaults.
    fn default() -> Self {
        OrderRules::from_lookup(|_| None)
    }
}

impl OrderRules {
    /// The rules from a settings lookup; unset or unreadable values keep their defaults.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> OrderRules {
        let num = |key: &str| registry::get(key).whole_number(get(key).as_deref()).unwrap_or(0);
        OrderRules {
            close_minutes: num(keys::CLOSE_MINUTES),
            auto_confirm_days: num(keys::AUTO_CONFIRM_DAYS),
            auto_review_days: num(keys::AUTO_REVIEW_DAYS),
            score_per_yuan: num(keys::SCORE_PER_YUAN),
            score_max_percent: num(keys::SCORE_MAX_PERCENT),
            hx_staff: get(keys::HX_STAFF)
                .unwrap_or_default()
                .split(',')
                .filter_map(|s| s.trim().parse::<i64>().ok())
                .collect(),
            job_interval_secs: num(keys::JOB_INTERVAL_SECS),
        }
    }

    /// The rules as the in-memory settings hold them (handlers).
    pub fn of(snapshot: &crate::settings::Snapshot) -> OrderRules {
        OrderRules::from_lookup(|k| snapshot.get(k).map(str::to_string))
    }

    /// The rules straight from the database (jobs).
    pub fn load(c: &Connection) -> Result<OrderRules> {
        let all: std::collections::HashMap<String, String> =
            crate::db::settings::all_settings(c)?.into_iter().collect();
        Ok(OrderRules::from_lookup(|k| all.get(k).cloned()))
    }

    pub fn close_after_secs(&self) -> i64 {
        self.close_minutes * 60
    }

    /// True when the shopper is shop staff for write-offs.
    pub fn is_hx_staff(&self, user_id: i64) -> bool {
        self.hx_staff.contains(&user_id)
    }

    /// (fen off, points spent) for `requested` points on `base` fen of goods: at most the shop's
    /// share of `base`, and no more points than that buys.
    pub fn score_deduction(&self, requested: i64, base: i64) -> Result<(i64, i64)> {
        if requested < 0 {
            return Err(Error::invalid("deductionScore", "不能为负数"));
        }
        if requested == 0 {
            return Ok((0, 0));
        }
        if self.score_per_yuan <= 0 {
            return Err(Error::invalid("deductionScore", "本店未开启积分抵扣"));
        }
        let rate = self.score_per_yuan;
        let cap = base.max(0).saturating_mul(self.score_max_percent) / 100;
        let fen = (requested.saturating_mul(100) / rate).min(cap);
        // The points that buy exactly `fen` (rounded up, so the shop never gives money away).
        let points = (fen.saturating_mul(rate) + 99) / 100;
        Ok((fen, points))
    }

    /// The rule the preview answers (`scoreDeductionRules`); none when points cannot pay.
    pub fn score_rules(&self) -> Vec<ScoreRule> {
        if self.score_per_yuan > 0 {
            vec![ScoreRule { score: self.score_per_yuan, money: 100 }]
        } else {
            Vec::new()
        }
    }
}

/// What the templates call an order that is not the shopper's: 404 "订单不存在".
pub const NOT_FOUND: Error = Error::NotFound(Entity::Order);

fn own(c: &Connection, user_id: i64, order_id: i64) -> Result<OrderRow> {
    order::order_of(c, user_id, order_id)?.ok_or(NOT_FOUND)
}

fn wrong_state(o: &OrderRow, wanted: &str) -> Error {
    Error::refused(format!("订单{}，不能{wanted}", status::label(o.fields.status)))
}

/// What goes with a payment, once the order is marked paid: the goods' points price, the goods'
/// sales counters, the shopper's total consumed and the event.
pub fn settle_paid(c: &Connection, order_id: i64, now: i64) -> Result<()> {
    let o = order::order(c, order_id)?.ok_or(NOT_FOUND)?;
    if o.fields.score > 0 {
        let reason = format!("订单 {} 积分支付", o.order_number);
        ledger::post(
            c,
            o.fields.user_id,
            Account::Score,
            -o.fields.score,
            &reason,
            Source::Order,
            &o.id.to_string(),
        )?;
    }
    order::add_sales(c, order_id)?;
    if o.fields.amount_real > 0 {
        ledger::add_consumed(c, o.fields.user_id, o.fields.amount_real)?;
    }
    coupons::use_locked(c, order_id, now)?;
    crate::service::kanjia::on_paid(c, order_id, now)?;
    crate::service::fx::on_paid(c, order_id, now)?;
    crate::service::partner::on_paid(c, order_id, now)?;
    order::add_event(c, order_id, "pay", "支付成功", now)?;
    crate::service::outbox::enqueue_event(c, o.fields.user_id, ShopEvent::OrderPaid { order_id }, now)?;
    // group buy (pingtuan): last, so a payment for a finished group is refunded after all of the above.
    crate::service::pingtuan::on_paid(c, order_id, now, GROUP_ORDERS)?;
    Ok(())
}

/// orderPay: pays the shopper's unpaid order from their balance (40000 with the amount due when
/// it is short; 30001 when the goods' points are short).
pub fn pay_from_balance(c: &Connection, user_id: i64, order_id: i64, now: i64) -> Result<OrderRow> {
    let o = own(c, user_id, order_id)?;
    if o.fields.status != status::UNPAID {
        return Err(wrong_state(&o, "支付"));
    }
    if o.fields.amount_real > 0 {
        let reason = format!("支付订单 {}", o.order_number);
        ledger::post(
            c,
            user_id,
            Account::Balance,
            -o.fields.amount_real,
            &reason,
            Source::Order,
            &o.id.to_string(),
        )?;
    }
    if !order::mark_paid(c, o.id, o.fields.amount_real, now)? {
        return Err(wrong_state(&o, "支付"));
    }
    settle_paid(c, o.id, now)?;
    order::order(c, o.id)?.ok_or(NOT_FOUND)
}

/// Gives back the stock an order's lines hold: every booked calendar day (slot) once, and when
/// `goods_too`, the SKU (goods) stock of the lines that booked no day.
fn give_back_stock(c: &Connection, order_id: i64, goods_too: bool) -> Result<()> {
    let bookings = order::bookings_of(c, &[order_id])?;
    for b in &bookings {
        crate::service::calendar::give_back(c, b)?;
    }
    if !goods_too {
        return Ok(());
    }
    for l in order::lines(c, order_id)? {
        if bookings.iter().any(|b| b.order_goods_id == l.id) {
            continue;
        }
        match l.line.sku_id {
            Some(sku) => order::return_sku_stock(c, sku, l.line.number)?,
            None => order::return_goods_stock(c, l.line.goods_id, l.line.number)?,
        }
    }
    Ok(())
}

/// What group buy may do to orders (see [`crate::service::pingtuan::Orders`]).
pub const GROUP_ORDERS: crate::service::pingtuan::Orders =
    crate::service::pingtuan::Orders { close, close_refunded };

/// Closes an unpaid order and gives back what it held: stock per SKU, booked calendar days
/// (slots), deduction points, the coupon, the card. False (and nothing given back) when the order was no
/// longer unpaid.
pub fn close(c: &Connection, order_id: i64, reason: &str, now: i64) -> Result<bool> {
    let Some(o) = order::order(c, order_id)? else { return Ok(false) };
    if !order::mark_closed(c, order_id, reason, now)? {
        return Ok(false);
    }
    give_back_stock(c, order_id, true)?;
    if o.fields.score_deduction > 0 {
        let why = format!("订单 {} 关闭，退回抵扣积分", o.order_number);
        ledger::post(
            c,
            o.fields.user_id,
            Account::Score,
            o.fields.score_deduction,
            &why,
            Source::Order,
            &o.id.to_string(),
        )?;
    }
    coupons::release(c, order_id, now)?;
    crate::service::card_pay::give_back(c, order_id, &o.order_number, "关闭", now)?;
    crate::service::kanjia::on_closed(c, order_id, now)?;
    crate::service::pingtuan::on_closed(c, order_id)?;
    order::add_event(c, order_id, "close", reason, now)?;
    Ok(true)
}

/// Why a fully refunded order is closed (`closeReason`).
pub const REFUNDED_REASON: &str = "订单已全额退款";

/// Closes a paid order whose money has all gone back (any paid status → -1): its booked calendar
/// days (slots) go back, the points it spent (deduction and points price) go back to the shopper,
/// and an order still awaiting shipment puts its goods back in stock (they never left the shop;
/// goods that were shipped come back only through a return the merchant restocks). The coupon
/// stays used. False when the order was not paid and open (closed already).
pub fn close_refunded(c: &Connection, order_id: i64, now: i64) -> Result<bool> {
    let o = order::order(c, order_id)?.ok_or(NOT_FOUND)?;
    let from = o.fields.status;
    if from <= status::UNPAID || !order::mark_refunded_closed(c, order_id, from, REFUNDED_REASON, now)? {
        return Ok(false);
    }
    give_back_stock(c, order_id, from == status::PAID)?;
    let spent = o.fields.score_deduction.saturating_add(o.fields.score);
    if spent > 0 {
        let why = format!("订单 {} 全额退款，退回积分", o.order_number);
        ledger::post(c, o.fields.user_id, Account::Score, spent, &why, Source::Order, &o.id.to_string())?;
    }
    crate::service::card_pay::give_back(c, order_id, &o.order_number, "全额退款", now)?;
    order::add_event(c, order_id, "close", REFUNDED_REASON, now)?;
    Ok(true)
}

/// orderClose: the shopper cancels their unpaid order.
pub fn close_by_shopper(c: &Connection, user_id: i64, order_id: i64, now: i64) -> Result<()> {
    let o = own(c, user_id, order_id)?;
    if o.fields.status != status::UNPAID || !close(c, order_id, "用户取消订单", now)? {
        return Err(wrong_state(&o, "关闭"));
    }
    Ok(())
}

/// orderDelete: hides a closed or completed order from its shopper.
pub fn delete_by_shopper(c: &Connection, user_id: i64, order_id: i64, now: i64) -> Result<()> {
    let o = own(c, user_id, order_id)?;
    if !order::user_delete(c, user_id, order_id, now)? {
        return Err(Error::refused(format!(
            "订单{}，只有已关闭或已完成的订单可以删除",
            status::label(o.fields.status)
        )));
    }
    Ok(())
}

/// orderDelivery: the shopper confirms receipt of a shipped order (2 → 3).
pub fn confirm_receipt(c: &Connection, user_id: i64, order_id: i64, now: i64) -> Result<()> {
    let o = own(c, user_id, order_id)?;
    if !order::mark_received(c, order_id, &[status::SHIPPED], now)? {
        return Err(wrong_state(&o, "确认收货"));
    }
    order::add_event(c, order_id, "receive", "确认收货", now)?;
    crate::service::points::award_order(c, order_id)?;
    crate::service::fx::on_received(c, order_id, now)?;
    Ok(())
}

/// The job's receipt confirmation; false when the order was no longer shipped.
pub fn auto_confirm(c: &Connection, order_id: i64, now: i64) -> Result<bool> {
    if !order::mark_received(c, order_id, &[status::SHIPPED], now)? {
        return Ok(false);
    }
    order::add_event(c, order_id, "receive", "超时自动确认收货", now)?;
    crate::service::points::award_order(c, order_id)?;
    crate::service::fx::on_received(c, order_id, now)?;
    Ok(true)
}

/// One review of an order line, as orderReputation sends it.
#[derive(Debug, Clone)]
pub struct LineReview {
    pub order_goods_id: i64,
    pub reputation: i64,
    pub stars: i64,
    pub remark: String,
    pub pics: Vec<String>,
    /// The content check's answer for `remark` (security::check_text, before the transaction).
    pub verdict: Verdict,
}

/// orderReputation: reviews lines of a received order (through `reputation::add_checked_review`,
/// so the goods' counters move and a held text stays hidden) and completes it (3 → 4).
pub fn review(c: &Connection, user_id: i64, order_id: i64, reviews: &[LineReview], now: i64) -> Result<()> {
    let o = own(c, user_id, order_id)?;
    if o.fields.status != status::RECEIVED {
        return Err(wrong_state(&o, "评价"));
    }
    let lines = order::lines(c, order_id)?;
    for r in reviews {
        let Some(line) = lines.iter().find(|l| l.id == r.order_goods_id) else {
            return Err(Error::invalid("reputations", format!("订单中没有商品记录 {}", r.order_goods_id)));
        };
        let new = NewReputation {
            order_goods_id: Some(line.id),
            goods_id: line.line.goods_id,
            user_id,
            reputation: r.reputation,
            stars: r.stars,
            remark: r.remark.clone(),
            pics: r.pics.clone(),
        };
        add_line_review(c, &new, &r.verdict, now)?;
    }
    if !order::mark_reviewed(c, order_id, now)? {
        return Err(wrong_state(&o, "评价"));
    }
    order::add_event(c, order_id, "review", "已评价", now)?;
    Ok(())
}

/// Stores a line's review; a goods deleted since is skipped (its reviews would have nowhere to show).
fn add_line_review(c: &Connection, r: &NewReputation, verdict: &Verdict, now: i64) -> Result<()> {
    match reputation::add_checked_review(c, r, verdict, now) {
        Ok(_) | Err(Error::NotFound(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The job's default good review of every line not yet reviewed, completing the order; false
/// when the order was no longer awaiting review.
pub fn auto_review(c: &Connection, order_id: i64, now: i64) -> Result<bool> {
    let Some(o) = order::order(c, order_id)? else { return Ok(false) };
    if o.fields.status != status::RECEIVED {
        return Ok(false);
    }
    for l in order::lines(c, order_id)? {
        if crate::db::reputation::line_reviewed(c, l.id)? {
            continue;
        }
        let new = NewReputation {
            order_goods_id: Some(l.id),
            goods_id: l.line.goods_id,
            user_id: o.fields.user_id,
            reputation: 2,
            stars: 5,
            remark: "系统默认好评".into(),
            pics: Vec::new(),
        };
        // The shop's own default text needs no content check.
        add_line_review(c, &new, &Verdict::Off, now)?;
    }
    if !order::mark_reviewed(c, order_id, now)? {
        return Ok(false);
    }
    order::add_event(c, order_id, "review", "超时自动好评", now)?;
    Ok(true)
}

/// orderHX: staff write off a pick-up order by its code (1 or 2 → 3); `ext_json` (a JSON object)
/// is merged into the order's extension fields.
pub fn write_off(c: &Connection, hx_number: &str, ext_json: Option<&str>, now: i64) -> Result<OrderRow> {
    let o = order::by_hx_number(c, hx_number)?.ok_or(Error::NotFound(Entity::WriteOffCode))?;
    if !order::mark_received(c, o.id, &[status::PAID, status::SHIPPED], now)? {
        return Err(wrong_state(&o, "核销"));
    }
    if let Some(extra) = ext_json {
        let mut ext: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&o.fields.ext_json).unwrap_or_default();
        let add: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(extra).map_err(|_| Error::invalid("extJsonStr", "应为 JSON 对象"))?;
        ext.extend(add);
        order::set_ext_json(c, o.id, &serde_json::Value::Object(ext).to_string(), now)?;
    }
    order::add_event(c, o.id, "hx", "到店核销", now)?;
    crate::service::points::award_order(c, o.id)?;
    crate::service::fx::on_received(c, o.id, now)?;
    order::order(c, o.id)?.ok_or(NOT_FOUND)
}

/// The after-sale types a line of an order in `order_status` may ask for (`afterSale`, comma-joined
/// as the templates split it): refund only until the order ships; then also return and refund,
/// and exchange; nothing before payment or once closed.
pub fn after_sale_kinds(order_status: i64) -> &'static str {
    match order_status {
        status::PAID => "0",
        status::SHIPPED | status::RECEIVED | status::DONE => "0,1,2",
        _ => "",
    }
}

/// An after-sale request as the shopper sends it.
#[derive(Debug, Clone, Default)]
pub struct RefundInput {
    pub order_id: i64,
    /// None = the whole order.
    pub order_goods_id: Option<i64>,
    pub kind: i64,
    pub logistics_status: i64,
    pub reason: String,
    /// Fen asked back; None = the whole amount paid (for the line: its amount, or the pieces').
    pub amount: Option<i64>,
    /// Pieces of the line asked for; None = all of them.
    pub number: Option<i64>,
    pub remark: String,
    pub pics: Vec<String>,
}

/// refundApply: opens an after-sale request on a paid order (20000 when one is open already).
/// A return or an exchange needs the goods shipped (or handed over) first.
pub fn apply_refund(c: &Connection, user_id: i64, r: &RefundInput, now: i64) -> Result<i64> {
    let o = own(c, user_id, r.order_id)?;
    if matches!(o.fields.status, status::UNPAID | status::CLOSED) {
        return Err(wrong_state(&o, "申请售后"));
    }
    if r.kind != refund_status::REFUND_ONLY && o.fields.status == status::PAID {
        return Err(Error::invalid("type", "订单尚未发货，只能申请仅退款"));
    }
    let (most, number) = match r.order_goods_id {
        Some(line_id) => {
            let lines = order::lines(c, o.id)?;
            let line = lines
                .iter()
                .find(|l| l.id == line_id)
                .ok_or_else(|| Error::invalid("orderGoodsId", "不是该订单的商品"))?;
            let number = match r.number {
                None | Some(0) => line.line.number,
                Some(n) if (1..=line.line.number).contains(&n) => n,
                Some(_) => {
                    return Err(Error::invalid("number", format!("应在 1 到 {} 件之间", line.line.number)))
                }
            };
            let pieces = if number == line.line.number {
                line.line.amount
            } else {
                line.line.amount_single.saturating_mul(number).min(line.line.amount)
            };
            (pieces.min(o.fields.amount_real), if number == line.line.number { 0 } else { number })
        }
        None => (o.fields.amount_real, 0),
    };
    // Never more than the order still holds after earlier refunds.
    let left = o.fields.amount_real - crate::db::order_admin::refunded_total(c, o.id)?;
    let most = most.min(left.max(0));
    let amount = r.amount.unwrap_or(most);
    if !(0..=most).contains(&amount) {
        return Err(Error::invalid("amount", format!("应在 0 到 {} 元之间", crate::money::to_yuan(most))));
    }
    let new = NewRefund {
        order_id: o.id,
        order_goods_id: r.order_goods_id.unwrap_or(0),
        user_id,
        kind: r.kind,
        logistics_status: r.logistics_status,
        reason: r.reason.clone(),
        amount,
        remark: r.remark.clone(),
        pics: serde_json::to_string(&r.pics).unwrap_or_else(|_| "[]".into()),
        number,
    };
    let id = order::insert_refund(c, &new, now)?.ok_or(Error::RefundOpen)?;
    order::set_has_refund(c, o.id, now)?;
    order::add_event(c, o.id, "refund", &format!("申请售后：{}", r.reason), now)?;
    Ok(id)
}

/// refundApplyCancel: withdraws the shopper's open request(s) on an order (or one line); a
/// return whose goods are on their way back can no longer be withdrawn.
pub fn cancel_refund(c: &Connection, user_id: i64, order_id: i64, line: Option<i64>, now: i64) -> Result<()> {
    let o = own(c, user_id, order_id)?;
    if order::cancel_refunds(c, o.id, line, now)? == 0 {
        return Err(Error::NotFound(Entity::OpenRefund));
    }
    order::add_event(c, o.id, "refund", "撤销售后申请", now)?;
    Ok(())
}

/// Which request a returned parcel is for: the request's id (`applyId`), or the open request
/// of an order line (`orderGoodsId`; none: the whole order's, or the order's only open one).
#[derive(Debug, Clone, Copy, Default)]
pub struct ReturnOf {
    pub order_id: i64,
    pub apply_id: Option<i64>,
    pub line: Option<i64>,
}

/// refundApplySetBackLogistics: the parcel the shopper sends back for a return the merchant
/// approved (`shipperName`, `trackingNumber`); it may be corrected until the merchant has the goods.
pub fn set_back_logistics(
    c: &Connection,
    user_id: i64,
    of: ReturnOf,
    shipper_name: &str,
    tracking_number: &str,
    now: i64,
) -> Result<()> {
    let o = own(c, user_id, of.order_id)?;
    let shipper = shipper_name.trim();
    if shipper.is_empty() {
        return Err(Error::missing("shipperName"));
    }
    if shipper.chars().count() > 30 {
        return Err(Error::invalid("shipperName", "最多 30 个字"));
    }
    let tracking = tracking_number.trim();
    if tracking.is_empty() {
        return Err(Error::missing("trackingNumber"));
    }
    if tracking.len() > 40 || !tracking.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(Error::invalid("trackingNumber", "应为不超过 40 位的字母、数字或短横线"));
    }
    let refunds = order::refunds(c, o.id)?;
    let open = |r: &&order::RefundRow| matches!(r.status, refund_status::PENDING | refund_status::APPROVED);
    let r = match (of.apply_id, of.line) {
        (Some(id), _) => refunds.iter().find(|r| r.id == id),
        (None, Some(line)) => refunds.iter().filter(open).find(|r| r.refund.order_goods_id == line),
        (None, None) => {
            refunds.iter().filter(open).find(|r| r.refund.order_goods_id == 0).or_else(|| {
                refunds.iter().filter(open).find(|r| r.refund.kind == refund_status::RETURN_REFUND)
            })
        }
    }
    .ok_or(Error::NotFound(Entity::Refund))?;
    if r.refund.kind != refund_status::RETURN_REFUND {
        return Err(Error::refused(format!("{}申请无需寄回商品", refund_status::type_label(r.refund.kind))));
    }
    if r.status == refund_status::PENDING {
        return Err(Error::refused("商家同意退货后才能填写寄回单号"));
    }
    if !order::set_back_logistics(c, r.id, shipper, tracking, now)? {
        return Err(Error::refused(format!("售后申请{}，不能再填写寄回单号", refund_status::label_of(r))));
    }
    order::add_event(c, o.id, "refund", &format!("买家寄回商品：{shipper} {tracking}"), now)?;
    Ok(())
}

/// Everything orderDetail shows of one order.
pub struct OrderDetail {
    pub order: OrderRow,
    pub lines: Vec<order::LineRow>,
    pub bookings: Vec<order::BookingRow>,
    pub parcels: Vec<order::ParcelRow>,
    pub events: Vec<order::EventRow>,
    pub refunds: Vec<order::RefundRow>,
}

/// The shopper's order with all that hangs off it; by write-off code (which wins over the id,
/// as the client documents) only for the order's owner or shop staff.
pub fn detail(
    c: &Connection,
    user_id: i64,
    id: Option<i64>,
    hx_number: Option<&str>,
    rules: &OrderRules,
) -> Result<OrderDetail> {
    let o = match (hx_number, id) {
        (Some(hx), _) => {
            let o = order::by_hx_number(c, hx)?.ok_or(Error::NotFound(Entity::WriteOffCode))?;
            if o.fields.user_id != user_id && !rules.is_hx_staff(user_id) {
                return Err(Error::denied("只有本店核销员可以按核销码查看订单"));
            }
            o
        }
        (None, Some(id)) => own(c, user_id, id)?,
        (None, None) => return Err(Error::missing("id")),
    };
    Ok(OrderDetail {
        lines: order::lines(c, o.id)?,
        bookings: order::bookings_of(c, &[o.id])?,
        parcels: order::parcels_of(c, &[o.id])?,
        events: order::events(c, o.id)?,
        refunds: order::refunds(c, o.id)?,
        order: o,
    })
}

/// A page of a shopper's orders with their lines and parcels, and how many match in all.
pub struct OrderPage {
    pub orders: Vec<OrderRow>,
    pub lines: Vec<order::LineRow>,
    pub bookings: Vec<order::BookingRow>,
    pub parcels: Vec<order::ParcelRow>,
    pub total: i64,
    pub buyer: Option<crate::db::user::User>,
}

pub fn page(c: &Connection, f: &order::OrderFilter, offset: i64, limit: i64) -> Result<OrderPage> {
    let (orders, total) = order::list(c, f, offset, limit)?;
    let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
    let buyer = match f.user_id {
        Some(uid) if !orders.is_empty() => crate::db::user::by_id(c, uid)?,
        _ => None,
    };
    Ok(OrderPage {
        lines: order::lines_of(c, &ids)?,
        bookings: order::bookings_of(c, &ids)?,
        parcels: order::parcels_of(c, &ids)?,
        orders,
        total,
        buyer,
    })
}

/// The merchant ships a paid order (1 → 2): a delivery order in one or more parcels (carrier +
/// tracking number; the console and the merchant API check what was typed with
/// `order_admin::parcels`), a pick-up order with none, which says it is ready at the store
/// (pick-up orders are otherwise written off at the counter).
pub fn ship(c: &Connection, order_id: i64, parcels: &[order::NewParcel], now: i64) -> Result<OrderRow> {
    let o = order::order(c, order_id)?.ok_or(NOT_FOUND)?;
    if o.fields.peisong_type != "kd" && !parcels.is_empty() {
        return Err(Error::refused("到店自提的订单无需发货，请在核销页核销提货码"));
    }
    if o.fields.peisong_type == "kd" && parcels.is_empty() {
        return Err(Error::missing("trackingNumber"));
    }
    for p in parcels {
        if p.shipper_name.trim().is_empty() {
            return Err(Error::missing("carrier"));
        }
        if p.tracking_number.trim().is_empty() {
            return Err(Error::missing("trackingNumber"));
        }
    }
    if o.fields.status == status::PAID {
        if let Some(why) = crate::service::pingtuan::ship_blocker(c, order_id)? {
            return Err(Error::refused(why));
        }
    }
    if !order::mark_shipped(c, order_id, now)? {
        return Err(wrong_state(&o, "发货"));
    }
    for p in parcels {
        order::insert_parcel(c, order_id, p, now)?;
    }
    let what: Vec<String> =
        parcels.iter().map(|p| format!("{} {}", p.shipper_name, p.tracking_number)).collect();
    order::add_event(c, order_id, "ship", &format!("商家发货 {}", what.join("，")), now)?;
    // Shipping a pick-up order is how the merchant says it is ready at the store.
    let event = if o.fields.peisong_type == "zq" {
        ShopEvent::PickupReady { order_id }
    } else {
        ShopEvent::OrderShipped { order_id }
    };
    crate::service::outbox::enqueue_event(c, o.fields.user_id, event, now)?;
    order::order(c, order_id)?.ok_or(NOT_FOUND)
}

/// The after-sale requests of the shopper's order, with its status, lines and bookings.
pub struct OrderRefunds {
    pub status: i64,
    pub lines: Vec<order::LineRow>,
    pub bookings: Vec<order::BookingRow>,
    pub refunds: Vec<order::RefundRow>,
}

pub fn refunds_of(c: &Connection, user_id: i64, order_id: i64) -> Result<OrderRefunds> {
    let o = own(c, user_id, order_id)?;
    Ok(OrderRefunds {
        status: o.fields.status,
        lines: order::lines(c, o.id)?,
        bookings: order::bookings_of(c, &[o.id])?,
        refunds: order::refunds(c, o.id)?,
    })
}
