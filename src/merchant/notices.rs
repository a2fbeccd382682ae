//! Notices (shop announcements) the mini-program lists with `noticeList`.

use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{delete, get, post, put, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::body::opt_text;
use super::{Answer, ApiKey, JsonBody, Paged, Paging, BASE};
use crate::cache::Cache;
use crate::db::{self, site::Notice, Db};
use crate::error::MerchantError;
use crate::service::{self, site::NoticeInput};

pub fn routes() -> Vec<Route> {
    routes![list, create, show, replace, remove]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NoticeView {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub content: String,
    pub is_show: bool,
    pub date_add: String,
    pub date_update: String,
}

impl From<Notice> for NoticeView {
    fn from(n: Notice) -> Self {
        NoticeView {
            id: n.id,
            kind: n.kind,
            title: n.title,
            content: n.content,
            is_show: n.is_show,
            date_add: db::format_unix(n.date_add),
            date_update: db::format_unix(n.date_update),
        }
    }
}

/// A whole notice as POST and PUT send it; absent fields take their defaults (shown).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct NoticeBody {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub content: String,
    pub is_show: bool,
}

impl Default for NoticeBody {
    fn default() -> Self {
        NoticeBody { kind: String::new(), title: String::new(), content: String::new(), is_show: true }
    }
}

impl From<NoticeBody> for NoticeInput {
    fn from(n: NoticeBody) -> Self {
        NoticeInput { kind: n.kind, title: n.title, content: n.content, is_show: n.is_show }
    }
}

/// `?search=&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct ListQuery<'r> {
    search: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// The service's "not found" in the API's words.
async fn load(db: &Db, id: i64) -> Answer<NoticeView> {
    let found = db.read(move |c| db::site::notice_by_id(c, id)).await?;
    Ok(found.ok_or(MerchantError::NotFound("notice"))?.into())
}

/// GET /admin/api/v1/notices?search=&page=&pageSize= — merchant key. Newest first, shown or not.
#[get("/notices?<q..>")]
async fn list(_key: ApiKey, db: &State<Db>, q: ListQuery<'_>) -> Answer<Json<Paged<NoticeView>>> {
    let search = opt_text("search", q.search, 100)?;
    let paging = Paging::new(q.page, q.page_size)?;
    let (rows, total) = db
        .read(move |c| db::site::all_notices(c, search.as_deref(), paging.offset(), paging.page_size))
        .await?;
    Ok(Json(paging.wrap(rows.into_iter().map(Into::into).collect(), total)))
}

/// POST /admin/api/v1/notices — merchant key. 201 with `Location`.
#[post("/notices", data = "<body>")]
async fn create(
    _key: ApiKey,
    db: &State<Db>,
    cache: &State<Cache>,
    body: JsonBody<NoticeBody>,
) -> Answer<Created<Json<NoticeView>>> {
    let id = service::site::save_notice(db, cache, None, body.0.into()).await?;
    Ok(Created::new(format!("{BASE}/notices/{id}")).body(Json(load(db, id).await?)))
}

/// GET /admin/api/v1/notices/<id> — merchant key.
#[get("/notices/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<NoticeView>> {
    Ok(Json(load(db, id).await?))
}

/// PUT /admin/api/v1/notices/<id> — merchant key. Replaces the whole notice.
#[put("/notices/<id>", data = "<body>")]
async fn replace(
    _key: ApiKey,
    db: &State<Db>,
    cache: &State<Cache>,
    id: i64,
    body: JsonBody<NoticeBody>,
) -> Answer<Json<NoticeView>> {
    service::site::save_notice(db, cache, Some(id), body.0.into()).await?;
    Ok(Json(load(db, id).await?))
}

/// DELETE /admin/api/v1/notices/<id> — merchant key. 204, or 404 when there was none.
#[delete("/notices/<id>")]
async fn remove(_key: ApiKey, db: &State<Db>, cache: &State<Cache>, id: i64) -> Answer<Status> {
    if service::site::delete_notice(db, cache, id).await? {
        Ok(Status::NoContent)
    } else {
        Err(MerchantError::NotFound("notice").into())
    }
}
