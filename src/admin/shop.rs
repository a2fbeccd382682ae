//! 店铺设置: shop name, subDomain (the API base URL) and the file quota.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::page::{done, render, render_as, Answer, Html, Posted, Problem, Staff};
use crate::api::BaseUrl;
use crate::config::Config;
use crate::db::Db;
use crate::error::AdminError;
use crate::service;
use crate::settings::{keys, Settings};

pub fn routes() -> Vec<Route> {
    routes![edit, save]
}

const LABELS: &[(&str, &str)] =
    &[("shopName", "店铺名称"), ("subDomain", "API 子域名"), ("uploadQuotaMb", "文件空间上限")];

/// What the form shows and sends back.
#[derive(FromForm)]
struct ShopForm {
    shop_name: String,
    sub_domain: Option<String>,
    quota_mb: String,
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
}

impl ShopPage {
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
    };
    render(&ShopPage { staff, form, env_sub_domain: cfg.subdomain.clone(), base: base.0, error: None })
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
    match service::site::set_settings(db, settings, pairs).await {
        Ok(()) => Ok(done("/admin/shop", "店铺设置已保存")),
        Err(e) => {
            let error = Some(Problem::from_api(e, LABELS).message()?);
            let page = ShopPage { staff, form, env_sub_domain: cfg.subdomain.clone(), base: base.0, error };
            Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?))
        }
    }
}
