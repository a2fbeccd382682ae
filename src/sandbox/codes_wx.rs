//! `/sandbox/wechat/...` for mini-program codes (A, B, C), URL schemes and live rooms, as WeChat
//! answers them: codes are real PNG images — a QR code of what the code would open
//! (`page?scene=...`, or the path) — so a test or a developer can scan them back.
//!
//! What WeChat would know and the sandbox cannot (which pages are released, the live rooms, a
//! daily quota) is settable at `/sandbox/wechat/control/codes`. Every call is noted in the
//! sandbox record (`SandboxWeChat::note`), shown in the console's 沙箱记录.

use std::collections::HashMap;
use std::sync::Mutex;

use rocket::http::ContentType;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::wechat::{Noted, SandboxWeChat};
use super::{SandboxOn, SandboxOperator};
use crate::service::qr::{self, Look};
use crate::wechat::codes::{LiveGoods, LiveReplay, LiveRoom};

pub fn routes() -> Vec<Route> {
    routes![unlimit, code_a, code_c, scheme, live_info, state, set_state, record]
}

/// What the simulated WeChat knows about the mini-program.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CodesState {
    /// Pages of the released version: a code for another page (with check_path) answers 41030.
    pub released_pages: Vec<String>,
    /// Codes WeChat will still make today; None for no limit. At 0 it answers 45009.
    pub code_quota: Option<u64>,
    /// The live rooms getliveinfo lists; none answers WeChat's errcode 1.
    pub rooms: Vec<LiveRoom>,
    /// Recordings by room id.
    pub replays: HashMap<i64, Vec<LiveReplay>>,
}

impl Default for CodesState {
    fn default() -> Self {
        let released_pages = [
            "pages/index/index",
            "pages/category/category",
            "pages/goods-details/index",
            "pages/shop-cart/index",
            "pages/my/index",
            "pages/order-details/index",
            "pages/about/index",
            "pages/coupons/index",
            "packageFx/pages/index/index",
        ]
        .map(String::from)
        .to_vec();
        let now = crate::db::unix_now();
        let room = LiveRoom {
            name: "沙箱直播间".into(),
            roomid: 1,
            cover_img: String::new(),
            share_img: String::new(),
            live_status: 103,
            start_time: now - 86_400,
            end_time: now - 82_800,
            anchor_name: "店长".into(),
            goods: vec![LiveGoods {
                goods_id: 1,
                name: "示例商品".into(),
                cover_img: String::new(),
                url: "pages/goods-details/index?id=1".into(),
                price_type: 1,
                price: 1990,
                price2: 0,
            }],
            live_type: 0,
            close_like: 0,
            close_goods: 0,
            close_comment: 0,
            close_kf: 0,
            close_replay: 0,
            is_feeds_public: 1,
            feeds_img: String::new(),
        };
        let replay = LiveReplay {
            media_url: "https://example.invalid/sandbox/replay-1.m3u8".into(),
            create_time: "2026-01-01T12:00:00Z".into(),
            expire_time: "2026-12-31T12:00:00Z".into(),
        };
        CodesState {
            released_pages,
            code_quota: None,
            rooms: vec![room],
            replays: HashMap::from([(1, vec![replay])]),
        }
    }
}

/// The simulator's state for these calls (Rocket state; a restart starts from the defaults).
#[derive(Default)]
pub struct SandboxCodes {
    state: Mutex<CodesState>,
}

