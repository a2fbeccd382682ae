//! The client's template-message methods. WeChat shut down mini-program template messages (and
//! with them form ids) in 2020: `addTempleMsgFormid` answers 501 saying so. `sendTempleMsg` with
//! `module=immediately` puts a message to the logged-in shopper in the outbox: a subscription
//! message (`type=0`, keys like `thing1`) or, when the shop has linked an official account, an
//! official-account template message (`type=1`, keys like `keyword1`). The outbox job sends it.

use rocket::{post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, Reply};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::outbox::{self, DirectMessage, CHANNEL_SUBSCRIBE, CHANNEL_UNIFORM};
use crate::settings::keys;

pub fn routes() -> Vec<Route> {
    routes![add_form_id, send]
}

/// POST /<sub>/template-msg/wxa/formId — addTempleMsgFormid; logged-in shopper. Always 501:
/// form ids and prepay ids no longer send anything since WeChat retired template messages.
#[post("/template-msg/wxa/formId", data = "<_shopper>")]
async fn add_form_id(_shopper: Authed) -> ApiResult<()> {
    Err(ApiError::Unsupported(
        "微信已于 2020 年停用小程序模板消息，formId / 预支付 ID 不再能用来发消息；请在小程序里用 \
         wx.requestSubscribeMessage 让用户订阅，再由本店发送订阅消息"
            .into(),
    ))
}

/// What sendTempleMsg answers: the message's place in the outbox.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Queued {
    pub id: i64,
    /// Always "pending": the outbox job sends it (the console shows the outcome).
    pub status: &'static str,
}

/// The values of `postJsonString`: `{key: {value, color}}` (what templates send) or `{key: "text"}`.
fn parse_data(text: &str) -> Result<Vec<(String, String)>, ApiError> {
    let bad =
        || ApiError::invalid("postJsonString", "应为 JSON 对象，例如 {\"thing1\":{\"value\":\"已发货\"}}");
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text).map_err(|_| bad())?;
    map.into_iter()
        .map(|(k, v)| {
            let value = match &v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Object(o) => match o.get("value") {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(serde_json::Value::Number(n)) => n.to_string(),
                    _ => return Err(bad()),
                },
                serde_json::Value::Number(n) => n.to_string(),
                _ => return Err(bad()),
            };
            Ok((k, value))
        })
        .collect()
}

/// POST /<sub>/template-msg/put — sendTempleMsg; logged-in shopper, to themselves.
/// `module=immediately` only (business triggers such as `module=order` answer 501: map the order
/// events in the console's 订阅消息 instead); `type` 0 subscription message, 1 official account.
#[post("/template-msg/put", data = "<req>")]
async fn send(req: Authed, db: &State<Db>) -> ApiResult<Queued> {
    let module = req.p.opt_text("module", 40)?.unwrap_or("immediately");
    if module != "immediately" {
        return Err(ApiError::Unsupported(
            format!(
                "不支持 module={module} 的触发式模板消息：请用 module=immediately 立即发送，\
                 订单状态通知请在后台「订阅消息」里设置"
            )
            .into(),
        ));
    }
    let channel = match req.p.opt_int("type")?.unwrap_or(0) {
        0 => CHANNEL_SUBSCRIBE,
        1 => CHANNEL_UNIFORM,
        _ => return Err(ApiError::invalid("type", "应为 0（小程序订阅消息）或 1（公众号模板消息）")),
    };
    let m = DirectMessage {
        channel,
        template_id: req.p.text("template_id", 64)?.to_string(),
        page: req.p.opt_text("url", 512)?.unwrap_or("").to_string(),
        data: parse_data(req.p.text("postJsonString", 8000)?)?,
    };
    let user = req.user_id;
    let id = db
        .write(move |c| {
            if channel == CHANNEL_UNIFORM
                && db::settings::get_setting(c, keys::OFFICIAL_APPID)?.is_none_or(|v| v.is_empty())
            {
                return Err(ApiError::Unsupported(
                    "本店未关联公众号，无法发送公众号模板消息（type=1）".into(),
                ));
            }
            Ok(outbox::enqueue_direct(c, user, &m, db::unix_now())?)
        })
        .await?;
    Ok(Reply(Queued { id, status: "pending" }))
}
