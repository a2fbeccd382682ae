//! Comments and feedback (留言 & 反馈): `type` 0 is feedback to the shop, 1 a comment on an
//! article (`refId` = the article); `pid` answers another comment of the same thread. Shoppers
//! must be logged in to add one; lists show the shown (not hidden) ones with the writer's nick
//! and avatar. With the shop's content check on, a comment passes WeChat's msgSecCheck first
//! (service::security): risky answers 87014 and stores nothing, review stores it awaiting the
//! merchant (status 2).

use rocket::{post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, Page, Paging, Params, Reply};
use crate::db::cms::{self as store, CommentFilter, CommentRow, NewComment};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::cms as rules;
use crate::service::security::{self, Scene};
use crate::settings::Settings;
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![add, delete, list_v1, list_v2]
}

/// Longest comment, in characters.
pub const MAX_COMMENT: usize = 1000;
/// Largest `extJsonStr`, in characters.
const MAX_EXT_JSON: usize = 2000;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommentView {
    pub id: i64,
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
    #[serde(rename = "type")]
    pub kind: i64,
    pub ref_id: i64,
    pub pid: i64,
    pub content: String,
    /// `extJsonStr` parsed; `{}` when none.
    pub ext_json: serde_json::Value,
    pub status: i64,
    pub status_str: &'static str,
    pub date_add: String,
}

impl CommentView {
    pub fn new(m: CommentRow) -> Self {
        CommentView {
            id: m.id,
            uid: m.user_id.unwrap_or(0),
            nick: m.nick,
            avatar_url: m.avatar_url,
            kind: m.kind,
            ref_id: m.ref_id,
            pid: m.pid,
            content: m.content,
            ext_json: serde_json::from_str(&m.ext_json)
                .unwrap_or_else(|_| serde_json::Value::Object(serde_json::Map::default())),
            status: m.status,
            status_str: match m.status {
                0 => "显示",
                rules::COMMENT_AWAITING => "待审核",
                _ => "已隐藏",
            },
            date_add: db::format_unix(m.date_add),
        }
    }
}

/// POST /<sub>/comment/add — addComment; logged-in shopper. Answers the new comment's id.
#[post("/comment/add", data = "<req>")]
async fn add(req: Authed, db: &State<Db>, wx: &State<WeChat>, settings: &State<Settings>) -> ApiResult<i64> {
    let p = &req.p;
    let content = p.text("content", MAX_COMMENT)?.trim().to_string();
    if content.is_empty() {
        return Err(ApiError::Missing("content"));
    }
    let ext_json = match p.opt_text("extJsonStr", MAX_EXT_JSON)? {
        Some(t) if serde_json::from_str::<serde_json::Value>(t).is_ok_and(|v| v.is_object()) => t.to_string(),
        Some(_) => return Err(ApiError::invalid("extJsonStr", "应为 JSON 对象")),
        None => "{}".to_string(),
    };
    let m = NewComment {
        user_id: Some(req.user_id),
        kind: p.opt_int("type")?.unwrap_or(rules::COMMENT_FEEDBACK),
        ref_id: p.opt_int("refId")?.unwrap_or(0),
        pid: p.opt_int("pid")?.unwrap_or(0),
        content,
        ext_json,
    };
    let verdict = security::check_text(db, wx, settings, req.user_id, Scene::Comment, &m.content).await?;
    Ok(Reply(db.write(move |c| rules::add_comment(c, m, &verdict, db::unix_now())).await?))
}

/// POST /<sub>/comment/del — delComment; logged-in shopper, own comment only (another's answers 404).
#[post("/comment/del", data = "<req>")]
async fn delete(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let id = req.p.int("id")?;
    let user = req.user_id;
    db.write(move |c| rules::delete_own_comment(c, user, id)).await?;
    Ok(Reply(()))
}

async fn list(p: Params, db: &Db) -> Result<Page<CommentView>, ApiError> {
    let paging = Paging::from(&p)?;
    let f = CommentFilter {
        status: Some(0),
        kind: p.opt_int("type")?,
        ref_id: p.opt_int("refId")?,
        pid: p.opt_int("pid")?,
        user_id: p.opt_int("uid")?,
    };
    let (rows, total) = db.read(move |c| store::comments(c, &f, paging.offset(), paging.limit())).await?;
    paging.page(rows.into_iter().map(CommentView::new).collect(), total)
}

/// POST /<sub>/comment/list — commentList; anyone. Shown comments, newest first, paged (filters
/// type, refId, pid, uid); 700 when none.
#[post("/comment/list", data = "<p>")]
async fn list_v1(p: Params, db: &State<Db>) -> ApiResult<Page<CommentView>> {
    Ok(Reply(list(p, db).await?))
}

/// POST /<sub>/comment/list/v2 — commentListV2; anyone. As commentList.
#[post("/comment/list/v2", data = "<p>")]
async fn list_v2(p: Params, db: &State<Db>) -> ApiResult<Page<CommentView>> {
    Ok(Reply(list(p, db).await?))
}
