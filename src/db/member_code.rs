//! The short-lived member codes shoppers show at the counter (only their hashes).

use rusqlite::{params, Connection, OptionalExtension};

use super::Result;

/// Stores the shopper's new code, replacing the one they had.
pub fn put(c: &Connection, user_id: i64, code_hash: &str, expires_at: i64) -> Result<()> {
    c.execute(
        "DELETE FROM user_member_codes WHERE user_id = ?1 OR expires_at <= ?2",
        params![user_id, expires_at - 86_400],
    )?;
    c.execute(
        "INSERT INTO user_member_codes (code_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
        params![code_hash, user_id, expires_at],
    )?;
    Ok(())
}

/// The shopper whose code has this hash, while it is live at `now`.
pub fn owner(c: &Connection, code_hash: &str, now: i64) -> Result<Option<i64>> {
    Ok(c.query_row(
        "SELECT user_id FROM user_member_codes WHERE code_hash = ?1 AND expires_at > ?2",
        params![code_hash, now],
        |r| r.get(0),
    )
    .optional()?)
}
