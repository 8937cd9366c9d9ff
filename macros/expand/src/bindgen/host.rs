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
            let full_name = match instance {
                Some(i) => format!("{i}#{}", f.name),
                None => f.name.clone(),
            };
            defines.push(glue(&GlueFn {
                name: &full_name,
                params: f
                    .params
                    .iter()
                    .map(|p| p.name.as_str())
                    .zip(ptys.iter().copied())
                    .collect(),
                result: match &f.result {
                    Some(t) => Some(self.ty(t, Mode::Owned)?),
                    None => None,
                },
                trappable: self.trappable,
                call: quote!(<__H as #trait_ident>::#m),
                wname: &f.name,
            }));
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
                #target
                #(#defines)*
                let _ = &mut inst;
                Ok(())
            }
        })
    }
}

/// One imported function, as its glue needs it.
struct GlueFn<'a> {
    /// The name messages use: the import's, with its interface.
    name: &'a str,
    /// Each param's WIT name and its type in the trait method.
    params: Vec<(&'a str, &'a TokenStream)>,
    result: Option<TokenStream>,
    trappable: bool,
    /// The trait method, generic over the host `__H`.
    call: TokenStream,
    /// The name the function is defined under in the linker instance.
    wname: &'a str,
}

/// Defines one imported function in `inst`: its signature, and an
/// entrypoint that hands the lifting, the getter and the lowering to
/// `hostbind::__private::enter_getter`, so each function expands to the
/// few lines that differ.
fn glue(f: &GlueFn<'_>) -> TokenStream {
    let p = quote!(::hostbind::__private);
    let param_entries = f
        .params
        .iter()
        .map(|(name, ty)| quote!(#p::Param { name: #name, ty: <#ty as #p::ComponentType>::TY }));
    let result_entries = f
        .result
        .iter()
        .map(|t| quote!(<#t as #p::ComponentType>::TY));
    // A `&str` param is lifted as a `Cow<str>` and lent to the method:
    // borrowed for UTF-8, decoded for the other encodings.
    let mut lifts = Vec::new();
    let mut args = Vec::new();
    for (i, (_, ty)) in f.params.iter().enumerate() {
        let arg = format_ident!("__a{i}");
        if ty.to_string() == "& str" {
            lifts.push(quote!(let #arg: ::std::borrow::Cow<'_, str> = __p.next(#i)?;));
            args.push(quote!(&#arg));
        } else {
            lifts.push(quote!(let #arg = __p.next(#i)?;));
            args.push(quote!(#arg));
        }
    }
    let call = &f.call;
    let ret = if f.trappable {
        quote!(#p::trapped(&__SIG, #call(__h, #(#args),*)))
    } else {
        quote!(::core::result::Result::Ok(#call(__h, #(#args),*)))
    };
    let (name, wname) = (f.name, f.wname);
    quote! {
        inst.func(#wname, {
            static __SIG: #p::Signature =
                #p::Signature::new(#name, &[#(#param_entries),*], &[#(#result_entries),*]);
            unsafe extern "C" fn __entry<__S: 'static, __H: Host + 'static>(
                cx: *mut #p::c_void,
                data: *mut #p::c_void,
                _: u32,
                _: u32,
                storage: *mut #p::MaybeUninit<#p::ValRaw>,
                len: usize,
            ) -> bool {
                // SAFETY: engines call an entrypoint with a live `HostCx` of the
                // store's data type and initialised storage, and `data` is the
                // getter `from_raw_with_getter` was given for these types.
                unsafe {
                    #p::enter_getter::<__S, __H, _>(cx, data, storage, len, &__SIG, |__h, __p| {
                        #(#lifts)*
                        #ret
                    })
                }
            }
            // SAFETY: the entrypoint is the glue of `__SIG` for stores of
            // `T`, reading `get` back as a `fn(&mut T) -> &mut U`.
            unsafe { #p::HostFunc::from_raw_with_getter(__entry::<T, U>, &__SIG, get) }
        })?;
    }
}
