//! Catalogue rules that span tables: a goods is created whole (pictures, specs, the SKU matrix) in
//! one transaction, a spec key is read in any order and checked against the goods' own specs, and
//! the shopper sees only goods on the shelf.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;

use crate::db::catalog::{
    self, CategoryFields, CategoryRow, GoodsFields, GoodsRow, PicRow, PropertyRow, SkuFields, SkuRow,
};
use crate::service::error::{Entity, Error, Result};

/// Most specs (颜色, 尺码...) one goods may have, and so most pairs in a spec key.
pub const MAX_SPECS: usize = 8;

/// A spec and its values, in display order.
#[derive(Debug, Clone)]
pub struct NewSpec {
    pub name: String,
    pub values: Vec<String>,
}

/// One spec combination: `values` names one value per spec, in the specs' order.
#[derive(Debug, Clone, Default)]
pub struct NewSku {
    pub values: Vec<String>,
    pub price: i64,
    pub original_price: i64,
    pub score: i64,
    pub stores: i64,
    pub weight: i64,
    pub code: String,
}

/// A goods with everything that belongs to it.
#[derive(Debug, Clone, Default)]
pub struct NewGoods {
    pub fields: GoodsFields,
    /// The gallery, in order ("/uploads/…" or absolute URLs).
    pub pics: Vec<String>,
    pub specs: Vec<NewSpec>,
    /// With specs: at least one combination, each at most once.
    pub skus: Vec<NewSku>,
}

/// Creates a goods with its pictures, specs and SKUs; the caller's transaction makes it all or
/// nothing. Errors name the part that is wrong.
pub fn create_goods(c: &Connection, g: &NewGoods, now: i64) -> Result<i64> {
    check_new_goods(g)?;
    let id = catalog::insert_goods(c, &g.fields, now)?;
    for (i, pic) in g.pics.iter().enumerate() {
        catalog::insert_pic(c, id, pic, i as i64)?;
    }
    // Value ids by spec, looked up by name to build each SKU's key.
    let mut value_ids: Vec<(i64, HashMap<&str, i64>)> = Vec::new();
    for (i, spec) in g.specs.iter().enumerate() {
        let property_id = catalog::insert_property(c, id, &spec.name, i as i64)?;
        let mut ids = HashMap::new();
        for (j, value) in spec.values.iter().enumerate() {
            ids.insert(value.as_str(), catalog::insert_property_child(c, property_id, value, j as i64)?);
        }
        value_ids.push((property_id, ids));
    }
    for sku in &g.skus {
        let pairs: Vec<(i64, i64)> =
            value_ids.iter().zip(&sku.values).map(|((pid, ids), v)| (*pid, ids[v.as_str()])).collect();
        let fields = SkuFields {
            property_child_ids: key_text(&pairs),
            price: sku.price,
            original_price: sku.original_price,
            score: sku.score,
            stores: sku.stores,
            weight: sku.weight,
            code: sku.code.clone(),
        };
        catalog::insert_sku(c, id, &fields)?;
    }
    Ok(id)
}

fn check_new_goods(g: &NewGoods) -> Result<()> {
    let f = &g.fields;
    if f.name.trim().is_empty() {
        return Err(Error::missing("name"));
    }
    for (name, v) in [
        ("stores", f.stores),
        ("minPrice", f.min_price),
        ("originalPrice", f.original_price),
        ("minScore", f.min_score),
        ("weight", f.weight),
    ] {
        if v < 0 {
            return Err(Error::invalid(name, "不能为负数"));
        }
    }
    if g.specs.len() > MAX_SPECS {
        return Err(Error::invalid("properties", format!("最多 {MAX_SPECS} 个规格")));
    }
    let mut spec_names = HashSet::new();
    for spec in &g.specs {
        if spec.name.trim().is_empty() || !spec_names.insert(spec.name.as_str()) {
            return Err(Error::invalid("properties", format!("规格名“{}”为空或重复", spec.name)));
        }
        let mut values = HashSet::new();
        if spec.values.is_empty() || spec.values.iter().any(|v| v.trim().is_empty() || !values.insert(v)) {
            return Err(Error::invalid("properties", format!("规格“{}”的规格值为空或重复", spec.name)));
        }
    }
    if g.specs.is_empty() != g.skus.is_empty() {
        return Err(Error::invalid("skuList", "有规格的商品必须有 SKU，没有规格的商品不能有 SKU"));
    }
    let mut combos = HashSet::new();
    for sku in &g.skus {
        let fits = sku.values.len() == g.specs.len()
            && sku.values.iter().zip(&g.specs).all(|(v, spec)| spec.values.contains(v));
        if !fits {
            return Err(Error::invalid("skuList", format!("SKU {:?} 与商品的规格不符", sku.values)));
        }
        if !combos.insert(&sku.values) {
            return Err(Error::invalid("skuList", format!("SKU {:?} 重复", sku.values)));
        }
        if [sku.price, sku.original_price, sku.score, sku.stores, sku.weight].iter().any(|&v| v < 0) {
            return Err(Error::invalid(
                "skuList",
                format!("SKU {:?} 的价格、积分、库存和重量不能为负数", sku.values),
            ));
        }
    }
    Ok(())
}

