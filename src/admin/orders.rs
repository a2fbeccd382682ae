//! 订单, 售后 and 核销: the order list with filters, search, paging and CSV export; the order page
//! (ship in parcels, change the price or the address before payment, close after a confirmation,
//! a printable packing slip); the after-sale queue (approve with a refund to the balance, or
//! reject); and the write-off page for pick-up codes. Every change goes through
//! service::order_admin in one transaction.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Header;
use rocket::{get, post, routes, Responder, Route, State};

use super::auth::{AdminSession, Empty};
use super::page::{done, failed, render, said, when, when_opt, words, Answer, Html, Pager, Posted, Staff};
use crate::db::order::{refund_status, status, LineRow, OrderRow};
use crate::db::order_admin::{self, AdminFilter, Destination, ListedOrder, OrderDetail, QueuedRefund};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::service::error::Error as ServiceError;
use crate::service::order_admin::{self as rules, ParcelInput, ReturnAddress};
use crate::service::orders;
use crate::service::refund_wechat::{self, WxRefunds};

pub fn routes() -> Vec<Route> {
    routes![
        list,
        export,
        detail,
        ship,
        price,
        address,
        confirm_close,
        close,
        slip,
        writeoff_page,
        writeoff,
        refunds,
        confirm_approve,
        approve,
        confirm_receive,
        receive,
        reject
    ]
}

/// The statuses a filter offers, in the shop's order of things.
const STATUSES: &[(i64, &str)] =
    &[(0, "待支付"), (1, "待发货"), (2, "待收货"), (3, "待评价"), (4, "已完成"), (-1, "已关闭")];

/// An order as a list row shows it: words and yuan, ready to print.
pub struct Row {
    pub id: i64,
    pub order_number: String,
    pub status: i64,
    pub status_str: &'static str,
    pub shopper: String,
    pub user_mobile: String,
    pub goods: String,
    pub goods_number: i64,
    pub amount_goods: String,
    pub amount_logistics: String,
    pub amount_off: String,
    pub amount_real: String,
    pub peisong: &'static str,
    pub link_man: String,
    pub mobile: String,
    pub address: String,
    pub remark: String,
    pub has_refund: bool,
    pub date_add: String,
    pub date_pay: String,
    pub date_ship: String,
}

fn goods_text(lines: &[&LineRow]) -> String {
    lines
        .iter()
        .map(|l| match l.line.property.trim_end_matches(',') {
            "" => format!("{}×{}", l.line.goods_name, l.line.number),
            p => format!("{}（{}）×{}", l.line.goods_name, p, l.line.number),
        })
        .collect::<Vec<_>>()
        .join("，")
}

impl Row {
    fn new(l: ListedOrder, lines: &[&LineRow]) -> Row {
        let o = l.order;
        let f = &o.fields;
        Row {
            id: o.id,
            status: f.status,
            status_str: status::label(f.status),
            shopper: if l.nick.is_empty() { format!("用户 {}", f.user_id) } else { l.nick },
            user_mobile: l.user_mobile,
            goods: goods_text(lines),
            goods_number: f.goods_number,
            amount_goods: money::format(f.amount_goods),
            amount_logistics: money::format(f.amount_logistics),
            amount_off: money::format(f.amount_coupon + f.amount_score_deduction),
            amount_real: money::format(f.amount_real),
            peisong: if f.peisong_type == "zq" { "到店自提" } else { "快递" },
            link_man: f.link_man.clone(),
            mobile: f.mobile.clone(),
            address: f.address.clone(),
            remark: f.remark.clone(),
            has_refund: o.has_refund,
            date_add: when(&o.date_add),
            date_pay: when_opt(&f.date_pay),
            date_ship: when_opt(&o.date_ship),
            order_number: o.order_number,
        }
    }
}

/// Orders with their goods text, one query for the lines of all of them.
fn rows(c: &rusqlite::Connection, listed: Vec<ListedOrder>) -> Result<Vec<Row>, AdminError> {
    let ids: Vec<i64> = listed.iter().map(|l| l.order.id).collect();
    let lines = db::order::lines_of(c, &ids)?;
    Ok(listed
        .into_iter()
        .map(|l| {
            let mine: Vec<&LineRow> = lines.iter().filter(|x| x.order_id == l.order.id).collect();
            Row::new(l, &mine)
        })
        .collect())
}

