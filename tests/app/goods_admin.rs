//! The merchant's side of the catalogue through the merchant API: categories and goods round
//! trips that the shop answers at once, stock per SKU, shelf moves, the SKU matrix kept across
//! edits, and refusals that name the field and write nothing.

use serde_json::{json, Value};

use crate::support::*;

const KEY: &str = "goods-key-123";
const DETAIL: &str = "/shop/shop/goods/detail";

fn detail(app: &TestApp, id: i64) -> Value {
    app.get(DETAIL, &[("id", &id.to_string())])
}

fn shirt() -> Value {
    json!({
        "name": "纯棉T恤",
        "characteristic": "透气",
        "content": "<p>好衣服</p><script>alert(1)</script>",
        "pics": ["https://example.com/a.png", "https://example.com/b.png"],
        "minPrice": 59.9,
        "properties": [{"name": "颜色", "values": ["白", "黑"]}, {"name": "尺码", "values": ["M", "L"]}],
        "skuList": [
            {"values": ["白", "M"], "price": 59.9, "stores": 3},
            {"values": ["白", "L"], "price": 69.9, "stores": 4},
            {"values": ["黑", "M"], "price": 59.9, "stores": 5},
            {"values": ["黑", "L"], "price": 79.0, "stores": 6}
        ]
    })
}

#[test]
fn calls_without_the_key_get_401() {
    let app = TestApp::with_key(KEY);
    for (method, path) in [("GET", "/goods"), ("GET", "/categories"), ("POST", "/goods/1/on-shelf")] {
        let res = Merchant::with_header(&app, None).call(method, path, None).pair();
        assert_eq!(res.0, 401, "{method} {path}");
        let res = app.merchant("wrong").call(method, path, None).pair();
        assert_eq!(res.0, 401, "{method} {path}");
    }
}

#[test]
fn categories_round_trip_and_moving_one_relevels_its_subtree() {
    let app = TestApp::with_key(KEY);
    let (s, top) = app.api("POST", "/categories", Some(&json!({"name": "服装"})));
    assert_eq!(s, 201, "{top}");
    let top_id = top["id"].as_i64().unwrap();
    let (_, other) = app.api("POST", "/categories", Some(&json!({"name": "食品"})));
    let other_id = other["id"].as_i64().unwrap();
    let (_, mid) = app.api("POST", "/categories", Some(&json!({"name": "上衣", "pid": top_id})));
    let mid_id = mid["id"].as_i64().unwrap();
    assert_eq!(mid["level"], 2);
    let (_, leaf) = app.api("POST", "/categories", Some(&json!({"name": "T恤", "pid": mid_id})));
    let leaf_id = leaf["id"].as_i64().unwrap();
    assert_eq!(leaf["level"], 3);

    // Move 上衣 (with T恤) to the top: both levels follow.
    let (s, moved) =
        app.api("PUT", &format!("/categories/{mid_id}"), Some(&json!({"name": "上衣", "pid": 0})));
    assert_eq!(s, 200, "{moved}");
    assert_eq!((moved["pid"].as_i64(), moved["level"].as_i64()), (Some(0), Some(1)));
    assert_eq!(app.api("GET", &format!("/categories/{leaf_id}"), None).1["level"], 2);
    // ...and under 食品: levels 2 and 3 again.
    app.api("PUT", &format!("/categories/{mid_id}"), Some(&json!({"name": "上衣", "pid": other_id})));
    assert_eq!(app.api("GET", &format!("/categories/{leaf_id}"), None).1["level"], 3);
    // The shop sees the new tree at once.
    let all = app.get("/shop/shop/goods/category/all", &[]);
    assert_code(&all, 0);
    let leaf_in_shop = all["data"].as_array().unwrap().iter().find(|c| c["id"] == leaf_id).cloned().unwrap();
    assert_eq!(leaf_in_shop["level"], 3);

    // Under itself or its own child: refused, naming pid.
    refused(
        app.api("PUT", &format!("/categories/{mid_id}"), Some(&json!({"name": "上衣", "pid": leaf_id}))),
        422,
        Some("pid"),
    );
    refused(
        app.api("PUT", &format!("/categories/{mid_id}"), Some(&json!({"name": "上衣", "pid": mid_id}))),
        422,
        Some("pid"),
    );
    refused(app.api("POST", "/categories", Some(&json!({"name": ""}))), 422, Some("name"));
    refused(app.api("POST", "/categories", Some(&json!({"name": "x", "pid": 9999}))), 422, Some("pid"));
    refused(app.api("POST", "/categories", Some(&json!({"name": "x".repeat(51)}))), 422, Some("name"));

    // A category with children cannot be deleted; a leaf can.
    refused(app.api("DELETE", &format!("/categories/{mid_id}"), None), 409, None);
    assert_eq!(app.api("DELETE", &format!("/categories/{leaf_id}"), None).0, 204);
    assert_eq!(app.api("DELETE", &format!("/categories/{mid_id}"), None).0, 204);
    refused(app.api("GET", &format!("/categories/{mid_id}"), None), 404, None);
    let _ = top_id;
}

