//! The demo CMS: two article categories, four articles, the 「关于我们」 page (key `about`) and a
//! feedback comment, so the templates' help, article and about pages have something to show.

use std::collections::HashMap;

use crate::db::cms::{self, ArticleFields, CategoryFields};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::cms::save_shop_article;

/// Adds the demo CMS in one transaction. `pics` maps a file name in static/demo to its stored link.
pub fn fill(db: &Db, pics: &HashMap<String, String>) -> Result<(), ApiError> {
    let tea = pics.get("goods-tea.png").cloned().unwrap_or_default();
    let honey = pics.get("goods-honey.png").cloned().unwrap_or_default();
    db.write_sync(|c| {
        let now = db::unix_now();
        let category = |name: &str, kind: &str, paixu: i64| {
            let f = CategoryFields {
                name: name.into(),
                kind: kind.into(),
                paixu,
                is_use: true,
                ext_json: "{}".into(),
                ..CategoryFields::default()
            };
            cms::insert_category(c, &f, now)
        };
        let help = category("帮助中心", "index", 0)?;
        let stories = category("茶园故事", "", 1)?;
        let articles = [
            (
                help,
                "如何下单和付款",
                "下单,付款",
                "<p>选好商品后点击「立即购买」，确认地址后用微信支付即可。</p>",
                "",
                0,
                false,
            ),
            (
                help,
                "退换货说明",
                "售后,退货",
                "<p>签收后 7 天内可申请无理由退货，请保持商品完好。</p>",
                "",
                1,
                false,
            ),
            (
                stories,
                "春茶采摘的一天",
                "绿茶,龙井",
                "<p>清明前，茶农凌晨五点上山采摘一芽一叶。</p>",
                tea.as_str(),
                0,
                true,
            ),
            (
                stories,
                "洋槐蜂蜜是怎样酿成的",
                "蜂蜜",
                "<p>五月槐花盛开，蜂农转场追花，一年只取一季。</p>",
                honey.as_str(),
                1,
                true,
            ),
        ];
        for (category_id, title, tags, content, pic, paixu, recommend) in articles {
            let f = ArticleFields {
                category_id: Some(category_id),
                title: title.into(),
                descript: title.into(),
                content: content.into(),
                pic: pic.into(),
                author: "小店".into(),
                tags: tags.into(),
                paixu,
                is_recommend: recommend,
                ..ArticleFields::default()
            };
            save_shop_article(c, None, f, now)?;
        }
        cms::save_page(
            c,
            "about",
            "关于我们",
            "<p>小店是一家卖好茶、好蜜和生活好物的小铺子。</p><p>客服电话：400-000-0000</p>",
            now,
        )?;
        Ok::<_, ApiError>(())
    })
}
