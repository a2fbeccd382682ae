//! Mini-program codes (A `getwxacode`, B `getwxacodeunlimit`, C `createwxaqrcode`), URL schemes
//! (`generatescheme`) and live rooms (`getliveinfo`). Codes answer image bytes on success and
//! JSON `{errcode, errmsg}` on failure, so those calls read the body before deciding.

use serde::{Deserialize, Serialize};

use super::{ErrorBody, WeChat, WxError};

/// The largest image WeChat sends for a code (a 1280 px code is well under 1 MB).
const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;

/// A line colour, `{r, g, b}` in decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rgb {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

/// What getwxacodeunlimit (code B) is sent, in WeChat's own field names.
#[derive(Debug, Clone, Serialize)]
pub struct UnlimitCode {
    pub scene: String,
    /// Empty: the mini-program's home page.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub page: String,
    pub check_path: bool,
    /// release, trial or develop.
    pub env_version: String,
    pub width: u32,
    pub auto_color: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_color: Option<Rgb>,
    pub is_hyaline: bool,
}

/// What getwxacode (code A: a path with its query, at most 100,000 codes per app) is sent.
#[derive(Debug, Clone, Serialize)]
pub struct PathCode {
    pub path: String,
    pub env_version: String,
    pub width: u32,
    pub auto_color: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_color: Option<Rgb>,
    pub is_hyaline: bool,
}

/// What createwxaqrcode (code C: a square QR code for a path) is sent.
#[derive(Debug, Clone, Serialize)]
pub struct SquareCode {
    pub path: String,
    pub width: u32,
}

/// Where a URL scheme jumps to.
#[derive(Debug, Clone, Serialize)]
pub struct JumpWxa {
    pub path: String,
    pub query: String,
    pub env_version: String,
}

/// What generatescheme is sent. `expire_type` 0 expires at `expire_time`, 1 after
/// `expire_interval` days; `is_expire` false asks for WeChat's longest validity.
#[derive(Debug, Clone, Serialize)]
pub struct SchemeRequest {
    pub jump_wxa: JumpWxa,
    pub is_expire: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_type: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_interval: Option<i64>,
}

/// One live room as getliveinfo lists it. The field names are WeChat's: the templates read them
/// that way (`roomid`, `cover_img`, `live_status`, `start_time`...).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LiveRoom {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub roomid: i64,
    #[serde(default)]
    pub cover_img: String,
    #[serde(default)]
    pub share_img: String,
    /// 101 live, 102 not started, 103 ended, 104 banned, 105 paused, 106 error, 107 expired.
    #[serde(default)]
    pub live_status: i64,
    #[serde(default)]
    pub start_time: i64,
    #[serde(default)]
    pub end_time: i64,
    #[serde(default)]
    pub anchor_name: String,
    #[serde(default)]
    pub goods: Vec<LiveGoods>,
    #[serde(default)]
    pub live_type: i64,
    #[serde(default)]
    pub close_like: i64,
    #[serde(default)]
    pub close_goods: i64,
    #[serde(default)]
    pub close_comment: i64,
    #[serde(default)]
    pub close_kf: i64,
    #[serde(default)]
    pub close_replay: i64,
    #[serde(default)]
    pub is_feeds_public: i64,
    #[serde(default)]
    pub feeds_img: String,
}

/// A goods shown in a live room, as WeChat lists it (prices in fen, WeChat's unit).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LiveGoods {
    #[serde(default)]
    pub goods_id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub cover_img: String,
    #[serde(default)]
    pub url: String,
    /// 1 one price, 2 a range (price–price2), 3 a discount (price was, price2 now).
    #[serde(default)]
    pub price_type: i64,
    #[serde(default)]
    pub price: i64,
    #[serde(default)]
    pub price2: i64,
}

/// One recording of a live room.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LiveReplay {
    #[serde(default)]
    pub media_url: String,
    #[serde(default)]
    pub create_time: String,
    #[serde(default)]
    pub expire_time: String,
}

/// getliveinfo's answer to "no live room yet".
const NO_ROOMS: i64 = 1;

