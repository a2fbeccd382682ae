//! Distribution rules kept beside the settings: per-goods commission percentages, and the
//! merchant taking back settled commission after a refund (claw-back).

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// A goods' own percentages per level (None: the shop's percent for that level).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GoodsPercents {
    pub goods_id: i64,
    pub percents: [Option<i64>; 3],
}

pub fn goods_percents(c: &Connection, goods_id: i64) -> Result<Option<GoodsPercents>> {
    Ok(c.prepare_cached(
        "SELECT goods_id, percent1, percent2, percent3 FROM fx_goods_percents WHERE goods_id = ?1",
    )?
    .query_row([goods_id], |r| {
        Ok(GoodsPercents { goods_id: r.get(0)?, percents: [r.get(1)?, r.get(2)?, r.get(3)?] })
    })
    .optional()?)
}

/// Every goods with its own percentages, by goods id, with the goods' name.
pub fn all_goods_percents(c: &Connection) -> Result<Vec<(GoodsPercents, String)>> {
    let mut q = c.prepare(
        "SELECT p.goods_id, p.percent1, p.percent2, p.percent3, coalesce(g.name, '')
         FROM fx_goods_percents p LEFT JOIN goods g ON g.id = p.goods_id ORDER BY p.goods_id",
    )?;
    let rows = q.query_map([], |r| {
        Ok((GoodsPercents { goods_id: r.get(0)?, percents: [r.get(1)?, r.get(2)?, r.get(3)?] }, r.get(4)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Sets a goods' percentages (all None removes the override).
pub fn set_goods_percents(c: &Connection, p: &GoodsPercents, now: i64) -> Result<()> {
    if p.percents.iter().all(Option::is_none) {
        c.execute("DELETE FROM fx_goods_percents WHERE goods_id = ?1", [p.goods_id])?;
        return Ok(());
    }
    c.execute(
        "INSERT INTO fx_goods_percents (goods_id, percent1, percent2, percent3, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (goods_id) DO UPDATE SET percent1 = excluded.percent1, percent2 = excluded.percent2,
             percent3 = excluded.percent3, date_update = excluded.date_update",
        params![p.goods_id, p.percents[0], p.percents[1], p.percents[2], now],
    )?;
    Ok(())
}

/// Records `more` taken back from a settled commission, with the merchant's reason; false when
/// the commission is not settled or `more` exceeds what is left of it.
pub fn claw(c: &Connection, id: i64, more: i64, reason: &str) -> Result<bool> {
    Ok(c.execute(
        "UPDATE fx_commissions SET clawed = clawed + ?2,
                claw_reason = CASE WHEN claw_reason = '' THEN ?3 ELSE claw_reason || '；' || ?3 END
         WHERE id = ?1 AND status = 1 AND clawed + ?2 <= amount - cancelled",
        params![id, more, reason],
    )? == 1)
}

/// True when the order had money refunded (an after-sale completed, or the order closed by refunds).
pub fn order_refunded(c: &Connection, order_id: i64) -> Result<bool> {
    Ok(c.query_row(
        "SELECT EXISTS (SELECT 1 FROM order_refunds WHERE order_id = ?1 AND status = 4)
             OR EXISTS (SELECT 1 FROM orders WHERE id = ?1 AND status = -1 AND date_pay IS NOT NULL)",
        [order_id],
        |r| r.get(0),
    )?)
}
