//! `/sandbox/wechat/...`: code2Session, access tokens and phone numbers, as WeChat answers them.
//!
//! A login code always maps to the same openid (so a test or a developer can log in as "alice"
//! again; "alice#2" is another wx.login of Alice); each code2Session hands out a fresh session_key,
//! as WeChat may. Phone codes are single
//! use; a code holding an 11-digit mainland number (e.g. "phone-13800138000") yields that number.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use base64::Engine;
use rand::RngCore;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{SandboxOn, SandboxOperator};
use crate::wechat::{crypto, SANDBOX_APPID, SANDBOX_SECRET};

pub fn routes() -> Vec<Route> {
    routes![
        jscode2session,
        token,
        stable_token,
        phone_number,
        expire_tokens,
        encrypt,
        msg_sec_check,
        img_sec_check,
        sec_words,
        set_sec_words,
        getticket
    ]
}

/// The sandbox's `wx_card` api_ticket: the same for the sandbox's lifetime (and across restarts),
/// so a test can check a cardExt signature.
pub fn card_ticket() -> String {
    let d = Sha256::digest(format!("{SANDBOX_SECRET}:wx_card").as_bytes());
    format!("sandbox-ticket-{}", hex_of(&d[..16]))
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        use std::fmt::Write as _;
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// GET /sandbox/wechat/cgi-bin/ticket/getticket — the `wx_card` api_ticket for a live token.
#[get("/sandbox/wechat/cgi-bin/ticket/getticket?<access_token>&<type>")]
fn getticket(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    access_token: Option<&str>,
    r#type: Option<&str>,
) -> Json<Value> {
    if !sb.valid_token(access_token.unwrap_or("")) {
        return err(40001, "invalid credential, access_token is invalid or not latest");
    }
    if r#type != Some("wx_card") {
        return err(40097, "invalid args: type must be wx_card or jsapi");
    }
    sb.note("getticket", "wx_card api_ticket".into());
    Json(json!({ "errcode": 0, "errmsg": "ok", "ticket": card_ticket(), "expires_in": 7200 }))
}

/// What the simulator remembers (in memory: a restart is like WeChat forgetting sessions).
#[derive(Default)]
pub struct SandboxWeChat {
    session_keys: Mutex<HashMap<String, String>>,
    tokens: Mutex<HashSet<String>>,
    used_phone_codes: Mutex<HashSet<String>>,
    /// The words msgSecCheck flags (settable through /sandbox/wechat/control/sec-words).
    sec_words: Mutex<SecWords>,
    /// Every call the simulator answered: (what, detail) — shown in the console.
    pub log: Mutex<Vec<(String, String)>>,
    /// The same calls with their time, for the console's 沙箱记录 page (newest last).
    record: Mutex<std::collections::VecDeque<Noted>>,
}

/// One call the sandbox answered: what was called and what it was sent.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Noted {
    /// Counts up from 1 since the sandbox started.
    pub seq: u64,
    /// Unix seconds.
    pub at: i64,
    pub what: String,
    pub detail: String,
}

/// How many calls the record keeps (the oldest go first).
const RECORD_KEEP: usize = 5000;

/// The sandbox's content-security word lists: a text holding a `risky` word is risky, else one
/// holding a `review` word needs review, else it passes.
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
pub struct SecWords {
    pub risky: Vec<String>,
    pub review: Vec<String>,
}

impl Default for SecWords {
    fn default() -> Self {
        SecWords { risky: vec!["违禁词".into()], review: vec!["待审词".into()] }
    }
}

/// The label the sandbox gives flagged text (WeChat's 21000: other).
const SANDBOX_SEC_LABEL: i64 = 21000;

fn err(errcode: i64, errmsg: &str) -> Json<Value> {
    Json(json!({ "errcode": errcode, "errmsg": errmsg }))
}

