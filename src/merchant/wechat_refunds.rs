//! Refunds going back to WeChat Pay (after-sale refunds of WeChat-paid orders, and direct
//! refunds of payments), read-only: they are started by after-sale decisions and the console.

use rocket::serde::json::Json;
use rocket::{get, routes, FromForm, Route, State};
use serde::Serialize;

use super::{Answer, ApiKey, Paged, Paging, Problem};
use crate::db::wechat_refund::{self as rows, state, RefundRow};
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::money::to_yuan;

pub fn routes() -> Vec<Route> {
    routes![list, show]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WechatRefundView {
    pub id: i64,
    pub out_refund_no: String,
    /// pending | processing | success | failed | closed
    pub status: String,
    pub status_str: &'static str,
    /// Yuan going back to WeChat.
    pub amount: f64,
    pub reason: String,
    pub payment_id: i64,
    pub out_trade_no: String,
    pub transaction_id: String,
    pub user_id: i64,
    pub order_id: Option<i64>,
    pub refund_request_id: Option<i64>,
    /// WeChat's refund number once accepted.
    pub refund_id: String,
    pub err_code: String,
    pub err_code_des: String,
    pub settlement_amount: Option<f64>,
    pub recv_account: String,
    pub success_time: String,
    pub attempts: i64,
    pub date_add: String,
    pub date_update: String,
    pub date_done: Option<String>,
}

impl From<RefundRow> for WechatRefundView {
    fn from(r: RefundRow) -> Self {
        WechatRefundView {
            id: r.id,
            status_str: state::label(&r.status),
            status: r.status,
            out_refund_no: r.out_refund_no,
            amount: to_yuan(r.refund_fee),
            reason: r.reason,
            payment_id: r.payment_id,
            out_trade_no: r.out_trade_no,
            transaction_id: r.transaction_id,
            user_id: r.user_id,
            order_id: r.order_id,
            refund_request_id: r.order_refund_id,
            refund_id: r.refund_id,
            err_code: r.err_code,
            err_code_des: r.err_code_des,
            settlement_amount: r.settlement_refund_fee.map(to_yuan),
            recv_account: r.recv_account,
            success_time: r.success_time,
            attempts: r.attempts,
            date_add: db::format_unix(r.date_add),
            date_update: db::format_unix(r.date_update),
            date_done: r.date_done.map(db::format_unix),
        }
    }
}

/// `?status=&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct ListQuery<'r> {
    status: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// GET /admin/api/v1/wechat-refunds?status=&page=&pageSize= — merchant key. Newest first.
#[get("/wechat-refunds?<q..>")]
async fn list(_key: ApiKey, db: &State<Db>, q: ListQuery<'_>) -> Answer<Json<Paged<WechatRefundView>>> {
    let status = match q.status.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(*state::ALL.iter().find(|a| **a == s).ok_or_else(|| {
            Problem::invalid("status", "must be pending, processing, success, failed or closed")
        })?),
    };
    let paging = Paging::new(q.page, q.page_size)?;
    let (found, total) = db.read(move |c| rows::list(c, status, paging.offset(), paging.page_size)).await?;
    Ok(Json(paging.wrap(found.into_iter().map(Into::into).collect(), total)))
}

/// GET /admin/api/v1/wechat-refunds/<id> — merchant key.
#[get("/wechat-refunds/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<WechatRefundView>> {
    let found = db.read(move |c| rows::get(c, id)).await?;
    Ok(Json(found.ok_or(MerchantError::NotFound("wechat refund"))?.into()))
}
