//! WeChat Pay v2 refunds: `secapi/pay/refund` over TLS with the merchant's client certificate,
//! `pay/refundquery`, and the refund notify's `req_info` (base64 → AES-256-ECB/PKCS#7 with the
//! lower-case hex MD5 of the API key as the key).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use base64::Engine;
use md5::{Digest, Md5};
use ureq::tls::{Certificate, ClientCert, PemItem, PrivateKey, RootCerts, TlsConfig};

use super::pay::{self, PayCreds};

/// Why a refund call did not give an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    /// The merchant certificate is missing, unreadable or not a pair (the console shows this).
    #[error("商户 API 证书不可用：{0}")]
    Cert(String),
    /// WeChat could not be reached or answered something unreadable: worth retrying.
    #[error("无法连接微信支付：{0}")]
    Transport(String),
    /// WeChat answered FAIL: its err_code (return_code FAIL gives "FAIL") and its words.
    #[error("微信支付拒绝：{code} {des}")]
    Refused { code: String, des: String },
}

impl RefundError {
    /// The code stored with a failed refund.
    pub fn code(&self) -> &str {
        match self {
            RefundError::Cert(_) => "CERT",
            RefundError::Transport(_) => "TRANSPORT",
            RefundError::Refused { code, .. } => code,
        }
    }

    /// Words for the console.
    pub fn describe(&self) -> String {
        match self {
            RefundError::Refused { des, .. } => des.clone(),
            e => e.to_string(),
        }
    }
}

/// The error codes a later retry may get past (WeChat's own advice: retry with the same number).
pub const TRANSIENT: &[&str] =
    &["TRANSPORT", "SYSTEMERROR", "BIZERR_NEED_RETRY", "FREQUENCY_LIMITED", "NOTENOUGH"];

/// The certificate chain and key, loaded and checked to be a pair.
fn load_client_cert(cert_path: &str, key_path: &str) -> Result<ClientCert, RefundError> {
    let cert_pem = std::fs::read(cert_path)
        .map_err(|e| RefundError::Cert(format!("无法读取证书文件 {cert_path}：{e}")))?;
    let key_pem = std::fs::read(key_path)
        .map_err(|e| RefundError::Cert(format!("无法读取私钥文件 {key_path}：{e}")))?;
    let mut chain = Vec::new();
    for item in ureq::tls::parse_pem(&cert_pem) {
        match item {
            Ok(PemItem::Certificate(c)) => chain.push(c),
            Ok(_) => {}
            Err(e) => return Err(RefundError::Cert(format!("证书文件 {cert_path} 不是有效的 PEM：{e}"))),
        }
    }
    if chain.is_empty() {
        return Err(RefundError::Cert(format!("证书文件 {cert_path} 中没有证书（需要 apiclient_cert.pem）")));
    }
    let key = PrivateKey::from_pem(&key_pem).map_err(|_| {
        RefundError::Cert(format!("私钥文件 {key_path} 中没有私钥（需要 apiclient_key.pem）"))
    })?;
    check_pair(&chain, &key_pem)?;
    Ok(ClientCert::new_with_certs(&chain, key))
}

