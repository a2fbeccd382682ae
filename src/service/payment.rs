//! WeChat Pay payments: what a payment is for (its `nextAction`), checking it before WeChat is
//! asked, and applying it exactly once when WeChat says it is paid (notify, reconciliation or a
//! query from the console: all through [`apply_paid`]).
//!
//! Applying credits the paid money to the shopper's balance first, then spends from the balance
//! for the purpose, so "the rest from the balance" falls out naturally; when the purpose cannot be
//! served any more (order closed meanwhile...) the money simply stays in the balance — except for
//! an order its failed group closed, whose money goes back the group's way (`service::pingtuan`).

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde_json::Value;

use crate::db::payment::{self as store, status, NewPayment, Payment};
use crate::db::{self, Db};
use crate::money;
use crate::service::coupons::{self, Fetch};
use crate::service::error::{Entity, Error, Result};
use crate::service::ledger::{self, Account, Source};
use crate::service::{levels, order};
use crate::wechat::pay::{self, PayCreds, PayError, RequestPayment, TradeState, UnifiedOrder};
use crate::wechat::WeChat;

/// How long a shopper has to pay a unified order (`time_expire`); WeChat keeps a prepay_id 2 h.
pub const PAY_WINDOW_SECS: i64 = 2 * 3600;

/// Pending payments younger than this are left to the notify; older ones are queried.
pub const RECONCILE_AFTER_SECS: i64 = 180;

/// Largest single payment, fen (100,000 yuan): far above a small shop's orders, far from overflow.
pub const MAX_PAYMENT_FEN: i64 = 10_000_000;

/// What a payment is for, parsed from `nextAction`.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// No nextAction: a balance recharge (with the shop's bonus rules).
    Recharge,
    /// Type 0: pay these orders (a comma list in `id`).
    Orders(Vec<i64>),
    /// Type 4: pay-bill (买单), served by `service::pay_bill`.
    PayBill(Value),
    /// Type 5: a deposit, served by `service::deposit`.
    Deposit(Value),
    /// Type 6: buy a member level price.
    Level { price_id: i64, auto_renew: bool },
    /// Type 7: buy a coupon.
    Coupon { rule_id: i64, pwd: Option<String> },
    /// Type 13: buy the distributorship (service::fx::buy).
    FxBuy,
    /// Type 14: buy the team leadership (service::partner::buy_leader).
    TeamLeaderBuy,
    /// Type 10: buy a card (次卡 / 储值卡).
    Card { card_id: i64 },
}

fn bad_action(why: impl Into<String>) -> Error {
    Error::invalid("nextAction", why.into())
}

/// A JSON number, or a string holding one.
fn int_of(v: Option<&Value>) -> Option<i64> {
    crate::lenient::int(v?)
}

