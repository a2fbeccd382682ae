//! Points, growth and cash logs: the shop's rules for points, daily sign-in, redemption codes,
//! exchanges, points for shares to WeChat groups, and the shopper's ledger pages.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::friend::date_bound;
use super::{ApiResult, Authed, MaybeAuthed, Page, Paging, Params, Reply};
use crate::api::blocking;
use crate::db::ledger::{Account, Entry, EntryFilter};
use crate::db::points::Sign;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money::to_yuan;
use crate::service::account;
use crate::service::order::OrderRules;
use crate::service::points::{self, PointRules};
use crate::settings::Settings;
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![
        deduction_rules,
        send_rules,
        sign_rules,
        sign,
        today_signed,
        sign_logs,
        score_logs,
        exchange_code,
        exchange_cash,
        share_group,
        exchange_growth,
        exchange_growth_v2,
        growth_logs,
        growth_logs_v2,
        cash_logs,
        cash_logs_v2
    ]
}

/// A points exchange rule (`scoreDeductionRules[i]`): `score` points are worth `money` (yuan for
/// type 0, growth points for type 1), as often as the shopper likes (`loop`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeductionRuleView {
    #[serde(rename = "type")]
    pub kind: i64,
    pub score: i64,
    pub money: f64,
    #[serde(rename = "loop")]
    pub repeat: bool,
}

/// GET /<sub>/score/deduction/rules — scoreDeductionRules; anyone. `type` 0: points for money at
/// checkout (the order rules), 1: points for growth, none: both; 700 when the shop has none.
#[get("/score/deduction/rules")]
fn deduction_rules(p: Params, settings: &State<Settings>) -> ApiResult<Vec<DeductionRuleView>> {
    let kind = p.opt_int("type")?;
    if kind.is_some_and(|k| !(0..=1).contains(&k)) {
        return Err(ApiError::invalid("type", "应为 0（抵扣金额）或 1（兑换成长值）"));
    }
    let snap = settings.get();
    let mut rules = Vec::new();
    if kind != Some(1) {
        let money = OrderRules::of(&snap).score_rules().into_iter();
        rules.extend(money.map(|r| DeductionRuleView {
            kind: 0,
            score: r.score,
            money: to_yuan(r.money),
            repeat: true,
        }));
    }
    let growth_rate = PointRules::of(&snap).growth_rate;
    if kind != Some(0) && growth_rate > 0 {
        rules.push(DeductionRuleView { kind: 1, score: growth_rate, money: 1.0, repeat: true });
    }
    non_empty(rules)
}

fn non_empty<T>(v: Vec<T>) -> ApiResult<Vec<T>> {
    if v.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(v))
}

/// POST /<sub>/score/send/rule — scoreRules; anyone. What the shop gives points for, optionally
/// only the rule `code` (register, sign, order, shareGroup); 700 when none.
#[post("/score/send/rule", data = "<p>")]
async fn send_rules(
    p: Params,
    db: &State<Db>,
    settings: &State<Settings>,
) -> ApiResult<Vec<points::SendRule>> {
    let code = p.opt_text("code", 40)?.map(str::to_string);
    let rules = PointRules::of(&settings.get());
    let sign = db.read(db::points::sign_rules).await?;
    let all = points::send_rules(&rules, &sign);
    non_empty(all.into_iter().filter(|r| code.as_deref().is_none_or(|c| c == r.code)).collect())
}

/// A sign-in reward (`scoreSignRules[i]`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignRuleView {
    pub continuous: i64,
    pub score: i64,
}

/// GET /<sub>/score/sign/rules — scoreSignRules; anyone. Points by consecutive day; 700 when off.
#[get("/score/sign/rules")]
async fn sign_rules(db: &State<Db>) -> ApiResult<Vec<SignRuleView>> {
    let rules = db.read(db::points::sign_rules).await?;
    non_empty(rules.into_iter().map(|r| SignRuleView { continuous: r.continuous, score: r.score }).collect())
}

