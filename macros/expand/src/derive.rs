//! Code generation for `#[derive(ComponentType, Lift, Lower)]`.
//!
//! Each derive emits one impl whose methods call the members' own impls in
//! order; layout numbers come from the runtime's `const` layout functions, so
//! nothing here computes sizes or offsets.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Type};

use crate::shape::{Kind, Member, Shape};

/// Which of the three traits to implement.
#[derive(Clone, Copy)]
pub(crate) enum Derive {
    ComponentType,
    Lift,
    Lower,
}

/// Expands one derive on `input`; errors come back as `compile_error!`s.
pub(crate) fn derive(which: Derive, input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.into_compile_error(),
    };
    // Only the `ComponentType` derive reports shape mistakes, so that a type
    // deriving all three gets each message once.
    let shape = match Shape::parse(&input) {
        Ok(s) => s,
        Err(e) => {
            return match which {
                Derive::ComponentType => e.into_compile_error(),
                _ => TokenStream::new(),
            };
        }
    };
    let p = quote!(::hostbind::__private);
    match which {
        Derive::ComponentType => component_type(&p, &input, &shape),
        Derive::Lift => lift(&p, &input, &shape),
        Derive::Lower => lower(&p, &input, &shape),
    }
}

fn payloads(shape: &Shape) -> impl Iterator<Item = &Type> {
    shape.members.iter().filter_map(|m| m.ty.as_ref())
}

/// Whether `tokens` name one of `params`.
fn mentions(tokens: TokenStream, params: &[String]) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => params.contains(&i.to_string()),
        proc_macro2::TokenTree::Group(g) => mentions(g.stream(), params),
        _ => false,
    })
}

