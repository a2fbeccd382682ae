//! The simulator's customer-service side: customerServiceMessage.send, typing, temporary media
//! upload and media_check_async, with WeChat's checks (token; the 48-hour reply window and its
//! 5-message quota, 1 message within a minute after the shopper only entered the session; typing
//! needs an exchange within 30 s). It learns that a shopper wrote from
//! `/sandbox/wechat/control/kefu-push`, which PUSHES a signed message to the shop's
//! /wechat/callback as WeChat does, so tests and merchants can play the shopper.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Mutex;

use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::wechat::SandboxWeChat;
use super::{SandboxOn, SandboxOperator};
use crate::config::Config;
use crate::db;
use crate::settings::{Settings, Snapshot};
use crate::wechat::{push, SANDBOX_APPID};

pub fn routes() -> Vec<Route> {
    routes![send, typing, media_upload, media_check_async, kefu_push, kefu_sent]
}

/// The sandbox mini-program's original id (ToUserName of pushes).
pub const SANDBOX_USERNAME: &str = "gh_sandbox0000";

/// How long after a shopper's message the shop may answer, and how many messages.
const REPLY_WINDOW_SECS: i64 = 48 * 3600;
const REPLY_QUOTA: u32 = 5;
/// After the shopper only entered the session: one message within a minute.
const ENTER_WINDOW_SECS: i64 = 60;
/// Typing needs an exchange within 30 s and lasts 15 s.
const TYPING_NEEDS_SECS: i64 = 30;
const TYPING_LASTS_SECS: i64 = 15;

/// What the simulator knows about each shopper's conversation.
#[derive(Default)]
pub struct SandboxKefu {
    chats: Mutex<HashMap<String, Chat>>,
    media: Mutex<HashSet<String>>,
    /// Every message the shop sent (openid, WeChat's body), oldest first: read by
    /// `/sandbox/wechat/control/kefu-sent`.
    sent: Mutex<Vec<(String, Value)>>,
}

#[derive(Default, Clone)]
struct Chat {
    last_message: i64,
    last_enter: i64,
    sent_since: u32,
    last_exchange: i64,
    typing_until: i64,
}

