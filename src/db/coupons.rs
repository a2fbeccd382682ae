//! Coupon rules, the coupons shoppers hold, exchange codes and merge rules.
//!
//! Stock and per-user limits are kept by conditional statements (`... WHERE number_taken <
//! number_total`, an INSERT that counts first), so they hold whatever the caller's transaction
//! does around them. State changes of a held coupon are conditional UPDATEs on its current state.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// Scope of a rule: what goods it applies to.
pub const SCOPE_ALL: i64 = 0;
pub const SCOPE_GOODS: i64 = 1;
pub const SCOPE_CATEGORIES: i64 = 2;

/// States of a held coupon.
pub const USABLE: i64 = 0;
pub const LOCKED: i64 = 1;
pub const USED: i64 = 2;
pub const EXPIRED: i64 = 3;

/// The fields the merchant edits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleFields {
    pub name: String,
    pub kind: String,
    pub money_type: i64,
    pub money: i64,
    pub money_max: i64,
    pub money_hreshold: i64,
    pub scope: i64,
    /// Goods ids (scope 1) or category ids (scope 2).
    pub refs: Vec<i64>,
    pub valid_type: i64,
    pub date_start: i64,
    pub date_end: i64,
    pub valid_days: i64,
    pub number_total: i64,
    pub per_user: i64,
    pub need_score: i64,
    pub need_amount: i64,
    pub pwd: String,
    pub status: i64,
    pub paixu: i64,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: i64,
    pub f: RuleFields,
    pub number_taken: i64,
    pub date_add: i64,
    pub date_update: i64,
}

const RULE_COLUMNS: &str = "id, name, type, money_type, money, money_max, money_hreshold, scope, valid_type,
    date_start, date_end, valid_days, number_total, number_taken, per_user, need_score, need_amount, pwd,
    status, paixu, date_add, date_update";

fn rule_row(r: &Row) -> rusqlite::Result<Rule> {
    Ok(Rule {
        id: r.get(0)?,
        f: RuleFields {
            name: r.get(1)?,
            kind: r.get(2)?,
            money_type: r.get(3)?,
            money: r.get(4)?,
            money_max: r.get(5)?,
            money_hreshold: r.get(6)?,
            scope: r.get(7)?,
            refs: Vec::new(),
            valid_type: r.get(8)?,
            date_start: r.get(9)?,
            date_end: r.get(10)?,
            valid_days: r.get(11)?,
            number_total: r.get(12)?,
            per_user: r.get(14)?,
            need_score: r.get(15)?,
            need_amount: r.get(16)?,
            pwd: r.get(17)?,
            status: r.get(18)?,
            paixu: r.get(19)?,
        },
        number_taken: r.get(13)?,
        date_add: r.get(20)?,
        date_update: r.get(21)?,
    })
}

fn with_refs(c: &Connection, mut rule: Rule) -> Result<Rule> {
    rule.f.refs = refs_of(c, rule.id)?;
    Ok(rule)
}

