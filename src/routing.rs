//! The route table's shape: each area's routes paired with the file that defines them. `build`
//! mounts [`crate::areas`] and `xiaodian routes` prints the same table, so docs/routes.md and the
//! merchant API's index are generated from what is served, and a test fails when either drifts.

use std::fmt::Write as _;
use std::path::Path;

use rocket::http::Method;
use rocket::Route;

/// Where the shop's routes are mounted; requests reach it only through the rewrite (`api::ShopPrefix`).
pub const SHOP_BASE: &str = "/_shop";
/// Where the merchant API's routes live; used for `Location` headers.
pub const MERCHANT_BASE: &str = "/admin/api/v1";

/// The routes one source file defines, already placed under their public base.
pub struct FileRoutes {
    pub file: &'static str,
    pub routes: Vec<Route>,
}

impl FileRoutes {
    /// `routes` of `file`, mounted under `base` (as `Rocket::mount` would place them).
    ///
    /// # Panics
    /// When `base` is not a valid static path, a programming error caught by every test.
    pub fn at(base: &str, file: &'static str, routes: Vec<Route>) -> Self {
        let routes = routes
            .into_iter()
            .map(|r| r.map_base(|old| format!("{base}{old}")).expect("a mount base is a static path"))
            .collect();
        FileRoutes { file, routes }
    }
}

/// `by_file!(base, "src/area"; module, other::function, folder/file)`: each module's `routes()` (or
/// the named function) under `base`, paired with its file `src/area/module.rs`; `folder/file` is
/// the submodule `folder::file` of a module split into a folder, in `src/area/folder/file.rs`.
macro_rules! by_file {
    (@call [$($path:ident)::+]) => {
        $($path::)+routes()
    };
    (@call [$($path:ident)::+] $function:ident) => {
        $($path::)+$function()
    };
    ($base:expr, $dir:literal; $($module:ident $(/ $file:ident)? $(:: $function:ident)?),* $(,)?) => {
        vec![$($crate::routing::FileRoutes::at(
            $base,
            concat!($dir, "/", stringify!($module), $("/", stringify!($file),)? ".rs"),
            $crate::routing::by_file!(@call [$module $(:: $file)?] $($function)?),
        )),*]
    };
}
pub(crate) use by_file;

/// One surface of the shop: who calls it, and its routes by file.
pub struct Area {
    pub name: &'static str,
    pub about: &'static str,
    /// Mounted only while the shop runs without a real appid.
    pub sandbox_only: bool,
    pub files: Vec<FileRoutes>,
}

impl Area {
    /// Every route of the area, ready to mount at `/`.
    pub fn into_routes(self) -> Vec<Route> {
        self.files.into_iter().flat_map(|f| f.routes).collect()
    }

    /// The area's routes as listed: sorted by path, then method.
    pub fn rows(&self) -> Vec<Row> {
        let mut rows: Vec<Row> =
            self.files.iter().flat_map(|f| f.routes.iter().map(move |r| Row::of(r, f.file))).collect();
        rows.sort_by(|a, b| {
            (a.path.as_str(), method_order(a.method), a.handler.as_str()).cmp(&(
                b.path.as_str(),
                method_order(b.method),
                b.handler.as_str(),
            ))
        });
        rows
    }
}

/// One line of the listing.
pub struct Row {
    pub method: Method,
    /// The path a caller sends, with `{subDomain}` and `{id}`-style segments.
    pub path: String,
    pub handler: String,
    pub file: &'static str,
}

impl Row {
    fn of(route: &Route, file: &'static str) -> Row {
        let name = route.name.as_deref().unwrap_or("?");
        // A FileServer's name carries its directory, which differs between machines.
        let handler = name.split(':').next().unwrap_or(name).to_string();
        Row { method: route.method, path: public_path(route.uri.path()), handler, file }
    }
}

fn method_order(m: Method) -> u8 {
    match m {
        Method::Get => 0,
        Method::Head => 1,
        Method::Post => 2,
        Method::Put => 3,
        Method::Patch => 4,
        Method::Delete => 5,
        _ => 6,
    }
}

