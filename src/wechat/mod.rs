//! The WeChat server API over ureq: code2Session, the access token (cached, persisted, refreshed
//! one at a time), phone numbers by code. Calls block: handlers run them with `db::blocking`.
//!
//! With no appid configured the shop is in sandbox mode and every call goes, over real HTTP, to
//! xiaodian's own simulator at `/sandbox/wechat` (src/sandbox).

pub mod card;
pub mod codes;
pub mod crypto;
pub mod kefu;
pub mod pay;
pub mod push;
pub mod refund;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::config::Config;
use crate::db::{self, Db};
use crate::settings::Settings;

/// The sandbox's own appid and secret (what the simulator accepts).
pub const SANDBOX_APPID: &str = "wxsandbox00000000";
pub const SANDBOX_SECRET: &str = "sandbox-secret-not-for-production";

/// A token is refreshed when it has less than this left (WeChat gives 7200 s).
const REFRESH_AHEAD_SECS: i64 = 600;

/// Who we are to WeChat, and where WeChat is, right now.
#[derive(Debug, Clone)]
pub struct Creds {
    pub appid: String,
    pub secret: String,
    pub base: String,
    pub sandbox: bool,
}

/// What went wrong talking to WeChat.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WxError {
    #[error("WeChat unreachable: {0}")]
    Transport(String),
    #[error("WeChat errcode {errcode}: {errmsg}")]
    Api { errcode: i64, errmsg: String },
    #[error("WeChat is not configured: {0}")]
    NotConfigured(&'static str),
    /// The access-token store (the database) failed; `busy` when no connection was free in time.
    #[error("the token store failed (busy: {busy})")]
    Store { busy: bool },
}

impl From<db::Error> for WxError {
    fn from(e: db::Error) -> Self {
        WxError::Store { busy: matches!(e, db::Error::Unavailable) }
    }
}

impl WxError {
    fn is_token_error(&self) -> bool {
        matches!(self, WxError::Api { errcode: 40001 | 40014 | 42001, .. })
    }
}

/// code2Session's answer.
#[derive(Debug, Clone, Deserialize)]
pub struct Session {
    pub openid: String,
    pub session_key: String,
    #[serde(default)]
    pub unionid: Option<String>,
}

/// A phone number from `getuserphonenumber`.
#[derive(Debug, Clone)]
pub struct Phone {
    pub phone_number: String,
    pub pure_phone_number: String,
    pub country_code: String,
}

/// The most characters one msgSecCheck call may carry (WeChat's limit for v2).
pub const SEC_CHECK_MAX_CHARS: usize = 2500;

/// The largest picture imgSecCheck takes: 750 × 1334 pixels, 1 MB.
pub const IMG_CHECK_MAX_SIDE: (u32, u32) = (750, 1334);
pub const IMG_CHECK_MAX_BYTES: usize = 1024 * 1024;

/// What msgSecCheck suggests for a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Suggest {
    Pass,
    Review,
    Risky,
}

/// msgSecCheck's answer: the suggestion, WeChat's label (100 = normal) and its trace id.
#[derive(Debug, Clone)]
pub struct SecCheck {
    pub suggest: Suggest,
    pub label: i64,
    pub trace_id: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

/// The WeChat client, shared by handlers and jobs.
#[derive(Clone)]
pub struct WeChat {
    inner: Arc<Inner>,
}

struct Inner {
    agent: ureq::Agent,
    db: Db,
    settings: Settings,
    loopback: String,
    // Single flight: one token fetch at a time; others wait and reuse its result.
    token: Mutex<Option<(String, String, i64)>>,
    // A login code is good for one code2Session: concurrent or repeated logins with the same code
    // (double taps, retries) share the first answer instead of getting 40163 from WeChat.
    codes: Mutex<HashMap<String, (Instant, SessionCell)>>,
    // The wx_card api_ticket (appid, ticket, expiry), fetched like the token, one at a time.
    card_ticket: Mutex<Option<(String, String, i64)>>,
}

/// One code2Session answer, computed once and shared by everyone who asked with the same code.
type SessionCell = Arc<OnceLock<Result<Session, WxError>>>;

/// How long the answer for a login code is reused.
const CODE_REUSE: Duration = Duration::from_secs(10);
/// Login codes remembered at once: beyond it a code is exchanged without being shared, so a flood
/// of distinct codes cannot grow the map (about 200 bytes each: code, session and the map's share).
const MAX_SHARED_CODES: usize = 4096;

impl WeChat {
    pub fn new(cfg: &Config, db: Db, settings: Settings) -> WeChat {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .http_status_as_error(false)
            .build()
            .into();
        WeChat {
            inner: Arc::new(Inner {
                agent,
                db,
                settings,
                loopback: cfg.loopback_url(),
                token: Mutex::new(None),
                codes: Mutex::new(HashMap::new()),
                card_ticket: Mutex::new(None),
            }),
        }
    }

