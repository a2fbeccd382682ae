//! What the merchant does to orders (console and merchant API alike): ship, change the price or
//! the address before payment, close, write off pick-up codes, and decide after-sale requests,
//! refunding to the shopper's balance through the ledger. Each runs inside the caller's
//! transaction and each change is guarded by the status it leaves, so doing it twice does it once.

use rusqlite::Connection;
use std::fmt::Write as _;

use crate::db::order::{self, refund_status, status, NewParcel, OrderRow, RefundRow};
use crate::db::order_admin::{self, Destination};
use crate::money::{self, MAX_FEN};
use crate::service::error::{Entity, Error, Result};
use crate::service::ledger::{self, Account, Source};
use crate::service::outbox::ShopEvent;
use crate::service::points;
use crate::service::wechat_refund;

const NOT_FOUND: Error = Error::NotFound(Entity::Order);

fn wrong_state(o: &OrderRow, wanted: &str) -> Error {
    Error::refused(format!("订单{}，不能{wanted}", status::label(o.fields.status)))
}

fn load(c: &Connection, order_id: i64) -> Result<OrderRow> {
    order::order(c, order_id)?.ok_or(NOT_FOUND)
}

/// A parcel as the merchant types it: carrier and tracking number.
#[derive(Debug, Clone, Default)]
pub struct ParcelInput {
    pub carrier: String,
    pub tracking_number: String,
}

/// Checks a typed parcel: both parts present, short, and a tracking number of letters, digits
/// and dashes (what carriers print).
fn checked_parcel(p: &ParcelInput) -> Result<NewParcel> {
    let carrier = p.carrier.trim();
    let tracking = p.tracking_number.trim();
    if carrier.is_empty() {
        return Err(Error::missing("carrier"));
    }
    if carrier.chars().count() > 30 {
        return Err(Error::invalid("carrier", "最多 30 个字"));
    }
    if tracking.is_empty() {
        return Err(Error::missing("trackingNumber"));
    }
    if tracking.len() > 40 || !tracking.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(Error::invalid("trackingNumber", "应为不超过 40 位的字母、数字或短横线"));
    }
    Ok(NewParcel {
        shipper_name: carrier.to_string(),
        tracking_number: tracking.to_string(),
        traces: "[]".into(),
        ..NewParcel::default()
    })
}

/// The parcels the merchant typed, checked, for [`super::order::ship`]: at least one.
pub fn parcels(typed: &[ParcelInput]) -> Result<Vec<NewParcel>> {
    let checked = typed.iter().map(checked_parcel).collect::<Result<Vec<_>>>()?;
    if checked.is_empty() {
        return Err(Error::missing("trackingNumber"));
    }
    Ok(checked)
}

/// Sets the amount an unpaid order costs (the merchant's discount or surcharge) and records the
/// old and new amounts as an event.
pub fn change_price(c: &Connection, order_id: i64, fen: i64, now: i64) -> Result<OrderRow> {
    if !(0..=MAX_FEN).contains(&fen) {
        return Err(Error::invalid("amountReal", "应为不小于 0 的金额"));
    }
    let o = load(c, order_id)?;
    if !order_admin::set_amount_real(c, order_id, fen, now)? {
        return Err(wrong_state(&o, "改价"));
    }
    let said = format!("商家改价：¥{} → ¥{}", money::format(o.fields.amount_real), money::format(fen));
    order::add_event(c, order_id, "price", &said, now)?;
    load(c, order_id)
}

/// Replaces the address of an unpaid delivery order and records the event.
pub fn change_address(c: &Connection, order_id: i64, d: &Destination, now: i64) -> Result<OrderRow> {
    let text = |name: &'static str, v: &str, max: usize, required: bool| -> Result<String> {
        let v = v.trim();
        if required && v.is_empty() {
            return Err(Error::missing(name));
        }
        if v.chars().count() > max {
            return Err(Error::invalid(name, format!("最多 {max} 个字")));
        }
        Ok(v.to_string())
    };
    let d = Destination {
        link_man: text("linkMan", &d.link_man, 30, true)?,
        mobile: text("mobile", &d.mobile, 20, true)?,
        province_id: text("provinceId", &d.province_id, 20, false)?,
        city_id: text("cityId", &d.city_id, 20, false)?,
        district_id: text("districtId", &d.district_id, 20, false)?,
        address: text("address", &d.address, 200, true)?,
        postcode: text("code", &d.postcode, 10, false)?,
    };
    if !d.mobile.bytes().all(|b| b.is_ascii_digit() || b == b'-' || b == b'+') {
        return Err(Error::invalid("mobile", "应为电话号码"));
    }
    let o = load(c, order_id)?;
    if o.fields.peisong_type != "kd" {
        return Err(Error::refused("到店自提的订单没有收货地址"));
    }
    if !order_admin::set_destination(c, order_id, &d, now)? {
        return Err(wrong_state(&o, "修改地址"));
    }
    let said = format!("商家修改收货地址：{} {} {}", d.link_man, d.mobile, d.address);
    order::add_event(c, order_id, "address", &said, now)?;
    load(c, order_id)
}

