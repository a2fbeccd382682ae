//! The log: Rocket's lines and ours, on stdout in Rocket's layout, with every secret masked.
//! Shoppers send their token (and codes, passwords) in query strings, and Rocket's request line
//! prints the whole URI, so one logger sees every line and masks the values of secret-named
//! parameters (`token=…`, `"pwd":"…"`, `Bearer …`) before anything is written.

use std::borrow::Cow;
use std::io::Write;

use log::{Level, LevelFilter, Metadata, Record};

/// Installs the masking logger at `level` (off, critical, normal, debug). The first call in a
/// process installs it (Rocket then keeps it instead of its own); later calls set the level.
pub fn init(level: &str) {
    static LOGGER: Masking = Masking;
    let _ = log::set_logger(&LOGGER);
    log::set_max_level(match level {
        "off" => LevelFilter::Off,
        "debug" => LevelFilter::Trace,
        "critical" => LevelFilter::Warn,
        _ => LevelFilter::Info,
    });
}

/// What replaces a secret value.
const MASK: &str = "***";

/// Parameter names whose values are secrets, compared lowercased.
const SECRET_NAMES: &[&str] = &[
    "code",
    "js_code",
    "jscode",
    "smscode",
    "sms_code",
    "emailcode",
    "email_code",
    "mobilecode",
    "piccode",
    "pic_code",
    "imgcode",
    "verifycode",
    "vcode",
    "captcha",
    "iv",
    "encrypteddata",
    "encrypted_data",
    "csrf",
    "ticket",
    "xiaodian_admin",
    "xiaodian_login",
];

/// Endings that make a name secret: `token`, `newPwd`, `appSecret`, `sessionKey`, `paySign`...
const SECRET_ENDINGS: &[&str] = &["token", "pwd", "passwd", "password", "secret", "key", "sign", "signature"];

fn is_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_NAMES.contains(&name.as_str()) || SECRET_ENDINGS.iter().any(|e| name.ends_with(e))
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Where an unquoted value that starts at `from` ends. Rocket ends its request line with `:`,
/// which is not part of the last value.
fn value_end(b: &[u8], from: usize) -> usize {
    let stop = |c: &u8| {
        matches!(
            c,
            b'&' | b' '
                | b'\t'
                | b'\r'
                | b'\n'
                | b'"'
                | b'\''
                | b','
                | b';'
                | b'#'
                | b')'
                | b']'
                | b'}'
                | b'<'
                | b'>'
        )
    };
    match b[from.min(b.len())..].iter().position(stop) {
        Some(n) => from + n,
        None if b.len() > from && b.ends_with(b":") => b.len() - 1,
        None => b.len(),
    }
}

/// Where a quoted value that starts at `from` (after its opening quote) ends: the closing quote.
fn quoted_end(b: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    b.len()
}

/// The line with the value of every secret-named parameter replaced by `***`: query and form
/// pairs (`token=…`), JSON and debug fields (`"pwd":"…"`, `sessionKey: "…"`) and bearer keys.
pub fn redact(line: &str) -> Cow<'_, str> {
    let b = line.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut mask = |from: usize, to: usize, out: &mut String| {
        out.push_str(&line[copied..from]);
        out.push_str(MASK);
        copied = to;
    };
    let mut i = 0;
    while i < b.len() {
        if !is_word(b[i]) || (i > 0 && is_word(b[i - 1])) {
            i += 1;
            continue;
        }
        let end = i + b[i..].iter().position(|c| !is_word(*c)).unwrap_or(b.len() - i);
        let name = &line[i..end];
        i = end;
        // `Authorization: Bearer <key>` (or Basic): the credential after the scheme.
        let scheme = name.eq_ignore_ascii_case("bearer") || name.eq_ignore_ascii_case("basic");
        if scheme && b.get(end) == Some(&b' ') {
            let to = value_end(b, end + 1);
            if to > end + 1 {
                mask(end + 1, to, &mut out);
                i = to;
            }
            continue;
        }
        if !is_secret(name) {
            continue;
        }
        // `"name":` — the quote after a JSON key.
        let sep = if b.get(end) == Some(&b'"') { end + 1 } else { end };
        let (from, to) = match b.get(sep) {
            Some(b'=') => (sep + 1, value_end(b, sep + 1)),
            Some(b':') => {
                let mut from = sep + 1;
                while b.get(from) == Some(&b' ') {
                    from += 1;
                }
                if b.get(from) == Some(&b'"') {
                    (from + 1, quoted_end(b, from + 1))
                } else {
                    (from, value_end(b, from))
                }
            }
            _ => continue,
        };
        if to > from {
            mask(from, to, &mut out);
        }
        i = to.max(sep + 1);
    }
    if copied == 0 {
        return Cow::Borrowed(line);
    }
    out.push_str(&line[copied..]);
    Cow::Owned(out)
}

