//! Monthly member benefits (每月赠送): a level may give its members points and coupons once per
//! shop-local month, granted by the member-levels job. Each grant is one transaction: the month
//! recorded, the points on the ledger, the coupons given; a month is never granted twice.

use rusqlite::Connection;

use crate::db::level_monthly::{self as store, Due, Monthly};
use crate::db::{self, coupons};
use crate::service::error::{Entity, Error, Result};
use crate::service::ledger::{self, Account, Source};

/// Most coupon rules a level gives each month.
const MAX_COUPONS: usize = 10;

/// The shop-local month of `now`, `YYYY-MM`.
pub fn month_of(now: i64) -> String {
    db::format_unix(now).chars().take(7).collect()
}

/// Checks and stores level `level_id`'s monthly benefits: points ≥ 0, existing coupon rules.
pub fn save(c: &Connection, level_id: i64, score: i64, coupon_rule_ids: &str, now: i64) -> Result<Monthly> {
    if crate::db::levels::level_by_id(c, level_id)?.is_none() {
        return Err(Error::NotFound(Entity::Level));
    }
    if !(0..=1_000_000).contains(&score) {
        return Err(Error::invalid("sendPerMonthScore", "应为 0 到 1000000 的整数"));
    }
    let mut ids = Vec::new();
    for part in coupon_rule_ids.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let id: i64 =
            part.parse().map_err(|_| Error::invalid("sendPerMonthCoupons", "应为优惠券编号，用逗号隔开"))?;
        if coupons::rule(c, id)?.is_none() {
            return Err(Error::invalid("sendPerMonthCoupons", format!("优惠券 {id} 不存在")));
        }
        ids.push(id.to_string());
    }
    if ids.len() > MAX_COUPONS {
        return Err(Error::invalid("sendPerMonthCoupons", format!("最多 {MAX_COUPONS} 种优惠券")));
    }
    let m = Monthly { score, coupon_rule_ids: ids.join(",") };
    store::put(c, level_id, &m, now)?;
    Ok(m)
}

/// Grants one member this month's benefits in the caller's transaction; false when granted already.
/// A coupon rule that gives nothing now (ended, deleted) is skipped, the rest are given.
pub fn grant(c: &Connection, due: &Due, now: i64) -> Result<bool> {
    let month = month_of(now);
    if !store::record_grant(c, due.user_id, &month, due.level_id, now)? {
        return Ok(false);
    }
    let why = format!("{}会员 {month} 月度赠送", due.level_name);
    let source_id = format!("{}:{month}", due.level_id);
    ledger::post(c, due.user_id, Account::Score, due.monthly.score, &why, Source::MemberMonthly, &source_id)?;
    for id in due.monthly.coupon_rule_ids.split(',').filter_map(|s| s.parse::<i64>().ok()) {
        let Some(rule) = coupons::rule(c, id)? else { continue };
        match crate::service::coupons::grant(c, &rule, due.user_id, "member_monthly", now) {
            Ok(_) | Err(Error::Coupon(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}
