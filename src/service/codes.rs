//! Verification codes sent by SMS or e-mail: six digits, stored hashed, valid for 10 minutes,
//! used once, dead after 5 wrong tries, and rate limited per target and per client IP.
//!
//! In sandbox mode (no WeChat appid) or while no provider is configured, a code goes to the code
//! outbox the merchant reads in the console; otherwise it is delivered and the outbox records the
//! send with the code masked. Functions that decide take an explicit `now`, so tests can move time.

use rand::Rng;
use rusqlite::Connection;

use crate::db::{self, codes as store, Db};
use crate::delivery::mail::SmtpConfig;
use crate::delivery::tencent_sms::SmsConfig;
use crate::delivery::{self, DeliveryError};
use crate::secret;
use crate::service::error::{Error, Result};
use crate::settings::{keys, Settings, Snapshot};

/// How long a code stays valid.
pub const TTL_SECS: i64 = 600;
/// Wrong tries after which a code is dead.
pub const MAX_WRONG: i64 = 5;
/// At most one send per target in this many seconds.
pub const GAP_SECS: i64 = 60;
/// At most this many sends per target in 24 hours.
pub const PER_TARGET_PER_DAY: i64 = 10;
/// At most this many sends per client IP in an hour.
pub const PER_IP_PER_HOUR: i64 = 20;
const KEEP_CODES_SECS: i64 = 2 * 86_400;
const KEEP_OUTBOX_SECS: i64 = 30 * 86_400;
const MASK: &str = "******";

/// How a code travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Sms,
    Mail,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Mail => "mail",
        }
    }

    fn target_noun(self) -> &'static str {
        match self {
            Channel::Sms => "手机号",
            Channel::Mail => "邮箱",
        }
    }
}

/// A mainland mobile number: 11 digits starting with 1.
pub fn mobile(name: &'static str, v: &str) -> Result<String> {
    let v = v.trim();
    if v.len() == 11 && v.starts_with('1') && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(v.to_string())
    } else {
        Err(Error::invalid(name, "应为 11 位手机号码"))
    }
}

/// An e-mail address, lower-cased: one '@', a dotted domain, no spaces, at most 100 characters.
pub fn email(name: &'static str, v: &str) -> Result<String> {
    let v = v.trim().to_lowercase();
    let ok = v.len() <= 100
        && !v.chars().any(|ch| ch.is_whitespace() || ch.is_control() || matches!(ch, '<' | '>' | ',' | ';'))
        && match v.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            }
            None => false,
        };
    if ok {
        Ok(v)
    } else {
        Err(Error::invalid(name, "不是有效的邮箱地址"))
    }
}

/// True when sending an SMS code needs the image captcha (setting `smsNeedPicCode` = 1).
pub fn sms_needs_pic_code(s: &Snapshot) -> bool {
    s.get(keys::SMS_NEED_PIC_CODE) == Some("1")
}

/// Where a new code goes right now.
pub enum Via {
    /// The console's code outbox (sandbox mode, or no provider configured).
    Outbox,
    Sms(Box<SmsConfig>),
    Mail(Box<SmtpConfig>),
}

/// The route for a channel under the current settings.
pub fn via(s: &Snapshot, channel: Channel) -> Result<Via> {
    // Sandbox mode never reaches real providers: the merchant reads codes in the console.
    if s.wechat_appid().is_none() {
        return Ok(Via::Outbox);
    }
    match channel {
        Channel::Sms => Ok(SmsConfig::from_settings(s).map_or(Via::Outbox, |c| Via::Sms(Box::new(c)))),
        Channel::Mail => match SmtpConfig::from_settings(s) {
            Ok(Some(c)) => Ok(Via::Mail(Box::new(c))),
            Ok(None) => Ok(Via::Outbox),
            Err(e) => Err(Error::Unsupported(format!("本店的邮件服务设置有误：{e}").into())),
        },
    }
}

/// "45 秒", "12 分钟", "3 小时 5 分钟" (rounded up: waiting that long is always enough).
pub fn wait_text(secs: i64) -> String {
    let secs = secs.max(1);
    if secs <= 60 {
        format!("{secs} 秒")
    } else if secs <= 3600 {
        format!("{} 分钟", (secs + 59) / 60)
    } else {
        let minutes = (secs + 59) / 60;
        match minutes % 60 {
            0 => format!("{} 小时", minutes / 60),
            m => format!("{} 小时 {m} 分钟", minutes / 60),
        }
    }
}

