//! Waiting for sold-out goods (到货通知, goodsOutofstockRegistration): a shopper registers for a
//! goods (or one SKU of it) that has no stock; registering again changes nothing. Whatever raises
//! the stock again (the console, the merchant API, an order closed or refunded, a return put back),
//! [`notify_back_in_stock`] — run by the orders job — finds the waiting shoppers whose goods has
//! stock, puts the `back_in_stock` subscription message in the outbox (when the merchant mapped
//! it) and marks each registration notified, in one transaction.

use rusqlite::Connection;

use crate::db::stock_notice as store;
use crate::service::error::{Entity, Error, Result};
use crate::service::outbox::{self, ShopEvent};

/// Most registrations told in one run (the rest wait for the next).
const BATCH: i64 = 500;

/// Registers the shopper for goods `goods_id` (SKU `sku_id`, or the whole goods); its id. 404 for
/// an unknown goods or SKU; refused while it is in stock.
pub fn register(c: &Connection, user_id: i64, goods_id: i64, sku_id: Option<i64>, now: i64) -> Result<i64> {
    let sku_id = sku_id.unwrap_or(0);
    let stock = store::stock_of(c, goods_id, sku_id)?.ok_or(if sku_id == 0 {
        Error::NotFound(Entity::Goods)
    } else {
        Error::invalid("skuId", "该商品没有这个规格")
    })?;
    if stock > 0 {
        return Err(Error::refused("该商品有货，可以直接购买"));
    }
    Ok(store::register(c, user_id, goods_id, sku_id, now)?)
}

/// Tells the waiting shoppers whose goods (SKU) has stock again; how many were told.
pub fn notify_back_in_stock(c: &Connection, now: i64) -> Result<usize> {
    let mut told = 0;
    for (id, user_id, goods_id) in store::back_in_stock(c, BATCH)? {
        if store::mark_notified(c, id, now)? {
            outbox::enqueue_event(c, user_id, ShopEvent::BackInStock { goods_id }, now)?;
            told += 1;
        }
    }
    Ok(told)
}