/// Rocket's launch lines ("Rocket has launched from ...") show at every level but off.
fn is_launch(m: &Metadata<'_>) -> bool {
    m.target().contains("rocket::launch")
}

struct Masking;

impl log::Log for Masking {
    fn enabled(&self, m: &Metadata<'_>) -> bool {
        m.level() <= log::max_level() || is_launch(m)
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        // Library chatter only at debug, as Rocket's own logger does.
        let from = |p: &str| record.module_path().is_some_and(|m| m.starts_with(p));
        if log::max_level() < LevelFilter::Trace && (from("hyper") || from("rustls") || from("r2d2")) {
            return;
        }
        let text = record.args().to_string();
        let text = redact(&text);
        // Rocket marks a line that belongs under the previous one with a target ending in `_`.
        let indented = record.target().ends_with('_');
        let level = if is_launch(record.metadata()) { Level::Info } else { record.level() };
        let line = match level {
            _ if indented => format!("   >> {text}\n"),
            Level::Error => format!("Error: {text}\n"),
            Level::Warn => format!("Warning: {text}\n"),
            _ => format!("{text}\n"),
        };
        write_line(&line);
    }

    fn flush(&self) {
        let _ = std::io::stdout().flush();
    }
}

/// In debug builds through `print!`, which the test harness captures per test (as Rocket does).
#[cfg(debug_assertions)]
fn write_line(line: &str) {
    print!("{line}");
}

/// In release builds straight to stdout, ignoring a closed stdout instead of panicking.
#[cfg(not(debug_assertions))]
fn write_line(line: &str) {
    let _ = std::io::stdout().lock().write_all(line.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn secrets_in_queries_forms_json_and_headers_are_masked() {
        let cases = [
            ("GET /_shop/user/detail?token=4f2a9c:", "GET /_shop/user/detail?token=***:"),
            (
                "GET /x?page=2&token=abc&pageSize=20 text/html:",
                "GET /x?page=2&token=***&pageSize=20 text/html:",
            ),
            (
                "POST /_shop/user/m/login?mobile=13800138000&pwd=hunter2&deviceId=d1",
                "POST /_shop/user/m/login?mobile=13800138000&pwd=***&deviceId=d1",
            ),
            ("GET /sms/check?code=042137&mobile=1", "GET /sms/check?code=***&mobile=1"),
            ("oldPwd=a&newPwd=b", "oldPwd=***&newPwd=***"),
            (
                r#"{"encryptedData":"xx+/==","iv":"yy","sessionKey":"zz"}"#,
                r#"{"encryptedData":"***","iv":"***","sessionKey":"***"}"#,
            ),
            (r#"{"password": "p\"w", "name": "李"}"#, r#"{"password": "***", "name": "李"}"#),
            ("Session { token: \"abc\", uid: 3 }", "Session { token: \"***\", uid: 3 }"),
            ("appSecret=s1&secret=s2&key=k", "appSecret=***&secret=***&key=***"),
            ("Authorization: Bearer xdk_live_123", "Authorization: Bearer ***"),
            ("access_token=AT&openid=o1", "access_token=***&openid=o1"),
            ("GET /shop/json/list?page=1", "GET /shop/json/list?page=1"),
            ("errcode=40001 return_code=FAIL", "errcode=40001 return_code=FAIL"),
            ("小店 token=值&x=1", "小店 token=***&x=1"),
        ];
        for (line, want) in cases {
            assert_eq!(redact(line), want, "{line}");
        }
    }

    #[test]
    fn a_line_without_secrets_is_not_copied() {
        assert!(matches!(redact("GET /healthz:"), std::borrow::Cow::Borrowed(_)));
        assert!(matches!(redact("token"), std::borrow::Cow::Borrowed(_)));
        assert!(matches!(redact("token="), std::borrow::Cow::Borrowed(_)));
    }
}
