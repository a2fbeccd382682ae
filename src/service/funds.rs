//! What withdrawals, deposits, invoices and pay-bill share: the shop's calendar day, the amounts a
//! WeChat `nextAction` carries, and the reasons a merchant must give.

use serde_json::Value;

use crate::db;
use crate::money;
use crate::service::error::{Error, Field, Result, Rule};

/// The shop's time zone offset (Asia/Shanghai): days begin at local midnight.
const SHOP_OFFSET_SECS: i64 = 8 * 3600;

/// The Unix second the shop's current day began.
pub fn day_start(now: i64) -> i64 {
    now - (now + SHOP_OFFSET_SECS).rem_euclid(86_400)
}

/// "YYYYMMDD" in the shop's time zone, for readable record numbers.
pub fn shop_date(now: i64) -> String {
    db::format_unix(now).get(..10).unwrap_or("").replace('-', "")
}

/// A yuan amount inside a nextAction: templates send it as a number or as typed text.
/// Missing, negative, zero or with more than two decimals → 300 naming `name`.
pub fn action_fen(action: &Value, name: &'static str) -> Result<i64> {
    let fen = match action.get(name) {
        Some(Value::Number(n)) => n.as_f64().and_then(money::from_yuan),
        Some(Value::String(s)) => money::parse(s),
        None | Some(Value::Null) => return Err(Error::invalid("nextAction", format!("缺少 {name}"))),
        Some(_) => None,
    };
    match fen {
        Some(f) if f > 0 => Ok(f),
        _ => Err(Error::invalid("nextAction", format!("{name} 应为大于 0、最多两位小数的金额"))),
    }
}

/// An optional whole number inside a nextAction (ids), as a number or as text.
pub fn action_id(action: &Value, name: &'static str) -> Result<Option<i64>> {
    let id = match action.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(v) => crate::lenient::int(v),
    };
    id.map(Some).ok_or_else(|| Error::invalid("nextAction", format!("{name} 应为整数")))
}

/// An optional text inside a nextAction, at most `max` characters.
pub fn action_text(action: &Value, name: &'static str, max: usize) -> Result<String> {
    match action.get(name) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) if s.chars().count() <= max => Ok(s.trim().to_string()),
        Some(Value::String(_)) => Err(Error::invalid("nextAction", format!("{name} 超过 {max} 个字"))),
        Some(_) => Err(Error::invalid("nextAction", format!("{name} 应为文字"))),
    }
}

/// The reason a merchant gives for a refusal: required, at most 200 characters.
pub fn reason(text: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::missing("reason"));
    }
    if t.chars().count() > 200 {
        return Err(Error::Invalid { field: Field("reason"), rule: Rule::MaxChars(200) });
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shop_day_starts_at_midnight_in_shanghai() {
        let t = 1_763_829_000; // 2025-11-22 16:30 UTC = 2025-11-23 00:30 in Shanghai
        assert_eq!(day_start(t), t - 30 * 60);
        assert_eq!(day_start(t - 31 * 60), t - 30 * 60 - 86_400);
    }

    #[test]
    fn action_amounts_are_read_as_numbers_or_text() {
        let a = serde_json::json!({"money": 19.9, "amount": "20", "bad": "1.234", "zero": 0});
        assert_eq!(action_fen(&a, "money").unwrap(), 1990);
        assert_eq!(action_fen(&a, "amount").unwrap(), 2000);
        assert!(action_fen(&a, "bad").is_err());
        assert!(action_fen(&a, "zero").is_err());
        assert!(action_fen(&a, "missing").is_err());
    }
}
