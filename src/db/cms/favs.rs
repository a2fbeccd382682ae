//! Shoppers' favourite articles.

use super::articles::{article_row_at, escape_like, ArticleRow, ARTICLE_COLUMNS};
use crate::db::Result;
use rusqlite::{params, Connection};

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
