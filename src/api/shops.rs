//! Shops (门店) and pick-up points for shoppers: fetchShops(V2) nearest first, shopSubdetail,
//! shopSubApply (a shopper applies to open a shop: stored pending for the merchant), fetchMyShops
//! and pickPoints.
//!
//! `distance` is a JSON number of kilometres from `curlatitude`/`curlongitude` (templates call
//! `.toFixed()` on it); without a position, or for a shop without coordinates, it is 0 and the
//! merchant's order is kept. Shops without coordinates sort after those with.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, BaseUrl, Page, Paging, Params, Reply};
use crate::db::shops::{self, ShopFields, ShopFilter, ShopRow};
use crate::db::{self, Db};
use crate::error::ApiError;

pub fn routes() -> Vec<Route> {
    routes![list_v1, list_v2, detail, apply, my_shops, pick_points]
}

/// "门店不存在".
const NOT_FOUND: ApiError = ApiError::NotFound("门店");

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopView {
    pub id: i64,
    /// The applicant's id; 0 for the merchant's own shops.
    pub user_id: i64,
    pub name: String,
    pub pic: String,
    pub characteristic: String,
    pub introduce: String,
    pub activity: String,
    pub address: String,
    pub link_man: String,
    pub link_phone: String,
    pub opening_hours: String,
    pub number: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub province_id: String,
    pub city_id: String,
    pub district_id: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Kilometres from the caller's position; 0 when unknown.
    pub distance: f64,
    pub is_pick_point: bool,
    pub paixu: i64,
    pub status: i64,
    pub status_str: &'static str,
    pub date_add: String,
    pub date_update: String,
}

fn status_str(status: i64) -> &'static str {
    match status {
        shops::OPEN => "正常",
        shops::PENDING => "待审核",
        _ => "已拒绝",
    }
}

impl ShopView {
    fn new(s: ShopRow, distance: f64, base: &BaseUrl) -> Self {
        let f = s.fields;
        ShopView {
            id: s.id,
            user_id: s.user_id.unwrap_or(0),
            pic: base.absolute(&f.pic),
            name: f.name,
            characteristic: f.characteristic,
            introduce: f.introduce,
            activity: f.activity,
            address: f.address,
            link_man: f.link_man,
            link_phone: f.link_phone,
            opening_hours: f.opening_hours,
            number: f.number,
            kind: f.kind,
            province_id: f.province_id,
            city_id: f.city_id,
            district_id: f.district_id,
            latitude: f.latitude,
            longitude: f.longitude,
            distance,
            is_pick_point: f.is_pick_point,
            paixu: f.paixu,
            status: s.status,
            status_str: status_str(s.status),
            date_add: db::format_unix(s.date_add),
            date_update: db::format_unix(s.date_update),
        }
    }
}

/// Great-circle distance in kilometres (haversine), rounded to metres.
pub fn distance_km(lat1: f64, lng1: f64, lat2: f64, lng2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lng2 - lng1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    let km = 2.0 * 6371.0088 * a.sqrt().atan2((1.0 - a).sqrt());
    (km * 1000.0).round() / 1000.0
}

/// An optional coordinate within ±`limit` degrees.
fn coordinate(p: &Params, name: &'static str, limit: f64) -> Result<Option<f64>, ApiError> {
    if p.get(name).is_none() {
        return Ok(None);
    }
    let v = p.float(name)?;
    if !(-limit..=limit).contains(&v) {
        return Err(ApiError::invalid(name, format!("应在 -{limit} 到 {limit} 之间")));
    }
    Ok(Some(v))
}

/// The open shops matching the shopper's filters, nearest first when a position was sent.
async fn nearest(
    p: &Params,
    db: &Db,
    base: &BaseUrl,
    pick_points_only: bool,
) -> Result<Vec<ShopView>, ApiError> {
    let here = match (coordinate(p, "curlatitude", 90.0)?, coordinate(p, "curlongitude", 180.0)?) {
        (Some(lat), Some(lng)) => Some((lat, lng)),
        (None, None) => None,
        (Some(_), None) => return Err(ApiError::Missing("curlongitude")),
        (None, Some(_)) => return Err(ApiError::Missing("curlatitude")),
    };
    let text = |name: &'static str| -> Result<Option<String>, ApiError> {
        Ok(p.opt_text(name, 50)?.map(str::to_string))
    };
    let filter = ShopFilter {
        status: Some(shops::OPEN),
        city_id: text("cityId")?,
        district_id: text("districtId")?,
        province_id: text("provinceId")?,
        name_like: text("nameLike")?,
        kind: text("type")?,
        pick_points_only,
        user_id: None,
    };
    let rows = db.read(move |c| shops::list(c, &filter)).await?;
    let mut measured: Vec<(Option<f64>, ShopRow)> = rows
        .into_iter()
        .map(|s| {
            let d = match (here, s.fields.latitude, s.fields.longitude) {
                (Some((lat, lng)), Some(slat), Some(slng)) => Some(distance_km(lat, lng, slat, slng)),
                _ => None,
            };
            (d, s)
        })
        .collect();
    if here.is_some() {
        // Stable: equal distances keep the merchant's order; unknown distances go last.
        measured.sort_by(|a, b| match (a.0, b.0) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
    }
    Ok(measured.into_iter().map(|(d, s)| ShopView::new(s, d.unwrap_or(0.0), base)).collect())
}

/// The requested page of a full list.
fn page_of(all: Vec<ShopView>, paging: Paging) -> (Vec<ShopView>, i64) {
    let total = all.len() as i64;
    let (skip, take) = (usize::try_from(paging.offset()), usize::try_from(paging.limit()));
    let page = all.into_iter().skip(skip.unwrap_or(usize::MAX)).take(take.unwrap_or(usize::MAX)).collect();
    (page, total)
}