impl Action {
    /// Parses `nextAction` (absent or empty = recharge). Unknown types and
    /// malformed JSON are refused: never accepted and then lost.
    pub fn parse(text: Option<&str>) -> Result<Action> {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(Action::Recharge) };
        let v: Value = serde_json::from_str(text).map_err(|e| bad_action(format!("不是合法的 JSON：{e}")))?;
        if !v.is_object() {
            return Err(bad_action("应为 JSON 对象，如 {\"type\":0,\"id\":1}"));
        }
        let kind = int_of(v.get("type")).ok_or_else(|| bad_action("缺少 type"))?;
        match kind {
            0 => {
                let ids: Option<Vec<i64>> = match v.get("id") {
                    Some(Value::Number(n)) => n.as_i64().map(|n| vec![n]),
                    Some(Value::String(s)) => s.split(',').map(crate::lenient::int_text).collect(),
                    _ => None,
                };
                let mut ids =
                    ids.filter(|i| !i.is_empty()).ok_or_else(|| bad_action("type 0 需要订单 id"))?;
                ids.sort_unstable();
                ids.dedup();
                if ids.len() > 20 {
                    return Err(bad_action("一次最多支付 20 个订单"));
                }
                Ok(Action::Orders(ids))
            }
            4 => Ok(Action::PayBill(v)),
            5 => Ok(Action::Deposit(v)),
            6 => {
                let price_id = int_of(v.get("userLevelPriceId").or(v.get("priceId")).or(v.get("id")))
                    .ok_or_else(|| bad_action("type 6 需要 userLevelPriceId"))?;
                let auto_renew = v.get("isAutoRenew").and_then(crate::lenient::boolean) == Some(true);
                Ok(Action::Level { price_id, auto_renew })
            }
            7 => {
                let rule_id = int_of(v.get("couponRuleId").or(v.get("id")))
                    .ok_or_else(|| bad_action("type 7 需要 couponRuleId"))?;
                let pwd = v.get("pwd").and_then(Value::as_str).map(str::to_string);
                Ok(Action::Coupon { rule_id, pwd })
            }
            13 => Ok(Action::FxBuy),
            14 => Ok(Action::TeamLeaderBuy),
            10 => {
                let card_id = int_of(v.get("id")).ok_or_else(|| bad_action("type 10 需要会员卡 id"))?;
                Ok(Action::Card { card_id })
            }
            other => Err(bad_action(format!(
                "不支持的类型 {other}（本店支持 0 订单、6 会员、7 优惠券、10 会员卡、13 分销商、14 团队长，或不传为充值）"
            ))),
        }
    }

    /// `payments.action_type`: the nextAction type, -1 for a recharge.
    pub fn type_code(&self) -> i64 {
        match self {
            Action::Recharge => -1,
            Action::Orders(_) => 0,
            Action::PayBill(_) => 4,
            Action::Deposit(_) => 5,
            Action::Level { .. } => 6,
            Action::Coupon { .. } => 7,
            Action::FxBuy => 13,
            Action::TeamLeaderBuy => 14,
            Action::Card { .. } => 10,
        }
    }
}

/// Checks, before WeChat is asked, that the purpose can be served with `money` fen (the rest
/// coming from the balance at notify time); answers the orders it pays.
pub fn check_action(c: &Connection, user_id: i64, action: &Action, money: i64) -> Result<Vec<i64>> {
    let too_much =
        |need: i64| Error::invalid("money", format!("支付金额超过应付金额 {} 元", money::format(need)));
    match action {
        Action::Recharge => Ok(Vec::new()),
        Action::Orders(ids) => {
            let mut need = 0;
            for id in ids {
                let o = db::order::order_of(c, user_id, *id)?.ok_or(Error::NotFound(Entity::Order))?;
                if o.fields.status != db::order::status::UNPAID {
                    return Err(Error::refused(format!(
                        "订单 {} {}，不能支付",
                        o.order_number,
                        db::order::status::label(o.fields.status)
                    )));
                }
                need += o.fields.amount_real;
            }
            if money > need {
                return Err(too_much(need));
            }
            Ok(ids.clone())
        }
        Action::PayBill(v) => {
            crate::service::pay_bill::check_wechat(c, user_id, v, money).map(|()| Vec::new())
        }
        Action::Deposit(v) => {
            crate::service::deposit::check_wechat(c, user_id, v, money).map(|()| Vec::new())
        }
        Action::Level { price_id, .. } => {
            let price = db::levels::price_by_id(c, *price_id)?
                .filter(|p| p.fields.status == 0)
                .ok_or(Error::NotFound(Entity::LevelPrice))?;
            if money > price.fields.price_fen {
                return Err(too_much(price.fields.price_fen));
            }
            Ok(Vec::new())
        }
        Action::Coupon { rule_id, .. } => {
            let rule = db::coupons::rule(c, *rule_id)?.ok_or(Error::NotFound(Entity::Coupon))?;
            if rule.f.need_amount <= 0 {
                return Err(bad_action("该优惠券无需付款，请直接领取"));
            }
            if money > rule.f.need_amount {
                return Err(too_much(rule.f.need_amount));
            }
            Ok(Vec::new())
        }
        Action::FxBuy => crate::service::fx::check_buy(c, user_id, money).map(|()| Vec::new()),
        Action::TeamLeaderBuy => {
            crate::service::partner::check_buy_leader(c, user_id, money).map(|()| Vec::new())
        }
        Action::Card { card_id } => {
            let card = crate::service::cards::on_sale(c, *card_id)?;
            if money > card.f.price {
                return Err(too_much(card.f.price));
            }
            Ok(Vec::new())
        }
    }
}

