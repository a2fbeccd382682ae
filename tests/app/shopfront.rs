//! The shopper-facing extras around goods: favourites and the read side of reviews.

use xiaodian::db::catalog::{self};
use xiaodian::db::reputation::NewReputation;
use xiaodian::db::unix_now;
use xiaodian::error::ApiError;
use xiaodian::service::reputation::add_review;

use crate::support::*;

const FAV_ADD: &str = "/shop/shop/goods/fav/add";
const FAV_CHECK: &str = "/shop/shop/goods/fav/check";
const FAV_LIST: &str = "/shop/shop/goods/fav/list";
const FAV_LIST_V2: &str = "/shop/shop/goods/fav/list/v2";
const FAV_DELETE: &str = "/shop/shop/goods/fav/delete";
const REPUTATION: &str = "/shop/shop/goods/reputation";
const REPUTATION_V2: &str = "/shop/shop/goods/reputation/v2";
const DETAIL: &str = "/shop/shop/goods/detail";

fn goods(app: &TestApp, name: &str) -> i64 {
    app.goods().name(name).price(1000).stock(5).pic("/uploads/a.png").create()
}

fn review(
    app: &TestApp,
    goods_id: i64,
    user_id: i64,
    reputation: i64,
    remark: &str,
) -> Result<i64, ApiError> {
    let r = NewReputation {
        goods_id,
        user_id,
        reputation,
        stars: 5,
        remark: remark.into(),
        pics: vec!["/uploads/r.png".into()],
        ..NewReputation::default()
    };
    app.db.write_sync(|c| add_review(c, &r, unix_now())).map_err(ApiError::from)
}

fn number_fav(app: &TestApp, goods_id: i64) -> i64 {
    app.get(DETAIL, &[("id", &goods_id.to_string())])["data"]["basicInfo"]["numberFav"].as_i64().unwrap()
}

#[test]
fn a_favourite_is_added_once_checked_listed_and_deleted() {
    let app = TestApp::new();
    let (_, token) = app.shopper("阿丽");
    let tea = goods(&app, "龙井茶").to_string();
    let cup = goods(&app, "茶杯").to_string();

    assert_code(&app.get(FAV_CHECK, &[("token", &token), ("goodsId", &tea)]), -1);
    assert_code(&app.post(FAV_ADD, &[("token", &token), ("goodsId", &tea)]), 0);
    assert_code(&app.post(FAV_ADD, &[("token", &token), ("goodsId", &tea)]), 0);
    assert_code(&app.post(FAV_ADD, &[("token", &token), ("goodsId", &cup)]), 0);
    assert_code(&app.get(FAV_CHECK, &[("token", &token), ("goodsId", &tea)]), 0);
    assert_eq!(number_fav(&app, tea.parse().unwrap()), 1);

    let list = app.post(FAV_LIST, &[("token", &token)]);
    assert_code(&list, 0);
    let items = list["data"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["goodsName"], "茶杯", "newest first");
    assert_eq!(items[1]["goodsId"].as_i64().unwrap().to_string(), tea);
    assert_eq!(items[1]["type"], 0);
    assert!(items[1]["pic"].as_str().unwrap().starts_with("http"));

    let v2 = app.post(FAV_LIST_V2, &[("token", &token), ("nameLike", "龙井"), ("pageSize", "1")]);
    assert_code(&v2, 0);
    assert_eq!(v2["data"]["totalRow"], 1);
    assert_eq!(v2["data"]["result"][0]["goodsName"], "龙井茶");

    let fav_id = items[0]["id"].as_i64().unwrap().to_string();
    assert_code(&app.post(FAV_DELETE, &[("token", &token), ("id", &fav_id), ("goodsId", "")]), 0);
    assert_code(&app.post(FAV_DELETE, &[("token", &token), ("id", ""), ("goodsId", &tea)]), 0);
    assert_eq!(number_fav(&app, tea.parse().unwrap()), 0);
    assert_code(&app.get(FAV_CHECK, &[("token", &token), ("goodsId", &tea)]), -1);
    assert_code(&app.post(FAV_LIST, &[("token", &token)]), 700);
    assert_code(&app.post(FAV_LIST_V2, &[("token", &token)]), 700);
}

