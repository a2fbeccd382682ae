//! Boot settings: defaults < `data/xiaodian.toml` < `XIAODIAN_*` environment < command-line flags.
//!
//! Shop settings a merchant edits (shop name, WeChat keys, config values...) are not here: they
//! live in the `settings` table and are edited in the console.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Every `XIAODIAN_*` variable we read; any other one is warned about at start-up.
pub const KNOWN_ENV: &[&str] = &[
    "XIAODIAN_ADDRESS",
    "XIAODIAN_PORT",
    "XIAODIAN_DATA",
    "XIAODIAN_LOG_LEVEL",
    "XIAODIAN_BASE_URL",
    "XIAODIAN_SUBDOMAIN",
    "XIAODIAN_ADMIN_PASSWORD",
    "XIAODIAN_ADMIN_API_KEY",
    "XIAODIAN_UPLOAD_MAX_MB",
    "XIAODIAN_CACHE_MB",
    "XIAODIAN_FETCH_ALLOW_PRIVATE",
    "XIAODIAN_WORKERS",
    "XIAODIAN_IP_HEADER",
    "XIAODIAN_WECHAT_APPID",
    "XIAODIAN_WECHAT_SECRET",
    "XIAODIAN_WECHAT_API_BASE",
    "XIAODIAN_WXPAY_MCHID",
    "XIAODIAN_WXPAY_KEY",
    "XIAODIAN_WECHAT_PAY_BASE",
    "XIAODIAN_WXPAY_CERT",
    "XIAODIAN_WXPAY_CERT_KEY",
];

/// Settings that are fixed for the life of the process.
#[derive(Debug, Clone)]
pub struct Config {
    pub address: IpAddr,
    pub port: u16,
    /// Holds `xiaodian.db`, `uploads/` and the optional `xiaodian.toml`.
    pub data_dir: PathBuf,
    pub log_level: String,
    /// Public URL of the shop used in links we answer (uploads, captcha...); derived from
    /// address and port when unset.
    pub base_url: Option<String>,
    /// Overrides the subDomain stored in the settings table.
    pub subdomain: Option<String>,
    /// Password for the `admin` account when it is first created.
    pub admin_password: Option<String>,
    /// A merchant API key accepted besides the keys created in the console.
    pub admin_api_key: Option<String>,
    /// Largest accepted upload, in bytes.
    pub upload_max_bytes: u64,
    /// Bytes the in-memory caches (answers, token lookups) may hold together.
    pub cache_bytes: usize,
    /// Lets `uploadFileFromUrl` fetch from loopback / private addresses (tests only).
    pub fetch_allow_private: bool,
    /// Fill an empty shop with demo data at start-up.
    pub demo: bool,
    /// Run the background job threads.
    pub jobs: bool,
    /// Rocket async worker threads.
    pub workers: usize,
    /// The header a trusted reverse proxy puts the client address in (e.g. X-Real-IP); None when
    /// xiaodian faces clients directly, so a client cannot pick its own address for rate limits.
    pub ip_header: Option<String>,
    /// WeChat keys from the environment (they win over the console's).
    pub wechat: crate::settings::WechatEnv,
    /// Variables that looked like ours but are not known: warned about at start-up.
    pub unknown_env: Vec<String>,
}

/// What `data/xiaodian.toml` may hold (every field optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    address: Option<IpAddr>,
    port: Option<u16>,
    log_level: Option<String>,
    base_url: Option<String>,
    subdomain: Option<String>,
    admin_api_key: Option<String>,
    upload_max_mb: Option<u64>,
    cache_mb: Option<usize>,
    workers: Option<usize>,
}

/// Command-line flags that override everything else.
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub address: Option<IpAddr>,
    pub port: Option<u16>,
    pub data_dir: Option<PathBuf>,
    pub log_level: Option<String>,
    pub base_url: Option<String>,
    pub demo: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {reason}")]
    Invalid { name: String, reason: String },
    #[error("cannot read {path}: {reason}")]
    File { path: String, reason: String },
}

/// The caches' budget when none is set, in MB.
pub const DEFAULT_CACHE_MB: usize = 32;

/// A cache budget in MB as bytes: at least 1 MB (a smaller cache only costs misses), at most 4 GB.
fn cache_mb(mb: usize) -> Result<usize, &'static str> {
    match mb {
        1..=4096 => Ok(mb << 20),
        _ => Err("a cache budget in MB from 1 to 4096"),
    }
}

fn invalid(name: &str, reason: impl ToString) -> ConfigError {
    ConfigError::Invalid { name: name.to_string(), reason: reason.to_string() }
}

impl Config {
    fn defaults(data_dir: PathBuf) -> Config {
        Config {
            address: IpAddr::from([127, 0, 0, 1]),
            port: 8000,
            data_dir,
            log_level: "critical".into(),
            base_url: None,
            subdomain: None,
            admin_password: None,
            admin_api_key: None,
            upload_max_bytes: 10 * 1024 * 1024,
            cache_bytes: DEFAULT_CACHE_MB << 20,
            fetch_allow_private: false,
            demo: false,
            jobs: true,
            workers: 4,
            ip_header: None,
            wechat: crate::settings::WechatEnv::default(),
            unknown_env: Vec::new(),
        }
    }

