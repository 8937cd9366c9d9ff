//! The tree of modules the bindings of interfaces are nested in
//! (`ns::pkg::iface`, `exports::ns::pkg::iface`, or an unnamed interface's
//! own name), each with a doc comment.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

/// A module and the modules nested in it.
#[derive(Default)]
pub(super) struct Tree {
    ident: Option<syn::Ident>,
    doc: String,
    /// An interface's items, when the module binds one.
    items: Option<TokenStream>,
    children: BTreeMap<String, Tree>,
}

impl Tree {
    /// Puts `items` in the module at `path`, documented as `doc`; the
    /// modules on the way are documented by `doc_of` from their path.
    pub(super) fn insert(
        &mut self,
        path: &[syn::Ident],
        doc: String,
        items: TokenStream,
        doc_of: &dyn Fn(&[syn::Ident]) -> String,
    ) {
        let mut node = self;
        for (depth, name) in path.iter().enumerate() {
            node = node
                .children
                .entry(name.to_string())
                .or_insert_with(|| Tree {
                    ident: Some(name.clone()),
                    doc: doc_of(&path[..=depth]),
                    ..Tree::default()
                });
        }
        node.doc = doc;
        node.items = Some(items);
    }

    /// The modules, as items of the macro's scope.
    pub(super) fn render(&self) -> TokenStream {
        self.render_children(1)
    }

    fn render_children(&self, depth: usize) -> TokenStream {
        let mods = self.children.values().map(|child| {
            let ident = &child.ident;
            let doc = &child.doc;
            let inner = child.render_children(depth + 1);
            // An interface's module sees the macro's scope (root types,
            // `with` aliases, other interfaces' modules) through a glob,
            // which its own items shadow.
            let body = match &child.items {
                Some(items) => {
                    let supers = std::iter::repeat_n(quote!(super::), depth);
                    quote! {
                        #![allow(clippy::all, unused_imports)]
                        use #(#supers)* *;
                        use ::hostbind::__private as __hb;
                        #items
                    }
                }
                None => quote!(),
            };
            quote! {
                #[doc = #doc]
                pub mod #ident {
                    #body
                    #inner
                }
            }
        });
        quote!(#(#mods)*)
    }
}
