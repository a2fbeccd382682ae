//! Monthly member benefits (每月赠送): the points and coupons a member level gives its members
//! each month, granted by the member-levels job.

use rocket::serde::json::Json;
use rocket::{get, put, routes, Route, State};
use serde::{Deserialize, Serialize};

use super::{Answer, ApiKey, JsonBody};
use crate::db::level_monthly::Monthly;
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::service::level_monthly;

pub fn routes() -> Vec<Route> {
    routes![show, replace]
}

/// `{"sendPerMonthScore", "sendPerMonthCoupons"}` (coupon rule ids, comma-separated).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct MonthlyBody {
    pub send_per_month_score: i64,
    pub send_per_month_coupons: String,
}

impl From<Monthly> for MonthlyBody {
    fn from(m: Monthly) -> Self {
        MonthlyBody { send_per_month_score: m.score, send_per_month_coupons: m.coupon_rule_ids }
    }
}

/// GET /admin/api/v1/member-levels/<id>/monthly — merchant key. Zero and "" when none is set.
#[get("/member-levels/<id>/monthly")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<MonthlyBody>> {
    let (level, monthly) = db
        .read(move |c| {
            Ok::<_, db::Error>((db::levels::level_by_id(c, id)?, db::level_monthly::of_level(c, id)?))
        })
        .await?;
    level.ok_or(MerchantError::NotFound("member level"))?;
    Ok(Json(monthly.unwrap_or_default().into()))
}

/// PUT /admin/api/v1/member-levels/<id>/monthly — merchant key. Sets the level's monthly points
/// and coupons; 404 unknown level, 422 naming the field.
#[put("/member-levels/<id>/monthly", data = "<body>")]
async fn replace(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<MonthlyBody>,
) -> Answer<Json<MonthlyBody>> {
    let b = body.0;
    let saved = db
        .write(move |c| {
            level_monthly::save(c, id, b.send_per_month_score, &b.send_per_month_coupons, db::unix_now())
        })
        .await?;
    Ok(Json(saved.into()))
}
