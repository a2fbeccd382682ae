//! The shopper's money and points (the shop's one ledger, service::ledger).

use rocket::{get, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, Reply};
use crate::db::Db;
use crate::money::to_yuan;
use crate::service::ledger;

pub fn routes() -> Vec<Route> {
    routes![amount]
}

/// userAmount: money in yuan and points, all numbers (templates call `.toFixed(2)` on them).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AmountView {
    pub balance: f64,
    pub freeze: f64,
    pub score: i64,
    pub growth: i64,
    pub totle_consumed: f64,
    /// Money commission given at payment and not yet settled (distribution), yuan.
    pub fx_commision_paying: f64,
}

/// GET /<sub>/user/amount — userAmount (api host) and userAmountV2 (common host); logged-in
/// shopper. A shopper who never had money or points answers zeros.
#[get("/user/amount")]
async fn amount(req: Authed, db: &State<Db>) -> ApiResult<AmountView> {
    let uid = req.user_id;
    let (a, fx) = db
        .read(move |c| {
            let pending = crate::db::fx::totals(c, uid, 0, None, None)?.pending;
            Ok::<_, crate::service::error::Error>((ledger::accounts_of(c, uid)?, pending))
        })
        .await?;
    Ok(Reply(AmountView {
        balance: to_yuan(a.balance),
        freeze: to_yuan(a.freeze),
        score: a.score,
        growth: a.growth,
        totle_consumed: to_yuan(a.totle_consumed),
        fx_commision_paying: to_yuan(fx),
    }))
}
