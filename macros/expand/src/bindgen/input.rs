//! The options of `bindgen!`: where the WIT is, which world to bind, and how.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{LitBool, LitStr, Token};

use crate::attr::WitSource;

/// `{ path: "wit", world: "name" }` or `{ inline: "..", world: "name" }`,
/// with `trappable: true` for import methods returning `hostbind::Result`.
pub(super) struct Input {
    pub(super) source: WitSource,
    pub(super) world: Option<LitStr>,
    /// Every import method returns `hostbind::Result<_>`; an `Err` traps.
    pub(super) trappable: bool,
    /// `with: { "pkg:ns/iface/resource": path::Type }`: the host's own type
    /// stands for an imported resource instead of a generated marker.
    pub(super) with: Vec<(LitStr, syn::Path)>,
    /// `ownership: Owning`: every import param is owned (`String`,
    /// `Vec<u8>`), as wasmtime's `bindgen!` makes them; `Borrowing`, the
    /// default, lends strings and byte lists in place.
    pub(super) owning: bool,
    /// `async_imports: true` or `async_imports: ["name", ..]`: which
    /// imported functions become async methods though WIT declares them
    /// synchronous.
    pub(super) async_imports: AsyncImports,
}

/// The `async_imports` option.
#[derive(Default)]
pub(super) enum AsyncImports {
    #[default]
    None,
    All,
    /// By full import name: `name` at the world's root, `pkg:ns/iface#name`
    /// in an interface.
    Named(Vec<LitStr>),
}

const OPTIONS: &str = "the options are `path: \"dir\"` or `inline: \"..\"`, `world: \"name\"`, `trappable: true`, `ownership: Owning` (or `Borrowing`), `with: { \"pkg:ns/iface\": path }` and `async_imports: true` (or `[\"name\", ..]`)";

impl Parse for Input {
    /// Reads every option, reporting each mistake rather than the first.
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let body;
        syn::braced!(body in input);
        let mut source = None;
        let mut world = None;
        let mut trappable = None;
        let mut ownership: Option<bool> = None;
        let mut with: Option<Vec<(LitStr, syn::Path)>> = None;
        let mut async_imports: Option<AsyncImports> = None;
        let mut errors: Option<syn::Error> = None;
        let mut push = |e: syn::Error| match &mut errors {
            Some(all) => all.combine(e),
            None => errors = Some(e),
        };
        while !body.is_empty() {
            let key: syn::Ident = body.parse()?;
            body.parse::<Token![:]>()?;
            let name = key.to_string();
            let twice =
                |what: &str| syn::Error::new(key.span(), format!("`{key}` is given {what}"));
            match name.as_str() {
                "trappable" => {
                    let value: LitBool = body.parse()?;
                    match trappable {
                        None => trappable = Some(value.value),
                        Some(_) => push(twice("twice")),
                    }
                }
                "ownership" => {
                    let value: syn::Ident = body.parse()?;
                    let owning = match value.to_string().as_str() {
                        "Owning" => Some(true),
                        "Borrowing" => Some(false),
                        _ => {
                            push(syn::Error::new(
                                value.span(),
                                format!("`ownership` is `Owning` or `Borrowing`, not `{value}`"),
                            ));
                            None
                        }
                    };
                    match (ownership, owning) {
                        (None, o) => ownership = o,
                        (Some(_), _) => push(twice("twice")),
                    }
                }
                "async_imports" => {
                    let value = if body.peek(syn::token::Bracket) {
                        let list;
                        syn::bracketed!(list in body);
                        let names = list.parse_terminated(<LitStr as Parse>::parse, Token![,])?;
                        AsyncImports::Named(names.into_iter().collect())
                    } else {
                        match body.parse::<LitBool>()?.value {
                            true => AsyncImports::All,
                            false => AsyncImports::None,
                        }
                    };
                    match async_imports {
                        None => async_imports = Some(value),
                        Some(_) => push(twice("twice")),
                    }
                }
                "with" => {
                    let map;
                    syn::braced!(map in body);
                    let mut entries = Vec::new();
                    while !map.is_empty() {
                        let key: LitStr = map.parse()?;
                        map.parse::<Token![:]>()?;
                        let ty: syn::Path = map.parse()?;
                        entries.push((key, ty));
                        if !map.is_empty() {
                            map.parse::<Token![,]>()?;
                        }
                    }
                    match with {
                        None => with = Some(entries),
                        Some(_) => push(twice("twice")),
                    }
                }
                "path" | "inline" | "world" => {
                    let value: LitStr = body.parse()?;
                    match name.as_str() {
                        "world" if world.is_none() => world = Some(value),
                        "world" => push(twice("twice")),
                        _ if source.is_some() => {
                            push(twice("twice, or with both `path` and `inline`"))
                        }
                        "path" => source = Some(WitSource::Path(value)),
                        _ => source = Some(WitSource::Inline(value)),
                    }
                }
                _ => {
                    push(syn::Error::new(
                        key.span(),
                        format!("unknown `bindgen!` option `{key}`; {OPTIONS}"),
                    ));
                    // Skip the value, whatever it is, to read on.
                    body.parse::<syn::Expr>()?;
                }
            }
            if !body.is_empty() {
                body.parse::<Token![,]>()?;
            }
        }
        let missing = || {
            syn::Error::new(
                Span::call_site(),
                "`bindgen!` needs `path: \"wit\"` or `inline: \"..\"`",
            )
        };
        if source.is_none() {
            push(missing());
        }
        match (errors, source) {
            (None, Some(source)) => Ok(Input {
                source,
                world,
                trappable: trappable.unwrap_or(false),
                with: with.unwrap_or_default(),
                owning: ownership.unwrap_or(false),
                async_imports: async_imports.unwrap_or_default(),
            }),
            (Some(e), _) => Err(e),
            (None, None) => Err(missing()),
        }
    }
}
