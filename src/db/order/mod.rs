//! Orders and what hangs off them: lines (`order_goods`), parcels (`order_logistics`), after-sale
//! requests (`order_refunds`) and the event log (`order_events`); plus the stock moves orders make.
//!
//! Every status change is a conditional UPDATE on the status it leaves and answers whether it
//! happened, so two writers racing for one order (a job and a payment) change it at most once.

mod bookings;
mod events;
mod lines;
mod logistics;
mod orders;
mod refunds;
mod stock;
mod transitions;

pub use bookings::*;
pub use events::*;
pub use lines::*;
pub use logistics::*;
pub use orders::*;
pub use refunds::*;
pub use stock::*;
pub use transitions::*;

/// Order statuses as stored (`orders.status`).
pub mod status {
    pub const CLOSED: i64 = -1;
    pub const UNPAID: i64 = 0;
    pub const PAID: i64 = 1;
    pub const SHIPPED: i64 = 2;
    pub const RECEIVED: i64 = 3;
    pub const DONE: i64 = 4;

    /// The label shoppers see (`statusStr`): the one place these words live.
    pub fn label(status: i64) -> &'static str {
        match status {
            CLOSED => "已关闭",
            UNPAID => "待支付",
            PAID => "待发货",
            SHIPPED => "待收货",
            RECEIVED => "待评价",
            DONE => "已完成",
            _ => "未知",
        }
    }
}
