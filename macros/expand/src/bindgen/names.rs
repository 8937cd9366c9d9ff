//! Rust names for WIT names.

use quote::format_ident;

/// `UpperCamelCase` for a kebab-case WIT name: types and cases.
pub(crate) fn camel(name: &str) -> syn::Ident {
    let s: String = name
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect();
    format_ident!("{s}")
}

/// `snake_case` for a kebab-case WIT name, raw when it is a Rust keyword.
pub(crate) fn snake(name: &str) -> syn::Ident {
    let s = name.replace('-', "_");
    match s.as_str() {
        // Keywords that cannot be raw identifiers get a trailing `_`.
        "self" | "super" | "crate" => format_ident!("{s}_"),
        // Every other keyword of edition 2024, used and reserved (`gen`).
        "type" | "match" | "move" | "ref" | "mod" | "fn" | "use" | "loop" | "impl" | "in"
        | "as" | "enum" | "struct" | "trait" | "where" | "const" | "static" | "let" | "mut"
        | "return" | "if" | "else" | "for" | "while" | "break" | "continue" | "pub" | "unsafe"
        | "extern" | "async" | "await" | "dyn" | "true" | "false" | "abstract" | "become"
        | "box" | "do" | "final" | "gen" | "macro" | "override" | "priv" | "try" | "typeof"
        | "unsized" | "virtual" | "yield" => format_ident!("r#{s}"),
        _ => format_ident!("{s}"),
    }
}

/// A param's name in generated signatures: [`snake`], but `self` is `this`
/// and `store` is `store_`, which the generated methods take themselves.
pub(super) fn param(name: &str) -> syn::Ident {
    match name {
        "self" => format_ident!("this"),
        "store" => format_ident!("store_"),
        n => snake(n),
    }
}

#[cfg(test)]
mod tests {
    use super::snake;

    #[test]
    fn keywords_become_identifiers_rust_accepts() {
        let s = |n: &str| snake(n).to_string();
        assert_eq!(s("gen"), "r#gen");
        assert_eq!(s("type"), "r#type");
        assert_eq!(s("yield"), "r#yield");
        assert_eq!(s("self"), "self_");
        assert_eq!(s("crate"), "crate_");
        assert_eq!(s("get-thing"), "get_thing");
    }
}
