//! 订单, 售后 and 核销: the order list with filters, search, paging and CSV export; the order page
//! (ship in parcels, change the price or the address before payment, close after a confirmation,
//! a printable packing slip); the after-sale queue (approve with a refund to the balance, or
//! reject); and the write-off page for pick-up codes. Every change goes through
//! service::order_admin in one transaction.

pub(super) mod detail;
pub(super) mod list;
pub(super) mod refunds;
pub(super) mod writeoff;
