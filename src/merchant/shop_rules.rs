//! The settings that are lists rather than single values, each kept in its own table: sign-in
//! rewards, recharge bonuses, pay-bill discounts and the subscription-message mappings. A rule list
//! is read with GET and replaced whole with PUT, both as `{"items": [...]}` (checked first, written
//! in one transaction); a subscription message is set one event at a time.

use std::collections::HashSet;

use rocket::serde::json::Json;
use rocket::{delete, get, put, routes, Route, State};
use serde::{Deserialize, Serialize};

use super::body::fen;
use super::{Answer, ApiKey, JsonBody, Problem};
use crate::db::{self, points::SignRule, Db};
use crate::error::MerchantError;
use crate::money::{to_yuan, MAX_FEN};
use crate::service::outbox::{self as messages, FieldMap, TemplateInput};
use crate::service::{pay_bill, points};

pub fn routes() -> Vec<Route> {
    routes![
        sign_in_rules,
        replace_sign_in_rules,
        recharge_rules,
        replace_recharge_rules,
        pay_bill_discounts,
        replace_pay_bill_discounts,
        message_templates,
        put_message_template,
        delete_message_template
    ]
}

/// A whole list, as GET answers it and PUT sends it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Items<T> {
    pub items: Vec<T>,
}

// ---- sign-in rewards (积分 › 签到) ----

/// Points for the `continuous`-th day in a row (the longest rule keeps paying after it).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignInRule {
    pub continuous: i64,
    pub score: i64,
}

async fn sign_in_list(db: &Db) -> Answer<Json<Items<SignInRule>>> {
    let rules = db.read(db::points::sign_rules).await?;
    let items = rules.into_iter().map(|r| SignInRule { continuous: r.continuous, score: r.score }).collect();
    Ok(Json(Items { items }))
}

/// GET /admin/api/v1/settings/sign-in-rules — merchant key. Shortest streak first.
#[get("/settings/sign-in-rules")]
async fn sign_in_rules(_key: ApiKey, db: &State<Db>) -> Answer<Json<Items<SignInRule>>> {
    sign_in_list(db).await
}

/// PUT /admin/api/v1/settings/sign-in-rules — merchant key. Replaces every rule; `[]` turns sign-in off.
#[put("/settings/sign-in-rules", data = "<body>")]
async fn replace_sign_in_rules(
    _key: ApiKey,
    db: &State<Db>,
    body: JsonBody<Items<SignInRule>>,
) -> Answer<Json<Items<SignInRule>>> {
    let rules: Vec<SignRule> =
        body.0.items.into_iter().map(|r| SignRule { continuous: r.continuous, score: r.score }).collect();
    db.write(move |c| Ok::<_, Problem>(points::save_sign_rules(c, &rules, db::unix_now())?)).await?;
    sign_in_list(db).await
}

// ---- recharge bonuses (资金 › 充值赠送) ----

/// A recharge of at least `confine` yuan gets `send` yuan on top (the best matching rule only).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RechargeRuleView {
    pub confine: f64,
    pub send: f64,
    pub confine_fen: i64,
    pub send_fen: i64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RechargeRuleBody {
    pub confine: f64,
    pub send: f64,
}

async fn recharge_list(db: &Db) -> Answer<Json<Items<RechargeRuleView>>> {
    let rules = db.read(db::payment::recharge_rules).await?;
    let items = rules
        .into_iter()
        .map(|r| RechargeRuleView {
            confine: to_yuan(r.confine),
            send: to_yuan(r.send),
            confine_fen: r.confine,
            send_fen: r.send,
        })
        .collect();
    Ok(Json(Items { items }))
}

/// Both amounts of each rule in fen, every threshold once; the first fault names its field.
fn checked_pairs(
    pairs: impl Iterator<Item = (f64, f64)>,
    names: (&'static str, &'static str),
) -> Result<Vec<(i64, i64)>, Problem> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (threshold, amount) in pairs {
        let (threshold, amount) = (fen(names.0, threshold)?, fen(names.1, amount)?);
        if threshold == 0 || threshold > MAX_FEN {
            return Err(Problem::invalid(names.0, "must be more than 0"));
        }
        if amount == 0 {
            return Err(Problem::invalid(names.1, "must be more than 0"));
        }
        if !seen.insert(threshold) {
            return Err(Problem::invalid(names.0, format!("{} appears twice", to_yuan(threshold))));
        }
        out.push((threshold, amount));
    }
    Ok(out)
}

/// GET /admin/api/v1/settings/recharge-rules — merchant key. Smallest threshold first.
#[get("/settings/recharge-rules")]
async fn recharge_rules(_key: ApiKey, db: &State<Db>) -> Answer<Json<Items<RechargeRuleView>>> {
    recharge_list(db).await
}

/// PUT /admin/api/v1/settings/recharge-rules — merchant key. Replaces every rule; `[]` = no bonus.
#[put("/settings/recharge-rules", data = "<body>")]
async fn replace_recharge_rules(
    _key: ApiKey,
    db: &State<Db>,
    body: JsonBody<Items<RechargeRuleBody>>,
) -> Answer<Json<Items<RechargeRuleView>>> {
    let rules = checked_pairs(body.0.items.into_iter().map(|r| (r.confine, r.send)), ("confine", "send"))?;
    db.write(move |c| {
        for old in db::payment::recharge_rules(c)? {
            db::payment::delete_recharge_rule(c, old.id)?;
        }
        let now = db::unix_now();
        for (confine, send) in rules {
            db::payment::put_recharge_rule(c, confine, send, now)?;
        }
        Ok::<_, Problem>(())
    })
    .await?;
    recharge_list(db).await
}

