//! A shopper's 账户流水: the ledger of their balance, frozen money, points and growth, and the
//! merchant's manual adjustment (a required reason, a confirmation step, never below zero).

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::page::{done, render, render_as, Answer, Html, Pager, Posted, Problem, Staff, PER_PAGE};
use crate::db::ledger::{Account, Accounts, Entry, EntryFilter};
use crate::db::{self, user::User, Db};
use crate::error::AdminError;
use crate::money;
use crate::service::{ledger, points};

pub fn routes() -> Vec<Route> {
    routes![show, adjust]
}

/// The adjustment as typed; `confirmed` is set by the confirmation step.
#[derive(FromForm, Default, Clone)]
struct AdjustForm {
    account: String,
    /// Yuan for the balance ("-12.5"), whole points otherwise; a leading "-" takes away.
    amount: String,
    reason: String,
    confirmed: bool,
}

#[derive(Template)]
#[template(path = "admin/user_ledger/show.html")]
struct LedgerPage {
    staff: Staff,
    user: User,
    accounts: Accounts,
    rows: Vec<Entry>,
    account: String,
    pager: Pager,
    f: AdjustForm,
    error: Option<String>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // askama passes template arguments by reference
impl LedgerPage {
    /// An amount or value in the account's unit, for people.
    fn shown(account: &str, v: &i64) -> String {
        match account {
            "balance" | "freeze" => format!("¥{}", money::format(*v)),
            _ => v.to_string(),
        }
    }

    fn signed(account: &str, v: &i64) -> String {
        let sign = if *v > 0 { "+" } else { "" };
        format!("{sign}{}", Self::shown(account, v))
    }

    fn label(account: &str) -> &'static str {
        points::adjustable(account)
            .or((account == "freeze").then_some(Account::Freeze))
            .map_or("", points::account_label)
    }
}

#[derive(Template)]
#[template(path = "admin/user_ledger/confirm.html")]
struct ConfirmPage {
    staff: Staff,
    user: User,
    f: AdjustForm,
    /// The change in words ("积分 +100", "余额 -¥12.50").
    change: String,
}

fn account_filter(account: &str) -> Vec<Account> {
    match account {
        "freeze" => vec![Account::Freeze],
        a => points::adjustable(a).map_or_else(|| Account::ALL.to_vec(), |a| vec![a]),
    }
}

async fn ledger_page(
    staff: Staff,
    db: &Db,
    id: i64,
    account: String,
    page: Option<i64>,
    f: AdjustForm,
    error: Option<String>,
) -> Result<LedgerPage, AdminError> {
    let (filter, asked) =
        (EntryFilter { accounts: account_filter(&account), ..Default::default() }, page.unwrap_or(1).max(1));
    let (user, accounts, (rows, total)) = db
        .read(move |c| {
            let user = db::user::by_id(c, id)?.ok_or(AdminError::NotFound)?;
            let accounts = ledger::accounts_of(c, id)?;
            let rows = db::ledger::entries_of(c, id, &filter, (asked - 1) * PER_PAGE, PER_PAGE)?;
            Ok::<_, AdminError>((user, accounts, rows))
        })
        .await?;
    let pager = Pager::new(Some(asked), total, &[("account", &account)]);
    Ok(LedgerPage { staff, user, accounts, rows, account, pager, f, error })
}

/// GET /admin/users/<id>/ledger?account=&page= — staff only. Newest rows first.
#[get("/users/<id>/ledger?<account>&<page>")]
async fn show(
    staff: Staff,
    db: &State<Db>,
    id: i64,
    account: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let f = AdjustForm { account: "score".into(), ..Default::default() };
    render(&ledger_page(staff, db, id, account.unwrap_or("").to_string(), page, f, None).await?)
}

/// The adjustment checked: (account, signed fen or points, reason), or what is wrong.
fn parse(f: &AdjustForm) -> Result<(Account, i64, String), String> {
    let account = points::adjustable(&f.account).ok_or("请选择要调整的账户")?;
    let text = f.amount.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim()),
        None => (false, text.strip_prefix('+').unwrap_or(text).trim()),
    };
    let magnitude = match account {
        Account::Balance => money::parse(digits).ok_or("「金额」应为元，最多两位小数，例如 10 或 -12.50")?,
        _ => digits
            .parse::<i64>()
            .ok()
            .filter(|n| *n <= 100_000_000_000)
            .ok_or("「数量」应为整数，例如 100 或 -50")?,
    };
    if magnitude == 0 {
        return Err("调整数量不能为 0".into());
    }
    let reason = f.reason.trim();
    if reason.is_empty() {
        return Err("请填写调整原因，用户会在明细里看到它".into());
    }
    if reason.chars().count() > 100 {
        return Err("调整原因最多 100 个字".into());
    }
    Ok((account, if negative { -magnitude } else { magnitude }, reason.to_string()))
}

/// POST /admin/users/<id>/ledger/adjust — staff only. The first post asks for confirmation; the
/// confirmed one writes the ledger row (Source::Admin), or shows why it cannot.
#[post("/users/<id>/ledger/adjust", data = "<form>")]
async fn adjust(
    staff: Staff,
    db: &State<Db>,
    id: i64,
    form: Posted<AdjustForm>,
) -> Result<Answer, AdminError> {
    let f = form.0;
    let error = match parse(&f) {
        Ok((account, amount, reason)) if !f.confirmed => {
            let user = db.read(move |c| db::user::by_id(c, id)).await?.ok_or(AdminError::NotFound)?;
            let change = format!(
                "{} {}",
                points::account_label(account),
                LedgerPage::signed(account.as_str(), &amount)
            );
            let f = AdjustForm { reason, ..f };
            return Ok(Answer::Page(render(&ConfirmPage { staff, user, f, change })?));
        }
        Ok((account, amount, reason)) => {
            match db.write(move |c| points::adjust(c, id, account, amount, &reason)).await {
                Ok(after) => {
                    let said = format!(
                        "已调整{}，现为 {}",
                        points::account_label(account),
                        LedgerPage::shown(account.as_str(), &after)
                    );
                    return Ok(done(format!("/admin/users/{id}/ledger"), said));
                }
                Err(e) => Problem::refused(e, &[("reason", "调整原因"), ("amount", "数量")]).message()?,
            }
        }
        Err(message) => message,
    };
    let f = AdjustForm { confirmed: false, ..f };
    let page = ledger_page(staff, db, id, String::new(), None, f, Some(error)).await?;
    Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?))
}
