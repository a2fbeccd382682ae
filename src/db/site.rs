//! Banners, ad positions, notices and friendly links.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(Debug, Clone)]
pub struct Banner {
    pub id: i64,
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
    pub date_add: i64,
}

/// What a banner form or API call sets.
#[derive(Debug, Clone, Default)]
pub struct BannerInput {
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
}

const BANNER_COLUMNS: &str =
    "id, type, title, pic_url, link_type, link_url, appid, business_id, paixu, status, remark, date_add";

fn banner(r: &Row) -> rusqlite::Result<Banner> {
    Ok(Banner {
        id: r.get(0)?,
        kind: r.get(1)?,
        title: r.get(2)?,
        pic_url: r.get(3)?,
        link_type: r.get(4)?,
        link_url: r.get(5)?,
        appid: r.get(6)?,
        business_id: r.get(7)?,
        paixu: r.get(8)?,
        status: r.get(9)?,
        remark: r.get(10)?,
        date_add: r.get(11)?,
    })
}

/// Shown banners, optionally of one type, in display order.
pub fn shown_banners(c: &Connection, kind: Option<&str>) -> Result<Vec<Banner>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {BANNER_COLUMNS} FROM banners WHERE status = 0 AND (?1 IS NULL OR type = ?1)
         ORDER BY paixu, id"
    ))?;
    let rows = st.query_map([kind], banner)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every banner (console), optionally filtered by type and a title search.
pub fn all_banners(c: &Connection, kind: Option<&str>, search: Option<&str>) -> Result<Vec<Banner>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {BANNER_COLUMNS} FROM banners
         WHERE (?1 IS NULL OR type = ?1) AND (?2 IS NULL OR instr(title, ?2) > 0)
         ORDER BY type, paixu, id"
    ))?;
    let rows = st.query_map(params![kind, search], banner)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn banner_by_id(c: &Connection, id: i64) -> Result<Option<Banner>> {
    Ok(c.query_row(&format!("SELECT {BANNER_COLUMNS} FROM banners WHERE id = ?1"), [id], banner)
        .optional()?)
}

pub fn insert_banner(c: &Connection, b: &BannerInput, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO banners (type, title, pic_url, link_type, link_url, appid, business_id, paixu, status,
             remark, date_add) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            b.kind,
            b.title,
            b.pic_url,
            b.link_type,
            b.link_url,
            b.appid,
            b.business_id,
            b.paixu,
            b.status,
            b.remark,
            now
        ],
    )?;
    Ok(c.last_insert_rowid())
}

/// Updates a banner; false when it does not exist.
pub fn update_banner(c: &Connection, id: i64, b: &BannerInput) -> Result<bool> {
    let n = c.execute(
        "UPDATE banners SET type = ?2, title = ?3, pic_url = ?4, link_type = ?5, link_url = ?6, appid = ?7,
             business_id = ?8, paixu = ?9, status = ?10, remark = ?11 WHERE id = ?1",
        params![
            id,
            b.kind,
            b.title,
            b.pic_url,
            b.link_type,
            b.link_url,
            b.appid,
            b.business_id,
            b.paixu,
            b.status,
            b.remark
        ],
    )?;
    Ok(n == 1)
}

pub fn delete_banner(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM banners WHERE id = ?1", [id])? == 1)
}

#[derive(Debug, Clone)]
pub struct AdPosition {
    pub id: i64,
    pub key: String,
    pub val: String,
    pub url: String,
    pub kind: i64,
    pub remark: String,
    pub status: i64,
    pub date_add: i64,
    pub date_update: i64,
}

const AD_COLUMNS: &str = "id, key, val, url, type, remark, status, date_add, date_update";

fn ad(r: &Row) -> rusqlite::Result<AdPosition> {
    Ok(AdPosition {
        id: r.get(0)?,
        key: r.get(1)?,
        val: r.get(2)?,
        url: r.get(3)?,
        kind: r.get(4)?,
        remark: r.get(5)?,
        status: r.get(6)?,
        date_add: r.get(7)?,
        date_update: r.get(8)?,
    })
}

