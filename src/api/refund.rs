//! After-sale requests (`/order/refundApply/...`, `/order/refund`): a logged-in shopper asks for a
//! refund, a return or an exchange on their paid order (or one line of it); one open request per
//! order line (20000 otherwise). The merchant decides in the console / merchant API.

use rocket::{get, post, routes, Route, State};

use super::order_views::{LineView, PicView, RefundDetailView, RefundView};
use super::{ApiResult, Authed, BaseUrl, Params, Reply};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money;
use crate::service::order::{self, RefundInput, ReturnOf};

pub fn routes() -> Vec<Route> {
    routes![apply, detail, cancel, back_logistics, list]
}

/// Most pictures on one request.
const MAX_PICS: usize = 9;

/// `pic`: comma-joined URLs or a JSON array of URLs.
fn pics(p: &Params) -> Result<Vec<String>, ApiError> {
    let Some(text) = p.opt_text("pic", 10_000)? else { return Ok(Vec::new()) };
    let list: Vec<String> = if text.starts_with('[') {
        serde_json::from_str(text)
            .map_err(|_| ApiError::invalid("pic", "应为图片地址的 JSON 数组或逗号分隔的地址"))?
    } else {
        text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
    };
    if list.len() > MAX_PICS {
        return Err(ApiError::invalid("pic", format!("最多 {MAX_PICS} 张图片")));
    }
    Ok(list)
}

fn refund_input(p: &Params) -> Result<RefundInput, ApiError> {
    let kind = p.opt_int("type")?.unwrap_or(0);
    if !(0..=2).contains(&kind) {
        return Err(ApiError::invalid("type", "应为 0（仅退款）、1（退货退款）或 2（换货）"));
    }
    let logistics_status = p.opt_int("logisticsStatus")?.unwrap_or(0);
    if !(0..=1).contains(&logistics_status) {
        return Err(ApiError::invalid("logisticsStatus", "应为 0（未收到货）或 1（已收到货）"));
    }
    let amount = match p.get("amount") {
        None => None,
        Some(v) => {
            Some(money::parse(v).ok_or_else(|| ApiError::invalid("amount", "应为金额（元），最多两位小数"))?)
        }
    };
    Ok(RefundInput {
        order_id: p.int("orderId")?,
        order_goods_id: p.opt_int("orderGoodsId")?.filter(|&id| id > 0),
        kind,
        logistics_status,
        reason: p.text("reason", 100)?.to_string(),
        amount,
        number: p.opt_int("number")?,
        remark: p.opt_text("remark", 500)?.unwrap_or("").to_string(),
        pics: pics(p)?,
    })
}

/// POST /<sub>/order/refundApply/apply — refundApply; logged-in shopper, own paid order.
/// 20000 when a request for the order (line) is already open. Answers the request's id.
#[post("/order/refundApply/apply", data = "<req>")]
async fn apply(req: Authed, db: &State<Db>) -> ApiResult<i64> {
    let (user, input) = (req.user_id, refund_input(&req.p)?);
    Ok(Reply(db.write(move |c| order::apply_refund(c, user, &input, db::unix_now())).await?))
}

/// GET /<sub>/order/refundApply/info — refundApplyDetail; logged-in shopper, own order: the
/// requests (of one line with `orderGoodsId`), newest first, each `{baseInfo, pics, goodInfo}`.
/// 700 when there are none.
#[get("/order/refundApply/info")]
async fn detail(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<Vec<RefundDetailView>> {
    let (user, order_id) = (req.user_id, req.p.int("orderId")?);
    let line = req.p.opt_int("orderGoodsId")?;
    let d = db.read(move |c| order::refunds_of(c, user, order_id)).await?;
    let views: Vec<RefundDetailView> = d
        .refunds
        .iter()
        .rev()
        .filter(|r| line.is_none_or(|l| r.refund.order_goods_id == l))
        .map(|r| RefundDetailView {
            base_info: RefundView::new(r),
            pics: serde_json::from_str::<Vec<String>>(&r.refund.pics)
                .unwrap_or_default()
                .into_iter()
                .map(|p| PicView { pic: base.absolute(&p) })
                .collect(),
            good_info: d
                .lines
                .iter()
                .find(|l| l.id == r.refund.order_goods_id)
                .map(|l| LineView::new(&base, l, d.status, &d.bookings)),
        })
        .collect();
    if views.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(views))
}

/// POST /<sub>/order/refundApply/cancel — refundApplyCancel; logged-in shopper, own open request(s).
#[post("/order/refundApply/cancel", data = "<req>")]
async fn cancel(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let (user, order_id, line) =
        (req.user_id, req.p.int("orderId")?, req.p.opt_int("orderGoodsId")?.filter(|&l| l > 0));
    db.write(move |c| order::cancel_refund(c, user, order_id, line, db::unix_now())).await?;
    Ok(Reply(()))
}

/// POST /<sub>/order/refundApply/setBackLogistics — refundApplySetBackLogistics; logged-in
/// shopper: the parcel sent back for an approved return (`orderId`, `applyId` or `orderGoodsId`,
/// `shipperName`, `trackingNumber`).
#[post("/order/refundApply/setBackLogistics", data = "<req>")]
async fn back_logistics(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let p = &req.p;
    let of = ReturnOf {
        order_id: p.int("orderId")?,
        apply_id: p.opt_int("applyId")?.filter(|&a| a > 0),
        line: p.opt_int("orderGoodsId")?.filter(|&l| l > 0),
    };
    let shipper = p
        .opt_text("shipperName", 50)?
        .or(p.opt_text("logisticsName", 50)?)
        .ok_or(ApiError::Missing("shipperName"))?
        .to_string();
    let number = p
        .opt_text("trackingNumber", 50)?
        .or(p.opt_text("logisticsNumber", 50)?)
        .ok_or(ApiError::Missing("trackingNumber"))?
        .to_string();
    let user = req.user_id;
    db.write(move |c| order::set_back_logistics(c, user, of, &shipper, &number, db::unix_now())).await?;
    Ok(Reply(()))
}

/// GET /<sub>/order/refund — orderRefunds; logged-in shopper, own order: every request, oldest
/// first. 700 when there are none.
#[get("/order/refund")]
async fn list(req: Authed, db: &State<Db>) -> ApiResult<Vec<RefundView>> {
    let (user, order_id) = (req.user_id, req.p.int("orderId")?);
    let d = db.read(move |c| order::refunds_of(c, user, order_id)).await?;
    if d.refunds.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(d.refunds.iter().map(RefundView::new).collect()))
}
