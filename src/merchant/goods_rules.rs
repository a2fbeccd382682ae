//! A goods' checkout rules for the merchant's own systems: purchase limits, price tiers and
//! add-ons. Each PUT replaces the whole list and answers it as GET does. Money in yuan.

use rocket::serde::json::Json;
use rocket::{get, put, routes, Route, State};
use serde::{Deserialize, Serialize};

use super::body::fen;
use super::{Answer, ApiKey, JsonBody};
use crate::db::{catalog, goods_rules, Db};
use crate::error::MerchantError;
use crate::money;
use crate::service::additions::{self, GroupInput};
use crate::service::limits::{self, LimitInput};
use crate::service::tiers::{self, TierInput};

pub fn routes() -> Vec<Route> {
    routes![show_limits, put_limits, show_tiers, put_tiers, show_additions, put_additions]
}

/// 404 unless the goods exists.
async fn known_goods(db: &Db, id: i64) -> Answer<()> {
    let found = db.read(move |c| catalog::goods(c, id).map(|g| g.is_some())).await?;
    if found {
        Ok(())
    } else {
        Err(MerchantError::NotFound("goods").into())
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LimitItem {
    /// The SKU's key ("pid:cid,"); "" or absent = the whole goods.
    #[serde(default)]
    pub property_child_ids: String,
    /// A member level's id; 0 or absent = every shopper.
    #[serde(default)]
    pub user_level_id: i64,
    /// 0 day, 1 month, 2 year, 3 week, 4 per order, 5 ever.
    pub unit: i64,
    #[serde(default = "one")]
    pub duration: i64,
    pub buy_numbers: i64,
}

fn one() -> i64 {
    1
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Limits {
    pub items: Vec<LimitItem>,
}

async fn limits_of(db: &Db, id: i64) -> Answer<Json<Limits>> {
    known_goods(db, id).await?;
    let rows = db.read(move |c| limits::all_rules(c, id)).await?;
    Ok(Json(Limits {
        items: rows
            .into_iter()
            .map(|r| LimitItem {
                property_child_ids: r.property_child_ids.unwrap_or_default(),
                user_level_id: r.user_level_id.unwrap_or(0),
                unit: r.unit.code(),
                duration: r.duration,
                buy_numbers: r.buy_numbers,
            })
            .collect(),
    }))
}

/// GET /admin/api/v1/goods/<id>/limits — merchant key.
#[get("/goods/<id>/limits")]
async fn show_limits(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<Limits>> {
    limits_of(db, id).await
}

/// PUT /admin/api/v1/goods/<id>/limits — merchant key. `{"items": [...]}` replaces every limit.
#[put("/goods/<id>/limits", data = "<body>")]
async fn put_limits(_key: ApiKey, db: &State<Db>, id: i64, body: JsonBody<Limits>) -> Answer<Json<Limits>> {
    known_goods(db, id).await?;
    let list: Vec<LimitInput> = body
        .0
        .items
        .into_iter()
        .map(|l| LimitInput {
            property_child_ids: Some(l.property_child_ids).filter(|k| !k.trim().is_empty()),
            user_level_id: (l.user_level_id > 0).then_some(l.user_level_id),
            unit: l.unit,
            duration: l.duration,
            buy_numbers: l.buy_numbers,
        })
        .collect();
    db.write(move |c| limits::save_limits(c, id, &list)).await?;
    limits_of(db, id).await
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TierItem {
    /// The SKU's key; "" or absent = every SKU.
    #[serde(default)]
    pub property_child_ids: String,
    /// From this many pieces on…
    pub number: i64,
    /// …each costs this many yuan.
    pub price: f64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tiers {
    pub items: Vec<TierItem>,
}

async fn tiers_of(db: &Db, id: i64) -> Answer<Json<Tiers>> {
    known_goods(db, id).await?;
    let rows = db.read(move |c| goods_rules::tiers(c, id)).await?;
    Ok(Json(Tiers {
        items: rows
            .into_iter()
            .map(|t| TierItem {
                property_child_ids: t.property_child_ids.unwrap_or_default(),
                number: t.number,
                price: money::to_yuan(t.price),
            })
            .collect(),
    }))
}

/// GET /admin/api/v1/goods/<id>/tiers — merchant key.
#[get("/goods/<id>/tiers")]
async fn show_tiers(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<Tiers>> {
    tiers_of(db, id).await
}

/// PUT /admin/api/v1/goods/<id>/tiers — merchant key. `{"items": [...]}` replaces every tier.
#[put("/goods/<id>/tiers", data = "<body>")]
async fn put_tiers(_key: ApiKey, db: &State<Db>, id: i64, body: JsonBody<Tiers>) -> Answer<Json<Tiers>> {
    known_goods(db, id).await?;
    let mut list = Vec::with_capacity(body.0.items.len());
    for t in body.0.items {
        list.push(TierInput {
            property_child_ids: Some(t.property_child_ids).filter(|k| !k.trim().is_empty()),
            number: t.number,
            price: fen("price", t.price)?,
        });
    }
    db.write(move |c| tiers::save_tiers(c, id, &list)).await?;
    tiers_of(db, id).await
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdditionItemBody {
    /// Answered only; ignored when sent (items are matched by name).
    #[serde(default)]
    pub id: i64,
    pub name: String,
    /// Yuan added per unit.
    #[serde(default)]
    pub price: f64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdditionGroupBody {
    /// Answered only; ignored when sent (groups are matched by name).
    #[serde(default)]
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub required: bool,
    /// True: any number of items; false: one at most.
    #[serde(default)]
    pub multiple: bool,
    pub items: Vec<AdditionItemBody>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Additions {
    pub groups: Vec<AdditionGroupBody>,
}

async fn additions_of(db: &Db, id: i64) -> Answer<Json<Additions>> {
    known_goods(db, id).await?;
    let rows = db.read(move |c| goods_rules::additions(c, id)).await?;
    Ok(Json(Additions {
        groups: rows
            .into_iter()
            .map(|g| AdditionGroupBody {
                id: g.id,
                name: g.name,
                required: g.required,
                multiple: g.multiple,
                items: g
                    .items
                    .into_iter()
                    .map(|i| AdditionItemBody { id: i.id, name: i.name, price: money::to_yuan(i.price) })
                    .collect(),
            })
            .collect(),
    }))
}

/// GET /admin/api/v1/goods/<id>/additions — merchant key.
#[get("/goods/<id>/additions")]
async fn show_additions(_key: ApiKey, db: &State<Db>, id: i64) -> Answer<Json<Additions>> {
    additions_of(db, id).await
}

/// PUT /admin/api/v1/goods/<id>/additions — merchant key. `{"groups": [...]}` replaces every
/// group; groups and items that keep their name keep their id (carts stay valid).
#[put("/goods/<id>/additions", data = "<body>")]
async fn put_additions(
    _key: ApiKey,
    db: &State<Db>,
    id: i64,
    body: JsonBody<Additions>,
) -> Answer<Json<Additions>> {
    known_goods(db, id).await?;
    let mut groups = Vec::with_capacity(body.0.groups.len());
    for g in body.0.groups {
        let mut items = Vec::with_capacity(g.items.len());
        for i in g.items {
            items.push((i.name, fen("items", i.price)?));
        }
        groups.push(GroupInput { name: g.name, required: g.required, multiple: g.multiple, items });
    }
    db.write(move |c| additions::save_additions(c, id, &groups)).await?;
    additions_of(db, id).await
}
