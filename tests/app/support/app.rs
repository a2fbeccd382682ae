//! TestApp: a xiaodian on a free loopback port with its own data dir; plain HTTP, the sandbox's
//! controls, and direct access to its database for arranging and asserting.

use std::fmt::Debug;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::Connection;
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

    /// An app whose merchant API accepts `key` (what [`TestApp::api`] sends).
    pub fn with_key(key: &str) -> TestApp {
        TestApp::with(|c| c.admin_api_key = Some(key.into()))
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

    /// Runs `f` on a read connection; any error fails the test. A closure that uses `?` on
    /// errors of different types ends with `Ok::<_, Failed>(…)`.
    pub fn query<T, E: Into<Failed>>(&self, f: impl FnOnce(&Connection) -> Result<T, E>) -> T {
        self.db.read_sync(|c| f(c).map_err(Into::into)).unwrap_or_else(Failed::fail)
    }

    /// Runs `f` in one write transaction (rolled back when it fails); any error fails the test.
    pub fn write<T, E: Into<Failed>>(&self, f: impl FnOnce(&Connection) -> Result<T, E>) -> T {
        self.db.write_sync(|c| f(c).map_err(Into::into)).unwrap_or_else(Failed::fail)
    }

    /// Rows in a table.
    pub fn count(&self, table: &str) -> i64 {
        self.query(|c| c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)))
    }

    /// Sets a shop setting and reloads the in-memory copy.
    pub fn set_setting(&self, key: &str, value: &str) {
        self.set_settings(&[(key, value)]);
    }

    /// Sets shop settings in one transaction and reloads the in-memory copy.
    pub fn set_settings(&self, pairs: &[(&str, &str)]) {
        self.write(|c| {
            for (k, v) in pairs {
                db::settings::set_setting(c, k, v)?;
            }
            self.settings.reload(c).map_err(Failed::from)
        });
    }
}

/// Whatever a closure run by [`TestApp::query`] or [`TestApp::write`] failed with, as text: any
/// error type the shop's functions answer (rusqlite, db, service, wire errors) converts with `?`.
pub struct Failed(String);

// Not Debug on purpose: that keeps this blanket conversion apart from `From<Failed> for Failed`.
impl<E: Debug> From<E> for Failed {
    fn from(e: E) -> Failed {
        Failed(format!("{e:?}"))
    }
}

impl Failed {
    /// Fails the test with the error.
    #[track_caller]
    pub fn fail<T>(self) -> T {
        panic!("{}", self.0)
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

impl TestApp {
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

/// The smallest bytes the upload sniffer takes for an mp4.
pub fn tiny_mp4() -> Vec<u8> {
    let mut v = vec![0, 0, 0, 24];
    v.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    v.extend_from_slice(&[0u8; 64]);
    v
}

/// Runs an async service function to completion from a test thread.
pub fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    rocket::tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
}

/// Now, in unix seconds.
pub fn now() -> i64 {
    db::unix_now()
}
