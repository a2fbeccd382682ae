//! Pay-bill (买单): after eating or shopping in the shop, the shopper types the amount the staff
//! named and pays it online; the merchant's best 满 X 减 Y rule is applied here, never trusted from
//! the client. Paid from the balance ([`pay_from_balance`]) or by WeChat: the template sends
//! nextAction `{type:4, uid, money}` with `money` the amount consumed and WeChat charging the
//! discounted amount (pages/maidan/index.js); the notify credits the balance and [`apply_paid`]
//! spends it exactly like the balance path.

use rusqlite::Connection;
use serde_json::Value;

use crate::db::pay_bill::{self as store, BillRow, DiscountRow, NewBill};
use crate::db::{self};
use crate::money::{self, MAX_FEN};
use crate::service::error::{Entity, Error, Result};
use crate::service::funds::{action_fen, action_id, shop_date};
use crate::service::ledger::{self, Account, Source};

/// Most discount rules a shop keeps (the page lists them all).
pub const MAX_RULES: usize = 50;

/// What a bill costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// Consumed, fen.
    pub money: i64,
    /// Taken off by the best rule, fen.
    pub discount: i64,
    /// To pay, fen.
    pub real_money: i64,
    pub rule: Option<DiscountRow>,
}

/// The best rule for `money` fen: the largest discount among the rules whose threshold it reaches.
pub fn best(rules: &[DiscountRow], money: i64) -> Quote {
    let rule = rules.iter().filter(|r| r.consume <= money).max_by_key(|r| r.discounts).cloned();
    let discount = rule.as_ref().map_or(0, |r| r.discounts.min(money));
    Quote { money, discount, real_money: money - discount, rule }
}

/// Prices a bill of `money` fen with the shop's rules.
pub fn quote(c: &Connection, money: i64) -> Result<Quote> {
    if money <= 0 || money > MAX_FEN {
        return Err(Error::invalid("money", "应为大于 0 的金额"));
    }
    Ok(best(&store::discounts(c)?, money))
}

/// A bill as asked for.
#[derive(Debug, Clone, Default)]
pub struct BillInput {
    /// Consumed, fen.
    pub money: i64,
    /// The shop (门店) it was consumed in; None = the shop itself.
    pub shop_id: Option<i64>,
    /// What the client showed the shopper it would cost; refused when the server's price differs.
    pub expected_real: Option<i64>,
}

/// Checks the bill and prices it: an unknown or closed shop → 404; a client price that differs
/// from the server's → 300 naming `param`.
fn price(c: &Connection, input: &BillInput, param: &'static str) -> Result<Quote> {
    if let Some(shop) = input.shop_id.filter(|s| *s != 0) {
        let open = db::shops::get(c, shop)?.is_some_and(|s| s.status == 0);
        if !open {
            return Err(Error::NotFound(Entity::Shop));
        }
    }
    let q = quote(c, input.money)?;
    if let Some(expected) = input.expected_real.filter(|e| *e != q.real_money) {
        return Err(Error::invalid(
            param,
            format!(
                "消费 {} 元优惠后应付 {} 元，与页面显示的 {} 元不符（优惠规则可能刚有变化），请重新确认",
                money::format(q.money),
                money::format(q.real_money),
                money::format(expected)
            ),
        ));
    }
    Ok(q)
}

/// Records the bill and takes what it costs from the balance (40000 with the amount short).
fn record(
    c: &Connection,
    user_id: i64,
    input: &BillInput,
    q: &Quote,
    paid_by: &'static str,
    now: i64,
) -> Result<BillRow> {
    let shop_id = input.shop_id.filter(|s| *s != 0);
    let bill =
        NewBill { user_id, shop_id, money: q.money, discount: q.discount, real_money: q.real_money, paid_by };
    let id = store::insert(c, &bill, &shop_date(now), now)?;
    let row = store::get(c, id)?.ok_or(Error::NotFound(Entity::PayBill))?;
    let why = match q.discount {
        0 => format!("买单 {}", row.number),
        d => {
            format!("买单 {}（消费 {} 元，优惠 {} 元）", row.number, money::format(q.money), money::format(d))
        }
    };
    ledger::post(c, user_id, Account::Balance, -q.real_money, &why, Source::PayBill, &id.to_string())?;
    ledger::add_consumed(c, user_id, q.real_money)?;
    Ok(row)
}

/// Pays a bill from the balance, in the caller's transaction.
pub fn pay_from_balance(c: &Connection, user_id: i64, input: &BillInput, now: i64) -> Result<BillRow> {
    let q = price(c, input, "realMoney")?;
    record(c, user_id, input, &q, "balance", now)
}

/// The bill a nextAction type 4 asks for: `{type:4, uid, money, shopId?}`; `uid`, when sent, must
/// be the paying shopper (the template sends its own uid).
fn from_action(user_id: i64, action: &Value) -> Result<BillInput> {
    if action_id(action, "uid")?.is_some_and(|uid| uid != user_id) {
        return Err(Error::invalid("nextAction", "uid 不是当前登录的用户"));
    }
    Ok(BillInput {
        money: action_fen(action, "money")?,
        shop_id: action_id(action, "shopId")?,
        expected_real: None,
    })
}

/// At `wxpay` time: refuses a type-4 nextAction that could not be applied — a bad amount, another
/// shopper's uid, an unknown shop, or a WeChat amount (`money_fen`) that is not what the bill
/// costs after the discount.
pub fn check_wechat(c: &Connection, user_id: i64, action: &Value, money_fen: i64) -> Result<()> {
    let input = BillInput { expected_real: Some(money_fen), ..from_action(user_id, action)? };
    price(c, &input, "money").map(|_| ())
}

/// Inside the payment notify's transaction, after the paid amount was credited to the balance:
/// records the bill and pays it from the balance (source `pay_bill`, paid_by `wxpay`).
pub fn apply_paid(c: &Connection, user_id: i64, action: &Value, now: i64) -> Result<()> {
    let input = from_action(user_id, action)?;
    let q = price(c, &input, "money")?;
    record(c, user_id, &input, &q, "wxpay", now).map(|_| ())
}

/// Adds a rule or changes the discount of the rule with the same threshold (console, merchant).
pub fn put_rule(c: &Connection, consume: i64, discounts: i64, now: i64) -> Result<()> {
    if consume <= 0 || consume > MAX_FEN {
        return Err(Error::invalid("consume", "应为大于 0 的金额"));
    }
    if discounts <= 0 || discounts >= consume {
        return Err(Error::invalid("discounts", "应大于 0 且小于消费门槛"));
    }
    let rules = store::discounts(c)?;
    if rules.len() >= MAX_RULES && !rules.iter().any(|r| r.consume == consume) {
        return Err(Error::refused(format!("最多设置 {MAX_RULES} 条买单优惠")));
    }
    Ok(store::put_discount(c, consume, discounts, now)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(consume: i64, discounts: i64) -> DiscountRow {
        DiscountRow { id: consume, consume, discounts }
    }

    #[test]
    fn the_largest_reachable_discount_wins() {
        let rules = [rule(10_000, 1_000), rule(20_000, 3_000), rule(15_000, 500)];
        assert_eq!(best(&rules, 9_999).real_money, 9_999);
        assert_eq!(best(&rules, 10_000).real_money, 9_000);
        assert_eq!(best(&rules, 16_000).discount, 1_000);
        assert_eq!(best(&rules, 25_000).real_money, 22_000);
        assert_eq!(best(&[], 100).discount, 0);
    }
}
