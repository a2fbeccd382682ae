//! 优惠券: coupon rules (list, search, create, edit, switch on/off, delete), issuing coupons to
//! shoppers by user id or mobile, and exchange codes (generate, list, CSV export).

use askama::Template;
use rocket::form::FromForm;
use rocket::http::{ContentType, Header, Status};
use rocket::{get, post, routes, Responder, Route, State};

use super::auth::{AdminSession, Empty};
use super::crud;
use super::page::{
    done, failed, render, render_as, search, Answer, Confirm, Html, Pager, Posted, Problem, Staff, PER_PAGE,
};
use crate::db::coupons::{self as store, Code, Merge, Rule, RuleFields};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::service::coupons as service;
use crate::service::error::Error as ServiceError;

pub fn routes() -> Vec<Route> {
    routes![
        list,
        new_page,
        create,
        edit_page,
        update,
        switch,
        confirm_delete,
        delete,
        issue_page,
        issue,
        codes_page,
        generate_codes,
        codes_csv,
        merges_page,
        create_merge,
        confirm_delete_merge,
        delete_merge
    ]
}

const LABELS: &[(&str, &str)] = &[
    ("name", "名称"),
    ("type", "类型标签"),
    ("money", "面额"),
    ("moneyType", "优惠方式"),
    ("moneyMax", "最多优惠"),
    ("moneyHreshold", "使用门槛"),
    ("scope", "适用范围"),
    ("refs", "适用编号"),
    ("dateEnd", "有效期"),
    ("validDays", "有效天数"),
    ("validType", "有效期方式"),
    ("numberTotal", "发放总量"),
    ("perUser", "每人限领"),
    ("needScore", "所需积分"),
    ("needAmount", "价格"),
    ("pwd", "领取口令"),
    ("status", "状态"),
];

/// A rule as the list shows it.
struct Row {
    id: i64,
    name: String,
    kind: String,
    /// "减 10.00 元" / "8.8 折".
    value: String,
    threshold: String,
    validity: String,
    taken: i64,
    total: i64,
    price: String,
    status: i64,
}

/// "满 X 元" or "无门槛".
fn threshold_text(fen: i64) -> String {
    if fen == 0 {
        "无门槛".into()
    } else {
        format!("满 {} 元", money::format(fen))
    }
}

fn value_text(f: &RuleFields) -> String {
    if f.money_type == 1 {
        format!("{} 折", f.money as f64 / 10.0)
    } else {
        format!("减 {} 元", money::format(f.money))
    }
}

impl Row {
    fn of(r: Rule) -> Row {
        let f = &r.f;
        let validity = if f.valid_type == 1 {
            format!("领取后 {} 天", f.valid_days)
        } else {
            format!("{} 至 {}", super::page::when(&f.date_start), super::page::when(&f.date_end))
        };
        let mut price = Vec::new();
        if f.need_score > 0 {
            price.push(format!("{} 积分", f.need_score));
        }
        if f.need_amount > 0 {
            price.push(format!("{} 元", money::format(f.need_amount)));
        }
        Row {
            id: r.id,
            value: value_text(f),
            threshold: threshold_text(f.money_hreshold),
            validity,
            taken: r.number_taken,
            total: f.number_total,
            price: if price.is_empty() { "免费".into() } else { price.join(" + ") },
            status: f.status,
            kind: f.kind.clone(),
            name: r.f.name,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/coupons/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<Row>,
    q: String,
    pager: Pager,
}

/// GET /admin/coupons — staff only. Search by name, 25 a page, newest first.
#[get("/coupons?<q>&<page>")]
async fn list(staff: Staff, db: &State<Db>, q: Option<&str>, page: Option<i64>) -> Result<Html, AdminError> {
    let q = search(q);
    let s = q.clone();
    let asked = page.unwrap_or(1).max(1);
    let (rows, total) =
        db.read(move |c| store::all_rules(c, s.as_deref(), (asked - 1) * PER_PAGE, PER_PAGE)).await?;
    let q = q.unwrap_or_default();
    let pager = Pager::new(Some(asked), total, &[("q", &q)]);
    render(&ListPage { staff, rows: rows.into_iter().map(Row::of).collect(), q, pager })
}

/// The rule form as typed (a refused form comes back exactly as sent); money in yuan.
#[derive(FromForm, Default)]
struct RuleForm {
    name: String,
    kind: String,
    money_type: String,
    money: String,
    money_max: String,
    money_hreshold: String,
    scope: String,
    refs: String,
    valid_type: String,
    date_start: String,
    date_end: String,
    valid_days: String,
    number_total: String,
    per_user: String,
    need_score: String,
    need_amount: String,
    pwd: String,
    status: String,
    paixu: String,
}

/// "YYYY-MM-DD HH:MM" (or with a "T", as datetime-local sends it) in the shop's time zone.
fn parse_local(label: &str, v: &str) -> Result<i64, Problem> {
    let v = v.trim().replace('T', " ");
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    time::PrimitiveDateTime::parse(v.get(..16).unwrap_or(&v), &f)
        .map(|t| t.assume_offset(time::macros::offset!(+8)).unix_timestamp())
        .map_err(|_| Problem::Say(format!("{label}应为“2026-01-31 23:59”这样的时间")))
}

/// Unix seconds as the form shows them.
fn local_text(secs: i64) -> String {
    if secs == 0 {
        return String::new();
    }
    db::format_unix(secs).get(..16).unwrap_or_default().to_string()
}

fn form_fen(label: &str, v: &str) -> Result<i64, Problem> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(0);
    }
    money::parse(v).ok_or_else(|| Problem::Say(format!("{label}应为不小于 0、最多两位小数的金额（元）")))
}

