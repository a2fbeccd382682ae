//! 买单: the pay-bill discount rules (满 X 减 Y; the best one a bill reaches applies) and the bills
//! shoppers paid at the shop.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::auth::{AdminSession, Empty};
use super::page::{done, failed, render, Answer, Confirm, Html, Pager, Posted, Staff};
use crate::db::pay_bill::{self as store, BillRow, DiscountRow};
use crate::db::{self, Db};
use crate::error::{AdminError, ApiError};
use crate::money;
use crate::service::pay_bill;

pub fn routes() -> Vec<Route> {
    routes![show, add_rule, confirm_delete, delete_rule]
}

const BACK: &str = "/admin/pay-bill";

pub struct RuleRow {
    pub id: i64,
    pub consume: String,
    pub discounts: String,
}

impl From<DiscountRow> for RuleRow {
    fn from(r: DiscountRow) -> Self {
        RuleRow { id: r.id, consume: money::format(r.consume), discounts: money::format(r.discounts) }
    }
}

pub struct BillLine {
    pub number: String,
    pub shopper: String,
    pub shop: String,
    pub money: String,
    pub discount: String,
    pub real_money: String,
    pub paid_by: &'static str,
    pub date_add: String,
}

impl From<BillRow> for BillLine {
    fn from(b: BillRow) -> Self {
        BillLine {
            number: b.number,
            shopper: if b.nick.is_empty() {
                format!("用户 {}", b.user_id)
            } else {
                format!("{}（{}）", b.nick, b.user_id)
            },
            shop: if b.shop_name.is_empty() { "本店".into() } else { b.shop_name },
            money: money::format(b.money),
            discount: money::format(b.discount),
            real_money: money::format(b.real_money),
            paid_by: if b.paid_by == "wxpay" { "微信支付" } else { "余额" },
            date_add: super::page::when(&b.date_add),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/funds/pay_bill.html")]
struct ShowPage {
    staff: Staff,
    rules: Vec<RuleRow>,
    bills: Vec<BillLine>,
    pager: Pager,
}

/// GET /admin/pay-bill — staff only. The rules, then the bills (newest first, 25 a page).
#[get("/pay-bill?<page>")]
async fn show(staff: Staff, db: &State<Db>, page: Option<i64>) -> Result<Html, AdminError> {
    let (rules, bills, total) = db
        .read(move |c| {
            let rules = store::discounts(c)?;
            Pager::fetch(page, |offset, limit| store::list(c, None, offset, limit))
                .map(|(bills, total)| (rules, bills, total))
        })
        .await?;
    let pager = Pager::new(page, total, &[]);
    let rules = rules.into_iter().map(RuleRow::from).collect();
    render(&ShowPage { staff, rules, bills: bills.into_iter().map(BillLine::from).collect(), pager })
}

#[derive(FromForm)]
struct RuleForm {
    consume: String,
    discounts: String,
}

/// POST /admin/pay-bill/rules — staff only. Adds a rule, or changes the one with the same threshold.
#[post("/pay-bill/rules", data = "<form>")]
async fn add_rule(
    _admin: AdminSession,
    db: &State<Db>,
    form: Posted<RuleForm>,
) -> Result<Answer, AdminError> {
    let (Some(consume), Some(discounts)) = (money::parse(&form.0.consume), money::parse(&form.0.discounts))
    else {
        return Ok(failed(BACK, "「消费满」和「减」应为最多两位小数的金额（元）"));
    };
    match db
        .write(move |c| Ok::<_, ApiError>(pay_bill::put_rule(c, consume, discounts, db::unix_now())))
        .await?
        .map_err(ApiError::from)
    {
        Ok(()) => Ok(done(
            BACK,
            format!("已保存：消费满 {} 元减 {} 元", money::format(consume), money::format(discounts)),
        )),
        Err(e @ (ApiError::Busy | ApiError::Internal(_))) => Err(e.into()),
        Err(ApiError::Invalid { name: "consume", .. }) => Ok(failed(BACK, "「消费满」应大于 0")),
        Err(ApiError::Invalid { name: "discounts", .. }) => {
            Ok(failed(BACK, "「减」应大于 0 且小于「消费满」"))
        }
        Err(e) => Ok(failed(BACK, e.msg())),
    }
}

/// GET /admin/pay-bill/rules/<id>/delete — staff only; asks before deleting.
#[get("/pay-bill/rules/<id>/delete")]
async fn confirm_delete(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let rules = db.read(store::discounts).await?;
    let r = rules.into_iter().find(|r| r.id == id).ok_or(AdminError::NotFound)?;
    render(&Confirm {
        staff,
        title: "删除买单优惠".into(),
        what: format!("优惠「消费满 {} 元减 {} 元」", money::format(r.consume), money::format(r.discounts)),
        warning: "删除后新的买单立即不再享受这条优惠；已付款的买单不受影响。",
        action: format!("/admin/pay-bill/rules/{id}/delete"),
        back: BACK.into(),
    })
}

/// POST /admin/pay-bill/rules/<id>/delete — staff only.
#[post("/pay-bill/rules/<id>/delete", data = "<_form>")]
async fn delete_rule(
    _admin: AdminSession,
    db: &State<Db>,
    id: i64,
    _form: Posted<Empty>,
) -> Result<Answer, AdminError> {
    if db.write(move |c| store::delete_discount(c, id)).await? {
        Ok(done(BACK, "买单优惠已删除"))
    } else {
        Err(AdminError::NotFound)
    }
}
