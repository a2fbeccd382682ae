//! Coupons (`/discounts/...`): the rules shoppers can take, taking them, their own coupons,
//! exchange codes, gifts and merges. The rules of each step live in service::coupons.
//!
//! Money is answered in yuan; a discount coupon (`moneyType` 1) answers `money` in 折 (8.8).

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, MaybeAuthed, Params, Reply};
use crate::db::coupons::{self as store, Held, Merge, Rule};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money;
use crate::service::coupons::{self as coupons, money_shown, Fetch};

pub fn routes() -> Vec<Route> {
    routes![list, detail, fetch, mine, merge_rules, merge, send, exchange]
}

/// A rule as `coupons` and `couponDetail` answer it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleView {
    pub id: i64,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub money_type: i64,
    pub money: f64,
    /// Fixed amounts: min = max = money.
    pub money_min: f64,
    pub money_max: f64,
    pub money_hreshold: f64,
    /// 0: valid in the window [dateStart, dateEnd]; 1: `dateEndDays` days after taking.
    pub date_end_type: i64,
    pub date_start: String,
    pub date_end: String,
    /// `dateEnd` under the name the activity page reads ("" for days-after-taking coupons).
    pub end_time: String,
    pub date_end_days: i64,
    pub need_score: i64,
    pub need_amount: f64,
    /// Check-in streaks are not a condition here.
    pub need_signed_continuous: i64,
    pub number_totle: i64,
    pub number_gits: i64,
    pub number_left: i64,
    pub number_person_max: i64,
    /// Whether taking it needs a password (never the password itself).
    pub pwd: bool,
    pub is_pwd: bool,
    /// Limited to some goods or categories.
    pub is_range: bool,
    pub expire: bool,
    /// Whether the logged-in shopper took one already (false without a token).
    pub received: bool,
    pub status: i64,
    pub status_str: &'static str,
}

impl RuleView {
    fn new(r: &Rule, received: bool, now: i64) -> RuleView {
        let f = &r.f;
        let fixed = f.valid_type == 0;
        let shown = money_shown(f.money_type, f.money);
        let date_end = if fixed { db::format_unix(f.date_end) } else { String::new() };
        let expire = fixed && f.date_end <= now;
        RuleView {
            id: r.id,
            name: f.name.clone(),
            kind: f.kind.clone(),
            money_type: f.money_type,
            money: shown,
            money_min: shown,
            money_max: shown,
            money_hreshold: money::to_yuan(f.money_hreshold),
            date_end_type: f.valid_type,
            date_start: if fixed { db::format_unix(f.date_start) } else { String::new() },
            end_time: date_end.clone(),
            date_end,
            date_end_days: f.valid_days,
            need_score: f.need_score,
            need_amount: money::to_yuan(f.need_amount),
            need_signed_continuous: 0,
            number_totle: f.number_total,
            number_gits: r.number_taken,
            number_left: (f.number_total - r.number_taken).max(0),
            number_person_max: f.per_user,
            pwd: !f.pwd.is_empty(),
            is_pwd: !f.pwd.is_empty(),
            is_range: f.scope != store::SCOPE_ALL,
            expire,
            received,
            status: f.status,
            status_str: if f.status != 0 {
                "已下架"
            } else if expire {
                "已过期"
            } else if r.number_taken >= f.number_total {
                "已领完"
            } else {
                "可领取"
            },
        }
    }
}

/// couponDetail: the rule plus what it applies to.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleDetail {
    #[serde(flatten)]
    pub info: RuleView,
    /// `type` 0: `refId` is a goods id; 1: a category id. Empty when it applies to everything.
    pub coupon_refs: Vec<CouponRef>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CouponRef {
    #[serde(rename = "type")]
    pub kind: i64,
    pub ref_id: i64,
}

/// A coupon a shopper holds.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MyCoupon {
    pub id: i64,
    /// The rule's id.
    pub pid: i64,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub money_type: i64,
    pub money: f64,
    pub money_min: f64,
    pub money_max: f64,
    pub money_hreshold: f64,
    pub date_start: String,
    pub date_end: String,
    pub date_add: String,
    pub date_use: String,
    /// 0 usable, 1 locked by an order, 2 used, 3 expired.
    pub status: i64,
    pub status_str: &'static str,
    pub order_id: Option<i64>,
    /// fetch, exchange, send, merge, admin.
    pub source: String,
    /// Held coupons never need a password.
    pub pwd: bool,
}

/// A status label for a held coupon.
pub fn status_str(status: i64) -> &'static str {
    match status {
        store::USABLE => "可使用",
        store::LOCKED => "使用中",
        store::USED => "已使用",
        _ => "已过期",
    }
}

