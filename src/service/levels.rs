//! Member levels: the merchant's levels and prices, buying one with balance, and expiry.
//!
//! Rules: a purchase pays from the balance through the ledger in the caller's one transaction
//! (debit, purchase row, current level), so a short balance writes nothing. Buying the level the
//! shopper holds extends it from its expiry; buying another starts that one now (the old one
//! ends). A level past its expiry counts as lapsed at once, whether or not the job ran; the job
//! then renews it (auto-renew, same price, from the balance) or removes it. Points the level
//! gives on upgrade are credited when the shopper moves up to it.

use std::fmt;

use rusqlite::Connection;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::db::levels::{Buy, BuyKind, Current, Level, LevelFields, Price, PriceFields};
use crate::db::{self, Db};
use crate::money;
use crate::service::error::{Entity, Error, Field, Result, Rule};
use crate::service::ledger::{self, Account, Source};

/// Seconds in a day: prices are sold in whole days.
pub const DAY: i64 = 86_400;

/// The job renews auto-renewing levels this long before they run out, so members never see a gap.
pub const RENEW_AHEAD: i64 = 15 * 60;

/// Most purchase remarks may hold.
pub const MAX_REMARK: usize = 200;

/// Further benefits of a level, name → text, in the merchant's order (a JSON object whose key
/// order is kept, as the templates list them in that order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Benefits(pub Vec<(String, String)>);

impl Serialize for Benefits {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de> Deserialize<'de> for Benefits {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct InOrder;
        impl<'de> Visitor<'de> for InOrder {
            type Value = Benefits;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of texts")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Benefits, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry::<String, String>()? {
                    pairs.push(pair);
                }
                Ok(Benefits(pairs))
            }
        }
        d.deserialize_map(InOrder)
    }
}

impl Benefits {
    pub const MAX_ITEMS: usize = 20;

    /// As stored in `ext_json`; a damaged value reads as none (the merchant can save it again).
    pub fn parse(stored: &str) -> Benefits {
        serde_json::from_str(stored).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// One "名称：说明" per line, as the console edits them.
    pub fn to_lines(&self) -> String {
        self.0.iter().map(|(k, v)| format!("{k}：{v}")).collect::<Vec<_>>().join("\n")
    }

    /// Lines "名称：说明" (or "名称=说明", "名称:说明"); blank lines are skipped.
    pub fn from_lines(text: &str) -> Result<Benefits> {
        let mut pairs = Vec::new();
        for (i, line) in text.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
            let split = line.find(['：', '=', ':']).map(|at| {
                let sep = line[at..].chars().next().map_or(1, char::len_utf8);
                (line[..at].trim(), line[at + sep..].trim())
            });
            match split {
                Some((k, v)) if !k.is_empty() => pairs.push((k.to_string(), v.to_string())),
                _ => return Err(Error::invalid("extJson", format!("第 {} 行应写成“名称：说明”", i + 1))),
            }
        }
        Ok(Benefits(pairs))
    }

    fn check(&self) -> Result<()> {
        if self.0.len() > Self::MAX_ITEMS {
            return Err(Error::invalid("extJson", format!("最多 {} 项", Self::MAX_ITEMS)));
        }
        for (i, (k, v)) in self.0.iter().enumerate() {
            if k.trim().is_empty() || k.chars().count() > 30 || v.chars().count() > 200 {
                return Err(Error::invalid(
                    "extJson",
                    format!("第 {} 项：名称应为 1–30 个字符，说明最多 200 个字符", i + 1),
                ));
            }
            if self.0[..i].iter().any(|(other, _)| other == k) {
                return Err(Error::invalid("extJson", format!("名称“{k}”重复了")));
            }
        }
        Ok(())
    }
}

/// A level as the merchant sends it.
#[derive(Debug, Clone)]
pub struct LevelInput {
    pub name: String,
    pub level: i64,
    pub pic: String,
    pub remark: String,
    pub rebate_percent: i64,
    pub upgrade_send_score: i64,
    pub benefits: Benefits,
    pub paixu: i64,
    pub status: i64,
}

