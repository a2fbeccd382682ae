//! What every console page shares: the signed-in frame (`Staff`), CSRF-checked forms (`Posted`),
//! HTML answers with safe headers, flash messages, paging, the error page and the /admin catchers.

use askama::Template;
use rocket::form::{Contextual, Form, FromForm};
use rocket::http::{ContentType, Header, Status};
use rocket::request::{self, FlashMessage, FromRequest, Request};
use rocket::response::{self, Flash, Redirect, Responder, Response};
use rocket::{catch, catchers, Catcher};

use super::auth::AdminSession;
use crate::error::{AdminError, ApiError};
use crate::service::error::{Error as ServiceError, Rule};
use crate::settings::Settings;

/// A signed-in merchant on a page: the session plus what the frame around every page shows.
pub struct Staff {
    pub session: AdminSession,
    pub shop_name: String,
    /// No WeChat AppID yet: every WeChat call goes to the built-in simulator.
    pub sandbox: bool,
    /// Which nav entry is lit, from the path.
    pub section: &'static str,
    pub flash: Option<Note>,
}

/// A one-off message carried across a redirect.
pub struct Note {
    /// "success" or "error".
    pub kind: String,
    pub text: String,
}

/// One sidebar entry.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// One section of the sidebar; the one holding the current page is open.
pub struct NavGroup {
    pub label: &'static str,
    pub open: bool,
    pub items: Vec<NavItem>,
}

type Entry = (&'static str, &'static str, &'static str);

/// The sidebar: sections of (key, href, label); the key is the path's first segment.
const NAV: &[(&str, &[Entry])] = &[
    (
        "店铺",
        &[
            ("dashboard", "/admin", "概览"),
            ("shop", "/admin/shop", "店铺设置"),
            ("shops", "/admin/shops", "门店"),
            ("banners", "/admin/banners", "轮播图"),
            ("ads", "/admin/ads", "广告位"),
            ("notices", "/admin/notices", "公告"),
            ("links", "/admin/links", "友情链接"),
            ("articles", "/admin/articles", "文章"),
            ("article-categories", "/admin/article-categories", "文章分类"),
            ("pages", "/admin/pages", "单页"),
            ("comments", "/admin/comments", "评论"),
        ],
    ),
    (
        "商品",
        &[
            ("goods", "/admin/goods", "商品"),
            ("categories", "/admin/categories", "商品分类"),
            ("goods-review", "/admin/goods-review", "商品审核"),
            ("reputations", "/admin/reputations", "商品评价"),
            ("freight", "/admin/freight", "运费模板"),
            ("virtual-goods", "/admin/virtual-goods", "虚拟商品"),
            // waiting for sold-out goods
            ("stock-notices", "/admin/stock-notices", "到货通知"),
        ],
    ),
    (
        "订单",
        &[
            ("orders", "/admin/orders", "订单"),
            ("writeoff", "/admin/writeoff", "核销"),
            ("refunds", "/admin/refunds", "售后"),
            ("invoices", "/admin/invoices", "发票"),
            ("order-settings", "/admin/order-settings", "订单设置"),
        ],
    ),
    (
        "营销",
        &[
            ("coupons", "/admin/coupons", "优惠券"),
            ("points", "/admin/points", "积分"),
            ("pay-bill", "/admin/pay-bill", "买单"),
            ("fx", "/admin/fx", "分销"),
            // bargain (kanjia) and group buy (pingtuan)
            ("kanjia", "/admin/kanjia", "砍价"),
            ("pingtuan", "/admin/pingtuan", "拼团"),
            // the templates' remaining pages
            ("activity-pages", "/admin/activity-pages", "活动页"),
            ("messages", "/admin/messages", "站内消息"),
        ],
    ),
    (
        "资金",
        &[
            ("payments", "/admin/payments", "支付记录"),
            ("wechat-refunds", "/admin/wechat-refunds", "微信退款"),
            ("withdrawals", "/admin/withdrawals", "提现"),
            ("deposits", "/admin/deposits", "押金"),
        ],
    ),
    (
        "用户",
        &[
            ("users", "/admin/users", "用户"),
            ("levels", "/admin/levels", "会员等级"),
            ("cards", "/admin/cards", "会员卡"),
            ("member-code", "/admin/member-code", "会员码"),
            ("kefu", "/admin/kefu", "客服消息"),
        ],
    ),
    (
        "微信",
        &[
            ("wechat", "/admin/wechat", "微信设置"),
            ("wxcodes", "/admin/wxcodes", "小程序码"),
            ("subscribe-messages", "/admin/subscribe-messages", "订阅消息"),
            ("outbox", "/admin/outbox", "消息发送记录"),
            ("sandbox", "/admin/sandbox", "沙箱记录"),
        ],
    ),
    (
        "系统",
        &[
            ("config", "/admin/config", "系统参数"),
            ("files", "/admin/files", "文件"),
            ("codes", "/admin/codes", "验证码发件箱"),
            ("keys", "/admin/keys", "API 密钥"),
            ("password", "/admin/password", "修改密码"),
        ],
    ),
];

fn entries() -> impl Iterator<Item = &'static Entry> {
    NAV.iter().flat_map(|(_, items)| items.iter())
}

