//! Bargains (砍价): a shopper starts a bargain on a goods' set at its original price, friends each
//! cut it once by a random amount within the set's range, never below the floor (the last cut
//! possible reaches it exactly), and the owner buys one at the current price (`orderCreate` with
//! `kjid`). An unpaid bargain order reserves a place in the set's quota (placing one is refused
//! when paid and reserved places fill it); payment counts it and marks the bargain bought; a
//! closed unpaid order gives the place back and lets the bargain be bought again.
//!
//! Every function takes the caller's connection: writes run in one `BEGIN IMMEDIATE`, so two
//! helpers of one hot bargain cut one after the other and no cut is lost or doubled.

use rand::Rng;
use rusqlite::Connection;

use crate::db::kanjia::{self as rows, join_status, set_status, HelpRow, JoinRow, SetFields, SetRow};
use crate::service::error::{Entity, Error, Result};
use crate::settings::keys::kanjia as keys;
use crate::settings::registry;

/// The shop's bargain rules, from its settings.
#[derive(Debug, Clone, Copy)]
pub struct KanjiaRules {
    /// The owner may cut their own bargain (once, like any helper).
    pub self_help: bool,
    /// Most cuts one helper may make on one set's bargains per day.
    pub helps_per_day: i64,
}

impl KanjiaRules {
    pub fn of(snapshot: &crate::settings::Snapshot) -> KanjiaRules {
        KanjiaRules {
            self_help: snapshot.get(keys::SELF_HELP) == Some("1"),
            helps_per_day: registry::get(keys::HELPS_PER_DAY)
                .whole_number(snapshot.get(keys::HELPS_PER_DAY))
                .unwrap_or(10),
        }
    }
}

/// Why a set cannot be helped or bought now; None when it can.
fn closed_reason(s: &SetRow, now: i64) -> Option<&'static str> {
    if s.status == set_status::STOPPED {
        Some("砍价活动已停止")
    } else if s.status == set_status::ENDED || now >= s.fields.date_end {
        Some("砍价活动已结束")
    } else if s.number_buy >= s.fields.number {
        Some("砍价商品已抢光")
    } else {
        None
    }
}

fn set_of(c: &Connection, set_id: i64) -> Result<SetRow> {
    rows::set(c, set_id)?.ok_or(Error::NotFound(Entity::KanjiaSet))
}

/// The usable sets of the goods given (kanjiaSet).
pub fn sets_for(c: &Connection, goods_ids: &[i64], now: i64) -> Result<Vec<SetRow>> {
    Ok(rows::active_sets(c, goods_ids, now)?)
}

/// kanjiaJoin: starts the shopper's bargain on a set at its original price; the one they have
/// already when they call again.
pub fn join(c: &Connection, user_id: i64, set_id: i64, now: i64) -> Result<JoinRow> {
    if let Some(j) = rows::join_of(c, set_id, user_id)? {
        return Ok(j);
    }
    let s = set_of(c, set_id)?;
    if let Some(why) = closed_reason(&s, now) {
        return Err(Error::refused(why));
    }
    rows::insert_join(c, set_id, user_id, s.fields.original_price, now)?;
    rows::join_of(c, set_id, user_id)?.ok_or_else(|| Error::internal("bargain vanished"))
}

/// The shopper's bargain on a set (kanjiaMyJoinInfo; kanjiaDetail by the joiner's id).
pub fn join_of(c: &Connection, set_id: i64, user_id: i64) -> Result<Option<JoinRow>> {
    Ok(rows::join_of(c, set_id, user_id)?)
}

/// kanjiaClear: gives up the shopper's bargain (with its cuts) so a new one can start. A bargain
/// held by an unpaid order stays until that order is paid or closed.
pub fn clear(c: &Connection, user_id: i64, set_id: i64) -> Result<()> {
    let j = rows::join_of(c, set_id, user_id)?.ok_or(Error::NotFound(Entity::KanjiaJoin))?;
    if j.order_id.is_some() && j.status == join_status::GOING {
        return Err(Error::refused("该砍价有待支付的订单，请先支付或取消订单"));
    }
    rows::delete_join(c, j.id)?;
    Ok(())
}

