//! Config values: the key/value pairs the mini-program reads with queryConfigValue.

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{delete, get, put, routes, Route, State};
use serde::{Deserialize, Serialize};

use super::body::opt_text;
use super::{Answer, ApiKey, JsonBody};
use crate::db::{self, settings::ConfigValue, Db};
use crate::error::MerchantError;
use crate::service;
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![list, show, put_value, remove]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigValueView {
    pub id: i64,
    pub key: String,
    pub value: String,
    pub remark: String,
    pub date_add: String,
    pub date_update: String,
}

impl From<&ConfigValue> for ConfigValueView {
    fn from(v: &ConfigValue) -> Self {
        ConfigValueView {
            id: v.id,
            key: v.key.clone(),
            value: v.value.clone(),
            remark: v.remark.clone(),
            date_add: db::format_unix(v.date_add),
            date_update: db::format_unix(v.date_update),
        }
    }
}

/// What a PUT sets; the key comes from the path.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigValueBody {
    pub value: String,
    #[serde(default)]
    pub remark: String,
}

/// The value `key` from the in-memory settings (reloaded by every write).
fn current(settings: &Settings, key: &str) -> Answer<ConfigValueView> {
    let snap = settings.get();
    Ok(snap.config.get(key).map(Into::into).ok_or(MerchantError::NotFound("config value"))?)
}

/// GET /admin/api/v1/config-values?search= — merchant key. By key; `search` matches key or remark.
#[get("/config-values?<search>")]
fn list(
    _key: ApiKey,
    settings: &State<Settings>,
    search: Option<&str>,
) -> Answer<Json<Vec<ConfigValueView>>> {
    let search = opt_text("search", search, 100)?;
    let snap = settings.get();
    let hit = |v: &&ConfigValue| search.as_deref().is_none_or(|s| v.key.contains(s) || v.remark.contains(s));
    Ok(Json(snap.config.values().filter(hit).map(Into::into).collect()))
}

/// GET /admin/api/v1/config-values/<key> — merchant key.
#[get("/config-values/<key>")]
fn show(_key: ApiKey, settings: &State<Settings>, key: &str) -> Answer<Json<ConfigValueView>> {
    current(settings, key).map(Json)
}

/// PUT /admin/api/v1/config-values/<key> — merchant key. Creates or replaces the value.
#[put("/config-values/<key>", data = "<body>")]
async fn put_value(
    _key: ApiKey,
    db: &State<Db>,
    settings: &State<Settings>,
    key: &str,
    body: JsonBody<ConfigValueBody>,
) -> Answer<Json<ConfigValueView>> {
    let ConfigValueBody { value, remark } = body.0;
    service::site::put_config_value(db, settings, key.to_string(), value, remark).await?;
    current(settings, key.trim()).map(Json)
}

/// DELETE /admin/api/v1/config-values/<key> — merchant key. 204, or 404 when there was none.
#[delete("/config-values/<key>")]
async fn remove(_key: ApiKey, db: &State<Db>, settings: &State<Settings>, key: &str) -> Answer<Status> {
    if service::site::delete_config_value(db, settings, key.to_string()).await? {
        Ok(Status::NoContent)
    } else {
        Err(MerchantError::NotFound("config value").into())
    }
}
