//! Goods reviews, read side (goodsReputation / goodsReputationV2): a goods' shown reviews, newest
//! first, each with the reviewer's nick and avatar. Reviews are written by orderReputation
//! (through service::reputation) and moderated in the console 「评价」.

use rocket::{post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, BaseUrl, Page, Paging, Params, Reply};
use crate::db::reputation::{self, ReputationRow};
use crate::db::{self, Db};
use crate::error::ApiError;

pub fn routes() -> Vec<Route> {
    routes![list_v1, list_v2]
}

/// The reviewed line: `goods.{goodReputation, goodReputationRemark, goodReputationReply,
/// dateReputation}` are what the templates show.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewedGoods {
    /// The review's id.
    pub id: i64,
    /// The order line reviewed; 0 when not from an order.
    pub order_goods_id: i64,
    pub goods_id: i64,
    pub goods_name: String,
    pub pic: String,
    /// 0 bad, 1 medium, 2 good.
    pub good_reputation: i64,
    pub good_reputation_str: &'static str,
    pub good_reputation_remark: String,
    pub good_reputation_reply: String,
    pub stars: i64,
    pub date_reputation: String,
    pub uid: i64,
    pub user_id: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reviewer {
    pub id: i64,
    pub nick: String,
    pub avatar_url: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReputationPic {
    pub pic: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewView {
    pub goods: ReviewedGoods,
    pub user: Reviewer,
    pub reputation_pics: Vec<ReputationPic>,
}

/// The label of a reputation level.
pub fn reputation_str(level: i64) -> &'static str {
    match level {
        0 => "差评",
        1 => "中评",
        _ => "好评",
    }
}

impl ReviewView {
    fn new(r: ReputationRow, base: &BaseUrl) -> Self {
        ReviewView {
            goods: ReviewedGoods {
                id: r.id,
                order_goods_id: r.order_goods_id.unwrap_or(0),
                goods_id: r.goods_id,
                goods_name: r.goods_name,
                pic: base.absolute(&r.goods_pic),
                good_reputation: r.reputation,
                good_reputation_str: reputation_str(r.reputation),
                good_reputation_remark: r.remark,
                good_reputation_reply: r.reply,
                stars: r.stars,
                date_reputation: db::format_unix(r.date_add),
                uid: r.user_id,
                user_id: r.user_id,
            },
            user: Reviewer { id: r.user_id, nick: r.nick, avatar_url: base.absolute(&r.avatar_url) },
            reputation_pics: r.pics.iter().map(|p| ReputationPic { pic: base.absolute(p) }).collect(),
        }
    }
}

/// One page of a goods' shown reviews (`goodsId`, `page`, `pageSize`).
async fn page_of(p: &Params, db: &Db, base: &BaseUrl) -> Result<(Vec<ReviewView>, i64, Paging), ApiError> {
    let goods_id = p.int("goodsId")?;
    let paging = Paging::from(p)?;
    let (rows, total) =
        db.read(move |c| reputation::shown_of_goods(c, goods_id, paging.offset(), paging.limit())).await?;
    Ok((rows.into_iter().map(|r| ReviewView::new(r, base)).collect(), total, paging))
}

/// POST /<sub>/shop/goods/reputation — goodsReputation; anyone. A bare array; 700 when the goods
/// has no shown reviews.
#[post("/shop/goods/reputation", data = "<p>")]
async fn list_v1(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<Vec<ReviewView>> {
    let (list, _, _) = page_of(&p, db, &base).await?;
    if list.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(list))
}

/// POST /<sub>/shop/goods/reputation/v2 — goodsReputationV2; anyone. `{result, totalRow,
/// totalPage}`; 700 when the page is empty.
#[post("/shop/goods/reputation/v2", data = "<p>")]
async fn list_v2(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<ReviewView>> {
    let (list, total, paging) = page_of(&p, db, &base).await?;
    Ok(Reply(paging.page(list, total)?))
}
