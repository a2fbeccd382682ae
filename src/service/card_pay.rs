//! Cards paying at checkout (orderCreate `cardId`, the shopper's held card): a value card (储值卡)
//! pays what it holds of the goods it names, a count card (次卡) one use per piece of those goods.
//! Only the goods in the card's `refs` are paid; a card without `refs` is used at the counter only.
//! [`quote`] works it out and writes nothing (the preview); [`take`] takes it off the card in the
//! order's transaction with a `card_logs` row; [`give_back`] returns it, once, when the unpaid
//! order closes or the paid order is refunded in full. Every refusal is a 300 naming `cardId`.

use rusqlite::Connection;

use crate::db::cards::{self as store, LogKind, NewLog, OrderCard};
use crate::service::error::{Error, Result};

/// What a held card pays of an order.
#[derive(Debug, Clone)]
pub struct CardUse {
    pub held_id: i64,
    /// 0 count card, 1 value card.
    pub kind: i64,
    /// Taken off the card: uses, or fen.
    pub used: i64,
    /// Fen taken off the order.
    pub amount: i64,
}

/// A line of the order as a card sees it.
pub struct CardLine {
    pub goods_id: i64,
    pub number: i64,
    /// Fen the line costs.
    pub amount: i64,
}

fn refused(why: impl Into<String>) -> Error {
    Error::invalid("cardId", why.into())
}

/// What held card `held_id` of the shopper pays of these lines, at most `due` fen. Refused (300
/// naming `cardId`) when it is someone else's, shared away, expired, used up, or names none of
/// the goods.
pub fn quote(
    c: &Connection,
    user_id: i64,
    held_id: i64,
    lines: &[CardLine],
    due: i64,
    now: i64,
) -> Result<CardUse> {
    let held = store::held_by_id(c, held_id)?
        .filter(|h| h.user_id == user_id)
        .ok_or_else(|| refused("会员卡不存在或不属于您"))?;
    if held.status != 0 {
        return Err(refused("该卡已转赠，不能使用"));
    }
    if crate::service::cards::expired(&held, now) {
        return Err(refused("该卡已过期"));
    }
    if held.amount <= 0 {
        return Err(refused("该卡已用完"));
    }
    let card = store::card_by_id(c, held.card_id)?.ok_or_else(|| refused("会员卡不存在"))?;
    let refs: Vec<i64> = card.f.refs.split(',').filter_map(|p| p.trim().parse().ok()).collect();
    let covered: Vec<&CardLine> = lines.iter().filter(|l| refs.contains(&l.goods_id)).collect();
    if covered.is_empty() {
        return Err(refused(format!("“{}”不适用于本单商品", card.f.name)));
    }
    let (used, amount) =
        if card.f.kind == 0 { by_uses(&covered, held.amount) } else { by_value(&covered, held.amount) };
    let amount = amount.min(due);
    if amount <= 0 {
        return Err(refused("本单无需用卡支付"));
    }
    // A value card gives exactly what it takes off the order.
    let used = if card.f.kind == 0 { used } else { amount };
    Ok(CardUse { held_id, kind: card.f.kind, used, amount })
}

/// A count card: one use per piece, the dearest pieces first; (uses, fen).
fn by_uses(covered: &[&CardLine], uses: i64) -> (i64, i64) {
    let mut lines: Vec<&&CardLine> = covered.iter().collect();
    lines.sort_by_key(|l| std::cmp::Reverse(l.amount / l.number.max(1)));
    let (mut used, mut fen) = (0i64, 0i64);
    for l in lines {
        let take = l.number.min(uses - used);
        if take <= 0 {
            break;
        }
        fen = fen.saturating_add(if take == l.number { l.amount } else { l.amount / l.number * take });
        used += take;
    }
    (used, fen)
}

/// A value card: what it holds, up to the covered goods' amount; (fen, fen).
fn by_value(covered: &[&CardLine], held: i64) -> (i64, i64) {
    let goods = covered.iter().fold(0i64, |s, l| s.saturating_add(l.amount));
    let fen = held.min(goods);
    (fen, fen)
}

/// Takes a quoted use off the card for order `order_id` (in the order's transaction), logged; a
/// card that changed meanwhile is refused and the caller rolls back.
pub fn take(c: &Connection, user_id: i64, order_id: i64, number: &str, u: &CardUse, now: i64) -> Result<()> {
    let left = store::change_amount(c, u.held_id, -u.used)?.ok_or_else(|| refused("该卡余量不足"))?;
    let remark = format!("订单 {number} 抵扣");
    let log = NewLog {
        card_user_id: u.held_id,
        user_id,
        kind: LogKind::Used,
        amount: -u.used,
        balance: left,
        remark: &remark,
    };
    store::insert_log(c, &log, now)?;
    let row = OrderCard {
        order_id,
        card_user_id: u.held_id,
        user_id,
        used: u.used,
        amount: u.amount,
        returned: false,
    };
    store::insert_order_card(c, &row, now)?;
    Ok(())
}

/// Gives back what order `order_id` (number `number`) took off a card, once, logged with `why`
/// (关闭, 全额退款); nothing when it used no card. The card gets it back whatever its state since
/// (an expired card stays expired).
pub fn give_back(c: &Connection, order_id: i64, number: &str, why: &str, now: i64) -> Result<()> {
    let Some(oc) = store::order_card(c, order_id)? else { return Ok(()) };
    if !store::mark_order_card_returned(c, order_id)? {
        return Ok(());
    }
    let left = store::restore_amount(c, oc.card_user_id, oc.used)?;
    let why = format!("订单 {number} {why}，退回");
    let log = NewLog {
        card_user_id: oc.card_user_id,
        user_id: oc.user_id,
        kind: LogKind::Returned,
        amount: oc.used,
        balance: left,
        remark: &why,
    };
    store::insert_log(c, &log, now)?;
    Ok(())
}

/// `xiaodian check`: every held card holds what its logs add up to.
pub fn check(c: &Connection) -> Result<Vec<String>> {
    Ok(store::log_mismatches(c)?
        .into_iter()
        .map(|(id, amount, sum, last)| {
            let last = last.map_or_else(|| "无".to_string(), |b| b.to_string());
            format!("held card {id}: holds {amount}, its logs add up to {sum}, newest log balance {last}")
        })
        .collect())
}