/// Refuses a certificate whose public key is not the private key's.
fn check_pair(chain: &[Certificate<'static>], key_pem: &[u8]) -> Result<(), RefundError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let key_der = PrivateKeyDer::from_pem_slice(key_pem)
        .map_err(|e| RefundError::Cert(format!("私钥无法解析：{e}")))?;
    let certs = chain.iter().map(|c| CertificateDer::from(c.der().to_vec())).collect();
    let provider = rustls::crypto::ring::default_provider();
    let signing = provider
        .key_provider
        .load_private_key(key_der)
        .map_err(|e| RefundError::Cert(format!("私钥无法使用：{e}")))?;
    match rustls::sign::CertifiedKey::new(certs, signing).keys_match() {
        Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => Ok(()),
        Err(rustls::Error::InconsistentKeys(_)) => Err(RefundError::Cert(
            "证书与私钥不匹配（请上传同一次下载的 apiclient_cert.pem 与 apiclient_key.pem）".into(),
        )),
        Err(e) => Err(RefundError::Cert(format!("证书无法解析：{e}"))),
    }
}

/// Checks the merchant certificate of `creds` now (the console's health line): Ok(None) when the
/// sandbox runs without one, Ok(Some(path)) when it loads, Err with what is wrong otherwise.
pub fn check_cert(creds: &PayCreds) -> Result<Option<String>, RefundError> {
    match (&creds.cert_path, &creds.cert_key_path) {
        (Some(c), Some(k)) => load_client_cert(c, k).map(|_| Some(c.clone())),
        (None, None) if creds.sandbox => Ok(None),
        (Some(_), None) => Err(RefundError::Cert("已设置证书文件但未设置私钥文件（wxpayCertKeyPath）".into())),
        (None, Some(_)) => Err(RefundError::Cert("已设置私钥文件但未设置证书文件（wxpayCertPath）".into())),
        (None, None) => Err(RefundError::Cert(
            "未配置商户 API 证书：退款需要 apiclient_cert.pem 与 apiclient_key.pem（设置 wxpayCertPath / wxpayCertKeyPath）".into(),
        )),
    }
}

/// The agent for a `secapi` call: it presents the merchant certificate. Roots are Mozilla's unless
/// `roots` is given (tests trust their own CA).
fn cert_agent(creds: &PayCreds, roots: Option<&[Certificate<'static>]>) -> Result<ureq::Agent, RefundError> {
    let client_cert = match check_cert(creds)? {
        Some(_) => Some(load_client_cert(
            creds.cert_path.as_deref().unwrap_or_default(),
            creds.cert_key_path.as_deref().unwrap_or_default(),
        )?),
        None => None,
    };
    let mut tls = TlsConfig::builder().client_cert(client_cert);
    if let Some(roots) = roots {
        tls = tls.root_certs(RootCerts::Specific(Arc::new(roots.to_vec())));
    }
    Ok(ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(15)))
        .http_status_as_error(false)
        .tls_config(tls.build())
        .build()
        .into())
}

fn post_xml(
    agent: &ureq::Agent,
    url: &str,
    params: &BTreeMap<String, String>,
) -> Result<String, RefundError> {
    let mut res = agent
        .post(url)
        .header("Content-Type", "text/xml; charset=utf-8")
        .send(pay::to_xml(params))
        .map_err(|e| RefundError::Transport(e.to_string()))?;
    if !res.status().is_success() {
        return Err(RefundError::Transport(format!("HTTP {}", res.status().as_u16())));
    }
    res.body_mut().read_to_string().map_err(|e| RefundError::Transport(e.to_string()))
}

/// Reads a pay answer: signature checked, return_code and result_code SUCCESS, else Refused.
fn read_answer(text: &str, creds: &PayCreds) -> Result<BTreeMap<String, String>, RefundError> {
    let m = pay::from_xml(text).map_err(RefundError::Transport)?;
    let field = |k: &str| m.get(k).cloned().unwrap_or_default();
    if field("return_code") != "SUCCESS" {
        return Err(RefundError::Refused { code: "FAIL".into(), des: field("return_msg") });
    }
    if !pay::verify(&m, &creds.key) {
        return Err(RefundError::Transport("微信支付应答的签名不正确".into()));
    }
    if field("result_code") != "SUCCESS" {
        let code = field("err_code");
        let des = field("err_code_des");
        return Err(RefundError::Refused { code: if code.is_empty() { "FAIL".into() } else { code }, des });
    }
    Ok(m)
}

/// One refund to ask for.
#[derive(Debug, Clone)]
pub struct RefundCall<'a> {
    pub transaction_id: &'a str,
    pub out_trade_no: &'a str,
    pub out_refund_no: &'a str,
    pub total_fee: i64,
    pub refund_fee: i64,
    pub refund_desc: &'a str,
    pub notify_url: &'a str,
}

/// What WeChat said when it accepted a refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub refund_id: String,
    pub refund_fee: i64,
}

fn base_params(creds: &PayCreds) -> BTreeMap<String, String> {
    let mut p = BTreeMap::new();
    p.insert("appid".to_string(), creds.appid.clone());
    p.insert("mch_id".to_string(), creds.mch_id.clone());
    p
}

/// `secapi/pay/refund`. Calling it again with the same out_refund_no refunds once.
pub fn refund(creds: &PayCreds, call: &RefundCall) -> Result<Accepted, RefundError> {
    refund_with_roots(creds, call, None)
}

