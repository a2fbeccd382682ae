//! Categories and goods for the merchant's own systems: the catalogue's writes, each one
//! transaction through service::catalog, so the shop answers the change at once.

mod categories;
mod goods;
mod stock;

use std::io::Cursor;

use rocket::http::{ContentType, Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Responder, Response};
use serde::Serialize;

use super::problem::fail;
use super::{Problem, BASE};
use crate::db;
use crate::error::MerchantError;
use crate::routing::{by_file, FileRoutes};
use crate::service::catalog::StockConflict;

/// The catalogue's routes under [`BASE`], by the file that defines them.
pub fn routes() -> Vec<FileRoutes> {
    by_file!(BASE, "src/merchant/catalog"; categories, goods, stock)
}

fn now() -> i64 {
    db::unix_now()
}

// ---- Versions: an edit says what it was based on, and a stale one is refused with what is now.

/// The version an `If-Match` header names (`"12"`, `W/"12"` or `12`); None without the header.
pub struct IfMatch(pub Option<i64>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for IfMatch {
    type Error = Problem;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Problem> {
        let Some(text) = req.headers().get_one("If-Match") else { return Outcome::Success(IfMatch(None)) };
        let tag = text.trim().trim_start_matches("W/").trim_matches('"');
        match tag.parse::<i64>() {
            Ok(v) => Outcome::Success(IfMatch(Some(v))),
            Err(_) => fail(
                req,
                Problem::invalid(
                    "If-Match",
                    "must be the ETag a GET answered, e.g. \"12\" (`*` is not accepted)",
                ),
            ),
        }
    }
}

/// The version a write is based on: `If-Match`, or the body's `version`; 422 when they differ.
pub fn based_on(header: IfMatch, body: Option<i64>) -> Result<Option<i64>, Problem> {
    match (header.0, body) {
        (Some(h), Some(b)) if h != b => {
            Err(Problem::invalid("version", format!("is {b} but If-Match names {h}: send one version")))
        }
        (h, b) => Ok(h.or(b)),
    }
}

/// 428: stock sent as a number needs the version it was read at.
pub fn needs_version(what: &str) -> Problem {
    Problem {
        status: Status::PreconditionRequired,
        field: Some("version".into()),
        ..Problem::new(
            Status::PreconditionRequired,
            format!(
                "version: {what} sets stock that orders change too: send the version it was read at \
                 (If-Match: the ETag of the GET, or `version`), or change stock by `add`"
            ),
        )
    }
}

/// An answer with the version it shows as its `ETag`.
pub struct Tagged<R> {
    pub inner: R,
    pub version: i64,
}

impl<'r, R: Responder<'r, 'static>> Responder<'r, 'static> for Tagged<R> {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let mut res = self.inner.respond_to(req)?;
        res.set_header(Header::new("ETag", format!("\"{}\"", self.version)));
        Ok(res)
    }
}

/// A refused write: a problem, or 409 with what the thing is now (its version as the `ETag`).
pub enum Refusal<T> {
    Problem(Problem),
    Stale { error: String, current: T, version: i64 },
}

impl<T> From<Problem> for Refusal<T> {
    fn from(p: Problem) -> Self {
        Refusal::Problem(p)
    }
}

impl<T> From<MerchantError> for Refusal<T> {
    fn from(e: MerchantError) -> Self {
        Refusal::Problem(e.into())
    }
}

#[derive(Serialize)]
struct StaleBody<'a, T> {
    error: &'a str,
    current: &'a T,
}

impl<'r, T: Serialize> Responder<'r, 'static> for Refusal<T> {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let (error, current, version) = match self {
            Refusal::Problem(p) => return p.respond_to(req),
            Refusal::Stale { error, current, version } => (error, current, version),
        };
        let body = serde_json::to_vec(&StaleBody { error: &error, current: &current }).unwrap_or_default();
        Response::build()
            .status(Status::Conflict)
            .header(ContentType::JSON)
            .header(Header::new("ETag", format!("\"{version}\"")))
            .sized_body(body.len(), Cursor::new(body))
            .ok()
    }
}

/// The 409 message for stock that moved under a write.
pub fn stale_message(list: &[StockConflict]) -> String {
    let each: Vec<String> = list.iter().map(StockConflict::describe).collect();
    format!("stock changed since it was read, nothing was written: {}", each.join("；"))
}

/// The 409 message for a write based on an older version.
pub fn outdated_message(sent: Option<i64>, now: i64) -> String {
    let sent = sent.map(|v| format!(" {v}")).unwrap_or_default();
    format!(
        "changed since version{sent} (now {now}), nothing was written: `current` is how it is now; \
         send the change again based on it"
    )
}