#[test]
fn favourites_belong_to_their_shopper_and_need_real_goods() {
    let app = TestApp::new();
    let (_, alice) = app.shopper("阿丽");
    let (_, bob) = app.shopper("阿波");
    let tea = goods(&app, "龙井茶").to_string();
    assert_code(&app.post(FAV_ADD, &[("token", &alice), ("goodsId", &tea)]), 0);

    assert_code(&app.get(FAV_CHECK, &[("token", &bob), ("goodsId", &tea)]), -1);
    assert_code(&app.post(FAV_DELETE, &[("token", &bob), ("goodsId", &tea)]), 404);
    assert_code(&app.post(FAV_LIST, &[("token", &bob)]), 700);
    assert_code(&app.post(FAV_ADD, &[("goodsId", &tea)]), 2000);
    assert_code(&app.post(FAV_ADD, &[("token", "nope"), ("goodsId", &tea)]), 2000);

    let missing = app.post(FAV_ADD, &[("token", &alice)]);
    assert_code(&missing, 300);
    assert!(missing["msg"].as_str().unwrap().contains("goodsId"));
    assert_code(&app.post(FAV_ADD, &[("token", &alice), ("goodsId", "abc")]), 300);
    assert_code(&app.post(FAV_ADD, &[("token", &alice), ("goodsId", "99999")]), 404);
    assert_code(&app.post(FAV_ADD, &[("token", &alice), ("goodsId", &tea), ("type", "1")]), 501);
    assert_code(&app.post(FAV_DELETE, &[("token", &alice)]), 300);

    let id: i64 = tea.parse().unwrap();
    app.write(|c| catalog::set_goods_status(c, id, 1, unix_now()));
    let off = app.post(FAV_ADD, &[("token", &bob), ("goodsId", &tea)]);
    assert_code(&off, 404);
    assert!(off["msg"].as_str().unwrap().contains("下架"));
}

#[test]
fn reviews_are_paged_with_the_reviewer_and_hidden_ones_are_not_shown() {
    let app = TestApp::new();
    let tea = goods(&app, "龙井茶");
    let (alice, _) = app.shopper("阿丽");
    let (bob, _) = app.shopper("阿波");
    let t = tea.to_string();
    assert_code(&app.post(REPUTATION, &[("goodsId", &t)]), 700);
    assert_code(&app.post(REPUTATION_V2, &[("goodsId", &t)]), 700);

    review(&app, tea, alice, 2, "很香").unwrap();
    let second = review(&app, tea, bob, 0, "太苦").unwrap();
    review(&app, tea, bob, 1, "一般").unwrap();

    let v1 = app.post(REPUTATION, &[("goodsId", &t)]);
    assert_code(&v1, 0);
    let items = v1["data"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[2]["goods"]["goodReputationRemark"], "很香");
    assert_eq!(items[2]["goods"]["goodReputation"], 2);
    assert_eq!(items[2]["goods"]["goodReputationStr"], "好评");
    assert_eq!(items[2]["user"]["nick"], "阿丽");
    assert_eq!(items[2]["user"]["id"], alice);
    assert!(items[2]["reputationPics"][0]["pic"].as_str().unwrap().ends_with("/uploads/r.png"));
    assert!(!items[2]["goods"]["dateReputation"].as_str().unwrap().is_empty());

    let page2 = app.post(REPUTATION_V2, &[("goodsId", &t), ("page", "2"), ("pageSize", "2")]);
    assert_code(&page2, 0);
    assert_eq!(page2["data"]["totalRow"], 3);
    assert_eq!(page2["data"]["totalPage"], 2);
    assert_eq!(page2["data"]["result"][0]["goods"]["goodReputationRemark"], "很香");

    let info = app.get(DETAIL, &[("id", &t)])["data"]["basicInfo"].clone();
    assert_eq!(info["numberReputation"], 3);
    assert_eq!(info["numberGoodReputation"], 1);

    app.write(|c| xiaodian::db::reputation::set_status(c, second, 1));
    assert_eq!(app.post(REPUTATION_V2, &[("goodsId", &t)])["data"]["totalRow"], 2);
    assert_eq!(app.get(DETAIL, &[("id", &t)])["data"]["basicInfo"]["numberReputation"], 2);

    assert_code(&app.post(REPUTATION, &[]), 300);
    assert_code(&app.post(REPUTATION_V2, &[("goodsId", &t), ("pageSize", "0")]), 300);
}

