//! Accounts without WeChat: mobile + SMS code, username, e-mail + mail code, each with a
//! password. Every login answers the same `Login` as the WeChat logins (openid "" when none).

use std::net::IpAddr;

use rocket::{post, routes, Route, State};

use super::{ApiResult, Authed, Params, Reply};
use crate::db::Db;
use crate::error::ApiError;
use crate::service::account::Login;
use crate::service::codes::{self, Channel};
use crate::service::identity::{self, Ident, Profile};

pub fn routes() -> Vec<Route> {
    routes![
        register_mobile,
        login_mobile,
        login_mobile_code,
        reset_pwd_mobile,
        bind_mobile_sms,
        register_username,
        login_username,
        bind_username,
        modify_password_by_username,
        register_email,
        login_email,
        bind_email,
        reset_pwd_email,
        modify_password,
    ]
}

/// What a registration may add: nick, province, city, postJsonString, referrer.
fn profile(p: &Params) -> Result<Profile, ApiError> {
    let ext_json = match p.opt_text("postJsonString", 5000)? {
        Some(t) => {
            let v: serde_json::Value = serde_json::from_str(t)
                .map_err(|_| ApiError::invalid("postJsonString", "不是有效的 JSON"))?;
            if !v.is_object() {
                return Err(ApiError::invalid("postJsonString", "应为 JSON 对象"));
            }
            Some(v.to_string())
        }
        None => None,
    };
    Ok(Profile {
        nick: p.opt_text("nick", 30)?.map(str::to_string),
        province: p.opt_text("province", 30)?.map(str::to_string),
        city: p.opt_text("city", 30)?.map(str::to_string),
        ext_json,
        // Templates send an empty or non-numeric referrer when there is none: ignore it.
        referrer: p.get("referrer").and_then(|r| r.parse::<i64>().ok()),
    })
}

fn flag(p: &Params, name: &'static str) -> Result<bool, ApiError> {
    Ok(p.opt_bool(name)?.unwrap_or(false))
}

fn mobile(p: &Params) -> Result<String, ApiError> {
    Ok(codes::mobile("mobile", p.text("mobile", 20)?)?)
}

fn email(p: &Params) -> Result<String, ApiError> {
    Ok(codes::email("email", p.text("email", 100)?)?)
}

fn code(p: &Params) -> Result<String, ApiError> {
    Ok(p.text("code", 20)?.to_string())
}

fn pwd(p: &Params, name: &'static str) -> Result<String, ApiError> {
    Ok(identity::password(name, p.text(name, 200)?)?)
}

fn opt_pwd(p: &Params) -> Result<Option<String>, ApiError> {
    Ok(p.opt_text("pwd", 200)?.map(|v| identity::password("pwd", v)).transpose()?)
}

/// A password typed at login: any length up to a bound (a wrong one is just wrong).
fn login_pwd(p: &Params) -> Result<String, ApiError> {
    Ok(p.text("pwd", 200)?.to_string())
}

/// POST /<sub>/user/m/register — register_mobile; anyone. mobile + SMS code + pwd; `autoLogin`
/// answers a login (and logs into an existing account the code proves), else data is null.
#[post("/user/m/register", data = "<p>")]
async fn register_mobile(p: Params, ip: Option<IpAddr>, db: &State<Db>) -> ApiResult<Option<Login>> {
    let (target, code, pwd) = (mobile(&p)?, code(&p)?, pwd(&p, "pwd")?);
    let (profile, auto) = (profile(&p)?, flag(&p, "autoLogin")?);
    Ok(Reply(identity::register_with_code(db, Channel::Sms, target, code, pwd, profile, auto, ip).await?))
}

/// POST /<sub>/user/m/login — login_mobile / loginMobileV2; anyone. mobile + pwd.
#[post("/user/m/login", data = "<p>")]
async fn login_mobile(p: Params, ip: Option<IpAddr>, db: &State<Db>) -> ApiResult<Login> {
    let ident = Ident::Mobile(mobile(&p)?);
    Ok(Reply(identity::login_password(db, ident, login_pwd(&p)?, ip).await?))
}

/// POST /<sub>/user/m/loginMobile — loginMobileSmsCode; anyone. mobile + SMS code; `autoReg`
/// registers an unknown number.
#[post("/user/m/loginMobile", data = "<p>")]
async fn login_mobile_code(p: Params, ip: Option<IpAddr>, db: &State<Db>) -> ApiResult<Login> {
    let (target, code, auto) = (mobile(&p)?, code(&p)?, flag(&p, "autoReg")?);
    Ok(Reply(identity::login_with_code(db, Channel::Sms, target, code, auto, profile(&p)?, ip).await?))
}

/// POST /<sub>/user/m/reset-pwd — resetPwdUseMobileCode; anyone. mobile + SMS code + new pwd.
#[post("/user/m/reset-pwd", data = "<p>")]
async fn reset_pwd_mobile(p: Params, db: &State<Db>) -> ApiResult<()> {
    let (target, code, pwd) = (mobile(&p)?, code(&p)?, pwd(&p, "pwd")?);
    identity::reset_password(db, Channel::Sms, target, code, pwd).await?;
    Ok(Reply(()))
}

