//! Bargains (`/shop/goods/kanjia/...`, the client's kanjia* methods): the goods' sets, starting,
//! reading and giving up one's bargain, a friend's cut and what the friend cut.
//!
//! "Nothing" answers 700, as the templates need: a goods without a usable set (else the goods
//! page hides its normal buy bar), a joiner without a bargain (the page then offers to start one),
//! a helper who has not helped, and a `joiner` sent as '' or 'undefined' before login.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, BaseUrl, Params, Reply};
use crate::db::kanjia::{HelpRow, JoinRow, SetRow};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money::to_yuan;
use crate::service::kanjia::{self, KanjiaRules};
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![sets, join, my_join, clear, detail, help, help_detail]
}

/// Most goods ids one kanjiaSet call may ask about.
const MAX_GOODS_IDS: usize = 200;
/// Longest help remark, in characters.
const MAX_REMARK: usize = 200;

/// A bargain set (kanjiaSet).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetView {
    pub id: i64,
    pub goods_id: i64,
    pub original_price: f64,
    pub min_price: f64,
    pub help_price_min: f64,
    pub help_price_max: f64,
    /// How many may be bought at a bargain price (always > 0: the home page divides by it).
    pub number: i64,
    pub number_buy: i64,
    pub date_add: String,
    pub date_end: String,
    pub status: i64,
    pub status_str: &'static str,
}

impl SetView {
    pub fn new(s: &SetRow, now: i64) -> Self {
        let f = &s.fields;
        SetView {
            id: s.id,
            goods_id: f.goods_id,
            original_price: to_yuan(f.original_price),
            min_price: to_yuan(f.min_price),
            help_price_min: to_yuan(f.help_min),
            help_price_max: to_yuan(f.help_max),
            number: f.number,
            number_buy: s.number_buy,
            date_add: db::format_unix(s.date_add),
            date_end: db::format_unix(f.date_end),
            status: s.status,
            status_str: kanjia::set_status_words(s, now),
        }
    }
}

/// A shopper's bargain (kanjiaJoin, kanjiaMyJoinInfo, kanjiaDetail's `kanjiaInfo`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinView {
    pub kj_id: i64,
    pub uid: i64,
    pub goods_id: i64,
    pub cur_price: f64,
    pub min_price: f64,
    pub help_number: i64,
    /// 0 in progress, 1 bought.
    pub status: i64,
    pub status_str: &'static str,
    pub date_add: String,
    pub date_update: String,
}

impl JoinView {
    fn new(j: &JoinRow) -> Self {
        JoinView {
            kj_id: j.set_id,
            uid: j.user_id,
            goods_id: j.goods_id,
            cur_price: to_yuan(j.cur_price),
            min_price: to_yuan(j.min_price),
            help_number: j.help_number,
            status: j.status,
            status_str: kanjia::join_status_words(j),
            date_add: db::format_unix(j.date_add),
            date_update: db::format_unix(j.date_update),
        }
    }
}

/// The bargain's owner on its page.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinerView {
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
}

/// One friend's cut on the bargain's page.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HelperView {
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
    pub cut_price: f64,
    pub remark: String,
    pub date_add: String,
}

/// kanjiaDetail.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DetailView {
    pub kanjia_info: JoinView,
    pub joiner: JoinerView,
    pub helps: Vec<HelperView>,
}

/// What a helper cut (kanjiaHelp, kanjiaHelpDetail).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HelpView {
    pub uid: i64,
    pub goods_id: i64,
    pub cut_price: f64,
    pub remark: String,
    pub date_add: String,
}

impl HelpView {
    fn new(h: &HelpRow, goods_id: i64) -> Self {
        HelpView {
            uid: h.uid,
            goods_id,
            cut_price: to_yuan(h.cut_price),
            remark: h.remark.clone(),
            date_add: db::format_unix(h.date_add),
        }
    }
}

/// `goodsId` as one id or a comma list.
fn goods_ids(p: &Params) -> Result<Vec<i64>, ApiError> {
    let text = p.text("goodsId", 4000)?;
    let ids = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<i64>().map_err(|_| ApiError::invalid("goodsId", format!("“{s}”不是商品编号"))))
        .collect::<Result<Vec<_>, _>>()?;
    if ids.is_empty() {
        return Err(ApiError::Missing("goodsId"));
    }
    if ids.len() > MAX_GOODS_IDS {
        return Err(ApiError::invalid("goodsId", format!("一次最多查询 {MAX_GOODS_IDS} 个商品")));
    }
    Ok(ids)
}

/// A shopper id the template may send as '' or 'undefined' before login: None then.
fn shopper_id(p: &Params, name: &'static str) -> Result<Option<i64>, ApiError> {
    match p.get(name).map(str::trim) {
        None | Some("" | "undefined" | "null") => Ok(None),
        Some(_) => p.int(name).map(Some),
    }
}

