//! Reading requests: JSON bodies that name the field at fault, and paging parameters.

use rocket::data::{self, ByteUnit, Data, FromData};
use rocket::http::Status;
use rocket::outcome::Outcome;
use rocket::request::Request;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::problem::{fail, Problem};

/// A JSON request body parsed into `T` (whose type should deny unknown fields). On failure the
/// answer is 422 (413 when too large) naming the field: unknown, missing or of the wrong type.
pub struct JsonBody<T>(pub T);

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for JsonBody<T> {
    type Error = Problem;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let limit = req.limits().get("json").unwrap_or(ByteUnit::Mebibyte(1));
        let read = match data.open(limit).into_bytes().await {
            Ok(bytes) if bytes.is_complete() => parse_json(&bytes.into_inner()),
            Ok(_) => {
                Err(Problem::new(Status::PayloadTooLarge, format!("request body is larger than {limit}")))
            }
            Err(e) => Err(Problem::new(Status::BadRequest, format!("cannot read the request body: {e}"))),
        };
        match read {
            Ok(v) => Outcome::Success(JsonBody(v)),
            Err(p) => fail(req, p),
        }
    }
}

/// Parses a JSON object into `T`, naming the offending field when there is one.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let unprocessable = |msg: String| Problem::new(Status::UnprocessableEntity, msg);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(unprocessable("request body is empty: send a JSON object".into()));
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| unprocessable(format!("request body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(unprocessable("request body must be a JSON object".into()));
    }
    serde_json::from_value::<T>(value.clone()).map_err(|e| explain::<T>(&value, &e.to_string()))
}

/// Finds the field a deserialisation error is about. serde_json names unknown and missing fields
/// in its message but not the field of a type error, so each key is tried alone to find that one.
fn explain<T: DeserializeOwned>(value: &Value, msg: &str) -> Problem {
    for marker in ["unknown field `", "missing field `"] {
        if let Some((name, _)) = msg.strip_prefix(marker).and_then(|rest| rest.split_once('`')) {
            return Problem::invalid(name, msg);
        }
    }
    if let Value::Object(map) = value {
        for (key, v) in map {
            let alone = Value::Object(Map::from_iter([(key.clone(), v.clone())]));
            if let Err(e) = serde_json::from_value::<T>(alone) {
                let m = e.to_string();
                if !m.starts_with("missing field") {
                    return Problem::invalid(key.as_str(), m);
                }
            }
        }
    }
    Problem::new(Status::UnprocessableEntity, msg)
}

/// An optional whole-number query parameter within `range`.
pub fn opt_int(
    name: &'static str,
    v: Option<&str>,
    range: std::ops::RangeInclusive<i64>,
) -> Result<Option<i64>, Problem> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    match v.parse::<i64>() {
        Ok(n) if range.contains(&n) => Ok(Some(n)),
        _ => Err(Problem::invalid(
            name,
            format!("must be a whole number from {} to {}", range.start(), range.end()),
        )),
    }
}

/// An optional text query parameter of at most `max` characters; empty means absent.
pub fn opt_text(name: &'static str, v: Option<&str>, max: usize) -> Result<Option<String>, Problem> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    if v.chars().count() > max {
        return Err(Problem::invalid(name, format!("must be at most {max} characters")));
    }
    Ok(Some(v.to_string()))
}

/// A yuan amount from a JSON body as fen (at most two decimals, not negative).
pub fn fen(field: &'static str, yuan: f64) -> Result<i64, Problem> {
    crate::money::from_yuan(yuan)
        .ok_or_else(|| Problem::invalid(field, "must be a yuan amount ≥ 0 with at most two decimals"))
}

/// `page` from 1 and `pageSize` 1–100 (default 20).
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: i64,
    pub page_size: i64,
}

impl Paging {
    pub const MAX_PAGE_SIZE: i64 = 100;

    pub fn new(page: Option<&str>, page_size: Option<&str>) -> Result<Paging, Problem> {
        Ok(Paging {
            page: opt_int("page", page, 1..=1_000_000)?.unwrap_or(1),
            page_size: opt_int("pageSize", page_size, 1..=Self::MAX_PAGE_SIZE)?.unwrap_or(20),
        })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.page_size
    }

    pub fn wrap<T>(&self, items: Vec<T>, total: i64) -> Paged<T> {
        Paged { items, total, page: self.page, page_size: self.page_size }
    }
}

/// One page of a list: `{items, total, page, pageSize}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::parse_json;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Sample {
        title: String,
        #[serde(default)]
        link_type: i64,
    }

    fn field_of(body: &str) -> Option<String> {
        parse_json::<Sample>(body.as_bytes()).unwrap_err().field
    }

    #[test]
    fn errors_name_the_field() {
        let ok = parse_json::<Sample>(br#"{"title":"a","linkType":1}"#).unwrap();
        assert_eq!((ok.title.as_str(), ok.link_type), ("a", 1));
        assert_eq!(field_of(r#"{"title":"a","titel":"b"}"#).as_deref(), Some("titel"));
        assert_eq!(field_of(r#"{"linkType":1}"#).as_deref(), Some("title"));
        assert_eq!(field_of(r#"{"title":"a","linkType":"one"}"#).as_deref(), Some("linkType"));
        assert_eq!(field_of(r#"{"title":null}"#).as_deref(), Some("title"));
        assert_eq!(field_of("{\"title\":"), None);
        assert_eq!(field_of("[1]"), None);
        assert_eq!(field_of(" "), None);
    }
}
