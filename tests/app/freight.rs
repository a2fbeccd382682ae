//! Freight templates: made through the merchant API, answered by goodsPriceFreight and the goods
//! page's `logistics`, charged by service::freight::quote, and refused when bad or still in use.

use serde_json::{json, Value};
use xiaodian::service::freight::{quote, Destination, FreightLine};

use crate::support::*;

const KEY: &str = "freight-key-123";
const FREIGHT: &str = "/shop/shop/goods/price/freight";
const DETAIL: &str = "/shop/shop/goods/detail";

/// 8 元 for the first piece, 2 元 each further piece; 广东 5 元 + 1 元; free from 99 元, or from
/// 3 pieces in 上海.
fn template() -> Value {
    json!({
        "name": "全国快递",
        "feeType": 0,
        "firstNumber": 1, "firstAmount": 8, "addNumber": 1, "addAmount": 2,
        "regions": [
            {"regionIds": ["440000"], "firstNumber": 1, "firstAmount": 5, "addNumber": 1, "addAmount": 1},
            {"regionIds": ["440300"], "firstNumber": 2, "firstAmount": 3, "addNumber": 2, "addAmount": 1}
        ],
        "freeRules": [{"minAmount": 99}, {"regionIds": ["310000"], "minNumber": 3}]
    })
}

fn create_template(app: &TestApp, body: &Value) -> i64 {
    let (status, t) = app.api("POST", "/freight-templates", Some(body));
    assert_eq!(status, 201, "{t}");
    t["id"].as_i64().unwrap()
}

fn create_goods(app: &TestApp, name: &str, logistics_id: i64) -> i64 {
    let body =
        json!({"name": name, "minPrice": 30, "stores": 10, "weight": 500, "logisticsId": logistics_id});
    let (status, g) = app.api("POST", "/goods", Some(&body));
    assert_eq!(status, 201, "{g}");
    g["id"].as_i64().unwrap()
}

fn to(province: &str, city: &str) -> Destination {
    Destination { province_id: Some(province.into()), city_id: Some(city.into()), district_id: None }
}

fn line(template: Option<i64>, number: i64, amount: i64) -> FreightLine {
    FreightLine { logistics_id: template, number, unit_weight: 500, amount }
}

fn charge(app: &TestApp, lines: Vec<FreightLine>, dest: Destination) -> (i64, bool) {
    let q = app.query(move |c| quote(c, &lines, &dest));
    (q.amount, q.needs_logistics)
}

#[test]
fn a_template_round_trips_and_goods_point_at_it() {
    let app = TestApp::with_key(KEY);
    let id = create_template(&app, &template());
    let (status, t) = app.api("GET", &format!("/freight-templates/{id}"), None);
    assert_eq!(status, 200);
    assert_eq!(t["name"], "全国快递");
    assert_eq!(t["firstAmount"], 8.0);
    assert_eq!(t["regions"][1]["regionIds"], json!(["440300"]));
    assert_eq!(t["freeRules"][0]["minAmount"], 99.0);
    let goods = create_goods(&app, "帆布包", id);
    let (_, g) = app.api("GET", &format!("/goods/{goods}"), None);
    assert_eq!(g["logisticsId"], id);
    let (_, list) = app.api("GET", "/freight-templates", None);
    assert_eq!(list[0]["goodsCount"], 1);
}

#[test]
fn the_goods_page_shows_its_template_and_goods_without_one_show_none() {
    let app = TestApp::with_key(KEY);
    let id = create_template(&app, &template());
    let with = create_goods(&app, "帆布包", id);
    let without = create_goods(&app, "电子书", 0);
    let res = app.get(DETAIL, &[("id", &with.to_string())]);
    assert_code(&res, 0);
    let l = &res["data"]["logistics"];
    assert_eq!(l["isFree"], false);
    assert_eq!(l["feeType"], 0);
    assert_eq!(l["feeTypeStr"], "按件数");
    assert_eq!(l["details"][0]["firstAmount"], 8.0);
    assert_eq!(l["details"][0]["addAmount"], 2.0);
    assert_eq!(res["data"]["basicInfo"]["logisticsId"], id);
    let res = app.get(DETAIL, &[("id", &without.to_string())]);
    assert!(res["data"].get("logistics").is_none(), "{}", res["data"]);
    assert_eq!(res["data"]["basicInfo"]["logisticsId"], 0);
}

