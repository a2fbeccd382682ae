//! The member code (会员码): a short-lived number the shopper's page shows as a barcode and QR code
//! (dynamicUserCode) and the shop's staff scan or type to know who stands at the counter.

use rusqlite::Connection;

use crate::db;
use crate::secret;
use crate::service::error::{Entity, Error, Result};

/// How long a member code identifies its shopper.
pub const LIVE_SECS: i64 = 300;
/// Digits of a code: numeric, so any barcode reader and a keypad can take it.
const DIGITS: usize = 18;

/// A new code for the shopper (their older one stops working); the code itself, shown once.
pub fn issue(c: &Connection, user_id: i64, now: i64) -> Result<String> {
    let code = secret::random_string(DIGITS, b"0123456789");
    db::member_code::put(c, user_id, &secret::hash_token(&code), now + LIVE_SECS)?;
    Ok(code)
}

/// The shopper a typed or scanned code names while it is live; 404 otherwise.
pub fn member(c: &Connection, typed: &str, now: i64) -> Result<db::user::User> {
    let code: String = typed.chars().filter(char::is_ascii_digit).collect();
    if code.len() != DIGITS {
        return Err(Error::invalid("code", format!("会员码应为 {DIGITS} 位数字")));
    }
    let uid = db::member_code::owner(c, &secret::hash_token(&code), now)?
        .ok_or(Error::NotFound(Entity::MemberCode))?;
    db::user::by_id(c, uid)?.ok_or(Error::NotFound(Entity::User))
}
