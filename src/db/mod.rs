//! The SQLite store: a small pool of read connections and one writer connection.
//!
//! All SQL lives in this folder. Functions take a `&Connection` and return [`Result`] ([`Error`]);
//! the caller (a handler through [`Db::read`] / [`Db::write`], a job, a test) owns the transaction.

pub mod address;
pub mod admin;
pub mod attempts;
pub mod backups;
pub mod calendar;
pub mod cards;
pub mod cart;
pub mod catalog;
pub mod cms;
pub mod codes;
pub mod coupons;
pub mod dashboard;
pub mod deposit;
pub mod favourites;
pub mod follow;
pub mod freight;
pub mod friend;
// distribution (三级分销)
pub mod fx;
// partners, per-goods commission, claw-back, ranks and targets
pub mod fx_reports;
pub mod fx_rules;
pub mod goods_rules;
pub mod invoice;
pub mod json;
pub mod partner;
// bargain (kanjia)
pub mod kanjia;
// group buy (pingtuan)
pub mod kefu;
pub mod ledger;
pub mod levels;
pub mod member_code;
pub mod message;
pub mod migrate;
pub mod order;
pub mod order_admin;
pub mod outbox;
pub mod pay_bill;
pub mod pay_password;
pub mod payment;
pub mod pingtuan;
pub mod points;
pub mod reputation;
pub mod security;
pub mod settings;
pub mod shops;
pub mod site;
pub mod soter;
pub mod upload;
pub mod user;
// the templates' remaining pages
pub mod activity_mall;
pub mod level_monthly;
pub mod number_bomb;
pub mod stock_notice;
pub mod user_bank;
pub mod virtual_goods;
pub mod wechat;
pub mod wechat_refund;
pub mod werun;
pub mod withdraw;
pub mod wxcodes;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

/// What the store fails with: every `db::` function and [`Db::read`] / [`Db::write`] answer it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SQLite refused or failed a statement.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// No connection was free in time: answered as "busy, retry".
    #[error("no database connection free in time")]
    Unavailable,
    /// The work panicked on the blocking pool (a bug): logged, answered as an internal error.
    #[error("a database task panicked: {0}")]
    Panicked(String),
}

/// `Result` of the store.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Runs blocking work (SQLite, WeChat over ureq, argon2, image decoding) off the async executor.
/// A panic inside `f` is logged and answered as [`Error::Panicked`], never as "busy".
pub async fn blocking<T, E, F>(f: F) -> std::result::Result<T, E>
where
    F: FnOnce() -> std::result::Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<Error> + Send + 'static,
{
    offload(f).await?
}

/// Runs blocking work whose own answer is not a `Result` (the sandbox's simulated WeChat calls) off
/// the async executor; only a panic inside `f` is an error.
pub async fn offload<T, F>(f: F) -> Result<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    rocket::tokio::task::spawn_blocking(f).await.map_err(joined)
}

/// What a blocking task that did not return became.
fn joined(e: rocket::tokio::task::JoinError) -> Error {
    if e.is_panic() {
        let payload = e.into_panic();
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into());
        log::error!("blocking task panicked: {what}");
        Error::Panicked(what)
    } else {
        // Cancelled: only at shutdown, when the runtime stops.
        Error::Unavailable
    }
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    read: r2d2::Pool<SqliteConnectionManager>,
    // One writer: `BEGIN IMMEDIATE` transactions queue here instead of failing with SQLITE_BUSY.
    write: Mutex<Connection>,
    /// Bumped after every committed write that touched a catalogue table.
    catalogue_epoch: AtomicU64,
    /// Set by the writer's update hook while its open transaction touches a catalogue table.
    catalogue_touched: Arc<AtomicBool>,
}

/// Tables whose rows the shop window's cached answers (goodsv2, goodsDetailV2, goodsPriceV2...)
/// are built from: every table named `goods…` (goods, categories, pictures, specs, SKUs, the
/// search index, favourites and reviews that feed the goods' counters), freight templates, and
/// group buy's sets, groups and members (the goods page's pingtuanList is cached the same way).
///
/// THE RULE for new catalogue data: name its table `goods_…` (or add its prefix here). Then every
/// write to it, through any function, trigger or cascade, drops the cached catalogue answers when it
/// commits — no writer has to remember to (SQLite's update hook sees every row change on the one
/// writer connection; it does not see WITHOUT ROWID tables, so do not use those for catalogue data).
pub const CATALOGUE_TABLE_PREFIXES: &[&str] = &["goods", "logistics", "freight", "pingtuan"];

