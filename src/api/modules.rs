//! The client's modules and what this shop does with each: the one table behind the answer to a
//! method no route serves.
//!
//! `apifm-wxapi` is the client of a whole family of products; a shop serves its shop modules and
//! answers every other method with 501 and a message naming the module and why: it needs an
//! outside service this shop has not connected, it belongs to another product than a shop, or it
//! is a shop module not built yet. A path the client does not have (a typo) stays the unknown-path
//! 404. `client_methods.tsv` lists the client's paths; README's code table and `docs/modules.md`
//! are generated from this table (`xiaodian routes --write`, checked by a test).

use std::fmt::Write as _;

use serde::Serialize;

/// What this shop does with a module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Routes answer every method of it.
    Served,
    /// Needs an outside service (named) that this shop has not connected.
    NotConnected(&'static str),
    /// Another vertical product of the same client, not a shop.
    NotOffered,
    /// A shop module a later piece of work builds.
    NotYet,
}

impl State {
    /// The state's name in the answer's `data` and in the docs.
    pub fn key(self) -> &'static str {
        match self {
            State::Served => "served",
            State::NotConnected(_) => "notConnected",
            State::NotOffered => "notOffered",
            State::NotYet => "notYet",
        }
    }
}

/// One module of the client.
#[derive(Debug)]
pub struct Module {
    /// A short stable key (`data.module` of the answer).
    pub key: &'static str,
    /// The module's name as shoppers read it.
    pub name: &'static str,
    pub state: State,
    /// Space-separated path prefixes (after the subDomain, or at the root for the few root
    /// paths), whole segments; the longest prefix that matches a client path wins.
    pub prefixes: &'static str,
}

const fn m(key: &'static str, name: &'static str, state: State, prefixes: &'static str) -> Module {
    Module { key, name, state, prefixes }
}

use State::{NotConnected, NotOffered, NotYet, Served};

