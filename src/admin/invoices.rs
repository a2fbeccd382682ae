//! 发票: invoice requests. The merchant issues the invoice outside xiaodian (tax system) and records
//! its number here, with a link to the file if there is one; or refuses with a reason.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::auth::AdminSession;
use super::funds::{decide, wanted, DecidePage, Field};
use super::page::{render, Answer, Html, Pager, Posted, Staff};
use crate::db::invoice::{self as store, status, InvoiceRow};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::service::invoice::{self, Decision};

pub fn routes() -> Vec<Route> {
    routes![list, confirm_issue, issue, confirm_refuse, refuse]
}

const BACK: &str = "/admin/invoices";

pub struct Row {
    pub id: i64,
    pub shopper: String,
    pub title: String,
    pub tfn: String,
    pub amount: String,
    pub order_id: i64,
    pub consumption: String,
    pub email: String,
    pub remark: String,
    pub status: i64,
    pub status_str: &'static str,
    pub invoice_number: String,
    pub file: String,
    pub reason: String,
    pub date_add: String,
}

impl From<InvoiceRow> for Row {
    fn from(i: InvoiceRow) -> Self {
        let f = i.fields;
        let kind = if f.title_type == 1 { "个人" } else { "企业" };
        Row {
            id: i.id,
            shopper: if i.nick.is_empty() {
                format!("用户 {}", i.user_id)
            } else {
                format!("{}（{}）", i.nick, i.user_id)
            },
            title: format!("{}（{kind}）", f.com_name),
            tfn: f.tfn,
            amount: money::format(f.amount),
            order_id: f.order_id.unwrap_or(0),
            consumption: f.consumption,
            email: [f.email, f.mobile].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · "),
            remark: [f.address, f.bank, f.remark]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
            status: i.status,
            status_str: status::label(i.status),
            invoice_number: i.invoice_number,
            file: i.file,
            reason: i.refuse_reason,
            date_add: super::page::when(&i.date_add),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/funds/invoices.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<Row>,
    status: String,
    pager: Pager,
}

/// GET /admin/invoices — staff only. Newest first, filtered by `status`; 25 a page.
#[get("/invoices?<status>&<page>")]
async fn list(
    staff: Staff,
    db: &State<Db>,
    status: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let want = wanted(status, 2);
    let (rows, total) = db
        .read(move |c| Pager::fetch(page, |offset, limit| store::list(c, None, want, offset, limit)))
        .await?;
    let status = want.map(|s| s.to_string()).unwrap_or_default();
    let pager = Pager::new(page, total, &[("status", &status)]);
    render(&ListPage { staff, rows: rows.into_iter().map(Row::from).collect(), status, pager })
}

async fn find(db: &Db, id: i64) -> Result<Row, AdminError> {
    let i = db.read(move |c| store::get(c, id)).await?;
    Ok(i.ok_or(AdminError::NotFound)?.into())
}

/// GET /admin/invoices/<id>/issue — staff only; asks for the invoice number.
#[get("/invoices/<id>/issue")]
async fn confirm_issue(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let i = find(db, id).await?;
    DecidePage {
        staff,
        title: "标记已开票",
        question: format!("确定已为 {} 开具抬头「{}」、金额 ¥{} 的发票了吗？", i.shopper, i.title, i.amount),
        warning: "请先在税务系统开好发票，再填写发票号码。买家能在小程序里看到号码和文件链接。".into(),
        fields: vec![
            Field { name: "invoice_number", label: "发票号码", required: true, hint: "" },
            Field {
                name: "file",
                label: "发票文件链接",
                required: false,
                hint: "电子发票的下载地址，以 https:// 开头。",
            },
        ],
        button: "确认已开票",
        danger: false,
        action: format!("/admin/invoices/{id}/issue"),
        back: BACK,
    }
    .show()
}

#[derive(FromForm)]
struct IssueForm {
    invoice_number: String,
    file: Option<String>,
}

/// POST /admin/invoices/<id>/issue — staff only.
#[post("/invoices/<id>/issue", data = "<form>")]
async fn issue(
    admin: AdminSession,
    db: &State<Db>,
    id: i64,
    form: Posted<IssueForm>,
) -> Result<Answer, AdminError> {
    let d = Decision::Issue { number: form.0.invoice_number, file: form.0.file.unwrap_or_default() };
    decide(db, BACK, "已标记为已开票".into(), move |c| {
        invoice::decide(c, id, &d, &admin.username, db::unix_now())
    })
    .await
}

/// GET /admin/invoices/<id>/refuse — staff only; asks for the reason.
#[get("/invoices/<id>/refuse")]
async fn confirm_refuse(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let i = find(db, id).await?;
    DecidePage {
        staff,
        title: "拒绝开票",
        question: format!("确定拒绝 {} 的开票申请（抬头「{}」，¥{}）吗？", i.shopper, i.title, i.amount),
        warning: "买家能看到拒绝原因，可以修改后重新申请。".into(),
        fields: vec![Field { name: "reason", label: "拒绝原因", required: true, hint: "" }],
        button: "拒绝开票",
        danger: true,
        action: format!("/admin/invoices/{id}/refuse"),
        back: BACK,
    }
    .show()
}

#[derive(FromForm)]
struct ReasonForm {
    reason: String,
}

/// POST /admin/invoices/<id>/refuse — staff only. `reason` is required.
#[post("/invoices/<id>/refuse", data = "<form>")]
async fn refuse(
    admin: AdminSession,
    db: &State<Db>,
    id: i64,
    form: Posted<ReasonForm>,
) -> Result<Answer, AdminError> {
    let d = Decision::Refuse { reason: form.0.reason };
    decide(db, BACK, "已拒绝开票申请".into(), move |c| {
        invoice::decide(c, id, &d, &admin.username, db::unix_now())
    })
    .await
}
