//! Partners and team leaders (合伙人/团队长), two levels beside the referral chain: a shopper
//! joins a team leader's team (partnerBindTeamLeader), buys the leadership (from the balance, or
//! by WeChat Pay with nextAction 14), a leader joins a partner (bindPartner); partners are
//! appointed by the merchant or bought when the shop sells them. On a team member's paid order
//! the leader gets `partnerPercentLeader`% and the leader's partner `partnerPercentPartner`%
//! (a leader's own order gives their partner the partner share), as commissions on the same
//! pending → settled path as distribution (service::fx settles and cancels them).

use rusqlite::Connection;

use crate::db::fx::{self as fx_store, kind, NewCommission};
use crate::db::partner::{self as store, role};
use crate::db::{self, order};
use crate::money;
use crate::service::error::{Entity, Error, Result};
use crate::service::fx;
use crate::service::ledger::{self, Account, Source};
use crate::settings::keys::partner as keys;
use crate::settings::registry;

/// The shop's team rules, read from its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerRules {
    pub open: bool,
    pub percent_leader: i64,
    pub percent_partner: i64,
    pub price_leader_fen: i64,
    pub price_partner_fen: i64,
    pub leader_level_id: i64,
    pub member_level_id: i64,
}

impl PartnerRules {
    /// The rules from a settings lookup; unset or unreadable values keep their defaults.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> PartnerRules {
        let num = |key: &str| registry::get(key).whole_number(get(key).as_deref()).unwrap_or(0);
        PartnerRules {
            open: get(keys::OPEN).as_deref().unwrap_or(registry::get(keys::OPEN).default) == "1",
            percent_leader: num(keys::PERCENT_LEADER),
            percent_partner: num(keys::PERCENT_PARTNER),
            price_leader_fen: num(keys::PRICE_LEADER_FEN),
            price_partner_fen: num(keys::PRICE_PARTNER_FEN),
            leader_level_id: num(keys::LEADER_LEVEL_ID),
            member_level_id: num(keys::MEMBER_LEVEL_ID),
        }
    }

    /// The rules as the in-memory settings hold them (handlers).
    pub fn of(snapshot: &crate::settings::Snapshot) -> PartnerRules {
        PartnerRules::from_lookup(|k| snapshot.get(k).map(str::to_string))
    }

    /// The rules straight from the database (payments).
    pub fn load(c: &Connection) -> Result<PartnerRules> {
        let all: std::collections::HashMap<String, String> =
            db::settings::all_settings(c)?.into_iter().collect();
        Ok(PartnerRules::from_lookup(|k| all.get(k).cloned()))
    }

    /// The team shares a line may give away (0 while partners are off).
    pub fn shares(&self) -> i64 {
        if self.open {
            self.percent_leader + self.percent_partner
        } else {
            0
        }
    }

    /// Refused while partners are off.
    pub fn require_open(&self) -> Result<()> {
        if self.open {
            Ok(())
        } else {
            Err(Error::refused("本店未开启合伙人"))
        }
    }

    /// The member levels named for leaders and members must exist.
    pub fn check_levels(&self, c: &Connection) -> Result<()> {
        for (field, id) in
            [(keys::LEADER_LEVEL_ID, self.leader_level_id), (keys::MEMBER_LEVEL_ID, self.member_level_id)]
        {
            if id > 0 && db::levels::level_by_id(c, id)?.is_none() {
                return Err(Error::invalid(field, format!("会员等级 {id} 不存在")));
            }
        }
        Ok(())
    }
}

/// Gives the shopper the member level `level_id` (none when 0 or deleted), unless they hold a
/// higher one; it does not expire.
fn give_level(c: &Connection, user_id: i64, level_id: i64, now: i64) -> Result<()> {
    // 9999-01-01 UTC: shown in shop time (UTC+8), the last day of 9999 would overflow.
    const NEVER: i64 = 253_370_764_800;
    let Some(level) = db::levels::level_by_id(c, level_id)? else { return Ok(()) };
    if let Some((held, _)) = crate::service::levels::held(c, user_id, now)? {
        if held.fields.level > level.fields.level {
            return Ok(());
        }
    }
    let cur =
        db::levels::Current { user_id, level_id, price_id: None, auto_renew: false, date_expire: NEVER };
    db::levels::set_current(c, &cur, now)?;
    Ok(())
}

