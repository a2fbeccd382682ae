//! 门店: the merchant's shops and pick-up points (list with search, status tabs and paging; add,
//! edit, delete after confirmation) and shoppers' shopSubApply applications (approve / reject).

use askama::Template;
use rocket::form::{self, FromForm};
use rocket::fs::TempFile;
use rocket::{get, post, routes, Route, State};

use super::auth::Empty;
use super::crud;
use super::images::FileStore;
use super::page::{
    done, failed, number, render, search, Answer, Confirm, Html, Pager, Posted, Problem, Staff,
};
use crate::db::shops::{self, ShopFields, ShopFilter, ShopRow};
use crate::db::{self, Db};
use crate::error::{AdminError, ApiError};
use crate::service::error::Error as ServiceError;
use crate::service::shops as rules;

pub fn routes() -> Vec<Route> {
    routes![list, new_page, create, edit_page, update, confirm_delete, delete, approve, reject]
}

const LABELS: &[(&str, &str)] = &[
    ("name", "名称"),
    ("pic", "图片"),
    ("characteristic", "特色"),
    ("introduce", "介绍"),
    ("activity", "活动"),
    ("address", "地址"),
    ("linkMan", "联系人"),
    ("linkPhone", "电话"),
    ("openingHours", "营业时间"),
    ("number", "门店编号"),
    ("type", "类型"),
    ("provinceId", "省份编码"),
    ("cityId", "城市编码"),
    ("districtId", "区县编码"),
    ("latitude", "纬度"),
    ("longitude", "经度"),
    ("extJson", "扩展 JSON"),
];

/// The list's tabs: open shops, applications waiting, rejected applications.
const TABS: &[(i64, &str)] =
    &[(shops::OPEN, "门店"), (shops::PENDING, "待审核申请"), (shops::REJECTED, "已拒绝")];

#[derive(Template)]
#[template(path = "admin/shops/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<ShopRow>,
    q: String,
    status: i64,
    pick_only: bool,
    /// How many applications wait, for the tab's badge.
    pending: usize,
    pager: Pager,
}

#[allow(clippy::unused_self)] // the template calls it as a method on the page
impl ListPage {
    fn tabs(&self) -> &'static [(i64, &'static str)] {
        TABS
    }
}

/// GET /admin/shops — staff only. One tab at a time, search by name, 25 a page.
#[get("/shops?<q>&<status>&<pick>&<page>")]
async fn list(
    staff: Staff,
    db: &State<Db>,
    q: Option<&str>,
    status: Option<i64>,
    pick: Option<bool>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let q = search(q).unwrap_or_default();
    let status = status.filter(|s| (0..=2).contains(s)).unwrap_or(shops::OPEN);
    let pick_only = pick.unwrap_or(false);
    let filter = ShopFilter {
        status: Some(status),
        name_like: (!q.is_empty()).then(|| q.clone()),
        pick_points_only: pick_only,
        ..ShopFilter::default()
    };
    let waiting = ShopFilter { status: Some(shops::PENDING), ..ShopFilter::default() };
    // A single merchant has tens of shops: the list is filtered in SQL and paged in memory.
    let (all, pending) = db
        .read(move |c| {
            let all = shops::list(c, &filter)?;
            shops::list(c, &waiting).map(|pending| (all, pending.len()))
        })
        .await?;
    let (status_text, pick_text) = (status.to_string(), if pick_only { "true" } else { "" });
    let pager =
        Pager::new(page, all.len() as i64, &[("q", &q), ("status", &status_text), ("pick", pick_text)]);
    let rows = pager.slice(all);
    render(&ListPage { staff, rows, q, status, pick_only, pending, pager })
}

/// The form's fields as typed.
#[derive(FromForm, Default)]
struct Fields {
    name: String,
    pic: String,
    characteristic: String,
    introduce: String,
    activity: String,
    address: String,
    link_man: String,
    link_phone: String,
    opening_hours: String,
    number: String,
    kind: String,
    province_id: String,
    city_id: String,
    district_id: String,
    latitude: String,
    longitude: String,
    is_pick_point: bool,
    paixu: String,
}