/// [`refund`] trusting `roots` instead of Mozilla's (tests).
pub fn refund_with_roots(
    creds: &PayCreds,
    call: &RefundCall,
    roots: Option<&[Certificate<'static>]>,
) -> Result<Accepted, RefundError> {
    let agent = cert_agent(creds, roots)?;
    let mut p = base_params(creds);
    if call.transaction_id.is_empty() {
        p.insert("out_trade_no".into(), call.out_trade_no.into());
    } else {
        p.insert("transaction_id".into(), call.transaction_id.into());
    }
    p.insert("out_refund_no".into(), call.out_refund_no.into());
    p.insert("total_fee".into(), call.total_fee.to_string());
    p.insert("refund_fee".into(), call.refund_fee.to_string());
    p.insert("refund_desc".into(), call.refund_desc.chars().take(80).collect());
    p.insert("notify_url".into(), call.notify_url.into());
    pay::sign_request(&mut p, &creds.key, creds.sign_type);
    let m = read_answer(&post_xml(&agent, &format!("{}/secapi/pay/refund", creds.base), &p)?, creds)?;
    Ok(Accepted {
        refund_id: m.get("refund_id").cloned().unwrap_or_default(),
        refund_fee: m.get("refund_fee").and_then(|f| f.parse().ok()).unwrap_or(call.refund_fee),
    })
}

/// A refund's state as WeChat reports it (refundquery or notify).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundState {
    /// SUCCESS, REFUNDCLOSE, PROCESSING or CHANGE.
    pub status: String,
    pub out_refund_no: String,
    pub refund_id: String,
    pub refund_fee: i64,
    pub settlement_refund_fee: Option<i64>,
    pub recv_account: String,
    pub success_time: String,
}

/// `pay/refundquery` for one of our refunds (no certificate needed).
pub fn query(creds: &PayCreds, out_refund_no: &str) -> Result<RefundState, RefundError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut p = base_params(creds);
    p.insert("out_refund_no".into(), out_refund_no.into());
    pay::sign_request(&mut p, &creds.key, creds.sign_type);
    let m = read_answer(&post_xml(&agent, &format!("{}/pay/refundquery", creds.base), &p)?, creds)?;
    // The answer lists refunds by index; ours is the one carrying our number.
    let count: usize = m.get("refund_count").and_then(|n| n.parse().ok()).unwrap_or(0);
    for i in 0..count.min(50) {
        let f = |k: &str| m.get(&format!("{k}_{i}")).cloned().unwrap_or_default();
        if f("out_refund_no") == out_refund_no {
            return Ok(RefundState {
                status: f("refund_status"),
                out_refund_no: out_refund_no.to_string(),
                refund_id: f("refund_id"),
                refund_fee: f("refund_fee").parse().unwrap_or(0),
                settlement_refund_fee: f("settlement_refund_fee").parse().ok(),
                recv_account: f("refund_recv_accout"),
                success_time: f("refund_success_time"),
            });
        }
    }
    Err(RefundError::Refused { code: "REFUNDNOTEXIST".into(), des: "微信支付查不到该退款".into() })
}

/// Why a refund notify's `req_info` was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReqInfoError {
    #[error("req_info is not base64")]
    Base64,
    #[error("req_info is not a whole number of AES blocks")]
    Length,
    #[error("req_info does not decrypt with this merchant's key")]
    Padding,
    #[error("req_info is not the expected XML: {0}")]
    Xml(String),
}

/// The AES-256 key of `req_info`: the lower-case hex MD5 of the API key (32 ASCII bytes).
fn req_info_cipher(api_key: &str) -> aes::Aes256 {
    let key = hex::encode(Md5::digest(api_key.as_bytes()));
    aes::Aes256::new_from_slice(key.as_bytes()).expect("32 hex digits are an AES-256 key")
}