/// The goods or category ids a rule applies to, ascending.
pub fn refs_of(c: &Connection, rule_id: i64) -> Result<Vec<i64>> {
    let mut st =
        c.prepare_cached("SELECT ref_id FROM coupon_rule_refs WHERE rule_id = ?1 ORDER BY ref_id")?;
    let ids = st.query_map([rule_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

fn put_refs(c: &Connection, rule_id: i64, refs: &[i64]) -> Result<()> {
    c.execute("DELETE FROM coupon_rule_refs WHERE rule_id = ?1", [rule_id])?;
    let mut st =
        c.prepare_cached("INSERT OR IGNORE INTO coupon_rule_refs (rule_id, ref_id) VALUES (?1, ?2)")?;
    for r in refs {
        st.execute(params![rule_id, r])?;
    }
    Ok(())
}

/// A rule with its refs; None when there is none.
pub fn rule(c: &Connection, id: i64) -> Result<Option<Rule>> {
    let found = c
        .prepare_cached(&format!("SELECT {RULE_COLUMNS} FROM coupon_rules WHERE id = ?1"))?
        .query_row([id], rule_row)
        .optional()?;
    found.map(|r| with_refs(c, r)).transpose()
}

/// Rules shoppers can see now: switched on and not past a fixed window's end; optionally of one
/// `type` label. Ordered as the merchant sorted them, newest first.
pub fn open_rules(c: &Connection, kind: Option<&str>, now: i64) -> Result<Vec<Rule>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {RULE_COLUMNS} FROM coupon_rules
         WHERE status = 0 AND (valid_type = 1 OR date_end > ?1) AND (?2 IS NULL OR type = ?2)
         ORDER BY paixu, id DESC LIMIT 200"
    ))?;
    let rows: Vec<Rule> = st.query_map(params![now, kind], rule_row)?.collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|r| with_refs(c, r)).collect()
}

/// Every rule for the console and merchant API, searched by name; (page, total).
pub fn all_rules(c: &Connection, q: Option<&str>, offset: i64, limit: i64) -> Result<(Vec<Rule>, i64)> {
    let like = q.map(|q| format!("%{}%", escape_like(q)));
    let total = c.query_row(
        "SELECT count(*) FROM coupon_rules WHERE ?1 IS NULL OR name LIKE ?1 ESCAPE '\\'",
        params![like],
        |r| r.get(0),
    )?;
    let mut st = c.prepare_cached(&format!(
        "SELECT {RULE_COLUMNS} FROM coupon_rules WHERE ?1 IS NULL OR name LIKE ?1 ESCAPE '\\'
         ORDER BY id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows: Vec<Rule> =
        st.query_map(params![like, limit, offset], rule_row)?.collect::<rusqlite::Result<_>>()?;
    Ok((rows.into_iter().map(|r| with_refs(c, r)).collect::<Result<_>>()?, total))
}

/// `%`, `_` and `\` taken literally in a LIKE pattern with `ESCAPE '\'`.
fn escape_like(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for ch in term.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// Inserts a rule; its id.
pub fn insert_rule(c: &Connection, f: &RuleFields, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO coupon_rules (name, type, money_type, money, money_max, money_hreshold, scope, valid_type,
            date_start, date_end, valid_days, number_total, per_user, need_score, need_amount, pwd, status,
            paixu, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19)",
        params![
            f.name,
            f.kind,
            f.money_type,
            f.money,
            f.money_max,
            f.money_hreshold,
            f.scope,
            f.valid_type,
            f.date_start,
            f.date_end,
            f.valid_days,
            f.number_total,
            f.per_user,
            f.need_score,
            f.need_amount,
            f.pwd,
            f.status,
            f.paixu,
            now
        ],
    )?;
    let id = c.last_insert_rowid();
    put_refs(c, id, &f.refs)?;
    Ok(id)
}

/// Replaces a rule's fields; false when there is none. The total may not drop below what was taken
/// (the CHECK refuses it; the service says so first).
pub fn update_rule(c: &Connection, id: i64, f: &RuleFields, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE coupon_rules SET name = ?2, type = ?3, money_type = ?4, money = ?5, money_max = ?6,
            money_hreshold = ?7, scope = ?8, valid_type = ?9, date_start = ?10, date_end = ?11,
            valid_days = ?12, number_total = ?13, per_user = ?14, need_score = ?15, need_amount = ?16,
            pwd = ?17, status = ?18, paixu = ?19, date_update = ?20
         WHERE id = ?1",
        params![
            id,
            f.name,
            f.kind,
            f.money_type,
            f.money,
            f.money_max,
            f.money_hreshold,
            f.scope,
            f.valid_type,
            f.date_start,
            f.date_end,
            f.valid_days,
            f.number_total,
            f.per_user,
            f.need_score,
            f.need_amount,
            f.pwd,
            f.status,
            f.paixu,
            now
        ],
    )?;
    if n == 1 {
        put_refs(c, id, &f.refs)?;
    }
    Ok(n == 1)
}

/// Switches a rule on (0) or off (1); false when there is none.
pub fn set_rule_status(c: &Connection, id: i64, status: i64, now: i64) -> Result<bool> {
    Ok(c.execute(
        "UPDATE coupon_rules SET status = ?2, date_update = ?3 WHERE id = ?1",
        params![id, status, now],
    )? == 1)
}

/// How many coupons of a rule shoppers hold (any state).
pub fn held_count(c: &Connection, rule_id: i64) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM coupon_users WHERE rule_id = ?1", [rule_id], |r| r.get(0))?)
}

