//! The console's 概览: the day's work and the shop's recent sales, each read through an index
//! (statuses of open work, `orders_paid_day` for sales), so a view costs the same at 100,000 orders.

use rusqlite::{params, Connection};

use super::Result;

/// Seconds the shop's clock is ahead of UTC (China Standard Time, as everywhere in the shop).
pub const SHOP_OFFSET: i64 = 8 * 3600;

/// What waits for the merchant now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Work {
    pub to_pay: i64,
    pub to_ship: i64,
    pub to_pick_up: i64,
    /// After-sale requests waiting for a decision (or for the returned goods).
    pub after_sales: i64,
    /// WeChat refunds not yet through.
    pub refunds_open: i64,
    pub withdrawals: i64,
}

/// Paid orders and their amount over a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sales {
    pub orders: i64,
    pub fen: i64,
}

fn count(c: &Connection, sql: &str) -> Result<i64> {
    Ok(c.prepare_cached(sql)?.query_row([], |r| r.get(0))?)
}

/// The open work, by the statuses that mean it.
pub fn work(c: &Connection) -> Result<Work> {
    Ok(Work {
        to_pay: count(c, "SELECT count(*) FROM orders WHERE status = 0")?,
        to_ship: count(c, "SELECT count(*) FROM orders WHERE status = 1 AND peisong_type <> 'zq'")?,
        to_pick_up: count(c, "SELECT count(*) FROM orders WHERE status = 1 AND peisong_type = 'zq'")?,
        after_sales: count(c, "SELECT count(*) FROM order_refunds WHERE status IN (0, 3)")?,
        refunds_open: count(
            c,
            "SELECT count(*) FROM payment_refunds WHERE status IN ('pending', 'processing', 'failed')",
        )?,
        withdrawals: count(c, "SELECT count(*) FROM withdrawals WHERE status = 0")?,
    })
}

/// Orders paid since `since` (unix seconds) and their amount, closed ones left out.
pub fn sales_since(c: &Connection, since: i64) -> Result<Sales> {
    Ok(c.prepare_cached(
        "SELECT count(*), coalesce(sum(amount_real), 0) FROM orders WHERE date_pay >= ?1 AND status <> -1",
    )?
    .query_row([since], |r| Ok(Sales { orders: r.get(0)?, fen: r.get(1)? }))?)
}

/// Sales per shop day since `since`: (days since the unix epoch in the shop's clock, sales).
pub fn daily_sales(c: &Connection, since: i64) -> Result<Vec<(i64, Sales)>> {
    let mut st = c.prepare_cached(
        "SELECT (date_pay + ?2) / 86400 AS day, count(*), sum(amount_real) FROM orders
          WHERE date_pay >= ?1 AND status <> -1 GROUP BY day ORDER BY day",
    )?;
    let rows = st.query_map(params![since, SHOP_OFFSET], |r| {
        Ok((r.get(0)?, Sales { orders: r.get(1)?, fen: r.get(2)? }))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One goods among the best sellers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopGoods {
    pub goods_id: i64,
    pub name: String,
    pub number: i64,
    pub fen: i64,
}

/// The goods sold most (by pieces) in orders paid since `since`.
pub fn top_goods(c: &Connection, since: i64, limit: i64) -> Result<Vec<TopGoods>> {
    let mut st = c.prepare_cached(
        "SELECT l.goods_id, max(l.goods_name), sum(l.number), sum(l.amount)
           FROM orders o JOIN order_goods l ON l.order_id = o.id
          WHERE o.date_pay >= ?1 AND o.status <> -1
          GROUP BY l.goods_id ORDER BY 3 DESC, 4 DESC LIMIT ?2",
    )?;
    let rows = st.query_map(params![since, limit], |r| {
        Ok(TopGoods { goods_id: r.get(0)?, name: r.get(1)?, number: r.get(2)?, fen: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Goods on the shelf with at most `at_most` left, the emptiest first: (id, name, stock).
pub fn low_stock(c: &Connection, at_most: i64, limit: i64) -> Result<Vec<(i64, String, i64)>> {
    let mut st = c.prepare_cached(
        "SELECT id, name, stores FROM goods WHERE status = 0 AND stores <= ?1 ORDER BY stores, id LIMIT ?2",
    )?;
    let rows = st.query_map(params![at_most, limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every step of each plan, as SQLite's EXPLAIN QUERY PLAN says it.
    fn plan(c: &Connection, sql: &str) -> String {
        let mut st = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let steps: Vec<String> =
            st.query_map([], |r| r.get::<_, String>(3)).unwrap().map(Result::unwrap).collect();
        steps.join("; ")
    }

    #[test]
    fn the_open_work_and_the_sales_are_read_through_indexes_not_by_reading_every_order() {
        let mut c = Connection::open_in_memory().unwrap();
        crate::db::migrate::run(&mut c).unwrap();
        for sql in [
            "SELECT count(*) FROM orders WHERE status = 0",
            "SELECT count(*) FROM orders WHERE status = 1 AND peisong_type <> 'zq'",
            "SELECT count(*) FROM order_refunds WHERE status IN (0, 3)",
            "SELECT count(*) FROM payment_refunds WHERE status IN ('pending', 'processing', 'failed')",
            "SELECT count(*) FROM withdrawals WHERE status = 0",
            "SELECT count(*), sum(amount_real) FROM orders WHERE date_pay >= 1 AND status <> -1",
        ] {
            let p = plan(&c, sql);
            assert!(
                p.contains("USING") && !p.contains("SCAN orders") && !p.contains("SCAN order_refunds"),
                "{sql}: {p}"
            );
        }
        work(&c).unwrap();
        assert_eq!(sales_since(&c, 0).unwrap(), Sales::default());
        assert!(daily_sales(&c, 0).unwrap().is_empty() && top_goods(&c, 0, 5).unwrap().is_empty());
        assert!(low_stock(&c, 5, 5).unwrap().is_empty());
    }
}
