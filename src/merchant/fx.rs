//! Distribution (三级分销) for the merchant's own systems: applications (approve, or reject with
//! a reason), distributors, and the commission ledger an ERP audits or pays out from. The rules
//! are settings (`GET/PATCH /settings`, keys `fx…`).

use rocket::serde::json::Json;
use rocket::{get, post, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::body::opt_int;
use super::{Answer, ApiKey, JsonBody, Paged, Paging, Problem};
use crate::db::fx::{
    self as store, apply_status, commission_status, Application, Commission, CommissionFilter,
};
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::money::to_yuan;
use crate::service::error::Error as ServiceError;
use crate::service::fx;

pub fn routes() -> Vec<Route> {
    routes![applications, approve, reject, sellers, commissions]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationView {
    pub id: i64,
    pub user_id: i64,
    pub nick: String,
    pub name: String,
    pub mobile: String,
    /// 0 awaiting review, 1 rejected, 2 approved.
    pub status: i64,
    pub status_str: &'static str,
    pub remark: String,
    pub date_add: String,
    pub date_update: Option<String>,
}

impl From<Application> for ApplicationView {
    fn from(a: Application) -> Self {
        ApplicationView {
            id: a.id,
            user_id: a.user_id,
            nick: a.nick,
            name: a.name,
            mobile: a.mobile,
            status: a.status,
            status_str: apply_status::label(a.status),
            remark: a.remark,
            date_add: db::format_unix(a.date_add),
            date_update: a.date_update.map(db::format_unix),
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

/// GET /admin/api/v1/fx/applications?status=&page=&pageSize= — merchant key. Newest first.
#[get("/fx/applications?<q..>")]
async fn applications(
    _key: ApiKey,
    db: &State<Db>,
    q: ListQuery<'_>,
) -> Answer<Json<Paged<ApplicationView>>> {
    let status = opt_int("status", q.status, 0..=2)?;
    let paging = Paging::new(q.page, q.page_size)?;
    let (total, rows) =
        db.read(move |c| store::applications(c, status, paging.offset(), paging.page_size)).await?;
    Ok(Json(paging.wrap(rows.into_iter().map(Into::into).collect(), total)))
}

fn named(e: ServiceError) -> Problem {
    match e {
        ServiceError::NotFound(_) => MerchantError::NotFound("distributor application").into(),
        other => other.into(),
    }
}

/// `{"reason": "..."}`: required to reject, optional to approve.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct DecisionBody {
    pub reason: String,
}

/// POST /admin/api/v1/fx/applications/<id>/approve — merchant key. The shopper becomes a
/// distributor; 409 once decided.
#[post("/fx/applications/<id>/approve", data = "<body>")]
async fn approve(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: Option<JsonBody<DecisionBody>>,
) -> Answer<Json<ApplicationView>> {
    let remark = body.map(|b| b.0.reason).unwrap_or_default();
    let a = db.write(move |c| fx::decide(c, id, true, &remark, db::unix_now()).map_err(named)).await?;
    Ok(Json(a.into()))
}

/// POST /admin/api/v1/fx/applications/<id>/reject — merchant key. `{"reason"}` required (the
/// shopper sees it in fxApplyProgress); 409 once decided.
#[post("/fx/applications/<id>/reject", data = "<body>")]
async fn reject(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<DecisionBody>,
) -> Answer<Json<ApplicationView>> {
    let remark = body.0.reason;
    let a = db.write(move |c| fx::decide(c, id, false, &remark, db::unix_now()).map_err(named)).await?;
    Ok(Json(a.into()))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SellerView {
    pub user_id: i64,
    pub nick: String,
    pub mobile: String,
    /// apply, auto, buy or admin.
    pub source: String,
    pub level1: i64,
    pub level2: i64,
    /// Money commission, fen.
    pub pending_fen: i64,
    pub settled_fen: i64,
    pub date_add: String,
}

/// `?page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct PageQuery<'r> {
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// GET /admin/api/v1/fx/sellers?page=&pageSize= — merchant key. Distributors, newest first.
#[get("/fx/sellers?<q..>")]
async fn sellers(_key: ApiKey, db: &State<Db>, q: PageQuery<'_>) -> Answer<Json<Paged<SellerView>>> {
    let paging = Paging::new(q.page, q.page_size)?;
    let (total, rows) = db.read(move |c| store::sellers(c, paging.offset(), paging.page_size)).await?;
    let rows = rows
        .into_iter()
        .map(|s| SellerView {
            user_id: s.user_id,
            nick: s.nick,
            mobile: s.mobile,
            source: s.source,
            level1: s.level1,
            level2: s.level2,
            pending_fen: s.pending,
            settled_fen: s.settled,
            date_add: db::format_unix(s.date_add),
        })
        .collect();
    Ok(Json(paging.wrap(rows, total)))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommissionView {
    pub id: i64,
    pub user_id: i64,
    pub buyer_id: i64,
    pub order_id: i64,
    pub order_number: String,
    pub order_goods_id: i64,
    pub goods_name: String,
    pub level: i64,
    /// 0 money (fen), 1 points.
    pub unit: i64,
    /// Fen the line paid, the percentage, and what it gave.
    pub base_fen: i64,
    pub percent: i64,
    pub amount: i64,
    pub cancelled: i64,
    /// Yuan of `amount − cancelled − clawed` (money only).
    pub money: f64,
    /// 0 pending, 1 settled, 2 cancelled.
    pub status: i64,
    pub status_str: &'static str,
    pub settle_after: Option<String>,
    pub date_add: String,
    pub date_settle: Option<String>,
    /// 0 a distribution level, 1 the team leader's share, 2 the partner's.
    pub kind: i64,
    /// Taken back after settlement (same unit as `amount`), with the reason.
    pub clawed: i64,
    pub claw_reason: String,
}

impl From<Commission> for CommissionView {
    fn from(m: Commission) -> Self {
        CommissionView {
            id: m.id,
            user_id: m.user_id,
            buyer_id: m.buyer_id,
            order_id: m.order_id,
            order_number: m.order_number,
            order_goods_id: m.order_goods_id,
            goods_name: m.goods_name,
            level: m.level,
            unit: m.unit,
            base_fen: m.base,
            percent: m.percent,
            amount: m.amount,
            cancelled: m.cancelled,
            money: if m.unit == 0 { to_yuan(m.amount - m.cancelled - m.clawed) } else { 0.0 },
            status: m.status,
            status_str: commission_status::label(m.status),
            settle_after: m.settle_after.map(db::format_unix),
            date_add: db::format_unix(m.date_add),
            date_settle: m.date_settle.map(db::format_unix),
            kind: m.kind,
            clawed: m.clawed,
            claw_reason: m.claw_reason,
        }
    }
}

/// `?status=&userId=&buyerId=&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct CommissionQuery<'r> {
    status: Option<&'r str>,
    #[field(name = "userId")]
    user_id: Option<&'r str>,
    #[field(name = "buyerId")]
    buyer_id: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// GET /admin/api/v1/fx/commissions?status=&userId=&buyerId=&page=&pageSize= — merchant key.
/// The commission ledger, newest first.
#[get("/fx/commissions?<q..>")]
async fn commissions(
    _key: ApiKey,
    db: &State<Db>,
    q: CommissionQuery<'_>,
) -> Answer<Json<Paged<CommissionView>>> {
    let filter = CommissionFilter {
        status: opt_int("status", q.status, 0..=2)?,
        user_id: opt_int("userId", q.user_id, 1..=i64::MAX)?,
        buyer: opt_int("buyerId", q.buyer_id, 1..=i64::MAX)?,
        ..CommissionFilter::default()
    };
    let paging = Paging::new(q.page, q.page_size)?;
    let (total, rows) =
        db.read(move |c| store::commissions(c, &filter, paging.offset(), paging.page_size)).await?;
    Ok(Json(paging.wrap(rows.into_iter().map(Into::into).collect(), total)))
}
