//! The shopping cart: lines are checked and priced like checkout lines (`checkout::price_line`),
//! so what the cart shows is what the order will cost.

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::db::cart::{self, CartRow, NewCartItem};
use crate::db::catalog::PropertyRow;
use crate::service::checkout::{self, LineInput, PricedLine, MAX_LINES};
use crate::service::error::{Entity, Error, Result};

/// What the client calls a line the shopper does not have.
const NOT_FOUND: Error = Error::NotFound(Entity::CartLine);

/// The line's key: the same goods, specs and add-ons always make the same key.
fn item_key(goods_id: i64, property_child_ids: &str, additions: &str) -> String {
    let digest = Sha256::digest(format!("{goods_id}|{property_child_ids}|{additions}").as_bytes());
    hex::encode(digest)[..32].to_string()
}

/// shippingCarInfoAddItem: adds a line (or more of it). 30002 when the goods has specs and none
/// was chosen; 30003 when the cart would hold more than the stock.
pub fn add(c: &Connection, user_id: i64, cart_type: &str, line: &LineInput, now: i64) -> Result<()> {
    let priced = checkout::price_line(c, line, "addition")?;
    let key_text = priced.quote.sku.as_ref().map(|s| s.fields.property_child_ids.clone()).unwrap_or_default();
    let additions = serde_json::to_string(&line.additions).unwrap_or_else(|_| "[]".into());
    let key = item_key(line.goods_id, &key_text, &additions);
    let existing = cart::item(c, user_id, cart_type, &key)?;
    if existing.is_none() && cart::count_lines(c, user_id, cart_type)? >= MAX_LINES as i64 {
        return Err(Error::refused(format!("购物车最多 {MAX_LINES} 种商品，请先结算或删除一些")));
    }
    let total = existing.map_or(0, |e| e.number) + line.number;
    check_stock(&priced, total)?;
    let item = NewCartItem {
        cart_type,
        item_key: &key,
        goods_id: line.goods_id,
        property_child_ids: &key_text,
        additions: &additions,
        number: line.number,
    };
    cart::add(c, user_id, &item, now)?;
    Ok(())
}

fn check_stock(priced: &PricedLine, number: i64) -> Result<()> {
    if number > checkout::MAX_NUMBER {
        return Err(Error::invalid("number", format!("最多 {} 件", checkout::MAX_NUMBER)));
    }
    if number > priced.stores() {
        let name = priced.quote.goods.fields.name.clone();
        return Err(Error::OutOfStock { name, left: priced.stores() });
    }
    Ok(())
}

/// The line the cart row stands for, as checkout would read it.
fn line_of(row: &CartRow, number: i64) -> LineInput {
    LineInput {
        goods_id: row.goods_id,
        number,
        property_child_ids: Some(row.property_child_ids.clone()).filter(|k| !k.is_empty()),
        additions: serde_json::from_str(&row.additions).unwrap_or_default(),
        booking: None,
    }
}

/// shippingCarInfoModifyNumber: sets a line's number (1 or more, within the stock).
pub fn set_number(
    c: &Connection,
    user_id: i64,
    cart_type: &str,
    key: &str,
    number: i64,
    now: i64,
) -> Result<()> {
    if !(1..=checkout::MAX_NUMBER).contains(&number) {
        return Err(Error::invalid("number", format!("应在 1 到 {} 之间", checkout::MAX_NUMBER)));
    }
    let row = cart::item(c, user_id, cart_type, key)?.ok_or(NOT_FOUND)?;
    let priced = checkout::price_line(c, &line_of(&row, number), "number")?;
    check_stock(&priced, number)?;
    cart::set_number(c, user_id, cart_type, key, number, now)?;
    Ok(())
}

/// A cart line with what it costs now; `priced` is None when it can no longer be bought (off the
/// shelf, deleted, its SKU gone).
pub struct CartLine {
    pub row: CartRow,
    pub priced: Option<PricedLine>,
    /// The goods' specs, for naming the chosen values.
    pub specs: Vec<PropertyRow>,
}

/// The cart's lines, each priced as checkout would price it.
pub fn contents(c: &Connection, user_id: i64, cart_type: &str) -> Result<Vec<CartLine>> {
    let mut out = Vec::new();
    for row in cart::items(c, user_id, cart_type)? {
        let priced = match checkout::price_line(c, &line_of(&row, row.number), "addition") {
            Ok(p) => Some(p),
            Err(Error::Internal(e)) => return Err(Error::Internal(e)),
            Err(Error::Busy) => return Err(Error::Busy),
            Err(_) => None,
        };
        let specs = if row.property_child_ids.is_empty() {
            Vec::new()
        } else {
            crate::db::catalog::properties(c, row.goods_id)?
        };
        out.push(CartLine { row, priced, specs });
    }
    Ok(out)
}

/// Splits the client's comma-joined keys; 300 naming `key` when there are none.
pub fn keys(text: &str) -> Result<Vec<String>> {
    let keys: Vec<String> =
        text.split(',').map(str::trim).filter(|k| !k.is_empty()).map(str::to_string).collect();
    if keys.is_empty() {
        return Err(Error::missing("key"));
    }
    if keys.len() > MAX_LINES {
        return Err(Error::invalid("key", format!("一次最多 {MAX_LINES} 个")));
    }
    Ok(keys)
}
