//! Member levels (会员体系): the shop's levels and prices, buying one from the balance, and the
//! shopper's purchase history. The client calls these on the common host; one origin serves both.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, BaseUrl, Page, Paging, Params, Reply};
use crate::db::level_monthly::Monthly;
use crate::db::levels::{Buy, BuyKind, Level, Price};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money::to_yuan;
use crate::present::term;
use crate::service::levels::{self, Benefits};

pub fn routes() -> Vec<Route> {
    routes![list, detail, prices, buy, buy_logs]
}

const LEVEL_NOT_FOUND: ApiError = ApiError::NotFound("会员等级");

/// A level as the templates read it (`rebate < 10` shows a discount, `upgradeSendScore > 0` a gift).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LevelView {
    pub id: i64,
    pub name: String,
    pub level: i64,
    pub pic: String,
    pub remark: String,
    /// 折: 8.8 means members pay 88%; 10 is no discount.
    pub rebate: f64,
    pub upgrade_send_score: i64,
    /// Points each member gets each month (0: none).
    pub send_per_month_score: i64,
    /// Coupon rule ids each member gets each month, comma-separated ("": none).
    pub send_per_month_coupons: String,
    pub paixu: i64,
    pub status: i64,
    pub date_add: String,
    pub date_update: String,
}

impl LevelView {
    pub fn new(base: &BaseUrl, l: Level) -> LevelView {
        let f = l.fields;
        LevelView {
            id: l.id,
            pic: if f.pic.is_empty() { String::new() } else { base.absolute(&f.pic) },
            name: f.name,
            level: f.level,
            remark: f.remark,
            rebate: f.rebate_percent as f64 / 10.0,
            upgrade_send_score: f.upgrade_send_score,
            send_per_month_score: 0,
            send_per_month_coupons: String::new(),
            paixu: f.paixu,
            status: f.status,
            date_add: db::format_unix(l.date_add),
            date_update: db::format_unix(l.date_update),
        }
    }
}

/// A price: `duration` + `unitStr` ("3" "个月") is how templates show the term.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceView {
    pub id: i64,
    pub level_id: i64,
    pub days: i64,
    pub duration: i64,
    /// 0 days, 1 months, 2 years.
    pub unit: i64,
    pub unit_str: &'static str,
    pub price: f64,
    pub original_price: f64,
    pub paixu: i64,
    pub status: i64,
}

impl From<Price> for PriceView {
    fn from(p: Price) -> Self {
        let (duration, unit, unit_str) = term(p.fields.days);
        PriceView {
            id: p.id,
            level_id: p.level_id,
            days: p.fields.days,
            duration,
            unit,
            unit_str,
            price: to_yuan(p.fields.price_fen),
            original_price: to_yuan(p.fields.original_price_fen),
            paixu: p.fields.paixu,
            status: p.fields.status,
        }
    }
}

/// userLevelDetail: `{info, extJson, prices}`; the template lists `extJson`'s keys as benefits.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LevelDetail {
    pub info: LevelView,
    pub ext_json: Benefits,
    pub prices: Vec<PriceView>,
}

/// A purchase as the history page reads it (`money`, `orderNumber`, `dateAdd`, `remark`, `levelId`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BuyView {
    pub id: i64,
    pub order_number: String,
    pub level_id: i64,
    pub level_name: String,
    pub price_id: i64,
    pub days: i64,
    pub money: f64,
    /// 0 new level, 1 extension, 2 auto-renewal.
    #[serde(rename = "type")]
    pub kind: i64,
    pub type_str: &'static str,
    pub is_auto_renew: bool,
    pub remark: String,
    pub status: i64,
    pub status_str: &'static str,
    pub date_add: String,
    pub date_expire: String,
}

