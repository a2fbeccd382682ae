//! Media WeChat cannot check while the shopper waits (wxa/media_check_async): audio and video
//! uploads, and avatars given as a URL, when the shop's `contentSecCheck` setting is on.
//!
//! A held upload is written to data/held (never served at /uploads) and recorded in media_checks;
//! WeChat downloads it from `/wechat/media/<secret key>`. A held avatar is not applied. The
//! `wxa_media_check` push event then decides ([`apply_verdict`]): pass publishes (the file moves to
//! data/uploads; the avatar is applied), risky removes it, review keeps it hidden for the merchant
//! (console 微信设置, [`merchant_decide`]). WeChat has no asynchronous check for video, and a
//! shopper WeChat does not know (anonymous upload, no openid for this appid) cannot be checked:
//! those are held for the merchant straight away.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::db::{self, kefu as store, security as checks, Db};
use crate::service::error::{Entity, Error, Result};
use crate::service::upload::{self, Stored};
use crate::settings::Settings;
use crate::wechat::kefu::MediaType;
use crate::wechat::WeChat;

/// Where published and held files live.
#[derive(Debug, Clone)]
pub struct Dirs {
    pub uploads: PathBuf,
    pub held: PathBuf,
}

impl Dirs {
    pub fn of(cfg: &Config) -> Dirs {
        Dirs { uploads: cfg.uploads_dir(), held: cfg.data_dir.join("held") }
    }
}

/// True for files WeChat can only check asynchronously (or not at all): audio and video.
pub fn needs_async(bytes: &[u8]) -> bool {
    crate::sniff::file_type(bytes)
        .is_some_and(|(mime, _)| mime.starts_with("audio/") || mime.starts_with("video/"))
}

/// The shopper's openid for the current appid, if WeChat knows them.
fn openid_of(db: &Db, wx: &WeChat, user_id: Option<i64>) -> Result<Option<String>> {
    let Some(uid) = user_id else { return Ok(None) };
    let Ok(appid) = wx.creds().map(|c| c.appid) else { return Ok(None) };
    let account = db.read_sync(|c| db::wechat::by_user(c, uid))?;
    Ok(account.filter(|a| a.appid == appid).map(|a| a.openid))
}

/// Stores an audio or video upload held and asks WeChat to check it (blocking). The answer names
/// the file's final public path, which serves 404 until the check passes. `base_url` is how WeChat
/// reaches this shop.
#[allow(clippy::too_many_arguments)]
pub fn store_held(
    db: &Db,
    wx: &WeChat,
    dirs: &Dirs,
    base_url: &str,
    max_bytes: u64,
    bytes: &[u8],
    name: &str,
    user_id: Option<i64>,
    expire_hours: Option<i64>,
) -> Result<Stored> {
    let stored = upload::store(db, &dirs.held, max_bytes, bytes, name, user_id, expire_hours)?;
    let openid = openid_of(db, wx, user_id)?;
    let audio = stored.mime.starts_with("audio/");
    let key = crate::secret::new_token();
    let (status, reason) = match (&openid, audio) {
        (_, false) => ("review", "微信没有视频的内容安全检测接口，请人工审核"),
        (None, true) => ("review", "上传者没有本小程序的微信身份，无法送微信检测"),
        (Some(_), true) => ("pending", ""),
    };
    let url = upload::relative_url(&stored.path);
    let now = db::unix_now();
    let id = db.write_sync(|c| {
        Ok::<_, Error>(store::insert_check(
            c,
            &store::NewMediaCheck {
                kind: "upload",
                user_id,
                upload_id: Some(stored.id),
                url: &url,
                fetch_key: &key,
                status,
                reason,
            },
            now,
        )?)
    })?;
    if let (Some(openid), true) = (openid, audio) {
        let media_url = format!("{base_url}/wechat/media/{key}");
        match wx.media_check_async(&media_url, MediaType::Audio, &openid, 2) {
            Ok(trace) => db.write_sync(|c| store::set_trace(c, id, &trace))?,
            Err(e) => {
                // Not lost: the merchant decides instead of WeChat.
                log::warn!("media_check_async: {e}");
                let reason = format!("微信检测请求失败：{e}");
                db.write_sync(|c| {
                    Ok::<_, Error>(store::decide(c, id, "pending", "review", 0, &reason, db::unix_now())?)
                })?;
            }
        }
    }
    Ok(stored)
}

/// What happens to an avatar the shopper set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AvatarCheck {
    /// Apply it now (the check is off, or it is our own upload, checked when uploaded).
    Apply,
    /// Held: applied when WeChat's verdict passes (or the merchant publishes it).
    Held,
}

/// Decides about an avatar URL (blocking). With the shop's check on, a URL that is not our own
/// upload is sent to media_check_async as an image; WeChat unreachable answers 502.
pub fn check_avatar(
    db: &Db,
    wx: &WeChat,
    settings: &Settings,
    user_id: i64,
    url: &str,
) -> Result<AvatarCheck> {
    if !settings.get().content_sec_check() || url.is_empty() || url.starts_with("/uploads/") {
        return Ok(AvatarCheck::Apply);
    }
    let openid = openid_of(db, wx, Some(user_id))?;
    let now = db::unix_now();
    let (status, reason) = match openid {
        Some(_) => ("pending", ""),
        None => ("review", "顾客没有本小程序的微信身份，无法送微信检测"),
    };
    let trace = match &openid {
        Some(o) => Some(wx.media_check_async(url, MediaType::Image, o, 1).map_err(|e| {
            log::warn!("media_check_async for an avatar: {e}");
            Error::Upstream("内容安全检测暂时无法完成（微信服务无法访问），请稍后再试".into())
        })?),
        None => None,
    };
    db.write_sync(|c| {
        let id = store::insert_check(
            c,
            &store::NewMediaCheck {
                kind: "avatar",
                user_id: Some(user_id),
                upload_id: None,
                url,
                fetch_key: "",
                status,
                reason,
            },
            now,
        )?;
        if let Some(t) = &trace {
            store::set_trace(c, id, t)?;
        }
        Ok::<_, Error>(())
    })?;
    Ok(AvatarCheck::Held)
}

