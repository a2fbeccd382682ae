//! The merchant's console: server-rendered pages under /admin, one file per section.

mod ads;
mod assets;
mod auth;
mod banners;
mod cards;
mod categories;
mod cms;
mod cms_setup;
mod codes;
mod config_values;
mod coupons;
mod crud;
mod dashboard;
mod deposits;
mod files;
mod freight;
mod funds;
// distribution (三级分销)
mod fx;
// partners, commission rules, targets, a distributor's tree
mod fx_team;
mod goods;
mod goods_calendar;
mod goods_editor;
mod goods_review;
mod goods_rules;
mod images;
mod invoices;
mod kefu;
mod keys;
mod levels;
mod links;
// bargain (kanjia) and group buy (pingtuan)
mod marketing;
mod messages;
mod notices;
mod order_settings;
mod orders;
mod outbox;
mod page;
mod pay_bill;
mod payments;
mod points;
mod reputations;
mod sandbox;
mod shop;
mod shops;
// the templates' remaining pages: waiting for sold-out goods, activity pages, monthly benefits
mod activity_pages;
mod member_monthly;
mod stock_notices;
mod user_ledger;
mod users;
mod virtual_goods;
mod wechat;
mod wechat_refunds;
mod withdrawals;
mod words;
pub(crate) mod wxcodes;

use rocket::Catcher;

use crate::config::Config;
use crate::db::{self, Db};
use crate::routing::{by_file, FileRoutes};

pub use auth::{AdminSession, SESSION_COOKIE};

/// Every console route, under /admin.
pub fn routes() -> Vec<FileRoutes> {
    by_file!(
        "/admin", "src/admin";
        assets, // no session needed
        auth,
        dashboard,
        shop,
        config_values,
        banners,
        ads,
        notices,
        links,
        messages,
        files,
        keys,
        wechat,
        users,
        codes,
        levels,
        goods,
        goods_editor/pages,
        categories,
        cms,
        cms_setup,
        orders/list,
        orders/detail,
        orders/writeoff,
        orders/refunds,
        order_settings,
        freight,
        goods_rules,
        goods_calendar,
        goods_review,
        shops,
        reputations,
        coupons,
        virtual_goods,
        withdrawals,
        deposits,
        invoices,
        pay_bill,
        wxcodes,
        sandbox,
        wechat_refunds,
        payments,
        outbox,
        points,
        user_ledger,
        kefu,
        // distribution (三级分销)
        fx,
        // partners, commission rules, targets, a distributor's tree
        fx_team,
        // cards, account deletion, member codes
        cards,
        // bargain (kanjia) and group buy (pingtuan)
        marketing,
        // the templates' remaining pages
        stock_notices,
        activity_pages,
        member_monthly,
    )
}

/// HTML error pages (and the redirect to login) for /admin.
pub fn catchers() -> Vec<Catcher> {
    page::catchers()
}

/// Creates the `admin` account on first start; returns the one-time password when it made one up.
pub fn bootstrap(db: &Db, cfg: &Config) -> Result<Option<String>, String> {
    let count = db.read_sync(db::admin::count_admins).map_err(|e| format!("{e:?}"))?;
    if count > 0 {
        return Ok(None);
    }
    let (password, generated) = match &cfg.admin_password {
        Some(p) if !p.is_empty() => (p.clone(), false),
        _ => (
            crate::secret::random_string(16, b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"),
            true,
        ),
    };
    let hash = crate::service::password::hash_blocking(&password).map_err(|e| format!("{e:?}"))?;
    db.write_sync(|c| db::admin::insert_admin(c, "admin", &hash, db::unix_now()))
        .map_err(|e| format!("{e:?}"))?;
    Ok(generated.then_some(password))
}
