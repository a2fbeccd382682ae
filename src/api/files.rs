//! The file store: uploads (multipart `upfile`), downloads from a URL, and listings. With the
//! shop's content check on, pictures pass WeChat's imgSecCheck before they are stored
//! (service::security::check_image: risky 87014, WeChat down 502).

use rocket::form::{Errors, Form, FromForm};
use rocket::fs::TempFile;
use rocket::request::{self, FromRequest, Request};
use rocket::tokio::io::AsyncReadExt;
use rocket::{post, routes, Route, State};
use serde::Serialize;

use super::guards::{fail, user_for_token, BaseUrl};
use super::{ApiResult, MaybeAuthed, Page, Paging, Params, Reply};
use crate::config::Config;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::upload::{self, Stored};
use crate::service::{fetch, media_check, security};
use crate::settings::Settings;
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![upload_file, upload_from_url, list, list_v2]
}

pub fn root_routes() -> Vec<Route> {
    routes![upload2, upload_by_url]
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadView {
    pub id: i64,
    pub url: String,
    pub name: String,
    pub size: i64,
    #[serde(rename = "type")]
    pub mime: String,
    pub path: String,
    pub date_add: String,
}

impl UploadView {
    fn new(base: &BaseUrl, s: Stored) -> Self {
        UploadView {
            id: s.id,
            url: upload::url_of(&base.0, &s.path),
            name: s.name,
            size: s.size,
            mime: s.mime,
            path: s.path,
            date_add: db::format_unix(s.date_add),
        }
    }
}

/// The multipart form wx.uploadFile sends.
#[derive(FromForm)]
pub struct UploadForm<'r> {
    upfile: Result<TempFile<'r>, Errors<'r>>,
    token: Option<String>,
    #[field(name = "expireHours")]
    expire_hours: Option<String>,
    #[field(name = "subDomain")]
    sub_domain: Option<String>,
}

/// Admits an upload only with a multipart/form-data body (what wx.uploadFile sends); anything else
/// is refused by name instead of falling through to a server error.
pub struct Multipart;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Multipart {
    type Error = ApiError;

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ApiError> {
        if req.content_type().is_some_and(|ct| ct.is_form_data()) {
            return request::Outcome::Success(Multipart);
        }
        fail(req, ApiError::invalid("upfile", "需要 multipart/form-data 上传（文件字段名为 upfile）"))
    }
}

fn form_error(errors: &Errors<'_>, cfg: &Config) -> ApiError {
    use rocket::form::error::ErrorKind;
    for e in errors.iter() {
        match e.kind {
            ErrorKind::InvalidLength { .. } => {
                return ApiError::TooLarge { what: "文件", limit: upload::limit_text(cfg.upload_max_bytes) }
            }
            ErrorKind::Missing => return ApiError::Missing("upfile"),
            _ => {}
        }
    }
    ApiError::invalid("upfile", "请以 multipart/form-data 上传，文件字段名为 upfile")
}

fn expire_hours(v: Option<&str>) -> Result<Option<i64>, ApiError> {
    let p = Params::from_pairs(v.map(|v| ("expireHours", v)));
    p.opt_int("expireHours")
}

async fn receive(
    form: Result<Form<UploadForm<'_>>, Errors<'_>>,
    db: &Db,
    cfg: &Config,
    settings: &Settings,
    wx: &WeChat,
    check_shop: bool,
    base: &BaseUrl,
) -> Result<Stored, ApiError> {
    let form = form.map_err(|e| form_error(&e, cfg))?.into_inner();
    if check_shop {
        let ours = settings.get().subdomain().to_string();
        match form.sub_domain.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() && s != ours => {
                return Err(ApiError::WrongShop { asked: s.to_string(), ours });
            }
            _ => {}
        }
    }
    let user_id = user_for_token(db, form.token.as_deref()).await?;
    let hours = expire_hours(form.expire_hours.as_deref())?;
    let file = form.upfile.map_err(|e| form_error(&e, cfg))?;
    if file.len() > cfg.upload_max_bytes {
        return Err(ApiError::TooLarge { what: "文件", limit: upload::limit_text(cfg.upload_max_bytes) });
    }
    let name = file
        .raw_name()
        .map(|n| n.dangerous_unsafe_unsanitized_raw().as_str().to_string())
        .unwrap_or_default();
    let mut bytes = Vec::with_capacity(usize::try_from(file.len()).unwrap_or(0));
    file.open().await?.read_to_end(&mut bytes).await?;
    let (db, dir, max) = (db.clone(), cfg.uploads_dir(), cfg.upload_max_bytes);
    let (wx, settings) = (wx.clone(), settings.clone());
    let (dirs, base) = (media_check::Dirs::of(cfg), base.0.clone());
    crate::db::blocking(move || {
        // Audio and video are checked asynchronously: held until WeChat's verdict arrives.
        if settings.get().content_sec_check() && media_check::needs_async(&bytes) {
            return media_check::store_held(&db, &wx, &dirs, &base, max, &bytes, &name, user_id, hours);
        }
        security::check_image(&db, &wx, &settings, user_id, &name, &bytes)?;
        upload::store(&db, &dir, max, &bytes, &name, user_id, hours)
    })
    .await
    .map_err(ApiError::from)
}

