//! `/sandbox/pay/...`: WeChat Pay v2 as the shop's client sees it — unified order, order query
//! and close with the same XML and signatures (checked with [`SANDBOX_PAY_KEY`]); paying (a person
//! on the console's 沙箱记录 page, a script through the control routes, both signed in or holding a
//! merchant API key), which sends the signed notify to the shop's notify_url over HTTP and repeats
//! it on failure the way WeChat does.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rocket::response::content::RawHtml;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::{Deserialize, Serialize};

use super::wechat::SandboxWeChat;
use super::{SandboxOn, SandboxOperator};
use crate::wechat::pay::{self, SignType, SANDBOX_MCH_ID, SANDBOX_PAY_KEY};
use crate::wechat::SANDBOX_APPID;

pub fn routes() -> Vec<Route> {
    routes![
        unified_order,
        order_query,
        close_order,
        confirm_page,
        confirm,
        control_pay,
        control_notify,
        control_schedule
    ]
}

/// WeChat's notify repeat schedule after a failed delivery (15 s, 15 s, 30 s, 3 min, 10 min...).
const WECHAT_SCHEDULE_MS: &[u64] =
    &[15_000, 15_000, 30_000, 180_000, 600_000, 1_200_000, 1_800_000, 3_600_000];

/// One unified order the simulator knows.
#[derive(Debug, Clone)]
struct SbOrder {
    prepay_id: String,
    out_trade_no: String,
    total_fee: i64,
    openid: String,
    notify_url: String,
    sign_type: SignType,
    /// NOTPAY, SUCCESS or CLOSED.
    state: &'static str,
    transaction_id: String,
    /// Unix seconds of the unified order.
    created: i64,
}

/// An order the simulator holds that nobody has paid or closed yet.
#[derive(Debug, Clone)]
pub struct Unpaid {
    pub prepay_id: String,
    pub out_trade_no: String,
    /// Fen.
    pub total_fee: i64,
    /// Unix seconds.
    pub created: i64,
}

/// The simulator's memory (a restart is like WeChat losing everything: tests start fresh).
pub struct SandboxPay {
    orders: Mutex<HashMap<String, SbOrder>>,
    schedule_ms: Arc<Mutex<Vec<u64>>>,
    agent: ureq::Agent,
}

impl Default for SandboxPay {
    fn default() -> Self {
        SandboxPay {
            orders: Mutex::new(HashMap::new()),
            schedule_ms: Arc::new(Mutex::new(WECHAT_SCHEDULE_MS.to_vec())),
            agent: ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_secs(10)))
                .http_status_as_error(false)
                .build()
                .into(),
        }
    }
}

fn fail(msg: &str) -> String {
    let mut m = BTreeMap::new();
    m.insert("return_code".to_string(), "FAIL".to_string());
    m.insert("return_msg".to_string(), msg.to_string());
    pay::to_xml(&m)
}

/// A signed SUCCESS answer; `err` makes it a business failure (result_code FAIL).
fn answer(mut fields: BTreeMap<String, String>, sign_type: SignType, err: Option<(&str, &str)>) -> String {
    fields.insert("return_code".into(), "SUCCESS".into());
    fields.insert("return_msg".into(), "OK".into());
    fields.insert("appid".into(), SANDBOX_APPID.into());
    fields.insert("mch_id".into(), SANDBOX_MCH_ID.into());
    match err {
        None => fields.insert("result_code".into(), "SUCCESS".into()),
        Some((code, des)) => {
            fields.insert("err_code".into(), code.into());
            fields.insert("err_code_des".into(), des.into());
            fields.insert("result_code".into(), "FAIL".into())
        }
    };
    pay::sign_request(&mut fields, SANDBOX_PAY_KEY, sign_type);
    pay::to_xml(&fields)
}

