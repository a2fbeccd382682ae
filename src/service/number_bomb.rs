//! The number-bomb game (数字炸弹): a round hides a bomb in 1..=maxNumber; the shopper guesses and
//! is told "smaller" or "larger" until they find it (points won) or run out of guesses. A round
//! may cost points; both movements are on the ledger in the round's transaction.

use rand::Rng;
use rusqlite::Connection;

use crate::db::number_bomb::{self as store, status, Round};
use crate::service::error::{Entity, Error, Result};
use crate::service::ledger::{self, Account, Source};
use crate::settings::keys::number_bomb as keys;
use crate::settings::registry;

/// The game's settings.
#[derive(Debug, Clone)]
pub struct BombRules {
    pub on: bool,
    pub max_number: i64,
    pub max_guess: i64,
    pub use_score: i64,
    pub win_score: i64,
}

impl BombRules {
    pub fn of(snapshot: &crate::settings::Snapshot) -> BombRules {
        let num = |key: &str| registry::get(key).whole_number(snapshot.get(key)).unwrap_or(0);
        BombRules {
            on: snapshot.get(keys::ON) == Some("1"),
            max_number: num(keys::MAX_NUMBER),
            max_guess: num(keys::MAX_GUESS),
            use_score: num(keys::USE_SCORE),
            win_score: num(keys::WIN_SCORE),
        }
    }
}

/// What a guess found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guess {
    /// The bomb: the round is won.
    Found,
    /// The bomb is smaller than the guess.
    Smaller,
    /// The bomb is larger than the guess.
    Larger,
    /// Missed with the last guess: the round is lost.
    OutOfGuesses,
    /// The round was over already (won, lost or abandoned).
    Over,
}

/// Begins a round (the shopper's unfinished one is abandoned), paying its points; the new round.
pub fn begin(c: &Connection, user_id: i64, rules: &BombRules, now: i64) -> Result<Round> {
    if !rules.on {
        return Err(Error::refused("数字炸弹游戏未开启"));
    }
    store::abandon_open(c, user_id, now)?;
    let bomb = rand::thread_rng().gen_range(1..=rules.max_number.max(2));
    let new = Round {
        id: 0,
        user_id,
        bomb,
        max_number: rules.max_number,
        max_guess: rules.max_guess,
        guess_time: 0,
        use_score: rules.use_score,
        win_score: rules.win_score,
        status: status::PLAYING,
        date_add: now,
        date_update: now,
    };
    let id = store::insert(c, &new, now)?;
    if rules.use_score > 0 {
        let why = format!("数字炸弹游戏第 {id} 局");
        ledger::post(c, user_id, Account::Score, -rules.use_score, &why, Source::Game, &id.to_string())?;
    }
    store::get(c, id)?.ok_or(Error::NotFound(Entity::GameRound))
}

/// One guess on the shopper's round `id`; a win earns the round's points.
pub fn guess(c: &Connection, user_id: i64, id: i64, number: i64, now: i64) -> Result<Guess> {
    let r = store::get(c, id)?.filter(|r| r.user_id == user_id).ok_or(Error::NotFound(Entity::GameRound))?;
    if r.status != status::PLAYING {
        return Ok(Guess::Over);
    }
    if !(1..=r.max_number).contains(&number) {
        return Err(Error::invalid("number", format!("应为 1 到 {} 之间的整数", r.max_number)));
    }
    let (to, answer) = if number == r.bomb {
        (status::WON, Guess::Found)
    } else if r.guess_time + 1 >= r.max_guess {
        (status::LOST, Guess::OutOfGuesses)
    } else if r.bomb < number {
        (status::PLAYING, Guess::Smaller)
    } else {
        (status::PLAYING, Guess::Larger)
    };
    if !store::record_guess(c, id, to, now)? {
        return Ok(Guess::Over);
    }
    if answer == Guess::Found && r.win_score > 0 {
        let why = format!("数字炸弹游戏第 {id} 局猜中");
        ledger::post(c, user_id, Account::Score, r.win_score, &why, Source::Game, &id.to_string())?;
    }
    Ok(answer)
}
