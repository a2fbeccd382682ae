//! Subscription messages: the merchant maps shop events to WeChat subscription templates (which
//! template, which page, where each template key takes its value), events put a rendered message in
//! the outbox inside their own transaction, and the outbox job (src/jobs/outbox.rs) sends it.
//!
//! WeChat's value rules (per key kind: `thing` ≤ 20 characters, `phrase` ≤ 5 Chinese characters,
//! `character_string` ≤ 32 letters/digits/symbols...) are checked when the merchant saves a fixed
//! text and applied when a message is rendered: long values are cut on character boundaries.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::db::{self, outbox, outbox::NewMessage};
use crate::service::error::{Error, Result, Rule};

/// A shop event that may send the shopper a subscription message.
#[derive(Debug, Clone)]
pub enum ShopEvent {
    /// The order was paid (any way: balance, WeChat Pay, free).
    OrderPaid { order_id: i64 },
    /// The merchant shipped a delivery order (carrier and tracking number from its parcels).
    OrderShipped { order_id: i64 },
    /// A pick-up order is ready at the store (the merchant "shipped" it for pick-up).
    PickupReady { order_id: i64 },
    /// An unpaid order was closed because its payment deadline passed.
    OrderClosed { order_id: i64 },
    /// The merchant approved or rejected an after-sale request.
    RefundDecided { refund_id: i64 },
    /// The merchant decided a withdrawal of the shopper's balance.
    WithdrawalDecided { withdrawal_id: i64, amount_fen: i64, approved: bool, reason: String },
    /// Sold-out goods a shopper waits for has stock again.
    BackInStock { goods_id: i64 },
}

impl ShopEvent {
    pub fn key(&self) -> &'static str {
        match self {
            ShopEvent::OrderPaid { .. } => "order_paid",
            ShopEvent::OrderShipped { .. } => "order_shipped",
            ShopEvent::PickupReady { .. } => "pickup_ready",
            ShopEvent::OrderClosed { .. } => "order_closed",
            ShopEvent::RefundDecided { .. } => "refund_decided",
            ShopEvent::WithdrawalDecided { .. } => "withdrawal_decided",
            ShopEvent::BackInStock { .. } => "back_in_stock",
        }
    }
}

/// Where a template key takes its value from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    OrderNumber,
    GoodsName,
    Amount,
    Time,
    Status,
    ExpressCompany,
    ExpressNumber,
    Reason,
    PickupCode,
    Text,
}

use Source::{
    Amount, ExpressCompany, ExpressNumber, GoodsName, OrderNumber, PickupCode, Reason, Status, Text, Time,
};

impl Source {
    pub const ALL: &'static [Source] = &[
        OrderNumber,
        GoodsName,
        Amount,
        Time,
        Status,
        ExpressCompany,
        ExpressNumber,
        Reason,
        PickupCode,
        Text,
    ];

    pub fn key(self) -> &'static str {
        match self {
            OrderNumber => "order_number",
            GoodsName => "goods_name",
            Amount => "amount",
            Time => "time",
            Status => "status",
            ExpressCompany => "express_company",
            ExpressNumber => "express_number",
            Reason => "reason",
            PickupCode => "pickup_code",
            Text => "text",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrderNumber => "订单号",
            GoodsName => "商品名称（最多 20 字）",
            Amount => "金额（元）",
            Time => "时间",
            Status => "状态",
            ExpressCompany => "快递公司",
            ExpressNumber => "快递单号",
            Reason => "原因/备注",
            PickupCode => "提货码",
            Text => "固定文字",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.iter().copied().find(|x| x.key() == s)
    }

    /// The template key kinds a value of this source can fill.
    fn kinds(self) -> &'static [&'static str] {
        match self {
            OrderNumber | ExpressNumber => &["character_string", "thing"],
            PickupCode => &["character_string", "number", "thing"],
            GoodsName | Reason => &["thing"],
            Amount => &["amount", "number", "thing"],
            Time => &["time", "date", "thing"],
            Status => &["phrase", "thing"],
            ExpressCompany => &["thing", "name", "phrase"],
            Text => KINDS,
        }
    }
}