/// Parses and authenticates a merchant request: FAIL answers for bad XML, signature, merchant.
fn authenticate(body: &str) -> Result<(BTreeMap<String, String>, SignType), String> {
    let f = pay::from_xml(body).map_err(|e| fail(&format!("XML格式错误：{e}")))?;
    let sign_type = SignType::parse(f.get("sign_type").map_or("", String::as_str))
        .ok_or_else(|| fail("sign_type 参数错误"))?;
    if !pay::verify(&f, SANDBOX_PAY_KEY) {
        return Err(fail("签名错误"));
    }
    if f.get("appid").map(String::as_str) != Some(SANDBOX_APPID) {
        return Err(fail("appid 不存在"));
    }
    if f.get("mch_id").map(String::as_str) != Some(SANDBOX_MCH_ID) {
        return Err(fail("商户号mch_id与appid不匹配"));
    }
    Ok((f, sign_type))
}

fn random_digits(n: usize) -> String {
    crate::secret::random_string(n, b"0123456789")
}

/// POST /sandbox/pay/pay/unifiedorder — JSAPI only; the same out_trade_no again gives the same
/// prepay_id while unpaid, ORDERPAID / ORDERCLOSED after.
#[post("/sandbox/pay/pay/unifiedorder", data = "<body>")]
fn unified_order(_on: SandboxOn, body: String, sb: &State<SandboxPay>, log: &State<SandboxWeChat>) -> String {
    let (f, st) = match authenticate(&body) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    for k in ["body", "out_trade_no", "total_fee", "spbill_create_ip", "notify_url", "trade_type", "openid"] {
        if get(k).is_empty() {
            return fail(&format!("缺少参数{k}"));
        }
    }
    if get("trade_type") != "JSAPI" {
        return fail("trade_type 参数错误");
    }
    let Some(total_fee) = get("total_fee").parse::<i64>().ok().filter(|f| *f > 0) else {
        return fail("total_fee 参数错误");
    };
    let no = get("out_trade_no");
    if no.len() > 32 {
        return fail("out_trade_no 超长");
    }
    log.note("pay.unifiedorder", format!("{no} {total_fee} 分"));
    let mut orders = sb.orders.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(o) = orders.get(&no) {
        let err = match o.state {
            "SUCCESS" => Some(("ORDERPAID", "该订单已支付")),
            "CLOSED" => Some(("ORDERCLOSED", "该订单已关闭")),
            _ if o.total_fee != total_fee => Some(("INVALID_REQUEST", "201 商户订单号重复")),
            _ => None,
        };
        let mut out = BTreeMap::new();
        if err.is_none() {
            out.insert("prepay_id".to_string(), o.prepay_id.clone());
            out.insert("trade_type".to_string(), "JSAPI".to_string());
        }
        return answer(out, st, err);
    }
    let o = SbOrder {
        prepay_id: format!("wx{}", random_digits(30)),
        out_trade_no: no.clone(),
        total_fee,
        openid: get("openid"),
        notify_url: get("notify_url"),
        sign_type: st,
        state: "NOTPAY",
        transaction_id: String::new(),
        created: crate::db::unix_now(),
    };
    let mut out = BTreeMap::new();
    out.insert("prepay_id".to_string(), o.prepay_id.clone());
    out.insert("trade_type".to_string(), "JSAPI".to_string());
    orders.insert(no, o);
    answer(out, st, None)
}

/// POST /sandbox/pay/pay/orderquery — by out_trade_no; ORDERNOTEXIST for one never ordered.
#[post("/sandbox/pay/pay/orderquery", data = "<body>")]
fn order_query(_on: SandboxOn, body: String, sb: &State<SandboxPay>, log: &State<SandboxWeChat>) -> String {
    let (f, st) = match authenticate(&body) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let no = f.get("out_trade_no").cloned().unwrap_or_default();
    log.note("pay.orderquery", no.clone());
    let orders = sb.orders.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let Some(o) = orders.get(&no) else {
        return answer(BTreeMap::new(), st, Some(("ORDERNOTEXIST", "此交易订单号不存在")));
    };
    let mut out = BTreeMap::new();
    out.insert("out_trade_no".to_string(), o.out_trade_no.clone());
    out.insert("trade_state".to_string(), o.state.to_string());
    out.insert("total_fee".to_string(), o.total_fee.to_string());
    out.insert("openid".to_string(), o.openid.clone());
    if o.state == "SUCCESS" {
        out.insert("transaction_id".to_string(), o.transaction_id.clone());
    }
    answer(out, st, None)
}

