//! Follows between shoppers (the client's userAttention* methods): follow, unfollow, check, the two
//! lists, a shopper's card and the counts.
//!
//! Following twice or unfollowing someone not followed answers 0 and changes nothing, so the counts
//! stay right. One's own uid answers 300 (`uid`); unknown or disabled shoppers 404. The check
//! answers 0 when following and -1 when not, like the client's other check methods.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, BaseUrl, Page, Paging, Reply};
use crate::db::follow::FollowRow;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::social;

pub fn routes() -> Vec<Route> {
    routes![check, add, remove, followers, following, detail, statistics]
}

/// A shopper in a following or fans list.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowView {
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
    /// When the follow was made.
    pub date_add: String,
    /// True when the two follow each other.
    pub mutual: bool,
}

impl FollowView {
    fn new(base: &BaseUrl, f: FollowRow) -> Self {
        FollowView {
            uid: f.uid,
            avatar_url: base.absolute(&f.avatar_url),
            nick: f.nick,
            date_add: db::format_unix(f.date_add),
            mutual: f.mutual,
        }
    }
}

/// userAttentionStatistics.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Statistics {
    /// How many shoppers I follow.
    pub my_attention_count: i64,
    /// How many shoppers follow me.
    pub attention_me_count: i64,
}

/// userAttentionDetail: another shopper's public card.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Card {
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
    /// How many they follow.
    pub my_attention_count: i64,
    /// How many follow them.
    pub attention_me_count: i64,
    /// I follow them.
    pub is_attention: bool,
    /// They follow me.
    pub is_attention_me: bool,
}

/// GET /<sub>/user/attention/check — userAttentioncheck; logged-in shopper. 0 following, -1 not.
#[get("/user/attention/check")]
async fn check(req: Authed, db: &State<Db>) -> ApiResult<&'static str> {
    let (me, uid) = (req.user_id, req.p.int("uid")?);
    let yes = db.read(move |c| db::follow::follows(c, me, uid)).await?;
    if yes {
        Ok(Reply("已关注"))
    } else {
        Err(ApiError::CheckedNo("未关注"))
    }
}

/// POST /<sub>/user/attention/add — userAttentionAdd; logged-in shopper.
#[post("/user/attention/add", data = "<req>")]
async fn add(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let (me, uid) = (req.user_id, req.p.int("uid")?);
    db.write(move |c| social::follow(c, me, uid)).await?;
    Ok(Reply(()))
}

/// POST /<sub>/user/attention/remove — userAttentionRemove; logged-in shopper.
#[post("/user/attention/remove", data = "<req>")]
async fn remove(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let (me, uid) = (req.user_id, req.p.int("uid")?);
    db.write(move |c| social::unfollow(c, me, uid)).await?;
    Ok(Reply(()))
}

/// POST /<sub>/user/attention/attention-me — userAttentionMeList; logged-in shopper. My fans, a
/// page, latest first; 700 when none.
#[post("/user/attention/attention-me", data = "<req>")]
async fn followers(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<FollowView>> {
    let paging = Paging::from(&req.p)?;
    let me = req.user_id;
    let (rows, total) = db
        .read(move |c| {
            let rows = db::follow::followers(c, me, paging.offset(), paging.limit())?;
            db::follow::counts(c, me).map(|(_, followers)| (rows, followers))
        })
        .await?;
    Ok(Reply(paging.page(rows.into_iter().map(|r| FollowView::new(&base, r)).collect(), total)?))
}

/// POST /<sub>/user/attention/my-attention — userMyAttentionList; logged-in shopper. Whom I follow,
/// a page, latest first; 700 when none.
#[post("/user/attention/my-attention", data = "<req>")]
async fn following(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<FollowView>> {
    let paging = Paging::from(&req.p)?;
    let me = req.user_id;
    let (rows, total) = db
        .read(move |c| {
            let rows = db::follow::following(c, me, paging.offset(), paging.limit())?;
            db::follow::counts(c, me).map(|(following, _)| (rows, following))
        })
        .await?;
    Ok(Reply(paging.page(rows.into_iter().map(|r| FollowView::new(&base, r)).collect(), total)?))
}

/// GET /<sub>/user/attention/detail — userAttentionDetail; logged-in shopper. Nick, avatar, counts
/// and who follows whom; never private fields.
#[get("/user/attention/detail")]
async fn detail(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<Card> {
    let (me, uid) = (req.user_id, req.p.int("uid")?);
    let card = db.read(move |c| social::card(c, me, uid)).await?;
    Ok(Reply(Card {
        uid: card.user.id,
        avatar_url: base.absolute(&card.user.avatar_url),
        nick: card.user.nick,
        my_attention_count: card.counts.0,
        attention_me_count: card.counts.1,
        is_attention: card.followed,
        is_attention_me: card.follows_me,
    }))
}

/// GET /<sub>/user/attention/statistics — userAttentionStatistics; logged-in shopper.
#[get("/user/attention/statistics")]
async fn statistics(req: Authed, db: &State<Db>) -> ApiResult<Statistics> {
    let me = req.user_id;
    let (following, followers) = db.read(move |c| db::follow::counts(c, me)).await?;
    Ok(Reply(Statistics { my_attention_count: following, attention_me_count: followers }))
}
