//! checkReferrer and real-name verification (which answers 501 after checking its input).

use crate::support::*;

const REFERRER: &str = "/shop/user/check-referrer";
const IDCARD: &str = "/shop/user/idcard";
const NO_PROVIDER: &str = "实名认证需要配置认证服务商，本店暂未开通";
/// The example number of GB 11643-1999: a valid check digit.
const VALID_ID: &str = "11010519491231002X";

#[test]
fn a_referrer_is_good_when_the_shopper_exists_and_is_not_disabled() {
    let app = TestApp::new();
    let (alice, _) = app.login_wechat("code-alice");
    let (dave, _) = app.login_wechat("code-dave");
    app.disable(dave);

    assert_code(&app.get(REFERRER, &[("referrer", &alice.to_string())]), 0);
    for wrong in [dave.to_string(), "999999".to_string(), "-1".to_string()] {
        let res = app.get(REFERRER, &[("referrer", &wrong)]);
        assert_code(&res, 700);
        assert_eq!(res["msg"], "邀请码错误");
    }
    for bad in [&[][..], &[("referrer", "abc")][..]] {
        let res = app.get(REFERRER, bad);
        assert_code(&res, 300);
        assert!(res["msg"].as_str().unwrap().contains("referrer"), "{res}");
    }
}

#[test]
fn the_idcard_check_validates_its_input_then_says_it_is_not_offered() {
    let app = TestApp::new();
    let (_, token) = app.login_wechat("code-alice");
    assert_code(&app.post(IDCARD, &[("name", "张三"), ("idCardNo", VALID_ID)]), 2000);

    for (form, name, says) in [
        (vec![("idCardNo", VALID_ID)], "name", "缺少参数"),
        (vec![("name", "张"), ("idCardNo", VALID_ID)], "name", "汉字"),
        (vec![("name", "张三3"), ("idCardNo", VALID_ID)], "name", "汉字"),
        (vec![("name", "张三")], "idCardNo", "缺少参数"),
        (vec![("name", "张三"), ("idCardNo", "110105194912310021")], "idCardNo", "校验位"),
        (vec![("name", "张三"), ("idCardNo", "11010519491331002X")], "idCardNo", "出生日期"),
        (vec![("name", "张三"), ("idCardNo", "1101051949123100")], "idCardNo", "18 位"),
        (vec![("name", "张三"), ("idCardNo", "11010519491231002X1")], "idCardNo", "长度"),
    ] {
        let mut form = form;
        form.push(("token", &token));
        let res = app.post(IDCARD, &form);
        assert_code(&res, 300);
        let msg = res["msg"].as_str().unwrap();
        assert!(msg.contains(name) && msg.contains(says), "expected {name} / {says}: {res}");
    }

    for name in ["张三", "阿依古丽·买买提", "John Smith"] {
        let res = app.post(IDCARD, &[("token", &token), ("name", name), ("idCardNo", VALID_ID)]);
        assert_code(&res, 501);
        assert_eq!(res["msg"], NO_PROVIDER);
        assert_eq!(res["data"], serde_json::Value::Null);
    }
    // A lower-case x is the same check character.
    let res =
        app.post(IDCARD, &[("token", &token), ("name", "张三"), ("idCardNo", &VALID_ID.to_lowercase())]);
    assert_code(&res, 501);
}

#[test]
fn manual_review_is_not_offered_either() {
    let app = TestApp::new();
    let (_, token) = app.login_wechat("code-alice");
    assert_code(&app.post("/shop/user/idcard/manualReview", &[("name", "张三")]), 2000);
    assert_code(&app.get("/shop/user/idcard/manualReview/info", &[]), 2000);
    let res = app.post("/shop/user/idcard/manualReview", &[("token", &token), ("name", "张三")]);
    assert_code(&res, 501);
    assert!(res["msg"].as_str().unwrap().contains("人工实名审核"));
    assert_code(&app.get("/shop/user/idcard/manualReview/info", &[("token", &token)]), 501);
}
