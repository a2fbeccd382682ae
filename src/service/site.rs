//! Writes to what the shop shows (settings, config values, banners, ad slots, notices, links).
//! Each write commits, then drops the cached answers or reloads the settings it changed, so the
//! console and the merchant API can never forget to.

use crate::cache::{Cache, Topic};
use crate::db::{self, site::BannerInput, Db};
use crate::error::ApiError;
use crate::service::orders::keys as order_keys;
use crate::settings::{self, Settings};

/// Limits every editor shares.
pub const MAX_TITLE: usize = 100;
pub const MAX_URL: usize = 1000;
pub const MAX_KEY: usize = 100;
pub const MAX_VALUE: usize = 20_000;
pub const MAX_NOTICE: usize = 50_000;

fn check_len(name: &'static str, v: &str, max: usize) -> Result<(), ApiError> {
    if v.chars().count() > max {
        return Err(ApiError::invalid(name, format!("不能超过 {max} 个字符")));
    }
    Ok(())
}

fn required(name: &'static str, v: &str) -> Result<(), ApiError> {
    if v.trim().is_empty() {
        return Err(ApiError::Missing(name));
    }
    Ok(())
}

/// Shop settings the console and merchant API may change, with their checks.
pub fn check_setting(key: &str, value: &str) -> Result<(), ApiError> {
    match key {
        settings::keys::SUBDOMAIN => {
            settings::validate_subdomain(value).map_err(|r| ApiError::invalid("subDomain", r))
        }
        settings::keys::SHOP_NAME => {
            required("shopName", value)?;
            check_len("shopName", value, 50)
        }
        settings::keys::UPLOAD_QUOTA_MB => match value.parse::<i64>() {
            Ok(n) if (1..=10_000_000).contains(&n) => Ok(()),
            _ => Err(ApiError::invalid("uploadQuotaMb", "应为 1 到 10000000 之间的整数")),
        },
        settings::keys::WECHAT_APPID => {
            let ok = value.is_empty()
                || (value.starts_with("wx")
                    && value.len() == 18
                    && value.bytes().all(|b| b.is_ascii_alphanumeric()));
            if ok {
                Ok(())
            } else {
                Err(ApiError::invalid("wechatAppid", "应为 wx 开头的 18 位 AppID，留空则使用沙箱"))
            }
        }
        settings::keys::WECHAT_SECRET => check_len("wechatSecret", value, 64),
        settings::keys::WECHAT_API_BASE => {
            let ok = value.is_empty() || value.starts_with("https://") || value.starts_with("http://");
            if ok {
                check_len("wechatApiBase", value, 200)
            } else {
                Err(ApiError::invalid("wechatApiBase", "应以 https:// 或 http:// 开头"))
            }
        }
        settings::keys::WXPAY_MCH_ID => match value {
            "" => Ok(()),
            v if (8..=12).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
            _ => Err(ApiError::invalid("wxpayMchId", "商户号应为 8–12 位数字")),
        },
        settings::keys::WXPAY_KEY => match value {
            "" => Ok(()),
            v if v.len() == 32 && v.bytes().all(|b| b.is_ascii_alphanumeric()) => Ok(()),
            _ => Err(ApiError::invalid("wxpayKey", "API 密钥应为 32 位字母或数字")),
        },
        settings::keys::WXPAY_BASE => {
            if value.is_empty() || value.starts_with("https://") || value.starts_with("http://") {
                check_len("wxpayBase", value, 200)
            } else {
                Err(ApiError::invalid("wxpayBase", "应以 https:// 或 http:// 开头"))
            }
        }
        settings::keys::WXPAY_SIGN_TYPE => match value {
            "" | "MD5" | "HMAC-SHA256" => Ok(()),
            _ => Err(ApiError::invalid("wxpaySignType", "应为 MD5 或 HMAC-SHA256")),
        },
        settings::keys::WXPAY_CERT | settings::keys::WXPAY_CERT_KEY => {
            let name = if key == settings::keys::WXPAY_CERT { "wxpayCertPath" } else { "wxpayCertKeyPath" };
            check_len(name, value, 500)
        }
        settings::keys::CONTENT_SEC_CHECK => match value {
            "" | "0" | "1" => Ok(()),
            _ => Err(ApiError::invalid("contentSecCheck", "应为 0（关闭）或 1（开启）")),
        },
        settings::keys::KEFU_TOKEN => {
            let ok = value.is_empty()
                || ((3..=32).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric()));
            if ok {
                Ok(())
            } else {
                Err(ApiError::invalid("kefuToken", "应为 3–32 位英文字母或数字，与微信后台填写的一致"))
            }
        }
        settings::keys::KEFU_AES_KEY => {
            let ok =
                value.is_empty() || (value.len() == 43 && value.bytes().all(|b| b.is_ascii_alphanumeric()));
            if ok {
                Ok(())
            } else {
                Err(ApiError::invalid("kefuAesKey", "应为 43 位英文字母或数字，留空则使用明文模式"))
            }
        }
        settings::keys::KEFU_FORMAT => match value {
            "" | "json" | "xml" => Ok(()),
            _ => Err(ApiError::invalid("kefuFormat", "应为 json 或 xml")),
        },
        settings::keys::KEFU_TRANSFER => match value {
            "" | "0" | "1" => Ok(()),
            _ => Err(ApiError::invalid("kefuTransfer", "应为 0（否）或 1（是）")),
        },
        settings::keys::SMS_NEED_PIC_CODE | settings::keys::SMS_TEMPLATE_MINUTES => match value {
            "" | "0" | "1" => Ok(()),
            _ => Err(ApiError::invalid(key_name(key), "应为 0（否）或 1（是）")),
        },
        settings::keys::SMS_API_BASE => {
            check_len("smsApiBase", value, 200)?;
            if value.is_empty() || value.starts_with("https://") || value.starts_with("http://") {
                Ok(())
            } else {
                Err(ApiError::invalid("smsApiBase", "应以 https:// 开头"))
            }
        }
        settings::keys::SMS_SECRET_ID | settings::keys::SMS_SECRET_KEY => {
            check_len(key_name(key), value, 128)?;
            no_spaces(key_name(key), value)
        }
        settings::keys::SMS_SDK_APP_ID | settings::keys::SMS_TEMPLATE_ID => {
            if value.len() <= 20 && value.bytes().all(|b| b.is_ascii_digit()) {
                Ok(())
            } else {
                Err(ApiError::invalid(key_name(key), "应为数字"))
            }
        }
        settings::keys::SMS_SIGN_NAME => check_len("smsSignName", value, 30),
        settings::keys::SMS_REGION => {
            if value.len() <= 32
                && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                Ok(())
            } else {
                Err(ApiError::invalid("smsRegion", "应为地域代码，例如 ap-guangzhou"))
            }
        }
        settings::keys::SMTP_HOST => {
            let ok = value.len() <= 253
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
            if ok {
                Ok(())
            } else {
                Err(ApiError::invalid("smtpHost", "应为服务器域名或 IP 地址"))
            }
        }
        settings::keys::SMTP_PORT => match value.parse::<u16>() {
            _ if value.is_empty() => Ok(()),
            Ok(n) if n > 0 => Ok(()),
            _ => Err(ApiError::invalid("smtpPort", "应为 1 到 65535 之间的整数")),
        },
        settings::keys::SMTP_USER | settings::keys::SMTP_PASSWORD => check_len(key_name(key), value, 200),
        settings::keys::SMTP_FROM => {
            check_len("smtpFrom", value, 200)?;
            if value.is_empty() || value.parse::<lettre::message::Mailbox>().is_ok() {
                Ok(())
            } else {
                Err(ApiError::invalid("smtpFrom", "应为邮箱地址，例如 小店 <shop@example.com>"))
            }
        }
        settings::keys::SMTP_SECURITY => match value {
            "" | "ssl" | "starttls" | "none" => Ok(()),
            _ => Err(ApiError::invalid("smtpSecurity", "应为 ssl、starttls 或 none")),
        },
        order_keys::CLOSE_MINUTES => int_setting(order_keys::CLOSE_MINUTES, value, 1, 60 * 24 * 30),
        order_keys::AUTO_CONFIRM_DAYS => int_setting(order_keys::AUTO_CONFIRM_DAYS, value, 1, 365),
        order_keys::AUTO_REVIEW_DAYS => int_setting(order_keys::AUTO_REVIEW_DAYS, value, 1, 365),
        order_keys::SCORE_PER_YUAN => int_setting(order_keys::SCORE_PER_YUAN, value, 0, 1_000_000),
        order_keys::SCORE_MAX_PERCENT => int_setting(order_keys::SCORE_MAX_PERCENT, value, 0, 100),
        order_keys::JOB_INTERVAL_SECS => int_setting(order_keys::JOB_INTERVAL_SECS, value, 1, 3600),
        settings::keys::MINIPROGRAM_STATE => match value {
            "" | "formal" | "trial" | "developer" => Ok(()),
            _ => Err(ApiError::invalid(
                "miniprogramState",
                "应为 formal（正式版）、trial（体验版）或 developer（开发版）",
            )),
        },
        settings::keys::OUTBOX_INTERVAL_SECS => {
            int_setting(settings::keys::OUTBOX_INTERVAL_SECS, value, 1, 3600)
        }
        settings::keys::OFFICIAL_APPID => {
            let ok = value.is_empty()
                || (value.starts_with("wx")
                    && value.len() == 18
                    && value.bytes().all(|b| b.is_ascii_alphanumeric()));
            if ok {
                Ok(())
            } else {
                Err(ApiError::invalid(
                    "officialAppid",
                    "应为 wx 开头的 18 位公众号 AppID，留空则不发公众号模板消息",
                ))
            }
        }
        settings::keys::COUPON_EXPIRY_INTERVAL_SECS => {
            int_setting(settings::keys::COUPON_EXPIRY_INTERVAL_SECS, value, 10, 86_400)
        }
        order_keys::HX_STAFF => {
            if value.split(',').filter(|p| !p.is_empty()).all(|p| p.parse::<i64>().is_ok_and(|id| id > 0)) {
                Ok(())
            } else {
                Err(ApiError::invalid(order_keys::HX_STAFF, "应为用户编号，用逗号隔开"))
            }
        }
        settings::keys::WITHDRAW_MIN_FEN => {
            int_setting(settings::keys::WITHDRAW_MIN_FEN, value, 1, crate::money::MAX_FEN)
        }
        settings::keys::WITHDRAW_DAILY_COUNT => {
            int_setting(settings::keys::WITHDRAW_DAILY_COUNT, value, 1, 1000)
        }
        // The points rules (service::points::keys) check themselves.
        _ => super::points::check_setting(key, value).map_or_else(
            || Err(ApiError::invalid("key", format!("未知的设置项 {key}"))),
            |checked| checked.map_err(ApiError::from),
        ),
    }
}

