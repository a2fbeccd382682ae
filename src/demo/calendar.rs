//! Demo calendar goods for `--demo`: a hotel room with a price and stock for each of the next 30
//! days (weekends dearer, one day full), and a badminton court booked by time slot for the next 7
//! days. Both sort after the demo catalogue (paixu 100), so the shop window still opens with it.

use std::collections::HashMap;

use time::{Duration, Weekday};

use crate::db::catalog::GoodsFields;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::calendar::{self as cal, DaySetting, NewSlot};
use crate::service::catalog::{create_goods, NewGoods, Stock};

/// The court's slots: (name, price in fen).
const SLOTS: [(&str, i64); 4] =
    [("09:00-10:00", 6000), ("10:00-11:00", 6000), ("19:00-20:00", 8000), ("20:00-21:00", 8000)];

pub fn fill(db: &Db, pics: &HashMap<String, String>) -> Result<(), ApiError> {
    let pic = pics.get("goods-bowl.png").cloned().unwrap_or_default();
    db.write_sync(|c| {
        let now = db::unix_now();
        let goods = |name: &str, characteristic: &str, price: i64, stores: i64| NewGoods {
            fields: GoodsFields {
                name: name.into(),
                characteristic: characteristic.into(),
                content: format!("<p>{characteristic}</p>"),
                pic: pic.clone(),
                min_price: price,
                original_price: price,
                stores,
                paixu: 100,
                ..GoodsFields::default()
            },
            pics: vec![pic.clone()],
            ..NewGoods::default()
        };
        let room = create_goods(
            c,
            &goods("西湖湖景大床房（按日预订）", "每晚价格以日历为准，周末价格不同", 38800, 10),
            now,
        )?;
        let today = cal::today();
        for n in 0..30 {
            let d = today + Duration::days(n);
            let weekend = matches!(d.weekday(), Weekday::Friday | Weekday::Saturday);
            let (price, stores) = match n {
                3 => (38800, 0), // a full night, so the template shows one day it cannot book
                _ if weekend => (52800, 3),
                _ => (38800, 5),
            };
            let day = cal::day_text(d);
            let s = DaySetting {
                from: day.clone(),
                to: day,
                price: Some(price),
                stores: Stock::Put(stores),
                based_on: None,
            };
            cal::set_days(c, room, None, &s, now)?;
        }
        let court = create_goods(
            c,
            &goods("羽毛球场地（按时段预约）", "选日期和时段预约，每个时段一小时", 6000, 20),
            now,
        )?;
        let slots: Vec<NewSlot> = SLOTS
            .iter()
            .map(|(name, price)| NewSlot {
                name: name.to_string(),
                price: Some(*price),
                stores: Stock::Put(2),
            })
            .collect();
        let (from, to) = (cal::day_text(today), cal::day_text(today + Duration::days(6)));
        cal::set_slots(c, court, None, &from, &to, &slots, None, now)?;
        Ok::<_, ApiError>(())
    })
}