fn whole(label: &str, v: &str) -> Result<i64, Problem> {
    if v.trim().is_empty() {
        return Ok(0);
    }
    super::page::number(label, v)
}

impl RuleForm {
    fn blank() -> RuleForm {
        let now = db::unix_now();
        RuleForm {
            money_type: "0".into(),
            scope: "0".into(),
            valid_type: "0".into(),
            date_start: local_text(now),
            date_end: local_text(now + 30 * 86_400),
            valid_days: "30".into(),
            number_total: "100".into(),
            per_user: "1".into(),
            status: "0".into(),
            paixu: "0".into(),
            ..Default::default()
        }
    }

    fn of(r: &Rule) -> RuleForm {
        let f = &r.f;
        let fen = |v: i64| if v == 0 { String::new() } else { money::format(v) };
        RuleForm {
            name: f.name.clone(),
            kind: f.kind.clone(),
            money_type: f.money_type.to_string(),
            money: if f.money_type == 1 { f.money.to_string() } else { money::format(f.money) },
            money_max: fen(f.money_max),
            money_hreshold: fen(f.money_hreshold),
            scope: f.scope.to_string(),
            refs: f.refs.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
            valid_type: f.valid_type.to_string(),
            date_start: local_text(f.date_start),
            date_end: local_text(f.date_end),
            valid_days: f.valid_days.to_string(),
            number_total: f.number_total.to_string(),
            per_user: f.per_user.to_string(),
            need_score: f.need_score.to_string(),
            need_amount: fen(f.need_amount),
            pwd: f.pwd.clone(),
            status: f.status.to_string(),
            paixu: f.paixu.to_string(),
        }
    }

