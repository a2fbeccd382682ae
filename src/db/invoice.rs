//! Invoices (发票) shoppers ask for: rows of `invoices`.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// Invoice states (`invoices.status`).
pub mod status {
    pub const WAITING: i64 = 0;
    pub const ISSUED: i64 = 1;
    pub const REFUSED: i64 = 2;

    pub fn label(status: i64) -> &'static str {
        match status {
            WAITING => "待开票",
            ISSUED => "已开票",
            REFUSED => "已拒绝",
            _ => "未知",
        }
    }
}

/// What the shopper asks for.
#[derive(Debug, Clone, Default)]
pub struct NewInvoice {
    pub order_id: Option<i64>,
    /// 0 company, 1 person.
    pub title_type: i64,
    pub com_name: String,
    pub tfn: String,
    pub amount: i64,
    pub consumption: String,
    pub email: String,
    pub mobile: String,
    pub address: String,
    pub bank: String,
    pub remark: String,
    pub ext_json: String,
}

#[derive(Debug, Clone)]
pub struct InvoiceRow {
    pub id: i64,
    pub user_id: i64,
    pub fields: NewInvoice,
    pub status: i64,
    pub invoice_number: String,
    pub file: String,
    pub refuse_reason: String,
    pub decided_by: String,
    pub date_decide: Option<i64>,
    pub date_add: i64,
    pub date_update: i64,
    pub nick: String,
}

const COLUMNS: &str = "i.id, i.user_id, i.order_id, i.title_type, i.com_name, i.tfn, i.amount, i.consumption,
    i.email, i.mobile, i.address, i.bank, i.remark, i.ext_json, i.status, i.invoice_number, i.file,
    i.refuse_reason, i.decided_by, i.date_decide, i.date_add, i.date_update, coalesce(u.nick, '')";

fn row(r: &rusqlite::Row) -> rusqlite::Result<InvoiceRow> {
    Ok(InvoiceRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        fields: NewInvoice {
            order_id: r.get(2)?,
            title_type: r.get(3)?,
            com_name: r.get(4)?,
            tfn: r.get(5)?,
            amount: r.get(6)?,
            consumption: r.get(7)?,
            email: r.get(8)?,
            mobile: r.get(9)?,
            address: r.get(10)?,
            bank: r.get(11)?,
            remark: r.get(12)?,
            ext_json: r.get(13)?,
        },
        status: r.get(14)?,
        invoice_number: r.get(15)?,
        file: r.get(16)?,
        refuse_reason: r.get(17)?,
        decided_by: r.get(18)?,
        date_decide: r.get(19)?,
        date_add: r.get(20)?,
        date_update: r.get(21)?,
        nick: r.get(22)?,
    })
}

pub fn insert(c: &Connection, user_id: i64, f: &NewInvoice, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO invoices (user_id, order_id, title_type, com_name, tfn, amount, consumption, email,
                               mobile, address, bank, remark, ext_json, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
        params![
            user_id,
            f.order_id,
            f.title_type,
            f.com_name,
            f.tfn,
            f.amount,
            f.consumption,
            f.email,
            f.mobile,
            f.address,
            f.bank,
            f.remark,
            f.ext_json,
            now
        ],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn get(c: &Connection, id: i64) -> Result<Option<InvoiceRow>> {
    Ok(c.query_row(
        &format!("SELECT {COLUMNS} FROM invoices i LEFT JOIN users u ON u.id = i.user_id WHERE i.id = ?1"),
        [id],
        row,
    )
    .optional()?)
}

/// Fen already asked for (waiting or issued) against one order.
pub fn invoiced_for_order(c: &Connection, order_id: i64) -> Result<i64> {
    Ok(c.query_row(
        "SELECT coalesce(sum(amount), 0) FROM invoices WHERE order_id = ?1 AND status IN (0, 1)",
        [order_id],
        |r| r.get(0),
    )?)
}

/// One page of invoices, newest first, of one shopper and/or in one state; and the total.
pub fn list(
    c: &Connection,
    user_id: Option<i64>,
    status: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<InvoiceRow>, i64)> {
    let filter = "(?1 IS NULL OR i.user_id = ?1) AND (?2 IS NULL OR i.status = ?2)";
    let total = c.query_row(
        &format!("SELECT count(*) FROM invoices i WHERE {filter}"),
        params![user_id, status],
        |r| r.get(0),
    )?;
    let mut st = c.prepare(&format!(
        "SELECT {COLUMNS} FROM invoices i LEFT JOIN users u ON u.id = i.user_id
         WHERE {filter} ORDER BY i.id DESC LIMIT ?3 OFFSET ?4"
    ))?;
    let rows =
        st.query_map(params![user_id, status, limit, offset], row)?.collect::<rusqlite::Result<_>>()?;
    Ok((rows, total))
}

/// Records the merchant's decision on a waiting invoice; false when it was no longer waiting.
#[allow(clippy::too_many_arguments)] // one column each: a struct would only rename them
pub fn decide(
    c: &Connection,
    id: i64,
    to: i64,
    invoice_number: &str,
    file: &str,
    reason: &str,
    by: &str,
    now: i64,
) -> Result<bool> {
    let n = c.execute(
        "UPDATE invoices SET status = ?2, invoice_number = ?3, file = ?4, refuse_reason = ?5, decided_by = ?6,
                date_decide = ?7, date_update = ?7
         WHERE id = ?1 AND status = 0",
        params![id, to, invoice_number, file, reason, by, now],
    )?;
    Ok(n == 1)
}
