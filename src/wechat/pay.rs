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

/// The v2 signature algorithms (`sign_type`): the setting `wxpaySignType` names them.
pub use crate::settings::SignType;

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

// ---- the calls (blocking ureq; never inside a DB transaction) ----

/// What went wrong with a pay call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayError {
    #[error("微信支付无法访问：{0}")]
    Transport(String),
    /// `return_code` FAIL: the request itself was refused (signature, parameters...).
    #[error("微信支付拒绝了请求：{0}")]
    Refused(String),
    /// `result_code` FAIL: the business answer (ORDERPAID, ORDERCLOSED...).
    #[error("微信支付返回 {code}：{des}")]
    Business { code: String, des: String },
    /// The answer's signature did not verify with our key.
    #[error("微信支付应答签名错误")]
    BadSign,
    #[error("微信支付未配置：{0}")]
    NotConfigured(&'static str),
}

impl PayError {
    /// The business error code (`err_code`), if that is what this is.
    pub fn err_code(&self) -> Option<&str> {
        match self {
            PayError::Business { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// A JSAPI unified order.
pub struct UnifiedOrder<'a> {
    pub body: &'a str,
    pub out_trade_no: &'a str,
    pub total_fee: i64,
    pub spbill_create_ip: &'a str,
    pub notify_url: &'a str,
    pub openid: &'a str,
    /// yyyyMMddHHmmss, Beijing time.
    pub time_expire: &'a str,
}

/// The five `wx.requestPayment` fields, named as the mini-program wants them.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestPayment {
    /// Seconds, as a string (wx.requestPayment refuses a number).
    pub time_stamp: String,
    pub nonce_str: String,
    pub package: String,
    pub sign_type: String,
    pub pay_sign: String,
}

/// The signed fields the mini-program passes to `wx.requestPayment` for `prepay_id`.
pub fn request_payment(creds: &PayCreds, prepay_id: &str, now: i64) -> RequestPayment {
    let mut m = BTreeMap::new();
    m.insert("appId".to_string(), creds.appid.clone());
    m.insert("timeStamp".to_string(), now.to_string());
    m.insert("nonceStr".to_string(), nonce());
    m.insert("package".to_string(), format!("prepay_id={prepay_id}"));
    m.insert("signType".to_string(), creds.sign_type.as_str().to_string());
    let pay_sign = sign(&m, &creds.key, creds.sign_type);
    RequestPayment {
        time_stamp: m["timeStamp"].clone(),
        nonce_str: m["nonceStr"].clone(),
        package: m["package"].clone(),
        sign_type: m["signType"].clone(),
        pay_sign,
    }
}

/// What orderquery says about a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TradeState {
    Paid {
        transaction_id: String,
        total_fee: i64,
    },
    /// NOTPAY / USERPAYING: not (yet) paid.
    NotPaid,
    /// CLOSED / REVOKED / PAYERROR: will never be paid.
    Over(String),
    /// ORDERNOTEXIST: WeChat never saw it (e.g. the unified order failed).
    Unknown,
    /// REFUND and anything else: paid earlier, nothing for us to apply here.
    Other(String),
}

/// `yyyyMMddHHmmss` in Beijing time (WeChat's `time_expire`).
pub fn beijing_time(unix: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC));
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

impl super::WeChat {
    /// The merchant in force now.
    pub fn pay_creds(&self) -> Result<PayCreds, PayError> {
        let snap = self.inner.settings.get();
        PayCreds::from_settings(&snap, &self.inner.loopback)
            .map_err(|PayConfigError::Missing(w)| PayError::NotConfigured(w))
    }

