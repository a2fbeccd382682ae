//! Partners and team leaders (合伙人/团队长): who holds which team role and under whom
//! (`partner_roles`), and the team figures the partner pages read. Money moves only in
//! service::partner through the ledger and `fx_commissions`.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// Team roles (`partner_roles.role`).
pub mod role {
    pub const MEMBER: i64 = 1;
    pub const LEADER: i64 = 2;
    pub const PARTNER: i64 = 3;

    pub fn label(role: i64) -> &'static str {
        match role {
            MEMBER => "团队成员",
            LEADER => "团队长",
            PARTNER => "合伙人",
            _ => "未知",
        }
    }
}

/// One shopper's team role and who is above them (member: the leader; leader: the partner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub user_id: i64,
    pub role: i64,
    pub parent_id: Option<i64>,
    pub source: String,
    pub date_add: i64,
}

pub fn role_of(c: &Connection, user_id: i64) -> Result<Option<Role>> {
    Ok(c.prepare_cached(
        "SELECT user_id, role, parent_id, source, date_add FROM partner_roles WHERE user_id = ?1",
    )?
    .query_row([user_id], |r| {
        Ok(Role {
            user_id: r.get(0)?,
            role: r.get(1)?,
            parent_id: r.get(2)?,
            source: r.get(3)?,
            date_add: r.get(4)?,
        })
    })
    .optional()?)
}

/// Sets the shopper's role and parent (replacing any they had).
pub fn set_role(
    c: &Connection,
    user_id: i64,
    role: i64,
    parent_id: Option<i64>,
    source: &str,
    now: i64,
) -> Result<()> {
    c.execute(
        "INSERT INTO partner_roles (user_id, role, parent_id, source, date_add) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (user_id) DO UPDATE SET role = excluded.role, parent_id = excluded.parent_id,
             source = excluded.source, date_add = excluded.date_add",
        params![user_id, role, parent_id, source, now],
    )?;
    Ok(())
}

/// Takes the shopper's role away; those under them lose their parent (members their team).
pub fn remove_role(c: &Connection, user_id: i64) -> Result<bool> {
    c.execute("DELETE FROM partner_roles WHERE parent_id = ?1 AND role = 1", [user_id])?;
    c.execute("UPDATE partner_roles SET parent_id = NULL WHERE parent_id = ?1", [user_id])?;
    Ok(c.execute("DELETE FROM partner_roles WHERE user_id = ?1", [user_id])? == 1)
}

/// A partner's leaders lose their partner (the partner became a leader themselves).
pub fn detach_leaders(c: &Connection, partner_id: i64) -> Result<usize> {
    Ok(c.execute(
        "UPDATE partner_roles SET parent_id = NULL WHERE parent_id = ?1 AND role = 2",
        [partner_id],
    )?)
}

/// One person below a leader or partner, with what their orders gave the one above.
#[derive(Debug, Clone)]
pub struct TeamRow {
    pub user_id: i64,
    pub nick: String,
    pub avatar_url: String,
    pub role: i64,
    pub date_add: i64,
    /// Paid orders that gave the team's head a share, and the fen of those shares (not cancelled).
    pub orders: i64,
    pub amount: i64,
}

/// The people of role `role` in `of`'s team (a leader's members; a partner's leaders, or the
/// members of those leaders), newest first, with what their orders gave `of`.
pub fn team(c: &Connection, of: i64, role: i64, offset: i64, limit: i64) -> Result<(i64, Vec<TeamRow>)> {
    const IN_TEAM: &str = "p.role = ?2 AND (p.parent_id = ?1 OR (p.role = 1 AND p.parent_id IN
        (SELECT l.user_id FROM partner_roles l WHERE l.parent_id = ?1 AND l.role = 2)))";
    const GAVE: &str = "FROM fx_commissions m WHERE m.user_id = ?1 AND m.kind > 0 AND m.status <> 2
        AND (m.buyer_id = p.user_id OR m.buyer_id IN
             (SELECT t.user_id FROM partner_roles t WHERE t.parent_id = p.user_id AND t.role = 1))";
    let total =
        c.query_row(&format!("SELECT count(*) FROM partner_roles p WHERE {IN_TEAM}"), [of, role], |r| {
            r.get(0)
        })?;
    let mut q = c.prepare_cached(&format!(
        "SELECT p.user_id, u.nick, u.avatar_url, p.role, p.date_add,
                (SELECT count(DISTINCT m.order_id) {GAVE}),
                (SELECT coalesce(sum(m.amount - m.cancelled - m.clawed), 0) {GAVE})
         FROM partner_roles p JOIN users u ON u.id = p.user_id
         WHERE {IN_TEAM}
         ORDER BY p.date_add DESC, p.user_id DESC LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = q.query_map(params![of, role, limit, offset], |r| {
        Ok(TeamRow {
            user_id: r.get(0)?,
            nick: r.get(1)?,
            avatar_url: r.get(2)?,
            role: r.get(3)?,
            date_add: r.get(4)?,
            orders: r.get(5)?,
            amount: r.get(6)?,
        })
    })?;
    Ok((total, rows.collect::<rusqlite::Result<_>>()?))
}

/// (leaders, members) in `of`'s team: a partner's leaders and their members; a leader's members.
pub fn team_counts(c: &Connection, of: i64) -> Result<(i64, i64)> {
    Ok(c.query_row(
        "SELECT (SELECT count(*) FROM partner_roles WHERE parent_id = ?1 AND role = 2),
                (SELECT count(*) FROM partner_roles WHERE parent_id = ?1 AND role = 1)
              + (SELECT count(*) FROM partner_roles m JOIN partner_roles l ON l.user_id = m.parent_id
                  WHERE l.parent_id = ?1 AND l.role = 2 AND m.role = 1)",
        [of],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Everyone with role `role` (the console, the merchant API), newest first, with their team size.
#[derive(Debug, Clone)]
pub struct RoleRow {
    pub user_id: i64,
    pub nick: String,
    pub mobile: String,
    pub role: i64,
    pub parent_id: Option<i64>,
    pub parent_nick: String,
    pub source: String,
    pub date_add: i64,
    pub below: i64,
}

pub fn by_role(c: &Connection, role: i64, offset: i64, limit: i64) -> Result<(i64, Vec<RoleRow>)> {
    let total = c.query_row("SELECT count(*) FROM partner_roles WHERE role = ?1", [role], |r| r.get(0))?;
    let mut q = c.prepare(
        "SELECT p.user_id, u.nick, coalesce(u.mobile, ''), p.role, p.parent_id, coalesce(pu.nick, ''),
                p.source, p.date_add, (SELECT count(*) FROM partner_roles b WHERE b.parent_id = p.user_id)
         FROM partner_roles p JOIN users u ON u.id = p.user_id LEFT JOIN users pu ON pu.id = p.parent_id
         WHERE p.role = ?1 ORDER BY p.date_add DESC, p.user_id DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = q.query_map([role, limit, offset], |r| {
        Ok(RoleRow {
            user_id: r.get(0)?,
            nick: r.get(1)?,
            mobile: r.get(2)?,
            role: r.get(3)?,
            parent_id: r.get(4)?,
            parent_nick: r.get(5)?,
            source: r.get(6)?,
            date_add: r.get(7)?,
            below: r.get(8)?,
        })
    })?;
    Ok((total, rows.collect::<rusqlite::Result<_>>()?))
}