#[test]
fn goods_with_specs_are_created_edited_and_shown_by_the_shop_at_once() {
    let app = TestApp::with_key(KEY);
    let (_, cat) = app.api("POST", "/categories", Some(&json!({"name": "服装"})));
    let cat_id = cat["id"].as_i64().unwrap();
    let mut body = shirt();
    body["categoryId"] = json!(cat_id);
    let (s, g) = app.api("POST", "/goods", Some(&body));
    assert_eq!(s, 201, "{g}");
    let id = g["id"].as_i64().unwrap();
    assert_eq!(g["stores"], 18);
    assert_eq!(g["minPrice"], 59.9);
    assert_eq!(g["skuList"].as_array().unwrap().len(), 4);
    assert!(!g["content"].as_str().unwrap().contains("script"), "{}", g["content"]);
    assert_eq!(g["pic"], "https://example.com/a.png");

    // A category with goods cannot be deleted.
    refused(app.api("DELETE", &format!("/categories/{cat_id}"), None), 409, None);

    let d = detail(&app, id);
    assert_code(&d, 0);
    assert_eq!(d["data"]["basicInfo"]["name"], "纯棉T恤");
    assert_eq!(d["data"]["basicInfo"]["stores"], 18);

    // Rename, raise one SKU's price: the shop answers the new name and price, the search index too.
    // The body sends stock, so it says which version it was read at.
    let mut edit = body.clone();
    edit["version"] = g["version"].clone();
    edit["name"] = json!("有机棉T恤");
    edit["skuList"][3]["price"] = json!(99.5);
    let (s, g2) = app.api("PUT", &format!("/goods/{id}"), Some(&edit));
    assert_eq!(s, 200, "{g2}");
    let keys: Vec<&str> =
        g["skuList"].as_array().unwrap().iter().map(|s| s["propertyChildIds"].as_str().unwrap()).collect();
    let keys2: Vec<&str> =
        g2["skuList"].as_array().unwrap().iter().map(|s| s["propertyChildIds"].as_str().unwrap()).collect();
    assert_eq!(keys, keys2, "unchanged specs keep their SKU keys");
    let d = detail(&app, id);
    assert_eq!(d["data"]["basicInfo"]["name"], "有机棉T恤");
    let prices: Vec<f64> =
        d["data"]["skuList"].as_array().unwrap().iter().map(|s| s["price"].as_f64().unwrap()).collect();
    assert!(prices.contains(&99.5), "{prices:?}");
    let found = app.post("/shop/shop/goods/list", &[("nameLike", "有机棉")]);
    assert_code(&found, 0);
    assert_eq!(found["data"].as_array().unwrap().len(), 1, "{found}");
    assert_code(&app.post("/shop/shop/goods/list", &[("nameLike", "纯棉T恤")]), 700);

    // Off the shelf: the shop no longer shows it; back on: it does.
    assert_eq!(app.api("POST", &format!("/goods/{id}/off-shelf"), None).1["status"], 1);
    assert_code(&detail(&app, id), 404);
    assert_eq!(app.api("POST", &format!("/goods/{id}/on-shelf"), None).1["status"], 0);
    assert_code(&detail(&app, id), 0);

    // Listed with filters.
    let (_, list) = app.api("GET", &format!("/goods?categoryId={cat_id}&status=0&search=有机"), None);
    assert_eq!(list["total"], 1, "{list}");
    let (_, none) = app.api("GET", "/goods?status=1", None);
    assert_eq!(none["total"], 0, "{none}");

    // Deleted: gone from the API and the shop, with its SKUs.
    assert_eq!(app.api("DELETE", &format!("/goods/{id}"), None).0, 204);
    refused(app.api("GET", &format!("/goods/{id}"), None), 404, None);
    assert_code(&detail(&app, id), 404);
    assert_eq!(app.query(|c| c.query_row("SELECT count(*) FROM goods_skus", [], |r| r.get::<_, i64>(0))), 0);
}