impl Staff {
    /// The sidebar's sections, the current one open and its page lit.
    pub fn nav(&self) -> Vec<NavGroup> {
        NAV.iter()
            .map(|&(label, items)| NavGroup {
                label,
                open: items.iter().any(|(key, _, _)| *key == self.section),
                items: items
                    .iter()
                    .map(|&(key, href, label)| NavItem { href, label, active: key == self.section })
                    .collect(),
            })
            .collect()
    }

    /// "订单 › 核销": where the current page sits, for the folded phone menu.
    pub fn place(&self) -> String {
        NAV.iter()
            .find_map(|(group, items)| {
                items
                    .iter()
                    .find(|(key, _, _)| *key == self.section)
                    .map(|(_, _, label)| format!("{group} › {label}"))
            })
            .unwrap_or_default()
    }
}

fn section_of(path: &str) -> &'static str {
    let first = path.trim_start_matches("/admin").trim_start_matches('/').split('/').next().unwrap_or("");
    entries().find(|(key, _, _)| *key == first).map_or("dashboard", |(key, _, _)| key)
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Staff {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ()> {
        let session = match req.guard::<AdminSession>().await {
            request::Outcome::Success(s) => s,
            request::Outcome::Error((status, ())) => return request::Outcome::Error((status, ())),
            request::Outcome::Forward(status) => return request::Outcome::Forward(status),
        };
        let snap = req.rocket().state::<Settings>().map(Settings::get).unwrap_or_default();
        let flash = req.guard::<Option<FlashMessage<'_>>>().await.succeeded().flatten().map(|f| {
            let (kind, text) = f.into_inner();
            Note { kind, text }
        });
        request::Outcome::Success(Staff {
            session,
            shop_name: snap.shop_name().to_string(),
            sandbox: snap.wechat_appid().is_none(),
            section: section_of(req.uri().path().as_str()),
            flash,
        })
    }
}

/// A form posted from a console page: parsed, and accepted only when its `csrf` field matches the
/// session's. A mismatch answers 403 before the handler runs, so no handler can forget the check.
pub struct Posted<T>(pub T);

#[rocket::async_trait]
impl<'r, T: FromForm<'r> + Send + 'r> rocket::data::FromData<'r> for Posted<T> {
    type Error = AdminError;

    async fn from_data(req: &'r Request<'_>, data: rocket::Data<'r>) -> rocket::data::Outcome<'r, Self> {
        use rocket::outcome::Outcome::{Error, Forward, Success};
        let expected = match req.guard::<AdminSession>().await {
            Success(s) => s.csrf,
            Error((status, ())) | Forward(status) => return Error((status, AdminError::Csrf)),
        };
        let form = match Form::<Contextual<'r, T>>::from_data(req, data).await {
            Success(form) => form.into_inner(),
            Error((status, errors)) => {
                // The catcher cannot see this error: it reads the words from the request's cache.
                let words = req.local_cache(|| FormFault(form_errors_in_words(errors.iter()))).0.clone();
                return Error((status, AdminError::BadInput(words)));
            }
            Forward(f) => return Forward(f),
        };
        let given = form.context.field_value("csrf").unwrap_or("");
        if !crate::secret::same(given, &expected) {
            return Error((Status::Forbidden, AdminError::Csrf));
        }
        if let Some(value) = form.value {
            return Success(Posted(value));
        }
        let words = form_errors_in_words(form.context.errors());
        let words = req.local_cache(|| FormFault(words)).0.clone();
        Error((form.context.status(), AdminError::BadInput(words)))
    }
}

