//! Every response field the two templates read from these answers is present (null where the
//! shop has nothing behind it): goodsv2 items, banners, goodsCategory, userDetail, live rooms
//! (/work/shared/api/fields.md lists them with the pages that read them).

use serde_json::Value;

use crate::support::*;

/// Fails naming every `fields` key that `item` lacks.
fn has_fields(what: &str, item: &Value, fields: &[&str]) {
    let missing: Vec<&&str> = fields.iter().filter(|f| item.get(**f).is_none()).collect();
    assert!(missing.is_empty(), "{what} lacks {missing:?}: {item}");
}

#[test]
fn the_fields_the_templates_read_are_answered() {
    let app = TestApp::with(|c| c.demo = true);
    let (_, token) = app.shopper("fields");

    let goods = app.post("/shop/shop/goods/list/v2", &[]);
    assert_code(&goods, 0);
    let item = &goods["data"]["result"][0];
    has_fields(
        "a goodsv2 item",
        item,
        &[
            "id",
            "name",
            "pic",
            "minPrice",
            "originalPrice",
            "minScore",
            "stores",
            "numberSells",
            "dateStart",
            "dateStartInt",
            "dateEnd",
            "dateEndInt",
            "gotScore",
            "gotScoreType",
            "supplyType",
            "yyId",
            "kanjia",
            "pingtuan",
            "miaosha",
            "propertyIds",
        ],
    );
    assert!(item["dateStart"].is_null() && item["dateEndInt"].is_null(), "no flash-sale times: null");
    assert_eq!(item["supplyType"], "");
    // 1 point per whole yuan in the demo: the price's integer part.
    let price = item["minPrice"].to_string();
    let whole = price.split('.').next().unwrap();
    assert_eq!(item["gotScore"].to_string(), whole, "1 point per whole yuan in the demo");
    let v1 = app.post("/shop/shop/goods/list", &[]);
    has_fields("a goods item", &v1["data"][0], &["gotScore", "dateEnd", "yyId"]);

    let banners = app.get("/shop/banner/list", &[("type", "index")]);
    has_fields("a banner", &banners["data"][0], &["picUrl", "title", "linkUrl", "pic", "tag"]);
    assert_eq!(banners["data"][0]["pic"], banners["data"][0]["picUrl"]);

    let cats = app.get("/shop/shop/goods/category/all", &[]);
    assert_code(&cats, 0);
    let all = cats["data"].as_array().unwrap();
    for c in all {
        has_fields("a category", c, &["id", "pid", "level", "type", "childs", "name", "icon"]);
        let want: Vec<&Value> = all.iter().filter(|x| x["pid"] == c["id"]).map(|x| &x["id"]).collect();
        let got: Vec<&Value> = c["childs"].as_array().unwrap().iter().map(|x| &x["id"]).collect();
        assert_eq!(got, want, "childs are the category's subcategories");
    }

    let me = app.get("/shop/user/detail", &[("token", &token)]);
    has_fields(
        "userDetail base",
        &me["data"]["base"],
        &["id", "nick", "mobile", "isSeller", "isTeamLeader", "teamId"],
    );

    let rooms = app.get("/shop/wx/live/rooms", &[]);
    assert_code(&rooms, 0);
    has_fields("a live room", &rooms["data"][0], &["roomid", "name", "start_time", "start_time_str"]);
    assert_eq!(rooms["data"][0]["start_time_str"].as_str().unwrap().len(), 19, "yyyy-MM-dd HH:mm:ss");
}
