//! Group buy (`/shop/goods/pingtuan/...`, the client's pingtuan* methods): a goods' sets, opening
//! a group, the listed groups, their members, the shopper's groups and a group's page.
//!
//! "Nothing" answers 700: a goods without a usable set, an empty list, an unknown group's page.
//! Joining is `orderCreate` with `pingtuanOpenId` (api/order.rs).

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::catalog::catalogue_answer;
use super::{ApiResult, Authed, BaseUrl, Page, Paging, Params, RawEnvelope, Reply};
use crate::cache::Cache;
use crate::db::pingtuan::{JoinedFilter, MemberRow, SetRow, TuanRow};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money::to_yuan;
use crate::service::pingtuan;

pub fn routes() -> Vec<Route> {
    routes![set, sets, open, list, join_users, my_joined, default_tuan, multilevel, tuan_info]
}

/// Most goods ids one pingtuanSets call may ask about.
const MAX_GOODS_IDS: usize = 200;

/// A group-buy set (pingtuanSet, pingtuanSets).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetView {
    pub id: i64,
    pub goods_id: i64,
    /// Members that fill a group (the opener included).
    pub number_persion: i64,
    pub timeout_hours: i64,
    /// 0 to the balance, 1 back through WeChat Pay.
    pub refund_type: i64,
    pub refund_type_str: &'static str,
    /// The goods' group price (SKUs may have their own: goodsPriceV2's `pingtuanPrice`).
    pub pingtuan_price: f64,
    pub number_doing: i64,
    /// Groups that succeeded (the seed's spelling).
    pub number_succcess: i64,
    pub date_add: String,
    pub date_end: String,
    pub status: i64,
    pub status_str: &'static str,
}

impl SetView {
    pub fn new(s: &SetRow, now: i64) -> Self {
        let f = &s.fields;
        SetView {
            id: s.id,
            goods_id: f.goods_id,
            number_persion: f.number_persion,
            timeout_hours: f.timeout_hours,
            refund_type: f.refund_type,
            refund_type_str: pingtuan::refund_type_words(f.refund_type),
            pingtuan_price: to_yuan(f.price),
            number_doing: s.number_doing,
            number_succcess: s.number_success,
            date_add: db::format_unix(s.date_add),
            date_end: db::format_unix(f.date_end),
            status: s.status,
            status_str: pingtuan::set_status_words(s, now),
        }
    }
}

/// A shopper's name and picture.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserCard {
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
}

/// A group (pingtuanList items, pingtuanTuanInfo, goodsDefaultPingtuan).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TuanView {
    pub id: i64,
    pub pingtuan_id: i64,
    pub goods_id: i64,
    /// The opener.
    pub uid: i64,
    pub number_persion: i64,
    /// Paid members, the opener included.
    pub help_number: i64,
    /// Seats still free.
    pub number_left: i64,
    /// 0 in progress, 1 succeeded, 2 failed, 3 opened (its opener has not paid).
    pub status: i64,
    pub status_str: &'static str,
    pub date_add: String,
    /// The deadline ("" until the opener pays).
    pub date_end: String,
    pub api_ext_user: UserCard,
}

impl TuanView {
    fn new(t: &TuanRow, base: &BaseUrl) -> Self {
        TuanView {
            id: t.id,
            pingtuan_id: t.set_id,
            goods_id: t.goods_id,
            uid: t.user_id,
            number_persion: t.number_persion,
            help_number: t.help_number,
            number_left: (t.number_persion - t.seats).max(0),
            status: t.status,
            status_str: pingtuan::tuan_status_words(t.status),
            date_add: db::format_unix(t.date_add),
            date_end: t.date_end.map(db::format_unix).unwrap_or_default(),
            api_ext_user: UserCard {
                uid: t.user_id,
                nick: t.nick.clone(),
                avatar_url: base.absolute(&t.avatar_url),
            },
        }
    }
}

/// A group's member (pingtuanJoinUsers, pingtuanTuanInfo).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
    pub is_opener: bool,
    pub date_add: String,
}

fn member_view(m: &MemberRow, opener: i64, base: &BaseUrl) -> MemberView {
    MemberView {
        uid: m.user_id,
        nick: m.nick.clone(),
        avatar_url: base.absolute(&m.avatar_url),
        is_opener: m.user_id == opener,
        date_add: db::format_unix(m.date_pay.unwrap_or(m.date_add)),
    }
}

/// pingtuanOpen's answer: `id` is the `pingtuanOpenId` to order with.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenView {
    pub id: i64,
    pub pingtuan_id: i64,
    pub goods_id: i64,
    pub status: i64,
    /// The deadline the group gets if its opener pays now.
    pub date_end: String,
}

