//! Shipping addresses: a logged-in shopper's own delivery addresses.
//!
//! Rules: exactly one default per shopper who has any address (the first one added becomes it,
//! `isDefault=true` moves it, deleting it promotes the most recently added one); at most
//! [`MAX_ADDRESSES`] each; another shopper's address answers 404 as if it did not exist.
//! `isDefault=false` means "do not make this the default" (as the client documents), never
//! "leave the shopper without one".

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, Page, Paging, Params, Reply};
use crate::db::address::{AddressFields, AddressFilter, AddressRow};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::regions::Regions;

pub fn routes() -> Vec<Route> {
    routes![add, update, delete, list, list_v2, default_address, detail]
}

/// Most addresses one shopper may keep.
pub const MAX_ADDRESSES: i64 = 50;

/// What the 404 names: "收货地址不存在".
const NOT_FOUND: ApiError = ApiError::NotFound("收货地址");

/// Largest `extJsonStr`, in characters.
const MAX_EXT_JSON: usize = 4096;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressView {
    pub id: i64,
    pub uid: i64,
    pub link_man: String,
    pub mobile: String,
    pub province_id: String,
    pub city_id: String,
    pub district_id: Option<String>,
    pub street_id: Option<String>,
    pub province_str: String,
    pub city_str: String,
    /// The district's name (the templates show provinceStr + cityStr + areaStr).
    pub area_str: String,
    pub district_str: String,
    pub address: String,
    pub code: String,
    pub is_default: bool,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub idcard: String,
    pub ext_json_str: String,
    /// `extJsonStr` parsed; `{}` when none.
    pub ext_json: serde_json::Value,
    pub status: i64,
    pub date_add: String,
    pub date_update: String,
}

impl AddressView {
    fn new(regions: &Regions, r: AddressRow) -> Self {
        let name =
            |id: Option<&str>| id.and_then(|id| regions.get(id)).map(|x| x.name.clone()).unwrap_or_default();
        let a = r.fields;
        let district = name(a.district_id.as_deref());
        AddressView {
            id: r.id,
            uid: r.user_id,
            province_str: name(Some(&a.province_id)),
            city_str: name(Some(&a.city_id)),
            area_str: district.clone(),
            district_str: district,
            ext_json: parse_ext(&a.ext_json),
            link_man: a.link_man,
            mobile: a.mobile,
            province_id: a.province_id,
            city_id: a.city_id,
            district_id: a.district_id,
            street_id: a.street_id,
            address: a.address,
            code: a.code,
            is_default: r.is_default,
            latitude: a.latitude,
            longitude: a.longitude,
            idcard: a.idcard,
            ext_json_str: a.ext_json,
            status: a.status,
            date_add: db::format_unix(r.date_add),
            date_update: db::format_unix(r.date_update),
        }
    }
}

fn parse_ext(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::Object(serde_json::Map::default()))
}

/// defaultAddress / addressDetail: `{info, extJson}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressDetail {
    pub ext_json: serde_json::Value,
    pub info: AddressView,
}

impl AddressDetail {
    fn new(regions: &Regions, r: AddressRow) -> Self {
        let info = AddressView::new(regions, r);
        AddressDetail { ext_json: info.ext_json.clone(), info }
    }
}

/// The region as a whole: changed together or not at all.
#[allow(clippy::struct_field_names)] // named as the provinceId / cityId / ... parameters
struct RegionChoice {
    province_id: String,
    city_id: String,
    district_id: Option<String>,
    street_id: Option<String>,
}

/// An add or an update as sent; None = not sent (an update keeps the stored value).
#[derive(Default)]
struct AddressInput {
    link_man: Option<String>,
    mobile: Option<String>,
    region: Option<RegionChoice>,
    address: Option<String>,
    code: Option<String>,
    idcard: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    ext_json: Option<String>,
    status: Option<i64>,
    is_default: Option<bool>,
}