/// The list's filters as typed (kept in the form and in page and export links).
#[derive(FromForm, Default, Clone)]
pub struct Filters {
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    shopper: Option<String>,
    goods: Option<String>,
    q: Option<String>,
    page: Option<i64>,
}

impl Filters {
    fn text(v: &Option<String>) -> String {
        v.as_deref().map(str::trim).unwrap_or_default().chars().take(50).collect()
    }

    /// The filter, or what is wrong with it in the merchant's words.
    fn filter(&self) -> Result<AdminFilter, String> {
        let status = match Self::text(&self.status).as_str() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(n) if STATUSES.iter().any(|(k, _)| *k == n) => Some(n),
                _ => return Err("订单状态无效".into()),
            },
        };
        let day = |label: &str, v: &Option<String>| {
            rules::day("date", Some(&Self::text(v))).map_err(|_| format!("{label}应为 YYYY-MM-DD 格式的日期"))
        };
        let opt = |v: &Option<String>| Some(Self::text(v)).filter(|s| !s.is_empty());
        Ok(AdminFilter {
            status,
            from_day: day("开始日期", &self.from)?,
            to_day: day("结束日期", &self.to)?,
            shopper: opt(&self.shopper),
            goods: opt(&self.goods),
            q: opt(&self.q),
            has_refund: None,
        })
    }

    /// Query pairs for links (empty ones are dropped by the pager).
    fn keep(&self) -> Vec<(&'static str, String)> {
        vec![
            ("status", Self::text(&self.status)),
            ("from", Self::text(&self.from)),
            ("to", Self::text(&self.to)),
            ("shopper", Self::text(&self.shopper)),
            ("goods", Self::text(&self.goods)),
            ("q", Self::text(&self.q)),
        ]
    }

    fn query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.keep().iter().filter(|(_, v)| !v.is_empty()) {
            q.append_pair(k, v);
        }
        q.finish()
    }
}

#[derive(Template)]
#[template(path = "admin/orders/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<Row>,
    /// (status, label, count) for the tabs.
    tabs: Vec<(String, &'static str, i64)>,
    status: String,
    from: String,
    to: String,
    shopper: String,
    goods: String,
    q: String,
    export: String,
    error: Option<String>,
    pager: Pager,
}

/// GET /admin/orders — staff only. Filters by status, day range, shopper and goods; searches
/// order numbers and phones; 25 a page.
#[get("/orders?<f..>")]
async fn list(staff: Staff, db: &State<Db>, f: Filters) -> Result<Html, AdminError> {
    let (filter, error) = match f.filter() {
        Ok(filter) => (filter, None),
        Err(e) => (AdminFilter::default(), Some(e)),
    };
    let (rows, total, counts) = db
        .read(move |c| {
            let (listed, total) =
                Pager::fetch(f.page, |offset, limit| order_admin::list(c, &filter, offset, limit))?;
            Ok::<_, AdminError>((rows(c, listed)?, total, order_admin::status_counts(c)?))
        })
        .await?;
    let keep = f.keep();
    let pairs: Vec<(&str, &str)> = keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let count = |s: i64| counts.iter().find(|(k, _)| *k == s).map_or(0, |(_, n)| *n);
    let mut tabs = vec![(String::new(), "全部", counts.iter().map(|(_, n)| n).sum())];
    tabs.extend(STATUSES.iter().map(|&(s, label)| (s.to_string(), label, count(s))));
    render(&ListPage {
        staff,
        rows,
        tabs,
        status: Filters::text(&f.status),
        from: Filters::text(&f.from),
        to: Filters::text(&f.to),
        shopper: Filters::text(&f.shopper),
        goods: Filters::text(&f.goods),
        q: Filters::text(&f.q),
        export: format!("/admin/orders/export.csv?{}", f.query()),
        error,
        pager: Pager::new(f.page, total, &pairs),
    })
}

/// A CSV download.
#[derive(Responder)]
#[response(content_type = "text/csv")]
struct Csv {
    body: String,
    disposition: Header<'static>,
}

