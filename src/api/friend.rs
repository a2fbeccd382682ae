//! Friends: a logged-in shopper's friend list, adding and removing friends, a friend's profile.
//!
//! Friendship is mutual (see service::social): adding writes it for both sides, deleting ends it
//! for both. Adding an existing friend again answers 0 with the friendship as it was; deleting a
//! non-friend answers 0 too. Unknown or disabled uids answer 404, one's own uid 300 (`uid`).
//! A friend's profile shows nick, avatar, gender and city — never mobile or e-mail — and only to
//! friends (403 otherwise).

use rocket::{get, post, routes, Route, State};
use serde::Serialize;
use time::macros::{format_description, offset};

use super::{ApiResult, Authed, BaseUrl, Page, Paging, Params, Reply};
use crate::db::friend::{FriendFilter, FriendRow};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::social;

pub fn routes() -> Vec<Route> {
    routes![list, add, delete, detail]
}

/// Most uids one `uids` filter may name.
const MAX_UIDS: usize = 100;

/// A friend in the list (and addFriend's answer).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FriendView {
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
    /// When the friendship was made.
    pub date_add: String,
}

impl FriendView {
    fn new(base: &BaseUrl, f: FriendRow) -> Self {
        FriendView {
            uid: f.uid,
            avatar_url: base.absolute(&f.avatar_url),
            nick: f.nick,
            date_add: db::format_unix(f.date_add),
        }
    }
}

/// friendUserDetail: what a friend may see.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FriendDetail {
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
    /// 0 unknown, 1 male, 2 female.
    pub gender: i64,
    pub city: String,
    pub date_add: String,
}

/// `uids`: a comma-separated list of shopper ids.
fn uids(p: &Params) -> Result<Vec<i64>, ApiError> {
    let Some(text) = p.opt_text("uids", 2000)? else { return Ok(Vec::new()) };
    let ids = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<i64>().map_err(|_| ApiError::invalid("uids", format!("“{s}”不是用户编号"))))
        .collect::<Result<Vec<_>, _>>()?;
    if ids.len() > MAX_UIDS {
        return Err(ApiError::invalid("uids", format!("一次最多 {MAX_UIDS} 个用户编号")));
    }
    Ok(ids)
}

/// `dateAddBegin` / `dateAddEnd` ("2018-05-16", or with " HH:MM:SS") in the shop's time zone, as
/// an instant: the begin is inclusive; an end is exclusive, so an end date alone takes in that
/// whole day.
pub fn date_bound(p: &Params, name: &'static str, end: bool) -> Result<Option<i64>, ApiError> {
    let Some(v) = p.opt_text(name, 19)? else { return Ok(None) };
    let day = format_description!("[year]-[month]-[day]");
    let moment = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let (at, step) = if let Ok(d) = time::Date::parse(v, &day) {
        (d.midnight(), time::Duration::DAY)
    } else if let Ok(t) = time::PrimitiveDateTime::parse(v, &moment) {
        (t, time::Duration::SECOND)
    } else {
        return Err(ApiError::invalid(name, "应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM:SS"));
    };
    let at = if end { at.saturating_add(step) } else { at };
    Ok(Some(at.assume_offset(offset!(+8)).unix_timestamp()))
}

/// POST /<sub>/user/friend/list — friendList; logged-in shopper. A page, newest friendship first;
/// 700 when empty.
#[post("/user/friend/list", data = "<req>")]
async fn list(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<FriendView>> {
    let paging = Paging::from(&req.p)?;
    let f = FriendFilter {
        uids: uids(&req.p)?,
        since: date_bound(&req.p, "dateAddBegin", false)?,
        before: date_bound(&req.p, "dateAddEnd", true)?,
    };
    let user = req.user_id;
    let (rows, total) =
        db.read(move |c| db::friend::list_of(c, user, &f, paging.offset(), paging.limit())).await?;
    Ok(Reply(paging.page(rows.into_iter().map(|r| FriendView::new(&base, r)).collect(), total)?))
}

/// POST /<sub>/user/friend/add — addFriend; logged-in shopper. Answers the friendship.
#[post("/user/friend/add", data = "<req>")]
async fn add(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<FriendView> {
    let (me, uid) = (req.user_id, req.p.int("uid")?);
    let row = db.write(move |c| social::add_friend(c, me, uid)).await?;
    Ok(Reply(FriendView::new(&base, row)))
}

/// POST /<sub>/user/friend/delete — deleteFriend; logged-in shopper.
#[post("/user/friend/delete", data = "<req>")]
async fn delete(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let (me, uid) = (req.user_id, req.p.int("uid")?);
    db.write(move |c| social::delete_friend(c, me, uid)).await?;
    Ok(Reply(()))
}

/// GET /<sub>/user/friend/detail — friendUserDetail; logged-in shopper, friends only.
#[get("/user/friend/detail")]
async fn detail(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<FriendDetail> {
    let (me, uid) = (req.user_id, req.p.int("uid")?);
    let f = db.read(move |c| social::friend_detail(c, me, uid)).await?;
    Ok(Reply(FriendDetail {
        uid: f.uid,
        avatar_url: base.absolute(&f.avatar_url),
        nick: f.nick,
        gender: f.gender,
        city: f.city,
        date_add: db::format_unix(f.date_add),
    }))
}
