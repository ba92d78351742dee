//! The one place that turns model names into Rust identifiers: case conversion, characters that
//! cannot appear in identifiers, leading digits, keywords and names the generated API reserves.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict, reserved and edition-specific) that cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot even be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Method names the generated structs, builders and fluent builders define themselves.
const RESERVED_METHODS: &[&str] = &[
    "builder", "build", "send", "customize", "as_input", "meta", "into_paginator", "config_override", "clone",
    "request_id", "with_sender", "presigned",
];

/// Keeps letters, digits and `_`; everything else separates words.
fn words(raw: &str) -> String {
    raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// A `snake_case` identifier for a field, method or module, with keywords escaped as raw
/// identifiers (`r#type`) or, where Rust forbids that, suffixed (`self_value`).
pub fn snake(raw: &str) -> String {
    let mut s = words(raw).to_snake_case();
    if s.is_empty() {
        s = "value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        // Not `_`: `set_` + `_1gbps` would not be snake case (`set__1gbps`).
        s.insert(0, 'v');
    }
    escape_keyword(s)
}

/// An `UpperCamelCase` identifier for a type or variant.
pub fn camel(raw: &str) -> String {
    let mut s = words(raw).to_upper_camel_case();
    if s.is_empty() {
        s = "Value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    if s == "Self" {
        s = "SelfValue".into();
    }
    s
}

fn escape_keyword(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_value")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// A member's field name: snake case, and never one of the methods the generated API defines.
pub fn field(raw: &str) -> String {
    let s = snake(raw);
    if RESERVED_METHODS.contains(&s.as_str()) {
        format!("{s}_value")
    } else {
        s
    }
}

/// An identifier without the `r#` prefix, for building other names (`set_type`).
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Makes `names` unique in order: a later duplicate gets `suffix`, then a counter.
pub fn dedupe(names: &mut [String], suffix: &str) {
    let mut seen = std::collections::BTreeSet::new();
    for name in names.iter_mut() {
        if seen.contains(name.as_str()) {
            let base = format!("{}{suffix}", bare(name));
            let mut candidate = base.clone();
            let mut n = 2;
            while seen.contains(candidate.as_str()) {
                candidate = format!("{base}{n}");
                n += 1;
            }
            *name = candidate;
        }
        seen.insert(name.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_table() {
        let table: &[(&str, &str, &str)] = &[
            // raw, field/snake, camel
            ("AccessToken", "access_token", "AccessToken"),
            ("type", "r#type", "Type"),
            ("match", "r#match", "Match"),
            ("Self", "self_value", "SelfValue"),
            ("self", "self_value", "SelfValue"),
            ("crate", "crate_value", "Crate"),
            ("super", "super_value", "Super"),
            ("async", "r#async", "Async"),
            ("gen", "r#gen", "Gen"),
            ("try", "r#try", "Try"),
            ("Option", "option", "Option"),
            ("send", "send_value", "Send"),
            ("builder", "builder_value", "Builder"),
            ("meta", "meta_value", "Meta"),
            ("us-east-1", "us_east_1", "UsEast1"),
            ("1Gbps", "v1gbps", "V1gbps"),
            ("a.b", "a_b", "AB"),
            ("SHA_256", "sha_256", "Sha256"),
            ("", "value", "Value"),
            ("fooBar", "foo_bar", "FooBar"),
            ("SSEDescription", "sse_description", "SseDescription"),
        ];
        for (raw, snake_want, camel_want) in table {
            assert_eq!(field(raw), *snake_want, "field({raw:?})");
            assert_eq!(camel(raw), *camel_want, "camel({raw:?})");
        }
    }

    #[test]
    fn dedupe_is_deterministic() {
        let mut names = vec!["foo_bar".to_string(), "foo_bar".to_string(), "foo_bar_value".to_string()];
        dedupe(&mut names, "_value");
        assert_eq!(names, ["foo_bar", "foo_bar_value", "foo_bar_value_value"]);
        let mut variants = vec!["Sha256".to_string(), "Sha256".to_string(), "Sha256".to_string()];
        dedupe(&mut variants, "Value");
        assert_eq!(variants, ["Sha256", "Sha256Value", "Sha256Value2"]);
    }
}