/// Reads a spec key as the client sends it ("2:10,1:4" or "1:4,2:10,", spaces allowed) into
/// (property id, value id) pairs sorted by property id; errors name `propertyChildIds`.
pub fn parse_key(text: &str) -> Result<Vec<(i64, i64)>> {
    let bad = |why: String| Error::invalid("propertyChildIds", why);
    let mut pairs = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let pair = part.split_once(':').and_then(|(p, c)| {
            let (p, c) = (p.trim().parse::<i64>().ok()?, c.trim().parse::<i64>().ok()?);
            (p > 0 && c > 0).then_some((p, c))
        });
        pairs.push(pair.ok_or_else(|| bad(format!("“{part}”应为“规格id:规格值id”")))?);
        if pairs.len() > MAX_SPECS {
            return Err(bad(format!("最多 {MAX_SPECS} 个规格")));
        }
    }
    pairs.sort_unstable();
    if pairs.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(bad("同一个规格选了两次".into()));
    }
    Ok(pairs)
}

/// The canonical key of sorted pairs: "pid:cid,pid:cid,".
pub fn key_text(pairs: &[(i64, i64)]) -> String {
    let mut sorted = pairs.to_vec();
    sorted.sort_unstable();
    sorted.iter().map(|(p, c)| format!("{p}:{c},")).collect()
}

/// "颜色:白,尺码:L," for a canonical key, from the goods' specs (unknown ids are left out).
pub fn key_names(key: &str, specs: &[PropertyRow]) -> String {
    let mut out = String::new();
    for (pid, cid) in parse_key(key).unwrap_or_default() {
        let Some(spec) = specs.iter().find(|s| s.id == pid) else { continue };
        if let Some(value) = spec.children.iter().find(|v| v.id == cid) {
            out.push_str(&format!("{}:{},", spec.name, value.name));
        }
    }
    out
}

/// A goods a shopper may see: 404 when unknown, "已下架" when off the shelf.
pub fn shown_goods(c: &Connection, id: i64) -> Result<GoodsRow> {
    match catalog::goods(c, id)? {
        Some(g) if g.fields.status == 0 => Ok(g),
        Some(_) => Err(Error::OffShelf),
        None => Err(Error::NotFound(Entity::Goods)),
    }
}

/// Everything a goods page shows.
pub struct GoodsPage {
    pub goods: GoodsRow,
    pub pics: Vec<PicRow>,
    pub category: Option<CategoryRow>,
    pub specs: Vec<PropertyRow>,
    pub skus: Vec<SkuRow>,
}

/// The page of an on-shelf goods.
pub fn goods_page(c: &Connection, id: i64) -> Result<GoodsPage> {
    let goods = shown_goods(c, id)?;
    let category = match goods.fields.category_id {
        Some(cid) => catalog::category(c, cid)?,
        None => None,
    };
    Ok(GoodsPage {
        pics: catalog::pics(c, id)?,
        specs: catalog::properties(c, id)?,
        skus: catalog::skus(c, id)?,
        category,
        goods,
    })
}

/// What one choice of specs costs: its SKU, or the goods itself when it has no specs.
pub struct Quote {
    pub goods: GoodsRow,
    /// None for goods without specs.
    pub sku: Option<SkuRow>,
    /// "颜色:白,尺码:L,"; "" without specs.
    pub names: String,
}

