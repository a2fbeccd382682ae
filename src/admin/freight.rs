//! 运费模板: freight templates (by piece or weight), their region fees and free-shipping rules.
//! Goods choose one in the goods editor; a template goods still use cannot be deleted.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};
use std::fmt::Write as _;

use super::auth::{AdminSession, Empty};
use super::crud;
use super::page::{render, Answer, Html, Posted, Problem, Staff};
use crate::db::freight::{self, Fees, FreeRule, RegionFees, TemplateFields};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::regions::{Region, Regions};
use crate::service::freight as rules;

pub fn routes() -> Vec<Route> {
    routes![list, new_page, create, edit_page, update, confirm_delete, delete]
}

const LABELS: &[(&str, &str)] = &[
    ("name", "模板名称"),
    ("feeType", "计费方式"),
    ("fees", "默认运费"),
    ("regions", "指定地区运费"),
    ("freeRules", "包邮条件"),
];

/// Blank rows offered below the filled ones.
const BLANK_ROWS: usize = 2;

/// A template as the list shows it.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub summary: String,
    pub goods_count: i64,
    pub date_update: i64,
}

#[derive(Template)]
#[template(path = "admin/freight/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<Row>,
}

/// "按件数：1 件内 8.00 元，每增加 1 件加 2.00 元".
fn summary(f: &TemplateFields) -> String {
    if f.is_free {
        return "包邮".into();
    }
    let (kind, unit) = if f.fee_type == 1 { ("按重量", "千克") } else { ("按件数", "件") };
    let n = |x: i64| number_text(f.fee_type, x);
    let mut s = format!(
        "{kind}：{} {unit}内 {} 元，每增加 {} {unit}加 {} 元",
        n(f.fees.first_number),
        money::format(f.fees.first_amount),
        n(f.fees.add_number),
        money::format(f.fees.add_amount)
    );
    if !f.region_fees.is_empty() {
        let _ = write!(s, "；{} 条地区运费", f.region_fees.len());
    }
    if !f.free_rules.is_empty() {
        let _ = write!(s, "；{} 条包邮条件", f.free_rules.len());
    }
    s
}

/// Pieces as they are, grams as kilograms.
fn number_text(fee_type: i64, n: i64) -> String {
    if fee_type == 1 {
        let kg = n as f64 / 1000.0;
        format!("{kg}")
    } else {
        n.to_string()
    }
}

/// GET /admin/freight — staff only.
#[get("/freight")]
async fn list(staff: Staff, db: &State<Db>) -> Result<Html, AdminError> {
    let all = db.read(freight::all_templates).await?;
    let rows = all
        .into_iter()
        .map(|t| Row {
            id: t.id,
            summary: summary(&t.fields),
            name: t.fields.name,
            goods_count: t.goods_count,
            date_update: t.date_update,
        })
        .collect();
    render(&ListPage { staff, rows })
}

#[derive(FromForm, Default, Clone)]
pub struct FeesForm {
    #[field(default = String::new())]
    pub first_number: String,
    #[field(default = String::new())]
    pub first_amount: String,
    #[field(default = String::new())]
    pub add_number: String,
    #[field(default = String::new())]
    pub add_amount: String,
}

impl FeesForm {
    fn of(fee_type: i64, f: &Fees) -> Self {
        FeesForm {
            first_number: number_text(fee_type, f.first_number),
            first_amount: money::format(f.first_amount),
            add_number: number_text(fee_type, f.add_number),
            add_amount: money::format(f.add_amount),
        }
    }

    fn is_blank(&self) -> bool {
        [&self.first_number, &self.first_amount, &self.add_number, &self.add_amount]
            .iter()
            .all(|v| v.trim().is_empty())
    }

    fn read(&self, fee_type: i64, what: &str) -> Result<Fees, Problem> {
        Ok(Fees {
            first_number: units(fee_type, &self.first_number, &format!("{what}的首件（首重）"))?,
            first_amount: form_fen(&format!("{what}的首费"), &self.first_amount)?,
            add_number: units(fee_type, &self.add_number, &format!("{what}的续件（续重）"))?,
            add_amount: form_fen(&format!("{what}的续费"), &self.add_amount)?,
        })
    }
}

/// Pieces (whole numbers) or kilograms (to the gram) typed into the form.
fn units(fee_type: i64, v: &str, label: &str) -> Result<i64, Problem> {
    let v = v.trim();
    if fee_type == 1 {
        match v.parse::<f64>() {
            #[allow(clippy::cast_possible_truncation)] // rounded, and at most 1e9 grams
            Ok(kg) if kg.is_finite() && kg > 0.0 && kg <= 1e6 => Ok((kg * 1000.0).round().max(1.0) as i64),
            _ => Err(Problem::Say(format!("{label}应为大于 0 的千克数"))),
        }
    } else {
        match v.parse::<i64>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(Problem::Say(format!("{label}应为大于 0 的整数件数"))),
        }
    }
}

