//! The catalogue: categories, goods, their pictures, specs (properties and values) and SKUs.
//!
//! Money is fen, weight grams. For goods with SKUs the goods row's stock and lowest prices follow
//! its SKUs through triggers (schema.sql), and the goods' words follow into the trigram index
//! `goods_fts` the same way, so no function here has to remember either.

use super::Result;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

/// What the merchant sets on a category.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryFields {
    /// None = top level.
    pub pid: Option<i64>,
    pub name: String,
    pub icon: String,
    pub kind: String,
    pub key: String,
    pub paixu: i64,
    pub is_use: bool,
    /// A JSON object as text.
    pub ext_json: String,
}

impl Default for CategoryFields {
    fn default() -> Self {
        CategoryFields {
            pid: None,
            name: String::new(),
            icon: String::new(),
            kind: String::new(),
            key: String::new(),
            paixu: 0,
            is_use: true,
            ext_json: "{}".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct CategoryRow {
    pub id: i64,
    pub fields: CategoryFields,
    pub level: i64,
    pub date_add: i64,
    pub date_update: i64,
}

const CATEGORY_COLUMNS: &str =
    "id, pid, name, icon, type, key, paixu, is_use, ext_json, level, date_add, date_update";

fn category_row(r: &Row) -> rusqlite::Result<CategoryRow> {
    Ok(CategoryRow {
        id: r.get(0)?,
        fields: CategoryFields {
            pid: r.get(1)?,
            name: r.get(2)?,
            icon: r.get(3)?,
            kind: r.get(4)?,
            key: r.get(5)?,
            paixu: r.get(6)?,
            is_use: r.get(7)?,
            ext_json: r.get(8)?,
        },
        level: r.get(9)?,
        date_add: r.get(10)?,
        date_update: r.get(11)?,
    })
}

/// Adds a category one level below its parent; an unknown parent fails the foreign key.
pub fn insert_category(c: &Connection, f: &CategoryFields, now: i64) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO goods_categories (pid, name, icon, type, key, paixu, is_use, ext_json, level,
                                       date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
                 coalesce((SELECT level + 1 FROM goods_categories WHERE id = ?1), 1), ?9, ?9)",
    )?
    .execute(params![f.pid, f.name, f.icon, f.kind, f.key, f.paixu, f.is_use, f.ext_json, now])?;
    Ok(c.last_insert_rowid())
}

/// Every category, shown or not, parents before children, each level in display order.
pub fn all_categories(c: &Connection) -> Result<Vec<CategoryRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {CATEGORY_COLUMNS} FROM goods_categories ORDER BY level, paixu, id"
    ))?;
    let rows = st.query_map([], category_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn category(c: &Connection, id: i64) -> Result<Option<CategoryRow>> {
    Ok(c.prepare_cached(&format!("SELECT {CATEGORY_COLUMNS} FROM goods_categories WHERE id = ?1"))?
        .query_row([id], category_row)
        .optional()?)
}

/// The category and all its descendants; empty when it does not exist.
pub fn category_subtree(c: &Connection, id: i64) -> Result<Vec<i64>> {
    // UNION (not UNION ALL) stops at ids already seen, so even a corrupt cycle terminates.
    let mut st = c.prepare_cached(
        "WITH RECURSIVE sub(id) AS (
             SELECT id FROM goods_categories WHERE id = ?1
             UNION SELECT c.id FROM goods_categories c JOIN sub ON c.pid = sub.id)
         SELECT id FROM sub",
    )?;
    let rows = st.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the merchant sets on a goods. For goods with SKUs the stock and prices here are
/// overwritten from the SKUs as soon as they are added.
#[derive(Debug, Clone, PartialEq)]
pub struct GoodsFields {
    pub category_id: Option<i64>,
    pub shop_id: i64,
    pub name: String,
    pub characteristic: String,
    pub content: String,
    pub pic: String,
    pub video_id: Option<i64>,
    pub tags: String,
    pub purchase_notes: String,
    /// 0 on shelf, 1 off.
    pub status: i64,
    /// 1 recommended.
    pub recommend_status: i64,
    pub kanjia: bool,
    pub miaosha: bool,
    pub pingtuan: bool,
    pub paixu: i64,
    pub stores: i64,
    pub min_price: i64,
    pub original_price: i64,
    pub min_score: i64,
    pub min_buy_number: i64,
    /// Grams.
    pub weight: i64,
    pub logistics_id: Option<i64>,
    /// A JSON object as text.
    pub ext_json: String,
}

impl Default for GoodsFields {
    fn default() -> Self {
        GoodsFields {
            category_id: None,
            shop_id: 0,
            name: String::new(),
            characteristic: String::new(),
            content: String::new(),
            pic: String::new(),
            video_id: None,
            tags: String::new(),
            purchase_notes: String::new(),
            status: 0,
            recommend_status: 0,
            kanjia: false,
            miaosha: false,
            pingtuan: false,
            paixu: 0,
            stores: 0,
            min_price: 0,
            original_price: 0,
            min_score: 0,
            min_buy_number: 1,
            weight: 0,
            logistics_id: None,
            ext_json: "{}".into(),
        }
    }
}

/// The counters other parts of the shop keep.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GoodsCounters {
    pub number_sells: i64,
    pub number_orders: i64,
    pub number_fav: i64,
    pub number_views: i64,
    pub number_reputation: i64,
    pub number_good_reputation: i64,
}

