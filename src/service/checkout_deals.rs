//! Checkout's deal prices: a bargain's current price (`kjid`) or a group's price
//! (`pingtuanOpenId`) replaces the goods' price of the order's one line.

use rusqlite::Connection;

use crate::service::error::{Error, Result};

/// The deal an order is placed under.
#[derive(Debug, Clone, Copy)]
pub enum Deal {
    /// `kjid`: the bargain set whose current price the caller's bargain buys the goods at.
    Bargain(i64),
    /// `pingtuanOpenId`: the group (tuan) the caller opens or joins at the group price.
    Group(i64),
}

/// The order's one line as a deal prices it.
pub struct DealLine {
    pub goods_id: i64,
    pub sku_id: Option<i64>,
    pub number: i64,
    /// Whether the line books calendar days (no deal takes those).
    pub booked: bool,
}

impl Deal {
    /// The deal of an order, if any (the API refuses both at once; the bargain wins here).
    pub fn of(kanjia_set: Option<i64>, pingtuan_tuan: Option<i64>) -> Option<Deal> {
        kanjia_set.map(Deal::Bargain).or(pingtuan_tuan.map(Deal::Group))
    }

    fn words(self) -> &'static str {
        match self {
            Deal::Bargain(_) => "砍价",
            Deal::Group(_) => "拼团",
        }
    }

    /// The refusal of an order with more than one line.
    pub fn one_line(self) -> Error {
        Error::invalid("goodsJsonStr", format!("{}订单只能有一种商品", self.words()))
    }

    /// The unit price (before add-ons) the deal sells the line at, checked for the caller.
    pub fn price(self, c: &Connection, user_id: i64, line: &DealLine, now: i64) -> Result<i64> {
        let price = match self {
            Deal::Bargain(set_id) => {
                crate::service::kanjia::for_order(c, user_id, set_id, line.goods_id, line.number, now)?
                    .cur_price
            }
            Deal::Group(tuan_id) => {
                crate::service::pingtuan::for_order(c, user_id, tuan_id, line.goods_id, line.sku_id, now)?.1
            }
        };
        if line.booked {
            return Err(Error::invalid("goodsJsonStr", format!("预约商品不能{}购买", self.words())));
        }
        Ok(price)
    }
}
