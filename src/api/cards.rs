//! Cards (会员卡: 次卡 / 储值卡): the cards on sale, buying one from the balance, the shopper's
//! cards and their logs, redeeming a card password, and sharing a card with a friend.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, BaseUrl, Page, Paging, Params, Reply};
use crate::db::cards::{Card, Held, Log, LogKind};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money::to_yuan;
use crate::service::cards::{self, Offer};

pub fn routes() -> Vec<Route> {
    routes![list, info, buy, mine, logs, exchange, share_open, share_close, share_fetch]
}

/// What a card holds, as the shopper reads it: uses for a count card, yuan for a value card.
#[allow(clippy::cast_precision_loss, reason = "uses are at most 100,000: exact in an f64")]
fn shown(kind: i64, amount: i64) -> f64 {
    if kind == 0 {
        amount as f64
    } else {
        to_yuan(amount)
    }
}

/// A card the shop defines (`cardInfo` in the templates; `refs` names the goods it pays for).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CardView {
    pub id: i64,
    pub name: String,
    /// 0 count card (次卡), 1 value card (储值卡).
    #[serde(rename = "type")]
    pub kind: i64,
    pub type_str: &'static str,
    pub amount: f64,
    pub price: f64,
    pub days: i64,
    pub refs: String,
    pub pic: String,
    pub content: String,
    pub paixu: i64,
    pub status: i64,
    pub date_add: String,
    pub date_update: String,
}

impl CardView {
    pub fn new(base: &BaseUrl, c: Card) -> CardView {
        let f = c.f;
        CardView {
            id: c.id,
            type_str: if f.kind == 0 { "次卡" } else { "储值卡" },
            amount: shown(f.kind, f.amount),
            price: to_yuan(f.price),
            kind: f.kind,
            days: f.days,
            pic: if f.pic.is_empty() { String::new() } else { base.absolute(&f.pic) },
            name: f.name,
            refs: f.refs,
            content: f.content,
            paixu: f.paixu,
            status: f.status,
            date_add: db::format_unix(c.date_add),
            date_update: db::format_unix(c.date_update),
        }
    }
}

/// A card the shopper holds; `status` 0 usable, 1 shared away, 2 expired.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldView {
    pub id: i64,
    pub card_id: i64,
    pub uid: i64,
    pub amount: f64,
    pub status: i64,
    pub status_str: &'static str,
    pub share_open: bool,
    pub date_add: String,
    /// Empty when the card never ends.
    pub date_end: String,
    pub card_info: CardView,
}

impl HeldView {
    fn new(base: &BaseUrl, h: Held, card: Card, now: i64) -> HeldView {
        let (status, status_str) = match h.status {
            0 if cards::expired(&h, now) => (2, "已过期"),
            0 => (0, "正常"),
            _ => (1, "已转赠"),
        };
        HeldView {
            id: h.id,
            card_id: h.card_id,
            uid: h.user_id,
            amount: shown(card.f.kind, h.amount),
            status,
            status_str,
            share_open: h.share_open,
            date_add: db::format_unix(h.date_add),
            date_end: if h.date_end > 0 { db::format_unix(h.date_end) } else { String::new() },
            card_info: CardView::new(base, card),
        }
    }
}

/// A change of a held card as the logs page reads it (`typeStr`, `amount`, `balance`, `dateAdd`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogView {
    pub id: i64,
    pub card_user_id: i64,
    #[serde(rename = "type")]
    pub kind: i64,
    pub type_str: &'static str,
    pub amount: i64,
    pub balance: i64,
    pub remark: String,
    pub date_add: String,
}

impl From<Log> for LogView {
    fn from(l: Log) -> Self {
        LogView {
            id: l.id,
            card_user_id: l.card_user_id,
            kind: l.kind as i64,
            type_str: match l.kind {
                LogKind::Bought => "购买",
                LogKind::Redeemed => "卡密兑换",
                LogKind::SharedAway => "转赠",
                LogKind::Received => "好友赠送",
                LogKind::Used => "使用",
                LogKind::Adjusted => "调整",
                LogKind::Returned => "退回",
            },
            amount: l.amount,
            balance: l.balance,
            remark: l.remark,
            date_add: db::format_unix(l.date_add),
        }
    }
}

/// GET /<sub>/card/list — cardList; anyone. The cards on sale, in display order; 700 when none.
#[get("/card/list")]
async fn list(db: &State<Db>, base: BaseUrl) -> ApiResult<Vec<CardView>> {
    let rows = db.read(|c| db::cards::cards(c, true)).await?;
    if rows.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(rows.into_iter().map(|c| CardView::new(&base, c)).collect()))
}

