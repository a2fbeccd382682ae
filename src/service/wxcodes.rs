//! Mini-program codes and QR codes made once and kept in the upload store, URL schemes, and the
//! live-room list cached briefly. Blocking functions (WeChat calls, files): run them off the
//! executor. No WeChat call is ever made inside a database transaction.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::db::{self, wxcodes::Scheme, Db};
use crate::service::error::{Entity, Error, Result};
use crate::service::qr::{self, Look};
use crate::service::upload;
use crate::wechat::codes::{
    JumpWxa, LiveReplay, LiveRoom, PathCode, Rgb, SchemeRequest, SquareCode, UnlimitCode,
};
use crate::wechat::{WeChat, WxError};

/// WeChat's width limits for mini-program codes, and its default.
pub const CODE_WIDTH: (i64, i64) = (280, 1280);
pub const DEFAULT_CODE_WIDTH: i64 = 430;
/// commonQrcode's width limits and default (the client's documentation: 300).
pub const QR_WIDTH: (i64, i64) = (100, 2000);
pub const DEFAULT_QR_WIDTH: i64 = 300;
/// The longest text commonQrcode encodes.
pub const QR_TEXT_MAX: usize = 1000;
/// A stored code that expires sooner than this is made again rather than answered.
const EXPIRING_SOON_SECS: i64 = 600;

/// Characters WeChat accepts in a scene and in a scheme's query.
fn wechat_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$&'()*+,/:;=?@-._~".contains(c)
}

/// A scene: 1–32 visible characters of WeChat's set.
pub fn scene(v: &str) -> Result<String> {
    let n = v.chars().count();
    if n == 0 {
        return Err(Error::missing("scene"));
    }
    if n > 32 {
        return Err(Error::invalid("scene", format!("最多 32 个字符，收到 {n} 个")));
    }
    if let Some(bad) = v.chars().find(|c| !wechat_safe(*c)) {
        return Err(Error::invalid(
            "scene",
            format!("不能包含“{bad}”：只能用数字、英文字母和 !#$&'()*+,/:;=?@-._~（中文请先自行编码）"),
        ));
    }
    Ok(v.to_string())
}

/// A page path as codes B and schemes want it: no leading `/`, no query, at most 128 characters.
pub fn page(name: &'static str, v: &str) -> Result<String> {
    if v.starts_with('/') {
        return Err(Error::invalid(name, "不要以 / 开头，例如 pages/index/index"));
    }
    if v.contains('?') {
        return Err(Error::invalid(name, "不能带参数（参数请放在 scene / query 里）"));
    }
    path_chars(name, v)
}

/// A path with an optional query (codes A and C): at most 128 characters.
pub fn path_with_query(name: &'static str, v: &str) -> Result<String> {
    if v.is_empty() {
        return Err(Error::missing(name));
    }
    let v = v.trim_start_matches('/');
    let (path, query) = v.split_once('?').unwrap_or((v, ""));
    path_chars(name, path)?;
    if let Some(bad) = query.chars().find(|c| !wechat_safe(*c) && *c != '%') {
        return Err(Error::invalid(name, format!("参数部分不能包含“{bad}”")));
    }
    if v.chars().count() > 128 {
        return Err(Error::invalid(name, "最长 128 个字符"));
    }
    Ok(v.to_string())
}

fn path_chars(name: &'static str, v: &str) -> Result<String> {
    if v.chars().count() > 128 {
        return Err(Error::invalid(name, "最长 128 个字符"));
    }
    if let Some(bad) = v.chars().find(|c| !(c.is_ascii_alphanumeric() || "/_-.".contains(*c))) {
        return Err(Error::invalid(name, format!("页面路径不能包含“{bad}”")));
    }
    Ok(v.to_string())
}

/// A width within `range`, or `default`.
pub fn width(name: &'static str, v: Option<i64>, range: (i64, i64), default: i64) -> Result<u32> {
    let w = v.unwrap_or(default);
    match u32::try_from(w) {
        Ok(px) if (range.0..=range.1).contains(&w) => Ok(px),
        _ => Err(Error::invalid(name, format!("应在 {} 到 {} 像素之间，收到 {w}", range.0, range.1))),
    }
}

/// release (default), trial or develop.
pub fn env_version(name: &'static str, v: Option<&str>) -> Result<String> {
    match v.filter(|s| !s.is_empty()).unwrap_or("release") {
        e @ ("release" | "trial" | "develop") => Ok(e.to_string()),
        other => Err(Error::invalid(name, format!("应为 release、trial 或 develop，收到“{other}”"))),
    }
}

