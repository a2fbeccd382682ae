//! 虚拟商品: paid content and cards/codes sold for balance (virtualTrader*), and their card stock.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::auth::{AdminSession, Empty};
use super::crud;
use super::page::{
    done, failed, number, render, search, Answer, Html, Pager, Posted, Problem, Staff, PER_PAGE,
};
use crate::db::virtual_goods::{self as store, Card, Goods, GoodsFields};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::service::error::Error as ServiceError;
use crate::service::virtual_goods as service;

pub fn routes() -> Vec<Route> {
    routes![
        list,
        new_page,
        create,
        edit_page,
        update,
        confirm_delete,
        delete,
        cards_page,
        add_cards,
        delete_card
    ]
}

const LABELS: &[(&str, &str)] = &[
    ("name", "名称"),
    ("pic", "图片"),
    ("content", "内容"),
    ("kind", "类型"),
    ("price", "价格"),
    ("status", "状态"),
];

#[derive(Template)]
#[template(path = "admin/virtual_goods/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<Goods>,
    q: String,
    pager: Pager,
}

/// GET /admin/virtual-goods — staff only. Search by name, 25 a page.
#[get("/virtual-goods?<q>&<page>")]
async fn list(staff: Staff, db: &State<Db>, q: Option<&str>, page: Option<i64>) -> Result<Html, AdminError> {
    let q = search(q);
    let s = q.clone();
    let asked = page.unwrap_or(1).max(1);
    let (rows, total) =
        db.read(move |c| store::list(c, false, s.as_deref(), (asked - 1) * PER_PAGE, PER_PAGE)).await?;
    let q = q.unwrap_or_default();
    let pager = Pager::new(Some(asked), total, &[("q", &q)]);
    render(&ListPage { staff, rows, q, pager })
}

/// The goods form as typed; the price in yuan.
#[derive(FromForm, Default)]
struct GoodsForm {
    name: String,
    pic: String,
    description: String,
    content: String,
    kind: String,
    price: String,
    status: String,
    paixu: String,
}

impl GoodsForm {
    fn blank() -> GoodsForm {
        GoodsForm {
            kind: "0".into(),
            price: "0".into(),
            status: "0".into(),
            paixu: "0".into(),
            ..Default::default()
        }
    }

    fn of(g: &Goods) -> GoodsForm {
        let f = &g.f;
        GoodsForm {
            name: f.name.clone(),
            pic: f.pic.clone(),
            description: f.description.clone(),
            content: f.content.clone(),
            kind: f.kind.to_string(),
            price: money::format(f.price),
            status: f.status.to_string(),
            paixu: f.paixu.to_string(),
        }
    }

    fn input(&self) -> Result<GoodsFields, Problem> {
        Ok(GoodsFields {
            name: self.name.clone(),
            pic: self.pic.clone(),
            description: self.description.clone(),
            content: self.content.clone(),
            kind: number("类型", &self.kind)?,
            price: money::parse(&self.price)
                .ok_or_else(|| Problem::Say("价格应为不小于 0、最多两位小数的金额（元）".into()))?,
            status: number("状态", &self.status)?,
            paixu: if self.paixu.trim().is_empty() { 0 } else { number("排序", &self.paixu)? },
        })
    }
}

#[derive(Template)]
#[template(path = "admin/virtual_goods/edit.html")]
struct EditPage {
    staff: Staff,
    id: Option<i64>,
    f: GoodsForm,
    error: Option<String>,
}

/// GET /admin/virtual-goods/new — staff only.
#[get("/virtual-goods/new")]
fn new_page(staff: Staff) -> Result<Html, AdminError> {
    render(&EditPage { staff, id: None, f: GoodsForm::blank(), error: None })
}

async fn find(db: &Db, id: i64) -> Result<Goods, AdminError> {
    crud::found(db, id, store::by_id).await
}

/// GET /admin/virtual-goods/<id> — staff only.
#[get("/virtual-goods/<id>")]
async fn edit_page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let g = find(db, id).await?;
    render(&EditPage { staff, id: Some(id), f: GoodsForm::of(&g), error: None })
}

