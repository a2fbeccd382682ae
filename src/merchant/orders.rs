//! Orders and after-sale requests for the merchant's own systems: list and read orders, ship,
//! close and change the price of them, and approve (refund to the balance) or reject requests.

use rocket::serde::json::Json;
use rocket::{get, post, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::body::{opt_int, opt_text};
use super::{Answer, ApiKey, JsonBody, Paged, Paging, Problem};
use crate::db::order::{refund_status, status, EventRow, LineRow, OrderRow, ParcelRow, RefundRow};
use crate::db::order_admin::{self, AdminFilter, ListedOrder, OrderDetail, QueuedRefund};
use crate::db::{self, Db};
use crate::error::{ApiError, MerchantError};
use crate::money::to_yuan;
use crate::service::error::{Error as ServiceError, Rule};
use crate::service::order;
use crate::service::order_admin::{self as admin, Decision, ParcelInput, ReturnAddress};
use crate::service::wechat_refund::{self, WxRefunds};

pub fn routes() -> Vec<Route> {
    routes![list, show, ship, close, price, refunds, approve, receive, reject]
}

fn at(secs: Option<i64>) -> Option<String> {
    secs.map(db::format_unix)
}

/// An order as the merchant API answers it; money in yuan.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderView {
    pub id: i64,
    pub order_number: String,
    pub status: i64,
    pub status_str: &'static str,
    pub user_id: i64,
    pub nick: String,
    pub user_mobile: String,
    pub amount_goods: f64,
    pub amount_logistics: f64,
    pub amount_coupon: f64,
    pub amount_score_deduction: f64,
    pub amount_real: f64,
    pub amount_paid_balance: f64,
    pub score: i64,
    pub score_deduction: i64,
    pub goods_number: i64,
    /// "kd" delivery or "zq" pick-up.
    pub peisong_type: String,
    pub shop_id_zt: Option<i64>,
    pub shop_name_zt: String,
    pub hx_number: Option<String>,
    pub link_man: String,
    pub mobile: String,
    pub province_id: String,
    pub city_id: String,
    pub district_id: String,
    pub address: String,
    pub postcode: String,
    pub remark: String,
    pub has_refund: bool,
    pub close_reason: String,
    pub date_add: String,
    pub date_pay: Option<String>,
    pub date_ship: Option<String>,
    pub date_receive: Option<String>,
    pub date_close: Option<String>,
}

impl From<ListedOrder> for OrderView {
    fn from(l: ListedOrder) -> Self {
        let OrderRow { id, order_number, fields: f, .. } = l.order;
        OrderView {
            id,
            order_number,
            status: f.status,
            status_str: status::label(f.status),
            user_id: f.user_id,
            nick: l.nick,
            user_mobile: l.user_mobile,
            amount_goods: to_yuan(f.amount_goods),
            amount_logistics: to_yuan(f.amount_logistics),
            amount_coupon: to_yuan(f.amount_coupon),
            amount_score_deduction: to_yuan(f.amount_score_deduction),
            amount_real: to_yuan(f.amount_real),
            amount_paid_balance: to_yuan(l.order.amount_paid_balance),
            score: f.score,
            score_deduction: f.score_deduction,
            goods_number: f.goods_number,
            peisong_type: f.peisong_type,
            shop_id_zt: f.shop_id_zt,
            shop_name_zt: f.shop_name_zt,
            hx_number: f.hx_number,
            link_man: f.link_man,
            mobile: f.mobile,
            province_id: f.province_id,
            city_id: f.city_id,
            district_id: f.district_id,
            address: f.address,
            postcode: f.postcode,
            remark: f.remark,
            has_refund: l.order.has_refund,
            close_reason: l.order.close_reason,
            date_add: db::format_unix(l.order.date_add),
            date_pay: at(f.date_pay),
            date_ship: at(l.order.date_ship),
            date_receive: at(l.order.date_receive),
            date_close: at(l.order.date_close),
        }
    }
}

