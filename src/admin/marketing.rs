//! 砍价 and 拼团: the merchant's sets per goods (created with the same checks as the merchant API,
//! stopped by hand), the live bargains with their cuts, and the groups with their members' orders
//! and payment state, which the merchant can fail (refunding every paid member) or succeed after
//! a confirmation.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::auth::Empty;
use rocket::http::Status;

use super::page::{done, failed, render, render_as, said, Answer, Html, Posted, Problem, Staff};
use crate::db::kanjia::{HelpRow, JoinRow, SetRow as KanjiaSet};
use crate::db::pingtuan::{MemberRow, SetRow as GroupSet, TuanRow};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::service::order::GROUP_ORDERS;
use crate::service::wechat_refund::{self, WxRefunds};
use crate::service::{kanjia, pingtuan};

pub fn routes() -> Vec<Route> {
    routes![
        kanjia_list,
        kanjia_create,
        kanjia_show,
        kanjia_stop,
        pingtuan_list,
        pingtuan_create,
        pingtuan_stop,
        group_show,
        group_confirm,
        group_decide
    ]
}

const KANJIA_LABELS: &[(&str, &str)] = &[
    ("originalPrice", "原价"),
    ("minPrice", "底价"),
    ("helpPriceMin", "每次最少砍"),
    ("helpPriceMax", "每次最多砍"),
    ("number", "可购数量"),
    ("dateEnd", "结束时间"),
];

const PINGTUAN_LABELS: &[(&str, &str)] = &[
    ("pingtuanPrice", "拼团价"),
    ("skuPrices", "规格拼团价"),
    ("numberPersion", "成团人数"),
    ("timeoutHours", "成团时限"),
    ("refundType", "退款方式"),
    ("dateEnd", "结束时间"),
];

/// Groups the 拼团 page lists (newest first).
const GROUPS_SHOWN: i64 = 100;

/// Yuan typed in a form, as fen; None when it is not an amount.
fn fen(text: &str) -> Option<i64> {
    text.trim().parse::<f64>().ok().and_then(crate::money::from_yuan)
}

/// Fen as the console shows yuan.
#[allow(clippy::trivially_copy_pass_by_ref)] // askama passes template arguments by reference
pub fn yuan(fen: &i64) -> String {
    crate::money::format(*fen)
}

/// A refund route's words (templates pass references).
#[allow(clippy::trivially_copy_pass_by_ref)] // askama passes template arguments by reference
pub fn refund_words(t: &i64) -> &'static str {
    pingtuan::refund_type_words(*t)
}

/// A group status's words.
#[allow(clippy::trivially_copy_pass_by_ref)] // askama passes template arguments by reference
pub fn tuan_words(s: &i64) -> &'static str {
    pingtuan::tuan_status_words(*s)
}

/// An order status's words.
#[allow(clippy::trivially_copy_pass_by_ref)] // askama passes template arguments by reference
pub fn order_words(s: &i64) -> &'static str {
    crate::db::order::status::label(*s)
}

fn bad(field: &'static str, rule: &'static str) -> crate::service::error::Error {
    crate::service::error::Error::invalid(field, rule)
}

/// The form's per-SKU group prices: one "规格编号 拼团价" a line (a space, comma, = or colon
/// between them); blank lines are skipped. The service checks the SKUs and the prices.
fn sku_prices(text: &str) -> Result<Vec<(i64, i64)>, crate::service::error::Error> {
    let separator = |c: char| c.is_whitespace() || matches!(c, '=' | ',' | '，' | ':' | '：');
    let mut prices = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut parts = line.split(separator).filter(|p| !p.is_empty());
        let parsed = match (parts.next(), parts.next(), parts.next()) {
            (Some(sku), Some(price), None) => sku.parse::<i64>().ok().zip(fen(price)),
            _ => None,
        };
        let Some(pair) = parsed else {
            return Err(crate::service::error::Error::invalid(
                "skuPrices",
                format!("“{line}”应为“规格编号 拼团价”，例如 12 55.00"),
            ));
        };
        prices.push(pair);
    }
    Ok(prices)
}

// ---- 砍价

