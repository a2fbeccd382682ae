//! 客服消息: the inbox of shoppers' customer-service messages (one conversation per shopper,
//! unread counts), a thread view, and replies by text, picture, link or mini-program card through
//! customerServiceMessage.send. Opening the reply box shows the shopper "正在输入".

use askama::Template;
use rocket::form::{self, FromForm};
use rocket::fs::TempFile;
use rocket::tokio::io::AsyncReadExt;
use rocket::{get, post, routes, Route, State};

use super::images::chosen;
use super::page::{done, failed, render, search, Answer, Html, Pager, Posted, Staff, PER_PAGE};
use crate::config::Config;
use crate::db::kefu::{MessageRow, ThreadRow};
use crate::db::{self, Db};
use crate::error::{AdminError, ApiError};
use crate::service::error::Error as ServiceError;
use crate::service::kefu::{self as svc, Sent};
use crate::service::upload;
use crate::wechat::kefu::KefuMessage;
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![list, thread, send_text, send_image, send_link, send_card, typing]
}

/// WeChat lets the shop answer for 48 hours after the shopper's last message.
const REPLY_WINDOW_SECS: i64 = 48 * 3600;
/// How many of a thread's newest messages the page shows.
const THREAD_SHOWN: i64 = 200;

#[derive(Template)]
#[template(path = "admin/kefu/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<ThreadRow>,
    q: String,
    pager: Pager,
    unread: i64,
    now: i64,
}

/// GET /admin/kefu — staff only. Conversations, newest first; search by nickname or openid.
#[get("/kefu?<q>&<page>")]
async fn list(staff: Staff, db: &State<Db>, q: Option<&str>, page: Option<i64>) -> Result<Html, AdminError> {
    let q = search(q).unwrap_or_default();
    let asked = page.unwrap_or(1).max(1);
    let s = q.clone();
    let (total, unread) = db
        .read(move |c| {
            let total = db::kefu::thread_count(c, &s)?;
            db::kefu::unread_total(c).map(|unread| (total, unread))
        })
        .await?;
    let pager = Pager::new(Some(asked), total, &[("q", &q)]);
    let (s, offset) = (q.clone(), pager.offset());
    let rows = db.read(move |c| db::kefu::threads(c, &s, offset, PER_PAGE)).await?;
    render(&ListPage { staff, rows, q, pager, unread, now: db::unix_now() })
}

/// One message as the thread shows it.
struct Bubble {
    row: MessageRow,
    /// A picture to show (an incoming PicUrl or our stored copy of a sent one).
    picture: String,
    /// A link's or card's second line.
    detail: String,
    /// WeChat's refusal in the merchant's words.
    problem: Option<String>,
}

impl Bubble {
    fn of(row: MessageRow) -> Bubble {
        let body: serde_json::Value = serde_json::from_str(&row.body).unwrap_or_default();
        let s = |k: &str| body.get(k).and_then(serde_json::Value::as_str).unwrap_or("").to_string();
        let picture = match (row.direction.as_str(), row.msg_type.as_str()) {
            ("in", "image") => s("PicUrl"),
            ("out", "image" | "miniprogrampage") => s("pictureUrl"),
            _ => String::new(),
        };
        let detail = match (row.direction.as_str(), row.msg_type.as_str()) {
            ("in", "miniprogrampage") => s("PagePath"),
            ("in", "event") if row.content == "user_enter_tempsession" => "顾客进入了客服会话".into(),
            ("out", "link") => format!("{} {}", s("description"), s("url")),
            ("out", "miniprogrampage") => s("pagepath"),
            _ => String::new(),
        };
        let problem = match row.errcode {
            Some(code) if code != 0 => Some(svc::explain(code, &row.errmsg)),
            _ => None,
        };
        Bubble { row, picture, detail, problem }
    }
}

#[derive(Template)]
#[template(path = "admin/kefu/thread.html")]
struct ThreadPage {
    staff: Staff,
    t: ThreadRow,
    messages: Vec<Bubble>,
    /// The 48-hour window is open (WeChat will accept replies).
    window_open: bool,
}

async fn find(db: &Db, openid: &str) -> Result<ThreadRow, AdminError> {
    let o = openid.to_string();
    db.read(move |c| db::kefu::thread(c, &o)).await?.ok_or(AdminError::NotFound)
}

/// GET /admin/kefu/<openid> — staff only. The conversation; opening it marks it read.
#[get("/kefu/<openid>", rank = 2)]
async fn thread(staff: Staff, db: &State<Db>, openid: &str) -> Result<Html, AdminError> {
    let t = find(db, openid).await?;
    let o = openid.to_string();
    let rows = db.read(move |c| db::kefu::messages(c, &o, THREAD_SHOWN)).await?;
    if t.unread > 0 {
        let o = openid.to_string();
        db.write(move |c| db::kefu::mark_read(c, &o)).await?;
    }
    let window_open = db::unix_now() - t.last_in_at <= REPLY_WINDOW_SECS;
    let messages = rows.into_iter().map(Bubble::of).collect();
    render(&ThreadPage { staff, t, messages, window_open })
}

