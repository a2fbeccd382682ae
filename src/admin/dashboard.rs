//! 概览: the shop at a glance and the first steps for a new merchant.

use askama::Template;
use rocket::{get, routes, Route, State};

use super::page::{render, Html, Staff};
use crate::db::{self, Db};
use crate::error::AdminError;
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
    };
    render(&page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_shop_has_every_step_open() {
        let s = steps(false, 0, true, "http://x/shop");
        assert!(s.iter().all(|s| !s.done));
        assert!(s[3].detail.contains("http://x/shop"));
        assert!(steps(true, 2, false, "").iter().filter(|s| s.done).count() == 3);
    }
}
