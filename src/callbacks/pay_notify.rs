//! WeChat Pay's pay notify at `POST /notify/wxpay`: WeChat tells us a payment succeeded. Answered
//! in WeChat's XML, never the mini-program's envelope.

use rocket::data::{Data, ToByteUnit};
use rocket::http::ContentType;
use rocket::{post, routes, Route, State};

use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::payment;
use crate::wechat::pay as wxpay;
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![notify]
}

/// Largest notify body read, KiB (WeChat's are a few KiB).
const NOTIFY_LIMIT_KIB: u64 = 1024;

/// A notify's body as text, or why it cannot be one (too large, not UTF-8, cut off): WeChat gets
/// the XML FAIL answer for those too, never a JSON error page.
pub(crate) async fn notify_text(data: Data<'_>) -> Result<String, String> {
    let bytes = data
        .open(NOTIFY_LIMIT_KIB.kibibytes())
        .into_bytes()
        .await
        .map_err(|e| format!("通知读取失败：{e}"))?;
    if !bytes.is_complete() {
        return Err(format!("通知超过 {NOTIFY_LIMIT_KIB} KiB"));
    }
    String::from_utf8(bytes.into_inner()).map_err(|_| "通知不是 UTF-8 文本".to_string())
}

/// The XML answered to a notify (WeChat looks at return_code only).
pub struct XmlAnswer(String);

impl<'r> rocket::response::Responder<'r, 'static> for XmlAnswer {
    fn respond_to(self, _: &'r rocket::Request<'_>) -> rocket::response::Result<'static> {
        rocket::Response::build()
            .header(ContentType::XML)
            .sized_body(self.0.len(), std::io::Cursor::new(self.0))
            .ok()
    }
}

/// POST /notify/wxpay — WeChat's pay notify (XML). Verified (signature, appid, mch_id, result,
/// amount, a known out_trade_no) then applied exactly once; FAIL changes nothing, and WeChat
/// repeats it. A repeat of an applied notify answers SUCCESS and changes nothing.
#[post("/notify/wxpay", data = "<data>")]
async fn notify(data: Data<'_>, db: &State<Db>, wx: &State<WeChat>) -> XmlAnswer {
    let fail = |why: String| {
        log::warn!("wxpay notify refused: {why}");
        XmlAnswer(wxpay::notify_answer(false, &why))
    };
    let body = match notify_text(data).await {
        Ok(b) => b,
        Err(why) => return fail(why),
    };
    let fields = match wxpay::from_xml(&body) {
        Ok(f) => f,
        Err(e) => return fail(format!("XML 无效：{e}")),
    };
    let creds = match wx.pay_creds() {
        Ok(c) => c,
        Err(e) => return fail(e.to_string()),
    };
    let n = match payment::verify_notify(&creds, &fields) {
        Ok(n) => n,
        Err(why) => return fail(why),
    };
    match db.write(move |c| payment::apply_notify(c, &n, db::unix_now())).await {
        Ok(_) => XmlAnswer(wxpay::notify_answer(true, "OK")),
        Err(e) => fail(ApiError::from(e).msg()),
    }
}
