//! 积分: what the shop gives points for, sign-in rewards by streak, points for shares to WeChat
//! groups, exchange rates, points deduction at checkout, and redemption codes.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::page::{
    done, render, render_as, whole_setting, Answer, Html, Pager, Posted, Problem, Staff, PER_PAGE,
};
use crate::db::points::{Code, SignRule};
use crate::db::{self, Db};
use crate::error::{AdminError, ApiError};
use crate::service::order::{keys as order_keys, OrderRules};
use crate::service::points::{self, keys, PointRules};
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![show, save_settings, save_sign_rules, codes, create_codes]
}

/// The rates as typed (kept as text, so a refused value is shown back as typed).
#[derive(FromForm, Default)]
struct RatesForm {
    register: String,
    per_yuan_spent: String,
    share_group: String,
    share_group_daily_max: String,
    cash_rate: String,
    growth_rate: String,
    deduction_per_yuan: String,
    deduction_max_percent: String,
}

#[derive(FromForm, Default)]
struct SignForm {
    /// One rule a line: "连续天数 积分" (e.g. "7 20").
    rules: String,
}

#[derive(Template)]
#[template(path = "admin/points/show.html")]
struct ShowPage {
    staff: Staff,
    f: RatesForm,
    sign: SignForm,
    error: Option<String>,
    sign_error: Option<String>,
}

fn rates_form(snap: &crate::settings::Snapshot) -> RatesForm {
    let (p, o) = (PointRules::of(snap), OrderRules::of(snap));
    RatesForm {
        register: p.register.to_string(),
        per_yuan_spent: p.per_yuan_spent.to_string(),
        share_group: p.share_group.to_string(),
        share_group_daily_max: p.share_group_daily_max.to_string(),
        cash_rate: p.cash_rate.to_string(),
        growth_rate: p.growth_rate.to_string(),
        deduction_per_yuan: o.score_per_yuan.to_string(),
        deduction_max_percent: o.score_max_percent.to_string(),
    }
}

fn sign_text(rules: &[SignRule]) -> String {
    rules.iter().map(|r| format!("{} {}", r.continuous, r.score)).collect::<Vec<_>>().join("\n")
}

async fn sign_rules(db: &Db) -> Result<Vec<SignRule>, AdminError> {
    Ok(db.read(db::points::sign_rules).await?)
}

/// GET /admin/points — staff only.
#[get("/points")]
async fn show(staff: Staff, db: &State<Db>, settings: &State<Settings>) -> Result<Html, AdminError> {
    let sign = SignForm { rules: sign_text(&sign_rules(db).await?) };
    render(&ShowPage { staff, f: rates_form(&settings.get()), sign, error: None, sign_error: None })
}

/// A whole number within `min..=max`, or a message naming the field.
fn whole(label: &str, text: &str, min: i64, max: i64) -> Result<String, String> {
    match text.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n.to_string()),
        _ => Err(format!("「{label}」应为 {min} 到 {max} 之间的整数")),
    }
}

fn rate_pairs(f: &RatesForm) -> Result<Vec<(String, String)>, String> {
    Ok(vec![
        whole_setting(keys::REGISTER, None, &f.register)?,
        whole_setting(keys::PER_YUAN_SPENT, None, &f.per_yuan_spent)?,
        whole_setting(keys::SHARE_GROUP, None, &f.share_group)?,
        whole_setting(keys::SHARE_GROUP_DAILY_MAX, None, &f.share_group_daily_max)?,
        whole_setting(keys::CASH_RATE, None, &f.cash_rate)?,
        whole_setting(keys::GROWTH_RATE, None, &f.growth_rate)?,
        // Beside the points rules, this page says when the points are spent.
        whole_setting(order_keys::SCORE_PER_YUAN, Some("下单时多少积分抵 1 元"), &f.deduction_per_yuan)?,
        whole_setting(order_keys::SCORE_MAX_PERCENT, None, &f.deduction_max_percent)?,
    ])
}

/// POST /admin/points/settings — staff only. Saves every rate, or none with the reason.
#[post("/points/settings", data = "<form>")]
async fn save_settings(
    staff: Staff,
    form: Posted<RatesForm>,
    db: &State<Db>,
    settings: &State<Settings>,
) -> Result<Answer, AdminError> {
    let f = form.0;
    let error = match rate_pairs(&f) {
        Ok(pairs) => match crate::service::site::set_settings(db, settings, pairs).await {
            Ok(()) => return Ok(done("/admin/points", "积分规则已保存")),
            Err(e) => Problem::from_settings(e).message()?,
        },
        Err(message) => message,
    };
    let sign = SignForm { rules: sign_text(&sign_rules(db).await?) };
    let page = ShowPage { staff, f, sign, error: Some(error), sign_error: None };
    Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?))
}

/// The sign-in rules typed one a line ("7 20" or "7:20"); blank lines are skipped.
fn parse_sign_rules(text: &str) -> Result<Vec<SignRule>, String> {
    let mut rules = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let parts: Vec<&str> =
            line.split([' ', ':', '：', ',', '，', '\t']).filter(|s| !s.is_empty()).collect();
        let rule = match parts.as_slice() {
            [d, s] => d.parse().ok().zip(s.parse().ok()),
            _ => None,
        };
        let Some((continuous, score)) = rule else {
            return Err(format!("第 {} 行应为“连续天数 积分”，例如 “7 20”", n + 1));
        };
        rules.push(SignRule { continuous, score });
    }
    Ok(rules)
}

