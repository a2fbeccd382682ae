//! Parameter rules the money pages share (withdrawals, deposits, invoices, pay-bill).

use super::Params;
use crate::error::ApiError;
use crate::money;

/// Largest `extJsonStr`, in characters.
pub const MAX_EXT_JSON: usize = 2000;

/// A required amount in yuan (at most two decimals, more than 0) as fen.
pub fn fen(p: &Params, name: &'static str) -> Result<i64, ApiError> {
    let v = p.get(name).ok_or(ApiError::Missing(name))?;
    match money::parse(v) {
        Some(fen) if fen > 0 => Ok(fen),
        _ => Err(ApiError::invalid(name, "应为大于 0、最多两位小数的金额（元）")),
    }
}

/// An optional amount in yuan as fen (0 allowed).
pub fn opt_fen(p: &Params, name: &'static str) -> Result<Option<i64>, ApiError> {
    p.get(name)
        .map(|v| money::parse(v).ok_or_else(|| ApiError::invalid(name, "应为最多两位小数的金额（元）")))
        .transpose()
}

/// `extJsonStr`: a JSON object, or "" when not sent.
pub fn ext_json(p: &Params) -> Result<String, ApiError> {
    let Some(text) = p.opt_text("extJsonStr", MAX_EXT_JSON)? else { return Ok(String::new()) };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(_)) => Ok(text.to_string()),
        Ok(_) => Err(ApiError::invalid("extJsonStr", "应为 JSON 对象")),
        Err(e) => Err(ApiError::invalid("extJsonStr", format!("不是有效的 JSON：{e}"))),
    }
}

/// An optional `status` filter within `0..=max`.
pub fn status_filter(p: &Params, max: i64) -> Result<Option<i64>, ApiError> {
    match p.opt_int("status")? {
        Some(s) if !(0..=max).contains(&s) => Err(ApiError::invalid("status", format!("应为 0 到 {max}"))),
        s => Ok(s),
    }
}

/// An optional text, "" when not sent.
pub fn text_or_empty(p: &Params, name: &'static str, max: usize) -> Result<String, ApiError> {
    Ok(p.opt_text(name, max)?.unwrap_or_default().to_string())
}
