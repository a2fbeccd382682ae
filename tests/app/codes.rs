//! SMS and e-mail verification codes: the outbox, single use, wrong tries, expiry, rate limits,
//! the image captcha, and real delivery to a loopback SMTP server and a loopback Tencent stub.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use base64::Engine;
use xiaodian::db;
use xiaodian::error::ApiError;
use xiaodian::service::codes::{self, Channel};
use xiaodian::service::error::Error as ServiceError;

use crate::support::*;

const SMS_BY_TOKEN: &str = "/shop/verification/sms/get-by-token";
const SMS_CHECK: &str = "/shop/verification/sms/check";
const MAIL_CHECK: &str = "/shop/verification/mail/check";

fn msg(res: &serde_json::Value) -> &str {
    res["msg"].as_str().unwrap()
}

#[test]
fn an_sms_code_goes_to_the_outbox_is_stored_hashed_and_checks_once() {
    let app = TestApp::new();
    let code = sms_code(&app, "13800138000");
    assert_eq!(code.len(), 6);
    let (content, _) = outbox(&app, "13800138000");
    assert!(content.contains("10 分钟内有效"), "{content}");
    let stored: String =
        app.query(|c| c.query_row("SELECT code_hash FROM verification_codes", [], |r| r.get(0)));
    assert_ne!(stored, code);
    assert_eq!(stored, xiaodian::secret::hash_token(&code));

    let ok = app.post(SMS_CHECK, &[("mobile", "13800138000"), ("code", &code)]);
    assert_code(&ok, 0);
    assert_eq!(ok["data"], serde_json::Value::Null);
    let again = app.post(SMS_CHECK, &[("mobile", "13800138000"), ("code", &code)]);
    assert_code(&again, 302);
    assert!(msg(&again).contains("已使用"), "{again}");
}

#[test]
fn bad_numbers_and_addresses_answer_300_naming_the_parameter() {
    let app = TestApp::new();
    let res = app.get(SMS_GET, &[("mobile", "1380013800")]);
    assert_code(&res, 300);
    assert!(msg(&res).contains("mobile"), "{res}");
    assert_code(&app.get(SMS_GET, &[]), 300);
    let res = app.get(MAIL_GET, &[("mail", "not-an-address")]);
    assert_code(&res, 300);
    assert!(msg(&res).contains("mail"), "{res}");
    assert_code(&app.post(SMS_CHECK, &[("mobile", "13800138000")]), 300);
    let never = app.post(SMS_CHECK, &[("mobile", "13800138000"), ("code", "123456")]);
    assert_code(&never, 302);
    assert!(msg(&never).contains("请先获取验证码"), "{never}");
}

#[test]
fn five_wrong_codes_kill_the_code() {
    let app = TestApp::new();
    let code = sms_code(&app, "13800138001");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (1..=4).rev() {
        let res = app.post(SMS_CHECK, &[("mobile", "13800138001"), ("code", wrong)]);
        assert_code(&res, 302);
        assert!(msg(&res).contains(&format!("还可以再试 {left} 次")), "{res}");
    }
    let fifth = app.post(SMS_CHECK, &[("mobile", "13800138001"), ("code", wrong)]);
    assert_code(&fifth, 302);
    assert!(msg(&fifth).contains("次数过多"), "{fifth}");
    let right_too_late = app.post(SMS_CHECK, &[("mobile", "13800138001"), ("code", &code)]);
    assert_code(&right_too_late, 302);
    assert!(msg(&right_too_late).contains("已失效"), "{right_too_late}");
}

#[test]
fn a_code_expires_after_ten_minutes() {
    let app = TestApp::new();
    // With an explicit clock, straight through the service.
    let t0 = 1_800_000_000;
    let (_, code) = app.write(|c| codes::issue(c, Channel::Sms, "13800138002", None, t0));
    let late = app.write(|c| codes::redeem(c, Channel::Sms, "13800138002", &code, t0 + codes::TTL_SECS));
    assert!(matches!(&late, Err(ServiceError::CodeWrong(m)) if m.contains("过期")), "{late:?}");
    let in_time =
        app.write(|c| codes::redeem(c, Channel::Sms, "13800138002", &code, t0 + codes::TTL_SECS - 1));
    assert!(in_time.is_ok(), "{in_time:?}");

    // And over HTTP, with the stored code aged past its life.
    let code = sms_code(&app, "13800138003");
    age_codes(&app, "13800138003", 601);
    let res = app.post(SMS_CHECK, &[("mobile", "13800138003"), ("code", &code)]);
    assert_code(&res, 302);
    assert!(msg(&res).contains("已过期"), "{res}");
}

