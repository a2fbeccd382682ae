//! Customer service (客服消息): reading WeChat's message push and answering shoppers.
//!
//! The push path is kept lean for throughput: the settings come from the in-memory snapshot, the
//! packet is checked and parsed here without touching the database, and storing it is one
//! `INSERT OR IGNORE` (db::kefu::insert_incoming). Anything slower (applying a media-check verdict)
//! runs after the answer, on a spawned task.

use serde_json::{Map, Value};

use crate::db::{self, kefu as store, Db};
use crate::service::error::{Error, Result};
use crate::settings::Snapshot;
use crate::wechat::kefu::KefuMessage;
use crate::wechat::push::{self, PushError};
use crate::wechat::{WeChat, WxError};

/// The query WeChat signs a push with.
#[derive(Debug, Clone, Default)]
pub struct PushQuery {
    pub signature: String,
    pub timestamp: String,
    pub nonce: String,
    /// Safe mode only.
    pub msg_signature: Option<String>,
}

/// Why a push was refused (answered with a plain 403 / 400, and nothing stored).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("message push is not configured")]
    NotConfigured,
    #[error("invalid signature")]
    Signature,
    #[error("bad packet: {0}")]
    Packet(String),
}

impl From<PushError> for Refusal {
    fn from(e: PushError) -> Self {
        Refusal::Packet(e.to_string())
    }
}

/// `GET /wechat/callback`: the echostr when the signature is the shop's.
pub fn verify_url(snap: &Snapshot, q: &PushQuery, echostr: &str) -> Result<String, Refusal> {
    let token = snap.kefu_token().ok_or(Refusal::NotConfigured)?;
    if !push::signed(&[token, &q.timestamp, &q.nonce], &q.signature) {
        return Err(Refusal::Signature);
    }
    Ok(echostr.to_string())
}

/// What a push carried.
#[derive(Debug, Clone, PartialEq)]
pub enum Pushed {
    /// A shopper's message or session event, to store in the inbox.
    Message(Message),
    /// The verdict of an asynchronous media check.
    MediaCheck { trace_id: String, suggest: String, label: i64 },
}

/// A shopper's message as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub openid: String,
    /// The mini-program's original id (gh_...): the sender of a passive reply.
    pub to_user: String,
    pub msg_type: String,
    pub content: String,
    pub body: String,
    pub dedup_key: String,
    pub create_time: i64,
}

impl Message {
    /// True for what a shopper wrote (events are not handed to the customer-service system).
    pub fn is_shopper_message(&self) -> bool {
        self.msg_type != "event"
    }
}

/// A checked push, and how it was framed (so the answer can be framed the same way).
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    pub pushed: Pushed,
    pub xml: bool,
    pub encrypted: bool,
}

/// Checks the signature (and in safe mode msg_signature, the packet and its appid) and reads the
/// message. `appid` is the mini-program's (the sandbox's in sandbox mode).
pub fn read_push(snap: &Snapshot, appid: &str, q: &PushQuery, body: &str) -> Result<Received, Refusal> {
    let token = snap.kefu_token().ok_or(Refusal::NotConfigured)?;
    if !push::signed(&[token, &q.timestamp, &q.nonce], &q.signature) {
        return Err(Refusal::Signature);
    }
    let xml = body.trim_start().starts_with('<');
    let outer = push::parse_body(body)?;
    let (fields, encrypted) = match (push::text(&outer, "Encrypt"), snap.kefu_aes_key()) {
        (Some(sealed), Some(key)) => {
            let given = q.msg_signature.as_deref().ok_or(Refusal::Signature)?;
            if !push::signed(&[token, &q.timestamp, &q.nonce, &sealed], given) {
                return Err(Refusal::Signature);
            }
            (push::parse_body(&push::decrypt(key, &sealed, appid)?)?, true)
        }
        (Some(_), None) => {
            return Err(Refusal::Packet("encrypted packet but no EncodingAESKey is set".into()))
        }
        // Safe mode: WeChat only sends sealed packets, so a plain one is not WeChat's.
        (None, Some(_)) => return Err(Refusal::Packet("plain packet in safe mode".into())),
        (None, None) => (outer, false),
    };
    Ok(Received { pushed: read_fields(&fields)?, xml, encrypted })
}

