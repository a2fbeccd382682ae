//! Group buy (拼团): a shopper opens a group on a goods' set (`pingtuanOpen`) and buys into it at
//! the group price (`orderCreate` with `pingtuanOpenId`); the group is listed once its opener has
//! paid, with a deadline of the set's timeout (never past the set's end). Friends join with their
//! own orders: each order takes a seat when it is placed (one conditional UPDATE, so the last seat
//! goes to exactly one shopper) and gives it back when it closes unpaid. Paid member orders wait
//! in "拼团中" (not shippable) until the last seat is paid: the group succeeds and they are
//! released for shipping. A group still short at its deadline fails: every paid member order is
//! refunded (to the balance, or back through WeChat Pay) and closed with its stock, coupon and
//! points returned; unpaid member orders are closed.
//!
//! A payment that arrives for a group already finished (or a group whose set ended before its
//! opener paid) is applied and then refunded the same way: the shopper's money is never kept for
//! a place they did not get.

use rusqlite::Connection;

use crate::db::order::{self, status as order_status, OrderRow};
use crate::db::pingtuan::{
    self as rows, member_status, refund_type, set_status, tuan_status, MemberRow, SetFields, SetRow, TuanRow,
};
use crate::money;
use crate::service::error::{Entity, Error, Result};
use crate::service::ledger::{self, Account, Source};

/// Why a set cannot take new groups or members now; None when it can.
fn closed_reason(s: &SetRow, now: i64) -> Option<&'static str> {
    if s.status == set_status::STOPPED {
        Some("拼团活动已停止")
    } else if s.status == set_status::ENDED || now >= s.fields.date_end {
        Some("拼团活动已结束")
    } else {
        None
    }
}

fn set_of(c: &Connection, set_id: i64) -> Result<SetRow> {
    rows::set(c, set_id)?.ok_or(Error::NotFound(Entity::PingtuanSet))
}

fn tuan_of(c: &Connection, tuan_id: i64) -> Result<TuanRow> {
    rows::tuan(c, tuan_id)?.ok_or(Error::NotFound(Entity::PingtuanTuan))
}

/// The usable sets of the goods given (pingtuanSet, pingtuanSets).
pub fn sets_for(c: &Connection, goods_ids: &[i64], now: i64) -> Result<Vec<SetRow>> {
    Ok(rows::active_sets(c, goods_ids, now)?)
}

/// The group price of a goods (or one of its SKUs) on a set.
pub fn price_of(s: &SetRow, sku_id: Option<i64>) -> i64 {
    sku_id
        .and_then(|id| s.fields.sku_prices.iter().find(|(sku, _)| *sku == id).map(|(_, p)| *p))
        .unwrap_or(s.fields.price)
}

/// A group's deadline if it started now: the set's timeout, never past the set's end.
pub fn deadline(s: &SetRow, now: i64) -> i64 {
    now.saturating_add(s.fields.timeout_hours.saturating_mul(3600)).min(s.fields.date_end)
}

/// pingtuanOpen: opens a group on the goods' usable set for the shopper (not listed until they
/// pay for it); the one they opened and have not ordered yet when they call again.
pub fn open(
    c: &Connection,
    user_id: i64,
    goods_id: i64,
    ext_json: &str,
    now: i64,
) -> Result<(TuanRow, SetRow)> {
    let Some(s) = rows::active_sets(c, &[goods_id], now)?.into_iter().next() else {
        return Err(Error::refused("该商品没有进行中的拼团活动"));
    };
    if let Some(t) = rows::opened_of(c, s.id, user_id)? {
        return Ok((t, s));
    }
    let id = rows::insert_tuan(c, &s, user_id, ext_json, now)?;
    Ok((tuan_of(c, id)?, s))
}

