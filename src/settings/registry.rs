//! The one table of the shop's editable settings: each key with its type, default, label, check,
//! whether it is secret and who may edit it. Validation (`service::site`), the console's field
//! labels, the merchant API's `GET/PATCH /settings` and `docs/settings.md` all read it.

use std::borrow::Cow;

use super::keys::{self, orders, points};

/// One editable setting.
#[derive(Debug)]
pub struct Setting {
    /// The stored key, which is also the merchant API's JSON field and the service's field name.
    pub key: &'static str,
    /// The field's name in the console (Chinese), used in its messages.
    pub label: &'static str,
    /// What a value must look like; every check accepts the value already trimmed.
    pub check: Check,
    /// The value in force when none is stored ("" when there is none).
    pub default: &'static str,
    /// Write-only: never shown back by the console nor answered by the merchant API.
    pub secret: bool,
    /// Where it may be changed.
    pub editors: Editors,
    /// The environment variable that, when set, fixes the value (it then cannot be changed here).
    pub env: Option<&'static str>,
    /// What the setting does, in a line (English, for the docs).
    pub about: &'static str,
}

/// Where a setting may be changed.
#[derive(Debug, Clone, Copy)]
pub struct Editors {
    /// The console page that edits it, if one does.
    pub console: Option<&'static str>,
    /// The merchant API's `PATCH /settings`.
    pub merchant_api: bool,
}

/// Both the console page named and the merchant API.
const fn page(name: &'static str) -> Editors {
    Editors { console: Some(name), merchant_api: true }
}

/// Only the merchant API (no console form has the field).
const API_ONLY: Editors = Editors { console: None, merchant_api: true };

/// The value's type on the wire (the merchant API's JSON); stored values are always text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    /// Stored as "1" (true) or "0" (false).
    Bool,
}

/// What a value must look like.
#[derive(Debug)]
pub enum Check {
    /// Text of at most `max` characters; `required`: not blank.
    Text { max: usize, required: bool },
    /// A whole number within `min..=max`; `blank`: empty is allowed (the default applies).
    Int { min: i64, max: i64, blank: bool },
    /// "1" or "0" (or empty); `said` is the refusal.
    Flag { said: &'static str },
    /// One of `values` (or empty); `said` is the refusal.
    OneOf { values: &'static [&'static str], said: &'static str },
    /// A rule of its own; `said` describes it (the docs show it).
    Rule { check: fn(&str) -> Result<(), Refusal>, said: &'static str },
}

/// Why a value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Blank, but the setting needs a value.
    Required,
    /// The rule, in the shop's words ("应为 1 到 365 之间的整数").
    Said(Cow<'static, str>),
}

impl Check {
    /// Checks a (trimmed) value.
    pub fn run(&self, value: &str) -> Result<(), Refusal> {
        match *self {
            Check::Text { max, required } => {
                if required && value.trim().is_empty() {
                    return Err(Refusal::Required);
                }
                max_chars(value, max)
            }
            Check::Int { min, max, blank } => match value.parse::<i64>() {
                _ if blank && value.is_empty() => Ok(()),
                Ok(n) if (min..=max).contains(&n) => Ok(()),
                _ => Err(Refusal::Said(format!("应为 {min} 到 {max} 之间的整数").into())),
            },
            Check::Flag { said } => match value {
                "" | "0" | "1" => Ok(()),
                _ => Err(Refusal::Said(said.into())),
            },
            Check::OneOf { values, said } => {
                if value.is_empty() || values.contains(&value) {
                    Ok(())
                } else {
                    Err(Refusal::Said(said.into()))
                }
            }
            Check::Rule { check, .. } => check(value),
        }
    }

    /// The rule in words, for the docs.
    fn describe(&self) -> String {
        match *self {
            Check::Text { max, required: true } => format!("1–{max} characters"),
            Check::Text { max, required: false } => format!("at most {max} characters"),
            Check::Int { min, max, .. } => format!("{min}–{max}"),
            Check::Flag { .. } => "`true` or `false`".into(),
            Check::OneOf { values, .. } => {
                values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
            }
            Check::Rule { said, .. } => said.into(),
        }
    }
}

impl Setting {
    /// The value's type on the wire.
    pub fn kind(&self) -> Kind {
        match self.check {
            Check::Int { .. } => Kind::Integer,
            Check::Flag { .. } => Kind::Bool,
            _ => Kind::Text,
        }
    }

    /// Checks a (trimmed) value.
    pub fn check(&self, value: &str) -> Result<(), Refusal> {
        self.check.run(value)
    }

    /// `min..=max` of a whole-number setting.
    pub fn range(&self) -> Option<(i64, i64)> {
        match self.check {
            Check::Int { min, max, .. } => Some((min, max)),
            _ => None,
        }
    }

    /// A whole-number setting's value from its stored text: the default when unset, unreadable or
    /// out of range; None for text settings and for numbers with no default.
    pub fn whole_number(&self, stored: Option<&str>) -> Option<i64> {
        let (min, max) = self.range()?;
        stored
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|n| (min..=max).contains(n))
            .or_else(|| self.default.parse().ok())
    }
}

/// The setting named `key`.
pub fn find(key: &str) -> Option<&'static Setting> {
    REGISTRY.iter().find(|s| s.key == key)
}