/// An order line.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineView {
    pub id: i64,
    pub goods_id: i64,
    pub sku_id: Option<i64>,
    pub goods_name: String,
    pub property: String,
    pub pic: String,
    pub number: i64,
    pub amount_single: f64,
    pub amount: f64,
}

impl From<LineRow> for LineView {
    fn from(l: LineRow) -> Self {
        LineView {
            id: l.id,
            goods_id: l.line.goods_id,
            sku_id: l.line.sku_id,
            goods_name: l.line.goods_name,
            property: l.line.property,
            pic: l.line.pic,
            number: l.line.number,
            amount_single: to_yuan(l.line.amount_single),
            amount: to_yuan(l.line.amount),
        }
    }
}

/// A parcel.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParcelView {
    pub id: i64,
    pub carrier: String,
    pub tracking_number: String,
    pub date_add: String,
}

impl From<ParcelRow> for ParcelView {
    fn from(p: ParcelRow) -> Self {
        ParcelView {
            id: p.id,
            carrier: p.parcel.shipper_name,
            tracking_number: p.parcel.tracking_number,
            date_add: db::format_unix(p.date_add),
        }
    }
}

/// One thing that happened to the order.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    #[serde(rename = "type")]
    pub kind: String,
    pub remark: String,
    pub date_add: String,
}

impl From<EventRow> for EventView {
    fn from(e: EventRow) -> Self {
        EventView { kind: e.kind, remark: e.remark, date_add: db::format_unix(e.date_add) }
    }
}

/// An after-sale request.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundView {
    pub id: i64,
    pub order_id: i64,
    pub order_number: Option<String>,
    /// 0 = the whole order.
    pub order_goods_id: i64,
    pub user_id: i64,
    /// 0 refund only, 1 return and refund, 2 exchange.
    #[serde(rename = "type")]
    pub kind: i64,
    pub type_str: &'static str,
    pub reason: String,
    pub amount: f64,
    pub remark: String,
    pub pics: Vec<String>,
    pub status: i64,
    pub status_str: &'static str,
    /// Pieces asked for; 0 = all of the line (or of the order).
    pub number: i64,
    /// A return: where the goods go (set when approved), the shopper's parcel, and receipt.
    pub return_address: Option<ReturnAddress>,
    /// 0 no parcel asked for, 1 awaiting the shopper's parcel, 2 parcel sent.
    pub return_stage: i64,
    pub back_shipper_name: String,
    pub back_tracking_number: String,
    pub date_back_sent: Option<String>,
    pub date_received: Option<String>,
    /// Whether the returned goods went back into stock (null until received).
    pub restocked: Option<bool>,
    /// Points / growth given for the order that this refund took back, and what it could not
    /// take because the shopper had spent it.
    pub score_back: i64,
    pub score_back_short: i64,
    pub growth_back: i64,
    pub growth_back_short: i64,
    pub merchant_remark: String,
    pub date_add: String,
    pub date_update: String,
}

impl RefundView {
    fn new(r: RefundRow, order_number: Option<String>) -> Self {
        let (status_str, return_stage) = (refund_status::label_of(&r), refund_status::return_stage(&r));
        let return_address = ReturnAddress::of(&r);
        RefundView {
            id: r.id,
            order_id: r.refund.order_id,
            order_number,
            order_goods_id: r.refund.order_goods_id,
            user_id: r.refund.user_id,
            kind: r.refund.kind,
            type_str: refund_status::type_label(r.refund.kind),
            reason: r.refund.reason,
            amount: to_yuan(r.refund.amount),
            remark: r.refund.remark,
            pics: serde_json::from_str(&r.refund.pics).unwrap_or_default(),
            status: r.status,
            status_str,
            number: r.refund.number,
            return_address,
            return_stage,
            date_back_sent: r.date_back_sent.map(db::format_unix),
            date_received: r.date_received.map(db::format_unix),
            restocked: r.restocked,
            score_back: r.score_back,
            score_back_short: r.score_back_short,
            growth_back: r.growth_back,
            growth_back_short: r.growth_back_short,
            back_shipper_name: r.back_shipper_name,
            back_tracking_number: r.back_tracking_number,
            merchant_remark: r.merchant_remark,
            date_add: db::format_unix(r.date_add),
            date_update: db::format_unix(r.date_update),
        }
    }
}

