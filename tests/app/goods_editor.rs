//! The console's goods editor through HTTP like a browser: every button posts the whole form
//! (as a browser would, from the fields on the page), so specs, the SKU matrix, pictures and
//! refusals are exercised the way a merchant uses them.

use serde_json::Value;

use crate::support::*;

const DETAIL: &str = "/shop/shop/goods/detail";

/// `press` with one picture file chosen in the gallery's file input.
fn press_with_file(b: &mut Browser, path: &str, page: &Page, action: &str, bytes: &[u8]) -> Page {
    let mut fields = form_fields(page);
    fields.push(("action".into(), action.into()));
    let form: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    b.post_file(path, &form, "photo.png", bytes)
}

fn png(r: u8, g: u8, b: u8) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(2, 2, image::Rgb([r, g, b]))
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

/// The shop's SKUs of a goods as (names, price, stores).
fn shop_skus(app: &TestApp, id: i64) -> Vec<(String, f64, i64)> {
    let d = app.get(DETAIL, &[("id", &id.to_string())]);
    assert_code(&d, 0);
    let mut skus: Vec<(String, f64, i64)> = d["data"]["skuList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s: &Value| {
            (
                s["propertyChildNames"].as_str().unwrap().to_string(),
                s["price"].as_f64().unwrap(),
                s["stores"].as_i64().unwrap(),
            )
        })
        .collect();
    skus.sort_by(|a, b| a.0.cmp(&b.0));
    skus
}

fn goods_count(app: &TestApp) -> i64 {
    app.query(|c| c.query_row("SELECT count(*) FROM goods", [], |r| r.get(0)))
}

#[test]
fn a_goods_with_two_specs_gets_its_sku_matrix_generated_and_priced_per_sku() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let new = b.get("/admin/goods/new");
    assert_eq!(new.status, 200);
    new.assert_has("新增商品").assert_has("生成规格组合");

    let typed = [
        ("f.name", "纯棉T恤"),
        ("specs[0].name", "颜色"),
        ("specs[0].values", "白，黑"),
        ("specs[1].name", "尺码"),
        ("specs[1].values", "M, L"),
    ];
    let table = press(&mut b, "/admin/goods/new", &new, &typed, "generate");
    assert_eq!(table.status, 200, "{}", table.body);
    table.assert_has("已生成 4 个规格组合").assert_has("白 / M").assert_has("黑 / L");
    assert_eq!(goods_count(&app), 0, "generating saves nothing");

    let mut prices = Vec::new();
    for (label, price, stores) in
        [("白 / M", "59.9", "3"), ("白 / L", "69", "4"), ("黑 / M", "59.90", "5"), ("黑 / L", "79.5", "6")]
    {
        let i = row_of(&table, label);
        prices.push((format!("skus[{i}].price"), price.to_string()));
        prices.push((format!("skus[{i}].stores"), stores.to_string()));
    }
    let typed: Vec<(&str, &str)> = prices.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let id = id_from(&press(&mut b, "/admin/goods/new", &table, &typed, "save"));
    assert_eq!(
        shop_skus(&app, id),
        vec![
            ("颜色:白,尺码:L,".to_string(), 69.0, 4),
            ("颜色:白,尺码:M,".to_string(), 59.9, 3),
            ("颜色:黑,尺码:L,".to_string(), 79.5, 6),
            ("颜色:黑,尺码:M,".to_string(), 59.9, 5),
        ]
    );
    let d = app.get(DETAIL, &[("id", &id.to_string())]);
    assert_eq!(
        (d["data"]["basicInfo"]["minPrice"].as_f64(), d["data"]["basicInfo"]["stores"].as_i64()),
        (Some(59.9), Some(18))
    );

    // A third colour: the matrix grows, the existing rows keep their prices and stock.
    let path = format!("/admin/goods/{id}");
    let edit = b.get(&path);
    edit.assert_has("纯棉T恤")
        .assert_has("限购 / 阶梯价 / 加购项")
        .assert_has(&format!("/admin/goods/{id}/calendar"));
    let grown = press(&mut b, &path, &edit, &[("specs[0].values", "白，黑，红")], "generate");
    grown.assert_has("已生成 6 个规格组合");
    assert_eq!(value_of(&grown, &format!("skus[{}].price", row_of(&grown, "白 / L"))), "69.00");
    assert_eq!(value_of(&grown, &format!("skus[{}].stores", row_of(&grown, "黑 / L"))), "6");
    // Saving with the new rows unpriced is refused, naming the row.
    let refused = press(&mut b, &path, &grown, &[], "save");
    assert_eq!(refused.status, 422);
    refused.assert_has("请填写规格「红 / M」的价格");
    let (m, l) = (row_of(&refused, "红 / M"), row_of(&refused, "红 / L"));
    let (pm, pl) = (format!("skus[{m}].price"), format!("skus[{l}].price"));
    let saved = press(&mut b, &path, &refused, &[(&pm, "49"), (&pl, "49")], "save");
    assert_eq!(id_from(&saved), id);
    let skus = shop_skus(&app, id);
    assert_eq!(skus.len(), 6);
    assert!(skus.contains(&("颜色:白,尺码:L,".to_string(), 69.0, 4)), "{skus:?}");
    assert!(skus.contains(&("颜色:红,尺码:M,".to_string(), 49.0, 0)), "{skus:?}");
}

