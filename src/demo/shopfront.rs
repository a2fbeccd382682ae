//! Demo data for `--demo`: two shoppers' reviews on the first goods of the shop window (so a goods
//! page shows its 评价 section) and two shops with coordinates.

use crate::db::catalog::{self, GoodsFilter};
use crate::db::reputation::NewReputation;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::reputation::add_review;

/// (nick, reputation, stars, remark) of each demo review.
const REVIEWS: [(&str, i64, i64, &str); 3] = [
    ("小明", 2, 5, "茶香浓郁，包装也很精致，下次还来买。"),
    ("小红", 2, 4, "物流很快，味道不错。"),
    ("小红", 1, 3, "还可以，就是价格稍微有点贵。"),
];

pub fn fill(db: &Db) -> Result<(), ApiError> {
    db.write_sync(|c| {
        let now = db::unix_now();
        let (first, _) = catalog::shelf_goods(c, &GoodsFilter::default(), 0, 1)?;
        let Some(goods) = first.first() else { return Ok(()) };
        let ming = db::user::insert_user(c, "小明", now)?;
        let hong = db::user::insert_user(c, "小红", now)?;
        for (nick, reputation, stars, remark) in REVIEWS {
            let user_id = if nick == "小明" { ming } else { hong };
            let r = NewReputation {
                goods_id: goods.id,
                user_id,
                reputation,
                stars,
                remark: remark.into(),
                ..NewReputation::default()
            };
            add_review(c, &r, now)?;
        }
        Ok::<_, ApiError>(())
    })
}

/// Two demo shops in Hangzhou with coordinates; the second is also a pick-up point.
pub fn fill_shops(db: &Db) -> Result<(), ApiError> {
    use crate::db::shops::{self, ShopFields};
    let shops = [
        ("西湖旗舰店", "杭州市西湖区湖滨路 1 号", (30.2590, 120.1650), false, "每天 9:00–21:00"),
        ("东站自提点", "杭州市上城区东站路 2 号", (30.2906, 120.2126), true, "每天 8:00–20:00"),
    ];
    db.write_sync(|c| {
        let now = db::unix_now();
        for (paixu, (name, address, (lat, lng), pick, hours)) in shops.into_iter().enumerate() {
            let f = ShopFields {
                name: name.into(),
                address: address.into(),
                link_man: "店长".into(),
                link_phone: "0571-88888888".into(),
                opening_hours: hours.into(),
                province_id: "330000000000".into(),
                city_id: "330100000000".into(),
                latitude: Some(lat),
                longitude: Some(lng),
                is_pick_point: pick,
                paixu: paixu as i64,
                ext_json: "{}".into(),
                ..ShopFields::default()
            };
            shops::insert(c, &f, None, shops::OPEN, now)?;
        }
        Ok::<_, ApiError>(())
    })
}