/// The price of `goods_id` with the specs in `key` (any order of pairs). Goods without specs
/// answer their own price for an empty key; a key that is not one of the goods' SKUs is refused.
pub fn quote(c: &Connection, goods_id: i64, key: Option<&str>) -> Result<Quote> {
    let goods = shown_goods(c, goods_id)?;
    let pairs = parse_key(key.unwrap_or(""))?;
    let bad = |why: &'static str| Err(Error::invalid("propertyChildIds", why));
    if goods.property_ids.is_empty() {
        if !pairs.is_empty() {
            return bad("该商品没有规格可选");
        }
        return Ok(Quote { goods, sku: None, names: String::new() });
    }
    if pairs.is_empty() {
        return bad("该商品有规格，请先选择规格");
    }
    let key = key_text(&pairs);
    let Some(sku) = catalog::sku(c, goods_id, &key)? else {
        return bad("该商品没有这个规格组合");
    };
    let specs = catalog::properties(c, goods_id)?;
    Ok(Quote { names: key_names(&key, &specs), goods, sku: Some(sku) })
}

// ---- The merchant's writes: each runs inside the caller's one transaction, so the
// search index and the SKU→goods triggers see the whole change or none of it.

/// Longest goods name, in characters.
pub const MAX_GOODS_NAME: usize = 100;
/// Longest category name.
pub const MAX_CATEGORY_NAME: usize = 50;
/// Longest one-line text (selling point, tags).
pub const MAX_LINE: usize = 200;
/// Longest rich content, in characters.
pub const MAX_CONTENT: usize = 200_000;
/// Most SKUs one goods' specs may multiply out to.
pub const MAX_SKUS: usize = 1000;

fn check_len(name: &'static str, v: &str, max: usize) -> Result<()> {
    if v.chars().count() > max {
        return Err(Error::invalid(name, format!("最多 {max} 个字")));
    }
    Ok(())
}

fn check_json_object(name: &'static str, v: &str) -> Result<()> {
    match serde_json::from_str::<serde_json::Value>(v) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        _ => Err(Error::invalid(name, "应为 JSON 对象")),
    }
}

/// Rich content as the shop may show it: scripts, event handlers and other active HTML removed.
pub fn sanitize_html(html: &str) -> String {
    ammonia::clean(html)
}

/// Adds (`id` None) or rewrites a category. Moving it under another parent re-levels its whole
/// subtree; moving it under itself or its own descendant is refused.
pub fn save_category(c: &Connection, id: Option<i64>, f: &CategoryFields, now: i64) -> Result<i64> {
    if f.name.trim().is_empty() {
        return Err(Error::missing("name"));
    }
    check_len("name", &f.name, MAX_CATEGORY_NAME)?;
    for (name, v) in [("icon", &f.icon), ("type", &f.kind), ("key", &f.key)] {
        check_len(name, v, MAX_LINE)?;
    }
    check_json_object("extJson", &f.ext_json)?;
    if let Some(pid) = f.pid {
        if catalog::category(c, pid)?.is_none() {
            return Err(Error::invalid("pid", "上级分类不存在"));
        }
        if let Some(id) = id {
            if catalog::category_subtree(c, id)?.contains(&pid) {
                return Err(Error::invalid("pid", "不能移到自己或自己的下级分类下面"));
            }
        }
    }
    match id {
        None => Ok(catalog::insert_category(c, f, now)?),
        Some(id) => {
            if !catalog::update_category(c, id, f, now)? {
                return Err(Error::NotFound(Entity::Category));
            }
            catalog::relevel_subtree(c, id)?;
            Ok(id)
        }
    }
}

/// Deletes an empty category; one with sub-categories or goods is refused, saying which.
pub fn delete_category(c: &Connection, id: i64) -> Result<()> {
    if catalog::category(c, id)?.is_none() {
        return Err(Error::NotFound(Entity::Category));
    }
    let (children, goods) = catalog::category_usage(c, id)?;
    if children > 0 {
        return Err(Error::refused(format!("该分类下还有 {children} 个子分类，请先移走或删除")));
    }
    if goods > 0 {
        return Err(Error::refused(format!("该分类下还有 {goods} 个商品，请先移到其他分类")));
    }
    catalog::delete_category(c, id)?;
    Ok(())
}

