//! The order page and what it changes: ship in parcels, the price or the address before payment,
//! close after a confirmation, and the printable packing slip.

use askama::Template;
use rocket::form::FromForm;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::list::Row;
use super::refunds::RefundRow;
use crate::admin::auth::{AdminSession, Empty};
use crate::admin::page::{done, failed, render, said, when, when_opt, Answer, Html, Posted, Staff};
use crate::db::order::{LineRow, OrderRow};
use crate::db::order_admin::{self, Destination, OrderDetail, QueuedRefund};
use crate::db::payment::Payment;
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::regions::Regions;
use crate::service::error::Error as ServiceError;
use crate::service::order;
use crate::service::order_admin::{self as rules, ParcelInput};

pub fn routes() -> Vec<Route> {
    routes![detail, ship, price, address, region_children, confirm_close, close, slip]
}

/// The order page's view of one order.
pub struct View {
    pub row: Row,
    pub peisong_type: String,
    pub hx_number: String,
    pub shop_name_zt: String,
    /// The street part of the address, as the shopper typed it (the form edits it).
    pub street: String,
    /// How it was paid: "微信支付 ¥59.00（交易号 …）", the balance part, or "" while unpaid.
    pub paid_by: String,
    /// What 改价 changed: "+¥5.00" / "−¥5.00", "" when the price was not changed.
    pub adjustment: String,
    /// The address form's region pickers: (id, name, chosen) of provinces, the province's cities,
    /// the city's districts.
    pub provinces: Vec<(String, String, bool)>,
    pub cities: Vec<(String, String, bool)>,
    pub districts: Vec<(String, String, bool)>,
    pub postcode: String,
    pub close_reason: String,
    pub date_close: String,
    pub date_receive: String,
    /// (name, property, number, unit price, amount)
    pub lines: Vec<(String, String, i64, String, String)>,
    /// (carrier, tracking number, when)
    pub parcels: Vec<(String, String, String)>,
    pub refunds: Vec<RefundRow>,
    /// (when, what)
    pub events: Vec<(String, String)>,
}

impl View {
    fn new(d: OrderDetail) -> View {
        let o: &OrderRow = &d.listed.order;
        let f = &o.fields;
        let refs: Vec<&LineRow> = d.lines.iter().collect();
        View {
            peisong_type: f.peisong_type.clone(),
            hx_number: f.hx_number.clone().unwrap_or_default(),
            shop_name_zt: f.shop_name_zt.clone(),
            street: f.address.clone(),
            paid_by: paid_by(o, d.payment.as_ref()),
            adjustment: adjustment(o),
            provinces: choices(ROOT_REGION, &f.province_id),
            cities: choices(&f.province_id, &f.city_id),
            districts: choices(&f.city_id, &f.district_id),
            postcode: f.postcode.clone(),
            close_reason: o.close_reason.clone(),
            date_close: when_opt(&o.date_close),
            date_receive: when_opt(&o.date_receive),
            lines: d
                .lines
                .iter()
                .map(|l| {
                    (
                        l.line.goods_name.clone(),
                        l.line.property.trim_end_matches(',').to_string(),
                        l.line.number,
                        money::format(l.line.amount_single),
                        money::format(l.line.amount),
                    )
                })
                .collect(),
            parcels: d
                .parcels
                .iter()
                .map(|p| (p.parcel.shipper_name.clone(), p.parcel.tracking_number.clone(), when(&p.date_add)))
                .collect(),
            refunds: d
                .refunds
                .into_iter()
                .map(|r| {
                    RefundRow::new(QueuedRefund {
                        refund: r,
                        order_number: String::new(),
                        nick: String::new(),
                    })
                })
                .collect(),
            events: d.events.iter().map(|e| (when(&e.date_add), e.remark.clone())).collect(),
            row: Row::new(d.listed.clone(), &refs),
        }
    }
}

/// The parent id of the provinces in the region data.
const ROOT_REGION: &str = "0";

/// The regions under `parent` as picker options, `chosen` marked; none for an empty parent.
fn choices(parent: &str, chosen: &str) -> Vec<(String, String, bool)> {
    let children = if parent.is_empty() { None } else { Regions::shared().children(parent) };
    children.unwrap_or_default().iter().map(|r| (r.id.clone(), r.name.clone(), r.id == chosen)).collect()
}

