//! The goods page: goodsDetail(V2) and goodsPrice(V2), answered from the catalogue cache like the
//! lists in `catalog`, with the views of pictures, specs and SKUs.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::catalog::{catalogue_answer, json_object, kg, CategoryView, GoodsView};
use super::{BaseUrl, Params, RawEnvelope};
use crate::cache::Cache;
use crate::db::catalog::{GoodsRow, PropertyRow, SkuRow};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money::to_yuan;
use crate::service::catalog as rules;
use crate::service::pingtuan;

pub fn routes() -> Vec<Route> {
    routes![detail, price]
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PicView {
    pub id: i64,
    pub goods_id: i64,
    pub pic: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecValueView {
    pub id: i64,
    pub property_id: i64,
    pub name: String,
    pub paixu: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecView {
    pub id: i64,
    pub goods_id: i64,
    pub name: String,
    pub paixu: i64,
    /// The values this goods offers.
    pub childs_cur_goods: Vec<SpecValueView>,
}

impl From<&PropertyRow> for SpecView {
    fn from(p: &PropertyRow) -> Self {
        SpecView {
            id: p.id,
            goods_id: p.goods_id,
            name: p.name.clone(),
            paixu: p.paixu,
            childs_cur_goods: p
                .children
                .iter()
                .map(|c| SpecValueView {
                    id: c.id,
                    property_id: c.property_id,
                    name: c.name.clone(),
                    paixu: c.paixu,
                })
                .collect(),
        }
    }
}

/// A SKU (skuList item) and goodsPriceV2's answer.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkuView {
    /// The SKU's id; 0 for goods without specs.
    pub id: i64,
    pub goods_id: i64,
    /// "pid:cid,pid:cid," sorted by property id.
    pub property_child_ids: String,
    pub property_child_names: String,
    pub price: f64,
    pub original_price: f64,
    pub score: i64,
    pub stores: i64,
    /// Kilograms.
    pub weight: f64,
    pub code: String,
    /// The SKU's group price while the goods has a usable group-buy set; 0 otherwise.
    pub pingtuan_price: f64,
}

impl SkuView {
    fn new(s: &SkuRow, names: String) -> Self {
        SkuView {
            id: s.id,
            goods_id: s.goods_id,
            property_child_ids: s.fields.property_child_ids.clone(),
            property_child_names: names,
            price: to_yuan(s.fields.price),
            original_price: to_yuan(s.fields.original_price),
            score: s.fields.score,
            stores: s.fields.stores,
            weight: kg(s.fields.weight),
            code: s.fields.code.clone(),
            pingtuan_price: 0.0,
        }
    }

    /// The price of goods without specs.
    fn of_goods(g: &GoodsRow) -> Self {
        SkuView {
            id: 0,
            goods_id: g.id,
            property_child_ids: String::new(),
            property_child_names: String::new(),
            price: to_yuan(g.fields.min_price),
            original_price: to_yuan(g.fields.original_price),
            score: g.fields.min_score,
            stores: g.fields.stores,
            weight: kg(g.fields.weight),
            code: String::new(),
            pingtuan_price: 0.0,
        }
    }
}

/// goodsDetail(V2). `properties` and `skuList` are absent for goods without specs: the templates
/// test `if (data.properties)` to decide that a spec must be chosen.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GoodsDetail {
    pub basic_info: GoodsView,
    pub pics: Vec<PicView>,
    /// Rich text; links to our own files made absolute.
    pub content: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<CategoryView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<Vec<SpecView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku_list: Option<Vec<SkuView>>,
    /// The merchant's free-form extension fields.
    pub ext_json: serde_json::Value,
    /// The goods' freight template; absent when it has none (no delivery, no freight).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logistics: Option<super::goods_rules::LogisticsView>,
    /// The goods' own price tiers, as `basicInfo.priceMultilevels`; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_multilevels: Option<Vec<super::goods_rules::TierView>>,
}

/// Rich text with `src="/uploads/…"` made absolute: the mini-program has no base URL to resolve
/// a relative link against.
fn absolute_content(html: &str, base: &BaseUrl) -> String {
    html.replace("src=\"/uploads/", &format!("src=\"{}/uploads/", base.0))
        .replace("src='/uploads/", &format!("src='{}/uploads/", base.0))
}

impl GoodsDetail {
    fn new(page: rules::GoodsPage, base: &BaseUrl) -> Self {
        let rules::GoodsPage { goods, pics, category, specs, skus } = page;
        let sku_list: Vec<SkuView> = skus
            .iter()
            .map(|s| SkuView::new(s, rules::key_names(&s.fields.property_child_ids, &specs)))
            .collect();
        GoodsDetail {
            basic_info: GoodsView::new(&goods, base),
            pics: pics
                .into_iter()
                .map(|p| PicView { id: p.id, goods_id: p.goods_id, pic: base.absolute(&p.pic) })
                .collect(),
            content: absolute_content(&goods.fields.content, base),
            category: category.map(|c| CategoryView::new(c, base)),
            properties: (!specs.is_empty()).then(|| specs.iter().map(SpecView::from).collect()),
            sku_list: (!sku_list.is_empty()).then_some(sku_list),
            ext_json: json_object(&goods.fields.ext_json),
            logistics: None,
            price_multilevels: None,
        }
    }
}

/// GET /<sub>/shop/goods/detail — goodsDetail(V2); anyone. The page of an on-shelf goods:
/// basicInfo, pics, content, category, properties with childsCurGoods, skuList, extJson.
#[get("/shop/goods/detail")]
async fn detail(
    p: Params,
    db: &State<Db>,
    cache: &State<Cache>,
    base: BaseUrl,
) -> Result<RawEnvelope, ApiError> {
    let id = p.int("id")?;
    let key = base.cache_key(format!("detail:{}:{id}", base.0));
    catalogue_answer(cache, db, key, move |c, _| {
        let page = rules::goods_page(c, id)?;
        let extras = super::goods_rules::DetailExtras::load(c, &page.goods)?;
        let mut d = extras.apply(GoodsDetail::new(page, &base));
        let group = group_set(c, id)?;
        for s in d.sku_list.iter_mut().flatten() {
            s.pingtuan_price = group.as_ref().map_or(0.0, |g| to_yuan(pingtuan::price_of(g, Some(s.id))));
        }
        Ok(d)
    })
    .await
}

/// POST /<sub>/shop/goods/price — goodsPrice(V2); anyone. The price, points and stock of one
/// spec choice (`propertyChildIds`, pairs in any order); goods without specs answer their own.
#[post("/shop/goods/price", data = "<p>")]
async fn price(p: Params, db: &State<Db>, cache: &State<Cache>) -> Result<RawEnvelope, ApiError> {
    let goods_id = p.int("goodsId")?;
    let key = p.opt_text("propertyChildIds", 200)?.map(str::to_string);
    let cache_key = Some(format!("price:{goods_id}:{key:?}"));
    catalogue_answer(cache, db, cache_key, move |c, _| {
        let quote = rules::quote(c, goods_id, key.as_deref())?;
        let mut v = match &quote.sku {
            Some(sku) => SkuView::new(sku, quote.names.clone()),
            None => SkuView::of_goods(&quote.goods),
        };
        if let Some(g) = group_set(c, goods_id)? {
            v.pingtuan_price = to_yuan(pingtuan::price_of(&g, quote.sku.as_ref().map(|s| s.id)));
        }
        Ok(v)
    })
    .await
}

// group buy (pingtuan)
/// The goods' usable group-buy set, whose prices the SKUs answer as `pingtuanPrice`.
fn group_set(
    c: &rusqlite::Connection,
    goods_id: i64,
) -> Result<Option<crate::db::pingtuan::SetRow>, crate::service::error::Error> {
    Ok(pingtuan::sets_for(c, &[goods_id], db::unix_now())?.into_iter().next())
}