/// An amount in yuan typed into the form, as fen.
fn form_fen(label: &str, v: &str) -> Result<i64, Problem> {
    money::parse(v.trim()).ok_or_else(|| Problem::Say(format!("{label}应为金额（元），最多两位小数")))
}

#[derive(FromForm, Default, Clone)]
pub struct RegionForm {
    pub provinces: Vec<String>,
    /// City ids, comma-separated.
    #[field(default = String::new())]
    pub cities: String,
    pub fees: FeesForm,
}

impl RegionForm {
    pub fn has(&self, id: &str) -> bool {
        self.provinces.iter().any(|p| p == id)
    }
}

#[derive(FromForm, Default, Clone)]
pub struct FreeForm {
    pub provinces: Vec<String>,
    #[field(default = String::new())]
    pub cities: String,
    #[field(default = String::new())]
    pub min_amount: String,
    #[field(default = String::new())]
    pub min_number: String,
}

impl FreeForm {
    pub fn has(&self, id: &str) -> bool {
        self.provinces.iter().any(|p| p == id)
    }
}

#[derive(FromForm, Default, Clone)]
pub struct TemplateForm {
    #[field(default = String::new())]
    pub name: String,
    #[field(default = 0)]
    pub fee_type: i64,
    pub is_free: bool,
    pub fees: FeesForm,
    pub regions: Vec<RegionForm>,
    pub free: Vec<FreeForm>,
}

/// Province ids chosen plus city ids typed ("440300, 110100").
fn region_ids(provinces: &[String], cities: &str) -> Vec<String> {
    let mut ids: Vec<String> = provinces.iter().filter(|p| !p.is_empty()).cloned().collect();
    ids.extend(cities.split([',', '，', ' ']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_string));
    ids
}

/// Splits ids into (provinces, "city, city") for the form.
fn split_ids(ids: &[String], regions: &Regions) -> (Vec<String>, String) {
    let (p, c): (Vec<String>, Vec<String>) =
        ids.iter().cloned().partition(|id| regions.get(id).is_some_and(|r| r.level == 1));
    (p, c.join(", "))
}

impl TemplateForm {
    fn of(f: &TemplateFields, regions: &Regions) -> Self {
        TemplateForm {
            name: f.name.clone(),
            fee_type: f.fee_type,
            is_free: f.is_free,
            fees: FeesForm::of(f.fee_type, &f.fees),
            regions: f
                .region_fees
                .iter()
                .map(|r| {
                    let (provinces, cities) = split_ids(&r.regions, regions);
                    RegionForm { provinces, cities, fees: FeesForm::of(f.fee_type, &r.fees) }
                })
                .collect(),
            free: f
                .free_rules
                .iter()
                .map(|r| {
                    let (provinces, cities) = split_ids(&r.regions, regions);
                    FreeForm {
                        provinces,
                        cities,
                        min_amount: r.min_amount.map(money::format).unwrap_or_default(),
                        min_number: r.min_number.map(|n| n.to_string()).unwrap_or_default(),
                    }
                })
                .collect(),
        }
    }

    /// The filled rows plus blank ones to add more.
    fn with_blank_rows(mut self) -> Self {
        self.regions.retain(|r| !(r.fees.is_blank() && region_ids(&r.provinces, &r.cities).is_empty()));
        self.free.retain(|r| {
            !(r.min_amount.trim().is_empty()
                && r.min_number.trim().is_empty()
                && region_ids(&r.provinces, &r.cities).is_empty())
        });
        self.regions.extend(std::iter::repeat_n(<RegionForm as Default>::default(), BLANK_ROWS));
        self.free.extend(std::iter::repeat_n(<FreeForm as Default>::default(), BLANK_ROWS));
        self
    }