pub fn ad_position(c: &Connection, key: &str) -> Result<Option<AdPosition>> {
    Ok(c.query_row(&format!("SELECT {AD_COLUMNS} FROM ad_positions WHERE key = ?1"), [key], ad).optional()?)
}

pub fn ad_position_by_id(c: &Connection, id: i64) -> Result<Option<AdPosition>> {
    Ok(c.query_row(&format!("SELECT {AD_COLUMNS} FROM ad_positions WHERE id = ?1"), [id], ad).optional()?)
}

pub fn all_ad_positions(c: &Connection) -> Result<Vec<AdPosition>> {
    let mut st = c.prepare_cached(&format!("SELECT {AD_COLUMNS} FROM ad_positions ORDER BY key"))?;
    let rows = st.query_map([], ad)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Creates or replaces the ad slot `key`; returns its id.
#[allow(clippy::too_many_arguments)] // one column each; a struct would only rename them
pub fn put_ad_position(
    c: &Connection,
    key: &str,
    val: &str,
    url: &str,
    kind: i64,
    remark: &str,
    status: i64,
    now: i64,
) -> Result<i64> {
    Ok(c.query_row(
        "INSERT INTO ad_positions (key, val, url, type, remark, status, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
         ON CONFLICT(key) DO UPDATE SET val = excluded.val, url = excluded.url, type = excluded.type,
             remark = excluded.remark, status = excluded.status, date_update = excluded.date_update
         RETURNING id",
        params![key, val, url, kind, remark, status, now],
        |r| r.get(0),
    )?)
}

pub fn delete_ad_position(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM ad_positions WHERE id = ?1", [id])? == 1)
}

#[derive(Debug, Clone)]
pub struct Notice {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub content: String,
    pub is_show: bool,
    pub date_add: i64,
    pub date_update: i64,
}

const NOTICE_COLUMNS: &str = "id, type, title, content, is_show, date_add, date_update";

fn notice(r: &Row) -> rusqlite::Result<Notice> {
    Ok(Notice {
        id: r.get(0)?,
        kind: r.get(1)?,
        title: r.get(2)?,
        content: r.get(3)?,
        is_show: r.get(4)?,
        date_add: r.get(5)?,
        date_update: r.get(6)?,
    })
}

/// Shown notices (newest first) of an optional type, a page at a time, with the total count.
pub fn shown_notices(
    c: &Connection,
    kind: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Notice>, i64)> {
    let total: i64 = c.query_row(
        "SELECT count(*) FROM notices WHERE is_show = 1 AND (?1 IS NULL OR type = ?1)",
        [kind],
        |r| r.get(0),
    )?;
    let mut st = c.prepare_cached(&format!(
        "SELECT {NOTICE_COLUMNS} FROM notices WHERE is_show = 1 AND (?1 IS NULL OR type = ?1)
         ORDER BY id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = st.query_map(params![kind, limit, offset], notice)?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}

/// Every notice (console), newest first, with an optional title search.
pub fn all_notices(
    c: &Connection,
    search: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Notice>, i64)> {
    let total: i64 = c.query_row(
        "SELECT count(*) FROM notices WHERE (?1 IS NULL OR instr(title, ?1) > 0)",
        [search],
        |r| r.get(0),
    )?;
    let mut st = c.prepare_cached(&format!(
        "SELECT {NOTICE_COLUMNS} FROM notices WHERE (?1 IS NULL OR instr(title, ?1) > 0)
         ORDER BY id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = st.query_map(params![search, limit, offset], notice)?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}

pub fn notice_by_id(c: &Connection, id: i64) -> Result<Option<Notice>> {
    Ok(c.query_row(&format!("SELECT {NOTICE_COLUMNS} FROM notices WHERE id = ?1"), [id], notice)
        .optional()?)
}

pub fn insert_notice(
    c: &Connection,
    kind: &str,
    title: &str,
    content: &str,
    is_show: bool,
    now: i64,
) -> Result<i64> {
    c.execute(
        "INSERT INTO notices (type, title, content, is_show, date_add, date_update) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![kind, title, content, is_show, now],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn update_notice(
    c: &Connection,
    id: i64,
    kind: &str,
    title: &str,
    content: &str,
    is_show: bool,
    now: i64,
) -> Result<bool> {
    let n = c.execute(
        "UPDATE notices SET type = ?2, title = ?3, content = ?4, is_show = ?5, date_update = ?6 WHERE id = ?1",
        params![id, kind, title, content, is_show, now],
    )?;
    Ok(n == 1)
}

pub fn delete_notice(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM notices WHERE id = ?1", [id])? == 1)
}

#[derive(Debug, Clone)]
pub struct Partner {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub pic_url: String,
    pub link_url: String,
    pub paixu: i64,
    pub status: i64,
    pub date_add: i64,
}

const PARTNER_COLUMNS: &str = "id, type, title, pic_url, link_url, paixu, status, date_add";

fn partner(r: &Row) -> rusqlite::Result<Partner> {
    Ok(Partner {
        id: r.get(0)?,
        kind: r.get(1)?,
        title: r.get(2)?,
        pic_url: r.get(3)?,
        link_url: r.get(4)?,
        paixu: r.get(5)?,
        status: r.get(6)?,
        date_add: r.get(7)?,
    })
}

/// Shown friendly links of an optional type, in display order.
pub fn shown_partners(c: &Connection, kind: Option<&str>) -> Result<Vec<Partner>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {PARTNER_COLUMNS} FROM friendly_partners WHERE status = 0 AND (?1 IS NULL OR type = ?1)
         ORDER BY paixu, id"
    ))?;
    let rows = st.query_map([kind], partner)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn all_partners(c: &Connection) -> Result<Vec<Partner>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {PARTNER_COLUMNS} FROM friendly_partners ORDER BY type, paixu, id"
    ))?;
    let rows = st.query_map([], partner)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn partner_by_id(c: &Connection, id: i64) -> Result<Option<Partner>> {
    Ok(c.query_row(&format!("SELECT {PARTNER_COLUMNS} FROM friendly_partners WHERE id = ?1"), [id], partner)
        .optional()?)
}

#[allow(clippy::too_many_arguments)] // one column each; a struct would only rename them
pub fn save_partner(
    c: &Connection,
    id: Option<i64>,
    kind: &str,
    title: &str,
    pic_url: &str,
    link_url: &str,
    paixu: i64,
    status: i64,
    now: i64,
) -> Result<Option<i64>> {
    if let Some(id) = id {
        let n = c.execute(
            "UPDATE friendly_partners SET type = ?2, title = ?3, pic_url = ?4, link_url = ?5, paixu = ?6,
                 status = ?7 WHERE id = ?1",
            params![id, kind, title, pic_url, link_url, paixu, status],
        )?;
        Ok((n == 1).then_some(id))
    } else {
        c.execute(
            "INSERT INTO friendly_partners (type, title, pic_url, link_url, paixu, status, date_add)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![kind, title, pic_url, link_url, paixu, status, now],
        )?;
        Ok(Some(c.last_insert_rowid()))
    }
}

pub fn delete_partner(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM friendly_partners WHERE id = ?1", [id])? == 1)
}

/// Counts for siteStatistics: (number of files, bytes stored).
pub fn upload_totals(c: &Connection) -> Result<(i64, i64)> {
    Ok(c.query_row("SELECT count(*), coalesce(sum(size), 0) FROM uploads", [], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?)
}

/// True when the shop has any config value or banner (demo data goes only into an empty shop).
pub fn has_config_or_banners(c: &Connection) -> Result<bool> {
    let n: i64 = c.query_row(
        "SELECT (SELECT count(*) FROM config_values) + (SELECT count(*) FROM banners)",
        [],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}