/// POST /sandbox/pay/pay/closeorder — ORDERPAID once paid; closing twice is fine.
#[post("/sandbox/pay/pay/closeorder", data = "<body>")]
fn close_order(_on: SandboxOn, body: String, sb: &State<SandboxPay>, log: &State<SandboxWeChat>) -> String {
    let (f, st) = match authenticate(&body) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let no = f.get("out_trade_no").cloned().unwrap_or_default();
    log.note("pay.closeorder", no.clone());
    let mut orders = sb.orders.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let err = match orders.get_mut(&no) {
        None => Some(("ORDERNOTEXIST", "此交易订单号不存在")),
        Some(o) if o.state == "SUCCESS" => Some(("ORDERPAID", "该订单已支付")),
        Some(o) => {
            o.state = "CLOSED";
            None
        }
    };
    answer(BTreeMap::new(), st, err)
}

impl SandboxPay {
    /// Marks the order (by prepay_id or out_trade_no) paid; the order as it now is.
    fn pay(&self, prepay_id: Option<&str>, out_trade_no: Option<&str>) -> Result<SbOrder, String> {
        let mut orders = self.orders.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let o = orders
            .values_mut()
            .find(|o| {
                Some(o.prepay_id.as_str()) == prepay_id || Some(o.out_trade_no.as_str()) == out_trade_no
            })
            .ok_or_else(|| "没有这笔预支付交易".to_string())?;
        match o.state {
            "CLOSED" => Err("该订单已关闭".into()),
            "SUCCESS" => Err("该订单已支付".into()),
            _ => {
                o.state = "SUCCESS";
                o.transaction_id = format!("4200{}", random_digits(24));
                Ok(o.clone())
            }
        }
    }

    /// The orders waiting for a payment, newest first.
    pub fn unpaid(&self) -> Vec<Unpaid> {
        let orders = self.orders.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut list: Vec<Unpaid> = orders
            .values()
            .filter(|o| o.state == "NOTPAY")
            .map(|o| Unpaid {
                prepay_id: o.prepay_id.clone(),
                out_trade_no: o.out_trade_no.clone(),
                total_fee: o.total_fee,
                created: o.created,
            })
            .collect();
        list.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| b.out_trade_no.cmp(&a.out_trade_no)));
        list
    }

    fn find(&self, out_trade_no: &str) -> Option<SbOrder> {
        self.orders.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(out_trade_no).cloned()
    }

    /// Sends a notify once; the shop's answer body (or the transport error).
    fn deliver(agent: &ureq::Agent, url: &str, xml: &str) -> Result<String, String> {
        let mut res =
            agent.post(url).header("Content-Type", "text/xml").send(xml).map_err(|e| e.to_string())?;
        res.body_mut().read_to_string().map_err(|e| e.to_string())
    }

    /// Delivers now, and on failure keeps repeating on the schedule in a thread, like WeChat.
    fn deliver_until_success(
        agent: ureq::Agent,
        schedule: Arc<Mutex<Vec<u64>>>,
        url: String,
        xml: String,
    ) -> (bool, String) {
        let first = Self::deliver(&agent, &url, &xml);
        let ok = first.as_deref().is_ok_and(acknowledged);
        if !ok {
            std::thread::spawn(move || {
                let waits = schedule.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
                for ms in waits {
                    std::thread::sleep(Duration::from_millis(ms));
                    if Self::deliver(&agent, &url, &xml).as_deref().is_ok_and(acknowledged) {
                        return;
                    }
                }
            });
        }
        (ok, first.unwrap_or_else(|e| e))
    }
}

