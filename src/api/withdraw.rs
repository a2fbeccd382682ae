//! Withdrawals (提现): the shopper asks to take money out of their balance (it is frozen until the
//! merchant pays out by hand or rejects), and sees their requests. See service::withdraw.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::funds::{ext_json, fen, status_filter, text_or_empty};
use super::{ApiResult, Authed, Page, Paging, Reply};
use crate::db::withdraw::{self as store, status, WithdrawalRow};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money;
use crate::service::withdraw::{self, WithdrawInput, WithdrawRules};
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![apply, apply_v3, list, list_v2, detail, detail_v2]
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalView {
    pub id: i64,
    pub number: String,
    pub uid: i64,
    pub money: f64,
    /// 0 待审核, 1 已打款, 2 已拒绝.
    pub status: i64,
    pub status_str: &'static str,
    pub remark: String,
    pub ext_json_str: String,
    pub rejection_reason: String,
    /// The merchant's transfer reference once paid out.
    pub pay_reference: String,
    pub date_add: String,
    pub date_update: String,
    /// When the merchant decided; "" while waiting.
    pub date_decide: String,
}

impl From<WithdrawalRow> for WithdrawalView {
    fn from(w: WithdrawalRow) -> Self {
        WithdrawalView {
            id: w.id,
            number: w.number,
            uid: w.user_id,
            money: money::to_yuan(w.money),
            status: w.status,
            status_str: status::label(w.status),
            remark: w.remark,
            ext_json_str: w.ext_json,
            rejection_reason: w.rejection_reason,
            pay_reference: w.pay_reference,
            date_add: db::format_unix(w.date_add),
            date_update: db::format_unix(w.date_update),
            date_decide: db::format_unix(w.date_decide.unwrap_or(0)),
        }
    }
}

async fn do_apply(req: Authed, db: &Db, settings: &Settings) -> ApiResult<WithdrawalView> {
    let input = WithdrawInput {
        money: fen(&req.p, "money")?,
        remark: text_or_empty(&req.p, "remark", 200)?,
        ext_json: ext_json(&req.p)?,
    };
    let (user, rules) = (req.user_id, WithdrawRules::of(&settings.get()));
    let row = db.write(move |c| withdraw::apply(c, user, rules, &input, db::unix_now())).await?;
    Ok(Reply(row.into()))
}

/// POST /<sub>/user/withDraw/apply — withDrawApply / withDrawApplyV2; logged-in shopper. `money`
/// (yuan) moves from the balance to frozen money until the merchant decides.
#[post("/user/withDraw/apply", data = "<req>")]
async fn apply(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<WithdrawalView> {
    do_apply(req, db, settings).await
}

/// POST /<sub>/user/withdrawal/apply — withDrawApplyV3 (common host); logged-in shopper. As withDrawApply.
#[post("/user/withdrawal/apply", data = "<req>")]
async fn apply_v3(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<WithdrawalView> {
    do_apply(req, db, settings).await
}

async fn do_list(req: Authed, db: &Db) -> ApiResult<Page<WithdrawalView>> {
    let paging = Paging::from(&req.p)?;
    let (user, wanted) = (req.user_id, status_filter(&req.p, 2)?);
    let (rows, total) =
        db.read(move |c| store::list(c, Some(user), wanted, paging.offset(), paging.limit())).await?;
    Ok(Reply(paging.page(rows.into_iter().map(Into::into).collect(), total)?))
}

/// POST /<sub>/user/withDraw/list — withDrawLogs; logged-in shopper. Own requests, newest first,
/// optional `status`; 700 when none.
#[post("/user/withDraw/list", data = "<req>")]
async fn list(req: Authed, db: &State<Db>) -> ApiResult<Page<WithdrawalView>> {
    do_list(req, db).await
}

/// POST /<sub>/user/withdrawal/list — withDrawLogsV2 (common host); logged-in shopper. As withDrawLogs.
#[post("/user/withdrawal/list", data = "<req>")]
async fn list_v2(req: Authed, db: &State<Db>) -> ApiResult<Page<WithdrawalView>> {
    do_list(req, db).await
}

async fn do_detail(req: Authed, db: &Db) -> ApiResult<WithdrawalView> {
    let (user, id) = (req.user_id, req.p.int("id")?);
    let row = db.read(move |c| store::get(c, id)).await?;
    Ok(Reply(row.filter(|w| w.user_id == user).ok_or(ApiError::NotFound("提现记录"))?.into()))
}

/// GET /<sub>/user/withDraw/detail — withDrawDetail; logged-in shopper, own request (404 otherwise).
#[get("/user/withDraw/detail")]
async fn detail(req: Authed, db: &State<Db>) -> ApiResult<WithdrawalView> {
    do_detail(req, db).await
}

/// GET /<sub>/user/withdrawal/detail — withDrawDetailV2 (common host); logged-in shopper. As withDrawDetail.
#[get("/user/withdrawal/detail")]
async fn detail_v2(req: Authed, db: &State<Db>) -> ApiResult<WithdrawalView> {
    do_detail(req, db).await
}
