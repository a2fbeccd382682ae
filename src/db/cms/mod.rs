//! The CMS: article categories, articles (with their trigram index), pages, favourites, votes and
//! comments. The articles' counters (favs, votes, shown comments) follow their rows through
//! triggers (schema.sql), so no function here has to remember them; views are counted here.

use super::Result;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

/// What the merchant sets on a category.
#[derive(Debug, Clone, Default)]
pub struct CategoryFields {
    pub pid: Option<i64>,
    pub name: String,
    pub kind: String,
    pub icon: String,
    pub paixu: i64,
    pub is_use: bool,
    pub ext_json: String,
}

#[derive(Debug, Clone)]
pub struct CategoryRow {
    pub id: i64,
    pub fields: CategoryFields,
    pub date_add: i64,
    pub date_update: i64,
}

fn category_row(r: &Row) -> rusqlite::Result<CategoryRow> {
    Ok(CategoryRow {
        id: r.get(0)?,
        fields: CategoryFields {
            pid: r.get(1)?,
            name: r.get(2)?,
            kind: r.get(3)?,
            icon: r.get(4)?,
            paixu: r.get(5)?,
            is_use: r.get(6)?,
            ext_json: r.get(7)?,
        },
        date_add: r.get(8)?,
        date_update: r.get(9)?,
    })
}

const CATEGORY_COLUMNS: &str = "id, pid, name, type, icon, paixu, is_use, ext_json, date_add, date_update";

