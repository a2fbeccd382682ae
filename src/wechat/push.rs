//! WeChat's message push (消息推送) protocol: the URL signature, the encrypted (safe) mode and the
//! two body formats (JSON and flat XML).
//!
//! - `signature = sha1(sort([token, timestamp, nonce]).join(""))`, hex.
//! - Safe mode: `msg_signature = sha1(sort([token, timestamp, nonce, Encrypt]).join(""))`; the
//!   packet is AES-256-CBC with key = base64(EncodingAESKey + "="), IV = key[..16], PKCS#7 padding
//!   to 32 bytes; the plaintext is 16 random bytes, the message length (4 bytes, big-endian), the
//!   message, then the appid, which must be ours.
//!
//! Nothing here panics, whatever the input: a bad packet is an error the caller answers with a
//! refusal.

use base64::Engine;
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use serde_json::{Map, Value};
use sha1::{Digest, Sha1};
use std::fmt::Write as _;

use super::crypto::hex;

type Decryptor = cbc::Decryptor<aes::Aes256>;
type Encryptor = cbc::Encryptor<aes::Aes256>;

/// WeChat pads to 32-byte blocks (not AES's 16).
const PAD_BLOCK: usize = 32;

/// Why a pushed packet was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    #[error("the EncodingAESKey is not 43 base64 characters")]
    Key,
    #[error("Encrypt is not valid base64 of whole blocks")]
    Packet,
    #[error("the packet does not decrypt with this EncodingAESKey")]
    Decrypt,
    #[error("the packet belongs to another appid")]
    AppId,
    #[error("the body is neither JSON nor XML")]
    Body,
}

/// sha1 of the sorted, concatenated parts, hex: `signature` with three parts, `msg_signature`
/// with four (the fourth being `Encrypt`).
pub fn sign(parts: &[&str]) -> String {
    let mut sorted = parts.to_vec();
    sorted.sort_unstable();
    let mut h = Sha1::new();
    for p in sorted {
        h.update(p.as_bytes());
    }
    hex(&h.finalize())
}

/// True when `given` is the signature of `parts` (constant-time compare).
pub fn signed(parts: &[&str], given: &str) -> bool {
    crate::secret::same(&sign(parts), &given.trim().to_ascii_lowercase())
}

fn aes_key(encoding_aes_key: &str) -> Result<[u8; 32], PushError> {
    if encoding_aes_key.len() != 43 {
        return Err(PushError::Key);
    }
    // WeChat's keys are 43 random characters: the last one carries bits a strict decoder refuses.
    let lenient = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    let bytes = lenient.decode(format!("{encoding_aes_key}=")).map_err(|_| PushError::Key)?;
    bytes.try_into().map_err(|_| PushError::Key)
}

/// Opens an `Encrypt` packet: answers the message inside after checking the appid after it.
pub fn decrypt(encoding_aes_key: &str, encrypted: &str, appid: &str) -> Result<String, PushError> {
    let key = aes_key(encoding_aes_key)?;
    let data =
        base64::engine::general_purpose::STANDARD.decode(encrypted.trim()).map_err(|_| PushError::Packet)?;
    if data.is_empty() || data.len() % PAD_BLOCK != 0 {
        return Err(PushError::Packet);
    }
    let dec = Decryptor::new_from_slices(&key, &key[..16]).map_err(|_| PushError::Key)?;
    let plain = dec.decrypt_padded_vec::<NoPadding>(&data).map_err(|_| PushError::Decrypt)?;
    let pad = usize::from(*plain.last().ok_or(PushError::Decrypt)?);
    if pad == 0
        || pad > PAD_BLOCK
        || pad > plain.len()
        || !plain[plain.len() - pad..].iter().all(|&b| usize::from(b) == pad)
    {
        return Err(PushError::Decrypt);
    }
    let plain = &plain[..plain.len() - pad];
    if plain.len() < 20 {
        return Err(PushError::Decrypt);
    }
    let len = u32::from_be_bytes([plain[16], plain[17], plain[18], plain[19]]) as usize;
    let rest = &plain[20..];
    if len > rest.len() {
        return Err(PushError::Decrypt);
    }
    let (msg, from_appid) = rest.split_at(len);
    if from_appid != appid.as_bytes() {
        return Err(PushError::AppId);
    }
    String::from_utf8(msg.to_vec()).map_err(|_| PushError::Decrypt)
}

