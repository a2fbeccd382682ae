//! What the money pages of the console share (提现, 押金, 发票): the confirmation page every
//! decision goes through, and running a decision with its result in words.

use askama::Template;

use super::page::{done, failed, render, Answer, Html, Staff};
use crate::db::Db;
use crate::error::{AdminError, ApiError};

/// One input on a confirmation page (a reason, a reference, an invoice number).
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub required: bool,
    pub hint: &'static str,
}

/// "Are you sure?" before a decision that moves money or answers a shopper; works without JavaScript.
#[derive(Template)]
#[template(path = "admin/funds/decide.html")]
pub struct DecidePage {
    pub staff: Staff,
    pub title: &'static str,
    pub question: String,
    pub warning: String,
    pub fields: Vec<Field>,
    pub button: &'static str,
    /// A refusal: the button is red.
    pub danger: bool,
    pub action: String,
    pub back: &'static str,
}

impl DecidePage {
    pub fn show(self) -> Result<Html, AdminError> {
        render(&self)
    }
}

/// Runs a decision in one write transaction; back to `back` with `ok` or the refusal in words.
pub async fn decide<T, E, F>(db: &Db, back: &'static str, ok: String, f: F) -> Result<Answer, AdminError>
where
    T: Send + 'static,
    E: Into<ApiError>,
    F: FnOnce(&rusqlite::Connection) -> Result<T, E> + Send + 'static,
{
    match db.write(move |c| Ok::<_, ApiError>(f(c).map_err(Into::into))).await? {
        Ok(_) => Ok(done(back, ok)),
        Err(e @ (ApiError::Busy | ApiError::Internal(_))) => Err(e.into()),
        Err(ApiError::NotFound(_)) => Err(AdminError::NotFound),
        Err(ApiError::Missing(_)) => Ok(failed(back, "请填写原因后再提交")),
        Err(e) => Ok(failed(back, e.msg())),
    }
}

/// A status filter from the query: a whole number within `0..=max`, else none.
pub fn wanted(status: Option<&str>, max: i64) -> Option<i64> {
    status.and_then(|s| s.trim().parse::<i64>().ok()).filter(|s| (0..=max).contains(s))
}
