//! The console's 运费模板 section and a goods' rules page, through HTTP like a browser.

use serde_json::json;

use crate::support::*;

#[test]
fn a_template_made_in_the_console_charges_in_the_shop_and_cannot_go_while_used() {
    let app = TestApp::with_key("freight-key-123");
    let mut b = Browser::staff(&app);
    b.get("/admin/freight").assert_has("还没有运费模板");
    let form = b.get("/admin/freight/new");
    form.assert_has("广东省");
    let csrf = form.csrf();
    let res = b.post(
        "/admin/freight/new",
        &[
            ("csrf", &csrf),
            ("name", "快递"),
            ("fee_type", "0"),
            ("fees.first_number", "1"),
            ("fees.first_amount", "8"),
            ("fees.add_number", "1"),
            ("fees.add_amount", "2.5"),
            ("regions[0].provinces", "440000"),
            ("regions[0].provinces", "450000"),
            ("regions[0].cities", ""),
            ("regions[0].fees.first_number", "1"),
            ("regions[0].fees.first_amount", "5"),
            ("regions[0].fees.add_number", "1"),
            ("regions[0].fees.add_amount", "1"),
            ("regions[1].cities", ""),
            ("free[0].min_amount", "99"),
            ("free[0].min_number", ""),
        ],
    );
    assert_eq!(res.status, 303, "{}", res.body);
    let list = b.get("/admin/freight");
    list.assert_has("快递").assert_has("1 条地区运费").assert_has("1 条包邮条件");
    let (_, all) = app.api("GET", "/freight-templates", None);
    let id = all[0]["id"].as_i64().unwrap();
    assert_eq!(all[0]["addAmount"], 2.5);
    assert_eq!(all[0]["regions"][0]["regionIds"], json!(["440000", "450000"]));
    assert_eq!(all[0]["freeRules"][0]["minAmount"], 99.0);
    let res = app
        .get("/shop/shop/goods/price/freight", &[("templateId", &id.to_string()), ("provinceId", "450000")]);
    assert_eq!(res["data"]["firstAmount"], 5.0);
    // The edit page shows what was saved, the chosen provinces selected.
    b.get(&format!("/admin/freight/{id}"))
        .assert_has("value=\"440000\" selected")
        .assert_has("value=\"99.00\"");
    // A bad fee comes back with the reason and the form kept.
    let res = b.post(
        &format!("/admin/freight/{id}"),
        &[
            ("csrf", &csrf),
            ("name", "快递改"),
            ("fee_type", "0"),
            ("fees.first_number", "0"),
            ("fees.first_amount", "8"),
            ("fees.add_number", "1"),
            ("fees.add_amount", "2"),
        ],
    );
    assert_eq!(res.status, 422);
    res.assert_has("默认运费的首件（首重）应为大于 0 的整数件数").assert_has("快递改");
    // In use: the delete is refused with the reason.
    let (_, g) = app.api("POST", "/goods", Some(&json!({"name": "包", "logisticsId": id})));
    b.get(&format!("/admin/freight/{id}/delete")).assert_has("确定要删除");
    let res = b.post(&format!("/admin/freight/{id}/delete"), &[("csrf", &csrf)]);
    assert_eq!(res.status, 303);
    b.get("/admin/freight").assert_has("1 个商品在用");
    app.api("DELETE", &format!("/goods/{}", g["id"]), None);
    let res = b.post(&format!("/admin/freight/{id}/delete"), &[("csrf", &csrf)]);
    assert_eq!(res.status, 303);
    b.get("/admin/freight").assert_has("运费模板已删除").assert_has("还没有运费模板");
}

#[test]
fn the_rules_page_saves_limits_tiers_and_additions() {
    let app = TestApp::with_key("freight-key-123");
    let (_, g) = app.api("POST", "/goods", Some(&json!({"name": "牛肉面", "minPrice": 18, "stores": 9})));
    let id = g["id"].as_i64().unwrap();
    let mut b = Browser::staff(&app);
    let page = b.get(&format!("/admin/goods/{id}/rules"));
    page.assert_has("牛肉面").assert_has("整个商品").assert_has("每单");
    let csrf = page.csrf();
    let path = format!("/admin/goods/{id}/rules");
    let res = b.post(
        &format!("{path}/limits"),
        &[
            ("csrf", &csrf),
            ("limits[0].sku", ""),
            ("limits[0].level", ""),
            ("limits[0].unit", "0"),
            ("limits[0].duration", "1"),
            ("limits[0].buy_numbers", "3"),
            ("limits[1].buy_numbers", ""),
        ],
    );
    assert_eq!((res.status, res.location()), (303, path.as_str()));
    let res = b.post(
        &format!("{path}/tiers"),
        &[("csrf", &csrf), ("tiers[0].sku", ""), ("tiers[0].number", "5"), ("tiers[0].price", "15")],
    );
    assert_eq!(res.status, 303);
    let res = b.post(
        &format!("{path}/additions"),
        &[
            ("csrf", &csrf),
            ("groups[0].name", "加料"),
            ("groups[0].multiple", "true"),
            ("groups[0].items", "鸡蛋 2\n牛肉 8.5\n香菜"),
        ],
    );
    assert_eq!(res.status, 303);
    b.get(&path).assert_has("已保存").assert_has("牛肉 8.50").assert_has("value=\"15.00\"");
    let limits = app.get("/shop/shop/goods/limitation", &[("goodsId", &id.to_string())]);
    assert_eq!(limits["data"][0]["buyNumbers"], 3);
    let adds = app.get("/shop/shop/goods/goodsAddition", &[("goodsId", &id.to_string())]);
    assert_eq!(adds["data"][0]["items"][1]["price"], 8.5);
    assert_eq!(adds["data"][0]["items"][2]["price"], 0.0);
    // A refusal comes back as a message on the page and changes nothing.
    let res = b.post(
        &format!("{path}/tiers"),
        &[("csrf", &csrf), ("tiers[0].number", "1"), ("tiers[0].price", "15")],
    );
    assert_eq!(res.status, 303);
    b.get(&path).assert_has("起购数量").assert_has("value=\"5\"");
    assert_eq!(b.get("/admin/goods/9999/rules").status, 404);
}
