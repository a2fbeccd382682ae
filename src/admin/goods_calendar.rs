//! 商品日历: per goods (and SKU) the price and stock of each day (hotel rooms, tickets) and the
//! bookable time slots of each day. The goods editor links here as /admin/goods/<id>/calendar.
//! Every write answers with a redirect back to the page and a message.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::auth::Empty;
use super::page::{done, failed, number, render, Answer, Html, Posted, Problem, Staff};
use crate::db::calendar as cal_db;
use crate::db::catalog;
use crate::db::{self, Db};
use crate::error::{AdminError, ApiError};
use crate::money;
use crate::service::calendar::{self as cal, DaySetting, NewSlot};
use crate::service::catalog as rules;

pub fn routes() -> Vec<Route> {
    routes![page, set_days, remove_days, set_slots, remove_slots, remove_slot]
}

const LABELS: &[(&str, &str)] = &[
    ("from", "开始日期"),
    ("to", "结束日期"),
    ("day", "日期"),
    ("price", "价格"),
    ("stores", "库存"),
    ("name", "时段名称"),
    ("slots", "时段"),
    ("propertyChildIds", "规格"),
];

/// Most upcoming rows the page lists.
const SHOWN_ROWS: i64 = 400;

/// A SKU the merchant can pick: its key and "颜色:白,尺码:L,".
struct SkuChoice {
    key: String,
    names: String,
}

/// One upcoming day or slot as the tables show it.
struct Row {
    id: i64,
    day: String,
    sku_key: String,
    sku_names: String,
    name: String,
    price: String,
    stores: i64,
}

#[derive(Template)]
#[template(path = "admin/goods_calendar/page.html")]
struct CalendarPage {
    staff: Staff,
    goods_id: i64,
    goods_name: String,
    skus: Vec<SkuChoice>,
    days: Vec<Row>,
    slots: Vec<Row>,
    today: String,
}

/// GET /admin/goods/<id>/calendar — staff only. Upcoming days and slots with forms to change them.
#[get("/goods/<id>/calendar")]
async fn page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let today = cal::day_text(cal::today());
    let from = today.clone();
    let (goods, skus, days, slots) = db
        .read(move |c| {
            let Some(goods) = catalog::goods(c, id)? else { return Ok::<_, AdminError>(None) };
            let specs = catalog::properties(c, id)?;
            let skus: Vec<(i64, SkuChoice)> = catalog::skus(c, id)?
                .into_iter()
                .map(|s| {
                    let names = rules::key_names(&s.fields.property_child_ids, &specs);
                    (s.id, SkuChoice { key: s.fields.property_child_ids, names })
                })
                .collect();
            let days = cal_db::all_days(c, id, &from, SHOWN_ROWS)?;
            let slots = cal_db::all_slots(c, id, &from, SHOWN_ROWS)?;
            Ok(Some((goods, skus, days, slots)))
        })
        .await?
        .ok_or(AdminError::NotFound)?;
    let sku = |sku_id: Option<i64>| -> (String, String) {
        sku_id
            .and_then(|sid| skus.iter().find(|(i, _)| *i == sid))
            .map(|(_, s)| (s.key.clone(), s.names.clone()))
            .unwrap_or_default()
    };
    let days = days
        .into_iter()
        .map(|d| {
            let (sku_key, sku_names) = sku(d.sku_id);
            Row {
                id: d.id,
                day: d.day,
                sku_key,
                sku_names,
                name: String::new(),
                price: money::yuan_text(d.price),
                stores: d.stores,
            }
        })
        .collect();
    let slots = slots
        .into_iter()
        .map(|s| {
            let (sku_key, sku_names) = sku(s.sku_id);
            Row {
                id: s.id,
                day: s.day,
                sku_key,
                sku_names,
                name: s.name,
                price: money::yuan_text(s.price),
                stores: s.stores,
            }
        })
        .collect();
    let skus = skus.into_iter().map(|(_, s)| s).collect();
    render(&CalendarPage { staff, goods_id: id, goods_name: goods.fields.name, skus, days, slots, today })
}

/// The range and SKU every form sends.
#[derive(FromForm, Default)]
struct RangeForm {
    /// The SKU's key; absent or "" for goods without specs.
    #[field(default = String::new())]
    sku: String,
    from: String,
    to: String,
}

impl RangeForm {
    fn key(&self) -> Option<String> {
        Some(self.sku.trim().to_string()).filter(|k| !k.is_empty())
    }
}

/// The range of days to remove (the fields are `range.*`, as in every form on the page).
#[derive(FromForm, Default)]
struct RemoveDaysForm {
    range: RangeForm,
}

#[derive(FromForm, Default)]
struct DaysForm {
    range: RangeForm,
    price: String,
    stores: String,
}

/// Fen from a yuan amount typed into a form.
fn price(v: &str) -> Result<i64, Problem> {
    money::parse_yuan(v).ok_or_else(|| Problem::Say("价格应为不小于 0、最多两位小数的金额".into()))
}