/// A day the shopper signed in.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignView {
    pub id: i64,
    pub uid: i64,
    /// The streak that day counted.
    pub continuous: i64,
    pub score: i64,
    pub date_add: String,
}

impl From<Sign> for SignView {
    fn from(s: Sign) -> Self {
        SignView {
            id: s.id,
            uid: s.user_id,
            continuous: s.continuous,
            score: s.score,
            date_add: db::format_unix(s.date_add),
        }
    }
}

/// POST /<sub>/score/sign — scoreSign; logged-in shopper. Once per day (10000 the second time).
#[post("/score/sign", data = "<req>")]
async fn sign(req: Authed, db: &State<Db>) -> ApiResult<SignView> {
    let uid = req.user_id;
    Ok(Reply(db.write(move |c| points::sign(c, uid, db::unix_now())).await?.into()))
}

/// GET /<sub>/score/today-signed — scoreTodaySignedInfo; logged-in shopper. 700 when not signed today.
#[get("/score/today-signed")]
async fn today_signed(req: Authed, db: &State<Db>) -> ApiResult<SignView> {
    let (uid, day) = (req.user_id, points::local_day(db::unix_now()));
    let found = db.read(move |c| db::points::sign_on(c, uid, day)).await?;
    Ok(Reply(found.ok_or(ApiError::NoData("今天还没有签到"))?.into()))
}

/// POST /<sub>/score/sign/logs — scoreSignLogs; logged-in shopper. Newest first; 700 when none.
#[post("/score/sign/logs", data = "<req>")]
async fn sign_logs(req: Authed, db: &State<Db>) -> ApiResult<Page<SignView>> {
    let paging = Paging::from(&req.p)?;
    let since = date_bound(&req.p, "dateAddBegin", false)?;
    let before = date_bound(&req.p, "dateAddEnd", true)?;
    let uid = req.user_id;
    let (rows, total) = db
        .read(move |c| db::points::signs_of(c, uid, since, before, paging.offset(), paging.limit()))
        .await?;
    Ok(Reply(paging.page(rows.into_iter().map(Into::into).collect(), total)?))
}

/// The client's ledger filters: `behavior` (0 in, 1 out), `type`, `types` (comma list), `orderId`,
/// `remark` (contained in the reason), `dateAddBegin` / `dateAddEnd`. `postJsonString`, when sent,
/// is a JSON object holding any of the same filters.
fn ledger_filter(p: &Params, accounts: Vec<Account>) -> Result<EntryFilter, ApiError> {
    let merged;
    let p = match p.opt_text("postJsonString", 2000)? {
        Some(json) => {
            let obj: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json)
                .map_err(|_| ApiError::invalid("postJsonString", "应为 JSON 对象"))?;
            let mut pairs: Vec<(String, String)> = Vec::new();
            for (k, v) in obj {
                pairs.push((k, v.as_str().map_or_else(|| v.to_string(), str::to_string)));
            }
            merged = p.merged(pairs);
            &merged
        }
        None => p,
    };
    let income = match p.opt_int("behavior")? {
        None => None,
        Some(0) => Some(true),
        Some(1) => Some(false),
        Some(_) => return Err(ApiError::invalid("behavior", "应为 0（收入）或 1（支出）")),
    };
    let mut sources = Vec::new();
    if let Some(kind) = p.opt_int("type")? {
        sources.push(points::source_of_kind(kind, "type")?.to_string());
    }
    for part in
        p.opt_text("types", 200)?.unwrap_or_default().split(',').map(str::trim).filter(|s| !s.is_empty())
    {
        let kind = part.parse().map_err(|_| ApiError::invalid("types", format!("“{part}”不是类型编号")))?;
        sources.push(points::source_of_kind(kind, "types")?.to_string());
    }
    let source_id = p.opt_int("orderId")?.map(|id| id.to_string());
    if source_id.is_some() && sources.is_empty() {
        sources = vec!["order".into(), "order_reward".into()];
    }
    Ok(EntryFilter {
        accounts,
        income,
        sources,
        source_id,
        reason_like: p.opt_text("remark", 100)?.map(str::to_string),
        since: date_bound(p, "dateAddBegin", false)?,
        before: date_bound(p, "dateAddEnd", true)?,
    })
}

