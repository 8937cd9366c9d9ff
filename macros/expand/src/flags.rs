//! Code generation for `flags!`: a bit-set type with one constant per flag.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Ident, Token, Visibility};

use crate::kebab::kebab;
use crate::shape::is_kebab;

struct Flag {
    attrs: Vec<Attribute>,
    ident: Ident,
    name: String,
}

struct FlagsInput {
    attrs: Vec<Attribute>,
    name: Option<String>,
    vis: Visibility,
    ident: Ident,
    flags: Vec<Flag>,
}

/// Splits `#[component(name = "..")]` from the other attributes.
fn take_name(attrs: Vec<Attribute>) -> syn::Result<(Vec<Attribute>, Option<String>)> {
    let mut name = None;
    let mut rest = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("component") {
            rest.push(attr);
            continue;
        }
        attr.parse_nested_meta(|meta| {
            if !meta.path.is_ident("name") {
                return Err(
                    meta.error("the only `component` option of flags is `name = \"kebab-name\"`")
                );
            }
            let lit: syn::LitStr = meta.value()?.parse()?;
            if !is_kebab(&lit.value()) {
                return Err(syn::Error::new(
                    lit.span(),
                    format!("`{}` is not a kebab-case component name", lit.value()),
                ));
            }
            name = Some(lit.value());
            Ok(())
        })?;
    }
    Ok((rest, name))
}

impl Parse for FlagsInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let (attrs, name) = take_name(input.call(Attribute::parse_outer)?)?;
        let vis: Visibility = input.parse()?;
        input.parse::<Token![struct]>()?;
        let ident: Ident = input.parse()?;
        let body;
        syn::braced!(body in input);
        let mut flags = Vec::new();
        while !body.is_empty() {
            let (attrs, fname) = take_name(body.call(Attribute::parse_outer)?)?;
            body.parse::<Token![const]>()?;
            let ident: Ident = body.parse()?;
            body.parse::<Token![;]>()?;
            let name = fname.unwrap_or_else(|| kebab(&ident.to_string()));
            if flags.iter().any(|f: &Flag| f.name == name) {
                return Err(syn::Error::new(
                    ident.span(),
                    format!("two flags are both named `{name}`"),
                ));
            }
            flags.push(Flag { attrs, ident, name });
        }
        if flags.is_empty() {
            return Err(syn::Error::new(
                ident.span(),
                "component flags need at least one flag",
            ));
        }
        Ok(FlagsInput {
            attrs,
            name,
            vis,
            ident,
            flags,
        })
    }
}

/// Expands `flags! { .. }`.
pub(crate) fn flags(input: TokenStream) -> TokenStream {
    flags_with(input, &quote!(::hostbind::__private)).unwrap_or_else(syn::Error::into_compile_error)
}

