//! 小程序码: the merchant makes a mini-program code (B: page + scene, A: a path with its query,
//! C: a square QR code) to download and print, and URL schemes that open the mini-program from
//! SMS, e-mail or web pages. Everything made is listed, newest first.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::page::{done, render, render_as, Answer, Html, Pager, Posted, Problem, Staff, PER_PAGE};
use crate::config::Config;
use crate::db::wxcodes::{Scheme, StoredCode};
use crate::db::{self, Db};
use crate::error::{AdminError, ApiError};
use crate::service::wxcodes::{self as codes, CodeSpec, Expiry, SchemeInput, Store};
use crate::wechat::codes::{PathCode, SquareCode, UnlimitCode};
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![list, make, schemes, make_scheme]
}

const LABELS: &[(&str, &str)] = &[
    ("scene", "scene 参数"),
    ("page", "页面"),
    ("path", "页面路径"),
    ("query", "参数"),
    ("width", "宽度"),
    ("expireTime", "失效时间"),
    ("expireInterval", "有效天数"),
    ("remark", "备注"),
];

/// The kinds the console makes (commonQrcode's drawn codes are listed too).
const KINDS: &[&str] = &["unlimit", "a", "c", "content"];

#[derive(FromForm)]
struct CodeForm {
    /// unlimit, a or c.
    kind: String,
    #[field(default = String::new())]
    page: String,
    #[field(default = String::new())]
    scene: String,
    #[field(default = String::new())]
    path: String,
    #[field(default = String::new())]
    width: String,
    #[field(default = String::new())]
    env_version: String,
    check_path: bool,
    is_hyaline: bool,
}

impl Default for CodeForm {
    fn default() -> Self {
        CodeForm {
            kind: "unlimit".into(),
            page: "pages/index/index".into(),
            scene: String::new(),
            path: String::new(),
            width: codes::DEFAULT_CODE_WIDTH.to_string(),
            env_version: "release".into(),
            check_path: true,
            is_hyaline: false,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/wxcodes/list.html")]
struct CodesPage {
    staff: Staff,
    form: CodeForm,
    error: Option<String>,
    rows: Vec<StoredCode>,
    pager: Pager,
}

/// The label of a stored code's kind.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "unlimit" => "小程序码（scene）",
        "a" => "小程序码（路径）",
        "c" => "小程序二维码",
        _ => "普通二维码",
    }
}

async fn codes_page(
    staff: Staff,
    db: &Db,
    page: Option<i64>,
    form: CodeForm,
    error: Option<String>,
) -> Result<CodesPage, AdminError> {
    let asked = page.unwrap_or(1).max(1);
    let (_, total) = db.read(|c| db::wxcodes::list(c, KINDS, 0, 0)).await?;
    let pager = Pager::new(Some(asked), total, &[]);
    let offset = pager.offset();
    let (rows, _) = db.read(move |c| db::wxcodes::list(c, KINDS, offset, PER_PAGE)).await?;
    Ok(CodesPage { staff, form, error, rows, pager })
}

/// GET /admin/wxcodes — staff only. The code form and the codes made, 25 a page.
#[get("/wxcodes?<page>")]
async fn list(staff: Staff, db: &State<Db>, page: Option<i64>) -> Result<Html, AdminError> {
    render(&codes_page(staff, db, page, <CodeForm as Default>::default(), None).await?)
}

/// The code the form asks for.
fn spec_of(f: &CodeForm) -> Result<CodeSpec, ApiError> {
    let width = match f.width.trim() {
        "" => None,
        w => Some(w.parse::<i64>().map_err(|_| ApiError::invalid("width", "应为整数"))?),
    };
    let width = codes::width("width", width, codes::CODE_WIDTH, codes::DEFAULT_CODE_WIDTH)?;
    let env_version = codes::env_version("env_version", Some(f.env_version.trim()))?;
    Ok(match f.kind.as_str() {
        "a" => CodeSpec::A(PathCode {
            path: codes::path_with_query("path", f.path.trim())?,
            env_version,
            width,
            auto_color: false,
            line_color: None,
            is_hyaline: f.is_hyaline,
        }),
        "c" => CodeSpec::C(SquareCode { path: codes::path_with_query("path", f.path.trim())?, width }),
        _ => CodeSpec::Unlimit(UnlimitCode {
            scene: codes::scene(f.scene.trim())?,
            page: codes::page("page", f.page.trim())?,
            check_path: f.check_path,
            env_version,
            width,
            auto_color: false,
            line_color: None,
            is_hyaline: f.is_hyaline,
        }),
    })
}

/// POST /admin/wxcodes — staff only. Makes (or finds) the code; it heads the list.
#[post("/wxcodes", data = "<form>")]
async fn make(
    staff: Staff,
    form: Posted<CodeForm>,
    db: &State<Db>,
    wx: &State<WeChat>,
    cfg: &State<Config>,
) -> Result<Answer, AdminError> {
    let form = form.0;
    let made = match spec_of(&form) {
        Ok(spec) => {
            let (db, wx, dir, max) =
                (db.inner().clone(), wx.inner().clone(), cfg.uploads_dir(), cfg.upload_max_bytes);
            crate::db::blocking(move || {
                let store = Store { db: &db, uploads_dir: &dir, max_bytes: max };
                codes::code_image(&store, &wx, &spec, None).map_err(ApiError::from)
            })
            .await
        }
        Err(e) => Err(e),
    };
    match made {
        Ok(code) => Ok(done("/admin/wxcodes", format!("已生成：{}", code.summary))),
        Err(e) => {
            let error = Some(Problem::from_api(e, LABELS).message()?);
            let page = codes_page(staff, db, None, form, error).await?;
            Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?))
        }
    }
}