/// Most rows one export writes: far above a small shop's orders, far below a slow request.
const EXPORT_MAX: i64 = 20_000;

/// One CSV field: quoted, quotes doubled, and a leading = + - @ defused so a spreadsheet never
/// runs it as a formula.
fn csv_field(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@']) { format!("'{v}") } else { v.to_string() };
    format!("\"{}\"", v.replace('"', "\"\""))
}

/// GET /admin/orders/export.csv — staff only. The filtered list (all pages), with a BOM so
/// Excel reads the Chinese right.
#[get("/orders/export.csv?<f..>")]
async fn export(_staff: Staff, db: &State<Db>, f: Filters) -> Result<Csv, AdminError> {
    let filter = f.filter().map_err(AdminError::BadInput)?;
    let all = db
        .read(move |c| {
            let (listed, _) = order_admin::list(c, &filter, 0, EXPORT_MAX)?;
            rows(c, listed)
        })
        .await?;
    let mut out = String::from("\u{feff}");
    let head = [
        "订单号",
        "下单时间",
        "状态",
        "买家",
        "买家手机",
        "商品",
        "件数",
        "商品金额",
        "运费",
        "优惠",
        "实付",
        "配送方式",
        "收货人",
        "联系电话",
        "收货地址",
        "备注",
        "付款时间",
        "发货时间",
        "售后",
    ];
    out.push_str(&head.map(csv_field).join(","));
    out.push_str("\r\n");
    for r in all {
        let fields = [
            r.order_number.as_str(),
            &r.date_add,
            r.status_str,
            &r.shopper,
            &r.user_mobile,
            &r.goods,
            &r.goods_number.to_string(),
            &r.amount_goods,
            &r.amount_logistics,
            &r.amount_off,
            &r.amount_real,
            r.peisong,
            &r.link_man,
            &r.mobile,
            &r.address,
            &r.remark,
            &r.date_pay,
            &r.date_ship,
            if r.has_refund { "有" } else { "" },
        ];
        out.push_str(&fields.map(csv_field).join(","));
        out.push_str("\r\n");
    }
    let day = db::now_text().get(..10).unwrap_or_default().replace('-', "");
    let disposition =
        Header::new("Content-Disposition", format!("attachment; filename=\"orders-{day}.csv\""));
    Ok(Csv { body: out, disposition })
}

/// The order page's view of one order.
pub struct View {
    pub row: Row,
    pub peisong_type: String,
    pub hx_number: String,
    pub shop_name_zt: String,
    pub province_id: String,
    pub city_id: String,
    pub district_id: String,
    pub postcode: String,
    pub amount_paid_balance: String,
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
            province_id: f.province_id.clone(),
            city_id: f.city_id.clone(),
            district_id: f.district_id.clone(),
            postcode: f.postcode.clone(),
            amount_paid_balance: money::format(o.amount_paid_balance),
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

async fn find(db: &Db, id: i64) -> Result<View, AdminError> {
    let d = db.read(move |c| Ok::<_, AdminError>(order_admin::detail(c, id)?)).await?;
    Ok(View::new(d.ok_or(AdminError::NotFound)?))
}

#[derive(Template)]
#[template(path = "admin/orders/detail.html")]
struct DetailPage {
    staff: Staff,
    o: View,
}

/// GET /admin/orders/<id> — staff only. Lines, amounts, address, parcels, after-sales, events,
/// and the actions the order's status allows.
#[get("/orders/<id>", rank = 2)]
async fn detail(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let o = find(db, id).await?;
    render(&DetailPage { staff, o })
}

/// Runs a change on the writer; back to the order page with its result in words.
async fn act<F>(db: &Db, id: i64, ok: &str, f: F) -> Result<Answer, AdminError>
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
struct ShipForm {
    carrier: Vec<String>,
    tracking: Vec<String>,
}

/// POST /admin/orders/<id>/ship — staff only. A paid delivery order becomes shipped.
#[post("/orders/<id>/ship", data = "<form>")]
async fn ship(
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
        rules::parcels(&parcels).and_then(|p| orders::ship(c, id, &p, db::unix_now()))
    })
    .await
}

