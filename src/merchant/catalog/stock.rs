//! A goods' stock, its own or per SKU, set or changed without rewriting the goods.

use rocket::serde::json::Json;
use rocket::{put, routes, Route, State};
use serde::Deserialize;

use super::goods::{goods_refusal, tagged_goods, GoodsView};
use super::{based_on, needs_version, now, IfMatch, Refusal, Tagged};
use crate::db::Db;
use crate::merchant::{ApiKey, JsonBody, Problem};
use crate::service::catalog::{self as rules, Stock, StockChange};

pub fn routes() -> Vec<Route> {
    routes![set_stock]
}

/// One SKU's stock: `stores` sets it (needs the goods' version), `add` adds or takes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SkuStock {
    pub property_child_ids: String,
    #[serde(default)]
    pub stores: Option<i64>,
    #[serde(default)]
    pub add: Option<i64>,
}

/// `{"skus":[{"propertyChildIds":"1:2,","stores":5}], "version": 7}`, `{"stores":n, "version": 7}`,
/// `{"add": 3}` or `{"skus":[{"propertyChildIds":"1:2,","add":-1}]}`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct StockBody {
    pub skus: Option<Vec<SkuStock>>,
    pub stores: Option<i64>,
    pub add: Option<i64>,
    pub version: Option<i64>,
}

/// A `stores` / `add` pair as a stock change; exactly one of them.
fn stock_of(field: &'static str, stores: Option<i64>, add: Option<i64>) -> Result<Stock, Problem> {
    match (stores, add) {
        (Some(n), None) => Ok(Stock::Put(n)),
        (None, Some(n)) => Ok(Stock::Add(n)),
        _ => Err(Problem::invalid(field, "send either `stores` (the stock) or `add` (a change), not both")),
    }
}

/// PUT /admin/api/v1/goods/<id>/stock — merchant key. Per SKU, or the goods' own stock; `stores`
/// needs the version it was read at (428 without, 409 with the goods when it moved on), `add`
/// does not (409 when it would take more than there is).
#[put("/goods/<id>/stock", data = "<body>")]
async fn set_stock(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    if_match: IfMatch,
    body: JsonBody<StockBody>,
) -> Result<Tagged<Json<GoodsView>>, Refusal<GoodsView>> {
    let StockBody { skus, stores, add, version } = body.0;
    let version = based_on(if_match, version)?;
    let change = match (skus, stores, add) {
        (Some(skus), None, None) => {
            let mut list = Vec::with_capacity(skus.len());
            for s in skus {
                list.push((s.property_child_ids, stock_of("skus", s.stores, s.add)?));
            }
            StockChange::Skus(list)
        }
        (None, stores, add) if stores.is_some() || add.is_some() => {
            StockChange::Goods(stock_of("stores", stores, add)?)
        }
        _ => return Err(Problem::invalid("stores", "send one of `skus`, `stores` or `add`").into()),
    };
    let sets = match &change {
        StockChange::Goods(s) => matches!(s, Stock::Put(_)),
        StockChange::Skus(list) => list.iter().any(|(_, s)| matches!(s, Stock::Put(_))),
    };
    if sets && version.is_none() {
        return Err(needs_version("`stores`").into());
    }
    let written = db
        .write(move |c| {
            rules::claim_version(c, id, version)?;
            rules::set_stock(c, id, &change, now())
        })
        .await;
    if let Err(e) = written {
        return Err(goods_refusal(db, id, version, e).await);
    }
    Ok(tagged_goods(db, id).await?)
}
