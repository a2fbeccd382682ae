//! The catalogue rules checkout needs, as the shop window reads them: freight templates
//! (goodsPriceFreight, goodsDetail's `logistics`), purchase limits (goodsLimitations), price tiers
//! (goodsPriceMultilevels) and add-ons (goodsAddition). Money in yuan as JSON numbers; weights in
//! kilograms. Unknown goods answer 404, off-shelf goods 404 "商品已下架", no rules 700.

use rocket::{get, routes, Route, State};
use serde::Serialize;

use super::goods_page::GoodsDetail;
use super::{ApiResult, Params, Reply};
use crate::db::catalog::GoodsRow;
use crate::db::freight::{self, Fees, Template};
use crate::db::goods_rules::{self, AdditionGroup, TierRow};
use crate::db::Db;
use crate::error::ApiError;
use crate::money::to_yuan;
use crate::service::catalog::shown_goods;
use crate::service::freight::{fees_for, Destination};
use crate::service::limits::{self, LimitRule};
use crate::service::tiers;

pub fn routes() -> Vec<Route> {
    routes![price_freight, limitations, price_multilevels, additions]
}

/// Pieces as they are, grams as kilograms (the client's weight unit).
fn number_of(fee_type: i64, n: i64) -> f64 {
    if fee_type == 1 {
        n as f64 / 1000.0
    } else {
        n as f64
    }
}

fn fee_type_str(fee_type: i64) -> &'static str {
    if fee_type == 1 {
        "按重量"
    } else {
        "按件数"
    }
}

/// One set of fees: "firstNumber 件（千克）内 firstAmount 元，每增加 addNumber 加 addAmount 元".
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeesView {
    /// The way of delivery: 0 express, the only one this shop offers.
    #[serde(rename = "type")]
    pub kind: i64,
    pub first_number: f64,
    pub first_amount: f64,
    pub add_number: f64,
    pub add_amount: f64,
    /// The province or city ids these fees are for; empty for the default fees.
    pub regions: Vec<String>,
}

impl FeesView {
    fn new(fee_type: i64, f: &Fees, regions: Vec<String>, free: bool) -> Self {
        let amount = |fen: i64| if free { 0.0 } else { to_yuan(fen) };
        FeesView {
            kind: 0,
            first_number: number_of(fee_type, f.first_number),
            first_amount: amount(f.first_amount),
            add_number: number_of(fee_type, f.add_number),
            add_amount: amount(f.add_amount),
            regions,
        }
    }
}

/// A free-shipping condition: every set one must hold.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FreeRuleView {
    /// Empty = everywhere.
    pub regions: Vec<String>,
    /// Yuan; absent when there is no amount condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_amount: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_number: Option<i64>,
}

/// goodsDetail's `logistics`: the goods' freight template.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogisticsView {
    pub id: i64,
    pub name: String,
    pub is_free: bool,
    /// 0 by piece, 1 by weight.
    pub fee_type: i64,
    pub fee_type_str: &'static str,
    /// The default fees first, then the fees of particular regions.
    pub details: Vec<FeesView>,
    pub free_rules: Vec<FreeRuleView>,
}

impl LogisticsView {
    fn new(t: &Template) -> Self {
        let f = &t.fields;
        let mut details = vec![FeesView::new(f.fee_type, &f.fees, Vec::new(), f.is_free)];
        details.extend(
            f.region_fees.iter().map(|r| FeesView::new(f.fee_type, &r.fees, r.regions.clone(), f.is_free)),
        );
        LogisticsView {
            id: t.id,
            name: f.name.clone(),
            is_free: f.is_free,
            fee_type: f.fee_type,
            fee_type_str: fee_type_str(f.fee_type),
            details,
            free_rules: f
                .free_rules
                .iter()
                .map(|r| FreeRuleView {
                    regions: r.regions.clone(),
                    min_amount: r.min_amount.map(to_yuan),
                    min_number: r.min_number,
                })
                .collect(),
        }
    }
}

/// A price tier: from `number` pieces on, each costs `price`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TierView {
    pub id: i64,
    pub goods_id: i64,
    /// The SKU's key; "" for every SKU.
    pub property_child_ids: String,
    pub number: i64,
    pub price: f64,
}

