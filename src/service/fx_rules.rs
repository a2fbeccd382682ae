//! Distribution rules the merchant sets beside the settings: per-goods percentages (with the
//! 100% check across levels and team shares), claw-back of settled commission after a refund,
//! and monthly sales targets.

use rusqlite::Connection;

use crate::db;
use crate::db::fx::{self as store, commission_status};
use crate::db::fx_reports::{self as reports, target_kind};
use crate::db::fx_rules::{self as rules_store, GoodsPercents};
use crate::money;
use crate::service::error::{Entity, Error, Result};
use crate::service::fx::FxRules;
use crate::service::ledger::{self, Account, Source};
use crate::service::partner::PartnerRules;

/// Checks settings about to be saved together with those in force: the percentages of the
/// levels in use, with the team shares and on every goods with its own percentages, may total
/// at most 100; the partner levels must exist. Called by service::site before any setting is
/// written.
pub fn check_settings(c: &Connection, pairs: &[(String, String)]) -> Result<()> {
    if !pairs.iter().any(|(k, _)| k.starts_with("fx") || k.starts_with("partner")) {
        return Ok(());
    }
    let mut all: std::collections::HashMap<String, String> =
        db::settings::all_settings(c)?.into_iter().collect();
    for (k, v) in pairs {
        all.insert(k.clone(), v.trim().to_string());
    }
    let fx = FxRules::from_lookup(|k| all.get(k).cloned());
    fx.check()?;
    let team = PartnerRules::from_lookup(|k| all.get(k).cloned());
    team.check_levels(c)?;
    let total = fx.total_on(None, team.shares());
    if total > 100 {
        return Err(Error::invalid(
            crate::settings::keys::partner::PERCENT_LEADER,
            format!("分销各级与团队长、合伙人佣金比例合计 {total}%，不能超过 100%"),
        ));
    }
    for (g, name) in rules_store::all_goods_percents(c)? {
        let total = fx.total_on(Some(&g), team.shares());
        if total > 100 {
            return Err(Error::invalid(
                crate::settings::keys::fx::PERCENT_1,
                format!("商品“{name}”的佣金比例合计将为 {total}%，不能超过 100%"),
            ));
        }
    }
    Ok(())
}

/// Sets (or, all None, removes) a goods' own percentages; refused when the levels in use with
/// the team shares would give away more than 100% of its lines.
pub fn set_goods_percents(c: &Connection, p: &GoodsPercents, now: i64) -> Result<()> {
    if db::catalog::goods(c, p.goods_id)?.is_none() {
        return Err(Error::NotFound(Entity::Goods));
    }
    for (i, v) in p.percents.iter().enumerate() {
        if v.is_some_and(|v| !(0..=100).contains(&v)) {
            let field = ["percent1", "percent2", "percent3"][i];
            return Err(Error::invalid(field, "应为 0 到 100 的整数"));
        }
    }
    let fx = FxRules::load(c)?;
    let team = PartnerRules::load(c)?;
    let total = fx.total_on(Some(p), team.shares());
    if total > 100 {
        return Err(Error::invalid("percent1", format!("各级与团队佣金比例合计 {total}%，不能超过 100%")));
    }
    rules_store::set_goods_percents(c, p, now)?;
    Ok(())
}

/// The merchant takes back `amount` (all that is left when None) of a settled commission whose
/// order was refunded: a negative ledger row (source fx_clawback) with the reason. The balance
/// (or points) may not go below zero: when the earner has spent it, the claw-back is refused
/// (40000 with what is missing) and nothing changes; the merchant may take back a smaller part.
pub fn claw_back(c: &Connection, id: i64, amount: Option<i64>, reason: &str) -> Result<store::Commission> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::missing("reason"));
    }
    if reason.chars().count() > 100 {
        return Err(Error::invalid("reason", "最多 100 个字"));
    }
    let m = store::commission_by_id(c, id)?.ok_or(Error::NotFound(Entity::FxCommission))?;
    if m.status != commission_status::SETTLED {
        return Err(Error::refused("只能扣回已结算的佣金（未结算的佣金在退款时已按比例取消）"));
    }
    if !rules_store::order_refunded(c, m.order_id)? {
        return Err(Error::refused("该订单没有退款，不能扣回佣金"));
    }
    let left = m.amount - m.cancelled - m.clawed;
    let take = amount.unwrap_or(left);
    if take <= 0 || take > left {
        return Err(Error::invalid("amount", format!("应在 1 到 {left} 之间（可扣回的剩余佣金）")));
    }
    if !rules_store::claw(c, id, take, reason)? {
        return Err(Error::refused("该佣金已被扣回"));
    }
    let account = if m.unit == 0 { Account::Balance } else { Account::Score };
    let what = if m.unit == 0 { format!("{} 元", money::format(take)) } else { format!("{take} 积分") };
    let text = format!("扣回订单 {} 的佣金 {what}：{reason}", m.order_number);
    ledger::post(c, m.user_id, account, -take, &text, Source::FxClawback, &id.to_string())?;
    store::commission_by_id(c, id)?.ok_or(Error::NotFound(Entity::FxCommission))
}

/// Sets a monthly sales target: a city's (`province_id`, `city_id` a city of that province) or,
/// with no ids, every distributor team's. `standard` fen per month, > 0.
pub fn set_target(c: &Connection, province_id: &str, city_id: &str, standard: i64, now: i64) -> Result<i64> {
    if standard <= 0 || standard > 100_000_000_000 {
        return Err(Error::invalid("standardSaleroom", "应为大于 0 的金额"));
    }
    let (kind, p, city) = if province_id.is_empty() && city_id.is_empty() {
        (target_kind::TEAM, "", "")
    } else {
        let regions = crate::regions::Regions::shared();
        if regions.get(province_id).is_none_or(|r| r.level != 1) {
            return Err(Error::invalid("provinceId", "不是省份编号"));
        }
        if regions.get(city_id).is_none_or(|r| r.level != 2 || r.pid != province_id) {
            return Err(Error::invalid("cityId", "不是该省的城市编号"));
        }
        (target_kind::CITY, province_id, city_id)
    };
    Ok(reports::set_target(c, kind, p, city, standard, now)?)
}