/// Every module of the client, one line each.
pub const MODULES: &[Module] = &[
    // served: the shop
    m("site", "站点信息", Served, "/site/ /config/ /banner/ /notice/ /friendly-partner/ /subdomain/ /wx/"),
    m("region", "省市区", Served, "/common/region/ /region/"),
    m("json", "JSON 数据存储", Served, "/json/"),
    m("files", "文件上传", Served, "/dfs/ /upload2 /uploadByUrl /qrcode/ /media/"),
    m("tools", "验证码与工具", Served, "/verification/ /uniqueId/ /common/map/distance"),
    m("user", "用户与登录", Served, "/user/"),
    m("cms", "文章、评论与签到", Served, "/cms/ /newsTag/ /newsSign/ /comment/"),
    m("shop", "商品、门店与购物车", Served, "/shop/ /shopping-cart/"),
    m("order", "订单与售后", Served, "/order/"),
    m("pay", "微信支付、充值与买单", Served, "/pay/ /payBill/ /deposit/"),
    m("score", "积分与成长值", Served, "/score/ /growth/"),
    m("coupons", "优惠券", Served, "/discounts/"),
    m("invoice", "发票", Served, "/invoice/"),
    m("virtual", "虚拟商品", Served, "/virtualTrader/"),
    m("template-msg", "订阅消息", Served, "/template-msg/"),
    // not connected: an outside service this shop has not configured
    m("pay-other", "其他支付渠道", NotConnected("支付宝、抖音支付、Stripe、PayPal、FOMO、扫呗等支付服务商（本店只收微信支付）"), "/pay/alipay/ /pay/airwallex/ /pay/bestpay/ /pay/ccvv/ /pay/fomo/ /pay/ipaynow/ /pay/kasipay/ /pay/lcsw/ /pay/paypal/ /pay/payxpert/ /pay/sandpay/ /pay/stripe/ /pay/tt/ /pay/wepayez/ /pay/wxfws/ /pay/wxsph/"),
    m("pay-wx-other", "微信支付（H5、APP、扫码、付款码、商家转账）", NotConnected("微信支付的 H5 / APP / Native / 付款码 / 商家转账产品"), "/pay/wx/h5 /pay/wx/app /pay/wx/jsapi /pay/wx/qrcode /pay/wx/paymentCode /pay/wx/requestMerchantTransfer"),
    m("login-tt", "抖音小程序登录", NotConnected("抖音开放平台"), "/user/tt/"),
    m("login-qq", "QQ 登录", NotConnected("QQ 开放平台"), "/user/q/"),
    m("login-alipay", "支付宝小程序登录", NotConnected("支付宝开放平台"), "/user/aliapp/ /user/aliappInfo /user/aliappweb/"),
    m("login-wxmp", "公众号与网站微信登录", NotConnected("微信公众号 / 微信开放平台网站应用"), "/user/wxmp/ /user/wxsns/"),
    m("cps-taobao", "淘宝客商品", NotConnected("淘宝联盟"), "/cpsTaobaoGoods/"),
    m("cps-jd", "京东联盟商品", NotConnected("京东联盟"), "/cpsJdGoods/ /cpsJdOrder/"),
    m("cps-pdd", "拼多多商品", NotConnected("多多进宝"), "/cpsPddGoods/ /cpsPddOrder/"),
    m("jdvop", "京东商品（VOP）", NotConnected("京东 VOP 开放平台"), "/jdvop/ /vop/ /jdjl/"),
    m("live", "直播间", NotConnected("apifm 直播与腾讯云实时音视频（TRTC）"), "/liveRooms/ /websocket/ /trtc/ /vodBase/"),
    m("iot", "物联网设备", NotConnected("物联网设备平台"), "/shopIot/"),
    m("ocr", "证件与执照识别", NotConnected("OCR 识别服务"), "/ocr/"),
    m("ai-chat", "AI 对话", NotConnected("火山方舟大模型服务"), "/volcesArk/"),
    m("content-risk", "阿里云内容安全", NotConnected("阿里云内容安全"), "/riskAliyunGreen/"),
    m("ip", "IP 归属地", NotConnected("IP 归属地查询服务"), "/common/ip"),
    m("mobile-segment", "手机号段", NotConnected("手机号段数据服务"), "/common/mobile-segment/"),
    m("barcode", "条码查询", NotConnected("商品条码数据服务"), "/barcode/"),
    m("forex", "汇率", NotConnected("汇率数据服务"), "/forex/"),
    m("ventrata", "Ventrata 票务", NotConnected("Ventrata 票务平台"), "/ventrata/"),
    m("erp-dab", "ERP 地址、客户、库存与价格", NotConnected("外部 ERP 系统（dab）"), "/dab/"),
    m("yaduo", "亚朵会员登录", NotConnected("亚朵会员系统"), "/yaduo/"),
    m("delivery-track", "同城配送跟踪", NotConnected("快跑者、闪送、美团配送"), "/order/keloop/ /order/shansongCourierInfo /order/shansongOrderInfo /order/mtlocation"),
    // not offered: other vertical products of the same client
    m("training", "训练与赛事", NotOffered, "/training/ /trainingItemCategory/ /tournament/"),
    m("organize", "组织、公告与云盘", NotOffered, "/organizeInfo/ /organizeNotice/ /organizePan/"),
    m("fsm", "报修与安装工单", NotOffered, "/fsm/ /fsmRepair/"),
    m("school", "家长、老师与教练", NotOffered, "/parentInfo/ /parentStudent/ /teacherInfo/ /teacherStudent/ /coachInfo/ /coachStudent/"),
    m("work", "工时、考勤与工作餐", NotOffered, "/workingHours/ /workSign/ /workDiet/ /workManageOther/"),
    m("moments", "朋友圈动态", NotOffered, "/moments/ /momentsCategory/ /user/moments/"),
    m("blind-box", "盲盒交友", NotOffered, "/blindBoxFriends/"),
    m("bottle", "漂流瓶", NotOffered, "/bottleMsg/"),
    m("errands", "跑腿任务", NotOffered, "/errandsTask/"),
    m("attendant", "上门服务人员", NotOffered, "/user/attendant/ /userAttendantFav/ /order/acceptOrder /order/rejectOrder /order/serving /order/success /order/statisticsJishi /order/startOrderPeriod /order/cancelOrderPeriod"),
    m("tour", "旅游行程", NotOffered, "/tourJourney/"),
    m("photo", "照片售卖", NotOffered, "/photo/"),
    m("mock", "接口模拟", NotOffered, "/mock/"),
    // not yet: marketing
    m("kanjia", "砍价", Served, "/shop/goods/kanjia/"),
    m("pingtuan", "拼团", Served, "/shop/goods/pingtuan/"),
    m("distribution", "分销", Served, "/saleDistribution/setting /saleDistribution/apply /saleDistribution/apply/progress /saleDistribution/buy /saleDistribution/members /saleDistribution/members/statistics /saleDistribution/commision/log /saleDistribution/my/commision /user/bindSeller /user/detail/spreadUser /saleDistribution/sale-room-rank/total /saleDistribution/sale-room-rank/daily /saleDistribution/city/list /saleDistribution/city/report /saleDistribution/team/report"),
    m("distribution-more", "分销（V2 接口、团队排行、出串、奖金）", NotYet, "/saleDistribution/ /saleDistribution/apply/v2 /saleDistribution/apply/progress/v2 /bonusLog/ /chuchuan/ /chuchuanGoods/ /user/bindSaleman /bengenSaleTongji/"),
    m("partner", "合伙人与团队长", Served, "/partner/ /user/bindPartner"),
    m("partner-withdrawals", "合伙人审核团队提现", NotYet, "/partner/withdrawalLog/"),
    m("community", "社区团购", NotYet, "/community/ /communityLeader/ /communityOrder/"),
    m("seckill", "秒杀", NotYet, "/goods/seckill/"),
    m("coupon-share", "优惠券分享与核销", NotYet, "/discounts/share/ /discounts/hx /discounts/statistics"),
    m("collect-card", "集卡", NotYet, "/collectCard/"),
    // not yet: activities
    m("lucky", "抽奖", NotYet, "/luckyInfo/"),
    m("yuyue", "预约报名", NotYet, "/yuyue/"),
    m("vote", "投票", NotYet, "/vote/ /activityVoteInfo/"),
    m("queuing", "排队取号", NotYet, "/queuing/"),
    m("course", "课程", NotYet, "/courseInfo/ /courseBuyLog/"),
    m("table", "扫码点餐", NotYet, "/cyTable/"),
    m("cp-activity", "组队活动", NotYet, "/cpactivityInfo/"),
    m("listing", "接龙", NotYet, "/listingInfo/ /listingSet/"),
    // not yet: local services
    m("peisong", "同城配送员", NotYet, "/peisong/ /fee/peisong/"),
    m("recycle", "回收订单", NotYet, "/recycleOrder/"),
    m("short-url", "短链接", NotYet, "/common/short-url/"),
    m("map", "地图与位置", NotYet, "/map/ /common/map/qq/"),
    m("shop-area", "商圈与门店分类", NotYet, "/shopArea/ /shopCategory/ /shop/subshop/cities /shop/subshop/listReputation /shop/subshop/shopPics"),
    m("shop-fav", "收藏门店", NotYet, "/shop/fav/"),
    // not yet: the shop's long tail
    m("brand", "品牌", NotYet, "/shop/goods/brand/"),
    m("visit-log", "浏览足迹", NotYet, "/goods/visitLog"),
    m("goods-more", "商品统计、时段与门店库存", NotYet, "/shop/goods/statistics/ /shop/goods/yudingStatistics /shop/goods/times/schedule /shop/goods/useful /shop/goods/goodsShopStores"),
    m("goods-lends", "商品借用", NotYet, "/goodsLends/"),
    m("video-episodes", "短剧选集", NotYet, "/goodsVideoEpisodes/"),
    m("jicun", "寄存", NotYet, "/jicunGoods/"),
    m("room", "房间", NotYet, "/roomInfo/"),
    m("reputation-edit", "修改与删除评价", NotYet, "/order/listReputation /order/reputation/delete /order/reputation/modify"),
    m("score-more", "积分任务、统计与排行", NotYet, "/score/taskList /score/taskSuccess /score/dailyFixedNum /score/dynamics /score/expireScorestatistics /score/myStatistics /score/rank /score/rankBydate"),
    m("site-more", "站点统计（年销售额、商品销量、用户动态）", NotYet, "/site/goods/statistics /site/statistics/saleroom/year /site/user/dynamic"),
    m("mtj", "mtj 资产", NotYet, "/mtj/ /site/statistics/mjt"),
    m("region-more", "省市区（街道、详情、搜索、分析）", NotYet, "/common/region/v2/streets /common/region/v2/info /common/region/v2/infoBatch /common/region/v2/search /region/streets /region/info /region/infoBatch /region/search /region/analysis"),
    m("cms-more", "文章扩展字段、阅读统计与联系人", NotYet, "/newsExtField/ /newsOwnerUserViewStatistics/ /contact/"),
    m("user-more", "用户杂项（匿名信息、登录过的账号、随机昵称、出入统计、手机号读取）", NotYet, "/user/anonymous/ /user/logedUserList /user/randomNick /user/statisticsComingOut /user/wxapp/getMobile"),
    m("user-im", "站内私信", NotYet, "/userIm/"),
    m("user-invoice", "发票抬头", NotYet, "/userInvoice/"),
    m("user-tag", "用户标签与认证", NotYet, "/userTag/"),
    m("withdraw-setting", "提现设置", NotYet, "/user/withDraw/setting /user/withdrawal/setting"),
    m("gallery", "图库", NotYet, "/dfs/gallery"),
    m("common-tools", "通用工具（时间、临时数据、分布式锁、渠道数据、纯文本）", NotYet, "/common/datetime /common/days /common/diffMillis /common/strings/ /tempData/ /distributedLock/ /channelData/ /wxTemplateNumber/"),
    // the card module and the remaining pages of the templates
    m("card", "储值卡与次卡", Served, "/card/"),
    m("user-delete", "注销账号", Served, "/user/delete"),
    m("user-code", "会员动态码", Served, "/user/dynamicUserCode"),
    m("growth-log", "成长值明细与兑换", Served, "/growthLog/"),
    m("deposit-status", "押金支付状态", Served, "/deposit/payStatus"),
    m("merchant-transfer", "商家转账到零钱", NotConnected("微信支付的「商家转账」产品（本店提现由商家审核后打款，无需确认收款）"), "/user/withdrawal/requestMerchantTransfer"),
    m("region-city", "城市与区县列表", Served, "/common/region/v2/city /common/region/v2/districts /region/city /region/districts"),
    m("stock-notice", "到货通知", Served, "/shop/goods/outofstockRegistration"),
    m("order-set", "订单设置", Served, "/order/set"),
    m("user-bank", "提现银行卡", Served, "/userBank/"),
    m("json-top", "JSON 数据置顶与高亮", Served, "/json/top /json/highlight"),
    m("activity-mall", "活动商城", Served, "/activityMallInfo/"),
    m("number-bomb", "数字炸弹游戏", Served, "/gameNumberBomb/"),
];

