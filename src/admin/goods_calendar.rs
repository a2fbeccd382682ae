//! 商品日历: per goods (and SKU) the price and stock of each day (hotel rooms, tickets) and the
//! bookable time slots of each day. The goods editor links here as /admin/goods/<id>/calendar.
//! A write that works answers with a redirect back to the page and a message; one that is refused
//! answers the page again with what was typed still in its form.
//!
//! Shoppers book days and slots while the page is open, so the forms carry the calendar version
//! the page showed: a stock typed as a number is not written over a day or slot booked since (the
//! page comes back listing them with their stock now), and "+2" / "-1" change each by that much.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::auth::Empty;
use super::page::{done, failed, render, render_as, Answer, Html, Posted, Problem, Staff};
use crate::db::calendar as cal_db;
use crate::db::catalog;
use crate::db::{self, Db};
use crate::error::{AdminError, ApiError};
use crate::money;
use crate::service::calendar::{self as cal, DaySetting, NewSlot};
use crate::service::catalog::{self as rules, EditError, Stock, StockConflict};
use crate::service::error::Error as ServiceError;

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

/// What the merchant typed into a form that was refused, and why, to show the form again.
#[derive(Default)]
struct Kept {
    days: DaysForm,
    slots: SlotsForm,
    /// "days" or "slots": the form the refusal is about.
    at: &'static str,
    error: Option<String>,
    /// Days or slots booked since the page was opened, each with its stock now.
    conflicts: Vec<String>,
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
    /// The goods' calendar version this page shows: what its forms' stock is based on.
    version: i64,
    kept: Kept,
}

impl CalendarPage {
    /// The range a form shows: as typed after a refusal, today otherwise.
    fn first_day<'a>(&'a self, r: &'a RangeForm) -> &'a str {
        if r.from.is_empty() {
            &self.today
        } else {
            &r.from
        }
    }

    fn last_day<'a>(&'a self, r: &'a RangeForm) -> &'a str {
        if r.to.is_empty() {
            &self.today
        } else {
            &r.to
        }
    }
}

/// The page with the stored days and slots, and `kept` in its forms.
async fn load(staff: Staff, db: &Db, id: i64, kept: Kept) -> Result<CalendarPage, AdminError> {
    let today = cal::day_text(cal::today());
    let from = today.clone();
    let (goods, skus, days, slots, version) = db
        .read(move |c| {
            let Some(goods) = catalog::goods(c, id)? else { return Ok(None) };
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
            cal_db::calendar_version(c, id).map(|v| Some((goods, skus, days, slots, v.unwrap_or(0))))
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
                price: money::format(d.price),
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
                price: money::format(s.price),
                stores: s.stores,
            }
        })
        .collect();
    let skus = skus.into_iter().map(|(_, s)| s).collect();
    Ok(CalendarPage {
        staff,
        goods_id: id,
        goods_name: goods.fields.name,
        skus,
        days,
        slots,
        today,
        version,
        kept,
    })
}

/// GET /admin/goods/<id>/calendar — staff only. Upcoming days and slots with forms to change them.
#[get("/goods/<id>/calendar")]
async fn page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    render(&load(staff, db, id, Kept::default()).await?)
}

/// The range and SKU every form sends.
#[derive(FromForm, Default, Clone)]
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

#[derive(FromForm, Default, Clone)]
struct DaysForm {
    range: RangeForm,
    price: String,
    stores: String,
    /// The calendar version the page showed.
    #[field(default = String::new())]
    version: String,
}

/// Fen from a yuan amount typed into a form; blank leaves the price of what is already set.
fn price(v: &str) -> Result<Option<i64>, Problem> {
    if v.trim().is_empty() {
        return Ok(None);
    }
    money::parse(v).map(Some).ok_or_else(|| Problem::Say("价格应为不小于 0、最多两位小数的金额".into()))
}

/// A stock typed into a form: "5" sets it, "+2" / "-1" change it, blank leaves it.
fn stock(v: &str) -> Result<Stock, Problem> {
    let t: String = v.trim().replace('＋', "+").replace(['－', '−'], "-");
    if t.is_empty() {
        return Ok(Stock::Keep);
    }
    let bad = || Problem::Say(format!("库存「{t}」应为整数，或 +2、-1 这样在现有库存上的增减"));
    if let Some(rest) = t.strip_prefix(['+', '-']) {
        let n: i64 = rest.trim().parse().map_err(|_| bad())?;
        if n < 0 {
            return Err(bad());
        }
        return Ok(Stock::Add(if t.starts_with('-') { -n } else { n }));
    }
    t.parse().map(Stock::Put).map_err(|_| bad())
}

