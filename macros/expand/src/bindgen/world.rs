//! The world struct: instantiation and typed calls of the exports.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use wit_parser::{
    Function, FunctionKind, InterfaceId, Resolve, TypeId, World, WorldItem, WorldKey,
};

use super::names::param;
use super::types::{Gen, Mode, unsupported};

/// One `call_*` method per exported function, root or of an exported
/// interface (`iface_mods` gives each interface's full name), calling a
/// typed function that `instantiate` looks up: a component lacking an
/// export, or exporting it with another type, fails there, and a call
/// neither looks up nor typechecks anything.
pub(super) fn export_calls(
    g: &Gen<'_>,
    world: &World,
    iface_mods: &[(InterfaceId, Vec<syn::Ident>, String)],
) -> syn::Result<Exports> {
    let resolve = g.resolve;
    let mut out = Exports::default();
    for (key, item) in &world.exports {
        let mut push = |export: String, method: syn::Ident, f: &Function| -> syn::Result<()> {
            if !matches!(
                f.kind,
                FunctionKind::Freestanding
                    | FunctionKind::Constructor(_)
                    | FunctionKind::Method(_)
                    | FunctionKind::Static(_)
            ) {
                return Err(unsupported("async functions"));
            }
            let params: Vec<(syn::Ident, TokenStream)> = f
                .params
                .iter()
                .map(|p| Ok((param(&p.name), g.ty(&p.ty, Mode::Export)?)))
                .collect::<syn::Result<_>>()?;
            let pn: Vec<_> = params.iter().map(|(n, _)| n).collect();
            let pt: Vec<_> = params.iter().map(|(_, t)| t).collect();
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
                Some(d) => format!("{d}\n\nCalls the export `{export}`."),
                None => format!("Calls the export `{export}`."),
            };
            let field = format_ident!("__{}", method);
            let fty = quote!(::hostbind::TypedFunc<(#(#owned,)*), #rt>);
            out.fields.push(quote!(#field: #fty,));
            out.inits.push(
                quote!(#field: instance.get_typed_func::<(#(#owned,)*), #rt>(store, #export)?,),
            );
            out.calls.push(quote! {
                #[doc = #doc]
                pub fn #method<D: 'static>(&self, store: &mut ::hostbind::Store<D>, #(#pn: #pt),*) -> ::hostbind::Result<#ret> {
                    let __r = self.#field.call_as(store, (#(#pn,)*))?;
                    #unpack
                }
            });
            Ok(())
        };
        match (key, item) {
            (WorldKey::Name(n), WorldItem::Function(f)) => push(
                n.clone(),
                format_ident!("call_{}", call_name(resolve, f).replace('-', "_")),
                f,
            )?,
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
                        call_name(resolve, f).replace('-', "_")
                    );
                    push(format!("{full}#{}", f.name), method, f)?;
                }
            }
            _ => {}
        }
    }
    Ok(out)
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
}

/// The name a call method takes after `call_`: the function's, or for a
/// resource's functions `<resource>_new` and `<resource>_<name>`.
fn call_name(resolve: &Resolve, f: &Function) -> String {
    let resource = |r: &TypeId| resolve.types[*r].name.clone().unwrap_or_default();
    match &f.kind {
        FunctionKind::Constructor(r) => format!("{}_new", resource(r)),
        FunctionKind::Method(r) | FunctionKind::Static(r) => {
            format!("{}_{}", resource(r), f.item_name())
        }
        _ => f.name.clone(),
    }
}