/// One of the shopper's memberships (pingtuanMyJoined).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinedView {
    pub id: i64,
    pub tuan_id: i64,
    pub order_id: i64,
    pub order_number: String,
    /// 0 unpaid, 1 paid, 2 refunded.
    pub status: i64,
    pub date_add: String,
    pub tuan_info: TuanView,
}

/// One price tier (pingtuanMultilevel).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TierView {
    pub pingtuan_id: i64,
    pub goods_id: i64,
    /// Members that fill a group at this price.
    pub number: i64,
    pub price: f64,
}

/// pingtuanTuanInfo.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TuanInfo {
    pub tuan_info: TuanView,
    pub pingtuan_set: SetView,
    /// Paid members, first joined first.
    pub joiners: Vec<MemberView>,
}

/// `goodsId` as one id or a comma list.
fn goods_ids(p: &Params) -> Result<Vec<i64>, ApiError> {
    let text = p.text("goodsId", 4000)?;
    let ids = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<i64>().map_err(|_| ApiError::invalid("goodsId", format!("“{s}”不是商品编号"))))
        .collect::<Result<Vec<_>, _>>()?;
    if ids.is_empty() {
        return Err(ApiError::Missing("goodsId"));
    }
    if ids.len() > MAX_GOODS_IDS {
        return Err(ApiError::invalid("goodsId", format!("一次最多查询 {MAX_GOODS_IDS} 个商品")));
    }
    Ok(ids)
}

/// An optional positive id ('' and 0 mean none).
fn opt_id(p: &Params, name: &'static str) -> Result<Option<i64>, ApiError> {
    match p.get(name).map(str::trim) {
        None | Some("" | "0" | "undefined" | "null") => Ok(None),
        Some(_) => p.int(name).map(Some),
    }
}

/// GET /<sub>/shop/goods/pingtuan/set — pingtuanSet; anyone. The goods' usable set; 700 if none.
#[get("/shop/goods/pingtuan/set")]
async fn set(p: Params, db: &State<Db>) -> ApiResult<SetView> {
    let (goods, now) = (p.int("goodsId")?, db::unix_now());
    let sets = db.read(move |c| pingtuan::sets_for(c, &[goods], now)).await?;
    Ok(Reply(SetView::new(sets.first().ok_or(ApiError::Empty)?, now)))
}

/// GET /<sub>/shop/goods/pingtuan/sets — pingtuanSets; anyone. The usable sets of a comma list of
/// goods; 700 if none.
#[get("/shop/goods/pingtuan/sets")]
async fn sets(p: Params, db: &State<Db>) -> ApiResult<Vec<SetView>> {
    let (ids, now) = (goods_ids(&p)?, db::unix_now());
    let sets = db.read(move |c| pingtuan::sets_for(c, &ids, now)).await?;
    if sets.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(sets.iter().map(|s| SetView::new(s, now)).collect()))
}

/// POST /<sub>/shop/goods/pingtuan/open — pingtuanOpen; logged-in shopper. Opens a group on the
/// goods' set (listed once the opener's `orderCreate(pingtuanOpenId)` order is paid).
#[post("/shop/goods/pingtuan/open", data = "<req>")]
async fn open(req: Authed, db: &State<Db>) -> ApiResult<OpenView> {
    let (user, goods, now) = (req.user_id, req.p.int("goodsId")?, db::unix_now());
    let ext = match req.p.opt_text("extJsonStr", 2000)?.map(str::trim) {
        None | Some("") => "{}".to_string(),
        Some(t) => match serde_json::from_str::<serde_json::Value>(t) {
            Ok(serde_json::Value::Object(_)) => t.to_string(),
            _ => return Err(ApiError::invalid("extJsonStr", "应为 JSON 对象")),
        },
    };
    let (t, s) = db.write(move |c| pingtuan::open(c, user, goods, &ext, now)).await?;
    Ok(Reply(OpenView {
        id: t.id,
        pingtuan_id: t.set_id,
        goods_id: t.goods_id,
        status: t.status,
        date_end: db::format_unix(t.date_end.unwrap_or_else(|| pingtuan::deadline(&s, now))),
    }))
}

/// POST /<sub>/shop/goods/pingtuan/list/v2 — pingtuanList; anyone. A goods' groups in a status
/// (default 0, in progress: only groups whose opener has paid), newest first; 700 when none.
#[post("/shop/goods/pingtuan/list/v2", data = "<p>")]
async fn list(
    p: Params,
    db: &State<Db>,
    cache: &State<Cache>,
    base: BaseUrl,
) -> Result<RawEnvelope, ApiError> {
    let goods = opt_id(&p, "goodsId")?;
    let status = p.opt_int("status")?.unwrap_or(0);
    if !(0..=2).contains(&status) {
        return Err(ApiError::invalid("status", "应为 0（拼团中）、1（成功）或 2（失败）"));
    }
    let paging = Paging::from(&p)?;
    let (offset, limit) = (paging.offset(), paging.limit());
    // Every goods page asks for it: cached with the catalogue, whose epoch each group write ends.
    let key = base.cache_key(format!("pingtuan:{}:{goods:?}:{status}:{offset}:{limit}", base.0));
    catalogue_answer(cache, db, key, move |c, _| {
        let (rows, total) = crate::db::pingtuan::tuans_of_goods(c, goods, status, offset, limit)?;
        paging.page(rows.iter().map(|t| TuanView::new(t, &base)).collect(), total)
    })
    .await
}

