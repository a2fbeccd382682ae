//! Signing in and out: the session cookie and its guard, login rate limiting, password change.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use askama::Template;
use rocket::form::FromForm;
use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::request::{self, FlashMessage, FromRequest, Request};
use rocket::response::Redirect;
use rocket::route::{self, Handler};
use rocket::{get, post, routes, Data, Route, State};

use super::page::{done, failed, render, render_as, Answer, Html, Posted, Staff};
use crate::config::Config;
use crate::db::{self, Db};
use crate::error::AdminError;

/// The session cookie: a random token whose SHA-256 is the key of `admin_sessions`.
pub const SESSION_COOKIE: &str = "xiaodian_admin";
/// The login form's double-submit token (there is no session yet to hold a CSRF token).
const LOGIN_COOKIE: &str = "xiaodian_login";
const SESSION_DAYS: i64 = 7;
const MIN_PASSWORD: usize = 8;
const MAX_PASSWORD: usize = 128;

pub fn routes() -> Vec<Route> {
    let limiter = Arc::new(LoginLimiter::default());
    routes![login_page, login, logout, password_page, change_password]
        .into_iter()
        .map(|mut r| {
            r.handler = Box::new(WithLimiter { limiter: limiter.clone(), inner: r.handler });
            r
        })
        .collect()
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
    let found = db.read(move |c| Ok::<_, AdminError>(db::admin::session(c, &key, db::unix_now())?)).await;
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
        Err(AdminError::Busy) => Looked(Err(Status::ServiceUnavailable)),
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

/// Failed logins per (username, client IP) in a sliding window, held in memory.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

const MAX_FAILURES: usize = 5;
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Past this many tracked keys, stale ones are swept so memory stays bounded.
const MAX_KEYS: usize = 10_000;

impl LoginLimiter {
    fn key(username: &str, ip: Option<IpAddr>) -> String {
        let name: String = username.trim().to_lowercase().chars().take(64).collect();
        format!("{name}\u{0}{}", ip.map(|i| i.to_string()).unwrap_or_default())
    }

    fn blocked(&self, key: &str) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.get_mut(key).is_some_and(|times| {
            times.retain(|t| t.elapsed() < WINDOW);
            times.len() >= MAX_FAILURES
        })
    }

    fn failed(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_KEYS {
            map.retain(|_, times| times.iter().any(|t| t.elapsed() < WINDOW));
        }
        map.entry(key.to_string()).or_default().push(Instant::now());
    }

    fn succeeded(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

/// Hands this app's limiter to the wrapped route (through the request cache), so each app built by
/// `build()` has its own without another `.manage()` in the mount table.
#[derive(Clone)]
struct WithLimiter {
    limiter: Arc<LoginLimiter>,
    inner: Box<dyn Handler>,
}

struct Limiter(Arc<LoginLimiter>);

#[rocket::async_trait]
impl Handler for WithLimiter {
    async fn handle<'r>(&self, req: &'r Request<'_>, data: Data<'r>) -> route::Outcome<'r> {
        req.local_cache(|| Limiter(self.limiter.clone()));
        self.inner.handle(req, data).await
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for &'r Limiter {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ()> {
        // Always set by WithLimiter; a fresh one only if a route were mounted unwrapped.
        request::Outcome::Success(req.local_cache(|| Limiter(Arc::new(LoginLimiter::default()))))
    }
}

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
/// answer time does not reveal which names exist.
async fn check_login(db: &Db, username: String, password: String) -> Result<Option<i64>, AdminError> {
    let found = db.read(move |c| Ok::<_, AdminError>(db::admin::admin_by_name(c, &username)?)).await?;
    rocket::tokio::task::spawn_blocking(move || {
        static DUMMY: OnceLock<String> = OnceLock::new();
        match found {
            Some(a) => super::verify_password(&password, &a.password_hash).then_some(a.id),
            None => {
                let dummy = DUMMY.get_or_init(|| super::hash_password("not-a-password").unwrap_or_default());
                super::verify_password(&password, dummy);
                None
            }
        }
    })
    .await
    .map_err(|e| AdminError::Internal(format!("password check: {e}")))
}

