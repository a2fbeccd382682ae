//! Who may call: `Authorization: Bearer <key>` with a key made in the console (stored hashed in
//! `api_keys`) or the one set by XIAODIAN_ADMIN_API_KEY.

use rocket::request::{FromRequest, Outcome, Request};

use super::problem::{fail, Problem};
use crate::config::Config;
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::secret;

/// A caller holding a valid merchant API key. Every merchant handler takes one.
#[derive(Debug, Clone, Copy)]
pub struct ApiKey {
    /// The `api_keys` row; None for the key from the configuration.
    pub key_id: Option<i64>,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ApiKey {
    type Error = Problem;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Problem> {
        match check(req).await {
            Ok(key) => Outcome::Success(key),
            Err(p) => fail(req, p),
        }
    }
}

/// The key of an `Authorization: Bearer <key>` header value (the scheme is case-insensitive).
fn bearer(header: &str) -> Option<&str> {
    let (scheme, key) = header.trim().split_once(' ')?;
    let key = key.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !key.is_empty()).then_some(key)
}

async fn check(req: &Request<'_>) -> Result<ApiKey, Problem> {
    let header = req.headers().get_one("Authorization").ok_or_else(|| {
        Problem::unauthorized("missing API key: send the header `Authorization: Bearer <key>`")
    })?;
    let key = bearer(header)
        .ok_or_else(|| Problem::unauthorized("the Authorization header must read `Bearer <key>`"))?;
    let configured = req.rocket().state::<Config>().and_then(|c| c.admin_api_key.as_deref());
    if configured.is_some_and(|k| !k.is_empty() && secret::same(key, k)) {
        return Ok(ApiKey { key_id: None });
    }
    let db = req.rocket().state::<Db>().ok_or_else(|| MerchantError::Internal("Db not managed".into()))?;
    let hash = secret::hash_token(key);
    let found = db.read(move |c| db::admin::api_key_by_hash(c, &hash)).await?;
    let id = found.ok_or_else(|| Problem::unauthorized("invalid API key"))?;
    db.write(move |c| db::admin::touch_api_key(c, id, db::unix_now())).await?;
    Ok(ApiKey { key_id: Some(id) })
}

#[cfg(test)]
mod tests {
    use super::bearer;

    #[test]
    fn only_bearer_headers_with_a_key_count() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("abc"), None);
    }
}