fn back(openid: &str) -> String {
    format!("/admin/kefu/{openid}")
}

/// The flash after a send: delivered, or WeChat's refusal explained.
fn outcome(openid: &str, sent: Result<Sent, ApiError>) -> Result<Answer, AdminError> {
    match sent {
        Ok(s) => match s.problem() {
            None => Ok(done(back(openid), "已发送")),
            Some(why) => Ok(failed(back(openid), format!("发送失败：{why}"))),
        },
        Err(ApiError::Invalid { reason, .. }) => Ok(failed(back(openid), reason.to_string())),
        Err(e) => Err(AdminError::from(e)),
    }
}

/// Runs a send on the blocking pool.
async fn blocking<F>(f: F) -> Result<Sent, ApiError>
where
    F: FnOnce() -> Result<Sent, ServiceError> + Send + 'static,
{
    Ok(crate::db::blocking(f).await?)
}

#[derive(FromForm)]
struct TextForm {
    content: String,
}

/// The most characters one text reply may hold (WeChat's limit is 2048 bytes).
const TEXT_MAX: usize = 600;

/// POST /admin/kefu/<openid>/text — staff only. Replies with text.
#[post("/kefu/<openid>/text", data = "<form>")]
async fn send_text(
    _staff: Staff,
    openid: &str,
    form: Posted<TextForm>,
    db: &State<Db>,
    wx: &State<WeChat>,
) -> Result<Answer, AdminError> {
    find(db, openid).await?;
    let content = form.0.content.trim().to_string();
    if content.is_empty() || content.chars().count() > TEXT_MAX {
        return Ok(failed(back(openid), format!("回复内容应为 1–{TEXT_MAX} 个字")));
    }
    let (db, wx, o) = (db.inner().clone(), wx.inner().clone(), openid.to_string());
    let msg = KefuMessage::Text { content };
    outcome(openid, blocking(move || svc::send_reply(&db, &wx, &o, &msg, serde_json::json!({}))).await)
}

/// A picture from the console: its bytes, kept in the file store too (so the thread shows it).
struct Picture {
    bytes: Vec<u8>,
    name: String,
    mime: String,
    url: String,
}

async fn picture<'r>(
    file: form::Result<'r, TempFile<'r>>,
    db: &Db,
    cfg: &Config,
) -> Result<Result<Picture, String>, AdminError> {
    let file = match chosen(file, cfg.upload_max_bytes) {
        Ok(Some(f)) => f,
        Ok(None) => return Ok(Err("请选择一张图片".into())),
        Err(p) => return Ok(Err(p.message()?)),
    };
    let name = file
        .raw_name()
        .map(|n| n.dangerous_unsafe_unsanitized_raw().as_str().to_string())
        .unwrap_or_default();
    let mut bytes = Vec::with_capacity(usize::try_from(file.len()).unwrap_or(0));
    let read = async { file.open().await?.read_to_end(&mut bytes).await };
    read.await.map_err(|e| AdminError::Internal(format!("reading upload: {e}")))?;
    let Some((mime, _)) = crate::sniff::file_type(&bytes).filter(|(m, _)| m.starts_with("image/")) else {
        return Ok(Err("只能发送 jpg、png、gif 或 webp 图片".into()));
    };
    // WeChat takes temporary images up to 2 MB.
    if bytes.len() > 2 * 1024 * 1024 {
        return Ok(Err("图片不能超过 2 MB".into()));
    }
    let (db, dir, max) = (db.clone(), cfg.uploads_dir(), cfg.upload_max_bytes);
    let (b, n) = (bytes.clone(), name.clone());
    let stored = crate::db::blocking(move || upload::store(&db, &dir, max, &b, &n, None, None)).await;
    match stored {
        Ok(s) => Ok(Ok(Picture { bytes, name, mime: mime.to_string(), url: upload::relative_url(&s.path) })),
        Err(e) => Ok(Err(crate::error::ApiError::from(e).msg())),
    }
}

#[derive(FromForm)]
struct ImageForm<'r> {
    file: form::Result<'r, TempFile<'r>>,
}

/// POST /admin/kefu/<openid>/image — staff only. Uploads the picture as temporary media and sends it.
#[post("/kefu/<openid>/image", data = "<form>")]
async fn send_image(
    _staff: Staff,
    openid: &str,
    form: Posted<ImageForm<'_>>,
    db: &State<Db>,
    cfg: &State<Config>,
    wx: &State<WeChat>,
) -> Result<Answer, AdminError> {
    find(db, openid).await?;
    let pic = match picture(form.0.file, db, cfg).await? {
        Ok(p) => p,
        Err(why) => return Ok(failed(back(openid), why)),
    };
    let (db, wx, o) = (db.inner().clone(), wx.inner().clone(), openid.to_string());
    let sent = blocking(move || {
        svc::send_media(&db, &wx, &o, &pic.bytes, &pic.name, &pic.mime, &pic.url, |media_id| {
            KefuMessage::Image { media_id }
        })
    })
    .await;
    outcome(openid, sent)
}

