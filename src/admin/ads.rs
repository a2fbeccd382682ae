//! 广告位: named picture slots the mini-program asks for by key (adPosition/info).

use askama::Template;
use rocket::form::{self, FromForm};
use rocket::fs::TempFile;
use rocket::{get, post, routes, Route, State};

use super::auth::{AdminSession, Empty};
use super::crud;
use super::images::FileStore;
use super::page::{done, number, render, Answer, Html, Posted, Problem, Staff};
use crate::cache::Cache;
use crate::db::site::AdPosition;
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::service::{self, site::AdInput};

pub fn routes() -> Vec<Route> {
    routes![list, new_page, create, edit_page, update, confirm_delete, delete]
}

const LABELS: &[(&str, &str)] =
    &[("key", "广告位名称"), ("val", "图片"), ("url", "链接"), ("remark", "备注"), ("status", "状态")];

/// Slots the open-source shop templates ask for.
const WELL_KNOWN: &[(&str, &str)] =
    &[("indexPop", "首页弹窗广告"), ("index-live-pic", "首页直播入口图"), ("fx_index", "分销中心顶部图")];

struct Hint {
    key: &'static str,
    meaning: &'static str,
}

#[derive(Template)]
#[template(path = "admin/ads/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<AdPosition>,
    missing: Vec<Hint>,
}

/// GET /admin/ads — staff only.
#[get("/ads")]
async fn list(staff: Staff, db: &State<Db>) -> Result<Html, AdminError> {
    let rows = db.read(db::site::all_ad_positions).await?;
    let missing = WELL_KNOWN
        .iter()
        .filter(|(k, _)| !rows.iter().any(|r| r.key == *k))
        .map(|&(key, meaning)| Hint { key, meaning })
        .collect();
    render(&ListPage { staff, rows, missing })
}

#[derive(FromForm, Default)]
struct Fields {
    key: String,
    val: String,
    url: String,
    remark: String,
    status: String,
}

#[derive(FromForm)]
struct AdForm<'r> {
    file: form::Result<'r, TempFile<'r>>,
    f: Fields,
}

#[derive(Template)]
#[template(path = "admin/ads/edit.html")]
struct EditPage {
    staff: Staff,
    id: Option<i64>,
    f: Fields,
    error: Option<String>,
}

/// GET /admin/ads/new — staff only; `key` pre-fills a well-known slot.
#[get("/ads/new?<key>")]
fn new_page(staff: Staff, key: Option<&str>) -> Result<Html, AdminError> {
    let f = Fields { key: key.unwrap_or("").to_string(), status: "0".into(), ..Default::default() };
    render(&EditPage { staff, id: None, f, error: None })
}

/// GET /admin/ads/<id> — staff only.
#[get("/ads/<id>")]
async fn edit_page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let a = crud::found(db, id, db::site::ad_position_by_id).await?;
    let f = Fields { key: a.key, val: a.val, url: a.url, remark: a.remark, status: a.status.to_string() };
    render(&EditPage { staff, id: Some(id), f, error: None })
}

/// POST /admin/ads/new — staff only; refuses a name already in use.
#[post("/ads/new", data = "<form>")]
async fn create(
    staff: Staff,
    form: Posted<AdForm<'_>>,
    db: &State<Db>,
    cache: &State<Cache>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    let form = form.0;
    let key = form.f.key.trim().to_string();
    let taken = db.read(move |c| db::site::ad_position(c, &key)).await?;
    if taken.is_some() {
        let msg = format!("广告位 {} 已存在，请在列表里编辑它", form.f.key.trim());
        return crud::again(Problem::Say(msg), |error| EditPage { staff, id: None, f: form.f, error });
    }
    save(staff, None, 0, form, db, cache, &store).await
}

/// POST /admin/ads/<id> — staff only; the slot keeps its name.
#[post("/ads/<id>", data = "<form>")]
async fn update(
    staff: Staff,
    id: i64,
    mut form: Posted<AdForm<'_>>,
    db: &State<Db>,
    cache: &State<Cache>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    let a = crud::found(db, id, db::site::ad_position_by_id).await?;
    form.0.f.key = a.key;
    save(staff, Some(id), a.kind, form.0, db, cache, &store).await
}

/// Saves the slot; `kind` is its stored type, kept as is (the console does not edit it).
async fn save(
    staff: Staff,
    id: Option<i64>,
    kind: i64,
    form: AdForm<'_>,
    db: &Db,
    cache: &Cache,
    store: &FileStore,
) -> Result<Answer, AdminError> {
    let AdForm { file, mut f } = form;
    let saved = async {
        f.val = store.picture(file, &f.val).await?;
        let input = AdInput {
            key: f.key.trim().to_string(),
            val: f.val.clone(),
            url: f.url.trim().to_string(),
            kind,
            remark: f.remark.trim().to_string(),
            status: number("状态", &f.status)?,
        };
        service::site::put_ad_position(db, cache, input).await.map_err(|e| Problem::refused(e, LABELS))
    };
    let saved = saved.await;
    let message = format!("广告位 {} 已保存", f.key.trim());
    crud::saved(saved, "/admin/ads", message, |error| EditPage { staff, id, f, error })
}

/// GET /admin/ads/<id>/delete — staff only; asks before deleting.
#[get("/ads/<id>/delete")]
async fn confirm_delete(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let a = crud::found(db, id, db::site::ad_position_by_id).await?;
    let warning = "删除后，小程序读取这个广告位时将不再显示它。";
    crud::ask_delete(staff, "/admin/ads", id, "删除广告位", format!("广告位 {}", a.key), warning)
}

/// POST /admin/ads/<id>/delete — staff only.
#[post("/ads/<id>/delete", data = "<_form>")]
async fn delete(
    _admin: AdminSession,
    id: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
    cache: &State<Cache>,
) -> Result<Answer, AdminError> {
    service::site::delete_ad_position(db, cache, id).await?;
    Ok(done("/admin/ads", "广告位已删除"))
}
