//! 公告: short announcements the mini-program lists (notice/list, notice/detail).

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::auth::{AdminSession, Empty};
use super::crud;
use super::page::{done, render, search, Answer, Html, Pager, Posted, Problem, Staff, PER_PAGE};
use crate::cache::Cache;
use crate::db::site::Notice;
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::service::{self, site::NoticeInput};

pub fn routes() -> Vec<Route> {
    routes![list, new_page, create, edit_page, update, confirm_delete, delete]
}

const LABELS: &[(&str, &str)] = &[("title", "标题"), ("type", "类型"), ("content", "内容")];

#[derive(Template)]
#[template(path = "admin/notices/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<Notice>,
    q: String,
    pager: Pager,
}

/// GET /admin/notices — staff only. Search by title, 25 a page.
#[get("/notices?<q>&<page>")]
async fn list(staff: Staff, db: &State<Db>, q: Option<&str>, page: Option<i64>) -> Result<Html, AdminError> {
    let q = search(q);
    let s = q.clone();
    let asked = page.unwrap_or(1).max(1);
    let (mut rows, total) =
        db.read(move |c| db::site::all_notices(c, s.as_deref(), (asked - 1) * PER_PAGE, PER_PAGE)).await?;
    let q = q.unwrap_or_default();
    let pager = Pager::new(Some(asked), total, &[("q", &q)]);
    if pager.page != asked {
        // Asked past the end: show the last page instead of an empty one.
        let (s, offset) = (search(Some(&q)), pager.offset());
        rows = db
            .read(move |c| db::site::all_notices(c, s.as_deref(), offset, PER_PAGE).map(|(rows, _)| rows))
            .await?;
    }
    render(&ListPage { staff, rows, q, pager })
}

#[derive(FromForm, Default)]
struct NoticeForm {
    kind: String,
    title: String,
    content: String,
    is_show: bool,
}

#[derive(Template)]
#[template(path = "admin/notices/edit.html")]
struct EditPage {
    staff: Staff,
    id: Option<i64>,
    form: NoticeForm,
    error: Option<String>,
}

/// GET /admin/notices/new — staff only.
#[get("/notices/new")]
fn new_page(staff: Staff) -> Result<Html, AdminError> {
    render(&EditPage {
        staff,
        id: None,
        form: NoticeForm { is_show: true, ..Default::default() },
        error: None,
    })
}

/// GET /admin/notices/<id> — staff only.
#[get("/notices/<id>")]
async fn edit_page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let n = crud::found(db, id, db::site::notice_by_id).await?;
    let form = NoticeForm { kind: n.kind, title: n.title, content: n.content, is_show: n.is_show };
    render(&EditPage { staff, id: Some(id), form, error: None })
}

/// POST /admin/notices/new — staff only.
#[post("/notices/new", data = "<form>")]
async fn create(
    staff: Staff,
    form: Posted<NoticeForm>,
    db: &State<Db>,
    cache: &State<Cache>,
) -> Result<Answer, AdminError> {
    save(staff, None, form.0, db, cache).await
}

/// POST /admin/notices/<id> — staff only.
#[post("/notices/<id>", data = "<form>")]
async fn update(
    staff: Staff,
    id: i64,
    form: Posted<NoticeForm>,
    db: &State<Db>,
    cache: &State<Cache>,
) -> Result<Answer, AdminError> {
    save(staff, Some(id), form.0, db, cache).await
}

async fn save(
    staff: Staff,
    id: Option<i64>,
    form: NoticeForm,
    db: &Db,
    cache: &Cache,
) -> Result<Answer, AdminError> {
    let input = NoticeInput {
        kind: form.kind.trim().to_string(),
        title: form.title.trim().to_string(),
        content: form.content.clone(),
        is_show: form.is_show,
    };
    let saved =
        service::site::save_notice(db, cache, id, input).await.map_err(|e| Problem::refused(e, LABELS));
    crud::saved(saved, "/admin/notices", "公告已保存", |error| EditPage { staff, id, form, error })
}

/// GET /admin/notices/<id>/delete — staff only; asks before deleting.
#[get("/notices/<id>/delete")]
async fn confirm_delete(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let n = crud::found(db, id, db::site::notice_by_id).await?;
    let (what, warning) = (format!("公告「{}」", n.title), "删除后小程序里立即不再显示，无法恢复。");
    crud::ask_delete(staff, "/admin/notices", id, "删除公告", what, warning)
}

/// POST /admin/notices/<id>/delete — staff only.
#[post("/notices/<id>/delete", data = "<_form>")]
async fn delete(
    _admin: AdminSession,
    id: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
    cache: &State<Cache>,
) -> Result<Answer, AdminError> {
    service::site::delete_notice(db, cache, id).await?;
    Ok(done("/admin/notices", "公告已删除"))
}
