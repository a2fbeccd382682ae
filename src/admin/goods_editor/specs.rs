//! Specs and the SKU table: typed spec values checked, every combination of them.

use std::collections::{HashMap, HashSet};

use super::form::{SkuInput, SpecInput};
use crate::db::catalog::PropertyRow;
use crate::error::AdminError;
use crate::service::catalog::{self as rules, NewSpec, MAX_SPECS};
use crate::service::error::Error as ServiceError;

/// Splits typed spec values: commas (, ，、) and new lines separate, blanks are dropped.
pub(super) fn split_values(text: &str) -> Vec<String> {
    text.split([',', '，', '、', '\n', '\r'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// The specs as typed, checked: named, with values, no name or value twice. Blank rows are
/// skipped.
pub(super) fn read_specs(rows: &[SpecInput]) -> Result<Vec<NewSpec>, String> {
    let mut specs: Vec<NewSpec> = Vec::new();
    for row in rows {
        let name = row.name.trim().to_string();
        let values = split_values(&row.values);
        if name.is_empty() && values.is_empty() {
            continue;
        }
        if name.is_empty() {
            return Err(format!(
                "规格值「{}」还没有规格名，请填写规格名（如 颜色、尺码）",
                values.join("、")
            ));
        }
        if name.chars().count() > 20 {
            return Err(format!("规格名「{name}」太长，最多 20 个字"));
        }
        if specs.iter().any(|s| s.name == name) {
            return Err(format!("规格名「{name}」重复了"));
        }
        if values.is_empty() {
            return Err(format!("规格「{name}」至少要有一个规格值"));
        }
        let mut seen = HashSet::new();
        for v in &values {
            if v.chars().count() > 30 {
                return Err(format!("规格值「{v}」太长，最多 30 个字"));
            }
            if !seen.insert(v.as_str()) {
                return Err(format!("规格「{name}」的规格值「{v}」重复了"));
            }
        }
        specs.push(NewSpec { name, values });
    }
    if specs.len() > MAX_SPECS {
        return Err(format!("最多 {MAX_SPECS} 个规格"));
    }
    Ok(specs)
}

pub(super) fn combo_of(row: &SkuInput) -> Vec<String> {
    serde_json::from_str(&row.combo).unwrap_or_default()
}

/// The SKU table for these specs: every combination, rows already there kept as typed, new
/// ones with the goods' weight and everything else for the merchant to fill in.
pub(super) fn regenerate(specs: &[NewSpec], old: &[SkuInput], weight: &str) -> Result<Vec<SkuInput>, String> {
    if specs.is_empty() {
        return Ok(Vec::new());
    }
    let combos = rules::combinations(specs).map_err(|e| match e {
        ServiceError::Invalid { rule, .. } => rule.to_string(),
        other => AdminError::from(other).to_string(),
    })?;
    let mut kept: HashMap<Vec<String>, &SkuInput> = old.iter().map(|r| (combo_of(r), r)).collect();
    Ok(combos
        .into_iter()
        .map(|values| match kept.remove(&values) {
            Some(row) => row.clone(),
            None => SkuInput {
                combo: serde_json::to_string(&values).unwrap_or_else(|_| "[]".into()),
                stores: "0".into(),
                weight: weight.trim().to_string(),
                ..<SkuInput as Default>::default()
            },
        })
        .collect())
}

/// A SKU key's values by name, in the specs' order (the editor's `combo`); None when the key
/// does not name one value of each spec.
pub(super) fn sku_values(key: &str, props: &[PropertyRow]) -> Option<Vec<String>> {
    let pairs = rules::parse_key(key).ok()?;
    props
        .iter()
        .map(|p| {
            let cid = pairs.iter().find(|(pid, _)| *pid == p.id)?.1;
            p.children.iter().find(|v| v.id == cid).map(|v| v.name.clone())
        })
        .collect()
}
