//! Bargain sets (砍价): create one per goods, list them, see a set's bargains with their cuts,
//! stop one. Money in yuan; times "YYYY-MM-DD HH:MM:SS" (Asia/Shanghai).

use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::{Deserialize, Serialize};

use super::body::fen;
use super::{Answer, ApiKey, JsonBody, BASE};
use crate::db::kanjia::{JoinRow, SetFields, SetRow};
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::money::to_yuan;
use crate::service::kanjia;

pub fn routes() -> Vec<Route> {
    routes![list, create, show, stop]
}

/// A set as the merchant API answers it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetView {
    pub id: i64,
    pub goods_id: i64,
    pub original_price: f64,
    pub min_price: f64,
    pub help_price_min: f64,
    pub help_price_max: f64,
    pub number: i64,
    pub number_buy: i64,
    pub date_add: String,
    pub date_end: String,
    /// 0 active, 1 stopped, 2 ended.
    pub status: i64,
    pub status_str: &'static str,
}

impl SetView {
    fn new(s: &SetRow, now: i64) -> Self {
        let f = &s.fields;
        SetView {
            id: s.id,
            goods_id: f.goods_id,
            original_price: to_yuan(f.original_price),
            min_price: to_yuan(f.min_price),
            help_price_min: to_yuan(f.help_min),
            help_price_max: to_yuan(f.help_max),
            number: f.number,
            number_buy: s.number_buy,
            date_add: db::format_unix(s.date_add),
            date_end: db::format_unix(f.date_end),
            status: s.status,
            status_str: kanjia::set_status_words(s, now),
        }
    }
}

/// One help on a bargain.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HelpView {
    pub uid: i64,
    pub nick: String,
    pub cut_price: f64,
    pub date_add: String,
}

/// A shopper's bargain with its helps.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinView {
    pub uid: i64,
    pub cur_price: f64,
    pub help_number: i64,
    /// 0 in progress, 1 bought.
    pub status: i64,
    /// The unpaid order holding it.
    pub order_id: Option<i64>,
    pub date_add: String,
    pub helps: Vec<HelpView>,
}

/// A set with its bargains.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetDetail {
    #[serde(flatten)]
    pub set: SetView,
    pub joins: Vec<JoinView>,
}

/// A new set.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetBody {
    pub goods_id: i64,
    pub original_price: f64,
    pub min_price: f64,
    pub help_price_min: f64,
    pub help_price_max: f64,
    pub number: i64,
    pub date_end: String,
}

impl SetBody {
    fn fields(&self) -> Answer<SetFields> {
        Ok(SetFields {
            goods_id: self.goods_id,
            original_price: fen("originalPrice", self.original_price)?,
            min_price: fen("minPrice", self.min_price)?,
            help_min: fen("helpPriceMin", self.help_price_min)?,
            help_max: fen("helpPriceMax", self.help_price_max)?,
            number: self.number,
            date_end: super::coupons::parse_time("dateEnd", &self.date_end)?,
        })
    }
}

/// GET /admin/api/v1/kanjia-sets?goodsId — merchant key. Every set, newest first.
#[get("/kanjia-sets?<goodsId>")]
#[allow(non_snake_case, reason = "the query parameter is named as the client names it")]
async fn list(_key: ApiKey, db: &State<Db>, goodsId: Option<i64>) -> Answer<Json<Vec<SetView>>> {
    let now = db::unix_now();
    let rows = db.read(move |c| db::kanjia::all_sets(c, goodsId)).await?;
    Ok(Json(rows.iter().map(|s| SetView::new(s, now)).collect()))
}

/// POST /admin/api/v1/kanjia-sets — merchant key. 201 with `Location`; 422 naming a bad field.
#[post("/kanjia-sets", data = "<body>")]
async fn create(_key: ApiKey, db: &State<Db>, body: JsonBody<SetBody>) -> Answer<Created<Json<SetView>>> {
    let (f, now) = (body.0.fields()?, db::unix_now());
    let s = db.write(move |c| kanjia::create_set(c, &f, now)).await?;
    Ok(Created::new(format!("{BASE}/kanjia-sets/{}", s.id)).body(Json(SetView::new(&s, now))))
}

fn join_view(j: &JoinRow, helps: Vec<db::kanjia::HelpRow>) -> JoinView {
    JoinView {
        uid: j.user_id,
        cur_price: to_yuan(j.cur_price),
        help_number: j.help_number,
        status: j.status,
        order_id: j.order_id,
        date_add: db::format_unix(j.date_add),
        helps: helps
            .into_iter()
            .map(|h| HelpView {
                uid: h.uid,
                nick: h.nick,
                cut_price: to_yuan(h.cut_price),
                date_add: db::format_unix(h.date_add),
            })
            .collect(),
    }
}

/// GET /admin/api/v1/kanjia-sets/<id> — merchant key. The set with its bargains and their helps.
#[get("/kanjia-sets/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<SetDetail>> {
    let now = db::unix_now();
    let (s, joins) = db
        .read(move |c| {
            let Some(s) = db::kanjia::set(c, id)? else { return Ok((None, Vec::new())) };
            let mut joins = Vec::new();
            for j in db::kanjia::joins_of_set(c, id)? {
                let helps = db::kanjia::helps_of(c, j.id)?;
                joins.push(join_view(&j, helps));
            }
            Ok::<_, db::Error>((Some(s), joins))
        })
        .await?;
    let s = s.ok_or(MerchantError::NotFound("bargain set"))?;
    Ok(Json(SetDetail { set: SetView::new(&s, now), joins }))
}

/// POST /admin/api/v1/kanjia-sets/<id>/stop — merchant key. Stops an active set (409 otherwise).
#[post("/kanjia-sets/<id>/stop")]
async fn stop(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<SetView>> {
    let now = db::unix_now();
    let s = db.write(move |c| kanjia::stop_set(c, id)).await?;
    Ok(Json(SetView::new(&s, now)))
}