/// What an after-sale decision did.
#[derive(Debug, Clone)]
pub struct Decision {
    pub refund: RefundRow,
    /// Fen put back on the shopper's balance (0 for an exchange, a rejection, or a return still
    /// awaiting its goods).
    pub refunded: i64,
    /// Fen going back to the WeChat payment that paid the order, and the `payment_refunds` row
    /// the caller sends to WeChat after the commit ([`wechat_refund::send`]).
    pub to_wechat: i64,
    pub wechat_refund: Option<i64>,
    /// The shopper's balance afterwards (None when it did not move).
    pub balance: Option<i64>,
    /// True when this refund emptied the order, which is now closed.
    pub order_closed: bool,
}

impl Decision {
    fn no_money(refund: RefundRow) -> Decision {
        Decision {
            refund,
            refunded: 0,
            to_wechat: 0,
            wechat_refund: None,
            balance: None,
            order_closed: false,
        }
    }
}

fn load_refund(c: &Connection, refund_id: i64) -> Result<RefundRow> {
    order::refund(c, refund_id)?.ok_or(Error::NotFound(Entity::Refund))
}

fn refund_closed(r: &RefundRow) -> Error {
    Error::refused(format!("售后申请{}，不能再处理", refund_status::label_of(r)))
}

/// Where the shopper sends a return: the merchant gives it when approving one.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnAddress {
    pub link_man: String,
    pub mobile: String,
    pub address: String,
}

impl ReturnAddress {
    /// The address trimmed and checked; errors name the field.
    pub fn checked(&self) -> Result<ReturnAddress> {
        let text = |name: &'static str, v: &str, max: usize| -> Result<String> {
            let v = v.trim();
            if v.is_empty() {
                return Err(Error::missing(name));
            }
            if v.chars().count() > max {
                return Err(Error::invalid(name, format!("最多 {max} 个字")));
            }
            Ok(v.to_string())
        };
        let a = ReturnAddress {
            link_man: text("linkMan", &self.link_man, 30)?,
            mobile: text("mobile", &self.mobile, 20)?,
            address: text("address", &self.address, 200)?,
        };
        if !a.mobile.bytes().all(|b| b.is_ascii_digit() || b == b'-' || b == b'+') {
            return Err(Error::invalid("mobile", "应为电话号码"));
        }
        Ok(a)
    }

    /// The address a request was approved with; None before a return is approved.
    pub fn of(r: &RefundRow) -> Option<ReturnAddress> {
        serde_json::from_str(&r.return_address).ok()
    }
}

/// The address the merchant gave for the last return (the console offers it again).
pub fn last_return_address(c: &Connection) -> Result<ReturnAddress> {
    Ok(serde_json::from_str(&order_admin::last_return_address(c)?).unwrap_or_default())
}

/// Fen a request gives back: its amount, none for an exchange.
fn money_of(r: &RefundRow) -> i64 {
    if r.refund.kind == refund_status::EXCHANGE {
        0
    } else {
        r.refund.amount
    }
}

/// Refuses a refund of more than the order still holds: (fen it held before this refund).
fn check_left(c: &Connection, o: &OrderRow, money: i64) -> Result<i64> {
    let left = o.fields.amount_real - order_admin::refunded_total(c, o.id)?;
    if money > left {
        return Err(Error::refused(format!(
            "该订单最多还能退 ¥{}，申请的 ¥{} 超出",
            money::format(left.max(0)),
            money::format(money)
        )));
    }
    Ok(left)
}