/// A page of the shopper's ledger rows for `accounts`, shaped by `view`.
async fn ledger_page<T: Send + 'static>(
    req: &Authed,
    db: &Db,
    accounts: Vec<Account>,
    view: fn(Entry) -> T,
) -> ApiResult<Page<T>> {
    let paging = Paging::from(&req.p)?;
    let filter = ledger_filter(&req.p, accounts)?;
    let uid = req.user_id;
    let (rows, total) =
        db.read(move |c| db::ledger::entries_of(c, uid, &filter, paging.offset(), paging.limit())).await?;
    Ok(Reply(paging.page(rows.into_iter().map(view).collect(), total)?))
}

/// 0 for money in, 1 for money out, and its words.
fn behavior(amount: i64) -> (i64, &'static str) {
    if amount > 0 {
        (0, "收入")
    } else {
        (1, "支出")
    }
}

/// A points ledger row (`scoreLogs.result[i]`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreLogView {
    pub id: i64,
    pub uid: i64,
    pub behavior: i64,
    pub behavior_str: &'static str,
    /// Points moved (positive; `behavior` says which way).
    pub score: i64,
    /// Points after this row.
    pub score_left: i64,
    #[serde(rename = "type")]
    pub kind: i64,
    pub type_str: &'static str,
    pub remark: String,
    pub date_add: String,
}

fn score_log(e: Entry) -> ScoreLogView {
    let (behavior, behavior_str) = behavior(e.amount);
    let (kind, type_str) = points::kind_of(&e.source_type);
    ScoreLogView {
        id: e.id,
        uid: e.user_id,
        behavior,
        behavior_str,
        score: e.amount.abs(),
        score_left: e.after,
        kind,
        type_str,
        remark: e.reason,
        date_add: db::format_unix(e.date_add),
    }
}

/// POST /<sub>/score/logs — scoreLogs; logged-in shopper. The points ledger, newest first.
#[post("/score/logs", data = "<req>")]
async fn score_logs(req: Authed, db: &State<Db>) -> ApiResult<Page<ScoreLogView>> {
    ledger_page(&req, db, vec![Account::Score], score_log).await
}

/// A growth ledger row (`growthLogs.result[i]`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrowthLogView {
    pub id: i64,
    pub uid: i64,
    pub behavior: i64,
    pub behavior_str: &'static str,
    pub growth: i64,
    pub growth_left: i64,
    #[serde(rename = "type")]
    pub kind: i64,
    pub type_str: &'static str,
    pub remark: String,
    pub date_add: String,
}

fn growth_log(e: Entry) -> GrowthLogView {
    let (behavior, behavior_str) = behavior(e.amount);
    let (kind, type_str) = points::kind_of(&e.source_type);
    GrowthLogView {
        id: e.id,
        uid: e.user_id,
        behavior,
        behavior_str,
        growth: e.amount.abs(),
        growth_left: e.after,
        kind,
        type_str,
        remark: e.reason,
        date_add: db::format_unix(e.date_add),
    }
}

/// POST /<sub>/growth/logs — growthLogs; logged-in shopper. The growth ledger, newest first.
#[post("/growth/logs", data = "<req>")]
async fn growth_logs(req: Authed, db: &State<Db>) -> ApiResult<Page<GrowthLogView>> {
    ledger_page(&req, db, vec![Account::Growth], growth_log).await
}

