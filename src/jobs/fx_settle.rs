//! Commission settlement: pending commission whose order was received and whose freeze days have
//! passed goes into the earner's balance (or points) through the ledger. Driven by
//! `fx_commissions.settle_after` alone, each row settled by a conditional UPDATE: a late or
//! repeated run settles nothing twice.

use crate::db::Db;
use crate::service::error::Result;
use crate::service::fx;

/// How many commissions one transaction settles; a run repeats until none are due.
const BATCH: i64 = 500;

/// Settles every commission due at `now`; how many.
pub fn run_once(db: &Db, now: i64) -> Result<usize> {
    let mut total = 0;
    loop {
        let n = db.write_sync(|c| fx::settle_due(c, now, BATCH))?;
        total += n;
        if i64::try_from(n).unwrap_or(BATCH) < BATCH {
            return Ok(total);
        }
    }
}
