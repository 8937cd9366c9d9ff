//! Procedural macro entry points of hostbind; the logic lives in `hostbind-expand`.

use proc_macro::TokenStream;

/// Turns a plain Rust `fn` into a host function a `Linker` accepts.
///
/// See the `hostbind` crate for the full description.
#[proc_macro_attribute]
pub fn host_fn(attr: TokenStream, item: TokenStream) -> TokenStream {
    hostbind_expand::host_fn(attr.into(), item.into()).into()
}

/// Derives the component type of a struct (`record`) or an enum
/// (`#[component(variant)]` or `#[component(enum)]`).
///
/// Names are the kebab-case of the Rust names unless
/// `#[component(name = "..")]` says otherwise, on the type or on a member.
#[proc_macro_derive(ComponentType, attributes(component))]
pub fn derive_component_type(input: TokenStream) -> TokenStream {
    hostbind_expand::derive_component_type(input.into()).into()
}

/// Derives reading a value of the type from the guest; see [`ComponentType`](derive@ComponentType).
#[proc_macro_derive(Lift, attributes(component))]
pub fn derive_lift(input: TokenStream) -> TokenStream {
    hostbind_expand::derive_lift(input.into()).into()
}

/// Derives writing a value of the type for the guest; see [`ComponentType`](derive@ComponentType).
#[proc_macro_derive(Lower, attributes(component))]
pub fn derive_lower(input: TokenStream) -> TokenStream {
    hostbind_expand::derive_lower(input.into()).into()
}

/// Defines a component `flags` type: `flags! { pub struct Perms { const READ; const WRITE; } }`.
#[proc_macro]
pub fn flags(input: TokenStream) -> TokenStream {
    hostbind_expand::flags(input.into()).into()
}

/// Generates Rust bindings for a WIT world: its types, one `Host` trait per
/// imported interface with `add_to_linker`, and a world struct whose methods
/// call the component's exports. `bindgen!({ path: "wit", world: "name" })`
/// (relative to the crate's manifest directory) or `{ inline: "..", .. }`.
#[proc_macro]
pub fn bindgen(input: TokenStream) -> TokenStream {
    hostbind_expand::bindgen(input.into()).into()
}
