//! Favourite goods: a logged-in shopper's own list (goodsFavAdd / goodsFavPut, goodsFavCheck,
//! goodsFavList(V2), goodsFavDelete(V2)).
//!
//! Adding twice keeps one favourite; only on-shelf goods can be added; goods.number_fav follows
//! (schema triggers). goodsFavCheck answers 0 when it IS a favourite and -1 "未收藏" when not:
//! the templates read any non-zero code as "not a favourite". Only the shop's own goods
//! (`type` 0) can be kept: CPS goods (`type` 1, with `json`) answer 501.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, BaseUrl, Page, Paging, Reply};
use crate::db::favourites::{self, FavRow};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::catalog::shown_goods;

pub fn routes() -> Vec<Route> {
    routes![add, check, list_v1, list_v2, delete]
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FavView {
    pub id: i64,
    pub goods_id: i64,
    pub goods_name: String,
    pub pic: String,
    /// 0: the shop's own goods (the only kind kept here).
    #[serde(rename = "type")]
    pub kind: i64,
    /// The goods snapshot the templates parse for CPS favourites; "" for the shop's own goods.
    pub json: String,
    pub date_add: String,
    pub date_update: String,
}

impl FavView {
    fn new(f: FavRow, base: &BaseUrl) -> Self {
        let date = db::format_unix(f.date_add);
        FavView {
            id: f.id,
            goods_id: f.goods_id,
            goods_name: f.goods_name,
            pic: base.absolute(&f.pic),
            kind: 0,
            json: String::new(),
            date_update: date.clone(),
            date_add: date,
        }
    }
}

/// The goods a favourite is about: `goodsId`, of the shop's own kind.
fn own_goods_id(p: &super::Params) -> Result<i64, ApiError> {
    match p.opt_int("type")? {
        None | Some(0) => {}
        Some(_) => return Err(ApiError::Unsupported("暂不支持收藏第三方（CPS）商品".into())),
    }
    let id = p.int("goodsId")?;
    if id < 1 {
        return Err(ApiError::invalid("goodsId", "应为商品 id"));
    }
    Ok(id)
}

/// POST /<sub>/shop/goods/fav/add — goodsFavPut / goodsFavAdd; logged-in shopper. Adds an
/// on-shelf goods to the favourites (already there: still 0).
#[post("/shop/goods/fav/add", data = "<a>")]
async fn add(a: Authed, db: &State<Db>) -> ApiResult<()> {
    let goods_id = own_goods_id(&a.p)?;
    let user = a.user_id;
    db.write(move |c| {
        shown_goods(c, goods_id)?;
        favourites::add(c, user, goods_id, db::unix_now())?;
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(Reply(()))
}

/// GET /<sub>/shop/goods/fav/check — goodsFavCheck(V2); logged-in shopper. 0 when the goods is
/// a favourite, -1 "未收藏" when not.
#[get("/shop/goods/fav/check")]
async fn check(a: Authed, db: &State<Db>) -> ApiResult<()> {
    let goods_id = own_goods_id(&a.p)?;
    let user = a.user_id;
    let yes = db.read(move |c| favourites::is_favourite(c, user, goods_id)).await?;
    if !yes {
        return Err(ApiError::CheckedNo("未收藏"));
    }
    Ok(Reply(()))
}

/// One page of the caller's favourites (`page`, `pageSize`, `nameLike`).
async fn page_of(a: Authed, db: &Db, base: &BaseUrl) -> Result<(Vec<FavView>, i64, Paging), ApiError> {
    let paging = Paging::from(&a.p)?;
    let name_like = a.p.opt_text("nameLike", 50)?.map(str::to_string);
    let user = a.user_id;
    let (rows, total) = db
        .read(move |c| favourites::list(c, user, name_like.as_deref(), paging.offset(), paging.limit()))
        .await?;
    Ok((rows.into_iter().map(|f| FavView::new(f, base)).collect(), total, paging))
}

/// POST /<sub>/shop/goods/fav/list — goodsFavList; logged-in shopper. A bare array, newest
/// first; 700 when empty.
#[post("/shop/goods/fav/list", data = "<a>")]
async fn list_v1(a: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<Vec<FavView>> {
    let (list, _, _) = page_of(a, db, &base).await?;
    if list.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(list))
}

/// POST /<sub>/shop/goods/fav/list/v2 — goodsFavListV2; logged-in shopper. `{result, totalRow,
/// totalPage}`; 700 when the page is empty.
#[post("/shop/goods/fav/list/v2", data = "<a>")]
async fn list_v2(a: Authed, db: &State<Db>, base: BaseUrl) -> ApiResult<Page<FavView>> {
    let (list, total, paging) = page_of(a, db, &base).await?;
    Ok(Reply(paging.page(list, total)?))
}

/// POST /<sub>/shop/goods/fav/delete — goodsFavDelete(V2); logged-in shopper. Removes the
/// favourite named by `id` and/or `goodsId`; 404 when the shopper has no such favourite.
#[post("/shop/goods/fav/delete", data = "<a>")]
async fn delete(a: Authed, db: &State<Db>) -> ApiResult<()> {
    // The client sends both, the one not meant as "".
    let id = a.p.opt_int("id")?;
    let goods_id = a.p.opt_int("goodsId")?;
    if id.is_none() && goods_id.is_none() {
        return Err(ApiError::Missing("goodsId"));
    }
    let user = a.user_id;
    let n = db.write(move |c| favourites::remove(c, user, id, goods_id)).await?;
    if n == 0 {
        return Err(ApiError::NotFound("收藏"));
    }
    Ok(Reply(()))
}
