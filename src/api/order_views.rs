//! What orders look like on the wire (orderCreate, orderList, orderDetail, after-sale), shared by
//! the order and after-sale handlers.

use std::collections::BTreeMap;

use serde::Serialize;

use super::BaseUrl;
use crate::db::order::{
    refund_status, status, BookingRow, EventRow, LineRow, OrderRow, ParcelRow, RefundRow,
};
use crate::db::{format_unix, user::User};
use crate::money::to_yuan;
use crate::regions::Regions;
use crate::service::checkout::Priced;

fn time(t: Option<i64>) -> String {
    t.map(format_unix).unwrap_or_default()
}

/// An order as lists and the detail show it (`orderInfo`, `orderList[i]`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderView {
    pub id: i64,
    pub order_number: String,
    pub uid: i64,
    pub status: i64,
    pub status_str: &'static str,
    /// The goods' total (yuan).
    pub amount: f64,
    pub amount_totle: f64,
    pub amount_logistics: f64,
    pub amount_coupon: f64,
    /// Yuan taken off for points.
    pub deduction_money: f64,
    pub amount_real: f64,
    /// The goods' points price.
    pub score: i64,
    /// Points spent to lower the price.
    pub deduction_score: i64,
    pub goods_number: i64,
    /// The first line's goods (the list links to it).
    pub goods_id: i64,
    pub peisong_type: String,
    pub is_need_logistics: bool,
    pub shop_id_zt: Option<i64>,
    pub shop_name_zt: String,
    pub hx_number: Option<String>,
    pub remark: String,
    pub has_refund: bool,
    pub close_reason: String,
    /// When an unpaid order closes by itself.
    pub date_close: String,
    pub date_add: String,
    pub date_pay: String,
    pub date_ship: String,
    pub date_receive: String,
    pub date_update: String,
    /// 0: goods of the shop, the only kind of order xiaodian makes.
    #[serde(rename = "type")]
    pub kind: i64,
}

impl OrderView {
    /// A paid order waiting for its group reads 拼团中, not 待发货: `waiting` are the orders
    /// `service::pingtuan::waiting_orders` found waiting (the one rule for every order answer).
    #[must_use]
    pub fn waiting_for_group(mut self, waiting: &[i64]) -> OrderView {
        if waiting.contains(&self.id) {
            self.status_str = crate::service::pingtuan::WAITING_WORDS;
        }
        self
    }

    pub fn new(o: &OrderRow, first_goods: i64) -> OrderView {
        let f = &o.fields;
        let close = if f.status == status::UNPAID { f.close_at } else { o.date_close };
        OrderView {
            id: o.id,
            order_number: o.order_number.clone(),
            uid: f.user_id,
            status: f.status,
            status_str: status::label(f.status),
            amount: to_yuan(f.amount_goods),
            amount_totle: to_yuan(f.amount_goods),
            amount_logistics: to_yuan(f.amount_logistics),
            amount_coupon: to_yuan(f.amount_coupon),
            deduction_money: to_yuan(f.amount_score_deduction),
            amount_real: to_yuan(f.amount_real),
            score: f.score,
            deduction_score: f.score_deduction,
            goods_number: f.goods_number,
            goods_id: first_goods,
            peisong_type: f.peisong_type.clone(),
            is_need_logistics: f.peisong_type == "kd",
            shop_id_zt: f.shop_id_zt,
            shop_name_zt: f.shop_name_zt.clone(),
            hx_number: f.hx_number.clone(),
            remark: f.remark.clone(),
            has_refund: o.has_refund,
            close_reason: o.close_reason.clone(),
            date_close: time(close),
            date_add: format_unix(o.date_add),
            date_pay: time(f.date_pay),
            date_ship: time(o.date_ship),
            date_receive: time(o.date_receive),
            date_update: format_unix(o.date_update),
            kind: 0,
        }
    }
}