fn random_b64(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The openid a login code stands for (28 characters, like WeChat's). What follows a `#` is
/// ignored, so "alice#2" is a second wx.login of the same shopper.
pub fn openid_for(code: &str) -> String {
    let who = code.split('#').next().unwrap_or(code);
    let digest = Sha256::digest(format!("{SANDBOX_APPID}:{who}").as_bytes());
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
    format!("o{}", &text[..27])
}

impl SandboxWeChat {
    pub(crate) fn note(&self, what: &str, detail: String) {
        let mut log = self.log.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if log.len() >= 1000 {
            log.remove(0);
        }
        log.push((what.to_string(), detail.clone()));
        drop(log);
        let mut record = self.record.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if record.len() >= RECORD_KEEP {
            record.pop_front();
        }
        let seq = record.back().map_or(1, |n| n.seq + 1);
        record.push_back(Noted { seq, at: crate::db::unix_now(), what: what.to_string(), detail });
    }

    /// Recorded calls, newest first, of one kind (`what`) or all: one page and the total.
    pub fn recorded(&self, what: Option<&str>, offset: usize, limit: usize) -> (Vec<Noted>, usize) {
        let record = self.record.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let matching = || record.iter().rev().filter(|n| what.is_none_or(|w| n.what == w));
        (matching().skip(offset).take(limit).cloned().collect(), matching().count())
    }

    /// The kinds of call recorded so far, with how many of each, by name.
    pub fn recorded_kinds(&self) -> Vec<(String, usize)> {
        let record = self.record.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut kinds = std::collections::BTreeMap::<String, usize>::new();
        for n in record.iter() {
            *kinds.entry(n.what.clone()).or_default() += 1;
        }
        kinds.into_iter().collect()
    }

    /// Answers only with a token the sandbox issued (what WeChat's 40001 guards).
    pub(crate) fn token_ok(&self, token: Option<&str>) -> bool {
        self.valid_token(token.unwrap_or(""))
    }

    /// True when the openid logged in since the sandbox started (WeChat's "visited recently").
    pub(crate) fn knows_openid(&self, openid: &str) -> bool {
        self.session_keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains_key(openid)
    }

    pub(crate) fn valid_token(&self, token: &str) -> bool {
        self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains(token)
    }

    fn issue_token(&self) -> String {
        let token = format!("sandbox-{}", crate::secret::new_token());
        self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(token.clone());
        token
    }
}

fn check_app(appid: Option<&str>, secret: Option<&str>) -> Option<Json<Value>> {
    if appid != Some(SANDBOX_APPID) {
        return Some(err(40013, "invalid appid"));
    }
    if secret != Some(SANDBOX_SECRET) {
        return Some(err(40125, "invalid appsecret"));
    }
    None
}

/// GET /sandbox/wechat/sns/jscode2session — code2Session.
#[get("/sandbox/wechat/sns/jscode2session?<appid>&<secret>&<js_code>&<grant_type>")]
fn jscode2session(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    appid: Option<&str>,
    secret: Option<&str>,
    js_code: Option<&str>,
    grant_type: Option<&str>,
) -> Json<Value> {
    if let Some(e) = check_app(appid, secret) {
        return e;
    }
    if grant_type != Some("authorization_code") {
        return err(40002, "invalid grant_type");
    }
    let code = js_code.unwrap_or("").trim();
    if code.is_empty() || code.len() > 128 || code.starts_with("invalid") {
        return err(40029, "invalid code");
    }
    let openid = openid_for(code);
    let session_key = random_b64(16);
    sb.session_keys
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(openid.clone(), session_key.clone());
    sb.note("code2Session", format!("code {code} → openid {openid}"));
    Json(json!({ "openid": openid, "session_key": session_key }))
}

/// GET /sandbox/wechat/cgi-bin/token — the classic access token.
#[get("/sandbox/wechat/cgi-bin/token?<grant_type>&<appid>&<secret>")]
fn token(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    grant_type: Option<&str>,
    appid: Option<&str>,
    secret: Option<&str>,
) -> Json<Value> {
    if grant_type != Some("client_credential") {
        return err(40002, "invalid grant_type");
    }
    if let Some(e) = check_app(appid, secret) {
        return e;
    }
    Json(json!({ "access_token": sb.issue_token(), "expires_in": 7200 }))
}

#[derive(Deserialize)]
struct StableTokenBody {
    grant_type: Option<String>,
    appid: Option<String>,
    secret: Option<String>,
}

/// POST /sandbox/wechat/cgi-bin/stable_token — the stable access token.
#[post("/sandbox/wechat/cgi-bin/stable_token", data = "<body>")]
fn stable_token(_on: SandboxOn, sb: &State<SandboxWeChat>, body: Json<StableTokenBody>) -> Json<Value> {
    if body.grant_type.as_deref() != Some("client_credential") {
        return err(40002, "invalid grant_type");
    }
    if let Some(e) = check_app(body.appid.as_deref(), body.secret.as_deref()) {
        return e;
    }
    sb.note("stable_token", "a new access token".into());
    Json(json!({ "access_token": sb.issue_token(), "expires_in": 7200 }))
}

/// The phone number a sandbox phone code stands for.
fn phone_for(code: &str) -> String {
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 11 && digits.starts_with('1') {
        return digits;
    }
    let d = Sha256::digest(code.as_bytes());
    let n = u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]) % 100_000_000;
    format!("139{n:08}")
}

