//! The binary as an operator runs it: start-up lines, clean shutdown on SIGTERM, backup, doctor.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn http(port: u16, request: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

fn start(dir: &std::path::Path, port: u16) -> (Child, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xiaodian"))
        .args(["--port", &port.to_string(), "--data"])
        .arg(dir)
        .env_remove("XIAODIAN_ADMIN_PASSWORD")
        .env("XIAODIAN_LOG_LEVEL", "critical")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        let done = line.contains("Rocket has launched");
        lines.push(line);
        if done {
            break;
        }
    }
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    (child, lines)
}

#[test]
fn start_up_prints_where_things_are_and_sigterm_shuts_down_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let (mut child, lines) = start(dir.path(), port);
    let text = lines.concat();
    assert!(text.contains(&format!("API base:   http://127.0.0.1:{port}/shop")), "{text}");
    assert!(text.contains(&format!("console:    http://127.0.0.1:{port}/admin")), "{text}");
    assert!(
        text.contains("admin password (shown once"),
        "a first start without XIAODIAN_ADMIN_PASSWORD prints one: {text}"
    );
    assert!(text.contains("SANDBOX"), "{text}");

    let body = "content=%7B%22a%22%3A1%7D";
    let res = http(
        port,
        &format!("POST /shop/json/set HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}", body.len()),
    );
    assert!(res.contains("\"code\":0"), "{res}");

    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "xiaodian did not stop within 15 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "exit status {exit:?}");
    let wal = dir.path().join("xiaodian.db-wal");
    let wal_len = std::fs::metadata(&wal).map_or(0, |m| m.len());
    assert_eq!(wal_len, 0, "the WAL is checkpointed at shutdown");

    // The write survived, and a second start prints no new password.
    let (mut child, lines) = start(dir.path(), port);
    assert!(!lines.concat().contains("admin password"));
    let res = http(port, "POST /shop/json/list HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
    assert!(res.contains("\"jsonData\":{\"a\":1}"), "{res}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn backup_writes_a_consistent_copy() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let (mut child, _) = start(dir.path(), port);
    let dest = dir.path().join("copy.db");
    let out = Command::new(env!("CARGO_BIN_EXE_xiaodian"))
        .args(["backup"])
        .arg(&dest)
        .arg("--data")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The doctor sees the backup just made, and fails the sandbox shop with exit code 1.
    let doctor = Command::new(env!("CARGO_BIN_EXE_xiaodian"))
        .args(["doctor", "--port", &port.to_string(), "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&doctor.stdout);
    assert_eq!(doctor.status.code(), Some(1), "{report}");
    assert!(report.contains("✔ 备份：0 小时前") && report.contains("copy.db"), "{report}");
    assert!(report.contains("✔ 支付通知地址可达"), "the running shop answers its notify route: {report}");
    assert!(report.contains("✘ 微信小程序 AppID"), "{report}");
    child.kill().unwrap();
    child.wait().unwrap();
    let c = rusqlite::Connection::open(&dest).unwrap();
    let admins: i64 = c.query_row("SELECT count(*) FROM admins", [], |r| r.get(0)).unwrap();
    assert_eq!(admins, 1);
}

#[test]
fn a_bad_setting_is_named_and_the_exit_code_says_so() {
    let out = Command::new(env!("CARGO_BIN_EXE_xiaodian")).env("XIAODIAN_PORT", "eighty").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("XIAODIAN_PORT"));
}

/// Starts with the log at `normal`; the child and everything it has printed so far.
fn start_logging(dir: &std::path::Path, port: u16) -> (Child, std::sync::Arc<std::sync::Mutex<String>>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xiaodian"))
        .args(["--port", &port.to_string(), "--data"])
        .arg(dir)
        .env("XIAODIAN_ADMIN_PASSWORD", "log-test-password")
        .env("XIAODIAN_LOG_LEVEL", "normal")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    for pipe in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let log = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut log = log.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
    }
    wait_for(&log, "Rocket has launched");
    (child, log)
}

/// Waits (at most 20 s) until the log holds `text`.
fn wait_for(log: &std::sync::Mutex<String>, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !log.lock().unwrap().contains(text) {
        assert!(Instant::now() < deadline, "the log never showed {text:?}:\n{}", log.lock().unwrap());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_request_log_masks_secrets_and_console_pages_set_each_header_once() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let (mut child, log) = start_logging(dir.path(), port);
    http(port, "GET /shop/user/detail?token=SECRET-TOKEN-1&x=1 HTTP/1.0\r\n\r\n");
    http(
        port,
        "POST /shop/user/m/login?mobile=13800138000&pwd=SECRET-PWD-2 HTTP/1.0\r\nContent-Length: 0\r\n\r\n",
    );
    http(port, "GET /shop/verification/sms/check?mobile=13800138000&code=SECRET-CODE-3 HTTP/1.0\r\n\r\n");
    http(
        port,
        "POST /admin/api/v1/goods HTTP/1.0\r\nAuthorization: Bearer SECRET-KEY-4\r\nContent-Length: 0\r\n\r\n",
    );
    let page = http(port, "GET /admin/login HTTP/1.0\r\n\r\n");
    let (head, _) = page.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"), "{head}");
    let header = |name: &str| -> Vec<&str> {
        head.lines()
            .filter_map(|l| l.split_once(':'))
            .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .collect()
    };
    assert_eq!(header("X-Frame-Options"), ["DENY"], "{head}");
    assert_eq!(header("X-Content-Type-Options"), ["nosniff"], "{head}");
    assert_eq!(header("Content-Security-Policy").len(), 1, "{head}");
    let api = http(port, "GET /healthz HTTP/1.0\r\n\r\n");
    assert!(api.to_ascii_lowercase().contains("x-frame-options: deny"), "{api}");

    wait_for(&log, "/_shop/verification/sms/check?mobile=13800138000&code=***");
    wait_for(&log, "GET /admin/login");
    child.kill().unwrap();
    child.wait().unwrap();
    let text = log.lock().unwrap().clone();
    for secret in ["SECRET-TOKEN-1", "SECRET-PWD-2", "SECRET-CODE-3", "SECRET-KEY-4"] {
        assert!(!text.contains(secret), "{secret} is in the log:\n{text}");
    }
    assert!(text.contains("/_shop/user/detail?token=***&x=1"), "{text}");
    assert!(text.contains("pwd=***"), "{text}");
    assert!(!text.contains("Refusing to overwrite"), "a responder and Shield both set a header:\n{text}");
}