/// An order line (`goods[i]`, `goodsMap[orderId][i]`); `id` is what orderReputation and
/// refundApply name as the order goods id.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineView {
    pub id: i64,
    pub order_id: i64,
    pub goods_id: i64,
    pub goods_name: String,
    pub pic: String,
    pub number: i64,
    pub amount_single: f64,
    pub amount: f64,
    pub score: i64,
    /// "颜色:白,尺码:L,"
    pub property: String,
    pub property_child_ids: String,
    pub sku_id: Option<i64>,
    /// The after-sale types the line may ask for, comma-joined ("0,1,2": refund only, return and
    /// refund, exchange; "" none): pages/order/refundApply.js splits it.
    pub after_sale: &'static str,
    /// A calendar goods' booked days ("2026-12-01"), and the slot of a slot booking.
    pub days: Vec<String>,
    pub goods_times_day: Option<String>,
    pub goods_times_item: Option<String>,
}

impl LineView {
    /// A line of an order in `order_status`, with the calendar days (slot) of `bookings` that are
    /// the line's.
    pub fn new(base: &BaseUrl, l: &LineRow, order_status: i64, bookings: &[BookingRow]) -> LineView {
        let mine: Vec<&BookingRow> = bookings.iter().filter(|b| b.order_goods_id == l.id).collect();
        let slot = mine.iter().find(|b| b.booking.slot.is_some());
        LineView {
            after_sale: crate::service::order::after_sale_kinds(order_status),
            days: mine.iter().filter(|b| b.booking.slot.is_none()).map(|b| b.booking.day.clone()).collect(),
            goods_times_day: slot.map(|b| b.booking.day.clone()),
            goods_times_item: slot.and_then(|b| b.booking.slot.clone()),
            id: l.id,
            order_id: l.order_id,
            goods_id: l.line.goods_id,
            goods_name: l.line.goods_name.clone(),
            pic: if l.line.pic.is_empty() { String::new() } else { base.absolute(&l.line.pic) },
            number: l.line.number,
            amount_single: to_yuan(l.line.amount_single),
            amount: to_yuan(l.line.amount),
            score: l.line.score_single,
            property: l.line.property.clone(),
            property_child_ids: l.line.property_child_ids.clone(),
            sku_id: l.line.sku_id,
        }
    }
}

/// Where a delivery goes and its (first) parcel (`logistics`, `logisticsMap[orderId]`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogisticsView {
    pub link_man: String,
    pub mobile: String,
    pub province_id: String,
    pub city_id: String,
    pub district_id: String,
    pub street_id: String,
    pub province_str: String,
    pub city_str: String,
    pub area_str: String,
    pub street_str: String,
    pub address: String,
    pub code: String,
    pub shipper_code: String,
    pub shipper_name: String,
    pub tracking_number: String,
}

impl LogisticsView {
    /// None for pick-up orders.
    pub fn new(regions: &Regions, o: &OrderRow, parcel: Option<&ParcelRow>) -> Option<LogisticsView> {
        let f = &o.fields;
        if f.peisong_type != "kd" {
            return None;
        }
        let name = |id: &str| regions.get(id).map(|r| r.name.clone()).unwrap_or_default();
        Some(LogisticsView {
            link_man: f.link_man.clone(),
            mobile: f.mobile.clone(),
            province_id: f.province_id.clone(),
            city_id: f.city_id.clone(),
            district_id: f.district_id.clone(),
            street_id: f.street_id.clone(),
            province_str: name(&f.province_id),
            city_str: name(&f.city_id),
            area_str: name(&f.district_id),
            street_str: String::new(),
            address: f.address.clone(),
            code: f.postcode.clone(),
            shipper_code: parcel.map(|p| p.parcel.shipper_code.clone()).unwrap_or_default(),
            shipper_name: parcel.map(|p| p.parcel.shipper_name.clone()).unwrap_or_default(),
            tracking_number: parcel.map(|p| p.parcel.tracking_number.clone()).unwrap_or_default(),
        })
    }
}

/// A logistics trace step.
#[derive(Serialize, serde::Deserialize, Clone)]
pub struct Trace {
    #[serde(rename = "AcceptStation", default)]
    pub accept_station: String,
    #[serde(rename = "AcceptTime", default)]
    pub accept_time: String,
}

/// A parcel (`orderLogisticsShippers[i]`); `traces` is a JSON string the templates parse.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParcelView {
    pub id: i64,
    pub order_id: i64,
    pub shipper_code: String,
    pub shipper_name: String,
    pub tracking_number: String,
    pub traces: String,
    pub date_add: String,
}

