//! `/sandbox/codes/latest?target=`: the newest code-outbox message to a mobile or e-mail, with
//! the code picked out, so a developer's script or test can finish a code login without the
//! console. Sandbox mode only, like the rest of the simulator.

use rocket::serde::json::Json;
use rocket::{get, routes, Route, State};
use serde::Serialize;

use super::SandboxOperator;
use crate::db::{self, Db};

pub fn routes() -> Vec<Route> {
    routes![latest]
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    pub channel: String,
    pub target: String,
    pub content: String,
    /// The six digits in the message ("" when the message holds none, e.g. a masked real send).
    pub code: String,
    pub status: String,
    pub date_add: String,
}

/// The first run of exactly six digits in a text.
fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit()).find(|run| run.len() == 6).unwrap_or("").to_string()
}

/// GET /sandbox/codes/latest?target= — sandbox mode only. 404 JSON when nothing was sent there.
#[get("/sandbox/codes/latest?<target>")]
async fn latest(
    _op: SandboxOperator,
    target: &str,
    db: &State<Db>,
) -> Result<Json<OutboxMessage>, rocket::http::Status> {
    let target = target.trim().to_lowercase();
    let row = db
        .read(move |c| db::codes::latest_outbox(c, &target))
        .await
        .map_err(|_| rocket::http::Status::ServiceUnavailable)?
        .ok_or(rocket::http::Status::NotFound)?;
    Ok(Json(OutboxMessage {
        code: code_in(&row.content),
        channel: row.channel,
        target: row.target,
        content: row.content,
        status: row.status,
        date_add: db::format_unix(row.date_add),
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_code_is_the_six_digit_run() {
        assert_eq!(super::code_in("【小店】您的验证码是 042137，10 分钟内有效"), "042137");
        assert_eq!(super::code_in("【小店】您的验证码是 ******，10 分钟内有效"), "");
    }
}
