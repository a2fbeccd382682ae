//! The shop's settings: every setting of the registry (`crate::settings::registry`) under its key,
//! typed as the registry says; secrets may be written but are never answered.

use std::collections::BTreeMap;

use rocket::serde::json::Json;
use rocket::{get, patch, routes, Route, State};
use serde::Serialize;
use serde_json::{Map, Value};

use super::{Answer, ApiKey, JsonBody, Problem};
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::present::BaseUrl;
use crate::service;
use crate::settings::{keys, registry, Kind, Setting, Settings, Snapshot, REGISTRY};
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![show, update]
}

/// A setting's value in force, typed as the registry says.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum SettingValue {
    Text(String),
    /// None: unset and without a default (e.g. `smtpPort`).
    Integer(Option<i64>),
    Bool(bool),
}

impl SettingValue {
    fn of(s: &Snapshot, setting: &Setting) -> SettingValue {
        let raw = s.in_force(setting);
        match setting.kind() {
            Kind::Text => SettingValue::Text(raw.unwrap_or("").to_string()),
            Kind::Integer => SettingValue::Integer(setting.whole_number(raw)),
            Kind::Bool => SettingValue::Bool(raw == Some("1")),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    /// Every setting that is not secret, under its key.
    #[serde(flatten)]
    pub values: BTreeMap<&'static str, SettingValue>,
    /// True when XIAODIAN_SUBDOMAIN (or the toml file) fixes the subDomain.
    pub sub_domain_from_environment: bool,
    /// The settings the environment fixes: they cannot be patched.
    pub from_environment: Vec<&'static str>,
    /// The secret settings that hold a value (their values are never answered).
    pub secrets_set: Vec<&'static str>,
    /// Where the shop's mini-program API answers: `{base URL}/{subDomain}`.
    pub api_base: String,
}

impl SettingsView {
    fn new(s: &Snapshot, base: &BaseUrl) -> SettingsView {
        SettingsView {
            values: REGISTRY.iter().filter(|r| !r.secret).map(|r| (r.key, SettingValue::of(s, r))).collect(),
            sub_domain_from_environment: s.subdomain_override.is_some(),
            from_environment: REGISTRY
                .iter()
                .filter(|r| s.fixed_by_env(r.key).is_some())
                .map(|r| r.key)
                .collect(),
            secrets_set: REGISTRY
                .iter()
                .filter(|r| r.secret && s.in_force(r).is_some())
                .map(|r| r.key)
                .collect(),
            api_base: format!("{}/{}", base.0, s.subdomain()),
        }
    }
}

/// The stored text of one patched field; None when the field is null (unchanged).
fn stored_text(field: &str, value: Value) -> Result<Option<(&'static Setting, String)>, Problem> {
    let Some(setting) = registry::find(field).filter(|s| s.editors.merchant_api) else {
        return Err(Problem::invalid(field, "not a setting the API may change (GET /settings lists them)"));
    };
    let text = match (setting.kind(), value) {
        (_, Value::Null) => return Ok(None),
        (Kind::Text, Value::String(s)) => s,
        (Kind::Integer, Value::Number(n)) if n.is_i64() => n.to_string(),
        (Kind::Bool, Value::Bool(on)) => if on { "1" } else { "0" }.to_string(),
        (Kind::Text, _) => return Err(Problem::invalid(field, "must be a string")),
        (Kind::Integer, _) => return Err(Problem::invalid(field, "must be a whole number")),
        (Kind::Bool, _) => return Err(Problem::invalid(field, "must be true or false")),
    };
    Ok(Some((setting, text)))
}

/// GET /admin/api/v1/settings — merchant key.
#[get("/settings")]
fn show(_key: ApiKey, settings: &State<Settings>, base: BaseUrl) -> Json<SettingsView> {
    Json(SettingsView::new(&settings.get(), &base))
}

/// PATCH /admin/api/v1/settings — merchant key. Changes the settings sent, all or none.
#[patch("/settings", data = "<body>")]
async fn update(
    _key: ApiKey,
    db: &State<Db>,
    settings: &State<Settings>,
    wechat: &State<WeChat>,
    base: BaseUrl,
    body: JsonBody<Map<String, Value>>,
) -> Answer<Json<SettingsView>> {
    let mut pairs = Vec::new();
    for (field, value) in body.0 {
        if let Some(pair) = stored_text(&field, value)? {
            pairs.push(pair);
        }
    }
    let snap = settings.get();
    if let Some((setting, _)) = pairs.iter().find(|(s, _)| snap.fixed_by_env(s.key).is_some()) {
        let env = setting.env.unwrap_or("the environment");
        let toml = if setting.key == keys::SUBDOMAIN { " (or xiaodian.toml)" } else { "" };
        return Err(MerchantError::Conflict(
            format!("{} is fixed by {env}{toml}; change it there", setting.key).into(),
        )
        .into());
    }
    let new_wechat_keys = pairs
        .iter()
        .any(|(s, _)| [keys::WECHAT_APPID, keys::WECHAT_SECRET, keys::WECHAT_API_BASE].contains(&s.key));
    if !pairs.is_empty() {
        let pairs = pairs.into_iter().map(|(s, v)| (s.key.to_string(), v)).collect();
        service::site::set_settings(db, settings, pairs).await?;
    }
    if new_wechat_keys {
        // New keys must not reuse a token fetched with the old ones.
        let wechat = wechat.inner().clone();
        db::blocking(move || {
            if let Err(e) = wechat.forget_token() {
                log::warn!("forgetting the WeChat token: {e}");
            }
            Ok::<(), Problem>(())
        })
        .await?;
    }
    Ok(Json(SettingsView::new(&settings.get(), &base)))
}
