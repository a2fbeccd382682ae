//! WeChat Pay v2 (JSAPI) primitives: who the merchant is ([`PayCreds`]), the v2 signature (MD5 or
//! HMAC-SHA256 over the sorted `k=v` pairs plus `&key=`), and the flat XML both sides speak.
//!
//! With no appid configured the shop is in sandbox mode and pay calls go, over real HTTP, to the
//! simulator at `/sandbox/pay` with the sandbox's own merchant number and key.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use quick_xml::events::Event;
use quick_xml::Reader;
use sha2::Sha256;

use crate::settings::Snapshot;

/// The sandbox merchant (what the simulator accepts).
pub const SANDBOX_MCH_ID: &str = "1900000109";
pub const SANDBOX_PAY_KEY: &str = "sandboxpaykey0000000000000000000";

/// WeChat's production pay host.
pub const PRODUCTION_BASE: &str = "https://api.mch.weixin.qq.com";

/// The v2 signature algorithms (`sign_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignType {
    #[default]
    Md5,
    HmacSha256,
}

impl SignType {
    /// The wire name (`signType` for wx.requestPayment, `sign_type` in XML).
    pub fn as_str(self) -> &'static str {
        match self {
            SignType::Md5 => "MD5",
            SignType::HmacSha256 => "HMAC-SHA256",
        }
    }

    pub fn parse(s: &str) -> Option<SignType> {
        match s {
            "MD5" | "" => Some(SignType::Md5),
            "HMAC-SHA256" => Some(SignType::HmacSha256),
            _ => None,
        }
    }
}

/// The merchant in force now (environment > console > sandbox).
#[derive(Clone)]
pub struct PayCreds {
    pub appid: String,
    pub mch_id: String,
    /// The API key (32 characters): signs every request; never logged or answered.
    pub key: String,
    /// Base URL without the trailing slash: `{base}/pay/unifiedorder`, `{base}/secapi/pay/refund`...
    pub base: String,
    pub sign_type: SignType,
    /// PEM files of the merchant's API certificate and its private key (refunds need them).
    pub cert_path: Option<String>,
    pub cert_key_path: Option<String>,
    pub sandbox: bool,
}

impl std::fmt::Debug for PayCreds {
    // The key is left out on purpose: creds end up in error logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayCreds")
            .field("appid", &self.appid)
            .field("mch_id", &self.mch_id)
            .field("base", &self.base)
            .field("sign_type", &self.sign_type)
            .field("sandbox", &self.sandbox)
            .finish_non_exhaustive()
    }
}

/// Why pay cannot be used right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayConfigError {
    /// Named setting missing (real appid configured but no merchant number or key).
    Missing(&'static str),
}

impl PayCreds {
    /// The creds from the settings; `loopback` is this shop's own URL (for the sandbox).
    pub fn from_settings(snap: &Snapshot, loopback: &str) -> Result<PayCreds, PayConfigError> {
        let sign_type = snap.wxpay_sign_type();
        let base = snap.wxpay_base().map(|b| b.trim_end_matches('/').to_string());
        match snap.wechat_appid() {
            None => Ok(PayCreds {
                appid: super::SANDBOX_APPID.into(),
                mch_id: SANDBOX_MCH_ID.into(),
                key: SANDBOX_PAY_KEY.into(),
                base: base.unwrap_or_else(|| format!("{loopback}/sandbox/pay")),
                sign_type,
                cert_path: snap.wxpay_cert().map(str::to_string),
                cert_key_path: snap.wxpay_cert_key().map(str::to_string),
                sandbox: true,
            }),
            Some(appid) => Ok(PayCreds {
                appid: appid.to_string(),
                mch_id: snap.wxpay_mch_id().ok_or(PayConfigError::Missing("商户号 mch_id"))?.to_string(),
                key: snap.wxpay_key().ok_or(PayConfigError::Missing("商户 API 密钥"))?.to_string(),
                base: base.unwrap_or_else(|| PRODUCTION_BASE.to_string()),
                sign_type,
                cert_path: snap.wxpay_cert().map(str::to_string),
                cert_key_path: snap.wxpay_cert_key().map(str::to_string),
                sandbox: false,
            }),
        }
    }
}

/// The v2 signature of `params` (every non-empty value except `sign`, sorted by key, joined as
/// `k=v&...&key=KEY`), upper-case hex.
pub fn sign(params: &BTreeMap<String, String>, key: &str, sign_type: SignType) -> String {
    let mut text = String::new();
    for (k, v) in params {
        if k == "sign" || v.is_empty() {
            continue;
        }
        text.push_str(k);
        text.push('=');
        text.push_str(v);
        text.push('&');
    }
    text.push_str("key=");
    text.push_str(key);
    match sign_type {
        SignType::Md5 => hex::encode_upper(Md5::digest(text.as_bytes())),
        SignType::HmacSha256 => {
            // A key of any length is accepted by HMAC, so this cannot fail.
            let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
            mac.update(text.as_bytes());
            hex::encode_upper(mac.finalize().into_bytes())
        }
    }
}

/// True when `params` carries a `sign` made with `key`, using its own `sign_type` (MD5 when absent);
/// compared in constant time.
pub fn verify(params: &BTreeMap<String, String>, key: &str) -> bool {
    let Some(given) = params.get("sign") else { return false };
    let Some(sign_type) = SignType::parse(params.get("sign_type").map_or("", String::as_str)) else {
        return false;
    };
    crate::secret::same(&sign(params, key, sign_type), &given.to_ascii_uppercase())
}

