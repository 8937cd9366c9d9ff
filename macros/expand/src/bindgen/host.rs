//! The `Host` traits of imports and the `add_to_linker` that wires them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use wit_parser::{Function, Type, TypeId};

use super::names::{camel, param, snake};
use super::types::{Gen, Mode, doc, unsupported};

impl Gen<'_> {
    /// A `Host` trait, and `add_to_linker` defining its functions in the
    /// linker instance `instance` (or at the root for `None`).
    pub(super) fn host(
        &self,
        funcs: &[&Function],
        resources: &[TypeId],
        instance: Option<&str>,
    ) -> syn::Result<TokenStream> {
        use wit_parser::FunctionKind;
        // Functions of a resource go into its own trait, `Host<Resource>`,
        // as in wasmtime's bindings; `Host` requires them all.
        let mut traits: Vec<(Option<TypeId>, syn::Ident, Vec<TokenStream>)> =
            vec![(None, format_ident!("Host"), Vec::new())];
        let mut glue = Vec::new();
        let mut defines = Vec::new();
        // Each resource gets its trait, with its destructor, whether or not
        // it has methods (`wasi:sockets/network#network` has none).
        let resource_trait = |r: TypeId,
                              traits: &mut Vec<(Option<TypeId>, syn::Ident, Vec<TokenStream>)>,
                              defines: &mut Vec<TokenStream>|
         -> syn::Result<syn::Ident> {
            let name = self.resolve.types[r].name.clone().unwrap_or_default();
            let ident = format_ident!("Host{}", camel(&name));
            if !traits.iter().any(|(id, _, _)| *id == Some(r)) {
                let d = format!("Drops a `{name}` the guest no longer holds.");
                let rty = self.ty(&Type::Id(r), Mode::Owned)?;
                traits.push((
                    Some(r),
                    ident.clone(),
                    vec![quote!(#[doc = #d] fn drop(&mut self, rep: ::hostbind::Resource<#rty>) -> ::hostbind::Result<()>;)],
                ));
                let wname = &name;
                defines.push(quote!(inst.resource::<#rty>(#wname, move |data: &mut T, r| <U as #ident>::drop(get(data), r))?;));
            }
            Ok(ident)
        };
        for r in resources {
            resource_trait(*r, &mut traits, &mut defines)?;
        }
        let import_mode = if self.owning {
            Mode::Owned
        } else {
            Mode::Import
        };
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
                Some(r) => resource_trait(r, &mut traits, &mut defines)?,
            };
            let m = match &f.kind {
                FunctionKind::Constructor(_) => format_ident!("new"),
                _ => snake(f.item_name()),
            };
            let params: Vec<(syn::Ident, TokenStream)> = f
                .params
                .iter()
                .map(|p| Ok((param(&p.name), self.ty(&p.ty, import_mode)?)))
                .collect::<syn::Result<_>>()?;
            let pnames: Vec<_> = params.iter().map(|(n, _)| n).collect();
            let ptys: Vec<_> = params.iter().map(|(_, t)| t).collect();
            let ret = match (&f.result, self.trappable) {
                (Some(t), false) => {
                    let t = self.ty(t, Mode::Owned)?;
                    quote!(-> #t)
                }
                (Some(t), true) => {
                    let t = self.ty(t, Mode::Owned)?;
                    quote!(-> ::hostbind::Result<#t>)
                }
                (None, false) => quote!(),
                (None, true) => quote!(-> ::hostbind::Result<()>),
            };
            let d = doc(&f.docs, || format!("The import `{}`.", f.name));
            if let Some((_, _, methods)) = traits.iter_mut().find(|(_, id, _)| *id == trait_ident) {
                methods.push(quote!(#[doc = #d] fn #m(&mut self, #(#pnames: #ptys),*) #ret;));
            }
            let flat_name: String = f
                .name
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            // An alias keeps `#[host_fn]` from reading a WIT `result` as
            // its error channel; a trappable method's `hostbind::Result` is
            // that channel.
            let alias = format_ident!("__Ret_{}", flat_name);
            let (alias_def, gret) = match &f.result {
                Some(t) => {
                    let t = self.ty(t, Mode::Owned)?;
                    let gret = if self.trappable {
                        quote!(-> ::hostbind::Result<#alias>)
                    } else {
                        quote!(-> #alias)
                    };
                    (
                        quote!(#[allow(non_camel_case_types)] type #alias = #t;),
                        gret,
                    )
                }
                None if self.trappable => (quote!(), quote!(-> ::hostbind::Result<()>)),
                None => (quote!(), quote!()),
            };
            let gname = format_ident!("__{}", flat_name);
            let full_name = match instance {
                Some(i) => format!("{i}#{}", f.name),
                None => f.name.clone(),
            };
            glue.push(quote! {
                #alias_def
                #[::hostbind::host_fn(crate = ::hostbind, __host_bound = Host, __name = #full_name)]
                fn #gname(__host: &mut __T, #(#pnames: #ptys),*) #gret {
                    <__T as #trait_ident>::#m(__host, #(#pnames),*)
                }
            });
            let wname = &f.name;
            defines.push(quote!(inst.func(#wname, #gname.with_getter(get))?;));
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
                let what = match instance {
                    Some(i) => format!("the imports of `{i}`"),
                    None => "the world's root-level imports".to_string(),
                };
                let message = format!("`{{Self}}` does not implement {what}");
                let label = format!("this does not implement `Host` for {what}");
                let doc = format!("The host's side of {what}.");
                trait_defs.push(quote! {
                    #[doc = #doc]
                    #[diagnostic::on_unimplemented(
                        message = #message,
                        label = #label,
                        note = "implement this `Host` for it, or give `add_to_linker` a getter that returns the part of the store's data that implements it"
                    )]
                    #[allow(clippy::too_many_arguments)]
                    pub trait #ident #bound {
                        #(#methods)*
                    }
                });
            } else {
                trait_defs.push(quote! {
                    /// The host's side of a resource of these imports.
                    #[allow(clippy::too_many_arguments)]
                    pub trait #ident {
                        #(#methods)*
                    }
                });
            }
        }
        Ok(quote! {
            #(#trait_defs)*

            /// Defines every function and resource of these imports in
            /// `linker`, calling the [`Host`] that `get` finds in the
            /// store's data (`|data| data` when the data is the host).
            pub fn add_to_linker<T: 'static, U: Host + 'static>(
                linker: &mut ::hostbind::Linker<T>,
                get: fn(&mut T) -> &mut U,
            ) -> ::hostbind::Result<()> {
                #(#glue)*
                #target
                #(#defines)*
                let _ = &mut inst;
                Ok(())
            }
        })
    }
}
