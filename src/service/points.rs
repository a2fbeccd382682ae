//! Points and growth: what the shop gives points for (registration, daily sign-in, money spent on
//! a received order, sharing to a WeChat group, redemption codes), what points buy (balance,
//! growth), and the merchant's manual adjustments. Every movement goes through service::ledger.

use rusqlite::Connection;
use std::fmt::Write as _;

use crate::db::points::{Code, Sign, SignRule};
use crate::db::{self, ledger::Account};
use crate::service::error::{Entity, Error, Field, Result, Rule};
use crate::service::ledger::{self, Source};
use crate::settings::registry;

/// Setting keys (the `settings` table; edited on the console's 积分 page).
pub mod keys {
    pub use crate::settings::keys::points::*;
}

/// The shop's points rules, read from its settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PointRules {
    pub register: i64,
    pub per_yuan_spent: i64,
    pub share_group: i64,
    pub share_group_daily_max: i64,
    pub cash_rate: i64,
    pub growth_rate: i64,
}

impl PointRules {
    /// The rules from a settings lookup; unset or out-of-range values keep their defaults.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> PointRules {
        let num = |key: &str| registry::get(key).whole_number(get(key).as_deref()).unwrap_or(0);
        PointRules {
            register: num(keys::REGISTER),
            per_yuan_spent: num(keys::PER_YUAN_SPENT),
            share_group: num(keys::SHARE_GROUP),
            share_group_daily_max: num(keys::SHARE_GROUP_DAILY_MAX),
            cash_rate: num(keys::CASH_RATE),
            growth_rate: num(keys::GROWTH_RATE),
        }
    }

    /// The rules as the in-memory settings hold them (handlers).
    pub fn of(snapshot: &crate::settings::Snapshot) -> PointRules {
        PointRules::from_lookup(|k| snapshot.get(k).map(str::to_string))
    }

    /// The rules straight from the database (inside other services' transactions).
    pub fn load(c: &Connection) -> Result<PointRules> {
        let all: std::collections::HashMap<String, String> =
            db::settings::all_settings(c)?.into_iter().collect();
        Ok(PointRules::from_lookup(|k| all.get(k).cloned()))
    }
}

/// The shop-local day (days since 1970-01-01 in UTC+8) of an instant.
pub fn local_day(unix: i64) -> i64 {
    (unix + 8 * 3600).div_euclid(86_400)
}

/// The sign-in reward for the `streak`-th day in a row: the rule with the longest streak not above it.
pub fn sign_reward(rules: &[SignRule], streak: i64) -> i64 {
    rules.iter().filter(|r| r.continuous <= streak).max_by_key(|r| r.continuous).map_or(0, |r| r.score)
}

/// Checks and replaces the sign-in rules: streak days 1–366, each once, points 0–1,000,000.
pub fn save_sign_rules(c: &Connection, rules: &[SignRule], now: i64) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for r in rules {
        if !(1..=366).contains(&r.continuous) {
            return Err(Error::invalid("continuous", "连续天数应在 1 到 366 之间"));
        }
        if !(0..=1_000_000).contains(&r.score) {
            return Err(Error::invalid("score", "积分应在 0 到 1000000 之间"));
        }
        if !seen.insert(r.continuous) {
            return Err(Error::invalid("continuous", format!("连续第 {} 天重复设置", r.continuous)));
        }
    }
    Ok(db::points::replace_sign_rules(c, rules, now)?)
}

/// scoreSign: today's sign-in (once per shop-local day), its streak and its points.
pub fn sign(c: &Connection, user_id: i64, now: i64) -> Result<Sign> {
    let rules = db::points::sign_rules(c)?;
    if rules.is_empty() {
        return Err(Error::refused("本店未开启签到送积分"));
    }
    let day = local_day(now);
    let continuous = db::points::sign_on(c, user_id, day - 1)?.map_or(1, |s| s.continuous + 1);
    let score = sign_reward(&rules, continuous);
    let Some(id) = db::points::insert_sign(c, user_id, day, continuous, score, now)? else {
        return Err(Error::AlreadySigned);
    };
    let reason = format!("连续签到第 {continuous} 天");
    ledger::post(c, user_id, Account::Score, score, &reason, Source::Sign, &id.to_string())?;
    db::points::sign_on(c, user_id, day)?.ok_or(Error::internal("sign-in row vanished"))
}

