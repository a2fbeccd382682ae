//! Shoppers' sign-ups to an article.

use crate::db::Result;
use rusqlite::{params, Connection};

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