/// A payment to start: who, how much, for what.
pub struct Start<'a> {
    pub user_id: i64,
    pub money: i64,
    pub remark: &'a str,
    /// nextAction as the client sent it ('' for a recharge).
    pub next_action: &'a str,
    pub action: &'a Action,
    pub sign_type: pay::SignType,
}

/// A new out_trade_no: "XD", the Beijing time and 10 random digits (26 characters; WeChat allows 32).
pub fn new_out_trade_no(now: i64) -> String {
    format!("XD{}{}", pay::beijing_time(now), crate::secret::random_string(10, b"0123456789"))
}

/// Checks the purpose and records the pending payment (before WeChat is asked, so a notify can
/// always find it). 403 when the shopper has no WeChat account to pay with.
pub fn create(c: &Connection, s: &Start, now: i64) -> Result<Payment> {
    if s.money <= 0 || s.money > MAX_PAYMENT_FEN {
        return Err(Error::invalid("money", "支付金额应在 0.01 到 100000 元之间"));
    }
    let order_ids = check_action(c, s.user_id, s.action, s.money)?;
    let openid = db::wechat::by_user(c, s.user_id)?
        .map(|a| a.openid)
        .ok_or_else(|| Error::refused("请先使用微信登录后再用微信支付"))?;
    let no = new_out_trade_no(now);
    let p = NewPayment {
        out_trade_no: &no,
        user_id: s.user_id,
        openid: &openid,
        money: s.money,
        remark: s.remark,
        next_action: s.next_action,
        action_type: s.action.type_code(),
        sign_type: s.sign_type.as_str(),
    };
    let id = store::insert(c, &p, &order_ids, now)?;
    store::by_id(c, id)?.ok_or(Error::NotFound(Entity::Payment))
}

/// What the unified order of a recorded payment needs besides the payment.
pub struct Prepay<'a> {
    pub creds: PayCreds,
    /// WeChat's `body`: the shop's name and what is paid.
    pub body: &'a str,
    pub client_ip: &'a str,
    pub notify_url: &'a str,
}

/// Asks WeChat for the prepay_id of a payment [`create`] recorded and answers the signed
/// `wx.requestPayment` fields; when WeChat refuses, the payment is closed and the refusal answered.
/// Blocking; WeChat is called outside any transaction.
pub fn prepay(db: &Db, wx: &WeChat, p: &Payment, asked: &Prepay) -> Result<RequestPayment> {
    let o = UnifiedOrder {
        body: asked.body,
        out_trade_no: &p.out_trade_no,
        total_fee: p.money,
        spbill_create_ip: asked.client_ip,
        notify_url: asked.notify_url,
        openid: &p.openid,
        time_expire: &pay::beijing_time(p.date_add + PAY_WINDOW_SECS),
    };
    match wx.unified_order(&asked.creds, &o) {
        Ok(prepay_id) => {
            db.write_sync(|c| store::set_prepay(c, p.id, &prepay_id, db::unix_now()).map_err(Error::from))?;
            Ok(pay::request_payment(&asked.creds, &prepay_id, db::unix_now()))
        }
        Err(e) => {
            let why = e.to_string();
            db.write_sync(|c| store::mark_closed(c, p.id, &why, db::unix_now()).map_err(Error::from))?;
            Err(e.into())
        }
    }
}

/// What applying a paid payment did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Paid now, and its purpose served.
    Done,
    /// This transaction was applied before (a repeated notify): nothing changed.
    Already,
    /// Paid now, but the purpose failed; the money is in the balance (status 3).
    Failed(String),
}