/// Approves an open after-sale request. Refund only: the amount asked (never more than the order
/// still holds) goes back now ([`refund_money`]) and the request is done. Return and refund: the
/// goods come back first — the request becomes approved with the address they go to
/// (`return_to`, required), and the money moves when the merchant confirms receipt
/// ([`receive_return`]). Exchange: done, no money. Approving again is refused and moves nothing.
pub fn approve_refund(
    c: &Connection,
    refund_id: i64,
    remark: &str,
    return_to: Option<&ReturnAddress>,
    now: i64,
) -> Result<Decision> {
    let r = load_refund(c, refund_id)?;
    let o = load(c, r.refund.order_id)?;
    if r.refund.kind == refund_status::RETURN_REFUND {
        if r.status != refund_status::PENDING {
            return Err(match r.status {
                refund_status::APPROVED => Error::refused(format!(
                    "已同意退货（{}），收到退货后请确认收货",
                    refund_status::label_of(&r)
                )),
                _ => refund_closed(&r),
            });
        }
        let address = return_to.ok_or(Error::missing("linkMan"))?.checked()?;
        check_left(c, &o, money_of(&r))?;
        let json = serde_json::to_string(&address).map_err(|e| Error::Internal(e.to_string()))?;
        if !order_admin::approve_return(c, refund_id, &json, remark.trim(), now)? {
            return Err(refund_closed(&r));
        }
        let said =
            format!("商家同意退货，请寄回：{} {} {}", address.link_man, address.mobile, address.address);
        order::add_event(c, o.id, "refund", &said, now)?;
        crate::service::outbox::enqueue_event(
            c,
            r.refund.user_id,
            ShopEvent::RefundDecided { refund_id },
            now,
        )?;
        return Ok(Decision::no_money(load_refund(c, refund_id)?));
    }
    if !matches!(r.status, refund_status::PENDING | refund_status::APPROVED) {
        return Err(refund_closed(&r));
    }
    let money = money_of(&r);
    let left = check_left(c, &o, money)?;
    if !order_admin::decide_refund(c, refund_id, refund_status::DONE, remark.trim(), now)? {
        return Err(refund_closed(&r));
    }
    let d = refund_money(c, &r, &o, money, left, "商家同意售后申请", now)?;
    crate::service::outbox::enqueue_event(c, r.refund.user_id, ShopEvent::RefundDecided { refund_id }, now)?;
    Ok(d)
}

/// The merchant has the goods of an approved return whose parcel the shopper sent: the request is
/// done, the goods go back into stock when `restock` (the pieces asked for, per SKU; booked
/// calendar days come back when the order closes), and the refund runs as for a refund only.
/// Refused before the parcel is sent and for anything but a return awaiting its goods; doing it
/// twice does it once.
pub fn receive_return(
    c: &Connection,
    refund_id: i64,
    restock: bool,
    remark: &str,
    now: i64,
) -> Result<Decision> {
    let r = load_refund(c, refund_id)?;
    if r.refund.kind != refund_status::RETURN_REFUND {
        return Err(Error::refused(format!(
            "{}申请没有退货，无需确认收货",
            refund_status::type_label(r.refund.kind)
        )));
    }
    if r.status == refund_status::APPROVED && r.back_tracking_number.is_empty() {
        return Err(Error::refused("买家尚未填写寄回快递单号，收到退货后再确认"));
    }
    if r.status != refund_status::APPROVED {
        return Err(refund_closed(&r));
    }
    let o = load(c, r.refund.order_id)?;
    let money = money_of(&r);
    let left = check_left(c, &o, money)?;
    if !order_admin::receive_return(c, refund_id, restock, remark.trim(), now)? {
        return Err(refund_closed(&r));
    }
    let said = if restock {
        let pieces = restock_return(c, &r)?;
        format!("商家确认收到退货，{pieces} 件已入库")
    } else {
        "商家确认收到退货，未入库".to_string()
    };
    order::add_event(c, o.id, "refund", &said, now)?;
    refund_money(c, &r, &o, money, left, "退货已收到", now)
}

/// Puts a return's pieces back into stock (the line's, or every line's for a whole-order
/// request); lines that booked calendar days are left to the order's close. How many pieces.
fn restock_return(c: &Connection, r: &RefundRow) -> Result<i64> {
    let lines = order::lines(c, r.refund.order_id)?;
    let booked = order::bookings_of(c, &[r.refund.order_id])?;
    let mut pieces = 0;
    for l in &lines {
        if r.refund.order_goods_id != 0 && l.id != r.refund.order_goods_id {
            continue;
        }
        if booked.iter().any(|b| b.order_goods_id == l.id) {
            continue;
        }
        let n = if r.refund.number > 0 { r.refund.number.min(l.line.number) } else { l.line.number };
        match l.line.sku_id {
            Some(sku) => order::return_sku_stock(c, sku, n)?,
            None => order::return_goods_stock(c, l.line.goods_id, n)?,
        }
        pieces += n;
    }
    Ok(pieces)
}

