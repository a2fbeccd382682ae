//! Group-buy sets (拼团): create one per goods (with per-SKU group prices), list them, see a set's
//! groups, stop one; see a group with its members and fail or succeed it by hand. Money in yuan;
//! times "YYYY-MM-DD HH:MM:SS" (Asia/Shanghai).

use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::{Deserialize, Serialize};

use super::body::fen;
use super::{Answer, ApiKey, JsonBody, BASE};
use crate::db::pingtuan::{MemberRow, SetFields, SetRow, TuanRow};
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::money::to_yuan;
use crate::service::order::GROUP_ORDERS;
use crate::service::pingtuan;
use crate::service::wechat_refund::{self, WxRefunds};

pub fn routes() -> Vec<Route> {
    routes![list, create, show, stop, group, fail, succeed]
}

/// Groups a set's answer lists at most (newest first).
const GROUPS_SHOWN: i64 = 200;

/// A SKU's own group price.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SkuPrice {
    pub sku_id: i64,
    pub price: f64,
}

/// A set as the merchant API answers it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetView {
    pub id: i64,
    pub goods_id: i64,
    pub pingtuan_price: f64,
    pub sku_prices: Vec<SkuPrice>,
    pub number_persion: i64,
    pub timeout_hours: i64,
    /// 0 to the balance, 1 back through WeChat Pay.
    pub refund_type: i64,
    pub number_doing: i64,
    pub number_success: i64,
    pub date_add: String,
    pub date_end: String,
    /// 0 active, 1 stopped, 2 ended.
    pub status: i64,
    pub status_str: &'static str,
}

impl SetView {
    fn new(s: &SetRow, now: i64) -> Self {
        let f = &s.fields;
        SetView {
            id: s.id,
            goods_id: f.goods_id,
            pingtuan_price: to_yuan(f.price),
            sku_prices: f
                .sku_prices
                .iter()
                .map(|&(sku_id, p)| SkuPrice { sku_id, price: to_yuan(p) })
                .collect(),
            number_persion: f.number_persion,
            timeout_hours: f.timeout_hours,
            refund_type: f.refund_type,
            number_doing: s.number_doing,
            number_success: s.number_success,
            date_add: db::format_unix(s.date_add),
            date_end: db::format_unix(f.date_end),
            status: s.status,
            status_str: pingtuan::set_status_words(s, now),
        }
    }
}

/// A group as the merchant API answers it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupView {
    pub id: i64,
    pub set_id: i64,
    pub goods_id: i64,
    /// The opener.
    pub uid: i64,
    pub nick: String,
    pub number_persion: i64,
    /// Seats taken (paid or awaiting payment).
    pub seats: i64,
    /// Members who paid.
    pub help_number: i64,
    /// 0 in progress, 1 succeeded, 2 failed, 3 opened (its opener has not paid).
    pub status: i64,
    pub status_str: &'static str,
    pub date_add: String,
    pub date_end: Option<String>,
    pub date_finish: Option<String>,
}

fn group_view(t: &TuanRow) -> GroupView {
    GroupView {
        id: t.id,
        set_id: t.set_id,
        goods_id: t.goods_id,
        uid: t.user_id,
        nick: t.nick.clone(),
        number_persion: t.number_persion,
        seats: t.seats,
        help_number: t.help_number,
        status: t.status,
        status_str: pingtuan::tuan_status_words(t.status),
        date_add: db::format_unix(t.date_add),
        date_end: t.date_end.map(db::format_unix),
        date_finish: t.date_finish.map(db::format_unix),
    }
}

/// A member's order in a group.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    pub uid: i64,
    pub nick: String,
    pub order_id: i64,
    pub order_number: String,
    pub amount_real: f64,
    /// 0 awaiting payment, 1 paid, 2 refunded.
    pub status: i64,
    /// The order's own status (1 paid and waiting for the group; 2 shipped…; -1 closed).
    pub order_status: i64,
}

fn member_view(m: &MemberRow) -> MemberView {
    MemberView {
        uid: m.user_id,
        nick: m.nick.clone(),
        order_id: m.order_id,
        order_number: m.order_number.clone(),
        amount_real: to_yuan(m.amount_real),
        status: m.status,
        order_status: m.order_status,
    }
}

/// A set with its groups.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetDetail {
    #[serde(flatten)]
    pub set: SetView,
    pub groups: Vec<GroupView>,
}

/// A group with its members.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupDetail {
    #[serde(flatten)]
    pub group: GroupView,
    pub members: Vec<MemberView>,
    /// WeChat refunds started by this call (failing a group), by id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub wechat_refunds: Vec<i64>,
}

/// A new set.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetBody {
    pub goods_id: i64,
    pub pingtuan_price: f64,
    #[serde(default)]
    pub sku_prices: Vec<SkuPrice>,
    pub number_persion: i64,
    pub timeout_hours: i64,
    #[serde(default)]
    pub refund_type: i64,
    pub date_end: String,
}

