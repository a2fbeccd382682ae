//! The common-host twins the templates call: growthLogsV2 and exchangeScoreToGrowthV2 (the growth
//! ledger and points turned into growth), cityV2 and districts (every city, every district).

use xiaodian::service::ledger::Account;
use xiaodian::service::points::keys;

use crate::support::*;

#[test]
fn growth_v2_pages_answer_the_growth_ledger_and_the_growth_gained() {
    let app = TestApp::new();
    let (uid, token) = app.shopper("小明");
    assert_code(&app.post("/shop/growthLog/logs", &[("token", &token)]), 700);
    app.credit(uid, Account::Score, 55);
    app.set_setting(keys::GROWTH_RATE, "10");
    let res = app.post("/shop/growthLog/exchange", &[("token", &token), ("deductionScore", "55")]);
    assert_code(&res, 0);
    assert_eq!(res["data"], 5, "the growth gained, as the template shows it");
    assert_eq!(app.account(uid).growth, 5);
    let logs = app.post("/shop/growthLog/logs", &[("token", &token), ("page", "1")]);
    assert_code(&logs, 0);
    let row = &logs["data"]["result"][0];
    assert_eq!((row["growth"].as_i64(), row["growthLeft"].as_i64()), (Some(5), Some(5)));
    assert!(row["typeStr"].is_string() && row["dateAdd"].is_string() && row["behavior"].is_number(), "{row}");

    let bad = app.post("/shop/growthLog/exchange", &[("token", &token), ("deductionScore", "abc")]);
    assert_code(&bad, 300);
    assert!(bad["msg"].as_str().unwrap().contains("deductionScore"));
    assert_code(&app.post("/shop/growthLog/exchange", &[("deductionScore", "5")]), 2000);
}

#[test]
fn city_v2_and_districts_list_every_city_and_district_with_its_parent() {
    let app = TestApp::new();
    let cities = app.get("/shop/region/city", &[]);
    assert_code(&cities, 0);
    let cities = cities["data"].as_array().unwrap();
    assert!(cities.len() > 300, "{}", cities.len());
    assert!(cities.iter().any(|c| c["id"] == "440300" && c["pid"] == "440000" && c["name"] == "深圳市"));
    assert!(cities.iter().all(|c| c["level"] == 2));
    let districts = app.get("/common/region/v2/districts", &[]);
    assert_code(&districts, 0);
    let districts = districts["data"].as_array().unwrap();
    assert!(districts.len() > 2000, "{}", districts.len());
    assert!(districts.iter().any(|d| d["id"] == "440305" && d["pid"] == "440300" && d["name"] == "南山区"));
}

#[test]
fn city_at_the_root_and_districts_v2_answer_the_same_lists() {
    let app = TestApp::new();
    assert_eq!(app.get("/common/region/v2/city", &[])["data"], app.get("/shop/region/city", &[])["data"]);
    let v2 = app.post("/shop/region/districts", &[]);
    assert_code(&v2, 0);
    assert_eq!(v2["data"], app.get("/common/region/v2/districts", &[])["data"]);
}
