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
    let e = Emit {
        p: quote!(::hostbind::__private),
        infer: false,
    };
    match which {
        Derive::ComponentType => component_type(&e, &input, &shape),
        Derive::Lift => lift(&e, &input, &shape),
        Derive::Lower => lower(&e, &input, &shape),
    }
}

/// How the impls name the runtime and their members' types.
struct Emit {
    /// The runtime's `__private` module.
    p: TokenStream,
    /// Leave each member's type to inference rather than naming it. A
    /// user's type names them, spanned at each, so that a member type that
    /// cannot cross is reported once, on that type; `bindgen!`'s member
    /// types all come from WIT, and naming them would only add tokens.
    infer: bool,
}

impl Emit {
    /// `#[automatically_derived]`, on the impls of a user's derive only:
    /// `bindgen!` writes its impls itself.
    fn derived(&self) -> TokenStream {
        match self.infer {
            true => quote!(),
            false => quote!(#[automatically_derived]),
        }
    }

    /// The trait `tr` (with generic `args`) as implemented by member type `t`.
    fn via(&self, t: &Type, tr: TokenStream, args: TokenStream) -> TokenStream {
        let p = &self.p;
        if self.infer {
            quote!(#p::#tr)
        } else {
            quote_spanned!(t.span()=> <#t as #p::#tr #args>)
        }
    }
}

/// The three derives of `item` at once, for `bindgen!`: `item` comes back
/// without its `#[component]` attributes, followed by the impls naming the
/// runtime through `p`. One pass instead of three derive invocations, each
/// of which would parse the item again.
pub(crate) fn derive_all(item: TokenStream, p: &TokenStream) -> syn::Result<TokenStream> {
    let mut input: DeriveInput = syn::parse2(item)?;
    let shape = Shape::parse(&input)?;
    let e = Emit {
        p: p.clone(),
        infer: true,
    };
    let impls = [
        component_type(&e, &input, &shape),
        lift(&e, &input, &shape),
        lower(&e, &input, &shape),
    ];
    let helper = |a: &syn::Attribute| !a.path().is_ident("component");
    input.attrs.retain(helper);
    match &mut input.data {
        syn::Data::Struct(s) => s.fields.iter_mut().for_each(|f| f.attrs.retain(helper)),
        syn::Data::Enum(e) => e.variants.iter_mut().for_each(|v| v.attrs.retain(helper)),
        syn::Data::Union(_) => {}
    }
    Ok(quote!(#input #(#impls)*))
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

fn ty_expr(e: &Emit, shape: &Shape) -> TokenStream {
    let p = &e.p;
    let name = &shape.name;
    let members = &shape.members;
    match shape.kind {
        Kind::Record => {
            let fields = members.iter().map(|m| {
                let (n, t) = (&m.name, m.ty.as_ref());
                match e.infer {
                    true => quote!(#p::field::<#t>(#n)),
                    false => {
                        let ty = quote_spanned!(t.span()=> <#t as #p::ComponentType>::TY);
                        quote!(#p::Field { name: #n, ty: #ty })
                    }
                }
            });
            quote!(#p::Ty::Record(&#p::Record { name: #name, fields: &[#(#fields),*] }))
        }
        Kind::Variant => {
            let cases = members.iter().map(|m| {
                let n = &m.name;
                match &m.ty {
                    Some(t) if e.infer => quote!(#p::case::<#t>(#n)),
                    None if e.infer => quote!(#p::unit_case(#n)),
                    Some(t) => {
                        let ty = quote_spanned!(t.span()=> <#t as #p::ComponentType>::TY);
                        quote!(#p::Case { name: #n, ty: ::core::option::Option::Some(#ty) })
                    }
                    None => quote!(#p::Case { name: #n, ty: ::core::option::Option::None }),
                }
            });
            quote!(#p::Ty::Variant(&#p::Variant { name: #name, cases: &[#(#cases),*] }))
        }
        Kind::Enum => {
            let names = members.iter().map(|m| &m.name);
            quote!(#p::Ty::Enum(&#p::Enum { name: #name, cases: &[#(#names),*] }))
        }
    }
}

fn component_type(e: &Emit, input: &DeriveInput, shape: &Shape) -> TokenStream {
    let p = &e.p;
    let derived = e.derived();
    let ident = &input.ident;
    let (impl_g, ty_g, _) = input.generics.split_for_impl();
    let wc = where_clause(input, bounds(input, shape, &quote!(#p::ComponentType)));
    let ty = ty_expr(e, shape);
    quote! {
        // SAFETY: `PLAIN` keeps its default of `false`, which is always sound.
        #derived
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

fn lift(e: &Emit, input: &DeriveInput, shape: &Shape) -> TokenStream {
    let p = &e.p;
    let derived = e.derived();
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
            let flat = shape.members.iter().filter_map(|m| {
                let (f, t) = (&m.ident, m.ty.as_ref()?);
                let l = e.via(t, quote!(Lift), quote!(<#lt>));
                Some(quote!(#f: #l::lift_flat(cx, src)?))
            });
            let load = shape.members.iter().filter_map(|m| {
                let (f, t) = (&m.ident, m.ty.as_ref()?);
                Some(match e.infer {
                    true => quote!(#f: #p::load_field(cx, offset, &mut __at)?),
                    false => {
                        let l = e.via(t, quote!(Lift), quote!(<#lt>));
                        quote!(#f: #l::load(cx, offset + #p::next_field::<#t>(&mut __at))?)
                    }
                })
            });
            (
                quote!(#p::Ok(Self { #(#flat),* })),
                quote! {
                    let mut __at = 0u32;
                    #p::Ok(Self { #(#load),* })
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
                            let l = e.via(t, quote!(Lift), quote!(<#lt>));
                            quote!(#pat => Self::#case(#l::load(cx, __payload)?))
                        }
                        Some(t) => {
                            let l = e.via(t, quote!(Lift), quote!(<#lt>));
                            quote!(#pat => Self::#case(#l::lift_flat(cx, src)?))
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
                    #p::Ok(__v)
                },
                quote! {
                    let (__d, __payload) = #p::load_case::<Self>(cx, offset)?;
                    #p::Ok(match __d { #(#load_arms,)* })
                },
            )
        }
    };
    quote! {
        #derived
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
            Some(_) => quote!(Self::#case(_) => #body,),
            None => quote!(Self::#case => #body,),
        }
    })
}

fn lower(e: &Emit, input: &DeriveInput, shape: &Shape) -> TokenStream {
    let p = &e.p;
    let derived = e.derived();
    let ident = &input.ident;
    let (impl_g, ty_g, _) = input.generics.split_for_impl();
    let wc = where_clause(input, bounds(input, shape, &quote!(#p::Lower)));
    let (flat, store) = match shape.kind {
        Kind::Record => {
            let flat = shape.members.iter().filter_map(|m| {
                let (f, t) = (&m.ident, m.ty.as_ref()?);
                let l = e.via(t, quote!(Lower), quote!());
                Some(quote!(#l::lower_flat(&self.#f, cx, dst)?;))
            });
            let store = shape.members.iter().filter_map(|m| {
                let (f, t) = (&m.ident, m.ty.as_ref()?);
                Some(match e.infer {
                    true => quote!(#p::store_field(&self.#f, cx, offset, &mut __at)?;),
                    false => {
                        let l = e.via(t, quote!(Lower), quote!());
                        quote!(#l::store(&self.#f, cx, offset + #p::next_field::<#t>(&mut __at))?;)
                    }
                })
            });
            (
                quote!(#(#flat)* #p::Ok(())),
                quote! {
                    let mut __at = 0u32;
                    #(#store)*
                    #p::Ok(())
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
                    let l = e.via(t, quote!(Lower), quote!());
                    Some(if store {
                        quote!(Self::#case(__v) => #l::store(__v, cx, __payload)?,)
                    } else {
                        quote!(Self::#case(__v) => #l::lower_flat(__v, cx, dst)?,)
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
                    #p::Ok(())
                },
                quote! {
                    let __payload = #p::store_case::<Self>(cx, offset, #disc)?;
                    #store_payload
                    #p::Ok(())
                },
            )
        }
    };
    quote! {
        #derived
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
