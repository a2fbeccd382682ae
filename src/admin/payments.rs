//! 支付记录 (WeChat Pay payments: list, detail, "向微信查询" now), 微信支付设置 (merchant number,
//! write-only key, sign type, certificate paths, API address; values the environment sets are
//! locked) and 充值赠送 (recharge bonus rules).

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};

use super::auth::Empty;
use super::page::{done, failed, render, render_as, Answer, Html, Pager, Posted, Problem, Staff, PER_PAGE};
use crate::db::blocking;
use crate::db::payment::{self as store, status, Filter, Payment, RechargeRule};
use crate::db::{self, Db};
use crate::error::{AdminError, ApiError};
use crate::money;
use crate::service::error::Error as ServiceError;
use crate::service::payment::{self, Applied, Reconciled};
use crate::settings::{keys, Settings};
use crate::wechat::WeChat;

pub fn routes() -> Vec<Route> {
    routes![list, detail, query_now, settings_page, save_settings, rules_page, add_rule, delete_rule]
}

/// A payment as the list and the detail show it.
pub struct Row {
    pub p: Payment,
    pub money: String,
    pub status: &'static str,
    pub purpose: String,
}

impl Row {
    fn new(p: Payment) -> Row {
        let purpose = match p.action_type {
            -1 => "余额充值".to_string(),
            0 => "支付订单".to_string(),
            6 => "购买会员".to_string(),
            7 => "购买优惠券".to_string(),
            10 => "购买会员卡".to_string(),
            t => format!("类型 {t}"),
        };
        Row { money: money::format(p.money), status: status::label(p.status), purpose, p }
    }
}

#[derive(Template)]
#[template(path = "admin/payments/list.html")]
struct ListPage {
    staff: Staff,
    rows: Vec<Row>,
    status: String,
    user: String,
    no: String,
    pager: Pager,
}

/// GET /admin/payments?status=&user=&no=&page= — staff only. Newest first, 25 a page.
#[get("/payments?<status>&<user>&<no>&<page>")]
async fn list(
    staff: Staff,
    db: &State<Db>,
    status: Option<&str>,
    user: Option<&str>,
    no: Option<&str>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let (status, user, no) =
        (status.unwrap_or("").trim(), user.unwrap_or("").trim(), no.unwrap_or("").trim());
    let f = Filter {
        status: status.parse().ok(),
        user_id: user.parse().ok(),
        out_trade_no: Some(no.to_string()).filter(|n| !n.is_empty()),
        order_id: None,
    };
    let asked = page.unwrap_or(1).max(1);
    let (rows, total) = db.read(move |c| store::list(c, &f, (asked - 1) * PER_PAGE, PER_PAGE)).await?;
    let pager = Pager::new(Some(asked), total, &[("status", status), ("user", user), ("no", no)]);
    render(&ListPage {
        staff,
        rows: rows.into_iter().map(Row::new).collect(),
        status: status.to_string(),
        user: user.to_string(),
        no: no.to_string(),
        pager,
    })
}

#[derive(Template)]
#[template(path = "admin/payments/detail.html")]
struct DetailPage {
    staff: Staff,
    row: Row,
    orders: Vec<(i64, String)>,
    paid: String,
    bonus: String,
}

/// GET /admin/payments/<id> — staff only.
#[get("/payments/<id>")]
async fn detail(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let (p, orders) = db
        .read(move |c| {
            let Some(p) = store::by_id(c, id)? else { return Ok::<_, AdminError>(None) };
            let mut orders = Vec::new();
            for o in store::orders_of(c, id)? {
                let number = db::order::order(c, o)?.map(|o| o.order_number).unwrap_or_default();
                orders.push((o, number));
            }
            Ok(Some((p, orders)))
        })
        .await?
        .ok_or(AdminError::NotFound)?;
    let paid = p.paid_fen.map_or_else(|| "—".into(), money::format);
    let bonus = money::format(p.bonus_fen);
    render(&DetailPage { staff, row: Row::new(p), orders, paid, bonus })
}

