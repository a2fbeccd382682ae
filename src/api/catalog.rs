//! The shop window's reads: categories, goods lists and search, a goods page, and a SKU's price.
//!
//! Shoppers see only goods on the shelf: an unknown id answers 404 "商品不存在", an off-shelf one
//! 404 "商品已下架". Money is answered in yuan as a JSON number, weight in kilograms. The optional
//! `token` these methods take (member prices) is not read: a stale token must not break a goods
//! page, and the member discount is answered by `goodsRebate`.
//!
//! Goods lists, goods pages and prices are answered from the answer cache ([`Topic::Catalogue`]),
//! keyed by their normalised parameters. The cache follows the database's catalogue epoch, which
//! the writer bumps after every committed write to a `goods…` table (see
//! [`crate::db::CATALOGUE_TABLE_PREFIXES`]), so every catalogue write — console, merchant API, orders
//! taking stock, anything added later — is seen by the next answer without any writer calling us.

use std::sync::Arc;

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{envelope_bytes, ApiResult, BaseUrl, Paging, Params, RawEnvelope, Reply};
use crate::cache::{Cache, Topic};
use crate::db::catalog::{self, CategoryRow, GoodsFilter, GoodsOrder, GoodsRow, TextField};
use crate::db::goods_rules::{self, RuleFlags};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money::to_yuan;
use crate::service::points::PointRules;
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![categories, category_detail, list_v1, list_v2]
}

/// Grams as a JSON number of kilograms (the client's weight unit).
pub(super) fn kg(grams: i64) -> f64 {
    grams as f64 / 1000.0
}

/// A free-form JSON object stored as text; `{}` when empty or unreadable.
pub(super) fn json_object(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::Object(serde_json::Map::default()))
}

#[derive(Clone, Serialize)]
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
    pub date_add: String,
    pub date_update: String,
    /// The shown subcategories, each with its own (goodsCategory); empty elsewhere.
    pub childs: Vec<CategoryView>,
}

impl CategoryView {
    pub(super) fn new(c: CategoryRow, base: &BaseUrl) -> Self {
        CategoryView {
            id: c.id,
            pid: c.fields.pid.unwrap_or(0),
            icon: base.absolute(&c.fields.icon),
            name: c.fields.name,
            kind: c.fields.kind,
            key: c.fields.key,
            level: c.level,
            paixu: c.fields.paixu,
            is_use: c.fields.is_use,
            date_add: db::format_unix(c.date_add),
            date_update: db::format_unix(c.date_update),
            childs: Vec::new(),
        }
    }
}

/// The shown categories: in use, and every ancestor in use too.
fn shown_categories(all: Vec<CategoryRow>) -> Vec<CategoryRow> {
    // Parents come before children (ordered by level), so one pass knows each parent's fate.
    let mut shown = std::collections::HashSet::new();
    all.into_iter()
        .filter(|c| {
            let visible = c.fields.is_use && c.fields.pid.is_none_or(|p| shown.contains(&p));
            if visible {
                shown.insert(c.id);
            }
            visible
        })
        .collect()
}

/// GET /<sub>/shop/goods/category/all — goodsCategory(V2); anyone. The shown categories as one
/// flat list (parents first; `pid`/`level` make the tree); 700 when there are none.
#[get("/shop/goods/category/all")]
async fn categories(db: &State<Db>, cache: &State<Cache>, base: BaseUrl) -> Result<RawEnvelope, ApiError> {
    // Every home page asks for it: answered from the catalogue cache like the lists.
    let key = base.cache_key(format!("categories:{}", base.0));
    catalogue_answer(cache, db, key, move |c, _| {
        let mut list: Vec<CategoryView> = shown_categories(catalog::all_categories(c)?)
            .into_iter()
            .map(|c| CategoryView::new(c, &base))
            .collect();
        // Children come after their parents: filled from the end, each child already holds its own.
        for i in (0..list.len()).rev() {
            let id = list[i].id;
            list[i].childs = list[i + 1..].iter().filter(|c| c.pid == id).cloned().collect();
        }
        if list.is_empty() {
            return Err(ApiError::Empty);
        }
        Ok(list)
    })
    .await
}

/// goodsCategoryDetail: `{info, extJson}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryDetail {
    pub info: CategoryView,
    pub ext_json: serde_json::Value,
}

