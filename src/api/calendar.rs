//! Calendar goods in the shop window: a price and stock per day (goodsPriceDaily, hotels and
//! tickets) and bookable time slots (goodsTimesDays, goodsTimesDayItems). Only goods on the shelf
//! are answered; days run from today in the shop's time zone; an empty calendar answers 700.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Params, Reply};
use crate::db::Db;
use crate::error::ApiError;
use crate::money::to_yuan;
use crate::service::calendar::{self as cal, DayPrice, TimeSlot};

pub fn routes() -> Vec<Route> {
    routes![price_daily, times_days, times_items]
}

/// One day of goodsPriceDaily.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DayPriceView {
    pub id: i64,
    pub goods_id: i64,
    /// The SKU's id (the `priceId` asked for); 0 for the goods itself.
    pub price_id: i64,
    pub day: String,
    pub price: f64,
    pub stores: i64,
}

impl From<DayPrice> for DayPriceView {
    fn from(d: DayPrice) -> Self {
        DayPriceView {
            id: d.id,
            goods_id: d.goods_id,
            price_id: d.sku_id.unwrap_or(0),
            day: d.day,
            price: to_yuan(d.price),
            stores: d.stores,
        }
    }
}

/// 700 instead of an empty list.
fn non_empty<T>(list: Vec<T>) -> Result<Vec<T>, ApiError> {
    if list.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(list)
}

/// GET /<sub>/shop/goods/price/day — goodsPriceDaily; anyone. The price and stock of each day
/// from today on; `priceId` is the chosen SKU's id (required for goods with specs).
#[get("/shop/goods/price/day")]
async fn price_daily(p: Params, db: &State<Db>) -> ApiResult<Vec<DayPriceView>> {
    let goods_id = p.int("goodsId")?;
    let price_id = p.opt_int("priceId")?;
    let days = db.read(move |c| cal::shown_days(c, goods_id, price_id)).await?;
    Ok(Reply(non_empty(days.into_iter().map(Into::into).collect())?))
}

/// POST /<sub>/shop/goods/times/days — goodsTimesDays; anyone. The days ("YYYY-MM-DD") from today
/// on that still have a slot with stock.
#[post("/shop/goods/times/days", data = "<p>")]
async fn times_days(p: Params, db: &State<Db>) -> ApiResult<Vec<String>> {
    let goods_id = p.int("goodsId")?;
    let key = p.opt_text("propertyChildIds", 200)?.map(str::to_string);
    let days = db.read(move |c| cal::bookable_days(c, goods_id, key.as_deref())).await?;
    Ok(Reply(non_empty(days)?))
}

/// One slot of goodsTimesDayItems; orders name it by `name` (goodsTimesItem).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeSlotView {
    pub id: i64,
    pub goods_id: i64,
    pub day: String,
    pub name: String,
    pub price: f64,
    pub stores: i64,
}

impl From<TimeSlot> for TimeSlotView {
    fn from(s: TimeSlot) -> Self {
        TimeSlotView {
            id: s.id,
            goods_id: s.goods_id,
            day: s.day,
            name: s.name,
            price: to_yuan(s.price),
            stores: s.stores,
        }
    }
}

/// POST /<sub>/shop/goods/times/items — goodsTimesDayItems; anyone. Every slot of `day` with its
/// price and remaining stock (sold-out slots too, with stores 0).
#[post("/shop/goods/times/items", data = "<p>")]
async fn times_items(p: Params, db: &State<Db>) -> ApiResult<Vec<TimeSlotView>> {
    let day = p.text("day", 10)?.to_string();
    let goods_id = p.int("goodsId")?;
    let key = p.opt_text("propertyChildIds", 200)?.map(str::to_string);
    let slots = db.read(move |c| cal::day_slots(c, goods_id, key.as_deref(), &day)).await?;
    Ok(Reply(non_empty(slots.into_iter().map(Into::into).collect())?))
}