/// Refuses a send that would pass a limit, saying how long to wait.
pub fn check_limits(
    c: &Connection,
    channel: Channel,
    target: &str,
    ip: Option<&str>,
    now: i64,
) -> Result<()> {
    let ch = channel.as_str();
    if let Some(last) = store::nth_send_to_target(c, ch, target, now - GAP_SECS, 1)? {
        let wait = wait_text(last + GAP_SECS - now);
        return Err(Error::RateLimited(format!("验证码发送太频繁，请 {wait}后再试").into()));
    }
    if let Some(t) = store::nth_send_to_target(c, ch, target, now - 86_400, PER_TARGET_PER_DAY)? {
        return Err(Error::RateLimited(
            format!(
                "该{}24 小时内获取验证码已达 {PER_TARGET_PER_DAY} 次，请 {}后再试",
                channel.target_noun(),
                wait_text(t + 86_400 - now)
            )
            .into(),
        ));
    }
    if let Some(ip) = ip.filter(|ip| !ip.is_empty()) {
        if let Some(t) = store::nth_send_from_ip(c, ip, now - 3600, PER_IP_PER_HOUR)? {
            return Err(Error::RateLimited(
                format!(
                    "当前网络获取验证码太频繁（每小时最多 {PER_IP_PER_HOUR} 次），请 {}后再试",
                    wait_text(t + 3600 - now)
                )
                .into(),
            ));
        }
    }
    Ok(())
}

fn new_code() -> String {
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000))
}

/// Checks the limits, retires the target's older codes and stores a new one, in the caller's
/// transaction. Returns the new code's id and the code.
pub fn issue(
    c: &Connection,
    channel: Channel,
    target: &str,
    ip: Option<&str>,
    now: i64,
) -> Result<(i64, String)> {
    check_limits(c, channel, target, ip, now)?;
    store::prune_codes(c, now - KEEP_CODES_SECS)?;
    store::retire_live(c, channel.as_str(), target)?;
    let code = new_code();
    let hash = secret::hash_token(&code);
    let id = store::insert_code(c, channel.as_str(), target, &hash, ip.unwrap_or(""), now + TTL_SECS, now)?;
    Ok((id, code))
}

fn refuse(msg: impl Into<std::borrow::Cow<'static, str>>) -> Result<(), Error> {
    Err(Error::CodeWrong(msg.into()))
}

/// The target's live code, or why there is none (never sent, used, dead, expired). Reads only:
/// callers check it before slow work (argon2) so a request without a live code costs little.
pub fn live(
    c: &Connection,
    channel: Channel,
    target: &str,
    now: i64,
) -> Result<Result<store::CodeRow, Error>> {
    let refusal = |m: &'static str| Ok(Err(Error::CodeWrong(m.into())));
    let Some(row) = store::latest(c, channel.as_str(), target)? else {
        return refusal("请先获取验证码");
    };
    match row.status {
        store::USED => refusal("验证码已使用，请重新获取"),
        store::DEAD => refusal("验证码已失效，请重新获取"),
        _ if row.expires_at <= now => refusal("验证码已过期，请重新获取"),
        _ => Ok(Ok(row)),
    }
}

/// Refuses early, on a read connection, when the target has no live code.
pub async fn require_live(db: &Db, channel: Channel, target: &str) -> Result<()> {
    let target = target.to_string();
    db.read(move |c| live(c, channel, &target, db::unix_now())).await?.map(|_| ())
}

