//! Refunds that go back to WeChat Pay, and how they move money on the one ledger.
//!
//! A WeChat payment first credits the shopper's balance and the order is then paid from it, so
//! a refund to WeChat is traced like this (every fen through [`ledger::post`]):
//! - deciding it (same transaction as the decision): the refunded amount goes into the shopper's
//!   **frozen** account (an after-sale refund: +frozen; a direct refund of a payment such as a
//!   recharge: −balance, +frozen). Frozen money cannot be spent while WeChat works on it.
//! - WeChat confirms (notify or refundquery): −frozen, "退回微信支付" — the money left the shop.
//! - WeChat closes it (REFUNDCLOSE, or CHANGE: the shopper's card is gone): −frozen, +balance,
//!   so the shopper keeps the money in the shop instead of losing it.
//! - WeChat refuses or cannot be reached: the money stays frozen; a retry reuses the refund's
//!   out_refund_no, so WeChat refunds it once however often we ask.
//!
//! The WeChat call never runs inside a database transaction: the decision commits first, then
//! [`send`] asks WeChat and records the answer in a second, short transaction.

use std::collections::BTreeMap;

use rusqlite::Connection;

use crate::config::Config;
use crate::db::wechat_refund::{self as rows, state, NewRefund, Outcome, RefundRow};
use crate::db::{self, order, Db};
use crate::money;
use crate::service::error::{Entity, Error, Field, Result, Rule};
use crate::service::ledger::{self, Account, Source};
use crate::settings::Settings;
use crate::wechat::pay::{PayConfigError, PayCreds};
use crate::wechat::refund::{self as wx, RefundCall, RefundError, RefundState};

/// What refunds need to reach WeChat Pay: the merchant in force and our notify URL. Managed by
/// Rocket and handed to the job.
#[derive(Clone)]
pub struct WxRefunds {
    settings: Settings,
    loopback: String,
    notify_url: String,
}

impl WxRefunds {
    pub fn new(cfg: &Config, settings: Settings) -> WxRefunds {
        WxRefunds {
            settings,
            loopback: cfg.loopback_url(),
            notify_url: format!("{}/notify/wxpay/refund", cfg.public_url()),
        }
    }

    /// The merchant in force now.
    pub fn creds(&self) -> Result<PayCreds> {
        self.creds_or_why().map_err(|why| Error::Unsupported(why.into()))
    }

    /// The merchant in force now, or the sentence saying what is not configured.
    fn creds_or_why(&self) -> Result<PayCreds, String> {
        PayCreds::from_settings(&self.settings.get(), &self.loopback)
            .map_err(|PayConfigError::Missing(what)| format!("微信支付未配置：缺少{what}"))
    }

    pub fn notify_url(&self) -> &str {
        &self.notify_url
    }
}

/// How much of a refund of `money` fen on `order_id` would go back to WeChat now (the console
/// shows it before the merchant confirms).
pub fn wechat_share(c: &Connection, order_id: i64, money: i64) -> Result<i64> {
    let Some(p) = rows::paid_payment_of_order(c, order_id)? else { return Ok(0) };
    Ok(money.min(p.paid_fen - rows::refunded_of_payment(c, p.id)?).max(0))
}

/// Splits an approved after-sale refund of `money` fen: when the order was paid by a WeChat
/// payment, the part that payment still holds unrefunded goes back to WeChat (a pending
/// `payment_refunds` row, the money frozen meanwhile); the caller refunds the rest to the balance.
/// Runs in the decision's transaction. Answers (refund row id, fen to WeChat) or None.
pub fn plan_for_order(
    c: &Connection,
    order_refund_id: i64,
    order_id: i64,
    order_number: &str,
    user_id: i64,
    money: i64,
    now: i64,
) -> Result<Option<(i64, i64)>> {
    let reason = format!("订单 {order_number} 售后退款");
    plan_order_money(c, Some(order_refund_id), order_id, user_id, money, &reason, now)
}

