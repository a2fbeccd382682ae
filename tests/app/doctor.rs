//! `xiaodian doctor` against the sandbox standing in for WeChat and WeChat Pay over real HTTP: a
//! shop configured with the sandbox's keys passes the WeChat checks; a wrong secret, a wrong pay
//! key, a missing certificate, a plain-http address, an unreachable notify route and an old or
//! missing backup, and a Litestream replica left behind the database each fail with their fix.

use std::path::Path;

use crate::support::*;
use xiaodian::config::Config;
use xiaodian::db::backups::{self, Backup};
use xiaodian::doctor::{self, Finding, BACKUP_MAX_AGE_SECS, REPLICATION_MAX_LAG_SECS};
use xiaodian::settings::WechatEnv;
use xiaodian::wechat::pay::{SANDBOX_MCH_ID, SANDBOX_PAY_KEY};
use xiaodian::wechat::{SANDBOX_APPID, SANDBOX_SECRET};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/wxpay");

/// A shop in `dir` whose WeChat is the sandbox of `wechat` (a running shop in sandbox mode).
fn configured(dir: &Path, wechat: &TestApp) -> Config {
    let mut cfg = Config::for_tests(dir);
    cfg.wechat = WechatEnv {
        appid: Some(SANDBOX_APPID.into()),
        secret: Some(SANDBOX_SECRET.into()),
        api_base: Some(wechat.url("/sandbox/wechat")),
        pay_mch_id: Some(SANDBOX_MCH_ID.into()),
        pay_key: Some(SANDBOX_PAY_KEY.into()),
        pay_base: Some(wechat.url("/sandbox/pay")),
        pay_cert: Some(format!("{FIXTURES}/apiclient_cert.pem")),
        pay_cert_key: Some(format!("{FIXTURES}/apiclient_key.pem")),
    };
    cfg
}

fn finding<'a>(all: &'a [Finding], key: &str) -> &'a Finding {
    all.iter().find(|f| f.key == key).unwrap_or_else(|| panic!("no {key} check"))
}

fn record_backup(cfg: &Config, file: &Path, age: i64) {
    std::fs::write(file, b"copy").unwrap();
    let db = xiaodian::db::Db::open(&cfg.db_path(), 1).unwrap();
    let b = Backup { file: file.display().to_string(), bytes: 4, date_add: xiaodian::db::unix_now() - age };
    db.write_sync(|c| backups::record(c, &b)).unwrap();
}

#[test]
fn the_sandbox_shop_is_told_it_cannot_take_real_money_and_how_to_fix_each_part() {
    let app = TestApp::new();
    let all = doctor::run(&app.cfg, xiaodian::db::unix_now()).unwrap();
    assert_eq!(all.len(), 7);
    let passed: Vec<&str> = all.iter().filter(|f| f.ok).map(|f| f.key).collect();
    // Continuous replication is optional: without Litestream it passes and says so.
    assert_eq!(
        passed,
        ["notify", "replication"],
        "only the shop's own route answers: {}",
        doctor::report(&all)
    );
    assert!(finding(&all, "replication").detail.contains("未使用 Litestream"));
    assert!(finding(&all, "wechat").detail.contains("沙箱模式"));
    assert!(finding(&all, "wechat").fix.as_deref().unwrap().contains("AppID"));
    assert!(finding(&all, "base_url").detail.contains("未设置"));
    assert!(finding(&all, "backup").detail.contains("没有"));
    let text = doctor::report(&all);
    assert!(text.contains("修复："), "{text}");
    assert!(text.contains("5 项未通过"), "{text}");
}

#[test]
fn keys_the_sandbox_accepts_pass_and_the_notify_route_answers_from_outside() {
    let wechat = TestApp::new();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = configured(dir.path(), &wechat);
    // The running shop's public address (plain http: reachable, but not what WeChat accepts).
    cfg.base_url = Some(wechat.url(""));
    record_backup(&cfg, &dir.path().join("copy.db"), 3600);
    let all = doctor::run(&cfg, xiaodian::db::unix_now()).unwrap();
    let text = doctor::report(&all);
    for key in ["wechat", "pay", "cert", "notify", "backup"] {
        assert!(finding(&all, key).ok, "{key}: {text}");
    }
    assert!(finding(&all, "wechat").detail.contains(SANDBOX_APPID), "{text}");
    let base = finding(&all, "base_url");
    assert!(!base.ok && base.detail.contains("不是 https"), "{text}");
    assert!(base.fix.as_deref().unwrap().contains("Caddyfile"));
    assert!(text.contains("1 项未通过"), "{text}");
    assert!(!text.contains(SANDBOX_SECRET) && !text.contains(SANDBOX_PAY_KEY), "no secret printed: {text}");
}

