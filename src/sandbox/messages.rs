//! The simulator's message calls: subscription messages (`cgi-bin/message/subscribe/send`),
//! official-account messages through the mini-program (`wxopen/template/uniform_send`) and the
//! official account's own template messages (`cgi-bin/message/template/send`). Like WeChat it checks
//! the access token (40001), the openid (40003), the template (40037, when a template list is set),
//! the page (41030: a leading '/' or a blank) and each value against its key's rule (47003), and
//! answers 43101 for a shopper marked as refusing.
//!
//! `/sandbox/wechat/control/messages` shows what was received (GET) and sets faults (POST):
//! `{"down": true}` answers HTTP 503 to every send, `{"busy": 3}` answers -1 to the next three,
//! `{"refuse": [openid...]}`, `{"templates": [id...]}`, `{"clear": true}` forgets what was received.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::wechat::SandboxWeChat;
use super::{SandboxOn, SandboxOperator};
use crate::service::outbox::{kind_of, value_fits};

pub fn routes() -> Vec<Route> {
    routes![subscribe_send, uniform_send, template_send, received, control]
}

/// How many received messages the simulator keeps (the oldest go first).
const KEEP: usize = 20_000;

/// One message the simulator accepted.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Received {
    /// subscribe, uniform or template.
    pub kind: String,
    pub touser: String,
    pub template_id: String,
    pub page: String,
    pub data: Value,
    pub miniprogram_state: String,
    pub at: i64,
}

#[derive(Default)]
struct Faults {
    down: bool,
    busy: u32,
    refuse: HashSet<String>,
    templates: Vec<String>,
}

/// What the message simulator remembers (in memory, like the rest of the sandbox).
#[derive(Default)]
pub struct SandboxMessages {
    received: Mutex<VecDeque<Received>>,
    /// How many were accepted since start (the received list is capped).
    total: Mutex<u64>,
    faults: Mutex<Faults>,
}

type Answer = (Status, Json<Value>);

fn wx(errcode: i64, errmsg: &str) -> Answer {
    (Status::Ok, Json(json!({ "errcode": errcode, "errmsg": errmsg })))
}

impl SandboxMessages {
    /// The fault to answer before looking at the request, if any.
    fn fault(&self) -> Option<Answer> {
        let mut f = self.faults.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if f.down {
            return Some((Status::ServiceUnavailable, Json(json!("Service Unavailable"))));
        }
        if f.busy > 0 {
            f.busy -= 1;
            return Some(wx(-1, "system error"));
        }
        None
    }

    fn refuses(&self, openid: &str) -> bool {
        self.faults.lock().unwrap_or_else(std::sync::PoisonError::into_inner).refuse.contains(openid)
    }

    fn knows_template(&self, id: &str) -> bool {
        let f = self.faults.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f.templates.is_empty() || f.templates.iter().any(|t| t == id)
    }

    fn keep(&self, r: Received) {
        let mut list = self.received.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if list.len() >= KEEP {
            list.pop_front();
        }
        list.push_back(r);
        *self.total.lock().unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
    }
}

/// The checks every send shares; the accepted message, or WeChat's answer.
fn check(
    sb: &SandboxWeChat,
    msgs: &SandboxMessages,
    access_token: Option<&str>,
    body: &str,
) -> Result<Value, Answer> {
    if let Some(f) = msgs.fault() {
        return Err(f);
    }
    if !sb.valid_token(access_token.unwrap_or("")) {
        return Err(wx(40001, "invalid credential, access_token is invalid or not latest"));
    }
    let v: Value = serde_json::from_str(body).map_err(|_| wx(47001, "data format error"))?;
    let touser = v["touser"].as_str().unwrap_or("");
    if touser.len() != 28 || !touser.starts_with('o') {
        return Err(wx(40003, "invalid openid"));
    }
    Ok(v)
}

