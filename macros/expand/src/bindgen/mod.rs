//! `bindgen!`: Rust bindings for a WIT world.
//!
//! For each imported interface it emits a module (`ns::pkg::iface`) with the
//! interface's types (with the value-type derives), a `Host` trait and an
//! `add_to_linker` whose glue is `#[host_fn]`'s, generic over any store
//! type that implements `Host`. Root-level function imports get the same in
//! the macro's own scope. A world struct instantiates the component and
//! calls its exported functions through typed exports.

mod host;
pub(crate) mod ifaces;
mod input;
mod modules;
pub(crate) mod names;
mod selection;
mod types;
mod with;
pub(crate) mod world;

use std::cell::Cell;
use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::quote;
use wit_parser::{Function, Resolve, Type, TypeDefKind, TypeId, TypeOwner, WorldItem};

use crate::attr::WitSource;
use ifaces::Iface;
use input::Input;
use names::camel;
use types::{Gen, Side, dealias};

/// Expands `bindgen!({ .. })`. With `HOSTBIND_DUMP=dir` set, the expansion
/// is also written, formatted, to `dir/<crate>-<package>-<world>-<hash>.rs`,
/// where the hash is of the macro's input: several `bindgen!`s of worlds
/// with one name (`root:component/root`, as `wasm-tools component wit`
/// names every extracted world) each get a file of their own.
pub(crate) fn bindgen(input: TokenStream) -> TokenStream {
    let key = fnv1a(input.to_string().as_bytes());
    match expand(input) {
        Ok((t, name)) => {
            if let Some(dir) = std::env::var_os("HOSTBIND_DUMP") {
                dump(std::path::Path::new(&dir), &format!("{name}-{key:08x}"), &t);
            }
            t
        }
        Err(e) => e.into_compile_error(),
    }
}

