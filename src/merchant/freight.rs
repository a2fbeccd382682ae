//! Freight templates (运费模板) for the merchant's own systems; goods point at one with
//! `logisticsId`. Money in yuan; numbers are pieces, or kilograms for a template by weight.

use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{delete, get, post, put, routes, Route, State};
use serde::{Deserialize, Serialize};

use super::body::fen;
use super::{Answer, ApiKey, JsonBody, Problem, BASE};
use crate::db::freight::{self, Fees, FreeRule, RegionFees, Template, TemplateFields};
use crate::db::{self, Db};
use crate::error::MerchantError;
use crate::money;
use crate::regions::Regions;
use crate::service::freight as rules;

pub fn routes() -> Vec<Route> {
    routes![list, create, show, replace, remove]
}

fn number_out(fee_type: i64, n: i64) -> f64 {
    if fee_type == 1 {
        n as f64 / 1000.0
    } else {
        n as f64
    }
}

/// Pieces (whole numbers) or kilograms (to the gram) as stored pieces or grams.
#[allow(clippy::cast_possible_truncation)] // rounded or whole, and checked to be at most 1e12
fn number_in(field: &'static str, fee_type: i64, n: f64) -> Result<i64, Problem> {
    let ok = n.is_finite() && n > 0.0 && n <= 1e9;
    if fee_type == 1 && ok {
        return Ok((n * 1000.0).round().max(1.0) as i64);
    }
    if ok && n.fract() == 0.0 {
        return Ok(n as i64);
    }
    Err(Problem::invalid(
        field,
        "must be a whole number of pieces ≥ 1, or kilograms > 0 for a template by weight",
    ))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionFeesView {
    pub region_ids: Vec<String>,
    pub first_number: f64,
    pub first_amount: f64,
    pub add_number: f64,
    pub add_amount: f64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FreeRuleView {
    pub region_ids: Vec<String>,
    pub min_amount: Option<f64>,
    pub min_number: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateView {
    pub id: i64,
    pub name: String,
    /// 0 by piece, 1 by weight (numbers in kilograms).
    pub fee_type: i64,
    pub is_free: bool,
    pub first_number: f64,
    pub first_amount: f64,
    pub add_number: f64,
    pub add_amount: f64,
    pub regions: Vec<RegionFeesView>,
    pub free_rules: Vec<FreeRuleView>,
    /// How many goods use it (a template in use cannot be deleted).
    pub goods_count: i64,
    pub date_add: String,
    pub date_update: String,
}

impl From<Template> for TemplateView {
    fn from(t: Template) -> Self {
        let f = t.fields;
        let ft = f.fee_type;
        TemplateView {
            id: t.id,
            name: f.name,
            fee_type: ft,
            is_free: f.is_free,
            first_number: number_out(ft, f.fees.first_number),
            first_amount: money::to_yuan(f.fees.first_amount),
            add_number: number_out(ft, f.fees.add_number),
            add_amount: money::to_yuan(f.fees.add_amount),
            regions: f
                .region_fees
                .into_iter()
                .map(|r| RegionFeesView {
                    region_ids: r.regions,
                    first_number: number_out(ft, r.fees.first_number),
                    first_amount: money::to_yuan(r.fees.first_amount),
                    add_number: number_out(ft, r.fees.add_number),
                    add_amount: money::to_yuan(r.fees.add_amount),
                })
                .collect(),
            free_rules: f
                .free_rules
                .into_iter()
                .map(|r| FreeRuleView {
                    region_ids: r.regions,
                    min_amount: r.min_amount.map(money::to_yuan),
                    min_number: r.min_number,
                })
                .collect(),
            goods_count: t.goods_count,
            date_add: db::format_unix(t.date_add),
            date_update: db::format_unix(t.date_update),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegionFeesBody {
    pub region_ids: Vec<String>,
    pub first_number: f64,
    pub first_amount: f64,
    pub add_number: f64,
    pub add_amount: f64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct FreeRuleBody {
    /// Empty = everywhere.
    pub region_ids: Vec<String>,
    pub min_amount: Option<f64>,
    pub min_number: Option<i64>,
}

/// A whole template as POST and PUT send it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct TemplateBody {
    pub name: String,
    pub fee_type: i64,
    pub is_free: bool,
    pub first_number: f64,
    pub first_amount: f64,
    pub add_number: f64,
    pub add_amount: f64,
    pub regions: Vec<RegionFeesBody>,
    pub free_rules: Vec<FreeRuleBody>,
}

impl Default for TemplateBody {
    fn default() -> Self {
        TemplateBody {
            name: String::new(),
            fee_type: 0,
            is_free: false,
            first_number: 1.0,
            first_amount: 0.0,
            add_number: 1.0,
            add_amount: 0.0,
            regions: Vec::new(),
            free_rules: Vec::new(),
        }
    }
}

impl TemplateBody {
    fn into_fields(self) -> Result<TemplateFields, Problem> {
        let ft = self.fee_type;
        let mut region_fees = Vec::with_capacity(self.regions.len());
        for r in self.regions {
            region_fees.push(RegionFees {
                regions: r.region_ids,
                fees: Fees {
                    first_number: number_in("regions", ft, r.first_number)?,
                    first_amount: fen("regions", r.first_amount)?,
                    add_number: number_in("regions", ft, r.add_number)?,
                    add_amount: fen("regions", r.add_amount)?,
                },
            });
        }
        let mut free_rules = Vec::with_capacity(self.free_rules.len());
        for r in self.free_rules {
            free_rules.push(FreeRule {
                regions: r.region_ids,
                min_amount: r.min_amount.map(|a| fen("freeRules", a)).transpose()?,
                min_number: r.min_number,
            });
        }
        Ok(TemplateFields {
            name: self.name,
            fee_type: ft,
            is_free: self.is_free,
            fees: Fees {
                first_number: number_in("firstNumber", ft, self.first_number)?,
                first_amount: fen("firstAmount", self.first_amount)?,
                add_number: number_in("addNumber", ft, self.add_number)?,
                add_amount: fen("addAmount", self.add_amount)?,
            },
            region_fees,
            free_rules,
        })
    }
}

async fn load(db: &Db, id: i64) -> Answer<TemplateView> {
    let found = db.read(move |c| freight::template(c, id)).await?;
    Ok(found.ok_or(MerchantError::NotFound("freight template"))?.into())
}

/// GET /admin/api/v1/freight-templates — merchant key. Every template, by name.
#[get("/freight-templates")]
async fn list(_key: ApiKey, db: &State<Db>) -> Answer<Json<Vec<TemplateView>>> {
    let rows = db.read(freight::all_templates).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// POST /admin/api/v1/freight-templates — merchant key. 201 with `Location`.
#[post("/freight-templates", data = "<body>")]
async fn create(
    _key: ApiKey,
    db: &State<Db>,
    regions: &State<Regions>,
    body: JsonBody<TemplateBody>,
) -> Answer<Created<Json<TemplateView>>> {
    let checked = rules::check_template(body.0.into_fields()?, regions)?;
    let id = db.write(move |c| rules::save_template(c, None, &checked, db::unix_now())).await?;
    Ok(Created::new(format!("{BASE}/freight-templates/{id}")).body(Json(load(db, id).await?)))
}

/// GET /admin/api/v1/freight-templates/<id> — merchant key.
#[get("/freight-templates/<id>")]
async fn show(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<TemplateView>> {
    Ok(Json(load(db, id).await?))
}

/// PUT /admin/api/v1/freight-templates/<id> — merchant key. Replaces the template and its rules.
#[put("/freight-templates/<id>", data = "<body>")]
async fn replace(
    _key: ApiKey,
    db: &State<Db>,
    regions: &State<Regions>,
    id: i64,
    body: JsonBody<TemplateBody>,
) -> Answer<Json<TemplateView>> {
    let checked = rules::check_template(body.0.into_fields()?, regions)?;
    db.write(move |c| rules::save_template(c, Some(id), &checked, db::unix_now()))
        .await
        .map_err(not_found)?;
    Ok(Json(load(db, id).await?))
}

/// DELETE /admin/api/v1/freight-templates/<id> — merchant key. 204; 409 while goods use it.
#[delete("/freight-templates/<id>")]
async fn remove(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Status> {
    db.write(move |c| rules::delete_template(c, id)).await.map_err(not_found)?;
    Ok(Status::NoContent)
}

/// The service's 404 in the API's words.
fn not_found(e: impl Into<Problem>) -> Problem {
    let p = e.into();
    if p.status == Status::NotFound {
        MerchantError::NotFound("freight template").into()
    } else {
        p
    }
}
