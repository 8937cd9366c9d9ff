//! Expansion logic of hostbind's macros (`#[host_fn]`, `bindgen!`, the
//! derives, `flags!`), as an ordinary library: `hostbind-macros` is a thin
//! proc-macro crate over it, and tests and tools drive it with token
//! streams. Users want the `hostbind` crate, which re-exports the macros.
//!
//! Each macro runs in stages: `attr` parses options, `sig` turns the Rust
//! signature into a checked description, `expand` emits the glue. A
//! mistake comes back as `compile_error!` tokens at the offending span:
//!
//! ```
//! let item = "fn add(a: u32, b: u32) -> u32 { a + b }".parse().unwrap();
//! let glue = hostbind_expand::host_fn(Default::default(), item).to_string();
//! // `add` becomes a value the linker takes, with a C-ABI entrypoint.
//! assert!(glue.contains("struct add"), "{glue}");
//! assert!(glue.contains("extern \"C\" fn __hostbind_entry"), "{glue}");
//! assert!(!glue.contains("compile_error"));
//!
//! let item = "fn pick<T>(x: T) -> T { x }".parse().unwrap();
//! let glue = hostbind_expand::host_fn(Default::default(), item).to_string();
//! assert!(glue.contains("compile_error"), "a host function has one signature: {glue}");
//! ```

mod attr;
mod bindgen;
mod check;
mod derive;
mod expand;
mod expand_async;
mod flags;
mod kebab;
mod shape;
mod sig;
#[cfg(test)]
mod tests;
mod wit;

use proc_macro2::TokenStream;
use quote::quote;

/// The Rust names `bindgen!` gives WIT items, for tools that name what it
/// generates (the corpus test's build script).
#[doc(hidden)]
pub mod naming {
    /// A module, function or param name: `snake_case`, raw for keywords.
    pub fn snake(name: &str) -> String {
        crate::bindgen::names::snake(name).to_string()
    }

    /// A type name: `UpperCamelCase`.
    pub fn camel(name: &str) -> String {
        crate::bindgen::names::camel(name).to_string()
    }

    /// The struct `bindgen!` names after world `id`.
    pub fn world_struct(resolve: &wit_parser::Resolve, id: wit_parser::WorldId) -> String {
        crate::bindgen::world::struct_name(resolve, id).to_string()
    }

    /// A package's module: its name, with its version when the WIT holds
    /// several versions of it.
    pub fn package_module(resolve: &wit_parser::Resolve, pkg: wit_parser::PackageId) -> String {
        crate::bindgen::ifaces::package_module(resolve, pkg).to_string()
    }
}

/// Expands `#[host_fn(attr)] item`.
///
/// On error the user's item is emitted unchanged next to the errors, so that
/// one mistake gives one error and the rest of the crate still type-checks.
pub fn host_fn(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            let e = e.into_compile_error();
            return quote!(#item #e);
        }
    };
    let options = attr::Options::parse(attr);
    let sig = sig::HostSig::parse(&func);
    match (options, sig) {
        (Ok(options), Ok(sig)) => match check::wit_checks(&options, &func, &sig) {
            Ok(checks) => {
                let item = match sig.is_async {
                    true => expand_async::host_fn(&options, &func, &sig),
                    false => expand::host_fn(&options, &func, &sig),
                };
                quote!(#item #checks)
            }
            Err(e) => {
                let e = e.into_compile_error();
                quote!(#func #e)
            }
        },
        (options, sig) => {
            let mut errors: Option<syn::Error> = None;
            for e in [options.err(), sig.err()].into_iter().flatten() {
                match &mut errors {
                    Some(all) => all.combine(e),
                    None => errors = Some(e),
                }
            }
            let errors = errors.map(syn::Error::into_compile_error);
            quote!(#func #errors)
        }
    }
}

/// Expands `#[derive(ComponentType)]`.
pub fn derive_component_type(input: TokenStream) -> TokenStream {
    derive::derive(derive::Derive::ComponentType, input)
}

/// Expands `#[derive(Lift)]`.
pub fn derive_lift(input: TokenStream) -> TokenStream {
    derive::derive(derive::Derive::Lift, input)
}

/// Expands `#[derive(Lower)]`.
pub fn derive_lower(input: TokenStream) -> TokenStream {
    derive::derive(derive::Derive::Lower, input)
}

/// Expands `flags! { .. }`.
pub fn flags(input: TokenStream) -> TokenStream {
    flags::flags(input)
}

/// Expands `bindgen!({ .. })`.
pub fn bindgen(input: TokenStream) -> TokenStream {
    bindgen::bindgen(input)
}
