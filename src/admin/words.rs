//! Words, not codes: the meaning of raw values the console would otherwise show the merchant
//! (banner types, sign-up sources, a payment's nextAction), the raw value kept beside it.

use crate::service::payment::Action;

/// A banner type: the two the shop templates ask for by name, anything else as typed.
pub fn banner_kind(kind: &str) -> String {
    match kind {
        "index" => "首页轮播（index）".into(),
        "start" => "启动页（start）".into(),
        "" => "未分类".into(),
        other => other.into(),
    }
}

/// How a shopper signed up.
pub fn sign_up_source(source: &str) -> String {
    match source {
        "wxapp" => "微信小程序".into(),
        "mobile" => "手机号注册".into(),
        "username" => "用户名注册".into(),
        "email" => "邮箱注册".into(),
        "" => "—".into(),
        other => other.into(),
    }
}

/// What a WeChat payment was for, from its nextAction.
pub fn pay_purpose(next_action: &str) -> String {
    match Action::parse(Some(next_action)) {
        Ok(Action::Recharge) => "余额充值".into(),
        Ok(Action::Orders(ids)) => {
            let ids: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
            format!("支付订单 {}", ids.join("、"))
        }
        Ok(Action::PayBill(_)) => "买单".into(),
        Ok(Action::Deposit(_)) => "押金".into(),
        Ok(Action::Level { price_id, .. }) => format!("购买会员等级（价格 #{price_id}）"),
        Ok(Action::Coupon { rule_id, .. }) => format!("购买优惠券（#{rule_id}）"),
        Ok(Action::FxBuy) => "购买分销商资格".into(),
        Ok(Action::TeamLeaderBuy) => "购买团队长".into(),
        Ok(Action::Card { card_id }) => format!("购买会员卡（#{card_id}）"),
        Err(_) => "无法识别的用途".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_values_read_as_words() {
        assert_eq!(banner_kind("index"), "首页轮播（index）");
        assert_eq!(banner_kind("promo"), "promo");
        assert_eq!(sign_up_source("wxapp"), "微信小程序");
        assert_eq!(pay_purpose(r#"{"type":0,"id":1}"#), "支付订单 #1");
        assert_eq!(pay_purpose(""), "余额充值");
        assert_eq!(pay_purpose("{"), "无法识别的用途");
    }
}