    /// The credentials and base URL in force now (environment > console > sandbox).
    pub fn creds(&self) -> Result<Creds, WxError> {
        let snap = self.inner.settings.get();
        match snap.wechat_appid() {
            None => Ok(Creds {
                appid: SANDBOX_APPID.into(),
                secret: SANDBOX_SECRET.into(),
                base: snap
                    .wechat_api_base()
                    .map_or_else(|| format!("{}/sandbox/wechat", self.inner.loopback), str::to_string),
                sandbox: true,
            }),
            Some(appid) => Ok(Creds {
                appid: appid.to_string(),
                secret: snap.wechat_secret().ok_or(WxError::NotConfigured("AppSecret"))?.to_string(),
                base: snap
                    .wechat_api_base()
                    .unwrap_or("https://api.weixin.qq.com")
                    .trim_end_matches('/')
                    .to_string(),
                sandbox: false,
            }),
        }
    }

    fn decode<T: DeserializeOwned>(text: &str) -> Result<T, WxError> {
        let err: ErrorBody = serde_json::from_str(text).map_err(|_| {
            WxError::Transport(format!("not JSON: {}", text.chars().take(80).collect::<String>()))
        })?;
        if err.errcode != 0 {
            return Err(WxError::Api { errcode: err.errcode, errmsg: err.errmsg });
        }
        serde_json::from_str(text).map_err(|e| WxError::Transport(format!("unexpected answer: {e}")))
    }

    fn get_json<T: DeserializeOwned>(&self, url: &str, query: &[(&str, &str)]) -> Result<T, WxError> {
        let mut req = self.inner.agent.get(url);
        for (k, v) in query {
            req = req.query(*k, *v);
        }
        let mut res = req.call().map_err(|e| WxError::Transport(e.to_string()))?;
        let text = res.body_mut().read_to_string().map_err(|e| WxError::Transport(e.to_string()))?;
        Self::decode(&text)
    }

    fn post_json<T: DeserializeOwned>(&self, url: &str, body: &serde_json::Value) -> Result<T, WxError> {
        let mut res = self
            .inner
            .agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .map_err(|e| WxError::Transport(e.to_string()))?;
        // A gateway error (502/503 from a proxy) is WeChat being unreachable, whatever its body says.
        if res.status().is_server_error() {
            return Err(WxError::Transport(format!("HTTP {}", res.status().as_u16())));
        }
        let text = res.body_mut().read_to_string().map_err(|e| WxError::Transport(e.to_string()))?;
        Self::decode(&text)
    }

    /// Exchanges a `wx.login` code for the openid and session_key (once per code, see `codes`).
    pub fn code2session(&self, code: &str) -> Result<Session, WxError> {
        let cell = {
            let mut codes = self.inner.codes.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            codes.retain(|_, (at, _)| at.elapsed() < CODE_REUSE);
            if codes.len() >= MAX_SHARED_CODES && !codes.contains_key(code) {
                return self.fetch_session(code);
            }
            codes
                .entry(code.to_string())
                .or_insert_with(|| (Instant::now(), Arc::new(OnceLock::new())))
                .1
                .clone()
        };
        let answer = cell.get_or_init(|| self.fetch_session(code)).clone();
        if answer.is_err() {
            // A failure (WeChat busy, network) may be retried with the same code.
            self.inner.codes.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(code);
        }
        answer
    }

    fn fetch_session(&self, code: &str) -> Result<Session, WxError> {
        let c = self.creds()?;
        self.get_json(
            &format!("{}/sns/jscode2session", c.base),
            &[
                ("appid", &c.appid),
                ("secret", &c.secret),
                ("js_code", code),
                ("grant_type", "authorization_code"),
            ],
        )
    }

