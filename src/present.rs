//! What the shop shows to people, shared by the mini-program API, the console and the merchant API:
//! what things are called, the words for a state, and the base URL links are made with. Below the
//! adapters, above nothing but `service::error`.

use crate::service::error::{Entity, Identity};

/// What shoppers and the merchant call a kind of thing ("商品"), as in "商品不存在".
pub fn noun(e: Entity) -> &'static str {
    match e {
        Entity::Account => "该账号",
        Entity::AccountWithMobile => "该手机号的账号",
        Entity::AdPosition => "广告位",
        Entity::Addition => "合成规则",
        Entity::Article => "文章",
        Entity::Banner => "轮播图",
        Entity::Card => "会员卡",
        Entity::CardPassword => "卡密",
        Entity::HeldCard => "您的会员卡",
        Entity::MemberCode => "会员码（或已过期）",
        Entity::CartLine => "购物车商品",
        Entity::Category => "分类",
        Entity::Comment => "评论",
        Entity::Coupon => "优惠券",
        Entity::Deposit => "押金记录",
        Entity::FreightTemplate => "运费模板",
        Entity::FriendlyLink => "友情链接",
        Entity::Goods => "商品",
        Entity::HeldMedia => "待审核的媒体",
        Entity::Invoice => "发票",
        Entity::KanjiaSet => "砍价活动",
        Entity::KanjiaJoin => "砍价记录",
        // group buy (pingtuan)
        Entity::PingtuanSet => "拼团活动",
        Entity::PingtuanTuan => "拼团",
        Entity::Level => "会员等级",
        Entity::LevelPrice => "会员价格",
        Entity::LiveRoom => "直播间",
        Entity::Notice => "公告",
        Entity::OpenRefund => "处理中的售后申请",
        Entity::Order => "订单",
        Entity::PaidWechatPayment => "已支付的微信支付记录",
        Entity::PayBill => "买单记录",
        Entity::Payment => "支付记录",
        Entity::PaymentOrder => "支付单 out_trade_no",
        Entity::PointsCode => "积分券",
        Entity::Recipient => "受赠用户",
        Entity::Refund => "售后申请",
        Entity::Review => "评价",
        Entity::Sharer => "分享人",
        Entity::Shop => "门店",
        Entity::ShopperGoods => "用户发布的商品",
        Entity::User => "用户",
        Entity::Video => "视频",
        Entity::WechatRefund => "微信退款",
        Entity::Withdrawal => "提现记录",
        Entity::FxApplication => "分销商申请",
        Entity::FxCommission => "佣金记录",
        Entity::WriteOffCode => "核销码",
        // the templates' remaining pages
        Entity::ActivityPage => "活动",
        Entity::GameRound => "游戏记录",
        Entity::StockWait => "到货通知登记",
    }
}

/// What an identity is called when it is taken ("该手机号已被其他账号使用").
pub fn identity(i: Identity) -> &'static str {
    match i {
        Identity::Mobile => "该手机号",
        Identity::Username => "该用户名",
        Identity::Email => "该邮箱",
    }
}

/// The word for an article's status: 0 published, 1 awaiting review, anything else hidden.
pub fn article_status(status: i64) -> &'static str {
    match status {
        0 => "已发布",
        1 => "待审核",
        _ => "已隐藏",
    }
}

/// A membership term in the largest whole unit, as (count, unit code, unit word): 365 days →
/// (1, 2, "年"), 90 → (3, 1, "个月"), 7 → (7, 0, "天").
pub fn term(days: i64) -> (i64, i64, &'static str) {
    if days % 365 == 0 {
        (days / 365, 2, "年")
    } else if days % 30 == 0 {
        (days / 30, 1, "个月")
    } else {
        (days, 0, "天")
    }
}

/// The public base URL links are made with: the configured one, else the one the client used; and
/// whether answers built with it may be cached (always for the configured one, else only for the
/// first few hosts seen, see [`crate::cache::MAX_HOSTS`]). Each adapter reads it from the request
/// with the guard in `api::guards`.
pub struct BaseUrl(pub String, pub bool);

impl BaseUrl {
    /// `key` when answers for this base may be cached, else None (answer without the cache).
    pub fn cache_key(&self, key: String) -> Option<String> {
        self.1.then_some(key)
    }

    /// An absolute URL for a stored link: our own files are stored as "/uploads/…" (so a new
    /// domain never breaks them), links elsewhere are stored whole.
    pub fn absolute(&self, stored: &str) -> String {
        if stored.starts_with('/') {
            format!("{}{stored}", self.0)
        } else {
            stored.to_string()
        }
    }
}
