//! Tencent Cloud SMS, API 3.0 `SendSms`, signed with TC3-HMAC-SHA256.
//!
//! The base URL is a setting (`smsApiBase`, default `https://sms.tencentcloudapi.com`) so tests can
//! point it at a local server; the signature covers the host the request really goes to.

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::DeliveryError;
use crate::settings::{keys, Snapshot};

pub const DEFAULT_API_BASE: &str = "https://sms.tencentcloudapi.com";
pub const DEFAULT_REGION: &str = "ap-guangzhou";
const SERVICE: &str = "sms";
const VERSION: &str = "2021-01-11";
const ALGORITHM: &str = "TC3-HMAC-SHA256";
const CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// The merchant's SMS account, complete (every required setting present).
#[derive(Debug, Clone)]
pub struct SmsConfig {
    pub api_base: String,
    pub secret_id: String,
    pub secret_key: String,
    pub sdk_app_id: String,
    pub sign_name: String,
    pub template_id: String,
    pub region: String,
    /// The template has a second parameter for the minutes a code stays valid.
    pub with_minutes: bool,
}

impl SmsConfig {
    /// The configured account; None while any required setting is missing.
    pub fn from_settings(s: &Snapshot) -> Option<SmsConfig> {
        Some(SmsConfig {
            api_base: s.get(keys::SMS_API_BASE).unwrap_or(DEFAULT_API_BASE).trim_end_matches('/').to_string(),
            secret_id: s.get(keys::SMS_SECRET_ID)?.to_string(),
            secret_key: s.get(keys::SMS_SECRET_KEY)?.to_string(),
            sdk_app_id: s.get(keys::SMS_SDK_APP_ID)?.to_string(),
            sign_name: s.get(keys::SMS_SIGN_NAME)?.to_string(),
            template_id: s.get(keys::SMS_TEMPLATE_ID)?.to_string(),
            region: s.get(keys::SMS_REGION).unwrap_or(DEFAULT_REGION).to_string(),
            with_minutes: s.get(keys::SMS_TEMPLATE_MINUTES) == Some("1"),
        })
    }
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac_sha256(key: &[u8], msg: &str) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(msg.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Step 1: the canonical request of a JSON POST to `/` (headers content-type and host).
pub fn canonical_request(host: &str, payload: &str) -> String {
    format!(
        "POST\n/\n\ncontent-type:{CONTENT_TYPE}\nhost:{}\n\ncontent-type;host\n{}",
        host.to_ascii_lowercase(),
        sha256_hex(payload.as_bytes())
    )
}

/// The UTC date of a timestamp, as the credential scope wants it (never the local date).
pub fn utc_date(timestamp: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(timestamp).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let f = time::macros::format_description!("[year]-[month]-[day]");
    t.format(&f).unwrap_or_default()
}

/// Step 2: the string to sign.
pub fn string_to_sign(timestamp: i64, service: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{timestamp}\n{}/{service}/tc3_request\n{}",
        utc_date(timestamp),
        sha256_hex(canonical_request.as_bytes())
    )
}

/// Step 3: the signature, with the key derived from the secret, the date and the service.
pub fn signature(secret_key: &str, date: &str, service: &str, string_to_sign: &str) -> String {
    let secret_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date);
    let secret_service = hmac_sha256(&secret_date, service);
    let secret_signing = hmac_sha256(&secret_service, "tc3_request");
    hex::encode(hmac_sha256(&secret_signing, string_to_sign))
}

