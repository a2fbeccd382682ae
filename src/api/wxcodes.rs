//! Mini-program codes and QR codes answered as image URLs (`wxaQrcode`, `commonQrcode`; the client
//! sends both to the oss host), and the live rooms (`wxaMpLiveRooms`, `wxaMpLiveRoomHisVedios`).

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, BaseUrl, Params, Reply};
use crate::config::Config;
use crate::db::Db;
use crate::error::ApiError;
use crate::service::upload;
use crate::service::wxcodes::{self as codes, CodeSpec, LiveCache, Store};
use crate::wechat::codes::{LiveReplay, LiveRoom, UnlimitCode};
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![wxa_unlimit, content_qrcode, live_rooms, live_replays]
}

/// The first of several spellings of a yes/no parameter that is present.
fn either_bool(p: &Params, names: [&'static str; 2]) -> Result<Option<bool>, ApiError> {
    Ok(match p.opt_bool(names[0])? {
        Some(b) => Some(b),
        None => p.opt_bool(names[1])?,
    })
}

/// wxaQrcode's parameters as getwxacodeunlimit wants them, and the image's lifetime.
fn unlimit_spec(p: &Params) -> Result<(CodeSpec, Option<i64>), ApiError> {
    let scene = codes::scene(p.get("scene").unwrap_or(""))?;
    let page = match p.opt_text("page", 200)? {
        Some(v) => codes::page("page", v)?,
        None => String::new(),
    };
    let width = codes::width("width", p.opt_int("width")?, codes::CODE_WIDTH, codes::DEFAULT_CODE_WIDTH)?;
    let auto_color = either_bool(p, ["autoColor", "auto_color"])?.unwrap_or(false);
    // The client documents the line colour as postJsonString ({"r","g","b"}); it only counts
    // when the colour is not automatic, so it is left out of the request (and its key) then.
    let line_color = match (auto_color, p.get("postJsonString")) {
        (false, Some(v)) => Some(codes::line_color("postJsonString", v)?),
        _ => None,
    };
    let code = UnlimitCode {
        scene,
        page,
        check_path: either_bool(p, ["check_path", "checkPath"])?.unwrap_or(true),
        env_version: codes::env_version("env_version", p.get("env_version").or(p.get("envVersion")))?,
        width,
        auto_color,
        line_color,
        is_hyaline: either_bool(p, ["is_hyaline", "isHyaline"])?.unwrap_or(false),
    };
    Ok((CodeSpec::Unlimit(code), codes::expire_hours(p.opt_int("expireHours")?)?))
}

/// Makes (or finds) the image off the executor; its stored link ("/uploads/...").
async fn image(
    db: &Db,
    wx: &WeChat,
    cfg: &Config,
    spec: CodeSpec,
    hours: Option<i64>,
) -> Result<String, ApiError> {
    let (db, wx, dir, max) = (db.clone(), wx.clone(), cfg.uploads_dir(), cfg.upload_max_bytes);
    crate::db::blocking(move || {
        let store = Store { db: &db, uploads_dir: &dir, max_bytes: max };
        codes::code_image(&store, &wx, &spec, hours)
            .map(|c| upload::relative_url(&c.path))
            .map_err(ApiError::from)
    })
    .await
}

/// POST /<sub>/qrcode/wxa/unlimit — wxaQrcode; anyone. `data` is the code image's URL; 41030 when
/// WeChat says the page is not released.
#[post("/qrcode/wxa/unlimit", data = "<p>")]
async fn wxa_unlimit(
    p: Params,
    db: &State<Db>,
    wx: &State<WeChat>,
    cfg: &State<Config>,
    base: BaseUrl,
) -> ApiResult<String> {
    let (spec, hours) = unlimit_spec(&p)?;
    Ok(Reply(base.absolute(&image(db, wx, cfg, spec, hours).await?)))
}

/// POST /<sub>/qrcode/content — commonQrcode; anyone. A QR code of `content` drawn here (`width`
/// px, default 300); `data` is the image's URL.
#[post("/qrcode/content", data = "<p>")]
async fn content_qrcode(
    p: Params,
    db: &State<Db>,
    wx: &State<WeChat>,
    cfg: &State<Config>,
    base: BaseUrl,
) -> ApiResult<String> {
    let text = p.text("content", codes::QR_TEXT_MAX)?.to_string();
    let width = codes::width("width", p.opt_int("width")?, codes::QR_WIDTH, codes::DEFAULT_QR_WIDTH)?;
    let hours = codes::expire_hours(p.opt_int("expireHours")?)?;
    let spec = CodeSpec::Content { text, width };
    Ok(Reply(base.absolute(&image(db, wx, cfg, spec, hours).await?)))
}

/// GET /<sub>/wx/live/rooms — wxaMpLiveRooms; anyone. WeChat's room list in its own field names
/// (cached 60 s); 700 when there is no room.
#[get("/wx/live/rooms")]
async fn live_rooms(wx: &State<WeChat>, live: &State<LiveCache>) -> ApiResult<Vec<LiveRoomView>> {
    let (wx, live) = (wx.inner().clone(), live.inner().clone());
    let rooms = crate::db::blocking(move || live.rooms(&wx)).await?;
    if rooms.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(rooms.iter().cloned().map(LiveRoomView::from).collect()))
}

/// A live room in WeChat's field names plus its start as shop time (pages/live reads `start_time_str`).
#[derive(Serialize)]
pub struct LiveRoomView {
    #[serde(flatten)]
    pub room: LiveRoom,
    /// `yyyy-MM-dd HH:mm:ss`; "" when WeChat gave no start.
    pub start_time_str: String,
}

impl From<LiveRoom> for LiveRoomView {
    fn from(room: LiveRoom) -> Self {
        let start_time_str =
            if room.start_time > 0 { crate::db::format_unix(room.start_time) } else { String::new() };
        LiveRoomView { room, start_time_str }
    }
}

/// GET /<sub>/wx/live/his?roomId= — wxaMpLiveRoomHisVedios; anyone. A room's recordings (cached
/// 60 s); 700 when it has none.
#[get("/wx/live/his")]
async fn live_replays(p: Params, wx: &State<WeChat>, live: &State<LiveCache>) -> ApiResult<Vec<LiveReplay>> {
    let room_id = p.int("roomId")?;
    if room_id <= 0 {
        return Err(ApiError::invalid("roomId", "应为正整数"));
    }
    let (wx, live) = (wx.inner().clone(), live.inner().clone());
    let replays = crate::db::blocking(move || live.replays(&wx, room_id)).await?;
    if replays.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(replays.to_vec()))
}
