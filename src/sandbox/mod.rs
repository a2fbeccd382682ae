//! The WeChat simulator: on when no appid is set. It speaks WeChat's own protocol over HTTP, so
//! every byte of the real client path (ureq, JSON, crypto) runs; only the other end is local.
//!
//! Two kinds of route: what the shop itself calls as "WeChat" (code2Session, tokens, unified
//! order, refunds, message sends...) takes [`SandboxOn`]; the controls a person or a test uses to
//! play WeChat or a shopper (pay an order, read a code, set faults, push events) take
//! [`SandboxOperator`], because paying an order or reading a shopper's code is a door, sandbox or not.

pub mod codes;
pub mod codes_wx;
pub mod kefu;
pub mod messages;
pub mod pay;
pub mod pay_refund;
pub mod wechat;

use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::Catcher;

use crate::admin::AdminSession;
use crate::merchant::ApiKey;
use crate::routing::{by_file, FileRoutes};
use crate::settings::Settings;

/// Every simulator route, at the root; lib.rs mounts them only in sandbox mode.
pub fn routes() -> Vec<FileRoutes> {
    by_file!("/", "src/sandbox"; wechat, kefu, codes, codes_wx, pay, pay_refund, messages)
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

/// Admits a sandbox control (sandbox mode only): the caller is signed in to the console (its
/// session cookie) or holds a merchant API key (`Authorization: Bearer <key>`). Fails with 401.
pub struct SandboxOperator;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for SandboxOperator {
    type Error = ();
    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        if let Outcome::Error(e) = req.guard::<SandboxOn>().await {
            return Outcome::Error(e);
        }
        // A key that is sent is the one judged: a wrong key is not rescued by a cookie.
        let status = if req.headers().contains("Authorization") {
            match req.guard::<ApiKey>().await {
                Outcome::Success(_) => return Outcome::Success(SandboxOperator),
                Outcome::Error((status, _)) | Outcome::Forward(status) => status,
            }
        } else {
            match req.guard::<AdminSession>().await {
                Outcome::Success(_) => return Outcome::Success(SandboxOperator),
                Outcome::Error((status, ())) | Outcome::Forward(status) => status,
            }
        };
        // Busy stays busy; anything else is "who are you".
        let status = if status == Status::ServiceUnavailable { status } else { Status::Unauthorized };
        Outcome::Error((status, ()))
    }
}

/// What a sandbox error answers: WeChat's shape, `{errcode, errmsg}`.
#[derive(serde::Serialize)]
struct SandboxRefusal {
    errcode: i64,
    errmsg: String,
}

#[rocket::catch(default)]
fn sandbox_catcher(status: Status, _req: &rocket::Request<'_>) -> rocket::serde::json::Json<SandboxRefusal> {
    let (errcode, errmsg) = match status.code {
        401 => (
            41001,
            "sandbox control: sign in to the console, or send `Authorization: Bearer <merchant API key>`"
                .to_string(),
        ),
        code => (44004, format!("sandbox: no such call, or the shop is not in sandbox mode (HTTP {code})")),
    };
    rocket::serde::json::Json(SandboxRefusal { errcode, errmsg })
}

pub fn catchers() -> Vec<Catcher> {
    rocket::catchers![sandbox_catcher]
}