#[test]
fn price_freight_answers_the_fees_of_the_closest_region() {
    let app = TestApp::with_key(KEY);
    let id = create_template(&app, &template()).to_string();
    let ask = |extra: &[(&str, &str)]| {
        let mut q = vec![("templateId", id.as_str()), ("type", "0")];
        q.extend_from_slice(extra);
        app.get(FREIGHT, &q)
    };
    let res = ask(&[]);
    assert_code(&res, 0);
    assert_eq!(
        (res["data"]["firstNumber"].clone(), res["data"]["firstAmount"].clone()),
        (json!(1.0), json!(8.0))
    );
    let res = ask(&[("provinceId", "440000"), ("cityId", "440100")]);
    assert_eq!(res["data"]["firstAmount"], 5.0);
    let res = ask(&[("provinceId", "440000"), ("cityId", "440300"), ("districtId", "440305")]);
    assert_eq!(
        (res["data"]["firstNumber"].clone(), res["data"]["firstAmount"].clone()),
        (json!(2.0), json!(3.0))
    );
    assert_eq!(res["data"]["freeRules"][0]["minAmount"], 99.0);
}

#[test]
fn price_freight_refuses_bad_input_naming_it() {
    let app = TestApp::with_key(KEY);
    let id = create_template(&app, &template()).to_string();
    let res = app.get(FREIGHT, &[]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("templateId"));
    let res = app.get(FREIGHT, &[("templateId", "9999")]);
    assert_code(&res, 404);
    assert!(res["msg"].as_str().unwrap().contains("运费模板"));
    let res = app.get(FREIGHT, &[("templateId", &id), ("type", "1")]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("type"));
    let res = app.get(FREIGHT, &[("templateId", &id), ("provinceId", "广东")]);
    assert_code(&res, 300);
    assert!(res["msg"].as_str().unwrap().contains("provinceId"));
}

#[test]
fn the_quote_charges_per_template_with_region_fees_and_free_rules() {
    let app = TestApp::with_key(KEY);
    let t = Some(create_template(&app, &template()));
    // Default fees: 8 + 2 × 2.
    assert_eq!(charge(&app, vec![line(t, 3, 3000)], to("110000", "110100")), (1200, true));
    // Two lines of one template are charged together: 8 + 2 × 3.
    assert_eq!(charge(&app, vec![line(t, 2, 2000), line(t, 2, 2000)], to("110000", "110100")), (1400, true));
    // 广东: 5 + 1; 深圳 (closer): 3 for two, then 1 per two started.
    assert_eq!(charge(&app, vec![line(t, 2, 2000)], to("440000", "440100")), (600, true));
    assert_eq!(charge(&app, vec![line(t, 3, 3000)], to("440000", "440300")), (400, true));
    // Free from 99 元 anywhere; from 3 pieces in 上海 only.
    assert_eq!(charge(&app, vec![line(t, 1, 9900)], to("110000", "110100")), (0, true));
    assert_eq!(charge(&app, vec![line(t, 3, 3000)], to("310000", "310100")), (0, true));
    // No template: no delivery needed, no freight.
    assert_eq!(charge(&app, vec![line(None, 5, 500)], to("110000", "110100")), (0, false));
    assert_eq!(charge(&app, vec![line(None, 5, 500), line(t, 1, 100)], Destination::default()), (800, true));
}