/// Runs a calendar write and answers with the page again and what happened.
async fn write<F>(db: &Db, id: i64, f: F) -> Result<Answer, AdminError>
where
    F: FnOnce(&rusqlite::Connection) -> Result<String, ApiError> + Send + 'static,
{
    let back = format!("/admin/goods/{id}/calendar");
    match db.write(f).await {
        Ok(message) => Ok(done(back, message)),
        Err(ApiError::NotFound(_)) => Err(AdminError::NotFound),
        Err(e) => Ok(failed(back, Problem::from_api(e, LABELS).message()?)),
    }
}

/// The form's problem as a message on the page, or the error page for failures.
fn refused(id: i64, p: Problem) -> Result<Answer, AdminError> {
    Ok(failed(format!("/admin/goods/{id}/calendar"), p.message()?))
}

/// POST /admin/goods/<id>/calendar/days — staff only. One price and stock for every day of a range.
#[post("/goods/<id>/calendar/days", data = "<form>")]
async fn set_days(
    _staff: Staff,
    db: &State<Db>,
    id: i64,
    form: Posted<DaysForm>,
) -> Result<Answer, AdminError> {
    let f = form.0;
    let (price, stores) = match (price(&f.price), number("库存", &f.stores)) {
        (Ok(p), Ok(s)) => (p, s),
        (Err(p), _) | (_, Err(p)) => return refused(id, p),
    };
    let key = f.range.key();
    let setting = DaySetting { from: f.range.from, to: f.range.to, price, stores };
    write(db, id, move |c| {
        let n = cal::set_days(c, id, key.as_deref(), &setting, db::unix_now())?;
        Ok(format!("已设置 {n} 天的价格和库存"))
    })
    .await
}

/// POST /admin/goods/<id>/calendar/days/delete — staff only. Removes the days of a range.
#[post("/goods/<id>/calendar/days/delete", data = "<form>")]
async fn remove_days(
    _staff: Staff,
    db: &State<Db>,
    id: i64,
    form: Posted<RemoveDaysForm>,
) -> Result<Answer, AdminError> {
    let f = form.0.range;
    let key = f.key();
    write(db, id, move |c| {
        let n = cal::remove_days(c, id, key.as_deref(), &f.from, &f.to)?;
        Ok(format!("已删除 {n} 天"))
    })
    .await
}

#[derive(FromForm, Default)]
struct SlotsForm {
    range: RangeForm,
    /// One slot name a line (or separated by commas).
    names: String,
    price: String,
    stores: String,
}

/// POST /admin/goods/<id>/calendar/slots — staff only. Adds the named slots to every day of a
/// range (or sets their price and stock where they exist).
#[post("/goods/<id>/calendar/slots", data = "<form>")]
async fn set_slots(
    _staff: Staff,
    db: &State<Db>,
    id: i64,
    form: Posted<SlotsForm>,
) -> Result<Answer, AdminError> {
    let f = form.0;
    let (price, stores) = match (price(&f.price), number("库存", &f.stores)) {
        (Ok(p), Ok(s)) => (p, s),
        (Err(p), _) | (_, Err(p)) => return refused(id, p),
    };
    let slots: Vec<NewSlot> = f
        .names
        .split(['\n', ',', '，'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|name| NewSlot { name: name.to_string(), price, stores })
        .collect();
    let key = f.range.key();
    let (from, to) = (f.range.from, f.range.to);
    write(db, id, move |c| {
        let n = cal::set_slots(c, id, key.as_deref(), &from, &to, &slots, db::unix_now())?;
        Ok(format!("已设置 {n} 个时段"))
    })
    .await
}

#[derive(FromForm, Default)]
struct RemoveSlotsForm {
    range: RangeForm,
    #[field(default = String::new())]
    name: String,
}

/// POST /admin/goods/<id>/calendar/slots/delete — staff only. Removes a range's slots (only those
/// with the name given, when one is).
#[post("/goods/<id>/calendar/slots/delete", data = "<form>")]
async fn remove_slots(
    _staff: Staff,
    db: &State<Db>,
    id: i64,
    form: Posted<RemoveSlotsForm>,
) -> Result<Answer, AdminError> {
    let f = form.0;
    let key = f.range.key();
    let name = Some(f.name.trim().to_string()).filter(|n| !n.is_empty());
    write(db, id, move |c| {
        let n = cal::remove_slots(c, id, key.as_deref(), &f.range.from, &f.range.to, name.as_deref())?;
        Ok(format!("已删除 {n} 个时段"))
    })
    .await
}

/// POST /admin/goods/<id>/calendar/slots/<slot>/delete — staff only. Removes one slot.
#[post("/goods/<id>/calendar/slots/<slot>/delete", data = "<_form>")]
async fn remove_slot(
    _staff: Staff,
    db: &State<Db>,
    id: i64,
    slot: i64,
    _form: Posted<Empty>,
) -> Result<Answer, AdminError> {
    write(db, id, move |c| {
        if !cal_db::delete_slot(c, id, slot)? {
            return Err(ApiError::NotFound("时段"));
        }
        Ok("时段已删除".to_string())
    })
    .await
}
