//! 会员等级: the member levels shoppers buy with their balance, and each level's prices.

use askama::Template;
use rocket::form::{self, FromForm};
use rocket::fs::TempFile;
use rocket::{get, post, routes, Route, State};

use super::auth::{AdminSession, Empty};
use super::crud;
use super::images::FileStore;
use super::page::{
    done, failed, number, render, Answer, Confirm, Html, Pager, Posted, Problem, Staff, PER_PAGE,
};
use crate::db::levels::{Level, Price, PriceFields};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::present::term;
use crate::service::error::Error as ServiceError;
use crate::service::levels::{self, Benefits, LevelInput};

pub fn routes() -> Vec<Route> {
    routes![
        list,
        new_page,
        create,
        edit_page,
        update,
        confirm_delete,
        delete,
        add_price,
        price_page,
        update_price,
        confirm_delete_price,
        delete_price
    ]
}

const LABELS: &[(&str, &str)] = &[
    ("name", "名称"),
    ("level", "等级"),
    ("pic", "图片"),
    ("remark", "介绍"),
    ("rebate", "折扣"),
    ("upgradeSendScore", "升级赠送积分"),
    ("extJson", "更多权益"),
    ("paixu", "排序"),
    ("status", "状态"),
    ("days", "天数"),
    ("price", "价格"),
    ("originalPrice", "原价"),
];

/// "8.8 折", or "不打折" for 10 折.
fn rebate_text(percent: i64) -> String {
    if percent >= 100 {
        "不打折".into()
    } else {
        format!("{} 折", percent as f64 / 10.0)
    }
}

/// A row of the level list.
struct LevelRow {
    level: Level,
    rebate: String,
    holders: i64,
    prices: i64,
}

#[derive(Template)]
#[template(path = "admin/levels/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<LevelRow>,
    pager: Pager,
}

/// GET /admin/levels — staff only. Every level by level number, 25 a page.
#[get("/levels?<page>")]
async fn list(staff: Staff, db: &State<Db>, page: Option<i64>) -> Result<Html, AdminError> {
    let asked = page.unwrap_or(1).max(1);
    let (levels, total, counts) = db
        .read(move |c| {
            let (rows, total) = db::levels::all_levels(c, (asked - 1) * PER_PAGE, PER_PAGE)?;
            db::levels::level_counts(c, db::unix_now()).map(|counts| (rows, total, counts))
        })
        .await?;
    let pager = Pager::new(Some(asked), total, &[]);
    let rows = levels
        .into_iter()
        .map(|level| {
            let (_, holders, prices) =
                counts.iter().copied().find(|(id, _, _)| *id == level.id).unwrap_or_default();
            LevelRow { rebate: rebate_text(level.fields.rebate_percent), level, holders, prices }
        })
        .collect();
    render(&ListPage { staff, rows, pager })
}

/// The level form's fields as typed (a refused form comes back exactly as sent).
#[derive(FromForm, Default)]
struct Fields {
    name: String,
    level: String,
    pic: String,
    remark: String,
    /// 折, e.g. "8.8"; "10" is no discount.
    rebate: String,
    upgrade_send_score: String,
    /// "名称：说明" per line.
    benefits: String,
    paixu: String,
    status: String,
}

impl Fields {
    fn of(l: &Level) -> Fields {
        let f = &l.fields;
        Fields {
            name: f.name.clone(),
            level: f.level.to_string(),
            pic: f.pic.clone(),
            remark: f.remark.clone(),
            rebate: (f.rebate_percent as f64 / 10.0).to_string(),
            upgrade_send_score: f.upgrade_send_score.to_string(),
            benefits: Benefits::parse(&f.ext_json).to_lines(),
            paixu: f.paixu.to_string(),
            status: f.status.to_string(),
        }
    }

    fn input(&self) -> Result<LevelInput, Problem> {
        let api = |e: ServiceError| Problem::refused(e, LABELS);
        let rebate: f64 =
            self.rebate.trim().parse().map_err(|_| Problem::Say("折扣应为数字，例如 8.8".into()))?;
        Ok(LevelInput {
            name: self.name.clone(),
            level: number("等级", &self.level)?,
            pic: self.pic.clone(),
            remark: self.remark.clone(),
            rebate_percent: levels::rebate_percent(rebate).map_err(api)?,
            upgrade_send_score: number("升级赠送积分", &self.upgrade_send_score)?,
            benefits: Benefits::from_lines(&self.benefits).map_err(api)?,
            paixu: number("排序", &self.paixu)?,
            status: number("状态", &self.status)?,
        })
    }
}

/// A multipart post: the picture file plus the fields (named `f.name`...).
#[derive(FromForm)]
struct LevelForm<'r> {
    file: form::Result<'r, TempFile<'r>>,
    f: Fields,
}

/// The price form's fields as typed; money in yuan.
#[derive(FromForm, Default)]
struct PriceForm {
    days: String,
    price: String,
    original_price: String,
    paixu: String,
    status: String,
}

