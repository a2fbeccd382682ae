//! 文章分类 and 单页: the article categories (cmsCategories) and the single pages by key (cmsPage).

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::auth::{AdminSession, Empty};
use super::page::{done, number, render, render_as, Answer, Confirm, Html, Posted, Problem, Staff};
use crate::db::cms::{self as store, CategoryFields, CategoryRow, PageRow};
use crate::db::{unix_now, Db};
use crate::error::AdminError;
use crate::service::cms::sanitise_html;

pub fn routes() -> Vec<Route> {
    routes![
        categories,
        save_category,
        confirm_delete_category,
        delete_category,
        pages,
        save_page,
        confirm_delete_page,
        delete_page
    ]
}

#[derive(FromForm, Default)]
struct CategoryForm {
    /// Empty for a new category.
    #[field(default = String::new())]
    id: String,
    #[field(default = String::new())]
    name: String,
    #[field(default = String::new())]
    kind: String,
    #[field(default = String::new())]
    icon: String,
    #[field(default = String::new())]
    paixu: String,
    is_use: bool,
}

#[derive(Template)]
#[template(path = "admin/cms/categories.html")]
struct CategoryPage {
    staff: Staff,
    rows: Vec<CategoryRow>,
    /// The form: a new one, the one being edited, or what was sent with an error.
    form: CategoryForm,
    error: Option<String>,
}

/// GET /admin/article-categories?edit= — staff only. The list, and the form (new or `edit`).
#[get("/article-categories?<edit>")]
async fn categories(staff: Staff, db: &State<Db>, edit: Option<i64>) -> Result<Html, AdminError> {
    let rows = db.read(|c| store::categories(c, false)).await?;
    let form = match edit {
        Some(id) => {
            let r = rows.iter().find(|r| r.id == id).ok_or(AdminError::NotFound)?;
            CategoryForm {
                id: r.id.to_string(),
                name: r.fields.name.clone(),
                kind: r.fields.kind.clone(),
                icon: r.fields.icon.clone(),
                paixu: r.fields.paixu.to_string(),
                is_use: r.fields.is_use,
            }
        }
        None => CategoryForm { paixu: "0".into(), is_use: true, ..Default::default() },
    };
    render(&CategoryPage { staff, rows, form, error: None })
}

impl CategoryForm {
    fn input(&self) -> Result<(Option<i64>, CategoryFields), Problem> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 50 {
            return Err(Problem::Say("名称应为 1–50 个字".into()));
        }
        if self.kind.chars().count() > 50 || self.icon.chars().count() > 500 {
            return Err(Problem::Say("类型最多 50 个字，图标地址最多 500 个字".into()));
        }
        let id = if self.id.trim().is_empty() { None } else { Some(number("编号", &self.id)?) };
        let paixu = if self.paixu.trim().is_empty() { 0 } else { number("排序", &self.paixu)? };
        let f = CategoryFields {
            pid: None,
            name: name.to_string(),
            kind: self.kind.trim().to_string(),
            icon: self.icon.trim().to_string(),
            paixu,
            is_use: self.is_use,
            ext_json: "{}".into(),
        };
        Ok((id, f))
    }
}

/// POST /admin/article-categories — staff only. Adds (no `id`) or saves one.
#[post("/article-categories", data = "<form>")]
async fn save_category(
    staff: Staff,
    form: Posted<CategoryForm>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let form = form.0;
    let saved = match form.input() {
        Ok((id, f)) => {
            let found = db
                .write(move |c| match id {
                    None => store::insert_category(c, &f, unix_now()).map(|_| true),
                    Some(id) => store::update_category(c, id, &f, unix_now()),
                })
                .await?;
            if !found {
                return Err(AdminError::NotFound);
            }
            Ok(())
        }
        Err(p) => Err(p.message()?),
    };
    match saved {
        Ok(()) => Ok(done("/admin/article-categories", "文章分类已保存")),
        Err(error) => {
            let rows = db.read(|c| store::categories(c, false)).await?;
            let page = CategoryPage { staff, rows, form, error: Some(error) };
            Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?))
        }
    }
}

