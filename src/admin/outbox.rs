//! 订阅消息 and 消息发送记录: which WeChat subscription template each shop event sends (and how its
//! keys are filled), the sending settings, and the outbox with what each shopper received or why not.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::auth::Empty;
use super::page::{done, failed, render, render_as, Answer, Html, Pager, Posted, Problem, Staff, PER_PAGE};
use crate::db::{self, outbox, Db};
use crate::error::AdminError;
use crate::service::outbox::{self as service, EventInfo, FieldMap, Source, TemplateInput, EVENTS, KINDS};
use crate::service::site::set_settings;
use crate::settings::{keys, Settings};

pub fn routes() -> Vec<Route> {
    routes![events, save_settings, edit_page, save, messages, confirm_retry, retry]
}

/// Rows of template keys the edit form offers (WeChat templates have at most 5 keys; a few spare).
const FIELD_ROWS: usize = 6;

const LABELS: &[(&str, &str)] =
    &[("templateId", "模板 ID"), ("page", "跳转页面"), ("fields", "模板关键词"), ("event", "事件")];

/// One event on the list page with its mapping, when it has one.
struct EventLine {
    info: &'static EventInfo,
    mapping: Option<outbox::TemplateRow>,
}

#[derive(FromForm, Default)]
struct SettingsForm {
    miniprogram_state: String,
    interval_secs: String,
    official_appid: String,
}

#[derive(Template)]
#[template(path = "admin/subscribe/list.html")]
struct EventsPage {
    staff: Staff,
    lines: Vec<EventLine>,
    f: SettingsForm,
    error: Option<String>,
}

fn settings_form(settings: &Settings) -> SettingsForm {
    let snap = settings.get();
    SettingsForm {
        miniprogram_state: snap.get(keys::MINIPROGRAM_STATE).unwrap_or("formal").to_string(),
        interval_secs: snap.get(keys::OUTBOX_INTERVAL_SECS).unwrap_or("30").to_string(),
        official_appid: snap.get(keys::OFFICIAL_APPID).unwrap_or("").to_string(),
    }
}

async fn event_lines(db: &Db) -> Result<Vec<EventLine>, AdminError> {
    let rows = db.read(outbox::templates).await?;
    Ok(EVENTS
        .iter()
        .map(|info| EventLine { info, mapping: rows.iter().find(|r| r.event == info.key).cloned() })
        .collect())
}

/// GET /admin/subscribe-messages — staff only. Every event with its template, and the settings.
#[get("/subscribe-messages")]
async fn events(staff: Staff, db: &State<Db>, settings: &State<Settings>) -> Result<Html, AdminError> {
    let lines = event_lines(db).await?;
    render(&EventsPage { staff, lines, f: settings_form(settings), error: None })
}

/// POST /admin/subscribe-messages/settings — staff only.
#[post("/subscribe-messages/settings", data = "<form>")]
async fn save_settings(
    staff: Staff,
    form: Posted<SettingsForm>,
    db: &State<Db>,
    settings: &State<Settings>,
) -> Result<Answer, AdminError> {
    let f = form.0;
    let pairs = vec![
        (keys::MINIPROGRAM_STATE.to_string(), f.miniprogram_state.trim().to_string()),
        (keys::OUTBOX_INTERVAL_SECS.to_string(), f.interval_secs.trim().to_string()),
        (keys::OFFICIAL_APPID.to_string(), f.official_appid.trim().to_string()),
    ];
    match set_settings(db, settings, pairs).await {
        Ok(()) => Ok(done("/admin/subscribe-messages", "发送设置已保存")),
        Err(e) => {
            let error = Some(Problem::from_settings(e).message()?);
            let lines = event_lines(db).await?;
            Ok(Answer::Page(render_as(Status::UnprocessableEntity, &EventsPage { staff, lines, f, error })?))
        }
    }
}

#[derive(FromForm, Default, Clone)]
struct FieldForm {
    key: String,
    label: String,
    source: String,
    text: String,
}

#[derive(FromForm, Default)]
struct EditForm {
    template_id: String,
    page: String,
    enabled: bool,
    fields: Vec<FieldForm>,
}

#[derive(Template)]
#[template(path = "admin/subscribe/edit.html")]
struct EditPage {
    staff: Staff,
    info: &'static EventInfo,
    f: EditForm,
    sources: Vec<Source>,
    kinds: &'static [&'static str],
    error: Option<String>,
}

fn info_of(event: &str) -> Result<&'static EventInfo, AdminError> {
    service::event_info(event).ok_or(AdminError::NotFound)
}

fn padded(mut fields: Vec<FieldForm>) -> Vec<FieldForm> {
    while fields.len() < FIELD_ROWS {
        fields.push(<FieldForm as Default>::default());
    }
    fields
}

/// GET /admin/subscribe-messages/<event> — staff only.
#[get("/subscribe-messages/<event>")]
async fn edit_page(staff: Staff, db: &State<Db>, event: &str) -> Result<Html, AdminError> {
    let info = info_of(event)?;
    let key = info.key;
    let row = db.read(move |c| outbox::template(c, key)).await?;
    let f = match row {
        Some(r) => {
            let fields: Vec<FieldMap> = serde_json::from_str(&r.fields).unwrap_or_default();
            EditForm {
                template_id: r.template_id,
                page: r.page,
                enabled: r.enabled,
                fields: padded(
                    fields
                        .into_iter()
                        .map(|m| FieldForm { key: m.key, label: m.label, source: m.source, text: m.text })
                        .collect(),
                ),
            }
        }
        None => EditForm { enabled: true, fields: padded(Vec::new()), ..Default::default() },
    };
    render(&EditPage { staff, info, f, sources: info.sources.to_vec(), kinds: KINDS, error: None })
}