/// Every shop event the console can map, with its label and the sources it offers.
pub struct EventInfo {
    pub key: &'static str,
    pub label: &'static str,
    pub sources: &'static [Source],
}

pub const EVENTS: &[EventInfo] = &[
    EventInfo {
        key: "order_paid",
        label: "订单支付成功",
        sources: &[OrderNumber, GoodsName, Amount, Time, Status, Text],
    },
    EventInfo {
        key: "order_shipped",
        label: "订单已发货",
        sources: &[OrderNumber, GoodsName, Amount, Time, Status, ExpressCompany, ExpressNumber, Text],
    },
    EventInfo {
        key: "pickup_ready",
        label: "自提订单可取货",
        sources: &[OrderNumber, GoodsName, Amount, Time, Status, PickupCode, Text],
    },
    EventInfo {
        key: "refund_decided",
        label: "售后处理结果（同意/拒绝）",
        sources: &[OrderNumber, GoodsName, Amount, Time, Status, Reason, Text],
    },
    EventInfo {
        key: "withdrawal_decided",
        label: "提现处理结果",
        sources: &[Amount, Time, Status, Reason, Text],
    },
    EventInfo {
        key: "order_closed",
        label: "订单超时未支付关闭",
        sources: &[OrderNumber, GoodsName, Amount, Time, Status, Reason, Text],
    },
    EventInfo {
        key: "back_in_stock", label: "缺货商品到货", sources: &[GoodsName, Time, Status, Text]
    },
];

pub fn event_info(key: &str) -> Option<&'static EventInfo> {
    EVENTS.iter().find(|e| e.key == key)
}

/// The kinds of template keys WeChat defines (a key is a kind plus a number: `thing2`).
pub const KINDS: &[&str] = &[
    "thing",
    "number",
    "letter",
    "symbol",
    "character_string",
    "time",
    "date",
    "amount",
    "phone_number",
    "car_number",
    "name",
    "phrase",
];

/// The kind of a template key (`thing2` → `thing`), when the key is well formed.
pub fn kind_of(key: &str) -> Option<&'static str> {
    let base = key.trim_end_matches(|c: char| c.is_ascii_digit());
    if base.len() == key.len() || key.len() > 40 {
        return None;
    }
    KINDS.iter().copied().find(|k| *k == base)
}

fn chars(v: &str) -> usize {
    v.chars().count()
}