fn err(errcode: i64, errmsg: &str) -> Json<Value> {
    Json(json!({ "errcode": errcode, "errmsg": errmsg }))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SandboxKefu {
    /// Records what the shop sent (the newest 1000).
    fn remember(&self, openid: String, body: Value) {
        let mut sent = lock(&self.sent);
        if sent.len() >= 1000 {
            sent.remove(0);
        }
        sent.push((openid, body));
    }

    /// The shopper wrote (or, `event`, entered the session).
    fn shopper_wrote(&self, openid: &str, event: bool, now: i64) {
        let mut chats = lock(&self.chats);
        let chat = chats.entry(openid.to_string()).or_default();
        if event {
            chat.last_enter = now;
        } else {
            chat.last_message = now;
        }
        chat.sent_since = 0;
        chat.last_exchange = now;
    }
}

fn text_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// POST /sandbox/wechat/cgi-bin/message/custom/send — customerServiceMessage.send.
#[post("/sandbox/wechat/cgi-bin/message/custom/send?<access_token>", data = "<body>")]
fn send(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    kf: &State<SandboxKefu>,
    access_token: Option<&str>,
    body: Json<Value>,
) -> Json<Value> {
    if !sb.valid_token(access_token.unwrap_or("")) {
        return err(40001, "invalid credential, access_token is invalid or not latest");
    }
    let touser = text_of(&body, "touser").to_string();
    if touser.is_empty() {
        return err(40003, "invalid openid");
    }
    let kind = text_of(&body, "msgtype");
    let inner = body.get(kind).cloned().unwrap_or(Value::Null);
    let media_ok = |id: &str| !id.is_empty() && lock(&kf.media).contains(id);
    #[allow(clippy::match_same_arms)] // each message type lists its checks, then its pass
    let problem = match kind {
        "text" if text_of(&inner, "content").trim().is_empty() => Some((44002, "empty post data")),
        "text" => None,
        "image" if !media_ok(text_of(&inner, "media_id")) => Some((40007, "invalid media_id")),
        "image" => None,
        "link" if ["title", "description", "url"].iter().any(|k| text_of(&inner, k).is_empty()) => {
            Some((47001, "data format error: link needs title, description and url"))
        }
        "link" => None,
        "miniprogrampage" if text_of(&inner, "pagepath").is_empty() => {
            Some((47001, "data format error: pagepath required"))
        }
        "miniprogrampage" if !media_ok(text_of(&inner, "thumb_media_id")) => {
            Some((40007, "invalid media_id"))
        }
        "miniprogrampage" => None,
        _ => Some((40008, "invalid message type")),
    };
    if let Some((code, msg)) = problem {
        return err(code, msg);
    }
    let now = db::unix_now();
    {
        let mut chats = lock(&kf.chats);
        let chat = chats.entry(touser.clone()).or_default();
        let (window, quota) = if now - chat.last_message <= REPLY_WINDOW_SECS {
            (true, REPLY_QUOTA)
        } else if now - chat.last_enter <= ENTER_WINDOW_SECS {
            (true, 1)
        } else {
            (false, 0)
        };
        if !window {
            sb.note("customerServiceMessage.send", format!("45015 → {touser}: reply window passed"));
            return err(45015, "response out of time limit or subscription is canceled");
        }
        if chat.sent_since >= quota {
            sb.note("customerServiceMessage.send", format!("45047 → {touser}: quota used up"));
            return err(45047, "out of response count limit");
        }
        chat.sent_since += 1;
        chat.last_exchange = now;
        // A message ends the typing state.
        chat.typing_until = 0;
    }
    let summary = match kind {
        "text" => text_of(&inner, "content").chars().take(40).collect(),
        "image" => format!("图片 {}", text_of(&inner, "media_id")),
        _ => text_of(&inner, "title").to_string(),
    };
    sb.note("customerServiceMessage.send", format!("{kind} → {touser}: {summary}"));
    kf.remember(touser, body.into_inner());
    err(0, "ok")
}

#[derive(Deserialize)]
struct TypingBody {
    touser: Option<String>,
    command: Option<String>,
}

/// POST /sandbox/wechat/cgi-bin/message/custom/typing — customerServiceMessage.setTyping.
#[post("/sandbox/wechat/cgi-bin/message/custom/typing?<access_token>", data = "<body>")]
fn typing(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    kf: &State<SandboxKefu>,
    access_token: Option<&str>,
    body: Json<TypingBody>,
) -> Json<Value> {
    if !sb.valid_token(access_token.unwrap_or("")) {
        return err(40001, "invalid credential, access_token is invalid or not latest");
    }
    let touser = body.touser.clone().unwrap_or_default();
    let typing = match body.command.as_deref() {
        Some("Typing") => true,
        Some("CancelTyping") => false,
        _ => return err(45072, "command invalid"),
    };
    let now = db::unix_now();
    let mut chats = lock(&kf.chats);
    let chat = chats.entry(touser.clone()).or_default();
    if now - chat.last_exchange > TYPING_NEEDS_SECS {
        return err(45080, "has not sent message to user in 30 seconds");
    }
    if typing && chat.typing_until > now {
        return err(45081, "already in typing status");
    }
    chat.typing_until = if typing { now + TYPING_LASTS_SECS } else { 0 };
    let command = body.command.clone().unwrap_or_default();
    sb.note("customerServiceMessage.setTyping", format!("{command} → {touser}"));
    kf.remember(touser.clone(), json!({ "touser": touser, "command": command }));
    err(0, "ok")
}

#[derive(rocket::form::FromForm)]
struct MediaForm<'r> {
    media: rocket::fs::TempFile<'r>,
}

