//! Orders (`/order/...`): checkout (`orderCreate`, with `calculate=true` a preview that writes
//! nothing), the shopper's lists, detail and statistics, and the moves the shopper makes: pay from
//! the balance, close, delete, confirm receipt, review; staff write off pick-up orders.

use std::collections::BTreeMap;

use rocket::{get, post, routes, Route, State};
use serde::{Deserialize, Serialize};

use super::order_views::{
    BuyerView, CheckoutView, EventView, LineView, LogisticsView, OrderView, ParcelView, Trace,
};
use super::{ApiResult, Authed, BaseUrl, MaybeAuthed, Paging, Params, Reply};
use crate::db::order::{status, OrderFilter};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::regions::Regions;
use crate::service::calendar::Booking;
use crate::service::checkout::{self, AdditionChoice, CheckoutInput, Destination, LineInput, Peisong};
use crate::service::order::{self, LineReview, OrderRules};
use crate::service::pay_password;
use crate::service::pingtuan;
use crate::service::security::{self, Scene, Verdict};
use crate::settings::Settings;
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![create, list, detail, close, delete, pay, delivery, hx, reputation, statistics, order_set]
}

/// Largest `extJsonStr` / `remark`, in characters.
const MAX_EXT_JSON: usize = 4096;
const MAX_REMARK: usize = 500;

/// One element of `goodsJsonStr`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLine {
    goods_id: i64,
    number: Option<i64>,
    property_child_ids: Option<String>,
    /// An array of {id, pid}, or the same as a JSON string.
    goods_addition_list: Option<serde_json::Value>,
    /// Calendar goods by the day (pages/goods-details/day.js): ["2026-12-01", …].
    days: Option<serde_json::Value>,
    /// Calendar goods by the slot (times02.js): the day and the slot's name.
    goods_times_day: Option<String>,
    goods_times_item: Option<String>,
}

/// The day(s) or slot a line books; None for ordinary goods.
fn booking_of(l: &RawLine) -> Result<Option<Booking>, ApiError> {
    let bad = |why: &str| ApiError::invalid("goodsJsonStr", why.to_string());
    let days: Option<Vec<String>> = match &l.days {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => {
            Some(s.split(',').map(str::trim).filter(|d| !d.is_empty()).map(str::to_string).collect())
        }
        Some(v) => Some(serde_json::from_value(v.clone()).map_err(|_| bad("days 应为日期数组"))?),
    };
    let day = l.goods_times_day.as_deref().map(str::trim).filter(|d| !d.is_empty());
    let item = l.goods_times_item.as_deref().map(str::trim).filter(|d| !d.is_empty());
    match (days, day, item) {
        (None, None, None) => Ok(None),
        (Some(days), None, None) => Ok(Some(Booking::Days(days))),
        (None, Some(day), Some(name)) => Ok(Some(Booking::Slot { day: day.into(), name: name.into() })),
        (None, Some(_), None) => Err(bad("预约时段商品需同时传 goodsTimesItem")),
        (None, None, Some(_)) => Err(bad("预约时段商品需同时传 goodsTimesDay")),
        (Some(_), _, _) => Err(bad("days 与 goodsTimesDay 不能同时传")),
    }
}

fn parse_lines(text: &str) -> Result<Vec<LineInput>, ApiError> {
    let bad = |why: String| ApiError::invalid("goodsJsonStr", why);
    let raw: Vec<RawLine> = super::params::json_param("goodsJsonStr", text, "商品 JSON 数组")?;
    raw.into_iter()
        .map(|l| {
            let booking = booking_of(&l)?;
            let (goods_id, number) = (l.goods_id, l.number.unwrap_or(1));
            let additions: Vec<AdditionChoice> = match l.goods_addition_list {
                None | Some(serde_json::Value::Null) => Vec::new(),
                Some(serde_json::Value::String(s)) => checkout::parse_additions("goodsJsonStr", Some(&s))?,
                Some(v) => {
                    crate::lenient::from_value(v).map_err(|e| bad(format!("goodsAdditionList 无效：{e}")))?
                }
            };
            Ok(LineInput { goods_id, number, property_child_ids: l.property_child_ids, additions, booking })
        })
        .collect()
}

