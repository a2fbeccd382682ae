//! Writing goods reviews: the one place that checks a review before it is stored, for
//! orderReputation (orders), the demo data and tests.

use rusqlite::Connection;

use crate::db::catalog;
use crate::db::reputation::{self, NewReputation};
use crate::service::error::{Entity, Error, Result};
use crate::service::security::{self, Scene, Verdict};

/// Longest review text, in characters.
pub const MAX_REMARK: usize = 500;
/// Most pictures on one review.
pub const MAX_PICS: usize = 9;

/// Checks and stores a review of an existing goods; its id. 300 names the bad field; an order
/// line reviewed twice answers 403.
pub fn add_review(c: &Connection, r: &NewReputation, now: i64) -> Result<i64> {
    if !(0..=2).contains(&r.reputation) {
        return Err(Error::invalid("reputation", "应为 0（差评）、1（中评）或 2（好评）"));
    }
    if !(1..=5).contains(&r.stars) {
        return Err(Error::invalid("stars", "应在 1 到 5 之间"));
    }
    if r.remark.chars().count() > MAX_REMARK {
        return Err(Error::invalid("remark", format!("最多 {MAX_REMARK} 个字")));
    }
    if r.pics.len() > MAX_PICS {
        return Err(Error::invalid("pics", format!("最多 {MAX_PICS} 张图片")));
    }
    if catalog::goods(c, r.goods_id)?.is_none() {
        return Err(Error::NotFound(Entity::Goods));
    }
    if let Some(line) = r.order_goods_id {
        if reputation::line_reviewed(c, line)? {
            return Err(Error::refused("该商品已评价过"));
        }
    }
    Ok(reputation::insert(c, r, now)?)
}

/// [`add_review`] for a shopper's review that went through the content check
/// (`service::security::check_text` with `Scene::Reputation`, before the write transaction): a
/// held one is stored hidden (status 1) and recorded for the merchant.
pub fn add_checked_review(c: &Connection, r: &NewReputation, verdict: &Verdict, now: i64) -> Result<i64> {
    let id = add_review(c, r, now)?;
    if verdict.held() {
        reputation::set_status(c, id, HIDDEN)?;
        security::record_held(c, r.user_id, Scene::Reputation, id, verdict, &r.remark, now)?;
    }
    Ok(id)
}

/// A review's status while hidden (held reviews stay hidden until the merchant shows them).
const HIDDEN: i64 = 1;
/// Longest merchant reply, in characters.
pub const MAX_REPLY: usize = 500;

/// Writes the merchant's reply to a review ("" removes it); shoppers see it at once.
pub fn reply_review(c: &Connection, id: i64, reply: &str, now: i64) -> Result<()> {
    let reply = reply.trim();
    if reply.chars().count() > MAX_REPLY {
        return Err(Error::invalid("reply", format!("最多 {MAX_REPLY} 个字")));
    }
    if !reputation::set_reply(c, id, reply, now)? {
        return Err(Error::NotFound(Entity::Review));
    }
    Ok(())
}

/// Hides a review from shoppers or shows it again (the goods' review counts follow).
pub fn set_review_hidden(c: &Connection, id: i64, hidden: bool) -> Result<()> {
    if !reputation::set_status(c, id, i64::from(hidden))? {
        return Err(Error::NotFound(Entity::Review));
    }
    Ok(())
}