impl AddressInput {
    /// Reads and checks every field; `new` = an add, where the address's own fields are required.
    fn parse(p: &Params, regions: &Regions, new: bool) -> Result<AddressInput, ApiError> {
        let text = |name: &'static str, max: usize| -> Result<Option<String>, ApiError> {
            let v = if new { Some(p.text(name, max)?) } else { p.opt_text(name, max)? };
            Ok(v.map(str::to_string))
        };
        Ok(AddressInput {
            link_man: text("linkMan", 30)?,
            mobile: text("mobile", 20)?.map(|m| check_mobile(&m).map(|()| m)).transpose()?,
            region: region(p, regions, new)?,
            address: text("address", 200)?,
            code: p.opt_text("code", 10)?.map(check_postcode).transpose()?,
            idcard: p.opt_text("idcard", 30)?.map(check_idcard).transpose()?,
            latitude: coordinate(p, "latitude", 90.0)?,
            longitude: coordinate(p, "longitude", 180.0)?,
            ext_json: p.opt_text("extJsonStr", MAX_EXT_JSON)?.map(check_ext_json).transpose()?,
            status: p.opt_int("status")?.map(check_status).transpose()?,
            is_default: p.opt_bool("isDefault")?,
        })
    }

    /// The fields of a new address (`parse(.., new = true)` made the required ones present).
    fn into_new(self) -> Result<AddressFields, ApiError> {
        let region = self.region.ok_or(ApiError::Missing("provinceId"))?;
        Ok(AddressFields {
            link_man: self.link_man.ok_or(ApiError::Missing("linkMan"))?,
            mobile: self.mobile.ok_or(ApiError::Missing("mobile"))?,
            province_id: region.province_id,
            city_id: region.city_id,
            district_id: region.district_id,
            street_id: region.street_id,
            address: self.address.ok_or(ApiError::Missing("address"))?,
            code: self.code.unwrap_or_default(),
            idcard: self.idcard.unwrap_or_default(),
            latitude: self.latitude,
            longitude: self.longitude,
            ext_json: self.ext_json.unwrap_or_default(),
            status: self.status.unwrap_or(0),
        })
    }

    /// Lays what was sent over the stored fields.
    fn apply(self, a: &mut AddressFields) {
        fn set<T>(slot: &mut T, v: Option<T>) {
            if let Some(v) = v {
                *slot = v;
            }
        }
        set(&mut a.link_man, self.link_man);
        set(&mut a.mobile, self.mobile);
        set(&mut a.address, self.address);
        set(&mut a.code, self.code);
        set(&mut a.idcard, self.idcard);
        set(&mut a.ext_json, self.ext_json);
        set(&mut a.status, self.status);
        if self.latitude.is_some() {
            a.latitude = self.latitude;
        }
        if self.longitude.is_some() {
            a.longitude = self.longitude;
        }
        if let Some(r) = self.region {
            (a.province_id, a.city_id, a.district_id, a.street_id) =
                (r.province_id, r.city_id, r.district_id, r.street_id);
        }
    }
}

/// Mainland mobile (11 digits from 1) or an international number: "+" and up to 19 digits.
fn check_mobile(m: &str) -> Result<(), ApiError> {
    let mainland = m.len() == 11 && m.starts_with('1') && m.bytes().all(|b| b.is_ascii_digit());
    let international = m.strip_prefix('+').is_some_and(|d| {
        (6..=19).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0')
    });
    if mainland || international {
        return Ok(());
    }
    Err(ApiError::invalid("mobile", "应为 1 开头的 11 位大陆手机号，或以 + 开头的国际号码（最多 20 位）"))
}

fn check_postcode(code: &str) -> Result<String, ApiError> {
    if code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-') {
        return Ok(code.to_string());
    }
    Err(ApiError::invalid("code", "邮编只能包含字母、数字、空格和 -"))
}

fn check_idcard(id: &str) -> Result<String, ApiError> {
    if id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(id.to_string());
    }
    Err(ApiError::invalid("idcard", "证件号只能包含字母和数字"))
}

fn check_ext_json(text: &str) -> Result<String, ApiError> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(_)) => Ok(text.to_string()),
        Ok(_) => Err(ApiError::invalid("extJsonStr", "应为 JSON 对象")),
        Err(e) => Err(ApiError::invalid("extJsonStr", format!("不是有效的 JSON：{e}"))),
    }
}

fn check_status(s: i64) -> Result<i64, ApiError> {
    match s {
        0 | 1 => Ok(s),
        _ => Err(ApiError::invalid("status", "应为 0（正常）或 1（禁用）")),
    }
}

