//! Golden expansions of `bindgen!` for the WIT fixtures in `tests/golden/`:
//! each `<name>.wit` expands to `<name>.rs`. Re-bless with
//! `HOSTBIND_BLESS=1 cargo test -p hostbind-expand --test golden`.

use std::path::Path;

fn expand(wit: &str, world: &str) -> String {
    let input: proc_macro2::TokenStream =
        format!("{{ path: \"tests/golden/{wit}\", world: \"{world}\" }}")
            .parse()
            .expect("valid tokens");
    // The absolute paths of `include_bytes!` differ between machines; they
    // are replaced before formatting, which wraps lines by their length.
    let out = hostbind_expand::bindgen(input)
        .to_string()
        .replace(env!("CARGO_MANIFEST_DIR"), "$CARGO_MANIFEST_DIR");
    assert!(
        !out.contains("compile_error"),
        "{wit}: the expansion is an error: {out}"
    );
    let file: syn::File = syn::parse_str(&out)
        .unwrap_or_else(|e| panic!("{wit}: the expansion does not parse: {e}\n{out}"));
    with_safety_notes(&prettyplease::unparse(&file))
}

/// Token streams carry no comments, so the expansion's `unsafe` blocks
/// lose the `SAFETY:` comments the generator writes above them; the golden
/// file points each one back to where its argument is.
fn with_safety_notes(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for line in code.lines() {
        if line.contains("unsafe {") {
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(indent);
            out.push_str("// SAFETY: argued at this block in `hostbind-expand`'s generator.\n");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn check(wit: &str, world: &str) {
    let got = expand(wit, world);
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(wit.replace(".wit", ".rs"));
    if std::env::var_os("HOSTBIND_BLESS").is_some() {
        std::fs::write(&golden, &got).expect("golden file written");
        return;
    }
    let want = std::fs::read_to_string(&golden)
        .unwrap_or_else(|e| panic!("{}: {e}; bless with HOSTBIND_BLESS=1", golden.display()));
    assert!(
        got == want,
        "{wit}: the expansion changed; diff it against {} and re-bless with HOSTBIND_BLESS=1\n{got}",
        golden.display()
    );
}

#[test]
fn small_world() {
    check("small.wit", "small");
}

#[test]
fn every_type_kind() {
    check("every-type.wit", "every-type");
}

#[test]
fn wasi_shaped_world_with_several_interfaces() {
    check("wasi-shaped.wit", "command");
}

#[test]
fn resources_imported_and_exported() {
    check("resources.wit", "store");
}