/// `where` predicates bounding by `bound` the member types that use the
/// type's generic parameters. Concrete member types get no predicate: their
/// impls are checked where the generated code uses them, spanned at the
/// member's type, so an unsupported type is reported on the user's token.
fn bounds(input: &DeriveInput, shape: &Shape, bound: &TokenStream) -> Vec<TokenStream> {
    let params: Vec<String> = input
        .generics
        .type_params()
        .map(|p| p.ident.to_string())
        .collect();
    payloads(shape)
        .filter(|ty| mentions(quote!(#ty), &params))
        .map(|ty| quote_spanned!(ty.span()=> #ty: #bound))
        .collect()
}

fn where_clause(input: &DeriveInput, extra: Vec<TokenStream>) -> TokenStream {
    let existing = input
        .generics
        .where_clause
        .as_ref()
        .map(|w| w.predicates.iter().map(|p| quote!(#p)).collect::<Vec<_>>())
        .unwrap_or_default();
    let all: Vec<_> = existing.into_iter().chain(extra).collect();
    if all.is_empty() {
        quote!()
    } else {
        quote!(where #(#all,)*)
    }
}

fn ty_expr(p: &TokenStream, shape: &Shape) -> TokenStream {
    let name = &shape.name;
    let members = &shape.members;
    match shape.kind {
        Kind::Record => {
            let fields = members.iter().map(|m| {
                let (n, ty) = (&m.name, &m.ty);
                let ty = ty
                    .as_ref()
                    .map(|t| quote_spanned!(t.span()=> <#t as #p::ComponentType>::TY));
                quote!(#p::Field { name: #n, ty: #ty })
            });
            quote!(#p::Ty::Record(&#p::Record { name: #name, fields: &[#(#fields),*] }))
        }
        Kind::Variant => {
            let cases = members.iter().map(|m| {
                let n = &m.name;
                let ty = match &m.ty {
                    Some(t) => {
                        let ty = quote_spanned!(t.span()=> <#t as #p::ComponentType>::TY);
                        quote!(::core::option::Option::Some(#ty))
                    }
                    None => quote!(::core::option::Option::None),
                };
                quote!(#p::Case { name: #n, ty: #ty })
            });
            quote!(#p::Ty::Variant(&#p::Variant { name: #name, cases: &[#(#cases),*] }))
        }
        Kind::Enum => {
            let names = members.iter().map(|m| &m.name);
            quote!(#p::Ty::Enum(&#p::Enum { name: #name, cases: &[#(#names),*] }))
        }
    }
}

fn component_type(p: &TokenStream, input: &DeriveInput, shape: &Shape) -> TokenStream {
    let ident = &input.ident;
    let (impl_g, ty_g, _) = input.generics.split_for_impl();
    let wc = where_clause(input, bounds(input, shape, &quote!(#p::ComponentType)));
    let ty = ty_expr(p, shape);
    quote! {
        // SAFETY: `PLAIN` keeps its default of `false`, which is always sound.
        #[automatically_derived]
        unsafe impl #impl_g #p::ComponentType for #ident #ty_g #wc {
            const TY: &'static #p::Ty = &#ty;
        }
    }
}

/// The lifetime a `Lift` impl borrows guest memory for: the type's own
/// lifetime when it has exactly one (so `&'a str` fields lift in place),
/// otherwise a fresh one.
fn lift_lifetime(input: &DeriveInput) -> (syn::Lifetime, bool) {
    let mut lts = input.generics.lifetimes();
    match (lts.next(), lts.next()) {
        (Some(one), None) => (one.lifetime.clone(), false),
        _ => (
            syn::Lifetime::new("'__hostbind", proc_macro2::Span::call_site()),
            true,
        ),
    }
}

fn lift(p: &TokenStream, input: &DeriveInput, shape: &Shape) -> TokenStream {
    let ident = &input.ident;
    let (lt, fresh) = lift_lifetime(input);
    let mut generics = input.generics.clone();
    if fresh {
        generics.params.insert(0, syn::parse_quote!(#lt));
    }
    let (impl_g, _, _) = generics.split_for_impl();
    let (_, ty_g, _) = input.generics.split_for_impl();
    let wc = where_clause(input, bounds(input, shape, &quote!(#p::Lift<#lt>)));
    let (flat, load) = match shape.kind {
        Kind::Record => {
            let flat = shape.members.iter().map(|m| {
                let (f, t) = (&m.ident, &m.ty);
                let t = t
                    .as_ref()
                    .map(|t| quote_spanned!(t.span()=> <#t as #p::Lift<#lt>>));
                quote!(#f: #t::lift_flat(cx, src)?)
            });
            let load = shape.members.iter().map(|m| {
                let (f, t) = (&m.ident, &m.ty);
                let l = t
                    .as_ref()
                    .map(|t| quote_spanned!(t.span()=> <#t as #p::Lift<#lt>>));
                quote!(#f: #l::load(cx, offset + #p::next_field::<#t>(&mut __at))?)
            });
            (
                quote!(::core::result::Result::Ok(Self { #(#flat),* })),
                quote! {
                    let mut __at = 0u32;
                    ::core::result::Result::Ok(Self { #(#load),* })
                },
            )
        }
        Kind::Variant | Kind::Enum => {
            let lt = &lt;
            let arms = |load: bool| {
                let last = shape.members.len() - 1;
                shape.members.iter().enumerate().map(move |(i, m)| {
                    let pat = if i == last {
                        quote!(_)
                    } else {
                        let i = i as u32;
                        quote!(#i)
                    };
                    let case = &m.ident;
                    match &m.ty {
                        None => quote!(#pat => Self::#case),
                        Some(t) if load => {
                            quote!(#pat => Self::#case(<#t as #p::Lift<#lt>>::load(cx, __payload)?))
                        }
                        Some(t) => {
                            quote!(#pat => Self::#case(<#t as #p::Lift<#lt>>::lift_flat(cx, src)?))
                        }
                    }
                })
            };
            let flat_arms = arms(false);
            let load_arms = arms(true);
            (
                quote! {
                    let (__d, __end) = #p::lift_case::<Self>(cx, src)?;
                    let __v = match __d { #(#flat_arms,)* };
                    src.skip_to(__end);
                    ::core::result::Result::Ok(__v)
                },
                quote! {
                    let (__d, __payload) = #p::load_case::<Self>(cx, offset)?;
                    ::core::result::Result::Ok(match __d { #(#load_arms,)* })
                },
            )
        }
    };
    quote! {
        #[automatically_derived]
        impl #impl_g #p::Lift<#lt> for #ident #ty_g #wc {
            #[inline]
            fn lift_flat(cx: &#p::LiftCx<#lt>, src: &mut #p::FlatSrc<'_>) -> #p::Result<Self> {
                #flat
            }
            #[inline]
            fn load(cx: &#p::LiftCx<#lt>, offset: usize) -> #p::Result<Self> {
                #load
            }
        }
    }
}

fn lower_arms<'a>(
    shape: &'a Shape,
    each: impl Fn(u32, &Member) -> TokenStream + 'a,
) -> impl Iterator<Item = TokenStream> + 'a {
    shape.members.iter().enumerate().map(move |(i, m)| {
        let case = &m.ident;
        let body = each(i as u32, m);
        match &m.ty {
            Some(_) => quote!(Self::#case(__v) => { #body }),
            None => quote!(Self::#case => { #body }),
        }
    })
}

fn lower(p: &TokenStream, input: &DeriveInput, shape: &Shape) -> TokenStream {
    let ident = &input.ident;
    let (impl_g, ty_g, _) = input.generics.split_for_impl();
    let wc = where_clause(input, bounds(input, shape, &quote!(#p::Lower)));
    let (flat, store) = match shape.kind {
        Kind::Record => {
            let flat = shape.members.iter().map(|m| {
                let (f, t) = (&m.ident, &m.ty);
                let t = t
                    .as_ref()
                    .map(|t| quote_spanned!(t.span()=> <#t as #p::Lower>));
                quote!(#t::lower_flat(&self.#f, cx, dst)?;)
            });
            let store = shape.members.iter().map(|m| {
                let (f, t) = (&m.ident, &m.ty);
                let l = t
                    .as_ref()
                    .map(|t| quote_spanned!(t.span()=> <#t as #p::Lower>));
                quote!(#l::store(&self.#f, cx, offset + #p::next_field::<#t>(&mut __at))?;)
            });
            (
                quote!(#(#flat)* ::core::result::Result::Ok(())),
                quote! {
                    let mut __at = 0u32;
                    #(#store)*
                    ::core::result::Result::Ok(())
                },
            )
        }
        Kind::Variant | Kind::Enum => {
            // The case's index first, then its payload, if any case has one.
            let discs = lower_arms(shape, |i, _| quote!(#i));
            let disc = quote!(match self { #(#discs)* });
            let payloads = shape.members.iter().any(|m| m.ty.is_some());
            let rest = match shape.members.iter().all(|m| m.ty.is_some()) {
                true => quote!(),
                false => quote!(_ => {}),
            };
            let payload = |store: bool| {
                if !payloads {
                    return quote!();
                }
                let arms = shape.members.iter().filter_map(|m| {
                    let (case, t) = (&m.ident, m.ty.as_ref()?);
                    Some(if store {
                        quote!(Self::#case(__v) => <#t as #p::Lower>::store(__v, cx, __payload)?,)
                    } else {
                        quote!(Self::#case(__v) => <#t as #p::Lower>::lower_flat(__v, cx, dst)?,)
                    })
                });
                quote!(match self { #(#arms)* #rest })
            };
            let (flat_payload, store_payload) = (payload(false), payload(true));
            (
                quote! {
                    let __end = #p::lower_case::<Self>(dst, #disc);
                    #flat_payload
                    dst.pad_to(__end);
                    ::core::result::Result::Ok(())
                },
                quote! {
                    let __payload = #p::store_case::<Self>(cx, offset, #disc)?;
                    #store_payload
                    ::core::result::Result::Ok(())
                },
            )
        }
    };
    quote! {
        #[automatically_derived]
        impl #impl_g #p::Lower for #ident #ty_g #wc {
            #[inline]
            fn lower_flat(&self, cx: &mut #p::LowerCx<'_>, dst: &mut #p::FlatDst<'_>) -> #p::Result<()> {
                #flat
            }
            #[inline]
            fn store(&self, cx: &mut #p::LowerCx<'_>, offset: usize) -> #p::Result<()> {
                #store
            }
        }
    }
}
