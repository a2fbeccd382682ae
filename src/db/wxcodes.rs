//! Stored mini-program / QR codes (wx_codes, each with its upload) and URL schemes (url_schemes).

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// A stored code with its file.
#[derive(Debug, Clone)]
pub struct StoredCode {
    pub id: i64,
    pub kind: String,
    pub summary: String,
    pub upload_id: i64,
    /// Relative to data/uploads.
    pub path: String,
    pub size: i64,
    pub expires_at: Option<i64>,
    pub date_add: i64,
}

const CODE_COLUMNS: &str = "k.id, k.kind, k.summary, k.upload_id, u.path, u.size, u.expires_at, k.date_add";

fn code(r: &rusqlite::Row) -> rusqlite::Result<StoredCode> {
    Ok(StoredCode {
        id: r.get(0)?,
        kind: r.get(1)?,
        summary: r.get(2)?,
        upload_id: r.get(3)?,
        path: r.get(4)?,
        size: r.get(5)?,
        expires_at: r.get(6)?,
        date_add: r.get(7)?,
    })
}

/// The code made for this request before, if it is still stored.
pub fn by_key(c: &Connection, request_key: &str) -> Result<Option<StoredCode>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {CODE_COLUMNS} FROM wx_codes k JOIN uploads u ON u.id = k.upload_id WHERE k.request_key = ?1"
    ))?
    .query_row([request_key], code)
    .optional()?)
}

/// Records a code; false when another request stored the same one first.
pub fn insert(
    c: &Connection,
    kind: &str,
    request_key: &str,
    summary: &str,
    upload_id: i64,
    now: i64,
) -> Result<bool> {
    let n = c.execute(
        "INSERT INTO wx_codes (kind, request_key, summary, upload_id, date_add) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (request_key) DO NOTHING",
        params![kind, request_key, summary, upload_id, now],
    )?;
    Ok(n == 1)
}

/// Forgets a code (its file stays until the upload is deleted or expires).
pub fn forget(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM wx_codes WHERE id = ?1", [id])? == 1)
}

/// Stored codes of the given kinds, newest first, and how many there are.
pub fn list(c: &Connection, kinds: &[&str], offset: i64, limit: i64) -> Result<(Vec<StoredCode>, i64)> {
    // At most four kinds: bound as a fixed list so the statement stays cacheable.
    let mut k = kinds.iter().map(ToString::to_string).collect::<Vec<_>>();
    k.resize(4, String::new());
    let total = c
        .prepare_cached("SELECT count(*) FROM wx_codes WHERE kind IN (?1, ?2, ?3, ?4)")?
        .query_row(params![k[0], k[1], k[2], k[3]], |r| r.get(0))?;
    let rows = c
        .prepare_cached(&format!(
            "SELECT {CODE_COLUMNS} FROM wx_codes k JOIN uploads u ON u.id = k.upload_id
             WHERE k.kind IN (?1, ?2, ?3, ?4) ORDER BY k.id DESC LIMIT ?5 OFFSET ?6"
        ))?
        .query_map(params![k[0], k[1], k[2], k[3], limit, offset], code)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}

/// A URL scheme as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    pub id: i64,
    pub openlink: String,
    pub path: String,
    pub query: String,
    pub env_version: String,
    pub expire_type: Option<i64>,
    pub expire_time: Option<i64>,
    pub expire_interval: Option<i64>,
    pub expires_at: Option<i64>,
    pub remark: String,
    pub date_add: i64,
}

const SCHEME_COLUMNS: &str =
    "id, openlink, path, query, env_version, expire_type, expire_time, expire_interval, \
                              expires_at, remark, date_add";

fn scheme(r: &rusqlite::Row) -> rusqlite::Result<Scheme> {
    Ok(Scheme {
        id: r.get(0)?,
        openlink: r.get(1)?,
        path: r.get(2)?,
        query: r.get(3)?,
        env_version: r.get(4)?,
        expire_type: r.get(5)?,
        expire_time: r.get(6)?,
        expire_interval: r.get(7)?,
        expires_at: r.get(8)?,
        remark: r.get(9)?,
        date_add: r.get(10)?,
    })
}

/// Records a scheme WeChat made (`s.id` is ignored); its id.
pub fn insert_scheme(c: &Connection, s: &Scheme) -> Result<i64> {
    c.execute(
        "INSERT INTO url_schemes (openlink, path, query, env_version, expire_type, expire_time, expire_interval,
                                  expires_at, remark, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            s.openlink,
            s.path,
            s.query,
            s.env_version,
            s.expire_type,
            s.expire_time,
            s.expire_interval,
            s.expires_at,
            s.remark,
            s.date_add
        ],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn scheme_by_id(c: &Connection, id: i64) -> Result<Option<Scheme>> {
    Ok(c.prepare_cached(&format!("SELECT {SCHEME_COLUMNS} FROM url_schemes WHERE id = ?1"))?
        .query_row([id], scheme)
        .optional()?)
}

/// Schemes newest first, and how many there are.
pub fn schemes(c: &Connection, offset: i64, limit: i64) -> Result<(Vec<Scheme>, i64)> {
    let total = c.query_row("SELECT count(*) FROM url_schemes", [], |r| r.get(0))?;
    let rows = c
        .prepare_cached(&format!(
            "SELECT {SCHEME_COLUMNS} FROM url_schemes ORDER BY id DESC LIMIT ?1 OFFSET ?2"
        ))?
        .query_map([limit, offset], scheme)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}
