//! 分销: the distribution rules, applications to become a distributor (approve, or reject with
//! the reason the shopper sees), the distributors with their downline, and the commission ledger.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::funds::{decide, wanted, DecidePage, Field};
use super::page::{done, failed, render, when, whole_setting, Answer, Html, Pager, Posted, Staff};
use crate::db::fx::{self as store, apply_status, commission_status, CommissionFilter};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::service::{self, fx};
use crate::settings::keys::fx as keys;
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![show, save, confirm_approve, approve, confirm_reject, reject, sellers, commissions]
}

const BACK: &str = "/admin/fx";

/// The rules form as typed.
#[derive(FromForm, Default)]
struct RulesForm {
    open: Option<String>,
    levels: String,
    percent1: String,
    percent2: String,
    percent3: String,
    unit: String,
    apply_mode: String,
    price_yuan: String,
    freeze_days: String,
    self_purchase: Option<String>,
    rebind: Option<String>,
    sellers_only: Option<String>,
}

/// One application as the list shows it.
struct ApplicationRow {
    id: i64,
    shopper: String,
    name: String,
    mobile: String,
    status: i64,
    status_str: &'static str,
    remark: String,
    date_add: String,
}

#[derive(Template)]
#[template(path = "admin/fx/index.html")]
struct IndexPage {
    staff: Staff,
    f: RulesForm,
    rows: Vec<ApplicationRow>,
    status: String,
    pager: Pager,
}

fn flag(on: bool) -> Option<String> {
    on.then(|| "1".to_string())
}

/// GET /admin/fx — staff only. The rules and the applications (filtered by `status`).
#[get("/fx?<status>&<page>")]
async fn show(
    staff: Staff,
    db: &State<Db>,
    settings: &State<Settings>,
    status: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let r = fx::FxRules::of(&settings.get());
    let want = wanted(status, 2);
    let (rows, total) = db
        .read(move |c| {
            Pager::fetch(page, |offset, limit| {
                store::applications(c, want, offset, limit).map(|(t, r)| (r, t))
            })
        })
        .await?;
    let status = want.map(|s| s.to_string()).unwrap_or_default();
    let pager = Pager::new(page, total, &[("status", &status)]);
    let rows = rows
        .into_iter()
        .map(|a| ApplicationRow {
            id: a.id,
            shopper: format!("{}（{}）", a.nick, a.user_id),
            name: a.name,
            mobile: a.mobile,
            status: a.status,
            status_str: apply_status::label(a.status),
            remark: a.remark,
            date_add: when(&a.date_add),
        })
        .collect();
    let f = RulesForm {
        open: flag(r.open),
        levels: r.levels.to_string(),
        percent1: r.percents[0].to_string(),
        percent2: r.percents[1].to_string(),
        percent3: r.percents[2].to_string(),
        unit: r.unit.to_string(),
        apply_mode: if r.apply_auto { "auto" } else { "review" }.to_string(),
        price_yuan: money::format(r.price_fen),
        freeze_days: r.freeze_days.to_string(),
        self_purchase: flag(r.self_purchase),
        rebind: flag(r.rebind),
        sellers_only: flag(r.sellers_only),
    };
    render(&IndexPage { staff, f, rows, status, pager })
}

fn on(v: Option<&String>) -> String {
    if v.is_some_and(|v| v == "1") { "1" } else { "0" }.to_string()
}

