//! A `#[host_fn]` signature, checked and split into store access, component
//! params and result.

use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, Pat, PathArguments, ReturnType, Type};

/// How a host function reaches the store.
pub(crate) enum Context {
    /// No store access: the function works with any store.
    None,
    /// `&mut T`: the store's data.
    Data(Type),
    /// `Caller<'_, T>`: the data plus the guest's memory.
    Caller(Type),
    /// `Access<T>`: the data, reached between an async function's
    /// `.await` points.
    Access(Type),
}

/// A component parameter.
pub(crate) struct HostParam {
    pub(crate) name: String,
    pub(crate) ty: Type,
}

/// What the function returns.
pub(crate) struct HostResult {
    /// The component result type; `None` for `()`.
    pub(crate) ty: Option<Type>,
    /// Returned inside `Result<_, E>`, whose `Err` traps.
    pub(crate) fallible: bool,
}

/// A checked `#[host_fn]` signature.
pub(crate) struct HostSig {
    /// An `async fn`: its glue makes a future of the result.
    pub(crate) is_async: bool,
    pub(crate) context: Context,
    pub(crate) params: Vec<HostParam>,
    pub(crate) result: HostResult,
}

fn push(errors: &mut Option<syn::Error>, e: syn::Error) {
    match errors {
        Some(all) => all.combine(e),
        None => *errors = Some(e),
    }
}

impl HostSig {
    /// Checks the signature, collecting every mistake.
    pub(crate) fn parse(func: &syn::ItemFn) -> syn::Result<HostSig> {
        let sig = &func.sig;
        let mut errors = None;
        if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
            push(
                &mut errors,
                syn::Error::new(
                    sig.generics.span(),
                    "a `#[host_fn]` cannot be generic; its glue is generated for concrete types",
                ),
            );
        }
        let is_async = sig.asyncness.is_some();
        for (present, what) in [
            (sig.unsafety.is_some(), "unsafe"),
            (sig.constness.is_some(), "const"),
            (sig.abi.is_some(), "extern"),
        ] {
            if present {
                push(
                    &mut errors,
                    syn::Error::new(
                        sig.fn_token.span(),
                        format!("a `#[host_fn]` cannot be `{what}`"),
                    ),
                );
            }
        }
        if let Some(v) = &sig.variadic {
            push(
                &mut errors,
                syn::Error::new_spanned(v, "a `#[host_fn]` cannot be variadic"),
            );
        }

        let mut context = Context::None;
        let mut params = Vec::new();
        for (i, arg) in sig.inputs.iter().enumerate() {
            let pat_ty = match arg {
                FnArg::Receiver(r) => {
                    push(
                        &mut errors,
                        syn::Error::new_spanned(
                            r,
                            "a `#[host_fn]` is a free function; take the store's data as `&mut T` instead of `self`",
                        ),
                    );
                    continue;
                }
                FnArg::Typed(p) => p,
            };
            let ty = &*pat_ty.ty;
            if i == 0
                && let Some(c) = context_of(ty)
            {
                let wrong = match (&c, is_async) {
                    (Context::Data(_) | Context::Caller(_), true) => Some(
                        "an async `#[host_fn]` reaches the store's data through `Access<T>`, not `&mut T` or `Caller`: a borrow of the store cannot be held across `.await`",
                    ),
                    (Context::Access(_), false) => Some(
                        "`Access<T>` is for async host functions; a synchronous `#[host_fn]` takes the store's data as `&mut T` or `Caller<'_, T>`",
                    ),
                    _ => None,
                };
                if let Some(msg) = wrong {
                    push(&mut errors, syn::Error::new_spanned(ty, msg));
                }
                context = c;
                continue;
            }
            if let Type::Reference(r) = ty
                && r.mutability.is_some()
            {
                push(
                    &mut errors,
                    syn::Error::new_spanned(
                        ty,
                        "only the first parameter may be `&mut T`, the store's data; component values are passed by value or as `&str`/`&[T]`",
                    ),
                );
                continue;
            }
            if let Some(lt) = named_lifetime(ty) {
                push(
                    &mut errors,
                    syn::Error::new_spanned(
                        lt,
                        "leave lifetimes elided in a `#[host_fn]`; borrowed params live for the call",
                    ),
                );
            }
            let name = match &*pat_ty.pat {
                Pat::Ident(p) => p.ident.to_string().trim_start_matches("r#").to_string(),
                _ => format!("arg{i}"),
            };
            params.push(HostParam {
                name,
                ty: ty.clone(),
            });
        }

        let result = match &sig.output {
            ReturnType::Default => HostResult {
                ty: None,
                fallible: false,
            },
            ReturnType::Type(_, ty) => match result_ok_type(ty) {
                Some(ok) => HostResult {
                    ty: non_unit(ok),
                    fallible: true,
                },
                None => HostResult {
                    ty: non_unit(ty),
                    fallible: false,
                },
            },
        };
        match errors {
            Some(e) => Err(e),
            None => Ok(HostSig {
                is_async,
                context,
                params,
                result,
            }),
        }
    }
}

fn non_unit(ty: &Type) -> Option<Type> {
    match ty {
        Type::Tuple(t) if t.elems.is_empty() => None,
        Type::Paren(p) => non_unit(&p.elem),
        other => Some(other.clone()),
    }
}

/// `&mut T`, `Caller<'_, T>` or `Access<T>` in first position.
fn context_of(ty: &Type) -> Option<Context> {
    match ty {
        Type::Reference(r) if r.mutability.is_some() => Some(Context::Data((*r.elem).clone())),
        Type::Path(p) => {
            let last = p.path.segments.last()?;
            let make = match last.ident.to_string().as_str() {
                "Caller" => Context::Caller,
                "Access" => Context::Access,
                _ => return None,
            };
            let PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            args.args.iter().find_map(|a| match a {
                GenericArgument::Type(t) => Some(make(t.clone())),
                _ => None,
            })
        }
        _ => None,
    }
}

/// The `T` of a return type spelled `Result<T, E>` or `Result<T>`: such a
/// host function traps on `Err`.
fn result_ok_type(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

/// The first named (non-`'_`) lifetime in `ty`, if any.
fn named_lifetime(ty: &Type) -> Option<&syn::Lifetime> {
    match ty {
        Type::Reference(r) => match &r.lifetime {
            Some(lt) if lt.ident != "_" => Some(lt),
            _ => named_lifetime(&r.elem),
        },
        Type::Slice(s) => named_lifetime(&s.elem),
        Type::Tuple(t) => t.elems.iter().find_map(named_lifetime),
        Type::Paren(p) => named_lifetime(&p.elem),
        Type::Path(p) => p.path.segments.iter().find_map(|s| match &s.arguments {
            PathArguments::AngleBracketed(a) => a.args.iter().find_map(|a| match a {
                GenericArgument::Lifetime(lt) if lt.ident != "_" => Some(lt),
                GenericArgument::Type(t) => named_lifetime(t),
                _ => None,
            }),
            _ => None,
        }),
        _ => None,
    }
}
