//! Province / city / district data, built into the binary (see src/regions.rs).

use rocket::{get, routes, Route, State};

use super::{ApiResult, Params, Reply};
use crate::error::ApiError;
use crate::regions::{Region, Regions};

pub fn routes() -> Vec<Route> {
    routes![province_v2, child_v2]
}

pub fn root_routes() -> Vec<Route> {
    routes![province, child]
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
