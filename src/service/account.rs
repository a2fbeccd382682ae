//! Shopper accounts: WeChat login and registration, tokens, phone binding.

use rusqlite::Connection;

use crate::db::{self, wechat::Account, Db};
use crate::secret;
use crate::service::error::{Entity, Error, Identity, Result};
use crate::service::ledger::{self, Account as Ledger, Source};
use crate::wechat::{crypto, Session, WeChat};

/// How long a login token lives.
pub const TOKEN_DAYS: i64 = 30;

/// What every login method answers (the templates store these four).
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Login {
    pub token: String,
    pub uid: i64,
    pub openid: String,
    pub mobile: String,
}

/// What to do when the openid has no account yet.
#[derive(Debug, Clone, Copy)]
pub enum IfUnknown {
    /// Create the account, crediting `referrer` if it is a real shopper.
    Register { referrer: Option<i64> },
    /// Answer 10000 (login_wx).
    Refuse,
}

/// Issues a new token for `user_id` inside the caller's transaction; returns the token.
pub fn issue_token(c: &Connection, user_id: i64, now: i64) -> Result<String> {
    let token = secret::new_token();
    db::user::insert_token(c, &secret::hash_token(&token), user_id, now + TOKEN_DAYS * 86_400, now)?;
    db::user::touch_login(c, user_id, now)?;
    Ok(token)
}

fn valid_referrer(c: &Connection, referrer: Option<i64>) -> Result<Option<i64>> {
    match referrer {
        Some(r) if db::user::exists(c, r)? => Ok(Some(r)),
        _ => Ok(None),
    }
}

/// Finds or creates the account of a WeChat session and logs it in (one transaction).
/// `mobile`, when given, is bound to the account (phone-number login).
pub fn login_session(
    c: &Connection,
    appid: &str,
    s: &Session,
    if_unknown: IfUnknown,
    mobile: Option<&str>,
) -> Result<Login> {
    let now = db::unix_now();
    let user_id = if let Some(a) = db::wechat::by_openid(c, appid, &s.openid)? {
        db::wechat::set_session_key(c, a.user_id, &s.session_key, s.unionid.as_deref(), now)?;
        a.user_id
    } else {
        // A phone login may find the shopper's account by the number first.
        let existing = match mobile {
            Some(m) => db::user::by_mobile(c, m)?.map(|u| u.id),
            None => None,
        };
        let user_id = match (existing, if_unknown) {
            (Some(id), _) => id,
            (None, IfUnknown::Refuse) => return Err(Error::NotRegistered),
            (None, IfUnknown::Register { referrer }) => {
                let referrer = valid_referrer(c, referrer)?;
                crate::service::points::welcome(c, db::user::create(c, "wxapp", referrer, mobile, now)?)?
            }
        };
        if db::wechat::by_user(c, user_id)?.is_some() {
            return Err(Error::Taken(Identity::Mobile));
        }
        let account = Account {
            user_id,
            appid: appid.to_string(),
            openid: s.openid.clone(),
            unionid: s.unionid.clone(),
            session_key: s.session_key.clone(),
        };
        db::wechat::insert(c, &account, now)?;
        user_id
    };
    if let Some(m) = mobile {
        bind_mobile(c, user_id, m)?;
    }
    let user = db::user::by_id(c, user_id)?.ok_or(Error::NotFound(Entity::User))?;
    if user.status != 0 {
        return Err(Error::denied("账号已被禁用"));
    }
    let token = issue_token(c, user_id, now)?;
    Ok(Login { token, uid: user_id, openid: s.openid.clone(), mobile: user.mobile.unwrap_or_default() })
}

/// Binds a mobile number; refused when another account holds it.
pub fn bind_mobile(c: &Connection, user_id: i64, mobile: &str) -> Result<()> {
    match db::user::by_mobile(c, mobile)? {
        Some(other) if other.id != user_id => Err(Error::Taken(Identity::Mobile)),
        Some(_) => Ok(()),
        None => Ok(db::user::set_mobile(c, user_id, mobile)?),
    }
}

/// code2Session then [`login_session`], off the executor.
pub async fn wechat_login(db: &Db, wx: &WeChat, code: String, if_unknown: IfUnknown) -> Result<Login> {
    let (db, wx) = (db.clone(), wx.clone());
    db::blocking(move || {
        let session = wx.code2session(&code)?;
        let appid = wx.creds()?.appid;
        db.write_sync(|c| login_session(c, &appid, &session, if_unknown, None))
    })
    .await
}

/// Opens encrypted data with a session key, mapping failures to what the shopper should do.
pub fn open_data(session_key: &str, encrypted: &str, iv: &str, appid: &str) -> Result<serde_json::Value> {
    crypto::decrypt(session_key, encrypted, iv, appid).map_err(|e| match e {
        crypto::CryptoError::Base64(name) | crypto::CryptoError::Length(name) => {
            Error::invalid(if name == "session_key" { "encryptedData" } else { name }, "格式不正确")
        }
        crypto::CryptoError::Decrypt => Error::SessionStale,
        crypto::CryptoError::Watermark => Error::invalid("encryptedData", "不属于本小程序"),
    })
}

/// The phone number inside decrypted getPhoneNumber data.
pub fn phone_of(data: &serde_json::Value) -> Result<String> {
    data["purePhoneNumber"]
        .as_str()
        .or_else(|| data["phoneNumber"].as_str())
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .ok_or_else(|| Error::invalid("encryptedData", "不包含手机号"))
}

/// Disables (1) or enables (0) a shopper; disabling ends every login at once. False when unknown.
pub async fn set_status(db: &Db, user_id: i64, status: i64) -> Result<bool> {
    db.write(move |c| Ok(db::user::set_status(c, user_id, status)?)).await
}

/// Revokes one login token (loginout).
pub async fn logout(db: &Db, token: &str) -> Result<()> {
    let hash = secret::hash_token(token);
    db.write(move |c| db::user::delete_token(c, &hash)).await?;
    Ok(())
}

/// Deletes (注销) the shopper's account in one transaction, as the template's three-step page
/// asks: refused while an order is paid but not received, a refund is unsettled or a withdrawal is
/// pending; otherwise the balance, points and growth go to zero on the ledger, held cards are
/// emptied on their logs, personal data is removed or anonymised (`db::user::erase`), and every
/// login ends. Orders, payments and the ledger stay for the merchant's books.
pub fn delete_account(c: &Connection, user_id: i64, now: i64) -> Result<()> {
    if db::user::open_business(c, user_id)? > 0 {
        return Err(Error::refused("您还有进行中的订单、售后或提现，处理完成后才能注销"));
    }
    let accounts = ledger::accounts_of(c, user_id)?;
    for account in [Ledger::Balance, Ledger::Score, Ledger::Growth] {
        let left = accounts.get(account);
        if left != 0 {
            ledger::post(c, user_id, account, -left, "账号注销清零", Source::AccountDeleted, "")?;
        }
    }
    crate::service::cards::empty_all(c, user_id, "账号注销", now)?;
    if !db::user::erase(c, user_id)? {
        return Err(Error::NotFound(Entity::User));
    }
    Ok(())
}
