//! Monthly member benefits: grants each member with a live level this month's points and coupons
//! once (service::level_monthly). Driven by the grants recorded, so a restart or a late run
//! changes nothing and a member who joins mid-month gets the month at the next run.

use crate::db::{self, Db};
use crate::service::error::{Error, Result};
use crate::service::level_monthly;

/// How many members one run grants; the rest wait for the next run.
const BATCH: i64 = 500;

/// Grants the benefits due at `now`, each member in their own transaction; how many were granted.
pub fn run_once(db: &Db, now: i64) -> Result<usize> {
    let month = level_monthly::month_of(now);
    let due = db.read_sync(|c| db::level_monthly::due(c, &month, now, BATCH).map_err(Error::from))?;
    let mut granted = 0;
    for d in due {
        match db.write_sync(|c| level_monthly::grant(c, &d, now)) {
            Ok(true) => granted += 1,
            Ok(false) => {}
            // One member's failure must not hold up the others.
            Err(e) => log::warn!("monthly benefits of user {}: {e:?}", d.user_id),
        }
    }
    Ok(granted)
}
