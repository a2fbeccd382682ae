//! Builders that arrange state through the shop's own functions (service:: and db::), never raw
//! SQL: `app.goods().name("T恤").spec("颜色", &["红", "蓝"]).stock(5).create()`.

use xiaodian::db::catalog::GoodsFields;
use xiaodian::db::coupons::RuleFields;
use xiaodian::db::freight::{Fees, TemplateFields};
use xiaodian::db::goods_rules::{self, NewLimit, NewTier};
use xiaodian::db::levels::{LevelFields, PriceFields};
use xiaodian::db::reputation::NewReputation;
use xiaodian::db::{self, unix_now};
use xiaodian::service::catalog::{self, NewGoods, NewSku, NewSpec};
use xiaodian::service::coupons;
use xiaodian::service::ledger::{self, Account, Source};
use xiaodian::service::levels::Benefits;

use super::{Failed, TestApp};

const DAY: i64 = 86_400;

// ---- goods

/// Goods without specs: name, price in fen, stock.
pub fn plain(name: &str, price: i64, stores: i64) -> NewGoods {
    NewGoods {
        fields: GoodsFields {
            name: name.into(),
            min_price: price,
            original_price: price,
            stores,
            ..GoodsFields::default()
        },
        ..NewGoods::default()
    }
}

/// A T-shirt in 红/蓝 × M/L; every SKU 50.00 except 蓝 L at 60.00; stock 1–4.
pub fn tee(name: &str) -> NewGoods {
    let sku = |c: &str, s: &str, price, stores| NewSku {
        values: vec![c.into(), s.into()],
        price,
        original_price: 8000,
        stores,
        ..NewSku::default()
    };
    NewGoods {
        fields: GoodsFields { name: name.into(), ..GoodsFields::default() },
        specs: vec![
            NewSpec { name: "颜色".into(), values: vec!["红".into(), "蓝".into()] },
            NewSpec { name: "尺码".into(), values: vec!["M".into(), "L".into()] },
        ],
        skus: vec![
            sku("红", "M", 5000, 1),
            sku("红", "L", 5000, 2),
            sku("蓝", "M", 5000, 3),
            sku("蓝", "L", 6000, 4),
        ],
        ..NewGoods::default()
    }
}

/// Goods being arranged: 测试商品 at 10.00, stock 10, on the shelf, no specs unless given.
pub struct GoodsBuilder<'a> {
    app: &'a TestApp,
    goods: NewGoods,
    /// Per combination (values): price and stock that differ from the goods' own.
    skus: Vec<NewSku>,
}

impl GoodsBuilder<'_> {
    pub fn name(mut self, name: &str) -> Self {
        self.goods.fields.name = name.into();
        self
    }

    /// Price (and original price) in fen; also every SKU's unless set by [`GoodsBuilder::sku`].
    pub fn price(mut self, fen: i64) -> Self {
        self.goods.fields.min_price = fen;
        self.goods.fields.original_price = fen;
        self
    }

    /// Stock of the goods; also every SKU's unless set by [`GoodsBuilder::sku`].
    pub fn stock(mut self, n: i64) -> Self {
        self.goods.fields.stores = n;
        self
    }

    /// Adds a spec with its values; SKUs are every combination.
    pub fn spec(mut self, name: &str, values: &[&str]) -> Self {
        let values = values.iter().map(|v| (*v).to_string()).collect();
        self.goods.specs.push(NewSpec { name: name.into(), values });
        self
    }

    /// One combination's own price and stock (values in the specs' order).
    pub fn sku(mut self, values: &[&str], price: i64, stock: i64) -> Self {
        let values = values.iter().map(|v| (*v).to_string()).collect();
        self.skus.push(NewSku { values, price, original_price: price, stores: stock, ..NewSku::default() });
        self
    }

    /// The main picture.
    pub fn pic(mut self, url: &str) -> Self {
        self.goods.fields.pic = url.into();
        self
    }

    /// Anything else of the goods' own fields.
    pub fn fields(mut self, edit: impl FnOnce(&mut GoodsFields)) -> Self {
        edit(&mut self.goods.fields);
        self
    }

    /// Creates it; its id.
    pub fn create(self) -> i64 {
        let GoodsBuilder { app, mut goods, skus } = self;
        if !goods.specs.is_empty() {
            let combos = catalog::combinations(&goods.specs).expect("specs combine");
            let f = &goods.fields;
            goods.skus = combos
                .into_iter()
                .map(|values| {
                    skus.iter().find(|s| s.values == values).cloned().unwrap_or(NewSku {
                        values,
                        price: f.min_price,
                        original_price: f.original_price,
                        stores: f.stores,
                        ..NewSku::default()
                    })
                })
                .collect();
        }
        app.add_goods(goods)
    }
}

