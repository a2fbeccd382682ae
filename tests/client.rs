//! The client conformance suite: the real `apifm-wxapi` package (pinned in tests/client/package-lock.json)
//! runs under Node against a live xiaodian on a loopback port, through the shipped adapter
//! (static/sdk/xiaodian.js) and a small `wx.request` shim over Node's fetch.
//!
//! It fails, never skips, when Node or npm is missing.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the server may take to answer /healthz.
const BOOT_TIMEOUT: Duration = Duration::from_secs(20);
/// How long the whole Node suite may take.
const SUITE_TIMEOUT: Duration = Duration::from_mins(3);
/// The oldest Node with node:test, global fetch, FormData and Blob.
const MIN_NODE_MAJOR: u32 = 20;
const SUBDOMAIN: &str = "shop";
/// The merchant API key the server starts with and the suite sends to the sandbox's controls.
const SANDBOX_KEY: &str = "client-suite-sandbox-key";

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("client")
}

/// Runs `program --version`; panics with an install hint when it cannot run.
fn tool_version(program: &str) -> String {
    let out = Command::new(program).arg("--version").output().unwrap_or_else(|e| {
        panic!(
            "the client conformance suite needs `{program}` (Node.js ≥ {MIN_NODE_MAJOR} with npm) on PATH: {e}. \
             Install it (Debian: apt-get install nodejs npm) and run `cargo test` again."
        )
    });
    assert!(out.status.success(), "`{program} --version` failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn check_node() {
    let version = tool_version("node");
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or_else(|| panic!("cannot read the Node version from `{version}`"));
    assert!(major >= MIN_NODE_MAJOR, "the client suite needs Node ≥ {MIN_NODE_MAJOR}, found {version}");
    tool_version("npm");
}

/// The `version` field of a package.json-like file, if it can be read.
fn json_version(path: &Path, pointer: &str) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value.pointer(pointer)?.as_str().map(str::to_string)
}

/// Installs the pinned client with `npm ci` unless node_modules already holds the locked version.
fn install_client(dir: &Path) {
    let locked = json_version(&dir.join("package-lock.json"), "/packages/node_modules~1apifm-wxapi/version")
        .expect("tests/client/package-lock.json must pin node_modules/apifm-wxapi");
    let installed =
        json_version(&dir.join("node_modules").join("apifm-wxapi").join("package.json"), "/version");
    if installed.as_deref() == Some(locked.as_str()) {
        return;
    }
    let _ =
        writeln!(std::io::stderr(), "client suite: npm ci (apifm-wxapi {locked}, installed: {installed:?})");
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .output()
        .expect("npm ci could not start");
    assert!(
        out.status.success(),
        "npm ci failed in {}:\n{}\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("local address").port()
}

/// A child process killed when the test ends, however it ends.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts xiaodian with the demo shop on `port`, logging to `log`.
fn start_server(port: u16, data: &Path, log: &Path) -> KillOnDrop {
    let out = File::create(log).expect("create the server log");
    let err = out.try_clone().expect("clone the log handle");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xiaodian"));
    // The developer's own XIAODIAN_* settings must not leak into the test server.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("XIAODIAN_") {
            cmd.env_remove(&name);
        }
    }
    let child = cmd
        .args(["--port", &port.to_string(), "--data"])
        .arg(data)
        .arg("--demo")
        .env("XIAODIAN_ADMIN_PASSWORD", "test-admin-password")
        // The sandbox's controls want a merchant key; the suite is given the same one.
        .env("XIAODIAN_ADMIN_API_KEY", SANDBOX_KEY)
        .env("XIAODIAN_FETCH_ALLOW_PRIVATE", "1")
        .env("XIAODIAN_LOG_LEVEL", "critical")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("start target/debug/xiaodian");
    KillOnDrop(child)
}

/// True when GET /healthz answers 200.
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

fn wait_until_healthy(server: &mut KillOnDrop, port: u16, log: &Path) {
    let deadline = Instant::now() + BOOT_TIMEOUT;
    while !healthy(port) {
        if let Ok(Some(status)) = server.0.try_wait() {
            panic!("xiaodian exited ({status}) before answering /healthz; its log:\n{}", read(log));
        }
        assert!(
            Instant::now() <= deadline,
            "xiaodian did not answer /healthz within {BOOT_TIMEOUT:?}; its log:\n{}",
            read(log)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| format!("(cannot read {}: {e})", path.display()))
}

/// tests/client/*.test.js, sorted, relative to the crate root.
fn test_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("read tests/client")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".test.js")))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.test.js files in {}", dir.display());
    files
}

/// Runs the Node suite; answers (passed, output).
fn run_suite(dir: &Path, base_url: &str, out_path: &Path) -> (bool, String) {
    let out = File::create(out_path).expect("create the node output file");
    let err = out.try_clone().expect("clone the output handle");
    let child = Command::new("node")
        .args(["--test", "--test-reporter=spec"])
        .args(test_files(dir))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("XIAODIAN_URL", base_url)
        .env("XIAODIAN_SUBDOMAIN", SUBDOMAIN)
        .env("XIAODIAN_ADMIN_API_KEY", SANDBOX_KEY)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("start node --test");
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
fn apifm_wxapi_client_suite() {
    check_node();
    let dir = suite_dir();
    install_client(&dir);

    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let log = tmp.path().join("xiaodian.log");
    let port = free_port();
    let mut server = start_server(port, &data, &log);
    wait_until_healthy(&mut server, port, &log);

    let base_url = format!("http://127.0.0.1:{port}");
    let (passed, output) = run_suite(&dir, &base_url, &tmp.path().join("node.log"));
    drop(server);

    // The summary lines (ℹ tests / pass / fail ...) so `cargo test` shows the counts: written to
    // the stderr handle directly, which the test harness does not capture.
    let mut stderr = std::io::stderr().lock();
    for line in output.lines().filter(|l| l.starts_with('ℹ')) {
        let _ = writeln!(stderr, "client suite: {line}");
    }
    drop(stderr);
    assert!(
        passed,
        "the apifm-wxapi client suite failed.\n----- node output -----\n{output}\n----- xiaodian log -----\n{}",
        read(&log)
    );
    // What the suite left behind (orders, refunds, bargains, groups) passes the operator's audit.
    let audit = Command::new(env!("CARGO_BIN_EXE_xiaodian"))
        .args(["check", "--data"])
        .arg(&data)
        .output()
        .expect("run xiaodian check");
    assert!(
        audit.status.success(),
        "`xiaodian check` after the client suite:\n{}{}",
        String::from_utf8_lossy(&audit.stdout),
        String::from_utf8_lossy(&audit.stderr)
    );
}
