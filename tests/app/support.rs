//! TestApp: a xiaodian on a free loopback port with its own data dir, and one helper per need.

use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use xiaodian::cache::Cache;
use xiaodian::captcha::Captchas;
use xiaodian::config::Config;
use xiaodian::db::{self, Db};
use xiaodian::settings::Settings;

pub struct TestApp {
    /// e.g. http://127.0.0.1:41234
    pub base: String,
    pub db: Db,
    pub settings: Settings,
    pub cache: Cache,
    pub captchas: Arc<Captchas>,
    pub cfg: Config,
    pub dir: tempfile::TempDir,
    agent: ureq::Agent,
    shutdown: Option<rocket::Shutdown>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The merchant API key TestApp configures unless a test sets another: what `sandbox_get` and
/// `sandbox_post` send to the sandbox's control routes.
pub const SANDBOX_OPERATOR_KEY: &str = "test-sandbox-operator-key";

/// A free loopback port (bound and released; the app binds it right after).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl TestApp {
    pub fn new() -> TestApp {
        TestApp::with(|_| {})
    }

    /// Starts the app after `tweak` adjusts its configuration.
    pub fn with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = Config::for_tests(dir.path());
        cfg.port = free_port();
        // The sandbox controls want a merchant key (a test may set its own).
        cfg.admin_api_key = Some(SANDBOX_OPERATOR_KEY.into());
        tweak(&mut cfg);
        let (rocket, _boot) = xiaodian::build(cfg.clone()).expect("app builds");
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let rt = rocket::tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .max_blocking_threads(8)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let rocket = rocket.ignite().await.expect("ignite");
                let parts = (
                    rocket.state::<Db>().unwrap().clone(),
                    rocket.state::<Settings>().unwrap().clone(),
                    rocket.state::<Cache>().unwrap().clone(),
                    rocket.state::<Arc<Captchas>>().unwrap().clone(),
                    rocket.shutdown(),
                );
                tx.send(parts).unwrap();
                let _ = rocket.launch().await;
            });
        });
        let (db, settings, cache, captchas, shutdown) = rx.recv().expect("app started");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        let app = TestApp {
            base: format!("http://127.0.0.1:{}", cfg.port),
            db,
            settings,
            cache,
            captchas,
            cfg,
            dir,
            agent,
            shutdown: Some(shutdown),
            thread: Some(thread),
        };
        for _ in 0..200 {
            if app.agent.get(&format!("{}/healthz", app.base)).call().is_ok_and(|r| r.status() == 200) {
                return app;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("app did not answer /healthz");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GET with query parameters; the parsed JSON body.
    pub fn get(&self, path: &str, query: &[(&str, &str)]) -> Value {
        let (status, body) = self.get_raw(path, query);
        assert_eq!(status, 200, "GET {path}: HTTP {status}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body)
            .unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {}", String::from_utf8_lossy(&body)))
    }

    /// GET; status and raw body.
    pub fn get_raw(&self, path: &str, query: &[(&str, &str)]) -> (u16, Vec<u8>) {
        let mut req = self.agent.get(&self.url(path));
        for (k, v) in query {
            req = req.query(*k, *v);
        }
        let mut res = req.call().unwrap();
        (res.status().as_u16(), res.body_mut().read_to_vec().unwrap())
    }

    /// POST a form body; the parsed JSON body (asserting HTTP 200, as every API answer is).
    pub fn post(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let mut res = self.agent.post(&self.url(path)).send_form(form.iter().copied()).unwrap();
        let status = res.status().as_u16();
        let body = res.body_mut().read_to_string().unwrap();
        assert_eq!(status, 200, "POST {path}: HTTP {status}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("POST {path}: not JSON ({e}): {body}"))
    }

    /// POST a raw body with a content type; status and body text.
    pub fn post_raw(&self, path: &str, content_type: &str, body: &[u8]) -> (u16, String) {
        let mut res =
            self.agent.post(&self.url(path)).header("Content-Type", content_type).send(body).unwrap();
        (res.status().as_u16(), res.body_mut().read_to_string().unwrap())
    }

    /// POST a JSON body; the parsed JSON answer.
    pub fn post_json(&self, path: &str, body: &Value) -> Value {
        let (status, text) = self.post_raw(path, "application/json", body.to_string().as_bytes());
        assert_eq!(status, 200, "POST {path}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// A multipart upload like wx.uploadFile: file field `field`, plus text fields.
    pub fn upload(
        &self,
        path: &str,
        field: &str,
        file_name: &str,
        bytes: &[u8],
        fields: &[(&str, &str)],
    ) -> Value {
        let (body, ct) = multipart(field, file_name, bytes, fields);
        let (status, text) = self.post_raw(path, &ct, &body);
        assert_eq!(status, 200, "upload {path}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("upload {path}: not JSON ({e}): {text}"))
    }

    /// Creates a shopper and a live token for them (login itself arrives with the accounts issue).
    pub fn shopper(&self, nick: &str) -> (i64, String) {
        let token = xiaodian::secret::new_token();
        let hash = xiaodian::secret::hash_token(&token);
        let nick = nick.to_string();
        let id = self
            .db
            .write_sync(|c| {
                let now = db::unix_now();
                let id = db::user::insert_user(c, &nick, now)?;
                db::user::insert_token(c, &hash, id, now + 3600, now)?;
                Ok::<_, xiaodian::error::ApiError>(id)
            })
            .unwrap();
        (id, token)
    }

    /// Runs a closure on a read connection.
    pub fn query<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>) -> T {
        self.db.read_sync(|c| f(c).map_err(xiaodian::error::ApiError::from)).unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(s) = self.shutdown.take() {
            s.notify();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Builds a multipart/form-data body; returns it with its content type.
pub fn multipart(field: &str, file_name: &str, bytes: &[u8], fields: &[(&str, &str)]) -> (Vec<u8>, String) {
    let boundary = "----xiaodian-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

/// A valid 1x1 PNG.
pub fn tiny_png() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(1, 1, image::Rgb([200, 30, 30]))
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

/// Asserts an envelope's code, showing the whole answer when it differs.
#[track_caller]
pub fn assert_code(res: &Value, code: i64) {
    assert_eq!(res["code"], code, "expected code {code}, got {res}");
    assert!(res["msg"].as_str().is_some_and(|m| !m.is_empty()), "msg must be a non-empty string: {res}");
}

impl TestApp {
    /// Logs in through WeChat (the sandbox) with a login code; returns (uid, token).
    pub fn login_wechat(&self, code: &str) -> (i64, String) {
        let res = self.post("/shop/user/wxapp/authorize", &[("code", code)]);
        assert_code(&res, 0);
        (res["data"]["uid"].as_i64().unwrap(), res["data"]["token"].as_str().unwrap().to_string())
    }

    /// The bearer header a sandbox control needs (the configured merchant key).
    fn operator_header(&self) -> String {
        format!("Bearer {}", self.cfg.admin_api_key.as_deref().expect("TestApp has a merchant API key"))
    }

    /// GET a sandbox control route as an operator; status and raw body.
    pub fn sandbox_get_raw(&self, path: &str, query: &[(&str, &str)]) -> (u16, Vec<u8>) {
        let mut req = self.agent.get(&self.url(path)).header("Authorization", &self.operator_header());
        for (k, v) in query {
            req = req.query(*k, *v);
        }
        let mut res = req.call().unwrap();
        (res.status().as_u16(), res.body_mut().read_to_vec().unwrap())
    }

    /// GET a sandbox control route as an operator; the parsed JSON body (asserting HTTP 200).
    pub fn sandbox_get(&self, path: &str, query: &[(&str, &str)]) -> Value {
        let (status, body) = self.sandbox_get_raw(path, query);
        assert_eq!(status, 200, "GET {path}: HTTP {status}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap()
    }

    /// POST JSON to a sandbox control route as an operator; the parsed JSON answer (asserting 200).
    pub fn sandbox_post(&self, path: &str, body: &Value) -> Value {
        let mut res = self
            .agent
            .post(&self.url(path))
            .header("Authorization", &self.operator_header())
            .header("Content-Type", "application/json")
            .send(body.to_string().as_bytes())
            .unwrap();
        let status = res.status().as_u16();
        let text = res.body_mut().read_to_string().unwrap();
        assert_eq!(status, 200, "POST {path}: HTTP {status}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// What the WeChat app would hand the mini-program for `data`, sealed with the current session
    /// of the openid the login `code` stands for.
    pub fn sandbox_encrypt(&self, code: &str, data: serde_json::Value) -> serde_json::Value {
        let openid = xiaodian::sandbox::wechat::openid_for(code);
        self.sandbox_post(
            "/sandbox/wechat/control/encrypt",
            &serde_json::json!({ "openid": openid, "data": data }),
        )
    }
}

/// A merchant API call with the bearer `key`: (status, JSON body or Null).
pub fn merchant_call(
    app: &TestApp,
    key: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let req = ureq::http::Request::builder()
        .method(method)
        .uri(app.url(&format!("/admin/api/v1{path}")))
        .header("Authorization", format!("Bearer {key}"));
    let mut res = match body {
        Some(b) => agent.run(req.header("Content-Type", "application/json").body(b.to_string()).unwrap()),
        None => agent.run(req.body(()).unwrap()),
    }
    .unwrap();
    let text = res.body_mut().read_to_string().unwrap();
    let json = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() };
    (res.status().as_u16(), json)
}
