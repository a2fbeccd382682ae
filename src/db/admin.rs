//! Console accounts, their sessions, and merchant API keys.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, Clone)]
pub struct Admin {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
}

pub fn count_admins(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM admins", [], |r| r.get(0))?)
}

pub fn insert_admin(c: &Connection, username: &str, password_hash: &str, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO admins (username, password_hash, date_add) VALUES (?1, ?2, ?3)",
        params![username, password_hash, now],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn admin_by_name(c: &Connection, username: &str) -> Result<Option<Admin>> {
    Ok(c.query_row("SELECT id, username, password_hash FROM admins WHERE username = ?1", [username], |r| {
        Ok(Admin { id: r.get(0)?, username: r.get(1)?, password_hash: r.get(2)? })
    })
    .optional()?)
}

pub fn admin_by_id(c: &Connection, id: i64) -> Result<Option<Admin>> {
    Ok(c.query_row("SELECT id, username, password_hash FROM admins WHERE id = ?1", [id], |r| {
        Ok(Admin { id: r.get(0)?, username: r.get(1)?, password_hash: r.get(2)? })
    })
    .optional()?)
}

pub fn set_password(c: &Connection, id: i64, password_hash: &str) -> Result<bool> {
    Ok(c.execute("UPDATE admins SET password_hash = ?2 WHERE id = ?1", params![id, password_hash])? == 1)
}

pub fn touch_login(c: &Connection, id: i64, now: i64) -> Result<()> {
    c.execute("UPDATE admins SET date_login = ?2 WHERE id = ?1", params![id, now])?;
    Ok(())
}

/// A live console session.
#[derive(Debug, Clone)]
pub struct Session {
    pub admin_id: i64,
    pub username: String,
    pub csrf: String,
}

pub fn insert_session(
    c: &Connection,
    token_hash: &str,
    admin_id: i64,
    csrf: &str,
    expires_at: i64,
    now: i64,
) -> Result<()> {
    c.execute(
        "INSERT INTO admin_sessions (token_hash, admin_id, csrf, expires_at, date_add) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token_hash, admin_id, csrf, expires_at, now],
    )?;
    Ok(())
}

pub fn session(c: &Connection, token_hash: &str, now: i64) -> Result<Option<Session>> {
    Ok(c.query_row(
        "SELECT s.admin_id, a.username, s.csrf FROM admin_sessions s JOIN admins a ON a.id = s.admin_id
         WHERE s.token_hash = ?1 AND s.expires_at > ?2",
        params![token_hash, now],
        |r| Ok(Session { admin_id: r.get(0)?, username: r.get(1)?, csrf: r.get(2)? }),
    )
    .optional()?)
}

pub fn delete_session(c: &Connection, token_hash: &str) -> Result<()> {
    c.execute("DELETE FROM admin_sessions WHERE token_hash = ?1", [token_hash])?;
    Ok(())
}

/// Ends every session of an admin except `keep` (after a password change).
pub fn delete_other_sessions(c: &Connection, admin_id: i64, keep: &str) -> Result<()> {
    c.execute(
        "DELETE FROM admin_sessions WHERE admin_id = ?1 AND token_hash != ?2",
        params![admin_id, keep],
    )?;
    Ok(())
}

pub fn delete_expired_sessions(c: &Connection, now: i64) -> Result<usize> {
    Ok(c.execute("DELETE FROM admin_sessions WHERE expires_at <= ?1", [now])?)
}

#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub date_add: i64,
    pub date_used: Option<i64>,
}

pub fn insert_api_key(c: &Connection, name: &str, prefix: &str, key_hash: &str, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO api_keys (name, prefix, key_hash, date_add) VALUES (?1, ?2, ?3, ?4)",
        params![name, prefix, key_hash, now],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn api_keys(c: &Connection) -> Result<Vec<ApiKey>> {
    let mut st =
        c.prepare_cached("SELECT id, name, prefix, date_add, date_used FROM api_keys ORDER BY id DESC")?;
    let rows = st.query_map([], |r| {
        Ok(ApiKey {
            id: r.get(0)?,
            name: r.get(1)?,
            prefix: r.get(2)?,
            date_add: r.get(3)?,
            date_used: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The key id for a key hash, if the key exists.
pub fn api_key_by_hash(c: &Connection, key_hash: &str) -> Result<Option<i64>> {
    Ok(c.query_row("SELECT id FROM api_keys WHERE key_hash = ?1", [key_hash], |r| r.get(0)).optional()?)
}

pub fn touch_api_key(c: &Connection, id: i64, now: i64) -> Result<()> {
    c.execute("UPDATE api_keys SET date_used = ?2 WHERE id = ?1", params![id, now])?;
    Ok(())
}

pub fn delete_api_key(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM api_keys WHERE id = ?1", [id])? == 1)
}