impl MyCoupon {
    pub fn new(h: Held, now: i64) -> MyCoupon {
        // A usable coupon past its end reads as expired before the job gets to it.
        let status = if h.status == store::USABLE && h.date_end <= now { store::EXPIRED } else { h.status };
        let shown = money_shown(h.money_type, h.money);
        MyCoupon {
            id: h.id,
            pid: h.rule_id,
            name: h.name,
            kind: h.kind,
            money_type: h.money_type,
            money: shown,
            money_min: shown,
            money_max: shown,
            money_hreshold: money::to_yuan(h.money_hreshold),
            date_start: db::format_unix(h.date_start),
            date_end: db::format_unix(h.date_end),
            date_add: db::format_unix(h.date_add),
            date_use: h.date_use.map(db::format_unix).unwrap_or_default(),
            status,
            status_str: status_str(status),
            order_id: h.order_id,
            source: h.source,
            pwd: false,
        }
    }
}

/// A merge rule as mergeCouponsRules answers it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergeView {
    pub id: i64,
    pub name: String,
    /// The rule of the coupon the merge gives.
    pub coupon_id: i64,
    pub coupon_name: String,
    /// What to hand in.
    pub rules: Vec<MergePart>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergePart {
    pub coupon_id: i64,
    pub name: String,
    pub number: i64,
}

impl From<Merge> for MergeView {
    fn from(m: Merge) -> Self {
        MergeView {
            id: m.id,
            name: m.name,
            coupon_id: m.rule_id,
            coupon_name: m.rule_name,
            rules: m
                .parts
                .into_iter()
                .map(|(coupon_id, name, number)| MergePart { coupon_id, name, number })
                .collect(),
        }
    }
}

/// Rules shown to shoppers, optionally only those that apply to goods `refId`.
fn open_rules(
    c: &rusqlite::Connection,
    p: &ListFilter,
    user: Option<i64>,
    now: i64,
) -> Result<Vec<RuleView>, ApiError> {
    let mut rules = store::open_rules(c, p.kind.as_deref(), now)?;
    if let Some(goods) = p.goods_id {
        let category = store::goods_category(c, goods)?;
        rules.retain(|r| match r.f.scope {
            store::SCOPE_GOODS => r.f.refs.contains(&goods),
            store::SCOPE_CATEGORIES => category.is_some_and(|cat| r.f.refs.contains(&cat)),
            _ => true,
        });
    }
    let taken = match user {
        Some(u) => store::fetched_rule_ids(c, u)?,
        None => Vec::new(),
    };
    Ok(rules.iter().map(|r| RuleView::new(r, taken.contains(&r.id), now)).collect())
}

struct ListFilter {
    kind: Option<String>,
    goods_id: Option<i64>,
}

/// GET /<sub>/discounts/coupons — coupons; anyone (with a token: `received` is filled). A bare
/// array, 700 when none. `refId` = a goods id: only rules that apply to it; `type` = the label.
#[get("/discounts/coupons")]
async fn list(req: MaybeAuthed, db: &State<Db>) -> ApiResult<Vec<RuleView>> {
    let f = ListFilter {
        kind: req.p.opt_text("type", 30)?.map(str::to_string),
        goods_id: req.p.opt_int("refId")?,
    };
    let user = req.user_id;
    let now = db::unix_now();
    let rows = db.read(move |c| open_rules(c, &f, user, now)).await?;
    if rows.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(rows))
}

/// GET /<sub>/discounts/detail — couponDetail; anyone. A switched-off rule answers 404.
#[get("/discounts/detail")]
async fn detail(p: Params, db: &State<Db>) -> ApiResult<RuleDetail> {
    let id = p.int("id")?;
    let rule = db.read(move |c| store::rule(c, id)).await?;
    let rule = rule.filter(|r| r.f.status == 0).ok_or(ApiError::NotFound("优惠券"))?;
    let kind = i64::from(rule.f.scope == store::SCOPE_CATEGORIES);
    let coupon_refs = rule.f.refs.iter().map(|&ref_id| CouponRef { kind, ref_id }).collect();
    Ok(Reply(RuleDetail { info: RuleView::new(&rule, false, db::unix_now()), coupon_refs }))
}

/// Loads a held coupon for the answer.
fn held_view(c: &rusqlite::Connection, user: i64, id: i64, now: i64) -> Result<MyCoupon, ApiError> {
    let h = store::held(c, user, id)?.ok_or(ApiError::NotFound("优惠券"))?;
    Ok(MyCoupon::new(h, now))
}

/// POST /<sub>/discounts/fetch — fetchCoupons; logged-in shopper. Codes: 20001 not available,
/// 20002 none left, 20003 limit reached, 20004 ended, 30001 points short, 30002 must pay (`data` =
/// yuan still due). `detect=true` only checks; it answers null.
#[post("/discounts/fetch", data = "<req>")]
async fn fetch(req: Authed, db: &State<Db>) -> ApiResult<Option<MyCoupon>> {
    let rule_id = req.p.int("id")?;
    let pwd = req.p.opt_text("pwd", 32)?.map(str::to_string);
    let detect = req.p.opt_bool("detect")?.unwrap_or(false);
    let user = req.user_id;
    let now = db::unix_now();
    let got = db
        .write(move |c| {
            let f = Fetch { rule_id, pwd: pwd.as_deref(), detect };
            coupons::fetch(c, user, &f, now)?.map(|id| held_view(c, user, id, now)).transpose()
        })
        .await?;
    Ok(Reply(got))
}

