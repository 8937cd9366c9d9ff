//! The derive macros' view of a Rust type: a record, variant, enum or flags,
//! with the component name of the type and of each member.

use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Fields, Type};

use crate::kebab::kebab;

/// Which component type a derive produces.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Record,
    Variant,
    Enum,
}

/// A record field or a variant case.
pub(crate) struct Member {
    /// The Rust identifier.
    pub(crate) ident: syn::Ident,
    /// The component name.
    pub(crate) name: String,
    /// The field's type, or the case's payload type.
    pub(crate) ty: Option<Type>,
}

/// A type a derive can describe.
pub(crate) struct Shape {
    pub(crate) kind: Kind,
    /// The component name of the type itself.
    pub(crate) name: String,
    pub(crate) members: Vec<Member>,
}

/// `#[component(..)]` contents: a kind and/or a name.
#[derive(Default)]
struct ComponentAttr {
    kind: Option<(Kind, proc_macro2::Span)>,
    name: Option<String>,
}

fn parse_attrs(attrs: &[Attribute], errors: &mut Vec<syn::Error>) -> ComponentAttr {
    let mut out = ComponentAttr::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("component")) {
        let result = attr.parse_nested_meta(|meta| {
            let kind = if meta.path.is_ident("record") {
                Some(Kind::Record)
            } else if meta.path.is_ident("variant") {
                Some(Kind::Variant)
            } else if meta.path.is_ident("enum") {
                Some(Kind::Enum)
            } else {
                None
            };
            if let Some(kind) = kind {
                if out.kind.is_some() {
                    return Err(meta.error("the kind of component type is given twice"));
                }
                out.kind = Some((kind, meta.path.span()));
                return Ok(());
            }
            if meta.path.is_ident("name") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                let name = lit.value();
                if !is_kebab(&name) {
                    return Err(syn::Error::new(
                        lit.span(),
                        format!("`{name}` is not a kebab-case component name (lowercase words joined by `-`)"),
                    ));
                }
                out.name = Some(name);
                return Ok(());
            }
            Err(meta.error(
                "unknown `component` option; the options are `record`, `variant`, `enum` and `name = \"kebab-name\"`",
            ))
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    out
}

/// Whether `s` is a valid kebab-case component name.
pub(crate) fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && (w
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                    || w.chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
        })
}

fn member_name(attrs: &[Attribute], ident: &syn::Ident, errors: &mut Vec<syn::Error>) -> String {
    let attr = parse_attrs(attrs, errors);
    if let Some((_, span)) = attr.kind {
        errors.push(syn::Error::new(
            span,
            "a field or case takes only `name = \"..\"`; the kind goes on the type",
        ));
    }
    attr.name.unwrap_or_else(|| kebab(&ident.to_string()))
}

fn combine(errors: Vec<syn::Error>) -> syn::Result<()> {
    let mut iter = errors.into_iter();
    match iter.next() {
        None => Ok(()),
        Some(mut first) => {
            first.extend(iter);
            Err(first)
        }
    }
}

impl Shape {
    /// Reads the type, collecting every mistake.
    pub(crate) fn parse(input: &DeriveInput) -> syn::Result<Shape> {
        let mut errors = Vec::new();
        let attr = parse_attrs(&input.attrs, &mut errors);
        let name = attr.name.unwrap_or_else(|| kebab(&input.ident.to_string()));
        let mut members = Vec::new();
        let kind = match &input.data {
            Data::Struct(s) => {
                if let Some((k, span)) = attr.kind
                    && k != Kind::Record
                {
                    errors.push(syn::Error::new(
                        span,
                        "a struct becomes a `record`; `variant` and `enum` go on Rust enums",
                    ));
                }
                match &s.fields {
                    Fields::Named(named) => {
                        for f in &named.named {
                            let ident = f.ident.clone().expect("named fields have names");
                            members.push(Member {
                                name: member_name(&f.attrs, &ident, &mut errors),
                                ident,
                                ty: Some(f.ty.clone()),
                            });
                        }
                        if named.named.is_empty() {
                            errors.push(syn::Error::new(
                                input.ident.span(),
                                "a component record needs at least one field",
                            ));
                        }
                    }
                    other => errors.push(syn::Error::new(
                        other.span(),
                        "a component record needs named fields; use a Rust tuple for `tuple<..>`",
                    )),
                }
                Kind::Record
            }
            Data::Enum(e) => {
                let kind = match attr.kind {
                    Some((Kind::Record, span)) => {
                        errors.push(syn::Error::new(
                            span,
                            "a Rust enum becomes a `variant` or an `enum`, not a `record`",
                        ));
                        Kind::Variant
                    }
                    Some((k, _)) => k,
                    None => {
                        errors.push(syn::Error::new(
                            input.ident.span(),
                            "say which component type this enum is: `#[component(variant)]` or `#[component(enum)]`",
                        ));
                        Kind::Variant
                    }
                };
                if e.variants.is_empty() {
                    errors.push(syn::Error::new(
                        input.ident.span(),
                        "a component variant or enum needs at least one case",
                    ));
                }
                for v in &e.variants {
                    if let Some((_, d)) = &v.discriminant {
                        errors.push(syn::Error::new(
                            d.span(),
                            "case numbers come from the order of the cases; remove the explicit discriminant",
                        ));
                    }
                    let ty = match (&v.fields, kind) {
                        (Fields::Unit, _) => None,
                        (Fields::Unnamed(u), Kind::Variant) if u.unnamed.len() == 1 => {
                            Some(u.unnamed[0].ty.clone())
                        }
                        (fields, Kind::Enum) => {
                            errors.push(syn::Error::new(
                                fields.span(),
                                "an `enum` case has no payload; use `#[component(variant)]` for cases with data",
                            ));
                            None
                        }
                        (fields, _) => {
                            errors.push(syn::Error::new(
                                fields.span(),
                                "a `variant` case carries at most one value, as `Case(T)`",
                            ));
                            None
                        }
                    };
                    members.push(Member {
                        name: member_name(&v.attrs, &v.ident, &mut errors),
                        ident: v.ident.clone(),
                        ty,
                    });
                }
                kind
            }
            Data::Union(u) => {
                errors.push(syn::Error::new(
                    u.union_token.span,
                    "a union has no component type; use a struct or an enum",
                ));
                Kind::Record
            }
        };
        let mut seen = std::collections::HashSet::new();
        for m in &members {
            if !seen.insert(m.name.as_str()) {
                errors.push(syn::Error::new(
                    m.ident.span(),
                    format!(
                        "two members are both named `{}` in the component type",
                        m.name
                    ),
                ));
            }
        }
        combine(errors)?;
        Ok(Shape {
            kind,
            name,
            members,
        })
    }
}