/// At most this many characters of a field are kept (WeChat's are far shorter).
const FIELD_MAX: usize = 4000;

fn field(m: &Map<String, Value>, key: &str) -> String {
    push::text(m, key).unwrap_or_default().chars().take(FIELD_MAX).collect()
}

fn read_fields(m: &Map<String, Value>) -> Result<Pushed, Refusal> {
    let msg_type = field(m, "MsgType");
    let event = field(m, "Event");
    if msg_type.eq_ignore_ascii_case("event") && event == "wxa_media_check" {
        let trace_id = field(m, "trace_id");
        if trace_id.is_empty() {
            return Err(Refusal::Packet("wxa_media_check without trace_id".into()));
        }
        let result = m.get("result").and_then(Value::as_object).cloned().unwrap_or_default();
        // Version 1 events say isrisky 0/1 instead.
        let suggest = match push::text(&result, "suggest") {
            Some(s) => s,
            None if push::int(m, "isrisky") == Some(1) => "risky".into(),
            None => "pass".into(),
        };
        let label = push::int(&result, "label").unwrap_or(100);
        return Ok(Pushed::MediaCheck { trace_id, suggest, label });
    }
    let openid = field(m, "FromUserName");
    if openid.is_empty() || openid.len() > 64 {
        return Err(Refusal::Packet("FromUserName missing".into()));
    }
    if msg_type.is_empty() || msg_type.len() > 32 {
        return Err(Refusal::Packet("MsgType missing".into()));
    }
    let create_time = push::int(m, "CreateTime").unwrap_or_else(db::unix_now);
    let msg_type = msg_type.to_ascii_lowercase();
    let content = match msg_type.as_str() {
        "text" => field(m, "Content"),
        "image" => field(m, "PicUrl"),
        "miniprogrampage" => field(m, "Title"),
        "event" => event.clone(),
        _ => String::new(),
    };
    // Retries are dropped by MsgId; events have none, so by sender and time.
    let dedup_key = match push::text(m, "MsgId") {
        Some(id) if !id.is_empty() => format!("m:{id}"),
        _ => format!("e:{openid}:{create_time}:{event}"),
    };
    Ok(Pushed::Message(Message {
        openid,
        to_user: field(m, "ToUserName"),
        msg_type,
        content,
        body: Value::Object(m.clone()).to_string(),
        dedup_key,
        create_time,
    }))
}

/// Stores a pushed message once; false for a retry already stored.
pub fn store_message(c: &rusqlite::Connection, appid: &str, m: &Message, now: i64) -> Result<bool> {
    Ok(store::insert_incoming(
        c,
        &store::Incoming {
            appid,
            openid: &m.openid,
            msg_type: &m.msg_type,
            content: &m.content,
            body: &m.body,
            dedup_key: &m.dedup_key,
            create_time: m.create_time,
        },
        now,
    )?)
}

