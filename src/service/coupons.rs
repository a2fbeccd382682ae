//! Coupons: taking them (free, for points, or for balance money through the ledger), exchange
//! codes, gifts and merges, and the checkout side the orders module calls inside its own
//! transaction: [`usable`], [`discount`], [`lock`], [`use_locked`], [`release`].
//!
//! Every function takes the caller's connection (a `BEGIN IMMEDIATE` transaction for writes), so a
//! coupon's stock, a shopper's limit, the points or balance paid and the coupon itself change
//! together or not at all.

use std::borrow::Cow;

use rusqlite::Connection;
use serde::Serialize;

use crate::db::coupons::{self as store, Held, NewCoupon, Rule, RuleFields};
use crate::db::{self, ledger::Account};
use crate::money;
use crate::service::error::{CouponRefusal, Entity, Error, Result};
use crate::service::ledger::{self, Source};

const DAY: i64 = 86_400;

/// Longest validity a "days after taking" rule may give.
pub const MAX_VALID_DAYS: i64 = 3650;

const NOT_FOUND: Error = Error::NotFound(Entity::Coupon);

fn unavailable(why: &'static str) -> Error {
    Error::Coupon(CouponRefusal::Unavailable(Cow::Borrowed(why)))
}

// ---- rules (console, merchant API) ----

/// Checks a rule as the merchant entered it; a refusal names the field.
pub fn check_rule(f: &RuleFields) -> Result<()> {
    if f.name.trim().is_empty() {
        return Err(Error::missing("name"));
    }
    if f.name.chars().count() > 60 {
        return Err(Error::invalid("name", "最多 60 个字"));
    }
    if f.kind.chars().count() > 30 {
        return Err(Error::invalid("type", "最多 30 个字"));
    }
    match f.money_type {
        0 if f.money > 0 && f.money <= money::MAX_FEN => {}
        0 => return Err(Error::invalid("money", "减免金额应大于 0")),
        1 if (1..=99).contains(&f.money) => {}
        1 => return Err(Error::invalid("money", "折扣应在 1 到 99 之间（88 表示 8.8 折）")),
        _ => return Err(Error::invalid("moneyType", "应为 0（满减）或 1（折扣）")),
    }
    let fen = |name: &'static str, v: i64| {
        if (0..=money::MAX_FEN).contains(&v) {
            Ok(())
        } else {
            Err(Error::invalid(name, "金额超出范围"))
        }
    };
    fen("moneyMax", f.money_max)?;
    fen("moneyHreshold", f.money_hreshold)?;
    fen("needAmount", f.need_amount)?;
    if !(0..=1_000_000_000).contains(&f.need_score) {
        return Err(Error::invalid("needScore", "积分超出范围"));
    }
    match f.scope {
        store::SCOPE_ALL => {}
        store::SCOPE_GOODS | store::SCOPE_CATEGORIES if !f.refs.is_empty() => {}
        store::SCOPE_GOODS | store::SCOPE_CATEGORIES => {
            return Err(Error::invalid("refs", "指定商品或分类时至少填写一个编号"))
        }
        _ => return Err(Error::invalid("scope", "应为 0（全部商品）、1（指定商品）或 2（指定分类）")),
    }
    if f.refs.len() > 500 || f.refs.iter().any(|r| *r <= 0) {
        return Err(Error::invalid("refs", "应为最多 500 个正整数编号"));
    }
    match f.valid_type {
        0 if f.date_end > f.date_start && f.date_end > 0 => {}
        0 => return Err(Error::invalid("dateEnd", "有效期结束时间应晚于开始时间")),
        1 if (1..=MAX_VALID_DAYS).contains(&f.valid_days) => {}
        1 => {
            return Err(Error::invalid("validDays", format!("领取后有效天数应在 1 到 {MAX_VALID_DAYS} 之间")))
        }
        _ => return Err(Error::invalid("validType", "应为 0（固定时间段）或 1（领取后若干天）")),
    }
    if !(0..=10_000_000).contains(&f.number_total) {
        return Err(Error::invalid("numberTotal", "发放总量应在 0 到 10000000 之间"));
    }
    if !(0..=10_000).contains(&f.per_user) {
        return Err(Error::invalid("perUser", "每人限领应在 0（不限）到 10000 之间"));
    }
    if f.pwd.chars().count() > 32 {
        return Err(Error::invalid("pwd", "领取口令最多 32 个字符"));
    }
    if !(0..=1).contains(&f.status) {
        return Err(Error::invalid("status", "应为 0（上架）或 1（下架）"));
    }
    Ok(())
}

