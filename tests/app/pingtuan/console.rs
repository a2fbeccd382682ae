//! The console's 拼团 and 砍价 sections: set forms with their checks (per-SKU group prices too),
//! groups and failing one after a confirmation.

use xiaodian::service::ledger::Account;

use super::*;

#[test]
fn the_console_creates_sets_with_checks_shows_groups_and_fails_one_after_a_confirmation() {
    let app = TestApp::with_key(KEY);
    let tea = app.goods().name("龙井茶").price(10000).stock(10).create();
    let mut b = Browser::staff(&app);
    let page = b.get("/admin/pingtuan");
    assert_eq!(page.status, 200);
    page.assert_has("新建拼团活动").assert_has("拼团");
    let csrf = page.csrf();
    let goods = tea.to_string();
    let form = |price: &str, size: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("goods_id", goods.clone()),
            ("price", price.to_string()),
            ("number_persion", size.to_string()),
            ("timeout_hours", "24".into()),
            ("refund_type", "0".into()),
            ("days", "3".into()),
        ]
    };
    for (price, size, said) in [("100", "3", "拼团价"), ("60", "1", "成团人数"), ("六十", "3", "拼团价")]
    {
        let f = form(price, size);
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = b.post("/admin/pingtuan", &f);
        assert_eq!(res.status, 422, "{price} {size}");
        res.assert_has(said);
    }
    assert_eq!(app.count("goods_pingtuan_sets"), 0);
    let f = form("60", "3");
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(b.post("/admin/pingtuan", &f).status, 303);
    assert_eq!(app.count("goods_pingtuan_sets"), 1);
    console_sku_prices(&app, &mut b, &csrf);

    let (o, token) = app.shopper("opener");
    let tuan = open(&app, &token, tea);
    app.credit(o, Account::Balance, 10000);
    let id = order_id(&group_order(&app, &token, tea, tuan));
    assert_code(&app.post(PAY, &[("token", &token), ("orderId", &id)]), 0);
    b.get("/admin/pingtuan").assert_has(&format!("/admin/pingtuan/groups/{tuan}"));
    let group = b.get(&format!("/admin/pingtuan/groups/{tuan}"));
    group.assert_has("拼团中（待成团）").assert_has("设为失败并退款");
    let ask = b.get(&format!("/admin/pingtuan/groups/{tuan}/fail"));
    ask.assert_has("确认设为失败");
    assert_eq!(tuan_state(&app, tuan).0, 0, "asking changes nothing");
    let done = b.post(&format!("/admin/pingtuan/groups/{tuan}/fail"), &[("csrf", &ask.csrf())]);
    assert_eq!(done.status, 303);
    assert_eq!(tuan_state(&app, tuan).0, 2);
    assert_eq!(order_status(&app, &id), -1);
    assert_eq!(app.account(o).balance, 10000);

    // The bargain section: a set that breaks a rule is refused, a good one is listed.
    let page = b.get("/admin/kanjia");
    assert_eq!(page.status, 200);
    let csrf = page.csrf();
    let bargain = |min: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("goods_id", goods.clone()),
            ("original_price", "100".to_string()),
            ("min_price", min.to_string()),
            ("help_min", "1".into()),
            ("help_max", "2".into()),
            ("number", "5".into()),
            ("days", "3".into()),
        ]
    };
    let f = bargain("120");
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = b.post("/admin/kanjia", &f);
    assert_eq!(res.status, 422);
    res.assert_has("底价");
    let f = bargain("60");
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = b.post("/admin/kanjia", &f);
    assert_eq!(res.status, 303);
    let set: i64 = app.query(|c| c.query_row("SELECT id FROM goods_kanjia_sets", [], |r| r.get(0)));
    b.get(&format!("/admin/kanjia/{set}")).assert_has("停止活动").assert_has("还没有人发起砍价");
    let page = b.get(&format!("/admin/kanjia/{set}"));
    assert_eq!(b.post(&format!("/admin/kanjia/{set}/stop"), &[("csrf", &page.csrf())]).status, 303);
    b.get(&format!("/admin/kanjia/{set}")).assert_has("砍价活动已停止");
}

/// The console's set form takes per-SKU group prices (the page lists a goods' SKUs and their ids),
/// refuses lines that are not "规格编号 拼团价", SKUs of other goods, twice the same SKU and prices
/// not below the SKU's own, and the shopper is charged the SKU's group price.
fn console_sku_prices(app: &TestApp, b: &mut Browser, csrf: &str) {
    let tee = app.add_goods(tee("拼团T恤"));
    let blue_l = app.tee_key(tee, "蓝", "L");
    let sku_id = |key: &str| -> i64 {
        let key = xiaodian::service::catalog::key_text(&xiaodian::service::catalog::parse_key(key).unwrap());
        app.query(|c| {
            c.query_row(
                "SELECT id FROM goods_skus WHERE goods_id = ?1 AND property_child_ids = ?2",
                rusqlite::params![tee, key],
                |r| r.get(0),
            )
        })
    };
    let (blue, red) = (sku_id(&blue_l), sku_id(&app.tee_key(tee, "红", "M")));
    b.get(&format!("/admin/pingtuan?goods={tee}"))
        .assert_has(&format!("<td>{blue}</td>"))
        .assert_has("¥60.00");
    let goods = tee.to_string();
    let post = |b: &mut Browser, lines: &str| {
        let f = [
            ("csrf", csrf),
            ("goods_id", goods.as_str()),
            ("price", "40"),
            ("sku_prices", lines),
            ("number_persion", "2"),
            ("timeout_hours", "24"),
            ("refund_type", "0"),
            ("days", "3"),
        ];
        b.post("/admin/pingtuan", &f)
    };
    for (lines, said) in [
        (format!("{blue} 四十五"), "规格拼团价".to_string()),
        (format!("{blue}"), "应为“规格编号 拼团价”".to_string()),
        ("999999 10".to_string(), "不属于该商品".to_string()),
        (format!("{blue} 45\n{blue} 44"), "填了两次".to_string()),
        (format!("{blue} 60"), "应低于其售价 ¥60.00".to_string()),
        (format!("{blue} 0"), "应大于 0".to_string()),
    ] {
        let res = post(b, &lines);
        assert_eq!(res.status, 422, "{lines}");
        res.assert_has(&said);
    }
    assert_eq!(app.count("goods_pingtuan_sets"), 1, "nothing saved");
    assert_eq!(post(b, &format!("{blue} 45\n\n{red}，30.5")).status, 303);
    let s = app.get(SET, &[("goodsId", &goods)]);
    assert_code(&s, 0);
    b.get("/admin/pingtuan")
        .assert_has(&format!("规格 {blue}：¥45.00"))
        .assert_has(&format!("规格 {red}：¥30.50"));

    // The shopper pays the SKU's group price.
    let (_, token) = app.shopper("tee-opener");
    let tuan = open(app, &token, tee);
    let res = create(app, &token, &one_line(tee, 1, &blue_l), &[("pingtuanOpenId", &tuan.to_string())]);
    assert_code(&res, 0);
    assert_eq!(res["data"]["amountReal"].as_f64(), Some(45.0), "{res}");
}
