//! Specs and their keys: a spec key is read in any order and written canonical, and a goods' specs
//! multiply out to its SKU matrix.

use crate::db::catalog::PropertyRow;
use crate::service::error::{Error, Result};
use std::fmt::Write as _;

/// Most specs (颜色, 尺码...) one goods may have, and so most pairs in a spec key.
pub const MAX_SPECS: usize = 8;

/// A spec and its values, in display order.
#[derive(Debug, Clone)]
pub struct NewSpec {
    pub name: String,
    pub values: Vec<String>,
}

/// One spec combination: `values` names one value per spec, in the specs' order.
#[derive(Debug, Clone, Default)]
pub struct NewSku {
    pub values: Vec<String>,
    pub price: i64,
    pub original_price: i64,
    pub score: i64,
    pub stores: i64,
    pub weight: i64,
    pub code: String,
}

/// Reads a spec key as the client sends it ("2:10,1:4" or "1:4,2:10,", spaces allowed) into
/// (property id, value id) pairs sorted by property id; errors name `propertyChildIds`.
pub fn parse_key(text: &str) -> Result<Vec<(i64, i64)>> {
    let bad = |why: String| Error::invalid("propertyChildIds", why);
    let mut pairs = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let pair = part.split_once(':').and_then(|(p, c)| {
            let (p, c) = (p.trim().parse::<i64>().ok()?, c.trim().parse::<i64>().ok()?);
            (p > 0 && c > 0).then_some((p, c))
        });
        pairs.push(pair.ok_or_else(|| bad(format!("“{part}”应为“规格id:规格值id”")))?);
        if pairs.len() > MAX_SPECS {
            return Err(bad(format!("最多 {MAX_SPECS} 个规格")));
        }
    }
    pairs.sort_unstable();
    if pairs.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(bad("同一个规格选了两次".into()));
    }
    Ok(pairs)
}

/// The canonical key of sorted pairs: "pid:cid,pid:cid,".
pub fn key_text(pairs: &[(i64, i64)]) -> String {
    let mut sorted = pairs.to_vec();
    sorted.sort_unstable();
    sorted.iter().fold(String::new(), |mut key, (p, c)| {
        let _ = write!(key, "{p}:{c},");
        key
    })
}

/// "颜色:白,尺码:L," for a canonical key, from the goods' specs (unknown ids are left out).
pub fn key_names(key: &str, specs: &[PropertyRow]) -> String {
    let mut out = String::new();
    for (pid, cid) in parse_key(key).unwrap_or_default() {
        let Some(spec) = specs.iter().find(|s| s.id == pid) else { continue };
        if let Some(value) = spec.children.iter().find(|v| v.id == cid) {
            let _ = write!(out, "{}:{},", spec.name, value.name);
        }
    }
    out
}

/// Most SKUs one goods' specs may multiply out to.
pub const MAX_SKUS: usize = 1000;

/// Every combination of one value per spec, in the specs' order; refused beyond [`MAX_SKUS`].
pub fn combinations(specs: &[NewSpec]) -> Result<Vec<Vec<String>>> {
    let total =
        specs.iter().try_fold(1usize, |n, s| n.checked_mul(s.values.len()).filter(|&n| n <= MAX_SKUS));
    if total.is_none() {
        return Err(Error::invalid("properties", format!("规格组合最多 {MAX_SKUS} 个")));
    }
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for spec in specs {
        out = out
            .iter()
            .flat_map(|prefix| {
                spec.values.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push(v.clone());
                    next
                })
            })
            .collect();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_keys_are_read_in_any_order_and_written_sorted() {
        assert_eq!(parse_key("2:10,1:4").unwrap(), vec![(1, 4), (2, 10)]);
        assert_eq!(key_text(&parse_key(" 2:10 , 1:4 ,").unwrap()), "1:4,2:10,");
        assert_eq!(key_text(&parse_key("10:3,9:1,").unwrap()), "9:1,10:3,");
        assert!(parse_key("").unwrap().is_empty());
    }

    #[test]
    fn malformed_spec_keys_name_the_parameter() {
        for bad in ["1", "a:b", "1:2,1:3", "0:1", "1:-2", "1:2:3"] {
            let e = parse_key(bad).unwrap_err();
            assert!(e.to_string().contains("propertyChildIds"), "{bad}: {e}");
        }
    }
}