/// The settings pairs the form asks for, or the first reason it cannot be saved.
fn pairs(f: &RulesForm) -> Result<Vec<(String, String)>, String> {
    let Some(price) = money::parse(&f.price_yuan).filter(|p| *p >= 0) else {
        return Err("「购买分销商价格」应为金额（元），最多两位小数".into());
    };
    let unit = if f.unit.trim() == "1" { "1" } else { "0" };
    let mode = if f.apply_mode.trim() == "auto" { "auto" } else { "review" };
    Ok(vec![
        (keys::OPEN.into(), on(f.open.as_ref())),
        whole_setting(keys::LEVELS, None, &f.levels)?,
        whole_setting(keys::PERCENT_1, None, &f.percent1)?,
        whole_setting(keys::PERCENT_2, None, &f.percent2)?,
        whole_setting(keys::PERCENT_3, None, &f.percent3)?,
        (keys::UNIT.into(), unit.into()),
        (keys::APPLY_MODE.into(), mode.into()),
        whole_setting(keys::PRICE_FEN, None, &price.to_string())?,
        whole_setting(keys::FREEZE_DAYS, None, &f.freeze_days)?,
        (keys::SELF_PURCHASE.into(), on(f.self_purchase.as_ref())),
        (keys::REBIND.into(), on(f.rebind.as_ref())),
        (keys::SELLERS_ONLY.into(), on(f.sellers_only.as_ref())),
    ])
}

/// POST /admin/fx — staff only. Saves the rules, or none with the reason (percentages over 100
/// in total are refused).
#[post("/fx", data = "<form>")]
async fn save(
    _staff: Staff,
    form: Posted<RulesForm>,
    db: &State<Db>,
    settings: &State<Settings>,
) -> Result<Answer, AdminError> {
    match pairs(&form.0) {
        Ok(pairs) => match service::site::set_settings(db, settings, pairs).await {
            Ok(()) => Ok(done(BACK, "分销设置已保存")),
            Err(
                e @ (service::error::Error::Busy
                | service::error::Error::Db(_)
                | service::error::Error::Internal(_)),
            ) => Err(e.into()),
            Err(e) => Ok(failed(BACK, crate::error::ApiError::from(e).msg())),
        },
        Err(message) => Ok(failed(BACK, message)),
    }
}

async fn find(db: &Db, id: i64) -> Result<store::Application, AdminError> {
    db.read(move |c| store::application_by_id(c, id)).await?.ok_or(AdminError::NotFound)
}

/// GET /admin/fx/applications/<id>/approve — staff only; asks before approving.
#[get("/fx/applications/<id>/approve")]
async fn confirm_approve(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let a = find(db, id).await?;
    DecidePage {
        staff,
        title: "通过分销商申请",
        question: format!("确定让 {}（{}，{}）成为分销商吗？", a.name, a.mobile, a.nick),
        warning: "通过后，TA 的下级下单付款时 TA 按分销设置获得佣金。".into(),
        fields: vec![],
        button: "通过",
        danger: false,
        action: format!("/admin/fx/applications/{id}/approve"),
        back: BACK,
    }
    .show()
}

#[derive(FromForm)]
struct ReasonForm {
    reason: Option<String>,
}

/// POST /admin/fx/applications/<id>/approve — staff only.
#[post("/fx/applications/<id>/approve", data = "<form>")]
async fn approve(
    _staff: Staff,
    db: &State<Db>,
    id: i64,
    form: Posted<ReasonForm>,
) -> Result<Answer, AdminError> {
    let remark = form.0.reason.unwrap_or_default();
    decide(db, BACK, "已通过申请".into(), move |c| fx::decide(c, id, true, &remark, db::unix_now())).await
}

/// GET /admin/fx/applications/<id>/reject — staff only; asks for the reason.
#[get("/fx/applications/<id>/reject")]
async fn confirm_reject(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let a = find(db, id).await?;
    DecidePage {
        staff,
        title: "拒绝分销商申请",
        question: format!("确定拒绝 {}（{}）的分销商申请吗？", a.name, a.mobile),
        warning: "买家在申请进度里能看到拒绝原因，可以重新申请。".into(),
        fields: vec![Field { name: "reason", label: "拒绝原因", required: true, hint: "" }],
        button: "拒绝",
        danger: true,
        action: format!("/admin/fx/applications/{id}/reject"),
        back: BACK,
    }
    .show()
}

/// POST /admin/fx/applications/<id>/reject — staff only. `reason` is required.
#[post("/fx/applications/<id>/reject", data = "<form>")]
async fn reject(
    _staff: Staff,
    db: &State<Db>,
    id: i64,
    form: Posted<ReasonForm>,
) -> Result<Answer, AdminError> {
    let remark = form.0.reason.unwrap_or_default();
    decide(db, BACK, "已拒绝申请".into(), move |c| fx::decide(c, id, false, &remark, db::unix_now())).await
}