#[derive(FromForm)]
struct PriceForm {
    amount: String,
}

/// POST /admin/orders/<id>/price — staff only. The new amount (yuan) of an unpaid order.
#[post("/orders/<id>/price", data = "<form>")]
async fn price(
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
struct AddressForm {
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
async fn address(
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
        Err(e) => match super::page::Problem::refused(e, &labels).message() {
            Ok(m) => Ok(failed(back, m)),
            Err(e) => Err(e),
        },
    }
}

/// Asks before an action that cannot be undone; the page works without JavaScript.
#[derive(Template)]
#[template(path = "admin/orders/confirm.html")]
struct ConfirmPage {
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
async fn confirm_close(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
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
async fn close(
    _admin: AdminSession,
    db: &State<Db>,
    id: i64,
    _form: Posted<Empty>,
) -> Result<Answer, AdminError> {
    act(db, id, "订单已关闭", move |c| rules::close(c, id, db::unix_now())).await
}

#[derive(Template)]
#[template(path = "admin/orders/slip.html")]
struct SlipPage {
    shop_name: String,
    o: View,
    printed: String,
}

/// GET /admin/orders/<id>/slip — staff only. A packing slip laid out for printing.
#[get("/orders/<id>/slip")]
async fn slip(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let o = find(db, id).await?;
    render(&SlipPage { shop_name: staff.shop_name, o, printed: db::now_text() })
}

#[derive(Template)]
#[template(path = "admin/orders/writeoff.html")]
struct WriteoffPage {
    staff: Staff,
    hx: String,
    found: Option<Row>,
    /// Why the code shows no order, or why it cannot be written off.
    error: Option<String>,
    can: bool,
}

/// GET /admin/writeoff?hx= — staff only. Looks a pick-up code up and shows its order.
#[get("/writeoff?<hx>")]
async fn writeoff_page(staff: Staff, db: &State<Db>, hx: Option<&str>) -> Result<Html, AdminError> {
    let hx: String = hx.unwrap_or_default().trim().chars().take(40).collect();
    let (mut found, mut error, mut can) = (None, None, false);
    if !hx.is_empty() {
        let code = hx.clone();
        let looked = db
            .read(move |c| {
                Ok::<_, AdminError>(match rules::find_by_hx(c, &code) {
                    Ok(o) => Ok(rows(
                        c,
                        vec![ListedOrder {
                            nick: order_admin::shopper_of(c, o.fields.user_id)?.0,
                            user_mobile: String::new(),
                            order: o,
                        }],
                    )?),
                    Err(e) => Err(e),
                })
            })
            .await?;
        match looked {
            Ok(mut r) => {
                let row = r.remove(0);
                can = matches!(row.status, status::PAID | status::SHIPPED);
                if !can {
                    error = Some(format!("订单{}，不能核销", row.status_str));
                }
                found = Some(row);
            }
            Err(e) => error = Some(words(e)),
        }
    }
    render(&WriteoffPage { staff, hx, found, error, can })
}

#[derive(FromForm)]
struct WriteoffForm {
    hx: String,
}

/// POST /admin/writeoff — staff only. Writes the code off (the order becomes received).
#[post("/writeoff", data = "<form>")]
async fn writeoff(
    _admin: AdminSession,
    db: &State<Db>,
    form: Posted<WriteoffForm>,
) -> Result<Answer, AdminError> {
    let hx = form.0.hx.trim().to_string();
    let code = hx.clone();
    let back: String = format!(
        "/admin/writeoff?{}",
        form_urlencoded::Serializer::new(String::new()).append_pair("hx", &hx).finish()
    );
    match db.write(move |c| Ok::<_, AdminError>(rules::write_off(c, &code, db::unix_now()))).await? {
        Ok(o) => Ok(done(back, format!("已核销，订单 {}", o.order_number))),
        Err(e) => Ok(failed(back, said(e)?)),
    }
}

/// An after-sale request as the queue shows it.
pub struct RefundRow {
    pub id: i64,
    pub order_id: i64,
    pub order_number: String,
    pub shopper: String,
    pub kind: &'static str,
    pub reason: String,
    pub remark: String,
    pub amount: String,
    pub status: i64,
    pub status_str: &'static str,
    pub back: String,
    /// Where a return goes, once approved ("" otherwise).
    pub return_to: String,
    /// What became of a received return and the rewards taken back, in words ("" when nothing).
    pub outcome: String,
    pub merchant_remark: String,
    pub date_add: String,
    pub open: bool,
    /// What the merchant can do now.
    pub can_approve: bool,
    pub can_receive: bool,
    pub can_reject: bool,
}

impl RefundRow {
    fn new(q: QueuedRefund) -> RefundRow {
        let r = q.refund;
        let back = match (r.back_shipper_name.as_str(), r.back_tracking_number.as_str()) {
            ("", "") => String::new(),
            (s, t) => format!("{s} {t}"),
        };
        let (stage, status_str) = (refund_status::return_stage(&r), refund_status::label_of(&r));
        let is_return = r.refund.kind == refund_status::RETURN_REFUND;
        let return_to = ReturnAddress::of(&r)
            .map(|a| format!("{} {} {}", a.link_man, a.mobile, a.address))
            .unwrap_or_default();
        let mut outcome = Vec::new();
        match r.restocked {
            Some(true) => outcome.push("退货已入库".to_string()),
            Some(false) => outcome.push("退货未入库".to_string()),
            None => {}
        }
        if r.score_back > 0 {
            outcome.push(format!("扣回积分 {}", r.score_back));
        }
        if r.score_back_short > 0 {
            outcome.push(format!("积分已被使用，{} 未能扣回", r.score_back_short));
        }
        if r.growth_back > 0 {
            outcome.push(format!("扣回成长值 {}", r.growth_back));
        }
        if r.growth_back_short > 0 {
            outcome.push(format!("成长值已被使用，{} 未能扣回", r.growth_back_short));
        }
        RefundRow {
            can_approve: r.status == refund_status::PENDING
                || (r.status == refund_status::APPROVED && !is_return),
            can_receive: r.status == refund_status::APPROVED && is_return && stage == 2,
            can_reject: matches!(r.status, refund_status::PENDING | refund_status::APPROVED)
                && !(is_return && stage == 2),
            return_to,
            outcome: outcome.join("；"),
            id: r.id,
            order_id: r.refund.order_id,
            order_number: q.order_number,
            shopper: q.nick,
            kind: refund_status::type_label(r.refund.kind),
            reason: r.refund.reason,
            remark: r.refund.remark,
            amount: money::format(r.refund.amount),
            status: r.status,
            status_str,
            back,
            merchant_remark: r.merchant_remark,
            date_add: when(&r.date_add),
            open: matches!(r.status, refund_status::PENDING | refund_status::APPROVED),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/orders/refunds.html")]
struct RefundsPage {
    staff: Staff,
    rows: Vec<RefundRow>,
    status: String,
    pager: Pager,
}

/// GET /admin/refunds — staff only. The after-sale queue, open requests first.
#[get("/refunds?<status>&<page>")]
async fn refunds(
    staff: Staff,
    db: &State<Db>,
    status: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let wanted = status.and_then(|s| s.trim().parse::<i64>().ok()).filter(|s| (0..=4).contains(s));
    let (rows, total) = db
        .read(move |c| {
            Ok::<_, AdminError>(Pager::fetch(page, |offset, limit| {
                order_admin::refund_queue(c, wanted, offset, limit)
            })?)
        })
        .await?;
    let status = wanted.map(|s| s.to_string()).unwrap_or_default();
    let pager = Pager::new(page, total, &[("status", &status)]);
    render(&RefundsPage { staff, rows: rows.into_iter().map(RefundRow::new).collect(), status, pager })
}

/// The approval page: a refund only asks before refunding; a return and refund asks where the
/// goods go back to (the last address given is offered).
#[derive(Template)]
#[template(path = "admin/orders/refund_approve.html")]
struct ApprovePage {
    staff: Staff,
    id: i64,
    question: String,
    warning: &'static str,
    /// Some: a return, with the address to offer.
    return_to: Option<ReturnAddress>,
}

/// GET /admin/refunds/<id>/approve — staff only; asks before refunding (or, for a return, for
/// the address the goods go back to).
#[get("/refunds/<id>/approve")]
async fn confirm_approve(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let r = db
        .read(move |c| Ok::<_, AdminError>(db::order::refund(c, id)?))
        .await?
        .ok_or(AdminError::NotFound)?;
    let o = find(db, r.refund.order_id).await?;
    if r.refund.kind == refund_status::RETURN_REFUND {
        let last = db.read(move |c| Ok::<_, AdminError>(rules::last_return_address(c)?)).await?;
        return render(&ApprovePage {
            staff,
            id,
            question: format!(
                "同意订单 {} 的退货退款申请（¥{}）：买家按下面的地址寄回商品，收到退货并确认后才退款。",
                o.row.order_number,
                money::format(r.refund.amount)
            ),
            warning: "同意后买家在小程序里看到寄回地址并填写快递单号；商家确认收货时选择是否入库。",
            return_to: Some(last),
        });
    }
    let money = if r.refund.kind == refund_status::EXCHANGE { 0 } else { r.refund.amount };
    let order_id = o.row.id;
    let to_wechat =
        db.read(move |c| Ok::<_, AdminError>(refund_wechat::wechat_share(c, order_id, money)?)).await?;
    render(&ApprovePage {
        staff,
        id,
        question: refund_question(&o.row.order_number, r.refund.kind, money, to_wechat),
        warning: "退到余额的部分立即到账并记入资金流水；原路退回微信支付的部分在微信确认后到账，进度见“微信退款”页。无法撤回。",
        return_to: None,
    })
}

/// "确定同意…并退款 ¥30.00 到买家余额吗？" with the split between WeChat and the balance.
fn refund_question(order_number: &str, kind: i64, money: i64, to_wechat: i64) -> String {
    match money {
        0 => format!("确定同意订单 {order_number} 的{}申请吗？", refund_status::type_label(kind)),
        m if to_wechat == 0 => {
            format!("确定同意订单 {order_number} 的售后申请，并退款 ¥{} 到买家余额吗？", money::format(m))
        }
        m => format!(
            "确定同意订单 {order_number} 的售后申请，并退款 ¥{}（¥{} 原路退回微信支付，¥{} 到买家余额）吗？",
            money::format(m),
            money::format(to_wechat),
            money::format(m - to_wechat)
        ),
    }
}

#[derive(FromForm)]
struct ApproveForm {
    remark: Option<String>,
    /// A return's address (the form of a return and refund only).
    link_man: Option<String>,
    mobile: Option<String>,
    address: Option<String>,
}

#[derive(FromForm)]
struct DecisionForm {
    remark: String,
}

/// Runs a decision; back to the queue with its result in words.
async fn decide<F>(db: &Db, ok: String, f: F) -> Result<Answer, AdminError>
where
    F: FnOnce(&rusqlite::Connection) -> Result<rules::Decision, ServiceError> + Send + 'static,
{
    match db.write(move |c| Ok::<_, AdminError>(f(c))).await? {
        Ok(_) => Ok(done("/admin/refunds", ok)),
        Err(ServiceError::NotFound(_)) => Err(AdminError::NotFound),
        Err(e) => Ok(failed("/admin/refunds", said(e)?)),
    }
}

/// Back to the queue after a decision that may have started a WeChat refund (asked after the
/// decision commits).
async fn after_refund(
    db: &Db,
    wx: &WxRefunds,
    decided: Result<rules::Decision, ServiceError>,
    ok: &str,
) -> Result<Answer, AdminError> {
    let d = match decided {
        Ok(d) => d,
        Err(ServiceError::NotFound(_)) => return Err(AdminError::NotFound),
        Err(e) => return Ok(failed("/admin/refunds", said(e)?)),
    };
    let closed = if d.order_closed { "，订单已全额退款并关闭" } else { "" };
    let Some(wechat) = d.wechat_refund else { return Ok(done("/admin/refunds", format!("{ok}{closed}"))) };
    let r = refund_wechat::send_now(db, wx, wechat).await?;
    Ok(done("/admin/refunds", format!("{ok}，{}{closed}", refund_wechat::sent_words(&r))))
}

/// POST /admin/refunds/<id>/approve — staff only. A refund only is refunded the way the order was
/// paid (a WeChat payment's share back to WeChat, asked after the decision commits; the rest to
/// the balance) and finished; a return and refund is approved with the address the goods go
/// back to, and refunded when the goods arrive.
#[post("/refunds/<id>/approve", data = "<form>")]
async fn approve(
    _admin: AdminSession,
    db: &State<Db>,
    wx: &State<WxRefunds>,
    id: i64,
    form: Posted<ApproveForm>,
) -> Result<Answer, AdminError> {
    let f = form.0;
    let remark = f.remark.unwrap_or_default();
    let return_to = f.link_man.map(|link_man| ReturnAddress {
        link_man,
        mobile: f.mobile.unwrap_or_default(),
        address: f.address.unwrap_or_default(),
    });
    // A refusal rolls the whole transaction back.
    let decided: Result<rules::Decision, ServiceError> =
        db.write(move |c| rules::approve_refund(c, id, &remark, return_to.as_ref(), db::unix_now())).await;
    after_refund(db, wx, decided, "已同意售后申请").await
}

/// Asks, for a return whose goods arrived, whether they go back into stock.
#[derive(Template)]
#[template(path = "admin/orders/refund_receive.html")]
struct ReceivePage {
    staff: Staff,
    id: i64,
    question: String,
    parcel: String,
}

/// GET /admin/refunds/<id>/receive — staff only; asks before confirming a return's receipt.
#[get("/refunds/<id>/receive")]
async fn confirm_receive(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let r = db
        .read(move |c| Ok::<_, AdminError>(db::order::refund(c, id)?))
        .await?
        .ok_or(AdminError::NotFound)?;
    let o = find(db, r.refund.order_id).await?;
    let money = r.refund.amount;
    let order_id = o.row.id;
    let to_wechat =
        db.read(move |c| Ok::<_, AdminError>(refund_wechat::wechat_share(c, order_id, money)?)).await?;
    render(&ReceivePage {
        staff,
        id,
        question: refund_question(&o.row.order_number, r.refund.kind, money, to_wechat).replacen(
            "确定同意",
            "确认收到退货，同意",
            1,
        ),
        parcel: format!("{} {}", r.back_shipper_name, r.back_tracking_number),
    })
}

#[derive(FromForm)]
struct ReceiveForm {
    /// "1" back into stock, "0" not.
    restock: Option<String>,
    remark: Option<String>,
}

/// POST /admin/refunds/<id>/receive — staff only. The returned goods arrived: restocked or not as
/// chosen, then refunded like a refund only.
#[post("/refunds/<id>/receive", data = "<form>")]
async fn receive(
    _admin: AdminSession,
    db: &State<Db>,
    wx: &State<WxRefunds>,
    id: i64,
    form: Posted<ReceiveForm>,
) -> Result<Answer, AdminError> {
    let restock = match form.0.restock.as_deref().map(str::trim) {
        Some("1") => true,
        Some("0") => false,
        _ => return Ok(failed(format!("/admin/refunds/{id}/receive"), "请选择退货是否入库")),
    };
    let remark = form.0.remark.unwrap_or_default();
    let decided = db.write(move |c| rules::receive_return(c, id, restock, &remark, db::unix_now())).await;
    let ok = if restock {
        "已确认收货，退货已入库并退款"
    } else {
        "已确认收货并退款（未入库）"
    };
    after_refund(db, wx, decided, ok).await
}

/// POST /admin/refunds/<id>/reject — staff only. `remark` says why.
#[post("/refunds/<id>/reject", data = "<form>")]
async fn reject(
    _admin: AdminSession,
    db: &State<Db>,
    id: i64,
    form: Posted<DecisionForm>,
) -> Result<Answer, AdminError> {
    let remark = form.0.remark;
    if remark.trim().is_empty() {
        return Ok(failed("/admin/refunds", "请填写拒绝原因"));
    }
    decide(db, "已拒绝售后申请".into(), move |c| rules::reject_refund(c, id, &remark, db::unix_now())).await
}