#[derive(Debug, Clone)]
pub struct GoodsRow {
    pub id: i64,
    pub fields: GoodsFields,
    pub counters: GoodsCounters,
    /// The goods' property ids as ",1,2," (the templates' "has specs" test); "" when none.
    pub property_ids: String,
    pub date_add: i64,
    pub date_update: i64,
    /// Moves on with every save and stock change (orders too): what an edit was based on.
    pub version: i64,
}

const GOODS_COLUMNS: &str = "g.id, g.category_id, g.shop_id, g.name, g.characteristic, g.content, g.pic,
     g.video_id, g.tags, g.purchase_notes, g.status, g.recommend_status, g.kanjia, g.miaosha,
     g.pingtuan, g.paixu, g.stores, g.min_price, g.original_price, g.min_score, g.min_buy_number,
     g.weight, g.logistics_id, g.ext_json, g.number_sells, g.number_orders, g.number_fav,
     g.number_views, g.number_reputation, g.number_good_reputation, g.date_add, g.date_update,
     (SELECT ',' || group_concat(p.id, ',' ORDER BY p.paixu, p.id) || ','
        FROM goods_properties p WHERE p.goods_id = g.id), g.version";

fn goods_row(r: &Row) -> rusqlite::Result<GoodsRow> {
    Ok(GoodsRow {
        id: r.get(0)?,
        fields: GoodsFields {
            category_id: r.get(1)?,
            shop_id: r.get(2)?,
            name: r.get(3)?,
            characteristic: r.get(4)?,
            content: r.get(5)?,
            pic: r.get(6)?,
            video_id: r.get(7)?,
            tags: r.get(8)?,
            purchase_notes: r.get(9)?,
            status: r.get(10)?,
            recommend_status: r.get(11)?,
            kanjia: r.get(12)?,
            miaosha: r.get(13)?,
            pingtuan: r.get(14)?,
            paixu: r.get(15)?,
            stores: r.get(16)?,
            min_price: r.get(17)?,
            original_price: r.get(18)?,
            min_score: r.get(19)?,
            min_buy_number: r.get(20)?,
            weight: r.get(21)?,
            logistics_id: r.get(22)?,
            ext_json: r.get(23)?,
        },
        counters: GoodsCounters {
            number_sells: r.get(24)?,
            number_orders: r.get(25)?,
            number_fav: r.get(26)?,
            number_views: r.get(27)?,
            number_reputation: r.get(28)?,
            number_good_reputation: r.get(29)?,
        },
        date_add: r.get(30)?,
        date_update: r.get(31)?,
        property_ids: r.get::<_, Option<String>>(32)?.unwrap_or_default(),
        version: r.get(33)?,
    })
}

pub fn insert_goods(c: &Connection, f: &GoodsFields, now: i64) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO goods (category_id, shop_id, name, characteristic, content, pic, video_id, tags,
                            purchase_notes, status, recommend_status, kanjia, miaosha, pingtuan, paixu,
                            stores, min_price, original_price, min_score, min_buy_number, weight,
                            logistics_id, ext_json, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 ?20, ?21, ?22, ?23, ?24, ?24)",
    )?
    .execute(params![
        f.category_id,
        f.shop_id,
        f.name,
        f.characteristic,
        f.content,
        f.pic,
        f.video_id,
        f.tags,
        f.purchase_notes,
        f.status,
        f.recommend_status,
        f.kanjia,
        f.miaosha,
        f.pingtuan,
        f.paixu,
        f.stores,
        f.min_price,
        f.original_price,
        f.min_score,
        f.min_buy_number,
        f.weight,
        f.logistics_id,
        f.ext_json,
        now
    ])?;
    Ok(c.last_insert_rowid())
}

/// The goods `id`, on shelf or not.
pub fn goods(c: &Connection, id: i64) -> Result<Option<GoodsRow>> {
    Ok(c.prepare_cached(&format!("SELECT {GOODS_COLUMNS} FROM goods g WHERE g.id = ?1"))?
        .query_row([id], goods_row)
        .optional()?)
}

