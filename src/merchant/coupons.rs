//! Coupon rules (what `coupons` / `fetchCoupons` serve) and issuing coupons to shoppers.

use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{delete, get, post, put, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::body::{fen, opt_text};
use super::{Answer, ApiKey, JsonBody, Paged, Paging, Problem, BASE};
use crate::db::coupons::{self as store, Rule, RuleFields};
use crate::db::{self, Db};
use crate::error::{ApiError, MerchantError};
use crate::money;
use crate::service::coupons as service;

pub fn routes() -> Vec<Route> {
    routes![list, create, show, replace, remove, issue]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CouponView {
    pub id: i64,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// 0 amount off, 1 discount.
    pub money_type: i64,
    /// Yuan off (moneyType 0); null for discounts.
    pub money: Option<f64>,
    /// Percent still paid (moneyType 1: 88 = 8.8折); null for amounts off.
    pub discount_percent: Option<i64>,
    pub money_max: f64,
    pub money_hreshold: f64,
    /// 0 all goods, 1 goods in `refIds`, 2 categories in `refIds`.
    pub scope: i64,
    pub ref_ids: Vec<i64>,
    /// 0 fixed window [dateStart, dateEnd); 1 `validDays` after taking.
    pub valid_type: i64,
    pub date_start: String,
    pub date_end: String,
    pub valid_days: i64,
    pub number_total: i64,
    pub number_taken: i64,
    pub per_user: i64,
    pub need_score: i64,
    pub need_amount: f64,
    pub pwd: String,
    pub status: i64,
    pub paixu: i64,
    pub date_add: String,
    pub date_update: String,
}

impl From<Rule> for CouponView {
    fn from(r: Rule) -> Self {
        let f = r.f;
        let fixed = f.valid_type == 0;
        CouponView {
            id: r.id,
            money: (f.money_type == 0).then(|| money::to_yuan(f.money)),
            discount_percent: (f.money_type == 1).then_some(f.money),
            name: f.name,
            kind: f.kind,
            money_type: f.money_type,
            money_max: money::to_yuan(f.money_max),
            money_hreshold: money::to_yuan(f.money_hreshold),
            scope: f.scope,
            ref_ids: f.refs,
            valid_type: f.valid_type,
            date_start: if fixed { db::format_unix(f.date_start) } else { String::new() },
            date_end: if fixed { db::format_unix(f.date_end) } else { String::new() },
            valid_days: f.valid_days,
            number_total: f.number_total,
            number_taken: r.number_taken,
            per_user: f.per_user,
            need_score: f.need_score,
            need_amount: money::to_yuan(f.need_amount),
            pwd: f.pwd,
            status: f.status,
            paixu: f.paixu,
            date_add: db::format_unix(r.date_add),
            date_update: db::format_unix(r.date_update),
        }
    }
}

/// A whole rule as POST and PUT send it; absent fields take their defaults, except `numberTotal`,
/// which PUT leaves as it is when absent (shoppers take from it). Money in yuan; times as
/// "YYYY-MM-DD HH:MM:SS" in the shop's time zone.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct CouponBody {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub money_type: i64,
    pub money: f64,
    pub discount_percent: i64,
    pub money_max: f64,
    pub money_hreshold: f64,
    pub scope: i64,
    pub ref_ids: Vec<i64>,
    pub valid_type: i64,
    pub date_start: String,
    pub date_end: String,
    pub valid_days: i64,
    pub number_total: Option<i64>,
    pub per_user: i64,
    pub need_score: i64,
    pub need_amount: f64,
    pub pwd: String,
    pub status: i64,
    pub paixu: i64,
}

impl Default for CouponBody {
    fn default() -> Self {
        CouponBody {
            name: String::new(),
            kind: String::new(),
            money_type: 0,
            money: 0.0,
            discount_percent: 0,
            money_max: 0.0,
            money_hreshold: 0.0,
            scope: 0,
            ref_ids: Vec::new(),
            valid_type: 0,
            date_start: String::new(),
            date_end: String::new(),
            valid_days: 0,
            number_total: None,
            per_user: 1,
            need_score: 0,
            need_amount: 0.0,
            pwd: String::new(),
            status: 0,
            paixu: 0,
        }
    }
}

/// "YYYY-MM-DD HH:MM[:SS]" in the shop's time zone; 0 for "".
pub(super) fn parse_time(field: &'static str, v: &str) -> Result<i64, Problem> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(0);
    }
    let full = if v.len() == 16 { format!("{v}:00") } else { v.to_string() };
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(&full, &f)
        .map(|t| t.assume_offset(time::macros::offset!(+8)).unix_timestamp())
        .map_err(|_| Problem::invalid(field, "must be \"YYYY-MM-DD HH:MM:SS\" (Asia/Shanghai)"))
}

