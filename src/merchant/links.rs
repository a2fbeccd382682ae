//! Friendly links (partners) the mini-program lists with `friendlyPartnerList`.

use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{delete, get, post, put, routes, Route, State};
use serde::{Deserialize, Serialize};

use super::{Answer, ApiKey, JsonBody, BASE};
use crate::cache::Cache;
use crate::db::{self, site::Partner, Db};
use crate::error::MerchantError;
use crate::service::{self, site::PartnerInput};

pub fn routes() -> Vec<Route> {
    routes![list, create, show, replace, remove]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkView {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub pic_url: String,
    pub link_url: String,
    pub paixu: i64,
    pub status: i64,
    pub date_add: String,
}

impl From<Partner> for LinkView {
    fn from(p: Partner) -> Self {
        LinkView {
            id: p.id,
            kind: p.kind,
            title: p.title,
            pic_url: p.pic_url,
            link_url: p.link_url,
            paixu: p.paixu,
            status: p.status,
            date_add: db::format_unix(p.date_add),
        }
    }
}

/// A whole link as POST and PUT send it; absent fields take their defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct LinkBody {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub pic_url: String,
    pub link_url: String,
    pub paixu: i64,
    pub status: i64,
}

impl From<LinkBody> for PartnerInput {
    fn from(l: LinkBody) -> Self {
        PartnerInput {
            kind: l.kind,
            title: l.title,
            pic_url: l.pic_url,
            link_url: l.link_url,
            paixu: l.paixu,
            status: l.status,
        }
    }
}

/// The service's "not found" in the API's words.
async fn load(db: &Db, id: i64) -> Answer<LinkView> {
    let found = db.read(move |c| db::site::partner_by_id(c, id)).await?;
    Ok(found.ok_or(MerchantError::NotFound("friendly link"))?.into())
}

/// GET /admin/api/v1/friendly-links — merchant key. Every link, by type and display order.
#[get("/friendly-links")]
async fn list(_key: ApiKey, db: &State<Db>) -> Answer<Json<Vec<LinkView>>> {
    let rows = db.read(db::site::all_partners).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// POST /admin/api/v1/friendly-links — merchant key. 201 with `Location`.
#[post("/friendly-links", data = "<body>")]
async fn create(
    _key: ApiKey,
    db: &State<Db>,
    cache: &State<Cache>,
    body: JsonBody<LinkBody>,
) -> Answer<Created<Json<LinkView>>> {
    let id = service::site::save_partner(db, cache, None, body.0.into()).await?;
    Ok(Created::new(format!("{BASE}/friendly-links/{id}")).body(Json(load(db, id).await?)))
}

/// GET /admin/api/v1/friendly-links/<id> — merchant key.
#[get("/friendly-links/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<LinkView>> {
    Ok(Json(load(db, id).await?))
}

/// PUT /admin/api/v1/friendly-links/<id> — merchant key. Replaces the whole link.
#[put("/friendly-links/<id>", data = "<body>")]
async fn replace(
    _key: ApiKey,
    db: &State<Db>,
    cache: &State<Cache>,
    id: i64,
    body: JsonBody<LinkBody>,
) -> Answer<Json<LinkView>> {
    service::site::save_partner(db, cache, Some(id), body.0.into()).await?;
    Ok(Json(load(db, id).await?))
}

/// DELETE /admin/api/v1/friendly-links/<id> — merchant key. 204, or 404 when there was none.
#[delete("/friendly-links/<id>")]
async fn remove(_key: ApiKey, db: &State<Db>, cache: &State<Cache>, id: i64) -> Answer<Status> {
    if service::site::delete_partner(db, cache, id).await? {
        Ok(Status::NoContent)
    } else {
        Err(MerchantError::NotFound("friendly link").into())
    }
}
