//! Customer-service calls (客服消息): customerServiceMessage.send, the typing state, temporary
//! media upload, and the asynchronous media check whose verdict arrives as a push event.
//! Every call refreshes an expired access token once and retries, like `call_with_token`.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{WeChat, WxError};

/// One message the merchant sends a shopper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "msgType", rename_all = "camelCase")]
pub enum KefuMessage {
    Text {
        content: String,
    },
    /// A picture uploaded as temporary media first.
    Image {
        media_id: String,
    },
    Link {
        title: String,
        description: String,
        url: String,
        thumb_url: String,
    },
    /// A mini-program card; its cover is temporary media too.
    Miniprogrampage {
        title: String,
        pagepath: String,
        thumb_media_id: String,
    },
}

impl KefuMessage {
    /// WeChat's `msgtype`.
    pub fn kind(&self) -> &'static str {
        match self {
            KefuMessage::Text { .. } => "text",
            KefuMessage::Image { .. } => "image",
            KefuMessage::Link { .. } => "link",
            KefuMessage::Miniprogrampage { .. } => "miniprogrampage",
        }
    }

    /// The text, or the title of a link or card ("" for a picture).
    pub fn summary(&self) -> &str {
        match self {
            KefuMessage::Text { content } => content,
            KefuMessage::Image { .. } => "",
            KefuMessage::Link { title, .. } | KefuMessage::Miniprogrampage { title, .. } => title,
        }
    }

    /// The body of `cgi-bin/message/custom/send` for `touser`.
    pub fn to_wechat(&self, touser: &str) -> Value {
        let inner = match self {
            KefuMessage::Text { content } => json!({ "content": content }),
            KefuMessage::Image { media_id } => json!({ "media_id": media_id }),
            KefuMessage::Link { title, description, url, thumb_url } => {
                json!({ "title": title, "description": description, "url": url, "thumb_url": thumb_url })
            }
            KefuMessage::Miniprogrampage { title, pagepath, thumb_media_id } => {
                json!({ "title": title, "pagepath": pagepath, "thumb_media_id": thumb_media_id })
            }
        };
        let mut body = serde_json::Map::new();
        body.insert("touser".into(), touser.into());
        body.insert("msgtype".into(), self.kind().into());
        body.insert(self.kind().into(), inner);
        Value::Object(body)
    }
}

/// What media_check_async is asked to check (WeChat's media_type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Audio = 1,
    Image = 2,
}

#[derive(Deserialize)]
struct Done {}

impl WeChat {
    /// customerServiceMessage.send: delivers `msg` to `openid` (within WeChat's 48-hour window).
    pub fn kefu_send(&self, openid: &str, msg: &KefuMessage) -> Result<(), WxError> {
        self.call_with_token::<Done>("/cgi-bin/message/custom/send", &msg.to_wechat(openid)).map(|_| ())
    }

    /// customerServiceMessage.setTyping: "Typing" or "CancelTyping".
    pub fn kefu_typing(&self, openid: &str, typing: bool) -> Result<(), WxError> {
        let command = if typing { "Typing" } else { "CancelTyping" };
        let body = json!({ "touser": openid, "command": command });
        self.call_with_token::<Done>("/cgi-bin/message/custom/typing", &body).map(|_| ())
    }

    /// customerServiceMessage.uploadTempMedia: a picture as temporary media; answers its media_id.
    pub fn upload_temp_image(&self, bytes: &[u8], file_name: &str, mime: &str) -> Result<String, WxError> {
        #[derive(Deserialize)]
        struct Uploaded {
            media_id: String,
        }
        let base = self.creds()?.base;
        let safe_name: String =
            file_name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')).collect();
        let safe_name = if safe_name.is_empty() { "media.jpg".to_string() } else { safe_name };
        let send = |token: &str| -> Result<Uploaded, WxError> {
            let boundary = format!("xiaodian-{}", crate::secret::new_token());
            let mut body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"{safe_name}\"\r\n\
                 Content-Type: {mime}\r\n\r\n"
            )
            .into_bytes();
            body.extend_from_slice(bytes);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            let mut res = self
                .inner
                .agent
                .post(&format!("{base}/cgi-bin/media/upload?access_token={token}&type=image"))
                .header("Content-Type", &format!("multipart/form-data; boundary={boundary}"))
                .send(&body[..])
                .map_err(|e| WxError::Transport(e.to_string()))?;
            let text = res.body_mut().read_to_string().map_err(|e| WxError::Transport(e.to_string()))?;
            Self::decode(&text)
        };
        match send(&self.token(false)?) {
            Err(e) if e.is_token_error() => send(&self.token(true)?),
            other => other,
        }
        .map(|u| u.media_id)
    }

    /// mediaCheckAsync v2: asks WeChat to fetch and check `media_url`; answers the trace_id the
    /// `wxa_media_check` push event will carry. `scene`: 1 profile, 2 comment, 3 forum, 4 social log.
    pub fn media_check_async(
        &self,
        media_url: &str,
        media_type: MediaType,
        openid: &str,
        scene: i64,
    ) -> Result<String, WxError> {
        #[derive(Deserialize)]
        struct Accepted {
            trace_id: String,
        }
        let body = json!({
            "media_url": media_url, "media_type": media_type as i64, "version": 2,
            "openid": openid, "scene": scene,
        });
        self.call_with_token::<Accepted>("/wxa/media_check_async", &body).map(|a| a.trace_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_take_wechats_shape() {
        let m = KefuMessage::Text { content: "你好".into() };
        assert_eq!(
            m.to_wechat("o1"),
            json!({ "touser": "o1", "msgtype": "text", "text": { "content": "你好" } })
        );
        let card = KefuMessage::Miniprogrampage {
            title: "t".into(),
            pagepath: "pages/index/index".into(),
            thumb_media_id: "m".into(),
        };
        assert_eq!(card.to_wechat("o1")["miniprogrampage"]["thumb_media_id"], "m");
    }
}
