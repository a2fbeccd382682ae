//! SOTER (fingerprint / face) challenges: one live challenge per shopper, kept as its SHA-256.

use super::Result;
use rusqlite::{params, Connection};

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
