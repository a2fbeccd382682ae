//! The order list: filters, search, paging and the CSV export.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Header;
use rocket::{get, routes, Responder, Route, State};

use crate::admin::page::{render, when, when_opt, Html, Pager, Staff};
use crate::db::order::{status, LineRow};
use crate::db::order_admin::{self, AdminFilter, ListedOrder};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::service::order_admin::{self as rules};

pub fn routes() -> Vec<Route> {
    routes![list, export]
}

/// The statuses a filter offers, in the shop's order of things.
pub(super) const STATUSES: &[(i64, &str)] =
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

pub(super) fn goods_text(lines: &[&LineRow]) -> String {
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
    pub(super) fn new(l: ListedOrder, lines: &[&LineRow]) -> Row {
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
pub(super) fn rows(c: &rusqlite::Connection, listed: Vec<ListedOrder>) -> Result<Vec<Row>, AdminError> {
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
    fn text(v: Option<&str>) -> String {
        v.map(str::trim).unwrap_or_default().chars().take(50).collect()
    }

    /// The filter, or what is wrong with it in the merchant's words.
    fn filter(&self) -> Result<AdminFilter, String> {
        let status = match Self::text(self.status.as_deref()).as_str() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(n) if STATUSES.iter().any(|(k, _)| *k == n) => Some(n),
                _ => return Err("订单状态无效".into()),
            },
        };
        let day = |label: &str, v: Option<&str>| {
            rules::day("date", Some(&Self::text(v))).map_err(|_| format!("{label}应为 YYYY-MM-DD 格式的日期"))
        };
        let opt = |v: Option<&str>| Some(Self::text(v)).filter(|s| !s.is_empty());
        Ok(AdminFilter {
            status,
            from_day: day("开始日期", self.from.as_deref())?,
            to_day: day("结束日期", self.to.as_deref())?,
            shopper: opt(self.shopper.as_deref()),
            goods: opt(self.goods.as_deref()),
            q: opt(self.q.as_deref()),
            has_refund: None,
        })
    }

    /// Query pairs for links (empty ones are dropped by the pager).
    fn keep(&self) -> Vec<(&'static str, String)> {
        vec![
            ("status", Self::text(self.status.as_deref())),
            ("from", Self::text(self.from.as_deref())),
            ("to", Self::text(self.to.as_deref())),
            ("shopper", Self::text(self.shopper.as_deref())),
            ("goods", Self::text(self.goods.as_deref())),
            ("q", Self::text(self.q.as_deref())),
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
pub(super) struct ListPage {
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
pub(super) async fn list(staff: Staff, db: &State<Db>, f: Filters) -> Result<Html, AdminError> {
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
        status: Filters::text(f.status.as_deref()),
        from: Filters::text(f.from.as_deref()),
        to: Filters::text(f.to.as_deref()),
        shopper: Filters::text(f.shopper.as_deref()),
        goods: Filters::text(f.goods.as_deref()),
        q: Filters::text(f.q.as_deref()),
        export: format!("/admin/orders/export.csv?{}", f.query()),
        error,
        pager: Pager::new(f.page, total, &pairs),
    })
}

/// A CSV download.
#[derive(Responder)]
#[response(content_type = "text/csv")]
pub(super) struct Csv {
    body: String,
    disposition: Header<'static>,
}

/// Most rows one export writes: far above a small shop's orders, far below a slow request.
pub(super) const EXPORT_MAX: i64 = 20_000;

/// One CSV field: quoted, quotes doubled, and a leading = + - @ defused so a spreadsheet never
/// runs it as a formula.
pub(super) fn csv_field(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@']) { format!("'{v}") } else { v.to_string() };
    format!("\"{}\"", v.replace('"', "\"\""))
}

/// GET /admin/orders/export.csv — staff only. The filtered list (all pages), with a BOM so
/// Excel reads the Chinese right.
#[get("/orders/export.csv?<f..>")]
pub(super) async fn export(_staff: Staff, db: &State<Db>, f: Filters) -> Result<Csv, AdminError> {
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
