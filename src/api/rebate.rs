//! goodsRebate: what the shopper's member level takes off a goods, as 折 (10 = no discount).

use rocket::{get, routes, Route, State};

use super::{ApiResult, MaybeAuthed, Reply};
use crate::db::{self, Db};
use crate::service::levels;

pub fn routes() -> Vec<Route> {
    routes![rebate]
}

/// GET /<sub>/shop/goods/rebate/v2 — goodsRebate; anyone (a token makes it the shopper's). A
/// number: 8.8 for a level paying 88%, 10 without a level; 404 for unknown goods.
#[get("/shop/goods/rebate/v2")]
async fn rebate(who: MaybeAuthed, db: &State<Db>) -> ApiResult<f64> {
    let goods_id = who.p.int("goodsId")?;
    let user_id = who.user_id;
    Ok(Reply(db.read(move |c| levels::rebate_on(c, user_id, goods_id, db::unix_now())).await?))
}