#[derive(FromForm)]
struct LinkForm {
    title: String,
    description: String,
    url: String,
    thumb_url: String,
}

fn is_web_url(u: &str) -> bool {
    (u.starts_with("https://") || u.starts_with("http://"))
        && u.len() <= 1000
        && !u.contains(char::is_whitespace)
}

/// POST /admin/kefu/<openid>/link — staff only. Sends a link (title, description, url, thumb_url).
#[post("/kefu/<openid>/link", data = "<form>")]
async fn send_link(
    _staff: Staff,
    openid: &str,
    form: Posted<LinkForm>,
    db: &State<Db>,
    wx: &State<WeChat>,
) -> Result<Answer, AdminError> {
    find(db, openid).await?;
    let f = form.0;
    let (title, description) = (f.title.trim().to_string(), f.description.trim().to_string());
    let (url, thumb_url) = (f.url.trim().to_string(), f.thumb_url.trim().to_string());
    let problem = if title.is_empty() || title.chars().count() > 64 {
        Some("链接标题应为 1–64 个字")
    } else if description.is_empty() || description.chars().count() > 120 {
        Some("链接描述应为 1–120 个字")
    } else if !is_web_url(&url) {
        Some("链接地址应以 https:// 或 http:// 开头")
    } else if !thumb_url.is_empty() && !is_web_url(&thumb_url) {
        Some("缩略图地址应以 https:// 或 http:// 开头，或留空")
    } else {
        None
    };
    if let Some(why) = problem {
        return Ok(failed(back(openid), why));
    }
    let (db, wx, o) = (db.inner().clone(), wx.inner().clone(), openid.to_string());
    let msg = KefuMessage::Link { title, description, url, thumb_url };
    outcome(openid, blocking(move || svc::send_reply(&db, &wx, &o, &msg, serde_json::json!({}))).await)
}

#[derive(FromForm)]
struct CardForm<'r> {
    title: String,
    pagepath: String,
    file: form::Result<'r, TempFile<'r>>,
}

/// POST /admin/kefu/<openid>/card — staff only. Sends a mini-program card (title, page, cover).
#[post("/kefu/<openid>/card", data = "<form>")]
async fn send_card(
    _staff: Staff,
    openid: &str,
    form: Posted<CardForm<'_>>,
    db: &State<Db>,
    cfg: &State<Config>,
    wx: &State<WeChat>,
) -> Result<Answer, AdminError> {
    find(db, openid).await?;
    let f = form.0;
    let title = f.title.trim().to_string();
    let pagepath = f.pagepath.trim().trim_start_matches('/').to_string();
    if title.is_empty() || title.chars().count() > 64 {
        return Ok(failed(back(openid), "卡片标题应为 1–64 个字"));
    }
    if pagepath.is_empty() || pagepath.len() > 256 || pagepath.contains(char::is_whitespace) {
        return Ok(failed(back(openid), "页面路径应为小程序页面，例如 pages/index/index"));
    }
    let pic = match picture(f.file, db, cfg).await? {
        Ok(p) => p,
        Err(why) => return Ok(failed(back(openid), format!("封面：{why}"))),
    };
    let (db, wx, o) = (db.inner().clone(), wx.inner().clone(), openid.to_string());
    let sent = blocking(move || {
        svc::send_media(&db, &wx, &o, &pic.bytes, &pic.name, &pic.mime, &pic.url, |thumb_media_id| {
            KefuMessage::Miniprogrampage { title, pagepath, thumb_media_id }
        })
    })
    .await;
    outcome(openid, sent)
}

#[derive(FromForm)]
struct TypingForm {
    /// "cancel" sends CancelTyping; anything else Typing.
    command: String,
}

/// POST /admin/kefu/<openid>/typing — staff only. Shows (or stops showing) the shopper that the
/// shop is typing; the reply box posts it when the merchant starts writing.
#[post("/kefu/<openid>/typing", data = "<form>")]
async fn typing(
    _staff: Staff,
    openid: &str,
    form: Posted<TypingForm>,
    db: &State<Db>,
    wx: &State<WeChat>,
) -> Result<Answer, AdminError> {
    find(db, openid).await?;
    let on = form.0.command != "cancel";
    let (wx, o) = (wx.inner().clone(), openid.to_string());
    let res = crate::db::blocking(move || wx.kefu_typing(&o, on)).await;
    Ok(match res {
        Ok(()) if on => done(back(openid), "顾客会看到“对方正在输入”"),
        Ok(()) => done(back(openid), "已取消“正在输入”状态"),
        Err(crate::wechat::WxError::Api { errcode, errmsg }) => {
            failed(back(openid), format!("输入状态未送达：{}", svc::explain(errcode, &errmsg)))
        }
        Err(e) => failed(back(openid), format!("输入状态未送达：{e}")),
    })
}