/// An optional latitude or longitude within ±`limit` degrees.
fn coordinate(p: &Params, name: &'static str, limit: f64) -> Result<Option<f64>, ApiError> {
    let Some(v) = p.get(name) else { return Ok(None) };
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x.abs() <= limit => Ok(Some(x)),
        Ok(_) => Err(ApiError::invalid(name, format!("应在 -{limit} 到 {limit} 之间"))),
        Err(_) => Err(ApiError::invalid(name, "应为数字")),
    }
}

/// provinceId / cityId / districtId / streetId, checked against the built-in region data.
/// An update that sends none keeps the stored region; one that sends any replaces it whole.
fn region(p: &Params, regions: &Regions, new: bool) -> Result<Option<RegionChoice>, ApiError> {
    const NAMES: [&str; 4] = ["provinceId", "cityId", "districtId", "streetId"];
    if !new && NAMES.iter().all(|n| p.get(n).is_none()) {
        return Ok(None);
    }
    let known = |name: &'static str, level: u8, what: &str| -> Result<_, ApiError> {
        let id = p.text(name, 20)?;
        regions
            .get(id)
            .filter(|r| r.level == level)
            .ok_or_else(|| ApiError::invalid(name, format!("未知的{what}编码“{id}”")))
    };
    let province = known("provinceId", 1, "省份")?;
    let city = known("cityId", 2, "城市")?;
    if city.pid != province.id {
        return Err(ApiError::invalid("cityId", format!("{} 不属于 {}", city.name, province.name)));
    }
    let has_districts = regions.children(&city.id).is_some_and(|d| !d.is_empty());
    let district = match p.get("districtId") {
        Some(_) => {
            let d = known("districtId", 3, "区县")?;
            if d.pid != city.id {
                return Err(ApiError::invalid("districtId", format!("{} 不属于 {}", d.name, city.name)));
            }
            Some(d.id.clone())
        }
        None if has_districts => {
            return Err(ApiError::invalid("districtId", format!("请选择 {} 的区县", city.name)))
        }
        None => None,
    };
    let street = p.opt_text("streetId", 20)?;
    if street.is_some_and(|s| !s.bytes().all(|b| b.is_ascii_digit())) {
        return Err(ApiError::invalid("streetId", "应为数字编码"));
    }
    Ok(Some(RegionChoice {
        province_id: province.id.clone(),
        city_id: city.id.clone(),
        district_id: district,
        street_id: street.map(str::to_string),
    }))
}

/// Adds an address in the caller's transaction: the limit, then the default rule.
fn add_owned(
    c: &rusqlite::Connection,
    user: i64,
    a: AddressFields,
    default: bool,
) -> Result<AddressRow, ApiError> {
    if db::address::count_of(c, user)? >= MAX_ADDRESSES {
        return Err(ApiError::Forbidden(
            format!("最多只能保存 {MAX_ADDRESSES} 个收货地址，请先删除不用的地址").into(),
        ));
    }
    let default = default || db::address::default_of(c, user)?.is_none();
    if default {
        db::address::clear_default(c, user)?;
    }
    let id = db::address::insert(c, user, &a, default, db::unix_now())?;
    db::address::owned(c, user, id)?.ok_or(NOT_FOUND)
}

/// Updates an address in the caller's transaction; 404 when it is not the shopper's.
fn update_owned(
    c: &rusqlite::Connection,
    user: i64,
    id: i64,
    input: AddressInput,
) -> Result<AddressRow, ApiError> {
    let mut a = db::address::owned(c, user, id)?.ok_or(NOT_FOUND)?.fields;
    let make_default = input.is_default == Some(true);
    input.apply(&mut a);
    db::address::update(c, user, id, &a, db::unix_now())?;
    if make_default {
        db::address::make_default(c, user, id)?;
    }
    db::address::owned(c, user, id)?.ok_or(NOT_FOUND)
}

/// Deletes an address in the caller's transaction, promoting a new default when needed.
fn delete_owned(c: &rusqlite::Connection, user: i64, id: i64) -> Result<(), ApiError> {
    let row = db::address::owned(c, user, id)?.ok_or(NOT_FOUND)?;
    db::address::delete(c, user, id)?;
    if row.is_default {
        db::address::promote_latest(c, user)?;
    }
    Ok(())
}

