//! The merchant's files in the file store (pictures for banners, goods, notices...).

use rocket::form::{error::ErrorKind, Errors, Form};
use rocket::fs::TempFile;
use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::tokio::io::AsyncReadExt;
use rocket::{delete, get, post, routes, FromForm, Route, State};
use serde::Serialize;

use super::body::opt_text;
use super::{Answer, ApiKey, Paged, Paging, Problem, BASE};
use crate::config::Config;
use crate::db::{self, upload::Upload, Db};
use crate::error::{ApiError, MerchantError};
use crate::present::BaseUrl;
use crate::service::error::Error as ServiceError;
use crate::service::upload;

pub fn routes() -> Vec<Route> {
    routes![list, create, show, remove]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadView {
    pub id: i64,
    /// Absolute: the configured base URL, else the one the request came in on.
    pub url: String,
    /// Relative to the store (`2026/11/<random>.png`).
    pub path: String,
    pub name: String,
    pub mime: String,
    pub size: i64,
    pub date_add: String,
}

impl UploadView {
    fn new(base: &BaseUrl, u: Upload) -> Self {
        UploadView {
            id: u.id,
            url: upload::url_of(&base.0, &u.path),
            path: u.path,
            name: u.name,
            mime: u.mime,
            size: u.size,
            date_add: db::format_unix(u.date_add),
        }
    }
}

/// `?path=&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct ListQuery<'r> {
    path: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// The multipart form: one file in the field `file`.
#[derive(FromForm)]
pub struct UploadForm<'r> {
    // Not an Option: Option would turn "too large" into "missing".
    file: TempFile<'r>,
}

fn too_large(cfg: &Config) -> Problem {
    ApiError::TooLarge { what: "file", limit: upload::limit_text(cfg.upload_max_bytes) }.into()
}

/// Why the multipart form could not be read.
fn form_problem(errors: &Errors<'_>, cfg: &Config) -> Problem {
    if errors.iter().any(|e| matches!(e.kind, ErrorKind::InvalidLength { .. })) {
        return too_large(cfg);
    }
    Problem::invalid("file", "is required: send multipart/form-data with the file in a field named `file`")
}

/// Store errors in the API's words (the store names its field `upfile`).
fn store_problem(e: ServiceError) -> Problem {
    match e {
        ServiceError::Invalid { field, rule } if field.name() == "upfile" => Problem::invalid("file", rule),
        ServiceError::BadFileType(accepted) => {
            Problem::invalid("file", format!("type not accepted ({accepted})"))
        }
        other => other.into(),
    }
}

/// GET /admin/api/v1/uploads?path=&page=&pageSize= — merchant key. The merchant's files (not
/// shoppers'), newest first; `path` is a prefix such as `2026/11`.
#[get("/uploads?<q..>")]
async fn list(
    _key: ApiKey,
    db: &State<Db>,
    base: BaseUrl,
    q: ListQuery<'_>,
) -> Answer<Json<Paged<UploadView>>> {
    let prefix = opt_text("path", q.path, 200)?.unwrap_or_default().trim_start_matches('/').to_string();
    let paging = Paging::new(q.page, q.page_size)?;
    let (rows, total) =
        db.read(move |c| db::upload::list(c, None, &prefix, paging.offset(), paging.page_size)).await?;
    Ok(Json(paging.wrap(rows.into_iter().map(|u| UploadView::new(&base, u)).collect(), total)))
}

/// Checks and stores the form's file as one of the merchant's (blocking work off the executor).
async fn receive(db: &Db, cfg: &Config, form: UploadForm<'_>) -> Answer<Upload> {
    let file = form.file;
    if file.len() > cfg.upload_max_bytes {
        return Err(too_large(cfg));
    }
    let name = file.raw_name().map(|n| n.dangerous_unsafe_unsanitized_raw().as_str().to_string());
    let mut bytes = Vec::with_capacity(usize::try_from(file.len()).unwrap_or(0));
    file.open().await.map_err(ApiError::from)?.read_to_end(&mut bytes).await.map_err(ApiError::from)?;
    let (db, dir, max) = (db.clone(), cfg.uploads_dir(), cfg.upload_max_bytes);
    let s = crate::db::blocking(move || {
        upload::store(&db, &dir, max, &bytes, name.as_deref().unwrap_or(""), None, None)
    })
    .await
    .map_err(store_problem)?;
    let (id, path, name, mime, size, date_add) = (s.id, s.path, s.name, s.mime, s.size, s.date_add);
    Ok(Upload { id, user_id: None, path, name, mime, size, expires_at: None, date_add })
}

/// The merchant's upload `id` (shoppers' files are not the merchant API's).
async fn load(db: &Db, id: i64) -> Answer<Upload> {
    let row = db.read(move |c| db::upload::by_id(c, id)).await?;
    Ok(row.filter(|u| u.user_id.is_none()).ok_or(MerchantError::NotFound("upload"))?)
}

/// POST /admin/api/v1/uploads — merchant key. multipart field `file`; 201 with `Location`.
#[post("/uploads", data = "<form>")]
async fn create(
    _key: ApiKey,
    db: &State<Db>,
    cfg: &State<Config>,
    base: BaseUrl,
    form: Result<Form<UploadForm<'_>>, Errors<'_>>,
) -> Answer<Created<Json<UploadView>>> {
    let form = form.map_err(|e| form_problem(&e, cfg))?.into_inner();
    let stored = receive(db, cfg, form).await?;
    let location = format!("{BASE}/uploads/{}", stored.id);
    Ok(Created::new(location).body(Json(UploadView::new(&base, stored))))
}

/// GET /admin/api/v1/uploads/<id> — merchant key.
#[get("/uploads/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, base: BaseUrl, id: i64) -> Answer<Json<UploadView>> {
    Ok(Json(UploadView::new(&base, load(db, id).await?)))
}

/// DELETE /admin/api/v1/uploads/<id> — merchant key. Deletes the file and its row; 204 or 404.
#[delete("/uploads/<id>")]
async fn remove(_key: ApiKey, db: &State<Db>, cfg: &State<Config>, id: i64) -> Answer<Status> {
    load(db, id).await?;
    let (db, dir) = (db.inner().clone(), cfg.uploads_dir());
    let gone = crate::db::blocking(move || upload::remove(&db, &dir, id)).await?;
    if gone {
        Ok(Status::NoContent)
    } else {
        Err(MerchantError::NotFound("upload").into())
    }
}