    /// A live access token: from memory, else the database, else a new one from WeChat.
    pub fn access_token(&self) -> Result<String, WxError> {
        self.token(false)
    }

    fn token(&self, force: bool) -> Result<String, WxError> {
        #[derive(Deserialize)]
        struct TokenBody {
            access_token: String,
            expires_in: i64,
        }
        let c = self.creds()?;
        let now = db::unix_now();
        let mut slot = self.inner.token.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !force {
            if let Some((appid, token, expires)) = slot.as_ref() {
                if *appid == c.appid && *expires - REFRESH_AHEAD_SECS > now {
                    return Ok(token.clone());
                }
            }
            let stored = self.inner.db.read_sync(|conn| db::wechat::token(conn, &c.appid))?;
            if let Some((token, expires)) = stored.filter(|(_, e)| *e - REFRESH_AHEAD_SECS > now) {
                *slot = Some((c.appid.clone(), token.clone(), expires));
                return Ok(token);
            }
        }
        // stable_token does not invalidate tokens other tools on the same appid hold.
        let body = serde_json::json!({
            "grant_type": "client_credential", "appid": c.appid, "secret": c.secret, "force_refresh": force,
        });
        let t: TokenBody = self.post_json(&format!("{}/cgi-bin/stable_token", c.base), &body)?;
        let expires = now + t.expires_in;
        let (appid, token) = (c.appid.clone(), t.access_token.clone());
        self.inner.db.write_sync(|conn| db::wechat::put_token(conn, &appid, &token, expires))?;
        *slot = Some((c.appid, t.access_token.clone(), expires));
        Ok(t.access_token)
    }

    /// Asks WeChat whether the appid and secret in force are accepted (`stable_token` without a
    /// forced refresh, so tokens other tools hold stay valid); the token itself is not kept.
    pub fn check_credentials(&self) -> Result<(), WxError> {
        #[derive(Deserialize)]
        struct TokenBody {
            #[allow(dead_code, reason = "read to prove the answer is a token, then dropped")]
            access_token: String,
        }
        let c = self.creds()?;
        let body = serde_json::json!({
            "grant_type": "client_credential", "appid": c.appid, "secret": c.secret, "force_refresh": false,
        });
        self.post_json::<TokenBody>(&format!("{}/cgi-bin/stable_token", c.base), &body).map(|_| ())
    }

    /// Forgets the cached token (after the merchant changes the keys).
    pub fn forget_token(&self) -> db::Result<()> {
        *self.inner.token.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        self.inner.db.write_sync(db::wechat::delete_tokens)
    }

    /// Refreshes the token when it is close to expiry (the job calls this).
    pub fn refresh_if_due(&self) -> Result<(), WxError> {
        self.token(false).map(|_| ())
    }

    /// Calls `path` with the access token; on an expired-token answer refreshes once and retries.
    pub fn call_with_token<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<T, WxError> {
        let base = self.creds()?.base;
        let token = self.token(false)?;
        match self.post_json(&format!("{base}{path}?access_token={token}"), body) {
            Err(e) if e.is_token_error() => {
                let token = self.token_after_reject(&token)?;
                self.post_json(&format!("{base}{path}?access_token={token}"), body)
            }
            other => other,
        }
    }

    /// A token to retry with after WeChat rejected `rejected`: the one another thread fetched
    /// meanwhile, else a forced refresh (so parallel senders refresh once, not once each).
    fn token_after_reject(&self, rejected: &str) -> Result<String, WxError> {
        let appid = self.creds()?.appid;
        if let Some((a, t, _)) =
            self.inner.token.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref()
        {
            if *a == appid && t != rejected {
                return Ok(t.clone());
            }
        }
        self.token(true)
    }

    /// subscribeMessage.send: one subscription message (`touser, template_id, page, data,
    /// miniprogram_state, lang`). An expired token is refreshed once and the send retried.
    pub fn send_subscribe_message(&self, body: &serde_json::Value) -> Result<(), WxError> {
        self.call_with_token::<serde::de::IgnoredAny>("/cgi-bin/message/subscribe/send", body).map(|_| ())
    }

