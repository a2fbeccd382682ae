//! Shops and pick-up points (fetchShops / shopSubdetail / pickPoints), and shoppers' shop
//! applications: approving one is a PUT with `status` 0, rejecting it `status` 2.

use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{delete, get, post, put, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::body::{opt_int, opt_text};
use super::{Answer, ApiKey, JsonBody, Paged, Paging, Problem, BASE};
use crate::db::shops::{self, ShopFields, ShopFilter, ShopRow};
use crate::db::{self, Db};
use crate::error::MerchantError;

pub fn routes() -> Vec<Route> {
    routes![list, create, show, replace, remove]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopView {
    pub id: i64,
    /// The applicant for shops a shopper applied for; null for the merchant's own.
    pub user_id: Option<i64>,
    pub name: String,
    pub pic: String,
    pub characteristic: String,
    pub introduce: String,
    pub address: String,
    pub link_man: String,
    pub link_phone: String,
    pub opening_hours: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub province_id: String,
    pub city_id: String,
    pub district_id: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub is_pick_point: bool,
    pub paixu: i64,
    /// 0 open, 1 pending application, 2 rejected.
    pub status: i64,
    pub ext_json: serde_json::Value,
    pub date_add: String,
    pub date_update: String,
}

impl From<ShopRow> for ShopView {
    fn from(s: ShopRow) -> Self {
        let f = s.fields;
        ShopView {
            id: s.id,
            user_id: s.user_id,
            ext_json: serde_json::from_str(&f.ext_json).unwrap_or_else(|_| serde_json::json!({})),
            name: f.name,
            pic: f.pic,
            characteristic: f.characteristic,
            introduce: f.introduce,
            address: f.address,
            link_man: f.link_man,
            link_phone: f.link_phone,
            opening_hours: f.opening_hours,
            kind: f.kind,
            province_id: f.province_id,
            city_id: f.city_id,
            district_id: f.district_id,
            latitude: f.latitude,
            longitude: f.longitude,
            is_pick_point: f.is_pick_point,
            paixu: f.paixu,
            status: s.status,
            date_add: db::format_unix(s.date_add),
            date_update: db::format_unix(s.date_update),
        }
    }
}

/// A whole shop as POST and PUT send it; absent fields take their defaults (open, not a pick-up
/// point).
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ShopBody {
    pub name: String,
    pub pic: String,
    pub characteristic: String,
    pub introduce: String,
    pub address: String,
    pub link_man: String,
    pub link_phone: String,
    pub opening_hours: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub province_id: String,
    pub city_id: String,
    pub district_id: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub is_pick_point: bool,
    pub paixu: i64,
    pub status: i64,
    /// A JSON object (the shop's extension fields).
    pub ext_json: Option<serde_json::Value>,
}

impl ShopBody {
    /// Checks every field; the fields and the status.
    fn check(self) -> Result<(ShopFields, i64), MerchantError> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(MerchantError::invalid("name", "is required"));
        }
        for (field, value, max) in [
            ("name", &name, 50),
            ("address", &self.address, 200),
            ("introduce", &self.introduce, 2000),
            ("characteristic", &self.characteristic, 200),
            ("linkMan", &self.link_man, 30),
            ("linkPhone", &self.link_phone, 30),
            ("openingHours", &self.opening_hours, 100),
        ] {
            if value.chars().count() > max {
                return Err(MerchantError::invalid(field, format!("must be at most {max} characters")));
            }
        }
        if self.latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
            return Err(MerchantError::invalid("latitude", "must be from -90 to 90"));
        }
        if self.longitude.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
            return Err(MerchantError::invalid("longitude", "must be from -180 to 180"));
        }
        if !(0..=2).contains(&self.status) {
            return Err(MerchantError::invalid("status", "must be 0 (open), 1 (pending) or 2 (rejected)"));
        }
        let ext_json = match self.ext_json {
            None => "{}".to_string(),
            Some(v @ serde_json::Value::Object(_)) => v.to_string(),
            Some(_) => return Err(MerchantError::invalid("extJson", "must be a JSON object")),
        };
        let fields = ShopFields {
            name,
            pic: self.pic,
            characteristic: self.characteristic,
            introduce: self.introduce,
            activity: String::new(),
            address: self.address,
            link_man: self.link_man,
            link_phone: self.link_phone,
            opening_hours: self.opening_hours,
            number: String::new(),
            kind: self.kind,
            province_id: self.province_id,
            city_id: self.city_id,
            district_id: self.district_id,
            latitude: self.latitude,
            longitude: self.longitude,
            is_pick_point: self.is_pick_point,
            paixu: self.paixu,
            ext_json,
        };
        Ok((fields, self.status))
    }
}