/// How long a verdict waits for its check to be recorded (WeChat can be faster than our write of
/// the trace_id).
const TRACE_WAIT: std::time::Duration = std::time::Duration::from_millis(100);

/// Applies WeChat's verdict for `trace_id` (blocking; idempotent: only a pending check moves).
pub fn apply_verdict(db: &Db, dirs: &Dirs, trace_id: &str, suggest: &str, label: i64) -> Result<()> {
    let mut found = None;
    for _ in 0..30 {
        found = db.read_sync(|c| store::check_by_trace(c, trace_id))?;
        if found.is_some() {
            break;
        }
        std::thread::sleep(TRACE_WAIT);
    }
    let Some(check) = found else {
        log::warn!("wxa_media_check for unknown trace_id {trace_id}");
        return Ok(());
    };
    if check.status != "pending" {
        return Ok(());
    }
    match suggest {
        "pass" => publish(db, dirs, &check, "pending", "pass", label, ""),
        "risky" => remove(db, dirs, &check, "pending", "risky", label),
        _ => {
            let now = db::unix_now();
            db.write_sync(|c| {
                if store::decide(c, check.id, "pending", "review", label, "微信建议人工审核", now)? {
                    record(c, &check, "review", label, now)?;
                }
                Ok(())
            })
        }
    }
}

/// The merchant's decision on a held item: publish it, or remove it.
pub fn merchant_decide(db: &Db, dirs: &Dirs, id: i64, publish_it: bool) -> Result<()> {
    let check = db.read_sync(|c| store::check_by_id(c, id))?.ok_or(Error::NotFound(Entity::HeldMedia))?;
    if !matches!(check.status.as_str(), "pending" | "review") {
        return Err(Error::refused("这项媒体已经处理过了"));
    }
    let from = check.status.clone();
    if publish_it {
        publish(db, dirs, &check, &from, "pass", check.label, "商家审核通过")
    } else {
        remove(db, dirs, &check, &from, "removed", check.label)
    }
}

fn publish(
    db: &Db,
    dirs: &Dirs,
    k: &store::MediaCheck,
    from: &str,
    to: &str,
    label: i64,
    reason: &str,
) -> Result<()> {
    let now = db::unix_now();
    let moved = db.write_sync(|c| {
        if !store::decide(c, k.id, from, to, label, reason, now)? {
            return Ok::<_, Error>(false);
        }
        if k.kind == "avatar" {
            if let Some(uid) = k.user_id {
                c.execute("UPDATE users SET avatar_url = ?2 WHERE id = ?1", rusqlite::params![uid, k.url])
                    .map_err(Error::from)?;
            }
        }
        Ok(true)
    })?;
    if moved && k.kind == "upload" && !k.path.is_empty() {
        move_file(&dirs.held.join(&k.path), &dirs.uploads.join(&k.path))?;
    }
    Ok(())
}

fn remove(db: &Db, dirs: &Dirs, k: &store::MediaCheck, from: &str, to: &str, label: i64) -> Result<()> {
    let now = db::unix_now();
    let removed = db.write_sync(|c| {
        if !store::decide(c, k.id, from, to, label, "", now)? {
            return Ok::<_, Error>(false);
        }
        if let Some(upload_id) = k.upload_id {
            db::upload::delete(c, upload_id)?;
        }
        if to == "risky" {
            record(c, k, "risky", label, now)?;
        }
        Ok(true)
    })?;
    if removed && !k.path.is_empty() {
        match std::fs::remove_file(dirs.held.join(&k.path)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    Ok(())
}

/// Lists the verdict with the shop's other content-check records.
fn record(
    c: &rusqlite::Connection,
    k: &store::MediaCheck,
    suggest: &str,
    label: i64,
    now: i64,
) -> Result<()> {
    let target = if k.kind == "avatar" { "avatar" } else { "media" };
    let excerpt: String = k.url.chars().take(100).collect();
    checks::insert(
        c,
        &checks::NewCheck {
            user_id: k.user_id,
            target,
            target_id: k.upload_id,
            suggest,
            label,
            reason: "",
            excerpt: &excerpt,
        },
        now,
    )?;
    Ok(())
}

fn move_file(from: &Path, to: &Path) -> Result<()> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::rename(from, to)?;
    Ok(())
}

/// A held file WeChat may download, while its check is pending or in review: its extension (when
/// its bytes say what it is) and its bytes.
pub fn held_file(db: &Db, dirs: &Dirs, key: &str) -> Result<Option<(Option<&'static str>, Vec<u8>)>> {
    let Some(k) = db.read_sync(|c| store::check_by_fetch_key(c, key))? else {
        return Ok(None);
    };
    if !matches!(k.status.as_str(), "pending" | "review") || k.path.is_empty() {
        return Ok(None);
    }
    let bytes = match std::fs::read(dirs.held.join(&k.path)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let ext = crate::sniff::file_type(&bytes).map(|(_, ext)| ext);
    Ok(Some((ext, bytes)))
}
