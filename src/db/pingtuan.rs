//! Group buy (拼团): the merchant's sets per goods (with per-SKU group prices), the groups
//! (tuans) shoppers open and the members' orders. Money in fen; times in Unix seconds.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// Set status codes (`goods_pingtuan_sets.status`).
pub mod set_status {
    pub const ACTIVE: i64 = 0;
    pub const STOPPED: i64 = 1;
    pub const ENDED: i64 = 2;
}

/// Group status codes (`pingtuan_tuans.status`).
pub mod tuan_status {
    /// Listed and taking members until its deadline.
    pub const GOING: i64 = 0;
    /// Full: its members' orders are released for shipping.
    pub const SUCCESS: i64 = 1;
    /// Timed out (or failed by the merchant): its paid members were refunded.
    pub const FAILED: i64 = 2;
    /// Opened, its opener has not paid yet: not listed.
    pub const OPENED: i64 = 3;
}

/// Member status codes (`pingtuan_members.status`).
pub mod member_status {
    pub const UNPAID: i64 = 0;
    pub const PAID: i64 = 1;
    pub const REFUNDED: i64 = 2;
}

/// Refund routes of a failed group (`refund_type`).
pub mod refund_type {
    /// To the shopper's balance (用户钱包余额).
    pub const BALANCE: i64 = 0;
    /// Back through WeChat Pay when the order was paid by WeChat (the balance otherwise).
    pub const WECHAT: i64 = 1;
}

/// What the merchant sets up for one goods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetFields {
    pub goods_id: i64,
    /// The group price of the goods (fen), for SKUs without their own.
    pub price: i64,
    /// (SKU id, group price) for SKUs with their own group price.
    pub sku_prices: Vec<(i64, i64)>,
    /// How many members fill a group (the opener included).
    pub number_persion: i64,
    pub timeout_hours: i64,
    pub refund_type: i64,
    pub date_end: i64,
}

#[derive(Debug, Clone)]
pub struct SetRow {
    pub id: i64,
    pub fields: SetFields,
    pub number_doing: i64,
    pub number_success: i64,
    pub date_add: i64,
    pub status: i64,
}

const SET_COLUMNS: &str = "id, goods_id, price, number_persion, timeout_hours, refund_type, date_end, \
                           number_doing, number_success, date_add, status";

fn set_row(r: &Row) -> rusqlite::Result<SetRow> {
    Ok(SetRow {
        id: r.get(0)?,
        fields: SetFields {
            goods_id: r.get(1)?,
            price: r.get(2)?,
            sku_prices: Vec::new(),
            number_persion: r.get(3)?,
            timeout_hours: r.get(4)?,
            refund_type: r.get(5)?,
            date_end: r.get(6)?,
        },
        number_doing: r.get(7)?,
        number_success: r.get(8)?,
        date_add: r.get(9)?,
        status: r.get(10)?,
    })
}