/// Adds `nonce_str`, `sign_type` (unless MD5) and `sign` to `params`.
pub fn sign_request(params: &mut BTreeMap<String, String>, key: &str, sign_type: SignType) {
    params.entry("nonce_str".into()).or_insert_with(nonce);
    if sign_type != SignType::Md5 {
        params.insert("sign_type".into(), sign_type.as_str().into());
    }
    let s = sign(params, key, sign_type);
    params.insert("sign".into(), s);
}

/// A random 32-character nonce (letters and digits).
pub fn nonce() -> String {
    crate::secret::random_string(32, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
}

/// The flat `<xml><k><![CDATA[v]]></k>...</xml>` WeChat Pay expects.
pub fn to_xml(params: &BTreeMap<String, String>) -> String {
    let mut out = String::from("<xml>");
    for (k, v) in params {
        out.push('<');
        out.push_str(k);
        out.push_str("><![CDATA[");
        // "]]>" cannot appear inside CDATA: split it across two sections.
        out.push_str(&v.replace("]]>", "]]]]><![CDATA[>"));
        out.push_str("]]></");
        out.push_str(k);
        out.push('>');
    }
    out.push_str("</xml>");
    out
}

/// Largest XML body we parse (WeChat's are a few KB).
pub const MAX_XML_BYTES: usize = 64 * 1024;

/// Parses WeChat's flat XML into its fields. Nested elements, DOCTYPEs (no entity expansion, so no
/// XXE) and oversized bodies are refused.
pub fn from_xml(text: &str) -> Result<BTreeMap<String, String>, String> {
    if text.len() > MAX_XML_BYTES {
        return Err(format!("XML larger than {MAX_XML_BYTES} bytes"));
    }
    let mut reader = Reader::from_str(text);
    let mut out = BTreeMap::new();
    let mut depth = 0usize;
    let mut current: Option<String> = None;
    let mut value = String::new();
    loop {
        match reader.read_event().map_err(|e| format!("bad XML: {e}"))? {
            Event::Start(e) => {
                depth += 1;
                match depth {
                    1 if e.name().as_ref() == b"xml" => {}
                    1 => return Err("the root element must be <xml>".into()),
                    2 => {
                        current = Some(String::from_utf8_lossy(e.name().as_ref()).into_owned());
                        value.clear();
                    }
                    _ => return Err("nested elements are not expected".into()),
                }
            }
            Event::Empty(e) if depth == 1 => {
                out.insert(String::from_utf8_lossy(e.name().as_ref()).into_owned(), String::new());
            }
            Event::Text(t) if depth == 2 => {
                value.push_str(&t.unescape().map_err(|e| format!("bad XML text: {e}"))?);
            }
            Event::CData(t) if depth == 2 => {
                value.push_str(
                    std::str::from_utf8(&t.into_inner()).map_err(|_| "XML is not UTF-8".to_string())?,
                );
            }
            Event::End(_) => {
                if depth == 2 {
                    if let Some(k) = current.take() {
                        out.insert(k, std::mem::take(&mut value));
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::DocType(_) => return Err("DOCTYPE is not allowed".into()),
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 {
        return Err("unclosed element".into());
    }
    Ok(out)
}

/// The answer to a notify: SUCCESS/OK, or FAIL with a reason (WeChat then repeats the notify).
pub fn notify_answer(ok: bool, msg: &str) -> String {
    let mut m = BTreeMap::new();
    m.insert("return_code".to_string(), if ok { "SUCCESS" } else { "FAIL" }.to_string());
    m.insert("return_msg".to_string(), msg.to_string());
    to_xml(&m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc_example() -> BTreeMap<String, String> {
        // The example of WeChat Pay's signature documentation.
        [
            ("appid", "wxd930ea5d5a258f4f"),
            ("mch_id", "10000100"),
            ("device_info", "1000"),
            ("body", "test"),
            ("nonce_str", "ibuaiVcKdpRxkhJA"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn signatures_match_the_documented_example() {
        let key = "192006250b4c09247ec02edce69f6a2d";
        assert_eq!(sign(&doc_example(), key, SignType::Md5), "9A0A8659F005D6984697E2CA0A9CF3B7");
        assert_eq!(
            sign(&doc_example(), key, SignType::HmacSha256),
            "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6"
        );
    }

    #[test]
    fn signed_requests_verify_and_tampering_is_caught() {
        for t in [SignType::Md5, SignType::HmacSha256] {
            let mut p = doc_example();
            sign_request(&mut p, "k", t);
            assert!(verify(&p, "k"));
            assert!(!verify(&p, "other"));
            p.insert("body".into(), "changed".into());
            assert!(!verify(&p, "k"));
        }
        let mut p = doc_example();
        sign_request(&mut p, "k", SignType::Md5);
        p.insert("sign_type".into(), "SHA1".into());
        assert!(!verify(&p, "k"), "unknown sign types are refused");
    }

    #[test]
    fn xml_round_trips_and_hostile_xml_is_refused() {
        let mut p = doc_example();
        p.insert("attach".into(), "a]]>b <c> & 中文".into());
        let back = from_xml(&to_xml(&p)).unwrap();
        assert_eq!(back, p);
        let plain =
            from_xml("<xml><return_code>SUCCESS</return_code><total_fee>1</total_fee><x/></xml>").unwrap();
        assert_eq!(plain["return_code"], "SUCCESS");
        assert_eq!(plain["x"], "");
        assert!(from_xml("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><a>&e;</a></xml>")
            .is_err());
        assert!(from_xml("<xml><a><b>1</b></a></xml>").is_err());
        assert!(from_xml("<root><a>1</a></root>").is_err());
        assert!(from_xml("<xml><a>1</a>").is_err());
        assert!(from_xml(&"a".repeat(MAX_XML_BYTES + 1)).is_err());
    }
}
