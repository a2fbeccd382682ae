//! 押金: deposits shoppers paid (held in their frozen money) and their return requests. Returning
//! puts the money back on the shopper's balance; refusing (with a reason) keeps it held.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::auth::{AdminSession, Empty};
use super::crud;
use super::funds::{decide, wanted, DecidePage, Field};
use super::page::{render, Answer, Html, Pager, Posted, Problem, Staff};
use crate::db::deposit::{self as store, status, DepositRow, NewDeposit};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::service::deposit;

pub fn routes() -> Vec<Route> {
    routes![list, confirm_return, give_back, confirm_refuse, refuse, ask_page, ask]
}

const BACK: &str = "/admin/deposits";

pub struct Row {
    pub id: i64,
    pub number: String,
    pub shopper: String,
    pub amount: String,
    pub status: i64,
    pub status_str: &'static str,
    pub remark: String,
    pub reason: String,
    pub asked: String,
    pub date_add: String,
}

impl From<DepositRow> for Row {
    fn from(d: DepositRow) -> Self {
        Row {
            id: d.id,
            number: d.number,
            shopper: if d.nick.is_empty() {
                format!("用户 {}", d.user_id)
            } else {
                format!("{}（{}）", d.nick, d.user_id)
            },
            amount: money::format(d.amount),
            status: d.status,
            status_str: status::label(d.status),
            remark: [d.ref_code, d.remark]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
            reason: d.refuse_reason,
            asked: super::page::when_opt(&d.date_back_apply),
            date_add: super::page::when(&d.date_add),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/funds/deposits.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<Row>,
    status: String,
    pager: Pager,
}

/// GET /admin/deposits — staff only. Newest first, filtered by `status`; 25 a page.
#[get("/deposits?<status>&<page>")]
async fn list(
    staff: Staff,
    db: &State<Db>,
    status: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    // -1: deposits the merchant asked for and the shopper has not paid.
    let want = if status == Some("-1") { Some(-1) } else { wanted(status, 2) };
    let (rows, total) = db
        .read(move |c| Pager::fetch(page, |offset, limit| store::list(c, None, want, offset, limit)))
        .await?;
    let status = want.map(|s| s.to_string()).unwrap_or_default();
    let pager = Pager::new(page, total, &[("status", &status)]);
    render(&ListPage { staff, rows: rows.into_iter().map(Row::from).collect(), status, pager })
}

async fn find(db: &Db, id: i64) -> Result<Row, AdminError> {
    let d = db.read(move |c| store::get(c, id)).await?;
    Ok(d.ok_or(AdminError::NotFound)?.into())
}

/// GET /admin/deposits/<id>/return — staff only; asks before returning.
#[get("/deposits/<id>/return")]
async fn confirm_return(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let d = find(db, id).await?;
    DecidePage {
        staff,
        title: "退回押金",
        question: format!("确定把押金 {}（¥{}）退回给 {} 吗？", d.number, d.amount, d.shopper),
        warning: "押金立即从买家的冻结金额转回账户余额并记入资金流水，无法撤回。".into(),
        fields: Vec::new(),
        button: "确认退回",
        danger: false,
        action: format!("/admin/deposits/{id}/return"),
        back: BACK,
    }
    .show()
}

/// POST /admin/deposits/<id>/return — staff only. Freeze → balance.
#[post("/deposits/<id>/return", data = "<_form>")]
async fn give_back(
    admin: AdminSession,
    db: &State<Db>,
    id: i64,
    _form: Posted<Empty>,
) -> Result<Answer, AdminError> {
    decide(db, BACK, "押金已退回买家余额".into(), move |c| {
        deposit::decide(c, id, true, "", &admin.username, db::unix_now())
    })
    .await
}

/// GET /admin/deposits/<id>/refuse — staff only; asks for the reason.
#[get("/deposits/<id>/refuse")]
async fn confirm_refuse(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let d = find(db, id).await?;
    DecidePage {
        staff,
        title: "拒绝退回押金",
        question: format!("确定拒绝 {} 退回押金 {}（¥{}）的申请吗？", d.shopper, d.number, d.amount),
        warning: "押金继续冻结，买家能看到拒绝原因，之后可以再次申请。".into(),
        fields: vec![Field { name: "reason", label: "拒绝原因", required: true, hint: "" }],
        button: "拒绝退回",
        danger: true,
        action: format!("/admin/deposits/{id}/refuse"),
        back: BACK,
    }
    .show()
}

#[derive(FromForm)]
struct ReasonForm {
    reason: String,
}

/// POST /admin/deposits/<id>/refuse — staff only. `reason` is required.
#[post("/deposits/<id>/refuse", data = "<form>")]
async fn refuse(
    admin: AdminSession,
    db: &State<Db>,
    id: i64,
    form: Posted<ReasonForm>,
) -> Result<Answer, AdminError> {
    let reason = form.0.reason;
    decide(db, BACK, "已拒绝退回押金".into(), move |c| {
        deposit::decide(c, id, false, &reason, &admin.username, db::unix_now())
    })
    .await
}

/// The ask form as typed: the shopper's id, yuan, a remark.
#[derive(FromForm, Default)]
struct AskForm {
    user_id: String,
    amount: String,
    remark: String,
}

#[derive(Template)]
#[template(path = "admin/funds/deposit_ask.html")]
struct AskPage {
    staff: Staff,
    form: AskForm,
    error: Option<String>,
}

/// GET /admin/deposits/ask — staff only; the form asking a shopper for a deposit.
#[get("/deposits/ask?<user_id>")]
fn ask_page(staff: Staff, user_id: Option<i64>) -> Result<Html, AdminError> {
    let form = AskForm {
        user_id: user_id.map(|u| u.to_string()).unwrap_or_default(),
        ..<AskForm as Default>::default()
    };
    render(&AskPage { staff, form, error: None })
}

/// POST /admin/deposits/ask — staff only. A deposit of `amount` yuan the shopper then pays in the
/// mini-program (待支付): from the balance, or by WeChat Pay.
#[post("/deposits/ask", data = "<form>")]
async fn ask(staff: Staff, db: &State<Db>, form: Posted<AskForm>) -> Result<Answer, AdminError> {
    let form = form.0;
    let asked = async {
        let user = super::page::number("买家 ID", &form.user_id)?;
        let amount = money::parse(&form.amount)
            .filter(|a| *a > 0)
            .ok_or_else(|| Problem::Say("金额应为大于 0、最多两位小数的金额（元）".into()))?;
        if form.remark.chars().count() > 200 {
            return Err(Problem::Say("备注最多 200 个字".into()));
        }
        let d = NewDeposit {
            amount,
            ref_code: String::new(),
            remark: form.remark.trim().to_string(),
            ext_json: String::new(),
        };
        db.write(move |c| deposit::ask(c, user, &d, db::unix_now()))
            .await
            .map_err(|e| Problem::refused(e, &[("amount", "金额")]))
    };
    let asked = asked.await;
    crud::saved(asked, "/admin/deposits?status=-1", "已向买家收取押金，等待买家支付", |error| {
        AskPage { staff, form, error }
    })
}