/// The group an order is placed for (`orderCreate` with `pingtuanOpenId`) and the group price of
/// the line: the caller's own opened group (they are its opener), or a listed group in progress
/// they are not in yet, with a free seat, for the same goods, on a set that still runs.
pub fn for_order(
    c: &Connection,
    user_id: i64,
    tuan_id: i64,
    goods_id: i64,
    sku_id: Option<i64>,
    now: i64,
) -> Result<(TuanRow, i64)> {
    let t = rows::tuan(c, tuan_id)?.ok_or_else(|| Error::invalid("pingtuanOpenId", "拼团不存在"))?;
    if t.goods_id != goods_id {
        return Err(Error::invalid("goodsJsonStr", "拼团订单只能购买该团的商品"));
    }
    if rows::is_member(c, t.id, user_id)? {
        return Err(Error::refused(if t.user_id == user_id {
            "你已经是这个团的团长了，快去邀请好友参团吧"
        } else {
            "你已经参加了这个团"
        }));
    }
    match t.status {
        tuan_status::OPENED if t.user_id != user_id => {
            return Err(Error::refused("该团尚未开团，暂不能参加"))
        }
        tuan_status::OPENED | tuan_status::GOING => {}
        tuan_status::SUCCESS => return Err(Error::refused("该团已满员，请参加其他团或自己开团")),
        _ => return Err(Error::refused("该团已拼团失败，请参加其他团或自己开团")),
    }
    if t.status == tuan_status::GOING && t.date_end.is_some_and(|end| end <= now) {
        return Err(Error::refused("该团已过期，请参加其他团或自己开团"));
    }
    if t.seats >= t.number_persion {
        return Err(Error::refused("该团已满员，请参加其他团或自己开团"));
    }
    let s = set_of(c, t.set_id)?;
    if let Some(why) = closed_reason(&s, now) {
        return Err(Error::refused(why));
    }
    Ok((t, price_of(&s, sku_id)))
}

/// Ties the placed order to its group (in the order's transaction): takes a seat by one
/// conditional UPDATE, so of many shoppers racing for the last seat exactly one has it.
pub fn hold(c: &Connection, t: &TuanRow, user_id: i64, order_id: i64, now: i64) -> Result<()> {
    let statuses: &[i64] = if t.user_id == user_id { &[tuan_status::OPENED] } else { &[tuan_status::GOING] };
    if !rows::take_seat(c, t.id, statuses)? {
        return Err(Error::refused("该团已满员，请参加其他团或自己开团"));
    }
    rows::insert_member(c, t.id, user_id, order_id, now)?;
    Ok(())
}

/// The order steps group buy takes, handed in by `service::order` (which calls group buy at
/// payment and close, so group buy cannot name it back): [`crate::service::order::GROUP_ORDERS`].
#[derive(Clone, Copy)]
pub struct Orders {
    pub close: fn(&Connection, i64, &str, i64) -> Result<bool>,
    pub close_refunded: fn(&Connection, i64, i64) -> Result<bool>,
}

/// What a payment did to a group order; WeChat refunds to send after the commit.
#[derive(Debug, Default)]
pub struct Settled {
    pub wechat_refunds: Vec<i64>,
}

