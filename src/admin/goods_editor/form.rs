//! The editor's form as typed, and the readers of its money, number and stock fields.

use rocket::form::{self, FromForm};
use rocket::fs::TempFile;

use crate::money;
use crate::service::catalog::Stock;

/// The freight choice a new goods starts with: express, free of charge (the shop's free template,
/// made when it has none yet).
pub(super) const FREE_EXPRESS: &str = "free";

/// The goods' own fields as typed (money in 元, text as sent back on a refusal).
#[derive(FromForm, Default, Clone, Debug)]
pub(super) struct Fields {
    pub(super) name: String,
    /// "0" = no category.
    pub(super) category: String,
    pub(super) characteristic: String,
    pub(super) tags: String,
    pub(super) recommend: bool,
    pub(super) on_shelf: bool,
    pub(super) paixu: String,
    pub(super) min_buy: String,
    pub(super) weight: String,
    pub(super) purchase_notes: String,
    pub(super) ext_json: String,
    pub(super) price: String,
    pub(super) original_price: String,
    pub(super) score: String,
    pub(super) stores: String,
    /// The stock the page showed (blank for a new goods): what a typed number is based on.
    #[field(default = String::new())]
    pub(super) stores_was: String,
    pub(super) content: String,
    /// The freight template's id; [`FREE_EXPRESS`] = the shop's free-shipping template; "0" = no
    /// delivery at all (virtual goods, services: no address is asked for).
    #[field(default = String::from(FREE_EXPRESS))]
    pub(super) logistics: String,
    /// Where in `content` (in characters) an inserted picture goes; admin.js keeps it current.
    #[field(default = String::new())]
    pub(super) caret: String,
}

/// One spec as typed: its name and its values separated by commas or new lines.
#[derive(FromForm, Default, Clone, Debug)]
pub(super) struct SpecInput {
    pub(super) name: String,
    pub(super) values: String,
}

/// One row of the SKU table; `combo` is the JSON array of its spec values, in the specs' order.
#[derive(FromForm, Default, Clone, Debug)]
pub(super) struct SkuInput {
    pub(super) combo: String,
    pub(super) price: String,
    pub(super) original_price: String,
    pub(super) score: String,
    pub(super) stores: String,
    /// The stock the page showed; blank for a combination not saved yet.
    #[field(default = String::new())]
    pub(super) stores_was: String,
    pub(super) code: String,
    /// Grams; kept from the merchant API, new rows take the goods' weight.
    #[field(default = String::new())]
    pub(super) weight: String,
}

#[derive(FromForm)]
pub(super) struct EditorForm<'r> {
    /// Which button was pressed: save, upload, generate, spec-remove:<i>, pic-up:<i>,
    /// pic-down:<i>, pic-remove:<i>, content-image.
    #[field(default = String::from("save"))]
    pub(super) action: String,
    pub(super) f: Fields,
    /// The gallery in order; the first is the main picture.
    pub(super) pics: Vec<String>,
    pub(super) specs: Vec<SpecInput>,
    pub(super) skus: Vec<SkuInput>,
    /// New gallery pictures (several may be chosen at once).
    pub(super) file: Vec<form::Result<'r, TempFile<'r>>>,
    /// A picture to put into the rich content.
    pub(super) content_file: form::Result<'r, TempFile<'r>>,
    /// A picture address to add to the gallery instead of an upload.
    #[field(default = String::new())]
    pub(super) pic_url: String,
}

/// The editor's state between requests.
#[derive(Default)]
pub(super) struct Editor {
    pub(super) f: Fields,
    pub(super) pics: Vec<String>,
    pub(super) specs: Vec<SpecInput>,
    pub(super) skus: Vec<SkuInput>,
}

/// A SKU row as the table shows it.
pub(super) struct SkuLine {
    pub(super) label: String,
    pub(super) input: SkuInput,
}

/// Money typed in 元: blank is `blank` (None = required), otherwise a plain amount.
pub(super) fn form_fen(label: &str, text: &str, blank: Option<i64>) -> Result<i64, String> {
    if text.trim().is_empty() {
        return blank.ok_or_else(|| format!("请填写{label}"));
    }
    money::parse(text)
        .ok_or_else(|| format!("{label}「{}」不是有效金额：应为不小于 0、最多两位小数的数字", text.trim()))
}

/// A whole number typed in; blank is `blank`; below `min` is refused.
pub(super) fn whole(label: &str, text: &str, blank: i64, min: i64) -> Result<i64, String> {
    if text.trim().is_empty() {
        return Ok(blank);
    }
    let n: i64 = text.trim().parse().map_err(|_| format!("{label}「{}」应为整数", text.trim()))?;
    if n < min {
        return Err(if min == 0 {
            format!("{label}不能为负数")
        } else {
            format!("{label}至少为 {min}")
        });
    }
    Ok(n)
}

/// A stock typed in, against `was`, the stock the page showed: "12" sets it (if it is still `was`),
/// "+10" / "-2" change it by that much, blank or `was` itself leave it to the orders. Without a
/// `was` (not saved yet) a number or "+n" is what it starts with.
pub(super) fn stock_typed(label: &str, text: &str, was: &str) -> Result<Stock, String> {
    let t: String = text.trim().replace('＋', "+").replace(['－', '−'], "-");
    if t.is_empty() {
        return Ok(Stock::Keep);
    }
    let bad = || format!("{label}「{t}」应为整数，或 +10、-2 这样在现有库存上的增减");
    let was = was.trim().parse::<i64>().ok();
    if let Some(rest) = t.strip_prefix(['+', '-']) {
        let n: i64 = rest.trim().parse().map_err(|_| bad())?;
        if n < 0 {
            return Err(bad());
        }
        return Ok(match (t.starts_with('-'), n) {
            (_, 0) => Stock::Keep,
            (true, n) => Stock::Add(-n),
            (false, n) => Stock::Add(n),
        });
    }
    let to: i64 = t.parse().map_err(|_| bad())?;
    Ok(match was {
        Some(w) if w == to => Stock::Keep,
        Some(w) => Stock::Set { to, was: w },
        // A row the page did not have: it must still not be there, or hold nothing.
        None => Stock::Set { to, was: 0 },
    })
}

/// An original price must be 0 (none) or at least the price.
pub(super) fn check_original(what: &str, price: i64, original: i64) -> Result<(), String> {
    if original > 0 && original < price {
        return Err(format!(
            "{what}原价（{}）不能低于售价（{}）",
            money::format(original),
            money::format(price)
        ));
    }
    Ok(())
}