/// GET /<sub>/shop/goods/category/info — goodsCategoryDetail(V2); anyone. 404 for an unknown or
/// hidden category.
#[get("/shop/goods/category/info")]
async fn category_detail(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<CategoryDetail> {
    let id = p.int("id")?;
    let shown = db
        .read(move |c| {
            catalog::all_categories(c).map(|all| shown_categories(all).into_iter().find(|x| x.id == id))
        })
        .await?;
    let cat = shown.ok_or(ApiError::NotFound("商品分类"))?;
    let ext_json = json_object(&cat.fields.ext_json);
    Ok(Reply(CategoryDetail { info: CategoryView::new(cat, &base), ext_json }))
}

/// A goods as lists and the goods page's `basicInfo` show it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GoodsView {
    pub id: i64,
    /// 0 when uncategorised.
    pub category_id: i64,
    pub shop_id: i64,
    pub name: String,
    pub characteristic: String,
    pub pic: String,
    /// The uploaded video's id for videoDetail; "" when none.
    pub video_id: String,
    pub tags: String,
    pub purchase_notes: String,
    pub status: i64,
    pub status_str: &'static str,
    pub recommend_status: i64,
    pub recommend_status_str: &'static str,
    pub paixu: i64,
    pub stores: i64,
    pub min_price: f64,
    pub original_price: f64,
    pub min_score: i64,
    pub min_buy_number: i64,
    /// Kilograms.
    pub weight: f64,
    pub number_sells: i64,
    pub number_orders: i64,
    pub number_fav: i64,
    pub views: i64,
    pub number_reputation: i64,
    pub number_good_reputation: i64,
    /// Freight template; 0 = none.
    pub logistics_id: i64,
    /// ",1,2," when the goods has specs (templates open the spec picker), "" otherwise.
    pub property_ids: String,
    /// True when the goods has add-ons (goodsAddition).
    pub has_addition: bool,
    /// True when the goods has purchase limits (goodsLimitations).
    pub limitation: bool,
    /// The goods' own price tiers on the goods page; absent in lists and when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_multilevels: Option<Vec<super::goods_rules::TierView>>,
    /// True while the goods has a usable bargain set.
    pub kanjia: bool,
    /// The lowest floor of the goods' usable bargain sets; 0 without one.
    pub kanjia_price: f64,
    pub miaosha: bool,
    /// True while the goods has a usable group-buy set.
    pub pingtuan: bool,
    /// The group price of the goods' usable group-buy set; 0 without one.
    pub pingtuan_price: f64,
    /// Points one unit earns when received (the shop's points per whole yuan spent × the
    /// price's whole yuan); 0 when purchases earn none.
    pub got_score: i64,
    /// 0: `gotScore` is a number of points (never a percentage here).
    pub got_score_type: i64,
    /// Where the goods comes from: "" for the shop's own goods (the templates link JD / PDD /
    /// Taobao goods elsewhere by this).
    pub supply_type: &'static str,
    /// A supplier's goods id (JD VOP); null for the shop's own goods.
    pub yy_id: Option<String>,
    /// A flash sale's start and end and their countdowns (ms): null, no goods has sale times.
    pub date_start: Option<String>,
    pub date_start_int: Option<i64>,
    pub date_end: Option<String>,
    pub date_end_int: Option<i64>,
    pub date_add: String,
    pub date_update: String,
}

impl GoodsView {
    /// Sets the flags of the goods' checkout rules.
    fn with_flags(mut self, flags: Option<&RuleFlags>) -> Self {
        let f = flags.copied().unwrap_or_default();
        self.has_addition = f.has_additions;
        self.limitation = f.has_limits;
        self
    }

    /// Sets the points one unit at `min_price_fen` earns at `per_yuan` points per whole yuan spent.
    #[must_use]
    pub fn with_points(mut self, min_price_fen: i64, per_yuan: i64) -> Self {
        self.got_score = (min_price_fen / 100).saturating_mul(per_yuan);
        self
    }

