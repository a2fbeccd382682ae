//! Distribution (三级分销): binding shoppers under a referrer, becoming a distributor (apply and
//! review, automatic, or bought from the balance), and commissions: given as pending when an
//! order is paid, settled into the earner's balance (or points) through the ledger once the order
//! is received and the freeze days have passed, cancelled pro rata by a refund before that.

use rusqlite::Connection;

use crate::db::fx::{self as store, apply_status, commission_status, kind, Commission, NewCommission};
use crate::db::fx_rules::GoodsPercents;
use crate::db::{self, order};
use crate::money;
use crate::service::error::{Entity, Error, Result};
use crate::service::ledger::{self, Account, Source};
use crate::settings::keys::fx as keys;
use crate::settings::registry;

/// The shop's distribution rules, read from its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FxRules {
    pub open: bool,
    pub levels: i64,
    pub percents: [i64; 3],
    /// 0: money (fen); 1: points (1 per yuan of commission).
    pub unit: i64,
    pub apply_auto: bool,
    pub price_fen: i64,
    pub freeze_days: i64,
    pub self_purchase: bool,
    pub rebind: bool,
    pub sellers_only: bool,
}

impl Default for FxRules {
    /// The settings registry's defaults.
    fn default() -> Self {
        FxRules::from_lookup(|_| None)
    }
}

impl FxRules {
    /// The rules from a settings lookup; unset or unreadable values keep their defaults.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> FxRules {
        let num = |key: &str| registry::get(key).whole_number(get(key).as_deref()).unwrap_or(0);
        let flag = |key: &str| get(key).as_deref().unwrap_or(registry::get(key).default) == "1";
        FxRules {
            open: flag(keys::OPEN),
            levels: num(keys::LEVELS),
            percents: [num(keys::PERCENT_1), num(keys::PERCENT_2), num(keys::PERCENT_3)],
            unit: i64::from(get(keys::UNIT).as_deref() == Some("1")),
            apply_auto: get(keys::APPLY_MODE).as_deref() == Some("auto"),
            price_fen: num(keys::PRICE_FEN),
            freeze_days: num(keys::FREEZE_DAYS),
            self_purchase: flag(keys::SELF_PURCHASE),
            rebind: flag(keys::REBIND),
            sellers_only: flag(keys::SELLERS_ONLY),
        }
    }

    /// The rules as the in-memory settings hold them (handlers).
    pub fn of(snapshot: &crate::settings::Snapshot) -> FxRules {
        FxRules::from_lookup(|k| snapshot.get(k).map(str::to_string))
    }

    /// The rules straight from the database (payments, jobs).
    pub fn load(c: &Connection) -> Result<FxRules> {
        let all: std::collections::HashMap<String, String> =
            db::settings::all_settings(c)?.into_iter().collect();
        Ok(FxRules::from_lookup(|k| all.get(k).cloned()))
    }

    /// The percent of level `level` (1-based), 0 beyond the levels in use.
    pub fn percent(&self, level: i64) -> i64 {
        if level < 1 || level > self.levels {
            return 0;
        }
        usize::try_from(level - 1).ok().and_then(|i| self.percents.get(i).copied()).unwrap_or(0)
    }

    /// The percent of level `level` on goods with their own percentages `own` (None: the shop's).
    pub fn percent_on(&self, level: i64, own: Option<&GoodsPercents>) -> i64 {
        let shop = self.percent(level);
        if shop == 0 && (level < 1 || level > self.levels) {
            return 0;
        }
        let slot = usize::try_from(level - 1).ok();
        own.and_then(|g| slot.and_then(|i| g.percents.get(i).copied().flatten())).unwrap_or(shop)
    }

    /// The total percent a line may give away: the levels in use plus `extra` (the team shares).
    pub fn total_on(&self, own: Option<&GoodsPercents>, extra: i64) -> i64 {
        (1..=self.levels).map(|l| self.percent_on(l, own)).sum::<i64>() + extra
    }

    /// Refuses levels whose percentages total more than 100.
    pub fn check(&self) -> Result<()> {
        let total = self.total_on(None, 0);
        if total > 100 {
            return Err(Error::invalid(keys::PERCENT_1, format!("各级佣金比例合计 {total}%，不能超过 100%")));
        }
        Ok(())
    }

    /// Refused while distribution is off.
    pub fn require_open(&self) -> Result<()> {
        if self.open {
            Ok(())
        } else {
            Err(Error::refused("本店未开启分销"))
        }
    }
}

// ---- chains