/// Puts goods on (0) or off (1) the shelf; false when there is no such goods.
pub fn set_goods_status(c: &Connection, id: i64, status: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE goods SET status = ?2, date_update = ?3, version = version + 1 WHERE id = ?1",
        )?
        .execute(params![id, status, now])?;
    Ok(n == 1)
}

#[derive(Debug, Clone)]
pub struct PicRow {
    pub id: i64,
    pub goods_id: i64,
    pub pic: String,
    pub paixu: i64,
}

pub fn insert_pic(c: &Connection, goods_id: i64, pic: &str, paixu: i64) -> Result<i64> {
    c.prepare_cached("INSERT INTO goods_pics (goods_id, pic, paixu) VALUES (?1, ?2, ?3)")?
        .execute(params![goods_id, pic, paixu])?;
    Ok(c.last_insert_rowid())
}

/// The goods' gallery in order.
pub fn pics(c: &Connection, goods_id: i64) -> Result<Vec<PicRow>> {
    let mut st = c.prepare_cached(
        "SELECT id, goods_id, pic, paixu FROM goods_pics WHERE goods_id = ?1 ORDER BY paixu, id",
    )?;
    let rows = st.query_map([goods_id], |r| {
        Ok(PicRow { id: r.get(0)?, goods_id: r.get(1)?, pic: r.get(2)?, paixu: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A spec value (红, XL).
#[derive(Debug, Clone)]
pub struct PropertyChildRow {
    pub id: i64,
    pub property_id: i64,
    pub name: String,
    pub paixu: i64,
}

/// A spec (颜色) with its values in order.
#[derive(Debug, Clone)]
pub struct PropertyRow {
    pub id: i64,
    pub goods_id: i64,
    pub name: String,
    pub paixu: i64,
    pub children: Vec<PropertyChildRow>,
}

pub fn insert_property(c: &Connection, goods_id: i64, name: &str, paixu: i64) -> Result<i64> {
    c.prepare_cached("INSERT INTO goods_properties (goods_id, name, paixu) VALUES (?1, ?2, ?3)")?
        .execute(params![goods_id, name, paixu])?;
    Ok(c.last_insert_rowid())
}

pub fn insert_property_child(c: &Connection, property_id: i64, name: &str, paixu: i64) -> Result<i64> {
    c.prepare_cached("INSERT INTO goods_property_children (property_id, name, paixu) VALUES (?1, ?2, ?3)")?
        .execute(params![property_id, name, paixu])?;
    Ok(c.last_insert_rowid())
}

/// The goods' specs, each with its values, in display order.
pub fn properties(c: &Connection, goods_id: i64) -> Result<Vec<PropertyRow>> {
    let mut st = c.prepare_cached(
        "SELECT p.id, p.goods_id, p.name, p.paixu, ch.id, ch.name, ch.paixu
         FROM goods_properties p LEFT JOIN goods_property_children ch ON ch.property_id = p.id
         WHERE p.goods_id = ?1
         ORDER BY p.paixu, p.id, ch.paixu, ch.id",
    )?;
    let mut rows = st.query([goods_id])?;
    let mut out: Vec<PropertyRow> = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if out.last().is_none_or(|p| p.id != id) {
            out.push(PropertyRow {
                id,
                goods_id: r.get(1)?,
                name: r.get(2)?,
                paixu: r.get(3)?,
                children: Vec::new(),
            });
        }
        if let Some(child_id) = r.get::<_, Option<i64>>(4)? {
            let child = PropertyChildRow { id: child_id, property_id: id, name: r.get(5)?, paixu: r.get(6)? };
            if let Some(p) = out.last_mut() {
                p.children.push(child);
            }
        }
    }
    Ok(out)
}

/// What the merchant sets on a SKU.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SkuFields {
    /// The canonical "pid:cid,pid:cid," key (pairs sorted by property id).
    pub property_child_ids: String,
    pub price: i64,
    pub original_price: i64,
    pub score: i64,
    pub stores: i64,
    /// Grams.
    pub weight: i64,
    pub code: String,
}

#[derive(Debug, Clone)]
pub struct SkuRow {
    pub id: i64,
    pub goods_id: i64,
    pub fields: SkuFields,
}

const SKU_COLUMNS: &str =
    "id, goods_id, property_child_ids, price, original_price, score, stores, weight, code";

fn sku_row(r: &Row) -> rusqlite::Result<SkuRow> {
    Ok(SkuRow {
        id: r.get(0)?,
        goods_id: r.get(1)?,
        fields: SkuFields {
            property_child_ids: r.get(2)?,
            price: r.get(3)?,
            original_price: r.get(4)?,
            score: r.get(5)?,
            stores: r.get(6)?,
            weight: r.get(7)?,
            code: r.get(8)?,
        },
    })
}

pub fn insert_sku(c: &Connection, goods_id: i64, f: &SkuFields) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO goods_skus (goods_id, property_child_ids, price, original_price, score, stores,
                                 weight, code)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        goods_id,
        f.property_child_ids,
        f.price,
        f.original_price,
        f.score,
        f.stores,
        f.weight,
        f.code
    ])?;
    Ok(c.last_insert_rowid())
}

