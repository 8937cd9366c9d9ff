//! `bindgen!`: Rust bindings for a WIT world.
//!
//! For each imported interface it emits a module (`ns::pkg::iface`) with the
//! interface's types (with the value-type derives), a `Host` trait and an
//! `add_to_linker` whose glue is `#[host_fn]`'s, generic over any store
//! type that implements `Host`. Root-level function imports get the same in
//! the macro's own scope. A world struct instantiates the component and
//! calls its exported functions through typed exports.

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Token};
use wit_parser::{
    Function, InterfaceId, Resolve, Type, TypeDefKind, TypeId, TypeOwner, WorldItem, WorldKey,
};

use crate::attr::WitSource;

/// `{ path: "wit", world: "name" }` or `{ inline: "..", world: "name" }`.
struct Input {
    source: WitSource,
    world: Option<LitStr>,
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let body;
        syn::braced!(body in input);
        let mut source = None;
        let mut world = None;
        while !body.is_empty() {
            let key: syn::Ident = body.parse()?;
            body.parse::<Token![:]>()?;
            let value: LitStr = body.parse()?;
            match key.to_string().as_str() {
                "path" if source.is_none() => source = Some(WitSource::Path(value)),
                "inline" if source.is_none() => source = Some(WitSource::Inline(value)),
                "world" if world.is_none() => world = Some(value),
                "path" | "inline" | "world" => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("`{key}` is given twice, or with both `path` and `inline`"),
                    ));
                }
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown `bindgen!` option `{key}`; the options are `path`, `inline` and `world`"
                        ),
                    ));
                }
            }
            if !body.is_empty() {
                body.parse::<Token![,]>()?;
            }
        }
        let Some(source) = source else {
            return Err(syn::Error::new(
                Span::call_site(),
                "`bindgen!` needs `path: \"wit\"` or `inline: \"..\"`",
            ));
        };
        Ok(Input { source, world })
    }
}

fn camel(name: &str) -> syn::Ident {
    let s: String = name
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect();
    format_ident!("{s}")
}

fn snake(name: &str) -> syn::Ident {
    let s = name.replace('-', "_");
    match s.as_str() {
        "type" | "match" | "move" | "ref" | "self" | "mod" | "fn" | "use" | "loop" | "impl"
        | "in" | "as" | "enum" | "struct" | "trait" | "where" | "const" | "static" | "crate"
        | "super" | "let" | "mut" | "return" | "if" | "else" | "for" | "while" | "break"
        | "continue" | "pub" | "unsafe" | "extern" | "async" | "await" | "dyn" => {
            format_ident!("r#{s}")
        }
        _ => format_ident!("{s}"),
    }
}

struct Gen<'a> {
    resolve: &'a Resolve,
    /// Resources of exported interfaces: the guest implements them.
    guest_resources: std::collections::HashSet<TypeId>,
    /// Where each named type is defined, as a path from the macro's scope.
    paths: HashMap<TypeId, TokenStream>,
}

