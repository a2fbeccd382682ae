//! Distribution (三级分销): the referral chain (`fx_chain`, kept by triggers from
//! `users.referrer_id`), distributors, their applications and the commissions order lines gave.
//! Money moves only in service::fx through the ledger; these functions record and find.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// Application states (`fx_applications.status`), as fxApplyProgress answers them.
pub mod apply_status {
    pub const WAITING: i64 = 0;
    pub const REJECTED: i64 = 1;
    pub const APPROVED: i64 = 2;

    pub fn label(status: i64) -> &'static str {
        match status {
            WAITING => "审核中",
            REJECTED => "不通过",
            APPROVED => "通过",
            _ => "未知",
        }
    }
}

/// What share a commission is (`fx_commissions.kind`).
pub mod kind {
    pub const LEVEL: i64 = 0;
    pub const LEADER: i64 = 1;
    pub const PARTNER: i64 = 2;
}

/// Commission states (`fx_commissions.status`).
pub mod commission_status {
    pub const PENDING: i64 = 0;
    pub const SETTLED: i64 = 1;
    pub const CANCELLED: i64 = 2;

    pub fn label(status: i64) -> &'static str {
        match status {
            PENDING => "待结算",
            SETTLED => "已结算",
            CANCELLED => "已取消",
            _ => "未知",
        }
    }
}

// ---- the chain