/// A bargain's page: the bargain, its owner's card and its cuts.
pub struct Detail {
    pub join: JoinRow,
    /// (nick, avatar URL) of the owner.
    pub owner: (String, String),
    pub helps: Vec<HelpRow>,
}

/// kanjiaDetail: the joiner's bargain on a set; None when they have none.
pub fn detail(c: &Connection, set_id: i64, joiner: i64) -> Result<Option<Detail>> {
    let Some(join) = rows::join_of(c, set_id, joiner)? else { return Ok(None) };
    let owner = rows::card(c, joiner)?.unwrap_or_default();
    let helps = rows::helps_of(c, join.id)?;
    Ok(Some(Detail { join, owner, helps }))
}

/// kanjiaHelpDetail: the helper's cut on the joiner's bargain; None when they have not helped.
pub fn help_of(c: &Connection, helper: i64, set_id: i64, joiner: i64) -> Result<Option<HelpRow>> {
    let Some(j) = rows::join_of(c, set_id, joiner)? else { return Ok(None) };
    Ok(rows::help_of(c, j.id, helper)?)
}

/// The cut of one help: random fen in the set's range, capped at what is left above the floor.
fn draw_cut(s: &SetRow, left: i64) -> i64 {
    let (lo, hi) = (s.fields.help_min, s.fields.help_max.max(s.fields.help_min));
    rand::thread_rng().gen_range(lo..=hi).min(left)
}

/// kanjiaHelp: the helper cuts the joiner's bargain once. Refused (nothing changed) for one's own
/// bargain unless the shop allows it, a second help, a bargain bought or at its floor, a set
/// stopped, ended or sold out, and a helper past the day's cap.
pub fn help(
    c: &Connection,
    helper: i64,
    set_id: i64,
    joiner: i64,
    remark: &str,
    rules: KanjiaRules,
    now: i64,
) -> Result<HelpRow> {
    if helper == joiner && !rules.self_help {
        return Err(Error::denied("不能帮自己砍价，快去邀请好友帮忙吧"));
    }
    let s = set_of(c, set_id)?;
    let j = rows::join_of(c, set_id, joiner)?.ok_or(Error::NotFound(Entity::KanjiaJoin))?;
    if rows::help_of(c, j.id, helper)?.is_some() {
        return Err(Error::refused("你已经帮TA砍过了"));
    }
    if j.status == join_status::BOUGHT {
        return Err(Error::refused("TA已用砍后价购买，不能再砍了"));
    }
    if let Some(why) = closed_reason(&s, now) {
        return Err(Error::refused(why));
    }
    let left = j.cur_price - s.fields.min_price;
    if left <= 0 {
        return Err(Error::refused("已经砍到底价了"));
    }
    let today = rows::helps_since(c, helper, set_id, crate::service::funds::day_start(now))?;
    if today >= rules.helps_per_day {
        return Err(Error::RateLimited(format!("今天已帮砍 {today} 次，达到上限，明天再来吧").into()));
    }
    let cut = draw_cut(&s, left);
    rows::insert_help(c, &j, helper, cut, remark, now)?;
    rows::cut(c, j.id, cut, now)?;
    rows::help_of(c, j.id, helper)?.ok_or_else(|| Error::internal("help vanished"))
}

/// The bargain an order is placed for (`orderCreate` with `kjid`): the caller's own, on a set
/// that can still be bought, for the set's goods, one piece, not held by another unpaid order.
pub fn for_order(
    c: &Connection,
    user_id: i64,
    set_id: i64,
    goods_id: i64,
    number: i64,
    now: i64,
) -> Result<JoinRow> {
    let s = set_of(c, set_id).map_err(|_| Error::invalid("kjid", "砍价活动不存在"))?;
    let j = rows::join_of(c, set_id, user_id)?
        .ok_or_else(|| Error::denied("只能购买自己发起的砍价，请先发起砍价"))?;
    if goods_id != s.fields.goods_id {
        return Err(Error::invalid("goodsJsonStr", "砍价订单只能购买该砍价活动的商品"));
    }
    if number != 1 {
        return Err(Error::invalid("number", "砍价商品每单限购 1 件"));
    }
    if j.status == join_status::BOUGHT {
        return Err(Error::refused("该砍价已经购买过了"));
    }
    if j.order_id.is_some() {
        return Err(Error::refused("该砍价已有待支付的订单"));
    }
    if let Some(why) = closed_reason(&s, now) {
        return Err(Error::refused(why));
    }
    // An unpaid bargain order reserves its place in the quota: paid and unpaid orders together
    // never exceed it, so payments arriving at once cannot sell one more than the set allows.
    if s.number_buy + rows::held_unpaid(c, s.id)? >= s.fields.number {
        return Err(Error::refused("砍价名额已被其他待支付订单占用，请稍后再试"));
    }
    Ok(j)
}