#[test]
fn by_weight_templates_charge_per_started_step_and_free_templates_charge_nothing() {
    let app = TestApp::with_key(KEY);
    let heavy = json!({"name": "按重量", "feeType": 1, "firstNumber": 1, "firstAmount": 10,
                       "addNumber": 0.5, "addAmount": 3});
    let id = create_template(&app, &heavy);
    let t = Some(id);
    // 3 × 500 g = 1.5 kg: 10 + one started half kilo.
    assert_eq!(charge(&app, vec![line(t, 3, 3000)], to("110000", "110100")), (1300, true));
    let res = app.get(FREIGHT, &[("templateId", &id.to_string())]);
    assert_eq!(res["data"]["addNumber"], 0.5);
    assert_eq!(res["data"]["feeTypeStr"], "按重量");
    let free_id = create_template(&app, &json!({"name": "包邮", "isFree": true, "firstAmount": 10}));
    let free = Some(free_id);
    assert_eq!(charge(&app, vec![line(free, 9, 100)], to("110000", "110100")), (0, true));
    let res = app.get(FREIGHT, &[("templateId", &free_id.to_string())]);
    assert_eq!(
        (res["data"]["isFree"].clone(), res["data"]["firstAmount"].clone()),
        (json!(true), json!(0.0))
    );
}

#[test]
fn a_template_in_use_cannot_be_deleted_and_an_unused_one_can() {
    let app = TestApp::with_key(KEY);
    let id = create_template(&app, &template());
    let goods = create_goods(&app, "帆布包", id);
    let (status, body) = app.api("DELETE", &format!("/freight-templates/{id}"), None);
    assert_eq!(status, 409, "{body}");
    assert!(body["error"].as_str().unwrap().contains("1 个商品"), "{body}");
    let (status, _) = app.api("PUT", &format!("/goods/{goods}"), Some(&json!({"name": "帆布包"})));
    assert_eq!(status, 200);
    let (status, _) = app.api("DELETE", &format!("/freight-templates/{id}"), None);
    assert_eq!(status, 204);
    let (status, _) = app.api("GET", &format!("/freight-templates/{id}"), None);
    assert_eq!(status, 404);
    let (status, _) = app.api("DELETE", &format!("/freight-templates/{id}"), None);
    assert_eq!(status, 404);
}

#[test]
fn bad_templates_and_unknown_templates_on_goods_are_refused_naming_the_field() {
    let app = TestApp::with_key(KEY);
    let mut bad = template();
    bad["regions"][0]["regionIds"] = json!(["999999"]);
    let (status, body) = app.api("POST", "/freight-templates", Some(&bad));
    assert_eq!((status, body["field"].as_str()), (422, Some("regions")), "{body}");
    let mut district = template();
    district["regions"][0]["regionIds"] = json!(["440305"]);
    let (status, body) = app.api("POST", "/freight-templates", Some(&district));
    assert_eq!((status, body["field"].as_str()), (422, Some("regions")), "{body}");
    let (status, body) = app.api("POST", "/freight-templates", Some(&json!({"name": " "})));
    assert_eq!((status, body["field"].as_str()), (422, Some("name")), "{body}");
    let (status, body) =
        app.api("POST", "/freight-templates", Some(&json!({"name": "x", "firstNumber": 1.5})));
    assert_eq!((status, body["field"].as_str()), (422, Some("firstNumber")), "{body}");
    let (status, body) =
        app.api("POST", "/freight-templates", Some(&json!({"name": "x", "freeRules": [{"regionIds": []}]})));
    assert_eq!((status, body["field"].as_str()), (422, Some("freeRules")), "{body}");
    let (status, body) = app.api("POST", "/goods", Some(&json!({"name": "包", "logisticsId": 77})));
    assert_eq!((status, body["field"].as_str()), (422, Some("logisticsId")), "{body}");
    let (_, list) = app.api("GET", "/freight-templates", None);
    assert_eq!(list, json!([]));
    let (status, _) = app.api("PUT", "/freight-templates/42", Some(&template()));
    assert_eq!(status, 404);
}
