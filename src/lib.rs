//! xiaodian (小店): the whole backend of a WeChat mini-program shop in one binary.

pub mod admin;
pub mod api;
pub mod cache;
pub mod callbacks;
pub mod captcha;
pub mod config;
pub mod db;
pub mod delivery;
pub mod demo;
pub mod doctor;
pub mod error;
pub mod jobs;
pub mod lenient;
pub mod logging;
pub mod merchant;
pub mod money;
pub mod present;
pub mod regions;
pub mod routing;
pub mod sandbox;
pub mod secret;
pub mod service;
pub mod settings;
pub mod sniff;
pub mod wechat;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rocket::data::{ByteUnit, Limits};
use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::fs::{FileServer, Options};
use rocket::http::Status;
use rocket::shield::{Frame, Shield};
use rocket::{get, routes, Build, Rocket, State};

use crate::config::Config;
use crate::db::Db;
use crate::routing::{Area, FileRoutes};

/// What went wrong before the server could start.
#[derive(Debug, thiserror::Error)]
pub enum BootError {
    #[error("cannot create {path}: {source}")]
    Dir { path: String, source: std::io::Error },
    #[error(transparent)]
    Db(#[from] db::OpenError),
    #[error("{0}")]
    Setup(String),
}

/// Things start-up learned that the operator must see once.
#[derive(Debug, Default)]
pub struct Boot {
    /// The admin password, when it was made up on this start.
    pub generated_admin_password: Option<String>,
    /// True when demo data was written on this start.
    pub demo_filled: bool,
}

/// Opens the data dir and the database and builds the Rocket instance with every route mounted.
pub fn build(cfg: Config) -> Result<(Rocket<Build>, Boot), BootError> {
    // Before Rocket installs its own logger, which would print shoppers' tokens.
    logging::init(&cfg.log_level);
    for dir in [cfg.data_dir.clone(), cfg.uploads_dir(), cfg.data_dir.join("tmp")] {
        std::fs::create_dir_all(&dir)
            .map_err(|source| BootError::Dir { path: dir.display().to_string(), source })?;
    }
    let db = Db::open(&cfg.db_path(), 4)?;
    let generated_admin_password = admin::bootstrap(&db, &cfg).map_err(BootError::Setup)?;
    let demo_filled = cfg.demo
        && demo::fill_if_empty(&db, &cfg).map_err(|e| BootError::Setup(format!("demo data: {e:?}")))?;
    let boot = Boot { generated_admin_password, demo_filled };
    let settings = db
        .read_sync(|c| settings::Settings::load_with(c, cfg.subdomain.clone(), cfg.wechat.clone()))
        .map_err(|e| BootError::Setup(format!("settings: {e:?}")))?;
    let wechat = wechat::WeChat::new(&cfg, db.clone(), settings.clone());
    let sandbox = settings.get().wechat_appid().is_none();
    let jobs = Arc::new(jobs::Jobs::default());
    if cfg.jobs {
        jobs::start(
            &jobs,
            jobs::cleanup::Context { db: db.clone(), uploads_dir: cfg.uploads_dir() },
            wechat.clone(),
        );
    }
    let wx_refunds = service::wechat_refund::WxRefunds::new(&cfg, settings.clone());
    if cfg.jobs {
        jobs::start_wechat_refund(&jobs, db.clone(), wx_refunds.clone());
        // group buy (pingtuan)
        jobs::start_pingtuan(&jobs, db.clone(), wx_refunds.clone());
    }
    let rocket = rocket::custom(figment(&cfg))
        .manage(db.clone())
        .manage(settings)
        // One budget: seven eighths for answers, a sixteenth for token lookups, one for captchas.
        .manage(cache::Cache::new(cfg.cache_bytes - cfg.cache_bytes / 8))
        .manage(cache::TokenCache::new(cfg.cache_bytes / 16))
        .manage(regions::Regions::load())
        .manage(Arc::new(captcha::Captchas::with_budget(Duration::from_mins(5), cfg.cache_bytes / 16)))
        .manage(api::tools::UniqueIds::default())
        .manage(wechat)
        .manage(sandbox::wechat::SandboxWeChat::default())
        .manage(sandbox::codes_wx::SandboxCodes::default())
        .manage(service::wxcodes::LiveCache::default())
        .manage(sandbox::pay_refund::SandboxRefunds::default())
        .manage(wx_refunds)
        .manage(sandbox::pay::SandboxPay::default())
        .manage(sandbox::messages::SandboxMessages::default())
        .manage(sandbox::kefu::SandboxKefu::default())
        .manage(cfg.clone())
        .attach(api::ShopPrefix)
        // The security headers, set once here for every answer (console pages add CSP and no-store).
        .attach(Shield::default().enable(Frame::Deny))
        .attach(AdHoc::on_shutdown("stop jobs, checkpoint", move |_| {
            Box::pin(async move {
                let jobs = jobs.clone();
                let db = db.clone();
                let checkpointed = db::blocking(move || {
                    jobs.stop();
                    db.checkpoint()
                })
                .await;
                if let Err(e) = checkpointed {
                    log::warn!("WAL checkpoint at shutdown: {e}");
                }
            })
        }))
        .register("/", api::catchers())
        .register("/uploads", rocket::catchers![file_not_found])
        .register("/admin", admin::catchers())
        .register("/admin/api", merchant::catchers())
        .register("/sandbox", sandbox::catchers());
    // The simulator is mounted only when the shop starts without a real appid.
    let rocket = areas(&cfg.uploads_dir())
        .into_iter()
        .filter(|area| sandbox || !area.sandbox_only)
        .fold(rocket, |rocket, area| rocket.mount("/", area.into_routes()));
    Ok((rocket, boot))
}

/// The one mount table: every area once; each area's `routes()` places its routes under its own
/// base. `uploads` is the directory served at /uploads.
pub fn areas(uploads: &Path) -> Vec<Area> {
    vec![
        Area {
            name: "shell",
            about: "The health check, uploaded files and the client SDK.",
            sandbox_only: false,
            files: vec![
                FileRoutes::at("/", file!(), routes![healthz]),
                FileRoutes::at("/uploads", file!(), FileServer::new(uploads, Options::None).rank(20).into()),
                FileRoutes::at("/sdk", file!(), routes![sdk]),
            ],
        },
        Area {
            name: "api",
            about: "The mini-program API: JSON envelopes under `/{subDomain}`, and the few paths the \
                    client calls without it.",
            sandbox_only: false,
            files: api::routes(),
        },
        Area {
            name: "callbacks",
            about: "What WeChat calls: the pay notify, the refund notify and the message push.",
            sandbox_only: false,
            files: callbacks::routes(),
        },
        Area {
            name: "admin",
            about: "The merchant's console: HTML pages under `/admin`.",
            sandbox_only: false,
            files: admin::routes(),
        },
        Area {
            name: "merchant",
            about: "The merchant API: JSON under `/admin/api/v1` with an API key (docs/merchant-api.md).",
            sandbox_only: false,
            files: merchant::routes(),
        },
        Area {
            name: "sandbox",
            about: "The WeChat and WeChat Pay simulator, and the controls that play WeChat or a shopper.",
            sandbox_only: true,
            files: sandbox::routes(),
        },
    ]
}

/// The mount table as `xiaodian routes` lists it; no data directory needed.
pub fn listed_areas() -> Vec<Area> {
    // Any existing directory: the listing reads methods, paths and names only.
    areas(&std::env::temp_dir())
}

fn figment(cfg: &Config) -> Figment {
    let upload = ByteUnit::from(cfg.upload_max_bytes);
    let limits = Limits::default()
        .limit("form", ByteUnit::Kibibyte(api::params::BODY_LIMIT_KIB as u64))
        .limit("json", ByteUnit::Mebibyte(1))
        .limit("string", ByteUnit::Mebibyte(1))
        .limit("file", upload)
        .limit("data-form", upload + ByteUnit::Kibibyte(64));
    let log_level = match cfg.log_level.as_str() {
        "off" => "off",
        "debug" => "debug",
        "critical" => "critical",
        _ => "normal",
    };
    Figment::from(rocket::Config::default())
        .merge(("address", cfg.address))
        .merge(("port", cfg.port))
        .merge(("workers", cfg.workers))
        // Few blocking threads: SQLite work is short and the default 512 costs throughput and memory.
        .merge(("max_blocking", 16))
        .merge(("ident", "xiaodian"))
        .merge(("cli_colors", false))
        .merge(("log_level", log_level))
        .merge(("temp_dir", cfg.data_dir.join("tmp")))
        .merge(("limits", limits))
        .merge(("shutdown.grace", 5))
        // Rocket trusts X-Real-IP by default; only a configured proxy header may name the client.
        .merge((
            "ip_header",
            cfg.ip_header
                .clone()
                .map_or(rocket::figment::value::Value::from(false), rocket::figment::value::Value::from),
        ))
        .merge(("shutdown.mercy", 5))
}

/// Missing files are real 404s (image loaders and downloads look at the status).
#[rocket::catch(default)]
fn file_not_found(status: Status, _: &rocket::Request<'_>) -> (Status, &'static str) {
    (status, "not found")
}

/// GET /healthz — 200 when the database answers, 503 otherwise.
#[get("/healthz")]
async fn healthz(db: &State<Db>) -> (Status, &'static str) {
    let db = db.inner().clone();
    match db::blocking(move || db.ping()).await {
        Ok(()) => (Status::Ok, "{\"status\":\"ok\"}"),
        _ => (Status::ServiceUnavailable, "{\"status\":\"database unavailable\"}"),
    }
}

#[derive(rust_embed::RustEmbed)]
#[folder = "static/sdk/"]
struct SdkFiles;

/// GET /sdk/xiaodian.js — the client adapter a mini-program copies or loads.
#[get("/xiaodian.js")]
fn sdk() -> Option<(rocket::http::ContentType, Vec<u8>)> {
    SdkFiles::get("xiaodian.js").map(|f| (rocket::http::ContentType::JavaScript, f.data.into_owned()))
}