/// True when the shop's answer is the SUCCESS WeChat stops repeating on.
fn acknowledged(body: &str) -> bool {
    pay::from_xml(body).is_ok_and(|f| f.get("return_code").map(String::as_str) == Some("SUCCESS"))
}

/// Fields to change in a notify (tests forge wrong ones).
#[derive(Default, Deserialize)]
pub struct Tamper {
    pub total_fee: Option<i64>,
    pub appid: Option<String>,
    pub mch_id: Option<String>,
    pub result_code: Option<String>,
    pub transaction_id: Option<String>,
    /// Sign with this key instead of the sandbox's.
    pub key: Option<String>,
}

/// The signed notify XML for a paid order.
fn notify_xml(o: &SbOrder, t: &Tamper) -> String {
    let mut f = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        f.insert(k.to_string(), v);
    };
    put("return_code", "SUCCESS".into());
    put("appid", t.appid.clone().unwrap_or_else(|| SANDBOX_APPID.into()));
    put("mch_id", t.mch_id.clone().unwrap_or_else(|| SANDBOX_MCH_ID.into()));
    put("result_code", t.result_code.clone().unwrap_or_else(|| "SUCCESS".into()));
    put("openid", o.openid.clone());
    put("trade_type", "JSAPI".into());
    put("bank_type", "OTHERS".into());
    put("total_fee", t.total_fee.unwrap_or(o.total_fee).to_string());
    put("cash_fee", t.total_fee.unwrap_or(o.total_fee).to_string());
    put("fee_type", "CNY".into());
    put("transaction_id", t.transaction_id.clone().unwrap_or_else(|| o.transaction_id.clone()));
    put("out_trade_no", o.out_trade_no.clone());
    put("time_end", pay::beijing_time(crate::db::unix_now()));
    let key = t.key.clone().unwrap_or_else(|| SANDBOX_PAY_KEY.to_string());
    pay::sign_request(&mut f, &key, o.sign_type);
    pay::to_xml(&f)
}

