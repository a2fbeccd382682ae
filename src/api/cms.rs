//! The CMS: article categories, articles (lists, search, detail, previous/next), shoppers'
//! articles, favourites, useful/useless votes, single pages and tags.
//!
//! Shoppers see published articles only (status 0); an unknown, hidden or awaiting one answers
//! 404 "文章不存在". Rich text is sanitised when stored (service::cms::sanitise_html). The
//! `cms.apifm.com/<merchantId>/...` forms (V3, useful, fav) reach the same routes through the
//! adapter's rewrite.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, BaseUrl, MaybeAuthed, Page, Paging, Params, Reply};
use crate::db::cms::{self as store, ArticleFields, ArticleFilter, ArticleRow, CategoryRow};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::present;
use crate::service::cms as rules;
use crate::service::security::{self, Scene};
use crate::settings::Settings;
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![
        categories,
        category_detail,
        list_v1,
        list_v2,
        detail_v1,
        detail_v2,
        pre_next,
        create,
        delete,
        vote,
        vote_logs,
        page,
        tags,
        tags_v2,
        modify_ext_number,
        fav_add,
        fav_check,
        fav_list,
        fav_list_v2,
        fav_delete
    ]
}

/// Longest title, description, tags and keywords, in characters.
const MAX_TITLE: usize = 100;
const MAX_DESCRIPT: usize = 500;
const MAX_TAGS: usize = 200;
/// Longest rich content a shopper may send, in characters (before sanitising).
const MAX_CONTENT: usize = 50_000;

fn json_object(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::Object(serde_json::Map::default()))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryView {
    pub id: i64,
    /// 0 for a top-level category.
    pub pid: i64,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub icon: String,
    pub paixu: i64,
    pub is_use: bool,
    pub date_add: String,
    pub date_update: String,
}

impl CategoryView {
    fn new(c: CategoryRow, base: &BaseUrl) -> Self {
        CategoryView {
            id: c.id,
            pid: c.fields.pid.unwrap_or(0),
            icon: base.absolute(&c.fields.icon),
            name: c.fields.name,
            kind: c.fields.kind,
            paixu: c.fields.paixu,
            is_use: c.fields.is_use,
            date_add: db::format_unix(c.date_add),
            date_update: db::format_unix(c.date_update),
        }
    }
}

/// GET /<sub>/cms/category/list — cmsCategories; anyone. The categories in use; 700 when none.
#[get("/cms/category/list")]
async fn categories(db: &State<Db>, base: BaseUrl) -> ApiResult<Vec<CategoryView>> {
    let rows = db.read(|c| store::categories(c, true)).await?;
    if rows.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(rows.into_iter().map(|c| CategoryView::new(c, &base)).collect()))
}

/// cmsCategoryDetail: `{info, extJson}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryDetail {
    pub info: CategoryView,
    pub ext_json: serde_json::Value,
}