impl ParcelView {
    pub fn new(p: &ParcelRow) -> ParcelView {
        ParcelView {
            id: p.id,
            order_id: p.order_id,
            shipper_code: p.parcel.shipper_code.clone(),
            shipper_name: p.parcel.shipper_name.clone(),
            tracking_number: p.parcel.tracking_number.clone(),
            traces: p.parcel.traces.clone(),
            date_add: format_unix(p.date_add),
        }
    }
}

/// An order event (`logs[i]`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub type_str: &'static str,
    pub remark: String,
    pub date_add: String,
}

impl EventView {
    pub fn new(e: &EventRow) -> EventView {
        let type_str = match e.kind.as_str() {
            "create" => "下单",
            "pay" => "支付",
            "ship" => "发货",
            "receive" => "确认收货",
            "review" => "评价",
            "close" => "关闭订单",
            "hx" => "核销",
            "refund" => "售后",
            _ => "其他",
        };
        EventView {
            id: e.id,
            kind: e.kind.clone(),
            type_str,
            remark: e.remark.clone(),
            date_add: format_unix(e.date_add),
        }
    }
}

/// The buyer in `userMap`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BuyerView {
    pub id: i64,
    pub nick: String,
    pub avatar_url: String,
    pub mobile: String,
}

impl BuyerView {
    pub fn new(base: &BaseUrl, u: &User) -> BuyerView {
        BuyerView {
            id: u.id,
            nick: u.nick.clone(),
            avatar_url: if u.avatar_url.is_empty() { String::new() } else { base.absolute(&u.avatar_url) },
            mobile: u.mobile.clone().unwrap_or_default(),
        }
    }
}

/// A coupon offered at checkout (`couponUserList[i]`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CouponOffer {
    pub id: i64,
    pub name: String,
    pub money: f64,
    pub money_type: i64,
    pub money_hreshold: f64,
}

/// The points rule at checkout (`scoreDeductionRules[i]`): `score` points pay `money` yuan, as
/// many times as the shopper likes (`loop`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreRuleView {
    pub score: i64,
    pub money: f64,
    #[serde(rename = "loop")]
    pub repeat: bool,
}

/// orderCreate's answer: the preview's totals, and for a created order its id, number and status.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutView {
    pub id: Option<i64>,
    pub order_number: Option<String>,
    /// 0 awaiting payment; anything else needs no payment.
    pub status: Option<i64>,
    pub status_str: Option<&'static str>,
    pub hx_number: Option<String>,
    pub amount: f64,
    pub amount_totle: f64,
    pub amount_logistics: f64,
    /// A second freight figure some templates show; xiaodian has one.
    pub amount_logistics2: f64,
    pub amount_coupon: f64,
    pub coupon_amount: f64,
    pub deduction_money: f64,
    pub deduction_score: i64,
    /// The held card paying part of the order (`cardId`), and the yuan it takes off.
    pub card_id: Option<i64>,
    pub amount_card: f64,
    pub amount_real: f64,
    pub score: i64,
    pub goods_number: i64,
    pub is_need_logistics: bool,
    pub coupon_user_list: Vec<CouponOffer>,
    pub coupon_id: Vec<i64>,
    pub score_deduction_rules: Vec<ScoreRuleView>,
    /// Yuan of add-ons per goods id.
    pub goods_additional_price_map: BTreeMap<String, f64>,
    pub date_close: Option<String>,
}