/// One method of the client, from `client_methods.tsv`.
#[derive(Debug, Clone, Copy)]
pub struct ClientMethod {
    pub name: &'static str,
    pub verb: &'static str,
    /// True when the path follows the subDomain.
    pub sub: bool,
    pub path: &'static str,
}

const CLIENT_METHODS: &str = include_str!("client_methods.tsv");

/// Every HTTP method of the client.
pub fn client_methods() -> impl Iterator<Item = ClientMethod> {
    CLIENT_METHODS.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).filter_map(|l| {
        let mut f = l.split('\t');
        Some(ClientMethod { name: f.next()?, verb: f.next()?, sub: f.next()? == "sub", path: f.next()? })
    })
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// True when `path` is the client's `pattern` (`{x}` segments match any one segment).
fn same_path(pattern: &str, path: &str) -> bool {
    let (mut want, mut got) = (segments(pattern), segments(path));
    loop {
        match (want.next(), got.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if w == g || (w.starts_with('{') && w.ends_with('}')) => {}
            _ => return false,
        }
    }
}

/// How many segments of `prefix` start `path`; None when it does not start it.
fn prefix_len(prefix: &str, path: &str) -> Option<usize> {
    let mut got = segments(path);
    let mut n = 0;
    for w in segments(prefix) {
        if got.next() != Some(w) {
            return None;
        }
        n += 1;
    }
    Some(n)
}

