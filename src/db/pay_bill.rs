//! Pay-bill (买单): the merchant's 满 X 减 Y rules and the bills shoppers paid.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// One rule: a bill of at least `consume` fen costs `discounts` fen less.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountRow {
    pub id: i64,
    pub consume: i64,
    pub discounts: i64,
}

/// Every rule, smallest threshold first.
pub fn discounts(c: &Connection) -> Result<Vec<DiscountRow>> {
    let mut st =
        c.prepare_cached("SELECT id, consume, discounts FROM pay_bill_discounts ORDER BY consume")?;
    let rows =
        st.query_map([], |r| Ok(DiscountRow { id: r.get(0)?, consume: r.get(1)?, discounts: r.get(2)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds a rule, or changes the discount of the rule with the same threshold.
pub fn put_discount(c: &Connection, consume: i64, discounts: i64, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO pay_bill_discounts (consume, discounts, date_add, date_update) VALUES (?1, ?2, ?3, ?3)
         ON CONFLICT (consume) DO UPDATE SET discounts = excluded.discounts, date_update = excluded.date_update",
        params![consume, discounts, now],
    )?;
    Ok(())
}

pub fn delete_discount(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM pay_bill_discounts WHERE id = ?1", [id])? == 1)
}

/// A bill about to be recorded.
#[derive(Debug, Clone)]
pub struct NewBill {
    pub user_id: i64,
    pub shop_id: Option<i64>,
    pub money: i64,
    pub discount: i64,
    pub real_money: i64,
    /// "balance" or "wxpay".
    pub paid_by: &'static str,
}

#[derive(Debug, Clone)]
pub struct BillRow {
    pub id: i64,
    pub number: String,
    pub user_id: i64,
    pub shop_id: Option<i64>,
    pub money: i64,
    pub discount: i64,
    pub real_money: i64,
    pub paid_by: String,
    pub date_add: i64,
    pub nick: String,
    pub shop_name: String,
}

const COLUMNS: &str = "b.id, b.number, b.user_id, b.shop_id, b.money, b.discount, b.real_money, b.paid_by,
    b.date_add, coalesce(u.nick, ''), coalesce(s.name, '')";
const FROM: &str = "pay_bills b LEFT JOIN users u ON u.id = b.user_id LEFT JOIN shops s ON s.id = b.shop_id";

fn row(r: &rusqlite::Row) -> rusqlite::Result<BillRow> {
    Ok(BillRow {
        id: r.get(0)?,
        number: r.get(1)?,
        user_id: r.get(2)?,
        shop_id: r.get(3)?,
        money: r.get(4)?,
        discount: r.get(5)?,
        real_money: r.get(6)?,
        paid_by: r.get(7)?,
        date_add: r.get(8)?,
        nick: r.get(9)?,
        shop_name: r.get(10)?,
    })
}

/// Records a paid bill; its id. Number: "MD" + the shop's date + the id.
pub fn insert(c: &Connection, b: &NewBill, date: &str, now: i64) -> Result<i64> {
    let id: i64 = c.query_row("SELECT coalesce(max(id), 0) + 1 FROM pay_bills", [], |r| r.get(0))?;
    c.execute(
        "INSERT INTO pay_bills (id, number, user_id, shop_id, money, discount, real_money, paid_by, date_add)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            format!("MD{date}{id:06}"),
            b.user_id,
            b.shop_id,
            b.money,
            b.discount,
            b.real_money,
            b.paid_by,
            now
        ],
    )?;
    Ok(id)
}

pub fn get(c: &Connection, id: i64) -> Result<Option<BillRow>> {
    Ok(c.query_row(&format!("SELECT {COLUMNS} FROM {FROM} WHERE b.id = ?1"), [id], row).optional()?)
}

/// One page of bills, newest first; and the total.
pub fn list(c: &Connection, user_id: Option<i64>, offset: i64, limit: i64) -> Result<(Vec<BillRow>, i64)> {
    let total = c.query_row(
        "SELECT count(*) FROM pay_bills WHERE ?1 IS NULL OR user_id = ?1",
        params![user_id],
        |r| r.get(0),
    )?;
    let mut st = c.prepare(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE ?1 IS NULL OR b.user_id = ?1 ORDER BY b.id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = st.query_map(params![user_id, limit, offset], row)?.collect::<rusqlite::Result<_>>()?;
    Ok((rows, total))
}
