//! 沙箱记录: every call the WeChat simulator answered and what it was sent — logins, codes, URL
//! schemes, live rooms, and the messages shoppers would have received — newest first, by call.

use askama::Template;
use rocket::{get, routes, Route, State};

use super::page::{render, Html, Pager, Staff, PER_PAGE};
use crate::error::AdminError;
use crate::sandbox::wechat::{Noted, SandboxWeChat};

pub fn routes() -> Vec<Route> {
    routes![record]
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
}

/// GET /admin/sandbox?call=&page= — staff only. The sandbox's record, 25 a page.
#[get("/sandbox?<call>&<page>")]
fn record(
    staff: Staff,
    sandbox: &State<SandboxWeChat>,
    call: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let call = call.map(str::trim).unwrap_or("").to_string();
    let what = Some(call.as_str()).filter(|c| !c.is_empty());
    let (_, total) = sandbox.recorded(what, 0, 0);
    let pager = Pager::new(page, total as i64, &[("call", &call)]);
    let (rows, _) = sandbox.recorded(what, pager.offset() as usize, PER_PAGE as usize);
    render(&RecordPage { staff, kinds: sandbox.recorded_kinds(), call, rows, pager })
}
