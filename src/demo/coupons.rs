//! Demo data for `--demo`: coupons to take in the 领券中心 (a free one, one for points, one with a
//! password), a merge rule, and two virtual goods (free paid content, and cards with stock).

use crate::db::coupons::{self as store, RuleFields};
use crate::db::virtual_goods::GoodsFields;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::{coupons, virtual_goods};

const DAY: i64 = 86_400;

pub fn fill(db: &Db) -> Result<(), ApiError> {
    Ok(db.write_sync(|c| {
        let now = db::unix_now();
        let base = RuleFields {
            valid_type: 1,
            valid_days: 30,
            number_total: 1000,
            per_user: 1,
            ..Default::default()
        };
        let ten_off = coupons::save_rule(
            c,
            None,
            RuleFields { name: "满100减10".into(), money: 1000, money_hreshold: 10_000, ..base.clone() },
            now,
        )?;
        coupons::save_rule(
            c,
            None,
            RuleFields { name: "无门槛5元券".into(), money: 500, need_score: 100, ..base.clone() },
            now,
        )?;
        coupons::save_rule(
            c,
            None,
            RuleFields {
                name: "会员88折券".into(),
                money_type: 1,
                money: 88,
                money_max: 5000,
                pwd: "8888".into(),
                valid_type: 0,
                date_start: now - DAY,
                date_end: now + 90 * DAY,
                ..base.clone()
            },
            now,
        )?;
        let big = coupons::save_rule(
            c,
            None,
            RuleFields {
                name: "满200减30".into(),
                money: 3000,
                money_hreshold: 20_000,
                number_total: 0,
                ..base
            },
            now,
        )?;
        store::insert_merge(c, "两张满100减10换一张满200减30", big, &[(ten_off, 2)], now)?;
        virtual_goods::save(
            c,
            None,
            GoodsFields {
                name: "新手开店指南".into(),
                description: "十分钟读懂小程序开店的每一步。".into(),
                content: "第一步：在后台填写店铺名称和微信 AppID……".into(),
                kind: 0,
                price: 0,
                ..Default::default()
            },
            now,
        )?;
        let card = virtual_goods::save(
            c,
            None,
            GoodsFields {
                name: "视频会员体验卡".into(),
                description: "购买后获得一张 7 天体验卡卡密。".into(),
                kind: 1,
                price: 0,
                ..Default::default()
            },
            now,
        )?;
        virtual_goods::add_cards(c, card, "DEMO-CARD-0001\nDEMO-CARD-0002\nDEMO-CARD-0003", now).map(drop)
    })?)
}
