//! Goods with their gallery, specs and SKUs: listed, created and replaced whole, put on or off
//! the shelf, deleted.

use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{delete, get, post, put, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::{based_on, needs_version, now, outdated_message, stale_message, IfMatch, Refusal, Tagged};
use crate::db::catalog::{self, GoodsFields, MerchantGoodsFilter};
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::merchant::body::{fen, opt_int, opt_text};
use crate::merchant::{Answer, ApiKey, JsonBody, Paged, Paging, Problem, BASE};
use crate::money;
use crate::service::catalog::{self as rules, EditError, NewGoods, NewSku, NewSpec, Stock, StockPlan};

pub fn routes() -> Vec<Route> {
    routes![goods_list, create_goods, show_goods, replace_goods, remove_goods, on_shelf, off_shelf]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecValueView {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecView {
    pub id: i64,
    pub name: String,
    pub values: Vec<SpecValueView>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkuView {
    pub id: i64,
    /// The key the stock endpoint and the shop use: "pid:cid,pid:cid,".
    pub property_child_ids: String,
    /// The same key in words: "颜色:白,尺码:L,".
    pub property_child_names: String,
    pub price: f64,
    pub original_price: f64,
    pub score: i64,
    pub stores: i64,
    pub weight: i64,
    pub code: String,
}

/// A goods with its gallery, specs and SKUs; money in yuan, weight in grams.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GoodsView {
    pub id: i64,
    pub category_id: i64,
    pub name: String,
    pub characteristic: String,
    pub content: String,
    pub pic: String,
    pub pics: Vec<String>,
    /// The uploaded video's id; 0 = none.
    pub video_id: i64,
    pub tags: String,
    pub purchase_notes: String,
    pub status: i64,
    pub recommend_status: i64,
    pub kanjia: bool,
    pub miaosha: bool,
    pub pingtuan: bool,
    pub paixu: i64,
    pub stores: i64,
    pub min_price: f64,
    pub original_price: f64,
    pub min_score: i64,
    pub min_buy_number: i64,
    pub weight: i64,
    /// Freight template id; 0 = none (no delivery, no freight).
    pub logistics_id: i64,
    /// Free-form JSON object.
    pub ext_json: serde_json::Value,
    pub properties: Vec<SpecView>,
    pub sku_list: Vec<SkuView>,
    pub number_sells: i64,
    /// Moves on with every change, orders' stock changes too; the `ETag` of the goods' answers.
    pub version: i64,
    pub date_add: String,
    pub date_update: String,
}

fn goods_view(c: &rusqlite::Connection, id: i64) -> Result<Option<GoodsView>, Problem> {
    let Some(g) = catalog::goods(c, id)? else { return Ok(None) };
    let specs = catalog::properties(c, id)?;
    let skus = catalog::skus(c, id)?;
    let f = g.fields;
    Ok(Some(GoodsView {
        id: g.id,
        category_id: f.category_id.unwrap_or(0),
        name: f.name,
        characteristic: f.characteristic,
        content: f.content,
        pic: f.pic,
        pics: catalog::pics(c, id)?.into_iter().map(|p| p.pic).collect(),
        video_id: f.video_id.unwrap_or(0),
        tags: f.tags,
        purchase_notes: f.purchase_notes,
        status: f.status,
        recommend_status: f.recommend_status,
        kanjia: f.kanjia,
        miaosha: f.miaosha,
        pingtuan: f.pingtuan,
        paixu: f.paixu,
        stores: f.stores,
        min_price: money::to_yuan(f.min_price),
        original_price: money::to_yuan(f.original_price),
        min_score: f.min_score,
        min_buy_number: f.min_buy_number,
        weight: f.weight,
        logistics_id: f.logistics_id.unwrap_or(0),
        ext_json: serde_json::from_str(&f.ext_json).unwrap_or_default(),
        sku_list: skus
            .into_iter()
            .map(|s| SkuView {
                id: s.id,
                property_child_names: rules::key_names(&s.fields.property_child_ids, &specs),
                property_child_ids: s.fields.property_child_ids,
                price: money::to_yuan(s.fields.price),
                original_price: money::to_yuan(s.fields.original_price),
                score: s.fields.score,
                stores: s.fields.stores,
                weight: s.fields.weight,
                code: s.fields.code,
            })
            .collect(),
        properties: specs
            .into_iter()
            .map(|p| SpecView {
                id: p.id,
                name: p.name,
                values: p.children.into_iter().map(|v| SpecValueView { id: v.id, name: v.name }).collect(),
            })
            .collect(),
        number_sells: g.counters.number_sells,
        version: g.version,
        date_add: db::format_unix(g.date_add),
        date_update: db::format_unix(g.date_update),
    }))
}

async fn load_goods(db: &Db, id: i64) -> Answer<GoodsView> {
    let found = db.read(move |c| goods_view(c, id)).await?;
    Ok(found.ok_or(MerchantError::NotFound("goods"))?)
}

/// The goods as it is now, tagged with its version.
pub(super) async fn tagged_goods(db: &Db, id: i64) -> Answer<Tagged<Json<GoodsView>>> {
    let g = load_goods(db, id).await?;
    Ok(Tagged { version: g.version, inner: Json(g) })
}

/// A goods write the service refused, as the merchant API answers it.
pub(super) async fn goods_refusal(db: &Db, id: i64, sent: Option<i64>, e: EditError) -> Refusal<GoodsView> {
    let error = match e {
        EditError::Refused(e) => return Refusal::Problem(e.into()),
        EditError::NeedsVersion => return Refusal::Problem(needs_version("this change")),
        EditError::Stale(list) => stale_message(&list),
        EditError::Outdated { now } => outdated_message(sent, now),
    };
    match load_goods(db, id).await {
        Ok(current) => Refusal::Stale { error, version: current.version, current },
        Err(p) => Refusal::Problem(p),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SpecBody {
    pub name: String,
    pub values: Vec<String>,
}

/// One combination: `values` names one value per spec, in the specs' order. `stores` absent: no
/// stock for a new combination, unchanged for one that exists.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SkuBody {
    pub values: Vec<String>,
    pub price: f64,
    pub original_price: f64,
    pub score: i64,
    pub stores: Option<i64>,
    pub weight: i64,
    pub code: String,
}

/// A whole goods as POST and PUT send it. With `properties` and no `skuList`, every combination
/// is made (PUT keeps the price and stock of combinations that already existed). Stock left out
/// (`stores`, a SKU's `stores`) is unchanged on PUT; stock sent on PUT needs the version it was
/// read at (`version` or `If-Match`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct GoodsBody {
    pub category_id: i64,
    pub name: String,
    pub characteristic: String,
    pub content: String,
    pub pic: String,
    pub pics: Vec<String>,
    pub tags: String,
    pub purchase_notes: String,
    pub status: i64,
    pub recommend_status: i64,
    pub kanjia: bool,
    pub miaosha: bool,
    pub pingtuan: bool,
    pub paixu: i64,
    pub stores: Option<i64>,
    pub min_price: f64,
    pub original_price: f64,
    pub min_score: i64,
    pub min_buy_number: i64,
    pub weight: i64,
    /// A freight template's id; 0 or absent = none.
    pub logistics_id: i64,
    pub ext_json: serde_json::Map<String, serde_json::Value>,
    pub properties: Vec<SpecBody>,
    pub sku_list: Vec<SkuBody>,
    /// An uploaded video's id (`/uploads`); 0 = none.
    pub video_id: i64,
    /// PUT: the goods' version the change is based on (as `If-Match`); ignored on POST.
    pub version: Option<i64>,
}

impl Default for GoodsBody {
    fn default() -> Self {
        GoodsBody {
            category_id: 0,
            name: String::new(),
            characteristic: String::new(),
            content: String::new(),
            pic: String::new(),
            pics: Vec::new(),
            tags: String::new(),
            purchase_notes: String::new(),
            status: 0,
            recommend_status: 0,
            kanjia: false,
            miaosha: false,
            pingtuan: false,
            paixu: 0,
            stores: None,
            min_price: 0.0,
            original_price: 0.0,
            min_score: 0,
            min_buy_number: 1,
            weight: 0,
            logistics_id: 0,
            ext_json: serde_json::Map::new(),
            properties: Vec::new(),
            sku_list: Vec::new(),
            video_id: 0,
            version: None,
        }
    }
}

impl GoodsBody {
    /// How a PUT of this body changes stock: what it sends, at the version it was read at.
    fn stock_plan(&self) -> StockPlan {
        let put = |n: Option<i64>| n.map_or(Stock::Keep, Stock::Put);
        StockPlan { goods: put(self.stores), skus: self.sku_list.iter().map(|s| put(s.stores)).collect() }
    }

    fn into_new(self) -> Result<NewGoods, Problem> {
        let mut skus = Vec::with_capacity(self.sku_list.len());
        for s in self.sku_list {
            skus.push(NewSku {
                values: s.values,
                price: fen("skuList", s.price)?,
                original_price: fen("skuList", s.original_price)?,
                score: s.score,
                stores: s.stores.unwrap_or(0),
                weight: s.weight,
                code: s.code,
            });
        }
        let pic = if self.pic.is_empty() { self.pics.first().cloned().unwrap_or_default() } else { self.pic };
        Ok(NewGoods {
            fields: GoodsFields {
                category_id: (self.category_id > 0).then_some(self.category_id),
                name: self.name.trim().to_string(),
                characteristic: self.characteristic,
                content: self.content,
                pic,
                tags: self.tags,
                purchase_notes: self.purchase_notes,
                status: self.status,
                recommend_status: self.recommend_status,
                kanjia: self.kanjia,
                miaosha: self.miaosha,
                pingtuan: self.pingtuan,
                paixu: self.paixu,
                stores: self.stores.unwrap_or(0),
                min_price: fen("minPrice", self.min_price)?,
                original_price: fen("originalPrice", self.original_price)?,
                min_score: self.min_score,
                min_buy_number: self.min_buy_number,
                weight: self.weight,
                logistics_id: (self.logistics_id > 0).then_some(self.logistics_id),
                ext_json: serde_json::Value::Object(self.ext_json).to_string(),
                video_id: (self.video_id > 0).then_some(self.video_id),
                ..GoodsFields::default()
            },
            pics: self.pics,
            specs: self.properties.into_iter().map(|p| NewSpec { name: p.name, values: p.values }).collect(),
            skus,
        })
    }
}

/// `?search=&categoryId=&status=&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct GoodsQuery<'r> {
    search: Option<&'r str>,
    #[field(name = "categoryId")]
    category_id: Option<&'r str>,
    status: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// GET /admin/api/v1/goods?search=&categoryId=&status=&page=&pageSize= — merchant key. Newest
/// first, on shelf or not.
#[get("/goods?<q..>")]
async fn goods_list(_key: ApiKey, db: &State<Db>, q: GoodsQuery<'_>) -> Answer<Json<Paged<GoodsView>>> {
    let filter = MerchantGoodsFilter {
        name: opt_text("search", q.search, 100)?,
        category_id: opt_int("categoryId", q.category_id, 1..=i64::MAX)?,
        status: opt_int("status", q.status, 0..=1)?,
    };
    let paging = Paging::new(q.page, q.page_size)?;
    let (items, total) = db
        .read(move |c| {
            let (rows, total) = catalog::merchant_goods(c, &filter, paging.offset(), paging.page_size)?;
            let mut items = Vec::with_capacity(rows.len());
            for r in rows {
                items.extend(goods_view(c, r.id)?);
            }
            Ok::<_, Problem>((items, total))
        })
        .await?;
    Ok(Json(paging.wrap(items, total)))
}

/// POST /admin/api/v1/goods — merchant key. The goods with its specs and SKUs in one body; 201.
#[post("/goods", data = "<body>")]
async fn create_goods(
    _key: ApiKey,
    db: &State<Db>,
    body: JsonBody<GoodsBody>,
) -> Answer<Tagged<Created<Json<GoodsView>>>> {
    let new = body.0.into_new()?;
    let id = db.write(move |c| rules::add_goods(c, new, now())).await?;
    let g = load_goods(db, id).await?;
    Ok(Tagged { version: g.version, inner: Created::new(format!("{BASE}/goods/{id}")).body(Json(g)) })
}

/// GET /admin/api/v1/goods/<id> — merchant key. `ETag` is the goods' version.
#[get("/goods/<id>")]
async fn show_goods(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Tagged<Json<GoodsView>>> {
    tagged_goods(db, id).await
}

/// PUT /admin/api/v1/goods/<id> — merchant key. Replaces the whole goods (see [`GoodsBody`]); 409
/// with the goods as it is now when it changed since the version sent, 428 for stock without one.
#[put("/goods/<id>", data = "<body>")]
async fn replace_goods(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    if_match: IfMatch,
    body: JsonBody<GoodsBody>,
) -> Result<Tagged<Json<GoodsView>>, Refusal<GoodsView>> {
    let body = body.0;
    let version = based_on(if_match, body.version)?;
    let plan = body.stock_plan();
    let sets_stock = plan.goods != Stock::Keep || plan.skus.iter().any(|s| *s != Stock::Keep);
    if sets_stock && version.is_none() {
        return Err(needs_version("`stores`").into());
    }
    let new = body.into_new()?;
    let written = db
        .write(move |c| {
            rules::claim_version(c, id, version)?;
            rules::replace_goods(c, id, new, &plan, now())
        })
        .await;
    if let Err(e) = written {
        return Err(goods_refusal(db, id, version, e).await);
    }
    Ok(tagged_goods(db, id).await?)
}

/// DELETE /admin/api/v1/goods/<id> — merchant key. 204.
#[delete("/goods/<id>")]
async fn remove_goods(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Status> {
    db.write(move |c| rules::delete_goods(c, &[id])).await?;
    Ok(Status::NoContent)
}

/// POST /admin/api/v1/goods/<id>/on-shelf — merchant key.
#[post("/goods/<id>/on-shelf")]
async fn on_shelf(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Tagged<Json<GoodsView>>> {
    db.write(move |c| rules::set_shelf(c, &[id], true, now())).await?;
    tagged_goods(db, id).await
}

/// POST /admin/api/v1/goods/<id>/off-shelf — merchant key.
#[post("/goods/<id>/off-shelf")]
async fn off_shelf(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Tagged<Json<GoodsView>>> {
    db.write(move |c| rules::set_shelf(c, &[id], false, now())).await?;
    tagged_goods(db, id).await
}