/// GET /<sub>/shop/goods/kanjia/set/v2 — kanjiaSet; anyone. The usable sets of the goods; 700 if none.
#[get("/shop/goods/kanjia/set/v2")]
async fn sets(p: Params, db: &State<Db>) -> ApiResult<Vec<SetView>> {
    let (ids, now) = (goods_ids(&p)?, db::unix_now());
    let sets = db.read(move |c| kanjia::sets_for(c, &ids, now)).await?;
    if sets.is_empty() {
        return Err(ApiError::Empty);
    }
    Ok(Reply(sets.iter().map(|s| SetView::new(s, now)).collect()))
}

/// POST /<sub>/shop/goods/kanjia/join — kanjiaJoin; logged-in shopper. Starts (or returns) their bargain.
#[post("/shop/goods/kanjia/join", data = "<req>")]
async fn join(req: Authed, db: &State<Db>) -> ApiResult<JoinView> {
    let (user, set_id, now) = (req.user_id, req.p.int("kjid")?, db::unix_now());
    let j = db.write(move |c| kanjia::join(c, user, set_id, now)).await?;
    Ok(Reply(JoinView::new(&j)))
}

/// GET /<sub>/shop/goods/kanjia/my — kanjiaMyJoinInfo; logged-in shopper. 700 without a bargain.
#[get("/shop/goods/kanjia/my")]
async fn my_join(req: Authed, db: &State<Db>) -> ApiResult<JoinView> {
    let (user, set_id) = (req.user_id, req.p.int("kjid")?);
    let j = db.read(move |c| kanjia::join_of(c, set_id, user)).await?;
    Ok(Reply(JoinView::new(&j.ok_or(ApiError::Empty)?)))
}

/// POST /<sub>/shop/goods/kanjia/clear — kanjiaClear; logged-in shopper. Gives up their bargain.
#[post("/shop/goods/kanjia/clear", data = "<req>")]
async fn clear(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let (user, set_id) = (req.user_id, req.p.int("kjid")?);
    db.write(move |c| kanjia::clear(c, user, set_id)).await?;
    Ok(Reply(()))
}

/// GET /<sub>/shop/goods/kanjia/info — kanjiaDetail; anyone. The joiner's bargain, owner and cuts;
/// 700 when the joiner has none (or is sent as '' / 'undefined').
#[get("/shop/goods/kanjia/info")]
async fn detail(p: Params, db: &State<Db>, base: BaseUrl) -> ApiResult<DetailView> {
    let set_id = p.int("kjid")?;
    let joiner = shopper_id(&p, "joiner")?.ok_or(ApiError::Empty)?;
    let d = db.read(move |c| kanjia::detail(c, set_id, joiner)).await?.ok_or(ApiError::Empty)?;
    let (nick, avatar) = d.owner;
    Ok(Reply(DetailView {
        kanjia_info: JoinView::new(&d.join),
        joiner: JoinerView { uid: d.join.user_id, nick, avatar_url: base.absolute(&avatar) },
        helps: d
            .helps
            .into_iter()
            .map(|h| HelperView {
                uid: h.uid,
                avatar_url: base.absolute(&h.avatar_url),
                nick: h.nick,
                cut_price: to_yuan(h.cut_price),
                remark: h.remark,
                date_add: db::format_unix(h.date_add),
            })
            .collect(),
    }))
}

/// POST /<sub>/shop/goods/kanjia/help — kanjiaHelp; logged-in shopper. Cuts a friend's bargain once.
#[post("/shop/goods/kanjia/help", data = "<req>")]
async fn help(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<HelpView> {
    let set_id = req.p.int("kjid")?;
    let joiner = shopper_id(&req.p, "joinerUser")?.ok_or(ApiError::Missing("joinerUser"))?;
    let remark = req.p.opt_text("remark", MAX_REMARK)?.unwrap_or("").to_string();
    let (helper, rules, now) = (req.user_id, KanjiaRules::of(&settings.get()), db::unix_now());
    let (h, goods_id) = db
        .write(move |c| {
            let h = kanjia::help(c, helper, set_id, joiner, &remark, rules, now)?;
            let goods = kanjia::join_of(c, set_id, joiner)?.map_or(0, |j| j.goods_id);
            Ok::<_, crate::service::error::Error>((h, goods))
        })
        .await?;
    Ok(Reply(HelpView::new(&h, goods_id)))
}

/// GET /<sub>/shop/goods/kanjia/myHelp — kanjiaHelpDetail; logged-in shopper. What they cut on the
/// joiner's bargain; 700 when they have not helped (the page then offers the help button).
#[get("/shop/goods/kanjia/myHelp")]
async fn help_detail(req: Authed, db: &State<Db>) -> ApiResult<HelpView> {
    let set_id = req.p.int("kjid")?;
    let joiner = shopper_id(&req.p, "joinerUser")?.ok_or(ApiError::Empty)?;
    let helper = req.user_id;
    let found = db
        .read(move |c| {
            let goods = kanjia::join_of(c, set_id, joiner)?.map_or(0, |j| j.goods_id);
            Ok::<_, crate::service::error::Error>(
                kanjia::help_of(c, helper, set_id, joiner)?.map(|h| (h, goods)),
            )
        })
        .await?;
    let (h, goods_id) = found.ok_or(ApiError::Empty)?;
    Ok(Reply(HelpView::new(&h, goods_id)))
}