/// Step 4: the Authorization header of a JSON POST of `payload` to `host` at `timestamp`.
pub fn authorization(
    secret_id: &str,
    secret_key: &str,
    service: &str,
    host: &str,
    payload: &str,
    timestamp: i64,
) -> String {
    let to_sign = string_to_sign(timestamp, service, &canonical_request(host, payload));
    let date = utc_date(timestamp);
    let sig = signature(secret_key, &date, service, &to_sign);
    format!(
        "{ALGORITHM} Credential={secret_id}/{date}/{service}/tc3_request, SignedHeaders=content-type;host, Signature={sig}"
    )
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendSmsRequest<'a> {
    phone_number_set: [String; 1],
    sms_sdk_app_id: &'a str,
    sign_name: &'a str,
    template_id: &'a str,
    template_param_set: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    response: AnswerBody,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AnswerBody {
    #[serde(default)]
    error: Option<AnswerError>,
    #[serde(default)]
    send_status_set: Vec<SendStatus>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AnswerError {
    code: String,
    message: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SendStatus {
    code: String,
    #[serde(default)]
    message: String,
}

/// The `host[:port]` of a base URL.
fn host_of(base: &str) -> Result<&str, DeliveryError> {
    let rest = base
        .strip_prefix("https://")
        .or_else(|| base.strip_prefix("http://"))
        .ok_or_else(|| DeliveryError::Config("短信接口地址应以 http:// 或 https:// 开头".into()))?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() {
        return Err(DeliveryError::Config("短信接口地址缺少主机名".into()));
    }
    Ok(host)
}

/// Sends `code` to a mainland mobile number; blocks (call it off the async executor).
pub fn send(cfg: &SmsConfig, mobile: &str, code: &str, minutes: i64, now: i64) -> Result<(), DeliveryError> {
    let mut params = vec![code.to_string()];
    if cfg.with_minutes {
        params.push(minutes.to_string());
    }
    let body = SendSmsRequest {
        phone_number_set: [format!("+86{mobile}")],
        sms_sdk_app_id: &cfg.sdk_app_id,
        sign_name: &cfg.sign_name,
        template_id: &cfg.template_id,
        template_param_set: params,
    };
    let payload = serde_json::to_string(&body).map_err(|e| DeliveryError::Config(format!("请求体：{e}")))?;
    let host = host_of(&cfg.api_base)?;
    let auth = authorization(&cfg.secret_id, &cfg.secret_key, SERVICE, host, &payload, now);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut res = agent
        .post(&format!("{}/", cfg.api_base))
        .header("Authorization", &auth)
        .header("Content-Type", CONTENT_TYPE)
        .header("X-TC-Action", "SendSms")
        .header("X-TC-Version", VERSION)
        .header("X-TC-Timestamp", &now.to_string())
        .header("X-TC-Region", &cfg.region)
        .send(payload.as_bytes())
        .map_err(|e| DeliveryError::Transport(format!("腾讯云短信无法访问：{e}")))?;
    let status = res.status().as_u16();
    let text = res
        .body_mut()
        .read_to_string()
        .map_err(|e| DeliveryError::Transport(format!("腾讯云短信应答读取失败：{e}")))?;
    let answer: Answer = serde_json::from_str(&text).map_err(|_| {
        DeliveryError::Refused(format!("腾讯云短信应答无法识别（HTTP {status}）：{}", clip(&text)))
    })?;
    if let Some(e) = answer.response.error {
        return Err(DeliveryError::Refused(format!("腾讯云短信返回错误 {}：{}", e.code, e.message)));
    }
    match answer.response.send_status_set.first() {
        Some(s) if s.code == "Ok" => Ok(()),
        Some(s) => Err(DeliveryError::Refused(format!("腾讯云短信发送失败 {}：{}", s.code, s.message))),
        None => Err(DeliveryError::Refused("腾讯云短信应答缺少发送结果".into())),
    }
}

fn clip(s: &str) -> String {
    s.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tencent's documented example (签名方法 v3): CVM DescribeInstances, 2019-02-25.
    const PAYLOAD: &str =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    const TIMESTAMP: i64 = 1551113065;

    #[test]
    fn the_documented_example_signs_to_the_documented_signature() {
        let canonical = canonical_request("cvm.tencentcloudapi.com", PAYLOAD);
        assert!(canonical.ends_with("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"));
        assert_eq!(
            canonical,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n\
             content-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        let to_sign = string_to_sign(TIMESTAMP, "cvm", &canonical);
        assert_eq!(
            to_sign,
            "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n\
             5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        assert_eq!(
            signature(SECRET_KEY, "2019-02-25", "cvm", &to_sign),
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
        assert_eq!(
            authorization(
                "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                SECRET_KEY,
                "cvm",
                "cvm.tencentcloudapi.com",
                PAYLOAD,
                TIMESTAMP
            ),
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, \
             SignedHeaders=content-type;host, \
             Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    #[test]
    fn the_date_is_the_utc_date_even_just_after_midnight_in_beijing() {
        // 2019-02-26 00:44:25 in UTC+8 is still the 25th in UTC.
        assert_eq!(utc_date(TIMESTAMP), "2019-02-25");
    }

    #[test]
    fn the_host_comes_from_the_base_url() {
        assert_eq!(host_of("https://sms.tencentcloudapi.com").unwrap(), "sms.tencentcloudapi.com");
        assert_eq!(host_of("http://127.0.0.1:4321/x").unwrap(), "127.0.0.1:4321");
        assert!(host_of("sms.tencentcloudapi.com").is_err());
    }
}