/// partnerBindTeamLeader: the shopper joins `leader`'s team. Refused: oneself, someone who is not
/// a team leader, a shopper who is already a leader or partner, or already in another team.
pub fn bind_leader(c: &Connection, rules: &PartnerRules, user_id: i64, leader: i64, now: i64) -> Result<()> {
    rules.require_open()?;
    if leader == user_id {
        return Err(Error::invalid("uid", "不能加入自己的团队"));
    }
    let boss = store::role_of(c, leader)?.filter(|r| r.role == role::LEADER);
    if boss.is_none() {
        return Err(Error::refused("对方不是团队长"));
    }
    match store::role_of(c, user_id)? {
        Some(r) if r.role == role::MEMBER && r.parent_id == Some(leader) => return Ok(()),
        Some(r) if r.role == role::MEMBER => return Err(Error::refused("你已加入其他团队")),
        Some(r) => return Err(Error::refused(format!("你已经是{}", role::label(r.role)))),
        None => {}
    }
    store::set_role(c, user_id, role::MEMBER, Some(leader), "bind", now)?;
    give_level(c, user_id, rules.member_level_id, now)
}

/// Why the shopper cannot become a team leader (or None).
fn leader_refusal(c: &Connection, rules: &PartnerRules, user_id: i64) -> Result<Option<Error>> {
    rules.require_open()?;
    if rules.price_leader_fen <= 0 {
        return Ok(Some(Error::refused("本店未开放购买团队长")));
    }
    Ok(match store::role_of(c, user_id)? {
        Some(r) if r.role != role::MEMBER => Some(Error::refused(format!("你已经是{}", role::label(r.role)))),
        _ => None,
    })
}

/// Makes the shopper a team leader: a member keeps their old leader's partner as theirs.
fn make_leader(c: &Connection, rules: &PartnerRules, user_id: i64, source: &str, now: i64) -> Result<()> {
    let partner = match store::role_of(c, user_id)? {
        Some(r) if r.role == role::MEMBER => match r.parent_id {
            Some(old) => store::role_of(c, old)?.and_then(|l| l.parent_id),
            None => None,
        },
        _ => None,
    };
    store::set_role(c, user_id, role::LEADER, partner, source, now)?;
    give_level(c, user_id, rules.leader_level_id, now)
}

/// partnerBuyTeamLeader: pays `partnerPriceLeaderFen` from the balance (40000 with the amount due
/// when short) and makes the shopper a team leader.
pub fn buy_leader(c: &Connection, rules: &PartnerRules, user_id: i64, now: i64) -> Result<()> {
    if let Some(no) = leader_refusal(c, rules, user_id)? {
        return Err(no);
    }
    let reason = format!("购买团队长 {} 元", money::format(rules.price_leader_fen));
    let id = user_id.to_string();
    ledger::post(c, user_id, Account::Balance, -rules.price_leader_fen, &reason, Source::PartnerBuy, &id)?;
    make_leader(c, rules, user_id, "buy", now)
}

/// Before WeChat is asked (nextAction 14): the leadership is for sale to this shopper, for at most
/// its price.
pub fn check_buy_leader(c: &Connection, user_id: i64, money_fen: i64) -> Result<()> {
    let rules = PartnerRules::load(c)?;
    if let Some(no) = leader_refusal(c, &rules, user_id)? {
        return Err(no);
    }
    if money_fen > rules.price_leader_fen {
        return Err(Error::invalid(
            "money",
            format!("支付金额超过应付金额 {} 元", money::format(rules.price_leader_fen)),
        ));
    }
    Ok(())
}

/// partnerBuyyPartner: pays `partnerPricePartnerFen` from the balance and makes the shopper a
/// partner (a leader stays at the head of their members through the partner role).
pub fn buy_partner(c: &Connection, rules: &PartnerRules, user_id: i64, now: i64) -> Result<()> {
    rules.require_open()?;
    if rules.price_partner_fen <= 0 {
        return Err(Error::refused("合伙人由商家指定，本店未开放购买"));
    }
    if store::role_of(c, user_id)?.is_some_and(|r| r.role == role::PARTNER) {
        return Err(Error::refused("你已经是合伙人"));
    }
    let reason = format!("购买合伙人 {} 元", money::format(rules.price_partner_fen));
    let id = user_id.to_string();
    ledger::post(c, user_id, Account::Balance, -rules.price_partner_fen, &reason, Source::PartnerBuy, &id)?;
    appoint(c, user_id, role::PARTNER, "buy", now)
}