/// One region a picker offers.
#[derive(Serialize)]
pub(super) struct RegionChoice {
    id: String,
    name: String,
}

/// GET /admin/regions/<pid> — staff only. The cities of a province or the districts of a city,
/// for the address form's pickers (JSON; an unknown id answers an empty list).
#[get("/regions/<pid>")]
pub(super) fn region_children(_admin: AdminSession, pid: &str) -> Json<Vec<RegionChoice>> {
    let list = if pid == ROOT_REGION { None } else { Regions::shared().children(pid) };
    Json(
        list.unwrap_or_default()
            .iter()
            .map(|r| RegionChoice { id: r.id.clone(), name: r.name.clone() })
            .collect(),
    )
}

/// The payment channels of a paid order in words: WeChat Pay with its transaction id, the balance.
fn paid_by(o: &OrderRow, payment: Option<&Payment>) -> String {
    if matches!(o.fields.status, 0 | -1) && o.fields.date_pay.is_none() {
        return String::new();
    }
    let mut parts = Vec::new();
    let mut wechat = 0;
    if let Some(p) = payment {
        wechat = p.paid_fen.unwrap_or(p.money).min(o.fields.amount_real);
        let no = p.transaction_id.as_deref().unwrap_or("—");
        parts.push(format!("微信支付 ¥{}（交易号 {no}）", money::format(wechat)));
    }
    // A WeChat payment is credited to the balance and spent from it: only the rest is the balance's.
    let balance = (o.amount_paid_balance - wechat).max(0);
    if balance > 0 || parts.is_empty() {
        parts.push(format!("余额支付 ¥{}", money::format(balance)));
    }
    parts.join(" + ")
}

/// The merchant's price change: what was paid against what the goods, freight and discounts made.
fn adjustment(o: &OrderRow) -> String {
    let f = &o.fields;
    let computed = (f.amount_goods + f.amount_logistics - f.amount_coupon - f.amount_score_deduction).max(0);
    match f.amount_real - computed {
        0 => String::new(),
        d if d > 0 => format!("+¥{}", money::format(d)),
        d => format!("−¥{}", money::format(-d)),
    }
}

pub(super) async fn find(db: &Db, id: i64) -> Result<View, AdminError> {
    let d = db.read(move |c| order_admin::detail(c, id)).await?;
    Ok(View::new(d.ok_or(AdminError::NotFound)?))
}

#[derive(Template)]
#[template(path = "admin/orders/detail.html")]
pub(super) struct DetailPage {
    staff: Staff,
    o: View,
}

/// GET /admin/orders/<id> — staff only. Lines, amounts, address, parcels, after-sales, events,
/// and the actions the order's status allows.
#[get("/orders/<id>", rank = 2)]
pub(super) async fn detail(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let o = find(db, id).await?;
    render(&DetailPage { staff, o })
}

/// Runs a change on the writer; back to the order page with its result in words.
pub(super) async fn act<F>(db: &Db, id: i64, ok: &str, f: F) -> Result<Answer, AdminError>
where
    F: FnOnce(&rusqlite::Connection) -> Result<OrderRow, ServiceError> + Send + 'static,
{
    let back = format!("/admin/orders/{id}");
    match db.write(move |c| Ok::<_, AdminError>(f(c))).await? {
        Ok(_) => Ok(done(back, ok)),
        Err(ServiceError::NotFound(_)) => Err(AdminError::NotFound),
        Err(e) => Ok(failed(back, said(e)?)),
    }
}

/// Up to a few parcels: `carrier` and `tracking` repeated, blank rows skipped.
#[derive(FromForm)]
pub(super) struct ShipForm {
    carrier: Vec<String>,
    tracking: Vec<String>,
}

/// POST /admin/orders/<id>/ship — staff only. A paid delivery order becomes shipped.
#[post("/orders/<id>/ship", data = "<form>")]
pub(super) async fn ship(
    _admin: AdminSession,
    db: &State<Db>,
    id: i64,
    form: Posted<ShipForm>,
) -> Result<Answer, AdminError> {
    let ShipForm { carrier, tracking } = form.0;
    let parcels: Vec<ParcelInput> = carrier
        .into_iter()
        .zip(tracking)
        .filter(|(c, t)| !c.trim().is_empty() || !t.trim().is_empty())
        .map(|(carrier, tracking_number)| ParcelInput { carrier, tracking_number })
        .collect();
    act(db, id, "已发货", move |c| {
        rules::parcels(&parcels).and_then(|p| order::ship(c, id, &p, db::unix_now()))
    })
    .await
}

