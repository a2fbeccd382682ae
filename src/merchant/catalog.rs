//! Categories and goods for the merchant's own systems: the catalogue's writes, each one
//! transaction through service::catalog, so the shop answers the change at once.

use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{delete, get, post, put, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::body::{opt_int, opt_text};
use super::{Answer, ApiKey, JsonBody, Paged, Paging, Problem, BASE};
use crate::db::catalog::{self, CategoryFields, CategoryRow, GoodsFields, MerchantGoodsFilter};
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::money;
use crate::service::catalog::{self as rules, NewGoods, NewSku, NewSpec, StockChange};

pub fn routes() -> Vec<Route> {
    routes![
        categories,
        create_category,
        show_category,
        replace_category,
        remove_category,
        goods_list,
        create_goods,
        show_goods,
        replace_goods,
        remove_goods,
        set_stock,
        on_shelf,
        off_shelf
    ]
}

fn now() -> i64 {
    db::unix_now()
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryView {
    pub id: i64,
    /// 0 for a top-level category.
    pub pid: i64,
    pub name: String,
    pub icon: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub key: String,
    pub level: i64,
    pub paixu: i64,
    pub is_use: bool,
    /// Free-form JSON object.
    pub ext_json: serde_json::Value,
    pub date_add: String,
    pub date_update: String,
}

impl From<CategoryRow> for CategoryView {
    fn from(r: CategoryRow) -> Self {
        CategoryView {
            id: r.id,
            pid: r.fields.pid.unwrap_or(0),
            name: r.fields.name,
            icon: r.fields.icon,
            kind: r.fields.kind,
            key: r.fields.key,
            level: r.level,
            paixu: r.fields.paixu,
            is_use: r.fields.is_use,
            ext_json: serde_json::from_str(&r.fields.ext_json).unwrap_or_default(),
            date_add: db::format_unix(r.date_add),
            date_update: db::format_unix(r.date_update),
        }
    }
}

/// A whole category as POST and PUT send it; `pid` 0 or absent = top level.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct CategoryBody {
    pub pid: i64,
    pub name: String,
    pub icon: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub key: String,
    pub paixu: i64,
    pub is_use: bool,
    pub ext_json: serde_json::Map<String, serde_json::Value>,
}

impl Default for CategoryBody {
    fn default() -> Self {
        CategoryBody {
            pid: 0,
            name: String::new(),
            icon: String::new(),
            kind: String::new(),
            key: String::new(),
            paixu: 0,
            is_use: true,
            ext_json: serde_json::Map::new(),
        }
    }
}

impl From<CategoryBody> for CategoryFields {
    fn from(b: CategoryBody) -> Self {
        CategoryFields {
            pid: (b.pid > 0).then_some(b.pid),
            name: b.name.trim().to_string(),
            icon: b.icon,
            kind: b.kind,
            key: b.key,
            paixu: b.paixu,
            is_use: b.is_use,
            ext_json: serde_json::Value::Object(b.ext_json).to_string(),
        }
    }
}

async fn load_category(db: &Db, id: i64) -> Answer<CategoryView> {
    let found = db.read(move |c| Ok::<_, Problem>(catalog::category(c, id)?)).await?;
    Ok(found.ok_or(MerchantError::NotFound("category"))?.into())
}

/// GET /admin/api/v1/categories — merchant key. Every category, parents before children.
#[get("/categories")]
async fn categories(_key: ApiKey, db: &State<Db>) -> Answer<Json<Vec<CategoryView>>> {
    let rows = db.read(|c| Ok::<_, Problem>(catalog::all_categories(c)?)).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// POST /admin/api/v1/categories — merchant key. 201 with `Location`.
#[post("/categories", data = "<body>")]
async fn create_category(
    _key: ApiKey,
    db: &State<Db>,
    body: JsonBody<CategoryBody>,
) -> Answer<Created<Json<CategoryView>>> {
    let fields: CategoryFields = body.0.into();
    let id = db.write(move |c| Ok::<_, Problem>(rules::save_category(c, None, &fields, now())?)).await?;
    Ok(Created::new(format!("{BASE}/categories/{id}")).body(Json(load_category(db, id).await?)))
}

/// GET /admin/api/v1/categories/<id> — merchant key.
#[get("/categories/<id>")]
async fn show_category(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<CategoryView>> {
    Ok(Json(load_category(db, id).await?))
}

/// PUT /admin/api/v1/categories/<id> — merchant key. Replaces the category; a new `pid` moves it
/// with its subtree.
#[put("/categories/<id>", data = "<body>")]
async fn replace_category(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<CategoryBody>,
) -> Answer<Json<CategoryView>> {
    let fields: CategoryFields = body.0.into();
    db.write(move |c| Ok::<_, Problem>(rules::save_category(c, Some(id), &fields, now())?)).await?;
    Ok(Json(load_category(db, id).await?))
}

/// DELETE /admin/api/v1/categories/<id> — merchant key. 204; 409 while it has children or goods.
#[delete("/categories/<id>")]
async fn remove_category(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Status> {
    db.write(move |c| Ok::<_, Problem>(rules::delete_category(c, id)?)).await?;
    Ok(Status::NoContent)
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
        min_price: money::yuan(f.min_price),
        original_price: money::yuan(f.original_price),
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
                price: money::yuan(s.fields.price),
                original_price: money::yuan(s.fields.original_price),
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
        date_add: db::format_unix(g.date_add),
        date_update: db::format_unix(g.date_update),
    }))
}

async fn load_goods(db: &Db, id: i64) -> Answer<GoodsView> {
    let found = db.read(move |c| goods_view(c, id)).await?;
    Ok(found.ok_or(MerchantError::NotFound("goods"))?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SpecBody {
    pub name: String,
    pub values: Vec<String>,
}

/// One combination: `values` names one value per spec, in the specs' order.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SkuBody {
    pub values: Vec<String>,
    pub price: f64,
    pub original_price: f64,
    pub score: i64,
    pub stores: i64,
    pub weight: i64,
    pub code: String,
}

/// A whole goods as POST and PUT send it. With `properties` and no `skuList`, every combination
/// is made (PUT keeps the price and stock of combinations that already existed).
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
    pub stores: i64,
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
            stores: 0,
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
        }
    }
}