/// Seals `msg` for `appid` (replies in safe mode, and the sandbox's pushes).
pub fn encrypt(encoding_aes_key: &str, msg: &str, appid: &str) -> Result<String, PushError> {
    use rand::RngCore;
    let key = aes_key(encoding_aes_key)?;
    let mut plain = vec![0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut plain);
    let len = u32::try_from(msg.len()).map_err(|_| PushError::Packet)?;
    plain.extend_from_slice(&len.to_be_bytes());
    plain.extend_from_slice(msg.as_bytes());
    plain.extend_from_slice(appid.as_bytes());
    let pad = PAD_BLOCK - plain.len() % PAD_BLOCK;
    plain.extend(std::iter::repeat_n(u8::try_from(pad).expect("a pad is at most one block"), pad));
    let enc = Encryptor::new_from_slices(&key, &key[..16]).map_err(|_| PushError::Key)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(enc.encrypt_padded_vec::<NoPadding>(&plain)))
}

/// A pushed body as a JSON object, whichever format it came in (XML leaves are strings; an XML
/// element with children becomes an object; a repeated element becomes an array).
pub fn parse_body(body: &str) -> Result<Map<String, Value>, PushError> {
    let t = body.trim_start_matches('\u{feff}').trim();
    if t.starts_with('<') {
        let root = parse_xml(t).ok_or(PushError::Body)?;
        match root {
            Value::Object(m) => Ok(m),
            _ => Err(PushError::Body),
        }
    } else {
        match serde_json::from_str::<Value>(t) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err(PushError::Body),
        }
    }
}

/// A field as text, whether WeChat sent it as a string or a number.
pub fn text(m: &Map<String, Value>, key: &str) -> Option<String> {
    match m.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A field as a whole number (string or number).
pub fn int(m: &Map<String, Value>, key: &str) -> Option<i64> {
    match m.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The `<xml>` element's children (the root's own name is not kept).
fn parse_xml(s: &str) -> Option<Value> {
    let mut p = Xml { s: s.as_bytes(), i: 0 };
    p.skip_prolog();
    let (_, v) = p.element(0)?;
    Some(v)
}

struct Xml<'a> {
    s: &'a [u8],
    i: usize,
}

/// Deeper than any WeChat packet; stops hostile nesting.
const XML_MAX_DEPTH: usize = 8;