    pub fn new(g: &GoodsRow, base: &BaseUrl) -> Self {
        let f = &g.fields;
        GoodsView {
            id: g.id,
            category_id: f.category_id.unwrap_or(0),
            shop_id: f.shop_id,
            name: f.name.clone(),
            characteristic: f.characteristic.clone(),
            pic: base.absolute(&f.pic),
            video_id: f.video_id.map(|v| v.to_string()).unwrap_or_default(),
            tags: f.tags.clone(),
            purchase_notes: f.purchase_notes.clone(),
            status: f.status,
            status_str: if f.status == 0 { "上架" } else { "下架" },
            recommend_status: f.recommend_status,
            recommend_status_str: if f.recommend_status == 1 { "推荐" } else { "普通" },
            paixu: f.paixu,
            stores: f.stores,
            min_price: to_yuan(f.min_price),
            original_price: to_yuan(f.original_price),
            min_score: f.min_score,
            min_buy_number: f.min_buy_number,
            weight: kg(f.weight),
            number_sells: g.counters.number_sells,
            number_orders: g.counters.number_orders,
            number_fav: g.counters.number_fav,
            views: g.counters.number_views,
            number_reputation: g.counters.number_reputation,
            number_good_reputation: g.counters.number_good_reputation,
            logistics_id: f.logistics_id.unwrap_or(0),
            property_ids: g.property_ids.clone(),
            has_addition: false,
            limitation: false,
            price_multilevels: None,
            kanjia: g.kanjia_floor.is_some(),
            kanjia_price: g.kanjia_floor.map_or(0.0, to_yuan),
            miaosha: f.miaosha,
            pingtuan: g.pingtuan_price.is_some(),
            pingtuan_price: g.pingtuan_price.map_or(0.0, to_yuan),
            got_score: 0,
            got_score_type: 0,
            supply_type: "",
            yy_id: None,
            date_start: None,
            date_start_int: None,
            date_end: None,
            date_end_int: None,
            date_add: db::format_unix(g.date_add),
            date_update: db::format_unix(g.date_update),
        }
    }
}

/// Goods lists take larger pages than other lists: templates ask `pageSize=10000` for "all".
const MAX_GOODS_PAGE: i64 = 500;

/// `page` from 1; `pageSize` from 1, above [`MAX_GOODS_PAGE`] served as that many.
fn goods_paging(p: &Params) -> Result<Paging, ApiError> {
    let page = p.opt_int("page")?.unwrap_or(1);
    if page < 1 {
        return Err(ApiError::invalid("page", "应从 1 开始"));
    }
    let page_size = p.opt_int("pageSize")?.unwrap_or(20);
    if page_size < 1 {
        return Err(ApiError::invalid("pageSize", "应大于 0"));
    }
    Ok(Paging { page, page_size: page_size.min(MAX_GOODS_PAGE) })
}

/// Whitespace-separated search words of `name`, each a substring to find.
fn terms(p: &Params, name: &'static str, field: TextField) -> Result<Vec<(TextField, String)>, ApiError> {
    let Some(text) = p.opt_text(name, 100)? else { return Ok(Vec::new()) };
    let words: Vec<(TextField, String)> = text.split_whitespace().map(|w| (field, w.to_string())).collect();
    if words.len() > 10 {
        return Err(ApiError::invalid(name, "最多 10 个关键词"));
    }
    Ok(words)
}

/// A price bound in yuan, as fen.
#[allow(clippy::cast_possible_truncation)] // rounded and checked to be at most 1e11 fen
fn price_bound(p: &Params, name: &'static str) -> Result<Option<i64>, ApiError> {
    if p.get(name).is_none() {
        return Ok(None);
    }
    let v = p.float(name)?;
    if !(0.0..=1e9).contains(&v) {
        return Err(ApiError::invalid(name, "应在 0 到 10 亿元之间"));
    }
    Ok(Some((v * 100.0).round() as i64))
}

/// `true` keeps only goods with the flag; `false` or absent does not filter.
fn flag(p: &Params, name: &'static str) -> Result<Option<bool>, ApiError> {
    Ok(p.opt_bool(name)?.filter(|&on| on))
}

/// The list filter the client sent; `categoryId` is expanded to its subtree by the query.
struct ListRequest {
    category_id: Option<i64>,
    filter: GoodsFilter,
    paging: Paging,
}

