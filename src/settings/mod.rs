//! The shop's editable settings and config values, held in memory and reloaded after each write,
//! so that every request reads them without touching the database.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use rusqlite::Connection;

use crate::db;

pub mod registry;
mod rules;
mod table;
mod table_fx;

pub use registry::{Check, Editors, Kind, Refusal, Setting, REGISTRY};

/// Top-level path names that can never be a shop's subDomain.
pub const RESERVED: &[&str] = &[
    "admin",
    "static",
    "uploads",
    "upload2",
    "uploadByUrl",
    "sandbox",
    "healthz",
    "common",
    "sdk",
    "notify",
    "wechat",
    "subdomain",
    "favicon.ico",
    "_shop",
];

/// Setting keys and what they mean (the console edits these).
pub mod keys {
    pub const SUBDOMAIN: &str = "subDomain";
    pub const SHOP_NAME: &str = "shopName";
    pub const WECHAT_APPID: &str = "wechatAppid";
    pub const WECHAT_SECRET: &str = "wechatSecret";
    pub const WECHAT_API_BASE: &str = "wechatApiBase";
    pub const UPLOAD_QUOTA_MB: &str = "uploadQuotaMb";
    /// '1': sending an SMS code needs the image captcha (key + picCode).
    pub const SMS_NEED_PIC_CODE: &str = "smsNeedPicCode";
    /// Tencent Cloud SMS (API 3.0, SendSms).
    pub const SMS_API_BASE: &str = "smsApiBase";
    pub const SMS_SECRET_ID: &str = "smsSecretId";
    pub const SMS_SECRET_KEY: &str = "smsSecretKey";
    pub const SMS_SDK_APP_ID: &str = "smsSdkAppId";
    pub const SMS_SIGN_NAME: &str = "smsSignName";
    pub const SMS_TEMPLATE_ID: &str = "smsTemplateId";
    pub const SMS_REGION: &str = "smsRegion";
    /// '1': the SMS template has a second parameter {2} for the minutes a code stays valid.
    pub const SMS_TEMPLATE_MINUTES: &str = "smsTemplateMinutes";
    /// E-mail through SMTP.
    pub const SMTP_HOST: &str = "smtpHost";
    pub const SMTP_PORT: &str = "smtpPort";
    pub const SMTP_USER: &str = "smtpUser";
    pub const SMTP_PASSWORD: &str = "smtpPassword";
    pub const SMTP_FROM: &str = "smtpFrom";
    /// ssl (implicit TLS), starttls, or none (a relay on a trusted network); default by port.
    pub const SMTP_SECURITY: &str = "smtpSecurity";
    /// Seconds between runs of the coupon expiry job (default 600, at least 10).
    pub const COUPON_EXPIRY_INTERVAL_SECS: &str = "couponExpiryIntervalSecs";
    /// '1': shoppers' texts (comments, articles, reviews) pass WeChat's msgSecCheck before they
    /// are published. Off by default.
    pub const CONTENT_SEC_CHECK: &str = "contentSecCheck";
    /// WeChat Pay v2: merchant number, API key (secret), base URL, sign type (MD5 or HMAC-SHA256)
    /// and the PEM files of the merchant's API certificate and key (refunds).
    pub const WXPAY_MCH_ID: &str = "wxpayMchId";
    pub const WXPAY_KEY: &str = "wxpayKey";
    pub const WXPAY_BASE: &str = "wxpayBase";
    pub const WXPAY_SIGN_TYPE: &str = "wxpaySignType";
    pub const WXPAY_CERT: &str = "wxpayCertPath";
    pub const WXPAY_CERT_KEY: &str = "wxpayCertKeyPath";
    /// Smallest withdrawal (提现), fen (default 100 = 1 元).
    pub const WITHDRAW_MIN_FEN: &str = "withdrawMinFen";
    /// Withdrawals one shopper may ask for per day (default 3).
    pub const WITHDRAW_DAILY_COUNT: &str = "withdrawDailyCount";
    /// Which mini-program version a subscription message opens: formal (default), trial or developer.
    pub const MINIPROGRAM_STATE: &str = "miniprogramState";
    /// Seconds between outbox sweeps when nothing wakes the job (default 30, 1–3600).
    pub const OUTBOX_INTERVAL_SECS: &str = "outboxIntervalSecs";
    /// The official account (公众号) linked to the mini-program: template messages go through it.
    pub const OFFICIAL_APPID: &str = "officialAppid";
    /// The points rules' keys (register, per yuan spent, group shares, exchange rates).
    pub mod points {
        /// Points a new shopper gets on registration (0 or unset: none).
        pub const REGISTER: &str = "scoreRegister";
        /// Points per whole yuan paid, given when the shopper receives the order (0 or unset: none).
        pub const PER_YUAN_SPENT: &str = "scorePerYuanSpent";
        /// Points a sharer gets for a share opened in a WeChat group (0 or unset: off).
        pub const SHARE_GROUP: &str = "scoreShareGroup";
        /// Groups a sharer is paid for per day (default 3).
        pub const SHARE_GROUP_DAILY_MAX: &str = "scoreShareGroupDailyMax";
        /// Points for 1 yuan of balance in scoreExchangeCash (0 or unset: off).
        pub const CASH_RATE: &str = "scoreToCashPerYuan";
        /// Points for 1 growth point in exchangeScoreToGrowth (0 or unset: off).
        pub const GROWTH_RATE: &str = "scoreToGrowthRate";
    }
    /// Distribution (三级分销) keys: the console's 分销设置 page.
    pub mod fx {
        /// '1': distribution is on (off: the fx reads answer 700, the writes 403).
        pub const OPEN: &str = "fxOpen";
        /// How many levels above the buyer earn (1–3).
        pub const LEVELS: &str = "fxLevels";
        /// Percent of a line's paid amount the level-1, -2 and -3 ancestor earns (total ≤ 100).
        pub const PERCENT_1: &str = "fxPercent1";
        pub const PERCENT_2: &str = "fxPercent2";
        pub const PERCENT_3: &str = "fxPercent3";
        /// '0': commission in money (fen); '1': in points (1 point per yuan of commission).
        pub const UNIT: &str = "fxUnit";
        /// 'review': fxApply waits for the merchant; 'auto': fxApply makes a distributor at once.
        pub const APPLY_MODE: &str = "fxApplyMode";
        /// Price of a distributorship bought from the balance, fen (0: cannot be bought).
        pub const PRICE_FEN: &str = "fxPriceFen";
        /// Days after receipt before commission is settled into the balance (0: at receipt).
        pub const FREEZE_DAYS: &str = "fxFreezeDays";
        /// '1': a distributor's own purchase earns them the level-1 share (their ancestors move up).
        pub const SELF_PURCHASE: &str = "fxSelfPurchase";
        /// '1': bindSeller may move a shopper who already has a referrer (抢客).
        pub const REBIND: &str = "fxRebind";
        /// '1': only ancestors who are distributors earn; '0': every ancestor does.
        pub const SELLERS_ONLY: &str = "fxSellersOnly";
    }
    /// Partner (合伙人/团队长) keys: the console's 分销设置 page, section 合伙人.
    pub mod partner {
        /// '1': team leaders and partners are on (off: the partner reads answer 700, the writes 403).
        pub const OPEN: &str = "partnerOpen";
        /// Percent of a team member's paid line the team leader earns.
        pub const PERCENT_LEADER: &str = "partnerPercentLeader";
        /// Percent of the same line the leader's partner earns.
        pub const PERCENT_PARTNER: &str = "partnerPercentPartner";
        /// Price of becoming a team leader (partnerBuyTeamLeader, nextAction 14), fen; 0: not sold.
        pub const PRICE_LEADER_FEN: &str = "partnerPriceLeaderFen";
        /// Price of becoming a partner (partnerBuyyPartner), fen; 0: partners are only appointed.
        pub const PRICE_PARTNER_FEN: &str = "partnerPricePartnerFen";
        /// The member level (user_levels id) a new team leader is given; 0: none.
        pub const LEADER_LEVEL_ID: &str = "partnerLeaderLevelId";
        /// The member level a new team member is given; 0: none.
        pub const MEMBER_LEVEL_ID: &str = "partnerMemberLevelId";
    }
    /// The order rules' keys (the console's 订单设置 page).
    pub mod orders {
        /// Minutes an unpaid order stays open (default 30).
        pub const CLOSE_MINUTES: &str = "orderCloseMinutes";
        /// Days after shipping when receipt is confirmed for the shopper (default 7).
        pub const AUTO_CONFIRM_DAYS: &str = "orderAutoConfirmDays";
        /// Days after receipt when a default good review is left (default 7).
        pub const AUTO_REVIEW_DAYS: &str = "orderAutoReviewDays";
        /// Points worth 1 yuan at checkout (0 or unset: points cannot lower the price).
        pub const SCORE_PER_YUAN: &str = "scoreDeductionPerYuan";
        /// Largest share of the goods' price points may pay, in percent (default 50).
        pub const SCORE_MAX_PERCENT: &str = "scoreDeductionMaxPercent";
        /// Shopper ids (comma-separated) who are shop staff: they may look up orders by write-off
        /// code (orderDetail with hxNumber) and write them off (orderHX).
        pub const HX_STAFF: &str = "orderHxStaff";
        /// Seconds between two runs of the order jobs (default 60).
        pub const JOB_INTERVAL_SECS: &str = "orderJobIntervalSecs";
    }
    /// Bargain (砍价) rules' keys.
    pub mod kanjia {
        /// '1': a shopper may help (cut) their own bargain once. Off by default.
        pub const SELF_HELP: &str = "kanjiaSelfHelp";
        /// Most cuts one helper may make on one bargain set's bargains per day (default 10).
        pub const HELPS_PER_DAY: &str = "kanjiaHelpsPerDay";
    }
    /// Message push (客服消息): the Token set in the mini-program's 开发设置 › 消息推送.
    pub const KEFU_TOKEN: &str = "kefuToken";
    /// Message push: the 43-character EncodingAESKey; set = the encrypted (safe) mode.
    pub const KEFU_AES_KEY: &str = "kefuAesKey";
    /// Message push data format: json (default) or xml.
    pub const KEFU_FORMAT: &str = "kefuFormat";
    /// '1': shoppers' messages are handed to WeChat's customer-service system (transfer_customer_service).
    pub const KEFU_TRANSFER: &str = "kefuTransfer";
    // the templates' remaining pages
    /// The number-bomb game (数字炸弹): on/off, the numbers, the guesses, its price and prize in points.
    pub mod number_bomb {
        /// '1': shoppers may play.
        pub const ON: &str = "numberBombOn";
        /// The bomb hides in 1..=this (default 100).
        pub const MAX_NUMBER: &str = "numberBombMaxNumber";
        /// Guesses a round allows (default 7).
        pub const MAX_GUESS: &str = "numberBombMaxGuess";
        /// Points a round costs (default 0).
        pub const USE_SCORE: &str = "numberBombUseScore";
        /// Points a win earns (default 10).
        pub const WIN_SCORE: &str = "numberBombWinScore";
    }
}