/// A whole-number setting within `min..=max` ("" keeps the default).
fn int_setting(name: &'static str, value: &str, min: i64, max: i64) -> Result<(), ApiError> {
    match value.parse::<i64>() {
        _ if value.is_empty() => Ok(()),
        Ok(n) if (min..=max).contains(&n) => Ok(()),
        _ => Err(ApiError::invalid(name, format!("应为 {min} 到 {max} 之间的整数"))),
    }
}

/// The `&'static` name of a known setting key (error messages name the parameter).
fn key_name(key: &str) -> &'static str {
    use settings::keys::*;
    [
        SMS_NEED_PIC_CODE,
        SMS_TEMPLATE_MINUTES,
        SMS_SECRET_ID,
        SMS_SECRET_KEY,
        SMS_SDK_APP_ID,
        SMS_TEMPLATE_ID,
        SMTP_USER,
        SMTP_PASSWORD,
    ]
    .into_iter()
    .find(|k| *k == key)
    .unwrap_or("value")
}

fn no_spaces(name: &'static str, v: &str) -> Result<(), ApiError> {
    if v.chars().any(char::is_whitespace) {
        return Err(ApiError::invalid(name, "不能包含空格"));
    }
    Ok(())
}

/// Sets shop settings in one transaction and reloads them.
pub async fn set_settings(db: &Db, s: &Settings, pairs: Vec<(String, String)>) -> Result<(), ApiError> {
    for (k, v) in &pairs {
        check_setting(k, v.trim())?;
    }
    let s = s.clone();
    db.write(move |c| {
        for (k, v) in &pairs {
            db::settings::set_setting(c, k, v.trim())?;
        }
        s.reload(c)?;
        Ok(())
    })
    .await
}

