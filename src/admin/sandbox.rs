//! 沙箱记录: every call the WeChat simulator answered and what it was sent — logins, codes, URL
//! schemes, live rooms, and the messages shoppers would have received — newest first, by call;
//! and the sandbox orders waiting to be paid, each with the 确认支付 a shopper would press.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::page::{done, failed, render, Answer, Html, Pager, Posted, Staff, PER_PAGE};
use crate::error::AdminError;
use crate::sandbox::pay::{self, SandboxPay, Unpaid};
use crate::sandbox::wechat::{Noted, SandboxWeChat};

pub fn routes() -> Vec<Route> {
    routes![record, pay_order]
}

#[derive(Template)]
#[template(path = "admin/sandbox.html")]
struct RecordPage {
    staff: Staff,
    /// The call shown ("" for all).
    call: String,
    /// Every kind of call recorded, with how many.
    kinds: Vec<(String, usize)>,
    rows: Vec<Noted>,
    pager: Pager,
    /// Sandbox orders nobody has paid yet (only in sandbox mode).
    unpaid: Vec<Unpaid>,
}

/// GET /admin/sandbox?call=&page= — staff only. The unpaid sandbox orders, then the sandbox's
/// record, 25 a page.
#[get("/sandbox?<call>&<page>")]
fn record(
    staff: Staff,
    sandbox: &State<SandboxWeChat>,
    pay: &State<SandboxPay>,
    call: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let call = call.map_or("", str::trim).to_string();
    let what = Some(call.as_str()).filter(|c| !c.is_empty());
    let (_, total) = sandbox.recorded(what, 0, 0);
    let pager = Pager::new(page, total as i64, &[("call", &call)]);
    let offset = usize::try_from(pager.offset()).unwrap_or(usize::MAX);
    let (rows, _) = sandbox.recorded(what, offset, usize::try_from(PER_PAGE).unwrap_or(usize::MAX));
    let unpaid = if staff.sandbox { pay.unpaid() } else { Vec::new() };
    render(&RecordPage { staff, kinds: sandbox.recorded_kinds(), call, rows, pager, unpaid })
}

#[derive(FromForm)]
struct PayForm {
    prepay_id: String,
}

/// POST /admin/sandbox/pay — staff only, sandbox mode only. Pays a sandbox order as the shopper
/// would on WeChat's pay sheet; the shop learns it from the notify, as from WeChat.
#[post("/sandbox/pay", data = "<form>")]
async fn pay_order(
    staff: Staff,
    form: Posted<PayForm>,
    pay: &State<SandboxPay>,
    sandbox: &State<SandboxWeChat>,
) -> Answer {
    if !staff.sandbox {
        return failed("/admin/sandbox", "已配置真实 AppID，沙箱支付已停用");
    }
    match pay::pay_and_notify(pay, sandbox, Some(form.0.prepay_id), None).await {
        Ok(p) if p.delivered => {
            done("/admin/sandbox#pay", format!("订单 {} 已支付，商户已确认", p.out_trade_no))
        }
        Ok(p) => failed(
            "/admin/sandbox#pay",
            format!(
                "订单 {} 已支付，但通知商户失败（{}），将按微信的节奏重试",
                p.out_trade_no,
                clip(&p.answer)
            ),
        ),
        Err(e) => failed("/admin/sandbox#pay", e),
    }
}

/// The start of the shop's answer, for a message.
fn clip(text: &str) -> String {
    text.chars().take(80).collect()
}
