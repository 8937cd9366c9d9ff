//! Options of `#[host_fn(..)]`.

use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Meta, Token};

/// Parsed `#[host_fn(..)]` options.
pub(crate) struct Options {
    /// The path generated code uses for the runtime crate.
    pub(crate) krate: syn::Path,
}

impl Options {
    /// Parses `crate = path`; every unknown option is reported, not just the first.
    pub(crate) fn parse(attr: TokenStream) -> syn::Result<Options> {
        let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(attr)?;
        let mut krate = None;
        let mut errors: Option<syn::Error> = None;
        let mut push = |e: syn::Error| match &mut errors {
            Some(all) => all.combine(e),
            None => errors = Some(e),
        };
        for meta in metas {
            match &meta {
                Meta::NameValue(nv) if nv.path.is_ident("crate") => match &nv.value {
                    syn::Expr::Path(p) if krate.is_none() => krate = Some(p.path.clone()),
                    syn::Expr::Path(_) => {
                        push(syn::Error::new_spanned(&meta, "`crate` is given twice"))
                    }
                    other => push(syn::Error::new_spanned(
                        other,
                        "`crate` takes a path, as in `crate = ::hostbind`",
                    )),
                },
                other => push(syn::Error::new_spanned(
                    other.path(),
                    "unknown `host_fn` option; the option is `crate = path`",
                )),
            }
        }
        match errors {
            Some(e) => Err(e),
            None => Ok(Options {
                krate: krate.unwrap_or_else(|| syn::parse_quote!(::hostbind)),
            }),
        }
    }
}
