//! What the demo's config values advertise, made to work: `show_score_sign` = 1 shows the sign-in
//! button, so sign-in rules are on; `recharge_amount_min` shows the recharge page, so it offers
//! recharge bonuses; the pay-bill (买单) page gets a discount; purchases earn points; the
//! number-bomb game is on; and an activity page shows the demo's goods and coupons.

use crate::db::activity_mall::ActivityPage;
use crate::db::catalog::{self, MerchantGoodsFilter};
use crate::db::points::SignRule;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::settings::keys::{number_bomb, points};

/// Sign-in points by days in a row.
const SIGN_RULES: &[(i64, i64)] = &[(1, 5), (3, 10), (7, 30)];
/// Recharge bonuses: (at least fen, bonus fen).
const RECHARGE_RULES: &[(i64, i64)] = &[(10_000, 1_000), (30_000, 5_000)];
/// Pay-bill discounts: (at least fen, off fen).
const PAY_BILL: &[(i64, i64)] = &[(10_000, 1_000), (20_000, 3_000)];

/// Adds the rules behind the advertised features; runs after the demo catalogue exists.
pub fn fill(db: &Db) -> Result<(), ApiError> {
    db.write_sync(|c| {
        let now = db::unix_now();
        let rules: Vec<SignRule> =
            SIGN_RULES.iter().map(|&(continuous, score)| SignRule { continuous, score }).collect();
        crate::service::points::save_sign_rules(c, &rules, now)?;
        for &(confine, send) in RECHARGE_RULES {
            db::payment::put_recharge_rule(c, confine, send, now)?;
        }
        for &(consume, off) in PAY_BILL {
            db::pay_bill::put_discount(c, consume, off, now)?;
        }
        for (key, value) in [
            (points::PER_YUAN_SPENT, "1"),
            (number_bomb::ON, "1"),
            (number_bomb::MAX_NUMBER, "100"),
            (number_bomb::WIN_SCORE, "20"),
        ] {
            db::settings::set_setting(c, key, value)?;
        }
        let (all, _) = catalog::merchant_goods(c, &MerchantGoodsFilter::default(), 0, 4)?;
        let goods_ids: Vec<String> = all.iter().map(|g| g.id.to_string()).collect();
        let page = ActivityPage {
            title: "新人福利周".into(),
            title_sub: "签到领积分，充值有赠送，到店买单满减".into(),
            date_start: db::format_unix(now).chars().take(10).collect(),
            address: "小店旗舰店".into(),
            banner_type: "index".into(),
            goods_ids: goods_ids.join(","),
            ..ActivityPage::default()
        };
        db::activity_mall::save(c, None, &page, now)?;
        Ok(())
    })
}
