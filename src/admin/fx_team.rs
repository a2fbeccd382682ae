//! 分销 › 合伙人, 佣金规则 and a distributor's tree: the partner rules and who leads which team;
//! per-goods commission percentages and the monthly sales targets; claw-back of a settled
//! commission after its order was refunded.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, post, routes, Route, State};

use super::auth::Empty;
use super::funds::{decide, DecidePage, Field};
use super::page::{done, failed, render, when, whole_setting, Answer, Html, Pager, Posted, Staff};
use crate::db::fx_reports::{self as reports, target_kind};
use crate::db::fx_rules::{self as rules_store, GoodsPercents};
use crate::db::partner::{self as store, role};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::money;
use crate::service::partner::PartnerRules;
use crate::service::{self, fx_rules, partner};
use crate::settings::keys::partner as keys;
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![
        partners,
        save_rules,
        appoint,
        rules,
        save_goods,
        save_target,
        delete_target,
        confirm_claw,
        claw,
        tree
    ]
}

const PARTNERS: &str = "/admin/fx/partners";
const RULES: &str = "/admin/fx/rules";

#[derive(FromForm, Default)]
struct TeamForm {
    open: Option<String>,
    percent_leader: String,
    percent_partner: String,
    price_leader_yuan: String,
    price_partner_yuan: String,
    leader_level_id: String,
    member_level_id: String,
}

struct RoleRow {
    user_id: i64,
    shopper: String,
    role_str: &'static str,
    parent: String,
    source: String,
    below: i64,
    date_add: String,
}

#[derive(Template)]
#[template(path = "admin/fx/partners.html")]
struct PartnersPage {
    staff: Staff,
    f: TeamForm,
    rows: Vec<RoleRow>,
    role: i64,
    pager: Pager,
}

/// GET /admin/fx/partners — staff only. The partner rules, and the partners (role 3) or team
/// leaders (role 2).
#[get("/fx/partners?<role>&<page>")]
async fn partners(
    staff: Staff,
    db: &State<Db>,
    settings: &State<Settings>,
    role: Option<i64>,
    page: Option<i64>,
) -> Result<Html, AdminError> {
    let r = PartnerRules::of(&settings.get());
    let want = if role == Some(role::LEADER) { role::LEADER } else { role::PARTNER };
    let (rows, total) = db
        .read(move |c| Pager::fetch(page, |o, l| store::by_role(c, want, o, l).map(|(t, r)| (r, t))))
        .await?;
    let pager = Pager::new(page, total, &[("role", &want.to_string())]);
    let rows = rows
        .into_iter()
        .map(|x| RoleRow {
            user_id: x.user_id,
            shopper: format!("{} {}", x.nick, x.mobile),
            role_str: role::label(x.role),
            parent: x.parent_id.map(|p| format!("{}（{p}）", x.parent_nick)).unwrap_or_default(),
            source: if x.source == "buy" { "购买" } else { "后台设置" }.to_string(),
            below: x.below,
            date_add: when(&x.date_add),
        })
        .collect();
    let f = TeamForm {
        open: r.open.then(|| "1".to_string()),
        percent_leader: r.percent_leader.to_string(),
        percent_partner: r.percent_partner.to_string(),
        price_leader_yuan: money::format(r.price_leader_fen),
        price_partner_yuan: money::format(r.price_partner_fen),
        leader_level_id: r.leader_level_id.to_string(),
        member_level_id: r.member_level_id.to_string(),
    };
    render(&PartnersPage { staff, f, rows, role: want, pager })
}