/// At payment (in `settle_paid`): the member is paid; the opener's payment lists the group with
/// its deadline; the payment that fills the group makes it succeed. A payment for a group that
/// finished meanwhile, or an opener's payment after the set stopped or ended, is refunded at once.
pub fn on_paid(c: &Connection, order_id: i64, now: i64, orders: Orders) -> Result<Settled> {
    let Some(m) = rows::member_by_order(c, order_id)? else { return Ok(Settled::default()) };
    if !rows::mark_member_paid(c, m.id, now)? {
        return Ok(Settled::default());
    }
    let t = tuan_of(c, m.tuan_id)?;
    let s = set_of(c, t.set_id)?;
    rows::add_paid(c, t.id)?;
    let mut settled = Settled::default();
    let late = match t.status {
        tuan_status::OPENED => {
            let why = closed_reason(&s, now);
            if why.is_none() {
                rows::start(c, t.id, deadline(&s, now))?;
                rows::add_doing(c, s.id)?;
                order::add_event(c, order_id, "pingtuan", "开团成功，等待好友参团", now)?;
            }
            why
        }
        tuan_status::GOING => {
            order::add_event(c, order_id, "pingtuan", "参团成功，等待成团", now)?;
            None
        }
        tuan_status::SUCCESS => Some("该团已满员"),
        _ => Some("该团已拼团失败"),
    };
    if let Some(why) = late {
        let m = rows::member_by_order(c, order_id)?.ok_or(Error::NotFound(Entity::PingtuanTuan))?;
        let reason = format!("{why}，支付已退回");
        settled.wechat_refunds.extend(refund_member(c, &s, &m, &reason, now, orders)?);
        if t.status == tuan_status::OPENED {
            rows::finish(c, t.id, tuan_status::OPENED, tuan_status::FAILED, now)?;
        }
        return Ok(settled);
    }
    let t = tuan_of(c, t.id)?;
    if t.status == tuan_status::GOING && t.help_number >= t.number_persion {
        succeed_going(c, &t, now, orders)?;
    }
    Ok(settled)
}

