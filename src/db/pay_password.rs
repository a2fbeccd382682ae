//! The shopper's pay password: its hash and the count of wrong tries (table `pay_passwords`).

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// A stored pay password with its wrong-try state.
#[derive(Debug, Clone)]
pub struct PayPassword {
    pub hash: String,
    pub fails: i64,
    pub fail_window_start: i64,
    pub locked_until: i64,
}

pub fn get(c: &Connection, user_id: i64) -> Result<Option<PayPassword>> {
    Ok(c.prepare_cached(
        "SELECT hash, fails, fail_window_start, locked_until FROM pay_passwords WHERE user_id = ?1",
    )?
    .query_row([user_id], |r| {
        Ok(PayPassword {
            hash: r.get(0)?,
            fails: r.get(1)?,
            fail_window_start: r.get(2)?,
            locked_until: r.get(3)?,
        })
    })
    .optional()?)
}

/// Sets the first pay password; false when the shopper already has one.
pub fn insert(c: &Connection, user_id: i64, hash: &str, now: i64) -> Result<bool> {
    let n = c.execute(
        "INSERT INTO pay_passwords (user_id, hash, date_add, date_update) VALUES (?1, ?2, ?3, ?3)
         ON CONFLICT (user_id) DO NOTHING",
        params![user_id, hash, now],
    )?;
    Ok(n == 1)
}

/// Sets (or replaces) the pay password and clears its wrong tries and lockout.
pub fn upsert(c: &Connection, user_id: i64, hash: &str, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO pay_passwords (user_id, hash, date_add, date_update) VALUES (?1, ?2, ?3, ?3)
         ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, fails = 0,
             fail_window_start = 0, locked_until = 0, date_update = excluded.date_update",
        params![user_id, hash, now],
    )?;
    Ok(())
}

/// Replaces the hash only if it is still `old_hash` (a concurrent change wins, not both).
pub fn replace(c: &Connection, user_id: i64, old_hash: &str, new_hash: &str, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE pay_passwords SET hash = ?3, fails = 0, fail_window_start = 0, locked_until = 0,
             date_update = ?4 WHERE user_id = ?1 AND hash = ?2",
        params![user_id, old_hash, new_hash, now],
    )?;
    Ok(n == 1)
}

/// Writes the wrong-try state the caller computed.
pub fn set_fails(
    c: &Connection,
    user_id: i64,
    fails: i64,
    window_start: i64,
    locked_until: i64,
) -> Result<()> {
    c.execute(
        "UPDATE pay_passwords SET fails = ?2, fail_window_start = ?3, locked_until = ?4 WHERE user_id = ?1",
        params![user_id, fails, window_start, locked_until],
    )?;
    Ok(())
}

/// Takes back one counted wrong try (it was never checked).
pub fn take_back_fail(c: &Connection, user_id: i64) -> Result<()> {
    c.execute("UPDATE pay_passwords SET fails = max(fails - 1, 0) WHERE user_id = ?1", [user_id])?;
    Ok(())
}