/// What bindSeller did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// Bound under this referrer.
    To(i64),
    /// Already bound under this referrer: nothing changed.
    Already(i64),
}

/// bindSeller: puts `user_id` under `uid` (with `trace`, under the nearest distributor at or
/// above `uid`). Refused: oneself, a cycle, an existing referrer unless re-binding is on.
pub fn bind(c: &Connection, rules: &FxRules, user_id: i64, uid: i64, trace: bool) -> Result<Bound> {
    rules.require_open()?;
    if !db::user::exists(c, uid)? {
        return Err(Error::NotFound(Entity::User));
    }
    let target = if trace {
        store::nearest_seller(c, uid)?.ok_or_else(|| Error::refused("该用户及其上级都不是分销商"))?
    } else {
        uid
    };
    if target == user_id {
        return Err(Error::invalid("uid", "不能绑定自己"));
    }
    let me = db::user::by_id(c, user_id)?.ok_or(Error::NotFound(Entity::User))?;
    if me.referrer_id == Some(target) {
        return Ok(Bound::Already(target));
    }
    if me.referrer_id.is_some() && !rules.rebind {
        return Err(Error::refused("你已绑定推荐人，不能重复绑定"));
    }
    if store::is_at_or_above(c, user_id, target)? {
        return Err(Error::invalid("uid", "对方是你的下级，不能绑定"));
    }
    store::set_referrer(c, user_id, target)?;
    Ok(Bound::To(target))
}

// ---- becoming a distributor

/// fxApply: asks to become a distributor. With automatic approval the shopper is one at once.
pub fn apply(
    c: &Connection,
    rules: &FxRules,
    user_id: i64,
    name: &str,
    mobile: &str,
    now: i64,
) -> Result<i64> {
    rules.require_open()?;
    if store::is_seller(c, user_id)? {
        return Err(Error::refused("你已经是分销商"));
    }
    if store::latest_application(c, user_id)?.is_some_and(|a| a.status == apply_status::WAITING) {
        return Err(Error::refused("申请正在审核中，请耐心等待"));
    }
    let status = if rules.apply_auto { apply_status::APPROVED } else { apply_status::WAITING };
    let id = store::insert_application(c, user_id, name, mobile, status, now)?;
    if rules.apply_auto {
        store::add_seller(c, user_id, "auto", now)?;
    }
    Ok(id)
}

/// The merchant's decision on an application: approve (the shopper becomes a distributor) or
/// reject with the reason the shopper sees.
pub fn decide(
    c: &Connection,
    application_id: i64,
    approve: bool,
    remark: &str,
    now: i64,
) -> Result<store::Application> {
    let remark = remark.trim();
    if !approve && remark.is_empty() {
        return Err(Error::missing("remark"));
    }
    if remark.chars().count() > 200 {
        return Err(Error::invalid("remark", "最多 200 个字"));
    }
    let a = store::application_by_id(c, application_id)?.ok_or(Error::NotFound(Entity::FxApplication))?;
    let status = if approve { apply_status::APPROVED } else { apply_status::REJECTED };
    if !store::decide_application(c, a.id, status, remark, now)? {
        return Err(Error::refused(format!("该申请已{}", apply_status::label(a.status))));
    }
    if approve {
        store::add_seller(c, a.user_id, "apply", now)?;
    }
    store::application_by_id(c, a.id)?.ok_or(Error::NotFound(Entity::FxApplication))
}

/// fxBuy: buys the distributorship with the balance (40000 with the amount due when short).
pub fn buy(c: &Connection, rules: &FxRules, user_id: i64, now: i64) -> Result<()> {
    rules.require_open()?;
    if rules.price_fen <= 0 {
        return Err(Error::refused("本店未开放购买分销商资格"));
    }
    if store::is_seller(c, user_id)? {
        return Err(Error::refused("你已经是分销商"));
    }
    let reason = format!("购买分销商资格 {} 元", money::format(rules.price_fen));
    ledger::post(
        c,
        user_id,
        Account::Balance,
        -rules.price_fen,
        &reason,
        Source::FxBuy,
        &user_id.to_string(),
    )?;
    store::add_seller(c, user_id, "buy", now)?;
    Ok(())
}