impl Xml<'_> {
    fn rest(&self) -> &[u8] {
        self.s.get(self.i..).unwrap_or(&[])
    }

    fn skip_ws(&mut self) {
        while self.rest().first().is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn skip_prolog(&mut self) {
        loop {
            self.skip_ws();
            if self.rest().starts_with(b"<?") || self.rest().starts_with(b"<!--") {
                let end: &[u8] = if self.rest().starts_with(b"<?") { b"?>" } else { b"-->" };
                match find(self.rest(), end) {
                    Some(n) => self.i += n + end.len(),
                    None => return,
                }
            } else {
                return;
            }
        }
    }

    /// `<name>...</name>`: a leaf's text, or an object of its children.
    fn element(&mut self, depth: usize) -> Option<(String, Value)> {
        if depth > XML_MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        if !self.rest().starts_with(b"<") {
            return None;
        }
        let close = find(self.rest(), b">")?;
        let tag = std::str::from_utf8(&self.rest()[1..close]).ok()?.trim().to_string();
        self.i += close + 1;
        if let Some(t) = tag.strip_suffix('/') {
            let name = t.split_whitespace().next()?.to_string();
            return Some((name, Value::String(String::new())));
        }
        let name = tag.split_whitespace().next()?.to_string();
        let end_tag = format!("</{name}>");
        let mut text = String::new();
        let mut children: Map<String, Value> = Map::new();
        loop {
            if self.rest().is_empty() {
                return None;
            }
            if self.rest().starts_with(end_tag.as_bytes()) {
                self.i += end_tag.len();
                break;
            }
            if self.rest().starts_with(b"<![CDATA[") {
                let start = self.i + 9;
                let n = find(&self.s[start..], b"]]>")?;
                text.push_str(std::str::from_utf8(&self.s[start..start + n]).ok()?);
                self.i = start + n + 3;
            } else if self.rest().starts_with(b"<!--") {
                let n = find(self.rest(), b"-->")?;
                self.i += n + 3;
            } else if self.rest().starts_with(b"<") {
                let (child, v) = self.element(depth + 1)?;
                match children.get_mut(&child) {
                    Some(Value::Array(list)) => list.push(v),
                    Some(prev) => {
                        let first = prev.take();
                        *prev = Value::Array(vec![first, v]);
                    }
                    None => {
                        children.insert(child, v);
                    }
                }
            } else {
                let n = find(self.rest(), b"<").unwrap_or(self.rest().len());
                text.push_str(&unescape(std::str::from_utf8(&self.rest()[..n]).ok()?));
                self.i += n;
            }
        }
        if children.is_empty() {
            Some((name, Value::String(text.trim().to_string())))
        } else {
            Some((name, Value::Object(children)))
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A flat XML packet of `fields` (all as CDATA except whole numbers), as WeChat writes them.
pub fn to_xml(fields: &[(&str, &str)]) -> String {
    let mut out = String::from("<xml>");
    for (k, v) in fields {
        if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
            let _ = write!(out, "<{k}>{v}</{k}>");
        } else {
            let _ = write!(out, "<{k}><![CDATA[{}]]></{k}>", v.replace("]]>", "]]]]><![CDATA[>"));
        }
    }
    out.push_str("</xml>");
    out
}

/// A JSON object as WeChat's XML: strings as CDATA, numbers plain, objects nested, arrays as
/// repeated elements (the sandbox pushes events with a nested `result` this way).
pub fn json_to_xml(m: &Map<String, Value>) -> String {
    fn write(out: &mut String, name: &str, v: &Value) {
        match v {
            Value::Array(items) => items.iter().for_each(|i| write(out, name, i)),
            Value::Object(m) => {
                let _ = write!(out, "<{name}>");
                m.iter().for_each(|(k, v)| write(out, k, v));
                let _ = write!(out, "</{name}>");
            }
            Value::Number(n) => {
                let _ = write!(out, "<{name}>{n}</{name}>");
            }
            Value::Bool(b) => {
                let _ = write!(out, "<{name}>{}</{name}>", u8::from(*b));
            }
            Value::Null => {
                let _ = write!(out, "<{name}></{name}>");
            }
            Value::String(s) => {
                let _ = write!(out, "<{name}><![CDATA[{}]]></{name}>", s.replace("]]>", "]]]]><![CDATA[>"));
            }
        }
    }
    let mut out = String::new();
    write(&mut out, "xml", &Value::Object(m.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    #[test]
    fn signatures_sort_their_parts() {
        assert_eq!(sign(&["b", "a", "c"]), sign(&["abc"]));
        assert_eq!(sign(&["abc"]), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert!(signed(&["tok", "1", "n"], &sign(&["n", "1", "tok"]).to_uppercase()));
    }

    #[test]
    fn packets_round_trip_and_check_the_appid() {
        let sealed = encrypt(KEY, "{\"MsgType\":\"text\"}", "wxapp").unwrap();
        assert_eq!(decrypt(KEY, &sealed, "wxapp").unwrap(), "{\"MsgType\":\"text\"}");
        assert_eq!(decrypt(KEY, &sealed, "wxother"), Err(PushError::AppId));
        let other_key = "Zbcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        assert!(decrypt(other_key, &sealed, "wxapp").is_err());
        assert_eq!(decrypt(KEY, "AAAA", "wxapp"), Err(PushError::Packet));
        assert_eq!(decrypt("short", &sealed, "wxapp"), Err(PushError::Key));
    }

    #[test]
    fn xml_and_json_bodies_read_the_same() {
        let xml = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>1482048670</CreateTime>\
                   <Content><![CDATA[a < b]]></Content><result><suggest>pass</suggest><label>100</label></result></xml>";
        let m = parse_body(xml).unwrap();
        assert_eq!(text(&m, "ToUserName").as_deref(), Some("gh_1"));
        assert_eq!(int(&m, "CreateTime"), Some(1482048670));
        assert_eq!(text(&m, "Content").as_deref(), Some("a < b"));
        assert_eq!(m["result"]["suggest"], "pass");
        let json = parse_body(r#"{"ToUserName":"gh_1","CreateTime":1482048670}"#).unwrap();
        assert_eq!(int(&json, "CreateTime"), Some(1482048670));
        assert_eq!(parse_body("<xml><a>1</xml>"), Err(PushError::Body));
        assert_eq!(parse_body("nonsense"), Err(PushError::Body));
        let written = to_xml(&[("A", "x]]>y"), ("B", "12")]);
        let back = parse_body(&written).unwrap();
        assert_eq!(text(&back, "A").as_deref(), Some("x]]>y"));
        assert_eq!(int(&back, "B"), Some(12));
    }
}