/// The goods' SKUs in key order.
pub fn skus(c: &Connection, goods_id: i64) -> Result<Vec<SkuRow>> {
    let mut st =
        c.prepare_cached(&format!("SELECT {SKU_COLUMNS} FROM goods_skus WHERE goods_id = ?1 ORDER BY id"))?;
    let rows = st.query_map([goods_id], sku_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The goods' SKU with the canonical key `property_child_ids`.
pub fn sku(c: &Connection, goods_id: i64, property_child_ids: &str) -> Result<Option<SkuRow>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {SKU_COLUMNS} FROM goods_skus WHERE goods_id = ?1 AND property_child_ids = ?2"
    ))?
    .query_row(params![goods_id, property_child_ids], sku_row)
    .optional()?)
}

/// Which words of a goods a search term is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Name,
    Tags,
    /// Name, tags or characteristic.
    Any,
}

/// Shop-window list order (the client's `orderBy`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GoodsOrder {
    /// The merchant's order (paixu), newest first within it.
    #[default]
    Shelf,
    PriceUp,
    PriceDown,
    OrdersUp,
    OrdersDown,
    AddedUp,
    AddedDown,
    NameUp,
}

impl GoodsOrder {
    pub fn sql(self) -> &'static str {
        match self {
            GoodsOrder::Shelf => "g.paixu, g.id DESC",
            GoodsOrder::PriceUp => "g.min_price, g.id DESC",
            GoodsOrder::PriceDown => "g.min_price DESC, g.id DESC",
            GoodsOrder::OrdersUp => "g.number_orders, g.id DESC",
            GoodsOrder::OrdersDown => "g.number_orders DESC, g.id DESC",
            GoodsOrder::AddedUp => "g.date_add, g.id",
            GoodsOrder::AddedDown => "g.date_add DESC, g.id DESC",
            GoodsOrder::NameUp => "g.name, g.id",
        }
    }
}

/// Which on-shelf goods a shop-window list shows; every set filter must hold.
#[derive(Debug, Clone, Default)]
pub struct GoodsFilter {
    /// A category and its descendants (see [`category_subtree`]).
    pub category_ids: Option<Vec<i64>>,
    pub shop_ids: Option<Vec<i64>>,
    /// Search terms, each matched as a substring of the field.
    pub terms: Vec<(TextField, String)>,
    pub recommend_status: Option<i64>,
    pub kanjia: Option<bool>,
    pub miaosha: Option<bool>,
    pub pingtuan: Option<bool>,
    /// Lowest price in fen, inclusive.
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
    pub order: GoodsOrder,
}

/// The shortest term the trigram index can answer; shorter ones fall back to LIKE.
const TRIGRAM: usize = 3;

/// The WHERE clause of a shop-window list and its parameters, in placeholder order.
fn shelf_where(f: &GoodsFilter) -> (String, Vec<Value>) {
    // With a category, `+` keeps SQLite off the whole-shop goods_shelf* indexes (status first): it
    // would walk every on-shelf goods in order looking for the category's, which without ANALYZE
    // statistics it thinks is cheaper than the category's own index and a small sort.
    let mut sql = String::from(if f.category_ids.is_some() { "+g.status = 0" } else { "g.status = 0" });
    let mut args: Vec<Value> = Vec::new();
    let mut in_list = |sql: &mut String, column: &str, ids: &[i64]| {
        let marks = vec!["?"; ids.len()].join(",");
        sql.push_str(&format!(" AND {column} IN ({marks})"));
        args.extend(ids.iter().map(|&i| Value::Integer(i)));
    };
    if let Some(ids) = &f.category_ids {
        in_list(&mut sql, "g.category_id", ids);
    }
    if let Some(ids) = &f.shop_ids {
        in_list(&mut sql, "g.shop_id", ids);
    }
    let mut fts: Vec<String> = Vec::new();
    for (field, term) in &f.terms {
        if term.chars().count() >= TRIGRAM {
            let phrase = format!("\"{}\"", term.replace('"', "\"\""));
            fts.push(match field {
                TextField::Name => format!("name : {phrase}"),
                TextField::Tags => format!("tags : {phrase}"),
                TextField::Any => phrase,
            });
        } else {
            let pattern = format!("%{}%", escape_like(term));
            let columns: &[&str] = match field {
                TextField::Name => &["g.name"],
                TextField::Tags => &["g.tags"],
                TextField::Any => &["g.name", "g.tags", "g.characteristic"],
            };
            let ors: Vec<String> = columns.iter().map(|c| format!("{c} LIKE ? ESCAPE '\\'")).collect();
            sql.push_str(&format!(" AND ({})", ors.join(" OR ")));
            args.extend(columns.iter().map(|_| Value::Text(pattern.clone())));
        }
    }
    if !fts.is_empty() {
        sql.push_str(" AND g.id IN (SELECT rowid FROM goods_fts WHERE goods_fts MATCH ?)");
        args.push(Value::Text(fts.join(" AND ")));
    }
    let mut eq = |sql: &mut String, column: &str, v: Option<i64>| {
        if let Some(v) = v {
            sql.push_str(&format!(" AND {column} = ?"));
            args.push(Value::Integer(v));
        }
    };
    eq(&mut sql, "g.recommend_status", f.recommend_status);
    eq(&mut sql, "g.kanjia", f.kanjia.map(i64::from));
    eq(&mut sql, "g.miaosha", f.miaosha.map(i64::from));
    eq(&mut sql, "g.pingtuan", f.pingtuan.map(i64::from));
    if let Some(v) = f.price_min {
        sql.push_str(" AND g.min_price >= ?");
        args.push(Value::Integer(v));
    }
    if let Some(v) = f.price_max {
        sql.push_str(" AND g.min_price <= ?");
        args.push(Value::Integer(v));
    }
    (sql, args)
}

