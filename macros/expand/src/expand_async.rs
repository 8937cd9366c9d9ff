//! Code generation for `#[host_fn] async fn`: the params are lifted as
//! owned values (a `&str` as a `String`, a `&[T]` as a `Vec<T>`, lent to
//! the function inside its future), and the runtime's `async_host_func`
//! polls the future and lowers its result.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::attr::Options;
use crate::sig::{Context, HostSig};

/// Emits the host function item for the async `func`.
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

    let (param_entries, result_entries) = crate::expand::sig_entries(&p, sig);

    let (store_ty, generics, call_fn) = match &sig.context {
        Context::Access(t) => (quote!(#t), quote!(), quote!(__hostbind_call)),
        _ => (
            quote!(__T),
            quote!(<__T: 'static>),
            quote!(__hostbind_call::<__T>),
        ),
    };
    let access_arg = match &sig.context {
        Context::Access(_) => Some(quote!(__access,)),
        _ => None,
    };
    let owned: Vec<TokenStream> = sig
        .params
        .iter()
        .map(|param| owned_type(&param.ty))
        .collect();
    let args: Vec<_> = (0..sig.params.len())
        .map(|i| format_ident!("__arg{i}"))
        .collect();
    let lifts = owned
        .iter()
        .enumerate()
        .map(|(i, ty)| quote_spanned!(ty.span()=> __params.next::<#ty>(#i)?));
    let call_args = sig.params.iter().zip(&args).map(|(param, arg)| {
        if borrowed(&param.ty) {
            quote!(&#arg)
        } else {
            quote!(#arg)
        }
    });
    let ret_ty = match &sig.result.ty {
        Some(t) => quote!(#t),
        None => quote!(()),
    };
    let call = quote!(__hostbind_body(#access_arg #(#call_args),*).await);
    let result = match (sig.result.fallible, sig.result.ty.is_some()) {
        (true, _) => quote!(#call.map_err(::core::convert::Into::into)),
        (false, true) => quote!(#p::Ok(#call)),
        (false, false) => quote! {{
            #call;
            #p::Ok(())
        }},
    };
    quote! {
        #(#docs)*
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug)]
        #vis struct #name;

        const _: () = {
            #(#other_attrs)*
            #[allow(clippy::needless_lifetimes)]
            async fn __hostbind_body(#inputs) #output #block

            static __HOSTBIND_SIG: #p::Signature = #p::Signature::new(
                #name_str,
                &[#(#param_entries),*],
                &[#(#result_entries),*],
            );

            fn __hostbind_lift(
                __params: &mut #p::Params<'_, '_>,
            ) -> #p::Result<(#(#owned,)*)> {
                #p::Ok((#(#lifts,)*))
            }

            #[allow(unused_variables)]
            fn __hostbind_call #generics(
                __access: #p::Access<#store_ty>,
                (#(#args,)*): (#(#owned,)*),
            ) -> impl ::core::future::Future<Output = #p::Result<#ret_ty>> + Send + 'static {
                async move { #result }
            }

            #[automatically_derived]
            impl #generics #p::IntoHostFunc<#store_ty> for #name {
                fn into_host_func(self) -> #p::HostFunc<#store_ty> {
                    #p::async_host_func(&__HOSTBIND_SIG, __hostbind_lift, #call_fn)
                }
            }
        };
    }
}

/// Whether `ty` is `&str` or `&[T]`, which the future cannot borrow from
/// the guest: it is lifted owned and lent to the function.
fn borrowed(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(r) if r.mutability.is_none() => true,
        syn::Type::Paren(p) => borrowed(&p.elem),
        _ => false,
    }
}

/// The owned type a param of type `ty` is lifted as.
fn owned_type(ty: &syn::Type) -> TokenStream {
    match ty {
        syn::Type::Reference(r) if r.mutability.is_none() => match &*r.elem {
            syn::Type::Slice(s) => {
                let elem = &s.elem;
                quote_spanned!(ty.span()=> ::std::vec::Vec<#elem>)
            }
            _ => quote_spanned!(ty.span()=> ::std::string::String),
        },
        syn::Type::Paren(p) => owned_type(&p.elem),
        other => quote!(#other),
    }
}
