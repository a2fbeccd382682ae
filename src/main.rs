//! The xiaodian binary: `xiaodian [serve]`, `xiaodian backup <file>`, `xiaodian check`,
//! `xiaodian doctor`, `xiaodian bench-data`, `xiaodian routes`.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xiaodian::config::{Config, Flags, KNOWN_ENV};

#[derive(Parser)]
#[command(name = "xiaodian", version, about = "小店 — the whole backend of a WeChat mini-program shop")]
struct Cli {
    /// Address to listen on [env: XIAODIAN_ADDRESS] (default 127.0.0.1)
    #[arg(long, global = true)]
    address: Option<IpAddr>,
    /// Port to listen on [env: XIAODIAN_PORT] (default 8000)
    #[arg(long, global = true)]
    port: Option<u16>,
    /// Data directory: database, uploads, xiaodian.toml [env: XIAODIAN_DATA] (default ./data)
    #[arg(long, global = true)]
    data: Option<PathBuf>,
    /// Log level: off, critical, normal, debug [env: XIAODIAN_LOG_LEVEL]
    #[arg(long, global = true)]
    log_level: Option<String>,
    /// Public URL used in links the shop answers [env: XIAODIAN_BASE_URL]
    #[arg(long, global = true)]
    base_url: Option<String>,
    /// Fill an empty shop with a demo catalogue
    #[arg(long, global = true)]
    demo: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the shop (the default)
    Serve,
    /// Write a consistent copy of the database to FILE (safe while the shop runs)
    Backup { file: PathBuf },
    /// Verify the shop's data (every account equals the sum of its ledger...); prints each
    /// difference and exits with 1 when anything differs
    Check,
    /// Check that the shop is ready to take real money (WeChat accepts the appid and secret, the pay
    /// key and certificate work, the base URL is https and reaches the notify route, a backup is
    /// recent); prints each fix and exits with 1 when anything fails
    Doctor,
    /// Fill an empty data dir with a large synthetic catalogue (Chinese names, tags, prices, specs
    /// and SKUs) for benchmarks; see tests/bench/bench.sh catalog
    BenchData {
        /// How many goods
        #[arg(long, default_value_t = 100_000)]
        goods: usize,
        /// How many categories (a tenth top level, the rest below them)
        #[arg(long, default_value_t = 200)]
        categories: usize,
    },
    /// Print every route (method, public path, handler, source file) as docs/routes.md holds it
    Routes {
        /// Rewrite docs/routes.md, the index in docs/merchant-api.md, docs/modules.md and README's module block (run from the repository root)
        #[arg(long)]
        write: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Needs no configuration: the route table is the same for every shop.
    if let Some(Command::Routes { write }) = cli.command {
        return routes(write);
    }
    let flags = Flags {
        address: cli.address,
        port: cli.port,
        data_dir: cli.data,
        log_level: cli.log_level,
        base_url: cli.base_url,
        demo: cli.demo,
    };
    let cfg = match Config::load(flags) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("xiaodian: {e}");
            return ExitCode::from(2);
        }
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cfg),
        Command::Backup { file } => backup(cfg, file),
        Command::Check => check(cfg),
        Command::Doctor => doctor(&cfg),
        Command::BenchData { goods, categories } => bench_data(cfg, goods, categories),
        Command::Routes { write } => routes(write),
    }
}