#[derive(FromForm, Default)]
struct KanjiaForm {
    goods_id: i64,
    original_price: String,
    min_price: String,
    help_min: String,
    help_max: String,
    number: i64,
    days: i64,
}

#[derive(Template)]
#[template(path = "admin/marketing/kanjia.html")]
struct KanjiaPage {
    staff: Staff,
    sets: Vec<KanjiaSet>,
    now: i64,
    form: KanjiaForm,
    error: Option<String>,
}

impl KanjiaPage {
    fn words(&self, s: &KanjiaSet) -> &'static str {
        kanjia::set_status_words(s, self.now)
    }
}

async fn kanjia_page(
    staff: Staff,
    db: &Db,
    form: KanjiaForm,
    error: Option<String>,
) -> Result<Html, AdminError> {
    let sets = db.read(|c| db::kanjia::all_sets(c, None)).await?;
    let status = if error.is_some() { Status::UnprocessableEntity } else { Status::Ok };
    render_as(status, &KanjiaPage { staff, sets, now: db::unix_now(), form, error })
}

/// GET /admin/kanjia — staff only. Every bargain set and a form for a new one.
#[get("/kanjia")]
async fn kanjia_list(staff: Staff, db: &State<Db>) -> Result<Html, AdminError> {
    kanjia_page(staff, db, KanjiaForm { number: 10, days: 7, ..<KanjiaForm as Default>::default() }, None)
        .await
}

/// POST /admin/kanjia — staff only. Creates a set; the form comes back with the rule it broke.
#[post("/kanjia", data = "<form>")]
async fn kanjia_create(staff: Staff, db: &State<Db>, form: Posted<KanjiaForm>) -> Result<Answer, AdminError> {
    let f = form.0;
    let now = db::unix_now();
    let fields = (|| {
        Ok(crate::db::kanjia::SetFields {
            goods_id: f.goods_id,
            original_price: fen(&f.original_price).ok_or_else(|| bad("originalPrice", "应为金额"))?,
            min_price: fen(&f.min_price).ok_or_else(|| bad("minPrice", "应为金额"))?,
            help_min: fen(&f.help_min).ok_or_else(|| bad("helpPriceMin", "应为金额"))?,
            help_max: fen(&f.help_max).ok_or_else(|| bad("helpPriceMax", "应为金额"))?,
            number: f.number,
            date_end: now + f.days.clamp(0, 3650) * 86_400,
        })
    })();
    let saved = match fields {
        Ok(fields) => db.write(move |c| kanjia::create_set(c, &fields, now)).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(s) => Ok(done(format!("/admin/kanjia/{}", s.id), "砍价活动已创建")),
        Err(e) => {
            let message = Problem::refused(e, KANJIA_LABELS).message()?;
            Ok(Answer::Page(kanjia_page(staff, db, f, Some(message)).await?))
        }
    }
}

#[derive(Template)]
#[template(path = "admin/marketing/kanjia_set.html")]
struct KanjiaSetPage {
    staff: Staff,
    set: KanjiaSet,
    status: &'static str,
    joins: Vec<(JoinRow, Vec<HelpRow>)>,
}

/// GET /admin/kanjia/<id> — staff only. A set's live bargains with their cuts.
#[get("/kanjia/<id>")]
async fn kanjia_show(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let found = db
        .read(move |c| {
            let Some(s) = db::kanjia::set(c, id)? else { return Ok(None) };
            let mut joins = Vec::new();
            for j in db::kanjia::joins_of_set(c, id)? {
                let helps = db::kanjia::helps_of(c, j.id)?;
                joins.push((j, helps));
            }
            Ok::<_, db::Error>(Some((s, joins)))
        })
        .await?;
    let (set, joins) = found.ok_or(AdminError::NotFound)?;
    let status = kanjia::set_status_words(&set, db::unix_now());
    render(&KanjiaSetPage { staff, set, status, joins })
}

