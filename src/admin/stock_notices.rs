//! 到货通知: shoppers waiting for sold-out goods, and who was told it is back (the orders job
//! sends the 缺货商品到货 subscription message when the stock rises again).

use askama::Template;
use rocket::{get, routes, Route, State};

use super::page::{render, Html, Pager, Staff};
use crate::db::stock_notice::{self as store, Notice};
use crate::db::Db;
use crate::error::AdminError;

pub fn routes() -> Vec<Route> {
    routes![list]
}

pub struct Row {
    pub shopper: String,
    pub goods_id: i64,
    pub goods: String,
    pub status: i64,
    pub date_add: String,
    pub notified: String,
}

impl From<Notice> for Row {
    fn from(n: Notice) -> Self {
        let who = if n.nick.is_empty() {
            format!("用户 {}", n.user_id)
        } else {
            format!("{}（{}）", n.nick, n.user_id)
        };
        Row {
            shopper: if n.mobile.is_empty() { who } else { format!("{who} {}", n.mobile) },
            goods_id: n.goods_id,
            goods: if n.sku_key.is_empty() {
                n.goods_name
            } else {
                format!("{}（规格 {}）", n.goods_name, n.sku_key)
            },
            status: n.status,
            date_add: super::page::when(&n.date_add),
            notified: super::page::when_opt(&n.date_notified),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/stock_notices/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<Row>,
    goods_id: String,
    status: String,
    pager: Pager,
}

/// GET /admin/stock-notices?goods_id=&status=&page= — staff only. Newest first, 25 a page.
#[get("/stock-notices?<goods_id>&<status>&<page>")]
async fn list(
    staff: Staff,
    db: &State<Db>,
    goods_id: Option<&str>,
    status: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let goods = goods_id.and_then(|g| g.trim().parse::<i64>().ok()).filter(|g| *g > 0);
    let want = super::funds::wanted(status, 1);
    let (rows, total) = db
        .read(move |c| Pager::fetch(page, |offset, limit| store::list(c, goods, want, offset, limit)))
        .await?;
    let goods_id = goods.map(|g| g.to_string()).unwrap_or_default();
    let status = want.map(|s| s.to_string()).unwrap_or_default();
    let pager = Pager::new(page, total, &[("goods_id", &goods_id), ("status", &status)]);
    render(&ListPage { staff, rows: rows.into_iter().map(Row::from).collect(), goods_id, status, pager })
}