fn check_len(name: &'static str, v: &str, max: usize) -> Result<()> {
    if v.chars().count() > max {
        return Err(Error::invalid(name, format!("不能超过 {max} 个字符")));
    }
    Ok(())
}

fn check_range(name: &'static str, v: i64, range: std::ops::RangeInclusive<i64>) -> Result<()> {
    if !range.contains(&v) {
        let (min, max) = (*range.start(), *range.end());
        return Err(Error::Invalid { field: Field(name), rule: Rule::Between { min, max } });
    }
    Ok(())
}

fn check_status(v: i64) -> Result<()> {
    if !(0..=1).contains(&v) {
        return Err(Error::invalid("status", "应为 0（显示）或 1（隐藏）"));
    }
    Ok(())
}

impl LevelInput {
    fn into_fields(self) -> Result<LevelFields> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(Error::missing("name"));
        }
        check_len("name", &name, 30)?;
        check_range("level", self.level, 1..=99)?;
        check_len("pic", &self.pic, 1000)?;
        check_len("remark", &self.remark, 500)?;
        check_range("rebate", self.rebate_percent, 1..=100)?;
        check_range("upgradeSendScore", self.upgrade_send_score, 0..=100_000_000)?;
        check_range("paixu", self.paixu, -1_000_000..=1_000_000)?;
        check_status(self.status)?;
        self.benefits.check()?;
        Ok(LevelFields {
            name,
            level: self.level,
            pic: self.pic.trim().to_string(),
            remark: self.remark.trim().to_string(),
            rebate_percent: self.rebate_percent,
            upgrade_send_score: self.upgrade_send_score,
            ext_json: self.benefits.to_json(),
            paixu: self.paixu,
            status: self.status,
        })
    }
}

/// "8.8" 折 typed or sent → percent paid (88); 10 折 is no discount.
#[allow(clippy::cast_possible_truncation)] // rounded and checked to be within 1..=100
pub fn rebate_percent(rebate: f64) -> Result<i64> {
    let tenths = rebate * 10.0;
    if !rebate.is_finite() || (tenths - tenths.round()).abs() > 1e-6 || !(0.1..=10.0).contains(&rebate) {
        return Err(Error::invalid("rebate", "应为 0.1 到 10 之间、最多一位小数的折扣（10 表示不打折）"));
    }
    Ok(tenths.round() as i64)
}

/// Creates (id None) or replaces a level; returns its id.
pub async fn save_level(db: &Db, id: Option<i64>, input: LevelInput) -> Result<i64> {
    let f = input.into_fields()?;
    db.write(move |c| {
        if let Some(other) = db::levels::level_by_number(c, f.level)? {
            if Some(other.id) != id {
                return Err(Error::invalid(
                    "level",
                    format!("数字 {} 已被「{}」使用，请换一个", f.level, other.fields.name),
                ));
            }
        }
        let now = db::unix_now();
        match id {
            Some(id) if db::levels::update_level(c, id, &f, now)? => Ok(id),
            Some(_) => Err(Error::NotFound(Entity::Level)),
            None => Ok(db::levels::insert_level(c, &f, now)?),
        }
    })
    .await
}

/// Deletes a level and its prices; refused while shoppers hold it. False when there was none.
pub async fn delete_level(db: &Db, id: i64) -> Result<bool> {
    db.write(move |c| {
        let now = db::unix_now();
        let holders = db::levels::holders_of(c, id, now)?;
        if holders > 0 {
            return Err(Error::refused(format!(
                "还有 {holders} 位会员持有这个等级，不能删除；可以先把它设为隐藏，等到期后再删除"
            )));
        }
        db::levels::remove_lapsed_of_level(c, id, now)?;
        Ok(db::levels::delete_level(c, id)?)
    })
    .await
}