/// What was wrong with the last form this request sent, in words, for the error page.
struct FormFault(String);

/// A form's faults as the merchant reads them: each field named, what it should be.
fn form_errors_in_words<'a, 'v: 'a>(errors: impl Iterator<Item = &'a rocket::form::Error<'v>>) -> String {
    use rocket::form::error::ErrorKind as K;
    let mut said: Vec<String> = errors
        .map(|e| {
            let what = match &e.kind {
                K::Missing => "没有填写".to_string(),
                K::Int(_) => "应为整数".to_string(),
                K::Float(_) => "应为数字".to_string(),
                K::Bool(_) => "应为是或否".to_string(),
                K::InvalidLength { max: Some(max), .. } => format!("太长了（最多 {max} 个字）"),
                K::InvalidLength { min: Some(min), .. } => format!("太短了（至少 {min} 个字）"),
                K::OutOfRange { start: Some(a), end: Some(b) } => format!("应在 {a} 到 {b} 之间"),
                K::OutOfRange { .. } | K::InvalidChoice { .. } => "不是可选的值".to_string(),
                K::Validation(msg) => msg.to_string(),
                K::Duplicate => "重复提交了".to_string(),
                K::Unexpected | K::Unknown => "不是这个表单的内容".to_string(),
                K::Utf8(_) | K::Char(_) => "含有无法识别的字符".to_string(),
                K::Multipart(_) | K::Io(_) => "上传中断或文件太大".to_string(),
                _ => "格式不对".to_string(),
            };
            match e.name.as_ref().map(ToString::to_string).filter(|n| !n.is_empty()) {
                Some(name) => format!("「{}」{what}", field_words(&name)),
                None => what,
            }
        })
        .collect();
    said.dedup();
    if said.is_empty() {
        return "表单内容不完整".into();
    }
    said.truncate(5);
    said.join("；")
}

/// A form field's name without the editor's grouping prefix (`f.price` → `price`).
fn field_words(name: &str) -> &str {
    name.strip_prefix("f.").unwrap_or(name)
}

/// An HTML answer with the console's headers (never cached, never framed, own scripts only).
/// X-Frame-Options: DENY and nosniff come from the Shield fairing (lib.rs), which refuses to
/// overwrite a header a responder set.
pub struct Html {
    pub status: Status,
    pub body: String,
}

/// `blob:` pictures are the previews of files chosen in a form, before they are uploaded.
const CSP: &str = "default-src 'self'; img-src 'self' data: blob: https: http:; style-src 'self'; \
                   script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
                   frame-ancestors 'none'";

impl<'r> Responder<'r, 'static> for Html {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        Response::build()
            .status(self.status)
            .header(ContentType::HTML)
            .header(Header::new("Cache-Control", "no-store"))
            .header(Header::new("Referrer-Policy", "same-origin"))
            .header(Header::new("Content-Security-Policy", CSP))
            .sized_body(self.body.len(), std::io::Cursor::new(self.body))
            .ok()
    }
}

/// Renders a page with HTTP 200.
pub fn render(page: &impl Template) -> Result<Html, AdminError> {
    render_as(Status::Ok, page)
}

/// Renders a page with a chosen status (422 for a form sent back with a message).
pub fn render_as(status: Status, page: &impl Template) -> Result<Html, AdminError> {
    Ok(Html { status, body: page.render()? })
}

/// What a form post answers: the next page (after a redirect) or the form again with a message.
#[derive(rocket::Responder)]
pub enum Answer {
    // Boxed: a Flash<Redirect> is ten times the size of a page.
    Done(Box<Flash<Redirect>>),
    Page(Html),
}

/// Redirects (303) to `to` with a success message.
pub fn done(to: impl Into<String>, message: impl Into<String>) -> Answer {
    Answer::Done(Box::new(Flash::success(Redirect::to(to.into()), message.into())))
}

/// Redirects (303) to `to` with an error message.
pub fn failed(to: impl Into<String>, message: impl Into<String>) -> Answer {
    Answer::Done(Box::new(Flash::error(Redirect::to(to.into()), message.into())))
}

/// A service refusal in the words the shop shows for it (the console's error pages and flashes).
pub fn words(e: impl Into<ServiceError>) -> String {
    ApiError::from(e.into()).msg()
}

