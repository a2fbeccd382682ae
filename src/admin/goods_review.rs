//! 商品审核: goods shoppers published (pushNewGoods) wait here off the shelf; approving puts one on
//! the shelf, rejecting keeps it off with a reason the shopper sees in mygoods.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::auth::Empty;
use super::page::{done, failed, render, Answer, Html, Pager, Posted, Problem, Staff, PER_PAGE};
use crate::db::{self, Db};
use crate::error::{AdminError, ApiError};
use crate::money;
use crate::service::error::Error as ServiceError;
use crate::service::publish;

pub fn routes() -> Vec<Route> {
    routes![list, approve, reject]
}

/// One goods as the review list shows it.
struct Item {
    id: i64,
    name: String,
    price: String,
    stores: i64,
    publisher: String,
    reason: String,
    date_add: i64,
}

#[derive(Template)]
#[template(path = "admin/goods_review/list.html")]
struct ListPage {
    staff: Staff,
    review: i64,
    items: Vec<Item>,
    pager: Pager,
}

/// GET /admin/goods-review?review=&page= — staff only. Shoppers' goods awaiting review (or
/// approved / rejected), first come first.
#[get("/goods-review?<review>&<page>")]
async fn list(
    staff: Staff,
    db: &State<Db>,
    review: Option<i64>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let review = review.filter(|r| (0..=2).contains(r)).unwrap_or(publish::AWAITING);
    let asked = page.unwrap_or(1).max(1);
    let (items, total) = db
        .read(move |c| {
            let (rows, total) = publish::to_review(c, review, (asked - 1) * PER_PAGE, PER_PAGE)?;
            let mut items = Vec::with_capacity(rows.len());
            for (g, p) in rows {
                let publisher = db::user::by_id(c, p.user_id)?
                    .map(|u| if u.nick.is_empty() { format!("用户 {}", u.id) } else { u.nick })
                    .unwrap_or_default();
                items.push(Item {
                    id: g.id,
                    name: g.fields.name,
                    price: money::format(g.fields.min_price),
                    stores: g.fields.stores,
                    publisher,
                    reason: p.reason,
                    date_add: p.date_add,
                });
            }
            Ok::<_, ApiError>((items, total))
        })
        .await?;
    let review_text = review.to_string();
    let pager = Pager::new(Some(asked), total, &[("review", &review_text)]);
    render(&ListPage { staff, review, items, pager })
}

/// Records a decision and answers with the list and what happened.
async fn decide(db: &Db, id: i64, approve: bool, reason: String) -> Result<Answer, AdminError> {
    let result = db.write(move |c| publish::review(c, id, approve, &reason, db::unix_now())).await;
    match result {
        Ok(()) if approve => Ok(done("/admin/goods-review", "已通过审核，商品已上架")),
        Ok(()) => Ok(done("/admin/goods-review", "已拒绝，商品保持下架")),
        Err(ServiceError::NotFound(_)) => Err(AdminError::NotFound),
        Err(e) => {
            Ok(failed("/admin/goods-review", Problem::refused(e, &[("reason", "拒绝原因")]).message()?))
        }
    }
}

/// POST /admin/goods-review/<id>/approve — staff only.
#[post("/goods-review/<id>/approve", data = "<_form>")]
async fn approve(_staff: Staff, db: &State<Db>, id: i64, _form: Posted<Empty>) -> Result<Answer, AdminError> {
    decide(db, id, true, String::new()).await
}

#[derive(FromForm)]
struct RejectForm {
    reason: String,
}

/// POST /admin/goods-review/<id>/reject — staff only; a reason is required.
#[post("/goods-review/<id>/reject", data = "<form>")]
async fn reject(
    _staff: Staff,
    db: &State<Db>,
    id: i64,
    form: Posted<RejectForm>,
) -> Result<Answer, AdminError> {
    decide(db, id, false, form.0.reason).await
}
