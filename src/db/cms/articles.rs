//! Articles: rows, lists (trigram index or LIKE), neighbours, tags, totals and named counters.

use crate::db::Result;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use std::fmt::Write as _;

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

pub(super) const ARTICLE_COLUMNS: &str =
    "a.id, a.user_id, a.category_id, a.title, a.descript, a.content, a.pic, \
    a.author, a.tags, a.keywords, a.paixu, a.is_recommend, a.status, a.number_read, a.number_fav, \
    a.number_comment, a.number_useful, a.number_useless, a.date_add, a.date_update";

fn article_row(r: &Row) -> rusqlite::Result<ArticleRow> {
    article_row_at(r, 0)
}

/// An article row whose columns start at `at`.
pub(super) fn article_row_at(r: &Row, at: usize) -> rusqlite::Result<ArticleRow> {
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
            let _ = write!(sql, " AND {column} = ?");
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
            let _ = write!(sql, " AND ({})", ors.join(" OR "));
            args.extend(columns.iter().map(|_| Value::Text(pattern.clone())));
        }
    }
    if !fts.is_empty() {
        sql.push_str(" AND a.id IN (SELECT rowid FROM cms_articles_fts WHERE cms_articles_fts MATCH ?)");
        args.push(Value::Text(fts.join(" AND ")));
    }
    (sql, args)
}

pub(super) fn escape_like(term: &str) -> String {
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
    let mut counts: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::default();
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
