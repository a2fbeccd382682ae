//! Money is stored as integer fen; these convert at the edges (answers in yuan numbers, forms and
//! JSON bodies in yuan with at most two decimals). The one money API: every adapter converts here.

/// Fen as a yuan number for JSON answers (1990 → 19.9); templates do arithmetic on it.
pub fn to_yuan(fen: i64) -> f64 {
    fen as f64 / 100.0
}

/// Fen as yuan text with two decimals for people (1990 → "19.90").
pub fn format(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.unsigned_abs() / 100, fen.unsigned_abs() % 100)
}

/// Largest amount accepted anywhere: 1 亿元, far above any shop price, far below i64 overflow.
pub const MAX_FEN: i64 = 100_000_000 * 100;

/// Yuan text as typed ("19.9", "20", "0.05") to fen; None unless it is a plain non-negative
/// number with at most two decimals and at most [`MAX_FEN`].
pub fn parse(text: &str) -> Option<i64> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 12 || frac.len() > 2 || !digits(whole) || !digits(frac) {
        return None;
    }
    if t.ends_with('.') {
        return None;
    }
    let frac_fen = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse::<i64>().ok()?,
    };
    let fen = whole.parse::<i64>().ok()?.checked_mul(100)?.checked_add(frac_fen)?;
    (fen <= MAX_FEN).then_some(fen)
}

/// A yuan number from JSON to fen; None when negative, not finite, over [`MAX_FEN`] or with more
/// than two decimals (19.9 is fine although it is 19.899… as a double).
#[allow(clippy::cast_possible_truncation)] // rounded and checked against MAX_FEN
pub fn from_yuan(yuan: f64) -> Option<i64> {
    if !yuan.is_finite() || yuan < 0.0 {
        return None;
    }
    let fen = (yuan * 100.0).round();
    if (yuan * 100.0 - fen).abs() > 1e-6 || fen > MAX_FEN as f64 {
        return None;
    }
    Some(fen as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_parses_to_fen_exactly() {
        assert_eq!(parse("19.9"), Some(1990));
        assert_eq!(parse(" 20 "), Some(2000));
        assert_eq!(parse("0.05"), Some(5));
        assert_eq!(parse("0"), Some(0));
        for bad in ["", "-1", "1.234", "1.", ".5", "1e3", "abc", "1,5", "100000001", "9999999999999"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    #[allow(clippy::float_cmp)] // to_yuan divides by 100, giving the nearest f64 as the literal does
    fn fen_reads_as_yuan() {
        assert_eq!(to_yuan(1990), 19.9);
        assert_eq!(format(1990), "19.90");
        assert_eq!(format(5), "0.05");
        assert_eq!(format(-250), "-2.50");
    }

    #[test]
    fn json_numbers_become_fen_without_float_drift() {
        assert_eq!(from_yuan(19.9), Some(1990));
        assert_eq!(from_yuan(0.07), Some(7));
        assert_eq!(from_yuan(1.005), None);
        assert_eq!(from_yuan(-1.0), None);
        assert_eq!(from_yuan(f64::NAN), None);
    }
}
