//! The shopper's own account: deleting it (注销), and the short-lived member code the shop's staff
//! scans at the counter.

use rocket::{get, post, routes, Route, State};

use super::{ApiResult, Authed, Reply};
use crate::db::{self, Db};
use crate::service::{account, member_code};

pub fn routes() -> Vec<Route> {
    routes![delete, dynamic_code]
}

/// POST /<sub>/user/delete — userDelete; logged-in shopper. Deletes the account (the token ends
/// with it); 403 while an order, a refund or a withdrawal is in progress.
#[post("/user/delete", data = "<req>")]
async fn delete(req: Authed, db: &State<Db>) -> ApiResult<&'static str> {
    let uid = req.user_id;
    db.write(move |c| account::delete_account(c, uid, db::unix_now())).await?;
    Ok(Reply("账号已注销"))
}

/// GET /<sub>/user/dynamicUserCode — dynamicUserCode; logged-in shopper. A new 18-digit member code
/// (the page draws it as a barcode and a QR code), live for five minutes; the older one stops working.
#[get("/user/dynamicUserCode")]
async fn dynamic_code(req: Authed, db: &State<Db>) -> ApiResult<String> {
    let uid = req.user_id;
    Ok(Reply(db.write(move |c| member_code::issue(c, uid, db::unix_now())).await?))
}
