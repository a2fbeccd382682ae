//! The shop's one ledger: every change of a shopper's balance, frozen money, points or growth goes
//! through [`post`], inside the caller's transaction, and writes an immutable row saying why.
//! So each account always equals the sum of its rows, which [`check`] verifies.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;

pub use crate::db::ledger::{Account, Accounts};
use crate::db::{self, ledger::NewEntry};
use crate::service::error::{Error, Result};

/// What caused a ledger row (`ledger.source_type`); `source_id` names the thing itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A member level bought or renewed (source_id: the `user_level_buys` id).
    LevelBuy,
    /// A change the merchant made by hand.
    Admin,
    Order,
    Payment,
    Refund,
    /// A coupon taken for points or money (source_id: the `coupon_users` id).
    Coupon,
    /// Virtual goods bought (source_id: the `virtual_goods_buys` id).
    VirtualGoods,
    /// A withdrawal asked for, paid out or rejected (source_id: the `withdrawals` id).
    Withdrawal,
    /// A deposit paid or returned (source_id: the `deposits` id).
    Deposit,
    /// A bill paid at the shop (source_id: the `pay_bills` id).
    PayBill,
    /// A refund going back to WeChat Pay (source_id: the `payment_refunds` id).
    WechatRefund,
    /// Registration points (source_id empty).
    Register,
    /// A daily sign-in (source_id: the `score_signs` id).
    Sign,
    /// A share opened in a WeChat group (source_id: the group's openGId).
    ShareGroup,
    /// A redemption code (source_id: the `score_codes` id).
    ScoreCode,
    /// Points exchanged for balance or growth (source_id: `cash` or `growth`).
    Exchange,
    /// Points for the money paid on a received order (source_id: the order id).
    OrderReward,
    // distribution (三级分销)
    /// A distributorship bought from the balance (source_id: the buyer's id).
    FxBuy,
    /// Commission settled into the balance or points (source_id: the `fx_commissions` id).
    FxCommission,
    // partners and commission rules
    /// A team leadership or partnership bought from the balance (source_id: the buyer's id).
    PartnerBuy,
    /// Settled commission the merchant took back after a refund (source_id: the `fx_commissions` id).
    FxClawback,
    /// A card bought (source_id: the `card_users` id).
    Card,
    /// Accounts zeroed when the shopper deleted their account (source_id empty).
    AccountDeleted,
    // the templates' remaining pages
    /// A round of the number-bomb game paid or won (source_id: the `number_bomb_games` id).
    Game,
    /// A member level's monthly points (source_id: `level id:month`).
    MemberMonthly,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::LevelBuy => "level_buy",
            Source::Admin => "admin",
            Source::Order => "order",
            Source::Payment => "payment",
            Source::Refund => "refund",
            Source::Coupon => "coupon",
            Source::VirtualGoods => "virtual_goods",
            Source::Withdrawal => "withdrawal",
            Source::Deposit => "deposit",
            Source::PayBill => "pay_bill",
            Source::WechatRefund => "wechat_refund",
            Source::Register => "register",
            Source::Sign => "sign",
            Source::ShareGroup => "share_group",
            Source::ScoreCode => "score_code",
            Source::Exchange => "exchange",
            Source::OrderReward => "order_reward",
            Source::FxBuy => "fx_buy",
            Source::FxCommission => "fx_commission",
            Source::PartnerBuy => "partner_buy",
            Source::FxClawback => "fx_clawback",
            Source::Card => "card",
            Source::AccountDeleted => "account_deleted",
            Source::Game => "game",
            Source::MemberMonthly => "member_monthly",
        }
    }
}

