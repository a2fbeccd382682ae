//! Writes to what the shop shows (settings, config values, banners, ad slots, notices, links).
//! Each write commits, then drops the cached answers or reloads the settings it changed, so the
//! console and the merchant API can never forget to.

use crate::cache::{Cache, Topic};
use crate::db::{self, site::BannerInput, Db};
use crate::service::error::{Entity, Error, Field, Result, Rule};
use crate::settings::{registry, Refusal, Settings};

/// Limits every editor shares.
pub const MAX_TITLE: usize = 100;
pub const MAX_URL: usize = 1000;
pub const MAX_KEY: usize = 100;
pub const MAX_VALUE: usize = 20_000;
pub const MAX_NOTICE: usize = 50_000;

fn check_len(name: &'static str, v: &str, max: usize) -> Result<()> {
    if v.chars().count() > max {
        return Err(Error::invalid(name, format!("不能超过 {max} 个字符")));
    }
    Ok(())
}

fn required(name: &'static str, v: &str) -> Result<()> {
    if v.trim().is_empty() {
        return Err(Error::missing(name));
    }
    Ok(())
}

/// Checks a value for a setting by the registry's rule for it.
pub fn check_setting(key: &str, value: &str) -> Result<()> {
    let Some(setting) = registry::find(key) else {
        return Err(Error::invalid("key", format!("未知的设置项 {key}")));
    };
    setting.check(value).map_err(|refusal| match refusal {
        Refusal::Required => Error::missing(setting.key),
        Refusal::Said(rule) => Error::Invalid { field: Field(setting.key), rule: Rule::Said(rule) },
    })
}

