//! WeChat Pay payments, read-only: the merchant's books reconcile against them.

use rocket::serde::json::Json;
use rocket::{get, routes, FromForm, Route, State};
use serde::Serialize;

use super::body::{opt_int, opt_text};
use super::{Answer, ApiKey, Paged, Paging, Problem};
use crate::db::payment::{self as store, status, Filter, Payment};
use crate::db::{self, Db};
use crate::error::MerchantError;

pub fn routes() -> Vec<Route> {
    routes![list, show]
}

/// A payment; money in fen (integers: the merchant API never rounds money).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentView {
    pub id: i64,
    pub out_trade_no: String,
    pub user_id: i64,
    pub money_fen: i64,
    pub paid_fen: Option<i64>,
    pub bonus_fen: i64,
    pub status: i64,
    pub status_str: &'static str,
    /// -1 recharge, 0 orders, 6 member level, 7 coupon.
    pub action_type: i64,
    /// As the shopper's client sent it (a JSON string).
    pub next_action: String,
    pub order_ids: Vec<i64>,
    pub remark: String,
    pub transaction_id: Option<String>,
    pub apply_error: String,
    pub query_count: i64,
    pub date_add: String,
    pub date_paid: Option<String>,
    pub date_close: Option<String>,
}

impl PaymentView {
    fn new(p: Payment, order_ids: Vec<i64>) -> Self {
        PaymentView {
            id: p.id,
            out_trade_no: p.out_trade_no,
            user_id: p.user_id,
            money_fen: p.money,
            paid_fen: p.paid_fen,
            bonus_fen: p.bonus_fen,
            status: p.status,
            status_str: status::label(p.status),
            action_type: p.action_type,
            next_action: p.next_action,
            order_ids,
            remark: p.remark,
            transaction_id: p.transaction_id,
            apply_error: p.apply_error,
            query_count: p.query_count,
            date_add: db::format_unix(p.date_add),
            date_paid: p.date_paid.map(db::format_unix),
            date_close: p.date_close.map(db::format_unix),
        }
    }
}

/// `?status=&userId=&outTradeNo=&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct ListQuery<'r> {
    status: Option<&'r str>,
    #[field(name = "userId")]
    user_id: Option<&'r str>,
    #[field(name = "outTradeNo")]
    out_trade_no: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// GET /admin/api/v1/payments?status=&userId=&outTradeNo=&page=&pageSize= — merchant key. Newest first.
#[get("/payments?<q..>")]
async fn list(_key: ApiKey, db: &State<Db>, q: ListQuery<'_>) -> Answer<Json<Paged<PaymentView>>> {
    let f = Filter {
        status: opt_int("status", q.status, 0..=3)?,
        user_id: opt_int("userId", q.user_id, 1..=i64::MAX)?,
        out_trade_no: opt_text("outTradeNo", q.out_trade_no, 32)?,
        order_id: None,
    };
    let paging = Paging::new(q.page, q.page_size)?;
    let views = db
        .read(move |c| {
            let (rows, total) = store::list(c, &f, paging.offset(), paging.page_size)?;
            let mut views = Vec::with_capacity(rows.len());
            for p in rows {
                let orders = store::orders_of(c, p.id)?;
                views.push(PaymentView::new(p, orders));
            }
            Ok::<_, Problem>(paging.wrap(views, total))
        })
        .await?;
    Ok(Json(views))
}

/// GET /admin/api/v1/payments/<id> — merchant key.
#[get("/payments/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<PaymentView>> {
    let found = db
        .read(move |c| {
            let Some(p) = store::by_id(c, id)? else { return Ok(None) };
            store::orders_of(c, id).map(|orders| Some(PaymentView::new(p, orders)))
        })
        .await?;
    Ok(Json(found.ok_or(MerchantError::NotFound("payment"))?))
}
