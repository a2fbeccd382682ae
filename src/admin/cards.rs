//! 会员卡: the cards the shop sells (次卡 / 储值卡), their passwords, who holds them, and using a
//! held card at the counter.

use askama::Template;
use rocket::form::{self, FromForm};
use rocket::fs::TempFile;
use rocket::{get, post, routes, Route, State};

use super::auth::AdminSession;
use super::crud;
use super::images::FileStore;
use super::page::{done, failed, number, render, said, Answer, Html, Pager, Posted, Problem, Staff};
use crate::db::cards::{Card, CardFields, Held, Password};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::service::cards;

pub fn routes() -> Vec<Route> {
    routes![list, new_page, create, edit_page, update, show, make_passwords, use_card]
}

const LABELS: &[(&str, &str)] = &[
    ("name", "名称"),
    ("kind", "类型"),
    ("amount", "面值"),
    ("price", "售价"),
    ("days", "有效天数"),
    ("refs", "适用商品"),
    ("pic", "图片"),
    ("content", "说明"),
    ("paixu", "排序"),
    ("status", "状态"),
    ("count", "数量"),
    ("remark", "备注"),
];

/// What a card holds in words: "10 次" or "¥100.00".
fn holds(kind: i64, amount: i64) -> String {
    if kind == 0 {
        format!("{amount} 次")
    } else {
        format!("¥{}", money::format(amount))
    }
}

/// A card as the list shows it.
struct Row {
    card: Card,
    holds: String,
    price: String,
}

impl Row {
    fn new(card: Card) -> Row {
        Row { holds: holds(card.f.kind, card.f.amount), price: money::format(card.f.price), card }
    }
}

#[derive(Template)]
#[template(path = "admin/cards/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<Row>,
}

/// GET /admin/cards — staff only.
#[get("/cards")]
async fn list(staff: Staff, db: &State<Db>) -> Result<Html, AdminError> {
    let rows = db.read(|c| db::cards::cards(c, false)).await?;
    render(&ListPage { staff, rows: rows.into_iter().map(Row::new).collect() })
}

#[derive(FromForm, Default)]
struct Fields {
    name: String,
    kind: String,
    amount: String,
    price: String,
    days: String,
    refs: String,
    pic: String,
    content: String,
    paixu: String,
    status: String,
}

#[derive(FromForm)]
struct CardForm<'r> {
    file: form::Result<'r, TempFile<'r>>,
    f: Fields,
}

#[derive(Template)]
#[template(path = "admin/cards/edit.html")]
struct EditPage {
    staff: Staff,
    id: Option<i64>,
    f: Fields,
    error: Option<String>,
}

/// GET /admin/cards/new — staff only.
#[get("/cards/new")]
fn new_page(staff: Staff) -> Result<Html, AdminError> {
    let f = Fields {
        kind: "0".into(),
        days: "0".into(),
        price: "0".into(),
        paixu: "0".into(),
        status: "0".into(),
        ..Default::default()
    };
    render(&EditPage { staff, id: None, f, error: None })
}

/// GET /admin/cards/<id>/edit — staff only.
#[get("/cards/<id>/edit")]
async fn edit_page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let c = crud::found(db, id, db::cards::card_by_id).await?;
    let f = Fields {
        amount: if c.f.kind == 0 { c.f.amount.to_string() } else { money::format(c.f.amount) },
        price: money::format(c.f.price),
        kind: c.f.kind.to_string(),
        name: c.f.name,
        days: c.f.days.to_string(),
        refs: c.f.refs,
        pic: c.f.pic,
        content: c.f.content,
        paixu: c.f.paixu.to_string(),
        status: c.f.status.to_string(),
    };
    render(&EditPage { staff, id: Some(id), f, error: None })
}

/// POST /admin/cards/new — staff only.
#[post("/cards/new", data = "<form>")]
async fn create(
    staff: Staff,
    form: Posted<CardForm<'_>>,
    db: &State<Db>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    save(staff, None, form.0, db, &store).await
}

/// POST /admin/cards/<id>/edit — staff only.
#[post("/cards/<id>/edit", data = "<form>")]
async fn update(
    staff: Staff,
    id: i64,
    form: Posted<CardForm<'_>>,
    db: &State<Db>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    save(staff, Some(id), form.0, db, &store).await
}

/// A yuan amount typed into the form, as fen.
fn yuan(label: &str, text: &str) -> Result<i64, Problem> {
    money::parse(text.trim()).ok_or_else(|| Problem::Say(format!("{label}应为金额，最多两位小数")))
}

