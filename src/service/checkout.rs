//! Checkout: what an order costs (`price`, the preview, writes nothing) and placing it (`place`,
//! in the caller's one `BEGIN IMMEDIATE` transaction: stock, points, coupon, the order and its lines).
//!
//! The rules other parts of the shop own are each called from exactly one place here:
//! [`unit_price`] (`service::tiers`), [`pick_additions`] (`service::additions`), [`check_limits`]
//! (`service::limits`), [`freight`] (`service::freight`), [`coupon_discount`] / [`usable_coupons`]
//! and the coupon's lock in [`place`] (`service::coupons`; `service::order` releases or uses it),
//! and calendar bookings (`service::calendar`: priced in [`price_line`], required by
//! [`check_calendar_chosen`], their day's or slot's stock taken in [`take_line_stock`]).

use rusqlite::Connection;
use serde::Deserialize;

use crate::db::order::{self, status, NewLine, NewOrder};
use crate::db::{self, catalog::SkuRow};
use crate::service::calendar::{self, BookedUnit, Booking, PricedBooking};
use crate::service::card_pay;
use crate::service::catalog::{self, Quote};
use crate::service::checkout_deals::{Deal, DealLine};
use crate::service::coupons;
use crate::service::error::{Error, Result};
use crate::service::ledger::{self, Account, Source};
use crate::service::order::{OrderRules, ScoreRule};

/// Most lines one order (or one cart) may hold.
pub const MAX_LINES: usize = 100;
/// Most of one thing in one line.
pub const MAX_NUMBER: i64 = 99_999;

/// An add-on as the client sends it: `{id, pid}` (the add-on value and its group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
pub struct AdditionChoice {
    pub id: i64,
    pub pid: i64,
}

/// One thing to buy.
#[derive(Debug, Clone, Default)]
pub struct LineInput {
    pub goods_id: i64,
    pub number: i64,
    /// "pid:cid,pid:cid" as sent; None/"" for goods without specs.
    pub property_child_ids: Option<String>,
    pub additions: Vec<AdditionChoice>,
    /// The day(s) or time slot of a calendar goods (hotel nights, a court's hour).
    pub booking: Option<Booking>,
}

/// A line with its price worked out.
pub struct PricedLine {
    pub quote: Quote,
    pub number: i64,
    /// Fen per unit, add-ons included.
    pub unit_price: i64,
    /// Fen per unit for the add-ons alone.
    pub additions_price: i64,
    pub unit_score: i64,
    /// JSON snapshot of the add-ons chosen.
    pub additions_json: String,
    /// A calendar goods' days (slot), priced by the calendar instead of the goods' price.
    pub booking: Option<PricedBooking>,
}

impl PricedLine {
    pub fn amount(&self) -> i64 {
        match &self.booking {
            // Days may cost different amounts: the line is their sum, not a unit price × number.
            Some(b) => b.amount().saturating_add(self.additions_price.saturating_mul(self.number)),
            None => self.unit_price.saturating_mul(self.number),
        }
    }

    pub fn score(&self) -> i64 {
        self.unit_score.saturating_mul(self.number)
    }

    /// Stock left where this line takes it from.
    pub fn stores(&self) -> i64 {
        self.quote.sku.as_ref().map_or(self.quote.goods.fields.stores, |s: &SkuRow| s.fields.stores)
    }
}

/// Reads an add-on list sent as a JSON string (`addition`, `goodsAdditionList`); "" = none.
pub fn parse_additions(name: &'static str, text: Option<&str>) -> Result<Vec<AdditionChoice>> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(Vec::new()) };
    let mut list: Vec<AdditionChoice> = crate::lenient::from_str(text)
        .map_err(|e| Error::invalid(name, format!("应为 [{{id, pid}}] 形式的 JSON 数组：{e}")))?;
    list.sort_unstable();
    list.dedup();
    Ok(list)
}