/// POST /admin/virtual-goods/new — staff only.
#[post("/virtual-goods/new", data = "<form>")]
async fn create(staff: Staff, form: Posted<GoodsForm>, db: &State<Db>) -> Result<Answer, AdminError> {
    save(staff, None, form.0, db).await
}

/// POST /admin/virtual-goods/<id> — staff only.
#[post("/virtual-goods/<id>", data = "<form>")]
async fn update(
    staff: Staff,
    id: i64,
    form: Posted<GoodsForm>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    save(staff, Some(id), form.0, db).await
}

async fn save(staff: Staff, id: Option<i64>, f: GoodsForm, db: &Db) -> Result<Answer, AdminError> {
    let saved = match f.input() {
        Ok(fields) => {
            let now = db::unix_now();
            db.write(move |c| service::save(c, id, fields, now))
                .await
                .map_err(|e| Problem::refused(e, LABELS))
        }
        Err(p) => Err(p),
    };
    crud::saved(saved, "/admin/virtual-goods", "虚拟商品已保存", |error| EditPage {
        staff,
        id,
        f,
        error,
    })
}

/// GET /admin/virtual-goods/<id>/delete — staff only; asks before deleting.
#[get("/virtual-goods/<id>/delete")]
async fn confirm_delete(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let g = find(db, id).await?;
    let what = format!("虚拟商品「{}」", g.f.name);
    let warning = "只有还没卖出过的商品才能删除（卡密库存一起删除）；卖出过的请改为下架。";
    crud::ask_delete(staff, "/admin/virtual-goods", id, "删除虚拟商品", what, warning)
}

/// POST /admin/virtual-goods/<id>/delete — staff only.
#[post("/virtual-goods/<id>/delete", data = "<_form>")]
async fn delete(
    _admin: AdminSession,
    id: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let deleted = db.write(move |c| service::delete(c, id)).await;
    crud::deleted(deleted, "/admin/virtual-goods", "虚拟商品已删除")
}

#[derive(Template)]
#[template(path = "admin/virtual_goods/cards.html")]
struct CardsPage {
    staff: Staff,
    goods: Goods,
    cards: Vec<Card>,
}

/// GET /admin/virtual-goods/<id>/cards — staff only; the card stock, unsold first.
#[get("/virtual-goods/<id>/cards")]
async fn cards_page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let goods = find(db, id).await?;
    let cards = db.read(move |c| store::cards_of(c, id)).await?;
    render(&CardsPage { staff, goods, cards })
}

#[derive(FromForm, Default)]
struct CardsForm {
    cards: String,
}

/// POST /admin/virtual-goods/<id>/cards — staff only; adds one card per line.
#[post("/virtual-goods/<id>/cards", data = "<form>")]
async fn add_cards(
    _admin: AdminSession,
    id: i64,
    form: Posted<CardsForm>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let back = format!("/admin/virtual-goods/{id}/cards");
    let now = db::unix_now();
    let text = form.0.cards;
    match db.write(move |c| service::add_cards(c, id, &text, now)).await {
        Ok(n) => Ok(done(back, format!("已添加 {n} 张卡密"))),
        Err(ServiceError::NotFound(_)) => Err(AdminError::NotFound),
        Err(e) => Ok(failed(back, Problem::refused(e, &[("cards", "卡密")]).message()?)),
    }
}

/// POST /admin/virtual-goods/<id>/cards/<card>/delete — staff only; removes an unsold card.
#[post("/virtual-goods/<id>/cards/<card>/delete", data = "<_form>")]
async fn delete_card(
    _admin: AdminSession,
    id: i64,
    card: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let back = format!("/admin/virtual-goods/{id}/cards");
    if db.write(move |c| store::delete_card(c, id, card)).await? {
        Ok(done(back, "卡密已删除"))
    } else {
        Ok(failed(back, "这张卡密不存在或已售出"))
    }
}
