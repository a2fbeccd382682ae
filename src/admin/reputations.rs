//! 商品评价: every goods review, shown or hidden, filtered by goods, level and visibility; the
//! merchant replies (shoppers see it as goodReputationReply) and hides or shows a review.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::page::{done, failed, render, said, search, Answer, Html, Pager, Posted, Staff};
use crate::db::reputation::{self, ReputationRow, ReviewFilter};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::service::error::{Error as ServiceError, Rule};
use crate::service::reputation as rules;

pub fn routes() -> Vec<Route> {
    routes![list, reply, hide, show]
}

#[derive(Template)]
#[template(path = "admin/reputations/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<ReputationRow>,
    /// Goods name search.
    q: String,
    /// One goods (from a row's link); 0 = all.
    goods: i64,
    /// "", "0", "1", "2".
    level: String,
    /// "", "0" shown, "1" hidden.
    hidden: String,
    pager: Pager,
    /// This page's address, where the row forms come back to.
    here: String,
}

#[allow(clippy::unused_self)] // the template calls these as methods on the page
impl ListPage {
    fn level_text(&self, r: &ReputationRow) -> &'static str {
        match r.reputation {
            2 => "好评",
            1 => "中评",
            _ => "差评",
        }
    }

    fn stars(&self, r: &ReputationRow) -> String {
        let count = |n: i64| usize::try_from(n.clamp(0, 5)).unwrap_or(0);
        "★".repeat(count(r.stars)) + &"☆".repeat(count(5 - r.stars))
    }
}

/// GET /admin/reputations — staff only. Newest first, 25 a page.
#[get("/reputations?<q>&<goods>&<level>&<hidden>&<page>")]
async fn list(
    staff: Staff,
    db: &State<Db>,
    q: Option<&str>,
    goods: Option<i64>,
    level: Option<&str>,
    hidden: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let q = search(q).unwrap_or_default();
    let goods = goods.filter(|&g| g > 0).unwrap_or(0);
    let level = level.filter(|l| matches!(*l, "0" | "1" | "2")).unwrap_or("").to_string();
    let hidden = hidden.filter(|h| matches!(*h, "0" | "1")).unwrap_or("").to_string();
    let filter = ReviewFilter {
        goods_id: (goods > 0).then_some(goods),
        goods_name: (!q.is_empty()).then(|| q.clone()),
        reputation: level.parse().ok(),
        status: hidden.parse().ok(),
    };
    let (rows, total) = db
        .read(move |c| Pager::fetch(page, |offset, limit| reputation::filtered(c, &filter, offset, limit)))
        .await?;
    let goods_text = if goods > 0 { goods.to_string() } else { String::new() };
    let keep = [("q", q.as_str()), ("goods", &goods_text), ("level", &level), ("hidden", &hidden)];
    let pager = Pager::new(page, total, &keep);
    let here = format!("/admin/reputations{}{}", pager.link, pager.page);
    render(&ListPage { staff, rows, q, goods, level, hidden, pager, here })
}

/// Where a row form returns: the list it came from, never another site.
fn back(to: &str) -> String {
    if to.starts_with("/admin/reputations") && !to.contains("//") {
        to.to_string()
    } else {
        "/admin/reputations".into()
    }
}

#[derive(FromForm)]
struct ReplyForm {
    reply: String,
    #[field(default = String::new())]
    back: String,
}

#[derive(FromForm)]
struct BackForm {
    #[field(default = String::new())]
    back: String,
}

/// A refusal goes back to the list as a message; failures go to the error page.
fn answer(result: Result<(), ServiceError>, to: String, ok: &str) -> Result<Answer, AdminError> {
    match result {
        Ok(()) => Ok(done(to, ok)),
        Err(ServiceError::Invalid { rule, .. }) if rule != Rule::Required => {
            Ok(failed(to, format!("回复{rule}")))
        }
        Err(e) => Ok(failed(to, said(e)?)),
    }
}

/// POST /admin/reputations/<id>/reply — staff only. An empty reply removes it.
#[post("/reputations/<id>/reply", data = "<form>")]
async fn reply(
    _staff: Staff,
    id: i64,
    form: Posted<ReplyForm>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let ReplyForm { reply, back: to } = form.0;
    let removed = reply.trim().is_empty();
    let result =
        db.write(move |c| Ok::<_, AdminError>(rules::reply_review(c, id, &reply, db::unix_now()))).await?;
    answer(result, back(&to), if removed { "回复已删除" } else { "回复已保存，顾客可以看到" })
}

/// POST /admin/reputations/<id>/hide — staff only. Shoppers no longer see the review.
#[post("/reputations/<id>/hide", data = "<form>")]
async fn hide(_staff: Staff, id: i64, form: Posted<BackForm>, db: &State<Db>) -> Result<Answer, AdminError> {
    let result = db.write(move |c| Ok::<_, AdminError>(rules::set_review_hidden(c, id, true))).await?;
    answer(result, back(&form.0.back), "评价已隐藏，顾客看不到了")
}

/// POST /admin/reputations/<id>/show — staff only.
#[post("/reputations/<id>/show", data = "<form>")]
async fn show(_staff: Staff, id: i64, form: Posted<BackForm>, db: &State<Db>) -> Result<Answer, AdminError> {
    let result = db.write(move |c| Ok::<_, AdminError>(rules::set_review_hidden(c, id, false))).await?;
    answer(result, back(&form.0.back), "评价已重新显示")
}