/// The module a path belongs to: the longest matching prefix.
pub fn module_of(path: &str) -> Option<&'static Module> {
    MODULES
        .iter()
        .filter_map(|m| m.prefixes.split(' ').filter_map(|p| prefix_len(p, path)).max().map(|n| (n, m)))
        .max_by_key(|(n, _)| *n)
        .map(|(_, m)| m)
}

/// The module of a request path the client sends (`sub` when it followed the subDomain), when
/// the path is one of the client's; None for a path the client does not have.
pub fn for_client_path(sub: bool, path: &str) -> Option<&'static Module> {
    client_methods().find(|c| c.sub == sub && same_path(c.path, path))?;
    module_of(path)
}

/// The shopper's words for a module this shop does not serve.
pub fn refusal(m: &Module) -> String {
    match m.state {
        State::Served => format!("{}接口暂不可用", m.name),
        State::NotConnected(service) => format!("{}需要接入{service}，本店尚未接入，暂不可用", m.name),
        State::NotOffered => format!("本店不提供{}：这是同一客户端其他行业产品的功能，不属于商城", m.name),
        State::NotYet => format!("{}功能本店暂未开放，敬请期待", m.name),
    }
}

/// `data` of the 501 answer: which module and why, so a page (or a test) can tell them apart.
#[derive(Debug, Clone, Serialize)]
pub struct Closed {
    pub module: &'static str,
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<&'static str>,
}