/// Largest single movement: keeps every sum far from i64 overflow (SQLite would turn it into a float).
const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// Adds `amount` (signed) to one of the shopper's accounts and writes its ledger row, in the
/// caller's transaction; returns the account's new value. Creates the accounts row on first use.
/// A change that would leave the account negative writes nothing and answers 40000 with the
/// amount still due (balance), 30001 (points), or 403 (frozen money, growth). An amount of 0
/// writes no row and answers the current value.
pub fn post(
    c: &Connection,
    user_id: i64,
    account: Account,
    amount: i64,
    reason: &str,
    source: Source,
    source_id: &str,
) -> Result<i64> {
    if amount.abs() > MAX_AMOUNT {
        return Err(Error::Internal(format!("ledger amount {amount} out of range")));
    }
    if reason.trim().is_empty() {
        return Err(Error::Internal("ledger row without a reason".into()));
    }
    let now = db::unix_now();
    db::ledger::ensure_account(c, user_id, now)?;
    if amount == 0 {
        return value(c, user_id, account);
    }
    let Some(after) = db::ledger::apply(c, user_id, account, amount, now)? else {
        let due = -amount - value(c, user_id, account)?;
        return Err(shortfall(account, due));
    };
    let entry = NewEntry { user_id, account, amount, after, reason, source_type: source.as_str(), source_id };
    db::ledger::insert(c, &entry, now)?;
    Ok(after)
}

fn value(c: &Connection, user_id: i64, account: Account) -> Result<i64> {
    Ok(db::ledger::accounts_of(c, user_id)?.map_or(0, |a| a.get(account)))
}

/// The refusal for an account that cannot cover `due` more.
fn shortfall(account: Account, due: i64) -> Error {
    match account {
        Account::Balance => Error::NotEnoughBalance { due_fen: due },
        Account::Score => Error::NotEnoughPoints { due },
        Account::Freeze => Error::refused("冻结金额不足"),
        Account::Growth => Error::refused("成长值不足"),
    }
}

/// Adds money the shopper spent to their "total consumed" statistic (not a ledgered account).
pub fn add_consumed(c: &Connection, user_id: i64, fen: i64) -> Result<()> {
    let now = db::unix_now();
    db::ledger::ensure_account(c, user_id, now)?;
    Ok(db::ledger::add_consumed(c, user_id, fen, now)?)
}

/// The shopper's accounts; all zero for a shopper who never had a ledger row.
pub fn accounts_of(c: &Connection, user_id: i64) -> Result<Accounts> {
    Ok(db::ledger::accounts_of(c, user_id)?.unwrap_or(Accounts { user_id, ..Default::default() }))
}

/// Every way the stored accounts disagree with their ledger, in words for the operator; empty
/// when all is well. Checks that each account equals the sum of its rows, that its newest row's
/// `after` is the account's value, and that each row's `after` follows from the one before.
pub fn check(c: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let accounts = db::ledger::all_accounts(c)?;
    let totals: HashMap<(i64, String), (i64, i64)> = db::ledger::ledger_totals(c)?
        .into_iter()
        .map(|(user, account, sum, last_after)| ((user, account), (sum, last_after)))
        .collect();
    let total_of = |user: i64, account: Account| totals.get(&(user, account.as_str().to_string())).copied();
    for a in &accounts {
        for account in Account::ALL {
            let stored = a.get(account);
            let (sum, last_after) = total_of(a.user_id, account).unwrap_or((0, 0));
            if stored != sum {
                problems.push(format!(
                    "用户 {} 的 {} 为 {stored}，但流水合计为 {sum}",
                    a.user_id,
                    account.as_str()
                ));
            } else if stored != last_after {
                problems.push(format!(
                    "用户 {} 的 {} 为 {stored}，但最后一条流水记录的余额为 {last_after}",
                    a.user_id,
                    account.as_str()
                ));
            }
        }
    }
    let holders: HashSet<i64> = accounts.iter().map(|a| a.user_id).collect();
    let mut orphans: Vec<&(i64, String)> = totals.keys().filter(|(u, _)| !holders.contains(u)).collect();
    orphans.sort();
    for (user, account) in orphans {
        problems.push(format!("用户 {user} 有 {account} 流水，但没有账户记录"));
    }
    for (id, user, account, expected) in db::ledger::broken_chain(c, 100)? {
        problems.push(format!("流水 #{id}（用户 {user} 的 {account}）记录的余额应为 {expected}"));
    }
    Ok(problems)
}