/// The shopper's ancestors, nearest first: (level, ancestor id); at most three.
pub fn ancestors(c: &Connection, user_id: i64) -> Result<Vec<(i64, i64)>> {
    let mut q =
        c.prepare_cached("SELECT depth, ancestor_id FROM fx_chain WHERE user_id = ?1 ORDER BY depth")?;
    let rows = q.query_map([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The level (1–3) at which `member` sits below `ancestor`, if they do.
pub fn level_below(c: &Connection, ancestor: i64, member: i64) -> Result<Option<i64>> {
    Ok(c.query_row(
        "SELECT depth FROM fx_chain WHERE user_id = ?1 AND ancestor_id = ?2",
        [member, ancestor],
        |r| r.get(0),
    )
    .optional()?)
}

/// True when `user_id` is `of` or any ancestor of `of`, however far up (binding `user_id`
/// below `of` would then close a cycle).
pub fn is_at_or_above(c: &Connection, user_id: i64, of: i64) -> Result<bool> {
    Ok(c.query_row(
        "WITH RECURSIVE up(id, n) AS (
             SELECT ?2, 0
             UNION ALL
             SELECT u.referrer_id, up.n + 1 FROM users u JOIN up ON u.id = up.id
             WHERE u.referrer_id IS NOT NULL AND up.n < 100000)
         SELECT EXISTS (SELECT 1 FROM up WHERE id = ?1)",
        [user_id, of],
        |r| r.get(0),
    )?)
}

/// The nearest distributor at or above `user_id` (itself first), however far up.
pub fn nearest_seller(c: &Connection, user_id: i64) -> Result<Option<i64>> {
    Ok(c.query_row(
        "WITH RECURSIVE up(id, n) AS (
             SELECT ?1, 0
             UNION ALL
             SELECT u.referrer_id, up.n + 1 FROM users u JOIN up ON u.id = up.id
             WHERE u.referrer_id IS NOT NULL AND up.n < 100000)
         SELECT up.id FROM up JOIN fx_sellers s ON s.user_id = up.id ORDER BY up.n LIMIT 1",
        [user_id],
        |r| r.get(0),
    )
    .optional()?)
}

/// Sets the shopper's referrer (the triggers rebuild the chain below).
pub fn set_referrer(c: &Connection, user_id: i64, referrer_id: i64) -> Result<bool> {
    Ok(c.execute("UPDATE users SET referrer_id = ?2 WHERE id = ?1", [user_id, referrer_id])? == 1)
}

// ---- distributors

pub fn is_seller(c: &Connection, user_id: i64) -> Result<bool> {
    Ok(c.query_row("SELECT EXISTS (SELECT 1 FROM fx_sellers WHERE user_id = ?1)", [user_id], |r| r.get(0))?)
}

/// Makes the shopper a distributor; false when they already were.
pub fn add_seller(c: &Connection, user_id: i64, source: &str, now: i64) -> Result<bool> {
    Ok(c.execute(
        "INSERT OR IGNORE INTO fx_sellers (user_id, source, date_add) VALUES (?1, ?2, ?3)",
        params![user_id, source, now],
    )? == 1)
}

/// Takes the distributorship away; false when there was none.
pub fn remove_seller(c: &Connection, user_id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM fx_sellers WHERE user_id = ?1", [user_id])? == 1)
}

/// One distributor, for the console and the merchant API.
#[derive(Debug, Clone)]
pub struct SellerRow {
    pub user_id: i64,
    pub nick: String,
    pub mobile: String,
    pub source: String,
    pub date_add: i64,
    pub level1: i64,
    pub level2: i64,
    pub pending: i64,
    pub settled: i64,
}

/// Distributors, newest first, with their downline counts and commission (money) totals.
pub fn sellers(c: &Connection, offset: i64, limit: i64) -> Result<(i64, Vec<SellerRow>)> {
    let total = c.query_row("SELECT count(*) FROM fx_sellers", [], |r| r.get(0))?;
    let mut q = c.prepare(
        "SELECT s.user_id, u.nick, coalesce(u.mobile, ''), s.source, s.date_add,
                (SELECT count(*) FROM fx_chain f WHERE f.ancestor_id = s.user_id AND f.depth = 1),
                (SELECT count(*) FROM fx_chain f WHERE f.ancestor_id = s.user_id AND f.depth = 2),
                (SELECT coalesce(sum(amount - cancelled), 0) FROM fx_commissions m
                  WHERE m.user_id = s.user_id AND m.status = 0 AND m.unit = 0),
                (SELECT coalesce(sum(amount - cancelled - clawed), 0) FROM fx_commissions m
                  WHERE m.user_id = s.user_id AND m.status = 1 AND m.unit = 0)
         FROM fx_sellers s JOIN users u ON u.id = s.user_id
         ORDER BY s.date_add DESC, s.user_id DESC LIMIT ?1 OFFSET ?2",
    )?;
    let rows = q.query_map([limit, offset], |r| {
        Ok(SellerRow {
            user_id: r.get(0)?,
            nick: r.get(1)?,
            mobile: r.get(2)?,
            source: r.get(3)?,
            date_add: r.get(4)?,
            level1: r.get(5)?,
            level2: r.get(6)?,
            pending: r.get(7)?,
            settled: r.get(8)?,
        })
    })?;
    Ok((total, rows.collect::<rusqlite::Result<_>>()?))
}

// ---- applications

#[derive(Debug, Clone)]
pub struct Application {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub mobile: String,
    pub status: i64,
    pub remark: String,
    pub date_add: i64,
    pub date_update: Option<i64>,
    /// The shopper's nickname (lists).
    pub nick: String,
}

const APPLICATION_COLUMNS: &str = "a.id, a.user_id, a.name, a.mobile, a.status, a.remark, a.date_add, \
                                   a.date_update, coalesce(u.nick, '')";

fn application(r: &rusqlite::Row) -> rusqlite::Result<Application> {
    Ok(Application {
        id: r.get(0)?,
        user_id: r.get(1)?,
        name: r.get(2)?,
        mobile: r.get(3)?,
        status: r.get(4)?,
        remark: r.get(5)?,
        date_add: r.get(6)?,
        date_update: r.get(7)?,
        nick: r.get(8)?,
    })
}

/// The shopper's latest application.
pub fn latest_application(c: &Connection, user_id: i64) -> Result<Option<Application>> {
    Ok(c.query_row(
        &format!(
            "SELECT {APPLICATION_COLUMNS} FROM fx_applications a LEFT JOIN users u ON u.id = a.user_id
             WHERE a.user_id = ?1 ORDER BY a.id DESC LIMIT 1"
        ),
        [user_id],
        application,
    )
    .optional()?)
}

pub fn application_by_id(c: &Connection, id: i64) -> Result<Option<Application>> {
    Ok(c.query_row(
        &format!(
            "SELECT {APPLICATION_COLUMNS} FROM fx_applications a LEFT JOIN users u ON u.id = a.user_id
             WHERE a.id = ?1"
        ),
        [id],
        application,
    )
    .optional()?)
}

/// Records an application in `status`; answers its id.
pub fn insert_application(
    c: &Connection,
    user_id: i64,
    name: &str,
    mobile: &str,
    status: i64,
    now: i64,
) -> Result<i64> {
    c.execute(
        "INSERT INTO fx_applications (user_id, name, mobile, status, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![user_id, name, mobile, status, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// Decides an application still awaiting review; false when it was decided already.
pub fn decide_application(c: &Connection, id: i64, status: i64, remark: &str, now: i64) -> Result<bool> {
    Ok(c.execute(
        "UPDATE fx_applications SET status = ?2, remark = ?3, date_update = ?4 WHERE id = ?1 AND status = 0",
        params![id, status, remark, now],
    )? == 1)
}

/// Applications, newest first; `status` filters.
pub fn applications(
    c: &Connection,
    status: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<(i64, Vec<Application>)> {
    let total =
        c.query_row("SELECT count(*) FROM fx_applications WHERE ?1 IS NULL OR status = ?1", [status], |r| {
            r.get(0)
        })?;
    let mut q = c.prepare(&format!(
        "SELECT {APPLICATION_COLUMNS} FROM fx_applications a LEFT JOIN users u ON u.id = a.user_id
         WHERE ?1 IS NULL OR a.status = ?1 ORDER BY a.id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = q.query_map(params![status, limit, offset], application)?;
    Ok((total, rows.collect::<rusqlite::Result<_>>()?))
}

// ---- downline

/// One member of a distributor's downline.
#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: i64,
    pub nick: String,
    pub avatar_url: String,
    pub mobile: String,
    pub date_bind: i64,
    pub is_seller: bool,
    pub last_order: Option<i64>,
    /// fen of the member's paid lines that gave this distributor commission; orders counted.
    pub saleroom: i64,
    pub number_order: i64,
    /// The member's own spending: total consumed, paid orders, fen paid.
    pub totle_consumed: i64,
    pub pay_number: i64,
    pub pay_amount: i64,
}

/// What a downline page asks for.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    pub ancestor: i64,
    pub level: i64,
    pub member: Option<i64>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// One page of the members `level` below `ancestor`, newest link first, with their figures.
///
/// The page is cut from fx_chain alone first (`fx_chain_downline` covers the filters, so the count
/// and the walk past a deep page's OFFSET read only the index); the user and each figure are then
/// looked up for the page's members only, never for the whole downline.
pub fn members(c: &Connection, f: &MemberFilter, offset: i64, limit: i64) -> Result<(i64, Vec<Member>)> {
    let total = c
        .prepare_cached(
            "SELECT count(*) FROM fx_chain
         WHERE ancestor_id = ?1 AND depth = ?2 AND (?3 IS NULL OR user_id = ?3)
           AND (?4 IS NULL OR date_add >= ?4) AND (?5 IS NULL OR date_add < ?5)",
        )?
        .query_row(params![f.ancestor, f.level, f.member, f.from, f.to], |r| r.get(0))?;
    let mut q = c.prepare_cached(
        "SELECT f.user_id, u.nick, u.avatar_url, coalesce(u.mobile, ''), f.date_add,
                EXISTS (SELECT 1 FROM fx_sellers s WHERE s.user_id = f.user_id),
                (SELECT max(o.date_pay) FROM orders o WHERE o.user_id = f.user_id AND o.date_pay IS NOT NULL),
                (SELECT coalesce(sum(m.base), 0) FROM fx_commissions m
                  WHERE m.buyer_id = f.user_id AND m.user_id = ?1 AND m.kind = 0),
                (SELECT count(DISTINCT m.order_id) FROM fx_commissions m
                  WHERE m.buyer_id = f.user_id AND m.user_id = ?1 AND m.kind = 0),
                coalesce((SELECT a.totle_consumed FROM user_accounts a WHERE a.user_id = f.user_id), 0),
                (SELECT count(*) FROM orders o WHERE o.user_id = f.user_id AND o.date_pay IS NOT NULL),
                (SELECT coalesce(sum(o.amount_real), 0) FROM orders o
                  WHERE o.user_id = f.user_id AND o.date_pay IS NOT NULL)
         FROM (SELECT user_id, date_add FROM fx_chain
               WHERE ancestor_id = ?1 AND depth = ?2 AND (?3 IS NULL OR user_id = ?3)
                 AND (?4 IS NULL OR date_add >= ?4) AND (?5 IS NULL OR date_add < ?5)
               ORDER BY user_id DESC LIMIT ?6 OFFSET ?7) f
         JOIN users u ON u.id = f.user_id
         ORDER BY f.user_id DESC",
    )?;
    let rows = q.query_map(params![f.ancestor, f.level, f.member, f.from, f.to, limit, offset], |r| {
        Ok(Member {
            user_id: r.get(0)?,
            nick: r.get(1)?,
            avatar_url: r.get(2)?,
            mobile: r.get(3)?,
            date_bind: r.get(4)?,
            is_seller: r.get(5)?,
            last_order: r.get(6)?,
            saleroom: r.get(7)?,
            number_order: r.get(8)?,
            totle_consumed: r.get(9)?,
            pay_number: r.get(10)?,
            pay_amount: r.get(11)?,
        })
    })?;
    Ok((total, rows.collect::<rusqlite::Result<_>>()?))
}

/// Downline counts: (members, distributors) at levels 1, 2 and 3.
pub fn downline_counts(c: &Connection, ancestor: i64) -> Result<[(i64, i64); 3]> {
    let mut out = [(0, 0); 3];
    let mut q = c.prepare_cached(
        "SELECT f.depth, count(*), count(s.user_id) FROM fx_chain f
         LEFT JOIN fx_sellers s ON s.user_id = f.user_id
         WHERE f.ancestor_id = ?1 GROUP BY f.depth",
    )?;
    let rows = q.query_map([ancestor], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?)))?;
    for row in rows {
        let (depth, members, sellers) = row?;
        if let Some(slot) = usize::try_from(depth - 1).ok().and_then(|i| out.get_mut(i)) {
            *slot = (members, sellers);
        }
    }
    Ok(out)
}

// ---- commissions

/// A commission to record.
#[derive(Debug, Clone)]
pub struct NewCommission {
    pub order_id: i64,
    pub order_goods_id: i64,
    pub buyer_id: i64,
    pub user_id: i64,
    pub level: i64,
    pub unit: i64,
    pub base: i64,
    pub percent: i64,
    pub amount: i64,
    /// 0 a distribution level, 1 the team leader's share, 2 the partner's (db::fx::kind).
    pub kind: i64,
}

pub fn insert_commission(c: &Connection, n: &NewCommission, now: i64) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO fx_commissions (order_id, order_goods_id, buyer_id, user_id, level, unit, base,
                                     percent, amount, date_add, kind)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        n.order_id,
        n.order_goods_id,
        n.buyer_id,
        n.user_id,
        n.level,
        n.unit,
        n.base,
        n.percent,
        n.amount,
        now,
        n.kind
    ])?;
    Ok(c.last_insert_rowid())
}

