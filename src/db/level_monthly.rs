//! Monthly member benefits (`level_monthly_benefits`) and the months granted (`level_monthly_grants`).

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// What a level gives each month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Monthly {
    pub score: i64,
    /// Comma-separated coupon rule ids ("" none).
    pub coupon_rule_ids: String,
}

pub fn of_level(c: &Connection, level_id: i64) -> Result<Option<Monthly>> {
    Ok(c.query_row(
        "SELECT score, coupon_rule_ids FROM level_monthly_benefits WHERE level_id = ?1",
        [level_id],
        |r| Ok(Monthly { score: r.get(0)?, coupon_rule_ids: r.get(1)? }),
    )
    .optional()?)
}

pub fn put(c: &Connection, level_id: i64, m: &Monthly, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO level_monthly_benefits (level_id, score, coupon_rule_ids, date_update) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (level_id) DO UPDATE SET score = excluded.score, coupon_rule_ids = excluded.coupon_rule_ids,
             date_update = excluded.date_update",
        params![level_id, m.score, m.coupon_rule_ids, now],
    )?;
    Ok(())
}

/// A member due this month's benefits.
#[derive(Debug, Clone)]
pub struct Due {
    pub user_id: i64,
    pub level_id: i64,
    pub level_name: String,
    pub monthly: Monthly,
}

/// Members whose level (live at `now`) has benefits and who have no grant for `month` yet.
pub fn due(c: &Connection, month: &str, now: i64, limit: i64) -> Result<Vec<Due>> {
    let mut st = c.prepare_cached(
        "SELECT cur.user_id, cur.level_id, l.name, b.score, b.coupon_rule_ids
         FROM user_levels_current cur
         JOIN user_levels l ON l.id = cur.level_id
         JOIN level_monthly_benefits b ON b.level_id = cur.level_id
         WHERE cur.date_expire > ?2 AND (b.score > 0 OR b.coupon_rule_ids <> '')
           AND NOT EXISTS (SELECT 1 FROM level_monthly_grants g WHERE g.user_id = cur.user_id AND g.month = ?1)
         ORDER BY cur.user_id LIMIT ?3",
    )?;
    let rows = st.query_map(params![month, now, limit], |r| {
        Ok(Due {
            user_id: r.get(0)?,
            level_id: r.get(1)?,
            level_name: r.get(2)?,
            monthly: Monthly { score: r.get(3)?, coupon_rule_ids: r.get(4)? },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records the month granted; false when it was granted already.
pub fn record_grant(c: &Connection, user_id: i64, month: &str, level_id: i64, now: i64) -> Result<bool> {
    Ok(c.execute(
        "INSERT INTO level_monthly_grants (user_id, month, level_id, date_add) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO NOTHING",
        params![user_id, month, level_id, now],
    )? == 1)
}
