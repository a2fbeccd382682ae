//! A goods' checkout rules in the console (/admin/goods/<id>/rules): purchase limits, price tiers
//! and add-on groups. The goods editor links here; each section saves on its own.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::page::{done, failed, render, Answer, Html, Posted, Problem, Staff};
use crate::db::{self, catalog, goods_rules, Db};
use crate::error::AdminError;
use crate::money;
use crate::service::additions::{self, GroupInput};
use crate::service::catalog::key_names;
use crate::service::error::Error as ServiceError;
use crate::service::limits::{self, LimitInput, LimitUnit};
use crate::service::tiers::{self, TierInput};

pub fn routes() -> Vec<Route> {
    routes![page, save_limits, save_tiers, save_additions]
}

const LABELS: &[(&str, &str)] = &[
    ("unit", "限购周期"),
    ("duration", "周期数"),
    ("buyNumbers", "限购数量"),
    ("userLevelId", "会员等级"),
    ("propertyChildIds", "规格"),
    ("number", "起购数量"),
    ("price", "单价"),
    ("groups", "配件组"),
    ("items", "配件"),
];

/// Blank rows offered below the filled ones.
const BLANK_ROWS: usize = 3;

/// (value, label) for a select.
pub type Choice = (String, String);

pub struct LimitRow {
    pub sku: String,
    pub level: String,
    pub unit: i64,
    pub duration: String,
    pub buy_numbers: String,
}

pub struct TierRow {
    pub sku: String,
    pub number: String,
    pub price: String,
}

pub struct GroupRow {
    pub name: String,
    pub required: bool,
    pub multiple: bool,
    /// One "名称 价格" per line.
    pub items: String,
}

