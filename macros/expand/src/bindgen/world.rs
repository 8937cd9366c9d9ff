//! The world struct: instantiation and typed calls of the exports.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use wit_parser::{
    Function, FunctionKind, Resolve, Type, TypeDefKind, TypeId, World, WorldItem, WorldKey,
};

use super::ifaces::Iface;
use super::names::{camel, param, snake};
use super::types::{Gen, Mode, Side, unsupported};

/// One `call_*` method per exported function, root or of an exported
/// interface (`ifaces` gives each interface's names), calling a
/// typed function that `instantiate` looks up: a component lacking an
/// export, or exporting it with another type, fails there, and a call
/// neither looks up nor typechecks anything.
pub(super) fn export_calls(
    g: &Gen<'_>,
    world: &World,
    world_ident: &syn::Ident,
    ifaces: &[Iface],
) -> syn::Result<Exports> {
    let resolve = g.resolve;
    let mut out = Exports::default();
    // `world.iface()` views, and `iface.resource()` views inside them, in
    // the shape of wasmtime's bindings: name, doc, methods, sub-views.
    let mut views: Vec<View> = Vec::new();
    for (key, item) in &world.exports {
        let mut push = |export: String,
                        method: syn::Ident,
                        f: &Function,
                        view: Option<(usize, syn::Ident)>|
         -> syn::Result<Placed> {
            // A typed call stands for the guest's resources with one
            // `ResourceAny` type, checked against one resource type.
            let mut guest = Vec::new();
            for t in f.params.iter().map(|p| &p.ty).chain(f.result.as_ref()) {
                guest_resources(g, t, &mut guest, &mut HashSet::new());
            }
            if let [a, b, ..] = &guest[..] {
                let name = |r: &TypeId| g.resolve.types[*r].name.clone().unwrap_or_default();
                return Err(unsupported(&format!(
                    "exported functions over two resource types of the guest (`{export}` has `{}` and `{}`)",
                    name(a),
                    name(b)
                )));
            }
            // A top-level `borrow` of a guest resource takes the
            // `ResourceAny` itself, and lends it as a `BorrowAny`.
            let params: Vec<(syn::Ident, TokenStream)> = f
                .params
                .iter()
                .map(|p| {
                    let ty = if g.guest_borrow(&p.ty) {
                        quote!(::hostbind::ResourceAny)
                    } else {
                        g.ty(&p.ty, Mode::Export)?
                    };
                    Ok((param(&p.name), ty))
                })
                .collect::<syn::Result<_>>()?;
            let pn: Vec<_> = params.iter().map(|(n, _)| n).collect();
            let pt: Vec<_> = params.iter().map(|(_, t)| t).collect();
            let lent: Vec<bool> = f.params.iter().map(|p| g.guest_borrow(&p.ty)).collect();
            let lend = |arg: TokenStream, lent: bool| {
                if lent {
                    quote!(::hostbind::BorrowAny::from(#arg))
                } else {
                    arg
                }
            };
            let args: Vec<TokenStream> = pn
                .iter()
                .zip(&lent)
                .map(|(n, l)| lend(quote!(#n), *l))
                .collect();
            // The stored function takes the params' owned types; a call
            // lends borrowed ones of the same component types.
            let owned = f
                .params
                .iter()
                .map(|p| g.ty(&p.ty, Mode::Owned))
                .collect::<syn::Result<Vec<_>>>()?;
            let (rt, ret) = match &f.result {
                Some(t) => {
                    let t = g.ty(t, Mode::Owned)?;
                    (quote!((#t,)), quote!(#t))
                }
                None => (quote!(()), quote!(())),
            };
            let unpack = if f.result.is_some() {
                quote!(Ok(__r.0))
            } else {
                quote!(Ok(__r))
            };
            let doc = match &f.docs.contents {
                Some(d) => format!(
                    "{}\n\nCalls the export `{export}`.",
                    super::types::fence_as_text(d)
                ),
                None => format!("Calls the export `{export}`."),
            };
            let field = format_ident!("__{}", method);
            let fty = quote!(::hostbind::TypedFunc<(#(#owned,)*), #rt>);
            out.fields.push(quote!(#field: #fty,));
            out.inits.push(
                quote!(#field: instance.get_typed_func::<(#(#owned,)*), #rt>(store, #export)?,),
            );
            // One method calling the stored function: `recv` are its params
            // before `store`, `world` reaches the world struct, and `lead`
            // comes before the call's own args.
            let is_async = matches!(
                f.kind,
                FunctionKind::AsyncFreestanding
                    | FunctionKind::AsyncMethod(_)
                    | FunctionKind::AsyncStatic(_)
            );
            let call = |name: &syn::Ident,
                        recv: TokenStream,
                        world: TokenStream,
                        lead: TokenStream,
                        (pn, pt, args): (&[&syn::Ident], &[&TokenStream], &[TokenStream]),
                        (ret, done): (TokenStream, TokenStream)| {
                // An `async func` also gets `<name>_async`, which lets the
                // store's other tasks and the host's futures run while it
                // waits.
                let async_call = is_async.then(|| {
                    let name_async = format_ident!("{}_async", name);
                    let adoc = format!("{doc}\n\nWaits without blocking: see `TypedFunc::call_async`.");
                    quote! {
                        #[doc = #adoc]
                        pub async fn #name_async<D: 'static>(#recv store: &mut ::hostbind::Store<D>, #(#pn: #pt),*) -> ::hostbind::Result<#ret> {
                            let __r = #world.#field.start_as(store, (#lead #(#args,)*))?.finish(store).await?;
                            #done
                        }
                    }
                });
                quote! {
                    #async_call
                    #[doc = #doc]
                    pub fn #name<D: 'static>(#recv store: &mut ::hostbind::Store<D>, #(#pn: #pt),*) -> ::hostbind::Result<#ret> {
                        let __r = #world.#field.call_as(store, (#lead #(#args,)*))?;
                        #done
                    }
                }
            };
            let all = (&pn[..], &pt[..], &args[..]);
            let returns = || (ret.clone(), unpack.clone());
            out.calls.push(call(
                &method,
                quote!(&self,),
                quote!(self),
                quote!(),
                all,
                returns(),
            ));
            // On the typed wrapper of a guest resource: `new`, methods
            // on `&self`, statics taking the world.
            let w = quote!(world: &#world_ident,);
            let wrapper = match &f.kind {
                FunctionKind::Constructor(_) => Some(call(
                    &format_ident!("new"),
                    w,
                    quote!(world),
                    quote!(),
                    all,
                    (quote!(Self), quote!(Ok(Self(__r.0)))),
                )),
                FunctionKind::Method(_) | FunctionKind::AsyncMethod(_) => Some(call(
                    &wrapper_name(f.item_name()),
                    quote!(&self, #w),
                    quote!(world),
                    {
                        let this = lend(quote!(self.0), lent.first().copied().unwrap_or(false));
                        quote!(#this,)
                    },
                    (&pn[1..], &pt[1..], &args[1..]),
                    returns(),
                )),
                FunctionKind::Static(_) | FunctionKind::AsyncStatic(_) => Some(call(
                    &wrapper_name(f.item_name()),
                    w,
                    quote!(world),
                    quote!(),
                    all,
                    returns(),
                )),
                _ => None,
            };
            // The same call, on the view the function belongs to.
            let on_view = view.map(|(v, name)| {
                (
                    v,
                    call(
                        &name,
                        quote!(&self,),
                        quote!(self.world),
                        quote!(),
                        all,
                        returns(),
                    ),
                )
            });
            Ok((on_view, wrapper))
        };
        match (key, item) {
            (WorldKey::Name(n), WorldItem::Function(f)) => push(
                n.clone(),
                format_ident!("call_{}", call_name(resolve, f).replace('-', "_")),
                f,
                None,
            )
            .map(|_| ())?,
            (_, WorldItem::Interface { id, .. }) => {
                let Some(Iface { full, short, .. }) = ifaces
                    .iter()
                    .find(|i| i.side == Side::Export && i.id == *id)
                else {
                    continue;
                };
                let iface_view = views.len();
                views.push(View::new(
                    format_ident!("{}Guest", camel(short)),
                    snake(short),
                    format!("The exports of `{full}`."),
                    None,
                ));
                for f in resolve.interfaces[*id].functions.values() {
                    let method = format_ident!(
                        "call_{}_{}",
                        short.replace('-', "_"),
                        call_name(resolve, f).replace('-', "_")
                    );
                    // In the views: `call_<func>`, and a resource's
                    // functions on its own view, `call_constructor` and
                    // `call_<name>`.
                    let view = match &f.kind {
                        FunctionKind::Constructor(r)
                        | FunctionKind::Method(r)
                        | FunctionKind::Static(r)
                        | FunctionKind::AsyncMethod(r)
                        | FunctionKind::AsyncStatic(r) => {
                            let rname = resolve.types[*r].name.clone().unwrap_or_default();
                            let rv = match views.iter().position(|v| v.resource == Some(*r)) {
                                Some(i) => i,
                                None => {
                                    views.push(View::new(
                                        format_ident!("{}{}Guest", camel(short), camel(&rname)),
                                        snake(&rname),
                                        format!("The functions of resource `{rname}` of `{full}`."),
                                        Some(*r),
                                    ));
                                    let added = views.len() - 1;
                                    views[iface_view].children.push(added);
                                    added
                                }
                            };
                            let name = match f.kind {
                                FunctionKind::Constructor(_) => format_ident!("call_constructor"),
                                _ => format_ident!("call_{}", f.item_name().replace('-', "_")),
                            };
                            (rv, name)
                        }
                        _ => (
                            iface_view,
                            format_ident!("call_{}", f.name.replace('-', "_")),
                        ),
                    };
                    let (on_view, wrapper) =
                        push(format!("{full}#{}", f.name), method, f, Some(view))?;
                    if let Some((v, m)) = on_view {
                        views[v].methods.push(m);
                        if let Some(w) = wrapper {
                            views[v].wrapper.push(w);
                        }
                    }
                }
                views[iface_view].top = true;
            }
            _ => {}
        }
    }
    for v in &views {
        let View {
            ident,
            doc,
            methods,
            ..
        } = v;
        let accessors = v.children.iter().map(|c| {
            let View {
                ident: cid,
                accessor,
                doc,
                ..
            } = &views[*c];
            quote! {
                #[doc = #doc]
                pub fn #accessor(&self) -> #cid<'a> {
                    #cid { world: self.world }
                }
            }
        });
        out.views.push(quote! {
            #[doc = #doc]
            #[derive(Clone, Copy)]
            pub struct #ident<'a> {
                world: &'a #world_ident,
            }

            #[allow(clippy::too_many_arguments)]
            impl<'a> #ident<'a> {
                #(#accessors)*
                #(#methods)*
            }
        });
        if let Some(r) = v.resource {
            let rname = resolve.types[r].name.clone().unwrap_or_default();
            let base = format!("Guest{}", camel(&rname));
            // Two exported interfaces may each define a resource of one name.
            let clash = views
                .iter()
                .filter(|o| {
                    o.resource
                        .is_some_and(|x| resolve.types[x].name == resolve.types[r].name)
                })
                .count()
                > 1;
            let wid = if clash {
                format_ident!("Guest{}", ident.to_string().trim_end_matches("Guest"))
            } else {
                format_ident!("{}", base)
            };
            let wdoc = format!(
                "An owned `{rname}` that the guest implements, with its constructor and methods; `{ident}` has the same calls on a bare `ResourceAny`."
            );
            let wmethods = &v.wrapper;
            out.views.push(quote! {
                #[doc = #wdoc]
                #[derive(Clone, Copy, Debug, PartialEq, Eq)]
                pub struct #wid(pub ::hostbind::ResourceAny);

                #[allow(clippy::too_many_arguments)]
                impl #wid {
                    #(#wmethods)*

                    /// Drops the handle; the guest's destructor runs.
                    pub fn drop<D: 'static>(self, store: &mut ::hostbind::Store<D>) -> ::hostbind::Result<()> {
                        self.0.drop(store)
                    }

                    /// The handle, to pass where the WIT takes this resource.
                    pub fn handle(&self) -> ::hostbind::ResourceAny {
                        self.0
                    }
                }

                impl ::core::convert::From<::hostbind::ResourceAny> for #wid {
                    fn from(handle: ::hostbind::ResourceAny) -> Self {
                        #wid(handle)
                    }
                }
            });
        }
        if v.top {
            let accessor = &v.accessor;
            out.calls.push(quote! {
                #[doc = #doc]
                pub fn #accessor(&self) -> #ident<'_> {
                    #ident { world: self }
                }
            });
        }
    }
    Ok(out)
}

/// The world struct's name: the world's, in `UpperCamelCase`, or with
/// `World` after it where that is the name of an item the world's root
/// imports generate (`world host` has a root `Host` trait).
pub(crate) fn struct_name(resolve: &Resolve, id: wit_parser::WorldId) -> syn::Ident {
    let world = &resolve.worlds[id];
    let name = camel(&world.name);
    let mut root_funcs = false;
    let taken = world.imports.values().any(|item| match item {
        WorldItem::Function(_) => {
            root_funcs = true;
            false
        }
        WorldItem::Type { id, .. } => {
            let t = &resolve.types[*id];
            let n = t.name.as_deref().map(camel);
            n.as_ref() == Some(&name)
                || (matches!(t.kind, wit_parser::TypeDefKind::Resource)
                    && n.is_some_and(|n| format_ident!("Host{n}") == name))
        }
        WorldItem::Interface { .. } => false,
    });
    let has_root_host = root_funcs
        || world.imports.values().any(|item| {
            matches!(item, WorldItem::Type { id, .. }
                if matches!(resolve.types[*id].kind, wit_parser::TypeDefKind::Resource))
        });
    if taken || (has_root_host && name == "Host") {
        format_ident!("{name}World")
    } else {
        name
    }
}

/// Where one exported function's calls go besides the world struct: the
/// view it belongs to with the call, and the typed handle's method.
type Placed = (Option<(usize, TokenStream)>, Option<TokenStream>);

/// A wrapper method's name: the function's, unless it would shadow one
/// of the wrapper's own.
fn wrapper_name(name: &str) -> syn::Ident {
    let n = name.replace('-', "_");
    match n.as_str() {
        "new" | "drop" | "handle" => format_ident!("call_{n}"),
        _ => snake(name),
    }
}

/// A view of some exports: an exported interface's, or a resource's in it.
struct View {
    ident: syn::Ident,
    accessor: syn::Ident,
    doc: String,
    resource: Option<TypeId>,
    methods: Vec<TokenStream>,
    /// A resource view's typed-handle methods (`new`, methods, statics).
    wrapper: Vec<TokenStream>,
    /// The resource views of an interface view.
    children: Vec<usize>,
    /// Reached from the world struct.
    top: bool,
}

impl View {
    fn new(ident: syn::Ident, accessor: syn::Ident, doc: String, resource: Option<TypeId>) -> View {
        View {
            ident,
            accessor,
            doc,
            resource,
            methods: Vec::new(),
            wrapper: Vec::new(),
            children: Vec::new(),
            top: false,
        }
    }
}

/// What the world struct gets for its exports.
#[derive(Default)]
pub(super) struct Exports {
    /// A `call_*` method per export.
    pub(super) calls: Vec<TokenStream>,
    /// A field per export: its typed function, looked up and typechecked
    /// once, by `instantiate`.
    pub(super) fields: Vec<TokenStream>,
    /// The initialisers of `fields`.
    pub(super) inits: Vec<TokenStream>,
    /// The view structs of exported interfaces and their resources.
    pub(super) views: Vec<TokenStream>,
}

/// Adds to `out` the guest's resource types whose handles `ty` holds,
/// outside streams and futures (whose values move in copies of their own).
fn guest_resources(g: &Gen<'_>, ty: &Type, out: &mut Vec<TypeId>, seen: &mut HashSet<TypeId>) {
    let Type::Id(id) = ty else { return };
    if !seen.insert(*id) {
        return;
    }
    let mut inner: Vec<&Type> = Vec::new();
    match &g.resolve.types[*id].kind {
        TypeDefKind::Handle(wit_parser::Handle::Own(r) | wit_parser::Handle::Borrow(r)) => {
            let r = super::types::dealias(g.resolve, *r);
            if g.is_guest(r) && !out.contains(&r) {
                out.push(r);
            }
        }
        TypeDefKind::Record(r) => inner.extend(r.fields.iter().map(|f| &f.ty)),
        TypeDefKind::Variant(v) => inner.extend(v.cases.iter().filter_map(|c| c.ty.as_ref())),
        TypeDefKind::Tuple(t) => inner.extend(t.types.iter()),
        TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => inner.push(t),
        TypeDefKind::Result(r) => inner.extend(r.ok.iter().chain(r.err.iter())),
        _ => {}
    }
    for t in inner {
        guest_resources(g, t, out, seen);
    }
}

/// The name a call method takes after `call_`: the function's, or for a
/// resource's functions `<resource>_new` and `<resource>_<name>`.
fn call_name(resolve: &Resolve, f: &Function) -> String {
    let resource = |r: &TypeId| resolve.types[*r].name.clone().unwrap_or_default();
    match &f.kind {
        FunctionKind::Constructor(r) => format!("{}_new", resource(r)),
        FunctionKind::Method(r)
        | FunctionKind::Static(r)
        | FunctionKind::AsyncMethod(r)
        | FunctionKind::AsyncStatic(r) => format!("{}_{}", resource(r), f.item_name()),
        _ => f.name.clone(),
    }
}