/// `%`, `_` and `\` taken literally in a LIKE pattern with `ESCAPE '\'`.
fn escape_like(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for ch in term.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// How many on-shelf goods match `f` (its order is ignored).
pub fn shelf_count(c: &Connection, f: &GoodsFilter) -> Result<i64> {
    let (filter, args) = shelf_where(f);
    Ok(c.prepare_cached(&format!("SELECT count(*) FROM goods g WHERE {filter}"))?
        .query_row(params_from_iter(args.iter()), |r| r.get(0))?)
}

/// One page of on-shelf goods matching `f`, in its order.
pub fn shelf_page(c: &Connection, f: &GoodsFilter, offset: i64, limit: i64) -> Result<Vec<GoodsRow>> {
    let (filter, args) = shelf_where(f);
    // Ids first: the order and OFFSET walk only an index (the goods_shelf_* / goods_category_*
    // indexes cover every order), so a deep page does not build the rows it skips.
    let sql = format!("SELECT g.id FROM goods g WHERE {filter} ORDER BY {} LIMIT ? OFFSET ?", f.order.sql());
    let page = args.into_iter().chain([Value::Integer(limit), Value::Integer(offset)]);
    let ids: Vec<i64> = c
        .prepare_cached(&sql)?
        .query_map(params_from_iter(page), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Lists never show the rich text: leave it unread.
    let columns = GOODS_COLUMNS.replacen("g.content", "'' AS content", 1);
    let marks = vec!["?"; ids.len()].join(",");
    let mut st = c.prepare_cached(&format!("SELECT {columns} FROM goods g WHERE g.id IN ({marks})"))?;
    let mut rows: Vec<GoodsRow> =
        st.query_map(params_from_iter(ids.iter()), goods_row)?.collect::<rusqlite::Result<_>>()?;
    let rank: std::collections::HashMap<i64, usize> =
        ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    rows.sort_by_key(|g| rank.get(&g.id).copied().unwrap_or(usize::MAX));
    Ok(rows)
}

/// One page of on-shelf goods matching `f`, and how many match in all.
pub fn shelf_goods(c: &Connection, f: &GoodsFilter, offset: i64, limit: i64) -> Result<(Vec<GoodsRow>, i64)> {
    let total = shelf_count(c, f)?;
    if total <= offset {
        return Ok((Vec::new(), total));
    }
    Ok((shelf_page(c, f, offset, limit)?, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        c.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        crate::db::migrate::run(&mut c).unwrap();
        c
    }

    #[test]
    fn the_bundled_sqlite_has_fts5() {
        let c = fresh();
        let mut st = c.prepare("PRAGMA compile_options").unwrap();
        let options: Vec<String> = st.query_map([], |r| r.get(0)).unwrap().map(|o| o.unwrap()).collect();
        assert!(options.iter().any(|o| o == "ENABLE_FTS5"), "compile options: {options:?}");
    }

    #[test]
    fn the_trigram_index_follows_inserts_renames_and_deletes() {
        let c = fresh();
        let g = GoodsFields { name: "洋槐蜂蜜 500g".into(), ..GoodsFields::default() };
        let id = insert_goods(&c, &g, 1).unwrap();
        let hits = |q: &str| -> Vec<i64> {
            let mut st = c.prepare("SELECT rowid FROM goods_fts WHERE goods_fts MATCH ?1").unwrap();
            st.query_map([q], |r| r.get(0)).unwrap().map(|x| x.unwrap()).collect()
        };
        assert_eq!(hits("\"槐蜂蜜\""), vec![id]);
        c.execute("UPDATE goods SET name = '枣花蜜' WHERE id = ?1", [id]).unwrap();
        assert!(hits("\"槐蜂蜜\"").is_empty());
        assert_eq!(hits("\"枣花蜜\""), vec![id]);
        c.execute("DELETE FROM goods WHERE id = ?1", [id]).unwrap();
        assert!(hits("\"枣花蜜\"").is_empty());
        c.execute("INSERT INTO goods_fts(goods_fts) VALUES ('integrity-check')", []).unwrap();
    }

    #[test]
    fn the_goods_row_mirrors_its_skus_stock_and_cheapest_price() {
        let c = fresh();
        let id = insert_goods(&c, &GoodsFields { name: "T恤".into(), ..GoodsFields::default() }, 1).unwrap();
        let sku = |key: &str, price, stores| SkuFields {
            property_child_ids: key.into(),
            price,
            original_price: price + 1000,
            stores,
            ..SkuFields::default()
        };
        insert_sku(&c, id, &sku("1:1,", 7900, 3)).unwrap();
        insert_sku(&c, id, &sku("1:2,", 6900, 5)).unwrap();
        let g = goods(&c, id).unwrap().unwrap();
        assert_eq!((g.fields.stores, g.fields.min_price, g.fields.original_price), (8, 6900, 7900));
        c.execute("UPDATE goods_skus SET stores = stores - 5 WHERE goods_id = ?1 AND price = 6900", [id])
            .unwrap();
        assert_eq!(goods(&c, id).unwrap().unwrap().fields.stores, 3);
        let below_zero = c.execute("UPDATE goods_skus SET stores = stores - 4 WHERE goods_id = ?1", [id]);
        assert!(below_zero.is_err(), "stock never goes below zero");
        c.execute("DELETE FROM goods_skus WHERE goods_id = ?1 AND price = 6900", [id]).unwrap();
        let g = goods(&c, id).unwrap().unwrap();
        assert_eq!((g.fields.stores, g.fields.min_price), (3, 7900));
    }

    #[test]
    fn terms_of_three_characters_or_more_are_answered_from_the_trigram_index() {
        let c = fresh();
        let plan = |term: &str| -> String {
            let f = GoodsFilter { terms: vec![(TextField::Name, term.into())], ..GoodsFilter::default() };
            let (filter, args) = shelf_where(&f);
            let mut st =
                c.prepare(&format!("EXPLAIN QUERY PLAN SELECT g.id FROM goods g WHERE {filter}")).unwrap();
            let rows = st.query_map(params_from_iter(args.iter()), |r| r.get::<_, String>(3)).unwrap();
            rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("\n")
        };
        assert!(plan("槐蜂蜜").contains("goods_fts VIRTUAL TABLE INDEX"), "{}", plan("槐蜂蜜"));
        assert!(!plan("蜂蜜").contains("goods_fts"), "two characters fall back to LIKE");
    }

    /// The query plan of a page of ids for `f`, one line per step.
    fn page_plan(c: &Connection, f: &GoodsFilter) -> String {
        let (filter, args) = shelf_where(f);
        let sql =
            format!("EXPLAIN QUERY PLAN SELECT g.id FROM goods g WHERE {filter} ORDER BY {}", f.order.sql());
        let mut st = c.prepare(&sql).unwrap();
        let rows = st.query_map(params_from_iter(args.iter()), |r| r.get::<_, String>(3)).unwrap();
        rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn list_pages_walk_a_covering_index_in_every_order() {
        let c = fresh();
        let orders = [
            GoodsOrder::Shelf,
            GoodsOrder::PriceUp,
            GoodsOrder::PriceDown,
            GoodsOrder::OrdersUp,
            GoodsOrder::OrdersDown,
            GoodsOrder::AddedUp,
            GoodsOrder::AddedDown,
        ];
        for order in orders {
            // A category (with its subcategories): its own index, never a walk over the whole shelf.
            let f = GoodsFilter { category_ids: Some(vec![1, 2]), order, ..GoodsFilter::default() };
            let plan = page_plan(&c, &f);
            assert!(plan.contains("COVERING INDEX goods_category_"), "{order:?}: {plan}");
            // The whole shop: the order's own index, no sort of every goods.
            let plan = page_plan(&c, &GoodsFilter { order, ..GoodsFilter::default() });
            assert!(plan.contains("COVERING INDEX goods_shelf"), "{order:?}: {plan}");
            assert!(!plan.contains("TEMP B-TREE FOR ORDER BY"), "{order:?}: {plan}");
        }
    }

    #[test]
    fn the_number_orders_step_takes_back_the_lines_counted_as_orders() {
        // A database just before the step, where a paid order of two SKUs counted twice.
        let step = crate::db::migrate::STEPS
            .iter()
            .position(|s| s.starts_with("-- number orders"))
            .expect("the number_orders step");
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(include_str!("../migrations/schema_v1.sql")).unwrap();
        for s in &crate::db::migrate::STEPS[..step] {
            c.execute_batch(s).unwrap();
        }
        let g = insert_goods(&c, &GoodsFields { name: "T恤".into(), ..GoodsFields::default() }, 1).unwrap();
        c.execute("UPDATE goods SET number_orders = 3 WHERE id = ?1", [g]).unwrap();
        c.execute("INSERT INTO users (id, date_add) VALUES (1, 1)", []).unwrap();
        for (id, paid) in [(1, Some(1)), (2, Some(1)), (3, None)] {
            c.execute(
                "INSERT INTO orders (id, order_number, user_id, amount_goods, amount_real, goods_number,
                                     peisong_type, date_add, date_update, date_pay)
                 VALUES (?1, ?1, 1, 100, 100, 2, 'kd', 1, 1, ?2)",
                params![id, paid],
            )
            .unwrap();
        }
        // Order 1: two lines of the goods; order 2: one; order 3 (unpaid): two, never counted.
        for order in [1, 1, 2, 3, 3] {
            c.execute(
                "INSERT INTO order_goods (order_id, user_id, goods_id, goods_name, amount_single, amount,
                                          number, date_add)
                 VALUES (?1, 1, ?2, 'T恤', 50, 50, 1, 1)",
                params![order, g],
            )
            .unwrap();
        }
        c.execute_batch(crate::db::migrate::STEPS[step]).unwrap();
        assert_eq!(goods(&c, g).unwrap().unwrap().counters.number_orders, 2);
    }

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}

// ---- The merchant's writes. Cross-table rules live in service::catalog.

/// Rewrites a category's own fields and parent; the caller re-levels its subtree after a move.
pub fn update_category(c: &Connection, id: i64, f: &CategoryFields, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE goods_categories SET pid = ?2, name = ?3, icon = ?4, type = ?5, key = ?6, paixu = ?7,
                    is_use = ?8, ext_json = ?9, date_update = ?10
             WHERE id = ?1",
        )?
        .execute(params![id, f.pid, f.name, f.icon, f.kind, f.key, f.paixu, f.is_use, f.ext_json, now])?;
    Ok(n == 1)
}

/// Sets `level` of the category and every descendant from its parent's level, so a moved
/// subtree keeps "parent's level + 1" all the way down.
pub fn relevel_subtree(c: &Connection, id: i64) -> Result<()> {
    c.prepare_cached(
        "WITH RECURSIVE t(id, lvl) AS (
             SELECT c.id, coalesce((SELECT p.level + 1 FROM goods_categories p WHERE p.id = c.pid), 1)
               FROM goods_categories c WHERE c.id = ?1
             UNION SELECT ch.id, t.lvl + 1 FROM goods_categories ch JOIN t ON ch.pid = t.id)
         UPDATE goods_categories SET level = (SELECT lvl FROM t WHERE t.id = goods_categories.id)
         WHERE id IN (SELECT id FROM t)",
    )?
    .execute([id])?;
    Ok(())
}