/// Sets shop settings in one transaction and reloads them.
pub async fn set_settings(db: &Db, s: &Settings, pairs: Vec<(String, String)>) -> Result<()> {
    for (k, v) in &pairs {
        check_setting(k, v.trim())?;
    }
    let s = s.clone();
    db.write(move |c| {
        crate::service::fx_rules::check_settings(c, &pairs)?;
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
) -> Result<i64> {
    let key = key.trim().to_string();
    required("key", &key)?;
    check_len("key", &key, MAX_KEY)?;
    if key.contains(',') {
        return Err(Error::invalid("key", "不能包含逗号"));
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
pub async fn delete_config_value(db: &Db, s: &Settings, key: String) -> Result<bool> {
    let s = s.clone();
    db.write(move |c| {
        let gone = db::settings::delete_config_value(c, &key)?;
        s.reload(c)?;
        Ok(gone)
    })
    .await
}

fn check_banner(b: &BannerInput) -> Result<()> {
    required("picUrl", &b.pic_url)?;
    check_len("picUrl", &b.pic_url, MAX_URL)?;
    check_len("title", &b.title, MAX_TITLE)?;
    check_len("type", &b.kind, 50)?;
    check_len("linkUrl", &b.link_url, MAX_URL)?;
    check_len("appid", &b.appid, 64)?;
    check_len("remark", &b.remark, 200)?;
    if !(0..=1).contains(&b.link_type) {
        return Err(Error::invalid("linkType", "应为 0（本小程序页面）或 1（其他小程序）"));
    }
    if b.link_type == 1 && b.appid.trim().is_empty() {
        return Err(Error::invalid("appid", "跳转其他小程序时必须填写 appid"));
    }
    if !(0..=1).contains(&b.status) {
        return Err(Error::invalid("status", "应为 0（显示）或 1（隐藏）"));
    }
    Ok(())
}

/// Creates (id None) or updates a banner; returns its id.
pub async fn save_banner(db: &Db, cache: &Cache, id: Option<i64>, b: BannerInput) -> Result<i64> {
    check_banner(&b)?;
    let id = db
        .write(move |c| match id {
            Some(id) => {
                if db::site::update_banner(c, id, &b)? {
                    Ok(id)
                } else {
                    Err(Error::NotFound(Entity::Banner))
                }
            }
            None => Ok(db::site::insert_banner(c, &b, db::unix_now())?),
        })
        .await?;
    cache.invalidate(Topic::Site);
    Ok(id)
}

pub async fn delete_banner(db: &Db, cache: &Cache, id: i64) -> Result<bool> {
    let gone = db.write(move |c| db::site::delete_banner(c, id).map_err(Error::from)).await?;
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
pub async fn put_ad_position(db: &Db, cache: &Cache, a: AdInput) -> Result<i64> {
    let key = a.key.trim().to_string();
    required("key", &key)?;
    check_len("key", &key, MAX_KEY)?;
    check_len("val", &a.val, MAX_URL)?;
    check_len("url", &a.url, MAX_URL)?;
    check_len("remark", &a.remark, 200)?;
    if !(0..=1).contains(&a.status) {
        return Err(Error::invalid("status", "应为 0（显示）或 1（隐藏）"));
    }
    let id = db
        .write(move |c| {
            db::site::put_ad_position(c, &key, &a.val, &a.url, a.kind, &a.remark, a.status, db::unix_now())
                .map_err(Error::from)
        })
        .await?;
    cache.invalidate(Topic::Site);
    Ok(id)
}

pub async fn delete_ad_position(db: &Db, cache: &Cache, id: i64) -> Result<bool> {
    let gone = db.write(move |c| db::site::delete_ad_position(c, id).map_err(Error::from)).await?;
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
pub async fn save_notice(db: &Db, cache: &Cache, id: Option<i64>, n: NoticeInput) -> Result<i64> {
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
                        Err(Error::NotFound(Entity::Notice))
                    }
                }
                None => Ok(db::site::insert_notice(c, &n.kind, &n.title, &n.content, n.is_show, now)?),
            }
        })
        .await?;
    cache.invalidate(Topic::Site);
    Ok(id)
}

pub async fn delete_notice(db: &Db, cache: &Cache, id: i64) -> Result<bool> {
    let gone = db.write(move |c| db::site::delete_notice(c, id).map_err(Error::from)).await?;
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
pub async fn save_partner(db: &Db, cache: &Cache, id: Option<i64>, p: PartnerInput) -> Result<i64> {
    required("title", &p.title)?;
    check_len("title", &p.title, MAX_TITLE)?;
    check_len("type", &p.kind, 50)?;
    check_len("picUrl", &p.pic_url, MAX_URL)?;
    check_len("linkUrl", &p.link_url, MAX_URL)?;
    if !(0..=1).contains(&p.status) {
        return Err(Error::invalid("status", "应为 0（显示）或 1（隐藏）"));
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
            .ok_or(Error::NotFound(Entity::FriendlyLink))
        })
        .await?;
    cache.invalidate(Topic::Site);
    Ok(id)
}

pub async fn delete_partner(db: &Db, cache: &Cache, id: i64) -> Result<bool> {
    let gone = db.write(move |c| db::site::delete_partner(c, id).map_err(Error::from)).await?;
    cache.invalidate(Topic::Site);
    Ok(gone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::keys;

    /// Defaults the code states elsewhere agree with the registry's.
    #[test]
    fn the_registry_agrees_with_the_defaults_in_the_code() {
        let whole = |key| registry::get(key).whole_number(None);
        let rules = crate::service::withdraw::WithdrawRules::DEFAULT;
        assert_eq!(whole(keys::WITHDRAW_MIN_FEN), Some(rules.min_fen));
        assert_eq!(whole(keys::WITHDRAW_DAILY_COUNT), Some(rules.daily_count));
        assert_eq!(registry::get(keys::WITHDRAW_MIN_FEN).range(), Some((1, crate::money::MAX_FEN)));
        assert_eq!(whole(keys::UPLOAD_QUOTA_MB), Some(crate::settings::DEFAULT_UPLOAD_QUOTA_MB));
        assert_eq!(registry::get(keys::SMS_REGION).default, crate::delivery::tencent_sms::DEFAULT_REGION);
        assert_eq!(registry::get(keys::SMS_API_BASE).default, crate::delivery::tencent_sms::DEFAULT_API_BASE);
        let sign_type = crate::settings::SignType::default().as_str();
        assert_eq!(registry::get(keys::WXPAY_SIGN_TYPE).default, sign_type);
        assert_eq!(crate::settings::Snapshot::default().shop_name(), registry::get(keys::SHOP_NAME).default);
        assert_eq!(crate::settings::Snapshot::default().subdomain(), registry::get(keys::SUBDOMAIN).default);
    }

    #[test]
    fn settings_are_checked_by_the_registry_under_their_own_key() {
        assert!(matches!(
            check_setting(keys::SHOP_NAME, ""),
            Err(Error::Invalid { rule: Rule::Required, .. })
        ));
        let Err(Error::Invalid { field, rule }) = check_setting(keys::SMTP_PORT, "0") else { panic!() };
        assert_eq!((field.name(), rule.to_string().as_str()), ("smtpPort", "应为 1 到 65535 之间的整数"));
        let Err(Error::Invalid { field, rule }) = check_setting("nope", "1") else { panic!() };
        assert_eq!((field.name(), rule.to_string().as_str()), ("key", "未知的设置项 nope"));
    }
}
