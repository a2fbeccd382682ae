//! JSON storage: small documents a mini-program keeps on the server.
//!
//! With a token the rows are the shopper's own; without one they are the shop's public rows,
//! which anonymous callers may add to but never change or delete.

use rocket::{post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, MaybeAuthed, Page, Paging, Reply};
use crate::db::{self, json::Flag, json::JsonFilter, Db};
use crate::error::ApiError;

pub fn routes() -> Vec<Route> {
    routes![set, list, list_v2, delete, top, highlight]
}

/// Largest stored document, in bytes.
const MAX_CONTENT: usize = 64 * 1024;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonView {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub ref_id: String,
    /// The document as stored (a JSON text).
    pub content: String,
    /// The same document parsed.
    pub json_data: serde_json::Value,
    pub uid: Option<i64>,
    pub date_add: String,
    pub date_update: String,
    /// Pinned by its owner (jsonTopv2).
    pub is_top: bool,
    /// Marked by its owner (jsonHighlightv2).
    pub is_highlight: bool,
}

impl From<db::json::JsonRow> for JsonView {
    fn from(r: db::json::JsonRow) -> Self {
        JsonView {
            id: r.id,
            json_data: serde_json::from_str(&r.content).unwrap_or(serde_json::Value::Null),
            kind: r.kind,
            ref_id: r.ref_id,
            content: r.content,
            uid: r.user_id,
            date_add: db::format_unix(r.date_add),
            date_update: db::format_unix(r.date_update),
            is_top: r.is_top,
            is_highlight: r.is_highlight,
        }
    }
}

/// POST /<sub>/json/set — jsonSet / jsonSetV2; anyone (a token makes the row the shopper's).
/// Creates a row, or updates row `id` when the caller owns it.
#[post("/json/set", data = "<req>")]
async fn set(req: MaybeAuthed, db: &State<Db>) -> ApiResult<JsonView> {
    let p = &req.p;
    let content = p.text("content", MAX_CONTENT)?.to_string();
    if content.len() > MAX_CONTENT {
        return Err(ApiError::invalid("content", format!("超过 {} KB", MAX_CONTENT / 1024)));
    }
    serde_json::from_str::<serde_json::Value>(&content)
        .map_err(|e| ApiError::invalid("content", format!("不是有效的 JSON：{e}")))?;
    let id = p.opt_int("id")?;
    let kind = p.opt_text("type", 100)?.unwrap_or("").to_string();
    let ref_id = p.opt_text("refId", 100)?.unwrap_or("").to_string();
    let user = req.user_id;
    let row = db
        .write(move |c| {
            let now = db::unix_now();
            let id = match id {
                Some(id) => {
                    let existing = db::json::by_id(c, id)?.ok_or(ApiError::NotFound("JSON 数据"))?;
                    if user.is_none() || existing.user_id != user {
                        return Err(ApiError::Forbidden("只能修改自己的数据".into()));
                    }
                    db::json::update(c, id, &kind, &ref_id, &content, now)?;
                    id
                }
                None => db::json::insert(c, user, &kind, &ref_id, &content, now)?,
            };
            db::json::by_id(c, id)?.ok_or(ApiError::NotFound("JSON 数据"))
        })
        .await?;
    Ok(Reply(row.into()))
}

fn filter(req: &MaybeAuthed) -> Result<JsonFilter, ApiError> {
    let p = &req.p;
    Ok(JsonFilter {
        user_id: req.user_id,
        id: p.opt_int("id")?,
        kind: p.opt_text("type", 100)?.map(str::to_string),
        ref_id: p.opt_text("refId", 100)?.map(str::to_string),
    })
}

async fn page(req: MaybeAuthed, db: &Db) -> Result<Page<JsonView>, ApiError> {
    let f = filter(&req)?;
    let paging = Paging::from(&req.p)?;
    let (rows, total) = db.read(move |c| db::json::list(c, &f, paging.offset(), paging.limit())).await?;
    paging.page(rows.into_iter().map(JsonView::from).collect(), total)
}

/// POST /<sub>/json/list — jsonList / jsonListV3; anyone. The caller's rows (or the shop's), a bare array.
#[post("/json/list", data = "<req>")]
async fn list(req: MaybeAuthed, db: &State<Db>) -> ApiResult<Vec<JsonView>> {
    Ok(Reply(page(req, db).await?.result))
}

/// POST /<sub>/json/list/v2 — jsonListV2; anyone. As jsonList, as a page `{result, totalRow, totalPage}`.
#[post("/json/list/v2", data = "<req>")]
async fn list_v2(req: MaybeAuthed, db: &State<Db>) -> ApiResult<Page<JsonView>> {
    Ok(Reply(page(req, db).await?))
}

/// POST /<sub>/json/delete — jsonDelete / jsonDeleteV2; logged-in owner only.
#[post("/json/delete", data = "<req>")]
async fn delete(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let id = req.p.int("id")?;
    let user = req.user_id;
    db.write(move |c| {
        let row = db::json::by_id(c, id)?.ok_or(ApiError::NotFound("JSON 数据"))?;
        if row.user_id != Some(user) {
            return Err(ApiError::Forbidden("只能删除自己的数据".into()));
        }
        db::json::delete(c, id)?;
        Ok(())
    })
    .await?;
    Ok(Reply(()))
}

/// Sets `flag` on the caller's own row `id` to the boolean parameter `name`.
async fn flag(req: Authed, db: &Db, flag: Flag, name: &'static str) -> ApiResult<JsonView> {
    let (id, on, user) =
        (req.p.int("id")?, req.p.opt_bool(name)?.ok_or(ApiError::Missing(name))?, req.user_id);
    let row = db
        .write(move |c| {
            let row = db::json::by_id(c, id)?.ok_or(ApiError::NotFound("JSON 数据"))?;
            if row.user_id != Some(user) {
                return Err(ApiError::Forbidden("只能修改自己的数据".into()));
            }
            db::json::set_flag(c, id, flag, on, db::unix_now())?;
            db::json::by_id(c, id)?.ok_or(ApiError::NotFound("JSON 数据"))
        })
        .await?;
    Ok(Reply(row.into()))
}

/// POST /<sub>/json/top — jsonTopv2 (and jsonTop); logged-in owner. Pins (`isTop=true`) or unpins row `id`.
#[post("/json/top", data = "<req>")]
async fn top(req: Authed, db: &State<Db>) -> ApiResult<JsonView> {
    flag(req, db, Flag::Top, "isTop").await
}

/// POST /<sub>/json/highlight — jsonHighlightv2 (and jsonHighlight); logged-in owner. Marks
/// (`isHighlight=true`) or unmarks row `id`.
#[post("/json/highlight", data = "<req>")]
async fn highlight(req: Authed, db: &State<Db>) -> ApiResult<JsonView> {
    flag(req, db, Flag::Highlight, "isHighlight").await
}
