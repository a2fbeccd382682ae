//! Demo reviews for `--demo`: two shoppers' reviews on the first goods of the shop window, so a
//! goods page shows its 评价 section.

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
