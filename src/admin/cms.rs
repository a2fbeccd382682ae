//! 文章 and 评论: the CMS articles the mini-program lists and shows, and the comments and feedback
//! shoppers leave (hide, show, delete).

use askama::Template;
use rocket::form::{self, FromForm};
use rocket::fs::TempFile;
use rocket::{get, post, routes, Route, State};

use super::auth::{AdminSession, Empty};
use super::crud;
use super::images::FileStore;
use super::page::{done, number, render, search, Answer, Html, Pager, Posted, Problem, Staff, PER_PAGE};
use crate::db::cms::{
    self as store, ArticleFields, ArticleFilter, ArticleRow, CategoryRow, CommentFilter, CommentRow,
};
use crate::db::Db;
use crate::error::AdminError;
use crate::service::cms as rules;

pub fn routes() -> Vec<Route> {
    routes![
        articles,
        new_article,
        create_article,
        edit_article,
        update_article,
        confirm_delete_article,
        delete_article,
        comments,
        set_comment_status,
        confirm_delete_comment,
        delete_comment
    ]
}

const LABELS: &[(&str, &str)] =
    &[("title", "标题"), ("categoryId", "分类"), ("content", "正文"), ("pic", "封面")];

#[derive(Template)]
#[template(path = "admin/cms/articles.html")]
struct ArticleList {
    staff: Staff,
    rows: Vec<ArticleRow>,
    categories: Vec<CategoryRow>,
    q: String,
    pager: Pager,
}

// Methods the template calls on the page; askama passes their arguments by reference.
#[allow(clippy::unused_self, clippy::trivially_copy_pass_by_ref, clippy::ref_option)]
impl ArticleList {
    /// The status label the list shows.
    fn status_label(&self, s: &i64) -> &'static str {
        crate::present::article_status(*s)
    }

    fn category_name(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.categories.iter().find(|c| c.id == id))
            .map(|c| c.fields.name.clone())
            .unwrap_or_default()
    }
}

/// GET /admin/articles — staff only. Search by title, tags, keywords or description; 25 a page.
#[get("/articles?<q>&<page>")]
async fn articles(
    staff: Staff,
    db: &State<Db>,
    q: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let q = search(q).unwrap_or_default();
    let asked = page.unwrap_or(1).max(1);
    let f = ArticleFilter { keywords_like: search(Some(&q)), ..ArticleFilter::default() };
    let (total, categories) = {
        let f = f.clone();
        db.read(move |c| {
            let total = store::articles(c, &f, 0, 1)?.1;
            store::categories(c, false).map(|categories| (total, categories))
        })
        .await?
    };
    let pager = Pager::new(Some(asked), total, &[("q", &q)]);
    let offset = pager.offset();
    let (rows, _) = db.read(move |c| store::articles(c, &f, offset, PER_PAGE)).await?;
    render(&ArticleList { staff, rows, categories, q, pager })
}

/// The article form's fields (named `f.title`...), as typed.
#[derive(FromForm, Default)]
struct Fields {
    category_id: String,
    title: String,
    descript: String,
    content: String,
    pic: String,
    author: String,
    tags: String,
    keywords: String,
    paixu: String,
    is_recommend: bool,
    status: String,
}

impl Fields {
    fn of(a: ArticleRow) -> Fields {
        let f = a.fields;
        Fields {
            category_id: f.category_id.map(|c| c.to_string()).unwrap_or_default(),
            title: f.title,
            descript: f.descript,
            content: f.content,
            pic: f.pic,
            author: f.author,
            tags: f.tags,
            keywords: f.keywords,
            paixu: f.paixu.to_string(),
            is_recommend: f.is_recommend,
            status: f.status.to_string(),
        }
    }

    fn input(&self) -> Result<ArticleFields, Problem> {
        let title = self.title.trim();
        if title.is_empty() {
            return Err(Problem::Say("请填写标题".into()));
        }
        let limits = [
            ("标题", &self.title, 100),
            ("摘要", &self.descript, 500),
            ("标签", &self.tags, 200),
            ("关键词", &self.keywords, 200),
            ("作者", &self.author, 50),
            ("正文", &self.content, 200_000),
        ];
        for (label, v, max) in limits {
            if v.chars().count() > max {
                return Err(Problem::Say(format!("{label}最多 {max} 个字")));
            }
        }
        let status = number("状态", &self.status)?;
        if !(0..=2).contains(&status) {
            return Err(Problem::Say("状态应为 已发布、待审核 或 已隐藏".into()));
        }
        let category_id = match self.category_id.trim() {
            "" | "0" => None,
            v => Some(number("分类", v)?),
        };
        Ok(ArticleFields {
            category_id,
            title: title.to_string(),
            descript: self.descript.trim().to_string(),
            content: self.content.clone(),
            pic: self.pic.clone(),
            author: self.author.trim().to_string(),
            tags: self.tags.trim().to_string(),
            keywords: self.keywords.trim().to_string(),
            paixu: if self.paixu.trim().is_empty() { 0 } else { number("排序", &self.paixu)? },
            is_recommend: self.is_recommend,
            status,
        })
    }
}

/// A multipart post: the cover file plus the fields.
#[derive(FromForm)]
struct ArticleForm<'r> {
    file: form::Result<'r, TempFile<'r>>,
    f: Fields,
}

#[derive(Template)]
#[template(path = "admin/cms/article_edit.html")]
struct ArticleEdit {
    staff: Staff,
    id: Option<i64>,
    f: Fields,
    categories: Vec<CategoryRow>,
    error: Option<String>,
}

