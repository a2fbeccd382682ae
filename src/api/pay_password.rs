//! The shopper's pay password (`/user/paypwd/...`): set once, modify with the old one, reset by
//! an SMS code or the shopper's fingerprint / face (SOTER). orderPay asks for it once set (see `service::pay_password`).

use rocket::{post, routes, Route, State};

use super::{ApiResult, Authed, Params, Reply};
use crate::db::Db;
use crate::error::ApiError;
use crate::service::codes;
use crate::service::pay_password as paypwd;
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![set, modify, reset, reset_soter]
}

fn pwd(p: &Params, name: &'static str) -> Result<String, ApiError> {
    Ok(paypwd::digits(name, p.text(name, 20)?)?)
}

/// POST /<sub>/user/paypwd/set — setPayPassword; logged-in shopper. pwd (6 digits); 403 when one
/// is set already.
#[post("/user/paypwd/set", data = "<req>")]
async fn set(req: Authed, db: &State<Db>) -> ApiResult<()> {
    paypwd::set(db, req.user_id, pwd(&req.p, "pwd")?).await?;
    Ok(Reply(()))
}

/// POST /<sub>/user/paypwd/modify — modifyPayPassword; logged-in shopper. pwdOld + pwdNew.
#[post("/user/paypwd/modify", data = "<req>")]
async fn modify(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let (old, new) = (pwd(&req.p, "pwdOld")?, pwd(&req.p, "pwdNew")?);
    paypwd::modify(db, req.user_id, old, new).await?;
    Ok(Reply(()))
}

/// POST /<sub>/user/paypwd/reset/soter — shopper. A new pay password (`pwd`) proved by
/// wx.startSoterAuthentication's `resultJSON` (`jsonString`) and `resultJSONSignature`
/// (`jsonSignature`) over the challenge from `POST /<sub>/wx/soter/challenge`.
#[post("/user/paypwd/reset/soter", data = "<req>")]
async fn reset_soter(req: Authed, db: &State<Db>, wx: &State<WeChat>) -> ApiResult<()> {
    let json_string = req.p.text("jsonString", 4000)?.to_string();
    let json_signature = req.p.text("jsonSignature", 2000)?.to_string();
    let pwd = pwd(&req.p, "pwd")?;
    paypwd::reset_by_soter(db, wx, req.user_id, json_string, json_signature, pwd).await?;
    Ok(Reply(()))
}

/// POST /<sub>/user/paypwd/reset — resetPayPassword; anyone. mobile + SMS code + pwd.
#[post("/user/paypwd/reset", data = "<p>")]
async fn reset(p: Params, db: &State<Db>) -> ApiResult<()> {
    let mobile = codes::mobile("mobile", p.text("mobile", 20)?)?;
    let (code, pwd) = (p.text("code", 20)?.to_string(), pwd(&p, "pwd")?);
    paypwd::reset(db, mobile, code, pwd).await?;
    Ok(Reply(()))
}