fn team_pairs(f: &TeamForm) -> Result<Vec<(String, String)>, String> {
    let price = |text: &str, label: &str| {
        money::parse(text)
            .filter(|p| *p >= 0)
            .ok_or_else(|| format!("「{label}」应为金额（元），最多两位小数"))
    };
    let leader = price(&f.price_leader_yuan, "购买团队长价格")?;
    let partner = price(&f.price_partner_yuan, "购买合伙人价格")?;
    Ok(vec![
        (keys::OPEN.into(), if f.open.as_deref() == Some("1") { "1" } else { "0" }.into()),
        whole_setting(keys::PERCENT_LEADER, None, &f.percent_leader)?,
        whole_setting(keys::PERCENT_PARTNER, None, &f.percent_partner)?,
        whole_setting(keys::PRICE_LEADER_FEN, None, &leader.to_string())?,
        whole_setting(keys::PRICE_PARTNER_FEN, None, &partner.to_string())?,
        whole_setting(keys::LEADER_LEVEL_ID, None, &f.leader_level_id)?,
        whole_setting(keys::MEMBER_LEVEL_ID, None, &f.member_level_id)?,
    ])
}

/// Saves settings, or answers the reason on the page.
async fn save_settings(
    db: &Db,
    settings: &Settings,
    back: &'static str,
    pairs: Result<Vec<(String, String)>, String>,
) -> Result<Answer, AdminError> {
    match pairs {
        Ok(pairs) => match service::site::set_settings(db, settings, pairs).await {
            Ok(()) => Ok(done(back, "设置已保存")),
            Err(
                e @ (service::error::Error::Busy
                | service::error::Error::Db(_)
                | service::error::Error::Internal(_)),
            ) => Err(e.into()),
            Err(e) => Ok(failed(back, crate::error::ApiError::from(e).msg())),
        },
        Err(message) => Ok(failed(back, message)),
    }
}

/// POST /admin/fx/partners/settings — staff only. Saves the partner rules (the levels with the
/// team shares may total at most 100%).
#[post("/fx/partners/settings", data = "<form>")]
async fn save_rules(
    _staff: Staff,
    form: Posted<TeamForm>,
    db: &State<Db>,
    settings: &State<Settings>,
) -> Result<Answer, AdminError> {
    save_settings(db, settings, PARTNERS, team_pairs(&form.0)).await
}

#[derive(FromForm)]
struct AppointForm {
    user_id: i64,
    role: i64,
}

/// POST /admin/fx/partners/appoint — staff only. Makes a shopper a team leader (2) or partner (3),
/// or takes the role away (0).
#[post("/fx/partners/appoint", data = "<form>")]
async fn appoint(_staff: Staff, db: &State<Db>, form: Posted<AppointForm>) -> Result<Answer, AdminError> {
    let AppointForm { user_id, role: to } = form.0;
    decide(db, PARTNERS, "已保存".into(), move |c| {
        partner::appoint(c, user_id, to, "admin", db::unix_now())
    })
    .await
}

struct PercentRow {
    goods_id: i64,
    name: String,
    percents: [String; 3],
}

struct TargetRow {
    id: i64,
    what: String,
    standard: String,
    date_add: String,
}

#[derive(Template)]
#[template(path = "admin/fx/rules.html")]
struct RulesPage {
    staff: Staff,
    goods: Vec<PercentRow>,
    targets: Vec<TargetRow>,
}

/// GET /admin/fx/rules — staff only. Goods with their own percentages, and the sales targets.
#[get("/fx/rules")]
async fn rules(staff: Staff, db: &State<Db>) -> Result<Html, AdminError> {
    let (goods, targets) = db
        .read(|c| {
            let mut t = reports::targets(c, target_kind::CITY)?;
            t.extend(reports::targets(c, target_kind::TEAM)?);
            Ok::<_, db::Error>((rules_store::all_goods_percents(c)?, t))
        })
        .await?;
    let shown = |p: Option<i64>| p.map_or_else(|| "店铺比例".to_string(), |p| format!("{p}%"));
    let goods = goods
        .into_iter()
        .map(|(g, name)| PercentRow { goods_id: g.goods_id, name, percents: g.percents.map(shown) })
        .collect();
    let regions = crate::regions::Regions::shared();
    let name = |id: &str| regions.get(id).map_or_else(|| id.to_string(), |r| r.name.clone());
    let targets = targets
        .into_iter()
        .map(|t| TargetRow {
            id: t.id,
            what: if t.kind == target_kind::CITY {
                format!("{} {}", name(&t.province_id), name(&t.city_id))
            } else {
                "每个分销团队".into()
            },
            standard: money::format(t.standard),
            date_add: when(&t.date_add),
        })
        .collect();
    render(&RulesPage { staff, goods, targets })
}