/// Prices one line: the goods (on the shelf), its SKU (30002 when the goods has specs and none
/// was chosen), the unit price, the add-ons. Writes nothing.
/// `param` names the add-ons in refusals (`addition` in the cart, `goodsJsonStr` at checkout).
pub fn price_line(c: &Connection, line: &LineInput, param: &'static str) -> Result<PricedLine> {
    if !(1..=MAX_NUMBER).contains(&line.number) {
        return Err(Error::invalid("number", format!("应在 1 到 {MAX_NUMBER} 之间")));
    }
    let key = line.property_child_ids.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let quote = match catalog::quote(c, line.goods_id, key) {
        // Without a key, the only parameter quote refuses is "this goods has specs".
        Err(Error::Invalid { .. }) if key.is_none() => return Err(Error::SpecRequired),
        other => other?,
    };
    let min = quote.goods.fields.min_buy_number;
    if line.number < min {
        return Err(Error::invalid("number", format!("“{}”至少购买 {min} 件", quote.goods.fields.name)));
    }
    let (list_price, unit_score) = match &quote.sku {
        Some(sku) => (sku.fields.price, sku.fields.score),
        None => (quote.goods.fields.min_price, quote.goods.fields.min_score),
    };
    let booking = match &line.booking {
        None => None,
        Some(b) => {
            let sku_id = quote.sku.as_ref().map(|s| s.id);
            Some(calendar::quote_booking(c, &quote.goods, sku_id, b, line.number)?)
        }
    };
    let base = match &booking {
        // Shown per unit, rounded down so unit × number never exceeds what the line costs.
        Some(b) => b.amount() / line.number,
        None => unit_price(c, &quote, line.number, list_price)?,
    };
    let (additions_price, additions_json) = pick_additions(c, &quote, &line.additions, param)?;
    Ok(PricedLine {
        number: line.number,
        unit_price: base.saturating_add(additions_price),
        additions_price,
        unit_score,
        additions_json,
        booking,
        quote,
    })
}

/// The unit price of a line before add-ons: the list price, lowered by the goods' price tiers.
fn unit_price(c: &Connection, quote: &Quote, number: i64, list_price: i64) -> Result<i64> {
    let key = quote.sku.as_ref().map(|s| s.fields.property_child_ids.as_str());
    crate::service::tiers::unit_price(c, quote.goods.id, key, number, list_price)
}

/// The add-ons chosen for a line, checked against the goods' own: (fen per unit, JSON snapshot).
fn pick_additions(
    c: &Connection,
    quote: &Quote,
    chosen: &[AdditionChoice],
    param: &'static str,
) -> Result<(i64, String)> {
    if chosen.is_empty() {
        return Ok((0, "[]".into()));
    }
    let json = serde_json::to_string(chosen).unwrap_or_else(|_| "[]".into());
    let pick = crate::service::additions::pick_as(c, quote.goods.id, &json, param)?;
    Ok((pick.extra, pick.json))
}

