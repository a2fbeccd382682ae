//! Limits on password tries and registrations. An attempt is counted in SQLite, in one write
//! transaction, BEFORE its argon2 work (`service::password`), and counts as a failure until the
//! password proves right: so however many requests arrive together, at most [`TRIES`] passwords
//! per account and address are ever checked in [`TRY_WINDOW`], and a restart lifts nothing.
//!
//! Every try also counts against its address ([`ADDRESS_TRIES`]), whatever the account, so
//! guessing many (or unknown) account names from one address stops too; an unknown account is
//! counted exactly like a known one, so the limits do not tell which accounts exist.

use std::net::IpAddr;

use rusqlite::Connection;

use super::codes::wait_text;
use crate::db::{self, attempts as store, Db};
use crate::service::error::{Error, Result};

/// Wrong passwords allowed per account and address within [`TRY_WINDOW`].
pub const TRIES: usize = 5;
/// Password tries allowed per address within [`TRY_WINDOW`], over all accounts (unknown ones too).
pub const ADDRESS_TRIES: usize = 20;
/// The sliding window password tries are counted in (seconds).
pub const TRY_WINDOW: i64 = 15 * 60;
/// Registrations (by username, mobile or e-mail) allowed per address within [`REGISTRATION_WINDOW`].
pub const REGISTRATIONS: usize = 20;
pub const REGISTRATION_WINDOW: i64 = 60 * 60;

/// Which login a try is for; each has its own counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// The merchant's console (/admin).
    Console,
    /// Shopper accounts (mobile, username, e-mail).
    Shop,
}

impl Door {
    fn name(self) -> &'static str {
        match self {
            Door::Console => "console",
            Door::Shop => "shop",
        }
    }
}

/// A refusal: no try left until `secs` from now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locked {
    pub secs: i64,
}

impl Locked {
    /// The wait in words ("12 分钟", "45 秒").
    pub fn wait(self) -> String {
        wait_text(self.secs)
    }
}

/// A counted attempt. It keeps counting (as a failure, for a try) unless [`succeeded`] or
/// [`release`] say otherwise.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The per-account key, whose failures a right password forgets (None for a registration).
    account_key: Option<String>,
    /// This attempt's own rows.
    ids: Vec<i64>,
}

/// The address an attempt is counted against: an IPv4 address, or the /64 of an IPv6 one (a
/// single machine usually holds a whole /64).
pub fn address(ip: Option<IpAddr>) -> String {
    match ip.map(|ip| ip.to_canonical()) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        None => "-".to_string(),
    }
}

fn account_key(door: Door, account: &str, addr: &str) -> String {
    let account: String = account.trim().to_lowercase().chars().take(100).collect();
    format!("{}|{account}|{addr}", door.name())
}

/// Counts a password try for `account` (any name the caller was given, existing or not) from
/// `ip`, before the password is checked. `Ok(Err(Locked))` when the account (from this address)
/// or the address has no try left.
pub async fn reserve_try(
    db: &Db,
    door: Door,
    account: &str,
    ip: Option<IpAddr>,
) -> Result<Result<Attempt, Locked>> {
    let addr = address(ip);
    let account_key = account_key(door, account, &addr);
    let address_key = format!("{}@{addr}", door.name());
    db.write(move |c| {
        let now = db::unix_now();
        let limits =
            [(account_key.as_str(), TRIES, TRY_WINDOW), (address_key.as_str(), ADDRESS_TRIES, TRY_WINDOW)];
        Ok(take(c, &limits, now)?.map(|ids| Attempt { account_key: Some(account_key), ids }))
    })
    .await
}

/// Counts a registration from `ip` before its password is hashed.
pub async fn reserve_registration(db: &Db, ip: Option<IpAddr>) -> Result<Result<Attempt, Locked>> {
    let addr = address(ip);
    db.write(move |c| Ok(take_registration(c, &addr, db::unix_now())?)).await
}

/// [`reserve_registration`] inside the caller's transaction (a registration that hashes nothing).
pub fn take_registration(c: &Connection, addr: &str, now: i64) -> db::Result<Result<Attempt, Locked>> {
    let key = format!("register@{addr}");
    Ok(take(c, &[(key.as_str(), REGISTRATIONS, REGISTRATION_WINDOW)], now)?
        .map(|ids| Attempt { account_key: None, ids }))
}

