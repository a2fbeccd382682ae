//! Shipping addresses (addAddress / queryAddressV2 / defaultAddress ...).
//!
//! Every read and write is scoped to one shopper (`user_id`): there is no "by id alone" function,
//! so a handler cannot forget the ownership check. The callers keep "one default per shopper"
//! inside one transaction; a partial unique index backs it up.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// The fields a shopper writes.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressFields {
    pub link_man: String,
    pub mobile: String,
    pub province_id: String,
    pub city_id: String,
    pub district_id: Option<String>,
    pub street_id: Option<String>,
    pub address: String,
    /// Postcode; "" when not given.
    pub code: String,
    pub idcard: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// A JSON object as text; "" when not given.
    pub ext_json: String,
    /// 0 normal, 1 disabled.
    pub status: i64,
}

#[derive(Debug, Clone)]
pub struct AddressRow {
    pub id: i64,
    pub user_id: i64,
    pub fields: AddressFields,
    pub is_default: bool,
    pub date_add: i64,
    pub date_update: i64,
}

/// Optional list filters (queryAddressV2's nameLike / mobileLike): substring matches.
#[derive(Debug, Clone, Default)]
pub struct AddressFilter {
    pub name_like: Option<String>,
    pub mobile_like: Option<String>,
}

const COLUMNS: &str = "id, user_id, link_man, mobile, province_id, city_id, district_id, street_id, address,
     code, idcard, latitude, longitude, ext_json, status, is_default, date_add, date_update";

fn address_row(r: &Row) -> rusqlite::Result<AddressRow> {
    Ok(AddressRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        fields: AddressFields {
            link_man: r.get(2)?,
            mobile: r.get(3)?,
            province_id: r.get(4)?,
            city_id: r.get(5)?,
            district_id: r.get(6)?,
            street_id: r.get(7)?,
            address: r.get(8)?,
            code: r.get(9)?,
            idcard: r.get(10)?,
            latitude: r.get(11)?,
            longitude: r.get(12)?,
            ext_json: r.get(13)?,
            status: r.get(14)?,
        },
        is_default: r.get(15)?,
        date_add: r.get(16)?,
        date_update: r.get(17)?,
    })
}

/// The shopper's address `id`; None when it does not exist or belongs to someone else.
pub fn owned(c: &Connection, user_id: i64, id: i64) -> Result<Option<AddressRow>> {
    Ok(c.prepare_cached(&format!("SELECT {COLUMNS} FROM shipping_addresses WHERE id = ?1 AND user_id = ?2"))?
        .query_row(params![id, user_id], address_row)
        .optional()?)
}

/// The shopper's default address, if they have any address at all.
pub fn default_of(c: &Connection, user_id: i64) -> Result<Option<AddressRow>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM shipping_addresses WHERE user_id = ?1 AND is_default = 1"
    ))?
    .query_row([user_id], address_row)
    .optional()?)
}

/// How many addresses the shopper holds.
pub fn count_of(c: &Connection, user_id: i64) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM shipping_addresses WHERE user_id = ?1", [user_id], |r| r.get(0))?)
}

/// One page of the shopper's addresses (the default first, then newest first) and the total.
/// A shopper holds at most a few dozen rows, so the count is cheap.
pub fn list_of(
    c: &Connection,
    user_id: i64,
    f: &AddressFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AddressRow>, i64)> {
    // instr() rather than LIKE: the shopper's text needs no escaping of % and _.
    let cond = "user_id = ?1 AND (?2 IS NULL OR instr(link_man, ?2) > 0)
                AND (?3 IS NULL OR instr(mobile, ?3) > 0)";
    let total: i64 = c.query_row(
        &format!("SELECT count(*) FROM shipping_addresses WHERE {cond}"),
        params![user_id, f.name_like, f.mobile_like],
        |r| r.get(0),
    )?;
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM shipping_addresses WHERE {cond}
         ORDER BY is_default DESC, id DESC LIMIT ?4 OFFSET ?5"
    ))?;
    let rows = st.query_map(params![user_id, f.name_like, f.mobile_like, limit, offset], address_row)?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}

/// Adds an address; the caller has cleared the old default first when `is_default`.
pub fn insert(c: &Connection, user_id: i64, a: &AddressFields, is_default: bool, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO shipping_addresses (user_id, link_man, mobile, province_id, city_id, district_id,
             street_id, address, code, idcard, latitude, longitude, ext_json, status, is_default,
             date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
        params![
            user_id,
            a.link_man,
            a.mobile,
            a.province_id,
            a.city_id,
            a.district_id,
            a.street_id,
            a.address,
            a.code,
            a.idcard,
            a.latitude,
            a.longitude,
            a.ext_json,
            a.status,
            is_default,
            now
        ],
    )?;
    Ok(c.last_insert_rowid())
}

/// Rewrites the shopper's address `id`; false when it is not theirs.
pub fn update(c: &Connection, user_id: i64, id: i64, a: &AddressFields, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE shipping_addresses SET link_man = ?3, mobile = ?4, province_id = ?5, city_id = ?6,
             district_id = ?7, street_id = ?8, address = ?9, code = ?10, idcard = ?11, latitude = ?12,
             longitude = ?13, ext_json = ?14, status = ?15, date_update = ?16
         WHERE id = ?1 AND user_id = ?2",
        params![
            id,
            user_id,
            a.link_man,
            a.mobile,
            a.province_id,
            a.city_id,
            a.district_id,
            a.street_id,
            a.address,
            a.code,
            a.idcard,
            a.latitude,
            a.longitude,
            a.ext_json,
            a.status,
            now
        ],
    )?;
    Ok(n == 1)
}

/// Makes `id` the shopper's only default; false when it is not theirs.
pub fn make_default(c: &Connection, user_id: i64, id: i64) -> Result<bool> {
    // Two statements: SQLite checks the unique index row by row, so the old default goes first.
    c.execute(
        "UPDATE shipping_addresses SET is_default = 0 WHERE user_id = ?1 AND is_default = 1 AND id <> ?2",
        params![user_id, id],
    )?;
    let n = c.execute(
        "UPDATE shipping_addresses SET is_default = 1 WHERE id = ?1 AND user_id = ?2",
        params![id, user_id],
    )?;
    Ok(n == 1)
}

/// Clears the shopper's default (before inserting a new one).
pub fn clear_default(c: &Connection, user_id: i64) -> Result<()> {
    c.execute(
        "UPDATE shipping_addresses SET is_default = 0 WHERE user_id = ?1 AND is_default = 1",
        [user_id],
    )?;
    Ok(())
}

/// Makes the shopper's most recently added address the default; its id, None when none is left.
pub fn promote_latest(c: &Connection, user_id: i64) -> Result<Option<i64>> {
    let latest: Option<i64> = c
        .query_row(
            "SELECT id FROM shipping_addresses WHERE user_id = ?1 ORDER BY id DESC LIMIT 1",
            [user_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = latest {
        make_default(c, user_id, id)?;
    }
    Ok(latest)
}

/// Deletes the shopper's address `id`; false when it is not theirs.
pub fn delete(c: &Connection, user_id: i64, id: i64) -> Result<bool> {
    let n =
        c.execute("DELETE FROM shipping_addresses WHERE id = ?1 AND user_id = ?2", params![id, user_id])?;
    Ok(n == 1)
}