impl Gen<'_> {
    /// The Rust type for `ty`; `param` borrows strings (`&str`).
    fn ty(&self, ty: &Type, param: bool) -> syn::Result<TokenStream> {
        if let Type::Id(id) = ty
            && let Some(path) = self.paths.get(id)
        {
            return Ok(path.clone());
        }
        self.structural(ty, param)
    }

    /// [`Gen::ty`] without the name of `ty` itself: what a type alias stands for.
    fn structural(&self, ty: &Type, param: bool) -> syn::Result<TokenStream> {
        Ok(match ty {
            Type::Bool => quote!(bool),
            Type::U8 => quote!(u8),
            Type::U16 => quote!(u16),
            Type::U32 => quote!(u32),
            Type::U64 => quote!(u64),
            Type::S8 => quote!(i8),
            Type::S16 => quote!(i16),
            Type::S32 => quote!(i32),
            Type::S64 => quote!(i64),
            Type::F32 => quote!(f32),
            Type::F64 => quote!(f64),
            Type::Char => quote!(char),
            Type::String if param => quote!(&str),
            Type::String => quote!(::std::string::String),
            Type::ErrorContext => return Err(unsupported("error-context")),
            Type::Id(id) => {
                let def = &self.resolve.types[*id];
                match &def.kind {
                    TypeDefKind::Type(t) => self.ty(t, param)?,
                    TypeDefKind::List(t) => {
                        let t = self.ty(t, false)?;
                        quote!(::std::vec::Vec<#t>)
                    }
                    TypeDefKind::Option(t) => {
                        let t = self.ty(t, false)?;
                        quote!(::core::option::Option<#t>)
                    }
                    TypeDefKind::Result(r) => {
                        let ok = match &r.ok {
                            Some(t) => self.ty(t, false)?,
                            None => quote!(()),
                        };
                        let err = match &r.err {
                            Some(t) => self.ty(t, false)?,
                            None => quote!(()),
                        };
                        quote!(::core::result::Result<#ok, #err>)
                    }
                    TypeDefKind::Tuple(t) => {
                        let ts = t
                            .types
                            .iter()
                            .map(|t| self.ty(t, false))
                            .collect::<syn::Result<Vec<_>>>()?;
                        quote!((#(#ts,)*))
                    }
                    TypeDefKind::Handle(h) => {
                        let (r, own) = match h {
                            wit_parser::Handle::Own(r) => (r, true),
                            wit_parser::Handle::Borrow(r) => (r, false),
                        };
                        // Resources the guest implements reach the host as `ResourceAny`.
                        if self.guest_resources.contains(r) {
                            quote!(::hostbind::ResourceAny)
                        } else {
                            let rt = self.ty(&Type::Id(*r), false)?;
                            if own {
                                quote!(::hostbind::Resource<#rt>)
                            } else {
                                quote!(::hostbind::Borrow<#rt>)
                            }
                        }
                    }
                    other => {
                        return Err(unsupported(
                            &format!("{other:?}")
                                .split('(')
                                .next()
                                .unwrap_or("?")
                                .to_lowercase(),
                        ));
                    }
                }
            }
        })
    }

    /// The item for a named type definition.
    fn type_def(&self, id: TypeId) -> syn::Result<Option<TokenStream>> {
        let def = &self.resolve.types[id];
        let Some(name) = &def.name else {
            return Ok(None);
        };
        let ident = camel(name);
        let doc = match &def.docs.contents {
            Some(d) => d.clone(),
            None => format!("The WIT type `{name}`."),
        };
        let derives = quote!(#[doc = #doc] #[derive(::hostbind::ComponentType, ::hostbind::Lift, ::hostbind::Lower, Clone, Debug, PartialEq)]);
        Ok(Some(match &def.kind {
            TypeDefKind::Record(r) => {
                let fields = r
                    .fields
                    .iter()
                    .map(|f| {
                        let n = &f.name;
                        let id = snake(n);
                        let t = self.ty(&f.ty, false)?;
                        let d = f
                            .docs
                            .contents
                            .clone()
                            .unwrap_or_else(|| format!("The field `{n}`."));
                        Ok(quote!(#[doc = #d] #[component(name = #n)] pub #id: #t))
                    })
                    .collect::<syn::Result<Vec<_>>>()?;
                quote!(#derives #[component(record, name = #name)] pub struct #ident { #(#fields),* })
            }
            TypeDefKind::Variant(v) => {
                let cases = v
                    .cases
                    .iter()
                    .map(|c| {
                        let n = &c.name;
                        let id = camel(n);
                        let d = c
                            .docs
                            .contents
                            .clone()
                            .unwrap_or_else(|| format!("The case `{n}`."));
                        Ok(match &c.ty {
                            Some(t) => {
                                let t = self.ty(t, false)?;
                                quote!(#[doc = #d] #[component(name = #n)] #id(#t))
                            }
                            None => quote!(#[doc = #d] #[component(name = #n)] #id),
                        })
                    })
                    .collect::<syn::Result<Vec<_>>>()?;
                quote!(#derives #[component(variant, name = #name)] pub enum #ident { #(#cases),* })
            }
            TypeDefKind::Enum(e) => {
                let cases = e.cases.iter().map(|c| {
                    let n = &c.name;
                    let id = camel(n);
                    let d = c
                        .docs
                        .contents
                        .clone()
                        .unwrap_or_else(|| format!("The case `{n}`."));
                    quote!(#[doc = #d] #[component(name = #n)] #id)
                });
                quote!(#[derive(Copy)] #derives #[component(enum, name = #name)] pub enum #ident { #(#cases),* })
            }
            TypeDefKind::Flags(f) => {
                let flags = f.flags.iter().map(|fl| {
                    let n = &fl.name;
                    let id = format_ident!("{}", n.replace('-', "_").to_uppercase());
                    let d = fl
                        .docs
                        .contents
                        .clone()
                        .unwrap_or_else(|| format!("The flag `{n}`."));
                    quote!(#[doc = #d] #[component(name = #n)] const #id;)
                });
                quote!(
                    ::hostbind::flags! { #[doc = #doc] #[component(name = #name)] pub struct #ident { #(#flags)* } }
                )
            }
            TypeDefKind::Type(_)
            | TypeDefKind::List(_)
            | TypeDefKind::Option(_)
            | TypeDefKind::Result(_)
            | TypeDefKind::Tuple(_) => {
                let t = self.structural(&Type::Id(id), false)?;
                quote!(#[doc = #doc] pub type #ident = #t;)
            }
            // The Rust type standing for a host resource in `Resource<T>`.
            TypeDefKind::Resource => quote!(#[doc = #doc] pub enum #ident {}),
            TypeDefKind::Handle(_) => {
                let t = self.structural(&Type::Id(id), false)?;
                quote!(#[doc = #doc] pub type #ident = #t;)
            }
            other => {
                return Err(unsupported(
                    &format!("{other:?}")
                        .split('(')
                        .next()
                        .unwrap_or("?")
                        .to_lowercase(),
                ));
            }
        }))
    }

    /// A `Host` trait, and `add_to_linker` defining its functions in the
    /// linker instance `instance` (or at the root for `None`).
    fn host(&self, funcs: &[&Function], instance: Option<&str>) -> syn::Result<TokenStream> {
        use wit_parser::FunctionKind;
        // Functions of a resource go into its own trait, `Host<Resource>`,
        // as in wasmtime's bindings; `Host` requires them all.
        let mut traits: Vec<(Option<TypeId>, syn::Ident, Vec<TokenStream>)> =
            vec![(None, format_ident!("Host"), Vec::new())];
        let mut glue = Vec::new();
        let mut defines = Vec::new();
        for f in funcs {
            let resource = match &f.kind {
                FunctionKind::Constructor(r)
                | FunctionKind::Method(r)
                | FunctionKind::Static(r) => Some(*r),
                FunctionKind::Freestanding => None,
                _ => return Err(unsupported("async functions")),
            };
            let trait_ident = match resource {
                None => format_ident!("Host"),
                Some(r) => {
                    let name = self.resolve.types[r].name.clone().unwrap_or_default();
                    let ident = format_ident!("Host{}", camel(&name));
                    if !traits.iter().any(|(id, _, _)| *id == Some(r)) {
                        let d = format!("Drops a `{name}` the guest no longer holds.");
                        let rty = self.ty(&Type::Id(r), false)?;
                        traits.push((
                            Some(r),
                            ident.clone(),
                            vec![quote!(#[doc = #d] fn drop(&mut self, rep: ::hostbind::Resource<#rty>) -> ::hostbind::Result<()>;)],
                        ));
                        let wname = &name;
                        defines.push(quote!(inst.resource::<#rty>(#wname, |data: &mut T, r| <T as #ident>::drop(data, r))?;));
                    }
                    ident
                }
            };
            let m = match &f.kind {
                FunctionKind::Constructor(_) => format_ident!("new"),
                _ => snake(f.item_name()),
            };
            let params: Vec<(syn::Ident, TokenStream)> = f
                .params
                .iter()
                .map(|p| {
                    let name = if p.name == "self" {
                        format_ident!("this")
                    } else {
                        snake(&p.name)
                    };
                    Ok((name, self.ty(&p.ty, true)?))
                })
                .collect::<syn::Result<_>>()?;
            let pnames: Vec<_> = params.iter().map(|(n, _)| n).collect();
            let ptys: Vec<_> = params.iter().map(|(_, t)| t).collect();
            let ret = match &f.result {
                Some(t) => {
                    let t = self.ty(t, false)?;
                    quote!(-> #t)
                }
                None => quote!(),
            };
            let d = f
                .docs
                .contents
                .clone()
                .unwrap_or_else(|| format!("The import `{}`.", f.name));
            if let Some((_, _, methods)) = traits.iter_mut().find(|(_, id, _)| *id == trait_ident) {
                methods.push(quote!(#[doc = #d] fn #m(&mut self, #(#pnames: #ptys),*) #ret;));
            }
            let flat_name: String = f
                .name
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            // An alias keeps `#[host_fn]` from reading a WIT `result` as
            // its error channel.
            let alias = format_ident!("__Ret_{}", flat_name);
            let (alias_def, gret) = match &f.result {
                Some(t) => {
                    let t = self.ty(t, false)?;
                    (
                        quote!(#[allow(non_camel_case_types)] type #alias = #t;),
                        quote!(-> #alias),
                    )
                }
                None => (quote!(), quote!()),
            };
            let gname = format_ident!("__{}", flat_name);
            glue.push(quote! {
                #alias_def
                #[::hostbind::host_fn(crate = ::hostbind, __store_bound = Host)]
                fn #gname(data: &mut __T, #(#pnames: #ptys),*) #gret {
                    <__T as #trait_ident>::#m(data, #(#pnames),*)
                }
            });
            let wname = &f.name;
            defines.push(quote!(inst.func(#wname, #gname)?;));
        }
        let target = match instance {
            Some(i) => quote!(let mut inst = linker.instance(#i)?;),
            None => quote!(let mut inst = linker;),
        };
        let supers: Vec<_> = traits.iter().skip(1).map(|(_, id, _)| id.clone()).collect();
        let mut trait_defs = Vec::new();
        for (i, (_, ident, methods)) in traits.iter().enumerate() {
            if i == 0 {
                let bound = if supers.is_empty() {
                    quote!()
                } else {
                    quote!(: #(#supers)+*)
                };
                trait_defs.push(quote! {
                    /// The host's side of these imports.
                    pub trait #ident #bound {
                        #(#methods)*
                    }
                });
            } else {
                trait_defs.push(quote! {
                    /// The host's side of a resource of these imports.
                    pub trait #ident {
                        #(#methods)*
                    }
                });
            }
        }
        Ok(quote! {
            #(#trait_defs)*

            /// Defines every function and resource of these imports in
            /// `linker`, calling the store's data as the [`Host`].
            pub fn add_to_linker<T: Host + 'static>(linker: &mut ::hostbind::Linker<T>) -> ::hostbind::Result<()> {
                #(#glue)*
                #target
                #(#defines)*
                let _ = &mut inst;
                Ok(())
            }
        })
    }
}

fn unsupported(what: &str) -> syn::Error {
    syn::Error::new(
        Span::call_site(),
        format!("`bindgen!` does not support {what} yet"),
    )
}

/// Expands `bindgen!({ .. })`. With `HOSTBIND_DUMP=dir` set, the expansion
/// is also written to `dir/bindgen-<hash>.rs` for reading.
pub(crate) fn bindgen(input: TokenStream) -> TokenStream {
    match expand(input) {
        Ok(t) => {
            if let Some(dir) = std::env::var_os("HOSTBIND_DUMP") {
                use std::hash::{Hash, Hasher};
                let text = t.to_string();
                let mut h = std::collections::hash_map::DefaultHasher::new();
                text.hash(&mut h);
                let path =
                    std::path::Path::new(&dir).join(format!("bindgen-{:016x}.rs", h.finish()));
                // Best effort: a dump that cannot be written is no reason to fail the build.
                let _ = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(path, text));
            }
            t
        }
        Err(e) => e.into_compile_error(),
    }
}

fn expand(input: TokenStream) -> syn::Result<TokenStream> {
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
    let mut g = Gen {
        resolve: &resolve,
        guest_resources: std::collections::HashSet::new(),
        paths: HashMap::new(),
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
            let full = format!("{}:{}/{}", pkg.namespace, pkg.name, name);
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
    for (_, item) in &world.imports {
        if let WorldItem::Type { id: tid, .. } = item
            && let Some(n) = &resolve.types[*tid].name
        {
            let ident = camel(n);
            g.paths.insert(*tid, quote!(#ident));
        }
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

    let mut modules: HashMap<String, Vec<(Vec<syn::Ident>, TokenStream)>> = HashMap::new();
    let mut add_calls = Vec::new();
    let mut bounds = Vec::new();
    for (id, path, full) in &iface_mods {
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
            if let Some(t) = g.type_def(*tid)? {
                items.push(t);
            }
        }
        let imported = world
            .imports
            .values()
            .any(|i| matches!(i, WorldItem::Interface { id: x, .. } if x == id));
        // An interface imported only for its types (`use`) has no `Host`.
        if imported && !iface.functions.is_empty() {
            let funcs: Vec<&Function> = iface.functions.values().collect();
            items.push(g.host(&funcs, Some(full))?);
            add_calls.push(quote!(#(#path)::*::add_to_linker(linker)?;));
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
                if let Some(t) = g.type_def(*tid)? {
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
        let h = g.host(&root_funcs, None)?;
        add_calls.push(quote!(add_to_linker(linker)?;));
        bounds.push(quote!(Host));
        h
    };

    // Exports: typed calls on the world struct.
    let world_ident = camel(&world.name);
    let mut calls = Vec::new();
    for (key, item) in &world.exports {
        let mut push = |export: String, method: syn::Ident, f: &Function| -> syn::Result<()> {
            let params: Vec<(syn::Ident, TokenStream)> = f
                .params
                .iter()
                .map(|p| Ok((snake(&p.name), g.ty(&p.ty, true)?)))
                .collect::<syn::Result<_>>()?;
            let pn: Vec<_> = params.iter().map(|(n, _)| n).collect();
            let pt: Vec<_> = params.iter().map(|(_, t)| t).collect();
            let (rt, ret) = match &f.result {
                Some(t) => {
                    let t = g.ty(t, false)?;
                    (quote!((#t,)), quote!(#t))
                }
                None => (quote!(()), quote!(())),
            };
            let unpack = if f.result.is_some() {
                quote!(Ok(r.0))
            } else {
                quote!(Ok(r))
            };
            calls.push(quote! {
                /// Calls the component's export of this name.
                pub fn #method<D: 'static>(&self, store: &mut ::hostbind::Store<D>, #(#pn: #pt),*) -> ::hostbind::Result<#ret> {
                    let f = self.instance.get_typed_func::<(#(#pt,)*), #rt>(store, #export)?;
                    let r = f.call(store, (#(#pn,)*))?;
                    #unpack
                }
            });
            Ok(())
        };
        match (key, item) {
            (WorldKey::Name(n), WorldItem::Function(f)) => {
                push(n.clone(), format_ident!("call_{}", n.replace('-', "_")), f)?
            }
            (_, WorldItem::Interface { id, .. }) => {
                let full = iface_mods
                    .iter()
                    .find(|(i, _, _)| i == id)
                    .map(|(_, _, f)| f.clone())
                    .unwrap_or_default();
                let short = resolve.interfaces[*id].name.clone().unwrap_or_default();
                for f in resolve.interfaces[*id].functions.values() {
                    let method = format_ident!(
                        "call_{}_{}",
                        short.replace('-', "_"),
                        f.name.replace('-', "_")
                    );
                    push(format!("{full}#{}", f.name), method, f)?;
                }
            }
            _ => {}
        }
    }
    let sources = sources.iter().filter_map(|s| s.to_str()).map(|s| {
        quote!(
            const _: &[u8] = ::core::include_bytes!(#s);
        )
    });

    Ok(quote! {
        #(#root)*
        #root_host
        #(#nested)*
        #(#sources)*

        /// An instance of the world's component.
        pub struct #world_ident {
            instance: ::hostbind::Instance,
        }

        impl #world_ident {
            /// Defines every import of the world in `linker`.
            pub fn add_to_linker<T>(linker: &mut ::hostbind::Linker<T>) -> ::hostbind::Result<()>
            where
                T: 'static #(+ #bounds)*,
            {
                #(#add_calls)*
                Ok(())
            }

            /// Instantiates `component` with `linker`'s host functions.
            pub fn instantiate<T: 'static>(
                store: &mut ::hostbind::Store<T>,
                component: &::hostbind::Component,
                linker: &::hostbind::Linker<T>,
            ) -> ::hostbind::Result<Self> {
                Ok(#world_ident { instance: linker.instantiate(store, component)? })
            }

            /// The underlying instance.
            pub fn instance(&self) -> ::hostbind::Instance {
                self.instance
            }

            #(#calls)*
        }
    })
}
