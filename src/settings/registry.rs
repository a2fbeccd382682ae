//! The one table of the shop's editable settings: each key with its type, default, label, check,
//! whether it is secret and who may edit it. Validation (`service::site`), the console's field
//! labels, the merchant API's `GET/PATCH /settings` and `docs/settings.md` all read it.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::rules::max_chars;
pub use super::table::REGISTRY;

/// One editable setting.
#[derive(Debug)]
pub struct Setting {
    /// The stored key, which is also the merchant API's JSON field and the service's field name.
    pub key: &'static str,
    /// The field's name in the console (Chinese), used in its messages.
    pub label: &'static str,
    /// What a value must look like; every check accepts the value already trimmed.
    pub check: Check,
    /// The value in force when none is stored ("" when there is none).
    pub default: &'static str,
    /// Write-only: never shown back by the console nor answered by the merchant API.
    pub secret: bool,
    /// Where it may be changed.
    pub editors: Editors,
    /// The environment variable that, when set, fixes the value (it then cannot be changed here).
    pub env: Option<&'static str>,
    /// What the setting does, in a line (English, for the docs).
    pub about: &'static str,
}

/// Where a setting may be changed.
#[derive(Debug, Clone, Copy)]
pub struct Editors {
    /// The console page that edits it, if one does.
    pub console: Option<&'static str>,
    /// The merchant API's `PATCH /settings`.
    pub merchant_api: bool,
}

/// The value's type on the wire (the merchant API's JSON); stored values are always text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    /// Stored as "1" (true) or "0" (false).
    Bool,
}

/// What a value must look like.
#[derive(Debug)]
pub enum Check {
    /// Text of at most `max` characters; `required`: not blank.
    Text { max: usize, required: bool },
    /// A whole number within `min..=max`; `blank`: empty is allowed (the default applies).
    Int { min: i64, max: i64, blank: bool },
    /// "1" or "0" (or empty); `said` is the refusal.
    Flag { said: &'static str },
    /// One of `values` (or empty); `said` is the refusal.
    OneOf { values: &'static [&'static str], said: &'static str },
    /// A rule of its own; `said` describes it (the docs show it).
    Rule { check: fn(&str) -> Result<(), Refusal>, said: &'static str },
}

/// Why a value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Blank, but the setting needs a value.
    Required,
    /// The rule, in the shop's words ("应为 1 到 365 之间的整数").
    Said(Cow<'static, str>),
}

impl Check {
    /// Checks a (trimmed) value.
    pub fn run(&self, value: &str) -> Result<(), Refusal> {
        match *self {
            Check::Text { max, required } => {
                if required && value.trim().is_empty() {
                    return Err(Refusal::Required);
                }
                max_chars(value, max)
            }
            Check::Int { min, max, blank } => match value.parse::<i64>() {
                _ if blank && value.is_empty() => Ok(()),
                Ok(n) if (min..=max).contains(&n) => Ok(()),
                _ => Err(Refusal::Said(format!("应为 {min} 到 {max} 之间的整数").into())),
            },
            Check::Flag { said } => match value {
                "" | "0" | "1" => Ok(()),
                _ => Err(Refusal::Said(said.into())),
            },
            Check::OneOf { values, said } => {
                if value.is_empty() || values.contains(&value) {
                    Ok(())
                } else {
                    Err(Refusal::Said(said.into()))
                }
            }
            Check::Rule { check, .. } => check(value),
        }
    }

    /// The rule in words, for the docs.
    fn describe(&self) -> String {
        match *self {
            Check::Text { max, required: true } => format!("1–{max} characters"),
            Check::Text { max, required: false } => format!("at most {max} characters"),
            Check::Int { min, max, .. } => format!("{min}–{max}"),
            Check::Flag { .. } => "`true` or `false`".into(),
            Check::OneOf { values, .. } => {
                values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
            }
            Check::Rule { said, .. } => said.into(),
        }
    }
}

impl Setting {
    /// The value's type on the wire.
    pub fn kind(&self) -> Kind {
        match self.check {
            Check::Int { .. } => Kind::Integer,
            Check::Flag { .. } => Kind::Bool,
            _ => Kind::Text,
        }
    }

    /// Checks a (trimmed) value.
    pub fn check(&self, value: &str) -> Result<(), Refusal> {
        self.check.run(value)
    }

    /// `min..=max` of a whole-number setting.
    pub fn range(&self) -> Option<(i64, i64)> {
        match self.check {
            Check::Int { min, max, .. } => Some((min, max)),
            _ => None,
        }
    }

    /// A whole-number setting's value from its stored text: the default when unset, unreadable or
    /// out of range; None for text settings and for numbers with no default.
    pub fn whole_number(&self, stored: Option<&str>) -> Option<i64> {
        let (min, max) = self.range()?;
        stored
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|n| (min..=max).contains(n))
            .or_else(|| self.default.parse().ok())
    }
}

/// The setting named `key`.
pub fn find(key: &str) -> Option<&'static Setting> {
    REGISTRY.iter().find(|s| s.key == key).copied()
}

