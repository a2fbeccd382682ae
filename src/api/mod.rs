//! The apifm-compatible API: every answer is HTTP 200 with `{code, data, msg}`.
//!
//! Routes are mounted under [`SHOP_BASE`]; the [`ShopPrefix`] fairing rewrites
//! `/{subDomain}/...` to it, so the subDomain can change at run time without re-mounting.

pub mod account;
// the templates' remaining pages
pub mod activity_mall;
pub mod address;
pub mod attention;
pub mod calendar;
pub mod cards;
pub mod cart;
pub mod catalog;
pub mod cms;
pub mod codes;
pub mod comment;
pub mod config;
pub mod coupons;
pub mod deposit;
pub mod favourites;
pub mod files;
pub mod friend;
pub mod funds;
pub mod number_bomb;
pub mod user_bank;
// waiting for sold-out goods
pub mod stock_notice;
// distribution (三级分销)
pub mod fx;
// partners, distribution ranks and targets
pub mod fx_reports;
pub mod goods_page;
pub mod goods_rules;
pub mod guards;
pub mod invoice;
pub mod json;
pub mod partner;
// bargain (kanjia)
pub mod kanjia;
// group buy (pingtuan)
pub mod ledger;
pub mod levels;
pub mod media;
pub mod message;
pub mod modules;
pub mod my_goods;
pub mod news_sign;
pub mod order;
pub mod order_views;
pub mod params;
pub mod pay;
pub mod pay_bill;
pub mod pay_password;
pub mod pingtuan;
pub mod points;
pub mod purchases;
pub mod rebate;
pub mod refund;
pub mod region;
pub mod reputation;
pub mod shops;
pub mod site;
pub mod template_msg;
pub mod tools;
pub mod user;
pub mod user_password;
pub mod verify;
pub mod virtual_goods;
pub mod withdraw;
pub mod wx_open;
pub mod wxcodes;

use std::sync::Arc;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::uri::Origin;
use rocket::http::{ContentType, Method, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use rocket::{Catcher, Data};
use serde::Serialize;

use crate::cache::{Cache, Topic};
use crate::db::Db;
use crate::error::ApiError;
use crate::routing::{by_file, FileRoutes};
use crate::settings::Settings;

pub use guards::{Authed, BaseUrl, MaybeAuthed};
pub use params::{Page, Paging, Params};

pub use crate::routing::SHOP_BASE;

/// The API's answer on success: `{code: 0, data, msg: "success"}`.
pub struct Reply<T>(pub T);

pub type ApiResult<T> = Result<Reply<T>, ApiError>;

/// Runs blocking work (WeChat calls, files) off the executor, for a handler that answers in the
/// mini-program's errors.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    crate::db::blocking(f).await
}

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    code: i32,
    data: &'a T,
    msg: &'a str,
}

/// A pre-serialised envelope (cached answers).
pub struct RawEnvelope(pub Arc<[u8]>);

/// Serialises a success envelope to bytes (used by caches).
pub fn envelope_bytes<T: Serialize>(data: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(&Envelope { code: 0, data, msg: "success" })
        .map_err(|e| ApiError::Internal(format!("serialise: {e}")))
}

fn json_response<'r>(body: Vec<u8>) -> response::Result<'r> {
    Response::build()
        .status(Status::Ok)
        .header(ContentType::JSON)
        .sized_body(body.len(), std::io::Cursor::new(body))
        .ok()
}

impl<'r, T: Serialize> Responder<'r, 'static> for Reply<T> {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        match envelope_bytes(&self.0) {
            Ok(body) => json_response(body),
            Err(e) => {
                e.log();
                json_response(error_bytes(&e))
            }
        }
    }
}

impl<'r> Responder<'r, 'static> for RawEnvelope {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let body = self.0;
        Response::build()
            .status(Status::Ok)
            .header(ContentType::JSON)
            .sized_body(body.len(), std::io::Cursor::new(body.to_vec()))
            .ok()
    }
}

