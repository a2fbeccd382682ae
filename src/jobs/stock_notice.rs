//! Tells shoppers waiting for sold-out goods that it is back (service::stock_notice). Driven by
//! the registrations' status: a restart or a late run loses nothing, and each is told once.

use crate::db::Db;
use crate::service::error::Result;

/// Tells the waiting shoppers whose goods has stock again; how many were told.
pub fn run_once(db: &Db, now: i64) -> Result<usize> {
    db.write_sync(|c| crate::service::stock_notice::notify_back_in_stock(c, now))
}