/// Checks `code` against the target's newest code, in the caller's transaction. `Ok(Ok(()))`:
/// right, and the code is now used. `Ok(Err(refusal))`: wrong, used, expired or dead — commit it
/// anyway, since a wrong try is counted. `Err`: a failure.
pub fn redeem(
    c: &Connection,
    channel: Channel,
    target: &str,
    code: &str,
    now: i64,
) -> Result<Result<(), Error>> {
    let row = match live(c, channel, target, now)? {
        Ok(row) => row,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if secret::same(&secret::hash_token(code.trim()), &row.code_hash) {
        store::set_status(c, row.id, store::USED)?;
        return Ok(Ok(()));
    }
    let tries = row.tries + 1;
    let dead = tries >= MAX_WRONG;
    store::add_wrong_try(c, row.id, dead)?;
    if dead {
        Ok(refuse("验证码错误次数过多，已失效，请重新获取"))
    } else {
        Ok(refuse(format!("验证码错误，还可以再试 {} 次", MAX_WRONG - tries)))
    }
}

fn sms_text(shop: &str, code: &str) -> String {
    format!("【{shop}】您的验证码是 {code}，{} 分钟内有效，请勿告诉他人。", TTL_SECS / 60)
}

fn mail_subject(shop: &str) -> String {
    format!("{shop} 邮箱验证码")
}

fn mail_body(shop: &str, code: &str) -> String {
    format!(
        "您好：\n\n您的验证码是 {code}，{} 分钟内有效。\n如果这不是您本人的操作，请忽略这封邮件。\n\n{shop}",
        TTL_SECS / 60
    )
}

/// What the outbox keeps of a message.
fn outbox_text(channel: Channel, shop: &str, code: &str) -> String {
    match channel {
        Channel::Sms => sms_text(shop, code),
        Channel::Mail => format!("{}\n\n{}", mail_subject(shop), mail_body(shop, code)),
    }
}

/// A target with its middle hidden, for the log.
fn masked_target(target: &str) -> String {
    let chars: Vec<char> = target.chars().collect();
    let keep = (chars.len() / 3).min(4);
    let head: String = chars.iter().take(keep).collect();
    let tail: String = chars.iter().skip(chars.len().saturating_sub(keep)).collect();
    format!("{head}***{tail}")
}

/// Sends a new code to `target` (already validated): limits, store, deliver, record. Blocks.
pub fn send_blocking(
    db: &Db,
    s: &Snapshot,
    channel: Channel,
    target: &str,
    ip: Option<&str>,
    now: i64,
) -> Result<()> {
    let via = via(s, channel)?;
    let shop = s.shop_name().to_string();
    let outbox = matches!(via, Via::Outbox);
    let (id, code) = db.write_sync(|c| {
        let (id, code) = issue(c, channel, target, ip, now)?;
        store::prune_outbox(c, now - KEEP_OUTBOX_SECS)?;
        if outbox {
            store::insert_outbox(
                c,
                channel.as_str(),
                target,
                &outbox_text(channel, &shop, &code),
                "outbox",
                "",
                now,
            )?;
        }
        Ok::<_, Error>((id, code))
    })?;
    let sent: Result<(), DeliveryError> = match &via {
        Via::Outbox => return Ok(()),
        Via::Sms(cfg) => delivery::tencent_sms::send(cfg, target, &code, TTL_SECS / 60, now),
        Via::Mail(cfg) => delivery::mail::send(cfg, target, &mail_subject(&shop), &mail_body(&shop, &code)),
    };
    let masked = outbox_text(channel, &shop, MASK);
    let (status, error) = match &sent {
        Ok(()) => ("sent", String::new()),
        Err(e) => ("failed", e.to_string()),
    };
    db.write_sync(|c| {
        store::insert_outbox(c, channel.as_str(), target, &masked, status, &error, now)?;
        if sent.is_err() {
            // An undelivered code must not be guessable later.
            store::set_status(c, id, store::DEAD)?;
        }
        Ok::<_, Error>(())
    })?;
    sent.map_err(|e| {
        log::warn!("{} code to {} not delivered: {e}", channel.as_str(), masked_target(target));
        Error::Upstream(match channel {
            Channel::Sms => "验证码短信发送失败，请稍后再试".into(),
            Channel::Mail => "验证码邮件发送失败，请稍后再试".into(),
        })
    })
}

/// [`send_blocking`] off the async executor, now.
pub async fn send(
    db: &Db,
    settings: &Settings,
    channel: Channel,
    target: String,
    ip: Option<String>,
) -> Result<()> {
    let (db, snap) = (db.clone(), settings.get());
    db::blocking(move || send_blocking(&db, &snap, channel, &target, ip.as_deref(), db::unix_now())).await
}

/// Checks and uses up a code on its own (smsValidateCodeCheck / mailValidateCodeCheck).
pub async fn check(db: &Db, channel: Channel, target: String, code: String) -> Result<()> {
    db.write(move |c| redeem(c, channel, &target, &code, db::unix_now())).await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_spelled_out_and_rounded_up() {
        assert_eq!(wait_text(0), "1 秒");
        assert_eq!(wait_text(45), "45 秒");
        assert_eq!(wait_text(60), "60 秒");
        assert_eq!(wait_text(61), "2 分钟");
        assert_eq!(wait_text(3600), "60 分钟");
        assert_eq!(wait_text(7200), "2 小时");
        assert_eq!(wait_text(3 * 3600 + 4 * 60 + 1), "3 小时 5 分钟");
    }

    #[test]
    fn mobiles_and_emails_are_checked() {
        assert_eq!(mobile("mobile", " 13800138000 ").unwrap(), "13800138000");
        assert!(mobile("mobile", "1380013800").is_err());
        assert!(mobile("mobile", "23800138000").is_err());
        assert!(mobile("mobile", "1380013800a").is_err());
        assert_eq!(email("mail", "Alice@Example.COM").unwrap(), "alice@example.com");
        for bad in ["alice", "alice@", "@example.com", "a@b", "a@@b.com", "a b@c.com", "a@.com", "a@b..com"] {
            assert!(email("mail", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..100 {
            let c = new_code();
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn logs_never_show_a_whole_target() {
        assert_eq!(masked_target("13800138000"), "138***000");
        assert!(!masked_target("alice@example.com").contains("alice@example"));
    }
}