#[test]
fn a_new_code_replaces_the_old_one() {
    let app = TestApp::new();
    let first = sms_code(&app, "13800138004");
    age_codes(&app, "13800138004", 61);
    let second = sms_code(&app, "13800138004");
    if first != second {
        assert_code(&app.post(SMS_CHECK, &[("mobile", "13800138004"), ("code", &first)]), 302);
    }
    assert_code(&app.post(SMS_CHECK, &[("mobile", "13800138004"), ("code", &second)]), 0);
}

#[test]
fn one_send_a_minute_per_target_with_the_wait_spelled_out() {
    let app = TestApp::new();
    sms_code(&app, "13800138005");
    let res = app.get(SMS_GET, &[("mobile", "13800138005")]);
    assert_code(&res, 429);
    assert!(msg(&res).contains("秒后再试"), "{res}");
    // Another number is not held up.
    sms_code(&app, "13800138006");
    // A minute later the first may have another.
    age_codes(&app, "13800138005", 60);
    sms_code(&app, "13800138005");
}

#[test]
fn ten_sends_a_day_per_target() {
    let app = TestApp::new();
    let t0 = 1_800_000_000;
    app.write(|c| {
        for i in 0..codes::PER_TARGET_PER_DAY {
            codes::issue(c, Channel::Mail, "a@example.com", Some(&format!("10.0.0.{i}")), t0 + i * 120)?;
        }
        let eleventh = codes::issue(c, Channel::Mail, "a@example.com", Some("10.0.1.1"), t0 + 3600);
        let e = ApiError::from(eleventh.unwrap_err());
        assert_eq!(e.code(), 429);
        // The first send leaves the 24-hour window 23 hours later.
        assert!(e.msg().contains("23 小时"), "{}", e.msg());
        assert!(e.msg().contains("邮箱"), "{}", e.msg());
        let next_day = codes::issue(c, Channel::Mail, "a@example.com", Some("10.0.1.1"), t0 + 86_400 + 1);
        assert!(next_day.is_ok(), "{next_day:?}");
        Ok::<_, Failed>(())
    });
}

#[test]
fn twenty_sends_an_hour_per_client_ip() {
    let app = TestApp::new();
    for i in 0..codes::PER_IP_PER_HOUR {
        assert_code(&app.get(SMS_GET, &[("mobile", &format!("139{i:08}"))]), 0);
    }
    let res = app.get(MAIL_GET, &[("mail", "late@example.com")]);
    assert_code(&res, 429);
    assert!(msg(&res).contains("当前网络"), "{res}");
    assert!(msg(&res).contains("分钟后再试"), "{res}");
}

#[test]
fn the_image_captcha_is_needed_when_the_shop_asks_for_it() {
    let app = TestApp::new();
    app.set_settings(&[("smsNeedPicCode", "1")]);
    assert_code(&app.get(SMS_GET, &[("mobile", "13800138007")]), 301);
    let (status, _) = app.get_raw("/shop/verification/pic/get", &[("key", "k-1")]);
    assert_eq!(status, 200);
    let wrong = app.get(SMS_GET, &[("mobile", "13800138007"), ("key", "k-1"), ("picCode", "????")]);
    assert_code(&wrong, 301);
    // A key is good for one check: a new picture for the next try.
    app.get_raw("/shop/verification/pic/get", &[("key", "k-2")]);
    let pic = app.captchas.peek("k-2").unwrap();
    assert_code(&app.get(SMS_GET, &[("mobile", "13800138007"), ("key", "k-2"), ("picCode", &pic)]), 0);
    // E-mail codes never need it.
    mail_code(&app, "b@example.com");
    app.set_settings(&[("smsNeedPicCode", "0")]);
    sms_code(&app, "13800138008");
}