impl WeChat {
    /// POSTs `body` to a code call and answers the image; an expired token is refreshed once.
    fn post_for_image<B: Serialize>(&self, path: &str, body: &B) -> Result<Vec<u8>, WxError> {
        let base = self.creds()?.base;
        let json = serde_json::to_string(body).map_err(|e| WxError::Transport(e.to_string()))?;
        let send = |token: &str| -> Result<Vec<u8>, WxError> {
            let mut res = self
                .inner
                .agent
                .post(&format!("{base}{path}?access_token={token}"))
                .header("Content-Type", "application/json")
                .send(json.as_str())
                .map_err(|e| WxError::Transport(e.to_string()))?;
            let bytes = res
                .body_mut()
                .with_config()
                .limit(MAX_IMAGE_BYTES)
                .read_to_vec()
                .map_err(|e| WxError::Transport(e.to_string()))?;
            // Branch on the bytes, not the header: a PNG or JPEG is the code, anything else is
            // WeChat's JSON error.
            if crate::sniff::file_type(&bytes).is_some_and(|(mime, _)| mime.starts_with("image/")) {
                return Ok(bytes);
            }
            let text = String::from_utf8_lossy(&bytes);
            let err: ErrorBody = serde_json::from_str(&text).map_err(|_| {
                WxError::Transport(format!(
                    "neither an image nor JSON: {}",
                    text.chars().take(80).collect::<String>()
                ))
            })?;
            Err(WxError::Api { errcode: if err.errcode == 0 { -1 } else { err.errcode }, errmsg: err.errmsg })
        };
        match send(&self.token(false)?) {
            Err(e) if e.is_token_error() => send(&self.token(true)?),
            other => other,
        }
    }

    /// Code B: unlimited codes carrying a `scene`; the PNG (or JPEG) bytes.
    pub fn wxa_code_unlimit(&self, code: &UnlimitCode) -> Result<Vec<u8>, WxError> {
        self.post_for_image("/wxa/getwxacodeunlimit", code)
    }

    /// Code A: a code for a path with its query (limited to 100,000 per mini-program, ever).
    pub fn wxa_code(&self, code: &PathCode) -> Result<Vec<u8>, WxError> {
        self.post_for_image("/wxa/getwxacode", code)
    }

    /// Code C: a square QR code for a path (same lifetime limit as code A).
    pub fn wxa_qrcode(&self, code: &SquareCode) -> Result<Vec<u8>, WxError> {
        self.post_for_image("/cgi-bin/wxaapp/createwxaqrcode", code)
    }

    /// A URL scheme (`weixin://dl/business/?t=...`) that opens the mini-program from outside WeChat.
    pub fn generate_scheme(&self, req: &SchemeRequest) -> Result<String, WxError> {
        #[derive(Deserialize)]
        struct Body {
            openlink: String,
        }
        let body = serde_json::to_value(req).map_err(|e| WxError::Transport(e.to_string()))?;
        let b: Body = self.call_with_token("/wxa/generatescheme", &body)?;
        Ok(b.openlink)
    }

    /// Up to `limit` (≤ 100) live rooms from `start`; none yet is an empty list.
    pub fn live_rooms(&self, start: i64, limit: i64) -> Result<Vec<LiveRoom>, WxError> {
        #[derive(Deserialize)]
        struct Body {
            #[serde(default)]
            room_info: Vec<LiveRoom>,
        }
        let body = serde_json::json!({ "start": start, "limit": limit });
        match self.call_with_token::<Body>("/wxa/business/getliveinfo", &body) {
            Ok(b) => Ok(b.room_info),
            Err(WxError::Api { errcode: NO_ROOMS, .. }) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// Up to `limit` recordings of a live room from `start`.
    pub fn live_replays(&self, room_id: i64, start: i64, limit: i64) -> Result<Vec<LiveReplay>, WxError> {
        #[derive(Deserialize)]
        struct Body {
            #[serde(default)]
            live_replay: Vec<LiveReplay>,
        }
        let body = serde_json::json!({
            "action": "get_replay", "room_id": room_id, "start": start, "limit": limit,
        });
        let b: Body = self.call_with_token("/wxa/business/getliveinfo", &body)?;
        Ok(b.live_replay)
    }
}
