//! WeChat login and the shopper's own account. The `wxapp` and `wxappService` forms behave the
//! same: the shop is its own service provider.

use rocket::request::FromParam;
use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, BaseUrl, Params, Reply};
use crate::api::blocking;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::account::{self, IfUnknown, Login};
use crate::service::media_check::{self, AvatarCheck};
use crate::service::security::{self, Scene, Verdict};
use crate::settings::Settings;
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![
        authorize,
        register_complex,
        login,
        login_v2,
        login_mobile,
        login_mobile_v2,
        bind_mobile,
        bind_mobile_v2,
        bind_openid,
        bind_openid_v2,
        decode,
        check_token,
        logout,
        detail,
        wxinfo,
        modify,
    ]
}

/// The `wxapp` / `wxappService` path segment.
pub struct WxKind;

impl<'a> FromParam<'a> for WxKind {
    type Error = ();
    fn from_param(p: &'a str) -> Result<Self, ()> {
        matches!(p, "wxapp" | "wxappService").then_some(WxKind).ok_or(())
    }
}

fn referrer(p: &Params) -> Option<i64> {
    // Templates send an empty or non-numeric referrer when there is none: ignore it, never fail login.
    p.get("referrer").and_then(|r| r.parse::<i64>().ok())
}

/// `rawData` + `signature` when the client sent them (wx.getUserInfo does), to check against the
/// session key: `signature == sha1(rawData + session_key)`.
fn signed_raw(p: &Params) -> Result<Option<(String, String)>, ApiError> {
    match (p.opt_text("rawData", 10_000)?, p.opt_text("signature", 64)?) {
        (Some(raw), Some(sig)) => Ok(Some((raw.to_string(), sig.to_string()))),
        (Some(_), None) => Err(ApiError::Missing("signature")),
        _ => Ok(None),
    }
}

fn check_signature(signed: Option<&(String, String)>, session_key: &str) -> Result<(), ApiError> {
    match signed {
        Some((raw, sig)) if !crate::wechat::crypto::signature_ok(raw, session_key, sig) => {
            Err(ApiError::invalid("signature", "与 rawData 不符：数据被改动过，或登录状态已过期"))
        }
        _ => Ok(()),
    }
}

fn code(p: &Params) -> Result<String, ApiError> {
    Ok(p.text("code", 128)?.to_string())
}

/// POST /<sub>/user/wxapp/authorize (and wxappService) — authorize; anyone. Registers an unknown openid, then logs in.
#[post("/user/<_kind>/authorize", data = "<p>")]
async fn authorize(_kind: WxKind, p: Params, db: &State<Db>, wx: &State<WeChat>) -> ApiResult<Login> {
    let if_unknown = IfUnknown::Register { referrer: referrer(&p) };
    Ok(Reply(account::wechat_login(db, wx, code(&p)?, if_unknown).await?))
}

/// POST /<sub>/user/wxapp/register/<simple|complex> — register_simple / register_complex;
/// anyone. `complex` also takes the nickname and avatar from the encrypted user info.
#[post("/user/<_kind>/register/<how>", data = "<p>")]
async fn register_complex(
    _kind: WxKind,
    how: &str,
    p: Params,
    db: &State<Db>,
    wx: &State<WeChat>,
) -> ApiResult<Login> {
    let complex = match how {
        "simple" => false,
        "complex" => true,
        _ => return Err(ApiError::UnknownPath(format!("/user/wxapp/register/{how}"))),
    };
    let code = code(&p)?;
    let referrer = referrer(&p);
    let sealed = if complex {
        Some((p.text("encryptedData", 10_000)?.to_string(), p.text("iv", 64)?.to_string()))
    } else {
        None
    };
    let signed = signed_raw(&p)?;
    let (db, wx) = (db.inner().clone(), wx.inner().clone());
    let login = blocking(move || {
        let session = wx.code2session(&code)?;
        check_signature(signed.as_ref(), &session.session_key)?;
        let appid = wx.creds()?.appid;
        let info = match &sealed {
            Some((data, iv)) => Some(account::open_data(&session.session_key, data, iv, &appid)?),
            None => None,
        };
        db.write_sync(|c| {
            let login = account::login_session(c, &appid, &session, IfUnknown::Register { referrer }, None)?;
            if let Some(info) = &info {
                let edit = db::user::ProfileEdit {
                    nick: info["nickName"].as_str().map(|s| s.chars().take(30).collect()),
                    avatar_url: info["avatarUrl"].as_str().map(str::to_string),
                    gender: info["gender"].as_i64(),
                    province: info["province"].as_str().map(str::to_string),
                    city: info["city"].as_str().map(str::to_string),
                    ..Default::default()
                };
                db::user::update_profile(c, login.uid, &edit)?;
            }
            Ok(login)
        })
    })
    .await?;
    Ok(Reply(login))
}

