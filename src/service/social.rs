//! Friends and follows between shoppers: who may befriend or follow whom, and what each may see.
//!
//! Friendship is mutual and made by one side (the shopper who adds holds an uid the other shared,
//! e.g. through an invitation card); either side may end it. Follows are one-way. Adding or
//! removing twice changes nothing, so counts stay right under retries and double taps.

use rusqlite::Connection;

use crate::db::{self, follow, friend::FriendRow, user::User};
use crate::service::error::{Entity, Error, Result};

const NO_USER: Error = Error::NotFound(Entity::User);

/// The shopper `uid`, if their account exists and is not disabled; 404 otherwise.
fn active(c: &Connection, uid: i64) -> Result<User> {
    db::user::by_id(c, uid)?.filter(|u| u.status == 0).ok_or(NO_USER)
}

/// Refuses acting on oneself, naming the parameter.
fn not_self(me: i64, uid: i64, what: &str) -> Result<()> {
    if me == uid {
        return Err(Error::invalid("uid", format!("不能{what}自己")));
    }
    Ok(())
}

/// Befriends `uid` (both ways); an existing friendship is answered as it is.
pub fn add_friend(c: &Connection, me: i64, uid: i64) -> Result<FriendRow> {
    not_self(me, uid, "添加")?;
    active(c, uid)?;
    db::friend::befriend(c, me, uid, db::unix_now())?;
    db::friend::friend_of(c, me, uid)?.ok_or(NO_USER)
}

/// Ends the friendship with `uid` (both ways); none to end is fine too.
pub fn delete_friend(c: &Connection, me: i64, uid: i64) -> Result<()> {
    not_self(me, uid, "删除")?;
    if !db::user::exists(c, uid)? {
        return Err(NO_USER);
    }
    db::friend::unfriend(c, me, uid)?;
    Ok(())
}

/// A friend's profile as a friend may see it: 404 for no such shopper, 403 for a non-friend.
pub fn friend_detail(c: &Connection, me: i64, uid: i64) -> Result<FriendRow> {
    if let Some(f) = db::friend::friend_of(c, me, uid)? {
        return Ok(f);
    }
    active(c, uid)?;
    Err(Error::denied("只能查看好友的资料，请先添加对方为好友"))
}

/// Follows `uid`; following again changes nothing.
pub fn follow(c: &Connection, me: i64, uid: i64) -> Result<()> {
    not_self(me, uid, "关注")?;
    active(c, uid)?;
    follow::follow(c, me, uid, db::unix_now())?;
    Ok(())
}

/// Stops following `uid`; not following is fine too.
pub fn unfollow(c: &Connection, me: i64, uid: i64) -> Result<()> {
    not_self(me, uid, "取消关注")?;
    if !db::user::exists(c, uid)? {
        return Err(NO_USER);
    }
    follow::unfollow(c, me, uid)?;
    Ok(())
}

/// Another shopper's public card as a follower sees it.
#[derive(Debug, Clone)]
pub struct Card {
    pub user: User,
    /// How many they follow, and how many follow them.
    pub counts: (i64, i64),
    /// I follow them.
    pub followed: bool,
    /// They follow me.
    pub follows_me: bool,
}

/// `uid`'s card for `me`; 404 for no such (or a disabled) shopper. `me` may look at themself.
pub fn card(c: &Connection, me: i64, uid: i64) -> Result<Card> {
    let user = active(c, uid)?;
    Ok(Card {
        user,
        counts: follow::counts(c, uid)?,
        followed: follow::follows(c, me, uid)?,
        follows_me: follow::follows(c, uid, me)?,
    })
}
