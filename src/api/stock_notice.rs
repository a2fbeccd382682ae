//! Waiting for sold-out goods (到货通知): the shopper registers, and is told through a
//! subscription message when the goods is back (service::stock_notice).

use rocket::{post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, Reply};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::stock_notice;

pub fn routes() -> Vec<Route> {
    routes![register]
}

/// A registration: who waits for which goods (SKU 0: the goods as a whole).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationView {
    pub id: i64,
    pub goods_id: i64,
    pub sku_id: i64,
    /// 0 waiting.
    pub status: i64,
}

/// A positive id parameter; 0, negative or absent (when optional) is refused or None.
fn positive(req: &Authed, name: &'static str) -> Result<Option<i64>, ApiError> {
    match req.p.opt_int(name)? {
        Some(id) if id <= 0 => Err(ApiError::invalid(name, "应为正整数")),
        other => Ok(other),
    }
}

/// POST /<sub>/shop/goods/outofstockRegistration — goodsOutofstockRegistration; logged-in shopper.
/// `goodsId`, optional `skuId`; registering again is the same registration. 404 unknown goods,
/// 300 naming `skuId` for a SKU of another goods, 403 while the goods is in stock.
#[post("/shop/goods/outofstockRegistration", data = "<req>")]
async fn register(req: Authed, db: &State<Db>) -> ApiResult<RegistrationView> {
    let goods_id = positive(&req, "goodsId")?.ok_or_else(|| ApiError::invalid("goodsId", "缺少商品 id"))?;
    let sku_id = positive(&req, "skuId")?;
    let user = req.user_id;
    let id = db.write(move |c| stock_notice::register(c, user, goods_id, sku_id, db::unix_now())).await?;
    Ok(Reply(RegistrationView { id, goods_id, sku_id: sku_id.unwrap_or(0), status: 0 }))
}