/// Starts a session for `admin_id`; returns the cookie token.
async fn open_session(db: &Db, admin_id: i64) -> Result<String, AdminError> {
    let token = crate::secret::new_token();
    let (hash, csrf) = (crate::secret::hash_token(&token), crate::secret::new_token());
    db.write(move |c| {
        let now = db::unix_now();
        db::admin::delete_expired_sessions(c, now)?;
        db::admin::insert_session(c, &hash, admin_id, &csrf, now + SESSION_DAYS * 86_400, now)?;
        db::admin::touch_login(c, admin_id, now)?;
        Ok::<_, AdminError>(())
    })
    .await?;
    Ok(token)
}

/// POST /admin/login — anyone; rate limited per username and IP.
#[post("/login", data = "<form>")]
async fn login(
    form: rocket::form::Form<LoginForm>,
    db: &State<Db>,
    jar: &CookieJar<'_>,
    limiter: &Limiter,
    ip: Option<IpAddr>,
    https: Https,
) -> Result<LoginAnswer, AdminError> {
    let LoginForm { username, password, csrf, next } = form.into_inner();
    let next = safe_next(next.as_deref());
    let key = LoginLimiter::key(&username, ip);
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
    if limiter.0.blocked(&key) {
        return again(Status::TooManyRequests, "尝试次数过多，请 15 分钟后再试");
    }
    let Some(admin_id) = check_login(db, username.trim().to_string(), password).await? else {
        limiter.0.failed(&key);
        return again(Status::Unauthorized, "用户名或密码错误");
    };
    limiter.0.succeeded(&key);
    let token = open_session(db, admin_id).await?;
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
    db.write(move |c| Ok::<_, AdminError>(db::admin::delete_session(c, &admin.token_hash)?)).await?;
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
    limiter: &Limiter,
    ip: Option<IpAddr>,
) -> Result<Answer, AdminError> {
    let form = form.0;
    let key = LoginLimiter::key(&staff.session.username, ip);
    let refuse = |staff: Staff, error: &str| -> Result<Answer, AdminError> {
        let page = PasswordPage { staff, error: Some(error.to_string()) };
        Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?))
    };
    if limiter.0.blocked(&key) {
        return refuse(staff, "尝试次数过多，请 15 分钟后再试");
    }
    if let Some(why) = weak(&form) {
        return refuse(staff, why);
    }
    let admin_id = staff.session.admin_id;
    if check_login(db, staff.session.username.clone(), form.current).await? != Some(admin_id) {
        limiter.0.failed(&key);
        return refuse(staff, "当前密码不正确");
    }
    let new = form.password;
    let hash = rocket::tokio::task::spawn_blocking(move || super::hash_password(&new))
        .await
        .map_err(|e| AdminError::Internal(format!("hashing: {e}")))?
        .map_err(AdminError::Internal)?;
    let keep = staff.session.token_hash.clone();
    let changed = db
        .write(move |c| {
            let ok = db::admin::set_password(c, admin_id, &hash)?;
            db::admin::delete_other_sessions(c, admin_id, &keep)?;
            Ok::<_, AdminError>(ok)
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

    #[test]
    fn five_failures_block_the_sixth_try() {
        let l = LoginLimiter::default();
        let key = LoginLimiter::key("Admin ", None);
        assert_eq!(key, LoginLimiter::key("admin", None));
        for _ in 0..5 {
            assert!(!l.blocked(&key));
            l.failed(&key);
        }
        assert!(l.blocked(&key));
        assert!(!l.blocked(&LoginLimiter::key("admin", Some(IpAddr::from([10, 0, 0, 1])))));
        l.succeeded(&key);
        assert!(!l.blocked(&key));
    }
}
