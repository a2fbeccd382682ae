//! The `settings` and `config_values` tables.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// A value served by queryConfigValue / queryConfigBatch.
#[derive(Debug, Clone)]
pub struct ConfigValue {
    pub id: i64,
    pub key: String,
    pub value: String,
    pub remark: String,
    pub date_add: i64,
    pub date_update: i64,
}

/// Every shop setting as (key, value).
pub fn all_settings(c: &Connection) -> Result<Vec<(String, String)>> {
    let mut st = c.prepare_cached("SELECT key, value FROM settings ORDER BY key")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get_setting(c: &Connection, key: &str) -> Result<Option<String>> {
    Ok(c.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

pub fn set_setting(c: &Connection, key: &str, value: &str) -> Result<()> {
    c.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

fn config_row(r: &rusqlite::Row) -> rusqlite::Result<ConfigValue> {
    Ok(ConfigValue {
        id: r.get(0)?,
        key: r.get(1)?,
        value: r.get(2)?,
        remark: r.get(3)?,
        date_add: r.get(4)?,
        date_update: r.get(5)?,
    })
}

const CONFIG_COLUMNS: &str = "id, key, value, remark, date_add, date_update";

/// Every config value, by key.
pub fn all_config_values(c: &Connection) -> Result<Vec<ConfigValue>> {
    let mut st = c.prepare_cached(&format!("SELECT {CONFIG_COLUMNS} FROM config_values ORDER BY key"))?;
    let rows = st.query_map([], config_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn config_value(c: &Connection, key: &str) -> Result<Option<ConfigValue>> {
    Ok(c.query_row(&format!("SELECT {CONFIG_COLUMNS} FROM config_values WHERE key = ?1"), [key], config_row)
        .optional()?)
}

/// Creates or replaces a config value; returns its id.
pub fn put_config_value(c: &Connection, key: &str, value: &str, remark: &str, now: i64) -> Result<i64> {
    Ok(c.query_row(
        "INSERT INTO config_values (key, value, remark, date_add, date_update) VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, remark = excluded.remark,
             date_update = excluded.date_update
         RETURNING id",
        params![key, value, remark, now],
        |r| r.get(0),
    )?)
}

/// Deletes a config value; false when there was none.
pub fn delete_config_value(c: &Connection, key: &str) -> Result<bool> {
    Ok(c.execute("DELETE FROM config_values WHERE key = ?1", [key])? == 1)
}

/// The next value of the counter `kind`; a new counter starts at `start`.
pub fn next_sequence(c: &Connection, kind: &str, start: i64) -> Result<i64> {
    Ok(c.query_row(
        "INSERT INTO sequences (type, value) VALUES (?1, ?2)
         ON CONFLICT(type) DO UPDATE SET value = value + 1 RETURNING value",
        params![kind, start],
        |r| r.get(0),
    )?)
}
