//! Signing in and out: the session cookie and its guard, login rate limiting, password change.
//! Password tries are counted (per name and address, and per address) before argon2 runs, in the
//! database (`service::attempts`), and checked on the password pool (`service::password`).

use std::net::IpAddr;

use askama::Template;
use rocket::form::FromForm;
use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::request::{self, FlashMessage, FromRequest, Request};
use rocket::response::Redirect;
use rocket::{get, post, routes, Route, State};

use super::page::{done, failed, render, render_as, Answer, Html, Posted, Staff};
use crate::config::Config;
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::service::attempts::{self, Attempt, Door, Locked};
use crate::service::error::Error as ServiceError;
use crate::service::password;

/// The session cookie: a random token whose SHA-256 is the key of `admin_sessions`.
pub const SESSION_COOKIE: &str = "xiaodian_admin";
/// The login form's double-submit token (there is no session yet to hold a CSRF token).
const LOGIN_COOKIE: &str = "xiaodian_login";
const SESSION_DAYS: i64 = 7;
const MIN_PASSWORD: usize = 8;
const MAX_PASSWORD: usize = 128;

pub fn routes() -> Vec<Route> {
    routes![login_page, login, logout, password_page, change_password]
}

/// A signed-in console user. As a guard it fails with 401 (the catcher sends the browser to the
/// login page), so a handler that takes it is staff only.
#[derive(Debug, Clone)]
pub struct AdminSession {
    pub admin_id: i64,
    pub username: String,
    pub csrf: String,
    pub token_hash: String,
}

/// The session looked up once per request (the `Staff` and `Posted` guards ask again).
struct Looked(Result<Option<AdminSession>, Status>);

async fn look_up(req: &Request<'_>) -> Looked {
    let Some(token) = req.cookies().get(SESSION_COOKIE).map(|c| c.value().to_string()) else {
        return Looked(Ok(None));
    };
    let Some(db) = req.rocket().state::<Db>() else { return Looked(Err(Status::InternalServerError)) };
    let hash = crate::secret::hash_token(&token);
    let key = hash.clone();
    let found = db.read(move |c| db::admin::session(c, &key, db::unix_now())).await;
    match found {
        Ok(Some(s)) => Looked(Ok(Some(AdminSession {
            admin_id: s.admin_id,
            username: s.username,
            csrf: s.csrf,
            token_hash: hash,
        }))),
        Ok(None) => {
            req.cookies().remove(Cookie::build(SESSION_COOKIE).path("/admin"));
            Looked(Ok(None))
        }
        Err(db::Error::Unavailable) => Looked(Err(Status::ServiceUnavailable)),
        Err(e) => {
            log::error!("console session lookup: {e}");
            Looked(Err(Status::InternalServerError))
        }
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for AdminSession {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ()> {
        match &req.local_cache_async(look_up(req)).await.0 {
            Ok(Some(s)) => request::Outcome::Success(s.clone()),
            Ok(None) => request::Outcome::Error((Status::Unauthorized, ())),
            Err(status) => request::Outcome::Error((*status, ())),
        }
    }
}

/// What the console says while tries are locked.
fn too_many(l: Locked) -> String {
    format!("尝试次数过多，请 {}后再试", l.wait())
}

const BUSY: &str = "系统繁忙，请稍后再试";

/// True when the console is reached over https (directly or through a proxy that says so).
fn over_https(req: &Request<'_>) -> bool {
    let configured = req.rocket().state::<Config>().and_then(|c| c.base_url.as_deref());
    configured.is_some_and(|u| u.starts_with("https://"))
        || req.headers().get_one("X-Forwarded-Proto").is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

struct Https(bool);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Https {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ()> {
        request::Outcome::Success(Https(over_https(req)))
    }
}

fn cookie(name: &'static str, value: String, max_age_secs: i64, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/admin")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(rocket::time::Duration::seconds(max_age_secs))
        .build()
}

/// Where to go after login: only a console path, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with("/admin")
                && !n.starts_with("/admin/login")
                && !n.starts_with("/admin/api")
                && !n.contains("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_string()
        }
        _ => "/admin".to_string(),
    }
}

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    token: String,
    next: String,
    username: String,
    error: Option<String>,
    /// e.g. "已退出登录" after a logout.
    notice: Option<String>,
}

