//! The shopper's accounts (`user_accounts`) and their immutable history (`ledger`).
//! Only service::ledger writes here, so a value never changes without its ledger row.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};
use std::fmt::Write as _;

/// One of a shopper's ledgered values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Account {
    /// Spendable money, fen.
    Balance,
    /// Money held back (withdrawals in progress, deposits), fen.
    Freeze,
    /// Points.
    Score,
    /// Growth points.
    Growth,
}

impl Account {
    pub const ALL: [Account; 4] = [Account::Balance, Account::Freeze, Account::Score, Account::Growth];

    /// The `ledger.account` value, which is also the `user_accounts` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Account::Balance => "balance",
            Account::Freeze => "freeze",
            Account::Score => "score",
            Account::Growth => "growth",
        }
    }
}

/// A shopper's accounts as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accounts {
    pub user_id: i64,
    pub balance: i64,
    pub freeze: i64,
    pub score: i64,
    pub growth: i64,
    pub totle_consumed: i64,
}

impl Accounts {
    pub fn get(&self, a: Account) -> i64 {
        match a {
            Account::Balance => self.balance,
            Account::Freeze => self.freeze,
            Account::Score => self.score,
            Account::Growth => self.growth,
        }
    }
}

fn accounts(r: &rusqlite::Row) -> rusqlite::Result<Accounts> {
    Ok(Accounts {
        user_id: r.get(0)?,
        balance: r.get(1)?,
        freeze: r.get(2)?,
        score: r.get(3)?,
        growth: r.get(4)?,
        totle_consumed: r.get(5)?,
    })
}

const ACCOUNT_COLUMNS: &str = "user_id, balance, freeze, score, growth, totle_consumed";

/// Creates the shopper's accounts row (all zero) unless it exists.
pub fn ensure_account(c: &Connection, user_id: i64, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO user_accounts (user_id, date_add, date_update) VALUES (?1, ?2, ?2)
         ON CONFLICT (user_id) DO NOTHING",
        params![user_id, now],
    )?;
    Ok(())
}

/// Adds `amount` to one account unless the result would be negative; the new value, or None
/// when refused. One conditional UPDATE, so two spends can never both pass a stale check.
pub fn apply(c: &Connection, user_id: i64, account: Account, amount: i64, now: i64) -> Result<Option<i64>> {
    let col = account.as_str();
    Ok(c.query_row(
        &format!(
            "UPDATE user_accounts SET {col} = {col} + ?2, date_update = ?3
             WHERE user_id = ?1 AND {col} + ?2 >= 0 RETURNING {col}"
        ),
        params![user_id, amount, now],
        |r| r.get(0),
    )
    .optional()?)
}

/// Adds spent money to the "total consumed" statistic.
pub fn add_consumed(c: &Connection, user_id: i64, fen: i64, now: i64) -> Result<()> {
    c.execute(
        "UPDATE user_accounts SET totle_consumed = totle_consumed + ?2, date_update = ?3 WHERE user_id = ?1",
        params![user_id, fen, now],
    )?;
    Ok(())
}

pub fn accounts_of(c: &Connection, user_id: i64) -> Result<Option<Accounts>> {
    Ok(c.query_row(
        &format!("SELECT {ACCOUNT_COLUMNS} FROM user_accounts WHERE user_id = ?1"),
        [user_id],
        accounts,
    )
    .optional()?)
}

/// A ledger row about to be written.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub user_id: i64,
    pub account: Account,
    pub amount: i64,
    pub after: i64,
    pub reason: &'a str,
    pub source_type: &'a str,
    pub source_id: &'a str,
}

