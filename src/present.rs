//! Words the shop shows to people, shared by the mini-program API and the console: what things are
//! called. Below the adapters, above nothing but `service::error`.

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
        Entity::WriteOffCode => "核销码",
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