impl ListRequest {
    fn parse(p: &Params) -> Result<ListRequest, ApiError> {
        // Templates send categoryId 0 (or '') for "全部".
        let category_id = match p.opt_int("categoryId")? {
            Some(id) if id < 0 => return Err(ApiError::invalid("categoryId", "应为分类 id")),
            Some(0) | None => None,
            Some(id) => Some(id),
        };
        let shop_ids = match p.opt_text("shopId", 200)? {
            None => None,
            Some(text) => Some(
                text.split(',')
                    .map(|s| s.trim().parse::<i64>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| ApiError::invalid("shopId", "应为门店 id，多个用逗号分隔"))?,
            ),
        };
        let recommend_status = match p.opt_int("recommendStatus")? {
            Some(v @ (0 | 1)) => Some(v),
            Some(_) => return Err(ApiError::invalid("recommendStatus", "应为 0（普通）或 1（推荐）")),
            None => None,
        };
        let mut terms_all = terms(p, "nameLike", TextField::Name)?;
        terms_all.extend(terms(p, "k", TextField::Any)?);
        terms_all.extend(terms(p, "tagsLike", TextField::Tags)?);
        terms_all.extend(terms(p, "tags", TextField::Tags)?);
        let filter = GoodsFilter {
            category_ids: None,
            shop_ids,
            terms: terms_all,
            recommend_status,
            kanjia: flag(p, "kanjia")?,
            miaosha: flag(p, "miaosha")?,
            pingtuan: flag(p, "pingtuan")?,
            price_min: price_bound(p, "priceMin")?,
            price_max: price_bound(p, "priceMax")?,
            order: order_by(p)?,
        };
        Ok(ListRequest { category_id, filter, paging: goods_paging(p)? })
    }

    /// The cache key of this list's page (`what` names the answer's shape).
    fn key(&self, what: &str, base: &BaseUrl) -> Option<String> {
        let ListRequest { category_id, filter, paging } = self;
        base.cache_key(format!(
            "{what}:{}:{category_id:?}:{filter:?}:{}:{}",
            base.0, paging.page, paging.page_size
        ))
    }

    /// One page of on-shelf goods and the total; the category becomes its subtree here. The total
    /// of a filter is cached (whatever the order and page), so paging through a large category or
    /// search counts its matches once per catalogue epoch, not once per page.
    fn run(
        self,
        c: &rusqlite::Connection,
        totals: &Totals,
    ) -> Result<(Vec<GoodsRow>, i64, Paging), ApiError> {
        let ListRequest { category_id, mut filter, paging } = self;
        if let Some(id) = category_id {
            filter.category_ids = Some(catalog::category_subtree(c, id)?);
        }
        let total_key = format!("total:{:?}", GoodsFilter { order: GoodsOrder::Shelf, ..filter.clone() });
        let total = if let Some(total) = totals.get(&total_key) {
            total
        } else {
            let total = catalog::shelf_count(c, &filter)?;
            totals.put(total_key, total);
            total
        };
        let rows = if total <= paging.offset() {
            Vec::new()
        } else {
            catalog::shelf_page(c, &filter, paging.offset(), paging.limit())?
        };
        Ok((rows, total, paging))
    }
}

/// Cached list totals of one catalogue epoch.
pub(super) struct Totals {
    cache: Cache,
    epoch: u64,
}

impl Totals {
    fn get(&self, key: &str) -> Option<i64> {
        let bytes = self.cache.get_at(Topic::Catalogue, key, self.epoch).ok()?;
        Some(i64::from_le_bytes(bytes.as_ref().try_into().ok()?))
    }

    fn put(&self, key: String, total: i64) {
        self.cache.put(Topic::Catalogue, key, self.epoch, Arc::from(&total.to_le_bytes()[..]));
    }
}

/// Answers a catalogue read from the answer cache, or runs `query` on a read connection and caches
/// its answer for the current catalogue epoch. "No data" answers (700, 404, off shelf) are cached
/// too: a search with no hit costs as much as one with hits, and is asked as often. With no `key`
/// (a base URL whose answers are not cached) the answer is built and not stored.
pub(super) async fn catalogue_answer<T, F>(
    cache: &Cache,
    db: &Db,
    key: Option<String>,
    query: F,
) -> Result<RawEnvelope, ApiError>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&rusqlite::Connection, &Totals) -> Result<T, ApiError> + Send + 'static,
{
    // The epoch is read before the query: an answer built from rows older than a commit is then
    // stored under the epoch that commit has already ended, and never served after it.
    let epoch = db.catalogue_epoch();
    let hit = match &key {
        Some(key) => cache.get_at(Topic::Catalogue, key, epoch),
        None => Err(epoch),
    };
    match hit {
        Ok(answer) => Ok(RawEnvelope(answer)),
        Err(epoch) => {
            let totals = Totals { cache: cache.clone(), epoch };
            let answer: Arc<[u8]> = match db.read_quick(move |c| query(c, &totals)).await {
                Ok(value) => envelope_bytes(&value)?.into(),
                Err(e @ (ApiError::Empty | ApiError::NotFound(_) | ApiError::OffShelf)) => {
                    super::error_envelope_bytes(&e).into()
                }
                Err(e) => return Err(e),
            };
            if let Some(key) = key {
                cache.put(Topic::Catalogue, key, epoch, answer.clone());
            }
            Ok(RawEnvelope(answer))
        }
    }
}