    fn input(&self) -> Result<RuleFields, Problem> {
        let money_type = whole("优惠方式", &self.money_type)?;
        let valid_type = whole("有效期方式", &self.valid_type)?;
        let refs: Result<Vec<i64>, _> = self
            .refs
            .split([',', '，', ' ', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .collect();
        let fixed = valid_type == 0;
        Ok(RuleFields {
            name: self.name.clone(),
            kind: self.kind.trim().to_string(),
            money_type,
            money: if money_type == 1 {
                whole("折扣", &self.money)?
            } else {
                form_fen("面额", &self.money)?
            },
            money_max: form_fen("最多优惠", &self.money_max)?,
            money_hreshold: form_fen("使用门槛", &self.money_hreshold)?,
            scope: whole("适用范围", &self.scope)?,
            refs: refs.map_err(|_| Problem::Say("适用编号应为逗号分隔的数字".into()))?,
            valid_type,
            date_start: if fixed { parse_local("开始时间", &self.date_start)? } else { 0 },
            date_end: if fixed { parse_local("结束时间", &self.date_end)? } else { 0 },
            valid_days: if fixed { 0 } else { whole("有效天数", &self.valid_days)? },
            number_total: whole("发放总量", &self.number_total)?,
            per_user: whole("每人限领", &self.per_user)?,
            need_score: whole("所需积分", &self.need_score)?,
            need_amount: form_fen("价格", &self.need_amount)?,
            pwd: self.pwd.trim().to_string(),
            status: whole("状态", &self.status)?,
            paixu: whole("排序", &self.paixu)?,
        })
    }
}

#[derive(Template)]
#[template(path = "admin/coupons/edit.html")]
struct EditPage {
    staff: Staff,
    id: Option<i64>,
    f: RuleForm,
    /// How many shoppers have taken (as of this page): the total cannot go below it.
    taken: Option<i64>,
    error: Option<String>,
}

/// GET /admin/coupons/new — staff only.
#[get("/coupons/new")]
fn new_page(staff: Staff) -> Result<Html, AdminError> {
    render(&EditPage { staff, id: None, f: RuleForm::blank(), taken: None, error: None })
}

async fn find(db: &Db, id: i64) -> Result<Rule, AdminError> {
    crud::found(db, id, store::rule).await
}

/// GET /admin/coupons/<id> — staff only.
#[get("/coupons/<id>")]
async fn edit_page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let r = find(db, id).await?;
    let taken = Some(r.number_taken);
    render(&EditPage { staff, id: Some(id), f: RuleForm::of(&r), taken, error: None })
}

/// POST /admin/coupons/new — staff only.
#[post("/coupons/new", data = "<form>")]
async fn create(staff: Staff, form: Posted<RuleForm>, db: &State<Db>) -> Result<Answer, AdminError> {
    save(staff, None, form.0, db).await
}

/// POST /admin/coupons/<id> — staff only.
#[post("/coupons/<id>", data = "<form>")]
async fn update(staff: Staff, id: i64, form: Posted<RuleForm>, db: &State<Db>) -> Result<Answer, AdminError> {
    save(staff, Some(id), form.0, db).await
}

async fn save(staff: Staff, id: Option<i64>, f: RuleForm, db: &Db) -> Result<Answer, AdminError> {
    let saved = match f.input() {
        Ok(fields) => {
            let now = db::unix_now();
            db.write(move |c| service::save_rule(c, id, fields, now))
                .await
                .map_err(|e| Problem::refused(e, LABELS))
        }
        Err(p) => Err(p),
    };
    match saved {
        Ok(_) => Ok(done("/admin/coupons", "优惠券已保存")),
        Err(p) => {
            let error = Some(p.message()?);
            // Shoppers may have taken more since the page was opened: show how many now.
            let taken = match id {
                Some(id) => Some(find(db, id).await?.number_taken),
                None => None,
            };
            crud::sent_back(&EditPage { staff, id, f, taken, error })
        }
    }
}

/// POST /admin/coupons/<id>/<on|off> — staff only; switches a rule on or off.
#[post("/coupons/<id>/<action>", data = "<_form>", rank = 2)]
async fn switch(
    _admin: AdminSession,
    id: i64,
    action: &str,
    _form: Posted<Empty>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let status = match action {
        "on" => 0,
        "off" => 1,
        _ => return Err(AdminError::NotFound),
    };
    let now = db::unix_now();
    let found = db.write(move |c| store::set_rule_status(c, id, status, now)).await?;
    if !found {
        return Err(AdminError::NotFound);
    }
    Ok(done("/admin/coupons", if status == 0 { "优惠券已上架" } else { "优惠券已下架，顾客不能再领取" }))
}

/// GET /admin/coupons/<id>/delete — staff only; asks before deleting.
#[get("/coupons/<id>/delete")]
async fn confirm_delete(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let r = find(db, id).await?;
    let what = format!("优惠券「{}」", r.f.name);
    let warning = "只有还没有发给任何顾客的优惠券才能删除；已发出的请改为下架。它的兑换码会一起删除。";
    crud::ask_delete(staff, "/admin/coupons", id, "删除优惠券", what, warning)
}

/// POST /admin/coupons/<id>/delete — staff only.
#[post("/coupons/<id>/delete", data = "<_form>")]
async fn delete(
    _admin: AdminSession,
    id: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let deleted = db.write(move |c| service::delete_rule(c, id)).await;
    crud::deleted(deleted, "/admin/coupons", "优惠券已删除")
}

#[derive(FromForm, Default)]
struct IssueForm {
    /// User ids or mobile numbers, separated by commas, spaces or lines.
    users: String,
}

#[derive(Template)]
#[template(path = "admin/coupons/issue.html")]
struct IssuePage {
    staff: Staff,
    id: i64,
    name: String,
    users: String,
    error: Option<String>,
}

/// GET /admin/coupons/<id>/issue — staff only.
#[get("/coupons/<id>/issue")]
async fn issue_page(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let r = find(db, id).await?;
    render(&IssuePage { staff, id, name: r.f.name, users: String::new(), error: None })
}

/// Resolves user ids and mobiles to user ids; the first unknown one is named.
fn resolve_users(c: &rusqlite::Connection, text: &str) -> Result<Vec<i64>, ServiceError> {
    let mut out = Vec::new();
    for t in text.split([',', '，', ' ', '\n', '\r']).map(str::trim).filter(|s| !s.is_empty()) {
        let user = if t.len() == 11 && t.starts_with('1') {
            db::user::by_mobile(c, t)?
        } else {
            match t.parse::<i64>() {
                Ok(id) => db::user::by_id(c, id)?,
                Err(_) => None,
            }
        };
        let user = user.ok_or_else(|| ServiceError::invalid("users", format!("找不到用户“{t}”")))?;
        if !out.contains(&user.id) {
            out.push(user.id);
        }
    }
    if out.is_empty() {
        return Err(ServiceError::missing("users"));
    }
    if out.len() > 1000 {
        return Err(ServiceError::invalid("users", "一次最多发给 1000 位用户"));
    }
    Ok(out)
}

/// POST /admin/coupons/<id>/issue — staff only; one coupon to each listed shopper, outside the stock.
#[post("/coupons/<id>/issue", data = "<form>")]
async fn issue(staff: Staff, id: i64, form: Posted<IssueForm>, db: &State<Db>) -> Result<Answer, AdminError> {
    let r = find(db, id).await?;
    let text = form.0.users.clone();
    let now = db::unix_now();
    let given = db
        .write(move |c| {
            let users = resolve_users(c, &text)?;
            service::issue(c, id, &users, now)
        })
        .await;
    match given {
        Ok(n) => Ok(done("/admin/coupons", format!("已向 {n} 位用户发放「{}」", r.f.name))),
        Err(e) => {
            let error = Some(Problem::refused(e, &[("users", "用户")]).message()?);
            let page = IssuePage { staff, id, name: r.f.name, users: form.0.users, error };
            Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?))
        }
    }
}

