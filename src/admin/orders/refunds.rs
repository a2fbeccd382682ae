//! 售后: the after-sale queue; approve with a refund, confirm a return arrived, or reject.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::detail::find;
use crate::admin::auth::AdminSession;
use crate::admin::page::{done, failed, render, said, when, Answer, Html, Pager, Posted, Staff};
use crate::db::order::refund_status;
use crate::db::order_admin::{self, QueuedRefund};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::service::error::Error as ServiceError;
use crate::service::order_admin::{self as rules, ReturnAddress};
use crate::service::wechat_refund::{self, WxRefunds};

pub fn routes() -> Vec<Route> {
    routes![refunds, confirm_approve, approve, confirm_receive, receive, reject]
}

/// An after-sale request as the queue shows it.
pub struct RefundRow {
    pub id: i64,
    pub order_id: i64,
    pub order_number: String,
    pub shopper: String,
    pub kind: &'static str,
    pub reason: String,
    pub remark: String,
    pub amount: String,
    pub status: i64,
    pub status_str: &'static str,
    pub back: String,
    /// Where a return goes, once approved ("" otherwise).
    pub return_to: String,
    /// What became of a received return and the rewards taken back, in words ("" when nothing).
    pub outcome: String,
    pub merchant_remark: String,
    pub date_add: String,
    pub open: bool,
    /// What the merchant can do now.
    pub can_approve: bool,
    pub can_receive: bool,
    pub can_reject: bool,
}

