//! Distribution reports: distributors ranked by their team's sales (all time, or one day), and
//! the merchant's monthly targets per city and per team against what the caller's team sold.
//! 700 while distribution is off, and for the targets until the merchant sets one.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, BaseUrl, Page, Paging, Params, Reply};
use crate::db::fx_reports::{self as store, target_kind, Target};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money::to_yuan;
use crate::service::fx::{self, FxRules};
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![rank_total, rank_daily, cities, city_report, team_report]
}

fn open_for_reads(settings: &Settings) -> Result<(), ApiError> {
    if FxRules::of(&settings.get()).open {
        Ok(())
    } else {
        Err(ApiError::NoData("本店未开启分销"))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RankView {
    pub rank: i64,
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
    /// Yuan the distributor's team sold.
    pub saleroom: f64,
    pub number_order: i64,
}

async fn ranking(
    db: &Db,
    base: &BaseUrl,
    p: &Params,
    range: (Option<i64>, Option<i64>),
) -> ApiResult<Page<RankView>> {
    let paging = Paging::from(p)?;
    let (offset, limit) = (paging.offset(), paging.limit());
    let (total, rows) = db.read(move |c| store::saleroom_rank(c, range.0, range.1, offset, limit)).await?;
    let result = rows
        .into_iter()
        .zip(offset + 1..)
        .map(|(r, rank)| RankView {
            rank,
            uid: r.user_id,
            nick: r.nick,
            avatar_url: if r.avatar_url.is_empty() { String::new() } else { base.absolute(&r.avatar_url) },
            saleroom: to_yuan(r.saleroom),
            number_order: r.orders,
        })
        .collect();
    Ok(Reply(paging.page(result, total)?))
}

/// GET /<sub>/saleDistribution/sale-room-rank/total — fxSaleroomRankTotal; anyone. Distributors
/// by their team's sales of all time, best first; 700 when none.
#[get("/saleDistribution/sale-room-rank/total")]
async fn rank_total(
    p: Params,
    db: &State<Db>,
    base: BaseUrl,
    settings: &State<Settings>,
) -> ApiResult<Page<RankView>> {
    open_for_reads(settings)?;
    ranking(db, &base, &p, (None, None)).await
}

/// GET /<sub>/saleDistribution/sale-room-rank/daily — fxSaleroomRankDaily; anyone. The same for
/// one shop day `day` (yyyyMMdd or yyyy-MM-dd; today when absent).
#[get("/saleDistribution/sale-room-rank/daily")]
async fn rank_daily(
    p: Params,
    db: &State<Db>,
    base: BaseUrl,
    settings: &State<Settings>,
) -> ApiResult<Page<RankView>> {
    open_for_reads(settings)?;
    let day = match p.opt_text("day", 10)?.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => d.to_string(),
        None => month_text(db::unix_now(), true),
    };
    if day.chars().filter(char::is_ascii_digit).count() != 8 {
        return Err(ApiError::invalid("day", "应为 yyyyMMdd 或 yyyy-MM-dd".to_string()));
    }
    let range = fx::period("day", &day)?;
    ranking(db, &base, &p, range).await
}

/// The shop's time zone offset (Asia/Shanghai).
const SHOP_OFFSET_SECS: i64 = 8 * 3600;

/// `yyyyMM` (or, `with_day`, `yyyyMMdd`) of a Unix second in shop time.
fn month_text(unix: i64, with_day: bool) -> String {
    let d = time::OffsetDateTime::from_unix_timestamp(unix + SHOP_OFFSET_SECS)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    if with_day {
        format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day())
    } else {
        format!("{:04}{:02}", d.year(), u8::from(d.month()))
    }
}