impl PriceForm {
    fn blank() -> PriceForm {
        PriceForm { days: "30".into(), paixu: "0".into(), status: "0".into(), ..Default::default() }
    }

    fn of(p: &PriceFields) -> PriceForm {
        PriceForm {
            days: p.days.to_string(),
            price: money::format(p.price_fen),
            original_price: if p.original_price_fen > 0 {
                money::format(p.original_price_fen)
            } else {
                String::new()
            },
            paixu: p.paixu.to_string(),
            status: p.status.to_string(),
        }
    }

    fn input(&self) -> Result<PriceFields, Problem> {
        let form_fen = |label: &str, v: &str| {
            money::parse(v)
                .ok_or_else(|| Problem::Say(format!("{label}应为不小于 0、最多两位小数的金额（元）")))
        };
        let original = self.original_price.trim();
        Ok(PriceFields {
            days: number("天数", &self.days)?,
            price_fen: form_fen("价格", &self.price)?,
            original_price_fen: if original.is_empty() { 0 } else { form_fen("原价", original)? },
            paixu: number("排序", &self.paixu)?,
            status: number("状态", &self.status)?,
        })
    }
}

/// A row of a level's price table.
struct PriceRow {
    price: Price,
    term: String,
    /// "（90 天）" beside a term shown in months or years.
    days_note: String,
    amount: String,
    original: String,
}