/// Marks the payment paid by `transaction_id` (`paid_fen` confirmed by WeChat), credits the
/// balance and serves its purpose, in the caller's transaction; exactly once per payment.
pub fn apply_paid(
    c: &Connection,
    payment_id: i64,
    transaction_id: &str,
    paid_fen: i64,
    now: i64,
) -> Result<Applied> {
    let p = store::by_id(c, payment_id)?.ok_or(Error::NotFound(Entity::Payment))?;
    if paid_fen != p.money {
        return Err(Error::invalid("total_fee", "金额与支付单不符"));
    }
    if !store::mark_paid(c, p.id, transaction_id, paid_fen, now)? {
        return if p.transaction_id.as_deref() == Some(transaction_id) {
            Ok(Applied::Already)
        } else {
            Err(Error::refused("该支付单已由另一笔微信交易支付"))
        };
    }
    let source_id = p.id.to_string();
    let reason = format!("微信支付 {} 元入账", money::format(paid_fen));
    ledger::post(c, p.user_id, Account::Balance, paid_fen, &reason, Source::Payment, &source_id)?;
    // The purpose runs in a savepoint: when it fails only it is undone, the money stays.
    c.execute_batch("SAVEPOINT payment_purpose")?;
    let served = Action::parse(Some(&p.next_action)).and_then(|a| serve(c, &p, &a, paid_fen, now));
    match served {
        Ok(()) => {
            c.execute_batch("RELEASE payment_purpose")?;
            Ok(Applied::Done)
        }
        Err(e) => {
            c.execute_batch("ROLLBACK TO payment_purpose; RELEASE payment_purpose")?;
            let why = stored_reason(&e);
            store::mark_apply_failed(c, p.id, &why, now)?;
            // group buy (pingtuan): money for an order its failed group closed goes back the group's way.
            if matches!(Action::parse(Some(&p.next_action)), Ok(Action::Orders(_))) {
                let orders = store::orders_of(c, p.id)?;
                crate::service::pingtuan::refund_late_payment(c, p.id, &orders, paid_fen, now)?;
            }
            Ok(Applied::Failed(why))
        }
    }
}

/// Spends from the balance for the payment's purpose.
fn serve(c: &Connection, p: &Payment, action: &Action, paid_fen: i64, now: i64) -> Result<()> {
    match action {
        Action::Recharge => {
            let bonus = store::best_bonus(c, paid_fen)?;
            if bonus > 0 {
                let reason = format!("充值 {} 元赠送", money::format(paid_fen));
                ledger::post(
                    c,
                    p.user_id,
                    Account::Balance,
                    bonus,
                    &reason,
                    Source::Payment,
                    &p.id.to_string(),
                )?;
                store::set_bonus(c, p.id, bonus)?;
            }
            Ok(())
        }
        Action::Orders(_) => {
            for id in store::orders_of(c, p.id)? {
                order::pay_from_balance(c, p.user_id, id, now)?;
            }
            Ok(())
        }
        Action::PayBill(v) => crate::service::pay_bill::apply_paid(c, p.user_id, v, now),
        Action::Deposit(v) => crate::service::deposit::apply_paid(c, p.user_id, v, now),
        Action::Level { price_id, auto_renew } => {
            levels::buy(c, p.user_id, *price_id, *auto_renew, &p.remark, now).map(|_| ())
        }
        Action::Coupon { rule_id, pwd } => {
            let f = Fetch { rule_id: *rule_id, pwd: pwd.as_deref(), detect: false };
            coupons::fetch(c, p.user_id, &f, now)?;
            Ok(())
        }
        Action::FxBuy => {
            let rules = crate::service::fx::FxRules::load(c)?;
            crate::service::fx::buy(c, &rules, p.user_id, now)
        }
        Action::TeamLeaderBuy => {
            let rules = crate::service::partner::PartnerRules::load(c)?;
            crate::service::partner::buy_leader(c, &rules, p.user_id, now)
        }
        Action::Card { card_id } => crate::service::cards::buy(c, p.user_id, *card_id, now).map(|_| ()),
    }
}

/// WeChat Pay's refusals and failures, in its own words (they name what WeChat Pay answered).
impl From<PayError> for Error {
    fn from(e: PayError) -> Self {
        match e {
            PayError::NotConfigured(_) => Error::Unsupported(e.to_string().into()),
            other => Error::Upstream(other.to_string().into()),
        }
    }
}

/// A notify WeChat sent, once its signature, merchant and result were checked.
#[derive(Debug, Clone)]
pub struct Notified {
    pub out_trade_no: String,
    pub transaction_id: String,
    pub total_fee: i64,
}