#[test]
fn regenerating_the_sku_matrix_keeps_existing_prices_and_stock() {
    let app = TestApp::with_key(KEY);
    let (_, g) = app.api("POST", "/goods", Some(&shirt()));
    let id = g["id"].as_i64().unwrap();
    // Add a size and drop nothing; send no skuList: every combination is made.
    let mut edit = shirt();
    edit["properties"][1]["values"] = json!(["M", "L", "XL"]);
    edit.as_object_mut().unwrap().remove("skuList");
    let (s, g2) = app.api("PUT", &format!("/goods/{id}"), Some(&edit));
    assert_eq!(s, 200, "{g2}");
    let skus = g2["skuList"].as_array().unwrap();
    assert_eq!(skus.len(), 6, "{g2}");
    let by_name = |n: &str| skus.iter().find(|s| s["propertyChildNames"] == n).cloned().unwrap();
    assert_eq!(by_name("颜色:黑,尺码:L,")["price"], 79.0);
    assert_eq!(by_name("颜色:黑,尺码:L,")["stores"], 6);
    assert_eq!(by_name("颜色:白,尺码:XL,")["price"], 59.9);
    assert_eq!(by_name("颜色:白,尺码:XL,")["stores"], 0);
    assert_eq!(g2["stores"], 18);
    // Dropping 黑 removes its SKUs; the goods' stock follows.
    edit["properties"][0]["values"] = json!(["白"]);
    let (_, g3) = app.api("PUT", &format!("/goods/{id}"), Some(&edit));
    assert_eq!(g3["skuList"].as_array().unwrap().len(), 3, "{g3}");
    assert_eq!(g3["stores"], 7);
}

#[test]
fn stock_is_set_per_sku_or_for_the_goods() {
    let app = TestApp::with_key(KEY);
    let (_, g) = app.api("POST", "/goods", Some(&shirt()));
    let id = g["id"].as_i64().unwrap();
    let key = g["skuList"][0]["propertyChildIds"].as_str().unwrap().to_string();
    let path = format!("/goods/{id}/stock");
    let v = g["version"].clone();
    let (s, g2) = app.api(
        "PUT",
        &path,
        Some(&json!({"skus": [{"propertyChildIds": key, "stores": 100}], "version": v})),
    );
    assert_eq!(s, 200, "{g2}");
    assert_eq!(g2["stores"], 115);
    assert_eq!(detail(&app, id)["data"]["basicInfo"]["stores"], 115);
    // A key of another goods, a negative stock, or the goods-wide form: refused, nothing written.
    let v = g2["version"].clone();
    refused(
        app.api(
            "PUT",
            &path,
            Some(&json!({"skus": [{"propertyChildIds": "999:999,", "stores": 1}], "version": v})),
        ),
        422,
        Some("skus"),
    );
    refused(
        app.api(
            "PUT",
            &path,
            Some(&json!({"skus": [{"propertyChildIds": key, "stores": -1}], "version": v})),
        ),
        422,
        Some("skus"),
    );
    refused(app.api("PUT", &path, Some(&json!({"stores": 5, "version": v}))), 422, Some("stores"));
    refused(app.api("PUT", &path, Some(&json!({"stores": "many"}))), 422, Some("stores"));
    assert_eq!(app.api("GET", &format!("/goods/{id}"), None).1["stores"], 115);

    let (_, plain) = app.api("POST", "/goods", Some(&json!({"name": "茶杯", "minPrice": 12.5, "stores": 3})));
    let pid = plain["id"].as_i64().unwrap();
    let v = plain["version"].clone();
    let (_, p2) = app.api("PUT", &format!("/goods/{pid}/stock"), Some(&json!({"stores": 9, "version": v})));
    assert_eq!(p2["stores"], 9);
    assert_eq!(detail(&app, pid)["data"]["basicInfo"]["stores"], 9);
    refused(app.api("PUT", &format!("/goods/{pid}/stock"), Some(&json!({"skus": []}))), 422, Some("skus"));
    refused(app.api("PUT", "/goods/424242/stock", Some(&json!({"stores": 1, "version": 1}))), 404, None);
}

