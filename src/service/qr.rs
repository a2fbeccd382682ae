//! QR codes drawn here as PNG: `commonQrcode`'s images, and the sandbox's stand-ins for WeChat's
//! mini-program codes (a QR of what the code would open, so a test can read it back).

use std::io::Cursor;

use image::{ImageFormat, Rgba, RgbaImage};
use qrcode::{Color, EcLevel, QrCode};

use crate::service::error::{Error, Result};

/// Modules of blank border a reader needs around the code (the QR standard's quiet zone).
const QUIET: u32 = 4;
/// Fewer pixels a module than this and phone cameras stop reading the code reliably.
const MIN_MODULE_PX: u32 = 2;

/// How a code looks: its side in pixels, the colour of its dark modules, and whether the light
/// ones are transparent (WeChat's `is_hyaline`).
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub width: u32,
    pub color: [u8; 3],
    pub transparent: bool,
}

impl Look {
    pub fn plain(width: u32) -> Look {
        Look { width, color: [0, 0, 0], transparent: false }
    }
}

/// Draws `text` as a QR code exactly `look.width` pixels square and encodes it as PNG.
/// `param` names the request parameter blamed when the text does not fit.
#[allow(clippy::cast_possible_truncation)] // a QR code is at most 177 modules wide
pub fn png(text: &str, look: Look, param: &'static str) -> Result<Vec<u8>> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|_| Error::invalid(param, "内容太长，二维码放不下"))?;
    let modules = code.width() as u32;
    let side = modules + 2 * QUIET;
    let px = look.width / side;
    if px < MIN_MODULE_PX {
        return Err(Error::invalid(
            "width",
            format!("{} 像素放不下这么长的内容，至少需要 {} 像素", look.width, side * MIN_MODULE_PX),
        ));
    }
    // What is left over after whole modules is split evenly around the code.
    let offset = (look.width - px * modules) / 2;
    let light = if look.transparent { Rgba([255, 255, 255, 0]) } else { Rgba([255, 255, 255, 255]) };
    let [r, g, b] = look.color;
    let dark = Rgba([r, g, b, 255]);
    let mut img = RgbaImage::from_pixel(look.width, look.width, light);
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color != Color::Dark {
            continue;
        }
        let (mx, my) = (i as u32 % modules, i as u32 / modules);
        for y in 0..px {
            for x in 0..px {
                img.put_pixel(offset + mx * px + x, offset + my * px + y, dark);
            }
        }
    }
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).map_err(|e| Error::Internal(format!("png: {e}")))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_image_is_exactly_as_wide_as_asked_and_refuses_text_too_long_for_it() {
        let bytes = png("https://example.com/a?b=c", Look::plain(300), "content").unwrap();
        let img = image::load_from_memory(&bytes).unwrap();
        assert_eq!((img.width(), img.height()), (300, 300));
        let long = "x".repeat(1500);
        let e = png(&long, Look::plain(120), "content").unwrap_err();
        assert!(matches!(&e, Error::Invalid { field, .. } if field.name() == "width"), "{e}");
    }

    #[test]
    fn transparent_codes_have_see_through_light_modules() {
        let look = Look { width: 280, color: [200, 0, 0], transparent: true };
        let img = image::load_from_memory(&png("scene", look, "scene").unwrap()).unwrap().to_rgba8();
        assert_eq!(img.get_pixel(0, 0).0[3], 0);
        assert!(img.pixels().any(|p| p.0 == [200, 0, 0, 255]));
    }
}
