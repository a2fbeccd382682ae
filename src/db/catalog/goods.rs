//! Goods rows: the merchant's fields, the counters the shop keeps, and the version edits claim.

use crate::db::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// What the merchant sets on a goods. For goods with SKUs the stock and prices here are
/// overwritten from the SKUs as soon as they are added.
#[derive(Debug, Clone, PartialEq)]
pub struct GoodsFields {
    pub category_id: Option<i64>,
    pub shop_id: i64,
    pub name: String,
    pub characteristic: String,
    pub content: String,
    pub pic: String,
    pub video_id: Option<i64>,
    pub tags: String,
    pub purchase_notes: String,
    /// 0 on shelf, 1 off.
    pub status: i64,
    /// 1 recommended.
    pub recommend_status: i64,
    pub kanjia: bool,
    pub miaosha: bool,
    pub pingtuan: bool,
    pub paixu: i64,
    pub stores: i64,
    pub min_price: i64,
    pub original_price: i64,
    pub min_score: i64,
    pub min_buy_number: i64,
    /// Grams.
    pub weight: i64,
    pub logistics_id: Option<i64>,
    /// A JSON object as text.
    pub ext_json: String,
}

impl Default for GoodsFields {
    fn default() -> Self {
        GoodsFields {
            category_id: None,
            shop_id: 0,
            name: String::new(),
            characteristic: String::new(),
            content: String::new(),
            pic: String::new(),
            video_id: None,
            tags: String::new(),
            purchase_notes: String::new(),
            status: 0,
            recommend_status: 0,
            kanjia: false,
            miaosha: false,
            pingtuan: false,
            paixu: 0,
            stores: 0,
            min_price: 0,
            original_price: 0,
            min_score: 0,
            min_buy_number: 1,
            weight: 0,
            logistics_id: None,
            ext_json: "{}".into(),
        }
    }
}

/// The counters other parts of the shop keep.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GoodsCounters {
    pub number_sells: i64,
    pub number_orders: i64,
    pub number_fav: i64,
    pub number_views: i64,
    pub number_reputation: i64,
    pub number_good_reputation: i64,
}

#[derive(Debug, Clone)]
pub struct GoodsRow {
    pub id: i64,
    pub fields: GoodsFields,
    pub counters: GoodsCounters,
    /// The goods' property ids as ",1,2," (the templates' "has specs" test); "" when none.
    pub property_ids: String,
    pub date_add: i64,
    pub date_update: i64,
    /// Moves on with every save and stock change (orders too): what an edit was based on.
    pub version: i64,
    /// The lowest floor of the goods' usable bargain sets (fen); None without one.
    pub kanjia_floor: Option<i64>,
    /// The group price of the goods' usable group-buy set (fen); None without one.
    pub pingtuan_price: Option<i64>,
}

pub(super) const GOODS_COLUMNS: &str =
    "g.id, g.category_id, g.shop_id, g.name, g.characteristic, g.content, g.pic,
     g.video_id, g.tags, g.purchase_notes, g.status, g.recommend_status, g.kanjia, g.miaosha,
     g.pingtuan, g.paixu, g.stores, g.min_price, g.original_price, g.min_score, g.min_buy_number,
     g.weight, g.logistics_id, g.ext_json, g.number_sells, g.number_orders, g.number_fav,
     g.number_views, g.number_reputation, g.number_good_reputation, g.date_add, g.date_update,
     (SELECT ',' || group_concat(p.id, ',' ORDER BY p.paixu, p.id) || ','
        FROM goods_properties p WHERE p.goods_id = g.id), g.version,
     (SELECT min(k.min_price) FROM goods_kanjia_sets k
        WHERE k.goods_id = g.id AND k.status = 0 AND k.number_buy < k.number
          AND k.date_end > CAST(strftime('%s', 'now') AS INTEGER)),
     (SELECT min(t.price) FROM goods_pingtuan_sets t
        WHERE t.goods_id = g.id AND t.status = 0
          AND t.date_end > CAST(strftime('%s', 'now') AS INTEGER))";

pub(super) fn goods_row(r: &Row) -> rusqlite::Result<GoodsRow> {
    Ok(GoodsRow {
        id: r.get(0)?,
        fields: GoodsFields {
            category_id: r.get(1)?,
            shop_id: r.get(2)?,
            name: r.get(3)?,
            characteristic: r.get(4)?,
            content: r.get(5)?,
            pic: r.get(6)?,
            video_id: r.get(7)?,
            tags: r.get(8)?,
            purchase_notes: r.get(9)?,
            status: r.get(10)?,
            recommend_status: r.get(11)?,
            kanjia: r.get(12)?,
            miaosha: r.get(13)?,
            pingtuan: r.get(14)?,
            paixu: r.get(15)?,
            stores: r.get(16)?,
            min_price: r.get(17)?,
            original_price: r.get(18)?,
            min_score: r.get(19)?,
            min_buy_number: r.get(20)?,
            weight: r.get(21)?,
            logistics_id: r.get(22)?,
            ext_json: r.get(23)?,
        },
        counters: GoodsCounters {
            number_sells: r.get(24)?,
            number_orders: r.get(25)?,
            number_fav: r.get(26)?,
            number_views: r.get(27)?,
            number_reputation: r.get(28)?,
            number_good_reputation: r.get(29)?,
        },
        date_add: r.get(30)?,
        date_update: r.get(31)?,
        property_ids: r.get::<_, Option<String>>(32)?.unwrap_or_default(),
        version: r.get(33)?,
        kanjia_floor: r.get(34)?,
        pingtuan_price: r.get(35)?,
    })
}