/// One commission as stored, with the names lists show.
#[derive(Debug, Clone)]
pub struct Commission {
    pub id: i64,
    pub order_id: i64,
    pub order_goods_id: i64,
    pub buyer_id: i64,
    pub user_id: i64,
    pub level: i64,
    pub unit: i64,
    pub base: i64,
    pub percent: i64,
    pub amount: i64,
    pub cancelled: i64,
    pub status: i64,
    pub settle_after: Option<i64>,
    pub date_add: i64,
    pub date_settle: Option<i64>,
    pub goods_name: String,
    pub buyer_nick: String,
    pub order_number: String,
    pub kind: i64,
    /// Taken back after settlement, with the merchant's reason.
    pub clawed: i64,
    pub claw_reason: String,
}

const COMMISSION_COLUMNS: &str =
    "m.id, m.order_id, m.order_goods_id, m.buyer_id, m.user_id, m.level, m.unit, \
     m.base, m.percent, m.amount, m.cancelled, m.status, m.settle_after, m.date_add, m.date_settle, \
     coalesce(g.goods_name, ''), coalesce(b.nick, ''), coalesce(o.order_number, ''), \
     m.kind, m.clawed, m.claw_reason";
const COMMISSION_FROM: &str = "fx_commissions m LEFT JOIN order_goods g ON g.id = m.order_goods_id \
     LEFT JOIN users b ON b.id = m.buyer_id LEFT JOIN orders o ON o.id = m.order_id";

