//! Orders: checkout (preview and create), the lifecycle (pay, close, ship, receive, review,
//! write-off, after-sale), lists and statistics, and stock under concurrent buyers.

use serde_json::Value;
use xiaodian::db::catalog::GoodsFields;
use xiaodian::db::unix_now;
use xiaodian::error::ApiError;
use xiaodian::service::catalog::{create_goods, NewGoods, NewSku, NewSpec};
use xiaodian::service::ledger::{self, Account, Source};

use crate::support::*;

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

impl TestApp {
    pub fn add_goods(&self, g: NewGoods) -> i64 {
        self.db.write_sync(|c| create_goods(c, &g, unix_now())).unwrap()
    }

    /// ((property id, value id) of `color`, (property id, value id) of `size`) of a tee.
    pub fn spec_ids(&self, goods: i64, color: &str, size: &str) -> ((i64, i64), (i64, i64)) {
        let pick = |prop: &str, value: &str| {
            self.query(|c| {
                c.query_row(
                    "SELECT p.id, v.id FROM goods_properties p JOIN goods_property_children v ON v.property_id = p.id
                     WHERE p.goods_id = ?1 AND p.name = ?2 AND v.name = ?3",
                    rusqlite::params![goods, prop, value],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
            })
        };
        (pick("颜色", color), pick("尺码", size))
    }

    /// The "pid:cid,pid:cid" key of a tee's SKU.
    pub fn tee_key(&self, goods: i64, color: &str, size: &str) -> String {
        let (a, b) = self.spec_ids(goods, color, size);
        format!("{}:{},{}:{}", a.0, a.1, b.0, b.1)
    }

    pub fn set_shelf(&self, goods: i64, on: bool) {
        self.query(|c| {
            c.execute("UPDATE goods SET status = ?2 WHERE id = ?1", rusqlite::params![goods, i64::from(!on)])
        });
    }

    pub fn goods_stores(&self, goods: i64) -> i64 {
        self.query(|c| c.query_row("SELECT stores FROM goods WHERE id = ?1", [goods], |r| r.get(0)))
    }

    pub fn sku_stores(&self, goods: i64, key: &str) -> i64 {
        let canonical =
            xiaodian::service::catalog::key_text(&xiaodian::service::catalog::parse_key(key).unwrap());
        self.query(|c| {
            c.query_row(
                "SELECT stores FROM goods_skus WHERE goods_id = ?1 AND property_child_ids = ?2",
                rusqlite::params![goods, canonical],
                |r| r.get(0),
            )
        })
    }

    /// Credits a shopper's balance (fen) or points through the ledger.
    pub fn credit(&self, user: i64, account: Account, amount: i64) {
        self.db
            .write_sync(|c| ledger::post(c, user, account, amount, "测试入账", Source::Admin, ""))
            .unwrap();
    }

    pub fn account(&self, user: i64) -> ledger::Accounts {
        self.db.read_sync(|c| ledger::accounts_of(c, user)).unwrap()
    }

    /// Sets a shop setting and reloads the in-memory copy.
    pub fn set_setting(&self, key: &str, value: &str) {
        self.db
            .write_sync(|c| Ok::<_, ApiError>(xiaodian::db::settings::set_setting(c, key, value)?))
            .unwrap();
        self.db.read_sync(|c| Ok::<_, ApiError>(self.settings.reload(c)?)).unwrap();
    }
}

/// A goodsJsonStr with one line.
pub fn one_line(goods: i64, number: i64, key: &str) -> String {
    serde_json::json!([{ "goodsId": goods, "number": number, "propertyChildIds": key, "logisticsType": 0 }])
        .to_string()
}

pub const CREATE: &str = "/shop/order/create";

/// Creates a kd order with one line; the answer.
pub fn create(app: &TestApp, token: &str, goods_json: &str, extra: &[(&str, &str)]) -> Value {
    let mut form = vec![
        ("token", token),
        ("goodsJsonStr", goods_json),
        ("peisongType", "kd"),
        ("linkMan", "张三"),
        ("mobile", "13800138000"),
        ("provinceId", "440000"),
        ("cityId", "440300"),
        ("districtId", "440305"),
        ("address", "科技园南区 1 栋 101"),
    ];
    form.extend_from_slice(extra);
    app.post(CREATE, &form)
}
