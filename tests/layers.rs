//! The shape of `src/`: no import cycle between files, no arrow from the shop's core up to the
//! adapters that speak HTTP, and no rocket type below them. Read from the source text, so a new
//! `use` that breaks the shape fails here with the files named.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The areas that answer HTTP: each turns the domain's answers into its own wire format.
/// `routing` is the adapters' shared route table (rocket's `Route`), so it stands with them.
const ADAPTERS: &[&str] = &["api", "admin", "merchant", "sandbox", "callbacks", "error", "routing"];
/// Built on top of everything (demo data, the readiness check, the crate root, the binary).
const TOP: &[&str] = &["demo", "doctor", "lib", "main"];

type Module = Vec<String>;

struct Source {
    path: PathBuf,
    text: String,
}

fn modules() -> BTreeMap<Module, Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&root).unwrap().with_extension("");
            let mut parts: Module = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            let text = without_tests(&std::fs::read_to_string(&path).unwrap());
            out.insert(parts, Source { path, text });
        }
    }
    out
}

/// The file without comments and without its `#[cfg(test)]` module (tests may reach anywhere).
fn without_tests(text: &str) -> String {
    let code: String = text
        .lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    match code.find("#[cfg(test)]\nmod tests") {
        Some(i) => code[..i].to_string(),
        None => code,
    }
}

/// Every `crate::a::b` and `super::a` path named in `text`, brace groups expanded.
fn paths(text: &str, here: &[String], is_mod_file: bool) -> Vec<Module> {
    let mut out = Vec::new();
    for (prefix, base) in [("crate::", Vec::new()), ("super::", parent(here, is_mod_file))] {
        let mut rest = text;
        while let Some(i) = rest.find(prefix) {
            let before = rest[..i].chars().last();
            rest = &rest[i + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            expand(rest, base.clone(), &mut out);
        }
    }
    out
}

fn parent(here: &[String], is_mod_file: bool) -> Module {
    let mut p = here.to_vec();
    if !is_mod_file {
        p.pop();
    }
    p.pop();
    p
}

/// Reads `a::b::{c, d::e}` at the start of `text` into full paths.
fn expand(text: &str, mut base: Module, out: &mut Vec<Module>) {
    let mut chars = text.char_indices().peekable();
    let mut word = String::new();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else if c == ':' && chars.peek().is_some_and(|(_, n)| *n == ':') {
            chars.next();
            base.push(std::mem::take(&mut word));
            if chars.peek().is_some_and(|(_, n)| *n == '{') {
                let start = i + 2;
                let mut depth = 0;
                let mut end = None;
                for (j, c) in text[start..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(start + j);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let Some(end) = end else { return };
                for item in split_top(&text[start + 1..end]) {
                    let item = item.trim();
                    if item.is_empty() || item == "self" {
                        out.push(base.clone());
                    } else {
                        expand(item, base.clone(), out);
                    }
                }
                return;
            }
        } else {
            break;
        }
    }
    if !word.is_empty() {
        base.push(word);
    }
    out.push(base);
}

fn split_top(text: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0, 0, Vec::new());
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// The longest prefix of `path` that is a module file.
fn resolve(path: &[String], known: &BTreeMap<Module, Source>) -> Option<Module> {
    (1..=path.len()).rev().map(|n| path[..n].to_vec()).find(|p| known.contains_key(p))
}

fn graph() -> (BTreeMap<Module, Source>, BTreeMap<Module, BTreeSet<Module>>) {
    let known = modules();
    let mut edges = BTreeMap::new();
    for (m, src) in &known {
        let is_mod_file = src.path.ends_with("mod.rs");
        let to: BTreeSet<Module> = paths(&src.text, m, is_mod_file)
            .iter()
            .filter_map(|p| resolve(p, &known))
            .filter(|t| t != m && !m.starts_with(t))
            .collect();
        edges.insert(m.clone(), to);
    }
    (known, edges)
}

fn name(m: &Module) -> String {
    m.join("::")
}

/// Strongly connected components with more than one file (Tarjan).
fn cycles(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct State<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on: BTreeSet<&'a Module>,
        out: Vec<Vec<Module>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Module) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on.insert(v);
        for w in &s.edges[v] {
            if !s.index.contains_key(w) {
                visit(s, w);
                let l = s.low[w].min(s.low[v]);
                s.low.insert(v, l);
            } else if s.on.contains(w) {
                let l = s.index[w].min(s.low[v]);
                s.low.insert(v, l);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                comp.push(w.clone());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

fn area(m: &Module) -> &str {
    m.first().map_or("", String::as_str)
}

fn is_core(m: &Module) -> bool {
    !ADAPTERS.contains(&area(m)) && !TOP.iter().any(|t| area(m).starts_with(t))
}

/// Every import from an area to an area it must not import, as "from → to".
fn imports_against(rules: &[(&str, &[&str])]) -> Vec<String> {
    let (_, edges) = graph();
    let mut wrong = Vec::new();
    for (from, to) in &edges {
        for (area_from, banned) in rules {
            if area(from) != *area_from {
                continue;
            }
            for t in to.iter().filter(|t| banned.contains(&area(t))) {
                wrong.push(format!("{} → {}", name(from), name(t)));
            }
        }
    }
    wrong
}

#[test]
fn no_file_imports_itself_through_others() {
    let (_, edges) = graph();
    let found: Vec<String> =
        cycles(&edges).iter().map(|c| c.iter().map(name).collect::<Vec<_>>().join(" → ")).collect();
    assert!(found.is_empty(), "import cycles between files:\n{}", found.join("\n"));
}

#[test]
fn the_core_never_imports_an_adapter() {
    let (_, edges) = graph();
    let mut wrong = Vec::new();
    for (from, to) in &edges {
        for t in to {
            if is_core(from) && !is_core(t) {
                wrong.push(format!("{} → {}", name(from), name(t)));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the core (service, db, jobs, wechat, ...) imports an adapter:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn arrows_point_down_inside_the_core() {
    // (from, must not import)
    let rules: &[(&str, &[&str])] = &[
        ("db", &["service", "jobs", "wechat", "settings", "cache", "config"]),
        ("wechat", &["service", "jobs"]),
        ("settings", &["service", "wechat", "jobs"]),
        ("service", &["jobs"]),
    ];
    let wrong = imports_against(rules);
    assert!(wrong.is_empty(), "arrows pointing up:\n{}", wrong.join("\n"));
}

#[test]
fn the_mini_program_api_and_the_merchant_surfaces_never_import_each_other() {
    // Each answers its own wire format; what they share lives below them (`present`, `service`).
    let rules: &[(&str, &[&str])] =
        &[("admin", &["api"]), ("merchant", &["api"]), ("api", &["admin", "merchant"])];
    let wrong = imports_against(rules);
    assert!(wrong.is_empty(), "one surface imports another:\n{}", wrong.join("\n"));
}

#[test]
fn no_rocket_type_below_the_adapters() {
    let (known, _) = graph();
    let mut wrong = Vec::new();
    for (m, src) in &known {
        if !is_core(m) || area(m) == "logging" {
            continue;
        }
        for (n, line) in src.text.lines().enumerate() {
            if line.contains("rocket::") && !line.contains("rocket::tokio") {
                wrong.push(format!("{}:{}: {}", src.path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(wrong.is_empty(), "rocket types below the adapters:\n{}", wrong.join("\n"));
}