/// Reads orderCreate's form into a checkout (whether the address is needed, checkout decides).
fn parse_checkout(p: &Params, regions: &Regions) -> Result<CheckoutInput, ApiError> {
    let peisong = match p.opt_text("peisongType", 10)? {
        None | Some("kd") => Peisong::Delivery,
        Some("zq") => Peisong::PickUp,
        Some(other) => {
            return Err(ApiError::invalid(
                "peisongType",
                format!("应为 kd（快递）或 zq（自提），收到“{other}”"),
            ))
        }
    };
    let text = |name: &'static str, max: usize| -> Result<String, ApiError> {
        Ok(p.opt_text(name, max)?.unwrap_or("").to_string())
    };
    let destination = Destination {
        link_man: text("linkMan", 30)?,
        mobile: text("mobile", 20)?,
        province_id: region(p, regions, "provinceId")?,
        city_id: region(p, regions, "cityId")?,
        district_id: region(p, regions, "districtId")?,
        street_id: p.opt_text("streetId", 20)?.unwrap_or("").to_string(),
        address: text("address", 200)?,
        postcode: p.opt_text("code", 10)?.unwrap_or("").to_string(),
    };
    let ext_json = match p.opt_text("extJsonStr", MAX_EXT_JSON)? {
        None => "{}".to_string(),
        Some(t) => match serde_json::from_str::<serde_json::Value>(t) {
            Ok(serde_json::Value::Object(_)) => t.to_string(),
            _ => return Err(ApiError::invalid("extJsonStr", "应为 JSON 对象")),
        },
    };
    let (kjid, tuan) = marketing_of(p)?;
    Ok(CheckoutInput {
        lines: parse_lines(p.text("goodsJsonStr", 100_000)?)?,
        peisong,
        destination,
        shop_id_zt: p.opt_int("shopIdZt")?,
        shop_name_zt: p.opt_text("shopNameZt", 100)?.unwrap_or("").to_string(),
        coupon_user_id: p.opt_int("couponId")?.filter(|&id| id > 0),
        deduction_score: p.opt_int("deductionScore")?.unwrap_or(0),
        remark: p.opt_text("remark", MAX_REMARK)?.unwrap_or("").to_string(),
        ext_json,
        is_can_hx: p.opt_bool("isCanHx")?.unwrap_or(false),
        kanjia_set: kjid,
        pingtuan_tuan: tuan,
        card_user_id: p.opt_int("cardId")?.filter(|&id| id > 0),
    })
}

/// `kjid` (a bargain set) and `pingtuanOpenId` (a group); both at once is a bad request.
fn marketing_of(p: &Params) -> Result<(Option<i64>, Option<i64>), ApiError> {
    let kjid = p.opt_int("kjid")?.filter(|&id| id > 0);
    let tuan = p.opt_int("pingtuanOpenId")?.filter(|&id| id > 0);
    if kjid.is_some() && tuan.is_some() {
        return Err(ApiError::invalid("pingtuanOpenId", "砍价和拼团不能同时使用"));
    }
    Ok((kjid, tuan))
}

/// A region id, which must be one of the built-in regions when sent.
fn region(p: &Params, regions: &Regions, name: &'static str) -> Result<String, ApiError> {
    match p.opt_text(name, 20)? {
        None => Ok(String::new()),
        Some(id) if regions.get(id).is_some() => Ok(id.to_string()),
        Some(id) => Err(ApiError::invalid(name, format!("未知的地区编码“{id}”"))),
    }
}

/// POST /<sub>/order/create — orderCreate; logged-in shopper. `calculate=true` only prices.
#[post("/order/create", data = "<req>")]
async fn create(
    req: Authed,
    db: &State<Db>,
    settings: &State<Settings>,
    regions: &State<Regions>,
) -> ApiResult<CheckoutView> {
    let preview = req.p.opt_bool("calculate")?.unwrap_or(false);
    let input = parse_checkout(&req.p, regions)?;
    let (user, rules, now) = (req.user_id, OrderRules::of(&settings.get()), db::unix_now());
    if preview {
        let priced = db.read(move |c| checkout::price(c, user, &input, &rules, now)).await?;
        return Ok(Reply(CheckoutView::new(&priced, None)));
    }
    let placed = db.write(move |c| checkout::place(c, user, &input, &rules, now)).await?;
    Ok(Reply(CheckoutView::new(&placed.priced, Some(&placed.order))))
}

/// orderList: `{orderList, goodsMap, logisticsMap, userMap, totalRow, totalPage}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OrderListView {
    order_list: Vec<OrderView>,
    goods_map: BTreeMap<String, Vec<LineView>>,
    logistics_map: BTreeMap<String, LogisticsView>,
    user_map: BTreeMap<String, BuyerView>,
    total_row: i64,
    total_page: i64,
}

