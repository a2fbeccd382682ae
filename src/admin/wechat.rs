//! 微信设置: the mini-program's AppID, AppSecret and API address, a connection test, content
//! security (msgSecCheck on shoppers' texts: on/off, and the texts it held or refused), and what
//! the sandbox has answered.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::auth::Empty;
use super::page::{done, failed, render, render_as, Answer, Html, Posted, Problem, Staff};
use crate::db::security::CheckRow;
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::sandbox::wechat::SandboxWeChat;
use crate::service;
use crate::settings::{keys, Settings};
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![edit, save, test, security]
}

const LABELS: &[(&str, &str)] =
    &[("wechatAppid", "AppID"), ("wechatSecret", "AppSecret"), ("wechatApiBase", "微信接口地址")];

#[derive(FromForm, Default)]
struct WechatForm {
    appid: String,
    /// Blank keeps the stored secret: it is never shown back.
    secret: String,
    api_base: String,
}

#[derive(Template)]
#[template(path = "admin/wechat.html")]
struct WechatPage {
    staff: Staff,
    form: WechatForm,
    secret_set: bool,
    env_appid: bool,
    env_secret: bool,
    env_api_base: bool,
    /// The sandbox's latest answers, newest first.
    log: Vec<(String, String)>,
    error: Option<String>,
    /// Whether shoppers' texts pass WeChat's content check before they are published.
    content_check: bool,
    /// The latest texts the content check held or refused, newest first.
    checks: Vec<CheckRow>,
}

/// How many held or refused texts the page lists.
const CHECKS_SHOWN: i64 = 30;

async fn latest_checks(db: &Db) -> Result<Vec<CheckRow>, AdminError> {
    db.read(|c| Ok::<_, AdminError>(db::security::latest(c, CHECKS_SHOWN)?)).await
}

fn page(
    staff: Staff,
    settings: &Settings,
    sandbox: &SandboxWeChat,
    form: Option<WechatForm>,
    error: Option<String>,
    checks: Vec<CheckRow>,
) -> WechatPage {
    let snap = settings.get();
    let form = form.unwrap_or_else(|| WechatForm {
        appid: snap.wechat_appid().unwrap_or("").to_string(),
        secret: String::new(),
        api_base: snap.wechat_api_base().unwrap_or("").to_string(),
    });
    let log = sandbox.log.lock().unwrap_or_else(|p| p.into_inner()).iter().rev().take(20).cloned().collect();
    WechatPage {
        staff,
        form,
        secret_set: snap.wechat_secret().is_some(),
        env_appid: snap.wechat_env.appid.is_some(),
        env_secret: snap.wechat_env.secret.is_some(),
        env_api_base: snap.wechat_env.api_base.is_some(),
        log,
        error,
        content_check: snap.content_sec_check(),
        checks,
    }
}

/// GET /admin/wechat — staff only.
#[get("/wechat")]
async fn edit(
    staff: Staff,
    db: &State<Db>,
    settings: &State<Settings>,
    sandbox: &State<SandboxWeChat>,
) -> Result<Html, AdminError> {
    let checks = latest_checks(db).await?;
    render(&page(staff, settings, sandbox, None, None, checks))
}

/// POST /admin/wechat — staff only. Values the environment sets are left alone.
#[post("/wechat", data = "<form>")]
async fn save(
    staff: Staff,
    form: Posted<WechatForm>,
    db: &State<Db>,
    settings: &State<Settings>,
    sandbox: &State<SandboxWeChat>,
    wechat: &State<WeChat>,
) -> Result<Answer, AdminError> {
    let form = form.0;
    let env = settings.get().wechat_env.clone();
    let mut pairs = Vec::new();
    if env.appid.is_none() {
        pairs.push((keys::WECHAT_APPID.to_string(), form.appid.trim().to_string()));
    }
    if env.secret.is_none() && !form.secret.trim().is_empty() {
        pairs.push((keys::WECHAT_SECRET.to_string(), form.secret.trim().to_string()));
    }
    if env.api_base.is_none() {
        pairs.push((
            keys::WECHAT_API_BASE.to_string(),
            form.api_base.trim().trim_end_matches('/').to_string(),
        ));
    }
    match service::site::set_settings(db, settings, pairs).await {
        Ok(()) => {
            let wechat = wechat.inner().clone();
            // New keys must not reuse a token fetched with the old ones.
            let _ = rocket::tokio::task::spawn_blocking(move || wechat.forget_token()).await;
            Ok(done("/admin/wechat", "微信设置已保存"))
        }
        Err(e) => {
            let error = Some(Problem::from_api(e, LABELS).message()?);
            let checks = latest_checks(db).await?;
            let form = Some(WechatForm { secret: String::new(), ..form });
            let p = page(staff, settings, sandbox, form, error, checks);
            Ok(Answer::Page(render_as(Status::UnprocessableEntity, &p)?))
        }
    }
}

/// POST /admin/wechat/test — staff only. Fetches an access token with the keys in force.
#[post("/wechat/test", data = "<_form>")]
async fn test(_staff: Staff, _form: Posted<Empty>, wechat: &State<WeChat>) -> Result<Answer, AdminError> {
    let wechat = wechat.inner().clone();
    let outcome = rocket::tokio::task::spawn_blocking(move || {
        let creds = wechat.creds()?;
        wechat.access_token().map(|_| creds)
    })
    .await
    .map_err(|e| AdminError::Internal(format!("test task: {e}")))?;
    Ok(match outcome {
        Ok(c) if c.sandbox => done("/admin/wechat", "连接成功：沙箱模拟器已应答（尚未配置真实 AppID）"),
        Ok(c) => done("/admin/wechat", format!("连接成功：已用 AppID {} 取得 access_token", c.appid)),
        Err(e) => failed("/admin/wechat", format!("连接失败：{e}")),
    })
}

#[derive(FromForm)]
struct SecurityForm {
    /// "1" turns the check on; anything else (an unticked box sends nothing) turns it off.
    enabled: Option<String>,
}

/// POST /admin/wechat/security — staff only. Turns the content check of shoppers' texts on or off.
#[post("/wechat/security", data = "<form>")]
async fn security(
    _staff: Staff,
    form: Posted<SecurityForm>,
    db: &State<Db>,
    settings: &State<Settings>,
) -> Result<Answer, AdminError> {
    let on = form.0.enabled.as_deref() == Some("1");
    let pairs = vec![(keys::CONTENT_SEC_CHECK.to_string(), if on { "1" } else { "0" }.to_string())];
    service::site::set_settings(db, settings, pairs).await?;
    Ok(done("/admin/wechat", if on { "内容安全检测已开启" } else { "内容安全检测已关闭" }))
}
