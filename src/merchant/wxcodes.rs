//! URL schemes (`weixin://dl/business/?t=...`) that open the mini-program from SMS, e-mail or the
//! web: made through WeChat's generatescheme and listed.

use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{get, post, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::{Answer, ApiKey, JsonBody, Paged, Paging, Problem, BASE};
use crate::db::{self, wxcodes::Scheme, Db};
use crate::error::MerchantError;
use crate::service::wxcodes::{self as codes, Expiry, SchemeInput};
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![list, create, show]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemeView {
    pub id: i64,
    pub openlink: String,
    pub path: String,
    pub query: String,
    pub env_version: String,
    /// 0: until `expireTime`; 1: `expireInterval` days; null: WeChat's longest validity.
    pub expire_type: Option<i64>,
    pub expire_time: Option<String>,
    pub expire_interval: Option<i64>,
    /// When the link stops working, as far as the shop knows (null: WeChat's longest validity).
    pub expires_at: Option<String>,
    pub remark: String,
    pub date_add: String,
}

impl From<Scheme> for SchemeView {
    fn from(s: Scheme) -> Self {
        SchemeView {
            id: s.id,
            openlink: s.openlink,
            path: s.path,
            query: s.query,
            env_version: s.env_version,
            expire_type: s.expire_type,
            expire_time: s.expire_time.map(db::format_unix),
            expire_interval: s.expire_interval,
            expires_at: s.expires_at.map(db::format_unix),
            remark: s.remark,
            date_add: db::format_unix(s.date_add),
        }
    }
}

/// What POST /url-schemes takes. `expireType` 0 needs `expireTime` (unix seconds or
/// "YYYY-MM-DD HH:MM:SS", Asia/Shanghai), 1 needs `expireInterval` (days); without either the
/// scheme gets WeChat's longest validity.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SchemeBody {
    pub path: String,
    pub query: String,
    pub env_version: Option<String>,
    pub expire_type: Option<i64>,
    pub expire_time: Option<TimeValue>,
    pub expire_interval: Option<i64>,
    pub remark: String,
}

/// A time as unix seconds or as shop-local text.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
#[allow(clippy::unsafe_derive_deserialize)] // the unsafe is inside the time macros' expansion
pub enum TimeValue {
    Unix(i64),
    Text(String),
}

impl TimeValue {
    fn unix(&self) -> Result<i64, Problem> {
        match self {
            TimeValue::Unix(t) => Ok(*t),
            TimeValue::Text(v) => {
                let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
                time::PrimitiveDateTime::parse(v.trim(), &f)
                    .map(|t| t.assume_offset(time::macros::offset!(+8)).unix_timestamp())
                    .map_err(|_| {
                        Problem::invalid(
                            "expireTime",
                            "must be unix seconds or \"YYYY-MM-DD HH:MM:SS\" (Asia/Shanghai)",
                        )
                    })
            }
        }
    }
}

impl SchemeBody {
    fn input(self) -> Result<SchemeInput, Problem> {
        let expiry = match (self.expire_type, &self.expire_time, self.expire_interval) {
            (Some(0) | None, Some(t), None) => Expiry::At(t.unix()?),
            (Some(1) | None, None, Some(d)) => Expiry::Days(d),
            (None, None, None) => Expiry::Longest,
            (Some(0), None, _) => {
                return Err(Problem::invalid("expireTime", "is required when expireType is 0"))
            }
            (Some(1), _, None) => {
                return Err(Problem::invalid("expireInterval", "is required when expireType is 1"))
            }
            (Some(t), _, _) if t != 0 && t != 1 => {
                return Err(Problem::invalid("expireType", "must be 0 or 1"))
            }
            _ => {
                return Err(Problem::invalid(
                    "expireType",
                    "give either expireTime (type 0) or expireInterval (type 1)",
                ))
            }
        };
        Ok(SchemeInput {
            path: self.path,
            query: self.query,
            env_version: self.env_version.unwrap_or_else(|| "release".into()),
            expiry,
            remark: self.remark,
        })
    }
}

/// `?page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct ListQuery<'r> {
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// GET /admin/api/v1/url-schemes?page=&pageSize= — merchant key. Newest first.
#[get("/url-schemes?<q..>")]
async fn list(_key: ApiKey, db: &State<Db>, q: ListQuery<'_>) -> Answer<Json<Paged<SchemeView>>> {
    let paging = Paging::new(q.page, q.page_size)?;
    let (rows, total) = db.read(move |c| db::wxcodes::schemes(c, paging.offset(), paging.page_size)).await?;
    Ok(Json(paging.wrap(rows.into_iter().map(Into::into).collect(), total)))
}

/// POST /admin/api/v1/url-schemes — merchant key. Asks WeChat for the scheme; 201 with the
/// `openlink`, 422 naming a bad field, 502 when WeChat refuses.
#[post("/url-schemes", data = "<body>")]
async fn create(
    _key: ApiKey,
    db: &State<Db>,
    wx: &State<WeChat>,
    body: JsonBody<SchemeBody>,
) -> Answer<Created<Json<SchemeView>>> {
    let input = body.0.input()?;
    let (db, wx) = (db.inner().clone(), wx.inner().clone());
    let made = crate::db::blocking(move || codes::make_scheme(&db, &wx, input)).await?;
    Ok(Created::new(format!("{BASE}/url-schemes/{}", made.id)).body(Json(made.into())))
}

/// GET /admin/api/v1/url-schemes/<id> — merchant key.
#[get("/url-schemes/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<SchemeView>> {
    let found = db.read(move |c| db::wxcodes::scheme_by_id(c, id)).await?;
    Ok(Json(found.ok_or(MerchantError::NotFound("url scheme"))?.into()))
}
