//! Cards (次卡 / 储值卡): the merchant defines them; a shopper buys one from the balance (or with
//! WeChat Pay, whose money lands in the balance first), redeems a card password for one, or takes
//! over one a friend shared. The counter uses a card up. Every change of what a held card holds
//! writes a `card_logs` row in the same transaction; money moves through the ledger.

use rusqlite::Connection;

use crate::db::cards::{self as store, Card, CardFields, Held, LogKind, NewLog};
use crate::secret;
use crate::service::error::{Entity, Error, Field, Result, Rule};
use crate::service::ledger::{self, Account, Source};

const DAY: i64 = 86_400;
/// Most a value card may hold or cost, fen (100,000 yuan, as the largest payment; not imported from
/// `service::payment`, which imports this file to sell cards).
pub const MAX_FEN: i64 = 10_000_000;
/// Longest validity the merchant may give a card.
pub const MAX_DAYS: i64 = 3650;
/// Most uses a count card may hold.
pub const MAX_USES: i64 = 100_000;
/// Most passwords made at once.
pub const MAX_PASSWORDS: i64 = 500;
pub const MAX_NAME: usize = 50;
pub const MAX_CONTENT: usize = 2000;
pub const MAX_REMARK: usize = 100;
/// Characters of a card password: no 0/O, 1/I/L, so a password read aloud or typed is unambiguous.
const PASSWORD_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const PASSWORD_LEN: usize = 16;

/// Whether a held card's validity has ended at `now`.
pub fn expired(h: &Held, now: i64) -> bool {
    h.date_end > 0 && h.date_end <= now
}

fn between(field: &'static str, v: i64, min: i64, max: i64) -> Result<()> {
    if (min..=max).contains(&v) {
        Ok(())
    } else {
        Err(Error::Invalid { field: Field(field), rule: Rule::Between { min, max } })
    }
}

fn max_chars(field: &'static str, v: &str, max: usize) -> Result<()> {
    if v.chars().count() > max {
        return Err(Error::Invalid { field: Field(field), rule: Rule::MaxChars(max) });
    }
    Ok(())
}

/// Checks a card's fields as the merchant typed them and tidies `refs` into a plain comma list of
/// existing goods ids.
pub fn checked(c: &Connection, mut f: CardFields) -> Result<CardFields> {
    f.name = f.name.trim().to_string();
    if f.name.is_empty() {
        return Err(Error::missing("name"));
    }
    max_chars("name", &f.name, MAX_NAME)?;
    between("kind", f.kind, 0, 1)?;
    let most = if f.kind == 0 { MAX_USES } else { MAX_FEN };
    between("amount", f.amount, 1, most)?;
    between("price", f.price, 0, MAX_FEN)?;
    between("days", f.days, 0, MAX_DAYS)?;
    between("status", f.status, 0, 1)?;
    between("paixu", f.paixu, -1_000_000, 1_000_000)?;
    max_chars("pic", &f.pic, 500)?;
    max_chars("content", &f.content, MAX_CONTENT)?;
    let mut ids = Vec::new();
    for part in f.refs.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let id: i64 = part.parse().map_err(|_| Error::invalid("refs", "应为逗号分隔的商品 id"))?;
        if !store::goods_exists(c, id)? {
            return Err(Error::invalid("refs", format!("商品 {id} 不存在")));
        }
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    f.refs = ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
    Ok(f)
}

/// Adds a card (`id` None) or saves one; its id.
pub fn save(c: &Connection, id: Option<i64>, f: CardFields, now: i64) -> Result<i64> {
    let f = checked(c, f)?;
    match id {
        None => Ok(store::insert_card(c, &f, now)?),
        Some(id) if store::update_card(c, id, &f, now)? => Ok(id),
        Some(_) => Err(Error::NotFound(Entity::Card)),
    }
}

fn card(c: &Connection, id: i64) -> Result<Card> {
    store::card_by_id(c, id)?.ok_or(Error::NotFound(Entity::Card))
}

/// A card the shop sells now: on sale and priced.
pub fn on_sale(c: &Connection, id: i64) -> Result<Card> {
    let card = card(c, id)?;
    if card.f.status != 0 {
        return Err(Error::refused("该卡已停售"));
    }
    if card.f.price <= 0 {
        return Err(Error::refused("该卡不单独出售，请使用卡密兑换"));
    }
    Ok(card)
}

