//! Single-use, expiring image captchas held in memory.
//!
//! Codes are drawn from an alphabet without look-alike characters and rendered
//! with an embedded 5x7 bitmap font, so no font files are needed at run time.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder, Rgb, RgbImage};
use rand::Rng;

/// Characters a code is made of: no 0/O/Q, 1/I/L, so users cannot confuse them.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPRSTUVWXYZ";
/// Number of characters in a code.
const CODE_LEN: usize = 4;
/// Longest key accepted, in characters, so callers cannot store huge keys.
pub const MAX_KEY_CHARS: usize = 64;
/// What one stored code costs at most: a key of [`MAX_KEY_CHARS`] four-byte characters, the code,
/// and the map's own share.
pub const ENTRY_BYTES: usize = MAX_KEY_CHARS * 4 + CODE_LEN + 96;

/// Width of the rendered image in pixels.
pub const WIDTH: u32 = 120;
/// Height of the rendered image in pixels.
pub const HEIGHT: u32 = 44;

/// Font cell width in font pixels.
const GLYPH_W: usize = 5;
/// Font cell height in font pixels.
const GLYPH_H: usize = 7;
/// Image pixels per font pixel.
const SCALE: f32 = 4.0;
/// Horizontal distance between glyph centres.
const STEP: f32 = 26.0;

/// 5x7 glyphs, one byte per row, bit 4 is the leftmost pixel.
const FONT: [(u8, [u8; GLYPH_H]); 30] = [
    (b'2', [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111]),
    (b'3', [0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110]),
    (b'4', [0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010]),
    (b'5', [0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110]),
    (b'6', [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110]),
    (b'7', [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000]),
    (b'8', [0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110]),
    (b'9', [0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100]),
    (b'A', [0b01110, 0b10001, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001]),
    (b'B', [0b11110, 0b10001, 0b10001, 0b11110, 0b10001, 0b10001, 0b11110]),
    (b'C', [0b01110, 0b10001, 0b10000, 0b10000, 0b10000, 0b10001, 0b01110]),
    (b'D', [0b11100, 0b10010, 0b10001, 0b10001, 0b10001, 0b10010, 0b11100]),
    (b'E', [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b11111]),
    (b'F', [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b10000]),
    (b'G', [0b01110, 0b10001, 0b10000, 0b10111, 0b10001, 0b10001, 0b01111]),
    (b'H', [0b10001, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001]),
    (b'J', [0b00111, 0b00010, 0b00010, 0b00010, 0b00010, 0b10010, 0b01100]),
    (b'K', [0b10001, 0b10010, 0b10100, 0b11000, 0b10100, 0b10010, 0b10001]),
    (b'M', [0b10001, 0b11011, 0b10101, 0b10101, 0b10001, 0b10001, 0b10001]),
    (b'N', [0b10001, 0b10001, 0b11001, 0b10101, 0b10011, 0b10001, 0b10001]),
    (b'P', [0b11110, 0b10001, 0b10001, 0b11110, 0b10000, 0b10000, 0b10000]),
    (b'R', [0b11110, 0b10001, 0b10001, 0b11110, 0b10100, 0b10010, 0b10001]),
    (b'S', [0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110]),
    (b'T', [0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100]),
    (b'U', [0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110]),
    (b'V', [0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01010, 0b00100]),
    (b'W', [0b10001, 0b10001, 0b10001, 0b10101, 0b10101, 0b10101, 0b01010]),
    (b'X', [0b10001, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001, 0b10001]),
    (b'Y', [0b10001, 0b10001, 0b10001, 0b01010, 0b00100, 0b00100, 0b00100]),
    (b'Z', [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b11111]),
];

/// Why a captcha could not be issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptchaError {
    /// The key is longer than [`MAX_KEY_CHARS`] characters.
    KeyTooLong,
    /// The PNG encoder failed (message from the encoder).
    Encode(String),
}

impl fmt::Display for CaptchaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptchaError::KeyTooLong => {
                write!(f, "captcha key longer than {MAX_KEY_CHARS} characters")
            }
            CaptchaError::Encode(msg) => write!(f, "captcha PNG encoding failed: {msg}"),
        }
    }
}

impl std::error::Error for CaptchaError {}

