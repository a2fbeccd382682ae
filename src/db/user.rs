//! Shoppers, their accounts (mobile, username, e-mail, password hash) and their login tokens.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

thread_local! {
    // Set by a write that revokes tokens; Db::write_sync bumps the epoch once that write commits.
    static REVOKED: Cell<bool> = const { Cell::new(false) };
}

/// Bumped after every committed revocation: cached token lookups older than it are not trusted.
static TOKEN_EPOCH: AtomicU64 = AtomicU64::new(0);

/// The current revocation epoch (see the token cache in api/guards.rs).
pub fn token_epoch() -> u64 {
    TOKEN_EPOCH.load(Ordering::SeqCst)
}

fn note_revocation() {
    REVOKED.with(|r| r.set(true));
}

/// Called by the writer when a transaction ends; a committed revocation bumps the epoch.
pub(crate) fn transaction_ended(committed: bool) {
    if REVOKED.with(|r| r.replace(false)) && committed {
        TOKEN_EPOCH.fetch_add(1, Ordering::SeqCst);
    }
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
    note_revocation();
    Ok(c.execute("DELETE FROM user_tokens WHERE token_hash = ?1", [token_hash])? == 1)
}

pub fn count_users(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}

/// A shopper's profile row.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub nick: String,
    pub avatar_url: String,
    pub mobile: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub has_password: bool,
    pub gender: i64,
    pub province: String,
    pub city: String,
    pub birthday: String,
    pub ext_json: String,
    pub referrer_id: Option<i64>,
    pub source: String,
    pub status: i64,
    pub date_add: i64,
    pub date_login: Option<i64>,
}

const USER_COLUMNS: &str =
    "id, nick, avatar_url, mobile, username, email, password_hash IS NOT NULL, gender, province,
    city, birthday, ext_json, referrer_id, source, status, date_add, date_login";

fn user(r: &rusqlite::Row) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        nick: r.get(1)?,
        avatar_url: r.get(2)?,
        mobile: r.get(3)?,
        username: r.get(4)?,
        email: r.get(5)?,
        has_password: r.get(6)?,
        gender: r.get(7)?,
        province: r.get(8)?,
        city: r.get(9)?,
        birthday: r.get(10)?,
        ext_json: r.get(11)?,
        referrer_id: r.get(12)?,
        source: r.get(13)?,
        status: r.get(14)?,
        date_add: r.get(15)?,
        date_login: r.get(16)?,
    })
}

