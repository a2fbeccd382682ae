//! Coupon expiry: usable coupons whose validity ended become expired (status 3), so lists and
//! checkout read one state. Coupons locked by an order are left to the order (release() expires
//! them when the order gives them back). Driven by `date_end` alone: a late run changes nothing.

use crate::db::{self, Db};
use crate::service::coupons;
use crate::service::error::{Error, Result};

/// How many coupons one transaction expires; a run repeats until none are due.
const BATCH: i64 = 1000;

/// The setting (seconds between runs) and its default.
pub const INTERVAL_KEY: &str = crate::settings::keys::COUPON_EXPIRY_INTERVAL_SECS;
pub const DEFAULT_INTERVAL_SECS: u64 = 600;

/// Expires every coupon due at `now`; how many.
pub fn run_once(db: &Db, now: i64) -> Result<usize> {
    let mut total = 0;
    loop {
        let n = db.write_sync(|c| coupons::expire_due(c, now, BATCH))?;
        total += n;
        if (n as i64) < BATCH {
            return Ok(total);
        }
    }
}

/// Seconds between runs: the setting when it is a number from 10 up, else the default.
pub fn interval_secs(db: &Db) -> u64 {
    db.read_sync(|c| db::settings::get_setting(c, INTERVAL_KEY).map_err(Error::from))
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s >= 10)
        .unwrap_or(DEFAULT_INTERVAL_SECS)
}
