//! Withdrawals (提现): a shopper asks to take money out of their balance; the merchant pays it out
//! by hand (bank or WeChat transfer outside xiaodian) and approves, or rejects with a reason.
//!
//! Money: asking moves it balance → freeze (two ledger rows, one transaction), so it can never be
//! more than the balance, even when raced (the ledger's conditional UPDATE); approving takes it out
//! of freeze (it has left the shop); rejecting puts it back on the balance.

use rusqlite::Connection;

use crate::db::withdraw::{self as store, status, WithdrawalRow};
use crate::money;
use crate::service::error::{Entity, Error, Field, Result, Rule};
use crate::service::funds::{day_start, reason, shop_date};
use crate::service::ledger::{self, Account, Source};
use crate::settings::Snapshot;

/// Setting keys (console 提现 page, merchant settings API).
pub mod keys {
    pub use crate::settings::keys::{WITHDRAW_DAILY_COUNT as DAILY_COUNT, WITHDRAW_MIN_FEN as MIN_FEN};
}

/// The shop's withdrawal rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WithdrawRules {
    pub min_fen: i64,
    pub daily_count: i64,
}

impl WithdrawRules {
    pub const DEFAULT: WithdrawRules = WithdrawRules { min_fen: 100, daily_count: 3 };

    pub fn of(s: &Snapshot) -> WithdrawRules {
        let int = |k: &str, d: i64| s.get(k).and_then(|v| v.parse::<i64>().ok()).unwrap_or(d);
        WithdrawRules {
            min_fen: int(keys::MIN_FEN, Self::DEFAULT.min_fen).max(1),
            daily_count: int(keys::DAILY_COUNT, Self::DEFAULT.daily_count).max(1),
        }
    }
}

/// What the shopper sends with a withdrawal.
#[derive(Debug, Clone, Default)]
pub struct WithdrawInput {
    pub money: i64,
    pub remark: String,
    pub ext_json: String,
}

/// Records a withdrawal and freezes its money, in the caller's transaction. Below the minimum →
/// 300 (money); over the daily count → 429; more than the balance → 40000 with the amount short.
pub fn apply(
    c: &Connection,
    user_id: i64,
    rules: WithdrawRules,
    input: &WithdrawInput,
    now: i64,
) -> Result<WithdrawalRow> {
    if input.money < rules.min_fen {
        return Err(Error::invalid("money", format!("最低提现金额为 {} 元", money::format(rules.min_fen))));
    }
    if store::count_since(c, user_id, day_start(now))? >= rules.daily_count {
        return Err(Error::RateLimited(
            format!("每天最多申请提现 {} 次，请明天再试", rules.daily_count).into(),
        ));
    }
    let id = store::insert(c, user_id, input.money, &input.remark, &input.ext_json, &shop_date(now), now)?;
    let row = store::get(c, id)?.ok_or(Error::NotFound(Entity::Withdrawal))?;
    let why = format!("申请提现 {}", row.number);
    ledger::post(c, user_id, Account::Balance, -input.money, &why, Source::Withdrawal, &id.to_string())?;
    ledger::post(c, user_id, Account::Freeze, input.money, &why, Source::Withdrawal, &id.to_string())?;
    Ok(row)
}

/// The merchant's answer to a waiting withdrawal.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Paid out by hand; `reference` names the transfer (bank slip, WeChat transfer number), may be empty.
    Approve { reference: String },
    /// Not paid; the money goes back to the balance. The reason is required and shown to the shopper.
    Reject { reason: String },
}

/// Decides a waiting withdrawal, in the caller's transaction: approve takes the money out of
/// freeze, reject puts it back on the balance. `by` records who decided. 404 for an unknown id,
/// 403 when it was already decided. (A notification to the shopper belongs here once messages
/// exist: this is the one place every decision passes.)
pub fn decide(c: &Connection, id: i64, decision: &Decision, by: &str, now: i64) -> Result<WithdrawalRow> {
    let w = store::get(c, id)?.ok_or(Error::NotFound(Entity::Withdrawal))?;
    let (to, why, reference) = match decision {
        Decision::Approve { reference } => {
            if reference.chars().count() > 100 {
                return Err(Error::Invalid { field: Field("reference"), rule: Rule::MaxChars(100) });
            }
            (status::APPROVED, String::new(), reference.trim().to_string())
        }
        Decision::Reject { reason: r } => (status::REJECTED, reason(r)?, String::new()),
    };
    if !store::decide(c, id, to, &why, &reference, by, now)? {
        return Err(Error::refused(format!(
            "提现 {} 已处理（{}），不能重复处理",
            w.number,
            status::label(w.status)
        )));
    }
    let source_id = id.to_string();
    if to == status::APPROVED {
        let r = format!("提现 {} 已打款", w.number);
        ledger::post(c, w.user_id, Account::Freeze, -w.money, &r, Source::Withdrawal, &source_id)?;
    } else {
        let r = format!("提现 {} 被拒绝，退回余额：{why}", w.number);
        ledger::post(c, w.user_id, Account::Freeze, -w.money, &r, Source::Withdrawal, &source_id)?;
        ledger::post(c, w.user_id, Account::Balance, w.money, &r, Source::Withdrawal, &source_id)?;
    }
    let event = crate::service::outbox::ShopEvent::WithdrawalDecided {
        withdrawal_id: id,
        amount_fen: w.money,
        approved: to == status::APPROVED,
        reason: why,
    };
    crate::service::outbox::enqueue_event(c, w.user_id, event, now)?;
    store::get(c, id)?.ok_or(Error::NotFound(Entity::Withdrawal))
}