fn is_number(v: &str) -> bool {
    let mut parts = v.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// True when `value` obeys WeChat's rule for a key of `kind` (what WeChat answers 47003 for).
pub fn value_fits(kind: &str, value: &str) -> bool {
    if value.is_empty() {
        return false;
    }
    let n = chars(value);
    match kind {
        "thing" => n <= 20,
        "number" => n <= 32 && is_number(value),
        "letter" => n <= 32 && value.chars().all(|c| c.is_ascii_alphabetic()),
        "symbol" => n <= 5 && value.chars().all(|c| c.is_ascii_punctuation()),
        "character_string" => n <= 32 && value.chars().all(|c| c.is_ascii_graphic()),
        "time" | "date" => {
            n <= 40
                && value.chars().any(|c| c.is_ascii_digit())
                && value.chars().all(|c| c.is_ascii_digit() || " :-/~年月日时分秒".contains(c))
        }
        "amount" => {
            let v = value.trim_start_matches(['¥', '￥', '$']).trim_end_matches('元');
            v.split('.').next().is_some_and(|i| i.len() <= 10) && is_number(v)
        }
        "phone_number" => n <= 17 && value.chars().all(|c| c.is_ascii_digit() || "+-() ".contains(c)),
        "car_number" => n <= 8,
        "name" => {
            if value.is_ascii() {
                n <= 20
            } else {
                n <= 10
            }
        }
        "phrase" => n <= 5 && value.chars().all(|c| !c.is_ascii()),
        _ => false,
    }
}

/// The first `max` characters of `v`, marked with "…" when cut.
fn cut(v: &str, max: usize) -> String {
    if chars(v) <= max {
        return v.to_string();
    }
    let mut s: String = v.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// Makes a value fit its key's kind where that can be done safely (cut on character boundaries,
/// drop characters a kind does not take); the sandbox and WeChat refuse what still does not fit.
pub fn fit(kind: &str, value: &str) -> String {
    let value = value.trim();
    match kind {
        "thing" => cut(value, 20),
        "character_string" => value.chars().filter(char::is_ascii_graphic).take(32).collect(),
        "number" | "letter" => value.chars().take(32).collect(),
        "symbol" | "phrase" => value.chars().take(5).collect(),
        "phone_number" => value.chars().take(17).collect(),
        "car_number" => value.chars().take(8).collect(),
        "name" if value.is_ascii() => value.chars().take(20).collect(),
        "name" => value.chars().take(10).collect(),
        _ => value.chars().take(40).collect(),
    }
}

/// One template key and where its value comes from, as the merchant mapped it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct FieldMap {
    pub key: String,
    /// What the key is called in the template ("订单号"), to show the message as the shopper sees it.
    #[serde(default)]
    pub label: String,
    pub source: String,
    /// The value when `source` is `text`.
    #[serde(default)]
    pub text: String,
}

/// One event's mapping as the console edits it.
#[derive(Debug, Clone, Default)]
pub struct TemplateInput {
    pub event: String,
    pub template_id: String,
    pub page: String,
    pub enabled: bool,
    pub fields: Vec<FieldMap>,
}

/// At most this many keys per template (WeChat's templates have up to 5; old ones up to 10).
const MAX_FIELDS: usize = 10;

/// Checks a page path as WeChat takes it: no leading '/', printable, ≤ 512 characters.
fn check_page(page: &str) -> Result<String> {
    let page = page.trim().trim_start_matches('/');
    if page.len() > 512 || !page.chars().all(|c| c.is_ascii_graphic()) {
        return Err(Error::invalid("page", "应为小程序页面路径，例如 pages/order-details/index?id=1"));
    }
    Ok(page.to_string())
}

fn check_template_id(id: &str) -> Result<String> {
    let id = id.trim();
    if id.is_empty() {
        return Err(Error::missing("templateId"));
    }
    if id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(Error::invalid("templateId", "应为微信公众平台里订阅消息模板的模板 ID"));
    }
    Ok(id.to_string())
}

/// Checks and stores one event's mapping.
pub fn save_template(c: &Connection, input: &TemplateInput, now: i64) -> Result<()> {
    let info = event_info(&input.event).ok_or_else(|| Error::invalid("event", "未知的事件"))?;
    let template_id = check_template_id(&input.template_id)?;
    let page = check_page(&input.page)?;
    let fields: Vec<FieldMap> = input.fields.iter().filter(|f| !f.key.trim().is_empty()).cloned().collect();
    if fields.is_empty() {
        return Err(Error::invalid("fields", "至少填写一个模板关键词"));
    }
    if fields.len() > MAX_FIELDS {
        return Err(Error::invalid("fields", "最多 10 个模板关键词"));
    }
    let mut seen = Vec::new();
    let mut clean = Vec::new();
    for f in fields {
        let key = f.key.trim().to_string();
        let kind = kind_of(&key).ok_or_else(|| {
            Error::invalid("fields", format!("关键词 {key} 无效：应为 thing2、amount3 这样的类型加编号"))
        })?;
        if seen.contains(&key) {
            return Err(Error::invalid("fields", format!("关键词 {key} 重复")));
        }
        seen.push(key.clone());
        let source = Source::parse(&f.source)
            .filter(|s| info.sources.contains(s))
            .ok_or_else(|| Error::invalid("fields", format!("关键词 {key} 的取值来源不适用于该事件")))?;
        if !source.kinds().contains(&kind) {
            return Err(Error::invalid(
                "fields",
                format!("关键词 {key} 是 {kind} 类型，不能填{}", source.label()),
            ));
        }
        let text = f.text.trim().to_string();
        if source == Text && !value_fits(kind, &text) {
            return Err(Error::invalid(
                "fields",
                format!("关键词 {key} 的固定文字不符合微信 {kind} 类型的规则（{}）", rule_of(kind)),
            ));
        }
        let label = f.label.trim().chars().take(20).collect();
        clean.push(FieldMap { key, label, source: source.key().into(), text });
    }
    let fields = serde_json::to_string(&clean).map_err(|e| Error::Internal(e.to_string()))?;
    let row = outbox::TemplateRow {
        event: info.key.into(),
        template_id,
        page,
        fields,
        enabled: input.enabled,
        date_update: now,
    };
    outbox::put_template(c, &row, now)?;
    Ok(())
}

