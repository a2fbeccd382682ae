//! Deposits (押金): money a shopper leaves with the shop. Paying moves it balance → freeze (so
//! `userAmount.freeze` shows it); the shopper asks for it back; the merchant returns it (freeze →
//! balance) or refuses with a reason (it stays held).
//!
//! Paid by WeChat (nextAction `{type:5, amount, id?}`, pages/asset/index.js): the notify first
//! credits the balance with what WeChat collected, then [`apply_paid`] pays, from the balance in the
//! same transaction, the deposit the merchant asked for (named by `id`, or the oldest asked one of
//! that amount) exactly like [`pay_asked`], or else a new deposit exactly like [`pay`].

use rusqlite::Connection;
use serde_json::Value;

use crate::db::deposit::{self as store, status, DepositRow, NewDeposit};
use crate::money::{self, MAX_FEN};
use crate::service::error::{Entity, Error, Result};
use crate::service::funds::{action_fen, action_id, action_text, reason, shop_date};
use crate::service::ledger::{self, Account, Source};

const NOT_FOUND: Error = Error::NotFound(Entity::Deposit);

/// Pays a deposit from the balance, in the caller's transaction. 40000 with the amount short
/// when the balance cannot cover it (nothing is recorded then).
pub fn pay(c: &Connection, user_id: i64, d: &NewDeposit, now: i64) -> Result<DepositRow> {
    if d.amount <= 0 || d.amount > MAX_FEN {
        return Err(Error::invalid("amount", "应为大于 0 的金额"));
    }
    let id = store::insert(c, user_id, d, status::HELD, &shop_date(now), now)?;
    let row = store::get(c, id)?.ok_or(NOT_FOUND)?;
    hold(c, &row)?;
    Ok(row)
}

/// Moves a deposit's amount balance → freeze, on the ledger.
fn hold(c: &Connection, d: &DepositRow) -> Result<()> {
    let why = format!("支付押金 {}", d.number);
    ledger::post(c, d.user_id, Account::Balance, -d.amount, &why, Source::Deposit, &d.id.to_string())?;
    ledger::post(c, d.user_id, Account::Freeze, d.amount, &why, Source::Deposit, &d.id.to_string())?;
    Ok(())
}

/// The merchant asks shopper `user_id` for a deposit (status -1 待支付), which the shopper then
/// pays with [`pay_asked`]. 404 for an unknown shopper.
pub fn ask(c: &Connection, user_id: i64, d: &NewDeposit, now: i64) -> Result<DepositRow> {
    if d.amount <= 0 || d.amount > MAX_FEN {
        return Err(Error::invalid("amount", "应为大于 0 的金额"));
    }
    if !crate::db::user::exists(c, user_id)? {
        return Err(Error::NotFound(Entity::User));
    }
    let id = store::insert(c, user_id, d, status::UNPAID, &shop_date(now), now)?;
    store::get(c, id)?.ok_or(NOT_FOUND)
}

/// The shopper pays a deposit the merchant asked for, from the balance (payStatusDepositV2):
/// 40000 with the amount short when the balance cannot cover it; 403 when it is not unpaid.
pub fn pay_asked(c: &Connection, user_id: i64, id: i64, now: i64) -> Result<DepositRow> {
    let d = owned(c, user_id, id)?;
    if !store::mark_paid(c, user_id, id, now)? {
        return Err(Error::refused(format!("押金{}，无需支付", status::label(d.status))));
    }
    hold(c, &d)?;
    owned(c, user_id, id)
}

/// The shopper's own deposit; 404 for anyone else's.
pub fn owned(c: &Connection, user_id: i64, id: i64) -> Result<DepositRow> {
    store::get(c, id)?.filter(|d| d.user_id == user_id).ok_or(NOT_FOUND)
}

/// The shopper asks for a held deposit back; 403 when it is not held (asked already, returned).
pub fn ask_return(c: &Connection, user_id: i64, id: i64, now: i64) -> Result<DepositRow> {
    let d = owned(c, user_id, id)?;
    if !store::ask_return(c, user_id, id, now)? {
        return Err(Error::refused(format!("押金{}，不能申请退回", status::label(d.status))));
    }
    owned(c, user_id, id)
}