/// Decrypts a refund notify's `req_info` into its fields (strict PKCS#7: a wrong key is refused).
pub fn decrypt_req_info(req_info: &str, api_key: &str) -> Result<BTreeMap<String, String>, ReqInfoError> {
    let mut data = base64::engine::general_purpose::STANDARD
        .decode(req_info.trim())
        .map_err(|_| ReqInfoError::Base64)?;
    if data.is_empty() || data.len() % 16 != 0 {
        return Err(ReqInfoError::Length);
    }
    let cipher = req_info_cipher(api_key);
    for block in data.chunks_exact_mut(16) {
        cipher.decrypt_block(block.try_into().expect("chunks of 16"));
    }
    let pad = usize::from(*data.last().unwrap_or(&0));
    if pad == 0 || pad > 16 || !data[data.len() - pad..].iter().all(|&b| usize::from(b) == pad) {
        return Err(ReqInfoError::Padding);
    }
    data.truncate(data.len() - pad);
    let text = String::from_utf8(data).map_err(|_| ReqInfoError::Padding)?;
    // WeChat wraps it as <root>...</root>; the flat parser wants <xml>.
    let text = text.trim().replacen("<root>", "<xml>", 1).replacen("</root>", "</xml>", 1);
    pay::from_xml(&text).map_err(ReqInfoError::Xml)
}

