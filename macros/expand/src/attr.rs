//! Options of `#[host_fn(..)]`.

use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Meta, Token};

/// Where the WIT a host function is checked against comes from.
pub(crate) enum WitSource {
    /// A file or directory, relative to the crate's manifest directory.
    Path(syn::LitStr),
    /// WIT text written in the attribute.
    Inline(syn::LitStr),
}

/// Parsed `#[host_fn(..)]` options.
pub(crate) struct Options {
    /// The path generated code uses for the runtime crate.
    pub(crate) krate: syn::Path,
    /// The WIT to check the signature against, and the import it declares.
    pub(crate) wit: Option<(WitSource, syn::LitStr)>,
}

impl Options {
    /// Parses `crate = path`; every unknown option is reported, not just the first.
    pub(crate) fn parse(attr: TokenStream) -> syn::Result<Options> {
        let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(attr)?;
        let mut krate = None;
        let mut source: Option<WitSource> = None;
        let mut import: Option<syn::LitStr> = None;
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
                Meta::NameValue(nv)
                    if nv.path.is_ident("wit")
                        || nv.path.is_ident("inline")
                        || nv.path.is_ident("import") =>
                {
                    let key = nv
                        .path
                        .get_ident()
                        .map(|i| i.to_string())
                        .unwrap_or_default();
                    let syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(lit),
                        ..
                    }) = &nv.value
                    else {
                        push(syn::Error::new_spanned(
                            &nv.value,
                            format!("`{key}` takes a string literal"),
                        ));
                        continue;
                    };
                    let lit = lit.clone();
                    match key.as_str() {
                        "import" if import.is_none() => import = Some(lit),
                        "wit" if source.is_none() => source = Some(WitSource::Path(lit)),
                        "inline" if source.is_none() => source = Some(WitSource::Inline(lit)),
                        _ => push(syn::Error::new_spanned(
                            &meta,
                            "the WIT source or the import is given twice",
                        )),
                    }
                }
                other => push(syn::Error::new_spanned(
                    other.path(),
                    "unknown `host_fn` option; the options are `crate = path`, `wit = \"dir\"` or `inline = \"..\"`, and `import = \"pkg:ns/iface#func\"`",
                )),
            }
        }
        let wit = match (source, import) {
            (Some(s), Some(i)) => Some((s, i)),
            (None, None) => None,
            (Some(WitSource::Path(l) | WitSource::Inline(l)), None) => {
                push(syn::Error::new(
                    l.span(),
                    "checking against WIT needs `import = \"pkg:ns/iface#func\"` too",
                ));
                None
            }
            (None, Some(i)) => {
                push(syn::Error::new(
                    i.span(),
                    "`import` needs the WIT to check against: `wit = \"dir\"` or `inline = \"..\"`",
                ));
                None
            }
        };
        match errors {
            Some(e) => Err(e),
            None => Ok(Options {
                krate: krate.unwrap_or_else(|| syn::parse_quote!(::hostbind)),
                wit,
            }),
        }
    }
}