impl TestApp {
    /// Arranges goods: `app.goods().name("T恤").spec("颜色", &["红", "蓝"]).stock(5).create()`.
    pub fn goods(&self) -> GoodsBuilder<'_> {
        GoodsBuilder { app: self, goods: plain("测试商品", 1000, 10), skus: Vec::new() }
    }

    /// Creates goods whole (pictures, specs, SKUs) as the console and merchant API do; its id.
    pub fn add_goods(&self, g: NewGoods) -> i64 {
        self.write(|c| catalog::create_goods(c, &g, unix_now()))
    }

    /// Puts goods on or off the shelf.
    pub fn set_shelf(&self, goods: i64, on: bool) {
        self.write(|c| catalog::set_shelf(c, &[goods], on, unix_now()));
    }

    /// ((property id, value id) of `color`, (property id, value id) of `size`) of a tee.
    pub fn spec_ids(&self, goods: i64, color: &str, size: &str) -> ((i64, i64), (i64, i64)) {
        let specs = self.query(|c| db::catalog::properties(c, goods));
        let pick = |prop: &str, value: &str| {
            let p = specs.iter().find(|p| p.name == prop).unwrap_or_else(|| panic!("no spec {prop}"));
            let v =
                p.children.iter().find(|v| v.name == value).unwrap_or_else(|| panic!("no {prop} {value}"));
            (p.id, v.id)
        };
        (pick("颜色", color), pick("尺码", size))
    }

    /// The "pid:cid,pid:cid" key of a tee's SKU.
    pub fn tee_key(&self, goods: i64, color: &str, size: &str) -> String {
        let (a, b) = self.spec_ids(goods, color, size);
        format!("{}:{},{}:{}", a.0, a.1, b.0, b.1)
    }

    pub fn goods_stores(&self, goods: i64) -> i64 {
        self.query(|c| c.query_row("SELECT stores FROM goods WHERE id = ?1", [goods], |r| r.get(0)))
    }

    pub fn sku_stores(&self, goods: i64, key: &str) -> i64 {
        let canonical = catalog::key_text(&catalog::parse_key(key).unwrap());
        self.query(|c| {
            c.query_row(
                "SELECT stores FROM goods_skus WHERE goods_id = ?1 AND property_child_ids = ?2",
                rusqlite::params![goods, canonical],
                |r| r.get(0),
            )
        })
    }

    /// From `number` pieces on, each costs `price` fen.
    pub fn price_tier(&self, goods: i64, number: i64, price: i64) {
        let tier = NewTier { sku_id: None, number, price };
        self.write(|c| goods_rules::replace_tiers(c, goods, &[tier]));
    }

    /// An optional add-on group `group` with one item `item` at `price` fen a piece; (group, item).
    pub fn add_on(&self, goods: i64, group: &str, item: &str, price: i64) -> (i64, i64) {
        self.write(|c| {
            let g = goods_rules::insert_addition_group(c, goods, group, false, true, 0)?;
            Ok::<_, Failed>((g, goods_rules::insert_addition_item(c, g, item, price, 0)?))
        })
    }

    /// A purchase limit for every shopper: `buy_numbers` pieces per `duration` `unit`s (codes of
    /// goods_limits in schema.sql).
    pub fn purchase_limit(&self, goods: i64, unit: i64, duration: i64, buy_numbers: i64) {
        let limit = NewLimit { sku_id: None, user_level_id: None, unit, duration, buy_numbers };
        self.write(|c| goods_rules::replace_limits(c, goods, &[limit]));
    }

    /// Sets one SKU's stock (key "pid:cid,..." in any order), as the merchant's stock edit does.
    pub fn set_sku_stock(&self, goods: i64, key: &str, stores: i64) {
        let canonical = catalog::key_text(&catalog::parse_key(key).unwrap());
        self.write(|c| {
            let sku = db::catalog::sku(c, goods, &canonical)?.expect("the SKU");
            db::catalog::set_sku_stores(c, sku.id, stores).map_err(Failed::from)
        });
    }

    /// A review of goods by a shopper: 0 bad, 1 medium, 2 good; its id.
    pub fn review(
        &self,
        goods: i64,
        user: i64,
        reputation: i64,
        stars: i64,
        remark: &str,
        pics: &[&str],
    ) -> i64 {
        let r = NewReputation {
            order_goods_id: None,
            goods_id: goods,
            user_id: user,
            reputation,
            stars,
            remark: remark.into(),
            pics: pics.iter().map(|p| (*p).to_string()).collect(),
        };
        self.write(|c| db::reputation::insert(c, &r, unix_now()))
    }

    // ---- freight

    /// A by-piece freight template: `first` fen for the first piece, `each` fen for each further one.
    pub fn freight_template(&self, name: &str, first: i64, each: i64) -> i64 {
        let f = TemplateFields {
            name: name.into(),
            fee_type: 0,
            is_free: false,
            fees: Fees { first_number: 1, first_amount: first, add_number: 1, add_amount: each },
            region_fees: Vec::new(),
            free_rules: Vec::new(),
        };
        self.write(|c| db::freight::insert_template(c, &f, 0))
    }

    /// Puts a goods on a freight template of 8 元 for the first piece and 2 元 for each further one.
    pub fn ship_by_template(&self, goods: i64) {
        let id = self.freight_template("快递", 800, 200);
        self.write(|c| db::freight::set_goods_template(c, goods, Some(id)));
    }

    // ---- accounts

    /// Credits a shopper's balance (fen) or points through the ledger.
    pub fn credit(&self, user: i64, account: Account, amount: i64) {
        self.write(|c| ledger::post(c, user, account, amount, "测试入账", Source::Admin, ""));
    }

    pub fn account(&self, user: i64) -> ledger::Accounts {
        self.query(|c| ledger::accounts_of(c, user))
    }

    /// What the ledger check finds wrong (empty when every account equals the sum of its rows).
    pub fn ledger_check(&self) -> Vec<String> {
        self.query(ledger::check)
    }

    /// How many ledger rows a shopper has.
    pub fn ledger_rows(&self, uid: i64) -> i64 {
        self.query(|c| c.query_row("SELECT count(*) FROM ledger WHERE user_id = ?1", [uid], |r| r.get(0)))
    }

    /// The stored balance and the sum of its ledger rows.
    pub fn balance_and_sum(&self, uid: i64) -> (i64, i64) {
        self.query(|c| {
            c.query_row(
                "SELECT (SELECT coalesce(max(balance), 0) FROM user_accounts WHERE user_id = ?1),
                        (SELECT coalesce(sum(amount), 0) FROM ledger WHERE user_id = ?1 AND account = 'balance')",
                [uid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
        })
    }
}

// ---- shoppers

/// A shopper being arranged; `create` answers (uid, live token).
pub struct ShopperBuilder<'a> {
    app: &'a TestApp,
    nick: String,
    mobile: Option<String>,
}