/// Checks a pay notify's fields: SUCCESS, our signature, our appid and mch_id, a paid result.
/// The error is the FAIL reason answered to WeChat.
pub fn verify_notify(creds: &PayCreds, f: &BTreeMap<String, String>) -> Result<Notified, String> {
    let get = |k: &str| f.get(k).map_or("", String::as_str);
    if get("return_code") != "SUCCESS" {
        return Err("return_code 不是 SUCCESS".into());
    }
    if !pay::verify(f, &creds.key) {
        return Err("签名错误".into());
    }
    if get("appid") != creds.appid {
        return Err("appid 不符".into());
    }
    if get("mch_id") != creds.mch_id {
        return Err("mch_id 不符".into());
    }
    if get("result_code") != "SUCCESS" {
        return Err("result_code 不是 SUCCESS".into());
    }
    let total_fee = get("total_fee").parse().map_err(|_| "total_fee 无效".to_string())?;
    let (no, tid) = (get("out_trade_no"), get("transaction_id"));
    if no.is_empty() || tid.is_empty() {
        return Err("缺少 out_trade_no 或 transaction_id".into());
    }
    Ok(Notified { out_trade_no: no.into(), transaction_id: tid.into(), total_fee })
}

/// Applies a verified notify in the caller's transaction. An error is the FAIL reason, and the
/// caller rolls back: unknown out_trade_no, another amount, another transaction.
pub fn apply_notify(c: &Connection, n: &Notified, now: i64) -> Result<Applied> {
    let p = store::by_out_trade_no(c, &n.out_trade_no)?.ok_or(Error::NotFound(Entity::PaymentOrder))?;
    if n.total_fee != p.money {
        return Err(Error::invalid("total_fee", "与支付单金额不符"));
    }
    apply_paid(c, p.id, &n.transaction_id, n.total_fee, now)
}

/// What a reconciliation of one payment did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reconciled {
    /// It was not pending (any more).
    Settled(i64),
    /// WeChat says paid: applied (or found applied).
    Applied(Applied),
    /// Closed at WeChat and here.
    Closed,
    /// Still awaiting payment.
    Pending,
}

fn past_window(p: &Payment, now: i64) -> bool {
    now > p.date_add + PAY_WINDOW_SECS
}

/// Asks WeChat about one payment and acts on the answer: applies it when paid; closes it (at
/// WeChat, then here) when its time is up or its orders are all closed. Blocking: WeChat is
/// called outside any transaction.
pub fn reconcile(db: &Db, wx: &WeChat, payment_id: i64, now: i64) -> Result<Reconciled> {
    let p = db
        .read_sync(|c| store::by_id(c, payment_id).map_err(Error::from))?
        .ok_or(Error::NotFound(Entity::Payment))?;
    if p.status != status::PENDING {
        return Ok(Reconciled::Settled(p.status));
    }
    let creds = wx.pay_creds()?;
    db.write_sync(|c| store::count_query(c, p.id, now).map_err(Error::from))?;
    let state = wx.order_query(&creds, &p.out_trade_no)?;
    let orders_closed = || db.read_sync(|c| store::orders_all_closed(c, p.id).map_err(Error::from));
    match state {
        TradeState::Paid { transaction_id, total_fee } => {
            let done = db.write_sync(|c| apply_paid(c, p.id, &transaction_id, total_fee, now))?;
            Ok(Reconciled::Applied(done))
        }
        TradeState::NotPaid => {
            if !past_window(&p, now) && !orders_closed()? {
                return Ok(Reconciled::Pending);
            }
            // Money of it is being refunded: it was paid, and closing it would hide that money.
            if db
                .read_sync(|c| crate::db::wechat_refund::payment_has_refunds(c, p.id).map_err(Error::from))?
            {
                return Ok(Reconciled::Pending);
            }
            match wx.close_order(&creds, &p.out_trade_no) {
                Ok(()) => close_here(db, &p, "超时未支付或订单已关闭", now),
                // Paid in between: the next query (or the notify) applies it.
                Err(PayError::Business { code, .. }) if code == "ORDERPAID" => Ok(Reconciled::Pending),
                Err(e) => Err(e.into()),
            }
        }
        TradeState::Over(state) => close_here(db, &p, &format!("微信支付状态 {state}"), now),
        TradeState::Unknown if past_window(&p, now) || orders_closed()? => {
            close_here(db, &p, "微信支付无此订单", now)
        }
        TradeState::Unknown | TradeState::Other(_) => Ok(Reconciled::Pending),
    }
}

