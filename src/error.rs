//! The one table of API codes and messages, and the errors of each side (API, console, merchant API).

use std::borrow::Cow;

use serde_json::Value;

use crate::db::Error as DbError;
use crate::present;
use crate::service::error::{CouponRefusal, Entity, Error as ServiceError, Rule};

/// Every failure the mini-program API can answer. `code()` and `msg()` are the one table of codes.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// A required parameter is missing or empty.
    #[error("缺少参数 {0}")]
    Missing(&'static str),
    /// A parameter is present but unusable.
    #[error("参数 {name} 无效：{reason}")]
    Invalid { name: &'static str, reason: Cow<'static, str> },
    /// The image captcha was wrong, used or expired.
    #[error("图形验证码错误或已过期")]
    CaptchaWrong,
    /// Not logged in, or the token is unknown, expired or revoked.
    #[error("请先登录")]
    NotLoggedIn,
    /// WeChat replaced the session_key the data was encrypted with: log in again.
    #[error("微信登录状态已过期，请重新调用 wx.login 登录后再试")]
    SessionStale,
    /// login_wx for an openid that has no account yet.
    #[error("该微信用户尚未注册")]
    NotRegistered,
    /// A unique thing (mobile, username...) belongs to another account.
    #[error("{0}已被其他账号使用")]
    Taken(&'static str),
    /// Logged in but not allowed to do this.
    #[error("{0}")]
    Forbidden(Cow<'static, str>),
    /// The thing named does not exist.
    #[error("{0}不存在")]
    NotFound(&'static str),
    /// The goods exists but the merchant took it off the shelf.
    #[error("商品已下架")]
    OffShelf,
    /// No such API path on this shop.
    #[error("接口不存在：{0}")]
    UnknownPath(String),
    /// The path exists but not for this HTTP method.
    #[error("接口 {path} 不支持 {method} 请求，请使用 {allowed}")]
    WrongMethod { path: String, method: String, allowed: String },
    /// The request named another shop than this one.
    #[error("店铺 {asked} 不存在：本店的 subDomain 是 {ours}")]
    WrongShop { asked: String, ours: String },
    /// A body or file is larger than allowed.
    #[error("{what}太大，最大允许 {limit}")]
    TooLarge { what: &'static str, limit: String },
    /// The shop's file store is full.
    #[error("文件空间已满（上限 {limit}），请在后台删除不用的文件或提高上限")]
    QuotaFull { limit: String },
    /// A file type we do not accept.
    #[error("不支持的文件类型：{0}")]
    BadFileType(String),
    /// Rate limit reached.
    #[error("操作太频繁，请稍后再试")]
    TooMany,
    /// A remote resource (download, WeChat...) failed.
    #[error("{0}")]
    Upstream(String),
    /// A feature that needs a provider this shop has not configured, or that xiaodian does not offer.
    #[error("{0}")]
    Unsupported(Cow<'static, str>),
    /// A method of a client module this shop does not serve (not connected, not offered, not
    /// yet): the message names the module and why; `data` is `{module, state, service?}`.
    #[error("{msg}")]
    ModuleClosed { msg: String, data: crate::api::modules::Closed },
    /// A balance payment the shopper's balance cannot cover; `data` is the amount still due (yuan).
    #[error("余额不足")]
    NotEnoughBalance { due_fen: i64 },
    /// A points payment the shopper's points cannot cover; `data` is the points still due.
    #[error("积分不足")]
    NotEnoughScore { due: i64 },
    /// An empty list or no data (code 700 — templates treat it as "nothing to show").
    #[error("暂无数据")]
    Empty,
    /// The database is saturated; the client may retry.
    #[error("系统繁忙，请稍后再试")]
    Busy,
    /// A bug or I/O failure: details go to the log only.
    #[error("系统错误，请稍后再试")]
    Internal(String),
    /// A yes/no check answered "no" (code -1: the client's check methods answer 0 for yes, -1
    /// for no); the message says what is not so ("未关注").
    #[error("{0}")]
    CheckedNo(&'static str),
    /// Code 700 with a message saying what was not found (checkReferrer: "邀请码错误").
    #[error("{0}")]
    NoData(&'static str),
    /// An SMS or e-mail verification code was wrong, used, expired or never sent (the message says which).
    #[error("{0}")]
    CodeWrong(Cow<'static, str>),
    /// Wrong account or password: the same answer whether the account exists or not.
    #[error("账号或密码错误")]
    BadLogin,
    /// A rate limit with the wait spelled out ("请 45 秒后再试").
    #[error("{0}")]
    RateLimited(String),
    /// A coupon that cannot be taken or used now (switched off, not started, wrong state, below
    /// its threshold, outside its scope); the message says why.
    #[error("{0}")]
    CouponUnavailable(Cow<'static, str>),
    /// Nothing left to take or buy: a coupon rule's stock, a virtual goods' cards.
    #[error("{0}已售罄")]
    SoldOut(&'static str),
    /// The shopper already took as many of this coupon as one shopper may.
    #[error("你已领取过该优惠券（每人限领 {0} 张）")]
    CouponLimit(i64),
    /// The coupon's validity has ended.
    #[error("优惠券已过期")]
    CouponExpired,
    /// A coupon sold for money the balance cannot cover; `data` is the amount still due (yuan),
    /// which the template pays by WeChat Pay with nextAction {type:7, couponRuleId}.
    #[error("该优惠券需要支付 {} 元购买", crate::money::format(*due_fen))]
    CouponMustPay { due_fen: i64 },
    /// WeChat's content check found the text risky (WeChat's own code 87014); nothing was published.
    #[error("内容含有违法违规信息，请修改后再提交")]
    ContentRisky,
    /// The goods has specs and none was chosen (code 30002: the templates open the spec popup).
    #[error("请先选择商品规格")]
    SpecRequired,
    /// Not enough stock for an order or a cart line; names the goods and what is left.
    #[error("商品“{name}”库存不足，仅剩 {left} 件")]
    OutOfStock { name: String, left: i64 },
    /// An after-sale request for this order (line) is already open (code 20000).
    #[error("该订单已有售后申请在处理中")]
    RefundOpen,
    /// A wrong pay password (orderPay, modifyPayPassword); says how many tries are left before
    /// the 15-minute lockout.
    #[error("支付密码错误，还可以再试 {left} 次")]
    PayPasswordWrong { left: i64 },
    /// WeChat's 41030: the page of a mini-program code is not in the released version (or does
    /// not exist); the templates show their own "上线以后才可以获取二维码" for this code.
    #[error("小程序页面 {0} 不存在或尚未发布上线，发布后才能生成小程序码（测试可传 check_path=false）")]
    PageNotReleased(String),
    /// scoreSign a second time the same day (code 10000: the templates show it like a success).
    #[error("今天已经签到过了")]
    AlreadySigned,
    // the templates' remaining pages
    /// A number-bomb guess that missed or came too late, with the game's own code: 40000 the
    /// bomb is smaller, 40001 larger, 30000 out of guesses (lost), 20000 the round is over.
    #[error("{msg}")]
    GuessMissed { code: i32, msg: &'static str },
}

impl ApiError {
    /// The business code of the envelope. README lists this table.
    #[allow(clippy::match_same_arms)] // one arm per error reads as the table README prints
    pub fn code(&self) -> i32 {
        match self {
            ApiError::Missing(_) | ApiError::Invalid { .. } => 300,
            ApiError::CaptchaWrong => 301,
            ApiError::Forbidden(_) => 403,
            ApiError::NotFound(_) | ApiError::UnknownPath(_) => 404,
            ApiError::OffShelf => 404,
            ApiError::WrongMethod { .. } => 405,
            ApiError::WrongShop { .. } => 406,
            ApiError::TooLarge { .. } | ApiError::QuotaFull { .. } => 413,
            ApiError::BadFileType(_) => 415,
            ApiError::TooMany => 429,
            ApiError::Internal(_) => 500,
            ApiError::Unsupported(_) | ApiError::ModuleClosed { .. } => 501,
            ApiError::Upstream(_) => 502,
            ApiError::NotEnoughScore { .. } => 30001,
            ApiError::NotEnoughBalance { .. } => 40000,
            ApiError::Busy => 503,
            ApiError::Empty => 700,
            ApiError::NotLoggedIn => 2000,
            ApiError::SessionStale => 2001,
            ApiError::NotRegistered => 10000,
            ApiError::Taken(_) => 409,
            ApiError::CheckedNo(_) => -1,
            ApiError::NoData(_) => 700,
            ApiError::CodeWrong(_) => 302,
            ApiError::BadLogin => 401,
            ApiError::RateLimited(_) => 429,
            ApiError::CouponUnavailable(_) => 20001,
            ApiError::SoldOut(_) => 20002,
            ApiError::CouponLimit(_) => 20003,
            ApiError::CouponExpired => 20004,
            ApiError::CouponMustPay { .. } => 30002,
            ApiError::ContentRisky => 87014,
            ApiError::SpecRequired => 30002,
            ApiError::OutOfStock { .. } => 30003,
            ApiError::RefundOpen => 20000,
            ApiError::PayPasswordWrong { .. } => 401,
            ApiError::PageNotReleased(_) => 41030,
            ApiError::AlreadySigned => 10000,
            ApiError::GuessMissed { code, .. } => *code,
        }
    }

    /// The human-readable message shoppers see.
    pub fn msg(&self) -> String {
        self.to_string()
    }

    /// Extra `data` some codes carry (e.g. the amount still due); null otherwise.
    #[allow(clippy::match_same_arms)] // each error names its own amount
    pub fn data(&self) -> Value {
        match self {
            // A number, not text: templates do arithmetic on the amount still due.
            ApiError::NotEnoughBalance { due_fen } => Value::from(crate::money::to_yuan(*due_fen)),
            ApiError::NotEnoughScore { due } => Value::from(*due),
            ApiError::CouponMustPay { due_fen } => Value::from(crate::money::to_yuan(*due_fen)),
            ApiError::ModuleClosed { data, .. } => serde_json::to_value(data).unwrap_or_default(),
            _ => Value::Null,
        }
    }

    /// Shorthand for an invalid parameter.
    pub fn invalid(name: &'static str, reason: impl Into<Cow<'static, str>>) -> ApiError {
        ApiError::Invalid { name, reason: reason.into() }
    }

    /// Logs internal failures (with details) once, where the error is answered.
    pub fn log(&self) {
        if let ApiError::Internal(detail) = self {
            log::error!("internal error: {detail}");
        }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::Internal(format!("sqlite: {e}"))
    }
}

impl From<crate::db::Error> for ApiError {
    fn from(e: crate::db::Error) -> Self {
        ServiceError::from(e).into()
    }
}

/// The mini-program's answer to a shop rule's refusal: the one place where service errors get
/// their envelope codes and the shopper's wording.
impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound(what) => ApiError::NotFound(present::noun(what)),
            ServiceError::Invalid { field, rule: Rule::Required } => ApiError::Missing(field.name()),
            ServiceError::Invalid { field, rule } => ApiError::invalid(field.name(), rule.to_string()),
            ServiceError::Denied(why) | ServiceError::Refused(why) => ApiError::Forbidden(why),
            ServiceError::Taken(identity) => ApiError::Taken(present::identity(identity)),
            ServiceError::OffShelf => ApiError::OffShelf,
            ServiceError::SpecRequired => ApiError::SpecRequired,
            ServiceError::RefundOpen => ApiError::RefundOpen,
            ServiceError::AlreadySigned => ApiError::AlreadySigned,
            ServiceError::Coupon(CouponRefusal::Unavailable(why)) => ApiError::CouponUnavailable(why),
            ServiceError::Coupon(CouponRefusal::Limit(n)) => ApiError::CouponLimit(n),
            ServiceError::Coupon(CouponRefusal::Expired) => ApiError::CouponExpired,
            ServiceError::Coupon(CouponRefusal::MustPay { due_fen }) => ApiError::CouponMustPay { due_fen },
            ServiceError::SoldOut(what) => ApiError::SoldOut(present::noun(what)),
            // points, payments and money
            ServiceError::NoMatch(what) => ApiError::NoData(no_match_words(what)),
            ServiceError::OutOfStock { name, left } => ApiError::OutOfStock { name, left },
            ServiceError::NotEnoughBalance { due_fen } => ApiError::NotEnoughBalance { due_fen },
            ServiceError::NotEnoughPoints { due } => ApiError::NotEnoughScore { due },
            ServiceError::BadLogin => ApiError::BadLogin,
            ServiceError::PayPasswordWrong { left } => ApiError::PayPasswordWrong { left },
            ServiceError::CodeWrong(why) => ApiError::CodeWrong(why),
            ServiceError::SessionStale => ApiError::SessionStale,
            ServiceError::NotRegistered => ApiError::NotRegistered,
            ServiceError::RateLimited(wait) => ApiError::RateLimited(wait.into_owned()),
            ServiceError::ContentRisky => ApiError::ContentRisky,
            ServiceError::TooLarge { what, limit } => ApiError::TooLarge { what, limit },
            ServiceError::QuotaFull { limit } => ApiError::QuotaFull { limit },
            ServiceError::BadFileType(kind) => ApiError::BadFileType(kind),
            ServiceError::Upstream(why) => ApiError::Upstream(why.into_owned()),
            ServiceError::PageNotReleased(page) => ApiError::PageNotReleased(page),
            ServiceError::Unsupported(why) => ApiError::Unsupported(why),
            ServiceError::Busy | ServiceError::Db(DbError::Unavailable) => ApiError::Busy,
            ServiceError::Db(e) => ApiError::Internal(e.to_string()),
            ServiceError::Internal(detail) => ApiError::Internal(detail),
        }
    }
}

// catalogue edits
impl From<crate::service::catalog::EditError> for ApiError {
    fn from(e: crate::service::catalog::EditError) -> Self {
        ServiceError::from(e).into()
    }
}

/// What the mini-program says (code 700) when nothing matches a code the shopper typed.
fn no_match_words(e: Entity) -> &'static str {
    match e {
        Entity::PointsCode => "积分券不存在",
        Entity::CardPassword => "卡密不存在或已被使用",
        _ => "暂无数据",
    }
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> Self {
        ApiError::Internal(format!("io: {e}"))
    }
}

impl From<crate::wechat::pay::PayError> for ApiError {
    fn from(e: crate::wechat::pay::PayError) -> Self {
        ServiceError::from(e).into()
    }
}

impl From<crate::wechat::WxError> for ApiError {
    fn from(e: crate::wechat::WxError) -> Self {
        ServiceError::from(e).into()
    }
}

/// Errors of the merchant JSON API (`/admin/api/v1`): real HTTP statuses.
#[derive(Debug, thiserror::Error)]
pub enum MerchantError {
    #[error("missing or invalid API key")]
    Unauthorized,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: Cow<'static, str> },
    #[error("{0}")]
    Conflict(Cow<'static, str>),
    #[error("database busy, retry")]
    Busy,
    #[error("internal error")]
    Internal(String),
    /// WeChat (or another remote service) refused or failed; the message says what it answered.
    #[error("{0}")]
    Upstream(String),
}

impl MerchantError {
    pub fn status(&self) -> u16 {
        match self {
            MerchantError::Unauthorized => 401,
            MerchantError::NotFound(_) => 404,
            MerchantError::Invalid { .. } => 422,
            MerchantError::Conflict(_) => 409,
            MerchantError::Busy => 503,
            MerchantError::Internal(_) => 500,
            MerchantError::Upstream(_) => 502,
        }
    }

    pub fn invalid(field: &'static str, reason: impl Into<Cow<'static, str>>) -> MerchantError {
        MerchantError::Invalid { field, reason: reason.into() }
    }
}

impl From<rusqlite::Error> for MerchantError {
    fn from(e: rusqlite::Error) -> Self {
        MerchantError::Internal(format!("sqlite: {e}"))
    }
}

impl From<crate::db::Error> for MerchantError {
    fn from(e: crate::db::Error) -> Self {
        ServiceError::from(e).into()
    }
}

/// The merchant API's answer to a shop rule's refusal: an HTTP status for each kind.
impl From<ServiceError> for MerchantError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound(what) => MerchantError::NotFound(entity_words(what)),
            ServiceError::Invalid { field, rule: Rule::Required } => {
                MerchantError::invalid(field.name(), "is required")
            }
            ServiceError::Invalid { field, rule } => MerchantError::invalid(field.name(), rule.to_string()),
            ServiceError::TooLarge { what, limit } => {
                MerchantError::invalid(what, format!("larger than {limit}"))
            }
            ServiceError::BadFileType(t) => MerchantError::invalid("file", format!("type {t} not accepted")),
            ServiceError::PageNotReleased(page) => {
                MerchantError::invalid("path", format!("page {page} is not released (WeChat 41030)"))
            }
            ServiceError::Upstream(why) => MerchantError::Upstream(why.into_owned()),
            ServiceError::Busy | ServiceError::Db(DbError::Unavailable) => MerchantError::Busy,
            ServiceError::Db(e) => MerchantError::Internal(e.to_string()),
            ServiceError::Internal(detail) => MerchantError::Internal(detail),
            // Everything else is the shop's state refusing the change: 409 with the rule's words.
            other => MerchantError::Conflict(ApiError::from(other).msg().into()),
        }
    }
}

/// An entity's name in the merchant API's English messages ("freight template not found").
fn entity_words(e: Entity) -> &'static str {
    match e {
        Entity::Account | Entity::AccountWithMobile => "account",
        Entity::AdPosition => "ad position",
        Entity::Addition => "addition",
        Entity::Article => "article",
        Entity::Banner => "banner",
        Entity::Card => "card",
        Entity::CardPassword => "card password",
        Entity::HeldCard => "held card",
        Entity::MemberCode => "member code (or it expired)",
        Entity::CartLine => "cart line",
        Entity::Category => "category",
        Entity::Comment => "comment",
        Entity::Coupon => "coupon",
        Entity::Deposit => "deposit",
        Entity::FreightTemplate => "freight template",
        Entity::FriendlyLink => "friendly link",
        Entity::Goods => "goods",
        Entity::HeldMedia => "held media",
        Entity::Invoice => "invoice",
        Entity::KanjiaSet => "bargain set",
        Entity::KanjiaJoin => "bargain",
        // group buy (pingtuan)
        Entity::PingtuanSet => "group-buy set",
        Entity::PingtuanTuan => "group",
        Entity::Level => "member level",
        Entity::LevelPrice => "member level price",
        Entity::LiveRoom => "live room",
        Entity::Notice => "notice",
        Entity::OpenRefund => "open after-sale request",
        Entity::Order => "order",
        Entity::PaidWechatPayment => "paid WeChat payment",
        Entity::PayBill => "pay bill",
        Entity::Payment => "payment",
        Entity::PaymentOrder => "payment order",
        Entity::PointsCode => "points code",
        Entity::Recipient => "recipient",
        Entity::Refund => "after-sale request",
        Entity::Review => "review",
        Entity::Sharer => "sharer",
        Entity::Shop => "shop",
        Entity::ShopperGoods => "shopper's goods",
        Entity::User => "user",
        Entity::Video => "video",
        Entity::WechatRefund => "WeChat refund",
        Entity::Withdrawal => "withdrawal",
        Entity::FxApplication => "distributor application",
        Entity::FxCommission => "commission",
        Entity::WriteOffCode => "write-off code",
        // the templates' remaining pages
        Entity::ActivityPage => "activity page",
        Entity::GameRound => "game round",
        Entity::StockWait => "stock notice registration",
    }
}

impl From<ApiError> for MerchantError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Missing(f) => MerchantError::invalid(f, "is required"),
            ApiError::Invalid { name, reason } => MerchantError::Invalid { field: name, reason },
            ApiError::NotFound(w) => MerchantError::NotFound(w),
            ApiError::Busy => MerchantError::Busy,
            ApiError::Internal(d) => MerchantError::Internal(d),
            ApiError::TooLarge { what, limit } => {
                MerchantError::invalid(what, format!("larger than {limit}"))
            }
            ApiError::BadFileType(t) => MerchantError::invalid("file", format!("type {t} not accepted")),
            ApiError::Upstream(m) => MerchantError::Upstream(m),
            ApiError::PageNotReleased(page) => {
                MerchantError::invalid("path", format!("page {page} is not released (WeChat 41030)"))
            }
            other => MerchantError::Conflict(other.msg().into()),
        }
    }
}

/// Errors of the HTML console: rendered as an error page.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    BadInput(String),
    #[error("页面不存在")]
    NotFound,
    #[error("表单已过期，请刷新页面后重试")]
    Csrf,
    #[error("系统繁忙，请稍后再试")]
    Busy,
    #[error("系统错误：{0}")]
    Internal(String),
}

impl From<rusqlite::Error> for AdminError {
    fn from(e: rusqlite::Error) -> Self {
        AdminError::Internal(format!("sqlite: {e}"))
    }
}

impl From<crate::db::Error> for AdminError {
    fn from(e: crate::db::Error) -> Self {
        ServiceError::from(e).into()
    }
}

/// The console's answer to a shop rule's refusal: an error page with the shop's words.
impl From<ServiceError> for AdminError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Busy | ServiceError::Db(DbError::Unavailable) => AdminError::Busy,
            ServiceError::Db(e) => AdminError::Internal(e.to_string()),
            ServiceError::Internal(detail) => AdminError::Internal(detail),
            other => AdminError::BadInput(ApiError::from(other).msg()),
        }
    }
}

impl From<askama::Error> for AdminError {
    fn from(e: askama::Error) -> Self {
        AdminError::Internal(format!("template: {e}"))
    }
}

impl From<ApiError> for AdminError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Busy => AdminError::Busy,
            ApiError::Internal(d) => AdminError::Internal(d),
            other => AdminError::BadInput(other.msg()),
        }
    }
}