/// Counts one attempt against every key, or none when any key is full (then the longest wait).
fn take(c: &Connection, limits: &[(&str, usize, i64)], now: i64) -> db::Result<Result<Vec<i64>, Locked>> {
    store::prune(c, now)?;
    let mut wait = 0;
    for &(key, limit, _) in limits {
        let live = store::live(c, key, now)?;
        if live.len() >= limit {
            // Free again when enough of the oldest rows have left the window.
            wait = wait.max(live[live.len() - limit] - now);
        }
    }
    if wait > 0 {
        return Ok(Err(Locked { secs: wait }));
    }
    let ids = limits.iter().map(|&(key, _, window)| store::insert(c, key, now + window));
    Ok(Ok(ids.collect::<db::Result<_>>()?))
}

/// The password was right: the account's failures from this address are forgotten, and this try
/// stops counting against the address (its earlier failures there stay). In the caller's
/// transaction, so it lands with what the success does.
pub fn succeeded(c: &Connection, attempt: &Attempt) -> db::Result<()> {
    if let Some(key) = &attempt.account_key {
        store::clear(c, key)?;
    }
    for &id in &attempt.ids {
        store::delete(c, id)?;
    }
    Ok(())
}

/// The attempt was never checked (the password pool was busy): it stops counting.
pub async fn release(db: &Db, attempt: &Attempt) {
    let ids = attempt.ids.clone();
    let done = db
        .write(move |c| {
            for id in ids {
                store::delete(c, id)?;
            }
            Ok::<_, Error>(())
        })
        .await;
    if let Err(e) = done {
        log::warn!("an unchecked attempt still counts: {e}");
    }
}

/// Passes the outcome of an attempt's password work on; a "busy" pool means the password was
/// never checked, so the attempt stops counting.
pub async fn unless_busy<T>(db: &Db, attempt: &Attempt, outcome: Result<T>) -> Result<T> {
    if matches!(outcome, Err(Error::Busy)) {
        release(db, attempt).await;
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        db::migrate::run(&mut c).unwrap();
        c
    }

    #[test]
    fn addresses_are_v4_or_the_v6_64() {
        assert_eq!(address(Some("10.0.0.7".parse().unwrap())), "10.0.0.7");
        assert_eq!(address(Some("::ffff:10.0.0.7".parse().unwrap())), "10.0.0.7");
        assert_eq!(address(Some("2001:db8:1:2:3:4:5:6".parse().unwrap())), "2001:db8:1:2::/64");
        assert_eq!(address(Some("2001:db8:1:2:ffff::1".parse().unwrap())), "2001:db8:1:2::/64");
        assert_eq!(address(None), "-");
    }

    #[test]
    fn a_key_takes_its_limit_then_waits_for_its_oldest_row_to_leave_the_window() {
        let c = conn();
        let limits = [("k", 3, 100)];
        for now in [1000, 1010, 1020] {
            assert!(take(&c, &limits, now).unwrap().is_ok());
        }
        assert_eq!(take(&c, &limits, 1030).unwrap(), Err(Locked { secs: 70 }));
        assert!(take(&c, &limits, 1100).unwrap().is_ok(), "the first row has left the window");
        assert_eq!(take(&c, &limits, 1101).unwrap(), Err(Locked { secs: 9 }));
    }

    #[test]
    fn a_full_address_refuses_every_account_and_counts_nothing() {
        let c = conn();
        for i in 0..ADDRESS_TRIES {
            let key = account_key(Door::Shop, &format!("u{i}"), "1.2.3.4");
            let limits = [(key.as_str(), TRIES, TRY_WINDOW), ("shop@1.2.3.4", ADDRESS_TRIES, TRY_WINDOW)];
            assert!(take(&c, &limits, 1000).unwrap().is_ok());
        }
        let key = account_key(Door::Shop, "fresh", "1.2.3.4");
        let limits = [(key.as_str(), TRIES, TRY_WINDOW), ("shop@1.2.3.4", ADDRESS_TRIES, TRY_WINDOW)];
        assert_eq!(take(&c, &limits, 1060).unwrap(), Err(Locked { secs: TRY_WINDOW - 60 }));
        assert!(store::live(&c, &key, 1060).unwrap().is_empty());
    }

    #[test]
    fn success_forgets_the_accounts_failures_and_its_own_address_row() {
        let c = conn();
        let key = account_key(Door::Console, " Admin ", "-");
        assert_eq!(key, "console|admin|-");
        let limits = [(key.as_str(), TRIES, TRY_WINDOW), ("console@-", ADDRESS_TRIES, TRY_WINDOW)];
        for _ in 0..3 {
            take(&c, &limits, 1000).unwrap().unwrap();
        }
        let ids = take(&c, &limits, 1000).unwrap().unwrap();
        succeeded(&c, &Attempt { account_key: Some(key.clone()), ids }).unwrap();
        assert!(store::live(&c, &key, 1000).unwrap().is_empty());
        assert_eq!(store::live(&c, "console@-", 1000).unwrap().len(), 3);
    }
}
