//! 概览: the shop at a glance and the first steps for a new merchant.

use askama::Template;
use rocket::{get, routes, Route, State};

use super::page::{render, Html, Staff};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::present::BaseUrl;
use crate::settings::{keys, Settings};

pub fn routes() -> Vec<Route> {
    routes![dashboard]
}

struct Counts {
    banners: usize,
    notices: i64,
    files: i64,
    bytes: i64,
    users: i64,
}

/// The day's figures: open work, sales, the 30-day chart, best sellers, low stock.
struct DayFigures {
    work: db::dashboard::Work,
    today: db::dashboard::Sales,
    month: db::dashboard::Sales,
    chart: Chart,
    top: Vec<db::dashboard::TopGoods>,
    low: Vec<(i64, String, i64)>,
    /// The shop's date today, "YYYY-MM-DD", for the orders list's filter.
    date: String,
    /// The first day of this month, "YYYY-MM-01".
    month_first: String,
}

/// Fen as yuan for the page ("12.30").
#[allow(clippy::trivially_copy_pass_by_ref)] // askama passes template arguments by reference
pub fn yuan(fen: &i64) -> String {
    money::format(*fen)
}

/// How many days the sales chart shows, and what counts as low stock.
const CHART_DAYS: i64 = 30;
const LOW_STOCK: i64 = 5;

/// A server-drawn bar chart: one bar per day, heights in the SVG's own units.
struct Chart {
    /// (x, y, height, title) of each bar.
    bars: Vec<(i64, i64, i64, String)>,
    /// The highest day's amount in yuan, for the axis label.
    top: String,
    total: String,
}

const CHART_W: i64 = 600;
const CHART_H: i64 = 120;

impl Chart {
    /// Bars for the `days` days ending `last_day` (days since the epoch in the shop's clock).
    fn new(daily: &[(i64, db::dashboard::Sales)], last_day: i64, days: i64) -> Chart {
        let fen_of =
            |day: i64| daily.iter().find(|(d, _)| *d == day).map_or((0, 0), |(_, s)| (s.fen, s.orders));
        let max = daily.iter().map(|(_, s)| s.fen).max().unwrap_or(0).max(1);
        let step = CHART_W / days;
        let bars = (0..days)
            .map(|i| {
                let day = last_day - days + 1 + i;
                let (fen, orders) = fen_of(day);
                let h = if fen == 0 { 0 } else { (fen * CHART_H / max).max(2) };
                let date = db::format_unix(day * 86400 - db::dashboard::SHOP_OFFSET + 43200);
                let title =
                    format!("{} · ¥{} · {orders} 单", date.get(..10).unwrap_or_default(), money::format(fen));
                (i * step + 2, CHART_H - h, h, title)
            })
            .collect();
        let total = daily.iter().map(|(_, s)| s.fen).sum();
        Chart { bars, top: money::format(if max == 1 { 0 } else { max }), total: money::format(total) }
    }
}

