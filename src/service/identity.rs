//! Accounts by mobile, username or e-mail: registration, password and code logins, password
//! resets and binding. Passwords are argon2 hashes made and checked on the password pool
//! (`service::password`) before the write transaction, so the single writer never waits for them.
//!
//! A wrong password answers the same whether the account exists or not (an unknown account still
//! costs one argon2 verification). Every password try is counted before it is checked, per account
//! and client address and per address (`service::attempts`); registrations per address.

use std::net::IpAddr;

use rusqlite::Connection;

use super::account::{issue_token, Login};
use super::attempts::{self, Attempt, Door, Locked};
use super::codes::{self, Channel};
use super::password;
use crate::db::{self, user::NewAccount, user::User, Db};
use crate::service::error::{Entity, Error, Identity, Result};

pub const MIN_PASSWORD: usize = 6;
pub const MAX_PASSWORD: usize = 64;

/// A password of 6–64 characters.
pub fn password(name: &'static str, v: &str) -> Result<String> {
    let n = v.chars().count();
    if !(MIN_PASSWORD..=MAX_PASSWORD).contains(&n) {
        return Err(Error::invalid(name, format!("密码应为 {MIN_PASSWORD}–{MAX_PASSWORD} 个字符")));
    }
    Ok(v.to_string())
}

