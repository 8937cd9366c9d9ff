//! The compile-time WIT check of `#[host_fn(wit = .., import = ..)]`: the
//! param count is compared here, each type by the compiler, through a
//! `const` assertion spanned at the user's Rust type.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::attr::Options;
use crate::sig::HostSig;
use crate::wit;

/// The Rust type as the user wrote it, for messages.
fn rust_text(ty: &syn::Type) -> String {
    quote!(#ty)
        .to_string()
        .replace("& ", "&")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace(" :: ", "::")
}

/// The checks for `func` against its WIT import, or `None` without `wit`.
pub(crate) fn wit_checks(
    options: &Options,
    func: &syn::ItemFn,
    sig: &HostSig,
) -> syn::Result<Option<TokenStream>> {
    let Some((source, import)) = &options.wit else {
        return Ok(None);
    };
    let krate = &options.krate;
    let p = quote!(#krate::__private);
    let wit = wit::lookup(source, import, &p)?;
    let name = &func.sig.ident;
    let imp = import.value();
    if wit.params.len() != sig.params.len() {
        let theirs: Vec<String> = wit
            .params
            .iter()
            .map(|(n, t)| format!("{n}: {}", t.text))
            .collect();
        return Err(syn::Error::new(
            func.sig.inputs.span(),
            format!(
                "`{imp}` takes {} parameter(s) in WIT ({}), but `{name}` takes {}",
                wit.params.len(),
                theirs.join(", "),
                sig.params.len()
            ),
        ));
    }
    let mut checks = Vec::new();
    for (param, (wname, wty)) in sig.params.iter().zip(&wit.params) {
        let ty = &param.ty;
        let msg = format!(
            "parameter `{}` of `{imp}` is `{}` in WIT (`{wname}`), but the Rust type `{}` is not",
            param.name,
            wty.text,
            rust_text(ty)
        );
        checks.push(assert_matches(&p, ty, &wty.expr, &msg));
    }
    match (&sig.result.ty, &wit.result) {
        (None, None) => {}
        (Some(ty), Some(wty)) => {
            let msg = format!(
                "`{imp}` returns `{}` in WIT, but the Rust type `{}` is not",
                wty.text,
                rust_text(ty)
            );
            checks.push(assert_matches(&p, ty, &wty.expr, &msg));
        }
        (Some(ty), None) => {
            return Err(syn::Error::new(
                ty.span(),
                format!("`{imp}` returns nothing in WIT, but `{name}` returns a value"),
            ));
        }
        (None, Some(wty)) => {
            return Err(syn::Error::new(
                name.span(),
                format!(
                    "`{imp}` returns `{}` in WIT, but `{name}` returns nothing",
                    wty.text
                ),
            ));
        }
    }
    // Cargo rebuilds when a WIT file it read changes.
    let sources = wit.sources.iter().filter_map(|s| s.to_str()).map(|s| {
        quote!(
            const _: &[u8] = ::core::include_bytes!(#s);
        )
    });
    // The full name, with the WIT package's version, is what components import.
    let full = &wit.full_name;
    Ok(Some(quote! {
        #(#checks)*
        #(#sources)*
        #[automatically_derived]
        impl #p::WitImport for #name {
            const WIT_IMPORT: &'static str = #full;
        }
    }))
}

/// A const assertion, spanned at the user's `ty`, that its component type
/// matches the WIT type `wit` (an expression building a `Ty`); `msg` is the
/// compile error otherwise.
fn assert_matches(p: &TokenStream, ty: &syn::Type, wit: &TokenStream, msg: &str) -> TokenStream {
    quote_spanned! {ty.span()=>
        const _: () = {
            const WIT: &#p::Ty = &#wit;
            if !#p::ty_matches(<#ty as #p::ComponentType>::TY, WIT) {
                ::core::panic!(#msg);
            }
        };
    }
}