/// Closes the payment here; a payment that is no longer pending, or has refunds, stays as it is.
fn close_here(db: &Db, p: &Payment, why: &str, now: i64) -> Result<Reconciled> {
    if db.write_sync(|c| store::mark_closed(c, p.id, why, now).map_err(Error::from))? {
        return Ok(Reconciled::Closed);
    }
    let now_status =
        db.read_sync(|c| store::by_id(c, p.id).map_err(Error::from))?.map_or(p.status, |q| q.status);
    Ok(Reconciled::Settled(now_status))
}

/// Every way payments and paid orders disagree with the ledger, in words for the operator: each
/// paid order's balance debit must be in the ledger, and each paid payment's credit (plus bonus).
pub fn check(c: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (id, expected, credited) in store::uncredited(c)? {
        problems.push(format!("支付单 #{id} 应入账 {expected} 分，余额流水记录 {credited} 分"));
    }
    for (id, number, expected, debited) in store::unpaid_paid_orders(c)? {
        problems.push(format!("订单 {number}（#{id}）余额支付 {expected} 分，余额流水记录 {debited} 分"));
    }
    Ok(problems)
}

/// Why a paid purpose could not be served, kept on the payment: for the common refusals the same
/// words the mini-program answers, so the console and the merchant API show Chinese.
fn stored_reason(e: &Error) -> String {
    match e {
        Error::NotFound(what) => format!("{}不存在", crate::present::noun(*what)),
        Error::NotEnoughBalance { .. } => "余额不足".into(),
        Error::NotEnoughPoints { .. } => "积分不足".into(),
        other => other.reason(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::error::Field;

    #[test]
    fn next_actions_parse_as_the_templates_send_them() {
        assert_eq!(Action::parse(None).unwrap(), Action::Recharge);
        assert_eq!(Action::parse(Some(" ")).unwrap(), Action::Recharge);
        assert_eq!(Action::parse(Some(r#"{"type":0,"id":5}"#)).unwrap(), Action::Orders(vec![5]));
        assert_eq!(Action::parse(Some(r#"{"type":"0","id":"7,5,7"}"#)).unwrap(), Action::Orders(vec![5, 7]));
        assert_eq!(
            Action::parse(Some(r#"{"type":6,"userLevelPriceId":"3","isAutoRenew":true}"#)).unwrap(),
            Action::Level { price_id: 3, auto_renew: true }
        );
        assert_eq!(
            Action::parse(Some(r#"{"type":7,"couponRuleId":9}"#)).unwrap(),
            Action::Coupon { rule_id: 9, pwd: None }
        );
        assert_eq!(Action::parse(Some(r#"{"type":4,"money":1}"#)).unwrap().type_code(), 4);
        assert_eq!(Action::parse(Some(r#"{"type":13}"#)).unwrap(), Action::FxBuy);
        assert_eq!(Action::parse(Some(r#"{"type":14}"#)).unwrap(), Action::TeamLeaderBuy);
        for bad in [r#"{"type":99}"#, r#"{"type":0,"id":"1,x"}"#, r#"{"id":1}"#, "[]", "{", r#"{"type":6}"#] {
            let e = Action::parse(Some(bad)).unwrap_err();
            // Answered as code 300 naming nextAction.
            assert!(matches!(e, Error::Invalid { field: Field("nextAction"), .. }), "{bad}: {e:?}");
        }
    }

    #[test]
    fn out_trade_numbers_fit_wechat() {
        let no = new_out_trade_no(1_700_000_000);
        assert_eq!(no.len(), 26);
        assert!(no.len() <= 32 && no.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(no, new_out_trade_no(1_700_000_000));
    }
}