// group buy (pingtuan)
/// Like [`plan_for_order`] for a paid order refunded without an after-sale request (a failed
/// group): the share its WeChat payment still holds goes back to WeChat (frozen meanwhile);
/// the caller refunds the rest to the balance. (refund row id, fen to WeChat) or None.
pub fn plan_for_paid_order(
    c: &Connection,
    order_id: i64,
    user_id: i64,
    money: i64,
    reason: &str,
    now: i64,
) -> Result<Option<(i64, i64)>> {
    plan_order_money(c, None, order_id, user_id, money, reason, now)
}

fn plan_order_money(
    c: &Connection,
    order_refund_id: Option<i64>,
    order_id: i64,
    user_id: i64,
    money: i64,
    reason: &str,
    now: i64,
) -> Result<Option<(i64, i64)>> {
    if money <= 0 {
        return Ok(None);
    }
    let Some(p) = rows::paid_payment_of_order(c, order_id)? else { return Ok(None) };
    let left = p.paid_fen - rows::refunded_of_payment(c, p.id)?;
    let fen = money.min(left);
    if fen <= 0 {
        return Ok(None);
    }
    let nr = NewRefund { payment_id: p.id, user_id, refund_fee: fen, reason, order_refund_id };
    let id = rows::insert(c, &nr, now)?;
    let why = format!("{reason}，原路退回微信支付处理中");
    ledger::post(c, user_id, Account::Freeze, fen, &why, Source::WechatRefund, &id.to_string())?;
    Ok(Some((id, fen)))
}

/// The merchant refunds `fen` of a paid WeChat payment (a recharge, say) with `reason`: the
/// money leaves the shopper's balance into frozen until WeChat confirms. Refused when the
/// payment holds less, or when the balance no longer has the money (it was spent). Runs in the
/// caller's transaction; the new refund's id (send it with [`send`] after the commit).
pub fn start_payment_refund(
    c: &Connection,
    payment_id: i64,
    fen: i64,
    reason: &str,
    now: i64,
) -> Result<i64> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::missing("reason"));
    }
    if reason.chars().count() > 80 {
        return Err(Error::Invalid { field: Field("reason"), rule: Rule::MaxChars(80) });
    }
    if fen <= 0 {
        return Err(Error::invalid("amount", "应为大于 0 的金额"));
    }
    let p = rows::paid_payment_by_id(c, payment_id)?.ok_or(Error::NotFound(Entity::PaidWechatPayment))?;
    let left = p.paid_fen - rows::refunded_of_payment(c, p.id)?;
    if fen > left {
        return Err(Error::refused(format!(
            "这笔支付最多还能退 ¥{}，申请的 ¥{} 超出",
            money::format(left.max(0)),
            money::format(fen)
        )));
    }
    let nr =
        NewRefund { payment_id: p.id, user_id: p.user_id, refund_fee: fen, reason, order_refund_id: None };
    let id = rows::insert(c, &nr, now)?;
    let why = format!("微信支付 {} 原路退款：{reason}", p.out_trade_no);
    match ledger::post(c, p.user_id, Account::Balance, -fen, &why, Source::WechatRefund, &id.to_string()) {
        Ok(_) => {}
        Err(Error::NotEnoughBalance { .. }) => {
            let have = ledger::accounts_of(c, p.user_id)?.balance;
            return Err(Error::refused(format!(
                "买家余额只有 ¥{}，这笔支付的钱已被消费，不能原路退回 ¥{}",
                money::format(have),
                money::format(fen)
            )));
        }
        Err(e) => return Err(e),
    }
    ledger::post(c, p.user_id, Account::Freeze, fen, &why, Source::WechatRefund, &id.to_string())?;
    Ok(id)
}

fn load(c: &Connection, id: i64) -> Result<RefundRow> {
    rows::get(c, id)?.ok_or(Error::NotFound(Entity::WechatRefund))
}

