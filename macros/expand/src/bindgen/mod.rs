//! `bindgen!`: Rust bindings for a WIT world.
//!
//! For each imported interface it emits a module (`ns::pkg::iface`) with the
//! interface's types (with the value-type derives), a `Host` trait and an
//! `add_to_linker` whose glue is `#[host_fn]`'s, generic over any store
//! type that implements `Host`. Root-level function imports get the same in
//! the macro's own scope. A world struct instantiates the component and
//! calls its exported functions through typed exports.

mod host;
mod input;
mod names;
mod types;
mod world;

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use wit_parser::{Function, InterfaceId, Type, TypeDefKind, TypeId, TypeOwner, WorldItem};

use crate::attr::WitSource;
use input::Input;
use names::{camel, snake};
use types::Gen;

/// Expands `bindgen!({ .. })`. With `HOSTBIND_DUMP=dir` set, the expansion
/// is also written, formatted, to `dir/<crate>-<package>-<world>.rs`.
pub(crate) fn bindgen(input: TokenStream) -> TokenStream {
    match expand(input) {
        Ok((t, name)) => {
            if let Some(dir) = std::env::var_os("HOSTBIND_DUMP") {
                dump(std::path::Path::new(&dir), &name, &t);
            }
            t
        }
        Err(e) => e.into_compile_error(),
    }
}

/// Writes the expansion where `HOSTBIND_DUMP` says. Best effort: a dump
/// that cannot be written is no reason to fail the build.
fn dump(dir: &std::path::Path, name: &str, t: &TokenStream) {
    let krate = std::env::var("CARGO_CRATE_NAME").unwrap_or_else(|_| "crate".into());
    let text = match syn::parse2::<syn::File>(t.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => t.to_string(),
    };
    let file: String = format!("{krate}-{name}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let path = dir.join(format!("{file}.rs"));
    let _ = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(path, text));
}