/// GET /admin/article-categories/<id>/delete — staff only; asks before deleting.
#[get("/article-categories/<id>/delete")]
async fn confirm_delete_category(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let c = db.read(move |c| store::category(c, id)).await?.ok_or(AdminError::NotFound)?;
    render(&Confirm {
        staff,
        title: "删除文章分类".into(),
        what: format!("文章分类「{}」", c.fields.name),
        warning: "分类下的文章不会删除，会变成“不分类”。",
        action: format!("/admin/article-categories/{id}/delete"),
        back: "/admin/article-categories".into(),
    })
}

/// POST /admin/article-categories/<id>/delete — staff only.
#[post("/article-categories/<id>/delete", data = "<_form>")]
async fn delete_category(
    _admin: AdminSession,
    id: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    db.write(move |c| store::delete_category(c, id)).await?;
    Ok(done("/admin/article-categories", "文章分类已删除"))
}

#[derive(FromForm, Default)]
struct PageForm {
    #[field(default = String::new())]
    key: String,
    #[field(default = String::new())]
    title: String,
    #[field(default = String::new())]
    content: String,
}

#[derive(Template)]
#[template(path = "admin/cms/pages.html")]
struct PagesPage {
    staff: Staff,
    rows: Vec<PageRow>,
    form: PageForm,
    error: Option<String>,
}

/// GET /admin/pages?edit= — staff only. The single pages, and the form (new or the page `edit`).
#[get("/pages?<edit>")]
async fn pages(staff: Staff, db: &State<Db>, edit: Option<&str>) -> Result<Html, AdminError> {
    let rows = db.read(store::pages).await?;
    let form = match edit {
        Some(key) => {
            let p = rows.iter().find(|p| p.key == key).ok_or(AdminError::NotFound)?;
            PageForm { key: p.key.clone(), title: p.title.clone(), content: p.content.clone() }
        }
        None => <PageForm as Default>::default(),
    };
    render(&PagesPage { staff, rows, form, error: None })
}

/// POST /admin/pages — staff only. Creates or replaces the page under its key.
#[post("/pages", data = "<form>")]
async fn save_page(staff: Staff, form: Posted<PageForm>, db: &State<Db>) -> Result<Answer, AdminError> {
    let form = form.0;
    let key = form.key.trim().to_string();
    let title = form.title.trim().to_string();
    let ok_key = !key.is_empty()
        && key.len() <= 50
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let error = if !ok_key {
        Some("编号应为 1–50 个英文字母、数字、- 或 _".to_string())
    } else if title.is_empty() || title.chars().count() > 100 {
        Some("标题应为 1–100 个字".to_string())
    } else if form.content.chars().count() > 200_000 {
        Some("正文最多 200000 个字".to_string())
    } else {
        None
    };
    if let Some(error) = error {
        let rows = db.read(store::pages).await?;
        let page = PagesPage { staff, rows, form, error: Some(error) };
        return Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?));
    }
    let content = sanitise_html(&form.content);
    db.write(move |c| store::save_page(c, &key, &title, &content, unix_now())).await?;
    Ok(done("/admin/pages", "单页已保存"))
}

/// GET /admin/pages/<key>/delete — staff only; asks before deleting.
#[get("/pages/<key>/delete")]
async fn confirm_delete_page(staff: Staff, db: &State<Db>, key: &str) -> Result<Html, AdminError> {
    let k = key.to_string();
    let p = db.read(move |c| store::page(c, &k)).await?.ok_or(AdminError::NotFound)?;
    render(&Confirm {
        staff,
        title: "删除单页".into(),
        what: format!("单页「{}」（{}）", p.title, p.key),
        warning: "删除后小程序打开这个页面会显示“暂无数据”。",
        action: format!("/admin/pages/{key}/delete"),
        back: "/admin/pages".into(),
    })
}

/// POST /admin/pages/<key>/delete — staff only.
#[post("/pages/<key>/delete", data = "<_form>")]
async fn delete_page(
    _admin: AdminSession,
    key: &str,
    _form: Posted<Empty>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let k = key.to_string();
    db.write(move |c| store::delete_page(c, &k)).await?;
    Ok(done("/admin/pages", "单页已删除"))
}
