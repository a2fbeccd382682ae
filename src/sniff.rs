//! What kind of file some bytes are, from their first bytes: shared by uploads, WeChat downloads
//! and the console, so it depends on nothing.

/// The file types we accept, recognised by their first bytes (never by the name the client gave).
pub fn file_type(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    let starts = |sig: &[u8]| bytes.starts_with(sig);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some(("image/gif", "gif"))
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(("image/webp", "webp"))
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WAVE" {
        Some(("audio/wav", "wav"))
    } else if starts(b"ID3") || starts(&[0xFF, 0xFB]) || starts(&[0xFF, 0xF3]) || starts(&[0xFF, 0xF2]) {
        Some(("audio/mpeg", "mp3"))
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" && &bytes[8..11] == b"M4A" {
        Some(("audio/mp4", "m4a"))
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        Some(("video/mp4", "mp4"))
    } else if starts(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes_not_the_name() {
        assert_eq!(file_type(b"\x89PNG\r\n\x1a\n....").unwrap().1, "png");
        assert_eq!(file_type(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap().1, "jpg");
        assert!(file_type(b"<script>alert(1)</script>").is_none());
        assert!(file_type(b"MZ\x90\x00").is_none());
    }
}
