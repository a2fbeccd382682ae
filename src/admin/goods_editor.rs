//! 新增商品 / 编辑商品: the goods editor. The whole editor state (fields, gallery, specs, the SKU
//! table) travels in one form, so every button — upload, move a picture, 生成规格组合, save —
//! works without JavaScript and nothing the merchant typed is lost when an edit is refused.
//! Saving goes through service::catalog (add_goods / replace_goods) in one transaction.
//!
//! Stock is also changed by shoppers' orders while the page is open, so each stock field carries
//! the value the page showed (`stores_was`): a stock left as shown is left to the orders, a new
//! number is written only if the stock is still what the page showed (else the save is refused
//! with the stock now beside what was typed), and "+10" / "-2" change it by that much.

use std::collections::{HashMap, HashSet};

use askama::Template;
use rocket::form::{self, FromForm};
use rocket::fs::TempFile;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::categories::tree;
use super::images::{chosen, typed_picture, FileStore};
use super::page::{done, render_as, Answer, Html, Posted, Problem, Staff};
use crate::db::catalog::{self, CategoryRow, GoodsFields, PropertyRow, SkuRow};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::service::catalog::{
    self as rules, EditError, NewGoods, NewSku, NewSpec, Stock, StockConflict, StockPlan, MAX_SPECS,
};
use crate::service::error::Error as ServiceError;
use crate::service::upload;

pub fn routes() -> Vec<Route> {
    routes![new_page, create, edit_page, update]
}

/// The editor's label for each field a service refusal may name.
const LABELS: &[(&str, &str)] = &[
    ("name", "商品名称"),
    ("characteristic", "卖点"),
    ("tags", "标签"),
    ("purchaseNotes", "购买须知"),
    ("pic", "主图"),
    ("content", "商品详情"),
    ("minBuyNumber", "起购数量"),
    ("extJson", "扩展 JSON"),
    ("categoryId", "分类"),
    ("properties", "规格"),
    ("skuList", "规格组合"),
    ("pics", "商品图片"),
    ("stores", "库存"),
    ("minPrice", "价格"),
    ("originalPrice", "原价"),
    ("minScore", "积分价"),
    ("weight", "重量"),
];

/// Most pictures in one gallery (the service's own limit).
const MAX_PICS: usize = 50;
/// Empty spec rows offered under the filled ones, so a spec can be added without JavaScript.
const BLANK_SPECS: usize = 2;

/// The goods' own fields as typed (money in 元, text as sent back on a refusal).
#[derive(FromForm, Default, Clone, Debug)]
struct Fields {
    name: String,
    /// "0" = no category.
    category: String,
    characteristic: String,
    tags: String,
    recommend: bool,
    on_shelf: bool,
    paixu: String,
    min_buy: String,
    weight: String,
    purchase_notes: String,
    ext_json: String,
    price: String,
    original_price: String,
    score: String,
    stores: String,
    /// The stock the page showed (blank for a new goods): what a typed number is based on.
    #[field(default = String::new())]
    stores_was: String,
    content: String,
    /// The freight template's id; "0" = none (free shipping).
    #[field(default = String::from("0"))]
    logistics: String,
    /// Where in `content` (in characters) an inserted picture goes; admin.js keeps it current.
    #[field(default = String::new())]
    caret: String,
}

/// One spec as typed: its name and its values separated by commas or new lines.
#[derive(FromForm, Default, Clone, Debug)]
struct SpecInput {
    name: String,
    values: String,
}

/// One row of the SKU table; `combo` is the JSON array of its spec values, in the specs' order.
#[derive(FromForm, Default, Clone, Debug)]
struct SkuInput {
    combo: String,
    price: String,
    original_price: String,
    score: String,
    stores: String,
    /// The stock the page showed; blank for a combination not saved yet.
    #[field(default = String::new())]
    stores_was: String,
    code: String,
    /// Grams; kept from the merchant API, new rows take the goods' weight.
    #[field(default = String::new())]
    weight: String,
}

#[derive(FromForm)]
struct EditorForm<'r> {
    /// Which button was pressed: save, upload, generate, spec-remove:<i>, pic-up:<i>,
    /// pic-down:<i>, pic-remove:<i>, content-image.
    #[field(default = String::from("save"))]
    action: String,
    f: Fields,
    /// The gallery in order; the first is the main picture.
    pics: Vec<String>,
    specs: Vec<SpecInput>,
    skus: Vec<SkuInput>,
    /// New gallery pictures (several may be chosen at once).
    file: Vec<form::Result<'r, TempFile<'r>>>,
    /// A picture to put into the rich content.
    content_file: form::Result<'r, TempFile<'r>>,
    /// A picture address to add to the gallery instead of an upload.
    #[field(default = String::new())]
    pic_url: String,
}