    /// Builds the configuration from the layers, reading the process environment.
    pub fn load(flags: Flags) -> Result<Config, ConfigError> {
        let env: HashMap<String, String> =
            std::env::vars().filter(|(k, _)| k.starts_with("XIAODIAN_")).collect();
        Config::from_layers(flags, &env)
    }

    /// Builds the configuration from explicit layers (the environment passed in, for tests).
    pub fn from_layers(flags: Flags, env: &HashMap<String, String>) -> Result<Config, ConfigError> {
        let data_dir = flags
            .data_dir
            .clone()
            .or_else(|| env.get("XIAODIAN_DATA").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("data"));
        let mut cfg = Config::defaults(data_dir);
        cfg.apply_file(&cfg.data_dir.join("xiaodian.toml"))?;
        cfg.apply_env(env)?;
        cfg.apply_flags(flags);
        if let Some(sub) = &cfg.subdomain {
            crate::settings::validate_subdomain(sub).map_err(|r| invalid("XIAODIAN_SUBDOMAIN", r))?;
        }
        if let Some(url) = &cfg.base_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(invalid("XIAODIAN_BASE_URL", "must start with http:// or https://"));
            }
        }
        Ok(cfg)
    }

    fn apply_file(&mut self, path: &Path) -> Result<(), ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                return Err(ConfigError::File { path: path.display().to_string(), reason: e.to_string() })
            }
        };
        let f: FileSettings = toml::from_str(&text)
            .map_err(|e| ConfigError::File { path: path.display().to_string(), reason: e.to_string() })?;
        if let Some(v) = f.address {
            self.address = v;
        }
        if let Some(v) = f.port {
            self.port = v;
        }
        if let Some(v) = f.log_level {
            self.log_level = v;
        }
        if f.base_url.is_some() {
            self.base_url = f.base_url;
        }
        if f.subdomain.is_some() {
            self.subdomain = f.subdomain;
        }
        if f.admin_api_key.is_some() {
            self.admin_api_key = f.admin_api_key;
        }
        if let Some(mb) = f.upload_max_mb {
            self.upload_max_bytes = mb * 1024 * 1024;
        }
        if let Some(mb) = f.cache_mb {
            self.cache_bytes = cache_mb(mb).map_err(|e| invalid("cache_mb", e))?;
        }
        if let Some(w) = f.workers {
            self.workers = w.max(1);
        }
        Ok(())
    }

    fn apply_env(&mut self, env: &HashMap<String, String>) -> Result<(), ConfigError> {
        for (key, value) in env {
            let v = value.trim();
            match key.as_str() {
                "XIAODIAN_ADDRESS" => self.address = v.parse().map_err(|e| invalid(key, e))?,
                "XIAODIAN_PORT" => self.port = v.parse().map_err(|e| invalid(key, e))?,
                "XIAODIAN_DATA" => {} // already used to find the data dir
                "XIAODIAN_LOG_LEVEL" => self.log_level = v.to_string(),
                "XIAODIAN_BASE_URL" => self.base_url = Some(v.trim_end_matches('/').to_string()),
                "XIAODIAN_SUBDOMAIN" => self.subdomain = Some(v.to_string()),
                "XIAODIAN_ADMIN_PASSWORD" => self.admin_password = Some(value.clone()),
                "XIAODIAN_ADMIN_API_KEY" => self.admin_api_key = Some(v.to_string()),
                "XIAODIAN_UPLOAD_MAX_MB" => {
                    let mb: u64 = v.parse().map_err(|e| invalid(key, e))?;
                    self.upload_max_bytes = mb * 1024 * 1024;
                }
                "XIAODIAN_CACHE_MB" => {
                    self.cache_bytes =
                        cache_mb(v.parse().map_err(|e| invalid(key, e))?).map_err(|e| invalid(key, e))?;
                }
                "XIAODIAN_FETCH_ALLOW_PRIVATE" => self.fetch_allow_private = v == "1" || v == "true",
                "XIAODIAN_IP_HEADER" => self.ip_header = Some(v.to_string()).filter(|v| !v.is_empty()),
                "XIAODIAN_WECHAT_APPID" => self.wechat.appid = Some(v.to_string()).filter(|v| !v.is_empty()),
                "XIAODIAN_WECHAT_SECRET" => {
                    self.wechat.secret = Some(v.to_string()).filter(|v| !v.is_empty());
                }
                "XIAODIAN_WECHAT_API_BASE" => {
                    self.wechat.api_base =
                        Some(v.trim_end_matches('/').to_string()).filter(|v| !v.is_empty());
                }
                "XIAODIAN_WXPAY_MCHID" => {
                    self.wechat.pay_mch_id = Some(v.to_string()).filter(|v| !v.is_empty());
                }
                "XIAODIAN_WXPAY_KEY" => self.wechat.pay_key = Some(v.to_string()).filter(|v| !v.is_empty()),
                "XIAODIAN_WECHAT_PAY_BASE" => {
                    self.wechat.pay_base =
                        Some(v.trim_end_matches('/').to_string()).filter(|v| !v.is_empty());
                }
                "XIAODIAN_WXPAY_CERT" => self.wechat.pay_cert = Some(v.to_string()).filter(|v| !v.is_empty()),
                "XIAODIAN_WXPAY_CERT_KEY" => {
                    self.wechat.pay_cert_key = Some(v.to_string()).filter(|v| !v.is_empty());
                }
                "XIAODIAN_WORKERS" => self.workers = v.parse::<usize>().map_err(|e| invalid(key, e))?.max(1),
                _ => self.unknown_env.push(key.clone()),
            }
        }
        self.unknown_env.sort();
        Ok(())
    }

    fn apply_flags(&mut self, f: Flags) {
        if let Some(v) = f.address {
            self.address = v;
        }
        if let Some(v) = f.port {
            self.port = v;
        }
        if let Some(v) = f.data_dir {
            self.data_dir = v;
        }
        if let Some(v) = f.log_level {
            self.log_level = v;
        }
        if let Some(v) = f.base_url {
            self.base_url = Some(v.trim_end_matches('/').to_string());
        }
        self.demo |= f.demo;
    }

    /// A configuration for tests: a given data dir, an ephemeral port, no jobs, quiet logs.
    pub fn for_tests(data_dir: &Path) -> Config {
        let mut cfg = Config::defaults(data_dir.to_path_buf());
        cfg.port = 0;
        cfg.log_level = "off".into();
        cfg.jobs = false;
        cfg.workers = 2;
        cfg.admin_password = Some("test-admin-password".into());
        cfg
    }

    /// How this process reaches itself (the sandbox is called over real HTTP on loopback).
    pub fn loopback_url(&self) -> String {
        let host = match self.address {
            IpAddr::V4(a) if a.is_unspecified() => "127.0.0.1".to_string(),
            IpAddr::V6(a) if a.is_unspecified() => "[::1]".to_string(),
            IpAddr::V6(a) => format!("[{a}]"),
            a @ IpAddr::V4(_) => a.to_string(),
        };
        format!("http://{host}:{}", self.port)
    }

    /// The public URL of the shop, without a trailing slash.
    pub fn public_url(&self) -> String {
        if let Some(u) = &self.base_url {
            u.clone()
        } else {
            let host = match self.address {
                IpAddr::V4(a) if a.is_unspecified() => "127.0.0.1".to_string(),
                IpAddr::V6(a) if a.is_unspecified() => "[::1]".to_string(),
                IpAddr::V6(a) => format!("[{a}]"),
                a @ IpAddr::V4(_) => a.to_string(),
            };
            format!("http://{host}:{}", self.port)
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("xiaodian.db")
    }

    pub fn uploads_dir(&self) -> PathBuf {
        self.data_dir.join("uploads")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_file_and_flags_override_env() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("xiaodian.toml"), "port = 9000\nsubdomain = \"fromfile\"\n").unwrap();
        let env: HashMap<String, String> = [
            ("XIAODIAN_PORT".to_string(), "9100".to_string()),
            ("XIAODIAN_NOPE".to_string(), "1".to_string()),
        ]
        .into();
        let flags = Flags { data_dir: Some(dir.path().into()), ..Flags::default() };
        let cfg = Config::from_layers(flags.clone(), &env).unwrap();
        assert_eq!(cfg.port, 9100);
        assert_eq!(cfg.subdomain.as_deref(), Some("fromfile"));
        assert_eq!(cfg.unknown_env, vec!["XIAODIAN_NOPE".to_string()]);
        let cfg = Config::from_layers(Flags { port: Some(9200), ..flags }, &env).unwrap();
        assert_eq!(cfg.port, 9200);
    }

    #[test]
    fn bad_values_name_the_setting() {
        let env: HashMap<String, String> = [("XIAODIAN_PORT".to_string(), "eighty".to_string())].into();
        let dir = tempfile::tempdir().unwrap();
        let flags = Flags { data_dir: Some(dir.path().into()), ..Flags::default() };
        let err = Config::from_layers(flags, &env).unwrap_err().to_string();
        assert!(err.contains("XIAODIAN_PORT"), "{err}");
    }

    #[test]
    fn the_cache_budget_is_read_in_megabytes_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let flags = Flags { data_dir: Some(dir.path().into()), ..Flags::default() };
        let cfg = Config::from_layers(flags.clone(), &HashMap::new()).unwrap();
        assert_eq!(cfg.cache_bytes, 32 << 20);
        let env: HashMap<String, String> = [("XIAODIAN_CACHE_MB".to_string(), "8".to_string())].into();
        assert_eq!(Config::from_layers(flags.clone(), &env).unwrap().cache_bytes, 8 << 20);
        for bad in ["0", "-1", "lots", "5000"] {
            let env: HashMap<String, String> = [("XIAODIAN_CACHE_MB".to_string(), bad.to_string())].into();
            let err = Config::from_layers(flags.clone(), &env).unwrap_err().to_string();
            assert!(err.contains("XIAODIAN_CACHE_MB"), "{bad}: {err}");
        }
    }
}