fn check_price(f: &PriceFields) -> Result<()> {
    check_range("days", f.days, 1..=36_600)?;
    check_range("price", f.price_fen, 0..=money::MAX_FEN)?;
    check_range("originalPrice", f.original_price_fen, 0..=money::MAX_FEN)?;
    check_range("paixu", f.paixu, -1_000_000..=1_000_000)?;
    check_status(f.status)
}

/// Creates (price_id None) or replaces a price of a level; returns its id.
pub async fn save_price(db: &Db, level_id: i64, price_id: Option<i64>, f: PriceFields) -> Result<i64> {
    check_price(&f)?;
    db.write(move |c| {
        if db::levels::level_by_id(c, level_id)?.is_none() {
            return Err(Error::NotFound(Entity::Level));
        }
        let now = db::unix_now();
        match price_id {
            Some(id) if db::levels::update_price(c, level_id, id, &f, now)? => Ok(id),
            Some(_) => Err(Error::NotFound(Entity::LevelPrice)),
            None => Ok(db::levels::insert_price(c, level_id, &f, now)?),
        }
    })
    .await
}

/// Deletes a price (purchases keep their copy; auto-renewals on it stop). False when there was none.
pub async fn delete_price(db: &Db, level_id: i64, price_id: i64) -> Result<bool> {
    db.write(move |c| Ok(db::levels::delete_price(c, level_id, price_id)?)).await
}

/// The level a shopper holds at `now` (none once it has expired).
pub fn held(c: &Connection, user_id: i64, now: i64) -> Result<Option<(Level, Current)>> {
    let Some(cur) = db::levels::current_of(c, user_id)?.filter(|cur| cur.date_expire > now) else {
        return Ok(None);
    };
    Ok(db::levels::level_by_id(c, cur.level_id)?.map(|l| (l, cur)))
}

/// A shown level that is on sale, with the price: what a shopper may buy.
fn on_sale(c: &Connection, price_id: i64) -> Result<(Level, Price)> {
    let price = db::levels::price_by_id(c, price_id)?
        .filter(|p| p.fields.status == 0)
        .ok_or(Error::NotFound(Entity::LevelPrice))?;
    let level = db::levels::level_by_id(c, price.level_id)?
        .filter(|l| l.fields.status == 0)
        .ok_or(Error::NotFound(Entity::Level))?;
    Ok((level, price))
}

/// userLevelBuy: pays `price_id` from the balance and sets or extends the shopper's level, in
/// the caller's transaction. 40000 with the amount still due when the balance is short.
pub fn buy(
    c: &Connection,
    user_id: i64,
    price_id: i64,
    auto_renew: bool,
    remark: &str,
    now: i64,
) -> Result<Buy> {
    let (level, price) = on_sale(c, price_id)?;
    let held = held(c, user_id, now)?;
    let (kind, start) = match &held {
        Some((l, cur)) if l.id == level.id => (BuyKind::Extend, cur.date_expire),
        _ => (BuyKind::New, now),
    };
    let upgrade = held.as_ref().is_none_or(|(l, _)| l.fields.level < level.fields.level);
    let mut b = Buy {
        id: 0,
        user_id,
        level_id: Some(level.id),
        price_id: Some(price.id),
        level_name: level.fields.name.clone(),
        days: price.fields.days,
        amount_fen: price.fields.price_fen,
        kind,
        is_auto_renew: auto_renew,
        remark: remark.to_string(),
        status: 1,
        date_add: now,
        date_expire: start + price.fields.days * DAY,
    };
    b.id = db::levels::insert_buy(c, &b)?;
    let reason = format!("购买会员 {}", level.fields.name);
    pay(c, &b, &reason)?;
    if kind == BuyKind::New && upgrade && level.fields.upgrade_send_score > 0 {
        let reason = format!("升级会员 {} 赠送积分", level.fields.name);
        let id = b.id.to_string();
        ledger::post(
            c,
            user_id,
            Account::Score,
            level.fields.upgrade_send_score,
            &reason,
            Source::LevelBuy,
            &id,
        )?;
    }
    let cur = Current {
        user_id,
        level_id: level.id,
        price_id: Some(price.id),
        auto_renew,
        date_expire: b.date_expire,
    };
    db::levels::set_current(c, &cur, now)?;
    Ok(b)
}