/// What a refused calendar write says above its form.
fn refusal(e: EditError) -> Result<(Status, String, Vec<String>), AdminError> {
    Ok(match e {
        EditError::Stale(list) => (
            Status::Conflict,
            "没有保存：你打开这个页面之后，下面这些的库存被顾客预订（或被其他人修改）了，为了不覆盖，这次什么都没有写入。\
             你填写的内容都还在，表格已是现在的数字；核对后再点保存会按你填写的设置，\
             也可以填「+2」「-1」在现有库存上增减。"
                .into(),
            list.iter().map(StockConflict::describe).collect(),
        ),
        EditError::Refused(e) => {
            (Status::UnprocessableEntity, Problem::refused(e, LABELS).message()?, Vec::new())
        }
        EditError::Outdated { .. } | EditError::NeedsVersion => {
            (Status::UnprocessableEntity, "页面已过期，请刷新页面后再保存".into(), Vec::new())
        }
    })
}

/// Runs a calendar write: back to the page with a message, or the page again with what was typed.
async fn write<F>(staff: Staff, db: &Db, id: i64, kept: Kept, f: F) -> Result<Answer, AdminError>
where
    F: FnOnce(&rusqlite::Connection) -> Result<String, EditError> + Send + 'static,
{
    match db.write(f).await {
        Ok(message) => Ok(done(format!("/admin/goods/{id}/calendar"), message)),
        Err(EditError::Refused(ServiceError::NotFound(_))) => Err(AdminError::NotFound),
        Err(e) => {
            let (status, error, conflicts) = refusal(e)?;
            again(staff, db, id, Kept { error: Some(error), conflicts, ..kept }, status).await
        }
    }
}

/// The page again with `kept` in its forms (a refusal is based on the calendar as it is now).
async fn again(staff: Staff, db: &Db, id: i64, kept: Kept, status: Status) -> Result<Answer, AdminError> {
    let mut page = load(staff, db, id, kept).await?;
    let version = page.version.to_string();
    page.kept.days.version.clone_from(&version);
    page.kept.slots.version = version;
    Ok(Answer::Page(render_as(status, &page)?))
}

/// The form's problem beside the form again, with what was typed.
async fn refused(staff: Staff, db: &Db, id: i64, kept: Kept, p: Problem) -> Result<Answer, AdminError> {
    let kept = Kept { error: Some(p.message()?), ..kept };
    again(staff, db, id, kept, Status::UnprocessableEntity).await
}

/// POST /admin/goods/<id>/calendar/days — staff only. One price and stock for every day of a range.
#[post("/goods/<id>/calendar/days", data = "<form>")]
async fn set_days(
    staff: Staff,
    db: &State<Db>,
    id: i64,
    form: Posted<DaysForm>,
) -> Result<Answer, AdminError> {
    let f = form.0;
    let kept = Kept { days: f.clone(), at: "days", ..Kept::default() };
    let (price, stores) = match (price(&f.price), stock(&f.stores)) {
        (Ok(p), Ok(s)) => (p, s),
        (Err(p), _) | (_, Err(p)) => return refused(staff, db, id, kept, p).await,
    };
    let key = f.range.key();
    let based_on = f.version.trim().parse().ok();
    let setting = DaySetting { from: f.range.from, to: f.range.to, price, stores, based_on };
    write(staff, db, id, kept, move |c| {
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
    removal(db, id, move |c| {
        let n = cal::remove_days(c, id, key.as_deref(), &f.from, &f.to)?;
        Ok(format!("已删除 {n} 天"))
    })
    .await
}

/// Runs a removal and answers with the page and what happened.
async fn removal<F>(db: &Db, id: i64, f: F) -> Result<Answer, AdminError>
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

#[derive(FromForm, Default, Clone)]
struct SlotsForm {
    range: RangeForm,
    /// One slot name a line (or separated by commas).
    names: String,
    price: String,
    stores: String,
    /// The calendar version the page showed.
    #[field(default = String::new())]
    version: String,
}

/// POST /admin/goods/<id>/calendar/slots — staff only. Adds the named slots to every day of a
/// range (or sets their price and stock where they exist).
#[post("/goods/<id>/calendar/slots", data = "<form>")]
async fn set_slots(
    staff: Staff,
    db: &State<Db>,
    id: i64,
    form: Posted<SlotsForm>,
) -> Result<Answer, AdminError> {
    let f = form.0;
    let kept = Kept { slots: f.clone(), at: "slots", ..Kept::default() };
    let (price, stores) = match (price(&f.price), stock(&f.stores)) {
        (Ok(p), Ok(s)) => (p, s),
        (Err(p), _) | (_, Err(p)) => return refused(staff, db, id, kept, p).await,
    };
    let slots: Vec<NewSlot> = f
        .names
        .split(['\n', ',', '，'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|name| NewSlot { name: name.to_string(), price, stores })
        .collect();
    let key = f.range.key();
    let based_on = f.version.trim().parse().ok();
    let (from, to) = (f.range.from, f.range.to);
    write(staff, db, id, kept, move |c| {
        let n = cal::set_slots(c, id, key.as_deref(), &from, &to, &slots, based_on, db::unix_now())?;
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
    removal(db, id, move |c| {
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
    removal(db, id, move |c| {
        if !cal_db::delete_slot(c, id, slot)? {
            return Err(ApiError::NotFound("时段"));
        }
        Ok("时段已删除".to_string())
    })
    .await
}