impl From<QueuedRefund> for RefundView {
    fn from(q: QueuedRefund) -> Self {
        RefundView::new(q.refund, Some(q.order_number))
    }
}

/// One order with everything that hangs off it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderDetailView {
    #[serde(flatten)]
    pub order: OrderView,
    pub goods: Vec<LineView>,
    pub logistics: Vec<ParcelView>,
    pub refunds: Vec<RefundView>,
    pub logs: Vec<EventView>,
}

impl From<OrderDetail> for OrderDetailView {
    fn from(d: OrderDetail) -> Self {
        OrderDetailView {
            order: d.listed.into(),
            goods: d.lines.into_iter().map(Into::into).collect(),
            logistics: d.parcels.into_iter().map(Into::into).collect(),
            refunds: d.refunds.into_iter().map(|r| RefundView::new(r, None)).collect(),
            logs: d.events.into_iter().map(Into::into).collect(),
        }
    }
}

/// What a decision on an after-sale request answers.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionView {
    pub refund: RefundView,
    /// Yuan put back on the shopper's balance by this call.
    pub refunded: f64,
    /// Yuan going back to the WeChat payment that paid the order, and that refund's id
    /// (`GET /admin/api/v1/wechat-refunds/<id>`).
    pub to_wechat: f64,
    pub wechat_refund_id: Option<i64>,
    /// The shopper's balance afterwards, when it moved.
    pub balance: Option<f64>,
    /// True when this refund emptied the order, which is now closed.
    pub order_closed: bool,
}

impl From<Decision> for DecisionView {
    fn from(d: Decision) -> Self {
        DecisionView {
            refund: RefundView::new(d.refund, None),
            refunded: to_yuan(d.refunded),
            to_wechat: to_yuan(d.to_wechat),
            wechat_refund_id: d.wechat_refund,
            balance: d.balance.map(to_yuan),
            order_closed: d.order_closed,
        }
    }
}

/// `?status=&dateFrom=&dateTo=&shopper=&goods=&search=&hasRefund=&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct ListQuery<'r> {
    status: Option<&'r str>,
    #[field(name = "dateFrom")]
    date_from: Option<&'r str>,
    #[field(name = "dateTo")]
    date_to: Option<&'r str>,
    shopper: Option<&'r str>,
    goods: Option<&'r str>,
    search: Option<&'r str>,
    #[field(name = "hasRefund")]
    has_refund: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

impl ListQuery<'_> {
    fn filter(&self) -> Result<AdminFilter, Problem> {
        let has_refund = match self.has_refund.map(str::trim) {
            None | Some("") => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(_) => return Err(Problem::invalid("hasRefund", "must be true or false")),
        };
        Ok(AdminFilter {
            status: opt_int("status", self.status, -1..=4)?,
            from_day: admin::day("dateFrom", self.date_from)?,
            to_day: admin::day("dateTo", self.date_to)?,
            shopper: opt_text("shopper", self.shopper, 50)?,
            goods: opt_text("goods", self.goods, 50)?,
            q: opt_text("search", self.search, 50)?,
            has_refund,
        })
    }
}

/// The service's "not found" in the API's words.
fn named(e: impl Into<ApiError>) -> Problem {
    match e.into() {
        ApiError::NotFound("订单") => MerchantError::NotFound("order").into(),
        ApiError::NotFound(_) => MerchantError::NotFound("refund").into(),
        other => other.into(),
    }
}