#[derive(FromForm)]
struct ShopForm<'r> {
    file: form::Result<'r, TempFile<'r>>,
    f: Fields,
}

#[derive(Template)]
#[template(path = "admin/shops/edit.html")]
struct EditPage {
    staff: Staff,
    /// The stored shop (None while adding one).
    shop: Option<ShopRow>,
    f: Fields,
    error: Option<String>,
}

impl EditPage {
    fn status_text(&self) -> &'static str {
        match self.shop.as_ref().map(|s| s.status) {
            Some(shops::PENDING) => "待审核申请",
            Some(shops::REJECTED) => "已拒绝的申请",
            _ => "营业中",
        }
    }
}

fn fields_of(s: &ShopFields) -> Fields {
    let coordinate = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    Fields {
        name: s.name.clone(),
        pic: s.pic.clone(),
        characteristic: s.characteristic.clone(),
        introduce: s.introduce.clone(),
        activity: s.activity.clone(),
        address: s.address.clone(),
        link_man: s.link_man.clone(),
        link_phone: s.link_phone.clone(),
        opening_hours: s.opening_hours.clone(),
        number: s.number.clone(),
        kind: s.kind.clone(),
        province_id: s.province_id.clone(),
        city_id: s.city_id.clone(),
        district_id: s.district_id.clone(),
        latitude: coordinate(s.latitude),
        longitude: coordinate(s.longitude),
        is_pick_point: s.is_pick_point,
        paixu: s.paixu.to_string(),
    }
}

/// A coordinate typed in; blank is none.
fn coordinate(label: &str, text: &str) -> Result<Option<f64>, Problem> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(Problem::Say(format!("{label}应为数字，如 30.2741"))),
    }
}

/// GET /admin/shops/new — staff only.
#[get("/shops/new")]
async fn new_page(staff: Staff) -> Result<Html, AdminError> {
    render(&EditPage {
        staff,
        shop: None,
        f: Fields { paixu: "0".into(), ..<Fields as Default>::default() },
        error: None,
    })
}

/// GET /admin/shops/<id> — staff only. Applications open here too, with approve / reject.
#[get("/shops/<id>")]
async fn edit_page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let shop = crud::found(db, id, shops::get).await?;
    let f = fields_of(&shop.fields);
    render(&EditPage { staff, shop: Some(shop), f, error: None })
}

/// POST /admin/shops/new — staff only.
#[post("/shops/new", data = "<form>")]
async fn create(
    staff: Staff,
    form: Posted<ShopForm<'_>>,
    db: &State<Db>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    save(staff, None, form.0, db, &store).await
}

/// POST /admin/shops/<id> — staff only.
#[post("/shops/<id>", data = "<form>")]
async fn update(
    staff: Staff,
    id: i64,
    form: Posted<ShopForm<'_>>,
    db: &State<Db>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    save(staff, Some(id), form.0, db, &store).await
}

