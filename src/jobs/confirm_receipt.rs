//! Confirms receipt of orders shipped more than `orderAutoConfirmDays` ago (2 → 3), for shoppers
//! who never press "确认收货". Driven by `date_ship`, so restarts lose nothing.

use crate::db::{self, Db};
use crate::service::error::{Error, Result};
use crate::service::order::{self, OrderRules};

const BATCH: i64 = 500;

/// Confirms the orders due at `now`, each in its own transaction; how many.
pub fn run_once(db: &Db, now: i64) -> Result<usize> {
    let rules = db.read_sync(OrderRules::load)?;
    let cutoff = now - rules.auto_confirm_days * 86_400;
    let due = db.read_sync(|c| db::order::shipped_before(c, cutoff, BATCH).map_err(Error::from))?;
    let mut done = 0;
    for id in due {
        match db.write_sync(|c| order::auto_confirm(c, id, now)) {
            Ok(true) => done += 1,
            Ok(false) => {}
            Err(e) => log::warn!("confirming receipt of order {id}: {e:?}"),
        }
    }
    Ok(done)
}