/// A username: 3–30 of A-Z, a-z, 0-9 and _.
pub fn username(name: &'static str, v: &str) -> Result<String> {
    let v = v.trim();
    if !(3..=30).contains(&v.len()) || !v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(Error::invalid(name, "用户名应为 3–30 个字母、数字或下划线"));
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

    pub fn find(&self, c: &Connection) -> db::Result<Option<User>> {
        match self {
            Ident::Mobile(m) => db::user::by_mobile(c, m),
            Ident::Username(u) => db::user::by_username(c, u),
            Ident::Email(e) => db::user::by_email(c, e),
        }
    }

    fn taken(&self) -> Error {
        Error::Taken(match self {
            Ident::Mobile(_) => Identity::Mobile,
            Ident::Username(_) => Identity::Username,
            Ident::Email(_) => Identity::Email,
        })
    }

    /// The account name password tries are counted under (names are unique whatever their case).
    fn try_key(&self) -> String {
        match self {
            Ident::Mobile(m) => format!("mobile:{m}"),
            Ident::Username(u) => format!("username:{}", u.to_lowercase()),
            Ident::Email(e) => format!("email:{}", e.to_lowercase()),
        }
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
    fn bind(&self, c: &Connection, user_id: i64) -> Result<()> {
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

/// Hashes a new password on the password pool.
pub async fn hash_new(pwd: String) -> Result<String> {
    password::hash(pwd).await
}

fn locked(l: Locked) -> Error {
    Error::RateLimited(format!("密码错误次数过多，请 {}后再试", l.wait()).into())
}

fn too_many_registrations(l: Locked) -> Error {
    Error::RateLimited(format!("注册过于频繁，请 {}后再试", l.wait()).into())
}

/// Counts a registration from `ip`, then hashes its password (a busy pool un-counts it).
async fn hash_registration(db: &Db, ip: Option<IpAddr>, pwd: String) -> Result<String> {
    let attempt = attempts::reserve_registration(db, ip).await?.map_err(too_many_registrations)?;
    attempts::unless_busy(db, &attempt, password::hash(pwd).await).await
}

/// Issues a token for an account, refusing a disabled one (in the caller's transaction).
pub fn login_user(c: &Connection, user_id: i64, now: i64) -> Result<Login> {
    let u = db::user::by_id(c, user_id)?.ok_or(Error::NotFound(Entity::User))?;
    if u.status != 0 {
        return Err(Error::denied("账号已被禁用"));
    }
    let token = issue_token(c, user_id, now)?;
    let openid = db::wechat::by_user(c, user_id)?.map(|a| a.openid).unwrap_or_default();
    Ok(Login { token, uid: user_id, openid, mobile: u.mobile.unwrap_or_default() })
}

fn valid_referrer(c: &Connection, referrer: Option<i64>) -> Result<Option<i64>> {
    match referrer {
        Some(r) if db::user::exists(c, r)? => Ok(Some(r)),
        _ => Ok(None),
    }
}

/// Counts a try for `ident` from `ip`, then finds the account and checks its password. Returns
/// the account id and the counted try (for [`attempts::succeeded`] in the caller's transaction);
/// the same `BadLogin` for an unknown account and a wrong password.
async fn check_password(db: &Db, ident: &Ident, pwd: String, ip: Option<IpAddr>) -> Result<(i64, Attempt)> {
    let attempt = attempts::reserve_try(db, Door::Shop, &ident.try_key(), ip).await?.map_err(locked)?;
    let who = ident.clone();
    let found = db
        .read(move |c| match who.find(c)? {
            Some(u) => Ok::<_, Error>(Some((u.id, db::user::password_hash(c, u.id)?))),
            None => Ok(None),
        })
        .await?;
    let stored = found.as_ref().and_then(|(_, h)| h.clone());
    let right = attempts::unless_busy(db, &attempt, password::verify(pwd, stored).await).await?;
    match found {
        Some((id, _)) if right => Ok((id, attempt)),
        _ => Err(Error::BadLogin),
    }
}

/// login_mobile / login_username / login_email: password login.
pub async fn login_password(db: &Db, ident: Ident, pwd: String, ip: Option<IpAddr>) -> Result<Login> {
    let (id, attempt) = check_password(db, &ident, pwd, ip).await?;
    db.write(move |c| {
        // The right password is forgotten as a failure even when the account is disabled.
        attempts::succeeded(c, &attempt)?;
        Ok::<_, Error>(login_user(c, id, db::unix_now()))
    })
    .await?
}

/// register_username: a new account with a password. 409 when the username is taken.
pub async fn register_username(
    db: &Db,
    name: String,
    pwd: String,
    profile: Profile,
    auto_login: bool,
    ip: Option<IpAddr>,
) -> Result<Option<Login>> {
    let hash = hash_registration(db, ip, pwd).await?;
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
#[allow(clippy::too_many_arguments)] // the client's parameters, each checked by the handler
pub async fn register_with_code(
    db: &Db,
    channel: Channel,
    target: String,
    code: String,
    pwd: String,
    profile: Profile,
    auto_login: bool,
    ip: Option<IpAddr>,
) -> Result<Option<Login>> {
    codes::require_live(db, channel, &target).await?;
    let hash = hash_registration(db, ip, pwd).await?;
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
        let id = if let Some(u) = existing {
            u.id
        } else {
            let mut profile = profile;
            profile.referrer = valid_referrer(c, profile.referrer)?;
            crate::service::points::welcome(
                c,
                db::user::create_account(c, &ident.account(Some(hash), &profile), now)?,
            )?
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
    ip: Option<IpAddr>,
) -> Result<Login> {
    let ident = Ident::of(channel, &target);
    let addr = attempts::address(ip);
    db.write(move |c| {
        let now = db::unix_now();
        if let Err(refusal) = codes::redeem(c, channel, &target, &code, now)? {
            return Ok(Err(refusal));
        }
        // An error from here on rolls back, so the code stays usable (e.g. to retry with autoReg).
        let id = match ident.find(c)? {
            Some(u) => u.id,
            None if auto_reg => {
                attempts::take_registration(c, &addr, now)?.map_err(too_many_registrations)?;
                let mut profile = profile;
                profile.referrer = valid_referrer(c, profile.referrer)?;
                crate::service::points::welcome(
                    c,
                    db::user::create_account(c, &ident.account(None, &profile), now)?,
                )?
            }
            None => return Err(Error::NotFound(Entity::Account)),
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
) -> Result<()> {
    codes::require_live(db, channel, &target).await?;
    let hash = hash_new(pwd).await?;
    let ident = Ident::of(channel, &target);
    db.write(move |c| {
        let now = db::unix_now();
        if let Err(refusal) = codes::redeem(c, channel, &target, &code, now)? {
            return Ok(Err(refusal));
        }
        let u = ident.find(c)?.ok_or(Error::NotFound(Entity::Account))?;
        if u.status != 0 {
            return Err(Error::denied("账号已被禁用"));
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
) -> Result<()> {
    codes::require_live(db, channel, &target).await?;
    let hash = match pwd {
        Some(p) => Some(hash_new(p).await?),
        None => None,
    };
    let ident = Ident::of(channel, &target);
    db.write(move |c| {
        if let Err(refusal) = codes::redeem(c, channel, &target, &code, db::unix_now())? {
            return Ok::<_, Error>(Err(refusal));
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
pub async fn bind_username(db: &Db, user_id: i64, name: String, pwd: Option<String>) -> Result<()> {
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
/// is set (tries counted like logins, under the shopper's id); the shopper's other tokens are revoked.
pub async fn change_password(
    db: &Db,
    user_id: i64,
    token: &str,
    old: Option<String>,
    new: String,
    ip: Option<IpAddr>,
) -> Result<()> {
    let stored = db.read(move |c| db::user::password_hash(c, user_id)).await?;
    let attempt = match stored {
        Some(stored) => {
            let old = old.ok_or(Error::missing("pwdOld"))?;
            let key = format!("uid:{user_id}");
            let attempt = attempts::reserve_try(db, Door::Shop, &key, ip).await?.map_err(locked)?;
            if !attempts::unless_busy(db, &attempt, password::verify(old, Some(stored)).await).await? {
                return Err(Error::invalid("pwdOld", "原密码不正确"));
            }
            Some(attempt)
        }
        None => None,
    };
    let hash = match &attempt {
        Some(a) => attempts::unless_busy(db, a, password::hash(new).await).await?,
        None => password::hash(new).await?,
    };
    let keep = crate::secret::hash_token(token);
    db.write(move |c| {
        if let Some(a) = &attempt {
            attempts::succeeded(c, a)?;
        }
        db::user::set_password(c, user_id, &hash)?;
        db::user::delete_tokens_of(c, user_id, Some(&keep))?;
        Ok(())
    })
    .await
}

/// modifyUserPasswordByUserName: username + old password + new password, no token. Tries count
/// with the username's logins; every token of the account is revoked.
pub async fn change_password_by_username(
    db: &Db,
    name: String,
    old: String,
    new: String,
    ip: Option<IpAddr>,
) -> Result<()> {
    let (id, attempt) = check_password(db, &Ident::Username(name), old, ip).await?;
    let hash = attempts::unless_busy(db, &attempt, password::hash(new).await).await?;
    db.write(move |c| {
        attempts::succeeded(c, &attempt)?;
        let u = db::user::by_id(c, id)?.ok_or(Error::NotFound(Entity::User))?;
        if u.status != 0 {
            return Ok::<_, Error>(Err(Error::denied("账号已被禁用")));
        }
        db::user::set_password(c, id, &hash)?;
        db::user::delete_tokens_of(c, id, None)?;
        Ok(Ok(()))
    })
    .await?
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
}
