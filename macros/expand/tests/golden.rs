//! Golden expansions of `bindgen!` for the WIT fixtures in `tests/golden/`:
//! each `<name>.wit` expands to `<name>.rs`. Re-bless with
//! `HOSTBIND_BLESS=1 cargo test -p hostbind-expand --test golden`.

use std::path::Path;

fn expand(wit: &str, world: &str) -> String {
    let input: proc_macro2::TokenStream =
        format!("{{ path: \"tests/golden/{wit}\", world: \"{world}\" }}")
            .parse()
            .expect("valid tokens");
    let out = hostbind_expand::bindgen(input);
    let file: syn::File = syn::parse2(out.clone())
        .unwrap_or_else(|e| panic!("{wit}: the expansion does not parse: {e}\n{out}"));
    // The absolute paths of `include_bytes!` differ between machines.
    prettyplease::unparse(&file).replace(env!("CARGO_MANIFEST_DIR"), "$CARGO_MANIFEST_DIR")
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