/// The answer to a push: `success`, or with the shop's transfer setting on and a shopper's message,
/// WeChat's transfer_customer_service packet framed like the push (XML or JSON, sealed in safe mode).
pub fn answer(snap: &Snapshot, appid: &str, r: &Received) -> Result<(String, bool), Refusal> {
    let Pushed::Message(m) = &r.pushed else { return Ok(("success".into(), false)) };
    if !snap.kefu_transfer() || !m.is_shopper_message() {
        return Ok(("success".into(), false));
    }
    let now = db::unix_now().to_string();
    let plain = if r.xml {
        push::to_xml(&[
            ("ToUserName", &m.openid),
            ("FromUserName", &m.to_user),
            ("CreateTime", &now),
            ("MsgType", "transfer_customer_service"),
        ])
    } else {
        serde_json::json!({
            "ToUserName": m.openid, "FromUserName": m.to_user,
            "CreateTime": db::unix_now(), "MsgType": "transfer_customer_service",
        })
        .to_string()
    };
    if !r.encrypted {
        return Ok((plain, r.xml));
    }
    let (Some(token), Some(key)) = (snap.kefu_token(), snap.kefu_aes_key()) else {
        return Ok(("success".into(), false));
    };
    let sealed = push::encrypt(key, &plain, appid)?;
    let nonce = crate::secret::new_token()[..16].to_string();
    let sig = push::sign(&[token, &now, &nonce, &sealed]);
    let packet = if r.xml {
        push::to_xml(&[("Encrypt", &sealed), ("MsgSignature", &sig), ("TimeStamp", &now), ("Nonce", &nonce)])
    } else {
        serde_json::json!({ "Encrypt": sealed, "MsgSignature": sig, "TimeStamp": db::unix_now(), "Nonce": nonce })
            .to_string()
    };
    Ok((packet, r.xml))
}

/// What happened to a reply: stored either way, with WeChat's errcode (0 = delivered).
#[derive(Debug, Clone)]
pub struct Sent {
    pub id: i64,
    pub errcode: i64,
    pub errmsg: String,
}

impl Sent {
    /// The merchant's explanation of WeChat's refusal (None when delivered).
    pub fn problem(&self) -> Option<String> {
        if self.errcode == 0 {
            return None;
        }
        Some(explain(self.errcode, &self.errmsg))
    }
}

/// A WeChat customer-service errcode in the merchant's words.
pub fn explain(errcode: i64, errmsg: &str) -> String {
    let why = match errcode {
        45015 => "已超过回复时限：顾客最后一次发消息已超过 48 小时，需等顾客再次发消息",
        45047 => "客服消息下行条数超过上限：需等顾客再次发消息",
        45072 => "输入状态命令不正确",
        45080 => "下发输入状态需要 30 秒内与顾客有过消息交互",
        45081 => "已经在输入状态，不可重复下发",
        40003 => "顾客的 openid 不属于本小程序",
        48001 => "小程序没有客服消息接口权限",
        40007 => "图片素材无效或已过期，请重新上传",
        -1 => "微信系统繁忙，请稍后再试",
        _ => "微信拒绝了这条消息",
    };
    format!("{why}（{errcode}：{errmsg}）")
}

/// Sends `msg` to `openid` and records it in the thread with WeChat's answer. Blocking (a WeChat
/// call, then a write; never the call inside the transaction). A transport failure is recorded as
/// errcode -2 so the merchant sees the message was not delivered.
pub fn send_reply(db: &Db, wx: &WeChat, openid: &str, msg: &KefuMessage, extra: Value) -> Result<Sent> {
    let outcome = wx.kefu_send(openid, msg);
    let (errcode, errmsg) = match &outcome {
        Ok(()) => (0, "ok".to_string()),
        Err(WxError::Api { errcode, errmsg }) => (*errcode, errmsg.clone()),
        Err(e) => (-2, e.to_string()),
    };
    let appid = wx.creds().map(|c| c.appid).unwrap_or_default();
    let mut body = serde_json::to_value(msg).map_err(|e| Error::Internal(format!("kefu body: {e}")))?;
    if let (Value::Object(b), Value::Object(x)) = (&mut body, extra) {
        b.extend(x);
    }
    let body = body.to_string();
    let now = db::unix_now();
    let id = db.write_sync(|c| {
        store::insert_outgoing(
            c,
            &store::Outgoing {
                appid: &appid,
                openid,
                msg_type: msg.kind(),
                content: msg.summary(),
                body: &body,
                errcode,
                errmsg: &errmsg,
            },
            now,
        )
        .map_err(Error::from)
    })?;
    Ok(Sent { id, errcode, errmsg })
}