/// The login form's token: the one already in the cookie (so two open tabs both work), else new.
fn login_token(jar: &CookieJar<'_>, secure: bool) -> String {
    match jar.get(LOGIN_COOKIE).map(|c| c.value().to_string()) {
        Some(t) if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) => t,
        _ => {
            let t = crate::secret::new_token();
            jar.add(cookie(LOGIN_COOKIE, t.clone(), 3600, secure));
            t
        }
    }
}

#[derive(rocket::Responder)]
enum LoginAnswer {
    Page(Html),
    Go(Box<Redirect>),
}

/// GET /admin/login — anyone; a signed-in merchant goes straight on.
#[get("/login?<next>")]
fn login_page(
    next: Option<&str>,
    session: Option<AdminSession>,
    flash: Option<FlashMessage<'_>>,
    jar: &CookieJar<'_>,
    https: Https,
) -> Result<LoginAnswer, AdminError> {
    let next = safe_next(next);
    if session.is_some() {
        return Ok(LoginAnswer::Go(Box::new(Redirect::to(next))));
    }
    let notice = flash.map(|f| f.into_inner().1);
    let page =
        LoginPage { token: login_token(jar, https.0), next, username: String::new(), error: None, notice };
    Ok(LoginAnswer::Page(render(&page)?))
}

#[derive(FromForm)]
struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

/// Checks a password against the named account; the same work is done for unknown names so the
/// answer time does not reveal which names exist. `Err(Busy)` when the password pool is full (the
/// attempt is then released: it was never checked).
async fn check_login(
    db: &Db,
    attempt: &Attempt,
    username: String,
    password: String,
) -> Result<Option<i64>, AdminError> {
    let found = db.read(move |c| db::admin::admin_by_name(c, &username)).await?;
    let (id, stored) = match found {
        Some(a) => (Some(a.id), Some(a.password_hash)),
        None => (None, None),
    };
    let right = attempts::unless_busy(db, attempt, password::verify(password, stored).await).await?;
    Ok(id.filter(|_| right))
}

/// Starts a session for `admin_id` (forgetting the name's failed tries); returns the cookie token.
async fn open_session(db: &Db, admin_id: i64, attempt: Attempt) -> Result<String, AdminError> {
    let token = crate::secret::new_token();
    let (hash, csrf) = (crate::secret::hash_token(&token), crate::secret::new_token());
    db.write(move |c| {
        let now = db::unix_now();
        attempts::succeeded(c, &attempt)?;
        db::admin::delete_expired_sessions(c, now)?;
        db::admin::insert_session(c, &hash, admin_id, &csrf, now + SESSION_DAYS * 86_400, now)?;
        db::admin::touch_login(c, admin_id, now)
    })
    .await?;
    Ok(token)
}

/// POST /admin/login — anyone; tries counted per username and address, and per address.
#[post("/login", data = "<form>")]
async fn login(
    form: rocket::form::Form<LoginForm>,
    db: &State<Db>,
    jar: &CookieJar<'_>,
    ip: Option<IpAddr>,
    https: Https,
) -> Result<LoginAnswer, AdminError> {
    let LoginForm { username, password, csrf, next } = form.into_inner();
    let next = safe_next(next.as_deref());
    let again = |status: Status, error: &str| -> Result<LoginAnswer, AdminError> {
        let page = LoginPage {
            token: login_token(jar, https.0),
            next: next.clone(),
            username: username.clone(),
            error: Some(error.to_string()),
            notice: None,
        };
        Ok(LoginAnswer::Page(render_as(status, &page)?))
    };
    let cookie_token = jar.get(LOGIN_COOKIE).map(|c| c.value().to_string()).unwrap_or_default();
    if cookie_token.is_empty() || !crate::secret::same(&cookie_token, &csrf) {
        return again(Status::Forbidden, "登录页面已过期，请重新输入后登录");
    }
    let name = username.trim().to_string();
    let attempt = match attempts::reserve_try(db, Door::Console, &name, ip).await? {
        Ok(a) => a,
        Err(l) => return again(Status::TooManyRequests, &too_many(l)),
    };
    let admin_id = match check_login(db, &attempt, name, password).await {
        Ok(Some(id)) => id,
        Ok(None) => return again(Status::Unauthorized, "用户名或密码错误"),
        Err(AdminError::Busy) => return again(Status::ServiceUnavailable, BUSY),
        Err(e) => return Err(e),
    };
    let token = open_session(db, admin_id, attempt).await?;
    jar.add(cookie(SESSION_COOKIE, token, SESSION_DAYS * 86_400, https.0));
    jar.remove(Cookie::build(LOGIN_COOKIE).path("/admin"));
    Ok(LoginAnswer::Go(Box::new(Redirect::to(next))))
}