#[derive(FromForm)]
pub(super) struct PriceForm {
    amount: String,
}

/// POST /admin/orders/<id>/price — staff only. The new amount (yuan) of an unpaid order.
#[post("/orders/<id>/price", data = "<form>")]
pub(super) async fn price(
    _admin: AdminSession,
    db: &State<Db>,
    id: i64,
    form: Posted<PriceForm>,
) -> Result<Answer, AdminError> {
    let Some(fen) = money::parse(&form.0.amount) else {
        return Ok(failed(format!("/admin/orders/{id}"), "新价格应为不小于 0、最多两位小数的金额"));
    };
    act(db, id, "价格已修改", move |c| rules::change_price(c, id, fen, db::unix_now())).await
}

#[derive(FromForm)]
pub(super) struct AddressForm {
    link_man: String,
    mobile: String,
    province_id: String,
    city_id: String,
    district_id: String,
    address: String,
    postcode: String,
}

/// POST /admin/orders/<id>/address — staff only. The new address of an unpaid delivery order.
#[post("/orders/<id>/address", data = "<form>")]
pub(super) async fn address(
    _admin: AdminSession,
    db: &State<Db>,
    id: i64,
    form: Posted<AddressForm>,
) -> Result<Answer, AdminError> {
    let f = form.0;
    let d = Destination {
        link_man: f.link_man,
        mobile: f.mobile,
        province_id: f.province_id,
        city_id: f.city_id,
        district_id: f.district_id,
        address: f.address,
        postcode: f.postcode,
    };
    let labels = [("linkMan", "收货人"), ("mobile", "联系电话"), ("address", "详细地址"), ("code", "邮编")];
    let back = format!("/admin/orders/{id}");
    match db.write(move |c| Ok::<_, AdminError>(rules::change_address(c, id, &d, db::unix_now()))).await? {
        Ok(_) => Ok(done(back, "收货地址已修改")),
        Err(e) => match crate::admin::page::Problem::refused(e, &labels).message() {
            Ok(m) => Ok(failed(back, m)),
            Err(e) => Err(e),
        },
    }
}

/// Asks before an action that cannot be undone; the page works without JavaScript.
#[derive(Template)]
#[template(path = "admin/orders/confirm.html")]
pub(super) struct ConfirmPage {
    staff: Staff,
    title: &'static str,
    question: String,
    warning: String,
    button: &'static str,
    action: String,
    back: String,
}

/// GET /admin/orders/<id>/close — staff only; asks before closing.
#[get("/orders/<id>/close")]
pub(super) async fn confirm_close(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let o = find(db, id).await?;
    render(&ConfirmPage {
        staff,
        title: "关闭订单",
        question: format!("确定要关闭订单 {}（¥{}）吗？", o.row.order_number, o.row.amount_real),
        warning: "关闭后买家不能再支付；商品库存、抵扣的积分和优惠券会退回。此操作无法撤销。".into(),
        button: "确认关闭",
        action: format!("/admin/orders/{id}/close"),
        back: format!("/admin/orders/{id}"),
    })
}

/// POST /admin/orders/<id>/close — staff only. Closes an unpaid order.
#[post("/orders/<id>/close", data = "<_form>")]
pub(super) async fn close(
    _admin: AdminSession,
    db: &State<Db>,
    id: i64,
    _form: Posted<Empty>,
) -> Result<Answer, AdminError> {
    act(db, id, "订单已关闭", move |c| rules::close(c, id, db::unix_now())).await
}

#[derive(Template)]
#[template(path = "admin/orders/slip.html")]
pub(super) struct SlipPage {
    shop_name: String,
    o: View,
    printed: String,
}

/// GET /admin/orders/<id>/slip — staff only. A packing slip laid out for printing.
#[get("/orders/<id>/slip")]
pub(super) async fn slip(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let o = find(db, id).await?;
    render(&SlipPage { shop_name: staff.shop_name, o, printed: db::now_text() })
}