/// The merchant-set fields of a goods: lengths, flags, the category, JSON; content sanitised.
fn check_goods_fields(c: &Connection, f: &mut GoodsFields) -> Result<()> {
    if f.name.trim().is_empty() {
        return Err(Error::missing("name"));
    }
    check_len("name", &f.name, MAX_GOODS_NAME)?;
    check_len("characteristic", &f.characteristic, MAX_LINE)?;
    check_len("tags", &f.tags, MAX_LINE)?;
    check_len("purchaseNotes", &f.purchase_notes, 2000)?;
    check_len("pic", &f.pic, 500)?;
    check_len("content", &f.content, MAX_CONTENT)?;
    if !(0..=1).contains(&f.status) {
        return Err(Error::invalid("status", "应为 0（上架）或 1（下架）"));
    }
    if !(0..=1).contains(&f.recommend_status) {
        return Err(Error::invalid("recommendStatus", "应为 0 或 1"));
    }
    if f.min_buy_number < 1 {
        return Err(Error::invalid("minBuyNumber", "至少为 1"));
    }
    check_json_object("extJson", &f.ext_json)?;
    if let Some(cid) = f.category_id {
        if catalog::category(c, cid)?.is_none() {
            return Err(Error::invalid("categoryId", "分类不存在"));
        }
    }
    crate::service::freight::check_goods_template(c, f.logistics_id)?;
    if let Some(video_id) = f.video_id {
        crate::service::video::check_video(c, video_id, None)?;
    }
    f.content = sanitize_html(&f.content);
    Ok(())
}

/// Creates a goods the merchant sent: [`create_goods`] after the field checks and sanitising.
pub fn add_goods(c: &Connection, mut g: NewGoods, now: i64) -> Result<i64> {
    check_goods_fields(c, &mut g.fields)?;
    if g.pics.len() > 50 {
        return Err(Error::invalid("pics", "最多 50 张图片"));
    }
    if g.specs.len() <= MAX_SPECS && !g.specs.is_empty() && g.skus.is_empty() {
        g.skus = combinations(&g.specs)?.into_iter().map(|values| default_sku(&g.fields, values)).collect();
    }
    create_goods(c, &g, now)
}

/// Every combination of one value per spec, in the specs' order; refused beyond [`MAX_SKUS`].
pub fn combinations(specs: &[NewSpec]) -> Result<Vec<Vec<String>>> {
    let total =
        specs.iter().try_fold(1usize, |n, s| n.checked_mul(s.values.len()).filter(|&n| n <= MAX_SKUS));
    if total.is_none() {
        return Err(Error::invalid("properties", format!("规格组合最多 {MAX_SKUS} 个")));
    }
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for spec in specs {
        out = out
            .iter()
            .flat_map(|prefix| {
                spec.values.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push(v.clone());
                    next
                })
            })
            .collect();
    }
    Ok(out)
}

/// A generated SKU: the goods' own price, no stock.
fn default_sku(f: &GoodsFields, values: Vec<String>) -> NewSku {
    NewSku {
        values,
        price: f.min_price,
        original_price: f.original_price,
        score: f.min_score,
        weight: f.weight,
        ..NewSku::default()
    }
}

// ---- Stock that shoppers' orders change too: an edit read before an order must never write the
// stock it read back over the order's. Every stock an edit touches says how (`Stock`), and the
// write transaction (BEGIN IMMEDIATE, so what it reads is what it writes over) works the new value
// out from the current one, or refuses the whole edit, naming each stock that moved.

/// Most stock one goods, SKU, day or slot may hold, and most one change may add or take.
pub const MAX_STOCK: i64 = 1_000_000_000;

/// How an edit changes a stock that orders change too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Stock {
    /// Leave it as it is now (the edit did not touch it).
    #[default]
    Keep,
    /// Make it `to` if it is still `was`, the value the edit was read with.
    Set { to: i64, was: i64 },
    /// Make it `to` whatever it is: for edits already checked against a version.
    Put(i64),
    /// Add `n` (take away when negative), as long as it stays at or above zero.
    Add(i64),
}

/// What an edit's [`Stock`] does to the stock as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Leave,
    Write(i64),
    /// The stock moved since the edit was read, or a take would go below zero.
    Conflict,
}