/// Serialises an error envelope to bytes (used by caches of answers that may be "no data").
pub fn error_envelope_bytes(e: &ApiError) -> Vec<u8> {
    error_bytes(e)
}

fn error_bytes(e: &ApiError) -> Vec<u8> {
    let msg = e.msg();
    serde_json::to_vec(&Envelope { code: e.code(), data: &e.data(), msg: &msg }).unwrap_or_default()
}

impl<'r> Responder<'r, 'static> for ApiError {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        self.log();
        json_response(error_bytes(&self))
    }
}

/// Answers from the cache, or runs `query` on a read connection and caches its answer; with no
/// `key` (a base URL whose answers are not cached) it just runs `query`.
pub async fn cached<T, F>(
    cache: &Cache,
    db: &Db,
    topic: Topic,
    key: Option<String>,
    query: F,
) -> Result<RawEnvelope, ApiError>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&rusqlite::Connection) -> Result<T, ApiError> + Send + 'static,
{
    let Some(key) = key else {
        return Ok(RawEnvelope(envelope_bytes(&db.read_quick(query).await?)?.into()));
    };
    match cache.get(topic, &key) {
        Ok(answer) => Ok(RawEnvelope(answer)),
        Err(generation) => {
            let value = db.read_quick(query).await?;
            let answer: Arc<[u8]> = envelope_bytes(&value)?.into();
            cache.put(topic, key, generation, answer.clone());
            Ok(RawEnvelope(answer))
        }
    }
}

/// Every API route, grouped by domain: under [`SHOP_BASE`], then the few paths the client calls
/// without a subDomain, at the root.
pub fn routes() -> Vec<FileRoutes> {
    let shop = by_file!(
        SHOP_BASE, "src/api";
        config,
        site,
        region,
        json,
        files,
        tools,
        address,
        user,
        friend,
        message,
        attention,
        verify,
        codes,
        user_password,
        ledger,
        levels,
        catalog,
        goods_page,
        cms,
        comment,
        news_sign,
        favourites,
        reputation,
        shops,
        cart,
        order,
        refund,
        purchases,
        goods_rules,
        coupons,
        calendar,
        rebate,
        my_goods,
        media,
        virtual_goods,
        pay_password,
        withdraw,
        deposit,
        invoice,
        pay_bill,
        wxcodes,
        pay,
        template_msg,
        points,
        // bargain (kanjia)
        kanjia,
        // group buy (pingtuan)
        pingtuan,
        // distribution (三级分销)
        fx,
        // partners, distribution ranks and targets
        fx_reports,
        partner,
        // cards, account deletion, member codes
        cards,
        account,
        // WeRun steps and card signatures
        wx_open,
        // the templates' remaining pages
        user_bank,
        activity_mall,
        number_bomb,
        // waiting for sold-out goods
        stock_notice,
    );
    let root = by_file!(
        "/", "src/api";
        region::root_routes,
        files::root_routes,
        tools::root_routes,
        config::root_routes,
    );
    shop.into_iter().chain(root).collect()
}

/// The path as the client sent it, before the subDomain rewrite.
struct OriginalPath(String);

/// Rewrites `/{subDomain}/x` to `/_shop/x`; direct requests to `/_shop` are refused.
pub struct ShopPrefix;

#[rocket::async_trait]
impl Fairing for ShopPrefix {
    fn info(&self) -> Info {
        Info { name: "subDomain prefix", kind: Kind::Request }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        let Some(settings) = req.rocket().state::<Settings>() else { return };
        let path = req.uri().path().as_str().to_string();
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        let rest = &path[1 + first.len().min(path.len().saturating_sub(1))..];
        let new_base = if first == &SHOP_BASE[1..] {
            "/_shop_direct_refused"
        } else if first == settings.get().subdomain() && !first.is_empty() {
            SHOP_BASE
        } else {
            return;
        };
        let query = req.uri().query().map(|q| format!("?{}", q.as_str())).unwrap_or_default();
        if let Ok(uri) = Origin::parse_owned(format!("{new_base}{rest}{query}")) {
            req.local_cache(|| OriginalPath(path.clone()));
            req.set_uri(uri);
        }
    }
}