fn commission(r: &rusqlite::Row) -> rusqlite::Result<Commission> {
    Ok(Commission {
        id: r.get(0)?,
        order_id: r.get(1)?,
        order_goods_id: r.get(2)?,
        buyer_id: r.get(3)?,
        user_id: r.get(4)?,
        level: r.get(5)?,
        unit: r.get(6)?,
        base: r.get(7)?,
        percent: r.get(8)?,
        amount: r.get(9)?,
        cancelled: r.get(10)?,
        status: r.get(11)?,
        settle_after: r.get(12)?,
        date_add: r.get(13)?,
        date_settle: r.get(14)?,
        goods_name: r.get(15)?,
        buyer_nick: r.get(16)?,
        order_number: r.get(17)?,
        kind: r.get(18)?,
        clawed: r.get(19)?,
        claw_reason: r.get(20)?,
    })
}

/// What a commission list asks for; every field but none optional.
#[derive(Debug, Clone, Default)]
pub struct CommissionFilter {
    pub user_id: Option<i64>,
    pub status: Option<i64>,
    /// A distribution level (team shares, kind 1 and 2, are left out when set).
    pub level: Option<i64>,
    pub unit: Option<i64>,
    pub buyer: Option<i64>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// One page of commissions, newest first.
pub fn commissions(
    c: &Connection,
    f: &CommissionFilter,
    offset: i64,
    limit: i64,
) -> Result<(i64, Vec<Commission>)> {
    let cond =
        "(?1 IS NULL OR m.user_id = ?1) AND (?2 IS NULL OR m.status = ?2) AND (?3 IS NULL OR (m.level = ?3 AND m.kind = 0))
         AND (?4 IS NULL OR m.unit = ?4) AND (?5 IS NULL OR m.buyer_id = ?5)
         AND (?6 IS NULL OR m.date_add >= ?6) AND (?7 IS NULL OR m.date_add < ?7)";
    let args = params![f.user_id, f.status, f.level, f.unit, f.buyer, f.from, f.to];
    let total =
        c.query_row(&format!("SELECT count(*) FROM fx_commissions m WHERE {cond}"), args, |r| r.get(0))?;
    let mut q = c.prepare(&format!(
        "SELECT {COMMISSION_COLUMNS} FROM {COMMISSION_FROM} WHERE {cond} ORDER BY m.id DESC LIMIT ?8 OFFSET ?9"
    ))?;
    let rows = q.query_map(
        params![f.user_id, f.status, f.level, f.unit, f.buyer, f.from, f.to, limit, offset],
        commission,
    )?;
    Ok((total, rows.collect::<rusqlite::Result<_>>()?))
}

/// The order's commissions still pending.
pub fn pending_of_order(c: &Connection, order_id: i64) -> Result<Vec<Commission>> {
    let mut q = c.prepare_cached(&format!(
        "SELECT {COMMISSION_COLUMNS} FROM {COMMISSION_FROM} WHERE m.order_id = ?1 AND m.status = 0 ORDER BY m.id"
    ))?;
    let rows = q.query_map([order_id], commission)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Starts the freeze of an order's pending commissions: due at `after`.
pub fn set_settle_after(c: &Connection, order_id: i64, after: i64) -> Result<usize> {
    Ok(c.execute(
        "UPDATE fx_commissions SET settle_after = ?2 WHERE order_id = ?1 AND status = 0 AND settle_after IS NULL",
        [order_id, after],
    )?)
}

/// Ids of pending commissions due by `now`, oldest first.
pub fn due(c: &Connection, now: i64, limit: i64) -> Result<Vec<i64>> {
    let mut q = c.prepare_cached(
        "SELECT id FROM fx_commissions WHERE status = 0 AND settle_after <= ?1 ORDER BY settle_after, id LIMIT ?2",
    )?;
    let rows = q.query_map([now, limit], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn commission_by_id(c: &Connection, id: i64) -> Result<Option<Commission>> {
    Ok(c.query_row(
        &format!("SELECT {COMMISSION_COLUMNS} FROM {COMMISSION_FROM} WHERE m.id = ?1"),
        [id],
        commission,
    )
    .optional()?)
}

/// Marks a pending commission settled; false when it no longer was pending.
pub fn mark_settled(c: &Connection, id: i64, now: i64) -> Result<bool> {
    Ok(c.execute(
        "UPDATE fx_commissions SET status = 1, date_settle = ?2 WHERE id = ?1 AND status = 0",
        [id, now],
    )? == 1)
}

/// Takes `more` off a pending commission; it becomes cancelled when nothing is left.
pub fn cancel_part(c: &Connection, id: i64, more: i64, now: i64) -> Result<bool> {
    Ok(c.execute(
        "UPDATE fx_commissions SET cancelled = min(amount, cancelled + ?2),
                status = CASE WHEN cancelled + ?2 >= amount THEN 2 ELSE 0 END,
                date_settle = CASE WHEN cancelled + ?2 >= amount THEN ?3 ELSE date_settle END
         WHERE id = ?1 AND status = 0",
        [id, more, now],
    )? == 1)
}

/// Per unit (0 money, 1 points): pending, settled and cancelled totals of one earner (all
/// commissions when `user_id` is None) since `from`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub pending: i64,
    pub settled: i64,
    pub cancelled: i64,
    pub base: i64,
    pub orders: i64,
}

pub fn totals(c: &Connection, user_id: i64, unit: i64, from: Option<i64>, to: Option<i64>) -> Result<Totals> {
    Ok(c.query_row(
        "SELECT coalesce(sum(CASE WHEN status = 0 THEN amount - cancelled END), 0),
                coalesce(sum(CASE WHEN status = 1 THEN amount - cancelled - clawed END), 0),
                coalesce(sum(cancelled), 0),
                coalesce(sum(base), 0),
                count(DISTINCT order_id)
         FROM fx_commissions
         WHERE user_id = ?1 AND unit = ?2 AND (?3 IS NULL OR date_add >= ?3) AND (?4 IS NULL OR date_add < ?4)",
        params![user_id, unit, from, to],
        |r| {
            Ok(Totals {
                pending: r.get(0)?,
                settled: r.get(1)?,
                cancelled: r.get(2)?,
                base: r.get(3)?,
                orders: r.get(4)?,
            })
        },
    )?)
}

/// Every way commissions disagree with their order lines and the ledger: (commission id, what).
pub fn broken_commissions(c: &Connection) -> Result<Vec<(i64, String)>> {
    let mut q = c.prepare(
        "SELECT m.id,
                CASE
                  WHEN g.id IS NULL OR g.order_id <> m.order_id THEN 'line'
                  WHEN m.amount <> CASE m.unit WHEN 0 THEN (m.base * m.percent + 50) / 100
                                            ELSE (m.base * m.percent + 5000) / 10000 END THEN 'amount'
                  WHEN m.status = 2 AND m.cancelled <> m.amount THEN 'cancelled'
                  WHEN m.status = 1 AND coalesce((SELECT sum(l.amount) FROM ledger l
                        WHERE l.source_type = 'fx_commission' AND l.source_id = CAST(m.id AS TEXT)
                          AND l.user_id = m.user_id), 0) <> m.amount - m.cancelled THEN 'settled'
                  WHEN m.clawed > m.amount - m.cancelled OR (m.clawed > 0 AND m.status <> 1) THEN 'clawed'
                  WHEN coalesce((SELECT -sum(l.amount) FROM ledger l
                        WHERE l.source_type = 'fx_clawback' AND l.source_id = CAST(m.id AS TEXT)
                          AND l.user_id = m.user_id), 0) <> m.clawed THEN 'clawback'
                  WHEN m.status <> 1 AND EXISTS (SELECT 1 FROM ledger l
                        WHERE l.source_type = 'fx_commission' AND l.source_id = CAST(m.id AS TEXT)) THEN 'ledger'
                END AS what
         FROM fx_commissions m LEFT JOIN order_goods g ON g.id = m.order_goods_id
         WHERE what IS NOT NULL ORDER BY m.id LIMIT 100",
    )?;
    let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
