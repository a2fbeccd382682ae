//! The shop's settings: name, subDomain, upload quota, content security (msgSecCheck) on or off.

use rocket::serde::json::Json;
use rocket::{get, patch, routes, Route, State};
use serde::{Deserialize, Serialize};

use super::{Answer, ApiKey, JsonBody};
use crate::api::BaseUrl;
use crate::db::Db;
use crate::error::MerchantError;
use crate::service;
use crate::settings::{keys, Settings, Snapshot};

pub fn routes() -> Vec<Route> {
    routes![show, update]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub shop_name: String,
    pub sub_domain: String,
    /// True when XIAODIAN_SUBDOMAIN (or the toml file) fixes the subDomain.
    pub sub_domain_from_environment: bool,
    pub upload_quota_mb: i64,
    /// True when shoppers' texts pass WeChat's content check before they are published.
    pub content_sec_check: bool,
    /// Where the shop's mini-program API answers: `{base URL}/{subDomain}`.
    pub api_base: String,
}

impl SettingsView {
    fn new(s: &Snapshot, base: &BaseUrl) -> SettingsView {
        SettingsView {
            shop_name: s.shop_name().to_string(),
            sub_domain: s.subdomain().to_string(),
            sub_domain_from_environment: s.subdomain_override.is_some(),
            upload_quota_mb: s.upload_quota_bytes() / (1024 * 1024),
            content_sec_check: s.content_sec_check(),
            api_base: format!("{}/{}", base.0, s.subdomain()),
        }
    }
}

/// The settings a PATCH may change; absent (or null) ones stay as they are.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsPatch {
    pub shop_name: Option<String>,
    pub sub_domain: Option<String>,
    pub upload_quota_mb: Option<i64>,
    pub content_sec_check: Option<bool>,
}

/// GET /admin/api/v1/settings — merchant key.
#[get("/settings")]
fn show(_key: ApiKey, settings: &State<Settings>, base: BaseUrl) -> Json<SettingsView> {
    Json(SettingsView::new(&settings.get(), &base))
}

/// PATCH /admin/api/v1/settings — merchant key. Changes the fields given, all or none.
#[patch("/settings", data = "<body>")]
async fn update(
    _key: ApiKey,
    db: &State<Db>,
    settings: &State<Settings>,
    base: BaseUrl,
    body: JsonBody<SettingsPatch>,
) -> Answer<Json<SettingsView>> {
    let patch = body.0;
    if patch.sub_domain.is_some() && settings.get().subdomain_override.is_some() {
        return Err(MerchantError::Conflict(
            "subDomain is fixed by XIAODIAN_SUBDOMAIN (or xiaodian.toml); change it there".into(),
        )
        .into());
    }
    let pairs: Vec<(String, String)> = [
        (keys::SHOP_NAME, patch.shop_name),
        (keys::SUBDOMAIN, patch.sub_domain),
        (keys::UPLOAD_QUOTA_MB, patch.upload_quota_mb.map(|n| n.to_string())),
        (keys::CONTENT_SEC_CHECK, patch.content_sec_check.map(|on| if on { "1" } else { "0" }.to_string())),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
    .collect();
    if !pairs.is_empty() {
        service::site::set_settings(db, settings, pairs).await?;
    }
    Ok(Json(SettingsView::new(&settings.get(), &base)))
}