/// `status` as the list tabs send it: '' or 9999 = all.
fn status_filter(p: &Params) -> Result<Option<i64>, ApiError> {
    match p.opt_int("status")? {
        None | Some(9999) => Ok(None),
        Some(s) if (-1..=4).contains(&s) => Ok(Some(s)),
        Some(_) => Err(ApiError::invalid("status", "应为 -1 到 4 之间的订单状态")),
    }
}

/// POST /<sub>/order/list — orderList; logged-in shopper, own orders. 700 when none.
#[post("/order/list", data = "<req>")]
async fn list(
    req: Authed,
    db: &State<Db>,
    regions: &State<Regions>,
    base: BaseUrl,
) -> ApiResult<OrderListView> {
    let paging = Paging::from(&req.p)?;
    let f = OrderFilter {
        user_id: Some(req.user_id),
        status: status_filter(&req.p)?,
        has_refund: req.p.opt_bool("hasRefund")?.filter(|&r| r),
        order_number: req.p.opt_text("orderNumber", 40)?.map(str::to_string),
    };
    let (page, waiting) = db
        .read(move |c| {
            let page = order::page(c, &f, paging.offset(), paging.limit())?;
            let ids: Vec<i64> = page.orders.iter().map(|o| o.id).collect();
            let waiting = pingtuan::waiting_orders(c, &ids)?;
            Ok::<_, crate::service::error::Error>((page, waiting))
        })
        .await?;
    if page.orders.is_empty() {
        return Err(ApiError::Empty);
    }
    let mut goods_map: BTreeMap<String, Vec<LineView>> = BTreeMap::new();
    for l in &page.lines {
        let status =
            page.orders.iter().find(|o| o.id == l.order_id).map_or(status::CLOSED, |o| o.fields.status);
        goods_map.entry(l.order_id.to_string()).or_default().push(LineView::new(
            &base,
            l,
            status,
            &page.bookings,
        ));
    }
    let mut logistics_map = BTreeMap::new();
    let mut order_list = Vec::new();
    for o in &page.orders {
        let parcel = page.parcels.iter().find(|p| p.order_id == o.id);
        if let Some(l) = LogisticsView::new(regions, o, parcel) {
            logistics_map.insert(o.id.to_string(), l);
        }
        let first = page.lines.iter().find(|l| l.order_id == o.id).map_or(0, |l| l.line.goods_id);
        order_list.push(OrderView::new(o, first).waiting_for_group(&waiting));
    }
    let user_map = page.buyer.iter().map(|u| (u.id.to_string(), BuyerView::new(&base, u))).collect();
    let total_page = (page.total + paging.page_size - 1) / paging.page_size;
    Ok(Reply(OrderListView {
        order_list,
        goods_map,
        logistics_map,
        user_map,
        total_row: page.total,
        total_page,
    }))
}

/// orderDetail's answer.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OrderDetailView {
    order_info: OrderView,
    goods: Vec<LineView>,
    logistics: Option<LogisticsView>,
    /// The first parcel's traces, oldest first.
    logistics_traces: Vec<Trace>,
    order_logistics_shippers: Vec<ParcelView>,
    logs: Vec<EventView>,
    ext_json: serde_json::Value,
    /// Coupons given with the order, surcharges and stock movements: features xiaodian does not
    /// have, always empty (the templates loop over them unguarded).
    goods_coupons: Vec<NoEntry>,
    order_additional_prices: Vec<NoEntry>,
    order_stores: Vec<NoEntry>,
}

/// The element of a list that is always empty.
#[derive(Serialize)]
struct NoEntry {}