/// GET /sandbox/pay/confirm?prepay_id= — where a person pays: the console's 沙箱记录 page, which
/// lists the unpaid sandbox orders with a 确认支付 button (paying is for signed-in staff only).
#[get("/sandbox/pay/confirm")]
fn confirm_page(_on: SandboxOn) -> rocket::response::Redirect {
    rocket::response::Redirect::to("/admin/sandbox#pay")
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[derive(rocket::FromForm)]
struct ConfirmForm {
    prepay_id: String,
}

/// POST /sandbox/pay/confirm — pays and sends the notify (repeating it until the shop says SUCCESS).
#[post("/sandbox/pay/confirm", data = "<form>")]
async fn confirm(
    _op: SandboxOperator,
    form: rocket::form::Form<ConfirmForm>,
    sb: &State<SandboxPay>,
    log: &State<SandboxWeChat>,
) -> RawHtml<String> {
    let r = pay_and_notify(sb, log, Some(form.prepay_id.clone()), None).await;
    let text = match r {
        Ok(p) if p.delivered => "支付成功，商户已确认。".to_string(),
        Ok(_) => "支付成功，通知商户失败，将按微信的节奏重试。".to_string(),
        Err(e) => html_escape(&e),
    };
    RawHtml(format!("<!doctype html><meta charset=\"utf-8\"><title>沙箱微信支付</title><p>{text}</p>"))
}

/// What control/pay did.
#[derive(Serialize)]
pub struct Paid {
    pub out_trade_no: String,
    pub transaction_id: String,
    /// The shop answered SUCCESS to the first delivery.
    pub delivered: bool,
    /// The shop's answer to the first delivery.
    pub answer: String,
}

/// Pays a sandbox order (by prepay_id or out_trade_no) and sends its notify, repeating it on
/// WeChat's schedule until the shop says SUCCESS.
pub async fn pay_and_notify(
    sb: &SandboxPay,
    log: &SandboxWeChat,
    prepay_id: Option<String>,
    out_trade_no: Option<String>,
) -> Result<Paid, String> {
    let o = sb.pay(prepay_id.as_deref(), out_trade_no.as_deref())?;
    log.note("pay.paid", format!("{} {} 分", o.out_trade_no, o.total_fee));
    let xml = notify_xml(&o, &Tamper::default());
    let (agent, schedule, url) = (sb.agent.clone(), sb.schedule_ms.clone(), o.notify_url.clone());
    let (delivered, answer) =
        crate::db::offload(move || SandboxPay::deliver_until_success(agent, schedule, url, xml))
            .await
            .map_err(|e| e.to_string())?;
    log.note("pay.notify", format!("{} → {}", o.out_trade_no, if delivered { "SUCCESS" } else { "FAIL" }));
    Ok(Paid { out_trade_no: o.out_trade_no, transaction_id: o.transaction_id, delivered, answer })
}

#[derive(Deserialize)]
pub struct PayControl {
    pub prepay_id: Option<String>,
    pub out_trade_no: Option<String>,
    /// false: mark paid without notifying (the shop learns it by orderquery).
    #[serde(default = "yes")]
    pub notify: bool,
}

fn yes() -> bool {
    true
}

/// POST /sandbox/pay/control/pay — for tests: pays like the confirm page; JSON answer.
#[post("/sandbox/pay/control/pay", data = "<req>")]
async fn control_pay(
    _op: SandboxOperator,
    req: Json<PayControl>,
    sb: &State<SandboxPay>,
    log: &State<SandboxWeChat>,
) -> Json<serde_json::Value> {
    let req = req.into_inner();
    if !req.notify {
        return Json(match sb.pay(req.prepay_id.as_deref(), req.out_trade_no.as_deref()) {
            Ok(o) => serde_json::json!({"out_trade_no": o.out_trade_no, "transaction_id": o.transaction_id}),
            Err(e) => serde_json::json!({"error": e}),
        });
    }
    Json(match pay_and_notify(sb, log, req.prepay_id, req.out_trade_no).await {
        Ok(p) => serde_json::to_value(p).unwrap_or_default(),
        Err(e) => serde_json::json!({"error": e}),
    })
}

#[derive(Deserialize)]
pub struct NotifyControl {
    pub out_trade_no: String,
    #[serde(flatten)]
    pub tamper: Tamper,
}

/// POST /sandbox/pay/control/notify — for tests: sends the notify of a paid order once more,
/// possibly forged (other amount, merchant, appid, key); answers the shop's reply.
#[post("/sandbox/pay/control/notify", data = "<req>")]
async fn control_notify(
    _op: SandboxOperator,
    req: Json<NotifyControl>,
    sb: &State<SandboxPay>,
    log: &State<SandboxWeChat>,
) -> Json<serde_json::Value> {
    let Some(o) = sb.find(&req.out_trade_no) else {
        return Json(serde_json::json!({"error": "没有这笔交易"}));
    };
    let xml = notify_xml(&o, &req.tamper);
    log.note("pay.notify", format!("{} (control)", o.out_trade_no));
    let agent = sb.agent.clone();
    let url = o.notify_url.clone();
    let r = crate::db::offload(move || SandboxPay::deliver(&agent, &url, &xml)).await;
    Json(match r {
        Ok(Ok(answer)) => serde_json::json!({"answer": answer, "acknowledged": acknowledged(&answer)}),
        Ok(Err(e)) => serde_json::json!({"error": e}),
        Err(e) => serde_json::json!({"error": e.to_string()}),
    })
}

#[derive(Deserialize)]
pub struct Schedule {
    pub ms: Vec<u64>,
}

/// POST /sandbox/pay/control/schedule — for tests: the notify repeat schedule, in milliseconds.
#[post("/sandbox/pay/control/schedule", data = "<req>")]
fn control_schedule(
    _op: SandboxOperator,
    req: Json<Schedule>,
    sb: &State<SandboxPay>,
) -> Json<serde_json::Value> {
    let ms: Vec<u64> = req.ms.iter().take(20).copied().collect();
    sb.schedule_ms.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone_from(&ms);
    Json(serde_json::json!({ "ms": ms }))
}