/// POST /<sub>/dfs/upload/file — uploadFile; anyone (a token records the owner). multipart `upfile`.
#[post("/dfs/upload/file", data = "<form>")]
async fn upload_file(
    _multipart: Multipart,
    form: Result<Form<UploadForm<'_>>, Errors<'_>>,
    db: &State<Db>,
    cfg: &State<Config>,
    settings: &State<Settings>,
    wx: &State<WeChat>,
    base: BaseUrl,
) -> ApiResult<UploadView> {
    let stored = receive(form, db, cfg, settings, wx, false, &base).await?;
    Ok(Reply(UploadView::new(&base, stored)))
}

/// POST /upload2 — uploadFileV2 / V22 / V3 (the adapter points them here); anyone. multipart `upfile`.
#[post("/upload2", data = "<form>")]
async fn upload2(
    _multipart: Multipart,
    form: Result<Form<UploadForm<'_>>, Errors<'_>>,
    db: &State<Db>,
    cfg: &State<Config>,
    settings: &State<Settings>,
    wx: &State<WeChat>,
    base: BaseUrl,
) -> ApiResult<UploadView> {
    let stored = receive(form, db, cfg, settings, wx, true, &base).await?;
    Ok(Reply(UploadView::new(&base, stored)))
}

/// Where a download goes and who checks it.
struct Sink<'a> {
    db: &'a Db,
    cfg: &'a Config,
    settings: &'a Settings,
    wx: &'a WeChat,
}

async fn from_url(req: MaybeAuthed, sink: Sink<'_>, base: &BaseUrl) -> Result<UploadView, ApiError> {
    let Sink { db, cfg, settings, wx } = sink;
    let url = req.p.text("remoteFileUrl", 2000)?.to_string();
    req.p.opt_text("ext", 10)?;
    let hours = req.p.opt_int("expireHours")?;
    let (db, dir, max, allow) =
        (db.clone(), cfg.uploads_dir(), cfg.upload_max_bytes, cfg.fetch_allow_private);
    let user_id = req.user_id;
    let (wx, settings) = (wx.clone(), settings.clone());
    let stored = crate::db::blocking(move || {
        let bytes = fetch::download(&url, max, allow)?;
        let name = url.rsplit('/').next().unwrap_or("").split('?').next().unwrap_or("").to_string();
        security::check_image(&db, &wx, &settings, user_id, &name, &bytes)?;
        upload::store(&db, &dir, max, &bytes, &name, user_id, hours)
    })
    .await?;
    Ok(UploadView::new(base, stored))
}

/// POST /<sub>/dfs/upload/url — uploadFileFromUrl; anyone. Downloads `remoteFileUrl` into the store.
#[post("/dfs/upload/url", data = "<req>")]
async fn upload_from_url(
    req: MaybeAuthed,
    db: &State<Db>,
    cfg: &State<Config>,
    settings: &State<Settings>,
    wx: &State<WeChat>,
    base: BaseUrl,
) -> ApiResult<UploadView> {
    Ok(Reply(from_url(req, Sink { db, cfg, settings, wx }, &base).await?))
}

/// POST /uploadByUrl — uploadFileFromUrlV2 / V22 (via the adapter); anyone. As uploadFileFromUrl.
#[post("/uploadByUrl", data = "<req>")]
async fn upload_by_url(
    req: MaybeAuthed,
    db: &State<Db>,
    cfg: &State<Config>,
    settings: &State<Settings>,
    wx: &State<WeChat>,
    base: BaseUrl,
) -> ApiResult<UploadView> {
    let ours = settings.get().subdomain().to_string();
    if let Some(asked) = req.p.get("subDomain").filter(|s| *s != ours) {
        return Err(ApiError::WrongShop { asked: asked.to_string(), ours });
    }
    Ok(Reply(from_url(req, Sink { db, cfg, settings, wx }, &base).await?))
}

async fn listing(req: MaybeAuthed, db: &Db, base: &BaseUrl) -> Result<Page<UploadView>, ApiError> {
    let prefix = req.p.opt_text("path", 200)?.unwrap_or("").trim_start_matches('/').to_string();
    let paging = Paging::from(&req.p)?;
    let user = req.user_id;
    let (rows, total) =
        db.read(move |c| db::upload::list(c, user, &prefix, paging.offset(), paging.limit())).await?;
    let views = rows
        .into_iter()
        .map(|u| UploadView {
            id: u.id,
            url: upload::url_of(&base.0, &u.path),
            name: u.name,
            size: u.size,
            mime: u.mime,
            path: u.path,
            date_add: db::format_unix(u.date_add),
        })
        .collect();
    paging.page(views, total)
}

/// POST /<sub>/dfs/upload/list — uploadFileList; anyone. The caller's files (the shop's without a
/// token) under `path` (e.g. "2026/11"), newest first.
#[post("/dfs/upload/list", data = "<req>")]
async fn list(req: MaybeAuthed, db: &State<Db>, base: BaseUrl) -> ApiResult<Vec<UploadView>> {
    Ok(Reply(listing(req, db, &base).await?.result))
}

/// POST /<sub>/dfs/upload/list/v2 — uploadFileListV2; anyone. As uploadFileList, paged.
#[post("/dfs/upload/list/v2", data = "<req>")]
async fn list_v2(req: MaybeAuthed, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<UploadView>> {
    Ok(Reply(listing(req, db, &base).await?))
}
