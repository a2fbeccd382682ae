//! The settings' checks that are more than a length, a range or a list of values.

use super::registry::Refusal;

fn said(text: &'static str) -> Refusal {
    Refusal::Said(text.into())
}

pub(super) fn max_chars(v: &str, max: usize) -> Result<(), Refusal> {
    if v.chars().count() > max {
        return Err(Refusal::Said(format!("不能超过 {max} 个字符").into()));
    }
    Ok(())
}

fn is_http(v: &str) -> bool {
    v.starts_with("https://") || v.starts_with("http://")
}

fn is_appid(v: &str) -> bool {
    v.starts_with("wx") && v.len() == 18 && v.bytes().all(|b| b.is_ascii_alphanumeric())
}

pub(super) fn subdomain(v: &str) -> Result<(), Refusal> {
    super::validate_subdomain(v).map_err(said)
}

pub(super) fn wechat_appid(v: &str) -> Result<(), Refusal> {
    if v.is_empty() || is_appid(v) {
        Ok(())
    } else {
        Err(said("应为 wx 开头的 18 位 AppID，留空则使用沙箱"))
    }
}

pub(super) fn official_appid(v: &str) -> Result<(), Refusal> {
    if v.is_empty() || is_appid(v) {
        Ok(())
    } else {
        Err(said("应为 wx 开头的 18 位公众号 AppID，留空则不发公众号模板消息"))
    }
}

/// WeChat's and WeChat Pay's addresses: the scheme first, then the length.
pub(super) fn base_url(v: &str) -> Result<(), Refusal> {
    if v.is_empty() || is_http(v) {
        max_chars(v, 200)
    } else {
        Err(said("应以 https:// 或 http:// 开头"))
    }
}

pub(super) fn wxpay_mch_id(v: &str) -> Result<(), Refusal> {
    match v {
        "" => Ok(()),
        v if (8..=12).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
        _ => Err(said("商户号应为 8–12 位数字")),
    }
}

pub(super) fn wxpay_key(v: &str) -> Result<(), Refusal> {
    match v {
        "" => Ok(()),
        v if v.len() == 32 && v.bytes().all(|b| b.is_ascii_alphanumeric()) => Ok(()),
        _ => Err(said("API 密钥应为 32 位字母或数字")),
    }
}

pub(super) fn kefu_token(v: &str) -> Result<(), Refusal> {
    if v.is_empty() || ((3..=32).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric())) {
        Ok(())
    } else {
        Err(said("应为 3–32 位英文字母或数字，与微信后台填写的一致"))
    }
}

pub(super) fn kefu_aes_key(v: &str) -> Result<(), Refusal> {
    if v.is_empty() || (v.len() == 43 && v.bytes().all(|b| b.is_ascii_alphanumeric())) {
        Ok(())
    } else {
        Err(said("应为 43 位英文字母或数字，留空则使用明文模式"))
    }
}

/// The SMS address: the length first, then the scheme.
pub(super) fn sms_api_base(v: &str) -> Result<(), Refusal> {
    max_chars(v, 200)?;
    if v.is_empty() || is_http(v) {
        Ok(())
    } else {
        Err(said("应以 https:// 开头"))
    }
}

pub(super) fn sms_secret(v: &str) -> Result<(), Refusal> {
    max_chars(v, 128)?;
    if v.chars().any(char::is_whitespace) {
        return Err(said("不能包含空格"));
    }
    Ok(())
}

pub(super) fn digits(v: &str) -> Result<(), Refusal> {
    if v.len() <= 20 && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(said("应为数字"))
    }
}

pub(super) fn sms_region(v: &str) -> Result<(), Refusal> {
    if v.len() <= 32 && v.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        Ok(())
    } else {
        Err(said("应为地域代码，例如 ap-guangzhou"))
    }
}

pub(super) fn smtp_host(v: &str) -> Result<(), Refusal> {
    let ok = v.len() <= 253
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if ok {
        Ok(())
    } else {
        Err(said("应为服务器域名或 IP 地址"))
    }
}

pub(super) fn smtp_from(v: &str) -> Result<(), Refusal> {
    max_chars(v, 200)?;
    if v.is_empty() || v.parse::<lettre::message::Mailbox>().is_ok() {
        Ok(())
    } else {
        Err(said("应为邮箱地址，例如 小店 <shop@example.com>"))
    }
}

pub(super) fn user_ids(v: &str) -> Result<(), Refusal> {
    if v.split(',').filter(|p| !p.is_empty()).all(|p| p.parse::<i64>().is_ok_and(|id| id > 0)) {
        Ok(())
    } else {
        Err(said("应为用户编号，用逗号隔开"))
    }
}
