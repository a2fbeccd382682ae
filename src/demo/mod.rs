//! `--demo`: fills an empty shop with a demo shop (pictures shipped in static/demo, no network).

pub mod bench_data;
mod calendar;
// bargain (kanjia)
mod catalog;
mod cms;
mod coupons;
// what the config values advertise
mod features;
mod marketing;
// distribution (三级分销)
mod fx;
mod rules;
mod shopfront;

use crate::config::Config;
use crate::db::{self, site::BannerInput, Db};
use crate::error::ApiError;
use crate::service::upload;
use crate::settings::keys;

#[derive(rust_embed::RustEmbed)]
#[folder = "static/demo/"]
struct Pictures;

/// The bytes of a demo picture in static/demo (also used by `bench-data`).
pub fn picture(name: &str) -> Option<Vec<u8>> {
    Pictures::get(name).map(|f| f.data.into_owned())
}

/// Config values the shop templates read at launch (shared/api/flows.md "Config"), with the
/// values a new shop should start from.
pub const TEMPLATE_CONFIG: &[(&str, &str, &str)] = &[
    ("mallName", "小店演示商城", "商城名称"),
    ("wxpay_api_url", "/pay/wx/wxapp", "微信支付接口路径"),
    ("order_pay_user_balance", "1", "下单时可用余额支付"),
    ("needIdCheck", "0", "下单需实名认证"),
    ("needBindMobile", "0", "需绑定手机号"),
    ("subscribe_ids", "", "订阅消息模板ID，逗号分隔"),
    ("create_order_ext", "", "下单扩展字段"),
    ("zt_open_hx", "1", "自提订单核销"),
    ("sphpay_open", "0", "视频号支付"),
    ("alipay", "0", "支付宝支付"),
    ("shopping_cart_vop_open", "0", "京东购物车"),
    ("ALLOW_SELF_COLLECTION", "1", "允许到店自提"),
    ("share_profile", "好物推荐，快来看看吧", "分享文案"),
    ("shopMod", "0", "多门店模式"),
    ("balance_pay_pwd", "0", "余额支付需密码"),
    ("hide_reputation", "0", "隐藏商品评价"),
    ("show_buy_dynamic", "1", "显示购买动态"),
    ("show_score_sign", "1", "显示签到"),
    ("WITHDRAW_MIN", "10", "最低提现金额（元）"),
    ("recharge_amount_min", "1", "最低充值金额（元）"),
];

/// Fills the shop when it has no config values and no banners yet; true when it wrote anything.
pub fn fill_if_empty(db: &Db, cfg: &Config) -> Result<bool, ApiError> {
    if db.read_sync(db::site::has_config_or_banners)? {
        return Ok(false);
    }
    let mut urls = std::collections::HashMap::new();
    for name in Pictures::iter().filter(|n| n.ends_with(".png")) {
        let file = Pictures::get(&name).ok_or_else(|| ApiError::Internal(format!("demo picture {name}")))?;
        let stored = upload::store(db, &cfg.uploads_dir(), u64::MAX, &file.data, &name, None, None)?;
        urls.insert(name.to_string(), upload::relative_url(&stored.path));
    }
    let pic = |n: &str| urls.get(n).cloned().unwrap_or_default();
    db.write_sync(|c| {
        let now = db::unix_now();
        db::settings::set_setting(c, keys::SHOP_NAME, "小店演示商城")?;
        for (key, value, remark) in TEMPLATE_CONFIG {
            db::settings::put_config_value(c, key, value, remark, now)?;
        }
        let banners = [
            ("新品上市", "banner-1.png", "/pages/goods/list"),
            ("会员专享", "banner-2.png", "/pages/vip/index"),
            ("限时特惠", "banner-3.png", "/pages/coupons/index"),
        ];
        for (i, (title, file, link)) in banners.iter().enumerate() {
            let b = BannerInput {
                kind: "index".into(),
                title: title.to_string(),
                pic_url: pic(file),
                link_url: link.to_string(),
                paixu: i as i64,
                ..BannerInput::default()
            };
            db::site::insert_banner(c, &b, now)?;
        }
        let popup = BannerInput {
            kind: "start".into(),
            title: "欢迎光临".into(),
            pic_url: pic("ad-popup.png"),
            ..BannerInput::default()
        };
        db::site::insert_banner(c, &popup, now)?;
        db::site::put_ad_position(
            c,
            "indexPop",
            &pic("ad-popup.png"),
            "/pages/coupons/index",
            0,
            "首页弹窗",
            0,
            now,
        )?;
        let notices = [
            ("欢迎来到小店演示商城", "这是演示数据：商品、轮播图和公告都可以在后台修改或删除。"),
            ("满 99 元包邮", "全场订单满 99 元免运费，偏远地区除外。"),
            ("营业时间", "客服在线时间：每天 9:00–21:00。"),
        ];
        for (title, content) in notices {
            db::site::insert_notice(c, "", title, content, true, now)?;
        }
        db::site::save_partner(c, None, "", "小店", &pic("goods-tea.png"), "https://example.com", 0, 0, now)?;
        member_levels(c, now)?;
        demo_cards(c, &pic("banner-2.png"), now)
    })?;
    catalog::fill(db, &urls)?;
    rules::fill(db)?;
    cms::fill(db, &urls)?;
    shopfront::fill(db)?;
    shopfront::fill_shops(db)?;
    calendar::fill(db, &urls)?;
    coupons::fill(db)?;
    // bargain (kanjia) and group buy (pingtuan)
    marketing::fill(db)?;
    fx::fill(db)?;
    // what the config values advertise
    features::fill(db)?;
    Ok(true)
}

