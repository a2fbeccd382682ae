//! 店铺设置: shop name, subDomain (the API base URL), the file quota, and how verification codes
//! reach shoppers (Tencent Cloud SMS, SMTP e-mail). Secrets are never shown back: an empty secret
//! field keeps the saved one, and a tick box clears it.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::page::{done, render, render_as, Answer, Html, Posted, Problem, Staff};
use crate::config::Config;
use crate::db::Db;
use crate::error::AdminError;
use crate::present::BaseUrl;
use crate::service;
use crate::settings::{keys, Settings};

pub fn routes() -> Vec<Route> {
    routes![edit, save]
}

/// The verification-code part of the form; sent as a whole (`codes_section`) by the page.
#[derive(FromForm, Default)]
struct CodesForm {
    sms_need_pic_code: bool,
    #[field(default = String::new())]
    sms_secret_id: String,
    /// Empty keeps the saved key.
    #[field(default = String::new())]
    sms_secret_key: String,
    clear_sms_secret_key: bool,
    #[field(default = String::new())]
    sms_sdk_app_id: String,
    #[field(default = String::new())]
    sms_sign_name: String,
    #[field(default = String::new())]
    sms_template_id: String,
    sms_template_minutes: bool,
    #[field(default = String::new())]
    sms_region: String,
    #[field(default = String::new())]
    sms_api_base: String,
    #[field(default = String::new())]
    smtp_host: String,
    #[field(default = String::new())]
    smtp_port: String,
    #[field(default = String::new())]
    smtp_security: String,
    #[field(default = String::new())]
    smtp_user: String,
    /// Empty keeps the saved password.
    #[field(default = String::new())]
    smtp_password: String,
    clear_smtp_password: bool,
    #[field(default = String::new())]
    smtp_from: String,
}

impl CodesForm {
    fn load(s: &crate::settings::Snapshot) -> CodesForm {
        let v = |k: &str| s.get(k).unwrap_or("").to_string();
        CodesForm {
            sms_need_pic_code: s.get(keys::SMS_NEED_PIC_CODE) == Some("1"),
            sms_secret_id: v(keys::SMS_SECRET_ID),
            sms_sdk_app_id: v(keys::SMS_SDK_APP_ID),
            sms_sign_name: v(keys::SMS_SIGN_NAME),
            sms_template_id: v(keys::SMS_TEMPLATE_ID),
            sms_template_minutes: s.get(keys::SMS_TEMPLATE_MINUTES) == Some("1"),
            sms_region: v(keys::SMS_REGION),
            sms_api_base: v(keys::SMS_API_BASE),
            smtp_host: v(keys::SMTP_HOST),
            smtp_port: v(keys::SMTP_PORT),
            smtp_security: v(keys::SMTP_SECURITY),
            smtp_user: v(keys::SMTP_USER),
            smtp_from: v(keys::SMTP_FROM),
            ..Default::default()
        }
    }

