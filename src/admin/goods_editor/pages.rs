//! The editor's page: new and stored goods, shown again after a refusal or stock that moved.

use askama::Template;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::form::{Editor, EditorForm, Fields, SkuLine, SpecInput, FREE_EXPRESS};
use super::goods::{editor_of, refresh_stock};
use super::press::press;
use super::specs::{combo_of, sku_values};
use crate::admin::categories::tree;
use crate::admin::images::FileStore;
use crate::admin::page::{render_as, Answer, Html, Posted, Staff};
use crate::db::catalog::{self, CategoryRow, GoodsFields};
use crate::db::Db;
use crate::error::AdminError;
use crate::service::catalog::{self as rules, StockConflict};

pub fn routes() -> Vec<Route> {
    routes![new_page, create, edit_page, update]
}

/// Empty spec rows offered under the filled ones, so a spec can be added without JavaScript.
pub(super) const BLANK_SPECS: usize = 2;

#[derive(Template)]
#[template(path = "admin/goods/edit.html")]
pub(super) struct EditPage {
    pub(super) staff: Staff,
    pub(super) id: Option<i64>,
    pub(super) f: Fields,
    pub(super) pics: Vec<String>,
    pub(super) specs: Vec<SpecInput>,
    pub(super) skus: Vec<SkuLine>,
    pub(super) categories: Vec<CategoryRow>,
    /// The freight template the goods had when the page was opened (None = free shipping).
    pub(super) logistics_id: Option<i64>,
    /// The freight templates to choose from: (id, name).
    pub(super) freight: Vec<(i64, String)>,
    /// The saved rich content as the shop shows it (sanitised).
    pub(super) preview: String,
    pub(super) error: Option<String>,
    /// Stocks that moved while the page was open, each with its value now and what was typed.
    pub(super) conflicts: Vec<String>,
    pub(super) notice: Option<String>,
}

impl EditPage {
    fn has_specs(&self) -> bool {
        !self.skus.is_empty()
    }
}

pub(super) async fn categories(db: &Db) -> Result<Vec<CategoryRow>, AdminError> {
    Ok(tree(db.read(catalog::all_categories).await?))
}

/// The stored goods' fields (None for a new goods), 404 when the id is unknown.
pub(super) async fn stored(db: &Db, id: Option<i64>) -> Result<Option<GoodsFields>, AdminError> {
    let Some(id) = id else { return Ok(None) };
    let row = db.read(move |c| catalog::goods(c, id)).await?;
    Ok(Some(row.ok_or(AdminError::NotFound)?.fields))
}

/// What the page says above the form: a refusal (with the stocks that moved, if that was why) or
/// a notice.
#[derive(Default)]
pub(super) struct Say {
    error: Option<String>,
    conflicts: Vec<String>,
    notice: Option<String>,
}

pub(super) async fn page(
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
    let freight = db.read(crate::db::freight::options).await?;
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
pub(super) async fn new_page(staff: Staff, db: &State<Db>) -> Result<Html, AdminError> {
    let f = Fields {
        category: "0".into(),
        // Express with free shipping: the shopper gives an address, nothing is charged for it.
        logistics: FREE_EXPRESS.into(),
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
pub(super) async fn edit_page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
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
pub(super) async fn create(
    staff: Staff,
    form: Posted<EditorForm<'_>>,
    db: &State<Db>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    press(staff, None, form.0, db, &store).await
}

/// POST /admin/goods/<id> — staff only. Any button of the editor of a stored goods.
#[post("/goods/<id>", data = "<form>")]
pub(super) async fn update(
    staff: Staff,
    id: i64,
    form: Posted<EditorForm<'_>>,
    db: &State<Db>,
    store: FileStore,
) -> Result<Answer, AdminError> {
    press(staff, Some(id), form.0, db, &store).await
}

/// The editor again: 422 with a refusal, 200 after a button that only changes the form.
pub(super) async fn show(
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
pub(super) async fn stale(
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
