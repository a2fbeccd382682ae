//! Goods reviews (goodsReputation): every review, shown or hidden, the merchant's reply, and
//! hiding or showing one (goods review counters follow through schema triggers).

use rocket::serde::json::Json;
use rocket::{get, post, put, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::body::opt_int;
use super::{Answer, ApiKey, JsonBody, Paged, Paging};
use crate::db::reputation::{self, ReputationRow};
use crate::db::{self, Db};
use crate::error::MerchantError;

pub fn routes() -> Vec<Route> {
    routes![list, show, reply, hide, unhide]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReputationView {
    pub id: i64,
    pub order_goods_id: Option<i64>,
    pub goods_id: i64,
    pub goods_name: String,
    pub user_id: i64,
    pub nick: String,
    /// 0 bad, 1 medium, 2 good.
    pub reputation: i64,
    pub stars: i64,
    pub remark: String,
    pub pics: Vec<String>,
    pub reply: String,
    /// True when hidden from shoppers.
    pub hidden: bool,
    pub date_add: String,
    pub date_reply: String,
}

impl From<ReputationRow> for ReputationView {
    fn from(r: ReputationRow) -> Self {
        ReputationView {
            id: r.id,
            order_goods_id: r.order_goods_id,
            goods_id: r.goods_id,
            goods_name: r.goods_name,
            user_id: r.user_id,
            nick: r.nick,
            reputation: r.reputation,
            stars: r.stars,
            remark: r.remark,
            pics: r.pics,
            reply: r.reply,
            hidden: r.status != 0,
            date_add: db::format_unix(r.date_add),
            date_reply: r.date_reply.map(db::format_unix).unwrap_or_default(),
        }
    }
}

/// `?goodsId=&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct ListQuery<'r> {
    #[field(name = "goodsId")]
    goods_id: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

async fn load(db: &Db, id: i64) -> Answer<ReputationView> {
    let found = db.read(move |c| reputation::get(c, id)).await?;
    Ok(found.ok_or(MerchantError::NotFound("reputation"))?.into())
}

/// GET /admin/api/v1/reputations?goodsId=&page=&pageSize= — merchant key. Newest first.
#[get("/reputations?<q..>")]
async fn list(_key: ApiKey, db: &State<Db>, q: ListQuery<'_>) -> Answer<Json<Paged<ReputationView>>> {
    let goods_id = opt_int("goodsId", q.goods_id, 1..=i64::MAX)?;
    let paging = Paging::new(q.page, q.page_size)?;
    let (rows, total) =
        db.read(move |c| reputation::for_admin(c, goods_id, paging.offset(), paging.page_size)).await?;
    Ok(Json(paging.wrap(rows.into_iter().map(Into::into).collect(), total)))
}

/// GET /admin/api/v1/reputations/<id> — merchant key.
#[get("/reputations/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<ReputationView>> {
    Ok(Json(load(db, id).await?))
}

/// `{"reply": "…"}`; "" removes the reply.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplyBody {
    pub reply: String,
}

/// PUT /admin/api/v1/reputations/<id>/reply — merchant key. Shoppers see it as
/// goodReputationReply.
#[put("/reputations/<id>/reply", data = "<body>")]
async fn reply(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<ReplyBody>,
) -> Answer<Json<ReputationView>> {
    let text = body.0.reply.trim().to_string();
    if text.chars().count() > 500 {
        return Err(MerchantError::invalid("reply", "must be at most 500 characters").into());
    }
    let found = db.write(move |c| reputation::set_reply(c, id, &text, db::unix_now())).await?;
    if !found {
        return Err(MerchantError::NotFound("reputation").into());
    }
    Ok(Json(load(db, id).await?))
}

async fn set_hidden(db: &Db, id: i64, hidden: bool) -> Answer<Json<ReputationView>> {
    let status = i64::from(hidden);
    let found = db.write(move |c| reputation::set_status(c, id, status)).await?;
    if !found {
        return Err(MerchantError::NotFound("reputation").into());
    }
    Ok(Json(load(db, id).await?))
}

/// POST /admin/api/v1/reputations/<id>/hide — merchant key. Shoppers no longer see it.
#[post("/reputations/<id>/hide")]
async fn hide(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<ReputationView>> {
    set_hidden(db, id, true).await
}

/// POST /admin/api/v1/reputations/<id>/show — merchant key.
#[post("/reputations/<id>/show")]
async fn unhide(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<ReputationView>> {
    set_hidden(db, id, false).await
}