/// POST /<sub>/user/wxapp/login (and wxappService) — login_wx / wxappServiceLogin; anyone.
/// 10000 when the openid has no account, unless `autoReg` is true.
#[post("/user/<_kind>/login", data = "<p>")]
async fn login(_kind: WxKind, p: Params, db: &State<Db>, wx: &State<WeChat>) -> ApiResult<Login> {
    let if_unknown = if p.opt_bool("autoReg")?.unwrap_or(false) {
        IfUnknown::Register { referrer: referrer(&p) }
    } else {
        IfUnknown::Refuse
    };
    Ok(Reply(account::wechat_login(db, wx, code(&p)?, if_unknown).await?))
}

/// POST /<sub>/user/wxapp/login/v2 — loginWxV2; anyone. As login_wx, for this shop's appid only.
#[post("/user/wxapp/login/v2", data = "<p>")]
async fn login_v2(p: Params, db: &State<Db>, wx: &State<WeChat>) -> ApiResult<Login> {
    if let Some(appid) = p.opt_text("appid", 64)? {
        if appid != wx.creds()?.appid {
            return Err(ApiError::invalid("appid", "不是本店的小程序 AppID"));
        }
    }
    Ok(Reply(account::wechat_login(db, wx, code(&p)?, IfUnknown::Refuse).await?))
}

/// POST /<sub>/user/wxapp/login/mobile (and wxappService) — loginWxaMobile(V2); anyone.
/// The phone number comes from getPhoneNumber's encryptedData + iv; `autoReg` registers.
#[post("/user/<_kind>/login/mobile", data = "<p>")]
async fn login_mobile(_kind: WxKind, p: Params, db: &State<Db>, wx: &State<WeChat>) -> ApiResult<Login> {
    let code = code(&p)?;
    let (data, iv) = (p.text("encryptedData", 10_000)?.to_string(), p.text("iv", 64)?.to_string());
    let if_unknown = unknown_rule(&p)?;
    let (db, wx) = (db.inner().clone(), wx.inner().clone());
    let login = blocking(move || {
        let session = wx.code2session(&code)?;
        let appid = wx.creds()?.appid;
        let phone = account::phone_of(&account::open_data(&session.session_key, &data, &iv, &appid)?)?;
        Ok(db.write_sync(|c| account::login_session(c, &appid, &session, if_unknown, Some(&phone)))?)
    })
    .await?;
    Ok(Reply(login))
}

fn unknown_rule(p: &Params) -> Result<IfUnknown, ApiError> {
    Ok(if p.opt_bool("autoReg")?.unwrap_or(false) {
        IfUnknown::Register { referrer: referrer(p) }
    } else {
        IfUnknown::Refuse
    })
}

