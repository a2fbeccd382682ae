//! Sign-ups for an article (文章报名: an event, a class): a logged-in shopper signs up once per
//! published article (with optional details in `extJsonStr`), can cancel, and can check; anyone
//! can list who signed up, with their nick and avatar.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, Page, Paging, Params, Reply};
use crate::db::cms as store;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::cms as rules;

pub fn routes() -> Vec<Route> {
    routes![sign_users, sign_online, sign_offline, sign_check]
}

/// Largest `extJsonStr` a sign-up may carry, in characters.
const MAX_EXT_JSON: usize = 2000;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignView {
    pub id: i64,
    pub news_id: i64,
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
    /// `extJsonStr` as sent at sign-up; `{}` when none.
    pub ext_json: serde_json::Value,
    pub date_add: String,
}

/// POST /<sub>/newsSign/signUsers — cmsNewsSignUsers; anyone. A published article's (`newsId`)
/// sign-ups in the order they came, paged; 700 when none.
#[post("/newsSign/signUsers", data = "<p>")]
async fn sign_users(p: Params, db: &State<Db>) -> ApiResult<Page<SignView>> {
    let news_id = p.int("newsId")?;
    let paging = Paging::from(&p)?;
    let (rows, total) = db
        .read(move |c| {
            rules::published(c, news_id)?;
            Ok::<_, ApiError>(store::signs(c, news_id, paging.offset(), paging.limit())?)
        })
        .await?;
    let views = rows
        .into_iter()
        .map(|s| SignView {
            id: s.id,
            news_id,
            uid: s.user_id,
            nick: s.nick,
            avatar_url: s.avatar_url,
            ext_json: serde_json::from_str(&s.ext_json)
                .unwrap_or_else(|_| serde_json::Value::Object(serde_json::Map::default())),
            date_add: db::format_unix(s.date_add),
        })
        .collect();
    Ok(Reply(paging.page(views, total)?))
}

/// POST /<sub>/newsSign/signOnline — cmsNewsSignOnline; logged-in shopper. Signs up for the
/// published article `newsId`; signing up twice answers 403.
#[post("/newsSign/signOnline", data = "<req>")]
async fn sign_online(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let news_id = req.p.int("newsId")?;
    let ext_json = match req.p.opt_text("extJsonStr", MAX_EXT_JSON)? {
        Some(t) if serde_json::from_str::<serde_json::Value>(t).is_ok_and(|v| v.is_object()) => t.to_string(),
        Some(_) => return Err(ApiError::invalid("extJsonStr", "应为 JSON 对象")),
        None => "{}".to_string(),
    };
    let user = req.user_id;
    db.write(move |c| rules::sign_up(c, user, news_id, &ext_json, db::unix_now())).await?;
    Ok(Reply(()))
}

/// POST /<sub>/newsSign/signOffline — cmsNewsSignOffline; logged-in shopper. Cancels the
/// shopper's sign-up for `newsId`; 404 when there is none.
#[post("/newsSign/signOffline", data = "<req>")]
async fn sign_offline(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let news_id = req.p.int("newsId")?;
    let user = req.user_id;
    let gone = db.write(move |c| store::delete_sign(c, news_id, user)).await?;
    if !gone {
        return Err(ApiError::NotFound("报名记录"));
    }
    Ok(Reply(()))
}

/// GET /<sub>/newsSign/check — cmsNewsSignCheck; logged-in shopper. Code 0 when signed up for
/// `newsId`, -1 "未报名" otherwise.
#[get("/newsSign/check")]
async fn sign_check(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let news_id = req.p.int("newsId")?;
    let user = req.user_id;
    if !db.read(move |c| store::is_signed(c, news_id, user)).await? {
        return Err(ApiError::CheckedNo("未报名"));
    }
    Ok(Reply(()))
}
