//! The link-time typecheck: Rust-side [`Ty`]s against the component's `InterfaceType`s.

use core::any::TypeId;
use core::cell::Cell;
use std::fmt::Write;

use wasmtime_environ::component::{
    ComponentTypes, InterfaceType, ResourceIndex, TypeFuncIndex, TypeResourceTable,
    TypeResourceTableIndex,
};

use crate::types::mismatch::first_difference;
use crate::types::{ResourceTy, Signature, Ty};

/// The one resource type a static `ResourceAny` stands for in a signature.
pub(crate) type AnyResource = Option<AnyRes>;

/// The resource type of a signature's `ResourceAny` positions, and whether
/// the values the host lifts (an import's params, an export's results) and
/// those it lowers are `own` (`true`) or `borrow`: `dup: func(a: borrow<r>)
/// -> r` lowers a borrow and lifts an own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AnyRes {
    pub(crate) ty: ResourceIndex,
    pub(crate) lift: Option<bool>,
    pub(crate) lower: Option<bool>,
}

/// What a typecheck needs beyond the types: which host type stands behind
/// each imported resource, and which resource a `ResourceAny` matched.
pub(crate) struct Tc<'a> {
    pub(crate) types: &'a ComponentTypes,
    /// The host resource type of each `ResourceIndex`; `None` for resources
    /// the guest defines.
    pub(crate) host: &'a [Option<TypeId>],
    /// The one resource type that `ResourceAny` positions matched, and
    /// whether they are `own` (or `borrow`).
    pub(crate) any: Cell<AnyResource>,
    /// Whether the positions being checked are lifted by the host (or
    /// lowered).
    lifting: Cell<bool>,
    /// Each resource type's name, by `ResourceIndex`, for messages.
    pub(crate) names: &'a [String],
}

impl<'a> Tc<'a> {
    pub(crate) fn new(
        types: &'a ComponentTypes,
        host: &'a [Option<TypeId>],
        names: &'a [String],
    ) -> Tc<'a> {
        Tc {
            types,
            host,
            any: Cell::new(None),
            lifting: Cell::new(false),
            names,
        }
    }

    /// Whether a handle of `r` (owned if `own`) matches `table`'s resource.
    /// A static `ResourceAny` learns the one resource type of the signature
    /// and, where `learn`, its ownership on the side being checked; a
    /// `BorrowAny` is a borrow wherever it is.
    fn resource(
        &self,
        r: &ResourceTy,
        table: TypeResourceTableIndex,
        own: bool,
        learn: bool,
    ) -> bool {
        let TypeResourceTable::Concrete { ty, .. } = self.types[table] else {
            return false;
        };
        match r.host {
            Some(key) => self.host.get(ty.as_u32() as usize).copied().flatten() == Some(key()),
            // `ResourceAny` in a static signature stands for one resource
            // type, so that lifting it can check the handle's type.
            None => {
                let mut any = self.any.get().unwrap_or(AnyRes {
                    ty,
                    lift: None,
                    lower: None,
                });
                let side = if self.lifting.get() {
                    &mut any.lift
                } else {
                    &mut any.lower
                };
                if any.ty != ty || (learn && side.is_some_and(|o| o != own)) {
                    return false;
                }
                if learn {
                    *side = Some(own);
                }
                self.any.set(Some(any));
                true
            }
        }
    }
}

/// The resource behind a handle type's table.
pub(crate) fn resource_of(
    types: &ComponentTypes,
    table: TypeResourceTableIndex,
) -> Option<(ResourceIndex, usize)> {
    match types[table] {
        TypeResourceTable::Concrete { ty, instance } => Some((ty, instance.as_u32() as usize)),
        TypeResourceTable::Abstract(_) => None,
    }
}

