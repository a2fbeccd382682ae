//! Content security: when the shop's `contentSecCheck` setting is on, a shopper's text (comment,
//! article, goods review) passes WeChat's msgSecCheck before it is published.
//!
//! One decision for every writer: [`check_text`] answers `Off` (the setting is off: WeChat is not
//! called), `Pass`, or `Review` (store it, but hidden until the merchant shows it); a risky text
//! answers [`Error::ContentRisky`] (87014) and is recorded, not stored; WeChat unreachable answers
//! 502, so no unchecked text is published. A shopper WeChat cannot check (no openid for the current
//! appid, or not seen by WeChat in the last 2 hours: errcode 61010) is held for review rather than
//! refused.

use rusqlite::Connection;

use crate::db::{self, security as store, Db};
use crate::service::error::{Error, Result};
use crate::settings::Settings;
use crate::wechat::{Suggest, WeChat, WxError, IMG_CHECK_MAX_BYTES, IMG_CHECK_MAX_SIDE, SEC_CHECK_MAX_CHARS};

/// What is being written: names the record and picks WeChat's scene.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scene {
    /// addComment (WeChat scene 2, comment).
    Comment,
    /// cmsArticleCreate (WeChat scene 3, forum).
    Article,
    /// A goods review (WeChat scene 2, comment).
    Reputation,
    /// A shopper's nickname (WeChat scene 1, profile).
    Profile,
}

impl Scene {
    /// The name content_checks stores.
    pub fn target(self) -> &'static str {
        match self {
            Scene::Comment => "comment",
            Scene::Article => "article",
            Scene::Reputation => "reputation",
            Scene::Profile => "nick",
        }
    }

    /// WeChat's scene: 1 profile, 2 comment, 3 forum, 4 social log.
    pub fn wechat_scene(self) -> i64 {
        match self {
            Scene::Comment | Scene::Reputation => 2,
            Scene::Article => 3,
            Scene::Profile => 1,
        }
    }
}

/// The outcome for a text that may be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The shop's check is off: publish as before.
    Off,
    /// WeChat passed it: publish.
    Pass,
    /// Store it hidden for the merchant: WeChat asked for review (`label`), or could not judge
    /// (`reason` says why).
    Review { label: i64, reason: String },
}

impl Verdict {
    /// True when the text must be stored hidden / awaiting the merchant.
    pub fn held(&self) -> bool {
        matches!(self, Verdict::Review { .. })
    }
}

/// Decides whether `user_id`'s `text` may be published (see the module notes). Call it before
/// the write transaction (it may wait on WeChat); store with [`record_held`] when the verdict is
/// held. Runs the WeChat call on the blocking pool.
pub async fn check_text(
    db: &Db,
    wx: &WeChat,
    settings: &Settings,
    user_id: i64,
    scene: Scene,
    text: &str,
) -> Result<Verdict> {
    if !settings.get().content_sec_check() {
        return Ok(Verdict::Off);
    }
    let (db, wx, text) = (db.clone(), wx.clone(), text.to_string());
    db::blocking(move || check_text_blocking(&db, &wx, user_id, scene, &text)).await
}

/// [`check_text`] for threads that may block (jobs, tests); the setting is not consulted.
pub fn check_text_blocking(db: &Db, wx: &WeChat, user_id: i64, scene: Scene, text: &str) -> Result<Verdict> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Verdict::Pass);
    }
    let appid = wx.creds().map_err(unreachable)?.appid;
    let account = db.read_sync(|c| db::wechat::by_user(c, user_id))?;
    let Some(openid) = account.filter(|a| a.appid == appid).map(|a| a.openid) else {
        return Ok(Verdict::Review {
            label: 0, reason: "顾客没有本小程序的微信身份，无法送微信检测".into()
        });
    };
    let mut worst = (Suggest::Pass, 100);
    for piece in pieces(text, SEC_CHECK_MAX_CHARS) {
        match wx.msg_sec_check(&openid, scene.wechat_scene(), &piece) {
            Ok(r) if r.suggest > worst.0 => worst = (r.suggest, r.label),
            Ok(_) => {}
            Err(WxError::Api { errcode: 61010, .. }) => {
                return Ok(Verdict::Review {
                    label: 0,
                    reason: "顾客 2 小时内未访问小程序，微信无法检测（61010）".into(),
                })
            }
            Err(e) => return Err(unreachable(e)),
        }
        if worst.0 == Suggest::Risky {
            break;
        }
    }
    match worst {
        (Suggest::Pass, _) => Ok(Verdict::Pass),
        (Suggest::Review, label) => Ok(Verdict::Review { label, reason: String::new() }),
        (Suggest::Risky, label) => {
            let now = db::unix_now();
            let excerpt = excerpt(text);
            db.write_sync(|c| {
                Ok::<_, Error>(store::insert(
                    c,
                    &store::NewCheck {
                        user_id: Some(user_id),
                        target: scene.target(),
                        target_id: None,
                        suggest: "risky",
                        label,
                        reason: "",
                        excerpt: &excerpt,
                    },
                    now,
                )?)
            })?;
            Err(Error::ContentRisky)
        }
    }
}

