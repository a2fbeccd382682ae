//! Distribution (三级分销): binding under a referrer, becoming a distributor, the downline and the
//! commission the distribution centre pages read. Off (`fxOpen` 0): reads answer 700, writes 403.

use std::collections::{BTreeMap, HashMap};

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::user::{detail_of, UserDetail};
use super::{ApiResult, Authed, BaseUrl, Page, Paging, Params, Reply};
use crate::db::fx::{self as store, CommissionFilter, MemberFilter};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money::to_yuan;
use crate::service::calendar::parse_day;
use crate::service::fx::{self, FxRules};
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![
        setting,
        apply,
        apply_progress,
        buy,
        bind_seller,
        members_statistics,
        members,
        commission_log,
        my_commission,
        spread_user
    ]
}

/// The shop's time zone offset (Asia/Shanghai).
const SHOP_OFFSET_SECS: i64 = 8 * 3600;

fn rules(settings: &Settings) -> FxRules {
    FxRules::of(&settings.get())
}

/// Reads answer 700 while distribution is off.
fn open_for_reads(settings: &Settings) -> Result<FxRules, ApiError> {
    let r = rules(settings);
    if r.open {
        Ok(r)
    } else {
        Err(ApiError::NoData("本店未开启分销"))
    }
}

/// The Unix second a `YYYY-MM-DD` day (shop time) begins; `next`: the day after it.
fn day_param(p: &Params, name: &'static str, next: bool) -> Result<Option<i64>, ApiError> {
    let Some(text) = p.get(name).map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    let day = parse_day(name, text.get(..10).unwrap_or(text))?;
    let start = day.midnight().assume_utc().unix_timestamp() - SHOP_OFFSET_SECS;
    Ok(Some(if next { start + 86_400 } else { start }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingView {
    pub is_open: bool,
    pub levels: i64,
    pub percent1: i64,
    pub percent2: i64,
    pub percent3: i64,
    /// 0 money, 1 points.
    pub unit: i64,
    /// "review" or "auto".
    pub apply_mode: &'static str,
    pub can_buy: bool,
    /// Yuan.
    pub price: f64,
    pub freeze_days: i64,
    pub self_purchase: bool,
    pub rebind: bool,
}

/// GET /<sub>/saleDistribution/setting — fxSetting; anyone. The distribution rules in force.
#[get("/saleDistribution/setting")]
fn setting(settings: &State<Settings>) -> ApiResult<SettingView> {
    let r = rules(settings);
    Ok(Reply(SettingView {
        is_open: r.open,
        levels: r.levels,
        percent1: r.percent(1),
        percent2: r.percent(2),
        percent3: r.percent(3),
        unit: r.unit,
        apply_mode: if r.apply_auto { "auto" } else { "review" },
        can_buy: r.open && r.price_fen > 0,
        price: to_yuan(r.price_fen),
        freeze_days: r.freeze_days,
        self_purchase: r.self_purchase,
        rebind: r.rebind,
    }))
}

/// POST /<sub>/saleDistribution/apply — fxApply; logged-in shopper. name, mobile.
#[post("/saleDistribution/apply", data = "<req>")]
async fn apply(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<()> {
    let name = req.p.text("name", 30)?.trim().to_string();
    let mobile = req.p.text("mobile", 20)?.trim().to_string();
    if !mobile.chars().all(|ch| ch.is_ascii_digit() || ch == '+' || ch == '-') {
        return Err(ApiError::invalid("mobile", "应为手机号码".to_string()));
    }
    let (r, uid) = (rules(settings), req.user_id);
    db.write(move |c| fx::apply(c, &r, uid, &name, &mobile, db::unix_now())).await?;
    Ok(Reply(()))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgressView {
    pub id: i64,
    pub uid: i64,
    pub name: String,
    pub mobile: String,
    /// 0 审核中, 1 不通过, 2 通过.
    pub status: i64,
    pub status_str: &'static str,
    pub remark: String,
    pub date_add: String,
    pub date_update: String,
}

/// GET /<sub>/saleDistribution/apply/progress — fxApplyProgress; logged-in shopper. The latest
/// application; 700 when the shopper never applied.
#[get("/saleDistribution/apply/progress")]
async fn apply_progress(req: Authed, db: &State<Db>) -> ApiResult<ProgressView> {
    let uid = req.user_id;
    let a = db.read(move |c| store::latest_application(c, uid)).await?.ok_or(ApiError::Empty)?;
    Ok(Reply(ProgressView {
        id: a.id,
        uid: a.user_id,
        name: a.name,
        mobile: a.mobile,
        status: a.status,
        status_str: store::apply_status::label(a.status),
        remark: a.remark,
        date_add: db::format_unix(a.date_add),
        date_update: a.date_update.map(db::format_unix).unwrap_or_default(),
    }))
}

/// POST /<sub>/saleDistribution/buy — fxBuy; logged-in shopper. Pays the price from the balance
/// (40000 with the amount due when short) and makes the shopper a distributor at once.
#[post("/saleDistribution/buy", data = "<req>")]
async fn buy(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<()> {
    let (r, uid) = (rules(settings), req.user_id);
    db.write(move |c| fx::buy(c, &r, uid, db::unix_now())).await?;
    Ok(Reply(()))
}

/// POST /<sub>/user/bindSeller — bindSeller; logged-in shopper. uid (the referrer), traceSeller.
#[post("/user/bindSeller", data = "<req>")]
async fn bind_seller(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<i64> {
    let referrer = req.p.int("uid")?;
    let trace = req.p.opt_bool("traceSeller")?.unwrap_or(false);
    let (r, uid) = (rules(settings), req.user_id);
    let bound = db.write(move |c| fx::bind(c, &r, uid, referrer, trace)).await?;
    Ok(Reply(match bound {
        fx::Bound::To(id) | fx::Bound::Already(id) => id,
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MembersStatistics {
    pub totle_fans: i64,
    pub totle_fans_level1: i64,
    pub totle_fans_level2: i64,
    pub totle_fans_level3: i64,
    pub totle_child_fxs: i64,
    pub totle_child_fxs_level1: i64,
    pub totle_child_fxs_level2: i64,
    pub totle_child_fxs_level3: i64,
}

/// GET /<sub>/saleDistribution/members/statistics — fxMembersStatistics; logged-in shopper. How
/// many members (and distributors among them) sit 1, 2 and 3 levels below the shopper.
#[get("/saleDistribution/members/statistics")]
async fn members_statistics(
    req: Authed,
    db: &State<Db>,
    settings: &State<Settings>,
) -> ApiResult<MembersStatistics> {
    open_for_reads(settings)?;
    let uid = req.user_id;
    let [l1, l2, l3] = db.read(move |c| store::downline_counts(c, uid)).await?;
    Ok(Reply(MembersStatistics {
        totle_fans: l1.0 + l2.0 + l3.0,
        totle_fans_level1: l1.0,
        totle_fans_level2: l2.0,
        totle_fans_level3: l3.0,
        totle_child_fxs: l1.1 + l2.1 + l3.1,
        totle_child_fxs_level1: l1.1,
        totle_child_fxs_level2: l2.1,
        totle_child_fxs_level3: l3.1,
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    pub uids: i64,
    pub nicks: String,
    pub avatar_urls: String,
    pub mobile_masks: String,
    pub is_seller: bool,
    pub date_add: String,
    pub last_order_date: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberSales {
    pub saleroom: f64,
    pub number_order: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberCash {
    pub totle_consumed: f64,
    pub total_pay_number: i64,
    pub total_pay_amount: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MembersPage {
    #[serde(flatten)]
    pub page: Page<MemberView>,
    pub statistics_commision_map: BTreeMap<String, MemberSales>,
    pub user_cash_map: BTreeMap<String, MemberCash>,
}

fn mask(mobile: &str) -> String {
    let chars: Vec<char> = mobile.chars().collect();
    if chars.len() < 7 {
        return mobile.to_string();
    }
    let (head, tail) = (&chars[..3], &chars[chars.len() - 4..]);
    format!("{}****{}", head.iter().collect::<String>(), tail.iter().collect::<String>())
}

/// POST /<sub>/saleDistribution/members — fxMembers; logged-in shopper. One page of the members
/// `level` (1 default, 2, 3) below the shopper, filtered by `uids` and `dateAddBegin/End` (the
/// day they were bound); 700 when none.
#[post("/saleDistribution/members", data = "<req>")]
async fn members(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<MembersPage> {
    open_for_reads(settings)?;
    let level = req.p.opt_int("level")?.unwrap_or(1);
    if !(1..=3).contains(&level) {
        return Err(ApiError::invalid("level", "应为 1、2 或 3".to_string()));
    }
    let filter = MemberFilter {
        ancestor: req.user_id,
        level,
        member: req.p.opt_int("uids")?,
        from: day_param(&req.p, "dateAddBegin", false)?,
        to: day_param(&req.p, "dateAddEnd", true)?,
    };
    let paging = Paging::from(&req.p)?;
    let (offset, limit) = (paging.offset(), paging.limit());
    let (total, rows) = db.read(move |c| store::members(c, &filter, offset, limit)).await?;
    if rows.is_empty() {
        return Err(ApiError::Empty);
    }
    let mut sales = BTreeMap::new();
    let mut cash = BTreeMap::new();
    let mut result = Vec::with_capacity(rows.len());
    for m in rows {
        sales.insert(
            m.user_id.to_string(),
            MemberSales { saleroom: to_yuan(m.saleroom), number_order: m.number_order },
        );
        cash.insert(
            m.user_id.to_string(),
            MemberCash {
                totle_consumed: to_yuan(m.totle_consumed),
                total_pay_number: m.pay_number,
                total_pay_amount: to_yuan(m.pay_amount),
            },
        );
        result.push(MemberView {
            uids: m.user_id,
            nicks: m.nick,
            avatar_urls: m.avatar_url,
            mobile_masks: mask(&m.mobile),
            is_seller: m.is_seller,
            date_add: db::format_unix(m.date_bind),
            last_order_date: m.last_order.map(db::format_unix).unwrap_or_default(),
        });
    }
    Ok(Reply(MembersPage {
        page: paging.page(result, total)?,
        statistics_commision_map: sales,
        user_cash_map: cash,
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommissionView {
    pub id: i64,
    pub order_id: i64,
    pub goods_name: String,
    /// Yuan (unit 0) or points (unit 1).
    pub money: f64,
    /// Percent.
    pub bili: i64,
    pub level: i64,
    pub unit: i64,
    pub is_settlement: bool,
    pub status: i64,
    pub status_str: &'static str,
    pub uids: i64,
    pub nicks: String,
    pub date_add: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogOrder {
    pub id: i64,
    pub order_number: String,
    pub status: i64,
    pub status_str: &'static str,
    pub goods_number: i64,
    pub amount_real: f64,
    pub score: i64,
    pub date_add: String,
    pub remark: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogGoods {
    pub goods_name: String,
    pub pic: String,
    pub amount_single: f64,
    pub number: i64,
}

#[derive(Serialize)]
pub struct Nick {
    pub nick: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommissionLog {
    #[serde(flatten)]
    pub page: Page<CommissionView>,
    pub order_list: Vec<LogOrder>,
    pub goods_map: BTreeMap<String, Vec<LogGoods>>,
    pub user_inviter: BTreeMap<String, Nick>,
}

type LogOrders = Vec<(db::order::OrderRow, Vec<db::order::LineRow>)>;

/// The orders (with their lines) of a page of commissions, and each buyer's referrer's nick.
fn log_extras(
    c: &rusqlite::Connection,
    rows: &[store::Commission],
) -> db::Result<(LogOrders, HashMap<i64, String>)> {
    let mut orders: LogOrders = Vec::new();
    let mut inviters = HashMap::new();
    for m in rows {
        if !orders.iter().any(|(o, _)| o.id == m.order_id) {
            if let Some(o) = db::order::order(c, m.order_id)? {
                let lines = db::order::lines(c, o.id)?;
                orders.push((o, lines));
            }
        }
        if let std::collections::hash_map::Entry::Vacant(e) = inviters.entry(m.buyer_id) {
            let referrer = db::user::by_id(c, m.buyer_id)?.and_then(|u| u.referrer_id);
            let nick = match referrer {
                Some(r) => db::user::by_id(c, r)?.map(|u| u.nick).unwrap_or_default(),
                None => String::new(),
            };
            e.insert(nick);
        }
    }
    Ok((orders, inviters))
}

/// `orderList` and `goodsMap` (by order id) of the commission log.
fn order_views(orders: LogOrders) -> (Vec<LogOrder>, BTreeMap<String, Vec<LogGoods>>) {
    let mut goods_map = BTreeMap::new();
    let mut order_list = Vec::new();
    for (o, lines) in orders {
        goods_map.insert(
            o.id.to_string(),
            lines
                .iter()
                .map(|l| LogGoods {
                    goods_name: l.line.goods_name.clone(),
                    pic: l.line.pic.clone(),
                    amount_single: to_yuan(l.line.amount_single),
                    number: l.line.number,
                })
                .collect(),
        );
        order_list.push(LogOrder {
            id: o.id,
            order_number: o.order_number,
            status: o.fields.status,
            status_str: db::order::status::label(o.fields.status),
            goods_number: o.fields.goods_number,
            amount_real: to_yuan(o.fields.amount_real),
            score: o.fields.score,
            date_add: db::format_unix(o.date_add),
            remark: o.fields.remark,
        });
    }
    (order_list, goods_map)
}

impl From<store::Commission> for CommissionView {
    fn from(m: store::Commission) -> Self {
        let left = m.amount - m.cancelled - m.clawed;
        CommissionView {
            id: m.id,
            order_id: m.order_id,
            status_str: fx::status_label(&m),
            goods_name: m.goods_name,
            money: if m.unit == 0 { to_yuan(left) } else { left as f64 },
            bili: m.percent,
            level: m.level,
            unit: m.unit,
            is_settlement: m.status == store::commission_status::SETTLED,
            status: m.status,
            uids: m.buyer_id,
            nicks: m.buyer_nick,
            date_add: db::format_unix(m.date_add),
        }
    }
}

/// POST /<sub>/saleDistribution/commision/log — fxCommisionLog; logged-in shopper. The
/// shopper's commission, newest first, with the orders, their goods and the buyers' referrers;
/// filters isSettlement, level, unit, uids (the buyer), dateAddBegin/End; 700 when none.
#[post("/saleDistribution/commision/log", data = "<req>")]
async fn commission_log(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<CommissionLog> {
    open_for_reads(settings)?;
    let status = req.p.opt_bool("isSettlement")?.map(|s| {
        if s {
            store::commission_status::SETTLED
        } else {
            store::commission_status::PENDING
        }
    });
    let filter = CommissionFilter {
        user_id: Some(req.user_id),
        status,
        level: req.p.opt_int("level")?,
        unit: req.p.opt_int("unit")?,
        buyer: req.p.opt_int("uids")?,
        from: day_param(&req.p, "dateAddBegin", false)?,
        to: day_param(&req.p, "dateAddEnd", true)?,
    };
    let paging = Paging::from(&req.p)?;
    let (offset, limit) = (paging.offset(), paging.limit());
    let (total, rows, orders, inviters) = db
        .read(move |c| {
            let (total, rows) = store::commissions(c, &filter, offset, limit)?;
            let (orders, inviters) = log_extras(c, &rows)?;
            Ok::<_, crate::db::Error>((total, rows, orders, inviters))
        })
        .await?;
    if rows.is_empty() {
        return Err(ApiError::Empty);
    }
    let result = rows.into_iter().map(CommissionView::from).collect();
    let (order_list, goods_map) = order_views(orders);
    let user_inviter = inviters.into_iter().map(|(k, nick)| (k.to_string(), Nick { nick })).collect();
    Ok(Reply(CommissionLog { page: paging.page(result, total)?, order_list, goods_map, user_inviter }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeriodCommission {
    /// The period as asked: 0 (all time), yyyy, yyyyMM or yyyyMMdd.
    pub day: String,
    /// Yuan: pending, settled, cancelled; points likewise.
    pub unsettlement: f64,
    pub settlement: f64,
    pub cancelled: f64,
    pub total: f64,
    pub unsettlement_score: i64,
    pub settlement_score: i64,
    pub saleroom: f64,
    pub number_order: i64,
}

/// GET /<sub>/saleDistribution/my/commision — fxMyCommisionStatistics; logged-in shopper. For
/// each period in `days` (comma list of 0, yyyy, yyyyMM, yyyyMMdd): the shopper's commission
/// pending, settled and cancelled, and the sales it came from.
#[get("/saleDistribution/my/commision")]
async fn my_commission(
    req: Authed,
    db: &State<Db>,
    settings: &State<Settings>,
) -> ApiResult<Vec<PeriodCommission>> {
    open_for_reads(settings)?;
    let days: Vec<String> = req
        .p
        .opt_text("days", 200)?
        .unwrap_or("0")
        .split(',')
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .collect();
    let mut periods = Vec::with_capacity(days.len());
    for d in days {
        let range = fx::period("days", &d)?;
        periods.push((d, range));
    }
    let uid = req.user_id;
    let totals = db
        .read(move |c| {
            let mut out = Vec::with_capacity(periods.len());
            for (d, (from, to)) in periods {
                let money = store::totals(c, uid, 0, from, to)?;
                let points = store::totals(c, uid, 1, from, to)?;
                out.push((d, money, points));
            }
            Ok::<_, crate::service::error::Error>(out)
        })
        .await?;
    Ok(Reply(
        totals
            .into_iter()
            .map(|(day, m, p)| PeriodCommission {
                day,
                unsettlement: to_yuan(m.pending),
                settlement: to_yuan(m.settled),
                cancelled: to_yuan(m.cancelled),
                total: to_yuan(m.pending + m.settled),
                unsettlement_score: p.pending,
                settlement_score: p.settled,
                saleroom: to_yuan(m.base + p.base),
                number_order: m.orders + p.orders,
            })
            .collect(),
    ))
}

/// GET /<sub>/user/detail/spreadUser — userDetailSpreadUser; logged-in shopper. The userDetail of
/// `uid`, only for a member of the caller's downline (levels 1–3); 403 for anyone else.
#[get("/user/detail/spreadUser")]
async fn spread_user(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<UserDetail> {
    let member = req.p.int("uid")?;
    let uid = req.user_id;
    let found = db
        .read(move |c| {
            if store::level_below(c, uid, member)?.is_none() {
                return Err(ApiError::Forbidden("只能查看自己团队成员的资料".into()));
            }
            detail_of(c, &base, member)
        })
        .await?;
    Ok(Reply(found.ok_or(ApiError::NotFound(crate::present::noun(crate::service::error::Entity::User)))?))
}