/// Creates or replaces a config value and reloads the settings.
pub async fn put_config_value(
    db: &Db,
    s: &Settings,
    key: String,
    value: String,
    remark: String,
) -> Result<i64, ApiError> {
    let key = key.trim().to_string();
    required("key", &key)?;
    check_len("key", &key, MAX_KEY)?;
    if key.contains(',') {
        return Err(ApiError::invalid("key", "不能包含逗号"));
    }
    check_len("value", &value, MAX_VALUE)?;
    check_len("remark", &remark, 200)?;
    let s = s.clone();
    db.write(move |c| {
        let id = db::settings::put_config_value(c, &key, &value, &remark, db::unix_now())?;
        s.reload(c)?;
        Ok(id)
    })
    .await
}

/// Deletes a config value; false when there was none.
pub async fn delete_config_value(db: &Db, s: &Settings, key: String) -> Result<bool, ApiError> {
    let s = s.clone();
    db.write(move |c| {
        let gone = db::settings::delete_config_value(c, &key)?;
        s.reload(c)?;
        Ok(gone)
    })
    .await
}

fn check_banner(b: &BannerInput) -> Result<(), ApiError> {
    required("picUrl", &b.pic_url)?;
    check_len("picUrl", &b.pic_url, MAX_URL)?;
    check_len("title", &b.title, MAX_TITLE)?;
    check_len("type", &b.kind, 50)?;
    check_len("linkUrl", &b.link_url, MAX_URL)?;
    check_len("appid", &b.appid, 64)?;
    check_len("remark", &b.remark, 200)?;
    if !(0..=1).contains(&b.link_type) {
        return Err(ApiError::invalid("linkType", "应为 0（本小程序页面）或 1（其他小程序）"));
    }
    if b.link_type == 1 && b.appid.trim().is_empty() {
        return Err(ApiError::invalid("appid", "跳转其他小程序时必须填写 appid"));
    }
    if !(0..=1).contains(&b.status) {
        return Err(ApiError::invalid("status", "应为 0（显示）或 1（隐藏）"));
    }
    Ok(())
}