/// Uploads a picture as temporary media, then sends the message `build` makes with its media_id
/// (a picture, or a card with this cover). Blocking. An upload WeChat refuses is recorded in the
/// thread like a refused send. `picture_url` is our stored copy, shown in the thread.
#[allow(clippy::too_many_arguments)]
pub fn send_media(
    db: &Db,
    wx: &WeChat,
    openid: &str,
    bytes: &[u8],
    name: &str,
    mime: &str,
    picture_url: &str,
    build: impl FnOnce(String) -> KefuMessage,
) -> Result<Sent> {
    let extra = serde_json::json!({ "pictureUrl": picture_url });
    match wx.upload_temp_image(bytes, name, mime) {
        Ok(media_id) => send_reply(db, wx, openid, &build(media_id), extra),
        Err(e) => {
            let (errcode, errmsg) = match e {
                WxError::Api { errcode, errmsg } => (errcode, errmsg),
                other => (-2, other.to_string()),
            };
            let msg = build(String::new());
            let appid = wx.creds().map(|c| c.appid).unwrap_or_default();
            let mut body =
                serde_json::to_value(&msg).map_err(|e| Error::Internal(format!("kefu body: {e}")))?;
            if let Value::Object(b) = &mut body {
                b.insert("pictureUrl".into(), picture_url.into());
            }
            let body = body.to_string();
            let now = db::unix_now();
            let id = db.write_sync(|c| {
                store::insert_outgoing(
                    c,
                    &store::Outgoing {
                        appid: &appid,
                        openid,
                        msg_type: msg.kind(),
                        content: msg.summary(),
                        body: &body,
                        errcode,
                        errmsg: &errmsg,
                    },
                    now,
                )
                .map_err(Error::from)
            })?;
            Ok(Sent { id, errcode, errmsg })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(pairs: &[(&str, &str)]) -> Snapshot {
        let mut s = Snapshot::default();
        for (k, v) in pairs {
            s.values.insert(k.to_string(), v.to_string());
        }
        s
    }

    fn signed_query(token: &str) -> PushQuery {
        PushQuery {
            signature: push::sign(&[token, "1700000000", "n1"]),
            timestamp: "1700000000".into(),
            nonce: "n1".into(),
            msg_signature: None,
        }
    }

    #[test]
    fn events_dedup_by_sender_and_time_and_messages_by_msgid() {
        let s = snap(&[("kefuToken", "tok123")]);
        let q = signed_query("tok123");
        let ev = r#"{"ToUserName":"gh","FromUserName":"o1","CreateTime":5,"MsgType":"event","Event":"user_enter_tempsession","SessionFrom":"x"}"#;
        let Pushed::Message(m) = read_push(&s, "wx", &q, ev).unwrap().pushed else { panic!() };
        assert_eq!(m.dedup_key, "e:o1:5:user_enter_tempsession");
        assert_eq!(m.content, "user_enter_tempsession");
        let text = "<xml><FromUserName>o1</FromUserName><CreateTime>5</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>77</MsgId></xml>";
        let r = read_push(&s, "wx", &q, text).unwrap();
        assert!(r.xml);
        let Pushed::Message(m) = r.pushed else { panic!() };
        assert_eq!((m.dedup_key.as_str(), m.content.as_str()), ("m:77", "hi"));
    }

    #[test]
    fn unsigned_or_unconfigured_pushes_are_refused() {
        let body = r#"{"FromUserName":"o1","MsgType":"text","Content":"x","MsgId":1}"#;
        assert_eq!(read_push(&snap(&[]), "wx", &signed_query("tok123"), body), Err(Refusal::NotConfigured));
        let s = snap(&[("kefuToken", "tok123")]);
        assert_eq!(read_push(&s, "wx", &signed_query("other"), body), Err(Refusal::Signature));
    }
}
