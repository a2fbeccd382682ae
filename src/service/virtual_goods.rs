//! Virtual goods: buying them from the balance (through the ledger), with the card stock, the
//! purchase and the payment in the caller's one transaction; and the merchant's edits.

use rusqlite::Connection;

use crate::db::ledger::Account;
use crate::db::virtual_goods::{self as store, Buy, GoodsFields, KIND_CARDS, KIND_CONTENT};
use crate::money;
use crate::service::error::{Entity, Error, Result};
use crate::service::ledger::{self, Source};

const NOT_FOUND: Error = Error::NotFound(Entity::Goods);

/// Most cards added at once.
pub const MAX_CARDS_AT_ONCE: usize = 5000;

/// virtualTraderBuy: takes the price from the balance (40000 with the amount still due when it is
/// short) and, for card goods, sells one card (20002 when none is left); a content goods is bought
/// once per shopper (403 after). Answers the purchase with the card it delivered.
pub fn buy(c: &Connection, user_id: i64, goods_id: i64, now: i64) -> Result<Buy> {
    let g = store::by_id(c, goods_id)?.ok_or(NOT_FOUND)?;
    if g.f.status != 0 {
        return Err(Error::OffShelf);
    }
    if g.f.kind == KIND_CONTENT && store::buys_of(c, user_id, Some(goods_id), 0, 1)?.1 > 0 {
        return Err(Error::refused("你已购买过该商品，可在购买记录中查看"));
    }
    let buy_id = store::insert_buy(c, goods_id, user_id, g.f.price, now)?;
    if g.f.kind == KIND_CARDS {
        let card = store::sell_card(c, goods_id, buy_id)?.ok_or(Error::SoldOut(Entity::Goods))?;
        store::set_buy_card(c, buy_id, &card)?;
    }
    if g.f.price > 0 {
        let reason = format!("购买「{}」", g.f.name);
        ledger::post(
            c,
            user_id,
            Account::Balance,
            -g.f.price,
            &reason,
            Source::VirtualGoods,
            &buy_id.to_string(),
        )?;
        ledger::add_consumed(c, user_id, g.f.price)?;
    }
    store::count_sold(c, goods_id)?;
    store::buy(c, user_id, buy_id)?.ok_or_else(|| Error::Internal("purchase vanished".into()))
}

/// Checks goods as the merchant entered them; a refusal names the field.
pub fn check(f: &GoodsFields) -> Result<()> {
    if f.name.trim().is_empty() {
        return Err(Error::missing("name"));
    }
    if f.name.chars().count() > 100 {
        return Err(Error::invalid("name", "最多 100 个字"));
    }
    if f.pic.chars().count() > 500 {
        return Err(Error::invalid("pic", "图片地址最多 500 个字符"));
    }
    if f.description.chars().count() > 20_000 || f.content.chars().count() > 100_000 {
        return Err(Error::invalid("content", "内容太长"));
    }
    if !(0..=1).contains(&f.kind) {
        return Err(Error::invalid("kind", "应为 0（付费内容）或 1（卡密）"));
    }
    if !(0..=money::MAX_FEN).contains(&f.price) {
        return Err(Error::invalid("price", "价格超出范围"));
    }
    if !(0..=1).contains(&f.status) {
        return Err(Error::invalid("status", "应为 0（上架）或 1（下架）"));
    }
    Ok(())
}

/// Creates (`id` None) or replaces goods; its id.
pub fn save(c: &Connection, id: Option<i64>, mut f: GoodsFields, now: i64) -> Result<i64> {
    f.name = f.name.trim().to_string();
    f.pic = f.pic.trim().to_string();
    check(&f)?;
    match id {
        None => Ok(store::insert(c, &f, now)?),
        Some(id) if store::update(c, id, &f, now)? => Ok(id),
        Some(_) => Err(NOT_FOUND),
    }
}

/// Deletes goods nobody bought; goods with purchases must be taken off sale instead.
pub fn delete(c: &Connection, id: i64) -> Result<()> {
    store::by_id(c, id)?.ok_or(NOT_FOUND)?;
    let sold = store::buy_count(c, id)?;
    if sold > 0 {
        return Err(Error::refused(format!("已售出 {sold} 份，不能删除，请改为下架")));
    }
    store::delete(c, id)?;
    Ok(())
}

/// Adds cards, one per non-empty line (each at most 500 characters); how many.
pub fn add_cards(c: &Connection, goods_id: i64, text: &str, now: i64) -> Result<usize> {
    let g = store::by_id(c, goods_id)?.ok_or(NOT_FOUND)?;
    if g.f.kind != KIND_CARDS {
        return Err(Error::invalid("cards", "只有卡密类商品需要库存"));
    }
    let cards: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if cards.is_empty() {
        return Err(Error::missing("cards"));
    }
    if cards.len() > MAX_CARDS_AT_ONCE || cards.iter().any(|l| l.chars().count() > 500) {
        return Err(Error::invalid("cards", format!("一次最多 {MAX_CARDS_AT_ONCE} 行，每行最多 500 个字符")));
    }
    for card in &cards {
        store::add_card(c, goods_id, card, now)?;
    }
    Ok(cards.len())
}
