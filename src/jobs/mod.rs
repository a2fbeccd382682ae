//! Background jobs: named threads that run a job's `run_once` every interval until shutdown.

pub mod auto_review;
pub mod cleanup;
pub mod close_unpaid;
// bargain (kanjia)
pub mod confirm_receipt;
pub mod coupons;
pub mod kanjia_expiry;
// distribution (三级分销)
pub mod fx_settle;
pub mod levels;
// the templates' remaining pages: monthly member benefits
pub mod level_monthly;
pub mod outbox;
pub mod pay_reconcile;
// group buy (pingtuan)
pub mod pingtuan;
// waiting for sold-out goods
pub mod stock_notice;
pub mod wechat_refund;

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Running job threads; `stop` ends them promptly (they wait on a condvar, not a sleep).
pub struct Jobs {
    stop: Arc<(Mutex<bool>, Condvar)>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl Default for Jobs {
    fn default() -> Self {
        Jobs { stop: Arc::new((Mutex::new(false), Condvar::new())), threads: Mutex::new(Vec::new()) }
    }
}

impl Jobs {
    /// Starts a named thread that calls `step` now and then every `every`, until stopped.
    pub fn spawn(&self, name: &str, every: Duration, mut step: impl FnMut() + Send + 'static) {
        let stop = self.stop.clone();
        let handle = std::thread::Builder::new()
            .name(format!("job-{name}"))
            .spawn(move || loop {
                step();
                let (lock, cvar) = &*stop;
                let stopped = lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let (stopped, _) = cvar
                    .wait_timeout_while(stopped, every, |s| !*s)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if *stopped {
                    return;
                }
            })
            .expect("spawning a job thread");
        self.threads.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(handle);
    }

    /// Asks every job to stop and waits for the current runs to finish.
    pub fn stop(&self) {
        let (lock, cvar) = &*self.stop;
        *lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = true;
        cvar.notify_all();
        // The outbox job waits on its own wake-up between sweeps.
        crate::service::outbox::wake();
        for t in self.threads.lock().unwrap_or_else(std::sync::PoisonError::into_inner).drain(..) {
            let _ = t.join();
        }
    }
}

/// Starts every job of this build.
pub fn start(jobs: &Jobs, ctx: cleanup::Context, wechat: crate::wechat::WeChat) {
    let ctx = Arc::new(ctx);
    let levels_db = ctx.db.clone();
    let coupons_db = ctx.db.clone();
    let orders_db = ctx.db.clone();
    let pay_db = ctx.db.clone();
    let pay_wechat = wechat.clone();
    let (outbox_db, outbox_wechat) = (ctx.db.clone(), wechat.clone());
    jobs.spawn("cleanup", Duration::from_mins(10), move || {
        if let Err(e) = cleanup::run_once(&ctx, crate::db::unix_now()) {
            log::warn!("cleanup job: {e}");
        }
    });
    // Keeps the access token fresh ahead of expiry (real WeChat only: the sandbox starts with the server).
    jobs.spawn("wechat-token", Duration::from_mins(1), move || {
        if wechat.creds().is_ok_and(|c| !c.sandbox) {
            if let Err(e) = wechat.refresh_if_due() {
                log::warn!("wechat token refresh: {e}");
            }
        }
    });
    // Renews auto-renewing member levels before they expire and removes expired ones.
    jobs.spawn("levels", Duration::from_mins(10), move || {
        if let Err(e) = levels::run_once(&levels_db, crate::db::unix_now()) {
            log::warn!("member levels job: {e}");
        }
        if let Err(e) = level_monthly::run_once(&levels_db, crate::db::unix_now()) {
            log::warn!("monthly member benefits: {e}");
        }
    });
    // Expires ended coupons; ticks each minute and runs when the interval setting says it is due.
    let mut last_run: Option<std::time::Instant> = None;
    jobs.spawn("coupons", Duration::from_mins(1), move || {
        let every = Duration::from_secs(coupons::interval_secs(&coupons_db));
        if last_run.is_some_and(|t| t.elapsed() < every) {
            return;
        }
        last_run = Some(std::time::Instant::now());
        if let Err(e) = coupons::run_once(&coupons_db, crate::db::unix_now()) {
            log::warn!("coupon expiry job: {e}");
        }
    });
    // WeChat payments left pending: queried, applied when paid, closed when over.
    jobs.spawn("pay-reconcile", Duration::from_mins(1), move || {
        if let Err(e) = pay_reconcile::run_once(&pay_db, &pay_wechat, crate::db::unix_now()) {
            log::warn!("pay reconciliation: {e}");
        }
    });
    // The message outbox: drains what is due, then sleeps until a new message or the interval.
    jobs.spawn("outbox", Duration::from_millis(1), move || outbox::step(&outbox_db, &outbox_wechat));
    // Order deadlines: unpaid orders close, shipped ones are received, received ones reviewed.
    // The interval is the `orderJobIntervalSecs` setting as it was at start-up.
    let every =
        orders_db.read_sync(crate::service::order::OrderRules::load).map_or(60, |r| r.job_interval_secs);
    jobs.spawn("orders", Duration::from_secs(u64::try_from(every).unwrap_or(60)), move || {
        let now = crate::db::unix_now();
        if let Err(e) = close_unpaid::run_once(&orders_db, now) {
            log::warn!("closing unpaid orders: {e}");
        }
        if let Err(e) = confirm_receipt::run_once(&orders_db, now) {
            log::warn!("confirming receipts: {e}");
        }
        if let Err(e) = auto_review::run_once(&orders_db, now) {
            log::warn!("default reviews: {e}");
        }
        // bargain (kanjia)
        if let Err(e) = kanjia_expiry::run_once(&orders_db, now) {
            log::warn!("ending bargain sets: {e}");
        }
        // distribution (三级分销)
        if let Err(e) = fx_settle::run_once(&orders_db, now) {
            log::warn!("settling commissions: {e}");
        }
        // waiting for sold-out goods
        if let Err(e) = stock_notice::run_once(&orders_db, now) {
            log::warn!("telling shoppers goods is back: {e}");
        }
    });
}

/// Starts the WeChat refund job: every minute it queries refunds WeChat has not finished and
/// sends again those left pending or failed for a passing reason.
pub fn start_wechat_refund(jobs: &Jobs, db: crate::db::Db, wx: crate::service::wechat_refund::WxRefunds) {
    jobs.spawn("wechat_refund", Duration::from_mins(1), move || {
        if let Err(e) = wechat_refund::run_once(&db, &wx, crate::db::unix_now()) {
            log::warn!("wechat refund job: {e}");
        }
    });
}

// group buy (pingtuan)
/// Starts the group-buy job: every 30 seconds it fails the groups past their deadline (refunding
/// their paid members) and ends the sets past theirs, so a group fails within a minute.
pub fn start_pingtuan(jobs: &Jobs, db: crate::db::Db, wx: crate::service::wechat_refund::WxRefunds) {
    jobs.spawn("pingtuan", Duration::from_secs(30), move || {
        if let Err(e) = pingtuan::run_once(&db, Some(&wx), crate::db::unix_now()) {
            log::warn!("group buy job: {e}");
        }
    });
}