impl Stock {
    /// What this edit writes over `now`.
    pub fn over(self, now: i64) -> Applied {
        let write = |to: i64| if to == now { Applied::Leave } else { Applied::Write(to) };
        match self {
            Stock::Keep => Applied::Leave,
            Stock::Set { to, was } if was == now => write(to),
            Stock::Set { .. } => Applied::Conflict,
            Stock::Put(to) => write(to),
            Stock::Add(n) => match now.checked_add(n) {
                Some(to) if (0..=MAX_STOCK).contains(&to) => write(to),
                _ => Applied::Conflict,
            },
        }
    }

    /// The stock a row this edit creates starts with (`default` when the edit leaves stock alone).
    pub fn fresh(self, default: i64) -> i64 {
        match self {
            Stock::Keep => default,
            Stock::Set { to, .. } | Stock::Put(to) => to,
            Stock::Add(n) => n,
        }
    }

    /// Refuses a target below zero or beyond [`MAX_STOCK`], naming the parameter.
    pub fn check(self, name: &'static str, what: &str) -> Result<()> {
        let bad = match self {
            Stock::Keep => false,
            Stock::Set { to, .. } | Stock::Put(to) => !(0..=MAX_STOCK).contains(&to),
            Stock::Add(n) => !(-MAX_STOCK..=MAX_STOCK).contains(&n),
        };
        if bad {
            return Err(Error::invalid(name, format!("{what}应在 0 到 {MAX_STOCK} 之间")));
        }
        Ok(())
    }
}

/// A stock an edit could not change as asked: what it is, what it is now, what was asked.
#[derive(Debug, Clone, PartialEq)]
pub struct StockConflict {
    /// In the merchant's words: "库存", "规格「白 / M」的库存", "2026-12-03 的库存".
    pub what: String,
    /// The SKU's canonical key, the day, or "day name" of a slot; "" for the goods' own stock.
    pub key: String,
    pub now: i64,
    pub edit: Stock,
}

impl StockConflict {
    /// One line for the merchant, with the current value beside what was asked.
    pub fn describe(&self) -> String {
        let (what, now) = (&self.what, self.now);
        match self.edit {
            Stock::Set { to, was } => format!("{what}现在是 {now}（你打开页面时是 {was}），你填的是 {to}"),
            Stock::Add(n) if n < 0 => format!("{what}现在是 {now}，不够减 {}", -n),
            Stock::Add(n) => format!("{what}现在是 {now}，加 {n} 后超过上限 {MAX_STOCK}"),
            Stock::Put(to) => format!("{what}在你读取之后变成了 {now}，你要改成 {to}"),
            Stock::Keep => format!("{what}现在是 {now}"),
        }
    }
}

/// Why an edit of stock-bearing things was not saved; in every case nothing was written.
#[derive(Debug)]
pub enum EditError {
    /// Refused by a rule: a field, an unknown goods...
    Refused(Error),
    /// Stocks that moved since the edit was read (or would go below zero), each with its value now.
    Stale(Vec<StockConflict>),
    /// The thing moved past the version the edit was based on; `now` is its version now.
    Outdated { now: i64 },
    /// The edit would overwrite stock that exists without saying what it was based on.
    NeedsVersion,
}

impl From<Error> for EditError {
    fn from(e: Error) -> Self {
        EditError::Refused(e)
    }
}

impl From<rusqlite::Error> for EditError {
    fn from(e: rusqlite::Error) -> Self {
        EditError::Refused(e.into())
    }
}

impl From<crate::db::Error> for EditError {
    fn from(e: crate::db::Error) -> Self {
        EditError::Refused(e.into())
    }
}

/// An edit's refusal as one service error, for callers that need no more than words.
impl From<EditError> for Error {
    fn from(e: EditError) -> Self {
        match e {
            EditError::Refused(e) => e,
            EditError::Stale(list) => Error::refused(format!(
                "库存刚刚有变化，没有保存：{}",
                list.iter().map(StockConflict::describe).collect::<Vec<_>>().join("；")
            )),
            EditError::Outdated { .. } => Error::refused("内容在你读取之后被修改过，请重新读取后再改"),
            EditError::NeedsVersion => Error::invalid("version", "覆盖已有的库存需要带上读取时的版本"),
        }
    }
}

/// How a replace changes stock: the goods' own (goods without specs), and each SKU by its
/// position in [`NewGoods::skus`] (a SKU left out keeps its stock; a new SKU starts with its
/// `stores` unless its `Stock` says otherwise).
#[derive(Debug, Clone, Default)]
pub struct StockPlan {
    pub goods: Stock,
    pub skus: Vec<Stock>,
}

