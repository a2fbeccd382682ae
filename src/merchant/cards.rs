//! Cards (次卡 / 储值卡, `cardList` and friends in the mini-program): the cards the shop defines,
//! their passwords, who holds them, and using a held card at the counter.

use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{get, post, put, routes, FromForm, Route, State};
use serde::{Deserialize, Serialize};

use super::body::fen;
use super::{Answer, ApiKey, JsonBody, Paged, Paging, Problem, BASE};
use crate::db::cards::{Card, CardFields, Held};
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::money;
use crate::service::cards;

pub fn routes() -> Vec<Route> {
    routes![list, create, show, replace, make_passwords, holders, use_card]
}

/// What a card holds in the API's units: uses for a count card, yuan for a value card.
#[allow(clippy::cast_precision_loss, reason = "uses are at most 100,000: exact in an f64")]
fn shown(kind: i64, amount: i64) -> f64 {
    if kind == 0 {
        amount as f64
    } else {
        money::to_yuan(amount)
    }
}

/// A card type; `amount` is uses (kind 0) or yuan (kind 1), `price` yuan.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CardView {
    pub id: i64,
    pub name: String,
    pub kind: i64,
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

impl From<Card> for CardView {
    fn from(c: Card) -> Self {
        let f = c.f;
        CardView {
            id: c.id,
            amount: shown(f.kind, f.amount),
            price: money::to_yuan(f.price),
            kind: f.kind,
            name: f.name,
            days: f.days,
            refs: f.refs,
            pic: f.pic,
            content: f.content,
            paixu: f.paixu,
            status: f.status,
            date_add: db::format_unix(c.date_add),
            date_update: db::format_unix(c.date_update),
        }
    }
}

/// A whole card as POST and PUT send it; absent fields take their defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct CardBody {
    pub name: String,
    pub kind: i64,
    pub amount: f64,
    pub price: f64,
    pub days: i64,
    pub refs: String,
    pub pic: String,
    pub content: String,
    pub paixu: i64,
    pub status: i64,
}

impl CardBody {
    fn fields(self) -> Result<CardFields, Problem> {
        let amount = if self.kind == 0 { whole("amount", self.amount)? } else { fen("amount", self.amount)? };
        Ok(CardFields {
            amount,
            price: fen("price", self.price)?,
            name: self.name,
            kind: self.kind,
            days: self.days,
            refs: self.refs,
            pic: self.pic,
            content: self.content,
            paixu: self.paixu,
            status: self.status,
        })
    }
}

/// A whole number sent as a JSON number.
#[allow(clippy::cast_possible_truncation, reason = "checked to be whole and in range first")]
fn whole(field: &'static str, v: f64) -> Result<i64, Problem> {
    if v.fract() == 0.0 && (0.0..=1e12).contains(&v) {
        Ok(v as i64)
    } else {
        Err(Problem::invalid(field, "must be a whole number ≥ 0"))
    }
}

async fn load(db: &Db, id: i64) -> Answer<CardView> {
    let found = db.read(move |c| db::cards::card_by_id(c, id)).await?;
    Ok(found.ok_or(MerchantError::NotFound("card"))?.into())
}

/// GET /admin/api/v1/cards — merchant key. Every card, on sale or not, in display order.
#[get("/cards")]
async fn list(_key: ApiKey, db: &State<Db>) -> Answer<Json<Vec<CardView>>> {
    let rows = db.read(|c| db::cards::cards(c, false)).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// POST /admin/api/v1/cards — merchant key. 201 with `Location`.
#[post("/cards", data = "<body>")]
async fn create(_key: ApiKey, db: &State<Db>, body: JsonBody<CardBody>) -> Answer<Created<Json<CardView>>> {
    let f = body.0.fields()?;
    let id = db.write(move |c| cards::save(c, None, f, db::unix_now())).await?;
    Ok(Created::new(format!("{BASE}/cards/{id}")).body(Json(load(db, id).await?)))
}

/// GET /admin/api/v1/cards/<id> — merchant key.
#[get("/cards/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<CardView>> {
    Ok(Json(load(db, id).await?))
}