/// How many direct children and goods a category has (a category in use cannot be deleted).
pub fn category_usage(c: &Connection, id: i64) -> Result<(i64, i64)> {
    Ok(c.prepare_cached(
        "SELECT (SELECT count(*) FROM goods_categories WHERE pid = ?1),
                (SELECT count(*) FROM goods WHERE category_id = ?1)",
    )?
    .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

pub fn delete_category(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.prepare_cached("DELETE FROM goods_categories WHERE id = ?1")?.execute([id])? == 1)
}

/// Rewrites a goods' merchant fields: not its counters, and not its stock, which orders change
/// too and which only the stock functions below write. For goods with SKUs the caller passes the
/// SKU-derived prices unchanged: the triggers own them.
pub fn update_goods(c: &Connection, id: i64, f: &GoodsFields, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE goods SET category_id = ?2, shop_id = ?3, name = ?4, characteristic = ?5, content = ?6,
                    pic = ?7, video_id = ?8, tags = ?9, purchase_notes = ?10, status = ?11,
                    recommend_status = ?12, kanjia = ?13, miaosha = ?14, pingtuan = ?15, paixu = ?16,
                    min_price = ?17, original_price = ?18, min_score = ?19,
                    min_buy_number = ?20, weight = ?21, logistics_id = ?22, ext_json = ?23,
                    date_update = ?24, version = version + 1
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            f.category_id,
            f.shop_id,
            f.name,
            f.characteristic,
            f.content,
            f.pic,
            f.video_id,
            f.tags,
            f.purchase_notes,
            f.status,
            f.recommend_status,
            f.kanjia,
            f.miaosha,
            f.pingtuan,
            f.paixu,
            f.min_price,
            f.original_price,
            f.min_score,
            f.min_buy_number,
            f.weight,
            f.logistics_id,
            f.ext_json,
            now
        ])?;
    Ok(n == 1)
}

