//! Rust types for WIT types, and the items of named WIT types.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use wit_parser::{InterfaceId, Resolve, Type, TypeDefKind, TypeId, TypeOwner};

use super::names::{camel, snake};
use crate::derive::derive_all;
use crate::flags::flags_with;

/// Where a type appears, which decides what is borrowed rather than owned.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Results, fields and everything nested: owned.
    Owned,
    /// A param of an import, lifted from guest memory: `&str`, and byte
    /// lists as `&[u8]`/`&[i8]`. Wider integer lists are copied: borrowing
    /// them would tie the trait's signature to a little-endian host.
    Import,
    /// Inside an import param's option, result, tuple or list: byte lists
    /// still borrow, and strings are `Cow<str>`, borrowed from a UTF-8
    /// guest and decoded from the others.
    ImportNested,
    /// A param of an export, lowered from the host's values: `&str` and
    /// `&[T]` for every list.
    Export,
}

/// Which side of the world an interface is bound for. An interface both
/// imported and exported is two instances: the host implements one and the
/// guest the other, so each side has its own Rust types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Side {
    Import,
    Export,
}

/// What `bindgen!` knows while it generates: the WIT and where each of its
/// types is defined.
pub(super) struct Gen<'a> {
    pub(super) resolve: &'a Resolve,
    /// The interfaces the world exports: on the export side, their
    /// resources are the guest's and their types are defined anew.
    pub(super) exported: HashSet<InterfaceId>,
    /// The side being generated: it decides which definition a type
    /// names and who implements a resource.
    pub(super) side: Cell<Side>,
    /// Where each named type is defined on the import side, as a path from
    /// the macro's scope.
    pub(super) paths: HashMap<TypeId, TokenStream>,
    /// Where the export side defines the types of exported interfaces (and
    /// the aliases to them); every other type is the import side's.
    pub(super) export_paths: HashMap<TypeId, TokenStream>,
    /// Import methods return `hostbind::Result<_>`.
    pub(super) trappable: bool,
    /// Import params are owned (`ownership: Owning`).
    pub(super) owning: bool,
    /// Imported resources that a host type given by `with` stands for.
    pub(super) with: HashMap<TypeId, TokenStream>,
    /// Which synchronous imports become async methods.
    pub(super) async_imports: super::input::AsyncImports,
    /// The `async_imports` names that named an import, to report the rest.
    pub(super) async_used: std::cell::RefCell<HashSet<String>>,
}