/// Records that the item `target_id` was stored held; call it in the write transaction that
/// stored it. Does nothing for a verdict that is not held.
pub fn record_held(
    c: &Connection,
    user_id: i64,
    scene: Scene,
    target_id: i64,
    verdict: &Verdict,
    text: &str,
    now: i64,
) -> Result<()> {
    let Verdict::Review { label, reason } = verdict else { return Ok(()) };
    store::insert(
        c,
        &store::NewCheck {
            user_id: Some(user_id),
            target: scene.target(),
            target_id: Some(target_id),
            suggest: "review",
            label: *label,
            reason,
            excerpt: &excerpt(text.trim()),
        },
        now,
    )?;
    Ok(())
}

/// Checks an uploaded file when the shop's setting is on (blocks: call it on the blocking pool).
/// Pictures (JPEG, PNG, GIF, WebP, by their bytes) are shrunk to what imgSecCheck takes (750 × 1334,
/// 1 MB, JPEG) and sent; a risky one answers 87014 and is recorded under its file name; WeChat
/// unreachable answers 502. Other files (video, PDF) are not checked.
pub fn check_image(
    db: &Db,
    wx: &WeChat,
    settings: &Settings,
    user_id: Option<i64>,
    name: &str,
    bytes: &[u8],
) -> Result<()> {
    if !settings.get().content_sec_check() {
        return Ok(());
    }
    if !crate::sniff::file_type(bytes).is_some_and(|(mime, _)| mime.starts_with("image/")) {
        return Ok(());
    }
    let jpeg = checkable_jpeg(bytes)?;
    match wx.img_sec_check(&jpeg).map_err(unreachable)? {
        Suggest::Risky => {
            let now = db::unix_now();
            let excerpt = excerpt(name);
            db.write_sync(|c| {
                Ok::<_, Error>(store::insert(
                    c,
                    &store::NewCheck {
                        user_id,
                        target: "image",
                        target_id: None,
                        suggest: "risky",
                        label: 0,
                        reason: "",
                        excerpt: &excerpt,
                    },
                    now,
                )?)
            })?;
            Err(Error::ContentRisky)
        }
        Suggest::Pass | Suggest::Review => Ok(()),
    }
}

/// The picture as imgSecCheck takes it: within 750 × 1334 pixels, JPEG, at most 1 MB.
fn checkable_jpeg(bytes: &[u8]) -> Result<Vec<u8>> {
    let img = image::load_from_memory(bytes).map_err(|_| Error::invalid("upfile", "图片已损坏，无法识别"))?;
    let (w, h) = IMG_CHECK_MAX_SIDE;
    let img = if img.width() > w || img.height() > h { img.thumbnail(w, h) } else { img };
    let rgb = img.to_rgb8();
    for quality in [85, 60, 35] {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
            .encode_image(&rgb)
            .map_err(|e| Error::Internal(format!("jpeg for imgSecCheck: {e}")))?;
        if out.len() <= IMG_CHECK_MAX_BYTES {
            return Ok(out);
        }
    }
    Err(Error::Internal("picture still over 1 MB at JPEG quality 35".into()))
}

/// The visible text of sanitised HTML (tags dropped, text kept), for checking rich content.
pub fn plain_text(html: &str) -> String {
    ammonia::Builder::empty().clean(html).to_string()
}

/// A WeChat failure while the check is on: 502, and nothing is published.
fn unreachable(e: WxError) -> Error {
    log::warn!("content security check failed: {e}");
    match e {
        WxError::NotConfigured(what) => {
            Error::Upstream(format!("内容安全检测无法进行：微信未配置 {what}，请联系商家").into())
        }
        _ => Error::Upstream("内容安全检测暂时无法完成（微信服务无法访问），请稍后再试".into()),
    }
}

fn excerpt(text: &str) -> String {
    text.chars().take(100).collect()
}

/// `text` cut into pieces of at most `max` characters.
fn pieces(text: &str, max: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(max).map(|c| c.iter().collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_checked_in_pieces_wechat_accepts() {
        let text = "字".repeat(SEC_CHECK_MAX_CHARS * 2 + 1);
        let p = pieces(&text, SEC_CHECK_MAX_CHARS);
        assert_eq!(p.len(), 3);
        assert!(p.iter().all(|x| x.chars().count() <= SEC_CHECK_MAX_CHARS));
        assert_eq!(p.concat(), text);
    }

    #[test]
    fn rich_text_is_checked_without_its_tags() {
        assert_eq!(plain_text("<p>你好<b>违禁词</b></p>"), "你好违禁词");
    }
}
