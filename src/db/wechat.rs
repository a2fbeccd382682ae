//! WeChat identities of shoppers and the persisted access token.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

pub fn token(c: &Connection, appid: &str) -> Result<Option<(String, i64)>> {
    Ok(c.query_row("SELECT access_token, expires_at FROM wechat_tokens WHERE appid = ?1", [appid], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()?)
}

pub fn put_token(c: &Connection, appid: &str, token: &str, expires_at: i64) -> Result<()> {
    c.execute(
        "INSERT INTO wechat_tokens (appid, access_token, expires_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(appid) DO UPDATE SET access_token = excluded.access_token, expires_at = excluded.expires_at",
        params![appid, token, expires_at],
    )?;
    Ok(())
}

/// A shopper's WeChat identity.
#[derive(Debug, Clone)]
pub struct Account {
    pub user_id: i64,
    pub appid: String,
    pub openid: String,
    pub unionid: Option<String>,
    pub session_key: String,
}

const COLUMNS: &str = "user_id, appid, openid, unionid, session_key";

fn account(r: &rusqlite::Row) -> rusqlite::Result<Account> {
    Ok(Account {
        user_id: r.get(0)?,
        appid: r.get(1)?,
        openid: r.get(2)?,
        unionid: r.get(3)?,
        session_key: r.get(4)?,
    })
}

pub fn by_openid(c: &Connection, appid: &str, openid: &str) -> Result<Option<Account>> {
    Ok(c.query_row(
        &format!("SELECT {COLUMNS} FROM wechat_accounts WHERE appid = ?1 AND openid = ?2"),
        [appid, openid],
        account,
    )
    .optional()?)
}

pub fn by_user(c: &Connection, user_id: i64) -> Result<Option<Account>> {
    Ok(c.query_row(&format!("SELECT {COLUMNS} FROM wechat_accounts WHERE user_id = ?1"), [user_id], account)
        .optional()?)
}

pub fn insert(c: &Connection, a: &Account, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO wechat_accounts (user_id, appid, openid, unionid, session_key, date_session)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![a.user_id, a.appid, a.openid, a.unionid, a.session_key, now],
    )?;
    Ok(())
}

/// Keeps only the latest session_key (an older one cannot decrypt what WeChat sends now).
pub fn set_session_key(
    c: &Connection,
    user_id: i64,
    session_key: &str,
    unionid: Option<&str>,
    now: i64,
) -> Result<()> {
    c.execute(
        "UPDATE wechat_accounts SET session_key = ?2, unionid = coalesce(?3, unionid), date_session = ?4
         WHERE user_id = ?1",
        params![user_id, session_key, unionid, now],
    )?;
    Ok(())
}

pub fn delete_tokens(c: &Connection) -> Result<()> {
    c.execute("DELETE FROM wechat_tokens", [])?;
    Ok(())
}
