//! Add-ons (可选配件, goodsAddition): groups such as 口味 or 加料 whose items add a price per
//! unit. The cart (`addition`) and orderCreate (`goodsJsonStr[].goodsAdditionList`) carry the
//! shopper's choice as a JSON array of `{id, pid}`: the item's id and its group's id.

use std::collections::HashSet;

use rusqlite::Connection;
use serde::Serialize;

use crate::db::catalog;
use crate::db::goods_rules::{self, AdditionGroup};
use crate::service::error::{Entity, Error, Result};

/// One chosen item: `id` the item, `pid` its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct AdditionChoice {
    pub id: i64,
    pub pid: i64,
}

/// A checked choice of add-ons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdditionPick {
    /// Fen added to the unit price.
    pub extra: i64,
    /// "口味:微辣，加料:鸡蛋、大排" for carts and orders; "" when nothing is chosen.
    pub label: String,
    /// The choice in the goods' display order, each item once.
    pub chosen: Vec<AdditionChoice>,
    /// `chosen` as the JSON array the client sends ("[]" when empty): a stable cart key.
    pub json: String,
}

/// Reads the id or pid of one chosen item: a number or a text of digits.
fn id_of(v: &serde_json::Value) -> Option<i64> {
    crate::lenient::int(v)
}

/// Parses the client's `[{id, pid}]`; "" and "[]" are no choice. Errors name `param`.
fn parse(param: &'static str, chosen_json: &str) -> Result<Vec<AdditionChoice>> {
    let text = chosen_json.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let bad = || Error::invalid(param, "应为 [{\"id\":配件id,\"pid\":配件组id}] 形式的 JSON");
    let value: serde_json::Value = serde_json::from_str(text).map_err(|_| bad())?;
    let list = value.as_array().ok_or_else(bad)?;
    if list.len() > 100 {
        return Err(Error::invalid(param, "选择的配件太多"));
    }
    list.iter()
        .map(|v| Some(AdditionChoice { id: id_of(v.get("id")?)?, pid: id_of(v.get("pid")?)? }))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(bad)
}

/// Checks a shopper's add-ons for `goods_id` from the cart's `addition` parameter; see
/// [`pick_as`] for the rules.
pub fn pick(c: &Connection, goods_id: i64, chosen_json: &str) -> Result<AdditionPick> {
    pick_as(c, goods_id, chosen_json, "addition")
}

/// Checks a shopper's add-ons for `goods_id`: every item must be one of this goods' (with its own
/// group as `pid`), a single-choice group takes at most one item, every required group one at
/// least. Refusals answer 300 naming `param`.
pub fn pick_as(
    c: &Connection,
    goods_id: i64,
    chosen_json: &str,
    param: &'static str,
) -> Result<AdditionPick> {
    let wanted: HashSet<AdditionChoice> = parse(param, chosen_json)?.into_iter().collect();
    let groups = goods_rules::additions(c, goods_id)?;
    for w in &wanted {
        let known = groups.iter().any(|g| g.id == w.pid && g.items.iter().any(|i| i.id == w.id));
        if !known {
            return Err(Error::invalid(param, format!("配件 {} 不属于这个商品", w.id)));
        }
    }
    let mut pick = AdditionPick { extra: 0, label: String::new(), chosen: Vec::new(), json: String::new() };
    let mut parts = Vec::new();
    for g in &groups {
        let items: Vec<_> =
            g.items.iter().filter(|i| wanted.contains(&AdditionChoice { id: i.id, pid: g.id })).collect();
        if items.is_empty() {
            if g.required {
                return Err(Error::invalid(param, format!("请选择{}", g.name)));
            }
            continue;
        }
        if items.len() > 1 && !g.multiple {
            return Err(Error::invalid(param, format!("{}只能选一项", g.name)));
        }
        for i in &items {
            pick.extra = pick.extra.saturating_add(i.price);
            pick.chosen.push(AdditionChoice { id: i.id, pid: g.id });
        }
        let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
        parts.push(format!("{}:{}", g.name, names.join("、")));
    }
    pick.label = parts.join("，");
    pick.json = serde_json::to_string(&pick.chosen).unwrap_or_else(|_| "[]".into());
    Ok(pick)
}

/// An add-on group as the merchant sends it; items are (name, fen).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupInput {
    pub name: String,
    pub required: bool,
    pub multiple: bool,
    pub items: Vec<(String, i64)>,
}

/// Most groups per goods and items per group.
pub const MAX_GROUPS: usize = 20;
pub const MAX_ITEMS: usize = 50;

/// Replaces the goods' add-ons. Groups and items are matched by name, so an item that stays keeps
/// its id (and carts holding it stay valid). Errors name the field and nothing is written.
pub fn save_additions(c: &Connection, goods_id: i64, groups: &[GroupInput]) -> Result<()> {
    if catalog::goods(c, goods_id)?.is_none() {
        return Err(Error::NotFound(Entity::Goods));
    }
    check_groups(groups)?;
    let old: Vec<AdditionGroup> = goods_rules::additions(c, goods_id)?;
    for (gi, g) in groups.iter().enumerate() {
        let name = g.name.trim();
        let kept = old.iter().find(|o| o.name == name);
        let gid = match kept {
            Some(o) => {
                goods_rules::update_addition_group(c, o.id, g.required, g.multiple, gi as i64)?;
                o.id
            }
            None => goods_rules::insert_addition_group(c, goods_id, name, g.required, g.multiple, gi as i64)?,
        };
        for (ii, (item, price)) in g.items.iter().enumerate() {
            let item = item.trim();
            match kept.and_then(|o| o.items.iter().find(|i| i.name == item)) {
                Some(i) => goods_rules::update_addition_item(c, i.id, *price, ii as i64)?,
                None => {
                    goods_rules::insert_addition_item(c, gid, item, *price, ii as i64)?;
                }
            }
        }
        if let Some(o) = kept {
            for i in o.items.iter().filter(|i| !g.items.iter().any(|(n, _)| n.trim() == i.name)) {
                goods_rules::delete_addition_item(c, i.id)?;
            }
        }
    }
    for o in old.iter().filter(|o| !groups.iter().any(|g| g.name.trim() == o.name)) {
        goods_rules::delete_addition_group(c, o.id)?;
    }
    Ok(())
}

fn check_groups(groups: &[GroupInput]) -> Result<()> {
    if groups.len() > MAX_GROUPS {
        return Err(Error::invalid("groups", format!("最多 {MAX_GROUPS} 个配件组")));
    }
    let mut names = HashSet::new();
    for g in groups {
        let name = g.name.trim();
        if name.is_empty() || name.chars().count() > 30 || !names.insert(name) {
            return Err(Error::invalid("groups", format!("配件组名“{name}”为空、超过 30 个字或重复")));
        }
        if g.items.is_empty() || g.items.len() > MAX_ITEMS {
            return Err(Error::invalid("items", format!("配件组“{name}”应有 1 到 {MAX_ITEMS} 个配件")));
        }
        let mut items = HashSet::new();
        for (item, price) in &g.items {
            let item = item.trim();
            if item.is_empty() || item.chars().count() > 30 || !items.insert(item) {
                return Err(Error::invalid(
                    "items",
                    format!("配件组“{name}”里的配件名“{item}”为空、超过 30 个字或重复"),
                ));
            }
            if !(0..=100_000_000).contains(price) {
                return Err(Error::invalid("items", format!("配件“{item}”的价格应在 0 到 100 万元之间")));
            }
        }
    }
    Ok(())
}