/// The console's label of a setting key; the key itself when it is not one.
pub fn label(key: &str) -> &str {
    find(key).map_or(key, |s| s.label)
}

/// The setting named `key`, which the code names by its constant.
///
/// # Panics
/// When `key` is not in the registry: a constant without its row is a bug the tests catch.
pub fn get(key: &str) -> &'static Setting {
    find(key).unwrap_or_else(|| panic!("setting {key} is not in the registry"))
}

const SHOP: &str = "店铺设置";
const WECHAT: &str = "微信设置";
const WXPAY: &str = "微信支付设置";
const SUBSCRIBE: &str = "订阅消息";
const ORDERS: &str = "订单设置";
const POINTS: &str = "积分";
const WITHDRAWALS: &str = "提现";

/// "0（否）或 1（是）" flags.
const YES_NO: &str = "应为 0（否）或 1（是）";

/// Every editable setting, grouped as the console pages group them.
pub static REGISTRY: &[Setting] = &[
    // 店铺设置
    Setting {
        key: keys::SHOP_NAME,
        label: "店铺名称",
        check: Check::Text { max: 50, required: true },
        default: "小店",
        secret: false,
        editors: page(SHOP),
        env: None,
        about: "The shop's name, shown in the console and the mini-program.",
    },
    Setting {
        key: keys::SUBDOMAIN,
        label: "API 子域名",
        check: Check::Rule {
            check: subdomain,
            said: "1–32 of `a-z 0-9 - _`; not a reserved name (`admin`, `static`, `uploads`, `upload2`, \
                   `uploadByUrl`, `sandbox`, `healthz`, `common`, `sdk`, `notify`, `wechat`, `subdomain`, \
                   `favicon.ico`, `_shop`)",
        },
        default: "shop",
        secret: false,
        editors: page(SHOP),
        env: Some("XIAODIAN_SUBDOMAIN"),
        about: "The path prefix the mini-program API answers under; a change applies at once.",
    },
    Setting {
        key: keys::UPLOAD_QUOTA_MB,
        label: "文件空间上限",
        check: Check::Int { min: 1, max: 10_000_000, blank: false },
        default: "10240",
        secret: false,
        editors: page(SHOP),
        env: None,
        about: "How much the file store may hold, in MiB.",
    },
    Setting {
        key: keys::SMS_NEED_PIC_CODE,
        label: "发送短信验证码前先填图形验证码",
        check: Check::Flag { said: YES_NO },
        default: "0",
        secret: false,
        editors: page(SHOP),
        env: None,
        about: "Sending an SMS code needs the image captcha first.",
    },
    Setting {
        key: keys::SMS_SECRET_ID,
        label: "SecretId",
        check: Check::Rule { check: sms_secret, said: "at most 128 characters, no spaces" },
        default: "",
        secret: false,
        editors: page(SHOP),
        env: None,
        about: "Tencent Cloud SMS: the API SecretId.",
    },
    Setting {
        key: keys::SMS_SECRET_KEY,
        label: "SecretKey",
        check: Check::Rule { check: sms_secret, said: "at most 128 characters, no spaces" },
        default: "",
        secret: true,
        editors: page(SHOP),
        env: None,
        about: "Tencent Cloud SMS: the API SecretKey.",
    },
    Setting {
        key: keys::SMS_SDK_APP_ID,
        label: "短信应用 SdkAppId",
        check: Check::Rule { check: digits, said: "at most 20 digits" },
        default: "",
        secret: false,
        editors: page(SHOP),
        env: None,
        about: "Tencent Cloud SMS: the SMS application's SdkAppId.",
    },
    Setting {
        key: keys::SMS_SIGN_NAME,
        label: "短信签名",
        check: Check::Text { max: 30, required: false },
        default: "",
        secret: false,
        editors: page(SHOP),
        env: None,
        about: "Tencent Cloud SMS: the approved signature.",
    },
    Setting {
        key: keys::SMS_TEMPLATE_ID,
        label: "短信模板 ID",
        check: Check::Rule { check: digits, said: "at most 20 digits" },
        default: "",
        secret: false,
        editors: page(SHOP),
        env: None,
        about: "Tencent Cloud SMS: the code template; its parameter {1} is the code.",
    },
    Setting {
        key: keys::SMS_TEMPLATE_MINUTES,
        label: "短信模板含有效分钟数",
        check: Check::Flag { said: YES_NO },
        default: "0",
        secret: false,
        editors: page(SHOP),
        env: None,
        about: "The SMS template has a second parameter {2}: the minutes a code stays valid.",
    },
    Setting {
        key: keys::SMS_REGION,
        label: "地域",
        check: Check::Rule { check: sms_region, said: "a region code such as `ap-guangzhou`" },
        default: "ap-guangzhou",
        secret: false,
        editors: page(SHOP),
        env: None,
        about: "Tencent Cloud SMS: the region.",
    },
    Setting {
        key: keys::SMS_API_BASE,
        label: "短信接口地址",
        check: Check::Rule {
            check: sms_api_base, said: "`https://…` or `http://…`, at most 200 characters"
        },
        default: "https://sms.tencentcloudapi.com",
        secret: false,
        editors: page(SHOP),
        env: None,
        about: "Tencent Cloud SMS: the API address.",
    },
    Setting {
        key: keys::SMTP_HOST,
        label: "SMTP 服务器",
        check: Check::Rule { check: smtp_host, said: "a host name or IP address" },
        default: "",
        secret: false,
        editors: page(SHOP),
        env: None,
        about: "E-mail codes: the SMTP server (with the sender, turns e-mail on).",
    },
    Setting {
        key: keys::SMTP_PORT,
        label: "SMTP 端口",
        check: Check::Int { min: 1, max: 65_535, blank: true },
        default: "",
        secret: false,
        editors: page(SHOP),
        env: None,
        about: "E-mail codes: the SMTP port (unset: by the security, 465 or 587).",
    },
    Setting {
        key: keys::SMTP_SECURITY,
        label: "加密方式",
        check: Check::OneOf { values: &["ssl", "starttls", "none"], said: "应为 ssl、starttls 或 none" },
        default: "",
        secret: false,
        editors: page(SHOP),
        env: None,
        about: "E-mail codes: implicit TLS, STARTTLS or none (unset: by the port).",
    },
    Setting {
        key: keys::SMTP_USER,
        label: "SMTP 用户名",
        check: Check::Text { max: 200, required: false },
        default: "",
        secret: false,
        editors: page(SHOP),
        env: None,
        about: "E-mail codes: the SMTP user name.",
    },
    Setting {
        key: keys::SMTP_PASSWORD,
        label: "SMTP 密码",
        check: Check::Text { max: 200, required: false },
        default: "",
        secret: true,
        editors: page(SHOP),
        env: None,
        about: "E-mail codes: the SMTP password.",
    },
    Setting {
        key: keys::SMTP_FROM,
        label: "发件人",
        check: Check::Rule { check: smtp_from, said: "a mailbox such as `小店 <shop@example.com>`" },
        default: "",
        secret: false,
        editors: page(SHOP),
        env: None,
        about: "E-mail codes: the sender.",
    },
    // 微信设置
    Setting {
        key: keys::WECHAT_APPID,
        label: "AppID",
        check: Check::Rule { check: wechat_appid, said: "`wx` and 16 letters or digits; empty: the sandbox" },
        default: "",
        secret: false,
        editors: page(WECHAT),
        env: Some("XIAODIAN_WECHAT_APPID"),
        about: "The mini-program's AppID (unset: the built-in WeChat sandbox answers).",
    },
    Setting {
        key: keys::WECHAT_SECRET,
        label: "AppSecret",
        check: Check::Text { max: 64, required: false },
        default: "",
        secret: true,
        editors: page(WECHAT),
        env: Some("XIAODIAN_WECHAT_SECRET"),
        about: "The mini-program's AppSecret.",
    },
    Setting {
        key: keys::WECHAT_API_BASE,
        label: "微信接口地址",
        check: Check::Rule { check: base_url, said: "`https://…` or `http://…`, at most 200 characters" },
        default: "",
        secret: false,
        editors: page(WECHAT),
        env: Some("XIAODIAN_WECHAT_API_BASE"),
        about: "WeChat's API address (unset: api.weixin.qq.com, or the sandbox without an AppID).",
    },
    Setting {
        key: keys::CONTENT_SEC_CHECK,
        label: "内容安全检测",
        check: Check::Flag { said: "应为 0（关闭）或 1（开启）" },
        default: "0",
        secret: false,
        editors: page(WECHAT),
        env: None,
        about:
            "Shoppers' comments, articles and reviews pass WeChat's msgSecCheck before they are published.",
    },
    Setting {
        key: keys::KEFU_TOKEN,
        label: "Token",
        check: Check::Rule { check: kefu_token, said: "3–32 letters or digits, as entered at WeChat" },
        default: "",
        secret: false,
        editors: page(WECHAT),
        env: None,
        about: "Message push (客服消息): the Token (unset: every push is refused).",
    },
    Setting {
        key: keys::KEFU_AES_KEY,
        label: "EncodingAESKey",
        check: Check::Rule { check: kefu_aes_key, said: "43 letters or digits; empty: plain-text mode" },
        default: "",
        secret: false,
        editors: page(WECHAT),
        env: None,
        about: "Message push: the EncodingAESKey (set: the encrypted mode).",
    },
    Setting {
        key: keys::KEFU_FORMAT,
        label: "数据格式",
        check: Check::OneOf { values: &["json", "xml"], said: "应为 json 或 xml" },
        default: "json",
        secret: false,
        editors: page(WECHAT),
        env: None,
        about: "Message push: the data format.",
    },
    Setting {
        key: keys::KEFU_TRANSFER,
        label: "转发到客服系统",
        check: Check::Flag { said: YES_NO },
        default: "0",
        secret: false,
        editors: page(WECHAT),
        env: None,
        about: "Message push: shoppers' messages go to WeChat's customer-service system.",
    },
    // 微信支付设置
    Setting {
        key: keys::WXPAY_MCH_ID,
        label: "商户号",
        check: Check::Rule { check: wxpay_mch_id, said: "8–12 digits" },
        default: "",
        secret: false,
        editors: page(WXPAY),
        env: Some("XIAODIAN_WXPAY_MCHID"),
        about: "WeChat Pay: the merchant number (unset: the sandbox merchant).",
    },
    Setting {
        key: keys::WXPAY_KEY,
        label: "API 密钥",
        check: Check::Rule { check: wxpay_key, said: "32 letters or digits" },
        default: "",
        secret: true,
        editors: page(WXPAY),
        env: Some("XIAODIAN_WXPAY_KEY"),
        about: "WeChat Pay: the v2 API key that signs every request.",
    },
    Setting {
        key: keys::WXPAY_SIGN_TYPE,
        label: "签名方式",
        check: Check::OneOf { values: &["MD5", "HMAC-SHA256"], said: "应为 MD5 或 HMAC-SHA256" },
        default: "MD5",
        secret: false,
        editors: page(WXPAY),
        env: None,
        about: "WeChat Pay: the signature algorithm.",
    },
    Setting {
        key: keys::WXPAY_CERT,
        label: "API 证书路径",
        check: Check::Text { max: 500, required: false },
        default: "",
        secret: false,
        editors: page(WXPAY),
        env: Some("XIAODIAN_WXPAY_CERT"),
        about: "WeChat Pay: the PEM file of the merchant's API certificate (refunds).",
    },
    Setting {
        key: keys::WXPAY_CERT_KEY,
        label: "API 证书私钥路径",
        check: Check::Text { max: 500, required: false },
        default: "",
        secret: false,
        editors: page(WXPAY),
        env: Some("XIAODIAN_WXPAY_CERT_KEY"),
        about: "WeChat Pay: the PEM file of the certificate's private key (refunds).",
    },
    Setting {
        key: keys::WXPAY_BASE,
        label: "微信支付接口地址",
        check: Check::Rule { check: base_url, said: "`https://…` or `http://…`, at most 200 characters" },
        default: "",
        secret: false,
        editors: page(WXPAY),
        env: Some("XIAODIAN_WECHAT_PAY_BASE"),
        about: "WeChat Pay: the API address (unset: api.mch.weixin.qq.com, or the sandbox).",
    },
    // 订阅消息
    Setting {
        key: keys::MINIPROGRAM_STATE,
        label: "跳转的小程序版本",
        check: Check::OneOf {
            values: &["formal", "trial", "developer"],
            said: "应为 formal（正式版）、trial（体验版）或 developer（开发版）",
        },
        default: "formal",
        secret: false,
        editors: page(SUBSCRIBE),
        env: None,
        about: "Which mini-program version a subscription message opens.",
    },
    Setting {
        key: keys::OUTBOX_INTERVAL_SECS,
        label: "检查间隔",
        check: Check::Int { min: 1, max: 3600, blank: true },
        default: "30",
        secret: false,
        editors: page(SUBSCRIBE),
        env: None,
        about: "Seconds between outbox sweeps when nothing wakes the job.",
    },
    Setting {
        key: keys::OFFICIAL_APPID,
        label: "公众号 AppID",
        check: Check::Rule {
            check: official_appid,
            said: "`wx` and 16 letters or digits; empty: no official-account template messages",
        },
        default: "",
        secret: false,
        editors: page(SUBSCRIBE),
        env: None,
        about: "The official account (公众号) linked to the mini-program: template messages go through it.",
    },
    // 订单设置
    Setting {
        key: orders::CLOSE_MINUTES,
        label: "未付款自动关闭（分钟）",
        check: Check::Int { min: 1, max: 60 * 24 * 30, blank: true },
        default: "30",
        secret: false,
        editors: page(ORDERS),
        env: None,
        about: "Minutes an unpaid order stays open.",
    },
    Setting {
        key: orders::AUTO_CONFIRM_DAYS,
        label: "发货后自动确认收货（天）",
        check: Check::Int { min: 1, max: 365, blank: true },
        default: "7",
        secret: false,
        editors: page(ORDERS),
        env: None,
        about: "Days after shipping when receipt is confirmed for the shopper.",
    },
    Setting {
        key: orders::AUTO_REVIEW_DAYS,
        label: "收货后自动好评（天）",
        check: Check::Int { min: 1, max: 365, blank: true },
        default: "7",
        secret: false,
        editors: page(ORDERS),
        env: None,
        about: "Days after receipt when a default good review is left.",
    },
    Setting {
        key: orders::SCORE_PER_YUAN,
        label: "多少积分抵 1 元",
        check: Check::Int { min: 0, max: 1_000_000, blank: true },
        default: "0",
        secret: false,
        editors: page(ORDERS),
        env: None,
        about: "Points worth 1 yuan at checkout (0: points cannot lower the price).",
    },
    Setting {
        key: orders::SCORE_MAX_PERCENT,
        label: "积分最多抵扣（%）",
        check: Check::Int { min: 0, max: 100, blank: true },
        default: "50",
        secret: false,
        editors: page(ORDERS),
        env: None,
        about: "Largest share of the goods' price points may pay, in percent.",
    },
    Setting {
        key: orders::HX_STAFF,
        label: "核销员",
        check: Check::Rule { check: user_ids, said: "user ids separated by commas" },
        default: "",
        secret: false,
        editors: page(ORDERS),
        env: None,
        about: "Shoppers who are shop staff: they may look up and write off orders by write-off code.",
    },
    Setting {
        key: orders::JOB_INTERVAL_SECS,
        label: "订单任务运行间隔（秒）",
        check: Check::Int { min: 1, max: 3600, blank: true },
        default: "60",
        secret: false,
        editors: API_ONLY,
        env: None,
        about: "Seconds between two runs of the order jobs.",
    },
    Setting {
        key: keys::COUPON_EXPIRY_INTERVAL_SECS,
        label: "优惠券过期检查间隔（秒）",
        check: Check::Int { min: 10, max: 86_400, blank: true },
        default: "600",
        secret: false,
        editors: page(ORDERS),
        env: None,
        about: "Seconds between runs of the coupon expiry job.",
    },
    // 积分
    Setting {
        key: points::REGISTER,
        label: "注册赠送积分",
        check: Check::Int { min: 0, max: 1_000_000, blank: true },
        default: "0",
        secret: false,
        editors: page(POINTS),
        env: None,
        about: "Points a new shopper gets on registration (0: none).",
    },
    Setting {
        key: points::PER_YUAN_SPENT,
        label: "消费每 1 元赠送积分",
        check: Check::Int { min: 0, max: 10_000, blank: true },
        default: "0",
        secret: false,
        editors: page(POINTS),
        env: None,
        about: "Points per whole yuan paid, given when the shopper receives the order (0: none).",
    },
    Setting {
        key: points::SHARE_GROUP,
        label: "转发到群赠送积分",
        check: Check::Int { min: 0, max: 1_000_000, blank: true },
        default: "0",
        secret: false,
        editors: page(POINTS),
        env: None,
        about: "Points a sharer gets for a share opened in a WeChat group (0: off).",
    },
    Setting {
        key: points::SHARE_GROUP_DAILY_MAX,
        label: "每天最多奖励几个群",
        check: Check::Int { min: 1, max: 100, blank: true },
        default: "3",
        secret: false,
        editors: page(POINTS),
        env: None,
        about: "Groups a sharer is paid for per day.",
    },
    Setting {
        key: points::CASH_RATE,
        label: "多少积分兑换 1 元余额",
        check: Check::Int { min: 0, max: 1_000_000, blank: true },
        default: "0",
        secret: false,
        editors: page(POINTS),
        env: None,
        about: "Points for 1 yuan of balance (0: exchange off).",
    },
    Setting {
        key: points::GROWTH_RATE,
        label: "多少积分兑换 1 成长值",
        check: Check::Int { min: 0, max: 1_000_000, blank: true },
        default: "0",
        secret: false,
        editors: page(POINTS),
        env: None,
        about: "Points for 1 growth point (0: exchange off).",
    },
    // 提现
    Setting {
        key: keys::WITHDRAW_MIN_FEN,
        label: "最低提现金额（分）",
        // The largest amount the shop handles (money::MAX_FEN, checked by a test).
        check: Check::Int { min: 1, max: 10_000_000_000, blank: true },
        default: "100",
        secret: false,
        editors: page(WITHDRAWALS),
        env: None,
        about: "Smallest withdrawal, in fen (the console asks in yuan).",
    },
    Setting {
        key: keys::WITHDRAW_DAILY_COUNT,
        label: "每天最多申请次数",
        check: Check::Int { min: 1, max: 1000, blank: true },
        default: "3",
        secret: false,
        editors: page(WITHDRAWALS),
        env: None,
        about: "Withdrawals one shopper may ask for per day.",
    },
];