impl SetBody {
    fn fields(&self) -> Answer<SetFields> {
        Ok(SetFields {
            goods_id: self.goods_id,
            price: fen("pingtuanPrice", self.pingtuan_price)?,
            sku_prices: self
                .sku_prices
                .iter()
                .map(|s| Ok((s.sku_id, fen("skuPrices", s.price)?)))
                .collect::<Answer<Vec<_>>>()?,
            number_persion: self.number_persion,
            timeout_hours: self.timeout_hours,
            refund_type: self.refund_type,
            date_end: super::coupons::parse_time("dateEnd", &self.date_end)?,
        })
    }
}

/// GET /admin/api/v1/pingtuan-sets?goodsId — merchant key. Every set, newest first.
#[get("/pingtuan-sets?<goodsId>")]
#[allow(non_snake_case, reason = "the query parameter is named as the client names it")]
async fn list(_key: ApiKey, db: &State<Db>, goodsId: Option<i64>) -> Answer<Json<Vec<SetView>>> {
    let now = db::unix_now();
    let rows = db.read(move |c| db::pingtuan::all_sets(c, goodsId)).await?;
    Ok(Json(rows.iter().map(|s| SetView::new(s, now)).collect()))
}

/// POST /admin/api/v1/pingtuan-sets — merchant key. 201 with `Location`; 422 naming a bad field;
/// 409 when the goods has an active set already.
#[post("/pingtuan-sets", data = "<body>")]
async fn create(_key: ApiKey, db: &State<Db>, body: JsonBody<SetBody>) -> Answer<Created<Json<SetView>>> {
    let (f, now) = (body.0.fields()?, db::unix_now());
    let s = db.write(move |c| pingtuan::create_set(c, &f, now)).await?;
    Ok(Created::new(format!("{BASE}/pingtuan-sets/{}", s.id)).body(Json(SetView::new(&s, now))))
}

/// GET /admin/api/v1/pingtuan-sets/<id> — merchant key. The set with its groups (newest 200).
#[get("/pingtuan-sets/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<SetDetail>> {
    let now = db::unix_now();
    let (s, groups) = db
        .read(move |c| {
            let Some(s) = db::pingtuan::set(c, id)? else { return Ok((None, Vec::new())) };
            let groups = db::pingtuan::tuans_of_set(c, id, GROUPS_SHOWN)?;
            Ok::<_, db::Error>((Some(s), groups))
        })
        .await?;
    let s = s.ok_or(MerchantError::NotFound("group-buy set"))?;
    Ok(Json(SetDetail { set: SetView::new(&s, now), groups: groups.iter().map(group_view).collect() }))
}

/// POST /admin/api/v1/pingtuan-sets/<id>/stop — merchant key. Stops an active set (409
/// otherwise): no new groups; groups in progress run to their deadline.
#[post("/pingtuan-sets/<id>/stop")]
async fn stop(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<SetView>> {
    let now = db::unix_now();
    let s = db.write(move |c| pingtuan::stop_set(c, id)).await?;
    Ok(Json(SetView::new(&s, now)))
}

async fn group_detail(db: &Db, id: i64, wechat_refunds: Vec<i64>) -> Answer<Json<GroupDetail>> {
    let found = db.read(move |c| pingtuan::tuan_with_members(c, id)).await?;
    let (t, members) = found.ok_or(MerchantError::NotFound("group"))?;
    Ok(Json(GroupDetail {
        group: group_view(&t),
        members: members.iter().map(member_view).collect(),
        wechat_refunds,
    }))
}

/// GET /admin/api/v1/pingtuan-groups/<id> — merchant key. A group with its members' orders.
#[get("/pingtuan-groups/<id>")]
async fn group(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<GroupDetail>> {
    group_detail(db, id, Vec::new()).await
}

/// POST /admin/api/v1/pingtuan-groups/<id>/fail — merchant key. Fails a group in progress now:
/// every paid member is refunded the set's way and their orders closed (409 when the group is not
/// in progress). WeChat refunds are sent after the change is committed.
#[post("/pingtuan-groups/<id>/fail")]
async fn fail(_key: ApiKey, db: &State<Db>, wx: &State<WxRefunds>, id: i64) -> Answer<Json<GroupDetail>> {
    let now = db::unix_now();
    let refunds =
        db.write(move |c| pingtuan::fail(c, id, "商家取消拼团，订单已退款", now, GROUP_ORDERS)).await?;
    for &r in &refunds {
        if let Err(e) = wechat_refund::send_now(db, wx, r).await {
            log::warn!("wechat refund {r} not sent: {e}");
        }
    }
    group_detail(db, id, refunds).await
}

/// POST /admin/api/v1/pingtuan-groups/<id>/succeed — merchant key. Declares a group in progress
/// successful: its paid members' orders can ship, unpaid seat holders are closed (409 otherwise).
#[post("/pingtuan-groups/<id>/succeed")]
async fn succeed(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<GroupDetail>> {
    let now = db::unix_now();
    db.write(move |c| pingtuan::succeed(c, id, now, GROUP_ORDERS)).await?;
    group_detail(db, id, Vec::new()).await
}