/// The editor's state between requests.
#[derive(Default)]
struct Editor {
    f: Fields,
    pics: Vec<String>,
    specs: Vec<SpecInput>,
    skus: Vec<SkuInput>,
}

/// A SKU row as the table shows it.
struct SkuLine {
    label: String,
    input: SkuInput,
}

#[derive(Template)]
#[template(path = "admin/goods/edit.html")]
struct EditPage {
    staff: Staff,
    id: Option<i64>,
    f: Fields,
    pics: Vec<String>,
    specs: Vec<SpecInput>,
    skus: Vec<SkuLine>,
    categories: Vec<CategoryRow>,
    /// The freight template the goods had when the page was opened (None = free shipping).
    logistics_id: Option<i64>,
    /// The freight templates to choose from: (id, name).
    freight: Vec<(i64, String)>,
    /// The saved rich content as the shop shows it (sanitised).
    preview: String,
    error: Option<String>,
    /// Stocks that moved while the page was open, each with its value now and what was typed.
    conflicts: Vec<String>,
    notice: Option<String>,
}

impl EditPage {
    fn has_specs(&self) -> bool {
        !self.skus.is_empty()
    }
}

/// Splits typed spec values: commas (, ，、) and new lines separate, blanks are dropped.
fn split_values(text: &str) -> Vec<String> {
    text.split([',', '，', '、', '\n', '\r'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// The specs as typed, checked: named, with values, no name or value twice. Blank rows are
/// skipped.
fn read_specs(rows: &[SpecInput]) -> Result<Vec<NewSpec>, String> {
    let mut specs: Vec<NewSpec> = Vec::new();
    for row in rows {
        let name = row.name.trim().to_string();
        let values = split_values(&row.values);
        if name.is_empty() && values.is_empty() {
            continue;
        }
        if name.is_empty() {
            return Err(format!(
                "规格值「{}」还没有规格名，请填写规格名（如 颜色、尺码）",
                values.join("、")
            ));
        }
        if name.chars().count() > 20 {
            return Err(format!("规格名「{name}」太长，最多 20 个字"));
        }
        if specs.iter().any(|s| s.name == name) {
            return Err(format!("规格名「{name}」重复了"));
        }
        if values.is_empty() {
            return Err(format!("规格「{name}」至少要有一个规格值"));
        }
        let mut seen = HashSet::new();
        for v in &values {
            if v.chars().count() > 30 {
                return Err(format!("规格值「{v}」太长，最多 30 个字"));
            }
            if !seen.insert(v.as_str()) {
                return Err(format!("规格「{name}」的规格值「{v}」重复了"));
            }
        }
        specs.push(NewSpec { name, values });
    }
    if specs.len() > MAX_SPECS {
        return Err(format!("最多 {MAX_SPECS} 个规格"));
    }
    Ok(specs)
}

fn combo_of(row: &SkuInput) -> Vec<String> {
    serde_json::from_str(&row.combo).unwrap_or_default()
}

/// The SKU table for these specs: every combination, rows already there kept as typed, new
/// ones with the goods' weight and everything else for the merchant to fill in.
fn regenerate(specs: &[NewSpec], old: &[SkuInput], weight: &str) -> Result<Vec<SkuInput>, String> {
    if specs.is_empty() {
        return Ok(Vec::new());
    }
    let combos = rules::combinations(specs).map_err(|e| match e {
        ServiceError::Invalid { rule, .. } => rule.to_string(),
        other => AdminError::from(other).to_string(),
    })?;
    let mut kept: HashMap<Vec<String>, &SkuInput> = old.iter().map(|r| (combo_of(r), r)).collect();
    Ok(combos
        .into_iter()
        .map(|values| match kept.remove(&values) {
            Some(row) => row.clone(),
            None => SkuInput {
                combo: serde_json::to_string(&values).unwrap_or_else(|_| "[]".into()),
                stores: "0".into(),
                weight: weight.trim().to_string(),
                ..<SkuInput as Default>::default()
            },
        })
        .collect())
}

/// Money typed in 元: blank is `blank` (None = required), otherwise a plain amount.
fn form_fen(label: &str, text: &str, blank: Option<i64>) -> Result<i64, String> {
    if text.trim().is_empty() {
        return blank.ok_or_else(|| format!("请填写{label}"));
    }
    money::parse(text)
        .ok_or_else(|| format!("{label}「{}」不是有效金额：应为不小于 0、最多两位小数的数字", text.trim()))
}

/// A whole number typed in; blank is `blank`; below `min` is refused.
fn whole(label: &str, text: &str, blank: i64, min: i64) -> Result<i64, String> {
    if text.trim().is_empty() {
        return Ok(blank);
    }
    let n: i64 = text.trim().parse().map_err(|_| format!("{label}「{}」应为整数", text.trim()))?;
    if n < min {
        return Err(if min == 0 {
            format!("{label}不能为负数")
        } else {
            format!("{label}至少为 {min}")
        });
    }
    Ok(n)
}

/// A stock typed in, against `was`, the stock the page showed: "12" sets it (if it is still `was`),
/// "+10" / "-2" change it by that much, blank or `was` itself leave it to the orders. Without a
/// `was` (not saved yet) a number or "+n" is what it starts with.
fn stock_typed(label: &str, text: &str, was: &str) -> Result<Stock, String> {
    let t: String = text.trim().replace('＋', "+").replace(['－', '−'], "-");
    if t.is_empty() {
        return Ok(Stock::Keep);
    }
    let bad = || format!("{label}「{t}」应为整数，或 +10、-2 这样在现有库存上的增减");
    let was = was.trim().parse::<i64>().ok();
    if let Some(rest) = t.strip_prefix(['+', '-']) {
        let n: i64 = rest.trim().parse().map_err(|_| bad())?;
        if n < 0 {
            return Err(bad());
        }
        return Ok(match (t.starts_with('-'), n) {
            (_, 0) => Stock::Keep,
            (true, n) => Stock::Add(-n),
            (false, n) => Stock::Add(n),
        });
    }
    let to: i64 = t.parse().map_err(|_| bad())?;
    Ok(match was {
        Some(w) if w == to => Stock::Keep,
        Some(w) => Stock::Set { to, was: w },
        // A row the page did not have: it must still not be there, or hold nothing.
        None => Stock::Set { to, was: 0 },
    })
}

/// An original price must be 0 (none) or at least the price.
fn check_original(what: &str, price: i64, original: i64) -> Result<(), String> {
    if original > 0 && original < price {
        return Err(format!(
            "{what}原价（{}）不能低于售价（{}）",
            money::format(original),
            money::format(price)
        ));
    }
    Ok(())
}

/// Turns the editor into a goods to save and how it changes stock; `base` holds the fields the
/// editor does not show.
fn to_new_goods(e: &Editor, base: GoodsFields) -> Result<(NewGoods, StockPlan), String> {
    let f = &e.f;
    let specs = read_specs(&e.specs)?;
    let combos: Vec<Vec<String>> = e.skus.iter().map(combo_of).collect();
    // Too many combinations is refused here with its own reason, not as a stale table.
    let expected: Vec<Vec<String>> = regenerate(&specs, &[], "")?.iter().map(combo_of).collect();
    if combos != expected {
        return Err(
            "规格有改动，规格组合表还是旧的：请先点「生成规格组合」，填好新组合的价格和库存后再保存".into()
        );
    }
    let category = whole("分类", &f.category, 0, 0)?;
    let weight = whole("重量", &f.weight, 0, 0)?;
    let logistics = whole("运费模板", &f.logistics, 0, 0)?;
    let mut fields = GoodsFields {
        logistics_id: (logistics > 0).then_some(logistics),
        category_id: (category > 0).then_some(category),
        name: f.name.trim().to_string(),
        characteristic: f.characteristic.trim().to_string(),
        content: f.content.clone(),
        pic: e.pics.first().cloned().unwrap_or_default(),
        tags: f.tags.trim().to_string(),
        purchase_notes: f.purchase_notes.trim().to_string(),
        status: if f.on_shelf { 0 } else { 1 },
        recommend_status: i64::from(f.recommend),
        paixu: whole("排序", &f.paixu, 0, i64::MIN)?,
        min_buy_number: whole("起购数量", &f.min_buy, 1, 1)?,
        weight,
        ext_json: if f.ext_json.trim().is_empty() { "{}".into() } else { f.ext_json.trim().to_string() },
        ..base
    };
    let mut skus = Vec::new();
    let mut plan = StockPlan::default();
    if specs.is_empty() {
        fields.min_price = form_fen("价格", &f.price, None)?;
        fields.original_price = form_fen("原价", &f.original_price, Some(0))?;
        check_original("", fields.min_price, fields.original_price)?;
        fields.min_score = whole("积分价", &f.score, 0, 0)?;
        plan.goods = stock_typed("库存", &f.stores, &f.stores_was)?;
        // What a new goods starts with; a stored one's stock changes by the plan alone.
        fields.stores = if f.stores_was.trim().is_empty() { plan.goods.fresh(0) } else { 0 };
        if fields.stores < 0 {
            return Err("库存不能为负数".into());
        }
    } else {
        let mut codes = HashSet::new();
        for (row, values) in e.skus.iter().zip(combos) {
            let what = format!("规格「{}」的", values.join(" / "));
            let price = form_fen(&format!("{what}价格"), &row.price, None)?;
            let original_price = form_fen(&format!("{what}原价"), &row.original_price, Some(0))?;
            check_original(&what, price, original_price)?;
            let code = row.code.trim().to_string();
            if code.chars().count() > 50 {
                return Err(format!("{what}编码太长，最多 50 个字"));
            }
            if !code.is_empty() && !codes.insert(code.clone()) {
                return Err(format!("规格编码「{code}」重复了"));
            }
            let stock = stock_typed(&format!("{what}库存"), &row.stores, &row.stores_was)?;
            let fresh = if row.stores_was.trim().is_empty() { stock.fresh(0) } else { 0 };
            if fresh < 0 {
                return Err(format!("{what}库存不能为负数"));
            }
            plan.skus.push(stock);
            skus.push(NewSku {
                price,
                original_price,
                score: whole(&format!("{what}积分"), &row.score, 0, 0)?,
                stores: fresh,
                weight: whole(&format!("{what}重量"), &row.weight, weight, 0)?,
                code,
                values,
            });
        }
        // The goods row's prices and stock follow its SKUs (schema triggers).
        fields.min_price = 0;
        fields.original_price = 0;
        fields.min_score = 0;
        fields.stores = 0;
    }
    Ok((NewGoods { fields, pics: e.pics.clone(), specs, skus }, plan))
}

/// After a refusal for stock that moved: every stock field shows the stock now. A field the
/// merchant left as the page showed takes the new value; a typed number keeps what was typed but
/// is now based on the new value (so saving again writes it knowingly); "+n" / "-n" stay.
fn refresh_stock(e: &mut Editor, goods: i64, skus: &[(Vec<String>, i64)]) {
    fn refresh(typed: &mut String, was: &mut String, now: i64) {
        let untouched = typed.trim() == was.trim();
        let number = typed.trim().parse::<i64>().is_ok();
        if untouched {
            *typed = now.to_string();
        }
        if untouched || number {
            *was = now.to_string();
        }
    }
    refresh(&mut e.f.stores, &mut e.f.stores_was, goods);
    for row in &mut e.skus {
        let combo = combo_of(row);
        if let Some((_, now)) = skus.iter().find(|(values, _)| *values == combo) {
            refresh(&mut row.stores, &mut row.stores_was, *now);
        }
    }
}

/// Applies a picture button ("pic-up:2"...) to the gallery; false when the action is not one.
fn move_picture(pics: &mut Vec<String>, action: &str) -> bool {
    let Some((what, at)) = action.split_once(':') else { return false };
    let Ok(i) = at.parse::<usize>() else { return false };
    if i >= pics.len() {
        return matches!(what, "pic-up" | "pic-down" | "pic-remove");
    }
    match what {
        "pic-up" if i > 0 => pics.swap(i, i - 1),
        "pic-down" if i + 1 < pics.len() => pics.swap(i, i + 1),
        "pic-remove" => {
            pics.remove(i);
        }
        "pic-up" | "pic-down" => {}
        _ => return false,
    }
    true
}

/// Inserts an image tag into the content at the caret (characters), or at the end; the new
/// content and the caret just after the picture, so the next one follows it.
fn insert_image(content: &str, caret: &str, url: &str) -> (String, usize) {
    let tag = format!("<p><img src=\"{}\" alt=\"\"></p>", url.replace('"', "%22"));
    let len = content.chars().count();
    let at = caret.trim().parse::<usize>().ok().filter(|&n| n <= len).unwrap_or(len);
    let byte = content.char_indices().nth(at).map_or(content.len(), |(b, _)| b);
    (format!("{}{tag}{}", &content[..byte], &content[byte..]), at + tag.chars().count())
}

/// The editor for a stored goods.
fn editor_of(
    g: &crate::db::catalog::GoodsRow,
    pics: Vec<String>,
    props: &[PropertyRow],
    skus: &[SkuRow],
) -> Editor {
    let x = &g.fields;
    let specs = props
        .iter()
        .map(|p| SpecInput {
            name: p.name.clone(),
            values: p.children.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join("，"),
        })
        .collect();
    // Rows in the order the table generates them, so an untouched goods saves unchanged.
    let new_specs: Vec<NewSpec> = props
        .iter()
        .map(|p| NewSpec {
            name: p.name.clone(),
            values: p.children.iter().map(|v| v.name.clone()).collect(),
        })
        .collect();
    let stored: Vec<SkuInput> = skus
        .iter()
        .filter_map(|s| {
            let values = sku_values(&s.fields.property_child_ids, props)?;
            Some(SkuInput {
                combo: serde_json::to_string(&values).ok()?,
                price: money::format(s.fields.price),
                original_price: money::format(s.fields.original_price),
                score: s.fields.score.to_string(),
                stores: s.fields.stores.to_string(),
                stores_was: s.fields.stores.to_string(),
                code: s.fields.code.clone(),
                weight: s.fields.weight.to_string(),
            })
        })
        .collect();
    let rows = regenerate(&new_specs, &stored, &x.weight.to_string()).unwrap_or(stored);
    Editor {
        f: Fields {
            name: x.name.clone(),
            category: x.category_id.unwrap_or(0).to_string(),
            characteristic: x.characteristic.clone(),
            tags: x.tags.clone(),
            recommend: x.recommend_status == 1,
            on_shelf: x.status == 0,
            paixu: x.paixu.to_string(),
            min_buy: x.min_buy_number.to_string(),
            weight: x.weight.to_string(),
            logistics: x.logistics_id.unwrap_or(0).to_string(),
            purchase_notes: x.purchase_notes.clone(),
            ext_json: x.ext_json.clone(),
            price: money::format(x.min_price),
            original_price: money::format(x.original_price),
            score: x.min_score.to_string(),
            stores: x.stores.to_string(),
            stores_was: x.stores.to_string(),
            content: x.content.clone(),
            caret: String::new(),
        },
        pics,
        specs,
        skus: rows,
    }
}

async fn categories(db: &Db) -> Result<Vec<CategoryRow>, AdminError> {
    Ok(tree(db.read(|c| Ok::<_, AdminError>(catalog::all_categories(c)?)).await?))
}

/// The stored goods' fields (None for a new goods), 404 when the id is unknown.
async fn stored(db: &Db, id: Option<i64>) -> Result<Option<GoodsFields>, AdminError> {
    let Some(id) = id else { return Ok(None) };
    let row = db.read(move |c| Ok::<_, AdminError>(catalog::goods(c, id)?)).await?;
    Ok(Some(row.ok_or(AdminError::NotFound)?.fields))
}

/// What the page says above the form: a refusal (with the stocks that moved, if that was why) or
/// a notice.
#[derive(Default)]
struct Say {
    error: Option<String>,
    conflicts: Vec<String>,
    notice: Option<String>,
}

async fn page(
    staff: Staff,
    db: &Db,
    id: Option<i64>,
    e: Editor,
    logistics_id: Option<i64>,
    say: Say,
    status: Status,
) -> Result<Html, AdminError> {
    let skus =
        e.skus.into_iter().map(|input| SkuLine { label: combo_of(&input).join(" / "), input }).collect();
    // Blank rows are offered afresh each time, so they never pile up across presses.
    let mut specs: Vec<SpecInput> =
        e.specs.into_iter().filter(|s| !(s.name.trim().is_empty() && s.values.trim().is_empty())).collect();
    specs.extend(std::iter::repeat_with(<SpecInput as Default>::default).take(BLANK_SPECS));
    let preview = rules::sanitize_html(&e.f.content);
    let categories = categories(db).await?;
    let freight = db.read(|c| Ok::<_, AdminError>(crate::db::freight::options(c)?)).await?;
    let page = EditPage {
        staff,
        id,
        f: e.f,
        pics: e.pics,
        specs,
        skus,
        categories,
        logistics_id,
        freight,
        preview,
        error: say.error,
        conflicts: say.conflicts,
        notice: say.notice,
    };
    render_as(status, &page)
}

/// GET /admin/goods/new — staff only. An empty editor: on the shelf, buy from 1.
#[get("/goods/new")]
async fn new_page(staff: Staff, db: &State<Db>) -> Result<Html, AdminError> {
    let f = Fields {
        category: "0".into(),
        on_shelf: true,
        paixu: "0".into(),
        min_buy: "1".into(),
        weight: "0".into(),
        ext_json: "{}".into(),
        stores: "0".into(),
        score: "0".into(),
        ..<Fields as Default>::default()
    };
    page(staff, db, None, Editor { f, ..Editor::default() }, None, Say::default(), Status::Ok).await
}

/// GET /admin/goods/<id> — staff only. The editor with the stored goods.
#[get("/goods/<id>")]
async fn edit_page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let loaded = db
        .read(move |c| {
            let Some(g) = catalog::goods(c, id)? else { return Ok::<_, AdminError>(None) };
            let pics = catalog::pics(c, id)?.into_iter().map(|p| p.pic).collect();
            Ok(Some((g, pics, catalog::properties(c, id)?, catalog::skus(c, id)?)))
        })
        .await?;
    let (g, pics, props, skus) = loaded.ok_or(AdminError::NotFound)?;
    let logistics_id = g.fields.logistics_id;
    let e = editor_of(&g, pics, &props, &skus);
    page(staff, db, Some(id), e, logistics_id, Say::default(), Status::Ok).await
}

/// POST /admin/goods/new — staff only. Any button of the new-goods editor.
#[post("/goods/new", data = "<form>")]
async fn create(
    staff: Staff,
    form: Posted<EditorForm<'_>>,
    db: &State<Db>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    press(staff, None, form.0, db, &store).await
}

/// POST /admin/goods/<id> — staff only. Any button of the editor of a stored goods.
#[post("/goods/<id>", data = "<form>")]
async fn update(
    staff: Staff,
    id: i64,
    form: Posted<EditorForm<'_>>,
    db: &State<Db>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    press(staff, Some(id), form.0, db, &store).await
}

/// Stores the gallery pictures chosen in the form (and a typed address) after the others.
async fn take_uploads<'r>(
    pics: &mut Vec<String>,
    files: Vec<form::Result<'r, TempFile<'r>>>,
    pic_url: &str,
    store: &FileStore,
    max_bytes: u64,
) -> Result<usize, Problem> {
    let mut added = 0;
    for file in files {
        if let Some(f) = chosen(file, max_bytes)? {
            if pics.len() >= MAX_PICS {
                return Err(Problem::Say(format!("商品图片最多 {MAX_PICS} 张")));
            }
            pics.push(upload::relative_url(&store.store(f, true).await?.path));
            added += 1;
        }
    }
    if !pic_url.trim().is_empty() {
        let typed = typed_picture(pic_url)?;
        if pics.len() >= MAX_PICS {
            return Err(Problem::Say(format!("商品图片最多 {MAX_PICS} 张")));
        }
        pics.push(typed);
        added += 1;
    }
    Ok(added)
}

/// What one press of a button does; the editor comes back with a message, or the goods is saved.
async fn press(
    staff: Staff,
    id: Option<i64>,
    form: EditorForm<'_>,
    db: &Db,
    store: &FileStore,
) -> Result<Answer, AdminError> {
    let base = stored(db, id).await?;
    let logistics_id = base.as_ref().and_then(|b| b.logistics_id);
    let EditorForm { action, f, pics, specs, skus, file, content_file, pic_url } = form;
    let mut e = Editor { f, pics, specs, skus };
    let max = store.max_bytes();

    // Files chosen in the form are kept whichever button was pressed.
    let mut notice = None;
    let mut error = match take_uploads(&mut e.pics, file, &pic_url, store, max).await {
        Ok(0) => None,
        Ok(n) => {
            notice = Some(format!("已添加 {n} 张图片，保存后生效"));
            None
        }
        Err(p) => Some(p.message()?),
    };
    match chosen(content_file, max) {
        Ok(Some(f)) => match store.store(f, true).await {
            Ok(stored) => {
                let url = upload::relative_url(&stored.path);
                let (content, caret) = insert_image(&e.f.content, &e.f.caret, &url);
                (e.f.content, e.f.caret) = (content, caret.to_string());
                notice = Some("图片已插入详情，保存后生效".into());
            }
            Err(p) => error = error.or(Some(p.message()?)),
        },
        Ok(None) => {}
        Err(p) => error = error.or(Some(p.message()?)),
    }
    if error.is_some() {
        return show(staff, db, id, e, logistics_id, error, None).await;
    }

    match action.as_str() {
        "save" => {}
        "generate" => {
            let made = read_specs(&e.specs).and_then(|specs| regenerate(&specs, &e.skus, &e.f.weight));
            let (error, notice) = match made {
                Ok(rows) => {
                    let n = rows.len();
                    e.skus = rows;
                    match n {
                        0 => (None, Some("没有规格：价格和库存按整个商品填写".to_string())),
                        n => (
                            None,
                            Some(format!(
                                "已生成 {n} 个规格组合，原有组合的价格和库存已保留；请填写新组合后保存"
                            )),
                        ),
                    }
                }
                Err(m) => (Some(m), None),
            };
            return show(staff, db, id, e, logistics_id, error, notice).await;
        }
        a if a.starts_with("spec-remove:") => {
            if let Some(i) = a["spec-remove:".len()..].parse::<usize>().ok().filter(|&i| i < e.specs.len()) {
                e.specs.remove(i);
            }
            let notice = Some("规格已移除，请点「生成规格组合」更新规格组合表".to_string());
            return show(staff, db, id, e, logistics_id, None, notice).await;
        }
        a if move_picture(&mut e.pics, a) => {
            return show(staff, db, id, e, logistics_id, None, Some("图片顺序已调整，保存后生效".into()))
                .await;
        }
        "upload" | "content-image" => return show(staff, db, id, e, logistics_id, None, notice).await,
        _ => return Err(AdminError::BadInput("不认识的操作".into())),
    }

    let (goods, plan) = match to_new_goods(&e, base.clone().unwrap_or_default()) {
        Ok(g) => g,
        Err(m) => return show(staff, db, id, e, logistics_id, Some(m), None).await,
    };
    let now = db::unix_now();
    let saved = db
        .write(move |c| match id {
            None => Ok(rules::add_goods(c, goods, now)?),
            Some(id) => rules::replace_goods(c, id, goods, &plan, now).map(|()| id),
        })
        .await;
    match (saved, id) {
        (Ok(id), _) => Ok(done(format!("/admin/goods/{id}"), "商品已保存")),
        (Err(EditError::Stale(list)), Some(id)) => stale(staff, db, id, e, logistics_id, &list).await,
        (Err(e2), _) => {
            let m = Problem::refused(e2, LABELS).message()?;
            show(staff, db, id, e, logistics_id, Some(m), None).await
        }
    }
}

/// The editor again: 422 with a refusal, 200 after a button that only changes the form.
async fn show(
    staff: Staff,
    db: &Db,
    id: Option<i64>,
    e: Editor,
    logistics_id: Option<i64>,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Answer, AdminError> {
    let status = if error.is_some() { Status::UnprocessableEntity } else { Status::Ok };
    let say = Say { error, notice, conflicts: Vec::new() };
    Ok(Answer::Page(page(staff, db, id, e, logistics_id, say, status).await?))
}

/// The editor again after stock moved while it was open: 409, everything typed kept, each moved
/// stock listed with its value now, and the stock fields based on the stock now.
async fn stale(
    staff: Staff,
    db: &Db,
    id: i64,
    mut e: Editor,
    logistics_id: Option<i64>,
    list: &[StockConflict],
) -> Result<Answer, AdminError> {
    let now = db
        .read(move |c| {
            let Some(g) = catalog::goods(c, id)? else { return Ok::<_, AdminError>(None) };
            let props = catalog::properties(c, id)?;
            let skus: Vec<(Vec<String>, i64)> = catalog::skus(c, id)?
                .into_iter()
                .filter_map(|s| Some((sku_values(&s.fields.property_child_ids, &props)?, s.fields.stores)))
                .collect();
            Ok(Some((g.fields.stores, skus)))
        })
        .await?;
    let (goods, skus) = now.ok_or(AdminError::NotFound)?;
    refresh_stock(&mut e, goods, &skus);
    let say = Say {
        error: Some(
            "没有保存：你打开这个页面之后，顾客下单或取消订单改变了下面的库存。为了不覆盖顾客的改动，这次什么都没有写入。\
             你填写的内容都还在；库存栏已换成现在的数量（你改过的库存仍是你填的数）。核对后再点「保存」；\
             要在现有库存上增减，可以填「+10」「-2」。"
                .into(),
        ),
        conflicts: list.iter().map(StockConflict::describe).collect(),
        notice: None,
    };
    Ok(Answer::Page(page(staff, db, Some(id), e, logistics_id, say, Status::Conflict).await?))
}

/// A SKU key's values by name, in the specs' order (the editor's `combo`); None when the key
/// does not name one value of each spec.
fn sku_values(key: &str, props: &[PropertyRow]) -> Option<Vec<String>> {
    let pairs = rules::parse_key(key).ok()?;
    props
        .iter()
        .map(|p| {
            let cid = pairs.iter().find(|(pid, _)| *pid == p.id)?.1;
            p.children.iter().find(|v| v.id == cid).map(|v| v.name.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, values: &str) -> SpecInput {
        SpecInput { name: name.into(), values: values.into() }
    }

    #[test]
    fn spec_values_split_on_any_comma_and_duplicates_are_refused() {
        assert_eq!(split_values("白, 黑，红、蓝\n绿"), ["白", "黑", "红", "蓝", "绿"]);
        assert!(read_specs(&[spec("颜色", "白,白")]).unwrap_err().contains("重复"));
        assert!(read_specs(&[spec("颜色", "白"), spec("颜色", "黑")]).unwrap_err().contains("重复"));
        assert!(read_specs(&[spec("", "白")]).unwrap_err().contains("规格名"));
        assert!(read_specs(&[spec("颜色", " ")]).unwrap_err().contains("至少"));
        assert_eq!(read_specs(&[spec("", ""), spec("尺码", "M,L")]).unwrap().len(), 1);
    }

    #[test]
    fn regenerating_keeps_typed_rows_and_adds_blank_ones() {
        let specs = read_specs(&[spec("颜色", "白,黑"), spec("尺码", "M")]).unwrap();
        let old = vec![SkuInput {
            combo: r#"["白","M"]"#.into(),
            price: "9.90".into(),
            stores: "7".into(),
            ..<SkuInput as Default>::default()
        }];
        let rows = regenerate(&specs, &old, "250").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].price.as_str(), rows[0].stores.as_str()), ("9.90", "7"));
        assert_eq!((rows[1].combo.as_str(), rows[1].price.as_str()), (r#"["黑","M"]"#, ""));
        assert_eq!(rows[1].weight, "250");
        let many = read_specs(&[
            spec("a", "1,2,3,4,5,6,7,8,9,10,11"),
            spec("b", "1,2,3,4,5,6,7,8,9,10"),
            spec("c", "1,2,3,4,5,6,7,8,9,10"),
        ])
        .unwrap();
        assert!(regenerate(&many, &[], "0").unwrap_err().contains("1000"));
    }

    #[test]
    fn pictures_move_and_images_go_in_at_the_caret() {
        let mut pics = vec!["a".to_string(), "b".into(), "c".into()];
        assert!(move_picture(&mut pics, "pic-up:2"));
        assert_eq!(pics, ["a", "c", "b"]);
        assert!(move_picture(&mut pics, "pic-down:2"));
        assert!(move_picture(&mut pics, "pic-remove:0"));
        assert_eq!(pics, ["c", "b"]);
        assert!(!move_picture(&mut pics, "save"));
        let tag = "<p><img src=\"/u/x.png\" alt=\"\"></p>";
        assert_eq!(insert_image("<p>好茶</p>", "4", "/u/x.png"), (format!("<p>好{tag}茶</p>"), 4 + 34));
        assert_eq!(insert_image("x", "", "/u/x.png"), (format!("x{tag}"), 35));
        assert_eq!(insert_image("x", "99", "/u/x.png").1, 35);
    }

    #[test]
    fn saving_too_many_combinations_says_so() {
        let specs = vec![
            spec("a", "1,2,3,4,5,6,7,8,9,10,11"),
            spec("b", "1,2,3,4,5,6,7,8,9,10"),
            spec("c", "1,2,3,4,5,6,7,8,9,10"),
        ];
        let f = Fields { name: "x".into(), ..<Fields as Default>::default() };
        let e = Editor { f, specs, ..Editor::default() };
        assert!(to_new_goods(&e, GoodsFields::default()).unwrap_err().contains("1000"));
    }

    #[test]
    fn stock_is_typed_as_a_number_against_what_the_page_showed_or_as_a_change() {
        let typed = |text: &str, was: &str| stock_typed("库存", text, was);
        assert_eq!(typed("5", "5"), Ok(Stock::Keep), "left as shown: the orders' stock stands");
        assert_eq!(typed(" ", "5"), Ok(Stock::Keep));
        assert_eq!(typed("12", "5"), Ok(Stock::Set { to: 12, was: 5 }));
        assert_eq!(typed("7", ""), Ok(Stock::Set { to: 7, was: 0 }));
        assert_eq!(typed("+10", "5"), Ok(Stock::Add(10)));
        assert_eq!(typed("＋3", "5"), Ok(Stock::Add(3)));
        assert_eq!(typed("-2", "5"), Ok(Stock::Add(-2)));
        assert_eq!(typed("+0", "5"), Ok(Stock::Keep));
        for bad in ["x", "--2", "+", "1.5", "+-1"] {
            assert!(typed(bad, "5").unwrap_err().contains("应为整数"), "{bad}");
        }
    }

    #[test]
    fn money_checks_say_what_is_wrong() {
        assert!(form_fen("价格", "-1", None).unwrap_err().contains("有效金额"));
        assert!(form_fen("价格", "abc", None).unwrap_err().contains("有效金额"));
        assert!(form_fen("价格", "", None).unwrap_err().contains("请填写"));
        assert_eq!(form_fen("价格", "19.9", None), Ok(1990));
        assert!(check_original("", 1000, 900).unwrap_err().contains("不能低于售价"));
        assert!(check_original("", 1000, 0).is_ok());
        assert!(whole("库存", "-3", 0, 0).unwrap_err().contains("负数"));
    }
}
