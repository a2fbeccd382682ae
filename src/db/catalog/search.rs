//! Goods lists: the shop window's pages (trigram index or LIKE) and the merchant's list.

use super::goods::{goods_row, GoodsRow, GOODS_COLUMNS};
use crate::db::Result;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};
use std::fmt::Write as _;

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
    /// A category and its descendants (see [`category_subtree`](super::category_subtree)).
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
pub(super) fn shelf_where(f: &GoodsFilter) -> (String, Vec<Value>) {
    // With a category, `+` keeps SQLite off the whole-shop goods_shelf* indexes (status first): it
    // would walk every on-shelf goods in order looking for the category's, which without ANALYZE
    // statistics it thinks is cheaper than the category's own index and a small sort.
    let mut sql = String::from(if f.category_ids.is_some() { "+g.status = 0" } else { "g.status = 0" });
    let mut args: Vec<Value> = Vec::new();
    let mut in_list = |sql: &mut String, column: &str, ids: &[i64]| {
        let marks = vec!["?"; ids.len()].join(",");
        let _ = write!(sql, " AND {column} IN ({marks})");
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
            let _ = write!(sql, " AND ({})", ors.join(" OR "));
            args.extend(columns.iter().map(|_| Value::Text(pattern.clone())));
        }
    }
    if !fts.is_empty() {
        sql.push_str(" AND g.id IN (SELECT rowid FROM goods_fts WHERE goods_fts MATCH ?)");
        args.push(Value::Text(fts.join(" AND ")));
    }
    let mut eq = |sql: &mut String, column: &str, v: Option<i64>| {
        if let Some(v) = v {
            let _ = write!(sql, " AND {column} = ?");
            args.push(Value::Integer(v));
        }
    };
    eq(&mut sql, "g.recommend_status", f.recommend_status);
    eq(&mut sql, "g.miaosha", f.miaosha.map(i64::from));
    // Bargain and group buy follow the goods' usable sets, not the goods' own flags.
    for (wanted, table, usable) in
        [(f.kanjia, "goods_kanjia_sets", "s.number_buy < s.number"), (f.pingtuan, "goods_pingtuan_sets", "1")]
    {
        if let Some(wanted) = wanted {
            let _ = write!(
                sql,
                " AND {}EXISTS (SELECT 1 FROM {table} s WHERE s.goods_id = g.id AND s.status = 0 AND {usable}
                   AND s.date_end > CAST(strftime('%s', 'now') AS INTEGER))",
                if wanted { "" } else { "NOT " }
            );
        }
    }
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
pub(super) fn escape_like(term: &str) -> String {
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

/// The goods columns a list reads: lists never show the rich text, so it stays unread.
static LIST_COLUMNS: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| GOODS_COLUMNS.replacen("g.content", "'' AS content", 1));

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
    let marks = vec!["?"; ids.len()].join(",");
    let mut st =
        c.prepare_cached(&format!("SELECT {} FROM goods g WHERE g.id IN ({marks})", *LIST_COLUMNS))?;
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