/// POST /admin/kanjia/<id>/stop — staff only. No more bargains, cuts or bargain orders.
#[post("/kanjia/<id>/stop", data = "<_form>")]
async fn kanjia_stop(
    _staff: Staff,
    db: &State<Db>,
    id: i64,
    _form: Posted<Empty>,
) -> Result<Answer, AdminError> {
    match db.write(move |c| kanjia::stop_set(c, id)).await {
        Ok(_) => Ok(done(format!("/admin/kanjia/{id}"), "砍价活动已停止")),
        Err(e) => Ok(failed(format!("/admin/kanjia/{id}"), said(e)?)),
    }
}

// ---- 拼团

#[derive(FromForm, Default)]
struct PingtuanForm {
    goods_id: i64,
    price: String,
    /// Per-SKU group prices, one "规格编号 拼团价" a line (optional: none when absent).
    #[field(default = String::new())]
    sku_prices: String,
    number_persion: i64,
    timeout_hours: i64,
    refund_type: i64,
    days: i64,
}

#[derive(Template)]
#[template(path = "admin/marketing/pingtuan.html")]
struct PingtuanPage {
    staff: Staff,
    sets: Vec<GroupSet>,
    groups: Vec<TuanRow>,
    now: i64,
    form: PingtuanForm,
    /// The SKUs of the goods in the form (their ids are what per-SKU group prices name).
    skus: Vec<db::catalog::SkuRow>,
    error: Option<String>,
}

impl PingtuanPage {
    fn words(&self, s: &GroupSet) -> &'static str {
        pingtuan::set_status_words(s, self.now)
    }
}

async fn pingtuan_page(
    staff: Staff,
    db: &Db,
    form: PingtuanForm,
    error: Option<String>,
) -> Result<Html, AdminError> {
    let goods = form.goods_id;
    let (sets, groups, skus) = db
        .read(move |c| {
            let skus = if goods > 0 { db::catalog::skus(c, goods)? } else { Vec::new() };
            let sets = db::pingtuan::all_sets(c, None)?;
            let mut groups = Vec::new();
            for s in &sets {
                groups.extend(db::pingtuan::tuans_of_set(c, s.id, GROUPS_SHOWN)?);
            }
            groups.sort_by_key(|t| -t.id);
            groups.truncate(usize::try_from(GROUPS_SHOWN).unwrap_or(100));
            Ok::<_, db::Error>((sets, groups, skus))
        })
        .await?;
    let status = if error.is_some() { Status::UnprocessableEntity } else { Status::Ok };
    render_as(status, &PingtuanPage { staff, sets, groups, now: db::unix_now(), form, skus, error })
}

/// GET /admin/pingtuan — staff only. Every group-buy set, a form for a new one (for `goods`: with
/// its SKUs, whose ids per-SKU group prices name), the newest groups.
#[get("/pingtuan?<goods>")]
async fn pingtuan_list(staff: Staff, db: &State<Db>, goods: Option<i64>) -> Result<Html, AdminError> {
    let form = PingtuanForm {
        goods_id: goods.unwrap_or(0),
        number_persion: 3,
        timeout_hours: 24,
        days: 7,
        ..<PingtuanForm as Default>::default()
    };
    pingtuan_page(staff, db, form, None).await
}

/// POST /admin/pingtuan — staff only. Creates a set; the form comes back with the rule it broke.
#[post("/pingtuan", data = "<form>")]
async fn pingtuan_create(
    staff: Staff,
    db: &State<Db>,
    form: Posted<PingtuanForm>,
) -> Result<Answer, AdminError> {
    let f = form.0;
    let now = db::unix_now();
    let saved = match (fen(&f.price), sku_prices(&f.sku_prices)) {
        (None, _) => Err(bad("pingtuanPrice", "应为金额")),
        (_, Err(e)) => Err(e),
        (Some(price), Ok(sku_prices)) => {
            let fields = crate::db::pingtuan::SetFields {
                goods_id: f.goods_id,
                price,
                sku_prices,
                number_persion: f.number_persion,
                timeout_hours: f.timeout_hours,
                refund_type: f.refund_type,
                date_end: now + f.days.clamp(0, 3650) * 86_400,
            };
            db.write(move |c| pingtuan::create_set(c, &fields, now)).await
        }
    };
    match saved {
        Ok(_) => Ok(done("/admin/pingtuan", "拼团活动已创建")),
        Err(e) => {
            let message = Problem::refused(e, PINGTUAN_LABELS).message()?;
            Ok(Answer::Page(pingtuan_page(staff, db, f, Some(message)).await?))
        }
    }
}