impl CheckoutView {
    pub fn new(p: &Priced, created: Option<&OrderRow>) -> CheckoutView {
        let mut additions = BTreeMap::new();
        for l in &p.lines {
            if l.additions_price > 0 {
                *additions.entry(l.quote.goods.id.to_string()).or_insert(0.0) +=
                    to_yuan(l.additions_price * l.number);
            }
        }
        CheckoutView {
            id: created.map(|o| o.id),
            order_number: created.map(|o| o.order_number.clone()),
            status: created.map(|o| o.fields.status),
            status_str: created.map(|o| status::label(o.fields.status)),
            hx_number: created.and_then(|o| o.fields.hx_number.clone()),
            amount: to_yuan(p.amount_goods),
            amount_totle: to_yuan(p.amount_goods),
            amount_logistics: to_yuan(p.amount_logistics),
            amount_logistics2: 0.0,
            amount_coupon: to_yuan(p.amount_coupon),
            coupon_amount: to_yuan(p.amount_coupon),
            deduction_money: to_yuan(p.deduction_money),
            deduction_score: p.deduction_score,
            card_id: p.card.as_ref().map(|u| u.held_id),
            amount_card: to_yuan(p.card.as_ref().map_or(0, |u| u.amount)),
            amount_real: to_yuan(p.amount_real),
            score: p.score,
            goods_number: p.goods_number,
            is_need_logistics: p.is_need_logistics,
            coupon_user_list: p
                .coupons
                .iter()
                .map(|c| CouponOffer {
                    id: c.id,
                    name: c.name.clone(),
                    money: c.money,
                    money_type: c.money_type,
                    money_hreshold: c.money_hreshold,
                })
                .collect(),
            coupon_id: p.coupons.iter().map(|c| c.id).collect(),
            score_deduction_rules: p
                .score_rules
                .iter()
                .map(|r| ScoreRuleView { score: r.score, money: to_yuan(r.money), repeat: true })
                .collect(),
            goods_additional_price_map: additions,
            date_close: created.and_then(|o| o.fields.close_at).map(format_unix),
        }
    }
}

/// An after-sale request (`baseInfo`, `orderRefunds[i]`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundView {
    pub id: i64,
    pub order_id: i64,
    pub order_goods_id: i64,
    pub uid: i64,
    #[serde(rename = "type")]
    pub kind: i64,
    pub type_str: &'static str,
    pub logistics_status: i64,
    pub logistics_status_str: &'static str,
    pub reason: String,
    pub amount: f64,
    pub remark: String,
    pub status: i64,
    pub status_str: &'static str,
    /// A return's step (pages/order/refundApply.wxml): 0 nothing to send back, 1 send the goods
    /// to the address in `logisticsContent`, 2 parcel sent.
    pub status2: i64,
    /// A return's address and the parcel sent, as a JSON string {linkMan, mobile, address,
    /// shipperName, trackingNumber} (the template parses it); "" before a return is approved.
    pub logistics_content: String,
    /// Pieces asked for; 0 = all of the line (or of the order).
    pub number: i64,
    pub back_shipper_name: String,
    pub back_tracking_number: String,
    /// When the merchant received the returned goods ("" before).
    pub date_received: String,
    pub merchant_remark: String,
    pub date_add: String,
    pub date_update: String,
}

/// `logisticsContent`: where a return goes and the parcel that carries it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReturnContent<'a> {
    link_man: &'a str,
    mobile: &'a str,
    address: &'a str,
    shipper_name: &'a str,
    tracking_number: &'a str,
}

impl RefundView {
    pub fn new(r: &RefundRow) -> RefundView {
        let f = &r.refund;
        let logistics_content = crate::service::order_admin::ReturnAddress::of(r)
            .map(|a| {
                serde_json::to_string(&ReturnContent {
                    link_man: &a.link_man,
                    mobile: &a.mobile,
                    address: &a.address,
                    shipper_name: &r.back_shipper_name,
                    tracking_number: &r.back_tracking_number,
                })
                .unwrap_or_default()
            })
            .unwrap_or_default();
        RefundView {
            status2: refund_status::return_stage(r),
            logistics_content,
            number: f.number,
            date_received: time(r.date_received),
            id: r.id,
            order_id: f.order_id,
            order_goods_id: f.order_goods_id,
            uid: f.user_id,
            kind: f.kind,
            type_str: refund_status::type_label(f.kind),
            logistics_status: f.logistics_status,
            logistics_status_str: if f.logistics_status == 1 { "已收到货" } else { "未收到货" },
            reason: f.reason.clone(),
            amount: to_yuan(f.amount),
            remark: f.remark.clone(),
            status: r.status,
            status_str: refund_status::label_of(r),
            back_shipper_name: r.back_shipper_name.clone(),
            back_tracking_number: r.back_tracking_number.clone(),
            merchant_remark: r.merchant_remark.clone(),
            date_add: format_unix(r.date_add),
            date_update: format_unix(r.date_update),
        }
    }
}

/// A picture of an after-sale request.
#[derive(Serialize)]
pub struct PicView {
    pub pic: String,
}

/// refundApplyDetail's entries: the request, its pictures and the line it is about.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundDetailView {
    pub base_info: RefundView,
    pub pics: Vec<PicView>,
    pub good_info: Option<LineView>,
}