/// Deletes a rule nobody holds; false when there is none.
pub fn delete_rule(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM coupon_rules WHERE id = ?1", [id])? == 1)
}

/// Takes one from a rule's stock; false when none is left.
pub fn take_stock(c: &Connection, rule_id: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE coupon_rules SET number_taken = number_taken + 1 WHERE id = ?1 AND number_taken < number_total",
        [rule_id],
    )?;
    Ok(n == 1)
}

/// How many coupons of a rule `user_id` took themselves (fetchCoupons), wherever they are now.
pub fn fetched_by(c: &Connection, rule_id: i64, user_id: i64) -> Result<i64> {
    Ok(c.prepare_cached(
        "SELECT count(*) FROM coupon_users WHERE rule_id = ?1 AND taker_id = ?2 AND source = 'fetch'",
    )?
    .query_row(params![rule_id, user_id], |r| r.get(0))?)
}

/// A coupon to hand to a shopper.
#[derive(Debug, Clone)]
pub struct NewCoupon<'a> {
    pub rule_id: i64,
    pub user_id: i64,
    pub source: &'a str,
    pub date_start: i64,
    pub date_end: i64,
}

/// Gives a coupon; with `limit` > 0 only while the shopper fetched fewer than `limit` of the rule
/// (counted in the same statement). Its id, or None when the limit was reached.
pub fn give(c: &Connection, n: &NewCoupon, limit: i64, now: i64) -> Result<Option<i64>> {
    let inserted = c.prepare_cached(
        "INSERT INTO coupon_users (rule_id, user_id, taker_id, source, status, date_start, date_end, date_add, date_update)
         SELECT ?1, ?2, ?2, ?3, 0, ?4, ?5, ?6, ?6
         WHERE ?7 = 0 OR (SELECT count(*) FROM coupon_users
                          WHERE rule_id = ?1 AND taker_id = ?2 AND source = 'fetch') < ?7",
    )?
    .execute(params![n.rule_id, n.user_id, n.source, n.date_start, n.date_end, now, limit])?;
    Ok((inserted == 1).then(|| c.last_insert_rowid()))
}

/// A held coupon with the terms of its rule.
#[derive(Debug, Clone)]
pub struct Held {
    pub id: i64,
    pub rule_id: i64,
    pub user_id: i64,
    pub source: String,
    pub status: i64,
    pub order_id: Option<i64>,
    pub date_start: i64,
    pub date_end: i64,
    pub date_use: Option<i64>,
    pub date_add: i64,
    pub name: String,
    pub kind: String,
    pub money_type: i64,
    pub money: i64,
    pub money_max: i64,
    pub money_hreshold: i64,
    pub scope: i64,
}

const HELD_COLUMNS: &str =
    "u.id, u.rule_id, u.user_id, u.source, u.status, u.order_id, u.date_start, u.date_end,
    u.date_use, u.date_add, r.name, r.type, r.money_type, r.money, r.money_max, r.money_hreshold, r.scope";