/// The file store's default size limit.
pub const DEFAULT_UPLOAD_QUOTA_MB: i64 = 10 * 1024;

/// The WeChat Pay v2 signature algorithms (`sign_type`), as the `wxpaySignType` setting names them.
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

/// Checks a subDomain: 1–32 of a-z, 0-9, '-' and '_', not a reserved name.
pub fn validate_subdomain(s: &str) -> Result<(), &'static str> {
    if s.is_empty() || s.len() > 32 {
        return Err("长度应为 1–32 个字符");
    }
    if !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_') {
        return Err("只能包含小写字母、数字、- 和 _");
    }
    if RESERVED.contains(&s) {
        return Err("是保留名称");
    }
    Ok(())
}

/// One consistent snapshot of the settings.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub values: BTreeMap<String, String>,
    pub config: BTreeMap<String, db::settings::ConfigValue>,
    /// Set by XIAODIAN_SUBDOMAIN / the toml file: wins over the stored value.
    pub subdomain_override: Option<String>,
    /// WeChat keys from the environment: win over the stored values.
    pub wechat_env: WechatEnv,
}

/// XIAODIAN_WECHAT_APPID / _SECRET / _API_BASE and the WeChat Pay ones (XIAODIAN_WXPAY_MCHID,
/// _KEY, _CERT, _CERT_KEY, XIAODIAN_WECHAT_PAY_BASE).
#[derive(Clone, Default)]
pub struct WechatEnv {
    pub appid: Option<String>,
    pub secret: Option<String>,
    pub api_base: Option<String>,
    pub pay_mch_id: Option<String>,
    pub pay_key: Option<String>,
    pub pay_base: Option<String>,
    pub pay_cert: Option<String>,
    pub pay_cert_key: Option<String>,
}

