//! Province / city / district data, built into the binary (see src/regions.rs).

use rocket::{get, post, routes, Route, State};

use super::{ApiResult, Params, Reply};
use crate::error::ApiError;
use crate::regions::{Region, Regions};

pub fn routes() -> Vec<Route> {
    routes![province_v2, child_v2, cities_v2, districts_v2]
}

pub fn root_routes() -> Vec<Route> {
    routes![province, child, cities, districts]
}

/// Every region one level below each of `parents`, in their order.
fn below(regions: &Regions, parents: &[Region]) -> Vec<Region> {
    parents.iter().flat_map(|p| regions.children(&p.id).unwrap_or_default().iter().cloned()).collect()
}

/// GET /<sub>/region/city — cityV2; anyone. Every city (`pid` its province), for the address
/// parser that matches typed text against them.
#[get("/region/city")]
fn cities_v2(regions: &State<Regions>) -> ApiResult<Vec<Region>> {
    Ok(Reply(below(regions, regions.provinces())))
}

/// GET /common/region/v2/city — city; anyone. The same list as cityV2, at the root.
#[get("/common/region/v2/city")]
fn cities(regions: &State<Regions>) -> ApiResult<Vec<Region>> {
    Ok(Reply(below(regions, regions.provinces())))
}

fn all_districts(regions: &Regions) -> Vec<Region> {
    let cities = below(regions, regions.provinces());
    below(regions, &cities)
}

/// GET /common/region/v2/districts — districts; anyone. Every district (`pid` its city).
#[get("/common/region/v2/districts")]
fn districts(regions: &State<Regions>) -> ApiResult<Vec<Region>> {
    Ok(Reply(all_districts(regions)))
}

/// POST /<sub>/region/districts — districtsV2; anyone. The same list under the subDomain.
#[post("/region/districts")]
fn districts_v2(regions: &State<Regions>) -> ApiResult<Vec<Region>> {
    Ok(Reply(all_districts(regions)))
}

fn children(regions: &Regions, p: &Params) -> Result<Vec<Region>, ApiError> {
    let pid = p.text("pid", 20)?;
    let list = regions.children(pid).ok_or(ApiError::NotFound("地区"))?;
    if list.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(list.to_vec())
}

/// GET /common/region/v2/province — province; anyone. Every province.
#[get("/common/region/v2/province")]
fn province(regions: &State<Regions>) -> ApiResult<Vec<Region>> {
    Ok(Reply(regions.provinces().to_vec()))
}

/// GET /common/region/v2/child — nextRegion; anyone. Children of `pid`; 700 below a district.
#[get("/common/region/v2/child")]
fn child(p: Params, regions: &State<Regions>) -> ApiResult<Vec<Region>> {
    Ok(Reply(children(regions, &p)?))
}

/// GET /<sub>/region/province — provinceV2; anyone.
#[get("/region/province")]
fn province_v2(regions: &State<Regions>) -> ApiResult<Vec<Region>> {
    Ok(Reply(regions.provinces().to_vec()))
}

/// GET /<sub>/region/child — nextRegionV2; anyone.
#[get("/region/child")]
fn child_v2(p: Params, regions: &State<Regions>) -> ApiResult<Vec<Region>> {
    Ok(Reply(children(regions, &p)?))
}
