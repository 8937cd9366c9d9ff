//! `with`: imported interfaces bound by another crate, and host types that
//! stand for imported resources.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::LitStr;
use wit_parser::{InterfaceId, TypeDefKind, World};

use super::ifaces::Iface;
use super::names::camel;
use super::types::{Gen, Side};

/// What the interface-level `with` keys mapped.
pub(super) struct Mapped<'a> {
    /// Imported interfaces another crate's bindings serve.
    pub(super) interfaces: HashSet<InterfaceId>,
    /// The keys that name a resource (`ns:pkg/iface/resource`), for
    /// [`map_resources`].
    pub(super) resources: Vec<(&'a LitStr, &'a syn::Path)>,
}

/// Maps each `with` key that names a namespace, a package or an imported
/// interface to the user's module, pointing the interfaces' types there.
pub(super) fn map_interfaces<'a>(
    g: &mut Gen<'_>,
    with: &'a [(LitStr, syn::Path)],
    world: &World,
    ifaces: &[Iface],
) -> syn::Result<Mapped<'a>> {
    let resolve = g.resolve;
    let mut out = Mapped {
        interfaces: HashSet::new(),
        resources: Vec::new(),
    };
    let imports = || ifaces.iter().filter(|i| i.side == Side::Import);
    for (key, user) in with {
        let k = key.value();
        if k.matches('/').count() >= 2 {
            out.resources.push((key, user));
            continue;
        }
        let mut hit = false;
        for i in imports() {
            // Unnamed interfaces have no package to name.
            let [_, _, leaf] = &i.path[..] else {
                continue;
            };
            let full = &i.full;
            let unversioned_full = unversioned(full);
            let (pkg_part, _) = unversioned_full
                .split_once('/')
                .unwrap_or((unversioned_full, ""));
            let ns = pkg_part.split(':').next().unwrap_or_default();
            // `ns:pkg@1.2.3`, with the version `full` ends in, if any.
            let pkg_versioned = match full.rsplit_once('@') {
                Some((_, v)) => format!("{pkg_part}@{v}"),
                None => pkg_part.to_string(),
            };
            let module = if k == *full || k == unversioned_full {
                Some(quote!(#user))
            } else if !k.contains('/') && (k == pkg_part || k == pkg_versioned) {
                Some(quote!(#user::#leaf))
            } else if !k.contains(':') && k == ns {
                let p = &i.path[1];
                Some(quote!(#user::#p::#leaf))
            } else {
                None
            };
            if let Some(m) = module {
                for (tname, tid) in &resolve.interfaces[i.id].types {
                    let ident = camel(tname);
                    g.paths.insert(*tid, quote!(#m::#ident));
                }
                out.interfaces.insert(i.id);
                hit = true;
            }
        }
        if hit {
            continue;
        }
        let exported = world.exports.keys().any(|wk| {
            let n = resolve.name_world_key(wk);
            k == n || k == unversioned(&n)
        });
        if exported {
            return Err(syn::Error::new(
                key.span(),
                format!(
                    "`with` maps `{k}`, which the world only exports; `with` maps imported interfaces only"
                ),
            ));
        }
        let known: Vec<String> = imports().map(|i| format!("`{}`", i.full)).collect();
        return Err(syn::Error::new(
            key.span(),
            format!(
                "`with` names `{k}`, which is no namespace, package or interface the world imports; it imports {}",
                known.join(", ")
            ),
        ));
    }
    Ok(out)
}

/// Points each imported resource a `with` key names at the host's type,
/// through an alias in the macro's scope that the nested modules resolve;
/// returns the aliases.
pub(super) fn map_resources(
    g: &mut Gen<'_>,
    keys: Vec<(&LitStr, &syn::Path)>,
    ifaces: &[Iface],
) -> syn::Result<Vec<TokenStream>> {
    let resolve = g.resolve;
    let mut aliases = Vec::new();
    for (n, (key, user)) in keys.into_iter().enumerate() {
        let mut known = Vec::new();
        let mut found = None;
        for i in ifaces.iter().filter(|i| i.side == Side::Import) {
            for (tname, tid) in &resolve.interfaces[i.id].types {
                if matches!(resolve.types[*tid].kind, TypeDefKind::Resource) {
                    let name = format!("{}/{tname}", i.full);
                    // `with` keys may leave the version out, as wasmtime's do.
                    let unversioned = format!("{}/{tname}", unversioned(&i.full));
                    if name == key.value() || unversioned == key.value() {
                        found = Some(*tid);
                    }
                    known.push(format!("`{name}`"));
                }
            }
        }
        let Some(tid) = found else {
            return Err(syn::Error::new(
                key.span(),
                format!(
                    "`with` names `{}`, which is not a resource the world imports; {}",
                    key.value(),
                    if known.is_empty() {
                        "it imports none".to_string()
                    } else {
                        format!("it imports {}", known.join(", "))
                    }
                ),
            ));
        };
        let alias = format_ident!("__HostbindWith{n}");
        aliases.push(quote!(#[doc(hidden)] type #alias = #user;));
        g.with.insert(tid, quote!(#alias));
    }
    Ok(aliases)
}

/// An interface's full name without its `@version`.
pub(super) fn unversioned(full: &str) -> &str {
    full.split_once('@').map_or(full, |(name, _)| name)
}
