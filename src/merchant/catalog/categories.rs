//! The catalogue's categories: a tree the merchant reads whole and edits one category at a time.

use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{delete, get, post, put, routes, Route, State};
use serde::{Deserialize, Serialize};

use super::now;
use crate::db::catalog::{self, CategoryFields, CategoryRow};
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::merchant::{Answer, ApiKey, JsonBody, BASE};
use crate::service::catalog as rules;

pub fn routes() -> Vec<Route> {
    routes![categories, create_category, show_category, replace_category, remove_category]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryView {
    pub id: i64,
    /// 0 for a top-level category.
    pub pid: i64,
    pub name: String,
    pub icon: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub key: String,
    pub level: i64,
    pub paixu: i64,
    pub is_use: bool,
    /// Free-form JSON object.
    pub ext_json: serde_json::Value,
    pub date_add: String,
    pub date_update: String,
}

impl From<CategoryRow> for CategoryView {
    fn from(r: CategoryRow) -> Self {
        CategoryView {
            id: r.id,
            pid: r.fields.pid.unwrap_or(0),
            name: r.fields.name,
            icon: r.fields.icon,
            kind: r.fields.kind,
            key: r.fields.key,
            level: r.level,
            paixu: r.fields.paixu,
            is_use: r.fields.is_use,
            ext_json: serde_json::from_str(&r.fields.ext_json).unwrap_or_default(),
            date_add: db::format_unix(r.date_add),
            date_update: db::format_unix(r.date_update),
        }
    }
}

/// A whole category as POST and PUT send it; `pid` 0 or absent = top level.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct CategoryBody {
    pub pid: i64,
    pub name: String,
    pub icon: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub key: String,
    pub paixu: i64,
    pub is_use: bool,
    pub ext_json: serde_json::Map<String, serde_json::Value>,
}

impl Default for CategoryBody {
    fn default() -> Self {
        CategoryBody {
            pid: 0,
            name: String::new(),
            icon: String::new(),
            kind: String::new(),
            key: String::new(),
            paixu: 0,
            is_use: true,
            ext_json: serde_json::Map::new(),
        }
    }
}

impl From<CategoryBody> for CategoryFields {
    fn from(b: CategoryBody) -> Self {
        CategoryFields {
            pid: (b.pid > 0).then_some(b.pid),
            name: b.name.trim().to_string(),
            icon: b.icon,
            kind: b.kind,
            key: b.key,
            paixu: b.paixu,
            is_use: b.is_use,
            ext_json: serde_json::Value::Object(b.ext_json).to_string(),
        }
    }
}

async fn load_category(db: &Db, id: i64) -> Answer<CategoryView> {
    let found = db.read(move |c| catalog::category(c, id)).await?;
    Ok(found.ok_or(MerchantError::NotFound("category"))?.into())
}

/// GET /admin/api/v1/categories — merchant key. Every category, parents before children.
#[get("/categories")]
async fn categories(_key: ApiKey, db: &State<Db>) -> Answer<Json<Vec<CategoryView>>> {
    let rows = db.read(catalog::all_categories).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// POST /admin/api/v1/categories — merchant key. 201 with `Location`.
#[post("/categories", data = "<body>")]
async fn create_category(
    _key: ApiKey,
    db: &State<Db>,
    body: JsonBody<CategoryBody>,
) -> Answer<Created<Json<CategoryView>>> {
    let fields: CategoryFields = body.0.into();
    let id = db.write(move |c| rules::save_category(c, None, &fields, now())).await?;
    Ok(Created::new(format!("{BASE}/categories/{id}")).body(Json(load_category(db, id).await?)))
}

/// GET /admin/api/v1/categories/<id> — merchant key.
#[get("/categories/<id>")]
async fn show_category(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<CategoryView>> {
    Ok(Json(load_category(db, id).await?))
}

/// PUT /admin/api/v1/categories/<id> — merchant key. Replaces the category; a new `pid` moves it
/// with its subtree.
#[put("/categories/<id>", data = "<body>")]
async fn replace_category(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<CategoryBody>,
) -> Answer<Json<CategoryView>> {
    let fields: CategoryFields = body.0.into();
    db.write(move |c| rules::save_category(c, Some(id), &fields, now())).await?;
    Ok(Json(load_category(db, id).await?))
}

/// DELETE /admin/api/v1/categories/<id> — merchant key. 204; 409 while it has children or goods.
#[delete("/categories/<id>")]
async fn remove_category(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Status> {
    db.write(move |c| rules::delete_category(c, id)).await?;
    Ok(Status::NoContent)
}
