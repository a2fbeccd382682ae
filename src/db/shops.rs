//! Shops and pick-up points (fetchShops / shopSubdetail / shopSubApply / fetchMyShops /
//! pickPoints, the console's 门店 and the merchant API).

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// 0 open (shown to shoppers), 1 a shopper's application awaiting the merchant, 2 rejected.
pub const OPEN: i64 = 0;
pub const PENDING: i64 = 1;
pub const REJECTED: i64 = 2;

/// The fields the merchant (or an applicant) writes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShopFields {
    pub name: String,
    pub pic: String,
    pub characteristic: String,
    pub introduce: String,
    pub activity: String,
    pub address: String,
    pub link_man: String,
    pub link_phone: String,
    pub opening_hours: String,
    pub number: String,
    pub kind: String,
    pub province_id: String,
    pub city_id: String,
    pub district_id: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub is_pick_point: bool,
    pub paixu: i64,
    /// A JSON object as text.
    pub ext_json: String,
}

#[derive(Debug, Clone)]
pub struct ShopRow {
    pub id: i64,
    pub user_id: Option<i64>,
    pub fields: ShopFields,
    pub status: i64,
    pub date_add: i64,
    pub date_update: i64,
}

const COLUMNS: &str =
    "id, user_id, name, pic, characteristic, introduce, activity, address, link_man, link_phone,
    opening_hours, number, type, province_id, city_id, district_id, latitude, longitude, is_pick_point, paixu,
    ext_json, status, date_add, date_update";

fn shop_row(r: &Row) -> rusqlite::Result<ShopRow> {
    Ok(ShopRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        fields: ShopFields {
            name: r.get(2)?,
            pic: r.get(3)?,
            characteristic: r.get(4)?,
            introduce: r.get(5)?,
            activity: r.get(6)?,
            address: r.get(7)?,
            link_man: r.get(8)?,
            link_phone: r.get(9)?,
            opening_hours: r.get(10)?,
            number: r.get(11)?,
            kind: r.get(12)?,
            province_id: r.get(13)?,
            city_id: r.get(14)?,
            district_id: r.get(15)?,
            latitude: r.get(16)?,
            longitude: r.get(17)?,
            is_pick_point: r.get(18)?,
            paixu: r.get(19)?,
            ext_json: r.get(20)?,
        },
        status: r.get(21)?,
        date_add: r.get(22)?,
        date_update: r.get(23)?,
    })
}

/// Stores a shop with `status` (an applicant's `user_id` for applications); its id.
pub fn insert(c: &Connection, f: &ShopFields, user_id: Option<i64>, status: i64, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO shops (user_id, name, pic, characteristic, introduce, activity, address, link_man, link_phone,
            opening_hours, number, type, province_id, city_id, district_id, latitude, longitude, is_pick_point,
            paixu, ext_json, status, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?22)",
        params![
            user_id, f.name, f.pic, f.characteristic, f.introduce, f.activity, f.address, f.link_man, f.link_phone,
            f.opening_hours, f.number, f.kind, f.province_id, f.city_id, f.district_id, f.latitude, f.longitude,
            f.is_pick_point, f.paixu, f.ext_json, status, now
        ],
    )?;
    Ok(c.last_insert_rowid())
}

/// Rewrites a shop's fields; false when no such shop.
pub fn update(c: &Connection, id: i64, f: &ShopFields, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE shops SET name = ?2, pic = ?3, characteristic = ?4, introduce = ?5, activity = ?6, address = ?7,
            link_man = ?8, link_phone = ?9, opening_hours = ?10, number = ?11, type = ?12, province_id = ?13,
            city_id = ?14, district_id = ?15, latitude = ?16, longitude = ?17, is_pick_point = ?18, paixu = ?19,
            ext_json = ?20, date_update = ?21
         WHERE id = ?1",
        params![
            id, f.name, f.pic, f.characteristic, f.introduce, f.activity, f.address, f.link_man, f.link_phone,
            f.opening_hours, f.number, f.kind, f.province_id, f.city_id, f.district_id, f.latitude, f.longitude,
            f.is_pick_point, f.paixu, f.ext_json, now
        ],
    )?;
    Ok(n == 1)
}

/// Sets a shop's status (approve / reject an application); false when no such shop.
pub fn set_status(c: &Connection, id: i64, status: i64, now: i64) -> Result<bool> {
    Ok(c.execute("UPDATE shops SET status = ?2, date_update = ?3 WHERE id = ?1", params![id, status, now])?
        == 1)
}

/// Deletes a shop; false when no such shop.
pub fn delete(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM shops WHERE id = ?1", params![id])? == 1)
}

pub fn get(c: &Connection, id: i64) -> Result<Option<ShopRow>> {
    Ok(c.query_row(&format!("SELECT {COLUMNS} FROM shops WHERE id = ?1"), params![id], shop_row)
        .optional()?)
}

/// What a shop list keeps; every set filter must hold.
#[derive(Debug, Clone, Default)]
pub struct ShopFilter {
    pub status: Option<i64>,
    pub city_id: Option<String>,
    pub district_id: Option<String>,
    pub province_id: Option<String>,
    /// A substring of the name.
    pub name_like: Option<String>,
    pub kind: Option<String>,
    pub pick_points_only: bool,
    pub user_id: Option<i64>,
}

/// Every shop matching the filter, in the merchant's order (paixu, then oldest first). Unpaged:
/// callers sort by distance, which SQL cannot do without the caller's position, and a single
/// merchant has tens of shops, not thousands.
pub fn list(c: &Connection, f: &ShopFilter) -> Result<Vec<ShopRow>> {
    let pattern = f
        .name_like
        .as_ref()
        .map(|n| format!("%{}%", n.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let sql = format!(
        "SELECT {COLUMNS} FROM shops
         WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR city_id = ?2) AND (?3 IS NULL OR district_id = ?3)
           AND (?4 IS NULL OR province_id = ?4) AND (?5 IS NULL OR name LIKE ?5 ESCAPE '\\')
           AND (?6 IS NULL OR type = ?6) AND (?7 = 0 OR is_pick_point = 1) AND (?8 IS NULL OR user_id = ?8)
         ORDER BY paixu, id"
    );
    let rows = c
        .prepare(&sql)?
        .query_map(
            params![
                f.status,
                f.city_id,
                f.district_id,
                f.province_id,
                pattern,
                f.kind,
                f.pick_points_only,
                f.user_id
            ],
            shop_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
