//! The console in a real browser: Debian's headless Chromium, driven by playwright-core (pinned in
//! tests/browser/package-lock.json), against a live xiaodian with the demo shop on a loopback port.
//! The suite (tests/browser/*.test.js) fails on any script error or CSP violation the browser logs.
//!
//! It never skips: a missing Chromium is installed with apt-get when this runs as root (as on CI),
//! and otherwise the test fails with the one command to run. `XIAODIAN_CHROMIUM` names another
//! Chromium binary; `XIAODIAN_SCREENSHOTS=docs/img` also writes the README's screenshots there.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BOOT_TIMEOUT: Duration = Duration::from_secs(20);
/// Both widths, with Chromium's start-up, on a busy two-core machine.
const SUITE_TIMEOUT: Duration = Duration::from_mins(5);
const SANDBOX_KEY: &str = "browser-suite-sandbox-key";
const ADMIN_PASSWORD: &str = "browser-admin-password";
const DEBIAN_CHROMIUM: &str = "/usr/bin/chromium";
const INSTALL: &str = "apt-get update && apt-get install -y chromium";

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("browser")
}

fn succeeded(cmd: &mut Command) -> Result<(), String> {
    match cmd.output() {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => {
            Err(format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
        }
        Err(e) => Err(e.to_string()),
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The Chromium to drive: `XIAODIAN_CHROMIUM`, else Debian's, installed now when missing and we may.
fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("XIAODIAN_CHROMIUM") {
        let path = PathBuf::from(path);
        assert!(path.exists(), "XIAODIAN_CHROMIUM names {}, which does not exist", path.display());
        return path;
    }
    let path = PathBuf::from(DEBIAN_CHROMIUM);
    if path.exists() {
        return path;
    }
    assert!(is_root(), "the browser suite needs Debian's Chromium; install it with `{INSTALL}` (as root)");
    let _ = writeln!(std::io::stderr(), "browser suite: {INSTALL}");
    let apt = |args: &[&str]| {
        succeeded(
            Command::new("apt-get").args(args).env("DEBIAN_FRONTEND", "noninteractive").stdin(Stdio::null()),
        )
    };
    let installed = apt(&["install", "-y", "-q", "chromium"])
        .or_else(|_| apt(&["update", "-q"]).and_then(|()| apt(&["install", "-y", "-q", "chromium"])));
    if let Err(why) = installed {
        panic!("could not install Chromium with `{INSTALL}`:\n{why}");
    }
    assert!(path.exists(), "`{INSTALL}` ran but {DEBIAN_CHROMIUM} is still missing");
    path
}

fn json_version(path: &Path, pointer: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(&fs::read_to_string(path).ok()?).ok()?;
    value.pointer(pointer)?.as_str().map(str::to_string)
}

/// `npm ci` unless node_modules already holds the locked playwright-core.
fn install_driver(dir: &Path) {
    let locked =
        json_version(&dir.join("package-lock.json"), "/packages/node_modules~1playwright-core/version")
            .expect("tests/browser/package-lock.json must pin node_modules/playwright-core");
    let installed =
        json_version(&dir.join("node_modules").join("playwright-core").join("package.json"), "/version");
    if installed.as_deref() == Some(locked.as_str()) {
        return;
    }
    let _ = writeln!(std::io::stderr(), "browser suite: npm ci (playwright-core {locked})");
    if let Err(why) = succeeded(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(dir))
    {
        panic!(
            "npm ci failed in {} (the browser suite needs Node.js ≥ 20 with npm: apt-get install nodejs npm):\n{why}",
            dir.display()
        );
    }
}

/// A child process killed when the test ends, however it ends.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a loopback port").port()
}

fn start_server(port: u16, data: &Path, log: &Path) -> KillOnDrop {
    let out = File::create(log).expect("create the server log");
    let err = out.try_clone().expect("clone the log handle");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xiaodian"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("XIAODIAN_") {
            cmd.env_remove(&name);
        }
    }
    let child = cmd
        .args(["--port", &port.to_string(), "--data"])
        .arg(data)
        .arg("--demo")
        .env("XIAODIAN_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("XIAODIAN_ADMIN_API_KEY", SANDBOX_KEY)
        .env("XIAODIAN_LOG_LEVEL", "critical")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("start target/debug/xiaodian");
    KillOnDrop(child)
}

fn healthy(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| format!("(cannot read {}: {e})", path.display()))
}

/// Runs `node --test` over tests/browser/*.test.js; answers (passed, output).
fn run_suite(dir: &Path, env: &[(&str, String)], out_path: &Path) -> (bool, String) {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("read tests/browser")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.js"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.test.js in {}", dir.display());
    let out = File::create(out_path).expect("create the node output file");
    let err = out.try_clone().expect("clone the output handle");
    let mut cmd = Command::new("node");
    cmd.args(["--test", "--test-reporter=spec", "--test-concurrency=1"]).args(&files);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("start node --test (Node.js ≥ 20: apt-get install nodejs npm)");
    let mut node = KillOnDrop(child);
    let deadline = Instant::now() + SUITE_TIMEOUT;
    let status = loop {
        if let Some(status) = node.0.try_wait().expect("wait for node") {
            break Some(status);
        }
        if Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = read(out_path);
    match status {
        Some(s) => (s.success(), output),
        None => (false, format!("{output}\n(node --test killed after {SUITE_TIMEOUT:?})")),
    }
}

#[test]
fn console_in_headless_chromium() {
    let browser = chromium();
    let dir = suite_dir();
    install_driver(&dir);

    let tmp = tempfile::tempdir().expect("temp dir");
    let log = tmp.path().join("xiaodian.log");
    let port = free_port();
    let mut server = start_server(port, &tmp.path().join("data"), &log);
    let deadline = Instant::now() + BOOT_TIMEOUT;
    while !healthy(port) {
        if let Ok(Some(status)) = server.0.try_wait() {
            panic!("xiaodian exited ({status}) before answering /healthz; its log:\n{}", read(&log));
        }
        assert!(Instant::now() < deadline, "xiaodian did not answer /healthz; its log:\n{}", read(&log));
        std::thread::sleep(Duration::from_millis(50));
    }

    let mut env = vec![
        ("XIAODIAN_URL", format!("http://127.0.0.1:{port}")),
        ("XIAODIAN_ADMIN_API_KEY", SANDBOX_KEY.to_string()),
        ("XIAODIAN_ADMIN_PASSWORD", ADMIN_PASSWORD.to_string()),
        ("XIAODIAN_CHROMIUM", browser.display().to_string()),
    ];
    if let Some(shots) = std::env::var_os("XIAODIAN_SCREENSHOTS") {
        let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join(shots);
        env.push(("XIAODIAN_SCREENSHOTS", shots.display().to_string()));
    }
    let (passed, output) = run_suite(&dir, &env, &tmp.path().join("node.log"));
    drop(server);

    let mut stderr = std::io::stderr().lock();
    for line in output.lines().filter(|l| l.starts_with('ℹ')) {
        let _ = writeln!(stderr, "browser suite: {line}");
    }
    drop(stderr);
    assert!(passed, "the console's browser suite failed.\n----- node output -----\n{output}\n----- xiaodian log -----\n{}", read(&log));
}