/// A form with nothing but its CSRF token (logout, deletes); `Posted` has already checked it.
#[derive(FromForm)]
pub struct Empty {
    #[field(name = "csrf")]
    _csrf: String,
}

/// POST /admin/logout — staff only.
#[post("/logout", data = "<_form>")]
async fn logout(
    admin: AdminSession,
    _form: Posted<Empty>,
    db: &State<Db>,
    jar: &CookieJar<'_>,
) -> Result<Answer, AdminError> {
    db.write(move |c| db::admin::delete_session(c, &admin.token_hash)).await?;
    jar.remove(Cookie::build(SESSION_COOKIE).path("/admin"));
    Ok(done("/admin/login", "已退出登录"))
}

#[derive(Template)]
#[template(path = "admin/password.html")]
struct PasswordPage {
    staff: Staff,
    error: Option<String>,
}

/// GET /admin/password — staff only.
#[get("/password")]
fn password_page(staff: Staff) -> Result<Html, AdminError> {
    render(&PasswordPage { staff, error: None })
}

#[derive(FromForm)]
struct PasswordForm {
    current: String,
    password: String,
    repeat: String,
}

/// What is wrong with a new password, if anything.
fn weak(form: &PasswordForm) -> Option<&'static str> {
    let n = form.password.chars().count();
    if n < MIN_PASSWORD {
        Some("新密码至少需要 8 个字符")
    } else if n > MAX_PASSWORD {
        Some("新密码不能超过 128 个字符")
    } else if form.password != form.repeat {
        Some("两次输入的新密码不一致")
    } else if form.password == form.current {
        Some("新密码不能与当前密码相同")
    } else {
        None
    }
}

/// POST /admin/password — staff only; ends the account's other sessions.
#[post("/password", data = "<form>")]
async fn change_password(
    staff: Staff,
    form: Posted<PasswordForm>,
    db: &State<Db>,
    ip: Option<IpAddr>,
) -> Result<Answer, AdminError> {
    let form = form.0;
    let refuse = |staff: Staff, status: Status, error: &str| -> Result<Answer, AdminError> {
        let page = PasswordPage { staff, error: Some(error.to_string()) };
        Ok(Answer::Page(render_as(status, &page)?))
    };
    if let Some(why) = weak(&form) {
        return refuse(staff, Status::UnprocessableEntity, why);
    }
    let name = staff.session.username.clone();
    let attempt = match attempts::reserve_try(db, Door::Console, &name, ip).await? {
        Ok(a) => a,
        Err(l) => return refuse(staff, Status::TooManyRequests, &too_many(l)),
    };
    let admin_id = staff.session.admin_id;
    match check_login(db, &attempt, name, form.current).await {
        Ok(Some(id)) if id == admin_id => {}
        Ok(_) => return refuse(staff, Status::UnprocessableEntity, "当前密码不正确"),
        Err(AdminError::Busy) => return refuse(staff, Status::ServiceUnavailable, BUSY),
        Err(e) => return Err(e),
    }
    let hash = match attempts::unless_busy(db, &attempt, password::hash(form.password).await).await {
        Ok(h) => h,
        Err(ServiceError::Busy) => return refuse(staff, Status::ServiceUnavailable, BUSY),
        Err(e) => return Err(e.into()),
    };
    let keep = staff.session.token_hash.clone();
    let changed = db
        .write(move |c| {
            attempts::succeeded(c, &attempt)?;
            let ok = db::admin::set_password(c, admin_id, &hash)?;
            db::admin::delete_other_sessions(c, admin_id, &keep).map(|()| ok)
        })
        .await?;
    if !changed {
        return Ok(failed("/admin/password", "账号不存在"));
    }
    Ok(done("/admin", "密码已修改，其他设备上的登录已全部退出"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_inside_the_console() {
        assert_eq!(safe_next(Some("/admin/banners?type=index")), "/admin/banners?type=index");
        assert_eq!(safe_next(Some("https://evil.example/admin")), "/admin");
        assert_eq!(safe_next(Some("/admin//evil.example")), "/admin");
        assert_eq!(safe_next(Some("/admin/login")), "/admin");
        assert_eq!(safe_next(None), "/admin");
    }
}