#[test]
fn mail_codes_are_checked_once_and_addresses_ignore_case() {
    let app = TestApp::new();
    assert_code(&app.get(MAIL_GET, &[("mail", "Alice@Example.com")]), 0);
    let (content, _) = outbox(&app, "alice@example.com");
    assert!(content.contains("邮箱验证码"), "{content}");
    let code = six_digits(&content).unwrap();
    assert_code(&app.post(MAIL_CHECK, &[("mail", "ALICE@example.com"), ("code", &code)]), 0);
    assert_code(&app.post(MAIL_CHECK, &[("mail", "alice@example.com"), ("code", &code)]), 302);
}

#[test]
fn get_by_token_sends_to_the_shoppers_bound_mobile() {
    let app = TestApp::new();
    assert_code(&app.get(SMS_BY_TOKEN, &[]), 2000);
    let (uid, token) = app.shopper("alice");
    let res = app.get(SMS_BY_TOKEN, &[("token", &token)]);
    assert_code(&res, 403);
    assert!(msg(&res).contains("绑定手机号"), "{res}");
    app.set_mobile(uid, "13700137000");
    assert_code(&app.get(SMS_BY_TOKEN, &[("token", &token)]), 0);
    let code = six_digits(&outbox(&app, "13700137000").0).unwrap();
    assert_code(&app.post(SMS_CHECK, &[("mobile", "13700137000"), ("code", &code)]), 0);
}

#[test]
fn the_sandbox_hands_out_the_latest_outbox_code() {
    let app = TestApp::new();
    let code = sms_code(&app, "13800138009");
    let res = app.sandbox_get("/sandbox/codes/latest", &[("target", "13800138009")]);
    assert_eq!(res["code"], code.as_str());
    assert_eq!(res["channel"], "sms");
    let (status, _) = app.sandbox_get_raw("/sandbox/codes/latest", &[("target", "13000000000")]);
    assert_eq!(status, 404);
}

/// What the loopback SMTP server saw.
struct Mail {
    auth: String,
    data: String,
}

/// A one-connection SMTP server on a loopback port: enough SMTP for lettre (220, EHLO with AUTH,
/// 235, 250, 354, 250, 221). Returns the port and what it received.
fn smtp_server() -> (u16, mpsc::Receiver<Mail>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut out = stream.try_clone().unwrap();
        let mut lines = BufReader::new(stream);
        let mut mail = Mail { auth: String::new(), data: String::new() };
        out.write_all(b"220 fake.test ESMTP\r\n").unwrap();
        loop {
            let mut line = String::new();
            if lines.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            let upper = line.to_ascii_uppercase();
            if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                out.write_all(b"250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n").unwrap();
            } else if upper.starts_with("AUTH PLAIN") {
                mail.auth = line[10..].trim().to_string();
                out.write_all(b"235 2.7.0 ok\r\n").unwrap();
            } else if upper.starts_with("DATA") {
                out.write_all(b"354 go ahead\r\n").unwrap();
                loop {
                    let mut l = String::new();
                    if lines.read_line(&mut l).unwrap_or(0) == 0 || l == ".\r\n" {
                        break;
                    }
                    mail.data.push_str(&l);
                }
                out.write_all(b"250 2.0.0 queued\r\n").unwrap();
            } else if upper.starts_with("QUIT") {
                out.write_all(b"221 bye\r\n").unwrap();
                break;
            } else {
                out.write_all(b"250 ok\r\n").unwrap();
            }
        }
        let _ = tx.send(mail);
    });
    (port, rx)
}

/// The text body of a single-part message, decoded from base64 or quoted-printable.
fn mail_text(data: &str) -> String {
    let (head, body) = data.split_once("\r\n\r\n").unwrap();
    let head = head.to_ascii_lowercase();
    if head.contains("content-transfer-encoding: base64") {
        let joined: String = body.lines().map(str::trim).collect();
        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(joined).unwrap()).unwrap()
    } else if head.contains("content-transfer-encoding: quoted-printable") {
        let joined = body.replace("=\r\n", "");
        let mut bytes = Vec::new();
        let raw = joined.as_bytes();
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'=' && i + 2 < raw.len() {
                bytes.push(u8::from_str_radix(std::str::from_utf8(&raw[i + 1..i + 3]).unwrap(), 16).unwrap());
                i += 3;
            } else {
                bytes.push(raw[i]);
                i += 1;
            }
        }
        String::from_utf8(bytes).unwrap()
    } else {
        body.to_string()
    }
}

