//! WIT for `#[host_fn(wit = .., import = ..)]`: resolves the package with
//! wit-parser and turns the imported function's types into runtime `Ty`
//! expressions, so that the compiler compares them with the Rust types.

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use wit_parser::{PackageId, Resolve, Type, TypeDefKind, WorldItem, WorldKey};

use crate::attr::WitSource;

/// A WIT type: its `Ty` expression and how WIT spells it.
pub(crate) struct WitTy {
    pub(crate) expr: TokenStream,
    pub(crate) text: String,
}

/// The imported function, as WIT declares it.
pub(crate) struct WitFunc {
    /// The import's full name as a component spells it, with the package's
    /// version: `pkg:ns/iface@1.0.0#func`.
    pub(crate) full_name: String,
    pub(crate) params: Vec<(String, WitTy)>,
    pub(crate) result: Option<WitTy>,
    /// The WIT files read, so that cargo rebuilds when one changes.
    pub(crate) sources: Vec<PathBuf>,
}

/// The closest of `names` to `want`, if any is close enough to suggest.
fn closest<'a>(want: &str, names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut cur = vec![i + 1];
            for (j, cb) in b.iter().enumerate() {
                let sub = prev[j] + usize::from(ca != *cb);
                cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
            }
            prev = cur;
        }
        prev[b.len()]
    }
    names
        .map(|n| (distance(want, n), n))
        .filter(|(d, n)| *d <= (n.len().max(want.len()) / 2).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

fn not_found(span: Span, what: &str, want: &str, names: Vec<String>) -> syn::Error {
    let hint = match closest(want, names.iter().map(String::as_str)) {
        Some(n) => format!("; did you mean `{n}`?"),
        None if names.is_empty() => String::new(),
        None => format!(
            "; it has {}",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    syn::Error::new(span, format!("the WIT has no {what} `{want}`{hint}"))
}

/// The WIT of `source` resolved, the files it was read from, and its main
/// package (the one at the path, not in its `deps/`).
pub(crate) fn load(source: &WitSource) -> syn::Result<(Resolve, Vec<PathBuf>, PackageId)> {
    let mut resolve = Resolve::default();
    match source {
        WitSource::Inline(lit) => match resolve.push_str("inline.wit", &lit.value()) {
            Ok(main) => Ok((resolve, Vec::new(), main)),
            Err(e) => {
                let msg = invalid(&e, &resolve, "");
                Err(syn::Error::new(lit.span(), msg))
            }
        },
        WitSource::Path(lit) => {
            let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
            let path = Path::new(&dir).join(lit.value());
            if !path.exists() {
                return Err(syn::Error::new(
                    lit.span(),
                    format!(
                        "cannot find the WIT `{}` (paths are relative to the crate's manifest directory)",
                        lit.value()
                    ),
                ));
            }
            let (main, map) = match resolve.push_path(&path) {
                Ok(r) => r,
                Err(e) => {
                    let msg = invalid(&e, &resolve, &format!("{dir}/"));
                    return Err(syn::Error::new(lit.span(), msg));
                }
            };
            let sources = map.paths().map(Path::to_path_buf).collect();
            Ok((resolve, sources, main))
        }
    }
}

/// The message for WIT that does not parse or resolve: with the file, line
/// and column, and the offending line, when wit-parser knows them. `base` is
/// cut from paths, so messages name files as the user wrote them.
fn invalid(e: &anyhow::Error, resolve: &Resolve, base: &str) -> String {
    let located = e.chain().find_map(|c| {
        if let Some(p) = c.downcast_ref::<wit_parser::ParseError>() {
            Some(p.render(&resolve.source_map))
        } else {
            c.downcast_ref::<wit_parser::ResolveError>()
                .map(|r| r.render(&resolve.source_map))
        }
    });
    let msg = located.unwrap_or_else(|| format!("{e:#}"));
    let msg = if base.is_empty() {
        msg
    } else {
        msg.replace(base, "")
    };
    format!("invalid WIT: {msg}")
}

/// Finds `import` (`pkg:ns/iface#func`, or `world#func` for a world's own
/// import) in the WIT of `source`.
pub(crate) fn lookup(
    source: &WitSource,
    import: &syn::LitStr,
    p: &TokenStream,
) -> syn::Result<WitFunc> {
    let (resolve, sources, _) = load(source)?;
    let span = import.span();
    let want = import.value();
    let Some((owner, func_name)) = want.rsplit_once('#') else {
        return Err(syn::Error::new(
            span,
            "`import` names a function as `pkg:ns/iface#func`",
        ));
    };
    let (functions, full_owner) = if let Some((pkg_name, iface_name)) = owner.split_once('/') {
        // `iface@1.2.3`: the version is the package's.
        let (iface_name, version) = match iface_name.split_once('@') {
            Some((i, v)) => (i, Some(v)),
            None => (iface_name, None),
        };
        let pkgs: Vec<String> = resolve
            .packages
            .iter()
            .map(|(_, p)| format!("{}:{}", p.name.namespace, p.name.name))
            .collect();
        let Some((_, pkg)) = resolve
            .packages
            .iter()
            .find(|(_, p)| format!("{}:{}", p.name.namespace, p.name.name) == pkg_name)
        else {
            return Err(not_found(span, "package", pkg_name, pkgs));
        };
        let have = pkg.name.version.as_ref().map(|v| v.to_string());
        if let Some(v) = version
            && have.as_deref() != Some(v)
        {
            return Err(syn::Error::new(
                span,
                match &have {
                    Some(h) => format!("`{pkg_name}` is version `{h}` in the WIT, not `{v}`"),
                    None => format!("`{pkg_name}` has no version in the WIT, but `@{v}` was given"),
                },
            ));
        }
        let Some(id) = pkg.interfaces.get(iface_name) else {
            return Err(not_found(
                span,
                &format!("interface in `{pkg_name}` named"),
                iface_name,
                pkg.interfaces.keys().cloned().collect(),
            ));
        };
        let full = match &have {
            Some(h) => format!("{pkg_name}/{iface_name}@{h}"),
            None => format!("{pkg_name}/{iface_name}"),
        };
        (resolve.interfaces[*id].functions.clone(), full)
    } else {
        let worlds: Vec<String> = resolve.worlds.iter().map(|(_, w)| w.name.clone()).collect();
        let Some((_, world)) = resolve.worlds.iter().find(|(_, w)| w.name == owner) else {
            return Err(not_found(span, "interface or world", owner, worlds));
        };
        let functions = world
            .imports
            .iter()
            .filter_map(|(k, item)| match (k, item) {
                (WorldKey::Name(n), WorldItem::Function(f)) => Some((n.clone(), f.clone())),
                _ => None,
            })
            .collect();
        (functions, owner.to_string())
    };
    let Some(func) = functions.get(func_name) else {
        return Err(not_found(
            span,
            &format!("function in `{owner}` named"),
            func_name,
            functions.keys().cloned().collect(),
        ));
    };
    let cx = Cx {
        resolve: &resolve,
        p,
    };
    Ok(WitFunc {
        full_name: format!("{full_owner}#{func_name}"),
        params: func
            .params
            .iter()
            .map(|param| (param.name.clone(), cx.ty(&param.ty)))
            .collect(),
        result: func.result.as_ref().map(|t| cx.ty(t)),
        sources,
    })
}

struct Cx<'a> {
    resolve: &'a Resolve,
    p: &'a TokenStream,
}

impl Cx<'_> {
    fn ty(&self, ty: &Type) -> WitTy {
        let p = self.p;
        let prim = |v: TokenStream, t: &str| WitTy {
            expr: quote!(#p::Ty::#v),
            text: t.to_string(),
        };
        match ty {
            Type::Bool => prim(quote!(Bool), "bool"),
            Type::U8 => prim(quote!(U8), "u8"),
            Type::U16 => prim(quote!(U16), "u16"),
            Type::U32 => prim(quote!(U32), "u32"),
            Type::U64 => prim(quote!(U64), "u64"),
            Type::S8 => prim(quote!(S8), "s8"),
            Type::S16 => prim(quote!(S16), "s16"),
            Type::S32 => prim(quote!(S32), "s32"),
            Type::S64 => prim(quote!(S64), "s64"),
            Type::F32 => prim(quote!(F32), "f32"),
            Type::F64 => prim(quote!(F64), "f64"),
            Type::Char => prim(quote!(Char), "char"),
            Type::String => prim(quote!(String), "string"),
            Type::ErrorContext => prim(quote!(ErrorContext), "error-context"),
            Type::Id(id) => self.def(*id),
        }
    }

    fn opt(&self, ty: Option<&Type>) -> (TokenStream, String) {
        match ty {
            Some(t) => {
                let w = self.ty(t);
                let e = w.expr;
                (quote!(::core::option::Option::Some(&#e)), w.text)
            }
            None => (quote!(::core::option::Option::None), "_".into()),
        }
    }

    fn def(&self, id: wit_parser::TypeId) -> WitTy {
        let p = self.p;
        let def = &self.resolve.types[id];
        let name = def.name.clone().unwrap_or_default();
        let named = |structural: String| {
            if name.is_empty() {
                structural
            } else {
                name.clone()
            }
        };
        match &def.kind {
            TypeDefKind::Type(t) => self.ty(t),
            TypeDefKind::List(t) => {
                let w = self.ty(t);
                let e = w.expr;
                WitTy {
                    expr: quote!(#p::Ty::List(&#e)),
                    text: named(format!("list<{}>", w.text)),
                }
            }
            TypeDefKind::Option(t) => {
                let w = self.ty(t);
                let e = w.expr;
                WitTy {
                    expr: quote!(#p::Ty::Option(&#e)),
                    text: named(format!("option<{}>", w.text)),
                }
            }
            TypeDefKind::Result(r) => {
                let (ok, okt) = self.opt(r.ok.as_ref());
                let (err, errt) = self.opt(r.err.as_ref());
                WitTy {
                    expr: quote!(#p::Ty::Result(#ok, #err)),
                    text: named(format!("result<{okt}, {errt}>")),
                }
            }
            TypeDefKind::Tuple(t) => {
                let ws: Vec<WitTy> = t.types.iter().map(|t| self.ty(t)).collect();
                let es = ws.iter().map(|w| &w.expr);
                let texts: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
                WitTy {
                    expr: quote!(#p::Ty::Tuple(&[#(&#es),*])),
                    text: named(format!("tuple<{}>", texts.join(", "))),
                }
            }
            TypeDefKind::Record(r) => {
                let fields = r.fields.iter().map(|f| {
                    let n = &f.name;
                    let e = self.ty(&f.ty).expr;
                    quote!(#p::Field { name: #n, ty: &#e })
                });
                WitTy {
                    expr: quote!(#p::Ty::Record(&#p::Record { name: #name, fields: &[#(#fields),*] })),
                    text: format!("record {name}"),
                }
            }
            TypeDefKind::Variant(v) => {
                let cases = v.cases.iter().map(|c| {
                    let n = &c.name;
                    let (t, _) = self.opt(c.ty.as_ref());
                    quote!(#p::Case { name: #n, ty: #t })
                });
                WitTy {
                    expr: quote!(#p::Ty::Variant(&#p::Variant { name: #name, cases: &[#(#cases),*] })),
                    text: format!("variant {name}"),
                }
            }
            TypeDefKind::Enum(e) => {
                let cases = e.cases.iter().map(|c| &c.name);
                WitTy {
                    expr: quote!(#p::Ty::Enum(&#p::Enum { name: #name, cases: &[#(#cases),*] })),
                    text: format!("enum {name}"),
                }
            }
            TypeDefKind::Flags(f) => {
                let names = f.flags.iter().map(|c| &c.name);
                WitTy {
                    expr: quote!(#p::Ty::Flags(&#p::Flags { name: #name, names: &[#(#names),*] })),
                    text: format!("flags {name}"),
                }
            }
            TypeDefKind::Stream(t) | TypeDefKind::Future(t) => {
                let stream = matches!(def.kind, TypeDefKind::Stream(_));
                let (kind, word) = match stream {
                    true => (quote!(Stream), "stream"),
                    false => (quote!(Future), "future"),
                };
                let (e, text) = self.opt(t.as_ref());
                WitTy {
                    expr: quote!(#p::Ty::#kind(#e)),
                    text: named(match t {
                        Some(_) => format!("{word}<{text}>"),
                        None => word.to_string(),
                    }),
                }
            }
            TypeDefKind::Handle(h) => {
                let (kind, rid) = match h {
                    wit_parser::Handle::Own(r) => (quote!(Own), r),
                    wit_parser::Handle::Borrow(r) => (quote!(Borrow), r),
                };
                let rname = self.resolve.types[*rid].name.clone().unwrap_or_default();
                let text = match h {
                    wit_parser::Handle::Own(_) => format!("own<{rname}>"),
                    wit_parser::Handle::Borrow(_) => format!("borrow<{rname}>"),
                };
                WitTy {
                    expr: quote!(#p::Ty::#kind(&#p::ResourceTy {
                        name: || #rname,
                        host: ::core::option::Option::None,
                    })),
                    text,
                }
            }
            other => WitTy {
                // Resources by value, futures, streams, maps, fixed lists:
                // nothing a host function can take, so nothing matches.
                expr: quote!(#p::Ty::Tuple(&[&#p::Ty::Bool, &#p::Ty::Bool, &#p::Ty::Bool])),
                text: format!("{other:?}")
                    .split('(')
                    .next()
                    .unwrap_or("?")
                    .to_lowercase(),
            },
        }
    }
}