async fn categories(db: &Db) -> Result<Vec<CategoryRow>, AdminError> {
    Ok(db.read(|c| store::categories(c, false)).await?)
}

/// GET /admin/articles/new — staff only.
#[get("/articles/new")]
async fn new_article(staff: Staff, db: &State<Db>) -> Result<Html, AdminError> {
    let f = Fields { paixu: "0".into(), status: "0".into(), ..<Fields as Default>::default() };
    render(&ArticleEdit { staff, id: None, f, categories: categories(db).await?, error: None })
}

/// GET /admin/articles/<id> — staff only.
#[get("/articles/<id>")]
async fn edit_article(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let f = Fields::of(crud::found(db, id, store::article).await?);
    render(&ArticleEdit { staff, id: Some(id), f, categories: categories(db).await?, error: None })
}

/// POST /admin/articles/new — staff only.
#[post("/articles/new", data = "<form>")]
async fn create_article(
    staff: Staff,
    form: Posted<ArticleForm<'_>>,
    db: &State<Db>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    save(staff, None, form.0, db, &store).await
}

/// POST /admin/articles/<id> — staff only.
#[post("/articles/<id>", data = "<form>")]
async fn update_article(
    staff: Staff,
    id: i64,
    form: Posted<ArticleForm<'_>>,
    db: &State<Db>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    save(staff, Some(id), form.0, db, &store).await
}

async fn save(
    staff: Staff,
    id: Option<i64>,
    form: ArticleForm<'_>,
    db: &Db,
    files: &FileStore,
) -> Result<Answer, AdminError> {
    let ArticleForm { file, mut f } = form;
    let saved = async {
        f.pic = files.picture(file, &f.pic).await?;
        let input = f.input()?;
        db.write(move |c| rules::save_shop_article(c, id, input, crate::db::unix_now()))
            .await
            .map_err(|e| Problem::refused(e, LABELS))
    };
    match saved.await {
        Ok(_) => Ok(done("/admin/articles", "文章已保存")),
        Err(problem) => {
            let categories = categories(db).await?;
            crud::again(problem, |error| ArticleEdit { staff, id, f, categories, error })
        }
    }
}

/// GET /admin/articles/<id>/delete — staff only; asks before deleting.
#[get("/articles/<id>/delete")]
async fn confirm_delete_article(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let a = crud::found(db, id, store::article).await?;
    let what = format!("文章「{}」", a.fields.title);
    let warning = "删除后小程序里立即不再显示，收藏和点赞记录一并删除，无法恢复。";
    crud::ask_delete(staff, "/admin/articles", id, "删除文章", what, warning)
}

/// POST /admin/articles/<id>/delete — staff only.
#[post("/articles/<id>/delete", data = "<_form>")]
async fn delete_article(
    _admin: AdminSession,
    id: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    db.write(move |c| store::delete_article(c, id)).await?;
    Ok(done("/admin/articles", "文章已删除"))
}

#[derive(Template)]
#[template(path = "admin/cms/comments.html")]
struct CommentList {
    staff: Staff,
    rows: Vec<CommentRow>,
    pager: Pager,
}

/// GET /admin/comments — staff only. Every comment and feedback, newest first, hidden ones too.
#[get("/comments?<page>")]
async fn comments(staff: Staff, db: &State<Db>, page: Option<i64>) -> Result<Html, AdminError> {
    let asked = page.unwrap_or(1).max(1);
    let all = CommentFilter::default();
    let total = {
        let all = all.clone();
        db.read(move |c| store::comments(c, &all, 0, 1).map(|(_, total)| total)).await?
    };
    let pager = Pager::new(Some(asked), total, &[]);
    let offset = pager.offset();
    let (rows, _) = db.read(move |c| store::comments(c, &all, offset, PER_PAGE)).await?;
    render(&CommentList { staff, rows, pager })
}

#[derive(FromForm)]
struct StatusForm {
    status: i64,
}

/// POST /admin/comments/<id>/status — staff only. 0 shows, 1 hides.
#[post("/comments/<id>/status", data = "<form>")]
async fn set_comment_status(
    _admin: AdminSession,
    id: i64,
    form: Posted<StatusForm>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let status = form.0.status;
    if !(0..=1).contains(&status) {
        return Err(AdminError::BadInput("状态应为 显示 或 隐藏".into()));
    }
    if !db.write(move |c| store::set_comment_status(c, id, status)).await? {
        return Err(AdminError::NotFound);
    }
    Ok(done("/admin/comments", if status == 0 { "评论已显示" } else { "评论已隐藏" }))
}

/// GET /admin/comments/<id>/delete — staff only; asks before deleting.
#[get("/comments/<id>/delete")]
async fn confirm_delete_comment(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let m = crud::found(db, id, store::comment).await?;
    let preview: String = m.content.chars().take(30).collect();
    let warning = "删除后无法恢复；只想让小程序不再显示时，请用“隐藏”。";
    crud::ask_delete(staff, "/admin/comments", id, "删除评论", format!("评论「{preview}」"), warning)
}

/// POST /admin/comments/<id>/delete — staff only.
#[post("/comments/<id>/delete", data = "<_form>")]
async fn delete_comment(
    _admin: AdminSession,
    id: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    db.write(move |c| store::delete_comment(c, id)).await?;
    Ok(done("/admin/comments", "评论已删除"))
}