// ---- pay-bill discounts (营销 › 买单) ----

/// A bill of at least `consume` yuan costs `discounts` yuan less (the best matching rule only).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscountView {
    pub consume: f64,
    pub discounts: f64,
    pub consume_fen: i64,
    pub discounts_fen: i64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiscountBody {
    pub consume: f64,
    pub discounts: f64,
}

async fn discount_list(db: &Db) -> Answer<Json<Items<DiscountView>>> {
    let rules = db.read(db::pay_bill::discounts).await?;
    let items = rules
        .into_iter()
        .map(|r| DiscountView {
            consume: to_yuan(r.consume),
            discounts: to_yuan(r.discounts),
            consume_fen: r.consume,
            discounts_fen: r.discounts,
        })
        .collect();
    Ok(Json(Items { items }))
}

/// GET /admin/api/v1/settings/pay-bill-discounts — merchant key. Smallest threshold first.
#[get("/settings/pay-bill-discounts")]
async fn pay_bill_discounts(_key: ApiKey, db: &State<Db>) -> Answer<Json<Items<DiscountView>>> {
    discount_list(db).await
}

/// PUT /admin/api/v1/settings/pay-bill-discounts — merchant key. Replaces every rule (at most 50).
#[put("/settings/pay-bill-discounts", data = "<body>")]
async fn replace_pay_bill_discounts(
    _key: ApiKey,
    db: &State<Db>,
    body: JsonBody<Items<DiscountBody>>,
) -> Answer<Json<Items<DiscountView>>> {
    let rules =
        checked_pairs(body.0.items.into_iter().map(|r| (r.consume, r.discounts)), ("consume", "discounts"))?;
    db.write(move |c| {
        for old in db::pay_bill::discounts(c)? {
            db::pay_bill::delete_discount(c, old.id)?;
        }
        let now = db::unix_now();
        for (consume, discounts) in rules {
            pay_bill::put_rule(c, consume, discounts, now)?;
        }
        Ok::<_, Problem>(())
    })
    .await?;
    discount_list(db).await
}

// ---- subscription messages (微信 › 订阅消息) ----

/// One shop event and the WeChat template it sends (`templateId` empty: not sent).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageTemplateView {
    pub event: &'static str,
    /// The event in the console's words.
    pub label: &'static str,
    /// The `source` values this event can fill a template key with.
    pub sources: Vec<&'static str>,
    pub template_id: String,
    pub page: String,
    pub enabled: bool,
    pub fields: Vec<FieldMap>,
    pub date_update: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageTemplateBody {
    pub template_id: String,
    #[serde(default)]
    pub page: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    pub fields: Vec<FieldMap>,
}

fn yes() -> bool {
    true
}

fn template_view(
    info: &'static messages::EventInfo,
    row: Option<db::outbox::TemplateRow>,
) -> MessageTemplateView {
    let row = row.unwrap_or_default();
    MessageTemplateView {
        event: info.key,
        label: info.label,
        sources: info.sources.iter().map(|s| s.key()).collect(),
        fields: serde_json::from_str(&row.fields).unwrap_or_default(),
        template_id: row.template_id,
        page: row.page,
        enabled: row.enabled,
        date_update: if row.date_update == 0 { String::new() } else { db::format_unix(row.date_update) },
    }
}

fn event(key: &str) -> Result<&'static messages::EventInfo, Problem> {
    messages::event_info(key).ok_or_else(|| MerchantError::NotFound("message template event").into())
}

async fn load_template(db: &Db, info: &'static messages::EventInfo) -> Answer<Json<MessageTemplateView>> {
    let row = db.read(move |c| db::outbox::template(c, info.key)).await?;
    Ok(Json(template_view(info, row)))
}

/// GET /admin/api/v1/settings/message-templates — merchant key. Every event, mapped or not.
#[get("/settings/message-templates")]
async fn message_templates(_key: ApiKey, db: &State<Db>) -> Answer<Json<Items<MessageTemplateView>>> {
    let rows = db.read(db::outbox::templates).await?;
    let items = messages::EVENTS
        .iter()
        .map(|info| template_view(info, rows.iter().find(|r| r.event == info.key).cloned()))
        .collect();
    Ok(Json(Items { items }))
}

/// PUT /admin/api/v1/settings/message-templates/<event> — merchant key. Sets the event's template.
#[put("/settings/message-templates/<key>", data = "<body>")]
async fn put_message_template(
    _key: ApiKey,
    db: &State<Db>,
    key: &str,
    body: JsonBody<MessageTemplateBody>,
) -> Answer<Json<MessageTemplateView>> {
    let info = event(key)?;
    let b = body.0;
    let input = TemplateInput {
        event: info.key.into(),
        template_id: b.template_id,
        page: b.page,
        enabled: b.enabled,
        fields: b.fields,
    };
    db.write(move |c| Ok::<_, Problem>(messages::save_template(c, &input, db::unix_now())?)).await?;
    load_template(db, info).await
}

/// DELETE /admin/api/v1/settings/message-templates/<event> — merchant key. The event sends nothing.
#[delete("/settings/message-templates/<key>")]
async fn delete_message_template(_key: ApiKey, db: &State<Db>, key: &str) -> Answer<rocket::http::Status> {
    let info = event(key)?;
    db.write(move |c| db::outbox::delete_template(c, info.key)).await.map_err(Problem::from)?;
    Ok(rocket::http::Status::NoContent)
}
