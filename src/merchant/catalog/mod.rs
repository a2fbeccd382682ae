//! Categories and goods for the merchant's own systems: the catalogue's writes, each one
//! transaction through service::catalog, so the shop answers the change at once.

use std::io::Cursor;

use rocket::http::{ContentType, Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::status::Created;
use rocket::response::{self, Responder, Response};
use rocket::serde::json::Json;
use rocket::{delete, get, post, put, routes, FromForm, State};
use serde::{Deserialize, Serialize};

use super::body::{fen, opt_int, opt_text};
use super::problem::fail;
use super::{Answer, ApiKey, JsonBody, Paged, Paging, Problem, BASE};
use crate::db::catalog::{self, CategoryFields, CategoryRow, GoodsFields, MerchantGoodsFilter};
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::money;
use crate::routing::FileRoutes;
use crate::service::catalog::{
    self as rules, EditError, NewGoods, NewSku, NewSpec, Stock, StockChange, StockConflict, StockPlan,
};

/// The catalogue's routes under [`BASE`], by the file that defines them.
pub fn routes() -> Vec<FileRoutes> {
    vec![FileRoutes::at(
        BASE,
        "src/merchant/catalog/mod.rs",
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
        ],
    )]
}

fn now() -> i64 {
    db::unix_now()
}

// ---- Versions: an edit says what it was based on, and a stale one is refused with what is now.

/// The version an `If-Match` header names (`"12"`, `W/"12"` or `12`); None without the header.
pub struct IfMatch(pub Option<i64>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for IfMatch {
    type Error = Problem;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Problem> {
        let Some(text) = req.headers().get_one("If-Match") else { return Outcome::Success(IfMatch(None)) };
        let tag = text.trim().trim_start_matches("W/").trim_matches('"');
        match tag.parse::<i64>() {
            Ok(v) => Outcome::Success(IfMatch(Some(v))),
            Err(_) => fail(
                req,
                Problem::invalid(
                    "If-Match",
                    "must be the ETag a GET answered, e.g. \"12\" (`*` is not accepted)",
                ),
            ),
        }
    }
}

/// The version a write is based on: `If-Match`, or the body's `version`; 422 when they differ.
pub fn based_on(header: IfMatch, body: Option<i64>) -> Result<Option<i64>, Problem> {
    match (header.0, body) {
        (Some(h), Some(b)) if h != b => {
            Err(Problem::invalid("version", format!("is {b} but If-Match names {h}: send one version")))
        }
        (h, b) => Ok(h.or(b)),
    }
}

/// 428: stock sent as a number needs the version it was read at.
pub fn needs_version(what: &str) -> Problem {
    Problem {
        status: Status::PreconditionRequired,
        field: Some("version".into()),
        ..Problem::new(
            Status::PreconditionRequired,
            format!(
                "version: {what} sets stock that orders change too: send the version it was read at \
                 (If-Match: the ETag of the GET, or `version`), or change stock by `add`"
            ),
        )
    }
}

/// An answer with the version it shows as its `ETag`.
pub struct Tagged<R> {
    pub inner: R,
    pub version: i64,
}

impl<'r, R: Responder<'r, 'static>> Responder<'r, 'static> for Tagged<R> {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let mut res = self.inner.respond_to(req)?;
        res.set_header(Header::new("ETag", format!("\"{}\"", self.version)));
        Ok(res)
    }
}

/// A refused write: a problem, or 409 with what the thing is now (its version as the `ETag`).
pub enum Refusal<T> {
    Problem(Problem),
    Stale { error: String, current: T, version: i64 },
}

impl<T> From<Problem> for Refusal<T> {
    fn from(p: Problem) -> Self {
        Refusal::Problem(p)
    }
}

impl<T> From<MerchantError> for Refusal<T> {
    fn from(e: MerchantError) -> Self {
        Refusal::Problem(e.into())
    }
}

#[derive(Serialize)]
struct StaleBody<'a, T> {
    error: &'a str,
    current: &'a T,
}

impl<'r, T: Serialize> Responder<'r, 'static> for Refusal<T> {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let (error, current, version) = match self {
            Refusal::Problem(p) => return p.respond_to(req),
            Refusal::Stale { error, current, version } => (error, current, version),
        };
        let body = serde_json::to_vec(&StaleBody { error: &error, current: &current }).unwrap_or_default();
        Response::build()
            .status(Status::Conflict)
            .header(ContentType::JSON)
            .header(Header::new("ETag", format!("\"{version}\"")))
            .sized_body(body.len(), Cursor::new(body))
            .ok()
    }
}

/// The 409 message for stock that moved under a write.
pub fn stale_message(list: &[StockConflict]) -> String {
    let each: Vec<String> = list.iter().map(StockConflict::describe).collect();
    format!("stock changed since it was read, nothing was written: {}", each.join("；"))
}

/// The 409 message for a write based on an older version.
pub fn outdated_message(sent: Option<i64>, now: i64) -> String {
    let sent = sent.map(|v| format!(" {v}")).unwrap_or_default();
    format!(
        "changed since version{sent} (now {now}), nothing was written: `current` is how it is now; \
         send the change again based on it"
    )
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
async fn tagged_goods(db: &Db, id: i64) -> Answer<Tagged<Json<GoodsView>>> {
    let g = load_goods(db, id).await?;
    Ok(Tagged { version: g.version, inner: Json(g) })
}

/// A goods write the service refused, as the merchant API answers it.
async fn goods_refusal(db: &Db, id: i64, sent: Option<i64>, e: EditError) -> Refusal<GoodsView> {
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
    let id = db.write(move |c| Ok::<_, Problem>(rules::add_goods(c, new, now())?)).await?;
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
    db.write(move |c| Ok::<_, Problem>(rules::delete_goods(c, &[id])?)).await?;
    Ok(Status::NoContent)
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

/// POST /admin/api/v1/goods/<id>/on-shelf — merchant key.
#[post("/goods/<id>/on-shelf")]
async fn on_shelf(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Tagged<Json<GoodsView>>> {
    db.write(move |c| Ok::<_, Problem>(rules::set_shelf(c, &[id], true, now())?)).await?;
    tagged_goods(db, id).await
}

/// POST /admin/api/v1/goods/<id>/off-shelf — merchant key.
#[post("/goods/<id>/off-shelf")]
async fn off_shelf(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Tagged<Json<GoodsView>>> {
    db.write(move |c| Ok::<_, Problem>(rules::set_shelf(c, &[id], false, now())?)).await?;
    tagged_goods(db, id).await
}
