//! 文件: the merchant's uploaded files (pictures for banners, ads...), served at /uploads/.

use askama::Template;
use rocket::form::{self, FromForm};
use rocket::fs::TempFile;
use rocket::{get, post, routes, Route, State};

use super::auth::{AdminSession, Empty};
use super::images::{chosen, FileStore};
use super::page::{
    done, failed, render, size, Answer, Confirm, Html, Pager, Posted, Problem, Staff, PER_PAGE,
};
use crate::config::Config;
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::service::upload;
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![list, add, confirm_delete, delete]
}

/// A file as the list shows it.
struct FileRow {
    id: i64,
    name: String,
    url: String,
    mime: String,
    size: i64,
    date_add: i64,
}

impl FileRow {
    fn is_image(&self) -> bool {
        self.mime.starts_with("image/")
    }
}

#[derive(Template)]
#[template(path = "admin/files.html")]
struct FilesPage {
    staff: Staff,
    rows: Vec<FileRow>,
    pager: Pager,
    used: i64,
    quota: i64,
    max_file: String,
}

/// GET /admin/files — staff only. Newest first, 25 a page.
#[get("/files?<page>")]
async fn list(
    staff: Staff,
    db: &State<Db>,
    settings: &State<Settings>,
    cfg: &State<Config>,
    store: FileStore,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let total = db.read(|c| db::upload::list(c, None, "", 0, 0).map(|(_, total)| total)).await?;
    let pager = Pager::new(page, total, &[]);
    let offset = pager.offset();
    let (rows, used) = db
        .read(move |c| {
            let rows = db::upload::list(c, None, "", offset, PER_PAGE)?.0;
            db::site::upload_totals(c).map(|(_, bytes)| (rows, bytes))
        })
        .await?;
    let rows = rows
        .into_iter()
        .map(|u| FileRow {
            id: u.id,
            url: store.url(&u.path),
            name: u.name,
            mime: u.mime,
            size: u.size,
            date_add: u.date_add,
        })
        .collect();
    let quota = settings.get().upload_quota_bytes();
    let max_file = upload::limit_text(cfg.upload_max_bytes);
    render(&FilesPage { staff, rows, pager, used, quota, max_file })
}

#[derive(FromForm)]
struct UploadForm<'r> {
    file: form::Result<'r, TempFile<'r>>,
}

/// POST /admin/files — staff only; multipart `file`.
#[post("/files", data = "<form>")]
async fn add(
    _admin: AdminSession,
    form: Posted<UploadForm<'_>>,
    store: FileStore,
    cfg: &State<Config>,
) -> Result<Answer, AdminError> {
    let stored = match chosen(form.0.file, cfg.upload_max_bytes) {
        Ok(Some(file)) => store.store(file, false).await,
        Ok(None) => Err(Problem::Say("请先选择要上传的文件".into())),
        Err(problem) => Err(problem),
    };
    match stored {
        Ok(s) => Ok(done("/admin/files", format!("已上传 {}（{}）", s.name, size(&s.size)))),
        Err(problem) => Ok(failed("/admin/files", problem.message()?)),
    }
}

/// GET /admin/files/<id>/delete — staff only; asks before deleting.
#[get("/files/<id>/delete")]
async fn confirm_delete(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let u = db.read(move |c| db::upload::by_id(c, id)).await?.ok_or(AdminError::NotFound)?;
    let name = if u.name.is_empty() { u.path } else { u.name };
    render(&Confirm {
        staff,
        title: "删除文件".into(),
        what: format!("文件 {name}（{}）", size(&u.size)),
        warning: "删除后这个文件的地址将无法访问；正在使用它的轮播图、广告位会显示不出图片。",
        action: format!("/admin/files/{id}/delete"),
        back: "/admin/files".into(),
    })
}

/// POST /admin/files/<id>/delete — staff only.
#[post("/files/<id>/delete", data = "<_form>")]
async fn delete(
    _admin: AdminSession,
    id: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
    cfg: &State<Config>,
) -> Result<Answer, AdminError> {
    let (db, dir) = (db.inner().clone(), cfg.uploads_dir());
    let gone = crate::db::blocking(move || upload::remove(&db, &dir, id)).await?;
    if gone {
        Ok(done("/admin/files", "文件已删除"))
    } else {
        Ok(failed("/admin/files", "文件不存在，可能已被删除"))
    }
}
