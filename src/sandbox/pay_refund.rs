//! The WeChat Pay refund simulator: `secapi/pay/refund` and `pay/refundquery` with WeChat's XML
//! and signatures (the sandbox merchant's key), its checks (the refunds of one payment never
//! exceed what it paid; one out_refund_no refunds once), then the encrypted refund notify sent to
//! the notify_url over HTTP, repeated until answered SUCCESS. Plain HTTP cannot carry a client
//! certificate, so here the certificate is optional; a real appid requires it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

use rocket::http::ContentType;
use rocket::serde::json::Json;
use rocket::{post, routes, Route, State};
use serde::Deserialize;

use super::wechat::SandboxWeChat;
use super::{SandboxOn, SandboxOperator};
use crate::wechat::pay::{self, SANDBOX_MCH_ID, SANDBOX_PAY_KEY};
use crate::wechat::refund::encrypt_req_info;
use crate::wechat::SANDBOX_APPID;

pub fn routes() -> Vec<Route> {
    routes![refund, refund_query, next_refund, settle_refund]
}

/// What the next refund call does (set by tests and the console through the control route).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Next {
    /// Accept and notify SUCCESS at once.
    #[default]
    Succeed,
    /// Accept but send no notify (stays PROCESSING until settled or queried).
    Hold,
    /// Accept, then notify REFUNDCLOSE.
    Close,
    /// Refuse with this err_code.
    Fail(String),
}

#[derive(Debug, Clone)]
struct SandboxRefund {
    trade: String,
    transaction_id: String,
    out_trade_no: String,
    refund_id: String,
    total_fee: i64,
    refund_fee: i64,
    status: String,
    notify_url: String,
}

/// The simulator's memory of refunds (per process, like its sessions).
#[derive(Default)]
pub struct SandboxRefunds {
    refunds: Mutex<HashMap<String, SandboxRefund>>,
    next: Mutex<Vec<Next>>,
}

fn xml(m: &BTreeMap<String, String>) -> (ContentType, String) {
    (ContentType::XML, pay::to_xml(m))
}

fn fail_return(msg: &str) -> (ContentType, String) {
    let mut m = BTreeMap::new();
    m.insert("return_code".into(), "FAIL".into());
    m.insert("return_msg".into(), msg.into());
    xml(&m)
}

/// A signed business answer: SUCCESS with `fields`, or FAIL with err_code / err_code_des.
fn signed(result: Result<BTreeMap<String, String>, (&str, &str)>) -> (ContentType, String) {
    let mut m = BTreeMap::new();
    m.insert("return_code".into(), "SUCCESS".into());
    m.insert("return_msg".into(), "OK".into());
    m.insert("appid".into(), SANDBOX_APPID.into());
    m.insert("mch_id".into(), SANDBOX_MCH_ID.into());
    match result {
        Ok(fields) => {
            m.insert("result_code".into(), "SUCCESS".into());
            m.extend(fields);
        }
        Err((code, des)) => {
            m.insert("result_code".into(), "FAIL".into());
            m.insert("err_code".into(), code.into());
            m.insert("err_code_des".into(), des.into());
        }
    }
    pay::sign_request(&mut m, SANDBOX_PAY_KEY, pay::SignType::Md5);
    xml(&m)
}

/// The request's fields when it is signed by the sandbox merchant for the sandbox appid.
fn checked(body: &str) -> Result<BTreeMap<String, String>, &'static str> {
    let m = pay::from_xml(body).map_err(|_| "XML格式错误")?;
    if !pay::verify(&m, SANDBOX_PAY_KEY) {
        return Err("签名错误");
    }
    if m.get("appid").map(String::as_str) != Some(SANDBOX_APPID)
        || m.get("mch_id").map(String::as_str) != Some(SANDBOX_MCH_ID)
    {
        return Err("appid和mch_id不匹配");
    }
    Ok(m)
}

