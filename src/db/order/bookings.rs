//! Calendar bookings (`order_line_bookings`): the days and slots order lines booked.

use crate::db::Result;
use rusqlite::{params, params_from_iter, Connection};

/// A day (or a day's slot) an order line booked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewBooking {
    pub goods_id: i64,
    pub sku_id: Option<i64>,
    pub day: String,
    /// The slot's name; None for a whole day.
    pub slot: Option<String>,
    pub number: i64,
    /// Fen per unit.
    pub price: i64,
}

#[derive(Debug, Clone)]
pub struct BookingRow {
    pub id: i64,
    pub order_id: i64,
    pub order_goods_id: i64,
    pub booking: NewBooking,
    pub returned: bool,
}

pub fn insert_booking(c: &Connection, order_id: i64, line_id: i64, b: &NewBooking) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO order_line_bookings (order_id, order_goods_id, goods_id, sku_id, day, slot, number, price)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![order_id, line_id, b.goods_id, b.sku_id, b.day, b.slot, b.number, b.price])?;
    Ok(())
}

/// The bookings of several orders, by order then booking.
pub fn bookings_of(c: &Connection, order_ids: &[i64]) -> Result<Vec<BookingRow>> {
    if order_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = (1..=order_ids.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    let mut st = c.prepare(&format!(
        "SELECT id, order_id, order_goods_id, goods_id, sku_id, day, slot, number, price, returned
         FROM order_line_bookings WHERE order_id IN ({marks}) ORDER BY order_id, id"
    ))?;
    let rows = st.query_map(params_from_iter(order_ids.iter()), |r| {
        Ok(BookingRow {
            id: r.get(0)?,
            order_id: r.get(1)?,
            order_goods_id: r.get(2)?,
            booking: NewBooking {
                goods_id: r.get(3)?,
                sku_id: r.get(4)?,
                day: r.get(5)?,
                slot: r.get(6)?,
                number: r.get(7)?,
                price: r.get(8)?,
            },
            returned: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Marks a booking's units as given back; false when they were already.
pub fn mark_booking_returned(c: &Connection, id: i64) -> Result<bool> {
    let n = c
        .prepare_cached("UPDATE order_line_bookings SET returned = 1 WHERE id = ?1 AND returned = 0")?
        .execute([id])?;
    Ok(n == 1)
}