/// GET /<sub>/order/detail — orderDetail; logged-in shopper (own order by `id`), or shop staff by
/// `hxNumber` (which wins when both are sent).
#[get("/order/detail")]
async fn detail(
    req: Authed,
    db: &State<Db>,
    settings: &State<Settings>,
    regions: &State<Regions>,
    base: BaseUrl,
) -> ApiResult<OrderDetailView> {
    let id = req.p.opt_int("id")?;
    let hx = req.p.opt_text("hxNumber", 40)?.map(str::to_string);
    let (user, rules) = (req.user_id, OrderRules::of(&settings.get()));
    let (d, waiting) = db
        .read(move |c| {
            let d = order::detail(c, user, id, hx.as_deref(), &rules)?;
            let waiting = pingtuan::waiting_orders(c, &[d.order.id])?;
            Ok::<_, crate::service::error::Error>((d, waiting))
        })
        .await?;
    let first = d.lines.first().map_or(0, |l| l.line.goods_id);
    let traces =
        d.parcels.first().and_then(|p| serde_json::from_str(&p.parcel.traces).ok()).unwrap_or_default();
    let order_info = OrderView::new(&d.order, first).waiting_for_group(&waiting);
    Ok(Reply(OrderDetailView {
        order_info,
        goods: d.lines.iter().map(|l| LineView::new(&base, l, d.order.fields.status, &d.bookings)).collect(),
        logistics: LogisticsView::new(regions, &d.order, d.parcels.first()),
        logistics_traces: traces,
        order_logistics_shippers: d.parcels.iter().map(ParcelView::new).collect(),
        logs: d.events.iter().map(EventView::new).collect(),
        ext_json: serde_json::from_str(&d.order.fields.ext_json).unwrap_or_else(|_| serde_json::json!({})),
        goods_coupons: Vec::new(),
        order_additional_prices: Vec::new(),
        order_stores: Vec::new(),
    }))
}

/// Runs one of the shopper's order moves in a write transaction.
async fn order_move<F>(req: &Authed, db: &Db, f: F) -> ApiResult<()>
where
    F: FnOnce(&rusqlite::Connection, i64, i64, i64) -> crate::service::error::Result<()> + Send + 'static,
{
    let (user, id) = (req.user_id, req.p.int("orderId")?);
    db.write(move |c| f(c, user, id, db::unix_now())).await?;
    Ok(Reply(()))
}

/// POST /<sub>/order/close — orderClose (+V2); logged-in shopper, own unpaid order. Stock, points
/// and coupon go back.
#[post("/order/close", data = "<req>")]
async fn close(req: Authed, db: &State<Db>) -> ApiResult<()> {
    order_move(&req, db, order::close_by_shopper).await
}

/// POST /<sub>/order/delete — orderDelete; logged-in shopper, own closed or completed order.
#[post("/order/delete", data = "<req>")]
async fn delete(req: Authed, db: &State<Db>) -> ApiResult<()> {
    order_move(&req, db, order::delete_by_shopper).await
}

/// POST /<sub>/order/delivery — orderDelivery; logged-in shopper, own shipped order (2 → 3).
#[post("/order/delivery", data = "<req>")]
async fn delivery(req: Authed, db: &State<Db>) -> ApiResult<()> {
    order_move(&req, db, order::confirm_receipt).await
}

/// POST /<sub>/order/pay — orderPay (+V2); logged-in shopper, own unpaid order, from the balance
/// (40000 with the amount still due when it is short). Once the shopper set a pay password, `pwd`
/// must carry it (checked before the write transaction: argon2 is slow).
#[post("/order/pay", data = "<req>")]
async fn pay(req: Authed, db: &State<Db>) -> ApiResult<OrderView> {
    let (user, id) = (req.user_id, req.p.int("orderId")?);
    let pwd = req.p.opt_text("pwd", 20)?.map(str::to_string);
    pay_password::check(db, user, pwd, "pwd").await?;
    let o = db.write(move |c| order::pay_from_balance(c, user, id, db::unix_now())).await?;
    Ok(Reply(OrderView::new(&o, 0)))
}

/// POST /<sub>/order/hx — orderHX / orderHXV2; shop staff (the `orderHxStaff` setting) write off a
/// pick-up order by its code: it becomes 待评价.
#[post("/order/hx", data = "<req>")]
async fn hx(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<OrderView> {
    if !OrderRules::of(&settings.get()).is_hx_staff(req.user_id) {
        return Err(ApiError::Forbidden("只有本店核销员可以核销订单".into()));
    }
    let code = req.p.text("hxNumber", 40)?.to_string();
    let ext = req.p.opt_text("extJsonStr", MAX_EXT_JSON)?.map(str::to_string);
    let o = db.write(move |c| order::write_off(c, &code, ext.as_deref(), db::unix_now())).await?;
    Ok(Reply(OrderView::new(&o, 0)))
}

/// One review in postJsonString.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawReview {
    id: i64,
    reputation: Option<i64>,
    reputation_number: Option<i64>,
    #[serde(default)]
    remark: String,
    #[serde(default)]
    pics: Vec<String>,
}

/// postJsonString: `{token, orderId, reputations: [...]}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawReputation {
    token: Option<String>,
    order_id: i64,
    reputations: Vec<RawReview>,
}