/// The months from the target's setting to now, newest first: (`yyyy-MM`, from, to).
fn months_since(since: i64, now: i64) -> Result<Vec<(String, i64, i64)>, ApiError> {
    let mut out = Vec::new();
    let mut at = now;
    let first = month_text(since, false);
    loop {
        let text = month_text(at, false);
        let (Some(from), Some(to)) = fx::period("month", &text)? else { break };
        out.push((format!("{}-{}", &text[..4], &text[4..]), from, to));
        if text <= first || out.len() >= 120 {
            break;
        }
        at = from - 1;
    }
    Ok(out)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CityView {
    pub id: i64,
    pub province_id: String,
    pub province_name: String,
    pub city_id: String,
    pub city_name: String,
    /// Yuan per month.
    pub standard_saleroom: f64,
    /// Yuan the caller's team sold in the city this month.
    pub cur_saleroom: f64,
}

/// GET /<sub>/saleDistribution/city/list — fxCities; logged-in shopper. The cities the merchant
/// set monthly targets for, with what the shopper's team sold there this month; 700 until a
/// city target is set.
#[get("/saleDistribution/city/list")]
async fn cities(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<Vec<CityView>> {
    open_for_reads(settings)?;
    let (uid, now) = (req.user_id, db::unix_now());
    let (_, from, to) = months_since(now, now)?.into_iter().next().ok_or(ApiError::Empty)?;
    let rows = db
        .read(move |c| {
            let mut out = Vec::new();
            for t in store::targets(c, target_kind::CITY)? {
                let cur = store::team_sales(c, uid, Some(&t.city_id), from, to)?;
                out.push((t, cur));
            }
            Ok::<_, db::Error>(out)
        })
        .await?;
    if rows.is_empty() {
        return Err(ApiError::NoData("商家尚未设置城市销售目标"));
    }
    let regions = crate::regions::Regions::shared();
    let name = |id: &str| regions.get(id).map(|r| r.name.clone()).unwrap_or_default();
    Ok(Reply(
        rows.into_iter()
            .map(|(t, cur)| CityView {
                id: t.id,
                province_name: name(&t.province_id),
                city_name: name(&t.city_id),
                province_id: t.province_id,
                city_id: t.city_id,
                standard_saleroom: to_yuan(t.standard),
                cur_saleroom: to_yuan(cur),
            })
            .collect(),
    ))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MonthView {
    /// yyyy-MM
    pub month: String,
    pub standard_saleroom: f64,
    pub cur_saleroom: f64,
}

/// One page of months of a target: its standard against the caller's team's sales.
async fn report(
    db: &Db,
    p: &Params,
    uid: i64,
    t: Target,
    city: Option<String>,
) -> ApiResult<Page<MonthView>> {
    let paging = Paging {
        page: p.opt_int("page")?.unwrap_or(1).max(1),
        page_size: p.opt_int("pageSize")?.unwrap_or(12).clamp(1, 120),
    };
    let months = months_since(t.date_add, db::unix_now())?;
    let total = i64::try_from(months.len()).unwrap_or(0);
    let wanted: Vec<_> = months
        .into_iter()
        .skip(usize::try_from(paging.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(paging.limit()).unwrap_or(0))
        .collect();
    let standard = t.standard;
    let rows = db
        .read(move |c| {
            let mut out = Vec::with_capacity(wanted.len());
            for (month, from, to) in wanted {
                let cur = store::team_sales(c, uid, city.as_deref(), from, to)?;
                out.push(MonthView {
                    month,
                    standard_saleroom: to_yuan(standard),
                    cur_saleroom: to_yuan(cur),
                });
            }
            Ok::<_, db::Error>(out)
        })
        .await?;
    Ok(Reply(paging.page(rows, total)?))
}

/// POST /<sub>/saleDistribution/city/report — fxCityReport; logged-in shopper. provinceId, cityId,
/// page: month by month since the city's target was set, the target against what the shopper's
/// team sold in that city; 700 when the merchant set no target for it.
#[post("/saleDistribution/city/report", data = "<req>")]
async fn city_report(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<Page<MonthView>> {
    open_for_reads(settings)?;
    let province = req.p.text("provinceId", 12)?.trim().to_string();
    let city = req.p.text("cityId", 12)?.trim().to_string();
    let (p2, c2) = (province.clone(), city.clone());
    let t = db
        .read(move |c| store::target_of(c, target_kind::CITY, &p2, &c2))
        .await?
        .ok_or(ApiError::NoData("商家尚未设置该城市的销售目标"))?;
    report(db, &req.p, req.user_id, t, Some(city)).await
}

/// POST /<sub>/saleDistribution/team/report — fxTeamReport; logged-in shopper. page: month by
/// month since the team target was set, the target against what the shopper's team sold; 700
/// until the merchant sets a team target.
#[post("/saleDistribution/team/report", data = "<req>")]
async fn team_report(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<Page<MonthView>> {
    open_for_reads(settings)?;
    let t = db
        .read(|c| store::target_of(c, target_kind::TEAM, "", ""))
        .await?
        .ok_or(ApiError::NoData("商家尚未设置团队销售目标"))?;
    report(db, &req.p, req.user_id, t, None).await
}