/// Fields typed into the editor.
type Typed<'a> = &'a [(&'a str, &'a str)];

#[test]
fn inconsistent_edits_are_refused_with_a_message_and_what_was_typed_is_kept() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let new = b.get("/admin/goods/new");
    let cases: &[(Typed, &str, &str)] = &[
        (&[("f.price", "abc")], "save", "价格「abc」不是有效金额"),
        (&[("f.price", "-1")], "save", "价格「-1」不是有效金额"),
        (&[("f.price", "1.234")], "save", "不是有效金额"),
        (&[("f.price", "")], "save", "请填写价格"),
        (&[("f.price", "20"), ("f.original_price", "15")], "save", "原价（15.00）不能低于售价（20.00）"),
        (&[("f.price", "20"), ("f.stores", "-2")], "save", "库存不能为负数"),
        (&[("f.price", "20"), ("f.ext_json", "[1]")], "save", "扩展 JSON应为 JSON 对象"),
        (
            &[("specs[0].name", "颜色"), ("specs[0].values", "白,黑,白")],
            "generate",
            "规格「颜色」的规格值「白」重复了",
        ),
        (&[("specs[0].name", ""), ("specs[0].values", "白")], "generate", "还没有规格名"),
        (
            &[
                ("specs[0].name", "a"),
                ("specs[0].values", "1,2,3,4,5,6,7,8,9,10,11"),
                ("specs[1].name", "b"),
                ("specs[1].values", "1,2,3,4,5,6,7,8,9,10"),
                ("specs[2].name", "c"),
                ("specs[2].values", "1,2,3,4,5,6,7,8,9,10"),
            ],
            "generate",
            "规格组合最多 1000 个",
        ),
        // Specs typed but the table not generated: the old (empty) table does not fit them.
        (&[("specs[0].name", "颜色"), ("specs[0].values", "白")], "save", "请先点「生成规格组合」"),
    ];
    for (typed, action, message) in cases {
        let mut all = vec![("f.name", "龙井")];
        all.extend_from_slice(typed);
        let page = press(&mut b, "/admin/goods/new", &new, &all, action);
        assert_eq!(page.status, 422, "{typed:?}: {}", page.body);
        page.assert_has(message);
        for (name, value) in all.iter().filter(|(n, _)| !n.starts_with("specs[2]")) {
            assert_eq!(value_of(&page, name), *value, "{name} kept after {typed:?}");
        }
    }
    assert_eq!(goods_count(&app), 0);

    // A SKU priced below its original price, and a negative SKU stock, are refused too.
    let specs = [("f.name", "龙井"), ("specs[0].name", "规格"), ("specs[0].values", "50克,100克")];
    let table = press(&mut b, "/admin/goods/new", &new, &specs, "generate");
    let row = row_of(&table, "100克");
    let (p, o, s) =
        (format!("skus[{row}].price"), format!("skus[{row}].original_price"), format!("skus[{row}].stores"));
    let other = format!("skus[{}].price", row_of(&table, "50克"));
    let page = press(&mut b, "/admin/goods/new", &table, &[(&other, "30"), (&p, "60"), (&o, "50")], "save");
    assert_eq!(page.status, 422);
    page.assert_has("规格「100克」的原价（50.00）不能低于售价（60.00）");
    let page = press(&mut b, "/admin/goods/new", &table, &[(&other, "30"), (&p, "60"), (&s, "-1")], "save");
    page.assert_has("规格「100克」的库存不能为负数");
    assert_eq!(value_of(&page, &s), "-1");
    assert_eq!(goods_count(&app), 0);

    // An existing goods is left as it was.
    let ok = press(&mut b, "/admin/goods/new", &new, &[("f.name", "龙井"), ("f.price", "88")], "save");
    let id = id_from(&ok);
    let path = format!("/admin/goods/{id}");
    let edit = b.get(&path);
    assert_eq!(value_of(&edit, "f.price"), "88.00");
    let bad = press(&mut b, &path, &edit, &[("f.name", "改名"), ("f.original_price", "80")], "save");
    assert_eq!(bad.status, 422);
    let d = app.get(DETAIL, &[("id", &id.to_string())]);
    assert_eq!(
        (d["data"]["basicInfo"]["name"].as_str(), d["data"]["basicInfo"]["minPrice"].as_f64()),
        (Some("龙井"), Some(88.0))
    );
}

