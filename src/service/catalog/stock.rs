//! Stock that shoppers' orders change too, and the edits that set it.

use rusqlite::Connection;

use super::{key_names, key_text, parse_key};
use crate::db::catalog;
use crate::service::error::{Entity, Error, Result};

// ---- Stock that shoppers' orders change too: an edit read before an order must never write the
// stock it read back over the order's. Every stock an edit touches says how (`Stock`), and the
// write transaction (BEGIN IMMEDIATE, so what it reads is what it writes over) works the new value
// out from the current one, or refuses the whole edit, naming each stock that moved.

/// Most stock one goods, SKU, day or slot may hold, and most one change may add or take.
pub const MAX_STOCK: i64 = 1_000_000_000;

/// How an edit changes a stock that orders change too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Stock {
    /// Leave it as it is now (the edit did not touch it).
    #[default]
    Keep,
    /// Make it `to` if it is still `was`, the value the edit was read with.
    Set { to: i64, was: i64 },
    /// Make it `to` whatever it is: for edits already checked against a version.
    Put(i64),
    /// Add `n` (take away when negative), as long as it stays at or above zero.
    Add(i64),
}

/// What an edit's [`Stock`] does to the stock as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Leave,
    Write(i64),
    /// The stock moved since the edit was read, or a take would go below zero.
    Conflict,
}

impl Stock {
    /// What this edit writes over `now`.
    pub fn over(self, now: i64) -> Applied {
        let write = |to: i64| if to == now { Applied::Leave } else { Applied::Write(to) };
        match self {
            Stock::Keep => Applied::Leave,
            Stock::Set { to, was } if was == now => write(to),
            Stock::Set { .. } => Applied::Conflict,
            Stock::Put(to) => write(to),
            Stock::Add(n) => match now.checked_add(n) {
                Some(to) if (0..=MAX_STOCK).contains(&to) => write(to),
                _ => Applied::Conflict,
            },
        }
    }

    /// The stock a row this edit creates starts with (`default` when the edit leaves stock alone).
    pub fn fresh(self, default: i64) -> i64 {
        match self {
            Stock::Keep => default,
            Stock::Set { to, .. } | Stock::Put(to) => to,
            Stock::Add(n) => n,
        }
    }

    /// Refuses a target below zero or beyond [`MAX_STOCK`], naming the parameter.
    pub fn check(self, name: &'static str, what: &str) -> Result<()> {
        let bad = match self {
            Stock::Keep => false,
            Stock::Set { to, .. } | Stock::Put(to) => !(0..=MAX_STOCK).contains(&to),
            Stock::Add(n) => !(-MAX_STOCK..=MAX_STOCK).contains(&n),
        };
        if bad {
            return Err(Error::invalid(name, format!("{what}应在 0 到 {MAX_STOCK} 之间")));
        }
        Ok(())
    }
}

/// A stock an edit could not change as asked: what it is, what it is now, what was asked.
#[derive(Debug, Clone, PartialEq)]
pub struct StockConflict {
    /// In the merchant's words: "库存", "规格「白 / M」的库存", "2026-12-03 的库存".
    pub what: String,
    /// The SKU's canonical key, the day, or "day name" of a slot; "" for the goods' own stock.
    pub key: String,
    pub now: i64,
    pub edit: Stock,
}

impl StockConflict {
    /// One line for the merchant, with the current value beside what was asked.
    pub fn describe(&self) -> String {
        let (what, now) = (&self.what, self.now);
        match self.edit {
            Stock::Set { to, was } => format!("{what}现在是 {now}（你打开页面时是 {was}），你填的是 {to}"),
            Stock::Add(n) if n < 0 => format!("{what}现在是 {now}，不够减 {}", -n),
            Stock::Add(n) => format!("{what}现在是 {now}，加 {n} 后超过上限 {MAX_STOCK}"),
            Stock::Put(to) => format!("{what}在你读取之后变成了 {now}，你要改成 {to}"),
            Stock::Keep => format!("{what}现在是 {now}"),
        }
    }
}

/// Why an edit of stock-bearing things was not saved; in every case nothing was written.
#[derive(Debug)]
pub enum EditError {
    /// Refused by a rule: a field, an unknown goods...
    Refused(Error),
    /// Stocks that moved since the edit was read (or would go below zero), each with its value now.
    Stale(Vec<StockConflict>),
    /// The thing moved past the version the edit was based on; `now` is its version now.
    Outdated { now: i64 },
    /// The edit would overwrite stock that exists without saying what it was based on.
    NeedsVersion,
}

impl From<Error> for EditError {
    fn from(e: Error) -> Self {
        EditError::Refused(e)
    }
}

impl From<rusqlite::Error> for EditError {
    fn from(e: rusqlite::Error) -> Self {
        EditError::Refused(e.into())
    }
}

impl From<crate::db::Error> for EditError {
    fn from(e: crate::db::Error) -> Self {
        EditError::Refused(e.into())
    }
}