#[derive(Deserialize)]
struct PhoneBody {
    code: Option<String>,
}

/// POST /sandbox/wechat/wxa/business/getuserphonenumber — phone number by code.
#[post("/sandbox/wechat/wxa/business/getuserphonenumber?<access_token>", data = "<body>")]
fn phone_number(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    access_token: Option<&str>,
    body: Json<PhoneBody>,
) -> Json<Value> {
    if !sb.valid_token(access_token.unwrap_or("")) {
        return err(40001, "invalid credential, access_token is invalid or not latest");
    }
    let code = body.code.as_deref().unwrap_or("").trim().to_string();
    if code.is_empty() || code.starts_with("invalid") {
        return err(40029, "invalid code");
    }
    if !sb.used_phone_codes.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(code.clone()) {
        return err(40029, "invalid code (already used)");
    }
    let phone = phone_for(&code);
    sb.note("getuserphonenumber", format!("code {code} → {phone}"));
    Json(json!({
        "errcode": 0, "errmsg": "ok",
        "phone_info": {
            "phoneNumber": phone, "purePhoneNumber": phone, "countryCode": "86",
            "watermark": { "timestamp": crate::db::unix_now(), "appid": SANDBOX_APPID },
        },
    }))
}

/// POST /sandbox/wechat/control/expire-tokens — makes every issued token invalid (tests WeChat's 40001).
#[post("/sandbox/wechat/control/expire-tokens")]
fn expire_tokens(_op: SandboxOperator, sb: &State<SandboxWeChat>) -> Json<Value> {
    sb.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    Json(json!({ "errcode": 0, "errmsg": "ok" }))
}

#[derive(Deserialize)]
struct EncryptBody {
    openid: String,
    data: Value,
}

/// POST /sandbox/wechat/control/encrypt — what the WeChat app would hand the mini-program:
/// `data` plus a watermark, encrypted with the openid's current session_key, and its signature.
#[post("/sandbox/wechat/control/encrypt", data = "<body>")]
fn encrypt(_op: SandboxOperator, sb: &State<SandboxWeChat>, body: Json<EncryptBody>) -> Json<Value> {
    let Some(key) =
        sb.session_keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&body.openid).cloned()
    else {
        return err(40003, "no session for this openid: log in first");
    };
    let mut data = body.data.clone();
    let raw_data = data.to_string();
    if let Value::Object(map) = &mut data {
        map.insert("watermark".into(), json!({ "appid": SANDBOX_APPID, "timestamp": crate::db::unix_now() }));
    }
    let mut iv = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut iv);
    match crypto::encrypt(&key, &iv, data.to_string().as_bytes()) {
        Ok(encrypted) => Json(json!({
            "encryptedData": encrypted,
            "iv": base64::engine::general_purpose::STANDARD.encode(iv),
            "rawData": raw_data,
            "signature": crypto::signature(&raw_data, &key),
        })),
        Err(e) => err(-1, &e.to_string()),
    }
}

#[derive(Deserialize)]
struct SecCheckBody {
    version: Option<i64>,
    openid: Option<String>,
    scene: Option<i64>,
    content: Option<String>,
}

/// POST /sandbox/wechat/wxa/msg_sec_check — msgSecCheck v2 against the sandbox's word lists. Like
/// WeChat it wants an openid it has seen (a code2Session since the sandbox started; else 61010).
#[post("/sandbox/wechat/wxa/msg_sec_check?<access_token>", data = "<body>")]
fn msg_sec_check(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    access_token: Option<&str>,
    body: Json<SecCheckBody>,
) -> Json<Value> {
    if !sb.valid_token(access_token.unwrap_or("")) {
        return err(40001, "invalid credential, access_token is invalid or not latest");
    }
    if body.version != Some(2) {
        return err(47001, "data format error: version must be 2");
    }
    let openid = body.openid.as_deref().unwrap_or("");
    if openid.is_empty() {
        return err(40003, "invalid openid");
    }
    if !sb.session_keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains_key(openid) {
        return err(61010, "user access record expired");
    }
    if !matches!(body.scene, Some(1..=4)) {
        return err(47001, "data format error: scene must be 1-4");
    }
    let content = body.content.as_deref().unwrap_or("");
    if content.chars().count() > crate::wechat::SEC_CHECK_MAX_CHARS {
        return err(47001, "data format error: content too long");
    }
    let words = sb.sec_words.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    let hit = |list: &[String]| list.iter().find(|w| !w.is_empty() && content.contains(w.as_str())).cloned();
    let (suggest, label, keyword) = match (hit(&words.risky), hit(&words.review)) {
        (Some(w), _) => ("risky", SANDBOX_SEC_LABEL, Some(w)),
        (None, Some(w)) => ("review", SANDBOX_SEC_LABEL, Some(w)),
        (None, None) => ("pass", 100, None),
    };
    let excerpt: String = content.chars().take(30).collect();
    sb.note("msgSecCheck", format!("{suggest}: {excerpt}"));
    let trace_id = format!("sandbox-{}", crate::secret::new_token());
    let detail: Vec<Value> = keyword
        .iter()
        .map(|w| json!({ "strategy": "keyword", "errcode": 0, "suggest": suggest, "label": label, "keyword": w }))
        .collect();
    Json(json!({
        "errcode": 0, "errmsg": "ok", "trace_id": trace_id,
        "result": { "suggest": suggest, "label": label },
        "detail": detail,
    }))
}

