//! How the merchant API fails: a real HTTP status and `{"error": "...", "field": "..."?}`.
//!
//! Rocket's catchers cannot see a guard's error value, so a failing guard records its
//! [`Problem`] in the request-local cache ([`fail`]) and the catcher answers it ([`recorded`]).

use std::fmt::Display;
use std::io::Cursor;
use std::sync::Mutex;

use rocket::http::{ContentType, Header, Status};
use rocket::outcome::Outcome;
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use serde::Serialize;

use crate::error::{ApiError, MerchantError};

/// A failed merchant API call.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: Status,
    /// Human-readable; messages from shared validation may be Chinese.
    pub error: String,
    /// The request field (JSON key, query parameter, form field, path segment) at fault.
    pub field: Option<String>,
    /// For 405: the methods the path does answer.
    pub allow: Option<String>,
}

/// What a handler answers.
pub type Answer<T> = Result<T, Problem>;

impl Problem {
    pub fn new(status: Status, error: impl Into<String>) -> Problem {
        Problem { status, error: error.into(), field: None, allow: None }
    }

    /// 422 naming the field: the message reads "field: reason".
    pub fn invalid(field: impl Into<String>, reason: impl Display) -> Problem {
        let field = field.into();
        Problem {
            error: format!("{field}: {reason}"),
            field: Some(field),
            ..Problem::new(Status::UnprocessableEntity, "")
        }
    }

    pub fn unauthorized(error: impl Into<String>) -> Problem {
        Problem::new(Status::Unauthorized, error)
    }
}

impl From<MerchantError> for Problem {
    fn from(e: MerchantError) -> Problem {
        if let MerchantError::Internal(detail) = &e {
            log::error!("merchant API internal error: {detail}");
        }
        let status = Status::from_code(e.status()).unwrap_or(Status::InternalServerError);
        let field = match &e {
            MerchantError::Invalid { field, .. } => Some(field.to_string()),
            _ => None,
        };
        Problem { status, error: e.to_string(), field, allow: None }
    }
}

impl From<ApiError> for Problem {
    fn from(e: ApiError) -> Problem {
        match e {
            // Only uploads are ever too large here; MerchantError has no 413.
            ApiError::TooLarge { limit, .. } => Problem {
                field: Some("file".into()),
                ..Problem::new(Status::PayloadTooLarge, format!("file: larger than the {limit} limit"))
            },
            ApiError::QuotaFull { limit } => {
                Problem::new(Status::InsufficientStorage, format!("the file store is full (limit {limit})"))
            }
            other => MerchantError::from(other).into(),
        }
    }
}

impl From<crate::db::Error> for Problem {
    fn from(e: crate::db::Error) -> Problem {
        MerchantError::from(e).into()
    }
}

impl From<crate::service::error::Error> for Problem {
    fn from(e: crate::service::error::Error) -> Problem {
        match e {
            // Only uploads are ever too large here; MerchantError has no 413.
            crate::service::error::Error::TooLarge { limit, .. } => Problem {
                field: Some("file".into()),
                ..Problem::new(Status::PayloadTooLarge, format!("file: larger than the {limit} limit"))
            },
            crate::service::error::Error::QuotaFull { limit } => {
                Problem::new(Status::InsufficientStorage, format!("the file store is full (limit {limit})"))
            }
            other => MerchantError::from(other).into(),
        }
    }
}

impl From<rusqlite::Error> for Problem {
    fn from(e: rusqlite::Error) -> Problem {
        MerchantError::from(e).into()
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl<'r> Responder<'r, 'static> for Problem {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let body = serde_json::to_vec(&ErrorBody { error: &self.error, field: self.field.as_deref() })
            .unwrap_or_default();
        let mut res = Response::build();
        res.status(self.status).header(ContentType::JSON).sized_body(body.len(), Cursor::new(body));
        if self.status == Status::Unauthorized {
            res.header(Header::new("WWW-Authenticate", "Bearer"));
        }
        if let Some(allow) = self.allow {
            res.header(Header::new("Allow", allow));
        }
        res.ok()
    }
}

/// The problem a guard recorded for this request (Rocket does not hand it to the catcher).
struct Recorded(Mutex<Option<Problem>>);

/// Records `p` for the catcher and fails the guard with its status.
pub fn fail<T, F>(req: &Request<'_>, p: Problem) -> Outcome<T, (Status, Problem), F> {
    let slot = req.local_cache(|| Recorded(Mutex::new(None)));
    *slot.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(p.clone());
    Outcome::Error((p.status, p))
}

/// The problem a guard recorded for this request, if any.
pub fn recorded(req: &Request<'_>) -> Option<Problem> {
    let slot = req.local_cache(|| Recorded(Mutex::new(None)));
    slot.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
}