    /// Posts signed `params` to `{base}{path}` and answers the verified fields of a SUCCESS/SUCCESS answer.
    fn pay_call(
        &self,
        creds: &PayCreds,
        path: &str,
        mut params: BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, PayError> {
        params.insert("appid".into(), creds.appid.clone());
        params.insert("mch_id".into(), creds.mch_id.clone());
        sign_request(&mut params, &creds.key, creds.sign_type);
        let mut res = self
            .inner
            .agent
            .post(format!("{}{path}", creds.base))
            .header("Content-Type", "text/xml; charset=utf-8")
            .send(to_xml(&params))
            .map_err(|e| PayError::Transport(e.to_string()))?;
        let text = res.body_mut().read_to_string().map_err(|e| PayError::Transport(e.to_string()))?;
        let answer = from_xml(&text).map_err(PayError::Transport)?;
        if answer.get("return_code").map(String::as_str) != Some("SUCCESS") {
            return Err(PayError::Refused(answer.get("return_msg").cloned().unwrap_or_default()));
        }
        if !verify(&answer, &creds.key) {
            return Err(PayError::BadSign);
        }
        if answer.get("result_code").map(String::as_str) != Some("SUCCESS") {
            return Err(PayError::Business {
                code: answer.get("err_code").cloned().unwrap_or_default(),
                des: answer.get("err_code_des").cloned().unwrap_or_default(),
            });
        }
        Ok(answer)
    }

    /// unifiedorder (JSAPI): the prepay_id.
    pub fn unified_order(&self, creds: &PayCreds, o: &UnifiedOrder) -> Result<String, PayError> {
        let mut p = BTreeMap::new();
        for (k, v) in [
            ("body", o.body.to_string()),
            ("out_trade_no", o.out_trade_no.to_string()),
            ("total_fee", o.total_fee.to_string()),
            ("spbill_create_ip", o.spbill_create_ip.to_string()),
            ("notify_url", o.notify_url.to_string()),
            ("trade_type", "JSAPI".to_string()),
            ("openid", o.openid.to_string()),
            ("time_expire", o.time_expire.to_string()),
        ] {
            p.insert(k.to_string(), v);
        }
        let answer = self.pay_call(creds, "/pay/unifiedorder", p)?;
        answer
            .get("prepay_id")
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| PayError::Transport("应答缺少 prepay_id".into()))
    }

    /// orderquery by our out_trade_no.
    pub fn order_query(&self, creds: &PayCreds, out_trade_no: &str) -> Result<TradeState, PayError> {
        let mut p = BTreeMap::new();
        p.insert("out_trade_no".to_string(), out_trade_no.to_string());
        let answer = match self.pay_call(creds, "/pay/orderquery", p) {
            Err(e) if e.err_code() == Some("ORDERNOTEXIST") => return Ok(TradeState::Unknown),
            other => other?,
        };
        let state = answer.get("trade_state").map_or("", String::as_str);
        Ok(match state {
            "SUCCESS" => TradeState::Paid {
                transaction_id: answer.get("transaction_id").cloned().unwrap_or_default(),
                total_fee: answer.get("total_fee").and_then(|v| v.parse().ok()).unwrap_or(-1),
            },
            "NOTPAY" | "USERPAYING" => TradeState::NotPaid,
            "CLOSED" | "REVOKED" | "PAYERROR" => TradeState::Over(state.to_string()),
            other => TradeState::Other(other.to_string()),
        })
    }

    /// closeorder: after it the shopper can no longer pay this out_trade_no. ORDERCLOSED counts
    /// as done; ORDERPAID comes back as a business error (the caller must query and apply).
    pub fn close_order(&self, creds: &PayCreds, out_trade_no: &str) -> Result<(), PayError> {
        let mut p = BTreeMap::new();
        p.insert("out_trade_no".to_string(), out_trade_no.to_string());
        match self.pay_call(creds, "/pay/closeorder", p) {
            Err(e) if e.err_code() == Some("ORDERCLOSED") => Ok(()),
            other => other.map(|_| ()),
        }
    }
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
    fn request_payment_fields_are_signed_with_the_sign_type() {
        for t in [SignType::Md5, SignType::HmacSha256] {
            let creds = PayCreds {
                appid: "wxd930ea5d5a258f4f".into(),
                mch_id: "1".into(),
                key: "k".into(),
                base: String::new(),
                sign_type: t,
                cert_path: None,
                cert_key_path: None,
                sandbox: true,
            };
            let r = request_payment(&creds, "wx123", 1_700_000_000);
            assert_eq!(r.time_stamp, "1700000000");
            assert_eq!(r.package, "prepay_id=wx123");
            assert_eq!(r.sign_type, t.as_str());
            let mut m = BTreeMap::new();
            for (k, v) in [
                ("appId", "wxd930ea5d5a258f4f"),
                ("timeStamp", "1700000000"),
                ("nonceStr", r.nonce_str.as_str()),
                ("package", "prepay_id=wx123"),
                ("signType", t.as_str()),
            ] {
                m.insert(k.to_string(), v.to_string());
            }
            assert_eq!(r.pay_sign, sign(&m, "k", t));
        }
        assert_eq!(beijing_time(0), "19700101080000");
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