/// Asks WeChat for refund `id` (pending, or failed and retried) under its own out_refund_no and
/// records the answer: processing when accepted, failed with WeChat's words otherwise. Blocking:
/// call it after the deciding transaction committed ([`send_now`] from handlers). A refund
/// that is neither pending nor failed is answered as it is, without calling WeChat.
pub fn send(db: &Db, wx_refunds: &WxRefunds, id: i64) -> Result<RefundRow> {
    let now = db::unix_now();
    let (row, go) = db.write_sync(|c| {
        let row = load(c, id)?;
        rows::start_attempt(c, id, now).map(|go| (row, go)).map_err(Error::from)
    })?;
    if !go {
        return Ok(row);
    }
    let answer = wx_refunds.creds_or_why().map(|creds| {
        let call = RefundCall {
            transaction_id: &row.transaction_id,
            out_trade_no: &row.out_trade_no,
            out_refund_no: &row.out_refund_no,
            total_fee: row.total_fee,
            refund_fee: row.refund_fee,
            refund_desc: &row.reason,
            notify_url: wx_refunds.notify_url(),
        };
        wx::refund(&creds, &call)
    });
    let now = db::unix_now();
    db.write_sync(|c| {
        match &answer {
            Ok(Ok(a)) => {
                rows::mark_processing(c, id, &a.refund_id, now)?;
            }
            Ok(Err(e)) => {
                log::warn!("wechat refund {}: {e}", row.out_refund_no);
                rows::mark_failed(c, id, e.code(), &e.describe(), now)?;
            }
            Err(why) => {
                rows::mark_failed(c, id, "CONFIG", why, now)?;
            }
        }
        load(c, id)
    })
}

/// Asks WeChat how refund `id` stands (refundquery) and applies a final answer. Blocking.
pub fn query_now(db: &Db, wx_refunds: &WxRefunds, id: i64) -> Result<RefundRow> {
    let row = db.read_sync(|c| load(c, id))?;
    if !matches!(row.status.as_str(), state::PENDING | state::PROCESSING | state::FAILED) {
        return Ok(row);
    }
    let creds = wx_refunds.creds()?;
    let answer = wx::query(&creds, &row.out_refund_no);
    let now = db::unix_now();
    db.write_sync(|c| {
        rows::count_query(c, id, now)?;
        match &answer {
            Ok(s) => {
                apply_state(c, id, s, now)?;
            }
            Err(RefundError::Refused { code, .. }) if code == "REFUNDNOTEXIST" => {}
            Err(e) => log::warn!("wechat refundquery {}: {e}", row.out_refund_no),
        }
        load(c, id)
    })
}

/// Applies what WeChat reports about refund `id` (notify or query), once: SUCCESS takes the
/// frozen money out ("退回微信支付"); REFUNDCLOSE / CHANGE puts it back on the balance;
/// PROCESSING marks a pending or failed refund as accepted. True when something changed.
pub fn apply_state(c: &Connection, id: i64, s: &RefundState, now: i64) -> Result<bool> {
    let row = load(c, id)?;
    let outcome = Outcome {
        refund_id: s.refund_id.clone(),
        settlement_refund_fee: s.settlement_refund_fee,
        recv_account: s.recv_account.clone(),
        success_time: s.success_time.clone(),
        err_code_des: String::new(),
    };
    let source_id = id.to_string();
    match s.status.as_str() {
        "SUCCESS" => {
            if !rows::settle(c, id, state::SUCCESS, &outcome, now)? {
                return Ok(false);
            }
            let why = format!("退回微信支付（退款单 {}）", row.out_refund_no);
            ledger::post(
                c,
                row.user_id,
                Account::Freeze,
                -row.refund_fee,
                &why,
                Source::WechatRefund,
                &source_id,
            )?;
            if let Some(order_id) = row.order_id {
                let said = format!("¥{} 已原路退回微信支付", money::format(row.refund_fee));
                order::add_event(c, order_id, "refund", &said, now)?;
            }
            Ok(true)
        }
        "REFUNDCLOSE" | "CHANGE" => {
            let closed = Outcome {
                err_code_des: if s.status == "CHANGE" {
                    "退款异常（如银行卡已注销），微信未能退回，已改退至余额".into()
                } else {
                    "微信关闭了该退款，已改退至余额".into()
                },
                ..outcome
            };
            if !rows::settle(c, id, state::CLOSED, &closed, now)? {
                return Ok(false);
            }
            let why = format!("微信退款未成功（退款单 {}），改退至余额", row.out_refund_no);
            ledger::post(
                c,
                row.user_id,
                Account::Freeze,
                -row.refund_fee,
                &why,
                Source::WechatRefund,
                &source_id,
            )?;
            ledger::post(
                c,
                row.user_id,
                Account::Balance,
                row.refund_fee,
                &why,
                Source::WechatRefund,
                &source_id,
            )?;
            if let Some(order_id) = row.order_id {
                let said = format!("微信退款未成功，¥{} 已改退至余额", money::format(row.refund_fee));
                order::add_event(c, order_id, "refund", &said, now)?;
            }
            Ok(true)
        }
        "PROCESSING" => Ok(rows::mark_processing(c, id, &s.refund_id, now)?),
        _ => Ok(false),
    }
}