pub fn by_id(c: &Connection, id: i64) -> Result<Option<User>> {
    Ok(c.query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"), [id], user).optional()?)
}

pub fn by_mobile(c: &Connection, mobile: &str) -> Result<Option<User>> {
    Ok(c.query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE mobile = ?1"), [mobile], user)
        .optional()?)
}

/// Creates a shopper; returns the id.
pub fn create(
    c: &Connection,
    source: &str,
    referrer_id: Option<i64>,
    mobile: Option<&str>,
    now: i64,
) -> Result<i64> {
    c.execute(
        "INSERT INTO users (source, referrer_id, mobile, date_add) VALUES (?1, ?2, ?3, ?4)",
        params![source, referrer_id, mobile, now],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn exists(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.query_row("SELECT count(*) FROM users WHERE id = ?1", [id], |r| r.get::<_, i64>(0))
        .map(|n| n == 1)?)
}

pub fn set_mobile(c: &Connection, id: i64, mobile: &str) -> Result<()> {
    c.execute("UPDATE users SET mobile = ?2 WHERE id = ?1", params![id, mobile])?;
    Ok(())
}

pub fn touch_login(c: &Connection, id: i64, now: i64) -> Result<()> {
    c.execute("UPDATE users SET date_login = ?2 WHERE id = ?1", params![id, now])?;
    Ok(())
}

/// What modifyUserInfo may change; None leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileEdit {
    pub nick: Option<String>,
    pub avatar_url: Option<String>,
    pub gender: Option<i64>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub birthday: Option<String>,
    pub ext_json: Option<String>,
}

pub fn update_profile(c: &Connection, id: i64, e: &ProfileEdit) -> Result<()> {
    c.execute(
        "UPDATE users SET nick = coalesce(?2, nick), avatar_url = coalesce(?3, avatar_url),
             gender = coalesce(?4, gender), province = coalesce(?5, province), city = coalesce(?6, city),
             birthday = coalesce(?7, birthday), ext_json = coalesce(?8, ext_json)
         WHERE id = ?1",
        params![id, e.nick, e.avatar_url, e.gender, e.province, e.city, e.birthday, e.ext_json],
    )?;
    Ok(())
}

/// Shoppers for the console: search by id, nick, mobile, username or e-mail; optional status; newest first.
pub fn search(
    c: &Connection,
    q: Option<&str>,
    status: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<User>, i64)> {
    let cond =
        "(?1 IS NULL OR CAST(id AS TEXT) = ?1 OR instr(nick, ?1) > 0 OR instr(coalesce(mobile, ''), ?1) > 0
                 OR instr(coalesce(username, ''), ?1) > 0 OR instr(coalesce(email, ''), ?1) > 0)
                AND (?2 IS NULL OR status = ?2)";
    let total: i64 =
        c.query_row(&format!("SELECT count(*) FROM users WHERE {cond}"), params![q, status], |r| r.get(0))?;
    let mut st = c.prepare_cached(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE {cond} ORDER BY id DESC LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = st.query_map(params![q, status, limit, offset], user)?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}

/// Enables (0) or disables (1) a shopper; disabling also ends every login. False when unknown.
pub fn set_status(c: &Connection, id: i64, status: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE users SET status = ?2 WHERE id = ?1 AND status <> ?3",
        params![id, status, DELETED],
    )?;
    if n == 1 && status != 0 {
        note_revocation();
        c.execute("DELETE FROM user_tokens WHERE user_id = ?1", [id])?;
    }
    Ok(n == 1)
}

/// Live logins of a shopper.
pub fn count_tokens(c: &Connection, id: i64, now: i64) -> Result<i64> {
    Ok(c.query_row(
        "SELECT count(*) FROM user_tokens WHERE user_id = ?1 AND expires_at > ?2",
        params![id, now],
        |r| r.get(0),
    )?)
}

/// Shoppers this one referred.
pub fn count_referred(c: &Connection, id: i64) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM users WHERE referrer_id = ?1", [id], |r| r.get(0))?)
}

/// The owner of a live token: (user id, disabled, expires_at).
pub fn token_owner(c: &Connection, token_hash: &str, now: i64) -> Result<Option<(i64, bool, i64)>> {
    Ok(c.query_row(
        "SELECT u.id, u.status, t.expires_at FROM user_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ?1 AND t.expires_at > ?2",
        params![token_hash, now],
        |r| Ok((r.get(0)?, r.get::<_, i64>(1)? != 0, r.get(2)?)),
    )
    .optional()?)
}
// Accounts by mobile, username or e-mail with a password.

pub fn by_username(c: &Connection, username: &str) -> Result<Option<User>> {
    Ok(c.query_row(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE username = ?1 COLLATE NOCASE"),
        [username],
        user,
    )
    .optional()?)
}

/// By e-mail; addresses are stored lower-case.
pub fn by_email(c: &Connection, email: &str) -> Result<Option<User>> {
    Ok(c.query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1"), [email], user)
        .optional()?)
}

/// The argon2 hash of a shopper's password (None: no such shopper, or no password set).
pub fn password_hash(c: &Connection, id: i64) -> Result<Option<String>> {
    Ok(c.query_row("SELECT password_hash FROM users WHERE id = ?1", [id], |r| r.get(0)).optional()?.flatten())
}

pub fn set_password(c: &Connection, id: i64, password_hash: &str) -> Result<()> {
    c.execute("UPDATE users SET password_hash = ?2 WHERE id = ?1", params![id, password_hash])?;
    Ok(())
}

pub fn set_username(c: &Connection, id: i64, username: &str) -> Result<()> {
    c.execute("UPDATE users SET username = ?2 WHERE id = ?1", params![id, username])?;
    Ok(())
}

