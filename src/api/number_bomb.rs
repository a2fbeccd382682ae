//! The number-bomb game (数字炸弹, the template's game/numberBomb page): begin a round, guess, see
//! one's rounds. A guess that misses answers the game's own codes (the page reacts to each):
//! 40000 the bomb is smaller, 40001 larger, 30000 out of guesses, 20000 the round is over.

use rocket::{post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, Page, Paging, Reply};
use crate::db::number_bomb::{self as store, status, Round};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::number_bomb::{self, BombRules, Guess};
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![begin, guess, logs]
}

/// The game's settings as the page reads them (`setting`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingView {
    pub max_number: i64,
    pub max_guess_time: i64,
    pub use_score: i64,
    pub win_score: i64,
}

/// One round (`bombLog`, the logs' items); the bomb's number only once the round is over.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoundView {
    pub id: i64,
    pub uid: i64,
    pub max_number: i64,
    pub max_guess_time: i64,
    pub guess_time: i64,
    pub use_score: i64,
    /// Points won (0 unless won).
    pub win_score: i64,
    /// 0 进行中, 1 未猜中, 2 猜中, 3 已放弃.
    pub status: i64,
    pub status_str: &'static str,
    pub num: Option<i64>,
    pub date_add: String,
    pub date_update: String,
}

impl From<Round> for RoundView {
    fn from(r: Round) -> Self {
        RoundView {
            id: r.id,
            uid: r.user_id,
            max_number: r.max_number,
            max_guess_time: r.max_guess,
            guess_time: r.guess_time,
            use_score: r.use_score,
            win_score: if r.status == status::WON { r.win_score } else { 0 },
            status: r.status,
            status_str: status::label(r.status),
            num: (r.status != status::PLAYING).then_some(r.bomb),
            date_add: db::format_unix(r.date_add),
            date_update: db::format_unix(r.date_update),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BeginView {
    pub bomb_log: RoundView,
    pub setting: SettingView,
}

/// POST /<sub>/gameNumberBomb/begin — gameNumberBombBegin; logged-in shopper. A new round (an
/// unfinished one is given up), paying the round's points; 403 while the game is off.
#[post("/gameNumberBomb/begin", data = "<req>")]
async fn begin(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<BeginView> {
    let (user, rules) = (req.user_id, BombRules::of(&settings.get()));
    let setting = SettingView {
        max_number: rules.max_number,
        max_guess_time: rules.max_guess,
        use_score: rules.use_score,
        win_score: rules.win_score,
    };
    let round = db.write(move |c| number_bomb::begin(c, user, &rules, db::unix_now())).await?;
    Ok(Reply(BeginView { bomb_log: round.into(), setting }))
}

/// POST /<sub>/gameNumberBomb/guess — gameNumberBombGuess; logged-in shopper, own round `id`,
/// `number`. 0 found (the round's points are won); otherwise the game's codes (module comment).
#[post("/gameNumberBomb/guess", data = "<req>")]
async fn guess(req: Authed, db: &State<Db>) -> ApiResult<RoundView> {
    let (user, id, number) = (req.user_id, req.p.int("id")?, req.p.int("number")?);
    let (answer, round) = db
        .write(move |c| {
            let answer = number_bomb::guess(c, user, id, number, db::unix_now())?;
            Ok::<_, crate::service::error::Error>((answer, store::get(c, id)?))
        })
        .await?;
    let missed = |code, msg| Err(ApiError::GuessMissed { code, msg });
    match answer {
        Guess::Found => Ok(Reply(round.ok_or(ApiError::NotFound("游戏记录"))?.into())),
        Guess::Smaller => missed(40000, "炸弹比这个数字小"),
        Guess::Larger => missed(40001, "炸弹比这个数字大"),
        Guess::OutOfGuesses => missed(30000, "次数已用完，很遗憾没找到炸弹"),
        Guess::Over => missed(20000, "本局游戏已结束，请重新开局"),
    }
}

/// POST /<sub>/gameNumberBomb/logs — gameNumberBombLogs; logged-in shopper. Own rounds, newest
/// first, as a page; 700 when none.
#[post("/gameNumberBomb/logs", data = "<req>")]
async fn logs(req: Authed, db: &State<Db>) -> ApiResult<Page<RoundView>> {
    let (user, paging) = (req.user_id, Paging::from(&req.p)?);
    let (rows, total) = db.read(move |c| store::list(c, user, paging.offset(), paging.limit())).await?;
    Ok(Reply(paging.page(rows.into_iter().map(Into::into).collect(), total)?))
}