/// POST /admin/pingtuan/<id>/stop — staff only. No new groups; groups in progress run on.
#[post("/pingtuan/<id>/stop", data = "<_form>")]
async fn pingtuan_stop(
    _staff: Staff,
    db: &State<Db>,
    id: i64,
    _form: Posted<Empty>,
) -> Result<Answer, AdminError> {
    match db.write(move |c| pingtuan::stop_set(c, id)).await {
        Ok(_) => Ok(done("/admin/pingtuan", "拼团活动已停止")),
        Err(e) => Ok(failed("/admin/pingtuan", said(e)?)),
    }
}

#[derive(Template)]
#[template(path = "admin/marketing/pingtuan_group.html")]
struct GroupPage {
    staff: Staff,
    tuan: TuanRow,
    set: GroupSet,
    members: Vec<MemberRow>,
    /// "fail" or "succeed" while asking for the confirmation.
    asking: Option<&'static str>,
}

impl GroupPage {
    fn tuan_words(&self) -> &'static str {
        pingtuan::tuan_status_words(self.tuan.status)
    }

    fn refund_words(&self) -> &'static str {
        pingtuan::refund_type_words(self.set.fields.refund_type)
    }

    fn member_words(m: &MemberRow) -> &'static str {
        match m.status {
            0 => "待支付",
            1 => "已支付",
            _ => "已退款",
        }
    }
}

async fn group_page(
    staff: Staff,
    db: &Db,
    id: i64,
    asking: Option<&'static str>,
) -> Result<Html, AdminError> {
    let (tuan, set, members) =
        db.read(move |c| pingtuan::tuan_page(c, id)).await?.ok_or(AdminError::NotFound)?;
    render(&GroupPage { staff, tuan, set, members, asking })
}

/// GET /admin/pingtuan/groups/<id> — staff only. A group with its members' orders and payments.
#[get("/pingtuan/groups/<id>")]
async fn group_show(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    group_page(staff, db, id, None).await
}

/// GET /admin/pingtuan/groups/<id>/<action> — staff only. Asks before failing or succeeding.
#[get("/pingtuan/groups/<id>/<action>", rank = 2)]
async fn group_confirm(staff: Staff, db: &State<Db>, id: i64, action: &str) -> Result<Html, AdminError> {
    let asking = match action {
        "fail" => "fail",
        "succeed" => "succeed",
        _ => return Err(AdminError::NotFound),
    };
    group_page(staff, db, id, Some(asking)).await
}

/// POST /admin/pingtuan/groups/<id>/<action> — staff only. Fails the group now (every paid member
/// refunded the set's way, WeChat refunds sent after the commit) or declares it successful.
#[post("/pingtuan/groups/<id>/<action>", data = "<_form>")]
async fn group_decide(
    _staff: Staff,
    db: &State<Db>,
    wx: &State<WxRefunds>,
    id: i64,
    action: &str,
    _form: Posted<Empty>,
) -> Result<Answer, AdminError> {
    let back = format!("/admin/pingtuan/groups/{id}");
    let now = db::unix_now();
    match action {
        "fail" => match db
            .write(move |c| pingtuan::fail(c, id, "商家取消拼团，订单已退款", now, GROUP_ORDERS))
            .await
        {
            Ok(refunds) => {
                for r in refunds {
                    if let Err(e) = wechat_refund::send_now(db, wx, r).await {
                        log::warn!("wechat refund {r} not sent: {e}");
                    }
                }
                Ok(done(back, "已设为拼团失败，已支付的订单已退款"))
            }
            Err(e) => Ok(failed(back, said(e)?)),
        },
        "succeed" => match db.write(move |c| pingtuan::succeed(c, id, now, GROUP_ORDERS)).await {
            Ok(_) => Ok(done(back, "已设为拼团成功，订单可以发货了")),
            Err(e) => Ok(failed(back, said(e)?)),
        },
        _ => Err(AdminError::NotFound),
    }
}
