//! The demo shop's marketing: the honey has an active bargain set and the rice bowls an active
//! group-buy set, so the template's goods page shows the 砍价 and 拼团 flows in the sandbox.

use crate::db::catalog::{self, MerchantGoodsFilter};
use crate::db::kanjia::SetFields;
use crate::db::{self, Db};
use crate::error::ApiError;

/// Adds the demo bargain set; runs after the demo catalogue exists.
pub fn fill(db: &Db) -> Result<(), ApiError> {
    db.write_sync(|c| {
        let now = db::unix_now();
        let (all, _) = catalog::merchant_goods(c, &MerchantGoodsFilter::default(), 0, 1000)?;
        let honey = all
            .iter()
            .find(|g| g.fields.name.contains("蜂蜜"))
            .ok_or_else(|| ApiError::Internal("demo goods “蜂蜜” is missing".into()))?;
        let set = SetFields {
            goods_id: honey.id,
            original_price: honey.fields.min_price,
            min_price: 1990,
            help_min: 200,
            help_max: 800,
            number: 100,
            date_end: now + 30 * 86_400,
        };
        crate::service::kanjia::create_set(c, &set, now)?;
        // group buy (pingtuan): groups of 3 at 55 元 for 24 hours; a failed group's money goes
        // back the way it was paid.
        let bowls = all
            .iter()
            .find(|g| g.fields.name.contains("饭碗"))
            .ok_or_else(|| ApiError::Internal("demo goods “饭碗” is missing".into()))?;
        let group = crate::db::pingtuan::SetFields {
            goods_id: bowls.id,
            price: 5500,
            sku_prices: Vec::new(),
            number_persion: 3,
            timeout_hours: 24,
            refund_type: crate::db::pingtuan::refund_type::WECHAT,
            date_end: now + 30 * 86_400,
        };
        crate::service::pingtuan::create_set(c, &group, now)?;
        Ok(())
    })
}
