//! Parameters from the query string, a form body or a JSON body, read the same way.

use std::collections::HashMap;

use rocket::data::{self, Data, FromData, ToByteUnit};
use rocket::outcome::Outcome;
use rocket::request::{self, FromRequest, Request};
use serde::Serialize;

use super::guards::fail;
use crate::error::ApiError;
use crate::lenient;

/// Largest accepted form or JSON body.
pub const BODY_LIMIT_KIB: usize = 1024;

/// The request's parameters; body values override query values of the same name.
#[derive(Debug, Default, Clone)]
pub struct Params {
    map: HashMap<String, String>,
}

impl Params {
    /// Parameters from explicit pairs (tests and internal callers).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Params {
        Params { map: pairs.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
    }

    fn add_form(&mut self, text: &str) {
        for (k, v) in form_urlencoded::parse(text.as_bytes()) {
            self.map.insert(k.into_owned(), v.into_owned());
        }
    }

    fn add_json(&mut self, text: &str) -> Result<(), ApiError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| ApiError::invalid("body", format!("不是有效的 JSON：{e}")))?;
        let serde_json::Value::Object(obj) = value else {
            return Err(ApiError::invalid("body", "JSON 请求体必须是对象"));
        };
        for (k, v) in obj {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => continue,
                other => other.to_string(),
            };
            self.map.insert(k, text);
        }
        Ok(())
    }

    /// The raw value, with empty strings treated as absent (the client sends `type=''` for "none").
    pub fn get(&self, name: &str) -> Option<&str> {
        self.map.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    /// A required, non-empty text of at most `max` characters.
    pub fn text(&self, name: &'static str, max: usize) -> Result<&str, ApiError> {
        let v = self.get(name).ok_or(ApiError::Missing(name))?;
        check_len(name, v, max)?;
        Ok(v)
    }

    /// An optional text of at most `max` characters.
    pub fn opt_text(&self, name: &'static str, max: usize) -> Result<Option<&str>, ApiError> {
        match self.get(name) {
            Some(v) => check_len(name, v, max).map(|()| Some(v)),
            None => Ok(None),
        }
    }

    /// A required integer.
    pub fn int(&self, name: &'static str) -> Result<i64, ApiError> {
        self.opt_int(name)?.ok_or(ApiError::Missing(name))
    }

    /// An optional integer (`"1"`, `" 1 "`; `""` is absent; never `"1.5"` or `"abc"`).
    pub fn opt_int(&self, name: &'static str) -> Result<Option<i64>, ApiError> {
        self.get(name)
            .map(|v| {
                lenient::int_text(v)
                    .ok_or_else(|| ApiError::invalid(name, format!("应为整数，收到“{}”", clip(v))))
            })
            .transpose()
    }

    /// A required decimal number that must be finite.
    pub fn float(&self, name: &'static str) -> Result<f64, ApiError> {
        let v = self.get(name).ok_or(ApiError::Missing(name))?;
        lenient::float_text(v).ok_or_else(|| ApiError::invalid(name, format!("应为数字，收到“{}”", clip(v))))
    }

    /// An optional boolean: true/false/1/0.
    pub fn opt_bool(&self, name: &'static str) -> Result<Option<bool>, ApiError> {
        self.get(name)
            .map(|v| {
                lenient::bool_text(v)
                    .ok_or_else(|| ApiError::invalid(name, format!("应为 true 或 false，收到“{}”", clip(v))))
            })
            .transpose()
    }

    /// These parameters with `pairs` added (a pair replaces a parameter of the same name).
    #[must_use]
    pub fn merged(&self, pairs: impl IntoIterator<Item = (String, String)>) -> Params {
        let mut map = self.map.clone();
        map.extend(pairs);
        Params { map }
    }

    /// The token parameter, if any.
    pub fn token(&self) -> Option<&str> {
        self.get("token")
    }
}

/// Reads a JSON-in-a-string parameter the lenient way; a refusal names the parameter and the shape.
pub fn json_param<T: serde::de::DeserializeOwned>(
    name: &'static str,
    text: &str,
    shape: &str,
) -> Result<T, ApiError> {
    lenient::from_str(text).map_err(|e| ApiError::invalid(name, format!("应为 {shape}：{e}")))
}