/// A line colour: JSON `{"r": 0, "g": 0, "b": 0}` (numbers or numeric strings, 0–255).
pub fn line_color(name: &'static str, v: &str) -> Result<Rgb> {
    let bad = || Error::invalid(name, r#"应为颜色 JSON，例如 {"r":0,"g":0,"b":0}，每项 0 到 255"#);
    let value: serde_json::Value = serde_json::from_str(v).map_err(|_| bad())?;
    let part = |k: &str| -> Result<u8> {
        let n = value.get(k).and_then(crate::lenient::int);
        n.and_then(|n| u8::try_from(n).ok()).ok_or_else(bad)
    };
    Ok(Rgb { r: part("r")?, g: part("g")?, b: part("b")? })
}

/// Hours before a stored image is deleted (the client's `expireHours`), 1 to ten years.
pub fn expire_hours(v: Option<i64>) -> Result<Option<i64>> {
    match v {
        Some(h) if !(1..=24 * 365 * 10).contains(&h) => {
            Err(Error::invalid("expireHours", "应在 1 到 87600 小时之间"))
        }
        other => Ok(other),
    }
}

/// One code to make: a WeChat code of kind B, A or C, or a QR code drawn here.
#[derive(Debug, Clone)]
pub enum CodeSpec {
    Unlimit(UnlimitCode),
    A(PathCode),
    C(SquareCode),
    Content { text: String, width: u32 },
}

impl CodeSpec {
    /// The `kind` stored in wx_codes.
    pub fn kind(&self) -> &'static str {
        match self {
            CodeSpec::Unlimit(_) => "unlimit",
            CodeSpec::A(_) => "a",
            CodeSpec::C(_) => "c",
            CodeSpec::Content { .. } => "content",
        }
    }

    /// What the code opens, for people.
    pub fn summary(&self) -> String {
        match self {
            CodeSpec::Unlimit(u) => {
                let page = if u.page.is_empty() { "（首页）" } else { &u.page };
                format!("{page}?scene={}", u.scene)
            }
            CodeSpec::A(a) => a.path.clone(),
            CodeSpec::C(c) => c.path.clone(),
            CodeSpec::Content { text, .. } => text.chars().take(200).collect(),
        }
    }

    /// The same key for requests that would make the same image (and keep it as long).
    fn key(&self, expire_hours: Option<i64>) -> String {
        let shape = match self {
            CodeSpec::Unlimit(u) => serde_json::to_string(u),
            CodeSpec::A(a) => serde_json::to_string(a),
            CodeSpec::C(c) => serde_json::to_string(c),
            CodeSpec::Content { text, width } => serde_json::to_string(&(text, width)),
        }
        .unwrap_or_default();
        let digest = Sha256::digest(format!("{}\n{shape}\n{expire_hours:?}", self.kind()).as_bytes());
        hex::encode(digest)
    }

    /// The image: from WeChat, or drawn here.
    fn draw(&self, wx: &WeChat) -> Result<Vec<u8>> {
        match self {
            CodeSpec::Unlimit(u) => wx.wxa_code_unlimit(u).map_err(|e| code_error(e, &u.page)),
            CodeSpec::A(a) => wx.wxa_code(a).map_err(|e| code_error(e, &a.path)),
            CodeSpec::C(c) => wx.wxa_qrcode(c).map_err(|e| code_error(e, &c.path)),
            CodeSpec::Content { text, width } => qr::png(text, Look::plain(*width), "content"),
        }
    }
}

/// WeChat's refusals of a code in the shop's words; 41030 keeps its code for the templates.
pub fn code_error(e: WxError, page: &str) -> Error {
    match e {
        WxError::Api { errcode: 41030, .. } => {
            Error::PageNotReleased(if page.is_empty() { "（首页）".into() } else { page.to_string() })
        }
        WxError::Api { errcode: 40097 | 40169, errmsg } => {
            Error::Upstream(format!("微信认为小程序码参数无效：{errmsg}").into())
        }
        WxError::Api { errcode: 45009 | 45029, .. } => {
            Error::Upstream("小程序码的生成次数已达微信的上限，请稍后再试".into())
        }
        WxError::Api { errcode: 85096, .. } => Error::Upstream("临时小程序不能生成小程序码".into()),
        other => other.into(),
    }
}

/// Where made images go.
#[derive(Clone)]
pub struct Store<'a> {
    pub db: &'a Db,
    pub uploads_dir: &'a Path,
    pub max_bytes: u64,
}

