//! 提现: shoppers' withdrawal requests. The merchant pays each out by hand (bank or WeChat
//! transfer outside xiaodian) and then approves it here, or rejects it with a reason (the money
//! goes back to the shopper's balance). Also the two withdrawal rules.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::auth::AdminSession;
use super::funds::{decide, wanted, DecidePage, Field};
use super::page::{done, failed, render, whole_setting, Answer, Html, Pager, Posted, Staff};
use crate::db::withdraw::{self as store, status, WithdrawalRow};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::service::{
    self,
    withdraw::{self, Decision, WithdrawRules},
};
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![list, confirm_approve, approve, confirm_reject, reject, save_rules]
}

const BACK: &str = "/admin/withdrawals";

/// One row as the list shows it.
pub struct Row {
    pub id: i64,
    pub number: String,
    pub shopper: String,
    pub money: String,
    pub status: i64,
    pub status_str: &'static str,
    pub remark: String,
    pub reason: String,
    pub reference: String,
    pub decided: String,
    pub date_add: String,
}

impl From<WithdrawalRow> for Row {
    fn from(w: WithdrawalRow) -> Self {
        let decided = match w.date_decide {
            Some(t) => format!("{} · {}", super::page::when(&t), w.decided_by),
            None => String::new(),
        };
        Row {
            id: w.id,
            number: w.number,
            shopper: if w.nick.is_empty() {
                format!("用户 {}", w.user_id)
            } else {
                format!("{}（{}）", w.nick, w.user_id)
            },
            money: money::format(w.money),
            status: w.status,
            status_str: status::label(w.status),
            remark: w.remark,
            reason: w.rejection_reason,
            reference: w.pay_reference,
            decided,
            date_add: super::page::when(&w.date_add),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/funds/withdrawals.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<Row>,
    status: String,
    pager: Pager,
    min_yuan: String,
    daily_count: i64,
}

/// GET /admin/withdrawals — staff only. Newest first, filtered by `status`; 25 a page.
#[get("/withdrawals?<status>&<page>")]
async fn list(
    staff: Staff,
    db: &State<Db>,
    settings: &State<Settings>,
    status: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let want = wanted(status, 2);
    let (rows, total) = db
        .read(move |c| Pager::fetch(page, |offset, limit| store::list(c, None, want, offset, limit)))
        .await?;
    let status = want.map(|s| s.to_string()).unwrap_or_default();
    let pager = Pager::new(page, total, &[("status", &status)]);
    let rules = WithdrawRules::of(&settings.get());
    let rows = rows.into_iter().map(Row::from).collect();
    render(&ListPage {
        staff,
        rows,
        status,
        pager,
        min_yuan: money::format(rules.min_fen),
        daily_count: rules.daily_count,
    })
}

async fn find(db: &Db, id: i64) -> Result<WithdrawalRow, AdminError> {
    db.read(move |c| store::get(c, id)).await?.ok_or(AdminError::NotFound)
}

/// GET /admin/withdrawals/<id>/approve — staff only; asks before approving.
#[get("/withdrawals/<id>/approve")]
async fn confirm_approve(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let w = Row::from(find(db, id).await?);
    DecidePage {
        staff,
        title: "确认已打款",
        question: format!("确定已把 ¥{} 转给 {}（提现单 {}）了吗？", w.money, w.shopper, w.number),
        warning: "小店不会自动打款：请先通过银行或微信把钱转给买家，再在这里确认。确认后这笔钱从买家的冻结金额中扣除，无法撤回。".into(),
        fields: vec![Field { name: "reference", label: "转账凭证号", required: false, hint: "银行流水号或微信转账单号，便于对账。" }],
        button: "确认已打款",
        danger: false,
        action: format!("/admin/withdrawals/{id}/approve"),
        back: BACK,
    }
    .show()
}

#[derive(FromForm)]
struct ApproveForm {
    reference: Option<String>,
}

/// POST /admin/withdrawals/<id>/approve — staff only. Records the payout (who, when, reference).
#[post("/withdrawals/<id>/approve", data = "<form>")]
async fn approve(
    admin: AdminSession,
    db: &State<Db>,
    id: i64,
    form: Posted<ApproveForm>,
) -> Result<Answer, AdminError> {
    let d = Decision::Approve { reference: form.0.reference.unwrap_or_default() };
    decide(db, BACK, "已确认打款".into(), move |c| {
        withdraw::decide(c, id, &d, &admin.username, db::unix_now())
    })
    .await
}

/// GET /admin/withdrawals/<id>/reject — staff only; asks for the reason.
#[get("/withdrawals/<id>/reject")]
async fn confirm_reject(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let w = Row::from(find(db, id).await?);
    DecidePage {
        staff,
        title: "拒绝提现",
        question: format!("确定拒绝 {} 的提现申请 {}（¥{}）吗？", w.shopper, w.number, w.money),
        warning: "拒绝后这笔钱立即退回买家的账户余额，买家能看到拒绝原因。".into(),
        fields: vec![Field { name: "reason", label: "拒绝原因", required: true, hint: "" }],
        button: "拒绝提现",
        danger: true,
        action: format!("/admin/withdrawals/{id}/reject"),
        back: BACK,
    }
    .show()
}

#[derive(FromForm)]
struct ReasonForm {
    reason: String,
}

/// POST /admin/withdrawals/<id>/reject — staff only. `reason` is required.
#[post("/withdrawals/<id>/reject", data = "<form>")]
async fn reject(
    admin: AdminSession,
    db: &State<Db>,
    id: i64,
    form: Posted<ReasonForm>,
) -> Result<Answer, AdminError> {
    let d = Decision::Reject { reason: form.0.reason };
    decide(db, BACK, "已拒绝提现，金额已退回买家余额".into(), move |c| {
        withdraw::decide(c, id, &d, &admin.username, db::unix_now())
    })
    .await
}

#[derive(FromForm)]
struct RulesForm {
    min_yuan: String,
    daily_count: String,
}

/// POST /admin/withdrawals/rules — staff only. The smallest withdrawal (yuan) and the daily count.
#[post("/withdrawals/rules", data = "<form>")]
async fn save_rules(
    _admin: AdminSession,
    db: &State<Db>,
    settings: &State<Settings>,
    form: Posted<RulesForm>,
) -> Result<Answer, AdminError> {
    let Some(min) = money::parse(&form.0.min_yuan).filter(|f| *f > 0) else {
        return Ok(failed(BACK, "「最低提现金额」应为大于 0、最多两位小数的金额"));
    };
    let count = match whole_setting(withdraw::keys::DAILY_COUNT, None, &form.0.daily_count) {
        Ok(pair) => pair,
        Err(message) => return Ok(failed(BACK, message)),
    };
    let pairs = vec![(withdraw::keys::MIN_FEN.to_string(), min.to_string()), count];
    service::site::set_settings(db, settings, pairs).await?;
    Ok(done(BACK, "提现规则已保存"))
}
