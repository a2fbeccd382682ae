//! The shopper's withdrawal bank card (userBank*): one row per shopper.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, Clone)]
pub struct BankCard {
    pub user_id: i64,
    pub bank_name: String,
    pub bank_branch: String,
    pub name: String,
    pub card_number: String,
    pub province_id: String,
    pub city_id: String,
    pub district_id: String,
    pub street_id: String,
    pub date_add: i64,
    pub date_update: i64,
}

pub fn get(c: &Connection, user_id: i64) -> Result<Option<BankCard>> {
    Ok(c.query_row(
        "SELECT user_id, bank_name, bank_branch, name, card_number, province_id, city_id, district_id,
                street_id, date_add, date_update
         FROM user_banks WHERE user_id = ?1",
        [user_id],
        |r| {
            Ok(BankCard {
                user_id: r.get(0)?,
                bank_name: r.get(1)?,
                bank_branch: r.get(2)?,
                name: r.get(3)?,
                card_number: r.get(4)?,
                province_id: r.get(5)?,
                city_id: r.get(6)?,
                district_id: r.get(7)?,
                street_id: r.get(8)?,
                date_add: r.get(9)?,
                date_update: r.get(10)?,
            })
        },
    )
    .optional()?)
}

/// Binds the card (`user_id`, dates ignored); false when the shopper has one already.
pub fn insert(c: &Connection, b: &BankCard, now: i64) -> Result<bool> {
    let n = c.execute(
        "INSERT INTO user_banks (user_id, bank_name, bank_branch, name, card_number, province_id, city_id,
                                 district_id, street_id, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) ON CONFLICT (user_id) DO NOTHING",
        params![
            b.user_id,
            b.bank_name,
            b.bank_branch,
            b.name,
            b.card_number,
            b.province_id,
            b.city_id,
            b.district_id,
            b.street_id,
            now
        ],
    )?;
    Ok(n == 1)
}

pub fn delete(c: &Connection, user_id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM user_banks WHERE user_id = ?1", [user_id])? == 1)
}
