//! Goods videos: an uploaded mp4 that a goods names by its upload id (`videoId`), answered by
//! videoDetail with its URL and a cover (the main picture of the goods that shows it).

use rusqlite::Connection;

use crate::db::{self, upload::Upload};
use crate::service::error::{Entity, Error, Result};

/// A stored video and its cover picture ("/uploads/…" or absolute; None when no goods shows it).
pub struct Video {
    pub upload: Upload,
    pub cover: Option<String>,
}

fn is_video(u: &Upload) -> bool {
    u.mime.starts_with("video/")
}

/// videoDetail: the upload `id` when it is a video; 404 otherwise.
pub fn video(c: &Connection, id: i64) -> Result<Video> {
    let upload = db::upload::by_id(c, id)?.filter(is_video).ok_or(Error::NotFound(Entity::Video))?;
    let cover = db::calendar::cover_of_video(c, id)?;
    Ok(Video { upload, cover })
}

/// A goods may show upload `id` only when it is a kept (not temporary) video; a shopper's goods
/// (`owner` set) only a video that shopper uploaded. Errors name `videoId`.
pub fn check_video(c: &Connection, id: i64, owner: Option<i64>) -> Result<()> {
    let Some(u) = db::upload::by_id(c, id)? else {
        return Err(Error::invalid("videoId", "视频不存在，请先上传视频"));
    };
    if !is_video(&u) {
        return Err(Error::invalid("videoId", "该文件不是视频"));
    }
    if u.expires_at.is_some() {
        return Err(Error::invalid("videoId", "临时文件会被定期清理，不能用作商品视频"));
    }
    if owner.is_some() && u.user_id != owner {
        return Err(Error::invalid("videoId", "只能使用自己上传的视频"));
    }
    Ok(())
}
