//! A shopper's money, points and growth: manual adjustments with a reason, and the ledger itself.

use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{get, post, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::{Answer, ApiKey, JsonBody, Paged, Paging, Problem, BASE};
use crate::db::ledger::{Account, Entry, EntryFilter};
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::service::points;

pub fn routes() -> Vec<Route> {
    routes![adjust, ledger]
}

/// `{account: balance|score|growth, amount, reason}`: `amount` is signed fen or points.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdjustmentBody {
    pub account: String,
    pub amount: i64,
    #[serde(default)]
    pub reason: String,
}

/// The adjustment made and the account's value after it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdjustmentView {
    pub user_id: i64,
    pub account: &'static str,
    pub amount: i64,
    /// Fen or points after the adjustment.
    pub value: i64,
    pub reason: String,
}

fn account_of(name: &str) -> Result<Account, Problem> {
    points::adjustable(name).ok_or_else(|| Problem::invalid("account", "must be balance, score or growth"))
}

/// POST /admin/api/v1/users/<id>/adjustments — merchant key. 201 with the new value; 422 without a
/// reason, 404 for an unknown shopper, 409 when the account would go negative (nothing changes).
#[post("/users/<id>/adjustments", data = "<body>")]
async fn adjust(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<AdjustmentBody>,
) -> Answer<Created<Json<AdjustmentView>>> {
    let b = body.0;
    let account = account_of(&b.account)?;
    let (amount, reason) = (b.amount, b.reason.trim().to_string());
    let said = reason.clone();
    let value = db.write(move |c| points::adjust(c, id, account, amount, &said)).await?;
    let view = AdjustmentView { user_id: id, account: account.as_str(), amount, value, reason };
    Ok(Created::new(format!("{BASE}/users/{id}/ledger")).body(Json(view)))
}

/// One ledger row: amounts are signed fen (balance, freeze) or points (score, growth).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryView {
    pub id: i64,
    pub account: String,
    pub amount: i64,
    pub after: i64,
    pub reason: String,
    pub source_type: String,
    pub source_id: String,
    pub date_add: String,
}

impl From<Entry> for EntryView {
    fn from(e: Entry) -> Self {
        EntryView {
            id: e.id,
            account: e.account,
            amount: e.amount,
            after: e.after,
            reason: e.reason,
            source_type: e.source_type,
            source_id: e.source_id,
            date_add: db::format_unix(e.date_add),
        }
    }
}

/// `?account=&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct LedgerQuery<'r> {
    account: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// GET /admin/api/v1/users/<id>/ledger?account=&page=&pageSize= — merchant key. Newest first;
/// `account` (balance, freeze, score, growth) narrows it to one account.
#[get("/users/<id>/ledger?<q..>")]
async fn ledger(_key: ApiKey, db: &State<Db>, id: i64, q: LedgerQuery<'_>) -> Answer<Json<Paged<EntryView>>> {
    let accounts = match q.account.map(str::trim).filter(|a| !a.is_empty()) {
        None => Account::ALL.to_vec(),
        Some("freeze") => vec![Account::Freeze],
        Some(name) => vec![points::adjustable(name)
            .ok_or_else(|| Problem::invalid("account", "must be balance, freeze, score or growth"))?],
    };
    let paging = Paging::new(q.page, q.page_size)?;
    let filter = EntryFilter { accounts, ..EntryFilter::default() };
    let (rows, total) = db
        .read(move |c| {
            if !db::user::exists(c, id)? {
                return Err(Problem::from(MerchantError::NotFound("user")));
            }
            Ok(db::ledger::entries_of(c, id, &filter, paging.offset(), paging.page_size)?)
        })
        .await?;
    Ok(Json(paging.wrap(rows.into_iter().map(Into::into).collect(), total)))
}