/// The console's label of a setting key; the key itself when it is not one.
pub fn label(key: &str) -> &str {
    find(key).map_or(key, |s| s.label)
}

/// The setting named `key`, which the code names by its constant.
///
/// # Panics
/// When `key` is not in the registry: a constant without its row is a bug the tests catch.
pub fn get(key: &str) -> &'static Setting {
    find(key).unwrap_or_else(|| panic!("setting {key} is not in the registry"))
}

/// Where `docs/settings.md` holds the generated table.
pub const DOC_START: &str = "<!-- settings table: generated from src/settings/table.rs -->";
pub const DOC_END: &str = "<!-- end of settings table -->";

/// The settings table of `docs/settings.md`, as the registry says it.
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| Key | Type | Default | Console label | Rule | Edited in | Notes |\n\
         |-----|------|---------|---------------|------|-----------|-------|\n",
    );
    for s in REGISTRY.iter() {
        let kind = match s.kind() {
            Kind::Text => "string",
            Kind::Integer => "integer",
            Kind::Bool => "bool",
        };
        let default = match (s.kind(), s.default) {
            (_, "") => "—".to_string(),
            (Kind::Bool, d) => format!("`{}`", d == "1"),
            (_, d) => format!("`{d}`"),
        };
        let mut edited = Vec::new();
        if let Some(page) = s.editors.console {
            edited.push(format!("console 「{page}」"));
        }
        if s.editors.merchant_api {
            edited.push("merchant API".to_string());
        }
        let mut notes = vec![s.about.to_string()];
        if s.secret {
            notes.push("**Secret**: write-only, never shown or answered.".into());
        }
        if let Some(env) = s.env {
            notes.push(format!("`{env}` fixes it when set."));
        }
        let _ = writeln!(
            out,
            "| `{}` | {kind} | {default} | {} | {} | {} | {} |",
            s.key,
            s.label,
            s.check.describe(),
            edited.join(", "),
            notes.join(" ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::keys::{self, orders};

    fn said(text: &'static str) -> Refusal {
        Refusal::Said(text.into())
    }

    #[test]
    fn keys_are_unique_and_defaults_pass_their_checks() {
        for (i, s) in REGISTRY.iter().enumerate() {
            assert!(REGISTRY[i + 1..].iter().all(|o| o.key != s.key), "{} twice", s.key);
            assert_eq!(s.check(s.default), Ok(()), "default of {}", s.key);
            assert!(!s.label.is_empty());
        }
    }

    #[test]
    fn checks_say_what_is_wrong() {
        assert_eq!(get(keys::SHOP_NAME).check(""), Err(Refusal::Required));
        assert_eq!(get(keys::SHOP_NAME).check(&"长".repeat(51)), Err(said("不能超过 50 个字符")));
        assert_eq!(get(keys::UPLOAD_QUOTA_MB).check(""), Err(said("应为 1 到 10000000 之间的整数")));
        assert_eq!(get(orders::CLOSE_MINUTES).check(""), Ok(()));
        assert_eq!(get(keys::KEFU_TRANSFER).check("2"), Err(said("应为 0（否）或 1（是）")));
        assert_eq!(get(keys::SMS_API_BASE).check("ftp://x"), Err(said("应以 https:// 开头")));
        assert_eq!(get(keys::WECHAT_API_BASE).check("ftp://x"), Err(said("应以 https:// 或 http:// 开头")));
        assert_eq!(get(orders::HX_STAFF).check("1,2,"), Ok(()));
        assert_eq!(get(orders::HX_STAFF).check("1,x"), Err(said("应为用户编号，用逗号隔开")));
    }

    #[test]
    fn docs_settings_md_shows_the_registry() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/settings.md");
        let doc = std::fs::read_to_string(path).expect("docs/settings.md");
        let (before, rest) = doc.split_once(DOC_START).expect("the table's start marker");
        let (_, after) = rest.split_once(DOC_END).expect("the table's end marker");
        let want = format!("{before}{DOC_START}\n{}{DOC_END}{after}", markdown_table());
        if std::env::var_os("XIAODIAN_WRITE_DOCS").is_some() {
            std::fs::write(path, &want).expect("write docs/settings.md");
        }
        assert!(
            doc == want || std::env::var_os("XIAODIAN_WRITE_DOCS").is_some(),
            "docs/settings.md differs from the registry; regenerate it with \
             XIAODIAN_WRITE_DOCS=1 cargo test --lib docs_settings_md"
        );
    }

    #[test]
    fn whole_numbers_fall_back_to_their_default() {
        let close = get(orders::CLOSE_MINUTES);
        assert_eq!(close.whole_number(None), Some(30));
        assert_eq!(close.whole_number(Some(" 45 ")), Some(45));
        assert_eq!(close.whole_number(Some("0")), Some(30));
        assert_eq!(close.whole_number(Some("x")), Some(30));
        assert_eq!(get(keys::SMTP_PORT).whole_number(None), None);
        assert_eq!(get(keys::SMTP_PORT).whole_number(Some("587")), Some(587));
        assert_eq!(get(keys::SHOP_NAME).whole_number(Some("5")), None);
    }
}
