//! Who may call: the shopper's `token` is a parameter (query or body), never a header.
//!
//! A handler that takes [`Authed`] answers 2000 to anyone without a live token; one that takes
//! [`MaybeAuthed`] serves both, but an invalid token still answers 2000.

use std::sync::Mutex;

use rocket::data::{self, Data, FromData};
use rocket::http::Status;
use rocket::outcome::Outcome;
use rocket::request::{self, FromRequest, Request};

use super::params::{read_body, Params};
use crate::cache::TokenCache;
use crate::db::{self, Db};
use crate::error::ApiError;
pub use crate::present::BaseUrl;
use crate::secret;

/// The error of a failed guard, kept for the catcher (Rocket does not hand it over).
struct GuardFailure(Mutex<Option<ApiError>>);

/// Records `e` for the catcher and fails the guard.
pub(crate) fn fail<T, F>(req: &Request<'_>, e: ApiError) -> Outcome<T, (Status, ApiError), F> {
    let slot = req.local_cache(|| GuardFailure(Mutex::new(None)));
    *slot.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(e.clone());
    Outcome::Error((Status::BadRequest, e))
}

/// The error a guard recorded for this request, if any.
pub(crate) fn failure(req: &Request<'_>) -> Option<ApiError> {
    let slot = req.local_cache(|| GuardFailure(Mutex::new(None)));
    slot.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
}

/// Resolves a token to a user id: None for no token, 2000 for a dead one or a disabled user.
async fn resolve(req: &Request<'_>, token: Option<&str>) -> Result<Option<i64>, ApiError> {
    let db = req.rocket().state::<Db>().ok_or_else(|| ApiError::Internal("Db not managed".into()))?;
    resolve_with(db, req.rocket().state::<TokenCache>(), token).await
}

/// Resolves a token outside a guard (multipart uploads carry it as a form field).
pub async fn user_for_token(db: &Db, token: Option<&str>) -> Result<Option<i64>, ApiError> {
    resolve_with(db, None, token).await
}

async fn resolve_with(
    db: &Db,
    cache: Option<&TokenCache>,
    token: Option<&str>,
) -> Result<Option<i64>, ApiError> {
    let Some(token) = token.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    let hash = secret::hash_token(token);
    let now = db::unix_now();
    if let Some(uid) = cache.and_then(|c| c.get(&hash, now)) {
        return Ok(Some(uid));
    }
    let key = hash.clone();
    let epoch = db::user::token_epoch();
    let found = db.read_quick(move |c| db::user::token_owner(c, &key, now)).await?;
    match found {
        Some((id, false, expires)) => {
            if let Some(c) = cache {
                c.put(hash, id, expires, epoch);
            }
            Ok(Some(id))
        }
        Some((_, true, _)) => Err(ApiError::Forbidden("账号已被禁用".into())),
        None => Err(ApiError::NotLoggedIn),
    }
}

/// A logged-in shopper and the request's parameters.
pub struct Authed {
    pub user_id: i64,
    pub p: Params,
}

/// A shopper who may or may not be logged in, and the request's parameters.
pub struct MaybeAuthed {
    pub user_id: Option<i64>,
    pub p: Params,
}

async fn authed(req: &Request<'_>, p: Params) -> Result<Authed, ApiError> {
    match resolve(req, p.token()).await? {
        Some(user_id) => Ok(Authed { user_id, p }),
        None => Err(ApiError::NotLoggedIn),
    }
}

async fn maybe(req: &Request<'_>, p: Params) -> Result<MaybeAuthed, ApiError> {
    let user_id = resolve(req, p.token()).await?;
    Ok(MaybeAuthed { user_id, p })
}

fn to_outcome<T, F>(req: &Request<'_>, r: Result<T, ApiError>) -> Outcome<T, (Status, ApiError), F> {
    match r {
        Ok(v) => Outcome::Success(v),
        Err(e) => fail(req, e),
    }
}

async fn query_params(req: &Request<'_>) -> Params {
    match Params::from_request(req).await {
        Outcome::Success(p) => p,
        _ => Params::default(),
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Authed {
    type Error = ApiError;
    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ApiError> {
        let p = query_params(req).await;
        to_outcome(req, authed(req, p).await)
    }
}

#[rocket::async_trait]
impl<'r> FromData<'r> for Authed {
    type Error = ApiError;
    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let r = match read_body(req, data).await {
            Ok(p) => authed(req, p).await,
            Err(e) => Err(e),
        };
        to_outcome(req, r)
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for MaybeAuthed {
    type Error = ApiError;
    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ApiError> {
        let p = query_params(req).await;
        to_outcome(req, maybe(req, p).await)
    }
}

#[rocket::async_trait]
impl<'r> FromData<'r> for MaybeAuthed {
    type Error = ApiError;
    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let r = match read_body(req, data).await {
            Ok(p) => maybe(req, p).await,
            Err(e) => Err(e),
        };
        to_outcome(req, r)
    }
}

/// The base URL from the config, else from the request's Host; every adapter uses this guard.
#[rocket::async_trait]
impl<'r> FromRequest<'r> for BaseUrl {
    type Error = ApiError;
    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ApiError> {
        let cfg = req.rocket().state::<crate::config::Config>();
        if let Some(url) = cfg.and_then(|c| c.base_url.clone()) {
            return Outcome::Success(BaseUrl(url, true));
        }
        match req.host() {
            Some(host) => {
                let url = format!("http://{host}");
                let cacheable =
                    req.rocket().state::<crate::cache::Cache>().is_some_and(|c| c.admits_host(&url));
                Outcome::Success(BaseUrl(url, cacheable))
            }
            None => Outcome::Success(BaseUrl(
                cfg.map(crate::config::Config::public_url).unwrap_or_default(),
                true,
            )),
        }
    }
}
