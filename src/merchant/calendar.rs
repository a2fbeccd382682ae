//! A goods' calendar for the merchant's systems: the price and stock of each day (hotels,
//! tickets) and the bookable time slots of each day, for the goods itself or one SKU
//! (`propertyChildIds`). Money in yuan; days 'YYYY-MM-DD' in the shop's time zone. Reads answer
//! the goods' calendar version as the `ETag`; a write that sets stock of days already set says
//! which version it was based on (bookings change stock too).

use rocket::serde::json::Json;
use rocket::{delete, get, put, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::body::{fen, opt_text};
use super::catalog::{based_on, needs_version, outdated_message, stale_message, IfMatch, Refusal, Tagged};
use super::{Answer, ApiKey, JsonBody, Problem};
use crate::db::calendar as cal_db;
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::money;
use crate::service::calendar::{self as cal, DaySetting, NewSlot};
use crate::service::catalog::{EditError, Stock};
use crate::service::error::{Entity, Error as ServiceError};

pub fn routes() -> Vec<Route> {
    routes![days, set_days, remove_days, slots, set_slots, remove_slots]
}

/// The service's "no such goods" in the API's words; other refusals name their field.
fn problem(e: impl Into<ServiceError>) -> Problem {
    match e.into() {
        ServiceError::NotFound(_) => MerchantError::NotFound("goods").into(),
        other => other.into(),
    }
}

/// `stores` (the stock) or `addStores` (a change), at most one; neither leaves stock as it is.
fn stock_of(field: &'static str, stores: Option<i64>, add: Option<i64>) -> Result<Stock, Problem> {
    match (stores, add) {
        (None, None) => Ok(Stock::Keep),
        (Some(n), None) => Ok(Stock::Put(n)),
        (None, Some(n)) => Ok(Stock::Add(n)),
        _ => Err(Problem::invalid(field, "send `stores` (the stock) or `addStores` (a change), not both")),
    }
}

/// A calendar write the service refused: 409 with the range as it is now for stock that moved.
fn calendar_refusal<T>(
    e: EditError,
    sent: Option<i64>,
    now: impl FnOnce() -> Result<(T, i64), ServiceError>,
) -> Refusal<T> {
    let error = match e {
        EditError::Refused(e) => return Refusal::Problem(problem(e)),
        EditError::NeedsVersion => return Refusal::Problem(needs_version("`stores` over days already set")),
        EditError::Stale(list) => stale_message(&list),
        EditError::Outdated { now } => outdated_message(sent, now),
    };
    match now() {
        Ok((current, version)) => Refusal::Stale { error, current, version },
        Err(e) => Refusal::Problem(problem(e)),
    }
}

/// The goods' calendar version (404 for an unknown goods).
fn version_of(c: &rusqlite::Connection, goods_id: i64) -> Result<i64, ServiceError> {
    cal_db::calendar_version(c, goods_id)?.ok_or(ServiceError::NotFound(Entity::Goods))
}

/// `?propertyChildIds=&from=&to=` (from defaults to today, to to a year after from).
#[derive(Debug, FromForm)]
pub struct RangeQuery<'r> {
    #[field(name = "propertyChildIds")]
    key: Option<&'r str>,
    from: Option<&'r str>,
    to: Option<&'r str>,
    name: Option<&'r str>,
}

/// The range asked for, checked; the key as given.
#[derive(Clone)]
struct Range {
    key: Option<String>,
    from: String,
    to: String,
}

