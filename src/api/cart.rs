//! The shopping cart (`/shopping-cart/...`): a logged-in shopper's carts, one per `type`
//! ('' by default). Lines are priced as checkout prices them; a line that can no longer be bought
//! (off the shelf, deleted, its SKU gone) stays with `status` 1 so the shopper can remove it.
//! Every change answers the whole cart; `shippingCarInfo` answers 700 when it is empty.

use std::fmt::Write as _;

use rocket::{get, post, routes, Route, State};
use serde::{Deserialize, Serialize};

use super::{ApiResult, Authed, BaseUrl, Params, Reply};
use crate::db::Db;
use crate::error::ApiError;
use crate::money::to_yuan;
use crate::service::cart::{self, CartLine};
use crate::service::checkout::{self, LineInput};
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![info, add, modify_number, remove, select, empty]
}

/// A chosen spec value: `{optionId, optionName, optionValueId, optionValueName}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkuOption {
    pub option_id: i64,
    pub option_name: String,
    pub option_value_id: i64,
    pub option_value_name: String,
}

/// A chosen add-on: `{id, pid, pname, name}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdditionView {
    pub id: i64,
    pub pid: i64,
    pub pname: String,
    pub name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CartItemView {
    pub key: String,
    pub goods_id: i64,
    pub shop_id: i64,
    pub name: String,
    pub pic: String,
    /// Yuan per unit, add-ons included.
    pub price: f64,
    pub original_price: f64,
    pub score: i64,
    pub number: i64,
    pub selected: bool,
    /// Stock left for this goods/SKU.
    pub stores: i64,
    /// 0 can be bought; 1 no longer (off the shelf, deleted, SKU gone).
    pub status: i64,
    pub property_child_ids: String,
    pub sku: Vec<SkuOption>,
    pub additions: Vec<AdditionView>,
    pub logistics_id: Option<i64>,
    pub min_buy_number: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopView {
    pub id: i64,
    pub name: String,
}

/// The cart: `number` (all units, the tab badge), `price` and `score` (selected lines that can be
/// bought), `items`, `shopList`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CartInfo {
    pub number: i64,
    pub price: f64,
    pub score: i64,
    pub items: Vec<CartItemView>,
    pub shop_list: Vec<ShopView>,
}