/// Refuses the edit when the goods is no longer at `version` (the one it was read at).
pub fn claim_version(c: &Connection, id: i64, version: Option<i64>) -> Result<(), EditError> {
    let Some(v) = version else { return Ok(()) };
    if catalog::claim_version(c, id, v)? {
        return Ok(());
    }
    match catalog::goods(c, id)? {
        Some(g) => Err(EditError::Outdated { now: g.version }),
        None => Err(Error::NotFound(Entity::Goods).into()),
    }
}

/// Replaces a whole goods: fields, gallery, specs and SKUs, and its stock as `plan` says (never
/// from the fields' `stores`). Specs and values are matched by name, so SKUs whose combination
/// still exists keep their key. With specs but no SKUs sent, the SKU matrix is regenerated: every
/// combination, existing SKUs kept as they are (price and stock), new ones at the goods' price with
/// no stock, vanished ones removed. A stock that moved under the edit refuses it all.
pub fn replace_goods(
    c: &Connection,
    id: i64,
    mut g: NewGoods,
    plan: &StockPlan,
    now: i64,
) -> Result<(), EditError> {
    let Some(before) = catalog::goods(c, id)? else {
        return Err(Error::NotFound(Entity::Goods).into());
    };
    check_goods_fields(c, &mut g.fields)?;
    if g.pics.len() > 50 {
        return Err(Error::invalid("pics", "最多 50 张图片").into());
    }
    let regenerate = !g.specs.is_empty() && g.skus.is_empty();
    if regenerate && g.specs.len() <= MAX_SPECS {
        g.skus = combinations(&g.specs)?.into_iter().map(|values| default_sku(&g.fields, values)).collect();
    }
    check_new_goods(&g)?;
    plan.goods.check("stores", "库存")?;
    for s in &plan.skus {
        s.check("skuList", "SKU 的库存")?;
    }
    let mut conflicts = Vec::new();

    catalog::delete_pics(c, id)?;
    for (i, pic) in g.pics.iter().enumerate() {
        catalog::insert_pic(c, id, pic, i as i64)?;
    }
    // Specs by name: kept ones keep their ids (and so their SKUs' keys).
    let old_specs = catalog::properties(c, id)?;
    let mut value_ids: Vec<(i64, HashMap<&str, i64>)> = Vec::new();
    for (i, spec) in g.specs.iter().enumerate() {
        let old = old_specs.iter().find(|p| p.name == spec.name);
        let property_id = match old {
            Some(p) => {
                catalog::set_property(c, p.id, i as i64)?;
                p.id
            }
            None => catalog::insert_property(c, id, &spec.name, i as i64)?,
        };
        let mut ids = HashMap::new();
        for (j, value) in spec.values.iter().enumerate() {
            let kept = old.and_then(|p| p.children.iter().find(|v| &v.name == value));
            let vid = match kept {
                Some(v) => {
                    catalog::set_property_child(c, v.id, j as i64)?;
                    v.id
                }
                None => catalog::insert_property_child(c, property_id, value, j as i64)?,
            };
            ids.insert(value.as_str(), vid);
        }
        if let Some(p) = old {
            for v in p.children.iter().filter(|v| !spec.values.contains(&v.name)) {
                catalog::delete_property_child(c, v.id)?;
            }
        }
        value_ids.push((property_id, ids));
    }
    for p in old_specs.iter().filter(|p| !g.specs.iter().any(|s| s.name == p.name)) {
        catalog::delete_property(c, p.id)?;
    }
    // SKUs by key.
    let old_skus = catalog::skus(c, id)?;
    let mut keys = HashSet::new();
    for (i, sku) in g.skus.iter().enumerate() {
        let stock = plan.skus.get(i).copied().unwrap_or_default();
        let pairs: Vec<(i64, i64)> =
            value_ids.iter().zip(&sku.values).map(|((pid, ids), v)| (*pid, ids[v.as_str()])).collect();
        let mut fields = SkuFields {
            property_child_ids: key_text(&pairs),
            price: sku.price,
            original_price: sku.original_price,
            score: sku.score,
            stores: stock.fresh(sku.stores),
            weight: sku.weight,
            code: sku.code.clone(),
        };
        let what = || format!("规格「{}」的库存", sku.values.join(" / "));
        match old_skus.iter().find(|s| s.fields.property_child_ids == fields.property_child_ids) {
            Some(_) if regenerate => {}
            Some(old) => {
                fields.stores = match stock.over(old.fields.stores) {
                    Applied::Leave => old.fields.stores,
                    Applied::Write(n) => n,
                    Applied::Conflict => {
                        let key = fields.property_child_ids.clone();
                        conflicts.push(StockConflict {
                            what: what(),
                            key,
                            now: old.fields.stores,
                            edit: stock,
                        });
                        old.fields.stores
                    }
                };
                catalog::update_sku(c, old.id, &fields)?
            }
            None if fields.stores < 0 => {
                return Err(Error::invalid("skuList", format!("{}不能为负数", what())).into());
            }
            None => {
                catalog::insert_sku(c, id, &fields)?;
            }
        }
        keys.insert(fields.property_child_ids);
    }
    for old in old_skus.iter().filter(|s| !keys.contains(&s.fields.property_child_ids)) {
        catalog::delete_sku(c, old.id)?;
    }
    // With SKUs the goods' stock and prices are theirs (the triggers just set them). Without, the
    // goods' own stock is worked out from the stock this transaction read first: for goods that
    // had specs until now, their total (the SKUs' removal just emptied it).
    let mut fields = g.fields;
    if g.specs.is_empty() {
        let was = before.fields.stores;
        let stores = match plan.goods.over(was) {
            Applied::Leave => was,
            Applied::Write(n) => n,
            Applied::Conflict => {
                let what = "库存".to_string();
                conflicts.push(StockConflict { what, key: String::new(), now: was, edit: plan.goods });
                was
            }
        };
        catalog::set_goods_stores(c, id, stores, now)?;
    } else {
        let now_row = catalog::goods(c, id)?.ok_or(Error::NotFound(Entity::Goods))?;
        fields.min_price = now_row.fields.min_price;
        fields.original_price = now_row.fields.original_price;
        fields.min_score = now_row.fields.min_score;
    }
    if !conflicts.is_empty() {
        return Err(EditError::Stale(conflicts));
    }
    catalog::update_goods(c, id, &fields, now)?;
    Ok(())
}

