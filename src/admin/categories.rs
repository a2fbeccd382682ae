//! 商品分类: the category tree. Add, edit (a new parent moves the category with its subtree),
//! delete after confirmation; a category with sub-categories or goods is refused, saying why.

use askama::Template;
use rocket::form::{self, FromForm};
use rocket::fs::TempFile;
use rocket::{get, post, routes, Route, State};

use super::auth::Empty;
use super::crud;
use super::images::FileStore;
use super::page::{done, number, render, words, Answer, Html, Posted, Problem, Staff};
use crate::db::catalog::{self, CategoryFields, CategoryRow};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::service::catalog as rules;

pub fn routes() -> Vec<Route> {
    routes![list, new_page, create, edit_page, update, confirm_delete, delete]
}

const LABELS: &[(&str, &str)] =
    &[("name", "名称"), ("pid", "上级分类"), ("icon", "图标"), ("type", "类型"), ("key", "编号")];

/// The categories in tree order: each parent followed by its subtree.
pub(super) fn tree(rows: Vec<CategoryRow>) -> Vec<CategoryRow> {
    fn walk(pid: Option<i64>, rows: &[CategoryRow], out: &mut Vec<CategoryRow>) {
        for r in rows.iter().filter(|r| r.fields.pid == pid) {
            out.push(r.clone());
            walk(Some(r.id), rows, out);
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    walk(None, &rows, &mut out);
    out
}

async fn all(db: &Db) -> Result<Vec<CategoryRow>, AdminError> {
    Ok(tree(db.read(catalog::all_categories).await?))
}

#[derive(Template)]
#[template(path = "admin/categories/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<CategoryRow>,
}

/// GET /admin/categories — staff only. The whole tree.
#[get("/categories")]
async fn list(staff: Staff, db: &State<Db>) -> Result<Html, AdminError> {
    render(&ListPage { staff, rows: all(db).await? })
}

#[derive(FromForm, Default)]
struct Fields {
    name: String,
    pid: String,
    icon: String,
    kind: String,
    key: String,
    paixu: String,
    is_use: bool,
}

#[derive(FromForm)]
struct CategoryForm<'r> {
    file: form::Result<'r, TempFile<'r>>,
    f: Fields,
}

#[derive(Template)]
#[template(path = "admin/categories/edit.html")]
struct EditPage {
    staff: Staff,
    id: Option<i64>,
    f: Fields,
    /// Where it may go: every category but itself and its subtree.
    parents: Vec<CategoryRow>,
    error: Option<String>,
}

async fn parents(db: &Db, id: Option<i64>) -> Result<Vec<CategoryRow>, AdminError> {
    let below = match id {
        Some(id) => db.read(move |c| catalog::category_subtree(c, id)).await?,
        None => Vec::new(),
    };
    Ok(all(db).await?.into_iter().filter(|r| !below.contains(&r.id)).collect())
}

/// GET /admin/categories/new — staff only.
#[get("/categories/new")]
async fn new_page(staff: Staff, db: &State<Db>) -> Result<Html, AdminError> {
    let f = Fields { paixu: "0".into(), pid: "0".into(), is_use: true, ..Default::default() };
    render(&EditPage { staff, id: None, f, parents: parents(db, None).await?, error: None })
}

/// GET /admin/categories/<id> — staff only.
#[get("/categories/<id>")]
async fn edit_page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let r = crud::found(db, id, catalog::category).await?.fields;
    let f = Fields {
        name: r.name,
        pid: r.pid.unwrap_or(0).to_string(),
        icon: r.icon,
        kind: r.kind,
        key: r.key,
        paixu: r.paixu.to_string(),
        is_use: r.is_use,
    };
    render(&EditPage { staff, id: Some(id), f, parents: parents(db, Some(id)).await?, error: None })
}

/// POST /admin/categories/new — staff only.
#[post("/categories/new", data = "<form>")]
async fn create(
    staff: Staff,
    form: Posted<CategoryForm<'_>>,
    db: &State<Db>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    save(staff, None, form.0, db, &store).await
}

/// POST /admin/categories/<id> — staff only.
#[post("/categories/<id>", data = "<form>")]
async fn update(
    staff: Staff,
    id: i64,
    form: Posted<CategoryForm<'_>>,
    db: &State<Db>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    save(staff, Some(id), form.0, db, &store).await
}

async fn save(
    staff: Staff,
    id: Option<i64>,
    form: CategoryForm<'_>,
    db: &Db,
    store: &FileStore,
) -> Result<Answer, AdminError> {
    let CategoryForm { file, mut f } = form;
    // Keep the category's own extJson: the console does not edit it.
    let ext_json = match id {
        Some(id) => crud::found(db, id, catalog::category).await?.fields.ext_json,
        None => "{}".into(),
    };
    let saved = async {
        f.icon = store.picture(file, &f.icon).await?;
        let pid = number("上级分类", &f.pid)?;
        let fields = CategoryFields {
            pid: (pid > 0).then_some(pid),
            name: f.name.trim().to_string(),
            icon: f.icon.clone(),
            kind: f.kind.trim().to_string(),
            key: f.key.trim().to_string(),
            paixu: number("排序", &f.paixu)?,
            is_use: f.is_use,
            ext_json,
        };
        db.write(move |c| Ok::<_, AdminError>(rules::save_category(c, id, &fields, db::unix_now())))
            .await?
            .map_err(|e| Problem::refused(e, LABELS))
    };
    match saved.await {
        Ok(_) => Ok(done("/admin/categories", "分类已保存")),
        Err(problem) => {
            let error = Some(problem.message()?);
            crud::sent_back(&EditPage { staff, id, f, parents: parents(db, id).await?, error })
        }
    }
}

/// GET /admin/categories/<id>/delete — staff only; asks before deleting.
#[get("/categories/<id>/delete")]
async fn confirm_delete(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let r = crud::found(db, id, catalog::category).await?;
    let (what, warning) =
        (format!("分类「{}」", r.fields.name), "有子分类或商品的分类不能删除；删除后无法恢复。");
    crud::ask_delete(staff, "/admin/categories", id, "删除分类", what, warning)
}

/// POST /admin/categories/<id>/delete — staff only.
#[post("/categories/<id>/delete", data = "<_form>")]
async fn delete(_staff: Staff, id: i64, _form: Posted<Empty>, db: &State<Db>) -> Result<Answer, AdminError> {
    db.write(move |c| Ok::<_, AdminError>(rules::delete_category(c, id)))
        .await?
        .map_err(|e| AdminError::BadInput(words(e)))?;
    Ok(done("/admin/categories", "分类已删除"))
}
