//! The `cart_items` table: a shopper's carts (one per `type`), one row per distinct line.

use super::Result;
use rusqlite::{params, params_from_iter, Connection, Row};

#[derive(Debug, Clone)]
pub struct CartRow {
    pub id: i64,
    pub user_id: i64,
    pub cart_type: String,
    pub item_key: String,
    pub goods_id: i64,
    /// Canonical "pid:cid," key; "" for goods without specs.
    pub property_child_ids: String,
    /// JSON `[{id, pid}]` of the chosen add-ons.
    pub additions: String,
    pub number: i64,
    pub selected: bool,
    pub date_add: i64,
    pub date_update: i64,
}

const COLUMNS: &str = "id, user_id, cart_type, item_key, goods_id, property_child_ids, additions, number,
     selected, date_add, date_update";

fn cart_row(r: &Row) -> rusqlite::Result<CartRow> {
    Ok(CartRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        cart_type: r.get(2)?,
        item_key: r.get(3)?,
        goods_id: r.get(4)?,
        property_child_ids: r.get(5)?,
        additions: r.get(6)?,
        number: r.get(7)?,
        selected: r.get(8)?,
        date_add: r.get(9)?,
        date_update: r.get(10)?,
    })
}

/// A line to put in the cart.
pub struct NewCartItem<'a> {
    pub cart_type: &'a str,
    pub item_key: &'a str,
    pub goods_id: i64,
    pub property_child_ids: &'a str,
    pub additions: &'a str,
    pub number: i64,
}

/// Adds `number` to the line with this key (creating it, selected); the line's new number.
pub fn add(c: &Connection, user_id: i64, item: &NewCartItem, now: i64) -> Result<i64> {
    Ok(c.prepare_cached(
        "INSERT INTO cart_items (user_id, cart_type, item_key, goods_id, property_child_ids, additions,
                                 number, selected, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8)
         ON CONFLICT (user_id, cart_type, item_key)
         DO UPDATE SET number = number + excluded.number, selected = 1, date_update = excluded.date_update
         RETURNING number",
    )?
    .query_row(
        params![
            user_id,
            item.cart_type,
            item.item_key,
            item.goods_id,
            item.property_child_ids,
            item.additions,
            item.number,
            now
        ],
        |r| r.get(0),
    )?)
}

/// The shopper's lines in one cart, oldest first.
pub fn items(c: &Connection, user_id: i64, cart_type: &str) -> Result<Vec<CartRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM cart_items WHERE user_id = ?1 AND cart_type = ?2 ORDER BY id"
    ))?;
    let rows = st.query_map(params![user_id, cart_type], cart_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The line with this key, if the shopper has it.
pub fn item(c: &Connection, user_id: i64, cart_type: &str, key: &str) -> Result<Option<CartRow>> {
    use rusqlite::OptionalExtension;
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM cart_items WHERE user_id = ?1 AND cart_type = ?2 AND item_key = ?3"
    ))?
    .query_row(params![user_id, cart_type, key], cart_row)
    .optional()?)
}

/// How many lines the cart holds.
pub fn count_lines(c: &Connection, user_id: i64, cart_type: &str) -> Result<i64> {
    Ok(c.prepare_cached("SELECT count(*) FROM cart_items WHERE user_id = ?1 AND cart_type = ?2")?
        .query_row(params![user_id, cart_type], |r| r.get(0))?)
}

/// Sets a line's number; false when the shopper has no such line.
pub fn set_number(
    c: &Connection,
    user_id: i64,
    cart_type: &str,
    key: &str,
    number: i64,
    now: i64,
) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE cart_items SET number = ?4, date_update = ?5
             WHERE user_id = ?1 AND cart_type = ?2 AND item_key = ?3",
        )?
        .execute(params![user_id, cart_type, key, number, now])?;
    Ok(n == 1)
}

/// "?2, ?3, …" placeholders for `n` keys after the fixed parameters.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
}

/// Removes the lines with these keys; how many went.
pub fn remove(c: &Connection, user_id: i64, cart_type: &str, keys: &[String]) -> Result<usize> {
    if keys.is_empty() {
        return Ok(0);
    }
    let sql = format!(
        "DELETE FROM cart_items WHERE user_id = ?1 AND cart_type = ?2 AND item_key IN ({})",
        placeholders(3, keys.len())
    );
    let mut values: Vec<rusqlite::types::Value> = vec![user_id.into(), cart_type.to_string().into()];
    values.extend(keys.iter().map(|k| rusqlite::types::Value::from(k.clone())));
    Ok(c.execute(&sql, params_from_iter(values))?)
}

/// Selects or unselects the lines with these keys; how many matched.
pub fn select(
    c: &Connection,
    user_id: i64,
    cart_type: &str,
    keys: &[String],
    selected: bool,
    now: i64,
) -> Result<usize> {
    if keys.is_empty() {
        return Ok(0);
    }
    let sql = format!(
        "UPDATE cart_items SET selected = ?3, date_update = ?4
         WHERE user_id = ?1 AND cart_type = ?2 AND item_key IN ({})",
        placeholders(5, keys.len())
    );
    let mut values: Vec<rusqlite::types::Value> =
        vec![user_id.into(), cart_type.to_string().into(), i64::from(selected).into(), now.into()];
    values.extend(keys.iter().map(|k| rusqlite::types::Value::from(k.clone())));
    Ok(c.execute(&sql, params_from_iter(values))?)
}

/// Empties one cart; how many lines went.
pub fn empty(c: &Connection, user_id: i64, cart_type: &str) -> Result<usize> {
    Ok(c.prepare_cached("DELETE FROM cart_items WHERE user_id = ?1 AND cart_type = ?2")?
        .execute(params![user_id, cart_type])?)
}
