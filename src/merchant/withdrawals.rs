//! Withdrawals (提现) for the merchant's own systems: list them, and record the decision after
//! paying out by hand (approve, with an optional transfer reference) or reject with a reason.

use rocket::serde::json::Json;
use rocket::{get, post, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::body::opt_int;
use super::{Answer, ApiKey, JsonBody, Paged, Paging, Problem};
use crate::db::withdraw::{self as store, status, WithdrawalRow};
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::money::to_yuan;
use crate::service::error::Error as ServiceError;
use crate::service::withdraw::{self, Decision};

pub fn routes() -> Vec<Route> {
    routes![list, approve, reject]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalView {
    pub id: i64,
    pub number: String,
    pub user_id: i64,
    pub nick: String,
    /// Yuan.
    pub money: f64,
    pub money_fen: i64,
    /// 0 waiting, 1 approved (paid out), 2 rejected.
    pub status: i64,
    pub status_str: &'static str,
    pub remark: String,
    pub rejection_reason: String,
    pub pay_reference: String,
    pub decided_by: String,
    pub date_decide: Option<String>,
    pub date_add: String,
}

impl From<WithdrawalRow> for WithdrawalView {
    fn from(w: WithdrawalRow) -> Self {
        WithdrawalView {
            id: w.id,
            number: w.number,
            user_id: w.user_id,
            nick: w.nick,
            money: to_yuan(w.money),
            money_fen: w.money,
            status: w.status,
            status_str: status::label(w.status),
            remark: w.remark,
            rejection_reason: w.rejection_reason,
            pay_reference: w.pay_reference,
            decided_by: w.decided_by,
            date_decide: w.date_decide.map(db::format_unix),
            date_add: db::format_unix(w.date_add),
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

/// GET /admin/api/v1/withdrawals?status=&page=&pageSize= — merchant key. Newest first.
#[get("/withdrawals?<q..>")]
async fn list(_key: ApiKey, db: &State<Db>, q: ListQuery<'_>) -> Answer<Json<Paged<WithdrawalView>>> {
    let status = opt_int("status", q.status, 0..=2)?;
    let paging = Paging::new(q.page, q.page_size)?;
    let (rows, total) =
        db.read(move |c| store::list(c, None, status, paging.offset(), paging.page_size)).await?;
    Ok(Json(paging.wrap(rows.into_iter().map(Into::into).collect(), total)))
}

/// Who decided, as the record keeps it.
fn by(key: &ApiKey) -> String {
    match key.key_id {
        Some(id) => format!("API 密钥 #{id}"),
        None => "API 密钥（配置）".into(),
    }
}

fn named(e: ServiceError) -> Problem {
    match e {
        ServiceError::NotFound(_) => MerchantError::NotFound("withdrawal").into(),
        other => other.into(),
    }
}

/// `{"reference": "..."}` (approve, optional) / `{"reason": "..."}` (reject, required).
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct DecisionBody {
    pub reference: String,
    pub reason: String,
}

/// POST /admin/api/v1/withdrawals/<id>/approve — merchant key. Call after paying the money out
/// by hand: it leaves the shopper's frozen money. `{"reference"}` optional; 409 once decided.
#[post("/withdrawals/<id>/approve", data = "<body>")]
async fn approve(
    key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: Option<JsonBody<DecisionBody>>,
) -> Answer<Json<WithdrawalView>> {
    let d = Decision::Approve { reference: body.map(|b| b.0.reference).unwrap_or_default() };
    let who = by(&key);
    let w = db.write(move |c| withdraw::decide(c, id, &d, &who, db::unix_now()).map_err(named)).await?;
    Ok(Json(w.into()))
}

/// POST /admin/api/v1/withdrawals/<id>/reject — merchant key. `{"reason"}` required; the money
/// goes back to the shopper's balance. 409 once decided.
#[post("/withdrawals/<id>/reject", data = "<body>")]
async fn reject(
    key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<DecisionBody>,
) -> Answer<Json<WithdrawalView>> {
    let d = Decision::Reject { reason: body.0.reason };
    let who = by(&key);
    let w = db.write(move |c| withdraw::decide(c, id, &d, &who, db::unix_now()).map_err(named)).await?;
    Ok(Json(w.into()))
}
