//! The message outbox job: sends due messages through WeChat (subscribe/send, or uniform_send for
//! the official account), retries transient failures with exponential back-off and records
//! permanent ones with WeChat's code and message.
//!
//! All state is in `message_outbox`: a batch is claimed in one write (each message's next try is
//! pushed out by a lease, so one a crash interrupted is tried again when the lease ends), sent with
//! no database work at all, and its results are written in one more write. Sending is spread over
//! a few threads so one slow answer does not hold up the batch.

use std::time::Duration;

use serde_json::json;

use crate::db::{self, outbox, Db};
use crate::service::error::{Error, Result};
use crate::service::outbox::{CHANNEL_SUBSCRIBE, CHANNEL_UNIFORM};
use crate::settings::keys;
use crate::wechat::{WeChat, WxError};

/// Messages claimed per batch.
const BATCH: i64 = 200;
/// Threads sending one batch.
const SENDERS: usize = 4;
/// How long a claim holds a message before it is tried again (a crash mid-send).
pub const LEASE_SECS: i64 = 120;
/// Tries before a message that keeps failing transiently is given up.
pub const MAX_TRIES: i64 = 15;
/// First back-off; doubles each try, capped at an hour.
const FIRST_BACKOFF_SECS: i64 = 5;
const MAX_BACKOFF_SECS: i64 = 3600;
/// Seconds between sweeps when nothing wakes the job.
pub const DEFAULT_INTERVAL_SECS: u64 = 30;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Drained {
    pub sent: usize,
    pub retry: usize,
    pub failed: usize,
}

/// How a send ended.
enum Outcome {
    Sent,
    Retry { code: i64, error: String },
    Failed { code: i64, error: String },
}

/// The back-off before try number `tries + 1`.
pub fn backoff_secs(tries: i64) -> i64 {
    let shift = tries.clamp(1, 20) - 1;
    (FIRST_BACKOFF_SECS << shift).min(MAX_BACKOFF_SECS)
}

/// True for errors worth trying again: WeChat unreachable or busy, rate limits, a token WeChat
/// still refused after one refresh.
fn transient(e: &WxError) -> bool {
    match e {
        WxError::Transport(_) | WxError::NotConfigured(_) | WxError::Store { .. } => true,
        WxError::Api { errcode, .. } => matches!(errcode, -1 | 45009 | 45011 | 45047 | 40001 | 42001 | 40014),
    }
}

/// What the console shows for a failure: WeChat's code plus a Chinese hint and WeChat's message.
fn describe(e: &WxError) -> (i64, String) {
    match e {
        WxError::Transport(t) => (0, format!("微信暂时无法访问：{t}")),
        WxError::Store { busy } => {
            (0, format!("微信暂时无法访问：{}", crate::service::error::machine_words(*busy)))
        }
        WxError::NotConfigured(what) => (0, format!("微信未配置：{what}")),
        WxError::Api { errcode, errmsg } => {
            let hint = match errcode {
                -1 => "微信系统繁忙",
                40003 => "openid 无效",
                40037 => "模板 ID 无效",
                41030 => "页面路径不存在于线上版本",
                43101 => "用户拒绝接收或未订阅该消息",
                47003 => "模板参数不符合规则",
                45009 | 45011 => "调用次数超过限额",
                40001 | 42001 | 40014 => "access_token 无效",
                _ => "微信返回错误",
            };
            (*errcode, format!("{hint}（{errcode}）：{errmsg}"))
        }
    }
}

/// What a send needs besides the message: read once per run.
struct Context {
    state: String,
    official_appid: Option<String>,
}

fn context(db: &Db) -> Result<Context> {
    db.read_sync(|c| {
        let get = |k| db::settings::get_setting(c, k).map(|v| v.filter(|v| !v.trim().is_empty()));
        Ok(Context {
            state: get(keys::MINIPROGRAM_STATE)?.unwrap_or_else(|| "formal".into()),
            official_appid: get(keys::OFFICIAL_APPID)?,
        })
    })
}