/// An edit's refusal as one service error, for callers that need no more than words.
impl From<EditError> for Error {
    fn from(e: EditError) -> Self {
        match e {
            EditError::Refused(e) => e,
            EditError::Stale(list) => Error::refused(format!(
                "库存刚刚有变化，没有保存：{}",
                list.iter().map(StockConflict::describe).collect::<Vec<_>>().join("；")
            )),
            EditError::Outdated { .. } => Error::refused("内容在你读取之后被修改过，请重新读取后再改"),
            EditError::NeedsVersion => Error::invalid("version", "覆盖已有的库存需要带上读取时的版本"),
        }
    }
}

/// How a replace changes stock: the goods' own (goods without specs), and each SKU by its
/// position in [`NewGoods::skus`](super::NewGoods::skus) (a SKU left out keeps its stock; a new
/// SKU starts with its `stores` unless its `Stock` says otherwise).
#[derive(Debug, Clone, Default)]
pub struct StockPlan {
    pub goods: Stock,
    pub skus: Vec<Stock>,
}

/// Refuses the edit when the goods is no longer at `version` (the one it was read at).
pub fn claim_version(c: &Connection, id: i64, version: Option<i64>) -> Result<(), EditError> {
    let Some(v) = version else { return Ok(()) };
    if catalog::claim_version(c, id, v)? {
        return Ok(());
    }
    match catalog::goods(c, id)? {
        Some(g) => Err(EditError::Outdated { now: g.version }),
        None => Err(Error::NotFound(Entity::Goods).into()),
    }
}

/// A stock change: the goods' own stock (goods without specs) or per SKU by spec key.
#[derive(Debug, Clone)]
pub enum StockChange {
    Goods(Stock),
    Skus(Vec<(String, Stock)>),
}

/// Changes stock as each [`Stock`] says; a SKU key that is not one of the goods' SKUs, or the wrong
/// form for the goods (per SKU for goods without specs or the reverse), is refused, and a stock
/// that cannot change as asked refuses the whole change; either way nothing is written.
pub fn set_stock(c: &Connection, id: i64, change: &StockChange, now: i64) -> Result<(), EditError> {
    let goods = catalog::goods(c, id)?.ok_or(Error::NotFound(Entity::Goods))?;
    let has_specs = !goods.property_ids.is_empty();
    match change {
        StockChange::Goods(_) if has_specs => {
            Err(Error::invalid("stores", "该商品有规格，请用 skus 按规格设置库存").into())
        }
        StockChange::Goods(stock) => {
            stock.check("stores", "库存")?;
            let was = goods.fields.stores;
            match stock.over(was) {
                Applied::Leave => Ok(()),
                Applied::Write(n) => {
                    catalog::set_goods_stores(c, id, n, now)?;
                    Ok(())
                }
                Applied::Conflict => Err(EditError::Stale(vec![StockConflict {
                    what: "库存".into(),
                    key: String::new(),
                    now: was,
                    edit: *stock,
                }])),
            }
        }
        StockChange::Skus(_) if !has_specs => {
            Err(Error::invalid("skus", "该商品没有规格，请用 stores 设置库存").into())
        }
        StockChange::Skus(list) => {
            if list.is_empty() {
                return Err(Error::missing("skus").into());
            }
            let specs = catalog::properties(c, id)?;
            let mut conflicts = Vec::new();
            for (text, stock) in list {
                stock.check("skus", &format!("SKU “{text}”的库存"))?;
                let key = key_text(&parse_key(text)?);
                let Some(sku) = catalog::sku(c, id, &key)? else {
                    return Err(Error::invalid("skus", format!("SKU “{text}”不是该商品的规格组合")).into());
                };
                match stock.over(sku.fields.stores) {
                    Applied::Leave => {}
                    Applied::Write(n) => catalog::set_sku_stores(c, sku.id, n)?,
                    Applied::Conflict => conflicts.push(StockConflict {
                        what: format!("SKU {}的库存", key_names(&key, &specs)),
                        key,
                        now: sku.fields.stores,
                        edit: *stock,
                    }),
                }
            }
            if !conflicts.is_empty() {
                return Err(EditError::Stale(conflicts));
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_writes_stock_only_over_what_it_was_based_on() {
        assert_eq!(Stock::Keep.over(2), Applied::Leave);
        assert_eq!(Stock::Set { to: 10, was: 5 }.over(5), Applied::Write(10));
        assert_eq!(Stock::Set { to: 10, was: 5 }.over(2), Applied::Conflict, "an order moved it");
        assert_eq!(Stock::Set { to: 2, was: 2 }.over(2), Applied::Leave);
        assert_eq!(Stock::Put(7).over(2), Applied::Write(7));
        assert_eq!(Stock::Add(3).over(2), Applied::Write(5));
        assert_eq!(Stock::Add(-2).over(2), Applied::Write(0));
        assert_eq!(Stock::Add(-3).over(2), Applied::Conflict, "never below zero");
        assert_eq!(Stock::Add(1).over(MAX_STOCK), Applied::Conflict);
        assert_eq!((Stock::Keep.fresh(4), Stock::Add(3).fresh(4), Stock::Put(1).fresh(4)), (4, 3, 1));
        assert!(Stock::Put(-1).check("stores", "库存").unwrap_err().to_string().contains("stores"));
        assert!(Stock::Add(-MAX_STOCK - 1).check("stores", "库存").is_err());
    }
}