/// POST /<sub>/user/m/bind-mobile — bindMobileSms; logged-in shopper. mobile + SMS code
/// (+ pwd, which also sets the password).
#[post("/user/m/bind-mobile", data = "<req>")]
async fn bind_mobile_sms(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let (target, code, pwd) = (mobile(&req.p)?, code(&req.p)?, opt_pwd(&req.p)?);
    identity::bind_with_code(db, req.user_id, Channel::Sms, target, code, pwd).await?;
    Ok(Reply(()))
}

/// POST /<sub>/user/username/register — register_username; anyone. username + pwd.
#[post("/user/username/register", data = "<p>")]
async fn register_username(p: Params, ip: Option<IpAddr>, db: &State<Db>) -> ApiResult<Option<Login>> {
    let name = identity::username("username", p.text("username", 100)?)?;
    let (pwd, profile, auto) = (pwd(&p, "pwd")?, profile(&p)?, flag(&p, "autoLogin")?);
    Ok(Reply(identity::register_username(db, name, pwd, profile, auto, ip).await?))
}

/// POST /<sub>/user/username/login — login_username; anyone. username + pwd.
#[post("/user/username/login", data = "<p>")]
async fn login_username(p: Params, ip: Option<IpAddr>, db: &State<Db>) -> ApiResult<Login> {
    let ident = Ident::Username(p.text("username", 100)?.to_string());
    Ok(Reply(identity::login_password(db, ident, login_pwd(&p)?, ip).await?))
}

/// POST /<sub>/user/username/bindUsername — bindUsername; logged-in shopper. Sets or changes
/// the username (+ pwd, which also sets the password).
#[post("/user/username/bindUsername", data = "<req>")]
async fn bind_username(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let name = identity::username("username", req.p.text("username", 100)?)?;
    identity::bind_username(db, req.user_id, name, opt_pwd(&req.p)?).await?;
    Ok(Reply(()))
}

/// POST /<sub>/user/username/modifyPassword — modifyUserPasswordByUserName; anyone.
/// username + pwdOld + pwdNew; every token of the account is revoked.
#[post("/user/username/modifyPassword", data = "<p>")]
async fn modify_password_by_username(p: Params, ip: Option<IpAddr>, db: &State<Db>) -> ApiResult<()> {
    let name = p.text("username", 100)?.to_string();
    let (old, new) = (p.text("pwdOld", 200)?.to_string(), pwd(&p, "pwdNew")?);
    identity::change_password_by_username(db, name, old, new, ip).await?;
    Ok(Reply(()))
}

/// POST /<sub>/user/email/register — register_email; anyone. email + mail code + pwd.
#[post("/user/email/register", data = "<p>")]
async fn register_email(p: Params, ip: Option<IpAddr>, db: &State<Db>) -> ApiResult<Option<Login>> {
    let (target, code, pwd) = (email(&p)?, code(&p)?, pwd(&p, "pwd")?);
    let (profile, auto) = (profile(&p)?, flag(&p, "autoLogin")?);
    Ok(Reply(identity::register_with_code(db, Channel::Mail, target, code, pwd, profile, auto, ip).await?))
}

/// POST /<sub>/user/email/login — login_email; anyone. email + pwd.
#[post("/user/email/login", data = "<p>")]
async fn login_email(p: Params, ip: Option<IpAddr>, db: &State<Db>) -> ApiResult<Login> {
    let ident = Ident::Email(email(&p)?);
    Ok(Reply(identity::login_password(db, ident, login_pwd(&p)?, ip).await?))
}

/// POST /<sub>/user/email/bindEmail — bindEmail; logged-in shopper. email + mail code
/// (+ pwd, which also sets the password).
#[post("/user/email/bindEmail", data = "<req>")]
async fn bind_email(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let (target, code, pwd) = (email(&req.p)?, code(&req.p)?, opt_pwd(&req.p)?);
    identity::bind_with_code(db, req.user_id, Channel::Mail, target, code, pwd).await?;
    Ok(Reply(()))
}

/// POST /<sub>/user/email/reset-pwd — resetPwdUseEmailCode; anyone. email + mail code + new pwd.
#[post("/user/email/reset-pwd", data = "<p>")]
async fn reset_pwd_email(p: Params, db: &State<Db>) -> ApiResult<()> {
    let (target, code, pwd) = (email(&p)?, code(&p)?, pwd(&p, "pwd")?);
    identity::reset_password(db, Channel::Mail, target, code, pwd).await?;
    Ok(Reply(()))
}

/// POST /<sub>/user/modify/password — modifyUserPassword; logged-in shopper. pwdOld (when a
/// password is set) + pwdNew; the shopper's other tokens are revoked.
#[post("/user/modify/password", data = "<req>")]
async fn modify_password(req: Authed, ip: Option<IpAddr>, db: &State<Db>) -> ApiResult<()> {
    let old = req.p.opt_text("pwdOld", 200)?.map(str::to_string);
    let new = pwd(&req.p, "pwdNew")?;
    let token = req.p.token().unwrap_or_default().to_string();
    identity::change_password(db, req.user_id, &token, old, new, ip).await?;
    Ok(Reply(()))
}