/// POST /admin/payments/<id>/query — staff only: asks WeChat now (orderquery) and applies the
/// payment if WeChat says it is paid; the result comes back as a message.
#[post("/payments/<id>/query", data = "<_form>")]
async fn query_now(
    _staff: Staff,
    _form: Posted<Empty>,
    db: &State<Db>,
    wx: &State<WeChat>,
    id: i64,
) -> Result<Answer, AdminError> {
    let (db2, wx2) = (db.inner().clone(), wx.inner().clone());
    let to = format!("/admin/payments/{id}");
    match blocking(move || Ok(payment::reconcile(&db2, &wx2, id, db::unix_now())?)).await {
        Ok(r) => Ok(done(to, reconciled_text(&r))),
        Err(ApiError::NotFound(_)) => Err(AdminError::NotFound),
        Err(e) => Ok(failed(to, format!("查询失败：{}", e.msg()))),
    }
}

fn reconciled_text(r: &Reconciled) -> String {
    match r {
        Reconciled::Settled(s) => format!("该支付{}，无需查询", status::label(*s)),
        Reconciled::Applied(Applied::Done) => "微信支付显示已支付：已入账并完成支付用途".into(),
        Reconciled::Applied(Applied::Already) => "微信支付显示已支付，此前已入账".into(),
        Reconciled::Applied(Applied::Failed(why)) => {
            format!("微信支付显示已支付，款项已入顾客余额，但用途未完成：{why}")
        }
        Reconciled::Closed => "微信支付显示未支付，已关闭该支付".into(),
        Reconciled::Pending => "微信支付显示尚未支付".into(),
    }
}

#[derive(FromForm, Default)]
struct PayForm {
    mch_id: String,
    /// Blank keeps the stored key: it is never shown back.
    key: String,
    sign_type: String,
    cert_path: String,
    cert_key_path: String,
    base: String,
}

#[derive(Template)]
#[template(path = "admin/payments/settings.html")]
struct SettingsPage {
    staff: Staff,
    form: PayForm,
    key_set: bool,
    env_mch_id: bool,
    env_key: bool,
    env_base: bool,
    env_cert: bool,
    env_cert_key: bool,
    notify_url: String,
    error: Option<String>,
}

fn settings_of(
    staff: Staff,
    settings: &Settings,
    form: Option<PayForm>,
    error: Option<String>,
    cfg: &crate::config::Config,
) -> SettingsPage {
    let snap = settings.get();
    let form = form.unwrap_or_else(|| PayForm {
        mch_id: snap.wxpay_mch_id().unwrap_or("").to_string(),
        key: String::new(),
        sign_type: snap.wxpay_sign_type().as_str().to_string(),
        cert_path: snap.wxpay_cert().unwrap_or("").to_string(),
        cert_key_path: snap.wxpay_cert_key().unwrap_or("").to_string(),
        base: snap.wxpay_base().unwrap_or("").to_string(),
    });
    let env = &snap.wechat_env;
    SettingsPage {
        staff,
        form,
        key_set: snap.wxpay_key().is_some(),
        env_mch_id: env.pay_mch_id.is_some(),
        env_key: env.pay_key.is_some(),
        env_base: env.pay_base.is_some(),
        env_cert: env.pay_cert.is_some(),
        env_cert_key: env.pay_cert_key.is_some(),
        notify_url: format!("{}/notify/wxpay", cfg.public_url()),
        error,
    }
}

/// GET /admin/payments/settings — staff only.
#[get("/payments/settings")]
fn settings_page(
    staff: Staff,
    settings: &State<Settings>,
    cfg: &State<crate::config::Config>,
) -> Result<Html, AdminError> {
    render(&settings_of(staff, settings, None, None, cfg))
}

/// POST /admin/payments/settings — staff only. Certificate files must exist and be PEM; values
/// the environment sets are left alone; a blank key keeps the stored one.
#[post("/payments/settings", data = "<form>")]
async fn save_settings(
    staff: Staff,
    form: Posted<PayForm>,
    db: &State<Db>,
    settings: &State<Settings>,
    cfg: &State<crate::config::Config>,
) -> Result<Answer, AdminError> {
    let form = form.0;
    let env = settings.get().wechat_env.clone();
    let mut pairs = Vec::new();
    let mut put = |locked: bool, key: &str, value: &str| {
        if !locked {
            pairs.push((key.to_string(), value.trim().to_string()));
        }
    };
    put(env.pay_mch_id.is_some(), keys::WXPAY_MCH_ID, &form.mch_id);
    put(env.pay_key.is_some() || form.key.trim().is_empty(), keys::WXPAY_KEY, &form.key);
    put(false, keys::WXPAY_SIGN_TYPE, &form.sign_type);
    put(env.pay_cert.is_some(), keys::WXPAY_CERT, &form.cert_path);
    put(env.pay_cert_key.is_some(), keys::WXPAY_CERT_KEY, &form.cert_key_path);
    put(env.pay_base.is_some(), keys::WXPAY_BASE, form.base.trim().trim_end_matches('/'));
    let checked = pem_files_ok(&pairs);
    let saved = match checked {
        Ok(()) => crate::service::site::set_settings(db, settings, pairs).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => Ok(done("/admin/payments/settings", "微信支付设置已保存")),
        Err(e) => {
            let error = Some(Problem::from_settings(e).message()?);
            let form = Some(PayForm { key: String::new(), ..form });
            let page = settings_of(staff, settings, form, error, cfg);
            Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?))
        }
    }
}

