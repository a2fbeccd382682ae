//! A shopper's favourite goods (goodsFavAdd / goodsFavCheck / goodsFavList / goodsFavDelete).
//!
//! Every function is scoped to one shopper; goods.number_fav is kept by schema triggers.

use super::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// One favourite with the goods' name and picture as they are now.
#[derive(Debug, Clone)]
pub struct FavRow {
    pub id: i64,
    pub goods_id: i64,
    pub goods_name: String,
    pub pic: String,
    pub date_add: i64,
}

/// Adds a favourite; true when it was new (adding twice keeps the first).
pub fn add(c: &Connection, user_id: i64, goods_id: i64, now: i64) -> Result<bool> {
    let n = c.execute(
        "INSERT INTO goods_favs (user_id, goods_id, date_add) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_id, goods_id) DO NOTHING",
        params![user_id, goods_id, now],
    )?;
    Ok(n == 1)
}

/// True when the shopper has the goods among their favourites.
pub fn is_favourite(c: &Connection, user_id: i64, goods_id: i64) -> Result<bool> {
    Ok(c.query_row(
        "SELECT 1 FROM goods_favs WHERE user_id = ?1 AND goods_id = ?2",
        params![user_id, goods_id],
        |_| Ok(()),
    )
    .optional()?
    .is_some())
}

/// Removes the shopper's favourite by its id and/or goods id; the number removed.
pub fn remove(c: &Connection, user_id: i64, id: Option<i64>, goods_id: Option<i64>) -> Result<usize> {
    Ok(c.execute(
        "DELETE FROM goods_favs WHERE user_id = ?1 AND (?2 IS NULL OR id = ?2) AND (?3 IS NULL OR goods_id = ?3)",
        params![user_id, id, goods_id],
    )?)
}

/// One page of the shopper's favourites, newest first, optionally by a goods-name substring;
/// and how many there are in all.
pub fn list(
    c: &Connection,
    user_id: i64,
    name_like: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<FavRow>, i64)> {
    let pattern =
        name_like.map(|n| format!("%{}%", n.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let total = c.query_row(
        "SELECT count(*) FROM goods_favs f JOIN goods g ON g.id = f.goods_id
         WHERE f.user_id = ?1 AND (?2 IS NULL OR g.name LIKE ?2 ESCAPE '\\')",
        params![user_id, pattern],
        |r| r.get(0),
    )?;
    let mut st = c.prepare(
        "SELECT f.id, f.goods_id, g.name, g.pic, f.date_add FROM goods_favs f JOIN goods g ON g.id = f.goods_id
         WHERE f.user_id = ?1 AND (?2 IS NULL OR g.name LIKE ?2 ESCAPE '\\')
         ORDER BY f.id DESC LIMIT ?3 OFFSET ?4",
    )?;
    let rows = st
        .query_map(params![user_id, pattern, limit, offset], |r| {
            Ok(FavRow {
                id: r.get(0)?,
                goods_id: r.get(1)?,
                goods_name: r.get(2)?,
                pic: r.get(3)?,
                date_add: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}