/// scoreExchange: redeems a code the merchant made; each code once.
pub fn redeem_code(c: &Connection, user_id: i64, number: &str, now: i64) -> Result<Code> {
    let code = db::points::code_by_number(c, number)?.ok_or(Error::NoMatch(Entity::PointsCode))?;
    if code.date_used > 0 {
        return Err(Error::refused("该积分券已被使用"));
    }
    if code.date_end > 0 && code.date_end <= now {
        return Err(Error::refused("该积分券已过期"));
    }
    if !db::points::use_code(c, code.id, user_id, now)? {
        return Err(Error::refused("该积分券已被使用"));
    }
    let reason = format!("积分券 {} 兑换", code.number);
    ledger::post(c, user_id, Account::Score, code.score, &reason, Source::ScoreCode, &code.id.to_string())?;
    Ok(code)
}

/// What an exchange of points took and gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exchanged {
    /// Points taken.
    pub score: i64,
    /// Fen (to balance) or growth points given.
    pub gave: i64,
}

/// scoreExchangeCash: `points` (at most) → balance at `cash_rate` points per yuan, in the caller's
/// transaction; only the points that buy whole fen are taken.
pub fn exchange_cash(c: &Connection, user_id: i64, points: i64, rules: &PointRules) -> Result<Exchanged> {
    if rules.cash_rate <= 0 {
        return Err(Error::refused("本店未开启积分兑换余额"));
    }
    check_points(points)?;
    let fen = points.saturating_mul(100) / rules.cash_rate;
    if fen == 0 {
        return Err(Error::invalid("deductionScore", format!("{} 积分兑换 1 元，积分太少", rules.cash_rate)));
    }
    // The points that buy exactly `fen`, rounded up so the shop never gives money away.
    let score = (fen * rules.cash_rate + 99) / 100;
    let reason = format!("{score} 积分兑换余额 {} 元", crate::money::format(fen));
    ledger::post(c, user_id, Account::Score, -score, &reason, Source::Exchange, "cash")?;
    ledger::post(c, user_id, Account::Balance, fen, &reason, Source::Exchange, "cash")?;
    Ok(Exchanged { score, gave: fen })
}

/// exchangeScoreToGrowth: `points` (at most) → growth at `growth_rate` points per growth point.
pub fn exchange_growth(c: &Connection, user_id: i64, points: i64, rules: &PointRules) -> Result<Exchanged> {
    if rules.growth_rate <= 0 {
        return Err(Error::refused("本店未开启积分兑换成长值"));
    }
    check_points(points)?;
    let growth = points / rules.growth_rate;
    if growth == 0 {
        return Err(Error::invalid(
            "deductionScore",
            format!("{} 积分兑换 1 成长值，积分太少", rules.growth_rate),
        ));
    }
    let score = growth * rules.growth_rate;
    let reason = format!("{score} 积分兑换 {growth} 成长值");
    ledger::post(c, user_id, Account::Score, -score, &reason, Source::Exchange, "growth")?;
    ledger::post(c, user_id, Account::Growth, growth, &reason, Source::Exchange, "growth")?;
    Ok(Exchanged { score, gave: growth })
}

fn check_points(points: i64) -> Result<()> {
    if !(1..=1_000_000_000).contains(&points) {
        return Err(Error::invalid("deductionScore", "应为正整数"));
    }
    Ok(())
}

/// shareGroupGetScore: pays the sharer for a share opened in group `open_gid`, once per group and
/// day and for at most the daily number of groups; the points given.
pub fn award_share(c: &Connection, sharer: i64, open_gid: &str, rules: &PointRules, now: i64) -> Result<i64> {
    if rules.share_group <= 0 {
        return Err(Error::refused("本店未开启转发到群送积分"));
    }
    if !db::user::exists(c, sharer)? {
        return Err(Error::NotFound(Entity::Sharer));
    }
    let day = local_day(now);
    if db::points::shares_on(c, sharer, day)? >= rules.share_group_daily_max {
        return Err(Error::refused(format!(
            "今天的转发奖励已达上限（每天 {} 个群）",
            rules.share_group_daily_max
        )));
    }
    if !db::points::insert_share(c, sharer, open_gid, day, rules.share_group, now)? {
        return Err(Error::refused("今天转发到这个群的奖励已经领过了"));
    }
    ledger::post(
        c,
        sharer,
        Account::Score,
        rules.share_group,
        "转发到微信群奖励",
        Source::ShareGroup,
        open_gid,
    )?;
    Ok(rules.share_group)
}

/// Registration points for a new shopper (called where accounts are created); answers the id.
pub fn welcome(c: &Connection, user_id: i64) -> Result<i64> {
    let rules = PointRules::load(c)?;
    if rules.register > 0 {
        ledger::post(c, user_id, Account::Score, rules.register, "注册赠送", Source::Register, "")?;
    }
    Ok(user_id)
}

