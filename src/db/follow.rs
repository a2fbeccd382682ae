//! Follows (the client's userAttention* methods): one row per follower → followee.

use super::Result;
use rusqlite::{params, Connection, Row};

/// A shopper in someone's following or fans list.
#[derive(Debug, Clone)]
pub struct FollowRow {
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
    /// When the follow was made.
    pub date_add: i64,
    /// True when the follow goes both ways.
    pub mutual: bool,
}

fn follow_row(r: &Row) -> rusqlite::Result<FollowRow> {
    Ok(FollowRow {
        uid: r.get(0)?,
        nick: r.get(1)?,
        avatar_url: r.get(2)?,
        date_add: r.get(3)?,
        mutual: r.get(4)?,
    })
}

/// Makes `follower` follow `followee`; false when they already did.
pub fn follow(c: &Connection, follower: i64, followee: i64, now: i64) -> Result<bool> {
    let n = c.execute(
        "INSERT INTO user_follows (follower_id, followee_id, date_add) VALUES (?1, ?2, ?3)
         ON CONFLICT (follower_id, followee_id) DO NOTHING",
        params![follower, followee, now],
    )?;
    Ok(n == 1)
}

/// Ends the follow; false when there was none.
pub fn unfollow(c: &Connection, follower: i64, followee: i64) -> Result<bool> {
    let n = c.execute(
        "DELETE FROM user_follows WHERE follower_id = ?1 AND followee_id = ?2",
        params![follower, followee],
    )?;
    Ok(n == 1)
}

/// True when `follower` follows `followee`.
pub fn follows(c: &Connection, follower: i64, followee: i64) -> Result<bool> {
    Ok(c.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM user_follows WHERE follower_id = ?1 AND followee_id = ?2)",
    )?
    .query_row(params![follower, followee], |r| r.get(0))?)
}

/// How many shoppers `user_id` follows, and how many follow them (each an index range count).
pub fn counts(c: &Connection, user_id: i64) -> Result<(i64, i64)> {
    let following = c
        .prepare_cached("SELECT count(*) FROM user_follows WHERE follower_id = ?1")?
        .query_row([user_id], |r| r.get(0))?;
    let followers = c
        .prepare_cached("SELECT count(*) FROM user_follows WHERE followee_id = ?1")?
        .query_row([user_id], |r| r.get(0))?;
    Ok((following, followers))
}

/// One page of whom `user_id` follows, latest first.
pub fn following(c: &Connection, user_id: i64, offset: i64, limit: i64) -> Result<Vec<FollowRow>> {
    let mut st = c.prepare_cached(
        "SELECT u.id, u.nick, u.avatar_url, f.date_add,
                EXISTS (SELECT 1 FROM user_follows b WHERE b.follower_id = f.followee_id AND b.followee_id = ?1)
         FROM user_follows f JOIN users u ON u.id = f.followee_id
         WHERE f.follower_id = ?1 ORDER BY f.date_add DESC, f.followee_id DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = st.query_map(params![user_id, limit, offset], follow_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One page of who follows `user_id` (their fans), latest first.
pub fn followers(c: &Connection, user_id: i64, offset: i64, limit: i64) -> Result<Vec<FollowRow>> {
    let mut st = c.prepare_cached(
        "SELECT u.id, u.nick, u.avatar_url, f.date_add,
                EXISTS (SELECT 1 FROM user_follows b WHERE b.follower_id = ?1 AND b.followee_id = f.follower_id)
         FROM user_follows f JOIN users u ON u.id = f.follower_id
         WHERE f.followee_id = ?1 ORDER BY f.date_add DESC, f.follower_id DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = st.query_map(params![user_id, limit, offset], follow_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
