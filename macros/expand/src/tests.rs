//! Unit tests of the expansion on token streams.

use quote::quote;

fn expand(attr: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> String {
    crate::host_fn(attr, item).to_string()
}

#[test]
fn expansion_parses_as_items() {
    let out = crate::host_fn(
        quote!(),
        quote!(
            fn add(a: u32, b: u32) -> u32 {
                a + b
            }
        ),
    );
    let file: syn::File = syn::parse2(out).expect("expansion is valid Rust");
    assert_eq!(file.items.len(), 2, "a unit struct and a `const _` block");
}

#[test]
fn context_free_function_is_generic_over_the_store() {
    let out = expand(
        quote!(),
        quote!(
            fn noop() {}
        ),
    );
    assert!(
        out.contains("impl < __T : 'static > :: hostbind :: __private :: IntoHostFunc < __T >"),
        "{out}"
    );
}

#[test]
fn data_context_fixes_the_store_type() {
    let out = expand(
        quote!(),
        quote!(
            fn log(cx: &mut Ctx, msg: &str) {}
        ),
    );
    assert!(out.contains("IntoHostFunc < Ctx > for log"), "{out}");
    assert!(out.contains("__hostbind_body (__data , __arg0)"), "{out}");
    assert!(out.contains("name : \"msg\""), "{out}");
}

#[test]
fn caller_context_passes_memory() {
    let out = expand(
        quote!(),
        quote!(
            fn peek(c: Caller<'_, Ctx>, at: u32) -> u8 {
                0
            }
        ),
    );
    assert!(out.contains("Caller :: new (__data , __mem)"), "{out}");
}

#[test]
fn result_return_traps_on_err() {
    let out = expand(
        quote!(),
        quote!(
            fn f() -> Result<u32, String> {
                Ok(1)
            }
        ),
    );
    assert!(out.contains("host_error"), "{out}");
    assert!(
        out.contains("< u32 as :: hostbind :: __private :: ComponentType > :: TY"),
        "{out}"
    );
}

#[test]
fn crate_option_renames_the_runtime_path() {
    let out = expand(
        quote!(crate = ::other),
        quote!(
            fn noop() {}
        ),
    );
    assert!(out.contains(":: other :: __private"), "{out}");
    assert!(!out.contains(":: hostbind ::"), "{out}");
}

#[test]
fn errors_are_collected_and_item_reemitted() {
    let out = expand(
        quote!(bogus, crate = 1),
        quote!(
            async fn f<T>(x: &mut u32, y: &mut u32) {}
        ),
    );
    for msg in [
        "unknown `host_fn` option",
        "`crate` takes a path",
        "cannot be generic",
        "reaches the store's data through `Access<T>`",
        "only the first parameter may be `&mut T`",
    ] {
        assert!(out.contains(msg), "missing {msg:?} in {out}");
    }
    assert!(out.contains("async fn f"), "the item is re-emitted: {out}");
}

#[test]
fn self_receiver_is_rejected() {
    let out = expand(
        quote!(),
        quote!(
            fn f(&self) {}
        ),
    );
    assert!(out.contains("is a free function"), "{out}");
}

#[test]
fn named_lifetimes_are_rejected() {
    let out = expand(
        quote!(),
        quote!(
            fn f(s: &'static str) {}
        ),
    );
    assert!(out.contains("leave lifetimes elided"), "{out}");
}

/// A WIT file that does not parse is reported with its path as given, the
/// line and column, and the offending line. (A ui-test cannot show this: trybuild
/// builds from a directory of its own, so relative paths do not reach the file.)
#[test]
fn a_wit_file_error_names_the_file_and_line() {
    let out = crate::bindgen(quote!({ path: "tests/wit/broken.wit", world: "plugin" })).to_string();
    assert!(out.contains("compile_error"), "{out}");
    assert!(
        out.contains("invalid WIT: expected ';', found '<'"),
        "{out}"
    );
    assert!(out.contains("--> tests/wit/broken.wit:5:29"), "{out}");
    assert!(out.contains("read: func(fd: u32) -> lst<u8>;"), "{out}");
}

const WITH_WIT: &str = "
package demo:app@1.0.0;
interface types { record point { x: u32 } }
interface draw { use types.{point}; plot: func(p: point); }
world app { import draw; use types.{point}; export run: func(p: point); }
";

#[test]
fn with_maps_interfaces_by_namespace_package_or_name() {
    let cases = [
        ("demo", "other :: bindings :: app :: types :: Point"),
        ("demo:app", "other :: bindings :: types :: Point"),
        ("demo:app@1.0.0", "other :: bindings :: types :: Point"),
    ];
    for (key, point) in cases {
        let out = crate::bindgen(quote!({ inline: #WITH_WIT, with: { #key: other::bindings } }))
            .to_string();
        assert!(!out.contains("compile_error"), "{key}: {out}");
        // The mapped interface's `Host` is not generated again, and the
        // world's `add_to_linker` leaves it to its own crate.
        assert!(
            !out.contains("pub mod draw"),
            "{key}: `draw` is generated although mapped: {out}"
        );
        // The export's param is the other crate's type.
        assert!(out.contains(point), "{key}: {out}");
    }
}

#[test]
fn with_names_what_the_world_imports_when_a_key_matches_nothing() {
    let out = crate::bindgen(quote!({ inline: #WITH_WIT, with: { "wasi:io": x } })).to_string();
    assert!(
        out.contains(
            "`with` names `wasi:io`, which is no namespace, package or interface the world imports; it imports `demo:app/types@1.0.0`, `demo:app/draw@1.0.0`"
        ),
        "{out}"
    );
}
