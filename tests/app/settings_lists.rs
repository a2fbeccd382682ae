//! The merchant API's settings kept as lists: sign-in rewards, recharge bonuses, pay-bill discounts
//! and subscription-message mappings, replaced whole and read back by the shop's own API.

use serde_json::json;

use crate::support::*;

const KEY: &str = "settings-lists-key";

#[test]
fn sign_in_rules_are_replaced_whole_and_the_shop_pays_by_them() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let rules = json!({"items": [{"continuous": 3, "score": 30}, {"continuous": 1, "score": 5}]});
    let res = m.json("PUT", "/settings/sign-in-rules", &rules);
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body, json!({"items": [{"continuous": 1, "score": 5}, {"continuous": 3, "score": 30}]}));
    let shop = app.get("/shop/score/sign/rules", &[]);
    assert_code(&shop, 0);
    assert_eq!(shop["data"].as_array().map(Vec::len), Some(2), "{shop}");

    // A bad list changes nothing, and names its field.
    m.json("PUT", "/settings/sign-in-rules", &json!({"items": [{"continuous": 0, "score": 1}]}))
        .fails(422, Some("continuous"));
    m.json(
        "PUT",
        "/settings/sign-in-rules",
        &json!({"items": [{"continuous": 2, "score": 1}, {"continuous": 2, "score": 3}]}),
    )
    .fails(422, Some("continuous"));
    m.json("PUT", "/settings/sign-in-rules", &json!({"items": [{"continuous": 2}]}))
        .fails(422, Some("score"));
    assert_eq!(m.get("/settings/sign-in-rules").body["items"].as_array().map(Vec::len), Some(2));

    // An empty list turns sign-in off.
    assert_eq!(m.json("PUT", "/settings/sign-in-rules", &json!({"items": []})).body, json!({"items": []}));
    assert_code(&app.get("/shop/score/sign/rules", &[]), 700);
}

#[test]
fn recharge_and_pay_bill_rules_are_yuan_in_and_out_and_replace_the_old_ones() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let res = m.json(
        "PUT",
        "/settings/recharge-rules",
        &json!({"items": [{"confine": 100, "send": 10}, {"confine": 50.5, "send": 3}]}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        res.body["items"][0],
        json!({"confine": 50.5, "send": 3.0, "confineFen": 5050, "sendFen": 300})
    );
    let res = m.json("PUT", "/settings/recharge-rules", &json!({"items": [{"confine": 200, "send": 30}]}));
    assert_eq!(res.body["items"].as_array().map(Vec::len), Some(1), "the old rules are gone: {}", res.body);
    let shop = app.get("/shop/user/recharge/send/rule", &[]);
    assert_code(&shop, 0);
    assert_eq!(shop["data"][0]["confine"], 200.0);
    m.json("PUT", "/settings/recharge-rules", &json!({"items": [{"confine": 10, "send": 0}]}))
        .fails(422, Some("send"));
    m.json("PUT", "/settings/recharge-rules", &json!({"items": [{"confine": 10.001, "send": 1}]}))
        .fails(422, Some("confine"));
    assert_eq!(m.get("/settings/recharge-rules").body["items"][0]["confineFen"], 20000);

    let res =
        m.json("PUT", "/settings/pay-bill-discounts", &json!({"items": [{"consume": 100, "discounts": 8}]}));
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        res.body,
        json!({"items": [{"consume": 100.0, "discounts": 8.0, "consumeFen": 10000, "discountsFen": 800}]})
    );
    let shop = app.get("/shop/payBill/discounts", &[]);
    assert_eq!(shop["data"][0]["consume"], 100.0, "{shop}");
    // A discount not below its threshold is refused by the shop's rule; the old list stays.
    m.json(
        "PUT",
        "/settings/pay-bill-discounts",
        &json!({"items": [{"consume": 10, "discounts": 1}, {"consume": 20, "discounts": 20}]}),
    )
    .fails(422, Some("discounts"));
    assert_eq!(m.get("/settings/pay-bill-discounts").body["items"].as_array().map(Vec::len), Some(1));
}

#[test]
fn message_templates_list_every_event_and_map_one_at_a_time() {
    let app = TestApp::with_key(KEY);
    let m = Merchant::new(&app, KEY);
    let all = m.get("/settings/message-templates").body;
    let shipped = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "order_shipped")
        .expect("order_shipped listed");
    assert_eq!((shipped["templateId"].as_str(), shipped["label"].as_str()), (Some(""), Some("订单已发货")));
    assert!(shipped["sources"].as_array().unwrap().contains(&json!("express_number")));

    let body = json!({
        "templateId": "TPL_SHIP", "page": "/pages/order-details/index",
        "fields": [{"key": "character_string1", "label": "快递单号", "source": "express_number"},
                   {"key": "thing2", "label": "提示", "source": "text", "text": "您的包裹已发出"}],
    });
    let res = m.json("PUT", "/settings/message-templates/order_shipped", &body);
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        (res.body["templateId"].as_str(), res.body["page"].as_str()),
        (Some("TPL_SHIP"), Some("pages/order-details/index"))
    );
    assert_eq!(res.body["enabled"], true);
    assert_eq!(res.body["fields"][1]["text"], "您的包裹已发出");

    let wrong = json!({"templateId": "TPL", "fields": [{"key": "amount1", "source": "express_number"}]});
    m.json("PUT", "/settings/message-templates/order_shipped", &wrong).fails(422, Some("fields"));
    m.json("PUT", "/settings/message-templates/no_such_event", &body).fails(404, None);
    assert_eq!(m.get("/settings/message-templates").body.to_string().matches("TPL_SHIP").count(), 1);

    assert_eq!(m.delete("/settings/message-templates/order_shipped").status, 204);
    let all = m.get("/settings/message-templates").body;
    assert!(!all.to_string().contains("TPL_SHIP"), "{all}");
}