fn send(wechat: &WeChat, ctx: &Context, m: &outbox::MessageRow) -> Outcome {
    let data: serde_json::Value = match serde_json::from_str(&m.msg.data) {
        Ok(d) => d,
        Err(e) => return Outcome::Failed { code: 0, error: format!("消息内容损坏：{e}") },
    };
    let result = match m.msg.channel.as_str() {
        CHANNEL_SUBSCRIBE => {
            let mut body = json!({
                "touser": m.msg.touser, "template_id": m.msg.template_id, "data": data,
                "miniprogram_state": ctx.state, "lang": "zh_CN",
            });
            if !m.msg.page.is_empty() {
                body["page"] = json!(m.msg.page);
            }
            wechat.send_subscribe_message(&body)
        }
        CHANNEL_UNIFORM => {
            let Some(official) = &ctx.official_appid else {
                return Outcome::Failed {
                    code: 0,
                    error: "未配置公众号 AppID，无法发送公众号模板消息".into(),
                };
            };
            let appid = match wechat.creds() {
                Ok(c) => c.appid,
                Err(e) => return Outcome::Retry { code: 0, error: describe(&e).1 },
            };
            let body = json!({
                "touser": m.msg.touser,
                "mp_template_msg": {
                    "appid": official, "template_id": m.msg.template_id, "url": "",
                    "miniprogram": { "appid": appid, "pagepath": m.msg.page }, "data": data,
                },
            });
            wechat.send_uniform_message(&body)
        }
        other => return Outcome::Failed { code: 0, error: format!("未知的发送渠道 {other}") },
    };
    match result {
        Ok(()) => Outcome::Sent,
        Err(e) => {
            let (code, error) = describe(&e);
            if transient(&e) {
                Outcome::Retry { code, error }
            } else {
                Outcome::Failed { code, error }
            }
        }
    }
}

/// Sends every message due at `now`, batch after batch, until none is left due.
pub fn run_once(db: &Db, wechat: &WeChat, now: i64) -> Result<Drained> {
    let ctx = context(db)?;
    let mut done = Drained::default();
    loop {
        let batch =
            db.write_sync(|c| outbox::claim_due(c, now, now + LEASE_SECS, BATCH).map_err(Error::from))?;
        if batch.is_empty() {
            return Ok(done);
        }
        let per = batch.len().div_ceil(SENDERS);
        let outcomes: Vec<Outcome> = std::thread::scope(|s| {
            let handles: Vec<_> = batch
                .chunks(per)
                .map(|chunk| {
                    (chunk.len(), s.spawn(|| chunk.iter().map(|m| send(wechat, &ctx, m)).collect::<Vec<_>>()))
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|(n, h)| {
                    // A panicking sender must not lose its messages: they are tried again later.
                    h.join().unwrap_or_else(|_| {
                        (0..n).map(|_| Outcome::Retry { code: 0, error: "发送线程出错".into() }).collect()
                    })
                })
                .collect()
        });
        let finished = db::unix_now().max(now);
        db.write_sync(|c| {
            for (m, o) in batch.iter().zip(&outcomes) {
                match o {
                    Outcome::Sent => {
                        outbox::mark_sent(c, m.id, finished)?;
                        done.sent += 1;
                    }
                    Outcome::Retry { code, error } if m.tries < MAX_TRIES => {
                        outbox::mark_retry(c, m.id, *code, error, now + backoff_secs(m.tries), finished)?;
                        done.retry += 1;
                    }
                    Outcome::Retry { code, error } => {
                        let error = format!("重试 {MAX_TRIES} 次仍失败，已放弃：{error}");
                        outbox::mark_failed(c, m.id, *code, &error, finished)?;
                        done.failed += 1;
                    }
                    Outcome::Failed { code, error } => {
                        outbox::mark_failed(c, m.id, *code, error, finished)?;
                        done.failed += 1;
                    }
                }
            }
            Ok::<_, Error>(())
        })?;
        if (batch.len() as i64) < BATCH {
            return Ok(done);
        }
    }
}

/// Seconds between sweeps: the setting when it is a number from 1 to 3600, else the default.
pub fn interval_secs(db: &Db) -> u64 {
    db.read_sync(|c| db::settings::get_setting(c, keys::OUTBOX_INTERVAL_SECS).map_err(Error::from))
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| (1..=3600).contains(s))
        .unwrap_or(DEFAULT_INTERVAL_SECS)
}

/// How long to sleep: until the earliest pending message is due (a back-off ending), at most the
/// interval, at least a second.
fn sleep_secs(db: &Db, now: i64) -> u64 {
    let interval = interval_secs(db);
    match db.read_sync(|c| outbox::next_due(c).map_err(Error::from)) {
        Ok(Some(due)) => u64::try_from((due - now).clamp(1, interval as i64)).unwrap_or(interval),
        _ => interval,
    }
}

/// One step of the job thread: drain what is due, then wait for a wake-up, the next due message
/// or the interval.
pub fn step(db: &Db, wechat: &WeChat) {
    let seen = crate::service::outbox::wake_count();
    if let Err(e) = run_once(db, wechat, db::unix_now()) {
        log::warn!("message outbox: {e:?}");
    }
    let secs = sleep_secs(db, db::unix_now());
    crate::service::outbox::wait_for_work(seen, Duration::from_secs(secs));
}