/// Gives the shopper a new card holding what the card type holds, and logs it.
fn hand_out(
    c: &Connection,
    user_id: i64,
    card: &Card,
    kind: LogKind,
    remark: &str,
    now: i64,
) -> Result<Held> {
    let date_end = if card.f.days > 0 { now + card.f.days * DAY } else { 0 };
    let id = store::insert_held(c, card.id, user_id, card.f.amount, date_end, now)?;
    let log =
        NewLog { card_user_id: id, user_id, kind, amount: card.f.amount, balance: card.f.amount, remark };
    store::insert_log(c, &log, now)?;
    store::held_by_id(c, id)?.ok_or_else(|| Error::internal("card just handed out is gone"))
}

/// Buys a card from the balance, in the caller's transaction: the ledger row, the consumption
/// statistic, the held card and its first log, or nothing (40000 with what is due when short).
pub fn buy(c: &Connection, user_id: i64, card_id: i64, now: i64) -> Result<Held> {
    let card = on_sale(c, card_id)?;
    let held = hand_out(c, user_id, &card, LogKind::Bought, "购买", now)?;
    let reason = format!("购买会员卡 {}", card.f.name);
    ledger::post(c, user_id, Account::Balance, -card.f.price, &reason, Source::Card, &held.id.to_string())?;
    ledger::add_consumed(c, user_id, card.f.price)?;
    Ok(held)
}

/// The canonical form of a typed card password: no spaces or dashes, upper case.
fn normalise(typed: &str) -> String {
    typed.chars().filter(|ch| !ch.is_whitespace() && *ch != '-').flat_map(char::to_uppercase).collect()
}

/// Redeems a card password for a new card; a wrong or used password matches nothing (700).
pub fn redeem(c: &Connection, user_id: i64, typed: &str, now: i64) -> Result<Held> {
    let pwd = normalise(typed);
    if pwd.is_empty() {
        return Err(Error::missing("number"));
    }
    let (pwd_id, card_id) =
        store::unused_password(c, &secret::hash_token(&pwd))?.ok_or(Error::NoMatch(Entity::CardPassword))?;
    let card = card(c, card_id)?;
    let held = hand_out(c, user_id, &card, LogKind::Redeemed, "卡密兑换", now)?;
    if !store::use_password(c, pwd_id, held.id, now)? {
        return Err(Error::NoMatch(Entity::CardPassword));
    }
    Ok(held)
}

/// Makes `count` new passwords for a card; answers them (the only time they are shown).
pub fn make_passwords(c: &Connection, card_id: i64, count: i64, now: i64) -> Result<Vec<String>> {
    card(c, card_id)?;
    between("count", count, 1, MAX_PASSWORDS)?;
    let mut made = Vec::new();
    while made.len() < usize::try_from(count).unwrap_or(0) {
        let pwd = secret::random_string(PASSWORD_LEN, PASSWORD_ALPHABET);
        let hint: String = pwd.chars().skip(PASSWORD_LEN - 4).collect();
        // 31^16 passwords: a clash is all but impossible, but a unique index would refuse it.
        if store::unused_password(c, &secret::hash_token(&pwd))?.is_none() {
            store::insert_password(c, card_id, &secret::hash_token(&pwd), &hint, now)?;
            made.push(pwd);
        }
    }
    Ok(made)
}

/// The shopper's own held card `id`; 404 for anyone else's.
pub fn own(c: &Connection, user_id: i64, id: i64) -> Result<Held> {
    store::held_by_id(c, id)?.filter(|h| h.user_id == user_id).ok_or(Error::NotFound(Entity::HeldCard))
}

/// A held card that can still be given, used or shared: not shared away, not expired.
fn usable(h: &Held, now: i64) -> Result<()> {
    if h.status != 0 {
        return Err(Error::refused("该卡已转赠"));
    }
    if expired(h, now) {
        return Err(Error::refused("该卡已过期"));
    }
    Ok(())
}

/// Opens a share of the shopper's card: a new token (an older one stops working) to put in the
/// link the friend opens.
pub fn open_share(c: &Connection, user_id: i64, id: i64, remark: &str, now: i64) -> Result<String> {
    let held = own(c, user_id, id)?;
    usable(&held, now)?;
    if held.amount <= 0 {
        return Err(Error::refused("该卡已用完，不能转赠"));
    }
    max_chars("remark", remark, MAX_REMARK)?;
    let token = secret::new_token();
    if !store::open_share(c, id, &secret::hash_token(&token), remark.trim())? {
        return Err(Error::refused("该卡已转赠"));
    }
    Ok(token)
}