fn fen(name: &'static str, yuan: f64) -> Result<i64, Problem> {
    money::yuan_number_to_fen(yuan)
        .ok_or_else(|| Problem::invalid(name, "must be a yuan amount ≥ 0 with at most two decimals"))
}

impl GoodsBody {
    fn into_new(self) -> Result<NewGoods, Problem> {
        let mut skus = Vec::with_capacity(self.sku_list.len());
        for s in self.sku_list {
            skus.push(NewSku {
                values: s.values,
                price: fen("skuList", s.price)?,
                original_price: fen("skuList", s.original_price)?,
                score: s.score,
                stores: s.stores,
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
                stores: self.stores,
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
) -> Answer<Created<Json<GoodsView>>> {
    let new = body.0.into_new()?;
    let id = db.write(move |c| Ok::<_, Problem>(rules::add_goods(c, new, now())?)).await?;
    Ok(Created::new(format!("{BASE}/goods/{id}")).body(Json(load_goods(db, id).await?)))
}

/// GET /admin/api/v1/goods/<id> — merchant key.
#[get("/goods/<id>")]
async fn show_goods(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<GoodsView>> {
    Ok(Json(load_goods(db, id).await?))
}

/// PUT /admin/api/v1/goods/<id> — merchant key. Replaces the whole goods (see [`GoodsBody`]).
#[put("/goods/<id>", data = "<body>")]
async fn replace_goods(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<GoodsBody>,
) -> Answer<Json<GoodsView>> {
    let new = body.0.into_new()?;
    db.write(move |c| Ok::<_, Problem>(rules::replace_goods(c, id, new, now())?)).await?;
    Ok(Json(load_goods(db, id).await?))
}

/// DELETE /admin/api/v1/goods/<id> — merchant key. 204.
#[delete("/goods/<id>")]
async fn remove_goods(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Status> {
    db.write(move |c| Ok::<_, Problem>(rules::delete_goods(c, &[id])?)).await?;
    Ok(Status::NoContent)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SkuStock {
    pub property_child_ids: String,
    pub stores: i64,
}

/// `{"skus":[{"propertyChildIds":"1:2,","stores":5}]}` or `{"stores":n}`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct StockBody {
    pub skus: Option<Vec<SkuStock>>,
    pub stores: Option<i64>,
}

/// PUT /admin/api/v1/goods/<id>/stock — merchant key. Per SKU, or the goods' own stock.
#[put("/goods/<id>/stock", data = "<body>")]
async fn set_stock(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<StockBody>,
) -> Answer<Json<GoodsView>> {
    let change = match (body.0.skus, body.0.stores) {
        (Some(skus), None) => {
            StockChange::Skus(skus.into_iter().map(|s| (s.property_child_ids, s.stores)).collect())
        }
        (None, Some(n)) => StockChange::Goods(n),
        _ => return Err(Problem::invalid("stores", "send either `skus` or `stores`, not both")),
    };
    db.write(move |c| Ok::<_, Problem>(rules::set_stock(c, id, &change, now())?)).await?;
    Ok(Json(load_goods(db, id).await?))
}

/// POST /admin/api/v1/goods/<id>/on-shelf — merchant key.
#[post("/goods/<id>/on-shelf")]
async fn on_shelf(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<GoodsView>> {
    db.write(move |c| Ok::<_, Problem>(rules::set_shelf(c, &[id], true, now())?)).await?;
    Ok(Json(load_goods(db, id).await?))
}

/// POST /admin/api/v1/goods/<id>/off-shelf — merchant key.
#[post("/goods/<id>/off-shelf")]
async fn off_shelf(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<GoodsView>> {
    db.write(move |c| Ok::<_, Problem>(rules::set_shelf(c, &[id], false, now())?)).await?;
    Ok(Json(load_goods(db, id).await?))
}
