//! The mini-program's data crypto: `signature == sha1(rawData + session_key)` and AES-128-CBC /
//! PKCS#7 decryption of `encryptedData`, with the watermark appid checked.

use base64::Engine;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use sha1::{Digest, Sha1};

type Decryptor = cbc::Decryptor<aes::Aes128>;
type Encryptor = cbc::Encryptor<aes::Aes128>;

/// Why opening a WeChat data packet failed. None of these panic, whatever the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("{0} is not valid base64")]
    Base64(&'static str),
    #[error("{0} has the wrong length")]
    Length(&'static str),
    /// Bad padding or not JSON: almost always a session_key WeChat has replaced since.
    #[error("the data does not decrypt with the current session key")]
    Decrypt,
    #[error("the data belongs to another appid")]
    Watermark,
}

fn b64(name: &'static str, s: &str) -> Result<Vec<u8>, CryptoError> {
    base64::engine::general_purpose::STANDARD.decode(s.trim()).map_err(|_| CryptoError::Base64(name))
}

/// Lower-case hex of bytes (digest 0.11 outputs do not format with `{:x}`).
pub fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// `sha1(raw_data + session_key)` in hex.
pub fn signature(raw_data: &str, session_key: &str) -> String {
    let mut h = Sha1::new();
    h.update(raw_data.as_bytes());
    h.update(session_key.as_bytes());
    hex(&h.finalize())
}

/// Checks a `signature` sent with `rawData`.
pub fn signature_ok(raw_data: &str, session_key: &str, signature_sent: &str) -> bool {
    crate::secret::same(&signature(raw_data, session_key), &signature_sent.trim().to_ascii_lowercase())
}

/// Decrypts `encryptedData` and checks that its watermark names `appid`; answers the JSON.
pub fn decrypt(
    session_key: &str,
    encrypted: &str,
    iv: &str,
    appid: &str,
) -> Result<serde_json::Value, CryptoError> {
    let key = b64("session_key", session_key)?;
    let iv = b64("iv", iv)?;
    let data = b64("encryptedData", encrypted)?;
    if key.len() != 16 {
        return Err(CryptoError::Length("session_key"));
    }
    if iv.len() != 16 {
        return Err(CryptoError::Length("iv"));
    }
    if data.is_empty() || data.len() % 16 != 0 {
        return Err(CryptoError::Length("encryptedData"));
    }
    let dec = Decryptor::new_from_slices(&key, &iv).map_err(|_| CryptoError::Length("session_key"))?;
    let plain = dec.decrypt_padded_vec::<Pkcs7>(&data).map_err(|_| CryptoError::Decrypt)?;
    let json: serde_json::Value = serde_json::from_slice(&plain).map_err(|_| CryptoError::Decrypt)?;
    if json["watermark"]["appid"].as_str() != Some(appid) {
        return Err(CryptoError::Watermark);
    }
    Ok(json)
}

/// The other direction, as WeChat's client does it (the sandbox and tests use it).
pub fn encrypt(session_key: &str, iv: &[u8; 16], plain: &[u8]) -> Result<String, CryptoError> {
    let key = b64("session_key", session_key)?;
    let enc = Encryptor::new_from_slices(&key, iv).map_err(|_| CryptoError::Length("session_key"))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(enc.encrypt_padded_vec::<Pkcs7>(plain)))
}

#[cfg(test)]
mod tests {
    use super::*;

    // WeChat's published sample (WXBizDataCrypt demo).
    const APPID: &str = "wx4f4bc4dec97d474b";
    const KEY: &str = "tiihtNczf5v6AKRyjwEUhQ==";
    const IV: &str = "r7BXXKkLb8qrSNn05n0qiA==";
    const DATA: &str = "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew==";

    #[test]
    fn the_published_sample_decrypts_with_its_watermark() {
        let json = decrypt(KEY, DATA, IV, APPID).unwrap();
        assert_eq!(json["openId"], "oGZUI0egBJY1zhBYw2KhdUfwVJJE");
        assert_eq!(json["nickName"], "Band");
        assert_eq!(json["watermark"]["timestamp"], 1477314187);
    }

    #[test]
    fn another_appid_a_wrong_key_or_garbage_fail_cleanly() {
        assert_eq!(decrypt(KEY, DATA, IV, "wxother"), Err(CryptoError::Watermark));
        let wrong_key = "AAAAAAAAAAAAAAAAAAAAAA==";
        assert_eq!(decrypt(wrong_key, DATA, IV, APPID), Err(CryptoError::Decrypt));
        assert_eq!(decrypt(KEY, "not base64!", IV, APPID), Err(CryptoError::Base64("encryptedData")));
        assert_eq!(decrypt(KEY, DATA, "AAAA", APPID), Err(CryptoError::Length("iv")));
        assert_eq!(decrypt(KEY, "AAAA", IV, APPID), Err(CryptoError::Length("encryptedData")));
        assert_eq!(decrypt("AAAA", DATA, IV, APPID), Err(CryptoError::Length("session_key")));
        // A flipped byte in the last block breaks the padding: an error, never a panic.
        let mut bytes = base64::engine::general_purpose::STANDARD.decode(DATA).unwrap();
        let n = bytes.len();
        bytes[n - 1] ^= 0x55;
        let tampered = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert_eq!(decrypt(KEY, &tampered, IV, APPID), Err(CryptoError::Decrypt));
    }

    #[test]
    fn encrypt_and_decrypt_round_trip() {
        let plain = br#"{"phoneNumber":"13800138000","watermark":{"appid":"wxA","timestamp":1}}"#;
        let iv = [7u8; 16];
        let data = encrypt(KEY, &iv, plain).unwrap();
        let iv_text = base64::engine::general_purpose::STANDARD.encode(iv);
        assert_eq!(decrypt(KEY, &data, &iv_text, "wxA").unwrap()["phoneNumber"], "13800138000");
    }

    #[test]
    fn signatures_are_sha1_of_raw_data_and_key() {
        // sha1("abc") with an empty key is the well-known vector.
        assert_eq!(signature("abc", ""), "a9993e364706816aba3e25717850c26c9cd0d89d");
        let sig = signature(r#"{"nickName":"Band"}"#, "HyVFkGl5F5OQWJZZaNzBBg==");
        assert!(signature_ok(r#"{"nickName":"Band"}"#, "HyVFkGl5F5OQWJZZaNzBBg==", &sig.to_uppercase()));
        assert!(!signature_ok(r#"{"nickName":"Bond"}"#, "HyVFkGl5F5OQWJZZaNzBBg==", &sig));
    }
}