    /// The template the form describes; blank rows are skipped.
    fn read(&self) -> Result<TemplateFields, Problem> {
        let ft = self.fee_type;
        let mut region_fees = Vec::new();
        for (i, r) in self.regions.iter().enumerate() {
            let ids = region_ids(&r.provinces, &r.cities);
            if r.fees.is_blank() && ids.is_empty() {
                continue;
            }
            region_fees.push(RegionFees {
                regions: ids,
                fees: r.fees.read(ft, &format!("第 {} 条地区运费", i + 1))?,
            });
        }
        let mut free_rules = Vec::new();
        for (i, r) in self.free.iter().enumerate() {
            let ids = region_ids(&r.provinces, &r.cities);
            let (amount, count) = (r.min_amount.trim(), r.min_number.trim());
            if amount.is_empty() && count.is_empty() {
                if ids.is_empty() {
                    continue;
                }
                return Err(Problem::Say(format!("第 {} 条包邮条件要填满多少元或满多少件", i + 1)));
            }
            let label = format!("第 {} 条包邮条件", i + 1);
            free_rules.push(FreeRule {
                regions: ids,
                min_amount: (!amount.is_empty()).then(|| form_fen(&label, amount)).transpose()?,
                min_number: (!count.is_empty())
                    .then(|| count.parse::<i64>().map_err(|_| Problem::Say(format!("{label}的件数应为整数"))))
                    .transpose()?,
            });
        }
        Ok(TemplateFields {
            name: self.name.trim().to_string(),
            fee_type: ft,
            is_free: self.is_free,
            fees: self.fees.read(ft, "默认运费")?,
            region_fees,
            free_rules,
        })
    }
}

#[derive(Template)]
#[template(path = "admin/freight/edit.html")]
struct EditPage {
    staff: Staff,
    id: Option<i64>,
    form: TemplateForm,
    provinces: Vec<Region>,
    error: Option<String>,
}

fn edit_page_of(
    staff: Staff,
    id: Option<i64>,
    form: TemplateForm,
    regions: &Regions,
    error: Option<String>,
) -> EditPage {
    EditPage { staff, id, form: form.with_blank_rows(), provinces: regions.provinces().to_vec(), error }
}

/// GET /admin/freight/new — staff only.
#[get("/freight/new")]
fn new_page(staff: Staff, regions: &State<Regions>) -> Result<Html, AdminError> {
    let form = TemplateForm {
        fees: FeesForm {
            first_number: "1".into(),
            first_amount: "0.00".into(),
            add_number: "1".into(),
            add_amount: "0.00".into(),
        },
        ..<TemplateForm as Default>::default()
    };
    render(&edit_page_of(staff, None, form, regions, None))
}

/// GET /admin/freight/<id> — staff only.
#[get("/freight/<id>")]
async fn edit_page(
    staff: Staff,
    db: &State<Db>,
    regions: &State<Regions>,
    id: i64,
) -> Result<Html, AdminError> {
    let t = crud::found(db, id, freight::template).await?;
    render(&edit_page_of(staff, Some(id), TemplateForm::of(&t.fields, regions), regions, None))
}

/// POST /admin/freight/new — staff only.
#[post("/freight/new", data = "<form>")]
async fn create(
    staff: Staff,
    form: Posted<TemplateForm>,
    db: &State<Db>,
    regions: &State<Regions>,
) -> Result<Answer, AdminError> {
    save(staff, None, form.0, db, regions).await
}

/// POST /admin/freight/<id> — staff only.
#[post("/freight/<id>", data = "<form>")]
async fn update(
    staff: Staff,
    id: i64,
    form: Posted<TemplateForm>,
    db: &State<Db>,
    regions: &State<Regions>,
) -> Result<Answer, AdminError> {
    save(staff, Some(id), form.0, db, regions).await
}

async fn save(
    staff: Staff,
    id: Option<i64>,
    form: TemplateForm,
    db: &Db,
    regions: &Regions,
) -> Result<Answer, AdminError> {
    let checked =
        form.read().and_then(|f| rules::check_template(f, regions).map_err(|e| Problem::refused(e, LABELS)));
    let saved = match checked {
        Ok(t) => db
            .write(move |c| rules::save_template(c, id, &t, db::unix_now()))
            .await
            .map_err(|e| Problem::refused(e, LABELS)),
        Err(p) => Err(p),
    };
    crud::saved(saved, "/admin/freight", "运费模板已保存", |error| {
        edit_page_of(staff, id, form, regions, error)
    })
}

/// GET /admin/freight/<id>/delete — staff only; asks before deleting.
#[get("/freight/<id>/delete")]
async fn confirm_delete(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let t = crud::found(db, id, freight::template).await?;
    let what = format!("运费模板「{}」", t.fields.name);
    let warning = "还有商品在用的模板不能删除，请先在商品编辑里换一个模板。";
    crud::ask_delete(staff, "/admin/freight", id, "删除运费模板", what, warning)
}

/// POST /admin/freight/<id>/delete — staff only; refused while goods use the template.
#[post("/freight/<id>/delete", data = "<_form>")]
async fn delete(
    _admin: AdminSession,
    id: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let deleted = db.write(move |c| rules::delete_template(c, id)).await;
    crud::deleted(deleted, "/admin/freight", "运费模板已删除")
}