/// A stable 32-bit FNV-1a hash: the same input names the same dump file
/// in every build.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h: u32, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
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
    let (resolve, sources, main) = crate::wit::load(&input.source)?;
    let world_id = selection::select(&resolve, main, input.world.as_ref(), span)?;
    let world = &resolve.worlds[world_id];
    let dump_name = match world.package.map(|p| &resolve.packages[p].name) {
        Some(p) => format!("{}-{}-{}", p.namespace, p.name, world.name),
        None => world.name.clone(),
    };
    let ifaces = ifaces::collect(&resolve, world);
    let mut g = Gen {
        resolve: &resolve,
        exported: ifaces
            .iter()
            .filter(|i| i.side == Side::Export)
            .map(|i| i.id)
            .collect(),
        side: Cell::new(Side::Import),
        paths: HashMap::new(),
        export_paths: HashMap::new(),
        trappable: input.trappable,
        owning: input.owning,
        with: HashMap::new(),
        async_imports: input.async_imports,
        async_used: Default::default(),
    };
    for i in &ifaces {
        let map = match i.side {
            Side::Import => &mut g.paths,
            Side::Export => &mut g.export_paths,
        };
        let path = &i.path;
        for (tname, tid) in &resolve.interfaces[i.id].types {
            let ident = camel(tname);
            map.insert(*tid, quote!(#(#path)::*::#ident));
        }
    }
    // `with` keys that name a namespace, a package or an interface: those
    // imported interfaces are another crate's bindings, used as they are.
    let with::Mapped {
        interfaces: mapped,
        resources: resource_with,
    } = with::map_interfaces(&mut g, &input.with, world, &ifaces)?;
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
    let with_aliases = with::map_resources(&mut g, resource_with, &ifaces)?;
    // Aliases (`use`) name what they finally stand for, on each side.
    for side in [Side::Import, Side::Export] {
        let ids: Vec<TypeId> = match side {
            Side::Import => g.paths.keys().copied().collect(),
            Side::Export => g.export_paths.keys().copied().collect(),
        };
        for tid in ids {
            let target = dealias(&resolve, tid);
            if target == tid || !matches!(resolve.types[target].owner, TypeOwner::Interface(_)) {
                continue;
            }
            if let Some(p) = g.on(side, || g.path(target).cloned()) {
                match side {
                    Side::Import => g.paths.insert(tid, p),
                    Side::Export => g.export_paths.insert(tid, p),
                };
            }
        }
    }

    // Generated code names the runtime's `__private` module through `__hb`
    // inside the interface modules, which import it, and in full at the
    // macro's call site, where a `use` could clash with the user's items.
    let short = quote!(__hb);
    let full_path = quote!(::hostbind::__private);
    let mut tree = modules::Tree::default();
    let mut add_calls = Vec::new();
    let mut bounds = Vec::new();
    for i in &ifaces {
        // Another crate's bindings serve it, and link it themselves.
        if i.side == Side::Import && mapped.contains(&i.id) {
            continue;
        }
        let (items, host) = g
            .on(i.side, || interface_items(&g, i, &short))
            .map_err(|e| syn::Error::new(span, format!("{e} (in the interface `{}`)", i.full)))?;
        if host {
            let path = &i.path;
            add_calls.push(quote!(#(#path)::*::add_to_linker(linker, get)?;));
            bounds.push(quote!(#(#path)::*::Host));
        }
        let doc = match i.side {
            Side::Import => format!("Bindings of the imported WIT interface `{}`.", i.full),
            Side::Export => format!("Bindings of the exported WIT interface `{}`.", i.full),
        };
        tree.insert(&i.path, doc, quote!(#(#items)*), &|path| {
            module_doc(&resolve, &ifaces, path)
        });
    }
    let nested = tree.render();

    // Root-level imports: types and functions in the macro's scope.
    let mut root = Vec::new();
    let mut root_funcs = Vec::new();
    let mut root_resources = Vec::new();
    for item in world.imports.values() {
        match item {
            WorldItem::Type { id: tid, .. } => {
                if let Some(t) = g.type_def(*tid, &full_path)? {
                    root.push(t);
                }
                if matches!(resolve.types[*tid].kind, TypeDefKind::Resource) {
                    root_resources.push(*tid);
                }
            }
            WorldItem::Function(f) => root_funcs.push(f),
            WorldItem::Interface { .. } => {}
        }
    }
    let root_host = if root_funcs.is_empty() && root_resources.is_empty() {
        quote!()
    } else {
        let h = g
            .host(&root_funcs, &root_resources, None, &full_path)
            .map_err(|e| syn::Error::new(span, format!("{e} (in the world's root imports)")))?;
        add_calls.push(quote!(add_to_linker(linker, get)?;));
        bounds.push(quote!(Host));
        h
    };

    // Exports: typed calls on the world struct.
    let world_ident = world::struct_name(&resolve, world_id);
    let world::Exports {
        calls,
        fields,
        inits,
        views,
    } = g
        .on(Side::Export, || {
            world::export_calls(&g, world, &world_ident, &ifaces)
        })
        .map_err(|e| syn::Error::new(span, format!("{e} (in the world's exports)")))?;
    let sources = sources.iter().filter_map(|s| s.to_str()).map(|s| {
        quote!(
            const _: &[u8] = ::core::include_bytes!(#s);
        )
    });

    let expansion = quote! {
        #(#with_aliases)*
        #(#root)*
        #root_host
        #nested
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
    if let input::AsyncImports::Named(names) = &g.async_imports {
        let used = g.async_used.borrow();
        if let Some(unknown) = names.iter().find(|n| !used.contains(&n.value())) {
            return Err(syn::Error::new(
                unknown.span(),
                format!(
                    "`async_imports` names `{}`, which is not a function this world imports (write `name` for a function at the world's root, `pkg:ns/iface#name` for one in an interface)",
                    unknown.value()
                ),
            ));
        }
    }
    Ok((expansion, dump_name))
}

/// The items of one interface's module, and whether it has a `Host` to
/// link: its types, and on the import side its `Host` traits and
/// `add_to_linker`.
fn interface_items(
    g: &Gen<'_>,
    i: &Iface,
    short: &TokenStream,
) -> syn::Result<(Vec<TokenStream>, bool)> {
    let resolve = g.resolve;
    let iface = &resolve.interfaces[i.id];
    let mut items = Vec::new();
    for tid in iface.types.values() {
        // `use`d types are the original's, defined in its own module.
        if let TypeDefKind::Type(Type::Id(orig)) = resolve.types[*tid].kind
            && resolve.types[orig].owner != TypeOwner::Interface(i.id)
            && let Some(p) = g.path(*tid)
        {
            let ident = camel(resolve.types[*tid].name.as_deref().unwrap_or_default());
            items.push(quote!(pub use #p as #ident;));
            continue;
        }
        if let Some(t) = g.type_def(*tid, short)? {
            items.push(t);
        }
    }
    // An interface imported only for its types (`use`) has no `Host`; one
    // that defines a resource has, if only for its destructor.
    let resources: Vec<TypeId> = iface
        .types
        .values()
        .copied()
        .filter(|t| matches!(resolve.types[*t].kind, TypeDefKind::Resource))
        .collect();
    let host = i.side == Side::Import && (!iface.functions.is_empty() || !resources.is_empty());
    if host {
        let funcs: Vec<&Function> = iface.functions.values().collect();
        items.push(g.host(&funcs, &resources, Some(&i.full), short)?);
    }
    Ok((items, host))
}

/// The doc comment of a module on the way to an interface's: a namespace,
/// a package, or `exports`.
fn module_doc(resolve: &Resolve, ifaces: &[Iface], path: &[syn::Ident]) -> String {
    let (exports, rest) = match path.first() {
        Some(p) if p == "exports" => (true, &path[1..]),
        _ => (false, path),
    };
    let side = if exports { "exported" } else { "imported" };
    let named = ifaces.iter().find(|i| i.path.starts_with(path));
    match (rest.len(), named) {
        (0, _) => "The world's exported interfaces.".to_string(),
        (1, _) => format!(
            "Bindings of the {side} interfaces of the WIT namespace `{}`.",
            rest[0]
        ),
        (_, Some(i)) => {
            let pkg = resolve.interfaces[i.id]
                .package
                .map(|p| resolve.packages[p].name.to_string())
                .unwrap_or_default();
            format!("Bindings of the {side} interfaces of the WIT package `{pkg}`.")
        }
        _ => String::new(),
    }
}