impl std::fmt::Debug for WechatEnv {
    // Secrets are left out on purpose: this ends up in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WechatEnv")
            .field("appid", &self.appid)
            .field("api_base", &self.api_base)
            .field("pay_mch_id", &self.pay_mch_id)
            .field("pay_base", &self.pay_base)
            .finish_non_exhaustive()
    }
}

impl Snapshot {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// The value the environment (or xiaodian.toml) fixes for `key`, which wins over the stored one.
    pub fn fixed_by_env(&self, key: &str) -> Option<&str> {
        let env = &self.wechat_env;
        match key {
            keys::SUBDOMAIN => self.subdomain_override.as_deref(),
            keys::WECHAT_APPID => env.appid.as_deref(),
            keys::WECHAT_SECRET => env.secret.as_deref(),
            keys::WECHAT_API_BASE => env.api_base.as_deref(),
            keys::WXPAY_MCH_ID => env.pay_mch_id.as_deref(),
            keys::WXPAY_KEY => env.pay_key.as_deref(),
            keys::WXPAY_BASE => env.pay_base.as_deref(),
            keys::WXPAY_CERT => env.pay_cert.as_deref(),
            keys::WXPAY_CERT_KEY => env.pay_cert_key.as_deref(),
            _ => None,
        }
    }