#[derive(FromForm)]
struct GoodsForm {
    goods_id: i64,
    percent1: String,
    percent2: String,
    percent3: String,
}

fn percent_field(text: &str, label: &str) -> Result<Option<i64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse().map(Some).map_err(|_| format!("「{label}」应为 0 到 100 的整数，留空表示用店铺比例"))
}

/// POST /admin/fx/rules/goods — staff only. Sets a goods' own percentages (empty: the shop's; all
/// empty removes them); over 100% in total is refused.
#[post("/fx/rules/goods", data = "<form>")]
async fn save_goods(_staff: Staff, db: &State<Db>, form: Posted<GoodsForm>) -> Result<Answer, AdminError> {
    let f = form.0;
    let parsed = (|| {
        Ok::<_, String>([
            percent_field(&f.percent1, "一级比例")?,
            percent_field(&f.percent2, "二级比例")?,
            percent_field(&f.percent3, "三级比例")?,
        ])
    })();
    let percents = match parsed {
        Ok(p) => p,
        Err(message) => return Ok(failed(RULES, message)),
    };
    let p = GoodsPercents { goods_id: f.goods_id, percents };
    decide(db, RULES, "商品佣金比例已保存".into(), move |c| {
        fx_rules::set_goods_percents(c, &p, db::unix_now())
    })
    .await
}

#[derive(FromForm)]
struct TargetForm {
    province_id: String,
    city_id: String,
    standard_yuan: String,
}

/// POST /admin/fx/rules/targets — staff only. Sets a city's (or, without ids, every team's)
/// monthly sales target.
#[post("/fx/rules/targets", data = "<form>")]
async fn save_target(_staff: Staff, db: &State<Db>, form: Posted<TargetForm>) -> Result<Answer, AdminError> {
    let f = form.0;
    let Some(standard) = money::parse(&f.standard_yuan) else {
        return Ok(failed(RULES, "「月销售目标」应为金额（元），最多两位小数"));
    };
    let (p, city) = (f.province_id.trim().to_string(), f.city_id.trim().to_string());
    decide(db, RULES, "销售目标已保存".into(), move |c| {
        fx_rules::set_target(c, &p, &city, standard, db::unix_now())
    })
    .await
}

/// POST /admin/fx/rules/targets/<id>/delete — staff only.
#[post("/fx/rules/targets/<id>/delete", data = "<_form>")]
async fn delete_target(
    _staff: Staff,
    db: &State<Db>,
    id: i64,
    _form: Posted<Empty>,
) -> Result<Answer, AdminError> {
    if db.write(move |c| reports::delete_target(c, id)).await? {
        Ok(done(RULES, "销售目标已删除"))
    } else {
        Err(AdminError::NotFound)
    }
}

/// GET /admin/fx/commissions/<id>/clawback — staff only; asks for the reason and the amount.
#[get("/fx/commissions/<id>/clawback")]
async fn confirm_claw(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    let m = db.read(move |c| crate::db::fx::commission_by_id(c, id)).await?.ok_or(AdminError::NotFound)?;
    let left = m.amount - m.cancelled - m.clawed;
    let what = if m.unit == 0 { format!("¥{}", money::format(left)) } else { format!("{left} 积分") };
    DecidePage {
        staff,
        title: "扣回佣金",
        question: format!("扣回订单 {} 给用户 {} 的已结算佣金（剩余 {what}）？", m.order_number, m.user_id),
        warning: "只能扣回已退款订单的佣金；从 TA 的余额（积分）扣除并记一条流水，余额不足时不能扣回。"
            .into(),
        fields: vec![
            Field { name: "reason", label: "扣回原因", required: true, hint: "" },
            Field {
                name: "amount",
                label: "扣回金额（元；积分佣金填积分）",
                required: false,
                hint: "留空表示全部剩余",
            },
        ],
        button: "扣回",
        danger: true,
        action: format!("/admin/fx/commissions/{id}/clawback"),
        back: "/admin/fx/commissions",
    }
    .show()
}