/// GET /<sub>/cms/category/info — cmsCategoryDetail; anyone. 404 for an unknown or unused one.
#[get("/cms/category/info")]
async fn category_detail(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<CategoryDetail> {
    let id = p.int("id")?;
    let row = db.read(move |c| store::category(c, id)).await?;
    let row = row.filter(|c| c.fields.is_use).ok_or(ApiError::NotFound("文章分类"))?;
    let ext_json = json_object(&row.fields.ext_json);
    Ok(Reply(CategoryDetail { info: CategoryView::new(row, &base), ext_json }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArticleView {
    pub id: i64,
    /// 0 when uncategorised.
    pub category_id: i64,
    /// The shopper who wrote it; 0 for the shop's own articles.
    pub uid: i64,
    pub title: String,
    pub descript: String,
    /// Sanitised HTML.
    pub content: String,
    pub pic: String,
    pub author: String,
    pub tags: String,
    pub keywords: String,
    pub paixu: i64,
    pub is_recommend: bool,
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

/// The published-article filter a list request asks for.
fn list_filter(p: &Params) -> Result<ArticleFilter, ApiError> {
    let text = |name: &'static str| -> Result<Option<String>, ApiError> {
        Ok(p.opt_text(name, 50)?.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()))
    };
    Ok(ArticleFilter {
        status: Some(0),
        category_id: p.opt_int("categoryId")?.filter(|&id| id != 0),
        author_id: None,
        is_recommend: p.opt_bool("isRecommend")?,
        title_like: text("titleLike")?.or(text("nameLike")?),
        keywords_like: text("keywordsLike")?.or(text("keywords")?),
        tags_like: text("tagsLike")?.or(text("tags")?),
    })
}

async fn list(p: Params, db: &Db, base: &BaseUrl) -> Result<Page<ArticleView>, ApiError> {
    let paging = Paging::from(&p)?;
    let f = list_filter(&p)?;
    let (rows, total) = db.read(move |c| store::articles(c, &f, paging.offset(), paging.limit())).await?;
    paging.page(rows.into_iter().map(|a| ArticleView::new(a, base, false)).collect(), total)
}

/// POST /<sub>/cms/news/list — cmsArticles; anyone. Published articles, paged (filters
/// categoryId, titleLike/nameLike, keywordsLike/keywords, tagsLike/tags, isRecommend); 700 when empty.
#[post("/cms/news/list", data = "<p>")]
async fn list_v1(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<ArticleView>> {
    Ok(Reply(list(p, db, &base).await?))
}

/// POST /<sub>/cms/news/list/v2 — cmsArticlesV2 / cmsArticlesV3; anyone. As cmsArticles.
#[post("/cms/news/list/v2", data = "<p>")]
async fn list_v2(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<ArticleView>> {
    Ok(Reply(list(p, db, &base).await?))
}

/// An article page: `{info, category}`; `isFav` when the caller is logged in.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArticleDetail {
    pub info: ArticleView,
    pub category: Option<CategoryView>,
    pub is_fav: bool,
    /// The counters cmsArticleModifyExtNumber moves, by name.
    pub ext_numbers: Vec<ExtNumberView>,
}

async fn detail(req: MaybeAuthed, db: &Db, base: &BaseUrl) -> Result<ArticleDetail, ApiError> {
    let id = req.p.int("id")?;
    let user = req.user_id;
    let (a, cat, fav, numbers) = db
        .write(move |c| {
            // One cheap UPDATE counts the view; it touches only published articles.
            if !store::count_view(c, id)? {
                return Err(rules::NO_ARTICLE.into());
            }
            let a = rules::published(c, id)?;
            let cat = a.fields.category_id.map(|cid| store::category(c, cid)).transpose()?.flatten();
            let fav = match user {
                Some(u) => store::is_fav(c, u, id)?,
                None => false,
            };
            let numbers = store::ext_numbers(c, id)?;
            Ok::<_, ApiError>((a, cat, fav, numbers))
        })
        .await?;
    Ok(ArticleDetail {
        info: ArticleView::new(a, base, true),
        category: cat.map(|c| CategoryView::new(c, base)),
        is_fav: fav,
        ext_numbers: numbers.into_iter().map(|(key, value)| ExtNumberView { key, value }).collect(),
    })
}

/// GET /<sub>/cms/news/detail — cmsArticleDetail; anyone. Counts a view.
#[get("/cms/news/detail")]
async fn detail_v1(req: MaybeAuthed, db: &State<Db>, base: BaseUrl) -> ApiResult<ArticleDetail> {
    Ok(Reply(detail(req, db, &base).await?))
}

/// GET /<sub>/cms/news/detail/v2 — cmsArticleDetailV2 / V3; anyone (token optional: isFav). Counts a view.
#[get("/cms/news/detail/v2")]
async fn detail_v2(req: MaybeAuthed, db: &State<Db>, base: BaseUrl) -> ApiResult<ArticleDetail> {
    Ok(Reply(detail(req, db, &base).await?))
}

/// cmsArticlePreNext: `{pre, next}`, each null at the ends.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreNext {
    pub pre: Option<ArticleView>,
    pub next: Option<ArticleView>,
}

/// GET /<sub>/cms/news/preNext — cmsArticlePreNext(V2); anyone. The neighbours in the same
/// category's list order.
#[get("/cms/news/preNext")]
async fn pre_next(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<PreNext> {
    let id = p.int("id")?;
    let (pre, next) = db
        .read(move |c| {
            let a = rules::published(c, id)?;
            Ok::<_, ApiError>(store::pre_next(c, &a)?)
        })
        .await?;
    Ok(Reply(PreNext {
        pre: pre.map(|a| ArticleView::new(a, &base, false)),
        next: next.map(|a| ArticleView::new(a, &base, false)),
    }))
}

/// A shopper's article as sent to cmsArticleCreate.
fn article_fields(p: &Params) -> Result<ArticleFields, ApiError> {
    let opt = |name: &'static str, max: usize| -> Result<String, ApiError> {
        Ok(p.opt_text(name, max)?.unwrap_or_default().trim().to_string())
    };
    Ok(ArticleFields {
        category_id: p.opt_int("categoryId")?.filter(|&id| id != 0),
        title: p.text("title", MAX_TITLE)?.trim().to_string(),
        descript: opt("descript", MAX_DESCRIPT)?,
        content: p.text("content", MAX_CONTENT)?.to_string(),
        pic: opt("pic", 500)?,
        author: opt("author", 50)?,
        tags: opt("tags", MAX_TAGS)?,
        keywords: opt("keywords", MAX_TAGS)?,
        paixu: p.opt_int("paixu")?.unwrap_or(0),
        is_recommend: false,
        status: 0,
    })
}

/// POST /<sub>/cms/news/put — cmsArticleCreate(V2); logged-in shopper. A new article, or with
/// `id` an edit of one's own; published at once, or awaiting review when the content check holds
/// it (risky text answers 87014 and stores nothing). Answers the article's id.
#[post("/cms/news/put", data = "<req>")]
async fn create(
    req: Authed,
    db: &State<Db>,
    wx: &State<WeChat>,
    settings: &State<Settings>,
) -> ApiResult<i64> {
    let id = req.p.opt_int("id")?;
    let f = article_fields(&req.p)?;
    let user = req.user_id;
    let verdict =
        security::check_text(db, wx, settings, user, Scene::Article, &rules::article_text(&f)).await?;
    Ok(Reply(db.write(move |c| rules::save_shopper_article(c, user, id, f, &verdict, db::unix_now())).await?))
}

/// POST /<sub>/cms/news/del — cmsArticleDelete(V2); logged-in shopper, own article.
#[post("/cms/news/del", data = "<req>")]
async fn delete(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let id = req.p.int("id")?;
    let user = req.user_id;
    db.write(move |c| {
        rules::own_article(c, user, id)?;
        store::delete_article(c, id)?;
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(Reply(()))
}

/// cmsArticleUseless: the article's counts after the vote.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VoteCounts {
    pub id: i64,
    pub number_useful: i64,
    pub number_useless: i64,
}

/// POST /<sub>/cms/news/useful — cmsArticleUseless; logged-in shopper. One attitude per shopper
/// and article (`isUseful` true/false; sending the other switches it, the same again changes
/// nothing); `isCheck=true` answers without storing.
#[post("/cms/news/useful", data = "<req>")]
async fn vote(req: Authed, db: &State<Db>) -> ApiResult<VoteCounts> {
    let id = req.p.int("id")?;
    let useful = req.p.opt_bool("isUseful")?.ok_or(ApiError::Missing("isUseful"))?;
    let check = req.p.opt_bool("isCheck")?.unwrap_or(false);
    let user = req.user_id;
    let a = db.write(move |c| rules::vote(c, user, id, useful, check, db::unix_now())).await?;
    Ok(Reply(VoteCounts { id: a.id, number_useful: a.number_useful, number_useless: a.number_useless }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VoteView {
    pub id: i64,
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
    pub is_useful: bool,
    pub date_add: String,
}

/// POST /<sub>/cms/news/useful/logs — cmsArticleUsefulLogs; anyone. An article's votes, newest
/// first, paged; 700 when none.
#[post("/cms/news/useful/logs", data = "<p>")]
async fn vote_logs(p: Params, db: &State<Db>) -> ApiResult<Page<VoteView>> {
    let id = p.int("id")?;
    let paging = Paging::from(&p)?;
    let (rows, total) = db
        .read(move |c| {
            rules::published(c, id)?;
            Ok::<_, ApiError>(store::votes(c, id, paging.offset(), paging.limit())?)
        })
        .await?;
    let views = rows
        .into_iter()
        .map(|v| VoteView {
            id: v.id,
            uid: v.user_id,
            nick: v.nick,
            avatar_url: v.avatar_url,
            is_useful: v.is_useful,
            date_add: db::format_unix(v.date_add),
        })
        .collect();
    Ok(Reply(paging.page(views, total)?))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub id: i64,
    pub key: String,
    pub title: String,
    /// Sanitised HTML.
    pub content: String,
    pub date_add: String,
    pub date_update: String,
}

/// cmsPage: `{info}`.
#[derive(Serialize)]
pub struct PageDetail {
    pub info: PageInfo,
}

/// GET /<sub>/cms/page/info/v2 — cmsPage; anyone. The single page under `key`; 700 when none.
#[get("/cms/page/info/v2")]
async fn page(p: Params, db: &State<Db>) -> ApiResult<PageDetail> {
    let key = p.text("key", 50)?.to_string();
    let row = db.read(move |c| store::page(c, &key)).await?;
    let r = row.ok_or(ApiError::NoData("单页不存在"))?;
    Ok(Reply(PageDetail {
        info: PageInfo {
            id: r.id,
            key: r.key,
            title: r.title,
            content: r.content,
            date_add: db::format_unix(r.date_add),
            date_update: db::format_unix(r.date_update),
        },
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TagView {
    pub name: String,
    /// How many published articles carry it.
    pub number: i64,
}

/// GET /<sub>/cms/tags/list — cmsTags; anyone. The published articles' tags, most used first;
/// 700 when none.
#[get("/cms/tags/list")]
async fn tags(db: &State<Db>) -> ApiResult<Vec<TagView>> {
    let list = db.read(store::tags).await?;
    if list.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(list.into_iter().map(|(name, number)| TagView { name, number }).collect()))
}

/// POST /<sub>/newsTag/list — cmsTagsV2 (cms host, merchantId rewritten by the adapter); anyone.
/// As cmsTags: the published articles' tags, most used first; 700 when none.
#[post("/newsTag/list")]
async fn tags_v2(db: &State<Db>) -> ApiResult<Vec<TagView>> {
    tags(db).await
}

/// An article's named counters after cmsArticleModifyExtNumber.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtNumberView {
    pub key: String,
    pub value: i64,
}

/// POST /<sub>/cms/news/modifyExtNumber — cmsArticleModifyExtNumber(V2); logged-in shopper. Moves
/// the published article `id`'s counter `key` (letters, digits, _; ≤ 30) by `number` (−1000…1000,
/// default 1; never below 0). Answers every counter of the article.
#[post("/cms/news/modifyExtNumber", data = "<req>")]
async fn modify_ext_number(req: Authed, db: &State<Db>) -> ApiResult<Vec<ExtNumberView>> {
    let id = req.p.int("id")?;
    let key = req.p.text("key", rules::MAX_EXT_KEY)?.to_string();
    if !key.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
        return Err(ApiError::invalid("key", "只能包含字母、数字和下划线"));
    }
    let delta = req.p.opt_int("number")?.unwrap_or(1);
    if !(-1000..=1000).contains(&delta) {
        return Err(ApiError::invalid("number", "应在 -1000 到 1000 之间"));
    }
    let all = db.write(move |c| rules::modify_ext_number(c, id, &key, delta, db::unix_now())).await?;
    Ok(Reply(all.into_iter().map(|(key, value)| ExtNumberView { key, value }).collect()))
}

/// POST /<sub>/cms/news/fav/add — cmsArticleFavPut; logged-in shopper. Adding again changes nothing.
#[post("/cms/news/fav/add", data = "<req>")]
async fn fav_add(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let id = req.p.int("newsId")?;
    let user = req.user_id;
    db.write(move |c| rules::add_fav(c, user, id, db::unix_now())).await?;
    Ok(Reply(()))
}

/// GET /<sub>/cms/news/fav/check — cmsArticleFavCheck; logged-in shopper. Code 0 when it is a
/// favourite, -1 "未收藏" otherwise.
#[get("/cms/news/fav/check")]
async fn fav_check(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let id = req.p.int("newsId")?;
    let user = req.user_id;
    let fav = db.read(move |c| store::is_fav(c, user, id)).await?;
    if !fav {
        return Err(ApiError::CheckedNo("未收藏"));
    }
    Ok(Reply(()))
}

/// A favourite in the list: its own id (for cmsArticleFavDeleteById), when, and the article.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FavView {
    pub id: i64,
    pub news_id: i64,
    pub uid: i64,
    pub title: String,
    pub pic: String,
    pub date_add: String,
    pub news: ArticleView,
}

async fn favs(req: Authed, db: &Db, base: &BaseUrl) -> Result<Page<FavView>, ApiError> {
    let paging = Paging::from(&req.p)?;
    let like = req.p.opt_text("titleLike", 50)?.map(str::to_string);
    let user = req.user_id;
    let (rows, total) =
        db.read(move |c| store::favs(c, user, like.as_deref(), paging.offset(), paging.limit())).await?;
    let views = rows
        .into_iter()
        .map(|f| {
            let news = ArticleView::new(f.article, base, false);
            FavView {
                id: f.id,
                news_id: news.id,
                uid: user,
                title: news.title.clone(),
                pic: news.pic.clone(),
                date_add: db::format_unix(f.date_add),
                news,
            }
        })
        .collect();
    paging.page(views, total)
}

/// POST /<sub>/cms/news/fav/list — cmsArticleFavList; logged-in shopper. Newest first, paged; 700 when none.
#[post("/cms/news/fav/list", data = "<req>")]
async fn fav_list(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<FavView>> {
    Ok(Reply(favs(req, db, &base).await?))
}

/// POST /<sub>/cms/news/fav/list/v2 — cmsArticleFavListV2; logged-in shopper. As cmsArticleFavList.
#[post("/cms/news/fav/list/v2", data = "<req>")]
async fn fav_list_v2(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<FavView>> {
    Ok(Reply(favs(req, db, &base).await?))
}

/// POST /<sub>/cms/news/fav/delete — cmsArticleFavDeleteById (`id`) / ByNewsId (`newsId`);
/// logged-in shopper. 404 when the shopper has no such favourite.
#[post("/cms/news/fav/delete", data = "<req>")]
async fn fav_delete(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let by_id = req.p.opt_int("id")?;
    let by_news = req.p.opt_int("newsId")?;
    let user = req.user_id;
    let gone = match (by_id, by_news) {
        (Some(id), _) => db.write(move |c| store::delete_fav_by_id(c, user, id)).await?,
        (None, Some(news)) => db.write(move |c| store::delete_fav_by_article(c, user, news)).await?,
        (None, None) => return Err(ApiError::Missing("id")),
    };
    if !gone {
        return Err(ApiError::NotFound("收藏"));
    }
    Ok(Reply(()))
}