fn said(text: &'static str) -> Refusal {
    Refusal::Said(text.into())
}

fn max_chars(v: &str, max: usize) -> Result<(), Refusal> {
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

fn subdomain(v: &str) -> Result<(), Refusal> {
    super::validate_subdomain(v).map_err(said)
}

fn wechat_appid(v: &str) -> Result<(), Refusal> {
    if v.is_empty() || is_appid(v) {
        Ok(())
    } else {
        Err(said("应为 wx 开头的 18 位 AppID，留空则使用沙箱"))
    }
}

fn official_appid(v: &str) -> Result<(), Refusal> {
    if v.is_empty() || is_appid(v) {
        Ok(())
    } else {
        Err(said("应为 wx 开头的 18 位公众号 AppID，留空则不发公众号模板消息"))
    }
}

/// WeChat's and WeChat Pay's addresses: the scheme first, then the length.
fn base_url(v: &str) -> Result<(), Refusal> {
    if v.is_empty() || is_http(v) {
        max_chars(v, 200)
    } else {
        Err(said("应以 https:// 或 http:// 开头"))
    }
}

fn wxpay_mch_id(v: &str) -> Result<(), Refusal> {
    match v {
        "" => Ok(()),
        v if (8..=12).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
        _ => Err(said("商户号应为 8–12 位数字")),
    }
}

fn wxpay_key(v: &str) -> Result<(), Refusal> {
    match v {
        "" => Ok(()),
        v if v.len() == 32 && v.bytes().all(|b| b.is_ascii_alphanumeric()) => Ok(()),
        _ => Err(said("API 密钥应为 32 位字母或数字")),
    }
}

fn kefu_token(v: &str) -> Result<(), Refusal> {
    if v.is_empty() || ((3..=32).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric())) {
        Ok(())
    } else {
        Err(said("应为 3–32 位英文字母或数字，与微信后台填写的一致"))
    }
}

