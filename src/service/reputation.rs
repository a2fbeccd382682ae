//! Writing goods reviews: the one place that checks a review before it is stored, for
//! orderReputation (orders), the demo data and tests.

use rusqlite::Connection;

use crate::db::catalog;
use crate::db::reputation::{self, NewReputation};
use crate::error::ApiError;
use crate::service::security::{self, Scene, Verdict};

/// Longest review text, in characters.
pub const MAX_REMARK: usize = 500;
/// Most pictures on one review.
pub const MAX_PICS: usize = 9;

/// Checks and stores a review of an existing goods; its id. 300 names the bad field; an order
/// line reviewed twice answers 403.
pub fn add_review(c: &Connection, r: &NewReputation, now: i64) -> Result<i64, ApiError> {
    if !(0..=2).contains(&r.reputation) {
        return Err(ApiError::invalid("reputation", "应为 0（差评）、1（中评）或 2（好评）"));
    }
    if !(1..=5).contains(&r.stars) {
        return Err(ApiError::invalid("stars", "应在 1 到 5 之间"));
    }
    if r.remark.chars().count() > MAX_REMARK {
        return Err(ApiError::invalid("remark", format!("最多 {MAX_REMARK} 个字")));
    }
    if r.pics.len() > MAX_PICS {
        return Err(ApiError::invalid("pics", format!("最多 {MAX_PICS} 张图片")));
    }
    if catalog::goods(c, r.goods_id)?.is_none() {
        return Err(ApiError::NotFound("商品"));
    }
    if let Some(line) = r.order_goods_id {
        if reputation::line_reviewed(c, line)? {
            return Err(ApiError::Forbidden("该商品已评价过".into()));
        }
    }
    Ok(reputation::insert(c, r, now)?)
}

/// [`add_review`] for a shopper's review that went through the content check
/// (`service::security::check_text` with `Scene::Reputation`, before the write transaction): a
/// held one is stored hidden (status 1) and recorded for the merchant.
pub fn add_checked_review(
    c: &Connection,
    r: &NewReputation,
    verdict: &Verdict,
    now: i64,
) -> Result<i64, ApiError> {
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
pub fn reply_review(c: &Connection, id: i64, reply: &str, now: i64) -> Result<(), ApiError> {
    let reply = reply.trim();
    if reply.chars().count() > MAX_REPLY {
        return Err(ApiError::invalid("reply", format!("最多 {MAX_REPLY} 个字")));
    }
    if !reputation::set_reply(c, id, reply, now)? {
        return Err(ApiError::NotFound("评价"));
    }
    Ok(())
}

/// Hides a review from shoppers or shows it again (the goods' review counts follow).
pub fn set_review_hidden(c: &Connection, id: i64, hidden: bool) -> Result<(), ApiError> {
    if !reputation::set_status(c, id, i64::from(hidden))? {
        return Err(ApiError::NotFound("评价"));
    }
    Ok(())
}
