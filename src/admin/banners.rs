//! 轮播图: the pictures that scroll at the top of the mini-program's pages (banner/list).

use askama::Template;
use rocket::form::{self, FromForm};
use rocket::fs::TempFile;
use rocket::{get, post, routes, Route, State};

use super::auth::{AdminSession, Empty};
use super::crud;
use super::images::FileStore;
use super::page::{done, number, render, search, Answer, Html, Pager, Posted, Problem, Staff};
use crate::cache::Cache;
use crate::db::site::{Banner, BannerInput};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::service;

pub fn routes() -> Vec<Route> {
    routes![list, new_page, create, edit_page, update, confirm_delete, delete]
}

const LABELS: &[(&str, &str)] = &[
    ("picUrl", "图片"),
    ("title", "标题"),
    ("type", "类型"),
    ("linkUrl", "跳转路径"),
    ("appid", "小程序 AppID"),
    ("linkType", "跳转方式"),
    ("status", "状态"),
    ("remark", "备注"),
];

#[derive(Template)]
#[template(path = "admin/banners/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<Banner>,
    types: Vec<String>,
    kind: String,
    q: String,
    pager: Pager,
}

/// The banner types in use, for the filter and the form's suggestions ("index" always offered).
fn types_of(all: &[Banner]) -> Vec<String> {
    let mut types: Vec<String> = all.iter().map(|b| b.kind.clone()).filter(|k| !k.is_empty()).collect();
    types.push("index".into());
    types.sort();
    types.dedup();
    types
}

async fn all_types(db: &Db) -> Result<Vec<String>, AdminError> {
    Ok(types_of(&db.read(|c| db::site::all_banners(c, None, None)).await?))
}

/// GET /admin/banners — staff only. Filter by type, search by title, 25 a page.
#[get("/banners?<kind>&<q>&<page>")]
async fn list(
    staff: Staff,
    db: &State<Db>,
    kind: Option<&str>,
    q: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let (kind, q) = (search(kind), search(q));
    let (k, s) = (kind.clone(), q.clone());
    let (all, rows) = db
        .read(move |c| {
            let all = db::site::all_banners(c, None, None)?;
            db::site::all_banners(c, k.as_deref(), s.as_deref()).map(|rows| (all, rows))
        })
        .await?;
    let (kind, q) = (kind.unwrap_or_default(), q.unwrap_or_default());
    let pager = Pager::new(page, rows.len() as i64, &[("kind", &kind), ("q", &q)]);
    render(&ListPage { staff, rows: pager.slice(rows), types: types_of(&all), kind, q, pager })
}

/// The form's fields, as typed (so a refused form comes back exactly as sent).
#[derive(FromForm, Default)]
struct Fields {
    kind: String,
    title: String,
    pic_url: String,
    link_type: String,
    link_url: String,
    appid: String,
    paixu: String,
    status: String,
    remark: String,
}

impl Fields {
    fn of(b: Banner) -> Fields {
        Fields {
            kind: b.kind,
            title: b.title,
            pic_url: b.pic_url,
            link_type: b.link_type.to_string(),
            link_url: b.link_url,
            appid: b.appid,
            paixu: b.paixu.to_string(),
            status: b.status.to_string(),
            remark: b.remark,
        }
    }

    fn input(&self) -> Result<BannerInput, Problem> {
        Ok(BannerInput {
            kind: self.kind.trim().to_string(),
            title: self.title.trim().to_string(),
            pic_url: self.pic_url.clone(),
            link_type: number("跳转方式", &self.link_type)?,
            link_url: self.link_url.trim().to_string(),
            appid: self.appid.trim().to_string(),
            business_id: 0,
            paixu: number("排序", &self.paixu)?,
            status: number("状态", &self.status)?,
            remark: self.remark.trim().to_string(),
        })
    }
}

/// A multipart post: the picture file plus the fields (named `f.title`...).
#[derive(FromForm)]
struct BannerForm<'r> {
    file: form::Result<'r, TempFile<'r>>,
    f: Fields,
}

#[derive(Template)]
#[template(path = "admin/banners/edit.html")]
struct EditPage {
    staff: Staff,
    id: Option<i64>,
    f: Fields,
    types: Vec<String>,
    error: Option<String>,
}

/// GET /admin/banners/new — staff only.
#[get("/banners/new")]
async fn new_page(staff: Staff, db: &State<Db>) -> Result<Html, AdminError> {
    let f = Fields {
        kind: "index".into(),
        link_type: "0".into(),
        paixu: "0".into(),
        status: "0".into(),
        ..Default::default()
    };
    render(&EditPage { staff, id: None, f, types: all_types(db).await?, error: None })
}

/// GET /admin/banners/<id> — staff only.
#[get("/banners/<id>")]
async fn edit_page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let b = crud::found(db, id, db::site::banner_by_id).await?;
    render(&EditPage { staff, id: Some(id), f: Fields::of(b), types: all_types(db).await?, error: None })
}

/// POST /admin/banners/new — staff only.
#[post("/banners/new", data = "<form>")]
async fn create(
    staff: Staff,
    form: Posted<BannerForm<'_>>,
    db: &State<Db>,
    cache: &State<Cache>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    save(staff, None, form.0, db, cache, &store).await
}

/// POST /admin/banners/<id> — staff only.
#[post("/banners/<id>", data = "<form>")]
async fn update(
    staff: Staff,
    id: i64,
    form: Posted<BannerForm<'_>>,
    db: &State<Db>,
    cache: &State<Cache>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    save(staff, Some(id), form.0, db, cache, &store).await
}

async fn save(
    staff: Staff,
    id: Option<i64>,
    form: BannerForm<'_>,
    db: &Db,
    cache: &Cache,
    store: &FileStore,
) -> Result<Answer, AdminError> {
    let BannerForm { file, mut f } = form;
    let saved = async {
        f.pic_url = store.picture(file, &f.pic_url).await?;
        if f.pic_url.is_empty() {
            return Err(Problem::Say("请上传图片，或填写图片地址".into()));
        }
        let input = f.input()?;
        service::site::save_banner(db, cache, id, input).await.map_err(|e| Problem::refused(e, LABELS))
    };
    match saved.await {
        Ok(_) => Ok(done("/admin/banners", "轮播图已保存")),
        Err(problem) => {
            let types = all_types(db).await?;
            crud::again(problem, |error| EditPage { staff, id, f, types, error })
        }
    }
}

/// GET /admin/banners/<id>/delete — staff only; asks before deleting.
#[get("/banners/<id>/delete")]
async fn confirm_delete(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let b = crud::found(db, id, db::site::banner_by_id).await?;
    let title = if b.title.is_empty() { format!("#{}", b.id) } else { b.title };
    let what = format!("轮播图「{title}」（类型 {}）", b.kind);
    let warning = "删除后小程序里立即不再显示。图片文件仍保留在“文件”里。";
    crud::ask_delete(staff, "/admin/banners", id, "删除轮播图", what, warning)
}

/// POST /admin/banners/<id>/delete — staff only.
#[post("/banners/<id>/delete", data = "<_form>")]
async fn delete(
    _admin: AdminSession,
    id: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
    cache: &State<Cache>,
) -> Result<Answer, AdminError> {
    service::site::delete_banner(db, cache, id).await?;
    Ok(done("/admin/banners", "轮播图已删除"))
}