/// The `status` filter: one state or a comma-joined list of 0–3.
fn statuses(p: &Params) -> Result<Vec<i64>, ApiError> {
    let Some(text) = p.opt_text("status", 20)? else { return Ok(Vec::new()) };
    text.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| match s.trim().parse::<i64>() {
            Ok(v @ 0..=3) => Ok(v),
            _ => Err(ApiError::invalid(
                "status",
                "应为 0（可用）、1（使用中）、2（已使用）、3（已过期），可用逗号分隔",
            )),
        })
        .collect()
}

/// GET /<sub>/discounts/my — myCoupons; logged-in shopper. A bare array, 700 when none.
/// `status` filters (0 usable …; "2,3" for several); `consumAmount` (yuan) keeps coupons whose
/// threshold it reaches.
#[get("/discounts/my")]
async fn mine(req: Authed, db: &State<Db>) -> ApiResult<Vec<MyCoupon>> {
    let wanted = statuses(&req.p)?;
    let reach = match req.p.opt_text("consumAmount", 20)? {
        Some(v) => Some(money::parse(v).ok_or_else(|| ApiError::invalid("consumAmount", "应为金额（元）"))?),
        None => None,
    };
    let user = req.user_id;
    let now = db::unix_now();
    let rows = db.read(move |c| store::held_by(c, user, &[])).await?;
    let rows: Vec<MyCoupon> = rows
        .into_iter()
        .filter(|h| reach.is_none_or(|fen| h.money_hreshold <= fen))
        .map(|h| MyCoupon::new(h, now))
        .filter(|m| wanted.is_empty() || wanted.contains(&m.status))
        .collect();
    if rows.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(rows))
}

/// GET /<sub>/discounts/merge/list — mergeCouponsRules; anyone. 700 when none.
#[get("/discounts/merge/list")]
async fn merge_rules(db: &State<Db>) -> ApiResult<Vec<MergeView>> {
    let rows = db.read(store::open_merges).await?;
    if rows.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(rows.into_iter().map(Into::into).collect()))
}

/// Comma-joined ids.
fn id_list(p: &Params, name: &'static str) -> Result<Vec<i64>, ApiError> {
    let text = p.text(name, 2000)?;
    let ids: Result<Vec<i64>, _> =
        text.split(',').filter(|s| !s.trim().is_empty()).map(|s| s.trim().parse()).collect();
    match ids {
        Ok(ids) if !ids.is_empty() && ids.len() <= 100 => Ok(ids),
        _ => Err(ApiError::invalid(name, "应为逗号分隔的编号（最多 100 个）")),
    }
}

/// POST /<sub>/discounts/merge — mergeCoupons; logged-in shopper. Hands in `couponIds` as merge
/// rule `mergeId` asks; answers the new coupon.
#[post("/discounts/merge", data = "<req>")]
async fn merge(req: Authed, db: &State<Db>) -> ApiResult<MyCoupon> {
    let merge_id = req.p.int("mergeId")?;
    let ids = id_list(&req.p, "couponIds")?;
    let user = req.user_id;
    let now = db::unix_now();
    let got = db
        .write(move |c| {
            let id = coupons::merge(c, user, merge_id, &ids, now)?;
            held_view(c, user, id, now)
        })
        .await?;
    Ok(Reply(got))
}

/// POST /<sub>/discounts/send — sendCoupons; logged-in shopper. Gives usable coupon `id` to the
/// shopper `uid` (or the one with `mobile`).
#[post("/discounts/send", data = "<req>")]
async fn send(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let id = req.p.int("id")?;
    let uid = req.p.opt_int("uid")?;
    let mobile = req.p.opt_text("mobile", 20)?.map(str::to_string);
    if uid.is_none() && mobile.is_none() {
        return Err(ApiError::Missing("uid"));
    }
    let user = req.user_id;
    let now = db::unix_now();
    db.write(move |c| {
        let to = match (uid, mobile) {
            (Some(uid), _) => uid,
            (None, Some(m)) => db::user::by_mobile(c, &m)?.ok_or(ApiError::NotFound("该手机号的用户"))?.id,
            (None, None) => return Err(ApiError::Missing("uid")),
        };
        Ok(coupons::send(c, user, to, id, now)?)
    })
    .await?;
    Ok(Reply(()))
}

/// POST /<sub>/discounts/exchange — exchangeCoupons; logged-in shopper. Exchange code `number` +
/// `pwd` give one coupon, once; answers it.
#[post("/discounts/exchange", data = "<req>")]
async fn exchange(req: Authed, db: &State<Db>) -> ApiResult<MyCoupon> {
    let number = req.p.text("number", 64)?.to_string();
    let pwd = req.p.text("pwd", 64)?.to_string();
    let user = req.user_id;
    let now = db::unix_now();
    let got = db
        .write(move |c| {
            let id = coupons::exchange(c, user, &number, &pwd, now)?;
            held_view(c, user, id, now)
        })
        .await?;
    Ok(Reply(got))
}