pub fn insert_goods(c: &Connection, f: &GoodsFields, now: i64) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO goods (category_id, shop_id, name, characteristic, content, pic, video_id, tags,
                            purchase_notes, status, recommend_status, kanjia, miaosha, pingtuan, paixu,
                            stores, min_price, original_price, min_score, min_buy_number, weight,
                            logistics_id, ext_json, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 ?20, ?21, ?22, ?23, ?24, ?24)",
    )?
    .execute(params![
        f.category_id,
        f.shop_id,
        f.name,
        f.characteristic,
        f.content,
        f.pic,
        f.video_id,
        f.tags,
        f.purchase_notes,
        f.status,
        f.recommend_status,
        f.kanjia,
        f.miaosha,
        f.pingtuan,
        f.paixu,
        f.stores,
        f.min_price,
        f.original_price,
        f.min_score,
        f.min_buy_number,
        f.weight,
        f.logistics_id,
        f.ext_json,
        now
    ])?;
    Ok(c.last_insert_rowid())
}

/// The goods `id`, on shelf or not.
pub fn goods(c: &Connection, id: i64) -> Result<Option<GoodsRow>> {
    Ok(c.prepare_cached(&format!("SELECT {GOODS_COLUMNS} FROM goods g WHERE g.id = ?1"))?
        .query_row([id], goods_row)
        .optional()?)
}

/// Puts goods on (0) or off (1) the shelf; false when there is no such goods.
pub fn set_goods_status(c: &Connection, id: i64, status: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE goods SET status = ?2, date_update = ?3, version = version + 1 WHERE id = ?1",
        )?
        .execute(params![id, status, now])?;
    Ok(n == 1)
}

/// Rewrites a goods' merchant fields: not its counters, and not its stock, which orders change
/// too and which only the stock functions below write. For goods with SKUs the caller passes the
/// SKU-derived prices unchanged: the triggers own them.
pub fn update_goods(c: &Connection, id: i64, f: &GoodsFields, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE goods SET category_id = ?2, shop_id = ?3, name = ?4, characteristic = ?5, content = ?6,
                    pic = ?7, video_id = ?8, tags = ?9, purchase_notes = ?10, status = ?11,
                    recommend_status = ?12, kanjia = ?13, miaosha = ?14, pingtuan = ?15, paixu = ?16,
                    min_price = ?17, original_price = ?18, min_score = ?19,
                    min_buy_number = ?20, weight = ?21, logistics_id = ?22, ext_json = ?23,
                    date_update = ?24, version = version + 1
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            f.category_id,
            f.shop_id,
            f.name,
            f.characteristic,
            f.content,
            f.pic,
            f.video_id,
            f.tags,
            f.purchase_notes,
            f.status,
            f.recommend_status,
            f.kanjia,
            f.miaosha,
            f.pingtuan,
            f.paixu,
            f.min_price,
            f.original_price,
            f.min_score,
            f.min_buy_number,
            f.weight,
            f.logistics_id,
            f.ext_json,
            now
        ])?;
    Ok(n == 1)
}

/// Moves the goods' version on if it is still `version` (what an edit was based on); false when
/// the goods changed since, or does not exist.
pub fn claim_version(c: &Connection, id: i64, version: i64) -> Result<bool> {
    let n = c
        .prepare_cached("UPDATE goods SET version = version + 1 WHERE id = ?1 AND version = ?2")?
        .execute(params![id, version])?;
    Ok(n == 1)
}

/// Stock of a goods without specs, as the caller worked it out from the value its transaction read.
pub fn set_goods_stores(c: &Connection, id: i64, stores: i64, now: i64) -> Result<bool> {
    let n = c
        .prepare_cached("UPDATE goods SET stores = ?2, date_update = ?3 WHERE id = ?1")?
        .execute(params![id, stores, now])?;
    Ok(n == 1)
}

/// Removes a goods; pictures, specs and SKUs go with it (ON DELETE CASCADE), the index by trigger.
pub fn delete_goods(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.prepare_cached("DELETE FROM goods WHERE id = ?1")?.execute([id])? == 1)
}