/// Purchase limits: per order, or per shopper within a window (only for the rule's member level
/// when it names one). Refusals answer 300 naming `number`.
fn check_limits(c: &Connection, user_id: i64, lines: &[PricedLine], now: i64) -> Result<()> {
    let level = crate::service::levels::held(c, user_id, now)?.map(|(l, _)| l.id);
    for l in lines {
        let key = l.quote.sku.as_ref().map(|s| s.fields.property_child_ids.as_str());
        for rule in crate::service::limits::rules(c, l.quote.goods.id, key)? {
            if rule.user_level_id.is_some_and(|want| Some(want) != level) {
                continue;
            }
            // This order's pieces the rule covers (the whole goods, or its one SKU).
            let covered = |p: &&PricedLine| {
                p.quote.goods.id == rule.goods_id
                    && (rule.sku_id.is_none() || p.quote.sku.as_ref().map(|s| s.id) == rule.sku_id)
            };
            let here: i64 = lines.iter().filter(covered).map(|p| p.number).sum();
            let before = match rule.window_start(now) {
                None => 0,
                Some(since) => order::bought_since(c, user_id, rule.goods_id, rule.sku_id, since)?,
            };
            if before + here > rule.buy_numbers {
                let left = (rule.buy_numbers - before).max(0);
                return Err(Error::invalid(
                    "number",
                    format!(
                        "“{}”限购 {} 件，您还可以买 {left} 件",
                        l.quote.goods.fields.name, rule.buy_numbers
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Freight of a delivery by the goods' freight templates; (fen, whether any line needs delivery).
fn freight(c: &Connection, lines: &[PricedLine], input: &CheckoutInput) -> Result<(i64, bool)> {
    let fl: Vec<crate::service::freight::FreightLine> = lines
        .iter()
        .map(|l| crate::service::freight::FreightLine {
            logistics_id: l.quote.goods.fields.logistics_id,
            number: l.number,
            unit_weight: l.quote.sku.as_ref().map_or(l.quote.goods.fields.weight, |s| s.fields.weight),
            amount: l.amount(),
        })
        .collect();
    let d = &input.destination;
    let some = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    let dest = crate::service::freight::Destination {
        province_id: some(&d.province_id),
        city_id: some(&d.city_id),
        district_id: some(&d.district_id),
    };
    let q = crate::service::freight::quote(c, &fl, &dest)?;
    Ok((q.amount, q.needs_logistics))
}

/// The lines as a card sees them.
fn card_lines(lines: &[PricedLine]) -> Vec<card_pay::CardLine> {
    let line = |l: &PricedLine| card_pay::CardLine {
        goods_id: l.quote.goods.id,
        number: l.number,
        amount: l.amount(),
    };
    lines.iter().map(line).collect()
}

/// The lines as the coupon rules see them.
fn coupon_lines(lines: &[PricedLine]) -> Vec<coupons::CouponLine> {
    lines
        .iter()
        .map(|l| coupons::CouponLine {
            goods_id: l.quote.goods.id,
            category_id: l.quote.goods.fields.category_id,
            amount: l.amount(),
        })
        .collect()
}

/// The shopper's coupons usable on these lines, the biggest discount first (`couponUserList`).
fn usable_coupons(
    c: &Connection,
    user_id: i64,
    lines: &[PricedLine],
    now: i64,
) -> Result<Vec<coupons::UsableCoupon>> {
    coupons::usable(c, user_id, &coupon_lines(lines), now)
}

/// Fen off for the coupon the shopper chose (20001 / 20004 / 404 saying why it cannot be used).
fn coupon_discount(
    c: &Connection,
    user_id: i64,
    coupon_user_id: Option<i64>,
    lines: &[PricedLine],
    now: i64,
) -> Result<i64> {
    match coupon_user_id {
        None => Ok(0),
        Some(id) => coupons::discount(c, user_id, id, &coupon_lines(lines), now),
    }
}

/// How the order reaches the shopper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Peisong {
    /// 快递: delivered to the address.
    #[default]
    Delivery,
    /// 自提: picked up at a shop.
    PickUp,
}

impl Peisong {
    pub fn code(self) -> &'static str {
        match self {
            Peisong::Delivery => "kd",
            Peisong::PickUp => "zq",
        }
    }
}

/// Where a delivery goes, as sent with the order (a snapshot: later address edits do not move it).
#[derive(Debug, Clone, Default)]
pub struct Destination {
    pub link_man: String,
    pub mobile: String,
    pub province_id: String,
    pub city_id: String,
    pub district_id: String,
    pub street_id: String,
    pub address: String,
    pub postcode: String,
}

impl Destination {
    /// A delivery needs someone, a phone, a city and an address; 300 names what is missing.
    pub fn check(&self) -> Result<()> {
        for (name, v) in [
            ("linkMan", &self.link_man),
            ("mobile", &self.mobile),
            ("provinceId", &self.province_id),
            ("cityId", &self.city_id),
            ("address", &self.address),
        ] {
            if v.trim().is_empty() {
                return Err(Error::missing(name));
            }
        }
        Ok(())
    }
}

/// Everything orderCreate sends, checked.
#[derive(Debug, Clone, Default)]
pub struct CheckoutInput {
    pub lines: Vec<LineInput>,
    pub peisong: Peisong,
    pub destination: Destination,
    /// Pick-up shop (zq).
    pub shop_id_zt: Option<i64>,
    pub shop_name_zt: String,
    /// The shopper's coupon (`couponId`).
    pub coupon_user_id: Option<i64>,
    /// Points the shopper wants to spend to lower the price.
    pub deduction_score: i64,
    pub remark: String,
    /// A JSON object.
    pub ext_json: String,
    /// `isCanHx`: give the order a write-off code (pick-up orders always get one).
    pub is_can_hx: bool,
    /// `kjid`: the bargain set whose current price the caller's bargain buys the goods at.
    pub kanjia_set: Option<i64>,
    // group buy (pingtuan)
    /// `pingtuanOpenId`: the group (tuan) the caller opens or joins at the group price.
    pub pingtuan_tuan: Option<i64>,
    /// `cardId`: the shopper's held card paying part of the order (service::card_pay).
    pub card_user_id: Option<i64>,
}

/// An order's money worked out.
pub struct Priced {
    pub lines: Vec<PricedLine>,
    pub amount_goods: i64,
    pub amount_logistics: i64,
    pub amount_coupon: i64,
    /// Fen taken off for points.
    pub deduction_money: i64,
    /// Points that takes.
    pub deduction_score: i64,
    /// What the card (`cardId`) pays.
    pub card: Option<card_pay::CardUse>,
    pub amount_real: i64,
    /// The goods' points price.
    pub score: i64,
    pub goods_number: i64,
    pub is_need_logistics: bool,
    pub coupons: Vec<coupons::UsableCoupon>,
    pub score_rules: Vec<ScoreRule>,
}

/// Works out what an order costs, checking stock, the pick-up shop and the shopper's points;
/// writes nothing (orderCreate with `calculate=true`).
pub fn price(
    c: &Connection,
    user_id: i64,
    input: &CheckoutInput,
    rules: &OrderRules,
    now: i64,
) -> Result<Priced> {
    if input.lines.is_empty() {
        return Err(Error::invalid("goodsJsonStr", "至少要有一件商品"));
    }
    if input.lines.len() > MAX_LINES {
        return Err(Error::invalid("goodsJsonStr", format!("一个订单最多 {MAX_LINES} 种商品")));
    }
    let mut lines =
        input.lines.iter().map(|l| price_line(c, l, "goodsJsonStr")).collect::<Result<Vec<_>, _>>()?;
    if let Some(deal) = Deal::of(input.kanjia_set, input.pingtuan_tuan) {
        let [line] = lines.as_mut_slice() else { return Err(deal.one_line()) };
        let sku_id = line.quote.sku.as_ref().map(|s| s.id);
        let at = DealLine {
            goods_id: line.quote.goods.id,
            sku_id,
            number: line.number,
            booked: line.booking.is_some(),
        };
        line.unit_price = deal.price(c, user_id, &at, now)?.saturating_add(line.additions_price);
    }
    for l in &lines {
        check_calendar_chosen(c, l)?;
    }
    check_stock(&lines)?;
    check_limits(c, user_id, &lines, now)?;
    if input.peisong == Peisong::PickUp {
        pick_up_shop(c, input.shop_id_zt)?;
    }
    let amount_goods = lines.iter().fold(0i64, |s, l| s.saturating_add(l.amount()));
    let score = lines.iter().fold(0i64, |s, l| s.saturating_add(l.score()));
    let goods_number = lines.iter().map(|l| l.number).sum();
    let (amount_logistics, needs_delivery) = match input.peisong {
        Peisong::Delivery => freight(c, &lines, input)?,
        Peisong::PickUp => (0, false),
    };
    let amount_coupon = coupon_discount(c, user_id, input.coupon_user_id, &lines, now)?.min(amount_goods);
    let (deduction_money, deduction_score) =
        rules.score_deduction(input.deduction_score, amount_goods - amount_coupon)?;
    let mut amount_real = (amount_goods + amount_logistics - amount_coupon - deduction_money).max(0);
    let card = match input.card_user_id {
        None => None,
        Some(id) => Some(card_pay::quote(c, user_id, id, &card_lines(&lines), amount_real, now)?),
    };
    amount_real -= card.as_ref().map_or(0, |u| u.amount);
    // Points spent now: the deduction, and the goods' points price when nothing is left to pay
    // (such an order is created paid); otherwise the goods' points are taken at payment.
    let need = deduction_score.saturating_add(if amount_real == 0 { score } else { 0 });
    if need > 0 {
        let have = ledger::accounts_of(c, user_id)?.score;
        if need > have {
            return Err(Error::NotEnoughPoints { due: need - have });
        }
    }
    Ok(Priced {
        coupons: usable_coupons(c, user_id, &lines, now)?,
        score_rules: rules.score_rules(),
        is_need_logistics: needs_delivery,
        lines,
        amount_goods,
        amount_logistics,
        amount_coupon,
        deduction_money,
        deduction_score,
        card,
        amount_real,
        score,
        goods_number,
    })
}

/// A goods that sells by calendar is booked for a day (slot): a line without one is refused
/// (300 naming `goodsJsonStr`) rather than sold from no day at all.
fn check_calendar_chosen(c: &Connection, l: &PricedLine) -> Result<()> {
    if l.booking.is_some() {
        return Ok(());
    }
    let name = &l.quote.goods.fields.name;
    match calendar::calendar_kinds(c, l.quote.goods.id)? {
        (_, true) => Err(Error::invalid("goodsJsonStr", format!("“{name}”请选择预约的日期和时段"))),
        (true, false) => Err(Error::invalid("goodsJsonStr", format!("“{name}”请选择预订的日期"))),
        (false, false) => Ok(()),
    }
}

/// Refuses when the same SKU (or calendar day / slot), over all lines, needs more than is left.
fn check_stock(lines: &[PricedLine]) -> Result<()> {
    type DayKey<'a> = (i64, Option<i64>, &'a str, Option<&'a str>);
    // Units wanted per stock holder (goods id, SKU id), with a line to name it by.
    let mut wanted: std::collections::BTreeMap<(i64, Option<i64>), (i64, &PricedLine)> =
        std::collections::BTreeMap::default();
    // Units wanted per calendar day (slot): a booking takes no goods stock.
    let mut booked: std::collections::BTreeMap<DayKey, (i64, &PricedLine, &BookedUnit)> =
        std::collections::BTreeMap::default();
    for l in lines {
        let (goods, sku) = (l.quote.goods.id, l.quote.sku.as_ref().map(|s| s.id));
        match &l.booking {
            None => wanted.entry((goods, sku)).or_insert((0, l)).0 += l.number,
            Some(b) => {
                for u in &b.units {
                    let at = (goods, sku, u.day.as_str(), u.slot.as_deref());
                    booked.entry(at).or_insert((0, l, u)).0 += b.per_unit;
                }
            }
        }
    }
    for (n, l) in wanted.into_values() {
        if n > l.stores() {
            return Err(out_of_stock(l));
        }
    }
    for (n, l, u) in booked.into_values() {
        if n > u.stores {
            return Err(out_of_booking(l, u));
        }
    }
    Ok(())
}

/// The goods (and spec) as a shortage names it.
fn stock_name(l: &PricedLine) -> String {
    let mut name = l.quote.goods.fields.name.clone();
    if !l.quote.names.is_empty() {
        name = format!("{name}（{}）", l.quote.names.trim_end_matches(','));
    }
    name
}

fn out_of_stock(l: &PricedLine) -> Error {
    Error::OutOfStock { name: stock_name(l), left: l.stores() }
}

/// A day (slot) that cannot take the booking, named with its day: "湖景大床房 2026-12-01".
fn out_of_booking(l: &PricedLine, u: &BookedUnit) -> Error {
    Error::OutOfStock { name: format!("{} {}", stock_name(l), u.label()), left: u.stores }
}

/// The open pick-up shop chosen for a zq order.
fn pick_up_shop(c: &Connection, id: Option<i64>) -> Result<crate::db::shops::ShopRow> {
    let id = id.ok_or(Error::missing("shopIdZt"))?;
    match crate::db::shops::get(c, id)? {
        Some(s) if s.status == 0 => Ok(s),
        _ => Err(Error::invalid("shopIdZt", "自提门店不存在或未营业")),
    }
}

/// What placing an order produced.
pub struct Placed {
    pub order: order::OrderRow,
    pub priced: Priced,
}

/// Places an order in the caller's transaction: prices it, takes stock per SKU with a
/// conditional UPDATE (a shortage answers 30003 naming the goods and rolls everything back),
/// spends the deduction points, locks the coupon, and stores the order, its lines and its first
/// event. An order that costs nothing is created paid (its goods' points are taken now).
pub fn place(
    c: &Connection,
    user_id: i64,
    input: &CheckoutInput,
    rules: &OrderRules,
    now: i64,
) -> Result<Placed> {
    let priced = price(c, user_id, input, rules, now)?;
    if priced.is_need_logistics {
        input.destination.check()?;
    }
    for l in &priced.lines {
        take_line_stock(c, l)?;
    }
    let free = priced.amount_real == 0;
    let shop_name = match input.peisong {
        Peisong::PickUp => pick_up_shop(c, input.shop_id_zt)?.fields.name,
        Peisong::Delivery => String::new(),
    };
    let hx_number =
        if input.is_can_hx || input.peisong == Peisong::PickUp { Some(new_hx_number(c)?) } else { None };
    let d = &input.destination;
    let new = NewOrder {
        user_id,
        status: if free { status::PAID } else { status::UNPAID },
        amount_goods: priced.amount_goods,
        amount_logistics: priced.amount_logistics,
        amount_coupon: priced.amount_coupon,
        amount_score_deduction: priced.deduction_money,
        amount_real: priced.amount_real,
        score: priced.score,
        score_deduction: priced.deduction_score,
        goods_number: priced.goods_number,
        peisong_type: input.peisong.code().into(),
        shop_id_zt: input.shop_id_zt.filter(|_| input.peisong == Peisong::PickUp),
        shop_name_zt: shop_name,
        hx_number,
        coupon_user_id: input.coupon_user_id,
        link_man: d.link_man.clone(),
        mobile: d.mobile.clone(),
        province_id: d.province_id.clone(),
        city_id: d.city_id.clone(),
        district_id: d.district_id.clone(),
        street_id: d.street_id.clone(),
        address: d.address.clone(),
        postcode: d.postcode.clone(),
        remark: input.remark.clone(),
        ext_json: input.ext_json.clone(),
        close_at: (!free).then(|| now + rules.close_after_secs()),
        date_pay: free.then_some(now),
    };
    let date = db::format_unix(now).get(..10).unwrap_or("").replace('-', "");
    let id = order::insert_order(c, &new, &date, now)?;
    for l in &priced.lines {
        let line_id = order::insert_line(c, id, user_id, &new_line(l), now)?;
        for b in bookings_of(l) {
            order::insert_booking(c, id, line_id, &b)?;
        }
    }
    let number = order::order_number(&date, id);
    if priced.deduction_score > 0 {
        let reason = format!("订单 {number} 积分抵扣");
        ledger::post(
            c,
            user_id,
            Account::Score,
            -priced.deduction_score,
            &reason,
            Source::Order,
            &id.to_string(),
        )?;
    }
    if let Some(u) = &priced.card {
        card_pay::take(c, user_id, id, &number, u, now)?;
    }
    if let Some(coupon) = input.coupon_user_id {
        // A conditional UPDATE: two orders racing for one coupon cannot both have it.
        coupons::lock(c, user_id, coupon, id, now)?;
    }
    if let Some(set_id) = input.kanjia_set {
        let join =
            crate::service::kanjia::for_order(c, user_id, set_id, priced.lines[0].quote.goods.id, 1, now)?;
        crate::service::kanjia::hold(c, join.id, id)?;
    }
    if let Some(tuan_id) = input.pingtuan_tuan {
        let line = &priced.lines[0];
        let sku = line.quote.sku.as_ref().map(|s| s.id);
        let (tuan, _) =
            crate::service::pingtuan::for_order(c, user_id, tuan_id, line.quote.goods.id, sku, now)?;
        crate::service::pingtuan::hold(c, &tuan, user_id, id, now)?;
    }
    order::add_event(c, id, "create", "下单", now)?;
    if free {
        crate::service::order::settle_paid(c, id, now)?;
    }
    let order = order::order(c, id)?.ok_or_else(|| Error::Internal(format!("order {id} vanished")))?;
    Ok(Placed { order, priced })
}

/// Takes a line's stock by conditional UPDATEs: the SKU's (or goods') stock, or each booked day's
/// (slot's). A shortage answers 30003 naming the goods (and day) and the caller rolls back.
fn take_line_stock(c: &Connection, l: &PricedLine) -> Result<()> {
    let (goods, sku) = (l.quote.goods.id, l.quote.sku.as_ref().map(|s| s.id));
    if let Some(b) = &l.booking {
        for u in &b.units {
            if !calendar::take(c, goods, sku, u, b.per_unit)? {
                return Err(out_of_booking(l, u));
            }
        }
        return Ok(());
    }
    let taken = match sku {
        Some(sku) => order::take_sku_stock(c, sku, l.number)?,
        None => order::take_goods_stock(c, goods, l.number)?,
    };
    if taken {
        Ok(())
    } else {
        Err(out_of_stock(l))
    }
}

/// The calendar rows a line holds once placed.
fn bookings_of(l: &PricedLine) -> Vec<order::NewBooking> {
    let Some(b) = &l.booking else { return Vec::new() };
    b.units
        .iter()
        .map(|u| order::NewBooking {
            goods_id: l.quote.goods.id,
            sku_id: l.quote.sku.as_ref().map(|s| s.id),
            day: u.day.clone(),
            slot: u.slot.clone(),
            number: b.per_unit,
            price: u.price,
        })
        .collect()
}

fn new_line(l: &PricedLine) -> NewLine {
    let g = &l.quote.goods;
    NewLine {
        goods_id: g.id,
        sku_id: l.quote.sku.as_ref().map(|s| s.id),
        property_child_ids: l
            .quote
            .sku
            .as_ref()
            .map(|s| s.fields.property_child_ids.clone())
            .unwrap_or_default(),
        property: l.quote.names.clone(),
        goods_name: g.fields.name.clone(),
        pic: g.fields.pic.clone(),
        additions: l.additions_json.clone(),
        amount_single: l.unit_price,
        amount: l.amount(),
        score_single: l.unit_score,
        number: l.number,
    }
}

/// A fresh 10-digit write-off code no other order has.
fn new_hx_number(c: &Connection) -> Result<String> {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    for _ in 0..10 {
        let code = rng.gen_range(1_000_000_000u64..10_000_000_000u64).to_string();
        if !order::hx_number_taken(c, &code)? {
            return Ok(code);
        }
    }
    Err(Error::Internal("no free write-off code after 10 tries".into()))
}