/// Checks a template id, a page and the data of one message.
fn check_template(
    msgs: &SandboxMessages,
    template_id: &str,
    page: &str,
    data: &Value,
    strict: bool,
) -> Option<Answer> {
    if template_id.is_empty() || !msgs.knows_template(template_id) {
        return Some(wx(40037, "invalid template_id"));
    }
    if page.starts_with('/') || page.contains(char::is_whitespace) {
        return Some(wx(41030, "invalid page"));
    }
    let Some(map) = data.as_object().filter(|m| !m.is_empty()) else {
        return Some(wx(47003, "argument invalid! data is empty"));
    };
    for (key, v) in map {
        let value = v["value"].as_str().unwrap_or("");
        // Official-account keys (first, keyword1, remark) are free text; subscription keys have kinds.
        let fits = match kind_of(key) {
            Some(kind) if strict => value_fits(kind, value),
            _ => !strict && !value.is_empty() && value.chars().count() <= 200,
        };
        if !fits {
            return Some(wx(47003, &format!("argument invalid! data.{key}.value invalid")));
        }
    }
    None
}

/// POST /sandbox/wechat/cgi-bin/message/subscribe/send — subscribeMessage.send.
#[post("/sandbox/wechat/cgi-bin/message/subscribe/send?<access_token>", data = "<body>")]
fn subscribe_send(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    msgs: &State<SandboxMessages>,
    access_token: Option<&str>,
    body: String,
) -> Answer {
    let v = match check(sb, msgs, access_token, &body) {
        Ok(v) => v,
        Err(a) => return a,
    };
    let touser = v["touser"].as_str().unwrap_or("").to_string();
    let template_id = v["template_id"].as_str().unwrap_or("").to_string();
    let page = v["page"].as_str().unwrap_or("").to_string();
    let state = v["miniprogram_state"].as_str().unwrap_or("formal").to_string();
    if !matches!(state.as_str(), "formal" | "trial" | "developer") {
        return wx(47003, "argument invalid! miniprogram_state invalid");
    }
    if let Some(a) = check_template(msgs, &template_id, &page, &v["data"], true) {
        return a;
    }
    if msgs.refuses(&touser) {
        return wx(43101, "user refuse to accept the msg");
    }
    sb.note("subscribeMessage.send", format!("{touser} ← {template_id}: {}", v["data"]));
    let data = v["data"].clone();
    msgs.keep(Received {
        kind: "subscribe".into(),
        touser,
        template_id,
        page,
        data,
        miniprogram_state: state,
        at: crate::db::unix_now(),
    });
    (Status::Ok, Json(json!({ "errcode": 0, "errmsg": "ok", "msgid": crate::db::unix_now_ms() })))
}

#[derive(Deserialize, Default)]
struct MpTemplate {
    #[serde(default)]
    appid: String,
    #[serde(default)]
    template_id: String,
    #[serde(default)]
    miniprogram: Option<MiniProgram>,
    #[serde(default)]
    data: Value,
}

#[derive(Deserialize, Default)]
struct MiniProgram {
    #[serde(default)]
    pagepath: String,
}

/// POST /sandbox/wechat/cgi-bin/message/wxopen/template/uniform_send — uniformMessage.send.
#[post("/sandbox/wechat/cgi-bin/message/wxopen/template/uniform_send?<access_token>", data = "<body>")]
fn uniform_send(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    msgs: &State<SandboxMessages>,
    access_token: Option<&str>,
    body: String,
) -> Answer {
    let v = match check(sb, msgs, access_token, &body) {
        Ok(v) => v,
        Err(a) => return a,
    };
    let Ok(mp) = serde_json::from_value::<MpTemplate>(v["mp_template_msg"].clone()) else {
        return wx(47001, "data format error: mp_template_msg");
    };
    if !mp.appid.starts_with("wx") || mp.appid.len() != 18 {
        return wx(40013, "invalid appid: mp_template_msg.appid");
    }
    let page = mp.miniprogram.map(|m| m.pagepath).unwrap_or_default();
    if let Some(a) = check_template(msgs, &mp.template_id, &page, &mp.data, false) {
        return a;
    }
    let touser = v["touser"].as_str().unwrap_or("").to_string();
    if msgs.refuses(&touser) {
        return wx(43004, "require subscribe hint: the user does not follow the official account");
    }
    sb.note("uniformMessage.send", format!("{touser} ← {}: {}", mp.template_id, mp.data));
    msgs.keep(Received {
        kind: "uniform".into(),
        touser,
        template_id: mp.template_id,
        page,
        data: mp.data,
        miniprogram_state: String::new(),
        at: crate::db::unix_now(),
    });
    wx(0, "ok")
}