fn backup(cfg: Config, file: PathBuf) -> ExitCode {
    let result = xiaodian::db::Db::open(&cfg.db_path(), 1).map_err(|e| e.to_string()).and_then(|db| {
        db.backup_to(&file).map_err(|e| e.to_string())?;
        let bytes = std::fs::metadata(&file).map_err(|e| e.to_string())?.len();
        let made = xiaodian::db::backups::Backup {
            file: std::path::absolute(&file).unwrap_or_else(|_| file.clone()).display().to_string(),
            bytes: i64::try_from(bytes).unwrap_or(i64::MAX),
            date_add: xiaodian::db::unix_now(),
        };
        // Recorded for `xiaodian doctor`; the copy itself is already complete.
        db.write_sync(|c| xiaodian::db::backups::record(c, &made)).map_err(|e| e.to_string())
    });
    match result {
        Ok(()) => {
            println!("backup written to {}", file.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xiaodian backup: {e}");
            ExitCode::FAILURE
        }
    }
}

fn check(cfg: Config) -> ExitCode {
    let path = cfg.db_path();
    if !path.exists() {
        eprintln!("xiaodian check: no database at {}", path.display());
        return ExitCode::from(2);
    }
    let result = xiaodian::db::Db::open(&path, 1).map_err(|e| e.to_string()).and_then(|db| {
        db.read_sync(xiaodian::service::audit::run_checks)
            .map_err(|e| xiaodian::error::ApiError::from(e).msg())
    });
    match result {
        Ok(problems) if problems.is_empty() => {
            println!("all accounts agree with the ledger");
            ExitCode::SUCCESS
        }
        Ok(problems) => {
            for p in &problems {
                println!("{p}");
            }
            println!("{} difference(s) found", problems.len());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("xiaodian check: {e}");
            ExitCode::from(2)
        }
    }
}

fn doctor(cfg: &Config) -> ExitCode {
    match xiaodian::doctor::run(cfg, xiaodian::db::unix_now()) {
        Ok(findings) => {
            print!("{}", xiaodian::doctor::report(&findings));
            if findings.iter().all(|f| f.ok) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("xiaodian doctor: {e}");
            ExitCode::from(2)
        }
    }
}

fn routes(write: bool) -> ExitCode {
    let areas = xiaodian::listed_areas();
    if !write {
        print!("{}", xiaodian::routing::listing(&areas));
        return ExitCode::SUCCESS;
    }
    let root = std::path::Path::new(".");
    match xiaodian::routing::write_docs(root, &areas).and_then(|()| xiaodian::api::modules::write_docs(root))
    {
        Ok(()) => {
            println!(
                "wrote {}, the index in {}, {} and the module block in {}",
                xiaodian::routing::ROUTES_MD,
                xiaodian::routing::MERCHANT_MD,
                xiaodian::api::modules::MODULES_MD,
                xiaodian::api::modules::README
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xiaodian routes: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bench_data(cfg: Config, goods: usize, categories: usize) -> ExitCode {
    let started = std::time::Instant::now();
    let result = std::fs::create_dir_all(cfg.uploads_dir())
        .map_err(|e| e.to_string())
        .and_then(|()| xiaodian::db::Db::open(&cfg.db_path(), 1).map_err(|e| e.to_string()))
        .and_then(|db| {
            xiaodian::demo::bench_data::generate(&db, &cfg, categories, goods).map_err(|e| e.msg())
        });
    match result {
        Ok(made) => {
            println!(
                "bench data in {}: {} categories, {} goods, {} SKUs in {:.1} s",
                cfg.data_dir.display(),
                made.categories,
                made.goods,
                made.skus,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xiaodian bench-data: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(cfg: Config) -> ExitCode {
    for name in &cfg.unknown_env {
        eprintln!("warning: unknown variable {name} ignored (known: {})", KNOWN_ENV.join(", "));
    }
    let (rocket, boot) = match xiaodian::build(cfg.clone()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("xiaodian: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match rocket::tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cfg.workers)
        .max_blocking_threads(16)
        .thread_name("xiaodian-worker")
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("xiaodian: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        let rocket = rocket.ignite().await?;
        let port = rocket.config().port;
        let mut shown = cfg.clone();
        shown.port = port;
        let url = shown.public_url();
        let settings = rocket.state::<xiaodian::settings::Settings>().map(xiaodian::settings::Settings::get);
        let sub = settings.as_ref().map(|s| s.subdomain().to_string()).unwrap_or_default();
        println!("xiaodian {} — data in {}", env!("CARGO_PKG_VERSION"), cfg.data_dir.display());
        println!("  API base:   {url}/{sub}");
        println!("  console:    {url}/admin  (user: admin)");
        if let Some(pw) = &boot.generated_admin_password {
            println!("  admin password (shown once, change it in the console): {pw}");
        }
        if settings.as_ref().and_then(|s| s.wechat_appid().map(str::to_string)).is_none() {
            println!("  WeChat:     SANDBOX MODE — no appid is set; nothing reaches real WeChat");
        }
        if boot.demo_filled {
            println!("  demo shop:  filled with demo data");
        }
        // Dropping the launched instance closes every pooled connection before the last checkpoint.
        drop(rocket.launch().await?);
        if let Err(e) = xiaodian::db::Db::checkpoint_file(&cfg.db_path()) {
            eprintln!("xiaodian: final WAL checkpoint failed: {e}");
        }
        Ok::<(), rocket::Error>(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xiaodian: {e}");
            ExitCode::FAILURE
        }
    }
}