fn held_row(r: &Row) -> rusqlite::Result<Held> {
    Ok(Held {
        id: r.get(0)?,
        rule_id: r.get(1)?,
        user_id: r.get(2)?,
        source: r.get(3)?,
        status: r.get(4)?,
        order_id: r.get(5)?,
        date_start: r.get(6)?,
        date_end: r.get(7)?,
        date_use: r.get(8)?,
        date_add: r.get(9)?,
        name: r.get(10)?,
        kind: r.get(11)?,
        money_type: r.get(12)?,
        money: r.get(13)?,
        money_max: r.get(14)?,
        money_hreshold: r.get(15)?,
        scope: r.get(16)?,
    })
}

/// The shopper's coupon `id`; None when it does not exist or is someone else's.
pub fn held(c: &Connection, user_id: i64, id: i64) -> Result<Option<Held>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {HELD_COLUMNS} FROM coupon_users u JOIN coupon_rules r ON r.id = u.rule_id
         WHERE u.id = ?1 AND u.user_id = ?2"
    ))?
    .query_row(params![id, user_id], held_row)
    .optional()?)
}

/// The shopper's coupons, newest first, optionally only those in `statuses`; at most 500.
pub fn held_by(c: &Connection, user_id: i64, statuses: &[i64]) -> Result<Vec<Held>> {
    let filter = if statuses.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = statuses.iter().map(i64::to_string).collect();
        format!("AND u.status IN ({})", list.join(","))
    };
    let mut st = c.prepare_cached(&format!(
        "SELECT {HELD_COLUMNS} FROM coupon_users u JOIN coupon_rules r ON r.id = u.rule_id
         WHERE u.user_id = ?1 {filter} ORDER BY u.id DESC LIMIT 500"
    ))?;
    let rows = st.query_map([user_id], held_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Coupons locked by an order.
pub fn locked_by_order(c: &Connection, order_id: i64) -> Result<Vec<Held>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {HELD_COLUMNS} FROM coupon_users u JOIN coupon_rules r ON r.id = u.rule_id
         WHERE u.order_id = ?1 AND u.status = 1"
    ))?;
    let rows = st.query_map([order_id], held_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Ids of the rules of which the shopper holds (or held) a coupon they fetched.
pub fn fetched_rule_ids(c: &Connection, user_id: i64) -> Result<Vec<i64>> {
    let mut st = c.prepare_cached(
        "SELECT DISTINCT rule_id FROM coupon_users WHERE taker_id = ?1 AND source = 'fetch'",
    )?;
    let ids = st.query_map([user_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Locks a usable, unexpired coupon of the shopper to an order; false when it was not usable.
pub fn lock(c: &Connection, user_id: i64, id: i64, order_id: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE coupon_users SET status = 1, order_id = ?3, date_update = ?4
         WHERE id = ?1 AND user_id = ?2 AND status = 0 AND date_start <= ?4 AND date_end > ?4",
        )?
        .execute(params![id, user_id, order_id, now])?;
    Ok(n == 1)
}

/// Marks the coupons locked by an order as used; how many.
pub fn use_locked(c: &Connection, order_id: i64, now: i64) -> Result<usize> {
    Ok(c.prepare_cached(
        "UPDATE coupon_users SET status = 2, date_use = ?2, date_update = ?2 WHERE order_id = ?1 AND status = 1",
    )?
    .execute(params![order_id, now])?)
}

/// Gives the coupons locked by an order back (expired ones as expired); how many.
pub fn release(c: &Connection, order_id: i64, now: i64) -> Result<usize> {
    Ok(c.prepare_cached(
        "UPDATE coupon_users SET status = CASE WHEN date_end <= ?2 THEN 3 ELSE 0 END, order_id = NULL,
            date_update = ?2
         WHERE order_id = ?1 AND status = 1",
    )?
    .execute(params![order_id, now])?)
}

// group buy (pingtuan)
/// Gives the coupons a refunded order used back to its shopper (expired ones as expired); how many.
pub fn give_back_used(c: &Connection, order_id: i64, now: i64) -> Result<usize> {
    Ok(c.prepare_cached(
        "UPDATE coupon_users SET status = CASE WHEN date_end <= ?2 THEN 3 ELSE 0 END, order_id = NULL,
            date_use = NULL, date_update = ?2
         WHERE order_id = ?1 AND status = 2",
    )?
    .execute(params![order_id, now])?)
}

/// Marks a usable coupon of the shopper as used without an order (merged away); false when it was
/// not usable.
pub fn use_without_order(c: &Connection, user_id: i64, id: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE coupon_users SET status = 2, date_use = ?3, date_update = ?3
         WHERE id = ?1 AND user_id = ?2 AND status = 0 AND date_end > ?3",
        )?
        .execute(params![id, user_id, now])?;
    Ok(n == 1)
}

/// Moves a usable coupon from one shopper to another; false when it was not the giver's to give.
pub fn transfer(c: &Connection, from: i64, to: i64, id: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE coupon_users SET user_id = ?3, date_update = ?4
         WHERE id = ?1 AND user_id = ?2 AND status = 0 AND date_end > ?4",
        )?
        .execute(params![id, from, to, now])?;
    Ok(n == 1)
}

/// Marks usable coupons whose validity ended as expired; how many.
pub fn expire(c: &Connection, now: i64, limit: i64) -> Result<usize> {
    Ok(c.prepare_cached(
        "UPDATE coupon_users SET status = 3, date_update = ?1
         WHERE id IN (SELECT id FROM coupon_users WHERE status = 0 AND date_end <= ?1 LIMIT ?2)",
    )?
    .execute(params![now, limit])?)
}

/// The category of a goods, if it exists and has one.
pub fn goods_category(c: &Connection, goods_id: i64) -> Result<Option<i64>> {
    Ok(c.prepare_cached("SELECT category_id FROM goods WHERE id = ?1")?
        .query_row([goods_id], |r| r.get::<_, Option<i64>>(0))
        .optional()?
        .flatten())
}

// ---- exchange codes ----

#[derive(Debug, Clone)]
pub struct Code {
    pub id: i64,
    pub rule_id: i64,
    pub number: String,
    pub pwd: String,
    pub user_id: Option<i64>,
    pub date_add: i64,
    pub date_used: Option<i64>,
}

fn code_row(r: &Row) -> rusqlite::Result<Code> {
    Ok(Code {
        id: r.get(0)?,
        rule_id: r.get(1)?,
        number: r.get(2)?,
        pwd: r.get(3)?,
        user_id: r.get(4)?,
        date_add: r.get(5)?,
        date_used: r.get(6)?,
    })
}

/// Stores an exchange code; false when the number exists already.
pub fn insert_code(c: &Connection, rule_id: i64, number: &str, pwd: &str, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "INSERT OR IGNORE INTO coupon_codes (rule_id, number, pwd, date_add) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![rule_id, number, pwd, now])?;
    Ok(n == 1)
}

/// A rule's codes, newest first; (page, total). `limit` 0 = all (CSV export).
pub fn codes_of(c: &Connection, rule_id: i64, offset: i64, limit: i64) -> Result<(Vec<Code>, i64)> {
    let total =
        c.query_row("SELECT count(*) FROM coupon_codes WHERE rule_id = ?1", [rule_id], |r| r.get(0))?;
    let limit = if limit == 0 { -1 } else { limit };
    let mut st = c.prepare_cached(
        "SELECT id, rule_id, number, pwd, user_id, date_add, date_used FROM coupon_codes
         WHERE rule_id = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = st.query_map(params![rule_id, limit, offset], code_row)?.collect::<rusqlite::Result<_>>()?;
    Ok((rows, total))
}

/// Claims an unused code with the right password for `user_id`; its rule, or None.
pub fn claim_code(
    c: &Connection,
    number: &str,
    pwd: &str,
    user_id: i64,
    now: i64,
) -> Result<Option<(i64, i64)>> {
    Ok(c.prepare_cached(
        "UPDATE coupon_codes SET user_id = ?3, date_used = ?4
         WHERE number = ?1 AND pwd = ?2 AND date_used IS NULL RETURNING id, rule_id",
    )?
    .query_row(params![number, pwd, user_id, now], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()?)
}

/// True when a code with this number exists and was used already.
pub fn code_used(c: &Connection, number: &str) -> Result<bool> {
    Ok(c.prepare_cached("SELECT date_used IS NOT NULL FROM coupon_codes WHERE number = ?1")?
        .query_row([number], |r| r.get::<_, bool>(0))
        .optional()?
        .unwrap_or(false))
}

/// Records which coupon a claimed code gave.
pub fn set_code_coupon(c: &Connection, code_id: i64, coupon_user_id: i64) -> Result<()> {
    c.execute("UPDATE coupon_codes SET coupon_user_id = ?2 WHERE id = ?1", params![code_id, coupon_user_id])?;
    Ok(())
}

// ---- merge rules ----

#[derive(Debug, Clone)]
pub struct Merge {
    pub id: i64,
    pub name: String,
    pub rule_id: i64,
    pub rule_name: String,
    pub status: i64,
    /// (rule id, rule name, number needed).
    pub parts: Vec<(i64, String, i64)>,
}

fn merge_parts(c: &Connection, merge_id: i64) -> Result<Vec<(i64, String, i64)>> {
    let mut st = c.prepare_cached(
        "SELECT p.rule_id, r.name, p.number FROM coupon_merge_parts p JOIN coupon_rules r ON r.id = p.rule_id
         WHERE p.merge_id = ?1 ORDER BY p.rule_id",
    )?;
    let rows = st
        .query_map([merge_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn merges_where(c: &Connection, filter: &str, arg: i64) -> Result<Vec<Merge>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT m.id, m.name, m.rule_id, r.name, m.status FROM coupon_merges m
         JOIN coupon_rules r ON r.id = m.rule_id WHERE {filter} ORDER BY m.id DESC"
    ))?;
    let heads: Vec<Merge> = st
        .query_map([arg], |r| {
            Ok(Merge {
                id: r.get(0)?,
                name: r.get(1)?,
                rule_id: r.get(2)?,
                rule_name: r.get(3)?,
                status: r.get(4)?,
                parts: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    heads
        .into_iter()
        .map(|mut m| {
            m.parts = merge_parts(c, m.id)?;
            Ok(m)
        })
        .collect()
}

/// Merge rules that are switched on.
pub fn open_merges(c: &Connection) -> Result<Vec<Merge>> {
    merges_where(c, "m.status = ?1", 0)
}

/// Every merge rule (console).
pub fn all_merges(c: &Connection) -> Result<Vec<Merge>> {
    merges_where(c, "m.status >= ?1", 0)
}

/// One merge rule.
pub fn merge(c: &Connection, id: i64) -> Result<Option<Merge>> {
    Ok(merges_where(c, "m.id = ?1", id)?.into_iter().next())
}

/// Stores a merge rule: hand in `parts` (rule id, number), get one `rule_id`. Its id.
pub fn insert_merge(c: &Connection, name: &str, rule_id: i64, parts: &[(i64, i64)], now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO coupon_merges (name, rule_id, date_add) VALUES (?1, ?2, ?3)",
        params![name, rule_id, now],
    )?;
    let id = c.last_insert_rowid();
    let mut st =
        c.prepare_cached("INSERT INTO coupon_merge_parts (merge_id, rule_id, number) VALUES (?1, ?2, ?3)")?;
    for (rule, number) in parts {
        st.execute(params![id, rule, number])?;
    }
    Ok(id)
}

/// Deletes a merge rule; false when there is none.
pub fn delete_merge(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM coupon_merges WHERE id = ?1", [id])? == 1)
}