async fn save(
    staff: Staff,
    id: Option<i64>,
    form: ShopForm<'_>,
    db: &Db,
    store: &FileStore,
) -> Result<Answer, AdminError> {
    let ShopForm { file, mut f } = form;
    let shop = match id {
        Some(id) => Some(crud::found(db, id, shops::get).await?),
        None => None,
    };
    // The console does not edit extJson: a stored shop keeps its own.
    let ext_json = shop.as_ref().map_or_else(|| "{}".to_string(), |s| s.fields.ext_json.clone());
    let saved = async {
        f.pic = store.picture(file, &f.pic).await?;
        let fields = ShopFields {
            name: f.name.trim().to_string(),
            pic: f.pic.clone(),
            characteristic: f.characteristic.trim().to_string(),
            introduce: f.introduce.trim().to_string(),
            activity: f.activity.trim().to_string(),
            address: f.address.trim().to_string(),
            link_man: f.link_man.trim().to_string(),
            link_phone: f.link_phone.trim().to_string(),
            opening_hours: f.opening_hours.trim().to_string(),
            number: f.number.trim().to_string(),
            kind: f.kind.trim().to_string(),
            province_id: f.province_id.trim().to_string(),
            city_id: f.city_id.trim().to_string(),
            district_id: f.district_id.trim().to_string(),
            latitude: coordinate("纬度", &f.latitude)?,
            longitude: coordinate("经度", &f.longitude)?,
            is_pick_point: f.is_pick_point,
            paixu: number("排序", &f.paixu)?,
            ext_json,
        };
        db.write(move |c| rules::save_shop(c, id, &fields, db::unix_now()))
            .await
            .map_err(|e| Problem::refused(e, LABELS))
    };
    let (saved, back) = (saved.await, back_to(shop.as_ref()));
    crud::saved(saved, &back, "门店已保存", |error| EditPage { staff, shop, f, error })
}

/// The list tab a shop belongs on.
fn back_to(shop: Option<&ShopRow>) -> String {
    match shop.map(|s| s.status) {
        Some(s) if s != shops::OPEN => format!("/admin/shops?status={s}"),
        _ => "/admin/shops".into(),
    }
}

/// GET /admin/shops/<id>/delete — staff only; asks before deleting.
#[get("/shops/<id>/delete")]
async fn confirm_delete(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let shop = crud::found(db, id, shops::get).await?;
    render(&Confirm {
        staff,
        title: "删除门店".into(),
        what: format!("门店「{}」", shop.fields.name),
        warning: "删除后顾客不能再选择这个门店或自提点，无法恢复。",
        action: format!("/admin/shops/{id}/delete"),
        back: format!("/admin/shops/{id}"),
    })
}

/// POST /admin/shops/<id>/delete — staff only; from the confirmation page.
#[post("/shops/<id>/delete", data = "<_form>")]
async fn delete(_staff: Staff, id: i64, _form: Posted<Empty>, db: &State<Db>) -> Result<Answer, AdminError> {
    let shop = crud::found(db, id, shops::get).await?;
    db.write(move |c| shops::delete(c, id)).await?;
    Ok(done(back_to(Some(&shop)), format!("门店「{}」已删除", shop.fields.name)))
}

async fn decide(db: &Db, id: i64, approve: bool) -> Result<Answer, AdminError> {
    let shop = crud::found(db, id, shops::get).await?;
    let decided = db.write(move |c| rules::decide_application(c, id, approve, db::unix_now())).await;
    match decided {
        Ok(()) if approve => {
            Ok(done("/admin/shops?status=1", format!("已通过「{}」的申请，门店已开放", shop.fields.name)))
        }
        Ok(()) => Ok(done("/admin/shops?status=1", format!("已拒绝「{}」的申请", shop.fields.name))),
        Err(e @ (ServiceError::Busy | ServiceError::Db(_) | ServiceError::Internal(_))) => Err(e.into()),
        Err(e) => Ok(failed(format!("/admin/shops/{id}"), ApiError::from(e).msg())),
    }
}

/// POST /admin/shops/<id>/approve — staff only. The application's shop opens.
#[post("/shops/<id>/approve", data = "<_form>")]
async fn approve(_staff: Staff, id: i64, _form: Posted<Empty>, db: &State<Db>) -> Result<Answer, AdminError> {
    decide(db, id, true).await
}

/// POST /admin/shops/<id>/reject — staff only. The application stays, marked rejected.
#[post("/shops/<id>/reject", data = "<_form>")]
async fn reject(_staff: Staff, id: i64, _form: Posted<Empty>, db: &State<Db>) -> Result<Answer, AdminError> {
    decide(db, id, false).await
}
