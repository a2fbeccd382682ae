//! The shopper's pay password: 6 digits, argon2-hashed, asked by orderPay once set. Hashing and
//! checking run on the password pool (`service::password`) outside any write transaction, so the
//! single writer never waits for argon2. Each try is counted in the database BEFORE it is checked
//! (and counts as wrong until it proves right), so concurrent tries cannot pass the limit: the 5th
//! wrong one within 15 minutes locks paying (and modifying) for 15 minutes, restart or not.

use super::codes::{self, Channel};
use super::password;
use crate::db::{self, pay_password as store, Db};
use crate::service::error::{Entity, Error, Result};

/// Wrong tries allowed within [`WINDOW_SECS`] before the lockout.
pub const MAX_FAILS: i64 = 5;
/// The window wrong tries are counted in, and how long the lockout lasts.
pub const WINDOW_SECS: i64 = 15 * 60;

/// A pay password: exactly 6 digits.
pub fn digits(name: &'static str, v: &str) -> Result<String> {
    if v.len() != 6 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(name, "支付密码应为 6 位数字"));
    }
    Ok(v.to_string())
}

/// setPayPassword: the first pay password; 403 when one is set already (modify or reset it).
pub async fn set(db: &Db, user_id: i64, pwd: String) -> Result<()> {
    let hash = password::hash(pwd).await?;
    let added =
        db.write(move |c| store::insert(c, user_id, &hash, db::unix_now()).map_err(Error::from)).await?;
    if !added {
        return Err(already_set());
    }
    Ok(())
}

fn already_set() -> Error {
    Error::refused("已设置过支付密码，请使用修改支付密码或通过短信验证码重置")
}

/// modifyPayPassword: the old pay password (a wrong one counts as a wrong try) proves the change.
pub async fn modify(db: &Db, user_id: i64, old: String, new: String) -> Result<()> {
    let Some(hash_old) = check(db, user_id, Some(old), "pwdOld").await? else {
        return Err(Error::refused("尚未设置支付密码，请先设置"));
    };
    let hash = password::hash(new).await?;
    let replaced = db
        .write(move |c| store::replace(c, user_id, &hash_old, &hash, db::unix_now()).map_err(Error::from))
        .await?;
    if !replaced {
        // Changed (or reset) by another request between the check and this write.
        return Err(Error::refused("支付密码刚被修改，请重新输入"));
    }
    Ok(())
}

/// resetPayPassword: a new pay password for the account of `mobile`, proved by an SMS code.
/// Clears any lockout.
pub async fn reset(db: &Db, mobile: String, code: String, pwd: String) -> Result<()> {
    codes::require_live(db, Channel::Sms, &mobile).await?;
    let hash = password::hash(pwd).await?;
    db.write(move |c| {
        let now = db::unix_now();
        if let Err(refusal) = codes::redeem(c, Channel::Sms, &mobile, &code, now)? {
            return Ok(Err(refusal));
        }
        let u = db::user::by_mobile(c, &mobile)?.ok_or(Error::NotFound(Entity::AccountWithMobile))?;
        if u.status != 0 {
            return Err(Error::denied("账号已被禁用"));
        }
        store::upsert(c, u.id, &hash, now)?;
        Ok(Ok(()))
    })
    .await?
}

/// How long a SOTER challenge stays usable.
pub const SOTER_CHALLENGE_SECS: i64 = 5 * 60;

/// A new SOTER challenge for the shopper (the `challenge` of wx.startSoterAuthentication); it
/// replaces any earlier one and is used once.
pub async fn soter_challenge(db: &Db, user_id: i64) -> Result<String> {
    let challenge = crate::secret::new_token();
    let hash = crate::secret::hash_token(&challenge);
    let expires = db::unix_now() + SOTER_CHALLENGE_SECS;
    db.write(move |c| db::soter::put_challenge(c, user_id, &hash, expires)).await?;
    Ok(challenge)
}

