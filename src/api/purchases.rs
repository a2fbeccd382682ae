//! What the shop's order lines tell: recent purchases (`goodsDynamic`), a shopper's purchase
//! history (`myBuyGoodsHis`) and daily sales (`siteStatisticsSaleroom`).

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, BaseUrl, MaybeAuthed, Page, Paging, Params, Reply};
use crate::db::order::LineRow;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money::to_yuan;
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![dynamic, dynamic_v2, history, history_delete, saleroom]
}

/// How many recent purchases goodsDynamic shows.
const DYNAMIC_LIMIT: i64 = 20;
/// Longest date range siteStatisticsSaleroom answers, in days.
const MAX_SALEROOM_DAYS: i64 = 366;
/// The config value that opens siteStatisticsSaleroom (as the client documents).
const SALEROOM_SWITCH: &str = "statistics_saleroom_open";

/// A recent purchase: what, how many, by whom (nick and avatar only).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DynamicView {
    goods_id: i64,
    goods_name: String,
    pic: String,
    number: i64,
    nick: String,
    avatar_url: String,
    date_add: String,
}

/// `type`: 0 orders placed (default), 1 orders paid.
async fn recent(p: &Params, db: &Db, base: &BaseUrl) -> ApiResult<Vec<DynamicView>> {
    let paid_only = match p.opt_int("type")?.unwrap_or(0) {
        0 => false,
        1 => true,
        _ => return Err(ApiError::invalid("type", "应为 0（下单）或 1（支付）")),
    };
    let rows = db.read(move |c| db::order::recent_lines(c, paid_only, DYNAMIC_LIMIT)).await?;
    if rows.is_empty() {
        return Err(ApiError::Empty);
    }
    let abs = |s: &str| if s.is_empty() { String::new() } else { base.absolute(s) };
    Ok(Reply(
        rows.into_iter()
            .map(|r| DynamicView {
                goods_id: r.line.line.goods_id,
                pic: abs(&r.line.line.pic),
                goods_name: r.line.line.goods_name,
                number: r.line.line.number,
                avatar_url: abs(&r.avatar_url),
                nick: r.nick,
                date_add: db::format_unix(r.line.date_add),
            })
            .collect(),
    ))
}

/// GET /<sub>/site/goods/dynamic — goodsDynamic; anyone. The newest 20 purchases; 700 when none.
#[get("/site/goods/dynamic")]
async fn dynamic(req: MaybeAuthed, db: &State<Db>, base: BaseUrl) -> ApiResult<Vec<DynamicView>> {
    recent(&req.p, db, &base).await
}

/// GET /<sub>/site/goods/dynamic/v2 — goodsDynamicV2; anyone. As goodsDynamic.
#[get("/site/goods/dynamic/v2")]
async fn dynamic_v2(req: MaybeAuthed, db: &State<Db>, base: BaseUrl) -> ApiResult<Vec<DynamicView>> {
    recent(&req.p, db, &base).await
}

/// A goods the shopper bought (one order line); `id` is what myBuyGoodsHisDelete takes.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BoughtView {
    id: i64,
    order_id: i64,
    goods_id: i64,
    goods_name: String,
    pic: String,
    number: i64,
    amount_single: f64,
    property: String,
    date_add: String,
}

fn bought_view(base: &BaseUrl, l: LineRow) -> BoughtView {
    BoughtView {
        id: l.id,
        order_id: l.order_id,
        goods_id: l.line.goods_id,
        pic: if l.line.pic.is_empty() { String::new() } else { base.absolute(&l.line.pic) },
        goods_name: l.line.goods_name,
        number: l.line.number,
        amount_single: to_yuan(l.line.amount_single),
        property: l.line.property,
        date_add: db::format_unix(l.date_add),
    }
}

