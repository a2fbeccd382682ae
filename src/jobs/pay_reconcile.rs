//! Pay reconciliation: pending WeChat payments older than a few minutes (the notify may have been
//! lost), or whose orders were all closed, are asked of WeChat (orderquery). Paid ones are applied
//! exactly as the notify would (the same service function, so a racing notify changes nothing);
//! unpaid ones past their time, or whose orders are closed, are closed at WeChat and here. A
//! payment with refunds is never closed: its money was paid, and the refunds are returning it.

use crate::db::{self, Db};
use crate::service::error::{Error, Result};
use crate::service::payment::{self, Reconciled, RECONCILE_AFTER_SECS};
use crate::wechat::WeChat;

/// How many payments one run looks at; the rest wait for the next run.
const BATCH: i64 = 200;

/// Reconciles the payments due at `now`; how many changed (applied or closed).
pub fn run_once(db: &Db, wx: &WeChat, now: i64) -> Result<usize> {
    if wx.pay_creds().is_err() {
        // Pay is not configured: nothing can have been paid.
        return Ok(0);
    }
    let due = db.read_sync(|c| {
        db::payment::to_reconcile(c, now - RECONCILE_AFTER_SECS, BATCH).map_err(Error::from)
    })?;
    let mut changed = 0;
    for id in due {
        match payment::reconcile(db, wx, id, now) {
            Ok(Reconciled::Applied(_) | Reconciled::Closed) => changed += 1,
            Ok(_) => {}
            // One payment's failure (WeChat unreachable...) must not hold up the others.
            Err(e) => log::warn!("reconciling payment {id}: {e:?}"),
        }
    }
    Ok(changed)
}