impl RefundRow {
    pub(super) fn new(q: QueuedRefund) -> RefundRow {
        let r = q.refund;
        let back = match (r.back_shipper_name.as_str(), r.back_tracking_number.as_str()) {
            ("", "") => String::new(),
            (s, t) => format!("{s} {t}"),
        };
        let (stage, status_str) = (refund_status::return_stage(&r), refund_status::label_of(&r));
        let is_return = r.refund.kind == refund_status::RETURN_REFUND;
        let return_to = ReturnAddress::of(&r)
            .map(|a| format!("{} {} {}", a.link_man, a.mobile, a.address))
            .unwrap_or_default();
        let mut outcome = Vec::new();
        match r.restocked {
            Some(true) => outcome.push("退货已入库".to_string()),
            Some(false) => outcome.push("退货未入库".to_string()),
            None => {}
        }
        if r.score_back > 0 {
            outcome.push(format!("扣回积分 {}", r.score_back));
        }
        if r.score_back_short > 0 {
            outcome.push(format!("积分已被使用，{} 未能扣回", r.score_back_short));
        }
        if r.growth_back > 0 {
            outcome.push(format!("扣回成长值 {}", r.growth_back));
        }
        if r.growth_back_short > 0 {
            outcome.push(format!("成长值已被使用，{} 未能扣回", r.growth_back_short));
        }
        RefundRow {
            can_approve: r.status == refund_status::PENDING
                || (r.status == refund_status::APPROVED && !is_return),
            can_receive: r.status == refund_status::APPROVED && is_return && stage == 2,
            can_reject: matches!(r.status, refund_status::PENDING | refund_status::APPROVED)
                && !(is_return && stage == 2),
            return_to,
            outcome: outcome.join("；"),
            id: r.id,
            order_id: r.refund.order_id,
            order_number: q.order_number,
            shopper: q.nick,
            kind: refund_status::type_label(r.refund.kind),
            reason: r.refund.reason,
            remark: r.refund.remark,
            amount: money::format(r.refund.amount),
            status: r.status,
            status_str,
            back,
            merchant_remark: r.merchant_remark,
            date_add: when(&r.date_add),
            open: matches!(r.status, refund_status::PENDING | refund_status::APPROVED),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/orders/refunds.html")]
pub(super) struct RefundsPage {
    staff: Staff,
    rows: Vec<RefundRow>,
    status: String,
    pager: Pager,
}

/// GET /admin/refunds — staff only. The after-sale queue, open requests first.
#[get("/refunds?<status>&<page>")]
pub(super) async fn refunds(
    staff: Staff,
    db: &State<Db>,
    status: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let wanted = status.and_then(|s| s.trim().parse::<i64>().ok()).filter(|s| (0..=4).contains(s));
    let (rows, total) = db
        .read(move |c| {
            Ok::<_, AdminError>(Pager::fetch(page, |offset, limit| {
                order_admin::refund_queue(c, wanted, offset, limit)
            })?)
        })
        .await?;
    let status = wanted.map(|s| s.to_string()).unwrap_or_default();
    let pager = Pager::new(page, total, &[("status", &status)]);
    render(&RefundsPage { staff, rows: rows.into_iter().map(RefundRow::new).collect(), status, pager })
}

/// The approval page: a refund only asks before refunding; a return and refund asks where the
/// goods go back to (the last address given is offered).
#[derive(Template)]
#[template(path = "admin/orders/refund_approve.html")]
pub(super) struct ApprovePage {
    staff: Staff,
    id: i64,
    question: String,
    warning: &'static str,
    /// Some: a return, with the address to offer.
    return_to: Option<ReturnAddress>,
}

/// GET /admin/refunds/<id>/approve — staff only; asks before refunding (or, for a return, for
/// the address the goods go back to).
#[get("/refunds/<id>/approve")]
pub(super) async fn confirm_approve(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let r = db.read(move |c| db::order::refund(c, id)).await?.ok_or(AdminError::NotFound)?;
    let o = find(db, r.refund.order_id).await?;
    if r.refund.kind == refund_status::RETURN_REFUND {
        let last = db.read(rules::last_return_address).await?;
        return render(&ApprovePage {
            staff,
            id,
            question: format!(
                "同意订单 {} 的退货退款申请（¥{}）：买家按下面的地址寄回商品，收到退货并确认后才退款。",
                o.row.order_number,
                money::format(r.refund.amount)
            ),
            warning: "同意后买家在小程序里看到寄回地址并填写快递单号；商家确认收货时选择是否入库。",
            return_to: Some(last),
        });
    }
    let money = if r.refund.kind == refund_status::EXCHANGE { 0 } else { r.refund.amount };
    let order_id = o.row.id;
    let to_wechat = db.read(move |c| wechat_refund::wechat_share(c, order_id, money)).await?;
    render(&ApprovePage {
        staff,
        id,
        question: refund_question(&o.row.order_number, r.refund.kind, money, to_wechat),
        warning: "退到余额的部分立即到账并记入资金流水；原路退回微信支付的部分在微信确认后到账，进度见“微信退款”页。无法撤回。",
        return_to: None,
    })
}

/// "确定同意…并退款 ¥30.00 到买家余额吗？" with the split between WeChat and the balance.
pub(super) fn refund_question(order_number: &str, kind: i64, money: i64, to_wechat: i64) -> String {
    match money {
        0 => format!("确定同意订单 {order_number} 的{}申请吗？", refund_status::type_label(kind)),
        m if to_wechat == 0 => {
            format!("确定同意订单 {order_number} 的售后申请，并退款 ¥{} 到买家余额吗？", money::format(m))
        }
        m => format!(
            "确定同意订单 {order_number} 的售后申请，并退款 ¥{}（¥{} 原路退回微信支付，¥{} 到买家余额）吗？",
            money::format(m),
            money::format(to_wechat),
            money::format(m - to_wechat)
        ),
    }
}

#[derive(FromForm)]
pub(super) struct ApproveForm {
    remark: Option<String>,
    /// A return's address (the form of a return and refund only).
    link_man: Option<String>,
    mobile: Option<String>,
    address: Option<String>,
}

#[derive(FromForm)]
pub(super) struct DecisionForm {
    remark: String,
}

/// Runs a decision; back to the queue with its result in words.
pub(super) async fn decide<F>(db: &Db, ok: String, f: F) -> Result<Answer, AdminError>
where
    F: FnOnce(&rusqlite::Connection) -> Result<rules::Decision, ServiceError> + Send + 'static,
{
    match db.write(move |c| Ok::<_, AdminError>(f(c))).await? {
        Ok(_) => Ok(done("/admin/refunds", ok)),
        Err(ServiceError::NotFound(_)) => Err(AdminError::NotFound),
        Err(e) => Ok(failed("/admin/refunds", said(e)?)),
    }
}

/// Back to the queue after a decision that may have started a WeChat refund (asked after the
/// decision commits).
pub(super) async fn after_refund(
    db: &Db,
    wx: &WxRefunds,
    decided: Result<rules::Decision, ServiceError>,
    ok: &str,
) -> Result<Answer, AdminError> {
    let d = match decided {
        Ok(d) => d,
        Err(ServiceError::NotFound(_)) => return Err(AdminError::NotFound),
        Err(e) => return Ok(failed("/admin/refunds", said(e)?)),
    };
    let closed = if d.order_closed { "，订单已全额退款并关闭" } else { "" };
    let Some(wechat) = d.wechat_refund else { return Ok(done("/admin/refunds", format!("{ok}{closed}"))) };
    let r = wechat_refund::send_now(db, wx, wechat).await?;
    Ok(done("/admin/refunds", format!("{ok}，{}{closed}", wechat_refund::sent_words(&r))))
}

/// POST /admin/refunds/<id>/approve — staff only. A refund only is refunded the way the order was
/// paid (a WeChat payment's share back to WeChat, asked after the decision commits; the rest to
/// the balance) and finished; a return and refund is approved with the address the goods go
/// back to, and refunded when the goods arrive.
#[post("/refunds/<id>/approve", data = "<form>")]
pub(super) async fn approve(
    _admin: AdminSession,
    db: &State<Db>,
    wx: &State<WxRefunds>,
    id: i64,
    form: Posted<ApproveForm>,
) -> Result<Answer, AdminError> {
    let f = form.0;
    let remark = f.remark.unwrap_or_default();
    let return_to = f.link_man.map(|link_man| ReturnAddress {
        link_man,
        mobile: f.mobile.unwrap_or_default(),
        address: f.address.unwrap_or_default(),
    });
    // A refusal rolls the whole transaction back.
    let decided: Result<rules::Decision, ServiceError> =
        db.write(move |c| rules::approve_refund(c, id, &remark, return_to.as_ref(), db::unix_now())).await;
    after_refund(db, wx, decided, "已同意售后申请").await
}

/// Asks, for a return whose goods arrived, whether they go back into stock.
#[derive(Template)]
#[template(path = "admin/orders/refund_receive.html")]
pub(super) struct ReceivePage {
    staff: Staff,
    id: i64,
    question: String,
    parcel: String,
}

/// GET /admin/refunds/<id>/receive — staff only; asks before confirming a return's receipt.
#[get("/refunds/<id>/receive")]
pub(super) async fn confirm_receive(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let r = db.read(move |c| db::order::refund(c, id)).await?.ok_or(AdminError::NotFound)?;
    let o = find(db, r.refund.order_id).await?;
    let money = r.refund.amount;
    let order_id = o.row.id;
    let to_wechat = db.read(move |c| wechat_refund::wechat_share(c, order_id, money)).await?;
    render(&ReceivePage {
        staff,
        id,
        question: refund_question(&o.row.order_number, r.refund.kind, money, to_wechat).replacen(
            "确定同意",
            "确认收到退货，同意",
            1,
        ),
        parcel: format!("{} {}", r.back_shipper_name, r.back_tracking_number),
    })
}

#[derive(FromForm)]
pub(super) struct ReceiveForm {
    /// "1" back into stock, "0" not.
    restock: Option<String>,
    remark: Option<String>,
}

/// POST /admin/refunds/<id>/receive — staff only. The returned goods arrived: restocked or not as
/// chosen, then refunded like a refund only.
#[post("/refunds/<id>/receive", data = "<form>")]
pub(super) async fn receive(
    _admin: AdminSession,
    db: &State<Db>,
    wx: &State<WxRefunds>,
    id: i64,
    form: Posted<ReceiveForm>,
) -> Result<Answer, AdminError> {
    let restock = match form.0.restock.as_deref().map(str::trim) {
        Some("1") => true,
        Some("0") => false,
        _ => return Ok(failed(format!("/admin/refunds/{id}/receive"), "请选择退货是否入库")),
    };
    let remark = form.0.remark.unwrap_or_default();
    let decided = db.write(move |c| rules::receive_return(c, id, restock, &remark, db::unix_now())).await;
    let ok = if restock {
        "已确认收货，退货已入库并退款"
    } else {
        "已确认收货并退款（未入库）"
    };
    after_refund(db, wx, decided, ok).await
}

/// POST /admin/refunds/<id>/reject — staff only. `remark` says why.
#[post("/refunds/<id>/reject", data = "<form>")]
pub(super) async fn reject(
    _admin: AdminSession,
    db: &State<Db>,
    id: i64,
    form: Posted<DecisionForm>,
) -> Result<Answer, AdminError> {
    let remark = form.0.remark;
    if remark.trim().is_empty() {
        return Ok(failed("/admin/refunds", "请填写拒绝原因"));
    }
    decide(db, "已拒绝售后申请".into(), move |c| rules::reject_refund(c, id, &remark, db::unix_now())).await
}