/// The certificate paths being saved must name readable PEM files of the right kind.
fn pem_files_ok(pairs: &[(String, String)]) -> Result<(), ServiceError> {
    for (key, path) in pairs {
        let (name, wanted) = match key.as_str() {
            keys::WXPAY_CERT => ("wxpayCertPath", "CERTIFICATE"),
            keys::WXPAY_CERT_KEY => ("wxpayCertKeyPath", "PRIVATE KEY"),
            _ => continue,
        };
        if path.is_empty() {
            continue;
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| ServiceError::invalid(name, format!("无法读取文件 {path}：{e}")))?;
        if !text.contains("-----BEGIN") || !text.contains(wanted) {
            return Err(ServiceError::invalid(name, format!("{path} 不是 PEM 格式的 {wanted} 文件")));
        }
    }
    Ok(())
}

/// A recharge rule as the page shows it.
pub struct RuleRow {
    pub id: i64,
    pub confine: String,
    pub send: String,
}

#[derive(Template)]
#[template(path = "admin/payments/recharge.html")]
struct RulesPage {
    staff: Staff,
    rules: Vec<RuleRow>,
    confine: String,
    send: String,
    error: Option<String>,
}

async fn rules_of(db: &Db) -> Result<Vec<RuleRow>, AdminError> {
    let rules: Vec<RechargeRule> = db.read(store::recharge_rules).await?;
    Ok(rules
        .into_iter()
        .map(|r| RuleRow { id: r.id, confine: money::format(r.confine), send: money::format(r.send) })
        .collect())
}

/// GET /admin/payments/recharge — staff only: the 充 X 送 Y rules.
#[get("/payments/recharge")]
async fn rules_page(staff: Staff, db: &State<Db>) -> Result<Html, AdminError> {
    let rules = rules_of(db).await?;
    render(&RulesPage { staff, rules, confine: String::new(), send: String::new(), error: None })
}

#[derive(FromForm)]
struct RuleForm {
    confine: String,
    send: String,
}

/// POST /admin/payments/recharge — staff only: adds a rule (or changes the bonus of the same threshold).
#[post("/payments/recharge", data = "<form>")]
async fn add_rule(staff: Staff, form: Posted<RuleForm>, db: &State<Db>) -> Result<Answer, AdminError> {
    let form = form.0;
    let amounts = match (money::parse(&form.confine), money::parse(&form.send)) {
        (Some(c), Some(s)) if c > 0 && s > 0 => Ok((c, s)),
        (Some(c), _) if c > 0 => Err("赠送金额应为大于 0 的金额（元）"),
        _ => Err("充值金额应为大于 0 的金额（元）"),
    };
    match amounts {
        Ok((c, s)) => {
            db.write(move |conn| store::put_recharge_rule(conn, c, s, db::unix_now())).await?;
            Ok(done("/admin/payments/recharge", "充值赠送规则已保存"))
        }
        Err(why) => {
            let rules = rules_of(db).await?;
            let page = RulesPage {
                staff,
                rules,
                confine: form.confine,
                send: form.send,
                error: Some(why.to_string()),
            };
            Ok(Answer::Page(render_as(Status::UnprocessableEntity, &page)?))
        }
    }
}

/// POST /admin/payments/recharge/<id>/delete — staff only.
#[post("/payments/recharge/<id>/delete", data = "<_form>")]
async fn delete_rule(
    _staff: Staff,
    _form: Posted<Empty>,
    db: &State<Db>,
    id: i64,
) -> Result<Answer, AdminError> {
    if db.write(move |c| store::delete_recharge_rule(c, id)).await? {
        Ok(done("/admin/payments/recharge", "规则已删除"))
    } else {
        Err(AdminError::NotFound)
    }
}