/// True when a write to `table` changes what the shop window answers.
pub fn is_catalogue_table(table: &str) -> bool {
    CATALOGUE_TABLE_PREFIXES.iter().any(|p| table.starts_with(p))
}

/// PRAGMAs every connection gets.
fn prepare(c: &Connection) -> rusqlite::Result<()> {
    c.busy_timeout(Duration::from_secs(5))?;
    c.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
    // The app has a few hundred distinct statements; rusqlite's default cache of 16 would thrash.
    c.set_prepared_statement_cache_capacity(256);
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open database {path}: {source}")]
    Sqlite { path: String, source: rusqlite::Error },
    #[error("cannot open database pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("{0}")]
    Migrate(String),
}

impl Db {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path, readers: u32) -> Result<Db, OpenError> {
        let sqlite = |source| OpenError::Sqlite { path: path.display().to_string(), source };
        let mut write = Connection::open(path).map_err(sqlite)?;
        write.pragma_update(None, "journal_mode", "WAL").map_err(sqlite)?;
        prepare(&write).map_err(sqlite)?;
        migrate::run(&mut write).map_err(|e| OpenError::Migrate(e.to_string()))?;
        let catalogue_touched = Arc::new(AtomicBool::new(false));
        let touched = catalogue_touched.clone();
        write
            .update_hook(Some(move |_: rusqlite::hooks::Action, _: &str, table: &str, _: i64| {
                if is_catalogue_table(table) {
                    touched.store(true, Ordering::Relaxed);
                }
            }))
            .map_err(sqlite)?;
        let manager = SqliteConnectionManager::file(path)
            .with_flags(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .with_init(|c: &mut Connection| prepare(c));
        let read = r2d2::Pool::builder()
            .max_size(readers.max(1))
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(5))
            .build(manager)?;
        Ok(Db {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                read,
                write: Mutex::new(write),
                catalogue_epoch: AtomicU64::new(0),
                catalogue_touched,
            }),
        })
    }

    /// Changes after every committed write to a catalogue table ([`is_catalogue_table`]); cached
    /// catalogue answers are valid only for the epoch they were computed in.
    pub fn catalogue_epoch(&self) -> u64 {
        self.inner.catalogue_epoch.load(Ordering::SeqCst)
    }

    /// Ends the writer's transaction for the catalogue: a commit that touched it bumps the epoch
    /// (after the commit, so a reader that sees the new epoch also sees the new rows).
    fn catalogue_write_ended(&self, committed: bool) {
        if self.inner.catalogue_touched.swap(false, Ordering::SeqCst) && committed {
            self.inner.catalogue_epoch.fetch_add(1, Ordering::SeqCst);
        }
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` on a read connection, on the blocking thread pool.
    pub async fn read<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(&Connection) -> std::result::Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<Error> + Send + 'static,
    {
        let db = self.clone();
        blocking(move || db.read_sync(f)).await
    }

    /// Runs `f` inside one `BEGIN IMMEDIATE` transaction on the writer, on the blocking pool;
    /// commits when `f` succeeds, rolls back when it fails.
    pub async fn write<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(&Connection) -> std::result::Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<Error> + Send + 'static,
    {
        let db = self.clone();
        blocking(move || db.write_sync(f)).await
    }

    /// [`Db::read`] for the short reads of the shop window (lists, goods pages, cached answers, token
    /// lookups): run on the calling task when a reader is idle, since handing a read of a few dozen
    /// microseconds to the blocking pool and back costs more than the read; on the pool otherwise.
    pub async fn read_quick<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(&Connection) -> std::result::Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<Error> + Send + 'static,
    {
        match self.inner.read.try_get() {
            Some(c) => in_snapshot(&c, f),
            None => self.read(f).await,
        }
    }

    /// [`Db::read`] for threads that may block (jobs, CLI, tests).
    pub fn read_sync<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(&Connection) -> std::result::Result<T, E>,
        E: From<Error>,
    {
        let c = self.inner.read.get().map_err(|_| Error::Unavailable)?;
        in_snapshot(&c, f)
    }

    /// [`Db::write`] for threads that may block (jobs, CLI, tests).
    pub fn write_sync<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(&Connection) -> std::result::Result<T, E>,
        E: From<Error>,
    {
        // A panic while holding the lock leaves no open transaction (it rolls back on drop).
        let mut c = self.inner.write.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(Error::from)?;
        let out = match f(&tx) {
            Ok(out) => out,
            Err(e) => {
                user::transaction_ended(false);
                drop(tx);
                self.catalogue_write_ended(false);
                return Err(e);
            }
        };
        let committed = tx.commit();
        user::transaction_ended(committed.is_ok());
        self.catalogue_write_ended(committed.is_ok());
        committed.map_err(Error::from)?;
        Ok(out)
    }

    /// Ok when the database answers a trivial query.
    pub fn ping(&self) -> Result<()> {
        self.read_sync(|c| c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0)).map(drop).map_err(Error::from))
    }

    /// Writes everything in the WAL back into the main file (clean shutdown).
    pub fn checkpoint(&self) -> Result<()> {
        let c = self.inner.write.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?)
    }

    /// Folds the WAL back into the database file once nothing else has it open (the last step of a
    /// shutdown: a checkpoint during shutdown can be blocked by a request still finishing).
    pub fn checkpoint_file(path: &Path) -> Result<()> {
        let c = Connection::open(path)?;
        c.busy_timeout(Duration::from_secs(5))?;
        Ok(c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?)
    }

    /// A consistent online copy of the database (SQLite backup API) at `dest`.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        let src = Connection::open_with_flags(&self.inner.path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        Ok(src.backup(rusqlite::MAIN_DB, dest, None)?)
    }
}

/// Runs `f` in one read transaction: one consistent snapshot, and the WAL read lock taken once
/// instead of once per statement.
fn in_snapshot<T, E, F>(c: &Connection, f: F) -> std::result::Result<T, E>
where
    F: FnOnce(&Connection) -> std::result::Result<T, E>,
    E: From<Error>,
{
    c.execute_batch("BEGIN").map_err(|_| Error::Unavailable)?;
    let snapshot = ReadSnapshot(c);
    let out = f(snapshot.0);
    drop(snapshot);
    out
}

/// Ends a read transaction however its work ends, a panic included: a pooled connection left
/// inside `BEGIN` would refuse every later read.
struct ReadSnapshot<'c>(&'c Connection);

impl Drop for ReadSnapshot<'_> {
    fn drop(&mut self) {
        if !self.0.is_autocommit() {
            // Nothing was written, so ending it can only fail if the connection is gone.
            let _ = self.0.execute_batch("COMMIT");
        }
    }
}

/// Current time as "YYYY-MM-DD HH:MM:SS" in the shop's time zone (Asia/Shanghai, UTC+8).
pub fn now_text() -> String {
    format_time(time::OffsetDateTime::now_utc())
}

/// Formats a UTC instant in the shop's time zone.
pub fn format_time(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::macros::offset!(+8));
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    t.format(&f).unwrap_or_default()
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Formats Unix seconds in the shop's time zone ("" for 0).
pub fn format_unix(secs: i64) -> String {
    if secs == 0 {
        return String::new();
    }
    time::OffsetDateTime::from_unix_timestamp(secs).map(format_time).unwrap_or_default()
}

/// Milliseconds since the Unix epoch.
pub fn unix_now_ms() -> i64 {
    i64::try_from(time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    #[test]
    fn a_panic_inside_a_database_closure_is_an_internal_error_not_busy() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.db"), 1).unwrap();
        let rt = rocket::tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let out: std::result::Result<(), ApiError> =
            rt.block_on(db.read(|_| -> std::result::Result<(), ApiError> { panic!("a bug") }));
        let e = out.unwrap_err();
        assert_eq!(e.code(), 500, "{e:?}");
        // The writer is still usable after a panic inside a write.
        let out: std::result::Result<(), ApiError> =
            rt.block_on(db.write(|_| -> std::result::Result<(), ApiError> { panic!("a bug") }));
        assert_eq!(out.unwrap_err().code(), 500);
        let n: i64 =
            db.read_sync(|c| c.query_row("SELECT 1", [], |r| r.get(0)).map_err(Error::from)).unwrap();
        assert_eq!(n, 1);
    }
}
