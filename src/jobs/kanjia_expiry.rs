//! Marks bargain sets whose end has passed as ended. Reads already refuse an ended set by its
//! date; this step changes the row so the cached goods answers (which follow the catalogue epoch)
//! stop showing its bargain price. Idempotent: a conditional UPDATE on active sets.

use crate::db::Db;
use crate::service::error::Result;

/// Ends the sets due at `now`; how many it ended.
pub fn run_once(db: &Db, now: i64) -> Result<usize> {
    db.write_sync(|c| crate::service::kanjia::end_expired(c, now))
}