/// One line of the first-steps checklist.
struct Step {
    done: bool,
    title: &'static str,
    detail: String,
    href: &'static str,
    action: &'static str,
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct Dashboard {
    staff: Staff,
    base: String,
    sub_domain: String,
    counts: Counts,
    config_values: usize,
    quota: i64,
    steps: Vec<Step>,
    day: DayFigures,
}

impl Dashboard {
    fn api_base(&self) -> String {
        format!("{}/{}", self.base, self.sub_domain)
    }
}

fn steps(shop_named: bool, banners: usize, sandbox: bool, api_base: &str) -> Vec<Step> {
    vec![
        Step {
            done: shop_named,
            title: "填写店铺名称",
            detail: "顾客在小程序里看到的店名。".into(),
            href: "/admin/shop",
            action: "去设置",
        },
        Step {
            done: false,
            title: "修改初始密码",
            detail: "首次启动时生成或由环境变量给出的密码，建议换成只有你知道的密码。".into(),
            href: "/admin/password",
            action: "去修改",
        },
        Step {
            done: banners > 0,
            title: "添加首页轮播图",
            detail: "小程序首页顶部滚动的大图，类型一般填 index。".into(),
            href: "/admin/banners/new",
            action: "去添加",
        },
        Step {
            done: !sandbox,
            title: "让小程序连上本店",
            detail: format!(
                "把 /sdk/xiaodian.js 放进小程序，并把接口地址指向 {api_base}（做法见下方“接入小程序”）。\
                 配置微信 AppID 之前，微信登录和支付由内置模拟器应答。"
            ),
            href: "#connect",
            action: "查看做法",
        },
    ]
}

/// GET /admin — staff only.
#[get("/")]
async fn dashboard(
    staff: Staff,
    db: &State<Db>,
    settings: &State<Settings>,
    base: BaseUrl,
) -> Result<Html, AdminError> {
    let counts = db
        .read(|c| {
            let (files, bytes) = db::site::upload_totals(c)?;
            Ok::<_, AdminError>(Counts {
                banners: db::site::all_banners(c, None, None)?.len(),
                notices: db::site::all_notices(c, None, 0, 0)?.1,
                files,
                bytes,
                users: db::user::count_users(c)?,
            })
        })
        .await?;
    let now = db::unix_now();
    let day_no = (now + db::dashboard::SHOP_OFFSET) / 86400;
    let day_start = day_no * 86400 - db::dashboard::SHOP_OFFSET;
    let date = db::format_unix(now).get(..10).unwrap_or_default().to_string();
    let month_start =
        day_start - (date.get(8..10).and_then(|d| d.parse::<i64>().ok()).unwrap_or(1) - 1) * 86400;
    let chart_start = day_start - (CHART_DAYS - 1) * 86400;
    let day = db
        .read(move |c| {
            Ok::<_, AdminError>(DayFigures {
                work: db::dashboard::work(c)?,
                today: db::dashboard::sales_since(c, day_start)?,
                month: db::dashboard::sales_since(c, month_start)?,
                chart: Chart::new(&db::dashboard::daily_sales(c, chart_start)?, day_no, CHART_DAYS),
                top: db::dashboard::top_goods(c, chart_start, 5)?,
                low: db::dashboard::low_stock(c, LOW_STOCK, 5)?,
                month_first: format!("{}01", date.get(..8).unwrap_or_default()),
                date,
            })
        })
        .await?;
    let snap = settings.get();
    let sub_domain = snap.subdomain().to_string();
    let api_base = format!("{}/{sub_domain}", base.0);
    let steps = steps(snap.get(keys::SHOP_NAME).is_some(), counts.banners, staff.sandbox, &api_base);
    let page = Dashboard {
        staff,
        base: base.0,
        sub_domain,
        counts,
        config_values: snap.config.len(),
        quota: snap.upload_quota_bytes(),
        steps,
        day,
    };
    render(&page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_has_a_bar_a_day_scaled_to_the_best_day() {
        let s = |fen| db::dashboard::Sales { orders: 1, fen };
        let c = Chart::new(&[(100, s(5000)), (98, s(2500))], 100, 3);
        let heights: Vec<i64> = c.bars.iter().map(|b| b.2).collect();
        assert_eq!(heights, [CHART_H / 2, 0, CHART_H]);
        assert_eq!((c.top.as_str(), c.total.as_str()), ("50.00", "75.00"));
        assert!(c.bars[2].3.contains("¥50.00 · 1 单"), "{}", c.bars[2].3);
    }

    #[test]
    fn a_new_shop_has_every_step_open() {
        let s = steps(false, 0, true, "http://x/shop");
        assert!(s.iter().all(|s| !s.done));
        assert!(s[3].detail.contains("http://x/shop"));
        assert!(steps(true, 2, false, "").iter().filter(|s| s.done).count() == 3);
    }
}
