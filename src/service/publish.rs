//! Goods published by shoppers (pushNewGoods, C2C): the seed says "用户可以发布自己的商品，管理员
//! 审核以后即可上架销售", so a shopper's goods is stored off the shelf and awaiting review; the
//! merchant approves it (on the shelf) or rejects it with a reason. An edit by its owner takes it
//! off the shelf and back to review, so nothing unreviewed is ever shown. Only the owner may edit
//! or delete it; the merchant's own goods are never a shopper's to touch.

use rusqlite::Connection;

use crate::db::calendar::{self as cal, Publisher};
use crate::db::catalog::{self, GoodsRow};
use crate::service::catalog::{add_goods, replace_goods, NewGoods, Stock, StockPlan};
use crate::service::error::{Entity, Error, Result};
use crate::service::video::check_video;

/// Most goods one shopper may have published at once (a bound on what one account can store).
pub const MAX_GOODS_PER_SHOPPER: i64 = 200;
/// Most gallery pictures of a shopper's goods.
pub const MAX_PICS: usize = 9;
/// Longest rich content of a shopper's goods, in characters.
pub const MAX_CONTENT: usize = 20_000;

/// Review states of `goods_publishers.review`.
pub const AWAITING: i64 = 0;
pub const APPROVED: i64 = 1;
pub const REJECTED: i64 = 2;

/// The review state in words.
pub fn review_str(review: i64) -> &'static str {
    match review {
        APPROVED => "已上架",
        REJECTED => "未通过审核",
        _ => "待审核",
    }
}

/// The goods `id` if `user_id` published it: 404 when there is no such goods, 403 when it is
/// someone else's or the merchant's own.
pub fn owned(c: &Connection, user_id: i64, id: i64) -> Result<(GoodsRow, Publisher)> {
    let goods = catalog::goods(c, id)?.ok_or(Error::NotFound(Entity::Goods))?;
    match cal::publisher(c, id)? {
        Some(p) if p.user_id == user_id => Ok((goods, p)),
        _ => Err(Error::denied("只能修改或删除自己发布的商品")),
    }
}

/// Creates (`id` None) or rewrites the shopper's own goods; it goes (back) off the shelf to await
/// review. The goods has no specs. A rewrite changes the stock as `stock` says (other shoppers'
/// orders change it too). Answers the goods id.
pub fn publish(
    c: &Connection,
    user_id: i64,
    id: Option<i64>,
    mut g: NewGoods,
    stock: Stock,
    now: i64,
) -> Result<i64> {
    if let Some(video_id) = g.fields.video_id {
        check_video(c, video_id, Some(user_id))?;
    }
    if g.pics.len() > MAX_PICS {
        return Err(Error::invalid("pics", format!("最多 {MAX_PICS} 张图片")));
    }
    if g.fields.content.chars().count() > MAX_CONTENT {
        return Err(Error::invalid("content", format!("最多 {MAX_CONTENT} 个字")));
    }
    g.specs.clear();
    g.skus.clear();
    g.fields.status = 1;
    match id {
        None => {
            let (_, count) = cal::goods_of(c, user_id, 0, 0)?;
            if count >= MAX_GOODS_PER_SHOPPER {
                return Err(Error::Refused(
                    format!("最多发布 {MAX_GOODS_PER_SHOPPER} 个商品，请先删除不再出售的商品").into(),
                ));
            }
            let id = add_goods(c, g, now)?;
            cal::insert_publisher(c, id, user_id, now)?;
            Ok(id)
        }
        Some(id) => {
            let (old, _) = owned(c, user_id, id)?;
            // What the merchant decides about the goods stays the merchant's.
            let kept = old.fields;
            g.fields.recommend_status = kept.recommend_status;
            g.fields.paixu = kept.paixu;
            g.fields.logistics_id = kept.logistics_id;
            g.fields.shop_id = kept.shop_id;
            g.fields.kanjia = kept.kanjia;
            g.fields.miaosha = kept.miaosha;
            g.fields.pingtuan = kept.pingtuan;
            g.fields.ext_json = kept.ext_json;
            replace_goods(c, id, g, &StockPlan { goods: stock, skus: Vec::new() }, now)?;
            cal::set_review(c, id, AWAITING, "", now)?;
            Ok(id)
        }
    }
}

/// deleteMyGoods: deletes the shopper's own goods with everything that belongs to it.
pub fn unpublish(c: &Connection, user_id: i64, id: i64) -> Result<()> {
    owned(c, user_id, id)?;
    catalog::delete_goods(c, id)?;
    Ok(())
}

/// One page of the shopper's goods with their review state, newest first.
pub fn mine(
    c: &Connection,
    user_id: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<(GoodsRow, Publisher)>, i64)> {
    let (rows, total) = cal::goods_of(c, user_id, offset, limit)?;
    let mut out = Vec::with_capacity(rows.len());
    for p in rows {
        if let Some(g) = catalog::goods(c, p.goods_id)? {
            out.push((g, p));
        }
    }
    Ok((out, total))
}

/// One page of shoppers' goods in a review state, oldest first, with their goods rows.
pub fn to_review(
    c: &Connection,
    review: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<(GoodsRow, Publisher)>, i64)> {
    let (rows, total) = cal::by_review(c, review, offset, limit)?;
    let mut out = Vec::with_capacity(rows.len());
    for p in rows {
        if let Some(g) = catalog::goods(c, p.goods_id)? {
            out.push((g, p));
        }
    }
    Ok((out, total))
}

/// The merchant's decision: approve puts the goods on the shelf; reject (a reason is required,
/// the shopper sees it) keeps it off. 404 for goods no shopper published.
pub fn review(c: &Connection, goods_id: i64, approve: bool, reason: &str, now: i64) -> Result<()> {
    if cal::publisher(c, goods_id)?.is_none() {
        return Err(Error::NotFound(Entity::ShopperGoods));
    }
    let reason = reason.trim();
    if approve {
        cal::set_review(c, goods_id, APPROVED, "", now)?;
        catalog::set_goods_status(c, goods_id, 0, now)?;
    } else {
        if reason.is_empty() {
            return Err(Error::missing("reason"));
        }
        if reason.chars().count() > 200 {
            return Err(Error::invalid("reason", "最多 200 个字"));
        }
        cal::set_review(c, goods_id, REJECTED, reason, now)?;
        catalog::set_goods_status(c, goods_id, 1, now)?;
    }
    Ok(())
}