fn check_len(name: &'static str, v: &str, max: usize) -> Result<(), ApiError> {
    let n = v.chars().count();
    if n > max {
        return Err(ApiError::invalid(name, format!("长度 {n} 超过上限 {max}")));
    }
    Ok(())
}

/// A value shortened for an error message.
fn clip(v: &str) -> String {
    let mut s: String = v.chars().take(20).collect();
    if v.chars().count() > 20 {
        s.push('…');
    }
    s
}

fn from_query(req: &Request<'_>) -> Params {
    let mut p = Params::default();
    if let Some(q) = req.uri().query() {
        p.add_form(q.as_str());
    }
    p
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Params {
    type Error = ApiError;

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ApiError> {
        Outcome::Success(from_query(req))
    }
}

/// Reads query + body (form or JSON) into Params.
pub(crate) async fn read_body<'r>(req: &'r Request<'_>, data: Data<'r>) -> Result<Params, ApiError> {
    let mut p = from_query(req);
    let bytes = data
        .open(BODY_LIMIT_KIB.kibibytes())
        .into_bytes()
        .await
        .map_err(|e| ApiError::invalid("body", format!("请求体读取失败：{e}")))?;
    if !bytes.is_complete() {
        return Err(ApiError::TooLarge { what: "请求体", limit: format!("{BODY_LIMIT_KIB} KiB") });
    }
    let body = utf8_body(bytes.into_inner())?;
    let is_json = req.content_type().is_some_and(|ct| ct.is_json());
    if is_json {
        if !body.trim().is_empty() {
            p.add_json(&body)?;
        }
    } else if req.content_type().is_some_and(|ct| ct.is_form_data()) {
        return Err(ApiError::invalid("Content-Type", "此接口不接受 multipart 请求，请使用表单或 JSON"));
    } else {
        p.add_form(&body);
    }
    Ok(p)
}

/// A body as text; bytes that are not UTF-8 are the client's mistake (code 300), named by offset.
fn utf8_body(bytes: Vec<u8>) -> Result<String, ApiError> {
    String::from_utf8(bytes).map_err(|e| {
        ApiError::invalid(
            "body",
            format!(
                "请求体不是有效的 UTF-8 文本（第 {} 个字节起），请以 UTF-8 编码发送",
                e.utf8_error().valid_up_to() + 1
            ),
        )
    })
}

#[rocket::async_trait]
impl<'r> FromData<'r> for Params {
    type Error = ApiError;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        match read_body(req, data).await {
            Ok(p) => Outcome::Success(p),
            Err(e) => fail(req, e),
        }
    }
}

/// A page request: `page` from 1, `pageSize` 1–500 (default 20).
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: i64,
    pub page_size: i64,
}

impl Paging {
    pub const MAX_PAGE_SIZE: i64 = 500;

    pub fn from(p: &Params) -> Result<Paging, ApiError> {
        let page = p.opt_int("page")?.unwrap_or(1);
        if page < 1 {
            return Err(ApiError::invalid("page", "应从 1 开始"));
        }
        let page_size = p.opt_int("pageSize")?.unwrap_or(20);
        if !(1..=Self::MAX_PAGE_SIZE).contains(&page_size) {
            return Err(ApiError::invalid("pageSize", format!("应在 1 到 {} 之间", Self::MAX_PAGE_SIZE)));
        }
        Ok(Paging { page, page_size })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.page_size)
    }

    pub fn limit(&self) -> i64 {
        self.page_size
    }

    /// The page as the templates read it; 700 when there is nothing on it.
    pub fn page<T>(&self, result: Vec<T>, total_row: i64) -> Result<Page<T>, ApiError> {
        if result.is_empty() {
            return Err(ApiError::Empty);
        }
        let total_page = (total_row + self.page_size - 1) / self.page_size;
        Ok(Page { result, total_row, total_page })
    }
}

/// A paged list: `{result, totalRow, totalPage}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub result: Vec<T>,
    pub total_row: i64,
    pub total_page: i64,
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_body_that_is_not_utf8_names_the_problem() {
        let e = super::utf8_body(b"name=\xe5\xb0\x8f\xff".to_vec()).unwrap_err();
        assert_eq!(e.code(), 300);
        assert!(e.to_string().contains("UTF-8"), "{e}");
        assert!(e.to_string().contains("第 9 个字节"), "{e}");
        assert_eq!(super::utf8_body("小店".as_bytes().to_vec()).unwrap(), "小店");
    }
}