    /// The value in force for a setting: the environment's, else the stored one, else its default
    /// (None when it has none).
    pub fn in_force(&self, setting: &Setting) -> Option<&str> {
        self.fixed_by_env(setting.key)
            .or_else(|| self.get(setting.key))
            .or(Some(setting.default).filter(|d| !d.is_empty()))
    }

    /// The subDomain the API answers under.
    pub fn subdomain(&self) -> &str {
        self.subdomain_override.as_deref().or_else(|| self.get(keys::SUBDOMAIN)).unwrap_or("shop")
    }

    pub fn shop_name(&self) -> &str {
        self.get(keys::SHOP_NAME).unwrap_or("小店")
    }

    /// The real WeChat appid, if one is configured (None = sandbox mode).
    pub fn wechat_appid(&self) -> Option<&str> {
        self.wechat_env.appid.as_deref().or_else(|| self.get(keys::WECHAT_APPID))
    }

    pub fn wechat_secret(&self) -> Option<&str> {
        self.wechat_env.secret.as_deref().or_else(|| self.get(keys::WECHAT_SECRET))
    }

    pub fn wechat_api_base(&self) -> Option<&str> {
        self.wechat_env.api_base.as_deref().or_else(|| self.get(keys::WECHAT_API_BASE))
    }

    pub fn wxpay_mch_id(&self) -> Option<&str> {
        self.wechat_env.pay_mch_id.as_deref().or_else(|| self.get(keys::WXPAY_MCH_ID))
    }

    pub fn wxpay_key(&self) -> Option<&str> {
        self.wechat_env.pay_key.as_deref().or_else(|| self.get(keys::WXPAY_KEY))
    }