impl Closed {
    pub fn of(m: &Module) -> Closed {
        let service = match m.state {
            State::NotConnected(s) => Some(s),
            _ => None,
        };
        Closed { module: m.key, state: m.state.key(), service }
    }
}

/// `docs/modules.md`: every module, its state and its client methods.
pub fn listing() -> String {
    let mut out = String::from(
        "# The client's modules\n\n\
         Every module of the `apifm-wxapi` client and what this shop does with it, from the table in\n\
         `src/api/modules.rs`. A method of a module the shop does not serve answers **501** with a\n\
         message naming the module and `data: {module, state, service?}`; a path the client does not\n\
         have answers 404 `接口不存在`. Generated by `xiaodian routes --write`; a test fails when this\n\
         file differs from the table.\n\n\
         | state | code | meaning |\n|---|---|---|\n\
         | served | — | routes answer every method of the module |\n\
         | notConnected | 501 | needs the outside service named; this shop has not connected it |\n\
         | notOffered | 501 | another vertical product of the same client, not a shop |\n\
         | notYet | 501 | a shop module not built yet |\n\n\
         | module | name | state | service | methods |\n|---|---|---|---|---|\n",
    );
    let methods: Vec<ClientMethod> = client_methods().collect();
    for m in MODULES {
        let mut names: Vec<&str> = methods
            .iter()
            .filter(|c| module_of(c.path).is_some_and(|o| std::ptr::eq(o, m)))
            .map(|c| c.name)
            .collect();
        names.sort_unstable();
        names.dedup();
        let service = match m.state {
            State::NotConnected(s) => s,
            _ => "",
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} ({}) |",
            m.key,
            m.name,
            m.state.key(),
            service,
            names.len(),
            names.join(", ")
        );
    }
    out
}

/// Where `docs/modules.md` lives, relative to the repository root.
pub const MODULES_MD: &str = "docs/modules.md";
/// README's generated block: the 501 families and the services behind them.
pub const README: &str = "README.md";
pub const README_BEGIN: &str =
    "<!-- client modules: generated from src/api/modules.rs by `xiaodian routes --write` -->";
pub const README_END: &str = "<!-- end of client modules -->";

/// README's block: one line per 501 family, the not-connected modules with their services.
pub fn readme_block() -> String {
    let names = |want: fn(State) -> bool| -> String {
        MODULES.iter().filter(|m| want(m.state)).map(|m| m.name).collect::<Vec<_>>().join("；")
    };
    let mut out = String::from(
        "| 501 | a method of a client module this shop does not serve: `msg` names the module and why, `data` is `{module, state, service?}` (every module: [docs/modules.md](docs/modules.md)); a path the client does not have stays 404 |\n",
    );
    let connected: Vec<String> = MODULES
        .iter()
        .filter_map(|m| match m.state {
            State::NotConnected(service) => Some(format!("{}（{service}）", m.name)),
            _ => None,
        })
        .collect();
    let _ = writeln!(
        out,
        "| 501 `notConnected` | needs an outside service this shop has not connected: {} |",
        connected.join("；")
    );
    let _ = writeln!(
        out,
        "| 501 `notOffered` | another product of the same client, not a shop: {} |",
        names(|s| s == State::NotOffered)
    );
    let _ =
        writeln!(out, "| 501 `notYet` | a shop module not built yet: {} |", names(|s| s == State::NotYet));
    out
}

/// `doc` with its generated block replaced by `block`; None when the markers are missing.
pub fn with_readme_block(doc: &str, block: &str) -> Option<String> {
    let begin = doc.find(README_BEGIN)? + README_BEGIN.len();
    let end = begin + doc[begin..].find(README_END)?;
    Some(format!("{}\n{block}{}", &doc[..begin], &doc[end..]))
}