/// Whether `ty` is exactly the component type `it`.
pub(crate) fn matches(ty: &Ty, it: &InterfaceType, tc: &Tc<'_>) -> bool {
    let types = tc.types;
    match (ty, it) {
        (Ty::Bool, InterfaceType::Bool)
        | (Ty::S8, InterfaceType::S8)
        | (Ty::U8, InterfaceType::U8)
        | (Ty::S16, InterfaceType::S16)
        | (Ty::U16, InterfaceType::U16)
        | (Ty::S32, InterfaceType::S32)
        | (Ty::U32, InterfaceType::U32)
        | (Ty::S64, InterfaceType::S64)
        | (Ty::U64, InterfaceType::U64)
        | (Ty::F32, InterfaceType::Float32)
        | (Ty::F64, InterfaceType::Float64)
        | (Ty::Char, InterfaceType::Char)
        | (Ty::String, InterfaceType::String) => true,
        (Ty::List(elem), InterfaceType::List(i)) => matches(elem, &types[*i].element, tc),
        (Ty::Tuple(fields), InterfaceType::Tuple(i)) => all_match(fields, &types[*i].types, tc),
        (Ty::Own(r), InterfaceType::Own(i)) => tc.resource(r, *i, true, true),
        (Ty::Borrow(r), InterfaceType::Borrow(i)) => tc.resource(r, *i, false, false),
        // `ResourceAny` stands for an `own` or a `borrow`.
        (Ty::Own(r), InterfaceType::Borrow(i)) if r.host.is_none() => {
            tc.resource(r, *i, false, true)
        }
        (Ty::Record(r), InterfaceType::Record(i)) => {
            let theirs = &types[*i].fields;
            r.fields.len() == theirs.len()
                && r.fields
                    .iter()
                    .zip(theirs.iter())
                    .all(|(f, g)| f.name == g.name && matches(f.ty, &g.ty, tc))
        }
        (Ty::Variant(v), InterfaceType::Variant(i)) => {
            let theirs = &types[*i].cases;
            v.cases.len() == theirs.len()
                && v.cases.iter().zip(theirs.iter()).all(|(c, (name, ty))| {
                    c.name == name.as_str() && opt_matches(c.ty, ty.as_ref(), tc)
                })
        }
        (Ty::Enum(e), InterfaceType::Enum(i)) => names_match(e.cases, types[*i].names.iter()),
        (Ty::Flags(f), InterfaceType::Flags(i)) => names_match(f.names, types[*i].names.iter()),
        (Ty::Option(t), InterfaceType::Option(i)) => matches(t, &types[*i].ty, tc),
        (Ty::Stream(t), InterfaceType::Stream(i)) => {
            payload_matches(*t, types[types[*i].ty].payload.as_ref(), tc)
        }
        (Ty::Future(t), InterfaceType::Future(i)) => {
            payload_matches(*t, types[types[*i].ty].payload.as_ref(), tc)
        }
        (Ty::ErrorContext, InterfaceType::ErrorContext(_)) => true,
        (Ty::Result(ok, err), InterfaceType::Result(i)) => {
            let r = &types[*i];
            opt_matches(*ok, r.ok.as_ref(), tc) && opt_matches(*err, r.err.as_ref(), tc)
        }
        _ => false,
    }
}

/// A stream's or future's element type: its values move in copies of
/// their own, so a `ResourceAny` in it does not stand for the resource
/// type of the rest of the signature.
fn payload_matches(ty: Option<&Ty>, it: Option<&InterfaceType>, tc: &Tc<'_>) -> bool {
    let any = tc.any.get();
    let ok = opt_matches(ty, it, tc);
    tc.any.set(any);
    ok
}

fn opt_matches(ty: Option<&Ty>, it: Option<&InterfaceType>, tc: &Tc<'_>) -> bool {
    match (ty, it) {
        (None, None) => true,
        (Some(t), Some(i)) => matches(t, i, tc),
        _ => false,
    }
}

fn names_match<'a>(ours: &[&str], theirs: impl ExactSizeIterator<Item = &'a String>) -> bool {
    ours.len() == theirs.len() && ours.iter().zip(theirs).all(|(a, b)| *a == b.as_str())
}

fn all_match(tys: &[&Ty], its: &[InterfaceType], tc: &Tc<'_>) -> bool {
    tys.len() == its.len() && tys.iter().zip(its).all(|(t, i)| matches(t, i, tc))
}

/// `it` in WIT syntax.
pub(crate) fn wit(it: &InterfaceType, types: &ComponentTypes) -> String {
    wit_named(it, types, &[])
}

/// `it` in WIT syntax, naming resources by `names` (by `ResourceIndex`):
/// `own<test:host/api#counter>`.
pub(crate) fn wit_named(it: &InterfaceType, types: &ComponentTypes, names: &[String]) -> String {
    let mut out = String::new();
    write_wit(&mut out, it, types, names);
    out
}

fn write_list(out: &mut String, its: &[InterfaceType], types: &ComponentTypes, names: &[String]) {
    for (i, it) in its.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_wit(out, it, types, names);
    }
}

/// `stream<T>` or `future<T>`, or the bare word without a payload.
fn write_transmit(
    out: &mut String,
    word: &str,
    payload: Option<&InterfaceType>,
    types: &ComponentTypes,
    names: &[String],
) {
    out.push_str(word);
    if let Some(p) = payload {
        out.push('<');
        write_wit(out, p, types, names);
        out.push('>');
    }
}

