//! Deposits (押金) for the merchant's own systems: list them, and ask a shopper for one (status -1
//! 待支付), which the shopper pays in the mini-program (payStatusDepositV2). Returns are decided
//! in the console's 押金 page.

use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{get, post, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::body::opt_int;
use super::{Answer, ApiKey, JsonBody, Paged, Paging, BASE};
use crate::db::deposit::{self as store, status, DepositRow, NewDeposit};
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::money::{self, to_yuan};
use crate::service::deposit;

pub fn routes() -> Vec<Route> {
    routes![list, show, ask]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepositView {
    pub id: i64,
    pub number: String,
    pub user_id: i64,
    pub nick: String,
    /// Yuan.
    pub amount: f64,
    pub amount_fen: i64,
    /// -1 asked (unpaid), 0 held, 1 return asked for, 2 returned.
    pub status: i64,
    pub status_str: &'static str,
    pub remark: String,
    pub refuse_reason: String,
    pub date_add: String,
}

impl From<DepositRow> for DepositView {
    fn from(d: DepositRow) -> Self {
        DepositView {
            id: d.id,
            number: d.number,
            user_id: d.user_id,
            nick: d.nick,
            amount: to_yuan(d.amount),
            amount_fen: d.amount,
            status: d.status,
            status_str: status::label(d.status),
            remark: d.remark,
            refuse_reason: d.refuse_reason,
            date_add: db::format_unix(d.date_add),
        }
    }
}

/// `?status=&userId=&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct ListQuery<'r> {
    status: Option<&'r str>,
    #[field(name = "userId")]
    user_id: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// GET /admin/api/v1/deposits?status=&userId=&page=&pageSize= — merchant key. Newest first.
#[get("/deposits?<q..>")]
async fn list(_key: ApiKey, db: &State<Db>, q: ListQuery<'_>) -> Answer<Json<Paged<DepositView>>> {
    let status = opt_int("status", q.status, -1..=2)?;
    let user = opt_int("userId", q.user_id, 1..=i64::MAX)?;
    let paging = Paging::new(q.page, q.page_size)?;
    let (rows, total) =
        db.read(move |c| store::list(c, user, status, paging.offset(), paging.page_size)).await?;
    Ok(Json(paging.wrap(rows.into_iter().map(Into::into).collect(), total)))
}

/// GET /admin/api/v1/deposits/<id> — merchant key.
#[get("/deposits/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<DepositView>> {
    let found = db.read(move |c| store::get(c, id)).await?;
    Ok(Json(found.ok_or(MerchantError::NotFound("deposit"))?.into()))
}

/// `{"userId", "amount" (yuan), "remark"?}`
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct AskBody {
    pub user_id: i64,
    pub amount: f64,
    pub remark: String,
}

/// POST /admin/api/v1/deposits — merchant key. Asks shopper `userId` for a deposit of `amount`
/// yuan: 201 with the unpaid deposit (status -1); 404 unknown shopper, 422 a bad amount.
#[post("/deposits", data = "<body>")]
async fn ask(_key: ApiKey, db: &State<Db>, body: JsonBody<AskBody>) -> Answer<Created<Json<DepositView>>> {
    let b = body.0;
    let amount =
        money::from_yuan(b.amount).ok_or(MerchantError::invalid("amount", "yuan, at most 2 decimals"))?;
    if b.remark.chars().count() > 200 {
        return Err(MerchantError::invalid("remark", "at most 200 characters").into());
    }
    let d = NewDeposit {
        amount,
        ref_code: String::new(),
        remark: b.remark.trim().to_string(),
        ext_json: String::new(),
    };
    let user = b.user_id;
    let row = db.write(move |c| deposit::ask(c, user, &d, db::unix_now())).await?;
    Ok(Created::new(format!("{BASE}/deposits/{}", row.id)).body(Json(row.into())))
}
