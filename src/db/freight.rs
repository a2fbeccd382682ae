//! Freight templates (运费模板) with their region fees and free-shipping rules. Money in fen;
//! numbers are pieces or grams by the template's `fee_type`.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// A first fee and a fee per further step: "a 件内 x 元，每增加 b 件加 y 元".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fees {
    pub first_number: i64,
    pub first_amount: i64,
    pub add_number: i64,
    pub add_amount: i64,
}

/// Fees for some regions: province or city ids of src/regions.rs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionFees {
    pub regions: Vec<String>,
    pub fees: Fees,
}

/// Free shipping when every set condition holds; `regions` empty = everywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeRule {
    pub regions: Vec<String>,
    /// Fen of the template's lines, at least.
    pub min_amount: Option<i64>,
    /// Pieces of the template's lines, at least.
    pub min_number: Option<i64>,
}

/// What the merchant sets on a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateFields {
    pub name: String,
    /// 0 by piece, 1 by weight (grams).
    pub fee_type: i64,
    pub is_free: bool,
    pub fees: Fees,
    pub region_fees: Vec<RegionFees>,
    pub free_rules: Vec<FreeRule>,
}

#[derive(Debug, Clone)]
pub struct Template {
    pub id: i64,
    pub fields: TemplateFields,
    /// How many goods use it.
    pub goods_count: i64,
    pub date_add: i64,
    pub date_update: i64,
}