/// Creates (id None) or updates a banner; returns its id.
pub async fn save_banner(db: &Db, cache: &Cache, id: Option<i64>, b: BannerInput) -> Result<i64, ApiError> {
    check_banner(&b)?;
    let id = db
        .write(move |c| match id {
            Some(id) => {
                if db::site::update_banner(c, id, &b)? {
                    Ok(id)
                } else {
                    Err(ApiError::NotFound("轮播图"))
                }
            }
            None => Ok(db::site::insert_banner(c, &b, db::unix_now())?),
        })
        .await?;
    cache.invalidate(Topic::Site);
    Ok(id)
}

pub async fn delete_banner(db: &Db, cache: &Cache, id: i64) -> Result<bool, ApiError> {
    let gone = db.write(move |c| Ok::<_, ApiError>(db::site::delete_banner(c, id)?)).await?;
    cache.invalidate(Topic::Site);
    Ok(gone)
}

/// What an ad-slot form or call sets.
#[derive(Debug, Clone, Default)]
pub struct AdInput {
    pub key: String,
    pub val: String,
    pub url: String,
    pub kind: i64,
    pub remark: String,
    pub status: i64,
}

/// Creates or replaces the ad slot named `key`; returns its id.
pub async fn put_ad_position(db: &Db, cache: &Cache, a: AdInput) -> Result<i64, ApiError> {
    let key = a.key.trim().to_string();
    required("key", &key)?;
    check_len("key", &key, MAX_KEY)?;
    check_len("val", &a.val, MAX_URL)?;
    check_len("url", &a.url, MAX_URL)?;
    check_len("remark", &a.remark, 200)?;
    if !(0..=1).contains(&a.status) {
        return Err(ApiError::invalid("status", "应为 0（显示）或 1（隐藏）"));
    }
    let id = db
        .write(move |c| {
            Ok::<_, ApiError>(db::site::put_ad_position(
                c,
                &key,
                &a.val,
                &a.url,
                a.kind,
                &a.remark,
                a.status,
                db::unix_now(),
            )?)
        })
        .await?;
    cache.invalidate(Topic::Site);
    Ok(id)
}

