//! Code generation for `#[host_fn]`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::attr::Options;
use crate::sig::{Context, HostSig};

/// Emits the host function item for `func`.
///
/// The user's `fn` name becomes a unit struct that implements
/// `IntoHostFunc<T>` (what a `Linker` takes) and derefs to the original
/// function, so it can still be called directly, for example in unit tests.
pub(crate) fn host_fn(options: &Options, func: &syn::ItemFn, sig: &HostSig) -> TokenStream {
    let krate = &options.krate;
    let p = quote!(#krate::__private);
    let name = &func.sig.ident;
    let name_str = name.to_string();
    let vis = &func.vis;
    let docs = func.attrs.iter().filter(|a| a.path().is_ident("doc"));
    let other_attrs = func.attrs.iter().filter(|a| !a.path().is_ident("doc"));
    let inputs = &func.sig.inputs;
    let output = &func.sig.output;
    let block = &func.block;
    let arg_tys: Vec<_> = func
        .sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            syn::FnArg::Typed(t) => Some(&*t.ty),
            syn::FnArg::Receiver(_) => None,
        })
        .collect();

    let (param_entries, result_entries) = sig_entries(&p, sig);

    let (store_ty, generics, entry) = match &sig.context {
        Context::None => (
            quote!(__T),
            quote!(<__T: 'static>),
            quote!(__hostbind_entry::<__T>),
        ),
        Context::Data(t) | Context::Caller(t) | Context::Access(t) => {
            (quote!(#t), quote!(), quote!(__hostbind_entry))
        }
    };
    let context_arg = match &sig.context {
        Context::None | Context::Access(_) => None,
        Context::Data(_) => Some(quote!(__data,)),
        Context::Caller(_) => Some(quote!(#p::Caller::new(__data, __mem),)),
    };
    // `Caller` exposes memory, so it always looks it up.
    let bind_data = match &sig.context {
        Context::None | Context::Access(_) => {
            quote!(let (__mem, __scope) = __cx.lift_parts(&__HOSTBIND_SIG);)
        }
        Context::Data(_) => {
            quote!(let (__data, __mem, __scope) = __cx.sig_parts(&__HOSTBIND_SIG);)
        }
        Context::Caller(_) => quote!(let (__data, __mem, __scope) = __cx.parts();),
    };
    let args: Vec<_> = (0..sig.params.len())
        .map(|i| format_ident!("__arg{i}"))
        .collect();
    let lifts = sig
        .params
        .iter()
        .zip(&args)
        .enumerate()
        .map(|(i, (param, arg))| {
            let ty = &param.ty;
            // A `&str` param is lifted as a `Cow<str>` and lent to the
            // function: borrowed for UTF-8, decoded for the other encodings.
            if is_str_ref(ty) {
                return quote_spanned!(ty.span()=>
                    let #arg: ::std::borrow::Cow<'_, str> = __params.next(#i)?;
                    let #arg: #ty = &#arg;
                );
            }
            // Spanned at the type: a type the ABI cannot lift is reported there.
            quote_spanned!(ty.span()=> let #arg: #ty = __params.next(#i)?;)
        });
    let call = quote!(__hostbind_body(#context_arg #(#args),*));
    let ret = if sig.result.fallible {
        quote! {
            let __ret = match #call {
                ::core::result::Result::Ok(v) => v,
                ::core::result::Result::Err(e) => {
                    return ::core::result::Result::Err(#p::host_error(&__HOSTBIND_SIG, e));
                }
            };
        }
    } else {
        quote!(let __ret = #call;)
    };

    let conversions = quote! {
            #[automatically_derived]
            impl #generics #p::IntoHostFunc<#store_ty> for #name {
                fn into_host_func(self) -> #p::HostFunc<#store_ty> {
                    // SAFETY: the entrypoint is the glue of `__HOSTBIND_SIG` for
                    // stores of this data type.
                    unsafe { #p::HostFunc::from_raw(#entry, &__HOSTBIND_SIG) }
                }
            }

            #[automatically_derived]
            impl ::core::ops::Deref for #name {
                type Target = fn(#(#arg_tys),*) #output;
                fn deref(&self) -> &Self::Target {
                    static __F: fn(#(#arg_tys),*) #output = __hostbind_body;
                    &__F
                }
            }
    };
    quote! {
        #(#docs)*
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug)]
        #vis struct #name;

        const _: () = {
            #(#other_attrs)*
            #[allow(clippy::needless_lifetimes)]
            fn __hostbind_body(#inputs) #output #block

            static __HOSTBIND_SIG: #p::Signature = #p::Signature::new(
                #name_str,
                &[#(#param_entries),*],
                &[#(#result_entries),*],
            );

            unsafe extern "C" fn __hostbind_entry #generics(
                __cx: *mut #p::c_void,
                _data: *mut #p::c_void,
                __storage: *mut #p::MaybeUninit<#p::ValRaw>,
                __storage_len: usize,
            ) -> #p::EntryReturn {
                // SAFETY: engines call an entrypoint with a live `HostCx` of the
                // store's data type and initialised storage, which `enter` needs.
                unsafe {
                    #p::enter::<#store_ty>(__cx, __storage, __storage_len, &__HOSTBIND_SIG, |__cx, __storage| {
                        let __encoding = __cx.encoding();
                        #bind_data
                        let mut __params = #p::Params::new(__mem, __scope, &__HOSTBIND_SIG, __encoding, __storage)?;
                        #(#lifts)*
                        let __retptr = __params.finish();
                        #ret
                        #p::lower_result(__cx, __storage, __retptr, &__HOSTBIND_SIG, __ret)
                    })
                }
            }

            #conversions
        };
    }
}

/// The entries of a host function's `Signature`: each param's name and
/// component type, and the result's. Each type's `ComponentType` bound is
/// checked at the type's own span, so an unsupported type is reported
/// once, on the user's token.
pub(crate) fn sig_entries(p: &TokenStream, sig: &HostSig) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let params = sig
        .params
        .iter()
        .map(|param| {
            let ty = &param.ty;
            let pname = &param.name;
            let ty_expr = quote_spanned!(ty.span()=> <#ty as #p::ComponentType>::TY);
            quote!(#p::Param { name: #pname, ty: #ty_expr })
        })
        .collect();
    let result = sig
        .result
        .ty
        .iter()
        .map(|ty| quote_spanned!(ty.span()=> <#ty as #p::ComponentType>::TY))
        .collect();
    (params, result)
}

/// Whether `ty` is `&str` (with any lifetime).
fn is_str_ref(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(r) if r.mutability.is_none() => {
            matches!(&*r.elem, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident("str"))
        }
        syn::Type::Paren(p) => is_str_ref(&p.elem),
        _ => false,
    }
}
