//! Shoppers: list and look up (also by the member code they show), disable and enable.

use rocket::serde::json::Json;
use rocket::{get, post, routes, FromForm, Route, State};
use serde::Serialize;

use super::body::opt_text;
use super::{Answer, ApiKey, Paged, Paging, Problem};
use crate::db::{self, user::User, Db};
use crate::error::MerchantError;
use crate::service;

pub fn routes() -> Vec<Route> {
    routes![list, show, disable, enable, by_member_code]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: i64,
    pub nick: String,
    pub avatar_url: String,
    pub mobile: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub gender: i64,
    pub province: String,
    pub city: String,
    pub source: String,
    pub referrer_id: Option<i64>,
    pub disabled: bool,
    pub date_add: String,
    pub date_login: Option<String>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            id: u.id,
            nick: u.nick,
            avatar_url: u.avatar_url,
            mobile: u.mobile,
            username: u.username,
            email: u.email,
            gender: u.gender,
            province: u.province,
            city: u.city,
            source: u.source,
            referrer_id: u.referrer_id,
            disabled: u.status != 0,
            date_add: db::format_unix(u.date_add),
            date_login: u.date_login.map(db::format_unix),
        }
    }
}

/// `?search=&status=normal|disabled&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct ListQuery<'r> {
    search: Option<&'r str>,
    status: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// GET /admin/api/v1/users?search=&status=&page=&pageSize= — merchant key. Newest first; search
/// matches the id, nickname, mobile, username or e-mail.
#[get("/users?<q..>")]
async fn list(_key: ApiKey, db: &State<Db>, q: ListQuery<'_>) -> Answer<Json<Paged<UserView>>> {
    let search = opt_text("search", q.search, 100)?;
    let status = match q.status {
        None | Some("") => None,
        Some("normal") => Some(0),
        Some("disabled") => Some(1),
        Some(_) => return Err(Problem::invalid("status", "must be normal or disabled")),
    };
    let paging = Paging::new(q.page, q.page_size)?;
    let (rows, total) = db
        .read(move |c| db::user::search(c, search.as_deref(), status, paging.offset(), paging.page_size))
        .await?;
    Ok(Json(paging.wrap(rows.into_iter().map(Into::into).collect(), total)))
}

async fn load(db: &Db, id: i64) -> Answer<UserView> {
    let found = db.read(move |c| db::user::by_id(c, id)).await?;
    Ok(found.ok_or(MerchantError::NotFound("user"))?.into())
}

/// GET /admin/api/v1/users/<id> — merchant key.
#[get("/users/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<UserView>> {
    Ok(Json(load(db, id).await?))
}

async fn set_status(db: &Db, id: i64, status: i64) -> Answer<Json<UserView>> {
    let found = service::account::set_status(db, id, status).await?;
    if !found {
        return Err(MerchantError::NotFound("user").into());
    }
    Ok(Json(load(db, id).await?))
}

/// POST /admin/api/v1/users/<id>/disable — merchant key. Also ends every login of the shopper.
#[post("/users/<id>/disable")]
async fn disable(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<UserView>> {
    set_status(db, id, 1).await
}

/// POST /admin/api/v1/users/<id>/enable — merchant key.
#[post("/users/<id>/enable")]
async fn enable(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<UserView>> {
    set_status(db, id, 0).await
}

/// Who a member code names, with what they hold (balance in yuan).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    pub user: UserView,
    pub balance: f64,
    pub score: i64,
    pub growth: i64,
}

/// GET /admin/api/v1/member-codes/<code> — merchant key. The shopper whose member code
/// (dynamicUserCode, live five minutes) was scanned; 404 when it is unknown or expired, 422 when
/// it is not 18 digits.
#[get("/member-codes/<code>")]
async fn by_member_code(_key: ApiKey, db: &State<Db>, code: &str) -> Answer<Json<MemberView>> {
    let code = code.to_string();
    let (user, accounts) = db
        .read(move |c| {
            let user = service::member_code::member(c, &code, db::unix_now())?;
            let accounts = service::ledger::accounts_of(c, user.id)?;
            Ok::<_, service::error::Error>((user, accounts))
        })
        .await?;
    Ok(Json(MemberView {
        user: user.into(),
        balance: crate::money::to_yuan(accounts.balance),
        score: accounts.score,
        growth: accounts.growth,
    }))
}