/// POST /<sub>/shop/subshop/list — fetchShops; anyone. Open shops nearest first (curlatitude /
/// curlongitude), by cityId / districtId / provinceId / nameLike / type, paged; a bare array,
/// 700 when empty.
#[post("/shop/subshop/list", data = "<p>")]
async fn list_v1(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<Vec<ShopView>> {
    let paging = Paging::from(&p)?;
    let (list, _) = page_of(nearest(&p, db, &base, false).await?, paging);
    if list.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(list))
}

/// POST /<sub>/shop/subshop/list/v2 — fetchShopsV2; anyone. As fetchShops, as `{result,
/// totalRow, totalPage}`.
#[post("/shop/subshop/list/v2", data = "<p>")]
async fn list_v2(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<ShopView>> {
    let paging = Paging::from(&p)?;
    let (list, total) = page_of(nearest(&p, db, &base, false).await?, paging);
    Ok(Reply(paging.page(list, total)?))
}

/// POST /<sub>/shop/subshop/pickPoints — pickPoints; anyone. Open shops marked as pick-up
/// points, nearest first, same filters and paging as fetchShopsV2.
#[post("/shop/subshop/pickPoints", data = "<p>")]
async fn pick_points(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<ShopView>> {
    let paging = Paging::from(&p)?;
    let (list, total) = page_of(nearest(&p, db, &base, true).await?, paging);
    Ok(Reply(paging.page(list, total)?))
}

/// shopSubdetail: `{info, extJson}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopDetail {
    pub info: ShopView,
    pub ext_json: serde_json::Value,
}

/// GET /<sub>/shop/subshop/detail/v2 — shopSubdetail; anyone. An open shop; 404 otherwise.
#[get("/shop/subshop/detail/v2")]
async fn detail(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<ShopDetail> {
    let id = p.int("id")?;
    let shop = db.read(move |c| shops::get(c, id)).await?;
    let shop = shop.filter(|s| s.status == shops::OPEN).ok_or(NOT_FOUND)?;
    let ext_json = serde_json::from_str(&shop.fields.ext_json)
        .unwrap_or_else(|_| serde_json::Value::Object(serde_json::Map::default()));
    Ok(Reply(ShopDetail { info: ShopView::new(shop, 0.0, &base), ext_json }))
}

/// The fields of an application as sent: `name` is required, the rest optional.
fn application(p: &Params) -> Result<ShopFields, ApiError> {
    let text = |name: &'static str, max: usize| -> Result<String, ApiError> {
        Ok(p.opt_text(name, max)?.unwrap_or_default().to_string())
    };
    let ext_json = text("extJsonStr", 4096)?;
    if !ext_json.is_empty()
        && !serde_json::from_str::<serde_json::Value>(&ext_json).is_ok_and(|v| v.is_object())
    {
        return Err(ApiError::invalid("extJsonStr", "应为 JSON 对象"));
    }
    Ok(ShopFields {
        name: p.text("name", 50)?.to_string(),
        pic: text("pic", 500)?,
        characteristic: text("characteristic", 200)?,
        introduce: text("introduce", 2000)?,
        activity: text("activity", 200)?,
        address: text("address", 200)?,
        link_man: text("linkMan", 30)?,
        link_phone: text("linkPhone", 30)?,
        opening_hours: text("openingHours", 100)?,
        number: text("number", 50)?,
        kind: text("type", 30)?,
        province_id: text("provinceId", 20)?,
        city_id: text("cityId", 20)?,
        district_id: text("districtId", 20)?,
        latitude: coordinate(p, "latitude", 90.0)?,
        longitude: coordinate(p, "longitude", 180.0)?,
        is_pick_point: false,
        paixu: 0,
        ext_json: if ext_json.is_empty() { "{}".into() } else { ext_json },
    })
}

/// Most applications one shopper may have waiting.
const MAX_PENDING: usize = 5;

/// POST /<sub>/shop/subshop/apply — shopSubApply; logged-in shopper. Stores the shop as an
/// application (待审核) for the merchant to approve in the console; answers it. The `status`
/// sent is ignored: only the merchant opens a shop.
#[post("/shop/subshop/apply", data = "<a>")]
async fn apply(a: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<ShopView> {
    let fields = application(&a.p)?;
    let user = a.user_id;
    let shop = db
        .write(move |c| {
            let mine =
                ShopFilter { user_id: Some(user), status: Some(shops::PENDING), ..ShopFilter::default() };
            if shops::list(c, &mine)?.len() >= MAX_PENDING {
                return Err(ApiError::Forbidden(
                    format!("最多同时提交 {MAX_PENDING} 个待审核的开店申请").into(),
                ));
            }
            let id = shops::insert(c, &fields, Some(user), shops::PENDING, db::unix_now())?;
            shops::get(c, id)?.ok_or(NOT_FOUND)
        })
        .await?;
    Ok(Reply(ShopView::new(shop, 0.0, &base)))
}

/// GET /<sub>/shop/subshop/my — fetchMyShops; logged-in shopper. The shops the shopper applied
/// for, in any status (statusStr says which); 700 when none.
#[get("/shop/subshop/my")]
async fn my_shops(a: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<Vec<ShopView>> {
    let user = a.user_id;
    let filter = ShopFilter { user_id: Some(user), ..ShopFilter::default() };
    let rows = db.read(move |c| shops::list(c, &filter)).await?;
    if rows.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(rows.into_iter().map(|s| ShopView::new(s, 0.0, &base)).collect()))
}
