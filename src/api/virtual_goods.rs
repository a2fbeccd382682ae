//! Virtual goods (`/virtualTrader/...`, the same paths on the api and common hosts): paid content
//! and cards/codes bought from the balance. What was paid for (the content, the card) is answered
//! only to its buyer.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, BaseUrl, MaybeAuthed, Page, Paging, Params, Reply};
use crate::db::virtual_goods::{self as store, Buy, Goods, KIND_CARDS};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money;
use crate::service;

pub fn routes() -> Vec<Route> {
    routes![list, detail, buy, buy_logs]
}

/// Goods as lists and details show them to everyone.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GoodsView {
    pub id: i64,
    pub name: String,
    pub pic: String,
    pub description: String,
    pub price: f64,
    /// 0 paid content, 1 cards/codes.
    #[serde(rename = "type")]
    pub kind: i64,
    /// Cards left (card goods); null for content, which has no stock.
    pub stores: Option<i64>,
    pub number_sold: i64,
    pub status: i64,
    pub status_str: &'static str,
    pub date_add: String,
}

impl GoodsView {
    fn new(base: &BaseUrl, g: Goods) -> GoodsView {
        GoodsView {
            id: g.id,
            pic: if g.f.pic.is_empty() { String::new() } else { base.absolute(&g.f.pic) },
            name: g.f.name,
            description: g.f.description,
            price: money::to_yuan(g.f.price),
            kind: g.f.kind,
            stores: (g.f.kind == KIND_CARDS).then_some(g.cards_left),
            number_sold: g.number_sold,
            status: g.f.status,
            status_str: if g.f.status == 0 { "销售中" } else { "已下架" },
            date_add: db::format_unix(g.date_add),
        }
    }
}

/// virtualTraderDetail: the goods, and for a buyer what they paid for.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GoodsDetail {
    pub info: GoodsView,
    /// Whether the logged-in shopper bought it.
    pub bought: bool,
    /// The paid content; null unless bought.
    pub content: Option<String>,
    /// The cards the shopper bought, newest first.
    pub cards: Vec<String>,
}

/// One purchase.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BuyView {
    pub id: i64,
    pub goods_id: i64,
    pub name: String,
    pub pic: String,
    pub amount: f64,
    /// The card/code delivered ("" for content goods).
    pub card: String,
    /// The paid content.
    pub content: String,
    pub date_add: String,
}

impl BuyView {
    fn new(base: &BaseUrl, b: Buy) -> BuyView {
        BuyView {
            id: b.id,
            goods_id: b.goods_id,
            name: b.name,
            pic: if b.pic.is_empty() { String::new() } else { base.absolute(&b.pic) },
            amount: money::to_yuan(b.amount),
            card: b.card,
            content: b.content,
            date_add: db::format_unix(b.date_add),
        }
    }
}

/// POST /<sub>/virtualTrader/list — virtualTraderList(V2); anyone. Goods on sale, paged; 700 when none.
#[post("/virtualTrader/list", data = "<p>")]
async fn list(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<GoodsView>> {
    let paging = Paging::from(&p)?;
    if p.opt_int("status")?.is_some_and(|s| s != 0) {
        return Err(ApiError::invalid("status", "只能查询销售中（0）的商品"));
    }
    let (rows, total) = db.read(move |c| store::list(c, true, None, paging.offset(), paging.limit())).await?;
    Ok(Reply(paging.page(rows.into_iter().map(|g| GoodsView::new(&base, g)).collect(), total)?))
}

/// GET /<sub>/virtualTrader/info — virtualTraderDetail(V2); anyone (a buyer also gets what they
/// paid for). Goods taken off sale stay visible to their buyers only.
#[get("/virtualTrader/info")]
async fn detail(req: MaybeAuthed, db: &State<Db>, base: BaseUrl) -> ApiResult<GoodsDetail> {
    let id = req.p.int("id")?;
    let user = req.user_id;
    let (goods, buys) = db
        .read(move |c| {
            let g = store::by_id(c, id)?;
            match user {
                Some(u) => store::buys_of(c, u, Some(id), 0, 100).map(|(buys, _)| (g, buys)),
                None => Ok((g, Vec::new())),
            }
        })
        .await?;
    let goods = goods.ok_or(ApiError::NotFound("商品"))?;
    if goods.f.status != 0 && buys.is_empty() {
        return Err(ApiError::OffShelf);
    }
    let bought = !buys.is_empty();
    let content = bought.then(|| goods.f.content.clone());
    let cards = buys.into_iter().map(|b| b.card).filter(|c| !c.is_empty()).collect();
    Ok(Reply(GoodsDetail { info: GoodsView::new(&base, goods), bought, content, cards }))
}

/// POST /<sub>/virtualTrader/buy — virtualTraderBuy(V2); logged-in shopper. Paid from the balance
/// (40000 with the amount still due); 20002 when no card is left; answers the purchase.
#[post("/virtualTrader/buy", data = "<req>")]
async fn buy(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<BuyView> {
    let id = req.p.int("id")?;
    let user = req.user_id;
    let now = db::unix_now();
    let b = db.write(move |c| service::virtual_goods::buy(c, user, id, now)).await?;
    Ok(Reply(BuyView::new(&base, b)))
}

/// POST /<sub>/virtualTrader/buy/logs — virtualTraderMyBuyLogs(V2); logged-in shopper. Paged,
/// newest first; 700 when none.
#[post("/virtualTrader/buy/logs", data = "<req>")]
async fn buy_logs(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<BuyView>> {
    let paging = Paging::from(&req.p)?;
    let goods = req.p.opt_int("goodsId")?;
    let user = req.user_id;
    let (rows, total) =
        db.read(move |c| store::buys_of(c, user, goods, paging.offset(), paging.limit())).await?;
    Ok(Reply(paging.page(rows.into_iter().map(|b| BuyView::new(&base, b)).collect(), total)?))
}
