//! The WeChat simulator: on when no appid is set. It speaks WeChat's own protocol over HTTP, so
//! every byte of the real client path (ureq, JSON, crypto) runs; only the other end is local.

pub mod codes;
pub mod codes_wx;
pub mod kefu;
pub mod messages;
pub mod pay;
pub mod pay_refund;
pub mod wechat;

use rocket::request::{FromRequest, Outcome, Request};
use rocket::{Catcher, Route};

use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    [wechat::routes(), kefu::routes()].concat()
}

/// Admits a request only while the shop is in sandbox mode (no real appid configured).
pub struct SandboxOn;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for SandboxOn {
    type Error = ();
    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match req.rocket().state::<Settings>() {
            Some(s) if s.get().wechat_appid().is_none() => Outcome::Success(SandboxOn),
            _ => Outcome::Error((rocket::http::Status::NotFound, ())),
        }
    }
}

#[rocket::catch(default)]
fn sandbox_catcher(
    status: rocket::http::Status,
    _req: &rocket::Request<'_>,
) -> rocket::serde::json::Json<serde_json::Value> {
    rocket::serde::json::Json(serde_json::json!({
        "errcode": 44004,
        "errmsg": format!("sandbox: no such call, or the shop is not in sandbox mode (HTTP {})", status.code),
    }))
}

pub fn catchers() -> Vec<Catcher> {
    rocket::catchers![sandbox_catcher]
}