/// Moves the goods' version on if it is still `version` (what an edit was based on); false when
/// the goods changed since, or does not exist.
pub fn claim_version(c: &Connection, id: i64, version: i64) -> Result<bool> {
    let n = c
        .prepare_cached("UPDATE goods SET version = version + 1 WHERE id = ?1 AND version = ?2")?
        .execute(params![id, version])?;
    Ok(n == 1)
}

/// Stock of a goods without specs, as the caller worked it out from the value its transaction read.
pub fn set_goods_stores(c: &Connection, id: i64, stores: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached("UPDATE goods SET stores = ?2, date_update = ?3 WHERE id = ?1")?
        .execute(params![id, stores, now])?;
    Ok(n == 1)
}

/// Stock of one SKU, as the caller worked it out; the goods' total follows by trigger.
pub fn set_sku_stores(c: &Connection, sku_id: i64, stores: i64) -> Result<()> {
    c.prepare_cached("UPDATE goods_skus SET stores = ?2 WHERE id = ?1")?.execute(params![sku_id, stores])?;
    Ok(())
}

/// Removes a goods; pictures, specs and SKUs go with it (ON DELETE CASCADE), the index by trigger.
pub fn delete_goods(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.prepare_cached("DELETE FROM goods WHERE id = ?1")?.execute([id])? == 1)
}