/// Leaves sandbox mode (codes then go to real providers) without touching WeChat.
fn production(app: &TestApp) {
    app.set_settings(&[("wechatAppid", "wx0000000000000001"), ("wechatSecret", "s")]);
}

#[test]
fn with_smtp_configured_the_code_arrives_by_mail_and_the_outbox_hides_it() {
    let app = TestApp::new();
    let (port, received) = smtp_server();
    production(&app);
    let port = port.to_string();
    app.set_settings(&[
        ("smtpHost", "127.0.0.1"),
        ("smtpPort", &port),
        ("smtpSecurity", "none"),
        ("smtpUser", "shop@example.com"),
        ("smtpPassword", "smtp-secret"),
        ("smtpFrom", "测试小店 <shop@example.com>"),
        ("shopName", "测试小店"),
    ]);
    assert_code(&app.get(MAIL_GET, &[("mail", "carol@example.com")]), 0);
    let mail = received.recv_timeout(Duration::from_secs(10)).expect("the mail arrived");
    let credentials = base64::engine::general_purpose::STANDARD.decode(&mail.auth).unwrap();
    assert_eq!(credentials, b"\0shop@example.com\0smtp-secret");
    assert!(mail.data.contains("To: carol@example.com"), "{}", mail.data);
    let text = mail_text(&mail.data);
    assert!(text.contains("您的验证码是"), "{text}");
    let code = six_digits(&text).unwrap();

    let (content, status) = outbox(&app, "carol@example.com");
    assert_eq!(status, "sent");
    assert!(content.contains("******") && !content.contains(&code), "{content}");
    assert_code(&app.post(MAIL_CHECK, &[("mail", "carol@example.com"), ("code", &code)]), 0);
}

#[test]
fn an_unreachable_smtp_server_answers_502_and_the_outbox_records_the_failure() {
    let app = TestApp::new();
    production(&app);
    let port = free_port().to_string();
    app.set_settings(&[
        ("smtpHost", "127.0.0.1"),
        ("smtpPort", &port),
        ("smtpSecurity", "none"),
        ("smtpFrom", "shop@example.com"),
    ]);
    let res = app.get(MAIL_GET, &[("mail", "dave@example.com")]);
    assert_code(&res, 502);
    assert!(msg(&res).contains("邮件发送失败"), "{res}");
    let (_, status) = outbox(&app, "dave@example.com");
    assert_eq!(status, "failed");
    let dead: i64 = app.query(|c| c.query_row("SELECT status FROM verification_codes", [], |r| r.get(0)));
    assert_eq!(dead, 2, "an undelivered code can never be used");
}

/// What the Tencent stub saw: the request head (lower-cased names) and the body.
struct Request {
    headers: Vec<(String, String)>,
    body: String,
}

impl Request {
    fn header(&self, name: &str) -> &str {
        self.headers.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
    }
}

/// A one-request HTTP server on a loopback port answering `answer` (JSON).
fn tencent_stub(answer: &'static str) -> (String, mpsc::Receiver<Request>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((n, v)) = line.split_once(':') {
                headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let len: usize = headers.iter().find(|(n, _)| n == "content-length").unwrap().1.parse().unwrap();
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        let reply = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        );
        stream.write_all(reply.as_bytes()).unwrap();
        let _ = tx.send(Request { headers, body: String::from_utf8(body).unwrap() });
    });
    (base, rx)
}

fn tencent_settings(app: &TestApp, base: &str) {
    production(app);
    app.set_settings(&[
        ("smsApiBase", base),
        ("smsSecretId", "AKIDtest"),
        ("smsSecretKey", "sms-secret-key"),
        ("smsSdkAppId", "1400000001"),
        ("smsSignName", "测试小店"),
        ("smsTemplateId", "1234567"),
    ]);
}

