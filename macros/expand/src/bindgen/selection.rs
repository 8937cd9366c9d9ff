//! Which world of the WIT `bindgen!` binds: named plainly (`proxy`) or in
//! full (`wasi:http/proxy`, `wasi:http/proxy@0.2.12`), or the only one.

use proc_macro2::Span;
use syn::LitStr;
use wit_parser::{PackageId, Resolve, WorldId};

/// The world `want` names, preferring the main package's (the one at the
/// WIT path, not its `deps/`) when a plain name is in several packages.
pub(super) fn select(
    resolve: &Resolve,
    main: PackageId,
    want: Option<&LitStr>,
    span: Span,
) -> syn::Result<WorldId> {
    let qualified = |id: WorldId| {
        let w = &resolve.worlds[id];
        match w.package {
            Some(p) => {
                let p = &resolve.packages[p].name;
                let base = format!("{}:{}/{}", p.namespace, p.name, w.name);
                match &p.version {
                    Some(v) => format!("{base}@{v}"),
                    None => base,
                }
            }
            None => w.name.clone(),
        }
    };
    let all: Vec<WorldId> = resolve.worlds.iter().map(|(id, _)| id).collect();
    let in_main: Vec<WorldId> = resolve.packages[main].worlds.values().copied().collect();
    let listing = |ids: &[WorldId]| {
        ids.iter()
            .map(|id| format!("`{}`", qualified(*id)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(lit) = want else {
        return match (&in_main[..], &all[..]) {
            ([one], _) | ([], [one]) => Ok(*one),
            ([], []) => Err(syn::Error::new(span, "the WIT has no world")),
            _ => Err(syn::Error::new(
                span,
                "the WIT has several worlds; say which with `world: \"name\"`",
            )),
        };
    };
    let name = lit.value();
    let found: Vec<WorldId> = if name.contains(':') {
        // `ns:pkg/world`: exactly (an unversioned package, or the version
        // given), or else any version of it.
        let exact: Vec<WorldId> = all
            .iter()
            .copied()
            .filter(|id| qualified(*id) == name)
            .collect();
        if exact.is_empty() {
            all.iter()
                .copied()
                .filter(|id| {
                    qualified(*id)
                        .split_once('@')
                        .is_some_and(|(base, _)| base == name)
                })
                .collect()
        } else {
            exact
        }
    } else {
        let named = |ids: &[WorldId]| -> Vec<WorldId> {
            ids.iter()
                .copied()
                .filter(|id| resolve.worlds[*id].name == name)
                .collect()
        };
        match named(&in_main) {
            m if m.is_empty() => named(&all),
            m => m,
        }
    };
    match &found[..] {
        [one] => Ok(*one),
        [] => {
            let shown = if in_main.is_empty() { &all } else { &in_main };
            let has = if shown.is_empty() {
                "no worlds".to_string()
            } else {
                listing(shown)
            };
            Err(syn::Error::new(
                lit.span(),
                format!("the WIT has no world `{name}`; it has {has}"),
            ))
        }
        many => Err(syn::Error::new(
            lit.span(),
            format!(
                "the WIT has several worlds named `{name}`: {}; name one in full",
                listing(many)
            ),
        )),
    }
}
