//! 核销: the write-off page for pick-up codes.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::list::{rows, Row};
use crate::admin::auth::AdminSession;
use crate::admin::page::{done, failed, render, said, words, Answer, Html, Posted, Staff};
use crate::db::order::status;
use crate::db::order_admin::{self, ListedOrder};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::service::order_admin::{self as rules};

pub fn routes() -> Vec<Route> {
    routes![writeoff_page, writeoff]
}

#[derive(Template)]
#[template(path = "admin/orders/writeoff.html")]
pub(super) struct WriteoffPage {
    staff: Staff,
    hx: String,
    found: Option<Row>,
    /// Why the code shows no order, or why it cannot be written off.
    error: Option<String>,
    can: bool,
}

/// GET /admin/writeoff?hx= — staff only. Looks a pick-up code up and shows its order.
#[get("/writeoff?<hx>")]
pub(super) async fn writeoff_page(
    staff: Staff,
    db: &State<Db>,
    hx: Option<&str>,
) -> Result<Html, AdminError> {
    let hx: String = hx.unwrap_or_default().trim().chars().take(40).collect();
    let (mut found, mut error, mut can) = (None, None, false);
    if !hx.is_empty() {
        let code = hx.clone();
        let looked = db
            .read(move |c| {
                Ok::<_, AdminError>(match rules::find_by_hx(c, &code) {
                    Ok(o) => Ok(rows(
                        c,
                        vec![ListedOrder {
                            nick: order_admin::shopper_of(c, o.fields.user_id)?.0,
                            user_mobile: String::new(),
                            order: o,
                        }],
                    )?),
                    Err(e) => Err(e),
                })
            })
            .await?;
        match looked {
            Ok(mut r) => {
                let row = r.remove(0);
                can = matches!(row.status, status::PAID | status::SHIPPED);
                if !can {
                    error = Some(format!("订单{}，不能核销", row.status_str));
                }
                found = Some(row);
            }
            Err(e) => error = Some(words(e)),
        }
    }
    render(&WriteoffPage { staff, hx, found, error, can })
}

#[derive(FromForm)]
pub(super) struct WriteoffForm {
    hx: String,
}

/// POST /admin/writeoff — staff only. Writes the code off (the order becomes received).
#[post("/writeoff", data = "<form>")]
pub(super) async fn writeoff(
    _admin: AdminSession,
    db: &State<Db>,
    form: Posted<WriteoffForm>,
) -> Result<Answer, AdminError> {
    let hx = form.0.hx.trim().to_string();
    let code = hx.clone();
    let back: String = format!(
        "/admin/writeoff?{}",
        form_urlencoded::Serializer::new(String::new()).append_pair("hx", &hx).finish()
    );
    match db.write(move |c| Ok::<_, AdminError>(rules::write_off(c, &code, db::unix_now()))).await? {
        Ok(o) => Ok(done(back, format!("已核销，订单 {}", o.order_number))),
        Err(e) => Ok(failed(back, said(e)?)),
    }
}