/// POST /admin/subscribe-messages/<event> — staff only. Saves the mapping, or shows why not.
#[post("/subscribe-messages/<event>", data = "<form>")]
async fn save(
    staff: Staff,
    db: &State<Db>,
    event: &str,
    form: Posted<EditForm>,
) -> Result<Answer, AdminError> {
    let info = info_of(event)?;
    let f = form.0;
    let input = TemplateInput {
        event: info.key.into(),
        template_id: f.template_id.clone(),
        page: f.page.clone(),
        enabled: f.enabled,
        fields: f
            .fields
            .iter()
            .map(|x| FieldMap {
                key: x.key.clone(),
                label: x.label.clone(),
                source: x.source.clone(),
                text: x.text.clone(),
            })
            .collect(),
    };
    match db.write(move |c| service::save_template(c, &input, db::unix_now())).await {
        Ok(()) => Ok(done("/admin/subscribe-messages", format!("「{}」的订阅消息已保存", info.label))),
        Err(e) => {
            let error = Some(Problem::refused(e, LABELS).message()?);
            let f = EditForm { fields: padded(f.fields), ..f };
            let page = EditPage { staff, info, f, sources: info.sources.to_vec(), kinds: KINDS, error };
            Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?))
        }
    }
}

/// One outbox message as the list shows it.
struct MessageLine {
    row: outbox::MessageRow,
    event_label: &'static str,
    shown: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "admin/outbox/list.html")]
struct MessagesPage {
    staff: Staff,
    lines: Vec<MessageLine>,
    status: String,
    event: String,
    user: String,
    events: &'static [EventInfo],
    pager: Pager,
}

fn event_label(key: &str) -> &'static str {
    match key {
        "api" => "小程序调用 sendTempleMsg",
        k => service::event_info(k).map_or("其他", |e| e.label),
    }
}

/// GET /admin/outbox?status=&event=&user=&page= — staff only. Newest first, 25 a page.
#[get("/outbox?<status>&<event>&<user>&<page>")]
async fn messages(
    staff: Staff,
    db: &State<Db>,
    status: Option<&str>,
    event: Option<&str>,
    user: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let status = status.unwrap_or("").trim().to_string();
    let event = event.unwrap_or("").trim().to_string();
    let user = user.unwrap_or("").trim().to_string();
    let filter = outbox::Filter {
        status: status.parse().ok().filter(|s| (0..=2).contains(s)),
        event: Some(event.clone()).filter(|e| !e.is_empty()),
        user_id: user.parse().ok(),
    };
    if !user.is_empty() && filter.user_id.is_none() {
        return Err(AdminError::BadInput("用户编号应为整数".into()));
    }
    let asked = page.unwrap_or(1).max(1);
    let f = filter.clone();
    let (mut rows, total) = db.read(move |c| outbox::page(c, &f, (asked - 1) * PER_PAGE, PER_PAGE)).await?;
    let pager = Pager::new(Some(asked), total, &[("status", &status), ("event", &event), ("user", &user)]);
    if pager.page != asked {
        let offset = pager.offset();
        rows = db.read(move |c| outbox::page(c, &filter, offset, PER_PAGE).map(|(rows, _)| rows)).await?;
    }
    let lines = rows
        .into_iter()
        .map(|row| MessageLine {
            event_label: event_label(&row.msg.event),
            shown: service::shown(&row.msg.data, &row.msg.labels),
            row,
        })
        .collect();
    render(&MessagesPage { staff, lines, status, event, user, events: EVENTS, pager })
}

#[derive(Template)]
#[template(path = "admin/outbox/retry.html")]
struct RetryPage {
    staff: Staff,
    line: MessageLine,
}

async fn find(db: &Db, id: i64) -> Result<outbox::MessageRow, AdminError> {
    db.read(move |c| outbox::message(c, id)).await?.ok_or(AdminError::NotFound)
}

/// GET /admin/outbox/<id>/retry — staff only; asks before sending a failed message again.
#[get("/outbox/<id>/retry")]
async fn confirm_retry(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let row = find(db, id).await?;
    let line = MessageLine {
        event_label: event_label(&row.msg.event),
        shown: service::shown(&row.msg.data, &row.msg.labels),
        row,
    };
    render(&RetryPage { staff, line })
}

/// POST /admin/outbox/<id>/retry — staff only. Puts a failed message back in the queue, due now.
#[post("/outbox/<id>/retry", data = "<_form>")]
async fn retry(_staff: Staff, db: &State<Db>, id: i64, _form: Posted<Empty>) -> Result<Answer, AdminError> {
    find(db, id).await?;
    let requeued = db.write(move |c| outbox::requeue(c, id, db::unix_now())).await?;
    if !requeued {
        return Ok(failed("/admin/outbox", "只有发送失败的消息可以重新发送"));
    }
    service::wake();
    Ok(done("/admin/outbox", "消息已重新排队，马上发送"))
}