    /// The settings to write; secrets only when typed or cleared.
    fn pairs(&self) -> Vec<(String, String)> {
        let flag = |b: bool| if b { "1" } else { "0" }.to_string();
        let mut pairs = vec![
            (keys::SMS_NEED_PIC_CODE, flag(self.sms_need_pic_code)),
            (keys::SMS_SECRET_ID, self.sms_secret_id.clone()),
            (keys::SMS_SDK_APP_ID, self.sms_sdk_app_id.clone()),
            (keys::SMS_SIGN_NAME, self.sms_sign_name.clone()),
            (keys::SMS_TEMPLATE_ID, self.sms_template_id.clone()),
            (keys::SMS_TEMPLATE_MINUTES, flag(self.sms_template_minutes)),
            (keys::SMS_REGION, self.sms_region.clone()),
            (keys::SMS_API_BASE, self.sms_api_base.clone()),
            (keys::SMTP_HOST, self.smtp_host.clone()),
            (keys::SMTP_PORT, self.smtp_port.clone()),
            (keys::SMTP_SECURITY, self.smtp_security.clone()),
            (keys::SMTP_USER, self.smtp_user.clone()),
            (keys::SMTP_FROM, self.smtp_from.clone()),
        ];
        if self.clear_sms_secret_key {
            pairs.push((keys::SMS_SECRET_KEY, String::new()));
        } else if !self.sms_secret_key.is_empty() {
            pairs.push((keys::SMS_SECRET_KEY, self.sms_secret_key.clone()));
        }
        if self.clear_smtp_password {
            pairs.push((keys::SMTP_PASSWORD, String::new()));
        } else if !self.smtp_password.is_empty() {
            pairs.push((keys::SMTP_PASSWORD, self.smtp_password.clone()));
        }
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    /// Never send a typed secret back to the browser.
    fn without_secrets(mut self) -> CodesForm {
        self.sms_secret_key.clear();
        self.smtp_password.clear();
        self
    }
}

/// What the form shows and sends back.
#[derive(FromForm)]
struct ShopForm {
    shop_name: String,
    sub_domain: Option<String>,
    quota_mb: String,
    /// Present when the page's code-delivery section was sent.
    codes_section: Option<String>,
    codes: CodesForm,
}

#[derive(Template)]
#[template(path = "admin/shop.html")]
struct ShopPage {
    staff: Staff,
    form: ShopForm,
    /// Set when XIAODIAN_SUBDOMAIN / xiaodian.toml fixes the subDomain: the field is read-only.
    env_sub_domain: Option<String>,
    base: String,
    error: Option<String>,
    sms_key_set: bool,
    smtp_password_set: bool,
    /// No WeChat AppID: codes go to the outbox whatever is configured here.
    sandbox: bool,
}

impl ShopPage {
    fn new(
        staff: Staff,
        form: ShopForm,
        env_sub_domain: Option<String>,
        base: String,
        error: Option<String>,
        snap: &crate::settings::Snapshot,
    ) -> ShopPage {
        ShopPage {
            staff,
            form,
            env_sub_domain,
            base,
            error,
            sms_key_set: snap.get(keys::SMS_SECRET_KEY).is_some(),
            smtp_password_set: snap.get(keys::SMTP_PASSWORD).is_some(),
            sandbox: snap.wechat_appid().is_none(),
        }
    }

    fn sub_domain(&self) -> &str {
        self.env_sub_domain.as_deref().or(self.form.sub_domain.as_deref()).unwrap_or("")
    }
}

/// GET /admin/shop — staff only.
#[get("/shop")]
fn edit(
    staff: Staff,
    settings: &State<Settings>,
    cfg: &State<Config>,
    base: BaseUrl,
) -> Result<Html, AdminError> {
    let snap = settings.get();
    let form = ShopForm {
        shop_name: snap.get(keys::SHOP_NAME).unwrap_or("").to_string(),
        sub_domain: Some(snap.subdomain().to_string()),
        quota_mb: (snap.upload_quota_bytes() / (1024 * 1024)).to_string(),
        codes_section: None,
        codes: CodesForm::load(&snap),
    };
    render(&ShopPage::new(staff, form, cfg.subdomain.clone(), base.0, None, &snap))
}

/// POST /admin/shop — staff only.
#[post("/shop", data = "<form>")]
async fn save(
    staff: Staff,
    form: Posted<ShopForm>,
    db: &State<Db>,
    settings: &State<Settings>,
    cfg: &State<Config>,
    base: BaseUrl,
) -> Result<Answer, AdminError> {
    let form = form.0;
    let mut pairs = vec![
        (keys::SHOP_NAME.to_string(), form.shop_name.clone()),
        (keys::UPLOAD_QUOTA_MB.to_string(), form.quota_mb.clone()),
    ];
    // The environment wins over the stored subDomain, so a stored one would only mislead.
    if let (None, Some(sub)) = (&cfg.subdomain, &form.sub_domain) {
        pairs.push((keys::SUBDOMAIN.to_string(), sub.clone()));
    }
    if form.codes_section.is_some() {
        pairs.extend(form.codes.pairs());
    }
    match service::site::set_settings(db, settings, pairs).await {
        Ok(()) => Ok(done("/admin/shop", "店铺设置已保存")),
        Err(e) => {
            let error = Some(Problem::from_settings(e).message()?);
            let form = ShopForm { codes: form.codes.without_secrets(), ..form };
            let page = ShopPage::new(staff, form, cfg.subdomain.clone(), base.0, error, &settings.get());
            Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?))
        }
    }
}
