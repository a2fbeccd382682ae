//! Shoppers' votes on articles: useful or not.

use crate::db::Result;
use rusqlite::{params, Connection, OptionalExtension};

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
