//! Closes unpaid orders whose deadline (`close_at`, set at checkout from the shop's
//! `orderCloseMinutes`) has passed, giving back their stock, points and coupon. Driven by the
//! deadline column alone, so a restart or a late run loses nothing; the close is a conditional
//! UPDATE on status 0, so an order paid meanwhile is never closed.

use crate::db::{self, Db};
use crate::service::error::{Error, Result};
use crate::service::order;
use crate::service::outbox::{self, ShopEvent};

/// How many orders one run looks at; the rest wait for the next run.
const BATCH: i64 = 500;

/// Closes the orders due at `now`, each in its own transaction; how many it closed.
pub fn run_once(db: &Db, now: i64) -> Result<usize> {
    let due = db.read_sync(|c| db::order::unpaid_due(c, now, BATCH).map_err(Error::from))?;
    let mut closed = 0;
    for id in due {
        match db.write_sync(|c| close_for_timeout(c, id, now)) {
            Ok(true) => closed += 1,
            Ok(false) => {}
            // One order's failure must not hold up the others; it is retried next run.
            Err(e) => log::warn!("closing unpaid order {id}: {e:?}"),
        }
    }
    Ok(closed)
}

/// Closes one overdue order and tells its shopper (when the shop maps that event to a template).
fn close_for_timeout(c: &rusqlite::Connection, id: i64, now: i64) -> Result<bool> {
    let closed = order::close(c, id, "超时未支付，系统自动关闭", now)?;
    if closed {
        if let Some(o) = db::order::order(c, id)? {
            outbox::enqueue_event(c, o.fields.user_id, ShopEvent::OrderClosed { order_id: id }, now)?;
        }
    }
    Ok(closed)
}