async fn load(db: &Db, id: i64) -> Answer<OrderDetailView> {
    let found = db.read(move |c| order_admin::detail(c, id)).await?;
    Ok(found.ok_or(MerchantError::NotFound("order"))?.into())
}

/// GET /admin/api/v1/orders?status=&dateFrom=&dateTo=&shopper=&goods=&search=&hasRefund=&page=&pageSize=
/// — merchant key. Newest first.
#[get("/orders?<q..>")]
async fn list(_key: ApiKey, db: &State<Db>, q: ListQuery<'_>) -> Answer<Json<Paged<OrderView>>> {
    let filter = q.filter()?;
    let paging = Paging::new(q.page, q.page_size)?;
    let (rows, total) =
        db.read(move |c| order_admin::list(c, &filter, paging.offset(), paging.page_size)).await?;
    Ok(Json(paging.wrap(rows.into_iter().map(Into::into).collect(), total)))
}

/// GET /admin/api/v1/orders/<id> — merchant key. Lines, parcels, after-sale requests and events.
#[get("/orders/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<OrderDetailView>> {
    Ok(Json(load(db, id).await?))
}

/// One parcel, or several under `parcels`.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ShipBody {
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub parcels: Vec<ParcelBody>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParcelBody {
    pub carrier: String,
    pub tracking_number: String,
}

impl ShipBody {
    fn parcels(self) -> Vec<ParcelInput> {
        let mut all = Vec::new();
        if self.carrier.is_some() || self.tracking_number.is_some() || self.parcels.is_empty() {
            all.push(ParcelInput {
                carrier: self.carrier.unwrap_or_default(),
                tracking_number: self.tracking_number.unwrap_or_default(),
            });
        }
        all.extend(
            self.parcels
                .into_iter()
                .map(|p| ParcelInput { carrier: p.carrier, tracking_number: p.tracking_number }),
        );
        all
    }
}

/// POST /admin/api/v1/orders/<id>/ship — merchant key. `{"carrier", "trackingNumber"}` (or
/// `{"parcels": [...]}`): a paid delivery order becomes shipped; 409 in any other status.
#[post("/orders/<id>/ship", data = "<body>")]
async fn ship(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<ShipBody>,
) -> Answer<Json<OrderDetailView>> {
    let parcels = body.0.parcels();
    db.write(move |c| {
        admin::parcels(&parcels).and_then(|p| order::ship(c, id, &p, db::unix_now())).map_err(named)
    })
    .await?;
    Ok(Json(load(db, id).await?))
}

/// POST /admin/api/v1/orders/<id>/close — merchant key. An unpaid order closes and gives back
/// its stock, points and coupon; 409 in any other status.
#[post("/orders/<id>/close")]
async fn close(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<OrderDetailView>> {
    db.write(move |c| admin::close(c, id, db::unix_now()).map_err(named)).await?;
    Ok(Json(load(db, id).await?))
}

/// The new amount in fen, so no float rounding can touch money.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PriceBody {
    pub amount_real_fen: i64,
}

/// POST /admin/api/v1/orders/<id>/price — merchant key. `{"amountRealFen": 1990}` sets what an
/// unpaid order costs; 409 once it is paid.
#[post("/orders/<id>/price", data = "<body>")]
async fn price(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<PriceBody>,
) -> Answer<Json<OrderDetailView>> {
    let fen = body.0.amount_real_fen;
    if fen < 0 {
        return Err(Problem::invalid("amountRealFen", "must be 0 or more"));
    }
    db.write(move |c| admin::change_price(c, id, fen, db::unix_now()).map_err(named)).await?;
    Ok(Json(load(db, id).await?))
}

/// `?status=&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct RefundQuery<'r> {
    status: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// GET /admin/api/v1/refunds?status=&page=&pageSize= — merchant key. Open requests first.
