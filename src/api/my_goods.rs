//! Goods shoppers publish themselves (C2C): pushNewGoods, mygoods, deleteMyGoods. A published or
//! edited goods is off the shelf until the merchant approves it (service::publish).

use rocket::{post, routes, Route, State};
use serde::Serialize;

use super::catalog::GoodsView;
use super::{ApiResult, Authed, BaseUrl, Page, Paging, Params, Reply};
use crate::db::calendar::Publisher;
use crate::db::catalog::{GoodsFields, GoodsRow};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money;
use crate::service::catalog::{NewGoods, Stock, MAX_GOODS_NAME, MAX_LINE};
use crate::service::publish::{self, MAX_CONTENT, MAX_PICS};

pub fn routes() -> Vec<Route> {
    routes![put_or_update, mine, delete]
}

/// A shopper's goods with where its review stands.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MyGoodsView {
    #[serde(flatten)]
    pub goods: GoodsView,
    /// 0 awaiting review, 1 approved (on the shelf), 2 rejected.
    pub review_status: i64,
    pub review_status_str: &'static str,
    /// Why the merchant rejected it; "" otherwise.
    pub review_remark: String,
}

impl MyGoodsView {
    fn new(g: &GoodsRow, p: &Publisher, base: &BaseUrl) -> Self {
        MyGoodsView {
            goods: GoodsView::new(g, base),
            review_status: p.review,
            review_status_str: publish::review_str(p.review),
            review_remark: p.reason.clone(),
        }
    }
}

/// A picture link: one of our uploads or an http(s) URL.
fn picture(name: &'static str, v: &str) -> Result<String, ApiError> {
    let v = v.trim();
    let ok = v.starts_with("https://") || v.starts_with("http://") || v.starts_with("/uploads/");
    if !ok || v.chars().count() > 500 || v.chars().any(|c| c.is_whitespace() || c == '"' || c == '<') {
        return Err(ApiError::invalid(name, "应为上传后得到的图片地址（http 或 https）"));
    }
    Ok(v.to_string())
}

/// `pics` as a JSON array of URLs or a comma-separated list.
fn pictures(p: &Params) -> Result<Vec<String>, ApiError> {
    let Some(text) = p.opt_text("pics", 6000)? else { return Ok(Vec::new()) };
    let list: Vec<String> = if text.starts_with('[') {
        serde_json::from_str(text).map_err(|_| ApiError::invalid("pics", "应为图片地址的 JSON 数组"))?
    } else {
        text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
    };
    if list.len() > MAX_PICS {
        return Err(ApiError::invalid("pics", format!("最多 {MAX_PICS} 张图片")));
    }
    list.iter().map(|u| picture("pics", u)).collect()
}

fn price_fen(p: &Params, name: &'static str) -> Result<Option<i64>, ApiError> {
    p.opt_text(name, 20)?
        .map(|v| {
            money::parse(v).ok_or_else(|| ApiError::invalid(name, "应为不小于 0、最多两位小数的金额（元）"))
        })
        .transpose()
}

/// The goods the shopper sent; content is sanitised by the catalogue's checks.
fn new_goods(p: &Params) -> Result<NewGoods, ApiError> {
    let pics = pictures(p)?;
    let pic = match p.opt_text("pic", 500)? {
        Some(v) => picture("pic", v)?,
        None => pics.first().cloned().unwrap_or_default(),
    };
    let stores = p.opt_int("stores")?.unwrap_or(1);
    if !(0..=1_000_000).contains(&stores) {
        return Err(ApiError::invalid("stores", "应在 0 到 1000000 之间"));
    }
    let min_price = price_fen(p, "minPrice")?.ok_or(ApiError::Missing("minPrice"))?;
    let category_id = match p.opt_int("categoryId")? {
        Some(id) if id > 0 => Some(id),
        Some(0) | None => None,
        Some(_) => return Err(ApiError::invalid("categoryId", "应为分类 id")),
    };
    let video_id = match p.opt_int("videoId")? {
        Some(id) if id > 0 => Some(id),
        Some(0) | None => None,
        Some(_) => return Err(ApiError::invalid("videoId", "应为上传视频后得到的文件 id")),
    };
    let text = |name: &'static str, max: usize| -> Result<String, ApiError> {
        Ok(p.opt_text(name, max)?.unwrap_or_default().to_string())
    };
    Ok(NewGoods {
        fields: GoodsFields {
            category_id,
            name: p.text("name", MAX_GOODS_NAME)?.to_string(),
            characteristic: text("characteristic", MAX_LINE)?,
            content: text("content", MAX_CONTENT)?,
            pic,
            video_id,
            tags: text("tags", MAX_LINE)?,
            purchase_notes: text("purchaseNotes", 2000)?,
            stores,
            min_price,
            original_price: price_fen(p, "originalPrice")?.unwrap_or(min_price),
            ..GoodsFields::default()
        },
        pics,
        ..NewGoods::default()
    })
}

/// POST /<sub>/shop/goods/putOrUpdate — pushNewGoods; logged-in shopper. Creates the shopper's
/// goods (no `id`) or rewrites their own (`id`); either way it waits, off the shelf, for review.
#[post("/shop/goods/putOrUpdate", data = "<who>")]
async fn put_or_update(who: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<MyGoodsView> {
    let id = who.p.opt_int("id")?.filter(|&id| id != 0);
    let goods = new_goods(&who.p)?;
    // An edit without `stores` leaves the stock to the orders that change it.
    let stock = who.p.opt_int("stores")?.map_or(Stock::Keep, Stock::Put);
    let uid = who.user_id;
    let (g, p) = db
        .write(move |c| {
            let id = publish::publish(c, uid, id, goods, stock, db::unix_now())?;
            publish::owned(c, uid, id)
        })
        .await?;
    Ok(Reply(MyGoodsView::new(&g, &p, &base)))
}

/// POST /<sub>/shop/goods/mygoods — mygoods; logged-in shopper. The shopper's own goods, newest
/// first, with their review state; paged, 700 when none.
#[post("/shop/goods/mygoods", data = "<who>")]
async fn mine(who: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<MyGoodsView>> {
    let paging = Paging::from(&who.p)?;
    let uid = who.user_id;
    let (rows, total) = db.read(move |c| publish::mine(c, uid, paging.offset(), paging.limit())).await?;
    Ok(Reply(paging.page(rows.iter().map(|(g, p)| MyGoodsView::new(g, p, &base)).collect(), total)?))
}

/// POST /<sub>/shop/goods/del — deleteMyGoods; logged-in shopper. Only goods the shopper
/// published: 404 for unknown ids, 403 for anyone else's.
#[post("/shop/goods/del", data = "<who>")]
async fn delete(who: Authed, db: &State<Db>) -> ApiResult<()> {
    let id = who.p.int("id")?;
    let uid = who.user_id;
    db.write(move |c| publish::unpublish(c, uid, id)).await?;
    Ok(Reply(()))
}