/// POST /sandbox/pay/secapi/pay/refund — WeChat's refund call.
#[post("/sandbox/pay/secapi/pay/refund", data = "<body>")]
fn refund(
    _on: SandboxOn,
    state: &State<SandboxRefunds>,
    log: &State<SandboxWeChat>,
    body: String,
) -> (ContentType, String) {
    let m = match checked(&body) {
        Ok(m) => m,
        Err(msg) => return fail_return(msg),
    };
    let f = |k: &str| m.get(k).cloned().unwrap_or_default();
    let out_refund_no = f("out_refund_no");
    let (Ok(total_fee), Ok(refund_fee)) = (f("total_fee").parse::<i64>(), f("refund_fee").parse::<i64>())
    else {
        return signed(Err(("PARAM_ERROR", "total_fee 或 refund_fee 无效")));
    };
    let trade = if f("transaction_id").is_empty() { f("out_trade_no") } else { f("transaction_id") };
    if out_refund_no.is_empty() || out_refund_no.len() > 64 || trade.is_empty() || refund_fee <= 0 {
        return signed(Err(("PARAM_ERROR", "缺少 out_refund_no / transaction_id 或金额无效")));
    }
    log.note("pay/refund", format!("{out_refund_no} {refund_fee}/{total_fee} 分"));
    let mut refunds = state.refunds.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    // One out_refund_no refunds once: a repeat is answered with the first refund.
    if let Some(r) = refunds.get(&out_refund_no) {
        if r.refund_fee != refund_fee || r.trade != trade {
            return signed(Err(("INVALID_REQUEST", "同一退款单号的退款金额或订单不一致")));
        }
        return signed(Ok(accepted(r)));
    }
    let next = {
        let mut q = state.next.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if q.is_empty() {
            Next::Succeed
        } else {
            q.remove(0)
        }
    };
    if let Next::Fail(code) = &next {
        let des = match code.as_str() {
            "NOTENOUGH" => "基本账户余额不足，请充值后重新发起",
            "SYSTEMERROR" => "系统超时，请用相同退款单号重试",
            _ => "退款失败",
        };
        return signed(Err((code, des)));
    }
    let already: i64 = refunds
        .values()
        .filter(|r| r.trade == trade && r.status != "REFUNDCLOSE")
        .map(|r| r.refund_fee)
        .sum();
    if already + refund_fee > total_fee {
        return signed(Err(("INVALID_REQUEST", "累计退款金额大于支付金额")));
    }
    let r = SandboxRefund {
        trade: trade.clone(),
        transaction_id: f("transaction_id"),
        out_trade_no: f("out_trade_no"),
        refund_id: format!("50000{}", crate::secret::random_string(22, b"0123456789")),
        total_fee,
        refund_fee,
        status: match next {
            Next::Close => "REFUNDCLOSE".into(),
            Next::Hold => "PROCESSING".into(),
            _ => "SUCCESS".into(),
        },
        notify_url: f("notify_url"),
    };
    refunds.insert(out_refund_no.clone(), r.clone());
    if r.status != "PROCESSING" {
        send_notify(out_refund_no, r.clone());
    }
    signed(Ok(accepted(&r)))
}

fn accepted(r: &SandboxRefund) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    m.insert("transaction_id".into(), r.transaction_id.clone());
    m.insert("out_trade_no".into(), r.out_trade_no.clone());
    m.insert("refund_id".into(), r.refund_id.clone());
    m.insert("refund_fee".into(), r.refund_fee.to_string());
    m.insert("total_fee".into(), r.total_fee.to_string());
    m.insert("cash_fee".into(), r.total_fee.to_string());
    m
}

/// Sends the encrypted refund notify on a thread, repeating it (1 s, 2 s, 4 s...) until answered
/// SUCCESS or five tries are spent, the way WeChat repeats.
fn send_notify(out_refund_no: String, r: SandboxRefund) {
    if r.notify_url.is_empty() {
        return;
    }
    let mut info = BTreeMap::new();
    info.insert("transaction_id".to_string(), r.transaction_id.clone());
    info.insert("out_trade_no".to_string(), r.out_trade_no.clone());
    info.insert("refund_id".to_string(), r.refund_id.clone());
    info.insert("out_refund_no".to_string(), out_refund_no);
    info.insert("total_fee".to_string(), r.total_fee.to_string());
    info.insert("refund_fee".to_string(), r.refund_fee.to_string());
    info.insert("settlement_refund_fee".to_string(), r.refund_fee.to_string());
    info.insert("refund_status".to_string(), r.status.clone());
    info.insert("success_time".to_string(), crate::db::now_text());
    info.insert("refund_recv_accout".to_string(), "支付用户的零钱".to_string());
    info.insert("refund_account".to_string(), "REFUND_SOURCE_RECHARGE_FUNDS".to_string());
    info.insert("refund_request_source".to_string(), "API".to_string());
    let mut outer = BTreeMap::new();
    outer.insert("return_code".to_string(), "SUCCESS".to_string());
    outer.insert("appid".to_string(), SANDBOX_APPID.to_string());
    outer.insert("mch_id".to_string(), SANDBOX_MCH_ID.to_string());
    outer.insert("nonce_str".to_string(), pay::nonce());
    outer.insert("req_info".to_string(), encrypt_req_info(&info, SANDBOX_PAY_KEY));
    let body = pay::to_xml(&outer);
    let spawned = std::thread::Builder::new().name("sandbox-refund-notify".into()).spawn(move || {
        let agent: ureq::Agent =
            ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(10))).build().into();
        let mut wait = Duration::from_secs(1);
        for _ in 0..5 {
            let answered = agent
                .post(&r.notify_url)
                .header("Content-Type", "text/xml")
                .send(body.as_str())
                .ok()
                .and_then(|mut res| res.body_mut().read_to_string().ok())
                .and_then(|text| pay::from_xml(&text).ok())
                .is_some_and(|m| m.get("return_code").map(String::as_str) == Some("SUCCESS"));
            if answered {
                return;
            }
            std::thread::sleep(wait);
            wait *= 2;
        }
    });
    if let Err(e) = spawned {
        log::warn!("sandbox refund notify thread: {e}");
    }
}

