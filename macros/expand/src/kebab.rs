//! Rust identifiers to the kebab-case names the component model uses.

/// `user_id` → `user-id`, `NotFound` → `not-found`, `HTTPServer` → `http-server`,
/// `READ_WRITE` → `read-write`; a leading `r#` is dropped.
pub(crate) fn kebab(ident: &str) -> String {
    let ident = ident.strip_prefix("r#").unwrap_or(ident);
    let chars: Vec<char> = ident.chars().collect();
    let mut out = String::with_capacity(ident.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            continue;
        }
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary =
                prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower);
            if boundary && !out.ends_with('-') {
                out.push('-');
            }
        }
        out.extend(c.to_lowercase());
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::kebab;

    #[test]
    fn converts_every_rust_casing() {
        assert_eq!(kebab("user_id"), "user-id");
        assert_eq!(kebab("NotFound"), "not-found");
        assert_eq!(kebab("HTTPServer"), "http-server");
        assert_eq!(kebab("READ_WRITE"), "read-write");
        assert_eq!(kebab("r#type"), "type");
        assert_eq!(kebab("V2Point"), "v2-point");
        assert_eq!(kebab("a"), "a");
    }
}