#[derive(FromForm)]
struct SchemeForm {
    #[field(default = String::new())]
    path: String,
    #[field(default = String::new())]
    query: String,
    #[field(default = String::new())]
    env_version: String,
    /// longest, at, days.
    #[field(default = String::new())]
    expiry: String,
    /// "YYYY-MM-DD HH:MM" (or with seconds) in the shop's time zone.
    #[field(default = String::new())]
    expire_time: String,
    #[field(default = String::new())]
    expire_interval: String,
    #[field(default = String::new())]
    remark: String,
}

impl Default for SchemeForm {
    fn default() -> Self {
        SchemeForm {
            path: "pages/index/index".into(),
            query: String::new(),
            env_version: "release".into(),
            expiry: "days".into(),
            expire_time: String::new(),
            expire_interval: "30".into(),
            remark: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/wxcodes/schemes.html")]
struct SchemesPage {
    staff: Staff,
    form: SchemeForm,
    error: Option<String>,
    rows: Vec<Scheme>,
    pager: Pager,
    now: i64,
}

async fn schemes_page(
    staff: Staff,
    db: &Db,
    page: Option<i64>,
    form: SchemeForm,
    error: Option<String>,
) -> Result<SchemesPage, AdminError> {
    let asked = page.unwrap_or(1).max(1);
    let (_, total) = db.read(|c| db::wxcodes::schemes(c, 0, 0)).await?;
    let pager = Pager::new(Some(asked), total, &[]);
    let offset = pager.offset();
    let (rows, _) = db.read(move |c| db::wxcodes::schemes(c, offset, PER_PAGE)).await?;
    Ok(SchemesPage { staff, form, error, rows, pager, now: db::unix_now() })
}

/// GET /admin/wxcodes/schemes — staff only. The URL scheme form and the schemes made.
#[get("/wxcodes/schemes?<page>")]
async fn schemes(staff: Staff, db: &State<Db>, page: Option<i64>) -> Result<Html, AdminError> {
    render(&schemes_page(staff, db, page, <SchemeForm as Default>::default(), None).await?)
}

/// The scheme the form asks for.
fn scheme_of(f: &SchemeForm) -> Result<SchemeInput, ApiError> {
    let expiry = match f.expiry.as_str() {
        "longest" => Expiry::Longest,
        "at" => Expiry::At(
            parse_local(f.expire_time.trim())
                .ok_or(ApiError::invalid("expireTime", "格式应为 YYYY-MM-DD HH:MM"))?,
        ),
        _ => Expiry::Days(
            f.expire_interval.trim().parse().map_err(|_| ApiError::invalid("expireInterval", "应为整数"))?,
        ),
    };
    Ok(SchemeInput {
        path: f.path.clone(),
        query: f.query.clone(),
        env_version: f.env_version.clone(),
        expiry,
        remark: f.remark.clone(),
    })
}

/// "YYYY-MM-DD HH:MM[:SS]" (or the browser's "YYYY-MM-DDTHH:MM") in the shop's time zone.
fn parse_local(v: &str) -> Option<i64> {
    let v = v.replace('T', " ");
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    time::PrimitiveDateTime::parse(v.get(..16).unwrap_or(&v), &f)
        .ok()
        .map(|t| t.assume_offset(time::macros::offset!(+8)).unix_timestamp())
}

/// POST /admin/wxcodes/schemes — staff only. Asks WeChat for a URL scheme and lists it.
#[post("/wxcodes/schemes", data = "<form>")]
async fn make_scheme(
    staff: Staff,
    form: Posted<SchemeForm>,
    db: &State<Db>,
    wx: &State<WeChat>,
) -> Result<Answer, AdminError> {
    let form = form.0;
    let made = match scheme_of(&form) {
        Ok(input) => {
            let (db, wx) = (db.inner().clone(), wx.inner().clone());
            crate::db::blocking(move || codes::make_scheme(&db, &wx, input).map_err(ApiError::from)).await
        }
        Err(e) => Err(e),
    };
    match made {
        Ok(s) => Ok(done("/admin/wxcodes/schemes", format!("已生成：{}", s.openlink))),
        Err(e) => {
            let error = Some(Problem::from_api(e, LABELS).message()?);
            let page = schemes_page(staff, db, None, form, error).await?;
            Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?))
        }
    }
}