fn with_sku_prices(c: &Connection, mut s: SetRow) -> Result<SetRow> {
    let mut st = c.prepare_cached(
        "SELECT sku_id, price FROM goods_pingtuan_sku_prices WHERE set_id = ?1 ORDER BY sku_id",
    )?;
    s.fields.sku_prices =
        st.query_map([s.id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(s)
}

fn sets_where(c: &Connection, filter: &str, args: impl rusqlite::Params) -> Result<Vec<SetRow>> {
    let sql = format!("SELECT {SET_COLUMNS} FROM goods_pingtuan_sets WHERE {filter}");
    let mut st = c.prepare_cached(&sql)?;
    let rows = st.query_map(args, set_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(|s| with_sku_prices(c, s)).collect()
}

pub fn insert_set(c: &Connection, f: &SetFields, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO goods_pingtuan_sets (goods_id, price, number_persion, timeout_hours, refund_type,
                                          date_end, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![f.goods_id, f.price, f.number_persion, f.timeout_hours, f.refund_type, f.date_end, now],
    )?;
    let id = c.last_insert_rowid();
    for (sku, price) in &f.sku_prices {
        c.execute(
            "INSERT INTO goods_pingtuan_sku_prices (set_id, sku_id, price) VALUES (?1, ?2, ?3)",
            [id, *sku, *price],
        )?;
    }
    Ok(id)
}

pub fn set(c: &Connection, id: i64) -> Result<Option<SetRow>> {
    Ok(sets_where(c, "id = ?1", [id])?.into_iter().next())
}

/// The sets shoppers can use now (active, before their end) of the goods given, oldest first.
pub fn active_sets(c: &Connection, goods_ids: &[i64], now: i64) -> Result<Vec<SetRow>> {
    let ids = serde_json::to_string(goods_ids).unwrap_or_else(|_| "[]".into());
    sets_where(
        c,
        "goods_id IN (SELECT value FROM json_each(?1)) AND status = 0 AND date_end > ?2 ORDER BY id",
        params![ids, now],
    )
}

/// Every set, newest first (console and merchant API), optionally of one goods.
pub fn all_sets(c: &Connection, goods_id: Option<i64>) -> Result<Vec<SetRow>> {
    sets_where(c, "?1 IS NULL OR goods_id = ?1 ORDER BY id DESC", [goods_id])
}

/// Stops an active set; false when it was not active.
pub fn stop_set(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("UPDATE goods_pingtuan_sets SET status = 1 WHERE id = ?1 AND status = 0", [id])? == 1)
}

/// Marks active sets whose end has passed as ended; how many.
pub fn end_expired(c: &Connection, now: i64) -> Result<usize> {
    Ok(c.execute("UPDATE goods_pingtuan_sets SET status = 2 WHERE status = 0 AND date_end <= ?1", [now])?)
}

/// A group started (its opener paid): one more in progress.
pub fn add_doing(c: &Connection, set_id: i64) -> Result<()> {
    c.execute("UPDATE goods_pingtuan_sets SET number_doing = number_doing + 1 WHERE id = ?1", [set_id])?;
    Ok(())
}

/// A group in progress ended, full (`success`) or failed.
pub fn end_doing(c: &Connection, set_id: i64, success: bool) -> Result<()> {
    c.execute(
        "UPDATE goods_pingtuan_sets SET number_doing = max(number_doing - 1, 0),
                number_success = number_success + ?2
         WHERE id = ?1",
        params![set_id, i64::from(success)],
    )?;
    Ok(())
}

/// One group, with its opener's card.
#[derive(Debug, Clone)]
pub struct TuanRow {
    pub id: i64,
    pub set_id: i64,
    pub goods_id: i64,
    pub user_id: i64,
    pub number_persion: i64,
    pub seats: i64,
    pub help_number: i64,
    pub status: i64,
    pub date_add: i64,
    pub date_end: Option<i64>,
    pub date_finish: Option<i64>,
    pub nick: String,
    pub avatar_url: String,
}

const TUAN_COLUMNS: &str = "t.id, t.set_id, t.goods_id, t.user_id, t.number_persion, t.seats, t.help_number,
                            t.status, t.date_add, t.date_end, t.date_finish, u.nick, u.avatar_url";

fn tuan_row(r: &Row) -> rusqlite::Result<TuanRow> {
    Ok(TuanRow {
        id: r.get(0)?,
        set_id: r.get(1)?,
        goods_id: r.get(2)?,
        user_id: r.get(3)?,
        number_persion: r.get(4)?,
        seats: r.get(5)?,
        help_number: r.get(6)?,
        status: r.get(7)?,
        date_add: r.get(8)?,
        date_end: r.get(9)?,
        date_finish: r.get(10)?,
        nick: r.get(11)?,
        avatar_url: r.get(12)?,
    })
}

fn tuans_where(c: &Connection, filter: &str, args: impl rusqlite::Params) -> Result<Vec<TuanRow>> {
    let sql = format!(
        "SELECT {TUAN_COLUMNS} FROM pingtuan_tuans t JOIN users u ON u.id = t.user_id WHERE {filter}"
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st.query_map(args, tuan_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Opens a group (not yet listed: its opener has not paid).
pub fn insert_tuan(c: &Connection, s: &SetRow, user_id: i64, ext_json: &str, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO pingtuan_tuans (set_id, goods_id, user_id, number_persion, ext_json, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![s.id, s.fields.goods_id, user_id, s.fields.number_persion, ext_json, now],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn tuan(c: &Connection, id: i64) -> Result<Option<TuanRow>> {
    Ok(tuans_where(c, "t.id = ?1", [id])?.into_iter().next())
}

/// The shopper's opened, unpaid group on a set without a member order yet (a second
/// pingtuanOpen answers it rather than opening another).
pub fn opened_of(c: &Connection, set_id: i64, user_id: i64) -> Result<Option<TuanRow>> {
    Ok(tuans_where(
        c,
        "t.set_id = ?1 AND t.user_id = ?2 AND t.status = 3 AND t.seats = 0",
        [set_id, user_id],
    )?
    .into_iter()
    .next())
}

/// A page of a goods' groups in a status (newest first) and how many there are.
pub fn tuans_of_goods(
    c: &Connection,
    goods_id: Option<i64>,
    status: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<TuanRow>, i64)> {
    let rows = tuans_where(
        c,
        "(?1 IS NULL OR t.goods_id = ?1) AND t.status = ?2 ORDER BY t.id DESC LIMIT ?3 OFFSET ?4",
        params![goods_id, status, limit, offset],
    )?;
    let total = c.query_row(
        "SELECT count(*) FROM pingtuan_tuans WHERE (?1 IS NULL OR goods_id = ?1) AND status = ?2",
        params![goods_id, status],
        |r| r.get(0),
    )?;
    Ok((rows, total))
}

/// Every group of a set, newest first (console, merchant API).
pub fn tuans_of_set(c: &Connection, set_id: i64, limit: i64) -> Result<Vec<TuanRow>> {
    tuans_where(c, "t.set_id = ?1 ORDER BY t.id DESC LIMIT ?2", [set_id, limit])
}

/// Groups in progress whose deadline has come, oldest deadline first.
pub fn due_tuans(c: &Connection, now: i64, limit: i64) -> Result<Vec<TuanRow>> {
    tuans_where(c, "t.status = 0 AND t.date_end <= ?1 ORDER BY t.date_end LIMIT ?2", [now, limit])
}

/// The group in progress of a goods nearest to full (goodsDefaultPingtuan).
pub fn fullest_going(c: &Connection, goods_id: i64, now: i64) -> Result<Option<TuanRow>> {
    Ok(tuans_where(
        c,
        "t.goods_id = ?1 AND t.status = 0 AND t.date_end > ?2 AND t.seats < t.number_persion
         ORDER BY t.number_persion - t.seats, t.date_end LIMIT 1",
        [goods_id, now],
    )?
    .into_iter()
    .next())
}

/// Takes a seat in a group that still has one (by one conditional UPDATE, so many shoppers
/// racing for the last seat cannot all have it); false when it is full or not taking members.
pub fn take_seat(c: &Connection, tuan_id: i64, statuses: &[i64]) -> Result<bool> {
    let st = serde_json::to_string(statuses).unwrap_or_else(|_| "[]".into());
    let n = c.execute(
        "UPDATE pingtuan_tuans SET seats = seats + 1
         WHERE id = ?1 AND seats < number_persion AND status IN (SELECT value FROM json_each(?2))",
        params![tuan_id, st],
    )?;
    Ok(n == 1)
}

/// The orders among `order_ids` that are paid and wait for their group (in progress) to fill.
pub fn waiting_orders(c: &Connection, order_ids: &[i64]) -> Result<Vec<i64>> {
    let ids = serde_json::to_string(order_ids).unwrap_or_else(|_| "[]".into());
    let mut st = c.prepare_cached(
        "SELECT m.order_id FROM pingtuan_members m JOIN pingtuan_tuans t ON t.id = m.tuan_id
         WHERE m.order_id IN (SELECT value FROM json_each(?1)) AND m.status = 1 AND t.status = 0",
    )?;
    let rows = st.query_map([ids], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Frees a seat of a member that left unpaid.
pub fn free_seat(c: &Connection, tuan_id: i64) -> Result<()> {
    c.execute("UPDATE pingtuan_tuans SET seats = max(seats - 1, help_number) WHERE id = ?1", [tuan_id])?;
    Ok(())
}

/// The opener paid: the group is listed until `date_end`; false when it was not opened.
pub fn start(c: &Connection, tuan_id: i64, date_end: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE pingtuan_tuans SET status = 0, date_end = ?2 WHERE id = ?1 AND status = 3",
        [tuan_id, date_end],
    )?;
    Ok(n == 1)
}

/// One more paid member.
pub fn add_paid(c: &Connection, tuan_id: i64) -> Result<()> {
    c.execute("UPDATE pingtuan_tuans SET help_number = help_number + 1 WHERE id = ?1", [tuan_id])?;
    Ok(())
}

/// Ends a group from `from` to `to` (success or failed); false when it was not in `from`.
pub fn finish(c: &Connection, tuan_id: i64, from: i64, to: i64, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE pingtuan_tuans SET status = ?3, date_finish = ?4 WHERE id = ?1 AND status = ?2",
        [tuan_id, from, to, now],
    )?;
    Ok(n == 1)
}

/// Removes an opened group whose opener's order closed unpaid.
pub fn delete_tuan(c: &Connection, tuan_id: i64) -> Result<()> {
    c.execute("DELETE FROM pingtuan_tuans WHERE id = ?1 AND status = 3", [tuan_id])?;
    Ok(())
}

/// A member's order in a group, with the member's card and the order's state.
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub id: i64,
    pub tuan_id: i64,
    pub user_id: i64,
    pub order_id: i64,
    pub status: i64,
    pub date_add: i64,
    pub date_pay: Option<i64>,
    pub nick: String,
    pub avatar_url: String,
    pub order_number: String,
    pub order_status: i64,
    pub amount_real: i64,
}

const MEMBER_COLUMNS: &str = "m.id, m.tuan_id, m.user_id, m.order_id, m.status, m.date_add, m.date_pay,
                              u.nick, u.avatar_url, o.order_number, o.status, o.amount_real";

fn member_row(r: &Row) -> rusqlite::Result<MemberRow> {
    Ok(MemberRow {
        id: r.get(0)?,
        tuan_id: r.get(1)?,
        user_id: r.get(2)?,
        order_id: r.get(3)?,
        status: r.get(4)?,
        date_add: r.get(5)?,
        date_pay: r.get(6)?,
        nick: r.get(7)?,
        avatar_url: r.get(8)?,
        order_number: r.get(9)?,
        order_status: r.get(10)?,
        amount_real: r.get(11)?,
    })
}

fn members_where(c: &Connection, filter: &str, args: impl rusqlite::Params) -> Result<Vec<MemberRow>> {
    let sql = format!(
        "SELECT {MEMBER_COLUMNS} FROM pingtuan_members m JOIN users u ON u.id = m.user_id
         JOIN orders o ON o.id = m.order_id WHERE {filter}"
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st.query_map(args, member_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_member(c: &Connection, tuan_id: i64, user_id: i64, order_id: i64, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO pingtuan_members (tuan_id, user_id, order_id, date_add) VALUES (?1, ?2, ?3, ?4)",
        [tuan_id, user_id, order_id, now],
    )?;
    Ok(())
}

pub fn member_by_order(c: &Connection, order_id: i64) -> Result<Option<MemberRow>> {
    Ok(members_where(c, "m.order_id = ?1", [order_id])?.into_iter().next())
}

/// Whether the shopper is a member (paid or holding a seat) of the group.
pub fn is_member(c: &Connection, tuan_id: i64, user_id: i64) -> Result<bool> {
    Ok(c.query_row(
        "SELECT 1 FROM pingtuan_members WHERE tuan_id = ?1 AND user_id = ?2",
        [tuan_id, user_id],
        |_| Ok(()),
    )
    .optional()?
    .is_some())
}

/// A group's members, first joined first.
pub fn members_of(c: &Connection, tuan_id: i64) -> Result<Vec<MemberRow>> {
    members_where(c, "m.tuan_id = ?1 ORDER BY m.id", [tuan_id])
}

/// Marks an unpaid member paid; false when it was not unpaid.
pub fn mark_member_paid(c: &Connection, member_id: i64, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE pingtuan_members SET status = 1, date_pay = ?2 WHERE id = ?1 AND status = 0",
        [member_id, now],
    )?;
    Ok(n == 1)
}

/// Marks a paid member refunded; false when it was not paid.
pub fn mark_member_refunded(c: &Connection, member_id: i64) -> Result<bool> {
    Ok(c.execute("UPDATE pingtuan_members SET status = 2 WHERE id = ?1 AND status = 1", [member_id])? == 1)
}

/// Marks an unpaid member of a failed group refunded (its payment arrived after the failure).
pub fn mark_unpaid_member_refunded(c: &Connection, member_id: i64) -> Result<bool> {
    Ok(c.execute("UPDATE pingtuan_members SET status = 2 WHERE id = ?1 AND status = 0", [member_id])? == 1)
}

/// Removes an unpaid member (its order closed); false when it was not unpaid.
pub fn delete_member(c: &Connection, member_id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM pingtuan_members WHERE id = ?1 AND status = 0", [member_id])? == 1)
}

/// What pingtuanMyJoined may narrow by.
#[derive(Debug, Clone, Default)]
pub struct JoinedFilter {
    pub goods_id: Option<i64>,
    pub order_id: Option<i64>,
    pub set_id: Option<i64>,
    pub tuan_id: Option<i64>,
}

/// A page of the shopper's memberships, newest first, and how many there are.
pub fn joined_by(
    c: &Connection,
    user_id: i64,
    f: &JoinedFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<MemberRow>, i64)> {
    let filter =
        "m.user_id = ?1 AND (?2 IS NULL OR m.tuan_id IN (SELECT id FROM pingtuan_tuans WHERE goods_id = ?2))
                  AND (?3 IS NULL OR m.order_id = ?3)
                  AND (?4 IS NULL OR m.tuan_id IN (SELECT id FROM pingtuan_tuans WHERE set_id = ?4))
                  AND (?5 IS NULL OR m.tuan_id = ?5)";
    let args = params![user_id, f.goods_id, f.order_id, f.set_id, f.tuan_id];
    let rows = members_where(c, &format!("{filter} ORDER BY m.id DESC LIMIT {limit} OFFSET {offset}"), args)?;
    let total = c.query_row(
        &format!("SELECT count(*) FROM pingtuan_members m WHERE {filter}"),
        params![user_id, f.goods_id, f.order_id, f.set_id, f.tuan_id],
        |r| r.get(0),
    )?;
    Ok((rows, total))
}

/// `xiaodian check`: every way a group and its members' orders disagree, as
/// (group id, what is wrong).
pub fn inconsistent(c: &Connection) -> Result<Vec<(i64, String)>> {
    let mut out = Vec::new();
    let mut st = c.prepare(
        "SELECT t.id, t.status, t.seats, t.help_number,
                (SELECT count(*) FROM pingtuan_members m WHERE m.tuan_id = t.id),
                (SELECT count(*) FROM pingtuan_members m WHERE m.tuan_id = t.id AND m.status = 1),
                (SELECT count(*) FROM pingtuan_members m WHERE m.tuan_id = t.id AND m.status = 2)
         FROM pingtuan_tuans t",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, i64>(6)?,
        ))
    })?;
    for row in rows {
        let (id, status, seats, help, members, paid, refunded) = row?;
        if status == tuan_status::FAILED {
            if paid > 0 {
                out.push((id, format!("failed but {paid} paid member(s) not refunded")));
            }
            continue;
        }
        if seats != members {
            out.push((id, format!("{seats} seats taken but {members} member(s)")));
        }
        if help != paid + refunded {
            out.push((id, format!("counts {help} paid but {paid} member(s) paid")));
        }
        if status == tuan_status::SUCCESS && help < seats {
            out.push((id, format!("succeeded with {} unpaid member(s)", seats - help)));
        }
    }
    // Member orders whose state does not follow their group's.
    let mut st = c.prepare(
        "SELECT t.id, o.order_number, t.status, m.status, o.status
         FROM pingtuan_members m JOIN pingtuan_tuans t ON t.id = m.tuan_id JOIN orders o ON o.id = m.order_id
         WHERE (m.status = 0 AND o.status != 0 AND NOT (t.status = 2 AND o.status = -1))
            OR (m.status = 1 AND t.status IN (0, 3) AND o.status != 1)
            OR (m.status = 2 AND o.status != -1)",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    for row in rows {
        let (id, number, t, m, o) = row?;
        out.push((id, format!("order {number} is in status {o} while the group is {t} and its member {m}")));
    }
    Ok(out)
}
