//! Checks a shopper may ask for: is an invitation code (a referrer's uid) good, and real-name
//! verification.
//!
//! Real-name verification needs an outside identity provider, which this shop does not have: the
//! name and the ID number are checked for form (the number's GB 11643 check digit and birth date),
//! then the answer is a clear 501 — never a pretended success.

use rocket::{get, post, routes, Route, State};

use super::{ApiResult, Authed, Params, Reply};
use crate::db::{self, Db};
use crate::error::ApiError;

pub fn routes() -> Vec<Route> {
    routes![check_referrer, idcard, manual_review, manual_review_info]
}

const NO_PROVIDER: &str = "实名认证需要配置认证服务商，本店暂未开通";
const NO_MANUAL_REVIEW: &str = "人工实名审核本店暂未开通";

/// GET /<sub>/user/check-referrer — checkReferrer; anyone. 0 when `referrer` is a shopper whose
/// account is not disabled, 700 otherwise.
#[get("/user/check-referrer")]
async fn check_referrer(p: Params, db: &State<Db>) -> ApiResult<()> {
    let referrer = p.int("referrer")?;
    let user = db.read(move |c| db::user::by_id(c, referrer)).await?;
    match user {
        Some(u) if u.status == 0 => Ok(Reply(())),
        _ => Err(ApiError::NoData("邀请码错误")),
    }
}

/// POST /<sub>/user/idcard — idcardCheck; logged-in shopper. Checks the name and the ID number,
/// then answers 501: matching them needs an identity provider.
#[post("/user/idcard", data = "<req>")]
fn idcard(req: Authed) -> ApiResult<()> {
    check_name(req.p.text("name", 30)?)?;
    check_id_number(req.p.text("idCardNo", 18)?).map_err(|reason| ApiError::invalid("idCardNo", reason))?;
    Err(ApiError::Unsupported(NO_PROVIDER.into()))
}

/// POST /<sub>/user/idcard/manualReview — idcardCheckManualReview; logged-in shopper. 501.
#[post("/user/idcard/manualReview", data = "<_req>")]
fn manual_review(_req: Authed) -> ApiResult<()> {
    Err(ApiError::Unsupported(NO_MANUAL_REVIEW.into()))
}

/// GET /<sub>/user/idcard/manualReview/info — idcardCheckManualReviewInfo; logged-in shopper. 501.
#[get("/user/idcard/manualReview/info")]
fn manual_review_info(_req: Authed) -> ApiResult<()> {
    Err(ApiError::Unsupported(NO_MANUAL_REVIEW.into()))
}

/// A real name: 2–30 Chinese characters or letters, with the "·" of transliterated names and spaces.
fn check_name(name: &str) -> Result<(), ApiError> {
    let cjk =
        |c: char| matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{20000}'..='\u{323af}');
    let ok_char = |c: char| cjk(c) || c.is_ascii_alphabetic() || matches!(c, '·' | '•' | '・' | ' ');
    if name.chars().count() < 2 || !name.chars().all(ok_char) {
        return Err(ApiError::invalid("name", "应为 2–30 个汉字或字母（可含间隔号 ·）"));
    }
    Ok(())
}

/// An 18-character resident ID number (GB 11643-1999): region, a real birth date, sequence, and
/// the ISO 7064 MOD 11-2 check character.
pub fn check_id_number(no: &str) -> Result<(), &'static str> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let b = no.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return Err("应为 18 位：17 位数字加 1 位数字或 X");
    }
    let province = (b[0] - b'0') * 10 + (b[1] - b'0');
    if !matches!(province, 11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81..=83) {
        return Err("前两位不是有效的省级行政区代码");
    }
    let num = |r: std::ops::Range<usize>| no[r].parse::<u16>().unwrap_or(0);
    let two = |r: std::ops::Range<usize>| no[r].parse::<u8>().unwrap_or(0);
    let birth = time::Month::try_from(two(10..12))
        .ok()
        .and_then(|m| time::Date::from_calendar_date(i32::from(num(6..10)), m, two(12..14)).ok());
    let today = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date();
    match birth {
        Some(d) if d.year() >= 1900 && d <= today => {}
        _ => return Err("出生日期无效"),
    }
    let sum: u32 = b[..17].iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    let expected = b"10X98765432"[(sum % 11) as usize];
    if b[17].to_ascii_uppercase() != expected {
        return Err("校验位不正确，请核对号码");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_id_number;

    #[test]
    fn the_standard_example_passes_and_any_changed_digit_fails() {
        // The example number of GB 11643-1999.
        assert_eq!(check_id_number("11010519491231002X"), Ok(()));
        assert_eq!(check_id_number("11010519491231002x"), Ok(()));
        assert!(check_id_number("110105194912310021").is_err());
        assert!(check_id_number("11010519491231003X").is_err());
    }

    #[test]
    fn form_region_and_birth_date_are_checked() {
        assert!(check_id_number("11010519491231002").is_err());
        assert!(check_id_number("1101051949123100XX").is_err());
        assert_eq!(check_id_number("99010519491231002X"), Err("前两位不是有效的省级行政区代码"));
        assert_eq!(check_id_number("110105194902300021"), Err("出生日期无效"));
        assert_eq!(check_id_number("110105299901010021"), Err("出生日期无效"));
    }
}