fn write_wit(out: &mut String, it: &InterfaceType, types: &ComponentTypes, names: &[String]) {
    let s = match it {
        InterfaceType::Bool => "bool",
        InterfaceType::S8 => "s8",
        InterfaceType::U8 => "u8",
        InterfaceType::S16 => "s16",
        InterfaceType::U16 => "u16",
        InterfaceType::S32 => "s32",
        InterfaceType::U32 => "u32",
        InterfaceType::S64 => "s64",
        InterfaceType::U64 => "u64",
        InterfaceType::Float32 => "f32",
        InterfaceType::Float64 => "f64",
        InterfaceType::Char => "char",
        InterfaceType::String => "string",
        InterfaceType::List(i) => {
            out.push_str("list<");
            write_wit(out, &types[*i].element, types, names);
            out.push('>');
            return;
        }
        InterfaceType::Tuple(i) => {
            out.push_str("tuple<");
            write_list(out, &types[*i].types, types, names);
            out.push('>');
            return;
        }
        InterfaceType::Option(i) => {
            out.push_str("option<");
            write_wit(out, &types[*i].ty, types, names);
            out.push('>');
            return;
        }
        InterfaceType::Result(i) => {
            let r = &types[*i];
            out.push_str("result<");
            match &r.ok {
                Some(ok) => write_wit(out, ok, types, names),
                None => out.push('_'),
            }
            if let Some(err) = &r.err {
                out.push_str(", ");
                write_wit(out, err, types, names);
            }
            out.push('>');
            return;
        }
        InterfaceType::Record(i) => {
            out.push_str("record { ");
            for (n, f) in types[*i].fields.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{}: ", f.name);
                write_wit(out, &f.ty, types, names);
            }
            out.push_str(" }");
            return;
        }
        InterfaceType::Variant(i) => {
            out.push_str("variant { ");
            for (n, (name, ty)) in types[*i].cases.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                out.push_str(name);
                if let Some(ty) = ty {
                    out.push('(');
                    write_wit(out, ty, types, names);
                    out.push(')');
                }
            }
            out.push_str(" }");
            return;
        }
        InterfaceType::Enum(i) => {
            write_names(out, "enum", types[*i].names.iter());
            return;
        }
        InterfaceType::Flags(i) => {
            write_names(out, "flags", types[*i].names.iter());
            return;
        }
        InterfaceType::Own(t) | InterfaceType::Borrow(t) => {
            let kind = if matches!(it, InterfaceType::Own(_)) {
                "own"
            } else {
                "borrow"
            };
            let name = resource_of(types, *t)
                .and_then(|(ri, _)| names.get(ri.as_u32() as usize))
                .map_or("resource", String::as_str);
            let _ = write!(out, "{kind}<{name}>");
            return;
        }
        InterfaceType::Future(t) => {
            let payload = types[types[*t].ty].payload;
            return write_transmit(out, "future", payload.as_ref(), types, names);
        }
        InterfaceType::Stream(t) => {
            let payload = types[types[*t].ty].payload;
            return write_transmit(out, "stream", payload.as_ref(), types, names);
        }
        InterfaceType::ErrorContext(_) => "error-context",
        InterfaceType::Map(_) => "map",
        InterfaceType::FixedLengthList(_) => "fixed-length-list",
    };
    out.push_str(s);
}

/// `kind { a, b, c }`, as WIT spells enums and flags.
fn write_names<'a>(out: &mut String, kind: &str, names: impl Iterator<Item = &'a String>) {
    let _ = write!(out, "{kind} {{ ");
    for (n, name) in names.enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
    }
    out.push_str(" }");
}

