//! Rounds of the number-bomb game (`number_bomb_games`).

use super::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// Round states.
pub mod status {
    pub const PLAYING: i64 = 0;
    pub const LOST: i64 = 1;
    pub const WON: i64 = 2;
    /// Left unfinished when the shopper began another round.
    pub const ABANDONED: i64 = 3;

    pub fn label(status: i64) -> &'static str {
        match status {
            PLAYING => "进行中",
            LOST => "未猜中",
            WON => "猜中",
            ABANDONED => "已放弃",
            _ => "未知",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Round {
    pub id: i64,
    pub user_id: i64,
    pub bomb: i64,
    pub max_number: i64,
    pub max_guess: i64,
    pub guess_time: i64,
    pub use_score: i64,
    pub win_score: i64,
    pub status: i64,
    pub date_add: i64,
    pub date_update: i64,
}

const COLUMNS: &str =
    "id, user_id, bomb, max_number, max_guess, guess_time, use_score, win_score, status, date_add, date_update";

fn round(r: &Row) -> rusqlite::Result<Round> {
    Ok(Round {
        id: r.get(0)?,
        user_id: r.get(1)?,
        bomb: r.get(2)?,
        max_number: r.get(3)?,
        max_guess: r.get(4)?,
        guess_time: r.get(5)?,
        use_score: r.get(6)?,
        win_score: r.get(7)?,
        status: r.get(8)?,
        date_add: r.get(9)?,
        date_update: r.get(10)?,
    })
}

pub fn get(c: &Connection, id: i64) -> Result<Option<Round>> {
    Ok(c.query_row(&format!("SELECT {COLUMNS} FROM number_bomb_games WHERE id = ?1"), [id], round)
        .optional()?)
}

/// Marks the shopper's unfinished rounds abandoned.
pub fn abandon_open(c: &Connection, user_id: i64, now: i64) -> Result<usize> {
    Ok(c.execute(
        "UPDATE number_bomb_games SET status = 3, date_update = ?2 WHERE user_id = ?1 AND status = 0",
        params![user_id, now],
    )?)
}

/// A new round (`id`, `guess_time`, `status` and dates ignored); its id.
pub fn insert(c: &Connection, r: &Round, now: i64) -> Result<i64> {
    c.execute(
        "INSERT INTO number_bomb_games (user_id, bomb, max_number, max_guess, use_score, win_score, date_add, date_update)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![r.user_id, r.bomb, r.max_number, r.max_guess, r.use_score, r.win_score, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// Counts one guess on a round still playing and sets its new status; false when it was not playing.
pub fn record_guess(c: &Connection, id: i64, to: i64, now: i64) -> Result<bool> {
    Ok(c.execute(
        "UPDATE number_bomb_games SET guess_time = guess_time + 1, status = ?2, date_update = ?3
         WHERE id = ?1 AND status = 0",
        params![id, to, now],
    )? == 1)
}

/// One page of the shopper's rounds, newest first, and their count.
pub fn list(c: &Connection, user_id: i64, offset: i64, limit: i64) -> Result<(Vec<Round>, i64)> {
    let total =
        c.query_row("SELECT count(*) FROM number_bomb_games WHERE user_id = ?1", [user_id], |r| r.get(0))?;
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM number_bomb_games WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = st.query_map(params![user_id, limit, offset], round)?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}
