//! Schema versions: a new database gets `schema.sql` whole; an older one runs the numbered steps.
//! The version lives in `PRAGMA user_version`.

use rusqlite::Connection;

/// The whole current schema.
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// `STEPS[i]` takes a database from version `i + 1` to `i + 2`. When a step is added, edit
/// schema.sql to the result too, and add a test that migrates from the previous version.
pub const STEPS: &[&str] = &[];

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
        for step in &STEPS[(found - 1) as usize..] {
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

    #[test]
    fn a_database_from_a_newer_xiaodian_is_refused() {
        let mut c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "user_version", VERSION + 1).unwrap();
        assert!(matches!(run(&mut c), Err(MigrateError::TooNew { .. })));
    }
}