#[derive(Template)]
#[template(path = "admin/goods_rules/page.html")]
struct RulesPage {
    staff: Staff,
    goods_id: i64,
    goods_name: String,
    /// "" = the whole goods, else SKU keys with their names.
    skus: Vec<Choice>,
    /// "" = every shopper, else level ids.
    levels: Vec<Choice>,
    units: Vec<(i64, &'static str)>,
    limits: Vec<LimitRow>,
    tiers: Vec<TierRow>,
    groups: Vec<GroupRow>,
}

/// Everything of the page but the frame (read on a pool thread).
struct Parts {
    goods_id: i64,
    goods_name: String,
    skus: Vec<Choice>,
    levels: Vec<Choice>,
    limits: Vec<LimitRow>,
    tiers: Vec<TierRow>,
    groups: Vec<GroupRow>,
}

impl Parts {
    fn with(self, staff: Staff) -> RulesPage {
        RulesPage {
            staff,
            goods_id: self.goods_id,
            goods_name: self.goods_name,
            skus: self.skus,
            levels: self.levels,
            units: LimitUnit::ALL.iter().map(|u| (u.code(), u.label())).collect(),
            limits: self.limits,
            tiers: self.tiers,
            groups: self.groups,
        }
    }
}

fn rules_page(c: &rusqlite::Connection, id: i64) -> Result<Parts, AdminError> {
    let goods = catalog::goods(c, id)?.ok_or(AdminError::NotFound)?;
    let specs = catalog::properties(c, id)?;
    let mut skus = vec![(String::new(), "整个商品（所有规格合计）".to_string())];
    for s in catalog::skus(c, id)? {
        let key = s.fields.property_child_ids;
        skus.push((key.clone(), key_names(&key, &specs)));
    }
    let mut levels = vec![(String::new(), "所有用户".to_string())];
    levels
        .extend(db::levels::all_levels(c, 0, 1000)?.0.into_iter().map(|l| (l.id.to_string(), l.fields.name)));
    let mut limits: Vec<LimitRow> = limits::all_rules(c, id)
        .map_err(AdminError::from)?
        .into_iter()
        .map(|r| LimitRow {
            sku: r.property_child_ids.unwrap_or_default(),
            level: r.user_level_id.map(|l| l.to_string()).unwrap_or_default(),
            unit: r.unit.code(),
            duration: r.duration.to_string(),
            buy_numbers: r.buy_numbers.to_string(),
        })
        .collect();
    limits.extend((0..BLANK_ROWS).map(|_| LimitRow {
        sku: String::new(),
        level: String::new(),
        unit: LimitUnit::Order.code(),
        duration: "1".into(),
        buy_numbers: String::new(),
    }));
    let mut tiers: Vec<TierRow> = goods_rules::tiers(c, id)?
        .into_iter()
        .map(|t| TierRow {
            sku: t.property_child_ids.unwrap_or_default(),
            number: t.number.to_string(),
            price: money::format(t.price),
        })
        .collect();
    tiers.extend((0..BLANK_ROWS).map(|_| TierRow {
        sku: String::new(),
        number: String::new(),
        price: String::new(),
    }));
    let mut groups: Vec<GroupRow> = goods_rules::additions(c, id)?
        .into_iter()
        .map(|g| GroupRow {
            name: g.name,
            required: g.required,
            multiple: g.multiple,
            items: g
                .items
                .iter()
                .map(|i| format!("{} {}", i.name, money::format(i.price)))
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect();
    groups.extend((0..BLANK_ROWS).map(|_| GroupRow {
        name: String::new(),
        required: false,
        multiple: false,
        items: String::new(),
    }));
    Ok(Parts { goods_id: id, goods_name: goods.fields.name, skus, levels, limits, tiers, groups })
}

/// GET /admin/goods/<id>/rules — staff only.
#[get("/goods/<id>/rules")]
async fn page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let parts = db.read(move |c| rules_page(c, id)).await?;
    render(&parts.with(staff))
}

#[derive(FromForm, Default)]
struct LimitForm {
    #[field(default = String::new())]
    sku: String,
    #[field(default = String::new())]
    level: String,
    #[field(default = 0)]
    unit: i64,
    #[field(default = String::new())]
    duration: String,
    #[field(default = String::new())]
    buy_numbers: String,
}

#[derive(FromForm, Default)]
struct LimitsForm {
    limits: Vec<LimitForm>,
}

fn whole(label: &str, v: &str) -> Result<i64, Problem> {
    v.trim().parse().map_err(|_| Problem::Say(format!("{label}应为整数")))
}

fn back(id: i64) -> String {
    format!("/admin/goods/{id}/rules")
}

/// Saves a section: the success message, or the refusal as a flash on the same page.
async fn finish(id: i64, saved: Result<(), Problem>, what: &str) -> Result<Answer, AdminError> {
    match saved {
        Ok(()) => Ok(done(back(id), format!("{what}已保存"))),
        Err(p) => Ok(failed(back(id), p.message()?)),
    }
}

fn api(e: impl Into<ServiceError>) -> Problem {
    Problem::refused(e, LABELS)
}

/// POST /admin/goods/<id>/rules/limits — staff only. Rows without a number are skipped.
#[post("/goods/<id>/rules/limits", data = "<form>")]
async fn save_limits(
    _staff: Staff,
    id: i64,
    form: Posted<LimitsForm>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let mut list = Vec::new();
    let mut read = || -> Result<(), Problem> {
        for l in form.0.limits.iter().filter(|l| !l.buy_numbers.trim().is_empty()) {
            list.push(LimitInput {
                property_child_ids: Some(l.sku.clone()).filter(|s| !s.is_empty()),
                user_level_id: (!l.level.is_empty()).then(|| whole("会员等级", &l.level)).transpose()?,
                unit: l.unit,
                duration: whole("周期数", &l.duration)?,
                buy_numbers: whole("限购数量", &l.buy_numbers)?,
            });
        }
        Ok(())
    };
    let saved = match read() {
        Ok(()) => db.write(move |c| limits::save_limits(c, id, &list)).await.map_err(api),
        Err(p) => Err(p),
    };
    finish(id, saved, "限购规则").await
}

#[derive(FromForm, Default)]
struct TierForm {
    #[field(default = String::new())]
    sku: String,
    #[field(default = String::new())]
    number: String,
    #[field(default = String::new())]
    price: String,
}

#[derive(FromForm, Default)]
struct TiersForm {
    tiers: Vec<TierForm>,
}

/// POST /admin/goods/<id>/rules/tiers — staff only. Rows without a number are skipped.
#[post("/goods/<id>/rules/tiers", data = "<form>")]
async fn save_tiers(
    _staff: Staff,
    id: i64,
    form: Posted<TiersForm>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let mut list = Vec::new();
    let mut read = || -> Result<(), Problem> {
        for t in form.0.tiers.iter().filter(|t| !t.number.trim().is_empty()) {
            list.push(TierInput {
                property_child_ids: Some(t.sku.clone()).filter(|s| !s.is_empty()),
                number: whole("起购数量", &t.number)?,
                price: money::parse(t.price.trim())
                    .ok_or_else(|| Problem::Say("阶梯单价应为金额（元），最多两位小数".into()))?,
            });
        }
        Ok(())
    };
    let saved = match read() {
        Ok(()) => db.write(move |c| tiers::save_tiers(c, id, &list)).await.map_err(api),
        Err(p) => Err(p),
    };
    finish(id, saved, "阶梯价").await
}

#[derive(FromForm, Default)]
struct GroupForm {
    #[field(default = String::new())]
    name: String,
    required: bool,
    multiple: bool,
    #[field(default = String::new())]
    items: String,
}

#[derive(FromForm, Default)]
struct GroupsForm {
    groups: Vec<GroupForm>,
}

/// "鸡蛋 2" or "微辣" (free) per line.
fn items_of(group: &str, text: &str) -> Result<Vec<(String, i64)>, Problem> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (name, price) = match line.rsplit_once([' ', '\t']) {
            Some((name, price)) if money::parse(price.trim()).is_some() => {
                (name.trim(), money::parse(price.trim()).unwrap_or(0))
            }
            _ => (line, 0),
        };
        if name.is_empty() {
            return Err(Problem::Say(format!("配件组“{group}”里有一行没有名称")));
        }
        out.push((name.to_string(), price));
    }
    Ok(out)
}

/// POST /admin/goods/<id>/rules/additions — staff only. Groups without a name are skipped.
#[post("/goods/<id>/rules/additions", data = "<form>")]
async fn save_additions(
    _staff: Staff,
    id: i64,
    form: Posted<GroupsForm>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let mut groups = Vec::new();
    let mut read = || -> Result<(), Problem> {
        for g in form.0.groups.iter().filter(|g| !g.name.trim().is_empty()) {
            groups.push(GroupInput {
                name: g.name.trim().to_string(),
                required: g.required,
                multiple: g.multiple,
                items: items_of(g.name.trim(), &g.items)?,
            });
        }
        Ok(())
    };
    let saved = match read() {
        Ok(()) => db.write(move |c| additions::save_additions(c, id, &groups)).await.map_err(api),
        Err(p) => Err(p),
    };
    finish(id, saved, "可选配件").await
}