/// POST /<sub>/growthLog/logs — growthLogsV2; logged-in shopper. The same page as growthLogs.
#[post("/growthLog/logs", data = "<req>")]
async fn growth_logs_v2(req: Authed, db: &State<Db>) -> ApiResult<Page<GrowthLogView>> {
    ledger_page(&req, db, vec![Account::Growth], growth_log).await
}

/// A money ledger row (`cashLogs.result[i]`): the balance, or money held back (`freeze`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CashLogView {
    pub id: i64,
    pub uid: i64,
    /// Yuan moved (positive; `behavior` says which way).
    pub amount: f64,
    /// Yuan in the account after this row.
    pub balance: f64,
    /// `balance` or `freeze`.
    pub account_type: String,
    pub behavior: i64,
    pub behavior_str: &'static str,
    #[serde(rename = "type")]
    pub kind: i64,
    pub type_str: &'static str,
    pub remark: String,
    /// The order the row belongs to, for order rows.
    pub order_id: Option<i64>,
    pub date_add: String,
}

fn cash_log(e: Entry) -> CashLogView {
    let (behavior, behavior_str) = behavior(e.amount);
    let (kind, type_str) = points::kind_of(&e.source_type);
    let order_id = matches!(e.source_type.as_str(), "order" | "order_reward")
        .then(|| e.source_id.parse().ok())
        .flatten();
    CashLogView {
        id: e.id,
        uid: e.user_id,
        amount: to_yuan(e.amount.abs()),
        balance: to_yuan(e.after),
        account_type: e.account,
        behavior,
        behavior_str,
        kind,
        type_str,
        remark: e.reason,
        order_id,
        date_add: db::format_unix(e.date_add),
    }
}

/// POST /<sub>/user/cashLog — cashLogs; logged-in shopper. Balance and frozen-money rows, newest first.
#[post("/user/cashLog", data = "<req>")]
async fn cash_logs(req: Authed, db: &State<Db>) -> ApiResult<Page<CashLogView>> {
    ledger_page(&req, db, vec![Account::Balance, Account::Freeze], cash_log).await
}

/// POST /<sub>/user/cashLog/v2 — cashLogsV2 (api host) and cashLogsV3 (common host); logged-in
/// shopper. The same rows as cashLogs.
#[post("/user/cashLog/v2", data = "<req>")]
async fn cash_logs_v2(req: Authed, db: &State<Db>) -> ApiResult<Page<CashLogView>> {
    ledger_page(&req, db, vec![Account::Balance, Account::Freeze], cash_log).await
}

/// scoreExchange's answer: the points the code gave.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeView {
    pub number: String,
    pub score: i64,
}

/// POST /<sub>/score/exchange — scoreExchange; logged-in shopper. Redeems a code (`number`) once;
/// 700 for an unknown code.
#[post("/score/exchange", data = "<req>")]
async fn exchange_code(req: Authed, db: &State<Db>) -> ApiResult<CodeView> {
    let (uid, number) = (req.user_id, req.p.text("number", 64)?.to_string());
    let code = db.write(move |c| points::redeem_code(c, uid, &number, db::unix_now())).await?;
    Ok(Reply(CodeView { number: code.number, score: code.score }))
}

/// scoreExchangeCash's answer.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CashExchangeView {
    /// Points taken.
    pub score: i64,
    /// Yuan added to the balance.
    pub amount: f64,
}

/// POST /<sub>/score/exchange/cash — scoreExchangeCash; logged-in shopper. `deductionScore`
/// points to balance at the shop's rate (30001 when the points are short).
#[post("/score/exchange/cash", data = "<req>")]
async fn exchange_cash(
    req: Authed,
    db: &State<Db>,
    settings: &State<Settings>,
) -> ApiResult<CashExchangeView> {
    let (uid, wanted, rules) = (req.user_id, req.p.int("deductionScore")?, PointRules::of(&settings.get()));
    let done = db.write(move |c| points::exchange_cash(c, uid, wanted, &rules)).await?;
    Ok(Reply(CashExchangeView { score: done.score, amount: to_yuan(done.gave) }))
}

