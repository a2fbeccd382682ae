//! Config values, site statistics and the shop lookup by appid.

use rocket::{get, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Params, Reply};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![config_value, config_values, vip_level, site_statistics]
}

pub fn root_routes() -> Vec<Route> {
    routes![subdomain_by_appid]
}

/// The most keys one queryConfigBatch may ask for.
const MAX_KEYS: usize = 200;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigValueView {
    pub id: i64,
    pub key: String,
    pub value: String,
    pub remark: String,
    pub date_add: String,
    pub date_update: String,
}

impl From<&db::settings::ConfigValue> for ConfigValueView {
    fn from(v: &db::settings::ConfigValue) -> Self {
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

/// GET /<sub>/config/value — queryConfigValue; anyone. `data` is the value text; 700 when unset.
#[get("/config/value")]
fn config_value(p: Params, settings: &State<Settings>) -> ApiResult<String> {
    let key = p.text("key", 100)?;
    let snap = settings.get();
    let v = snap.config.get(key).ok_or(ApiError::Empty)?;
    Ok(Reply(v.value.clone()))
}

/// GET /<sub>/config/values — queryConfigBatch; anyone. Keys comma-separated; unknown keys are left out.
#[get("/config/values")]
fn config_values(p: Params, settings: &State<Settings>) -> ApiResult<Vec<ConfigValueView>> {
    let keys: Vec<&str> =
        p.text("keys", 10_000)?.split(',').map(str::trim).filter(|k| !k.is_empty()).collect();
    if keys.len() > MAX_KEYS {
        return Err(ApiError::invalid("keys", format!("一次最多 {MAX_KEYS} 个")));
    }
    let snap = settings.get();
    let found: Vec<ConfigValueView> =
        keys.iter().filter_map(|k| snap.config.get(*k)).map(Into::into).collect();
    if found.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(found))
}

/// Self-hosted: every feature is on, so the back-office level is the highest the client knows.
const VIP_LEVEL_ALL_FEATURES: i64 = 3;

/// GET /<sub>/config/vipLevel — vipLevel; anyone.
#[get("/config/vipLevel")]
fn vip_level() -> ApiResult<i64> {
    Ok(Reply(VIP_LEVEL_ALL_FEATURES))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteStatistics {
    pub dfs: DfsStatistics,
    pub wx_appid: String,
    pub cms_article: CmsStatistics,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DfsStatistics {
    pub id: i64,
    pub capacity: i64,
    pub capacity_str: String,
    pub capacity_left: i64,
    pub capacity_left_str: String,
    pub count: i64,
    pub is_fixed: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CmsStatistics {
    pub comments: i64,
    pub numbers: i64,
    pub fav: i64,
    pub views: i64,
}

/// Human-readable size like "6.36 MB".
pub fn size_text(bytes: i64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"];
    let mut v = bytes.max(0) as f64;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < units.len() {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{} B", bytes.max(0))
    } else {
        format!("{v:.2} {}", units[i])
    }
}

/// GET /<sub>/site/statistics — siteStatistics; anyone. Files stored and the configured appid.
#[get("/site/statistics")]
async fn site_statistics(db: &State<Db>, settings: &State<Settings>) -> ApiResult<SiteStatistics> {
    let (count, used) = db.read(db::site::upload_totals).await?;
    let (numbers, views, fav, comments) = db.read(db::cms::totals).await?;
    let snap = settings.get();
    let quota = snap.upload_quota_bytes();
    let left = (quota - used).max(0);
    Ok(Reply(SiteStatistics {
        dfs: DfsStatistics {
            id: 1,
            capacity: used,
            capacity_str: size_text(used),
            capacity_left: left,
            capacity_left_str: size_text(left),
            count,
            is_fixed: true,
        },
        wx_appid: snap.wechat_appid().unwrap_or_default().to_string(),
        // Published articles and their counters.
        cms_article: CmsStatistics { comments, numbers, fav, views },
    }))
}

/// GET /subdomain/appid/wxapp — fetchSubDomainByWxappAppid; anyone. The subDomain for this appid.
#[get("/subdomain/appid/wxapp")]
fn subdomain_by_appid(p: Params, settings: &State<Settings>) -> ApiResult<String> {
    let appid = p.text("appid", 64)?;
    let snap = settings.get();
    match snap.wechat_appid() {
        Some(ours) if ours == appid => Ok(Reply(snap.subdomain().to_string())),
        _ => Err(ApiError::Empty),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_like_the_seed() {
        assert_eq!(super::size_text(0), "0 B");
        assert_eq!(super::size_text(6668237), "6.36 MB");
    }
}
