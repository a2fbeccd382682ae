//! What WeChat calls on the shop: the pay notify, the refund notify and the message push. They
//! answer in WeChat's own formats (XML, plain text), never the mini-program's JSON envelope.

pub mod pay_notify;
pub mod refund_notify;
pub mod wechat_push;

use crate::routing::{by_file, FileRoutes};

/// Every callback route, at the root of the shop's address.
pub fn routes() -> Vec<FileRoutes> {
    by_file!("/", "src/callbacks"; pay_notify, refund_notify, wechat_push)
}