fn kefu_aes_key(v: &str) -> Result<(), Refusal> {
    if v.is_empty() || (v.len() == 43 && v.bytes().all(|b| b.is_ascii_alphanumeric())) {
        Ok(())
    } else {
        Err(said("应为 43 位英文字母或数字，留空则使用明文模式"))
    }
}

/// The SMS address: the length first, then the scheme.
fn sms_api_base(v: &str) -> Result<(), Refusal> {
    max_chars(v, 200)?;
    if v.is_empty() || is_http(v) {
        Ok(())
    } else {
        Err(said("应以 https:// 开头"))
    }
}

fn sms_secret(v: &str) -> Result<(), Refusal> {
    max_chars(v, 128)?;
    if v.chars().any(char::is_whitespace) {
        return Err(said("不能包含空格"));
    }
    Ok(())
}

fn digits(v: &str) -> Result<(), Refusal> {
    if v.len() <= 20 && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(said("应为数字"))
    }
}

fn sms_region(v: &str) -> Result<(), Refusal> {
    if v.len() <= 32 && v.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        Ok(())
    } else {
        Err(said("应为地域代码，例如 ap-guangzhou"))
    }
}

fn smtp_host(v: &str) -> Result<(), Refusal> {
    let ok = v.len() <= 253
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if ok {
        Ok(())
    } else {
        Err(said("应为服务器域名或 IP 地址"))
    }
}