/// Creates (`id` None) or replaces a rule; its id. The total may not drop below what was taken.
pub fn save_rule(c: &Connection, id: Option<i64>, mut f: RuleFields, now: i64) -> Result<i64> {
    f.name = f.name.trim().to_string();
    f.refs.sort_unstable();
    f.refs.dedup();
    if f.scope == store::SCOPE_ALL {
        f.refs.clear();
    }
    check_rule(&f)?;
    let Some(id) = id else { return Ok(store::insert_rule(c, &f, now)?) };
    let old = store::rule(c, id)?.ok_or(NOT_FOUND)?;
    if f.number_total < old.number_taken {
        return Err(Error::invalid(
            "numberTotal",
            format!("已领取 {} 张，发放总量不能少于它", old.number_taken),
        ));
    }
    store::update_rule(c, id, &f, now)?;
    Ok(id)
}

/// Deletes a rule nobody holds; a rule with coupons held must be switched off instead.
pub fn delete_rule(c: &Connection, id: i64) -> Result<()> {
    store::rule(c, id)?.ok_or(NOT_FOUND)?;
    let held = store::held_count(c, id)?;
    if held > 0 {
        return Err(Error::refused(format!("已有 {held} 张发给用户，不能删除，请改为下架")));
    }
    store::delete_rule(c, id)?;
    Ok(())
}

/// Creates a merge rule: hand in `parts` (rule id, number), get one coupon of `rule_id`; its id.
pub fn create_merge(c: &Connection, name: &str, rule_id: i64, parts: &[(i64, i64)], now: i64) -> Result<i64> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::missing("name"));
    }
    if name.chars().count() > 60 {
        return Err(Error::invalid("name", "最多 60 个字"));
    }
    store::rule(c, rule_id)?.ok_or(Error::invalid("ruleId", format!("优惠券 {rule_id} 不存在")))?;
    if parts.is_empty() || parts.len() > 10 {
        return Err(Error::invalid("parts", "应列出 1 到 10 种要交出的优惠券"));
    }
    let mut seen = Vec::new();
    for &(part, number) in parts {
        store::rule(c, part)?.ok_or(Error::invalid("parts", format!("优惠券 {part} 不存在")))?;
        if !(1..=100).contains(&number) {
            return Err(Error::invalid("parts", "每种的张数应在 1 到 100 之间"));
        }
        if seen.contains(&part) {
            return Err(Error::invalid("parts", format!("优惠券 {part} 重复出现")));
        }
        seen.push(part);
    }
    Ok(store::insert_merge(c, name, rule_id, parts, now)?)
}

/// When a coupon of `rule` taken at `now` is valid: (start, end).
fn validity(rule: &Rule, now: i64) -> (i64, i64) {
    if rule.f.valid_type == 1 {
        (now, now + rule.f.valid_days * DAY)
    } else {
        (rule.f.date_start, rule.f.date_end)
    }
}

/// Gives a coupon of a rule to a shopper outside the public stock (merchant issue, exchange
/// codes, merges); the new coupon's id. A rule whose fixed window has ended gives none.
pub fn grant(c: &Connection, rule: &Rule, user_id: i64, source: &str, now: i64) -> Result<i64> {
    let (date_start, date_end) = validity(rule, now);
    if date_end <= now {
        return Err(Error::Coupon(CouponRefusal::Expired));
    }
    let n = NewCoupon { rule_id: rule.id, user_id, source, date_start, date_end };
    store::give(c, &n, 0, now)?.ok_or_else(|| Error::Internal("unlimited coupon give refused".into()))
}

/// Merchant issue: one coupon of `rule_id` to each shopper, outside the stock; how many given.
pub fn issue(c: &Connection, rule_id: i64, user_ids: &[i64], now: i64) -> Result<usize> {
    let rule = store::rule(c, rule_id)?.ok_or(NOT_FOUND)?;
    for uid in user_ids {
        db::user::by_id(c, *uid)?.ok_or(Error::NotFound(Entity::User))?;
        grant(c, &rule, *uid, "admin", now)?;
    }
    Ok(user_ids.len())
}

// ---- taking ----

/// What a shopper sends to take a coupon.
pub struct Fetch<'a> {
    pub rule_id: i64,
    pub pwd: Option<&'a str>,
    /// Check only (fetchCoupons `detect=true`): nothing is written.
    pub detect: bool,
}

