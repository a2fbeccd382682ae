//! The console's CSS and JS, embedded in the binary and cached by browsers for a year (their URLs
//! carry a content hash, so a new build is fetched at once).

use std::sync::OnceLock;

use rocket::http::{ContentType, Header};
use rocket::{get, routes, Route};

#[derive(rust_embed::RustEmbed)]
#[folder = "static/admin/"]
struct Assets;

pub fn routes() -> Vec<Route> {
    routes![asset]
}

/// A short hash of every embedded file: appended to asset URLs to bust caches.
pub fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let mut all = Vec::new();
        for name in Assets::iter() {
            if let Some(f) = Assets::get(&name) {
                all.extend_from_slice(&f.metadata.sha256_hash());
            }
        }
        crate::secret::hash_token(&hex::encode(all))[..10].to_string()
    })
}

#[derive(rocket::Responder)]
struct Asset {
    body: Vec<u8>,
    kind: ContentType,
    cache: Header<'static>,
}

/// GET /admin/static/<file> — anyone (the login page needs it too).
#[get("/static/<file>")]
fn asset(file: &str) -> Option<Asset> {
    let f = Assets::get(file)?;
    let kind = file
        .rsplit_once('.')
        .and_then(|(_, ext)| ContentType::from_extension(ext))
        .unwrap_or(ContentType::Binary);
    Some(Asset {
        body: f.data.into_owned(),
        kind,
        cache: Header::new("Cache-Control", "public, max-age=31536000, immutable"),
    })
}