fn parse_reviews(raw: Vec<RawReview>) -> Vec<LineReview> {
    raw.into_iter()
        .map(|r| {
            let stars = r.reputation_number.unwrap_or(5);
            // The templates map stars to 0 bad / 1 medium / 2 good themselves; follow the stars when absent.
            let fallback = if stars <= 1 {
                0
            } else if stars <= 4 {
                1
            } else {
                2
            };
            let reputation = r.reputation.unwrap_or(fallback);
            LineReview {
                order_goods_id: r.id,
                reputation,
                stars,
                remark: r.remark,
                pics: r.pics,
                verdict: Verdict::Off,
            }
        })
        .collect()
}

/// POST /<sub>/order/reputation — orderReputation; the logged-in shopper whose token is inside
/// `postJsonString` (or sent beside it), own received order (3 → 4).
#[post("/order/reputation", data = "<req>")]
async fn reputation(
    req: MaybeAuthed,
    db: &State<Db>,
    wx: &State<WeChat>,
    settings: &State<Settings>,
) -> ApiResult<()> {
    let text = req.p.text("postJsonString", 100_000)?;
    let raw: RawReputation = super::params::json_param("postJsonString", text, "评价 JSON")?;
    let user = match req.user_id {
        Some(u) => u,
        None => {
            super::guards::user_for_token(db, raw.token.as_deref()).await?.ok_or(ApiError::NotLoggedIn)?
        }
    };
    let order_id = raw.order_id;
    let mut reviews = parse_reviews(raw.reputations);
    // Shoppers' words pass the shop's content check before anything is written.
    for r in &mut reviews {
        r.verdict = security::check_text(db, wx, settings, user, Scene::Reputation, &r.remark).await?;
    }
    db.write(move |c| order::review(c, user, order_id, &reviews, db::unix_now())).await?;
    Ok(Reply(()))
}

/// orderStatistics: counts per status as the badges read them.
#[derive(Serialize)]
#[allow(clippy::struct_field_names)] // the wire names are count_id_*
struct StatisticsView {
    count_id_no_pay: i64,
    count_id_no_transfer: i64,
    count_id_no_confirm: i64,
    count_id_no_reputation: i64,
    count_id_success: i64,
    count_id_close: i64,
}

/// GET /<sub>/order/statistics — orderStatistics / orderStatisticsv2; logged-in shopper.
/// `isNeedLogistics` true/false counts only delivery / pick-up orders.
#[get("/order/statistics")]
async fn statistics(req: Authed, db: &State<Db>) -> ApiResult<StatisticsView> {
    let (user, kind) = (req.user_id, req.p.opt_bool("isNeedLogistics")?);
    let counts = db.read(move |c| db::order::status_counts(c, user, kind)).await?;
    let of = |s: i64| counts.iter().find(|(st, _)| *st == s).map_or(0, |(_, n)| *n);
    Ok(Reply(StatisticsView {
        count_id_no_pay: of(status::UNPAID),
        count_id_no_transfer: of(status::PAID),
        count_id_no_confirm: of(status::SHIPPED),
        count_id_no_reputation: of(status::RECEIVED),
        count_id_success: of(status::DONE),
        count_id_close: of(status::CLOSED),
    }))
}

/// The shop's order rules as `orderSet` answers them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderSetView {
    /// Minutes an unpaid order stays open before it is closed.
    pub close_minutes: i64,
    /// Days after shipping when receipt is confirmed for the shopper.
    pub auto_confirm_days: i64,
    /// Days after receipt when a default good review is left.
    pub auto_review_days: i64,
    /// Points worth 1 yuan at checkout (0: points cannot lower the price).
    pub score_deduction_per_yuan: i64,
    /// Largest share of the goods' price points may pay, in percent.
    pub score_deduction_max_percent: i64,
}

/// GET /<sub>/order/set — orderSet; anyone. The shop's order rules (closing, receipt, reviews, points).
#[get("/order/set")]
fn order_set(settings: &State<Settings>) -> ApiResult<OrderSetView> {
    let r = OrderRules::of(&settings.get());
    Ok(Reply(OrderSetView {
        close_minutes: r.close_minutes,
        auto_confirm_days: r.auto_confirm_days,
        auto_review_days: r.auto_review_days,
        score_deduction_per_yuan: r.score_per_yuan,
        score_deduction_max_percent: r.score_max_percent,
    }))
}