/// True when a route pattern like `/_shop/x/<id>` or `/uploads/<p..>` matches `path`.
fn pattern_matches(pattern: &str, path: &str) -> bool {
    let mut want = pattern.trim_matches('/').split('/');
    let mut got = path.trim_matches('/').split('/');
    loop {
        match (want.next(), got.next()) {
            (None, None) => return true,
            (Some(w), _) if w.starts_with('<') && w.ends_with("..>") => return true,
            (Some(w), Some(_)) if w.starts_with('<') => {}
            (Some(w), Some(g)) if w == g => {}
            _ => return false,
        }
    }
}

/// Works out why no route answered: a guard's error, a wrong method, a wrong shop, or no such path.
fn explain_miss(req: &Request<'_>) -> ApiError {
    if let Some(e) = guards::failure(req) {
        return e;
    }
    let now_path = req.uri().path().as_str().to_string();
    let original = req.local_cache(|| OriginalPath(now_path.clone())).0.clone();
    let allowed: Vec<Method> = req
        .rocket()
        .routes()
        .filter(|r| r.method != req.method() && pattern_matches(r.uri.path(), &now_path))
        .map(|r| r.method)
        .collect();
    if let Some(m) = allowed.first() {
        return ApiError::WrongMethod {
            path: original,
            method: req.method().as_str().to_string(),
            allowed: m.as_str().to_string(),
        };
    }
    let first = original.trim_start_matches('/').split('/').next().unwrap_or("").to_string();
    let ours = req.rocket().state::<Settings>().map(|s| s.get().subdomain().to_string()).unwrap_or_default();
    if let Some(closed) = closed_module(&original, &first, &ours) {
        return closed;
    }
    let top_level = crate::settings::RESERVED.contains(&first.as_str());
    if first.is_empty() || first == ours || top_level || now_path.starts_with(SHOP_BASE) {
        ApiError::UnknownPath(original)
    } else {
        ApiError::WrongShop { asked: first, ours }
    }
}

/// The answer for a method of a client module this shop does not serve (see [`modules`]).
fn closed_module(original: &str, first: &str, ours: &str) -> Option<ApiError> {
    let (sub, path) = match original.strip_prefix('/').and_then(|p| p.strip_prefix(first)) {
        Some(rest) if !ours.is_empty() && first == ours => (true, rest),
        _ => (false, original),
    };
    let module = modules::for_client_path(sub, path).filter(|m| m.state != modules::State::Served)?;
    Some(ApiError::ModuleClosed { msg: modules::refusal(module), data: modules::Closed::of(module) })
}

#[rocket::catch(default)]
fn api_catcher(status: Status, req: &Request<'_>) -> ApiError {
    match status.code {
        404 | 400 | 401 | 403 | 405 | 422 => explain_miss(req),
        413 => ApiError::TooLarge { what: "请求", limit: "上限".into() },
        503 => ApiError::Busy,
        _ => guards::failure(req).unwrap_or_else(|| ApiError::Internal(format!("status {status}"))),
    }
}

/// JSON catchers for the API (everything outside /admin).
pub fn catchers() -> Vec<Catcher> {
    rocket::catchers![api_catcher]
}

#[cfg(test)]
mod tests {
    use super::pattern_matches;

    #[test]
    fn patterns_match_dynamic_segments() {
        assert!(pattern_matches("/_shop/config/value", "/_shop/config/value"));
        assert!(pattern_matches("/_shop/notice/<id>", "/_shop/notice/3"));
        assert!(pattern_matches("/uploads/<p..>", "/uploads/2026/11/a.png"));
        assert!(!pattern_matches("/_shop/config/value", "/_shop/config/values"));
        assert!(!pattern_matches("/_shop/config", "/_shop/config/value"));
    }
}
