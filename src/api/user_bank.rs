//! The shopper's withdrawal bank card (提现银行卡): the banks to choose from, bind one card, show
//! it (the number masked), unbind it. The template's pages/asset/bindCard and widthdraw read it.

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, Reply};
use crate::db::{self, user_bank::BankCard, Db};
use crate::error::ApiError;
use crate::regions::Regions;

pub fn routes() -> Vec<Route> {
    routes![banks, info, bind, unbind]
}

/// The banks a shopper picks from (the big state, joint-stock and postal banks).
const BANKS: &[(&str, &str)] = &[
    ("ICBC", "中国工商银行"),
    ("ABC", "中国农业银行"),
    ("BOC", "中国银行"),
    ("CCB", "中国建设银行"),
    ("BCOM", "交通银行"),
    ("PSBC", "中国邮政储蓄银行"),
    ("CMB", "招商银行"),
    ("CITIC", "中信银行"),
    ("CEB", "中国光大银行"),
    ("HXB", "华夏银行"),
    ("CMBC", "中国民生银行"),
    ("CGB", "广发银行"),
    ("PAB", "平安银行"),
    ("CIB", "兴业银行"),
    ("SPDB", "上海浦东发展银行"),
    ("CZB", "浙商银行"),
    ("BHB", "渤海银行"),
    ("HFB", "恒丰银行"),
];

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BankView {
    pub id: usize,
    pub code: &'static str,
    pub bank_name: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BankCardView {
    pub uid: i64,
    pub bank_name: String,
    pub bank_branch: String,
    /// The account holder.
    pub name: String,
    /// Masked: the first four and last four digits.
    pub bank_card_number: String,
    pub province_id: String,
    pub city_id: String,
    pub district_id: String,
    pub street_id: String,
    pub province_str: String,
    pub city_str: String,
    pub area_str: String,
    pub street_str: String,
    pub date_add: String,
    pub date_update: String,
}

#[derive(Serialize)]
pub struct BankCardInfo {
    pub info: BankCardView,
}

/// `6222020200112233` → `6222********2233`.
pub fn mask(number: &str) -> String {
    let n = number.chars().count();
    number.chars().enumerate().map(|(i, ch)| if i < 4 || i + 4 >= n { ch } else { '*' }).collect()
}

impl BankCardView {
    fn new(regions: &Regions, b: BankCard) -> Self {
        let name = |id: &str| regions.get(id).map(|r| r.name.clone()).unwrap_or_default();
        BankCardView {
            uid: b.user_id,
            bank_card_number: mask(&b.card_number),
            province_str: name(&b.province_id),
            city_str: name(&b.city_id),
            area_str: name(&b.district_id),
            street_str: name(&b.street_id),
            bank_name: b.bank_name,
            bank_branch: b.bank_branch,
            name: b.name,
            province_id: b.province_id,
            city_id: b.city_id,
            district_id: b.district_id,
            street_id: b.street_id,
            date_add: db::format_unix(b.date_add),
            date_update: db::format_unix(b.date_update),
        }
    }
}

/// GET /<sub>/userBank/banks — userBankSelectBanks; anyone. The banks to choose from.
#[get("/userBank/banks")]
fn banks() -> ApiResult<Vec<BankView>> {
    Ok(Reply(
        BANKS
            .iter()
            .enumerate()
            .map(|(i, (code, name))| BankView { id: i + 1, code, bank_name: name })
            .collect(),
    ))
}

/// GET /<sub>/userBank/info — userBankInfo; logged-in shopper. `{info}` with the number masked; 700 when none.
#[get("/userBank/info")]
async fn info(req: Authed, db: &State<Db>, regions: &State<Regions>) -> ApiResult<BankCardInfo> {
    let user = req.user_id;
    let card = db.read(move |c| db::user_bank::get(c, user)).await?.ok_or(ApiError::Empty)?;
    Ok(Reply(BankCardInfo { info: BankCardView::new(regions, card) }))
}

/// An optional region id: empty is "not given"; an unknown one is refused naming it.
fn region(req: &Authed, regions: &Regions, name: &'static str) -> Result<String, ApiError> {
    let id = req.p.opt_text(name, 20)?.unwrap_or("").trim().to_string();
    if !id.is_empty() && regions.get(&id).is_none() {
        return Err(ApiError::invalid(name, "不是有效的地区编号"));
    }
    Ok(id)
}

/// POST /<sub>/userBank/bind — userBankBind; logged-in shopper. `bankName, bankBranch, name,
/// bankCardNumber` (10–30 digits, spaces ignored), region ids optional; 403 when a card is bound already.
#[post("/userBank/bind", data = "<req>")]
async fn bind(req: Authed, db: &State<Db>, regions: &State<Regions>) -> ApiResult<BankCardInfo> {
    let number: String = req.p.text("bankCardNumber", 60)?.chars().filter(|c| !c.is_whitespace()).collect();
    if !(10..=30).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid("bankCardNumber", "应为 10 到 30 位数字"));
    }
    let card = BankCard {
        user_id: req.user_id,
        bank_name: req.p.text("bankName", 50)?.trim().to_string(),
        bank_branch: req.p.text("bankBranch", 100)?.trim().to_string(),
        name: req.p.text("name", 50)?.trim().to_string(),
        card_number: number,
        province_id: region(&req, regions, "provinceId")?,
        city_id: region(&req, regions, "cityId")?,
        district_id: region(&req, regions, "districtId")?,
        street_id: region(&req, regions, "streetId")?,
        date_add: 0,
        date_update: 0,
    };
    let user = req.user_id;
    let bound = db
        .write(move |c| {
            if !db::user_bank::insert(c, &card, db::unix_now())? {
                return Err(ApiError::Forbidden("已绑定银行卡，请先解除绑定".into()));
            }
            Ok(db::user_bank::get(c, user)?)
        })
        .await?
        .ok_or(ApiError::Empty)?;
    Ok(Reply(BankCardInfo { info: BankCardView::new(regions, bound) }))
}

/// POST /<sub>/userBank/unbind — userBankUnBind; logged-in shopper. 700 when no card was bound.
#[post("/userBank/unbind", data = "<req>")]
async fn unbind(req: Authed, db: &State<Db>) -> ApiResult<()> {
    let user = req.user_id;
    if !db.write(move |c| db::user_bank::delete(c, user)).await? {
        return Err(ApiError::NoData("尚未绑定银行卡"));
    }
    Ok(Reply(()))
}