/// Removes a goods' gallery so it can be written again in its new order.
pub fn delete_pics(c: &Connection, goods_id: i64) -> Result<()> {
    c.prepare_cached("DELETE FROM goods_pics WHERE goods_id = ?1")?.execute([goods_id])?;
    Ok(())
}

/// What the merchant's goods list is narrowed to; every set filter must hold.
#[derive(Debug, Clone, Default)]
pub struct MerchantGoodsFilter {
    /// A substring of the name.
    pub name: Option<String>,
    pub category_id: Option<i64>,
    /// 0 on shelf, 1 off.
    pub status: Option<i64>,
}

/// One page of all goods (on shelf or not), newest first, and how many match in all.
pub fn merchant_goods(
    c: &Connection,
    f: &MerchantGoodsFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<GoodsRow>, i64)> {
    let pattern = f.name.as_ref().map(|n| format!("%{}%", escape_like(n)));
    let filter = "(?1 IS NULL OR g.name LIKE ?1 ESCAPE '\\') AND (?2 IS NULL OR g.category_id = ?2)
                  AND (?3 IS NULL OR g.status = ?3)";
    let total: i64 = c
        .prepare_cached(&format!("SELECT count(*) FROM goods g WHERE {filter}"))?
        .query_row(params![pattern, f.category_id, f.status], |r| r.get(0))?;
    let mut st = c.prepare_cached(&format!(
        "SELECT {GOODS_COLUMNS} FROM goods g WHERE {filter} ORDER BY g.id DESC LIMIT ?4 OFFSET ?5"
    ))?;
    let rows = st.query_map(params![pattern, f.category_id, f.status, limit, offset], goods_row)?;
    Ok((rows.collect::<rusqlite::Result<Vec<_>>>()?, total))
}

pub fn set_property(c: &Connection, id: i64, paixu: i64) -> Result<()> {
    c.prepare_cached("UPDATE goods_properties SET paixu = ?2 WHERE id = ?1")?.execute(params![id, paixu])?;
    Ok(())
}

pub fn delete_property(c: &Connection, id: i64) -> Result<()> {
    c.prepare_cached("DELETE FROM goods_properties WHERE id = ?1")?.execute([id])?;
    Ok(())
}

pub fn set_property_child(c: &Connection, id: i64, paixu: i64) -> Result<()> {
    c.prepare_cached("UPDATE goods_property_children SET paixu = ?2 WHERE id = ?1")?
        .execute(params![id, paixu])?;
    Ok(())
}

pub fn delete_property_child(c: &Connection, id: i64) -> Result<()> {
    c.prepare_cached("DELETE FROM goods_property_children WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// Rewrites a SKU's price, stock and the rest; the goods row follows by trigger.
pub fn update_sku(c: &Connection, id: i64, f: &SkuFields) -> Result<()> {
    c.prepare_cached(
        "UPDATE goods_skus SET price = ?2, original_price = ?3, score = ?4, stores = ?5, weight = ?6,
                code = ?7
         WHERE id = ?1",
    )?
    .execute(params![id, f.price, f.original_price, f.score, f.stores, f.weight, f.code])?;
    Ok(())
}

pub fn delete_sku(c: &Connection, id: i64) -> Result<()> {
    c.prepare_cached("DELETE FROM goods_skus WHERE id = ?1")?.execute([id])?;
    Ok(())
}
