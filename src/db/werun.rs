//! WeRun steps per shopper and shop-local day.

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
