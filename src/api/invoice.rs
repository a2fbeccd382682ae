//! Invoices (发票): the shopper asks for one and follows it; the merchant issues or refuses it in
//! the console. See service::invoice.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::funds::{ext_json, fen, status_filter, text_or_empty};
use super::{ApiResult, Authed, BaseUrl, Page, Paging, Params, Reply};
use crate::db::invoice::{self as store, status, InvoiceRow, NewInvoice};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money;
use crate::service::invoice;

pub fn routes() -> Vec<Route> {
    routes![apply, list, info]
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceView {
    pub id: i64,
    pub uid: i64,
    pub order_id: i64,
    /// 0 company title, 1 personal title.
    #[serde(rename = "type")]
    pub title_type: i64,
    pub com_name: String,
    /// Tax number (税号).
    pub tfn: String,
    pub amount: f64,
    pub consumption: String,
    pub email: String,
    pub mobile: String,
    pub address: String,
    pub bank: String,
    pub remark: String,
    pub ext_json_str: String,
    /// 0 待开票, 1 已开票, 2 已拒绝.
    pub status: i64,
    pub status_str: &'static str,
    pub invoice_number: String,
    /// Link to the invoice file once issued ("" if none).
    pub file: String,
    pub refuse_reason: String,
    pub date_add: String,
    pub date_update: String,
}

impl InvoiceView {
    fn new(i: InvoiceRow, base: &BaseUrl) -> Self {
        let f = i.fields;
        InvoiceView {
            id: i.id,
            uid: i.user_id,
            order_id: f.order_id.unwrap_or(0),
            title_type: f.title_type,
            com_name: f.com_name,
            tfn: f.tfn,
            amount: money::to_yuan(f.amount),
            consumption: f.consumption,
            email: f.email,
            mobile: f.mobile,
            address: f.address,
            bank: f.bank,
            remark: f.remark,
            ext_json_str: f.ext_json,
            status: i.status,
            status_str: status::label(i.status),
            invoice_number: i.invoice_number,
            file: if i.file.is_empty() { String::new() } else { base.absolute(&i.file) },
            refuse_reason: i.refuse_reason,
            date_add: db::format_unix(i.date_add),
            date_update: db::format_unix(i.date_update),
        }
    }
}

/// A tax number (统一社会信用代码 or older 税号): 15 to 20 letters and digits.
fn check_tfn(tfn: &str) -> Result<String, ApiError> {
    let t = tfn.trim().to_ascii_uppercase();
    if (15..=20).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(t)
    } else {
        Err(ApiError::invalid("tfn", "税号应为 15 到 20 位字母或数字"))
    }
}

fn check_email(email: String) -> Result<String, ApiError> {
    let ok = email.is_empty()
        || email
            .split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !email.contains(char::is_whitespace));
    if ok {
        Ok(email)
    } else {
        Err(ApiError::invalid("email", "应为邮箱地址"))
    }
}

/// The request's fields, checked: a company title (type 0, the default) needs a tax number.
fn parse(p: &Params) -> Result<NewInvoice, ApiError> {
    let title_type @ (0 | 1) = p.opt_int("type")?.unwrap_or(0) else {
        return Err(ApiError::invalid("type", "应为 0（企业）或 1（个人）"));
    };
    let tfn = match (title_type, p.opt_text("tfn", 30)?) {
        (_, Some(t)) => check_tfn(t)?,
        (0, None) => return Err(ApiError::Missing("tfn")),
        (_, None) => String::new(),
    };
    Ok(NewInvoice {
        order_id: p.opt_int("orderId")?.filter(|id| *id != 0),
        title_type,
        com_name: p.text("comName", 100)?.to_string(),
        tfn,
        amount: fen(p, "amount")?,
        consumption: text_or_empty(p, "consumption", 100)?,
        email: check_email(text_or_empty(p, "email", 100)?)?,
        mobile: text_or_empty(p, "mobile", 20)?,
        address: text_or_empty(p, "address", 200)?,
        bank: text_or_empty(p, "bank", 200)?,
        remark: text_or_empty(p, "remark", 200)?,
        ext_json: ext_json(p)?,
    })
}

/// POST /<sub>/invoice/apply — invoiceApply (common host); logged-in shopper. `comName`, `tfn`
/// (company title), `amount` (yuan), `consumption`, `email`, optional `orderId` (own paid order:
/// the amount may not pass what was paid for it), `type`, `remark`, `extJsonStr`.
#[post("/invoice/apply", data = "<req>")]
async fn apply(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<InvoiceView> {
    let f = parse(&req.p)?;
    let user = req.user_id;
    let row = db.write(move |c| invoice::apply(c, user, &f, db::unix_now())).await?;
    Ok(Reply(InvoiceView::new(row, &base)))
}

/// POST /<sub>/invoice/list — invoiceList (common host); logged-in shopper. Own requests, newest
/// first, optional `status`; 700 when none.
#[post("/invoice/list", data = "<req>")]
async fn list(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<InvoiceView>> {
    let paging = Paging::from(&req.p)?;
    let (user, wanted) = (req.user_id, status_filter(&req.p, 2)?);
    let (rows, total) =
        db.read(move |c| store::list(c, Some(user), wanted, paging.offset(), paging.limit())).await?;
    Ok(Reply(paging.page(rows.into_iter().map(|r| InvoiceView::new(r, &base)).collect(), total)?))
}

/// GET /<sub>/invoice/info — invoiceDetail (common host); logged-in shopper, own request.
#[get("/invoice/info")]
async fn info(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<InvoiceView> {
    let (user, id) = (req.user_id, req.p.int("id")?);
    Ok(Reply(InvoiceView::new(db.read(move |c| invoice::owned(c, user, id)).await?, &base)))
}
