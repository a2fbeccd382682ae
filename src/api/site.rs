//! Banners, ad positions, notices and friendly links.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{cached, ApiResult, BaseUrl, Paging, Params, RawEnvelope, Reply};
use crate::cache::{Cache, Topic};
use crate::db::{self, site, Db};
use crate::error::ApiError;

pub fn routes() -> Vec<Route> {
    routes![
        banners,
        banner_types,
        ad_position,
        ad_positions,
        notice_last_one,
        notice_list,
        notice_detail,
        partners
    ]
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BannerView {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub pic_url: String,
    pub link_type: i64,
    pub link_url: String,
    pub appid: String,
    pub business_id: i64,
    pub paixu: i64,
    pub status: i64,
    pub remark: String,
    pub date_add: String,
    /// The picture again, under the name the activity page (pages/huodong) reads.
    pub pic: String,
    /// The title again, as the activity page's tag.
    pub tag: String,
}

impl BannerView {
    fn new(b: site::Banner, base: &BaseUrl) -> Self {
        let pic_url = base.absolute(&b.pic_url);
        BannerView {
            id: b.id,
            kind: b.kind,
            pic: pic_url.clone(),
            tag: b.title.clone(),
            title: b.title,
            pic_url,
            link_type: b.link_type,
            link_url: b.link_url,
            appid: b.appid,
            business_id: b.business_id,
            paixu: b.paixu,
            status: b.status,
            remark: b.remark,
            date_add: db::format_unix(b.date_add),
        }
    }
}

/// GET /<sub>/banner/list — banners; anyone. Shown banners of `type` (all types when absent); 700 when none.
#[get("/banner/list")]
async fn banners(
    p: Params,
    db: &State<Db>,
    cache: &State<Cache>,
    base: BaseUrl,
) -> Result<RawEnvelope, ApiError> {
    let kind = p.opt_text("type", 50)?.map(str::to_string);
    let key = base.cache_key(format!("banners:{}:{}", base.0, kind.as_deref().unwrap_or("")));
    cached(cache, db, Topic::Site, key, move |c| {
        let list: Vec<BannerView> =
            site::shown_banners(c, kind.as_deref())?.into_iter().map(|b| BannerView::new(b, &base)).collect();
        if list.is_empty() {
            return Err(ApiError::Empty);
        }
        Ok(list)
    })
    .await
}

/// GET /<sub>/banner/types — bannerTypes; anyone. The types that have shown banners.
#[get("/banner/types")]
async fn banner_types(db: &State<Db>) -> ApiResult<Vec<String>> {
    let all = db.read(|c| site::shown_banners(c, None)).await?;
    let mut types: Vec<String> = all.into_iter().map(|b| b.kind).filter(|t| !t.is_empty()).collect();
    types.sort();
    types.dedup();
    if types.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(types))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdView {
    pub id: i64,
    pub key: String,
    /// The picture.
    pub val: String,
    /// Where a tap goes.
    pub url: String,
    #[serde(rename = "type")]
    pub kind: i64,
    pub remark: String,
    pub date_add: String,
    pub date_update: String,
}

impl AdView {
    fn new(a: site::AdPosition, base: &BaseUrl) -> Self {
        AdView {
            id: a.id,
            key: a.key,
            val: base.absolute(&a.val),
            url: a.url,
            kind: a.kind,
            remark: a.remark,
            date_add: db::format_unix(a.date_add),
            date_update: db::format_unix(a.date_update),
        }
    }
}

/// GET /<sub>/site/adPosition/info — adPosition; anyone. 700 when the slot is unset or hidden.
#[get("/site/adPosition/info")]
async fn ad_position(
    p: Params,
    db: &State<Db>,
    cache: &State<Cache>,
    base: BaseUrl,
) -> Result<RawEnvelope, ApiError> {
    let key = p.text("key", 100)?.to_string();
    let cache_key = base.cache_key(format!("ad:{}:{key}", base.0));
    cached(cache, db, Topic::Site, cache_key, move |c| match site::ad_position(c, &key)? {
        Some(a) if a.status == 0 => Ok(AdView::new(a, &base)),
        _ => Err(ApiError::Empty),
    })
    .await
}

/// GET /<sub>/site/adPosition/batch — adPositionBatch; anyone. The shown slots among `keys`.
#[get("/site/adPosition/batch")]
async fn ad_positions(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<Vec<AdView>> {
    let keys: Vec<String> = p.text("keys", 5000)?.split(',').map(|k| k.trim().to_string()).collect();
    let found = db
        .read(move |c| {
            let mut out = Vec::new();
            for k in keys.iter().filter(|k| !k.is_empty()).take(100) {
                if let Some(a) = site::ad_position(c, k)?.filter(|a| a.status == 0) {
                    out.push(AdView::new(a, &base));
                }
            }
            Ok::<_, ApiError>(out)
        })
        .await?;
    if found.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(found))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NoticeView {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub content: String,
    pub is_show: bool,
    pub date_add: String,
    pub date_update: String,
}

impl From<site::Notice> for NoticeView {
    fn from(n: site::Notice) -> Self {
        NoticeView {
            id: n.id,
            kind: n.kind,
            title: n.title,
            content: n.content,
            is_show: n.is_show,
            date_add: db::format_unix(n.date_add),
            date_update: db::format_unix(n.date_update),
        }
    }
}

/// noticeList's page: the templates read `dataList`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NoticePage {
    pub data_list: Vec<NoticeView>,
    pub total_row: i64,
    pub total_page: i64,
}

/// GET /<sub>/notice/last-one — noticeLastOne; anyone. The newest shown notice (of `type`); 700 when none.
#[get("/notice/last-one")]
async fn notice_last_one(p: Params, db: &State<Db>, cache: &State<Cache>) -> Result<RawEnvelope, ApiError> {
    let kind = p.opt_text("type", 50)?.map(str::to_string);
    let key = Some(format!("notice-last:{}", kind.as_deref().unwrap_or("")));
    cached(cache, db, Topic::Site, key, move |c| {
        let (mut list, _) = site::shown_notices(c, kind.as_deref(), 0, 1)?;
        list.pop().map(NoticeView::from).ok_or(ApiError::Empty)
    })
    .await
}

/// POST /<sub>/notice/list — noticeList; anyone. Shown notices, newest first, paged; 700 when none.
#[post("/notice/list", data = "<p>")]
async fn notice_list(p: Params, db: &State<Db>, cache: &State<Cache>) -> Result<RawEnvelope, ApiError> {
    let kind = p.opt_text("type", 50)?.map(str::to_string);
    let paging = Paging::from(&p)?;
    // A home page call: cached like the last notice, dropped by every notice write.
    let key =
        Some(format!("notice-list:{}:{}:{}", kind.as_deref().unwrap_or(""), paging.page, paging.page_size));
    cached(cache, db, Topic::Site, key, move |c| {
        let (list, total) = site::shown_notices(c, kind.as_deref(), paging.offset(), paging.limit())?;
        let page = paging.page(list.into_iter().map(NoticeView::from).collect(), total)?;
        Ok(NoticePage { data_list: page.result, total_row: page.total_row, total_page: page.total_page })
    })
    .await
}

/// GET /<sub>/notice/detail — noticeDetail; anyone. 404 for an unknown or hidden notice.
#[get("/notice/detail")]
async fn notice_detail(p: Params, db: &State<Db>) -> ApiResult<NoticeView> {
    let id = p.int("id")?;
    let n = db.read(move |c| site::notice_by_id(c, id)).await?;
    match n {
        Some(n) if n.is_show => Ok(Reply(n.into())),
        _ => Err(ApiError::NotFound("公告")),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerView {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub pic_url: String,
    pub link_url: String,
    pub paixu: i64,
    pub date_add: String,
}

/// POST /<sub>/friendly-partner/list — friendlyPartnerList(V2); anyone. 700 when none.
#[post("/friendly-partner/list", data = "<p>")]
async fn partners(
    p: Params,
    db: &State<Db>,
    cache: &State<Cache>,
    base: BaseUrl,
) -> Result<RawEnvelope, ApiError> {
    let kind = p.opt_text("type", 50)?.map(str::to_string);
    let key = base.cache_key(format!("partners:{}:{}", base.0, kind.as_deref().unwrap_or("")));
    cached(cache, db, Topic::Site, key, move |c| {
        let list: Vec<PartnerView> = site::shown_partners(c, kind.as_deref())?
            .into_iter()
            .map(|f| PartnerView {
                id: f.id,
                kind: f.kind,
                title: f.title,
                pic_url: base.absolute(&f.pic_url),
                link_url: f.link_url,
                paixu: f.paixu,
                date_add: db::format_unix(f.date_add),
            })
            .collect();
        if list.is_empty() {
            return Err(ApiError::Empty);
        }
        Ok(list)
    })
    .await
}
