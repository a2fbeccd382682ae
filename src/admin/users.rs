//! 用户: find shoppers (also by the member code they show at the counter), see who they are and
//! who referred them, disable or enable them.

use askama::Template;
use rocket::{get, post, routes, Route, State};

use super::auth::Empty;
use super::page::Answer;
use super::page::{done, render, said, search, Confirm, Html, Pager, Posted, Staff, PER_PAGE};
use crate::db::{self, user::User, Db};
use crate::error::AdminError;
use crate::service;

pub fn routes() -> Vec<Route> {
    routes![list, detail, confirm_status, set_status, member_code]
}

#[derive(Template)]
#[template(path = "admin/users/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<User>,
    q: String,
    status: String,
    pager: Pager,
}

fn status_filter(s: Option<&str>) -> Option<i64> {
    match s {
        Some("normal") => Some(0),
        Some("disabled") => Some(1),
        _ => None,
    }
}

/// GET /admin/users — staff only. Search by id, nickname, mobile, username or e-mail; 25 a page.
#[get("/users?<q>&<status>&<page>")]
async fn list(
    staff: Staff,
    db: &State<Db>,
    q: Option<&str>,
    status: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let q = search(q);
    let wanted = status_filter(status);
    let asked = page.unwrap_or(1).max(1);
    let s = q.clone();
    let (rows, total) =
        db.read(move |c| db::user::search(c, s.as_deref(), wanted, (asked - 1) * PER_PAGE, PER_PAGE)).await?;
    let q = q.unwrap_or_default();
    let status = status.unwrap_or("").to_string();
    let pager = Pager::new(Some(asked), total, &[("q", &q), ("status", &status)]);
    render(&ListPage { staff, rows, q, status, pager })
}

#[derive(Template)]
#[template(path = "admin/users/detail.html")]
struct DetailPage {
    staff: Staff,
    user: User,
    referrer: Option<User>,
    openid: Option<String>,
    logins: i64,
    referred: i64,
    /// The member level held and until when (None: an ordinary member, or it lapsed).
    level: Option<(String, i64)>,
    accounts: db::ledger::Accounts,
}

/// GET /admin/users/<id> — staff only.
#[get("/users/<id>")]
async fn detail(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let page = db
        .read(move |c| {
            let user = db::user::by_id(c, id)?.ok_or(AdminError::NotFound)?;
            let referrer = match user.referrer_id {
                Some(r) => db::user::by_id(c, r)?,
                None => None,
            };
            let openid = db::wechat::by_user(c, id)?.map(|a| a.openid);
            let now = db::unix_now();
            let logins = db::user::count_tokens(c, id, now)?;
            let referred = db::user::count_referred(c, id)?;
            let level = match db::levels::current_of(c, id)?.filter(|cur| cur.date_expire > now) {
                Some(cur) => {
                    db::levels::level_by_id(c, cur.level_id)?.map(|l| (l.fields.name, cur.date_expire))
                }
                None => None,
            };
            let accounts = db::ledger::accounts_of(c, id)?.unwrap_or_default();
            Ok::<_, AdminError>((user, referrer, openid, logins, referred, level, accounts))
        })
        .await?;
    let (user, referrer, openid, logins, referred, level, accounts) = page;
    render(&DetailPage { staff, user, referrer, openid, logins, referred, level, accounts })
}

/// GET /admin/users/<id>/<action> — staff only; asks before disabling or enabling.
#[get("/users/<id>/<action>", rank = 2)]
async fn confirm_status(staff: Staff, db: &State<Db>, id: i64, action: &str) -> Result<Html, AdminError> {
    let user = db.read(move |c| db::user::by_id(c, id)).await?.ok_or(AdminError::NotFound)?;
    let name = if user.nick.is_empty() {
        format!("用户 {id}")
    } else {
        format!("用户「{}」({id})", user.nick)
    };
    let (title, warning) = match action {
        "disable" => ("禁用用户", "禁用后该用户立即退出登录，不能再登录或下单；可以随时重新启用。"),
        "enable" => ("启用用户", "启用后该用户可以重新登录。"),
        _ => return Err(AdminError::NotFound),
    };
    render(&Confirm {
        staff,
        title: title.into(),
        what: name,
        warning,
        action: format!("/admin/users/{id}/{action}"),
        back: format!("/admin/users/{id}"),
    })
}

/// POST /admin/users/<id>/<action> — staff only. `disable` also ends every login of the shopper.
#[post("/users/<id>/<action>", data = "<_form>")]
async fn set_status(
    _staff: Staff,
    id: i64,
    action: &str,
    _form: Posted<Empty>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let status = match action {
        "disable" => 1,
        "enable" => 0,
        _ => return Err(AdminError::NotFound),
    };
    let found = service::account::set_status(db, id, status).await?;
    if !found {
        return Err(AdminError::NotFound);
    }
    Ok(done(format!("/admin/users/{id}"), if status == 1 { "用户已禁用" } else { "用户已启用" }))
}

#[derive(Template)]
#[template(path = "admin/users/member_code.html")]
struct MemberCodePage {
    staff: Staff,
    code: String,
    error: Option<String>,
}

/// GET /admin/member-code?code — staff only. A scanned or typed member code (dynamicUserCode)
/// leads to its shopper's page; an unknown or expired one is said on the form.
#[get("/member-code?<code>")]
async fn member_code(staff: Staff, db: &State<Db>, code: Option<&str>) -> Result<Answer, AdminError> {
    let code = code.map(str::trim).unwrap_or_default().to_string();
    if code.is_empty() {
        return Ok(Answer::Page(render(&MemberCodePage { staff, code, error: None })?));
    }
    let typed = code.clone();
    match db.read(move |c| service::member_code::member(c, &typed, db::unix_now())).await {
        Ok(user) => Ok(done(format!("/admin/users/{}", user.id), format!("会员码属于 {}", user.nick))),
        Err(e) => {
            let error = Some(said(e)?);
            Ok(Answer::Page(render(&MemberCodePage { staff, code, error })?))
        }
    }
}