/// POST /sandbox/wechat/cgi-bin/media/upload — uploadTempMedia: images only, at most 2 MB.
#[post("/sandbox/wechat/cgi-bin/media/upload?<access_token>&<type>", data = "<form>")]
async fn media_upload(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    kf: &State<SandboxKefu>,
    access_token: Option<&str>,
    r#type: Option<&str>,
    form: rocket::form::Form<MediaForm<'_>>,
) -> Json<Value> {
    use rocket::tokio::io::AsyncReadExt;
    if !sb.valid_token(access_token.unwrap_or("")) {
        return err(40001, "invalid credential, access_token is invalid or not latest");
    }
    if r#type != Some("image") {
        return err(40004, "invalid media type");
    }
    let mut bytes = Vec::new();
    let read = match form.media.open().await {
        Ok(mut f) => f.read_to_end(&mut bytes).await.is_ok(),
        Err(_) => false,
    };
    if !read || bytes.is_empty() || bytes.len() > 2 * 1024 * 1024 {
        return err(40006, "invalid media size");
    }
    if image::load_from_memory(&bytes).is_err() {
        return err(40005, "invalid file type");
    }
    let media_id = format!("sandbox-media-{}", crate::secret::new_token());
    lock(&kf.media).insert(media_id.clone());
    sb.note("uploadTempMedia", format!("image, {} bytes → {media_id}", bytes.len()));
    Json(json!({ "type": "image", "media_id": media_id, "created_at": db::unix_now() }))
}

#[derive(Deserialize)]
struct MediaCheckBody {
    media_url: Option<String>,
    media_type: Option<i64>,
    version: Option<i64>,
    openid: Option<String>,
    scene: Option<i64>,
}

/// How long the sandbox "takes" before pushing a media check's verdict.
const CHECK_DELAY: std::time::Duration = std::time::Duration::from_millis(300);