#[test]
fn pictures_are_uploaded_reordered_removed_and_the_first_is_the_main_picture() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let new = b.get("/admin/goods/new");
    let named = press(&mut b, "/admin/goods/new", &new, &[("f.name", "茶杯"), ("f.price", "9.9")], "upload");
    let one = press_with_file(&mut b, "/admin/goods/new", &named, "upload", &png(255, 0, 0));
    assert_eq!(one.status, 200, "{}", one.body);
    one.assert_has("已添加 1 张图片");
    let two = press_with_file(&mut b, "/admin/goods/new", &one, "upload", &png(0, 0, 255));
    let three =
        press(&mut b, "/admin/goods/new", &two, &[("pic_url", "https://example.com/c.png")], "upload");
    let pics = |p: &Page| -> Vec<String> {
        form_fields(p).into_iter().filter(|(n, _)| n == "pics").map(|(_, v)| v).collect()
    };
    let before = pics(&three);
    assert_eq!(before.len(), 3, "{}", three.body);
    assert!(
        before[0].starts_with("/uploads/") && before[1].starts_with("/uploads/") && before[0] != before[1]
    );
    assert_eq!(value_of(&three, "f.name"), "茶杯", "typed fields survive an upload");

    // Not a picture: refused with the reason, the gallery unchanged.
    let refused = press_with_file(&mut b, "/admin/goods/new", &three, "upload", b"just text");
    assert_eq!(refused.status, 422);
    refused.assert_has("只能上传 jpg、png、gif 或 webp 图片");
    assert_eq!(pics(&refused), before);

    // The second moves to the front, the URL one is removed.
    let moved = press(&mut b, "/admin/goods/new", &three, &[], "pic-up:1");
    assert_eq!(pics(&moved), vec![before[1].clone(), before[0].clone(), before[2].clone()]);
    let trimmed = press(&mut b, "/admin/goods/new", &moved, &[], "pic-remove:2");
    let id = id_from(&press(&mut b, "/admin/goods/new", &trimmed, &[], "save"));
    let d = app.get(DETAIL, &[("id", &id.to_string())]);
    let shown: Vec<&str> =
        d["data"]["pics"].as_array().unwrap().iter().map(|p| p["pic"].as_str().unwrap()).collect();
    assert_eq!(shown.len(), 2);
    assert!(shown[0].ends_with(&before[1]) && shown[1].ends_with(&before[0]), "{shown:?}");
    assert!(d["data"]["basicInfo"]["pic"].as_str().unwrap().ends_with(&before[1]));

    // Moving down on the stored goods changes the main picture.
    let path = format!("/admin/goods/{id}");
    let edit = b.get(&path);
    let down = press(&mut b, &path, &edit, &[], "pic-down:0");
    id_from(&press(&mut b, &path, &down, &[], "save"));
    let d = app.get(DETAIL, &[("id", &id.to_string())]);
    assert!(d["data"]["basicInfo"]["pic"].as_str().unwrap().ends_with(&before[0]));
}