/// A new pay password proved by the shopper's fingerprint or face instead of an SMS code: the
/// SOTER result must sign the shopper's live challenge (used up by this try, right or wrong) and
/// WeChat must vouch for the signature. Clears any lockout.
pub async fn reset_by_soter(
    db: &Db,
    wx: &crate::wechat::WeChat,
    user_id: i64,
    json_string: String,
    json_signature: String,
    pwd: String,
) -> Result<()> {
    let signed: serde_json::Value =
        serde_json::from_str(&json_string).map_err(|_| Error::invalid("jsonString", "不是生物认证的结果"))?;
    let raw = signed["raw"].as_str().ok_or_else(|| Error::invalid("jsonString", "缺少 raw（验证的挑战）"))?;
    let hash = crate::secret::hash_token(raw);
    let (db2, wx2) = (db.clone(), wx.clone());
    db::blocking(move || {
        let now = db::unix_now();
        if !db2.write_sync(|c| db::soter::take_challenge(c, user_id, &hash, now))? {
            return Err(Error::refused("生物认证已过期，请重新验证"));
        }
        let account = db2.read_sync(|c| db::wechat::by_user(c, user_id))?;
        let openid = account
            .map(|a| a.openid)
            .ok_or_else(|| Error::invalid("token", "本账号没有微信身份，无法使用生物认证"))?;
        if wx2.soter_verify(&openid, &json_string, &json_signature)? {
            Ok(())
        } else {
            Err(Error::denied("生物认证未通过"))
        }
    })
    .await?;
    let hash = password::hash(pwd).await?;
    db.write(move |c| Ok(store::upsert(c, user_id, &hash, db::unix_now())?)).await
}

/// Checks the shopper's pay password when one is set: `Ok(None)` when none is set (nothing to
/// check), `Ok(Some(hash))` when `pwd` is right. Missing → 300 naming `param`; wrong → 401 with the
/// tries left; locked → 429 with the wait. The try is counted before argon2 runs.
pub async fn check(
    db: &Db,
    user_id: i64,
    pwd: Option<String>,
    param: &'static str,
) -> Result<Option<String>> {
    // Most shoppers set none: a read answers them without the writer.
    let Some(stored) = db.read(move |c| store::get(c, user_id).map_err(Error::from)).await? else {
        return Ok(None);
    };
    let now = db::unix_now();
    if stored.locked_until > now {
        return Err(locked(stored.locked_until - now));
    }
    let pwd = pwd.ok_or_else(|| Error::invalid(param, "请输入支付密码"))?;
    let Some((nth, hash)) = db.write(move |c| count_try(c, user_id, now)).await?? else {
        return Ok(None); // removed in between (the account is gone)
    };
    let right = match password::verify(pwd, Some(hash.clone())).await {
        Ok(right) => right,
        Err(e) => {
            if never_checked(&e) {
                // Never checked: the try does not count.
                db.write(move |c| store::take_back_fail(c, user_id).map_err(Error::from)).await?;
            }
            return Err(e);
        }
    };
    if right {
        db.write(move |c| store::set_fails(c, user_id, 0, 0, 0).map_err(Error::from)).await?;
        return Ok(Some(hash));
    }
    if nth < MAX_FAILS {
        return Err(Error::PayPasswordWrong { left: MAX_FAILS - nth });
    }
    db.write(move |c| store::set_fails(c, user_id, 0, 0, now + WINDOW_SECS).map_err(Error::from)).await?;
    Err(locked(WINDOW_SECS))
}

/// Counts a try before it is checked: `Some((nth try in the window, hash))`, `None` when no pay
/// password is set, 429 while locked or while the window's tries are all taken.
fn count_try(c: &rusqlite::Connection, user_id: i64, now: i64) -> Result<Result<Option<(i64, String)>>> {
    let Some(cur) = store::get(c, user_id)? else { return Ok(Ok(None)) };
    if cur.locked_until > now {
        return Ok(Err(locked(cur.locked_until - now)));
    }
    let (fails, start) =
        if now - cur.fail_window_start < WINDOW_SECS { (cur.fails, cur.fail_window_start) } else { (0, now) };
    if fails >= MAX_FAILS {
        // The window's tries are being checked right now; the last of them locks if wrong.
        return Ok(Err(locked(WINDOW_SECS)));
    }
    store::set_fails(c, user_id, fails + 1, start, 0)?;
    Ok(Ok(Some((fails + 1, cur.hash))))
}

/// True when the password pool answered busy: the password was never checked.
fn never_checked(e: &Error) -> bool {
    matches!(e, Error::Busy)
}

fn locked(secs: i64) -> Error {
    Error::RateLimited(format!("支付密码错误次数过多，请 {}后再试", codes::wait_text(secs)).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::error::Field;

    #[test]
    fn a_pay_password_is_exactly_six_digits() {
        assert_eq!(digits("pwd", "012345").unwrap(), "012345");
        for bad in ["12345", "1234567", "12345a", "１２３４５６", ""] {
            // Answered as code 300 naming the field.
            assert!(matches!(digits("pwd", bad), Err(Error::Invalid { field: Field("pwd"), .. })), "{bad}");
        }
    }
}
