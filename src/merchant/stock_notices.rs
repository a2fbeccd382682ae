//! Shoppers waiting for sold-out goods (到货通知) for the merchant's own systems: who waits for
//! which goods, and who was told it is back.

use rocket::serde::json::Json;
use rocket::{get, routes, FromForm, Route, State};
use serde::Serialize;

use super::body::opt_int;
use super::{Answer, ApiKey, Paged, Paging};
use crate::db::stock_notice::{self as store, Notice};
use crate::db::{self, Db};

pub fn routes() -> Vec<Route> {
    routes![list]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NoticeView {
    pub id: i64,
    pub user_id: i64,
    pub nick: String,
    pub mobile: String,
    pub goods_id: i64,
    pub goods_name: String,
    /// 0: the goods as a whole.
    pub sku_id: i64,
    /// The SKU's property ids ("1:2,"), '' for the goods as a whole.
    pub property_child_ids: String,
    /// 0 waiting, 1 told it is back.
    pub status: i64,
    pub date_add: String,
    pub date_notified: Option<String>,
}

impl From<Notice> for NoticeView {
    fn from(n: Notice) -> Self {
        NoticeView {
            id: n.id,
            user_id: n.user_id,
            nick: n.nick,
            mobile: n.mobile,
            goods_id: n.goods_id,
            goods_name: n.goods_name,
            sku_id: n.sku_id,
            property_child_ids: n.sku_key,
            status: n.status,
            date_add: db::format_unix(n.date_add),
            date_notified: n.date_notified.map(db::format_unix),
        }
    }
}

/// `?goodsId=&status=&page=&pageSize=`
#[derive(Debug, FromForm)]
pub struct ListQuery<'r> {
    #[field(name = "goodsId")]
    goods_id: Option<&'r str>,
    status: Option<&'r str>,
    page: Option<&'r str>,
    #[field(name = "pageSize")]
    page_size: Option<&'r str>,
}

/// GET /admin/api/v1/stock-notices?goodsId=&status=&page=&pageSize= — merchant key. Newest first.
#[get("/stock-notices?<q..>")]
async fn list(_key: ApiKey, db: &State<Db>, q: ListQuery<'_>) -> Answer<Json<Paged<NoticeView>>> {
    let goods = opt_int("goodsId", q.goods_id, 1..=i64::MAX)?;
    let status = opt_int("status", q.status, 0..=1)?;
    let paging = Paging::new(q.page, q.page_size)?;
    let (rows, total) =
        db.read(move |c| store::list(c, goods, status, paging.offset(), paging.page_size)).await?;
    Ok(Json(paging.wrap(rows.into_iter().map(Into::into).collect(), total)))
}