/// A refusal's words for a flash message; busy and internal failures go to the error page.
pub fn said(e: impl Into<ServiceError>) -> Result<String, AdminError> {
    match AdminError::from(e.into()) {
        AdminError::BadInput(words) => Ok(words),
        failure => Err(failure),
    }
}

/// Why a form was not saved: words for the merchant, or a failure for the error page.
pub enum Problem {
    Say(String),
    Fail(AdminError),
}

impl From<AdminError> for Problem {
    fn from(e: AdminError) -> Self {
        Problem::Fail(e)
    }
}

impl Problem {
    /// A service refusal in the merchant's words; `labels` maps parameter names to field labels.
    pub fn from_api(e: ApiError, labels: &[(&str, &str)]) -> Problem {
        match e {
            ApiError::Missing(name) => Problem::Say(format!("请填写{}", label_in(labels, name))),
            ApiError::Invalid { name, reason } => Problem::Say(format!("{}{reason}", label_in(labels, name))),
            other => match AdminError::from(other) {
                AdminError::BadInput(words) => Problem::Say(words),
                failure => Problem::Fail(failure),
            },
        }
    }

    /// A service refusal in the merchant's words: a field's rule is said after the form's label
    /// for that field (`labels`: field name → label), anything else in the shop's own words.
    pub fn refused(e: impl Into<ServiceError>, labels: &[(&str, &str)]) -> Problem {
        Problem::labelled(e.into(), |name| label_in(labels, name))
    }

    /// A refused settings write, its field named by the settings registry's label.
    pub fn from_settings(e: ServiceError) -> Problem {
        Problem::labelled(e, |key| crate::settings::registry::label(key).to_string())
    }

    fn labelled(e: ServiceError, label: impl Fn(&str) -> String) -> Problem {
        match e {
            ServiceError::Invalid { field, rule: Rule::Required } => {
                Problem::Say(format!("请填写{}", label(field.name())))
            }
            ServiceError::Invalid { field, rule } => Problem::Say(format!("{}{rule}", label(field.name()))),
            other => match AdminError::from(other) {
                AdminError::BadInput(words) => Problem::Say(words),
                failure => Problem::Fail(failure),
            },
        }
    }

    /// The message to show beside the form; internal failures go to the error page instead.
    pub fn message(self) -> Result<String, AdminError> {
        match self {
            Problem::Say(m) => Ok(m),
            Problem::Fail(e) => Err(e),
        }
    }
}

/// The form's label for a field name (`labels`: field name → label); the name itself if none.
fn label_in(labels: &[(&str, &str)], name: &str) -> String {
    labels.iter().find(|(n, _)| *n == name).map_or(name.to_string(), |(_, l)| (*l).to_string())
}

/// A whole-number setting typed into a form, within the settings registry's range: the pair to
/// save, or a message naming the field by `label` (the registry's unless the page says it otherwise).
pub fn whole_setting(key: &'static str, label: Option<&str>, text: &str) -> Result<(String, String), String> {
    let setting = crate::settings::registry::get(key);
    let label = label.unwrap_or(setting.label);
    let (min, max) = setting.range().unwrap_or((i64::MIN, i64::MAX));
    match text.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok((key.to_string(), n.to_string())),
        _ => Err(format!("「{label}」应为 {min} 到 {max} 之间的整数")),
    }
}

/// Parses a whole number typed into a form.
pub fn number(label: &str, v: &str) -> Result<i64, Problem> {
    v.trim().parse().map_err(|_| Problem::Say(format!("{label}应为整数")))
}

/// One page of a list: which page, how many, and the query that keeps search and filters.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    /// e.g. `?q=abc&page=` (the page number is appended).
    pub link: String,
}

pub const PER_PAGE: i64 = 25;

impl Pager {
    /// `keep` holds the search/filter parameters every page link carries (empty ones are dropped).
    pub fn new(page: Option<i64>, total: i64, keep: &[(&str, &str)]) -> Pager {
        let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
        let page = page.unwrap_or(1).clamp(1, pages);
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in keep.iter().filter(|(_, v)| !v.is_empty()) {
            q.append_pair(k, v);
        }
        let q = q.finish();
        let link = if q.is_empty() { "?page=".to_string() } else { format!("?{q}&page=") };
        Pager { page, pages, total, link }
    }