/// POST /<sub>/user/wxapp/login/mobile/v2 — loginWxaMobileV3; anyone. The phone number comes
/// from the getPhoneNumber button's code (`codeMobile`); `autoReg` registers.
#[post("/user/wxapp/login/mobile/v2", data = "<p>")]
async fn login_mobile_v2(p: Params, db: &State<Db>, wx: &State<WeChat>) -> ApiResult<Login> {
    let code = code(&p)?;
    let phone_code = p.text("codeMobile", 128)?.to_string();
    let if_unknown = unknown_rule(&p)?;
    let (db, wx) = (db.inner().clone(), wx.inner().clone());
    let login = blocking(move || {
        let session = wx.code2session(&code)?;
        let phone = wx.phone_number(&phone_code)?.pure_phone_number;
        let appid = wx.creds()?.appid;
        Ok(db.write_sync(|c| account::login_session(c, &appid, &session, if_unknown, Some(&phone)))?)
    })
    .await?;
    Ok(Reply(login))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MobileView {
    pub mobile: String,
}

/// The session key to open data with: a fresh one when a login code is sent, else the stored one.
fn session_key_for(db: &Db, wx: &WeChat, user_id: i64, code: Option<&str>) -> Result<String, ApiError> {
    if let Some(code) = code {
        let s = wx.code2session(code)?;
        let now = db::unix_now();
        let account = db.read_sync(|c| db::wechat::by_user(c, user_id))?;
        match account {
            Some(a) if a.openid == s.openid => {
                db.write_sync(|c| db::wechat::set_session_key(c, user_id, &s.session_key, None, now))?;
                Ok(s.session_key)
            }
            _ => Err(ApiError::Forbidden("登录凭证不属于当前用户".into())),
        }
    } else {
        let account = db.read_sync(|c| db::wechat::by_user(c, user_id))?;
        account.map(|a| a.session_key).filter(|k| !k.is_empty()).ok_or(ApiError::SessionStale)
    }
}

/// POST /<sub>/user/wxapp/bindMobile (and wxappService) — bindMobileWxapp; logged-in shopper.
/// Decrypts getPhoneNumber's data (with a fresh session when `code` is sent) and binds the number.
#[post("/user/<_kind>/bindMobile", data = "<req>")]
async fn bind_mobile(
    _kind: WxKind,
    req: Authed,
    db: &State<Db>,
    wx: &State<WeChat>,
) -> ApiResult<MobileView> {
    let (data, iv) = (req.p.text("encryptedData", 10_000)?.to_string(), req.p.text("iv", 64)?.to_string());
    let code = req.p.opt_text("code", 128)?.map(str::to_string);
    let (db, wx, uid) = (db.inner().clone(), wx.inner().clone(), req.user_id);
    let mobile = blocking(move || {
        let key = session_key_for(&db, &wx, uid, code.as_deref())?;
        let phone = account::phone_of(&account::open_data(&key, &data, &iv, &wx.creds()?.appid)?)?;
        db.write_sync(|c| account::bind_mobile(c, uid, &phone))?;
        Ok(phone)
    })
    .await?;
    Ok(Reply(MobileView { mobile }))
}

/// POST /<sub>/user/wxapp/bindMobile/v2 (and wxappService) — bindMobileWxappV2; logged-in
/// shopper. Binds the number behind a getPhoneNumber button `code`.
#[post("/user/<_kind>/bindMobile/v2", data = "<req>")]
async fn bind_mobile_v2(
    _kind: WxKind,
    req: Authed,
    db: &State<Db>,
    wx: &State<WeChat>,
) -> ApiResult<MobileView> {
    let phone_code = req.p.text("code", 128)?.to_string();
    let (db, wx, uid) = (db.inner().clone(), wx.inner().clone(), req.user_id);
    let mobile = blocking(move || {
        let phone = wx.phone_number(&phone_code)?.pure_phone_number;
        db.write_sync(|c| account::bind_mobile(c, uid, &phone))?;
        Ok(phone)
    })
    .await?;
    Ok(Reply(MobileView { mobile }))
}

/// POST /<sub>/user/wxapp/bindOpenid (and /v2, wxappService) — bindOpenid; logged-in shopper.
/// Links the WeChat identity of `code` to an account made another way (mobile, username...).
#[post("/user/<_kind>/bindOpenid", data = "<req>")]
async fn bind_openid(_kind: WxKind, req: Authed, db: &State<Db>, wx: &State<WeChat>) -> ApiResult<()> {
    let code = code(&req.p)?;
    let (db, wx, uid) = (db.inner().clone(), wx.inner().clone(), req.user_id);
    blocking(move || {
        let s = wx.code2session(&code)?;
        let appid = wx.creds()?.appid;
        db.write_sync(|c| {
            let now = db::unix_now();
            if let Some(a) = db::wechat::by_openid(c, &appid, &s.openid)? {
                if a.user_id != uid {
                    return Err(ApiError::Taken("该微信"));
                }
                db::wechat::set_session_key(c, uid, &s.session_key, s.unionid.as_deref(), now)?;
                return Ok(());
            }
            if db::wechat::by_user(c, uid)?.is_some() {
                return Err(ApiError::Forbidden("当前账号已绑定其他微信".into()));
            }
            let a = db::wechat::Account {
                user_id: uid,
                appid,
                openid: s.openid,
                unionid: s.unionid,
                session_key: s.session_key,
            };
            Ok(db::wechat::insert(c, &a, now)?)
        })
    })
    .await?;
    Ok(Reply(()))
}

/// POST /<sub>/user/wxapp/bindOpenid/v2 — bindOpenidV2; logged-in shopper. As bindOpenid.
#[post("/user/wxapp/bindOpenid/v2", data = "<req>")]
async fn bind_openid_v2(req: Authed, db: &State<Db>, wx: &State<WeChat>) -> ApiResult<()> {
    bind_openid(WxKind, req, db, wx).await
}

/// POST /<sub>/user/wxapp/decode/encryptedData (and wxappService) — encryptedData; anyone.
/// Decrypts WeChat data (user info, phone, share info, WeRun) with the session of `code`.
#[post("/user/<_kind>/decode/encryptedData", data = "<p>")]
async fn decode(_kind: WxKind, p: Params, wx: &State<WeChat>) -> ApiResult<serde_json::Value> {
    let code = code(&p)?;
    let (data, iv) = (p.text("encryptedData", 20_000)?.to_string(), p.text("iv", 64)?.to_string());
    let signed = signed_raw(&p)?;
    let wx = wx.inner().clone();
    let mut json = blocking(move || {
        let s = wx.code2session(&code)?;
        check_signature(signed.as_ref(), &s.session_key)?;
        Ok(account::open_data(&s.session_key, &data, &iv, &wx.creds()?.appid)?)
    })
    .await?;
    if let serde_json::Value::Object(map) = &mut json {
        map.remove("watermark");
    }
    Ok(Reply(json))
}

/// GET /<sub>/user/check-token — checkToken; anyone. 0 while the token is live, 2000 otherwise.
#[get("/user/check-token")]
fn check_token(_req: Authed) -> ApiResult<()> {
    Ok(Reply(()))
}

/// GET /<sub>/user/loginout — loginout; anyone. Revokes the token (a dead one is fine too).
#[get("/user/loginout")]
async fn logout(p: Params, db: &State<Db>) -> ApiResult<()> {
    account::logout(db, p.text("token", 200)?).await?;
    Ok(Reply(()))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserBase {
    pub id: i64,
    pub nick: String,
    pub avatar_url: String,
    pub mobile: String,
    pub username: String,
    pub email: String,
    pub gender: i64,
    pub province: String,
    pub city: String,
    pub birthday: String,
    pub source: String,
    pub status: i64,
    pub is_idcard_check: bool,
    pub is_seller: bool,
    pub is_team_leader: bool,
    pub is_team_member: bool,
    /// The distribution team the shopper belongs to: null, this shop has no teams.
    pub team_id: Option<i64>,
    pub pwd_pay: bool,
    pub has_password: bool,
    pub date_add: String,
    pub date_login: String,
    /// When the member level runs out; "" without one.
    pub level_expire: String,
}

/// The member level the shopper holds; id 0, level 0 and "普通会员" when none.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserLevelView {
    pub id: i64,
    pub level: i64,
    pub name: String,
    pub pic: String,
    /// 折 members pay (10 = no discount).
    pub rebate: f64,
    pub is_auto_renew: bool,
    pub date_expire: String,
    /// A shown level ranks above this one.
    pub can_upgrade: bool,
}

/// The shopper's level at `now` as userDetail answers it.
fn user_level(
    c: &rusqlite::Connection,
    base: &BaseUrl,
    uid: i64,
    now: i64,
) -> Result<UserLevelView, ApiError> {
    let held = crate::service::levels::held(c, uid, now)?;
    let number = held.as_ref().map_or(0, |(l, _)| l.fields.level);
    let can_upgrade = db::levels::higher_shown_exists(c, number)?;
    Ok(match held {
        Some((l, cur)) => UserLevelView {
            id: l.id,
            level: l.fields.level,
            pic: if l.fields.pic.is_empty() { String::new() } else { base.absolute(&l.fields.pic) },
            name: l.fields.name,
            rebate: l.fields.rebate_percent as f64 / 10.0,
            is_auto_renew: cur.auto_renew,
            date_expire: db::format_unix(cur.date_expire),
            can_upgrade,
        },
        None => UserLevelView {
            id: 0,
            level: 0,
            name: "普通会员".into(),
            pic: String::new(),
            rebate: 10.0,
            is_auto_renew: false,
            date_expire: String::new(),
            can_upgrade,
        },
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferrerView {
    pub id: i64,
    pub nick: String,
    pub avatar_url: String,
}

/// userDetail: `base`, `ext` and `userLevel` are always objects; `base.isSeller` says whether the
/// shopper is a distributor, `base.isTeamLeader` / `isTeamMember` and the partner objects their
/// team role (api::partner::team_part); `saleDistributionTeam` stays null.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserDetail {
    pub base: UserBase,
    pub ext: serde_json::Value,
    pub user_level: UserLevelView,
    pub referrer: Option<ReferrerView>,
    pub peisong_member: Option<serde_json::Value>,
    pub partner_info: Option<super::partner::PartnerInfo>,
    pub parent_partner_info: Option<super::partner::ParentInfo>,
    pub parent_team_leader_info: Option<super::partner::ParentInfo>,
    pub sale_distribution_level: Option<serde_json::Value>,
    pub sale_distribution_team: Option<serde_json::Value>,
}

/// GET /<sub>/user/detail — userDetail; logged-in shopper.
#[get("/user/detail")]
async fn detail(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<UserDetail> {
    let uid = req.user_id;
    Ok(Reply(db.read(move |c| detail_of(c, &base, uid)?.ok_or(ApiError::NotLoggedIn)).await?))
}

/// The userDetail answer of shopper `uid` (None when there is no such shopper).
pub fn detail_of(c: &rusqlite::Connection, base: &BaseUrl, uid: i64) -> Result<Option<UserDetail>, ApiError> {
    let Some(u) = db::user::by_id(c, uid)? else { return Ok(None) };
    let referrer = match u.referrer_id {
        Some(r) => db::user::by_id(c, r)?,
        None => None,
    };
    let user_level = user_level(c, base, uid, db::unix_now())?;
    let is_seller = db::fx::is_seller(c, uid)?;
    let team = super::partner::team_part(c, base, uid)?;
    let ext = serde_json::from_str(&u.ext_json).unwrap_or_else(|_| serde_json::json!({}));
    Ok(Some(UserDetail {
        base: UserBase {
            id: u.id,
            nick: u.nick,
            avatar_url: base.absolute(&u.avatar_url),
            mobile: u.mobile.unwrap_or_default(),
            username: u.username.unwrap_or_default(),
            email: u.email.unwrap_or_default(),
            gender: u.gender,
            province: u.province,
            city: u.city,
            birthday: u.birthday,
            source: u.source,
            status: u.status,
            is_idcard_check: false,
            is_seller,
            is_team_leader: team.is_team_leader,
            is_team_member: team.is_team_member,
            team_id: team.team_id,
            pwd_pay: false,
            has_password: u.has_password,
            date_add: db::format_unix(u.date_add),
            date_login: u.date_login.map(db::format_unix).unwrap_or_default(),
            level_expire: user_level.date_expire.clone(),
        },
        ext,
        user_level,
        referrer: referrer.map(|r| ReferrerView {
            id: r.id,
            nick: r.nick,
            avatar_url: base.absolute(&r.avatar_url),
        }),
        peisong_member: None,
        partner_info: team.partner_info,
        parent_partner_info: team.parent_partner_info,
        parent_team_leader_info: team.parent_team_leader_info,
        sale_distribution_level: None,
        sale_distribution_team: None,
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WxInfo {
    pub openid: String,
    pub unionid: String,
}

/// GET /<sub>/user/wxinfo — userWxinfo; logged-in shopper. The WeChat ids (never the session key).
#[get("/user/wxinfo")]
async fn wxinfo(req: Authed, db: &State<Db>) -> ApiResult<WxInfo> {
    let uid = req.user_id;
    let a = db.read(move |c| db::wechat::by_user(c, uid)).await?.ok_or(ApiError::Empty)?;
    Ok(Reply(WxInfo { openid: a.openid, unionid: a.unionid.unwrap_or_default() }))
}

/// POST /<sub>/user/modify — modifyUserInfo(V2); logged-in shopper. Changes only the fields sent.
/// With the shop's content check on, a risky nickname is refused (87014), one WeChat wants reviewed
/// is kept and listed for the merchant, and an avatar URL from elsewhere is applied only once
/// WeChat's asynchronous check passes it.
#[post("/user/modify", data = "<req>")]
async fn modify(
    req: Authed,
    db: &State<Db>,
    base: BaseUrl,
    wx: &State<WeChat>,
    settings: &State<Settings>,
) -> ApiResult<()> {
    let p = &req.p;
    let gender = p.opt_int("gender")?;
    if gender.is_some_and(|g| !(0..=2).contains(&g)) {
        return Err(ApiError::invalid("gender", "应为 0（未知）、1（男）或 2（女）"));
    }
    let ext_json = match p.opt_text("extJsonStr", 5000)? {
        Some(t) => {
            let v: serde_json::Value =
                serde_json::from_str(t).map_err(|_| ApiError::invalid("extJsonStr", "不是有效的 JSON"))?;
            if !v.is_object() {
                return Err(ApiError::invalid("extJsonStr", "应为 JSON 对象"));
            }
            Some(v.to_string())
        }
        None => None,
    };
    // Our own uploads are kept relative so a new domain never breaks them.
    let avatar = p.opt_text("avatarUrl", 1000)?.map(|a| a.strip_prefix(&base.0).unwrap_or(a).to_string());
    let nick = p.opt_text("nick", 30)?.map(str::to_string);
    let uid = req.user_id;
    let verdict = match &nick {
        Some(n) => security::check_text(db, wx, settings, uid, Scene::Profile, n).await?,
        None => Verdict::Off,
    };
    let avatar = match avatar {
        Some(url) => {
            let (d, w, s, u) =
                (db.inner().clone(), wx.inner().clone(), settings.inner().clone(), url.clone());
            let check = crate::db::blocking(move || media_check::check_avatar(&d, &w, &s, uid, &u)).await?;
            (check == AvatarCheck::Apply).then_some(url)
        }
        None => None,
    };
    let edit = db::user::ProfileEdit {
        nick: nick.clone(),
        avatar_url: avatar,
        gender,
        province: p.opt_text("province", 30)?.map(str::to_string),
        city: p.opt_text("city", 30)?.map(str::to_string),
        birthday: p.opt_text("birthday", 10)?.map(str::to_string),
        ext_json,
    };
    db.write(move |c| {
        db::user::update_profile(c, uid, &edit)?;
        let text = nick.unwrap_or_default();
        security::record_held(c, uid, Scene::Profile, uid, &verdict, &text, db::unix_now())
    })
    .await?;
    Ok(Reply(()))
}