fn smtp_from(v: &str) -> Result<(), Refusal> {
    max_chars(v, 200)?;
    if v.is_empty() || v.parse::<lettre::message::Mailbox>().is_ok() {
        Ok(())
    } else {
        Err(said("应为邮箱地址，例如 小店 <shop@example.com>"))
    }
}

fn user_ids(v: &str) -> Result<(), Refusal> {
    if v.split(',').filter(|p| !p.is_empty()).all(|p| p.parse::<i64>().is_ok_and(|id| id > 0)) {
        Ok(())
    } else {
        Err(said("应为用户编号，用逗号隔开"))
    }
}

/// Where `docs/settings.md` holds the generated table.
pub const DOC_START: &str = "<!-- settings table: generated from src/settings/registry.rs -->";
pub const DOC_END: &str = "<!-- end of settings table -->";

/// The settings table of `docs/settings.md`, as the registry says it.
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| Key | Type | Default | Console label | Rule | Edited in | Notes |\n\
         |-----|------|---------|---------------|------|-----------|-------|\n",
    );
    for s in REGISTRY {
        let kind = match s.kind() {
            Kind::Text => "string",
            Kind::Integer => "integer",
            Kind::Bool => "bool",
        };
        let default = match (s.kind(), s.default) {
            (_, "") => "—".to_string(),
            (Kind::Bool, d) => format!("`{}`", d == "1"),
            (_, d) => format!("`{d}`"),
        };
        let mut edited = Vec::new();
        if let Some(page) = s.editors.console {
            edited.push(format!("console 「{page}」"));
        }
        if s.editors.merchant_api {
            edited.push("merchant API".to_string());
        }
        let mut notes = vec![s.about.to_string()];
        if s.secret {
            notes.push("**Secret**: write-only, never shown or answered.".into());
        }
        if let Some(env) = s.env {
            notes.push(format!("`{env}` fixes it when set."));
        }
        out.push_str(&format!(
            "| `{}` | {kind} | {default} | {} | {} | {} | {} |\n",
            s.key,
            s.label,
            s.check.describe(),
            edited.join(", "),
            notes.join(" ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_defaults_pass_their_checks() {
        for (i, s) in REGISTRY.iter().enumerate() {
            assert!(REGISTRY[i + 1..].iter().all(|o| o.key != s.key), "{} twice", s.key);
            assert_eq!(s.check(s.default), Ok(()), "default of {}", s.key);
            assert!(!s.label.is_empty());
        }
    }

    #[test]
    fn checks_say_what_is_wrong() {
        assert_eq!(get(keys::SHOP_NAME).check(""), Err(Refusal::Required));
        assert_eq!(get(keys::SHOP_NAME).check(&"长".repeat(51)), Err(said("不能超过 50 个字符")));
        assert_eq!(get(keys::UPLOAD_QUOTA_MB).check(""), Err(said("应为 1 到 10000000 之间的整数")));
        assert_eq!(get(orders::CLOSE_MINUTES).check(""), Ok(()));
        assert_eq!(get(keys::KEFU_TRANSFER).check("2"), Err(said(YES_NO)));
        assert_eq!(get(keys::SMS_API_BASE).check("ftp://x"), Err(said("应以 https:// 开头")));
        assert_eq!(get(keys::WECHAT_API_BASE).check("ftp://x"), Err(said("应以 https:// 或 http:// 开头")));
        assert_eq!(get(orders::HX_STAFF).check("1,2,"), Ok(()));
        assert_eq!(get(orders::HX_STAFF).check("1,x"), Err(said("应为用户编号，用逗号隔开")));
    }

    #[test]
    fn docs_settings_md_shows_the_registry() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/settings.md");
        let doc = std::fs::read_to_string(path).expect("docs/settings.md");
        let (before, rest) = doc.split_once(DOC_START).expect("the table's start marker");
        let (_, after) = rest.split_once(DOC_END).expect("the table's end marker");
        let want = format!("{before}{DOC_START}\n{}{DOC_END}{after}", markdown_table());
        if std::env::var_os("XIAODIAN_WRITE_DOCS").is_some() {
            std::fs::write(path, &want).expect("write docs/settings.md");
        }
        assert!(
            doc == want || std::env::var_os("XIAODIAN_WRITE_DOCS").is_some(),
            "docs/settings.md differs from the registry; regenerate it with \
             XIAODIAN_WRITE_DOCS=1 cargo test --lib docs_settings_md"
        );
    }

    #[test]
    fn whole_numbers_fall_back_to_their_default() {
        let close = get(orders::CLOSE_MINUTES);
        assert_eq!(close.whole_number(None), Some(30));
        assert_eq!(close.whole_number(Some(" 45 ")), Some(45));
        assert_eq!(close.whole_number(Some("0")), Some(30));
        assert_eq!(close.whole_number(Some("x")), Some(30));
        assert_eq!(get(keys::SMTP_PORT).whole_number(None), None);
        assert_eq!(get(keys::SMTP_PORT).whole_number(Some("587")), Some(587));
        assert_eq!(get(keys::SHOP_NAME).whole_number(Some("5")), None);
    }
}