/// WeChat's rule for a kind, in words.
pub fn rule_of(kind: &str) -> &'static str {
    match kind {
        "thing" => "20 个以内字符",
        "number" => "32 位以内数字，可带小数",
        "letter" => "32 位以内字母",
        "symbol" => "5 位以内符号",
        "character_string" => "32 位以内数字、字母或符号",
        "time" => "时间，例如 2026年11月23日 15:01",
        "date" => "日期，例如 2026年11月23日",
        "amount" => "金额，例如 ¥19.90",
        "phone_number" => "17 位以内数字和符号",
        "car_number" => "8 位以内车牌号",
        "name" => "10 个以内汉字或 20 个以内字母",
        "phrase" => "5 个以内汉字",
        _ => "未知类型",
    }
}

/// What an event knows to fill a message with.
#[derive(Debug, Default)]
struct Facts {
    order_number: String,
    goods_name: String,
    amount_fen: i64,
    time: i64,
    status: String,
    express_company: String,
    express_number: String,
    reason: String,
    pickup_code: String,
}

fn order_facts(c: &Connection, order_id: i64, f: &mut Facts) -> Result<bool> {
    let Some(o) = db::order::order(c, order_id)? else { return Ok(false) };
    f.order_number = o.order_number;
    f.amount_fen = o.fields.amount_real;
    f.pickup_code = o.fields.hx_number.unwrap_or_default();
    f.reason = o.close_reason;
    let lines = db::order::lines(c, order_id)?;
    f.goods_name = match lines.as_slice() {
        [] => String::new(),
        [one] => one.line.goods_name.clone(),
        [first, ..] => format!("{} 等 {} 件商品", first.line.goods_name, lines.len()),
    };
    if let Some(p) = db::order::parcels_of(c, &[order_id])?.pop() {
        f.express_company = p.parcel.shipper_name;
        f.express_number = p.parcel.tracking_number;
    }
    Ok(true)
}

fn facts(c: &Connection, event: &ShopEvent, now: i64) -> Result<Option<Facts>> {
    let mut f = Facts { time: now, ..Facts::default() };
    let found = match event {
        ShopEvent::OrderPaid { order_id } => {
            f.status = "已支付".into();
            order_facts(c, *order_id, &mut f)?
        }
        ShopEvent::OrderShipped { order_id } => {
            f.status = "已发货".into();
            order_facts(c, *order_id, &mut f)?
        }
        ShopEvent::PickupReady { order_id } => {
            f.status = "待取货".into();
            order_facts(c, *order_id, &mut f)?
        }
        ShopEvent::OrderClosed { order_id } => {
            f.status = "已关闭".into();
            order_facts(c, *order_id, &mut f)?
        }
        ShopEvent::RefundDecided { refund_id } => {
            let Some(r) = db::order::refund(c, *refund_id)? else { return Ok(None) };
            let found = order_facts(c, r.refund.order_id, &mut f)?;
            let rejected = r.status == db::order::refund_status::REJECTED;
            f.status = if rejected { "已拒绝" } else { "已同意" }.into();
            f.amount_fen = if r.refund.kind == 2 { 0 } else { r.refund.amount };
            f.reason = match r.merchant_remark.trim() {
                "" if rejected => "商家拒绝了售后申请".into(),
                "" => "商家已同意售后申请".into(),
                remark => remark.to_string(),
            };
            found
        }
        ShopEvent::WithdrawalDecided { amount_fen, approved, reason, .. } => {
            f.status = if *approved { "提现成功" } else { "提现失败" }.into();
            f.amount_fen = *amount_fen;
            f.reason.clone_from(reason);
            true
        }
        ShopEvent::BackInStock { goods_id } => {
            let Some(g) = db::catalog::goods(c, *goods_id)? else { return Ok(None) };
            (f.goods_name, f.status) = (g.fields.name, "已到货".into());
            true
        }
    };
    Ok(found.then_some(f))
}

