//! Partners and team leaders, per-goods commission percentages, claw-back of settled commission
//! after a refund, monthly sales targets and a distributor's tree, for the merchant's own
//! systems. The partner rules are settings (`GET/PATCH /settings`, keys `partner…`).

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{delete, get, post, put, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::body::opt_int;
use super::fx::CommissionView;
use super::{Answer, ApiKey, JsonBody, Paged, Paging};
use crate::db::fx_reports::{self as reports, target_kind};
use crate::db::fx_rules::{self as rules_store, GoodsPercents};
use crate::db::partner::{self as store, role};
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::service::{fx_rules, partner};

pub fn routes() -> Vec<Route> {
    routes![
        partners,
        appoint,
        goods_percents,
        set_goods_percents,
        targets,
        set_target,
        remove_target,
        claw_back,
        tree
    ]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleView {
    pub user_id: i64,
    pub nick: String,
    pub mobile: String,
    /// 2 team leader, 3 partner.
    pub role: i64,
    pub role_str: &'static str,
    /// A leader's partner.
    pub parent_id: Option<i64>,
    pub parent_nick: String,
    /// buy, admin.
    pub source: String,
    /// Leaders of a partner; members of a leader.
    pub below: i64,
    pub date_add: String,
}

/// `?role=&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct RoleQuery<'r> {
    role: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// GET /admin/api/v1/fx/partners?role=&page=&pageSize= — merchant key. Partners (role 3,
/// default) or team leaders (role 2), newest first.
#[get("/fx/partners?<q..>")]
async fn partners(_key: ApiKey, db: &State<Db>, q: RoleQuery<'_>) -> Answer<Json<Paged<RoleView>>> {
    let wanted = opt_int("role", q.role, 2..=3)?.unwrap_or(role::PARTNER);
    let paging = Paging::new(q.page, q.page_size)?;
    let (total, rows) =
        db.read(move |c| store::by_role(c, wanted, paging.offset(), paging.page_size)).await?;
    let rows = rows
        .into_iter()
        .map(|r| RoleView {
            user_id: r.user_id,
            nick: r.nick,
            mobile: r.mobile,
            role: r.role,
            role_str: role::label(r.role),
            parent_id: r.parent_id,
            parent_nick: r.parent_nick,
            source: r.source,
            below: r.below,
            date_add: db::format_unix(r.date_add),
        })
        .collect();
    Ok(Json(paging.wrap(rows, total)))
}

/// `{"userId", "role"}`: role 2 team leader, 3 partner, 0 takes the role away.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppointBody {
    pub user_id: i64,
    pub role: i64,
}

/// POST /admin/api/v1/fx/partners — merchant key. Makes a shopper a team leader or partner (or,
/// role 0, nothing); 204.
#[post("/fx/partners", data = "<body>")]
async fn appoint(_key: ApiKey, db: &State<Db>, body: JsonBody<AppointBody>) -> Answer<Status> {
    let AppointBody { user_id, role: to } = body.0;
    db.write(move |c| partner::appoint(c, user_id, to, "admin", db::unix_now())).await?;
    Ok(Status::NoContent)
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PercentsView {
    #[serde(default)]
    pub goods_id: i64,
    #[serde(default)]
    pub goods_name: String,
    /// null: the shop's percent for that level.
    pub percent1: Option<i64>,
    pub percent2: Option<i64>,
    pub percent3: Option<i64>,
}

/// GET /admin/api/v1/fx/goods-percents — merchant key. Goods with their own percentages.
#[get("/fx/goods-percents")]
async fn goods_percents(_key: ApiKey, db: &State<Db>) -> Answer<Json<Vec<PercentsView>>> {
    let rows = db.read(rules_store::all_goods_percents).await?;
    Ok(Json(
        rows.into_iter()
            .map(|(g, name)| PercentsView {
                goods_id: g.goods_id,
                goods_name: name,
                percent1: g.percents[0],
                percent2: g.percents[1],
                percent3: g.percents[2],
            })
            .collect(),
    ))
}

/// PUT /admin/api/v1/fx/goods-percents/<goods_id> — merchant key. `{"percent1", "percent2",
/// "percent3"}` (null: the shop's); all null removes the override; 422 when the levels with
/// the team shares would total over 100%.
#[put("/fx/goods-percents/<goods_id>", data = "<body>")]
async fn set_goods_percents(
    _key: ApiKey,
    db: &State<Db>,
    goods_id: i64,
    body: JsonBody<PercentsView>,
) -> Answer<Status> {
    let p = GoodsPercents { goods_id, percents: [body.0.percent1, body.0.percent2, body.0.percent3] };
    db.write(move |c| fx_rules::set_goods_percents(c, &p, db::unix_now())).await?;
    Ok(Status::NoContent)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetView {
    pub id: i64,
    /// city or team.
    pub kind: &'static str,
    pub province_id: String,
    pub city_id: String,
    pub standard_saleroom_fen: i64,
    pub date_add: String,
}

/// GET /admin/api/v1/fx/targets — merchant key. The monthly sales targets, cities then team.
#[get("/fx/targets")]
async fn targets(_key: ApiKey, db: &State<Db>) -> Answer<Json<Vec<TargetView>>> {
    let rows = db
        .read(|c| {
            let mut all = reports::targets(c, target_kind::CITY)?;
            all.extend(reports::targets(c, target_kind::TEAM)?);
            Ok::<_, db::Error>(all)
        })
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|t| TargetView {
                id: t.id,
                kind: if t.kind == target_kind::CITY { "city" } else { "team" },
                province_id: t.province_id,
                city_id: t.city_id,
                standard_saleroom_fen: t.standard,
                date_add: db::format_unix(t.date_add),
            })
            .collect(),
    ))
}