#[derive(Template)]
#[template(path = "admin/coupons/codes.html")]
struct CodesPage {
    staff: Staff,
    id: i64,
    name: String,
    rows: Vec<Code>,
    pager: Pager,
}

/// GET /admin/coupons/<id>/codes — staff only; the rule's exchange codes, 25 a page.
#[get("/coupons/<id>/codes?<page>")]
async fn codes_page(staff: Staff, db: &State<Db>, id: i64, page: Option<i64>) -> Result<Html, AdminError> {
    let r = find(db, id).await?;
    let asked = page.unwrap_or(1).max(1);
    let (rows, total) = db.read(move |c| store::codes_of(c, id, (asked - 1) * PER_PAGE, PER_PAGE)).await?;
    let pager = Pager::new(Some(asked), total, &[]);
    render(&CodesPage { staff, id, name: r.f.name, rows, pager })
}

#[derive(FromForm, Default)]
struct GenerateForm {
    count: String,
}

/// Most codes generated at once.
const MAX_CODES: i64 = 5000;

/// A random code of `len` characters people can read aloud (no 0/O, 1/I/L).
fn random_code(len: usize) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::thread_rng();
    (0..len).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// POST /admin/coupons/<id>/codes — staff only; generates N codes with passwords.
#[post("/coupons/<id>/codes", data = "<form>")]
async fn generate_codes(
    _admin: AdminSession,
    id: i64,
    form: Posted<GenerateForm>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    let back = format!("/admin/coupons/{id}/codes");
    let n = match form.0.count.trim().parse::<i64>() {
        Ok(n) if (1..=MAX_CODES).contains(&n) => n,
        _ => return Ok(failed(back, format!("数量应为 1 到 {MAX_CODES} 之间的整数"))),
    };
    find(db, id).await?;
    let now = db::unix_now();
    db.write(move |c| {
        let mut made = 0;
        while made < n {
            // 12 characters from 31: a clash is rare, and INSERT OR IGNORE just draws again.
            if store::insert_code(c, id, &random_code(12), &random_code(8), now)? {
                made += 1;
            }
        }
        Ok::<_, AdminError>(())
    })
    .await?;
    Ok(done(back, format!("已生成 {n} 个兑换码")))
}

/// A CSV download.
#[derive(Responder)]
struct Csv {
    body: String,
    kind: ContentType,
    disposition: Header<'static>,
}

