//! The merchant's categories: a tree whose moves re-level the subtree, deleted only when empty.

use rusqlite::Connection;

use super::{check_json_object, check_len, MAX_LINE};
use crate::db::catalog::{self, CategoryFields};
use crate::service::error::{Entity, Error, Result};

/// Longest category name.
pub const MAX_CATEGORY_NAME: usize = 50;

/// Adds (`id` None) or rewrites a category. Moving it under another parent re-levels its whole
/// subtree; moving it under itself or its own descendant is refused.
pub fn save_category(c: &Connection, id: Option<i64>, f: &CategoryFields, now: i64) -> Result<i64> {
    if f.name.trim().is_empty() {
        return Err(Error::missing("name"));
    }
    check_len("name", &f.name, MAX_CATEGORY_NAME)?;
    for (name, v) in [("icon", &f.icon), ("type", &f.kind), ("key", &f.key)] {
        check_len(name, v, MAX_LINE)?;
    }
    check_json_object("extJson", &f.ext_json)?;
    if let Some(pid) = f.pid {
        if catalog::category(c, pid)?.is_none() {
            return Err(Error::invalid("pid", "上级分类不存在"));
        }
        if let Some(id) = id {
            if catalog::category_subtree(c, id)?.contains(&pid) {
                return Err(Error::invalid("pid", "不能移到自己或自己的下级分类下面"));
            }
        }
    }
    match id {
        None => Ok(catalog::insert_category(c, f, now)?),
        Some(id) => {
            if !catalog::update_category(c, id, f, now)? {
                return Err(Error::NotFound(Entity::Category));
            }
            catalog::relevel_subtree(c, id)?;
            Ok(id)
        }
    }
}

/// Deletes an empty category; one with sub-categories or goods is refused, saying which.
pub fn delete_category(c: &Connection, id: i64) -> Result<()> {
    if catalog::category(c, id)?.is_none() {
        return Err(Error::NotFound(Entity::Category));
    }
    let (children, goods) = catalog::category_usage(c, id)?;
    if children > 0 {
        return Err(Error::refused(format!("该分类下还有 {children} 个子分类，请先移走或删除")));
    }
    if goods > 0 {
        return Err(Error::refused(format!("该分类下还有 {goods} 个商品，请先移到其他分类")));
    }
    catalog::delete_category(c, id)?;
    Ok(())
}