    /// uniformMessage.send: an official-account template message addressed by the mini-program
    /// openid (`touser, mp_template_msg{appid, template_id, url, miniprogram, data}`).
    pub fn send_uniform_message(&self, body: &serde_json::Value) -> Result<(), WxError> {
        self.call_with_token::<serde::de::IgnoredAny>("/cgi-bin/message/wxopen/template/uniform_send", body)
            .map(|_| ())
    }

    /// msgSecCheck v2 for one piece of text (≤ [`SEC_CHECK_MAX_CHARS`] characters) written by
    /// `openid`. `scene`: 1 profile, 2 comment, 3 forum, 4 social log. WeChat's v1 answer for
    /// risky text (errcode 87014) is read as `risky` too.
    pub fn msg_sec_check(&self, openid: &str, scene: i64, content: &str) -> Result<SecCheck, WxError> {
        #[derive(Deserialize)]
        struct Body {
            #[serde(default)]
            trace_id: String,
            result: SecResult,
        }
        #[derive(Deserialize)]
        struct SecResult {
            suggest: String,
            label: i64,
        }
        let body = serde_json::json!({
            "version": 2, "openid": openid, "scene": scene, "content": content,
        });
        match self.call_with_token::<Body>("/wxa/msg_sec_check", &body) {
            Ok(b) => {
                let suggest = match b.result.suggest.as_str() {
                    "pass" => Suggest::Pass,
                    "review" => Suggest::Review,
                    "risky" => Suggest::Risky,
                    other => return Err(WxError::Transport(format!("unknown suggest {other:?}"))),
                };
                Ok(SecCheck { suggest, label: b.result.label, trace_id: b.trace_id })
            }
            Err(WxError::Api { errcode: 87014, .. }) => {
                Ok(SecCheck { suggest: Suggest::Risky, label: 21000, trace_id: String::new() })
            }
            Err(e) => Err(e),
        }
    }

    /// imgSecCheck for one picture (≤ 750 × 1334 px and 1 MB: the caller shrinks it), sent as the
    /// multipart field `media`. WeChat answers errcode 0 for a clean picture and 87014 for a risky
    /// one; an expired token is refreshed once and the call retried.
    pub fn img_sec_check(&self, jpeg: &[u8]) -> Result<Suggest, WxError> {
        let base = self.creds()?.base;
        let send = |token: &str| -> Result<ErrorBody, WxError> {
            let boundary = format!("xiaodian-{}", crate::secret::new_token());
            let mut body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"media.jpg\"\r\n\
                 Content-Type: image/jpeg\r\n\r\n"
            )
            .into_bytes();
            body.extend_from_slice(jpeg);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            let mut res = self
                .inner
                .agent
                .post(&format!("{base}/wxa/img_sec_check?access_token={token}"))
                .header("Content-Type", &format!("multipart/form-data; boundary={boundary}"))
                .send(&body[..])
                .map_err(|e| WxError::Transport(e.to_string()))?;
            let text = res.body_mut().read_to_string().map_err(|e| WxError::Transport(e.to_string()))?;
            serde_json::from_str(&text).map_err(|_| {
                WxError::Transport(format!("not JSON: {}", text.chars().take(80).collect::<String>()))
            })
        };
        let mut answer = send(&self.token(false)?)?;
        if matches!(answer.errcode, 40001 | 40014 | 42001) {
            answer = send(&self.token(true)?)?;
        }
        match answer.errcode {
            0 => Ok(Suggest::Pass),
            87014 => Ok(Suggest::Risky),
            errcode => Err(WxError::Api { errcode, errmsg: answer.errmsg }),
        }
    }

    /// The phone number behind a `getPhoneNumber` button code (single use, 5 minutes).
    pub fn phone_number(&self, code: &str) -> Result<Phone, WxError> {
        #[derive(Deserialize)]
        struct Body {
            phone_info: Info,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Info {
            phone_number: String,
            pure_phone_number: String,
            // Typed string in the docs, a number in the example: take either.
            country_code: serde_json::Value,
        }
        let b: Body =
            self.call_with_token("/wxa/business/getuserphonenumber", &serde_json::json!({ "code": code }))?;
        let country_code = match b.phone_info.country_code {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        Ok(Phone {
            phone_number: b.phone_info.phone_number,
            pure_phone_number: b.phone_info.pure_phone_number,
            country_code,
        })
    }
}
