//! Member levels (`userLevelList` and friends in the mini-program) and their prices.

use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{delete, get, post, put, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::body::fen;
use super::{Answer, ApiKey, JsonBody, Paged, Paging, Problem, BASE};
use crate::db::levels::{Level, Price, PriceFields};
use crate::db::{self, Db};
use crate::error::{ApiError, MerchantError};
use crate::money;
use crate::service::error::{Entity, Error as ServiceError};
use crate::service::levels::{self, Benefits, LevelInput};

pub fn routes() -> Vec<Route> {
    routes![list, create, show, replace, remove, create_price, replace_price, remove_price]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceView {
    pub id: i64,
    pub level_id: i64,
    pub days: i64,
    /// Yuan.
    pub price: f64,
    pub original_price: f64,
    pub paixu: i64,
    pub status: i64,
    pub date_add: String,
    pub date_update: String,
}

impl From<Price> for PriceView {
    fn from(p: Price) -> Self {
        PriceView {
            id: p.id,
            level_id: p.level_id,
            days: p.fields.days,
            price: money::to_yuan(p.fields.price_fen),
            original_price: money::to_yuan(p.fields.original_price_fen),
            paixu: p.fields.paixu,
            status: p.fields.status,
            date_add: db::format_unix(p.date_add),
            date_update: db::format_unix(p.date_update),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LevelView {
    pub id: i64,
    pub name: String,
    pub level: i64,
    pub pic: String,
    pub remark: String,
    /// 折: 8.8 means members pay 88%; 10 is no discount.
    pub rebate: f64,
    pub upgrade_send_score: i64,
    pub ext_json: Benefits,
    pub paixu: i64,
    pub status: i64,
    /// Shoppers holding the level now.
    pub holders: i64,
    pub prices: Vec<PriceView>,
    pub date_add: String,
    pub date_update: String,
}

impl LevelView {
    fn new(l: Level, holders: i64, prices: Vec<Price>) -> LevelView {
        let f = l.fields;
        LevelView {
            id: l.id,
            ext_json: Benefits::parse(&f.ext_json),
            name: f.name,
            level: f.level,
            pic: f.pic,
            remark: f.remark,
            rebate: f.rebate_percent as f64 / 10.0,
            upgrade_send_score: f.upgrade_send_score,
            paixu: f.paixu,
            status: f.status,
            holders,
            prices: prices.into_iter().map(Into::into).collect(),
            date_add: db::format_unix(l.date_add),
            date_update: db::format_unix(l.date_update),
        }
    }
}

/// A whole level as POST and PUT send it; absent fields take their defaults.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct LevelBody {
    pub name: String,
    pub level: i64,
    pub pic: String,
    pub remark: String,
    pub rebate: f64,
    pub upgrade_send_score: i64,
    pub ext_json: Benefits,
    pub paixu: i64,
    pub status: i64,
}

impl Default for LevelBody {
    fn default() -> Self {
        LevelBody {
            name: String::new(),
            level: 0,
            pic: String::new(),
            remark: String::new(),
            rebate: 10.0,
            upgrade_send_score: 0,
            ext_json: Benefits::default(),
            paixu: 0,
            status: 0,
        }
    }
}

impl LevelBody {
    fn input(self) -> Result<LevelInput, ApiError> {
        Ok(LevelInput {
            rebate_percent: levels::rebate_percent(self.rebate)?,
            name: self.name,
            level: self.level,
            pic: self.pic,
            remark: self.remark,
            upgrade_send_score: self.upgrade_send_score,
            benefits: self.ext_json,
            paixu: self.paixu,
            status: self.status,
        })
    }
}

/// A whole price as POST and PUT send it; money in yuan with at most two decimals.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PriceBody {
    pub days: i64,
    pub price: Option<f64>,
    pub original_price: f64,
    pub paixu: i64,
    pub status: i64,
}

impl PriceBody {
    fn fields(self) -> Result<PriceFields, Problem> {
        let price = self.price.ok_or_else(|| Problem::invalid("price", "is required"))?;
        Ok(PriceFields {
            days: self.days,
            price_fen: fen("price", price)?,
            original_price_fen: fen("originalPrice", self.original_price)?,
            paixu: self.paixu,
            status: self.status,
        })
    }
}

/// `?page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct ListQuery<'r> {
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// The service's "not found" in the API's words.
fn not_found(what: &'static str) -> impl Fn(ServiceError) -> Problem {
    move |e| match e {
        ServiceError::NotFound(_) => MerchantError::NotFound(what).into(),
        other => other.into(),
    }
}

async fn load(db: &Db, id: i64) -> Answer<LevelView> {
    let found = db
        .read(move |c| {
            let Some(level) = db::levels::level_by_id(c, id)? else { return Ok(None) };
            let holders = db::levels::holders_of(c, id, db::unix_now())?;
            db::levels::prices_of(c, id, false).map(|prices| Some(LevelView::new(level, holders, prices)))
        })
        .await?;
    Ok(found.ok_or(MerchantError::NotFound("member level"))?)
}

/// GET /admin/api/v1/member-levels?page=&pageSize= — merchant key. By level number, shown or not.
#[get("/member-levels?<q..>")]
async fn list(_key: ApiKey, db: &State<Db>, q: ListQuery<'_>) -> Answer<Json<Paged<LevelView>>> {
    let paging = Paging::new(q.page, q.page_size)?;
    let (items, total) = db
        .read(move |c| {
            let (rows, total) = db::levels::all_levels(c, paging.offset(), paging.page_size)?;
            let counts = db::levels::level_counts(c, db::unix_now())?;
            let mut items = Vec::with_capacity(rows.len());
            for level in rows {
                let holders = counts.iter().find(|(id, _, _)| *id == level.id).map_or(0, |c| c.1);
                let prices = db::levels::prices_of(c, level.id, false)?;
                items.push(LevelView::new(level, holders, prices));
            }
            Ok::<_, Problem>((items, total))
        })
        .await?;
    Ok(Json(paging.wrap(items, total)))
}

/// POST /admin/api/v1/member-levels — merchant key. 201 with `Location`.
#[post("/member-levels", data = "<body>")]
async fn create(_key: ApiKey, db: &State<Db>, body: JsonBody<LevelBody>) -> Answer<Created<Json<LevelView>>> {
    let id = levels::save_level(db, None, body.0.input()?).await?;
    Ok(Created::new(format!("{BASE}/member-levels/{id}")).body(Json(load(db, id).await?)))
}

/// GET /admin/api/v1/member-levels/<id> — merchant key. The level with all its prices.
#[get("/member-levels/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<LevelView>> {
    Ok(Json(load(db, id).await?))
}

/// PUT /admin/api/v1/member-levels/<id> — merchant key. Replaces the whole level (not its prices).
#[put("/member-levels/<id>", data = "<body>")]
async fn replace(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<LevelBody>,
) -> Answer<Json<LevelView>> {
    levels::save_level(db, Some(id), body.0.input()?).await.map_err(not_found("member level"))?;
    Ok(Json(load(db, id).await?))
}

/// DELETE /admin/api/v1/member-levels/<id> — merchant key. 204; 409 while shoppers hold it; 404.
#[delete("/member-levels/<id>")]
async fn remove(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Status> {
    if levels::delete_level(db, id).await? {
        Ok(Status::NoContent)
    } else {
        Err(MerchantError::NotFound("member level").into())
    }
}

/// POST /admin/api/v1/member-levels/<id>/prices — merchant key. 201 with the level's new price.
#[post("/member-levels/<id>/prices", data = "<body>")]
async fn create_price(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<PriceBody>,
) -> Answer<Created<Json<PriceView>>> {
    let fields = body.0.fields()?;
    let price_id = levels::save_price(db, id, None, fields).await.map_err(not_found("member level"))?;
    let location = format!("{BASE}/member-levels/{id}/prices/{price_id}");
    Ok(Created::new(location).body(Json(load_price(db, id, price_id).await?)))
}

async fn load_price(db: &Db, id: i64, price_id: i64) -> Answer<PriceView> {
    let found = db
        .read(move |c| db::levels::price_by_id(c, price_id).map(|p| p.filter(|p| p.level_id == id)))
        .await?;
    Ok(found.ok_or(MerchantError::NotFound("price"))?.into())
}

/// PUT /admin/api/v1/member-levels/<id>/prices/<price_id> — merchant key. Replaces the whole price.
#[put("/member-levels/<id>/prices/<price_id>", data = "<body>")]
async fn replace_price(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    price_id: i64,
    body: JsonBody<PriceBody>,
) -> Answer<Json<PriceView>> {
    let fields = body.0.fields()?;
    levels::save_price(db, id, Some(price_id), fields).await.map_err(|e| match e {
        ServiceError::NotFound(Entity::Level) => MerchantError::NotFound("member level").into(),
        other => not_found("price")(other),
    })?;
    Ok(Json(load_price(db, id, price_id).await?))
}

/// DELETE /admin/api/v1/member-levels/<id>/prices/<price_id> — merchant key. 204, or 404.
#[delete("/member-levels/<id>/prices/<price_id>")]
async fn remove_price(_key: ApiKey, db: &State<Db>, id: i64, price_id: i64) -> Answer<Status> {
    if levels::delete_price(db, id, price_id).await? {
        Ok(Status::NoContent)
    } else {
        Err(MerchantError::NotFound("price").into())
    }
}