impl RangeQuery<'_> {
    fn range(&self) -> Result<Range, Problem> {
        let from = match opt_text("from", self.from, 10)? {
            Some(f) => cal::day_text(cal::parse_day("from", &f)?),
            None => cal::day_text(cal::today()),
        };
        let to = if let Some(t) = opt_text("to", self.to, 10)? {
            t
        } else {
            let first = cal::parse_day("from", &from)?;
            cal::day_text(first + time::Duration::days(cal::MAX_RANGE_DAYS - 1))
        };
        let days = cal::day_range(&from, &to)?;
        Ok(Range {
            key: opt_text("propertyChildIds", self.key, 200)?,
            from: days[0].clone(),
            to: days[days.len() - 1].clone(),
        })
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DayView {
    pub day: String,
    /// The SKU's key; "" for the goods itself.
    pub property_child_ids: String,
    pub price: f64,
    pub stores: i64,
}

/// The days of a range for the goods or SKU; checks the goods and key first.
fn read_days(c: &rusqlite::Connection, goods_id: i64, r: &Range) -> Result<Vec<DayView>, ServiceError> {
    let goods = crate::db::catalog::goods(c, goods_id)?.ok_or(ServiceError::NotFound(Entity::Goods))?;
    let sku_id = cal::sku_of_key(c, &goods, r.key.as_deref())?;
    let key = cal::key_of_sku(c, goods_id, sku_id)?;
    let rows = cal_db::days(c, goods_id, sku_id, &r.from, &r.to, cal::MAX_RANGE_DAYS)?;
    Ok(rows
        .into_iter()
        .map(|d| DayView {
            day: d.day,
            property_child_ids: key.clone(),
            price: money::to_yuan(d.price),
            stores: d.stores,
        })
        .collect())
}

/// The range's days with the calendar version.
fn tagged_days(c: &rusqlite::Connection, id: i64, r: &Range) -> Result<(Vec<DayView>, i64), ServiceError> {
    Ok((read_days(c, id, r)?, version_of(c, id)?))
}

/// GET /admin/api/v1/goods/<id>/calendar?propertyChildIds=&from=&to= — merchant key. The days set
/// in the range, in order; `ETag` is the goods' calendar version.
#[get("/goods/<id>/calendar?<q..>")]
async fn days(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    q: RangeQuery<'_>,
) -> Answer<Tagged<Json<Vec<DayView>>>> {
    let r = q.range()?;
    let (days, version) = db.read(move |c| tagged_days(c, id, &r)).await.map_err(problem)?;
    Ok(Tagged { inner: Json(days), version })
}

/// `{"propertyChildIds": "1:2,", "from": "2026-12-01", "to": "2026-12-31", "price": 399, "stores": 5,
/// "version": 12}`; `addStores` instead of `stores` changes each day's stock by that much.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct DaysBody {
    pub property_child_ids: String,
    pub from: String,
    pub to: String,
    pub price: Option<f64>,
    pub stores: Option<i64>,
    pub add_stores: Option<i64>,
    pub version: Option<i64>,
}

