//! Accounts by mobile, username or e-mail: registration, password and code logins, password
//! resets and binding. Passwords are argon2 hashes; hashing runs off the async executor and
//! before the write transaction, so the single writer never waits for it.
//!
//! A wrong password answers the same whether the account exists or not (an unknown account still
//! costs one argon2 verification), and failures are limited per account and client IP.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, OnceLock};

use rusqlite::Connection;

use super::account::{blocking, issue_token, Login};
use super::codes::{self, Channel};
use crate::db::{self, user::NewAccount, user::User, Db};
use crate::error::ApiError;

pub const MIN_PASSWORD: usize = 6;
pub const MAX_PASSWORD: usize = 64;

/// A password of 6–64 characters.
pub fn password(name: &'static str, v: &str) -> Result<String, ApiError> {
    let n = v.chars().count();
    if !(MIN_PASSWORD..=MAX_PASSWORD).contains(&n) {
        return Err(ApiError::invalid(name, format!("密码应为 {MIN_PASSWORD}–{MAX_PASSWORD} 个字符")));
    }
    Ok(v.to_string())
}

/// A username: 3–30 of A-Z, a-z, 0-9 and _.
pub fn username(name: &'static str, v: &str) -> Result<String, ApiError> {
    let v = v.trim();
    if !(3..=30).contains(&v.len()) || !v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(ApiError::invalid(name, "用户名应为 3–30 个字母、数字或下划线"));
    }
    Ok(v.to_string())
}

/// What an account is found by.
#[derive(Debug, Clone)]
pub enum Ident {
    Mobile(String),
    Username(String),
    Email(String),
}

impl Ident {
    /// The identity a code channel proves.
    pub fn of(channel: Channel, target: &str) -> Ident {
        match channel {
            Channel::Sms => Ident::Mobile(target.to_string()),
            Channel::Mail => Ident::Email(target.to_string()),
        }
    }

    pub fn find(&self, c: &Connection) -> rusqlite::Result<Option<User>> {
        match self {
            Ident::Mobile(m) => db::user::by_mobile(c, m),
            Ident::Username(u) => db::user::by_username(c, u),
            Ident::Email(e) => db::user::by_email(c, e),
        }
    }

    fn taken(&self) -> ApiError {
        ApiError::Taken(match self {
            Ident::Mobile(_) => "该手机号",
            Ident::Username(_) => "该用户名",
            Ident::Email(_) => "该邮箱",
        })
    }

    fn source(&self) -> &'static str {
        match self {
            Ident::Mobile(_) => "mobile",
            Ident::Username(_) => "username",
            Ident::Email(_) => "email",
        }
    }

    /// A new account holding this identity.
    fn account(&self, password_hash: Option<String>, profile: &Profile) -> NewAccount {
        let mut a = NewAccount {
            source: self.source().to_string(),
            password_hash,
            nick: profile.nick.clone().unwrap_or_default(),
            province: profile.province.clone().unwrap_or_default(),
            city: profile.city.clone().unwrap_or_default(),
            ext_json: profile.ext_json.clone().unwrap_or_else(|| "{}".into()),
            referrer_id: profile.referrer,
            ..Default::default()
        };
        match self {
            Ident::Mobile(m) => a.mobile = Some(m.clone()),
            Ident::Username(u) => a.username = Some(u.clone()),
            Ident::Email(e) => a.email = Some(e.clone()),
        }
        a
    }

    /// Binds this identity to a shopper; refused when another shopper holds it.
    fn bind(&self, c: &Connection, user_id: i64) -> Result<(), ApiError> {
        if self.find(c)?.is_some_and(|u| u.id != user_id) {
            return Err(self.taken());
        }
        match self {
            Ident::Mobile(m) => db::user::set_mobile(c, user_id, m)?,
            Ident::Username(u) => db::user::set_username(c, user_id, u)?,
            Ident::Email(e) => db::user::set_email(c, user_id, e)?,
        }
        Ok(())
    }
}

/// What a registration may say about the shopper besides the identity.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub nick: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    /// `postJsonString`: a JSON object, kept as the shopper's ext data.
    pub ext_json: Option<String>,
    pub referrer: Option<i64>,
}

/// Failed password checks per (account, client IP) in a sliding 15-minute window, in memory.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

impl LoginLimiter {
    pub const MAX_FAILURES: usize = 5;
    pub const WINDOW_SECS: i64 = 15 * 60;
    /// Past this many tracked keys, stale ones are swept so memory stays bounded.
    const MAX_KEYS: usize = 10_000;