impl ShopperBuilder<'_> {
    pub fn mobile(mut self, mobile: &str) -> Self {
        self.mobile = Some(mobile.into());
        self
    }

    pub fn create(self) -> (i64, String) {
        let token = xiaodian::secret::new_token();
        let hash = xiaodian::secret::hash_token(&token);
        let id = self.app.write(|c| {
            let now = unix_now();
            let id = db::user::insert_user(c, &self.nick, now)?;
            db::user::insert_token(c, &hash, id, now + 3600, now)?;
            if let Some(m) = &self.mobile {
                db::user::set_mobile(c, id, m)?;
            }
            Ok::<_, Failed>(id)
        });
        (id, token)
    }
}

impl TestApp {
    /// Arranges a shopper with a live token: `app.new_shopper("alice").mobile("13800138000").create()`.
    pub fn new_shopper(&self, nick: &str) -> ShopperBuilder<'_> {
        ShopperBuilder { app: self, nick: nick.into(), mobile: None }
    }

    /// Disables a shopper as the console does (their logins end with it).
    pub fn disable(&self, uid: i64) {
        assert!(self.write(|c| db::user::set_status(c, uid, 1)), "no shopper {uid}");
    }

    /// Sets only the disabled flag and keeps the shopper's live tokens: a state the console never
    /// leaves (disabling there ends every login), for checks that a live token is refused all the same.
    pub fn disable_keeping_logins(&self, uid: i64) {
        self.write(|c| c.execute("UPDATE users SET status = 1 WHERE id = ?1", [uid]));
    }

    /// Binds a mobile number to a shopper.
    pub fn set_mobile(&self, uid: i64, mobile: &str) {
        self.write(|c| db::user::set_mobile(c, uid, mobile));
    }

    /// Binds an e-mail address to a shopper.
    pub fn set_email(&self, uid: i64, email: &str) {
        self.write(|c| db::user::set_email(c, uid, email));
    }
}

// ---- coupons

/// A coupon rule being arranged: 满100减10 valid for 30 days from now, 100 of them, 1 per shopper.
pub struct CouponBuilder<'a> {
    app: &'a TestApp,
    f: RuleFields,
}

