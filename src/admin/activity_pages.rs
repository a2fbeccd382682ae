//! 活动页: the activity pages (活动商城) the mini-program's pages/huodong shows by id
//! (activityMallInfoInfo): title, dates, place, a banner type, coupons and goods.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::auth::{AdminSession, Empty};
use super::crud;
use super::page::{done, number, render, search, Answer, Html, Pager, Posted, Problem, Staff, PER_PAGE};
use crate::db::activity_mall::ActivityPage;
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::service::activity_page;

pub fn routes() -> Vec<Route> {
    routes![list, new_page, create, edit_page, update, confirm_delete, delete]
}

const BACK: &str = "/admin/activity-pages";
const LABELS: &[(&str, &str)] = &[
    ("title", "标题"),
    ("titleSub", "副标题"),
    ("dateStart", "开始日期"),
    ("dateDeadline", "截止日期"),
    ("address", "地点"),
    ("bannerType", "轮播图类型"),
    ("couponRuleIds", "优惠券"),
    ("goodsIds", "商品"),
    ("disclaimerPageKey", "免责声明单页"),
    ("status", "状态"),
];

#[derive(Template)]
#[template(path = "admin/activity_pages/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<ActivityPage>,
    q: String,
    pager: Pager,
}

/// GET /admin/activity-pages?q=&page= — staff only. Newest first, searched by title, 25 a page.
#[get("/activity-pages?<q>&<page>")]
async fn list(staff: Staff, db: &State<Db>, q: Option<&str>, page: Option<i64>) -> Result<Html, AdminError> {
    let q = search(q).unwrap_or_default();
    let mut rows = db.read(db::activity_mall::all).await?;
    rows.retain(|p| q.is_empty() || p.title.contains(&q));
    let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let pager = Pager::new(page, total, &[("q", &q)]);
    let rows = rows
        .into_iter()
        .skip(usize::try_from(pager.offset()).unwrap_or(0))
        .take(usize::try_from(PER_PAGE).unwrap_or(25))
        .collect();
    render(&ListPage { staff, rows, q, pager })
}

/// The form's fields as typed (a refused form comes back exactly as sent).
#[derive(FromForm, Default)]
struct PageForm {
    title: String,
    title_sub: String,
    date_start: String,
    date_deadline: String,
    address: String,
    banner_type: String,
    coupon_rule_ids: String,
    goods_ids: String,
    disclaimer_page_key: String,
    status: String,
}

impl PageForm {
    fn of(p: ActivityPage) -> PageForm {
        PageForm {
            title: p.title,
            title_sub: p.title_sub,
            date_start: p.date_start,
            date_deadline: p.date_deadline,
            address: p.address,
            banner_type: p.banner_type,
            coupon_rule_ids: p.coupon_rule_ids,
            goods_ids: p.goods_ids,
            disclaimer_page_key: p.disclaimer_page_key,
            status: p.status.to_string(),
        }
    }

    fn page(&self) -> Result<ActivityPage, Problem> {
        let p = ActivityPage {
            title: self.title.clone(),
            title_sub: self.title_sub.clone(),
            date_start: self.date_start.clone(),
            date_deadline: self.date_deadline.clone(),
            address: self.address.clone(),
            banner_type: self.banner_type.clone(),
            coupon_rule_ids: self.coupon_rule_ids.clone(),
            goods_ids: self.goods_ids.clone(),
            disclaimer_page_key: self.disclaimer_page_key.clone(),
            status: number("状态", &self.status)?,
            ..ActivityPage::default()
        };
        activity_page::checked(&p).map_err(|e| Problem::refused(e, LABELS))
    }
}

#[derive(Template)]
#[template(path = "admin/activity_pages/edit.html")]
struct EditPage {
    staff: Staff,
    id: Option<i64>,
    form: PageForm,
    error: Option<String>,
}

/// GET /admin/activity-pages/new — staff only.
#[get("/activity-pages/new")]
fn new_page(staff: Staff) -> Result<Html, AdminError> {
    let form = PageForm { status: "0".into(), ..<PageForm as Default>::default() };
    render(&EditPage { staff, id: None, form, error: None })
}

/// GET /admin/activity-pages/<id> — staff only.
#[get("/activity-pages/<id>")]
async fn edit_page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let p = crud::found(db, id, db::activity_mall::get).await?;
    render(&EditPage { staff, id: Some(id), form: PageForm::of(p), error: None })
}

/// POST /admin/activity-pages/new — staff only.
#[post("/activity-pages/new", data = "<form>")]
async fn create(staff: Staff, form: Posted<PageForm>, db: &State<Db>) -> Result<Answer, AdminError> {
    save(staff, None, form.0, db).await
}

/// POST /admin/activity-pages/<id> — staff only.
#[post("/activity-pages/<id>", data = "<form>")]
async fn update(staff: Staff, id: i64, form: Posted<PageForm>, db: &State<Db>) -> Result<Answer, AdminError> {
    save(staff, Some(id), form.0, db).await
}

async fn save(staff: Staff, id: Option<i64>, form: PageForm, db: &Db) -> Result<Answer, AdminError> {
    let saved = match form.page() {
        Ok(p) => match db.write(move |c| db::activity_mall::save(c, id, &p, db::unix_now())).await {
            Ok(Some(saved)) => Ok(saved),
            Ok(None) => return Err(AdminError::NotFound),
            Err(e) => Err(Problem::Fail(e.into())),
        },
        Err(problem) => Err(problem),
    };
    crud::saved(saved, BACK, "活动页已保存", |error| EditPage { staff, id, form, error })
}

/// GET /admin/activity-pages/<id>/delete — staff only; asks before deleting.
#[get("/activity-pages/<id>/delete")]
async fn confirm_delete(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let p = crud::found(db, id, db::activity_mall::get).await?;
    let warning = "删除后小程序打开这个活动页会提示不存在，无法恢复。";
    crud::ask_delete(staff, BACK, id, "删除活动页", format!("活动页「{}」", p.title), warning)
}

/// POST /admin/activity-pages/<id>/delete — staff only.
#[post("/activity-pages/<id>/delete", data = "<_form>")]
async fn delete(
    _admin: AdminSession,
    id: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    if !db.write(move |c| db::activity_mall::delete(c, id)).await? {
        return Err(AdminError::NotFound);
    }
    Ok(done(BACK, "活动页已删除"))
}