#[test]
fn rich_content_is_sanitised_on_save_and_the_form_keeps_the_other_fields() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let new = b.get("/admin/goods/new");
    let typed = [
        ("f.name", "白茶"),
        ("f.price", "30"),
        ("f.content", "<p onclick=\"x()\">好茶</p><script>alert(1)</script>"),
        ("f.tags", "新品,包邮"),
        ("f.min_buy", "2"),
        ("f.ext_json", "{\"产地\": \"福鼎\"}"),
    ];
    let id = id_from(&press(&mut b, "/admin/goods/new", &new, &typed, "save"));
    let d = app.get(DETAIL, &[("id", &id.to_string())]);
    let content = d["data"]["content"].as_str().unwrap();
    assert!(
        content.contains("好茶") && !content.contains("script") && !content.contains("onclick"),
        "{content}"
    );
    assert_eq!(d["data"]["basicInfo"]["minBuyNumber"], 2);
    assert_eq!(d["data"]["extJson"]["产地"], "福鼎");
    let edit = b.get(&format!("/admin/goods/{id}"));
    assert_eq!(value_of(&edit, "f.tags"), "新品,包邮");
    edit.assert_has("预览");
}

/// A multipart body as a browser sends the editor: text fields, then file parts (an empty file
/// name is an input left empty).
fn browser_multipart(fields: &[(String, String)], files: &[(&str, &str, &[u8])]) -> (Vec<u8>, String) {
    let boundary = "----editor-boundary-5b1f";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    for (field, file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

#[test]
fn a_picture_uploaded_for_the_content_goes_in_at_the_cursor_and_empty_file_inputs_are_ignored() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let new = b.get("/admin/goods/new");
    let mut fields = form_fields(&new);
    for (name, value) in
        [("f.name", "红茶"), ("f.price", "12"), ("f.content", "<p>前文</p><p>后文</p>"), ("f.caret", "9")]
    {
        fields.iter_mut().find(|(n, _)| n == name).unwrap().1 = value.into();
    }
    fields.push(("action".into(), "content-image".into()));
    // Both file inputs as a browser sends them: the gallery's left empty, the content's chosen.
    let pic = png(10, 200, 10);
    let (body, ct) = browser_multipart(&fields, &[("file", "", b""), ("content_file", "tea.png", &pic)]);
    let page = b.post_body("/admin/goods/new", &ct, &body);
    assert_eq!(page.status, 200, "{}", page.body);
    page.assert_has("图片已插入详情");
    let content = value_of(&page, "f.content");
    assert!(content.starts_with("<p>前文</p><p><img src=\"/uploads/"), "{content}");
    assert!(content.ends_with("alt=\"\"></p><p>后文</p>"), "{content}");
    assert!(form_fields(&page).iter().all(|(n, _)| n != "pics"), "the empty gallery input added nothing");

    let id = id_from(&press(&mut b, "/admin/goods/new", &page, &[], "save"));
    let d = app.get(DETAIL, &[("id", &id.to_string())]);
    assert!(d["data"]["content"].as_str().unwrap().contains("<img src=\""), "{d}");
}

#[test]
fn the_editor_sets_and_clears_the_goods_freight_template() {
    let app = TestApp::new();
    let tid = app.freight_template("全国快递", 0, 0);
    let mut b = Browser::staff(&app);
    let new = b.get("/admin/goods/new");
    new.assert_has("全国快递").assert_has("无需物流（虚拟商品或服务，下单不填收货地址）");
    let typed =
        [("f.name", "运费测试"), ("f.price", "10"), ("f.stores", "5"), ("f.logistics", &tid.to_string())];
    let id = id_from(&press(&mut b, "/admin/goods/new", &new, &typed, "save"));
    let stored = |app: &TestApp| -> Option<i64> {
        app.query(|c| c.query_row("SELECT logistics_id FROM goods WHERE id = ?1", [id], |r| r.get(0)))
    };
    assert_eq!(stored(&app), Some(tid));
    let d = app.get(DETAIL, &[("id", &id.to_string())]);
    assert!(d["data"]["logistics"].is_object(), "{d}");

    // The editor shows the chosen template, and saving untouched keeps it.
    let path = format!("/admin/goods/{id}");
    let edit = b.get(&path);
    assert_eq!(value_of(&edit, "f.logistics"), tid.to_string());
    id_from(&press(&mut b, &path, &edit, &[], "save"));
    assert_eq!(stored(&app), Some(tid));

    // "不设置" clears it; an unknown template is refused in the form.
    let edit = b.get(&path);
    let refused = press(&mut b, &path, &edit, &[("f.logistics", "9999")], "save");
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(stored(&app), Some(tid));
    id_from(&press(&mut b, &path, &edit, &[("f.logistics", "0")], "save"));
    assert_eq!(stored(&app), None);
}

#[test]
fn a_new_goods_ships_by_free_express_so_its_order_needs_an_address() {
    let app = TestApp::new();
    let mut b = Browser::staff(&app);
    let new = b.get("/admin/goods/new");
    assert_eq!(value_of(&new, "f.logistics"), "free", "express with free shipping is the default");
    let typed = [("f.name", "纯棉T恤"), ("f.price", "59"), ("f.stores", "10")];
    let id = id_from(&press(&mut b, "/admin/goods/new", &new, &typed, "save"));

    let template: Option<i64> =
        app.query(|c| c.query_row("SELECT logistics_id FROM goods WHERE id = ?1", [id], |r| r.get(0)));
    let free: (String, i64) = app.query(|c| {
        c.query_row("SELECT name, is_free FROM freight_templates WHERE id = ?1", [template.unwrap()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    });
    assert_eq!(free, ("快递包邮".to_string(), 1));

    // A second goods reuses the same free template instead of making another.
    let new = b.get("/admin/goods/new");
    let second =
        id_from(&press(&mut b, "/admin/goods/new", &new, &[("f.name", "围巾"), ("f.price", "9")], "save"));
    let again: Option<i64> =
        app.query(|c| c.query_row("SELECT logistics_id FROM goods WHERE id = ?1", [second], |r| r.get(0)));
    assert_eq!(again, template);

    let (_, token) = app.shopper("alice");
    let line = one_line(id, 1, "");
    let bare = app
        .post(CREATE, &[("token", token.as_str()), ("goodsJsonStr", line.as_str()), ("peisongType", "kd")]);
    assert_code(&bare, 300);
    assert!(bare["msg"].as_str().unwrap().contains("linkMan"), "{bare}");
    let placed = create(&app, &token, &line, &[]);
    assert_code(&placed, 0);
    assert_eq!(placed["data"]["amountLogistics"], 0.0, "free shipping: {placed}");
}