impl From<&TierRow> for TierView {
    fn from(t: &TierRow) -> Self {
        TierView {
            id: t.id,
            goods_id: t.goods_id,
            property_child_ids: t.property_child_ids.clone().unwrap_or_default(),
            number: t.number,
            price: to_yuan(t.price),
        }
    }
}

/// What goodsDetail adds to a goods page from the rules.
pub struct DetailExtras {
    logistics: Option<Template>,
    tiers: Vec<TierRow>,
    flags: goods_rules::RuleFlags,
}

impl DetailExtras {
    pub fn load(c: &rusqlite::Connection, g: &GoodsRow) -> Result<DetailExtras, ApiError> {
        let logistics = match g.fields.logistics_id {
            Some(id) => freight::template(c, id)?,
            None => None,
        };
        Ok(DetailExtras {
            logistics,
            tiers: tiers::tiers_for(c, g.id, None)?,
            flags: goods_rules::flags(c, &[g.id])?.remove(&g.id).unwrap_or_default(),
        })
    }

    pub fn apply(self, mut d: GoodsDetail) -> GoodsDetail {
        d.basic_info.has_addition = self.flags.has_additions;
        d.basic_info.limitation = self.flags.has_limits;
        if !self.tiers.is_empty() {
            d.basic_info.price_multilevels = Some(self.tiers.iter().map(TierView::from).collect());
            d.price_multilevels = Some(self.tiers.iter().map(TierView::from).collect());
        }
        d.logistics = self.logistics.as_ref().map(LogisticsView::new);
        d
    }
}

/// goodsPriceFreight: the fees that apply to the destination.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FreightView {
    pub template_id: i64,
    pub is_free: bool,
    pub fee_type: i64,
    pub fee_type_str: &'static str,
    /// Pieces, or kilograms for a template by weight.
    pub first_number: f64,
    pub first_amount: f64,
    pub add_number: f64,
    pub add_amount: f64,
    pub free_rules: Vec<FreeRuleView>,
}

/// A region id parameter: 6 digits when given.
fn region_param(p: &Params, name: &'static str) -> Result<Option<String>, ApiError> {
    match p.opt_text(name, 12)? {
        Some(v) if v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(v.to_string())),
        Some(_) => Err(ApiError::invalid(name, "应为 6 位地区代码")),
        None => Ok(None),
    }
}

/// GET /<sub>/shop/goods/price/freight — goodsPriceFreight; anyone. The fees of template
/// `templateId` for the destination (provinceId / cityId / districtId, all optional): its region
/// fees naming the destination most closely, else its default fees. `type` 0 (express) only.
#[get("/shop/goods/price/freight")]
async fn price_freight(p: Params, db: &State<Db>) -> ApiResult<FreightView> {
    let id = p.int("templateId")?;
    if p.opt_int("type")?.is_some_and(|t| t != 0) {
        return Err(ApiError::invalid("type", "本店只提供快递配送（type=0）"));
    }
    let dest = Destination {
        province_id: region_param(&p, "provinceId")?,
        city_id: region_param(&p, "cityId")?,
        district_id: region_param(&p, "districtId")?,
    };
    let t = db.read(move |c| freight::template(c, id)).await?;
    let t = t.ok_or(ApiError::NotFound("运费模板"))?;
    let f = &t.fields;
    let view = FeesView::new(f.fee_type, &fees_for(f, &dest), Vec::new(), f.is_free);
    let free_rules = LogisticsView::new(&t).free_rules;
    Ok(Reply(FreightView {
        template_id: t.id,
        is_free: f.is_free,
        fee_type: f.fee_type,
        fee_type_str: fee_type_str(f.fee_type),
        first_number: view.first_number,
        first_amount: view.first_amount,
        add_number: view.add_number,
        add_amount: view.add_amount,
        free_rules,
    }))
}

/// A purchase limit as goodsLimitations answers it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitView {
    pub id: i64,
    pub goods_id: i64,
    /// The SKU's id; 0 for the whole goods.
    pub price_id: i64,
    /// The SKU's key; "" for the whole goods.
    pub property_child_ids: String,
    /// 0 = every shopper.
    pub user_level_id: i64,
    pub user_level_name: String,
    /// 0 自然日, 1 自然月, 2 自然年, 3 自然周, 4 每单, 5 永久.
    pub unit: i64,
    pub unit_str: &'static str,
    pub duration: i64,
    pub buy_numbers: i64,
}