/// The price a WeChat payment for a distributorship (nextAction 13) must not exceed.
pub fn check_buy(c: &Connection, user_id: i64, money_fen: i64) -> Result<()> {
    let rules = FxRules::load(c)?;
    rules.require_open()?;
    if rules.price_fen <= 0 {
        return Err(Error::refused("本店未开放购买分销商资格"));
    }
    if store::is_seller(c, user_id)? {
        return Err(Error::refused("你已经是分销商"));
    }
    if money_fen > rules.price_fen {
        return Err(Error::invalid(
            "money",
            format!("支付金额超过应付金额 {} 元", money::format(rules.price_fen)),
        ));
    }
    Ok(())
}

// ---- commissions

/// The commission of `base` fen at `percent`, in the unit's terms (fen, or points per yuan).
pub fn commission_of(base: i64, percent: i64, unit: i64) -> i64 {
    if unit == 0 {
        (base * percent + 50) / 100
    } else {
        (base * percent + 5000) / 10000
    }
}

/// At payment: each line of the order gives the level-L earner above the buyer its percentage,
/// as pending commission. Nothing when distribution is off.
pub fn on_paid(c: &Connection, order_id: i64, now: i64) -> Result<()> {
    if db::settings::get_setting(c, keys::OPEN)?.as_deref() != Some("1") {
        return Ok(());
    }
    let rules = FxRules::load(c)?;
    let o = order::order(c, order_id)?.ok_or(Error::NotFound(Entity::Order))?;
    let buyer = o.fields.user_id;
    let mut earners: Vec<i64> = Vec::with_capacity(3);
    if rules.self_purchase && store::is_seller(c, buyer)? {
        earners.push(buyer);
    }
    earners.extend(store::ancestors(c, buyer)?.into_iter().map(|(_, id)| id));
    earners.truncate(usize::try_from(rules.levels).unwrap_or(0));
    if earners.is_empty() {
        return Ok(());
    }
    let goods_paid = (o.fields.amount_real - o.fields.amount_logistics).max(0);
    let amount_goods = o.fields.amount_goods;
    if goods_paid == 0 || amount_goods == 0 {
        return Ok(());
    }
    let lines = order::lines(c, order_id)?;
    let mut own = std::collections::HashMap::new();
    for l in &lines {
        if let Some(g) = db::fx_rules::goods_percents(c, l.line.goods_id)? {
            own.insert(l.line.goods_id, g);
        }
    }
    for (i, earner) in earners.iter().enumerate() {
        let level = i64::try_from(i).unwrap_or(0) + 1;
        if rules.sellers_only && !store::is_seller(c, *earner)? {
            continue;
        }
        for l in &lines {
            let percent = rules.percent_on(level, own.get(&l.line.goods_id));
            let base = line_base(l.line.amount, goods_paid, amount_goods);
            let amount = commission_of(base, percent, rules.unit);
            if amount <= 0 {
                continue;
            }
            let n = NewCommission {
                order_id,
                order_goods_id: l.id,
                buyer_id: buyer,
                user_id: *earner,
                level,
                unit: rules.unit,
                base,
                percent,
                amount,
                kind: kind::LEVEL,
            };
            store::insert_commission(c, &n, now)?;
        }
    }
    Ok(())
}

/// A line's share of what was paid for the goods (coupons and points spread evenly), fen.
pub fn line_base(line_amount: i64, goods_paid: i64, amount_goods: i64) -> i64 {
    if amount_goods <= 0 {
        return 0;
    }
    let share = i128::from(line_amount) * i128::from(goods_paid) / i128::from(amount_goods);
    i64::try_from(share).unwrap_or(line_amount)
}

/// At receipt: the order's pending commission starts its freeze; with 0 freeze days it is
/// settled at once.
pub fn on_received(c: &Connection, order_id: i64, now: i64) -> Result<()> {
    let pending = store::pending_of_order(c, order_id)?;
    if pending.is_empty() {
        return Ok(());
    }
    let rules = FxRules::load(c)?;
    let after = now + rules.freeze_days * 86_400;
    store::set_settle_after(c, order_id, after)?;
    if rules.freeze_days == 0 {
        for m in &pending {
            settle(c, m, now)?;
        }
    }
    Ok(())
}

/// Settles one pending commission into its earner's balance (or points) with its ledger row.
fn settle(c: &Connection, m: &Commission, now: i64) -> Result<bool> {
    if !store::mark_settled(c, m.id, now)? {
        return Ok(false);
    }
    let left = m.amount - m.cancelled;
    if left > 0 {
        let (account, what) =
            if m.unit == 0 { (Account::Balance, "佣金") } else { (Account::Score, "积分佣金") };
        let reason = match m.kind {
            kind::LEADER => format!("订单 {} 的团队长{what}", m.order_number),
            kind::PARTNER => format!("订单 {} 的合伙人{what}", m.order_number),
            _ => format!("订单 {} 的{}级{what}", m.order_number, level_word(m.level)),
        };
        ledger::post(c, m.user_id, account, left, &reason, Source::FxCommission, &m.id.to_string())?;
    }
    Ok(true)
}

