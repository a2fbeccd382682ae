//! Activity pages (活动商城): the template's pages/huodong reads one by id, then loads its
//! banners, coupons, goods and disclaimer page with their own methods.

use rocket::{get, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Params, Reply};
use crate::db::{self, activity_mall::ActivityPage, Db};
use crate::error::ApiError;

pub fn routes() -> Vec<Route> {
    routes![info]
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityView {
    pub id: i64,
    pub title: String,
    pub title_sub: String,
    pub date_start: String,
    pub date_deadline: String,
    pub address: String,
    /// The `type` of the banners the page shows.
    pub banner_type: String,
    /// Comma-separated coupon ids.
    pub coupon_rule_ids: String,
    /// Comma-separated goods ids.
    pub goods_ids: String,
    /// A CMS page key (`cmsPage`).
    pub disclaimer_page_key: String,
    pub status: i64,
    pub date_add: String,
    pub date_update: String,
}

impl From<ActivityPage> for ActivityView {
    fn from(p: ActivityPage) -> Self {
        ActivityView {
            id: p.id,
            title: p.title,
            title_sub: p.title_sub,
            date_start: p.date_start,
            date_deadline: p.date_deadline,
            address: p.address,
            banner_type: p.banner_type,
            coupon_rule_ids: p.coupon_rule_ids,
            goods_ids: p.goods_ids,
            disclaimer_page_key: p.disclaimer_page_key,
            status: p.status,
            date_add: db::format_unix(p.date_add),
            date_update: db::format_unix(p.date_update),
        }
    }
}

#[derive(Serialize)]
pub struct ActivityInfo {
    pub info: ActivityView,
}

/// GET /<sub>/activityMallInfo/info — activityMallInfoInfo; anyone. `{info}` of a shown activity
/// page; 404 for an unknown or hidden one.
#[get("/activityMallInfo/info")]
async fn info(p: Params, db: &State<Db>) -> ApiResult<ActivityInfo> {
    let id = p.int("id")?;
    let page = db.read(move |c| db::activity_mall::get(c, id)).await?;
    let page = page.filter(|a| a.status == 0).ok_or(ApiError::NotFound("活动"))?;
    Ok(Reply(ActivityInfo { info: page.into() }))
}