/// POST /admin/points/sign-rules — staff only. Replaces the sign-in rewards (empty: sign-in off).
#[post("/points/sign-rules", data = "<form>")]
async fn save_sign_rules(
    staff: Staff,
    form: Posted<SignForm>,
    db: &State<Db>,
    settings: &State<Settings>,
) -> Result<Answer, AdminError> {
    let sign = form.0;
    let error = match parse_sign_rules(&sign.rules) {
        Ok(rules) => {
            let saved = db.write(move |c| points::save_sign_rules(c, &rules, db::unix_now())).await;
            match saved {
                Ok(()) => return Ok(done("/admin/points", "签到规则已保存")),
                Err(e) => Problem::refused(e, &[("continuous", "连续天数"), ("score", "积分")]).message()?,
            }
        }
        Err(message) => message,
    };
    let page = ShowPage { staff, f: rates_form(&settings.get()), sign, error: None, sign_error: Some(error) };
    Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?))
}

#[derive(FromForm, Default)]
struct CodesForm {
    count: String,
    score: String,
    batch: String,
    /// YYYY-MM-DD, the last day a code may be used; empty: never expires.
    date_end: String,
}

#[derive(Template)]
#[template(path = "admin/points/codes.html")]
struct CodesPage {
    staff: Staff,
    rows: Vec<Code>,
    batch: String,
    used: String,
    pager: Pager,
    f: CodesForm,
    error: Option<String>,
}

fn used_filter(used: &str) -> Option<bool> {
    match used {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

async fn codes_page(
    staff: Staff,
    db: &Db,
    batch: String,
    used: String,
    page: Option<i64>,
    f: CodesForm,
    error: Option<String>,
) -> Result<CodesPage, AdminError> {
    let (b, u, asked) = (batch.clone(), used_filter(&used), page.unwrap_or(1).max(1));
    let (rows, total) = db
        .read(move |c| {
            let b = Some(b).filter(|b| !b.is_empty());
            db::points::codes(c, b.as_deref(), u, (asked - 1) * PER_PAGE, PER_PAGE)
        })
        .await?;
    let pager = Pager::new(Some(asked), total, &[("batch", &batch), ("used", &used)]);
    Ok(CodesPage { staff, rows, batch, used, pager, f, error })
}

/// GET /admin/points/codes?batch=&used=yes|no&page= — staff only. Redemption codes, newest first.
#[get("/points/codes?<batch>&<used>&<page>")]
async fn codes(
    staff: Staff,
    db: &State<Db>,
    batch: Option<&str>,
    used: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let (batch, used) = (batch.unwrap_or("").trim().to_string(), used.unwrap_or("").to_string());
    let f = CodesForm { count: "10".into(), ..Default::default() };
    render(&codes_page(staff, db, batch, used, page, f, None).await?)
}

/// The batch as typed, checked: (count, score, batch name, last instant or 0).
fn batch_of(f: &CodesForm, now: i64) -> Result<points::NewCodes, String> {
    let count = whole("数量", &f.count, 1, 1000)?.parse().unwrap_or(0);
    let score = whole("每张积分", &f.score, 1, 1_000_000)?.parse().unwrap_or(0);
    let day = time::macros::format_description!("[year]-[month]-[day]");
    let date_end = match f.date_end.trim() {
        "" => 0,
        text => {
            let d = time::Date::parse(text, &day).map_err(|_| "「有效期至」应为 YYYY-MM-DD".to_string())?;
            let end = d
                .next_day()
                .unwrap_or(d)
                .midnight()
                .assume_offset(time::macros::offset!(+8))
                .unix_timestamp();
            if end <= now {
                return Err("「有效期至」已经过去".into());
            }
            end
        }
    };
    let batch = f.batch.trim();
    if batch.chars().count() > 40 {
        return Err("「批次名称」最多 40 个字".into());
    }
    Ok(points::NewCodes { count, score, batch: batch.to_string(), date_end })
}

/// POST /admin/points/codes — staff only. Makes a batch of codes and shows it.
#[post("/points/codes", data = "<form>")]
async fn create_codes(staff: Staff, form: Posted<CodesForm>, db: &State<Db>) -> Result<Answer, AdminError> {
    let f = form.0;
    let now = db::unix_now();
    let error = match batch_of(&f, now) {
        Ok(new) => {
            match db.write(move |c| points::create_codes(c, &new, now)).await.map_err(ApiError::from) {
                Ok(batch) => {
                    let to = format!("/admin/points/codes?batch={}", urlencoding(&batch));
                    return Ok(done(to, format!("已生成积分券，批次 {batch}")));
                }
                Err(e @ (ApiError::Busy | ApiError::Internal(_))) => return Err(e.into()),
                Err(e) => e.msg(),
            }
        }
        Err(message) => message,
    };
    let page = codes_page(staff, db, String::new(), String::new(), None, f, Some(error)).await?;
    Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?))
}

fn urlencoding(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