/// PUT /admin/api/v1/goods/<id>/calendar — merchant key. Sets the price and stock of every day of
/// the range; answers the range's days. 409 with them when a day's stock moved since the version
/// sent (or `addStores` would take it below zero), 428 for `stores` over days already set without
/// a version.
#[put("/goods/<id>/calendar", data = "<body>")]
async fn set_days(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    if_match: IfMatch,
    body: JsonBody<DaysBody>,
) -> Result<Tagged<Json<Vec<DayView>>>, Refusal<Vec<DayView>>> {
    let b = body.0;
    let version = based_on(if_match, b.version)?;
    let setting = DaySetting {
        from: b.from.clone(),
        to: b.to.clone(),
        price: b.price.map(|p| fen("price", p)).transpose()?,
        stores: stock_of("stores", b.stores, b.add_stores)?,
        based_on: version,
    };
    let key = Some(b.property_child_ids).filter(|k| !k.trim().is_empty());
    let range = Range { key: key.clone(), from: b.from, to: b.to };
    let again = range.clone();
    let written = db
        .write(move |c| {
            cal::set_days(c, id, key.as_deref(), &setting, db::unix_now())?;
            Ok::<_, EditError>(tagged_days(c, id, &range)?)
        })
        .await;
    match written {
        Ok((days, version)) => Ok(Tagged { inner: Json(days), version }),
        Err(e) => {
            let now = db.read(move |c| tagged_days(c, id, &again)).await;
            Err(calendar_refusal(e, version, || now))
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Removed {
    pub removed: usize,
}

/// DELETE /admin/api/v1/goods/<id>/calendar?propertyChildIds=&from=&to= — merchant key. Removes
/// the days of the range; answers how many there were.
#[delete("/goods/<id>/calendar?<q..>")]
async fn remove_days(_key: ApiKey, db: &State<Db>, id: i64, q: RangeQuery<'_>) -> Answer<Json<Removed>> {
    let r = q.range()?;
    let removed = db
        .write(move |c| cal::remove_days(c, id, r.key.as_deref(), &r.from, &r.to))
        .await
        .map_err(problem)?;
    Ok(Json(Removed { removed }))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotView {
    pub id: i64,
    pub day: String,
    pub property_child_ids: String,
    pub name: String,
    pub price: f64,
    pub stores: i64,
}

fn read_slots(c: &rusqlite::Connection, goods_id: i64, r: &Range) -> Result<Vec<SlotView>, ServiceError> {
    let days = cal::day_range(&r.from, &r.to)?;
    let goods = crate::db::catalog::goods(c, goods_id)?.ok_or(ServiceError::NotFound(Entity::Goods))?;
    let sku_id = cal::sku_of_key(c, &goods, r.key.as_deref())?;
    let key = cal::key_of_sku(c, goods_id, sku_id)?;
    let mut out = Vec::new();
    for day in &days {
        out.extend(cal_db::slots_of_day(c, goods_id, sku_id, day)?.into_iter().map(|s| SlotView {
            id: s.id,
            day: s.day,
            property_child_ids: key.clone(),
            name: s.name,
            price: money::to_yuan(s.price),
            stores: s.stores,
        }));
    }
    Ok(out)
}

/// The range's slots with the calendar version.
fn tagged_slots(c: &rusqlite::Connection, id: i64, r: &Range) -> Result<(Vec<SlotView>, i64), ServiceError> {
    Ok((read_slots(c, id, r)?, version_of(c, id)?))
}

/// GET /admin/api/v1/goods/<id>/time-slots?propertyChildIds=&from=&to= — merchant key. The slots
/// of every day in the range, by day then name; `ETag` is the goods' calendar version.
#[get("/goods/<id>/time-slots?<q..>")]
async fn slots(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    q: RangeQuery<'_>,
) -> Answer<Tagged<Json<Vec<SlotView>>>> {
    let r = q.range()?;
    let (slots, version) = db.read(move |c| tagged_slots(c, id, &r)).await.map_err(problem)?;
    Ok(Tagged { inner: Json(slots), version })
}

/// One slot; `stores` / `addStores` and an absent `price` as for days.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SlotBody {
    pub name: String,
    pub price: Option<f64>,
    pub stores: Option<i64>,
    pub add_stores: Option<i64>,
}

/// `{"propertyChildIds": "", "from": "…", "to": "…", "slots": [{"name": "09:00-10:00", "price": 50, "stores": 4}],
/// "version": 12}`
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SlotsBody {
    pub property_child_ids: String,
    pub from: String,
    pub to: String,
    pub slots: Vec<SlotBody>,
    pub version: Option<i64>,
}

/// PUT /admin/api/v1/goods/<id>/time-slots — merchant key. Adds the named slots to every day of
/// the range, or sets their price and stock where the day has them; other slots stay. 409 and 428
/// as for days.
#[put("/goods/<id>/time-slots", data = "<body>")]
async fn set_slots(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    if_match: IfMatch,
    body: JsonBody<SlotsBody>,
) -> Result<Tagged<Json<Vec<SlotView>>>, Refusal<Vec<SlotView>>> {
    let b = body.0;
    let version = based_on(if_match, b.version)?;
    let mut slots = Vec::with_capacity(b.slots.len());
    for s in b.slots {
        slots.push(NewSlot {
            name: s.name,
            price: s.price.map(|p| fen("slots", p)).transpose()?,
            stores: stock_of("slots", s.stores, s.add_stores)?,
        });
    }
    let key = Some(b.property_child_ids).filter(|k| !k.trim().is_empty());
    let range = Range { key: key.clone(), from: b.from, to: b.to };
    let again = range.clone();
    let written = db
        .write(move |c| {
            let (from, to) = (&range.from, &range.to);
            cal::set_slots(c, id, key.as_deref(), from, to, &slots, version, db::unix_now())?;
            Ok::<_, EditError>(tagged_slots(c, id, &range)?)
        })
        .await;
    match written {
        Ok((slots, version)) => Ok(Tagged { inner: Json(slots), version }),
        Err(e) => {
            let now = db.read(move |c| tagged_slots(c, id, &again)).await;
            Err(calendar_refusal(e, version, || now))
        }
    }
}

/// DELETE /admin/api/v1/goods/<id>/time-slots?propertyChildIds=&from=&to=&name= — merchant key.
/// Removes the range's slots (only those called `name` when given); answers how many went.
#[delete("/goods/<id>/time-slots?<q..>")]
async fn remove_slots(_key: ApiKey, db: &State<Db>, id: i64, q: RangeQuery<'_>) -> Answer<Json<Removed>> {
    let r = q.range()?;
    let name = opt_text("name", q.name, cal::MAX_SLOT_NAME)?;
    let removed = db
        .write(move |c| cal::remove_slots(c, id, r.key.as_deref(), &r.from, &r.to, name.as_deref()))
        .await
        .map_err(problem)?;
    Ok(Json(Removed { removed }))
}
