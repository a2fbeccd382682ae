//! 系统参数: the key/value pairs the mini-program reads with queryConfigValue / queryConfigBatch.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::auth::{AdminSession, Empty};
use super::page::{
    done, failed, render, render_as, search, Answer, Confirm, Html, Pager, Posted, Problem, Staff,
};
use crate::db::settings::ConfigValue;
use crate::db::Db;
use crate::error::AdminError;
use crate::service;
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![list, new_page, create, edit_page, update, confirm_delete, delete]
}

const LABELS: &[(&str, &str)] = &[("key", "参数名"), ("value", "参数值"), ("remark", "备注")];

/// Keys the open-source shop templates read, with what they do (shown as hints).
pub const WELL_KNOWN: &[(&str, &str)] = &[
    ("mallName", "商城名称，显示在小程序标题和分享卡片上"),
    ("wxpay_api_url", "小程序下单支付调用的接口路径，不填则用 /pay/wx/wxapp（一般无需设置）"),
    ("order_pay_user_balance", "填 1：下单时允许用余额支付"),
    ("needIdCheck", "填 1：下单前需要实名认证"),
    ("needBindMobile", "填 1：下单前需要绑定手机号"),
    ("subscribe_ids", "订阅消息模板 ID，多个用英文逗号分隔"),
    ("create_order_ext", "填 1：下单页显示扩展信息"),
    ("zt_open_hx", "填 1：开启到店自提核销"),
    ("sphpay_open", "填 1：开启视频号支付"),
    ("alipay", "填 1：显示支付宝支付"),
    ("shopping_cart_vop_open", "填 1：购物车开启京东商品"),
];

fn hint(key: &str) -> &'static str {
    WELL_KNOWN.iter().find(|(k, _)| *k == key).map_or("", |(_, h)| h)
}

struct Hint {
    key: &'static str,
    meaning: &'static str,
}

#[derive(Template)]
#[template(path = "admin/config/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<ConfigValue>,
    q: String,
    pager: Pager,
    /// Well-known keys not set yet.
    missing: Vec<Hint>,
}

/// GET /admin/config — staff only. Search by key, 25 a page.
#[get("/config?<q>&<page>")]
fn list(
    staff: Staff,
    settings: &State<Settings>,
    q: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let snap = settings.get();
    let q = search(q).unwrap_or_default();
    let needle = q.to_lowercase();
    let rows: Vec<ConfigValue> =
        snap.config.values().filter(|v| v.key.to_lowercase().contains(&needle)).cloned().collect();
    let pager = Pager::new(page, rows.len() as i64, &[("q", &q)]);
    let missing = WELL_KNOWN
        .iter()
        .filter(|(k, _)| !snap.config.contains_key(*k))
        .map(|&(key, meaning)| Hint { key, meaning })
        .collect();
    render(&ListPage { staff, rows: pager.slice(rows), q, pager, missing })
}

#[derive(FromForm)]
struct ValueForm {
    key: String,
    value: String,
    remark: String,
}

#[derive(Template)]
#[template(path = "admin/config/edit.html")]
struct EditPage {
    staff: Staff,
    /// False for a new value (the key may be typed), true when editing (the key is its identity).
    existing: bool,
    form: ValueForm,
    hint: &'static str,
    error: Option<String>,
}

fn form_again(staff: Staff, existing: bool, form: ValueForm, problem: Problem) -> Result<Answer, AdminError> {
    let error = Some(problem.message()?);
    let page = EditPage { staff, existing, hint: hint(&form.key), form, error };
    Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?))
}

/// GET /admin/config/new — staff only; `key` pre-fills a well-known key.
#[get("/config/new?<key>")]
fn new_page(staff: Staff, key: Option<&str>) -> Result<Html, AdminError> {
    let key = key.unwrap_or("").trim().to_string();
    let form = ValueForm { key: key.clone(), value: String::new(), remark: hint(&key).to_string() };
    render(&EditPage { staff, existing: false, hint: hint(&key), form, error: None })
}

/// POST /admin/config/new — staff only; refuses a key that already exists.
#[post("/config/new", data = "<form>")]
async fn create(
    staff: Staff,
    form: Posted<ValueForm>,
    db: &State<Db>,
    settings: &State<Settings>,
) -> Result<Answer, AdminError> {
    let form = form.0;
    if settings.get().config.contains_key(form.key.trim()) {
        let msg = format!("参数 {} 已存在，请在列表里编辑它", form.key.trim());
        return form_again(staff, false, form, Problem::Say(msg));
    }
    save(staff, false, form, db, settings).await
}

async fn save(
    staff: Staff,
    existing: bool,
    form: ValueForm,
    db: &Db,
    settings: &Settings,
) -> Result<Answer, AdminError> {
    let put = service::site::put_config_value(
        db,
        settings,
        form.key.clone(),
        form.value.clone(),
        form.remark.clone(),
    );
    match put.await {
        Ok(_) => Ok(done("/admin/config", format!("参数 {} 已保存", form.key.trim()))),
        Err(e) => form_again(staff, existing, form, Problem::refused(e, LABELS)),
    }
}

/// GET /admin/config/edit?key= — staff only.
#[get("/config/edit?<key>")]
fn edit_page(staff: Staff, settings: &State<Settings>, key: &str) -> Result<Html, AdminError> {
    let snap = settings.get();
    let v = snap.config.get(key).ok_or(AdminError::NotFound)?;
    let form = ValueForm { key: v.key.clone(), value: v.value.clone(), remark: v.remark.clone() };
    render(&EditPage { staff, existing: true, hint: hint(key), form, error: None })
}

/// POST /admin/config/edit — staff only.
#[post("/config/edit", data = "<form>")]
async fn update(
    staff: Staff,
    form: Posted<ValueForm>,
    db: &State<Db>,
    settings: &State<Settings>,
) -> Result<Answer, AdminError> {
    save(staff, true, form.0, db, settings).await
}

/// GET /admin/config/delete?key= — staff only; asks before deleting.
#[get("/config/delete?<key>")]
fn confirm_delete(staff: Staff, settings: &State<Settings>, key: &str) -> Result<Html, AdminError> {
    let snap = settings.get();
    let v = snap.config.get(key).ok_or(AdminError::NotFound)?;
    let action = format!("/admin/config/delete?key={}", urlencode(&v.key));
    render(&Confirm {
        staff,
        title: "删除系统参数".into(),
        what: format!("参数 {}（当前值：{}）", v.key, v.value.chars().take(60).collect::<String>()),
        warning: "删除后，小程序读取这个参数时将得到“暂无数据”。",
        action,
        back: "/admin/config".into(),
    })
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// POST /admin/config/delete?key= — staff only.
#[post("/config/delete?<key>", data = "<_form>")]
async fn delete(
    _admin: AdminSession,
    key: &str,
    _form: Posted<Empty>,
    db: &State<Db>,
    settings: &State<Settings>,
) -> Result<Answer, AdminError> {
    if service::site::delete_config_value(db, settings, key.to_string()).await? {
        Ok(done("/admin/config", format!("参数 {key} 已删除")))
    } else {
        Ok(failed("/admin/config", format!("参数 {key} 不存在，可能已被删除")))
    }
}
