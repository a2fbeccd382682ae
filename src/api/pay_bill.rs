//! Pay-bill (买单): the shop's 满 X 减 Y rules, and paying an amount at the shop from the balance
//! with the best rule applied here. See service::pay_bill.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::funds::{fen, opt_fen};
use super::{ApiResult, Authed, Reply};
use crate::db::pay_bill::{self as store, BillRow};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money;
use crate::service::pay_bill::{self, BillInput};
use crate::service::pay_password;

pub fn routes() -> Vec<Route> {
    routes![discounts, pay]
}

/// One rule as pages/maidan shows it: "消费满 {consume} 元 减 {discounts} 元".
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscountView {
    pub id: i64,
    pub consume: f64,
    pub discounts: f64,
}

/// GET /<sub>/payBill/discounts — payBillDiscounts; anyone. A bare array, smallest threshold
/// first; 700 when the shop has none.
#[get("/payBill/discounts")]
async fn discounts(db: &State<Db>) -> ApiResult<Vec<DiscountView>> {
    let rules = db.read(store::discounts).await?;
    if rules.is_empty() {
        return Err(ApiError::Empty);
    }
    let view = |r: store::DiscountRow| DiscountView {
        id: r.id,
        consume: money::to_yuan(r.consume),
        discounts: money::to_yuan(r.discounts),
    };
    Ok(Reply(rules.into_iter().map(view).collect()))
}

/// payBill: what the bill costs (`calculate=true`) or the bill paid.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BillView {
    /// The bill's id; 0 for a calculation.
    pub id: i64,
    pub number: String,
    /// Consumed, yuan.
    pub money: f64,
    /// Taken off by the best rule, yuan.
    pub discounts: f64,
    /// Paid (or to pay), yuan.
    pub real_money: f64,
    pub shop_id: i64,
    pub date_add: String,
}

impl From<BillRow> for BillView {
    fn from(b: BillRow) -> Self {
        BillView {
            id: b.id,
            number: b.number,
            money: money::to_yuan(b.money),
            discounts: money::to_yuan(b.discount),
            real_money: money::to_yuan(b.real_money),
            shop_id: b.shop_id.unwrap_or(0),
            date_add: db::format_unix(b.date_add),
        }
    }
}

/// POST /<sub>/payBill/pay — payBill / payBillV2; logged-in shopper. `money` (yuan) consumed;
/// `calculate=true` only prices it. Otherwise pays the discounted amount from the balance (40000
/// with the amount short); `pwd` once a pay password is set; an optional `realMoney` (what the
/// page showed) must equal the server's price; optional `shopId` names the 门店.
#[post("/payBill/pay", data = "<req>")]
async fn pay(req: Authed, db: &State<Db>) -> ApiResult<BillView> {
    let input = BillInput {
        money: fen(&req.p, "money")?,
        shop_id: req.p.opt_int("shopId")?,
        expected_real: opt_fen(&req.p, "realMoney")?,
    };
    if req.p.opt_bool("calculate")?.unwrap_or(false) {
        let q = db.read(move |c| pay_bill::quote(c, input.money)).await?;
        let (discounts, real_money) = (money::to_yuan(q.discount), money::to_yuan(q.real_money));
        let shop_id = input.shop_id.unwrap_or(0);
        let number = String::new();
        return Ok(Reply(BillView {
            id: 0,
            number,
            money: money::to_yuan(q.money),
            discounts,
            real_money,
            shop_id,
            date_add: String::new(),
        }));
    }
    let user = req.user_id;
    pay_password::check(db, user, req.p.opt_text("pwd", 20)?.map(str::to_string), "pwd").await?;
    let bill = db.write(move |c| pay_bill::pay_from_balance(c, user, &input, db::unix_now())).await?;
    Ok(Reply(bill.into()))
}