/// A CSV cell: quoted when it holds a comma, quote or line break; formula starts defused.
fn cell(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@']) { format!("'{v}") } else { v.to_string() };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// GET /admin/coupons/<id>/codes.csv — staff only; every code of the rule with its password.
#[get("/coupons/<id>/codes.csv")]
async fn codes_csv(_admin: AdminSession, db: &State<Db>, id: i64) -> Result<Csv, AdminError> {
    let r = find(db, id).await?;
    let (rows, _) = db.read(move |c| store::codes_of(c, id, 0, 0)).await?;
    // A BOM so that Excel opens the Chinese header as UTF-8.
    let mut body = String::from("\u{feff}兑换码,密码,优惠券,状态,使用者,使用时间,生成时间\n");
    for code in rows {
        let line = [
            cell(&code.number),
            cell(&code.pwd),
            cell(&r.f.name),
            if code.date_used.is_some() { "已使用".into() } else { "未使用".into() },
            code.user_id.map(|u| u.to_string()).unwrap_or_default(),
            code.date_used.map(db::format_unix).unwrap_or_default(),
            db::format_unix(code.date_add),
        ];
        body.push_str(&line.join(","));
        body.push('\n');
    }
    Ok(Csv {
        body,
        kind: ContentType::new("text", "csv").with_params(("charset", "utf-8")),
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"coupon-{id}-codes.csv\""),
        ),
    })
}

#[derive(FromForm, Default)]
struct MergeForm {
    name: String,
    rule_id: String,
    /// "rule id × number" per line, e.g. "12x2".
    parts: String,
}

#[derive(Template)]
#[template(path = "admin/coupons/merges.html")]
struct MergesPage {
    staff: Staff,
    rows: Vec<Merge>,
    f: MergeForm,
    error: Option<String>,
}

/// GET /admin/coupon-merges — staff only; the merge rules and a form for a new one.
#[get("/coupon-merges")]
async fn merges_page(staff: Staff, db: &State<Db>) -> Result<Html, AdminError> {
    let rows = db.read(store::all_merges).await?;
    render(&MergesPage { staff, rows, f: <MergeForm as Default>::default(), error: None })
}

/// "12x2" / "12×2" / "12 2" lines to (rule id, number).
fn parse_parts(text: &str) -> Result<Vec<(i64, i64)>, Problem> {
    let bad = || Problem::Say("要交出的优惠券应每行写成“优惠券编号x张数”，例如 12x2".into());
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut it = l.split(['x', 'X', '×', '*', ' ']).map(str::trim).filter(|s| !s.is_empty());
            let rule = it.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
            let number = match it.next() {
                Some(n) => n.parse().map_err(|_| bad())?,
                None => 1,
            };
            Ok((rule, number))
        })
        .collect()
}

/// POST /admin/coupon-merges/new — staff only.
#[post("/coupon-merges/new", data = "<form>")]
async fn create_merge(staff: Staff, form: Posted<MergeForm>, db: &State<Db>) -> Result<Answer, AdminError> {
    let f = form.0;
    let input = parse_parts(&f.parts)
        .and_then(|parts| Ok((super::page::number("换得的优惠券编号", &f.rule_id)?, parts)));
    let saved = match input {
        Ok((rule_id, parts)) => {
            let (name, now) = (f.name.clone(), db::unix_now());
            db.write(move |c| service::create_merge(c, &name, rule_id, &parts, now)).await.map_err(|e| {
                Problem::refused(
                    e,
                    &[("name", "名称"), ("ruleId", "换得的优惠券"), ("parts", "要交出的优惠券")],
                )
            })
        }
        Err(p) => Err(p),
    };
    match saved {
        Ok(_) => Ok(done("/admin/coupon-merges", "合成规则已保存")),
        Err(p) => {
            let error = Some(p.message()?);
            let rows = db.read(store::all_merges).await?;
            Ok(Answer::Page(render_as(Status::UnprocessableEntity, &MergesPage { staff, rows, f, error })?))
        }
    }
}

/// GET /admin/coupon-merges/<id>/delete — staff only; asks before deleting.
#[get("/coupon-merges/<id>/delete")]
async fn confirm_delete_merge(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let m = db.read(move |c| store::merge(c, id)).await?.ok_or(AdminError::NotFound)?;
    render(&Confirm {
        staff,
        title: "删除合成规则".into(),
        what: format!("合成规则「{}」", m.name),
        warning: "删除后顾客不能再按这条规则合成；已合成的优惠券不受影响。",
        action: format!("/admin/coupon-merges/{id}/delete"),
        back: "/admin/coupon-merges".into(),
    })
}

/// POST /admin/coupon-merges/<id>/delete — staff only.
#[post("/coupon-merges/<id>/delete", data = "<_form>")]
async fn delete_merge(
    _admin: AdminSession,
    id: i64,
    _form: Posted<Empty>,
    db: &State<Db>,
) -> Result<Answer, AdminError> {
    if db.write(move |c| store::delete_merge(c, id)).await? {
        Ok(done("/admin/coupon-merges", "合成规则已删除"))
    } else {
        Err(AdminError::NotFound)
    }
}