pub fn set_email(c: &Connection, id: i64, email: &str) -> Result<()> {
    c.execute("UPDATE users SET email = ?2 WHERE id = ?1", params![id, email])?;
    Ok(())
}

/// A shopper registering with a mobile, a username or an e-mail.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    /// mobile, username, email
    pub source: String,
    pub mobile: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub nick: String,
    pub province: String,
    pub city: String,
    pub ext_json: String,
    pub referrer_id: Option<i64>,
}

/// Creates the shopper; returns the id.
pub fn create_account(c: &Connection, a: &NewAccount, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO users (source, mobile, username, email, password_hash, nick, province, city,
                            ext_json, referrer_id, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            a.source,
            a.mobile,
            a.username,
            a.email,
            a.password_hash,
            a.nick,
            a.province,
            a.city,
            a.ext_json,
            a.referrer_id,
            now
        ],
    )?;
    Ok(c.last_insert_rowid())
}

/// Revokes a shopper's tokens, all or all but one (after a password change).
pub fn delete_tokens_of(c: &Connection, user_id: i64, keep_hash: Option<&str>) -> Result<usize> {
    note_revocation();
    Ok(c.execute(
        "DELETE FROM user_tokens WHERE user_id = ?1 AND (?2 IS NULL OR token_hash <> ?2)",
        params![user_id, keep_hash],
    )?)
}

/// `users.status` of a deleted (注销) account: anonymised, never to log in or be enabled again.
pub const DELETED: i64 = 2;

/// How many of the shopper's orders and after-sale requests are still in progress (paid but not
/// received, or a refund not settled): an account cannot be deleted under them.
pub fn open_business(c: &Connection, user_id: i64) -> Result<i64> {
    Ok(c.query_row(
        "SELECT (SELECT count(*) FROM orders WHERE user_id = ?1 AND status IN (1, 2))
              + (SELECT count(*) FROM order_refunds WHERE user_id = ?1 AND status IN (0, 3))
              + (SELECT count(*) FROM withdrawals WHERE user_id = ?1 AND status = 0)",
        [user_id],
        |r| r.get(0),
    )?)
}

/// Removes what is only the shopper's own (logins, WeChat identity, addresses, cart, favourites,
/// friends, messages, pay password, stored JSON, unsent subscription messages, unused coupons,
/// member level) and anonymises the account row; what the shop keeps for its books (orders,
/// payments, the ledger, reviews and articles) stays, pointing at the anonymous row. The openid
/// is free afterwards, so the same WeChat user can register anew. False when the account is
/// unknown or already deleted.
pub fn erase(c: &Connection, user_id: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE users SET nick = '已注销用户', avatar_url = '', mobile = NULL, username = NULL, email = NULL,
                password_hash = NULL, gender = 0, province = '', city = '', birthday = '', ext_json = '{}',
                status = ?2
         WHERE id = ?1 AND status <> ?2",
        params![user_id, DELETED],
    )?;
    if n == 0 {
        return Ok(false);
    }
    note_revocation();
    for sql in [
        "DELETE FROM user_tokens WHERE user_id = ?1",
        "DELETE FROM wechat_accounts WHERE user_id = ?1",
        "DELETE FROM shipping_addresses WHERE user_id = ?1",
        "DELETE FROM cart_items WHERE user_id = ?1",
        "DELETE FROM goods_favs WHERE user_id = ?1",
        "DELETE FROM cms_article_favs WHERE user_id = ?1",
        "DELETE FROM user_friends WHERE user_id = ?1 OR friend_id = ?1",
        "DELETE FROM user_follows WHERE follower_id = ?1 OR followee_id = ?1",
        "DELETE FROM user_messages WHERE user_id = ?1",
        "DELETE FROM pay_passwords WHERE user_id = ?1",
        "DELETE FROM json_data WHERE user_id = ?1",
        "DELETE FROM message_outbox WHERE user_id = ?1 AND status = 0",
        "DELETE FROM coupon_users WHERE user_id = ?1 AND status = 0",
        "DELETE FROM user_levels_current WHERE user_id = ?1",
        "DELETE FROM user_member_codes WHERE user_id = ?1",
    ] {
        c.execute(sql, [user_id])?;
    }
    Ok(true)
}