/// `?status=&search=&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct ListQuery<'r> {
    status: Option<&'r str>,
    search: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

async fn load(db: &Db, id: i64) -> Answer<ShopView> {
    let found = db.read(move |c| shops::get(c, id)).await?;
    Ok(found.ok_or(MerchantError::NotFound("shop"))?.into())
}

/// GET /admin/api/v1/shops?status=&search=&page=&pageSize= — merchant key. In the merchant's
/// order; `status=1` lists the applications waiting.
#[get("/shops?<q..>")]
async fn list(_key: ApiKey, db: &State<Db>, q: ListQuery<'_>) -> Answer<Json<Paged<ShopView>>> {
    let filter = ShopFilter {
        status: opt_int("status", q.status, 0..=2)?,
        name_like: opt_text("search", q.search, 50)?,
        ..ShopFilter::default()
    };
    let paging = Paging::new(q.page, q.page_size)?;
    let all = db.read(move |c| shops::list(c, &filter)).await?;
    let total = all.len() as i64;
    let page: Vec<ShopView> = all
        .into_iter()
        .skip(usize::try_from(paging.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(paging.page_size).unwrap_or(usize::MAX))
        .map(Into::into)
        .collect();
    Ok(Json(paging.wrap(page, total)))
}

/// POST /admin/api/v1/shops — merchant key. 201 with `Location`.
#[post("/shops", data = "<body>")]
async fn create(_key: ApiKey, db: &State<Db>, body: JsonBody<ShopBody>) -> Answer<Created<Json<ShopView>>> {
    let (fields, status) = body.0.check()?;
    let id = db.write(move |c| shops::insert(c, &fields, None, status, db::unix_now())).await?;
    Ok(Created::new(format!("{BASE}/shops/{id}")).body(Json(load(db, id).await?)))
}

/// GET /admin/api/v1/shops/<id> — merchant key.
#[get("/shops/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<ShopView>> {
    Ok(Json(load(db, id).await?))
}

/// PUT /admin/api/v1/shops/<id> — merchant key. Replaces the whole shop, status included (0
/// approves an application, 2 rejects it).
#[put("/shops/<id>", data = "<body>")]
async fn replace(_key: ApiKey, db: &State<Db>, id: i64, body: JsonBody<ShopBody>) -> Answer<Json<ShopView>> {
    let (fields, status) = body.0.check()?;
    let found = db
        .write(move |c| {
            let now = db::unix_now();
            Ok::<_, Problem>(shops::update(c, id, &fields, now)? && shops::set_status(c, id, status, now)?)
        })
        .await?;
    if !found {
        return Err(MerchantError::NotFound("shop").into());
    }
    Ok(Json(load(db, id).await?))
}

/// DELETE /admin/api/v1/shops/<id> — merchant key. 204, or 404 when there was none.
#[delete("/shops/<id>")]
async fn remove(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Status> {
    if db.write(move |c| shops::delete(c, id)).await? {
        Ok(Status::NoContent)
    } else {
        Err(MerchantError::NotFound("shop").into())
    }
}