/// Points for the money paid on an order (less what was refunded before), once the shopper has
/// received it (called after the order's status moved, so once per order).
pub fn award_order(c: &Connection, order_id: i64) -> Result<()> {
    let rules = PointRules::load(c)?;
    if rules.per_yuan_spent <= 0 {
        return Ok(());
    }
    let Some(o) = db::order::order(c, order_id)? else { return Ok(()) };
    let kept = o.fields.amount_real - db::order_admin::refunded_total(c, o.id)?;
    let points = (kept.max(0) / 100).saturating_mul(rules.per_yuan_spent);
    if points <= 0 {
        return Ok(());
    }
    let reason = format!("订单 {} 消费返积分", o.order_number);
    ledger::post(
        c,
        o.fields.user_id,
        Account::Score,
        points,
        &reason,
        Source::OrderReward,
        &o.id.to_string(),
    )?;
    Ok(())
}

/// What a refund took back of an account given for its order, and what it could not take.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TakenBack {
    pub taken: i64,
    /// Already spent by the shopper: recorded on the refund, never taken below zero.
    pub short: i64,
}

/// Takes back the points and growth given for an order (its `order_reward` ledger rows) in the
/// share of the money refund `refund_id` returns: `refund` fen of the `remaining` fen the order
/// still held before it. What earlier refunds settled is not counted twice, and the refund that
/// empties the order takes all that is left, so partial refunds add up to the whole reward.
/// Each taking is a negative ledger row (source `refund`, the refund's id). A shopper who already
/// spent them keeps a zero account: the rest is answered as `short` (policy: the ledger never
/// goes negative; the shortfall is recorded on the refund and in the order's log).
pub fn take_back_order_reward(
    c: &Connection,
    o: &db::order::OrderRow,
    refund_id: i64,
    refund: i64,
    remaining: i64,
) -> Result<(TakenBack, TakenBack)> {
    if refund <= 0 || remaining <= 0 {
        return Ok(Default::default());
    }
    let settled = db::order_admin::reward_back_total(c, o.id)?;
    let user = o.fields.user_id;
    let mut out = [TakenBack::default(); 2];
    for (i, (account, before)) in
        [(Account::Score, settled.0), (Account::Growth, settled.1)].into_iter().enumerate()
    {
        let given =
            db::ledger::total_from(c, user, account, Source::OrderReward.as_str(), &o.id.to_string())?;
        let open = (given - before).max(0);
        let due = if refund >= remaining {
            open
        } else {
            // i128: points × fen stays far from overflow.
            i64::try_from(i128::from(open) * i128::from(refund) / i128::from(remaining)).unwrap_or(open)
        };
        if due == 0 {
            continue;
        }
        let have = ledger::accounts_of(c, user)?.get(account);
        let taken = due.min(have);
        let short = due - taken;
        if taken > 0 {
            let what = account_label(account);
            let mut reason = format!("订单 {} 退款，扣回消费赠送的{what}", o.order_number);
            if short > 0 {
                let _ = write!(reason, "（{what}不足，少扣 {short}）");
            }
            ledger::post(c, user, account, -taken, &reason, Source::Refund, &refund_id.to_string())?;
        }
        out[i] = TakenBack { taken, short };
    }
    Ok((out[0], out[1]))
}

/// An account the merchant may adjust by hand.
pub fn adjustable(name: &str) -> Option<Account> {
    match name {
        "balance" => Some(Account::Balance),
        "score" => Some(Account::Score),
        "growth" => Some(Account::Growth),
        _ => None,
    }
}

/// The account's name in the merchant's words.
pub fn account_label(a: Account) -> &'static str {
    match a {
        Account::Balance => "余额",
        Account::Freeze => "冻结金额",
        Account::Score => "积分",
        Account::Growth => "成长值",
    }
}

/// A manual change by the merchant (signed fen or points) with its required reason; the new value.
/// Refused, changing nothing, when it would leave the account negative.
pub fn adjust(c: &Connection, user_id: i64, account: Account, amount: i64, reason: &str) -> Result<i64> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::missing("reason"));
    }
    if reason.chars().count() > 100 {
        return Err(Error::Invalid { field: Field("reason"), rule: Rule::MaxChars(100) });
    }
    if amount == 0 {
        return Err(Error::invalid("amount", "不能为 0"));
    }
    if amount.abs() > 100_000_000_000 {
        return Err(Error::invalid("amount", "超出范围"));
    }
    if !db::user::exists(c, user_id)? {
        return Err(Error::NotFound(Entity::User));
    }
    let now = ledger::accounts_of(c, user_id)?.get(account);
    if now + amount < 0 {
        let shown = |v: i64| match account {
            Account::Balance | Account::Freeze => format!("{} 元", crate::money::format(v)),
            _ => v.to_string(),
        };
        return Err(Error::refused(format!(
            "{}不足：当前 {}，不能减少 {}",
            account_label(account),
            shown(now),
            shown(-amount)
        )));
    }
    ledger::post(c, user_id, account, amount, reason, Source::Admin, "")
}

