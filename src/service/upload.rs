//! Storing files: type sniffed from the bytes, size checked, written inside data/uploads under a
//! random name, and recorded in the `uploads` table.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::db::{self, Db};
use crate::service::error::{Error, Result};
use crate::sniff::file_type;

/// What was stored.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    /// Relative to data/uploads.
    pub path: String,
    pub name: String,
    pub mime: String,
    pub size: i64,
    pub date_add: i64,
}

/// The public URL of a stored file.
pub fn url_of(base_url: &str, path: &str) -> String {
    format!("{base_url}{}", relative_url(path))
}

/// How links to our own files are stored ("/uploads/2026/11/x.png"): absolute only when answered.
pub fn relative_url(path: &str) -> String {
    format!("/uploads/{path}")
}

/// A display name without directories or control characters, at most 100 characters.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    base.chars().filter(|c| !c.is_control()).take(100).collect()
}

/// The types [`store`] takes, as the refusal and the console's upload hint both say them.
pub const ACCEPTED_TYPES: &str = "jpg、png、gif、webp 图片，mp4 视频，mp3、m4a、wav 音频和 pdf 文件";

/// Checks and stores `bytes`; blocking (file and database I/O). Nothing is left behind on failure.
pub fn store(
    db: &Db,
    uploads_dir: &Path,
    max_bytes: u64,
    bytes: &[u8],
    name: &str,
    user_id: Option<i64>,
    expire_hours: Option<i64>,
) -> Result<Stored> {
    if bytes.is_empty() {
        return Err(Error::invalid("upfile", "文件为空"));
    }
    if bytes.len() as u64 > max_bytes {
        return Err(Error::TooLarge { what: "文件", limit: limit_text(max_bytes) });
    }
    let (mime, ext) =
        file_type(bytes).ok_or_else(|| Error::BadFileType(format!("只接受 {ACCEPTED_TYPES}")))?;
    if let Some(h) = expire_hours {
        if !(1..=24 * 365 * 10).contains(&h) {
            return Err(Error::invalid("expireHours", "应在 1 到 87600 小时之间"));
        }
    }
    let now = time::OffsetDateTime::now_utc();
    let rel = format!(
        "{:04}/{:02}/{}.{ext}",
        now.year(),
        now.month() as u8,
        crate::secret::new_token()[..24].to_owned()
    );
    let full = uploads_dir.join(&rel);
    write_new(&full, bytes)?;
    let row = db::upload::Upload {
        id: 0,
        user_id,
        path: rel.clone(),
        name: clean_name(name),
        mime: mime.to_string(),
        size: bytes.len() as i64,
        expires_at: expire_hours.map(|h| now.unix_timestamp() + h * 3600),
        date_add: now.unix_timestamp(),
    };
    // The quota is checked in the same transaction as the insert, so racing uploads cannot overshoot it.
    let inserted = db.write_sync(|c| {
        let (_, used) = db::site::upload_totals(c)?;
        let quota_mb = db::settings::get_setting(c, crate::settings::keys::UPLOAD_QUOTA_MB)?
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(crate::settings::DEFAULT_UPLOAD_QUOTA_MB);
        if used + row.size > quota_mb * 1024 * 1024 {
            return Err(Error::QuotaFull {
                limit: limit_text(u64::try_from(quota_mb * 1024 * 1024).unwrap_or(0)),
            });
        }
        Ok(db::upload::insert(c, &row)?)
    });
    match inserted {
        Ok(id) => Ok(Stored {
            id,
            path: rel,
            name: row.name,
            mime: row.mime,
            size: row.size,
            date_add: row.date_add,
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&full);
            Err(e)
        }
    }
}

/// Writes a file through a temporary name so a half-written file never has the final name.
fn write_new(full: &Path, bytes: &[u8]) -> Result<()> {
    let dir = full.parent().ok_or_else(|| Error::Internal("upload path has no parent".into()))?;
    std::fs::create_dir_all(dir)?;
    let tmp: PathBuf = full.with_extension("part");
    let result = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, full)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    Ok(result?)
}

/// Deletes a stored file and its row; false when there was no such upload.
pub fn remove(db: &Db, uploads_dir: &Path, id: i64) -> Result<bool> {
    let Some(row) = db.read_sync(|c| db::upload::by_id(c, id))? else {
        return Ok(false);
    };
    db.write_sync(|c| db::upload::delete(c, id))?;
    match std::fs::remove_file(uploads_dir.join(&row.path)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(true),
    }
}

pub fn limit_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{} KB", bytes / 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_directories() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\x\\a.png"), "a.png");
    }
}
