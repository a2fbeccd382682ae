//! The merchant API: JSON under /admin/api/v1 for the merchant's own systems and scripts, with
//! `Authorization: Bearer <key>` and real HTTP statuses. Documented in docs/merchant-api.md.

pub mod auth;
pub mod body;
pub mod problem;

mod ads;
mod articles;
mod banners;
mod calendar;
mod cards;
mod catalog;
mod config_values;
mod coupons;
mod freight;
mod goods_rules;
// bargain (kanjia)
mod kanjia;
// group buy (pingtuan)
mod ledger;
mod levels;
mod links;
mod notices;
mod orders;
mod payments;
mod pingtuan;
mod reputations;
mod settings;
// the settings kept as lists (sign-in, recharge, pay-bill, subscription messages)
mod shop_rules;
mod shops;
mod uploads;
mod users;
mod wechat_refunds;
mod withdrawals;
// distribution (三级分销)
mod fx;
// partners, commission rules, targets
mod fx_team;
mod wxcodes;
// the templates' remaining pages
mod activity_malls;
mod deposits;
mod member_monthly;
// the process's memory and its caches
mod memory;
// waiting for sold-out goods
mod stock_notices;

use rocket::http::Status;
use rocket::request::Request;
use rocket::Catcher;

pub use auth::ApiKey;
pub use body::{JsonBody, Paged, Paging};
pub use problem::{Answer, Problem};

use crate::error::MerchantError;
use crate::routing::{by_file, FileRoutes};

pub use crate::routing::MERCHANT_BASE as BASE;

/// Every merchant API route, under [`BASE`].
pub fn routes() -> Vec<FileRoutes> {
    let mut files = by_file!(
        BASE, "src/merchant";
        settings,
        // the settings kept as lists (sign-in, recharge, pay-bill, subscription messages)
        shop_rules,
        config_values,
        banners,
        ads,
        notices,
        links,
        uploads,
        users,
        levels,
        articles,
        shops,
        reputations,
        orders,
        freight,
        goods_rules,
        calendar,
        coupons,
        withdrawals,
        wxcodes,
        wechat_refunds,
        payments,
        ledger,
        // bargain (kanjia)
        kanjia,
        // group buy (pingtuan)
        pingtuan,
        // distribution (三级分销)
        fx,
        // partners, commission rules, targets
        fx_team,
        // cards, account deletion, member codes
        cards,
        // the templates' remaining pages
        activity_malls,
        deposits,
        member_monthly,
        // the process's memory and its caches
        memory,
        // waiting for sold-out goods
        stock_notices,
    );
    // The catalogue is a folder: it pairs each of its files with the routes defined there.
    files.extend(catalog::routes());
    files
}

/// The JSON catcher for everything under /admin/api.
pub fn catchers() -> Vec<Catcher> {
    rocket::catchers![merchant_catcher]
}

#[rocket::catch(default)]
fn merchant_catcher(status: Status, req: &Request<'_>) -> Problem {
    if let Some(p) = problem::recorded(req) {
        return p;
    }
    match status.code {
        404 => no_route(req),
        422 => bad_path_value(req),
        413 => Problem::new(status, "request body is too large"),
        // Only uploads take something other than JSON.
        415 => Problem {
            field: Some("file".into()),
            ..Problem::new(status, "file: send multipart/form-data with the file in a field named `file`")
        },
        503 => MerchantError::Busy.into(),
        500 => MerchantError::Internal(format!("{} {}", req.method(), req.uri())).into(),
        _ => Problem::new(status, status.reason().unwrap_or("request failed")),
    }
}

/// Splits a mounted route pattern (`/admin/api/v1/banners/<id>`) and a path into segments.
fn segments(s: &str) -> impl Iterator<Item = &str> {
    s.trim_matches('/').split('/')
}

/// True when the route pattern matches the path (no trailing `<x..>` segments here).
fn pattern_matches(pattern: &str, path: &str) -> bool {
    segments(pattern).count() == segments(path).count()
        && segments(pattern).zip(segments(path)).all(|(p, s)| p.starts_with('<') || p == s)
}

/// 405 with `Allow` when the path exists for other methods, else 404.
fn no_route(req: &Request<'_>) -> Problem {
    let path = req.uri().path().as_str();
    let mut allowed: Vec<&str> = req
        .rocket()
        .routes()
        .filter(|r| r.method != req.method() && pattern_matches(r.uri.path(), path))
        .map(|r| r.method.as_str())
        .collect();
    allowed.sort_unstable();
    allowed.dedup();
    if allowed.is_empty() {
        return Problem::new(
            Status::NotFound,
            format!("no such endpoint: {} {path} (see docs/merchant-api.md)", req.method()),
        );
    }
    let allow = allowed.join(", ");
    Problem {
        allow: Some(allow.clone()),
        ..Problem::new(
            Status::MethodNotAllowed,
            format!("{} is not allowed on {path}; use {allow}", req.method()),
        )
    }
}

/// A path segment Rocket could not parse (`/banners/abc`): names it.
fn bad_path_value(req: &Request<'_>) -> Problem {
    let path = req.uri().path().as_str();
    for route in req.rocket().routes().filter(|r| r.method == req.method()) {
        let pattern = route.uri.path();
        if !pattern_matches(pattern, path) {
            continue;
        }
        for (p, s) in segments(pattern).zip(segments(path)) {
            if p == "<id>" && s.parse::<i64>().is_err() {
                return Problem::invalid("id", format!("`{s}` is not a whole number"));
            }
        }
    }
    Problem::new(Status::UnprocessableEntity, "invalid value in the URL")
}

#[cfg(test)]
mod tests {
    use super::pattern_matches;

    #[test]
    fn patterns_match_whole_paths() {
        assert!(pattern_matches("/admin/api/v1/banners/<id>", "/admin/api/v1/banners/3"));
        assert!(pattern_matches("/admin/api/v1/banners", "/admin/api/v1/banners/"));
        assert!(!pattern_matches("/admin/api/v1/banners", "/admin/api/v1/banners/3"));
        assert!(!pattern_matches("/admin/api/v1/banners/<id>", "/admin/api/v1/notices/3"));
    }
}