fn clock(secs: i64, with_time: bool) -> String {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(secs) else { return String::new() };
    let t = t.to_offset(time::macros::offset!(+8));
    let date = format!("{}年{}月{}日", t.year(), u8::from(t.month()), t.day());
    if with_time {
        format!("{date} {:02}:{:02}", t.hour(), t.minute())
    } else {
        date
    }
}

/// The value of one mapped key for an event.
fn value(field: &FieldMap, kind: &str, f: &Facts) -> String {
    let raw = match Source::parse(&field.source).unwrap_or(Text) {
        OrderNumber => f.order_number.clone(),
        GoodsName => f.goods_name.clone(),
        Amount if kind == "number" => crate::money::format(f.amount_fen),
        Amount => format!("¥{}", crate::money::format(f.amount_fen)),
        Time => clock(f.time, kind != "date"),
        Status => f.status.clone(),
        ExpressCompany => f.express_company.clone(),
        ExpressNumber => f.express_number.clone(),
        Reason => f.reason.clone(),
        PickupCode => f.pickup_code.clone(),
        Text => field.text.clone(),
    };
    let v = fit(kind, &raw);
    // WeChat refuses an empty value; a dash says "nothing here" in every kind that takes text.
    if v.is_empty() {
        "-".into()
    } else {
        v
    }
}

/// WeChat's `data` object: {key: {value}}.
type Data = BTreeMap<String, Value>;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Value {
    pub value: String,
}

/// Puts the message `event` sends into the outbox, inside the caller's transaction (so it exists
/// iff the event commits). Does nothing when the event is not mapped (or switched off), or the
/// shopper has no WeChat openid.
pub fn enqueue_event(c: &Connection, user_id: i64, event: ShopEvent, now: i64) -> Result<()> {
    let Some(t) = outbox::template(c, event.key())?.filter(|t| t.enabled) else { return Ok(()) };
    let Some(account) = db::wechat::by_user(c, user_id)? else { return Ok(()) };
    let Some(facts) = facts(c, &event, now)? else { return Ok(()) };
    let fields: Vec<FieldMap> = serde_json::from_str(&t.fields).unwrap_or_default();
    let mut data = Data::new();
    let mut labels = BTreeMap::new();
    for field in &fields {
        let Some(kind) = kind_of(&field.key) else { continue };
        data.insert(field.key.clone(), Value { value: value(field, kind, &facts) });
        labels.insert(field.key.clone(), field.label.clone());
    }
    let msg = NewMessage {
        user_id,
        event: event.key().into(),
        channel: CHANNEL_SUBSCRIBE.into(),
        touser: account.openid,
        template_id: t.template_id,
        page: t.page,
        data: serde_json::to_string(&data).map_err(|e| Error::Internal(e.to_string()))?,
        labels: serde_json::to_string(&labels).map_err(|e| Error::Internal(e.to_string()))?,
    };
    outbox::insert(c, &msg, now)?;
    wake();
    Ok(())
}

/// The mini-program's subscription message (subscribe/send).
pub const CHANNEL_SUBSCRIBE: &str = "subscribe";
/// The linked official account's template message (uniform_send with mp_template_msg).
pub const CHANNEL_UNIFORM: &str = "uniform";

/// A message a shopper's own mini-program asked for (sendTempleMsg).
#[derive(Debug, Clone, Default)]
pub struct DirectMessage {
    pub channel: &'static str,
    pub template_id: String,
    pub page: String,
    /// key → value, as the template sent them.
    pub data: Vec<(String, String)>,
}

