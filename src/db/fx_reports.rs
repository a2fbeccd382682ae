//! Distribution reports: distributors ranked by their team's sales, the merchant's monthly sales
//! targets (per city, per team) and what a distributor's team sold against them, and a
//! distributor's tree for the console.
//!
//! A distributor's team sales are the bases of the distribution commissions their downline's
//! paid orders gave them (kind 0), leaving out commissions a refund cancelled whole: one indexed
//! sum, the same figure fxMembers' `saleroom` adds up per member.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// One distributor in a sales ranking.
#[derive(Debug, Clone)]
pub struct RankRow {
    pub user_id: i64,
    pub nick: String,
    pub avatar_url: String,
    /// fen
    pub saleroom: i64,
    pub orders: i64,
}

/// Distributors ranked by team sales in [from, to) (all time when None), best first.
pub fn saleroom_rank(
    c: &Connection,
    from: Option<i64>,
    to: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<(i64, Vec<RankRow>)> {
    let cond = "m.kind = 0 AND m.status <> 2 AND (?1 IS NULL OR m.date_add >= ?1) AND (?2 IS NULL OR m.date_add < ?2)";
    let total = c.query_row(
        &format!("SELECT count(DISTINCT m.user_id) FROM fx_commissions m WHERE {cond}"),
        params![from, to],
        |r| r.get(0),
    )?;
    let mut q = c.prepare_cached(&format!(
        "SELECT m.user_id, coalesce(u.nick, ''), coalesce(u.avatar_url, ''), sum(m.base) AS saleroom,
                count(DISTINCT m.order_id)
         FROM fx_commissions m LEFT JOIN users u ON u.id = m.user_id WHERE {cond}
         GROUP BY m.user_id ORDER BY saleroom DESC, m.user_id LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = q.query_map(params![from, to, limit, offset], |r| {
        Ok(RankRow {
            user_id: r.get(0)?,
            nick: r.get(1)?,
            avatar_url: r.get(2)?,
            saleroom: r.get(3)?,
            orders: r.get(4)?,
        })
    })?;
    Ok((total, rows.collect::<rusqlite::Result<_>>()?))
}

/// Target kinds (`fx_targets.kind`).
pub mod target_kind {
    pub const CITY: i64 = 1;
    pub const TEAM: i64 = 2;
}

/// A monthly sales target the merchant set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: i64,
    pub kind: i64,
    pub province_id: String,
    pub city_id: String,
    /// fen per month
    pub standard: i64,
    pub date_add: i64,
}

fn target(r: &rusqlite::Row) -> rusqlite::Result<Target> {
    Ok(Target {
        id: r.get(0)?,
        kind: r.get(1)?,
        province_id: r.get(2)?,
        city_id: r.get(3)?,
        standard: r.get(4)?,
        date_add: r.get(5)?,
    })
}

const TARGET_COLUMNS: &str = "id, kind, province_id, city_id, standard, date_add";

/// Targets of `kind`, in the order they were set.
pub fn targets(c: &Connection, kind: i64) -> Result<Vec<Target>> {
    let mut q =
        c.prepare_cached(&format!("SELECT {TARGET_COLUMNS} FROM fx_targets WHERE kind = ?1 ORDER BY id"))?;
    let rows = q.query_map([kind], target)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn target_of(c: &Connection, kind: i64, province_id: &str, city_id: &str) -> Result<Option<Target>> {
    Ok(c.query_row(
        &format!(
            "SELECT {TARGET_COLUMNS} FROM fx_targets WHERE kind = ?1 AND province_id = ?2 AND city_id = ?3"
        ),
        params![kind, province_id, city_id],
        target,
    )
    .optional()?)
}

/// Sets (or changes) a target; answers its id.
pub fn set_target(
    c: &Connection,
    kind: i64,
    province_id: &str,
    city_id: &str,
    standard: i64,
    now: i64,
) -> Result<i64> {
    c.execute(
        "INSERT INTO fx_targets (kind, province_id, city_id, standard, date_add) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (kind, province_id, city_id) DO UPDATE SET standard = excluded.standard",
        params![kind, province_id, city_id, standard, now],
    )?;
    Ok(c.query_row(
        "SELECT id FROM fx_targets WHERE kind = ?1 AND province_id = ?2 AND city_id = ?3",
        params![kind, province_id, city_id],
        |r| r.get(0),
    )?)
}

pub fn delete_target(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM fx_targets WHERE id = ?1", [id])? == 1)
}

/// What `seller`'s team sold in [from, to), fen; only orders shipped to `city_id` when given.
pub fn team_sales(c: &Connection, seller: i64, city_id: Option<&str>, from: i64, to: i64) -> Result<i64> {
    Ok(c.prepare_cached(
        "SELECT coalesce(sum(m.base), 0) FROM fx_commissions m JOIN orders o ON o.id = m.order_id
         WHERE m.user_id = ?1 AND m.kind = 0 AND m.status <> 2 AND m.date_add >= ?3 AND m.date_add < ?4
           AND (?2 IS NULL OR o.city_id = ?2)",
    )?
    .query_row(params![seller, city_id, from, to], |r| r.get(0))?)
}

/// One node of a distributor's tree: a member `depth` levels below, and who referred them.
#[derive(Debug, Clone)]
pub struct TreeNode {
    pub user_id: i64,
    pub depth: i64,
    pub referrer_id: Option<i64>,
    pub nick: String,
    pub is_seller: bool,
    pub date_add: i64,
}

/// The downline of `ancestor` (levels 1–3), at most `limit` members, each level's newest first.
pub fn tree(c: &Connection, ancestor: i64, limit: i64) -> Result<Vec<TreeNode>> {
    let mut q = c.prepare(
        "SELECT f.user_id, f.depth, u.referrer_id, u.nick,
                EXISTS (SELECT 1 FROM fx_sellers s WHERE s.user_id = f.user_id), f.date_add
         FROM fx_chain f JOIN users u ON u.id = f.user_id
         WHERE f.ancestor_id = ?1 ORDER BY f.depth, f.user_id DESC LIMIT ?2",
    )?;
    let rows = q.query_map([ancestor, limit], |r| {
        Ok(TreeNode {
            user_id: r.get(0)?,
            depth: r.get(1)?,
            referrer_id: r.get(2)?,
            nick: r.get(3)?,
            is_seller: r.get(4)?,
            date_add: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