#[get("/refunds?<q..>")]
async fn refunds(_key: ApiKey, db: &State<Db>, q: RefundQuery<'_>) -> Answer<Json<Paged<RefundView>>> {
    let status = opt_int("status", q.status, 0..=4)?;
    let paging = Paging::new(q.page, q.page_size)?;
    let (rows, total) =
        db.read(move |c| order_admin::refund_queue(c, status, paging.offset(), paging.page_size)).await?;
    Ok(Json(paging.wrap(rows.into_iter().map(Into::into).collect(), total)))
}

/// The merchant's note on a decision (required to reject); approving a return and refund also
/// says where the goods go back to.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct DecisionBody {
    pub remark: String,
    pub return_address: Option<ReturnAddress>,
}

/// Sends a decision's WeChat refund after it committed; a failure stays on the refund (the job
/// sends it again).
async fn send_wechat(db: &Db, wx: &WxRefunds, d: &Decision) {
    if let Some(wechat) = d.wechat_refund {
        if let Err(e) = wechat_refund::send_now(db, wx, wechat).await {
            log::warn!("wechat refund {wechat} not sent: {e}");
        }
    }
}

/// POST /admin/api/v1/refunds/<id>/approve — merchant key. A refund only: refunds the amount the
/// way the order was paid (a WeChat payment's share back to WeChat, the rest to the shopper's
/// balance) and finishes the request. A return and refund (`returnAddress` required): approved,
/// awaiting the goods; the money moves at `/receive`. 409 when it was already decided.
#[post("/refunds/<id>/approve", data = "<body>")]
async fn approve(
    _key: ApiKey,
    db: &State<Db>,
    wx: &State<WxRefunds>,
    id: i64,
    body: Option<JsonBody<DecisionBody>>,
) -> Answer<Json<DecisionView>> {
    let body = body.map(|b| b.0).unwrap_or_default();
    let no_address = body.return_address.is_none();
    let d = db
        .write(move |c| {
            admin::approve_refund(c, id, &body.remark, body.return_address.as_ref(), db::unix_now()).map_err(
                |e| match e {
                    ServiceError::Invalid { field, rule: Rule::Required }
                        if no_address && field.name() == "linkMan" =>
                    {
                        Problem::invalid("returnAddress", "is required to approve a return and refund")
                    }
                    other => named(other),
                },
            )
        })
        .await?;
    send_wechat(db, wx, &d).await;
    Ok(Json(d.into()))
}

/// What the merchant says on receiving a return.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReceiveBody {
    /// Whether the goods go back into stock (required: the merchant decides).
    pub restock: Option<bool>,
    #[serde(default)]
    pub remark: String,
}

/// POST /admin/api/v1/refunds/<id>/receive — merchant key. `{"restock": true|false}`: the goods of
/// an approved return arrived; they go back into stock when `restock`, and the refund runs as
/// approve does for a refund only. 409 before the shopper sent the parcel, or when done already.
#[post("/refunds/<id>/receive", data = "<body>")]
async fn receive(
    _key: ApiKey,
    db: &State<Db>,
    wx: &State<WxRefunds>,
    id: i64,
    body: JsonBody<ReceiveBody>,
) -> Answer<Json<DecisionView>> {
    let ReceiveBody { restock, remark } = body.0;
    let restock = restock.ok_or_else(|| Problem::invalid("restock", "is required (true or false)"))?;
    let d = db
        .write(move |c| admin::receive_return(c, id, restock, &remark, db::unix_now()).map_err(named))
        .await?;
    send_wechat(db, wx, &d).await;
    Ok(Json(d.into()))
}

/// POST /admin/api/v1/refunds/<id>/reject — merchant key. `{"remark"}` (required) says why.
#[post("/refunds/<id>/reject", data = "<body>")]
async fn reject(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<DecisionBody>,
) -> Answer<Json<DecisionView>> {
    let remark = body.0.remark;
    let d = db.write(move |c| admin::reject_refund(c, id, &remark, db::unix_now()).map_err(named)).await?;
    Ok(Json(d.into()))
}