#[test]
fn a_review_is_checked_before_it_is_stored() {
    let app = TestApp::new();
    let tea = goods(&app, "龙井茶");
    let (alice, _) = app.shopper("阿丽");
    assert!(matches!(review(&app, tea, alice, 3, "x"), Err(ApiError::Invalid { name: "reputation", .. })));
    assert!(matches!(review(&app, 99999, alice, 2, "x"), Err(ApiError::NotFound(_))));
    let line = NewReputation {
        order_goods_id: Some(7),
        goods_id: tea,
        user_id: alice,
        reputation: 2,
        stars: 4,
        ..NewReputation::default()
    };
    app.write(|c| add_review(c, &line, unix_now()));
    let twice = app.db.write_sync(|c| add_review(c, &line, unix_now())).map_err(ApiError::from);
    assert!(matches!(twice, Err(ApiError::Forbidden(_))));
    let bad_stars = NewReputation { stars: 0, order_goods_id: None, ..line };
    assert!(matches!(
        app.db.write_sync(|c| add_review(c, &bad_stars, unix_now())).map_err(ApiError::from),
        Err(ApiError::Invalid { name: "stars", .. })
    ));
}

const SHOPS: &str = "/shop/shop/subshop/list";
const SHOPS_V2: &str = "/shop/shop/subshop/list/v2";
const SHOP: &str = "/shop/shop/subshop/detail/v2";
const SHOP_APPLY: &str = "/shop/shop/subshop/apply";
const MY_SHOPS: &str = "/shop/shop/subshop/my";
const PICK_POINTS: &str = "/shop/shop/subshop/pickPoints";

fn shop(app: &TestApp, name: &str, city: &str, at: Option<(f64, f64)>, pick_point: bool) -> i64 {
    use xiaodian::db::shops::{self, ShopFields};
    let f = ShopFields {
        name: name.into(),
        city_id: city.into(),
        address: format!("{name}地址"),
        link_phone: "0571-88888888".into(),
        latitude: at.map(|a| a.0),
        longitude: at.map(|a| a.1),
        is_pick_point: pick_point,
        ext_json: "{\"停车\":\"免费\"}".into(),
        ..ShopFields::default()
    };
    app.write(|c| shops::insert(c, &f, None, shops::OPEN, unix_now()))
}

const HANGZHOU: &str = "330100000000";

