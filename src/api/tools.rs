//! Small tools: the image captcha, unique ids and sequences, straight-line distance.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rocket::http::ContentType;
use rocket::{get, post, routes, Route, State};

use super::{ApiResult, Params, Reply};
use crate::captcha::{CaptchaError, Captchas, CheckOutcome};
use crate::db::{self, Db};
use crate::error::ApiError;

pub fn routes() -> Vec<Route> {
    routes![captcha_image, captcha_check, unique_id, sequence]
}

pub fn root_routes() -> Vec<Route> {
    routes![map_distance]
}

/// GET /<sub>/verification/pic/get — graphValidateCodeUrl's image; anyone. A PNG; a new code per call.
#[get("/verification/pic/get")]
fn captcha_image(p: Params, captchas: &State<Arc<Captchas>>) -> Result<(ContentType, Vec<u8>), ApiError> {
    let key = p.text("key", crate::captcha::MAX_KEY_CHARS)?;
    match captchas.issue(key) {
        Ok(png) => Ok((ContentType::PNG, png)),
        Err(CaptchaError::KeyTooLong) => Err(ApiError::invalid("key", "太长")),
        Err(CaptchaError::Encode(e)) => Err(ApiError::Internal(format!("captcha png: {e}"))),
    }
}

/// POST /<sub>/verification/pic/check — graphValidateCodeCheck; anyone. Each key can be checked once.
#[post("/verification/pic/check", data = "<p>")]
fn captcha_check(p: Params, captchas: &State<Arc<Captchas>>) -> ApiResult<()> {
    let key = p.text("key", crate::captcha::MAX_KEY_CHARS)?;
    let code = p.text("code", 20)?;
    match captchas.check(key, code) {
        CheckOutcome::Ok => Ok(Reply(())),
        CheckOutcome::Wrong | CheckOutcome::Missing => Err(ApiError::CaptchaWrong),
    }
}

/// Unique, increasing ids: milliseconds × 1000 + a counter, below 2^53 so JavaScript keeps them exact.
#[derive(Default)]
pub struct UniqueIds {
    last: AtomicU64,
}

impl UniqueIds {
    pub fn next(&self) -> u64 {
        let now = u64::try_from(db::unix_now_ms()).unwrap_or(0).saturating_mul(1000);
        let mut prev = self.last.load(Ordering::Relaxed);
        loop {
            let next = now.max(prev + 1);
            match self.last.compare_exchange_weak(prev, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return next,
                Err(p) => prev = p,
            }
        }
    }
}

/// GET /<sub>/uniqueId/get — uniqueId; anyone. A number never answered before by this shop.
#[get("/uniqueId/get")]
fn unique_id(p: Params, ids: &State<UniqueIds>) -> ApiResult<u64> {
    p.opt_text("type", 50)?;
    Ok(Reply(ids.next()))
}

/// GET /<sub>/uniqueId/sequence — sequence; anyone. The next number of the counter `type`,
/// starting at `defValue` (default 1).
#[get("/uniqueId/sequence")]
async fn sequence(p: Params, db: &State<Db>) -> ApiResult<i64> {
    let kind = p.opt_text("type", 50)?.unwrap_or("").to_string();
    let start = p.opt_int("defValue")?.unwrap_or(1);
    let n = db.write(move |c| db::settings::next_sequence(c, &kind, start)).await?;
    Ok(Reply(n))
}

/// Great-circle distance in kilometres (haversine, mean Earth radius).
pub fn distance_km(lat1: f64, lng1: f64, lat2: f64, lng2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lng2 - lng1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0088 * 2.0 * a.sqrt().atan2((1.0 - a).sqrt())
}

fn coordinate(p: &Params, name: &'static str, limit: f64) -> Result<f64, ApiError> {
    let v = p.float(name)?;
    if v.abs() > limit {
        return Err(ApiError::invalid(name, format!("应在 -{limit} 到 {limit} 之间")));
    }
    Ok(v)
}

/// GET /common/map/distance — mapDistance; anyone. Straight-line distance in kilometres (a number).
#[get("/common/map/distance")]
fn map_distance(p: Params) -> ApiResult<f64> {
    let lat1 = coordinate(&p, "lat1", 90.0)?;
    let lng1 = coordinate(&p, "lng1", 180.0)?;
    let lat2 = coordinate(&p, "lat2", 90.0)?;
    let lng2 = coordinate(&p, "lng2", 180.0)?;
    let km = distance_km(lat1, lng1, lat2, lng2);
    Ok(Reply((km * 1000.0).round() / 1000.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::float_cmp)] // the same point is exactly zero apart
    fn beijing_to_shanghai_is_about_1067_km() {
        let km = distance_km(39.9042, 116.4074, 31.2304, 121.4737);
        assert!((km - 1067.0).abs() < 5.0, "{km}");
        assert_eq!(distance_km(30.0, 120.0, 30.0, 120.0), 0.0);
    }

    #[test]
    fn unique_ids_increase_and_stay_exact_in_javascript() {
        let ids = UniqueIds::default();
        let a = ids.next();
        let b = ids.next();
        assert!(b > a);
        assert!(b < (1u64 << 53));
    }
}