/// The expansion, and the world's name for a dump (`ns-pkg-world`).
fn expand(input: TokenStream) -> syn::Result<(TokenStream, String)> {
    let input: Input = syn::parse2(input)?;
    let span = match &input.source {
        WitSource::Path(l) | WitSource::Inline(l) => l.span(),
    };
    let (resolve, sources) = crate::wit::load(&input.source)?;
    let worlds: Vec<String> = resolve.worlds.iter().map(|(_, w)| w.name.clone()).collect();
    let world_id = match &input.world {
        Some(w) => resolve
            .worlds
            .iter()
            .find(|(_, x)| x.name == w.value())
            .map(|(id, _)| id)
            .ok_or_else(|| {
                syn::Error::new(
                    w.span(),
                    format!(
                        "the WIT has no world `{}`; it has {}",
                        w.value(),
                        worlds
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?,
        None if worlds.len() == 1 => resolve
            .worlds
            .iter()
            .next()
            .map(|(id, _)| id)
            .ok_or_else(|| syn::Error::new(span, "the WIT has no world"))?,
        None => {
            return Err(syn::Error::new(
                span,
                "the WIT has several worlds; say which with `world: \"name\"`",
            ));
        }
    };
    let world = &resolve.worlds[world_id];
    let dump_name = match world.package.map(|p| &resolve.packages[p].name) {
        Some(p) => format!("{}-{}-{}", p.namespace, p.name, world.name),
        None => world.name.clone(),
    };
    let mut g = Gen {
        resolve: &resolve,
        guest_resources: std::collections::HashSet::new(),
        paths: HashMap::new(),
        trappable: input.trappable,
        owning: input.owning,
        with: HashMap::new(),
    };
    for item in world.exports.values() {
        if let WorldItem::Interface { id, .. } = item {
            for tid in resolve.interfaces[*id].types.values() {
                if matches!(resolve.types[*tid].kind, TypeDefKind::Resource) {
                    g.guest_resources.insert(*tid);
                }
            }
        }
    }

    // Interfaces the world imports, with their module paths.
    let mut iface_mods: Vec<(InterfaceId, Vec<syn::Ident>, String)> = Vec::new();
    for (key, item) in world.imports.iter().chain(world.exports.iter()) {
        if let WorldItem::Interface { id, .. } = item {
            let iface = &resolve.interfaces[*id];
            let (Some(pkg), Some(name)) = (iface.package, &iface.name) else {
                let _ = key;
                return Err(syn::Error::new(
                    span,
                    "`bindgen!` does not support unnamed interfaces yet",
                ));
            };
            let pkg = &resolve.packages[pkg].name;
            let path = vec![snake(&pkg.namespace), snake(&pkg.name), snake(name)];
            // The name components import, with the package's version.
            let full = match &pkg.version {
                Some(v) => format!("{}:{}/{}@{v}", pkg.namespace, pkg.name, name),
                None => format!("{}:{}/{}", pkg.namespace, pkg.name, name),
            };
            if !iface_mods.iter().any(|(i, _, _)| i == id) {
                iface_mods.push((*id, path, full));
            }
        }
    }
    for (id, path, _) in &iface_mods {
        for (tname, tid) in &resolve.interfaces[*id].types {
            let ident = camel(tname);
            g.paths.insert(*tid, quote!(#(#path)::*::#ident));
        }
    }
    // `with` keys that name a namespace, a package or an interface: those
    // interfaces are another crate's bindings, used as they are.
    let mut mapped: std::collections::HashSet<InterfaceId> = std::collections::HashSet::new();
    let mut resource_with = Vec::new();
    for (key, user) in &input.with {
        let k = key.value();
        if k.matches('/').count() >= 2 {
            resource_with.push((key, user));
            continue;
        }
        let mut hit = false;
        for (id, path, full) in &iface_mods {
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
                let leaf = &path[2];
                Some(quote!(#user::#leaf))
            } else if !k.contains(':') && k == ns {
                let (p, leaf) = (&path[1], &path[2]);
                Some(quote!(#user::#p::#leaf))
            } else {
                None
            };
            if let Some(m) = module {
                if world
                    .exports
                    .values()
                    .any(|i| matches!(i, WorldItem::Interface { id: x, .. } if x == id))
                {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "`with` maps `{full}`, which the world exports; `with` maps imported interfaces only"
                        ),
                    ));
                }
                for (tname, tid) in &resolve.interfaces[*id].types {
                    let ident = camel(tname);
                    g.paths.insert(*tid, quote!(#m::#ident));
                }
                mapped.insert(*id);
                hit = true;
            }
        }
        if !hit {
            let known: Vec<String> = iface_mods
                .iter()
                .map(|(_, _, f)| format!("`{f}`"))
                .collect();
            return Err(syn::Error::new(
                key.span(),
                format!(
                    "`with` names `{k}`, which is no namespace, package or interface the world imports; it imports {}",
                    known.join(", ")
                ),
            ));
        }
    }
    for (_, item) in &world.imports {
        if let WorldItem::Type { id: tid, .. } = item
            && let Some(n) = &resolve.types[*tid].name
        {
            let ident = camel(n);
            g.paths.insert(*tid, quote!(#ident));
        }
    }
    // `with`: the host's types for imported resources, aliased in the
    // macro's scope so that the nested modules resolve them from there.
    let mut with_aliases = Vec::new();
    for (i, (key, user)) in resource_with.into_iter().enumerate() {
        let mut known = Vec::new();
        let mut found = None;
        for (id, _, full) in &iface_mods {
            for (tname, tid) in &resolve.interfaces[*id].types {
                if matches!(resolve.types[*tid].kind, TypeDefKind::Resource)
                    && !g.guest_resources.contains(tid)
                {
                    let name = format!("{full}/{tname}");
                    // `with` keys may leave the version out, as wasmtime's do.
                    let unversioned = format!("{}/{tname}", unversioned(full));
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
        let alias = format_ident!("__HostbindWith{i}");
        with_aliases.push(quote!(#[doc(hidden)] type #alias = #user;));
        g.with.insert(tid, quote!(#alias));
    }
    // Aliases (`use`) point at their original.
    let ids: Vec<TypeId> = g.paths.keys().copied().collect();
    for tid in ids {
        if let TypeDefKind::Type(Type::Id(orig)) = resolve.types[tid].kind
            && let TypeOwner::Interface(_) = resolve.types[orig].owner
            && let Some(p) = g.paths.get(&orig).cloned()
        {
            g.paths.insert(tid, p);
        }
    }

    // Generated code names the runtime's `__private` module through `__hb`
    // inside the interface modules, which import it, and in full at the
    // macro's call site, where a `use` could clash with the user's items.
    let short = quote!(__hb);
    let full_path = quote!(::hostbind::__private);
    let mut modules: HashMap<String, Vec<(Vec<syn::Ident>, TokenStream)>> = HashMap::new();
    let mut add_calls = Vec::new();
    let mut bounds = Vec::new();
    for (id, path, full) in &iface_mods {
        // Another crate's bindings serve it, and link it themselves.
        if mapped.contains(id) {
            continue;
        }
        let iface = &resolve.interfaces[*id];
        let mut items = Vec::new();
        for tid in iface.types.values() {
            // `use`d types are the original's, defined in its own module.
            if let TypeDefKind::Type(Type::Id(orig)) = resolve.types[*tid].kind
                && resolve.types[orig].owner != TypeOwner::Interface(*id)
            {
                let p = g.paths[&orig].clone();
                let ident = camel(resolve.types[*tid].name.as_deref().unwrap_or_default());
                items.push(quote!(pub use #p as #ident;));
                continue;
            }
            if let Some(t) = g.type_def(*tid, &short)? {
                items.push(t);
            }
        }
        let imported = world
            .imports
            .values()
            .any(|i| matches!(i, WorldItem::Interface { id: x, .. } if x == id));
        // An interface imported only for its types (`use`) has no `Host`;
        // one that defines a resource has, if only for its destructor.
        let defines_resource = iface
            .types
            .values()
            .any(|t| matches!(resolve.types[*t].kind, TypeDefKind::Resource));
        if imported && (!iface.functions.is_empty() || defines_resource) {
            let funcs: Vec<&Function> = iface.functions.values().collect();
            let resources: Vec<TypeId> = iface
                .types
                .values()
                .copied()
                .filter(|t| matches!(resolve.types[*t].kind, TypeDefKind::Resource))
                .collect();
            items.push(g.host(&funcs, &resources, Some(full), &short)?);
            add_calls.push(quote!(#(#path)::*::add_to_linker(linker, get)?;));
            bounds.push(quote!(#(#path)::*::Host));
        }
        modules
            .entry(path[0].to_string())
            .or_default()
            .push((path.clone(), quote!(#(#items)*)));
    }
    // Nest the modules: ns { pkg { iface { .. } } }.
    let mut nested = Vec::new();
    let mut by_ns: HashMap<String, HashMap<String, Vec<TokenStream>>> = HashMap::new();
    for (_, entries) in modules {
        for (path, items) in entries {
            let leaf = &path[2];
            by_ns
                .entry(path[0].to_string())
                .or_default()
                .entry(path[1].to_string())
                .or_default()
                .push(quote!(
                    #[doc = "Bindings of the WIT interface."]
                    pub mod #leaf {
                        #![allow(clippy::all, unused_imports)]
                        use super::super::super::*;
                        use ::hostbind::__private as __hb;
                        #items
                    }
                ));
        }
    }
    let mut ns_names: Vec<_> = by_ns.keys().cloned().collect();
    ns_names.sort();
    for ns in ns_names {
        let pkgs = &by_ns[&ns];
        let mut pkg_names: Vec<_> = pkgs.keys().cloned().collect();
        pkg_names.sort();
        let pk = pkg_names.iter().map(|p| {
            let id = format_ident!("{}", p);
            let m = &pkgs[p];
            let doc = format!("Bindings of the WIT package `{ns}:{p}`.");
            quote!(#[doc = #doc] pub mod #id { #(#m)* })
        });
        let id = format_ident!("{}", ns);
        let doc = format!("Bindings of the WIT namespace `{ns}`.");
        nested.push(quote!(#[doc = #doc] pub mod #id { #(#pk)* }));
    }

    // Root-level imports: types and functions in the macro's scope.
    let mut root = Vec::new();
    let mut root_funcs = Vec::new();
    for (key, item) in &world.imports {
        match item {
            WorldItem::Type { id: tid, .. } => {
                if let Some(t) = g.type_def(*tid, &full_path)? {
                    root.push(t);
                }
            }
            WorldItem::Function(f) => {
                let _ = key;
                root_funcs.push(f);
            }
            WorldItem::Interface { .. } => {}
        }
    }
    let root_host = if root_funcs.is_empty() {
        quote!()
    } else {
        let h = g.host(&root_funcs, &[], None, &full_path)?;
        add_calls.push(quote!(add_to_linker(linker, get)?;));
        bounds.push(quote!(Host));
        h
    };

    // Exports: typed calls on the world struct.
    let world_ident = camel(&world.name);
    let world::Exports {
        calls,
        fields,
        inits,
        views,
    } = world::export_calls(&g, world, &world_ident, &iface_mods)?;
    let sources = sources.iter().filter_map(|s| s.to_str()).map(|s| {
        quote!(
            const _: &[u8] = ::core::include_bytes!(#s);
        )
    });

    let expansion = quote! {
        #(#with_aliases)*
        #(#root)*
        #root_host
        #(#nested)*
        #(#sources)*

        /// An instance of the world's component.
        pub struct #world_ident {
            instance: ::hostbind::Instance,
            #(#fields)*
        }

        #[allow(clippy::too_many_arguments)]
        impl #world_ident {
            /// Defines every import of the world in `linker`, calling the
            /// host that `get` finds in the store's data (`|data| data`
            /// when the data is the host).
            pub fn add_to_linker<T: 'static, U>(
                linker: &mut ::hostbind::Linker<T>,
                get: fn(&mut T) -> &mut U,
            ) -> ::hostbind::Result<()>
            where
                U: 'static #(+ #bounds)*,
            {
                #(#add_calls)*
                Ok(())
            }

            /// Instantiates `component` with `linker`'s host functions, and
            /// checks that it has every export of the world, of its type.
            pub fn instantiate<T: 'static>(
                store: &mut ::hostbind::Store<T>,
                component: &::hostbind::Component,
                linker: &::hostbind::Linker<T>,
            ) -> ::hostbind::Result<Self> {
                let instance = linker.instantiate(store, component)?;
                Ok(#world_ident {
                    #(#inits)*
                    instance,
                })
            }

            /// The underlying instance.
            pub fn instance(&self) -> ::hostbind::Instance {
                self.instance
            }

            #(#calls)*
        }

        #(#views)*
    };
    Ok((expansion, dump_name))
}

/// An interface's full name without its `@version`.
fn unversioned(full: &str) -> &str {
    full.split_once('@').map_or(full, |(name, _)| name)
}
