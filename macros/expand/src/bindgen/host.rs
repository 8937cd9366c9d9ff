//! The `Host` traits of imports and the `add_to_linker` that wires them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use wit_parser::{Function, Type, TypeId};

use super::names::{camel, param, snake};
use super::types::{Gen, Mode, doc};

impl Gen<'_> {
    /// A `Host` trait, and `add_to_linker` defining its functions in the
    /// linker instance `instance` (or at the root for `None`).
    pub(super) fn host(
        &self,
        funcs: &[&Function],
        resources: &[TypeId],
        instance: Option<&str>,
        p: &TokenStream,
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
                | FunctionKind::Static(r)
                | FunctionKind::AsyncMethod(r)
                | FunctionKind::AsyncStatic(r) => Some(*r),
                FunctionKind::Freestanding | FunctionKind::AsyncFreestanding => None,
            };
            let full_name = match instance {
                Some(i) => format!("{i}#{}", f.name),
                None => f.name.clone(),
            };
            let is_async = match f.kind {
                FunctionKind::AsyncFreestanding
                | FunctionKind::AsyncMethod(_)
                | FunctionKind::AsyncStatic(_) => true,
                _ => self.made_async(&full_name),
            };
            let trait_ident = match resource {
                None => format_ident!("Host"),
                Some(r) => resource_trait(r, &mut traits, &mut defines)?,
            };
            let m = match &f.kind {
                FunctionKind::Constructor(_) => format_ident!("new"),
                _ => snake(f.item_name()),
            };
            // An async function's future owns its params.
            let mode = if is_async { Mode::Owned } else { import_mode };
            let params: Vec<(syn::Ident, TokenStream)> = f
                .params
                .iter()
                .map(|p| Ok((param(&p.name), self.ty(&p.ty, mode)?)))
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
            let method = if is_async {
                // The future cannot hold `&mut self` across `.await`: it
                // reaches the host through `Access<Self>`.
                let out = match (&f.result, self.trappable) {
                    (Some(t), false) => self.ty(t, Mode::Owned)?,
                    (Some(t), true) => {
                        let t = self.ty(t, Mode::Owned)?;
                        quote!(::hostbind::Result<#t>)
                    }
                    (None, false) => quote!(()),
                    (None, true) => quote!(::hostbind::Result<()>),
                };
                quote! {
                    #[doc = #d]
                    fn #m(access: ::hostbind::Access<Self>, #(#pnames: #ptys),*)
                        -> impl ::core::future::Future<Output = #out> + Send
                    where
                        Self: Sized;
                }
            } else {
                quote!(#[doc = #d] fn #m(&mut self, #(#pnames: #ptys),*) #ret;)
            };
            if let Some((_, _, methods)) = traits.iter_mut().find(|(_, id, _)| *id == trait_ident) {
                methods.push(method);
            }
            defines.push(glue(
                p,
                &GlueFn {
                    sig: format_ident!("__SIG{}", defines.len()),
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
                    call: quote!(#trait_ident::#m),
                    wname: &f.name,
                    is_async,
                },
            ));
        }
        let target = match instance {
            Some(i) => quote!(let mut inst = linker.instance(#i)?;),
            None => quote!(let mut inst = linker.root();),
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

            /// Defines these imports in `linker`, on the [`Host`] that `get` finds in the store's data.
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
    /// The static holding its `Signature`, named apart from the others in
    /// `add_to_linker` so that each can sit beside its `inst.func` call.
    sig: syn::Ident,
    /// The name messages use: the import's, with its interface.
    name: &'a str,
    /// Each param's WIT name and its type in the trait method.
    params: Vec<(&'a str, &'a TokenStream)>,
    result: Option<TokenStream>,
    trappable: bool,
    /// The trait method, called on the host `U`.
    call: TokenStream,
    /// The name the function is defined under in the linker instance.
    wname: &'a str,
    /// A WIT `async func`: the method returns a future.
    is_async: bool,
}

/// Defines one imported function in `inst`: its signature, and the
/// closure lifting its params and calling the host, which the runtime's
/// `bound_func` (named through `p`) turns into the host function, so each
/// function expands to the few lines that differ.
fn glue(p: &TokenStream, f: &GlueFn<'_>) -> TokenStream {
    let param_entries = f
        .params
        .iter()
        .map(|(name, ty)| quote!(#p::param::<#ty>(#name)));
    let result_entries = f.result.iter().map(|t| quote!(#p::ty::<#t>()));
    // A `&str` param is lifted as a `Cow<str>` and lent to the method:
    // borrowed for UTF-8, decoded for the other encodings. The others are
    // lifted as the method's param types; in order, as arguments are
    // evaluated, so the first that fails is the one reported.
    let args = f.params.iter().enumerate().map(|(i, (_, ty))| {
        if ty.to_string() == "& str" {
            quote!(&*__p.next::<::std::borrow::Cow<'_, str>>(#i)?)
        } else {
            quote!(__p.next(#i)?)
        }
    });
    let (call, sig) = (&f.call, &f.sig);
    let ret = if f.trappable {
        quote!(#p::trapped(&#sig, #call(__h, #(#args),*)))
    } else {
        quote!(#p::Ok(#call(__h, #(#args),*)))
    };
    let (name, wname) = (f.name, f.wname);
    if f.is_async {
        return async_glue(p, f);
    }
    quote! {
        static #sig: #p::Signature =
            #p::Signature::new(#name, &[#(#param_entries),*], &[#(#result_entries),*]);
        inst.func(#wname, #p::bound_func(get, || &#sig, |__h, __p| #ret))?;
    }
}

/// [`glue`] for an async function: its params are lifted owned, and the
/// runtime's `bound_async_func` polls the method's future.
fn async_glue(p: &TokenStream, f: &GlueFn<'_>) -> TokenStream {
    let param_entries = f
        .params
        .iter()
        .map(|(name, ty)| quote!(#p::param::<#ty>(#name)));
    let result_entries = f.result.iter().map(|t| quote!(#p::ty::<#t>()));
    let tys: Vec<_> = f.params.iter().map(|(_, ty)| *ty).collect();
    let lifts = (0..f.params.len()).map(|i| quote!(__p.next(#i)?));
    let args: Vec<_> = (0..f.params.len())
        .map(|i| format_ident!("__a{i}"))
        .collect();
    let (call, sig, name, wname) = (&f.call, &f.sig, f.name, f.wname);
    let body = if f.trappable {
        quote!(#call(__access, #(#args),*).await)
    } else {
        quote!(#p::Ok(#call(__access, #(#args),*).await))
    };
    quote! {
        static #sig: #p::Signature =
            #p::Signature::new(#name, &[#(#param_entries),*], &[#(#result_entries),*]);
        inst.func(#wname, #p::bound_async_func(
            &#sig,
            get,
            |__p: &mut #p::Params<'_, '_>| -> #p::Result<(#(#tys,)*)> { #p::Ok((#(#lifts,)*)) },
            |__access, (#(#args,)*): (#(#tys,)*)| async move { #body },
        ))?;
    }
}
