//! Shoppers and their login tokens (the accounts issue adds the rest).

use rusqlite::{params, Connection, OptionalExtension, Result};

/// The user a token hash belongs to, if the token is live and the user not disabled.
/// Returns `Some((user_id, disabled))` for a live token.
pub fn user_for_token(c: &Connection, token_hash: &str, now: i64) -> Result<Option<(i64, bool)>> {
    c.query_row(
        "SELECT u.id, u.status FROM user_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ?1 AND t.expires_at > ?2",
        params![token_hash, now],
        |r| Ok((r.get(0)?, r.get::<_, i64>(1)? != 0)),
    )
    .optional()
}

pub fn insert_user(c: &Connection, nick: &str, now: i64) -> Result<i64> {
    c.execute("INSERT INTO users (nick, date_add) VALUES (?1, ?2)", params![nick, now])?;
    Ok(c.last_insert_rowid())
}

pub fn insert_token(c: &Connection, token_hash: &str, user_id: i64, expires_at: i64, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO user_tokens (token_hash, user_id, expires_at, date_add) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash, user_id, expires_at, now],
    )?;
    Ok(())
}

pub fn delete_token(c: &Connection, token_hash: &str) -> Result<bool> {
    Ok(c.execute("DELETE FROM user_tokens WHERE token_hash = ?1", [token_hash])? == 1)
}

pub fn count_users(c: &Connection) -> Result<i64> {
    c.query_row("SELECT count(*) FROM users", [], |r| r.get(0))
}
