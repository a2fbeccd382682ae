//! Banners (carousel pictures) the mini-program shows with `banners`.

use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{delete, get, post, put, routes, Route, State};
use serde::{Deserialize, Serialize};

use super::body::opt_text;
use super::{Answer, ApiKey, JsonBody, BASE};
use crate::cache::Cache;
use crate::db::{self, site::Banner, site::BannerInput, Db};
use crate::error::MerchantError;
use crate::service;

pub fn routes() -> Vec<Route> {
    routes![list, create, show, replace, remove]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BannerView {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub pic_url: String,
    pub link_type: i64,
    pub link_url: String,
    pub appid: String,
    pub business_id: i64,
    pub paixu: i64,
    pub status: i64,
    pub remark: String,
    pub date_add: String,
}

impl From<Banner> for BannerView {
    fn from(b: Banner) -> Self {
        BannerView {
            id: b.id,
            kind: b.kind,
            title: b.title,
            pic_url: b.pic_url,
            link_type: b.link_type,
            link_url: b.link_url,
            appid: b.appid,
            business_id: b.business_id,
            paixu: b.paixu,
            status: b.status,
            remark: b.remark,
            date_add: db::format_unix(b.date_add),
        }
    }
}

/// A whole banner as POST and PUT send it; absent fields take their defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct BannerBody {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub pic_url: String,
    pub link_type: i64,
    pub link_url: String,
    pub appid: String,
    pub business_id: i64,
    pub paixu: i64,
    pub status: i64,
    pub remark: String,
}

impl From<BannerBody> for BannerInput {
    fn from(b: BannerBody) -> Self {
        BannerInput {
            kind: b.kind,
            title: b.title,
            pic_url: b.pic_url,
            link_type: b.link_type,
            link_url: b.link_url,
            appid: b.appid,
            business_id: b.business_id,
            paixu: b.paixu,
            status: b.status,
            remark: b.remark,
        }
    }
}

/// The service's "not found" in the API's words.
async fn load(db: &Db, id: i64) -> Answer<BannerView> {
    let found = db.read(move |c| db::site::banner_by_id(c, id)).await?;
    Ok(found.ok_or(MerchantError::NotFound("banner"))?.into())
}

/// GET /admin/api/v1/banners?type=&search= — merchant key. Every banner, shown or hidden.
#[get("/banners?<type>&<search>")]
async fn list(
    _key: ApiKey,
    db: &State<Db>,
    r#type: Option<&str>,
    search: Option<&str>,
) -> Answer<Json<Vec<BannerView>>> {
    let kind = opt_text("type", r#type, 50)?;
    let search = opt_text("search", search, 100)?;
    let rows = db.read(move |c| db::site::all_banners(c, kind.as_deref(), search.as_deref())).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// POST /admin/api/v1/banners — merchant key. 201 with `Location`.
#[post("/banners", data = "<body>")]
async fn create(
    _key: ApiKey,
    db: &State<Db>,
    cache: &State<Cache>,
    body: JsonBody<BannerBody>,
) -> Answer<Created<Json<BannerView>>> {
    let id = service::site::save_banner(db, cache, None, body.0.into()).await?;
    Ok(Created::new(format!("{BASE}/banners/{id}")).body(Json(load(db, id).await?)))
}

/// GET /admin/api/v1/banners/<id> — merchant key.
#[get("/banners/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<BannerView>> {
    Ok(Json(load(db, id).await?))
}

/// PUT /admin/api/v1/banners/<id> — merchant key. Replaces the whole banner.
#[put("/banners/<id>", data = "<body>")]
async fn replace(
    _key: ApiKey,
    db: &State<Db>,
    cache: &State<Cache>,
    id: i64,
    body: JsonBody<BannerBody>,
) -> Answer<Json<BannerView>> {
    service::site::save_banner(db, cache, Some(id), body.0.into()).await?;
    Ok(Json(load(db, id).await?))
}

/// DELETE /admin/api/v1/banners/<id> — merchant key. 204, or 404 when there was none.
#[delete("/banners/<id>")]
async fn remove(_key: ApiKey, db: &State<Db>, cache: &State<Cache>, id: i64) -> Answer<Status> {
    if service::site::delete_banner(db, cache, id).await? {
        Ok(Status::NoContent)
    } else {
        Err(MerchantError::NotFound("banner").into())
    }
}