async fn save(
    staff: Staff,
    id: Option<i64>,
    form: CardForm<'_>,
    db: &Db,
    store: &FileStore,
) -> Result<Answer, AdminError> {
    let CardForm { file, mut f } = form;
    let saved = async {
        f.pic = store.picture(file, &f.pic).await?;
        let kind = number("类型", &f.kind)?;
        let fields = CardFields {
            name: f.name.clone(),
            kind,
            amount: if kind == 0 { number("面值", &f.amount)? } else { yuan("面值", &f.amount)? },
            price: yuan("售价", &f.price)?,
            days: number("有效天数", &f.days)?,
            refs: f.refs.clone(),
            pic: f.pic.clone(),
            content: f.content.clone(),
            paixu: number("排序", &f.paixu)?,
            status: number("状态", &f.status)?,
        };
        db.write(move |c| cards::save(c, id, fields, db::unix_now()))
            .await
            .map_err(|e| Problem::refused(e, LABELS))
    };
    let saved = saved.await;
    crud::saved(saved, "/admin/cards", "会员卡已保存", |error| EditPage { staff, id, f, error })
}

/// A held card as the card's page lists it.
struct HolderRow {
    held: Held,
    holds: String,
    state: &'static str,
    date_end: String,
}

#[derive(Template)]
#[template(path = "admin/cards/show.html")]
struct ShowPage {
    staff: Staff,
    card: Row,
    holders: Vec<HolderRow>,
    pager: Pager,
    passwords_made: Vec<String>,
    passwords: Vec<Password>,
}

async fn show_page(
    staff: Staff,
    db: &Db,
    id: i64,
    page: Option<i64>,
    made: Vec<String>,
) -> Result<Html, AdminError> {
    let card = crud::found(db, id, db::cards::card_by_id).await?;
    let (rows, total) = db
        .read(move |c| Pager::fetch(page, |offset, limit| db::cards::holders_of(c, id, offset, limit)))
        .await?;
    let pager = Pager::new(page, total, &[]);
    let passwords = db.read(move |c| db::cards::passwords_of(c, id)).await?;
    let now = db::unix_now();
    let kind = card.f.kind;
    let holders = rows
        .into_iter()
        .map(|h| HolderRow {
            holds: holds(kind, h.amount),
            state: match h.status {
                0 if cards::expired(&h, now) => "已过期",
                0 => "可用",
                _ => "已转赠",
            },
            date_end: if h.date_end > 0 { db::format_unix(h.date_end) } else { "长期".into() },
            held: h,
        })
        .collect();
    render(&ShowPage { staff, card: Row::new(card), holders, pager, passwords_made: made, passwords })
}

/// GET /admin/cards/<id>?page — staff only. The card, who holds it, its passwords.
#[get("/cards/<id>?<page>")]
async fn show(staff: Staff, db: &State<Db>, id: i64, page: Option<i64>) -> Result<Html, AdminError> {
    show_page(staff, db, id, page, Vec::new()).await
}

#[derive(FromForm)]
struct CountForm {
    count: String,
}

/// POST /admin/cards/<id>/passwords — staff only. Makes passwords and shows them this once.
#[post("/cards/<id>/passwords", data = "<form>")]
async fn make_passwords(
    staff: Staff,
    db: &State<Db>,
    id: i64,
    form: Posted<CountForm>,
) -> Result<Answer, AdminError> {
    let back = format!("/admin/cards/{id}");
    let Ok(count) = form.0.count.trim().parse::<i64>() else {
        return Ok(failed(&back, "数量应为整数".to_string()));
    };
    match db.write(move |c| cards::make_passwords(c, id, count, db::unix_now())).await {
        Ok(made) => Ok(Answer::Page(show_page(staff, db, id, None, made).await?)),
        Err(e) => Ok(failed(&back, said(e)?)),
    }
}

#[derive(FromForm)]
struct UseForm {
    amount: String,
    remark: String,
}

/// POST /admin/cards/held/<held>/use — staff only. Uses a held card at the counter.
#[post("/cards/held/<held>/use", data = "<form>")]
async fn use_card(
    _admin: AdminSession,
    db: &State<Db>,
    held: i64,
    form: Posted<UseForm>,
) -> Result<Answer, AdminError> {
    let h = crud::found(db, held, db::cards::held_by_id).await?;
    let card = crud::found(db, h.card_id, db::cards::card_by_id).await?;
    let back = format!("/admin/cards/{}", card.id);
    let amount = if card.f.kind == 0 {
        form.0.amount.trim().parse::<i64>().ok()
    } else {
        money::parse(form.0.amount.trim())
    };
    let Some(amount) = amount else {
        return Ok(failed(&back, "使用数量应为正数".to_string()));
    };
    let remark = form.0.remark;
    match db.write(move |c| cards::use_up(c, held, amount, &remark, db::unix_now())).await {
        Ok(left) => Ok(done(&back, format!("已使用，剩余 {}", holds(card.f.kind, left)))),
        Err(e) => Ok(failed(&back, said(e)?)),
    }
}
