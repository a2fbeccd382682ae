//! SMS and e-mail verification codes (the client calls them on the common host, under the
//! subDomain). Sending is rate limited; checking uses the code up.

use std::net::IpAddr;
use std::sync::Arc;

use rocket::{get, post, routes, Route, State};

use super::{ApiResult, Authed, Params, Reply};
use crate::captcha::{Captchas, CheckOutcome};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::codes::{self, Channel};
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![sms_get, sms_get_by_token, sms_check, mail_get, mail_check]
}

/// The image captcha when the shop asks for it before SMS sends; 301 when missing or wrong.
fn pic_code(p: &Params, settings: &Settings, captchas: &Captchas) -> Result<(), ApiError> {
    if !codes::sms_needs_pic_code(&settings.get()) {
        return Ok(());
    }
    let (Some(key), Some(code)) = (p.get("key"), p.get("picCode")) else {
        return Err(ApiError::CaptchaWrong);
    };
    match captchas.check(key, code) {
        CheckOutcome::Ok => Ok(()),
        CheckOutcome::Wrong | CheckOutcome::Missing => Err(ApiError::CaptchaWrong),
    }
}

fn ip_text(ip: Option<IpAddr>) -> Option<String> {
    ip.map(|i| i.to_string())
}

/// GET /<sub>/verification/sms/get — smsValidateCode; anyone. Sends a code to `mobile`
/// (`key` + `picCode` too when the shop requires the image captcha).
#[get("/verification/sms/get")]
async fn sms_get(
    p: Params,
    ip: Option<IpAddr>,
    db: &State<Db>,
    settings: &State<Settings>,
    captchas: &State<Arc<Captchas>>,
) -> ApiResult<()> {
    let mobile = codes::mobile("mobile", p.text("mobile", 20)?)?;
    pic_code(&p, settings, captchas)?;
    codes::send(db, settings, Channel::Sms, mobile, ip_text(ip)).await?;
    Ok(Reply(()))
}

/// GET /<sub>/verification/sms/get-by-token — smsValidateCodeByToken; logged-in shopper.
/// Sends a code to the shopper's bound mobile.
#[get("/verification/sms/get-by-token")]
async fn sms_get_by_token(
    req: Authed,
    ip: Option<IpAddr>,
    db: &State<Db>,
    settings: &State<Settings>,
) -> ApiResult<()> {
    let uid = req.user_id;
    let user = db.read(move |c| db::user::by_id(c, uid)).await?;
    let mobile = user
        .and_then(|u| u.mobile)
        .ok_or_else(|| ApiError::Forbidden("当前账号还没有绑定手机号，请先绑定".into()))?;
    codes::send(db, settings, Channel::Sms, mobile, ip_text(ip)).await?;
    Ok(Reply(()))
}

/// POST /<sub>/verification/sms/check — smsValidateCodeCheck; anyone. A right code is used up.
#[post("/verification/sms/check", data = "<p>")]
async fn sms_check(p: Params, db: &State<Db>) -> ApiResult<()> {
    let mobile = codes::mobile("mobile", p.text("mobile", 20)?)?;
    let code = p.text("code", 20)?.to_string();
    codes::check(db, Channel::Sms, mobile, code).await?;
    Ok(Reply(()))
}

/// GET /<sub>/verification/mail/get — mailValidateCode; anyone. Sends a code to `mail`.
#[get("/verification/mail/get")]
async fn mail_get(
    p: Params,
    ip: Option<IpAddr>,
    db: &State<Db>,
    settings: &State<Settings>,
) -> ApiResult<()> {
    let mail = codes::email("mail", p.text("mail", 100)?)?;
    codes::send(db, settings, Channel::Mail, mail, ip_text(ip)).await?;
    Ok(Reply(()))
}

/// POST /<sub>/verification/mail/check — mailValidateCodeCheck; anyone. A right code is used up.
#[post("/verification/mail/check", data = "<p>")]
async fn mail_check(p: Params, db: &State<Db>) -> ApiResult<()> {
    let mail = codes::email("mail", p.text("mail", 100)?)?;
    let code = p.text("code", 20)?.to_string();
    codes::check(db, Channel::Mail, mail, code).await?;
    Ok(Reply(()))
}