/// POST /<sub>/shop/goods/his/list — myBuyGoodsHis / myBuyGoodsHisV2; logged-in shopper. Lines of
/// their orders that were not closed, newest first, paged; 700 when none.
#[post("/shop/goods/his/list", data = "<req>")]
async fn history(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<BoughtView>> {
    let (user, paging) = (req.user_id, Paging::from(&req.p)?);
    let (rows, total) =
        db.read(move |c| db::order::bought_lines(c, user, paging.offset(), paging.limit())).await?;
    Ok(Reply(paging.page(rows.into_iter().map(|l| bought_view(&base, l)).collect(), total)?))
}

/// POST /<sub>/shop/goods/his/delete — myBuyGoodsHisDelete (+V2); logged-in shopper. Hides the
/// record `id`, or every record of `goodsId`, from their history (the orders stay).
#[post("/shop/goods/his/delete", data = "<req>")]
async fn history_delete(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let (id, goods) = (req.p.opt_int("id")?, req.p.opt_int("goodsId")?);
    if id.is_none() && goods.is_none() {
        return Err(ApiError::Missing("id"));
    }
    let user = req.user_id;
    let n = db.write(move |c| db::order::hide_bought(c, user, id, goods)).await?;
    if n == 0 {
        return Err(ApiError::NotFound("购买记录"));
    }
    Ok(Reply(()))
}

/// One day of sales: `amount` and `saleroom` are both the day's paid sales in yuan.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SaleroomView {
    day: String,
    amount: f64,
    saleroom: f64,
    number: i64,
    /// Distribution commission (with `uid`: what the caller earned, pending and settled), yuan.
    estimate_commission: f64,
}

/// A "YYYY-MM-DD" date parameter.
fn day(p: &Params, name: &'static str, default: &str) -> Result<time::Date, ApiError> {
    let text = p.opt_text(name, 10)?.unwrap_or(default);
    let f = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, &f).map_err(|_| ApiError::invalid(name, "应为 YYYY-MM-DD 格式的日期"))
}

/// GET /<sub>/site/statistics/saleroom — siteStatisticsSaleroom; logged-in shopper, only when the
/// config value `statistics_saleroom_open` is 1. The shop's paid sales per day (UTC+8) between
/// `dateBegin` and `dateEnd` (default today), oldest first; 700 when none.
///
/// With `uid` (the caller's own id, as the distribution centre sends it): one row for the period
/// from `dateBegin` to `dateEnd` (each `yyyyMMdd`, `yyyyMM` or `YYYY-MM-DD`), `saleroom` being
/// the sales that gave the caller commission and `estimateCommission` that commission (money,
/// pending and settled); 700 while distribution is off, 403 for another uid.
#[get("/site/statistics/saleroom")]
async fn saleroom(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<Vec<SaleroomView>> {
    if let Some(uid) = req.p.opt_int("uid")? {
        return own_saleroom(&req, uid, db, settings).await;
    }
    if settings.get().config.get(SALEROOM_SWITCH).is_none_or(|v| v.value != "1") {
        return Err(ApiError::Forbidden("本店未开启销售额统计（配置项 statistics_saleroom_open）".into()));
    }
    let today = db::now_text()[..10].to_string();
    let (from, to) = (day(&req.p, "dateBegin", &today)?, day(&req.p, "dateEnd", &today)?);
    if to < from || (to - from).whole_days() >= MAX_SALEROOM_DAYS {
        return Err(ApiError::invalid(
            "dateEnd",
            format!("应不早于 dateBegin，且相差不超过 {MAX_SALEROOM_DAYS} 天"),
        ));
    }
    let (from, to) = (from.to_string(), to.to_string());
    let rows = db.read(move |c| db::order::saleroom(c, &from, &to)).await?;
    if rows.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(
        rows.into_iter()
            .map(|(day, fen, number)| SaleroomView {
                day,
                amount: to_yuan(fen),
                saleroom: to_yuan(fen),
                number,
                estimate_commission: 0.0,
            })
            .collect(),
    ))
}

/// siteStatisticsSaleroom with `uid`: the caller's distribution sales and commission in a period.
async fn own_saleroom(req: &Authed, uid: i64, db: &Db, settings: &Settings) -> ApiResult<Vec<SaleroomView>> {
    if uid != req.user_id {
        return Err(ApiError::Forbidden("只能查看自己的分销统计".into()));
    }
    if !crate::service::fx::FxRules::of(&settings.get()).open {
        return Err(ApiError::NoData("本店未开启分销"));
    }
    let today = db::now_text()[..10].to_string();
    let begin = req.p.opt_text("dateBegin", 10)?.unwrap_or(&today).to_string();
    let end = req.p.opt_text("dateEnd", 10)?.unwrap_or(&begin).to_string();
    let (from, _) = crate::service::fx::period("dateBegin", &begin)?;
    let (_, to) = crate::service::fx::period("dateEnd", &end)?;
    let t = db.read(move |c| db::fx::totals(c, uid, 0, from, to)).await?;
    Ok(Reply(vec![SaleroomView {
        day: begin,
        amount: to_yuan(t.base),
        saleroom: to_yuan(t.base),
        number: t.orders,
        estimate_commission: to_yuan(t.pending + t.settled),
    }]))
}
