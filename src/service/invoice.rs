//! Invoices (发票): a shopper asks for one; the merchant issues it outside xiaodian and records the
//! invoice number (and a link to the file), or refuses with a reason.

use rusqlite::Connection;

use crate::db::invoice::{self as store, status, InvoiceRow, NewInvoice};
use crate::db::{self};
use crate::money::{self, MAX_FEN};
use crate::service::error::{Entity, Error, Field, Result, Rule};
use crate::service::funds::reason;

const NOT_FOUND: Error = Error::NotFound(Entity::Invoice);

/// Records an invoice request, in the caller's transaction. With an order named, it must be the
/// shopper's own paid order and the amount, with what was already asked for it, at most what was
/// paid for it.
pub fn apply(c: &Connection, user_id: i64, f: &NewInvoice, now: i64) -> Result<InvoiceRow> {
    if f.amount <= 0 || f.amount > MAX_FEN {
        return Err(Error::invalid("amount", "应为大于 0 的金额"));
    }
    if let Some(order_id) = f.order_id {
        let o = db::order::order_of(c, user_id, order_id)?.ok_or(Error::NotFound(Entity::Order))?;
        if o.fields.status < 1 {
            return Err(Error::refused("订单尚未支付（或已关闭），不能开票"));
        }
        let left = o.fields.amount_real - store::invoiced_for_order(c, order_id)?;
        if f.amount > left {
            return Err(Error::invalid(
                "amount",
                format!("订单 {} 最多还能开票 {} 元", o.order_number, money::format(left.max(0))),
            ));
        }
    }
    let id = store::insert(c, user_id, f, now)?;
    store::get(c, id)?.ok_or(NOT_FOUND)
}

/// The shopper's own invoice; 404 for anyone else's.
pub fn owned(c: &Connection, user_id: i64, id: i64) -> Result<InvoiceRow> {
    store::get(c, id)?.filter(|i| i.user_id == user_id).ok_or(NOT_FOUND)
}

/// The merchant's answer to a waiting request.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Issued: the invoice number (required) and an optional link to the file.
    Issue { number: String, file: String },
    /// Refused, with the reason the shopper sees.
    Refuse { reason: String },
}

/// Decides a waiting invoice, in the caller's transaction; 404 unknown, 403 already decided.
pub fn decide(c: &Connection, id: i64, d: &Decision, by: &str, now: i64) -> Result<InvoiceRow> {
    let inv = store::get(c, id)?.ok_or(NOT_FOUND)?;
    let (to, number, file, why) = match d {
        Decision::Issue { number, file } => {
            let number = number.trim();
            if number.is_empty() {
                return Err(Error::missing("invoiceNumber"));
            }
            if number.chars().count() > 50 {
                return Err(Error::Invalid { field: Field("invoiceNumber"), rule: Rule::MaxChars(50) });
            }
            let file = file.trim();
            let link = file.is_empty()
                || ((file.starts_with("https://")
                    || file.starts_with("http://")
                    || file.starts_with("/uploads/"))
                    && file.len() <= 500
                    && !file.chars().any(char::is_whitespace));
            if !link {
                return Err(Error::invalid("file", "应为 http(s):// 开头的链接或本店上传的文件地址"));
            }
            (status::ISSUED, number.to_string(), file.to_string(), String::new())
        }
        Decision::Refuse { reason: r } => (status::REFUSED, String::new(), String::new(), reason(r)?),
    };
    if !store::decide(c, id, to, &number, &file, &why, by, now)? {
        return Err(Error::refused(format!("该发票申请已处理（{}）", status::label(inv.status))));
    }
    store::get(c, id)?.ok_or(NOT_FOUND)
}
