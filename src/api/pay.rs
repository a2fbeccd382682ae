//! WeChat Pay for the shopper: `wxpay` / `payVariableUrl` (a unified order answering the five
//! `wx.requestPayment` fields), `payQuery`, `payLogs`, `rechargeSendRules`; the client's other
//! channels answer 501 from the module table (`api::modules`). WeChat's notify is in `callbacks::pay_notify`.

use std::net::IpAddr;

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, Params, Reply};
use crate::api::blocking;
use crate::config::Config;
use crate::db::payment::{self as store, status, Filter, Payment};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money::to_yuan;
use crate::service::payment::{self, Action, Prepay, Start};
use crate::settings::Settings;
use crate::wechat::pay::RequestPayment;
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![wxpay_wxapp, query, logs, recharge_rules]
}

/// Largest `nextAction` accepted, characters.
const MAX_NEXT_ACTION: usize = 2000;
const MAX_REMARK: usize = 100;

/// POST /<sub>/pay/wx/wxapp — wxpay, and payVariableUrl with the default `wxpay_api_url`;
/// logged-in shopper. `money` (to_yuan) is asked of WeChat; `nextAction` says what it pays.
#[post("/pay/wx/wxapp", data = "<req>")]
async fn wxpay_wxapp(
    req: Authed,
    ip: Option<IpAddr>,
    db: &State<Db>,
    wx: &State<WeChat>,
    cfg: &State<Config>,
    settings: &State<Settings>,
) -> ApiResult<RequestPayment> {
    let money = money_of(&req.p)?;
    let next_action = req.p.opt_text("nextAction", MAX_NEXT_ACTION)?.unwrap_or("").to_string();
    let action = Action::parse(Some(&next_action))?;
    let remark = match req.p.opt_text("remark", MAX_REMARK)? {
        Some(r) => r.to_string(),
        None => req.p.opt_text("payName", MAX_REMARK)?.unwrap_or("").to_string(),
    };
    let creds = wx.pay_creds()?;
    let body = pay_body(settings.get().shop_name(), &remark);
    let (uid, sign_type, now) = (req.user_id, creds.sign_type, db::unix_now());
    let p = db
        .write(move |c| {
            let s = Start {
                user_id: uid,
                money,
                remark: &remark,
                next_action: &next_action,
                action: &action,
                sign_type,
            };
            payment::create(c, &s, now)
        })
        .await?;
    let notify_url = format!("{}/notify/wxpay", cfg.public_url());
    let client_ip = ip.map_or_else(|| "127.0.0.1".to_string(), |i| i.to_string());
    let (db, wx) = (db.inner().clone(), wx.inner().clone());
    let fields = blocking(move || {
        let asked = Prepay { creds, body: &body, client_ip: &client_ip, notify_url: &notify_url };
        Ok(payment::prepay(&db, &wx, &p, &asked)?)
    })
    .await?;
    Ok(Reply(fields))
}

/// `money` in yuan → fen (300 naming it when absent, malformed or not positive).
fn money_of(p: &Params) -> Result<i64, ApiError> {
    let text = p.text("money", 20)?;
    match crate::money::parse(text) {
        Some(fen) if fen > 0 => Ok(fen),
        _ => Err(ApiError::invalid("money", "应为大于 0 的金额（元，最多两位小数）")),
    }
}

/// WeChat's `body` (≤ 128 bytes): the shop's name and what is paid.
fn pay_body(shop: &str, remark: &str) -> String {
    let what = if remark.trim().is_empty() { "订单支付" } else { remark.trim() };
    let mut body = format!("{shop}-{what}");
    while body.len() > 120 {
        body.pop();
    }
    body
}

