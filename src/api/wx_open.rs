//! The server halves of mini-program capabilities no client method covers: WeRun steps
//! (`wx.getWeRunData`, decrypted with the shopper's session key) and the signed `cardExt` that
//! `wx.addCard` takes (the `wx_card` api_ticket cached like the access token).

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, Reply};
use crate::api::blocking;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::account;
use crate::service::points::local_day;
use crate::wechat::{card, WeChat};

pub fn routes() -> Vec<Route> {
    routes![werun_save, werun_list, card_ext]
}

/// The most steps one day may report (WeChat caps WeRun at 98,800; a little room above it).
const STEPS_MAX: i64 = 200_000;

/// One day of WeRun steps.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepDay {
    /// yyyy-MM-dd, shop-local (UTC+8).
    pub day: String,
    pub steps: i64,
}

fn step_day((day, steps): (i64, i64)) -> StepDay {
    // Day 0 is 1970-01-01; a day out of range never comes from days_of.
    let date = time::Date::from_julian_day(2_440_588 + i32::try_from(day).unwrap_or(0));
    StepDay { day: date.map(crate::service::calendar::day_text).unwrap_or_default(), steps }
}

/// The shopper's stored days, newest first (at most 31).
fn recent(db: &Db, user_id: i64) -> Result<Vec<StepDay>, ApiError> {
    Ok(db.read_sync(|c| db::werun::recent(c, user_id, 31))?.into_iter().map(step_day).collect())
}

/// The days inside decrypted WeRun data: (shop-local day, steps), refused whole when any is odd.
fn days_of(data: &serde_json::Value) -> Result<Vec<(i64, i64)>, ApiError> {
    let list = data["stepInfoList"]
        .as_array()
        .ok_or_else(|| ApiError::invalid("encryptedData", "不包含微信运动步数（stepInfoList）"))?;
    if list.len() > 31 {
        return Err(ApiError::invalid("encryptedData", "微信运动最多 31 天"));
    }
    list.iter()
        .map(|d| match (d["timestamp"].as_i64(), d["step"].as_i64()) {
            (Some(t), Some(s)) if t > 0 && (0..=STEPS_MAX).contains(&s) => Ok((local_day(t), s)),
            _ => Err(ApiError::invalid("encryptedData", "微信运动数据格式不正确")),
        })
        .collect()
}

/// POST /<sub>/wx/werun — shopper. Stores the days of `wx.getWeRunData`'s `encryptedData` + `iv`
/// (opened with the session key of the shopper's latest wx.login; 2001 when it has changed since)
/// and answers the stored days, newest first.
#[post("/wx/werun", data = "<req>")]
async fn werun_save(req: Authed, db: &State<Db>, wx: &State<WeChat>) -> ApiResult<Vec<StepDay>> {
    let data = req.p.text("encryptedData", 10_000)?.to_string();
    let iv = req.p.text("iv", 64)?.to_string();
    let (db, wx, user_id) = (db.inner().clone(), wx.inner().clone(), req.user_id);
    let days = blocking(move || {
        let session = db.read_sync(|c| db::wechat::by_user(c, user_id))?;
        let key = session.map(|a| a.session_key).filter(|k| !k.is_empty()).ok_or(ApiError::SessionStale)?;
        let days = days_of(&account::open_data(&key, &data, &iv, &wx.creds()?.appid)?)?;
        let now = db::unix_now();
        db.write_sync(|c| {
            days.iter().try_for_each(|&(day, steps)| db::werun::put(c, user_id, day, steps, now))
        })?;
        recent(&db, user_id)
    })
    .await?;
    Ok(Reply(days))
}

/// GET /<sub>/wx/werun — shopper. The stored days, newest first; 700 when none.
#[get("/wx/werun")]
async fn werun_list(req: Authed, db: &State<Db>) -> ApiResult<Vec<StepDay>> {
    let (db, user_id) = (db.inner().clone(), req.user_id);
    let days = blocking(move || recent(&db, user_id)).await?;
    if days.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(days))
}

/// What `wx.addCard` takes for one card.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CardExt {
    pub card_id: String,
    /// The JSON string for `cardList[i].cardExt`.
    pub card_ext: String,
}

/// POST /<sub>/wx/card/ext — shopper. The signed `cardExt` for `cardId` (its `code` for a
/// custom-code card; `bindOpenid=true` when the card may only be taken by this shopper), with a
/// fresh nonce and timestamp each time.
#[post("/wx/card/ext", data = "<req>")]
async fn card_ext(req: Authed, db: &State<Db>, wx: &State<WeChat>) -> ApiResult<CardExt> {
    let card_id = req.p.text("cardId", 64)?.to_string();
    if !card_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        return Err(ApiError::invalid("cardId", "只能包含字母、数字、下划线和短横线"));
    }
    let code = req.p.opt_text("code", 64)?.unwrap_or_default().to_string();
    let bind_openid = req.p.opt_bool("bindOpenid")?.unwrap_or(false);
    let (db, wx, user_id) = (db.inner().clone(), wx.inner().clone(), req.user_id);
    let ext = blocking(move || {
        let openid = if bind_openid {
            let account = db.read_sync(|c| db::wechat::by_user(c, user_id))?;
            account.map(|a| a.openid).ok_or_else(|| ApiError::invalid("bindOpenid", "本账号没有微信身份"))?
        } else {
            String::new()
        };
        let ticket = wx.card_ticket()?;
        let timestamp = db::unix_now().to_string();
        let nonce = crate::wechat::pay::nonce();
        let signature = card::signature(&[&ticket, &timestamp, &nonce, &card_id, &code, &openid]);
        let mut ext =
            serde_json::json!({ "timestamp": timestamp, "nonce_str": nonce, "signature": signature });
        if !code.is_empty() {
            ext["code"] = code.into();
        }
        if !openid.is_empty() {
            ext["openid"] = openid.into();
        }
        Ok::<_, ApiError>(CardExt { card_id, card_ext: ext.to_string() })
    })
    .await?;
    Ok(Reply(ext))
}