/// fetchCoupons: checks, in the templates' order, 20001 off / not started, 20004 ended, 20002
/// none left, 20003 limit reached, the password, then takes the price: 30001 for points short,
/// 30002 with the amount still due when the balance cannot pay it. Answers the coupon's id
/// (None for `detect`). Also what a payment's nextAction {type:7, couponRuleId} calls once the
/// money is in the balance.
pub fn fetch(c: &Connection, user_id: i64, f: &Fetch, now: i64) -> Result<Option<i64>> {
    let rule = store::rule(c, f.rule_id)?.ok_or(NOT_FOUND)?;
    if rule.f.status != 0 {
        return Err(unavailable("该优惠券已停止发放"));
    }
    if rule.f.valid_type == 0 && rule.f.date_start > now {
        return Err(unavailable("该优惠券还未开始领取"));
    }
    if rule.f.valid_type == 0 && rule.f.date_end <= now {
        return Err(Error::Coupon(CouponRefusal::Expired));
    }
    if rule.number_taken >= rule.f.number_total {
        return Err(Error::SoldOut(Entity::Coupon));
    }
    if rule.f.per_user > 0 && store::fetched_by(c, rule.id, user_id)? >= rule.f.per_user {
        return Err(Error::Coupon(CouponRefusal::Limit(rule.f.per_user)));
    }
    if !rule.f.pwd.is_empty() && f.pwd != Some(rule.f.pwd.as_str()) {
        return Err(match f.pwd {
            None => Error::missing("pwd"),
            Some(_) => Error::invalid("pwd", "领取口令不正确"),
        });
    }
    if f.detect {
        let acc = ledger::accounts_of(c, user_id)?;
        if acc.score < rule.f.need_score {
            return Err(Error::NotEnoughPoints { due: rule.f.need_score - acc.score });
        }
        if acc.balance < rule.f.need_amount {
            return Err(Error::Coupon(CouponRefusal::MustPay { due_fen: rule.f.need_amount - acc.balance }));
        }
        return Ok(None);
    }
    if !store::take_stock(c, rule.id)? {
        return Err(Error::SoldOut(Entity::Coupon));
    }
    let (date_start, date_end) = validity(&rule, now);
    let n = NewCoupon { rule_id: rule.id, user_id, source: "fetch", date_start, date_end };
    let id = store::give(c, &n, rule.f.per_user, now)?
        .ok_or(Error::Coupon(CouponRefusal::Limit(rule.f.per_user)))?;
    let source_id = id.to_string();
    let reason = format!("领取优惠券「{}」", rule.f.name);
    if rule.f.need_score > 0 {
        ledger::post(c, user_id, Account::Score, -rule.f.need_score, &reason, Source::Coupon, &source_id)?;
    }
    if rule.f.need_amount > 0 {
        // Short of balance, the coupon is bought by WeChat Pay instead: say how much is due.
        ledger::post(c, user_id, Account::Balance, -rule.f.need_amount, &reason, Source::Coupon, &source_id)
            .map_err(|e| match e {
                Error::NotEnoughBalance { due_fen } => Error::Coupon(CouponRefusal::MustPay { due_fen }),
                other => other,
            })?;
    }
    Ok(Some(id))
}

/// exchangeCoupons: a code and its password give one coupon of the code's rule, once.
pub fn exchange(c: &Connection, user_id: i64, number: &str, pwd: &str, now: i64) -> Result<i64> {
    let Some((code_id, rule_id)) = store::claim_code(c, number, pwd, user_id, now)? else {
        return Err(if store::code_used(c, number)? {
            unavailable("该兑换码已被使用")
        } else {
            Error::invalid("pwd", "兑换码或密码不正确")
        });
    };
    let rule = store::rule(c, rule_id)?.ok_or(NOT_FOUND)?;
    if rule.f.status != 0 {
        return Err(unavailable("该优惠券已停止发放"));
    }
    let id = grant(c, &rule, user_id, "exchange", now)?;
    store::set_code_coupon(c, code_id, id)?;
    Ok(id)
}

/// sendCoupons: gives one of the shopper's usable coupons to another shopper.
pub fn send(c: &Connection, from: i64, to: i64, coupon_user_id: i64, now: i64) -> Result<()> {
    if from == to {
        return Err(Error::invalid("uid", "不能赠送给自己"));
    }
    db::user::by_id(c, to)?.ok_or(Error::NotFound(Entity::Recipient))?;
    let held = store::held(c, from, coupon_user_id)?.ok_or(NOT_FOUND)?;
    state_usable(&held, now)?;
    if !store::transfer(c, from, to, coupon_user_id, now)? {
        return Err(unavailable("优惠券当前不可赠送"));
    }
    Ok(())
}