    /// One page of a list the database pages (`fetch(offset, limit)` answers rows and the total):
    /// fetched at the asked page, and again at the last page only when the asked one is past the
    /// end, so a stale link shows the last page instead of an empty one.
    pub fn fetch<T, E>(
        page: Option<i64>,
        mut fetch: impl FnMut(i64, i64) -> Result<(Vec<T>, i64), E>,
    ) -> Result<(Vec<T>, i64), E> {
        let asked = page.unwrap_or(1).max(1);
        let (rows, total) = fetch((asked - 1) * PER_PAGE, PER_PAGE)?;
        let last = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
        if asked > last {
            return Ok((fetch((last - 1) * PER_PAGE, PER_PAGE)?.0, total));
        }
        Ok((rows, total))
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * PER_PAGE
    }

    /// This page's slice of a list held in memory.
    pub fn slice<T>(&self, items: Vec<T>) -> Vec<T> {
        let skip = usize::try_from(self.offset()).unwrap_or(usize::MAX);
        items.into_iter().skip(skip).take(usize::try_from(PER_PAGE).unwrap_or(usize::MAX)).collect()
    }
}

/// A search box value: trimmed, None when empty.
pub fn search(q: Option<&str>) -> Option<String> {
    q.map(str::trim).filter(|s| !s.is_empty()).map(|s| s.chars().take(100).collect())
}

/// "YYYY-MM-DD HH:MM" in the shop's time zone, "—" for never.
#[allow(clippy::trivially_copy_pass_by_ref)] // askama passes template arguments by reference
pub fn when(secs: &i64) -> String {
    match *secs {
        0 => "—".into(),
        s => crate::db::format_unix(s).get(..16).unwrap_or_default().to_string(),
    }
}

/// Like [`when`] for optional times.
#[allow(clippy::ref_option)] // askama passes template arguments by reference
pub fn when_opt(secs: &Option<i64>) -> String {
    when(&secs.unwrap_or(0))
}

/// A byte count for people: "12.3 MB".
#[allow(clippy::trivially_copy_pass_by_ref)] // askama passes template arguments by reference
pub fn size(bytes: &i64) -> String {
    let b = *bytes as f64;
    if b >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.1} GB", b / (1024.0 * 1024.0 * 1024.0))
    } else if b >= 1024.0 * 1024.0 {
        format!("{:.1} MB", b / (1024.0 * 1024.0))
    } else if b >= 1024.0 {
        format!("{:.1} KB", b / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

/// Asks "are you sure?" before a destructive POST; the page works without JavaScript.
#[derive(Template)]
#[template(path = "admin/confirm.html")]
pub struct Confirm {
    pub staff: Staff,
    pub title: String,
    /// What will be deleted, as the merchant knows it.
    pub what: String,
    pub warning: &'static str,
    pub action: String,
    pub back: String,
}

/// The error page; it stands alone so it renders even without a session.
#[derive(Template)]
#[template(path = "admin/error.html")]
struct ErrorPage {
    status: u16,
    title: &'static str,
    message: String,
    /// The list the failed page belongs to (href, label), the nearest way back.
    list: Option<(&'static str, &'static str)>,
}

/// The section list a console path belongs to, when it is not the dashboard.
fn list_of(path: &str) -> Option<(&'static str, &'static str)> {
    let key = section_of(path);
    entries().find(|(k, _, _)| *k == key && key != "dashboard").map(|&(_, href, label)| (href, label))
}

fn error_page(status: Status, title: Option<&'static str>, message: String, path: &str) -> Html {
    let title = title.unwrap_or(match status.code {
        400 | 413 | 422 => "提交的内容有误",
        403 => "操作未被接受",
        404 => "页面不存在",
        429 => "操作太频繁",
        503 => "系统繁忙",
        _ => "出错了",
    });
    let page = ErrorPage { status: status.code, title, message, list: list_of(path) };
    let body = page.render().unwrap_or_else(|e| format!("{} {e}", status.code));
    Html { status, body }
}

/// A record the address names does not exist (or the id is not a number).
const NO_RECORD: &str = "找不到这条记录";
const NO_RECORD_SAID: &str = "它可能已被删除，或地址里的编号不对。请回到列表重新打开。";

impl<'r> Responder<'r, 'static> for AdminError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let status = match &self {
            AdminError::BadInput(_) => Status::BadRequest,
            AdminError::NotFound => Status::NotFound,
            AdminError::Csrf => Status::Forbidden,
            AdminError::Busy => Status::ServiceUnavailable,
            AdminError::Internal(detail) => {
                log::error!("console {}: {detail}", req.uri());
                Status::InternalServerError
            }
        };
        let (title, message) = match self {
            AdminError::Internal(_) => (None, "系统错误，请稍后再试。详细原因已写入服务器日志。".to_string()),
            AdminError::NotFound => (Some(NO_RECORD), NO_RECORD_SAID.to_string()),
            other => (None, other.to_string()),
        };
        error_page(status, title, message, req.uri().path().as_str()).respond_to(req)
    }
}

