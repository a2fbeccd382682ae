//! Activity pages (活动商城) as the console saves them: every field checked, id lists tidied.

use crate::db::activity_mall::ActivityPage;
use crate::service::error::{Error, Field, Result, Rule};

fn text(field: &'static str, v: &str, max: usize) -> Result<String> {
    let v = v.trim().to_string();
    if v.chars().count() > max {
        return Err(Error::Invalid { field: Field(field), rule: Rule::MaxChars(max) });
    }
    Ok(v)
}

/// "1, 2,3" → "1,2,3"; anything but positive ids is refused naming the field.
fn ids(field: &'static str, v: &str) -> Result<String> {
    let parts: Vec<&str> = v.split([',', '，']).map(str::trim).filter(|s| !s.is_empty()).collect();
    if parts.iter().any(|p| p.parse::<u32>().map_or(true, |n| n == 0)) {
        return Err(Error::invalid(field, "应为逗号分隔的正整数 id"));
    }
    Ok(parts.join(","))
}

/// The page with its fields checked and trimmed.
pub fn checked(p: &ActivityPage) -> Result<ActivityPage> {
    let title = text("title", &p.title, 100)?;
    if title.is_empty() {
        return Err(Error::missing("title"));
    }
    if !(0..=1).contains(&p.status) {
        return Err(Error::invalid("status", "应为 0（显示）或 1（隐藏）"));
    }
    Ok(ActivityPage {
        title,
        title_sub: text("titleSub", &p.title_sub, 200)?,
        date_start: text("dateStart", &p.date_start, 30)?,
        date_deadline: text("dateDeadline", &p.date_deadline, 30)?,
        address: text("address", &p.address, 200)?,
        banner_type: text("bannerType", &p.banner_type, 50)?,
        coupon_rule_ids: ids("couponRuleIds", &p.coupon_rule_ids)?,
        goods_ids: ids("goodsIds", &p.goods_ids)?,
        disclaimer_page_key: text("disclaimerPageKey", &p.disclaimer_page_key, 50)?,
        ..p.clone()
    })
}