/// POST /sandbox/pay/pay/refundquery — WeChat's refund query (by out_refund_no).
#[post("/sandbox/pay/pay/refundquery", data = "<body>")]
fn refund_query(
    _on: SandboxOn,
    state: &State<SandboxRefunds>,
    log: &State<SandboxWeChat>,
    body: String,
) -> (ContentType, String) {
    let m = match checked(&body) {
        Ok(m) => m,
        Err(msg) => return fail_return(msg),
    };
    let out_refund_no = m.get("out_refund_no").cloned().unwrap_or_default();
    log.note("pay/refundquery", out_refund_no.clone());
    let refunds = state.refunds.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let Some(r) = refunds.get(&out_refund_no) else {
        return signed(Err(("REFUNDNOTEXIST", "退款订单查询失败")));
    };
    let mut f = BTreeMap::new();
    f.insert("transaction_id".into(), r.transaction_id.clone());
    f.insert("out_trade_no".into(), r.out_trade_no.clone());
    f.insert("total_fee".into(), r.total_fee.to_string());
    f.insert("refund_count".into(), "1".into());
    f.insert("out_refund_no_0".into(), out_refund_no.clone());
    f.insert("refund_id_0".into(), r.refund_id.clone());
    f.insert("refund_fee_0".into(), r.refund_fee.to_string());
    f.insert("settlement_refund_fee_0".into(), r.refund_fee.to_string());
    f.insert("refund_status_0".into(), r.status.clone());
    f.insert("refund_recv_accout_0".into(), "支付用户的零钱".into());
    if r.status == "SUCCESS" {
        f.insert("refund_success_time_0".into(), crate::db::now_text());
    }
    signed(Ok(f))
}

/// What the next refund call should do: `{"mode": "succeed" | "hold" | "close" | "fail", "errCode"}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NextBody {
    mode: String,
    #[serde(default)]
    err_code: String,
}

#[derive(serde::Serialize)]
struct ControlAnswer {
    errcode: i64,
    errmsg: String,
}

/// POST /sandbox/pay/control/refund-next — sandbox control: queues how the next refund call ends.
#[post("/sandbox/pay/control/refund-next", data = "<body>")]
fn next_refund(
    _op: SandboxOperator,
    state: &State<SandboxRefunds>,
    body: Json<NextBody>,
) -> Json<ControlAnswer> {
    let next = match body.mode.as_str() {
        "succeed" => Next::Succeed,
        "hold" => Next::Hold,
        "close" => Next::Close,
        "fail" if !body.err_code.is_empty() => Next::Fail(body.err_code.clone()),
        _ => {
            return Json(ControlAnswer {
                errcode: 40097,
                errmsg: "mode: succeed | hold | close | fail (with errCode)".into(),
            })
        }
    };
    state.next.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(next);
    Json(ControlAnswer { errcode: 0, errmsg: "ok".into() })
}

/// POST /sandbox/pay/control/refund-settle/<out_refund_no> — sandbox control: a held refund
/// succeeds now, without a notify (so only a refundquery learns it).
#[post("/sandbox/pay/control/refund-settle/<out_refund_no>")]
fn settle_refund(
    _op: SandboxOperator,
    state: &State<SandboxRefunds>,
    out_refund_no: &str,
) -> Json<ControlAnswer> {
    let mut refunds = state.refunds.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    match refunds.get_mut(out_refund_no) {
        Some(r) => {
            r.status = "SUCCESS".into();
            Json(ControlAnswer { errcode: 0, errmsg: "ok".into() })
        }
        None => Json(ControlAnswer { errcode: 40004, errmsg: "no such refund".into() }),
    }
}