/// The other direction, as WeChat does it (the sandbox's notify uses it).
pub fn encrypt_req_info(fields: &BTreeMap<String, String>, api_key: &str) -> String {
    let xml = pay::to_xml(fields).replacen("<xml>", "<root>", 1).replacen("</xml>", "</root>", 1);
    let mut data = xml.into_bytes();
    let pad = 16 - data.len() % 16;
    data.extend(std::iter::repeat_n(u8::try_from(pad).expect("a pad is at most one block"), pad));
    let cipher = req_info_cipher(api_key);
    for block in data.chunks_exact_mut(16) {
        cipher.encrypt_block(block.try_into().expect("chunks of 16"));
    }
    base64::engine::general_purpose::STANDARD.encode(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/wxpay");

    fn fixture(name: &str) -> String {
        format!("{FIXTURES}/{name}")
    }

    fn ders(name: &str) -> Vec<Vec<u8>> {
        let pem = std::fs::read(fixture(name)).unwrap();
        ureq::tls::parse_pem(&pem)
            .filter_map(|i| match i.unwrap() {
                PemItem::Certificate(c) => Some(c.der().to_vec()),
                PemItem::PrivateKey(k) => Some(k.der().to_vec()),
                _ => None,
            })
            .collect()
    }

    /// A WeChat stand-in over TLS that refuses any client without a certificate from the test CA,
    /// and answers a signed refund acceptance naming the client certificate's subject it saw.
    fn tls_wechat(key: &'static str) -> (String, std::thread::JoinHandle<Vec<bool>>) {
        use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        roots.add(CertificateDer::from(ders("ca.pem").remove(0))).unwrap();
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .unwrap();
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_client_cert_verifier(verifier)
            .with_single_cert(
                vec![CertificateDer::from(ders("server.pem").remove(0))],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ders("server_key.pem").remove(0))),
            )
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("https://localhost:{}", listener.local_addr().unwrap().port());
        let handle = std::thread::spawn(move || {
            // One connection per expected call; true when that one presented a certificate.
            let mut seen = Vec::new();
            for _ in 0..2 {
                let (stream, _) = listener.accept().unwrap();
                let conn = rustls::ServerConnection::new(config.clone()).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut reader = BufReader::new(&mut tls);
                let mut length = 0usize;
                let mut ok = true;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        ok = false;
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                if !ok {
                    seen.push(false);
                    continue;
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let asked = pay::from_xml(std::str::from_utf8(&body).unwrap()).unwrap();
                assert!(pay::verify(&asked, key), "the refund request is signed");
                seen.push(tls.conn.peer_certificates().is_some_and(|c| !c.is_empty()));
                let mut answer = BTreeMap::new();
                for (k, v) in [("return_code", "SUCCESS"), ("result_code", "SUCCESS"), ("refund_id", "50001")]
                {
                    answer.insert(k.to_string(), v.to_string());
                }
                answer.insert("refund_fee".into(), asked["refund_fee"].clone());
                pay::sign_request(&mut answer, key, pay::SignType::Md5);
                let xml = pay::to_xml(&answer);
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    xml.len()
                );
                tls.write_all(head.as_bytes()).unwrap();
                tls.write_all(xml.as_bytes()).unwrap();
                tls.conn.send_close_notify();
                let _ = tls.flush();
            }
            seen
        });
        (base, handle)
    }

    fn creds(base: &str, cert: Option<&str>, key: Option<&str>, sandbox: bool) -> PayCreds {
        PayCreds {
            appid: "wxtest".into(),
            mch_id: "1900000109".into(),
            key: "testkey".into(),
            base: base.into(),
            sign_type: pay::SignType::Md5,
            cert_path: cert.map(fixture),
            cert_key_path: key.map(fixture),
            sandbox,
        }
    }

    fn call() -> RefundCall<'static> {
        RefundCall {
            transaction_id: "4200000001",
            out_trade_no: "XD1",
            out_refund_no: "XDR1",
            total_fee: 100,
            refund_fee: 30,
            refund_desc: "测试",
            notify_url: "https://shop.example/notify/wxpay/refund",
        }
    }

    #[test]
    fn refunds_present_the_merchant_certificate_over_tls() {
        let (base, server) = tls_wechat("testkey");
        let roots: Vec<Certificate<'static>> =
            ders("ca.pem").into_iter().map(|d| Certificate::from_der(&d).to_owned()).collect();
        // Without a certificate (allowed only by the sandbox creds) the server ends the handshake.
        let bare = creds(&base, None, None, true);
        assert!(matches!(refund_with_roots(&bare, &call(), Some(&roots)), Err(RefundError::Transport(_))));
        // With it, the call goes through and the server saw the certificate.
        let good = creds(&base, Some("apiclient_cert.pem"), Some("apiclient_key.pem"), false);
        let accepted = refund_with_roots(&good, &call(), Some(&roots)).unwrap();
        assert_eq!(accepted, Accepted { refund_id: "50001".into(), refund_fee: 30 });
        assert_eq!(server.join().unwrap(), vec![false, true]);
    }

    #[test]
    fn a_missing_unreadable_or_mismatched_certificate_is_refused_before_calling() {
        let base = "https://127.0.0.1:9";
        let none = creds(base, None, None, false);
        assert!(matches!(check_cert(&none), Err(RefundError::Cert(m)) if m.contains("未配置商户 API 证书")));
        assert!(matches!(refund(&none, &call()), Err(RefundError::Cert(_))));
        let sandbox = creds(base, None, None, true);
        assert_eq!(check_cert(&sandbox), Ok(None));
        let missing = creds(base, Some("nope.pem"), Some("apiclient_key.pem"), false);
        assert!(matches!(check_cert(&missing), Err(RefundError::Cert(m)) if m.contains("无法读取证书文件")));
        let swapped = creds(base, Some("apiclient_key.pem"), Some("apiclient_key.pem"), false);
        assert!(matches!(check_cert(&swapped), Err(RefundError::Cert(m)) if m.contains("没有证书")));
        let other = creds(base, Some("apiclient_cert.pem"), Some("other_key.pem"), false);
        assert!(matches!(check_cert(&other), Err(RefundError::Cert(m)) if m.contains("不匹配")));
        let half = creds(base, Some("apiclient_cert.pem"), None, false);
        assert!(matches!(check_cert(&half), Err(RefundError::Cert(_))));
        let good = creds(base, Some("apiclient_cert.pem"), Some("apiclient_key.pem"), false);
        assert!(check_cert(&good).unwrap().is_some());
    }

    #[test]
    fn req_info_round_trips_and_a_wrong_key_is_refused() {
        let mut f = BTreeMap::new();
        f.insert("out_refund_no".to_string(), "XDR1".to_string());
        f.insert("refund_status".to_string(), "SUCCESS".to_string());
        let enc = encrypt_req_info(&f, "k1");
        assert_eq!(decrypt_req_info(&enc, "k1").unwrap(), f);
        assert!(decrypt_req_info(&enc, "k2").is_err());
        assert_eq!(decrypt_req_info("@@", "k1"), Err(ReqInfoError::Base64));
        assert_eq!(decrypt_req_info("AAAA", "k1"), Err(ReqInfoError::Length));
    }

    #[test]
    fn the_key_is_the_hex_md5_of_the_api_key() {
        // md5("") = d41d8cd98f00b204e9800998ecf8427e: one block of 16 × 0x10 under that key.
        let cipher = aes::Aes256::new_from_slice(b"d41d8cd98f00b204e9800998ecf8427e").unwrap();
        let mut block = [16u8; 16];
        cipher.encrypt_block((&mut block).into());
        let b64 = base64::engine::general_purpose::STANDARD.encode(block);
        // An empty plaintext proves the key derivation and the padding removal.
        assert_eq!(decrypt_req_info(&b64, ""), Ok(BTreeMap::new()));
        assert!(decrypt_req_info(&b64, "x").is_err());
    }
}