    pub fn wxpay_base(&self) -> Option<&str> {
        self.wechat_env.pay_base.as_deref().or_else(|| self.get(keys::WXPAY_BASE))
    }

    /// MD5 unless HMAC-SHA256 is chosen.
    pub fn wxpay_sign_type(&self) -> SignType {
        self.get(keys::WXPAY_SIGN_TYPE).and_then(SignType::parse).unwrap_or_default()
    }

    pub fn wxpay_cert(&self) -> Option<&str> {
        self.wechat_env.pay_cert.as_deref().or_else(|| self.get(keys::WXPAY_CERT))
    }

    pub fn wxpay_cert_key(&self) -> Option<&str> {
        self.wechat_env.pay_cert_key.as_deref().or_else(|| self.get(keys::WXPAY_CERT_KEY))
    }

    /// True when shoppers' texts must pass WeChat's content check before they are published.
    pub fn content_sec_check(&self) -> bool {
        self.get(keys::CONTENT_SEC_CHECK) == Some("1")
    }

    /// The message push Token (None: the callback refuses every push).
    pub fn kefu_token(&self) -> Option<&str> {
        self.get(keys::KEFU_TOKEN)
    }

    /// The message push EncodingAESKey (Some: the encrypted mode).
    pub fn kefu_aes_key(&self) -> Option<&str> {
        self.get(keys::KEFU_AES_KEY)
    }

    /// True when the message push is configured for XML (the sandbox pushes in this format).
    pub fn kefu_xml(&self) -> bool {
        self.get(keys::KEFU_FORMAT) == Some("xml")
    }

    /// True when shoppers' messages go to WeChat's customer-service system.
    pub fn kefu_transfer(&self) -> bool {
        self.get(keys::KEFU_TRANSFER) == Some("1")
    }

    /// How much the file store may hold (default 10 GiB).
    pub fn upload_quota_bytes(&self) -> i64 {
        self.get(keys::UPLOAD_QUOTA_MB).and_then(|v| v.parse::<i64>().ok()).unwrap_or(DEFAULT_UPLOAD_QUOTA_MB)
            * 1024
            * 1024
    }
}

/// Shared, reloadable settings.
#[derive(Clone)]
pub struct Settings {
    current: Arc<RwLock<Arc<Snapshot>>>,
    subdomain_override: Option<String>,
    wechat_env: WechatEnv,
}

impl Settings {
    /// Loads the settings from the database.
    pub fn load(c: &Connection, subdomain_override: Option<String>) -> db::Result<Settings> {
        Settings::load_with(c, subdomain_override, WechatEnv::default())
    }

    /// Loads the settings with the environment's overrides.
    pub fn load_with(
        c: &Connection,
        subdomain_override: Option<String>,
        wechat_env: WechatEnv,
    ) -> db::Result<Settings> {
        let s = Settings {
            current: Arc::new(RwLock::new(Arc::new(Snapshot::default()))),
            subdomain_override,
            wechat_env,
        };
        s.reload(c)?;
        Ok(s)
    }

    /// The current snapshot (cheap: an Arc clone).
    pub fn get(&self) -> Arc<Snapshot> {
        self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Re-reads the tables; call after every committed write to settings or config values.
    pub fn reload(&self, c: &Connection) -> db::Result<()> {
        let values = db::settings::all_settings(c)?.into_iter().collect();
        let config = db::settings::all_config_values(c)?.into_iter().map(|v| (v.key.clone(), v)).collect();
        let snap = Snapshot {
            values,
            config,
            subdomain_override: self.subdomain_override.clone(),
            wechat_env: self.wechat_env.clone(),
        };
        *self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(snap);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains_are_checked() {
        assert!(validate_subdomain("shop").is_ok());
        assert!(validate_subdomain("my-shop_2").is_ok());
        assert!(validate_subdomain("").is_err());
        assert!(validate_subdomain("Shop").is_err());
        assert!(validate_subdomain("admin").is_err());
        assert!(validate_subdomain("a/b").is_err());
    }
}