impl SandboxCodes {
    fn with<T>(&self, f: impl FnOnce(&mut CodesState) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

fn err(errcode: i64, errmsg: &str) -> Json<Value> {
    Json(json!({ "errcode": errcode, "errmsg": errmsg }))
}

const BAD_TOKEN: (i64, &str) = (40001, "invalid credential, access_token is invalid or not latest");

/// A code's answer: the image, or WeChat's JSON error.
#[derive(rocket::Responder)]
enum CodeAnswer {
    Image((ContentType, Vec<u8>)),
    Error(Json<Value>),
}

fn fail(errcode: i64, errmsg: &str) -> CodeAnswer {
    CodeAnswer::Error(err(errcode, errmsg))
}

/// The body as JSON, or None (WeChat answers 47001 to what is not JSON).
fn parse(body: &str) -> Option<Value> {
    serde_json::from_str::<Value>(body).ok().filter(Value::is_object)
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn flag(v: &Value, key: &str, default: bool) -> Option<bool> {
    match v.get(key) {
        None | Some(Value::Null) => Some(default),
        Some(Value::Bool(b)) => Some(*b),
        _ => None,
    }
}

fn safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$&'()*+,/:;=?@-._~".contains(c)
}

/// width (280–1280, default 430), auto_color, line_color and is_hyaline, as WeChat reads them.
// The refusal is a whole sandbox answer, built once per request: its size does not matter.
#[allow(clippy::result_large_err)]
fn look(v: &Value) -> Result<Look, CodeAnswer> {
    let width = match v.get("width") {
        None | Some(Value::Null) => 430,
        Some(w) => {
            let w = w.as_u64().and_then(|w| u32::try_from(w).ok()).filter(|w| (280..=1280).contains(w));
            w.ok_or_else(|| fail(40097, "invalid width"))?
        }
    };
    let auto = flag(v, "auto_color", false).ok_or_else(|| fail(40097, "invalid auto_color"))?;
    let hyaline = flag(v, "is_hyaline", false).ok_or_else(|| fail(40097, "invalid is_hyaline"))?;
    let color = match v.get("line_color") {
        Some(c) if !auto && !c.is_null() => {
            let part = |k: &str| c.get(k).and_then(Value::as_u64).and_then(|n| u8::try_from(n).ok());
            match (part("r"), part("g"), part("b")) {
                (Some(r), Some(g), Some(b)) => [r, g, b],
                _ => return Err(fail(40097, "invalid line_color")),
            }
        }
        _ => [0, 0, 0],
    };
    Ok(Look { width, color, transparent: hyaline })
}

/// Spends one code of the daily quota; false when none is left.
fn spend(codes: &SandboxCodes) -> bool {
    codes.with(|s| match s.code_quota {
        Some(0) => false,
        Some(n) => {
            s.code_quota = Some(n - 1);
            true
        }
        None => true,
    })
}

fn image(text: &str, look: Look) -> CodeAnswer {
    match qr::png(text, look, "scene") {
        Ok(png) => CodeAnswer::Image((ContentType::PNG, png)),
        Err(e) => fail(-1, &format!("system error: {}", crate::error::ApiError::from(e).msg())),
    }
}

/// POST /sandbox/wechat/wxa/getwxacodeunlimit — code B: scene, page, check_path, env_version,
/// width, auto_color, line_color, is_hyaline.
#[post("/sandbox/wechat/wxa/getwxacodeunlimit?<access_token>", data = "<body>")]
fn unlimit(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    codes: &State<SandboxCodes>,
    access_token: Option<&str>,
    body: &str,
) -> CodeAnswer {
    if !sb.token_ok(access_token) {
        return fail(BAD_TOKEN.0, BAD_TOKEN.1);
    }
    let Some(v) = parse(body) else { return fail(47001, "data format error") };
    let scene = text(&v, "scene").unwrap_or("");
    if scene.is_empty() || scene.chars().count() > 32 {
        return fail(40169, "invalid length for scene, or the data is not json string");
    }
    if !scene.chars().all(safe) {
        return fail(40097, "invalid args: scene");
    }
    let page = text(&v, "page").unwrap_or("");
    if page.starts_with('/') || page.contains('?') {
        return fail(41030, "invalid page: no leading slash and no query");
    }
    let env = text(&v, "env_version").unwrap_or("release");
    if !matches!(env, "release" | "trial" | "develop") {
        return fail(40097, "invalid args: env_version");
    }
    let Some(check_path) = flag(&v, "check_path", true) else { return fail(40097, "invalid check_path") };
    let look = match look(&v) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let released = codes.with(|s| s.released_pages.iter().any(|p| p == page));
    if check_path && !page.is_empty() && !released {
        sb.note("getwxacodeunlimit", format!("41030 page {page} not released (scene {scene})"));
        return fail(41030, &format!("invalid page hint: {page} is not in the released version"));
    }
    if !spend(codes) {
        sb.note("getwxacodeunlimit", format!("45009 quota used up (page {page}, scene {scene})"));
        return fail(45009, "reach max api daily quota limit");
    }
    sb.note("getwxacodeunlimit", format!("page {page} scene {scene} {env} {} px", look.width));
    image(&format!("{page}?scene={scene}"), look)
}

/// The path of codes A and C: 1–128 characters.
// The refusal is a whole sandbox answer, built once per request: its size does not matter.
#[allow(clippy::result_large_err)]
fn code_path(v: &Value) -> Result<&str, CodeAnswer> {
    match text(v, "path") {
        Some(p) if !p.is_empty() && p.chars().count() <= 128 => Ok(p),
        _ => Err(fail(40159, "invalid length for path, or the data is not json string")),
    }
}

/// POST /sandbox/wechat/wxa/getwxacode — code A: path (with its query), env_version, width, colours.
#[post("/sandbox/wechat/wxa/getwxacode?<access_token>", data = "<body>")]
fn code_a(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    codes: &State<SandboxCodes>,
    access_token: Option<&str>,
    body: &str,
) -> CodeAnswer {
    if !sb.token_ok(access_token) {
        return fail(BAD_TOKEN.0, BAD_TOKEN.1);
    }
    let Some(v) = parse(body) else { return fail(47001, "data format error") };
    let (path, look) = match (code_path(&v), look(&v)) {
        (Ok(p), Ok(l)) => (p, l),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    if !spend(codes) {
        return fail(45029, "qrcode count out of limit");
    }
    sb.note("getwxacode", format!("path {path} {} px", look.width));
    image(path, look)
}

/// POST /sandbox/wechat/cgi-bin/wxaapp/createwxaqrcode — code C: path and width.
#[post("/sandbox/wechat/cgi-bin/wxaapp/createwxaqrcode?<access_token>", data = "<body>")]
fn code_c(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    codes: &State<SandboxCodes>,
    access_token: Option<&str>,
    body: &str,
) -> CodeAnswer {
    if !sb.token_ok(access_token) {
        return fail(BAD_TOKEN.0, BAD_TOKEN.1);
    }
    let Some(v) = parse(body) else { return fail(47001, "data format error") };
    let path = match code_path(&v) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let look = match look(&json!({ "width": v.get("width") })) {
        Ok(l) => l,
        Err(e) => return e,
    };
    if !spend(codes) {
        return fail(45029, "qrcode count out of limit");
    }
    sb.note("createwxaqrcode", format!("path {path} {} px", look.width));
    image(path, look)
}

/// POST /sandbox/wechat/wxa/generatescheme — a URL scheme for jump_wxa {path, query, env_version}.
#[post("/sandbox/wechat/wxa/generatescheme?<access_token>", data = "<body>")]
fn scheme(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    codes: &State<SandboxCodes>,
    access_token: Option<&str>,
    body: &str,
) -> Json<Value> {
    if !sb.token_ok(access_token) {
        return err(BAD_TOKEN.0, BAD_TOKEN.1);
    }
    let Some(v) = parse(body) else { return err(47001, "data format error") };
    let jump = v.get("jump_wxa").cloned().unwrap_or(json!({}));
    let path = text(&jump, "path").unwrap_or("");
    let query = text(&jump, "query").unwrap_or("");
    let env = text(&jump, "env_version").unwrap_or("release");
    if !matches!(env, "release" | "trial" | "develop") {
        return err(40097, "invalid args: env_version");
    }
    if !path.is_empty() && env == "release" && !codes.with(|s| s.released_pages.iter().any(|p| p == path)) {
        sb.note("generatescheme", format!("40165 page {path} not released"));
        return err(40165, "invalid weapp pagepath");
    }
    if query.chars().count() > 1024 || !query.chars().all(|c| safe(c) || c == '%') {
        return err(40212, "invalid query");
    }
    let now = crate::db::unix_now();
    if flag(&v, "is_expire", false) == Some(true) {
        let ok = match v.get("expire_type").and_then(Value::as_i64).unwrap_or(0) {
            0 => v
                .get("expire_time")
                .and_then(Value::as_i64)
                .is_some_and(|t| t > now && t <= now + 30 * 86_400),
            1 => v.get("expire_interval").and_then(Value::as_i64).is_some_and(|d| (1..=30).contains(&d)),
            _ => false,
        };
        if !ok {
            return err(85401, "time limit between 1min and 30 days");
        }
    }
    let ticket: String =
        crate::secret::new_token().chars().filter(char::is_ascii_alphanumeric).take(12).collect();
    let openlink = format!("weixin://dl/business/?t={ticket}");
    sb.note("generatescheme", format!("{path}?{query} ({env}) → {openlink}"));
    Json(json!({ "errcode": 0, "errmsg": "ok", "openlink": openlink }))
}

/// POST /sandbox/wechat/wxa/business/getliveinfo — the room list (start, limit ≤ 100), or with
/// action=get_replay a room's recordings.
#[post("/sandbox/wechat/wxa/business/getliveinfo?<access_token>", data = "<body>")]
fn live_info(
    _on: SandboxOn,
    sb: &State<SandboxWeChat>,
    codes: &State<SandboxCodes>,
    access_token: Option<&str>,
    body: &str,
) -> Json<Value> {
    if !sb.token_ok(access_token) {
        return err(BAD_TOKEN.0, BAD_TOKEN.1);
    }
    let Some(v) = parse(body) else { return err(47001, "data format error") };
    let start =
        v.get("start").and_then(Value::as_u64).map_or(0, |s| usize::try_from(s).unwrap_or(usize::MAX));
    let Some(limit) = v.get("limit").and_then(Value::as_u64).filter(|l| (1..=100).contains(l)) else {
        return err(47001, "data format error: limit must be 1-100");
    };
    let state = codes.with(|s| s.clone());
    if text(&v, "action") == Some("get_replay") {
        let Some(room_id) = v.get("room_id").and_then(Value::as_i64) else {
            return err(47001, "data format error: room_id");
        };
        if !state.rooms.iter().any(|r| r.roomid == room_id) {
            sb.note("getliveinfo", format!("replays of room {room_id}: no such room"));
            return err(9410001, "room not found");
        }
        let all = state.replays.get(&room_id).cloned().unwrap_or_default();
        let page: Vec<_> =
            all.iter().skip(start).take(usize::try_from(limit).expect("limit is at most 100")).collect();
        sb.note("getliveinfo", format!("replays of room {room_id}: {} of {}", page.len(), all.len()));
        return Json(json!({ "errcode": 0, "errmsg": "ok", "live_replay": page, "total": all.len() }));
    }
    if state.rooms.is_empty() {
        sb.note("getliveinfo", "rooms: none".into());
        return err(1, "no room");
    }
    let page: Vec<_> =
        state.rooms.iter().skip(start).take(usize::try_from(limit).expect("limit is at most 100")).collect();
    sb.note("getliveinfo", format!("rooms: {} of {}", page.len(), state.rooms.len()));
    Json(json!({ "errcode": 0, "errmsg": "ok", "room_info": page, "total": state.rooms.len() }))
}

/// GET /sandbox/wechat/control/codes — released pages, quota, live rooms and replays.
#[get("/sandbox/wechat/control/codes")]
fn state(_op: SandboxOperator, codes: &State<SandboxCodes>) -> Json<CodesState> {
    Json(codes.with(|s| s.clone()))
}

/// POST /sandbox/wechat/control/codes — replaces that state (absent fields take the defaults).
#[post("/sandbox/wechat/control/codes", data = "<body>")]
fn set_state(_op: SandboxOperator, codes: &State<SandboxCodes>, body: Json<CodesState>) -> Json<CodesState> {
    let new = body.into_inner();
    codes.with(|s| *s = new.clone());
    Json(new)
}

/// What the record answers to scripts and tests.
#[derive(Serialize)]
struct RecordPage {
    total: usize,
    calls: Vec<Noted>,
}

/// GET /sandbox/wechat/control/record?what=&limit= — the calls the sandbox answered, newest first.
#[get("/sandbox/wechat/control/record?<what>&<limit>")]
fn record(
    _op: SandboxOperator,
    sb: &State<SandboxWeChat>,
    what: Option<&str>,
    limit: Option<usize>,
) -> Json<RecordPage> {
    let (calls, total) = sb.recorded(what.filter(|w| !w.is_empty()), 0, limit.unwrap_or(100).min(1000));
    Json(RecordPage { total, calls })
}
