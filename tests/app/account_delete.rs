//! Deleting an account (userDelete): refused while business is open; then the shopper's own data
//! is gone or anonymised, assets are zeroed on the ledger, logins end, orders stay for the shop,
//! and the same WeChat user can register again as a new shopper.

use serde_json::json;
use xiaodian::db::ledger::Account;

use crate::support::*;

const DELETE: &str = "/shop/user/delete";

#[test]
fn a_deleted_account_is_anonymised_its_logins_end_and_the_openid_is_free() {
    let app = TestApp::with_key("delete-key-123");
    let (uid, token) = app.login_wechat("code-leaving");
    app.set_mobile(uid, "13800001111");
    app.credit(uid, Account::Balance, 500);
    app.credit(uid, Account::Score, 30);
    let goods = app.goods().name("茶叶").price(100).stock(10).create();
    let address = app.post(
        "/shop/user/shipping-address/add",
        &[
            ("token", &token),
            ("linkMan", "张三"),
            ("mobile", "13800001111"),
            ("provinceId", "440000"),
            ("cityId", "440300"),
            ("districtId", "440305"),
            ("address", "科技园"),
            ("isDefault", "true"),
        ],
    );
    assert_code(&address, 0);
    assert_code(
        &app.post(
            "/shop/shopping-cart/add",
            &[("token", &token), ("goodsId", &goods.to_string()), ("number", "1")],
        ),
        0,
    );

    // An order paid but not received blocks the deletion; once received it does not.
    let order = order_id(&create(&app, &token, &one_line(goods, 1, ""), &[]));
    assert_code(&app.post("/shop/order/pay", &[("token", &token), ("orderId", &order)]), 0);
    let refused = app.post(DELETE, &[("token", &token)]);
    assert_code(&refused, 403);
    assert!(refused["msg"].as_str().unwrap().contains("进行中"), "{refused}");
    assert_eq!(app.count("wechat_accounts"), 1, "nothing changed");
    ship(&app, &order);
    assert_code(&app.post("/shop/order/delivery", &[("token", &token), ("orderId", &order)]), 0);

    let gift = app.api("POST", "/cards", Some(&json!({"name": "礼品卡", "amount": 3})));
    let pwd = app.api("POST", &format!("/cards/{}/passwords", gift.1["id"]), Some(&json!({"count": 1})));
    assert_code(
        &app.post(
            "/shop/card/exchange",
            &[("token", &token), ("number", pwd.1["passwords"][0].as_str().unwrap())],
        ),
        0,
    );

    assert_code(&app.post(DELETE, &[]), 2000);
    let res = app.post(DELETE, &[("token", &token)]);
    assert_code(&res, 0);
    assert_code(&app.get("/shop/user/detail", &[("token", &token)]), 2000);
    assert_code(&app.post(DELETE, &[("token", &token)]), 2000);

    let (nick, mobile, status): (String, Option<String>, i64) = app.query(|c| {
        c.query_row("SELECT nick, mobile, status FROM users WHERE id = ?1", [uid], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
    });
    assert_eq!((nick.as_str(), mobile, status), ("已注销用户", None, 2));
    for table in ["wechat_accounts", "shipping_addresses", "cart_items", "user_tokens"] {
        assert_eq!(app.count(table), 0, "{table}");
    }
    assert_eq!(app.count("orders"), 1, "orders stay for the merchant's books");
    let accounts = app.account(uid);
    assert_eq!((accounts.balance, accounts.score), (0, 0));
    assert!(app.ledger_check().is_empty(), "{:?}", app.ledger_check());
    let emptied: i64 =
        app.query(|c| c.query_row("SELECT amount FROM card_users WHERE user_id = ?1", [uid], |r| r.get(0)));
    assert_eq!(emptied, 0);

    // The merchant cannot bring the account back: to enabling, a deleted account is no account.
    assert_eq!(app.api("POST", &format!("/users/{uid}/enable"), None).0, 404);
    let status: i64 =
        app.query(|c| c.query_row("SELECT status FROM users WHERE id = ?1", [uid], |r| r.get(0)));
    assert_eq!(status, 2);

    // The same WeChat user registers anew, as someone else, with nothing of the old account.
    let (again, token2) = app.login_wechat("code-leaving");
    assert_ne!(again, uid);
    assert_code(&app.get("/shop/card/my", &[("token", &token2)]), 700);
    // The mobile is free for the new account too.
    app.set_mobile(again, "13800001111");
}
