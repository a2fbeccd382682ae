//! Friends (friendList / addFriend / deleteFriend / friendUserDetail): one row per direction.

use super::Result;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use std::fmt::Write as _;

/// A friend as their friend sees them: never the mobile, e-mail or anything private.
#[derive(Debug, Clone)]
pub struct FriendRow {
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
    pub gender: i64,
    pub city: String,
    /// When the friendship was made.
    pub date_add: i64,
}

/// friendList's optional filters.
#[derive(Debug, Clone, Default)]
pub struct FriendFilter {
    /// Only these friends (the client's `uids`).
    pub uids: Vec<i64>,
    /// Friendships made at or after this instant.
    pub since: Option<i64>,
    /// Friendships made before this instant.
    pub before: Option<i64>,
}

const COLUMNS: &str = "u.id, u.nick, u.avatar_url, u.gender, u.city, f.date_add";

fn friend_row(r: &Row) -> rusqlite::Result<FriendRow> {
    Ok(FriendRow {
        uid: r.get(0)?,
        nick: r.get(1)?,
        avatar_url: r.get(2)?,
        gender: r.get(3)?,
        city: r.get(4)?,
        date_add: r.get(5)?,
    })
}

/// `friend_id` as `user_id`'s friend; None when they are not friends.
pub fn friend_of(c: &Connection, user_id: i64, friend_id: i64) -> Result<Option<FriendRow>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM user_friends f JOIN users u ON u.id = f.friend_id
         WHERE f.user_id = ?1 AND f.friend_id = ?2"
    ))?
    .query_row(params![user_id, friend_id], friend_row)
    .optional()?)
}

/// Makes the two shoppers friends both ways; false when they already were.
pub fn befriend(c: &Connection, a: i64, b: i64, now: i64) -> Result<bool> {
    let sql = "INSERT INTO user_friends (user_id, friend_id, date_add) VALUES (?1, ?2, ?3)
               ON CONFLICT (user_id, friend_id) DO NOTHING";
    let added = c.execute(sql, params![a, b, now])?;
    c.execute(sql, params![b, a, now])?;
    Ok(added == 1)
}

/// Ends the friendship both ways; false when there was none.
pub fn unfriend(c: &Connection, a: i64, b: i64) -> Result<bool> {
    let n = c.execute(
        "DELETE FROM user_friends WHERE (user_id = ?1 AND friend_id = ?2) OR (user_id = ?2 AND friend_id = ?1)",
        params![a, b],
    )?;
    Ok(n > 0)
}

/// One page of `user_id`'s friends, newest friendship first, and how many match in all.
pub fn list_of(
    c: &Connection,
    user_id: i64,
    f: &FriendFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<FriendRow>, i64)> {
    let mut cond = String::from(
        "f.user_id = ?1 AND (?2 IS NULL OR f.date_add >= ?2) AND (?3 IS NULL OR f.date_add < ?3)",
    );
    if !f.uids.is_empty() {
        let marks: Vec<String> = (0..f.uids.len()).map(|i| format!("?{}", i + 4)).collect();
        let _ = write!(cond, " AND f.friend_id IN ({})", marks.join(", "));
    }
    let mut args: Vec<rusqlite::types::Value> = vec![user_id.into(), f.since.into(), f.before.into()];
    args.extend(f.uids.iter().map(|&u| rusqlite::types::Value::from(u)));
    let total: i64 = c.query_row(
        &format!("SELECT count(*) FROM user_friends f WHERE {cond}"),
        params_from_iter(args.iter()),
        |r| r.get(0),
    )?;
    let n = args.len();
    args.push(limit.into());
    args.push(offset.into());
    let mut st = c.prepare(&format!(
        "SELECT {COLUMNS} FROM user_friends f JOIN users u ON u.id = f.friend_id WHERE {cond}
         ORDER BY f.date_add DESC, f.friend_id DESC LIMIT ?{} OFFSET ?{}",
        n + 1,
        n + 2
    ))?;
    let rows = st.query_map(params_from_iter(args.iter()), friend_row)?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}
