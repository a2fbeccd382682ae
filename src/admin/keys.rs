//! API 密钥: keys for the merchant JSON API (/admin/api/v1). Only a hash is kept; the key itself
//! is shown once, when it is made.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::auth::{AdminSession, Empty};
use super::page::{done, failed, render, render_as, Answer, Confirm, Html, Posted, Staff};
use crate::config::Config;
use crate::db::admin::ApiKey;
use crate::db::{self, Db};
use crate::error::AdminError;

pub fn routes() -> Vec<Route> {
    routes![list, create, confirm_delete, delete]
}

const MAX_NAME: usize = 50;

#[derive(Template)]
#[template(path = "admin/keys/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<ApiKey>,
    env_key: bool,
    name: String,
    error: Option<String>,
}

async fn all_keys(db: &Db) -> Result<Vec<ApiKey>, AdminError> {
    Ok(db.read(db::admin::api_keys).await?)
}

/// GET /admin/keys — staff only.
#[get("/keys")]
async fn list(staff: Staff, db: &State<Db>, cfg: &State<Config>) -> Result<Html, AdminError> {
    let rows = all_keys(db).await?;
    render(&ListPage { staff, rows, env_key: cfg.admin_api_key.is_some(), name: String::new(), error: None })
}

#[derive(FromForm)]
struct KeyForm {
    name: String,
}

#[derive(Template)]
#[template(path = "admin/keys/created.html")]
struct CreatedPage {
    staff: Staff,
    name: String,
    key: String,
}

/// POST /admin/keys — staff only; the answer is the only time the key is shown.
#[post("/keys", data = "<form>")]
async fn create(
    staff: Staff,
    form: Posted<KeyForm>,
    db: &State<Db>,
    cfg: &State<Config>,
) -> Result<Answer, AdminError> {
    let name = form.0.name.trim().to_string();
    let problem = match name.chars().count() {
        0 => Some("请给密钥起个名字，例如“ERP 同步”"),
        n if n > MAX_NAME => Some("名字不能超过 50 个字符"),
        _ => None,
    };
    if let Some(error) = problem {
        let rows = all_keys(db).await?;
        let env_key = cfg.admin_api_key.is_some();
        let page = ListPage { staff, rows, env_key, name, error: Some(error.into()) };
        return Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?));
    }
    let key = format!("xd_{}", crate::secret::new_token());
    let (hash, prefix, n) = (crate::secret::hash_token(&key), key[..10].to_string(), name.clone());
    db.write(move |c| db::admin::insert_api_key(c, &n, &prefix, &hash, db::unix_now())).await?;
    Ok(Answer::Page(render(&CreatedPage { staff, name, key })?))
}

/// GET /admin/keys/<id>/delete — staff only; asks before deleting.
#[get("/keys/<id>/delete")]
async fn confirm_delete(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let k = all_keys(db).await?.into_iter().find(|k| k.id == id).ok_or(AdminError::NotFound)?;
    render(&Confirm {
        staff,
        title: "删除 API 密钥".into(),
        what: format!("密钥「{}」（{}…）", k.name, k.prefix),
        warning: "删除后，使用这个密钥的程序会立即无法调用接口。",
        action: format!("/admin/keys/{id}/delete"),
        back: "/admin/keys".into(),
    })
}

/// POST /admin/keys/<id>/delete — staff only.
#[post("/keys/<id>/delete", data = "<_form>")]
async fn delete(
    _admin: AdminSession,
    id: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    if db.write(move |c| db::admin::delete_api_key(c, id)).await? {
        Ok(done("/admin/keys", "密钥已删除"))
    } else {
        Ok(failed("/admin/keys", "密钥不存在，可能已被删除"))
    }
}