/// Expands `flags! { .. }` naming the runtime through `p`; `bindgen!` calls
/// this directly rather than emitting a second macro call.
pub(crate) fn flags_with(input: TokenStream, p: &TokenStream) -> syn::Result<TokenStream> {
    let input: FlagsInput = syn::parse2(input)?;
    let FlagsInput {
        attrs,
        name,
        vis,
        ident,
        flags,
    } = input;
    let name = name.unwrap_or_else(|| kebab(&ident.to_string()));
    let count = flags.len();
    let words = count.div_ceil(32);
    let consts = flags.iter().enumerate().map(|(i, f)| {
        let (attrs, fid) = (&f.attrs, &f.ident);
        quote! {
            #(#attrs)*
            pub const #fid: Self = Self { bits: #p::flag_bit::<#words>(#i) };
        }
    });
    let names = flags.iter().map(|f| &f.name);
    let names2 = flags.iter().map(|f| &f.name);
    let idents2 = flags.iter().map(|f| &f.ident);
    let debug_names = flags.iter().map(|f| f.ident.to_string());
    Ok(quote! {
        #(#attrs)*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        #vis struct #ident {
            bits: [u32; #words],
        }

        #[allow(dead_code)]
        impl #ident {
            #(#consts)*

            /// No flags set.
            pub const fn empty() -> Self {
                Self { bits: [0; #words] }
            }

            /// Every flag set.
            pub const fn all() -> Self {
                Self { bits: #p::flags_mask::<#words>(#count) }
            }

            /// Whether every flag of `other` is set in `self`.
            pub const fn contains(&self, other: Self) -> bool {
                #p::flags_contains(&self.bits, &other.bits)
            }

            /// Whether no flag is set.
            pub const fn is_empty(&self) -> bool {
                #p::flags_is_empty(&self.bits)
            }

            /// Sets the flags of `other`.
            pub fn insert(&mut self, other: Self) {
                self.bits = #p::flags_or(self.bits, &other.bits);
            }

            /// Clears the flags of `other`.
            pub fn remove(&mut self, other: Self) {
                self.bits = #p::flags_and(self.bits, &#p::flags_not(other.bits, #count));
            }

            /// The raw bits, lowest flag first, 32 per word.
            pub const fn bits(&self) -> [u32; #words] {
                self.bits
            }

            /// Every flag with its WIT name, in the type's order.
            pub const FLAGS: [(&'static str, Self); #count] = [#((#names2, Self::#idents2)),*];

            /// The flags set in `self`, each with its WIT name, in the type's order.
            pub fn iter_names(&self) -> impl Iterator<Item = (&'static str, Self)> + use<> {
                #p::flags_iter(self.bits, Self::FLAGS, Self::bits)
            }

            /// The flags set in `self`, one by one, in the type's order.
            pub fn iter(&self) -> impl Iterator<Item = Self> + use<> {
                self.iter_names().map(|(_, f)| f)
            }
        }

        impl ::core::ops::BitOr for #ident {
            type Output = Self;
            fn bitor(self, rhs: Self) -> Self {
                Self { bits: #p::flags_or(self.bits, &rhs.bits) }
            }
        }

        impl ::core::ops::BitOrAssign for #ident {
            fn bitor_assign(&mut self, rhs: Self) {
                self.insert(rhs);
            }
        }

        impl ::core::ops::BitAnd for #ident {
            type Output = Self;
            fn bitand(self, rhs: Self) -> Self {
                Self { bits: #p::flags_and(self.bits, &rhs.bits) }
            }
        }

        impl ::core::ops::Not for #ident {
            type Output = Self;
            fn not(self) -> Self {
                Self { bits: #p::flags_not(self.bits, #count) }
            }
        }

        impl ::core::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #p::fmt_flags(&self.bits, &[#(#debug_names),*], f)
            }
        }

        // SAFETY: `PLAIN` keeps its default of `false`, which is always sound.
        unsafe impl #p::ComponentType for #ident {
            const TY: &'static #p::Ty = &#p::Ty::Flags(&#p::Flags {
                name: #name,
                names: &[#(#names),*],
            });
        }

        impl<'a> #p::Lift<'a> for #ident {
            #[inline]
            fn lift_flat(_: &#p::LiftCx<'a>, src: &mut #p::FlatSrc<'_>) -> #p::Result<Self> {
                #p::Ok(Self { bits: #p::lift_flags_flat::<#words>(src, #count) })
            }
            #[inline]
            fn load(cx: &#p::LiftCx<'a>, offset: usize) -> #p::Result<Self> {
                #p::Ok(Self { bits: #p::load_flags::<#words>(cx, offset, #count)? })
            }
        }

        impl #p::Lower for #ident {
            #[inline]
            fn lower_flat(&self, _: &mut #p::LowerCx<'_>, dst: &mut #p::FlatDst<'_>) -> #p::Result<()> {
                #p::lower_flags_flat(dst, &self.bits);
                #p::Ok(())
            }
            #[inline]
            fn store(&self, cx: &mut #p::LowerCx<'_>, offset: usize) -> #p::Result<()> {
                #p::store_flags(cx, offset, &self.bits, #count)
            }
        }
    })
}