fn order_by(p: &Params) -> Result<GoodsOrder, ApiError> {
    Ok(match p.get("orderBy") {
        None => GoodsOrder::Shelf,
        Some("priceUp") => GoodsOrder::PriceUp,
        Some("priceDown") => GoodsOrder::PriceDown,
        Some("ordersUp") => GoodsOrder::OrdersUp,
        Some("ordersDown") => GoodsOrder::OrdersDown,
        Some("addedUp") => GoodsOrder::AddedUp,
        Some("addedDown") => GoodsOrder::AddedDown,
        Some("nameUp") => GoodsOrder::NameUp,
        Some(_) => {
            return Err(ApiError::invalid(
                "orderBy",
                "应为 priceUp、priceDown、ordersUp、ordersDown、addedUp、addedDown 或 nameUp",
            ))
        }
    })
}

/// POST /<sub>/shop/goods/list — goods; anyone. The V1 list: a bare array of on-shelf goods
/// (filters as goodsv2); 700 when nothing matches.
#[post("/shop/goods/list", data = "<p>")]
async fn list_v1(
    p: Params,
    db: &State<Db>,
    cache: &State<Cache>,
    settings: &State<Settings>,
    base: BaseUrl,
) -> Result<RawEnvelope, ApiError> {
    let request = ListRequest::parse(&p)?;
    // The points a purchase earns come from a setting: it is part of the answer's key.
    let per_yuan = PointRules::of(&settings.get()).per_yuan_spent;
    let key = request.key("goods", &base).map(|k| format!("{k}:p{per_yuan}"));
    catalogue_answer(cache, db, key, move |c, totals| {
        let (rows, _, _) = request.run(c, totals)?;
        if rows.is_empty() {
            return Err(ApiError::Empty);
        }
        let flags = goods_rules::flags(c, &rows.iter().map(|g| g.id).collect::<Vec<_>>())?;
        Ok(rows
            .iter()
            .map(|g| {
                GoodsView::new(g, &base)
                    .with_flags(flags.get(&g.id))
                    .with_points(g.fields.min_price, per_yuan)
            })
            .collect::<Vec<_>>())
    })
    .await
}

/// POST /<sub>/shop/goods/list/v2 — goodsv2; anyone. On-shelf goods by categoryId (with its
/// subcategories), nameLike / k / tagsLike (trigram index from 3 characters), recommendStatus,
/// kanjia / miaosha / pingtuan, priceMin / priceMax, shopId; orderBy; `{result, totalRow,
/// totalPage}`, 700 when the page is empty.
#[post("/shop/goods/list/v2", data = "<p>")]
async fn list_v2(
    p: Params,
    db: &State<Db>,
    cache: &State<Cache>,
    settings: &State<Settings>,
    base: BaseUrl,
) -> Result<RawEnvelope, ApiError> {
    let request = ListRequest::parse(&p)?;
    // The points a purchase earns come from a setting: it is part of the answer's key.
    let per_yuan = PointRules::of(&settings.get()).per_yuan_spent;
    let key = request.key("goodsv2", &base).map(|k| format!("{k}:p{per_yuan}"));
    catalogue_answer(cache, db, key, move |c, totals| {
        let (rows, total, paging) = request.run(c, totals)?;
        let flags = goods_rules::flags(c, &rows.iter().map(|g| g.id).collect::<Vec<_>>())?;
        paging.page(
            rows.iter()
                .map(|g| {
                    GoodsView::new(g, &base)
                        .with_flags(flags.get(&g.id))
                        .with_points(g.fields.min_price, per_yuan)
                })
                .collect(),
            total,
        )
    })
    .await
}