impl CouponBody {
    fn fields(self) -> Result<RuleFields, Problem> {
        Ok(RuleFields {
            money: if self.money_type == 1 { self.discount_percent } else { fen("money", self.money)? },
            money_max: fen("moneyMax", self.money_max)?,
            money_hreshold: fen("moneyHreshold", self.money_hreshold)?,
            need_amount: fen("needAmount", self.need_amount)?,
            date_start: parse_time("dateStart", &self.date_start)?,
            date_end: parse_time("dateEnd", &self.date_end)?,
            name: self.name,
            kind: self.kind,
            money_type: self.money_type,
            scope: self.scope,
            refs: self.ref_ids,
            valid_type: self.valid_type,
            valid_days: self.valid_days,
            number_total: self.number_total.unwrap_or(0),
            per_user: self.per_user,
            need_score: self.need_score,
            pwd: self.pwd,
            status: self.status,
            paixu: self.paixu,
        })
    }
}

/// `?search=&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct ListQuery<'r> {
    search: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// The service's refusals in the API's words.
fn problem(e: impl Into<ApiError>) -> Problem {
    match e.into() {
        ApiError::NotFound("优惠券") => MerchantError::NotFound("coupon").into(),
        ApiError::NotFound(_) => MerchantError::NotFound("user").into(),
        other => other.into(),
    }
}

async fn load(db: &Db, id: i64) -> Answer<CouponView> {
    let found = db.read(move |c| store::rule(c, id)).await?;
    Ok(found.ok_or(MerchantError::NotFound("coupon"))?.into())
}

/// GET /admin/api/v1/coupons?search=&page=&pageSize= — merchant key. Newest first, on or off.
#[get("/coupons?<q..>")]
async fn list(_key: ApiKey, db: &State<Db>, q: ListQuery<'_>) -> Answer<Json<Paged<CouponView>>> {
    let search = opt_text("search", q.search, 100)?;
    let paging = Paging::new(q.page, q.page_size)?;
    let (rows, total) =
        db.read(move |c| store::all_rules(c, search.as_deref(), paging.offset(), paging.page_size)).await?;
    Ok(Json(paging.wrap(rows.into_iter().map(Into::into).collect(), total)))
}

/// POST /admin/api/v1/coupons — merchant key. 201 with `Location`.
#[post("/coupons", data = "<body>")]
async fn create(
    _key: ApiKey,
    db: &State<Db>,
    body: JsonBody<CouponBody>,
) -> Answer<Created<Json<CouponView>>> {
    let f = body.0.fields()?;
    let now = db::unix_now();
    let id = db.write(move |c| service::save_rule(c, None, f, now)).await.map_err(problem)?;
    Ok(Created::new(format!("{BASE}/coupons/{id}")).body(Json(load(db, id).await?)))
}

/// GET /admin/api/v1/coupons/<id> — merchant key.
#[get("/coupons/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<CouponView>> {
    Ok(Json(load(db, id).await?))
}

/// PUT /admin/api/v1/coupons/<id> — merchant key. Replaces the whole rule (`numberTotal` absent:
/// unchanged); coupons already held keep their validity dates.
#[put("/coupons/<id>", data = "<body>")]
async fn replace(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<CouponBody>,
) -> Answer<Json<CouponView>> {
    let keep_total = body.0.number_total.is_none();
    let mut f = body.0.fields()?;
    let now = db::unix_now();
    db.write(move |c| {
        if keep_total {
            // Read in the write transaction: the total as it is, not as some earlier GET saw it.
            f.number_total = store::rule(c, id)?.map_or(0, |r| r.f.number_total);
        }
        service::save_rule(c, Some(id), f, now)
    })
    .await
    .map_err(problem)?;
    Ok(Json(load(db, id).await?))
}

/// DELETE /admin/api/v1/coupons/<id> — merchant key. 204; 409 when shoppers hold coupons of it.
#[delete("/coupons/<id>")]
async fn remove(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Status> {
    db.write(move |c| service::delete_rule(c, id)).await.map_err(problem)?;
    Ok(Status::NoContent)
}

/// `{"userIds": [..]}`: who gets one coupon each.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct IssueBody {
    pub user_ids: Vec<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Issued {
    pub issued: usize,
}

/// POST /admin/api/v1/coupons/<id>/issue — merchant key. One coupon to each user, outside the
/// public stock; all or none (404 names no user when one is unknown).
#[post("/coupons/<id>/issue", data = "<body>")]
async fn issue(_key: ApiKey, db: &State<Db>, id: i64, body: JsonBody<IssueBody>) -> Answer<Json<Issued>> {
    let mut users = body.0.user_ids;
    users.sort_unstable();
    users.dedup();
    if users.is_empty() || users.len() > 1000 {
        return Err(Problem::invalid("userIds", "must list 1 to 1000 user ids"));
    }
    let now = db::unix_now();
    let issued = db.write(move |c| service::issue(c, id, &users, now)).await.map_err(problem)?;
    Ok(Json(Issued { issued }))
}