/// Closes the shopper's open share; the link stops working.
pub fn close_share(c: &Connection, user_id: i64, id: i64) -> Result<()> {
    own(c, user_id, id)?;
    if !store::close_share(c, id)? {
        return Err(Error::refused("该卡没有进行中的转赠"));
    }
    Ok(())
}

/// What a shared card link offers: the card as held, its type, and who shares it.
pub struct Offer {
    pub held: Held,
    pub card: Card,
    pub sharer: i64,
}

/// The card a share link offers, checked as the fetching shopper would take it.
pub fn offer(c: &Connection, user_id: i64, id: i64, token: &str, now: i64) -> Result<Offer> {
    let refused = || Error::refused("该转赠已失效");
    let held = store::held_by_share(c, &secret::hash_token(token.trim()))?.ok_or_else(refused)?;
    if held.id != id {
        return Err(refused());
    }
    usable(&held, now)?;
    if held.user_id == user_id {
        return Err(Error::refused("不能领取自己转赠的卡"));
    }
    let card = card(c, held.card_id)?;
    Ok(Offer { sharer: held.user_id, held, card })
}

/// Takes over a shared card: the sharer's card is emptied and marked shared away, the fetcher
/// gets a new card holding the same amount until the same end; both sides are logged.
pub fn fetch(c: &Connection, user_id: i64, id: i64, token: &str, now: i64) -> Result<Held> {
    let Offer { held, .. } = offer(c, user_id, id, token, now)?;
    if !store::give_away(c, held.id, &secret::hash_token(token.trim()))? {
        return Err(Error::refused("该转赠已失效"));
    }
    let away = NewLog {
        card_user_id: held.id,
        user_id: held.user_id,
        kind: LogKind::SharedAway,
        amount: -held.amount,
        balance: 0,
        remark: "转赠给好友",
    };
    store::insert_log(c, &away, now)?;
    let new_id = store::insert_held(c, held.card_id, user_id, held.amount, held.date_end, now)?;
    let got = NewLog {
        card_user_id: new_id,
        user_id,
        kind: LogKind::Received,
        amount: held.amount,
        balance: held.amount,
        remark: "好友转赠",
    };
    store::insert_log(c, &got, now)?;
    store::held_by_id(c, new_id)?.ok_or_else(|| Error::internal("card just received is gone"))
}

/// Uses `amount` of a held card at the counter (a count card's uses, a value card's fen), logged
/// with `remark`; the amount left.
pub fn use_up(c: &Connection, id: i64, amount: i64, remark: &str, now: i64) -> Result<i64> {
    let held = store::held_by_id(c, id)?.ok_or(Error::NotFound(Entity::HeldCard))?;
    usable(&held, now)?;
    between("amount", amount, 1, MAX_FEN)?;
    max_chars("remark", remark, MAX_REMARK)?;
    let left = store::change_amount(c, id, -amount)?
        .ok_or_else(|| Error::refused(format!("该卡余量不足，只剩 {}", held.amount)))?;
    let remark = if remark.trim().is_empty() { "门店使用" } else { remark.trim() };
    let log = NewLog {
        card_user_id: id,
        user_id: held.user_id,
        kind: LogKind::Used,
        amount: -amount,
        balance: left,
        remark,
    };
    store::insert_log(c, &log, now)?;
    Ok(left)
}

/// The shopper's cards with their card types, newest first.
pub fn mine(c: &Connection, user_id: i64) -> Result<Vec<(Held, Card)>> {
    let mut out = Vec::new();
    for h in store::held_by_user(c, user_id)? {
        let card = card(c, h.card_id)?;
        out.push((h, card));
    }
    Ok(out)
}

/// Empties every usable card of the shopper, each on its log with `remark` (account deletion).
pub fn empty_all(c: &Connection, user_id: i64, remark: &str, now: i64) -> Result<()> {
    for h in store::held_by_user(c, user_id)? {
        if h.status != 0 || h.amount == 0 {
            continue;
        }
        if let Some(left) = store::change_amount(c, h.id, -h.amount)? {
            let log = NewLog {
                card_user_id: h.id,
                user_id,
                kind: LogKind::Adjusted,
                amount: -h.amount,
                balance: left,
                remark,
            };
            store::insert_log(c, &log, now)?;
        }
    }
    Ok(())
}
