//! 友情链接: partner logos and links the mini-program lists (friendlyPartnerList).

use askama::Template;
use rocket::form::{self, FromForm};
use rocket::fs::TempFile;
use rocket::{get, post, routes, Route, State};

use super::auth::{AdminSession, Empty};
use super::crud;
use super::images::FileStore;
use super::page::{done, number, render, Answer, Html, Pager, Posted, Problem, Staff};
use crate::cache::Cache;
use crate::db::site::Partner;
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::service::{self, site::PartnerInput};

pub fn routes() -> Vec<Route> {
    routes![list, new_page, create, edit_page, update, confirm_delete, delete]
}

const LABELS: &[(&str, &str)] =
    &[("title", "名称"), ("type", "类型"), ("picUrl", "图片"), ("linkUrl", "链接"), ("status", "状态")];

#[derive(Template)]
#[template(path = "admin/links/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<Partner>,
    pager: Pager,
}

/// GET /admin/links — staff only. 25 a page.
#[get("/links?<page>")]
async fn list(staff: Staff, db: &State<Db>, page: Option<i64>) -> Result<Html, AdminError> {
    let rows = db.read(db::site::all_partners).await?;
    let pager = Pager::new(page, rows.len() as i64, &[]);
    render(&ListPage { staff, rows: pager.slice(rows), pager })
}

#[derive(FromForm, Default)]
struct Fields {
    kind: String,
    title: String,
    pic_url: String,
    link_url: String,
    paixu: String,
    status: String,
}

#[derive(FromForm)]
struct LinkForm<'r> {
    file: form::Result<'r, TempFile<'r>>,
    f: Fields,
}

#[derive(Template)]
#[template(path = "admin/links/edit.html")]
struct EditPage {
    staff: Staff,
    id: Option<i64>,
    f: Fields,
    error: Option<String>,
}

/// GET /admin/links/new — staff only.
#[get("/links/new")]
fn new_page(staff: Staff) -> Result<Html, AdminError> {
    let f = Fields { paixu: "0".into(), status: "0".into(), ..Default::default() };
    render(&EditPage { staff, id: None, f, error: None })
}

/// GET /admin/links/<id> — staff only.
#[get("/links/<id>")]
async fn edit_page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let p = crud::found(db, id, db::site::partner_by_id).await?;
    let f = Fields {
        kind: p.kind,
        title: p.title,
        pic_url: p.pic_url,
        link_url: p.link_url,
        paixu: p.paixu.to_string(),
        status: p.status.to_string(),
    };
    render(&EditPage { staff, id: Some(id), f, error: None })
}

/// POST /admin/links/new — staff only.
#[post("/links/new", data = "<form>")]
async fn create(
    staff: Staff,
    form: Posted<LinkForm<'_>>,
    db: &State<Db>,
    cache: &State<Cache>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    save(staff, None, form.0, db, cache, &store).await
}

/// POST /admin/links/<id> — staff only.
#[post("/links/<id>", data = "<form>")]
async fn update(
    staff: Staff,
    id: i64,
    form: Posted<LinkForm<'_>>,
    db: &State<Db>,
    cache: &State<Cache>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    save(staff, Some(id), form.0, db, cache, &store).await
}

async fn save(
    staff: Staff,
    id: Option<i64>,
    form: LinkForm<'_>,
    db: &Db,
    cache: &Cache,
    store: &FileStore,
) -> Result<Answer, AdminError> {
    let LinkForm { file, mut f } = form;
    let saved = async {
        f.pic_url = store.picture(file, &f.pic_url).await?;
        let input = PartnerInput {
            kind: f.kind.trim().to_string(),
            title: f.title.trim().to_string(),
            pic_url: f.pic_url.clone(),
            link_url: f.link_url.trim().to_string(),
            paixu: number("排序", &f.paixu)?,
            status: number("状态", &f.status)?,
        };
        service::site::save_partner(db, cache, id, input).await.map_err(|e| Problem::refused(e, LABELS))
    };
    let saved = saved.await;
    crud::saved(saved, "/admin/links", "友情链接已保存", |error| EditPage { staff, id, f, error })
}

/// GET /admin/links/<id>/delete — staff only; asks before deleting.
#[get("/links/<id>/delete")]
async fn confirm_delete(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let p = crud::found(db, id, db::site::partner_by_id).await?;
    let what = format!("友情链接「{}」", p.title);
    crud::ask_delete(staff, "/admin/links", id, "删除友情链接", what, "删除后小程序里立即不再显示。")
}

/// POST /admin/links/<id>/delete — staff only.
#[post("/links/<id>/delete", data = "<_form>")]
async fn delete(
    _admin: AdminSession,
    id: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
    cache: &State<Cache>,
) -> Result<Answer, AdminError> {
    service::site::delete_partner(db, cache, id).await?;
    Ok(done("/admin/links", "友情链接已删除"))
}