#[test]
fn inconsistent_goods_are_refused_naming_the_field_and_write_nothing() {
    let app = TestApp::with_key(KEY);
    let cases: Vec<(Value, &str)> = vec![
        (json!({"name": ""}), "name"),
        (json!({"name": "x".repeat(101)}), "name"),
        (json!({"name": "a", "minPrice": -1}), "minPrice"),
        (json!({"name": "a", "minPrice": 1.234}), "minPrice"),
        (json!({"name": "a", "stores": -2}), "stores"),
        (json!({"name": "a", "categoryId": 999}), "categoryId"),
        (json!({"name": "a", "minBuyNumber": 0}), "minBuyNumber"),
        (json!({"name": "a", "colour": "red"}), "colour"),
        (
            json!({"name": "a", "properties": [{"name": "颜色", "values": ["白"]}],
                "skuList": [{"values": ["黑"], "price": 1}]}),
            "skuList",
        ),
        (
            json!({"name": "a", "properties": [{"name": "颜色", "values": ["白"]}],
                "skuList": [{"values": ["白"], "price": 1, "stores": -1}]}),
            "skuList",
        ),
        (json!({"name": "a", "properties": [{"name": "颜色", "values": ["白", "白"]}]}), "properties"),
    ];
    for (body, field) in cases {
        refused(app.api("POST", "/goods", Some(&body)), 422, Some(field));
    }
    assert_eq!(app.query(|c| c.query_row("SELECT count(*) FROM goods", [], |r| r.get::<_, i64>(0))), 0);

    // An edit that would make a SKU inconsistent leaves the goods as it was.
    let (_, g) = app.api("POST", "/goods", Some(&shirt()));
    let id = g["id"].as_i64().unwrap();
    let mut bad = shirt();
    bad["version"] = g["version"].clone();
    bad["skuList"][0]["price"] = json!(-5);
    refused(app.api("PUT", &format!("/goods/{id}"), Some(&bad)), 422, Some("skuList"));
    bad["skuList"][0]["price"] = json!(1);
    bad["skuList"][0]["values"] = json!(["红", "M"]);
    bad["name"] = json!("改了");
    refused(app.api("PUT", &format!("/goods/{id}"), Some(&bad)), 422, Some("skuList"));
    let (_, same) = app.api("GET", &format!("/goods/{id}"), None);
    assert_eq!(same["name"], "纯棉T恤");
    assert_eq!(same["skuList"], g["skuList"]);
    let mut stranger = shirt();
    stranger["version"] = json!(1);
    refused(app.api("PUT", "/goods/424242", Some(&stranger)), 404, None);
    refused(app.api("DELETE", "/goods/424242", None), 404, None);
}

#[test]
fn the_goods_console_lists_filters_and_moves_goods_in_bulk() {
    let app = TestApp::with_key(KEY);
    let (_, cat) = app.api("POST", "/categories", Some(&json!({"name": "茶叶"})));
    let cat_id = cat["id"].as_i64().unwrap();
    let (_, tea) = app.api(
        "POST",
        "/goods",
        Some(&json!({"name": "西湖龙井", "categoryId": cat_id, "minPrice": 128.5, "stores": 5})),
    );
    let (_, cup) =
        app.api("POST", "/goods", Some(&json!({"name": "白瓷茶杯", "minPrice": 9.9, "stores": 2})));
    let (tea, cup) = (tea["id"].as_i64().unwrap().to_string(), cup["id"].as_i64().unwrap().to_string());

    let mut b = Browser::staff(&app);
    let page = b.get("/admin/goods");
    assert_eq!(page.status, 200);
    page.assert_has("西湖龙井").assert_has("白瓷茶杯").assert_has("128.50").assert_has("茶叶");
    let filtered = b.get(&format!("/admin/goods?category={cat_id}"));
    filtered.assert_has("西湖龙井");
    assert!(!filtered.body.contains("白瓷茶杯"));
    assert!(!b.get("/admin/goods?q=茶杯").body.contains("西湖龙井"));
    let csrf = page.csrf();

    // Without the session's token nothing moves.
    let forged = b.post("/admin/goods/bulk", &[("csrf", "x"), ("action", "off"), ("ids", &tea)]);
    assert_eq!(forged.status, 403);
    assert_code(&detail(&app, tea.parse().unwrap()), 0);

    // Both off the shelf at once: the shop stops showing them.
    let off =
        b.post("/admin/goods/bulk", &[("csrf", &csrf), ("action", "off"), ("ids", &tea), ("ids", &cup)]);
    assert_eq!((off.status, off.location()), (303, "/admin/goods"));
    assert_code(&detail(&app, tea.parse().unwrap()), 404);
    assert_code(&detail(&app, cup.parse().unwrap()), 404);
    b.get("/admin/goods?status=1").assert_has("西湖龙井").assert_has("白瓷茶杯");
    assert_eq!(b.post("/admin/goods/bulk", &[("csrf", &csrf), ("action", "on"), ("ids", &tea)]).status, 303);
    assert_code(&detail(&app, tea.parse().unwrap()), 0);

    // Delete asks first, and deletes only on confirmation.
    let confirm = b.post("/admin/goods/bulk", &[("csrf", &csrf), ("action", "delete"), ("ids", &cup)]);
    assert_eq!(confirm.status, 200);
    confirm.assert_has("白瓷茶杯").assert_has("确认删除");
    assert_eq!(app.api("GET", &format!("/goods/{cup}"), None).0, 200);
    assert_eq!(b.post("/admin/goods/bulk-delete", &[("csrf", "x"), ("ids", &cup)]).status, 403);
    assert_eq!(b.post("/admin/goods/bulk-delete", &[("csrf", &csrf), ("ids", &cup)]).status, 303);
    assert_eq!(app.api("GET", &format!("/goods/{cup}"), None).0, 404);
    // Nothing checked: a clear refusal, not a crash.
    assert_eq!(b.post("/admin/goods/bulk", &[("csrf", &csrf), ("action", "off")]).status, 400);
}