/// Debits a purchase from the balance (nothing for a free price) and counts it as consumption.
fn pay(c: &Connection, b: &Buy, reason: &str) -> Result<()> {
    if b.amount_fen > 0 {
        ledger::post(
            c,
            b.user_id,
            Account::Balance,
            -b.amount_fen,
            reason,
            Source::LevelBuy,
            &b.id.to_string(),
        )?;
        ledger::add_consumed(c, b.user_id, b.amount_fen)?;
    }
    Ok(())
}

/// What the expiry job did with one holding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// Bought again from the balance.
    Renewed,
    /// Ran out and was removed.
    Lapsed,
    /// Not due (yet), or changed since it was listed.
    Left,
}

/// Renews or ends a shopper's level that expires by `now + RENEW_AHEAD`, in the caller's
/// transaction: an auto-renewing level is bought again with the same price while that price is
/// on sale and the balance covers it; otherwise the level ends once it has expired.
pub fn renew_or_lapse(c: &Connection, user_id: i64, now: i64) -> Result<Expiry> {
    let Some(cur) = db::levels::current_of(c, user_id)? else { return Ok(Expiry::Left) };
    if cur.date_expire > now + RENEW_AHEAD {
        return Ok(Expiry::Left);
    }
    if cur.auto_renew {
        if let Some(b) = renewal(c, &cur, now)? {
            let balance = ledger::accounts_of(c, user_id)?.balance;
            if balance >= b.amount_fen {
                let mut b = b;
                b.id = db::levels::insert_buy(c, &b)?;
                pay(c, &b, &format!("自动续费会员 {}", b.level_name))?;
                let next = Current { date_expire: b.date_expire, ..cur };
                db::levels::set_current(c, &next, now)?;
                return Ok(Expiry::Renewed);
            }
        }
    }
    if cur.date_expire <= now && db::levels::remove_current(c, user_id, cur.date_expire)? {
        return Ok(Expiry::Lapsed);
    }
    Ok(Expiry::Left)
}

/// The purchase an auto-renewal would make, if its price is still on sale for the same level.
fn renewal(c: &Connection, cur: &Current, now: i64) -> Result<Option<Buy>> {
    let Some(price_id) = cur.price_id else { return Ok(None) };
    let (level, price) = match on_sale(c, price_id) {
        Ok(found) => found,
        Err(Error::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    if level.id != cur.level_id {
        return Ok(None);
    }
    let days = price.fields.days;
    // Continues from the old expiry; after a long outage it starts now rather than charging for
    // time the shopper already went without.
    let mut expire = cur.date_expire + days * DAY;
    if expire <= now {
        expire = now + days * DAY;
    }
    Ok(Some(Buy {
        id: 0,
        user_id: cur.user_id,
        level_id: Some(level.id),
        price_id: Some(price.id),
        level_name: level.fields.name,
        days,
        amount_fen: price.fields.price_fen,
        kind: BuyKind::AutoRenew,
        is_auto_renew: true,
        remark: String::new(),
        status: 1,
        date_add: now,
        date_expire: expire,
    }))
}

/// goodsRebate: the discount the shopper's current level gives on an on-shelf goods, in 折 as the
/// client shows it (8.8 = pays 88% of the price; 10 = no discount). No shopper, no level or a
/// lapsed one answer 10. A level's rebate applies to every goods of the shop.
pub fn rebate_on(c: &Connection, user_id: Option<i64>, goods_id: i64, now: i64) -> Result<f64> {
    crate::service::catalog::shown_goods(c, goods_id)?;
    let percent = match user_id {
        Some(uid) => held(c, uid, now)?.map_or(100, |(level, _)| level.fields.rebate_percent),
        None => 100,
    };
    Ok(percent as f64 / 10.0)
}
