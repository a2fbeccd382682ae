//! videoDetail: a goods' video (`basicInfo.videoId` is an upload id) with its URL and cover.

use rocket::{get, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, BaseUrl, Params, Reply};
use crate::db::{self, Db};
use crate::service::upload::relative_url;
use crate::service::video;

pub fn routes() -> Vec<Route> {
    routes![video_detail]
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoView {
    pub id: i64,
    /// The mp4's URL: what the templates play (`data.fdMp4`).
    pub fd_mp4: String,
    /// The main picture of the goods that shows the video; "" when none.
    pub cover_url: String,
    pub name: String,
    /// Bytes.
    pub size: i64,
    pub date_add: String,
}

/// GET /<sub>/media/video/detail — videoDetail; anyone. 404 when `videoId` is not an uploaded video.
#[get("/media/video/detail")]
async fn video_detail(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<VideoView> {
    let id = p.int("videoId")?;
    let v = db.read(move |c| video::video(c, id)).await?;
    Ok(Reply(VideoView {
        id: v.upload.id,
        fd_mp4: base.absolute(&relative_url(&v.upload.path)),
        cover_url: v.cover.map(|c| base.absolute(&c)).unwrap_or_default(),
        name: v.upload.name,
        size: v.upload.size,
        date_add: db::format_unix(v.upload.date_add),
    }))
}