/// bindPartner: a team leader joins `partner`'s team (first binding wins).
pub fn bind_partner(c: &Connection, rules: &PartnerRules, user_id: i64, partner: i64) -> Result<()> {
    rules.require_open()?;
    if partner == user_id {
        return Err(Error::invalid("uid", "不能绑定自己"));
    }
    if store::role_of(c, partner)?.is_none_or(|r| r.role != role::PARTNER) {
        return Err(Error::refused("对方不是合伙人"));
    }
    let me = store::role_of(c, user_id)?.filter(|r| r.role == role::LEADER);
    let Some(me) = me else { return Err(Error::refused("只有团队长可以绑定合伙人")) };
    match me.parent_id {
        Some(p) if p == partner => Ok(()),
        Some(_) => Err(Error::refused("你已绑定合伙人，不能重复绑定")),
        None => store::set_role(c, user_id, role::LEADER, Some(partner), &me.source, me.date_add)
            .map_err(Error::from),
    }
}

/// The merchant makes a shopper a team leader or a partner (`role`), or a member of leader
/// `parent` (role 1); role 0 takes the role away.
pub fn appoint(c: &Connection, user_id: i64, to: i64, source: &str, now: i64) -> Result<()> {
    if !db::user::exists(c, user_id)? {
        return Err(Error::NotFound(Entity::User));
    }
    let rules = PartnerRules::load(c)?;
    match to {
        0 => {
            store::remove_role(c, user_id)?;
            Ok(())
        }
        role::LEADER => {
            // A partner made a leader: leaders cannot be under a leader, so theirs lose them.
            if store::role_of(c, user_id)?.is_some_and(|r| r.role == role::PARTNER) {
                store::detach_leaders(c, user_id)?;
            }
            make_leader(c, &rules, user_id, source, now)
        }
        role::PARTNER => {
            // A leader who becomes a partner keeps their members' team: they move up with them.
            store::set_role(c, user_id, role::PARTNER, None, source, now)?;
            Ok(())
        }
        _ => Err(Error::invalid("role", "应为 0（取消）、2（团队长）或 3（合伙人）")),
    }
}

/// At payment: the buyer's team leader and the leader's partner get their shares of each line,
/// pending like distribution commission. Nothing when partners are off or the buyer has no team.
pub fn on_paid(c: &Connection, order_id: i64, now: i64) -> Result<()> {
    if db::settings::get_setting(c, keys::OPEN)?.as_deref() != Some("1") {
        return Ok(());
    }
    let rules = PartnerRules::load(c)?;
    let o = order::order(c, order_id)?.ok_or(Error::NotFound(Entity::Order))?;
    let buyer = o.fields.user_id;
    let Some(me) = store::role_of(c, buyer)? else { return Ok(()) };
    let (leader, partner) = match me.role {
        role::MEMBER => {
            let leader = me.parent_id;
            let partner = match leader {
                Some(l) => store::role_of(c, l)?.and_then(|r| r.parent_id),
                None => None,
            };
            (leader, partner)
        }
        role::LEADER => (None, me.parent_id),
        _ => (None, None),
    };
    let goods_paid = (o.fields.amount_real - o.fields.amount_logistics).max(0);
    let lines = order::lines(c, order_id)?;
    let earners =
        [(leader, kind::LEADER, rules.percent_leader, 1), (partner, kind::PARTNER, rules.percent_partner, 2)];
    for (earner, k, percent, level) in earners {
        let Some(earner) = earner.filter(|_| percent > 0) else { continue };
        for l in &lines {
            let base = fx::line_base(l.line.amount, goods_paid, o.fields.amount_goods);
            let amount = fx::commission_of(base, percent, 0);
            if amount <= 0 {
                continue;
            }
            let n = NewCommission {
                order_id,
                order_goods_id: l.id,
                buyer_id: buyer,
                user_id: earner,
                level,
                unit: 0,
                base,
                percent,
                amount,
                kind: k,
            };
            fx_store::insert_commission(c, &n, now)?;
        }
    }
    Ok(())
}
