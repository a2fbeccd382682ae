//! 订单设置: the timeouts of the order jobs, points deduction at checkout and the write-off staff —
//! settings the merchant changes here instead of in the database.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::page::{done, render, render_as, whole_setting, Answer, Html, Posted, Staff};
use crate::db::Db;
use crate::error::AdminError;
use crate::service;
use crate::service::order::{keys, OrderRules};
use crate::settings::{keys as setting_keys, Settings};

pub fn routes() -> Vec<Route> {
    routes![show, save]
}

/// The form as typed (kept as text, so a refused value is shown back as the merchant typed it).
#[derive(FromForm, Default)]
struct Form {
    close_minutes: String,
    auto_confirm_days: String,
    auto_review_days: String,
    score_per_yuan: String,
    score_max_percent: String,
    hx_staff: String,
    coupon_interval_secs: String,
}

#[derive(Template)]
#[template(path = "admin/order_settings.html")]
struct SettingsPage {
    staff: Staff,
    f: Form,
    error: Option<String>,
}

/// The coupon expiry job's interval as stored (default 600 s).
fn coupon_interval(settings: &Settings) -> String {
    settings.get().get(setting_keys::COUPON_EXPIRY_INTERVAL_SECS).unwrap_or("600").to_string()
}

/// GET /admin/order-settings — staff only.
#[get("/order-settings")]
fn show(staff: Staff, settings: &State<Settings>) -> Result<Html, AdminError> {
    let r = OrderRules::of(&settings.get());
    let staff_ids: Vec<String> = r.hx_staff.iter().map(i64::to_string).collect();
    let f = Form {
        close_minutes: r.close_minutes.to_string(),
        auto_confirm_days: r.auto_confirm_days.to_string(),
        auto_review_days: r.auto_review_days.to_string(),
        score_per_yuan: r.score_per_yuan.to_string(),
        score_max_percent: r.score_max_percent.to_string(),
        hx_staff: staff_ids.join(","),
        coupon_interval_secs: coupon_interval(settings),
    };
    render(&SettingsPage { staff, f, error: None })
}

/// The settings pairs the form asks for, or the first reason it cannot be saved.
fn pairs(f: &Form) -> Result<Vec<(String, String)>, String> {
    let mut staff = Vec::new();
    for part in f.hx_staff.split([',', '，', ' ']).filter(|s| !s.trim().is_empty()) {
        match part.trim().parse::<i64>() {
            Ok(id) if id > 0 => staff.push(id.to_string()),
            _ => return Err(format!("「核销员」应为用户编号，用逗号隔开：“{part}”不是编号")),
        }
    }
    Ok(vec![
        whole_setting(keys::CLOSE_MINUTES, None, &f.close_minutes)?,
        whole_setting(keys::AUTO_CONFIRM_DAYS, None, &f.auto_confirm_days)?,
        whole_setting(keys::AUTO_REVIEW_DAYS, None, &f.auto_review_days)?,
        whole_setting(keys::SCORE_PER_YUAN, None, &f.score_per_yuan)?,
        whole_setting(keys::SCORE_MAX_PERCENT, None, &f.score_max_percent)?,
        (keys::HX_STAFF.into(), staff.join(",")),
        whole_setting(setting_keys::COUPON_EXPIRY_INTERVAL_SECS, None, &f.coupon_interval_secs)?,
    ])
}

/// POST /admin/order-settings — staff only. Saves all fields, or none with the reason.
#[post("/order-settings", data = "<form>")]
async fn save(
    staff: Staff,
    form: Posted<Form>,
    db: &State<Db>,
    settings: &State<Settings>,
) -> Result<Answer, AdminError> {
    let f = form.0;
    match pairs(&f) {
        Ok(pairs) => {
            service::site::set_settings(db, settings, pairs).await?;
            Ok(done("/admin/order-settings", "订单设置已保存"))
        }
        Err(message) => Ok(Answer::Page(render_as(
            Status::UnprocessableEntity,
            &SettingsPage { staff, f, error: Some(message) },
        )?)),
    }
}