impl From<LimitRule> for LimitView {
    fn from(r: LimitRule) -> Self {
        LimitView {
            id: r.id,
            goods_id: r.goods_id,
            price_id: r.sku_id.unwrap_or(0),
            property_child_ids: r.property_child_ids.unwrap_or_default(),
            user_level_id: r.user_level_id.unwrap_or(0),
            user_level_name: r.user_level_name.unwrap_or_else(|| "所有用户".into()),
            unit: r.unit.code(),
            unit_str: r.unit.label(),
            duration: r.duration,
            buy_numbers: r.buy_numbers,
        }
    }
}

/// GET /<sub>/shop/goods/limitation — goodsLimitations(V2); anyone. The goods' purchase limits;
/// with `priceId` (a SKU id) or `propertyChildIds` only the whole goods' and that SKU's. 700 when
/// there are none.
#[get("/shop/goods/limitation")]
async fn limitations(p: Params, db: &State<Db>) -> ApiResult<Vec<LimitView>> {
    let goods_id = p.int("goodsId")?;
    let price_id = p.opt_int("priceId")?;
    let key = p.opt_text("propertyChildIds", 200)?.map(str::to_string);
    let list = db
        .read(move |c| {
            shown_goods(c, goods_id)?;
            if let Some(sku) = price_id {
                match goods_rules::sku_goods(c, sku)? {
                    Some((g, key)) if g == goods_id => return Ok(limits::rules(c, goods_id, Some(&key))?),
                    _ => return Err(ApiError::invalid("priceId", "不是该商品的规格")),
                }
            }
            Ok(match key {
                Some(k) => limits::rules(c, goods_id, Some(&k))?,
                None => limits::all_rules(c, goods_id)?,
            })
        })
        .await?;
    if list.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(list.into_iter().map(LimitView::from).collect()))
}

/// GET /<sub>/shop/goods/priceMultilevels — goodsPriceMultilevels; anyone. The price tiers of
/// `goodsId` (with `propertyChildIds`, that SKU's own tiers if it has some); 700 when none.
#[get("/shop/goods/priceMultilevels")]
async fn price_multilevels(p: Params, db: &State<Db>) -> ApiResult<Vec<TierView>> {
    let goods_id = p.int("goodsId")?;
    let key = p.opt_text("propertyChildIds", 200)?.map(str::to_string);
    let list = db
        .read(move |c| {
            shown_goods(c, goods_id)?;
            tiers::tiers_for(c, goods_id, key.as_deref())
        })
        .await?;
    if list.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(list.iter().map(TierView::from).collect()))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdditionItemView {
    pub id: i64,
    /// The group's id.
    pub pid: i64,
    pub name: String,
    /// Yuan added per unit.
    pub price: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdditionGroupView {
    pub id: i64,
    pub name: String,
    pub required: bool,
    /// 0 single choice, 1 multiple choice.
    #[serde(rename = "type")]
    pub kind: i64,
    pub items: Vec<AdditionItemView>,
}

impl From<AdditionGroup> for AdditionGroupView {
    fn from(g: AdditionGroup) -> Self {
        AdditionGroupView {
            id: g.id,
            name: g.name,
            required: g.required,
            kind: i64::from(g.multiple),
            items: g
                .items
                .into_iter()
                .map(|i| AdditionItemView {
                    id: i.id,
                    pid: i.group_id,
                    name: i.name,
                    price: to_yuan(i.price),
                })
                .collect(),
        }
    }
}

/// GET /<sub>/shop/goods/goodsAddition — goodsAddition; anyone. The goods' add-on groups with
/// their items; 700 when it has none.
#[get("/shop/goods/goodsAddition")]
async fn additions(p: Params, db: &State<Db>) -> ApiResult<Vec<AdditionGroupView>> {
    let goods_id = p.int("goodsId")?;
    let groups = db
        .read(move |c| {
            shown_goods(c, goods_id)?;
            Ok::<_, ApiError>(goods_rules::additions(c, goods_id)?)
        })
        .await?;
    if groups.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(groups.into_iter().map(AdditionGroupView::from).collect()))
}
