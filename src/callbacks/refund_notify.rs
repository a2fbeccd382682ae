//! The WeChat Pay refund notify: WeChat tells us how a refund ended. The notify carries no
//! signature; it is ours when appid and mch_id match and `req_info` decrypts with our API key.

use rocket::http::ContentType;
use rocket::{post, routes, Data, Route, State};

use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::wechat_refund::{self, NotifyError, WxRefunds};
use crate::wechat::pay;

pub fn routes() -> Vec<Route> {
    routes![refund_notify]
}

/// POST /notify/wxpay/refund — called by WeChat Pay. Applies the refund's result once and answers
/// SUCCESS; anything it cannot trust or apply is answered FAIL (WeChat repeats it later).
#[post("/notify/wxpay/refund", data = "<data>")]
async fn refund_notify(db: &State<Db>, wx: &State<WxRefunds>, data: Data<'_>) -> (ContentType, String) {
    let body = match super::pay_notify::notify_text(data).await {
        Ok(b) => b,
        Err(why) => {
            log::warn!("refund notify refused: {why}");
            return (ContentType::XML, pay::notify_answer(false, &why));
        }
    };
    let read = pay::from_xml(&body).map_err(|_| NotifyError::Bad("bad XML")).and_then(|fields| {
        let creds = wx.creds().map_err(|_| NotifyError::Bad("pay is not configured"))?;
        wechat_refund::read_notify(&fields, &creds)
    });
    let applied = match read {
        Ok(state) => db.write(move |c| wechat_refund::apply_notify(c, &state, db::unix_now())).await,
        Err(e) => Err(e),
    };
    let answer = match applied {
        Ok(_) => pay::notify_answer(true, "OK"),
        Err(e) => {
            let why = match e {
                NotifyError::Apply(e) => format!("database: {}", ApiError::from(e).msg()),
                other => other.to_string(),
            };
            log::warn!("refund notify refused: {why}");
            pay::notify_answer(false, &why)
        }
    };
    (ContentType::XML, answer)
}