/// Result of checking a submitted code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckOutcome {
    /// The code matched; the captcha is now used up.
    Ok,
    /// The code did not match; the captcha is now used up.
    Wrong,
    /// No live captcha for the key: unknown, already used, or expired.
    Missing,
}

/// One issued code.
struct Entry {
    code: String,
    issued: Instant,
    // Insertion counter: orders entries even when two `Instant`s are equal.
    seq: u64,
}

/// State behind the mutex.
struct Inner {
    map: HashMap<String, Entry>,
    next_seq: u64,
}

/// A single-use, expiring image captcha store (in memory, bounded).
pub struct Captchas {
    ttl: Duration,
    max_entries: usize,
    inner: Mutex<Inner>,
}

impl Captchas {
    /// Creates a store whose codes live for `ttl` and which holds at most
    /// `max_entries` codes (a value of 0 is treated as 1).
    pub fn new(ttl: Duration, max_entries: usize) -> Self {
        Captchas {
            ttl,
            max_entries: max_entries.max(1),
            inner: Mutex::new(Inner { map: HashMap::new(), next_seq: 0 }),
        }
    }

    /// Makes a new code for `key` (replacing any previous code for that key) and returns the PNG bytes.
    pub fn issue(&self, key: &str) -> Result<Vec<u8>, CaptchaError> {
        self.issue_at(key, Instant::now())
    }

    /// Same as [`Captchas::issue`], using an explicit clock (for tests).
    #[doc(hidden)]
    pub fn issue_at(&self, key: &str, now: Instant) -> Result<Vec<u8>, CaptchaError> {
        if key_too_long(key) {
            return Err(CaptchaError::KeyTooLong);
        }
        let mut rng = rand::thread_rng();
        let code = random_code(&mut rng);
        // Render before locking so the mutex is never held during PNG encoding.
        let png = encode_png(&render(&code, &mut rng))?;
        self.insert(key, code, now);
        Ok(png)
    }

    /// Checks `code` for `key` case-insensitively; the key is consumed whatever the outcome (one use per key).
    pub fn check(&self, key: &str, code: &str) -> CheckOutcome {
        self.check_at(key, code, Instant::now())
    }

    /// Same as check, using an explicit clock (for tests).
    pub fn check_at(&self, key: &str, code: &str, now: Instant) -> CheckOutcome {
        if key_too_long(key) {
            return CheckOutcome::Missing;
        }
        let Some(entry) = self.lock().map.remove(key) else { return CheckOutcome::Missing };
        if self.is_expired(&entry, now) {
            CheckOutcome::Missing
        } else if code.trim().eq_ignore_ascii_case(&entry.code) {
            CheckOutcome::Ok
        } else {
            CheckOutcome::Wrong
        }
    }

    /// For tests only: the code currently stored for key (even if expired).
    #[doc(hidden)]
    pub fn peek(&self, key: &str) -> Option<String> {
        self.lock().map.get(key).map(|e| e.code.clone())
    }

    /// A store whose codes live for `ttl`, holding at most `budget` bytes by [`ENTRY_BYTES`] each.
    pub fn with_budget(ttl: Duration, budget: usize) -> Self {
        Self::new(ttl, budget / ENTRY_BYTES)
    }

    /// Bytes held now (by the per-entry estimate).
    pub fn bytes(&self) -> usize {
        self.len() * ENTRY_BYTES
    }

    /// The most bytes it may hold.
    pub fn budget(&self) -> usize {
        self.max_entries * ENTRY_BYTES
    }

    /// Number of stored codes, including expired ones not yet purged.
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether no codes are stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stores `code` for `key`, making room first if the store is full.
    fn insert(&self, key: &str, code: String, now: Instant) {
        let mut inner = self.lock();
        inner.map.remove(key);
        if inner.map.len() >= self.max_entries {
            inner.map.retain(|_, e| !self.is_expired(e, now));
        }
        while inner.map.len() >= self.max_entries {
            let oldest = inner.map.iter().min_by_key(|(_, e)| e.seq).map(|(k, _)| k.clone());
            match oldest {
                Some(k) => inner.map.remove(&k),
                None => break,
            };
        }
        let seq = inner.next_seq;
        inner.next_seq += 1;
        inner.map.insert(key.to_owned(), Entry { code, issued: now, seq });
    }

