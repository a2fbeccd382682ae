//! Group buy deadlines: groups still short at their deadline fail (every paid member is refunded,
//! unpaid member orders close) and sets whose end has passed are marked ended. Restart-safe and
//! idempotent: the state lives in the database, and failing a group is one guarded status move
//! (a group already finished is left alone). WeChat refunds are asked for after each group's
//! transaction commits; one that cannot be sent now stays pending for the WeChat refund job.

use crate::db::Db;
use crate::service::error::{Error, Result};
use crate::service::order::GROUP_ORDERS;
use crate::service::pingtuan;
use crate::service::wechat_refund::{self, WxRefunds};

/// Groups failed per run at most (the next run, a minute later, takes the rest).
const BATCH: i64 = 200;

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub failed: usize,
    pub sets_ended: usize,
    pub wechat_refunds: usize,
}

/// Fails the groups due at `now` and ends the sets due; WeChat refunds are sent when `wx` is given.
pub fn run_once(db: &Db, wx: Option<&WxRefunds>, now: i64) -> Result<Swept> {
    let mut swept = Swept::default();
    for id in db.read_sync(|c| pingtuan::due(c, now, BATCH))? {
        let refunds = match db
            .write_sync(|c| pingtuan::fail(c, id, "拼团超时未成团，订单已退款", now, GROUP_ORDERS))
        {
            Ok(r) => r,
            // Finished meanwhile (filled, or failed by the merchant): nothing to do.
            Err(Error::Refused(_)) => continue,
            Err(e) => {
                log::warn!("pingtuan job, group {id}: {e}");
                continue;
            }
        };
        swept.failed += 1;
        for r in refunds {
            swept.wechat_refunds += 1;
            if let Some(wx) = wx {
                if let Err(e) = wechat_refund::send(db, wx, r) {
                    log::warn!("pingtuan job, wechat refund {r}: {e}");
                }
            }
        }
    }
    swept.sets_ended = db.write_sync(|c| pingtuan::end_expired(c, now))?;
    Ok(swept)
}