/// `{"provinceId", "cityId", "standardSaleroomFen"}`; no ids: the team target.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TargetBody {
    #[serde(default)]
    pub province_id: String,
    #[serde(default)]
    pub city_id: String,
    pub standard_saleroom_fen: i64,
}

#[derive(Debug, Serialize)]
pub struct Created {
    pub id: i64,
}

/// POST /admin/api/v1/fx/targets — merchant key. Sets (or changes) a city's or the team's monthly
/// target; from then on fxCities / fxCityReport / fxTeamReport answer the figures.
#[post("/fx/targets", data = "<body>")]
async fn set_target(_key: ApiKey, db: &State<Db>, body: JsonBody<TargetBody>) -> Answer<Json<Created>> {
    let b = body.0;
    let id = db
        .write(move |c| {
            fx_rules::set_target(c, &b.province_id, &b.city_id, b.standard_saleroom_fen, db::unix_now())
        })
        .await?;
    Ok(Json(Created { id }))
}

/// DELETE /admin/api/v1/fx/targets/<id> — merchant key. 204, or 404 when there was none.
#[delete("/fx/targets/<id>")]
async fn remove_target(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Status> {
    if db.write(move |c| reports::delete_target(c, id)).await? {
        Ok(Status::NoContent)
    } else {
        Err(MerchantError::NotFound("sales target").into())
    }
}

/// `{"reason", "amount"?}`: amount in fen (points for a points commission); all that is left
/// when absent.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClawBody {
    pub reason: String,
    #[serde(default)]
    pub amount: Option<i64>,
}

/// POST /admin/api/v1/fx/commissions/<id>/clawback — merchant key. Takes settled commission of a
/// refunded order back from the earner's balance (or points) with a ledger row giving the
/// reason; 409 when not settled, the order had no refund, or the earner's balance is short.
#[post("/fx/commissions/<id>/clawback", data = "<body>")]
async fn claw_back(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<ClawBody>,
) -> Answer<Json<CommissionView>> {
    let ClawBody { reason, amount } = body.0;
    let m = db.write(move |c| fx_rules::claw_back(c, id, amount, &reason)).await?;
    Ok(Json(m.into()))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeView {
    pub user_id: i64,
    pub level: i64,
    pub referrer_id: Option<i64>,
    pub nick: String,
    pub is_seller: bool,
    pub date_bind: String,
}

/// GET /admin/api/v1/fx/sellers/<id>/tree — merchant key. The downline 1–3 levels below
/// shopper `id` (at most 2,000), level by level, each member with who referred them.
#[get("/fx/sellers/<id>/tree")]
async fn tree(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<Vec<NodeView>>> {
    let rows = db
        .read(move |c| {
            if db::user::by_id(c, id)?.is_none() {
                return Ok(None);
            }
            reports::tree(c, id, 2000).map(Some)
        })
        .await?
        .ok_or(MerchantError::NotFound("user"))?;
    Ok(Json(
        rows.into_iter()
            .map(|n| NodeView {
                user_id: n.user_id,
                level: n.depth,
                referrer_id: n.referrer_id,
                nick: n.nick,
                is_seller: n.is_seller,
                date_bind: db::format_unix(n.date_add),
            })
            .collect(),
    ))
}
