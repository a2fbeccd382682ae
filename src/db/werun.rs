//! WeRun steps per shopper and shop-local day, and SOTER challenges.

use super::Result;
use rusqlite::{params, Connection};

/// Stores the steps of `day` (a later report of the same day replaces the earlier one).
pub fn put(c: &Connection, user_id: i64, day: i64, steps: i64, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO werun_steps (user_id, day, steps, date_update) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(user_id, day) DO UPDATE SET steps = excluded.steps, date_update = excluded.date_update",
        params![user_id, day, steps, now],
    )?;
    Ok(())
}

/// The shopper's days, newest first: (day, steps).
pub fn recent(c: &Connection, user_id: i64, limit: i64) -> Result<Vec<(i64, i64)>> {
    let mut st =
        c.prepare_cached("SELECT day, steps FROM werun_steps WHERE user_id = ?1 ORDER BY day DESC LIMIT ?2")?;
    let rows = st.query_map(params![user_id, limit], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Replaces the shopper's live SOTER challenge.
pub fn put_challenge(c: &Connection, user_id: i64, hash: &str, expires_at: i64) -> Result<()> {
    c.execute(
        "INSERT INTO soter_challenges (user_id, challenge_hash, expires_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(user_id) DO UPDATE SET challenge_hash = excluded.challenge_hash, expires_at = excluded.expires_at",
        params![user_id, hash, expires_at],
    )?;
    Ok(())
}

/// Uses up the shopper's challenge when it is `hash` and still live; true when it was.
pub fn take_challenge(c: &Connection, user_id: i64, hash: &str, now: i64) -> Result<bool> {
    let n = c.execute(
        "DELETE FROM soter_challenges WHERE user_id = ?1 AND challenge_hash = ?2 AND expires_at > ?3",
        params![user_id, hash, now],
    )?;
    Ok(n == 1)
}
