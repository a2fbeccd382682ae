//! A logged-in shopper's inbox of notices from the shop (the console's 「站内消息」) and from features
//! (order notices...), sent through `service::message::send`.
//!
//! The list is newest first, so pages stay put while messages are read; `isRead` narrows it to
//! unread or read ones and `type` to one kind. Reading twice is fine; another shopper's message
//! answers 404 as if it did not exist.

use rocket::{post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, Page, Paging, Reply};
use crate::db::message::{MessageFilter, MessageRow};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::message::MAX_KIND;

pub fn routes() -> Vec<Route> {
    routes![list, read, delete]
}

const NOT_FOUND: ApiError = ApiError::NotFound("消息");

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    pub id: i64,
    pub uid: i64,
    /// The kind: order, system, shop...
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub content: String,
    pub is_read: bool,
    pub date_add: String,
    /// When it was first read; "" while unread.
    pub date_read: String,
}

impl From<MessageRow> for MessageView {
    fn from(m: MessageRow) -> Self {
        MessageView {
            id: m.id,
            uid: m.user_id,
            kind: m.kind,
            title: m.title,
            content: m.content,
            is_read: m.is_read,
            date_add: db::format_unix(m.date_add),
            date_read: m.date_read.map(db::format_unix).unwrap_or_default(),
        }
    }
}

/// POST /<sub>/user/message/list — messageList; logged-in shopper. A page, newest first; 700 when
/// empty.
#[post("/user/message/list", data = "<req>")]
async fn list(req: Authed, db: &State<Db>) -> ApiResult<Page<MessageView>> {
    let paging = Paging::from(&req.p)?;
    let f = MessageFilter {
        is_read: req.p.opt_bool("isRead")?,
        kind: req.p.opt_text("type", MAX_KIND)?.map(str::to_string),
    };
    let user = req.user_id;
    let (rows, total) =
        db.read(move |c| db::message::list_of(c, user, &f, paging.offset(), paging.limit())).await?;
    Ok(Reply(paging.page(rows.into_iter().map(MessageView::from).collect(), total)?))
}

/// POST /<sub>/user/message/read — messageRead; logged-in shopper, own message. Answers it, read.
#[post("/user/message/read", data = "<req>")]
async fn read(req: Authed, db: &State<Db>) -> ApiResult<MessageView> {
    let (user, id) = (req.user_id, req.p.int("id")?);
    let row = db
        .write(move |c| {
            if !db::message::mark_read(c, user, id, db::unix_now())? {
                return Err(NOT_FOUND);
            }
            db::message::owned(c, user, id)?.ok_or(NOT_FOUND)
        })
        .await?;
    Ok(Reply(row.into()))
}

/// POST /<sub>/user/message/del — messageDelete; logged-in shopper, own message.
#[post("/user/message/del", data = "<req>")]
async fn delete(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let (user, id) = (req.user_id, req.p.int("id")?);
    db.write(move |c| if db::message::delete(c, user, id)? { Ok(()) } else { Err(NOT_FOUND) }).await?;
    Ok(Reply(()))
}