/// ",a,b," → [a, b].
fn split_regions(text: &str) -> Vec<String> {
    text.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// [a, b] → ",a,b," ('' when empty) so a LIKE '%,id,%' never matches part of an id.
fn join_regions(ids: &[String]) -> String {
    if ids.is_empty() {
        String::new()
    } else {
        format!(",{},", ids.join(","))
    }
}

fn template_row(r: &Row) -> rusqlite::Result<Template> {
    Ok(Template {
        id: r.get(0)?,
        fields: TemplateFields {
            name: r.get(1)?,
            fee_type: r.get(2)?,
            is_free: r.get(3)?,
            fees: Fees {
                first_number: r.get(4)?,
                first_amount: r.get(5)?,
                add_number: r.get(6)?,
                add_amount: r.get(7)?,
            },
            region_fees: Vec::new(),
            free_rules: Vec::new(),
        },
        date_add: r.get(8)?,
        date_update: r.get(9)?,
        goods_count: r.get(10)?,
    })
}

const TEMPLATE_COLUMNS: &str = "t.id, t.name, t.fee_type, t.is_free, t.first_number, t.first_amount,
     t.add_number, t.add_amount, t.date_add, t.date_update,
     (SELECT count(*) FROM goods g WHERE g.logistics_id = t.id)";

/// Fills in a template's region fees and free rules.
fn with_rules(c: &Connection, mut t: Template) -> Result<Template> {
    let mut st = c.prepare_cached(
        "SELECT regions, first_number, first_amount, add_number, add_amount
         FROM freight_region_fees WHERE template_id = ?1 ORDER BY paixu, id",
    )?;
    t.fields.region_fees = st
        .query_map([t.id], |r| {
            Ok(RegionFees {
                regions: split_regions(&r.get::<_, String>(0)?),
                fees: Fees {
                    first_number: r.get(1)?,
                    first_amount: r.get(2)?,
                    add_number: r.get(3)?,
                    add_amount: r.get(4)?,
                },
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = c.prepare_cached(
        "SELECT regions, min_amount, min_number FROM freight_free_rules
         WHERE template_id = ?1 ORDER BY paixu, id",
    )?;
    t.fields.free_rules = st
        .query_map([t.id], |r| {
            Ok(FreeRule {
                regions: split_regions(&r.get::<_, String>(0)?),
                min_amount: r.get(1)?,
                min_number: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(t)
}

/// The template `id` with its rules.
pub fn template(c: &Connection, id: i64) -> Result<Option<Template>> {
    let found = c
        .prepare_cached(&format!("SELECT {TEMPLATE_COLUMNS} FROM freight_templates t WHERE t.id = ?1"))?
        .query_row([id], template_row)
        .optional()?;
    found.map(|t| with_rules(c, t)).transpose()
}

/// Every template with its rules, by name.
pub fn all_templates(c: &Connection) -> Result<Vec<Template>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {TEMPLATE_COLUMNS} FROM freight_templates t ORDER BY t.name, t.id"
    ))?;
    let rows = st.query_map([], template_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(|t| with_rules(c, t)).collect()
}

/// (id, name) of every template, for a goods editor's select.
pub fn options(c: &Connection) -> Result<Vec<(i64, String)>> {
    let mut st = c.prepare_cached("SELECT id, name FROM freight_templates ORDER BY name, id")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// True when the template exists.
pub fn exists(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.prepare_cached("SELECT EXISTS (SELECT 1 FROM freight_templates WHERE id = ?1)")?
        .query_row([id], |r| r.get(0))?)
}

/// How many goods use the template.
pub fn goods_using(c: &Connection, id: i64) -> Result<i64> {
    Ok(c.prepare_cached("SELECT count(*) FROM goods WHERE logistics_id = ?1")?
        .query_row([id], |r| r.get(0))?)
}

fn write_rules(c: &Connection, id: i64, f: &TemplateFields) -> Result<()> {
    c.prepare_cached("DELETE FROM freight_region_fees WHERE template_id = ?1")?.execute([id])?;
    c.prepare_cached("DELETE FROM freight_free_rules WHERE template_id = ?1")?.execute([id])?;
    let mut st = c.prepare_cached(
        "INSERT INTO freight_region_fees (template_id, regions, first_number, first_amount, add_number,
                                          add_amount, paixu)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (i, r) in f.region_fees.iter().enumerate() {
        let x = r.fees;
        st.execute(params![
            id,
            join_regions(&r.regions),
            x.first_number,
            x.first_amount,
            x.add_number,
            x.add_amount,
            i as i64
        ])?;
    }
    let mut st = c.prepare_cached(
        "INSERT INTO freight_free_rules (template_id, regions, min_amount, min_number, paixu)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, r) in f.free_rules.iter().enumerate() {
        st.execute(params![id, join_regions(&r.regions), r.min_amount, r.min_number, i as i64])?;
    }
    Ok(())
}

/// Adds a template with its rules.
pub fn insert_template(c: &Connection, f: &TemplateFields, now: i64) -> Result<i64> {
    let x = f.fees;
    c.prepare_cached(
        "INSERT INTO freight_templates (name, fee_type, is_free, first_number, first_amount, add_number,
                                        add_amount, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![
        f.name,
        f.fee_type,
        f.is_free,
        x.first_number,
        x.first_amount,
        x.add_number,
        x.add_amount,
        now
    ])?;
    let id = c.last_insert_rowid();
    write_rules(c, id, f)?;
    Ok(id)
}

/// Rewrites a template and all its rules; false when there is none.
pub fn update_template(c: &Connection, id: i64, f: &TemplateFields, now: i64) -> Result<bool> {
    let x = f.fees;
    let n = c
        .prepare_cached(
            "UPDATE freight_templates SET name = ?2, fee_type = ?3, is_free = ?4, first_number = ?5,
                    first_amount = ?6, add_number = ?7, add_amount = ?8, date_update = ?9
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            f.name,
            f.fee_type,
            f.is_free,
            x.first_number,
            x.first_amount,
            x.add_number,
            x.add_amount,
            now
        ])?;
    if n == 1 {
        write_rules(c, id, f)?;
    }
    Ok(n == 1)
}

/// Removes a template (its rules go by cascade); false when there was none.
pub fn delete_template(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.prepare_cached("DELETE FROM freight_templates WHERE id = ?1")?.execute([id])? == 1)
}

/// Points goods at a template (None = no freight); demo data and tests.
pub fn set_goods_template(c: &Connection, goods_id: i64, template_id: Option<i64>) -> Result<bool> {
    let n = c
        .prepare_cached("UPDATE goods SET logistics_id = ?2 WHERE id = ?1")?
        .execute(params![goods_id, template_id])?;
    Ok(n == 1)
}