#[test]
fn shops_are_listed_nearest_first_with_the_distance_in_km() {
    let app = TestApp::new();
    // West Lake, Hangzhou East station, Shanghai People's Square.
    shop(&app, "上海店", "310100000000", Some((31.2304, 121.4737)), false);
    shop(&app, "东站店", HANGZHOU, Some((30.2906, 120.2126)), true);
    shop(&app, "西湖店", HANGZHOU, Some((30.2590, 120.1300)), false);
    shop(&app, "无坐标店", HANGZHOU, None, false);
    let here = [("curlatitude", "30.2600"), ("curlongitude", "120.1310")];

    let res = app.post(SHOPS, &here);
    assert_code(&res, 0);
    let names: Vec<&str> =
        res["data"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["西湖店", "东站店", "上海店", "无坐标店"]);
    let near = res["data"][0]["distance"].as_f64().unwrap();
    assert!(near > 0.0 && near < 0.5, "{near}");
    let shanghai = res["data"][2]["distance"].as_f64().unwrap();
    assert!((150.0..190.0).contains(&shanghai), "{shanghai}");
    assert_eq!(res["data"][3]["distance"], 0.0);

    let hz = app.post(SHOPS_V2, &[here[0], here[1], ("cityId", HANGZHOU), ("pageSize", "2"), ("page", "2")]);
    assert_code(&hz, 0);
    assert_eq!(hz["data"]["totalRow"], 3);
    assert_eq!(hz["data"]["result"][0]["name"], "无坐标店");
    let by_name = app.post(SHOPS, &[("nameLike", "东站")]);
    assert_eq!(by_name["data"].as_array().unwrap().len(), 1);
    assert_code(&app.post(SHOPS, &[("nameLike", "北京")]), 700);

    let picks = app.post(PICK_POINTS, &here);
    assert_code(&picks, 0);
    assert_eq!(picks["data"]["totalRow"], 1);
    assert_eq!(picks["data"]["result"][0]["name"], "东站店");

    assert_code(&app.post(SHOPS, &[("curlatitude", "30")]), 300);
    assert_code(&app.post(SHOPS, &[("curlatitude", "91"), ("curlongitude", "120")]), 300);
    assert_code(&app.post(SHOPS, &[("curlatitude", "abc"), ("curlongitude", "120")]), 300);
}

#[test]
fn a_shop_page_shows_an_open_shop_and_its_extension_fields() {
    let app = TestApp::new();
    let id = shop(&app, "西湖店", HANGZHOU, Some((30.2590, 120.1300)), false).to_string();
    let res = app.get(SHOP, &[("id", &id)]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["info"]["name"], "西湖店");
    assert_eq!(res["data"]["info"]["address"], "西湖店地址");
    assert_eq!(res["data"]["info"]["linkPhone"], "0571-88888888");
    assert_eq!(res["data"]["info"]["statusStr"], "正常");
    assert_eq!(res["data"]["extJson"]["停车"], "免费");
    assert_code(&app.get(SHOP, &[("id", "99999")]), 404);
    assert_code(&app.get(SHOP, &[]), 300);
}

#[test]
fn a_shoppers_application_waits_for_the_merchant() {
    use xiaodian::db::shops;
    let app = TestApp::new();
    let (_, token) = app.shopper("阿丽");
    assert_code(&app.get(MY_SHOPS, &[("token", &token)]), 700);
    let res = app.post(
        SHOP_APPLY,
        &[
            ("token", &token),
            ("name", "阿丽水果店"),
            ("address", "登云路 1 号"),
            ("latitude", "30.3"),
            ("longitude", "120.1"),
            ("status", "0"),
        ],
    );
    assert_code(&res, 0);
    assert_eq!(res["data"]["status"], 1);
    assert_eq!(res["data"]["statusStr"], "待审核");
    let id = res["data"]["id"].as_i64().unwrap();

    assert_code(&app.post(SHOPS, &[]), 700);
    assert_code(&app.get(SHOP, &[("id", &id.to_string())]), 404);
    let mine = app.get(MY_SHOPS, &[("token", &token)]);
    assert_code(&mine, 0);
    assert_eq!(mine["data"][0]["name"], "阿丽水果店");

    app.write(|c| shops::set_status(c, id, shops::OPEN, unix_now()));
    assert_eq!(app.post(SHOPS, &[])["data"][0]["name"], "阿丽水果店");

    assert_code(&app.post(SHOP_APPLY, &[("token", &token)]), 300);
    assert_code(&app.post(SHOP_APPLY, &[("token", &token), ("name", "x"), ("latitude", "100")]), 300);
    assert_code(&app.post(SHOP_APPLY, &[("token", &token), ("name", "x"), ("extJsonStr", "[1]")]), 300);
    assert_code(&app.post(SHOP_APPLY, &[("name", "x")]), 2000);
    assert_code(&app.get(MY_SHOPS, &[]), 2000);
    for _ in 0..5 {
        assert_code(&app.post(SHOP_APPLY, &[("token", &token), ("name", "又一家")]), 0);
    }
    assert_code(&app.post(SHOP_APPLY, &[("token", &token), ("name", "太多了")]), 403);
}
