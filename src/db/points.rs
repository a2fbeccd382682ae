//! Points beyond the ledger itself: sign-in rules and sign-ins, shares to WeChat groups, and
//! the merchant's redemption codes. Balances move only through service::ledger.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// A sign-in reward: the points for the `continuous`-th day in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignRule {
    pub continuous: i64,
    pub score: i64,
}

/// Every sign-in rule, shortest streak first.
pub fn sign_rules(c: &Connection) -> Result<Vec<SignRule>> {
    let mut st = c.prepare("SELECT continuous, score FROM score_sign_rules ORDER BY continuous")?;
    let rows = st.query_map([], |r| Ok(SignRule { continuous: r.get(0)?, score: r.get(1)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Replaces all sign-in rules with `rules` (the caller owns the transaction).
pub fn replace_sign_rules(c: &Connection, rules: &[SignRule], now: i64) -> Result<()> {
    c.execute("DELETE FROM score_sign_rules", [])?;
    let mut st =
        c.prepare("INSERT INTO score_sign_rules (continuous, score, date_update) VALUES (?1, ?2, ?3)")?;
    for r in rules {
        st.execute(params![r.continuous, r.score, now])?;
    }
    Ok(())
}

/// One day a shopper signed in.
#[derive(Debug, Clone)]
pub struct Sign {
    pub id: i64,
    pub user_id: i64,
    /// Shop-local days since 1970-01-01.
    pub day: i64,
    pub continuous: i64,
    pub score: i64,
    pub date_add: i64,
}

const SIGN_COLUMNS: &str = "id, user_id, day, continuous, score, date_add";

fn sign(r: &rusqlite::Row) -> rusqlite::Result<Sign> {
    Ok(Sign {
        id: r.get(0)?,
        user_id: r.get(1)?,
        day: r.get(2)?,
        continuous: r.get(3)?,
        score: r.get(4)?,
        date_add: r.get(5)?,
    })
}

/// The shopper's sign-in on `day`, if any.
pub fn sign_on(c: &Connection, user_id: i64, day: i64) -> Result<Option<Sign>> {
    Ok(c.query_row(
        &format!("SELECT {SIGN_COLUMNS} FROM score_signs WHERE user_id = ?1 AND day = ?2"),
        params![user_id, day],
        sign,
    )
    .optional()?)
}

/// Records a sign-in; None when the shopper already signed in that day.
pub fn insert_sign(
    c: &Connection,
    user_id: i64,
    day: i64,
    continuous: i64,
    score: i64,
    now: i64,
) -> Result<Option<i64>> {
    let n = c.execute(
        "INSERT INTO score_signs (user_id, day, continuous, score, date_add) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (user_id, day) DO NOTHING",
        params![user_id, day, continuous, score, now],
    )?;
    Ok((n == 1).then(|| c.last_insert_rowid()))
}

/// A page of the shopper's sign-ins, newest first, within [since, before) (unix seconds).
pub fn signs_of(
    c: &Connection,
    user_id: i64,
    since: Option<i64>,
    before: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Sign>, i64)> {
    let (since, before) = (since.unwrap_or(i64::MIN), before.unwrap_or(i64::MAX));
    let filter = "FROM score_signs WHERE user_id = ?1 AND date_add >= ?2 AND date_add < ?3";
    let total =
        c.query_row(&format!("SELECT count(*) {filter}"), params![user_id, since, before], |r| r.get(0))?;
    let mut st =
        c.prepare(&format!("SELECT {SIGN_COLUMNS} {filter} ORDER BY day DESC LIMIT ?4 OFFSET ?5"))?;
    let rows = st.query_map(params![user_id, since, before, limit, offset], sign)?;
    Ok((rows.collect::<rusqlite::Result<Vec<_>>>()?, total))
}

/// Records points for a share to a group; false when that sharer was paid for the group that day.
pub fn insert_share(
    c: &Connection,
    user_id: i64,
    open_gid: &str,
    day: i64,
    score: i64,
    now: i64,
) -> Result<bool> {
    let n = c.execute(
        "INSERT INTO score_share_groups (user_id, open_gid, day, score, date_add) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (user_id, open_gid, day) DO NOTHING",
        params![user_id, open_gid, day, score, now],
    )?;
    Ok(n == 1)
}

/// How many groups the sharer was paid for on `day`.
pub fn shares_on(c: &Connection, user_id: i64, day: i64) -> Result<i64> {
    Ok(c.query_row(
        "SELECT count(*) FROM score_share_groups WHERE user_id = ?1 AND day = ?2",
        params![user_id, day],
        |r| r.get(0),
    )?)
}

/// A points redemption code.
#[derive(Debug, Clone)]
pub struct Code {
    pub id: i64,
    pub number: String,
    pub score: i64,
    pub batch: String,
    /// 0: never expires.
    pub date_end: i64,
    pub used_by: Option<i64>,
    pub date_used: i64,
    pub date_add: i64,
}

const CODE_COLUMNS: &str = "id, number, score, batch, date_end, used_by, date_used, date_add";

fn code(r: &rusqlite::Row) -> rusqlite::Result<Code> {
    Ok(Code {
        id: r.get(0)?,
        number: r.get(1)?,
        score: r.get(2)?,
        batch: r.get(3)?,
        date_end: r.get(4)?,
        used_by: r.get(5)?,
        date_used: r.get(6)?,
        date_add: r.get(7)?,
    })
}

/// Stores a new code; false when the number exists already.
pub fn insert_code(
    c: &Connection,
    number: &str,
    score: i64,
    batch: &str,
    date_end: i64,
    now: i64,
) -> Result<bool> {
    let n = c.execute(
        "INSERT INTO score_codes (number, score, batch, date_end, date_add) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (number) DO NOTHING",
        params![number, score, batch, date_end, now],
    )?;
    Ok(n == 1)
}

pub fn code_by_number(c: &Connection, number: &str) -> Result<Option<Code>> {
    Ok(c.query_row(&format!("SELECT {CODE_COLUMNS} FROM score_codes WHERE number = ?1"), [number], code)
        .optional()?)
}

/// Marks a code used by the shopper; false when someone used it first.
pub fn use_code(c: &Connection, id: i64, user_id: i64, now: i64) -> Result<bool> {
    let n = c.execute(
        "UPDATE score_codes SET used_by = ?2, date_used = ?3 WHERE id = ?1 AND date_used = 0",
        params![id, user_id, now],
    )?;
    Ok(n == 1)
}

/// A page of codes, newest first: all, or one batch; `used` filters used (true) or unused (false).
pub fn codes(
    c: &Connection,
    batch: Option<&str>,
    used: Option<bool>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Code>, i64)> {
    let used = used.map(i64::from);
    let filter = "FROM score_codes WHERE (?1 IS NULL OR batch = ?1)
                  AND (?2 IS NULL OR (date_used > 0) = (?2 = 1))";
    let total = c.query_row(&format!("SELECT count(*) {filter}"), params![batch, used], |r| r.get(0))?;
    let mut st = c.prepare(&format!("SELECT {CODE_COLUMNS} {filter} ORDER BY id DESC LIMIT ?3 OFFSET ?4"))?;
    let rows = st.query_map(params![batch, used, limit, offset], code)?;
    Ok((rows.collect::<rusqlite::Result<Vec<_>>>()?, total))
}