pub fn insert(c: &Connection, e: &NewEntry, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO ledger (user_id, account, amount, after, reason, source_type, source_id, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![e.user_id, e.account.as_str(), e.amount, e.after, e.reason, e.source_type, e.source_id, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// The sum of a shopper's rows in one account from one source (`source_type`, `source_id`):
/// e.g. the points given for an order.
pub fn total_from(
    c: &Connection,
    user_id: i64,
    account: Account,
    source_type: &str,
    source_id: &str,
) -> Result<i64> {
    Ok(c.prepare_cached(
        "SELECT coalesce(sum(amount), 0) FROM ledger
         WHERE source_type = ?3 AND source_id = ?4 AND user_id = ?1 AND account = ?2",
    )?
    .query_row(params![user_id, account.as_str(), source_type, source_id], |r| r.get(0))?)
}

/// Every accounts row (for the consistency check).
pub fn all_accounts(c: &Connection) -> Result<Vec<Accounts>> {
    let mut st = c.prepare(&format!("SELECT {ACCOUNT_COLUMNS} FROM user_accounts ORDER BY user_id"))?;
    let rows = st.query_map([], accounts)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Per shopper and account: the sum of the ledger rows and the `after` of the newest one.
pub fn ledger_totals(c: &Connection) -> Result<Vec<(i64, String, i64, i64)>> {
    let mut st = c.prepare(
        "SELECT user_id, account, sum(amount),
                (SELECT l2.after FROM ledger l2 WHERE l2.user_id = l.user_id AND l2.account = l.account
                 ORDER BY l2.id DESC LIMIT 1)
         FROM ledger l GROUP BY user_id, account ORDER BY user_id, account",
    )?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Rows whose `after` is not the previous row's `after` plus their amount: (id, user, account, expected).
pub fn broken_chain(c: &Connection, limit: i64) -> Result<Vec<(i64, i64, String, i64)>> {
    let mut st = c.prepare(
        "SELECT id, user_id, account, before + amount FROM (
             SELECT id, user_id, account, amount, after,
                    lag(after, 1, 0) OVER (PARTITION BY user_id, account ORDER BY id) AS before
             FROM ledger)
         WHERE before + amount <> after ORDER BY id LIMIT ?1",
    )?;
    let rows = st.query_map([limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One ledger row as written.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub user_id: i64,
    /// `balance`, `freeze`, `score` or `growth`.
    pub account: String,
    pub amount: i64,
    pub after: i64,
    pub reason: String,
    pub source_type: String,
    pub source_id: String,
    pub date_add: i64,
}

/// Which of a shopper's ledger rows a list shows; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    /// The accounts shown (at least one).
    pub accounts: Vec<Account>,
    /// Some(true): only money in (amount > 0); Some(false): only money out.
    pub income: Option<bool>,
    /// Only rows of these sources.
    pub sources: Vec<String>,
    /// Only rows about this thing (with `sources`, e.g. one order).
    pub source_id: Option<String>,
    /// The reason contains this text.
    pub reason_like: Option<String>,
    /// Written at or after (unix seconds).
    pub since: Option<i64>,
    /// Written before (unix seconds).
    pub before: Option<i64>,
}

fn entry(r: &rusqlite::Row) -> rusqlite::Result<Entry> {
    Ok(Entry {
        id: r.get(0)?,
        user_id: r.get(1)?,
        account: r.get(2)?,
        amount: r.get(3)?,
        after: r.get(4)?,
        reason: r.get(5)?,
        source_type: r.get(6)?,
        source_id: r.get(7)?,
        date_add: r.get(8)?,
    })
}

/// A page of the shopper's ledger rows, newest first, and how many match.
pub fn entries_of(
    c: &Connection,
    user_id: i64,
    f: &EntryFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Entry>, i64)> {
    use rusqlite::types::Value;
    let mut sql = String::from(" FROM ledger WHERE user_id = ?");
    let mut args: Vec<Value> = vec![Value::Integer(user_id)];
    let marks = |n: usize| vec!["?"; n].join(", ");
    let _ = write!(sql, " AND account IN ({})", marks(f.accounts.len()));
    args.extend(f.accounts.iter().map(|a| Value::Text(a.as_str().into())));
    match f.income {
        Some(true) => sql.push_str(" AND amount > 0"),
        Some(false) => sql.push_str(" AND amount < 0"),
        None => {}
    }
    if !f.sources.is_empty() {
        let _ = write!(sql, " AND source_type IN ({})", marks(f.sources.len()));
        args.extend(f.sources.iter().map(|s| Value::Text(s.clone())));
    }
    if let Some(id) = &f.source_id {
        sql.push_str(" AND source_id = ?");
        args.push(Value::Text(id.clone()));
    }
    if let Some(text) = &f.reason_like {
        sql.push_str(" AND instr(reason, ?) > 0");
        args.push(Value::Text(text.clone()));
    }
    if let Some(t) = f.since {
        sql.push_str(" AND date_add >= ?");
        args.push(Value::Integer(t));
    }
    if let Some(t) = f.before {
        sql.push_str(" AND date_add < ?");
        args.push(Value::Integer(t));
    }
    let total: i64 =
        c.query_row(&format!("SELECT count(*){sql}"), rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
    args.push(Value::Integer(limit));
    args.push(Value::Integer(offset));
    let mut st = c.prepare(&format!(
        "SELECT id, user_id, account, amount, after, reason, source_type, source_id, date_add{sql}
         ORDER BY id DESC LIMIT ? OFFSET ?"
    ))?;
    let rows = st.query_map(rusqlite::params_from_iter(args.iter()), entry)?;
    Ok((rows.collect::<rusqlite::Result<Vec<_>>>()?, total))
}