/// A kind of ledger row as the client shows it (`type`, `typeStr`): the client documents 0–6;
/// the others are xiaodian's own.
pub const KINDS: &[(i64, &str, &str)] = &[
    (0, "register", "注册赠送"),
    (1, "invite", "邀请好友"),
    (2, "sign", "每日签到"),
    (3, "coupon", "兑换优惠券"),
    (4, "admin", "管理员调整"),
    (5, "recharge", "充值赠送"),
    (6, "order_reward", "消费返积分"),
    (7, "share_group", "转发到群"),
    (8, "score_code", "积分券兑换"),
    (9, "exchange", "积分兑换"),
    (10, "order", "订单消费"),
    (11, "refund", "退款"),
    (12, "payment", "在线支付"),
    (13, "level_buy", "购买会员"),
    (14, "virtual_goods", "虚拟商品"),
    (15, "withdrawal", "提现"),
    (16, "deposit", "押金"),
    (17, "pay_bill", "买单"),
];

/// (type, typeStr) of a ledger source; 99 "其他" for one this table does not know yet.
pub fn kind_of(source_type: &str) -> (i64, &'static str) {
    KINDS.iter().find(|(_, s, _)| *s == source_type).map_or((99, "其他"), |(k, _, label)| (*k, *label))
}

/// The ledger source of a `type` number, for filters.
pub fn source_of_kind(kind: i64, param: &'static str) -> Result<&'static str> {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map(|(_, s, _)| *s)
        .ok_or_else(|| Error::invalid(param, format!("未知的类型 {kind}")))
}

/// One rule of what the shop gives points for (scoreRules).
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendRule {
    pub code: &'static str,
    pub code_str: &'static str,
    /// Points given (per yuan for `order`; for day 1 for `sign`).
    pub score: i64,
    /// How often: the limit in words.
    pub confine: String,
}

/// What the shop gives points for now; rules worth nothing are left out.
pub fn send_rules(rules: &PointRules, sign: &[SignRule]) -> Vec<SendRule> {
    let mut out = Vec::new();
    if rules.register > 0 {
        out.push(SendRule {
            code: "register",
            code_str: "注册",
            score: rules.register,
            confine: "每人一次".into(),
        });
    }
    if sign.iter().any(|r| r.score > 0) {
        out.push(SendRule {
            code: "sign",
            code_str: "每日签到",
            score: sign_reward(sign, 1),
            confine: "每天一次，连续签到奖励见签到规则".into(),
        });
    }
    if rules.per_yuan_spent > 0 {
        out.push(SendRule {
            code: "order",
            code_str: "消费",
            score: rules.per_yuan_spent,
            confine: "订单确认收货后按实付金额每元赠送".into(),
        });
    }
    if rules.share_group > 0 {
        out.push(SendRule {
            code: "shareGroup",
            code_str: "转发到微信群",
            score: rules.share_group,
            confine: format!("每个群每天一次，每天最多 {} 个群", rules.share_group_daily_max),
        });
    }
    out
}

/// A batch of redemption codes to make.
#[derive(Debug, Clone)]
pub struct NewCodes {
    pub count: i64,
    pub score: i64,
    /// The batch's name; empty: named after the time it was made.
    pub batch: String,
    /// The instant the codes stop working; 0: never.
    pub date_end: i64,
}

/// Letters and digits that cannot be mistaken for one another when typed from a card.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// Makes a batch of random 12-character codes (1–1000); answers the batch name.
pub fn create_codes(c: &Connection, new: &NewCodes, now: i64) -> Result<String> {
    use rand::Rng;
    if !(1..=1000).contains(&new.count) {
        return Err(Error::invalid("count", "应为 1 到 1000"));
    }
    if !(1..=1_000_000).contains(&new.score) {
        return Err(Error::invalid("score", "应为 1 到 1000000"));
    }
    let batch = if new.batch.trim().is_empty() {
        db::format_unix(now).replace(['-', ':', ' '], "")
    } else {
        new.batch.trim().to_string()
    };
    let mut made = 0;
    let mut rng = rand::rngs::OsRng;
    while made < new.count {
        let number: String =
            (0..12).map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char).collect();
        // A clash (1 in 32^12 per pair) just draws again.
        if db::points::insert_code(c, &number, new.score, &batch, new.date_end, now)? {
            made += 1;
        }
    }
    Ok(batch)
}
