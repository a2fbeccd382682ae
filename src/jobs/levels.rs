//! Member level expiry: renews auto-renewing levels from the balance shortly before they run out,
//! and removes levels that have run out. Driven by `date_expire` alone, so a restart or a late
//! run changes nothing (a level past its expiry already reads as lapsed).

use crate::db::{self, Db};
use crate::service::error::{Error, Result};
use crate::service::levels::{self, Expiry, RENEW_AHEAD};

/// How many holdings one run looks at; the rest wait for the next run.
const BATCH: i64 = 500;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub renewed: usize,
    pub lapsed: usize,
    /// Shoppers whose transaction failed (logged; retried next run).
    pub failed: usize,
}

/// Renews or ends the levels due at `now`; each shopper in their own transaction.
pub fn run_once(db: &Db, now: i64) -> Result<Swept> {
    let due = db.read_sync(|c| db::levels::expiring(c, now + RENEW_AHEAD, BATCH).map_err(Error::from))?;
    let mut swept = Swept::default();
    for cur in due {
        match db.write_sync(|c| levels::renew_or_lapse(c, cur.user_id, now)) {
            Ok(Expiry::Renewed) => swept.renewed += 1,
            Ok(Expiry::Lapsed) => swept.lapsed += 1,
            Ok(Expiry::Left) => {}
            // One shopper's failure must not hold up the others.
            Err(e) => {
                log::warn!("member level of user {}: {e:?}", cur.user_id);
                swept.failed += 1;
            }
        }
    }
    Ok(swept)
}
