//! Values as a Java (Spring / Jackson) backend reads them: the one place where the shop decides
//! how lenient it is about representation.
//!
//! apifm's pages send `"1"` where a number is meant, `"true"` or `"1"` for a boolean, `""` for an
//! optional number they do not set, and numbers as strings inside JSON-in-a-string parameters
//! (`goodsJsonStr`, `sku`, `extJsonStr`, `nextAction`…). All of that is accepted here, and nothing
//! more: `"abc"` or `"1.5"` for an integer, `"yes"` for a boolean stay refusals, and range checks
//! (negative, too large) stay with the caller, which names the parameter.

use serde::de::{self, DeserializeOwned, Deserializer, IntoDeserializer, Unexpected, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::Value;

/// An integer written as text: optional sign and digits, surrounding blanks ignored; a decimal
/// point, letters or a value outside `i64` are not an integer.
pub fn int_text(s: &str) -> Option<i64> {
    let t = s.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// A boolean written as text: `true` / `1` or `false` / `0` (any case for the words).
pub fn bool_text(s: &str) -> Option<bool> {
    match s.trim() {
        "1" => Some(true),
        "0" => Some(false),
        t if t.eq_ignore_ascii_case("true") => Some(true),
        t if t.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A finite decimal number written as text.
pub fn float_text(s: &str) -> Option<f64> {
    let t = s.trim();
    // Rust also reads "inf", "NaN" and "1e400" (as infinity): none of them is an amount.
    if !t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')) {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// An integer inside a JSON document: a whole JSON number, or a text [`int_text`] reads.
pub fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => int_text(s),
        _ => None,
    }
}

/// A boolean inside a JSON document: `true`/`false`, `1`/`0`, or a text [`bool_text`] reads.
pub fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(s) => bool_text(s),
        _ => None,
    }
}

/// Reads a JSON text into `T` the lenient way: numbers and booleans may be strings, `""` and
/// `null` are "not given" for an `Option`. Everything else is as strict as `serde_json`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    let value: Value = serde_json::from_str(text)?;
    from_value(value)
}

/// [`from_str`] for a document already parsed.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    T::deserialize(Lenient(value))
}

/// A JSON value that gives numbers and booleans from their text forms.
struct Lenient(Value);

type Error = serde_json::Error;

impl Lenient {
    fn integer<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => match int_text(&s) {
                Some(n) => visitor.visit_i64(n),
                None => Err(de::Error::invalid_type(Unexpected::Str(&s), &visitor)),
            },
            other => other.deserialize_i64(visitor),
        }
    }

    fn unsigned<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => match int_text(&s) {
                // The visitor refuses a negative value for an unsigned type, naming the value.
                Some(n) => visitor.visit_i64(n),
                None => Err(de::Error::invalid_type(Unexpected::Str(&s), &visitor)),
            },
            other => other.deserialize_u64(visitor),
        }
    }

    fn float<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => match float_text(&s) {
                Some(x) => visitor.visit_f64(x),
                None => Err(de::Error::invalid_type(Unexpected::Str(&s), &visitor)),
            },
            other => other.deserialize_f64(visitor),
        }
    }
}

impl<'de> IntoDeserializer<'de, Error> for Lenient {
    type Deserializer = Lenient;

    fn into_deserializer(self) -> Lenient {
        self
    }
}

macro_rules! integers {
    ($($method:ident => $how:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.$how(visitor)
        })*
    };
}

impl<'de> Deserializer<'de> for Lenient {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => {
                de::value::SeqDeserializer::new(items.into_iter().map(Lenient)).deserialize_any(visitor)
            }
            Value::Object(fields) => {
                de::value::MapDeserializer::new(fields.into_iter().map(|(k, v)| (k, Lenient(v))))
                    .deserialize_any(visitor)
            }
            other => other.deserialize_any(visitor),
        }
    }

    integers! {
        deserialize_i8 => integer, deserialize_i16 => integer, deserialize_i32 => integer,
        deserialize_i64 => integer, deserialize_i128 => integer,
        deserialize_u8 => unsigned, deserialize_u16 => unsigned, deserialize_u32 => unsigned,
        deserialize_u64 => unsigned, deserialize_u128 => unsigned,
        deserialize_f32 => float, deserialize_f64 => float,
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match boolean(&self.0) {
            Some(b) => visitor.visit_bool(b),
            None => self.0.deserialize_bool(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0 {
            Value::Null => visitor.visit_none(),
            Value::String(s) if s.trim().is_empty() => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    forward_to_deserialize_any! {
        char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Choice {
        option_id: i64,
        option_value_id: u32,
        price: Option<f64>,
        on: Option<bool>,
        name: Option<String>,
    }

    #[test]
    fn texts_are_read_as_a_java_backend_reads_them() {
        assert_eq!(int_text(" 12 "), Some(12));
        assert_eq!(int_text("-3"), Some(-3));
        for bad in ["", "abc", "1.5", "1e3", "0x10", "99999999999999999999", "1 2", "+"] {
            assert_eq!(int_text(bad), None, "{bad}");
        }
        assert_eq!(bool_text("TRUE"), Some(true));
        assert_eq!(bool_text("0"), Some(false));
        assert_eq!(bool_text("yes"), None);
        assert_eq!(float_text("1.50"), Some(1.5));
        for bad in ["inf", "NaN", "1e400", "1,5", ""] {
            assert_eq!(float_text(bad), None, "{bad}");
        }
    }

    #[test]
    fn numbers_and_booleans_may_be_strings_inside_json() {
        let got: Vec<Choice> = from_str(
            r#"[{"optionId":"1","optionValueId":"2","price":"9.9","on":"true","name":"红"},
                {"optionId":3,"optionValueId":4,"price":"","on":1}]"#,
        )
        .unwrap();
        assert_eq!(
            got[0],
            Choice {
                option_id: 1,
                option_value_id: 2,
                price: Some(9.9),
                on: Some(true),
                name: Some("红".into())
            }
        );
        assert_eq!(
            got[1],
            Choice { option_id: 3, option_value_id: 4, price: None, on: Some(true), name: None }
        );
    }

    #[test]
    fn representation_is_all_that_is_lenient() {
        for bad in [
            r#"[{"optionId":"abc","optionValueId":1}]"#,
            r#"[{"optionId":"1.5","optionValueId":1}]"#,
            r#"[{"optionId":1.5,"optionValueId":1}]"#,
            r#"[{"optionId":1,"optionValueId":"-1"}]"#,
            r#"[{"optionId":"99999999999999999999","optionValueId":1}]"#,
            r#"[{"optionId":"","optionValueId":1}]"#,
            r#"[{"optionId":1,"optionValueId":1,"on":"yes"}]"#,
            r#"[{"optionId":1,"optionValueId":1,"name":7}]"#,
            r#"{"optionId":1,"optionValueId":1}"#,
        ] {
            assert!(from_str::<Vec<Choice>>(bad).is_err(), "{bad}");
        }
    }
}