#[test]
fn a_wrong_secret_key_or_certificate_fails_with_its_fix() {
    let wechat = TestApp::new();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = configured(dir.path(), &wechat);
    cfg.wechat.secret = Some("not-the-secret".into());
    cfg.wechat.pay_key = Some("0123456789abcdef0123456789abcdef".into());
    cfg.wechat.pay_cert_key = Some(format!("{FIXTURES}/other_key.pem"));
    let all = doctor::run(&cfg, xiaodian::db::unix_now()).unwrap();
    let text = doctor::report(&all);
    let login = finding(&all, "wechat");
    assert!(!login.ok && login.detail.contains("40125"), "{text}");
    assert!(login.fix.as_deref().unwrap().contains("重置 AppSecret"));
    let pay = finding(&all, "pay");
    assert!(!pay.ok && pay.fix.as_deref().unwrap().contains("API 密钥"), "{text}");
    let cert = finding(&all, "cert");
    assert!(!cert.ok && cert.detail.contains("不匹配"), "{text}");

    cfg.wechat.pay_cert = None;
    cfg.wechat.pay_cert_key = None;
    let all = doctor::run(&cfg, xiaodian::db::unix_now()).unwrap();
    assert!(finding(&all, "cert").detail.contains("未配置商户 API 证书"), "{}", doctor::report(&all));
}

#[test]
fn an_https_address_that_does_not_answer_and_an_old_backup_fail() {
    let wechat = TestApp::new();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = configured(dir.path(), &wechat);
    cfg.base_url = Some("https://127.0.0.1:9".into());
    let copy = dir.path().join("old.db");
    record_backup(&cfg, &copy, BACKUP_MAX_AGE_SECS + 3600);
    let all = doctor::run(&cfg, xiaodian::db::unix_now()).unwrap();
    let text = doctor::report(&all);
    assert!(finding(&all, "base_url").detail.contains("本机或内网"), "{text}");
    assert!(finding(&all, "notify").detail.contains("无法访问"), "{text}");
    assert!(finding(&all, "backup").detail.contains("27 小时前"), "{text}");

    // A recent record whose file was since deleted is no backup either.
    record_backup(&cfg, &copy, 60);
    std::fs::remove_file(&copy).unwrap();
    let all = doctor::run(&cfg, xiaodian::db::unix_now()).unwrap();
    assert!(finding(&all, "backup").detail.contains("已不在"), "{}", doctor::report(&all));

    cfg.base_url = Some("https://shop.example.com".into());
    assert!(finding(&doctor::run(&cfg, xiaodian::db::unix_now()).unwrap(), "base_url").ok);
}

/// Writes `file` with its modification time `age_secs` in the past.
fn aged_file(file: &Path, age_secs: u64) {
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let f = std::fs::File::create(file).unwrap();
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(age_secs)).unwrap();
}

#[test]
fn a_litestream_replica_that_stopped_following_the_database_fails() {
    let wechat = TestApp::new();
    let dir = tempfile::tempdir().unwrap();
    let cfg = configured(dir.path(), &wechat);
    xiaodian::db::Db::open(&cfg.db_path(), 1).unwrap();
    let shadow = dir.path().join(".xiaodian.db-litestream");

    std::fs::create_dir_all(&shadow).unwrap();
    let empty = doctor::run(&cfg, xiaodian::db::unix_now()).unwrap();
    assert!(finding(&empty, "replication").detail.contains("没有任何文件"), "{}", doctor::report(&empty));

    // The shadow WAL last written long before the database's newest write: replication stopped.
    let wal = shadow.join("generations/0a1b/wal/00000001.wal");
    aged_file(&wal, REPLICATION_MAX_LAG_SECS + 3600);
    let all = doctor::run(&cfg, xiaodian::db::unix_now()).unwrap();
    let behind = finding(&all, "replication");
    assert!(!behind.ok && behind.detail.contains("比数据库晚 69 分钟"), "{}", doctor::report(&all));
    assert!(behind.fix.as_deref().unwrap().contains("systemctl status litestream"));

    // Written just now, it follows.
    aged_file(&wal, 0);
    let all = doctor::run(&cfg, xiaodian::db::unix_now()).unwrap();
    assert!(finding(&all, "replication").ok, "{}", doctor::report(&all));
}