#[test]
fn with_tencent_sms_configured_the_code_goes_out_signed_with_tc3() {
    let app = TestApp::new();
    let (base, seen) = tencent_stub(
        r#"{"Response":{"SendStatusSet":[{"SerialNo":"5000:1","PhoneNumber":"+8613800138010","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"a0aabda6"}}"#,
    );
    tencent_settings(&app, &base);
    assert_code(&app.get(SMS_GET, &[("mobile", "13800138010")]), 0);
    let req = seen.recv_timeout(Duration::from_secs(10)).expect("the stub was called");

    assert_eq!(req.header("x-tc-action"), "SendSms");
    assert_eq!(req.header("x-tc-version"), "2021-01-11");
    assert_eq!(req.header("x-tc-region"), "ap-guangzhou");
    assert_eq!(req.header("content-type"), "application/json; charset=utf-8");
    let timestamp: i64 = req.header("x-tc-timestamp").parse().unwrap();
    assert!((timestamp - db::unix_now()).abs() < 60);
    let auth = req.header("authorization");
    let date = xiaodian::delivery::tencent_sms::utc_date(timestamp);
    let prefix = format!(
        "TC3-HMAC-SHA256 Credential=AKIDtest/{date}/sms/tc3_request, SignedHeaders=content-type;host, Signature="
    );
    assert!(auth.starts_with(&prefix), "{auth}");
    let sig = &auth[prefix.len()..];
    assert!(
        sig.len() == 64 && sig.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
        "{sig}"
    );
    // The stub recomputes the signature over what it received.
    let expected = xiaodian::delivery::tencent_sms::authorization(
        "AKIDtest",
        "sms-secret-key",
        "sms",
        req.header("host"),
        &req.body,
        timestamp,
    );
    assert_eq!(auth, expected);

    let body: serde_json::Value = serde_json::from_str(&req.body).unwrap();
    assert_eq!(body["PhoneNumberSet"], serde_json::json!(["+8613800138010"]));
    assert_eq!(body["SmsSdkAppId"], "1400000001");
    assert_eq!(body["SignName"], "测试小店");
    assert_eq!(body["TemplateId"], "1234567");
    let code = body["TemplateParamSet"][0].as_str().unwrap().to_string();
    assert_eq!(body["TemplateParamSet"].as_array().unwrap().len(), 1);

    let (content, status) = outbox(&app, "13800138010");
    assert_eq!(status, "sent");
    assert!(!content.contains(&code), "the outbox of a real send never holds the code: {content}");
    assert_code(&app.post(SMS_CHECK, &[("mobile", "13800138010"), ("code", &code)]), 0);
}

#[test]
fn a_tencent_error_answers_502_and_the_outbox_keeps_the_reason() {
    let app = TestApp::new();
    let (base, seen) = tencent_stub(
        r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"The provided credentials could not be validated."},"RequestId":"b1"}}"#,
    );
    tencent_settings(&app, &base);
    app.set_settings(&[("smsTemplateMinutes", "1")]);
    let res = app.get(SMS_GET, &[("mobile", "13800138011")]);
    assert_code(&res, 502);
    assert!(msg(&res).contains("短信发送失败"), "{res}");
    let req = seen.recv_timeout(Duration::from_secs(10)).unwrap();
    let body: serde_json::Value = serde_json::from_str(&req.body).unwrap();
    assert_eq!(body["TemplateParamSet"][1], "10", "the minutes parameter when the template has one");
    let error: String = app.query(|c| {
        c.query_row("SELECT error FROM code_outbox WHERE target = '13800138011'", [], |r| r.get(0))
    });
    assert!(error.contains("AuthFailure.SignatureFailure"), "{error}");
}

#[test]
fn sandbox_mode_keeps_codes_in_the_outbox_even_with_a_provider_configured() {
    let app = TestApp::new();
    app.set_settings(&[("smtpHost", "127.0.0.1"), ("smtpPort", "1"), ("smtpFrom", "shop@example.com")]);
    mail_code(&app, "erin@example.com");
    assert_eq!(outbox(&app, "erin@example.com").1, "outbox");
}
