//! Shops and pick-up points written by the merchant (console), and the decision on a shopper's
//! shopSubApply application: the checks live here so every writer applies the same ones.

use rusqlite::Connection;

use crate::db::shops::{self, ShopFields};
use crate::service::error::{Entity, Error, Result};

/// Longest value of each text field, in characters.
const LIMITS: &[(&str, usize)] = &[
    ("name", 50),
    ("pic", 500),
    ("characteristic", 200),
    ("introduce", 2000),
    ("activity", 500),
    ("address", 200),
    ("linkMan", 30),
    ("linkPhone", 30),
    ("openingHours", 100),
    ("number", 50),
    ("type", 50),
    ("provinceId", 20),
    ("cityId", 20),
    ("districtId", 20),
];

fn texts(f: &ShopFields) -> [&str; 14] {
    [
        &f.name,
        &f.pic,
        &f.characteristic,
        &f.introduce,
        &f.activity,
        &f.address,
        &f.link_man,
        &f.link_phone,
        &f.opening_hours,
        &f.number,
        &f.kind,
        &f.province_id,
        &f.city_id,
        &f.district_id,
    ]
}

/// Checks a shop's fields: a name, lengths, coordinates on the globe, extJson an object.
pub fn check_shop(f: &ShopFields) -> Result<()> {
    if f.name.trim().is_empty() {
        return Err(Error::missing("name"));
    }
    for ((name, max), value) in LIMITS.iter().zip(texts(f)) {
        if value.chars().count() > *max {
            return Err(Error::invalid(name, format!("最多 {max} 个字")));
        }
    }
    if f.latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
        return Err(Error::invalid("latitude", "应在 -90 到 90 之间"));
    }
    if f.longitude.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
        return Err(Error::invalid("longitude", "应在 -180 到 180 之间"));
    }
    if f.latitude.is_some() != f.longitude.is_some() {
        return Err(Error::invalid("latitude", "和经度要么都填，要么都不填"));
    }
    if !matches!(serde_json::from_str(&f.ext_json), Ok(serde_json::Value::Object(_))) {
        return Err(Error::invalid("extJson", "应为 JSON 对象"));
    }
    Ok(())
}

/// Adds one of the merchant's own shops (open at once, `id` None) or rewrites a shop's fields
/// (its status is kept); the shop's id.
pub fn save_shop(c: &Connection, id: Option<i64>, f: &ShopFields, now: i64) -> Result<i64> {
    check_shop(f)?;
    match id {
        None => Ok(shops::insert(c, f, None, shops::OPEN, now)?),
        Some(id) if shops::update(c, id, f, now)? => Ok(id),
        Some(_) => Err(Error::NotFound(Entity::Shop)),
    }
}

/// Approves (the shop opens and shoppers see it) or rejects a pending application. Only a
/// pending application or a rejected one (to approve it after all) can be decided.
pub fn decide_application(c: &Connection, id: i64, approve: bool, now: i64) -> Result<()> {
    let shop = shops::get(c, id)?.ok_or(Error::NotFound(Entity::Shop))?;
    let allowed = match shop.status {
        shops::PENDING => true,
        shops::REJECTED => approve,
        _ => false,
    };
    if !allowed {
        return Err(Error::refused("这个门店不是待审核的申请"));
    }
    shops::set_status(c, id, if approve { shops::OPEN } else { shops::REJECTED }, now)?;
    Ok(())
}
