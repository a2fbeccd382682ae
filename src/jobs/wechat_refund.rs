//! Refunds to WeChat that need another look: ones left pending (the process stopped between the
//! decision and the call), ones WeChat accepted but never notified (refundquery), and failed
//! ones whose error may pass (sent again under the same out_refund_no, a few times at most).

use crate::db::wechat_refund::{self as rows, state};
use crate::db::Db;
use crate::service::error::{Error, Result};
use crate::service::wechat_refund::{self, WxRefunds};
use crate::wechat::refund::TRANSIENT;

/// A refund untouched this long (seconds) is looked at; younger ones are still in someone's hands.
pub const IDLE: i64 = 60;
/// Refund calls after which a failed refund waits for the merchant's retry.
pub const MAX_ATTEMPTS: i64 = 5;

/// Looks at up to 50 open refunds; how many it queried or sent.
pub fn run_once(db: &Db, wx: &WxRefunds, now: i64) -> Result<usize> {
    let open = db
        .read_sync(|c| rows::open_for_job(c, now - IDLE, TRANSIENT, MAX_ATTEMPTS, 50).map_err(Error::from))?;
    let n = open.len();
    for r in open {
        let done = match r.status.as_str() {
            state::PROCESSING => wechat_refund::query_now(db, wx, r.id),
            _ => wechat_refund::send(db, wx, r.id),
        };
        if let Err(e) = done {
            log::warn!("wechat_refund job, refund {}: {e}", r.out_refund_no);
        }
    }
    Ok(n)
}
