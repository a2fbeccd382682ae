//! `/wechat/callback`: the URL the merchant enters in the mini-program's 消息推送 settings.
//! GET verifies the URL (echostr); POST receives shoppers' customer-service messages and events
//! (JSON or XML, plain or sealed) and answers `success` at once. Also `/wechat/media/<key>`, from
//! which WeChat downloads a held upload it was asked to check.

use rocket::http::{ContentType, Status};
use rocket::{get, post, routes, Route, State};

use crate::config::Config;
use crate::db::{self, Db};
use crate::service::kefu::{self, PushQuery, Pushed, Refusal};
use crate::service::media_check;
use crate::settings::Settings;
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![verify, receive, held_media]
}

type Plain = (Status, (ContentType, String));

fn refused(r: &Refusal) -> Plain {
    let status = match r {
        Refusal::Packet(_) => Status::BadRequest,
        Refusal::NotConfigured | Refusal::Signature => Status::Forbidden,
    };
    (status, (ContentType::Text, r.to_string()))
}

fn query(
    signature: Option<&str>,
    timestamp: Option<&str>,
    nonce: Option<&str>,
    msg: Option<&str>,
) -> PushQuery {
    PushQuery {
        signature: signature.unwrap_or("").to_string(),
        timestamp: timestamp.unwrap_or("").to_string(),
        nonce: nonce.unwrap_or("").to_string(),
        msg_signature: msg.map(str::to_string),
    }
}

/// GET /wechat/callback — WeChat's URL check; anyone with the shop's Token. Answers echostr.
#[get("/wechat/callback?<signature>&<timestamp>&<nonce>&<echostr>")]
fn verify(
    settings: &State<Settings>,
    signature: Option<&str>,
    timestamp: Option<&str>,
    nonce: Option<&str>,
    echostr: Option<&str>,
) -> Plain {
    let q = query(signature, timestamp, nonce, None);
    match kefu::verify_url(&settings.get(), &q, echostr.unwrap_or("")) {
        Ok(echo) => (Status::Ok, (ContentType::Text, echo)),
        Err(r) => refused(&r),
    }
}

/// POST /wechat/callback — WeChat's message push; signed by the shop's Token. Stores the message
/// (once) and answers `success`, or the transfer packet when the shop hands messages to WeChat's
/// customer-service system.
#[allow(clippy::too_many_arguments)]
#[post("/wechat/callback?<signature>&<timestamp>&<nonce>&<msg_signature>", data = "<body>")]
async fn receive(
    settings: &State<Settings>,
    db: &State<Db>,
    wx: &State<WeChat>,
    cfg: &State<Config>,
    signature: Option<&str>,
    timestamp: Option<&str>,
    nonce: Option<&str>,
    msg_signature: Option<&str>,
    body: String,
) -> Plain {
    let snap = settings.get();
    let appid = match wx.creds() {
        Ok(c) => c.appid,
        Err(_) => return refused(&Refusal::NotConfigured),
    };
    let q = query(signature, timestamp, nonce, msg_signature);
    let received = match kefu::read_push(&snap, &appid, &q, &body) {
        Ok(r) => r,
        Err(r) => return refused(&r),
    };
    match &received.pushed {
        Pushed::Message(m) => {
            let (m, id) = (m.clone(), appid.clone());
            let stored = db.write(move |c| kefu::store_message(c, &id, &m, db::unix_now())).await;
            if let Err(e) = stored {
                log::warn!("kefu message not stored: {}", crate::error::ApiError::from(e).msg());
                // WeChat retries what it did not get an answer for.
                return (Status::ServiceUnavailable, (ContentType::Text, "busy".into()));
            }
        }
        Pushed::MediaCheck { trace_id, suggest, label } => {
            // Moving files is slower than an answer should be: done after.
            let (db, dirs) = (db.inner().clone(), media_check::Dirs::of(cfg));
            let (trace_id, suggest, label) = (trace_id.clone(), suggest.clone(), *label);
            rocket::tokio::spawn(async move {
                let key = trace_id.clone();
                let applied = crate::db::blocking(move || {
                    media_check::apply_verdict(&db, &dirs, &key, &suggest, label)
                })
                .await;
                if let Err(e) = applied {
                    log::warn!("media check {trace_id}: {}", crate::error::ApiError::from(e).msg());
                }
            });
        }
    }
    match kefu::answer(&snap, &appid, &received) {
        Ok((text, true)) => (Status::Ok, (ContentType::XML, text)),
        Ok((text, false)) if text == "success" => (Status::Ok, (ContentType::Text, text)),
        Ok((text, false)) => (Status::Ok, (ContentType::JSON, text)),
        Err(r) => refused(&r),
    }
}

/// GET /wechat/media/<key> — a held upload, for WeChat's media check to download; anyone with the
/// secret key, and only while the check is pending.
#[get("/wechat/media/<key>")]
async fn held_media(
    key: &str,
    db: &State<Db>,
    cfg: &State<Config>,
) -> Result<(ContentType, Vec<u8>), Status> {
    let dirs = media_check::Dirs::of(cfg);
    let key = key.to_string();
    let db = db.inner().clone();
    let (ext, bytes) = crate::db::blocking(move || media_check::held_file(&db, &dirs, &key))
        .await
        .map_err(|e| {
            if matches!(e, crate::service::error::Error::NotFound(_)) {
                Status::NotFound
            } else {
                Status::ServiceUnavailable
            }
        })?
        .ok_or(Status::NotFound)?;
    Ok((ext.and_then(ContentType::from_extension).unwrap_or(ContentType::Binary), bytes))
}