/// A stock change: the goods' own stock (goods without specs) or per SKU by spec key.
#[derive(Debug, Clone)]
pub enum StockChange {
    Goods(Stock),
    Skus(Vec<(String, Stock)>),
}

/// Changes stock as each [`Stock`] says; a SKU key that is not one of the goods' SKUs, or the wrong
/// form for the goods (per SKU for goods without specs or the reverse), is refused, and a stock
/// that cannot change as asked refuses the whole change; either way nothing is written.
pub fn set_stock(c: &Connection, id: i64, change: &StockChange, now: i64) -> Result<(), EditError> {
    let goods = catalog::goods(c, id)?.ok_or(Error::NotFound(Entity::Goods))?;
    let has_specs = !goods.property_ids.is_empty();
    match change {
        StockChange::Goods(_) if has_specs => {
            Err(Error::invalid("stores", "该商品有规格，请用 skus 按规格设置库存").into())
        }
        StockChange::Goods(stock) => {
            stock.check("stores", "库存")?;
            let was = goods.fields.stores;
            match stock.over(was) {
                Applied::Leave => Ok(()),
                Applied::Write(n) => {
                    catalog::set_goods_stores(c, id, n, now)?;
                    Ok(())
                }
                Applied::Conflict => Err(EditError::Stale(vec![StockConflict {
                    what: "库存".into(),
                    key: String::new(),
                    now: was,
                    edit: *stock,
                }])),
            }
        }
        StockChange::Skus(_) if !has_specs => {
            Err(Error::invalid("skus", "该商品没有规格，请用 stores 设置库存").into())
        }
        StockChange::Skus(list) => {
            if list.is_empty() {
                return Err(Error::missing("skus").into());
            }
            let specs = catalog::properties(c, id)?;
            let mut conflicts = Vec::new();
            for (text, stock) in list {
                stock.check("skus", &format!("SKU “{text}”的库存"))?;
                let key = key_text(&parse_key(text)?);
                let Some(sku) = catalog::sku(c, id, &key)? else {
                    return Err(Error::invalid("skus", format!("SKU “{text}”不是该商品的规格组合")).into());
                };
                match stock.over(sku.fields.stores) {
                    Applied::Leave => {}
                    Applied::Write(n) => catalog::set_sku_stores(c, sku.id, n)?,
                    Applied::Conflict => conflicts.push(StockConflict {
                        what: format!("SKU {}的库存", key_names(&key, &specs)),
                        key,
                        now: sku.fields.stores,
                        edit: *stock,
                    }),
                }
            }
            if !conflicts.is_empty() {
                return Err(EditError::Stale(conflicts));
            }
            Ok(())
        }
    }
}

