//! Deletes uploads whose `expireHours` have passed.

use std::path::PathBuf;

use crate::db::{self, Db};
use crate::service::error::{Error, Result};

pub struct Context {
    pub db: Db,
    pub uploads_dir: PathBuf,
}

/// Removes up to 500 expired uploads (file and row); returns how many went.
pub fn run_once(ctx: &Context, now: i64) -> Result<usize> {
    let expired = ctx.db.read_sync(|c| db::upload::expired(c, now, 500).map_err(Error::from))?;
    let mut n = 0;
    for u in expired {
        if crate::service::upload::remove(&ctx.db, &ctx.uploads_dir, u.id)? {
            n += 1;
        }
    }
    Ok(n)
}
