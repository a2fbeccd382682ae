//! The one client of the merchant API (`/admin/api/v1`): bearer key, JSON in and out, headers kept.

use serde_json::Value;

use super::{multipart, TestApp};

/// One answer: status, headers and body (JSON, or Null when empty).
pub struct Res {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: Value,
}

impl Res {
    /// A header's value ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// Asserts a failure: the status, a JSON body with a message, and the field named (if any).
    #[track_caller]
    pub fn fails(&self, status: u16, field: Option<&str>) {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(
            self.header("content-type").starts_with("application/json"),
            "{}",
            self.header("content-type")
        );
        assert!(self.body["error"].as_str().is_some_and(|e| !e.is_empty()), "{}", self.body);
        assert_eq!(self.body["field"].as_str(), field, "{}", self.body);
    }

    /// (status, body), the shape most assertions take.
    pub fn pair(self) -> (u16, Value) {
        (self.status, self.body)
    }
}

/// Asserts a merchant API refusal given as (status, body): the status, a message, the field named.
#[track_caller]
pub fn refused(res: (u16, Value), status: u16, field: Option<&str>) {
    assert_eq!(res.0, status, "{}", res.1);
    assert!(res.1["error"].as_str().is_some_and(|e| !e.is_empty()), "{}", res.1);
    assert_eq!(res.1["field"].as_str(), field, "{}", res.1);
}

/// A client of the merchant API with (or without) an `Authorization` header.
pub struct Merchant<'a> {
    app: &'a TestApp,
    auth: Option<String>,
    if_match: Option<String>,
    agent: ureq::Agent,
}

impl<'a> Merchant<'a> {
    /// A client sending `Bearer <key>`.
    pub fn new(app: &'a TestApp, key: &str) -> Merchant<'a> {
        Merchant::with_header(app, Some(format!("Bearer {key}")))
    }

    /// A client sending this `Authorization` header, or none.
    pub fn with_header(app: &'a TestApp, auth: Option<String>) -> Merchant<'a> {
        let agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        Merchant { app, auth, if_match: None, agent }
    }

    /// The same client, sending `If-Match: <tag>` with its calls.
    pub fn if_match(mut self, tag: Option<&str>) -> Merchant<'a> {
        self.if_match = tag.map(str::to_string);
        self
    }

    pub fn send(&self, method: &str, path: &str, content_type: &str, body: Option<Vec<u8>>) -> Res {
        let mut req =
            ureq::http::Request::builder().method(method).uri(self.app.url(&format!("/admin/api/v1{path}")));
        if let Some(a) = &self.auth {
            req = req.header("Authorization", a);
        }
        if let Some(tag) = &self.if_match {
            req = req.header("If-Match", tag);
        }
        let mut res = match body {
            Some(bytes) => self.agent.run(req.header("Content-Type", content_type).body(bytes).unwrap()),
            None => self.agent.run(req.body(()).unwrap()),
        }
        .unwrap();
        let text = res.body_mut().read_to_string().unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {text}"))
        };
        Res { status: res.status().as_u16(), headers: res.headers().clone(), body }
    }

    pub fn get(&self, path: &str) -> Res {
        self.send("GET", path, "", None)
    }

    pub fn delete(&self, path: &str) -> Res {
        self.send("DELETE", path, "", None)
    }

    pub fn json(&self, method: &str, path: &str, body: &Value) -> Res {
        self.send(method, path, "application/json", Some(body.to_string().into_bytes()))
    }

    pub fn raw(&self, method: &str, path: &str, body: &str) -> Res {
        self.send(method, path, "application/json", Some(body.as_bytes().to_vec()))
    }

    pub fn upload(&self, field: &str, name: &str, bytes: &[u8]) -> Res {
        let (body, ct) = multipart(field, name, bytes, &[]);
        self.send("POST", "/uploads", &ct, Some(body))
    }

    /// A call with an optional JSON body.
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Res {
        match body {
            Some(b) => self.json(method, path, b),
            None => self.send(method, path, "", None),
        }
    }
}

impl TestApp {
    /// A merchant API client with the bearer `key`.
    pub fn merchant(&self, key: &str) -> Merchant<'_> {
        Merchant::new(self, key)
    }

    /// A merchant API call with the configured key (see [`TestApp::with_key`]): (status, JSON body or Null).
    pub fn api(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let key = self.cfg.admin_api_key.as_deref().expect("TestApp has a merchant API key");
        self.merchant(key).call(method, path, body).pair()
    }
}

impl TestApp {
    /// Creates goods through the merchant API (`POST /goods`); its id.
    pub fn api_goods(&self, body: Value) -> i64 {
        let (status, g) = self.api("POST", "/goods", Some(&body));
        assert_eq!(status, 201, "{g}");
        g["id"].as_i64().unwrap()
    }
}
