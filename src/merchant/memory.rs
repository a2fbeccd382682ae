//! What the process holds in memory: its resident size and each cache against its share of the
//! one budget (`XIAODIAN_CACHE_MB`).

use std::sync::Arc;

use rocket::serde::json::Json;
use rocket::{get, routes, Route, State};
use serde::Serialize;

use super::{Answer, ApiKey};
use crate::cache::{Cache, TokenCache};
use crate::captcha::Captchas;
use crate::config::Config;

pub fn routes() -> Vec<Route> {
    routes![memory]
}

/// One cache: bytes held now and the most it may hold.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CacheUse {
    pub name: &'static str,
    pub bytes: usize,
    pub budget: usize,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemoryView {
    /// The process's resident set (VmRSS); null where /proc is not available.
    pub rss_bytes: Option<u64>,
    /// `XIAODIAN_CACHE_MB` in bytes: the caches below share it.
    pub cache_budget: usize,
    pub caches: Vec<CacheUse>,
}

/// VmRSS of this process, from /proc/self/status.
fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// GET /admin/api/v1/memory — merchant key. Resident size and each cache's bytes and budget.
#[get("/memory")]
fn memory(
    _key: ApiKey,
    cfg: &State<Config>,
    cache: &State<Cache>,
    tokens: &State<TokenCache>,
    captchas: &State<Arc<Captchas>>,
) -> Answer<Json<MemoryView>> {
    Ok(Json(MemoryView {
        rss_bytes: rss_bytes(),
        cache_budget: cfg.cache_bytes,
        caches: vec![
            CacheUse { name: "answers", bytes: cache.bytes(), budget: cache.budget() },
            CacheUse { name: "tokens", bytes: tokens.bytes(), budget: tokens.budget() },
            CacheUse { name: "captchas", bytes: captchas.bytes(), budget: captchas.budget() },
        ],
    }))
}