/// Sends `money` of a finished request back the way the order was paid — the share a WeChat
/// payment paid goes back to WeChat ([`wechat_refund::plan_for_order`]: frozen until WeChat
/// confirms), the rest to the shopper's balance through the ledger — takes back the points and
/// growth given for the order in proportion ([`points::take_back_order_reward`]), and closes the
/// order when nothing of it is left ([`super::order::close_refunded`]). `left`: fen the order held before.
fn refund_money(
    c: &Connection,
    r: &RefundRow,
    o: &OrderRow,
    money: i64,
    left: i64,
    what: &str,
    now: i64,
) -> Result<Decision> {
    let refund_id = r.id;
    let wechat =
        wechat_refund::plan_for_order(c, refund_id, o.id, &o.order_number, r.refund.user_id, money, now)?;
    let to_wechat = wechat.map_or(0, |(_, fen)| fen);
    let to_balance = money - to_wechat;
    let mut balance = None;
    if to_balance > 0 {
        let reason = format!("订单 {} 售后退款", o.order_number);
        let after = ledger::post(
            c,
            r.refund.user_id,
            Account::Balance,
            to_balance,
            &reason,
            Source::Refund,
            &refund_id.to_string(),
        )?;
        balance = Some(after);
    }
    let mut said = match (to_balance, to_wechat) {
        (0, 0) => what.to_string(),
        (m, 0) => format!("{what}，退款 ¥{} 至余额", money::format(m)),
        (0, w) => format!("{what}，退款 ¥{} 原路退回微信支付", money::format(w)),
        (m, w) => {
            format!("{what}，退款 ¥{} 原路退回微信支付，¥{} 至余额", money::format(w), money::format(m))
        }
    };
    let (score, growth) = points::take_back_order_reward(c, o, refund_id, money, left)?;
    if score != points::TakenBack::default() || growth != points::TakenBack::default() {
        order_admin::set_reward_back(c, refund_id, (score.taken, score.short), (growth.taken, growth.short))?;
        for (t, name) in [(score, "积分"), (growth, "成长值")] {
            if t.taken > 0 {
                let _ = write!(said, "，扣回赠送的{name} {}", t.taken);
            }
            if t.short > 0 {
                let _ = write!(said, "（{name}已被使用，{} 未能扣回）", t.short);
            }
        }
    }
    order::add_event(c, o.id, "refund", &said, now)?;
    crate::service::fx::on_refund(c, o.id, money, left, now)?;
    // A refund that gives back all the order still held empties it: the order closes.
    let order_closed = money > 0 && money >= left && super::order::close_refunded(c, o.id, now)?;
    Ok(Decision {
        refund: load_refund(c, refund_id)?,
        refunded: to_balance,
        to_wechat,
        wechat_refund: wechat.map(|(id, _)| id),
        balance,
        order_closed,
    })
}

/// Rejects an open after-sale request with the merchant's reason; a return whose goods are
/// already on their way back cannot be rejected (confirm receipt, or settle it with the shopper).
pub fn reject_refund(c: &Connection, refund_id: i64, remark: &str, now: i64) -> Result<Decision> {
    let remark = remark.trim();
    if remark.is_empty() {
        return Err(Error::missing("remark"));
    }
    if remark.chars().count() > 200 {
        return Err(Error::invalid("remark", "最多 200 个字"));
    }
    let r = load_refund(c, refund_id)?;
    if r.refund.kind == refund_status::RETURN_REFUND && !r.back_tracking_number.is_empty() {
        return Err(Error::refused("买家已寄回商品，请确认收货后退款"));
    }
    if !order_admin::decide_refund(c, refund_id, refund_status::REJECTED, remark, now)? {
        return Err(refund_closed(&r));
    }
    order::add_event(c, r.refund.order_id, "refund", &format!("商家拒绝售后申请：{remark}"), now)?;
    crate::service::outbox::enqueue_event(c, r.refund.user_id, ShopEvent::RefundDecided { refund_id }, now)?;
    Ok(Decision::no_money(load_refund(c, refund_id)?))
}

/// Closes an unpaid order for the merchant through the shopper's own close
/// ([`super::order::close`]), so stock, deduction points and the coupon go back the same way.
pub fn close(c: &Connection, order_id: i64, now: i64) -> Result<OrderRow> {
    let o = load(c, order_id)?;
    if o.fields.status != status::UNPAID || !super::order::close(c, order_id, "商家关闭订单", now)? {
        return Err(wrong_state(&o, "关闭"));
    }
    load(c, order_id)
}

/// The order a pick-up code belongs to, for the write-off page to show before confirming.
pub fn find_by_hx(c: &Connection, hx_number: &str) -> Result<OrderRow> {
    let hx = hx_number.trim();
    if hx.is_empty() {
        return Err(Error::missing("hxNumber"));
    }
    order::by_hx_number(c, hx)?.ok_or(Error::NotFound(Entity::WriteOffCode))
}

/// Writes off a pick-up code at the counter (1 or 2 → 3) through the shopper API's write-off.
pub fn write_off(c: &Connection, hx_number: &str, now: i64) -> Result<OrderRow> {
    let o = find_by_hx(c, hx_number)?;
    super::order::write_off(c, &o.fields.hx_number.unwrap_or_default(), None, now)
}

/// A day typed in a filter ("YYYY-MM-DD"); None when empty.
pub fn day(name: &'static str, v: Option<&str>) -> Result<Option<String>> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    let f = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(v, &f).map_err(|_| Error::invalid(name, "应为 YYYY-MM-DD 格式的日期"))?;
    Ok(Some(v.to_string()))
}