fn item_view(base: &BaseUrl, l: CartLine) -> CartItemView {
    let sku = crate::service::catalog::parse_key(&l.row.property_child_ids)
        .unwrap_or_default()
        .into_iter()
        .map(|(pid, cid)| {
            let spec = l.specs.iter().find(|s| s.id == pid);
            let value = spec.and_then(|s| s.children.iter().find(|v| v.id == cid));
            SkuOption {
                option_id: pid,
                option_name: spec.map(|s| s.name.clone()).unwrap_or_default(),
                option_value_id: cid,
                option_value_name: value.map(|v| v.name.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let additions = serde_json::from_str::<Vec<checkout::AdditionChoice>>(&l.row.additions)
        .unwrap_or_default()
        .into_iter()
        .map(|a| AdditionView { id: a.id, pid: a.pid, pname: String::new(), name: String::new() })
        .collect();
    let (name, pic, price, original, score, stores, shop_id, logistics_id, min_buy) = match &l.priced {
        Some(p) => {
            let g = &p.quote.goods.fields;
            let original = p.quote.sku.as_ref().map_or(g.original_price, |s| s.fields.original_price);
            (
                g.name.clone(),
                base.absolute(&g.pic),
                to_yuan(p.unit_price),
                to_yuan(original),
                p.unit_score,
                p.stores(),
                g.shop_id,
                g.logistics_id,
                g.min_buy_number,
            )
        }
        None => ("商品已失效".to_string(), String::new(), 0.0, 0.0, 0, 0, 0, None, 1),
    };
    CartItemView {
        key: l.row.item_key,
        goods_id: l.row.goods_id,
        shop_id,
        name,
        pic,
        price,
        original_price: original,
        score,
        number: l.row.number,
        selected: l.row.selected,
        stores,
        status: i64::from(l.priced.is_none()),
        property_child_ids: l.row.property_child_ids,
        sku,
        additions,
        logistics_id,
        min_buy_number: min_buy,
    }
}

fn cart_info(base: &BaseUrl, shop_name: &str, lines: Vec<CartLine>) -> CartInfo {
    let number = lines.iter().map(|l| l.row.number).sum();
    let buyable = lines.iter().filter(|l| l.row.selected).filter_map(|l| l.priced.as_ref());
    let (fen, score) =
        buyable.fold((0i64, 0i64), |(f, s), p| (f.saturating_add(p.amount()), s.saturating_add(p.score())));
    let items: Vec<CartItemView> = lines.into_iter().map(|l| item_view(base, l)).collect();
    let mut shop_ids: Vec<i64> = items.iter().map(|i| i.shop_id).collect();
    shop_ids.sort_unstable();
    shop_ids.dedup();
    // Every goods is the shop's own (shop 0), so the list names one shop.
    let shop_list = shop_ids.into_iter().map(|id| ShopView { id, name: shop_name.to_string() }).collect();
    CartInfo { number, price: to_yuan(fen), score, items, shop_list }
}

/// The cart `type` ('' = the default cart).
fn cart_type(p: &Params) -> Result<String, ApiError> {
    Ok(p.opt_text("type", 30)?.unwrap_or("").to_string())
}

async fn answer(
    db: &Db,
    settings: &Settings,
    base: &BaseUrl,
    user: i64,
    kind: String,
    empty_is_700: bool,
) -> ApiResult<CartInfo> {
    let lines = db.read(move |c| cart::contents(c, user, &kind)).await?;
    if empty_is_700 && lines.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(cart_info(base, settings.get().shop_name(), lines)))
}

/// `sku` as the client sends it: a JSON array of `{optionId, optionValueId}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SkuChoice {
    option_id: i64,
    option_value_id: i64,
}

fn spec_key(text: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(text) = text else { return Ok(None) };
    let choices: Vec<SkuChoice> =
        super::params::json_param("sku", text, "[{optionId, optionValueId}] 形式的 JSON 数组")?;
    let key = choices.iter().fold(String::new(), |mut key, c| {
        let _ = write!(key, "{}:{},", c.option_id, c.option_value_id);
        key
    });
    Ok(Some(key).filter(|k| !k.is_empty()))
}

/// GET /<sub>/shopping-cart/info — shippingCarInfo; logged-in shopper. 700 when empty.
#[get("/shopping-cart/info")]
async fn info(req: Authed, db: &State<Db>, settings: &State<Settings>, base: BaseUrl) -> ApiResult<CartInfo> {
    answer(db, settings, &base, req.user_id, cart_type(&req.p)?, true).await
}

/// POST /<sub>/shopping-cart/add — shippingCarInfoAddItem (+V2); logged-in shopper.
#[post("/shopping-cart/add", data = "<req>")]
async fn add(req: Authed, db: &State<Db>, settings: &State<Settings>, base: BaseUrl) -> ApiResult<CartInfo> {
    let p = &req.p;
    let line = LineInput {
        goods_id: p.int("goodsId")?,
        number: p.opt_int("number")?.unwrap_or(1),
        property_child_ids: spec_key(p.opt_text("sku", 2000)?)?,
        additions: checkout::parse_additions("addition", p.opt_text("addition", 2000)?)?,
        booking: None,
    };
    let (user, kind) = (req.user_id, cart_type(p)?);
    let k = kind.clone();
    db.write(move |c| cart::add(c, user, &k, &line, crate::db::unix_now())).await?;
    answer(db, settings, &base, user, kind, false).await
}

/// POST /<sub>/shopping-cart/modifyNumber — shippingCarInfoModifyNumber; logged-in shopper.
#[post("/shopping-cart/modifyNumber", data = "<req>")]
async fn modify_number(
    req: Authed,
    db: &State<Db>,
    settings: &State<Settings>,
    base: BaseUrl,
) -> ApiResult<CartInfo> {
    let (key, number) = (req.p.text("key", 64)?.to_string(), req.p.int("number")?);
    let (user, kind) = (req.user_id, cart_type(&req.p)?);
    let k = kind.clone();
    db.write(move |c| cart::set_number(c, user, &k, &key, number, crate::db::unix_now())).await?;
    answer(db, settings, &base, user, kind, false).await
}

/// POST /<sub>/shopping-cart/remove — shippingCarInfoRemoveItem; logged-in shopper. `key` may
/// be comma-joined; keys the shopper does not have are ignored.
#[post("/shopping-cart/remove", data = "<req>")]
async fn remove(
    req: Authed,
    db: &State<Db>,
    settings: &State<Settings>,
    base: BaseUrl,
) -> ApiResult<CartInfo> {
    let keys = cart::keys(req.p.text("key", 10_000)?)?;
    let (user, kind) = (req.user_id, cart_type(&req.p)?);
    let k = kind.clone();
    db.write(move |c| crate::db::cart::remove(c, user, &k, &keys)).await?;
    answer(db, settings, &base, user, kind, false).await
}

/// POST /<sub>/shopping-cart/select — shippingCartSelected; logged-in shopper. `key` may be
/// comma-joined; `selected` true/false.
#[post("/shopping-cart/select", data = "<req>")]
async fn select(
    req: Authed,
    db: &State<Db>,
    settings: &State<Settings>,
    base: BaseUrl,
) -> ApiResult<CartInfo> {
    let keys = cart::keys(req.p.text("key", 10_000)?)?;
    let selected = req.p.opt_bool("selected")?.ok_or(ApiError::Missing("selected"))?;
    let (user, kind) = (req.user_id, cart_type(&req.p)?);
    let k = kind.clone();
    let now = crate::db::unix_now();
    let n = db.write(move |c| crate::db::cart::select(c, user, &k, &keys, selected, now)).await?;
    if n == 0 {
        return Err(ApiError::NotFound("购物车商品"));
    }
    answer(db, settings, &base, user, kind, false).await
}

/// POST /<sub>/shopping-cart/empty — shippingCarInfoRemoveAll; logged-in shopper.
#[post("/shopping-cart/empty", data = "<req>")]
async fn empty(
    req: Authed,
    db: &State<Db>,
    settings: &State<Settings>,
    base: BaseUrl,
) -> ApiResult<CartInfo> {
    let (user, kind) = (req.user_id, cart_type(&req.p)?);
    let k = kind.clone();
    db.write(move |c| crate::db::cart::empty(c, user, &k)).await?;
    answer(db, settings, &base, user, kind, false).await
}