impl PriceRow {
    fn new(price: Price) -> PriceRow {
        let (n, unit, unit_str) = term(price.fields.days);
        let days_note = if unit == 0 { String::new() } else { format!("（{} 天）", price.fields.days) };
        let original = match price.fields.original_price_fen {
            0 => String::new(),
            fen => money::format(fen),
        };
        PriceRow {
            term: format!("{n} {unit_str}"),
            days_note,
            amount: money::format(price.fields.price_fen),
            original,
            price,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/levels/edit.html")]
struct EditPage {
    staff: Staff,
    id: Option<i64>,
    f: Fields,
    error: Option<String>,
    prices: Vec<PriceRow>,
    /// The "add a price" form, sent back filled when it was refused.
    new_price: PriceForm,
    price_error: Option<String>,
}

impl EditPage {
    fn new(staff: Staff, id: Option<i64>, f: Fields, prices: Vec<Price>) -> EditPage {
        EditPage {
            staff,
            id,
            f,
            error: None,
            prices: prices.into_iter().map(PriceRow::new).collect(),
            new_price: PriceForm::blank(),
            price_error: None,
        }
    }
}

/// GET /admin/levels/new — staff only.
#[get("/levels/new")]
fn new_page(staff: Staff) -> Result<Html, AdminError> {
    let f = Fields {
        rebate: "10".into(),
        upgrade_send_score: "0".into(),
        paixu: "0".into(),
        status: "0".into(),
        ..Default::default()
    };
    render(&EditPage::new(staff, None, f, Vec::new()))
}

/// A level and all its prices; 404 when there is no such level.
async fn find(db: &Db, id: i64) -> Result<(Level, Vec<Price>), AdminError> {
    db.read(move |c| {
        let level = db::levels::level_by_id(c, id)?.ok_or(AdminError::NotFound)?;
        Ok((level, db::levels::prices_of(c, id, false)?))
    })
    .await
}

/// GET /admin/levels/<id> — staff only. The level's form and its prices.
#[get("/levels/<id>")]
async fn edit_page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let (level, prices) = find(db, id).await?;
    render(&EditPage::new(staff, Some(id), Fields::of(&level), prices))
}

/// POST /admin/levels/new — staff only.
#[post("/levels/new", data = "<form>")]
async fn create(
    staff: Staff,
    form: Posted<LevelForm<'_>>,
    db: &State<Db>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    save(staff, None, form.0, db, &store).await
}

/// POST /admin/levels/<id> — staff only.
#[post("/levels/<id>", data = "<form>")]
async fn update(
    staff: Staff,
    id: i64,
    form: Posted<LevelForm<'_>>,
    db: &State<Db>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    save(staff, Some(id), form.0, db, &store).await
}

async fn save(
    staff: Staff,
    id: Option<i64>,
    form: LevelForm<'_>,
    db: &Db,
    store: &FileStore,
) -> Result<Answer, AdminError> {
    let LevelForm { file, mut f } = form;
    let saved = async {
        f.pic = store.picture(file, &f.pic).await?;
        let input = f.input()?;
        levels::save_level(db, id, input).await.map_err(|e| Problem::refused(e, LABELS))
    };
    match saved.await {
        // A new level needs prices before anyone can buy it: go on to its page.
        Ok(saved_id) if id.is_none() => {
            Ok(done(format!("/admin/levels/{saved_id}"), "会员等级已创建，请添加价格"))
        }
        Ok(_) => Ok(done("/admin/levels", "会员等级已保存")),
        Err(problem) => {
            let prices = match id {
                Some(id) => find(db, id).await?.1,
                None => Vec::new(),
            };
            crud::again(problem, |error| EditPage { error, ..EditPage::new(staff, id, f, prices) })
        }
    }
}

/// GET /admin/levels/<id>/delete — staff only; asks before deleting.
#[get("/levels/<id>/delete")]
async fn confirm_delete(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let (level, _) = find(db, id).await?;
    render(&Confirm {
        staff,
        title: "删除会员等级".into(),
        what: format!("会员等级「{}」（LV{}）和它的全部价格", level.fields.name, level.fields.level),
        warning: "还有会员持有这个等级时不能删除。已有的购买记录会保留。",
        action: format!("/admin/levels/{id}/delete"),
        back: format!("/admin/levels/{id}"),
    })
}

/// POST /admin/levels/<id>/delete — staff only. Refused with a message while shoppers hold it.
#[post("/levels/<id>/delete", data = "<_form>")]
async fn delete(
    _admin: AdminSession,
    id: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    match levels::delete_level(db, id).await {
        Ok(true) => Ok(done("/admin/levels", "会员等级已删除")),
        Ok(false) => Err(AdminError::NotFound),
        Err(ServiceError::Refused(why)) => Ok(failed("/admin/levels", why)),
        Err(e) => Err(e.into()),
    }
}

/// POST /admin/levels/<id>/prices/new — staff only. Adds a price; a refused one comes back filled.
#[post("/levels/<id>/prices/new", data = "<form>")]
async fn add_price(
    staff: Staff,
    id: i64,
    form: Posted<PriceForm>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let (level, prices) = find(db, id).await?;
    let form = form.0;
    let saved = async {
        let input = form.input()?;
        levels::save_price(db, id, None, input).await.map_err(|e| Problem::refused(e, LABELS))
    };
    let saved = saved.await;
    crud::saved(saved, &format!("/admin/levels/{id}"), "价格已添加", |price_error| EditPage {
        new_price: form,
        price_error,
        ..EditPage::new(staff, Some(id), Fields::of(&level), prices)
    })
}

#[derive(Template)]
#[template(path = "admin/levels/price.html")]
struct PricePage {
    staff: Staff,
    level: Level,
    price_id: i64,
    p: PriceForm,
    error: Option<String>,
}

/// A level and one of its prices; 404 unless the price belongs to the level.
async fn find_price(db: &Db, id: i64, price_id: i64) -> Result<(Level, Price), AdminError> {
    db.read(move |c| {
        let level = db::levels::level_by_id(c, id)?.ok_or(AdminError::NotFound)?;
        let price =
            db::levels::price_by_id(c, price_id)?.filter(|p| p.level_id == id).ok_or(AdminError::NotFound)?;
        Ok((level, price))
    })
    .await
}

/// GET /admin/levels/<id>/prices/<price_id> — staff only.
#[get("/levels/<id>/prices/<price_id>")]
async fn price_page(staff: Staff, db: &State<Db>, id: i64, price_id: i64) -> Result<Html, AdminError> {
    let (level, price) = find_price(db, id, price_id).await?;
    render(&PricePage { staff, level, price_id, p: PriceForm::of(&price.fields), error: None })
}

/// POST /admin/levels/<id>/prices/<price_id> — staff only.
// Ranked after `/prices/new`, which the same pattern would also match.
#[post("/levels/<id>/prices/<price_id>", data = "<form>", rank = 2)]
async fn update_price(
    staff: Staff,
    id: i64,
    price_id: i64,
    form: Posted<PriceForm>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let (level, _) = find_price(db, id, price_id).await?;
    let p = form.0;
    let saved = async {
        let input = p.input()?;
        levels::save_price(db, id, Some(price_id), input).await.map_err(|e| Problem::refused(e, LABELS))
    };
    let saved = saved.await;
    crud::saved(saved, &format!("/admin/levels/{id}"), "价格已保存", |error| PricePage {
        staff,
        level,
        price_id,
        p,
        error,
    })
}

/// GET /admin/levels/<id>/prices/<price_id>/delete — staff only; asks before deleting.
#[get("/levels/<id>/prices/<price_id>/delete")]
async fn confirm_delete_price(
    staff: Staff,
    db: &State<Db>,
    id: i64,
    price_id: i64,
) -> Result<Html, AdminError> {
    let (level, price) = find_price(db, id, price_id).await?;
    let row = PriceRow::new(price);
    render(&Confirm {
        staff,
        title: "删除价格".into(),
        what: format!("「{}」{} ¥{} 的价格", level.fields.name, row.term, row.amount),
        warning: "删除后不能再按这个价格购买，按它自动续费的会员到期后不再续费。已有的购买记录会保留。",
        action: format!("/admin/levels/{id}/prices/{price_id}/delete"),
        back: format!("/admin/levels/{id}"),
    })
}

/// POST /admin/levels/<id>/prices/<price_id>/delete — staff only.
#[post("/levels/<id>/prices/<price_id>/delete", data = "<_form>")]
async fn delete_price(
    _admin: AdminSession,
    id: i64,
    price_id: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    if !levels::delete_price(db, id, price_id).await? {
        return Err(AdminError::NotFound);
    }
    Ok(done(format!("/admin/levels/{id}"), "价格已删除"))
}