/// GET /<sub>/shop/goods/pingtuan/joiner — pingtuanJoinUsers; anyone. A group's paid members,
/// first joined first; 700 when none.
#[get("/shop/goods/pingtuan/joiner")]
async fn join_users(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<Vec<MemberView>> {
    let tuan_id = p.int("tuanId")?;
    let (t, members) =
        db.read(move |c| pingtuan::tuan_with_members(c, tuan_id)).await?.ok_or(ApiError::Empty)?;
    let paid: Vec<MemberView> = members
        .iter()
        .filter(|m| m.status != crate::db::pingtuan::member_status::UNPAID)
        .map(|m| member_view(m, t.user_id, &base))
        .collect();
    if paid.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(paid))
}

/// POST /<sub>/shop/goods/pingtuan/my-join-list — pingtuanMyJoined; logged-in shopper. Their
/// groups (narrowed by goodsId, orderId, pingtuanId, tuanId), newest first; 700 when none.
#[post("/shop/goods/pingtuan/my-join-list", data = "<req>")]
async fn my_joined(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<JoinedView>> {
    let f = JoinedFilter {
        goods_id: opt_id(&req.p, "goodsId")?,
        order_id: opt_id(&req.p, "orderId")?,
        set_id: opt_id(&req.p, "pingtuanId")?,
        tuan_id: opt_id(&req.p, "tuanId")?,
    };
    let paging = Paging::from(&req.p)?;
    let (user, offset, limit) = (req.user_id, paging.offset(), paging.limit());
    let (rows, total) = db.read(move |c| pingtuan::joined_by(c, user, &f, offset, limit)).await?;
    let result = rows
        .iter()
        .map(|(m, t)| JoinedView {
            id: m.id,
            tuan_id: m.tuan_id,
            order_id: m.order_id,
            order_number: m.order_number.clone(),
            status: m.status,
            date_add: db::format_unix(m.date_add),
            tuan_info: TuanView::new(t, &base),
        })
        .collect();
    Ok(Reply(paging.page(result, total)?))
}

/// GET /<sub>/shop/goods/pingtuan/default — goodsDefaultPingtuan; anyone. The goods' group in
/// progress nearest to full (the one to offer a shopper); 700 when none.
#[get("/shop/goods/pingtuan/default")]
async fn default_tuan(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<TuanView> {
    let (goods, now) = (p.int("goodsId")?, db::unix_now());
    let t = db.read(move |c| pingtuan::fullest_going(c, goods, now)).await?.ok_or(ApiError::Empty)?;
    Ok(Reply(TuanView::new(&t, &base)))
}

/// GET /<sub>/shop/goods/pingtuan/pingtuanMultilevel — pingtuanMultilevel; anyone. The goods'
/// group price tiers (one per usable set: its size and price); 700 when none.
#[get("/shop/goods/pingtuan/pingtuanMultilevel")]
async fn multilevel(p: Params, db: &State<Db>) -> ApiResult<Vec<TierView>> {
    let (goods, now) = (p.int("goodsId")?, db::unix_now());
    let sets = db.read(move |c| pingtuan::sets_for(c, &[goods], now)).await?;
    if sets.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(
        sets.iter()
            .map(|s| TierView {
                pingtuan_id: s.id,
                goods_id: s.fields.goods_id,
                number: s.fields.number_persion,
                price: to_yuan(s.fields.price),
            })
            .collect(),
    ))
}

/// GET /<sub>/shop/goods/pingtuan/tuanInfo — pingtuanTuanInfo; anyone. A group, its set and its
/// paid members; 700 for an unknown group.
#[get("/shop/goods/pingtuan/tuanInfo")]
async fn tuan_info(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<TuanInfo> {
    let (tuan_id, now) = (p.int("tuanId")?, db::unix_now());
    let found = db.read(move |c| pingtuan::tuan_page(c, tuan_id)).await?;
    let (t, s, members) = found.ok_or(ApiError::Empty)?;
    Ok(Reply(TuanInfo {
        tuan_info: TuanView::new(&t, &base),
        pingtuan_set: SetView::new(&s, now),
        joiners: members
            .iter()
            .filter(|m| m.status != crate::db::pingtuan::member_status::UNPAID)
            .map(|m| member_view(m, t.user_id, &base))
            .collect(),
    }))
}