/// A group in progress is full (or the merchant says so): it succeeds and its paid member orders
/// are released for shipping; unpaid seat holders (only when the merchant forces it) are closed.
fn succeed_going(c: &Connection, t: &TuanRow, now: i64, orders: Orders) -> Result<()> {
    if !rows::finish(c, t.id, tuan_status::GOING, tuan_status::SUCCESS, now)? {
        return Err(Error::refused("该团不在拼团中"));
    }
    rows::end_doing(c, t.set_id, true)?;
    for m in rows::members_of(c, t.id)? {
        match m.status {
            member_status::PAID => order::add_event(c, m.order_id, "pingtuan", "拼团成功，等待发货", now)?,
            member_status::UNPAID => {
                (orders.close)(c, m.order_id, "拼团已结束", now)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// A closed unpaid order leaves its group: its seat frees; an opener's unpaid order takes its
/// unlisted group with it.
/// A failed group keeps its closed unpaid members, so that a payment still arriving for one is
/// refunded the group's way ([`refund_late_payment`]).
pub fn on_closed(c: &Connection, order_id: i64) -> Result<()> {
    let Some(m) = rows::member_by_order(c, order_id)? else { return Ok(()) };
    if m.status != member_status::UNPAID || tuan_of(c, m.tuan_id)?.status == tuan_status::FAILED {
        return Ok(());
    }
    if !rows::delete_member(c, m.id)? {
        return Ok(());
    }
    let t = tuan_of(c, m.tuan_id)?;
    if t.status == tuan_status::OPENED && t.user_id == m.user_id {
        rows::delete_tuan(c, t.id)?;
    } else {
        rows::free_seat(c, t.id)?;
    }
    Ok(())
}

/// A WeChat payment applied to the balance whose orders could not be paid any more: when one of
/// them is an unpaid member order that its group's failure closed, the money goes back the set's
/// way — through WeChat Pay for refund type 1 (frozen until WeChat confirms; the WeChat refund job
/// sends it if no one does sooner), else it stays in the balance — and the member is marked
/// refunded. The WeChat refund created, if any. Runs in the payment's transaction.
pub fn refund_late_payment(
    c: &Connection,
    payment_id: i64,
    order_ids: &[i64],
    fen: i64,
    now: i64,
) -> Result<Option<i64>> {
    for &order_id in order_ids {
        let Some(m) = rows::member_by_order(c, order_id)? else { continue };
        let t = tuan_of(c, m.tuan_id)?;
        if m.status != member_status::UNPAID || t.status != tuan_status::FAILED {
            continue;
        }
        let o: OrderRow = order::order(c, order_id)?.ok_or(Error::NotFound(Entity::Order))?;
        if o.fields.status != order_status::CLOSED || !rows::mark_unpaid_member_refunded(c, m.id)? {
            continue;
        }
        let s = set_of(c, t.set_id)?;
        let yuan = money::format(fen);
        if s.fields.refund_type == refund_type::WECHAT {
            let why = format!("订单 {} 拼团已失败，支付原路退回", o.order_number);
            let id = crate::service::wechat_refund::start_payment_refund(c, payment_id, fen, &why, now)?;
            let said = format!("拼团已失败，订单关闭后到账的 ¥{yuan} 原路退回微信支付");
            order::add_event(c, order_id, "refund", &said, now)?;
            return Ok(Some(id));
        }
        let said = format!("拼团已失败，订单关闭后到账的 ¥{yuan} 已存入余额");
        order::add_event(c, order_id, "refund", &said, now)?;
        return Ok(None);
    }
    Ok(None)
}

/// Refunds a paid member's whole order the set's way and closes it with its stock, points and
/// coupon returned. The WeChat refund created, if any (send it after the commit).
fn refund_member(
    c: &Connection,
    s: &SetRow,
    m: &MemberRow,
    reason: &str,
    now: i64,
    orders: Orders,
) -> Result<Option<i64>> {
    let o: OrderRow = order::order(c, m.order_id)?.ok_or(Error::NotFound(Entity::Order))?;
    if !rows::mark_member_refunded(c, m.id)? || o.fields.status != order_status::PAID {
        return Ok(None);
    }
    let money = o.fields.amount_real;
    let why = format!("订单 {} {reason}", o.order_number);
    let wechat = if s.fields.refund_type == refund_type::WECHAT {
        crate::service::wechat_refund::plan_for_paid_order(c, o.id, o.fields.user_id, money, &why, now)?
    } else {
        None
    };
    let to_wechat = wechat.map_or(0, |(_, fen)| fen);
    let to_balance = money - to_wechat;
    if to_balance > 0 {
        ledger::post(
            c,
            o.fields.user_id,
            Account::Balance,
            to_balance,
            &why,
            Source::Refund,
            &format!("pingtuan-{}", o.id),
        )?;
    }
    let said = match (to_balance, to_wechat) {
        (0, 0) => reason.to_string(),
        (b, 0) => format!("{reason}，¥{} 退至余额", money::format(b)),
        (0, w) => format!("{reason}，¥{} 原路退回微信支付", money::format(w)),
        (b, w) => format!("{reason}，¥{} 原路退回微信支付，¥{} 退至余额", money::format(w), money::format(b)),
    };
    order::add_event(c, o.id, "refund", &said, now)?;
    crate::service::fx::on_refund(c, o.id, money, money, now)?;
    (orders.close_refunded)(c, o.id, now)?;
    crate::db::coupons::give_back_used(c, o.id, now)?;
    Ok(wechat.map(|(id, _)| id))
}

/// A group fails (its deadline passed short, or the merchant fails it): every paid member order
/// is refunded and closed, unpaid ones are closed. The WeChat refunds to send after the commit.
/// Refused (nothing changed) when the group is not in progress.
pub fn fail(c: &Connection, tuan_id: i64, reason: &str, now: i64, orders: Orders) -> Result<Vec<i64>> {
    let t = tuan_of(c, tuan_id)?;
    let s = set_of(c, t.set_id)?;
    if !rows::finish(c, t.id, tuan_status::GOING, tuan_status::FAILED, now)? {
        return Err(Error::refused("该团不在拼团中，不能设为失败"));
    }
    rows::end_doing(c, s.id, false)?;
    let mut refunds = Vec::new();
    for m in rows::members_of(c, t.id)? {
        match m.status {
            member_status::PAID => refunds.extend(refund_member(c, &s, &m, reason, now, orders)?),
            member_status::UNPAID => {
                (orders.close)(c, m.order_id, reason, now)?;
            }
            _ => {}
        }
    }
    Ok(refunds)
}

/// The merchant declares a group in progress successful (its paid members ship; unpaid seat
/// holders are closed). Refused when it is not in progress.
pub fn succeed(c: &Connection, tuan_id: i64, now: i64, orders: Orders) -> Result<TuanRow> {
    let t = tuan_of(c, tuan_id)?;
    if t.status != tuan_status::GOING {
        return Err(Error::refused("该团不在拼团中，不能设为成功"));
    }
    succeed_going(c, &t, now, orders)?;
    tuan_of(c, tuan_id)
}

/// Groups whose deadline has come, for the timeout job.
pub fn due(c: &Connection, now: i64, limit: i64) -> Result<Vec<i64>> {
    Ok(rows::due_tuans(c, now, limit)?.into_iter().map(|t| t.id).collect())
}

/// Why a paid order cannot ship yet; None when it can (not a group order, or its group succeeded).
pub fn ship_blocker(c: &Connection, order_id: i64) -> Result<Option<String>> {
    let Some(m) = rows::member_by_order(c, order_id)? else { return Ok(None) };
    let t = tuan_of(c, m.tuan_id)?;
    Ok(match t.status {
        tuan_status::SUCCESS => None,
        tuan_status::GOING | tuan_status::OPENED => {
            Some(format!("拼团中（{}/{} 人已支付），成团后才能发货", t.help_number, t.number_persion))
        }
        _ => Some("拼团失败，订单已退款".to_string()),
    })
}

/// What a paid order waiting for its group reads instead of 待发货 (orderDetail, orderList).
pub const WAITING_WORDS: &str = "拼团中";

/// The orders among `order_ids` that are paid and wait for their group to fill: they read
/// [`WAITING_WORDS`] and cannot ship yet.
pub fn waiting_orders(c: &Connection, order_ids: &[i64]) -> Result<Vec<i64>> {
    if order_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(rows::waiting_orders(c, order_ids)?)
}

/// A set as the merchant sends it, to check.
pub fn check_set(c: &Connection, f: &SetFields, now: i64) -> Result<()> {
    let Some(g) = crate::db::catalog::goods(c, f.goods_id)? else {
        return Err(Error::NotFound(Entity::Goods));
    };
    if f.price <= 0 {
        return Err(Error::invalid("pingtuanPrice", "拼团价应大于 0"));
    }
    if g.fields.min_price > 0 && f.price >= g.fields.min_price {
        return Err(Error::invalid("pingtuanPrice", "拼团价应低于商品售价"));
    }
    for (_, p) in &f.sku_prices {
        if *p <= 0 {
            return Err(Error::invalid("skuPrices", "规格拼团价应大于 0"));
        }
    }
    if f.number_persion < 2 {
        return Err(Error::invalid("numberPersion", "成团人数应至少 2 人"));
    }
    if f.number_persion > 100 {
        return Err(Error::invalid("numberPersion", "成团人数最多 100 人"));
    }
    if !(1..=720).contains(&f.timeout_hours) {
        return Err(Error::invalid("timeoutHours", "成团时限应为 1 到 720 小时"));
    }
    if !matches!(f.refund_type, refund_type::BALANCE | refund_type::WECHAT) {
        return Err(Error::invalid("refundType", "退款方式应为 0（余额）或 1（原路退回）"));
    }
    if f.date_end <= now {
        return Err(Error::invalid("dateEnd", "结束时间应晚于现在"));
    }
    Ok(())
}

/// Creates a set for a goods (console, merchant API, demo). SKU prices must name the goods' SKUs,
/// each once, each below that SKU's own price.
pub fn create_set(c: &Connection, f: &SetFields, now: i64) -> Result<SetRow> {
    check_set(c, f, now)?;
    let skus = crate::db::catalog::skus(c, f.goods_id)?;
    for (i, (sku, price)) in f.sku_prices.iter().enumerate() {
        let Some(row) = skus.iter().find(|s| s.id == *sku) else {
            return Err(Error::invalid("skuPrices", format!("规格 {sku} 不属于该商品")));
        };
        if f.sku_prices[..i].iter().any(|(other, _)| other == sku) {
            return Err(Error::invalid("skuPrices", format!("规格 {sku} 填了两次")));
        }
        if row.fields.price > 0 && *price >= row.fields.price {
            return Err(Error::invalid(
                "skuPrices",
                format!("规格 {sku} 的拼团价应低于其售价 ¥{}", money::format(row.fields.price)),
            ));
        }
    }
    if !rows::active_sets(c, &[f.goods_id], now)?.is_empty() {
        return Err(Error::refused("该商品已有进行中的拼团活动，请先停止它"));
    }
    let id = rows::insert_set(c, f, now)?;
    set_of(c, id)
}

/// Stops an active set: no new groups; groups in progress run to their deadline.
pub fn stop_set(c: &Connection, set_id: i64) -> Result<SetRow> {
    let s = set_of(c, set_id)?;
    if !rows::stop_set(c, s.id)? {
        return Err(Error::refused("拼团活动不在进行中"));
    }
    set_of(c, set_id)
}

/// The set expiry step: ended sets stop showing their price on goods.
pub fn end_expired(c: &Connection, now: i64) -> Result<usize> {
    Ok(rows::end_expired(c, now)?)
}

/// `xiaodian check`: groups whose members' orders do not follow the group's state.
pub fn check(c: &Connection) -> Result<Vec<String>> {
    Ok(rows::inconsistent(c)?.into_iter().map(|(id, why)| format!("group {id}: {why}")).collect())
}

/// A set's status words (`statusStr`).
pub fn set_status_words(s: &SetRow, now: i64) -> &'static str {
    closed_reason(s, now).unwrap_or("进行中")
}

/// A group's status words.
pub fn tuan_status_words(status: i64) -> &'static str {
    match status {
        tuan_status::GOING => "拼团中",
        tuan_status::SUCCESS => "拼团成功",
        tuan_status::FAILED => "拼团失败",
        _ => "待开团",
    }
}

/// A refund route's words (`refundTypeStr`).
pub fn refund_type_words(t: i64) -> &'static str {
    if t == refund_type::WECHAT {
        "原路退回"
    } else {
        "用户钱包余额"
    }
}

/// A group and its members (pingtuanJoinUsers); None for an unknown group.
pub fn tuan_with_members(c: &Connection, tuan_id: i64) -> Result<Option<(TuanRow, Vec<MemberRow>)>> {
    let Some(t) = rows::tuan(c, tuan_id)? else { return Ok(None) };
    let members = rows::members_of(c, t.id)?;
    Ok(Some((t, members)))
}

/// A group's page: the group, its set and its members (pingtuanTuanInfo, console).
pub fn tuan_page(c: &Connection, tuan_id: i64) -> Result<Option<(TuanRow, SetRow, Vec<MemberRow>)>> {
    let Some(t) = rows::tuan(c, tuan_id)? else { return Ok(None) };
    let s = set_of(c, t.set_id)?;
    let members = rows::members_of(c, t.id)?;
    Ok(Some((t, s, members)))
}

/// A page of the shopper's memberships with their groups, and how many there are.
pub fn joined_by(
    c: &Connection,
    user_id: i64,
    f: &rows::JoinedFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<(MemberRow, TuanRow)>, i64)> {
    let (members, total) = rows::joined_by(c, user_id, f, offset, limit)?;
    let mut out = Vec::with_capacity(members.len());
    for m in members {
        let t = tuan_of(c, m.tuan_id)?;
        out.push((m, t));
    }
    Ok((out, total))
}

/// The goods' group in progress nearest to full (goodsDefaultPingtuan).
pub fn fullest_going(c: &Connection, goods_id: i64, now: i64) -> Result<Option<TuanRow>> {
    Ok(rows::fullest_going(c, goods_id, now)?)
}