/// mergeCoupons: hands in exactly the coupons a merge rule asks for and gives its coupon.
pub fn merge(c: &Connection, user_id: i64, merge_id: i64, coupon_ids: &[i64], now: i64) -> Result<i64> {
    let m = store::merge(c, merge_id)?.filter(|m| m.status == 0).ok_or(Error::NotFound(Entity::Addition))?;
    let mut ids = coupon_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut counts: std::collections::BTreeMap<i64, i64> = std::collections::BTreeMap::default();
    for id in &ids {
        let held = store::held(c, user_id, *id)?.ok_or(NOT_FOUND)?;
        state_usable(&held, now)?;
        *counts.entry(held.rule_id).or_default() += 1;
    }
    let wanted: std::collections::BTreeMap<i64, i64> = m.parts.iter().map(|(r, _, n)| (*r, *n)).collect();
    if counts != wanted {
        let need: Vec<String> = m.parts.iter().map(|(_, name, n)| format!("{name} × {n}")).collect();
        return Err(Error::invalid("couponIds", format!("需要正好提交：{}", need.join("、"))));
    }
    for id in &ids {
        if !store::use_without_order(c, user_id, *id, now)? {
            return Err(unavailable("优惠券当前不可用"));
        }
    }
    let rule = store::rule(c, m.rule_id)?.ok_or(NOT_FOUND)?;
    grant(c, &rule, user_id, "merge", now)
}

/// The state a held coupon must be in to be used, given away or merged.
fn state_usable(h: &Held, now: i64) -> Result<()> {
    match h.status {
        store::USABLE if h.date_end <= now => Err(Error::Coupon(CouponRefusal::Expired)),
        store::USABLE if h.date_start > now => Err(unavailable("优惠券还未到可使用时间")),
        store::USABLE => Ok(()),
        store::LOCKED => Err(unavailable("优惠券已被其他订单占用")),
        store::USED => Err(unavailable("优惠券已使用")),
        _ => Err(Error::Coupon(CouponRefusal::Expired)),
    }
}

// ---- checkout (called by the orders module inside its transaction) ----

/// One line of an order as the coupon rules see it.
#[derive(Debug, Clone, Copy)]
pub struct CouponLine {
    pub goods_id: i64,
    pub category_id: Option<i64>,
    /// What the line costs, fen.
    pub amount: i64,
}

/// A coupon usable for an order, with the fields orderCreate's `couponUserList` answers.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsableCoupon {
    /// The held coupon's id: what orderCreate's `couponId` sends back.
    pub id: i64,
    /// The rule's id.
    pub pid: i64,
    pub name: String,
    /// Yuan off (money_type 0) or the discount in 折 (money_type 1: 8.8).
    pub money: f64,
    pub money_type: i64,
    pub money_hreshold: f64,
    pub date_end: String,
    /// What it takes off this order, yuan.
    pub discount: f64,
    /// The same in fen, for the caller's arithmetic.
    #[serde(skip)]
    pub discount_fen: i64,
}

/// The in-scope total of `lines` for a held coupon.
fn scoped_amount(c: &Connection, h: &Held, lines: &[CouponLine]) -> Result<i64> {
    if h.scope == store::SCOPE_ALL {
        return Ok(lines.iter().map(|l| l.amount.max(0)).sum());
    }
    let refs = store::refs_of(c, h.rule_id)?;
    Ok(lines
        .iter()
        .filter(|l| match h.scope {
            store::SCOPE_GOODS => refs.binary_search(&l.goods_id).is_ok(),
            _ => l.category_id.is_some_and(|cat| refs.binary_search(&cat).is_ok()),
        })
        .map(|l| l.amount.max(0))
        .sum())
}

/// What a coupon takes off `scoped` fen: never more than `scoped`.
fn off(h: &Held, scoped: i64) -> i64 {
    let raw = if h.money_type == 1 {
        let off = scoped * (100 - h.money) / 100;
        if h.money_max > 0 {
            off.min(h.money_max)
        } else {
            off
        }
    } else {
        h.money
    };
    raw.clamp(0, scoped)
}