/// A code's stored image: the one made before for the same request, else a new one (WeChat is
/// asked once; a racing twin's image is dropped for the first one stored). Blocking.
pub fn code_image(
    store: &Store<'_>,
    wx: &WeChat,
    spec: &CodeSpec,
    expire_hours: Option<i64>,
) -> Result<db::wxcodes::StoredCode> {
    let key = spec.key(expire_hours);
    let now = db::unix_now();
    if let Some(found) = store.db.read_sync(|c| db::wxcodes::by_key(c, &key))? {
        match found.expires_at {
            Some(t) if t < now + EXPIRING_SOON_SECS => {
                // Its file goes soon: make a new one instead of handing out a dying link.
                store.db.write_sync(|c| db::wxcodes::forget(c, found.id))?;
            }
            _ => return Ok(found),
        }
    }
    let bytes = spec.draw(wx)?;
    let name = format!("{}-code.png", spec.kind());
    let stored =
        upload::store(store.db, store.uploads_dir, store.max_bytes, &bytes, &name, None, expire_hours)?;
    let (kind, summary) = (spec.kind(), spec.summary());
    let fresh = store.db.write_sync(|c| db::wxcodes::insert(c, kind, &key, &summary, stored.id, now))?;
    if !fresh {
        upload::remove(store.db, store.uploads_dir, stored.id)?;
    }
    store
        .db
        .read_sync(|c| db::wxcodes::by_key(c, &key))?
        .ok_or_else(|| Error::Internal("stored code vanished".into()))
}

/// How long a URL scheme lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// WeChat's longest validity (`is_expire` false).
    Longest,
    /// Until this unix second (expire_type 0).
    At(i64),
    /// For this many days (expire_type 1).
    Days(i64),
}

/// WeChat's longest validity of an expiring scheme.
pub const SCHEME_MAX_DAYS: i64 = 30;

/// What a URL scheme opens and for how long.
#[derive(Debug, Clone)]
pub struct SchemeInput {
    pub path: String,
    pub query: String,
    pub env_version: String,
    pub expiry: Expiry,
    pub remark: String,
}

impl SchemeInput {
    /// Checks every field against WeChat's rules; 300 naming the field at fault.
    pub fn checked(self, now: i64) -> Result<SchemeInput> {
        let path = page("path", self.path.trim())?;
        let query = self.query.trim().to_string();
        if query.chars().count() > 1024 {
            return Err(Error::invalid("query", "最长 1024 个字符"));
        }
        if let Some(bad) = query.chars().find(|c| !wechat_safe(*c) && *c != '%') {
            return Err(Error::invalid("query", format!("不能包含“{bad}”")));
        }
        let env_version = env_version("envVersion", Some(&self.env_version))?;
        match self.expiry {
            Expiry::At(t) if t <= now => return Err(Error::invalid("expireTime", "应晚于现在")),
            Expiry::At(t) if t > now + SCHEME_MAX_DAYS * 86_400 => {
                return Err(Error::invalid("expireTime", format!("最长 {SCHEME_MAX_DAYS} 天后")))
            }
            Expiry::Days(d) if !(1..=SCHEME_MAX_DAYS).contains(&d) => {
                return Err(Error::invalid("expireInterval", format!("应在 1 到 {SCHEME_MAX_DAYS} 天之间")))
            }
            _ => {}
        }
        if self.remark.chars().count() > 100 {
            return Err(Error::invalid("remark", "最长 100 个字符"));
        }
        Ok(SchemeInput { path, query, env_version, remark: self.remark.trim().to_string(), ..self })
    }
}

/// Asks WeChat for a URL scheme and records it. Blocking.
pub fn make_scheme(db: &Db, wx: &WeChat, input: SchemeInput) -> Result<Scheme> {
    let now = db::unix_now();
    let input = input.checked(now)?;
    let (expire_type, expire_time, expire_interval, expires_at) = match input.expiry {
        Expiry::Longest => (None, None, None, None),
        Expiry::At(t) => (Some(0), Some(t), None, Some(t)),
        Expiry::Days(d) => (Some(1), None, Some(d), Some(now + d * 86_400)),
    };
    let req = SchemeRequest {
        jump_wxa: JumpWxa {
            path: input.path.clone(),
            query: input.query.clone(),
            env_version: input.env_version.clone(),
        },
        is_expire: input.expiry != Expiry::Longest,
        expire_type,
        expire_time,
        expire_interval,
    };
    let openlink = wx.generate_scheme(&req).map_err(|e| scheme_error(e, &input.path))?;
    let mut row = Scheme {
        id: 0,
        openlink,
        path: input.path,
        query: input.query,
        env_version: input.env_version,
        expire_type,
        expire_time,
        expire_interval,
        expires_at,
        remark: input.remark,
        date_add: now,
    };
    row.id = db.write_sync(|c| db::wxcodes::insert_scheme(c, &row))?;
    Ok(row)
}