/// exchangeScoreToGrowth's answer.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrowthExchangeView {
    pub score: i64,
    pub growth: i64,
}

/// POST /<sub>/growth/exchange — exchangeScoreToGrowth; logged-in shopper. `deductionScore`
/// points to growth at the shop's rate.
#[post("/growth/exchange", data = "<req>")]
async fn exchange_growth(
    req: Authed,
    db: &State<Db>,
    settings: &State<Settings>,
) -> ApiResult<GrowthExchangeView> {
    let (uid, wanted, rules) = (req.user_id, req.p.int("deductionScore")?, PointRules::of(&settings.get()));
    let done = db.write(move |c| points::exchange_growth(c, uid, wanted, &rules)).await?;
    Ok(Reply(GrowthExchangeView { score: done.score, growth: done.gave }))
}

/// POST /<sub>/growthLog/exchange — exchangeScoreToGrowthV2; logged-in shopper. As
/// exchangeScoreToGrowth; `data` is the growth gained (the template says "成功兑换 {data} 成长值").
#[post("/growthLog/exchange", data = "<req>")]
async fn exchange_growth_v2(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<i64> {
    let (uid, wanted, rules) = (req.user_id, req.p.int("deductionScore")?, PointRules::of(&settings.get()));
    let done = db.write(move |c| points::exchange_growth(c, uid, wanted, &rules)).await?;
    Ok(Reply(done.gave))
}

/// shareGroupGetScore's answer: the points the sharer got.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareView {
    pub referrer: i64,
    pub score: i64,
}

/// The session key the opener's share info is sealed with: a fresh one for a login `code`, else the
/// logged-in opener's stored one (2001 when there is none).
fn opener_session_key(
    db: &Db,
    wx: &WeChat,
    code: Option<&str>,
    user: Option<i64>,
) -> Result<String, ApiError> {
    match (code, user) {
        (Some(code), _) => Ok(wx.code2session(code)?.session_key),
        (None, Some(uid)) => db
            .read_sync(|c| db::wechat::by_user(c, uid))?
            .map(|a| a.session_key)
            .filter(|k| !k.is_empty())
            .ok_or(ApiError::SessionStale),
        (None, None) => Err(ApiError::Missing("code")),
    }
}

/// POST /<sub>/score/share/wxa/group — shareGroupGetScore; anyone who opened a shared card.
/// Decrypts wx.getShareInfo's data with the opener's session and pays the sharer `referrer` for
/// that group, once a day (WeChat is called before, never inside, the write transaction).
#[post("/score/share/wxa/group", data = "<req>")]
async fn share_group(
    req: MaybeAuthed,
    db: &State<Db>,
    wx: &State<WeChat>,
    settings: &State<Settings>,
) -> ApiResult<ShareView> {
    let p = &req.p;
    let referrer = p.int("referrer")?;
    let (data, iv) = (p.text("encryptedData", 10_000)?.to_string(), p.text("iv", 64)?.to_string());
    let code = p.opt_text("code", 128)?.map(str::to_string);
    let (db, wx, user) = (db.inner().clone(), wx.inner().clone(), req.user_id);
    let rules = PointRules::of(&settings.get());
    let score = blocking(move || {
        let session_key = opener_session_key(&db, &wx, code.as_deref(), user)?;
        let info = account::open_data(&session_key, &data, &iv, &wx.creds()?.appid)?;
        let gid = info["openGId"].as_str().filter(|g| !g.is_empty() && g.len() <= 128).map(str::to_string);
        let gid = gid.ok_or_else(|| ApiError::invalid("encryptedData", "不包含群信息（openGId）"))?;
        Ok(db.write_sync(|c| points::award_share(c, referrer, &gid, &rules, db::unix_now()))?)
    })
    .await?;
    Ok(Reply(ShareView { referrer, score }))
}