impl CouponBuilder<'_> {
    pub fn name(mut self, name: &str) -> Self {
        self.f.name = name.into();
        self
    }

    /// The order amount (fen) from which it applies.
    pub fn threshold(mut self, fen: i64) -> Self {
        self.f.money_hreshold = fen;
        self
    }

    pub fn per_user(mut self, n: i64) -> Self {
        self.f.per_user = n;
        self
    }

    /// Valid from `start` to `end` (unix seconds).
    pub fn valid(mut self, start: i64, end: i64) -> Self {
        self.f.date_start = start;
        self.f.date_end = end;
        self
    }

    /// Anything else of the rule.
    pub fn fields(mut self, edit: impl FnOnce(&mut RuleFields)) -> Self {
        edit(&mut self.f);
        self
    }

    /// Saves the rule as the merchant does; its id.
    pub fn create(self) -> i64 {
        let f = self.f;
        self.app.write(|c| coupons::save_rule(c, None, f, unix_now()))
    }

    /// Saves the rule and grants one coupon of it to `uid` (`source` as the shop records it);
    /// the held coupon's id.
    pub fn give_to(self, uid: i64, source: &str) -> i64 {
        let (app, f) = (self.app, self.f);
        app.write(|c| {
            let id = coupons::save_rule(c, None, f, unix_now())?;
            let rule = db::coupons::rule(c, id)?.expect("the rule just saved");
            coupons::grant(c, &rule, uid, source, unix_now()).map_err(Failed::from)
        })
    }
}

impl TestApp {
    /// Arranges a coupon rule: `app.coupon().money(1000).threshold(3000).give_to(uid, "admin")`.
    pub fn coupon(&self) -> CouponBuilder<'_> {
        let now = unix_now();
        let f = RuleFields {
            name: "满100减10".into(),
            money_type: 0,
            money: 1000,
            money_hreshold: 10000,
            valid_type: 0,
            date_start: now - 60,
            date_end: now + 30 * DAY,
            number_total: 100,
            per_user: 1,
            ..RuleFields::default()
        };
        CouponBuilder { app: self, f }
    }
}

// ---- member levels

/// A member level being arranged: shown, no discount, no gift.
pub struct LevelBuilder<'a> {
    app: &'a TestApp,
    f: LevelFields,
}

impl LevelBuilder<'_> {
    /// Pays `percent` of the price (95 = 5% off).
    pub fn rebate(mut self, percent: i64) -> Self {
        self.f.rebate_percent = percent;
        self
    }

    /// Points given on reaching it.
    pub fn gift(mut self, points: i64) -> Self {
        self.f.upgrade_send_score = points;
        self
    }

    pub fn hidden(mut self) -> Self {
        self.f.status = 1;
        self
    }

    /// Saves it; its id.
    pub fn create(self) -> i64 {
        let f = self.f;
        self.app.write(|c| db::levels::insert_level(c, &f, unix_now()))
    }
}

impl TestApp {
    /// Arranges member level `number` called `name`, with two benefits and a picture.
    pub fn level(&self, name: &str, number: i64) -> LevelBuilder<'_> {
        let f = LevelFields {
            name: name.into(),
            level: number,
            pic: "/uploads/2026/11/vip.png".into(),
            remark: format!("{name}的介绍"),
            rebate_percent: 100,
            upgrade_send_score: 0,
            ext_json: Benefits(vec![
                ("专属客服".into(), "7×24 小时".into()),
                ("生日礼".into(), "双倍积分".into()),
            ])
            .to_json(),
            paixu: number,
            status: 0,
        };
        LevelBuilder { app: self, f }
    }

    /// Puts a level's price on or off sale, as the merchant would.
    pub fn set_price_on_sale(&self, price_id: i64, on_sale: bool) {
        self.write(|c| {
            let mut p = db::levels::price_by_id(c, price_id)?.expect("the price");
            p.fields.status = i64::from(!on_sale);
            db::levels::update_price(c, p.level_id, p.id, &p.fields, unix_now()).map_err(Failed::from)
        });
    }

    /// Adds a price of `days` for `fen` to a level (the original price twice that); its id.
    pub fn level_price(&self, level_id: i64, days: i64, fen: i64, on_sale: bool) -> i64 {
        let f = PriceFields {
            days,
            price_fen: fen,
            original_price_fen: fen * 2,
            paixu: 0,
            status: i64::from(!on_sale),
        };
        self.write(|c| db::levels::insert_price(c, level_id, &f, unix_now()))
    }
}

// ---- orders

/// Ships an order as the merchant would (the console and merchant API call the same service).
pub fn ship(app: &TestApp, order_id: &str) {
    let parcel = db::order::NewParcel {
        shipper_code: "SF".into(),
        shipper_name: "顺丰速运".into(),
        tracking_number: "SF1234567890".into(),
        traces: r#"[{"AcceptStation":"已揽收","AcceptTime":"2026-11-23 10:00:00"}]"#.into(),
    };
    let id: i64 = order_id.parse().unwrap();
    app.write(|c| xiaodian::service::order::ship(c, id, &[parcel], unix_now()));
}