fn describe_tys(tys: &[&Ty]) -> String {
    tys.iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks a host function against the function type of the import it
/// defines; the error names the import, the parameter and both types.
pub(crate) fn host_func(
    import: &str,
    sig: &Signature,
    fty: TypeFuncIndex,
    tc: &Tc<'_>,
) -> Result<(), String> {
    let types = tc.types;
    let f = &types[fty];
    let params = &types[f.params].types;
    let results = &types[f.results].types;
    let host = sig.name;
    if params.len() != sig.params.len() {
        let theirs: Vec<String> = f
            .param_names
            .iter()
            .zip(params.iter())
            .map(|(n, t)| format!("{n}: {}", wit_named(t, types, tc.names)))
            .collect();
        let ours: Vec<String> = sig
            .params
            .iter()
            .map(|p| format!("{}: {}", p.name, p.ty))
            .collect();
        return Err(format!(
            "import `{import}` takes {} parameters ({}), but host function `{host}` takes {} ({})",
            params.len(),
            theirs.join(", "),
            sig.params.len(),
            ours.join(", ")
        ));
    }
    tc.lifting.set(true);
    for (i, (p, it)) in sig.params.iter().zip(params.iter()).enumerate() {
        if let Some((path, theirs, ours)) = first_difference(p.ty, it, tc) {
            let name = f.param_names.get(i).map_or("?", |s| s.as_str());
            if path.is_empty() {
                return Err(format!(
                    "parameter {i} (`{name}`) of import `{import}` is `{theirs}`, but host function `{host}` takes `{ours}` for `{}`",
                    p.name
                ));
            }
            return Err(format!(
                "parameter {i} (`{name}`) of import `{import}`, {}: the component has `{theirs}`, but host function `{host}` has `{ours}`",
                path.join(", ")
            ));
        }
    }
    tc.lifting.set(false);
    if let ([ours], [theirs]) = (sig.results, &results[..])
        && let Some((path, theirs, ours)) = first_difference(ours, theirs, tc)
        && !path.is_empty()
    {
        return Err(format!(
            "the result of import `{import}`, {}: the component has `{theirs}`, but host function `{host}` has `{ours}`",
            path.join(", ")
        ));
    }
    if !all_match(sig.results, results, tc) {
        let theirs = match results.first() {
            Some(r) => format!("returns `{}`", wit_named(r, types, tc.names)),
            None => "returns nothing".to_string(),
        };
        let ours = match sig.results.first() {
            Some(r) => format!("returns `{r}`"),
            None => "returns nothing".to_string(),
        };
        return Err(format!(
            "import `{import}` {theirs}, but host function `{host}` {ours}"
        ));
    }
    Ok(())
}

/// Checks the Rust param and result tuples of a typed export lookup.
pub(crate) fn export_func(
    export: &str,
    params: &[&Ty],
    results: &[&Ty],
    fty: TypeFuncIndex,
    tc: &Tc<'_>,
) -> Result<(), String> {
    let types = tc.types;
    let f = &types[fty];
    let their_params = &types[f.params].types;
    let their_results = &types[f.results].types;
    tc.lifting.set(false);
    let params_match = all_match(params, their_params, tc);
    tc.lifting.set(true);
    if params_match && all_match(results, their_results, tc) {
        return Ok(());
    }
    let mut theirs = String::new();
    write_list(&mut theirs, their_params, types, tc.names);
    let mut theirs_r = String::new();
    write_list(&mut theirs_r, their_results, types, tc.names);
    // With the counts right, name the first place that differs.
    if params.len() == their_params.len() && results.len() == their_results.len() {
        let fresh = Tc::new(types, tc.host, tc.names);
        fresh.lifting.set(false);
        let mut place = None;
        for (i, (ty, it)) in params.iter().zip(their_params.iter()).enumerate() {
            if let Some(d) = first_difference(ty, it, &fresh) {
                let name = f.param_names.get(i).map_or("?", |s| s.as_str());
                place = Some((format!("parameter {i} (`{name}`)"), d));
                break;
            }
        }
        fresh.lifting.set(true);
        if place.is_none() {
            for (i, (ty, it)) in results.iter().zip(their_results.iter()).enumerate() {
                if let Some(d) = first_difference(ty, it, &fresh) {
                    place = Some((format!("result {i}"), d));
                    break;
                }
            }
        }
        if let Some((at, (path, theirs_at, ours_at))) = place {
            let at = std::iter::once(at)
                .chain(path)
                .collect::<Vec<_>>()
                .join(", ");
            // A static `ResourceAny` is one resource type with one
            // ownership on each side of the call.
            let hint = if ours_at == "ResourceAny" {
                "; a `ResourceAny` stands for one resource type, owned or borrowed alike in each direction: look borrows up as `BorrowAny`, or call through `Func`"
            } else {
                ""
            };
            return Err(format!(
                "export `{export}`, {at}: the component has `{theirs_at}`, but it was looked up with `{ours_at}` (the export's type is `func({theirs}) -> ({theirs_r})`){hint}"
            ));
        }
    }
    Err(format!(
        "export `{export}` has type `func({theirs}) -> ({theirs_r})`, but it was looked up as `func({}) -> ({})`",
        describe_tys(params),
        describe_tys(results)
    ))
}
