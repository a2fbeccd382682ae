//! Ad positions: named slots (`key`) the mini-program reads with `adPosition`.

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{delete, get, put, routes, Route, State};
use serde::{Deserialize, Serialize};

use super::{Answer, ApiKey, JsonBody};
use crate::cache::Cache;
use crate::db::{self, site::AdPosition, Db};
use crate::error::MerchantError;
use crate::service::{self, site::AdInput};

pub fn routes() -> Vec<Route> {
    routes![list, show, put_slot, remove]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdPositionView {
    pub id: i64,
    pub key: String,
    pub val: String,
    pub url: String,
    #[serde(rename = "type")]
    pub kind: i64,
    pub remark: String,
    pub status: i64,
    pub date_add: String,
    pub date_update: String,
}

impl From<AdPosition> for AdPositionView {
    fn from(a: AdPosition) -> Self {
        AdPositionView {
            id: a.id,
            key: a.key,
            val: a.val,
            url: a.url,
            kind: a.kind,
            remark: a.remark,
            status: a.status,
            date_add: db::format_unix(a.date_add),
            date_update: db::format_unix(a.date_update),
        }
    }
}

/// A whole ad slot as PUT sends it; the key comes from the path.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct AdBody {
    pub val: String,
    pub url: String,
    #[serde(rename = "type")]
    pub kind: i64,
    pub remark: String,
    pub status: i64,
}

async fn load(db: &Db, key: String) -> Answer<AdPositionView> {
    let found = db.read(move |c| db::site::ad_position(c, &key)).await?;
    Ok(found.ok_or(MerchantError::NotFound("ad position"))?.into())
}

/// GET /admin/api/v1/ad-positions — merchant key. Every slot, by key.
#[get("/ad-positions")]
async fn list(_key: ApiKey, db: &State<Db>) -> Answer<Json<Vec<AdPositionView>>> {
    let rows = db.read(db::site::all_ad_positions).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// GET /admin/api/v1/ad-positions/<key> — merchant key.
#[get("/ad-positions/<key>")]
async fn show(_key: ApiKey, db: &State<Db>, key: &str) -> Answer<Json<AdPositionView>> {
    Ok(Json(load(db, key.to_string()).await?))
}

/// PUT /admin/api/v1/ad-positions/<key> — merchant key. Creates or replaces the slot.
#[put("/ad-positions/<key>", data = "<body>")]
async fn put_slot(
    _key: ApiKey,
    db: &State<Db>,
    cache: &State<Cache>,
    key: &str,
    body: JsonBody<AdBody>,
) -> Answer<Json<AdPositionView>> {
    let AdBody { val, url, kind, remark, status } = body.0;
    let input = AdInput { key: key.to_string(), val, url, kind, remark, status };
    service::site::put_ad_position(db, cache, input).await?;
    Ok(Json(load(db, key.trim().to_string()).await?))
}

/// DELETE /admin/api/v1/ad-positions/<id> — merchant key. 204, or 404 when there was none.
#[delete("/ad-positions/<id>")]
async fn remove(_key: ApiKey, db: &State<Db>, cache: &State<Cache>, id: i64) -> Answer<Status> {
    if service::site::delete_ad_position(db, cache, id).await? {
        Ok(Status::NoContent)
    } else {
        Err(MerchantError::NotFound("ad position").into())
    }
}
