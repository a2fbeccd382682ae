//! Inbox messages from the shop to its shoppers: what features call to notify a shopper, and what
//! the console's 「站内消息」 page sends to one shopper or to all.

use rusqlite::Connection;

use crate::db::{self, message::NewMessage, message::NewSend};
use crate::service::error::{Entity, Error, Field, Result, Rule};

/// Longest title, in characters.
pub const MAX_TITLE: usize = 100;
/// Longest content, in characters.
pub const MAX_CONTENT: usize = 5000;
/// Longest kind (the client's `type`), in characters.
pub const MAX_KIND: usize = 30;

/// The kind the console's messages get when the merchant leaves it empty.
pub const SHOP_KIND: &str = "shop";

/// Checks a message's parts; the title is required, the content may be empty.
fn check(title: &str, content: &str, kind: &str) -> Result<()> {
    let len = |s: &str| s.chars().count();
    if title.trim().is_empty() {
        return Err(Error::missing("title"));
    }
    if len(title) > MAX_TITLE {
        return Err(Error::Invalid { field: Field("title"), rule: Rule::MaxChars(MAX_TITLE) });
    }
    if len(content) > MAX_CONTENT {
        return Err(Error::Invalid { field: Field("content"), rule: Rule::MaxChars(MAX_CONTENT) });
    }
    if len(kind) > MAX_KIND || !kind.chars().all(|ch| ch.is_ascii_alphanumeric() || "_-.".contains(ch)) {
        return Err(Error::invalid("type", format!("只能包含字母、数字和 _-.，最多 {MAX_KIND} 个字符")));
    }
    Ok(())
}

/// Puts a message in one shopper's inbox, inside the caller's transaction (so an order notice is
/// sent exactly when its order change commits); the message id. 404 when there is no such shopper.
pub fn send(c: &Connection, user_id: i64, title: &str, content: &str, kind: &str) -> Result<i64> {
    check(title, content, kind)?;
    if !db::user::exists(c, user_id)? {
        return Err(Error::NotFound(Entity::User));
    }
    let m = NewMessage { kind, title: title.trim(), content, send_id: None };
    Ok(db::message::insert(c, user_id, &m, db::unix_now())?)
}

/// Who a console message goes to.
#[derive(Debug, Clone, Copy)]
pub enum Audience {
    One(i64),
    /// Every shopper whose account is not disabled, at the moment of sending.
    All,
}

/// A console message: recorded as a send, then written to each inbox; how many it reached.
pub fn send_from_console(
    c: &Connection,
    to: Audience,
    title: &str,
    content: &str,
    kind: &str,
    sent_by: &str,
) -> Result<i64> {
    let kind = if kind.trim().is_empty() { SHOP_KIND } else { kind.trim() };
    check(title, content, kind)?;
    let user_id = match to {
        Audience::One(uid) if db::user::exists(c, uid)? => Some(uid),
        Audience::One(_) => return Err(Error::NotFound(Entity::User)),
        Audience::All => None,
    };
    let now = db::unix_now();
    let title = title.trim();
    let send_id = db::message::insert_send(c, &NewSend { user_id, kind, title, content, sent_by }, now)?;
    let m = NewMessage { kind, title, content, send_id: Some(send_id) };
    let reached = match user_id {
        Some(uid) => {
            db::message::insert(c, uid, &m, now)?;
            1
        }
        None => db::message::insert_for_all(c, &m, now)?,
    };
    if reached == 0 {
        // Rolls the send record back too: an empty send would only clutter the merchant's list.
        return Err(Error::refused("还没有可以接收消息的顾客"));
    }
    db::message::set_recipients(c, send_id, reached)?;
    Ok(reached)
}
