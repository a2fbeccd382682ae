//! The record of finished backups.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// One finished backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub file: String,
    pub bytes: i64,
    pub date_add: i64,
}

pub fn record(c: &Connection, b: &Backup) -> Result<()> {
    c.execute(
        "INSERT INTO backups (file, bytes, date_add) VALUES (?1, ?2, ?3)",
        params![b.file, b.bytes, b.date_add],
    )?;
    Ok(())
}

/// The newest backup, if any was ever made.
pub fn latest(c: &Connection) -> Result<Option<Backup>> {
    Ok(c.query_row("SELECT file, bytes, date_add FROM backups ORDER BY id DESC LIMIT 1", [], |r| {
        Ok(Backup { file: r.get(0)?, bytes: r.get(1)?, date_add: r.get(2)? })
    })
    .optional()?)
}