/// `/_shop/goods/<id>` as the client sees it: `/{subDomain}/goods/{id}`.
fn public_path(mounted: &str) -> String {
    let shop = SHOP_BASE;
    let path = match mounted.strip_prefix(shop) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("/{{subDomain}}{rest}"),
        _ => mounted.to_string(),
    };
    path.split('/')
        .map(|seg| match seg.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
            Some(name) => format!("{{{name}}}"),
            None => seg.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

const REGENERATE: &str = "cargo run -- routes --write";
/// The generated listing, relative to the repository root.
pub const ROUTES_MD: &str = "docs/routes.md";
/// The merchant API's doc, whose index is generated.
pub const MERCHANT_MD: &str = "docs/merchant-api.md";

/// docs/routes.md: every route of every area.
pub fn listing(areas: &[Area]) -> String {
    let total: usize = areas.iter().map(|a| a.files.iter().map(|f| f.routes.len()).sum::<usize>()).sum();
    let mut out = String::new();
    let _ = writeln!(out, "# Routes\n");
    let _ = writeln!(
        out,
        "Every route the shop serves, {total} in {} areas, from the mount table in `src/lib.rs`.\n\
         Generated by `xiaodian routes`; a test fails when this file differs from it.\n\
         Regenerate with `{REGENERATE}` from the repository root.\n",
        areas.len()
    );
    for area in areas {
        let rows = area.rows();
        let _ = writeln!(out, "## {} ({} routes)\n", area.name, rows.len());
        let _ = writeln!(out, "{}\n", area.about);
        if area.sandbox_only {
            let _ = writeln!(out, "**Sandbox only**: mounted only while no appid is set.\n");
        }
        let _ = writeln!(out, "| Method | Path | Handler | File |");
        let _ = writeln!(out, "|--------|------|---------|------|");
        for r in rows {
            let _ = writeln!(out, "| {} | `{}` | `{}` | {} |", r.method, r.path, r.handler, r.file);
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// Where the generated merchant index begins in docs/merchant-api.md.
pub const MERCHANT_INDEX_BEGIN: &str =
    "<!-- merchant index: generated by `xiaodian routes --write`, do not edit by hand -->";
/// Where it ends.
pub const MERCHANT_INDEX_END: &str = "<!-- end of merchant index -->";

/// The merchant API's index: every merchant route, paths relative to `/admin/api/v1`.
pub fn merchant_index(merchant: &Area) -> String {
    let base = MERCHANT_BASE;
    let rows = merchant.rows();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} routes, all under `{base}` and needing `Authorization: Bearer <key>`.\n",
        rows.len()
    );
    let _ = writeln!(out, "| Method | Path | Handler | File |");
    let _ = writeln!(out, "|--------|------|---------|------|");
    for r in rows {
        let path = r.path.strip_prefix(base).unwrap_or(&r.path);
        let _ = writeln!(out, "| {} | `{}` | `{}` | {} |", r.method, path, r.handler, r.file);
    }
    out
}

/// `doc` with the block between the merchant index markers replaced by `index`; `None` when the
/// markers are missing or out of order.
pub fn with_merchant_index(doc: &str, index: &str) -> Option<String> {
    let begin = doc.find(MERCHANT_INDEX_BEGIN)? + MERCHANT_INDEX_BEGIN.len();
    let end = begin + doc[begin..].find(MERCHANT_INDEX_END)?;
    Some(format!("{}\n{index}{}", &doc[..begin], &doc[end..]))
}

/// Rewrites docs/routes.md and the merchant index in docs/merchant-api.md under `root`.
///
/// # Errors
/// When a file cannot be read or written, or the merchant doc lost its index markers.
pub fn write_docs(root: &Path, areas: &[Area]) -> Result<(), String> {
    let write =
        |file: &str, text: &str| std::fs::write(root.join(file), text).map_err(|e| format!("{file}: {e}"));
    write(ROUTES_MD, &listing(areas))?;
    let merchant = areas.iter().find(|a| a.name == "merchant").ok_or("no merchant area")?;
    let doc = std::fs::read_to_string(root.join(MERCHANT_MD)).map_err(|e| format!("{MERCHANT_MD}: {e}"))?;
    let doc = with_merchant_index(&doc, &merchant_index(merchant))
        .ok_or_else(|| format!("{MERCHANT_MD}: the merchant index markers are missing"))?;
    write(MERCHANT_MD, &doc)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{
        listing, merchant_index, public_path, with_merchant_index, MERCHANT_MD, REGENERATE, ROUTES_MD,
    };

    fn committed(file: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn paths_read_as_the_client_sends_them() {
        assert_eq!(public_path("/_shop/goods/<id>"), "/{subDomain}/goods/{id}");
        assert_eq!(public_path("/_shop"), "/{subDomain}");
        assert_eq!(public_path("/_shopping"), "/_shopping");
        assert_eq!(public_path("/uploads/<path..>"), "/uploads/{path..}");
    }

    #[test]
    fn docs_routes_md_is_what_xiaodian_routes_prints() {
        let fresh = listing(&crate::listed_areas());
        assert!(
            committed(ROUTES_MD) == fresh,
            "docs/routes.md differs from the served routes: regenerate it with `{REGENERATE}`"
        );
    }

    #[test]
    fn the_merchant_index_lists_every_merchant_route() {
        let doc = committed(MERCHANT_MD);
        let merchant =
            crate::listed_areas().into_iter().find(|a| a.name == "merchant").expect("a merchant area");
        let fresh = with_merchant_index(&doc, &merchant_index(&merchant))
            .expect("docs/merchant-api.md holds the merchant index markers");
        assert!(
            doc == fresh,
            "the index in docs/merchant-api.md differs from the merchant routes: regenerate it with `{REGENERATE}`"
        );
    }

    #[test]
    fn every_listed_file_defines_its_handlers() {
        for area in crate::listed_areas() {
            for row in area.rows() {
                if row.handler == "FileServer" {
                    continue;
                }
                let source = committed(row.file);
                assert!(
                    source.contains(&format!("fn {}(", row.handler))
                        || source.contains(&format!("fn {}<", row.handler)),
                    "{} {} is listed in {} but its handler `{}` is not defined there",
                    row.method,
                    row.path,
                    row.file,
                    row.handler
                );
            }
        }
    }
}
