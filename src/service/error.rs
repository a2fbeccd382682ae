//! What a shop rule refused, or what failed, in the shop's own terms.
//!
//! `service/` and `jobs/` return [`Error`] and never name a wire error. Each adapter turns it into
//! its own answer in one `From` match (`crate::error`): the mini-program API picks the envelope
//! code and the shopper's wording, the console a page or a form message, the merchant API an HTTP
//! status. Sentences inside variants (`Refused`, `Rule::Said`...) are the shop's own words for a
//! rule, shown as they are by every adapter.

use std::borrow::Cow;
use std::fmt;

use crate::db;
use crate::wechat::WxError;

/// `Result` of a service function.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a shop rule or its machinery can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    // ---- what was asked for
    /// The thing does not exist (or is not the caller's to see).
    #[error("{0:?} not found")]
    NotFound(Entity),
    /// A value breaks a rule; `field` is the field's one name across layers.
    #[error("{field}: {rule}")]
    Invalid { field: Field, rule: Rule },

    // ---- who asks
    /// This caller may not do this (not theirs, account disabled, wrong role).
    #[error("denied: {0}")]
    Denied(Cow<'static, str>),

    // ---- what state the shop is in
    /// A shop rule refuses it in the current state; the sentence says which rule.
    #[error("refused: {0}")]
    Refused(Cow<'static, str>),
    /// A unique identity (mobile, username, e-mail) belongs to another account.
    #[error("{0:?} taken")]
    Taken(Identity),
    /// The goods exists but is off the shelf.
    #[error("goods off the shelf")]
    OffShelf,
    /// The goods has specs and none was chosen.
    #[error("a spec must be chosen")]
    SpecRequired,
    /// An after-sale request for this order (line) is already open.
    #[error("an after-sale request is open")]
    RefundOpen,
    /// Signed in already today.
    #[error("signed in today already")]
    AlreadySigned,
    /// A coupon cannot be taken or used now.
    #[error("coupon: {0:?}")]
    Coupon(CouponRefusal),
    /// Nothing left of `what` (a coupon rule's stock, a virtual goods' cards).
    #[error("{0:?} sold out")]
    SoldOut(Entity),

    // ---- points, payments and money
    /// Nothing matches what the shopper typed (a points code's number): no data, not a bad request.
    #[error("no {0:?} matches")]
    NoMatch(Entity),

    // ---- not enough
    /// Not enough stock: the goods (and spec) named and how many are left.
    #[error("not enough stock of {name}: {left} left")]
    OutOfStock { name: String, left: i64 },
    /// The balance cannot cover a payment; `due_fen` is what is still missing.
    #[error("not enough balance: {due_fen} fen due")]
    NotEnoughBalance { due_fen: i64 },
    /// The points cannot cover a payment; `due` is what is still missing.
    #[error("not enough points: {due} due")]
    NotEnoughPoints { due: i64 },

    // ---- proving who one is
    /// Wrong account or password (the same whether the account exists or not).
    #[error("wrong account or password")]
    BadLogin,
    /// A wrong pay password; `left` tries before the lock-out.
    #[error("wrong pay password, {left} tries left")]
    PayPasswordWrong { left: i64 },
    /// An SMS / e-mail code was wrong, used, expired or never sent (the sentence says which).
    #[error("code refused: {0}")]
    CodeWrong(Cow<'static, str>),
    /// WeChat replaced the session key the data was sealed with: log in again.
    #[error("WeChat session key is stale")]
    SessionStale,
    /// This WeChat user has no account yet.
    #[error("WeChat user not registered")]
    NotRegistered,
    /// Too many tries or sends; the sentence says how long to wait.
    #[error("rate limited: {0}")]
    RateLimited(Cow<'static, str>),

    // ---- content and files
    /// WeChat's content check found the text or picture risky; nothing was published.
    #[error("content is risky")]
    ContentRisky,
    /// A file larger than allowed (`what` names it, `limit` is the limit in words).
    #[error("{what} larger than {limit}")]
    TooLarge { what: &'static str, limit: String },
    /// The shop's file store is full.
    #[error("file store full ({limit})")]
    QuotaFull { limit: String },
    /// A file type the shop does not accept.
    #[error("file type {0} not accepted")]
    BadFileType(String),

    // ---- outside the shop
    /// WeChat (or a download) refused or failed; the sentence says what it answered.
    #[error("upstream: {0}")]
    Upstream(Cow<'static, str>),
    /// WeChat's 41030: the page of a mini-program code is not released.
    #[error("page {0} not released")]
    PageNotReleased(String),
    /// Needs a provider or setting the shop has not configured.
    #[error("unsupported: {0}")]
    Unsupported(Cow<'static, str>),

    // ---- the machine
    /// The database (or a worker pool) is saturated; retry.
    #[error("busy")]
    Busy,
    /// The store failed.
    #[error(transparent)]
    Db(db::Error),
    /// A bug or I/O failure; the details go to the log only.
    #[error("internal: {0}")]
    Internal(String),
}

impl Error {
    /// Shorthand for [`Error::Invalid`] with a rule said in words.
    pub fn invalid(field: &'static str, rule: impl Into<Cow<'static, str>>) -> Error {
        Error::Invalid { field: Field(field), rule: Rule::Said(rule.into()) }
    }

    /// Shorthand for a missing or empty field.
    pub fn missing(field: &'static str) -> Error {
        Error::Invalid { field: Field(field), rule: Rule::Required }
    }

    /// Shorthand for [`Error::Refused`].
    pub fn refused(why: impl Into<Cow<'static, str>>) -> Error {
        Error::Refused(why.into())
    }

    /// Shorthand for [`Error::Denied`].
    pub fn denied(why: impl Into<Cow<'static, str>>) -> Error {
        Error::Denied(why.into())
    }

    /// Shorthand for [`Error::Internal`].
    pub fn internal(detail: impl fmt::Display) -> Error {
        Error::Internal(detail.to_string())
    }

    /// Why, for a record that keeps it (a paid purpose not served): the rule's own sentence where
    /// the variant carries one, else what [`Display`](fmt::Display) says.
    pub fn reason(&self) -> String {
        match self {
            Error::Denied(why)
            | Error::Refused(why)
            | Error::CodeWrong(why)
            | Error::RateLimited(why)
            | Error::Upstream(why)
            | Error::Unsupported(why)
            | Error::Coupon(CouponRefusal::Unavailable(why)) => why.to_string(),
            other => other.to_string(),
        }
    }

    /// The same error with the field renamed: a shared check reports under the caller's field name.
    #[must_use]
    pub fn for_field(self, field: &'static str) -> Error {
        match self {
            Error::Invalid { rule, .. } => Error::Invalid { field: Field(field), rule },
            other => other,
        }
    }
}

impl From<db::Error> for Error {
    fn from(e: db::Error) -> Self {
        match e {
            db::Error::Unavailable => Error::Busy,
            other => Error::Db(other),
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Db(db::Error::Sqlite(e))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Internal(format!("io: {e}"))
    }
}

/// WeChat's refusals that mean the same whatever was asked; callers that know what they asked
/// (a page not released, a live room gone) match their own errcodes first.
impl From<WxError> for Error {
    fn from(e: WxError) -> Self {
        match e {
            WxError::Transport(t) => Error::Upstream(format!("微信服务暂时无法访问：{t}").into()),
            WxError::Api { errcode: -1, .. } => Error::Upstream("微信系统繁忙，请稍后再试".into()),
            WxError::Api { errcode: 40029 | 40163, .. } => {
                Error::invalid("code", "微信登录凭证无效或已被使用，请重新调用 wx.login")
            }
            WxError::Api { errcode: 45011, .. } => Error::RateLimited("操作太频繁，请稍后再试".into()),
            WxError::Api { errcode, errmsg } => {
                Error::Upstream(format!("微信返回错误 {errcode}：{errmsg}").into())
            }
            WxError::NotConfigured(what) => Error::Unsupported(format!("微信未配置：{what}").into()),
            WxError::Store { busy } => {
                Error::Upstream(format!("微信服务暂时无法访问：{}", machine_words(busy)).into())
            }
        }
    }
}

/// What the shop says when its own machine failed: busy (retry) or an internal failure.
pub fn machine_words(busy: bool) -> &'static str {
    if busy {
        "系统繁忙，请稍后再试"
    } else {
        "系统错误，请稍后再试"
    }
}

/// A field a rule checks, by its one name: the same camelCase word is the mini-program parameter,
/// the merchant API's JSON key and the console form's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Field(pub &'static str);

impl Field {
    pub fn name(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Which rule a value broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// Missing or empty.
    Required,
    /// Longer than this many characters.
    MaxChars(usize),
    /// Outside `min..=max`.
    Between { min: i64, max: i64 },
    /// A rule best said in the shop's words ("结束日期不能早于开始日期").
    Said(Cow<'static, str>),
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Required => f.write_str("不能为空"),
            Rule::MaxChars(n) => write!(f, "最多 {n} 个字"),
            Rule::Between { min, max } => write!(f, "应在 {min} 到 {max} 之间"),
            Rule::Said(text) => f.write_str(text),
        }
    }
}

/// A unique identity of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    Mobile,
    Username,
    Email,
}

/// Why a coupon cannot be taken or used now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CouponRefusal {
    /// Switched off, not started, in use, below its threshold, outside its scope (the sentence says).
    Unavailable(Cow<'static, str>),
    /// The shopper already holds as many as one shopper may.
    Limit(i64),
    /// Its validity has ended.
    Expired,
    /// Sold for money the balance cannot cover; `due_fen` is still due (paid by WeChat Pay).
    MustPay { due_fen: i64 },
}

/// The kinds of things a rule can look for and not find. Adapters name them in their own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Account,
    AccountWithMobile,
    AdPosition,
    Addition,
    Article,
    Banner,
    // cards
    Card,
    CardPassword,
    HeldCard,
    MemberCode,
    CartLine,
    Category,
    Comment,
    Coupon,
    Deposit,
    FreightTemplate,
    FriendlyLink,
    /// A distributor application (分销商申请).
    FxApplication,
    // partners and commission rules
    FxCommission,
    Goods,
    HeldMedia,
    Invoice,
    // bargain (kanjia)
    KanjiaSet,
    KanjiaJoin,
    // group buy (pingtuan)
    PingtuanSet,
    PingtuanTuan,
    Level,
    LevelPrice,
    LiveRoom,
    Notice,
    OpenRefund,
    Order,
    PaidWechatPayment,
    PayBill,
    Payment,
    PaymentOrder,
    PointsCode,
    Recipient,
    Refund,
    Review,
    Sharer,
    Shop,
    ShopperGoods,
    User,
    Video,
    WechatRefund,
    Withdrawal,
    WriteOffCode,
    // the templates' remaining pages
    ActivityPage,
    GameRound,
    StockWait,
}