/// The multipart form imgSecCheck sends.
#[derive(rocket::form::FromForm)]
struct MediaForm<'r> {
    media: rocket::fs::TempFile<'r>,
}

/// True for the sandbox's stand-in of a forbidden picture: one whose average colour is nearly
/// pure red.
fn forbidden_picture(img: &image::DynamicImage) -> bool {
    let rgb = img.to_rgb8();
    let n = u64::from(rgb.width()) * u64::from(rgb.height());
    if n == 0 {
        return false;
    }
    let mut sum = [0u64; 3];
    for p in rgb.pixels() {
        for (s, v) in sum.iter_mut().zip(p.0) {
            *s += u64::from(v);
        }
    }
    let [r, g, b] = sum.map(|s| s / n);
    r >= 230 && g <= 25 && b <= 25
}

/// POST /sandbox/wechat/wxa/img_sec_check — imgSecCheck: multipart `media`, at most 750 × 1334
/// pixels and 1 MB; a nearly pure red picture is risky (87014), anything else passes.
#[post("/sandbox/wechat/wxa/img_sec_check?<access_token>", data = "<form>")]
async fn img_sec_check(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    access_token: Option<&str>,
    form: rocket::form::Form<MediaForm<'_>>,
) -> Json<Value> {
    use rocket::tokio::io::AsyncReadExt;
    if !sb.valid_token(access_token.unwrap_or("")) {
        return err(40001, "invalid credential, access_token is invalid or not latest");
    }
    let mut bytes = Vec::new();
    let read = match form.media.open().await {
        Ok(mut f) => f.read_to_end(&mut bytes).await.is_ok(),
        Err(_) => false,
    };
    if !read || bytes.len() > crate::wechat::IMG_CHECK_MAX_BYTES {
        return err(40006, "invalid media size");
    }
    let Ok(img) = image::load_from_memory(&bytes) else { return err(40006, "invalid media file") };
    let (w, h) = crate::wechat::IMG_CHECK_MAX_SIDE;
    if img.width() > w || img.height() > h {
        return err(40006, "invalid media size: at most 750 x 1334");
    }
    if forbidden_picture(&img) {
        sb.note("imgSecCheck", format!("risky: {} × {}", img.width(), img.height()));
        return err(87014, "risky content");
    }
    sb.note("imgSecCheck", format!("pass: {} × {}", img.width(), img.height()));
    err(0, "ok")
}

/// GET /sandbox/wechat/control/sec-words — the word lists msgSecCheck flags.
#[get("/sandbox/wechat/control/sec-words")]
fn sec_words(_op: SandboxOperator, sb: &State<SandboxWeChat>) -> Json<SecWords> {
    Json(sb.sec_words.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone())
}

/// POST /sandbox/wechat/control/sec-words — replaces the word lists (`{risky: [...], review: [...]}`).
#[post("/sandbox/wechat/control/sec-words", data = "<body>")]
fn set_sec_words(_op: SandboxOperator, sb: &State<SandboxWeChat>, body: Json<SecWords>) -> Json<SecWords> {
    let mut words = body.into_inner();
    for list in [&mut words.risky, &mut words.review] {
        list.retain(|w| !w.trim().is_empty());
    }
    *sb.sec_words.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = words.clone();
    Json(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_stable_openids_and_phone_codes_to_numbers() {
        assert_eq!(openid_for("code-alice"), openid_for("code-alice"));
        assert_ne!(openid_for("code-alice"), openid_for("code-bob"));
        assert_eq!(openid_for("x").len(), 28);
        assert_eq!(phone_for("phone-13800138000"), "13800138000");
        assert_eq!(phone_for("abc").len(), 11);
    }
}