/// POST /sandbox/wechat/cgi-bin/message/template/send — the official account's templateMessage.send.
#[post("/sandbox/wechat/cgi-bin/message/template/send?<access_token>", data = "<body>")]
fn template_send(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    msgs: &State<SandboxMessages>,
    access_token: Option<&str>,
    body: String,
) -> Answer {
    let v = match check(sb, msgs, access_token, &body) {
        Ok(v) => v,
        Err(a) => return a,
    };
    let template_id = v["template_id"].as_str().unwrap_or("").to_string();
    let page = v["miniprogram"]["pagepath"].as_str().unwrap_or("").to_string();
    if let Some(a) = check_template(msgs, &template_id, &page, &v["data"], false) {
        return a;
    }
    let touser = v["touser"].as_str().unwrap_or("").to_string();
    if msgs.refuses(&touser) {
        return wx(43004, "require subscribe hint");
    }
    sb.note("templateMessage.send", format!("{touser} ← {template_id}: {}", v["data"]));
    msgs.keep(Received {
        kind: "template".into(),
        touser,
        template_id,
        page,
        data: v["data"].clone(),
        miniprogram_state: String::new(),
        at: crate::db::unix_now(),
    });
    (Status::Ok, Json(json!({ "errcode": 0, "errmsg": "ok", "msgid": crate::db::unix_now_ms() })))
}

/// What the simulator received.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceivedList {
    pub total: u64,
    /// The newest `limit` messages, oldest first.
    pub messages: Vec<Received>,
}

/// GET /sandbox/wechat/control/messages?limit= — what the simulator received (newest 100 by default).
#[get("/sandbox/wechat/control/messages?<limit>")]
fn received(_op: SandboxOperator, msgs: &State<SandboxMessages>, limit: Option<usize>) -> Json<ReceivedList> {
    let list = msgs.received.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let n = limit.unwrap_or(100).min(KEEP);
    let messages = list.iter().skip(list.len().saturating_sub(n)).cloned().collect();
    Json(ReceivedList {
        total: *msgs.total.lock().unwrap_or_else(std::sync::PoisonError::into_inner),
        messages,
    })
}

#[derive(Deserialize)]
struct ControlBody {
    down: Option<bool>,
    busy: Option<u32>,
    refuse: Option<Vec<String>>,
    templates: Option<Vec<String>>,
    #[serde(default)]
    clear: bool,
}

/// POST /sandbox/wechat/control/messages — sets the faults (see the module comment).
#[post("/sandbox/wechat/control/messages", data = "<body>")]
fn control(_op: SandboxOperator, msgs: &State<SandboxMessages>, body: Json<ControlBody>) -> Json<Value> {
    let body = body.into_inner();
    let mut f = msgs.faults.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(d) = body.down {
        f.down = d;
    }
    if let Some(b) = body.busy {
        f.busy = b;
    }
    if let Some(r) = body.refuse {
        f.refuse = r.into_iter().collect();
    }
    if let Some(t) = body.templates {
        f.templates = t;
    }
    if body.clear {
        msgs.received.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
        *msgs.total.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = 0;
    }
    Json(json!({ "errcode": 0, "errmsg": "ok", "down": f.down, "busy": f.busy, "refuse": f.refuse.len() }))
}