    fn is_expired(&self, entry: &Entry, now: Instant) -> bool {
        now.saturating_duration_since(entry.issued) >= self.ttl
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere cannot leave the map half-updated, so poisoning is safe to ignore.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn key_too_long(key: &str) -> bool {
    key.chars().count() > MAX_KEY_CHARS
}

fn random_code(rng: &mut impl Rng) -> String {
    (0..CODE_LEN).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

fn glyph(c: u8) -> Option<&'static [u8; GLYPH_H]> {
    FONT.iter().find(|(ch, _)| *ch == c).map(|(_, rows)| rows)
}

fn dark_colour(rng: &mut impl Rng) -> Rgb<u8> {
    Rgb([rng.gen_range(10..110), rng.gen_range(10..110), rng.gen_range(10..110)])
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // pixels are checked against the image first
fn render(code: &str, rng: &mut impl Rng) -> RgbImage {
    let bg = Rgb([rng.gen_range(236..=250), rng.gen_range(236..=250), rng.gen_range(236..=250)]);
    let mut img = RgbImage::from_pixel(WIDTH, HEIGHT, bg);

    // Thin lines behind the text make it harder to segment without hiding glyphs.
    for _ in 0..2 {
        let c = Rgb([rng.gen_range(90..170), rng.gen_range(90..170), rng.gen_range(90..170)]);
        let (y0, y1) = (rng.gen_range(4..40), rng.gen_range(4..40));
        draw_line(&mut img, (0, y0), (WIDTH as i32 - 1, y1), c);
    }

    let half_w = GLYPH_W as f32 * SCALE / 2.0;
    let half_h = GLYPH_H as f32 * SCALE / 2.0;
    let start = (WIDTH as f32 - STEP * (CODE_LEN as f32 - 1.0)) / 2.0;
    for (i, ch) in code.bytes().enumerate() {
        let Some(rows) = glyph(ch) else { continue };
        let cx = start + i as f32 * STEP + rng.gen_range(-2.0..2.0);
        let cy = HEIGHT as f32 / 2.0 + rng.gen_range(-4.0..4.0);
        let angle: f32 = rng.gen_range(-0.3..0.3);
        let (sin, cos) = angle.sin_cos();
        let colour = dark_colour(rng);
        // Inverse-map every pixel near the glyph back into the (rotated) font cell.
        let reach = (half_w * half_w + half_h * half_h).sqrt().ceil() as i32;
        for y in (cy as i32 - reach)..=(cy as i32 + reach) {
            for x in (cx as i32 - reach)..=(cx as i32 + reach) {
                if x < 0 || y < 0 || x >= WIDTH as i32 || y >= HEIGHT as i32 {
                    continue;
                }
                let dx = x as f32 + 0.5 - cx;
                let dy = y as f32 + 0.5 - cy;
                let u = dx * cos + dy * sin + half_w;
                let v = -dx * sin + dy * cos + half_h;
                if u < 0.0 || v < 0.0 {
                    continue;
                }
                let (col, row) = ((u / SCALE) as usize, (v / SCALE) as usize);
                if col < GLYPH_W && row < GLYPH_H && rows[row] & (1 << (GLYPH_W - 1 - col)) != 0 {
                    img.put_pixel(x as u32, y as u32, colour);
                }
            }
        }
    }

    // One line over the text and scattered dots add noise on top of the glyphs.
    let c = dark_colour(rng);
    let (y0, y1) = (rng.gen_range(8..36), rng.gen_range(8..36));
    draw_line(&mut img, (0, y0), (WIDTH as i32 - 1, y1), c);
    for _ in 0..60 {
        let (x, y) = (rng.gen_range(0..WIDTH), rng.gen_range(0..HEIGHT));
        let c = dark_colour(rng);
        img.put_pixel(x, y, c);
    }
    img
}

/// Bresenham line, clipped to the image.
#[allow(clippy::cast_sign_loss)] // only non-negative points are drawn
fn draw_line(img: &mut RgbImage, (mut x0, mut y0): (i32, i32), (x1, y1): (i32, i32), c: Rgb<u8>) {
    let dx = (x1 - x0).abs();
    let dy = -(y1 - y0).abs();
    let sx = if x0 < x1 { 1 } else { -1 };
    let sy = if y0 < y1 { 1 } else { -1 };
    let mut err = dx + dy;
    loop {
        if x0 >= 0 && y0 >= 0 && (x0 as u32) < img.width() && (y0 as u32) < img.height() {
            img.put_pixel(x0 as u32, y0 as u32, c);
        }
        if x0 == x1 && y0 == y1 {
            break;
        }
        let e2 = 2 * err;
        if e2 >= dy {
            err += dy;
            x0 += sx;
        }
        if e2 <= dx {
            err += dx;
            y0 += sy;
        }
    }
}

fn encode_png(img: &RgbImage) -> Result<Vec<u8>, CaptchaError> {
    let mut out = Vec::with_capacity(4096);
    PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::Adaptive)
        .write_image(img.as_raw(), img.width(), img.height(), ExtendedColorType::Rgb8)
        .map_err(|e| CaptchaError::Encode(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

    fn store() -> Captchas {
        Captchas::new(Duration::from_mins(5), 100)
    }

    #[test]
    fn issue_returns_decodable_png_of_expected_size() {
        let c = store();
        let png = c.issue("k").unwrap();
        assert_eq!(&png[..8], &PNG_SIGNATURE);
        assert!(png.len() < 8 * 1024, "png is {} bytes", png.len());
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!((img.width(), img.height()), (WIDTH, HEIGHT));
    }

    #[test]
    fn image_has_dark_text_on_light_background() {
        let img = image::load_from_memory(&store().issue("k").unwrap()).unwrap().to_luma8();
        let dark = img.pixels().filter(|p| p.0[0] < 128).count();
        let total = (WIDTH * HEIGHT) as usize;
        // Four 4x-scaled glyphs cover at least ~600 pixels; the background stays dominant.
        assert!(dark > 500, "only {dark} dark pixels");
        assert!(dark < total / 2, "{dark} dark pixels of {total}");
    }

    #[test]
    fn code_uses_alphabet_and_length() {
        let c = store();
        for i in 0..50 {
            let key = format!("k{i}");
            c.issue(&key).unwrap();
            let code = c.peek(&key).unwrap();
            assert_eq!(code.len(), CODE_LEN);
            assert!(code.bytes().all(|b| ALPHABET.contains(&b)), "{code}");
        }
    }

    #[test]
    fn font_covers_alphabet_with_distinct_glyphs() {
        for &ch in ALPHABET {
            assert!(glyph(ch).is_some(), "no glyph for {}", ch as char);
        }
        for (i, (a, ga)) in FONT.iter().enumerate() {
            assert!(ga.iter().all(|r| *r < 1 << GLYPH_W), "{}", *a as char);
            for (b, gb) in &FONT[i + 1..] {
                assert_ne!(ga, gb, "{} and {} look the same", *a as char, *b as char);
            }
        }
        for bad in b"01ILOQ" {
            assert!(!ALPHABET.contains(bad));
        }
    }

    #[test]
    fn right_code_is_ok_once() {
        let c = store();
        c.issue("k").unwrap();
        let code = c.peek("k").unwrap();
        assert_eq!(c.check("k", &code), CheckOutcome::Ok);
        assert_eq!(c.check("k", &code), CheckOutcome::Missing);
        assert!(c.peek("k").is_none());
    }

    #[test]
    fn wrong_code_consumes_key() {
        let c = store();
        c.issue("k").unwrap();
        let code = c.peek("k").unwrap();
        // '0' is not in the alphabet, so this can never match.
        assert_eq!(c.check("k", "0000"), CheckOutcome::Wrong);
        assert!(c.peek("k").is_none());
        assert_eq!(c.check("k", &code), CheckOutcome::Missing);
    }

    #[test]
    fn check_is_case_insensitive_and_trims() {
        let c = store();
        c.issue("k").unwrap();
        let code = c.peek("k").unwrap().to_ascii_lowercase();
        assert_eq!(c.check("k", &format!(" {code} ")), CheckOutcome::Ok);
    }

    #[test]
    fn unknown_key_is_missing() {
        assert_eq!(store().check("nope", "ABCD"), CheckOutcome::Missing);
    }

    #[test]
    fn reissue_replaces_previous_code() {
        let c = store();
        c.issue("k").unwrap();
        c.issue("k").unwrap();
        assert_eq!(c.len(), 1);
        let code = c.peek("k").unwrap();
        assert_eq!(c.check("k", &code), CheckOutcome::Ok);
    }

    #[test]
    fn expired_code_is_missing_and_removed() {
        let c = Captchas::new(Duration::from_mins(1), 10);
        let t0 = Instant::now();
        c.issue_at("fresh", t0).unwrap();
        c.issue_at("stale", t0).unwrap();
        let fresh = c.peek("fresh").unwrap();
        let stale = c.peek("stale").unwrap();
        let just_before = t0 + Duration::from_secs(59);
        assert_eq!(c.check_at("fresh", &fresh, just_before), CheckOutcome::Ok);
        let at_expiry = t0 + Duration::from_mins(1);
        assert_eq!(c.check_at("stale", &stale, at_expiry), CheckOutcome::Missing);
        assert!(c.peek("stale").is_none());
    }

    #[test]
    fn eviction_keeps_size_bounded_and_drops_oldest() {
        let max = 5;
        let c = Captchas::new(Duration::from_mins(5), max);
        for i in 0..(max * 3) {
            c.issue(&format!("k{i}")).unwrap();
            assert!(c.len() <= max);
        }
        assert_eq!(c.len(), max);
        // The most recent `max` keys survive, everything older was evicted.
        for i in 0..(max * 2) {
            assert!(c.peek(&format!("k{i}")).is_none(), "k{i} kept");
        }
        for i in (max * 2)..(max * 3) {
            assert!(c.peek(&format!("k{i}")).is_some(), "k{i} evicted");
        }
    }

    #[test]
    fn full_store_purges_expired_before_evicting_live() {
        let c = Captchas::new(Duration::from_mins(1), 3);
        let t0 = Instant::now();
        c.issue_at("old1", t0).unwrap();
        c.issue_at("old2", t0).unwrap();
        c.issue_at("live", t0 + Duration::from_secs(50)).unwrap();
        c.issue_at("new", t0 + Duration::from_secs(70)).unwrap();
        assert_eq!(c.len(), 2);
        assert!(c.peek("old1").is_none());
        assert!(c.peek("old2").is_none());
        assert!(c.peek("live").is_some());
        assert!(c.peek("new").is_some());
    }

    #[test]
    fn zero_capacity_still_holds_one() {
        let c = Captchas::new(Duration::from_mins(1), 0);
        c.issue("a").unwrap();
        c.issue("b").unwrap();
        assert_eq!(c.len(), 1);
        assert!(c.peek("b").is_some());
    }

    #[test]
    fn long_key_is_rejected() {
        let c = store();
        let ok = "k".repeat(MAX_KEY_CHARS);
        assert!(c.issue(&ok).is_ok());
        // Characters, not bytes, are counted.
        assert!(c.issue(&"验".repeat(MAX_KEY_CHARS)).is_ok());
        let long = "k".repeat(MAX_KEY_CHARS + 1);
        assert_eq!(c.issue(&long), Err(CaptchaError::KeyTooLong));
        assert!(c.peek(&long).is_none());
        assert_eq!(c.check(&long, "ABCD"), CheckOutcome::Missing);
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn store_is_send_and_sync_and_works_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Captchas>();
        let c = std::sync::Arc::new(store());
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let c = c.clone();
                std::thread::spawn(move || {
                    for i in 0..10 {
                        let key = format!("t{t}-{i}");
                        c.issue(&key).unwrap();
                        let code = c.peek(&key).unwrap();
                        assert_eq!(c.check(&key, &code), CheckOutcome::Ok);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert!(c.is_empty());
    }

    #[test]
    #[ignore = "writes /tmp/captcha-sample.png for manual inspection"]
    fn write_sample() {
        let c = store();
        let png = c.issue("sample").unwrap();
        std::fs::write("/tmp/captcha-sample.png", &png).unwrap();
        eprintln!("code {} ({} bytes)", c.peek("sample").unwrap(), png.len());
    }
}