/// Rewrites `docs/modules.md` and README's block under `root`.
///
/// # Errors
/// When a file cannot be read or written, or README lost its markers.
pub fn write_docs(root: &std::path::Path) -> Result<(), String> {
    std::fs::write(root.join(MODULES_MD), listing()).map_err(|e| format!("{MODULES_MD}: {e}"))?;
    let doc = std::fs::read_to_string(root.join(README)).map_err(|e| format!("{README}: {e}"))?;
    let doc = with_readme_block(&doc, &readme_block())
        .ok_or_else(|| format!("{README}: the client-module markers are missing"))?;
    std::fs::write(root.join(README), doc).map_err(|e| format!("{README}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committed(file: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn docs_modules_md_and_readme_follow_the_table() {
        assert!(
            committed(MODULES_MD) == listing(),
            "docs/modules.md differs from the module table: run `cargo run -- routes --write`"
        );
        let readme = committed(README);
        let fresh =
            with_readme_block(&readme, &readme_block()).expect("README holds the client-module markers");
        assert!(
            readme == fresh,
            "README's client-module block differs from the table: run `cargo run -- routes --write`"
        );
    }

    /// A served module's paths have routes; a module that is not served has no route of its own
    /// (when one arrives, its line in the table becomes `Served`).
    #[test]
    fn the_table_agrees_with_the_routes() {
        let routes: Vec<String> = super::super::routes()
            .into_iter()
            .flat_map(|f| f.routes.into_iter().map(|r| r.uri.path().to_string()))
            .collect();
        let mut wrong = Vec::new();
        for c in client_methods() {
            let mounted =
                if c.sub { format!("{}{}", super::super::SHOP_BASE, c.path) } else { c.path.to_string() };
            let mounted = mounted.replace('{', "<").replace('}', ">");
            let matching: Vec<&String> =
                routes.iter().filter(|r| super::super::pattern_matches(r, &mounted)).collect();
            let module = module_of(c.path).expect("every path has a module");
            let own = matching.iter().any(|r| !r.trim_start_matches(super::super::SHOP_BASE).contains('<'));
            match module.state {
                State::Served if matching.is_empty() => {
                    wrong.push(format!("{} {}: served by {} but no route", c.name, c.path, module.key));
                }
                State::Served => {}
                _ if own => wrong.push(format!(
                    "{} {}: routed, but {} is {}",
                    c.name,
                    c.path,
                    module.key,
                    module.state.key()
                )),
                _ => {}
            }
        }
        assert!(wrong.is_empty(), "the module table and the routes disagree:\n{}", wrong.join("\n"));
    }

    #[test]
    fn every_client_path_belongs_to_one_module() {
        let missing: Vec<&str> =
            client_methods().filter(|c| module_of(c.path).is_none()).map(|c| c.name).collect();
        assert!(missing.is_empty(), "client methods in no module: {missing:?}");
        let mut keys: Vec<&str> = MODULES.iter().map(|m| m.key).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "module keys are unique");
    }

    #[test]
    fn a_client_path_finds_its_module_and_a_typo_finds_none() {
        assert_eq!(for_client_path(true, "/shop/goods/kanjia/join").map(|m| m.key), Some("kanjia"));
        assert_eq!(for_client_path(true, "/cpsJdGoods/detail").map(|m| m.key), Some("cps-jd"));
        assert_eq!(for_client_path(false, "/jdvop/7/goods/list").map(|m| m.key), Some("jdvop"));
        assert_eq!(for_client_path(true, "/training/list").map(|m| m.key), Some("training"));
        assert!(for_client_path(true, "/shop/goods/kanjia/jion").is_none());
        assert!(for_client_path(true, "/cpsJdGoods").is_none());
        assert!(for_client_path(false, "/training/list").is_none(), "a subDomain path sent at the root");
    }

    #[test]
    fn each_state_says_why_in_the_shoppers_words() {
        let cps = module_of("/cpsTaobaoGoods/detail").unwrap();
        assert!(refusal(cps).contains("淘宝联盟"), "{}", refusal(cps));
        assert!(refusal(module_of("/tournament/list").unwrap()).contains("本店不提供"));
        assert!(refusal(module_of("/partner/withdrawalLog/list").unwrap()).contains("暂未开放"));
    }
}
