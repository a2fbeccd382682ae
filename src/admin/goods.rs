//! 商品: the goods list with search, filters and paging, and bulk shelf moves and deletes (deletes
//! after a confirmation page). Every write goes through service::catalog in one transaction.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::page::{done, render, search, words, Answer, Html, Pager, Posted, Staff};
use crate::db::catalog::{self, CategoryRow, GoodsRow, MerchantGoodsFilter};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::service::catalog as rules;

pub fn routes() -> Vec<Route> {
    routes![list, bulk, bulk_delete]
}

#[derive(Template)]
#[template(path = "admin/goods/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<GoodsRow>,
    categories: Vec<CategoryRow>,
    q: String,
    category: i64,
    /// "", "0" on shelf or "1" off.
    status: String,
    pager: Pager,
}

#[allow(clippy::unused_self)] // the template calls it as a method on the page
impl ListPage {
    fn price(&self, g: &GoodsRow) -> String {
        money::format(g.fields.min_price)
    }

    fn category_name(&self, g: &GoodsRow) -> String {
        let id = g.fields.category_id;
        self.categories.iter().find(|c| Some(c.id) == id).map(|c| c.fields.name.clone()).unwrap_or_default()
    }
}

/// GET /admin/goods — staff only. Search by name, filter by category and shelf, 25 a page.
#[get("/goods?<q>&<category>&<status>&<page>")]
async fn list(
    staff: Staff,
    db: &State<Db>,
    q: Option<&str>,
    category: Option<i64>,
    status: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let q = search(q).unwrap_or_default();
    let status = match status {
        Some(s @ ("0" | "1")) => s.to_string(),
        _ => String::new(),
    };
    let category = category.filter(|&c| c > 0).unwrap_or(0);
    let filter = MerchantGoodsFilter {
        name: (!q.is_empty()).then(|| q.clone()),
        category_id: (category > 0).then_some(category),
        status: status.parse().ok(),
    };
    let (rows, total, categories) = db
        .read(move |c| {
            let (rows, total) =
                Pager::fetch(page, |offset, limit| catalog::merchant_goods(c, &filter, offset, limit))?;
            catalog::all_categories(c).map(|categories| (rows, total, categories))
        })
        .await?;
    let category_text = category.to_string();
    let pager = Pager::new(page, total, &[("q", &q), ("category", &category_text), ("status", &status)]);
    render(&ListPage { staff, rows, categories, q, category, status, pager })
}

/// The list's bulk form: the checked goods and what to do with them.
#[derive(FromForm, Default)]
struct BulkForm {
    /// "on", "off" or "delete"; the confirmation page sends none.
    #[field(default = String::new())]
    action: String,
    ids: Vec<i64>,
}

#[derive(Template)]
#[template(path = "admin/goods/confirm_delete.html")]
struct ConfirmPage {
    staff: Staff,
    rows: Vec<GoodsRow>,
}

/// POST /admin/goods/bulk — staff only. 上架/下架 at once; 删除 asks first.
#[post("/goods/bulk", data = "<form>")]
async fn bulk(staff: Staff, form: Posted<BulkForm>, db: &State<Db>) -> Result<Answer, AdminError> {
    let BulkForm { action, ids } = form.0;
    if ids.is_empty() {
        return Err(AdminError::BadInput("请先勾选商品".into()));
    }
    let on = match action.as_str() {
        "on" => true,
        "off" => false,
        "delete" => {
            let rows = db
                .read(move |c| {
                    let mut rows = Vec::new();
                    for id in ids {
                        rows.extend(catalog::goods(c, id)?);
                    }
                    Ok::<_, AdminError>(rows)
                })
                .await?;
            return Ok(Answer::Page(render(&ConfirmPage { staff, rows })?));
        }
        _ => return Err(AdminError::BadInput("不认识的批量操作".into())),
    };
    let n = ids.len();
    db.write(move |c| {
        rules::set_shelf(c, &ids, on, db::unix_now()).map_err(|e| AdminError::BadInput(words(e)))
    })
    .await?;
    Ok(done("/admin/goods", format!("已{} {n} 件商品", if on { "上架" } else { "下架" })))
}

/// POST /admin/goods/bulk-delete — staff only; from the confirmation page.
#[post("/goods/bulk-delete", data = "<form>")]
async fn bulk_delete(_staff: Staff, form: Posted<BulkForm>, db: &State<Db>) -> Result<Answer, AdminError> {
    let ids = form.0.ids;
    if ids.is_empty() {
        return Err(AdminError::BadInput("请先勾选商品".into()));
    }
    let n = ids.len();
    db.write(move |c| rules::delete_goods(c, &ids).map_err(|e| AdminError::BadInput(words(e)))).await?;
    Ok(done("/admin/goods", format!("已删除 {n} 件商品")))
}
