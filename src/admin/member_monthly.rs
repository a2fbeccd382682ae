//! 每月赠送: the points and coupons a member level gives its members each month (granted by the
//! member-levels job, on the ledger), edited from the level's page.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::crud;
use super::page::{number, render, Answer, Html, Posted, Problem, Staff};
use crate::db::levels::Level;
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::service::level_monthly;

pub fn routes() -> Vec<Route> {
    routes![edit_page, update]
}

const LABELS: &[(&str, &str)] =
    &[("sendPerMonthScore", "每月赠送积分"), ("sendPerMonthCoupons", "每月赠送优惠券")];

#[derive(FromForm, Default)]
struct MonthlyForm {
    score: String,
    coupon_rule_ids: String,
}

#[derive(Template)]
#[template(path = "admin/levels/monthly.html")]
struct EditPage {
    staff: Staff,
    level: Level,
    form: MonthlyForm,
    error: Option<String>,
}

/// GET /admin/levels/<id>/monthly — staff only.
#[get("/levels/<id>/monthly")]
async fn edit_page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let level = crud::found(db, id, db::levels::level_by_id).await?;
    let m = db.read(move |c| db::level_monthly::of_level(c, id)).await?.unwrap_or_default();
    let form = MonthlyForm { score: m.score.to_string(), coupon_rule_ids: m.coupon_rule_ids };
    render(&EditPage { staff, level, form, error: None })
}

/// POST /admin/levels/<id>/monthly — staff only.
#[post("/levels/<id>/monthly", data = "<form>")]
async fn update(
    staff: Staff,
    db: &State<Db>,
    id: i64,
    form: Posted<MonthlyForm>,
) -> Result<Answer, AdminError> {
    let level = crud::found(db, id, db::levels::level_by_id).await?;
    let form = form.0;
    let saved = match number("每月赠送积分", if form.score.trim().is_empty() { "0" } else { &form.score })
    {
        Ok(score) => {
            let coupons = form.coupon_rule_ids.clone();
            db.write(move |c| level_monthly::save(c, id, score, &coupons, db::unix_now()))
                .await
                .map_err(|e| Problem::refused(e, LABELS))
        }
        Err(problem) => Err(problem),
    };
    let back = format!("/admin/levels/{id}");
    crud::saved(saved, &back, "每月赠送已保存", |error| EditPage { staff, level, form, error })
}
