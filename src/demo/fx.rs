//! Demo distribution: on, two levels (10% and 5%), settled at receipt, the distributorship sold
//! for 1 yuan from the balance (fxBuy) so the whole flow runs in the sandbox, and a demo
//! distributor with a small team.

use crate::db::{self, Db};
use crate::error::ApiError;
use crate::settings::keys::fx as keys;

/// What the demo sets and adds.
pub fn fill(db: &Db) -> Result<(), ApiError> {
    db.write_sync(|c| {
        let now = db::unix_now();
        for (key, value) in [
            (keys::OPEN, "1"),
            (keys::LEVELS, "2"),
            (keys::PERCENT_1, "10"),
            (keys::PERCENT_2, "5"),
            (keys::FREEZE_DAYS, "0"),
            (keys::PRICE_FEN, "100"),
        ] {
            db::settings::set_setting(c, key, value)?;
        }
        // The templates show the three-level menus when this config value is 1.
        db::settings::put_config_value(c, "show_3_seller", "1", "显示分销中心菜单（模板读取）", now)?;
        let seller = db::user::insert_user(c, "分销达人小王", now)?;
        db::fx::add_seller(c, seller, "admin", now)?;
        let mut first = Vec::new();
        for nick in ["团队成员小李", "团队成员小张"] {
            let id = db::user::insert_user(c, nick, now)?;
            db::fx::set_referrer(c, id, seller)?;
            first.push(id);
        }
        if let Some(&lead) = first.first() {
            let id = db::user::insert_user(c, "二级成员小陈", now)?;
            db::fx::set_referrer(c, id, lead)?;
        }
        Ok::<_, ApiError>(())
    })
}