/// Puts goods on (`on`) or off the shelf; unknown ids are refused naming the first.
pub fn set_shelf(c: &Connection, ids: &[i64], on: bool, now: i64) -> Result<()> {
    for &id in ids {
        if !catalog::set_goods_status(c, id, if on { 0 } else { 1 }, now)? {
            return Err(Error::NotFound(Entity::Goods));
        }
    }
    Ok(())
}

/// Deletes goods with everything that belongs to them. Orders keep their own snapshot of each line
/// (`order_goods` has no foreign key to goods), so a deleted goods keeps its orders.
pub fn delete_goods(c: &Connection, ids: &[i64]) -> Result<()> {
    for &id in ids {
        if !catalog::delete_goods(c, id)? {
            return Err(Error::NotFound(Entity::Goods));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_keys_are_read_in_any_order_and_written_sorted() {
        assert_eq!(parse_key("2:10,1:4").unwrap(), vec![(1, 4), (2, 10)]);
        assert_eq!(key_text(&parse_key(" 2:10 , 1:4 ,").unwrap()), "1:4,2:10,");
        assert_eq!(key_text(&parse_key("10:3,9:1,").unwrap()), "9:1,10:3,");
        assert!(parse_key("").unwrap().is_empty());
    }

    #[test]
    fn malformed_spec_keys_name_the_parameter() {
        for bad in ["1", "a:b", "1:2,1:3", "0:1", "1:-2", "1:2:3"] {
            let e = parse_key(bad).unwrap_err();
            assert!(e.to_string().contains("propertyChildIds"), "{bad}: {e}");
        }
    }

    #[test]
    fn an_edit_writes_stock_only_over_what_it_was_based_on() {
        assert_eq!(Stock::Keep.over(2), Applied::Leave);
        assert_eq!(Stock::Set { to: 10, was: 5 }.over(5), Applied::Write(10));
        assert_eq!(Stock::Set { to: 10, was: 5 }.over(2), Applied::Conflict, "an order moved it");
        assert_eq!(Stock::Set { to: 2, was: 2 }.over(2), Applied::Leave);
        assert_eq!(Stock::Put(7).over(2), Applied::Write(7));
        assert_eq!(Stock::Add(3).over(2), Applied::Write(5));
        assert_eq!(Stock::Add(-2).over(2), Applied::Write(0));
        assert_eq!(Stock::Add(-3).over(2), Applied::Conflict, "never below zero");
        assert_eq!(Stock::Add(1).over(MAX_STOCK), Applied::Conflict);
        assert_eq!((Stock::Keep.fresh(4), Stock::Add(3).fresh(4), Stock::Put(1).fresh(4)), (4, 3, 1));
        assert!(Stock::Put(-1).check("stores", "库存").unwrap_err().to_string().contains("stores"));
        assert!(Stock::Add(-MAX_STOCK - 1).check("stores", "库存").is_err());
    }

    #[test]
    fn a_sku_must_pick_one_value_of_each_spec() {
        let g = NewGoods {
            fields: GoodsFields { name: "T恤".into(), ..GoodsFields::default() },
            specs: vec![
                NewSpec { name: "颜色".into(), values: vec!["白".into(), "黑".into()] },
                NewSpec { name: "尺码".into(), values: vec!["M".into()] },
            ],
            skus: vec![NewSku { values: vec!["白".into(), "L".into()], price: 1, ..NewSku::default() }],
            ..NewGoods::default()
        };
        assert!(check_new_goods(&g).unwrap_err().to_string().contains("skuList"));
        let mut twice = g.clone();
        twice.skus = vec![NewSku { values: vec!["白".into(), "M".into()], ..NewSku::default() }; 2];
        assert!(check_new_goods(&twice).unwrap_err().to_string().contains("重复"));
        let mut fine = g;
        fine.skus[0].values[1] = "M".into();
        check_new_goods(&fine).unwrap();
    }
}