    pub fn key(account: &str, ip: Option<IpAddr>) -> String {
        let account: String = account.trim().to_lowercase().chars().take(100).collect();
        format!("{account}\u{0}{}", ip.map(|i| i.to_string()).unwrap_or_default())
    }

    /// Refuses while the key has had too many recent failures, saying how long to wait.
    pub fn check(&self, key: &str, now: i64) -> Result<(), ApiError> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let Some(times) = map.get_mut(key) else { return Ok(()) };
        times.retain(|t| now - t < Self::WINDOW_SECS);
        if times.len() < Self::MAX_FAILURES {
            return Ok(());
        }
        // Allowed again once the oldest failure that keeps the count at the limit leaves the window.
        let oldest = times[times.len() - Self::MAX_FAILURES];
        let wait = codes::wait_text(oldest + Self::WINDOW_SECS - now);
        Err(ApiError::RateLimited(format!("密码错误次数过多，请 {wait}后再试")))
    }

    pub fn failed(&self, key: &str, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= Self::MAX_KEYS {
            map.retain(|_, times| times.iter().any(|t| now - t < Self::WINDOW_SECS));
        }
        map.entry(key.to_string()).or_default().push(now);
    }

    pub fn succeeded(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

fn hash(pwd: &str) -> Result<String, ApiError> {
    crate::admin::hash_password(pwd).map_err(|e| ApiError::Internal(format!("argon2: {e}")))
}

/// Hashes a new password off the executor.
pub async fn hash_new(pwd: String) -> Result<String, ApiError> {
    blocking(move || hash(&pwd)).await
}

/// Checks a password; with no hash (no account, or no password set) a dummy hash is checked so
/// the answer takes as long as for a real account.
fn verify(pwd: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    match stored {
        Some(h) => crate::admin::verify_password(pwd, h),
        None => {
            let dummy = DUMMY.get_or_init(|| hash("no account has this password").unwrap_or_default());
            let _ = crate::admin::verify_password(pwd, dummy);
            false
        }
    }
}

/// Issues a token for an account, refusing a disabled one (in the caller's transaction).
pub fn login_user(c: &Connection, user_id: i64, now: i64) -> Result<Login, ApiError> {
    let u = db::user::by_id(c, user_id)?.ok_or(ApiError::NotFound("用户"))?;
    if u.status != 0 {
        return Err(ApiError::Forbidden("账号已被禁用".into()));
    }
    let token = issue_token(c, user_id, now)?;
    let openid = db::wechat::by_user(c, user_id)?.map(|a| a.openid).unwrap_or_default();
    Ok(Login { token, uid: user_id, openid, mobile: u.mobile.unwrap_or_default() })
}

fn valid_referrer(c: &Connection, referrer: Option<i64>) -> Result<Option<i64>, ApiError> {
    match referrer {
        Some(r) if db::user::exists(c, r)? => Ok(Some(r)),
        _ => Ok(None),
    }
}

/// Finds the account of `ident` and checks its password, counting failures per account and IP.
/// Returns the account id; the same `BadLogin` for an unknown account and a wrong password.
async fn check_password(
    db: &Db,
    limiter: &LoginLimiter,
    ident: &Ident,
    pwd: String,
    ip: Option<IpAddr>,
) -> Result<i64, ApiError> {
    let now = db::unix_now();
    let key = LoginLimiter::key(&format!("{ident:?}"), ip);
    limiter.check(&key, now)?;
    let who = ident.clone();
    let found = db
        .read(move |c| match who.find(c)? {
            Some(u) => Ok::<_, ApiError>(Some((u.id, db::user::password_hash(c, u.id)?))),
            None => Ok(None),
        })
        .await?;
    let stored = found.as_ref().and_then(|(_, h)| h.clone());
    let right = blocking(move || Ok(verify(&pwd, stored.as_deref()))).await?;
    match found {
        Some((id, _)) if right => {
            limiter.succeeded(&key);
            Ok(id)
        }
        _ => {
            limiter.failed(&key, now);
            Err(ApiError::BadLogin)
        }
    }
}

/// login_mobile / login_username / login_email: password login.
pub async fn login_password(
    db: &Db,
    limiter: &LoginLimiter,
    ident: Ident,
    pwd: String,
    ip: Option<IpAddr>,
) -> Result<Login, ApiError> {
    let id = check_password(db, limiter, &ident, pwd, ip).await?;
    db.write(move |c| login_user(c, id, db::unix_now())).await
}

/// register_username: a new account with a password. 409 when the username is taken.
pub async fn register_username(
    db: &Db,
    name: String,
    pwd: String,
    profile: Profile,
    auto_login: bool,
) -> Result<Option<Login>, ApiError> {
    let hash = hash_new(pwd).await?;
    let ident = Ident::Username(name);
    db.write(move |c| {
        let now = db::unix_now();
        if ident.find(c)?.is_some() {
            return Err(ident.taken());
        }
        let mut profile = profile;
        profile.referrer = valid_referrer(c, profile.referrer)?;
        let id = crate::service::points::welcome(
            c,
            db::user::create_account(c, &ident.account(Some(hash), &profile), now)?,
        )?;
        auto_login.then(|| login_user(c, id, now)).transpose()
    })
    .await
}

/// register_mobile / register_email: a new account proved by a code, with a password. When the
/// mobile or e-mail already has an account, `autoLogin` with the right code logs into it (the code
/// proves the shopper owns it); without `autoLogin` it is 409 and the code stays unused. A wrong
/// code is refused before anything says whether the account exists.
pub async fn register_with_code(
    db: &Db,
    channel: Channel,
    target: String,
    code: String,
    pwd: String,
    profile: Profile,
    auto_login: bool,
) -> Result<Option<Login>, ApiError> {
    codes::require_live(db, channel, &target).await?;
    let hash = hash_new(pwd).await?;
    let ident = Ident::of(channel, &target);
    db.write(move |c| {
        let now = db::unix_now();
        if let Err(refusal) = codes::redeem(c, channel, &target, &code, now)? {
            return Ok(Err(refusal));
        }
        // Only a right code learns that the number is taken; the refusal rolls back, so the code
        // stays usable (e.g. for a login).
        let existing = ident.find(c)?;
        if existing.is_some() && !auto_login {
            return Err(ident.taken());
        }
        let id = match existing {
            Some(u) => u.id,
            None => {
                let mut profile = profile;
                profile.referrer = valid_referrer(c, profile.referrer)?;
                crate::service::points::welcome(
                    c,
                    db::user::create_account(c, &ident.account(Some(hash), &profile), now)?,
                )?
            }
        };
        Ok(Ok(auto_login.then(|| login_user(c, id, now)).transpose()?))
    })
    .await?
}

/// loginMobileSmsCode: a code login; `auto_reg` registers an unknown number (without a password).
pub async fn login_with_code(
    db: &Db,
    channel: Channel,
    target: String,
    code: String,
    auto_reg: bool,
    profile: Profile,
) -> Result<Login, ApiError> {
    let ident = Ident::of(channel, &target);
    db.write(move |c| {
        let now = db::unix_now();
        if let Err(refusal) = codes::redeem(c, channel, &target, &code, now)? {
            return Ok(Err(refusal));
        }
        // An error from here on rolls back, so the code stays usable (e.g. to retry with autoReg).
        let id = match ident.find(c)? {
            Some(u) => u.id,
            None if auto_reg => {
                let mut profile = profile;
                profile.referrer = valid_referrer(c, profile.referrer)?;
                crate::service::points::welcome(
                    c,
                    db::user::create_account(c, &ident.account(None, &profile), now)?,
                )?
            }
            None => return Err(ApiError::NotFound("该账号")),
        };
        Ok(Ok(login_user(c, id, now)?))
    })
    .await?
}

/// resetPwdUseMobileCode / resetPwdUseEmailCode: a new password proved by a code. Every token of
/// the account is revoked.
pub async fn reset_password(
    db: &Db,
    channel: Channel,
    target: String,
    code: String,
    pwd: String,
) -> Result<(), ApiError> {
    codes::require_live(db, channel, &target).await?;
    let hash = hash_new(pwd).await?;
    let ident = Ident::of(channel, &target);
    db.write(move |c| {
        let now = db::unix_now();
        if let Err(refusal) = codes::redeem(c, channel, &target, &code, now)? {
            return Ok(Err(refusal));
        }
        let u = ident.find(c)?.ok_or(ApiError::NotFound("该账号"))?;
        if u.status != 0 {
            return Err(ApiError::Forbidden("账号已被禁用".into()));
        }
        db::user::set_password(c, u.id, &hash)?;
        db::user::delete_tokens_of(c, u.id, None)?;
        Ok(Ok(()))
    })
    .await?
}

/// bindMobileSms / bindEmail: binds a mobile or e-mail proved by a code; `pwd` also sets the
/// password. 409 (code left unused) when another account holds it; a wrong code is refused first.
pub async fn bind_with_code(
    db: &Db,
    user_id: i64,
    channel: Channel,
    target: String,
    code: String,
    pwd: Option<String>,
) -> Result<(), ApiError> {
    codes::require_live(db, channel, &target).await?;
    let hash = match pwd {
        Some(p) => Some(hash_new(p).await?),
        None => None,
    };
    let ident = Ident::of(channel, &target);
    db.write(move |c| {
        if let Err(refusal) = codes::redeem(c, channel, &target, &code, db::unix_now())? {
            return Ok::<_, ApiError>(Err(refusal));
        }
        // Taken rolls back, so the code stays usable.
        ident.bind(c, user_id)?;
        if let Some(hash) = &hash {
            db::user::set_password(c, user_id, hash)?;
        }
        Ok(Ok(()))
    })
    .await?
}

/// bindUsername: sets (or changes) the shopper's username; `pwd` also sets the password.
pub async fn bind_username(db: &Db, user_id: i64, name: String, pwd: Option<String>) -> Result<(), ApiError> {
    let hash = match pwd {
        Some(p) => Some(hash_new(p).await?),
        None => None,
    };
    db.write(move |c| {
        Ident::Username(name).bind(c, user_id)?;
        if let Some(hash) = &hash {
            db::user::set_password(c, user_id, hash)?;
        }
        Ok(())
    })
    .await
}

/// modifyUserPassword: a logged-in shopper changes the password. The old one is checked when one
/// is set (failures limited like logins); the shopper's other tokens are revoked.
pub async fn change_password(
    db: &Db,
    limiter: &LoginLimiter,
    user_id: i64,
    token: &str,
    old: Option<String>,
    new: String,
    ip: Option<IpAddr>,
) -> Result<(), ApiError> {
    let now = db::unix_now();
    let stored = db.read(move |c| Ok::<_, ApiError>(db::user::password_hash(c, user_id)?)).await?;
    if let Some(stored) = stored {
        let old = old.ok_or(ApiError::Missing("pwdOld"))?;
        let key = LoginLimiter::key(&format!("uid:{user_id}"), ip);
        limiter.check(&key, now)?;
        if !blocking(move || Ok(verify(&old, Some(&stored)))).await? {
            limiter.failed(&key, now);
            return Err(ApiError::invalid("pwdOld", "原密码不正确"));
        }
        limiter.succeeded(&key);
    }
    let hash = hash_new(new).await?;
    let keep = crate::secret::hash_token(token);
    db.write(move |c| {
        db::user::set_password(c, user_id, &hash)?;
        db::user::delete_tokens_of(c, user_id, Some(&keep))?;
        Ok(())
    })
    .await
}

/// modifyUserPasswordByUserName: username + old password + new password, no token. Failures
/// count with the username's logins; every token of the account is revoked.
pub async fn change_password_by_username(
    db: &Db,
    limiter: &LoginLimiter,
    name: String,
    old: String,
    new: String,
    ip: Option<IpAddr>,
) -> Result<(), ApiError> {
    let id = check_password(db, limiter, &Ident::Username(name), old, ip).await?;
    let hash = hash_new(new).await?;
    db.write(move |c| {
        let u = db::user::by_id(c, id)?.ok_or(ApiError::NotFound("用户"))?;
        if u.status != 0 {
            return Err(ApiError::Forbidden("账号已被禁用".into()));
        }
        db::user::set_password(c, id, &hash)?;
        db::user::delete_tokens_of(c, id, None)?;
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_passwords_are_checked() {
        assert_eq!(username("username", " alice_01 ").unwrap(), "alice_01");
        for bad in ["ab", "a-b-c", "张三丰", "a b c", &"x".repeat(31)] {
            assert!(username("username", bad).is_err(), "{bad}");
        }
        assert!(password("pwd", "12345").is_err());
        assert!(password("pwd", "123456").is_ok());
        assert!(password("pwd", &"密".repeat(64)).is_ok());
        assert!(password("pwd", &"x".repeat(65)).is_err());
    }

    #[test]
    fn five_failures_block_until_the_oldest_leaves_the_window() {
        let l = LoginLimiter::default();
        let key = LoginLimiter::key("Mobile(\"13800138000\")", None);
        for i in 0..5 {
            assert!(l.check(&key, 1000 + i).is_ok());
            l.failed(&key, 1000 + i);
        }
        let e = l.check(&key, 1010).unwrap_err();
        assert_eq!(e.code(), 429);
        assert!(e.msg().contains("15 分钟"), "{}", e.msg());
        assert!(l.check(&key, 1000 + LoginLimiter::WINDOW_SECS).is_ok());
        let other = LoginLimiter::key("Mobile(\"13800138000\")", Some("10.0.0.2".parse().unwrap()));
        assert!(l.check(&other, 1010).is_ok());
        l.succeeded(&key);
        assert!(l.check(&key, 1010).is_ok());
    }
}
