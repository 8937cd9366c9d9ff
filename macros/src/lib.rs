//! Procedural macro entry points of hostbind; the logic lives in `hostbind-expand`.

use proc_macro::TokenStream;

/// Turns a plain Rust `fn` into a host function a `Linker` accepts.
///
/// See the `hostbind` crate for the full description.
#[proc_macro_attribute]
pub fn host_fn(attr: TokenStream, item: TokenStream) -> TokenStream {
    hostbind_expand::host_fn(attr.into(), item.into()).into()
}