impl Gen<'_> {
    /// Whether the import `name` (its full name) is made async by the
    /// `async_imports` option.
    pub(super) fn made_async(&self, name: &str) -> bool {
        use super::input::AsyncImports;
        match &self.async_imports {
            AsyncImports::None => false,
            AsyncImports::All => true,
            AsyncImports::Named(names) => {
                let named = names.iter().any(|n| n.value() == name);
                if named {
                    self.async_used.borrow_mut().insert(name.to_string());
                }
                named
            }
        }
    }

    /// The Rust type for `ty` where `mode` says.
    pub(super) fn ty(&self, ty: &Type, mode: Mode) -> syn::Result<TokenStream> {
        if let Type::Id(id) = ty
            && let Some(path) = self.path(*id)
        {
            return Ok(path.clone());
        }
        self.structural(ty, mode)
    }

    /// Where type `id` is defined for the side being generated.
    pub(super) fn path(&self, id: TypeId) -> Option<&TokenStream> {
        if self.side.get() == Side::Export
            && let Some(p) = self.export_paths.get(&id)
        {
            return Some(p);
        }
        self.paths.get(&id)
    }

    /// Runs `f` with `side` as the side being generated.
    pub(super) fn on<R>(&self, side: Side, f: impl FnOnce() -> R) -> R {
        let prev = self.side.replace(side);
        let out = f();
        self.side.set(prev);
        out
    }

    /// Whether `ty` is `borrow<r>` (through aliases) of a resource `r` the
    /// guest implements: export calls take a `ResourceAny` there and lend it.
    pub(super) fn guest_borrow(&self, ty: &Type) -> bool {
        let Type::Id(id) = ty else {
            return false;
        };
        matches!(&self.resolve.types[dealias(self.resolve, *id)].kind,
            TypeDefKind::Handle(wit_parser::Handle::Borrow(r)) if self.is_guest(*r))
    }

    /// Whether the guest implements resource `r` on the side being
    /// generated: it is defined in an interface the world exports, seen
    /// from the export side.
    pub(super) fn is_guest(&self, r: TypeId) -> bool {
        self.side.get() == Side::Export
            && matches!(self.resolve.types[dealias(self.resolve, r)].owner,
                TypeOwner::Interface(i) if self.exported.contains(&i))
    }

    /// The element type of a stream or future: `()` for none.
    fn elem(&self, ty: Option<&Type>) -> syn::Result<TokenStream> {
        match ty {
            Some(t) => self.ty(t, Mode::Owned),
            None => Ok(quote!(())),
        }
    }

    /// [`Gen::ty`] without the name of `ty` itself: what a type alias stands for.
    pub(super) fn structural(&self, ty: &Type, mode: Mode) -> syn::Result<TokenStream> {
        Ok(match ty {
            Type::Bool => quote!(bool),
            Type::U8 => quote!(u8),
            Type::U16 => quote!(u16),
            Type::U32 => quote!(u32),
            Type::U64 => quote!(u64),
            Type::S8 => quote!(i8),
            Type::S16 => quote!(i16),
            Type::S32 => quote!(i32),
            Type::S64 => quote!(i64),
            Type::F32 => quote!(f32),
            Type::F64 => quote!(f64),
            Type::Char => quote!(char),
            Type::String if mode == Mode::ImportNested => quote!(::std::borrow::Cow<'_, str>),
            Type::String if mode != Mode::Owned => quote!(&str),
            Type::String => quote!(::std::string::String),
            Type::ErrorContext => quote!(::hostbind::ErrorContext),
            Type::Id(id) => {
                let def = &self.resolve.types[*id];
                match &def.kind {
                    TypeDefKind::Type(t) => self.ty(t, mode)?,
                    TypeDefKind::List(t) => match (mode, t) {
                        (Mode::Export, t) => {
                            let t = self.ty(t, Mode::Owned)?;
                            quote!(&[#t])
                        }
                        (Mode::Import | Mode::ImportNested, Type::U8) => quote!(&[u8]),
                        (Mode::Import | Mode::ImportNested, Type::S8) => quote!(&[i8]),
                        (Mode::Import | Mode::ImportNested, t) => {
                            let t = self.ty(t, Mode::ImportNested)?;
                            quote!(::std::vec::Vec<#t>)
                        }
                        (Mode::Owned, t) => {
                            let t = self.ty(t, Mode::Owned)?;
                            quote!(::std::vec::Vec<#t>)
                        }
                    },
                    // What an import borrows, it borrows inside options,
                    // results and tuples too; an export call's nested
                    // values are owned.
                    TypeDefKind::Option(t) => {
                        let t = self.ty(t, nested(mode))?;
                        quote!(::core::option::Option<#t>)
                    }
                    TypeDefKind::Result(r) => {
                        let ok = match &r.ok {
                            Some(t) => self.ty(t, nested(mode))?,
                            None => quote!(()),
                        };
                        let err = match &r.err {
                            Some(t) => self.ty(t, nested(mode))?,
                            None => quote!(()),
                        };
                        quote!(::core::result::Result<#ok, #err>)
                    }
                    TypeDefKind::Tuple(t) => {
                        let ts = t
                            .types
                            .iter()
                            .map(|t| self.ty(t, nested(mode)))
                            .collect::<syn::Result<Vec<_>>>()?;
                        quote!((#(#ts,)*))
                    }
                    TypeDefKind::Handle(h) => {
                        let (r, own) = match h {
                            wit_parser::Handle::Own(r) => (r, true),
                            wit_parser::Handle::Borrow(r) => (r, false),
                        };
                        // Resources the guest implements reach the host as `ResourceAny`.
                        if self.is_guest(*r) && own {
                            quote!(::hostbind::ResourceAny)
                        } else if self.is_guest(*r) {
                            quote!(::hostbind::BorrowAny)
                        } else {
                            let rt = self.ty(&Type::Id(*r), Mode::Owned)?;
                            if own {
                                quote!(::hostbind::Resource<#rt>)
                            } else {
                                quote!(::hostbind::Borrow<#rt>)
                            }
                        }
                    }
                    // Readable ends, whose values are always owned.
                    TypeDefKind::Stream(t) => {
                        let t = self.elem(t.as_ref())?;
                        quote!(::hostbind::StreamReader<#t>)
                    }
                    TypeDefKind::Future(t) => {
                        let t = self.elem(t.as_ref())?;
                        quote!(::hostbind::FutureReader<#t>)
                    }
                    other => return Err(unsupported_kind(other)),
                }
            }
        })
    }

    /// The item for a named type definition, its impls naming the runtime's
    /// `__private` module through `p`.
    pub(super) fn type_def(&self, id: TypeId, p: &TokenStream) -> syn::Result<Option<TokenStream>> {
        let def = &self.resolve.types[id];
        let Some(name) = &def.name else {
            return Ok(None);
        };
        let ident = camel(name);
        let type_doc = doc(&def.docs, || format!("The WIT type `{name}`."));
        // A handle to a host resource is not `Clone`: copying one would
        // forge a second owner.
        let clone = if self.holds_handle(&Type::Id(id), &mut HashSet::new()) {
            quote!()
        } else {
            quote!(Clone,)
        };
        let derives = quote!(#[doc = #type_doc] #[derive(#clone Debug, PartialEq)]);
        Ok(Some(match &def.kind {
            TypeDefKind::Record(r) => {
                let fields = r
                    .fields
                    .iter()
                    .map(|f| {
                        let n = &f.name;
                        let id = snake(n);
                        let t = self.ty(&f.ty, Mode::Owned)?;
                        let d = doc(&f.docs, || format!("The field `{n}`."));
                        Ok(quote!(#[doc = #d] #[component(name = #n)] pub #id: #t))
                    })
                    .collect::<syn::Result<Vec<_>>>()?;
                derive_all(
                    quote!(#derives #[component(record, name = #name)] pub struct #ident { #(#fields),* }),
                    p,
                )?
            }
            TypeDefKind::Variant(v) => {
                let cases = v
                    .cases
                    .iter()
                    .map(|c| {
                        let n = &c.name;
                        let id = camel(n);
                        let d = doc(&c.docs, || format!("The case `{n}`."));
                        Ok(match &c.ty {
                            Some(t) => {
                                let t = self.ty(t, Mode::Owned)?;
                                quote!(#[doc = #d] #[component(name = #n)] #id(#t))
                            }
                            None => quote!(#[doc = #d] #[component(name = #n)] #id),
                        })
                    })
                    .collect::<syn::Result<Vec<_>>>()?;
                derive_all(
                    quote!(#derives #[component(variant, name = #name)] pub enum #ident { #(#cases),* }),
                    p,
                )?
            }
            TypeDefKind::Enum(e) => {
                let cases = e.cases.iter().map(|c| {
                    let n = &c.name;
                    let id = camel(n);
                    let d = doc(&c.docs, || format!("The case `{n}`."));
                    quote!(#[doc = #d] #[component(name = #n)] #id)
                });
                derive_all(
                    quote!(#[derive(Copy)] #derives #[component(enum, name = #name)] pub enum #ident { #(#cases),* }),
                    p,
                )?
            }
            TypeDefKind::Flags(f) => {
                let flags = f.flags.iter().map(|fl| {
                    let n = &fl.name;
                    let id = format_ident!("{}", n.replace('-', "_").to_uppercase());
                    let d = doc(&fl.docs, || format!("The flag `{n}`."));
                    quote!(#[doc = #d] #[component(name = #n)] const #id;)
                });
                flags_with(
                    quote!(#[doc = #type_doc] #[component(name = #name)] pub struct #ident { #(#flags)* }),
                    p,
                )?
            }
            TypeDefKind::Type(_)
            | TypeDefKind::List(_)
            | TypeDefKind::Option(_)
            | TypeDefKind::Result(_)
            | TypeDefKind::Tuple(_) => {
                let t = self.structural(&Type::Id(id), Mode::Owned)?;
                quote!(#[doc = #type_doc] pub type #ident = #t;)
            }
            // The Rust type standing for a host resource in `Resource<T>`.
            TypeDefKind::Resource => match self
                .with
                .get(&id)
                .filter(|_| self.side.get() == Side::Import)
            {
                Some(user) => quote!(#[doc = #type_doc] pub type #ident = #user;),
                None => quote!(#[doc = #type_doc] pub enum #ident {}),
            },
            TypeDefKind::Handle(_) => {
                let t = self.structural(&Type::Id(id), Mode::Owned)?;
                quote!(#[doc = #type_doc] pub type #ident = #t;)
            }
            other => return Err(unsupported_kind(other)),
        }))
    }
}

impl Gen<'_> {
    /// Whether a value of `ty` can hold an `own` or `borrow` of a host
    /// resource (`Resource<T>`, `Borrow<T>`), somewhere inside it.
    fn holds_handle(&self, ty: &Type, seen: &mut HashSet<TypeId>) -> bool {
        let Type::Id(id) = ty else {
            return false;
        };
        if !seen.insert(*id) {
            return false;
        }
        let def = &self.resolve.types[*id];
        match &def.kind {
            TypeDefKind::Handle(wit_parser::Handle::Own(r) | wit_parser::Handle::Borrow(r)) => {
                !self.is_guest(*r)
            }
            TypeDefKind::Type(t) | TypeDefKind::List(t) | TypeDefKind::Option(t) => {
                self.holds_handle(t, seen)
            }
            TypeDefKind::Result(r) => [&r.ok, &r.err]
                .into_iter()
                .flatten()
                .any(|t| self.holds_handle(t, seen)),
            TypeDefKind::Tuple(t) => t.types.iter().any(|t| self.holds_handle(t, seen)),
            TypeDefKind::Record(r) => r.fields.iter().any(|f| self.holds_handle(&f.ty, seen)),
            TypeDefKind::Variant(v) => v
                .cases
                .iter()
                .filter_map(|c| c.ty.as_ref())
                .any(|t| self.holds_handle(t, seen)),
            _ => false,
        }
    }
}

/// The definition an alias (`use`, `type a = b`) finally names.
pub(super) fn dealias(resolve: &Resolve, mut id: TypeId) -> TypeId {
    while let TypeDefKind::Type(Type::Id(next)) = resolve.types[id].kind {
        id = next;
    }
    id
}

/// The mode of a value nested in an option, result or tuple of `mode`.
fn nested(mode: Mode) -> Mode {
    match mode {
        Mode::Import | Mode::ImportNested => Mode::ImportNested,
        Mode::Owned | Mode::Export => Mode::Owned,
    }
}

/// The error for a WIT feature `bindgen!` cannot bind.
pub(super) fn unsupported(what: &str) -> syn::Error {
    syn::Error::new(
        Span::call_site(),
        format!("`bindgen!` does not support {what} yet"),
    )
}

/// [`unsupported`] for a kind of type definition, named as WIT spells it.
fn unsupported_kind(kind: &TypeDefKind) -> syn::Error {
    unsupported(match kind {
        TypeDefKind::Map(..) => "`map`",
        TypeDefKind::FixedLengthList(..) => "fixed-length lists (`list<T, N>`)",
        _ => "this kind of type",
    })
}

/// The doc comment of a WIT item, or `fallback` where it has none.
pub(super) fn doc(docs: &wit_parser::Docs, fallback: impl FnOnce() -> String) -> String {
    docs.contents
        .as_deref()
        .map_or_else(fallback, fence_as_text)
}

/// A WIT doc comment with each untagged code fence (```` ``` ````) marked
/// `text`: rustdoc would run WIT's examples (SQL, WIT, shell) as Rust
/// doctests of the crate that calls `bindgen!`.
pub(super) fn fence_as_text(docs: &str) -> String {
    let mut out = String::with_capacity(docs.len() + 16);
    let mut open = false;
    for line in docs.lines() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            if !open && info.trim().is_empty() {
                out.push_str(&line[..line.len() - trimmed.len()]);
                out.push_str("```text");
            } else {
                out.push_str(line);
            }
            open = !open;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out.truncate(out.trim_end_matches('\n').len());
    out
}

#[cfg(test)]
mod tests {
    use super::fence_as_text;

    #[test]
    fn untagged_fences_become_text_and_tagged_ones_stay() {
        let docs = "Runs a query:\n```\nSELECT 1;\n```\nor\n  ```rust\n  f();\n  ```";
        assert_eq!(
            fence_as_text(docs),
            "Runs a query:\n```text\nSELECT 1;\n```\nor\n  ```rust\n  f();\n  ```"
        );
    }
}