/// Puts a message the shopper's mini-program asked for into the outbox, addressed to that
/// shopper only. Subscription keys must be WeChat's kinds (`thing1`...) and their values are
/// made to fit; official-account keys (`first`, `keyword1`, `remark`) are free text.
pub fn enqueue_direct(c: &Connection, user_id: i64, m: &DirectMessage, now: i64) -> Result<i64> {
    let template_id = check_template_id(&m.template_id).map_err(|e| match e {
        Error::Invalid { rule: Rule::Required, .. } => Error::missing("template_id"),
        _ => Error::invalid("template_id", "应为微信模板 ID"),
    })?;
    let page = check_page(&m.page).map_err(|_| Error::invalid("url", "应为小程序页面路径"))?;
    if m.data.is_empty() {
        return Err(Error::missing("postJsonString"));
    }
    if m.data.len() > MAX_FIELDS + 2 {
        return Err(Error::invalid("postJsonString", "模板关键词太多"));
    }
    let account = db::wechat::by_user(c, user_id)?
        .ok_or_else(|| Error::refused("你的账号还没有绑定微信，收不到微信消息"))?;
    let mut data = Data::new();
    for (key, v) in &m.data {
        let value = if m.channel == CHANNEL_SUBSCRIBE {
            let kind = kind_of(key).ok_or_else(|| {
                Error::invalid(
                    "postJsonString",
                    format!("{key} 不是订阅消息的关键词（应为 thing1、amount2 这样）"),
                )
            })?;
            fit(kind, v)
        } else {
            v.chars().take(200).collect()
        };
        data.insert(key.clone(), Value { value });
    }
    let labels: BTreeMap<&str, &str> = BTreeMap::new();
    let msg = NewMessage {
        user_id,
        event: "api".into(),
        channel: m.channel.into(),
        touser: account.openid,
        template_id,
        page,
        data: serde_json::to_string(&data).map_err(|e| Error::Internal(e.to_string()))?,
        labels: serde_json::to_string(&labels).map_err(|e| Error::Internal(e.to_string()))?,
    };
    let id = outbox::insert(c, &msg, now)?;
    wake();
    Ok(id)
}

/// The message as the shopper reads it: (label, value) per key, in key order.
pub fn shown(data: &str, labels: &str) -> Vec<(String, String)> {
    let data: Data = serde_json::from_str(data).unwrap_or_default();
    let labels: BTreeMap<String, String> = serde_json::from_str(labels).unwrap_or_default();
    data.into_iter()
        .map(|(k, v)| {
            let label = labels.get(&k).filter(|l| !l.is_empty()).cloned().unwrap_or(k);
            (label, v.value)
        })
        .collect()
}

/// Wakes the outbox job so a new message goes out promptly. Called inside the enqueuing
/// transaction: the job's claim needs the writer, so it sees the message once it commits.
static WAKE: (Mutex<u64>, Condvar) = (Mutex::new(0), Condvar::new());

pub fn wake() {
    let (lock, cvar) = &WAKE;
    *lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
    cvar.notify_all();
}

/// The wake-up count now; pass it to [`wait_for_work`].
pub fn wake_count() -> u64 {
    *WAKE.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Waits until [`wake`] is called after `seen` was read, or `timeout` passes.
pub fn wait_for_work(seen: u64, timeout: Duration) {
    let (lock, cvar) = &WAKE;
    let guard = lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let _ = cvar
        .wait_timeout_while(guard, timeout, |n| *n == seen)
        .unwrap_or_else(std::sync::PoisonError::into_inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_kinds_and_values_are_cut_to_fit() {
        assert_eq!(kind_of("thing2"), Some("thing"));
        assert_eq!(kind_of("character_string10"), Some("character_string"));
        assert_eq!(kind_of("thing"), None);
        assert_eq!(kind_of("colour1"), None);
        let long = "超长的商品名称超长的商品名称超长的商品名称超长";
        let cut = fit("thing", long);
        assert_eq!(cut.chars().count(), 20);
        assert!(value_fits("thing", &cut));
        assert!(!value_fits("thing", long));
        assert!(value_fits("amount", "¥19.90"));
        assert!(value_fits("phrase", "已发货"));
        assert!(!value_fits("phrase", "ok"));
        assert!(value_fits("time", "2026年11月23日 15:01"));
        assert_eq!(fit("character_string", "SF 123-中4"), "SF123-4");
        assert!(!value_fits("number", "1.2.3"));
    }
}
