//! 微信设置: the mini-program's AppID, AppSecret and API address, a connection test, content
//! security (msgSecCheck on shoppers' texts: on/off, and the texts it held or refused), and what
//! the sandbox has answered.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::auth::Empty;
use super::page::{done, failed, render, render_as, Answer, Html, Posted, Problem, Staff};
use crate::config::Config;
use crate::db::kefu::MediaCheck;
use crate::db::security::CheckRow;
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::present::BaseUrl;
use crate::sandbox::wechat::SandboxWeChat;
use crate::service;
use crate::service::media_check;
use crate::settings::{keys, Settings};
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![edit, save, test, security, push_settings, media_decide]
}

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
    /// Message push (客服消息) settings; the EncodingAESKey is shown back (WeChat shows it too).
    push_token: String,
    push_aes_key: String,
    push_xml: bool,
    push_transfer: bool,
    /// The URL to enter in WeChat's 消息推送 settings.
    callback_url: String,
    /// Audio, video and avatars waiting for WeChat's asynchronous check or for the merchant.
    media: Vec<MediaCheck>,
}

/// How many held or refused texts the page lists.
const CHECKS_SHOWN: i64 = 30;

async fn latest_checks(db: &Db) -> Result<(Vec<CheckRow>, Vec<MediaCheck>), AdminError> {
    let checks = db
        .read(|c| {
            let texts = db::security::latest(c, CHECKS_SHOWN)?;
            db::kefu::open_checks(c, CHECKS_SHOWN).map(|media| (texts, media))
        })
        .await?;
    Ok(checks)
}

fn page(
    staff: Staff,
    settings: &Settings,
    sandbox: &SandboxWeChat,
    form: Option<WechatForm>,
    error: Option<String>,
    (checks, media): (Vec<CheckRow>, Vec<MediaCheck>),
    public_url: &str,
) -> WechatPage {
    let snap = settings.get();
    let form = form.unwrap_or_else(|| WechatForm {
        appid: snap.wechat_appid().unwrap_or("").to_string(),
        secret: String::new(),
        api_base: snap.wechat_api_base().unwrap_or("").to_string(),
    });
    let log = sandbox
        .log
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .rev()
        .take(20)
        .cloned()
        .collect();
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
        push_token: snap.kefu_token().unwrap_or("").to_string(),
        push_aes_key: snap.kefu_aes_key().unwrap_or("").to_string(),
        push_xml: snap.kefu_xml(),
        push_transfer: snap.kefu_transfer(),
        callback_url: format!("{public_url}/wechat/callback"),
        media,
    }
}

/// GET /admin/wechat — staff only.
#[get("/wechat")]
async fn edit(
    staff: Staff,
    db: &State<Db>,
    settings: &State<Settings>,
    sandbox: &State<SandboxWeChat>,
    base: BaseUrl,
) -> Result<Html, AdminError> {
    let checks = latest_checks(db).await?;
    render(&page(staff, settings, sandbox, None, None, checks, &base.0))
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
    base: BaseUrl,
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
            let _ = crate::db::blocking(move || wechat.forget_token()).await;
            Ok(done("/admin/wechat", "微信设置已保存"))
        }
        Err(e) => {
            let error = Some(Problem::from_settings(e).message()?);
            let checks = latest_checks(db).await?;
            let form = Some(WechatForm { secret: String::new(), ..form });
            let p = page(staff, settings, sandbox, form, error, checks, &base.0);
            Ok(Answer::Page(render_as(Status::UnprocessableEntity, &p)?))
        }
    }
}

/// POST /admin/wechat/test — staff only. Fetches an access token with the keys in force.
#[post("/wechat/test", data = "<_form>")]
async fn test(_staff: Staff, _form: Posted<Empty>, wechat: &State<WeChat>) -> Result<Answer, AdminError> {
    let wechat = wechat.inner().clone();
    let outcome = crate::db::blocking(move || {
        let creds = wechat.creds()?;
        wechat.access_token().map(|_| creds)
    })
    .await;
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

#[derive(FromForm)]
struct PushForm {
    token: String,
    aes_key: String,
    /// json or xml.
    format: String,
    /// "1" hands shoppers' messages to WeChat's customer-service system.
    transfer: Option<String>,
}

/// POST /admin/wechat/push — staff only. The message push (客服消息) Token, EncodingAESKey, data
/// format and transfer to WeChat's customer-service system; every value checked.
#[post("/wechat/push", data = "<form>")]
async fn push_settings(
    _staff: Staff,
    form: Posted<PushForm>,
    db: &State<Db>,
    settings: &State<Settings>,
) -> Result<Answer, AdminError> {
    let f = form.0;
    let pairs = vec![
        (keys::KEFU_TOKEN.to_string(), f.token.trim().to_string()),
        (keys::KEFU_AES_KEY.to_string(), f.aes_key.trim().to_string()),
        (keys::KEFU_FORMAT.to_string(), f.format.trim().to_string()),
        (
            keys::KEFU_TRANSFER.to_string(),
            if f.transfer.as_deref() == Some("1") { "1" } else { "0" }.to_string(),
        ),
    ];
    match service::site::set_settings(db, settings, pairs).await {
        Ok(()) => Ok(done("/admin/wechat#push", "消息推送设置已保存")),
        Err(e) => Ok(failed("/admin/wechat#push", Problem::from_settings(e).message()?)),
    }
}

#[derive(FromForm)]
struct DecideForm {
    /// "publish" or "remove".
    action: String,
}

/// POST /admin/wechat/media/<id> — staff only. Publishes or removes held audio, video or avatar.
#[post("/wechat/media/<id>", data = "<form>")]
async fn media_decide(
    _staff: Staff,
    id: i64,
    form: Posted<DecideForm>,
    db: &State<Db>,
    cfg: &State<Config>,
) -> Result<Answer, AdminError> {
    let publish = match form.0.action.as_str() {
        "publish" => true,
        "remove" => false,
        _ => return Ok(failed("/admin/wechat#media", "未知的操作")),
    };
    let (db, dirs) = (db.inner().clone(), media_check::Dirs::of(cfg));
    let res = crate::db::blocking(move || media_check::merchant_decide(&db, &dirs, id, publish)).await;
    match res {
        Ok(()) if publish => Ok(done("/admin/wechat#media", "已发布")),
        Ok(()) => Ok(done("/admin/wechat#media", "已删除")),
        Err(crate::service::error::Error::Refused(why)) => Ok(failed("/admin/wechat#media", why.to_string())),
        Err(e) => Err(e.into()),
    }
}