/// POST /<sub>/user/shipping-address/add — addAddress; logged-in shopper.
#[post("/user/shipping-address/add", data = "<req>")]
async fn add(req: Authed, db: &State<Db>, regions: &State<Regions>) -> ApiResult<AddressView> {
    let input = AddressInput::parse(&req.p, regions, true)?;
    let default = input.is_default == Some(true);
    let fields = input.into_new()?;
    let user = req.user_id;
    let row = db.write(move |c| add_owned(c, user, fields, default)).await?;
    Ok(Reply(AddressView::new(regions, row)))
}

/// POST /<sub>/user/shipping-address/update — updateAddress; logged-in shopper, own address.
/// Only the fields sent change (the address list sends just `id` + `isDefault`).
#[post("/user/shipping-address/update", data = "<req>")]
async fn update(req: Authed, db: &State<Db>, regions: &State<Regions>) -> ApiResult<AddressView> {
    let id = req.p.int("id")?;
    let input = AddressInput::parse(&req.p, regions, false)?;
    let user = req.user_id;
    let row = db.write(move |c| update_owned(c, user, id, input)).await?;
    Ok(Reply(AddressView::new(regions, row)))
}

/// POST /<sub>/user/shipping-address/delete — deleteAddress; logged-in shopper, own address.
#[post("/user/shipping-address/delete", data = "<req>")]
async fn delete(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let id = req.p.int("id")?;
    let user = req.user_id;
    db.write(move |c| delete_owned(c, user, id)).await?;
    Ok(Reply(()))
}

/// GET /<sub>/user/shipping-address/list — queryAddress; logged-in shopper. A bare array, 700 when empty.
#[get("/user/shipping-address/list")]
async fn list(req: Authed, db: &State<Db>, regions: &State<Regions>) -> ApiResult<Vec<AddressView>> {
    let user = req.user_id;
    let all = AddressFilter::default();
    let (rows, _) = db.read(move |c| db::address::list_of(c, user, &all, 0, MAX_ADDRESSES)).await?;
    if rows.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(rows.into_iter().map(|r| AddressView::new(regions, r)).collect()))
}

/// POST /<sub>/user/shipping-address/list/v2 — queryAddressV2; logged-in shopper. A page, 700 when empty.
#[post("/user/shipping-address/list/v2", data = "<req>")]
async fn list_v2(req: Authed, db: &State<Db>, regions: &State<Regions>) -> ApiResult<Page<AddressView>> {
    let paging = Paging::from(&req.p)?;
    let f = AddressFilter {
        name_like: req.p.opt_text("nameLike", 30)?.map(str::to_string),
        mobile_like: req.p.opt_text("mobileLike", 20)?.map(str::to_string),
    };
    let user = req.user_id;
    let (rows, total) =
        db.read(move |c| db::address::list_of(c, user, &f, paging.offset(), paging.limit())).await?;
    Ok(Reply(paging.page(rows.into_iter().map(|r| AddressView::new(regions, r)).collect(), total)?))
}

/// GET /<sub>/user/shipping-address/default/v2 — defaultAddress; logged-in shopper. 700 when none.
#[get("/user/shipping-address/default/v2")]
async fn default_address(req: Authed, db: &State<Db>, regions: &State<Regions>) -> ApiResult<AddressDetail> {
    let user = req.user_id;
    let row = db.read(move |c| db::address::default_of(c, user)).await?;
    Ok(Reply(AddressDetail::new(regions, row.ok_or(ApiError::Empty)?)))
}

/// GET /<sub>/user/shipping-address/detail/v2 — addressDetail; logged-in shopper, own address.
#[get("/user/shipping-address/detail/v2")]
async fn detail(req: Authed, db: &State<Db>, regions: &State<Regions>) -> ApiResult<AddressDetail> {
    let id = req.p.int("id")?;
    let user = req.user_id;
    let row = db.read(move |c| db::address::owned(c, user, id)).await?;
    Ok(Reply(AddressDetail::new(regions, row.ok_or(NOT_FOUND)?)))
}
