//! CMS articles the mini-program lists with `cmsArticles*` and shows with `cmsArticleDetailV2`.
//! Content is sanitised on the way in (service::cms::sanitise_html), as for shoppers' articles.

use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{delete, get, post, put, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::body::{opt_int, opt_text};
use super::{Answer, ApiKey, JsonBody, Paged, Paging, Problem, BASE};
use crate::db::cms::{self as store, ArticleFields, ArticleFilter, ArticleRow};
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::present::{self, BaseUrl};
use crate::service::cms as rules;
use crate::service::error::Error as ServiceError;

pub fn routes() -> Vec<Route> {
    routes![list, create, show, replace, remove]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArticleView {
    pub id: i64,
    /// 0 when uncategorised.
    pub category_id: i64,
    /// The shopper who wrote it; 0 for the shop's own articles.
    pub uid: i64,
    pub title: String,
    pub descript: String,
    /// Sanitised HTML; empty in lists.
    pub content: String,
    /// Absolute, or empty when there is no picture.
    pub pic: String,
    pub author: String,
    pub tags: String,
    pub keywords: String,
    pub paixu: i64,
    pub is_recommend: bool,
    /// 0 published, 1 awaiting review, 2 hidden.
    pub status: i64,
    pub status_str: &'static str,
    pub number_read: i64,
    pub number_fav: i64,
    pub number_comment: i64,
    pub number_useful: i64,
    pub number_useless: i64,
    pub date_add: String,
    pub date_update: String,
}

impl ArticleView {
    /// `with_content` false leaves the rich text out of lists (it can be large).
    fn new(a: ArticleRow, base: &BaseUrl, with_content: bool) -> Self {
        let f = a.fields;
        ArticleView {
            id: a.id,
            category_id: f.category_id.unwrap_or(0),
            uid: a.user_id.unwrap_or(0),
            title: f.title,
            descript: f.descript,
            content: if with_content { f.content } else { String::new() },
            pic: if f.pic.is_empty() { String::new() } else { base.absolute(&f.pic) },
            author: f.author,
            tags: f.tags,
            keywords: f.keywords,
            paixu: f.paixu,
            is_recommend: f.is_recommend,
            status: f.status,
            status_str: present::article_status(f.status),
            number_read: a.number_read,
            number_fav: a.number_fav,
            number_comment: a.number_comment,
            number_useful: a.number_useful,
            number_useless: a.number_useless,
            date_add: db::format_unix(a.date_add),
            date_update: db::format_unix(a.date_update),
        }
    }
}

/// A whole article as POST and PUT send it; absent fields take their defaults (published).
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ArticleBody {
    pub category_id: Option<i64>,
    pub title: String,
    pub descript: String,
    pub content: String,
    pub pic: String,
    pub author: String,
    pub tags: String,
    pub keywords: String,
    pub paixu: i64,
    pub is_recommend: bool,
    pub status: i64,
}

impl ArticleBody {
    /// Checks lengths and the status; the category is checked in the transaction.
    fn into_fields(self) -> Result<ArticleFields, Problem> {
        let limit = |name: &'static str, v: &str, max: usize| -> Result<(), Problem> {
            if v.chars().count() > max {
                return Err(Problem::invalid(name, format!("must be at most {max} characters")));
            }
            Ok(())
        };
        if self.title.trim().is_empty() {
            return Err(Problem::invalid("title", "is required"));
        }
        limit("title", &self.title, 100)?;
        limit("descript", &self.descript, 500)?;
        limit("content", &self.content, 200_000)?;
        limit("pic", &self.pic, 500)?;
        limit("author", &self.author, 50)?;
        limit("tags", &self.tags, 200)?;
        limit("keywords", &self.keywords, 200)?;
        if !(0..=2).contains(&self.status) {
            return Err(Problem::invalid(
                "status",
                "must be 0 (published), 1 (awaiting review) or 2 (hidden)",
            ));
        }
        Ok(ArticleFields {
            category_id: self.category_id.filter(|&id| id != 0),
            title: self.title.trim().to_string(),
            descript: self.descript,
            content: self.content,
            pic: self.pic,
            author: self.author,
            tags: self.tags,
            keywords: self.keywords,
            paixu: self.paixu,
            is_recommend: self.is_recommend,
            status: self.status,
        })
    }
}

/// `?search=&categoryId=&status=&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct ListQuery<'r> {
    search: Option<&'r str>,
    #[field(name = "categoryId")]
    category_id: Option<&'r str>,
    status: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

fn not_found(e: ServiceError) -> Problem {
    match e {
        ServiceError::NotFound(_) => MerchantError::NotFound("article").into(),
        other => other.into(),
    }
}

async fn load(db: &Db, base: &BaseUrl, id: i64) -> Answer<ArticleView> {
    let found = db.read(move |c| store::article(c, id)).await?;
    Ok(ArticleView::new(found.ok_or(MerchantError::NotFound("article"))?, base, true))
}

/// GET /admin/api/v1/articles?search=&categoryId=&status=&page=&pageSize= — merchant key. Every
/// status; `search` matches title, tags, keywords or description.
#[get("/articles?<q..>")]
async fn list(
    _key: ApiKey,
    db: &State<Db>,
    base: BaseUrl,
    q: ListQuery<'_>,
) -> Answer<Json<Paged<ArticleView>>> {
    let f = ArticleFilter {
        keywords_like: opt_text("search", q.search, 50)?,
        category_id: opt_int("categoryId", q.category_id, 1..=i64::MAX)?,
        status: opt_int("status", q.status, 0..=2)?,
        ..ArticleFilter::default()
    };
    let paging = Paging::new(q.page, q.page_size)?;
    let (rows, total) = db.read(move |c| store::articles(c, &f, paging.offset(), paging.page_size)).await?;
    Ok(Json(paging.wrap(rows.into_iter().map(|a| ArticleView::new(a, &base, false)).collect(), total)))
}

/// POST /admin/api/v1/articles — merchant key. 201 with `Location`.
#[post("/articles", data = "<body>")]
async fn create(
    _key: ApiKey,
    db: &State<Db>,
    base: BaseUrl,
    body: JsonBody<ArticleBody>,
) -> Answer<Created<Json<ArticleView>>> {
    let f = body.0.into_fields()?;
    let id = db
        .write(move |c| rules::save_shop_article(c, None, f, db::unix_now()))
        .await
        .map_err(Problem::from)?;
    Ok(Created::new(format!("{BASE}/articles/{id}")).body(Json(load(db, &base, id).await?)))
}

/// GET /admin/api/v1/articles/<id> — merchant key.
#[get("/articles/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, base: BaseUrl, id: i64) -> Answer<Json<ArticleView>> {
    Ok(Json(load(db, &base, id).await?))
}

/// PUT /admin/api/v1/articles/<id> — merchant key. Replaces the whole article (counters stay).
#[put("/articles/<id>", data = "<body>")]
async fn replace(
    _key: ApiKey,
    db: &State<Db>,
    base: BaseUrl,
    id: i64,
    body: JsonBody<ArticleBody>,
) -> Answer<Json<ArticleView>> {
    let f = body.0.into_fields()?;
    db.write(move |c| rules::save_shop_article(c, Some(id), f, db::unix_now())).await.map_err(not_found)?;
    Ok(Json(load(db, &base, id).await?))
}

/// DELETE /admin/api/v1/articles/<id> — merchant key. 204, or 404 when there was none.
#[delete("/articles/<id>")]
async fn remove(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Status> {
    if db.write(move |c| store::delete_article(c, id)).await? {
        Ok(Status::NoContent)
    } else {
        Err(MerchantError::NotFound("article").into())
    }
}