/// generatescheme's refusals in the shop's words.
fn scheme_error(e: WxError, path: &str) -> Error {
    match e {
        WxError::Api { errcode: 40165, .. } => Error::invalid("path", format!("微信找不到页面 {path}")),
        WxError::Api { errcode: 40212, .. } => Error::invalid("query", "微信认为参数格式不对"),
        WxError::Api { errcode: 85401, .. } => Error::invalid("expireTime", "微信不接受这个失效时间"),
        WxError::Api { errcode: 85079, .. } => {
            Error::Upstream("小程序还没有发布上线，不能生成 URL Scheme".into())
        }
        WxError::Api { errcode: 44990 | 45009, .. } => {
            Error::Upstream("URL Scheme 生成太频繁或已达今日上限，请稍后再试".into())
        }
        other => other.into(),
    }
}

/// How long a live-room answer is reused: a burst of shoppers opening the page costs one call.
pub const LIVE_TTL: Duration = Duration::from_mins(1);
/// getliveinfo's page size limit.
const LIVE_PAGE: i64 = 100;

/// Most answers kept per kind: each key is a page or room a shopper names.
const MAX_FLIGHTS: usize = 1024;

/// One answer computed once and shared by everyone who asked for it while it was fresh.
type Cell<T> = Arc<OnceLock<Result<Arc<Vec<T>>, WxError>>>;

/// Answers kept for [`LIVE_TTL`], one WeChat call per key at a time (others wait for it).
struct Flight<T> {
    entries: Mutex<HashMap<i64, (Instant, Cell<T>)>>,
}

impl<T> Default for Flight<T> {
    fn default() -> Self {
        Flight { entries: Mutex::new(HashMap::new()) }
    }
}

impl<T> Flight<T> {
    fn get(&self, key: i64, fetch: impl FnOnce() -> Result<Vec<T>, WxError>) -> Result<Arc<Vec<T>>, WxError> {
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            entries.retain(|_, (at, _)| at.elapsed() < LIVE_TTL);
            if entries.len() >= MAX_FLIGHTS && !entries.contains_key(&key) {
                // Keys come from shoppers: beyond the bound an answer is fetched but not kept.
                return fetch().map(Arc::new);
            }
            entries.entry(key).or_insert_with(|| (Instant::now(), Arc::new(OnceLock::new()))).1.clone()
        };
        let answer = cell.get_or_init(|| fetch().map(Arc::new)).clone();
        if answer.is_err() {
            // A failure is not kept: the next shopper tries again.
            self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&key);
        }
        answer
    }
}

/// The live rooms and their replays, cached briefly (Rocket state; clones share the cache).
#[derive(Default, Clone)]
pub struct LiveCache {
    rooms: Arc<Flight<LiveRoom>>,
    replays: Arc<Flight<LiveReplay>>,
}

impl LiveCache {
    /// The mini-program's live rooms (the first 100, WeChat's order). Blocking.
    pub fn rooms(&self, wx: &WeChat) -> Result<Arc<Vec<LiveRoom>>> {
        self.rooms.get(0, || wx.live_rooms(0, LIVE_PAGE)).map_err(live_error)
    }

    /// A room's recordings (the first 100). Blocking.
    pub fn replays(&self, wx: &WeChat, room_id: i64) -> Result<Arc<Vec<LiveReplay>>> {
        self.replays.get(room_id, || wx.live_replays(room_id, 0, LIVE_PAGE)).map_err(live_error)
    }
}

fn live_error(e: WxError) -> Error {
    match e {
        WxError::Api { errcode: 9410000 | 9410001, .. } => Error::NotFound(Entity::LiveRoom),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Flight, MAX_FLIGHTS};

    #[test]
    fn shoppers_naming_many_rooms_cannot_grow_the_live_cache_past_its_bound() {
        let flight: Flight<i64> = Flight::default();
        for key in 0..(MAX_FLIGHTS as i64 + 100) {
            let answer = flight.get(key, || Ok(vec![key])).unwrap();
            assert_eq!(*answer, vec![key], "every key is still answered");
        }
        assert_eq!(flight.entries.lock().unwrap().len(), MAX_FLIGHTS);
        // A kept key is answered from the cache, not fetched again.
        assert_eq!(*flight.get(3, || Ok(vec![-1])).unwrap(), vec![3]);
    }
}
