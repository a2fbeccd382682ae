//! What the console's add / edit / delete sections share: a row found by id or the 404 page, a
//! saved form's redirect or the form sent back with its message, the question before a delete and
//! the answer after it.

use askama::Template;
use rocket::http::Status;
use rusqlite::Connection;

use super::page::{done, failed, render, render_as, said, Answer, Confirm, Html, Problem, Staff};
use crate::db::Db;
use crate::error::AdminError;
use crate::service::error::Error as ServiceError;

/// The row `load` finds by `id`; the 404 page when there is none.
pub async fn found<T, E>(
    db: &Db,
    id: i64,
    load: impl FnOnce(&Connection, i64) -> Result<Option<T>, E> + Send + 'static,
) -> Result<T, AdminError>
where
    T: Send + 'static,
    E: Send + 'static,
    AdminError: From<E>,
{
    db.read(move |c| load(c, id).map_err(AdminError::from)).await?.ok_or(AdminError::NotFound)
}

/// Where a form post goes: on to `back` with `message` once saved, else the form again ([`again`]).
pub fn saved<T, P: Template>(
    saved: Result<T, Problem>,
    back: &str,
    message: impl Into<String>,
    page: impl FnOnce(Option<String>) -> P,
) -> Result<Answer, AdminError> {
    match saved {
        Ok(_) => Ok(done(back, message)),
        Err(problem) => again(problem, page),
    }
}

/// A refused form sent back: `page` shows the values as typed with the message; a failure behind
/// the refusal (busy, internal) shows the error page instead.
pub fn again<P: Template>(
    problem: Problem,
    page: impl FnOnce(Option<String>) -> P,
) -> Result<Answer, AdminError> {
    sent_back(&page(Some(problem.message()?)))
}

/// A form page sent back with its message, as HTTP 422.
pub fn sent_back(page: &impl Template) -> Result<Answer, AdminError> {
    Ok(Answer::Page(render_as(Status::UnprocessableEntity, page)?))
}

/// Asks before deleting `what` (as the merchant knows it) from the list at `list`: the page posts
/// to `{list}/{id}/delete` and its way back leads to the list.
pub fn ask_delete(
    staff: Staff,
    list: &str,
    id: i64,
    title: &str,
    what: String,
    warning: &'static str,
) -> Result<Html, AdminError> {
    render(&Confirm {
        staff,
        title: title.into(),
        what,
        warning,
        action: format!("{list}/{id}/delete"),
        back: list.into(),
    })
}

/// After a delete: on to `back` with `message`; the 404 page when there was nothing to delete; a
/// refusal (still in use) back to `back` in the shop's words; busy and internal failures to the
/// error page.
pub fn deleted(result: Result<(), ServiceError>, back: &str, message: &str) -> Result<Answer, AdminError> {
    match result {
        Ok(()) => Ok(done(back, message)),
        Err(ServiceError::NotFound(_)) => Err(AdminError::NotFound),
        Err(e) => Ok(failed(back, said(e)?)),
    }
}