/// GET /<sub>/card/info?id — cardInfo; anyone.
#[get("/card/info")]
async fn info(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<CardView> {
    let id = p.int("id")?;
    let card = db.read(move |c| db::cards::card_by_id(c, id)).await?.ok_or(ApiError::NotFound("会员卡"))?;
    Ok(Reply(CardView::new(&base, card)))
}

/// POST /<sub>/card/buy — cardBuy; logged-in shopper. Pays from the balance in one transaction;
/// 40000 with the amount due when short (WeChat Pay: nextAction `{"type":10,"id":…}`).
#[post("/card/buy", data = "<req>")]
async fn buy(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<HeldView> {
    let id = req.p.int("id")?;
    let uid = req.user_id;
    let now = db::unix_now();
    let (held, card) = db
        .write(move |c| {
            let held = cards::buy(c, uid, id, now)?;
            let card = cards::on_sale(c, id)?;
            Ok::<_, ApiError>((held, card))
        })
        .await?;
    Ok(Reply(HeldView::new(&base, held, card, now)))
}

/// GET /<sub>/card/my — cardMyList; logged-in shopper. Newest first; 700 when none.
#[get("/card/my")]
async fn mine(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<Vec<HeldView>> {
    let uid = req.user_id;
    let rows = db.read(move |c| cards::mine(c, uid)).await?;
    if rows.is_empty() {
        return Err(ApiError::Empty);
    }
    let now = db::unix_now();
    Ok(Reply(rows.into_iter().map(|(h, card)| HeldView::new(&base, h, card, now)).collect()))
}

/// POST /<sub>/card/logs — cardMyLogs; logged-in shopper. `cardId` (a held card) or all, newest
/// first, paged; 700 when none.
#[post("/card/logs", data = "<req>")]
async fn logs(req: Authed, db: &State<Db>) -> ApiResult<Page<LogView>> {
    let paging = Paging::from(&req.p)?;
    let held = req.p.opt_int("cardId")?;
    let uid = req.user_id;
    let (rows, total) = db
        .read(move |c| {
            if let Some(id) = held {
                cards::own(c, uid, id)?;
            }
            Ok::<_, ApiError>(db::cards::logs_of(c, uid, held, paging.offset(), paging.limit())?)
        })
        .await?;
    Ok(Reply(paging.page(rows.into_iter().map(Into::into).collect(), total)?))
}

/// POST /<sub>/card/exchange — cardExchangeFromPwd; logged-in shopper. Redeems the card password
/// `number`; 700 when it matches no unused password.
#[post("/card/exchange", data = "<req>")]
async fn exchange(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<HeldView> {
    let number = req.p.text("number", 64)?.to_string();
    let uid = req.user_id;
    let now = db::unix_now();
    let (held, card) = db
        .write(move |c| {
            let held = cards::redeem(c, uid, &number, now)?;
            let card = db::cards::card_by_id(c, held.card_id)?.ok_or(ApiError::NotFound("会员卡"))?;
            Ok::<_, ApiError>((held, card))
        })
        .await?;
    Ok(Reply(HeldView::new(&base, held, card, now)))
}

/// POST /<sub>/card/share/open — cardShareOpen; logged-in shopper. Opens a share of card `id`;
/// `data` is the share token the friend's link carries (a new one each time).
#[post("/card/share/open", data = "<req>")]
async fn share_open(req: Authed, db: &State<Db>) -> ApiResult<String> {
    let id = req.p.int("id")?;
    let remark = req.p.opt_text("remark", cards::MAX_REMARK)?.unwrap_or_default().to_string();
    let uid = req.user_id;
    let now = db::unix_now();
    Ok(Reply(db.write(move |c| cards::open_share(c, uid, id, &remark, now)).await?))
}

/// POST /<sub>/card/share/close — cardShareClose; logged-in shopper. The link stops working.
#[post("/card/share/close", data = "<req>")]
async fn share_close(req: Authed, db: &State<Db>) -> ApiResult<&'static str> {
    let id = req.p.int("id")?;
    let uid = req.user_id;
    db.write(move |c| cards::close_share(c, uid, id)).await?;
    Ok(Reply("success"))
}

/// Who shares a card, as the fetch page shows them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sharer {
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
}

/// cardShareFetch's answer: the card offered (`calculate`) or the card now the shopper's.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareView {
    pub user: Sharer,
    pub card_user: HeldView,
    pub card_info: CardView,
}

/// POST /<sub>/card/share/fetch — cardShareFetch; logged-in shopper. With `calculate=true` shows
/// what the link `id` + `shareToken` offers; without it takes the card over.
#[post("/card/share/fetch", data = "<req>")]
async fn share_fetch(req: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<ShareView> {
    let id = req.p.int("id")?;
    let token = req.p.text("shareToken", 128)?.to_string();
    let preview = req.p.opt_bool("calculate")?.unwrap_or(false);
    let uid = req.user_id;
    let now = db::unix_now();
    let work = move |c: &rusqlite::Connection| {
        let Offer { held, card, sharer } = cards::offer(c, uid, id, &token, now)?;
        let user = db::user::by_id(c, sharer)?.ok_or(ApiError::NotFound("分享人"))?;
        let user = Sharer { uid: user.id, nick: user.nick, avatar_url: user.avatar_url };
        let held = if preview { held } else { cards::fetch(c, uid, id, &token, now)? };
        Ok::<_, ApiError>((user, held, card))
    };
    let (user, held, card) = if preview { db.read(work).await? } else { db.write(work).await? };
    Ok(Reply(ShareView {
        user,
        card_info: CardView::new(&base, card.clone()),
        card_user: HeldView::new(&base, held, card, now),
    }))
}