#[test]
fn the_category_console_adds_moves_and_refuses_to_delete_a_category_in_use() {
    let app = TestApp::with_key(KEY);
    let mut b = Browser::staff(&app);
    let form = b.get("/admin/categories/new");
    assert_eq!(form.status, 200);
    let csrf = form.csrf();
    let add = |b: &mut Browser, name: &str, pid: &str| {
        let fields = [
            ("csrf", csrf.as_str()),
            ("f.name", name),
            ("f.pid", pid),
            ("f.icon", ""),
            ("f.kind", ""),
            ("f.key", ""),
            ("f.paixu", "0"),
            ("f.is_use", "true"),
        ];
        b.post("/admin/categories/new", &fields)
    };
    assert_eq!(add(&mut b, "茶叶", "0").status, 303);
    assert_eq!(add(&mut b, "饮品", "0").status, 303);
    let id_of = |name: &str| {
        app.query(|c| {
            c.query_row("SELECT id FROM goods_categories WHERE name = ?1", [name], |r| r.get::<_, i64>(0))
        })
    };
    let (tea, drinks) = (id_of("茶叶"), id_of("饮品"));
    assert_eq!(add(&mut b, "绿茶", &tea.to_string()).status, 303);
    let green = id_of("绿茶");
    b.get("/admin/categories").assert_has("茶叶").assert_has("绿茶").assert_has("饮品");

    // An empty name, or a parent that is its own child: refused on the form, nothing changes.
    let bad = add(&mut b, "", "0");
    assert_eq!(bad.status, 422);
    bad.assert_has("名称");
    let under_child = b.post(
        &format!("/admin/categories/{tea}"),
        &[
            ("csrf", &csrf),
            ("f.name", "茶叶"),
            ("f.pid", &green.to_string()),
            ("f.icon", ""),
            ("f.kind", ""),
            ("f.key", ""),
            ("f.paixu", "0"),
        ],
    );
    assert_eq!(under_child.status, 422);
    under_child.assert_has("上级分类");
    // Without the session's token: refused, nothing written.
    let forged = b.post(
        "/admin/categories/new",
        &[("csrf", "x"), ("f.name", "假的"), ("f.pid", "0"), ("f.paixu", "0")],
    );
    assert_eq!(forged.status, 403);
    assert_eq!(
        app.query(|c| c.query_row("SELECT count(*) FROM goods_categories", [], |r| r.get::<_, i64>(0))),
        3
    );

    // Move 茶叶 (with 绿茶) under 饮品: levels follow, the shop sees it.
    let moved = b.post(
        &format!("/admin/categories/{tea}"),
        &[
            ("csrf", &csrf),
            ("f.name", "茶叶"),
            ("f.pid", &drinks.to_string()),
            ("f.icon", ""),
            ("f.kind", ""),
            ("f.key", ""),
            ("f.paixu", "0"),
            ("f.is_use", "true"),
        ],
    );
    assert_eq!(moved.status, 303, "{}", moved.body);
    assert_eq!(app.api("GET", &format!("/categories/{green}"), None).1["level"], 3);

    // In use: the deletion is refused saying why; an empty leaf goes after confirmation.
    b.get(&format!("/admin/categories/{tea}/delete")).assert_has("确认删除");
    let refused = b.post(&format!("/admin/categories/{tea}/delete"), &[("csrf", &csrf)]);
    assert_eq!(refused.status, 400);
    refused.assert_has("子分类");
    assert_eq!(b.post(&format!("/admin/categories/{green}/delete"), &[("csrf", &csrf)]).status, 303);
    assert_eq!(app.api("GET", &format!("/categories/{green}"), None).0, 404);
}