/// PUT /admin/api/v1/cards/<id> — merchant key. Replaces the whole card; held cards keep what
/// they hold.
#[put("/cards/<id>", data = "<body>")]
async fn replace(_key: ApiKey, db: &State<Db>, id: i64, body: JsonBody<CardBody>) -> Answer<Json<CardView>> {
    let f = body.0.fields()?;
    db.write(move |c| cards::save(c, Some(id), f, db::unix_now())).await?;
    Ok(Json(load(db, id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordsBody {
    pub count: i64,
}

/// New card passwords: shown this once, only their hashes are kept.
#[derive(Debug, Serialize)]
pub struct Passwords {
    pub passwords: Vec<String>,
}

/// POST /admin/api/v1/cards/<id>/passwords — merchant key. `{count}` (1–500) new passwords, each
/// redeemable once for the card (cardExchangeFromPwd); 201.
#[post("/cards/<id>/passwords", data = "<body>")]
async fn make_passwords(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<PasswordsBody>,
) -> Answer<Created<Json<Passwords>>> {
    let count = body.0.count;
    let passwords = db.write(move |c| cards::make_passwords(c, id, count, db::unix_now())).await?;
    Ok(Created::new(format!("{BASE}/cards/{id}")).body(Json(Passwords { passwords })))
}

/// A card a shopper holds; `amount` in the card's units, `status` 0 usable, 1 shared away, 2 expired.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldView {
    pub id: i64,
    pub card_id: i64,
    pub user_id: i64,
    pub amount: f64,
    pub status: i64,
    pub date_add: String,
    pub date_end: Option<String>,
}

impl HeldView {
    fn new(h: &Held, kind: i64, now: i64) -> HeldView {
        HeldView {
            id: h.id,
            card_id: h.card_id,
            user_id: h.user_id,
            amount: shown(kind, h.amount),
            status: if h.status == 0 && cards::expired(h, now) { 2 } else { h.status },
            date_add: db::format_unix(h.date_add),
            date_end: (h.date_end > 0).then(|| db::format_unix(h.date_end)),
        }
    }
}

#[derive(Debug, FromForm)]
pub struct PageQuery<'r> {
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// GET /admin/api/v1/cards/<id>/holders?page=&pageSize= — merchant key. Who holds the card, newest first.
#[get("/cards/<id>/holders?<q..>")]
async fn holders(_key: ApiKey, db: &State<Db>, id: i64, q: PageQuery<'_>) -> Answer<Json<Paged<HeldView>>> {
    let paging = Paging::new(q.page, q.page_size)?;
    let card = load(db, id).await?;
    let (rows, total) =
        db.read(move |c| db::cards::holders_of(c, id, paging.offset(), paging.page_size)).await?;
    let now = db::unix_now();
    Ok(Json(paging.wrap(rows.iter().map(|h| HeldView::new(h, card.kind, now)).collect(), total)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UseBody {
    /// Uses (count card) or yuan (value card).
    pub amount: f64,
    #[serde(default)]
    pub remark: String,
}

/// POST /admin/api/v1/card-users/<id>/use — merchant key. Uses `{amount, remark}` of a held card
/// at the counter (logged for the shopper); answers the card as it is now. 409 when it holds too
/// little, is expired or was shared away.
#[post("/card-users/<id>/use", data = "<body>")]
async fn use_card(_key: ApiKey, db: &State<Db>, id: i64, body: JsonBody<UseBody>) -> Answer<Json<HeldView>> {
    let held =
        db.read(move |c| db::cards::held_by_id(c, id)).await?.ok_or(MerchantError::NotFound("held card"))?;
    let card = load(db, held.card_id).await?;
    let amount = if card.kind == 0 { whole("amount", body.0.amount)? } else { fen("amount", body.0.amount)? };
    let remark = body.0.remark;
    let now = db::unix_now();
    db.write(move |c| cards::use_up(c, id, amount, &remark, now)).await?;
    let held =
        db.read(move |c| db::cards::held_by_id(c, id)).await?.ok_or(MerchantError::NotFound("held card"))?;
    Ok(Json(HeldView::new(&held, card.kind, now)))
}