/// A demo member level: (days, price fen, original price fen) per price.
struct DemoLevel {
    name: &'static str,
    level: i64,
    rebate_percent: i64,
    gift: i64,
    benefits: &'static [(&'static str, &'static str)],
    prices: &'static [(i64, i64, i64)],
}

const DEMO_LEVELS: [DemoLevel; 3] = [
    DemoLevel {
        name: "白银会员",
        level: 1,
        rebate_percent: 98,
        gift: 10,
        benefits: &[("会员价", "全场 9.8 折")],
        prices: &[(30, 990, 1500), (365, 9900, 18000)],
    },
    DemoLevel {
        name: "黄金会员",
        level: 2,
        rebate_percent: 95,
        gift: 100,
        benefits: &[("会员价", "全场 9.5 折"), ("生日礼", "生日当月双倍积分")],
        prices: &[(30, 1990, 2900), (365, 19900, 34800)],
    },
    DemoLevel {
        name: "钻石会员",
        level: 3,
        rebate_percent: 88,
        gift: 500,
        benefits: &[("会员价", "全场 8.8 折"), ("专属客服", "7×24 小时")],
        prices: &[(365, 39900, 69900)],
    },
];

/// Three member levels with prices, so the template's 会员中心 (linked from a demo banner) works.
fn member_levels(c: &rusqlite::Connection, now: i64) -> Result<(), ApiError> {
    use crate::db::levels::{insert_level, insert_price, LevelFields, PriceFields};
    use crate::service::levels::Benefits;
    for d in &DEMO_LEVELS {
        let benefits = Benefits(d.benefits.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        let f = LevelFields {
            name: d.name.into(),
            level: d.level,
            pic: String::new(),
            remark: format!("{}：购物享折扣，升级送积分", d.name),
            rebate_percent: d.rebate_percent,
            upgrade_send_score: d.gift,
            ext_json: benefits.to_json(),
            paixu: d.level,
            status: 0,
        };
        let id = insert_level(c, &f, now)?;
        for &(days, price_fen, original_price_fen) in d.prices {
            let p = PriceFields { days, price_fen, original_price_fen, paixu: 0, status: 0 };
            insert_price(c, id, &p, now)?;
        }
    }
    Ok(())
}

/// Two cards on sale, so the template's 会员卡 pages and its "use a card" choice show something:
/// a count card and a value card sold below its face value.
fn demo_cards(c: &rusqlite::Connection, pic: &str, now: i64) -> Result<(), ApiError> {
    use crate::db::cards::{insert_card, CardFields};
    let cards = [
        ("洗车次卡（10 次）", 0, 10, 19_900, 365, "到店出示会员码，每次洗车用 1 次。"),
        ("储值卡 100 元", 1, 10_000, 9_000, 0, "储值 100 元，只需 90 元。"),
    ];
    for (i, (name, kind, amount, price, days, content)) in cards.into_iter().enumerate() {
        let f = CardFields {
            name: name.into(),
            kind,
            amount,
            price,
            days,
            refs: String::new(),
            pic: pic.into(),
            content: content.into(),
            paixu: i64::try_from(i).unwrap_or(0),
            status: 0,
        };
        insert_card(c, &f, now)?;
    }
    Ok(())
}