/// HTML error pages for /admin (the merchant JSON API under /admin/api registers its own).
pub fn catchers() -> Vec<Catcher> {
    catchers![unauthorized, any_error]
}

fn is_merchant_api(req: &Request<'_>) -> bool {
    req.uri().path().as_str().starts_with("/admin/api/")
}

/// Answers JSON to merchant-API paths, should one ever reach the console's catchers.
fn api_json(status: Status) -> (Status, (ContentType, String)) {
    (status, (ContentType::JSON, format!("{{\"error\":\"{}\"}}", status.reason_lossy())))
}

#[derive(rocket::Responder)]
enum Caught {
    Page(Html),
    Json((Status, (ContentType, String))),
    Login(Redirect),
}

/// 401 — no session: off to the login page, coming back here afterwards.
#[catch(401)]
fn unauthorized(req: &Request<'_>) -> Caught {
    if is_merchant_api(req) {
        return Caught::Json(api_json(Status::Unauthorized));
    }
    let next = match req.method() {
        rocket::http::Method::Get => req.uri().to_string(),
        _ => "/admin".to_string(),
    };
    let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    Caught::Login(Redirect::to(format!("/admin/login?next={next}")))
}

/// Every other error status under /admin.
#[catch(default)]
fn any_error(status: Status, req: &Request<'_>) -> Caught {
    if is_merchant_api(req) {
        return Caught::Json(api_json(status));
    }
    let path = req.uri().path().as_str();
    let form_sent = req.method() != rocket::http::Method::Get && req.method() != rocket::http::Method::Head;
    let fault = req.local_cache(|| FormFault(String::new())).0.clone();
    let (status, title, message) = match status.code {
        // A path or query that does not parse (`/admin/orders/abc`) names no record: a 404 page.
        400 | 422 if !form_sent => (Status::NotFound, Some(NO_RECORD), NO_RECORD_SAID.to_string()),
        400 | 422 if !fault.is_empty() => (status, None, format!("{fault}。请返回修改后再提交。")),
        400 | 422 => (status, None, "表单内容不完整或格式不对，请返回修改后再提交。".into()),
        403 => (status, None, AdminError::Csrf.to_string()),
        404 => (status, None, "这个地址没有页面，可能已被删除或输错了。请从菜单进入。".into()),
        413 => {
            let max = req.rocket().state::<crate::config::Config>().map_or(0, |c| c.upload_max_bytes);
            let said =
                format!("提交的内容太大（单个文件最大 {}）。", crate::service::upload::limit_text(max));
            (status, None, said)
        }
        503 => (status, None, AdminError::Busy.to_string()),
        _ => (status, None, "系统错误，请稍后再试。".into()),
    };
    Caught::Page(error_page(status, title, message, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_clamp_and_keep_filters() {
        let p = Pager::new(Some(9), 51, &[("q", "红 色"), ("type", "")]);
        assert_eq!((p.page, p.pages, p.offset()), (3, 3, 50));
        assert_eq!(p.link, "?q=%E7%BA%A2+%E8%89%B2&page=");
        assert_eq!(Pager::new(None, 0, &[]).pages, 1);
    }

    #[test]
    fn every_page_sits_in_one_section_and_only_its_own_section_opens() {
        let keys: Vec<&str> = entries().map(|(key, _, _)| *key).collect();
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(keys.len(), unique.len(), "a page listed twice");
        assert_eq!(
            NAV.iter().map(|(g, _)| *g).collect::<Vec<_>>(),
            ["店铺", "商品", "订单", "营销", "资金", "用户", "微信", "系统"]
        );
    }

    #[test]
    fn sections_come_from_the_path() {
        assert_eq!(section_of("/admin"), "dashboard");
        assert_eq!(section_of("/admin/banners/3/delete"), "banners");
        assert_eq!(section_of("/admin/nope"), "dashboard");
    }
}