#[derive(FromForm, Default)]
struct ClawForm {
    reason: Option<String>,
    amount: Option<String>,
}

/// POST /admin/fx/commissions/<id>/clawback — staff only.
#[post("/fx/commissions/<id>/clawback", data = "<form>")]
async fn claw(_staff: Staff, db: &State<Db>, id: i64, form: Posted<ClawForm>) -> Result<Answer, AdminError> {
    const BACK: &str = "/admin/fx/commissions";
    let reason = form.0.reason.unwrap_or_default();
    let unit =
        db.read(move |c| crate::db::fx::commission_by_id(c, id)).await?.ok_or(AdminError::NotFound)?.unit;
    let amount = match form.0.amount.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(a) if unit == 0 => match money::parse(a) {
            Some(fen) => Some(fen),
            None => return Ok(failed(BACK, "「扣回金额」应为金额（元），最多两位小数")),
        },
        Some(a) => match a.parse() {
            Ok(points) => Some(points),
            Err(_) => return Ok(failed(BACK, "「扣回金额」应为整数积分")),
        },
    };
    decide(db, BACK, "佣金已扣回".into(), move |c| fx_rules::claw_back(c, id, amount, &reason)).await
}

struct NodeRow {
    user_id: i64,
    indent: i64,
    level: i64,
    nick: String,
    referrer: i64,
    is_seller: bool,
    date_add: String,
}

#[derive(Template)]
#[template(path = "admin/fx/tree.html")]
struct TreePage {
    staff: Staff,
    root: String,
    root_id: i64,
    rows: Vec<NodeRow>,
    more: bool,
}

/// GET /admin/fx/sellers/<id>/tree — staff only. The shopper's downline 1–3 levels deep, each
/// member under who referred them (the first 500).
#[get("/fx/sellers/<id>/tree")]
async fn tree(staff: Staff, db: &State<Db>, id: i64) -> Result<Html, AdminError> {
    const MAX: i64 = 500;
    let (root, nodes) = db
        .read(move |c| Ok::<_, db::Error>((db::user::by_id(c, id)?, reports::tree(c, id, MAX + 1)?)))
        .await?;
    let root = root.ok_or(AdminError::NotFound)?;
    let more = i64::try_from(nodes.len()).unwrap_or(0) > MAX;
    // Depth-first under each referrer, so each member sits below the one who brought them.
    let mut rows = Vec::with_capacity(nodes.len());
    let mut stack = vec![id];
    let mut left: Vec<_> = nodes.into_iter().take(usize::try_from(MAX).unwrap_or(0)).collect();
    walk(&mut left, &mut stack, &mut rows);
    render(&TreePage { staff, root: root.nick, root_id: id, rows, more })
}

fn walk(left: &mut Vec<reports::TreeNode>, stack: &mut Vec<i64>, rows: &mut Vec<NodeRow>) {
    let Some(&parent) = stack.last() else { return };
    let depth = i64::try_from(stack.len()).unwrap_or(0);
    let mine: Vec<_> = {
        let (take, keep): (Vec<_>, Vec<_>) =
            std::mem::take(left).into_iter().partition(|n| n.referrer_id == Some(parent) && n.depth == depth);
        *left = keep;
        take
    };
    for n in mine {
        rows.push(NodeRow {
            user_id: n.user_id,
            indent: (n.depth - 1) * 2,
            level: n.depth,
            nick: n.nick,
            referrer: parent,
            is_seller: n.is_seller,
            date_add: when(&n.date_add),
        });
        if depth < 3 {
            stack.push(n.user_id);
            walk(left, stack, rows);
            stack.pop();
        }
    }
}
