//! Deposits (押金): the shopper pays one from the balance (it then shows as frozen money), lists
//! them and asks for one back; the merchant returns or refuses. See service::deposit.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::funds::{ext_json, fen, status_filter, text_or_empty};
use super::{ApiResult, Authed, Page, Paging, Reply};
use crate::db::deposit::{self as store, status, DepositRow, NewDeposit};
use crate::db::{self, Db};
use crate::money;
use crate::service::deposit;

pub fn routes() -> Vec<Route> {
    routes![pay, list, info, back_apply, pay_asked]
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepositView {
    pub id: i64,
    pub number: String,
    pub uid: i64,
    pub amount: f64,
    /// -1 待支付 (asked by the merchant), 0 已支付 (held), 1 申请退回中, 2 已退回.
    pub status: i64,
    pub status_str: &'static str,
    pub ref_code: String,
    pub remark: String,
    pub ext_json_str: String,
    /// Why the merchant last refused to return it ("" if never).
    pub refuse_reason: String,
    pub date_add: String,
    pub date_update: String,
    pub date_back_apply: String,
}

impl From<DepositRow> for DepositView {
    fn from(d: DepositRow) -> Self {
        DepositView {
            id: d.id,
            number: d.number,
            uid: d.user_id,
            amount: money::to_yuan(d.amount),
            status: d.status,
            status_str: status::label(d.status),
            ref_code: d.ref_code,
            remark: d.remark,
            ext_json_str: d.ext_json,
            refuse_reason: d.refuse_reason,
            date_add: db::format_unix(d.date_add),
            date_update: db::format_unix(d.date_update),
            date_back_apply: db::format_unix(d.date_back_apply.unwrap_or(0)),
        }
    }
}

/// POST /<sub>/deposit/pay — payDeposit (api) / payDepositV2 (common); logged-in shopper. Pays
/// `amount` (yuan) from the balance; 40000 with the amount still due when the balance is short
/// (the template then pays that by WeChat with nextAction type 5).
#[post("/deposit/pay", data = "<req>")]
async fn pay(req: Authed, db: &State<Db>) -> ApiResult<DepositView> {
    let d = NewDeposit {
        amount: fen(&req.p, "amount")?,
        ref_code: text_or_empty(&req.p, "refCode", 50)?,
        remark: text_or_empty(&req.p, "remark", 200)?,
        ext_json: ext_json(&req.p)?,
    };
    let user = req.user_id;
    let row = db.write(move |c| deposit::pay(c, user, &d, db::unix_now())).await?;
    Ok(Reply(row.into()))
}

/// POST /<sub>/deposit/list — depositList (api) / depositListV2 (common); logged-in shopper. Own
/// deposits, newest first, optional `status`; 700 when none.
#[post("/deposit/list", data = "<req>")]
async fn list(req: Authed, db: &State<Db>) -> ApiResult<Page<DepositView>> {
    let paging = Paging::from(&req.p)?;
    let (user, wanted) = (req.user_id, status_filter(&req.p, 2)?);
    let (rows, total) =
        db.read(move |c| store::list(c, Some(user), wanted, paging.offset(), paging.limit())).await?;
    Ok(Reply(paging.page(rows.into_iter().map(Into::into).collect(), total)?))
}

/// GET /<sub>/deposit/info — depositInfo (api) / depositInfoV2 (common); logged-in shopper, own deposit.
#[get("/deposit/info")]
async fn info(req: Authed, db: &State<Db>) -> ApiResult<DepositView> {
    let (user, id) = (req.user_id, req.p.int("id")?);
    Ok(Reply(db.read(move |c| deposit::owned(c, user, id)).await?.into()))
}

/// POST /<sub>/deposit/back/apply — depositBackApply (api) / depositBackApplyV2 (common);
/// logged-in shopper, own held deposit: asks the merchant for it back.
#[post("/deposit/back/apply", data = "<req>")]
async fn back_apply(req: Authed, db: &State<Db>) -> ApiResult<DepositView> {
    let (user, id) = (req.user_id, req.p.int("id")?);
    Ok(Reply(db.write(move |c| deposit::ask_return(c, user, id, db::unix_now())).await?.into()))
}

/// POST /<sub>/deposit/payStatus — payStatusDepositV2 (common); logged-in shopper, own deposit
/// `id` the merchant asked for (status -1): pays it from the balance; 40000 with the amount still
/// due when the balance is short (the template then tops up by WeChat); 403 when not unpaid.
#[post("/deposit/payStatus", data = "<req>")]
async fn pay_asked(req: Authed, db: &State<Db>) -> ApiResult<DepositView> {
    let (user, id) = (req.user_id, req.p.int("id")?);
    Ok(Reply(db.write(move |c| deposit::pay_asked(c, user, id, db::unix_now())).await?.into()))
}