/// One payment as payQuery and payLogs answer it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PayView {
    pub id: i64,
    pub out_trade_id: String,
    /// Yuan asked of WeChat.
    pub money: f64,
    /// Recharge bonus given with it, yuan.
    pub send_money: f64,
    pub pay_gate: &'static str,
    pub pay_gate_str: &'static str,
    pub status: i64,
    pub status_str: &'static str,
    /// The nextAction as the client sent it: a JSON string the template parses itself.
    pub next_action: String,
    pub remark: String,
    pub date_add: String,
    pub date_pay: Option<String>,
}

impl From<Payment> for PayView {
    fn from(p: Payment) -> Self {
        PayView {
            id: p.id,
            out_trade_id: p.out_trade_no,
            money: to_yuan(p.money),
            send_money: to_yuan(p.bonus_fen),
            pay_gate: "WXPAY",
            pay_gate_str: "微信支付",
            status: p.status,
            status_str: status::label(p.status),
            next_action: p.next_action,
            remark: p.remark,
            date_add: db::format_unix(p.date_add),
            date_pay: p.date_paid.map(db::format_unix),
        }
    }
}

/// GET /<sub>/pay/query — payQuery; logged-in shopper, their own payment by `outTradeId`. A
/// payment still pending is first asked of WeChat (and applied if paid).
#[get("/pay/query")]
async fn query(req: Authed, db: &State<Db>, wx: &State<WeChat>) -> ApiResult<PayView> {
    let no = req.p.text("outTradeId", 40)?.to_string();
    let uid = req.user_id;
    let found = db
        .read(move |c| store::by_out_trade_no(c, &no).map(|p| p.filter(|p| p.user_id == uid)))
        .await?
        .ok_or(ApiError::NotFound("支付记录"))?;
    let id = found.id;
    if found.status == status::PENDING {
        let (db2, wx2) = (db.inner().clone(), wx.inner().clone());
        // WeChat being unreachable must not hide the record: the job retries later.
        if let Err(e) = blocking(move || Ok(payment::reconcile(&db2, &wx2, id, db::unix_now())?)).await {
            log::warn!("payQuery of payment {id}: {e:?}");
        }
    }
    let p = db.read(move |c| store::by_id(c, id)).await?.ok_or(ApiError::NotFound("支付记录"))?;
    Ok(Reply(p.into()))
}

/// POST /<sub>/user/payLogs — payLogs; logged-in shopper. Newest first, a bare array (templates
/// read `data[0].nextAction`); `orderNo` keeps the payments of that order; 700 when none.
#[post("/user/payLogs", data = "<req>")]
async fn logs(req: Authed, db: &State<Db>) -> ApiResult<Vec<PayView>> {
    let paging = super::Paging::from(&req.p)?;
    let order_no = req.p.opt_text("orderNo", 40)?.map(str::to_string);
    let status = req.p.opt_int("status")?;
    let uid = req.user_id;
    let rows = db
        .read(move |c| {
            let order_id = match &order_no {
                Some(n) => Some(store::order_id_by_number(c, uid, n)?.ok_or(ApiError::Empty)?),
                None => None,
            };
            let f = Filter { status, user_id: Some(uid), out_trade_no: None, order_id };
            Ok::<_, ApiError>(store::list(c, &f, paging.offset(), paging.limit())?.0)
        })
        .await?;
    if rows.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(rows.into_iter().map(Into::into).collect()))
}

/// One recharge bonus rule: recharge `confine` yuan, get `send` yuan more.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RechargeRuleView {
    pub id: i64,
    pub confine: f64,
    pub send: f64,
}

/// GET /<sub>/user/recharge/send/rule — rechargeSendRules; anyone. Smallest threshold first; 700
/// when the shop has none.
#[get("/user/recharge/send/rule")]
async fn recharge_rules(db: &State<Db>) -> ApiResult<Vec<RechargeRuleView>> {
    let rules = db.read(store::recharge_rules).await?;
    if rules.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(
        rules
            .into_iter()
            .map(|r| RechargeRuleView { id: r.id, confine: to_yuan(r.confine), send: to_yuan(r.send) })
            .collect(),
    ))
}
