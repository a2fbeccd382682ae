//! Schema versions: a new database gets `schema.sql` whole; an older one runs the numbered steps.
//! The version lives in `PRAGMA user_version`.

use rusqlite::Connection;

/// The whole current schema.
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// `STEPS[i]` takes a database from version `i + 1` to `i + 2`. Each step is a file in
/// src/db/migrations/ (`topic.sql`, in STEPS order); schema.sql is edited to the same result, and the test
/// below proves a version-1 database migrated through every step equals a new one.
pub const STEPS: &[&str] = &[
    include_str!("migrations/checkout_catalog.sql"),
    include_str!("migrations/coupons.sql"),
    include_str!("migrations/cms_security.sql"),
    include_str!("migrations/goods_calendar.sql"),
    include_str!("migrations/catalogue_order_indexes.sql"),
    include_str!("migrations/orders.sql"),
    include_str!("migrations/pay_passwords.sql"),
    include_str!("migrations/payments.sql"),
    include_str!("migrations/funds.sql"),
    include_str!("migrations/wxcodes.sql"),
    include_str!("migrations/payment_refunds.sql"),
    include_str!("migrations/recharge_rules.sql"),
    include_str!("migrations/outbox.sql"),
    include_str!("migrations/points.sql"),
    include_str!("migrations/kefu.sql"),
    include_str!("migrations/stock_versions.sql"),
    include_str!("migrations/number_orders.sql"),
    include_str!("migrations/order_returns.sql"),
    include_str!("migrations/login_attempts.sql"),
    // bargain (kanjia)
    include_str!("migrations/kanjia.sql"),
    // distribution (三级分销)
    include_str!("migrations/distribution.sql"),
    // console dashboard
    include_str!("migrations/console_dashboard.sql"),
    // cards, account deletion, member codes
    include_str!("migrations/cards.sql"),
    include_str!("migrations/member_codes.sql"),
    // the record of backups `xiaodian doctor` reads
    include_str!("migrations/backups.sql"),
    // WeRun steps
    include_str!("migrations/werun.sql"),
    // SOTER challenges
    include_str!("migrations/soter.sql"),
    // the templates' remaining pages (user bank, JSON flags, activity pages, games, unpaid deposits)
    include_str!("migrations/shop_pages.sql"),
    // group buy (pingtuan)
    include_str!("migrations/pingtuan.sql"),
    // partners (合伙人/团队长), per-goods commission, claw-back, sales targets
    include_str!("migrations/partners.sql"),
    // cards paying at checkout, waiting for sold-out goods
    include_str!("migrations/card_pay_stock_notice.sql"),
    // fxMembers pages by a covering downline index
    include_str!("migrations/fx_members_page.sql"),
];

/// The version `schema.sql` describes.
pub const VERSION: i64 = STEPS.len() as i64 + 1;

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("database schema version {found} is newer than this xiaodian ({known}); upgrade xiaodian")]
    TooNew { found: i64, known: i64 },
    #[error("migration failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Creates or upgrades the schema in one transaction.
pub fn run(c: &mut Connection) -> Result<(), MigrateError> {
    let found: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > VERSION {
        return Err(MigrateError::TooNew { found, known: VERSION });
    }
    if found == VERSION {
        return Ok(());
    }
    let tx = c.transaction()?;
    if found == 0 {
        tx.execute_batch(SCHEMA)?;
    } else {
        for step in &STEPS[usize::try_from(found - 1).expect("found is a known version")..] {
            tx.execute_batch(step)?;
        }
    }
    tx.pragma_update(None, "user_version", VERSION)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_gets_the_current_version_and_reopening_changes_nothing() {
        let mut c = Connection::open_in_memory().unwrap();
        run(&mut c).unwrap();
        let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, VERSION);
        run(&mut c).unwrap();
        let n: i64 = c
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'settings'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }

    /// Tables with their columns, indexes with their columns, triggers and views: what must match.
    fn shape(c: &Connection) -> Vec<String> {
        let mut out = Vec::new();
        let mut q = c
            .prepare(
                "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1, 2",
            )
            .unwrap();
        let objs: Vec<(String, String, String)> =
            q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect();
        for (kind, name, table) in objs {
            out.push(format!("{kind} {name} on {table}"));
            let pragma = match kind.as_str() {
                "table" => "table_xinfo",
                "index" => "index_xinfo",
                _ => continue,
            };
            let mut cols = c.prepare(&format!("SELECT * FROM pragma_{pragma}(?1)")).unwrap();
            let n = cols.column_count();
            let mut rows: Vec<String> = cols
                .query_map([&name], |r| {
                    let vals: Vec<String> = (1..n)
                        .map(|i| format!("{:?}", r.get_ref(i).map(|v| v.as_str().ok().map(str::to_owned))))
                        .collect();
                    Ok(vals.join("|"))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            // Added columns land at the end of a migrated table; order is not part of the contract.
            rows.sort();
            out.extend(rows.into_iter().map(|r| format!("  {name}: {r}")));
        }
        out
    }

    #[test]
    fn a_version_1_database_migrated_through_every_step_equals_a_new_one() {
        let mut old = Connection::open_in_memory().unwrap();
        old.execute_batch(include_str!("migrations/schema_v1.sql")).unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        old.execute("INSERT INTO settings (key, value) VALUES ('kept', 'yes')", []).unwrap();
        run(&mut old).unwrap();
        let mut new = Connection::open_in_memory().unwrap();
        run(&mut new).unwrap();
        assert_eq!(shape(&old), shape(&new));
        let kept: String =
            old.query_row("SELECT value FROM settings WHERE key = 'kept'", [], |r| r.get(0)).unwrap();
        assert_eq!(kept, "yes");
    }

    #[test]
    fn a_database_from_a_newer_xiaodian_is_refused() {
        let mut c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "user_version", VERSION + 1).unwrap();
        assert!(matches!(run(&mut c), Err(MigrateError::TooNew { .. })));
    }
}