/// The merchant returns a deposit whose return was asked for (freeze → balance), or refuses with a
/// required reason (it stays held; the shopper may ask again). 404 unknown; 403 when no return was asked.
pub fn decide(
    c: &Connection,
    id: i64,
    give_back: bool,
    refuse_reason: &str,
    by: &str,
    now: i64,
) -> Result<DepositRow> {
    let d = store::get(c, id)?.ok_or(NOT_FOUND)?;
    let (to, why) =
        if give_back { (status::RETURNED, String::new()) } else { (status::HELD, reason(refuse_reason)?) };
    if !store::decide(c, id, to, &why, by, now)? {
        return Err(Error::refused(format!(
            "押金 {} 当前{}，没有待处理的退回申请",
            d.number,
            status::label(d.status)
        )));
    }
    if give_back {
        let r = format!("押金 {} 退回余额", d.number);
        ledger::post(c, d.user_id, Account::Freeze, -d.amount, &r, Source::Deposit, &id.to_string())?;
        ledger::post(c, d.user_id, Account::Balance, d.amount, &r, Source::Deposit, &id.to_string())?;
    }
    store::get(c, id)?.ok_or(NOT_FOUND)
}

/// The deposit a nextAction type 5 asks for: `{type:5, amount, id?, remark?, refCode?}`.
fn from_action(action: &Value) -> Result<NewDeposit> {
    Ok(NewDeposit {
        amount: action_fen(action, "amount")?,
        ref_code: action_text(action, "refCode", 50)?,
        remark: action_text(action, "remark", 200)?,
        ext_json: String::new(),
    })
}

/// The deposit the merchant asked for that a type-5 payment pays: the one its `id` (or
/// `depositId`) names — the shopper's own and still unpaid, else 404 / 403 — or, as the templates
/// send only `{type:5, amount}` after payStatusDepositV2 answered 40000, the shopper's oldest
/// asked deposit of exactly that amount. None: the payment makes a new deposit.
fn asked_for(c: &Connection, user_id: i64, action: &Value, amount: i64) -> Result<Option<DepositRow>> {
    let named = match action_id(action, "id")? {
        Some(id) => Some(id),
        None => action_id(action, "depositId")?,
    };
    let Some(id) = named.or(store::oldest_asked(c, user_id, amount)?) else { return Ok(None) };
    let d = owned(c, user_id, id)?;
    if d.status != status::UNPAID {
        return Err(Error::refused(format!("押金{}，无需支付", status::label(d.status))));
    }
    Ok(Some(d))
}

/// At `wxpay` time: refuses a type-5 nextAction that could not be applied (no or a bad amount,
/// another shopper's or an already paid asked deposit, or a WeChat amount of `money_fen` that is
/// not positive or is more than the deposit — the balance pays the rest when it is less).
pub fn check_wechat(c: &Connection, user_id: i64, action: &Value, money_fen: i64) -> Result<()> {
    let mut d = from_action(action)?;
    if let Some(asked) = asked_for(c, user_id, action, d.amount)? {
        d.amount = asked.amount;
    }
    if money_fen <= 0 || money_fen > d.amount {
        return Err(Error::invalid(
            "money",
            format!("押金为 {} 元，在线支付金额应大于 0 且不超过它", money::format(d.amount)),
        ));
    }
    Ok(())
}

/// Inside the payment notify's transaction, after the paid amount was credited to the balance:
/// pays the asked deposit (as [`pay_asked`]) or records a new one and pays it (as [`pay`]), from
/// the balance. 40000 when the balance (credit included) no longer covers it, 403 when the asked
/// deposit was paid meanwhile; the caller then keeps the credit on the balance.
pub fn apply_paid(c: &Connection, user_id: i64, action: &Value, now: i64) -> Result<()> {
    let d = from_action(action)?;
    match asked_for(c, user_id, action, d.amount)? {
        Some(asked) => pay_asked(c, user_id, asked.id, now).map(|_| ()),
        None => pay(c, user_id, &d, now).map(|_| ()),
    }
}
