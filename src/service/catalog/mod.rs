//! Catalogue rules that span tables: a goods is created whole (pictures, specs, the SKU matrix) in
//! one transaction, a spec key is read in any order and checked against the goods' own specs, and
//! the shopper sees only goods on the shelf.

mod categories;
mod goods;
mod shopfront;
mod specs;
mod stock;

pub use categories::{delete_category, save_category, MAX_CATEGORY_NAME};
pub use goods::{
    add_goods, create_goods, delete_goods, replace_goods, sanitize_html, set_shelf, NewGoods, MAX_CONTENT,
    MAX_GOODS_NAME,
};
pub use shopfront::{goods_page, quote, shown_goods, GoodsPage, Quote};
pub use specs::{combinations, key_names, key_text, parse_key, NewSku, NewSpec, MAX_SKUS, MAX_SPECS};
pub use stock::{
    claim_version, set_stock, Applied, EditError, Stock, StockChange, StockConflict, StockPlan, MAX_STOCK,
};

use crate::service::error::{Error, Result};

// ---- The merchant's writes: each runs inside the caller's one transaction, so the
// search index and the SKU→goods triggers see the whole change or none of it.

/// Longest one-line text (selling point, tags).
pub const MAX_LINE: usize = 200;

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
