//! 验证码发件箱: every SMS / e-mail code message. While the shop is in sandbox mode or has no
//! provider configured, the codes are only here, so the merchant can read them while testing.

use askama::Template;
use rocket::{get, routes, Route, State};

use super::page::{render, search, Html, Pager, Staff, PER_PAGE};
use crate::db::codes::OutboxRow;
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::service::codes::{self, Channel};
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![list]
}

#[derive(Template)]
#[template(path = "admin/codes/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<OutboxRow>,
    q: String,
    pager: Pager,
    /// Where SMS and e-mail codes go right now (shown above the list).
    sms_via: &'static str,
    mail_via: &'static str,
}

fn via_text(settings: &Settings, channel: Channel) -> &'static str {
    match codes::via(&settings.get(), channel) {
        Ok(codes::Via::Outbox) => "只进入本发件箱（沙箱模式或未配置服务）",
        Ok(codes::Via::Sms(_)) => "通过腾讯云短信发送",
        Ok(codes::Via::Mail(_)) => "通过 SMTP 发送",
        Err(_) => "设置有误，无法发送（请检查店铺设置）",
    }
}

/// GET /admin/codes — staff only. Newest first, searchable by mobile or e-mail, 25 a page.
#[get("/codes?<q>&<page>")]
async fn list(
    staff: Staff,
    db: &State<Db>,
    settings: &State<Settings>,
    q: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let q = search(q);
    let s = q.clone();
    let asked = page.unwrap_or(1).max(1);
    let (mut rows, total) =
        db.read(move |c| db::codes::outbox_page(c, s.as_deref(), (asked - 1) * PER_PAGE, PER_PAGE)).await?;
    let q = q.unwrap_or_default();
    let pager = Pager::new(Some(asked), total, &[("q", &q)]);
    if pager.page != asked {
        // Asked past the end: show the last page instead of an empty one.
        let (s, offset) = (search(Some(&q)), pager.offset());
        rows = db
            .read(move |c| db::codes::outbox_page(c, s.as_deref(), offset, PER_PAGE).map(|(rows, _)| rows))
            .await?;
    }
    let (sms_via, mail_via) = (via_text(settings, Channel::Sms), via_text(settings, Channel::Mail));
    render(&ListPage { staff, rows, q, pager, sms_via, mail_via })
}
