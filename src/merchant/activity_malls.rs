//! Activity pages (活动商城) the mini-program shows with `activityMallInfoInfo`.

use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{delete, get, post, put, routes, Route, State};
use serde::{Deserialize, Serialize};

use super::{Answer, ApiKey, JsonBody, BASE};
use crate::db::{self, activity_mall::ActivityPage, Db};
use crate::error::MerchantError;

pub fn routes() -> Vec<Route> {
    routes![list, create, show, replace, remove]
}

/// An activity page as the merchant API answers it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityView {
    pub id: i64,
    pub title: String,
    pub title_sub: String,
    pub date_start: String,
    pub date_deadline: String,
    pub address: String,
    pub banner_type: String,
    pub coupon_rule_ids: String,
    pub goods_ids: String,
    pub disclaimer_page_key: String,
    /// 0 shown, 1 hidden.
    pub status: i64,
    pub date_add: String,
    pub date_update: String,
}

impl From<ActivityPage> for ActivityView {
    fn from(p: ActivityPage) -> Self {
        ActivityView {
            id: p.id,
            title: p.title,
            title_sub: p.title_sub,
            date_start: p.date_start,
            date_deadline: p.date_deadline,
            address: p.address,
            banner_type: p.banner_type,
            coupon_rule_ids: p.coupon_rule_ids,
            goods_ids: p.goods_ids,
            disclaimer_page_key: p.disclaimer_page_key,
            status: p.status,
            date_add: db::format_unix(p.date_add),
            date_update: db::format_unix(p.date_update),
        }
    }
}

/// A whole activity page as POST and PUT send it; absent fields take their defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ActivityBody {
    pub title: String,
    pub title_sub: String,
    pub date_start: String,
    pub date_deadline: String,
    pub address: String,
    pub banner_type: String,
    pub coupon_rule_ids: String,
    pub goods_ids: String,
    pub disclaimer_page_key: String,
    pub status: i64,
}

/// A text field of at most `max` characters, trimmed.
fn text(field: &'static str, v: String, max: usize) -> Result<String, MerchantError> {
    let v = v.trim().to_string();
    if v.chars().count() > max {
        return Err(MerchantError::invalid(field, format!("at most {max} characters")));
    }
    Ok(v)
}

/// Comma-separated ids, normalised ("1, 2" → "1,2").
fn ids(field: &'static str, v: &str) -> Result<String, MerchantError> {
    let parts: Vec<&str> = v.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    if parts.iter().any(|p| p.parse::<u32>().map_or(true, |n| n == 0)) {
        return Err(MerchantError::invalid(field, "comma-separated positive ids"));
    }
    Ok(parts.join(","))
}

impl TryFrom<ActivityBody> for ActivityPage {
    type Error = MerchantError;
    fn try_from(b: ActivityBody) -> Result<Self, MerchantError> {
        let title = text("title", b.title, 100)?;
        if title.is_empty() {
            return Err(MerchantError::invalid("title", "required"));
        }
        if !(0..=1).contains(&b.status) {
            return Err(MerchantError::invalid("status", "0 (shown) or 1 (hidden)"));
        }
        Ok(ActivityPage {
            title,
            title_sub: text("titleSub", b.title_sub, 200)?,
            date_start: text("dateStart", b.date_start, 30)?,
            date_deadline: text("dateDeadline", b.date_deadline, 30)?,
            address: text("address", b.address, 200)?,
            banner_type: text("bannerType", b.banner_type, 50)?,
            coupon_rule_ids: ids("couponRuleIds", &b.coupon_rule_ids)?,
            goods_ids: ids("goodsIds", &b.goods_ids)?,
            disclaimer_page_key: text("disclaimerPageKey", b.disclaimer_page_key, 100)?,
            status: b.status,
            ..ActivityPage::default()
        })
    }
}

async fn load(db: &Db, id: i64) -> Answer<ActivityView> {
    let found = db.read(move |c| db::activity_mall::get(c, id)).await?;
    Ok(found.ok_or(MerchantError::NotFound("activity page"))?.into())
}

/// GET /admin/api/v1/activity-pages — merchant key. Every activity page, newest first.
#[get("/activity-pages")]
async fn list(_key: ApiKey, db: &State<Db>) -> Answer<Json<Vec<ActivityView>>> {
    let rows = db.read(db::activity_mall::all).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// POST /admin/api/v1/activity-pages — merchant key. 201 with `Location`.
#[post("/activity-pages", data = "<body>")]
async fn create(
    _key: ApiKey,
    db: &State<Db>,
    body: JsonBody<ActivityBody>,
) -> Answer<Created<Json<ActivityView>>> {
    let page = ActivityPage::try_from(body.0)?;
    let id = db.write(move |c| db::activity_mall::save(c, None, &page, db::unix_now())).await?;
    let id = id.ok_or(MerchantError::Internal("activity page not saved".into()))?;
    Ok(Created::new(format!("{BASE}/activity-pages/{id}")).body(Json(load(db, id).await?)))
}

/// GET /admin/api/v1/activity-pages/<id> — merchant key.
#[get("/activity-pages/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<ActivityView>> {
    Ok(Json(load(db, id).await?))
}

/// PUT /admin/api/v1/activity-pages/<id> — merchant key. Replaces the whole page.
#[put("/activity-pages/<id>", data = "<body>")]
async fn replace(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<ActivityBody>,
) -> Answer<Json<ActivityView>> {
    let page = ActivityPage::try_from(body.0)?;
    let saved = db.write(move |c| db::activity_mall::save(c, Some(id), &page, db::unix_now())).await?;
    saved.ok_or(MerchantError::NotFound("activity page"))?;
    Ok(Json(load(db, id).await?))
}

/// DELETE /admin/api/v1/activity-pages/<id> — merchant key. 204, or 404 when there was none.
#[delete("/activity-pages/<id>")]
async fn remove(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Status> {
    if db.write(move |c| db::activity_mall::delete(c, id)).await? {
        Ok(Status::NoContent)
    } else {
        Err(MerchantError::NotFound("activity page").into())
    }
}