/// POST /sandbox/wechat/wxa/media_check_async — mediaCheckAsync v2. Answers a trace_id, then a
/// moment later downloads the media and pushes the `wxa_media_check` event to the shop's callback.
/// Verdict: a URL or file holding "risky" is risky, "review" needs review, anything else passes;
/// media it cannot download is sent for review.
#[post("/sandbox/wechat/wxa/media_check_async?<access_token>", data = "<body>")]
fn media_check_async(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    settings: &State<Settings>,
    cfg: &State<Config>,
    access_token: Option<&str>,
    body: Json<MediaCheckBody>,
) -> Json<Value> {
    if !sb.valid_token(access_token.unwrap_or("")) {
        return err(40001, "invalid credential, access_token is invalid or not latest");
    }
    if body.version != Some(2) {
        return err(47001, "data format error: version must be 2");
    }
    let url = body.media_url.clone().unwrap_or_default();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return err(47001, "data format error: media_url");
    }
    if !matches!(body.media_type, Some(1 | 2)) || !matches!(body.scene, Some(1..=4)) {
        return err(47001, "data format error: media_type 1|2, scene 1-4");
    }
    let openid = body.openid.clone().unwrap_or_default();
    if !sb.knows_openid(&openid) {
        return err(61010, "user access record expired");
    }
    let trace_id = format!("sandbox-trace-{}", crate::secret::new_token());
    sb.note("mediaCheckAsync", format!("{url} → {trace_id}"));
    let (snap, base, trace) = (settings.get(), cfg.loopback_url(), trace_id.clone());
    std::thread::spawn(move || {
        std::thread::sleep(CHECK_DELAY);
        let suggest = verdict(&url);
        let label = if suggest == "pass" { 100 } else { 20002 };
        let mut event = Map::new();
        event.insert("ToUserName".into(), SANDBOX_USERNAME.into());
        event.insert("FromUserName".into(), openid.into());
        event.insert("CreateTime".into(), db::unix_now().into());
        event.insert("MsgType".into(), "event".into());
        event.insert("Event".into(), "wxa_media_check".into());
        event.insert("appid".into(), SANDBOX_APPID.into());
        event.insert("trace_id".into(), trace.clone().into());
        event.insert("version".into(), 2.into());
        event.insert("result".into(), json!({ "suggest": suggest, "label": label }));
        event.insert(
            "detail".into(),
            json!([{ "strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label }]),
        );
        if let Err(e) = push_to_shop(&snap, &base, &event) {
            log::warn!("sandbox: media check event {trace} not delivered: {e}");
        }
    });
    Json(json!({ "errcode": 0, "errmsg": "ok", "trace_id": trace_id }))
}

/// The sandbox's verdict on a media URL (downloads it; see media_check_async).
fn verdict(url: &str) -> &'static str {
    let lower = url.to_ascii_lowercase();
    if lower.contains("risky") {
        return "risky";
    }
    if lower.contains("review") {
        return "review";
    }
    let agent: ureq::Agent =
        ureq::Agent::config_builder().timeout_global(Some(std::time::Duration::from_secs(5))).build().into();
    let bytes = agent
        .get(url)
        .call()
        .ok()
        .and_then(|mut r| r.body_mut().with_config().limit(10 << 20).read_to_vec().ok());
    match bytes {
        None => "review",
        Some(b) if b.windows(5).any(|w| w == b"RISKY") => "risky",
        Some(b) if b.windows(6).any(|w| w == b"REVIEW") => "review",
        Some(_) => "pass",
    }
}

/// Pushes `fields` to the shop's /wechat/callback the way WeChat does: in the configured format,
/// signed with the shop's Token, sealed when an EncodingAESKey is set. Answers (HTTP status, body).
pub fn push_to_shop(
    snap: &Snapshot,
    base: &str,
    fields: &Map<String, Value>,
) -> Result<(u16, String), String> {
    let token = snap.kefu_token().ok_or("the shop has no message push Token (微信设置 › 消息推送)")?;
    let xml = snap.kefu_xml();
    let plain = if xml { push::json_to_xml(fields) } else { Value::Object(fields.clone()).to_string() };
    let timestamp = db::unix_now().to_string();
    let nonce = crate::secret::new_token()[..10].to_string();
    let signature = push::sign(&[token, &timestamp, &nonce]);
    let mut url = format!("{base}/wechat/callback?signature={signature}&timestamp={timestamp}&nonce={nonce}");
    let body = match snap.kefu_aes_key() {
        None => plain,
        Some(key) => {
            let sealed = push::encrypt(key, &plain, SANDBOX_APPID).map_err(|e| e.to_string())?;
            let _ = write!(
                url,
                "&encrypt_type=aes&msg_signature={}",
                push::sign(&[token, &timestamp, &nonce, &sealed])
            );
            let mut outer = Map::new();
            outer.insert("ToUserName".into(), SANDBOX_USERNAME.into());
            outer.insert("Encrypt".into(), sealed.into());
            if xml {
                push::json_to_xml(&outer)
            } else {
                Value::Object(outer).to_string()
            }
        }
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(5)))
        .http_status_as_error(false)
        .build()
        .into();
    let content_type = if xml { "text/xml" } else { "application/json" };
    let mut res =
        agent.post(&url).header("Content-Type", content_type).send(body).map_err(|e| e.to_string())?;
    let status = res.status().as_u16();
    Ok((status, res.body_mut().read_to_string().unwrap_or_default()))
}

/// What a test or merchant plays as the shopper.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KefuPush {
    /// The shopper: an openid, or the sandbox login code standing for one.
    openid: Option<String>,
    code: Option<String>,
    /// text (default), image, miniprogrampage or event.
    msg_type: Option<String>,
    content: Option<String>,
    /// For events: user_enter_tempsession (default).
    event: Option<String>,
    /// Defaults to a fresh id; send the same one again to play WeChat retrying.
    msg_id: Option<i64>,
    create_time: Option<i64>,
}

