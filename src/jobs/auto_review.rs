//! Leaves a default good review (5 stars, "系统默认好评") on every unreviewed line of orders
//! received more than `orderAutoReviewDays` ago, completing them (3 → 4). Driven by
//! `date_receive`, so restarts lose nothing.

use crate::db::{self, Db};
use crate::service::error::{Error, Result};
use crate::service::order::{self, OrderRules};

const BATCH: i64 = 500;

/// Reviews the orders due at `now`, each in its own transaction; how many.
pub fn run_once(db: &Db, now: i64) -> Result<usize> {
    let rules = db.read_sync(OrderRules::load)?;
    let cutoff = now - rules.auto_review_days * 86_400;
    let due = db.read_sync(|c| db::order::received_before(c, cutoff, BATCH).map_err(Error::from))?;
    let mut done = 0;
    for id in due {
        match db.write_sync(|c| order::auto_review(c, id, now)) {
            Ok(true) => done += 1,
            Ok(false) => {}
            Err(e) => log::warn!("reviewing order {id}: {e:?}"),
        }
    }
    Ok(done)
}