impl From<Buy> for BuyView {
    fn from(b: Buy) -> Self {
        let date = db::format_unix(b.date_add);
        // Derived, not stored: the date plus the id is unique and readable on a receipt.
        let order_number = format!("LV{}{:06}", date.get(..10).unwrap_or_default().replace('-', ""), b.id);
        BuyView {
            id: b.id,
            order_number,
            level_id: b.level_id.unwrap_or(0),
            level_name: b.level_name,
            price_id: b.price_id.unwrap_or(0),
            days: b.days,
            money: to_yuan(b.amount_fen),
            kind: b.kind as i64,
            type_str: match b.kind {
                BuyKind::New => "开通",
                BuyKind::Extend => "续费",
                BuyKind::AutoRenew => "自动续费",
            },
            is_auto_renew: b.is_auto_renew,
            remark: b.remark,
            status: b.status,
            status_str: if b.status == 1 { "已支付" } else { "待支付" },
            date_add: date,
            date_expire: db::format_unix(b.date_expire),
        }
    }
}

/// POST /<sub>/user/level/list — userLevelList; anyone. The shown levels, paged; 700 when none.
#[post("/user/level/list", data = "<p>")]
async fn list(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<LevelView>> {
    let paging = Paging::from(&p)?;
    let (rows, total) =
        db.read(move |c| db::levels::shown_levels(c, paging.offset(), paging.limit())).await?;
    Ok(Reply(paging.page(rows.into_iter().map(|l| LevelView::new(&base, l)).collect(), total)?))
}

/// The shown level `id` with its prices on sale; 404 for a hidden or unknown one.
async fn shown_level(db: &Db, id: i64) -> Result<(Level, Vec<Price>, Monthly), ApiError> {
    db.read(move |c| {
        let level =
            db::levels::level_by_id(c, id)?.filter(|l| l.fields.status == 0).ok_or(LEVEL_NOT_FOUND)?;
        let prices = db::levels::prices_of(c, id, true)?;
        let monthly = db::level_monthly::of_level(c, id)?.unwrap_or_default();
        Ok((level, prices, monthly))
    })
    .await
}

/// GET /<sub>/user/level/info?id — userLevelDetail; anyone.
#[get("/user/level/info")]
async fn detail(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<LevelDetail> {
    let (level, prices, monthly) = shown_level(db, p.int("id")?).await?;
    let mut info = LevelView::new(&base, level.clone());
    info.send_per_month_score = monthly.score;
    info.send_per_month_coupons = monthly.coupon_rule_ids;
    Ok(Reply(LevelDetail {
        ext_json: Benefits::parse(&level.fields.ext_json),
        info,
        prices: prices.into_iter().map(Into::into).collect(),
    }))
}

/// GET /<sub>/user/level/prices?levelId — userLevelPrices; anyone. A bare array; 700 when the level sells none.
#[get("/user/level/prices")]
async fn prices(p: Params, db: &State<Db>) -> ApiResult<Vec<PriceView>> {
    let (_, prices, _) = shown_level(db, p.int("levelId")?).await?;
    if prices.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(prices.into_iter().map(Into::into).collect()))
}

/// POST /<sub>/user/level/buy — userLevelBuy; logged-in shopper. Pays from the balance in one
/// transaction; 40000 with `data` = the amount still due when the balance is short.
#[post("/user/level/buy", data = "<req>")]
async fn buy(req: Authed, db: &State<Db>) -> ApiResult<BuyView> {
    let price_id = req.p.int("userLevelPriceId")?;
    let auto_renew = req.p.opt_bool("isAutoRenew")?.unwrap_or(false);
    let remark = req.p.opt_text("remark", levels::MAX_REMARK)?.unwrap_or_default().to_string();
    let uid = req.user_id;
    let bought =
        db.write(move |c| levels::buy(c, uid, price_id, auto_renew, &remark, db::unix_now())).await?;
    Ok(Reply(bought.into()))
}

/// POST /<sub>/user/level/buyLogs — userLevelBuyLogs; logged-in shopper. Newest first, paged; 700 when none.
#[post("/user/level/buyLogs", data = "<req>")]
async fn buy_logs(req: Authed, db: &State<Db>) -> ApiResult<Page<BuyView>> {
    let paging = Paging::from(&req.p)?;
    let uid = req.user_id;
    let (rows, total) =
        db.read(move |c| db::levels::buys_of(c, uid, paging.offset(), paging.limit())).await?;
    Ok(Reply(paging.page(rows.into_iter().map(Into::into).collect(), total)?))
}