pub async fn delete_ad_position(db: &Db, cache: &Cache, id: i64) -> Result<bool, ApiError> {
    let gone = db.write(move |c| Ok::<_, ApiError>(db::site::delete_ad_position(c, id)?)).await?;
    cache.invalidate(Topic::Site);
    Ok(gone)
}

/// What a notice form or call sets.
#[derive(Debug, Clone, Default)]
pub struct NoticeInput {
    pub kind: String,
    pub title: String,
    pub content: String,
    pub is_show: bool,
}

/// Creates (id None) or updates a notice; returns its id.
pub async fn save_notice(db: &Db, cache: &Cache, id: Option<i64>, n: NoticeInput) -> Result<i64, ApiError> {
    required("title", &n.title)?;
    check_len("title", &n.title, MAX_TITLE)?;
    check_len("type", &n.kind, 50)?;
    check_len("content", &n.content, MAX_NOTICE)?;
    let id = db
        .write(move |c| {
            let now = db::unix_now();
            match id {
                Some(id) => {
                    if db::site::update_notice(c, id, &n.kind, &n.title, &n.content, n.is_show, now)? {
                        Ok(id)
                    } else {
                        Err(ApiError::NotFound("公告"))
                    }
                }
                None => Ok(db::site::insert_notice(c, &n.kind, &n.title, &n.content, n.is_show, now)?),
            }
        })
        .await?;
    cache.invalidate(Topic::Site);
    Ok(id)
}

pub async fn delete_notice(db: &Db, cache: &Cache, id: i64) -> Result<bool, ApiError> {
    let gone = db.write(move |c| Ok::<_, ApiError>(db::site::delete_notice(c, id)?)).await?;
    cache.invalidate(Topic::Site);
    Ok(gone)
}

/// What a friendly-link form or call sets.
#[derive(Debug, Clone, Default)]
pub struct PartnerInput {
    pub kind: String,
    pub title: String,
    pub pic_url: String,
    pub link_url: String,
    pub paixu: i64,
    pub status: i64,
}

/// Creates (id None) or updates a friendly link; returns its id.
pub async fn save_partner(db: &Db, cache: &Cache, id: Option<i64>, p: PartnerInput) -> Result<i64, ApiError> {
    required("title", &p.title)?;
    check_len("title", &p.title, MAX_TITLE)?;
    check_len("type", &p.kind, 50)?;
    check_len("picUrl", &p.pic_url, MAX_URL)?;
    check_len("linkUrl", &p.link_url, MAX_URL)?;
    if !(0..=1).contains(&p.status) {
        return Err(ApiError::invalid("status", "应为 0（显示）或 1（隐藏）"));
    }
    let id = db
        .write(move |c| {
            db::site::save_partner(
                c,
                id,
                &p.kind,
                &p.title,
                &p.pic_url,
                &p.link_url,
                p.paixu,
                p.status,
                db::unix_now(),
            )?
            .ok_or(ApiError::NotFound("友情链接"))
        })
        .await?;
    cache.invalidate(Topic::Site);
    Ok(id)
}

pub async fn delete_partner(db: &Db, cache: &Cache, id: i64) -> Result<bool, ApiError> {
    let gone = db.write(move |c| Ok::<_, ApiError>(db::site::delete_partner(c, id)?)).await?;
    cache.invalidate(Topic::Site);
    Ok(gone)
}
