//! The merchant's console: server-rendered pages under /admin, one file per section.

mod ads;
mod assets;
mod auth;
mod banners;
mod categories;
mod cms;
mod cms_setup;
mod codes;
mod config_values;
mod coupons;
mod dashboard;
mod deposits;
mod files;
mod freight;
mod funds;
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
mod user_ledger;
mod users;
mod virtual_goods;
mod wechat;
mod wechat_refunds;
mod withdrawals;
pub(crate) mod wxcodes;

use rocket::{Catcher, Route};

use crate::config::Config;
use crate::db::{self, Db};

pub use auth::{AdminSession, SESSION_COOKIE};

/// Every console route; lib.rs mounts them at /admin.
pub fn routes() -> Vec<Route> {
    let mut all = Vec::new();
    all.extend(assets::routes()); // /static/<file>, no session needed
    all.extend(auth::routes()); // /login /logout /password
    all.extend(dashboard::routes()); // /
    all.extend(shop::routes()); // /shop
    all.extend(config_values::routes()); // /config
    all.extend(banners::routes()); // /banners
    all.extend(ads::routes()); // /ads
    all.extend(notices::routes()); // /notices
    all.extend(links::routes()); // /links
    all.extend(messages::routes()); // /messages
    all.extend(files::routes()); // /files
    all.extend(keys::routes()); // /keys
    all.extend(wechat::routes()); // /wechat
    all.extend(users::routes()); // /users
    all.extend(codes::routes()); // /codes
    all.extend(levels::routes()); // /levels
    all.extend(goods::routes()); // /goods
    all.extend(goods_editor::routes()); // /goods/new /goods/<id>
    all.extend(categories::routes()); // /categories
    all.extend(cms::routes()); // /articles /comments
    all.extend(cms_setup::routes()); // /article-categories /pages
    all.extend(orders::routes()); // /orders /refunds /writeoff
    all.extend(order_settings::routes()); // /order-settings
    all.extend(freight::routes()); // /freight
    all.extend(goods_rules::routes()); // /goods/<id>/rules
    all.extend(goods_calendar::routes()); // /goods/<id>/calendar
    all.extend(goods_review::routes()); // /goods-review
    all.extend(shops::routes()); // /shops
    all.extend(reputations::routes()); // /reputations
    all.extend(coupons::routes()); // /coupons
    all.extend(virtual_goods::routes()); // /virtual-goods
    all.extend(withdrawals::routes()); // /withdrawals
    all.extend(deposits::routes()); // /deposits
    all.extend(invoices::routes()); // /invoices
    all.extend(pay_bill::routes()); // /pay-bill
    all.extend(wxcodes::routes()); // /wxcodes /wxcodes/schemes
    all.extend(sandbox::routes()); // /sandbox
    all.extend(wechat_refunds::routes()); // /wechat-refunds
    all.extend(payments::routes()); // /payments
    all.extend(outbox::routes()); // /subscribe-messages /outbox
    all.extend(points::routes()); // /points /points/codes
    all.extend(user_ledger::routes()); // /users/<id>/ledger
    all.extend(kefu::routes()); // /kefu
    all
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