struct SellerRow {
    user_id: i64,
    shopper: String,
    source: String,
    date_add: String,
    level1: i64,
    level2: i64,
    pending: String,
    settled: String,
}

#[derive(Template)]
#[template(path = "admin/fx/sellers.html")]
struct SellersPage {
    staff: Staff,
    rows: Vec<SellerRow>,
    pager: Pager,
}

/// GET /admin/fx/sellers — staff only. Distributors, newest first, with their downline and money.
#[get("/fx/sellers?<page>")]
async fn sellers(staff: Staff, db: &State<Db>, page: Option<i64>) -> Result<Html, AdminError> {
    let (rows, total) = db
        .read(move |c| {
            Pager::fetch(page, |offset, limit| store::sellers(c, offset, limit).map(|(t, r)| (r, t)))
        })
        .await?;
    let pager = Pager::new(page, total, &[]);
    let rows = rows
        .into_iter()
        .map(|s| SellerRow {
            user_id: s.user_id,
            shopper: format!("{} {}", s.nick, s.mobile),
            source: match s.source.as_str() {
                "apply" => "申请通过",
                "auto" => "自动通过",
                "buy" => "购买",
                _ => "后台设置",
            }
            .to_string(),
            date_add: when(&s.date_add),
            level1: s.level1,
            level2: s.level2,
            pending: money::format(s.pending),
            settled: money::format(s.settled),
        })
        .collect();
    render(&SellersPage { staff, rows, pager })
}

struct CommissionRow {
    id: i64,
    earner: i64,
    order_number: String,
    goods_name: String,
    buyer: String,
    level_str: String,
    percent: i64,
    amount: String,
    cancelled: String,
    status_str: &'static str,
    date_add: String,
    clawable: bool,
    clawed: String,
    claw_reason: String,
}

#[derive(Template)]
#[template(path = "admin/fx/commissions.html")]
struct CommissionsPage {
    staff: Staff,
    rows: Vec<CommissionRow>,
    status: String,
    pager: Pager,
}

fn amount_words(amount: i64, unit: i64) -> String {
    if unit == 0 {
        format!("¥{}", money::format(amount))
    } else {
        format!("{amount} 积分")
    }
}

/// GET /admin/fx/commissions — staff only. The commission ledger, newest first, by `status`.
#[get("/fx/commissions?<status>&<page>")]
async fn commissions(
    staff: Staff,
    db: &State<Db>,
    status: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let want = wanted(status, 2);
    let filter = CommissionFilter { status: want, ..CommissionFilter::default() };
    let (rows, total) = db
        .read(move |c| {
            Pager::fetch(page, |offset, limit| {
                store::commissions(c, &filter, offset, limit).map(|(t, r)| (r, t))
            })
        })
        .await?;
    let status = want.map(|s| s.to_string()).unwrap_or_default();
    let pager = Pager::new(page, total, &[("status", &status)]);
    let rows = rows
        .into_iter()
        .map(|m| CommissionRow {
            id: m.id,
            earner: m.user_id,
            order_number: m.order_number,
            goods_name: m.goods_name,
            buyer: format!("{}（{}）", m.buyer_nick, m.buyer_id),
            level_str: match m.kind {
                store::kind::LEADER => "团队长".into(),
                store::kind::PARTNER => "合伙人".into(),
                _ => m.level.to_string(),
            },
            percent: m.percent,
            amount: amount_words(m.amount, m.unit),
            cancelled: amount_words(m.cancelled, m.unit),
            status_str: commission_status::label(m.status),
            date_add: when(&m.date_add),
            clawable: m.status == commission_status::SETTLED && m.clawed < m.amount - m.cancelled,
            clawed: amount_words(m.clawed, m.unit),
            claw_reason: m.claw_reason,
        })
        .collect();
    render(&CommissionsPage { staff, rows, status, pager })
}
