//! 微信退款: refunds going back to WeChat Pay — list, detail, "向微信查询", retrying a failed one
//! under its own out_refund_no, and the merchant refunding a paid payment (a recharge, say).

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::auth::Empty;
use super::page::{done, failed, render, when, Answer, Html, Pager, Posted, Staff};
use crate::db::wechat_refund::{self as rows, state, PaidPayment, RefundRow};
use crate::db::{self, Db};
use crate::error::{AdminError, ApiError};
use crate::money;
use crate::service::ledger;
use crate::service::wechat_refund::{self, WxRefunds};
use crate::wechat::refund::check_cert;

pub fn routes() -> Vec<Route> {
    routes![list, detail, query, retry, new_page, create]
}

/// A refund as the console shows it.
struct Shown {
    id: i64,
    out_refund_no: String,
    amount: String,
    status_label: &'static str,
    failed: bool,
    open: bool,
    reason: String,
    order_id: Option<i64>,
    order_refund_id: Option<i64>,
    payment: String,
    user_id: i64,
    refund_id: String,
    err: String,
    settlement: String,
    recv_account: String,
    success_time: String,
    attempts: i64,
    queries: i64,
    added: String,
    updated: String,
}

impl From<RefundRow> for Shown {
    fn from(r: RefundRow) -> Self {
        Shown {
            id: r.id,
            amount: money::format(r.refund_fee),
            status_label: state::label(&r.status),
            failed: r.status == state::FAILED,
            open: matches!(r.status.as_str(), state::PENDING | state::PROCESSING | state::FAILED),
            out_refund_no: r.out_refund_no,
            reason: r.reason,
            order_id: r.order_id,
            order_refund_id: r.order_refund_id,
            payment: format!("{}（¥{}）", r.out_trade_no, money::format(r.total_fee)),
            user_id: r.user_id,
            refund_id: r.refund_id,
            err: match (r.err_code.is_empty(), r.err_code_des.is_empty()) {
                (true, true) => String::new(),
                (false, _) => format!("{} {}", r.err_code, r.err_code_des),
                (true, false) => r.err_code_des,
            },
            settlement: r.settlement_refund_fee.map(money::format).unwrap_or_default(),
            recv_account: r.recv_account,
            success_time: r.success_time,
            attempts: r.attempts,
            queries: r.queries,
            added: when(&r.date_add),
            updated: when(&r.date_update),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/wechat_refunds/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<Shown>,
    status: String,
    statuses: Vec<(String, &'static str)>,
    cert: Result<String, String>,
    pager: Pager,
}

/// The certificate line of the list page: what is loaded, or what is wrong with it.
fn cert_line(wx: &WxRefunds) -> Result<String, String> {
    let creds = wx.creds().map_err(|e| ApiError::from(e).msg())?;
    match check_cert(&creds) {
        Ok(Some(path)) => Ok(format!("商户 API 证书已加载：{path}")),
        Ok(None) => Ok("沙箱模式：未配置商户 API 证书，模拟器不要求证书".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// GET /admin/wechat-refunds?status=&orderRefund=&page= — staff only. Newest first; one after-sale
/// request's refunds lead straight to its detail.
#[get("/wechat-refunds?<status>&<orderRefund>&<page>")]
#[allow(non_snake_case)] // the query names the console links use
async fn list(
    staff: Staff,
    db: &State<Db>,
    wx: &State<WxRefunds>,
    status: Option<&str>,
    orderRefund: Option<i64>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let wanted = status.map(str::trim).and_then(|s| state::ALL.iter().find(|a| **a == s)).copied();
    let (rows, total) = db
        .read(move |c| {
            if let Some(order_refund) = orderRefund {
                return rows::of_order_refund(c, order_refund).map(|rows| {
                    let n = rows.len() as i64;
                    (rows, n)
                });
            }
            Pager::fetch(page, |offset, limit| rows::list(c, wanted, offset, limit))
        })
        .await?;
    let status = wanted.unwrap_or_default().to_string();
    let pager = Pager::new(page, total, &[("status", &status)]);
    let statuses = state::ALL.iter().map(|s| (s.to_string(), state::label(s))).collect();
    render(&ListPage {
        staff,
        rows: rows.into_iter().map(Into::into).collect(),
        status,
        statuses,
        cert: cert_line(wx),
        pager,
    })
}

#[derive(Template)]
#[template(path = "admin/wechat_refunds/detail.html")]
struct DetailPage {
    staff: Staff,
    r: Shown,
}

async fn load(db: &Db, id: i64) -> Result<RefundRow, AdminError> {
    db.read(move |c| rows::get(c, id)).await?.ok_or(AdminError::NotFound)
}

/// GET /admin/wechat-refunds/<id> — staff only.
#[get("/wechat-refunds/<id>", rank = 2)]
async fn detail(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let r = load(db, id).await?;
    render(&DetailPage { staff, r: r.into() })
}

/// POST /admin/wechat-refunds/<id>/query — staff only. Asks WeChat how the refund stands now.
#[post("/wechat-refunds/<id>/query", data = "<_form>")]
async fn query(
    _staff: Staff,
    db: &State<Db>,
    wx: &State<WxRefunds>,
    id: i64,
    _form: Posted<Empty>,
) -> Result<Answer, AdminError> {
    load(db, id).await?;
    let back = format!("/admin/wechat-refunds/{id}");
    match wechat_refund::query_async(db, wx, id).await.map_err(ApiError::from) {
        Ok(r) => Ok(done(back, format!("已向微信查询：{}", state::label(&r.status)))),
        Err(e @ (ApiError::Busy | ApiError::Internal(_))) => Err(e.into()),
        Err(e) => Ok(failed(back, e.msg())),
    }
}

/// POST /admin/wechat-refunds/<id>/retry — staff only. Sends a failed refund again under the same
/// out_refund_no (WeChat refunds it once).
#[post("/wechat-refunds/<id>/retry", data = "<_form>")]
async fn retry(
    _staff: Staff,
    db: &State<Db>,
    wx: &State<WxRefunds>,
    id: i64,
    _form: Posted<Empty>,
) -> Result<Answer, AdminError> {
    let before = load(db, id).await?;
    let back = format!("/admin/wechat-refunds/{id}");
    if before.status != state::FAILED {
        return Ok(failed(back, format!("该退款{}，无需重试", state::label(&before.status))));
    }
    let r = wechat_refund::send_now(db, wx, id).await?;
    match r.status.as_str() {
        state::FAILED => Ok(failed(back, wechat_refund::sent_words(&r))),
        _ => Ok(done(back, wechat_refund::sent_words(&r))),
    }
}

#[derive(Template)]
#[template(path = "admin/wechat_refunds/new.html")]
struct NewPage {
    staff: Staff,
    asked: String,
    payment: Option<PaymentShown>,
    amount: String,
    reason: String,
    error: Option<String>,
}

struct PaymentShown {
    id: i64,
    out_trade_no: String,
    user_id: i64,
    purpose: &'static str,
    paid: String,
    left: String,
    balance: String,
    paid_at: String,
}

/// The payment the merchant typed (its id or out_trade_no), with what it still holds.
fn find_payment(c: &rusqlite::Connection, asked: &str) -> Result<Option<PaymentShown>, AdminError> {
    let asked = asked.trim();
    let p: Option<PaidPayment> = match asked.parse::<i64>() {
        Ok(id) => rows::paid_payment_by_id(c, id)?,
        Err(_) => None,
    };
    let p = match p {
        Some(p) => Some(p),
        None => rows::paid_payment_by_out_trade_no(c, asked)?,
    };
    let Some(p) = p else { return Ok(None) };
    let left = p.paid_fen - rows::refunded_of_payment(c, p.id)?;
    let balance = ledger::accounts_of(c, p.user_id)?.balance;
    Ok(Some(PaymentShown {
        id: p.id,
        out_trade_no: p.out_trade_no,
        user_id: p.user_id,
        purpose: if p.action_type == -1 { "余额充值" } else { "支付订单等" },
        paid: money::format(p.paid_fen),
        left: money::format(left.max(0)),
        balance: money::format(balance),
        paid_at: when(&p.date_paid),
    }))
}

/// GET /admin/wechat-refunds/new?payment= — staff only. A payment's refund form.
#[get("/wechat-refunds/new?<payment>")]
async fn new_page(staff: Staff, db: &State<Db>, payment: Option<&str>) -> Result<Html, AdminError> {
    let asked = payment.unwrap_or_default().trim().to_string();
    let a = asked.clone();
    let found = if asked.is_empty() { None } else { db.read(move |c| find_payment(c, &a)).await? };
    let error = (!asked.is_empty() && found.is_none()).then(|| format!("没有找到已支付的微信支付 {asked}"));
    render(&NewPage { staff, asked, payment: found, amount: String::new(), reason: String::new(), error })
}

#[derive(FromForm)]
struct RefundForm {
    payment: i64,
    amount: String,
    reason: String,
    confirm: bool,
}

/// POST /admin/wechat-refunds/new — staff only. Refunds part or all of a paid payment to WeChat:
/// needs a reason and the confirmation box; refused when the balance has spent the money.
#[post("/wechat-refunds/new", data = "<form>")]
async fn create(
    staff: Staff,
    db: &State<Db>,
    wx: &State<WxRefunds>,
    form: Posted<RefundForm>,
) -> Result<Answer, AdminError> {
    let f = form.0;
    let payment_id = f.payment;
    let again = |staff: Staff, found: Option<PaymentShown>, error: String| {
        render(&NewPage {
            staff,
            asked: payment_id.to_string(),
            payment: found,
            amount: f.amount.clone(),
            reason: f.reason.clone(),
            error: Some(error),
        })
        .map(Answer::Page)
    };
    let found = db.read(move |c| find_payment(c, &payment_id.to_string())).await?;
    let Some(fen) = money::parse(&f.amount).filter(|f| *f > 0) else {
        return again(staff, found, "请填写大于 0 的退款金额（元）".into());
    };
    if f.reason.trim().is_empty() {
        return again(staff, found, "请填写退款原因".into());
    }
    if !f.confirm {
        return again(staff, found, "请勾选确认：退款将原路退回买家的微信，无法撤回".into());
    }
    let reason = f.reason.clone();
    // A refusal rolls the whole transaction back (the refund row goes with it).
    let started: Result<i64, ApiError> = db
        .write(move |c| wechat_refund::start_payment_refund(c, payment_id, fen, &reason, db::unix_now()))
        .await
        .map_err(ApiError::from);
    let id = match started {
        Ok(id) => id,
        Err(e @ (ApiError::Busy | ApiError::Internal(_))) => return Err(e.into()),
        Err(e) => return again(staff, found, e.msg()),
    };
    let r = wechat_refund::send_now(db, wx, id).await?;
    Ok(done(format!("/admin/wechat-refunds/{id}"), wechat_refund::sent_words(&r)))
}