/// What a held coupon takes off these lines; the reason when it cannot be used.
fn check_for_lines(c: &Connection, h: &Held, lines: &[CouponLine], now: i64) -> Result<i64> {
    state_usable(h, now)?;
    let scoped = scoped_amount(c, h, lines)?;
    if scoped == 0 {
        return Err(unavailable("订单中没有该优惠券适用的商品"));
    }
    if scoped < h.money_hreshold {
        return Err(Error::Coupon(CouponRefusal::Unavailable(
            format!("适用商品满 {} 元才能使用该优惠券", money::format(h.money_hreshold)).into(),
        )));
    }
    Ok(off(h, scoped))
}

/// Display value of a rule's `money`: yuan off, or the discount in 折 (88 → 8.8).
pub fn money_shown(money_type: i64, money: i64) -> f64 {
    if money_type == 1 {
        money as f64 / 10.0
    } else {
        money::to_yuan(money)
    }
}

/// The shopper's coupons usable for these lines, the biggest discount first.
pub fn usable(c: &Connection, user_id: i64, lines: &[CouponLine], now: i64) -> Result<Vec<UsableCoupon>> {
    let mut out = Vec::new();
    for h in store::held_by(c, user_id, &[store::USABLE])? {
        let Ok(fen) = check_for_lines(c, &h, lines, now) else { continue };
        if fen == 0 {
            continue;
        }
        out.push(UsableCoupon {
            id: h.id,
            pid: h.rule_id,
            money: money_shown(h.money_type, h.money),
            money_type: h.money_type,
            money_hreshold: money::to_yuan(h.money_hreshold),
            date_end: db::format_unix(h.date_end),
            discount: money::to_yuan(fen),
            discount_fen: fen,
            name: h.name,
        });
    }
    out.sort_by(|a, b| b.discount_fen.cmp(&a.discount_fen).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// What coupon `coupon_user_id` takes off these lines, fen: checks owner (404 otherwise), state,
/// validity window, threshold and scope (20001 / 20004 saying why); never more than the in-scope
/// amount.
pub fn discount(
    c: &Connection,
    user_id: i64,
    coupon_user_id: i64,
    lines: &[CouponLine],
    now: i64,
) -> Result<i64> {
    let h = store::held(c, user_id, coupon_user_id)?.ok_or(NOT_FOUND)?;
    check_for_lines(c, &h, lines, now)
}

/// Locks a usable coupon to an order (status 0 → 1) by one conditional UPDATE, so two racing
/// orders cannot both have it: the second gets 20001 (or 404 / 20004 when that is the reason).
pub fn lock(c: &Connection, user_id: i64, coupon_user_id: i64, order_id: i64, now: i64) -> Result<()> {
    if store::lock(c, user_id, coupon_user_id, order_id, now)? {
        return Ok(());
    }
    let h = store::held(c, user_id, coupon_user_id)?.ok_or(NOT_FOUND)?;
    state_usable(&h, now)?;
    Err(unavailable("优惠券当前不可用"))
}

/// The order was paid: its locked coupons become used; how many.
pub fn use_locked(c: &Connection, order_id: i64, now: i64) -> Result<usize> {
    Ok(store::use_locked(c, order_id, now)?)
}

/// The order was closed or cancelled before payment: its locked coupons become usable again (or
/// expired, when their validity ended meanwhile). Idempotent: a second call changes nothing.
pub fn release(c: &Connection, order_id: i64, now: i64) -> Result<()> {
    store::release(c, order_id, now)?;
    Ok(())
}

/// The coupons an order locked or used (for order details).
pub fn of_order(c: &Connection, order_id: i64) -> Result<Vec<Held>> {
    Ok(store::locked_by_order(c, order_id)?)
}

/// Marks coupons whose validity ended as expired; how many (the coupons job).
pub fn expire_due(c: &Connection, now: i64, limit: i64) -> Result<usize> {
    Ok(store::expire(c, now, limit)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(money_type: i64, money: i64, money_max: i64) -> Held {
        Held {
            id: 1,
            rule_id: 1,
            user_id: 1,
            source: "fetch".into(),
            status: 0,
            order_id: None,
            date_start: 0,
            date_end: 10,
            date_use: None,
            date_add: 0,
            name: "券".into(),
            kind: String::new(),
            money_type,
            money,
            money_max,
            money_hreshold: 0,
            scope: 0,
        }
    }

    #[test]
    fn a_coupon_never_takes_off_more_than_the_scoped_amount() {
        assert_eq!(off(&held(0, 5000, 0), 3000), 3000);
        assert_eq!(off(&held(0, 500, 0), 3000), 500);
        assert_eq!(off(&held(1, 80, 0), 10000), 2000);
        assert_eq!(off(&held(1, 80, 1500), 10000), 1500);
    }
}