fn level_word(level: i64) -> &'static str {
    match level {
        1 => "一",
        2 => "二",
        _ => "三",
    }
}

/// The settlement job's step: settles commissions whose freeze has passed; how many.
pub fn settle_due(c: &Connection, now: i64, limit: i64) -> Result<usize> {
    let mut n = 0;
    for id in store::due(c, now, limit)? {
        if let Some(m) = store::commission_by_id(c, id)? {
            if settle(c, &m, now)? {
                n += 1;
            }
        }
    }
    Ok(n)
}

/// A refund of `money` fen out of the `left` fen the order still held: each pending commission
/// of the order loses the same share (all of it when nothing is left). Settled commission stays.
pub fn on_refund(c: &Connection, order_id: i64, money: i64, left: i64, now: i64) -> Result<()> {
    if money <= 0 {
        return Ok(());
    }
    for m in store::pending_of_order(c, order_id)? {
        let rest = m.amount - m.cancelled;
        let more = if money >= left || left <= 0 {
            rest
        } else {
            let share = i128::from(rest) * i128::from(money) / i128::from(left);
            i64::try_from(share).unwrap_or(rest).clamp(0, rest)
        };
        if more > 0 {
            store::cancel_part(c, m.id, more, now)?;
        }
    }
    Ok(())
}

/// `xiaodian check`: every commission has its order line, its amount follows from its base and
/// percentage, a cancelled one was cancelled whole, and a settled one's ledger rows hold exactly
/// what was left of it (none for the others).
pub fn check(c: &Connection) -> Result<Vec<String>> {
    Ok(store::broken_commissions(c)?
        .into_iter()
        .map(|(id, what)| {
            let why = match what.as_str() {
                "line" => "找不到它的订单商品",
                "amount" => "金额与基数 × 比例不符",
                "cancelled" => "已取消但取消金额不等于佣金",
                "settled" => "已结算但余额（积分）流水合计不等于应结金额",
                "clawed" => "扣回金额超过已结算金额，或未结算却有扣回",
                "clawback" => "扣回金额与扣回流水合计不符",
                _ => "未结算却有流水",
            };
            format!("佣金 #{id} {why}")
        })
        .collect())
}

/// The shop's time zone offset (Asia/Shanghai): periods begin at local midnight.
const SHOP_OFFSET_SECS: i64 = 8 * 3600;

/// The [from, to) Unix seconds of a period written `0` (all time: no bounds), `yyyy`, `yyyyMM`,
/// `yyyyMMdd` or `yyyy-MM-dd`, in the shop's time zone; a refusal names `field`.
pub fn period(field: &'static str, text: &str) -> Result<(Option<i64>, Option<i64>)> {
    let bad = || Error::invalid(field, format!("应为 0、yyyy、yyyyMM 或 yyyyMMdd，收到“{text}”"));
    let digits: String = text.trim().chars().filter(|c| *c != '-').collect();
    if digits == "0" {
        return Ok((None, None));
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| digits.get(r).and_then(|s| s.parse::<u8>().ok());
    let year: i32 = digits.get(..4).and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    let date = |y: i32, m: time::Month, d: u8| time::Date::from_calendar_date(y, m, d).map_err(|_| bad());
    let (from, to) = match digits.len() {
        4 => (date(year, time::Month::January, 1)?, date(year + 1, time::Month::January, 1)?),
        6 | 8 => {
            let month = time::Month::try_from(num(4..6).ok_or_else(bad)?).map_err(|_| bad())?;
            if digits.len() == 6 {
                let next = if month == time::Month::December { year + 1 } else { year };
                (date(year, month, 1)?, date(next, month.next(), 1)?)
            } else {
                let d = date(year, month, num(6..8).ok_or_else(bad)?)?;
                (d, d.next_day().ok_or_else(bad)?)
            }
        }
        _ => return Err(bad()),
    };
    let unix = |d: time::Date| d.midnight().assume_utc().unix_timestamp() - SHOP_OFFSET_SECS;
    Ok((Some(unix(from)), Some(unix(to))))
}

/// A commission's state in the shopper's words.
pub fn status_label(m: &Commission) -> &'static str {
    commission_status::label(m.status)
}