pub fn insert_category(c: &Connection, f: &CategoryFields, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO cms_categories (pid, name, type, icon, paixu, is_use, ext_json, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![f.pid, f.name, f.kind, f.icon, f.paixu, f.is_use, f.ext_json, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// Categories in display order; `only_used` leaves out the ones switched off.
pub fn categories(c: &Connection, only_used: bool) -> Result<Vec<CategoryRow>> {
    let sql = format!(
        "SELECT {CATEGORY_COLUMNS} FROM cms_categories {} ORDER BY paixu, id",
        if only_used { "WHERE is_use = 1" } else { "" }
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st.query_map([], category_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn category(c: &Connection, id: i64) -> Result<Option<CategoryRow>> {
    Ok(c.query_row(
        &format!("SELECT {CATEGORY_COLUMNS} FROM cms_categories WHERE id = ?1"),
        [id],
        category_row,
    )
    .optional()?)
}

/// What an article is made of (content already sanitised).
#[derive(Debug, Clone, Default)]
pub struct ArticleFields {
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
    /// 0 published, 1 awaiting review, 2 hidden.
    pub status: i64,
}

#[derive(Debug, Clone)]
pub struct ArticleRow {
    pub id: i64,
    pub user_id: Option<i64>,
    pub fields: ArticleFields,
    pub number_read: i64,
    pub number_fav: i64,
    pub number_comment: i64,
    pub number_useful: i64,
    pub number_useless: i64,
    pub date_add: i64,
    pub date_update: i64,
}

const ARTICLE_COLUMNS: &str = "a.id, a.user_id, a.category_id, a.title, a.descript, a.content, a.pic, \
    a.author, a.tags, a.keywords, a.paixu, a.is_recommend, a.status, a.number_read, a.number_fav, \
    a.number_comment, a.number_useful, a.number_useless, a.date_add, a.date_update";

fn article_row(r: &Row) -> rusqlite::Result<ArticleRow> {
    article_row_at(r, 0)
}

pub fn insert_article(c: &Connection, user_id: Option<i64>, f: &ArticleFields, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO cms_articles (category_id, user_id, title, descript, content, pic, author, tags,
             keywords, paixu, is_recommend, status, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
        params![
            f.category_id,
            user_id,
            f.title,
            f.descript,
            f.content,
            f.pic,
            f.author,
            f.tags,
            f.keywords,
            f.paixu,
            f.is_recommend,
            f.status,
            now
        ],
    )?;
    Ok(c.last_insert_rowid())
}

/// Replaces an article's fields; false when there is no such article.
pub fn update_article(c: &Connection, id: i64, f: &ArticleFields, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE cms_articles SET category_id = ?2, title = ?3, descript = ?4, content = ?5, pic = ?6,
             author = ?7, tags = ?8, keywords = ?9, paixu = ?10, is_recommend = ?11, status = ?12,
             date_update = ?13
         WHERE id = ?1",
        params![
            id,
            f.category_id,
            f.title,
            f.descript,
            f.content,
            f.pic,
            f.author,
            f.tags,
            f.keywords,
            f.paixu,
            f.is_recommend,
            f.status,
            now
        ],
    )?;
    Ok(n == 1)
}

pub fn delete_article(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM cms_articles WHERE id = ?1", [id])? == 1)
}

pub fn article(c: &Connection, id: i64) -> Result<Option<ArticleRow>> {
    Ok(c.query_row(
        &format!("SELECT {ARTICLE_COLUMNS} FROM cms_articles a WHERE a.id = ?1"),
        [id],
        article_row,
    )
    .optional()?)
}

/// Counts one view of a published article; false when there is none.
pub fn count_view(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("UPDATE cms_articles SET number_read = number_read + 1 WHERE id = ?1 AND status = 0", [id])?
        == 1)
}

/// Which articles a list shows; every set filter must hold.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    /// None = any status (console); Some(0) = published (shop window).
    pub status: Option<i64>,
    pub category_id: Option<i64>,
    pub author_id: Option<i64>,
    pub is_recommend: Option<bool>,
    /// Substring of the title.
    pub title_like: Option<String>,
    /// Substring of title, tags, keywords or description.
    pub keywords_like: Option<String>,
    pub tags_like: Option<String>,
}

/// The shortest term the trigram index can answer; shorter ones fall back to LIKE.
const TRIGRAM: usize = 3;

fn article_where(f: &ArticleFilter) -> (String, Vec<Value>) {
    let mut sql = String::from("1 = 1");
    let mut args: Vec<Value> = Vec::new();
    for (column, v) in [
        ("a.status", f.status),
        ("a.category_id", f.category_id),
        ("a.user_id", f.author_id),
        ("a.is_recommend", f.is_recommend.map(i64::from)),
    ] {
        if let Some(v) = v {
            sql.push_str(&format!(" AND {column} = ?"));
            args.push(Value::Integer(v));
        }
    }
    let mut fts: Vec<String> = Vec::new();
    let terms = [
        (&f.title_like, "title", &["a.title"][..]),
        (&f.tags_like, "tags", &["a.tags"][..]),
        (&f.keywords_like, "", &["a.title", "a.tags", "a.keywords", "a.descript"][..]),
    ];
    for (term, column, columns) in terms {
        let Some(term) = term else { continue };
        if term.chars().count() >= TRIGRAM {
            let phrase = format!("\"{}\"", term.replace('"', "\"\""));
            fts.push(if column.is_empty() { phrase } else { format!("{column} : {phrase}") });
        } else {
            let pattern = format!("%{}%", escape_like(term));
            let ors: Vec<String> = columns.iter().map(|c| format!("{c} LIKE ? ESCAPE '\\'")).collect();
            sql.push_str(&format!(" AND ({})", ors.join(" OR ")));
            args.extend(columns.iter().map(|_| Value::Text(pattern.clone())));
        }
    }
    if !fts.is_empty() {
        sql.push_str(" AND a.id IN (SELECT rowid FROM cms_articles_fts WHERE cms_articles_fts MATCH ?)");
        args.push(Value::Text(fts.join(" AND ")));
    }
    (sql, args)
}

fn escape_like(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for ch in term.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// One page of articles matching `f` (paixu, newest first), and how many match in all.
pub fn articles(
    c: &Connection,
    f: &ArticleFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ArticleRow>, i64)> {
    let (filter, args) = article_where(f);
    let total: i64 = c
        .prepare_cached(&format!("SELECT count(*) FROM cms_articles a WHERE {filter}"))?
        .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
    let mut all = args;
    all.push(Value::Integer(limit));
    all.push(Value::Integer(offset));
    let mut st = c.prepare_cached(&format!(
        "SELECT {ARTICLE_COLUMNS} FROM cms_articles a WHERE {filter} ORDER BY a.paixu, a.id DESC LIMIT ? OFFSET ?"
    ))?;
    let rows =
        st.query_map(params_from_iter(all.iter()), article_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}

/// The published articles before and after `id` in the list order (paixu, newest first), within
/// its category.
pub fn pre_next(c: &Connection, a: &ArticleRow) -> Result<(Option<ArticleRow>, Option<ArticleRow>)> {
    let one = |cmp: &str, order: &str| -> Result<Option<ArticleRow>> {
        Ok(c.query_row(
            &format!(
                "SELECT {ARTICLE_COLUMNS} FROM cms_articles a
                 WHERE a.status = 0 AND a.category_id IS ?1 AND (a.paixu, -a.id) {cmp} (?2, -?3)
                 ORDER BY a.paixu {order}, a.id {} LIMIT 1",
                if order == "DESC" { "ASC" } else { "DESC" }
            ),
            params![a.fields.category_id, a.fields.paixu, a.id],
            article_row,
        )
        .optional()?)
    };
    Ok((one("<", "DESC")?, one(">", "ASC")?))
}

/// Every tag of published articles with how many use it, most used first.
pub fn tags(c: &Connection) -> Result<Vec<(String, i64)>> {
    let mut st = c.prepare_cached("SELECT tags FROM cms_articles WHERE status = 0 AND tags != ''")?;
    let mut counts: std::collections::BTreeMap<String, i64> = Default::default();
    for tags in st.query_map([], |r| r.get::<_, String>(0))? {
        for tag in tags?.split([',', '，']).map(str::trim).filter(|t| !t.is_empty()) {
            *counts.entry(tag.to_string()).or_default() += 1;
        }
    }
    let mut list: Vec<(String, i64)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(list)
}

/// Site totals: (published articles, views, favourites, shown article comments).
pub fn totals(c: &Connection) -> Result<(i64, i64, i64, i64)> {
    Ok(c.query_row(
        "SELECT count(*), coalesce(sum(number_read), 0), coalesce(sum(number_fav), 0),
                coalesce(sum(number_comment), 0)
         FROM cms_articles WHERE status = 0",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?)
}

#[derive(Debug, Clone)]
pub struct PageRow {
    pub id: i64,
    pub key: String,
    pub title: String,
    pub content: String,
    pub date_add: i64,
    pub date_update: i64,
}

fn page_row(r: &Row) -> rusqlite::Result<PageRow> {
    Ok(PageRow {
        id: r.get(0)?,
        key: r.get(1)?,
        title: r.get(2)?,
        content: r.get(3)?,
        date_add: r.get(4)?,
        date_update: r.get(5)?,
    })
}

/// Creates or replaces the page under `key`.
pub fn save_page(c: &Connection, key: &str, title: &str, content: &str, now: i64) -> Result<i64> {
    Ok(c.query_row(
        "INSERT INTO cms_pages (key, title, content, date_add, date_update) VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT(key) DO UPDATE SET title = excluded.title, content = excluded.content,
             date_update = excluded.date_update
         RETURNING id",
        params![key, title, content, now],
        |r| r.get(0),
    )?)
}

pub fn page(c: &Connection, key: &str) -> Result<Option<PageRow>> {
    Ok(c.query_row(
        "SELECT id, key, title, content, date_add, date_update FROM cms_pages WHERE key = ?1",
        [key],
        page_row,
    )
    .optional()?)
}

/// Adds a favourite; false when the shopper already had it.
pub fn add_fav(c: &Connection, user: i64, article: i64, now: i64) -> Result<bool> {
    let n = c.execute(
        "INSERT INTO cms_article_favs (user_id, article_id, date_add) VALUES (?1, ?2, ?3)
         ON CONFLICT(user_id, article_id) DO NOTHING",
        params![user, article, now],
    )?;
    Ok(n == 1)
}

pub fn is_fav(c: &Connection, user: i64, article: i64) -> Result<bool> {
    Ok(c.query_row(
        "SELECT EXISTS (SELECT 1 FROM cms_article_favs WHERE user_id = ?1 AND article_id = ?2)",
        params![user, article],
        |r| r.get(0),
    )?)
}

/// Removes the shopper's favourite by its own id; false when it is not theirs.
pub fn delete_fav_by_id(c: &Connection, user: i64, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM cms_article_favs WHERE id = ?1 AND user_id = ?2", params![id, user])? == 1)
}

pub fn delete_fav_by_article(c: &Connection, user: i64, article: i64) -> Result<bool> {
    Ok(c.execute(
        "DELETE FROM cms_article_favs WHERE article_id = ?1 AND user_id = ?2",
        params![article, user],
    )? == 1)
}

/// A favourite: its own id, when it was added, and the article.
#[derive(Debug, Clone)]
pub struct FavRow {
    pub id: i64,
    pub date_add: i64,
    pub article: ArticleRow,
}

/// One page of a shopper's favourites, newest first.
pub fn favs(
    c: &Connection,
    user: i64,
    title_like: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<FavRow>, i64)> {
    let pattern = title_like.map(|t| format!("%{}%", escape_like(t)));
    let total: i64 = c.query_row(
        "SELECT count(*) FROM cms_article_favs f JOIN cms_articles a ON a.id = f.article_id
         WHERE f.user_id = ?1 AND (?2 IS NULL OR a.title LIKE ?2 ESCAPE '\\')",
        params![user, pattern],
        |r| r.get(0),
    )?;
    let mut st = c.prepare_cached(&format!(
        "SELECT f.id, f.date_add, {ARTICLE_COLUMNS} FROM cms_article_favs f
         JOIN cms_articles a ON a.id = f.article_id
         WHERE f.user_id = ?1 AND (?2 IS NULL OR a.title LIKE ?2 ESCAPE '\\')
         ORDER BY f.id DESC LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = st
        .query_map(params![user, pattern, limit, offset], |r| {
            Ok(FavRow { id: r.get(0)?, date_add: r.get(1)?, article: article_row_at(r, 2)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}

/// An article row whose columns start at `at`.
fn article_row_at(r: &Row, at: usize) -> rusqlite::Result<ArticleRow> {
    let g = |i: usize| at + i;
    Ok(ArticleRow {
        id: r.get(g(0))?,
        user_id: r.get(g(1))?,
        fields: ArticleFields {
            category_id: r.get(g(2))?,
            title: r.get(g(3))?,
            descript: r.get(g(4))?,
            content: r.get(g(5))?,
            pic: r.get(g(6))?,
            author: r.get(g(7))?,
            tags: r.get(g(8))?,
            keywords: r.get(g(9))?,
            paixu: r.get(g(10))?,
            is_recommend: r.get(g(11))?,
            status: r.get(g(12))?,
        },
        number_read: r.get(g(13))?,
        number_fav: r.get(g(14))?,
        number_comment: r.get(g(15))?,
        number_useful: r.get(g(16))?,
        number_useless: r.get(g(17))?,
        date_add: r.get(g(18))?,
        date_update: r.get(g(19))?,
    })
}

/// The shopper's attitude to an article, if any (true = useful).
pub fn vote_of(c: &Connection, user: i64, article: i64) -> Result<Option<bool>> {
    Ok(c.query_row(
        "SELECT is_useful FROM cms_article_votes WHERE user_id = ?1 AND article_id = ?2",
        params![user, article],
        |r| r.get(0),
    )
    .optional()?)
}

/// Sets the shopper's attitude (the triggers move the counters).
pub fn set_vote(c: &Connection, user: i64, article: i64, useful: bool, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO cms_article_votes (user_id, article_id, is_useful, date_add) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(user_id, article_id) DO UPDATE SET is_useful = excluded.is_useful,
             date_add = excluded.date_add
         WHERE is_useful != excluded.is_useful",
        params![user, article, useful, now],
    )?;
    Ok(())
}

/// A vote as the logs show it, with the voter's nick and avatar.
#[derive(Debug, Clone)]
pub struct VoteRow {
    pub id: i64,
    pub user_id: i64,
    pub nick: String,
    pub avatar_url: String,
    pub is_useful: bool,
    pub date_add: i64,
}

/// One page of an article's votes, newest first.
pub fn votes(c: &Connection, article: i64, offset: i64, limit: i64) -> Result<(Vec<VoteRow>, i64)> {
    let total: i64 =
        c.query_row("SELECT count(*) FROM cms_article_votes WHERE article_id = ?1", [article], |r| r.get(0))?;
    let mut st = c.prepare_cached(
        "SELECT v.id, v.user_id, u.nick, u.avatar_url, v.is_useful, v.date_add
         FROM cms_article_votes v JOIN users u ON u.id = v.user_id
         WHERE v.article_id = ?1 ORDER BY v.id DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = st
        .query_map(params![article, limit, offset], |r| {
            Ok(VoteRow {
                id: r.get(0)?,
                user_id: r.get(1)?,
                nick: r.get(2)?,
                avatar_url: r.get(3)?,
                is_useful: r.get(4)?,
                date_add: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}

/// A new comment as checked by the API.
#[derive(Debug, Clone)]
pub struct NewComment {
    pub user_id: Option<i64>,
    pub kind: i64,
    pub ref_id: i64,
    pub pid: i64,
    pub content: String,
    pub ext_json: String,
}

#[derive(Debug, Clone)]
pub struct CommentRow {
    pub id: i64,
    pub user_id: Option<i64>,
    pub nick: String,
    pub avatar_url: String,
    pub kind: i64,
    pub ref_id: i64,
    pub pid: i64,
    pub content: String,
    pub ext_json: String,
    pub status: i64,
    pub date_add: i64,
}

const COMMENT_COLUMNS: &str = "m.id, m.user_id, coalesce(u.nick, ''), coalesce(u.avatar_url, ''), m.type, \
    m.ref_id, m.pid, m.content, m.ext_json, m.status, m.date_add";

fn comment_row(r: &Row) -> rusqlite::Result<CommentRow> {
    Ok(CommentRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        nick: r.get(2)?,
        avatar_url: r.get(3)?,
        kind: r.get(4)?,
        ref_id: r.get(5)?,
        pid: r.get(6)?,
        content: r.get(7)?,
        ext_json: r.get(8)?,
        status: r.get(9)?,
        date_add: r.get(10)?,
    })
}

pub fn insert_comment(c: &Connection, m: &NewComment, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO comments (user_id, type, ref_id, pid, content, ext_json, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![m.user_id, m.kind, m.ref_id, m.pid, m.content, m.ext_json, now],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn comment(c: &Connection, id: i64) -> Result<Option<CommentRow>> {
    Ok(c.query_row(
        &format!(
            "SELECT {COMMENT_COLUMNS} FROM comments m LEFT JOIN users u ON u.id = m.user_id WHERE m.id = ?1"
        ),
        [id],
        comment_row,
    )
    .optional()?)
}

/// Shows (0) or hides (1) a comment; false when there is none.
pub fn set_comment_status(c: &Connection, id: i64, status: i64) -> Result<bool> {
    Ok(c.execute("UPDATE comments SET status = ?2 WHERE id = ?1", params![id, status])? == 1)
}

pub fn delete_comment(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM comments WHERE id = ?1", [id])? == 1)
}

/// Which comments a list shows.
#[derive(Debug, Clone, Default)]
pub struct CommentFilter {
    /// None = any (console).
    pub status: Option<i64>,
    pub kind: Option<i64>,
    pub ref_id: Option<i64>,
    pub pid: Option<i64>,
    pub user_id: Option<i64>,
}

/// One page of comments, newest first, and how many match.
pub fn comments(
    c: &Connection,
    f: &CommentFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<CommentRow>, i64)> {
    let mut sql = String::from("1 = 1");
    let mut args: Vec<Value> = Vec::new();
    for (column, v) in [
        ("m.status", f.status),
        ("m.type", f.kind),
        ("m.ref_id", f.ref_id),
        ("m.pid", f.pid),
        ("m.user_id", f.user_id),
    ] {
        if let Some(v) = v {
            sql.push_str(&format!(" AND {column} = ?"));
            args.push(Value::Integer(v));
        }
    }
    let total: i64 = c
        .prepare_cached(&format!("SELECT count(*) FROM comments m WHERE {sql}"))?
        .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
    args.push(Value::Integer(limit));
    args.push(Value::Integer(offset));
    let mut st = c.prepare_cached(&format!(
        "SELECT {COMMENT_COLUMNS} FROM comments m LEFT JOIN users u ON u.id = m.user_id
         WHERE {sql} ORDER BY m.id DESC LIMIT ? OFFSET ?"
    ))?;
    let rows =
        st.query_map(params_from_iter(args.iter()), comment_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}

/// Replaces a category's fields; false when there is none.
pub fn update_category(c: &Connection, id: i64, f: &CategoryFields, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE cms_categories SET pid = ?2, name = ?3, type = ?4, icon = ?5, paixu = ?6, is_use = ?7,
             ext_json = ?8, date_update = ?9
         WHERE id = ?1",
        params![id, f.pid, f.name, f.kind, f.icon, f.paixu, f.is_use, f.ext_json, now],
    )?;
    Ok(n == 1)
}

/// Deletes a category; its articles become uncategorised (ON DELETE SET NULL).
pub fn delete_category(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM cms_categories WHERE id = ?1", [id])? == 1)
}

/// Every single page, by key.
pub fn pages(c: &Connection) -> Result<Vec<PageRow>> {
    let mut st = c.prepare_cached(
        "SELECT id, key, title, content, date_add, date_update FROM cms_pages ORDER BY key",
    )?;
    let rows = st.query_map([], page_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn delete_page(c: &Connection, key: &str) -> Result<bool> {
    Ok(c.execute("DELETE FROM cms_pages WHERE key = ?1", [key])? == 1)
}

/// Deletes a comment its author wrote; false when there is none by that author.
pub fn delete_own_comment(c: &Connection, id: i64, user: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM comments WHERE id = ?1 AND user_id = ?2", params![id, user])? == 1)
}

/// Signs a shopper up for an article; false when they already were.
pub fn add_sign(c: &Connection, article: i64, user: i64, ext_json: &str, now: i64) -> Result<bool> {
    let n = c.execute(
        "INSERT INTO cms_article_signs (article_id, user_id, ext_json, date_add) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(article_id, user_id) DO NOTHING",
        params![article, user, ext_json, now],
    )?;
    Ok(n == 1)
}

/// Cancels a shopper's sign-up; false when there was none.
pub fn delete_sign(c: &Connection, article: i64, user: i64) -> Result<bool> {
    Ok(c.execute(
        "DELETE FROM cms_article_signs WHERE article_id = ?1 AND user_id = ?2",
        params![article, user],
    )? == 1)
}

pub fn is_signed(c: &Connection, article: i64, user: i64) -> Result<bool> {
    Ok(c.query_row(
        "SELECT EXISTS (SELECT 1 FROM cms_article_signs WHERE article_id = ?1 AND user_id = ?2)",
        params![article, user],
        |r| r.get(0),
    )?)
}

/// A sign-up as the list shows it, with the shopper's nick and avatar.
#[derive(Debug, Clone)]
pub struct SignRow {
    pub id: i64,
    pub user_id: i64,
    pub nick: String,
    pub avatar_url: String,
    pub ext_json: String,
    pub date_add: i64,
}

/// One page of an article's sign-ups, oldest first (the order people signed up in).
pub fn signs(c: &Connection, article: i64, offset: i64, limit: i64) -> Result<(Vec<SignRow>, i64)> {
    let total: i64 =
        c.query_row("SELECT count(*) FROM cms_article_signs WHERE article_id = ?1", [article], |r| r.get(0))?;
    let mut st = c.prepare_cached(
        "SELECT s.id, s.user_id, u.nick, u.avatar_url, s.ext_json, s.date_add
         FROM cms_article_signs s JOIN users u ON u.id = s.user_id
         WHERE s.article_id = ?1 ORDER BY s.id LIMIT ?2 OFFSET ?3",
    )?;
    let rows = st
        .query_map(params![article, limit, offset], |r| {
            Ok(SignRow {
                id: r.get(0)?,
                user_id: r.get(1)?,
                nick: r.get(2)?,
                avatar_url: r.get(3)?,
                ext_json: r.get(4)?,
                date_add: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}

/// Moves an article's named counter by `delta` (never below 0); its new value.
pub fn add_ext_number(c: &Connection, article: i64, key: &str, delta: i64, now: i64) -> Result<i64> {
    Ok(c.query_row(
        "INSERT INTO cms_article_ext_numbers (article_id, key, value, date_update) VALUES (?1, ?2, max(0, ?3), ?4)
         ON CONFLICT(article_id, key) DO UPDATE SET value = max(0, value + ?3), date_update = ?4
         RETURNING value",
        params![article, key, delta, now],
        |r| r.get(0),
    )?)
}

/// An article's named counters, by name.
pub fn ext_numbers(c: &Connection, article: i64) -> Result<Vec<(String, i64)>> {
    let mut st = c.prepare_cached(
        "SELECT key, value FROM cms_article_ext_numbers WHERE article_id = ?1 ORDER BY key",
    )?;
    let rows = st.query_map([article], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
