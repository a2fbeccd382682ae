//! 站内消息: messages from the shop to one shopper's inbox or to every shopper's, and the record of
//! what was sent (the mini-program reads them with messageList).

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::page::{done, number, render, render_as, Answer, Html, Pager, Posted, Problem, Staff, PER_PAGE};
use crate::db::message::SendRow;
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::service::message::{self, Audience, MAX_CONTENT, MAX_KIND, MAX_TITLE};

pub fn routes() -> Vec<Route> {
    routes![list, new_page, send]
}

const LABELS: &[(&str, &str)] = &[("title", "标题"), ("content", "内容"), ("type", "类型")];

#[derive(Template)]
#[template(path = "admin/messages/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<SendRow>,
    pager: Pager,
}

/// GET /admin/messages — staff only. What the console sent, latest first, 25 a page.
#[get("/messages?<page>")]
async fn list(staff: Staff, db: &State<Db>, page: Option<i64>) -> Result<Html, AdminError> {
    let total = db.read(db::message::count_sends).await?;
    let pager = Pager::new(page, total, &[]);
    let offset = pager.offset();
    let rows = db.read(move |c| db::message::sends(c, offset, PER_PAGE)).await?;
    render(&ListPage { staff, rows, pager })
}

#[derive(FromForm)]
struct SendForm {
    /// "one" or "all".
    to: String,
    uid: String,
    kind: String,
    title: String,
    content: String,
}

impl Default for SendForm {
    fn default() -> Self {
        SendForm {
            to: "one".into(),
            uid: String::new(),
            kind: String::new(),
            title: String::new(),
            content: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/messages/new.html")]
struct NewPage {
    staff: Staff,
    form: SendForm,
    error: Option<String>,
    max_title: usize,
    max_content: usize,
    max_kind: usize,
}

fn new_page_with(staff: Staff, form: SendForm, error: Option<String>) -> NewPage {
    NewPage { staff, form, error, max_title: MAX_TITLE, max_content: MAX_CONTENT, max_kind: MAX_KIND }
}

/// GET /admin/messages/new?uid — staff only; `uid` fills in the shopper.
#[get("/messages/new?<uid>")]
fn new_page(staff: Staff, uid: Option<i64>) -> Result<Html, AdminError> {
    let form = SendForm { uid: uid.map(|u| u.to_string()).unwrap_or_default(), ..Default::default() };
    render(&new_page_with(staff, form, None))
}

/// POST /admin/messages/new — staff only. Sends, then shows the record with how many it reached.
#[post("/messages/new", data = "<form>")]
async fn send(staff: Staff, form: Posted<SendForm>, db: &State<Db>) -> Result<Answer, AdminError> {
    let form = form.0;
    let to = match form.to.as_str() {
        "all" => Ok(Audience::All),
        _ if form.uid.trim().is_empty() => Err(Problem::Say("请填写顾客编号，或选择发给全部顾客".into())),
        _ => number("顾客编号", &form.uid).map(Audience::One),
    };
    let (title, content, kind) = (form.title.clone(), form.content.clone(), form.kind.clone());
    let by = staff.session.username.clone();
    let sent = match to {
        Ok(to) => db
            .write(move |c| message::send_from_console(c, to, &title, &content, &kind, &by))
            .await
            .map_err(|e| Problem::refused(e, LABELS)),
        Err(p) => Err(p),
    };
    match sent {
        Ok(n) => Ok(done("/admin/messages", format!("消息已发送给 {n} 位顾客"))),
        Err(problem) => {
            let error = Some(problem.message()?);
            Ok(Answer::Page(render_as(Status::UnprocessableEntity, &new_page_with(staff, form, error))?))
        }
    }
}