/// Why a refund notify was refused (answered FAIL: WeChat repeats it).
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("{0}")]
    Bad(&'static str),
    #[error("unknown out_refund_no")]
    Unknown,
    #[error("amount differs")]
    Amount,
    /// The store failed; its own words.
    #[error("database: {0}")]
    Db(String),
    /// Applying the refund's result failed; the notify's adapter words it.
    #[error("database: {0}")]
    Apply(#[from] Error),
}

impl From<rusqlite::Error> for NotifyError {
    fn from(e: rusqlite::Error) -> Self {
        NotifyError::Db(e.to_string())
    }
}

impl From<db::Error> for NotifyError {
    fn from(e: db::Error) -> Self {
        NotifyError::Db(e.to_string())
    }
}

/// Reads a refund notify (outer fields checked against `creds`, `req_info` decrypted) into the
/// state it reports. No database access: the caller applies it with [`apply_notify`].
pub fn read_notify(fields: &BTreeMap<String, String>, creds: &PayCreds) -> Result<RefundState, NotifyError> {
    let f = |k: &str| fields.get(k).map(String::as_str).unwrap_or_default();
    if f("return_code") != "SUCCESS" {
        return Err(NotifyError::Bad("return_code is not SUCCESS"));
    }
    if f("appid") != creds.appid || f("mch_id") != creds.mch_id {
        return Err(NotifyError::Bad("appid or mch_id is not ours"));
    }
    let info =
        wx::decrypt_req_info(f("req_info"), &creds.key).map_err(|_| NotifyError::Bad("bad req_info"))?;
    let i = |k: &str| info.get(k).cloned().unwrap_or_default();
    let refund_fee = i("refund_fee").parse().map_err(|_| NotifyError::Bad("refund_fee missing"))?;
    Ok(RefundState {
        status: i("refund_status"),
        out_refund_no: i("out_refund_no"),
        refund_id: i("refund_id"),
        refund_fee,
        settlement_refund_fee: i("settlement_refund_fee").parse().ok(),
        recv_account: i("refund_recv_accout"),
        success_time: i("success_time"),
    })
}

/// Applies a read notify exactly once (a replay finds the refund settled and changes nothing).
pub fn apply_notify(c: &Connection, s: &RefundState, now: i64) -> Result<bool, NotifyError> {
    let row = rows::by_out_refund_no(c, &s.out_refund_no)?.ok_or(NotifyError::Unknown)?;
    if s.refund_fee != row.refund_fee {
        return Err(NotifyError::Amount);
    }
    Ok(apply_state(c, row.id, s, now)?)
}

/// [`send`] from async code (a handler), on the blocking pool; the refund as it now stands.
pub async fn send_now(db: &Db, wx_refunds: &WxRefunds, id: i64) -> Result<RefundRow> {
    let (db, wx_refunds) = (db.clone(), wx_refunds.clone());
    db::blocking(move || send(&db, &wx_refunds, id)).await
}

/// [`query_now`] from async code.
pub async fn query_async(db: &Db, wx_refunds: &WxRefunds, id: i64) -> Result<RefundRow> {
    let (db, wx_refunds) = (db.clone(), wx_refunds.clone());
    db::blocking(move || query_now(&db, &wx_refunds, id)).await
}

/// A sentence for the merchant about a refund just sent.
pub fn sent_words(r: &RefundRow) -> String {
    match r.status.as_str() {
        state::FAILED => format!(
            "¥{} 原路退回微信支付失败：{}（可在“微信退款”页重试）",
            money::format(r.refund_fee),
            r.err_code_des
        ),
        state::SUCCESS => format!("¥{} 已原路退回微信支付", money::format(r.refund_fee)),
        _ => format!("¥{} 正在原路退回微信支付", money::format(r.refund_fee)),
    }
}