/// Ties the placed order to its bargain (in the order's transaction).
pub fn hold(c: &Connection, join_id: i64, order_id: i64) -> Result<()> {
    if rows::hold_for_order(c, join_id, order_id)? {
        Ok(())
    } else {
        Err(Error::refused("该砍价已有待支付的订单"))
    }
}

/// At payment: the order's bargain is bought and counts against its set's quota.
pub fn on_paid(c: &Connection, order_id: i64, now: i64) -> Result<()> {
    let Some(j) = rows::join_by_order(c, order_id)? else { return Ok(()) };
    if rows::mark_bought(c, j.id, now)? {
        rows::add_bought(c, j.set_id)?;
    }
    Ok(())
}

/// A closed unpaid order gives its bargain back: it can be bought again.
pub fn on_closed(c: &Connection, order_id: i64, now: i64) -> Result<()> {
    rows::release_order(c, order_id, now)?;
    Ok(())
}

/// A set as the merchant sends it, to check.
pub fn check_set(f: &SetFields, now: i64) -> Result<()> {
    if f.original_price <= 0 {
        return Err(Error::invalid("originalPrice", "原价应大于 0"));
    }
    if f.min_price < 0 || f.min_price >= f.original_price {
        return Err(Error::invalid("minPrice", "底价应不小于 0 且低于原价"));
    }
    if f.help_min < 1 {
        return Err(Error::invalid("helpPriceMin", "每次最少砍价应至少 0.01 元"));
    }
    if f.help_max < f.help_min {
        return Err(Error::invalid("helpPriceMax", "每次最多砍价应不小于最少砍价"));
    }
    if f.number <= 0 {
        return Err(Error::invalid("number", "可购数量应大于 0"));
    }
    if f.date_end <= now {
        return Err(Error::invalid("dateEnd", "结束时间应晚于现在"));
    }
    Ok(())
}

/// Creates a set for a goods (console, merchant API).
pub fn create_set(c: &Connection, f: &SetFields, now: i64) -> Result<SetRow> {
    check_set(f, now)?;
    if crate::db::catalog::goods(c, f.goods_id)?.is_none() {
        return Err(Error::NotFound(Entity::Goods));
    }
    let id = rows::insert_set(c, f, now)?;
    set_of(c, id)
}

/// Stops an active set: no more joins, helps or bargain orders.
pub fn stop_set(c: &Connection, set_id: i64) -> Result<SetRow> {
    let s = set_of(c, set_id)?;
    if !rows::stop_set(c, s.id)? {
        return Err(Error::refused("砍价活动不在进行中"));
    }
    set_of(c, set_id)
}

/// The set expiry step of the order job: ended sets stop showing their price on goods.
pub fn end_expired(c: &Connection, now: i64) -> Result<usize> {
    Ok(rows::end_expired(c, now)?)
}

/// `xiaodian check`: bargains whose cuts do not add up to original − current, or below the floor.
pub fn check(c: &Connection) -> Result<Vec<String>> {
    Ok(rows::mismatched_joins(c)?
        .into_iter()
        .map(|(id, cut, sum)| format!("bargain {id}: price lowered by {cut} fen but its helps cut {sum}"))
        .collect())
}

/// A status's words (`statusStr`).
pub fn set_status_words(s: &SetRow, now: i64) -> &'static str {
    closed_reason(s, now).unwrap_or("进行中")
}

/// A bargain's status words.
pub fn join_status_words(j: &JoinRow) -> &'static str {
    if j.status == join_status::BOUGHT {
        "已购买"
    } else if j.cur_price <= j.min_price {
        "已砍到底价"
    } else {
        "进行中"
    }
}