/// POST /sandbox/wechat/control/kefu-push — plays a shopper writing to customer service: pushes
/// a signed message to the shop's /wechat/callback. Answers the shop's HTTP status and body.
#[post("/sandbox/wechat/control/kefu-push", data = "<body>")]
async fn kefu_push(
    _op: SandboxOperator,
    sb: &State<SandboxWeChat>,
    kf: &State<SandboxKefu>,
    settings: &State<Settings>,
    cfg: &State<Config>,
    body: Json<KefuPush>,
) -> Json<Value> {
    let openid = match (&body.openid, &body.code) {
        (Some(o), _) if !o.is_empty() => o.clone(),
        (_, Some(c)) if !c.is_empty() => super::wechat::openid_for(c),
        _ => return err(40003, "openid or code required"),
    };
    let now = db::unix_now();
    let create_time = body.create_time.unwrap_or(now);
    let kind = body.msg_type.clone().unwrap_or_else(|| "text".into());
    let mut m = Map::new();
    m.insert("ToUserName".into(), SANDBOX_USERNAME.into());
    m.insert("FromUserName".into(), openid.clone().into());
    m.insert("CreateTime".into(), create_time.into());
    m.insert("MsgType".into(), kind.clone().into());
    let content = body.content.clone().unwrap_or_default();
    let msg_id = body.msg_id.unwrap_or_else(|| now * 1000 + i64::from(rand::random::<u16>() % 1000));
    match kind.as_str() {
        "text" => {
            m.insert("Content".into(), content.clone().into());
            m.insert("MsgId".into(), msg_id.into());
        }
        "image" => {
            m.insert("PicUrl".into(), format!("https://sandbox.invalid/pic/{msg_id}.jpg").into());
            m.insert("MediaId".into(), format!("sandbox-in-{msg_id}").into());
            m.insert("MsgId".into(), msg_id.into());
        }
        "miniprogrampage" => {
            m.insert("MsgId".into(), msg_id.into());
            m.insert("Title".into(), content.clone().into());
            m.insert("AppId".into(), SANDBOX_APPID.into());
            m.insert("PagePath".into(), "pages/index/index".into());
            m.insert("ThumbUrl".into(), "".into());
            m.insert("ThumbMediaId".into(), "".into());
        }
        "event" => {
            m.insert(
                "Event".into(),
                body.event.clone().unwrap_or_else(|| "user_enter_tempsession".into()).into(),
            );
            m.insert("SessionFrom".into(), content.clone().into());
        }
        _ => return err(40008, "msgType: text, image, miniprogrampage or event"),
    }
    let (snap, base) = (settings.get(), cfg.loopback_url());
    let pushed = crate::db::offload(move || push_to_shop(&snap, &base, &m)).await;
    match pushed {
        Ok(Ok((status, answer))) => {
            if status == 200 {
                kf.shopper_wrote(&openid, kind == "event", now);
            }
            sb.note("kefu-push", format!("{kind} from {openid} → HTTP {status}"));
            Json(
                json!({ "errcode": 0, "errmsg": "ok", "status": status, "answer": answer, "openid": openid, "msgId": msg_id }),
            )
        }
        Ok(Err(e)) => err(-1, &e),
        Err(e) => err(-1, &e.to_string()),
    }
}

/// GET /sandbox/wechat/control/kefu-sent?openid= — what the shop sent a shopper (messages and
/// typing commands, as WeChat received them), oldest first.
#[get("/sandbox/wechat/control/kefu-sent?<openid>")]
fn kefu_sent(_op: SandboxOperator, kf: &State<SandboxKefu>, openid: Option<&str>) -> Json<Vec<Value>> {
    let sent = lock(&kf.sent);
    Json(sent.iter().filter(|(o, _)| openid.is_none_or(|w| w == o)).map(|(_, v)| v.clone()).collect())
}
